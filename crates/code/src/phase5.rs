//! Phase 5 records for the evidence layer: for each function a commit
//! touches, at one revision, its definitions, callers, callees, shortest
//! chains to entry points, the entry kinds reached, and local practice for
//! the constructs the diff adds. Every [`Finding`] carries a `git` command
//! that reproduces it.

use git2::{Oid, Repository};
use serde::Serialize;

use crate::error::CodeError;
use crate::graph::{Chain, Limits, Reach};
use crate::index::{CallSite, CodeIndex, Definition};
use crate::practice::{dir_and_subsystem, extract_constructs, grep_command};
use crate::wiring::EntryKind;

/// Callers listed in a finding's text; the `callers` field has them all
/// (up to [`MAX_CALLERS`]).
const SHOWN: usize = 10;
/// Call sites kept per function.
pub const MAX_CALLERS: usize = 500;

/// One Phase 5 record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The touched function the record is about.
    pub function: String,
    /// `definition`, `callers`, `callees`, `chain`, `entry_kinds` or `practice`.
    pub topic: &'static str,
    pub text: String,
    /// A plain command that reproduces the record.
    pub verified_by: String,
    /// Set on the `callers` record.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub callers: Vec<CallSite>,
    /// Set on the `entry_kinds` record.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entry_kinds: Vec<String>,
}

/// The facts about one function at one revision, in the shape of the JSON
/// contract (`"callers": [{"function", "file", "line"}]`, `"entry_kinds"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FunctionFacts {
    pub function: String,
    pub definitions: Vec<Definition>,
    pub callers: Vec<CallSite>,
    /// Distinct called names, in order of first call.
    pub callees: Vec<String>,
    pub entry_kinds: Vec<String>,
    pub user_reachable: bool,
    pub chains: Vec<Chain>,
    /// True when a search bound cut the chains short.
    pub truncated: bool,
}

/// A function a commit changes, with the file it changes it in: two
/// `static` functions of one name in two files are two functions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TouchedFunction {
    pub name: String,
    /// `None` when the file is not known: every call by name counts.
    pub file: Option<String>,
}

impl TouchedFunction {
    pub fn new(name: &str, file: &str) -> Self {
        TouchedFunction {
            name: name.to_owned(),
            file: Some(file.to_owned()),
        }
    }

    /// A function known by name only.
    pub fn named(name: &str) -> Self {
        TouchedFunction {
            name: name.to_owned(),
            file: None,
        }
    }
}

/// The facts about `name` in `index`.
pub fn function_facts(index: &CodeIndex, name: &str) -> FunctionFacts {
    function_facts_in(index, name, None)
}

/// The facts about the definition of `name` in `file` (see
/// [`CodeIndex::callers_of_definition_in`]); every definition when `None`.
pub fn function_facts_in(index: &CodeIndex, name: &str, file: Option<&str>) -> FunctionFacts {
    // The calls made in the definition in `file`, when it has one: every
    // program of a tree may define its own `usage()` and `main()`.
    let defined_in_file = file.filter(|f| index.definitions(name).iter().any(|d| d.file == *f));
    let mut callees: Vec<String> = Vec::new();
    for c in index.callees(name) {
        if defined_in_file.is_some_and(|f| c.file != f) {
            continue;
        }
        if !callees.contains(&c.function) {
            callees.push(c.function);
        }
    }
    let mut definitions = index.definitions(name);
    // A program's own `main()`: only the one in `file` is this one, nothing
    // calls it, and running the program runs it.
    let (callers, reach) = match defined_in_file.filter(|_| name == "main") {
        Some(f) => {
            definitions.retain(|d| d.file == f);
            let reach = if crate::graph::is_test_or_example_path(f) {
                Reach {
                    kinds: vec![EntryKind::NoneFound],
                    ..Default::default()
                }
            } else {
                Reach {
                    kinds: vec![EntryKind::Program],
                    chains: vec![Chain {
                        kind: EntryKind::Program,
                        entry: format!("main() in {f}"),
                        functions: vec![name.to_owned()],
                    }],
                    truncated: false,
                }
            };
            (Vec::new(), reach)
        }
        None => {
            let mut callers = match file {
                Some(f) => index.callers_of_definition_in(name, f),
                None => index.callers(name),
            };
            callers.truncate(MAX_CALLERS);
            (callers, index.reach_from(name, file, Limits::default()))
        }
    };
    FunctionFacts {
        function: name.to_owned(),
        definitions,
        callers,
        callees,
        entry_kinds: reach.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
        user_reachable: reach.user_reachable(),
        chains: reach.chains,
        truncated: reach.truncated,
    }
}

fn quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-./:^~@{}".contains(c))
        && !s.is_empty()
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The `git grep` that shows every hop of a chain. A program's `main()` is
/// shown in its own file only: every program has one.
fn chain_command(chain: &Chain, rev: &str) -> String {
    let mut functions = chain.functions.as_slice();
    // A change in a program's own main(): its definition shows it.
    if chain.kind == EntryKind::Program
        && let Some(file) = chain.entry.strip_prefix("main() in ")
        && functions.len() == 1
    {
        return format!("git grep -n -w main {} -- {}", quote(rev), quote(file));
    }
    let mut cmd = String::new();
    if chain.kind == EntryKind::Program
        && let Some(file) = chain.entry.strip_prefix("main() in ")
        && let [_main, called, ..] = functions
    {
        cmd = format!(
            "git grep -n -w -e main -e {} {} -- {} && ",
            quote(called),
            quote(rev),
            quote(file)
        );
        functions = &functions[1..];
    }
    cmd.push_str("git grep -n -E");
    for (i, f) in functions.iter().enumerate() {
        let pat = match chain.entry.strip_prefix("syscall ") {
            Some(sc) if i == 0 => format!("SYSCALL_DEFINE[0-9]\\({sc}\\b"),
            _ => format!("\\b{f}\\b"),
        };
        cmd.push_str(&format!(" -e '{pat}'"));
    }
    cmd.push(' ');
    cmd.push_str(&quote(rev));
    cmd
}

fn kind_phrase(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Syscall => "syscall (user-reachable)",
        EntryKind::Ioctl => "ioctl (user-reachable)",
        EntryKind::Privileged => "privileged (reboot/kexec/module load)",
        EntryKind::Init => "init (boot or module initialisation)",
        EntryKind::Probe => "probe (driver probe/remove)",
        EntryKind::Interrupt => "interrupt (interrupt handler)",
        EntryKind::Pointer => "pointer (wired into an ops structure or callback)",
        EntryKind::Program => "program (a main() function outside tests and examples)",
        EntryKind::Api => {
            "api (a function the library exports: programs linked against it call it)"
        }
        EntryKind::Command => "command (a command-line handler: a user typing the command runs it)",
        EntryKind::NoneFound => "none-found",
    }
}

fn site(c: &CallSite) -> String {
    if c.function.is_empty() {
        format!("{}:{} (file scope)", c.file, c.line)
    } else {
        format!("{}:{} ({})", c.file, c.line, c.function)
    }
}

/// Which calls of a touched function can reach the definition changed,
/// as text for the records and as pathspecs for their commands.
struct CallScope {
    /// `" (the static one in F)"`, or empty.
    label: String,
    /// `" (calls in F, G are left out: …)"`, or empty.
    note: String,
    /// `" -- F"` or `" -- . ':!F'"`, or empty.
    pathspec: String,
}

fn call_scope(index: &CodeIndex, f: &TouchedFunction) -> CallScope {
    let none = CallScope {
        label: String::new(),
        note: String::new(),
        pathspec: String::new(),
    };
    let Some(file) = f.file.as_deref() else {
        return none;
    };
    if !index.definitions(&f.name).iter().any(|d| d.file == file) {
        return none;
    }
    if index.is_static_in(&f.name, file) {
        return CallScope {
            label: format!(" (the static one in {file})"),
            note: String::new(),
            pathspec: format!(" -- {}", quote(file)),
        };
    }
    let shadowing = index.shadowing_files(&f.name, file);
    if shadowing.is_empty() {
        return none;
    }
    let shown: Vec<&str> = shadowing.iter().take(SHOWN).map(String::as_str).collect();
    let more = if shadowing.len() > SHOWN {
        format!(" and {} more", shadowing.len() - SHOWN)
    } else {
        String::new()
    };
    let mut pathspec = " -- .".to_owned();
    for s in &shadowing {
        pathspec.push(' ');
        pathspec.push_str(&quote(&format!(":!{s}")));
    }
    CallScope {
        label: String::new(),
        note: format!(
            " (calls in {}{more} are left out: each defines its own static {})",
            shown.join(", "),
            f.name
        ),
        pathspec,
    }
}

/// True when `f`'s file does not define it in this index, and every file
/// that defines a function of its name defines its own static one: none of
/// them is `f`.
pub fn only_other_files_statics(index: &CodeIndex, f: &TouchedFunction) -> bool {
    let Some(file) = f.file.as_deref() else {
        return false;
    };
    let defs = index.definitions(&f.name);
    !defs.is_empty() && defs.iter().all(|d| d.file != file && d.is_static)
}

/// The finding for a function whose file does not define it at this
/// revision (a test the branch lacks, a file the commit deletes) while
/// other files each define a static function of that name (every test's
/// `do_test`): none of those is the one changed, so it has no callers or
/// entry points here. `None` otherwise.
fn own_static_elsewhere(index: &CodeIndex, f: &TouchedFunction, rev: &str) -> Option<Finding> {
    if !only_other_files_statics(index, f) {
        return None;
    }
    let file = f.file.as_deref()?;
    let r = quote(rev);
    let defs = index.definitions(&f.name);
    let mut files: Vec<&str> = defs.iter().map(|d| d.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let name = &f.name;
    Some(Finding {
        function: name.clone(),
        topic: "definition",
        text: format!(
            "{name} at {rev}: not defined in {file}; the {} other file(s) that define a {name} each define their own static one, so none is the function changed and it has no callers here",
            files.len()
        ),
        verified_by: format!(
            "! git grep -q -w {} {r} -- {} && git grep -l -E {} {r}",
            quote(name),
            quote(file),
            quote(&format!(
                "^static .*[^A-Za-z0-9_]{name}[[:space:]]*\\(|^{name}[[:space:]]*\\("
            ))
        ),
        callers: Vec::new(),
        entry_kinds: Vec::new(),
    })
}

/// Phase 5 findings for `functions` in an index built for revision `rev`.
pub fn findings(index: &CodeIndex, rev: &str, functions: &[TouchedFunction]) -> Vec<Finding> {
    let mut out = Vec::new();
    let r = quote(rev);
    let kernel = index.defines_system_calls();
    for touched in functions {
        let name = &touched.name;
        if let Some(f) = own_static_elsewhere(index, touched, rev) {
            out.push(f);
            continue;
        }
        let scope = call_scope(index, touched);
        let facts = function_facts_in(index, name, touched.file.as_deref());
        // A function a macro generates (`SYSCALL_DEFINE4(reboot, …)` is
        // `sys_reboot`) is found by the macro's line too: its name may
        // appear nowhere else.
        let words = match facts.definitions.iter().find_map(|d| {
            d.definer
                .as_deref()
                .map(|m| (m, d.syscall.as_deref().unwrap_or(name)))
        }) {
            Some((definer, arg)) => format!(
                "-E -e {} -e {}",
                quote(&format!("\\b{name}\\b")),
                quote(&format!("{definer}[[:space:]]*\\([[:space:]]*{arg}\\b"))
            ),
            None => format!("-w {}", quote(name)),
        };
        let grep = format!("git grep -n {words} {r}");
        // A program's own `main()` is found in its own file: every program
        // of the tree has one.
        let own_main = match touched.file.as_deref() {
            Some(file) if name == "main" => Some(file),
            _ => None,
        };
        let grep = match own_main {
            Some(file) => format!("{grep} -- {}", quote(file)),
            None => grep,
        };
        let scoped_grep = if own_main.is_some() {
            grep.clone()
        } else {
            format!("{grep}{}", scope.pathspec)
        };
        let record = |topic, text: String, verified_by: String| Finding {
            function: name.clone(),
            topic,
            text,
            verified_by,
            callers: Vec::new(),
            entry_kinds: Vec::new(),
        };
        // Definitions.
        let text = if facts.definitions.is_empty() {
            format!("{name} at {rev}: no definition found in the tree")
        } else {
            let defs: Vec<String> = facts
                .definitions
                .iter()
                .take(SHOWN)
                .map(|d| {
                    let mut notes = Vec::new();
                    if d.is_macro {
                        notes.push("macro".to_owned());
                    }
                    if d.is_asm {
                        notes.push("assembly".to_owned());
                    }
                    if d.is_static {
                        notes.push("static".to_owned());
                    }
                    if d.is_init {
                        notes.push("__init".to_owned());
                    }
                    if let Some(sc) = &d.syscall {
                        notes.push(format!("system call {sc}"));
                    }
                    let notes = if notes.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", notes.join(", "))
                    };
                    format!("{}:{}{notes}", d.file, d.line)
                })
                .collect();
            let changed = match touched.file.as_deref() {
                Some(file) if !scope.label.is_empty() && facts.definitions.len() > 1 => {
                    format!("; the one this change is about is the static one in {file}")
                }
                _ => String::new(),
            };
            format!("{name} at {rev}: defined at {}{changed}", defs.join(", "))
        };
        // With no definition, the command looks for a line that opens one
        // (the name then `(`, at the start of a line, not ending a
        // prototype with `;`) and succeeds when there is none.
        let shows_definitions = if facts.definitions.is_empty() {
            format!(
                "! git grep -n -E {} {r}",
                quote(&format!(
                    "^([A-Za-z_].*[^A-Za-z0-9_])?{name}[[:space:]]*\\([^;]*$"
                ))
            )
        } else {
            grep.clone()
        };
        out.push(record("definition", text, shows_definitions));
        // Callers.
        let all = match touched.file.as_deref() {
            Some(file) => index.callers_of_definition_in(name, file),
            None => index.callers(name),
        };
        let label = &scope.label;
        let text = if let (Some(file), true) = (own_main, all.is_empty()) {
            format!("main at {rev} is the entry point of the program in {file}: nothing calls it")
        } else if all.is_empty() {
            format!(
                "no direct call sites of {name}{label} at {rev} (it may be reached only through pointers){}",
                scope.note
            )
        } else {
            let mut fns: Vec<&str> = all.iter().map(|c| c.function.as_str()).collect();
            fns.sort_unstable();
            fns.dedup();
            let shown: Vec<String> = all.iter().take(SHOWN).map(site).collect();
            let more = if all.len() > SHOWN {
                format!(" and {} more", all.len() - SHOWN)
            } else {
                String::new()
            };
            format!(
                "callers of {name}{label} at {rev}: {} call sites in {} functions: {}{more}{}",
                all.len(),
                fns.len(),
                shown.join(", "),
                scope.note
            )
        };
        let mut f = record("callers", text, scoped_grep.clone());
        f.callers = facts.callers.clone();
        out.push(f);
        // Callees.
        if !facts.callees.is_empty() {
            let file = facts
                .definitions
                .iter()
                .find(|d| !d.is_macro && Some(d.file.as_str()) == touched.file.as_deref())
                .or_else(|| facts.definitions.iter().find(|d| !d.is_macro))
                .or(facts.definitions.first());
            let cmd = match file {
                Some(d) => format!("git grep -n -W {words} {r} -- {}", quote(&d.file)),
                None => grep.clone(),
            };
            let text = format!("{name} at {rev} calls: {}", facts.callees.join(", "));
            out.push(record("callees", text, cmd));
        }
        // Chains.
        for c in &facts.chains {
            let text = format!(
                "call chain ({}, {}): {}",
                c.kind.as_str(),
                c.entry,
                c.render()
            );
            out.push(record("chain", text, chain_command(c, rev)));
        }
        // Entry kinds.
        let kinds: Vec<String> = facts
            .chains
            .iter()
            .map(|c| format!("{} via {}", kind_phrase(c.kind), c.entry))
            .collect();
        // Say what was searched: a library's API is no entry point, and
        // outside a kernel neither are system calls.
        let reach_note = if facts.user_reachable {
            "; reachable from unprivileged system calls or ioctls"
        } else if kernel {
            "; not reachable from unprivileged system calls or ioctls within the search bounds (entry points modelled: system calls, ioctls, init, probe and interrupt paths, function-pointer wiring, programs' main(), command-line handlers and functions a version script or symbol list exports)"
        } else if kinds.is_empty() {
            " within the search bounds (entry points modelled: function-pointer wiring, registration calls, constructors, programs' main(), command-line handlers and functions a version script or symbol list exports)"
        } else {
            ""
        };
        let bounds = if facts.truncated {
            let l = Limits::default();
            format!(
                " (search bounded at {} calls and {} callers per function)",
                l.max_depth, l.max_fanout
            )
        } else {
            String::new()
        };
        let text = if kinds.is_empty() {
            format!(
                "entry kinds reached from {name}{label} at {rev}: none found{reach_note}{bounds}"
            )
        } else {
            format!(
                "entry kinds reached from {name}{label} at {rev}: {}{reach_note}{bounds}",
                kinds.join("; ")
            )
        };
        // Every kind the text names, each shown by its chain's grep.
        let cmd = if facts.chains.is_empty() {
            scoped_grep.clone()
        } else {
            facts
                .chains
                .iter()
                .map(|c| chain_command(c, rev))
                .collect::<Vec<_>>()
                .join(" && ")
        };
        let mut f = record("entry_kinds", text, cmd);
        f.entry_kinds = facts.entry_kinds.clone();
        out.push(f);
    }
    out
}

/// Builds (or loads from the cache) the index of `tree_id` and returns the
/// Phase 5 findings for `functions`, labelled with `rev_label`.
pub fn phase5(
    repo: &Repository,
    rev_label: &str,
    tree_id: Oid,
    functions: &[TouchedFunction],
) -> Result<Vec<Finding>, CodeError> {
    let index = CodeIndex::open(repo, tree_id)?;
    Ok(findings(&index, rev_label, functions))
}

/// Local-practice findings for the constructs in `added_lines` (a diff's
/// added lines, without `+`) of `file`, attributed to `function`.
pub fn practice_findings<S: AsRef<str>>(
    index: &CodeIndex,
    rev: &str,
    function: &str,
    file: &str,
    added_lines: &[S],
) -> Vec<Finding> {
    let (dir, sub) = dir_and_subsystem(file);
    let r = quote(rev);
    extract_constructs(added_lines)
        .into_iter()
        .take(8)
        .map(|c| {
            let in_dir = index.practice_count(&c, &dir);
            let in_sub = index.practice_count(&c, &sub);
            let dir_label = if dir.is_empty() { "the top directory".to_owned() } else { dir.clone() };
            let sub_label = if sub.is_empty() { "the tree".to_owned() } else { sub.clone() };
            let shown = if c == crate::practice::NULL_CHECK {
                "`== NULL` or `!= NULL`".to_owned()
            } else {
                format!("`{c}`")
            };
            // The index counts code lines; the grep also shows comments.
            let text = if in_sub == 0 {
                format!("local practice: {shown} does not appear in the code of {sub_label} at {rev}; the change introduces it there")
            } else if dir == sub {
                format!("local practice: {shown} appears on {in_sub} code lines (comments aside) in {sub_label} at {rev}")
            } else {
                format!("local practice: {shown} appears on {in_dir} code lines (comments aside) in {dir_label} and {in_sub} in {sub_label} at {rev}")
            };
            Finding {
                function: function.to_owned(),
                topic: "practice",
                text,
                verified_by: grep_command(&c, &r, if sub.is_empty() { "." } else { &sub }),
                callers: Vec::new(),
                entry_kinds: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_carry_commands_and_contract_fields() {
        let ix = CodeIndex::from_sources([
            (
                "kernel/reboot.c",
                "SYSCALL_DEFINE1(reboot, int, cmd)\n{\n\tkernel_kexec();\n}\n",
            ),
            (
                "kernel/kexec.c",
                "void kernel_kexec(void)\n{\n\tenter_vmx_ops();\n}\n",
            ),
            (
                "arch/powerpc/lib/copypage_power7.S",
                "_GLOBAL(copypage_power7)\n\tbl enter_vmx_ops\n",
            ),
            (
                "arch/powerpc/lib/vmx-helper.c",
                "int enter_vmx_ops(void)\n{\n\tpreempt_disable();\n\treturn 1;\n}\n",
            ),
        ]);
        let f = findings(&ix, "v6.1", &[TouchedFunction::named("enter_vmx_ops")]);
        let topics: Vec<_> = f.iter().map(|x| x.topic).collect();
        assert_eq!(
            topics,
            ["definition", "callers", "callees", "chain", "entry_kinds"]
        );
        assert!(f.iter().all(|x| x.verified_by.starts_with("git grep")));
        assert_eq!(f[1].callers.len(), 2);
        assert!(
            f[1].text
                .contains("arch/powerpc/lib/copypage_power7.S:2 (copypage_power7)"),
            "{}",
            f[1].text
        );
        assert_eq!(f[1].verified_by, "git grep -n -w enter_vmx_ops v6.1");
        assert_eq!(
            f[3].text,
            "call chain (privileged, syscall reboot): sys_reboot → kernel_kexec → enter_vmx_ops"
        );
        assert!(f[3].verified_by.contains("SYSCALL_DEFINE[0-9]\\(reboot\\b"));
        assert_eq!(f[4].entry_kinds, ["privileged"]);
        assert!(f[4].text.contains("not reachable from unprivileged"));
        let json = serde_json::to_value(&f[1]).unwrap();
        assert_eq!(json["callers"][0]["function"], "copypage_power7");
        assert!(json["callers"][0]["file"].is_string() && json["callers"][0]["line"].is_u64());
    }

    #[test]
    fn the_entry_kinds_command_shows_every_chain() {
        let ix = CodeIndex::from_sources([
            ("src/main.c", "int main(void)\n{\n\treturn parse();\n}\n"),
            (
                "src/parse.c",
                "int parse(void)\n{\n\treturn 0;\n}\nvoid setup(void)\n{\n\tRegisterHandler(parse);\n}\n",
            ),
        ]);
        let f = findings(&ix, "HEAD", &[TouchedFunction::new("parse", "src/parse.c")]);
        let kinds = f.iter().find(|x| x.topic == "entry_kinds").unwrap();
        assert_eq!(kinds.entry_kinds, ["pointer", "program"]);
        assert_eq!(
            kinds.verified_by,
            "git grep -n -E -e '\\bparse\\b' HEAD && git grep -n -w -e main -e parse HEAD -- src/main.c && git grep -n -E -e '\\bparse\\b' HEAD"
        );
    }

    #[test]
    fn practice_records() {
        let ix = CodeIndex::from_sources([
            (
                "arch/powerpc/lib/a.c",
                "void __no_sanitize_address f(void) {}\n",
            ),
            (
                "arch/powerpc/kernel/b.c",
                "void __no_sanitize_address g(void) {}\n",
            ),
        ]);
        let f = practice_findings(
            &ix,
            "v6.1",
            "h",
            "arch/powerpc/lib/vmx-helper.c",
            &["int __no_sanitize_address h(void)"],
        );
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].text,
            "local practice: `__no_sanitize_address` appears on 1 code lines (comments aside) in arch/powerpc/lib/ and 2 in arch/powerpc/ at v6.1"
        );
        assert_eq!(
            f[0].verified_by,
            "git grep -n -w __no_sanitize_address v6.1 -- arch/powerpc/"
        );
    }
}
