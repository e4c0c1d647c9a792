//! Go files get function claims as C files do: Phase 2 names the Go
//! functions and methods (`T.Name`) a commit's changed lines lie in, and its
//! `--function-context` command (git's `golang` driver, which would start
//! at a function literal opening a line without its rule for
//! declarations) shows their `func` lines; Phase 6 says whether each is defined in the file at a branch tip,
//! with a grep that finds the `func` line and never a call.

use stablepick_evidence::{Context, EVERY_FILE, Record, collect};
use stablepick_testkit::{commit, git, init};
use std::path::Path;

/// `overlay.go` at `v1.0`: `cleanup` lives in `util.go` and is only called
/// here (at the start of a line, where C's pattern takes it for a
/// definition), and `Remove` is a method of another type.
const AT_1_0: &str = r#"package overlay

import "fmt"

var cleaned = cleanup("/tmp")

type Snapshotter struct {
	root string
}

type Layer struct{}

func Map[T, U any](s []T, f func(T) U) []U {
	out := make([]U, 0, len(s))
	for _, v := range s {
		out = append(out, f(v))
	}
	return out
}

func doPrepare(lowerDirs []string) (func(), error) {
	undo := func() {
		for _, d := range lowerDirs {
			fmt.Println("{", d)
		}
	}
	help := `usage: {
	}`
	_ = help
	return undo, nil
}

func (o *Snapshotter) Mounts(key string) error {
	err := walk(key,
		func(k string) error {
			return nil
		})
	_ = err
	return fmt.Errorf("mounts %s", key)
}

func (l *Layer) Remove(key string) error {
	return nil
}
"#;

const UTIL: &str = "package overlay\n\nfunc cleanup(dir string) bool {\n\treturn dir != \"\"\n}\n";

/// What main adds after `v1.0`: `cleanup` moves into `overlay.go`, and
/// `Snapshotter` gets a `Remove` method.
const ADDED: &str = r#"
func cleanup(dir string) bool {
	return dir != ""
}

func (o *Snapshotter) Remove(key string) error {
	// } not a brace
	return o.Mounts(key)
}
"#;

/// The fix: one line changed in each function.
fn fixed(text: &str) -> String {
    text.replace("out := make([]U, 0, len(s))", "out := make([]U, 0)")
        .replace("fmt.Println(\"{\", d)", "fmt.Println(\"}\", d)")
        .replace("return dir != \"\"", "return dir != \"/\"")
        .replace("\"mounts %s\"", "\"mounts of %s\"")
        .replace("return o.Mounts(key)", "return nil")
}

fn record<'r>(recs: &'r [Record], start: &str) -> &'r Record {
    recs.iter()
        .find(|r| r.text.starts_with(start))
        .unwrap_or_else(|| panic!("no record starting {start:?} in {recs:#?}"))
}

fn run(d: &Path, r: &Record) -> (bool, String) {
    let out = stablepick_testkit::sh(d, &r.verified_by);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn go_functions_are_named_and_looked_up_at_branch_tips() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    std::fs::write(d.join("overlay.go"), AT_1_0).unwrap();
    std::fs::write(d.join("util.go"), UTIL).unwrap();
    commit(d, "overlay: add");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    let now = format!("{AT_1_0}{ADDED}");
    std::fs::write(d.join("overlay.go"), &now).unwrap();
    std::fs::remove_file(d.join("util.go")).unwrap();
    commit(d, "overlay: move cleanup here, add Remove");
    git(d, &["tag", "v1.1"]);
    git(d, &["branch", "1.1"]);
    std::fs::write(d.join("overlay.go"), fixed(&now)).unwrap();
    let fix = commit(d, "overlay: fix everything");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0", "1.1=v1.1"]);
    let ev = collect(&Context::new(&g, &index), fix).unwrap();

    // Phase 2: the functions, and the `func` lines its command shows.
    let names = [
        "Map",
        "doPrepare",
        "Snapshotter.Mounts",
        "cleanup",
        "Snapshotter.Remove",
    ];
    assert_eq!(ev.diff.functions(), names);
    let recs: Vec<Record> = ev.records_of(2).cloned().collect();
    let r = record(&recs, "changed lines lie in function(s)");
    let listed: Vec<&str> = r
        .text
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|n| n.trim_end_matches("()"))
        .collect();
    assert_eq!(listed, names);
    let (ok, out) = run(d, r);
    assert!(ok, "{}", r.verified_by);
    for line in [
        "func Map[T, U any](s []T, f func(T) U) []U {",
        "func doPrepare(lowerDirs []string) (func(), error) {",
        "func (o *Snapshotter) Mounts(key string) error {",
        "func cleanup(dir string) bool {",
        "func (o *Snapshotter) Remove(key string) error {",
    ] {
        assert!(out.contains(&format!("\n {line}\n")), "{line} in\n{out}");
    }

    // Phase 6: defined or not, as each grep shows.
    let recs: Vec<Record> = ev.records_of(6).cloned().collect();
    let expect = [
        ("1.0", "Map", true),
        ("1.0", "doPrepare", true),
        ("1.0", "Snapshotter.Mounts", true),
        ("1.0", "cleanup", false),
        ("1.0", "Snapshotter.Remove", false),
        ("1.1", "Map", true),
        ("1.1", "doPrepare", true),
        ("1.1", "Snapshotter.Mounts", true),
        ("1.1", "cleanup", true),
        ("1.1", "Snapshotter.Remove", true),
    ];
    for (b, name, defined) in expect {
        let text = format!(
            "[{b}] function `{name}()` {} in `overlay.go` at the branch tip",
            if defined {
                "is defined"
            } else {
                "is NOT defined"
            }
        );
        let r = record(&recs, &text);
        // Each command succeeds when its text holds: it shows the
        // definition, or finds none.
        let (ok, out) = run(d, r);
        assert!(ok, "{}\n{}\n{out}", r.text, r.verified_by);
        if defined {
            assert_eq!(out.lines().count(), 1, "{}\n{out}", r.verified_by);
            assert!(
                out.contains(":func ") && !out.contains('\t'),
                "{}\n{out}",
                r.verified_by
            );
        } else {
            assert_eq!(out, "", "{}", r.verified_by);
        }
    }
    let ok_1_1 = record(
        &recs,
        &format!("[1.1] {EVERY_FILE} (1) and function (5) exists at the branch tip"),
    );
    assert!(run(d, ok_1_1).0, "{}", ok_1_1.verified_by);
    assert!(
        !recs
            .iter()
            .any(|r| r.text.starts_with(&format!("[1.0] {EVERY_FILE}"))),
        "{recs:#?}"
    );
}

/// A Go change to comment text alone touches no function, as a C one does;
/// a line inside a raw string is code whatever it starts with.
#[test]
fn a_go_comment_only_change_touches_no_function() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    let text = |comment: &str, raw: &str| {
        format!(
            "package a\n\n// Run runs.\nfunc Run() string {{\n\t// {comment}\n\ts := `one\n{raw}\n/* nor this`\n\t/* and\n\tthis */\n\treturn s\n}}\n"
        )
    };
    std::fs::write(d.join("a.go"), text("old note", "// not a comment")).unwrap();
    commit(d, "a: add");
    std::fs::write(d.join("a.go"), text("new note", "// not a comment")).unwrap();
    let only_comment = commit(d, "a: reword a comment");
    std::fs::write(d.join("a.go"), text("new note", "// still not one")).unwrap();
    let in_raw_string = commit(d, "a: change the raw string");

    let (g, index) = stablepick_testkit::open_index(d, &[]);
    let ev = collect(&Context::new(&g, &index), only_comment).unwrap();
    assert!(ev.diff.functions().is_empty(), "{:?}", ev.diff.functions());
    assert!(
        ev.records_of(2)
            .all(|r| !r.text.starts_with("changed lines lie in function(s)"))
    );
    let ev = collect(&Context::new(&g, &index), in_raw_string).unwrap();
    assert_eq!(ev.diff.functions(), ["Run"]);
    let recs: Vec<Record> = ev.records_of(2).cloned().collect();
    let (ok, out) = run(d, record(&recs, "changed lines lie in function(s)"));
    assert!(ok && out.contains("func Run() string"), "{out}");
}
