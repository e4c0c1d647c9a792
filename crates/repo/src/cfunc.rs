//! Finds the C function that encloses a line of a source file.
//!
//! Hunk headers name the function *before* a hunk (git's funcname rule), which
//! is often the wrong one: the seed's fix to `enter_vmx_ops()` sits under a
//! header naming `exit_vmx_usercopy`. This scanner tracks brace depth with
//! comments, strings and preprocessor lines skipped, and remembers the last
//! top-level `name(` before each `{` that opens a function body.
//!
//! C++ blocks that only group declarations — `namespace x { … }`,
//! `namespace { … }`, `extern "C" { … }` and `class`/`struct` bodies — do
//! not count as depth: what they hold is scanned as top level, so function
//! definitions inside them (templates included) are found too.

/// A function body found in a file: name and 1-based line range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSpan {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

const NOT_FUNCTIONS: &[&str] = &[
    "if",
    "for",
    "while",
    "switch",
    "return",
    "sizeof",
    "typeof",
    "__attribute__",
    "defined",
    "__typeof__",
    "alignof",
    "_Alignof",
    "do",
    "else",
    "case",
];

/// Words after a declarator's parameters, or before a declaration, whose
/// parenthesised operand never names the function: the name seen before
/// them stays the candidate (`auto f() -> decltype(x)`, `f() noexcept(true)`).
const SPECIFIERS: &[&str] = &["decltype", "noexcept", "throw", "alignas", "__declspec"];

/// Bytes that can change the scanner's state inside a function body.
const BODY: [bool; 256] = stablepick_code::lexer::byte_set(b"\n#/\"'{}");
/// The same at the top level, where calls and declarations matter too.
const TOP: [bool; 256] = stablepick_code::lexer::byte_set(b"\n#/\"'{}();=");

/// Is only whitespace between the start of the line and `pos`?
fn at_line_start(bytes: &[u8], pos: usize) -> bool {
    bytes[..pos]
        .iter()
        .rev()
        .take_while(|&&c| c != b'\n')
        .all(u8::is_ascii_whitespace)
}

/// Returns the spans of top-level function bodies in `source`, including
/// those inside C++ namespaces, `extern "C"` blocks and class bodies.
pub fn function_spans(source: &str) -> Vec<FunctionSpan> {
    let bytes = source.as_bytes();
    let mut spans = Vec::new();
    let mut depth: usize = 0;
    let mut line = 1usize;
    let mut i = 0usize;
    // Last identifier followed by `(` at depth 0, with the line it was on.
    let mut candidate: Option<(String, usize)> = None;
    let mut paren_depth: usize = 0;
    let mut open: Option<(String, usize)> = None;
    // Open declaration-grouping blocks (namespaces, `extern "C"`, class
    // bodies): they add no depth, so their `}` arrives at depth 0.
    let mut scopes: usize = 0;
    // Braces of a member's brace-initialiser in a constructor's
    // initialiser list (`: m_x{0} {`), which open no body.
    let mut init_braces: usize = 0;
    // Where the text since the last top-level `;`, `{` or `}` starts: the
    // head of whatever the next top-level `{` opens.
    let mut head = (0usize, 1usize);
    while i < bytes.len() {
        // Most bytes change nothing: skip to the next one that can.
        let table = if depth == 0 { &TOP } else { &BODY };
        while i < bytes.len() && !table[bytes[i] as usize] {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if b == b'\n' {
            line += 1;
            i += 1;
            continue;
        }
        // A comment or preprocessor line with nothing but blanks before it
        // in the head moves the head past it, so the head stays short.
        let from = i;
        let skip_head = |head: &mut (usize, usize), i: usize, line: usize| {
            if depth == 0
                && bytes
                    .get(head.0..from)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_whitespace))
            {
                *head = (i.min(bytes.len()), line);
            }
        };
        if b == b'#' && at_line_start(bytes, i) {
            // Preprocessor line, with continuations.
            while i < bytes.len() && bytes[i] != b'\n' {
                i += step(bytes, i, &mut line);
            }
            skip_head(&mut head, i, line);
            continue;
        }
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += step(bytes, i, &mut line);
                }
                skip_head(&mut head, i, line);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
                skip_head(&mut head, i, line);
                continue;
            }
            b'"' | b'\'' => {
                let quote = b;
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    let n = step(bytes, i, &mut line);
                    // Any other escape hides the byte after the backslash.
                    i += if n == 1 && bytes[i] == b'\\' { 2 } else { n };
                }
                // An unterminated literal ends at the line's end, which
                // still counts as a line.
                if bytes.get(i) == Some(&quote) {
                    i += 1;
                }
                continue;
            }
            b'{' if depth == 0 && init_braces > 0 => init_braces += 1,
            b'{' if depth == 0 => {
                let kind = if paren_depth > 0 || candidate.is_some() && plain_body(bytes, head.0, i)
                {
                    Block::Body
                } else {
                    classify(&head_tokens(bytes, head.0, i, head.1))
                };
                match kind {
                    Block::Scope => {
                        scopes += 1;
                        candidate = None;
                        head = (i + 1, line);
                    }
                    Block::MemberInit => init_braces = 1,
                    Block::Body => {
                        open = candidate.take();
                        depth = 1;
                    }
                    Block::Named(name) => {
                        open = name;
                        candidate = None;
                        depth = 1;
                    }
                }
            }
            b'{' => depth += 1,
            b'}' if depth == 0 => {
                if init_braces > 0 {
                    init_braces -= 1;
                } else if scopes > 0 {
                    scopes -= 1;
                    candidate = None;
                    head = (i + 1, line);
                }
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    if let Some((name, start)) = open.take() {
                        spans.push(FunctionSpan {
                            name,
                            start,
                            end: line,
                        });
                    }
                    head = (i + 1, line);
                }
            }
            b'(' if depth == 0 => {
                if paren_depth == 0 {
                    match ident_before(bytes, i) {
                        Some(n) if SPECIFIERS.contains(&n.as_str()) => {}
                        name => {
                            candidate = name
                                .filter(|n| !NOT_FUNCTIONS.contains(&n.as_str()))
                                .map(|n| (macro_defined(&n, bytes, i).unwrap_or(n), line));
                        }
                    }
                }
                paren_depth += 1;
            }
            b')' if depth == 0 => paren_depth = paren_depth.saturating_sub(1),
            b';' if depth == 0 && paren_depth == 0 => {
                candidate = None;
                head = (i + 1, line);
            }
            b'=' if depth == 0 && paren_depth == 0 => candidate = None,
            _ => {}
        }
        i += 1;
    }
    spans
}

/// The function a defining macro makes, when `name(` at `paren` is one
/// whose first argument is a lone name, as the code index reads them
/// ([`stablepick_code::cparse::macro_defined_name`]).
pub fn macro_defined(name: &str, bytes: &[u8], paren: usize) -> Option<String> {
    let rest = bytes.get(paren + 1..)?;
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let len = rest[start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    let arg = std::str::from_utf8(&rest[start..start + len]).ok()?;
    let after = rest[start + len..]
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    if len == 0 || arg.as_bytes()[0].is_ascii_digit() || !matches!(after, Some(b',' | b')')) {
        return None;
    }
    stablepick_code::cparse::macro_defined_name(name, arg)
}

/// Does the `{` at `brace` surely open the body of the function whose name
/// the scanner holds? It does when it follows a `)` and the head from `from`
/// has no `:` (a constructor's initialiser list, a class's base list): the
/// common case, decided without tokenising the head.
fn plain_body(bytes: &[u8], from: usize, brace: usize) -> bool {
    let Some(head) = bytes.get(from..brace) else {
        return false;
    };
    head.iter().rev().find(|b| !b.is_ascii_whitespace()) == Some(&b')') && !head.contains(&b':')
}

/// What a top-level `{` opens.
enum Block {
    /// A namespace, `extern "C"` block or class body: declarations whose
    /// function definitions count as top level.
    Scope,
    /// A member's brace-initialiser in a constructor's initialiser list.
    MemberInit,
    /// A block whose name, if any, is this rather than the scanner's
    /// candidate: a constructor's body after its initialiser list is named
    /// before the parameter list, not by the last member initialised; an
    /// enum's body after a macro invocation is not that macro's.
    Named(Option<(String, usize)>),
    /// Anything else: a function body when a name was seen, otherwise an
    /// initialiser, enum or unrecognised block whose contents are skipped.
    Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Ident(&'a [u8]),
    /// A string or character literal.
    Str,
    /// `::`
    Scope,
    Punct(u8),
}

/// The tokens of `bytes[from..to]`, each with its line (the first being
/// `line`), without comments and preprocessor lines.
fn head_tokens(bytes: &[u8], from: usize, to: usize, mut line: usize) -> Vec<(Tok<'_>, usize)> {
    let mut toks = Vec::new();
    let to = to.min(bytes.len());
    let mut i = from;
    while i < to {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
            i += 1;
        } else if b == b'\\' {
            i += step(bytes, i, &mut line);
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else if b == b'#' && at_line_start(bytes, i)
            || b == b'/' && bytes.get(i + 1) == Some(&b'/')
        {
            while i < to && bytes[i] != b'\n' {
                i += step(bytes, i, &mut line);
            }
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < to && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                if bytes[i] == b'\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 2;
        } else if b == b'"' || b == b'\'' {
            toks.push((Tok::Str, line));
            i += 1;
            while i < to && bytes[i] != b && bytes[i] != b'\n' {
                let n = step(bytes, i, &mut line);
                i += if n == 1 && bytes[i] == b'\\' { 2 } else { n };
            }
            if i < to && bytes[i] == b {
                i += 1;
            }
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            let start = i;
            while i < to && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            toks.push((Tok::Ident(&bytes[start..i]), line));
        } else if b == b':' && bytes.get(i + 1) == Some(&b':') && i + 1 < to {
            toks.push((Tok::Scope, line));
            i += 2;
        } else {
            toks.push((Tok::Punct(b), line));
            i += 1;
        }
    }
    toks
}

/// Decides what a top-level `{` opens from its head: the tokens since the
/// last top-level `;`, `{` or `}`.
fn classify(toks: &[(Tok<'_>, usize)]) -> Block {
    let is = |t: &(Tok<'_>, usize), w: &[u8]| t.0 == Tok::Ident(w);
    // `namespace`, `namespace a`, `namespace a::b`, `inline namespace a`.
    if let Some(k) = toks.iter().rposition(|t| is(t, b"namespace"))
        && toks[k + 1..]
            .iter()
            .all(|t| matches!(t.0, Tok::Ident(_) | Tok::Scope))
    {
        return Block::Scope;
    }
    // `extern "C"`, `extern "C++"`.
    if let [.., a, b] = toks
        && is(a, b"extern")
        && b.0 == Tok::Str
    {
        return Block::Scope;
    }
    if let Some(colon) = ctor_colon(toks) {
        // `: m_x{0}` or `: Base<T>{}` opens a brace-initialiser, not the body.
        if let Some(last) = toks.last()
            && matches!(last.0, Tok::Ident(_) | Tok::Punct(b'>'))
            && toks.len() > colon + 1
        {
            return Block::MemberInit;
        }
        return Block::Named(ctor_name(&toks[..colon]));
    }
    match type_head(toks) {
        Some(TypeHead::Class) => Block::Scope,
        Some(TypeHead::Enum) => Block::Named(None),
        None => Block::Body,
    }
}

/// A type definition's head.
enum TypeHead {
    /// `class x`, `struct x : base`, `template <typename T> class x`,
    /// `struct __rte_aligned(8) x`, `union {`.
    Class,
    /// `enum x`, `enum class x : int`.
    Enum,
}

/// Does this head open a class, struct, union or enum body? Never an
/// initialiser (`struct s x = {`) or a function returning a type (`struct s
/// *f(void)`): after the last keyword the only parentheses allowed are
/// attribute macros right after it. Before it may come a function-like
/// macro's invocation without a semicolon (`DEFINE_FLAGS(x) enum y {`).
fn type_head(toks: &[(Tok<'_>, usize)]) -> Option<TypeHead> {
    let mut depth = 0usize;
    let mut key = None;
    for (k, t) in toks.iter().enumerate() {
        match t.0 {
            Tok::Punct(b'(') => depth += 1,
            Tok::Punct(b')') => depth = depth.saturating_sub(1),
            Tok::Ident(b"class" | b"struct" | b"union" | b"enum") if depth == 0 => key = Some(k),
            _ => {}
        }
    }
    let k = key?;
    let mut j = k + 1;
    while let (Some((Tok::Ident(_), _)), Some((Tok::Punct(b'('), _))) =
        (toks.get(j), toks.get(j + 1))
    {
        let mut depth = 0usize;
        j += 1;
        while let Some(t) = toks.get(j) {
            j += 1;
            match t.0 {
                Tok::Punct(b'(') => depth += 1,
                Tok::Punct(b')') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    let plain = |t: &(Tok<'_>, usize)| !matches!(t.0, Tok::Punct(b'=' | b'(' | b')' | b'[' | b']'));
    if toks[..k].iter().any(|t| t.0 == Tok::Punct(b'='))
        || !toks.get(j..).unwrap_or_default().iter().all(plain)
    {
        return None;
    }
    let is_enum = |t: Option<&(Tok<'_>, usize)>| t.is_some_and(|t| t.0 == Tok::Ident(b"enum"));
    Some(
        if is_enum(toks.get(k)) || is_enum(k.checked_sub(1).and_then(|p| toks.get(p))) {
            TypeHead::Enum
        } else {
            TypeHead::Class
        },
    )
}

/// The index of a constructor's initialiser-list colon: a single `:` at
/// parenthesis depth 0 right after the parameter list (`Foo(int x) : m_x(x)`),
/// or after `noexcept`.
fn ctor_colon(toks: &[(Tok<'_>, usize)]) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate() {
        match t.0 {
            Tok::Punct(b'(') => depth += 1,
            Tok::Punct(b')') => depth = depth.saturating_sub(1),
            Tok::Punct(b':')
                if depth == 0
                    && k > 0
                    && matches!(toks[k - 1].0, Tok::Punct(b')') | Tok::Ident(b"noexcept")) =>
            {
                return Some(k);
            }
            _ => {}
        }
    }
    None
}

/// The name before the last parameter list in `toks` that is not a
/// specifier's operand (`Foo() noexcept(true)` is `Foo`), with its line.
fn ctor_name(toks: &[(Tok<'_>, usize)]) -> Option<(String, usize)> {
    let mut depth = 0usize;
    let mut found = None;
    for (k, t) in toks.iter().enumerate() {
        match t.0 {
            Tok::Punct(b'(') => {
                if depth == 0
                    && let Some(&(Tok::Ident(n), l)) = k.checked_sub(1).and_then(|p| toks.get(p))
                    && let Ok(n) = std::str::from_utf8(n)
                    && !SPECIFIERS.contains(&n)
                    && !NOT_FUNCTIONS.contains(&n)
                    && !n.starts_with(|c: char| c.is_ascii_digit())
                {
                    found = Some((n.to_string(), l));
                }
                depth += 1;
            }
            Tok::Punct(b')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    found
}

/// Bytes to advance past `bytes[i]` inside a line that a backslash-newline
/// continues (a `#` line, a `//` comment, a string literal): a line splice
/// is consumed whole and counted in `line`, so long help texts written as
/// one spliced literal keep the line numbers after them right.
fn step(bytes: &[u8], i: usize, line: &mut usize) -> usize {
    if bytes[i] != b'\\' {
        return 1;
    }
    let n = match (bytes.get(i + 1), bytes.get(i + 2)) {
        (Some(b'\n'), _) => 2,
        (Some(b'\r'), Some(b'\n')) => 3,
        _ => return 1,
    };
    *line += 1;
    n
}

fn ident_before(bytes: &[u8], pos: usize) -> Option<String> {
    let mut end = pos;
    while end > 0 && (bytes[end - 1] == b' ' || bytes[end - 1] == b'\t') {
        end -= 1;
    }
    // A template's explicit specialisation, `max<int>(`, is named `max`.
    if end > 0 && bytes[end - 1] == b'>' {
        end = template_args_start(bytes, end)?;
        while end > 0 && (bytes[end - 1] == b' ' || bytes[end - 1] == b'\t') {
            end -= 1;
        }
    }
    let mut start = end;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        start -= 1;
    }
    if start == end || bytes[start].is_ascii_digit() {
        return None;
    }
    // `operator bool(`, `operator new(`: a conversion or operator function,
    // which this names nothing rather than `bool` or `new`; `struct
    // __rte_aligned(8) x`, `struct E(link_map)`: a macro in a type name.
    let mut before = start;
    while before > 0 && bytes[before - 1].is_ascii_whitespace() {
        before -= 1;
    }
    let mut word = before;
    while word > 0 && is_ident_byte(bytes[word - 1]) {
        word -= 1;
    }
    if matches!(
        &bytes[word..before],
        b"operator" | b"struct" | b"union" | b"class" | b"enum"
    ) {
        return None;
    }
    // A destructor, `~Foo(` or `Foo::~Foo(`, keeps its tilde.
    if start > 0 && bytes[start - 1] == b'~' {
        start -= 1;
    }
    std::str::from_utf8(&bytes[start..end])
        .ok()
        .map(str::to_string)
}

/// Where the template argument list ending with the `>` before `end`
/// starts: its `<`, or `None` when there is no balanced `<` on the line.
fn template_args_start(bytes: &[u8], end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut k = end;
    while k > 0 {
        k -= 1;
        match bytes[k] {
            b'>' => depth += 1,
            b'<' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            b'\n' | b';' | b'{' | b'}' | b'(' | b')' | b'=' => return None,
            _ => {}
        }
    }
    None
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Names of the functions enclosing any of `lines` (1-based), in order of
/// first appearance, without repeats.
pub fn enclosing_functions(source: &str, lines: &[usize]) -> Vec<String> {
    names_enclosing(&function_spans(source), lines)
}

/// The `#define`s of `source`, each from its `#define NAME` line (1-based)
/// to its last continuation line (one ending in `\`): a change there is a
/// change to the macro, which every expansion of it carries.
pub fn macro_spans(source: &str) -> Vec<FunctionSpan> {
    let mut spans = Vec::new();
    let mut lines = source.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let Some(name) = define_opened(line) else {
            continue;
        };
        let mut end = i;
        let mut last = line;
        while last.trim_end().ends_with('\\') {
            match lines.next() {
                Some((k, l)) => {
                    end = k;
                    last = l;
                }
                None => break,
            }
        }
        if let Some(name) = name {
            spans.push(FunctionSpan {
                name,
                start: i + 1,
                end: end + 1,
            });
        }
    }
    spans
}

/// The `#define` name a line opens (`None` for any other line, or for a
/// `#define` without a valid name, which still opens a directive).
fn define_opened(line: &str) -> Option<Option<String>> {
    let rest = line.trim_start().strip_prefix('#')?;
    let rest = rest.trim_start().strip_prefix("define")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let name: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Some((!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name))
}

/// Names of the `#define`s enclosing any of `lines` (1-based), in order of
/// first appearance, without repeats: `names_enclosing(&macro_spans(source),
/// lines)`, reading the file only up to its last such line and looking only
/// around each one. A line lies in a macro only if it opens one or the line
/// before it continues (ends in `\`), so most changed lines cost one look.
pub fn macros_enclosing(source: &str, lines: &[usize]) -> Vec<String> {
    let Some(&last) = lines.iter().max() else {
        return Vec::new();
    };
    let text: Vec<&str> = source.lines().take(last).collect();
    let continues = |i: usize| text[i].trim_end().ends_with('\\');
    let mut out: Vec<String> = Vec::new();
    for &l in lines {
        if l == 0 || l > text.len() {
            continue;
        }
        let at = l - 1;
        // The run of continued lines `at` belongs to starts at `start`:
        // whatever came before it ended on a line not continued.
        let mut start = at;
        while start > 0 && continues(start - 1) {
            start -= 1;
        }
        // The first directive in the run opens the macro that runs on
        // through `at`; the lines before it are not the macro's.
        let name = (start..=at).find_map(|i| define_opened(text[i])).flatten();
        if let Some(n) = name
            && !out.contains(&n)
        {
            out.push(n);
        }
    }
    out
}

/// Names of the `spans` enclosing any of `lines` (1-based), in order of
/// first appearance, without repeats: the same for every language's finder.
pub fn names_enclosing(spans: &[FunctionSpan], lines: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &l in lines {
        if let Some(s) = spans.iter().find(|s| s.start <= l && l <= s.end)
            && !out.contains(&s.name)
        {
            out.push(s.name.clone());
        }
    }
    out
}

/// Does `source` define a function called `name`?
pub fn defines_function(source: &str, name: &str) -> bool {
    function_spans(source).iter().any(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn macro_spans_run_to_the_last_continuation_line() {
        let src = "int x;\n#define LAST_ACK(ssn, ack) do { \\\n\tif (ack) \\\n\t\t(ssn)->a = ack; \\\n} while (0)\n# define  ONE 1\n#ifdef X\n#define\n#define 9bad\n";
        let spans = super::macro_spans(src);
        let got: Vec<(&str, usize, usize)> = spans
            .iter()
            .map(|s| (s.name.as_str(), s.start, s.end))
            .collect();
        assert_eq!(got, [("LAST_ACK", 2, 5), ("ONE", 6, 6)]);
    }

    /// The look around changed lines names what the whole-file scan
    /// names, for every line of sources with continued lines before,
    /// inside and after directives, nameless ones, and CRLF endings.
    #[test]
    fn macros_enclosing_agrees_with_the_whole_file_scan() {
        let sources = [
            "int x;\n#define LAST_ACK(ssn, ack) do { \\\n\tif (ack) \\\n\t\t(ssn)->a = ack; \\\n} while (0)\n# define  ONE 1\n#ifdef X\n#define\n#define 9bad \\\n  y\n",
            "foo \\\n#define X 1 \\\n 2\nint y;\n",
            "#define A \\\r\n a\r\n#define B b\r\nint c; \\\n#define C \\\n",
            "\\\n\\\n#define D\n#define E \\",
        ];
        for src in sources {
            let n = src.split('\n').count() + 1;
            let spans = super::macro_spans(src);
            for a in 0..=n {
                for b in a..=n {
                    let lines = [b, a];
                    assert_eq!(
                        super::macros_enclosing(src, &lines),
                        super::names_enclosing(&spans, &lines),
                        "{src:?} lines {lines:?}"
                    );
                }
            }
        }
    }

    use super::*;

    #[test]
    fn functions_a_macro_defines_are_named_by_its_argument() {
        let src = "SYSCALL_DEFINE4(reboot, int, magic1, int, magic2)\n{\n\treturn 0;\n}\n\nCOMPAT_SYSCALL_DEFINE1(time, int, t)\n{\n\treturn t;\n}\n\nDEFPY(neighbor_ip_transparent, neighbor_ip_transparent_cmd, \"x\", \"y\")\n{\n\treturn 0;\n}\n\nFOO(void)\n{\n}\n\nint BAR(int x)\n{\n\treturn x;\n}\n";
        let names: Vec<String> = function_spans(src).into_iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "sys_reboot",
                "compat_sys_time",
                "neighbor_ip_transparent",
                "FOO",
                "BAR"
            ]
        );
    }

    const VMX: &str = r#"#include <linux/uaccess.h>

int enter_vmx_usercopy(void)
{
	if (in_interrupt())
		return 0;
	/* { not a brace */
	return 1;
}

int exit_vmx_usercopy(void)
{
	pagefault_enable();
	return 0;
}
EXPORT_SYMBOL(exit_vmx_usercopy);

int __no_sanitize_address enter_vmx_ops(void)
{
	const char *s = "}";
	if (in_interrupt())
		return 0;
	return 1;
}

static struct foo bar = {
	.x = 1,
};

void *exit_vmx_ops(void *dest)
{
	return dest;
}
"#;

    /// A comment opened on a `#define` line continues on plain lines,
    /// where an apostrophe looks like an unterminated character literal:
    /// the line it ends on still counts.
    #[test]
    fn unterminated_literal_keeps_line_numbers() {
        let src = "#define A\t/*\n * it doesn't\n * PE's\n */\nint f(void)\n{\n\treturn 0;\n}\n";
        let spans = function_spans(src);
        assert_eq!(
            spans,
            vec![FunctionSpan {
                name: "f".into(),
                start: 5,
                end: 8
            }]
        );
    }

    /// FRR's watchfrr.c writes its help text as one string literal spliced
    /// over 70 lines: counted as one line, every function after it sat 70
    /// lines too early and a new function came out as `netns_create()`.
    #[test]
    fn spliced_string_keeps_line_numbers() {
        let src = "static void help(void)\n{\n\tputs(\"a\\n\\\nb\\n\\\r\nc\");\n}\n\n\
                   // a comment \\\n continued\nint after(void)\n{\n\treturn 0;\n}\n";
        assert_eq!(
            function_spans(src),
            vec![
                FunctionSpan {
                    name: "help".into(),
                    start: 1,
                    end: 6
                },
                FunctionSpan {
                    name: "after".into(),
                    start: 10,
                    end: 13
                }
            ]
        );
    }

    #[test]
    fn finds_enclosing_function() {
        let spans = function_spans(VMX);
        let names: Vec<_> = spans.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "enter_vmx_usercopy",
                "exit_vmx_usercopy",
                "enter_vmx_ops",
                "exit_vmx_ops"
            ]
        );
        assert_eq!(enclosing_functions(VMX, &[18, 21]), ["enter_vmx_ops"]);
        assert_eq!(enclosing_functions(VMX, &[16]), Vec::<String>::new());
        assert!(defines_function(VMX, "exit_vmx_ops"));
        assert!(!defines_function(VMX, "bar"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "[a-z(){};/*\"'\\\\# \n]{0,200}") {
            let _ = enclosing_functions(&s, &[1, 2, 3]);
        }
    }
}
