//! The training examples as JSON lines, for studies of features and labels
//! outside the tool: commit, branch, label, hard-no, named features and
//! hashed text tokens.
//!
//! cargo run --release -p stablepick-verdict --example dump -- REPO MAINLINE MIN_AGE_DAYS BRANCH=BASE... > examples.jsonl

use stablepick_repo::{Git, IndexOptions, RepoIndex};
use stablepick_verdict::learn::{MineOptions, mine};
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        return Err("usage: dump REPO MAINLINE MIN_AGE_DAYS BRANCH=BASE...".into());
    }
    let git = Git::open(std::path::Path::new(&args[0]))?;
    let stable = args[3..]
        .iter()
        .map(|s| s.parse())
        .collect::<Result<Vec<_>, _>>()?;
    let index = RepoIndex::open(
        &git,
        &IndexOptions {
            mainline: Some(args[1].clone()),
            stable,
            ..Default::default()
        },
    )?;
    let mo = MineOptions {
        min_age_days: args[2].parse()?,
    };
    let (ex, _) = mine(&git, &index, &mo)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for e in &ex {
        let named: serde_json::Map<String, serde_json::Value> = e
            .named
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::json!(v)))
            .collect();
        let row = serde_json::json!({
            "commit": e.oid.to_string(), "branch": e.branch, "time": e.commit_time,
            "y": e.backported, "hard_no": e.hard_no, "f": named, "text": e.text,
        });
        writeln!(out, "{row}")?;
    }
    Ok(())
}
