//! `triage --model` scores a commit together with its series (the other
//! commits its author committed with it): a Phase 9 record names the mean
//! and the weight, and its command lists those commits with git. A model
//! whose series weight is 1 scores each commit alone.

use stablepick_testkit::{commit, git, lines, record_pairs};
use std::path::Path;

fn run(d: &Path, args: &[&str]) -> String {
    stablepick_testkit::run_ok(env!("CARGO_BIN_EXE_stablepick"), d, args)
}

fn series_records(rows: &str) -> Vec<(String, String)> {
    rows.lines()
        .flat_map(|l| record_pairs(&serde_json::from_str(l).unwrap()))
        .filter(|(text, _)| text.starts_with("[1.0] series: "))
        .collect()
}

/// A repository of `files` files, each fixed once after `v1.0`, with branch
/// `1.0` taking every other fix, and a model trained on it in `m.json`.
fn trained_repo(d: &Path, files: usize) -> std::path::PathBuf {
    stablepick_testkit::init(d, "T", "t@example.com");
    for i in 0..files {
        std::fs::write(d.join(format!("f{i}.c")), lines(20)).unwrap();
    }
    commit(d, "base");
    git(d, &["tag", "-a", "-m", "v1.0", "v1.0"]);
    let mut fixes = Vec::new();
    for i in 0..files {
        std::fs::write(
            d.join(format!("f{i}.c")),
            lines(20).replace("line 5\n", "five\n"),
        )
        .unwrap();
        fixes.push(commit(d, &format!("f{i}: fix a crash on a null pointer")));
    }
    git(d, &["checkout", "-q", "-b", "1.0", "v1.0"]);
    for f in fixes.iter().step_by(2) {
        git(d, &["cherry-pick", "-x", &f.to_string()]);
    }
    git(d, &["checkout", "-q", "main"]);
    let model = d.join("m.json");
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
            model.to_str().unwrap(),
        ],
    );
    model
}

/// `triage --format jsonl` of `range` on branch 1.0 with `model`, uncached.
fn triage_jsonl(d: &Path, model: &str, range: &str) -> String {
    run(
        d,
        &[
            "triage",
            "--repo",
            ".",
            "--stable",
            "1.0=v1.0",
            "--model",
            model,
            "--no-cache",
            "--format",
            "jsonl",
            range,
        ],
    )
}

/// Sets the model's series and pull-request weights.
fn set_weights(model: &Path, series: f64, pull: f64) {
    let mut j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap();
    j["series_weight"] = serde_json::json!(series);
    j["pull_weight"] = serde_json::json!(pull);
    std::fs::write(model, j.to_string()).unwrap();
}

#[test]
fn a_commit_is_scored_with_its_series() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let model = trained_repo(d, 8);
    let m = model.to_str().unwrap();
    let set_weight = |w: f64| set_weights(&model, w, 1.0);
    // Two more commits of the same series (the base, the eight fixes and
    // these: one author, all within the hour), after the branch's decisions.
    for i in 0..2 {
        std::fs::write(
            d.join(format!("f{i}.c")),
            lines(20).replace("line 9\n", "nine\n"),
        )
        .unwrap();
        commit(d, &format!("f{i}: fix a leak"));
    }
    let triage = || triage_jsonl(d, m, "HEAD~2..HEAD");

    set_weight(0.5);
    let records = series_records(&triage());
    assert_eq!(
        records.len(),
        2,
        "one series record per commit: {records:?}"
    );
    for (text, cmd) in &records {
        assert!(text.contains("10 other commit(s)"), "{text}");
        assert!(text.contains("0.50 × own"), "{text}");
        let out = stablepick_testkit::sh(d, cmd);
        assert!(out.status.success(), "{cmd}");
        let listed = String::from_utf8_lossy(&out.stdout);
        assert_eq!(listed.lines().count(), 11, "{listed}");
        assert!(
            listed.lines().all(|l| l.contains("t@example.com")),
            "{listed}"
        );
    }

    set_weight(1.0);
    assert!(
        series_records(&triage()).is_empty(),
        "weight 1: each commit alone"
    );
}

fn pull_records(rows: &str) -> Vec<(String, String)> {
    rows.lines()
        .flat_map(|l| record_pairs(&serde_json::from_str(l).unwrap()))
        .filter(|(text, _)| text.starts_with("[1.0] pull request: "))
        .collect()
}

#[test]
fn a_commit_is_scored_with_its_pull_request() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let model = trained_repo(d, 6);
    let m = model.to_str().unwrap();
    let set_weights = |series: f64, pull: f64| set_weights(&model, series, pull);
    // A pull request of three commits by three authors (no series), merged
    // with --no-ff; and one commit made on main itself.
    git(d, &["checkout", "-q", "-b", "pr"]);
    for (i, who) in ["Ann", "Bob", "Cy"].iter().enumerate() {
        std::fs::write(
            d.join(format!("f{i}.c")),
            lines(20).replace("line 9\n", "nine\n"),
        )
        .unwrap();
        git(
            d,
            &[
                "-c",
                &format!("user.name={who}"),
                "-c",
                &format!("user.email={}@example.com", who.to_lowercase()),
                "commit",
                "-qam",
                &format!("f{i}: fix a leak"),
            ],
        );
    }
    git(d, &["checkout", "-q", "main"]);
    git(
        d,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge pull request #7",
            "pr",
        ],
    );
    let merge = git(d, &["rev-parse", "HEAD"]);
    std::fs::write(d.join("f5.c"), lines(20).replace("line 9\n", "nine\n")).unwrap();
    commit(d, "f5: fix a leak");
    let triage = || triage_jsonl(d, m, "v1.0..HEAD");

    set_weights(1.0, 0.5);
    let records = pull_records(&triage());
    assert_eq!(
        records.len(),
        3,
        "one record per commit of the pull request, none for the direct commit: {records:?}"
    );
    for (text, cmd) in &records {
        assert!(
            text.contains(&format!(
                "2 other commit(s) merged with this one by {}",
                &merge[..12]
            )),
            "{text}"
        );
        assert!(text.contains("0.50 × "), "{text}");
        // The command lists exactly the pull request's commits.
        let out = stablepick_testkit::sh(d, cmd);
        assert!(out.status.success(), "{cmd}");
        let listed = String::from_utf8_lossy(&out.stdout);
        assert_eq!(listed.lines().count(), 3, "{listed}");
        assert!(listed.lines().all(|l| l.contains("fix a leak")), "{listed}");
    }

    set_weights(1.0, 1.0);
    assert!(
        pull_records(&triage()).is_empty(),
        "weight 1: each commit without its pull request"
    );
}
