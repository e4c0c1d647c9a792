//! Phase 3's history of the touched files: the walk that looks for earlier
//! commits stops after a bounded number of commits, and then says how far
//! it looked rather than that the files have no history.

use stablepick_evidence::{Context, collect};
use std::io::Write;
use std::process::{Command, Stdio};

/// `a.c` made by the first commit, `busy` commits on `b.c`, then a fix to
/// `a.c`: the fix's last earlier commit on `a.c` lies `busy + 1` back.
fn repo_with_quiet_file(d: &std::path::Path, busy: usize) -> stablepick_repo::Oid {
    stablepick_testkit::init(d, "T", "t@example.com");
    let mut s = String::new();
    let mark = |s: &mut String, n: usize, path: &str, content: &str, msg: &str| {
        s.push_str(&format!(
            "commit refs/heads/main\nmark :{n}\ncommitter T <t@example.com> {} +0000\n\
             data {}\n{msg}\nM 100644 inline {path}\ndata {}\n{content}\n",
            1_700_000_000 + n,
            msg.len() + 1,
            content.len() + 1,
        ));
    };
    mark(&mut s, 1, "a.c", "int a;", "a: add");
    for i in 0..busy {
        mark(
            &mut s,
            i + 2,
            "b.c",
            &format!("int b = {i};"),
            &format!("b: step {i}"),
        );
    }
    mark(&mut s, busy + 2, "a.c", "int a = 0;", "a: fix");
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(d)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    stablepick_testkit::git(d, &["reset", "-q", "--hard", "main"]);
    stablepick_testkit::git(d, &["rev-parse", "main"])
        .parse()
        .unwrap()
}

/// The Phase 3 record on the touched files' history, and what its command
/// prints.
fn history_record_and_output(busy: usize) -> (String, String) {
    let t = tempfile::tempdir().unwrap();
    let fix = repo_with_quiet_file(t.path(), busy);
    let (g, index) = stablepick_testkit::open_index(t.path(), &[]);
    let r = collect(&Context::new(&g, &index), fix)
        .unwrap()
        .records_of(3)
        .find(|r| {
            (r.verified_by
                .starts_with("git log --oneline -5 --no-merges ")
                || r.verified_by.starts_with("git rev-list -n "))
                && !r.verified_by.contains("--author")
        })
        .cloned()
        .expect("a Phase 3 record on the touched files' history");
    let out = stablepick_testkit::sh(t.path(), &r.verified_by);
    assert!(out.status.success(), "{}", r.verified_by);
    (r.text, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn history_record(busy: usize) -> String {
    history_record_and_output(busy).0
}

#[test]
fn a_file_changed_within_the_walk_lists_that_commit() {
    let text = history_record(10);
    assert!(
        text.starts_with("recent commits on the touched files"),
        "{text}"
    );
    assert!(text.contains("a: add"), "{text}");
}

#[test]
fn a_walk_that_stopped_early_does_not_claim_the_files_have_no_history() {
    let (text, out) = history_record_and_output(3_001);
    assert!(!text.contains("no earlier commits"), "{text}");
    assert!(text.contains("newest 3000 earlier commits"), "{text}");
    // The command reads the same 3,000 commits, so it finds none either
    // (a plain `git log` would go on to the file's first commit).
    assert_eq!(out, "", "{text}");
}
