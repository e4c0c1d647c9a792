//! Phase 3's history records list what their `verified_by` command prints:
//! the author's earlier commits are ancestors of this one (not merely no
//! newer), the files' recent commits include side branches as `git log
//! --full-history` does, and a fix-of-fix chain names every `Fixes:`
//! target of a commit that has several.

use stablepick_evidence::{Context, Record, collect};
use stablepick_repo::Oid;
use stablepick_testkit::{commit_on_day, git_on_day, init};
use std::path::Path;

/// The Phase 3 records of `c` in the repository `d` (mainline `main`).
fn phase3(d: &Path, c: Oid) -> Vec<Record> {
    let (g, index) = stablepick_testkit::open_index(d, &[]);
    collect(&Context::new(&g, &index), c)
        .unwrap()
        .records_of(3)
        .cloned()
        .collect()
}

fn record<'r>(recs: &'r [Record], prefix: &str) -> &'r Record {
    recs.iter()
        .find(|r| r.text.starts_with(prefix))
        .unwrap_or_else(|| panic!("no record starting {prefix:?} in {recs:#?}"))
}

/// The commit ids a record's text lists: each is followed by ` ("subject")`.
fn ids_in_text(text: &str) -> Vec<String> {
    text.match_indices(" (\"")
        .map(|(i, _)| {
            let before = &text[..i];
            let start = before.rfind(' ').map_or(0, |s| s + 1);
            before[start..].to_string()
        })
        .collect()
}

/// Whether the commits listed in `r`'s text are, in order, those its
/// command prints.
fn assert_text_matches_command(d: &Path, r: &Record) {
    let out = stablepick_testkit::sh(d, &r.verified_by);
    assert!(out.status.success(), "{}", r.verified_by);
    let printed: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();
    let listed = ids_in_text(&r.text);
    assert_eq!(
        listed.len(),
        printed.len(),
        "{}\n{}\nprints {printed:?}",
        r.text,
        r.verified_by
    );
    for (l, p) in listed.iter().zip(&printed) {
        assert!(
            l.starts_with(p.as_str()),
            "{}\n{}\nprints {printed:?}",
            r.text,
            r.verified_by
        );
    }
}

fn write(d: &Path, name: &str, text: &str) {
    std::fs::write(d.join(name), text).unwrap();
}

#[test]
fn a_later_commit_of_the_same_series_with_the_same_time_is_not_earlier_work() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(d, "f.c", "0\n");
    let base = commit_on_day(d, 0, "f: add");
    // A series applied at once: both commits carry the same time.
    write(d, "f.c", "1\n");
    let first = commit_on_day(d, 5, "f: first step");
    write(d, "f.c", "2\n");
    let second = commit_on_day(d, 5, "f: second step");
    write(d, "f.c", "3\n");
    commit_on_day(d, 9, "f: later");

    let recs = phase3(d, first);
    let r = record(
        &recs,
        "author T <t@example.com> (this address or this name)",
    );
    assert!(
        !r.text.contains(&second.to_string()[..12]),
        "a later commit listed: {}",
        r.text
    );
    assert_eq!(
        ids_in_text(&r.text),
        vec![base.to_string()[..12].to_string()]
    );
    assert_text_matches_command(d, r);

    // From the second, both earlier ones, the newer first.
    let recs = phase3(d, second);
    let r = record(
        &recs,
        "author T <t@example.com> (this address or this name)",
    );
    assert_eq!(
        ids_in_text(&r.text),
        vec![
            first.to_string()[..12].to_string(),
            base.to_string()[..12].to_string()
        ]
    );
    assert_text_matches_command(d, r);
}

#[test]
fn commits_of_a_side_branch_the_merge_did_not_keep_are_listed_and_printed() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(d, "f.c", "0\n");
    commit_on_day(d, 0, "f: add");
    git_on_day(d, 1, &["checkout", "-q", "-b", "side"]);
    write(d, "f.c", "1\n");
    let side = commit_on_day(d, 1, "f: change on the side");
    git_on_day(d, 2, &["checkout", "-q", "main"]);
    write(d, "f.c", "1\n");
    let direct = commit_on_day(d, 2, "f: same change on main");
    // The merge takes main's version, the same as the side's: git's
    // default history simplification then hides the side's commit.
    git_on_day(
        d,
        3,
        &["merge", "-q", "--no-ff", "-m", "Merge side", "side"],
    );
    write(d, "f.c", "2\n");
    let fix = commit_on_day(d, 4, "f: fix");

    let recs = phase3(d, fix);
    for prefix in [
        "recent commits on the touched files",
        "author T <t@example.com> (this address or this name)",
    ] {
        let r = record(&recs, prefix);
        let listed = ids_in_text(&r.text);
        assert!(
            listed.contains(&side.to_string()[..12].to_string()),
            "{}",
            r.text
        );
        assert!(
            listed.contains(&direct.to_string()[..12].to_string()),
            "{}",
            r.text
        );
        assert_text_matches_command(d, r);
    }
}

#[test]
fn a_fix_of_fix_chain_names_every_fixes_target() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    let mut day = 0;
    let mut change = |name: &str, msg: &str| {
        write(d, name, &format!("{day}\n"));
        day += 1;
        commit_on_day(d, day, msg)
    };
    let fixes = |o: Oid, subject: &str| format!("Fixes: {} (\"{subject}\")", &o.to_string()[..12]);
    let three = change("c.c", "c: add three");
    // `one` fixes `three`: the chain goes on past the commit that names
    // two targets.
    let one = change(
        "a.c",
        &format!("a: add one\n\n{}", fixes(three, "c: add three")),
    );
    let two = change("b.c", "b: add two");
    let middle = change(
        "a.c",
        &format!(
            "a: fix one and two\n\n{}\n{}",
            fixes(one, "a: add one"),
            fixes(two, "b: add two")
        ),
    );
    let last = change(
        "a.c",
        &format!("a: fix the fix\n\n{}", fixes(middle, "a: fix one and two")),
    );

    let recs = phase3(d, last);
    let r = record(&recs, "fix-of-fix chain");
    let name = |o: Oid| o.to_string()[..12].to_string();
    assert_eq!(
        r.text,
        format!(
            "fix-of-fix chain: this commit fixes {} (\"a: fix one and two\"), which fixes \
             {} (\"a: add one\") and {} (\"b: add two\"); {} fixes {} (\"c: add three\")",
            name(middle),
            name(one),
            name(two),
            name(one),
            name(three)
        )
    );
    // The command shows the `Fixes:` lines of the commit naming both.
    let out = stablepick_testkit::sh(d, &r.verified_by);
    let shown = String::from_utf8_lossy(&out.stdout);
    for o in [one, two, three] {
        assert!(shown.contains(&name(o)), "{}\n{shown}", r.verified_by);
    }
}

#[test]
fn a_commit_that_creates_the_files_directory_for_another_file_is_not_listed() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    std::fs::create_dir_all(d.join("a/b")).unwrap();
    write(d, "a/x.c", "x\n");
    commit_on_day(d, 0, "x: add");
    // Creates `a/b`, but not `a/b/c.c`.
    write(d, "a/b/other.c", "o\n");
    let sibling = commit_on_day(d, 1, "other: add");
    write(d, "a/b/c.c", "c\n");
    let added = commit_on_day(d, 2, "c: add");
    write(d, "a/b/c.c", "c fixed\n");
    let fix = commit_on_day(d, 3, "c: fix");

    let recs = phase3(d, fix);
    for prefix in [
        "recent commits on the touched files",
        "author T <t@example.com> (this address or this name)",
    ] {
        let r = record(&recs, prefix);
        assert_eq!(
            ids_in_text(&r.text),
            vec![added.to_string()[..12].to_string()]
        );
        assert!(!r.text.contains(&sibling.to_string()[..12]), "{}", r.text);
        assert_text_matches_command(d, r);
    }
}

#[test]
fn recent_commits_come_in_the_order_git_log_prints_them() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(d, "f.c", "0\n");
    write(d, "g.c", "0\n");
    commit_on_day(d, 0, "add");
    // The side branch's commits are newer than the mainline's it merges
    // into, and interleave with them.
    git_on_day(d, 1, &["checkout", "-q", "-b", "side"]);
    for (day, n) in [(2, 1), (4, 2), (6, 3)] {
        write(d, "g.c", &format!("{n}\n"));
        commit_on_day(d, day, &format!("g: step {n}"));
    }
    git_on_day(d, 7, &["checkout", "-q", "main"]);
    for (day, n) in [(1, 1), (3, 2), (5, 3)] {
        write(d, "f.c", &format!("{n}\n"));
        commit_on_day(d, day, &format!("f: step {n}"));
    }
    git_on_day(
        d,
        8,
        &["merge", "-q", "--no-ff", "-m", "Merge side", "side"],
    );
    write(d, "f.c", "fixed\n");
    write(d, "g.c", "fixed\n");
    let fix = commit_on_day(d, 9, "f, g: fix");

    let recs = phase3(d, fix);
    for prefix in [
        "recent commits on the touched files",
        "author T <t@example.com> (this address or this name)",
    ] {
        let r = record(&recs, prefix);
        assert_eq!(ids_in_text(&r.text).len(), 5, "{}", r.text);
        assert_text_matches_command(d, r);
    }
}

/// A commit newer than every release is "not in any release yet", and the
/// command lists the tags that do contain it, none a release: here a
/// point release cut from mainline, and a release tag that sits on a
/// stable branch off mainline.
#[test]
fn a_commit_in_no_release_shows_the_tags_that_contain_it() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(d, "f.c", "0\n");
    commit_on_day(d, 0, "f: add");
    git_on_day(d, 0, &["tag", "-a", "-m", "v1.0", "v1.0"]);
    // v2.0 is tagged on its own branch, after the fork.
    git_on_day(d, 1, &["checkout", "-q", "-b", "2.0"]);
    write(d, "g.c", "release notes\n");
    commit_on_day(d, 1, "release 2.0");
    git_on_day(d, 1, &["tag", "-a", "-m", "v2.0", "v2.0"]);
    git_on_day(d, 2, &["checkout", "-q", "main"]);
    write(d, "f.c", "1\n");
    let fix = commit_on_day(d, 3, "f: fix");
    git_on_day(d, 4, &["tag", "-a", "-m", "v2.0.1", "v2.0.1"]);

    let recs = phase3(d, fix);
    let r = record(&recs, "this commit is not in any release yet");
    assert!(
        r.text.contains("the newest release counted is v2.0:"),
        "{}",
        r.text
    );
    let out = stablepick_testkit::sh(d, &r.verified_by);
    assert!(out.status.success(), "{}", r.verified_by);
    let tags: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(tags, vec!["v2.0.1".to_string()], "{}", r.verified_by);
}

/// systemd names the commit a change repairs with `Follow-up for <sha>`,
/// not `Fixes:`: Phase 3 lists such later commits, and its grep prints
/// them and nothing else.
#[test]
fn later_follow_ups_are_listed_with_the_command_that_finds_them() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(d, "swap.c", "int a;\n");
    commit_on_day(d, 1, "core: add swap");
    write(d, "swap.c", "int a = 1;\n");
    let first = commit_on_day(d, 2, "core/swap: fix memory management");
    write(d, "other.c", "int o;\n");
    commit_on_day(
        d,
        3,
        "core: unrelated follow-up work\n\nA follow-up patch will tidy this.",
    );
    write(d, "swap.c", "int a = 2;\n");
    let sha = first.to_string();
    let later = commit_on_day(
        d,
        4,
        &format!(
            "core/swap: another try on memory mgmt\n\nFollow-up for {}",
            &sha[..12]
        ),
    );
    let recs = phase3(d, first);
    let r = record(&recs, "later commit(s) on main say they follow up this one");
    assert!(r.text.contains(&later.to_string()[..12]), "{}", r.text);
    let out = stablepick_testkit::sh(d, &r.verified_by);
    assert!(out.status.success(), "{}", r.verified_by);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(printed.lines().count(), 1, "{printed}");
    assert!(printed.starts_with(&later.to_string()), "{printed}");
}
