//! The per-commit facts an index build reads from every mainline and
//! stable commit (references in the message, author, time, parents, the
//! files a commit changed), read in parallel, and a cache of them kept
//! between builds.
//!
//! A commit never changes (and a shallow clone, whose boundary commits
//! gain parents when deepened, is refused when opened: [`crate::Git::open`]),
//! so its facts are keyed by its id alone: after a fetch moves a ref, the
//! index is rebuilt as before ([`crate::history`] walks the graph from the
//! cached parents), but only the new commits are read from the object
//! store. Reading (and, for the files changed, diffing trees) is most of a
//! cold build. A cached scan is exactly what reading the commit would give,
//! so a rebuilt index is the same as one built from nothing
//! (`crates/repo/tests/scan_cache.rs`).

use crate::error::Result;
use crate::ids::{Id, IdMap};
use crate::index::Progress;
use crate::message;
use crate::stable::to_bytes;
use crate::touched;
use git2::{Oid, Repository};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Bumped whenever what [`scan_one`] or the file list reads changes: a
/// cache of another format is ignored (and replaced).
const SCAN_FORMAT: u32 = 9;

/// Per-commit facts read in the parallel scan.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Scan {
    pub author: String,
    /// The author's name as committed: one person may write under
    /// several addresses.
    pub author_name: String,
    pub time: i64,
    pub fixes: Vec<message::FixesRef>,
    /// Shas of `Follow-up for <sha>` lines ([`message::follow_up_ids`]).
    pub follow_ups: Vec<String>,
    pub reverts: Vec<String>,
    pub backport_of: Vec<String>,
    /// Kept for stable commits only (their unmarked backports are matched
    /// by subject); a million mainline subjects would cost memory.
    pub subject: String,
    pub parents: Vec<Oid>,
    /// Files changed against the first parent, when asked for.
    pub changed: Vec<String>,
    /// `changed` was asked for (and is complete; empty for a merge).
    pub paths_read: bool,
    /// The pull request the subject says the commit is
    /// ([`message::pull_request_of_subject`]).
    pub pull_request: Option<u32>,
    /// A line matches `git log -i --grep='^Cc:.*stable'`
    /// ([`message::has_stable_cc_line`]).
    pub stable_cc_line: bool,
    /// A line opens with `Tested-by:` ([`message::has_tested_by_line`]).
    pub tested_by_line: bool,
}

/// One cached scan, as stored.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Cached {
    oid: [u8; 20],
    author: String,
    author_name: String,
    time: i64,
    fixes: Vec<message::FixesRef>,
    follow_ups: Vec<String>,
    reverts: Vec<String>,
    backport_of: Vec<String>,
    parents: Vec<[u8; 20]>,
    /// `None` when the files were not asked for.
    changed: Option<Vec<String>>,
    /// Kept for branch commits only (`None` for mainline ones).
    subject: Option<String>,
    pull_request: Option<u32>,
    stable_cc_line: bool,
    tested_by_line: bool,
}

#[derive(serde::Deserialize)]
struct CacheFile {
    format: u32,
    /// The build that wrote it: another build may read messages otherwise.
    version: String,
    entries: Vec<Cached>,
}

/// The scans of earlier builds (mainline and branch commits), by commit.
#[derive(Default)]
pub(crate) struct ScanCache {
    by_oid: IdMap<Cached>,
}

/// The scan cache of a repository: one per git directory, whatever the
/// mainline or branch set (a commit's facts do not depend on them).
pub(crate) fn cache_path(git_dir: &Path) -> PathBuf {
    git_dir
        .join("stablepick")
        .join(format!("scans-v{SCAN_FORMAT}.bin"))
}

impl ScanCache {
    /// The cache at `path`; empty when there is none, it does not read, or
    /// another build wrote it (a cache only ever saves time).
    pub(crate) fn load(path: &Path) -> ScanCache {
        let Ok(bytes) = std::fs::read(path) else {
            return ScanCache::default();
        };
        let Ok(file) = postcard::from_bytes::<CacheFile>(&bytes) else {
            return ScanCache::default();
        };
        if file.format != SCAN_FORMAT || file.version != env!("CARGO_PKG_VERSION") {
            return ScanCache::default();
        }
        let mut by_oid = IdMap::default();
        by_oid.reserve(file.entries.len());
        for c in file.entries {
            by_oid.insert(c.oid, c);
        }
        ScanCache { by_oid }
    }

    /// The parents and commit time of `id`, if cached.
    pub(crate) fn parents_and_time(&self, id: &Id) -> Option<(&[Id], i64)> {
        let c = self.by_oid.get(id)?;
        Some((&c.parents, c.time))
    }

    /// Does the cache hold what [`ScanCache::take`] is asked for `oid`: its
    /// files when `want_paths`, its subject for a branch commit?
    fn covers(&self, oid: Oid, mainline: bool, want_paths: bool) -> bool {
        self.by_oid.get(&to_bytes(oid)).is_some_and(|c| {
            (!want_paths || c.changed.is_some()) && (mainline || c.subject.is_some())
        })
    }

    /// Takes the scans of `oids` (the mainline's when `paths_for` flags
    /// whose files are wanted, else a branch's) out of the cache: moved,
    /// not copied, as the build hands them to the [`ScanWriter`] that
    /// writes them back. A commit not cached, or cached without what is
    /// asked (its files, a branch commit's subject), is `None`. A mainline
    /// commit cached with a branch subject is copied instead, so the
    /// subject stays.
    pub(crate) fn take(&mut self, oids: &[Oid], paths_for: Option<&[bool]>) -> Vec<Option<Scan>> {
        let mainline = paths_for.is_some();
        oids.iter()
            .enumerate()
            .map(|(i, &o)| {
                let wanted = paths_for.is_some_and(|f| f.get(i).copied().unwrap_or(false));
                if !self.covers(o, mainline, wanted) {
                    return None;
                }
                let id = to_bytes(o);
                let c = match self.by_oid.get(&id) {
                    Some(c) if mainline && c.subject.is_some() => Cached::clone(c),
                    _ => self.by_oid.remove(&id)?,
                };
                let parents = c
                    .parents
                    .iter()
                    .map(|p| Oid::from_bytes(p).ok())
                    .collect::<Option<Vec<Oid>>>()?;
                Some(Scan {
                    author: c.author,
                    author_name: c.author_name,
                    time: c.time,
                    fixes: c.fixes,
                    follow_ups: c.follow_ups,
                    reverts: c.reverts,
                    backport_of: c.backport_of,
                    subject: if mainline {
                        String::new()
                    } else {
                        c.subject.unwrap_or_default()
                    },
                    parents,
                    // Files read once stay with the commit, wanted or not.
                    paths_read: c.changed.is_some(),
                    changed: c.changed.unwrap_or_default(),
                    pull_request: c.pull_request,
                    stable_cc_line: c.stable_cc_line,
                    tested_by_line: c.tested_by_line,
                })
            })
            .collect()
    }
}

/// One build's scans, kept as the build made them (no copy), to be
/// written with the earlier cache as the next build's.
#[derive(Default)]
pub(crate) struct ScanWriter {
    /// (commits, their scans, mainline or a branch)
    parts: Vec<(Vec<Oid>, Vec<Scan>, bool)>,
}

/// Where one written scan comes from.
#[derive(Clone, Copy)]
enum Source<'a> {
    Earlier(&'a Cached),
    /// (part, row) of [`ScanWriter::parts`].
    Made(usize, usize),
}

impl ScanWriter {
    pub(crate) fn add(&mut self, oids: &[Oid], scans: Vec<Scan>, mainline: bool) {
        self.parts.push((oids.to_vec(), scans, mainline));
    }

    /// Writes this build's scans and every scan of `earlier` (another
    /// branch set's commits, a ref since moved away: a commit never
    /// changes, so they stay true, and the cache holds each commit ever
    /// read once), in commit order, streamed to the file. A commit scanned
    /// on the mainline and on a branch, or scanned now without its files
    /// that `earlier` has, is one entry with all that is known of it.
    pub(crate) fn save(self, earlier: &ScanCache, path: &Path) -> Result<()> {
        let mut sources: Vec<(Id, Source)> = Vec::new();
        for (p, (oids, _, _)) in self.parts.iter().enumerate() {
            sources.extend(
                oids.iter()
                    .enumerate()
                    .map(|(r, o)| (to_bytes(*o), Source::Made(p, r))),
            );
        }
        sources.extend(
            earlier
                .by_oid
                .iter()
                .map(|(id, c)| (*id, Source::Earlier(c))),
        );
        // Stable: this build's own scans come before the earlier ones.
        sources.sort_by_key(|(id, _)| *id);
        let mut groups: Vec<&[(Id, Source)]> = Vec::new();
        let mut rest = &sources[..];
        while let Some((first, _)) = rest.first() {
            let n = rest.iter().take_while(|(id, _)| id == first).count();
            groups.push(&rest[..n]);
            rest = &rest[n..];
        }
        let file = CacheFileOut {
            format: SCAN_FORMAT,
            version: env!("CARGO_PKG_VERSION"),
            entries: Entries {
                writer: &self,
                groups,
            },
        };
        crate::index::save(path, &file)
    }

    /// One entry, as written, from the sources of one commit.
    fn entry<'a>(&'a self, group: &[(Id, Source<'a>)]) -> CachedRef<'a> {
        let view = |src: Source<'a>| -> CachedRef<'a> {
            match src {
                Source::Earlier(c) => CachedRef {
                    oid: c.oid,
                    author: &c.author,
                    author_name: &c.author_name,
                    time: c.time,
                    fixes: &c.fixes,
                    follow_ups: &c.follow_ups,
                    reverts: &c.reverts,
                    backport_of: &c.backport_of,
                    parents: Parents::Bytes(&c.parents),
                    changed: c.changed.as_deref(),
                    subject: c.subject.as_deref(),
                    pull_request: c.pull_request,
                    stable_cc_line: c.stable_cc_line,
                    tested_by_line: c.tested_by_line,
                },
                Source::Made(p, r) => {
                    let (oids, scans, mainline) = &self.parts[p];
                    let s = &scans[r];
                    CachedRef {
                        oid: to_bytes(oids[r]),
                        author: &s.author,
                        author_name: &s.author_name,
                        time: s.time,
                        fixes: &s.fixes,
                        follow_ups: &s.follow_ups,
                        reverts: &s.reverts,
                        backport_of: &s.backport_of,
                        parents: Parents::Oids(&s.parents),
                        changed: s.paths_read.then_some(s.changed.as_slice()),
                        subject: (!mainline).then_some(s.subject.as_str()),
                        pull_request: s.pull_request,
                        stable_cc_line: s.stable_cc_line,
                        tested_by_line: s.tested_by_line,
                    }
                }
            }
        };
        let mut out = view(group[0].1);
        for &(_, src) in &group[1..] {
            let other = view(src);
            out.changed = out.changed.or(other.changed);
            out.subject = out.subject.or(other.subject);
        }
        out
    }
}

/// [`CacheFile`] as written.
#[derive(serde::Serialize)]
struct CacheFileOut<'a> {
    format: u32,
    version: &'a str,
    entries: Entries<'a>,
}

/// The entries of a [`ScanWriter`], serialised as a sequence one by one.
struct Entries<'a> {
    writer: &'a ScanWriter,
    groups: Vec<&'a [(Id, Source<'a>)]>,
}

impl serde::Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        ser.collect_seq(self.groups.iter().map(|g| self.writer.entry(g)))
    }
}

/// A [`Cached`] as written, borrowing its fields: the same encoding.
#[derive(serde::Serialize)]
struct CachedRef<'a> {
    oid: Id,
    author: &'a str,
    author_name: &'a str,
    time: i64,
    fixes: &'a [message::FixesRef],
    follow_ups: &'a [String],
    reverts: &'a [String],
    backport_of: &'a [String],
    parents: Parents<'a>,
    changed: Option<&'a [String]>,
    subject: Option<&'a str>,
    pull_request: Option<u32>,
    stable_cc_line: bool,
    tested_by_line: bool,
}

/// Parents as stored (`[u8; 20]` each), from either form.
enum Parents<'a> {
    Bytes(&'a [Id]),
    Oids(&'a [Oid]),
}

impl serde::Serialize for Parents<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Parents::Bytes(b) => ser.collect_seq(b.iter()),
            Parents::Oids(o) => ser.collect_seq(o.iter().map(|o| to_bytes(*o))),
        }
    }
}

/// Reads each commit's message, author, time and parents; with `paths_for`
/// (one flag per commit: the mainline's commits), also the files each
/// flagged non-merge commit changed; without, the subject (a branch's
/// commits). The scans in `known` (one per commit, from
/// [`ScanCache::take`]; empty for none) are not read again.
pub(crate) fn scan_commits(
    git_dir: &Path,
    oids: &[Oid],
    paths_for: Option<&[bool]>,
    known: Vec<Option<Scan>>,
    stage: &str,
    progress: Option<&Progress>,
) -> Result<Vec<Scan>> {
    let threads = rayon::current_num_threads().max(1);
    let chunk = (oids.len() / (threads * 8)).clamp(256, 1 << 16);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut items: Vec<(Oid, Option<Scan>)> = oids
        .iter()
        .copied()
        .zip(known.into_iter().chain(std::iter::repeat_with(|| None)))
        .collect();
    let parts: Vec<Result<Vec<Scan>>> = items
        .par_chunks_mut(chunk)
        .enumerate()
        .map(|(k, part)| {
            // Repository is not Sync: each worker opens its own handle, and
            // only when a commit of its part is not known.
            let mut repo: Option<Repository> = None;
            let len = part.len();
            part.iter_mut()
                .enumerate()
                .map(|(i, (o, known))| {
                    if let Some(s) = known.take() {
                        return Ok(s);
                    }
                    let o = *o;
                    let wanted = paths_for
                        .and_then(|f| f.get(k * chunk + i).copied())
                        .unwrap_or(false);
                    let mainline = paths_for.is_some();
                    let repo = match &mut repo {
                        Some(r) => r,
                        None => repo.insert(Repository::open(git_dir)?),
                    };
                    read_one(repo, o, mainline, wanted)
                })
                .collect::<Result<Vec<Scan>>>()
                .inspect(|_| {
                    let n = done.fetch_add(len, std::sync::atomic::Ordering::Relaxed);
                    Progress::tell(progress, stage, n + len, oids.len());
                })
        })
        .collect();
    let mut out = Vec::with_capacity(oids.len());
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

fn read_one(repo: &Repository, o: Oid, mainline: bool, wanted: bool) -> Result<Scan> {
    let c = repo.find_commit(o)?;
    let msg = String::from_utf8_lossy(c.message_bytes());
    let mut s = scan_one(&msg);
    s.author = String::from_utf8_lossy(c.author().email_bytes()).to_ascii_lowercase();
    s.author_name = String::from_utf8_lossy(c.author().name_bytes()).into_owned();
    s.time = c.time().seconds();
    s.parents = c.parent_ids().collect();
    if mainline {
        s.subject = String::new();
    }
    if wanted {
        if c.parent_count() <= 1 {
            let before = c.parents().next().map(|p| p.tree_id());
            s.changed = touched::changed_paths(repo, before, Some(c.tree_id()));
        }
        s.paths_read = true;
    }
    Ok(s)
}

pub(crate) fn scan_one(msg: &str) -> Scan {
    // Cheap pre-checks keep the regex work to the commits that need it.
    let lower_needed = msg.contains("ixes:")
        || msg.contains("FIXES:")
        || msg.contains("ollow-up")
        || msg.contains("ollowup")
        || msg.contains("reverts commit")
        || msg.contains("pstream")
        || msg.contains("cherry")
        // `Backport of <sha> from main.`, `(Back-ported from commit …)`.
        || msg.contains("ackport")
        || msg.contains("ack-port");
    let subject = msg.lines().next().unwrap_or("").trim().to_string();
    let pull_request = message::pull_request_of_subject(&subject);
    let stable_cc_line = message::has_stable_cc_line(msg);
    let tested_by_line = message::has_tested_by_line(msg);
    if !lower_needed {
        return Scan {
            subject,
            pull_request,
            stable_cc_line,
            tested_by_line,
            ..Default::default()
        };
    }
    let p = message::parse(msg);
    Scan {
        fixes: p.fixes,
        follow_ups: p.follow_ups,
        reverts: p.reverts,
        backport_of: p.backport_of,
        subject,
        pull_request,
        stable_cc_line,
        tested_by_line,
        ..Default::default()
    }
}
