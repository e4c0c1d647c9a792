//! Label mining on branches that live a few weeks (a project releasing
//! monthly): a commit counts as a decision when it is half the branch's
//! life older than its tip, if that is shorter than the usual month, so
//! such branches still teach something; the newest commits stay unlabelled.

mod common;

use common::{DAY, Repo};
use stablepick_verdict::learn::{MineOptions, min_age_secs, mine};

#[test]
fn a_branch_of_three_weeks_labels_its_first_days() {
    let mut r = Repo::new();
    r.commit("base", &[("a.c", "a\n"), ("b.c", "b\n"), ("c.c", "c\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    let picked = r.commit("a: fix a crash", &[("a.c", "a fixed\n")]);
    let left = r.commit("b: rework", &[("b.c", "b new\n")]);
    r.clock += 12 * DAY;
    let recent = r.commit("c: fix a leak", &[("c.c", "c fixed\n")]);
    r.git(&["checkout", "-q", "-b", "1.0", "v1.0"]);
    // The branch's tip, 20 days after the base: it took the fix on day 5.
    r.clock += 5 * DAY;
    r.backport(&picked, &[("a.c", "a fixed\n")]);
    r.git(&["checkout", "-q", "main"]);

    let (git, index) = common::open_index(&r);
    let (labelled, _) = mine(&git, &index, &MineOptions::default()).unwrap();
    let label = |sha: &str| {
        labelled
            .iter()
            .find(|l| l.oid.to_string() == sha)
            .map(|l| l.backported)
    };
    assert_eq!(label(&picked), Some(true));
    assert_eq!(
        label(&left),
        Some(false),
        "ten days before a tip 20 days old"
    );
    assert_eq!(label(&recent), None, "too new to be a decision");
}

#[test]
fn the_minimum_age_is_a_month_or_half_the_life() {
    let o = MineOptions::default();
    assert_eq!(min_age_secs(&o, 20 * DAY), 10 * DAY);
    assert_eq!(min_age_secs(&o, 400 * DAY), 30 * DAY);
    assert_eq!(min_age_secs(&o, -DAY), 0);
}
