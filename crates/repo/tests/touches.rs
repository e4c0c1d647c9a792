//! `Git::touches` says a commit changed a path exactly when `git log --
//! path` would list it: a directory on the path that appears or
//! disappears counts only when the path itself is inside it.

use stablepick_repo::{Git, Oid};
use stablepick_testkit::{commit, git, init};
use std::path::Path;

fn write(d: &Path, p: &str, text: &str) {
    let f = d.join(p);
    std::fs::create_dir_all(f.parent().unwrap()).unwrap();
    std::fs::write(f, text).unwrap();
}

fn remove_dir(d: &Path, p: &str) {
    std::fs::remove_dir_all(d.join(p)).unwrap();
}

/// Whether `git log -- path` lists `oid` as changing `path`.
fn git_says_touched(d: &Path, oid: Oid, path: &str) -> bool {
    let sha = oid.to_string();
    git(
        d,
        &[
            "log",
            "--format=%H",
            "--no-merges",
            "--full-history",
            &sha,
            "-1",
            "--",
            path,
        ],
    ) == sha
}

#[test]
fn a_new_sibling_directory_does_not_touch_a_file_that_is_not_in_it() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(d, "a/x.c", "x\n");
    commit(d, "base");
    // `a/b` appears, holding only `other.c`.
    write(d, "a/b/other.c", "o\n");
    let add_dir = commit(d, "add a/b/other.c");
    // `a/b/c.c` appears in the existing `a/b`.
    write(d, "a/b/c.c", "c\n");
    let add_file = commit(d, "add a/b/c.c");
    // `a/b` disappears with `c.c` in it.
    remove_dir(d, "a/b");
    let remove_with_file = commit(d, "remove a/b");
    // `a/b` appears and disappears again without `c.c`.
    write(d, "a/b/other.c", "o2\n");
    let add_again = commit(d, "add a/b/other.c again");
    remove_dir(d, "a/b");
    let remove_without_file = commit(d, "remove a/b again");
    // `a` turns from a directory into a file, and back into a directory
    // holding `b/c.c`.
    remove_dir(d, "a");
    std::fs::write(d.join("a"), "now a file\n").unwrap();
    let dir_to_file = commit(d, "a becomes a file");
    std::fs::remove_file(d.join("a")).unwrap();
    write(d, "a/b/c.c", "c again\n");
    let file_to_dir = commit(d, "a is a directory again");

    let g = Git::open(d).unwrap();
    let path = vec!["a/b/c.c".to_string()];
    let cases = [
        (add_dir, false),
        (add_file, true),
        (remove_with_file, true),
        (add_again, false),
        (remove_without_file, false),
        (dir_to_file, false),
        (file_to_dir, true),
    ];
    for (oid, expected) in cases {
        assert_eq!(
            git_says_touched(d, oid, "a/b/c.c"),
            expected,
            "git on {oid}"
        );
        assert_eq!(g.touches(oid, &path).unwrap(), expected, "touches on {oid}");
    }
}

#[test]
fn a_mode_change_touches_the_file() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(d, "s/run.sh", "echo\n");
    commit(d, "base");
    git(d, &["update-index", "--chmod=+x", "s/run.sh"]);
    git(d, &["commit", "-q", "-m", "make run.sh executable"]);
    let chmod: Oid = git(d, &["rev-parse", "HEAD"]).parse().unwrap();
    assert!(git_says_touched(d, chmod, "s/run.sh"));
    let g = Git::open(d).unwrap();
    assert!(g.touches(chmod, &["s/run.sh".to_string()]).unwrap());
}
