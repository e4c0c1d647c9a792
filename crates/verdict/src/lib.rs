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
