//! Whether the patch applies to the branch is a per-branch feature: the
//! touched code, line by line, is what the branch has (or not).

mod common;

use common::{Repo, c_file};
use stablepick_repo::apply::Applies;
use stablepick_verdict::features::{
    BranchFeatureFacts, BranchView, CommitFacts, applies_to, apply_facts, branch_facts,
    named_features,
};

#[test]
fn applies_is_read_per_branch_and_named() {
    let mut r = Repo::new();
    r.commit("lib: add", &[("lib/a.c", &c_file(8, 0, "\treturn x;"))]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0", "v1.0"]);
    // After the base: one function rewritten, then a fix of the rewrite
    // (conflicts on the branch) and a fix elsewhere (applies there).
    r.commit(
        "lib: rewrite f3",
        &[("lib/a.c", &c_file(8, 3, "\treturn x * 2;"))],
    );
    let on_new_code = r.commit(
        "lib: fix the rewrite",
        &[("lib/a.c", &c_file(8, 3, "\treturn x * 3;"))],
    );
    r.clock += 300 * common::DAY;
    let elsewhere = r.commit("lib: add b", &[("lib/b.c", &c_file(4, 0, "\treturn 1;"))]);
    let (git, index) = common::open_index(&r);
    let b = &index.branches()[0];
    let tip = b.branch.tip();
    let conflict = git.resolve_commit(&on_new_code).unwrap();
    let clean = git.resolve_commit(&elsewhere).unwrap();
    let conflict_check = applies_to(&git, conflict, &[tip]);
    assert_eq!(
        apply_facts(conflict_check[0].as_ref()),
        (Some(Applies::Conflict), Some(1.0)),
        "the one hunk fails"
    );
    let clean_check = applies_to(&git, clean, &[tip]);
    assert_eq!(
        apply_facts(clean_check[0].as_ref()),
        (Some(Applies::Clean), None)
    );

    let view = BranchView {
        stable: b,
        tree: tip,
    };
    let facts = CommitFacts::extract(&git, &index, conflict).unwrap();
    let mut bf = branch_facts(&git, &index, &facts, &view);
    let names = |bf: &BranchFeatureFacts| common::feature_names(&index, &facts, &view, bf);
    assert!(names(&bf).contains(&"applies:unknown".to_string()));
    // The test repository's commits are a day apart: the fix lands within
    // two weeks of the base.
    assert!(
        bf.days_after_base.is_some_and(|d| (0..14).contains(&d)),
        "{:?}",
        bf.days_after_base
    );
    assert!(names(&bf).contains(&"base_age:0".to_string()));
    let late = CommitFacts::extract(&git, &index, clean).unwrap();
    let late_bf = branch_facts(&git, &index, &late, &view);
    let late_names = common::feature_names(&index, &late, &view, &late_bf);
    assert!(
        late_names.contains(&"base_age:5".to_string()),
        "{late_names:?}"
    );
    // The age is a number too, in years, so a trend carries on past the
    // last bucket: about 300 days here.
    let years = |f: &CommitFacts, bf: &BranchFeatureFacts| {
        named_features(&index, f, &view, bf)
            .into_iter()
            .find(|(n, _)| n == "base_age_years")
            .map(|(_, v)| v)
    };
    let late_years = years(&late, &late_bf).expect("a numeric age");
    assert!((0.8..0.9).contains(&late_years), "{late_years}");
    assert!(years(&facts, &bf).is_some_and(|y| y < 14.0 / 365.0));
    bf.set_apply(apply_facts(conflict_check[0].as_ref()));
    let n = names(&bf);
    assert!(n.contains(&"applies:conflict".to_string()), "{n:?}");
    assert!(n.contains(&"conflict_share:all".to_string()), "{n:?}");
    assert!(
        n.contains(&"nom:false|applies:conflict".to_string()),
        "{n:?}"
    );
}

#[test]
fn commits_named_in_the_message_are_looked_up_in_the_branch() {
    let mut r = Repo::new();
    let old = r.commit("lib: add", &[("lib/a.c", &c_file(8, 0, "\treturn x;"))]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0", "v1.0"]);
    let new = r.commit(
        "lib: rework f3",
        &[("lib/a.c", &c_file(8, 3, "\treturn x * 2;"))],
    );
    let on_old = r.commit(
        &format!("lib: tweak f1\n\nFollow-up for {}.", &old[..10]),
        &[("lib/a.c", &c_file(8, 1, "\treturn x - 1;"))],
    );
    let on_new = r.commit(
        &format!(
            "lib: tweak f3\n\nFollow-up for {} (\"lib: rework f3\").",
            &new[..8]
        ),
        &[("lib/a.c", &c_file(8, 3, "\treturn x * 3;"))],
    );
    let none = r.commit(
        &format!(
            "lib: tweak f5\n\nSee bug 1234567 and 2023abc.\n(cherry picked from commit {old})"
        ),
        &[("lib/a.c", &c_file(8, 5, "\treturn 5;"))],
    );
    let (git, index) = common::open_index(&r);
    let b = &index.branches()[0];
    let view = BranchView {
        stable: b,
        tree: b.branch.tip(),
    };
    let fact = |sha: &str| {
        let c = CommitFacts::extract(&git, &index, git.resolve_commit(sha).unwrap()).unwrap();
        let bf = branch_facts(&git, &index, &c, &view);
        let names = common::feature_names(&index, &c, &view, &bf);
        (c.mentioned.len(), bf.mentioned_present, names)
    };
    // Phase 6 says the same, with a command to check it.
    let ctx = stablepick_evidence::Context::new(&git, &index);
    let ev = stablepick_evidence::collect(&ctx, git.resolve_commit(&on_old).unwrap()).unwrap();
    let rec = ev
        .records
        .iter()
        .find(|r| r.text.contains("the message names commit"))
        .expect("a record for the named commit");
    assert!(
        rec.text.contains("(\"lib: add\"), which is in base v1.0"),
        "{}",
        rec.text
    );
    assert_eq!(
        rec.verified_by,
        format!("git merge-base --is-ancestor {old} v1.0")
    );
    let (n, present, names) = fact(&on_old);
    assert_eq!((n, present), (1, Some(true)));
    assert!(
        names.contains(&"mentions:in_branch".to_string()),
        "{names:?}"
    );
    let (n, present, names) = fact(&on_new);
    assert_eq!((n, present), (1, Some(false)));
    assert!(
        names.contains(&"mentions:not_in_branch".to_string()),
        "{names:?}"
    );
    // A bug number is not a commit id, an unknown id resolves to nothing,
    // and a backport line names the commit itself upstream.
    let (n, present, names) = fact(&none);
    assert_eq!((n, present), (0, None));
    assert!(names.contains(&"mentions:none".to_string()), "{names:?}");
}

#[test]
fn pull_requests_named_in_the_message_are_looked_up_in_the_branch() {
    let mut r = Repo::new();
    let old = r.commit(
        "lib: add (#101)",
        &[("lib/a.c", &c_file(8, 0, "\treturn x;"))],
    );
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0", "v1.0"]);
    let new = r.commit(
        "lib: rework f3 (#205)",
        &[("lib/a.c", &c_file(8, 3, "\treturn x * 2;"))],
    );
    let on_old = r.commit(
        "lib: tweak f1 (#230)\n\nA follow-up to #101.",
        &[("lib/a.c", &c_file(8, 1, "\treturn x - 1;"))],
    );
    let on_new = r.commit(
        "lib: fix crash in f3 (#231)\n\nIntroduced by https://github.com/o/r/pull/205.\nPorted from https://github.com/fork/r/pull/101.\nFixes #999.",
        &[("lib/a.c", &c_file(8, 3, "\treturn x * 3;"))],
    );
    // Links count for the repository the clone's remote names, not a fork.
    r.git(&["remote", "add", "origin", "https://github.com/o/r.git"]);
    let (git, index) = common::open_index(&r);
    let oid = |s: &str| git.resolve_commit(s).unwrap();
    assert_eq!(index.pull_request_commit(101), Some(oid(&old)));
    assert_eq!(index.pull_request_commit(999), None);
    let b = &index.branches()[0];
    let view = BranchView {
        stable: b,
        tree: b.branch.tip(),
    };
    let ctx = stablepick_evidence::Context::new(&git, &index);
    for (sha, named, n, present, text) in [
        (&on_old, &old, 101, true, "which is in base v1.0"),
        (
            &on_new,
            &new,
            205,
            false,
            "which is not in v1.0 and was not backported",
        ),
    ] {
        let c = CommitFacts::extract(&git, &index, oid(sha)).unwrap();
        // Its own number (the subject's), an issue and a fork's pull
        // request are no commits.
        assert_eq!(c.mentioned, vec![oid(named)]);
        let bf = branch_facts(&git, &index, &c, &view);
        assert_eq!(bf.mentioned_present, Some(present));
        let ev = stablepick_evidence::collect(&ctx, oid(sha)).unwrap();
        let rec = ev
            .records
            .iter()
            .find(|r| r.text.contains(&format!("names pull request #{n}")))
            .unwrap_or_else(|| panic!("no record for #{n}: {:#?}", ev.records));
        assert!(rec.text.contains(text), "{}", rec.text);
        // The command shows the subject that makes the number this commit,
        // then checks what the text says of it.
        let out = stablepick_testkit::sh(r.path(), &rec.verified_by);
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.starts_with(&format!("{named} ")), "{said}");
        assert!(said.contains(&format!("(#{n})")), "{said}");
        assert!(out.status.success(), "{}", rec.verified_by);
    }
}
