//! Local practice: how often a construct a diff adds already appears near
//! the changed file. Constructs are identifiers of interest (attributes
//! `__foo`, lock calls, `READ_ONCE`, `likely`, atomics) and two patterns,
//! [`NOT_CHECK`] (`if (!x)`) and [`NULL_CHECK`] (`== NULL` / `!= NULL`).
//! Counts are of lines, like `git grep -c`.

use std::collections::HashMap;

use crate::lexer::{TokKind, Token, lex};

/// The construct name for `if (!x)`.
pub const NOT_CHECK: &str = "if (!x)";
/// The construct name for `x == NULL` and `x != NULL`.
pub const NULL_CHECK: &str = "== NULL";

/// True for identifiers worth counting as local practice.
pub fn is_construct(name: &str) -> bool {
    (name.starts_with("__") && name.len() > 2)
        || matches!(
            name,
            "READ_ONCE" | "WRITE_ONCE" | "likely" | "unlikely" | "barrier"
        )
        || name.ends_with("_lock")
        || name.ends_with("_unlock")
        || name.contains("_lock_")
        || name.contains("_unlock_")
        || name.starts_with("rte_atomic")
        || name.starts_with("rte_smp_")
        || name.starts_with("rte_spinlock")
        || name.starts_with("rte_rwlock")
        || name.starts_with("smp_")
        || name.starts_with("atomic_")
}

/// Counts, per construct, the lines of `src` it appears on (code only).
pub fn count_constructs(src: &[u8], toks: &[Token]) -> HashMap<String, u32> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut last_line: HashMap<String, u32> = HashMap::new();
    let mut bump = |name: &str, line: u32| {
        if last_line.get(name) != Some(&line) {
            last_line.insert(name.to_owned(), line);
            *counts.entry(name.to_owned()).or_default() += 1;
        }
    };
    let text = |k: usize| toks.get(k).map(|t| t.text(src)).unwrap_or(&[]);
    for (k, t) in toks.iter().enumerate() {
        match t.kind {
            TokKind::Ident => {
                let b = t.text(src);
                if b == b"if" && text(k + 1) == b"(" && text(k + 2) == b"!" && text(k + 4) == b")" {
                    if toks.get(k + 3).is_some_and(|x| x.kind == TokKind::Ident) {
                        bump(NOT_CHECK, t.line);
                    }
                } else if b == b"NULL" && k > 0 && matches!(text(k - 1), b"==" | b"!=") {
                    bump(NULL_CHECK, t.line);
                } else if let Ok(name) = std::str::from_utf8(b)
                    && is_construct(name)
                {
                    bump(name, t.line);
                }
            }
            _ => continue,
        }
    }
    counts
}

/// Candidate constructs in lines a diff adds (without the leading `+`),
/// in first-seen order.
pub fn extract_constructs<S: AsRef<str>>(added_lines: &[S]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in added_lines {
        let src = line.as_ref().as_bytes();
        let toks = lex(src);
        let mut found: Vec<(u32, String)> = count_constructs(src, &toks)
            .into_keys()
            .map(|k| {
                let pos = if k == NOT_CHECK || k == NULL_CHECK {
                    0
                } else {
                    toks.iter()
                        .position(|t| t.text(src) == k.as_bytes())
                        .unwrap_or(0) as u32
                };
                (pos, k)
            })
            .collect();
        found.sort();
        for (_, k) in found {
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// The `git grep` command that reproduces a count under `dir` at `rev`.
pub fn grep_command(construct: &str, rev: &str, dir: &str) -> String {
    match construct {
        NOT_CHECK => format!("git grep -n -E 'if \\(!\\w+\\)' {rev} -- {dir}"),
        NULL_CHECK => format!("git grep -n -E '[!=]= NULL' {rev} -- {dir}"),
        _ => format!("git grep -n -w {construct} {rev} -- {dir}"),
    }
}

/// The directory of `file` (with a trailing `/`, empty at the root) and its
/// subsystem: the first two path components.
pub fn dir_and_subsystem(file: &str) -> (String, String) {
    let dir = match file.rfind('/') {
        Some(p) => file[..=p].to_owned(),
        None => String::new(),
    };
    let parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).take(2).collect();
    let sub = if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    };
    (dir, sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_constructs_from_added_lines() {
        let lines = [
            "static void __no_sanitize_address foo(void)",
            "\tspin_lock(&l);",
            "\tif (!ptr)",
            "\tif (p == NULL || unlikely(x))",
            "\tWRITE_ONCE(a, READ_ONCE(b)); /* __not_this */",
        ];
        let got = extract_constructs(&lines);
        assert_eq!(
            got,
            [
                "__no_sanitize_address",
                "spin_lock",
                NOT_CHECK,
                NULL_CHECK,
                "unlikely",
                "WRITE_ONCE",
                "READ_ONCE"
            ]
        );
    }

    #[test]
    fn counts_lines_not_tokens() {
        let src = b"a(__x, __x);\n__x;\n// __x\n";
        let toks = lex(src);
        assert_eq!(count_constructs(src, &toks)["__x"], 2);
    }

    #[test]
    fn dirs() {
        assert_eq!(
            dir_and_subsystem("arch/powerpc/lib/vmx-helper.c"),
            ("arch/powerpc/lib/".to_owned(), "arch/powerpc/".to_owned())
        );
        assert_eq!(dir_and_subsystem("x.c"), (String::new(), String::new()));
    }
}
