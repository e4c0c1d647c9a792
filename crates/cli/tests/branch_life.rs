//! Branches that stop taking commits: a model trained on a branch that
//! ended two weeks after its base, and one still maintained, lowers the
//! probability of a commit landing later than that after the target's
//! base, and says so in Phase 9 with a command that runs.

use stablepick_testkit::{
    cherry_picks_on_day, crash_fix_on_day, feature_on_day, git_on_day, record_pairs, sh,
};
use std::path::Path;

fn run(d: &Path, args: &[&str]) -> String {
    stablepick_testkit::run_ok(env!("CARGO_BIN_EXE_stablepick"), d, args)
}

/// A crash fix in its own file `f{i}.c` on `day`.
fn fix(d: &Path, day: i64, i: usize) -> String {
    crash_fix_on_day(d, day, i).to_string()
}

/// Takes `fixes` onto a new `branch` at `base`, one a day from `day`.
fn branch_takes(d: &Path, branch: &str, base: &str, day: i64, fixes: &[String]) {
    git_on_day(d, day, &["branch", branch, base]);
    cherry_picks_on_day(d, branch, day, fixes);
}

#[test]
fn a_branch_that_ended_lowers_late_commits() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::fix_files_at_v1_0(d, 40);
    // 1.0 takes the fixes of its first days, then ends (span 14 days).
    let mut first = Vec::new();
    for i in 0..5 {
        first.push(fix(d, 1 + i as i64, i));
        feature_on_day(d, 1 + i as i64, i);
    }
    branch_takes(d, "1.0", "v1.0", 10, &first);
    git_on_day(d, 20, &["tag", "-a", "-m", "v2.0", "v2.0"]);
    // 2.0 takes fixes early and, much later, again: maintained throughout.
    let (mut early, mut late) = (Vec::new(), Vec::new());
    for i in 5..10 {
        early.push(fix(d, 16 + i as i64, i));
        feature_on_day(d, 16 + i as i64, i);
    }
    for i in 10..15 {
        late.push(fix(d, 190 + i as i64, i));
        feature_on_day(d, 190 + i as i64, i);
    }
    branch_takes(d, "2.0", "v2.0", 31, &early);
    cherry_picks_on_day(d, "2.0", 300, &late);
    // The target: based on v3.0, a fix 5 days after and one 60 days after.
    feature_on_day(d, 400, 30);
    git_on_day(d, 400, &["tag", "-a", "-m", "v3.0", "v3.0"]);
    git_on_day(d, 400, &["branch", "3.0", "v3.0"]);
    let soon = fix(d, 405, 20);
    let late_fix = fix(d, 460, 21);

    let models = tempfile::tempdir().unwrap();
    let model = models.path().join("model.json");
    let model = model.to_str().unwrap();
    run(
        d,
        &[
            "train", "--repo", ".", "--stable", "1.0=v1.0", "--stable", "2.0=v2.0", "--out", model,
        ],
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap();
    let lives = m["branch_lives"].as_array().unwrap();
    let life = |b: &str| lives.iter().find(|l| l["branch"] == b).unwrap().clone();
    assert_eq!(life("1.0")["ended"], true, "{lives:?}");
    assert_eq!(life("1.0")["span_days"], 14, "{lives:?}");
    assert_eq!(life("2.0")["ended"], false, "{lives:?}");

    let out = run(
        d,
        &[
            "triage",
            "--repo",
            ".",
            "--stable",
            "3.0=v3.0",
            "--model",
            model,
            "--format",
            "jsonl",
            "--no-cache",
            "v3.0..main",
        ],
    );
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let row = |sha: &str| rows.iter().find(|r| r["commit"] == sha).unwrap();
    let life_records = |sha: &str| -> Vec<(String, String)> {
        record_pairs(row(sha))
            .into_iter()
            .filter(|(text, _)| text.contains("branch life"))
            .collect()
    };
    assert!(life_records(&soon).is_empty(), "5 days after the base");
    let late_records = life_records(&late_fix);
    assert_eq!(late_records.len(), 1, "{late_records:?}");
    let (text, command) = &late_records[0];
    assert!(text.starts_with("[3.0] branch life: the commit landed 60 days after"));
    assert!(
        text.contains("1.0 took its last commit 14 days after v1.0"),
        "{text}"
    );
    assert!(text.contains("still maintained that late 0.50"), "{text}");
    // The score is the model's own probability times the chance.
    let shown: f64 = text.rsplit("= ").next().unwrap().parse().unwrap();
    let score = row(&late_fix)["branches"][0]["score"].as_f64().unwrap();
    assert!((shown - score).abs() < 1e-3, "{shown} vs {score}");
    let own: f64 = text
        .split("uses ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!((own * 0.5 - score).abs() < 1e-3, "{own} × 0.5 vs {score}");
    let ran = sh(d, command);
    assert!(ran.status.success(), "{command}");
    assert!(String::from_utf8_lossy(&ran.stdout).contains("1.0 20"));
}
