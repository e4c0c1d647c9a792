//! Label mining on a branch whose maintainers cherry-pick without `-x`: a
//! branch commit with a mainline commit's subject is that commit taken,
//! unless several window commits share the subject, where only the same
//! patch counts.

mod common;

use common::{DAY, Repo};
use stablepick_verdict::learn::{MineOptions, mine};

/// Mines `r` (stable branch `1.0` at `v1.0`): each commit's label by sha
/// (`None`: not labelled), and the past decisions.
fn mined(
    r: &Repo,
) -> (
    impl Fn(&str) -> Option<bool>,
    Vec<stablepick_verdict::similar::PastDecision>,
) {
    let (git, index) = common::open_index(r);
    let (labelled, past) = mine(&git, &index, &MineOptions::default()).unwrap();
    let labels = move |sha: &str| {
        labelled
            .iter()
            .find(|l| l.oid.to_string() == sha)
            .map(|l| l.backported)
    };
    (labels, past)
}

#[test]
fn a_commit_taken_without_a_backport_line_is_a_positive() {
    let mut r = Repo::new();
    r.commit(
        "base",
        &[("a.c", "a\n"), ("b.c", "b\n"), ("po/x.po", "0\n")],
    );
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    let picked = r.commit("lib: fix overflow in parse", &[("a.c", "a fixed\n")]);
    let left = r.commit("lib: rework the reader", &[("b.c", "b new\n")]);
    let po_taken = r.commit("po: merge changes", &[("po/x.po", "1\n")]);
    let po_other = r.commit("po: merge changes", &[("po/x.po", "2\n")]);
    r.git(&["checkout", "-q", "-b", "1.0", "v1.0"]);
    r.clock += 40 * DAY;
    // `git cherry-pick` without -x: same subject, same patch, no line.
    r.git(&["cherry-pick", &picked]);
    r.git(&["cherry-pick", &po_taken]);
    r.git(&["checkout", "-q", "main"]);

    let (labels, past) = mined(&r);
    let label = |sha: &str| labels(sha).unwrap();
    assert!(label(&picked), "same subject, no backport line: taken");
    assert!(!label(&left), "not on the branch: not taken");
    assert!(label(&po_taken), "a shared subject, the same patch: taken");
    assert!(
        !label(&po_other),
        "a shared subject, another patch: not taken"
    );
    let taken: Vec<&str> = past
        .iter()
        .filter(|p| !p.backported.is_empty())
        .map(|p| p.sha.as_str())
        .collect();
    assert_eq!(taken.len(), 2, "the past decisions agree: {taken:?}");
}

#[test]
fn commits_a_branch_shares_with_mainline_are_not_decisions() {
    // The branch is cut a while after its base tag: the commits between
    // the tag and the fork are on it because it forked after them, not
    // because anyone chose them, so they teach nothing either way.
    let mut r = Repo::new();
    r.commit("base", &[("a.c", "a\n"), ("b.c", "b\n"), ("c.c", "c\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    let shared = r.commit("lib: tidy the reader", &[("a.c", "a2\n")]);
    r.git(&["branch", "1.0"]);
    let picked = r.commit("lib: fix overflow in parse", &[("b.c", "b fixed\n")]);
    let left = r.commit("lib: rework the writer", &[("c.c", "c new\n")]);
    r.git(&["checkout", "-q", "1.0"]);
    r.clock += 40 * DAY;
    r.git(&["cherry-pick", "-x", &picked]);
    r.git(&["checkout", "-q", "main"]);

    let (label, past) = mined(&r);
    assert_eq!(label(&picked), Some(true));
    assert_eq!(label(&left), Some(false));
    assert_eq!(label(&shared), None, "forked after it: not labelled");
    assert!(past.iter().all(|p| p.sha != shared));
}

/// Merges branch `topic` into `main` (checked out), then 40 days later
/// into `1.0`, as git.git merges a fix's topic into `master` and `maint`.
fn merge_topic_into_both(r: &mut Repo) {
    for (branch, message) in [
        ("main", "Merge branch 'topic'"),
        ("1.0", "Merge branch 'topic' into 1.0"),
    ] {
        r.git(&["checkout", "-q", branch]);
        r.git(&["merge", "-q", "--no-ff", "-m", message, "topic"]);
        r.clock += 40 * DAY;
    }
    r.git(&["checkout", "-q", "main"]);
}

#[test]
fn a_fix_merged_into_both_branches_is_a_positive() {
    // git.git's way: a fix is made on a topic branch from the release, and
    // the topic is merged into `main` and into the maintenance branch. The
    // branch holds the very commit, with no backport line; unlike a commit
    // it holds because it forked after it, this one was chosen.
    let mut r = Repo::new();
    r.commit("base", &[("a.c", "a\n"), ("b.c", "b\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    r.git(&["checkout", "-q", "-b", "topic", "v1.0"]);
    let fix = r.commit("lib: fix overflow in parse", &[("a.c", "a fixed\n")]);
    r.git(&["checkout", "-q", "main"]);
    let left = r.commit("lib: rework the reader", &[("b.c", "b new\n")]);
    merge_topic_into_both(&mut r);

    let (labels, past) = mined(&r);
    assert_eq!(labels(&fix), Some(true), "merged into the branch: taken");
    assert_eq!(labels(&left), Some(false));
    assert!(
        past.iter()
            .any(|p| p.sha == fix && !p.backported.is_empty()),
        "the past decision agrees"
    );
}

#[test]
fn commits_made_on_the_branch_line_and_merged_into_mainline_are_not_decisions() {
    // flatpak's way with its first point releases: fixes made on the
    // release's own line, which main then merged. Nobody chose them from
    // mainline for the branch, so they teach nothing; a topic the line
    // merged from mainline still does.
    let mut r = Repo::new();
    r.commit("base", &[("a.c", "a\n"), ("b.c", "b\n"), ("c.c", "c\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["checkout", "-q", "-b", "1.0"]);
    let on_line = r.commit("lib: fix overflow in parse", &[("a.c", "a fixed\n")]);
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--no-ff", "-m", "Merge branch '1.0'", "1.0"]);
    r.git(&["checkout", "-q", "-b", "topic", "v1.0"]);
    let topic = r.commit("lib: fix a leak in the writer", &[("c.c", "c fixed\n")]);
    r.git(&["checkout", "-q", "main"]);
    let left = r.commit("lib: rework the reader", &[("b.c", "b new\n")]);
    merge_topic_into_both(&mut r);

    let (labels, _) = mined(&r);
    assert_eq!(labels(&on_line), None, "made on the branch's line");
    assert_eq!(labels(&topic), Some(true), "merged into the branch: taken");
    assert_eq!(labels(&left), Some(false));
}

#[test]
fn a_backport_pull_request_squashed_with_its_own_number_is_a_positive() {
    // GitHub squash merges end the subject with the pull request's number;
    // a backport pull request adds its own, and HashiCorp's assistant
    // words it `Backport of <subject> into <branch>`.
    let mut r = Repo::new();
    r.commit("base", &[("a.c", "a\n"), ("b.c", "b\n"), ("c.c", "c\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    let squashed = r.commit("lib: fix overflow in parse (#12)", &[("a.c", "a fixed\n")]);
    let assisted = r.commit("docs: explain the reader (#13)", &[("b.c", "b doc\n")]);
    let left = r.commit("lib: rework the writer (#14)", &[("c.c", "c new\n")]);
    r.git(&["checkout", "-q", "-b", "1.0", "v1.0"]);
    r.clock += 40 * DAY;
    r.commit(
        "[1.0] lib: fix overflow in parse (#12) (#15)",
        &[("a.c", "a fixed, adapted\n")],
    );
    r.commit(
        "Backport of docs: explain the reader into release/1.0.x (#16)",
        &[("b.c", "b doc, adapted\n")],
    );
    r.git(&["checkout", "-q", "main"]);

    let (labels, _) = mined(&r);
    assert_eq!(labels(&squashed), Some(true));
    assert_eq!(labels(&assisted), Some(true));
    assert_eq!(labels(&left), Some(false));
}
