//! Prerequisites of a patch that does not apply to a stable branch: the
//! upstream commits the branch lacks that last changed the lines the
//! failing hunks rely on.
//!
//! [`find_with`] blames (in-process) the old side of each failing hunk
//! — its context and removed lines — in the commit's parent, back to the
//! branch's base, following renames. For a file the branch lacks it names
//! only the commit that created it after the base (or renamed it into
//! place): every later writer of a file the branch does not have is noise.
//! A blamed commit is a prerequisite when it is newer than the base and the
//! branch does not carry it (no backport line names it). `Cc: stable # …:
//! <sha>` notes in the commit's message add the commits they name, on the
//! same terms. The result is in applying order, oldest first; [`find`] and
//! [`prerequisites`] are the same with the default [`Limits`].
//!
//! A file's history comes from the index when it lists the files changed
//! by every mainline commit since the branch's base ([`RepoIndex::paths_cover`]):
//! then only the commits that touched the file are read, and ancestry is
//! answered from the index's commit graph. Otherwise the commits between
//! the base and the parent are walked (see `History`).
//!
//! History walks are bounded by [`Limits`] (commits scanned per file, and
//! file versions read for the whole search, so the same repository always
//! gives the same list whatever the machine's speed); [`Found::cut_short`]
//! says where a walk stopped early, so a report can say the list may be
//! incomplete.

use crate::apply::{Applies, ApplyReport};
use crate::error::Result;
use crate::git::Git;
use crate::graph::Ancestors;
use crate::index::{RepoIndex, Resolved, StableIndex};
use git2::Oid;
use std::cell::Cell;
use std::collections::HashMap;

pub mod trim;

/// Why a commit is needed first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Why {
    /// It last changed lines `start..=end` (1-based, in the commit's
    /// parent) of `path` that a failing hunk needs.
    Blame { path: String, start: u32, end: u32 },
    /// It created `path` (or renamed `renamed_from` to it), and the branch
    /// lacks `path`.
    Created {
        path: String,
        renamed_from: Option<String>,
    },
    /// The commit message names it: `Cc: stable@… # <note>`.
    StableNote { note: String },
    /// It is an earlier patch of the same posted series.
    Series { message_id: String, position: u32 },
    /// Prerequisite `of` (full sha) does not apply to the branch without
    /// it, for the inner reason (a `Blame` or `Created` in `of`'s parent).
    NeededBy { of: String, why: Box<Why> },
}

/// A commit to backport before the patch, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prerequisite {
    pub commit: Oid,
    pub why: Vec<Why>,
}

/// Bounds of the history walks.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Commits looked at per file.
    pub max_scan: usize,
    /// File versions looked up for the whole search, prerequisites of
    /// prerequisites included: a count of work, not a clock, so the answer
    /// does not depend on how busy the machine is.
    pub max_work: usize,
}

/// The longest search among DPDK's 169 hand-adapted backports that
/// conflict looks up 2,495 file versions (median 152), closure included;
/// this leaves room above that and bounds a search in a far busier history
/// to a second or so.
pub const DEFAULT_MAX_WORK: usize = 4_000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_scan: 20_000,
            max_work: DEFAULT_MAX_WORK,
        }
    }
}

/// The prerequisites found, and which walks stopped early.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// In applying order after [`find_with`] or [`Found::order`].
    pub list: Vec<Prerequisite>,
    /// One line per walk cut short: `history of `path` … after N commits`.
    pub cut_short: Vec<String>,
    /// Position of commits in the newest-first walk from the commit's
    /// parent: larger is older. Lets [`Found::order`] avoid ancestry queries.
    positions: HashMap<Oid, usize>,
    /// The positions come from the index's commit graph (comparable across
    /// searches), not from one search's own walk.
    graph_positions: bool,
    /// Whether the patch applies after the list ([`trim::trim`]): `None`
    /// when that was not tried.
    pub sufficient: Option<bool>,
    /// Hunks of the patch that still fail after the list (0 when
    /// `sufficient`; a missing file counts all its hunks).
    pub failing_after: usize,
    /// Commits the search named that the patch turned out not to need:
    /// it applies without them.
    pub dropped: Vec<Prerequisite>,
    /// Trimming stopped at its work limit: the list may still hold
    /// commits the patch does not need.
    pub trim_cut_short: bool,
}

impl Found {
    /// Adds `oid` for `why`, merging reasons of the same commit.
    pub fn add(&mut self, oid: Oid, why: Why) {
        match self.list.iter_mut().find(|p| p.commit == oid) {
            Some(p) => {
                if !p.why.contains(&why) {
                    p.why.push(why);
                }
            }
            None => self.list.push(Prerequisite {
                commit: oid,
                why: vec![why],
            }),
        }
    }

    /// Just the commits.
    pub fn commits(&self) -> Vec<Oid> {
        self.list.iter().map(|p| p.commit).collect()
    }

    /// Sorts into applying order: ancestors first. Positions from the
    /// history walk decide when every commit has one; for mainline commits,
    /// generation numbers (then commit time); otherwise a commit
    /// goes after those of the list it descends from (a commit has more
    /// ancestors among the list than any of its ancestors, so sorting by
    /// that count is a topological order), then by commit time.
    pub fn order(&mut self, git: &Git, index: &RepoIndex) -> Result<()> {
        if self.list.len() < 2 {
            return Ok(());
        }
        if self
            .list
            .iter()
            .all(|p| self.positions.contains_key(&p.commit))
        {
            let pos = &self.positions;
            self.list
                .sort_by_key(|p| std::cmp::Reverse(pos.get(&p.commit).copied().unwrap_or(0)));
            return Ok(());
        }
        // Mainline commits: generation numbers are a topological order.
        let gens: Option<HashMap<Oid, (u32, i64)>> = self
            .list
            .iter()
            .map(|p| {
                let pos = index.mainline_pos(p.commit)?;
                Some((
                    p.commit,
                    (index.graph().generation(pos), index.commit_time_at(pos)),
                ))
            })
            .collect();
        if let Some(gens) = gens {
            self.list
                .sort_by_key(|p| (gens.get(&p.commit).copied().unwrap_or_default(), p.commit));
            return Ok(());
        }
        let oids: Vec<Oid> = self.list.iter().map(|p| p.commit).collect();
        let mut keys: HashMap<Oid, (usize, i64)> = HashMap::new();
        for &o in &oids {
            let mut ancestors = 0;
            // Pairwise ancestry is quadratic: past a few dozen, time alone.
            if oids.len() <= 24 {
                for &other in &oids {
                    if other != o && index.is_ancestor(git, other, o)? {
                        ancestors += 1;
                    }
                }
            }
            let time = git.repo().find_commit(o)?.time().seconds();
            keys.insert(o, (ancestors, time));
        }
        self.list
            .sort_by_key(|p| (keys.get(&p.commit).copied().unwrap_or_default(), p.commit));
        Ok(())
    }
}

/// Hunks blamed per failing file at most: a rewrite of a whole file would
/// otherwise blame it line by line.
const MAX_HUNKS_PER_FILE: usize = 16;

/// The prerequisite commits of `commit` for `branch`, oldest first.
pub fn prerequisites(
    git: &Git,
    index: &RepoIndex,
    commit: Oid,
    branch: &StableIndex,
    report: &ApplyReport,
) -> Result<Vec<Oid>> {
    Ok(find_closure(git, index, commit, branch, report, &Limits::default())?.commits())
}

/// Is `oid` already on the branch: in its base, or backported to it?
pub fn on_branch(git: &Git, index: &RepoIndex, branch: &StableIndex, oid: Oid) -> Result<bool> {
    Ok(index.in_base(git, oid, branch)?
        || !branch.backported_as(oid).is_empty()
        || branch.has_own_commit(oid))
}

/// Prerequisites with their reasons, oldest first (default limits).
pub fn find(
    git: &Git,
    index: &RepoIndex,
    commit: Oid,
    branch: &StableIndex,
    report: &ApplyReport,
) -> Result<Vec<Prerequisite>> {
    Ok(find_closure(git, index, commit, branch, report, &Limits::default())?.list)
}

/// Prerequisites looked at for prerequisites of their own, at most.
const MAX_CLOSURE: usize = 16;

/// [`find_with`], then the prerequisites of each prerequisite that does not
/// apply to the branch tip itself (the last writer of a line is often not
/// its only writer since the base), and so on, up to `MAX_CLOSURE` (16)
/// commits checked and within the same work budget. In applying order,
/// then applied in memory to see whether the patch applies after them and
/// to drop the commits it does not need ([`trim::trim`]).
pub fn find_closure(
    git: &Git,
    index: &RepoIndex,
    commit: Oid,
    branch: &StableIndex,
    report: &ApplyReport,
    limits: &Limits,
) -> Result<Found> {
    let budget = Budget::new(limits);
    let mut found = search(git, index, commit, branch, report, &budget)?;
    let mut queue: Vec<Oid> = found.commits();
    let mut seen: std::collections::HashSet<Oid> = queue.iter().copied().collect();
    seen.insert(commit);
    let mut checked = 0;
    while let Some(p) = queue.pop() {
        if checked >= MAX_CLOSURE || budget.exhausted() {
            found.cut_short.push(format!(
                "prerequisites of {} prerequisite(s) not looked for ({})",
                queue.len() + 1,
                if checked >= MAX_CLOSURE {
                    "limit"
                } else {
                    "work limit"
                }
            ));
            break;
        }
        checked += 1;
        let r = crate::apply::CommitPatch::new(git, p)?.check(git, branch.branch.tip())?;
        if r.applies.git_applies() {
            continue;
        }
        let sub = search(git, index, p, branch, &r, &budget)?;
        found.cut_short.extend(sub.cut_short);
        if !(found.graph_positions && sub.graph_positions) {
            found.graph_positions = false;
            found.positions.clear();
        } else {
            found.positions.extend(sub.positions);
        }
        for pre in sub.list {
            if pre.commit == commit {
                continue;
            }
            for why in pre.why {
                if matches!(why, Why::Blame { .. } | Why::Created { .. }) {
                    found.add(
                        pre.commit,
                        Why::NeededBy {
                            of: p.to_string(),
                            why: Box::new(why),
                        },
                    );
                }
            }
            if seen.insert(pre.commit) {
                queue.push(pre.commit);
            }
        }
    }
    found.order(git, index)?;
    if !report.applies.git_applies() && !found.list.is_empty() {
        trim::trim(git, branch.branch.tip(), commit, &mut found)?;
    }
    Ok(found)
}

/// Prerequisites with their reasons, oldest first, and the walks that
/// `limits` cut short.
pub fn find_with(
    git: &Git,
    index: &RepoIndex,
    commit: Oid,
    branch: &StableIndex,
    report: &ApplyReport,
    limits: &Limits,
) -> Result<Found> {
    search(git, index, commit, branch, report, &Budget::new(limits))
}

/// [`find_with`] spending a budget shared with other searches.
fn search(
    git: &Git,
    index: &RepoIndex,
    commit: Oid,
    branch: &StableIndex,
    report: &ApplyReport,
    budget: &Budget,
) -> Result<Found> {
    let mut found = Found::default();
    let c = git.repo().find_commit(commit)?;
    let base = branch.branch.base_commit();
    // The walks cover the commits reachable from the parent and not from
    // the base (`git log base..parent`): what the branch cannot have
    // through its base, whether or not the base is an ancestor.
    if let Ok(parent) = c.parent_id(0) {
        let mut h = if index.paths_cover(&branch.branch.base) {
            match IndexRange::new(index, parent, base, &branch.branch.base) {
                Some(r) => Source::Index(Box::new(r)),
                None => Source::Walk(History::new(git, parent, base)?),
            }
        } else {
            Source::Walk(History::new(git, parent, base)?)
        };
        found.graph_positions = matches!(h, Source::Index(_));
        for f in &report.files {
            if !matches!(f.outcome, Applies::Conflict | Applies::Fuzz) {
                continue;
            }
            let path = f.old_path.as_deref().unwrap_or(&f.path);
            if f.missing {
                let walk = creator(git, &mut h, budget, base, path)?;
                if let Some(cut) = walk.cut {
                    found.cut_short.push(cut);
                }
                found.positions.extend(walk.positions);
                if let Some((oid, renamed_from)) = walk.result
                    && !on_branch(git, index, branch, oid)?
                {
                    found.add(
                        oid,
                        Why::Created {
                            path: path.to_string(),
                            renamed_from,
                        },
                    );
                }
                continue;
            }
            let failing: Vec<(u32, u32)> = f
                .hunks
                .iter()
                .filter(|h| matches!(h.outcome, Applies::Conflict | Applies::Fuzz))
                .filter(|h| h.old_lines > 0 && h.old_start > 0)
                .map(|h| (h.old_start, h.old_start + h.old_lines - 1))
                .take(MAX_HUNKS_PER_FILE)
                .collect();
            if failing.is_empty() {
                continue;
            }
            // One blame per file over the span of its failing hunks.
            let lo = failing.iter().map(|r| r.0).min().unwrap_or(1);
            let hi = failing.iter().map(|r| r.1).max().unwrap_or(lo);
            let walk = blame_range(git, &mut h, budget, parent, path, (lo, hi))?;
            if let Some(cut) = walk.cut {
                found.cut_short.push(cut);
            }
            found.positions.extend(walk.positions);
            for (oid, lines) in walk.result {
                // The lines of failing hunks it wrote: its own runs within
                // each hunk, not the whole hunk, so that the record's
                // `git blame -L` shows only this commit.
                let mut hit: Vec<(u32, u32)> = failing
                    .iter()
                    .flat_map(|r| {
                        lines
                            .iter()
                            .filter(|&&(a, b)| a <= r.1 && r.0 <= b)
                            .map(|&(a, b)| (a.max(r.0), b.min(r.1)))
                    })
                    .collect();
                hit.sort_unstable();
                hit.dedup();
                if hit.is_empty() || on_branch(git, index, branch, oid)? {
                    continue;
                }
                for (start, end) in hit {
                    found.add(
                        oid,
                        Why::Blame {
                            path: path.to_string(),
                            start,
                            end,
                        },
                    );
                }
            }
        }
    }

    let msg = String::from_utf8_lossy(c.message_bytes()).into_owned();
    for cc in crate::message::parse(&msg).stable_cc {
        let Some(pre) = &cc.prerequisite else {
            continue;
        };
        if let Resolved::Unique(oid) = index.resolve_prefix(&pre.sha_prefix)
            && oid != commit
            && !on_branch(git, index, branch, oid)?
        {
            found.add(
                oid,
                Why::StableNote {
                    note: cc.hint.clone().unwrap_or_else(|| cc.raw.clone()),
                },
            );
        }
    }

    found.order(git, index)?;
    Ok(found)
}

/// Shared bounds of one search: the work left, counted in file versions
/// looked up.
struct Budget {
    work_left: Cell<usize>,
    max_scan: usize,
}

impl Budget {
    fn new(limits: &Limits) -> Budget {
        Budget {
            work_left: Cell::new(limits.max_work),
            max_scan: limits.max_scan,
        }
    }

    /// Takes one unit of work; false when none is left.
    fn spend(&self) -> bool {
        match self.work_left.get() {
            0 => false,
            n => {
                self.work_left.set(n - 1);
                true
            }
        }
    }

    fn exhausted(&self) -> bool {
        self.work_left.get() == 0
    }
}

/// What a walk found, where it stopped early, and the walk positions of
/// the commits it names.
struct Walk<T> {
    result: T,
    cut: Option<String>,
    positions: HashMap<Oid, usize>,
}

/// One commit of the history between the base and the commit's parent.
struct Entry {
    oid: Oid,
    /// First parent.
    parent: Option<Oid>,
    tree: Oid,
    merge: bool,
}

/// The commits between `base` (excluded) and `rev`, newest first, as
/// `git log base..rev` lists them (commit-date order: a topological sort
/// costs more than the rest of the search on DPDK), read once and shared by
/// every file's walk.
struct History<'r> {
    walk: git2::Revwalk<'r>,
    list: Vec<Entry>,
    done: bool,
}

impl<'r> History<'r> {
    fn new(git: &'r Git, rev: Oid, base: Oid) -> Result<History<'r>> {
        let mut walk = git.repo().revwalk()?;
        walk.set_sorting(git2::Sort::TIME)?;
        walk.push(rev)?;
        walk.hide(base)?;
        Ok(History {
            walk,
            list: Vec::new(),
            done: false,
        })
    }

    /// The `i`th commit, reading the walk as far as needed.
    fn get(&mut self, repo: &git2::Repository, i: usize) -> Result<Option<&Entry>> {
        while self.list.len() <= i && !self.done {
            let Some(oid) = self.walk.next() else {
                self.done = true;
                break;
            };
            let c = repo.find_commit(oid?)?;
            self.list.push(Entry {
                oid: c.id(),
                parent: c.parent_id(0).ok(),
                tree: c.tree_id(),
                merge: c.parent_count() > 1,
            });
        }
        Ok(self.list.get(i))
    }

    /// Do `from..=to` form one chain of non-merge commits, each the first
    /// parent of the one before it? Then the state before commit `k` is the
    /// tree of commit `k + 1`.
    fn chain(&mut self, repo: &git2::Repository, from: usize, to: usize) -> Result<bool> {
        if self.get(repo, to)?.is_none() {
            return Ok(false);
        }
        Ok(self.list[from..=to]
            .windows(2)
            .all(|w| !w[0].merge && !w[1].merge && w[0].parent == Some(w[1].oid)))
    }
}

/// A commit that changed the path: its position (larger is older), the
/// commit, and the path's blob before and after it.
struct Change {
    pos: usize,
    oid: Oid,
    before: Option<Oid>,
    after: Option<Oid>,
}

/// Where the history of the files comes from.
enum Source<'r> {
    /// Every commit between the base and the parent, walked.
    Walk(History<'r>),
    /// The index's changed-files table and commit graph.
    Index(Box<IndexRange<'r>>),
}

/// The commits between a branch's base and a commit's parent, answered
/// from the index.
struct IndexRange<'i> {
    index: &'i RepoIndex,
    base_tag: &'i str,
    /// Ancestors of the parent.
    reach: Ancestors<'i>,
    /// Ancestors of the base, for releases that do not nest.
    base_reach: Option<Ancestors<'i>>,
    /// The newest release the parent contains (looked up once): a commit
    /// in it is an ancestor without a graph walk down to its generation.
    contained: Option<Option<&'i str>>,
}

impl<'i> IndexRange<'i> {
    /// `None` when the parent is not a mainline commit.
    fn new(index: &'i RepoIndex, parent: Oid, base: Oid, base_tag: &'i str) -> Option<Self> {
        let pos = index.mainline_pos(parent)?;
        Some(IndexRange {
            index,
            base_tag,
            reach: index.graph().ancestors(pos),
            base_reach: index.mainline_pos(base).map(|b| index.graph().ancestors(b)),
            contained: None,
        })
    }

    /// The newest release whose commit is an ancestor of the parent. The
    /// walk goes down only to that release's generation: a window's worth
    /// of commits, not the history since the base.
    fn newest_contained(&mut self) -> Option<&'i str> {
        if let Some(known) = self.contained {
            return known;
        }
        let index = self.index;
        let found = index.releases().iter().rev().find_map(|r| {
            let pos = index.mainline_pos(r.commit())?;
            self.reach.contains(pos).then_some(r.tag.as_str())
        });
        self.contained = Some(found);
        found
    }

    /// Is mainline commit `pos` an ancestor of the parent?
    fn in_parent(&mut self, pos: u32, oid: Oid) -> bool {
        if let Some(tag) = self.newest_contained()
            && self.index.in_release(oid, tag) == Some(true)
        {
            return true;
        }
        self.reach.contains(pos)
    }

    /// The non-merge commits in `base..parent` that changed `path`, newest
    /// first (by generation, then commit time), only those with a
    /// generation below `below` when given.
    fn changes(&mut self, path: &str, below: Option<u32>) -> Vec<u32> {
        let g = self.index.graph();
        let mut list: Vec<u32> = self
            .index
            .commits_changing(path)
            .into_iter()
            .filter(|&p| below.is_none_or(|b| g.generation(p) < b))
            .collect();
        list.retain(|&p| {
            let Some(oid) = self.index.mainline_oid(p) else {
                return false;
            };
            let in_base = match self.index.in_release(oid, self.base_tag) {
                Some(known) => known,
                None => self.base_reach.as_mut().is_some_and(|r| r.contains(p)),
            };
            !in_base && self.in_parent(p, oid)
        });
        list.sort_by_key(|&p| std::cmp::Reverse((g.generation(p), self.index.commit_time_at(p))));
        list
    }
}

/// Where one file's walk is, and why it stopped.
enum Cursor {
    Walk(WalkCursor),
    Index(IndexCursor),
}

impl Cursor {
    fn new(h: &Source) -> Cursor {
        match h {
            Source::Walk(_) => Cursor::Walk(WalkCursor { next: 0, cut: None }),
            Source::Index(_) => Cursor::Index(IndexCursor {
                path: None,
                list: Vec::new(),
                next: 0,
                below: None,
                cut: None,
            }),
        }
    }

    fn take_cut(&mut self) -> Option<String> {
        match self {
            Cursor::Walk(c) => c.cut.take(),
            Cursor::Index(c) => c.cut.take(),
        }
    }

    /// The next (older) commit that changed `probe`'s path, or `None` at
    /// the end of the history or of the budget (then the cut says so).
    fn next_change(
        &mut self,
        repo: &git2::Repository,
        h: &mut Source,
        probe: &mut Probe,
        budget: &Budget,
    ) -> Result<Option<Change>> {
        match (self, h) {
            (Cursor::Walk(c), Source::Walk(h)) => c.next_change(repo, h, probe, budget),
            (Cursor::Index(c), Source::Index(r)) => c.next_change(repo, r, probe, budget),
            _ => Ok(None),
        }
    }
}

/// A file's changes from the index, newest first. A rename moves on to the
/// old path's changes older than the renaming commit.
struct IndexCursor {
    path: Option<String>,
    list: Vec<u32>,
    next: usize,
    /// Generation of the last change returned.
    below: Option<u32>,
    cut: Option<String>,
}

impl IndexCursor {
    fn next_change(
        &mut self,
        repo: &git2::Repository,
        r: &mut IndexRange,
        probe: &mut Probe,
        budget: &Budget,
    ) -> Result<Option<Change>> {
        if self.path.as_deref() != Some(probe.path.as_str()) {
            self.list = r.changes(&probe.path, self.below);
            self.path = Some(probe.path.clone());
            self.next = 0;
        }
        let g = r.index.graph();
        while let Some(&p) = self.list.get(self.next) {
            if !budget.spend() {
                self.cut = Some(format!(
                    "history of `{}` searched through {} of its {} changes only (work limit)",
                    probe.path,
                    self.next,
                    self.list.len()
                ));
                return Ok(None);
            }
            self.next += 1;
            let Some(oid) = r.index.mainline_oid(p) else {
                continue;
            };
            let c = repo.find_commit(oid)?;
            let after = probe.blob(repo, c.tree_id())?;
            let before = match c.parent(0) {
                Ok(parent) => probe.blob(repo, parent.tree_id())?,
                Err(_) => None,
            };
            if before == after {
                continue;
            }
            self.below = Some(g.generation(p));
            return Ok(Some(Change {
                pos: (u32::MAX - g.generation(p)) as usize,
                oid,
                before,
                after,
            }));
        }
        Ok(None)
    }
}

/// The commit that created a path, and the path it renamed, if any.
type Creator = (Oid, Option<String>);

/// Where one file's walk is in the shared history, and why it stopped.
struct WalkCursor {
    next: usize,
    cut: Option<String>,
}

impl WalkCursor {
    /// Index of the next non-merge commit that changes `probe`'s path, with
    /// the path's blob before and after it; `None` at the end of history or
    /// when `budget` runs out (then `cut` says so).
    fn next_change(
        &mut self,
        repo: &git2::Repository,
        h: &mut History,
        probe: &mut Probe,
        budget: &Budget,
    ) -> Result<Option<Change>> {
        loop {
            let i = self.next;
            if i >= budget.max_scan {
                self.cut = Some(format!(
                    "history of `{}` searched through {i} commits only (limit)",
                    probe.path
                ));
                return Ok(None);
            }
            if !budget.spend() {
                self.cut = Some(format!(
                    "history of `{}` searched through {i} commits only (work limit)",
                    probe.path
                ));
                return Ok(None);
            }
            let Some(e) = h.get(repo, i)? else {
                return Ok(None);
            };
            // Merges bring their changes through the merged commits.
            if e.merge {
                self.next += 1;
                continue;
            }
            let tree = e.tree;
            let now = probe.blob(repo, tree)?;
            // Along a chain, equal blobs at both ends of a stretch mean no
            // change the branch could lack (a change and its revert leave
            // the old text), so gallop, then bisect to the change: a few
            // tree reads per change instead of one per commit.
            let (mut lo, mut step) = (i, 1usize);
            let mut hi = None;
            while lo + step < budget.max_scan && h.chain(repo, lo, lo + step)? {
                let v = probe.blob(repo, h.list[lo + step].tree)?;
                if v != now {
                    hi = Some((lo + step, v));
                    break;
                }
                lo += step;
                step = step.saturating_mul(2);
                if !budget.spend() {
                    break;
                }
            }
            if hi.is_none() {
                // The chain (or the budget) ends within `step`: walk on
                // one commit at a time from `lo`.
                while lo + 1 < budget.max_scan && h.chain(repo, lo, lo + 1)? {
                    let v = probe.blob(repo, h.list[lo + 1].tree)?;
                    if v != now {
                        hi = Some((lo + 1, v));
                        break;
                    }
                    lo += 1;
                    if !budget.spend() {
                        break;
                    }
                }
            }
            match hi {
                Some((mut hi, mut before)) => {
                    while hi - lo > 1 {
                        let mid = lo + (hi - lo) / 2;
                        let v = probe.blob(repo, h.list[mid].tree)?;
                        if v == now {
                            lo = mid;
                        } else {
                            (hi, before) = (mid, v);
                        }
                    }
                    // Commit `lo` turned `before` (its parent's) into `now`.
                    self.next = lo + 1;
                    return Ok(Some(Change {
                        pos: lo,
                        oid: h.list[lo].oid,
                        before,
                        after: now,
                    }));
                }
                None => {
                    let e = &h.list[lo];
                    let parent_tree = match e.parent {
                        Some(p) => Some(repo.find_commit(p)?.tree_id()),
                        None => None,
                    };
                    self.next = lo + 1;
                    let before = match parent_tree {
                        Some(t) => probe.blob(repo, t)?,
                        None => None,
                    };
                    if before != now && !e.merge {
                        return Ok(Some(Change {
                            pos: lo,
                            oid: e.oid,
                            before,
                            after: now,
                        }));
                    }
                }
            }
        }
    }
}

/// The blob of one path in many trees, memoised per (tree, depth): most
/// directories on the way are unchanged from one commit to the next, and
/// each commit's tree is also its child's parent tree.
struct Probe {
    path: String,
    parts: Vec<String>,
    cache: HashMap<(Oid, usize), Option<Oid>>,
}

impl Probe {
    fn new(path: &str) -> Probe {
        Probe {
            path: path.to_string(),
            parts: path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            cache: HashMap::new(),
        }
    }

    fn blob(&mut self, repo: &git2::Repository, tree: Oid) -> Result<Option<Oid>> {
        self.lookup(repo, tree, 0)
    }

    fn lookup(&mut self, repo: &git2::Repository, tree: Oid, depth: usize) -> Result<Option<Oid>> {
        if let Some(r) = self.cache.get(&(tree, depth)) {
            return Ok(*r);
        }
        let Some(part) = self.parts.get(depth) else {
            return Ok(None);
        };
        let t = repo.find_tree(tree)?;
        let r = match t.get_name(part) {
            None => None,
            Some(e) if depth + 1 == self.parts.len() => {
                (e.kind() == Some(git2::ObjectType::Blob)).then(|| e.id())
            }
            Some(e) if e.kind() == Some(git2::ObjectType::Tree) => {
                let id = e.id();
                self.lookup(repo, id, depth + 1)?
            }
            Some(_) => None,
        };
        self.cache.insert((tree, depth), r);
        Ok(r)
    }
}

/// The newest commit between `base` and `rev` that created `path` (absent
/// in its parent, present after it), with the path it was renamed from if
/// it was a rename. `None` when the base already had the file (the branch
/// deleted or moved it) or no creator was found within the budget.
fn creator(
    git: &Git,
    h: &mut Source,
    budget: &Budget,
    base: Oid,
    path: &str,
) -> Result<Walk<Option<Creator>>> {
    let repo = git.repo();
    let mut out = Walk {
        result: None,
        cut: None,
        positions: HashMap::new(),
    };
    let mut probe = Probe::new(path);
    if probe
        .blob(repo, repo.find_commit(base)?.tree_id())?
        .is_some()
    {
        return Ok(out);
    }
    let mut cur = Cursor::new(h);
    while let Some(ch) = cur.next_change(repo, h, &mut probe, budget)? {
        if let (None, Some(new_id)) = (ch.before, ch.after) {
            let c = repo.find_commit(ch.oid)?;
            out.result = Some((ch.oid, renamed_from(git, &c, path, new_id)?));
            out.positions.insert(ch.oid, ch.pos);
            return Ok(out);
        }
    }
    out.cut = cur.take_cut();
    Ok(out)
}

/// The path `commit` renamed to `path` (blob `new_id`): a deleted file with
/// the same blob, or else one with the same file name whose diff to the new
/// blob leaves at least half of its lines alone (git's default rename
/// threshold, by lines).
fn renamed_from(
    git: &Git,
    commit: &git2::Commit,
    path: &str,
    new_id: Oid,
) -> Result<Option<String>> {
    let repo = git.repo();
    let deleted = crate::apply::deleted_files(repo, commit)?;
    if let Some((p, _)) = deleted.iter().find(|(_, id)| *id == new_id) {
        return Ok(Some(p.clone()));
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let new = repo.find_blob(new_id)?;
    for (p, id) in &deleted {
        if p.rsplit('/').next() != Some(name) {
            continue;
        }
        let old = repo.find_blob(*id)?;
        let hunks = crate::apply::diff_hunks(old.content(), new.content())?;
        let changed: usize = hunks
            .iter()
            .flat_map(|h| &h.lines)
            .filter(|l| l.0 != crate::apply::LineKind::Context)
            .count();
        let total = crate::apply::split_lines(old.content()).len()
            + crate::apply::split_lines(new.content()).len();
        if changed * 2 <= total {
            return Ok(Some(p.clone()));
        }
    }
    Ok(None)
}

/// A commit and the line runs (inclusive, 1-based) it last changed.
type Owned = (Oid, Vec<(u32, u32)>);

/// The commits (after `base`) that last changed lines `lines` of `path` in
/// `rev`, each with the line ranges (in `rev`) it owns; lines from `base` or
/// before are left out.
///
/// A blame of just those lines, walked by hand because libgit2's blame
/// reads the whole file history and takes seconds on busy files: the
/// commits between `base` and `rev` that change the file, newest first;
/// each one's diff (see [`crate::apply::diff_hunks`]) claims the tracked
/// lines it added and moves the rest to its parent's line numbers. Merges
/// are skipped (their changes arrive through the merged commits). A commit
/// that created the file by renaming another hands the lines it did not
/// change on to the old path, whose history the walk then follows.
fn blame_range(
    git: &Git,
    h: &mut Source,
    budget: &Budget,
    rev: Oid,
    path: &str,
    lines: (u32, u32),
) -> Result<Walk<Vec<Owned>>> {
    let repo = git.repo();
    let mut out = Walk {
        result: Vec::new(),
        cut: None,
        positions: HashMap::new(),
    };
    let mut probe = Probe::new(path);
    let Some(top) = probe.blob(repo, repo.find_commit(rev)?.tree_id())? else {
        return Ok(out);
    };
    let n = crate::apply::split_lines(repo.find_blob(top)?.content()).len() as u32;
    let (lo, hi) = (lines.0.max(1), lines.1.min(n));
    // (line in `rev`, line in the commit being looked at)
    let mut tracked: Vec<(u32, u32)> = (lo..=hi).map(|l| (l, l)).collect();
    let mut owned: Vec<(Oid, Vec<u32>)> = Vec::new();
    // Lines that came from a parallel line of work (a merged branch),
    // absent from the version being looked at: (line in `rev`, version it
    // was last tracked in, line there). A commit claims one only when, in
    // its own version, the line sits where its diff added it: matching by
    // text alone let any commit that added a blank line on another branch
    // claim every blank line.
    let mut floating: Vec<(u32, Oid, u32)> = Vec::new();

    let mut cur = Cursor::new(h);
    // The version of the file the tracked line numbers refer to.
    let mut current = top;
    while !tracked.is_empty() || !floating.is_empty() {
        let Some(Change {
            pos: i,
            oid,
            before: old,
            after: new,
        }) = cur.next_change(repo, h, &mut probe, budget)?
        else {
            out.cut = cur.take_cut();
            break;
        };
        let Some(new_id) = new else {
            // Deleted here and re-added later: nothing older to follow.
            break;
        };
        if new_id != current && !tracked.is_empty() {
            // Another line of work (a merged branch) changed the file since
            // this commit: carry the tracked lines over to its version; the
            // lines it lacks float, to be claimed by the commit that added
            // them where they sit.
            let hunks = crate::apply::diff_hunks(
                repo.find_blob(new_id)?.content(),
                repo.find_blob(current)?.content(),
            )?;
            tracked.retain_mut(|t| match map_to_parent(&hunks, t.1) {
                Some(prev) => {
                    t.1 = prev;
                    true
                }
                None => {
                    floating.push((t.0, current, t.1));
                    false
                }
            });
        }
        let mut old = old;
        let mut renamed = None;
        if old.is_none() {
            let c = repo.find_commit(oid)?;
            if let Some(from) = renamed_from(git, &c, &probe.path, new_id)? {
                old = match c.parent(0) {
                    Ok(p) => Probe::new(&from).blob(repo, p.tree_id())?,
                    Err(_) => None,
                };
                renamed = Some(from);
            }
        }
        // Where each floating line is in this commit's version, if there.
        let placed = place_floating(repo, &floating, new_id)?;
        let mine: Vec<u32> = match old {
            None => {
                // The commit created the file: every tracked line is its,
                // and every floating line its version has.
                let mut all: Vec<u32> = tracked.iter().map(|t| t.0).collect();
                tracked.clear();
                let mut k = 0;
                floating.retain(|f| {
                    let has = placed[k].is_some();
                    k += 1;
                    if has {
                        all.push(f.0);
                    }
                    !has
                });
                all
            }
            Some(old_id) => {
                let old = repo.find_blob(old_id)?;
                let new = repo.find_blob(new_id)?;
                let hunks = crate::apply::diff_hunks(old.content(), new.content())?;
                let mut claimed = Vec::new();
                let mut k = 0;
                floating.retain(|f| {
                    // Added here: in this version, and not in its parent's.
                    let added = placed[k].is_some_and(|l| map_to_parent(&hunks, l).is_none());
                    k += 1;
                    if added {
                        claimed.push(f.0);
                    }
                    !added
                });
                tracked.retain_mut(|t| match map_to_parent(&hunks, t.1) {
                    Some(prev) => {
                        t.1 = prev;
                        true
                    }
                    None => {
                        claimed.push(t.0);
                        false
                    }
                });
                claimed
            }
        };
        if let Some(o) = old {
            current = o;
        }
        if let Some(from) = renamed {
            // Older history is under the old name.
            probe = Probe::new(&from);
        }
        if !mine.is_empty() {
            out.positions.insert(oid, i);
            owned.push((oid, mine));
        }
    }
    out.result = owned
        .into_iter()
        .map(|(oid, mut ls)| {
            ls.sort_unstable();
            (oid, runs(&ls))
        })
        .collect();
    Ok(out)
}

/// Where each floating line (see [`blame_range`]) is in version `at` of the
/// file: its line there, or `None` when `at` lacks it. One diff per
/// version the lines floated from.
fn place_floating(
    repo: &git2::Repository,
    floating: &[(u32, Oid, u32)],
    at: Oid,
) -> Result<Vec<Option<u32>>> {
    let mut diffs: HashMap<Oid, Vec<crate::apply::TextHunk>> = HashMap::new();
    let mut out = Vec::with_capacity(floating.len());
    if floating.is_empty() {
        return Ok(out);
    }
    let at_blob = repo.find_blob(at)?;
    for &(_, from, line) in floating {
        let hunks = match diffs.entry(from) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(crate::apply::diff_hunks(
                at_blob.content(),
                repo.find_blob(from)?.content(),
            )?),
        };
        out.push(map_to_parent(hunks, line));
    }
    Ok(out)
}

/// Where line `line` of a commit's file was in its parent's, or `None` when
/// the commit added it.
fn map_to_parent(hunks: &[crate::apply::TextHunk], line: u32) -> Option<u32> {
    use crate::apply::LineKind;
    let mut shift: i64 = 0;
    for h in hunks {
        let new_first = if h.new_lines == 0 {
            h.new_start + 1
        } else {
            h.new_start
        };
        if line < new_first {
            break;
        }
        let new_end = new_first + h.new_lines;
        if line >= new_end {
            shift += h.old_lines as i64 - h.new_lines as i64;
            continue;
        }
        let (mut o, mut n) = (
            if h.old_lines == 0 {
                h.old_start + 1
            } else {
                h.old_start
            },
            new_first,
        );
        for (kind, _) in &h.lines {
            match kind {
                LineKind::Context => {
                    if n == line {
                        return Some(o);
                    }
                    o += 1;
                    n += 1;
                }
                LineKind::Add => {
                    if n == line {
                        return None;
                    }
                    n += 1;
                }
                LineKind::Del => o += 1,
            }
        }
        return None;
    }
    u32::try_from(line as i64 + shift).ok()
}

/// Sorted line numbers as inclusive runs.
fn runs(lines: &[u32]) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for &l in lines {
        match out.last_mut() {
            Some(r) if r.1 + 1 == l => r.1 = l,
            _ => out.push((l, l)),
        }
    }
    out
}
