//! Which tags the index counts as releases: systemd's stable updates
//! (`v254.1` on `v254-stable`) are not releases between `v254` and `v255`.

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

    let (_, index) = stablepick_testkit::open_index(d, &["v254-stable=v254"]);
    let tags: Vec<&str> = index.releases().iter().map(|r| r.tag.as_str()).collect();
    assert_eq!(tags, vec!["v254", "v255"]);
    assert_eq!(
        index.previous_release("v255").map(|r| r.tag.as_str()),
        Some("v254")
    );
}

/// NetworkManager tags `1.44.0`, `1.46.0` and branches `nm-1-46`: no known
/// form, so the base tag named on the command line teaches the style, and
/// point releases and development snapshots of that style stay out.
#[test]
fn a_base_tag_teaches_the_release_style() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    for (i, tag) in ["1.44.0", "1.45.90", "1.46.0"].iter().enumerate() {
        std::fs::write(d.join("f"), format!("{i}\n")).unwrap();
        commit(d, &format!("work {i}"));
        git(d, &["tag", tag]);
    }
    git(d, &["checkout", "-q", "-b", "nm-1-46"]);
    std::fs::write(d.join("g"), "fix\n").unwrap();
    commit(d, "a stable fix");
    git(d, &["tag", "1.46.2"]);
    git(d, &["checkout", "-q", "main"]);
    std::fs::write(d.join("f"), "after\n").unwrap();
    let after = commit(d, "after 1.46");

    let (_, index) = stablepick_testkit::open_index(d, &["nm-1-46=1.46.0"]);
    let tags: Vec<&str> = index.releases().iter().map(|r| r.tag.as_str()).collect();
    assert_eq!(tags, vec!["1.44.0", "1.46.0"]);
    let b = &index.branches()[0];
    assert_eq!(index.base_release_index(b), Some(1));
    assert!(index.first_release(after).is_none(), "not released yet");
}

/// util-linux forks `stable/v2.40` at `v2.41-start`, a tag between two
/// releases: the base stands for the release before the first one that
/// contains it.
#[test]
fn a_base_between_releases_stands_for_the_release_before() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    for (i, tag) in ["v2.39", "v2.40", "v2.41-start", "v2.41"]
        .iter()
        .enumerate()
    {
        std::fs::write(d.join("f"), format!("{i}\n")).unwrap();
        commit(d, &format!("work {i}"));
        git(d, &["tag", tag]);
    }
    git(d, &["branch", "stable/v2.40", "v2.41-start"]);
    let (_, index) = stablepick_testkit::open_index(d, &["stable/v2.40=v2.41-start"]);
    let b = &index.branches()[0];
    assert_eq!(index.release_index("v2.41-start"), None);
    assert_eq!(index.base_release_index(b), index.release_index("v2.40"));
}

/// fwupd tags `1.9.0`, `2.0.0` and forks `2_0_X` late, so its base is given
/// as a commit id: no base tag teaches the style and no tag is in a known
/// form, so the style most tags share names the releases.
#[test]
fn with_a_commit_id_base_the_tags_teach_the_release_style() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    for (i, tag) in ["1.8.0", "1.9.0", "1.9.3", "2.0.0", "2.0.0-rc1-ci"]
        .iter()
        .enumerate()
    {
        std::fs::write(d.join("f"), format!("{i}\n")).unwrap();
        commit(d, &format!("work {i}"));
        git(d, &["tag", tag]);
    }
    std::fs::write(d.join("f"), "fork\n").unwrap();
    let fork = commit(d, "the fork point");
    git(d, &["branch", "2_0_X"]);
    std::fs::write(d.join("f"), "after\n").unwrap();
    let after = commit(d, "after the fork");

    let (_, index) = stablepick_testkit::open_index(d, &[&format!("2_0_X={fork}")]);
    let tags: Vec<&str> = index.releases().iter().map(|r| r.tag.as_str()).collect();
    assert_eq!(tags, vec!["1.8.0", "1.9.0", "2.0.0"]);
    let b = &index.branches()[0];
    assert_eq!(
        index.base_release_index(b),
        Some(2),
        "the fork is after 2.0.0"
    );
    assert!(index.first_release(after).is_none());

    // Too few tags of one style: no releases rather than a guess.
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    for tag in ["1.8.0", "1.9.0"] {
        std::fs::write(d.join("f"), format!("{tag}\n")).unwrap();
        commit(d, tag);
        git(d, &["tag", tag]);
    }
    std::fs::write(d.join("f"), "fork\n").unwrap();
    let fork = commit(d, "fork");
    git(d, &["branch", "1_9_X"]);
    let (_, index) = stablepick_testkit::open_index(d, &[&format!("1_9_X={fork}")]);
    assert!(index.releases().is_empty());
}
