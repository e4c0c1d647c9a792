//! `stablepick applies` on a repository built here: each answer agrees with
//! its own `verified_by` command run with git, and a commit the branch has
//! is not checked.

use stablepick_testkit::{commit, git, lines};
use std::process::Command;

#[test]
fn applies_agrees_with_its_git_commands() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    let base = lines(80);
    std::fs::write(d.join("f.c"), &base).unwrap();
    std::fs::write(d.join("g.c"), &base).unwrap();
    commit(d, "base");
    git(d, &["tag", "v1.0"]);
    git(d, &["checkout", "-q", "-b", "1.0"]);
    std::fs::write(d.join("g.c"), base.replace("line 50\n", "stable only\n")).unwrap();
    commit(d, "g: a change of the branch's own");
    git(d, &["checkout", "-q", "main"]);
    std::fs::write(d.join("f.c"), base.replace("line 10\n", "ten\n")).unwrap();
    let clean = commit(d, "f: change line 10");
    std::fs::write(d.join("g.c"), base.replace("line 50\n", "fifty\n")).unwrap();
    let conflict = commit(d, "g: change line 50");
    let f = std::fs::read_to_string(d.join("f.c")).unwrap();
    std::fs::write(d.join("f.c"), f.replace("line 70\n", "seventy\n")).unwrap();
    let taken = commit(d, "f: change line 70");
    git(d, &["checkout", "-q", "1.0"]);
    git(d, &["cherry-pick", "-x", &taken.to_string()]);
    git(d, &["checkout", "-q", "main"]);

    let out = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args([
            "applies",
            "--repo",
            d.to_str().unwrap(),
            "--stable",
            "1.0=v1.0",
        ])
        .arg(format!("v1.0..{taken}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    let branch = |c: git2::Oid| -> serde_json::Value {
        rows.iter()
            .find(|r| r["commit"] == c.to_string().as_str())
            .unwrap()["branches"][0]
            .clone()
    };
    assert_eq!(branch(clean)["applies"], "clean");
    assert_eq!(branch(conflict)["applies"], "conflict");
    assert_eq!(branch(conflict)["conflicts"][0], "g.c");
    assert_eq!(branch(taken)["applies"], serde_json::Value::Null);
    assert!(branch(taken)["backported_as"].is_string());
    for (c, applies) in [(clean, true), (conflict, false)] {
        let cmd = branch(c)["verified_by"].as_str().unwrap().to_string();
        let ok = stablepick_testkit::sh(d, &cmd).status.success();
        assert_eq!(ok, applies, "{cmd}");
    }

    // One revision is that commit alone, not the history behind it.
    let one = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args([
            "applies",
            "--repo",
            d.to_str().unwrap(),
            "--stable",
            "1.0=v1.0",
        ])
        .arg(conflict.to_string())
        .output()
        .unwrap();
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let one = String::from_utf8(one.stdout).unwrap();
    let rows: Vec<serde_json::Value> = one
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{one}");
    assert_eq!(rows[0]["commit"], conflict.to_string().as_str());
    assert_eq!(rows[0]["branches"][0]["applies"], "conflict");
}
