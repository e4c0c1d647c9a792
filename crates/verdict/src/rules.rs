//! The stable rules, hard rules first. Every rule that decides a branch
//! becomes a Phase 9 record carrying the command that shows its premise.

use crate::{BranchDecision, DecidedBy, Decision, Verdict};
use stablepick_evidence::record::FIXES_LINE;
use stablepick_evidence::{
    BranchFacts, ChangeKind, Evidence, Record, ThreadStatement, ThreadStatementKind,
};
use stablepick_repo::{BackportVia, short};

const P: u8 = 9;

/// Score for a YES carried by an explicit `Cc: stable` nomination.
const SCORE_CC_STABLE: f64 = 0.95;
/// Score for a YES carried by a stable nomination in a reply on the list.
const SCORE_THREAD_NOMINATION: f64 = 0.9;
/// Score for a NO carried by a reply on the list saying "not for stable".
const SCORE_THREAD_REFUSAL: f64 = 0.05;
/// Score for a YES carried by a `Fixes:` target present in the branch.
const SCORE_FIXES_PRESENT: f64 = 0.8;
/// Score for a YES carried by a reported or tested real failure in code the
/// branch has, without any stable tag.
const SCORE_REAL_FAILURE: f64 = 0.7;
/// Failures severe enough that a reported or tested fix for them is a
/// stable candidate on its own (narrower than the model's failure words).
const SEVERE_FAILURES: &[&str] = &[
    "crash",
    "panic",
    "oops",
    "hang",
    "deadlock",
    "livelock",
    "lockup",
    "use-after-free",
    "use after free",
    "double free",
    "null pointer",
    "null dereference",
    "out-of-bounds",
    "out of bounds",
    "buffer overflow",
    "memory leak",
    "data corruption",
    "segfault",
    "segmentation fault",
    "cve-",
    "ghsa-",
    "vulnerability",
    "vulnerabilities",
];
/// Score for a NO where no rule argues for the commit.
const SCORE_NO_SIGNAL: f64 = 0.1;

pub fn decide(ev: &Evidence) -> Decision {
    let sha = ev.commit.oid.to_string();
    let mut records = Vec::new();
    let mut branches = Vec::new();
    for b in &ev.branches {
        let Ruling {
            verdict,
            score,
            reason,
            verified_by: verify,
            decided_by,
        } = decide_branch(ev, b, &sha);
        records.push(Record::new(
            P,
            format!("[{}] {} — {}", b.name, verdict.as_str(), reason),
            verify,
        ));
        branches.push(BranchDecision {
            branch: b.name.clone(),
            base: b.base.clone(),
            verdict: Some(verdict),
            score,
            reason,
            decided_by,
        });
    }
    checklist(ev, &sha, &mut records);
    let verdict = crate::commit_verdict(&branches);
    let score = branches
        .iter()
        .filter(|b| b.verdict == Some(Verdict::Yes))
        .map(|b| b.score)
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))))
        .or_else(|| branches.iter().map(|b| b.score).reduce(f64::max));
    Decision {
        branches,
        verdict,
        score,
        records,
    }
}

/// A hard rule that decides NO whatever else the evidence says.
pub struct HardRule {
    /// Short name (`already backported`, `bug not present`, …).
    pub label: &'static str,
    pub score: f64,
    pub reason: String,
    pub verified_by: String,
}

/// The hard rules, in order: already backported, already in the base,
/// `stable+noautosel`, reverted upstream, bug not present in the branch.
pub fn hard_rule(ev: &Evidence, b: &BranchFacts) -> Option<HardRule> {
    let sha = ev.commit.oid.to_string();
    let r = &b.display_ref;
    let show = format!("git show -s --format=%B {sha}");
    let rule = |label, score, reason: String, verified_by: String| {
        Some(HardRule {
            label,
            score,
            reason,
            verified_by,
        })
    };
    // Phase 6 said how the branch has it; its command shows that.
    let phase6_shows = |fallback: String| {
        let tag = format!("[{}] already ", b.name);
        ev.records
            .iter()
            .find(|x| x.phase == 6 && x.text.starts_with(&tag))
            .map_or(fallback, |x| x.verified_by.clone())
    };
    if let Some(st) = b.backported_as {
        let via = b.backported_via.unwrap_or(BackportVia::Line);
        return rule(
            "already backported",
            0.0,
            format!("already backported as {}{}: no new work", short(st), {
                let line =
                    b.backport_line_names
                        .as_deref()
                        .map_or("no backport line".to_string(), |n| {
                            format!(
                                "its backport line names {}, not this commit",
                                n.get(..12).unwrap_or(n)
                            )
                        });
                match via {
                    BackportVia::Line => String::new(),
                    BackportVia::Merge(m) => {
                        format!(
                            " (with the merge that brought it: the backport line names {})",
                            short(m)
                        )
                    }
                    BackportVia::PatchId => format!(" ({line}; the same patch-id)"),
                    BackportVia::Itself => " (this very commit, on the branch)".to_string(),
                    BackportVia::Subject => {
                        format!(" (adapted: {line}; another patch, but the same subject and files)")
                    }
                }
            }),
            phase6_shows(stablepick_evidence::backported_command(&sha, r, st, via)),
        );
    }
    if b.in_base {
        return rule(
            "already in the base",
            0.0,
            format!("already contained in {}", b.base),
            phase6_shows(format!("git merge-base --is-ancestor {sha} {}", b.base)),
        );
    }
    // Before the reverse-apply check, which a revert of a commit never
    // taken also passes: this says why.
    // Phase 6's checks of where each named commit stands: the premise of
    // the rule, not just the line that names the commit.
    let phase6_checks = |what: &str| -> Vec<&str> {
        let tag = format!("[{}] {what}", b.name);
        ev.records_of(6)
            .filter(|r| r.text.starts_with(&tag))
            .map(|r| r.verified_by.as_str())
            .collect()
    };
    if b.reverted_present == Some(false) {
        return rule(
            "nothing to revert",
            0.02,
            "it reverts a commit this branch does not have: nothing to revert".into(),
            phase6_checks(stablepick_evidence::REVERTED_COMMIT).join(" && "),
        );
    }
    if b.content_present {
        return rule(
            "already in the branch",
            0.0,
            "already has this change without the commit (its patch applies in reverse at the tip): no new work".into(),
            phase6_shows(format!(
                "git show --binary --format= {sha} | git apply -R --check"
            )),
        );
    }
    if ev.message.noautosel() {
        return rule(
            "stable+noautosel",
            0.0,
            "the author opted out (stable+noautosel)".into(),
            format!("{show} | grep -i 'stable+noautosel'"),
        );
    }
    if let Some(rev) = ev.reverted_by.first() {
        return rule(
            "reverted upstream",
            0.02,
            format!("reverted upstream by {}", short(*rev)),
            format!("git log --format='%H %s' --grep='This reverts commit {sha}'"),
        );
    }
    if b.bug_present == Some(false) {
        // Each Fixes: target is neither in the base nor backported.
        let checks = phase6_checks("bug not present");
        return rule(
            "bug not present",
            0.02,
            "the bug it fixes is not in this branch".into(),
            if checks.is_empty() {
                format!("{show} | grep -i -E '{FIXES_LINE}'")
            } else {
                checks.join(" && ")
            },
        );
    }
    None
}

/// The reply on the list that decides, when the commit's own message does
/// not: a commit without `Cc: stable` that a reply refused for stable ("not
/// for stable", "no need to backport") or, with no refusal, that a reply
/// nominated ("this should go to stable"). These are people's explicit
/// words about this very change, so they decide over the learned model;
/// the committed `Cc: stable` is the last word and keeps its own rule.
pub fn thread_statement(ev: &Evidence) -> Option<&ThreadStatement> {
    if ev.message.cc_stable() {
        return None;
    }
    let of = |k: ThreadStatementKind| ev.thread.iter().find(|s| s.kind == k);
    of(ThreadStatementKind::Refusal).or_else(|| of(ThreadStatementKind::Nomination))
}

/// The verdict, score and reason of a deciding [`thread_statement`].
pub fn thread_verdict(s: &ThreadStatement) -> Option<(Verdict, f64, String)> {
    match s.kind {
        ThreadStatementKind::Refusal => Some((
            Verdict::No,
            SCORE_THREAD_REFUSAL,
            format!("a reply on the list says it is not for stable: {}", s.text),
        )),
        ThreadStatementKind::Nomination => Some((
            Verdict::Yes,
            SCORE_THREAD_NOMINATION,
            format!("nominated for stable on the list: {}", s.text),
        )),
        ThreadStatementKind::Objection => None,
    }
}

/// The lowest version the author's `Cc: stable … # X+` hints name.
pub fn min_hint(ev: &Evidence) -> Option<Vec<u32>> {
    ev.message
        .stable_cc
        .iter()
        .filter_map(|c| c.min_version.clone())
        .min()
}

/// The author's `# X+` stable hint leaves `b` out: (reason, command).
pub fn hint_excludes(ev: &Evidence, b: &BranchFacts) -> Option<(String, String)> {
    let min = min_hint(ev)?;
    let v = b.version.as_ref()?;
    // Compare on the components both name: `5.10.x` vs branch 5.10.
    let n = min.len().min(v.0.len());
    (v.0[..n] < min[..n]).then(|| {
        (
            format!("the stable hint asks for {}+ only", dotted(&min)),
            format!(
                "git show -s --format=%B {} | grep -i '^Cc:.*stable'",
                ev.commit.oid
            ),
        )
    })
}

/// `[6, 1]` → `6.1`.
pub fn dotted(v: &[u32]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// One branch's decision by the rules, and the command that shows why.
struct Ruling {
    verdict: Verdict,
    score: f64,
    reason: String,
    verified_by: String,
    decided_by: DecidedBy,
}

impl Ruling {
    /// A decision of the stable rules proper (not a hard rule, not the list).
    fn rules(verdict: Verdict, score: f64, reason: impl Into<String>, verified_by: String) -> Self {
        Ruling {
            verdict,
            score,
            reason: reason.into(),
            verified_by,
            decided_by: DecidedBy::Rules,
        }
    }
}

fn decide_branch(ev: &Evidence, b: &BranchFacts, sha: &str) -> Ruling {
    let r = &b.display_ref;
    let show = format!("git show -s --format=%B {sha}");
    if let Some(h) = hard_rule(ev, b) {
        return Ruling {
            verdict: Verdict::No,
            score: h.score,
            reason: h.reason,
            verified_by: h.verified_by,
            decided_by: DecidedBy::HardRule,
        };
    }
    if let Some((reason, verify)) = hint_excludes(ev, b) {
        return Ruling::rules(Verdict::No, 0.05, reason, verify);
    }
    if !b.files_present.is_empty() && b.files_present.iter().all(|(_, p)| !p) && b.moved.is_empty()
    {
        return Ruling::rules(
            Verdict::No,
            0.03,
            "none of the touched files exist in this branch",
            // Succeeds only when every touched file is missing.
            b.files_present
                .iter()
                .map(|(f, _)| format!("! {}", stablepick_evidence::record::in_tree(r, f)))
                .collect::<Vec<_>>()
                .join(" && "),
        );
    }
    if let Some(st) = thread_statement(ev)
        && let Some((verdict, score, reason)) = thread_verdict(st)
    {
        return Ruling {
            verdict,
            score,
            reason,
            verified_by: st.verified_by.clone(),
            decided_by: DecidedBy::List,
        };
    }
    if ev.message.cc_stable() {
        return Ruling::rules(
            Verdict::Yes,
            SCORE_CC_STABLE,
            "nominated for stable (Cc: stable) and applicable to this branch",
            format!("{show} | grep -i '^Cc:.*stable'"),
        );
    }
    let failure = real_failure(ev, b);
    if let Ok(why) = &failure {
        return Ruling::rules(
            Verdict::Yes,
            SCORE_REAL_FAILURE,
            why.clone(),
            format!(
                "{show} | grep -i -E '{}|^(Reported|Tested)-by:|{}|{}'",
                SEVERE_FAILURES.join("|"),
                crate::impact::REPORT_GREP,
                crate::impact::REPRODUCER_GREP
            ),
        );
    }
    if b.bug_present == Some(true) {
        // Phase 6's record of where the fixed commit stands is the proof
        // that the bug is here; the Fixes: line alone is not.
        let fixes = format!("{show} | grep -i -E '{FIXES_LINE}'");
        let present = ev
            .records
            .iter()
            .find(|r| r.phase == 6 && r.text.starts_with(&format!("[{}] bug present: ", b.name)));
        return match present {
            Some(p) => Ruling::rules(
                Verdict::Yes,
                SCORE_FIXES_PRESENT,
                format!(
                    "fixes a bug that is present in this branch ({})",
                    p.text
                        .split_once("bug present: ")
                        .map_or("", |(_, why)| why)
                ),
                format!("{fixes} && {}", p.verified_by),
            ),
            None => Ruling::rules(
                Verdict::Yes,
                SCORE_FIXES_PRESENT,
                "fixes a bug that is present in this branch",
                fixes,
            ),
        };
    }
    let mut reason = no_rule_argues(ev, b, failure.err().unwrap_or_default());
    // An exception category (documentation, a device ID, a build fix)
    // lets such a change in; it does not ask for it.
    if let Some(kinds) = exception_categories(&ev.kinds) {
        reason.push_str(&format!(
            "; its kind ({}) is one the stable rules let in without a bug, which allows a backport but does not ask for one",
            kinds.join(", ")
        ));
    }
    Ruling::rules(Verdict::No, SCORE_NO_SIGNAL, reason, {
        // The grep shows the `Fixes:` lines whose targets the branch
        // lacks; with none and no nomination, finding nothing is the
        // claim.
        let grep = format!("{show} | grep -i -E -e '{FIXES_LINE}' -e '^Cc:.*stable'");
        let tagged = !ev.message.fixes.is_empty()
            || !ev.message.stable_cc.is_empty()
            || !ev.message.fixes_naming_no_commit().is_empty();
        if tagged { grep } else { format!("! {grep}") }
    })
}

/// The reason of a NO no rule argued against: each route to YES and why
/// this commit misses it (`failure`: why it is no reported, small fix of a
/// severe failure), so a reader sees which condition failed.
fn no_rule_argues(ev: &Evidence, b: &BranchFacts, failure: String) -> String {
    let nomination = if ev.project_nominates {
        "no stable nomination"
    } else {
        "no stable nomination (the project writes none)"
    };
    let fixes = if ev.fixes.is_empty() {
        if ev.project_tags_fixes {
            "no `Fixes:` naming a commit"
        } else {
            "no `Fixes:` naming a commit (the project rarely writes one)"
        }
    } else if b.bug_present.is_none() {
        "whether its `Fixes:` target is in this branch is unknown"
    } else {
        "its `Fixes:` target decides nothing here"
    };
    let rest = if !ev.project_nominates && !ev.project_tags_fixes {
        "the rules weigh nothing else, and in a project that writes neither tag they rarely find a fix: a model from `stablepick train` learns from the branches' own past backports"
    } else {
        "the rules weigh nothing else; a model from `stablepick train` weighs the rest of the evidence"
    };
    format!("no rule argues for a backport: {nomination}; {fixes}; {failure} ({rest})")
}

/// The stable rules' "fixes a real bug that bothers people": the message
/// names a user-visible failure, someone reported or tested it, the change
/// is small, and every touched file and function exists in the branch.
/// `Err` says which of these the commit misses.
fn real_failure(ev: &Evidence, b: &BranchFacts) -> Result<String, String> {
    let lower = ev.commit.message.to_ascii_lowercase();
    let Some(failure) = SEVERE_FAILURES.iter().find(|w| contains_word(&lower, w)) else {
        return Err("the message names no severe failure (crash, hang, leak, …)".into());
    };
    // A report named in the text (`Closes #4494`, `[BZ #32125]`) counts as
    // Phase 8 counts it.
    let reported = ev.message.trailers_named("Reported-by").count()
        + ev.message.trailers_named("Closes").count()
        + usize::from(crate::features::mentions_bug_report(&lower))
        + usize::from(crate::impact::names_tool_report(&lower));
    // A reproducer in the message (the command and the crash it gives)
    // shows the failure as a Tested-by does.
    let tested = ev.message.trailers_named("Tested-by").count()
        + usize::from(crate::impact::shows_reproducer(&ev.commit.message));
    let named = format!("the message names a severe failure (\"{failure}\")");
    if reported + tested == 0 {
        return Err(format!(
            "{named}, but nobody reported, tested or reproduced it"
        ));
    }
    let lines = ev.diff.insertions + ev.diff.deletions;
    if lines > 100 {
        return Err(format!(
            "{named}, but the change has {lines} changed lines (more than 100)"
        ));
    }
    let present = !b.files_present.is_empty()
        && b.files_present.iter().all(|(_, p)| *p)
        && b.functions_present.iter().all(|(_, p)| *p);
    if !present {
        return Err(format!(
            "{named}, but not every touched file and function is in this branch"
        ));
    }
    if ev.kinds.contains(&ChangeKind::NewFunction) {
        return Err(format!("{named}, but the change adds a function or API"));
    }
    Ok(format!(
        "fixes a real failure (\"{failure}\"), {} in the message, small, and the touched code is in this branch",
        match (reported > 0, tested > 0) {
            (true, true) => "reported and tested",
            (true, false) => "reported",
            _ => "tested or reproduced",
        }
    ))
}

/// `word` occurs in `text` as a word, allowing the inflections `s`, `es`,
/// `ed` and `ing` ("hangs" counts; "hang" is not found in "change"). A word
/// ending in `-` is a prefix (`cve-`).
fn contains_word(text: &str, word: &str) -> bool {
    crate::words::names_inflected(text, word, crate::words::VERB_ENDINGS)
}

/// `Reviewed-by:` and `Acked-by:` trailers by someone other than the
/// author, and the author's own (a maintainer who acks their own patch
/// reviews nothing).
pub(crate) fn reviews(ev: &Evidence) -> (usize, usize) {
    let email = ev.commit.author_email.to_ascii_lowercase();
    let (mut others, mut own) = (0, 0);
    for t in ev
        .message
        .trailers_named("Reviewed-by")
        .chain(ev.message.trailers_named("Acked-by"))
    {
        if !email.is_empty() && t.value.to_ascii_lowercase().contains(&email) {
            own += 1;
        } else {
            others += 1;
        }
    }
    (others, own)
}

/// The stable-kernel-rules checklist, as far as the evidence answers it.
fn checklist(ev: &Evidence, sha: &str, records: &mut Vec<Record>) {
    let lines = ev.diff.insertions + ev.diff.deletions;
    records.push(Record::new(
        P,
        format!(
            "size: {lines} changed lines in {} file(s) ({} the stable rules' 100-line guideline)",
            ev.diff.files.len(),
            if lines <= 100 { "within" } else { "beyond" }
        ),
        format!("git show --stat --format= {sha}"),
    ));
    if ev.on_mainline {
        records.push(Record::new(
            P,
            "upstream: the commit is on mainline",
            // The mainline branch, not HEAD: a clone may have a stable
            // branch checked out, or a mirror's HEAD name one.
            format!(
                "git merge-base --is-ancestor {sha} {}",
                stablepick_evidence::record::sh(&ev.mainline)
            ),
        ));
    }
    let tested = ev.message.trailers_named("Tested-by").count();
    let (reviewed, own) = reviews(ev);
    let text = if own > 0 {
        format!(
            "tested: {tested} Tested-by; reviewed: {reviewed} Reviewed-by/Acked-by (the author's own {own} aside)"
        )
    } else {
        format!("tested: {tested} Tested-by; reviewed: {reviewed} Reviewed-by/Acked-by")
    };
    // The message's own lines, as the parser counts them: git's
    // `%(trailers)` reads only the last paragraph, and Samba's, say,
    // ends with an `Autobuild-User(master)` block below the trailers.
    let grep = format!("git show -s --format=%b {sha} | grep -i -E '^(Tested|Reviewed|Acked)-by:'");
    records.push(if tested + reviewed + own == 0 {
        Record::absence(P, text, grep)
    } else {
        Record::new(P, text, grep)
    });
    if let Some(exceptions) = exception_categories(&ev.kinds) {
        records.push(Record::new(
            P,
            format!("stable-rules exception category: {}", exceptions.join(", ")),
            format!("git show --stat --format= {sha}"),
        ));
    }
    if ev.kinds.contains(&ChangeKind::NewFunction) {
        records.push(Record::new(
            P,
            "adds a new function or exported symbol: check it is not a new feature",
            crate::impact::shows_added_functions(
                sha,
                &stablepick_evidence::kinds::new_function_names(&ev.diff),
            ),
        ));
    }
}

/// The stable rules' exception categories (device IDs, build fixes,
/// documentation) the change falls in, when the whole change falls in
/// them: one Makefile line beside a new C function is no exception.
pub fn exception_categories(kinds: &[ChangeKind]) -> Option<Vec<&'static str>> {
    let exception = |k: &ChangeKind| {
        matches!(
            k,
            ChangeKind::DeviceId | ChangeKind::Build | ChangeKind::Docs
        )
    };
    (!kinds.is_empty() && kinds.iter().all(exception))
        .then(|| kinds.iter().map(|k| k.label()).collect())
}

#[cfg(test)]
mod exception_tests {
    use super::*;

    #[test]
    fn only_a_change_wholly_in_the_categories_is_an_exception() {
        use ChangeKind::*;
        assert_eq!(
            exception_categories(&[DeviceId]),
            Some(vec!["device-ID table"])
        );
        assert_eq!(
            exception_categories(&[Docs, Build]).map(|v| v.len()),
            Some(2)
        );
        assert_eq!(exception_categories(&[Code, Build]), None);
        assert_eq!(exception_categories(&[NewFunction, Build]), None);
        assert_eq!(exception_categories(&[Tests, Docs]), None);
        assert_eq!(exception_categories(&[]), None);
    }
}
