//! A hunk may not match lines an earlier hunk of the same patch wrote:
//! `git apply` marks them (`LINE_PATCHED`) and looks elsewhere. A patch that
//! inserts a copy of a block and then edits the original is refused where
//! the original was changed, even though the fresh copy holds the hunk's
//! preimage; a prerequisite refused so must not apply in memory either.

use stablepick_repo::apply::overlay::Overlay;
use stablepick_repo::apply::{CommitPatch, check_commit};
use stablepick_repo::{Git, Oid};
use stablepick_testkit::{commit, git, init};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// `git show --binary --format= <c> | git apply --cached [--check]` against
/// the index file `index`: whether git took it.
fn git_apply_cached(d: &Path, index: &Path, c: Oid, check: bool) -> bool {
    let patch = Command::new("git")
        .arg("-C")
        .arg(d)
        .args(["show", "--binary", "--format=", &c.to_string()])
        .output()
        .unwrap()
        .stdout;
    let mut args = vec!["apply", "--cached"];
    if check {
        args.push("--check");
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(d)
        .args(&args)
        .env("GIT_INDEX_FILE", index)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&patch).unwrap();
    child.wait().unwrap().success()
}

fn block(r3: &str) -> String {
    format!("r1\nr2\n{r3}\nr4\nr5\nr6\nr7\n")
}

fn numbered(from: usize, to: usize) -> String {
    (from..=to).map(|i| format!("line {i}\n")).collect()
}

/// `1.0`: the block with r3 changed. main: an unrelated change (applies),
/// one that copies the block near the top and edits r4 in the original
/// (git refuses it on `1.0`: its second hunk's preimage is only in the
/// copy its first hunk wrote), and a fix of that edit.
struct Case {
    dir: tempfile::TempDir,
    tip: Oid,
    unrelated: Oid,
    copy_and_edit: Oid,
    fix: Oid,
}

fn build() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, "T", "t@example.com");
    let file = |top: &str, r: &str, tail: &str| {
        std::fs::write(
            d.join("f.c"),
            format!("{}{top}{}{r}{tail}", numbered(1, 5), numbered(6, 20)),
        )
        .unwrap();
    };
    let tail = numbered(21, 40);
    file("", &block("r3"), &tail);
    commit(d, "base");
    git(d, &["branch", "1.0"]);
    git(d, &["checkout", "-q", "1.0"]);
    file("", &block("r3 on the branch"), &tail);
    let tip = commit(d, "branch: change r3");
    git(d, &["checkout", "-q", "main"]);
    let tail2 = tail.replace("line 35\n", "thirty-five\n");
    file("", &block("r3"), &tail2);
    let unrelated = commit(d, "unrelated");
    let edited = block("r3").replace("r4\n", "r4 changed\n");
    file(&block("r3"), &edited, &tail2);
    let copy_and_edit = commit(d, "copy the block, edit the original");
    let fixed = edited.replace("r4 changed\n", "r4 fixed\n");
    file(&block("r3"), &fixed, &tail2);
    let fix = commit(d, "fix the edit");
    Case {
        dir,
        tip,
        unrelated,
        copy_and_edit,
        fix,
    }
}

#[test]
fn a_hunk_does_not_match_lines_an_earlier_hunk_wrote() {
    let c = build();
    let d = c.dir.path();
    let g = Git::open(d).unwrap();
    let index = d.join(".git/test-index");
    git(d, &["read-tree", "--index-output=.git/test-index", "1.0"]);
    let ours = check_commit(&g, c.copy_and_edit, c.tip).unwrap();
    let theirs = git_apply_cached(d, &index, c.copy_and_edit, true);
    assert!(!theirs, "the case relies on git refusing the patch");
    assert_eq!(ours.applies.git_applies(), theirs, "{}", ours.summary());
}

#[test]
fn prerequisites_in_memory_agree_with_git_apply_cached() {
    let c = build();
    let d = c.dir.path();
    let g = Git::open(d).unwrap();
    let index = d.join(".git/test-index");
    git(d, &["read-tree", "--index-output=.git/test-index", "1.0"]);
    let tree = g.repo().find_commit(c.tip).unwrap().tree().unwrap();
    let mut overlay = Overlay::new(&tree);
    for p in [c.unrelated, c.copy_and_edit] {
        let ours = overlay
            .apply(&g, &CommitPatch::new(&g, p).unwrap())
            .unwrap();
        let theirs = git_apply_cached(d, &index, p, false);
        assert_eq!(ours, theirs, "prerequisite {p}");
    }
    let patch = CommitPatch::new(&g, c.fix).unwrap();
    let ours = overlay.check(&g, &patch).unwrap();
    let theirs = git_apply_cached(d, &index, c.fix, true);
    assert_eq!(ours.applies.git_applies(), theirs, "{}", ours.summary());
}

/// A list of commits replayed in memory and with `git apply --cached`:
/// each is taken or refused alike, and the trees end up the same. The list
/// holds what `git apply` is strict about: an add of a path that exists, a
/// patch of several files one of which fails (none of it is applied), a
/// rename then a change of the new name, a last line without a newline,
/// and binary files.
#[test]
fn a_list_in_memory_ends_as_git_apply_cached_leaves_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, "T", "t@example.com");
    let w = |p: &str, s: &[u8]| std::fs::write(d.join(p), s).unwrap();
    let r = |p: &str| std::fs::read(d.join(p)).unwrap();
    w("g.c", numbered(1, 30).as_bytes());
    w("h.c", numbered(1, 30).as_bytes());
    w("tail.c", b"a\nb\nno newline");
    w("bin", b"\0one");
    commit(d, "base");
    git(d, &["branch", "1.0"]);
    let edit = |p: &str, from: &str, to: &str| {
        let s = String::from_utf8(r(p)).unwrap();
        assert!(s.contains(from), "{p}: {from}");
        w(p, s.replacen(from, to, 1).as_bytes());
    };
    // A commit on its own branch off `base`.
    let side = |name: &str, base: &str, f: &dyn Fn()| -> Oid {
        git(d, &["checkout", "-q", "-b", name, base]);
        f();
        let c = commit(d, name);
        git(d, &["checkout", "-q", "main"]);
        c
    };
    let mut list = Vec::new();
    list.push(side("add-a", "main", &|| w("new.h", b"one\n")));
    list.push(side("add-b", "main", &|| w("new.h", b"two\n")));
    // h.c's hunk fails on `1.0` (below), so the g.c part must not stay.
    list.push(side("both", "main", &|| {
        edit("g.c", "line 5\n", "five\n");
        edit("h.c", "line 20\n", "twenty\n");
    }));
    list.push(side("needs-both", "both", &|| {
        edit("g.c", "five\n", "FIVE\n")
    }));
    list.push(side("tail", "main", &|| {
        w("tail.c", b"a\nb\nno newline\nmore\n")
    }));
    list.push(side("bin", "main", &|| w("bin", b"\0two")));
    list.push(side("bin-again", "bin", &|| w("bin", b"\0three")));
    list.push(side("rename", "main", &|| {
        git(d, &["mv", "g.c", "k.c"]);
        edit("k.c", "line 25\n", "twenty-five\n");
    }));
    list.push(side("after-rename", "rename", &|| {
        edit("k.c", "line 10\n", "ten\n")
    }));
    // The branch: h.c's line 20 is changed there.
    git(d, &["checkout", "-q", "1.0"]);
    edit("h.c", "line 19\nline 20\nline 21\n", "changed\n");
    let tip = commit(d, "branch: change h.c");

    let g = Git::open(d).unwrap();
    let index = d.join(".git/test-index");
    git(d, &["read-tree", "--index-output=.git/test-index", "1.0"]);
    let tree = g.repo().find_commit(tip).unwrap().tree().unwrap();
    let mut overlay = Overlay::new(&tree);
    let mut taken = Vec::new();
    for &p in &list {
        let ours = overlay
            .apply(&g, &CommitPatch::new(&g, p).unwrap())
            .unwrap();
        let theirs = git_apply_cached(d, &index, p, false);
        assert_eq!(
            ours,
            theirs,
            "{}",
            git(d, &["log", "-1", "--format=%s", &p.to_string()])
        );
        taken.push(ours);
    }
    // Not a list where everything applies, nor one where nothing does.
    assert!(taken.contains(&true) && taken.contains(&false), "{taken:?}");
    let staged = Command::new("git")
        .arg("-C")
        .arg(d)
        .args(["ls-files", "-s"])
        .env("GIT_INDEX_FILE", &index)
        .output()
        .unwrap()
        .stdout;
    let staged = String::from_utf8(staged).unwrap();
    let mut paths = Vec::new();
    for l in staged.lines() {
        let (meta, path) = l.split_once('\t').unwrap();
        let id = Oid::from_str(meta.split_whitespace().nth(1).unwrap()).unwrap();
        assert_eq!(overlay.blob_id(path), Some(id), "{path}");
        paths.push(path.to_string());
    }
    for gone in ["g.c", "k.c", "new.h"] {
        if !paths.iter().any(|p| p == gone) {
            assert_eq!(overlay.blob_id(gone), None, "{gone}");
        }
    }
}
