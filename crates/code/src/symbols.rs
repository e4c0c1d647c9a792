//! Symbol lists that export a library's functions: GNU ld version scripts
//! (DPDK's `version.map`, systemd's `libsystemd.sym`) and glibc's
//! `Versions` files. A function a library exports is an entry point of its
//! own: any program linked against the library may call it, so a chain
//! that reaches one says the touched code runs when a program calls that
//! function.
//!
//! Every name written `name;` inside braces is exported, except under
//! `local:` (until `global:` or the block's end); wildcards (`rte_*;`) name
//! no one function. Comments (`#`, `/* … */`) are skipped.

use crate::facts::{FileFacts, RawWire};

/// The `how` of the wiring an exported function gets.
pub const EXPORTED: &str = "exported";

/// Files this module reads, by name.
pub fn is_symbol_list(name: &str) -> bool {
    name == "Versions" || name.ends_with(".map") || name.ends_with(".sym") || name.ends_with(".ver")
}

/// The functions a symbol list exports, as wiring (`how` = [`EXPORTED`]).
pub fn parse_symbol_list(bytes: &[u8]) -> FileFacts {
    let text = String::from_utf8_lossy(bytes);
    let mut facts = FileFacts::default();
    let mut depth = 0usize;
    let mut local = false;
    let mut in_comment = false;
    for (n, raw) in text.lines().enumerate() {
        let mut line = String::with_capacity(raw.len());
        let mut rest = raw;
        // Block comments, possibly over several lines.
        loop {
            if in_comment {
                match rest.find("*/") {
                    Some(end) => {
                        rest = &rest[end + 2..];
                        in_comment = false;
                    }
                    None => break,
                }
            } else {
                match rest.find("/*") {
                    Some(start) => {
                        line.push_str(&rest[..start]);
                        line.push(' ');
                        rest = &rest[start + 2..];
                        in_comment = true;
                    }
                    None => {
                        line.push_str(rest);
                        break;
                    }
                }
            }
        }
        let line = line.split('#').next().unwrap_or("");
        let mut word = String::new();
        // A blank ends a word, which a `;` or `:` after more blanks still
        // closes (`name ;`); another word starts afresh.
        let mut ended = false;
        for c in line.chars().chain(std::iter::once('\n')) {
            if c.is_ascii_alphanumeric() || c == '_' || c == '*' || c == '.' {
                if ended {
                    word.clear();
                    ended = false;
                }
                word.push(c);
                continue;
            }
            if c == ' ' || c == '\t' {
                ended = !word.is_empty();
                continue;
            }
            ended = false;
            match c {
                '{' => {
                    depth += 1;
                    local = false;
                }
                '}' => {
                    depth = depth.saturating_sub(1);
                    local = false;
                }
                ':' if word == "local" => local = true,
                ':' if word == "global" => local = false,
                ';' if depth > 0 && !local && is_function_name(&word) => {
                    facts.wires.push(RawWire {
                        target: word.clone(),
                        how: EXPORTED.to_owned(),
                        context: String::new(),
                        member: false,
                        line: (n + 1) as u32,
                    });
                }
                _ => {}
            }
            word.clear();
        }
    }
    facts
}

fn is_function_name(w: &str) -> bool {
    w.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !matches!(w, "global" | "local" | "extern")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exported(text: &str) -> Vec<(String, u32)> {
        parse_symbol_list(text.as_bytes())
            .wires
            .into_iter()
            .map(|w| (w.target, w.line))
            .collect()
    }

    #[test]
    fn version_scripts_export_their_global_names() {
        let dpdk = "DPDK_24 {\n\tglobal:\n\n\trte_hash_create;\n\trte_hash_free; # old\n\trte_exp_*;\n\n\tlocal: *;\n};\n\nINTERNAL {\n\tglobal:\n\trte_hash_internal ;\n};\n";
        assert_eq!(
            exported(dpdk),
            [
                ("rte_hash_create".to_string(), 4),
                ("rte_hash_free".to_string(), 5),
                ("rte_hash_internal".to_string(), 13)
            ]
        );
    }

    #[test]
    fn glibc_versions_files_and_comments() {
        let glibc = "libc {\n  GLIBC_2.0 {\n    # functions used in other libraries\n    getaddrinfo; freeaddrinfo;\n  }\n  /* not_this; */\n  GLIBC_PRIVATE {\n    __libc_x;\n  }\n}\n";
        let names: Vec<String> = exported(glibc).into_iter().map(|x| x.0).collect();
        assert_eq!(names, ["getaddrinfo", "freeaddrinfo", "__libc_x"]);
    }

    #[test]
    fn local_names_and_names_outside_braces_are_not_exported() {
        let text = "top;\nV1 {\n  local:\n    hidden;\n  global:\n    shown;\n    two words;\n};\n";
        let names: Vec<String> = exported(text).into_iter().map(|x| x.0).collect();
        assert_eq!(names, ["shown", "words"]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = parse_symbol_list(&bytes);
        }
    }
}
