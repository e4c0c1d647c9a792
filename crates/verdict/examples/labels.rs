//! Label statistics of the training examples: for each named feature given,
//! how many examples carry it and how many of those the branch took.
//!
//! cargo run --release -p stablepick-verdict --example labels -- REPO BRANCH=BASE... -- FEATURE...

use stablepick_repo::{Git, IndexOptions, RepoIndex};
use stablepick_verdict::features::hash;
use stablepick_verdict::learn::{MineOptions, mine};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sep = args.iter().position(|a| a == "--").ok_or("missing --")?;
    let git = Git::open(std::path::Path::new(&args[0]))?;
    let stable = args[1..sep]
        .iter()
        .map(|s| s.parse())
        .collect::<Result<Vec<_>, _>>()?;
    let index = RepoIndex::open(
        &git,
        &IndexOptions {
            mainline: Some("main".into()),
            stable,
            ..Default::default()
        },
    )?;
    let (ex, _) = mine(&git, &index, &MineOptions::default())?;
    println!(
        "{} examples, {} taken",
        ex.len(),
        ex.iter().filter(|e| e.backported).count()
    );
    for f in &args[sep + 1..] {
        // `a&b` counts examples carrying both.
        let hs: Vec<u32> = f.split('&').map(hash).collect();
        let has = |e: &&stablepick_verdict::learn::Labelled| {
            hs.iter().all(|h| e.x.0.iter().any(|(i, _)| i == h))
        };
        let sel: Vec<_> = ex.iter().filter(has).collect();
        let taken = sel.iter().filter(|e| e.backported).count();
        let hard = sel.iter().filter(|e| e.hard_no).count();
        println!("{f}: {} examples, {taken} taken, {hard} hard-no", sel.len());
        if std::env::var_os("LIST").is_some() {
            for e in &sel {
                println!("  {} {} {}", e.oid, e.branch, e.backported);
            }
        }
    }
    Ok(())
}
