//! A commit's diff pairs deleted and added files as renames exactly where
//! a plain `git show` does, so the files and line counts a report gives
//! are the ones its `git show --stat` command prints.

use stablepick_repo::diff::{CommitDiff, commit_diff};
use stablepick_testkit::{commit, git, init};
use std::path::Path;

fn write(d: &Path, p: &str, text: &str) {
    let f = d.join(p);
    std::fs::create_dir_all(f.parent().unwrap()).unwrap();
    std::fs::write(f, text).unwrap();
}

fn remove(d: &Path, p: &str) {
    std::fs::remove_file(d.join(p)).unwrap();
}

/// `git show --name-status` lines, the rename score left out.
fn listed(f: &CommitDiff) -> Vec<String> {
    f.files
        .iter()
        .map(|f| match f.status {
            'R' => format!("R\t{}\t{}", f.old_path.as_deref().unwrap(), f.path()),
            s => format!("{s}\t{}", f.path()),
        })
        .collect()
}

/// Checks the diff of `HEAD` against what `git show` prints for it.
fn assert_as_git_shows(d: &Path) {
    let g = stablepick_repo::Git::open(d).unwrap();
    let head = git2::Oid::from_str(&git(d, &["rev-parse", "HEAD"])).unwrap();
    let diff = commit_diff(&g, head).unwrap();
    let shown: Vec<String> = git(d, &["show", "--format=", "--name-status", "HEAD"])
        .lines()
        .map(|l| {
            let (status, rest) = l.split_once('\t').unwrap();
            format!("{}\t{rest}", &status[..1])
        })
        .collect();
    assert_eq!(listed(&diff), shown);
    let stat = git(d, &["show", "--format=", "--shortstat", "HEAD"]);
    let ours = format!(
        "{} files changed, {} insertions(+), {} deletions(-)",
        diff.files.len(),
        diff.insertions,
        diff.deletions
    );
    assert_eq!(ours, stat);
    // The patch text too, rename headers included.
    assert_eq!(
        diff.patch.trim_end(),
        git(d, &["show", "--format=", "HEAD"])
    );
}

const OSPFD: &str = "!
interface r1-eth0
  ip ospf hello-interval 2
  ip ospf dead-interval 10
  ip ospf area 1.2.3.4
!
interface r1-eth1
  ip ospf hello-interval 2
  ip ospf dead-interval 10
  ip ospf area 1.2.3.4
!
router ospf
  ospf router-id 1.0.0.0
  capability opaque
!
";

const ZEBRA: &str = "!
interface r1-eth0
 ip address 10.0.1.1/24
!
interface r1-eth1
 ip address 10.0.4.1/24
";

const FRR: &str = "interface r1-eth0
 ip address 10.0.1.1/24
 ip ospf hello-interval 2
 ip ospf dead-interval 10
 ip ospf area 1.2.3.4
!
interface r1-eth1
 ip address 10.0.4.1/24
 ip ospf hello-interval 2
 ip ospf dead-interval 10
 ip ospf area 1.2.3.4
!
router ospf
 ospf router-id 1.0.0.0
!
";

/// FRR's 25fe96b2 merged each router's `ospfd.conf` and `zebra.conf` into
/// one `frr.conf` with other indentation: libgit2's similarity pairs
/// `ospfd.conf` with `frr.conf`, git's does not, and the report counted 72
/// files where `git show --stat` prints 84.
#[test]
fn merged_configs_are_a_deletion_and_an_addition_as_git_shows() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    for r in ["r1", "r2"] {
        write(d, &format!("{r}/ospfd.conf"), OSPFD);
        write(d, &format!("{r}/zebra.conf"), ZEBRA);
    }
    commit(d, "two routers");
    for r in ["r1", "r2"] {
        remove(d, &format!("{r}/ospfd.conf"));
        remove(d, &format!("{r}/zebra.conf"));
        write(d, &format!("{r}/frr.conf"), FRR);
    }
    commit(d, "one config per router");
    let g = stablepick_repo::Git::open(d).unwrap();
    let head = git2::Oid::from_str(&git(d, &["rev-parse", "HEAD"])).unwrap();
    assert_eq!(commit_diff(&g, head).unwrap().files.len(), 6);
    assert_as_git_shows(d);
}

/// The renames git does find: exact ones (a preference for the same
/// basename among equal blobs), moves with edits, a basename moved to
/// another directory, CRLF text, and a file both renamed and re-added.
#[test]
fn renames_are_those_git_finds() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    let body: String = (1..=40)
        .map(|i| format!("line {i} of the body\n"))
        .collect();
    write(d, "a/same.txt", "one blob\ntwo places\n");
    write(d, "a/twin.txt", "one blob\ntwo places\n");
    write(d, "src/edit.c", &body);
    write(d, "src/move.c", &body.replace("body", "moved file"));
    write(d, "old/crlf.txt", &body.replace('\n', "\r\n"));
    write(d, "gone.txt", &body.replace("body", "deleted file"));
    commit(d, "base");
    remove(d, "a/same.txt");
    remove(d, "a/twin.txt");
    write(d, "b/twin.txt", "one blob\ntwo places\n");
    remove(d, "src/edit.c");
    write(
        d,
        "lib/edited.c",
        &body
            .replace("line 7 ", "changed 7 ")
            .replace("line 9 ", "changed 9 "),
    );
    remove(d, "src/move.c");
    write(
        d,
        "elsewhere/move.c",
        &body
            .replace("body", "moved file")
            .replace("line 1 ", "first "),
    );
    remove(d, "old/crlf.txt");
    write(
        d,
        "new/crlf.txt",
        &body.replace("line 3 ", "third ").replace('\n', "\r\n"),
    );
    remove(d, "gone.txt");
    write(d, "unrelated.txt", "nothing like it\n");
    commit(d, "moves");
    assert_as_git_shows(d);
}
