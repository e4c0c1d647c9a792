//! Per-branch facts joined with the stable nomination: a branch that takes
//! the nominated fixes of bugs it has and leaves the un-nominated ones
//! teaches the model to tell them apart, though both fix a bug present in
//! the branch.

mod common;

use common::{DAY, Repo, c_file};
use stablepick_verdict::features::{BranchView, CommitFacts, branch_facts, branch_vector};
use stablepick_verdict::learn::{MineOptions, train};
use stablepick_verdict::model::TrainOptions;

const DRIVERS: usize = 4;

fn fix(r: &mut Repo, bugs: &[String], i: usize, nominated: bool) -> String {
    let d = i % DRIVERS;
    let msg = format!(
        "net/d{d}: fix f{i}\n\nThe value is off by one.\n\nFixes: {} (\"net/d{d}: add driver\")\n{}\nSigned-off-by: A U Thor <author@example.org>",
        &bugs[d][..12],
        if nominated {
            "Cc: stable@dpdk.org\n"
        } else {
            ""
        }
    );
    let path = format!("drivers/net/d{d}/d{d}.c");
    r.commit(
        &msg,
        &[(&path, &c_file(8, i % 8, &format!("\treturn x - {i};")))],
    )
}

#[test]
fn nominated_and_unnominated_fixes_are_learned_apart() {
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
    let mut taken = Vec::new();
    for i in 0..32 {
        let nominated = i % 2 == 0;
        let sha = fix(&mut r, &bugs, i, nominated);
        if nominated {
            taken.push(sha);
        }
    }
    r.git(&["checkout", "-q", "-b", "1.0", "v1.0"]);
    r.clock += 40 * DAY;
    for (n, f) in taken.iter().enumerate() {
        let path = format!("drivers/net/d{}/bp{n}.txt", n % DRIVERS);
        r.backport(f, &[(&path, "backported\n")]);
    }
    r.git(&["checkout", "-q", "main"]);
    let (git, index) = common::open_index(&r);
    let model = train(
        &git,
        &index,
        &MineOptions::default(),
        &TrainOptions::default(),
    )
    .unwrap();

    let held_nominated = fix(&mut r, &bugs, 101, true);
    let held_plain = fix(&mut r, &bugs, 103, false);
    let (git, index) = common::open_index(&r);
    let b = &index.branches()[0];
    let view = BranchView {
        stable: b,
        tree: b.branch.tip(),
    };
    let facts_of = |sha: &str| {
        let facts = CommitFacts::extract(&git, &index, git.resolve_commit(sha).unwrap()).unwrap();
        let bf = branch_facts(&git, &index, &facts, &view);
        (facts, bf)
    };
    let (fp, bp) = facts_of(&held_plain);
    assert_eq!(bp.bug_present, Some(true));
    let names = common::feature_names(&index, &fp, &view, &bp);
    assert!(names.iter().any(|n| n == "bug:present"), "{names:?}");
    assert!(
        names.iter().any(|n| n == "nom:false|bug:present"),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with("nom:true|")),
        "{names:?}"
    );

    let p_plain = model.probability(&branch_vector(&index, &fp, &view, &bp));
    let (fnom, bn) = facts_of(&held_nominated);
    let p_nominated = model.probability(&branch_vector(&index, &fnom, &view, &bn));
    assert!(
        p_nominated >= model.threshold && p_plain < model.threshold,
        "nominated {p_nominated}, un-nominated {p_plain}, threshold {}",
        model.threshold
    );
}
