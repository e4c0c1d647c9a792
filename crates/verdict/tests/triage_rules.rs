//! Rules and rules-then-model decisions on a tiny repository with a stable
//! branch: a Cc-stable fix of a bug in the branch is YES, a fix of a bug the
//! branch never had is NO, an already backported fix is NO.

mod common;

use common::{Repo, c_file, driver_with_bug, threshold_model};
use stablepick_evidence::{Context, collect};
use stablepick_repo::{Git, RepoIndex};
use stablepick_verdict::{Verdict, combine, decide, impact, synthesis};

struct Fixture {
    repo: Repo,
    fix_present: String,
    fix_absent: String,
    fix_backported: String,
}

fn fixture() -> Fixture {
    let mut r = Repo::new();
    let bug = driver_with_bug(
        &mut r,
        &[("drivers/net/c.c", "int c(void) { return 1; }\n")],
    );
    let fix_present = r.commit(
        &format!(
            "drv: fix crash in foo\n\nDivision by zero.\n\nFixes: {} (\"drv: add foo\")\nCc: stable@dpdk.org\n\nSigned-off-by: A U Thor <author@example.org>",
            &bug[..12]
        ),
        &[("drivers/net/a.c", &c_file(4, 1, "\treturn x;"))],
    );
    let feature = r.commit(
        "drv: add bar",
        &[("drivers/net/b.c", &c_file(3, 2, "\treturn x * 2;"))],
    );
    let fix_absent = r.commit(
        &format!(
            "drv: fix bar overflow\n\nFixes: {} (\"drv: add bar\")\nCc: stable@dpdk.org\n\nSigned-off-by: A U Thor <author@example.org>",
            &feature[..12]
        ),
        &[("drivers/net/b.c", &c_file(3, 2, "\treturn x * 3;"))],
    );
    let fix_backported = r.commit(
        "drv: fix leak in f3\n\nCc: stable@dpdk.org\n\nSigned-off-by: A U Thor <author@example.org>",
        &[("drivers/net/c.c", "int c(void) { return 0; }\n")],
    );
    r.git(&["checkout", "-q", "-b", "1.0", "v1.0"]);
    r.backport(
        &fix_backported,
        &[("drivers/net/c.c", "int c(void) { return 0; }\n")],
    );
    r.git(&["checkout", "-q", "main"]);
    Fixture {
        repo: r,
        fix_present,
        fix_absent,
        fix_backported,
    }
}

fn verdict_of(git: &Git, index: &RepoIndex, sha: &str) -> Option<Verdict> {
    let oid = git.resolve_commit(sha).unwrap();
    let ev = collect(&Context::new(git, index), oid).unwrap();
    // Phase 8 states its premises with commands, like every phase.
    let p8 = impact::records(&ev);
    assert!(!p8.is_empty());
    assert!(p8.iter().all(|r| r.phase == 8 && !r.verified_by.is_empty()));
    decide(&ev).branches[0].verdict
}

#[test]
fn rules_decide_the_three_cases() {
    let f = fixture();
    let (git, index) = common::open_index(&f.repo);
    assert_eq!(verdict_of(&git, &index, &f.fix_present), Some(Verdict::Yes));
    assert_eq!(verdict_of(&git, &index, &f.fix_absent), Some(Verdict::No));
    assert_eq!(
        verdict_of(&git, &index, &f.fix_backported),
        Some(Verdict::No)
    );
}

#[test]
fn failure_words_are_reported_in_phase_8() {
    let f = fixture();
    let (git, index) = common::open_index(&f.repo);
    let oid = git.resolve_commit(&f.fix_present).unwrap();
    let ev = collect(&Context::new(&git, &index), oid).unwrap();
    let recs = impact::records(&ev);
    assert!(
        recs.iter()
            .any(|r| r.text.contains("failure mode") && r.text.contains("crash")),
        "{recs:#?}"
    );
    assert!(recs.iter().any(|r| r.text.contains("one driver")));
}

#[test]
fn model_against_rules_and_close_calls_are_unresolved() {
    let f = fixture();
    let (git, index) = common::open_index(&f.repo);
    let oid = git.resolve_commit(&f.fix_present).unwrap();
    let ev = collect(&Context::new(&git, &index), oid).unwrap();
    let model = threshold_model(0.5);
    let rules = decide(&ev);
    assert_eq!(rules.branches[0].verdict, Some(Verdict::Yes));

    // The model says NO, narrowly: the rules said YES.
    let d = combine::with_model(&ev, rules.clone(), &model, &[("1.0".into(), 0.45)]);
    assert_eq!(d.branches[0].verdict, Some(Verdict::No));
    let s = synthesis::synthesize(&ev, &d);
    let open: Vec<&str> = s.unresolved.iter().map(|p| p.text.as_str()).collect();
    let disagree = s
        .unresolved
        .iter()
        .find(|p| p.text.starts_with("[1.0] rules and model disagree"))
        .unwrap_or_else(|| panic!("{open:#?}"));
    // The rules' own command for the branch.
    let rules_line = rules
        .records
        .iter()
        .find(|r| r.text.starts_with("[1.0] YES"))
        .unwrap();
    assert_eq!(disagree.verified_by, rules_line.verified_by);
    assert!(
        open.iter().any(|t| t.starts_with("[1.0] close call")),
        "{open:#?}"
    );
    assert!(
        s.evidence_against
            .iter()
            .any(|p| p.text.starts_with("[1.0] past decisions, learned")),
        "{s:#?}"
    );

    // The model agrees, with room to spare: nothing to ask.
    let d = combine::with_model(&ev, rules, &model, &[("1.0".into(), 0.95)]);
    let s = synthesis::synthesize(&ev, &d);
    assert!(
        !s.unresolved
            .iter()
            .any(|p| p.text.contains("disagree") || p.text.contains("close call")),
        "{s:#?}"
    );
    assert!(
        s.evidence_for
            .iter()
            .any(|p| p.text.starts_with("[1.0] past decisions, learned")),
        "{s:#?}"
    );
    assert!(
        s.evidence_for
            .iter()
            .any(|p| p.text.starts_with("[1.0] bug present")),
        "{s:#?}"
    );
}
