//! stablepick-evidence: one collector per phase of a backport report.
//!
//! The principal type is [`Evidence`]: [`collect`] takes a commit, the
//! opened repository ([`stablepick_repo::Git`]) and its index
//! ([`stablepick_repo::RepoIndex`]), runs every phase collector, and returns
//! the facts they established plus the [`Record`]s that state them — each
//! with the plain command (`verified_by`) that reproduces it. Deciding and
//! rendering happen elsewhere (`stablepick-verdict`, `stablepick-report`).
//!
//! ```no_run
//! use stablepick_repo::{Git, RepoIndex, IndexOptions};
//! let git = Git::open(std::path::Path::new("linux")).unwrap();
//! let index = RepoIndex::open(&git, &IndexOptions::default()).unwrap();
//! let oid = git.resolve_commit("HEAD").unwrap();
//! let ev = stablepick_evidence::collect(&stablepick_evidence::Context::new(&git, &index), oid).unwrap();
//! for r in &ev.records { println!("[Phase {}] {}  ({})", r.phase, r.text, r.verified_by); }
//! ```

pub mod codeowners;
pub mod kinds;
pub mod maintainers;
mod phase1;
mod phase2;
mod phase3;
mod phase4;
pub mod phase5;
mod phase5_callees;
mod phase6;
mod phase6_apply;
mod phase7;
pub mod record;

pub use kinds::ChangeKind;
pub use phase5::GO_NOT_ANALYSED;
pub use phase5_callees::CALLS_UNDEFINED;
pub use phase6::{
    EVERY_FILE, MISSING_FOLLOWUP, PULL_SIBLINGS, REVERTED_COMMIT, SERIES_SIBLINGS,
    backported_command, definition_pattern, definition_pattern_in, every_file_summary,
};
pub use phase6_apply::{THREE_WAY, prerequisites_for};
pub use record::Record;

use stablepick_repo::diff::CommitDiff;
use stablepick_repo::message::ParsedMessage;
use stablepick_repo::release::ReleaseVersion;
use stablepick_repo::{BackportVia, CommitInfo, Git, Oid, RepoIndex};

/// What the collectors read from.
pub struct Context<'a> {
    pub git: &'a Git,
    pub index: &'a RepoIndex,
    /// Run Phase 5 (builds or loads a code index per tree).
    pub code: bool,
    /// Walk the touched files' history for the author's earlier commits and
    /// recent activity (Phase 3). Triage of a whole window turns it off: it
    /// is the costliest record and no verdict depends on it.
    pub file_history: bool,
    /// The mail store for Phase 4, if one was given.
    pub mail: Option<&'a stablepick_mail::MailStore>,
}

impl<'a> Context<'a> {
    pub fn new(git: &'a Git, index: &'a RepoIndex) -> Context<'a> {
        Context {
            git,
            index,
            code: false,
            file_history: true,
            mail: None,
        }
    }
}

/// How a `Fixes:` sha resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixResolution {
    Resolved(Oid),
    /// Several commits share the prefix and nothing singled one out.
    Ambiguous(Vec<Oid>),
    NotFound,
}

/// A `Fixes:` tag and what it points at.
#[derive(Debug, Clone)]
pub struct FixTarget {
    pub prefix: String,
    pub quoted_subject: Option<String>,
    pub resolution: FixResolution,
    /// Subject of the resolved commit.
    pub subject: Option<String>,
    /// Does the quoted subject match the resolved commit's subject?
    pub subject_matches: Option<bool>,
    pub first_release: Option<String>,
}

impl FixTarget {
    pub fn oid(&self) -> Option<Oid> {
        match self.resolution {
            FixResolution::Resolved(o) => Some(o),
            _ => None,
        }
    }
}

/// Per stable branch facts (Phase 6).
#[derive(Debug, Clone)]
pub struct BranchFacts {
    pub name: String,
    pub base: String,
    /// The ref commands should name (`origin/23.11`).
    pub display_ref: String,
    pub version: Option<ReleaseVersion>,
    pub backported_as: Option<Oid>,
    pub backported_via: Option<BackportVia>,
    /// The commit the backport's own backport line names, where it is not
    /// this one (a sha the repository lacks, or another commit): matched by
    /// patch or subject, the backport is not "without a backport line".
    pub backport_line_names: Option<String>,
    /// How the branch's newest backport line is written, as a template
    /// with `{sha}` for the upstream id, and whether it ends the message
    /// ([`stablepick_repo::message::backport_line_template`]): a backport
    /// mail writes its line the way the branch does.
    pub backport_line: Option<(String, bool)>,
    /// The commit is already contained in the base release itself.
    pub in_base: bool,
    /// A Fixes target is in the branch (or `None` without resolvable Fixes).
    pub bug_present: Option<bool>,
    /// For a revert: is a commit it reverts in the branch (`None` for a
    /// commit that reverts nothing)?
    pub reverted_present: Option<bool>,
    /// (touched path the tip lacks, the same path higher up that it has):
    /// the code moved on mainline after the branch forked.
    pub moved: Vec<(String, String)>,
    /// How many other commits of its pull request (a merge of at most a
    /// few) the branch lacks.
    pub pull_siblings_missing: usize,
    /// Where plain apply fails: does a three-way merge, as `git
    /// cherry-pick` does, take it (`None`: not checked)?
    pub merges_cleanly: Option<bool>,
    /// Branch commits with the same subject whose patch differs.
    pub same_subject: Vec<Oid>,
    /// (path, present at tip)
    pub files_present: Vec<(String, bool)>,
    /// (function, present at tip)
    pub functions_present: Vec<(String, bool)>,
    /// (touched macro the branch is expected to have, defined at tip)
    pub macros_present: Vec<(String, bool)>,
    /// Does the patch apply to the branch tip (`None`: not checked, e.g.
    /// already backported)?
    pub applies: Option<stablepick_repo::apply::Applies>,
    /// The patch does not apply, but applies in reverse at the tip: another
    /// commit already brought the same change.
    pub content_present: bool,
    /// Upstream commits the branch needs first, in applying order.
    pub prerequisites: Vec<Oid>,
    /// Whether the patch applies after `prerequisites` (checked in
    /// memory); `None` when that was not tried.
    pub prerequisites_suffice: Option<bool>,
    /// The per-file outcome when the patch does not apply as is, kept for
    /// the prerequisite search so it need not check again.
    pub apply_report: Option<stablepick_repo::apply::ApplyReport>,
}

/// A MAINTAINERS section matching a touched file (Phase 7).
#[derive(Debug, Clone)]
pub struct MaintainerFacts {
    pub section: String,
    pub status: Option<String>,
    pub maintainers: Vec<String>,
    pub reviewers: Vec<String>,
    pub lists: Vec<String>,
    pub files: Vec<String>,
}

/// Everything the collectors found for one commit.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub commit: CommitInfo,
    pub message: ParsedMessage,
    pub subsystem: Option<String>,
    pub verb: Option<String>,
    pub fixes: Vec<FixTarget>,
    /// The commit this one reverts, if it is a revert.
    pub reverts: Vec<Oid>,
    pub diff: CommitDiff,
    pub kinds: Vec<ChangeKind>,
    pub first_release: Option<String>,
    pub on_mainline: bool,
    /// The mainline branch as commands name it (`main`, `origin/master`).
    pub mainline: String,
    /// Later mainline commits with `Fixes: <this>`.
    pub followup_fixes: Vec<Oid>,
    pub reverted_by: Vec<Oid>,
    pub branches: Vec<BranchFacts>,
    pub maintainers: Vec<MaintainerFacts>,
    /// Phase 5: touched functions' callers and entry kinds, per revision.
    pub reach: Vec<phase5::FunctionReach>,
    pub records: Vec<Record>,
    /// Phases with nothing to say yet, and why.
    pub not_analysed: Vec<(u8, String)>,
    /// Phase 4: what replies on the list said about stable, in so many
    /// words (empty without a mail archive).
    pub thread: Vec<ThreadStatement>,
    /// The project nominates commits with `Cc: stable` (at least 1 in 100
    /// mainline commits has such a line): without it, a missing
    /// nomination says nothing.
    pub project_nominates: bool,
    /// The project names the commit a fix repairs with `Fixes:` ([`tags_fixes`]):
    /// without it, a missing `Fixes:` says nothing.
    pub project_tags_fixes: bool,
    /// The project records testing with `Tested-by:` ([`writes_tested_by`]):
    /// without it, a missing one says nothing.
    pub project_writes_tested_by: bool,
    /// The commit's tree has a top-level `drivers/` directory (Linux,
    /// DPDK): only there does "outside any driver directory" say anything.
    pub tree_has_drivers: bool,
}

/// What a reply on the list says about taking the change to stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadStatementKind {
    /// "This should go to stable", a `Cc: stable` asked for.
    Nomination,
    /// "Not for stable", "no need to backport".
    Refusal,
    /// An objection to the change itself (NAK, "this is wrong").
    Objection,
}

/// One reply's statement, as its Phase 4 record shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadStatement {
    pub kind: ThreadStatementKind,
    /// The Phase 4 record's text (who said what, in which reply).
    pub text: String,
    pub verified_by: String,
}

impl Evidence {
    pub fn records_of(&self, phase: u8) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(move |r| r.phase == phase)
    }
}

/// At least one mainline commit in 100 has a `Cc: …stable…` line.
pub fn nominates(usage: stablepick_repo::StableCcUsage) -> bool {
    u64::from(usage.with_stable_cc) * 100 >= u64::from(usage.commits)
}

/// At least one mainline commit in 100 names the commit it repairs with a
/// `Fixes:` line (systemd writes `Follow-up for …` instead, glibc nothing).
pub fn tags_fixes(usage: stablepick_repo::StableCcUsage) -> bool {
    u64::from(usage.with_fixes) * 100 >= u64::from(usage.commits)
}

/// At least one mainline commit in a hundred carries a `Tested-by:` line
/// (Suricata: 1 in 19,402).
pub fn writes_tested_by(usage: stablepick_repo::StableCcUsage) -> bool {
    u64::from(usage.with_tested_by) * 100 >= u64::from(usage.commits)
}

/// Runs every collector over `oid`.
pub fn collect(ctx: &Context, oid: Oid) -> stablepick_repo::Result<Evidence> {
    let commit = ctx.git.commit_info(oid)?;
    let message = stablepick_repo::message::parse(&commit.message);
    let (subsystem, _) = stablepick_repo::message::subject_parts(&commit.subject);
    let verb = stablepick_repo::message::subject_verb(&commit.subject);
    let diff = stablepick_repo::diff::commit_diff(ctx.git, oid)?;
    let mut ev = Evidence {
        commit,
        message,
        subsystem,
        verb,
        fixes: Vec::new(),
        reverts: Vec::new(),
        kinds: kinds::classify(&diff),
        diff,
        first_release: None,
        on_mainline: false,
        mainline: String::new(),
        followup_fixes: Vec::new(),
        reverted_by: Vec::new(),
        branches: Vec::new(),
        maintainers: Vec::new(),
        reach: Vec::new(),
        records: Vec::new(),
        not_analysed: Vec::new(),
        thread: Vec::new(),
        project_nominates: nominates(ctx.index.stable_cc_usage()),
        project_tags_fixes: tags_fixes(ctx.index.stable_cc_usage()),
        project_writes_tested_by: writes_tested_by(ctx.index.stable_cc_usage()),
        tree_has_drivers: ctx
            .git
            .repo()
            .find_commit(oid)
            .and_then(|c| c.tree())
            .is_ok_and(|t| {
                t.get_name("drivers")
                    .is_some_and(|e| e.kind() == Some(git2::ObjectType::Tree))
            }),
    };
    let trace = std::env::var_os("STABLEPICK_TRACE").is_some();
    let mut t = std::time::Instant::now();
    let mut lap = |what: &str| {
        if trace {
            eprintln!("stablepick: {what}: {:?}", t.elapsed());
        }
        t = std::time::Instant::now();
    };
    lap("diff");
    phase1::collect(ctx, &mut ev)?;
    lap("phase 1");
    phase2::collect(ctx, &mut ev);
    phase3::collect(ctx, &mut ev)?;
    lap("phase 2-3");
    match ctx.mail {
        Some(store) => {
            let patch_id = ctx.git.patch_id(oid)?.map(|p| p.to_string());
            phase4::collect(store, patch_id, &mut ev);
            lap("phase 4");
        }
        None => ev.not_analysed.push((
            4,
            "mailing list not analysed: no mail archive given (--mail DB)".into(),
        )),
    }
    if ctx.code {
        phase5::collect(ctx, &mut ev);
        lap("phase 5");
    } else {
        ev.not_analysed
            .push((5, "code semantics not analysed (enable with --code)".into()));
    }
    phase6::collect(ctx, &mut ev)?;
    phase6_apply::collect(ctx, &mut ev)?;
    lap("phase 6");
    phase7::collect(ctx, &mut ev);
    lap("phase 7");
    ev.records.sort_by_key(|r| r.phase);
    Ok(ev)
}

/// `git` revision text for a commit in commands: the full sha.
pub(crate) fn full(oid: Oid) -> String {
    oid.to_string()
}

/// Subject of a commit for display, or `?` when it cannot be read.
pub(crate) fn subject_of(git: &Git, oid: Oid) -> String {
    git.commit_info(oid)
        .map(|c| c.subject)
        .unwrap_or_else(|_| "?".into())
}
