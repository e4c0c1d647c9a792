//! Prerequisites of a patch that does not apply to a stable branch: the
//! upstream commits the branch lacks that last changed the lines the
//! failing hunks rely on.
//!
//! [`find`] blames (libgit2, in-process) the old side of each failing hunk
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
use git2::{BlameOptions, Oid};
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
            if failing.is_empty() {
                // A missing file without hunk details: who created it.
                if f.missing {
                    for oid in blame_range(git, parent, base, path, None)? {
                        if !on_branch(git, index, branch, oid)? {
                            add(
                                oid,
                                Why::Blame {
                                    path: path.to_string(),
                                    start: 0,
                                    end: 0,
                                },
                            );
                        }
                    }
                }
                continue;
            }
            for (start, end) in failing {
                for oid in blame_range(git, parent, base, path, Some((start, end)))? {
                    if !on_branch(git, index, branch, oid)? {
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

/// The commits (after `base`) that last changed lines of `path` in `rev`,
/// newest blame hunk order; boundary lines (from `base` or before) left out.
fn blame_range(
    git: &Git,
    rev: Oid,
    base: Oid,
    path: &str,
    lines: Option<(u32, u32)>,
) -> Result<Vec<Oid>> {
    let mut opts = BlameOptions::new();
    opts.newest_commit(rev).oldest_commit(base);
    if let Some((start, end)) = lines {
        opts.min_line(start as usize).max_line(end as usize);
    }
    let blame = match git.repo().blame_file(Path::new(path), Some(&mut opts)) {
        Ok(b) => b,
        // Lines beyond the file's end, or a path blame cannot follow: no
        // evidence either way.
        Err(_) => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for h in blame.iter() {
        let oid = h.final_commit_id();
        if h.is_boundary() || oid == base || oid.is_zero() || out.contains(&oid) {
            continue;
        }
        out.push(oid);
    }
    Ok(out)
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
