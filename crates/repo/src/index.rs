//! The repository index: every per-commit fact the phases need, computed once
//! per repository and cached on disk until the refs it was built from move.
//!
//! - the first release (oldest major release tag) that contains each commit,
//! - the stable branches, their base tags, and upstream sha → stable commit(s)
//!   mined from backport lines,
//! - reverse maps: which commits say `Fixes: <this>`, which revert it,
//! - the mainline commit graph ([`CommitGraph`]) and, for the commits newer
//!   than the oldest stable base, the files each changed ([`PathChanges`]).

use crate::error::{RepoError, Result};
use crate::git::Git;
use crate::graph::CommitGraph;
use crate::history::History;
use crate::ids::{IdMap, IdSet};
use crate::message;
use crate::release::{ReleaseVersion, TagStyle, release_version_in};
use crate::scan::{self, ScanCache, ScanWriter};
use crate::stable::{self, BranchRef, StableSpec, to_bytes};
use crate::touched::PathChanges;
use git2::{Oid, Repository};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Bumped whenever the stored layout or the meaning of a field changes.
pub const INDEX_FORMAT: u32 = 18;

/// Index files kept in the cache directory: one per branch set (and
/// mainline) recently asked for.
const KEPT_INDEXES: usize = 4;
const UNRELEASED: u16 = u16::MAX;

/// A major release tag, in release order.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Release {
    pub tag: String,
    pub commit: [u8; 20],
    pub version: ReleaseVersion,
    /// The previous release is an ancestor of this one (history is linear
    /// across releases), so "in release N" implies "in every later one".
    pub contains_previous: bool,
}

impl Release {
    pub fn commit(&self) -> Oid {
        Oid::from_bytes(&self.commit).expect("20 bytes")
    }
}

/// How an upstream commit reached a stable branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackportVia {
    /// A backport line (`commit X upstream.`, `[ upstream commit X ]`, …).
    Line,
    /// No backport line, but the same `git patch-id --stable`.
    PatchId,
    /// No backport line and another patch, but the same subject and some
    /// of the same files: a backport adapted by hand.
    Subject,
    /// A backport line names the merge that brought the commit into
    /// mainline: the branch took the pull request or topic branch whole.
    Merge(Oid),
    /// The branch holds the mainline commit itself: merged into it (git.git
    /// merges a fix's topic into `maint` as into `master`), or the branch
    /// forked from mainline after it.
    Itself,
}

/// One stable branch as indexed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StableIndex {
    pub branch: BranchRef,
    /// Commits on the branch since its base.
    pub commits: usize,
    backports: Vec<([u8; 20], [u8; 20])>,
    /// Branch commits without a backport line, with their normalised subject.
    unmarked: Vec<([u8; 20], String)>,
    /// (upstream, stable) pairs from the backport lines of the commits the
    /// base holds beyond mainline: util-linux and Samba tag a release on
    /// its branch, after the fixes taken during its release candidates.
    base_backports: Vec<([u8; 20], [u8; 20])>,
    #[serde(skip)]
    by_upstream: HashMap<Oid, Vec<Oid>>,
    /// `base_backports` by upstream commit.
    #[serde(skip)]
    in_base_by_upstream: HashMap<Oid, Oid>,
    #[serde(skip)]
    by_subject: HashMap<String, Vec<Oid>>,
    /// The branch's commits since its base that it shares with mainline
    /// though nobody chose them for it: it forked from mainline after them
    /// (flatpak's and SDL's branches start well after their base tag), or
    /// they were made on its own line, which mainline merged. Sorted. The
    /// other commits both hold were merged into the branch: git.git merges a
    /// fix's topic into `maint` as into `master`.
    not_chosen: Vec<[u8; 20]>,
    #[serde(skip)]
    own: std::collections::HashSet<Oid>,
    /// Mainline commits taken whole with the merge that brought them: the
    /// merge a backport line names, by each non-merge commit it brought
    /// ([`RepoIndex`] fills it, since only it knows the merges).
    #[serde(skip)]
    with_merge: HashMap<Oid, Oid>,
}

impl StableIndex {
    fn rebuild_maps(&mut self) {
        self.by_upstream.clear();
        self.with_merge.clear();
        self.by_subject.clear();
        self.own.clear();
        self.in_base_by_upstream.clear();
        for (up, st) in &self.base_backports {
            self.in_base_by_upstream.entry(oid(up)).or_insert(oid(st));
        }
        for (up, st) in &self.backports {
            let (up, st) = (oid(up), oid(st));
            self.by_upstream.entry(up).or_default().push(st);
            self.own.insert(st);
        }
        for (st, subj) in &self.unmarked {
            self.by_subject
                .entry(subj.clone())
                .or_default()
                .push(oid(st));
            self.own.insert(oid(st));
        }
    }

    /// Stable commits whose backport line names `upstream`, or names the
    /// merge that brought `upstream` into mainline (see
    /// [`StableIndex::taken_with_merge`]), oldest first.
    pub fn backported_as(&self, upstream: Oid) -> &[Oid] {
        self.by_upstream
            .get(&upstream)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The merge whose backport line took `upstream` to the branch: the
    /// project cherry-picked the merge that brought it (`git cherry-pick -m
    /// 1 -x`, taking a pull request or topic branch whole), and no line
    /// names `upstream` itself.
    pub fn taken_with_merge(&self, upstream: Oid) -> Option<Oid> {
        self.with_merge.get(&upstream).copied()
    }

    /// Records that `member`, brought into mainline by `merge`, was taken as
    /// `stable`, whose backport line names the merge. A line naming
    /// `member` itself stays the first answer.
    fn add_merge_member(&mut self, member: Oid, merge: Oid, stable: Oid) {
        if self.by_upstream.contains_key(&member) {
            return;
        }
        self.by_upstream.insert(member, vec![stable]);
        self.with_merge.insert(member, merge);
    }

    /// Branch commits without a backport line whose subject equals `subject`
    /// (normalised): the candidates for a patch-id match.
    pub fn unmarked_with_subject(&self, subject: &str) -> &[Oid] {
        self.by_subject
            .get(&message::normalize_subject(subject))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The commit of the base's own part (beyond mainline) whose backport
    /// line names `upstream`: it is in the base, though not on mainline.
    pub fn backported_in_base(&self, upstream: Oid) -> Option<Oid> {
        self.in_base_by_upstream.get(&upstream).copied()
    }

    /// Is `oid` one of the branch's own commits since its base?
    pub fn has_own_commit(&self, oid: Oid) -> bool {
        self.own.contains(&oid)
    }

    /// Does the branch share `oid` with mainline though nobody chose it for
    /// the branch (it forked after it, or made it on its own line)? Such a
    /// commit was never a backport decision.
    pub fn shared_not_chosen(&self, oid: Oid) -> bool {
        self.not_chosen.binary_search(&to_bytes(oid)).is_ok()
    }

    /// Does the branch hold the mainline commit `oid` itself, merged into
    /// it by a merge on its line? Then the branch took it.
    pub fn holds_merged(&self, oid: Oid) -> bool {
        self.has_own_commit(oid) && !self.shared_not_chosen(oid)
    }

    pub fn backport_count(&self) -> usize {
        self.backports.len()
    }

    /// Every (upstream, stable) pair mined from backport lines.
    pub fn backports(&self) -> impl Iterator<Item = (Oid, Oid)> + '_ {
        self.backports.iter().map(|(u, s)| (oid(u), oid(s)))
    }
}

/// What a `Fixes:`-style abbreviated sha resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Unique(Oid),
    Ambiguous(Vec<Oid>),
    NotFound,
}

/// Where the index is and how to build it.
#[derive(Debug, Clone, Default)]
pub struct IndexOptions {
    /// Mainline ref; default: master, main, origin/HEAD, origin/master, origin/main, HEAD.
    pub mainline: Option<String>,
    /// Stable branches; empty means detect them by name.
    pub stable: Vec<StableSpec>,
    /// Ignore and overwrite any cached index.
    pub rebuild: bool,
    /// Do not read or write the cache at all.
    pub no_cache: bool,
    /// Told how a build advances; `None` builds silently.
    pub progress: Option<Progress>,
}

/// A build-progress callback: (stage, done, total). Called from worker
/// threads, so it must be cheap and thread-safe.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<ProgressFn>);

/// The shape of a progress callback: (stage, done, total).
pub type ProgressFn = dyn Fn(&str, usize, usize) + Send + Sync;

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl Progress {
    pub(crate) fn tell(p: Option<&Progress>, stage: &str, done: usize, total: usize) {
        if let Some(p) = p {
            (p.0)(stage, done, total);
        }
    }
}

/// Build figures, for `--verbose` and the benchmarks.
#[derive(Debug, Clone, Default)]
pub struct BuildStats {
    pub from_cache: bool,
    pub millis: u128,
    /// Commits read from the object store.
    pub commits_read: usize,
    /// Commits whose facts came from an earlier build's scans (the scan
    /// cache in `<git dir>/stablepick/`) instead.
    pub commits_reused: usize,
    pub cache_path: Option<PathBuf>,
    /// Branches named like stable branches but left out as no longer
    /// maintained (see [`stable::detect`]); only when none were named.
    pub inactive_branches: Vec<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    format: u32,
    fingerprint: u64,
    mainline_ref: String,
    mainline_tip: [u8; 20],
    releases: Vec<Release>,
    mainline: Vec<([u8; 20], u16)>,
    /// Per mainline commit (same order): author id into `authors`, commit time.
    mainline_meta: Vec<(u32, i64)>,
    /// Lower-cased author e-mail addresses.
    authors: Vec<String>,
    /// The name each address in `authors` was first seen with, lower-cased.
    author_names: Vec<String>,
    stable_commits: Vec<[u8; 20]>,
    fixes: Vec<([u8; 20], [u8; 20])>,
    /// (commit, the commit its `Follow-up for` line names).
    follow_ups: Vec<([u8; 20], [u8; 20])>,
    reverts: Vec<([u8; 20], [u8; 20])>,
    unresolved_fixes: u32,
    stable: Vec<StableIndex>,
    /// Parents and generations, by position in `mainline`.
    graph: CommitGraph,
    /// Files changed per mainline commit newer than the oldest stable base.
    touched: PathChanges,
    /// (pull request, mainline position) of the commits whose subject names
    /// their pull request, sorted; the oldest commit first for a number
    /// named twice.
    pull_requests: Vec<(u32, u32)>,
    /// The GitHub repository the newest messages' links clearly point to
    /// ([`linked_github_repo`]): this project's, for a clone with no
    /// GitHub remote.
    linked_repo: Option<String>,
    /// Mainline commits (merges aside), and how many of them carry a line
    /// `git log -i --grep='^Cc:.*stable'` finds: whether the project
    /// nominates commits for stable that way at all.
    stable_cc_usage: StableCcUsage,
}

/// How many mainline commits (merges aside) there are, how many carry a
/// `Cc: …stable…` line, how many a `Fixes:` line naming a commit, and how
/// many a `Tested-by:` trailer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StableCcUsage {
    pub commits: u32,
    pub with_stable_cc: u32,
    pub with_fixes: u32,
    pub with_tested_by: u32,
}

/// The scans an index build may reuse, and where it keeps its own.
#[derive(Default)]
struct ScanReuse {
    cache: ScanCache,
    /// `None`: no cache is read or written (`--no-cache`).
    path: Option<PathBuf>,
}

/// Per mainline position, the first-parent merge that brought it in
/// ([`CommitGraph::merged_by`]), and per merge the non-merge commits it
/// brought.
struct Merges {
    by: Vec<Option<u32>>,
    /// Merge → the non-merge commits it brought, oldest first.
    members: HashMap<u32, Vec<u32>>,
}

/// The index. Cheap to query; see the module doc for what it holds.
pub struct RepoIndex {
    stored: Stored,
    /// Mainline commit → its position in `stored.mainline`.
    pos_of: IdMap<u32>,
    release_by_tag: HashMap<String, u16>,
    sorted: Vec<[u8; 20]>,
    fixed_by: HashMap<Oid, Vec<Oid>>,
    fixes_of: HashMap<Oid, Vec<Oid>>,
    followed_up_by: HashMap<Oid, Vec<Oid>>,
    reverted_by: HashMap<Oid, Vec<Oid>>,
    /// Author id → positions in `stored.mainline`, newest first.
    by_author: HashMap<u32, Vec<u32>>,
    /// Series root per mainline position ([`crate::series`]).
    series_root: Vec<u32>,
    /// Series root → its positions, oldest first, for series of two or more.
    series_members: HashMap<u32, Vec<u32>>,
    /// Which merge brought each commit, worked out on the first
    /// [`RepoIndex::merged_in`] (most commands never ask).
    merges: std::sync::OnceLock<Merges>,
    /// This project's GitHub repositories (`owner/repo`), from the clone's
    /// remotes or the history's links: links to their pull requests name
    /// this project's.
    own_repos: Vec<String>,
    pub stats: BuildStats,
}

/// The GitHub repositories the clone's remotes point at (read each time
/// the index opens: remotes are configuration, not history); with none, the
/// one the history's own links clearly point to (learned when the index
/// was built, [`linked_github_repo`]).
fn own_github_repos(git: &Git, idx: &RepoIndex) -> Vec<String> {
    let from_remotes = github_repos_of_remotes(git);
    if !from_remotes.is_empty() {
        return from_remotes;
    }
    idx.stored.linked_repo.iter().cloned().collect()
}

/// Mainline messages read to learn which repository the links point to.
const LINK_SAMPLE: usize = 5_000;

/// For a clone with no GitHub remote (a mirror, a copy) of a project whose
/// subjects name pull requests: the repository that the pull request and
/// issue links of the newest mainline messages name most, when it has at
/// least 10 links and twice the next one's. sway links wlroots' pull
/// requests more than its own, so there no repository is clear and no
/// link counts.
fn linked_github_repo(git: &Git, stored: &Stored) -> Option<String> {
    if stored.pull_requests.len() < 10 {
        return None;
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    // Positions group commits by release, not by time: take the newest by
    // commit time.
    let mut by_time: Vec<usize> = (0..stored.mainline.len()).collect();
    by_time.sort_unstable_by_key(|&p| std::cmp::Reverse(stored.mainline_meta[p].1));
    for &pos in by_time.iter().take(LINK_SAMPLE) {
        let Ok(c) = git.repo().find_commit(oid(&stored.mainline[pos].0)) else {
            continue;
        };
        let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
        for kind in ["/pull/", "/issues/"] {
            for (i, _) in message.match_indices(kind) {
                if let Some(r) = message::github_repo_before(&message[..i]) {
                    *counts.entry(r).or_default() += 1;
                }
            }
        }
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let runner_up = ranked.get(1).map_or(0, |r| r.1);
    ranked
        .into_iter()
        .next()
        .filter(|(_, n)| *n >= 10 && *n >= 2 * runner_up)
        .map(|(r, _)| r)
}

/// The GitHub repositories the clone's remotes name.
fn github_repos_of_remotes(git: &Git) -> Vec<String> {
    let repo = git.repo();
    let Ok(names) = repo.remotes() else {
        return Vec::new();
    };
    let mut urls: Vec<String> = Vec::new();
    for name in names.iter().flatten().flatten() {
        if let Some(url) = repo
            .find_remote(name)
            .ok()
            .and_then(|r| r.url().ok().map(str::to_owned))
        {
            urls.push(url);
        }
    }
    message::github_repos_of_urls(urls.iter().map(String::as_str))
}

fn oid(b: &[u8; 20]) -> Oid {
    Oid::from_bytes(b).expect("20 bytes")
}

const MAINLINE_CANDIDATES: &[&str] = &[
    "refs/heads/master",
    "refs/heads/main",
    "refs/remotes/origin/HEAD",
    "refs/remotes/origin/master",
    "refs/remotes/origin/main",
    "HEAD",
];

fn find_mainline(git: &Git, given: Option<&str>) -> Result<(String, Oid)> {
    if let Some(g) = given {
        if let Ok(found) = git.find_branch(g) {
            return Ok(found);
        }
        return Ok((g.to_string(), git.resolve_commit(g)?));
    }
    for c in MAINLINE_CANDIDATES {
        if let Ok(r) = git.repo().find_reference(c)
            && let Ok(commit) = r.peel_to_commit()
        {
            return Ok((c.to_string(), commit.id()));
        }
    }
    Err(RepoError::NoMainline {
        tried: MAINLINE_CANDIDATES.join(", "),
    })
}

/// Most commit ids taken from one message by [`RepoIndex::commits_named_in`].
pub const MAX_NAMED_COMMITS: usize = 8;

impl RepoIndex {
    /// Loads the cached index if the refs it was built from have not moved,
    /// otherwise builds it and stores it.
    pub fn open(git: &Git, opts: &IndexOptions) -> Result<RepoIndex> {
        let start = Instant::now();
        let (mainline_ref, mainline_tip) = find_mainline(git, opts.mainline.as_deref())?;
        let (branches, inactive_branches) = if opts.stable.is_empty() {
            let d = stable::detect(git)?;
            (d.active, d.inactive)
        } else {
            let named = opts
                .stable
                .iter()
                .map(|s| stable::resolve(git, s))
                .collect::<Result<Vec<_>>>()?;
            (named, Vec::new())
        };
        let releases = release_tags(git, &branches)?;
        let fingerprint = fingerprint(&mainline_ref, mainline_tip, &releases, &branches);
        let cache_path = cache_path(git, &mainline_ref, &branches);

        if !opts.no_cache
            && !opts.rebuild
            && let Some(stored) = load(&cache_path, fingerprint)
        {
            crate::cache_dir::touch(&cache_path);
            let mut idx = RepoIndex::from_stored(stored);
            idx.own_repos = own_github_repos(git, &idx);
            idx.stats = BuildStats {
                from_cache: true,
                millis: start.elapsed().as_millis(),
                commits_read: 0,
                commits_reused: 0,
                cache_path: Some(cache_path),
                inactive_branches,
            };
            return Ok(idx);
        }

        // Commits read by an earlier build are not read again; a rebuild
        // asked for reads everything (and replaces the scan cache).
        let mut scans = if opts.no_cache {
            ScanReuse::default()
        } else {
            let path = scan::cache_path(git.git_dir());
            ScanReuse {
                cache: if opts.rebuild {
                    ScanCache::default()
                } else {
                    ScanCache::load(&path)
                },
                path: Some(path),
            }
        };
        let refs = Refs {
            mainline_ref,
            mainline_tip,
            releases,
            branches,
        };
        let (stored, (commits_read, commits_reused)) =
            build(git, fingerprint, refs, &mut scans, opts.progress.as_ref())?;
        drop(scans);
        if !opts.no_cache {
            // A cache that cannot be written only costs speed next time.
            let _ = save(&cache_path, &stored);
            // Indexes of other branch sets and of older formats.
            if let Some(dir) = cache_path.parent() {
                crate::cache_dir::prune(dir, "index-v", ".bin", KEPT_INDEXES, &cache_path);
            }
        }
        let mut idx = RepoIndex::from_stored(stored);
        idx.own_repos = own_github_repos(git, &idx);
        idx.stats = BuildStats {
            from_cache: false,
            millis: start.elapsed().as_millis(),
            commits_read,
            commits_reused,
            cache_path: (!opts.no_cache).then_some(cache_path),
            inactive_branches,
        };
        Ok(idx)
    }

    fn from_stored(mut stored: Stored) -> RepoIndex {
        for s in &mut stored.stable {
            s.rebuild_maps();
        }
        let pos_of: IdMap<u32> = stored
            .mainline
            .iter()
            .enumerate()
            .map(|(i, (o, _))| (*o, i as u32))
            .collect();
        let release_by_tag = stored
            .releases
            .iter()
            .enumerate()
            .map(|(i, r)| (r.tag.clone(), i as u16))
            .collect();
        let mut sorted: Vec<[u8; 20]> = stored
            .mainline
            .iter()
            .map(|(o, _)| *o)
            .chain(stored.stable_commits.iter().copied())
            .collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut fixed_by: HashMap<Oid, Vec<Oid>> = HashMap::new();
        let mut fixes_of: HashMap<Oid, Vec<Oid>> = HashMap::new();
        for (fixer, target) in &stored.fixes {
            fixed_by.entry(oid(target)).or_default().push(oid(fixer));
            fixes_of.entry(oid(fixer)).or_default().push(oid(target));
        }
        let mut followed_up_by: HashMap<Oid, Vec<Oid>> = HashMap::new();
        for (later, target) in &stored.follow_ups {
            followed_up_by
                .entry(oid(target))
                .or_default()
                .push(oid(later));
        }
        let mut reverted_by: HashMap<Oid, Vec<Oid>> = HashMap::new();
        for (rev, target) in &stored.reverts {
            reverted_by.entry(oid(target)).or_default().push(oid(rev));
        }
        let mut by_author: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, (a, _)) in stored.mainline_meta.iter().enumerate() {
            by_author.entry(*a).or_default().push(i as u32);
        }
        for list in by_author.values_mut() {
            list.sort_by_key(|&i| std::cmp::Reverse(stored.mainline_meta[i as usize].1));
        }
        let inputs: Vec<crate::series::SeriesInput> = stored
            .mainline_meta
            .iter()
            .enumerate()
            .map(|(i, &(author, time))| crate::series::SeriesInput {
                first_parent: stored.graph.first_parent(i as u32),
                is_merge: stored.graph.is_merge(i as u32),
                author,
                time,
            })
            .collect();
        let series_root = crate::series::series_roots(&inputs);
        let mut series_members: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, &r) in series_root.iter().enumerate() {
            if r as usize != i {
                series_members
                    .entry(r)
                    .or_insert_with(|| vec![r])
                    .push(i as u32);
            }
        }
        for list in series_members.values_mut() {
            list.sort_by_key(|&i| (stored.mainline_meta[i as usize].1, i));
        }
        let mut idx = RepoIndex {
            merges: std::sync::OnceLock::new(),
            by_author,
            series_root,
            series_members,
            stored,
            pos_of,
            release_by_tag,
            sorted,
            fixed_by,
            fixes_of,
            followed_up_by,
            reverted_by,
            own_repos: Vec::new(),
            stats: BuildStats::default(),
        };
        idx.take_merge_members();
        idx
    }

    /// Where a backport line names a first-parent merge of mainline, every
    /// non-merge commit that merge brought was taken with it
    /// ([`StableIndex::taken_with_merge`]). The merges are worked out only
    /// when some line names one.
    fn take_merge_members(&mut self) {
        let graph = &self.stored.graph;
        let named: Vec<(usize, u32, Oid)> = self
            .stored
            .stable
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.backports.iter().map(move |(up, st)| (i, up, st)))
            .filter_map(|(i, up, st)| {
                let &p = self.pos_of.get(up)?;
                graph.is_merge(p).then(|| (i, p, oid(st)))
            })
            .collect();
        if named.is_empty() {
            return;
        }
        let merges = self.merges.get_or_init(|| self.merges());
        let mut taken: Vec<(usize, Oid, Oid, Oid)> = Vec::new();
        for (i, m, st) in named {
            let Some(merge) = self.mainline_oid(m) else {
                continue;
            };
            for &member in merges.members.get(&m).map_or(&[][..], Vec::as_slice) {
                if let Some(member) = self.mainline_oid(member) {
                    taken.push((i, member, merge, st));
                }
            }
        }
        for (i, member, merge, st) in taken {
            self.stored.stable[i].add_merge_member(member, merge, st);
        }
    }

    pub fn mainline_ref(&self) -> &str {
        &self.stored.mainline_ref
    }

    /// The ref to name in commands a reader runs (`origin/main`, `master`).
    pub fn mainline_display(&self) -> &str {
        let r = &self.stored.mainline_ref;
        r.strip_prefix("refs/heads/")
            .or_else(|| r.strip_prefix("refs/remotes/"))
            .unwrap_or(r)
    }

    pub fn mainline_tip(&self) -> Oid {
        oid(&self.stored.mainline_tip)
    }

    pub fn releases(&self) -> &[Release] {
        &self.stored.releases
    }

    pub fn release_index(&self, tag: &str) -> Option<usize> {
        self.release_by_tag.get(tag).map(|&i| i as usize)
    }

    /// The release position a branch's base stands for: the base tag's own
    /// when it is a release; else, for a base on mainline between two
    /// releases (util-linux `v2.41-start`), the release before the first
    /// one that contains it, so a commit after the base that first ships in
    /// the next release is one release after the base, as for a release base.
    pub fn base_release_index(&self, b: &StableIndex) -> Option<usize> {
        if let Some(i) = self.release_index(&b.branch.base) {
            return Some(i);
        }
        match self.release_at(b.branch.base_commit())? {
            UNRELEASED => self.stored.releases.len().checked_sub(1),
            r => (r as usize).checked_sub(1),
        }
    }

    /// Is `oid` on mainline (in a release or after the last one)?
    pub fn in_mainline(&self, oid: Oid) -> bool {
        self.pos_of.contains_key(&to_bytes(oid))
    }

    /// The oldest release containing `oid`, or `None` when it is unreleased
    /// or not on mainline.
    pub fn first_release(&self, oid: Oid) -> Option<&Release> {
        match self.release_at(oid) {
            Some(r) if r != UNRELEASED => self.stored.releases.get(r as usize),
            _ => None,
        }
    }

    /// The release before `rel` in release order.
    pub fn previous_release(&self, tag: &str) -> Option<&Release> {
        let i = self.release_index(tag)?;
        i.checked_sub(1).and_then(|p| self.stored.releases.get(p))
    }

    /// Is mainline commit `oid` contained in release `tag`? `None` when the
    /// index cannot tell (not a mainline commit, or releases not nested);
    /// the caller then asks git.
    pub fn in_release(&self, oid: Oid, tag: &str) -> Option<bool> {
        let t = self.release_index(tag)?;
        let r = self.release_at(oid)?;
        if r == UNRELEASED || r as usize > t {
            // By construction it is not reachable from any earlier release.
            return Some(false);
        }
        let nested = self.stored.releases[r as usize + 1..=t]
            .iter()
            .all(|rel| rel.contains_previous);
        nested.then_some(true)
    }

    /// Is `oid` contained in `branch`'s base? The index answers when it can,
    /// git otherwise.
    pub fn in_base(&self, git: &Git, oid: Oid, branch: &StableIndex) -> Result<bool> {
        match self.in_release(oid, &branch.branch.base) {
            Some(known) => Ok(known),
            None => self.is_ancestor(git, oid, branch.branch.base_commit()),
        }
    }

    /// Release number (position in `releases`, or `UNRELEASED`) of a
    /// mainline commit.
    fn release_at(&self, oid: Oid) -> Option<u16> {
        let &p = self.pos_of.get(&to_bytes(oid))?;
        Some(self.stored.mainline[p as usize].1)
    }

    /// Position of a mainline commit in the index's commit graph.
    pub fn mainline_pos(&self, oid: Oid) -> Option<u32> {
        self.pos_of.get(&to_bytes(oid)).copied()
    }

    /// The mainline commit at graph position `pos`.
    pub fn mainline_oid(&self, pos: u32) -> Option<Oid> {
        self.stored.mainline.get(pos as usize).map(|(o, _)| oid(o))
    }

    /// Commit time of the mainline commit at graph position `pos`.
    pub fn commit_time_at(&self, pos: u32) -> i64 {
        self.stored
            .mainline_meta
            .get(pos as usize)
            .map(|m| m.1)
            .unwrap_or(0)
    }

    /// The mainline commit graph.
    pub fn graph(&self) -> &CommitGraph {
        &self.stored.graph
    }

    /// Is `a` an ancestor of `b` (or `b` itself)? Answered from the commit
    /// graph when both are mainline commits, by git otherwise.
    pub fn is_ancestor(&self, git: &Git, a: Oid, b: Oid) -> Result<bool> {
        match (self.mainline_pos(a), self.mainline_pos(b)) {
            (Some(pa), Some(pb)) => Ok(self.stored.graph.ancestors(pb).contains(pa)),
            _ => git.is_ancestor(a, b),
        }
    }

    /// Does the changed-files table cover every mainline commit after
    /// release `tag` (so a file's history since `tag` can be read from it)?
    pub fn paths_cover(&self, tag: &str) -> bool {
        match (self.stored.touched.covered_after, self.release_index(tag)) {
            (Some(after), Some(t)) => t >= after as usize,
            _ => false,
        }
    }

    /// Positions of the covered mainline commits (non-merges) that changed
    /// `path`; see [`RepoIndex::paths_cover`].
    pub fn commits_changing(&self, path: &str) -> Vec<u32> {
        self.stored.touched.commits_changing(path)
    }

    /// Commits whose `Fixes:` names `oid`.
    /// Later mainline commits whose `Follow-up for <sha>` line names `oid`.
    pub fn followed_up_by(&self, oid: Oid) -> &[Oid] {
        self.followed_up_by
            .get(&oid)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn fixed_by(&self, oid: Oid) -> &[Oid] {
        self.fixed_by.get(&oid).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Commits `oid` names in its `Fixes:` lines (resolved).
    pub fn fixes_of(&self, oid: Oid) -> &[Oid] {
        self.fixes_of.get(&oid).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Commits that revert `oid`.
    pub fn reverted_by(&self, oid: Oid) -> &[Oid] {
        self.reverted_by.get(&oid).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether and how much the mainline history nominates with `Cc: stable`.
    pub fn stable_cc_usage(&self) -> StableCcUsage {
        self.stored.stable_cc_usage
    }

    /// `Fixes:` lines on mainline whose sha matched no commit or several.
    pub fn unresolved_fixes(&self) -> u32 {
        self.stored.unresolved_fixes
    }

    pub fn branches(&self) -> &[StableIndex] {
        &self.stored.stable
    }

    pub fn branch(&self, name: &str) -> Option<&StableIndex> {
        self.stored.stable.iter().find(|s| s.branch.name == name)
    }

    pub fn commit_count(&self) -> usize {
        self.sorted.len()
    }

    /// The other commits of `oid`'s series ([`crate::series`]), the `max`
    /// nearest to it in commit time, oldest first; empty for a commit
    /// alone or not on the mainline.
    pub fn series_of(&self, oid: Oid, max: usize) -> Vec<Oid> {
        let Some(&p) = self.pos_of.get(&to_bytes(oid)) else {
            return Vec::new();
        };
        let Some(members) = self
            .series_root
            .get(p as usize)
            .and_then(|r| self.series_members.get(r))
        else {
            return Vec::new();
        };
        self.nearest(p, members, max)
    }

    /// The `max` of `members` other than `p` nearest to it in commit time,
    /// oldest first.
    fn nearest(&self, p: u32, members: &[u32], max: usize) -> Vec<Oid> {
        let time = |i: u32| self.stored.mainline_meta[i as usize].1;
        let mut near: Vec<u32> = members.iter().copied().filter(|&m| m != p).collect();
        near.sort_by_key(|&m| ((time(m) - time(p)).abs(), m));
        near.truncate(max);
        near.sort_by_key(|&m| (time(m), m));
        near.into_iter()
            .filter_map(|m| self.mainline_oid(m))
            .collect()
    }

    /// The merge on the mainline's first-parent chain that brought `oid` in
    /// (a pull request, a merged topic branch) and how many non-merge
    /// commits it brought, `oid` included; `None` for a commit made on the
    /// chain itself or not on the mainline.
    pub fn merged_in(&self, oid: Oid) -> Option<(Oid, usize)> {
        let &p = self.pos_of.get(&to_bytes(oid))?;
        let merges = self.merges.get_or_init(|| self.merges());
        let m = (*merges.by.get(p as usize)?)?;
        let size = merges.members.get(&m).map_or(0, Vec::len);
        Some((self.mainline_oid(m)?, size))
    }

    /// The merge that brought `oid` in ([`RepoIndex::merged_in`]) and the
    /// other non-merge commits it brought, the `max` nearest to `oid` in
    /// commit time, oldest first; `None` as for `merged_in`.
    pub fn merged_with(&self, oid: Oid, max: usize) -> Option<(Oid, Vec<Oid>)> {
        let &p = self.pos_of.get(&to_bytes(oid))?;
        let merges = self.merges.get_or_init(|| self.merges());
        let m = (*merges.by.get(p as usize)?)?;
        let members = merges.members.get(&m).map_or(&[][..], Vec::as_slice);
        Some((self.mainline_oid(m)?, self.nearest(p, members, max)))
    }

    fn merges(&self) -> Merges {
        let graph = &self.stored.graph;
        let by = match self.pos_of.get(&to_bytes(self.mainline_tip())) {
            Some(&tip) => graph.merged_by(tip),
            None => vec![None; self.stored.mainline.len()],
        };
        let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, m) in by.iter().enumerate() {
            if let Some(m) = m
                && !graph.is_merge(i as u32)
            {
                members.entry(*m).or_default().push(i as u32);
            }
        }
        let time = |i: u32| self.stored.mainline_meta[i as usize].1;
        for list in members.values_mut() {
            list.sort_by_key(|&i| (time(i), i));
        }
        Merges { by, members }
    }

    /// The series a mainline commit belongs to, named by its oldest commit
    /// (the commit itself when it stands alone).
    pub fn series_id(&self, oid: Oid) -> Option<Oid> {
        let &p = self.pos_of.get(&to_bytes(oid))?;
        self.mainline_oid(*self.series_root.get(p as usize)?)
    }

    /// Mainline commits by `email`, or by an address first seen with the
    /// author name `name` (both case-insensitive): one person under
    /// several addresses. Newest first, with their commit times.
    pub fn commits_by_identity(&self, email: &str, name: &str) -> Vec<(Oid, i64)> {
        let email = email.to_ascii_lowercase();
        let name = name.trim().to_lowercase();
        let mut out: Vec<(Oid, i64)> = self
            .stored
            .authors
            .iter()
            .zip(&self.stored.author_names)
            .enumerate()
            .filter(|(_, (a, n))| **a == email || (!name.is_empty() && **n == name))
            .flat_map(|(id, _)| self.commits_of_author(id))
            .collect();
        out.sort_by_key(|&(o, t)| (std::cmp::Reverse(t), o));
        out.dedup();
        out
    }

    /// Mainline commits by `email` (case-insensitive), newest first, with
    /// their commit times.
    pub fn commits_by_author(&self, email: &str) -> Vec<(Oid, i64)> {
        let email = email.to_ascii_lowercase();
        match self.stored.authors.iter().position(|a| *a == email) {
            Some(id) => self.commits_of_author(id),
            None => Vec::new(),
        }
    }

    /// Mainline commits by the author of id `id` (into `authors`).
    fn commits_of_author(&self, id: usize) -> Vec<(Oid, i64)> {
        self.by_author
            .get(&(id as u32))
            .map(|list| {
                list.iter()
                    .map(|&i| {
                        let i = i as usize;
                        (
                            oid(&self.stored.mainline[i].0),
                            self.stored.mainline_meta[i].1,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Commits `message` names by id ([`crate::message::commit_ids`]) that
    /// resolve to exactly one indexed commit, in order, without repeats,
    /// leaving out `exclude`; at most [`MAX_NAMED_COMMITS`].
    pub fn commits_named_in(&self, message: &str, exclude: &[Oid]) -> Vec<Oid> {
        let mut out: Vec<Oid> = Vec::new();
        for id in crate::message::commit_ids(message) {
            if let Resolved::Unique(o) = self.resolve_prefix(&id)
                && !exclude.contains(&o)
                && !out.contains(&o)
            {
                out.push(o);
                if out.len() == MAX_NAMED_COMMITS {
                    break;
                }
            }
        }
        out
    }

    /// The mainline commit whose subject says it is pull request `n`
    /// (`… (#n)`, `Merge pull request #n from …`).
    pub fn pull_request_commit(&self, n: u32) -> Option<Oid> {
        let p = &self.stored.pull_requests;
        let i = p.partition_point(|&(m, _)| m < n);
        p.get(i)
            .filter(|&&(m, _)| m == n)
            .and_then(|&(_, pos)| self.mainline_oid(pos))
    }

    /// Earlier mainline commits a message names by pull request number
    /// (`introduced by #12955`, `…/pull/12800`): on GitHub, where squash
    /// merges name their pull request in the subject, this is how a
    /// message says what it builds on. Only commits older than `time` (the
    /// naming commit's) count: the merge that brought a commit in is not
    /// what it builds on. At most [`MAX_NAMED_COMMITS`], leaving out `exclude`.
    pub fn pull_requests_named_in(
        &self,
        message: &str,
        time: i64,
        exclude: &[Oid],
    ) -> Vec<(u32, Oid)> {
        let mut out: Vec<(u32, Oid)> = Vec::new();
        for n in message::pull_request_refs(message, &self.own_repos) {
            let Some(o) = self.pull_request_commit(n) else {
                continue;
            };
            let older = self
                .mainline_pos(o)
                .is_some_and(|p| self.commit_time_at(p) < time);
            if older && !exclude.contains(&o) && !out.iter().any(|x| x.1 == o) {
                out.push((n, o));
                if out.len() == MAX_NAMED_COMMITS {
                    break;
                }
            }
        }
        out
    }

    /// The commits a message names, leaving out `exclude`: by id
    /// ([`Self::commits_named_in`]), then by pull request number
    /// ([`Self::pull_requests_named_in`], with the number), each once.
    pub fn named_in(&self, message: &str, time: i64, exclude: &[Oid]) -> Vec<(Oid, Option<u32>)> {
        let mut named: Vec<(Oid, Option<u32>)> = self
            .commits_named_in(message, exclude)
            .into_iter()
            .map(|o| (o, None))
            .collect();
        let mut seen: Vec<Oid> = exclude.to_vec();
        seen.extend(named.iter().map(|n| n.0));
        named.extend(
            self.pull_requests_named_in(message, time, &seen)
                .into_iter()
                .map(|(n, o)| (o, Some(n))),
        );
        named
    }

    /// Resolves an abbreviated sha among the indexed commits.
    pub fn resolve_prefix(&self, prefix: &str) -> Resolved {
        resolve_in(&self.sorted, prefix)
    }
}

fn resolve_in(sorted: &[[u8; 20]], prefix: &str) -> Resolved {
    let prefix = prefix.to_ascii_lowercase();
    if !message::is_hex_prefix(&prefix) {
        return Resolved::NotFound;
    }
    let mut padded = prefix.clone();
    while padded.len() < 40 {
        padded.push('0');
    }
    let Ok(low) = Oid::from_str(&padded) else {
        return Resolved::NotFound;
    };
    let start = sorted.partition_point(|o| o.as_slice() < low.as_bytes());
    let mut hits = Vec::new();
    for o in &sorted[start..] {
        let o = oid(o);
        if !o.to_string().starts_with(&prefix) {
            break;
        }
        hits.push(o);
    }
    match hits.len() {
        0 => Resolved::NotFound,
        1 => Resolved::Unique(hits[0]),
        _ => Resolved::Ambiguous(hits),
    }
}

/// Release tags sorted oldest first; one tag per version. Besides the known
/// forms, tags in the style of a branch's base tag count ([`TagStyle`]):
/// `--stable nm-1-46=1.46.0` makes `1.44.0` a release too. With no base tag
/// to learn from and no tag in a known form, the style most tags share and
/// its sibling with another count of numbers
/// ([`crate::release::release_styles`]).
fn release_tags(git: &Git, branches: &[BranchRef]) -> Result<Vec<Release>> {
    let mut styles: Vec<TagStyle> = branches
        .iter()
        .filter_map(|b| TagStyle::learn(&b.base))
        .collect();
    styles.dedup();
    let tags = git.tags()?;
    // Bases given as commit ids teach no style: when no tag reads as a
    // release at all, the style most tags share does.
    if styles.is_empty()
        && !tags
            .iter()
            .any(|(name, _)| crate::release::release_version(name).is_some())
    {
        styles.extend(crate::release::release_styles(
            tags.iter().map(|(n, _)| n.as_str()),
        ));
    }
    let mut rels: Vec<Release> = tags
        .into_iter()
        .filter_map(|(name, commit)| {
            release_version_in(&name, &styles).map(|version| Release {
                tag: name,
                commit: to_bytes(commit),
                version,
                contains_previous: false,
            })
        })
        .collect();
    let versions: std::collections::HashSet<_> = rels.iter().map(|r| r.version.clone()).collect();
    rels.retain(|r| !crate::release::is_point_release(&r.version, &versions));
    rels.sort_by(|a, b| {
        a.version
            .cmp(&b.version)
            .then(a.tag.len().cmp(&b.tag.len()))
    });
    rels.dedup_by(|b, a| a.version == b.version);
    Ok(rels)
}

fn fingerprint(mainline_ref: &str, tip: Oid, rels: &[Release], branches: &[BranchRef]) -> u64 {
    let mut h = DefaultHasher::new();
    INDEX_FORMAT.hash(&mut h);
    mainline_ref.hash(&mut h);
    tip.as_bytes().hash(&mut h);
    for r in rels {
        r.tag.hash(&mut h);
        r.commit.hash(&mut h);
    }
    for b in branches {
        b.name.hash(&mut h);
        b.refname.hash(&mut h);
        b.tip.hash(&mut h);
        b.base.hash(&mut h);
        b.base_commit.hash(&mut h);
    }
    h.finish()
}

/// One cache file per (mainline, branch set), inside the git directory.
fn cache_path(git: &Git, mainline_ref: &str, branches: &[BranchRef]) -> PathBuf {
    let mut h = DefaultHasher::new();
    mainline_ref.hash(&mut h);
    for b in branches {
        b.name.hash(&mut h);
        b.base.hash(&mut h);
    }
    git.git_dir()
        .join("stablepick")
        .join(format!("index-v{INDEX_FORMAT}-{:016x}.bin", h.finish()))
}

fn load(path: &Path, fingerprint: u64) -> Option<Stored> {
    let bytes = std::fs::read(path).ok()?;
    let stored: Stored = postcard::from_bytes(&bytes).ok()?;
    (stored.format == INDEX_FORMAT && stored.fingerprint == fingerprint).then_some(stored)
}

/// Writes through a temporary file and a rename, so a killed run never
/// leaves a half-written cache behind; serialised straight into the file
/// (no copy of the whole encoding in memory).
pub(crate) fn save(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let err = |detail: String| RepoError::Cache {
        path: path.to_path_buf(),
        detail,
    };
    let dir = path.parent().ok_or_else(|| err("no parent".into()))?;
    std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let file = std::fs::File::create(&tmp).map_err(|e| err(e.to_string()))?;
    let mut out = std::io::BufWriter::new(file);
    postcard::to_io(value, &mut out).map_err(|e| err(e.to_string()))?;
    std::io::Write::flush(&mut out).map_err(|e| err(e.to_string()))?;
    drop(out);
    std::fs::rename(&tmp, path).map_err(|e| err(e.to_string()))
}

/// The commits of `list` (the branch since its base) it shares with
/// mainline though nobody chose them for it: those on the branch's own
/// first-parent line (made there, like the releases flatpak tagged on a line
/// that main later merged, or git.git's `Git 2.47.1`), and those below its
/// fork point, the first commit of that line on mainline's first-parent
/// chain (the branch forked after them). What else it shares, a merge on its
/// line brought: chosen, as git.git merges a fix's topic into `maint`. Sorted.
fn shared_not_chosen(
    git: &Git,
    b: &BranchRef,
    list: &[Oid],
    graph: &CommitGraph,
    pos_of: &IdMap<u32>,
    on_first_parent_chain: &[bool],
) -> Result<Vec<[u8; 20]>> {
    let own: std::collections::HashSet<Oid> = list.iter().copied().collect();
    let mut out: Vec<[u8; 20]> = Vec::new();
    let mut fork = None;
    // The line leaves the branch's own commits where it reaches the base's
    // history.
    let mut c = b.tip();
    while own.contains(&c) {
        if let Some(&p) = pos_of.get(&to_bytes(c)) {
            if on_first_parent_chain.get(p as usize) == Some(&true) {
                fork = Some(p);
                break;
            }
            out.push(to_bytes(c));
        }
        match git.repo().find_commit(c)?.parent_id(0) {
            Ok(p) => c = p,
            Err(_) => break,
        }
    }
    if let Some(fork) = fork {
        let mut below = graph.ancestors(fork);
        out.extend(
            list.iter()
                .filter_map(|o| pos_of.get(&to_bytes(*o)).map(|&p| (o, p)))
                .filter(|&(_, p)| below.contains(p))
                .map(|(o, _)| to_bytes(*o)),
        );
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn walk(repo: &Repository, push: Oid, hide: &[Oid]) -> Result<Vec<Oid>> {
    let mut w = repo.revwalk()?;
    w.push(push)?;
    for h in hide {
        w.hide(*h)?;
    }
    Ok(w.collect::<std::result::Result<Vec<_>, _>>()?)
}

/// What an index is built from.
struct Refs {
    mainline_ref: String,
    mainline_tip: Oid,
    releases: Vec<Release>,
    branches: Vec<BranchRef>,
}

/// Builds the index of `refs`; also how many commits it read, and how many
/// it found in `scans` instead.
fn build(
    git: &Git,
    fingerprint: u64,
    refs: Refs,
    scans: &mut ScanReuse,
    progress: Option<&Progress>,
) -> Result<(Stored, (usize, usize))> {
    let Refs {
        mainline_ref,
        mainline_tip,
        mut releases,
        branches,
    } = refs;
    let repo = git.repo();
    let mut mainline: Vec<(Oid, u16)> = Vec::new();
    // Every mainline commit once the releases and the tip have been taken.
    let mut on_mainline = IdSet::default();
    let mut tips: Vec<Oid> = releases.iter().map(Release::commit).collect();
    tips.push(mainline_tip);
    Progress::tell(progress, "walking releases", 0, 1);
    let history = History::discover(repo, &tips, &scans.cache)?;
    for i in 1..releases.len() {
        let (prev, cur) = (releases[i - 1].commit(), releases[i].commit());
        releases[i].contains_previous = history.is_ancestor(prev, cur);
    }
    // Each release's commits are those it reaches and no earlier one does.
    for (i, rel) in releases.iter().enumerate() {
        for o in history.take_new(rel.commit(), &mut on_mainline) {
            mainline.push((o, i as u16));
        }
    }
    for o in history.take_new(mainline_tip, &mut on_mainline) {
        mainline.push((o, UNRELEASED));
    }
    drop(history);
    Progress::tell(progress, "walking releases", 1, 1);

    let mut stable_lists: Vec<Vec<Oid>> = Vec::new();
    let mut stable_all: Vec<Oid> = Vec::new();
    for b in &branches {
        let list = walk(repo, b.tip(), &[b.base_commit()])?;
        stable_all.extend(
            list.iter()
                .filter(|o| !on_mainline.contains(&to_bytes(**o))),
        );
        stable_lists.push(list);
    }
    stable_all.sort_unstable();
    stable_all.dedup();

    let main_oids: Vec<Oid> = mainline.iter().map(|(o, _)| *o).collect();
    // The prerequisite search reads file histories back to a branch's
    // base: list changed files for the commits after the oldest base.
    let covered_after: Option<u16> = branches
        .iter()
        .map(|b| releases.iter().position(|r| r.tag == b.base))
        .collect::<Option<Vec<usize>>>()
        .and_then(|v| v.into_iter().min())
        .map(|i| i as u16);
    let paths_for: Vec<bool> = mainline
        .iter()
        .map(|&(_, r)| covered_after.is_some_and(|after| r == UNRELEASED || r > after))
        .collect();
    let known = scans.cache.take(&main_oids, Some(&paths_for));
    let mut scanned = main_oids.len();
    let mut reused = known.iter().filter(|k| k.is_some()).count();
    let main_scan = scan::scan_commits(
        git.git_dir(),
        &main_oids,
        Some(&paths_for),
        known,
        "reading mainline messages",
        progress,
    )?;
    let mut next_scans = ScanWriter::default();
    let mut sorted: Vec<[u8; 20]> = main_oids
        .iter()
        .chain(stable_all.iter())
        .map(|o| to_bytes(*o))
        .collect();
    sorted.sort_unstable();
    let pos_of: IdMap<u32> = main_oids
        .iter()
        .enumerate()
        .map(|(i, o)| (to_bytes(*o), i as u32))
        .collect();
    let parents: Vec<Vec<u32>> = main_scan
        .iter()
        .map(|s| {
            s.parents
                .iter()
                .filter_map(|p| pos_of.get(&to_bytes(*p)).copied())
                .collect()
        })
        .collect();
    let graph = CommitGraph::new(&parents);
    let stable_cc_usage = match pos_of.get(&to_bytes(mainline_tip)) {
        Some(&tip) => stable_cc_usage_from(tip, &parents, &main_scan),
        None => StableCcUsage::default(),
    };
    drop(parents);

    let mut authors: Vec<String> = Vec::new();
    let mut author_names: Vec<String> = Vec::new();
    let mut author_ids: HashMap<String, u32> = HashMap::new();
    let mainline_meta: Vec<(u32, i64)> = main_scan
        .iter()
        .map(|s| {
            let id = *author_ids.entry(s.author.clone()).or_insert_with(|| {
                authors.push(s.author.clone());
                author_names.push(s.author_name.trim().to_lowercase());
                (authors.len() - 1) as u32
            });
            (id, s.time)
        })
        .collect();
    let mut pull_requests: Vec<(u32, u32)> = main_scan
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.pull_request.map(|n| (n, i as u32)))
        .collect();
    pull_requests.sort_unstable_by_key(|&(n, pos)| (n, mainline_meta[pos as usize].1, pos));
    pull_requests.dedup_by_key(|p| p.0);
    let mut fixes = Vec::new();
    let mut follow_ups = Vec::new();
    let mut reverts = Vec::new();
    let mut unresolved = 0u32;
    let per_commit: Vec<(u32, &[String])> = main_scan
        .iter()
        .enumerate()
        .filter(|(i, _)| paths_for[*i])
        .map(|(i, s)| (i as u32, s.changed.as_slice()))
        .collect();
    let touched = PathChanges::new(covered_after, &per_commit);
    drop(per_commit);
    // Mainline commits that carry another's change by a backport line: a
    // base they are in holds that change (NetworkManager merges its
    // release branches, cherry-picks and all, into main).
    let mut carriers: Vec<(u32, [u8; 20])> = Vec::new();
    for (i, (o, s)) in main_oids.iter().zip(&main_scan).enumerate() {
        for up in &s.backport_of {
            if let Some(t) = pick(git, &sorted, &on_mainline, up, None)
                && t != *o
            {
                carriers.push((i as u32, to_bytes(t)));
            }
        }
        for f in &s.fixes {
            match pick(
                git,
                &sorted,
                &on_mainline,
                &f.sha_prefix,
                f.subject.as_deref(),
            ) {
                Some(t) if t != *o => fixes.push((to_bytes(*o), to_bytes(t))),
                Some(_) => {}
                None => unresolved += 1,
            }
        }
        for r in &s.reverts {
            if let Some(t) = pick(git, &sorted, &on_mainline, r, None)
                && t != *o
            {
                reverts.push((to_bytes(*o), to_bytes(t)));
            }
        }
        for f in &s.follow_ups {
            if let Some(t) = pick(git, &sorted, &on_mainline, f, None)
                && t != *o
            {
                follow_ups.push((to_bytes(*o), to_bytes(t)));
            }
        }
    }
    if scans.path.is_some() {
        next_scans.add(&main_oids, main_scan, true);
    }

    let on_first_parent_chain = pos_of
        .get(&to_bytes(mainline_tip))
        .map(|&tip| graph.first_parent_chain(tip))
        .unwrap_or_default();
    let mut stable = Vec::new();
    for (b, list) in branches.into_iter().zip(stable_lists) {
        let not_chosen =
            shared_not_chosen(git, &b, &list, &graph, &pos_of, &on_first_parent_chain)?;
        let stage = format!("reading {} messages", b.name);
        let known = scans.cache.take(&list, None);
        scanned += list.len();
        reused += known.iter().filter(|k| k.is_some()).count();
        let branch_scans = scan::scan_commits(git.git_dir(), &list, None, known, &stage, progress)?;
        // A base in the index's mainline (a release tag, on the branch or
        // not) has all its history there, carriers and all; only another
        // base's own commits need reading.
        let base_backports = match pos_of.get(&to_bytes(b.base_commit())) {
            Some(&base_pos) => {
                let mut in_base = graph.ancestors(base_pos);
                carriers
                    .iter()
                    .filter(|&&(pos, _)| in_base.contains(pos))
                    .map(|&(pos, up)| (up, to_bytes(main_oids[pos as usize])))
                    .collect()
            }
            None => base_backports(
                git,
                &b,
                mainline_tip,
                &sorted,
                &on_mainline,
                &mut scans.cache,
                progress,
            )?,
        };
        let mut backports = Vec::new();
        let mut unmarked = Vec::new();
        for (o, s) in list.iter().zip(&branch_scans) {
            let mut marked = false;
            for up in &s.backport_of {
                if let Some(u) = pick(git, &sorted, &on_mainline, up, None) {
                    backports.push((to_bytes(u), to_bytes(*o)));
                    marked = true;
                }
            }
            if !marked {
                unmarked.push((to_bytes(*o), message::normalize_subject(&s.subject)));
            }
        }
        if scans.path.is_some() {
            next_scans.add(&list, branch_scans, false);
        }
        // Oldest backport first: the walk lists newest first.
        backports.reverse();
        stable.push(StableIndex {
            branch: b,
            commits: list.len(),
            backports,
            unmarked,
            base_backports,
            by_upstream: HashMap::new(),
            in_base_by_upstream: HashMap::new(),
            by_subject: HashMap::new(),
            not_chosen,
            own: Default::default(),
            with_merge: HashMap::new(),
        });
    }

    if let Some(path) = &scans.path {
        // A cache that cannot be written only costs speed next time.
        let _ = next_scans.save(&scans.cache, path);
        // One scan cache serves every branch set: older formats go.
        if let Some(dir) = path.parent() {
            crate::cache_dir::prune(dir, "scans-v", ".bin", 1, path);
        }
    }
    let mut stored = Stored {
        format: INDEX_FORMAT,
        fingerprint,
        mainline_ref,
        mainline_tip: to_bytes(mainline_tip),
        releases,
        mainline: mainline
            .into_iter()
            .map(|(o, r)| (to_bytes(o), r))
            .collect(),
        mainline_meta,
        authors,
        author_names,
        stable_commits: stable_all.into_iter().map(to_bytes).collect(),
        fixes,
        follow_ups,
        reverts,
        unresolved_fixes: unresolved,
        stable,
        graph,
        touched,
        pull_requests,
        linked_repo: None,
        stable_cc_usage,
    };
    stored.linked_repo = linked_github_repo(git, &stored);
    Ok((stored, (scanned - reused, reused)))
}

/// The (upstream, stable) pairs named by backport lines of the commits
/// `b`'s base holds and the mainline tip does not, for a base outside the
/// index's mainline.
fn base_backports(
    git: &Git,
    b: &BranchRef,
    mainline_tip: Oid,
    sorted: &[[u8; 20]],
    on_mainline: &IdSet,
    cache: &mut ScanCache,
    progress: Option<&Progress>,
) -> Result<Vec<([u8; 20], [u8; 20])>> {
    let own = walk(git.repo(), b.base_commit(), &[mainline_tip])?;
    if own.is_empty() {
        return Ok(Vec::new());
    }
    let stage = format!("reading the messages of {}'s base", b.name);
    let known = cache.take(&own, None);
    let scanned = scan::scan_commits(git.git_dir(), &own, None, known, &stage, progress)?;
    let mut pairs = Vec::new();
    for (o, s) in own.iter().zip(&scanned) {
        for up in &s.backport_of {
            if let Some(u) = pick(git, sorted, on_mainline, up, None) {
                pairs.push((to_bytes(u), to_bytes(*o)));
            }
        }
    }
    Ok(pairs)
}

/// [`StableCcUsage`] of the commits `tip` reaches (`git rev-list --no-merges
/// tip`): "mainline" also holds what release tags on other branches reach.
fn stable_cc_usage_from(tip: u32, parents: &[Vec<u32>], scans: &[scan::Scan]) -> StableCcUsage {
    let mut seen = vec![false; parents.len()];
    let mut stack = vec![tip];
    let mut usage = StableCcUsage::default();
    while let Some(p) = stack.pop() {
        let Some(mark) = seen.get_mut(p as usize) else {
            continue;
        };
        if std::mem::replace(mark, true) {
            continue;
        }
        let s = &scans[p as usize];
        if s.parents.len() <= 1 {
            usage.commits += 1;
            usage.with_stable_cc += u32::from(s.stable_cc_line);
            usage.with_fixes += u32::from(!s.fixes.is_empty());
            usage.with_tested_by += u32::from(s.tested_by_line);
        }
        stack.extend(&parents[p as usize]);
    }
    usage
}

/// Resolves an abbreviated sha the way a reader would: a unique match wins;
/// among several, mainline commits, then the one whose subject matches.
fn pick(
    git: &Git,
    sorted: &[[u8; 20]],
    mainline: &IdSet,
    prefix: &str,
    subject: Option<&str>,
) -> Option<Oid> {
    match resolve_in(sorted, prefix) {
        Resolved::Unique(o) => Some(o),
        Resolved::NotFound => None,
        Resolved::Ambiguous(all) => {
            let main: Vec<Oid> = all
                .iter()
                .copied()
                .filter(|o| mainline.contains(&to_bytes(*o)))
                .collect();
            if main.len() == 1 {
                return Some(main[0]);
            }
            let want = message::normalize_subject(subject?);
            let hits: Vec<Oid> = main
                .into_iter()
                .filter(|o| {
                    git.commit_info(*o)
                        .map(|c| message::normalize_subject(&c.subject) == want)
                        .unwrap_or(false)
                })
                .collect();
            (hits.len() == 1).then(|| hits[0])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_resolution() {
        let mut v: Vec<[u8; 20]> = [
            "abcde00000000000000000000000000000000001",
            "abcde00000000000000000000000000000000002",
            "abcdf00000000000000000000000000000000003",
        ]
        .iter()
        .map(|s| to_bytes(Oid::from_str(s).unwrap()))
        .collect();
        v.sort();
        assert!(matches!(resolve_in(&v, "abcde"), Resolved::Ambiguous(x) if x.len() == 2));
        assert!(matches!(resolve_in(&v, "abcdf"), Resolved::Unique(_)));
        assert_eq!(resolve_in(&v, "abce"), Resolved::NotFound);
        assert_eq!(resolve_in(&v, "zz"), Resolved::NotFound);
        assert!(matches!(resolve_in(&v, "ABCDF0"), Resolved::Unique(_)));
    }
}
