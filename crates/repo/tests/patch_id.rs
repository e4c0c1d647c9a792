//! `Git::same_patch` answers as `git patch-id --stable` does, whether the
//! two commits changed the same blobs, the same files differently placed,
//! or different files.

use stablepick_repo::{Git, Oid};
use stablepick_testkit::{cli_patch_id, commit, git, lines};

#[test]
fn same_patch_agrees_with_git_patch_id() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    let base = lines(60);
    std::fs::write(d.join("f.c"), &base).unwrap();
    std::fs::write(d.join("g.c"), &base).unwrap();
    commit(d, "base");
    git(d, &["branch", "stable"]);
    let fix = |text: &str| text.replace("line 40\n", "line forty\n");
    std::fs::write(d.join("f.c"), fix(&base)).unwrap();
    let upstream = commit(d, "f: fix");

    git(d, &["checkout", "-q", "stable"]);
    // The same blobs: a cherry-pick onto the same file.
    git(d, &["cherry-pick", &upstream.to_string()]);
    let identical = Oid::from_str(&git(d, &["rev-parse", "HEAD"])).unwrap();
    git(d, &["reset", "-q", "--hard", "HEAD^"]);
    // The same change where the file differs elsewhere: other blobs, same patch-id.
    let moved = base.replace("line 2\n", "line two\n");
    std::fs::write(d.join("f.c"), &moved).unwrap();
    commit(d, "stable: local change");
    std::fs::write(d.join("f.c"), fix(&moved)).unwrap();
    let shifted = commit(d, "f: fix");
    // The same lines changed in another file.
    std::fs::write(d.join("g.c"), fix(&base)).unwrap();
    let other_file = commit(d, "f: fix");
    // A different change to the same file.
    std::fs::write(d.join("f.c"), fix(&moved).replace("line 50\n", "fifty\n")).unwrap();
    let different = commit(d, "f: fix");

    let g = Git::open(d).unwrap();
    for (c, same) in [
        (identical, true),
        (shifted, true),
        (other_file, false),
        (different, false),
    ] {
        assert_eq!(g.same_patch(upstream, c).unwrap(), same, "{c}");
        assert_eq!(
            cli_patch_id(d, &upstream.to_string()) == cli_patch_id(d, &c.to_string()),
            same,
            "git agrees for {c}"
        );
    }
}
