//! `stablepick eval`: the truth is read as training reads a branch (a
//! backport line, or a branch commit with the same subject), and a commit
//! that cannot be read counts as NO, is named, and fails the exit status
//! while the figures are still printed.

use stablepick_testkit::{commit_on_day, git_on_day};
use std::path::Path;
use std::process::Command;

/// Changes `file` and commits it on `day`; returns the commit id.
fn change(dir: &Path, day: i64, file: &str, text: &str, msg: &str) -> String {
    std::fs::write(dir.join(file), text).unwrap();
    commit_on_day(dir, day, msg).to_string()
}

#[test]
fn eval_reads_unmarked_backports_and_counts_unreadable_commits_as_no() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    for i in 0..8 {
        std::fs::write(d.join(format!("f{i}.c")), stablepick_testkit::lines(20)).unwrap();
    }
    change(d, 0, "README", "r\n", "base");
    git_on_day(d, 0, &["tag", "v1.0"]);
    // The training window: two fixes taken by 1.0 (one with `-x`, one
    // without), two changes not taken.
    let fix = |i: usize| stablepick_testkit::lines(20).replace("line 5\n", &format!("fix {i}\n"));
    let a = change(d, 10, "f0.c", &fix(0), "f0: fix a crash on a null pointer");
    let b = change(d, 11, "f1.c", &fix(1), "f1: fix a leak on the error path");
    change(d, 12, "f2.c", &fix(2), "f2: add a new option");
    change(d, 13, "f3.c", &fix(3), "f3: refactor the parser");
    change(d, 150, "README", "r2\n", "release 1.1");
    git_on_day(d, 150, &["tag", "v1.1"]);
    git_on_day(d, 100, &["checkout", "-q", "-b", "1.0", "v1.0"]);
    git_on_day(d, 100, &["cherry-pick", "-x", &a]);
    git_on_day(d, 101, &["cherry-pick", &b]);
    // The window to decide, and the target branch's real decisions.
    git_on_day(d, 160, &["checkout", "-q", "main"]);
    let w1 = change(d, 160, "f4.c", &fix(4), "f4: fix a crash on a null pointer");
    let w2 = change(d, 161, "f5.c", &fix(5), "f5: fix a leak on the error path");
    change(d, 162, "f6.c", &fix(6), "f6: add a new option");
    change(d, 163, "f7.c", &fix(7), "f7: fix a hang");
    git_on_day(d, 163, &["tag", "v1.2"]);
    git_on_day(d, 200, &["checkout", "-q", "-b", "1.1", "v1.1"]);
    git_on_day(d, 200, &["cherry-pick", "-x", &w1]);
    git_on_day(d, 201, &["cherry-pick", &w2]);
    git_on_day(d, 201, &["checkout", "-q", "main"]);
    // The tree of the window's last commit is gone: it cannot be analysed.
    let tree = git_on_day(d, 0, &["rev-parse", "v1.2^{tree}"]);
    let bad = git_on_day(d, 0, &["rev-parse", "v1.2^{commit}"]);
    std::fs::remove_file(d.join(".git/objects").join(&tree[..2]).join(&tree[2..])).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args([
            "eval",
            "--repo",
            ".",
            "--stable",
            "1.1=v1.1",
            "--train",
            "1.0=v1.0",
            "--window",
            "v1.1..v1.2",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !out.status.success(),
        "an unscored commit fails the exit status"
    );
    assert!(stderr.contains(&format!("{bad} not triaged")), "{stderr}");
    assert!(
        stdout.contains("window v1.1..v1.2: 4 commits, 2 backported"),
        "the unmarked cherry-pick counts as taken: {stdout}"
    );
    assert!(stdout.contains("threshold "), "{stdout}");
    let ap: f64 = stdout
        .split("average precision ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("an average precision: {stdout}"));
    assert!((0.0..=1.0).contains(&ap), "{stdout}");
    assert!(
        stdout.contains("the best threshold on this window"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 of the 2 backported are named by a backport line"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 commit(s) could not be analysed (named on stderr); they count as NO"),
        "{stdout}"
    );
}
