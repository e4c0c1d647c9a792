//! Phase 6's apply commands can be run again and again: each makes its own
//! temporary worktree or index and removes it, so a second run (the next
//! record for the branch, a rerun) exits as the first did, with the status
//! of the apply check, and nothing is left registered or in `$TMPDIR`.

use stablepick_evidence::{Context, Record, collect};
use stablepick_repo::apply::Applies;
use stablepick_testkit::{commit_on_day, git, git_on_day};
use std::path::Path;
use std::process::Command;

/// Runs `cmd` with sh in `d` and `$TMPDIR` a directory of its own: the exit
/// code and the output, after checking the directory was left empty.
fn run(d: &Path, cmd: &str) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .current_dir(d)
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "{cmd} left {left:?}");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), said)
}

/// Runs `r`'s command twice: both runs exit with `code`, and only the main
/// worktree is registered afterwards. The first run's output.
fn twice(d: &Path, r: &Record, code: i32) -> String {
    let (first, said) = run(d, &r.verified_by);
    let (second, again) = run(d, &r.verified_by);
    assert_eq!(first, Some(code), "{}\n{}\n{said}", r.text, r.verified_by);
    assert_eq!(second, first, "{}\n{}\n{again}", r.text, r.verified_by);
    let worktrees = git(d, &["worktree", "list"]);
    assert_eq!(worktrees.lines().count(), 1, "{worktrees}");
    said
}

fn record<'r>(recs: &'r [Record], part: &str) -> &'r Record {
    recs.iter()
        .find(|r| r.phase == 6 && r.text.contains(part))
        .unwrap_or_else(|| panic!("no record with {part:?} in {recs:#?}"))
}

/// `1.0` moved the file down two lines; upstream `one` rewrites lines 10 and
/// 12, `two` line 11 between them, and the fix changes what `two` wrote.
#[test]
fn apply_and_prerequisite_commands_repeat() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = stablepick_testkit::lines_file_at_v1_0(d, 40);
    git_on_day(d, 1, &["checkout", "-q", "1.0"]);
    std::fs::write(d.join("f.c"), base.replace("line 2\n", "line 2\nx\nx\n")).unwrap();
    commit_on_day(d, 1, "f: two more lines");
    git_on_day(d, 1, &["checkout", "-q", "main"]);
    let text = base
        .replace("line 10\n", "one\n")
        .replace("line 12\n", "three\n");
    std::fs::write(d.join("f.c"), &text).unwrap();
    let one = commit_on_day(d, 2, "f: rewrite lines 10 and 12");
    let text = text.replace("line 11\n", "two\n");
    std::fs::write(d.join("f.c"), &text).unwrap();
    commit_on_day(d, 3, "f: rewrite line 11");
    std::fs::write(d.join("f.c"), text.replace("two\n", "TWO\n")).unwrap();
    let fix = commit_on_day(d, 4, "f: fix line 11");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ctx = Context::new(&g, &index);

    let ev = collect(&ctx, one).unwrap();
    assert_eq!(ev.branches[0].applies, Some(Applies::Offset));
    let offset = record(&ev.records, "with line offsets");
    let said = twice(d, offset, 0);
    assert!(said.contains("(offset 2 lines)"), "{said}");

    let mut ev = collect(&ctx, fix).unwrap();
    assert_eq!(ev.branches[0].applies, Some(Applies::Conflict));
    // 0: `git apply` and `patch` both refused the patch, which is the
    // claim (a worktree failure would be 128).
    twice(d, record(&ev.records, "does NOT apply"), 0);

    stablepick_evidence::prerequisites_for(&ctx, &mut ev, "1.0").unwrap();
    let trial = record(&ev.records, "prerequisite(s) applied first");
    twice(d, trial, 0);
    // Its `git apply --check` of `two` fails, which the `!` turns into 0.
    let needed = record(&ev.records, "does not apply to the branch as is");
    let end = needed.verified_by.find("exit $rc'").unwrap() + "exit $rc'".len();
    let check = Record {
        verified_by: needed.verified_by[..end].to_string(),
        ..needed.clone()
    };
    twice(d, &check, 0);
    twice(d, needed, 0);
}

/// `1.0` changed a context line of the upstream hunk: only `patch -F1`
/// takes it, and its command (git, then patch) repeats as well.
#[test]
fn fuzz_command_repeats() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = stablepick_testkit::lines_file_at_v1_0(d, 50);
    git_on_day(d, 1, &["checkout", "-q", "1.0"]);
    std::fs::write(
        d.join("f.c"),
        base.replace("line 27\n", "line 27 changed\n"),
    )
    .unwrap();
    commit_on_day(d, 1, "f: change line 27");
    git_on_day(d, 1, &["checkout", "-q", "main"]);
    std::fs::write(d.join("f.c"), base.replace("line 30\n", "line thirty\n")).unwrap();
    let up = commit_on_day(d, 2, "f: change line 30");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ev = collect(&Context::new(&g, &index), up).unwrap();
    assert_eq!(ev.branches[0].applies, Some(Applies::Fuzz));
    let said = twice(d, record(&ev.records, "only with fuzz"), 0);
    assert!(said.contains("with fuzz 1"), "{said}");
}

/// `1.0` rewrote lines 10 and 40; upstream changes both: two hunks of one
/// file fail. `git apply` stops at the first; the command goes on with
/// `patch`, so each hunk the text lists is shown failing.
#[test]
fn every_failing_hunk_the_text_lists_is_shown() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = stablepick_testkit::lines_file_at_v1_0(d, 60);
    git_on_day(d, 1, &["checkout", "-q", "1.0"]);
    let branch = base
        .replace("line 10\n", "ten\n")
        .replace("line 40\n", "forty\n");
    std::fs::write(d.join("f.c"), branch).unwrap();
    commit_on_day(d, 1, "f: rewrite lines 10 and 40");
    git_on_day(d, 1, &["checkout", "-q", "main"]);
    let up = base
        .replace("line 10\n", "TEN\n")
        .replace("line 40\n", "FORTY\n");
    std::fs::write(d.join("f.c"), up).unwrap();
    let fix = commit_on_day(d, 2, "f: fix lines 10 and 40");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ev = collect(&Context::new(&g, &index), fix).unwrap();
    assert_eq!(ev.branches[0].applies, Some(Applies::Conflict));
    let rec = record(&ev.records, "does NOT apply");
    assert!(rec.text.contains("hunks #1, #2"), "{}", rec.text);
    let said = twice(d, rec, 0);
    for hunk in ["Hunk #1 FAILED", "Hunk #2 FAILED"] {
        assert!(said.contains(hunk), "{hunk}: {said}");
    }
}

/// The worktree holds only the files the patch changes: a clone that lacks
/// the blob of another file (a snapshot, a partial clone) still runs the
/// apply command, where a whole checkout would stop with git's 128.
#[test]
fn apply_commands_need_only_the_files_the_patch_changes() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "T", "t@example.com");
    std::fs::write(d.join("f.c"), stablepick_testkit::lines(20)).unwrap();
    std::fs::write(d.join("other.c"), "int other;\n").unwrap();
    commit_on_day(d, 0, "base");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    std::fs::write(
        d.join("f.c"),
        stablepick_testkit::lines(20).replace("line 5\n", "five\n"),
    )
    .unwrap();
    // A file it creates is in no tree to check out.
    std::fs::write(d.join("new.c"), "int new;\n").unwrap();
    let fix = commit_on_day(d, 1, "f: fix line 5");
    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ev = collect(&Context::new(&g, &index), fix).unwrap();
    let clean = record(&ev.records, "applies cleanly");

    let blob = git(d, &["rev-parse", "1.0:other.c"]);
    let blob = blob.trim();
    std::fs::remove_file(d.join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    twice(d, clean, 0);
}
