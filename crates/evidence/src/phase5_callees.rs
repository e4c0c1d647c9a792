//! Phase 5, what the patch's new lines call: functions and macros the
//! commit's tree defines outside the patch that a branch tip defines
//! nowhere. A backport without them does not build, so the branch needs the
//! commits that added them first, or an adapted patch.

use crate::Evidence;
use crate::record::{Record, sh};
use stablepick_code::{CodeIndex, TouchedFunction};
use std::collections::{HashMap, HashSet};

const P: u8 = 5;

/// How each such record's text begins, after the branch tag.
pub const CALLS_UNDEFINED: &str = "the patch's new lines call";

/// At most this many callees are looked up per commit: a tree-wide rework
/// would otherwise list hundreds.
const CALLEES_MAX: usize = 20;

/// A name the patch's added lines call, defined in the commit's tree by
/// lines the patch does not add.
#[derive(Debug, Clone)]
pub(crate) struct NewCallee {
    name: String,
    call_file: String,
    call_line: u32,
    def_file: String,
    def_line: u32,
    is_macro: bool,
}

/// The new-side line numbers of each file's added lines.
fn added_lines(ev: &Evidence) -> HashMap<&str, HashSet<u32>> {
    let mut out: HashMap<&str, HashSet<u32>> = HashMap::new();
    for f in &ev.diff.files {
        let lines = out.entry(f.path()).or_default();
        for h in &f.hunks {
            lines.extend(h.changes.iter().filter(|c| c.0 == '+').map(|c| c.1));
        }
    }
    out
}

/// The callees of the touched functions, called on added lines, that the
/// commit's tree defines elsewhere than on added lines (the patch brings
/// those itself).
pub(crate) fn new_callees(
    index: &CodeIndex,
    ev: &Evidence,
    functions: &[TouchedFunction],
) -> Vec<NewCallee> {
    let added = added_lines(ev);
    let on_added = |file: &str, line: u32| added.get(file).is_some_and(|l| l.contains(&line));
    let mut out: Vec<NewCallee> = Vec::new();
    for f in functions {
        let Some(file) = f.file.as_deref() else {
            continue;
        };
        for call in index.callees(&f.name) {
            if call.file != file
                || !on_added(&call.file, call.line)
                || out.iter().any(|c| c.name == call.function)
            {
                continue;
            }
            let defs = index.definitions(&call.function);
            if defs.is_empty() || defs.iter().any(|d| on_added(&d.file, d.line)) {
                continue;
            }
            // The definition a call in this file reaches: its own file's
            // first, then any.
            let def = defs
                .iter()
                .find(|d| d.file == call.file)
                .unwrap_or(&defs[0]);
            out.push(NewCallee {
                name: call.function.clone(),
                call_file: call.file.clone(),
                call_line: call.line,
                def_file: def.file.clone(),
                def_line: def.line,
                is_macro: def.is_macro,
            });
            if out.len() == CALLEES_MAX {
                break;
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.call_file, a.call_line, &a.name).cmp(&(&b.call_file, b.call_line, &b.name))
    });
    out
}

/// The records for one branch tip: each new callee it neither defines nor
/// calls anywhere (a name it calls but does not define comes from outside
/// the tree, a system library, and proves nothing).
pub(crate) fn missing_at_tip(
    tip: &CodeIndex,
    callees: &[NewCallee],
    sha: &str,
    branch: &str,
    display_ref: &str,
) -> Vec<Record> {
    let r = sh(display_ref);
    callees
        .iter()
        .filter(|c| tip.definitions(&c.name).is_empty() && tip.callers(&c.name).is_empty())
        .map(|c| {
            let what = if c.is_macro { "macro" } else { "function" };
            let here = if c.is_macro {
                crate::phase6::macro_definition_pattern(&c.name)
            } else {
                crate::phase6::definition_pattern(&c.name)
            };
            let anywhere = format!(
                "{}|{}",
                crate::phase6::definition_pattern(&c.name),
                crate::phase6::macro_definition_pattern(&c.name)
            );
            Record::new(
                P,
                format!(
                    "[{branch}] {CALLS_UNDEFINED} the {what} `{}` ({}:{}), which the commit's tree defines ({}:{}) and the branch tip does not: the backport needs the commit that added it, or adapting",
                    c.name, c.call_file, c.call_line, c.def_file, c.def_line
                ),
                format!(
                    "git grep -n -w {name} {sha} -- {call} && git grep -n -E {here} {sha} -- {def} && ! git grep -n -E {anywhere} {r} -- '*.c' '*.h'",
                    name = sh(&c.name),
                    call = sh(&c.call_file),
                    here = sh(&here),
                    def = sh(&c.def_file),
                    anywhere = sh(&anywhere),
                ),
            )
        })
        .collect()
}
