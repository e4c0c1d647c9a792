//! Finds the C function that encloses a line of a source file.
//!
//! Hunk headers name the function *before* a hunk (git's funcname rule), which
//! is often the wrong one: the seed's fix to `enter_vmx_ops()` sits under a
//! header naming `exit_vmx_usercopy`. This scanner tracks brace depth with
//! comments, strings and preprocessor lines skipped, and remembers the last
//! top-level `name(` before each `{` that opens a function body.

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

/// Bytes that can change the scanner's state inside a function body.
const BODY: [bool; 256] = special(b"\n#/\"'{}");
/// The same at the top level, where calls and declarations matter too.
const TOP: [bool; 256] = special(b"\n#/\"'{}();=");

const fn special(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// Is only whitespace between the start of the line and `pos`?
fn at_line_start(bytes: &[u8], pos: usize) -> bool {
    bytes[..pos]
        .iter()
        .rev()
        .take_while(|&&c| c != b'\n')
        .all(u8::is_ascii_whitespace)
}

/// Returns the spans of top-level function bodies in `source`.
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
        if b == b'#' && at_line_start(bytes, i) {
            // Preprocessor line, with continuations.
            while i < bytes.len() && bytes[i] != b'\n' {
                i += step(bytes, i, &mut line);
            }
            continue;
        }
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += step(bytes, i, &mut line);
                }
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
            b'{' => {
                if depth == 0 {
                    open = candidate.take();
                }
                depth += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
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
            b'(' if depth == 0 => {
                if paren_depth == 0 {
                    let name = ident_before(bytes, i);
                    candidate = name
                        .filter(|n| !NOT_FUNCTIONS.contains(&n.as_str()))
                        .map(|n| (n, line));
                }
                paren_depth += 1;
            }
            b')' if depth == 0 => paren_depth = paren_depth.saturating_sub(1),
            b';' | b'=' if depth == 0 && paren_depth == 0 => candidate = None,
            _ => {}
        }
        i += 1;
    }
    spans
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
    let mut start = end;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        start -= 1;
    }
    if start == end || bytes[start].is_ascii_digit() {
        return None;
    }
    std::str::from_utf8(&bytes[start..end])
        .ok()
        .map(str::to_string)
}

/// Names of the functions enclosing any of `lines` (1-based), in order of
/// first appearance, without repeats.
pub fn enclosing_functions(source: &str, lines: &[usize]) -> Vec<String> {
    let spans = function_spans(source);
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
    use super::*;

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
