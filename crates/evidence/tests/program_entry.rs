//! Phase 5 in a user-space program: the touched function is reached from
//! the program's own main(), not from a test's, and the chain's command
//! shows that main() calling the next function in the chain.

use stablepick_evidence::{Context, collect};
use stablepick_testkit::{commit_on_day, git, init, sh, write};

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
