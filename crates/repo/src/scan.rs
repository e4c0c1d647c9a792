//! The per-commit facts an index build reads from every mainline and
//! stable commit (references in the message, author, time, parents, the
//! files a commit changed), read in parallel, and a cache of them kept
//! between builds.
//!
//! A commit never changes, so its facts are keyed by its id alone: after a
//! fetch moves a ref, the index is rebuilt from the walks as before, but
//! only the new commits are read from the object store. Reading (and, for
//! the files changed, diffing trees) is most of a cold build; the walks
//! and the assembly are cheap. A cached scan is exactly what reading the
//! commit would give, so a rebuilt index is the same as one built from
//! nothing (`tests::a_rebuild_from_cached_scans_equals_a_fresh_one`).

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
const SCAN_FORMAT: u32 = 1;

/// Per-commit facts read in the parallel scan.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Scan {
    pub author: String,
    pub time: i64,
    pub fixes: Vec<message::FixesRef>,
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
}

/// One cached scan, as stored.
#[derive(serde::Serialize, serde::Deserialize)]
struct Cached {
    oid: [u8; 20],
    author: String,
    time: i64,
    fixes: Vec<message::FixesRef>,
    reverts: Vec<String>,
    backport_of: Vec<String>,
    parents: Vec<[u8; 20]>,
    /// `None` when the files were not asked for.
    changed: Option<Vec<String>>,
    /// Kept for branch commits only (`None` for mainline ones).
    subject: Option<String>,
}

#[derive(serde::Deserialize)]
struct CacheFile {
    format: u32,
    /// The build that wrote it: another build may read messages otherwise.
    version: String,
    entries: Vec<Cached>,
}

/// [`CacheFile`] as written, borrowing the scans.
#[derive(serde::Serialize)]
struct CacheFileOut<'a> {
    format: u32,
    version: &'a str,
    entries: Vec<&'a Cached>,
}

/// Mainline scans of an earlier build, by commit.
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

    /// Would [`ScanCache::get`] answer for `oid`?
    pub(crate) fn covers(&self, oid: Oid, mainline: bool, want_paths: bool) -> bool {
        self.by_oid.get(&to_bytes(oid)).is_some_and(|c| {
            (!want_paths || c.changed.is_some()) && (mainline || c.subject.is_some())
        })
    }

    /// The scan of `oid` if cached, with its files when `want_paths` and
    /// its subject for a branch commit (`None` if either was not kept).
    fn get(&self, oid: Oid, mainline: bool, want_paths: bool) -> Option<Scan> {
        if !self.covers(oid, mainline, want_paths) {
            return None;
        }
        let c = self.by_oid.get(&to_bytes(oid))?;
        let parents = c
            .parents
            .iter()
            .map(|p| Oid::from_bytes(p).ok())
            .collect::<Option<Vec<Oid>>>()?;
        Some(Scan {
            author: c.author.clone(),
            time: c.time,
            fixes: c.fixes.clone(),
            reverts: c.reverts.clone(),
            backport_of: c.backport_of.clone(),
            subject: if mainline {
                String::new()
            } else {
                c.subject.clone().unwrap_or_default()
            },
            parents,
            changed: match (&c.changed, want_paths) {
                (Some(v), true) => v.clone(),
                _ => Vec::new(),
            },
            paths_read: want_paths,
        })
    }
}

/// What one build learnt beyond the earlier cache (commits read now, and
/// files or subjects newly read of cached ones), to be written with it as
/// the next build's cache.
#[derive(Default)]
pub(crate) struct ScanWriter {
    fresh: IdMap<Cached>,
}

impl ScanWriter {
    /// Adds what the scans of `oids` add to `earlier`; a mainline commit
    /// whose files `earlier` had but this build did not read keeps them.
    pub(crate) fn add(
        &mut self,
        earlier: &ScanCache,
        oids: &[Oid],
        scans: Vec<Scan>,
        mainline: bool,
    ) {
        for (o, s) in oids.iter().zip(scans) {
            let id = to_bytes(*o);
            let old = earlier.by_oid.get(&id);
            let changed = match (s.paths_read, old) {
                (true, _) => Some(s.changed),
                (false, Some(c)) => c.changed.clone(),
                (false, None) => None,
            };
            let subject = match (mainline, old) {
                (false, _) => Some(s.subject),
                (true, Some(c)) => c.subject.clone(),
                (true, None) => None,
            };
            if let Some(c) = self.fresh.get_mut(&id) {
                // On the mainline and on a branch: one entry with both.
                c.changed = c.changed.take().or(changed);
                c.subject = c.subject.take().or(subject);
                continue;
            }
            let known = old.is_some_and(|c| {
                (c.changed.is_some() || changed.is_none())
                    && (c.subject.is_some() || subject.is_none())
            });
            if known {
                continue;
            }
            self.fresh.insert(
                id,
                Cached {
                    oid: id,
                    author: s.author,
                    time: s.time,
                    fixes: s.fixes,
                    reverts: s.reverts,
                    backport_of: s.backport_of,
                    parents: s.parents.iter().map(|p| to_bytes(*p)).collect(),
                    changed,
                    subject,
                },
            );
        }
    }

    /// Writes the cache: this build's scans and every scan of `earlier`
    /// (another branch set's commits, a ref since moved away: a commit
    /// never changes, so they stay true, and the cache holds each commit
    /// ever read once), in commit order.
    pub(crate) fn save(self, earlier: &ScanCache, path: &Path) -> Result<()> {
        let mut entries: Vec<&Cached> = self.fresh.values().collect();
        entries.extend(
            earlier
                .by_oid
                .iter()
                .filter(|(id, _)| !self.fresh.contains_key(*id))
                .map(|(_, c)| c),
        );
        entries.sort_unstable_by_key(|c| c.oid);
        let file = CacheFileOut {
            format: SCAN_FORMAT,
            version: env!("CARGO_PKG_VERSION"),
            entries,
        };
        crate::index::save(path, &file)
    }
}

/// Reads each commit's message, author, time and parents; with `paths_for`
/// (one flag per commit: the mainline's commits), also the files each
/// flagged non-merge commit changed; without, the subject (a branch's
/// commits). Commits found in `reuse` are not read.
pub(crate) fn scan_commits(
    git_dir: &Path,
    oids: &[Oid],
    paths_for: Option<&[bool]>,
    reuse: Option<&ScanCache>,
    stage: &str,
    progress: Option<&Progress>,
) -> Result<Vec<Scan>> {
    let threads = rayon::current_num_threads().max(1);
    let chunk = (oids.len() / (threads * 8)).clamp(256, 1 << 16);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let parts: Vec<Result<Vec<Scan>>> = oids
        .par_chunks(chunk)
        .enumerate()
        .map(|(k, part)| {
            // Repository is not Sync: each worker opens its own handle, and
            // only when a commit of its part is not cached.
            let mut repo: Option<Repository> = None;
            part.iter()
                .enumerate()
                .map(|(i, &o)| {
                    let wanted = paths_for
                        .and_then(|f| f.get(k * chunk + i).copied())
                        .unwrap_or(false);
                    let mainline = paths_for.is_some();
                    if let Some(s) = reuse.and_then(|r| r.get(o, mainline, wanted)) {
                        return Ok(s);
                    }
                    let repo = match &mut repo {
                        Some(r) => r,
                        None => repo.insert(Repository::open(git_dir)?),
                    };
                    read_one(repo, o, mainline, wanted)
                })
                .collect::<Result<Vec<Scan>>>()
                .inspect(|_| {
                    let n = done.fetch_add(part.len(), std::sync::atomic::Ordering::Relaxed);
                    Progress::tell(progress, stage, n + part.len(), oids.len());
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
        || msg.contains("reverts commit")
        || msg.contains("pstream")
        || msg.contains("cherry");
    let subject = msg.lines().next().unwrap_or("").trim().to_string();
    if !lower_needed {
        return Scan {
            subject,
            ..Default::default()
        };
    }
    let p = message::parse(msg);
    Scan {
        fixes: p.fixes,
        reverts: p.reverts,
        backport_of: p.backport_of,
        subject,
        ..Default::default()
    }
}
