//! The in-process applier against `git apply --check`, on small
//! repositories built here: an upstream commit on `main` checked against a
//! `stable` branch that diverged in a chosen way.

use stablepick_repo::apply::{Applies, check_commit};
use stablepick_repo::{Git, Oid};
use stablepick_testkit::lines;
use std::path::Path;
use std::process::{Command, Stdio};

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r.git(&["config", "user.name", "T"]);
        r.git(&["config", "user.email", "t@example.com"]);
        r.git(&["config", "commit.gpgsign", "false"]);
        r
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn write(&self, path: &str, content: &[u8]) {
        let p = self.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    fn commit(&self, msg: &str) -> Oid {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        Oid::from_str(self.git(&["rev-parse", "HEAD"]).trim()).unwrap()
    }
    /// `git show --binary <sha> | git apply --check` in the work tree.
    fn git_apply_check(&self, commit: Oid) -> bool {
        let patch = self.git(&["show", "--binary", "--format=", &commit.to_string()]);
        let mut child = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(["apply", "--check", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(patch.as_bytes())
            .unwrap();
        child.wait().unwrap().success()
    }
}

/// Builds base → upstream change on main, base → stable change on stable,
/// checks the upstream commit against the stable tip both ways.
fn case(
    base: &[(&str, &[u8])],
    upstream: &dyn Fn(&Repo),
    stable: &dyn Fn(&Repo),
) -> (Applies, bool, stablepick_repo::apply::ApplyReport) {
    let r = Repo::new();
    for (p, c) in base {
        r.write(p, c);
    }
    r.commit("base");
    r.git(&["branch", "stable"]);
    upstream(&r);
    let up = r.commit("upstream change");
    r.git(&["checkout", "-q", "stable"]);
    stable(&r);
    let tip = r.commit("stable change");
    let git = Git::open(r.path()).unwrap();
    let report = check_commit(&git, up, tip).unwrap();
    let git_ok = r.git_apply_check(up);
    assert_eq!(
        report.applies.git_applies(),
        git_ok,
        "in-process {:?} vs git apply {git_ok}: {report:?}",
        report.applies
    );
    (report.applies, git_ok, report)
}

fn replace(r: &Repo, path: &str, from: &str, to: &str) {
    let p = r.path().join(path);
    let s = std::fs::read_to_string(&p).unwrap().replacen(from, to, 1);
    std::fs::write(p, s).unwrap();
}

#[test]
fn clean() {
    let base = lines(50);
    let (a, ok, _) = case(
        &[("f.c", base.as_bytes())],
        &|r| replace(r, "f.c", "line 30\n", "line thirty\n"),
        &|r| replace(r, "f.c", "line 2\n", "line two\n"),
    );
    assert_eq!((a, ok), (Applies::Clean, true));
}

#[test]
fn offset() {
    let base = lines(50);
    let (a, ok, rep) = case(
        &[("f.c", base.as_bytes())],
        &|r| replace(r, "f.c", "line 30\n", "line thirty\n"),
        &|r| replace(r, "f.c", "line 2\n", "line 2\nextra\nextra\n"),
    );
    assert_eq!((a, ok), (Applies::Offset, true));
    assert_eq!(rep.files[0].hunks[0].offset, 2);
}

#[test]
fn fuzz_is_refused_by_git_apply() {
    let base = lines(50);
    let (a, ok, rep) = case(
        &[("f.c", base.as_bytes())],
        &|r| replace(r, "f.c", "line 30\n", "line thirty\n"),
        &|r| replace(r, "f.c", "line 27\n", "line 27 changed\n"),
    );
    assert_eq!((a, ok), (Applies::Fuzz, false));
    assert_eq!(rep.files[0].hunks[0].fuzz, 1);
}

#[test]
fn conflict() {
    let base = lines(50);
    let (a, ok, rep) = case(
        &[("f.c", base.as_bytes())],
        &|r| replace(r, "f.c", "line 30\n", "line thirty\n"),
        &|r| replace(r, "f.c", "line 30\n", "line 30 reworked\n"),
    );
    assert_eq!((a, ok), (Applies::Conflict, false));
    assert!(rep.summary().contains("f.c"), "{}", rep.summary());
    assert_eq!(rep.conflict_share(), 1.0);
}

#[test]
fn missing_file() {
    let base = lines(20);
    let (a, ok, rep) = case(
        &[("a/f.c", base.as_bytes()), ("keep", b"k\n")],
        &|r| replace(r, "a/f.c", "line 10\n", "line ten\n"),
        &|r| std::fs::remove_file(r.path().join("a/f.c")).unwrap(),
    );
    assert_eq!((a, ok), (Applies::Conflict, false));
    assert!(rep.files[0].missing);
    assert!(rep.summary().contains("a/f.c"));
}

#[test]
fn rename_applies_to_old_name() {
    let base = lines(40);
    let (a, ok, rep) = case(
        &[("old.c", base.as_bytes())],
        &|r| {
            std::fs::remove_file(r.path().join("old.c")).unwrap();
            r.write(
                "new.c",
                base.replace("line 20\n", "line twenty\n").as_bytes(),
            );
        },
        &|r| replace(r, "old.c", "line 1\n", "line 1\n"),
    );
    assert_eq!((a, ok), (Applies::Clean, true));
    assert_eq!(rep.files[0].status, 'R');
}

#[test]
fn rename_onto_existing_file_conflicts() {
    let base = lines(40);
    let (a, ok, _) = case(
        &[("old.c", base.as_bytes())],
        &|r| {
            std::fs::remove_file(r.path().join("old.c")).unwrap();
            r.write("new.c", base.as_bytes());
        },
        &|r| r.write("new.c", b"already here\n"),
    );
    assert_eq!((a, ok), (Applies::Conflict, false));
}

#[test]
fn added_file_and_existing_file() {
    let (a, ok, _) = case(&[("keep", b"k\n")], &|r| r.write("n.c", b"new\n"), &|_| {});
    assert_eq!((a, ok), (Applies::Clean, true));
    let (a, ok, _) = case(&[("keep", b"k\n")], &|r| r.write("n.c", b"new\n"), &|r| {
        r.write("n.c", b"other\n")
    });
    assert_eq!((a, ok), (Applies::Conflict, false));
}

#[test]
fn deleted_file() {
    let base = lines(10);
    let (a, ok, _) = case(
        &[("d.c", base.as_bytes()), ("keep", b"k\n")],
        &|r| std::fs::remove_file(r.path().join("d.c")).unwrap(),
        &|_| {},
    );
    assert_eq!((a, ok), (Applies::Clean, true));
    let (a, ok, _) = case(
        &[("d.c", base.as_bytes()), ("keep", b"k\n")],
        &|r| std::fs::remove_file(r.path().join("d.c")).unwrap(),
        &|r| replace(r, "d.c", "line 5\n", "line five\n"),
    );
    assert_eq!((a, ok), (Applies::Conflict, false));
}

#[test]
fn binary_needs_the_same_preimage() {
    let bin: &[u8] = b"\x00\x01\x02binary\x00";
    let (a, ok, rep) = case(
        &[("b.bin", bin), ("keep", b"k\n")],
        &|r| r.write("b.bin", b"\x00\x09changed\x00"),
        &|r| r.write("keep", b"k2\n"),
    );
    assert_eq!((a, ok), (Applies::Clean, true));
    assert!(rep.files[0].binary);
    let (a, ok, _) = case(
        &[("b.bin", bin), ("keep", b"k\n")],
        &|r| r.write("b.bin", b"\x00\x09changed\x00"),
        &|r| r.write("b.bin", b"\x00\x07stable\x00"),
    );
    assert_eq!((a, ok), (Applies::Conflict, false));
}

#[test]
fn mode_only_change() {
    use std::os::unix::fs::PermissionsExt;
    let (a, ok, _) = case(
        &[("s.sh", b"echo\n")],
        &|r| {
            std::fs::set_permissions(
                r.path().join("s.sh"),
                std::fs::Permissions::from_mode(0o755),
            )
            .unwrap()
        },
        &|r| r.write("other", b"o\n"),
    );
    assert_eq!((a, ok), (Applies::Clean, true));
}

#[test]
fn no_newline_at_end_of_file() {
    let (a, ok, _) = case(
        &[("n.txt", b"a\nb\nc")],
        &|r| r.write("n.txt", b"a\nb\nc\nd\n"),
        &|r| r.write("n.txt", b"a\nb\nc\n"),
    );
    assert!(!ok);
    assert_ne!(a, Applies::Clean);
    let (a, ok, _) = case(
        &[("n.txt", b"x\n\n\n\na\nb\nc")],
        &|r| r.write("n.txt", b"x\n\n\n\na\nb\nC"),
        &|r| r.write("n.txt", b"y\nx\n\n\n\na\nb\nc"),
    );
    assert_eq!((a, ok), (Applies::Offset, true));
}

#[test]
fn hunk_at_top_must_match_at_top() {
    let base = lines(20);
    let (a, ok, _) = case(
        &[("t.c", base.as_bytes())],
        &|r| replace(r, "t.c", "line 1\n", "line one\n"),
        &|r| r.write("t.c", format!("header\n{base}").as_bytes()),
    );
    // `git apply` refuses it, and so does `patch -F2`: a hunk with no
    // leading context stays anchored to the top while the fuzz is below
    // its three lines of context.
    assert_eq!((a, ok), (Applies::Conflict, false));
}

#[test]
fn many_files_worst_wins() {
    let base = lines(30);
    let (a, ok, rep) = case(
        &[("a.c", base.as_bytes()), ("b.c", base.as_bytes())],
        &|r| {
            replace(r, "a.c", "line 15\n", "A\n");
            replace(r, "b.c", "line 15\n", "B\n");
        },
        &|r| replace(r, "b.c", "line 15\n", "stable\n"),
    );
    assert_eq!((a, ok), (Applies::Conflict, false));
    assert_eq!(rep.files[0].outcome, Applies::Clean);
    assert_eq!(rep.files[1].outcome, Applies::Conflict);
    // One hunk of two fails.
    assert_eq!(rep.conflict_share(), 0.5);
}

/// A patch read for some targets (blobs skipped where they all have the
/// preimage) checks any other target exactly like a fully read one.
#[test]
fn for_targets_matches_new_on_other_targets() {
    use stablepick_repo::apply::CommitPatch;
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let run = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(d)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    run(&["init", "-q", "-b", "main"]);
    run(&["config", "user.name", "T"]);
    run(&["config", "user.email", "t@example.com"]);
    let text: String = (1..=30).map(|i| format!("line {i}\n")).collect();
    std::fs::write(d.join("a.c"), &text).unwrap();
    std::fs::write(d.join("b.c"), &text).unwrap();
    run(&["add", "-A"]);
    run(&["commit", "-q", "-m", "base"]);
    let same = run(&["rev-parse", "HEAD"]);
    // Another target where b.c moved down two lines.
    std::fs::write(d.join("b.c"), format!("x\ny\n{text}")).unwrap();
    run(&["commit", "-q", "-am", "shift b"]);
    let shifted = run(&["rev-parse", "HEAD"]);
    run(&["checkout", "-q", &same]);
    std::fs::write(d.join("a.c"), text.replace("line 9\n", "nine\n")).unwrap();
    std::fs::write(d.join("b.c"), text.replace("line 9\n", "nine\n")).unwrap();
    run(&["commit", "-q", "-am", "change"]);
    let c = Oid::from_str(&run(&["rev-parse", "HEAD"])).unwrap();
    let (same, shifted) = (
        Oid::from_str(&same).unwrap(),
        Oid::from_str(&shifted).unwrap(),
    );

    let g = Git::open(d).unwrap();
    let lazy = CommitPatch::for_targets(&g, c, &[same]).unwrap();
    assert!(lazy.files.iter().all(|f| f.unread));
    let full = CommitPatch::new(&g, c).unwrap();
    for target in [same, shifted] {
        let (a, b) = (
            lazy.check(&g, target).unwrap(),
            full.check(&g, target).unwrap(),
        );
        assert_eq!(a.applies, b.applies);
    }
    assert_eq!(lazy.check(&g, shifted).unwrap().applies, Applies::Offset);
}
