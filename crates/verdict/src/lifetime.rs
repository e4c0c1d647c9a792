//! How long a stable branch keeps taking backports.
//!
//! Labels are mined only where a branch was still taking commits (a commit
//! newer than the branch's tip teaches nothing, see [`crate::learn`]), so
//! the model's probability is the chance a branch takes a commit *while it
//! is maintained*. Many projects stop maintaining a branch after some
//! months; a commit landing after that is not backported however good a
//! fix it is. This module estimates, from the training branches, the chance
//! that a branch is still maintained a given number of days after its base
//! (a Kaplan–Meier estimate over the branches' active spans), and the
//! decision multiplies the two.
//!
//! A training branch has *ended* when it stayed quiet long after its last
//! commit while the other training branches went on: quiet for more than
//! [`ENDED_QUIET_DAYS`] and for more than twice the longest pause it ever
//! took. A branch that is merely seen early (every branch cut at the same
//! point) is not ended; its span only says it lived at least that long.

use serde::{Deserialize, Serialize};
use stablepick_evidence::Record;
use stablepick_repo::{Git, RepoIndex, StableIndex};

/// Quiet days after which a branch may count as ended.
pub const ENDED_QUIET_DAYS: i64 = 90;

const DAY: i64 = 86_400;

/// The observed life of one training branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchLife {
    pub branch: String,
    pub base: String,
    /// Days from the base to the branch's newest commit.
    pub span_days: i64,
    /// Days from the branch's newest commit to the newest commit of any
    /// training branch.
    pub quiet_days: i64,
    /// The longest pause between two of the branch's commits, in days.
    pub longest_pause_days: i64,
    /// Quiet long enough to count as no longer maintained.
    pub ended: bool,
}

/// The lives of the index's stable branches that took at least one commit
/// (a branch that never took one says nothing about how long branches
/// last). Branch order kept.
pub fn observe(git: &Git, index: &RepoIndex) -> stablepick_repo::Result<Vec<BranchLife>> {
    let mut seen = Vec::new();
    for b in index.branches() {
        let Some(base) = crate::features::base_time(git, index, b) else {
            continue;
        };
        let times = own_commit_times(git, b)?;
        if let Some(&tip) = times.last() {
            let longest_pause = std::iter::once(base)
                .chain(times.iter().copied())
                .collect::<Vec<_>>()
                .windows(2)
                .map(|w| w[1] - w[0])
                .max()
                .unwrap_or(0);
            seen.push((b, base, tip, longest_pause));
        }
    }
    let newest = seen.iter().map(|s| s.2).max().unwrap_or(0);
    Ok(seen
        .into_iter()
        .map(|(b, base, tip, pause)| {
            let quiet_days = (newest - tip).div_euclid(DAY);
            let longest_pause_days = pause.div_euclid(DAY);
            BranchLife {
                branch: b.branch.name.clone(),
                base: b.branch.base.clone(),
                span_days: (tip - base).div_euclid(DAY),
                quiet_days,
                longest_pause_days,
                ended: quiet_days > ENDED_QUIET_DAYS && quiet_days > 2 * longest_pause_days,
            }
        })
        .collect())
}

/// Commit times of the branch's own commits (`base..tip`), oldest first.
fn own_commit_times(git: &Git, b: &StableIndex) -> stablepick_repo::Result<Vec<i64>> {
    let repo = git.repo();
    let mut walk = repo.revwalk()?;
    walk.push(b.branch.tip())?;
    walk.hide(b.branch.base_commit())?;
    let mut times = Vec::new();
    for oid in walk {
        times.push(repo.find_commit(oid?)?.time().seconds());
    }
    times.sort_unstable();
    Ok(times)
}

/// The Kaplan–Meier chance that a branch is still maintained `days` after
/// its base: each ended branch is an event at its span, each other branch
/// is censored at its span. 1 with no ended branch.
pub fn still_maintained(lives: &[BranchLife], days: i64) -> f64 {
    let mut spans: Vec<(i64, bool)> = lives.iter().map(|l| (l.span_days, l.ended)).collect();
    // At equal spans, events before censorings (the usual convention).
    spans.sort_by_key(|&(s, ended)| (s, !ended));
    let mut at_risk = spans.len();
    let mut chance = 1.0;
    for (span, ended) in spans {
        if span >= days {
            break;
        }
        if ended {
            chance *= 1.0 - 1.0 / at_risk as f64;
        }
        at_risk -= 1;
    }
    chance
}

/// The Phase 9 record of a probability lowered because branches of this
/// project stop taking commits: which training branches ended, and when.
pub fn record(
    lives: &[BranchLife],
    branch: &str,
    days: i64,
    chance: f64,
    own: f64,
    mainline: &str,
) -> Record {
    let ended: Vec<String> = lives
        .iter()
        .filter(|l| l.ended && l.span_days < days)
        .map(|l| {
            format!(
                "{} took its last commit {} days after {} and nothing in the {} days since",
                l.branch, l.span_days, l.base, l.quiet_days
            )
        })
        .collect();
    let refs: Vec<&str> = lives.iter().map(|l| l.branch.as_str()).collect();
    Record::new(
        9,
        format!(
            "[{branch}] branch life: the commit landed {days} days after the branch's base; {}; chance the branch is still maintained that late {chance:.2}, so the decision uses {own:.3} × {chance:.2} = {:.3}",
            ended.join("; "),
            own * chance
        ),
        format!(
            "for b in {}; do git log -1 --format=\"$b %ci\" $b; done; git log -1 --format='%ci' {mainline}",
            refs.join(" ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn life(span_days: i64, ended: bool) -> BranchLife {
        BranchLife {
            branch: format!("b{span_days}"),
            base: "v1".into(),
            span_days,
            quiet_days: 0,
            longest_pause_days: 0,
            ended,
        }
    }

    #[test]
    fn no_ended_branch_means_always_maintained() {
        let lives = [life(100, false), life(300, false)];
        assert_eq!(still_maintained(&lives, 10_000), 1.0);
        assert_eq!(still_maintained(&[], 10_000), 1.0);
    }

    #[test]
    fn kaplan_meier_steps_at_each_ended_span() {
        // One of two at risk ends at 128 days; the other is censored at 211.
        let lives = [life(211, false), life(128, true)];
        assert_eq!(still_maintained(&lives, 100), 1.0);
        assert_eq!(still_maintained(&lives, 128), 1.0);
        assert_eq!(still_maintained(&lives, 129), 0.5);
        assert_eq!(still_maintained(&lives, 1_000), 0.5);
        // Three branches: ends at 50 (3 at risk), censored at 80, ends at
        // 120 (1 at risk): 2/3, then 0.
        let lives = [life(50, true), life(80, false), life(120, true)];
        assert!((still_maintained(&lives, 60) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(still_maintained(&lives, 121), 0.0);
    }
}
