//! Assembly sources (`.S`, `.s`): function symbols and the common call forms.
//!
//! A function starts at a label declared `.globl`/`.type ...,@function`, or
//! at a start macro (`_GLOBAL(x)`, `SYM_FUNC_START(x)`, `ENTRY(x)`). A call
//! is `bl`, `call`, `jmp`, `b`, `j`, `jal`, `tail`, `brasl`, `jg` to a
//! symbol, also through a wrapper macro (`bl CFUNC(x)`); indirect calls
//! (`bctrl`, `call *%rax`) and local labels (`.L1`, `1f`) are ignored.

use std::collections::HashSet;

use crate::facts::{ASM, FileFacts, RawCall, RawDef};

const CALLS: &[&str] = &[
    "bl", "bla", "call", "callq", "calll", "jmp", "jmpq", "b", "j", "jal", "tail", "brasl", "jg",
];

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$')
}

/// Replaces comments with spaces, keeping newlines so lines stay numbered.
fn strip_comments(src: &[u8]) -> Vec<u8> {
    let mut out = src.to_vec();
    let n = out.len();
    let mut i = 0;
    while i < n {
        if out[i] == b'/' && i + 1 < n && out[i + 1] == b'*' {
            let mut j = i;
            while j < n && !(out[j] == b'*' && j + 1 < n && out[j + 1] == b'/' && j >= i + 2) {
                if out[j] != b'\n' {
                    out[j] = b' ';
                }
                j += 1;
            }
            let stop = (j + 2).min(n);
            for b in &mut out[j..stop] {
                *b = b' ';
            }
            i = stop;
        } else if out[i] == b'/' && i + 1 < n && out[i + 1] == b'/' {
            while i < n && out[i] != b'\n' {
                out[i] = b' ';
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Splits a statement into words and single punctuation bytes.
fn words(stmt: &[u8]) -> Vec<&[u8]> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < stmt.len() {
        let b = stmt[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if is_word(b) {
            let s = i;
            while i < stmt.len() && is_word(stmt[i]) {
                i += 1;
            }
            v.push(&stmt[s..i]);
        } else {
            v.push(&stmt[i..i + 1]);
            i += 1;
        }
    }
    v
}

fn is_start_macro(m: &str) -> bool {
    (m.contains("FUNC_START")
        || m.contains("CODE_START")
        || m.starts_with("_GLOBAL")
        || m.contains("ENTRY"))
        && !m.contains("END")
        || matches!(
            m,
            "GLOBAL" | "LEAF" | "NESTED" | "FUNC" | "WEAK" | "FUNC_BEGIN" | "BEGIN_FUNC"
        )
}

fn symbol(w: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(w).ok()?;
    if s.starts_with(".L")
        || s.starts_with(".l")
        || s.starts_with(|c: char| c.is_ascii_digit())
        || s.starts_with('$')
    {
        return None;
    }
    let s = s.trim_start_matches('.');
    if s.is_empty() {
        None
    } else {
        Some(s.to_owned())
    }
}

/// Parses one assembly file.
pub fn parse_asm(src: &[u8]) -> FileFacts {
    let text = strip_comments(src);
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let mut globals: HashSet<String> = HashSet::new();
    for line in &lines {
        let w = words(line);
        if let [d, name, ..] = w[..]
            && matches!(d, b".globl" | b".global" | b".type" | b".ent" | b".func")
            && let Some(s) = symbol(name)
        {
            globals.insert(s);
        }
    }
    let mut out = FileFacts::default();
    let mut current = String::new();
    for (ln, line) in lines.iter().enumerate() {
        let line_no = ln as u32 + 1;
        let trimmed = line.trim_ascii_start();
        if trimmed.first() == Some(&b'#') {
            continue;
        }
        // `#` starts a comment on several architectures; `;` separates statements.
        let code = match trimmed.iter().position(|&b| b == b'#') {
            Some(p) => &trimmed[..p],
            None => trimmed,
        };
        for stmt in code.split(|&b| b == b';') {
            let mut w = words(stmt);
            // Leading labels.
            while w.len() >= 2 && w[1] == b":" {
                if let Some(s) = symbol(w[0])
                    && globals.contains(&s)
                {
                    out.defs.push(RawDef {
                        name: s.clone(),
                        line: line_no,
                        flags: ASM,
                        ..Default::default()
                    });
                    current = s;
                }
                w.drain(..2);
            }
            let Some(first) = w.first() else { continue };
            let Ok(m) = std::str::from_utf8(first) else {
                continue;
            };
            if w.get(1) == Some(&&b"("[..]) && is_start_macro(m) {
                if let Some(s) = w.get(2).and_then(|x| symbol(x)) {
                    out.defs.push(RawDef {
                        name: s.clone(),
                        line: line_no,
                        flags: ASM,
                        definer: Some(m.to_owned()),
                        ..Default::default()
                    });
                    current = s;
                }
                continue;
            }
            if !CALLS.contains(&m.to_ascii_lowercase().as_str()) {
                continue;
            }
            let Some(op) = w.get(1) else { continue };
            let mut target = *op;
            // `bl CFUNC(sym)`: the symbol is the macro's argument.
            if w.get(2) == Some(&&b"("[..])
                && op
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || *b == b'_' || b.is_ascii_digit())
            {
                match w.get(3) {
                    Some(x) => target = x,
                    None => continue,
                }
            }
            if !target.first().is_some_and(|&b| is_word(b)) {
                continue;
            }
            if let Some(callee) = symbol(target) {
                out.calls.push(RawCall {
                    caller: current.clone(),
                    callee,
                    line: line_no,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powerpc_calls() {
        let src = b"#include <asm/ppc_asm.h>\n_GLOBAL(copypage_power7)\n\tmflr r0\n\tbl CFUNC(enter_vmx_ops)\n\tbl\texit_vmx_ops /* bl not_this */\n\tb .Lout\n\tbctrl\n1:\tb 1b\n";
        let f = parse_asm(src);
        assert_eq!(f.defs[0].name, "copypage_power7");
        let c: Vec<_> = f
            .calls
            .iter()
            .map(|c| (c.caller.as_str(), c.callee.as_str(), c.line))
            .collect();
        assert_eq!(
            c,
            [
                ("copypage_power7", "enter_vmx_ops", 4),
                ("copypage_power7", "exit_vmx_ops", 5)
            ]
        );
    }

    #[test]
    fn x86_labels_and_indirect_calls() {
        let src = b"\t.globl foo\n\t.type foo, @function\nfoo:\n\tcall bar@PLT\n\tcall *%rax\n\tjmp baz # tail\nlocal:\n\tcallq qux\n";
        let f = parse_asm(src);
        assert_eq!(f.defs.len(), 1);
        let c: Vec<_> = f
            .calls
            .iter()
            .map(|c| (c.caller.as_str(), c.callee.as_str()))
            .collect();
        assert_eq!(c, [("foo", "bar"), ("foo", "baz"), ("foo", "qux")]);
    }
}
