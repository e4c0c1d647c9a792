//! Bad input gets a clear error naming the problem, never a panic.

use std::path::Path;
use std::process::{Command, Output};

fn stablepick(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args(args)
        .output()
        .expect("run stablepick")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A three-commit repository with a release tag and a stable branch.
fn small_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "master"]);
    for (i, name) in ["a.c", "b.c", "c.c"].iter().enumerate() {
        std::fs::write(
            dir.join(name),
            format!("int f{i}(void)\n{{\n\treturn {i};\n}}\n"),
        )
        .unwrap();
        git(dir, &["add", name]);
        git(dir, &["commit", "-q", "-m", &format!("core: add {name}")]);
        if i == 0 {
            git(dir, &["tag", "v1.0"]);
        }
    }
    git(dir, &["branch", "linux-1.0.y", "v1.0"]);
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_clean_failure(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "exit code; stderr: {err}");
    assert!(err.contains(needle), "stderr should name `{needle}`: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
}

#[test]
fn not_a_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let o = stablepick(&["analyze", "--repo", tmp.path().to_str().unwrap(), "HEAD"]);
    assert_clean_failure(&o, "not a git repository");
}

#[test]
fn unknown_revision() {
    let tmp = tempfile::tempdir().unwrap();
    small_repo(tmp.path());
    let o = stablepick(&[
        "analyze",
        "--repo",
        tmp.path().to_str().unwrap(),
        "no-such-rev",
    ]);
    assert_clean_failure(&o, "unknown revision `no-such-rev`");
}

#[test]
fn unknown_branch_and_missing_base_tag() {
    let tmp = tempfile::tempdir().unwrap();
    small_repo(tmp.path());
    let repo = tmp.path().to_str().unwrap();
    let o = stablepick(&["analyze", "--repo", repo, "--stable", "linux-9.9.y", "HEAD"]);
    assert_clean_failure(&o, "unknown branch `linux-9.9.y`");
    assert!(!String::from_utf8_lossy(&o.stderr).contains("a tag has it"));
    // A line kept only as a tag (git.git's old maintenance releases): the
    // error says how to name it, and that name works.
    git(tmp.path(), &["tag", "v1.0.1", "linux-1.0.y"]);
    let o = stablepick(&["analyze", "--repo", repo, "--stable", "v1.0.1=v1.0", "HEAD"]);
    assert_clean_failure(
        &o,
        "a tag has it: give the line up to the tag as refs/tags/v1.0.1",
    );
    let o = stablepick(&[
        "analyze",
        "--repo",
        repo,
        "--stable",
        "refs/tags/v1.0.1=v1.0",
        "HEAD",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = stablepick(&[
        "analyze",
        "--repo",
        repo,
        "--stable",
        "linux-1.0.y=v0.9",
        "HEAD",
    ]);
    assert_clean_failure(&o, "base tag `v0.9`");
    git(tmp.path(), &["branch", "odd-branch", "v1.0"]);
    let o = stablepick(&["analyze", "--repo", repo, "--stable", "odd-branch", "HEAD"]);
    assert_clean_failure(&o, "--stable odd-branch=TAG");
    let o = stablepick(&["analyze", "--repo", repo, "--stable", "=v1.0", "HEAD"]);
    assert_clean_failure(&o, "bad --stable value");
}

#[test]
fn shallow_clone() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir(&src).unwrap();
    small_repo(&src);
    let url = format!("file://{}", src.display());
    let shallow = tmp.path().join("shallow");
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow.to_str().unwrap(),
        ],
    );
    let o = stablepick(&["analyze", "--repo", shallow.to_str().unwrap(), "HEAD"]);
    assert_clean_failure(&o, "shallow clone");
}

#[test]
fn missing_mail_store() {
    let tmp = tempfile::tempdir().unwrap();
    small_repo(tmp.path());
    let db = tmp.path().join("nope.db");
    let o = stablepick(&[
        "analyze",
        "--repo",
        tmp.path().to_str().unwrap(),
        "--mail",
        db.to_str().unwrap(),
        "HEAD",
    ]);
    assert_clean_failure(&o, "does not exist");
    assert!(!db.exists(), "a missing store must not be created");
}

#[test]
fn works_without_tags_or_branches_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q", "-b", "master"]);
    std::fs::write(tmp.path().join("x.bin"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    git(tmp.path(), &["add", "x.bin"]);
    // A message that is not UTF-8 (Latin-1 é).
    let msg = tmp.path().join("msg");
    std::fs::write(
        &msg,
        b"misc: caf\xe9 binary\n\nSigned-off-by: T <t@example.org>\n",
    )
    .unwrap();
    git(
        tmp.path(),
        &[
            "-c",
            "i18n.commitEncoding=ISO-8859-1",
            "commit",
            "-q",
            "-F",
            msg.to_str().unwrap(),
        ],
    );
    let o = stablepick(&[
        "analyze",
        "--repo",
        tmp.path().to_str().unwrap(),
        "HEAD",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["first_release"], serde_json::Value::Null);
    assert_eq!(j["verdict"], serde_json::Value::Null);
    let texts: Vec<&str> = j["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("not valid UTF-8")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("`x.bin` (binary)")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("no stable branches")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("no release tags")),
        "{texts:?}"
    );
    for r in j["records"].as_array().unwrap() {
        assert!(!r["verified_by"].as_str().unwrap().is_empty(), "{r}");
    }
    // Checking whether commits apply needs a branch to apply them to.
    let o = stablepick(&["applies", "--repo", tmp.path().to_str().unwrap(), "HEAD"]);
    assert_clean_failure(&o, "no stable branch to check against");
}

/// Removes a loose object from the repository's object store, as a partial
/// or damaged clone lacks it.
fn drop_object(dir: &Path, rev: &str) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", rev])
        .output()
        .expect("run git");
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let path = dir.join(".git/objects").join(&id[..2]).join(&id[2..]);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn a_missing_blob_is_reported_and_the_rest_analysed() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    small_repo(d);
    std::fs::write(d.join("b.c"), "int f1(void)\n{\n\treturn 42;\n}\n").unwrap();
    git(d, &["commit", "-q", "-am", "core: change b.c"]);
    drop_object(d, "HEAD:b.c");
    let repo = d.to_str().unwrap();
    let o = stablepick(&[
        "analyze",
        "--repo",
        repo,
        "--stable",
        "linux-1.0.y=v1.0",
        "HEAD",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        out.contains(
            "the text of 1 file(s) is missing from the object store and was not read: `b.c`"
        ),
        "{out}"
    );
    let o = stablepick(&[
        "triage",
        "--repo",
        repo,
        "--stable",
        "linux-1.0.y=v1.0",
        "--format",
        "jsonl",
        "v1.0..HEAD",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 3);
}

#[test]
fn a_commit_that_cannot_be_read_is_named_and_the_rest_triaged() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    small_repo(d);
    std::fs::write(d.join("d.c"), "int f3(void)\n{\n\treturn 3;\n}\n").unwrap();
    git(d, &["add", "d.c"]);
    git(d, &["commit", "-q", "-m", "core: add d.c"]);
    // The tree of `core: add d.c` is gone: that commit's diff cannot be read
    // (no other commit needs that tree).
    drop_object(d, "HEAD^{tree}");
    let bad = {
        let o = Command::new("git")
            .args(["-C", d.to_str().unwrap(), "rev-parse", "HEAD"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let o = stablepick(&[
        "triage",
        "--repo",
        d.to_str().unwrap(),
        "--stable",
        "linux-1.0.y=v1.0",
        "--format",
        "jsonl",
        "v1.0..HEAD",
    ]);
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !o.status.success(),
        "a missing row must show in the exit status"
    );
    assert!(err.contains(&format!("{bad} not triaged")), "{err}");
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The other two commits of the window have their rows.
    assert_eq!(rows.len(), 2, "{err}");
    assert!(err.contains("1 could not be analysed"), "{err}");
    assert!(rows.iter().all(|r| r["commit"] != bad.as_str()));
}

#[test]
fn both_sides_of_a_change_missing_leave_only_the_apply_question_open() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    small_repo(d);
    for n in [7, 8] {
        std::fs::write(
            d.join("a.c"),
            format!("int f0(void)\n{{\n\treturn {n};\n}}\n"),
        )
        .unwrap();
        git(d, &["commit", "-q", "-am", &format!("core: return {n}")]);
    }
    drop_object(d, "HEAD~1:a.c");
    drop_object(d, "HEAD:a.c");
    let repo = d.to_str().unwrap();
    let o = stablepick(&[
        "analyze",
        "--repo",
        repo,
        "--stable",
        "linux-1.0.y=v1.0",
        "HEAD",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        j["branches"][0]["applies"].is_null(),
        "{}",
        j["branches"][0]
    );
    let unknown: Vec<&serde_json::Value> = j["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["text"]
                .as_str()
                .unwrap()
                .contains("whether the patch applies to the branch tip (linux-1.0.y) is unknown")
        })
        .collect();
    assert_eq!(unknown.len(), 1, "{}", j["records"]);
    // The record's command finds the missing objects.
    let cmd = unknown[0]["verified_by"].as_str().unwrap();
    let out = stablepick_testkit::sh(d, cmd);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("missing"),
        "{cmd}"
    );
    let o = stablepick(&[
        "triage",
        "--repo",
        repo,
        "--stable",
        "linux-1.0.y=v1.0",
        "--format",
        "jsonl",
        "v1.0..HEAD",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 4);
}

#[test]
fn a_merge_commit_is_refused_with_the_commits_it_brings_in() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    small_repo(dir);
    git(dir, &["checkout", "-q", "-b", "topic", "v1.0"]);
    std::fs::write(dir.join("d.c"), "int d;\n").unwrap();
    git(dir, &["add", "d.c"]);
    git(dir, &["commit", "-q", "-m", "core: add d.c"]);
    git(dir, &["checkout", "-q", "master"]);
    git(
        dir,
        &["merge", "-q", "--no-ff", "-m", "Merge topic", "topic"],
    );
    let analyze = |rev: &str| {
        stablepick(&[
            "analyze",
            "--repo",
            dir.to_str().unwrap(),
            "--stable",
            "linux-1.0.y=v1.0",
            rev,
        ])
    };
    let o = analyze("HEAD");
    assert_clean_failure(&o, "HEAD is a merge commit (2 parents)");
    assert!(stderr(&o).contains("git log --no-merges HEAD^1..HEAD"));
    // The commit it brings in is analysed as usual.
    let o = analyze("HEAD^2");
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn training_on_branches_with_no_decision_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    small_repo(tmp.path());
    // A branch cut at mainline's tip: no mainline commit after its base.
    git(tmp.path(), &["tag", "v2.0"]);
    git(tmp.path(), &["branch", "linux-2.0.y", "v2.0"]);
    let out = tmp.path().join("model.json");
    let o = stablepick(&[
        "train",
        "--repo",
        tmp.path().to_str().unwrap(),
        "--stable",
        "linux-2.0.y=v2.0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_clean_failure(&o, "no training decisions in linux-2.0.y=v2.0");
    assert!(!out.exists(), "no model written");
}
