//! Finds the Go function that encloses a line of a source file.
//!
//! The Go counterpart of [`crate::cfunc`], with the same span type and
//! semantics: the bodies of top-level declarations — `func Name(`,
//! `func (r *T) Name(`, `func Name[T any](` — from the line of their `func`
//! keyword to the line of the `}` that closes the body. Strings, raw
//! strings (backquotes, over many lines), runes and comments are skipped,
//! so braces in them do not count; function literals and closures inside a
//! body belong to the enclosing declaration. A body still open at the end
//! of the file, or a declaration without a body (implemented in assembly),
//! gives no span.
//!
//! A method is named `T.Name`, as `go doc T.Name` and gopls name it: Go
//! code has many `Close` and `String` methods, and the receiver's type says
//! which one a change is in. A receiver of a generic type, `(s *Set[K])`,
//! names the type without its parameters: `Set.Add`.

pub use crate::cfunc::FunctionSpan;

/// True for the files this scanner reads: Go source.
pub fn is_go(path: &str) -> bool {
    path.ends_with(".go")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Ident(&'a str),
    /// A number, string, raw string or rune.
    Literal,
    /// A line end, or a block comment over several lines (which Go reads as
    /// one): where a declaration without a body ends.
    Newline,
    Punct(u8),
}

fn is_ident_byte(b: u8) -> bool {
    // Bytes past ASCII are parts of Unicode letters, which Go allows in
    // identifiers; a run of them ends at an ASCII byte, a char boundary.
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The tokens of `source`, each with its 1-based line, without comments.
fn tokens(source: &str) -> Vec<(Tok<'_>, usize)> {
    let mut toks = Vec::new();
    scan(source, |t, first, _| toks.push((t, first)));
    toks
}

/// For each 1-based line of `source` (index 0 unused), whether a token lies
/// on it: false for a blank line and one holding only comment text. A raw
/// string over several lines marks each of them.
pub fn code_lines(source: &str) -> Vec<bool> {
    let mut code = vec![false; source.matches('\n').count() + 2];
    scan(source, |t, first, last| {
        if t != Tok::Newline {
            for l in first..=last {
                if let Some(c) = code.get_mut(l) {
                    *c = true;
                }
            }
        }
    });
    code
}

/// Reads `source` once, calling `emit` with each token and its first and
/// last 1-based line.
fn scan<'a>(source: &'a str, mut emit: impl FnMut(Tok<'a>, usize, usize)) {
    let bytes = source.as_bytes();
    let mut line = 1usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => {
                emit(Tok::Newline, line, line);
                line += 1;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let first = line;
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                if line > first {
                    emit(Tok::Newline, first, first);
                }
            }
            b'"' | b'\'' => {
                emit(Tok::Literal, line, line);
                i += 1;
                // An unterminated literal ends at the line's end.
                while i < bytes.len() && bytes[i] != b && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' && bytes.get(i + 1).is_some_and(|&n| n != b'\n') {
                        2
                    } else {
                        1
                    };
                }
                if bytes.get(i) == Some(&b) {
                    i += 1;
                }
            }
            b'`' => {
                let first = line;
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                emit(Tok::Literal, first, line);
            }
            b if b.is_ascii_digit() => {
                emit(Tok::Literal, line, line);
                while i < bytes.len() && (is_ident_byte(bytes[i]) || bytes[i] == b'.') {
                    i += 1;
                }
            }
            b if is_ident_byte(b) => {
                let start = i;
                while i < bytes.len() && is_ident_byte(bytes[i]) {
                    i += 1;
                }
                emit(Tok::Ident(&source[start..i]), line, line);
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                emit(Tok::Punct(b), line, line);
                i += 1;
            }
        }
    }
}

/// The index just past the bracket that closes the one opening at `k`
/// (`(`, `[` or `{`, any of them nesting inside), or the end.
fn skip_group(toks: &[(Tok<'_>, usize)], k: usize) -> usize {
    let mut depth = 0usize;
    let mut j = k;
    while let Some(t) = toks.get(j) {
        j += 1;
        match t.0 {
            Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
            Tok::Punct(b')' | b']' | b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    j
}

/// What follows a top-level `func` keyword.
enum Decl {
    /// A declaration named so, whose body opens at this token.
    Body(String, usize),
    /// Anything else: a declaration without a body, a function literal, or
    /// text that is not Go; scanning goes on from this token.
    Not(usize),
}

/// Reads the declaration whose `func` keyword is token `k`.
fn declaration(toks: &[(Tok<'_>, usize)], k: usize) -> Decl {
    let punct = |j: usize, c: u8| toks.get(j).is_some_and(|t| t.0 == Tok::Punct(c));
    let mut j = k + 1;
    // The receiver's base type: the last name outside brackets.
    let mut receiver = None;
    if punct(j, b'(') {
        let end = skip_group(toks, j);
        let mut depth = 0usize;
        for t in &toks[j + 1..end.saturating_sub(1).max(j + 1)] {
            match t.0 {
                Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                Tok::Punct(b')' | b']' | b'}') => depth = depth.saturating_sub(1),
                Tok::Ident(n) if depth == 0 => receiver = Some(n),
                _ => {}
            }
        }
        if receiver.is_none() {
            return Decl::Not(end);
        }
        j = end;
    }
    let Some(&(Tok::Ident(name), _)) = toks.get(j) else {
        return Decl::Not(j);
    };
    j += 1;
    if punct(j, b'[') {
        j = skip_group(toks, j);
    }
    if !punct(j, b'(') {
        return Decl::Not(j);
    }
    j = skip_group(toks, j);
    // The results, up to the body's `{`: a `{` after `struct` or
    // `interface` opens a type's fields, not the body; a line end outside
    // brackets ends a declaration without a body.
    while let Some(t) = toks.get(j) {
        match t.0 {
            Tok::Punct(b'{')
                if !matches!(
                    toks[j - 1].0,
                    Tok::Ident("struct") | Tok::Ident("interface")
                ) =>
            {
                let name = match receiver {
                    Some(r) => format!("{r}.{name}"),
                    None => name.to_string(),
                };
                return Decl::Body(name, j);
            }
            Tok::Punct(b'(' | b'[' | b'{') => j = skip_group(toks, j),
            Tok::Punct(b')' | b']' | b'}' | b';' | b'=') | Tok::Newline => return Decl::Not(j),
            _ => j += 1,
        }
    }
    Decl::Not(j)
}

/// Returns the spans of the bodies of top-level function and method
/// declarations in `source`.
pub fn function_spans(source: &str) -> Vec<FunctionSpan> {
    let toks = tokens(source);
    let mut spans = Vec::new();
    let mut depth = 0usize;
    let mut open: Option<(String, usize)> = None;
    let mut k = 0usize;
    while let Some(&(t, line)) = toks.get(k) {
        match t {
            Tok::Ident("func") if depth == 0 => match declaration(&toks, k) {
                Decl::Body(name, body) => {
                    open = Some((name, line));
                    k = body;
                    continue;
                }
                Decl::Not(next) => {
                    k = next.max(k + 1);
                    continue;
                }
            },
            Tok::Punct(b'{') => depth += 1,
            Tok::Punct(b'}') if depth > 0 => {
                depth -= 1;
                if depth == 0
                    && let Some((name, start)) = open.take()
                {
                    spans.push(FunctionSpan {
                        name,
                        start,
                        end: line,
                    });
                }
            }
            _ => {}
        }
        k += 1;
    }
    spans
}

/// Names of the functions enclosing any of `lines` (1-based), in order of
/// first appearance, without repeats.
pub fn enclosing_functions(source: &str, lines: &[usize]) -> Vec<String> {
    crate::cfunc::names_enclosing(&function_spans(source), lines)
}

/// An extended regular expression (POSIX, as `git grep -E` reads it) for
/// the line that opens the Go declaration of `name`: `func Name(` or
/// `func Name[`, and for `T.Name` a method of `T` whatever the receiver is
/// called, by pointer or not, generic or not (`func (s *T[K]) Name(`). A
/// call never starts a line with `func`, nor does a function literal name
/// itself.
pub fn definition_pattern(name: &str) -> String {
    let open = "[[:space:]]*(\\(|\\[)";
    match name.split_once('.') {
        Some((ty, method)) => format!(
            "^[[:space:]]*func[[:space:]]*\\(([^)]*[^A-Za-z0-9_])?{ty}[[:space:]]*(\\[[^]]*\\])?[[:space:]]*\\)[[:space:]]*{method}{open}"
        ),
        None => format!("^[[:space:]]*func[[:space:]]+{name}{open}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Does `source` define a function (or method, `T.Name`) called `name`?
    fn defines_function(source: &str, name: &str) -> bool {
        function_spans(source).iter().any(|s| s.name == name)
    }

    fn span(name: &str, start: usize, end: usize) -> FunctionSpan {
        FunctionSpan {
            name: name.into(),
            start,
            end,
        }
    }

    const OVERLAY: &str = r#"package overlay

import "fmt"

// doPrepare { is not a brace
func doPrepareIDMappedOverlay(lowerDirs []string) (_ []string, _ func(), err error) {
	cleanup := func() {
		for _, d := range lowerDirs {
			fmt.Println("}", d)
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	return nil, cleanup, nil
}

type Snapshotter struct {
	root string
}

func (o *Snapshotter) Mounts(key string) error {
	return fmt.Errorf('}' + "%s", key)
}

func (Snapshotter) Close() error { return nil }
"#;

    #[test]
    fn functions_and_methods() {
        assert_eq!(
            function_spans(OVERLAY),
            [
                span("doPrepareIDMappedOverlay", 6, 18),
                span("Snapshotter.Mounts", 24, 26),
                span("Snapshotter.Close", 28, 28),
            ]
        );
        assert_eq!(
            enclosing_functions(OVERLAY, &[14, 20, 25, 9]),
            ["doPrepareIDMappedOverlay", "Snapshotter.Mounts"]
        );
        assert!(defines_function(OVERLAY, "Snapshotter.Close"));
        assert!(!defines_function(OVERLAY, "Close"));
        assert!(!defines_function(OVERLAY, "cleanup"));
    }

    #[test]
    fn generics() {
        let src = "package g\n\
                   func Map[T, U any](s []T, f func(T) U) []U {\n\treturn nil\n}\n\
                   func Keys[M ~map[K]V, K comparable, V interface{ ~int }](m M) []K {\n\treturn nil\n}\n\
                   func (s *Set[K]) Add(k K) {\n\ts.m[k] = struct{}{}\n}\n\
                   func (p Pair[K, V]) Key() K { return p.k }\n";
        assert_eq!(
            function_spans(src),
            [
                span("Map", 2, 4),
                span("Keys", 5, 7),
                span("Set.Add", 8, 10),
                span("Pair.Key", 11, 11),
            ]
        );
    }

    #[test]
    fn nested_closures_and_literals_belong_to_the_function() {
        let src = "package n\n\
                   var hook = func() {\n\tprintln()\n}\n\
                   func outer() {\n\tgo func() {\n\t\tf := func(x int) { _ = x }\n\t\tf(1)\n\t}()\n\
                   \tdefer func() {}()\n}\n\
                   func after() {}\n";
        assert_eq!(
            function_spans(src),
            [span("outer", 5, 11), span("after", 12, 12)]
        );
        assert_eq!(enclosing_functions(src, &[3, 7, 10]), ["outer"]);
    }

    #[test]
    fn braces_in_strings_raw_strings_runes_and_comments() {
        let src = "package s\n\
                   func a() {\n\
                   \tx := \"{\\\"{\"\n\
                   \ty := `{\n{\n`\n\
                   \tz := '}'\n\
                   \tw := '\\''\n\
                   \t// }\n\
                   \t/* }\n}\n*/\n\
                   \t_, _, _, _ = x, y, z, w\n\
                   }\n\
                   func b() {}\n";
        assert_eq!(function_spans(src), [span("a", 2, 14), span("b", 15, 15)]);
    }

    #[test]
    fn result_types_with_braces_and_declarations_without_body() {
        let src = "package r\n\
                   func asm(x int) int\n\
                   func s() struct{ a int } {\n\treturn struct{ a int }{}\n}\n\
                   func i() (interface {\n\tM()\n}, error) {\n\treturn nil, nil\n}\n\
                   func f() func() {\n\treturn func() {}\n}\n";
        assert_eq!(
            function_spans(src),
            [span("s", 3, 5), span("i", 6, 10), span("f", 11, 13)]
        );
    }

    #[test]
    fn a_body_open_at_the_end_gives_no_span() {
        let src = "package e\nfunc done() {}\nfunc open() {\n\tif x {\n";
        assert_eq!(function_spans(src), [span("done", 2, 2)]);
        assert_eq!(enclosing_functions(src, &[4]), Vec::<String>::new());
        for cut in [
            "func",
            "func (",
            "func (r *T",
            "func (r *T) M[",
            "func f(",
            "`{",
            "/* {",
        ] {
            let _ = function_spans(cut);
        }
    }

    #[test]
    fn c_is_not_go() {
        assert!(is_go("snapshots/overlay/overlayutils/check.go"));
        assert!(!is_go("mm/gup.c"));
        assert!(!is_go("go.mod"));
    }

    /// The pattern finds each kind of declaration and never a call.
    #[test]
    fn definition_patterns() {
        let matches = |name: &str, line: &str| {
            regex::Regex::new(&definition_pattern(name).replace("[[:space:]]", "\\s"))
                .unwrap()
                .is_match(line)
        };
        assert!(matches("Map", "func Map[T any](s []T) {"));
        assert!(matches("doPrepare", "func doPrepare(x int) {"));
        assert!(!matches("doPrepare", "\tx, err := doPrepare(x)"));
        assert!(!matches("doPrepare", "func doPrepareMore(x int) {"));
        assert!(matches("T.Name", "func (r *T) Name() {"));
        assert!(matches("T.Name", "func (T) Name() {"));
        assert!(matches("T.Name", "func (s *T[K, V]) Name() {"));
        assert!(!matches("T.Name", "func (r *UT) Name() {"));
        assert!(!matches("T.Name", "func (r *T) Names() {"));
        assert!(!matches("T.Name", "\tr.Name()"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "[a-z(){}\\[\\];/*\"'`\\\\. \n]{0,200}") {
            for sp in function_spans(&s) {
                proptest::prop_assert!(sp.start <= sp.end);
            }
            let _ = enclosing_functions(&s, &[1, 2, 3]);
        }
    }

    /// `func` and names in the generated text, so declarations get read.
    #[test]
    fn never_panics_on_declarations() {
        let parts = [
            "func ", "(r *T)", " f", "[K any]", "(", ")", "{", "}", "\n", "`", "\"",
        ];
        let mut n = 0usize;
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        let s = format!("{a}{b}{c}{d}");
                        n += function_spans(&s)
                            .iter()
                            .filter(|s| s.start > s.end)
                            .count();
                    }
                }
            }
        }
        assert_eq!(n, 0);
    }
}
