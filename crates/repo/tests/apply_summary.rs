//! The one-line apply summary puts each hunk under what happened to it: a
//! hunk that applies at an offset is under "offsets:", never under
//! "conflict:" or "fuzz:", and `git apply -v --check` shows it succeed.

use stablepick_repo::Git;
use stablepick_repo::apply::{ApplyReport, check_commit};
use stablepick_testkit::{commit, git, init, lines, sh};
use std::path::Path;

/// `base` files committed on `main`, `upstream` committed on `main`,
/// `stable` on a branch from the base: the report of the upstream commit
/// at the stable tip (checked out), and what `git apply -v --check` says.
fn case(
    d: &Path,
    base: &[(&str, String)],
    upstream: &[(&str, Option<String>)],
    stable: &[(&str, Option<String>)],
) -> (ApplyReport, String) {
    init(d, "T", "t@example.com");
    let write = |changes: &[(&str, Option<String>)]| {
        for (p, c) in changes {
            match c {
                Some(c) => std::fs::write(d.join(p), c).unwrap(),
                None => std::fs::remove_file(d.join(p)).unwrap(),
            }
        }
    };
    for (p, c) in base {
        std::fs::write(d.join(p), c).unwrap();
    }
    commit(d, "base");
    git(d, &["branch", "stable"]);
    write(upstream);
    let up = commit(d, "upstream change");
    git(d, &["checkout", "-q", "stable"]);
    write(stable);
    let tip = commit(d, "stable change");
    let report = check_commit(&Git::open(d).unwrap(), up, tip).unwrap();
    let out = sh(
        d,
        &format!("git show --binary --format= {up} | git apply -v --check"),
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (report, said)
}

fn edit(text: &str, from: &str, to: &str) -> Option<String> {
    Some(text.replacen(from, to, 1))
}

#[test]
fn offset_file_is_not_a_conflict() {
    let t = tempfile::tempdir().unwrap();
    let base = lines(50);
    let (rep, said) = case(
        t.path(),
        &[("a.c", base.clone()), ("b.c", base.clone())],
        &[
            ("a.c", edit(&base, "line 30\n", "line thirty\n")),
            ("b.c", edit(&base, "line 30\n", "line thirty\n")),
        ],
        &[
            ("a.c", edit(&base, "line 2\n", "line 2\nextra\nextra\n")),
            ("b.c", edit(&base, "line 30\n", "line 30 reworked\n")),
        ],
    );
    assert_eq!(
        rep.summary(),
        "conflict: `b.c`: hunk #1 of 1 fails; offsets: `a.c`: hunk #1 of 1 at offset 2 lines"
    );
    assert!(
        said.contains("Hunk #1 succeeded at 29 (offset 2 lines)"),
        "{said}"
    );
    assert!(said.contains("patch failed: b.c"), "{said}");
}

#[test]
fn offset_and_failing_hunks_of_one_file() {
    let t = tempfile::tempdir().unwrap();
    let base = lines(80);
    let up =
        base.replacen("line 20\n", "line twenty\n", 1)
            .replacen("line 60\n", "line sixty\n", 1);
    let (rep, said) = case(
        t.path(),
        &[("f.c", base.clone())],
        &[("f.c", Some(up))],
        &[(
            "f.c",
            Some(base.replacen("line 2\n", "line 2\nx\nx\nx\n", 1).replacen(
                "line 60\n",
                "line 60 reworked\n",
                1,
            )),
        )],
    );
    assert_eq!(
        rep.summary(),
        "conflict: `f.c`: hunk #2 of 2 fails; offsets: `f.c`: hunk #1 of 2 at offset 3 lines"
    );
    assert!(
        said.contains("Hunk #1 succeeded at 20 (offset 3 lines)"),
        "{said}"
    );
}

#[test]
fn offset_file_is_not_fuzz() {
    let t = tempfile::tempdir().unwrap();
    let base = lines(50);
    let (rep, said) = case(
        t.path(),
        &[("f.c", base.clone()), ("g.c", base.clone())],
        &[
            ("f.c", edit(&base, "line 30\n", "line thirty\n")),
            ("g.c", edit(&base, "line 30\n", "line thirty\n")),
        ],
        &[
            ("f.c", edit(&base, "line 27\n", "line 27 changed\n")),
            ("g.c", edit(&base, "line 2\n", "line 2\nextra\nextra\n")),
        ],
    );
    assert_eq!(
        rep.summary(),
        "fuzz: `f.c`: hunk #1 of 1 only with fuzz 1; offsets: `g.c`: hunk #1 of 1 at offset 2 lines"
    );
    assert!(
        said.contains("Hunk #1 succeeded at 29 (offset 2 lines)"),
        "{said}"
    );
}

#[test]
fn missing_file_beside_an_offset() {
    let t = tempfile::tempdir().unwrap();
    let base = lines(50);
    let (rep, said) = case(
        t.path(),
        &[("a.c", base.clone()), ("test.py", lines(5))],
        &[
            ("a.c", edit(&base, "line 30\n", "line thirty\n")),
            ("test.py", edit(&lines(5), "line 3\n", "three\n")),
        ],
        &[
            ("a.c", edit(&base, "line 2\n", "line 2\nextra\nextra\n")),
            ("test.py", None),
        ],
    );
    assert_eq!(
        rep.summary(),
        "conflict: `test.py` does not exist at the target; offsets: `a.c`: hunk #1 of 1 at offset 2 lines"
    );
    assert!(
        said.contains("Hunk #1 succeeded at 29 (offset 2 lines)"),
        "{said}"
    );
    assert!(said.contains("test.py: No such file"), "{said}");
}
