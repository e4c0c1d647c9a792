//! stablepick-verdict: decides YES/NO per stable branch from the evidence.
//!
//! The principal type is [`Decision`]: [`decide`] reads an
//! [`stablepick_evidence::Evidence`] and applies the stable rules in order —
//! hard rules first (already backported or already in the base → nothing to
//! do; `stable+noautosel`; reverted upstream; bug not present in the branch;
//! the author's `# 6.1+` hint excludes the branch; the touched code is not in
//! the branch), then the positive signals (`Cc: stable`, a `Fixes:` target
//! present in the branch). Each rule that fires becomes a Phase 9 record.
//! [`synthesis::synthesize`] then sorts the facts into evidence for,
//! evidence against and unresolved questions, each with its record's command.
//!
//! ```no_run
//! # fn f(ev: &stablepick_evidence::Evidence) {
//! let d = stablepick_verdict::decide(ev);
//! for b in &d.branches { println!("{}: {:?}", b.branch, b.verdict); }
//! # }
//! ```

pub mod rules;
pub mod series;

pub use rules::decide;

use stablepick_evidence::Record;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Verdict {
    #[serde(rename = "YES")]
    Yes,
    #[serde(rename = "NO")]
    No,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Yes => "YES",
            Verdict::No => "NO",
        }
    }
}

/// What decided a branch: tools filter on it rather than on the reason's
/// words. Written in JSON in snake case (`hard_rule`, `window_share`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// A hard rule: already backported or in the base, `stable+noautosel`,
    /// reverted upstream, bug not present in the branch.
    HardRule,
    /// A reply on the mailing list nominating or refusing it for stable.
    List,
    /// The stable rules (tags, hints, touched code, reported failures).
    Rules,
    /// The trained model's calibrated probability against its threshold.
    Model,
    /// The model said YES, but the range's window-share cut turned it to
    /// NO ([`window_share`]).
    WindowShare,
    /// Taken because a commit decided YES needs it first.
    Prerequisite,
}

impl DecidedBy {
    /// Was the decision the model's score against a threshold (its own, or
    /// the range's cut)?
    pub fn by_model(self) -> bool {
        matches!(self, DecidedBy::Model | DecidedBy::WindowShare)
    }
}

/// The decision for one stable branch.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BranchDecision {
    pub branch: String,
    pub base: String,
    pub verdict: Option<Verdict>,
    /// Probability-like confidence that the branch should take the commit.
    pub score: f64,
    /// The rule that decided, in words.
    pub reason: String,
    pub decided_by: DecidedBy,
}

/// A commit's verdict from its branches' decisions: YES when any branch
/// says YES, NO otherwise, none without branches.
pub fn commit_verdict(branches: &[BranchDecision]) -> Option<Verdict> {
    if branches.is_empty() {
        None
    } else if branches.iter().any(|b| b.verdict == Some(Verdict::Yes)) {
        Some(Verdict::Yes)
    } else {
        Some(Verdict::No)
    }
}

/// The decision for a commit across all branches.
#[derive(Debug, Clone)]
pub struct Decision {
    pub branches: Vec<BranchDecision>,
    /// YES when any branch says YES.
    pub verdict: Option<Verdict>,
    pub score: Option<f64>,
    /// Phase 9 records: the checklist and the rules that fired.
    pub records: Vec<Record>,
}
pub mod combine;
pub mod features;
pub mod impact;
pub mod learn;
pub mod lifetime;
pub mod model;
pub mod similar;
pub mod synthesis;
pub mod window_share;
mod words;
