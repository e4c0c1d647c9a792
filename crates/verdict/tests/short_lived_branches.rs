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

/// `v1.0` and its branch `1.0`, which takes one fix on day 30 and then
/// ends; `v2.0` on day 60, whose branch `2.0` goes on taking fixes until
/// day 250. Returns the mined labels by sha and the fix `1.0` took, a fix
/// landing on day 21 that `1.0` left, and one landing on day 28.
fn ended_and_living_branches() -> (impl Fn(&str) -> Option<bool>, [String; 3]) {
    let mut r = Repo::new();
    r.commit(
        "base",
        &[
            ("a.c", "a\n"),
            ("b.c", "b\n"),
            ("c.c", "c\n"),
            ("d.c", "d\n"),
        ],
    );
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    let start = r.clock;
    let picked = r.commit("a: fix a crash", &[("a.c", "a fixed\n")]);
    r.clock = start + 20 * DAY;
    let late = r.commit("b: fix a leak", &[("b.c", "b fixed\n")]);
    r.clock = start + 27 * DAY;
    let later = r.commit("d: fix a hang", &[("d.c", "d fixed\n")]);
    r.git(&["checkout", "-q", "-b", "1.0", "v1.0"]);
    r.clock = start + 29 * DAY;
    r.backport(&picked, &[("a.c", "a fixed\n")]);
    r.git(&["checkout", "-q", "main"]);
    r.clock = start + 59 * DAY;
    r.commit("c: new feature", &[("c.c", "c new\n")]);
    r.git(&["tag", "-a", "-m", "v2.0", "v2.0"]);
    let fix2 = r.commit("c: fix the feature", &[("c.c", "c fixed\n")]);
    r.git(&["checkout", "-q", "-b", "2.0", "v2.0"]);
    for day in [100, 180, 250] {
        r.clock = start + (day - 1) * DAY;
        r.commit(
            &format!("2.0: release notes, day {day}"),
            &[("NEWS", &format!("{day}\n"))],
        );
    }
    r.backport(&fix2, &[("c.c", "c fixed\n")]);
    r.git(&["checkout", "-q", "main"]);

    let (git, index) = common::open_index_with(&r, &["1.0=v1.0", "2.0=v2.0"]);
    let (labelled, _) = mine(&git, &index, &MineOptions::default()).unwrap();
    let label = move |sha: &str| {
        labelled
            .iter()
            .find(|l| l.oid.to_string() == sha && l.branch == "1.0")
            .map(|l| l.backported)
    };
    (label, [picked, late, later])
}

#[test]
fn a_branch_that_ended_labels_its_commits_up_to_its_last() {
    // 1.0 lived 30 days: by the half-life margin, only its first 15 days
    // would count. It has ended (quiet for 220 days while 2.0 went on), so
    // it will take nothing more: the fixes of its last weeks it left are
    // decisions too.
    let (label, [picked, late, later]) = ended_and_living_branches();
    assert_eq!(label(&picked), Some(true));
    assert_eq!(label(&late), Some(false), "left by a branch that ended");
    assert_eq!(label(&later), Some(false), "left by a branch that ended");
}
