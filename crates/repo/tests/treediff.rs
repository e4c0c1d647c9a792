//! A diff restricted to the changed paths has exactly the deltas and patch
//! text of libgit2's full tree-to-tree diff, for every kind of change.

use stablepick_repo::treediff::{changed_paths, diff_trees};
use stablepick_testkit::{commit, git};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fn write(d: &Path, p: &str, text: &str) {
    let f = d.join(p);
    std::fs::create_dir_all(f.parent().unwrap()).unwrap();
    std::fs::write(f, text).unwrap();
}

/// Status, old path and new path of a delta.
type DeltaSummary = (git2::Delta, Option<String>, Option<String>);

/// Each delta's [`DeltaSummary`] and the whole patch text.
fn summary(diff: &git2::Diff) -> (Vec<DeltaSummary>, String) {
    let p = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().into_owned());
    let deltas = diff
        .deltas()
        .map(|d| (d.status(), p(d.old_file()), p(d.new_file())))
        .collect();
    let mut text = Vec::new();
    diff.print(git2::DiffFormat::Patch, |_, _, l| {
        text.push(l.origin() as u8);
        text.extend_from_slice(l.content());
        true
    })
    .unwrap();
    (deltas, String::from_utf8_lossy(&text).into_owned())
}

fn both(d: &Path, old: &str, new: &str, renames: bool) -> (Vec<String>, usize) {
    let repo = git2::Repository::open(d).unwrap();
    let tree = |r: &str| repo.revparse_single(r).unwrap().peel_to_tree().unwrap();
    let (a, b) = (tree(old), tree(new));
    let mut o1 = git2::DiffOptions::new();
    o1.context_lines(3);
    let mut full = repo
        .diff_tree_to_tree(Some(&a), Some(&b), Some(&mut o1))
        .unwrap();
    let mut o2 = git2::DiffOptions::new();
    o2.context_lines(3);
    let mut fast = diff_trees(&repo, Some(&a), Some(&b), &mut o2).unwrap();
    if renames {
        let mut f = git2::DiffFindOptions::new();
        f.renames(true);
        full.find_similar(Some(&mut f)).unwrap();
        fast.find_similar(Some(&mut f)).unwrap();
    }
    assert_eq!(summary(&fast), summary(&full), "{old}..{new}");
    let paths = changed_paths(&repo, Some(&a), Some(&b))
        .unwrap()
        .unwrap_or_default();
    (paths, full.deltas().len())
}

#[test]
fn every_kind_of_change_gives_the_full_diffs_deltas() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    for i in 0..30 {
        write(
            d,
            &format!("big/dir{}/f{i}.c", i % 5),
            &format!("int f{i};\n"),
        );
    }
    write(d, "a/b/c.txt", "one\ntwo\nthree\n");
    write(d, "gone/x.txt", "x\n");
    write(d, "gone/y.txt", "y\n");
    write(
        d,
        "old-name.txt",
        &"a line that stays the same\n".repeat(20),
    );
    write(d, "script.sh", "echo hi\n");
    write(d, "dir-then-file/inner.txt", "inner\n");
    write(d, "a.b", "dot sorts before slash\n");
    commit(d, "base");
    git(d, &["tag", "v1"]);

    write(d, "a/b/c.txt", "one\nTWO\nthree\n");
    std::fs::remove_dir_all(d.join("gone")).unwrap();
    write(d, "new/deep/file.txt", "new\n");
    git(d, &["mv", "old-name.txt", "new-name.txt"]);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("script.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(d.join("dir-then-file")).unwrap();
    write(d, "dir-then-file", "now a file\n");
    std::os::unix::fs::symlink("a/b/c.txt", d.join("link")).unwrap();
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "every change"]);

    for renames in [false, true] {
        let (paths, n) = both(d, "v1", "HEAD", renames);
        // c.txt, x, y, file.txt, the rename (two without detection),
        // script.sh's mode, inner.txt and the file in its place, the link.
        assert_eq!(n, if renames { 9 } else { 10 }, "{paths:?}");
        assert!(!paths.iter().any(|p| p.starts_with("big/")), "{paths:?}");
        assert!(
            paths.contains(&"dir-then-file/inner.txt".to_string()),
            "{paths:?}"
        );
        assert!(paths.contains(&"dir-then-file".to_string()), "{paths:?}");
    }
    // And back, and a commit against itself: the empty diff.
    both(d, "HEAD", "v1", true);
    let (paths, n) = both(d, "HEAD", "HEAD", false);
    assert!(paths.is_empty() && n == 0);
}

#[test]
fn a_path_that_is_not_utf8_falls_back_to_the_full_diff() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(d.join(name), "1\n").unwrap();
    write(d, "plain.txt", "1\n");
    commit(d, "base");
    git(d, &["tag", "v1"]);
    std::fs::write(d.join(name), "2\n").unwrap();
    write(d, "plain.txt", "2\n");
    commit(d, "change both");
    let repo = git2::Repository::open(d).unwrap();
    let tree = |r: &str| repo.revparse_single(r).unwrap().peel_to_tree().unwrap();
    assert_eq!(
        changed_paths(&repo, Some(&tree("v1")), Some(&tree("HEAD"))).unwrap(),
        None
    );
    let (_, n) = both(d, "v1", "HEAD", false);
    assert_eq!(n, 2);
}
