//! Turns a C source file's tokens into definitions, call sites and wiring.
//!
//! The parser tracks brace depth and the tokens of the current file-scope
//! declaration. At a `{` on file scope it decides: initialiser (`= {`),
//! function body (a declarator `name(...)`), or another aggregate. Inside a
//! body every `ident (` that is not a keyword, a member call or an attribute
//! is a call. Preprocessor conditionals restore the brace depth at `#else`
//! so that `#ifdef`-duplicated openings do not shift every later function.
//! They also say which code is a test program's: a definition inside a
//! branch taken only when a test macro is defined (`#ifdef TEST_PROGRAM`,
//! `#if defined(TEST_PROGRAM_FILEEQ)`, the `#else` of `#ifndef TESTING`)
//! carries the [`TEST`] flag.

use crate::facts::{
    CONSTRUCTOR, EXIT, FileFacts, INIT, MACRO, RawCall, RawDef, RawWire, STATIC, TEST,
};
use crate::lexer::{TokKind, Token, lex};
use crate::practice;
use crate::wiring::{is_cli_definer, registration_args, synchronous_callback_args};

/// Words followed by `(` that are not calls.
const NOT_CALLS: &[&[u8]] = &[
    b"if",
    b"while",
    b"for",
    b"switch",
    b"sizeof",
    b"return",
    b"_Alignof",
    b"alignof",
    b"__alignof__",
    b"__alignof",
    b"typeof",
    b"__typeof__",
    b"__typeof",
    b"typeof_unqual",
    b"_Generic",
    b"defined",
    b"do",
    b"else",
    b"case",
    b"goto",
    b"__extension__",
    b"_Static_assert",
    b"static_assert",
    b"int",
    b"char",
    b"void",
    b"long",
    b"short",
    b"unsigned",
    b"signed",
    b"float",
    b"double",
    b"_Bool",
    b"struct",
    b"union",
    b"enum",
    b"const",
    b"volatile",
    b"static",
    b"register",
    b"inline",
    b"extern",
    b"restrict",
    b"__restrict",
    b"auto",
    b"__volatile__",
    b"__const",
];

/// Words whose parenthesised argument is skipped entirely.
const SKIP_PARENS: &[&[u8]] = &[
    b"__attribute__",
    b"__attribute",
    b"asm",
    b"__asm__",
    b"__asm",
    b"__declspec",
];

/// Attribute-like macros that take arguments and sit in a declarator.
const ATTR_MACROS: &[&str] = &[
    "__attribute__",
    "__attribute",
    "__declspec",
    "_Alignas",
    "alignas",
    "__aligned",
    "__printf",
    "__scanf",
    "__section",
    "__acquires",
    "__releases",
    "__must_hold",
    "__cond_acquires",
    "__cond_releases",
    "__alloc_size",
    "__counted_by",
    "__free",
    "__cleanup",
    "__diag_ignore",
    "__rte_format_printf",
    "__rte_alloc_size",
    "__rte_aligned",
    "__rte_deprecated_msg",
    "__rte_dealloc",
    "__rte_exclusive_locks_required",
    "__rte_shared_locks_required",
    "__rte_requires_capability",
    "__rte_acquire_capability",
    "__rte_release_capability",
    "__rte_try_acquire_capability",
    "__rte_locks_excluded",
];

fn is_upper_macro(name: &[u8]) -> bool {
    name.len() > 1
        && name.iter().any(|b| b.is_ascii_uppercase())
        && name
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
}

/// The function a defining macro `name` makes from its lone first argument
/// `arg`: `DEFPY(neighbor_ip_transparent, …)` defines
/// `neighbor_ip_transparent`, `SYSCALL_DEFINE4(reboot, …)` `sys_reboot`.
/// `None` unless `name` is an upper-case macro and `arg` is a name other
/// than `void`, and for a test case (`TEST(cg_create) { … }`,
/// `START_TEST(x)`), whose argument names what it tests, not the function
/// it makes. The diff's function finder names functions by it too.
pub fn macro_defined_name(name: &str, arg: &str) -> Option<String> {
    if !is_upper_macro(name.as_bytes())
        || arg == "void"
        || is_test_macro(name.as_bytes())
        || name.ends_with("TEST")
    {
        return None;
    }
    Some(if name.contains("SYSCALL_DEFINE") {
        let prefix = if name.starts_with("COMPAT") {
            "compat_sys_"
        } else {
            "sys_"
        };
        format!("{prefix}{arg}")
    } else {
        arg.to_owned()
    })
}

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[derive(Clone, Default)]
struct State {
    depth: u32,
    func: Option<String>,
    /// In a file-scope initialiser: (variable, struct type).
    init: Option<(String, String)>,
    stmt: Vec<usize>,
}

struct Cond {
    at_if: State,
    after_first: Option<State>,
    /// The branch being read is compiled only for a test program.
    test: bool,
    /// An `#else` here would be: `#ifndef TEST_X`, `#if !defined(TEST_X)`.
    else_test: bool,
}

/// A macro that marks test-program code: a name beginning with `TEST`
/// (`TEST_PROGRAM`, `TEST_PROGRAM_FILEEQ`, `TESTING`), holding `_TEST`
/// (`UNIT_TEST`, `ENABLE_TESTS`) or `UNITTEST` (Suricata's `UNITTESTS`).
pub fn is_test_macro(name: &[u8]) -> bool {
    name.starts_with(b"TEST")
        || name.windows(5).any(|w| w == b"_TEST")
        || name.windows(8).any(|w| w == b"UNITTEST")
}

struct Parser<'a> {
    src: &'a [u8],
    toks: &'a [Token],
    st: State,
    cond: Vec<Cond>,
    out: FileFacts,
}

/// Parses one C file (`.c` or `.h`).
pub fn parse_c(src: &[u8]) -> FileFacts {
    let toks = lex(src);
    let mut p = Parser {
        src,
        toks: &toks,
        st: State::default(),
        cond: Vec::new(),
        out: FileFacts::default(),
    };
    p.run();
    p.out.practice = practice::count_constructs(src, &toks);
    p.out
}

impl<'a> Parser<'a> {
    fn text(&self, i: usize) -> &'a [u8] {
        match self.toks.get(i) {
            Some(t) => t.text(self.src),
            None => &[],
        }
    }

    fn is_punct(&self, i: usize, p: &[u8]) -> bool {
        self.toks.get(i).is_some_and(|t| t.is_punct(self.src, p))
    }

    fn is_ident(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TokKind::Ident)
    }

    /// Index just past the `)` matching the `(` at `open` (stops at a
    /// directive end when `in_dir`, or at the end of the tokens).
    fn skip_parens(&self, open: usize, in_dir: bool) -> usize {
        let mut level = 0i32;
        let mut i = open;
        while i < self.toks.len() {
            let t = self.toks[i];
            if in_dir && t.kind == TokKind::DirEnd {
                return i;
            }
            if t.kind == TokKind::Punct {
                match t.text(self.src) {
                    b"(" => level += 1,
                    b")" => {
                        level -= 1;
                        if level <= 0 {
                            return i + 1;
                        }
                    }
                    // A brace or semicolon means the parentheses were unbalanced.
                    b"{" | b"}" | b";" if !in_dir => return i,
                    _ => {}
                }
            }
            i += 1;
        }
        i
    }

    /// Top-level comma-separated arguments of the call whose `(` is at `open`:
    /// for each, the index of its single identifier (after an optional `&` or
    /// cast), if the argument is exactly that.
    fn simple_args(&self, open: usize) -> Vec<Option<usize>> {
        let mut args = Vec::new();
        let mut level = 0i32;
        let mut cur: Vec<usize> = Vec::new();
        let mut i = open;
        while i < self.toks.len() {
            let t = self.toks[i];
            if t.kind == TokKind::Punct {
                match t.text(self.src) {
                    b"(" => {
                        level += 1;
                        if level == 1 {
                            i += 1;
                            continue;
                        }
                    }
                    b")" => {
                        level -= 1;
                        if level == 0 {
                            args.push(self.single_ident(&cur));
                            return args;
                        }
                    }
                    b"," if level == 1 => {
                        args.push(self.single_ident(&cur));
                        cur.clear();
                        i += 1;
                        continue;
                    }
                    b"{" | b"}" | b";" => return args,
                    _ => {}
                }
            }
            if t.kind != TokKind::DirStart && t.kind != TokKind::DirEnd {
                cur.push(i);
            }
            i += 1;
        }
        args
    }

    fn single_ident(&self, arg: &[usize]) -> Option<usize> {
        let mut a = arg;
        if a.first().is_some_and(|&i| self.is_punct(i, b"&")) {
            a = &a[1..];
        }
        match a {
            [i] if self.is_ident(*i) => Some(*i),
            _ => None,
        }
    }

    /// The calls a synchronous callback runner makes for the function
    /// that calls it ([`synchronous_callback_args`]).
    fn callback_calls(&mut self, name: &[u8], open: usize) {
        let Some(positions) = synchronous_callback_args(&String::from_utf8_lossy(name)) else {
            return;
        };
        let Some(caller) = self.st.func.clone() else {
            return;
        };
        let args = self.simple_args(open);
        for &p in positions {
            if let Some(Some(ti)) = args.get(p) {
                let c = RawCall {
                    caller: caller.clone(),
                    callee: s(self.text(*ti)),
                    line: self.toks[*ti].line,
                };
                self.out.calls.push(c);
            }
        }
    }

    fn wire_args(&mut self, name: &[u8], open: usize) {
        let callee = String::from_utf8_lossy(name);
        let known = registration_args(&callee);
        // A project's own registration call (Suricata's
        // `AppLayerParserRegisterParser(…, SMTPParseClientRecord)`): any
        // argument may be the function it registers. An argument that is
        // no function is never looked up.
        if known.is_none() && !callee.to_ascii_lowercase().contains("register") {
            return;
        }
        let args = self.simple_args(open);
        let every: Vec<usize> = (0..args.len()).collect();
        for &p in known.unwrap_or(&every) {
            if let Some(Some(ti)) = args.get(p) {
                let w = RawWire {
                    target: s(self.text(*ti)),
                    how: s(name),
                    context: String::new(),
                    member: false,
                    line: self.toks[*ti].line,
                };
                self.out.wires.push(w);
            }
        }
    }

    /// `.member = [&]target` followed by `,` `}` or `;`, with `i` at member.
    fn member_wire(&mut self, i: usize, context: String) {
        if !(self.is_punct(i + 1, b"=")) {
            return;
        }
        let mut t = i + 2;
        if self.is_punct(t, b"&") {
            t += 1;
        }
        if self.is_ident(t)
            && (self.is_punct(t + 1, b",")
                || self.is_punct(t + 1, b"}")
                || self.is_punct(t + 1, b";"))
        {
            let w = RawWire {
                target: s(self.text(t)),
                how: s(self.text(i)),
                context,
                member: true,
                line: self.toks[t].line,
            };
            self.out.wires.push(w);
        }
    }

    fn after_member_access(&self, i: usize) -> bool {
        i > 0 && (self.is_punct(i - 1, b".") || self.is_punct(i - 1, b"->"))
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.toks.len() {
            let t = self.toks[i];
            match t.kind {
                TokKind::DirStart => {
                    i = self.directive(i);
                    continue;
                }
                TokKind::Ident => {
                    if let Some(next) = self.ident(i) {
                        i = next;
                        continue;
                    }
                }
                TokKind::Punct => self.punct(i),
                _ => {
                    if self.st.depth == 0 {
                        self.st.stmt.push(i);
                    }
                }
            }
            i += 1;
        }
    }

    fn punct(&mut self, i: usize) {
        match self.text(i) {
            b"{" => {
                if self.st.depth == 0 {
                    self.open_top(i);
                } else {
                    self.st.depth += 1;
                }
            }
            b"}" => {
                if self.st.depth > 0 {
                    self.st.depth -= 1;
                    if self.st.depth == 0 {
                        self.st.func = None;
                        self.st.init = None;
                        self.st.stmt.clear();
                    }
                }
            }
            b";" if self.st.depth == 0 => self.st.stmt.clear(),
            _ => {
                if self.st.depth == 0 {
                    self.st.stmt.push(i);
                }
            }
        }
    }

    /// Handles an identifier; returns the next index when it skipped ahead.
    fn ident(&mut self, i: usize) -> Option<usize> {
        let name = self.text(i);
        let call = self.is_punct(i + 1, b"(");
        if self.st.depth == 0 {
            self.st.stmt.push(i);
            if call {
                self.wire_args(name, i + 1);
            }
            return None;
        }
        let caller = if let Some(f) = &self.st.func {
            f.clone()
        } else if let Some((var, _)) = &self.st.init {
            var.clone()
        } else {
            // Struct, union and enum bodies: declarations only.
            return None;
        };
        if call {
            if SKIP_PARENS.contains(&name) {
                return Some(self.skip_parens(i + 1, false));
            }
            if NOT_CALLS.contains(&name) || self.after_member_access(i) {
                return None;
            }
            let c = RawCall {
                caller,
                callee: s(name),
                line: self.toks[i].line,
            };
            self.out.calls.push(c);
            self.callback_calls(name, i + 1);
            self.wire_args(name, i + 1);
        } else if self.after_member_access(i) {
            let context = self
                .st
                .init
                .as_ref()
                .map(|(_, ty)| ty.clone())
                .unwrap_or_default();
            self.member_wire(i, context);
        }
        None
    }

    /// A `{` on file scope: decide what it opens.
    fn open_top(&mut self, _i: usize) {
        let stmt = std::mem::take(&mut self.st.stmt);
        // `extern "C" {` wraps declarations without nesting them.
        if let [.., a, b] = stmt[..]
            && self.text(a) == b"extern"
            && self.toks[b].kind == TokKind::Str
        {
            return;
        }
        self.st.depth = 1;
        // `({` in a file-scope macro invocation opens a statement expression:
        // its calls are real, made from file scope.
        if stmt.last().is_some_and(|&k| self.is_punct(k, b"(")) {
            self.st.init = Some((String::new(), String::new()));
            return;
        }
        if let Some(eq) = stmt.iter().position(|&k| self.is_punct(k, b"=")) {
            let var = stmt[..eq]
                .iter()
                .rev()
                .find(|&&k| self.is_ident(k))
                .map(|&k| s(self.text(k)));
            let ty = stmt
                .iter()
                .position(|&k| matches!(self.text(k), b"struct" | b"union"))
                .and_then(|p| stmt.get(p + 1))
                .filter(|&&k| self.is_ident(k))
                .map(|&k| s(self.text(k)))
                .unwrap_or_default();
            self.st.init = Some((var.unwrap_or_default(), ty));
            return;
        }
        if let Some(def) = self.find_def(&stmt) {
            self.st.func = Some(def.name.clone());
            // FRR's `DEFUN (name, name_cmd, "show …")`, `DEFPY (…)`: a
            // command-line handler, which the CLI calls.
            if let Some(definer) = def.definer.as_deref().filter(|d| is_cli_definer(d)) {
                self.out.wires.push(RawWire {
                    target: def.name.clone(),
                    how: definer.to_owned(),
                    context: String::new(),
                    member: false,
                    line: def.line,
                });
            }
            self.out.defs.push(def);
        }
    }

    /// The function a file-scope declarator defines, if any.
    fn find_def(&self, stmt: &[usize]) -> Option<RawDef> {
        // (position in stmt of the name, open paren index in stmt)
        let mut groups: Vec<(usize, usize, usize)> = Vec::new();
        let mut level = 0i32;
        let mut open_at: Option<(usize, usize)> = None;
        for (p, &k) in stmt.iter().enumerate() {
            let t = self.text(k);
            if self.toks[k].kind != TokKind::Punct {
                continue;
            }
            if t == b"(" {
                if level == 0 && p > 0 && self.is_ident(stmt[p - 1]) {
                    open_at = Some((p - 1, p));
                }
                level += 1;
            } else if t == b")" {
                level -= 1;
                if level == 0
                    && let Some((n, o)) = open_at.take()
                {
                    groups.push((n, o, p));
                }
                level = level.max(0);
            }
        }
        let is_attr =
            |n: usize| ATTR_MACROS.contains(&String::from_utf8_lossy(self.text(stmt[n])).as_ref());
        // A name right after `)` is no declarator (`(*fp)(…)`), unless the
        // `)` closes an attribute: `static void __attribute__((noreturn))
        // usage(void)`, as util-linux writes every `usage()`.
        let after_attr = |n: usize| groups.iter().any(|&(gn, _, gc)| gc + 1 == n && is_attr(gn));
        // Nor after a macro's `NAME(…)`: glibc writes `ElfW(Addr)` for a
        // return type and gnulib `_GL_ARG_NONNULL ((3))` before the name.
        // An upper-case name there is an attribute after the parameters.
        // A group whose first argument is a string is a message or pragma
        // macro at file scope (FRR's `CPP_NOTICE("…")` before a `DEFUN`),
        // never a declarator: parameters are no string literals.
        let is_message = |o: usize| {
            stmt.get(o + 1)
                .is_some_and(|&k| self.toks[k].kind == TokKind::Str)
        };
        let after_macro = |n: usize| {
            groups.iter().any(|&(_, go, gc)| {
                gc + 1 == n && (is_message(go) || !is_upper_macro(self.text(stmt[n])))
            })
        };
        let (n, o, c) = groups.iter().rev().copied().find(|&(n, o, _)| {
            let name = String::from_utf8_lossy(self.text(stmt[n]));
            !is_attr(n)
                && !is_message(o)
                && !NOT_CALLS.contains(&name.as_bytes())
                && (n == 0 || !self.is_punct(stmt[n - 1], b")") || after_attr(n) || after_macro(n))
        })?;
        let name_b = self.text(stmt[n]);
        let mut flags = if self.in_test() { TEST } else { 0 };
        for &k in stmt {
            match self.text(k) {
                b"static" => flags |= STATIC,
                b"__init" => flags |= INIT,
                b"__exit" => flags |= EXIT,
                _ => {}
            }
        }
        // `__attribute__((constructor))` before the name (after it, the
        // words are parameters).
        let attribute_says = |words: &[&[u8]]| {
            groups.iter().any(|&(gn, go, gc)| {
                gn < n
                    && is_attr(gn)
                    && stmt[go + 1..gc]
                        .iter()
                        .any(|&k| words.contains(&self.text(k)))
            })
        };
        let destructor = attribute_says(&[b"destructor", b"__destructor__"]);
        if destructor || attribute_says(&[b"constructor", b"__constructor__"]) {
            flags |= CONSTRUCTOR;
        }
        if destructor {
            // A destructor runs at exit: marked as `__exit` code is.
            flags |= EXIT;
        }
        let line = self.toks[stmt[n]].line;
        let inner = &stmt[o + 1..c];
        let first_arg_single = inner.first().is_some_and(|&k| self.is_ident(k))
            && (inner.len() == 1 || self.is_punct(inner[1], b","));
        let name = s(name_b);
        if let Some(arg) = first_arg_single.then(|| s(self.text(inner[0])))
            && let Some(defined) = macro_defined_name(&name, &arg)
        {
            let syscall = name.contains("SYSCALL_DEFINE").then_some(arg);
            return Some(RawDef {
                name: defined,
                line,
                flags,
                syscall,
                definer: Some(name),
            });
        }
        Some(RawDef {
            name,
            line,
            flags,
            syscall: None,
            definer: None,
        })
    }

    fn snapshot(&self) -> State {
        self.st.clone()
    }

    /// True inside a branch compiled only for a test program.
    fn in_test(&self) -> bool {
        self.cond.iter().any(|c| c.test)
    }

    /// Which branches of a conditional are test code, from the directive
    /// `word` and its condition's tokens `cond`: (this branch, an `#else`).
    fn test_branches(&self, word: &[u8], cond: std::ops::Range<usize>) -> (bool, bool) {
        let name = self.text(cond.start);
        // `#if 0`: code never compiled (a generator kept beside a table)
        // reaches nothing, as a test's does not.
        if word == b"if" && cond.len() == 1 && name == b"0" {
            return (true, false);
        }
        match word {
            b"ifdef" | b"elifdef" => (is_test_macro(name), false),
            b"ifndef" | b"elifndef" => (false, is_test_macro(name)),
            _ => {
                // `#if defined(TEST_X) && …` is test code; `#if !defined(TEST_X)`
                // and `#if !TEST_X` are not, and then their `#else` is.
                let (mut positive, mut negative) = (false, false);
                for k in cond.clone() {
                    if !self.is_ident(k) || !is_test_macro(self.text(k)) {
                        continue;
                    }
                    let mut p = k;
                    if p > cond.start && self.is_punct(p - 1, b"(") {
                        p -= 1;
                    }
                    if p > cond.start && self.text(p - 1) == b"defined" {
                        p -= 1;
                    }
                    if p > cond.start && self.is_punct(p - 1, b"!") {
                        negative = true;
                    } else {
                        positive = true;
                    }
                }
                (positive, negative && !positive)
            }
        }
    }

    /// Handles a preprocessor line starting at `i`; returns the index after it.
    fn directive(&mut self, i: usize) -> usize {
        let mut end = i + 1;
        while end < self.toks.len() && self.toks[end].kind != TokKind::DirEnd {
            end += 1;
        }
        let word = self.text(i + 1);
        let cond = (i + 2).min(end)..end;
        match word {
            b"define" if self.is_ident(i + 2) && i + 2 < end => self.define(i + 2, end),
            b"if" | b"ifdef" | b"ifndef" => {
                let at_if = self.snapshot();
                let (test, else_test) = self.test_branches(word, cond);
                self.cond.push(Cond {
                    at_if,
                    after_first: None,
                    test,
                    else_test,
                });
            }
            b"elif" | b"else" | b"elifdef" | b"elifndef" => {
                let now = self.snapshot();
                let branches = (word != b"else").then(|| self.test_branches(word, cond));
                if let Some(top) = self.cond.last_mut() {
                    if top.after_first.is_none() {
                        top.after_first = Some(now);
                    }
                    self.st = top.at_if.clone();
                    match branches {
                        Some((test, else_test)) => {
                            top.test = test;
                            top.else_test = else_test;
                        }
                        None => {
                            top.test = top.else_test;
                            top.else_test = false;
                        }
                    }
                }
            }
            b"endif" => {
                if let Some(top) = self.cond.pop()
                    && let Some(after) = top.after_first
                {
                    self.st = after;
                }
            }
            _ => {}
        }
        end + 1
    }

    /// `#define NAME[(params)] body`: a macro definition whose body's calls
    /// are attributed to the macro.
    fn define(&mut self, name_at: usize, end: usize) {
        let name = s(self.text(name_at));
        let mut body = name_at + 1;
        if body < end
            && self.is_punct(body, b"(")
            && self.toks[body].start == self.toks[name_at].end
        {
            body = self.skip_parens(body, true);
        }
        self.out.defs.push(RawDef {
            name: name.clone(),
            line: self.toks[name_at].line,
            flags: MACRO,
            ..Default::default()
        });
        let mut k = body;
        while k < end {
            let t = self.toks[k];
            if t.kind == TokKind::Ident && self.is_punct(k + 1, b"(") {
                let callee = self.text(k);
                let pasted = k > 0 && (self.is_punct(k - 1, b"##") || self.is_punct(k - 1, b"#"));
                if SKIP_PARENS.contains(&callee) {
                    k = self.skip_parens(k + 1, true);
                    continue;
                }
                if !pasted
                    && !NOT_CALLS.contains(&callee)
                    && !self.after_member_access(k)
                    && !self.is_punct(k + 2, b"##")
                {
                    self.out.calls.push(RawCall {
                        caller: name.clone(),
                        callee: s(callee),
                        line: t.line,
                    });
                }
            }
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(f: &FileFacts) -> Vec<(String, String, u32)> {
        f.calls
            .iter()
            .map(|c| (c.caller.clone(), c.callee.clone(), c.line))
            .collect()
    }

    #[test]
    fn definitions_and_calls() {
        let src = b"static int __init foo(int a)\n{\n\tif (bar(a))\n\t\treturn baz(a) + sizeof(int);\n\treturn 0;\n}\n";
        let f = parse_c(src);
        assert_eq!(f.defs.len(), 1);
        assert_eq!(f.defs[0].name, "foo");
        assert_eq!(f.defs[0].flags & (STATIC | INIT), STATIC | INIT);
        assert_eq!(
            calls(&f),
            [
                ("foo".into(), "bar".into(), 3),
                ("foo".into(), "baz".into(), 4)
            ]
        );
    }

    #[test]
    fn a_function_run_once_or_as_a_comparator_is_called_by_its_runner() {
        let src = b"int getaddrinfo(void)\n{\n\t__libc_once (once, gaiconf_init);\n\tqsort (a, n, sizeof (*a), rfc3484_sort);\n\treturn 0;\n}\n";
        let f = parse_c(src);
        assert_eq!(
            calls(&f),
            [
                ("getaddrinfo".into(), "__libc_once".into(), 3),
                ("getaddrinfo".into(), "gaiconf_init".into(), 3),
                ("getaddrinfo".into(), "qsort".into(), 4),
                ("getaddrinfo".into(), "rfc3484_sort".into(), 4)
            ]
        );
    }

    #[test]
    fn a_macro_before_the_name_is_no_definition() {
        let src = b"static void _GL_ATTRIBUTE_FORMAT_PRINTF (3, 0) _GL_ARG_NONNULL ((3))\nerror_tail (int status)\n{\n\tfflush (stdout);\n}\nElfW(Addr)\n_dl_lookup (int x)\n{\n\treturn 0;\n}\nint f (int a) _GL_ATTR (1)\n{\n\treturn a;\n}\n";
        let f = parse_c(src);
        let names: Vec<&str> = f.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["error_tail", "_dl_lookup", "f"]);
    }

    #[test]
    fn a_message_macro_before_a_defining_macro_is_no_definition() {
        let src = b"#if CONFDATE > 20250514\nCPP_NOTICE(\"Remove no_synchronization_cmd\")\n#endif\nDEFUN (no_synchronization,\n       no_synchronization_cmd,\n       \"no synchronization\")\n{\n\treturn bgp_aggregate_install (vty);\n}\n";
        let f = parse_c(src);
        let names: Vec<&str> = f.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["no_synchronization"]);
        assert_eq!(
            calls(&f),
            [(
                "no_synchronization".into(),
                "bgp_aggregate_install".into(),
                8
            )]
        );
    }

    #[test]
    fn cli_handlers_are_wired() {
        let src = b"DEFPY (show_x, show_x_cmd, \"show x\")\n{\n\treturn 0;\n}\n";
        let f = parse_c(src);
        let wires: Vec<(&str, &str)> = f
            .wires
            .iter()
            .map(|w| (w.target.as_str(), w.how.as_str()))
            .collect();
        assert_eq!(wires, [("show_x", "DEFPY")]);
    }

    #[test]
    fn code_under_if_0_is_never_compiled() {
        let src = b"#if 0\nint main (void)\n{\n\treturn gen ();\n}\n#endif\nint g (void)\n{\n\treturn 0;\n}\n";
        let f = parse_c(src);
        let flags: Vec<(&str, bool)> = f
            .defs
            .iter()
            .map(|d| (d.name.as_str(), d.flags & TEST != 0))
            .collect();
        assert_eq!(flags, [("main", true), ("g", false)]);
    }

    #[test]
    fn comments_strings_and_member_calls_are_not_calls() {
        let src =
            b"void f(void)\n{\n\t/* g(); */ // h();\n\tputs(\"i()\");\n\tops->j(1); s.k(2);\n}\n";
        let f = parse_c(src);
        let names: Vec<_> = f.calls.iter().map(|c| c.callee.as_str()).collect();
        assert_eq!(names, ["puts"]);
    }

    #[test]
    fn an_attribute_between_type_and_name_is_skipped() {
        let src = b"static void __attribute__((__noreturn__)) usage(void)\n{\n\tfputs(x, stdout);\n}\nint (*fp)(int) = 0;\n";
        let f = parse_c(src);
        let names: Vec<&str> = f.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["usage"]);
        assert!(f.defs[0].flags & STATIC != 0);
        assert_eq!(
            f.calls
                .iter()
                .map(|c| c.callee.as_str())
                .collect::<Vec<_>>(),
            ["fputs"]
        );
    }

    #[test]
    fn prototypes_and_attributes_are_not_definitions_or_calls() {
        let src = b"int proto(int);\n__printf(1, 2) void logit(const char *fmt, ...)\n{\n}\n\
int locked(void) __acquires(l) __releases(l)\n{\n\treturn 0;\n}\n\
void g(void) { int x __attribute__((unused)); }\n";
        let f = parse_c(src);
        let defs: Vec<_> = f.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(defs, ["logit", "locked", "g"]);
        assert!(f.calls.is_empty(), "{:?}", f.calls);
    }

    #[test]
    fn syscall_define_and_initialiser_wiring() {
        let src = b"SYSCALL_DEFINE4(reboot, int, magic1, int, magic2, unsigned int, cmd, void __user *, arg)\n{\n\tkernel_kexec();\n}\n\
static const struct file_operations fops = {\n\t.owner = THIS_MODULE,\n\t.unlocked_ioctl = my_ioctl,\n\t.read = &my_read,\n};\n\
module_init(my_init);\n";
        let f = parse_c(src);
        assert_eq!(f.defs[0].name, "sys_reboot");
        assert_eq!(f.defs[0].syscall.as_deref(), Some("reboot"));
        assert_eq!(calls(&f), [("sys_reboot".into(), "kernel_kexec".into(), 3)]);
        let w: Vec<_> = f
            .wires
            .iter()
            .map(|w| (w.target.as_str(), w.how.as_str(), w.context.as_str()))
            .collect();
        assert!(w.contains(&("my_ioctl", "unlocked_ioctl", "file_operations")));
        assert!(w.contains(&("my_read", "read", "file_operations")));
        assert!(w.contains(&("my_init", "module_init", "")));
    }

    #[test]
    fn ifdef_duplicated_openings_keep_depth() {
        let src = b"void a(void)\n{\n#ifdef X\n\tif (x) {\n#else\n\tif (y) {\n#endif\n\t\tc1();\n\t}\n}\nvoid b(void)\n{\n\tc2();\n}\n";
        let f = parse_c(src);
        let defs: Vec<_> = f.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(defs, ["a", "b"]);
        assert_eq!(calls(&f)[1], ("b".into(), "c2".into(), 13));
    }

    #[test]
    fn definitions_under_test_macros_are_flagged() {
        let src = b"#ifdef TEST_PROGRAM_X\nint main(void)\n{\n\treturn 0;\n}\n#else\nint a(void)\n{\n}\n#endif\n\
#if defined(TEST_PROGRAM)\n#if X\nint b(void) {}\n#else\nint c(void) {}\n#endif\n#elif defined(OTHER)\nint d(void) {}\n#endif\n\
#ifndef TESTING\nint e(void) {}\n#else\nint f(void) {}\n#endif\n\
#if !defined(UNIT_TEST)\nint g(void) {}\n#else\nint h(void) {}\n#endif\n\
#ifdef CONFIG_LATEST\nint i(void) {}\n#endif\n#endif\n#else\n#elif TEST\nint j(void) {}\n";
        let f = parse_c(src);
        let test: Vec<(&str, bool)> = f
            .defs
            .iter()
            .map(|d| (d.name.as_str(), d.flags & TEST != 0))
            .collect();
        assert_eq!(
            test,
            [
                ("main", true),
                ("a", false),
                ("b", true),
                ("c", true),
                ("d", false),
                ("e", false),
                ("f", true),
                ("g", false),
                ("h", true),
                ("i", false),
                ("j", false),
            ]
        );
        assert!(is_test_macro(b"TEST_ME") && is_test_macro(b"UNIT_TEST"));
        assert!(is_test_macro(b"UNITTESTS"));
        assert!(!is_test_macro(b"CONFIG_LATEST") && !is_test_macro(b"HAVE_ATTEST"));
    }

    #[test]
    fn statement_expressions_in_file_scope_macros_hold_calls() {
        let src = b"PROXY(get_stats, X,\n__extension__ ({\n\tfoo(a);\n}),\n__extension__ ({\n\tbar(b);\n}));\nvoid f(void)\n{\n\tbaz();\n}\n";
        let f = parse_c(src);
        assert_eq!(
            calls(&f),
            [
                (String::new(), "foo".into(), 3),
                (String::new(), "bar".into(), 6),
                ("f".into(), "baz".into(), 10)
            ]
        );
    }

    #[test]
    fn macro_bodies_attribute_calls_to_the_macro() {
        let src = b"#define copy_page(to, from) __copy_page(to, from)\n#define X(a) a##_fn(a)\n";
        let f = parse_c(src);
        assert_eq!(f.defs[0].name, "copy_page");
        assert_eq!(f.defs[0].flags, MACRO);
        assert_eq!(calls(&f), [("copy_page".into(), "__copy_page".into(), 1)]);
    }

    #[test]
    fn extern_c_and_registration_calls() {
        let src = b"extern \"C\" {\nint f(void)\n{\n\treturn request_irq(irq, my_handler, 0, \"x\", d);\n}\n}\nRTE_INIT(my_ctor)\n{\n\tg();\n}\n";
        let f = parse_c(src);
        assert_eq!(f.defs[0].name, "f");
        assert_eq!(f.wires[0].target, "my_handler");
        assert_eq!(f.wires[0].how, "request_irq");
        assert_eq!(f.defs[1].name, "my_ctor");
        assert_eq!(f.defs[1].definer.as_deref(), Some("RTE_INIT"));
    }
}
