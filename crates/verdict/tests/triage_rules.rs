//! Rules and rules-then-model decisions on a tiny repository with a stable
//! branch: a Cc-stable fix of a bug in the branch is YES, a fix of a bug the
//! branch never had is NO, an already backported fix is NO.

mod common;

use common::{Repo, c_file};
use stablepick_evidence::{Context, collect};
use stablepick_repo::{Git, IndexOptions, RepoIndex};
use stablepick_verdict::{Verdict, decide, impact};

struct Fixture {
    repo: Repo,
    fix_present: String,
    fix_absent: String,
    fix_backported: String,
}

fn fixture() -> Fixture {
    let mut r = Repo::new();
    r.commit(
        "drv: add driver",
        &[
            ("drivers/net/a.c", &c_file(4, 0, "\treturn x;")),
            ("drivers/net/c.c", "int c(void) { return 1; }\n"),
        ],
    );
    let bug = r.commit(
        "drv: add foo",
        &[("drivers/net/a.c", &c_file(4, 1, "\treturn x / 0;"))],
    );
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
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
    let git = Git::open(f.repo.path()).unwrap();
    let index = RepoIndex::open(
        &git,
        &IndexOptions {
            stable: vec!["1.0=v1.0".parse().unwrap()],
            no_cache: true,
            ..Default::default()
        },
    )
    .unwrap();
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
    let git = Git::open(f.repo.path()).unwrap();
    let index = RepoIndex::open(
        &git,
        &IndexOptions {
            stable: vec!["1.0=v1.0".parse().unwrap()],
            no_cache: true,
            ..Default::default()
        },
    )
    .unwrap();
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
