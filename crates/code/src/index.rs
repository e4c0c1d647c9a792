//! The [`CodeIndex`]: interned definitions, call sites, wiring and
//! local-practice counts of one source tree, with look-ups by name.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::facts::{ASM, EXIT, FileFacts, INIT, MACRO, STATIC};
use crate::wiring::{EntryKind, classify_member, classify_registration};
use crate::{asm, cparse};

/// A place where a function is called. In [`CodeIndex::callers`] `function`
/// is the calling function; in [`CodeIndex::callees`] it is the called one.
/// An empty `function` means file scope (outside any function).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CallSite {
    pub function: String,
    pub file: String,
    pub line: u32,
}

/// Where a name is defined: a function, an assembly symbol or a macro.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub name: String,
    pub file: String,
    pub line: u32,
    pub is_static: bool,
    pub is_init: bool,
    pub is_exit: bool,
    pub is_macro: bool,
    pub is_asm: bool,
    /// The system call it implements (`SYSCALL_DEFINEn(name, ...)`).
    pub syscall: Option<String>,
    /// The macro that generated it (`SYSCALL_DEFINE3`, `RTE_INIT`).
    pub definer: Option<String>,
}

/// A function wired as a pointer: `.how = target` in a `struct context`
/// initialiser, or passed to a registration call or macro `how(...)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wiring {
    pub target: String,
    pub how: String,
    pub context: String,
    pub member: bool,
    pub file: String,
    pub line: u32,
    pub kind: EntryKind,
}

impl Wiring {
    /// A short description: `file_operations.unlocked_ioctl`, `request_irq()`.
    pub fn describe(&self) -> String {
        if !self.member && self.how == crate::symbols::EXPORTED {
            return format!("exported by {}", self.file);
        }
        if self.member {
            format!("{}.{}", self.context, self.how)
        } else {
            format!("{}()", self.how)
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct Def {
    pub name: u32,
    pub file: u32,
    pub line: u32,
    pub flags: u8,
    pub syscall: Option<u32>,
    pub definer: Option<u32>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct Call {
    pub callee: u32,
    pub caller: u32,
    pub file: u32,
    pub line: u32,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct Wire {
    pub target: u32,
    pub how: u32,
    pub context: u32,
    pub file: u32,
    pub line: u32,
    pub member: bool,
}

/// The serialised form (see `cache.rs`); ids index `names` and `files`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Data {
    pub files: Vec<String>,
    pub names: Vec<String>,
    /// Sorted by name.
    pub defs: Vec<Def>,
    /// Sorted by (callee, file, line).
    pub calls: Vec<Call>,
    /// Sorted by target.
    pub wires: Vec<Wire>,
    /// Per file: (construct name id, lines it appears on).
    pub practice: Vec<Vec<(u32, u32)>>,
    /// Source files whose blob the object store lacks (a partial or
    /// damaged clone): left out, and said so.
    pub unreadable: Vec<String>,
}

impl Data {
    /// True when every id is in range, so look-ups cannot panic.
    pub fn is_consistent(&self) -> bool {
        let n = self.names.len() as u32;
        let f = self.files.len() as u32;
        let opt = |x: Option<u32>| x.is_none_or(|v| v < n);
        self.practice.len() == self.files.len()
            && self.names.windows(2).all(|w| w[0] < w[1])
            && self
                .defs
                .iter()
                .all(|d| d.name < n && d.file < f && opt(d.syscall) && opt(d.definer))
            && self
                .calls
                .iter()
                .all(|c| c.callee < n && c.caller < n && c.file < f)
            && self
                .wires
                .iter()
                .all(|w| w.target < n && w.how < n && w.context < n && w.file < f)
            && self.practice.iter().flatten().all(|&(c, _)| c < n)
            && self.defs.windows(2).all(|w| w[0].name <= w[1].name)
            && self.calls.windows(2).all(|w| w[0].callee <= w[1].callee)
            && self.wires.windows(2).all(|w| w[0].target <= w[1].target)
            && self.files.windows(2).all(|w| w[0] < w[1])
    }
}

/// The code index of one source tree. See the crate documentation.
#[derive(Clone, Debug)]
pub struct CodeIndex {
    pub(crate) d: Data,
    /// Call indices sorted by caller, for `callees`.
    by_caller: Vec<u32>,
}

/// Which parser a path needs, if any.
pub(crate) fn source_kind(path: &str) -> Option<bool> {
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "c" | "h" => Some(true),
        "S" | "s" => Some(false),
        _ => None,
    }
}

/// Parses one file by its extension (`.c`, `.h`, `.S`, `.s`).
pub fn parse_file(path: &str, bytes: &[u8]) -> Option<FileFacts> {
    if crate::symbols::is_symbol_list(path.rsplit('/').next().unwrap_or(path)) {
        return Some(crate::symbols::parse_symbol_list(bytes));
    }
    Some(if source_kind(path)? {
        cparse::parse_c(bytes)
    } else {
        asm::parse_asm(bytes)
    })
}

struct Interner<'a> {
    ids: HashMap<&'a str, u32>,
}

impl CodeIndex {
    /// Builds an index from in-memory sources; files with other extensions
    /// are skipped.
    pub fn from_sources<P, B>(sources: impl IntoIterator<Item = (P, B)>) -> CodeIndex
    where
        P: AsRef<str> + Send + Sync,
        B: AsRef<[u8]> + Send + Sync,
    {
        let sources: Vec<(P, B)> = sources.into_iter().collect();
        let facts: Vec<(String, FileFacts)> = sources
            .par_iter()
            .filter_map(|(p, b)| Some((p.as_ref().to_owned(), parse_file(p.as_ref(), b.as_ref())?)))
            .collect();
        CodeIndex::assemble(facts)
    }

    /// Interns and sorts the facts of all files.
    pub(crate) fn assemble(mut files: Vec<(String, FileFacts)>) -> CodeIndex {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        let mut all: Vec<&str> = vec![""];
        for (_, f) in &files {
            for d in &f.defs {
                all.push(&d.name);
                all.extend(d.syscall.as_deref());
                all.extend(d.definer.as_deref());
            }
            for c in &f.calls {
                all.push(&c.caller);
                all.push(&c.callee);
            }
            for w in &f.wires {
                all.push(&w.target);
                all.push(&w.how);
                all.push(&w.context);
            }
            all.extend(f.practice.keys().map(String::as_str));
        }
        all.par_sort_unstable();
        all.dedup();
        let int = Interner {
            ids: all
                .iter()
                .enumerate()
                .map(|(i, s)| (*s, i as u32))
                .collect(),
        };
        let id = |s: &str| int.ids[s];
        let mut d = Data::default();
        for (fi, (path, f)) in files.iter().enumerate() {
            let fi = fi as u32;
            d.defs.extend(f.defs.iter().map(|x| Def {
                name: id(&x.name),
                file: fi,
                line: x.line,
                flags: x.flags,
                syscall: x.syscall.as_deref().map(id),
                definer: x.definer.as_deref().map(id),
            }));
            d.calls.extend(f.calls.iter().map(|c| Call {
                callee: id(&c.callee),
                caller: id(&c.caller),
                file: fi,
                line: c.line,
            }));
            d.wires.extend(f.wires.iter().map(|w| Wire {
                target: id(&w.target),
                how: id(&w.how),
                context: id(&w.context),
                file: fi,
                line: w.line,
                member: w.member,
            }));
            let mut p: Vec<(u32, u32)> = f.practice.iter().map(|(k, v)| (id(k), *v)).collect();
            p.sort_unstable();
            d.practice.push(p);
            d.files.push(path.clone());
        }
        d.names = all.into_iter().map(str::to_owned).collect();
        d.defs.sort_by_key(|x| (x.name, x.file, x.line));
        d.calls
            .par_sort_unstable_by_key(|c| (c.callee, c.file, c.line, c.caller));
        d.wires.sort_by_key(|w| (w.target, w.file, w.line));
        CodeIndex::from_data(d)
    }

    pub(crate) fn from_data(d: Data) -> CodeIndex {
        let mut by_caller: Vec<u32> = (0..d.calls.len() as u32).collect();
        by_caller.par_sort_unstable_by_key(|&i| {
            let c = &d.calls[i as usize];
            (c.caller, c.file, c.line)
        });
        CodeIndex { d, by_caller }
    }

    pub(crate) fn name_id(&self, name: &str) -> Option<u32> {
        self.d
            .names
            .binary_search_by(|n| n.as_str().cmp(name))
            .ok()
            .map(|i| i as u32)
    }

    pub(crate) fn name(&self, id: u32) -> &str {
        &self.d.names[id as usize]
    }

    pub(crate) fn file(&self, id: u32) -> &str {
        &self.d.files[id as usize]
    }

    /// The indexed files, sorted.
    pub fn files(&self) -> &[String] {
        &self.d.files
    }

    /// Distinct names with a function or assembly definition (not macros).
    pub fn function_names(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for d in self.d.defs.iter().filter(|d| d.flags & MACRO == 0) {
            if v.last().map(String::as_str) != Some(self.name(d.name)) {
                v.push(self.name(d.name).to_owned());
            }
        }
        v
    }

    /// Numbers of (files, definitions, call sites, wirings).
    pub fn stats(&self) -> (usize, usize, usize, usize) {
        (
            self.d.files.len(),
            self.d.defs.len(),
            self.d.calls.len(),
            self.d.wires.len(),
        )
    }

    fn range<T>(v: &[T], key: impl Fn(&T) -> u32, id: u32) -> &[T] {
        let lo = v.partition_point(|x| key(x) < id);
        let hi = v.partition_point(|x| key(x) <= id);
        &v[lo..hi]
    }

    pub(crate) fn defs_of(&self, id: u32) -> &[Def] {
        Self::range(&self.d.defs, |d| d.name, id)
    }

    pub(crate) fn calls_to(&self, id: u32) -> &[Call] {
        Self::range(&self.d.calls, |c| c.callee, id)
    }

    pub(crate) fn raw_defs(&self, name: &str) -> &[Def] {
        match self.name_id(name) {
            Some(id) => Self::range(&self.d.defs, |d| d.name, id),
            None => &[],
        }
    }

    pub(crate) fn raw_calls_to(&self, name: &str) -> &[Call] {
        match self.name_id(name) {
            Some(id) => Self::range(&self.d.calls, |c| c.callee, id),
            None => &[],
        }
    }

    /// Every definition of `name` (functions, assembly symbols, macros).
    /// Source files left out because the object store lacks their blob.
    pub fn unreadable(&self) -> &[String] {
        &self.d.unreadable
    }

    pub fn definitions(&self, name: &str) -> Vec<Definition> {
        self.raw_defs(name)
            .iter()
            .map(|d| self.definition(d))
            .collect()
    }

    fn definition(&self, d: &Def) -> Definition {
        Definition {
            name: self.name(d.name).to_owned(),
            file: self.file(d.file).to_owned(),
            line: d.line,
            is_static: d.flags & STATIC != 0,
            is_init: d.flags & INIT != 0,
            is_exit: d.flags & EXIT != 0,
            is_macro: d.flags & MACRO != 0,
            is_asm: d.flags & ASM != 0,
            syscall: d.syscall.map(|s| self.name(s).to_owned()),
            definer: d.definer.map(|s| self.name(s).to_owned()),
        }
    }

    /// Every call of `name` by its name, as `git grep -w` would see it
    /// (no scoping of `static` functions), sorted by file and line.
    pub fn callers(&self, name: &str) -> Vec<CallSite> {
        self.raw_calls_to(name)
            .iter()
            .map(|c| self.call_site(c))
            .collect()
    }

    /// A call as a [`CallSite`] named by its calling function.
    fn call_site(&self, c: &Call) -> CallSite {
        CallSite {
            function: self.name(c.caller).to_owned(),
            file: self.file(c.file).to_owned(),
            line: c.line,
        }
    }

    /// Call sites of `name` that can reach its definition: when every
    /// definition is `static` in `.c` files, only calls in those files.
    pub fn callers_scoped(&self, name: &str) -> Vec<CallSite> {
        let Some(id) = self.name_id(name) else {
            return Vec::new();
        };
        self.reaching_calls(id, None)
            .into_iter()
            .map(|c| self.call_site(c))
            .collect()
    }

    /// True for a kernel tree: some function implements a system call
    /// (`SYSCALL_DEFINEn`). Elsewhere system calls are no entry points.
    pub fn defines_system_calls(&self) -> bool {
        self.d.defs.iter().any(|d| d.syscall.is_some())
    }

    /// The id of the indexed file at `path`.
    pub(crate) fn file_id(&self, path: &str) -> Option<u32> {
        self.files()
            .iter()
            .position(|f| f == path)
            .map(|i| i as u32)
    }

    /// Files with their own `static` definition of `id` in a `.c` file: a
    /// call made in one of them reaches that definition and no other.
    pub(crate) fn static_files(&self, id: u32) -> Vec<u32> {
        self.defs_of(id)
            .iter()
            .filter(|d| {
                d.flags & MACRO == 0 && d.flags & STATIC != 0 && self.file(d.file).ends_with(".c")
            })
            .map(|d| d.file)
            .collect()
    }

    /// Whether a call to `id` made in `call_file` reaches the definition of
    /// `id` in `def_file`: a static definition takes only its own file's
    /// calls; any other takes the calls of files without their own static one.
    pub(crate) fn call_reaches(&self, statics: &[u32], def_file: u32, call_file: u32) -> bool {
        if statics.contains(&def_file) {
            call_file == def_file
        } else {
            !statics.contains(&call_file)
        }
    }

    /// True when `file` holds a `static` definition of `name` in a `.c` file.
    pub fn is_static_in(&self, name: &str, file: &str) -> bool {
        match (self.name_id(name), self.file_id(file)) {
            (Some(id), Some(f)) => self.static_files(id).contains(&f),
            _ => false,
        }
    }

    /// Call sites of the definition of `name` in `file`: only that file's
    /// calls when it is `static` there, else every call except those made
    /// in files that define their own `static` `name`. Without a definition
    /// in `file`, the same as [`CodeIndex::callers`].
    pub fn callers_of_definition_in(&self, name: &str, file: &str) -> Vec<CallSite> {
        let Some(id) = self.name_id(name) else {
            return Vec::new();
        };
        let file = self.file_id(file);
        if !file.is_some_and(|f| self.defs_of(id).iter().any(|d| d.file == f)) {
            return self.callers(name);
        }
        self.reaching_calls(id, file)
            .into_iter()
            .map(|c| self.call_site(c))
            .collect()
    }

    /// Files other than `file` whose own `static` `name` takes their calls.
    pub fn shadowing_files(&self, name: &str, file: &str) -> Vec<String> {
        let Some(id) = self.name_id(name) else {
            return Vec::new();
        };
        let mut v: Vec<String> = self
            .static_files(id)
            .into_iter()
            .map(|f| self.file(f).to_owned())
            .filter(|f| f != file)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The calls made inside `name` (in any of its definitions); here
    /// `function` is the called name.
    pub fn callees(&self, name: &str) -> Vec<CallSite> {
        let Some(id) = self.name_id(name) else {
            return Vec::new();
        };
        let calls = &self.d.calls;
        let lo = self
            .by_caller
            .partition_point(|&i| calls[i as usize].caller < id);
        let hi = self
            .by_caller
            .partition_point(|&i| calls[i as usize].caller <= id);
        self.by_caller[lo..hi]
            .iter()
            .map(|&i| {
                let c = &calls[i as usize];
                CallSite {
                    function: self.name(c.callee).to_owned(),
                    file: self.file(c.file).to_owned(),
                    line: c.line,
                }
            })
            .collect()
    }

    /// Every place `name` is wired as a function pointer.
    pub fn wiring(&self, name: &str) -> Vec<Wiring> {
        let Some(id) = self.name_id(name) else {
            return Vec::new();
        };
        Self::range(&self.d.wires, |w| w.target, id)
            .iter()
            .map(|w| {
                let how = self.name(w.how).to_owned();
                let context = self.name(w.context).to_owned();
                let kind = if w.member {
                    classify_member(&how, &context)
                } else {
                    classify_registration(&how)
                };
                Wiring {
                    target: name.to_owned(),
                    how,
                    context,
                    member: w.member,
                    file: self.file(w.file).to_owned(),
                    line: w.line,
                    kind,
                }
            })
            .collect()
    }

    /// Lines on which `construct` appears in files under `prefix` (a path
    /// prefix such as `arch/powerpc/`; empty for the whole tree).
    pub fn practice_count(&self, construct: &str, prefix: &str) -> u32 {
        let Some(id) = self.name_id(construct) else {
            return 0;
        };
        let lo = self.d.files.partition_point(|f| f.as_str() < prefix);
        let mut total = 0u32;
        for (f, p) in self.d.files[lo..].iter().zip(&self.d.practice[lo..]) {
            if !f.starts_with(prefix) {
                break;
            }
            if let Ok(k) = p.binary_search_by_key(&id, |&(c, _)| c) {
                total = total.saturating_add(p[k].1);
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> CodeIndex {
        CodeIndex::from_sources([
            (
                "a/x.c",
                "static int helper(void)\n{\n\treturn 1;\n}\nint api(void)\n{\n\treturn helper();\n}\n",
            ),
            (
                "b/y.c",
                "static int helper(void) { return 2; }\nvoid other(void)\n{\n\thelper();\n\tapi();\n}\n",
            ),
            ("README", "api();"),
        ])
    }

    #[test]
    fn callers_callees_definitions() {
        let ix = index();
        assert_eq!(ix.files(), ["a/x.c", "b/y.c"]);
        let c = ix.callers("api");
        assert_eq!(
            c,
            [CallSite {
                function: "other".into(),
                file: "b/y.c".into(),
                line: 5
            }]
        );
        assert_eq!(ix.callers("helper").len(), 2);
        assert_eq!(ix.definitions("helper").len(), 2);
        let callees: Vec<_> = ix
            .callees("other")
            .into_iter()
            .map(|c| c.function)
            .collect();
        assert_eq!(callees, ["helper", "api"]);
        assert!(ix.callers("nothing").is_empty());
        assert!(ix.d.is_consistent());
    }

    #[test]
    fn static_functions_are_scoped_to_their_file() {
        let ix = CodeIndex::from_sources([
            (
                "a/x.c",
                "static int helper(void) { return 1; }\nint api(void) { return helper(); }\n",
            ),
            ("b/y.c", "void other(void) { helper(); }\n"),
        ]);
        assert_eq!(ix.callers("helper").len(), 2);
        let scoped = ix.callers_scoped("helper");
        assert_eq!(scoped.len(), 1);
        assert_eq!(scoped[0].file, "a/x.c");
    }

    #[test]
    fn practice_counts_by_prefix() {
        let ix = CodeIndex::from_sources([
            ("arch/p/lib/a.c", "void __no_sanitize_address f(void) {}\n"),
            (
                "arch/p/k/b.c",
                "void __no_sanitize_address g(void) {}\nvoid __no_sanitize_address h(void) {}\n",
            ),
            ("arch/q/c.c", "void __no_sanitize_address i(void) {}\n"),
        ]);
        assert_eq!(ix.practice_count("__no_sanitize_address", "arch/p/lib/"), 1);
        assert_eq!(ix.practice_count("__no_sanitize_address", "arch/p/"), 3);
        assert_eq!(ix.practice_count("__no_sanitize_address", ""), 4);
        assert_eq!(ix.practice_count("__absent", ""), 0);
    }
}
