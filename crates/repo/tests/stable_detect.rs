//! Stable branches found by name: every naming convention known, and
//! end-of-life branches (no commit in the two years before the newest
//! stable commit) left out and named.

use stablepick_repo::Git;
use stablepick_repo::stable::{StableSpec, detect, resolve};
use stablepick_testkit::{commit_on_day, git};

#[test]
fn end_of_life_branches_are_left_out_and_named() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    std::fs::write(d.join("f"), "1\n").unwrap();
    commit_on_day(d, 0, "base");
    git(d, &["tag", "v2.30"]);
    std::fs::write(d.join("f"), "2\n").unwrap();
    commit_on_day(d, 10, "next");
    git(d, &["tag", "v2.40"]);
    // stable/v2.30: last commit in 2020; stable-2.40: in 2024.
    git(d, &["checkout", "-q", "-b", "stable/v2.30", "v2.30"]);
    std::fs::write(d.join("g"), "old\n").unwrap();
    commit_on_day(d, 100, "old fix");
    git(d, &["checkout", "-q", "-b", "stable-2.40", "v2.40"]);
    std::fs::write(d.join("g"), "new\n").unwrap();
    commit_on_day(d, 1_600, "new fix");
    git(d, &["checkout", "-q", "main"]);

    let found = detect(&Git::open(d).unwrap()).unwrap();
    let active: Vec<&str> = found.active.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(active, vec!["stable-2.40"]);
    assert_eq!(found.active[0].base, "v2.40");
    assert_eq!(found.inactive, vec!["stable/v2.30".to_string()]);
}

#[test]
fn branches_named_in_other_conventions_are_found_by_their_release_tag() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    std::fs::write(d.join("f"), "1\n").unwrap();
    commit_on_day(d, 0, "base");
    // NetworkManager: branch nm-1-46 from tag 1.46.0; Mesa: branch 24.0
    // from tag mesa-24.0.0; a topic branch with numbers but no such tag.
    git(d, &["tag", "1.46.0"]);
    git(d, &["tag", "mesa-24.0.0"]);
    // Samba: branch v4-20-test, release tag samba-4.20.0.
    git(d, &["tag", "samba-4.20.0"]);
    for b in ["nm-1-46", "24.0", "topic-3-1", "v4-20-test"] {
        git(d, &["branch", b]);
    }
    std::fs::write(d.join("f"), "2\n").unwrap();
    commit_on_day(d, 10, "next");

    let g = Git::open(d).unwrap();
    let found = detect(&g).unwrap();
    let got: Vec<(&str, &str)> = found
        .active
        .iter()
        .map(|b| (b.name.as_str(), b.base.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("nm-1-46", "1.46.0"),
            ("v4-20-test", "samba-4.20.0"),
            ("24.0", "mesa-24.0.0")
        ]
    );
    assert_eq!(
        found.active[0]
            .version
            .as_ref()
            .map(|v| v.to_string())
            .as_deref(),
        Some("1.46")
    );

    // Named without a base, the same guess applies.
    let spec: StableSpec = "nm-1-46".parse().unwrap();
    assert_eq!(resolve(&g, &spec).unwrap().base, "1.46.0");
    let spec: StableSpec = "v4-20-test".parse().unwrap();
    assert_eq!(resolve(&g, &spec).unwrap().base, "samba-4.20.0");
    // A branch that does not exist is reported as such, not as a missing base.
    let spec: StableSpec = "nm-1-99".parse().unwrap();
    let err = resolve(&g, &spec).unwrap_err().to_string();
    assert!(err.contains("nm-1-99"), "{err}");
    let spec: StableSpec = "topic-3-1".parse().unwrap();
    let err = resolve(&g, &spec).unwrap_err().to_string();
    assert!(err.contains("base"), "{err}");
}
