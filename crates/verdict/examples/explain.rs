//! Why the model scores a commit as it does for a branch: the named
//! features with their learned weights, the text part's total, and the
//! nearest past decisions.
//!
//! cargo run --release -p stablepick-verdict --example explain -- REPO BRANCH=BASE MODEL SHA...

use stablepick_repo::{Git, IndexOptions, RepoIndex};
use stablepick_verdict::features::{
    BranchView, CommitFacts, branch_facts, branch_vector, hash, named_features,
};
use stablepick_verdict::learn::KNN;
use stablepick_verdict::model::Model;
use stablepick_verdict::similar::{Neighbourhood, neighbour_features};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        return Err("usage: explain REPO BRANCH=BASE MODEL SHA...".into());
    }
    let git = Git::open(std::path::Path::new(&args[0]))?;
    let index = RepoIndex::open(
        &git,
        &IndexOptions {
            mainline: Some("main".into()),
            stable: vec![args[1].parse()?],
            ..Default::default()
        },
    )?;
    let model = Model::load(std::path::Path::new(&args[2]))?;
    let w: std::collections::HashMap<u32, f32> = model.weights.iter().copied().collect();
    let hood = Neighbourhood::new(&model.past);
    let b = index.branches().first().ok_or("no branch")?;
    for sha in &args[3..] {
        let oid = git.resolve_commit(sha)?;
        let mut facts = CommitFacts::extract(&git, &index, oid)?;
        let near = hood.nearest(&facts.text, KNN, &oid.to_string());
        facts.base.extend(neighbour_features(&near));
        let view = BranchView {
            stable: b,
            tree: b.branch.tip(),
        };
        let bf = branch_facts(&git, &index, &facts, &view);
        let x = branch_vector(&index, &facts, &view, &bf);
        let named = named_features(&index, &facts, &view, &bf);
        let named_idx: std::collections::HashSet<u32> =
            named.iter().map(|(n, _)| hash(n)).collect();
        let mut rows: Vec<(f64, String)> = named
            .iter()
            .map(|(n, v)| {
                (
                    *w.get(&hash(n)).unwrap_or(&0.0) as f64 * *v as f64,
                    n.clone(),
                )
            })
            .collect();
        let text: f64 =
            x.0.iter()
                .filter(|(i, _)| !named_idx.contains(i))
                .map(|(i, v)| *w.get(i).unwrap_or(&0.0) as f64 * *v as f64)
                .sum();
        rows.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
        println!(
            "== {} {} p={:.3} text={text:+.2}",
            &sha[..12.min(sha.len())],
            facts.subject,
            model.probability(&x)
        );
        for (c, n) in rows.iter().take(14) {
            println!("   {c:+.2} {n}");
        }
        for n in near.iter().take(5) {
            println!(
                "   near {:.2} {} {} taken={:?}",
                n.similarity,
                &n.past.sha[..12],
                n.past.subject,
                n.past.backported
            );
        }
    }
    Ok(())
}
