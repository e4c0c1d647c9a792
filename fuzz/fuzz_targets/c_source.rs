#![no_main]
//! Fuzzes the C lexer, the C and assembly parsers, the symbol-list reader
//! and the index built from
//! their output, and the diff's function- and macro-span scanners (C and
//! Go): none
//! may panic on any bytes. The one-pass comment scanner must also mark
//! exactly the lines the lexer's tokens cover, and the macro look-up
//! around changed lines must agree with the whole-file macro scan.

use libfuzzer_sys::fuzz_target;
use stablepick_code::{CodeIndex, lexer, parse_file};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for s in stablepick_repo::cfunc::function_spans(&text) {
        assert!(s.start <= s.end);
    }
    let _ = stablepick_repo::cfunc::enclosing_functions(&text, &[1, 5, 40]);
    // Macro spans run from a `#define` line down, within the text.
    let lines = text.lines().count();
    let macros = stablepick_repo::cfunc::macro_spans(&text);
    for s in &macros {
        assert!(1 <= s.start && s.start <= s.end && s.end <= lines, "{s:?}");
    }
    // The look around changed lines names what the whole-file scan names.
    for probe in [[1, 2, 3], [lines, lines / 2, 1], [lines + 1, 0, lines.saturating_sub(1)]] {
        assert_eq!(
            stablepick_repo::cfunc::macros_enclosing(&text, &probe),
            stablepick_repo::cfunc::names_enclosing(&macros, &probe),
            "{probe:?}"
        );
    }
    for s in stablepick_repo::gofunc::function_spans(&text) {
        assert!(s.start <= s.end);
    }
    let _ = stablepick_repo::gofunc::enclosing_functions(&text, &[1, 5, 40]);
    // One entry per line and the unused index 0; a line with a function's
    // first line is code.
    let go_code = stablepick_repo::gofunc::code_lines(&text);
    assert_eq!(go_code.len(), text.matches('\n').count() + 2);
    for s in stablepick_repo::gofunc::function_spans(&text) {
        assert!(go_code[s.start], "{s:?}");
    }
    let toks = lexer::lex(data);
    assert!(
        toks.iter()
            .all(|t| t.start <= t.end && t.end as usize <= data.len())
    );
    let code = lexer::code_lines(data);
    let mut by_tokens = vec![false; code.len()];
    for t in &toks {
        let first = t.line as usize;
        let spliced = t.text(data).iter().filter(|&&b| b == b'\n').count();
        for l in first..=first + spliced {
            if let Some(c) = by_tokens.get_mut(l) {
                *c = true;
            }
        }
    }
    assert_eq!(code, by_tokens);
    let _ = stablepick_repo::diff::code_changes(Some(&text), Some(&text), &[1, 3, 40], &[2, 7]);
    let _ = parse_file("fuzz.c", data);
    let _ = parse_file("fuzz.S", data);
    let _ = parse_file("d/version.map", data);
    let ix = CodeIndex::from_sources([
        ("d/fuzz.c", data),
        ("d/fuzz.S", data),
        ("d/version.map", data),
    ]);
    if let Some(d) = ix.files().first() {
        let _ = ix.practice_count("__init", d);
    }
    for name in ["foo", "sys_foo", "main"] {
        let _ = ix.callers(name);
        let _ = ix.callees(name);
        let _ = ix.reach(name, Default::default());
    }
});
