//! Backport lines in the forms projects write them, as the index reads a
//! branch: Django's `Backport of <sha> from main.`, and a cherry-pick line
//! with words after the id.

use stablepick_testkit::{commit, git};

/// A repository in `d` with one commit, tagged `v1.0`, on `main`.
fn released_repo(d: &std::path::Path) {
    stablepick_testkit::init(d, "T", "t@example.com");
    std::fs::write(d.join("f"), "1\n").unwrap();
    commit(d, "first");
    git(d, &["tag", "v1.0"]);
}

#[test]
fn each_form_of_backport_line_names_its_upstream_commit() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    released_repo(d);
    let mut fixes = Vec::new();
    for name in ["a", "b", "c"] {
        std::fs::write(d.join(name), "fixed\n").unwrap();
        fixes.push(commit(d, &format!("{name}: fix a crash")));
    }
    git(d, &["checkout", "-q", "-b", "1.0", "v1.0"]);
    for (name, line) in [
        ("a", format!("Backport of {} from main.", fixes[0])),
        (
            "b",
            format!("(cherry picked from commit {} linux-next)", fixes[1]),
        ),
    ] {
        std::fs::write(d.join(name), "fixed\n").unwrap();
        commit(d, &format!("[1.0] {name}: fix a crash\n\n{line}"));
    }
    git(d, &["checkout", "-q", "main"]);

    let (_, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let branch = index.branch("1.0").unwrap();
    assert_eq!(branch.backported_as(fixes[0]).len(), 1, "Django's form");
    assert_eq!(
        branch.backported_as(fixes[1]).len(),
        1,
        "words after the id"
    );
    assert!(branch.backported_as(fixes[2]).is_empty(), "not taken");
    assert_eq!(branch.backport_count(), 2);
}

#[test]
fn samba_back_ported_lines_are_read_by_the_index() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    released_repo(d);
    std::fs::write(d.join("f"), "2\n").unwrap();
    let fix = commit(d, "f: fix a leak");
    git(d, &["checkout", "-q", "-b", "1.0", "v1.0"]);
    std::fs::write(d.join("f"), "2 adapted\n").unwrap();
    commit(
        d,
        &format!("f: fix a leak\n\nAdapted.\n\n(Back-ported from commit {fix})"),
    );
    git(d, &["checkout", "-q", "main"]);
    let (_, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    assert_eq!(index.branch("1.0").unwrap().backported_as(fix).len(), 1);
}
