//! A C tokenizer over raw bytes.
//!
//! It never fails and never panics: bytes that are not part of C's lexical
//! grammar (including non-UTF-8) become single-byte punctuation. Comments are
//! dropped, string and character literals become one token each, so nothing
//! inside them can look like a call. Preprocessor lines are bracketed by
//! [`TokKind::DirStart`] / [`TokKind::DirEnd`] so the parser can treat
//! `#define` bodies apart from code.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    /// `[A-Za-z_$][A-Za-z0-9_$]*`
    Ident,
    /// A preprocessing number (`0x1f`, `1.5e3`, `10UL`).
    Number,
    /// A string literal (prefix letters like `L` come as a separate ident).
    Str,
    /// A character literal.
    Char,
    /// Punctuation: one byte, or one of `->`, `==`, `!=`, `##`.
    Punct,
    /// The `#` that opens a preprocessor line.
    DirStart,
    /// The (unescaped) end of a preprocessor line.
    DirEnd,
}

/// One token: its kind, byte range in the source and 1-based line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokKind,
    pub start: u32,
    pub end: u32,
    pub line: u32,
}

impl Token {
    /// The token's bytes.
    pub fn text<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or(&[])
    }

    /// True for punctuation equal to `p`.
    pub fn is_punct(&self, src: &[u8], p: &[u8]) -> bool {
        self.kind == TokKind::Punct && self.text(src) == p
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

fn is_ident_cont(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Tokenizes `src`. Sources larger than 4 GiB are truncated (offsets are u32).
pub fn lex(src: &[u8]) -> Vec<Token> {
    let src = &src[..src.len().min(u32::MAX as usize - 1)];
    let n = src.len();
    let mut toks = Vec::with_capacity(n / 5);
    let mut i = 0usize;
    let mut line = 1u32;
    // True until a token is seen on the current logical line.
    let mut line_start = true;
    let mut in_directive = false;
    let at = |k: usize| -> u8 { if k < n { src[k] } else { 0 } };
    while i < n {
        let b = src[i];
        match b {
            b'\n' => {
                if in_directive {
                    toks.push(Token {
                        kind: TokKind::DirEnd,
                        start: i as u32,
                        end: i as u32,
                        line,
                    });
                    in_directive = false;
                }
                line += 1;
                line_start = true;
                i += 1;
            }
            b'\\' if at(i + 1) == b'\n' => {
                line += 1;
                i += 2;
            }
            b'\\' if at(i + 1) == b'\r' && at(i + 2) == b'\n' => {
                line += 1;
                i += 3;
            }
            b' ' | b'\t' | b'\r' | 0x0b | 0x0c => i += 1,
            b'/' if at(i + 1) == b'*' => {
                i += 2;
                while i < n && !(src[i] == b'*' && at(i + 1) == b'/') {
                    if src[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i = (i + 2).min(n);
            }
            b'/' if at(i + 1) == b'/' => {
                // A line comment ends at an unescaped newline.
                i += 2;
                while i < n && src[i] != b'\n' {
                    if src[i] == b'\\' && at(i + 1) == b'\n' {
                        line += 1;
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                let start = i;
                let start_line = line;
                i += 1;
                while i < n && src[i] != b {
                    match src[i] {
                        b'\\' => {
                            if at(i + 1) == b'\n' {
                                line += 1;
                            }
                            i += 2;
                        }
                        // An unterminated literal stops at the line end so one
                        // stray quote cannot swallow the rest of the file.
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
                if i < n && src[i] == b {
                    i += 1;
                }
                i = i.min(n);
                let kind = if b == b'"' {
                    TokKind::Str
                } else {
                    TokKind::Char
                };
                toks.push(Token {
                    kind,
                    start: start as u32,
                    end: i as u32,
                    line: start_line,
                });
                line_start = false;
            }
            b'#' if line_start && !in_directive => {
                toks.push(Token {
                    kind: TokKind::DirStart,
                    start: i as u32,
                    end: i as u32 + 1,
                    line,
                });
                in_directive = true;
                line_start = false;
                i += 1;
            }
            _ if is_ident_start(b) => {
                let start = i;
                while i < n && is_ident_cont(src[i]) {
                    i += 1;
                }
                toks.push(Token {
                    kind: TokKind::Ident,
                    start: start as u32,
                    end: i as u32,
                    line,
                });
                line_start = false;
            }
            _ if b.is_ascii_digit() || (b == b'.' && at(i + 1).is_ascii_digit()) => {
                let start = i;
                i += 1;
                while i < n {
                    let c = src[i];
                    let exponent_sign =
                        (c == b'+' || c == b'-') && matches!(src[i - 1], b'e' | b'E' | b'p' | b'P');
                    if is_ident_cont(c) || c == b'.' || exponent_sign {
                        i += 1;
                    } else {
                        break;
                    }
                }
                toks.push(Token {
                    kind: TokKind::Number,
                    start: start as u32,
                    end: i as u32,
                    line,
                });
                line_start = false;
            }
            _ => {
                let two = [b, at(i + 1)];
                let len = if matches!(&two, b"->" | b"==" | b"!=" | b"##") {
                    2
                } else {
                    1
                };
                toks.push(Token {
                    kind: TokKind::Punct,
                    start: i as u32,
                    end: (i + len) as u32,
                    line,
                });
                line_start = false;
                i += len;
            }
        }
    }
    if in_directive {
        toks.push(Token {
            kind: TokKind::DirEnd,
            start: n as u32,
            end: n as u32,
            line,
        });
    }
    toks
}

/// For each 1-based line of `src` (index 0 unused), whether any token lies
/// on it: false for a blank line and for one holding only comment text
/// (or a line splice). A literal spliced over lines marks each of them.
///
/// One pass over the bytes with the lexer's view of comments and literals,
/// without making tokens: it runs on both versions of every changed C file
/// of every commit a triage reads.
pub fn code_lines(src: &[u8]) -> Vec<bool> {
    code_lines_until(src, usize::MAX)
}

/// [`code_lines`] read only as far as line `last`: the lines after it are
/// left false, unread. A change near the top of a long file reads its top.
pub fn code_lines_until(src: &[u8], last: usize) -> Vec<bool> {
    enum In {
        Code,
        Block,
        Line,
        Literal(u8),
    }
    let lines = src.iter().filter(|&&b| b == b'\n').count() + 2;
    let mut code = vec![false; lines];
    let (mut i, mut line, mut state) = (0usize, 1usize, In::Code);
    // A directive's end is a token of the line it ends on, as in `lex`:
    // `#define X \` spliced onto a comment line marks that line.
    let (mut line_start, mut in_directive) = (true, false);
    loop {
        if line > last {
            return code;
        }
        // Skip the bytes that change nothing in this state: most of a
        // comment, of a literal, or of a line already marked.
        let stops: &[bool; 256] = match state {
            In::Code if !line_start && code.get(line) == Some(&true) => &CODE_STOPS,
            In::Code => &EVERY_BYTE,
            In::Block => &BLOCK_STOPS,
            In::Line => &LINE_STOPS,
            In::Literal(_) => &LITERAL_STOPS,
        };
        i += src
            .get(i..)
            .unwrap_or_default()
            .iter()
            .position(|&b| stops[b as usize])
            .unwrap_or(src.len().saturating_sub(i));
        let Some(&b) = src.get(i) else {
            break;
        };
        let mut mark = |l: usize| {
            if let Some(c) = code.get_mut(l) {
                *c = true;
            }
        };
        let at = |k: usize| src.get(k).copied();
        match state {
            In::Code => match b {
                b'\n' => {
                    if in_directive {
                        mark(line);
                        in_directive = false;
                    }
                    line += 1;
                    line_start = true;
                }
                // A splice joins lines and is no token.
                b'\\' if at(i + 1) == Some(b'\n') => {
                    line += 1;
                    i += 2;
                    continue;
                }
                b'\\' if at(i + 1) == Some(b'\r') && at(i + 2) == Some(b'\n') => {
                    line += 1;
                    i += 3;
                    continue;
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => {}
                b'/' if at(i + 1) == Some(b'*') => {
                    state = In::Block;
                    i += 2;
                    continue;
                }
                b'/' if at(i + 1) == Some(b'/') => {
                    state = In::Line;
                    i += 2;
                    continue;
                }
                b'"' | b'\'' => {
                    line_start = false;
                    mark(line);
                    state = In::Literal(b);
                }
                _ => {
                    if b == b'#' && line_start && !in_directive {
                        in_directive = true;
                    }
                    line_start = false;
                    mark(line);
                }
            },
            In::Block => {
                if b == b'\n' {
                    line += 1;
                } else if b == b'*' && at(i + 1) == Some(b'/') {
                    state = In::Code;
                    i += 2;
                    continue;
                }
            }
            In::Line => match b {
                // A line comment goes on over a splice.
                b'\\' if at(i + 1) == Some(b'\n') => {
                    line += 1;
                    i += 2;
                    continue;
                }
                // The newline is the code's again.
                b'\n' => {
                    state = In::Code;
                    continue;
                }
                _ => {}
            },
            In::Literal(quote) => match b {
                // An escape takes the next byte; an escaped newline goes
                // on to the next line, which the literal then covers.
                b'\\' => {
                    if at(i + 1) == Some(b'\n') {
                        line += 1;
                        mark(line);
                    }
                    i += 2;
                    continue;
                }
                // An unterminated literal ends at the line's end.
                b'\n' => {
                    state = In::Code;
                    continue;
                }
                _ if b == quote => state = In::Code,
                _ => {}
            },
        }
        i += 1;
    }
    if in_directive && let Some(c) = code.get_mut(line) {
        *c = true;
    }
    code
}

/// A table of the bytes `bytes`, for scanners that skip to the next byte
/// of interest ([`code_lines_until`], the diff's function finder).
pub const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
}

const EVERY_BYTE: [bool; 256] = [true; 256];
/// On a marked line: what starts a comment or literal, a splice, the end.
const CODE_STOPS: [bool; 256] = byte_set(b"/\"'\\\n");
const BLOCK_STOPS: [bool; 256] = byte_set(b"*\n");
const LINE_STOPS: [bool; 256] = byte_set(b"\\\n");
const LITERAL_STOPS: [bool; 256] = byte_set(b"\\\n\"'");

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(src: &str) -> Vec<String> {
        lex(src.as_bytes())
            .iter()
            .filter(|t| t.kind == TokKind::Ident)
            .map(|t| String::from_utf8_lossy(t.text(src.as_bytes())).into_owned())
            .collect()
    }

    #[test]
    fn comments_and_strings_hide_identifiers() {
        let src = "a /* b(x) */ c // d(y)\n\"e(z)\" 'f' g";
        assert_eq!(idents(src), ["a", "c", "g"]);
    }

    #[test]
    fn directives_are_bracketed_and_continue_over_backslash_newline() {
        let src = "#define X(a) \\\n  foo(a)\nbar();\n";
        let toks = lex(src.as_bytes());
        assert_eq!(toks[0].kind, TokKind::DirStart);
        let end = toks.iter().position(|t| t.kind == TokKind::DirEnd).unwrap();
        let bar = toks
            .iter()
            .position(|t| t.text(src.as_bytes()) == b"bar")
            .unwrap();
        assert!(end < bar);
        assert_eq!(toks[bar].line, 3);
    }

    #[test]
    fn hash_inside_a_line_is_not_a_directive() {
        let toks = lex(b"a # b\n");
        assert!(toks.iter().all(|t| t.kind != TokKind::DirStart));
    }

    #[test]
    fn unterminated_string_stops_at_line_end() {
        assert_eq!(idents("\"abc\nfoo"), ["foo"]);
    }

    #[test]
    fn code_lines_leave_out_comments_and_blanks() {
        let src =
            b"/**\n * doc\n */\nint f(void) /* c */\n{\n\t// x\n\n\ts = \"a\\\nb\";\n#if X\n}\n";
        let code = code_lines(src);
        let lines: Vec<usize> = (1..code.len()).filter(|&l| code[l]).collect();
        assert_eq!(lines, [4, 5, 8, 9, 10, 11]);
    }

    #[test]
    fn lines_are_counted_through_comments() {
        let src = "/*\n\n*/ x";
        let toks = lex(src.as_bytes());
        assert_eq!(toks[0].line, 3);
    }
}
