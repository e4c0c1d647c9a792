//! Phase 5's claims, each checked by running its command: a touched
//! function is reached from its own program's main(), not a test's; a
//! `static` function is called only from its own file, so two functions of
//! one name are not confused; a function the branch lacks has no callers
//! there; local practice is said once per file.

use stablepick_evidence::{Context, Record, collect};
use stablepick_testkit::{commit_on_day, git, init, sh, write};
use std::path::Path;

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

#[test]
fn a_program_function_is_reached_from_the_programs_main() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(
        d,
        "src/server.c",
        "int main(int argc, char **argv)\n{\n\tload_config();\n\treturn 0;\n}\n",
    );
    write(
        d,
        "src/config.c",
        "void load_config(void)\n{\n\tparse_line(1);\n}\n\nint parse_line(int n)\n{\n\treturn n;\n}\n",
    );
    write(
        d,
        "tests/unit.c",
        "int main(void)\n{\n\treturn parse_line(2);\n}\n",
    );
    commit_on_day(d, 0, "initial");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    let text = std::fs::read_to_string(d.join("src/config.c")).unwrap();
    write(
        d,
        "src/config.c",
        &text.replace("return n;", "return n + 1;"),
    );
    let fix = commit_on_day(d, 1, "config: fix parse_line");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ctx = with_code(&g, &index);
    let ev = collect(&ctx, fix).unwrap();
    let chain = ev
        .records
        .iter()
        .find(|r| r.phase == 5 && r.text.starts_with("call chain (program"))
        .unwrap_or_else(|| panic!("{:#?}", ev.records));
    assert_eq!(
        chain.text,
        "call chain (program, main() in src/server.c): main → load_config → parse_line"
    );
    let out = sh(d, &chain.verified_by);
    assert!(out.status.success(), "{}: {out:?}", chain.verified_by);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(":src/server.c:1:int main("), "{said}");
    assert!(said.contains(":src/server.c:3:\tload_config();"), "{said}");
    assert!(said.contains(":src/config.c:3:\tparse_line(1);"), "{said}");
    // The test's main() is not the entry, and the command does not show it.
    assert!(
        !said
            .lines()
            .any(|l| l.contains("tests/unit.c") && l.contains("main")),
        "{said}"
    );
    // Outside a kernel, system calls are not named as entry points.
    let kinds = ev
        .records
        .iter()
        .find(|r| {
            r.phase == 5
                && r.text
                    .starts_with("entry kinds reached from parse_line at ")
        })
        .unwrap();
    assert!(
        kinds.text.ends_with(
            "program (a main() function outside tests and examples) via main() in src/server.c"
        ),
        "{}",
        kinds.text
    );
    let reach = ev
        .reach
        .iter()
        .find(|r| r.at == "commit" && r.function == "parse_line")
        .unwrap();
    assert_eq!(reach.entry_kinds, ["program"]);
    assert!(!reach.user_reachable);
}

/// A function the commit adds is not defined on the branch: Phase 5 says so
/// there, rather than listing no callers and no entry points.
#[test]
fn a_function_the_branch_lacks_has_no_callers_there() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(d, "src/a.c", "int main(void)\n{\n\treturn 0;\n}\n");
    commit_on_day(d, 0, "initial");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    write(
        d,
        "src/a.c",
        "static int helper(void)\n{\n\treturn 1;\n}\n\nint main(void)\n{\n\treturn helper();\n}\n",
    );
    let c = commit_on_day(d, 1, "a: add helper");
    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ctx = with_code(&g, &index);
    let ev = collect(&ctx, c).unwrap();
    let on_branch: Vec<&str> = ev
        .records
        .iter()
        .filter(|r| r.phase == 5 && r.text.starts_with("[1.0] ") && r.text.contains("helper"))
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(
        on_branch,
        ["[1.0] helper at 1.0: no definition found in the tree"],
        "{:#?}",
        ev.records
    );
}

/// A function the commit removes has no definition in its tree: that is
/// all Phase 5 says of it there, and the command finds no definition.
#[test]
fn a_function_the_commit_removes_has_only_its_missing_definition() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(
        d,
        "src/a.c",
        "static int helper(void)\n{\n\treturn 1;\n}\n\nint main(void)\n{\n\treturn helper();\n}\n",
    );
    commit_on_day(d, 0, "initial");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    write(d, "src/a.c", "int main(void)\n{\n\treturn 1;\n}\n");
    let c = commit_on_day(d, 1, "a: drop helper");
    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ev = collect(&with_code(&g, &index), c).unwrap();
    let at_commit: Vec<&Record> = ev
        .records
        .iter()
        .filter(|r| r.phase == 5 && !r.text.starts_with('[') && r.text.contains("helper"))
        .collect();
    assert_eq!(at_commit.len(), 1, "{at_commit:#?}");
    assert!(
        at_commit[0]
            .text
            .ends_with("no definition found in the tree"),
        "{}",
        at_commit[0].text
    );
    let out = sh(d, &at_commit[0].verified_by);
    assert!(out.status.success(), "{}", at_commit[0].verified_by);
}

/// Two functions of one file both gain a NULL check: local practice is
/// said once for the file, naming both comparisons the grep shows.
#[test]
fn local_practice_is_said_once_per_file() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    let before = "int f(int *p)\n{\n\treturn 0;\n}\n\nint g(int *p)\n{\n\treturn 0;\n}\n";
    write(d, "src/a.c", before);
    write(
        d,
        "src/b.c",
        "int h(int *p)\n{\n\tif (p != NULL)\n\t\treturn 1;\n\treturn 0;\n}\n",
    );
    commit_on_day(d, 0, "initial");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    write(
        d,
        "src/a.c",
        &before.replace(
            "\treturn 0;",
            "\tif (p == NULL)\n\t\treturn -1;\n\treturn 0;",
        ),
    );
    let c = commit_on_day(d, 1, "a: check p");
    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ctx = with_code(&g, &index);
    let ev = collect(&ctx, c).unwrap();
    let practice: Vec<_> = ev
        .records
        .iter()
        .filter(|r| r.text.starts_with("local practice"))
        .collect();
    assert_eq!(practice.len(), 1, "{practice:#?}");
    assert!(
        practice[0].text.starts_with(
            "local practice: `== NULL` or `!= NULL` appears on 3 code lines (comments aside) in src/ at "
        ),
        "{}",
        practice[0].text
    );
    let out = sh(d, &practice[0].verified_by);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
}

fn phase5<'r>(recs: &'r [Record], start: &str) -> &'r Record {
    recs.iter()
        .find(|r| r.phase == 5 && r.text.starts_with(start))
        .unwrap_or_else(|| panic!("no Phase 5 record starting {start:?} in {recs:#?}"))
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

/// A new test's `static int do_test (void)` is not any of the other tests'
/// at a branch that lacks its file: no callers, no chains from their
/// drivers, and the command shows the file lacks it and who has theirs.
#[test]
fn a_static_function_of_a_file_the_branch_lacks_is_not_another_files() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    for n in ["a", "b"] {
        write(
            d,
            &format!("stdlib/tst-{n}.c"),
            "static int\ndo_test (void)\n{\n\treturn 0;\n}\n\nint main (void)\n{\n\treturn do_test ();\n}\n",
        );
    }
    commit_on_day(d, 0, "initial");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    write(
        d,
        "stdlib/tst-new.c",
        "static int\ndo_test (void)\n{\n\treturn 1;\n}\n\nint main (void)\n{\n\treturn do_test ();\n}\n",
    );
    commit_on_day(d, 1, "stdlib: add a test");
    write(
        d,
        "stdlib/tst-new.c",
        "static int\ndo_test (void)\n{\n\treturn 2;\n}\n\nint main (void)\n{\n\treturn do_test ();\n}\n",
    );
    let c = commit_on_day(d, 2, "stdlib: fix the new test");
    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ctx = with_code(&g, &index);
    let ev = collect(&ctx, c).unwrap();
    let on_branch: Vec<&Record> = ev
        .records
        .iter()
        .filter(|r| r.phase == 5 && r.text.starts_with("[1.0] ") && r.text.contains("do_test"))
        .collect();
    assert_eq!(on_branch.len(), 1, "{:#?}", ev.records);
    assert!(
        on_branch[0].text.starts_with(
            "[1.0] do_test at 1.0: not defined in stdlib/tst-new.c; the 2 other file(s)"
        ),
        "{}",
        on_branch[0].text
    );
    let out = shown(d, on_branch[0]);
    assert_eq!(out.lines().count(), 2, "{out}");
    // At the commit, its own file defines it: callers as usual.
    assert!(
        ev.records
            .iter()
            .any(|r| r.phase == 5 && r.text.starts_with("callers of do_test")),
        "{:#?}",
        ev.records
    );
}

/// The fix's new lines call a helper and a macro mainline added after the
/// branch forked: at the branch tip neither is defined, so each is named
/// with a command that passes, and the synthesis counts it against. A
/// helper the patch adds itself, a function the branch already has and a
/// library function the branch calls too are not named.
#[test]
fn a_call_to_a_function_the_branch_lacks_is_named() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    write(
        d,
        "src/conn.c",
        "int old_helper(int n)\n{\n\treturn n;\n}\n\nint conn_close(int fd)\n{\n\tfree_all(fd);\n\treturn old_helper(fd);\n}\n",
    );
    commit_on_day(d, 0, "initial");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    write(
        d,
        "src/util.c",
        "int reset_timer(int fd)\n{\n\treturn fd;\n}\n",
    );
    write(
        d,
        "src/util.h",
        "#define CLAMP_FD(x) ((x) < 0 ? 0 : (x))\nint reset_timer(int fd);\n",
    );
    commit_on_day(d, 1, "util: add reset_timer and CLAMP_FD");
    write(
        d,
        "src/conn.c",
        "int old_helper(int n)\n{\n\treturn n;\n}\n\nstatic int own_new(int fd)\n{\n\treturn fd;\n}\n\nint conn_close(int fd)\n{\n\tfree_all(fd);\n\treset_timer(CLAMP_FD(fd));\n\town_new(fd);\n\tfree_all(fd);\n\treturn old_helper(fd);\n}\n",
    );
    let fix = commit_on_day(d, 2, "conn: reset the timer on close");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ctx = with_code(&g, &index);
    let ev = collect(&ctx, fix).unwrap();
    let named: Vec<&Record> = ev
        .records
        .iter()
        .filter(|r| r.phase == 5 && r.text.starts_with("[1.0] the patch's new lines call"))
        .collect();
    let names: Vec<&str> = named
        .iter()
        .map(|r| r.text.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(names, ["CLAMP_FD", "reset_timer"], "{named:#?}");
    assert!(
        named[1].text.contains("the function `reset_timer` (src/conn.c:14), which the commit's tree defines (src/util.c:1)"),
        "{}",
        named[1].text
    );
    assert!(
        named[0].text.contains("the macro `CLAMP_FD`"),
        "{}",
        named[0].text
    );
    for r in &named {
        let out = sh(d, &r.verified_by);
        assert!(out.status.success(), "{}: {out:?}", r.verified_by);
    }
    // Once the branch has them, nothing is named.
    git(d, &["checkout", "-q", "1.0"]);
    git(d, &["cherry-pick", &format!("{fix}~1")]);
    git(d, &["checkout", "-q", "-"]);
    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ctx = with_code(&g, &index);
    let ev = collect(&ctx, fix).unwrap();
    assert!(
        !ev.records
            .iter()
            .any(|r| r.text.starts_with("[1.0] the patch's new lines call")),
        "{:#?}",
        ev.records
    );
}

/// A change inside a multi-line macro is a change to the macro: Phase 2
/// names it, Phase 5 follows its expansions to their callers, and Phase 6
/// looks for its `#define` at a branch tip, each command passing.
#[test]
fn a_change_to_a_macro_is_followed_through_its_expansions() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    let old = "#define UPDATE_ACK(s, ack) do { \\\n\t(s)->last = (ack); \\\n} while (0)\n\nint handle_packet(int *s, int ack)\n{\n\tUPDATE_ACK(s, ack);\n\treturn 0;\n}\n";
    write(d, "src/stream.c", old);
    write(
        d,
        "src/main.c",
        "int main(void)\n{\n\treturn handle_packet(0, 1);\n}\n",
    );
    commit_on_day(d, 0, "initial");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    git(d, &["checkout", "-q", "-b", "0.9"]);
    write(d, "src/stream.c", &old.replace("UPDATE_ACK", "SET_ACK"));
    commit_on_day(d, 0, "stream: old name");
    git(d, &["checkout", "-q", "main"]);
    write(
        d,
        "src/stream.c",
        &old.replace(
            "\t(s)->last = (ack); \\\n",
            "\tif ((ack) > (s)->last) \\\n\t\t(s)->last = (ack); \\\n",
        ),
    );
    let fix = commit_on_day(d, 1, "stream: check the ack stays within bounds");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0", "0.9=v1.0"]);
    let ctx = with_code(&g, &index);
    let ev = collect(&ctx, fix).unwrap();
    let find = |start: &str| -> &Record {
        ev.records
            .iter()
            .find(|r| r.text.starts_with(start))
            .unwrap_or_else(|| panic!("no {start:?} in {:#?}", ev.records))
    };
    let named = find("changed lines lie in macro(s)");
    assert_eq!(named.text, "changed lines lie in macro(s): `UPDATE_ACK`");
    let chain = find("call chain (program");
    assert!(
        chain.text.ends_with("main → handle_packet → UPDATE_ACK"),
        "{}",
        chain.text
    );
    let here = find("[1.0] macro `UPDATE_ACK`");
    assert!(here.text.contains("is defined"), "{}", here.text);
    let gone = find("[0.9] macro `UPDATE_ACK`");
    assert!(gone.text.contains("is NOT defined"), "{}", gone.text);
    for r in [named, chain, here, gone] {
        let out = sh(d, &r.verified_by);
        assert!(out.status.success(), "{}: {out:?}", r.verified_by);
    }
    assert!(
        !ev.not_analysed.iter().any(|(p, _)| *p == 5),
        "{:#?}",
        ev.not_analysed
    );
    assert_eq!(
        ev.branches
            .iter()
            .find(|b| b.name == "0.9")
            .unwrap()
            .macros_present,
        [("UPDATE_ACK".to_string(), false)]
    );
}
