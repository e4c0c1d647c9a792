//! stablepick-report: renders evidence and a decision; no analysis here.
//!
//! The principal type is [`Report`], the JSON contract other tools read:
//! `{"commit", "subject", "first_release", "fixes": [{"sha", "first_release"}],
//! "branches": [{"branch", "base", "backported_as", "bug_present", "verdict"}],
//! "verdict", "score", "records": [{"phase", "text", "verified_by"}],
//! "evidence_for", "evidence_against", "unresolved": [{"phase", "branch",
//! "text", "verified_by"}]}` (the Phase 9 synthesis) — fields
//! may be added, never renamed or dropped. [`markdown`] renders the same
//! content in the layout of the reports maintainers already read: phase
//! headings, `Record:` lines, a verification list, the verdict, the patch.
//!
//! ```no_run
//! # fn f(ev: &stablepick_evidence::Evidence, d: &stablepick_verdict::Decision) {
//! let json = serde_json::to_string_pretty(&stablepick_report::Report::new(ev, d)).unwrap();
//! let md = stablepick_report::markdown(ev, d);
//! # }
//! ```

/// The rendered report's shape: raised whenever a field is added, so a
/// cache of rendered rows can tell an older shape from this one.
/// 2: `evidence_for`, `evidence_against`, `unresolved`.
/// 3: records of the commits a message names; unreadable files; prerequisite
/// searches bounded by work (rows cached before may hold other lists).
/// 4: `prerequisites_suffice`. 5: `branches[].decided_by`.
/// 6: a merge's commits listed as `M^1..M` (every parent after the first).
pub const REPORT_FORMAT: u32 = 6;

mod json;
mod markdown;
pub mod mbox;

pub use json::{BranchJson, FixJson, Report};
pub use markdown::markdown;
pub use mbox::mbox;

/// The phase titles of the report, 1-based.
pub const PHASES: [&str; 9] = [
    "Commit Message Forensics",
    "Diff Analysis",
    "Git History Investigation",
    "Mailing List And External Research",
    "Code Semantic Analysis",
    "Cross-Referencing And Stable Tree Analysis",
    "Subsystem And Maintainer Context",
    "Impact And Risk Assessment",
    "Final Synthesis",
];
