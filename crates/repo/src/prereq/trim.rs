//! Which of the prerequisites a patch really needs.
//!
//! Blame names every commit that last touched a line a failing hunk needs,
//! and the closure adds theirs; many are not needed for the patch to apply
//! (a later commit rewrote the line again, or the hunk only needed one of
//! two writers). Here the list is applied in memory to the branch tip
//! ([`Overlay`]), in order, and the patch checked after it. When it then
//! applies, commits are dropped — halves of the list first, then smaller
//! runs, down to single commits — as long as the patch still applies
//! without them. Commits named by the message or the posted series are
//! kept: they are needed for what they do, not for their lines.

use super::{Found, Why};
use crate::apply::overlay::Overlay;
use crate::apply::{ApplyReport, CommitPatch};
use crate::error::Result;
use crate::git::Git;
use git2::Oid;
use std::collections::HashMap;

/// Patches applied in memory per trimming, at most: a count of work, so a
/// list is trimmed the same way on every machine. A list of 100 commits
/// with one of them needed takes about 700.
pub const MAX_APPLICATIONS: usize = 2_000;

/// The outcome of applying a list in memory.
struct Trial {
    /// Hunks of the patch that still fail after the list (see [`failing`]).
    failing: usize,
    /// Which of the list applied (one that does not is skipped).
    applied: Vec<bool>,
}

/// Hunks of `patch` that do not apply (clean or with offsets) in `report`;
/// a file that is missing or refused as a whole counts all its hunks.
fn failing(patch: &CommitPatch, report: &ApplyReport) -> usize {
    report
        .files
        .iter()
        .zip(&patch.files)
        .filter(|(fa, _)| !fa.outcome.git_applies())
        .map(|(fa, fp)| {
            if fa.missing || fa.reason.is_some() {
                fp.hunks.len().max(1)
            } else {
                fa.hunks
                    .iter()
                    .filter(|h| !h.outcome.git_applies())
                    .count()
                    .max(1)
            }
        })
        .sum()
}

struct Trimmer<'g, 't> {
    git: &'g Git,
    tip: &'t git2::Tree<'t>,
    commit: Oid,
    patches: HashMap<Oid, CommitPatch>,
    applications: usize,
}

impl Trimmer<'_, '_> {
    fn patch(&mut self, oid: Oid) -> Result<&CommitPatch> {
        if !self.patches.contains_key(&oid) {
            let p = CommitPatch::new(self.git, oid)?;
            self.patches.insert(oid, p);
        }
        Ok(&self.patches[&oid])
    }

    /// Whether a trial of `list` fits in what is left of the work limit.
    fn affordable(&self, list: &[Oid]) -> bool {
        self.applications + list.len() < MAX_APPLICATIONS
    }

    fn trial(&mut self, list: &[Oid]) -> Result<Trial> {
        let commit = self.commit;
        for &o in list.iter().chain([&commit]) {
            self.patch(o)?;
        }
        self.applications += list.len() + 1;
        let mut overlay = Overlay::new(self.tip);
        let mut applied = Vec::with_capacity(list.len());
        for o in list {
            applied.push(overlay.apply(self.git, &self.patches[o])?);
        }
        let patch = &self.patches[&self.commit];
        let failing = failing(patch, &overlay.check(self.git, patch)?);
        Ok(Trial { failing, applied })
    }
}

/// Whether a prerequisite is named for what it does rather than for lines
/// the patch needs: such a commit is never dropped.
fn kept_for_its_own_sake(why: &[Why]) -> bool {
    why.iter()
        .any(|w| matches!(w, Why::StableNote { .. } | Why::Series { .. }))
}

/// Applies `found`'s list to `tip` in memory and sets
/// [`Found::sufficient`]. When the list makes the patch `commit` apply, or
/// at least makes some of its failing hunks apply, moves the commits that
/// do not help to [`Found::dropped`]: without them as many hunks apply.
pub fn trim(git: &Git, tip: Oid, commit: Oid, found: &mut Found) -> Result<()> {
    let repo = git.repo();
    let tree = match repo.find_commit(tip) {
        Ok(c) => c.tree()?,
        Err(_) => repo.find_tree(tip)?,
    };
    let mut t = Trimmer {
        git,
        tip: &tree,
        commit,
        patches: HashMap::new(),
        applications: 0,
    };
    let mut list: Vec<Oid> = found.commits();
    let fixed: Vec<Oid> = found
        .list
        .iter()
        .filter(|p| kept_for_its_own_sake(&p.why))
        .map(|p| p.commit)
        .collect();
    let full = t.trial(&list)?;
    found.sufficient = Some(full.failing == 0);
    found.failing_after = full.failing;
    // When the list helps no hunk, there is nothing to tell the needed
    // commits from the others by.
    if full.failing > 0 && full.failing >= t.trial(&fixed)?.failing {
        return Ok(());
    }
    // A commit that did not apply changed nothing: the patch needs none
    // of them.
    let keep_applied = |list: &[Oid], applied: &[bool]| -> Vec<Oid> {
        list.iter()
            .zip(applied)
            .filter(|&(o, &a)| a || fixed.contains(o))
            .map(|(&o, _)| o)
            .collect()
    };
    list = keep_applied(&list, &full.applied);
    // Dropping a commit can also make more hunks apply (a later commit
    // rewrote the lines again): the count only goes down.
    let mut failing_now = full.failing;
    let mut run = list.len().div_ceil(2).max(1);
    'runs: loop {
        // Newest runs first: the last writers are the likeliest needed.
        let mut end = list.len();
        while end > 0 {
            let start = end.saturating_sub(run);
            let without: Vec<Oid> = list[..start]
                .iter()
                .chain(list[start..end].iter().filter(|o| fixed.contains(o)))
                .chain(&list[end..])
                .copied()
                .collect();
            if without.len() < list.len() {
                if !t.affordable(&without) {
                    found.trim_cut_short = true;
                    break 'runs;
                }
                let trial = t.trial(&without)?;
                if trial.failing <= failing_now {
                    failing_now = trial.failing;
                    list = keep_applied(&without, &trial.applied);
                    end = start.min(list.len());
                    continue;
                }
            }
            end = start;
        }
        if run == 1 {
            break;
        }
        run = run.div_ceil(2);
    }
    found.sufficient = Some(failing_now == 0);
    found.failing_after = failing_now;
    let (kept, dropped): (Vec<_>, Vec<_>) = std::mem::take(&mut found.list)
        .into_iter()
        .partition(|p| list.contains(&p.commit));
    found.list = kept;
    found.dropped = dropped;
    Ok(())
}
