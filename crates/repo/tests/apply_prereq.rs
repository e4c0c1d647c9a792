//! Prerequisites: a fix to code added after the branch's base needs the
//! commit that added it; a `Cc: stable # …: <sha>` note adds its commit.

use stablepick_repo::apply::{Applies, check_commit};
use stablepick_repo::prereq::prerequisites;
use stablepick_repo::{Git, IndexOptions, Oid, RepoIndex};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn commit(dir: &Path, msg: &str) -> Oid {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", msg]);
    Oid::from_str(&git(dir, &["rev-parse", "HEAD"])).unwrap()
}

#[test]
fn fix_needs_the_feature_it_fixes() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["config", "user.name", "T"]);
    git(d, &["config", "user.email", "t@example.com"]);
    let base: String = (1..=40).map(|i| format!("line {i}\n")).collect();
    std::fs::write(d.join("f.c"), &base).unwrap();
    std::fs::write(d.join("g.c"), &base).unwrap();
    commit(d, "base");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
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

    let g = Git::open(d).unwrap();
    let index = RepoIndex::open(
        &g,
        &IndexOptions {
            stable: vec!["1.0=v1.0".parse().unwrap()],
            no_cache: true,
            ..Default::default()
        },
    )
    .unwrap();
    let branch = index.branch("1.0").unwrap();
    let report = check_commit(&g, fix, branch.branch.tip()).unwrap();
    assert_eq!(report.applies, Applies::Conflict);
    let pre = prerequisites(&g, &index, fix, branch, &report).unwrap();
    // The feature (blamed) and the noted commit, oldest first.
    assert_eq!(pre, vec![feature, other]);
}
