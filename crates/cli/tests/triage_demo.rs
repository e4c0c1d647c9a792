//! `stablepick triage` over the demo repository's 6.7 merge window: the
//! JSON contract per row, the grouped table, and the on-disk cache that makes
//! a re-run analyse only new commits.

use serde_json::Value;
use std::process::Command;

fn triage(repo: &std::path::Path, args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args(["triage", "--repo", repo.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn window_rows_table_and_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = stablepick_demo::build(&tmp.path().join("linux")).unwrap();
    let (jsonl, err) = triage(&demo.path, &["v6.6..master", "--format", "jsonl"]);
    assert!(err.contains("0 from the cache"), "{err}");
    let rows: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let git_count = Command::new("git")
        .args([
            "-C",
            demo.path.to_str().unwrap(),
            "rev-list",
            "--count",
            "--no-merges",
            "v6.6..master",
        ])
        .output()
        .unwrap();
    let n: usize = String::from_utf8_lossy(&git_count.stdout)
        .trim()
        .parse()
        .unwrap();
    assert_eq!(rows.len(), n, "one row per non-merge commit");
    let row = |name: &str| {
        let sha = demo.oid(name).to_string();
        rows.iter()
            .find(|r| r["commit"] == sha.as_str())
            .unwrap()
            .clone()
    };
    let kdump = row("kdump_fix");
    assert_eq!(kdump["verdict"], "YES");
    for b in kdump["branches"].as_array().unwrap() {
        assert!(b["branch"].is_string() && b["verdict"] == "YES");
        // No model given: the stable rules decided.
        assert_eq!(b["decided_by"], "rules");
    }
    let autosel = row("autosel_fix");
    let b66 = autosel["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["branch"] == "linux-6.6.y")
        .unwrap();
    assert_eq!(
        b66["backported_as"],
        demo.oid("bp66_autosel_fix").to_string().as_str()
    );
    assert_eq!(b66["decided_by"], "hard_rule");

    // Second run: everything from the cache, same answers.
    let (again, err) = triage(&demo.path, &["v6.6..master", "--format", "jsonl"]);
    assert!(
        err.contains(&format!("0 analysed, {n} from the cache")),
        "{err}"
    );
    assert_eq!(again, jsonl);
    // `--no-cache` analyses everything again and leaves the cache warm,
    // even with the cache gone.
    let cache_dir = demo.path.join(".git").join("stablepick");
    for e in std::fs::read_dir(&cache_dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("triage-")
        {
            std::fs::remove_file(p).unwrap();
        }
    }
    let (fresh, err) = triage(
        &demo.path,
        &["v6.6..master", "--format", "jsonl", "--no-cache"],
    );
    assert!(
        err.contains(&format!("{n} analysed, 0 from the cache")),
        "{err}"
    );
    assert_eq!(fresh, jsonl);
    let (_, err) = triage(&demo.path, &["v6.6..master", "--format", "jsonl"]);
    assert!(
        err.contains(&format!("0 analysed, {n} from the cache")),
        "{err}"
    );

    // The grouped table names the groups a maintainer works through.
    let (table, _) = triage(&demo.path, &["v6.6..master", "--format", "table"]);
    for needle in [
        "== linux-6.1.y ==",
        "-- candidates",
        "-- already backported",
        "powerpc/kdump: fix KASAN",
    ] {
        assert!(table.contains(needle), "{needle}\n{table}");
    }

    // A new commit on master: only it is analysed.
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .arg("-C")
            .arg(&demo.path)
            .args(args)
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    std::fs::write(demo.path.join("README"), "changed\n").unwrap();
    git(&["commit", "-q", "-am", "README: update"]);
    let (_, err) = triage(&demo.path, &["v6.6..master", "--format", "jsonl"]);
    assert!(
        err.contains(&format!("1 analysed, {n} from the cache")),
        "{err}"
    );

    // Reports per commit into --out.
    let out = tmp.path().join("reports");
    triage(
        &demo.path,
        &[
            "v6.7-rc1..master",
            "--format",
            "table",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let written = std::fs::read_dir(&out).unwrap().count();
    assert!(written >= 2, "{written}");
}

#[test]
fn triage_reads_the_mail_store() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = stablepick_demo::build(&tmp.path().join("linux")).unwrap();
    let mbox = tmp.path().join("series.mbox");
    let kasan = demo.oid("kasan_kexec").to_string();
    std::fs::write(&mbox, stablepick_demo::mail::series_mbox(&kasan[..12])).unwrap();
    let db = tmp.path().join("mail.db");
    let out = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args([
            "mail",
            "import",
            "--db",
            db.to_str().unwrap(),
            mbox.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (jsonl, _) = triage(
        &demo.path,
        &[
            "v6.6..master",
            "--format",
            "jsonl",
            "--mail",
            db.to_str().unwrap(),
        ],
    );
    let vmx = demo.oid("vmx_fix").to_string();
    let row: Value = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["commit"] == vmx.as_str())
        .unwrap();
    let phase4: Vec<&str> = row["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["phase"] == 4)
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(
        phase4
            .iter()
            .any(|t| t.contains("patch 2/2 of revision v3")),
        "{phase4:?}"
    );
}
