//! The window-share cut: a model whose branch took a quarter of its fixes
//! triages a range of nothing but fixes. One commit at a time each looks
//! like a YES; over the range, only twice the commits the model expects
//! the branch to take (the sum of the probabilities; fewer than the share it
//! said YES to in training allows) keep YES, each commit cut says why with
//! a Phase 9 record, a cached run prints the same, and a small range or
//! `--no-window-share` decides each commit on its own threshold.

use stablepick_testkit::{cherry_picks_on_day, crash_fix_on_day, feature_on_day, git_on_day};
use std::path::Path;

fn run(d: &Path, args: &[&str]) -> String {
    stablepick_testkit::run_ok(env!("CARGO_BIN_EXE_stablepick"), d, args)
}

fn fix(d: &Path, day: i64, i: usize) -> String {
    crash_fix_on_day(d, day, i).to_string()
}

/// Runs a record's command as a reader would, in the repository, with
/// this build as `stablepick` and the model file as `MODEL`.
fn run_record_command(d: &Path, command: &str, model: &str) -> String {
    let command = command
        .strip_prefix("stablepick ")
        .expect("a stablepick command")
        .replace("--model MODEL", &format!("--model '{model}'"));
    let full = format!("'{}' {command}", env!("CARGO_BIN_EXE_stablepick"));
    let out = stablepick_testkit::sh(d, &full);
    assert!(
        out.status.success(),
        "{full}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn rows(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn yes(rows: &[serde_json::Value]) -> Vec<String> {
    rows.iter()
        .filter(|r| r["branches"][0]["verdict"] == "YES")
        .map(|r| r["commit"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_range_of_lookalike_fixes_keeps_only_its_top() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::fix_files_at_v1_0(d, 200);
    // 1.0 takes every fourth of its window's fixes and none of its features.
    let mut taken = Vec::new();
    for i in 0..40 {
        let f = fix(d, 1 + i as i64, i);
        if i % 4 == 0 {
            taken.push(f);
        }
        feature_on_day(d, 1 + i as i64, i);
    }
    git_on_day(d, 100, &["branch", "1.0", "v1.0"]);
    cherry_picks_on_day(d, "1.0", 100, &taken);
    feature_on_day(d, 120, 99);
    git_on_day(d, 120, &["tag", "-a", "-m", "v2.0", "v2.0"]);
    git_on_day(d, 120, &["branch", "2.0", "v2.0"]);
    // The range: 120 fixes and nothing else.
    for i in 40..160 {
        fix(d, 121 + i as i64, i);
    }

    let models = tempfile::tempdir().unwrap();
    let model = models.path().join("model.json");
    let model = model.to_str().unwrap();
    run(
        d,
        &[
            "train", "--repo", ".", "--stable", "1.0=v1.0", "--out", model,
        ],
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap();
    let share = m["stats"]["oof_yes_share"].as_f64().unwrap();
    assert!(share > 0.0 && share < 0.8, "{share}");

    let triage = |extra: &[&str]| {
        let mut args = vec![
            "triage", "--repo", ".", "--stable", "2.0=v2.0", "--model", model, "--format", "jsonl",
        ];
        args.extend_from_slice(extra);
        run(d, &args)
    };
    let own_out = triage(&["--no-cache", "--no-window-share", "v2.0..main"]);
    let own = rows(&own_out);
    assert_eq!(own.len(), 120);
    let decided: Vec<f64> = own
        .iter()
        .map(|r| &r["branches"][0])
        .filter(|b| {
            b["decided_by"] == "model"
                && b["reason"]
                    .as_str()
                    .unwrap()
                    .starts_with("model: calibrated probability")
        })
        .map(|b| b["score"].as_f64().unwrap())
        .collect();
    assert_eq!(decided.len(), 120, "every fix is the model's to decide");
    let own_yes = yes(&own);
    assert!(
        own_yes.len() > stablepick_verdict::window_share::allowed(share, 120),
        "each fix on its own looks like a YES: {} of 120",
        own_yes.len()
    );

    let cut_out = triage(&["--no-cache", "v2.0..main"]);
    let cut = rows(&cut_out);
    let cut_yes = yes(&cut);
    let by_share = stablepick_verdict::window_share::allowed(share, 120);
    let by_hand = (1.2 * share * 120.0)
        .max(share * 120.0 + 2.0 * (120.0 * share * (1.0 - share)).sqrt())
        .ceil() as usize;
    assert_eq!(by_share, by_hand);
    // The fixes' probabilities add up to what the model expects the branch
    // to take; at most twice that keep YES, fewer here than the share allows.
    let expected_taken: f64 = decided.iter().sum();
    let by_expected = (2.0 * expected_taken).ceil() as usize;
    assert!(by_expected < by_share, "{by_expected} vs {by_share}");
    let keep = by_expected;
    let mut sorted = decided.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let threshold = sorted[keep - 1];
    let expected = decided.iter().filter(|&&s| s >= threshold).count();
    assert_eq!(cut_yes.len(), expected, "the top {keep} and their ties");
    assert!(cut_yes.len() < own_yes.len());
    for r in &cut {
        let sha = r["commit"].as_str().unwrap();
        let b = &r["branches"][0];
        let score = b["score"].as_f64().unwrap();
        let cut_records: Vec<_> = stablepick_testkit::record_pairs(r)
            .into_iter()
            .filter(|(text, _)| text.contains("window share"))
            .collect();
        if own_yes.iter().any(|y| y == sha) && !cut_yes.iter().any(|y| y == sha) {
            assert!(score < threshold, "{score} vs cut {threshold}");
            assert_eq!(r["verdict"], "NO");
            let reason = b["reason"].as_str().unwrap();
            assert!(
                reason.starts_with("model: calibrated probability")
                    && reason.contains(&format!("below this range's cut {threshold:.3}")),
                "{reason}"
            );
            assert_eq!(b["decided_by"], "window_share");
            assert_eq!(cut_records.len(), 1, "{cut_records:?}");
            let (text, command) = &cut_records[0];
            assert!(
                text.starts_with("[2.0] window share:")
                    && text.contains(&format!("only the top {keep} keep YES")),
                "{text}"
            );
            assert!(
                command.contains("v2.0..main")
                    && command.contains(&format!(".[{}]", keep - 1))
                    && command.contains(".decided_by == \"window_share\""),
                "{command}"
            );
            assert!(
                text.contains(&format!("add up to {expected_taken:.1}")),
                "{text}"
            );
            // The command prints the cut, and the sum that set it, from
            // the range's own rows.
            let printed = run_record_command(d, command, model);
            let printed: serde_json::Value = serde_json::from_str(&printed).expect(&printed);
            let (cut_at, sum) = (
                printed["cut"].as_f64().unwrap(),
                printed["expected"].as_f64().unwrap(),
            );
            assert!(
                (cut_at - threshold).abs() < 1e-12,
                "{cut_at} vs {threshold}"
            );
            assert!(
                (sum - expected_taken).abs() < 1e-9,
                "{sum} vs {expected_taken}"
            );
            let against = r["evidence_against"].as_array().unwrap();
            assert!(against.iter().any(|p| p["text"] == text.as_str()));
        } else {
            assert!(cut_records.is_empty(), "{sha}: {cut_records:?}");
            assert_eq!(b["decided_by"], "model");
            assert!(cut_yes.iter().any(|y| y == sha) == (score >= threshold));
        }
    }

    // Decided in memory (`--out` writes reports), every row is the printed
    // one, a cut row's reasons for and against included.
    let reports = tempfile::tempdir().unwrap();
    let in_memory = rows(&triage(&[
        "--no-cache",
        "--out",
        reports.path().to_str().unwrap(),
        "v2.0..main",
    ]));
    assert_eq!(yes(&in_memory), cut_yes);
    let mut argued = 0;
    for (m, printed) in in_memory.iter().zip(&cut) {
        let window_points = |r: &serde_json::Value| -> Vec<serde_json::Value> {
            r["evidence_against"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["text"].as_str().unwrap().contains("window share:"))
                .cloned()
                .collect()
        };
        assert_eq!(m, printed, "{}", m["commit"]);
        argued += usize::from(!window_points(m).is_empty());
    }
    assert_eq!(argued, own_yes.len() - cut_yes.len());

    // The table lists the commits held back in a group of their own.
    let table = run(
        d,
        &[
            "triage",
            "--repo",
            ".",
            "--stable",
            "2.0=v2.0",
            "--model",
            model,
            "--format",
            "table",
            "v2.0..main",
        ],
    );
    let held = own_yes.len() - cut_yes.len();
    assert!(
        table.contains(&format!("window share says NO ({held})")),
        "{table}"
    );

    // The cache keeps each commit's own decision; the range's cut is the same.
    assert_eq!(triage(&["v2.0..main"]), cut_out);
    assert_eq!(triage(&["--no-window-share", "v2.0..main"]), own_out);
    // One commit is too small a range to cut.
    let one = &own_yes[0];
    let single = rows(&triage(&[&format!("{one}^..{one}")]));
    assert_eq!(single[0]["branches"][0]["verdict"], "YES");
}
