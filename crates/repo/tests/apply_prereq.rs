//! Prerequisites: a fix to code added after the branch's base needs the
//! commit that added it; a `Cc: stable # …: <sha>` note adds its commit.

use stablepick_repo::apply::{Applies, check_commit};
use stablepick_repo::prereq::prerequisites;
use stablepick_repo::{Git, Oid, RepoIndex};
use stablepick_testkit::{commit, git, lines};
use std::path::Path;

#[test]
fn fix_needs_the_feature_it_fixes() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = base_release(d, &["f.c", "g.c"]);
    // A feature after the base, an unrelated change, then a fix to the feature.
    std::fs::write(
        d.join("f.c"),
        base.replace("line 20\n", "feature a\nfeature b\nfeature c\n"),
    )
    .unwrap();
    let feature = commit(d, "f: add feature");
    std::fs::write(d.join("g.c"), base.replace("line 5\n", "other\n")).unwrap();
    let other = commit(d, "g: unrelated");
    let f = std::fs::read_to_string(d.join("f.c")).unwrap();
    std::fs::write(d.join("f.c"), f.replace("feature b\n", "feature b fixed\n")).unwrap();
    let fix = commit(
        d,
        &format!(
            "f: fix feature\n\nCc: stable@example.org # 1.0: {}: g: unrelated\n",
            &other.to_string()[..12]
        ),
    );
    git(d, &["tag", "v2.0"]);

    let (g, index) = open(d);
    let branch = index.branch("1.0").unwrap();
    let report = check_commit(&g, fix, branch.branch.tip()).unwrap();
    assert_eq!(report.applies, Applies::Conflict);
    let pre = prerequisites(&g, &index, fix, branch, &report).unwrap();
    // The feature (blamed) and the noted commit, oldest first.
    assert_eq!(pre, vec![feature, other]);
}

fn setup(d: &Path) -> String {
    stablepick_testkit::init(d, "T", "t@example.com");
    lines(40)
}

/// A repository whose first commit holds `files` (40 numbered lines each),
/// tagged `v1.0`, with the stable branch `1.0` at it; returns the text.
fn base_release(d: &Path, files: &[&str]) -> String {
    let base = setup(d);
    for f in files {
        std::fs::write(d.join(f), &base).unwrap();
    }
    commit(d, "base");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    base
}

fn open(d: &Path) -> (Git, RepoIndex) {
    stablepick_testkit::open_index(d, &["1.0=v1.0"])
}

#[test]
fn missing_file_needs_only_its_creator() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = base_release(d, &["f.c"]);
    std::fs::write(d.join("h.c"), &base).unwrap();
    let created = commit(d, "h: new file");
    std::fs::write(d.join("h.c"), base.replace("line 10\n", "ten\n")).unwrap();
    commit(d, "h: later change");
    std::fs::write(d.join("h.c"), base.replace("line 10\n", "TEN\n")).unwrap();
    let fix = commit(d, "h: fix");

    let (g, index) = open(d);
    let branch = index.branch("1.0").unwrap();
    let report = check_commit(&g, fix, branch.branch.tip()).unwrap();
    assert!(report.files[0].missing);
    // Not every commit that wrote h.c: only the one that created it.
    assert_eq!(
        prerequisites(&g, &index, fix, branch, &report).unwrap(),
        vec![created]
    );
}

#[test]
fn blame_follows_renames() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = setup(d);
    std::fs::create_dir_all(d.join("old")).unwrap();
    std::fs::write(d.join("old/x.c"), &base).unwrap();
    commit(d, "base");
    git(d, &["tag", "v1.0"]);
    let feature_text = base.replace("line 20\n", "feature a\nfeature b\nfeature c\n");
    std::fs::write(d.join("old/x.c"), &feature_text).unwrap();
    let feature = commit(d, "x: feature");
    std::fs::create_dir_all(d.join("new")).unwrap();
    git(d, &["mv", "old/x.c", "new/x.c"]);
    let moved = commit(d, "x: move to new/");
    std::fs::write(
        d.join("new/x.c"),
        feature_text.replace("feature b\n", "feature b fixed\n"),
    )
    .unwrap();
    let fix = commit(d, "x: fix feature");
    // The branch took the move but not the feature.
    git(d, &["checkout", "-q", "-b", "1.0", "v1.0"]);
    std::fs::create_dir_all(d.join("new")).unwrap();
    git(d, &["mv", "old/x.c", "new/x.c"]);
    commit(
        d,
        &format!("x: move to new/\n\n(cherry picked from commit {moved})"),
    );
    git(d, &["checkout", "-q", "main"]);

    let (g, index) = open(d);
    let branch = index.branch("1.0").unwrap();
    let report = check_commit(&g, fix, branch.branch.tip()).unwrap();
    assert_eq!(report.applies, Applies::Conflict);
    // The move changed no line; the feature behind it is what is missing.
    assert_eq!(
        prerequisites(&g, &index, fix, branch, &report).unwrap(),
        vec![feature]
    );
}

/// The context a fix needs was written on a topic branch merged later,
/// while mainline changed another part of the file; a branch never merged
/// also wrote those lines. The file's history read from the index (base is
/// a release) and the walked history (base given as a bare commit) agree:
/// the topic commit, not the unmerged one, not the later mainline one.
#[test]
fn blame_through_a_merged_topic_branch() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = base_release(d, &["f.c"]);
    let base_sha = git(d, &["rev-parse", "HEAD"]);

    git(d, &["checkout", "-q", "-b", "unmerged"]);
    std::fs::write(d.join("f.c"), base.replace("line 30\n", "never merged\n")).unwrap();
    commit(d, "f: elsewhere");
    git(d, &["checkout", "-q", "main"]);
    git(d, &["checkout", "-q", "-b", "topic"]);
    std::fs::write(d.join("f.c"), base.replace("line 30\n", "topic thirty\n")).unwrap();
    let topic = commit(d, "f: topic change");
    git(d, &["checkout", "-q", "main"]);
    std::fs::write(
        d.join("f.c"),
        base.replace("line 3\n", "main three\nmain extra\n"),
    )
    .unwrap();
    let mainline = commit(d, "f: mainline change");
    git(d, &["merge", "-q", "--no-edit", "topic"]);
    let f = std::fs::read_to_string(d.join("f.c")).unwrap();
    assert!(f.contains("main three") && f.contains("topic thirty"));
    std::fs::write(d.join("f.c"), f.replace("topic thirty\n", "topic 30\n")).unwrap();
    let fix = commit(d, "f: fix topic change");
    git(d, &["tag", "v2.0"]);

    let mut seen = Vec::new();
    for spec in ["1.0=v1.0".to_string(), format!("1.0={base_sha}")] {
        let (g, index) = stablepick_testkit::open_index(d, &[&spec]);
        let branch = index.branch("1.0").unwrap();
        let report = check_commit(&g, fix, branch.branch.tip()).unwrap();
        assert_eq!(report.applies, Applies::Conflict, "{spec}");
        let pre = prerequisites(&g, &index, fix, branch, &report).unwrap();
        assert_eq!(pre, vec![topic], "{spec}");
        assert!(!pre.contains(&mainline));
        seen.push(index.paths_cover(&branch.branch.base));
    }
    // The first search read the index, the second walked the history.
    assert_eq!(seen, vec![true, false]);
}

/// A line rewritten twice after the base: the fix's direct prerequisite is
/// the second rewrite, which itself needs the first. Both are named, in
/// applying order, and applying them lets the fix apply.
#[test]
fn prerequisites_of_prerequisites() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = base_release(d, &["f.c"]);
    std::fs::write(d.join("f.c"), base.replace("line 20\n", "twenty\n")).unwrap();
    let first = commit(d, "f: first rewrite");
    std::fs::write(d.join("f.c"), base.replace("line 20\n", "twenty again\n")).unwrap();
    let second = commit(d, "f: second rewrite");
    std::fs::write(d.join("f.c"), base.replace("line 20\n", "twenty fixed\n")).unwrap();
    let fix = commit(d, "f: fix");
    git(d, &["tag", "v2.0"]);

    let (g, index) = open(d);
    let branch = index.branch("1.0").unwrap();
    let report = check_commit(&g, fix, branch.branch.tip()).unwrap();
    assert_eq!(report.applies, Applies::Conflict);
    let found = stablepick_repo::prereq::find(&g, &index, fix, branch, &report).unwrap();
    let list: Vec<Oid> = found.iter().map(|p| p.commit).collect();
    assert_eq!(list, vec![first, second]);
    assert!(found[0].why.iter().any(|w| matches!(
        w,
        stablepick_repo::prereq::Why::NeededBy { of, .. } if *of == second.to_string()
    )));
    // Applying them in that order on the branch makes the fix apply.
    git(d, &["checkout", "-q", "1.0"]);
    for c in [first, second] {
        git(d, &["cherry-pick", &c.to_string()]);
    }
    let tip = Oid::from_str(&git(d, &["rev-parse", "HEAD"])).unwrap();
    assert!(check_commit(&g, fix, tip).unwrap().applies.git_applies());
}

#[test]
fn a_search_cut_short_is_cut_at_the_same_place_every_time() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = base_release(d, &["f.c"]);
    let mut rewrites = Vec::new();
    for i in 0..6 {
        std::fs::write(d.join("f.c"), base.replace("line 20\n", &format!("v{i}\n"))).unwrap();
        rewrites.push(commit(d, &format!("f: rewrite {i}")));
    }
    std::fs::write(d.join("f.c"), base.replace("line 20\n", "fixed\n")).unwrap();
    let fix = commit(d, "f: fix");
    git(d, &["tag", "v2.0"]);

    let (g, index) = open(d);
    let branch = index.branch("1.0").unwrap();
    let report = check_commit(&g, fix, branch.branch.tip()).unwrap();
    let search = |max_work: usize| {
        let limits = stablepick_repo::prereq::Limits {
            max_work,
            ..Default::default()
        };
        let found =
            stablepick_repo::prereq::find_closure(&g, &index, fix, branch, &report, &limits)
                .unwrap();
        let list: Vec<Oid> = found.list.iter().map(|p| p.commit).collect();
        (list, found.cut_short)
    };
    // Unbounded: every rewrite, oldest first, nothing cut.
    let (all, cut) = search(stablepick_repo::prereq::DEFAULT_MAX_WORK);
    assert_eq!(all, rewrites);
    assert!(cut.is_empty(), "{cut:?}");
    // A small budget: part of the chain, said to be cut, and the same part
    // on every run (the budget counts work, not time).
    let first = search(6);
    assert!(first.0.len() < rewrites.len(), "{:?}", first.0);
    assert!(
        first.1.iter().any(|c| c.contains("work limit")),
        "{:?}",
        first.1
    );
    for _ in 0..3 {
        assert_eq!(search(6), first);
    }
}

/// Blame names the last writer of every context line, but a line written
/// back to what the branch already has needs nothing: a change and its
/// revert after the base are named (the revert does not apply to the
/// branch, so the change it reverts is looked for too), and dropped once
/// applying the list in memory shows the fix applies without them.
#[test]
fn commits_the_fix_does_not_need_are_dropped() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = base_release(d, &["f.c"]);
    std::fs::write(d.join("f.c"), base.replace("line 19\n", "nineteen\n")).unwrap();
    let needed = commit(d, "f: rewrite line 19");
    let text = std::fs::read_to_string(d.join("f.c")).unwrap();
    std::fs::write(d.join("f.c"), text.replace("line 22\n", "changed\n")).unwrap();
    let change = commit(d, "f: change line 22");
    std::fs::write(d.join("f.c"), &text).unwrap();
    let revert = commit(d, "f: revert line 22");
    std::fs::write(d.join("f.c"), text.replace("line 20\n", "twenty fixed\n")).unwrap();
    let fix = commit(d, "f: fix line 20");

    let (applies, found) = check_and_search(d, fix);
    assert_eq!(applies, Applies::Conflict);
    assert_eq!(found.commits(), vec![needed]);
    assert_eq!(found.sufficient, Some(true));
    assert_eq!(found.failing_after, 0);
    let mut dropped: Vec<Oid> = found.dropped.iter().map(|p| p.commit).collect();
    dropped.sort();
    let mut expected = vec![change, revert];
    expected.sort();
    assert_eq!(dropped, expected);
    // git agrees: on the branch, the one commit kept is enough.
    git(d, &["checkout", "-q", "1.0"]);
    git(d, &["cherry-pick", &needed.to_string()]);
    let tip = Oid::from_str(&git(d, &["rev-parse", "HEAD"])).unwrap();
    let g = Git::open(d).unwrap();
    assert!(check_commit(&g, fix, tip).unwrap().applies.git_applies());
}

/// The fix checked against the branch `1.0`, and its prerequisites with
/// the default limits.
fn check_and_search(d: &Path, fix: Oid) -> (Applies, stablepick_repo::prereq::Found) {
    let (g, index) = open(d);
    let branch = index.branch("1.0").unwrap();
    let report = check_commit(&g, fix, branch.branch.tip()).unwrap();
    let found = stablepick_repo::prereq::find_closure(
        &g,
        &index,
        fix,
        branch,
        &report,
        &stablepick_repo::prereq::Limits::default(),
    )
    .unwrap();
    (report.applies, found)
}

/// A context line the branch changed on its own: no upstream commit makes
/// the fix apply, and the search says so instead of claiming its list is
/// enough.
#[test]
fn a_fix_that_needs_adapting_is_said_to_still_fail() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = base_release(d, &["f.c"]);
    std::fs::write(d.join("f.c"), base.replace("line 19\n", "nineteen\n")).unwrap();
    let needed = commit(d, "f: rewrite line 19");
    let text = std::fs::read_to_string(d.join("f.c")).unwrap();
    std::fs::write(d.join("f.c"), text.replace("line 20\n", "twenty fixed\n")).unwrap();
    let fix = commit(d, "f: fix line 20");
    git(d, &["checkout", "-q", "1.0"]);
    std::fs::write(d.join("f.c"), base.replace("line 21\n", "stable only\n")).unwrap();
    commit(d, "f: a change of the branch's own");
    git(d, &["checkout", "-q", "main"]);

    let (_, found) = check_and_search(d, fix);
    assert_eq!(found.commits(), vec![needed]);
    assert_eq!(found.sufficient, Some(false));
    assert_eq!(found.failing_after, 1);
}

/// Commits applied in memory give the very blobs git made for them, renames
/// and deletions included, and a commit that does not apply changes
/// nothing.
#[test]
fn commits_applied_in_memory_give_git_s_trees() {
    use stablepick_repo::apply::CommitPatch;
    use stablepick_repo::apply::overlay::Overlay;
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = base_release(d, &["f.c", "g.c", "h.c"]);
    std::fs::write(d.join("f.c"), base.replace("line 7\n", "seven\n")).unwrap();
    std::fs::write(d.join("new.c"), "a new file\n").unwrap();
    let c1 = commit(d, "f: change; add new.c");
    git(d, &["mv", "g.c", "moved.c"]);
    std::fs::remove_file(d.join("h.c")).unwrap();
    let f = std::fs::read_to_string(d.join("f.c")).unwrap();
    std::fs::write(d.join("f.c"), f.replace("line 30\n", "thirty\n")).unwrap();
    let c2 = commit(d, "rename g.c, delete h.c, change f.c again");
    // Does not apply on top of c2: h.c is gone.
    let stray = {
        git(d, &["checkout", "-q", "-b", "side", "1.0"]);
        std::fs::write(d.join("h.c"), base.replace("line 1\n", "one\n")).unwrap();
        commit(d, "h: change")
    };

    let (g, _) = open(d);
    let repo = g.repo();
    let tree = repo
        .find_commit(Oid::from_str(&git(d, &["rev-parse", "v1.0"])).unwrap())
        .unwrap()
        .tree()
        .unwrap();
    let mut overlay = Overlay::new(&tree);
    for c in [c1, c2] {
        assert!(
            overlay
                .apply(&g, &CommitPatch::new(&g, c).unwrap())
                .unwrap()
        );
    }
    assert!(
        !overlay
            .apply(&g, &CommitPatch::new(&g, stray).unwrap())
            .unwrap()
    );
    let want = repo.find_commit(c2).unwrap().tree().unwrap();
    for path in ["f.c", "moved.c", "new.c", "g.c", "h.c"] {
        let expected = want.get_path(Path::new(path)).ok().map(|e| e.id());
        assert_eq!(overlay.blob_id(path), expected, "{path}");
    }
}
