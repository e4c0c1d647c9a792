#![no_main]
//! Fuzzes the C lexer, the C and assembly parsers and the index built from
//! their output, and the diff's function-span scanners (C and Go): none
//! may panic on any bytes.

use libfuzzer_sys::fuzz_target;
use stablepick_code::{CodeIndex, lexer, parse_file};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for s in stablepick_repo::cfunc::function_spans(&text) {
        assert!(s.start <= s.end);
    }
    let _ = stablepick_repo::cfunc::enclosing_functions(&text, &[1, 5, 40]);
    for s in stablepick_repo::gofunc::function_spans(&text) {
        assert!(s.start <= s.end);
    }
    let _ = stablepick_repo::gofunc::enclosing_functions(&text, &[1, 5, 40]);
    let toks = lexer::lex(data);
    assert!(
        toks.iter()
            .all(|t| t.start <= t.end && t.end as usize <= data.len())
    );
    let _ = parse_file("fuzz.c", data);
    let _ = parse_file("fuzz.S", data);
    let ix = CodeIndex::from_sources([("d/fuzz.c", data), ("d/fuzz.S", data)]);
    if let Some(d) = ix.files().first() {
        let _ = ix.practice_count("__init", d);
    }
    for name in ["foo", "sys_foo", "main"] {
        let _ = ix.callers(name);
        let _ = ix.callees(name);
        let _ = ix.reach(name, Default::default());
    }
});
