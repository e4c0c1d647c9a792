//! Phase 2's "changed lines lie in function(s)" record names the functions
//! its `--function-context` command shows around the changed lines: none
//! for an entry added to a file-scope initializer, a new function as
//! itself, a function whose body has a label as the function, and none
//! for a change to comment text alone.

use stablepick_evidence::{Context, Record, collect};
use stablepick_repo::Oid;
use stablepick_testkit::{commit, init};
use std::path::Path;

fn phase2(d: &Path, c: Oid) -> Vec<Record> {
    let (g, index) = stablepick_testkit::open_index(d, &[]);
    collect(&Context::new(&g, &index), c)
        .unwrap()
        .records_of(2)
        .cloned()
        .collect()
}

/// The backquoted `name()`s of the record, and what its command prints.
fn functions_and_output(d: &Path, c: Oid) -> (Vec<String>, String) {
    let recs = phase2(d, c);
    let r = recs
        .iter()
        .find(|r| r.text.starts_with("changed lines lie in function(s)"))
        .unwrap_or_else(|| panic!("no function record in {recs:#?}"));
    let names = r
        .text
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|n| n.trim_end_matches("()").to_string())
        .collect();
    let out = stablepick_testkit::sh(d, &r.verified_by);
    assert!(out.status.success(), "{}", r.verified_by);
    (names, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A help text spliced over many lines, as FRR's watchfrr.c writes it.
fn help_text() -> String {
    let lines: String = (0..60)
        .map(|i| format!("option {i}: what it does\\n\\\n"))
        .collect();
    format!("static void printhelp(void)\n{{\n\tputs(\"Usage:\\n\\\n{lines}\");\n}}\n")
}

const TAIL: &str = "
static void sigint(void)
{
	exit(0);
}
@NEW@
static int valid_command(const char *cmd)
{
	return cmd != 0;
}

static void netns_create(int fd)
{
	close(fd);
}

static struct signal_t signals[] = {
	{
		.signal = SIGINT,
		.handler = sigint,
	},@ENTRY@
};

int main(int argc, char **argv)
{
	return valid_command(argv[0]);
}
";

const SIGUSR1: &str = "
static void sigusr1(void)
{
	exit(0);
}
";

const ENTRY: &str = "
	{
		.signal = SIGUSR1,
		.handler = sigusr1,
	},";

/// FRR 34a9f14d adds `sigusr1()` and a `signals[]` entry below a spliced
/// help text: the record named `netns_create()` and `main()`, which its
/// command never showed.
#[test]
fn a_new_function_below_a_spliced_string_is_itself() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    let text = |new: &str, entry: &str| {
        format!("{}{}", help_text(), TAIL)
            .replace("@NEW@", new)
            .replace("@ENTRY@", entry)
    };
    std::fs::write(d.join("w.c"), text("", "")).unwrap();
    commit(d, "w: add");
    std::fs::write(d.join("w.c"), text(SIGUSR1, ENTRY)).unwrap();
    let c = commit(d, "w: handle SIGUSR1");
    let (names, out) = functions_and_output(d, c);
    assert_eq!(names, ["sigusr1"]);
    assert!(out.contains("+static void sigusr1(void)"), "{out}");
}

/// NetworkManager 883399606f changes a function below two labels at the
/// start of a line: git's default rule takes them for function names, so
/// the function context starts at one and the hunk header names the other.
#[test]
fn a_change_below_a_label_shows_the_function_name() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    let body = |extra: &str| {
        let filler: String = (0..10).map(|i| format!("\tstep({i});\n")).collect();
        format!(
            "static void\nstate_change(int s)\n{{\n\tif (s)\n\t\tgoto done;\n{filler}\
             retry:\n{filler}done:\n{filler}{extra}\treturn;\n}}\n"
        )
    };
    std::fs::write(d.join("l3.c"), body("")).unwrap();
    commit(d, "l3: add");
    std::fs::write(d.join("l3.c"), body("\tfinish(s);\n")).unwrap();
    let c = commit(d, "l3: finish");
    let (names, out) = functions_and_output(d, c);
    assert_eq!(names, ["state_change"]);
    assert!(out.contains("state_change(int s)"), "{out}");
}

const PROPERTIES: &str = "static void
nm_client_class_init(NMClientClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	/**
	 * NMClient:version-info:
	 *
	 * @DOC@
	 */
	obj_properties[PROP_VERSION_INFO] = g_param_spec_boxed(\"version-info\", @ARG@);
	// the last property
	object_class->finalize = finalize;
}

static void
nm_client_init(NMClient *client)
{
	client->priv = NULL;
}
";

/// NetworkManager 5a65170b49 changes only a gtk-doc comment inside
/// `nm_client_class_init()`: the function's code is the same, so the record
/// names no function; a change to a comment and a code line names it.
#[test]
fn a_comment_only_change_touches_no_function() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    let text = |doc: &str, arg: &str, last: &str| {
        PROPERTIES
            .replace("@DOC@", doc)
            .replace("@ARG@", arg)
            .replace("the last property", last)
    };
    std::fs::write(
        d.join("nm-client.c"),
        text("The version info.", "NULL", "the last property"),
    )
    .unwrap();
    commit(d, "client: add");

    // Only comment text: a line of the block comment and a line comment.
    std::fs::write(
        d.join("nm-client.c"),
        text(
            "The version info, see %NMVersionInfoCapabilities.",
            "NULL",
            "the final property",
        ),
    )
    .unwrap();
    let c = commit(d, "client: document capabilities");
    let recs = phase2(d, c);
    assert!(
        recs.iter()
            .all(|r| !r.text.starts_with("changed lines lie in function(s)")),
        "{recs:#?}"
    );
    let stat = recs
        .iter()
        .find(|r| r.text.starts_with("1 file(s) changed"))
        .unwrap();
    assert!(stat.text.contains("`nm-client.c` (+2 -2)"), "{}", stat.text);
    let out = stablepick_testkit::sh(d, &stat.verified_by);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("2 insertions(+), 2 deletions(-)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A comment line and a code line.
    std::fs::write(
        d.join("nm-client.c"),
        text(
            "The version info as %NMVersionInfo.",
            "G_PARAM_READABLE",
            "the final property",
        ),
    )
    .unwrap();
    let c = commit(d, "client: make version-info readable");
    let (names, out) = functions_and_output(d, c);
    assert_eq!(names, ["nm_client_class_init"]);
    assert!(
        out.contains("nm_client_class_init(NMClientClass *klass)"),
        "{out}"
    );
    assert!(
        out.contains("+\tobj_properties[PROP_VERSION_INFO]"),
        "{out}"
    );
    assert!(!out.contains("nm_client_init"), "{out}");
}

/// Opening and closing a comment around code changes that code though its
/// own lines stay as they were.
#[test]
fn commenting_out_code_touches_its_function() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    init(d, "T", "t@example.com");
    let src = |open: &str, close: &str| {
        format!(
            "static int\nfirst(void)\n{{\n\treturn 0;\n}}\n\nstatic void\nsecond(int x)\n{{\n{open}\tcleanup(x);\n{close}\treturn;\n}}\n"
        )
    };
    std::fs::write(d.join("c.c"), src("", "")).unwrap();
    commit(d, "c: add");
    std::fs::write(d.join("c.c"), src("\t/*\n", "\t */\n")).unwrap();
    let c = commit(d, "c: no cleanup");
    let (names, out) = functions_and_output(d, c);
    assert_eq!(names, ["second"]);
    assert!(out.contains("second(int x)"), "{out}");
}
