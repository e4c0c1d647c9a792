//! Helpers for tests that build their own repositories with the git
//! command line: run git, commit the work tree, texts of numbered lines.

use git2::Oid;
use std::path::Path;
use std::process::Command;

/// Runs git in `dir`: whether it succeeded, and its stdout then stderr.
pub fn git_try(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("run git");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Runs git in `dir`, which must succeed; its output, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let (ok, out) = git_try(dir, args);
    assert!(ok, "git {args:?}: {out}");
    out.trim().to_string()
}

/// A new repository in `dir` with `main` checked out and commits made as
/// `name <email>` (a test machine may have no git identity).
pub fn init(dir: &Path, name: &str, email: &str) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.name", name]);
    git(dir, &["config", "user.email", email]);
}

/// Writes `text` to `path` under `dir`, making its directories.
pub fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("make directories");
    }
    std::fs::write(p, text).expect("write a file");
}

/// Commits everything in the work tree with message `msg`.
pub fn commit(dir: &Path, msg: &str) -> Oid {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", msg]);
    Oid::from_str(&git(dir, &["rev-parse", "HEAD"])).expect("a commit id")
}

/// Commits everything in the work tree with message `msg`, with author and
/// committer dates `day` days after 2020-01-01 (as [`git_on_day`]).
pub fn commit_on_day(dir: &Path, day: i64, msg: &str) -> Oid {
    git_on_day(dir, day, &["add", "-A"]);
    git_on_day(dir, day, &["commit", "-q", "-m", msg]);
    Oid::from_str(&git_on_day(dir, day, &["rev-parse", "HEAD"])).expect("a commit id")
}

/// A new repository in `dir` whose first commit, on day 0 and tagged
/// `v1.0`, holds `f0.c` … `f{n-1}.c` of [`lines`]`(20)`: the files
/// [`crash_fix_on_day`] fixes.
pub fn fix_files_at_v1_0(dir: &Path, n: usize) {
    init(dir, "T", "t@example.com");
    for i in 0..n {
        std::fs::write(dir.join(format!("f{i}.c")), lines(20)).expect("write a file");
    }
    commit_on_day(dir, 0, "base");
    git_on_day(dir, 0, &["tag", "-a", "-m", "v1.0", "v1.0"]);
}

/// A new repository in `dir` whose first commit, on day 0, holds `f.c` of
/// [`lines`]`(n)`, tagged `v1.0` (lightweight) with the stable branch `1.0`
/// there; returns the file's text.
pub fn lines_file_at_v1_0(dir: &Path, n: usize) -> String {
    init(dir, "T", "t@example.com");
    let base = lines(n);
    std::fs::write(dir.join("f.c"), &base).expect("write f.c");
    commit_on_day(dir, 0, "base");
    git(dir, &["tag", "v1.0"]);
    git(dir, &["branch", "1.0"]);
    base
}

/// A one-line crash fix of `f{i}.c` (a file of [`lines`]`(20)`) committed on
/// `day`: the kind of commit a model learns stable branches take.
pub fn crash_fix_on_day(dir: &Path, day: i64, i: usize) -> Oid {
    std::fs::write(
        dir.join(format!("f{i}.c")),
        lines(20).replace("line 5\n", "five\n"),
    )
    .expect("write the fix");
    commit_on_day(dir, day, &format!("f{i}: fix a crash on a null pointer"))
}

/// A new file `new{i}.c` committed on `day` as a new feature: the kind of
/// commit stable branches leave.
pub fn feature_on_day(dir: &Path, day: i64, i: usize) -> Oid {
    std::fs::write(dir.join(format!("new{i}.c")), lines(5)).expect("write the feature");
    commit_on_day(dir, day, &format!("new{i}: add a new feature"))
}

/// Cherry-picks `commits` with `-x` onto the existing `branch`, one a day
/// from `day`, then checks `main` out again: a stable branch taking fixes.
pub fn cherry_picks_on_day(dir: &Path, branch: &str, day: i64, commits: &[String]) {
    git_on_day(dir, day, &["checkout", "-q", branch]);
    for (n, c) in commits.iter().enumerate() {
        git_on_day(dir, day + n as i64, &["cherry-pick", "-x", c]);
    }
    git_on_day(dir, day, &["checkout", "-q", "main"]);
}

/// Runs git in `dir`, which must succeed, with author and committer dates
/// `day` days after 2020-01-01; its output, trimmed.
pub fn git_on_day(dir: &Path, day: i64, args: &[&str]) -> String {
    let date = format!("@{} +0000", 1_577_836_800 + day * 86_400);
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs the program `bin` (a test's `env!("CARGO_BIN_EXE_…")`) with `args`
/// in `dir`, asserts it succeeded and returns its stdout.
pub fn run_ok(bin: &str, dir: &Path, args: &[&str]) -> String {
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run the program under test");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The records of a report or triage row (`analyze`/`triage --format
/// json[l]`) as (text, verified_by) pairs, in order.
pub fn record_pairs(row: &serde_json::Value) -> Vec<(String, String)> {
    row["records"]
        .as_array()
        .expect("a row with records")
        .iter()
        .map(|r| {
            (
                r["text"].as_str().expect("a record text").to_string(),
                r["verified_by"]
                    .as_str()
                    .expect("a record command")
                    .to_string(),
            )
        })
        .collect()
}

/// Runs `cmd` with `sh -c` in `dir` (a record's `verified_by`, say).
pub fn sh(dir: &Path, cmd: &str) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .current_dir(dir)
        .output()
        .expect("run sh")
}

/// `line 1\n` … `line n\n`.
pub fn lines(n: usize) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

/// `git show <rev> | git patch-id --stable` in `dir`: the patch-id, or ""
/// for a commit without a diff.
pub fn cli_patch_id(dir: &Path, rev: &str) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("git show {rev} | git patch-id --stable"))
        .current_dir(dir)
        .output()
        .expect("run git patch-id");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}

/// The repository in `dir` and a fresh index (no cache read or written)
/// with the stable branches `specs` (`1.0=v1.0`) and mainline `main`.
pub fn open_index(
    dir: &Path,
    specs: &[&str],
) -> (stablepick_repo::Git, stablepick_repo::RepoIndex) {
    let g = stablepick_repo::Git::open(dir).unwrap();
    let index = stablepick_repo::RepoIndex::open(
        &g,
        &stablepick_repo::IndexOptions {
            mainline: Some("main".into()),
            stable: specs.iter().map(|s| s.parse().unwrap()).collect(),
            no_cache: true,
            ..Default::default()
        },
    )
    .unwrap();
    (g, index)
}
