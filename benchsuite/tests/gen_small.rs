//! The generator against the git CLI: a 3,000-commit repository must pass
//! `git fsck`, have the right mainline length, its tags and stable
//! branches, `Fixes:` lines that name the quoted commit, and backport lines
//! that name mainline commits.

use std::path::Path;
use std::process::Command;

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn small_repository_is_sound() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("k");
    let st = Command::new(env!("CARGO_BIN_EXE_gen-kernel"))
        .args(["--commits", "3000", "--seed", "7", "--quiet", "--out"])
        .arg(&repo)
        .status()
        .unwrap();
    assert!(st.success());

    git(&repo, &["fsck", "--no-progress"]);
    assert_eq!(
        git(&repo, &["rev-list", "--count", "master"]).trim(),
        "3000"
    );
    let merges = git(&repo, &["rev-list", "--merges", "--count", "master"]);
    assert!(merges.trim().parse::<u32>().unwrap() > 0, "no merges");

    let tags = git(&repo, &["tag", "-l"]);
    for t in [
        "v2.6.12",
        "v3.0-rc1",
        "v5.4",
        "v6.1-rc7",
        "v6.22",
        "v6.23-rc1",
        "v6.1.1",
    ] {
        assert!(tags.lines().any(|l| l == t), "tag {t} missing");
    }
    assert!(tags.lines().count() >= 897);

    let branches = git(&repo, &["branch", "--format=%(refname:short)"]);
    for b in ["5.4", "5.10", "5.15", "6.1", "6.6", "6.12"] {
        let name = format!("linux-{b}.y");
        assert!(branches.lines().any(|l| l == name), "branch {name} missing");
        let base = format!("v{b}");
        git(&repo, &["merge-base", "--is-ancestor", &base, &name]);
    }

    // A Fixes: sha resolves to a commit with the quoted subject.
    let fixes = git(
        &repo,
        &[
            "log",
            "--format=%B",
            "--grep=^Fixes: ",
            "-n",
            "20",
            "master",
        ],
    );
    let mut checked = 0;
    for line in fixes.lines().filter(|l| l.starts_with("Fixes: ")) {
        let rest = &line["Fixes: ".len()..];
        let (sha, quoted) = rest.split_once(' ').unwrap();
        let quoted = quoted
            .strip_prefix("(\"")
            .unwrap()
            .strip_suffix("\")")
            .unwrap();
        assert_eq!(sha.len(), 12);
        let subject = git(&repo, &["log", "-1", "--format=%s", sha]);
        assert_eq!(subject.trim(), quoted);
        checked += 1;
    }
    assert!(checked >= 5);

    // A backport line names a mainline commit older than the branch base.
    let body = git(
        &repo,
        &[
            "log",
            "--format=%B",
            "-n",
            "5",
            "--grep=upstream",
            "v6.1..linux-6.1.y",
        ],
    );
    let up = body
        .lines()
        .find_map(|l| {
            l.strip_prefix("commit ")
                .and_then(|r| r.strip_suffix(" upstream."))
                .or_else(|| {
                    l.strip_prefix("[ Upstream commit ")
                        .and_then(|r| r.strip_suffix(" ]"))
                })
        })
        .expect("a backport line");
    assert_eq!(up.len(), 40);
    git(&repo, &["merge-base", "--is-ancestor", up, "master"]);
    let on_base = Command::new("git")
        .arg("-C")
        .arg(&repo)
        .args(["merge-base", "--is-ancestor", up, "v6.1"])
        .status()
        .unwrap();
    assert!(!on_base.success(), "backported commit already in the base");
}
