//! Blame across a merged branch that forked before the lines the fix needs
//! were written: the branch's version lacks them, and a commit on it that
//! added look-alike lines (blank ones) elsewhere in the file is not their
//! writer.

use stablepick_repo::apply::{Applies, check_commit};
use stablepick_repo::prereq::{Limits, Why, find_with};
use stablepick_testkit::{commit_on_day, git, git_on_day};
use std::path::Path;

/// `f.c` of 40 numbered lines at `v1.0` (branch `1.0`); on main, `block`
/// rewrites line 10 as five lines (two blank); a topic branch forked at
/// the base and committed later adds lines with a blank one at line 30; the
/// topic is merged, then `fix` changes a line of the block. Returns
/// (block, topic, fix).
fn history(d: &Path) -> (git2::Oid, git2::Oid, git2::Oid) {
    let base = stablepick_testkit::lines_file_at_v1_0(d, 40);
    git(d, &["branch", "topic"]);
    std::fs::write(
        d.join("f.c"),
        base.replace("line 10\n", "block a\n\nblock b\n\nblock c\n"),
    )
    .unwrap();
    let block = commit_on_day(d, 1, "f: add the block");
    git(d, &["checkout", "-q", "topic"]);
    std::fs::write(
        d.join("f.c"),
        base.replace("line 30\n", "topic a\n\ntopic b\n"),
    )
    .unwrap();
    let topic = commit_on_day(d, 2, "f: topic change far away");
    git(d, &["checkout", "-q", "main"]);
    git_on_day(d, 3, &["merge", "-q", "--no-edit", "topic"]);
    let f = std::fs::read_to_string(d.join("f.c")).unwrap();
    assert!(f.contains("block b") && f.contains("topic b"));
    std::fs::write(d.join("f.c"), f.replace("block b\n", "block B\n")).unwrap();
    let fix = commit_on_day(d, 4, "f: fix the block");
    (block, topic, fix)
}

#[test]
fn a_merged_branch_adding_blank_lines_elsewhere_is_not_a_prerequisite() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let (block, topic, fix) = history(d);
    let base_sha = git(d, &["rev-parse", "v1.0"]);
    // From the index's history, then from a walk of the commits.
    let mut seen = Vec::new();
    for spec in ["1.0=v1.0".to_string(), format!("1.0={base_sha}")] {
        let (g, index) = stablepick_testkit::open_index(d, &[&spec]);
        let branch = index.branch("1.0").unwrap();
        let report = check_commit(&g, fix, branch.branch.tip()).unwrap();
        assert_eq!(report.applies, Applies::Conflict, "{spec}");
        let found = find_with(&g, &index, fix, branch, &report, &Limits::default()).unwrap();
        let named: Vec<_> = found.list.iter().map(|p| p.commit).collect();
        assert!(!named.contains(&topic), "{spec}: {:?}", found.list);
        assert_eq!(named, vec![block], "{spec}");
        // The lines `block` wrote (10-14 of the fix's parent), not the
        // whole hunk with the base's context lines around them.
        assert_eq!(
            found.list[0].why,
            vec![Why::Blame {
                path: "f.c".into(),
                start: 10,
                end: 14
            }],
            "{spec}"
        );
        seen.push(index.paths_cover(&branch.branch.base));
    }
    assert_eq!(seen, vec![true, false]);
    // git blame agrees.
    let blame = git(
        d,
        &[
            "blame",
            "-s",
            "-L",
            "10,14",
            &format!("{fix}^"),
            "--",
            "f.c",
        ],
    );
    let short = &block.to_string()[..7];
    assert!(blame.lines().all(|l| l.starts_with(short)), "{blame}");
}
