//! Phase 5, code semantics: for each touched function, at the commit and at
//! each stable branch tip — callers, callees, call chains to entry points,
//! the entry kinds reached, and local practice for the constructs added.

use crate::record::Record;
use crate::{Context, Evidence, full};
use stablepick_code::{
    CallSite, CodeIndex, TouchedFunction, findings, function_facts_in, practice_findings,
};
use stablepick_repo::gofunc::is_go;

const P: u8 = 5;

/// Reachability of one touched function at one revision (JSON contract:
/// `callers: [{function, file, line}]`, `entry_kinds: [...]`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct FunctionReach {
    /// `commit` for the commit's own tree, else the stable branch name.
    pub at: String,
    pub function: String,
    /// The file the commit changes the function in.
    pub file: Option<String>,
    pub callers: Vec<CallSite>,
    pub entry_kinds: Vec<String>,
    pub user_reachable: bool,
}

/// Code indexes kept in the cache directory: the branch tips' trees and
/// those of recently analysed commits (each commit has a tree of its own).
const KEPT_CODE_INDEXES: usize = 32;

/// The code index of `tree` ([`CodeIndex::open`]), its cache file marked as
/// used and the least recently used others removed.
fn open_code_index(
    repo: &git2::Repository,
    tree: git2::Oid,
) -> Result<CodeIndex, stablepick_code::CodeError> {
    let index = CodeIndex::open(repo, tree)?;
    let path = CodeIndex::cache_file(repo, tree);
    stablepick_repo::cache_dir::touch(&path);
    if let Some(dir) = path.parent() {
        stablepick_repo::cache_dir::prune(dir, "code-", ".bin", KEPT_CODE_INDEXES, &path);
    }
    Ok(index)
}

/// The record that the index of `rev` left out source files whose blobs
/// the object store lacks (a partial or damaged clone), if it did: what
/// they define or call is not in the answers.
fn unreadable_record(index: &CodeIndex, rev: &str, tag: &str) -> Option<Record> {
    let missing = index.unreadable();
    if missing.is_empty() {
        return None;
    }
    const SHOWN: usize = 5;
    let paths: Vec<String> = missing
        .iter()
        .take(SHOWN)
        .map(|p| crate::record::sh(p))
        .collect();
    Some(Record::new(
        P,
        format!(
            "{tag}{} source file(s) at {rev} could not be read (the object store lacks their blobs) and are left out of the callers and call chains: {}",
            missing.len(),
            crate::record::capped_list(missing, SHOWN)
        ),
        format!(
            "git ls-tree -r {} -- {} | awk '{{print $3}}' | git cat-file --batch-check | grep missing",
            crate::record::sh(rev),
            paths.join(" ")
        ),
    ))
}

/// How the note on Go functions begins.
pub const GO_NOT_ANALYSED: &str = "the code index reads C only";

/// Why Phase 5 says nothing of the Go functions a diff touches.
fn go_not_analysed(names: &[String]) -> String {
    format!(
        "{GO_NOT_ANALYSED}: the Go function(s) the diff touches ({}) are not analysed (definitions, callers, callees, entry points)",
        crate::record::capped_list(names, 5)
    )
}

pub(crate) fn collect(ctx: &Context, ev: &mut Evidence) {
    // The code index reads C and assembly only: a Go function would have no
    // definition, callers or local practice there.
    let mut functions: Vec<TouchedFunction> = Vec::new();
    for f in ev.diff.files.iter().filter(|f| !is_go(f.path())) {
        for name in &f.functions {
            let touched = TouchedFunction::new(name, f.path());
            if !functions.contains(&touched) {
                functions.push(touched);
            }
        }
    }
    // Go functions the diff touches: said to be left out, not absent.
    let go_functions: Vec<String> = ev
        .diff
        .files
        .iter()
        .filter(|f| is_go(f.path()))
        .flat_map(|f| f.functions.iter().map(|n| format!("`{n}()`")))
        .collect();
    if !go_functions.is_empty() {
        ev.not_analysed.push((P, go_not_analysed(&go_functions)));
    }
    let touches_macros = ev.diff.files.iter().any(|f| !f.macros.is_empty());
    if functions.is_empty() && !touches_macros {
        if go_functions.is_empty() {
            ev.not_analysed
                .push((P, "the diff touches no C function bodies or macros".into()));
        }
        return;
    }
    let repo = ctx.git.repo();
    let sha = full(ev.commit.oid);
    let tree = match repo.find_commit(ev.commit.oid).and_then(|c| c.tree()) {
        Ok(t) => t.id(),
        Err(e) => {
            ev.not_analysed
                .push((P, format!("cannot read the commit tree: {e}")));
            return;
        }
    };
    let mut callees = Vec::new();
    let mut indexed = false;
    match open_code_index(repo, tree) {
        Ok(index) => {
            indexed = true;
            // The function-like macros the change touches are reached as
            // functions are, through their expansions (which the index
            // reads as calls); a constant's `#define` has none.
            for f in ev.diff.files.iter().filter(|f| !is_go(f.path())) {
                for name in &f.macros {
                    let touched = TouchedFunction::new(name, f.path());
                    if !functions.contains(&touched) && !index.callers(name).is_empty() {
                        functions.push(touched);
                    }
                }
            }
            callees = crate::phase5_callees::new_callees(&index, ev, &functions);
            // A function the commit removes has no definition in its tree:
            // that alone is said, as for a branch that lacks one.
            if let Some(r) = unreadable_record(&index, &sha, "") {
                ev.records.push(r);
            }
            for f in findings(&index, &sha, &functions)
                .into_iter()
                .filter(|f| f.topic == "definition" || !index.definitions(&f.function).is_empty())
            {
                ev.records.push(Record::new(P, f.text, f.verified_by));
            }
            for file in ev.diff.files.iter().filter(|f| !is_go(f.path())) {
                let added: Vec<&str> = file
                    .hunks
                    .iter()
                    .flat_map(|h| h.changes.iter())
                    .filter(|c| c.0 == '+')
                    .map(|c| c.2.as_str())
                    .collect();
                // One record per construct and file: the text names no
                // function, so one per touched function would repeat it.
                if let Some(func) = file.functions.first() {
                    for f in practice_findings(&index, &sha, func, file.path(), &added) {
                        ev.records.push(Record::new(P, f.text, f.verified_by));
                    }
                }
            }
            push_reach(ev, &index, "commit", &functions);
        }
        Err(e) => ev
            .not_analysed
            .push((P, format!("code index of the commit tree failed: {e}"))),
    }
    if functions.is_empty() {
        if go_functions.is_empty() && indexed {
            ev.not_analysed.push((
                P,
                "the diff touches no C function bodies, and no macro it touches is expanded anywhere"
                    .into(),
            ));
        }
        return;
    }
    for b in ctx.index.branches() {
        let Ok(tip_tree) = repo.find_commit(b.branch.tip()).and_then(|c| c.tree()) else {
            continue;
        };
        let Ok(index) = open_code_index(repo, tip_tree.id()) else {
            continue;
        };
        if let Some(r) = unreadable_record(
            &index,
            b.branch.display_ref(),
            &format!("[{}] ", b.branch.name),
        ) {
            ev.records.push(r);
        }
        // Callers and entry points of a function the branch defines; of
        // one it lacks, only that it has no definition there.
        let defined: Vec<&str> = functions
            .iter()
            .filter(|f| {
                !index.definitions(&f.name).is_empty()
                    && !stablepick_code::only_other_files_statics(&index, f)
            })
            .map(|f| f.name.as_str())
            .collect();
        for f in findings(&index, b.branch.display_ref(), &functions)
            .into_iter()
            .filter(|f| {
                if defined.contains(&f.function.as_str()) {
                    f.topic == "callers" || f.topic == "entry_kinds"
                } else {
                    f.topic == "definition"
                }
            })
        {
            ev.records.push(Record::new(
                P,
                format!("[{}] {}", b.branch.name, f.text),
                f.verified_by,
            ));
        }
        push_reach(ev, &index, &b.branch.name, &functions);
        ev.records.extend(crate::phase5_callees::missing_at_tip(
            &index,
            &callees,
            &sha,
            &b.branch.name,
            b.branch.display_ref(),
        ));
    }
}

fn push_reach(ev: &mut Evidence, index: &CodeIndex, at: &str, functions: &[TouchedFunction]) {
    for f in functions {
        // Another file's static function of the name is not this one.
        if stablepick_code::only_other_files_statics(index, f) {
            ev.reach.push(FunctionReach {
                at: at.to_string(),
                function: f.name.clone(),
                file: f.file.clone(),
                callers: Vec::new(),
                entry_kinds: Vec::new(),
                user_reachable: false,
            });
            continue;
        }
        let facts = function_facts_in(index, &f.name, f.file.as_deref());
        ev.reach.push(FunctionReach {
            at: at.to_string(),
            function: f.name.clone(),
            file: f.file.clone(),
            callers: facts.callers,
            entry_kinds: facts.entry_kinds,
            user_reachable: facts.user_reachable,
        });
    }
}

#[cfg(test)]
mod go_note_tests {
    use super::*;

    #[test]
    fn the_go_note_names_what_it_left_out() {
        let names: Vec<String> = (0..7).map(|i| format!("`f{i}()`")).collect();
        let note = go_not_analysed(&names);
        assert!(note.starts_with(GO_NOT_ANALYSED), "{note}");
        assert!(
            note.contains("`f0()`, `f1()`, `f2()`, `f3()`, `f4()` and 2 more"),
            "{note}"
        );
    }
}
