//! The model learned from a synthetic history: a stable branch that took
//! every fix of a bug in its base and no feature. The trained model ranks a
//! held-out fix above a held-out feature, and label mining leaves out the
//! commits too new for the branch to have decided on.

mod common;

use common::{DAY, Repo, c_file};
use stablepick_verdict::features::{BranchView, CommitFacts, branch_facts, branch_vector};
use stablepick_verdict::learn::{MineOptions, mine, train};
use stablepick_verdict::model::TrainOptions;

const DRIVERS: usize = 4;

fn fix(r: &mut Repo, bugs: &[String], i: usize) -> String {
    let d = i % DRIVERS;
    let msg = format!(
        "net/d{d}: fix crash in f{i}\n\nA null pointer dereference crashes the port.\n\nFixes: {} (\"net/d{d}: add driver\")\nCc: stable@dpdk.org\n\nSigned-off-by: A U Thor <author@example.org>",
        &bugs[d][..12]
    );
    let path = format!("drivers/net/d{d}/d{d}.c");
    r.commit(
        &msg,
        &[(&path, &c_file(8, i % 8, &format!("\treturn x - {i};")))],
    )
}

fn feature(r: &mut Repo, i: usize) -> String {
    let d = i % DRIVERS;
    let msg = format!(
        "net/d{d}: add support for offload {i}\n\nIntroduce a new API.\n\nSigned-off-by: A U Thor <author@example.org>"
    );
    let path = format!("drivers/net/d{d}/feature{i}.c");
    r.commit(&msg, &[(&path, &c_file(3, 0, "\treturn 1;"))])
}

#[test]
fn model_ranks_fix_above_feature_and_mining_skips_new_commits() {
    let mut r = Repo::new();
    let mut bugs = Vec::new();
    for d in 0..DRIVERS {
        let path = format!("drivers/net/d{d}/d{d}.c");
        bugs.push(r.commit(
            &format!("net/d{d}: add driver"),
            &[(&path, &c_file(8, 0, "\treturn x;"))],
        ));
    }
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    let mut fixes = Vec::new();
    for i in 0..24 {
        if i % 2 == 0 {
            fixes.push(fix(&mut r, &bugs, i));
        } else {
            feature(&mut r, i);
        }
    }
    r.git(&["checkout", "-q", "-b", "1.0", "v1.0"]);
    r.clock += 40 * DAY;
    for (n, f) in fixes.iter().enumerate() {
        let path = format!("drivers/net/d{}/bp{n}.txt", n % DRIVERS);
        r.backport(f, &[(&path, "backported\n")]);
    }
    r.git(&["checkout", "-q", "main"]);
    // Too new for the branch: after its newest commit.
    let too_new = fix(&mut r, &bugs, 100);

    let (git, index) = common::open_index(&r);
    let (labelled, past) = mine(&git, &index, &MineOptions::default()).unwrap();
    assert_eq!(labelled.len(), 24, "every window commit, nothing newer");
    assert!(labelled.iter().all(|l| l.oid.to_string() != too_new));
    assert_eq!(labelled.iter().filter(|l| l.backported).count(), 12);
    assert_eq!(past.len(), 24);

    let model = train(
        &git,
        &index,
        &MineOptions::default(),
        &TrainOptions::default(),
    )
    .unwrap();
    let again = train(
        &git,
        &index,
        &MineOptions::default(),
        &TrainOptions::default(),
    )
    .unwrap();
    assert_eq!(model.weights, again.weights, "training is deterministic");

    // Held out: a new fix and a new feature, scored at the branch tip.
    let held_fix = fix(&mut r, &bugs, 201);
    let held_feature = feature(&mut r, 203);
    let (git, index) = common::open_index(&r);
    let b = &index.branches()[0];
    let score = |sha: &str| {
        let oid = git.resolve_commit(sha).unwrap();
        let facts = CommitFacts::extract(&git, &index, oid).unwrap();
        let view = BranchView {
            stable: b,
            tree: b.branch.tip(),
        };
        let bf = branch_facts(&git, &index, &facts, &view);
        model.probability(&branch_vector(&index, &facts, &view, &bf))
    };
    let (pf, pn) = (score(&held_fix), score(&held_feature));
    assert!(pf > pn, "fix {pf} should outrank feature {pn}");
    assert!(
        pf >= model.threshold,
        "fix {pf} below threshold {}",
        model.threshold
    );
}
