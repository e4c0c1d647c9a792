//! Stable branches found by name: every naming convention known, and
//! end-of-life branches (no commit in the two years before the newest
//! stable commit) left out and named.

use stablepick_repo::Git;
use stablepick_repo::stable::detect;
use stablepick_testkit::{git, git_on_day};
use std::path::Path;

/// Commits everything with author and committer dates `days` after 2020-01-01.
fn commit_on_day(dir: &Path, msg: &str, days: i64) {
    git(dir, &["add", "-A"]);
    git_on_day(dir, days, &["commit", "-q", "-m", msg]);
}

#[test]
fn end_of_life_branches_are_left_out_and_named() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    std::fs::write(d.join("f"), "1\n").unwrap();
    commit_on_day(d, "base", 0);
    git(d, &["tag", "v2.30"]);
    std::fs::write(d.join("f"), "2\n").unwrap();
    commit_on_day(d, "next", 10);
    git(d, &["tag", "v2.40"]);
    // stable/v2.30: last commit in 2020; stable-2.40: in 2024.
    git(d, &["checkout", "-q", "-b", "stable/v2.30", "v2.30"]);
    std::fs::write(d.join("g"), "old\n").unwrap();
    commit_on_day(d, "old fix", 100);
    git(d, &["checkout", "-q", "-b", "stable-2.40", "v2.40"]);
    std::fs::write(d.join("g"), "new\n").unwrap();
    commit_on_day(d, "new fix", 1_600);
    git(d, &["checkout", "-q", "main"]);

    let found = detect(&Git::open(d).unwrap()).unwrap();
    let active: Vec<&str> = found.active.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(active, vec!["stable-2.40"]);
    assert_eq!(found.active[0].base, "v2.40");
    assert_eq!(found.inactive, vec!["stable/v2.30".to_string()]);
}
