//! `analyze --model` decides one commit as `triage --model` decides it in a
//! range: the same probability and verdict per branch, and the same nearest
//! past decisions, each with a command that checks it.

use stablepick_testkit::{commit, git, lines, record_pairs};
use std::path::Path;
use std::process::{Command, Output};

fn stablepick(d: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args(args)
        .current_dir(d)
        .output()
        .unwrap()
}

fn run(d: &Path, args: &[&str]) -> String {
    stablepick_testkit::run_ok(env!("CARGO_BIN_EXE_stablepick"), d, args)
}

/// (verdict, score, reason) per branch of a report or triage row.
fn branches(j: &serde_json::Value) -> Vec<(String, String, f64, String)> {
    j["branches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["branch"].as_str().unwrap().to_string(),
                b["verdict"].as_str().unwrap().to_string(),
                b["score"].as_f64().unwrap(),
                b["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn analyze_with_a_model_decides_as_triage_does() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    for i in 0..6 {
        std::fs::write(d.join(format!("f{i}.c")), lines(20)).unwrap();
    }
    commit(d, "base");
    git(d, &["tag", "-a", "-m", "v1.0", "v1.0"]);
    // Crash fixes the branch took, features it did not.
    let mut fixes = Vec::new();
    for i in 0..6 {
        std::fs::write(
            d.join(format!("f{i}.c")),
            lines(20).replace("line 5\n", "five\n"),
        )
        .unwrap();
        fixes.push(commit(d, &format!("f{i}: fix a crash on a null pointer")));
        std::fs::write(d.join(format!("new{i}.c")), lines(5)).unwrap();
        commit(d, &format!("new{i}: add a new feature"));
    }
    git(d, &["checkout", "-q", "-b", "1.0", "v1.0"]);
    for f in &fixes {
        git(d, &["cherry-pick", "-x", &f.to_string()]);
    }
    git(d, &["checkout", "-q", "main"]);
    // Outside the work tree: the test's commits take every file in it.
    let models = tempfile::tempdir().unwrap();
    let model = models.path().join("m.json");
    let m = model.to_str().unwrap();
    run(
        d,
        &[
            "train",
            "--repo",
            ".",
            "--stable",
            "1.0=v1.0",
            "--min-age-days",
            "0",
            "--out",
            m,
        ],
    );
    std::fs::write(d.join("f0.c"), lines(20).replace("line 9\n", "nine\n")).unwrap();
    let fix = commit(d, "f0: fix a crash on a null pointer in the reader");
    let fix = fix.to_string();

    let report: serde_json::Value = serde_json::from_str(&run(
        d,
        &[
            "analyze", "--repo", ".", "--stable", "1.0=v1.0", "--model", m, "--format", "json",
            &fix,
        ],
    ))
    .unwrap();
    let row: serde_json::Value = serde_json::from_str(
        run(
            d,
            &[
                "triage",
                "--repo",
                ".",
                "--stable",
                "1.0=v1.0",
                "--model",
                m,
                "--no-cache",
                "--format",
                "jsonl",
                &fix,
            ],
        )
        .trim(),
    )
    .unwrap();
    let decided = branches(&report);
    assert_eq!(decided, branches(&row));
    assert_eq!(report["verdict"], row["verdict"]);
    let (_, verdict, score, reason) = &decided[0];
    assert!(
        reason.starts_with("model: calibrated probability"),
        "{reason}"
    );
    assert_eq!(verdict, "YES", "a crash fix like every one taken: {score}");

    // The model's record names the model file: its command, run as given,
    // decides the commit the same way.
    let (text, cmd) = record_pairs(&report)
        .into_iter()
        .find(|(t, _)| t.contains(" — model: "))
        .expect("the model's record");
    assert!(cmd.contains(m), "{cmd}");
    let bin = env!("CARGO_BIN_EXE_stablepick");
    let out = stablepick_testkit::sh(d, &cmd.replacen("stablepick ", &format!("{bin} "), 1));
    assert!(out.status.success(), "{text}: {cmd}");
    let again: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(again["verdict"], report["verdict"], "{cmd}");

    // The nearest past decisions, as triage shows them, and each checks out.
    let near: Vec<(String, String)> = record_pairs(&report)
        .into_iter()
        .filter(|(t, _)| t.starts_with("similar ("))
        .collect();
    let row_near: Vec<(String, String)> = record_pairs(&row)
        .into_iter()
        .filter(|(t, _)| t.starts_with("similar ("))
        .collect();
    assert_eq!(near, row_near);
    assert!(!near.is_empty());
    assert!(near.len() <= 5, "{near:?}");
    for (text, cmd) in &near {
        let out = stablepick_testkit::sh(d, cmd);
        assert!(out.status.success(), "{text}: {cmd}");
    }
    let md = run(
        d,
        &[
            "analyze",
            "--repo",
            ".",
            "--stable",
            "1.0=v1.0",
            "--model",
            m,
            "--neighbours",
            "2",
            &fix,
        ],
    );
    assert!(md.contains("nearest past decisions: "), "{md}");
    assert_eq!(md.matches("Record: similar (").count(), 2, "{md}");

    // Without a model: the rules alone, which find nothing to say YES for.
    let rules: serde_json::Value = serde_json::from_str(&run(
        d,
        &[
            "analyze", "--repo", ".", "--stable", "1.0=v1.0", "--format", "json", &fix,
        ],
    ))
    .unwrap();
    assert!(!branches(&rules)[0].3.starts_with("model:"));

    let out = stablepick(
        d,
        &["analyze", "--repo", ".", "--model", "missing.json", &fix],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("reading model missing.json"), "{err}");
}
