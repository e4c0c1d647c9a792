//! `triage` without `--model` in a project that never writes `Cc: stable`:
//! the rules decide from tags, so stderr says how to train a model on the
//! project's own backports. A project that nominates gets no such hint.

use stablepick_testkit::{commit, git, lines};
use std::path::Path;
use std::process::Command;

/// `v1.0`, its branch `1.0`, then three fixes, `nominated` of them with
/// `Cc: stable@example.org`. Triage's stderr.
fn triage_stderr(d: &Path, nominated: usize) -> String {
    stablepick_testkit::init(d, "T", "t@example.com");
    std::fs::write(d.join("f.c"), lines(20)).unwrap();
    commit(d, "base");
    git(d, &["tag", "-a", "-m", "v1.0", "v1.0"]);
    git(d, &["branch", "1.0"]);
    for i in 0..3 {
        std::fs::write(
            d.join("f.c"),
            lines(20).replace("line 5\n", &format!("{i}\n")),
        )
        .unwrap();
        let cc = if i < nominated {
            "\n\nCc: stable@example.org"
        } else {
            ""
        };
        commit(d, &format!("f: fix crash {i}{cc}"));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .current_dir(d)
        .args([
            "triage",
            "--repo",
            ".",
            "--stable",
            "1.0=v1.0",
            "v1.0..main",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_project_without_nominations_is_told_to_train_a_model() {
    let t = tempfile::tempdir().unwrap();
    let err = triage_stderr(t.path(), 0);
    assert!(
        err.contains("this project does not nominate with Cc: stable (0 of 4 mainline commits)"),
        "{err}"
    );
    assert!(
        err.contains("stablepick train --repo . --stable 1.0=v1.0 --out MODEL"),
        "{err}"
    );
}

#[test]
fn a_project_that_nominates_gets_no_hint() {
    let t = tempfile::tempdir().unwrap();
    let err = triage_stderr(t.path(), 1);
    assert!(!err.contains("does not nominate"), "{err}");
}
