//! The lexer and parsers accept any bytes without panicking.

use proptest::prelude::*;
use stablepick_code::{CodeIndex, extract_constructs, lexer, parse_file};

const C_PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    ";",
    "=",
    ".",
    "->",
    "#",
    "#define X(a) f(a)\n",
    "#if A\n",
    "#else\n",
    "#endif\n",
    "#ifdef TEST_PROGRAM\n",
    "#ifndef TESTING\n",
    "#elif !defined(UNIT_TEST)\n",
    "main(",
    "/*",
    "*/",
    "//",
    "\"",
    "'",
    "\\\n",
    "\n",
    "static ",
    "int ",
    "foo",
    "bar(",
    "SYSCALL_DEFINE2(",
    "__init ",
    ".probe = ",
    "request_irq(",
    ",",
    "&",
    "extern \"C\" ",
    "\u{ff}",
    "\0",
    "bl ",
    "call ",
    ":",
    "_GLOBAL(",
];

fn c_like() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(C_PIECES), 0..80)
        .prop_map(|v| v.concat().into_bytes())
}

/// `code_lines` by its definition: the lines the lexer's tokens cover.
fn lines_with_tokens(src: &[u8]) -> Vec<bool> {
    let mut code = vec![false; src.iter().filter(|&&b| b == b'\n').count() + 2];
    for t in lexer::lex(src) {
        let first = t.line as usize;
        let spliced = t.text(src).iter().filter(|&&b| b == b'\n').count();
        for l in first..=first + spliced {
            if let Some(c) = code.get_mut(l) {
                *c = true;
            }
        }
    }
    code
}

/// Pieces whose comments, literals and splices the one-pass scanner must
/// read as the lexer does.
const COMMENT_PIECES: &[&str] = &[
    "/*",
    "*/",
    "//",
    "\"",
    "'",
    "\\",
    "\\\n",
    "\n",
    " ",
    "\t",
    "x",
    "f(a);",
    "*",
    "/",
    "#if X\n",
    "\r\n",
    "\\\r\n",
    "#define Y(a) \\\n",
    "'\\''",
    "\"a\\\"b\"",
    "#",
    "\x0b",
    "\x0c",
];

proptest! {
    #[test]
    fn code_lines_are_the_lines_tokens_cover(
        pieces in prop::collection::vec(prop::sample::select(COMMENT_PIECES), 0..60)
    ) {
        let src = pieces.concat().into_bytes();
        let all = lexer::code_lines(&src);
        prop_assert_eq!(&all, &lines_with_tokens(&src), "{:?}", String::from_utf8_lossy(&src));
        // Read as far as a line, the lines up to it are the same.
        for last in 0..all.len() {
            let some = lexer::code_lines_until(&src, last);
            prop_assert_eq!(&some[..=last], &all[..=last]);
        }
    }

    #[test]
    fn lexer_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let toks = lexer::lex(&bytes);
        for t in toks {
            prop_assert!(t.start <= t.end && t.end as usize <= bytes.len());
        }
        let code = lexer::code_lines(&bytes);
        prop_assert_eq!(code.len(), bytes.iter().filter(|&&b| b == b'\n').count() + 2);
    }

    #[test]
    fn parsers_never_panic(bytes in prop_oneof![c_like(), prop::collection::vec(any::<u8>(), 0..512)]) {
        let _ = parse_file("a.c", &bytes);
        let _ = parse_file("a.S", &bytes);
        let ix = CodeIndex::from_sources([("d/a.c", bytes.clone()), ("d/b.S", bytes.clone())]);
        for name in ["foo", "bar", "sys_foo", "main", ""] {
            let _ = ix.callers(name);
            let _ = ix.reach(name, Default::default());
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = extract_constructs(&[text]);
    }
}
