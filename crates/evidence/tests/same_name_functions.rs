//! Phase 5 about a function whose name another file also defines: a
//! `static` function in a `.c` file is called only from that file, so its
//! callers and reach are that file's, and the commands show just those.

use stablepick_evidence::{Context, Record, collect};
use stablepick_testkit::{commit_on_day, git, init, sh, write};
use std::path::Path;

fn phase5<'r>(recs: &'r [Record], start: &str) -> &'r Record {
    recs.iter()
        .find(|r| r.phase == 5 && r.text.starts_with(start))
        .unwrap_or_else(|| panic!("no Phase 5 record starting {start:?} in {recs:#?}"))
}

/// A context that runs Phase 5.
fn with_code<'a>(
    g: &'a stablepick_repo::Git,
    index: &'a stablepick_repo::RepoIndex,
) -> Context<'a> {
    Context {
        code: true,
        ..Context::new(g, index)
    }
}

/// The lines the record's command prints.
fn shown(d: &Path, r: &Record) -> String {
    let out = sh(d, &r.verified_by);
    assert!(out.status.success(), "{}: {out:?}", r.verified_by);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// As in glibc: `include/random-bits.h` has a `static inline random_bits`
/// that `a.c` and `b.c` call, and `tempname.c` its own `static
/// random_bits`, the one the fix changes.
fn tree(d: &Path) {
    init(d, "T", "t@example.com");
    write(
        d,
        "include/random-bits.h",
        "static inline unsigned random_bits(void)\n{\n\treturn hdr_helper();\n}\n",
    );
    write(
        d,
        "lib/a.c",
        "#include <random-bits.h>\nint a_seed(void)\n{\n\treturn random_bits();\n}\n",
    );
    write(
        d,
        "lib/b.c",
        "#include <random-bits.h>\nint b_seed(void)\n{\n\treturn random_bits() + 1;\n}\n",
    );
    write(
        d,
        "posix/tempname.c",
        "static int random_bits(unsigned *r)\n{\n\t*r = 1;\n\treturn clock_gettime();\n}\n\nint try_tempname(void)\n{\n\tunsigned r;\n\treturn random_bits(&r);\n}\n",
    );
    commit_on_day(d, 0, "initial");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
}

#[test]
fn a_static_function_is_called_only_from_its_own_file() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    tree(d);
    let text = std::fs::read_to_string(d.join("posix/tempname.c")).unwrap();
    write(d, "posix/tempname.c", &text.replace("*r = 1;", "*r = 2;"));
    let fix = commit_on_day(d, 1, "tempname: fix random_bits");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ev = collect(&with_code(&g, &index), fix).unwrap();

    let def = phase5(&ev.records, "random_bits at ");
    assert!(
        def.text
            .contains("the one this change is about is the static one in posix/tempname.c"),
        "{}",
        def.text
    );
    let callers = phase5(
        &ev.records,
        "callers of random_bits (the static one in posix/tempname.c)",
    );
    assert!(
        callers.text.contains("1 call sites in 1 functions"),
        "{}",
        callers.text
    );
    assert!(callers.text.contains("try_tempname"), "{}", callers.text);
    assert!(!callers.text.contains("a_seed"), "{}", callers.text);
    let out = shown(d, callers);
    assert!(out.contains("posix/tempname.c"), "{out}");
    assert!(
        !out.contains("lib/a.c") && !out.contains("random-bits.h"),
        "{out}"
    );

    // What it calls is its own body's calls, not the header's.
    let callees = ev
        .records
        .iter()
        .find(|r| r.phase == 5 && r.text.contains(" calls: "))
        .unwrap_or_else(|| panic!("{:#?}", ev.records));
    assert!(
        callees.text.ends_with("calls: clock_gettime"),
        "{}",
        callees.text
    );
    let reach = ev
        .reach
        .iter()
        .find(|r| r.at == "commit" && r.function == "random_bits")
        .unwrap();
    assert_eq!(reach.file.as_deref(), Some("posix/tempname.c"));
    let callers: Vec<&str> = reach.callers.iter().map(|c| c.function.as_str()).collect();
    assert_eq!(callers, ["try_tempname"]);
}

#[test]
fn files_with_their_own_static_copy_are_left_out_of_the_callers() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    tree(d);
    write(
        d,
        "include/random-bits.h",
        "static inline unsigned random_bits(void)\n{\n\treturn 5;\n}\n",
    );
    let fix = commit_on_day(d, 1, "random-bits: fix random_bits");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ev = collect(&with_code(&g, &index), fix).unwrap();

    let callers = phase5(&ev.records, "callers of random_bits at ");
    assert!(
        callers.text.contains("2 call sites in 2 functions"),
        "{}",
        callers.text
    );
    assert!(
        callers.text.contains(
            "(calls in posix/tempname.c are left out: each defines its own static random_bits)"
        ),
        "{}",
        callers.text
    );
    let out = shown(d, callers);
    assert!(out.contains("lib/a.c") && out.contains("lib/b.c"), "{out}");
    assert!(!out.contains("tempname.c"), "{out}");
}
