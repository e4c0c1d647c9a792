//! Which tags the index counts as releases: systemd's stable updates
//! (`v254.1` on `v254-stable`) are not releases between `v254` and `v255`.

use stablepick_repo::{Git, IndexOptions, RepoIndex};
use stablepick_testkit::{commit, git};

#[test]
fn stable_updates_of_one_number_releases_are_not_releases() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    std::fs::write(d.join("f"), "1\n").unwrap();
    commit(d, "first");
    git(d, &["tag", "v254"]);
    git(d, &["checkout", "-q", "-b", "v254-stable"]);
    std::fs::write(d.join("g"), "fix\n").unwrap();
    commit(d, "a stable fix");
    git(d, &["tag", "v254.1"]);
    git(d, &["checkout", "-q", "main"]);
    std::fs::write(d.join("f"), "2\n").unwrap();
    commit(d, "second");
    git(d, &["tag", "v255"]);

    let g = Git::open(d).unwrap();
    let index = RepoIndex::open(
        &g,
        &IndexOptions {
            mainline: Some("main".into()),
            stable: vec!["v254-stable=v254".parse().unwrap()],
            no_cache: true,
            ..Default::default()
        },
    )
    .unwrap();
    let tags: Vec<&str> = index.releases().iter().map(|r| r.tag.as_str()).collect();
    assert_eq!(tags, vec!["v254", "v255"]);
    assert_eq!(
        index.previous_release("v255").map(|r| r.tag.as_str()),
        Some("v254")
    );
}
