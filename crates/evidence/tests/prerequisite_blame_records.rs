//! Phase 6 names a prerequisite found by blame with the lines it wrote, in
//! the tree its `git blame` command reads: running the command shows that
//! commit on every line the record names.

use stablepick_evidence::{Context, collect};
use stablepick_repo::apply::Applies;
use stablepick_testkit::{commit_on_day, sh};

/// `one` rewrites lines 10 and 12, `two` line 11 between them, and the fix
/// changes what `two` wrote: both are needed, and `two` needs `one`.
#[test]
fn blame_records_name_the_lines_the_commit_wrote() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let base = stablepick_testkit::lines_file_at_v1_0(d, 40);
    let text = base
        .replace("line 10\n", "one\n")
        .replace("line 12\n", "three\n");
    std::fs::write(d.join("f.c"), &text).unwrap();
    let one = commit_on_day(d, 1, "f: rewrite lines 10 and 12");
    let text = text.replace("line 11\n", "two\n");
    std::fs::write(d.join("f.c"), &text).unwrap();
    let two = commit_on_day(d, 2, "f: rewrite line 11");
    std::fs::write(d.join("f.c"), text.replace("two\n", "TWO\n")).unwrap();
    let fix = commit_on_day(d, 3, "f: fix line 11");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ctx = Context::new(&g, &index);
    let mut ev = collect(&ctx, fix).unwrap();
    assert_eq!(ev.branches[0].applies, Some(Applies::Conflict));
    stablepick_evidence::prerequisites_for(&ctx, &mut ev, "1.0").unwrap();
    assert_eq!(ev.branches[0].prerequisites, vec![one, two]);

    let blame_records: Vec<_> = ev
        .records
        .iter()
        .filter(|r| r.phase == 6 && r.text.contains("it last changed"))
        .collect();
    let short = |o: stablepick_repo::Oid| o.to_string()[..12].to_string();
    let of = |o, text: &str| {
        blame_records
            .iter()
            .filter(|r| {
                r.text
                    .starts_with(&format!("[1.0] prerequisite {}", short(o)))
                    && r.text.contains(text)
            })
            .collect::<Vec<_>>()
    };
    // Not the whole hunk (lines 8-14 of the fix's parent): only its own.
    assert_eq!(
        of(one, "lines 10, 12 of `f.c` that the patch needs").len(),
        1,
        "{blame_records:#?}"
    );
    assert_eq!(
        of(two, "line 11 of `f.c` that the patch needs").len(),
        1,
        "{blame_records:#?}"
    );
    // What `two` needs of `one`: one record for both lines.
    let needed_by = of(one, &format!("that prerequisite {} needs", short(two)));
    assert_eq!(needed_by.len(), 1, "{blame_records:#?}");
    assert!(needed_by[0].text.contains("lines 10, 12 of `f.c`"));

    // Each record's blame, run with git, shows only the commit it names.
    for r in &blame_records {
        let named = r.text.split_whitespace().nth(2).unwrap();
        let blame = r
            .verified_by
            .split("; ")
            .find(|c| c.starts_with("git blame "))
            .unwrap();
        // `-l`: full commit ids.
        let out = sh(d, &blame.replacen("git blame ", "git blame -s -l ", 1));
        assert!(out.status.success(), "{blame}");
        let out = String::from_utf8_lossy(&out.stdout);
        assert!(!out.trim().is_empty(), "{blame}");
        for line in out.lines() {
            assert!(line.starts_with(named), "{blame}: {out}");
        }
    }
}
