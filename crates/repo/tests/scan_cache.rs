//! After a ref moves, the index is rebuilt from the scans of the commits an
//! earlier build read and reads only the new ones; the index it writes is
//! byte for byte the one a build from nothing writes.

use stablepick_repo::{Git, IndexOptions, RepoIndex};
use stablepick_testkit::{commit, git};
use std::path::{Path, PathBuf};

fn open(d: &Path, specs: &[&str], rebuild: bool) -> RepoIndex {
    let g = Git::open(d).unwrap();
    RepoIndex::open(
        &g,
        &IndexOptions {
            mainline: Some("main".into()),
            stable: specs.iter().map(|s| s.parse().unwrap()).collect(),
            rebuild,
            ..Default::default()
        },
    )
    .unwrap()
}

/// The bytes of the index file `index` was stored in.
fn stored(index: &RepoIndex) -> Vec<u8> {
    let path: &PathBuf = index.stats.cache_path.as_ref().expect("a cached index");
    std::fs::read(path).unwrap()
}

fn scans_file(d: &Path) -> PathBuf {
    let dir = d.join(".git/stablepick");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("scans-")
        })
        .expect("a scan cache")
}

/// Two releases, a stable branch of the first with one backport, and
/// mainline work with `Fixes:` and a revert (the facts the scan reads).
fn history(d: &Path) {
    stablepick_testkit::init(d, "T", "t@example.com");
    std::fs::write(d.join("a.c"), "1\n").unwrap();
    commit(d, "first");
    git(d, &["tag", "v1.0"]);
    std::fs::write(d.join("a.c"), "2\n").unwrap();
    let bug = commit(d, "a: add the bug");
    std::fs::write(d.join("b.c"), "b\n").unwrap();
    let fix = commit(
        d,
        &format!("a: fix the bug\n\nFixes: {}\n", &bug.to_string()[..12]),
    );
    git(d, &["checkout", "-q", "-b", "1.0", "v1.0"]);
    git(d, &["cherry-pick", "-x", &fix.to_string()]);
    // Taken without a backport line: matched by its subject.
    std::fs::write(d.join("c.c"), "c\n").unwrap();
    commit(d, "c: a fix made on the branch");
    git(d, &["checkout", "-q", "main"]);
    git(d, &["tag", "v1.1"]);
}

/// `n` new mainline commits, the first one reverted; the first.
fn more_work(d: &Path, n: usize) -> git2::Oid {
    let mut first = None;
    for i in 0..n {
        std::fs::write(d.join(format!("n{i}.c")), format!("{i}\n")).unwrap();
        let c = commit(d, &format!("n: new work {i}"));
        if i == 0 {
            git(d, &["revert", "--no-edit", &c.to_string()]);
            first = Some(c);
        }
    }
    first.expect("at least one commit")
}

#[test]
fn a_rebuild_from_cached_scans_equals_a_fresh_one() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    history(d);
    let first = open(d, &["1.0=v1.0"], false);
    assert!(!first.stats.from_cache);
    assert_eq!(first.stats.commits_reused, 0, "nothing to reuse yet");

    let reverted = more_work(d, 3);
    let after = open(d, &["1.0=v1.0"], false);
    assert!(!after.stats.from_cache, "main moved: rebuilt");
    // The three earlier mainline commits and the branch's two.
    assert_eq!(after.stats.commits_reused, 5);
    assert_eq!(after.stats.commits_read, 4, "the four new ones");
    let reused = stored(&after);

    let fresh = open(d, &["1.0=v1.0"], true);
    assert_eq!(fresh.stats.commits_reused, 0, "a rebuild reads everything");
    assert_eq!(stored(&fresh), reused);
    assert_eq!(fresh.reverted_by(reverted).len(), 1);
    let branch = &after.branches()[0];
    assert_eq!(
        branch
            .unmarked_with_subject("c: a fix made on the branch")
            .len(),
        1
    );
}

#[test]
fn files_not_read_before_are_read_when_an_older_base_needs_them() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    history(d);
    git(d, &["branch", "1.1", "v1.1"]);
    more_work(d, 2);
    // Files are listed only for commits after the oldest base: v1.1 here.
    open(d, &["1.1=v1.1"], false);
    let both = open(d, &["1.0=v1.0", "1.1=v1.1"], false);
    // The two commits between v1.0 and v1.1 had no files read; the
    // first and the three after v1.1 are reused.
    assert_eq!(both.stats.commits_reused, 4);
    let reused = stored(&both);
    let fresh = open(d, &["1.0=v1.0", "1.1=v1.1"], true);
    assert_eq!(stored(&fresh), reused);
    assert_eq!(fresh.commits_changing("b.c").len(), 1);
}

#[test]
fn a_damaged_scan_cache_is_read_as_none() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    history(d);
    open(d, &["1.0=v1.0"], false);
    let path = scans_file(d);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    more_work(d, 1);
    let after = open(d, &["1.0=v1.0"], false);
    assert_eq!(after.stats.commits_reused, 0);
    let again = stored(&after);
    assert_eq!(stored(&open(d, &["1.0=v1.0"], true)), again);
    // The damaged file was replaced: the next build reuses it.
    more_work(d, 1);
    assert!(open(d, &["1.0=v1.0"], false).stats.commits_reused > 0);
}

#[test]
fn another_branch_sets_commits_stay_cached() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    history(d);
    git(d, &["branch", "1.1", "v1.1"]);
    open(d, &["1.0=v1.0"], false);
    // An index of another branch set rewrites the scan cache ...
    open(d, &["1.1=v1.1"], false);
    more_work(d, 1);
    // ... and the first set's branch commits are still known.
    let again = open(d, &["1.0=v1.0"], false);
    assert_eq!(again.stats.commits_read, 2, "the new commit and its revert");
}
