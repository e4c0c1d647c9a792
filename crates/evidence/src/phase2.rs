//! Phase 2, the diff: files, size, touched functions, kind of change.

use crate::record::{Record, sh};
use crate::{Context, Evidence, full};
use stablepick_repo::gofunc::is_go;

const P: u8 = 2;

/// Items listed in one record before the rest is only counted: a
/// tree-wide commit or a regenerated table has thousands of files or hunks.
const LISTED: usize = 40;

/// `items` joined with commas, the first [`LISTED`] only, then how many more.
fn capped_list(items: &[String]) -> String {
    crate::record::capped_list(items, LISTED)
}

pub(crate) fn collect(_ctx: &Context, ev: &mut Evidence) {
    let sha = full(ev.commit.oid);
    let d = &ev.diff;
    let files: Vec<String> = d
        .files
        .iter()
        .map(|f| {
            let rename = match (&f.old_path, &f.new_path, f.status) {
                (Some(o), Some(n), 'R') => format!(" (renamed from {o} to {n})"),
                _ => String::new(),
            };
            if f.unreadable {
                format!("`{}` (text not in the object store){rename}", f.path())
            } else if f.binary {
                format!("`{}` (binary){rename}", f.path())
            } else {
                format!(
                    "`{}` (+{} -{}){rename}",
                    f.path(),
                    f.insertions,
                    f.deletions
                )
            }
        })
        .collect();
    let mut recs = vec![Record::new(
        P,
        format!(
            "{} file(s) changed, {} insertion(s), {} deletion(s): {}",
            d.files.len(),
            d.insertions,
            d.deletions,
            capped_list(&files)
        ),
        format!("git show --stat --format= {sha}"),
    )];
    let functions = d.functions();
    let contexts = d.hunk_contexts();
    let function_files = d.files.iter().filter(|f| !f.functions.is_empty());
    let paths: Vec<String> = function_files.clone().map(|f| sh(f.path())).collect();
    let has_go = function_files.clone().any(|f| is_go(f.path()));
    // Each language's diff driver, for the files that have functions.
    let mut drivers = Vec::new();
    if function_files.clone().any(|f| !is_go(f.path())) {
        drivers.push("printf '*.%s diff=cpp\\n' c h cc cpp hpp");
    }
    if has_go {
        drivers.push("printf '*.go diff=golang\\n'");
    }
    let drivers = match drivers[..] {
        [one] => one.to_string(),
        _ => format!("{{ {}; }}", drivers.join("; ")),
    };
    // The `golang` driver takes any line starting with `func` for a
    // function's first, so a function literal opening a line in a body
    // (`\t\tfunc(x int) error {`) would hide the declaration's name; a
    // declaration has a blank after `func`, which gofmt never writes in a
    // literal.
    let go_rule = if has_go {
        " -c diff.golang.xfuncname='^[[:space:]]*func[[:space:]].*'"
    } else {
        ""
    };
    if !functions.is_empty() {
        recs.push(Record::new(
            P,
            format!(
                "changed lines lie in function(s): {}",
                capped_list(
                    &functions
                        .iter()
                        .map(|f| format!("`{f}()`"))
                        .collect::<Vec<_>>()
                )
            ),
            // git's default function-name rule takes a label at the start
            // of a line for a function's first line, so `--function-context`
            // may begin at `out:` and never show the name; C's own rule
            // (the `cpp` diff driver) skips labels. Go's (`golang`) starts
            // a function at its `func` line, where a method's receiver is.
            format!(
                "{drivers} | \
                 git -c core.attributesFile=/dev/stdin{go_rule} show --function-context --format= {sha} -- {}",
                paths.join(" ")
            ),
        ));
    }
    let macros = d.macros();
    if !macros.is_empty() {
        recs.push(macro_record(d, &sha, &macros));
    }
    if !contexts.is_empty() {
        recs.push(Record::new(
            P,
            format!(
                "hunk headers show context: {}",
                capped_list(
                    &contexts
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                )
            ),
            format!("git show --format= {sha} | grep '^@@'"),
        ));
    }
    let kinds: Vec<&str> = ev.kinds.iter().map(|k| k.label()).collect();
    recs.push(Record::new(
        P,
        format!("kind of change: {}", kinds.join(", ")),
        format!("git show --format= {sha}"),
    ));
    if d.truncated {
        recs.push(Record::new(
            P,
            format!(
                "the patch is larger than {} MiB; the report shows only its beginning",
                stablepick_repo::diff::MAX_PATCH_BYTES >> 20
            ),
            format!("git show --format= {sha} | wc -c"),
        ));
    }
    let unreadable: Vec<String> = d
        .files
        .iter()
        .filter(|f| f.unreadable)
        .map(|f| format!("`{}`", f.path()))
        .collect();
    if !unreadable.is_empty() {
        // The object store lacks a blob (a partial or damaged clone): the
        // counts and the checks below leave these files' text out.
        recs.push(Record::new(
            P,
            format!(
                "the text of {} file(s) is missing from the object store and was not read: {}",
                unreadable.len(),
                capped_list(&unreadable)
            ),
            crate::record::missing_blobs_command(&sha),
        ));
    }
    if d.files.is_empty() {
        recs.push(Record::new(
            P,
            "the commit changes no files against its first parent",
            format!("git show --stat --format= {sha}"),
        ));
    }
    ev.records.extend(recs);
}

/// "changed lines lie in macro(s): `X`", with the diff shown with context
/// enough to reach back from each changed line to its `#define` (a macro
/// of up to 200 lines), grepped for those lines.
fn macro_record(d: &stablepick_repo::diff::CommitDiff, sha: &str, macros: &[String]) -> Record {
    let files: Vec<String> = d
        .files
        .iter()
        .filter(|f| !f.macros.is_empty())
        .map(|f| sh(f.path()))
        .collect();
    Record::new(
        P,
        format!(
            "changed lines lie in macro(s): {}",
            capped_list(&macros.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>())
        ),
        format!(
            "git show -U200 --format= {sha} -- {} | grep -E '^[ +-][[:space:]]*#[[:space:]]*define[[:space:]]+({})([^A-Za-z0-9_]|$)'",
            files.join(" "),
            macros.join("|")
        ),
    )
}
