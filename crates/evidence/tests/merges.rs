//! The merge that brought a commit to the mainline: a topic branch merged
//! with `--no-ff` credits its two commits to the merge; a commit made on
//! the mainline itself has none. Phase 3 states it with the `git log` that
//! lists the merge's commits.

use stablepick_evidence::{Context, collect};
use stablepick_repo::{Git, RepoIndex};
use stablepick_testkit::{commit, git};

/// The Phase 3 record that names the merge which brought `c`.
fn merge_record(
    g: &Git,
    index: &RepoIndex,
    c: stablepick_repo::Oid,
) -> stablepick_evidence::Record {
    collect(&Context::new(g, index), c)
        .unwrap()
        .records_of(3)
        .find(|r| r.text.starts_with("reached main through merge"))
        .cloned()
        .expect("a Phase 3 record names the merge")
}

/// A repository in `d` with one commit, tagged `v1.0`, on `main`.
fn released(d: &std::path::Path) {
    stablepick_testkit::init(d, "T", "t@example.com");
    std::fs::write(d.join("f"), "1\n").unwrap();
    commit(d, "first");
    git(d, &["tag", "v1.0"]);
}

/// Merges `branch` into the checked-out branch with a merge commit.
fn merge_no_ff(d: &std::path::Path, message: &str, branch: &str) {
    git(d, &["merge", "-q", "--no-ff", "-m", message, branch]);
}

/// A repository in `d`: `v1.0`, then a topic branch of two commits (`a`,
/// `b`) merged into `main` with `--no-ff` after a commit made on `main`
/// itself (`direct`). Returns the three and the merge's sha.
fn merged_topic(
    d: &std::path::Path,
) -> (
    stablepick_repo::Oid,
    stablepick_repo::Oid,
    stablepick_repo::Oid,
    String,
) {
    released(d);
    git(d, &["checkout", "-q", "-b", "topic"]);
    std::fs::write(d.join("g"), "1\n").unwrap();
    let a = commit(d, "g: add");
    std::fs::write(d.join("g"), "2\n").unwrap();
    let b = commit(d, "g: fix");
    git(d, &["checkout", "-q", "main"]);
    std::fs::write(d.join("f"), "2\n").unwrap();
    let direct = commit(d, "f: fix");
    merge_no_ff(d, "Merge branch 'topic'", "topic");
    (a, b, direct, git(d, &["rev-parse", "HEAD"]))
}

#[test]
fn commits_of_a_merged_topic_name_their_merge() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let (a, b, direct, merge) = merged_topic(d);
    std::fs::write(d.join("f"), "3\n").unwrap();
    commit(d, "f: again");

    git(d, &["branch", "1.0", "v1.0"]);
    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    for c in [a, b] {
        let (m, n) = index.merged_in(c).expect("brought by the merge");
        assert_eq!((m.to_string(), n), (merge.clone(), 2));
    }
    assert_eq!(index.merged_in(direct), None);
    // Each sees the other as its pull request's other commit.
    for (c, other) in [(a, b), (b, a)] {
        let (m, others) = index.merged_with(c, 16).expect("brought by the merge");
        assert_eq!(m.to_string(), merge);
        assert_eq!(others, vec![other]);
        assert_eq!(index.merged_with(c, 0).map(|x| x.1), Some(vec![]));
    }
    assert_eq!(index.merged_with(direct, 16), None);

    let r = merge_record(&g, &index, b);
    assert!(r.text.contains("Merge branch 'topic'"), "{}", r.text);
    assert!(r.text.contains("brought 2 commit(s)"), "{}", r.text);
    // Its command lists exactly the commits counted.
    let listed = stablepick_testkit::sh(d, &r.verified_by);
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 2);
    let ev = collect(&Context::new(&g, &index), direct).unwrap();
    assert!(!ev.records_of(3).any(|r| r.text.contains("through merge")));
}

#[test]
fn a_merge_brought_by_a_merge_is_not_counted_among_its_commits() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    released(d);
    git(d, &["checkout", "-q", "-b", "topic"]);
    git(d, &["checkout", "-q", "-b", "sub"]);
    std::fs::write(d.join("g"), "1\n").unwrap();
    commit(d, "g: add");
    git(d, &["checkout", "-q", "topic"]);
    std::fs::write(d.join("h"), "1\n").unwrap();
    commit(d, "h: add");
    merge_no_ff(d, "Merge branch 'sub'", "sub");
    let inner = git(d, &["rev-parse", "HEAD"]);
    git(d, &["checkout", "-q", "main"]);
    merge_no_ff(d, "Merge branch 'topic'", "topic");
    git(d, &["branch", "1.0", "v1.0"]);

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let inner = g.resolve_commit(&inner).unwrap();
    assert_eq!(index.merged_in(inner).map(|m| m.1), Some(2));
    let r = merge_record(&g, &index, inner);
    assert!(r.text.ends_with("which brought 2 commit(s)"), "{}", r.text);
}

#[test]
fn an_octopus_merge_counts_and_lists_the_commits_of_every_branch() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    released(d);
    let mut tips = Vec::new();
    for name in ["a", "b"] {
        git(d, &["checkout", "-q", "-b", name, "v1.0"]);
        std::fs::write(d.join(name), "1\n").unwrap();
        tips.push(commit(d, &format!("{name}: add")));
    }
    git(d, &["checkout", "-q", "main"]);
    git(
        d,
        &["merge", "-q", "--no-ff", "-m", "Merge a and b", "a", "b"],
    );
    git(d, &["branch", "1.0", "v1.0"]);

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    assert_eq!(index.merged_in(tips[0]).map(|m| m.1), Some(2));
    assert_eq!(
        index.merged_with(tips[0], 16).map(|m| m.1),
        Some(vec![tips[1]])
    );
    let r = merge_record(&g, &index, tips[0]);
    let listed = stablepick_testkit::sh(d, &r.verified_by);
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).lines().count(),
        2,
        "{}",
        r.verified_by
    );
}

#[test]
fn a_backport_of_a_merge_takes_every_commit_the_merge_brought() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let (a, b, direct, merge) = merged_topic(d);
    // The branch takes the topic whole, as Zeek's maintainers do.
    git(d, &["checkout", "-q", "-b", "1.0", "v1.0"]);
    git(d, &["cherry-pick", "-m", "1", "-x", &merge]);
    let st = git(d, &["rev-parse", "HEAD"]);
    git(d, &["checkout", "-q", "main"]);

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let merge = g.resolve_commit(&merge).unwrap();
    let branch = index.branch("1.0").unwrap();
    for c in [a, b] {
        assert_eq!(branch.taken_with_merge(c), Some(merge));
        assert_eq!(
            branch
                .backported_as(c)
                .iter()
                .map(|o| o.to_string())
                .collect::<Vec<_>>(),
            vec![st.clone()]
        );
        let ev = collect(&Context::new(&g, &index), c).unwrap();
        let facts = &ev.branches[0];
        assert_eq!(facts.backported_as.map(|o| o.to_string()), Some(st.clone()));
        assert_eq!(
            facts.backported_via,
            Some(stablepick_repo::BackportVia::Merge(merge))
        );
        let r = ev
            .records_of(6)
            .find(|r| r.text.starts_with("[1.0] already backported as"))
            .expect("a Phase 6 record says it was taken");
        assert!(r.text.contains("names merge"), "{}", r.text);
        let run = stablepick_testkit::sh(d, &r.verified_by);
        assert!(run.status.success(), "{}", r.verified_by);
    }
    // A commit made on mainline itself was not taken, and the same check
    // says so.
    assert_eq!(branch.taken_with_merge(direct), None);
    assert!(branch.backported_as(direct).is_empty());
    let ev = collect(&Context::new(&g, &index), direct).unwrap();
    assert_eq!(ev.branches[0].backported_as, None);
    let check = stablepick_evidence::backported_command(
        &direct.to_string(),
        "1.0",
        g.resolve_commit(&st).unwrap(),
        stablepick_repo::BackportVia::Merge(merge),
    );
    assert!(
        !stablepick_testkit::sh(d, &check).status.success(),
        "{check}"
    );
    // The merge itself is not a commit a triage decides, nor listed twice.
    assert_eq!(branch.taken_with_merge(merge), None);
}

/// The Phase 6 record of where `c` stands on branch 1.0, and the facts.
fn on_branch_1_0(
    g: &Git,
    index: &RepoIndex,
    c: stablepick_repo::Oid,
) -> (
    stablepick_evidence::BranchFacts,
    stablepick_evidence::Record,
) {
    let ev = collect(&Context::new(g, index), c).unwrap();
    let rec = ev
        .records_of(6)
        .find(|r| r.text.starts_with("[1.0] already"))
        .cloned()
        .expect("a Phase 6 record says it is on the branch");
    (ev.branches[0].clone(), rec)
}

#[test]
fn a_topic_merged_into_both_branches_is_on_the_branch_itself() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let (a, b, direct, _) = merged_topic(d);
    // git.git's way: the same topic merged into the maintenance branch.
    git(d, &["checkout", "-q", "-b", "1.0", "v1.0"]);
    merge_no_ff(d, "Merge branch 'topic' into 1.0", "topic");
    git(d, &["checkout", "-q", "main"]);

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let branch = index.branch("1.0").unwrap();
    for c in [a, b] {
        assert!(branch.holds_merged(c) && !branch.shared_not_chosen(c));
        let (facts, rec) = on_branch_1_0(&g, &index, c);
        assert_eq!(facts.backported_as, Some(c));
        assert_eq!(
            facts.backported_via,
            Some(stablepick_repo::BackportVia::Itself)
        );
        assert!(
            rec.text.contains("holds this very commit (merged"),
            "{}",
            rec.text
        );
        assert!(
            stablepick_testkit::sh(d, &rec.verified_by).status.success(),
            "{}",
            rec.verified_by
        );
    }
    // A commit made on mainline alone: the same command fails.
    let (facts, _) = {
        let ev = collect(&Context::new(&g, &index), direct).unwrap();
        (ev.branches[0].clone(), ())
    };
    assert_eq!(facts.backported_as, None);
    let cmd = stablepick_evidence::backported_command(
        &direct.to_string(),
        "1.0",
        direct,
        stablepick_repo::BackportVia::Itself,
    );
    assert!(!stablepick_testkit::sh(d, &cmd).status.success());
}

#[test]
fn a_branch_cut_after_its_base_holds_the_commits_before_the_cut() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    released(d);
    std::fs::write(d.join("f"), "2\n").unwrap();
    let shared = commit(d, "f: tidy");
    git(d, &["branch", "1.0"]);
    std::fs::write(d.join("f"), "3\n").unwrap();
    commit(d, "f: later");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let branch = index.branch("1.0").unwrap();
    assert!(branch.shared_not_chosen(shared) && !branch.holds_merged(shared));
    let (facts, rec) = on_branch_1_0(&g, &index, shared);
    assert_eq!(facts.backported_as, Some(shared));
    assert!(
        rec.text
            .contains("forked from mainline after it, or made it on its own line"),
        "{}",
        rec.text
    );
    assert!(stablepick_testkit::sh(d, &rec.verified_by).status.success());
}
