//! Prerequisites of a patch that does not apply to a stable branch: the
//! upstream commits the branch lacks that last changed the lines the
//! failing hunks rely on.
//!
//! [`find`] blames (in-process) the old side of each failing hunk
//! — its context and removed lines — in the commit's parent, back to the
//! branch's base. A blamed commit is a prerequisite when it is newer than
//! the base and the branch does not carry it (no backport line names it).
//! `Cc: stable # …: <sha>` notes in the commit's message add the commits
//! they name, on the same terms. The result is in applying order, oldest
//! first; [`prerequisites`] gives just the commits.

use crate::apply::{Applies, ApplyReport};
use crate::error::Result;
use crate::git::Git;
use crate::index::{RepoIndex, Resolved, StableIndex};
use git2::Oid;
use std::path::Path;

/// Why a commit is needed first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Why {
    /// It last changed lines `start..=end` (1-based, in the commit's
    /// parent) of `path` that a failing hunk needs.
    Blame { path: String, start: u32, end: u32 },
    /// The commit message names it: `Cc: stable@… # <note>`.
    StableNote { note: String },
}

/// A commit to backport before the patch, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prerequisite {
    pub commit: Oid,
    pub why: Vec<Why>,
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
    Ok(find(git, index, commit, branch, report)?
        .into_iter()
        .map(|p| p.commit)
        .collect())
}

/// Is `oid` already on the branch: in its base, or backported to it?
pub fn on_branch(git: &Git, index: &RepoIndex, branch: &StableIndex, oid: Oid) -> Result<bool> {
    let base = &branch.branch.base;
    let in_base = match index.in_release(oid, base) {
        Some(known) => known,
        None => git.is_ancestor(oid, branch.branch.base_commit())?,
    };
    Ok(in_base || !branch.backported_as(oid).is_empty() || branch.has_own_commit(oid))
}

/// Prerequisites with their reasons, oldest first.
pub fn find(
    git: &Git,
    index: &RepoIndex,
    commit: Oid,
    branch: &StableIndex,
    report: &ApplyReport,
) -> Result<Vec<Prerequisite>> {
    let mut out: Vec<Prerequisite> = Vec::new();
    let mut add = |oid: Oid, why: Why| match out.iter_mut().find(|p| p.commit == oid) {
        Some(p) => {
            if !p.why.contains(&why) {
                p.why.push(why);
            }
        }
        None => out.push(Prerequisite {
            commit: oid,
            why: vec![why],
        }),
    };

    let c = git.repo().find_commit(commit)?;
    let base = branch.branch.base_commit();
    // Blame walks from the parent back to the base; a commit whose history
    // does not contain the base would be blamed to the root, so skip it.
    let parent = c.parent_id(0).ok();
    if let Some(parent) = parent
        && git.is_ancestor(base, parent)?
    {
        for f in &report.files {
            if !matches!(f.outcome, Applies::Conflict | Applies::Fuzz) {
                continue;
            }
            let path = f.old_path.as_deref().unwrap_or(&f.path);
            let failing: Vec<(u32, u32)> = f
                .hunks
                .iter()
                .filter(|h| matches!(h.outcome, Applies::Conflict | Applies::Fuzz) || f.missing)
                .filter(|h| h.old_lines > 0 && h.old_start > 0)
                .map(|h| (h.old_start, h.old_start + h.old_lines - 1))
                .take(MAX_HUNKS_PER_FILE)
                .collect();
            if failing.is_empty() && !f.missing {
                continue;
            }
            // One blame per file over the span of its failing hunks.
            let span = (!failing.is_empty()).then(|| {
                let lo = failing.iter().map(|r| r.0).min().unwrap_or(1);
                let hi = failing.iter().map(|r| r.1).max().unwrap_or(lo);
                (lo, hi)
            });
            for (oid, lines) in blame_range(git, parent, base, path, span)? {
                // Which failing hunks' lines it wrote.
                let hit: Vec<(u32, u32)> = if failing.is_empty() {
                    vec![(0, 0)]
                } else {
                    failing
                        .iter()
                        .copied()
                        .filter(|r| lines.iter().any(|&(a, b)| a <= r.1 && r.0 <= b))
                        .collect()
                };
                if hit.is_empty() || on_branch(git, index, branch, oid)? {
                    continue;
                }
                for (start, end) in hit {
                    add(
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
            add(
                oid,
                Why::StableNote {
                    note: cc.hint.clone().unwrap_or_else(|| cc.raw.clone()),
                },
            );
        }
    }

    order(git, &mut out)?;
    Ok(out)
}

/// A commit and the line runs (inclusive, 1-based) it last changed.
type Owned = (Oid, Vec<(u32, u32)>);

/// Commits walked at most per file: enough for years of a busy file.
const MAX_WALK: usize = 20_000;

/// The commits (after `base`) that last changed lines of `path` in `rev`,
/// each with the line ranges (in `rev`) it owns; lines from `base` or
/// before are left out. `lines` limits the question to a span; `None`
/// asks about the whole file.
///
/// A blame of just those lines, walked by hand because libgit2's blame
/// reads the whole file history and takes seconds on busy files: the
/// commits between `base` and `rev` that change the file, newest first;
/// each one's diff (see [`crate::apply::diff_hunks`]) claims the tracked
/// lines it added and moves the rest to its parent's line numbers. Merges
/// are skipped (their changes arrive through the merged commits), and
/// history is followed under this one path (no rename following).
fn blame_range(
    git: &Git,
    rev: Oid,
    base: Oid,
    path: &str,
    lines: Option<(u32, u32)>,
) -> Result<Vec<Owned>> {
    let repo = git.repo();
    let blob_at = |c: &git2::Commit| -> Option<Oid> {
        let t = c.tree().ok()?;
        let e = t.get_path(Path::new(path)).ok()?;
        (e.kind() == Some(git2::ObjectType::Blob)).then(|| e.id())
    };
    let start = repo.find_commit(rev)?;
    let Some(top) = blob_at(&start) else {
        return Ok(Vec::new());
    };
    let n = crate::apply::split_lines(repo.find_blob(top)?.content()).len() as u32;
    let (lo, hi) = lines.unwrap_or((1, n));
    let (lo, hi) = (lo.max(1), hi.min(n));
    // (line in `rev`, line in the commit being looked at)
    let mut tracked: Vec<(u32, u32)> = (lo..=hi).map(|l| (l, l)).collect();
    let mut owned: Vec<(Oid, Vec<u32>)> = Vec::new();

    let mut walk = repo.revwalk()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL)?;
    walk.push(rev)?;
    walk.hide(base)?;
    let paths = [path.to_string()];
    for oid in walk.take(MAX_WALK) {
        if tracked.is_empty() {
            break;
        }
        let oid = oid?;
        if !git.touches(oid, &paths)? {
            continue;
        }
        let c = repo.find_commit(oid)?;
        let Some(new_id) = blob_at(&c) else {
            // Deleted here and re-added later: nothing older to follow.
            break;
        };
        let old_id = c.parent(0).ok().and_then(|p| blob_at(&p));
        let mine: Vec<u32>;
        match old_id {
            None => {
                // The commit created the file: every tracked line is its.
                mine = tracked.iter().map(|t| t.0).collect();
                tracked.clear();
            }
            Some(old_id) => {
                let old = repo.find_blob(old_id)?;
                let new = repo.find_blob(new_id)?;
                let hunks = crate::apply::diff_hunks(old.content(), new.content())?;
                let mut claimed = Vec::new();
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
                mine = claimed;
            }
        }
        if !mine.is_empty() {
            owned.push((oid, mine));
        }
    }
    Ok(owned
        .into_iter()
        .map(|(oid, mut ls)| {
            ls.sort_unstable();
            (oid, runs(&ls))
        })
        .collect())
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

/// Applying order: ancestors first, then commit time. A commit has more
/// ancestors among the list than any of its ancestors, so sorting by that
/// count keeps every ancestor before its descendants (and is a total order).
fn order(git: &Git, list: &mut [Prerequisite]) -> Result<()> {
    let oids: Vec<Oid> = list.iter().map(|p| p.commit).collect();
    let mut keys: std::collections::HashMap<Oid, (usize, i64)> = Default::default();
    for &o in &oids {
        let mut ancestors = 0;
        for &other in &oids {
            if other != o && git.is_ancestor(other, o)? {
                ancestors += 1;
            }
        }
        let time = git.repo().find_commit(o)?.time().seconds();
        keys.insert(o, (ancestors, time));
    }
    list.sort_by_key(|p| (keys.get(&p.commit).copied().unwrap_or_default(), p.commit));
    Ok(())
}
