//! What kind of change a diff is: the categories the stable rules treat
//! differently (docs, tests, build files, device IDs, annotations, comments,
//! new functions or APIs).

use stablepick_repo::diff::{CommitDiff, FileDiff, is_c_like};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Only comments or blank lines change.
    CommentOnly,
    /// Only attributes/annotations change (`__no_sanitize_address`, `__init`, …).
    Annotation,
    /// Makefile, Kconfig, meson.build and friends.
    Build,
    /// Entries added to a device-ID / match table.
    DeviceId,
    Docs,
    Tests,
    /// A new function definition or exported symbol / API.
    NewFunction,
    Binary,
    /// Anything else: code whose behaviour changes.
    Code,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::CommentOnly => "comment-only",
            ChangeKind::Annotation => "annotation",
            ChangeKind::Build => "Makefile/Kconfig/build",
            ChangeKind::DeviceId => "device-ID table",
            ChangeKind::Docs => "documentation",
            ChangeKind::Tests => "tests",
            ChangeKind::NewFunction => "new function/API",
            ChangeKind::Binary => "binary file",
            ChangeKind::Code => "code",
        }
    }
}

fn in_dir(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir).is_some_and(|r| r.starts_with('/')) || path.contains(&format!("/{dir}/"))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Documentation, and translations (`po/`, `.po`, `.pot`): there is no
/// kind of their own for those, and like docs they change no code.
pub fn is_docs(path: &str) -> bool {
    path.starts_with("Documentation/")
        || path.starts_with("doc/")
        || path.starts_with("docs/")
        || path.starts_with("man/")
        // glibc's Texinfo manual, Samba's DocBook manual pages.
        || path.starts_with("manual/")
        || path.starts_with("docs-xml/")
        || [".rst", ".md", ".adoc", ".texi", ".texinfo", ".po", ".pot"]
            .iter()
            .any(|e| path.ends_with(e))
        // `CMakeLists.txt` and `meson_options.txt` are build files; so is
        // a `po/meson.build`.
        || (path.ends_with(".txt") || in_dir(path, "po")) && !is_build(path) && !is_vendor_manifest(path)
}

/// Go's list of vendored modules (`vendor/modules.txt`): part of a
/// dependency update, not documentation.
fn is_vendor_manifest(path: &str) -> bool {
    path == "vendor/modules.txt" || path.ends_with("/vendor/modules.txt")
}

pub fn is_test(path: &str) -> bool {
    let name = file_name(path);
    path.starts_with("tools/testing/")
        || path.starts_with("app/test")
        || path.starts_with("test/")
        || path.starts_with("tests/")
        || path.contains("/selftests/")
        || path.contains("/test/")
        || path.contains("/tests/")
        // Samba's test harness and its lists of expected failures.
        || path.starts_with("selftest/")
        // Test programs beside the code they test: glibc's `tst-*.c`,
        // systemd's `test-*.c`, the kernel's `lib/test_*.c`, `*_test.go`.
        // Only the file name counts: a directory such as `test-utils/`
        // may hold library code.
        || ["tst-", "test-", "test_"].iter().any(|p| name.starts_with(p))
        || name.contains("_test.")
}

pub fn is_build(path: &str) -> bool {
    let name = file_name(path);
    // `Makefile.linux`, `Makefile.am`, `GNUmakefile`.
    name.starts_with("Makefile")
        || name == "GNUmakefile"
        || name == "makefile"
        || name.starts_with("Kconfig")
        || name == "Kbuild"
        || name == "meson.build"
        || name == "meson_options.txt"
        || name == "meson.options"
        || name.ends_with(".mk")
        || name.ends_with(".cmake")
        || name == "CMakeLists.txt"
        || name == "configure.ac"
}

const ANNOTATIONS: &[&str] = &[
    "__no_sanitize_address",
    "__no_kcsan",
    "noinstr",
    "notrace",
    "noinline",
    "__always_inline",
    "__init",
    "__exit",
    "__initdata",
    "__ro_after_init",
    "__read_mostly",
    "__maybe_unused",
    "__must_check",
    "__rcu",
    "__user",
    "__iomem",
    "__percpu",
    "__packed",
    "__aligned",
    "__cold",
    "__weak",
    "__visible",
    "asmlinkage",
    "__rte_unused",
    "__rte_always_inline",
    "__rte_noinline",
    "__rte_experimental",
    "__rte_internal",
    "__rte_cold",
    "__rte_hot",
    "__rte_packed",
];

const DEVICE_ID_MARKERS: &[&str] = &[
    "PCI_DEVICE(",
    "PCI_VDEVICE(",
    "PCI_DEVICE_SUB(",
    "USB_DEVICE(",
    "USB_DEVICE_AND_INTERFACE_INFO(",
    "USB_VENDOR_AND_INTERFACE_INFO(",
    "HID_USB_DEVICE(",
    "HID_BLUETOOTH_DEVICE(",
    "SDIO_DEVICE(",
    "ACPI_ID(",
    ".compatible =",
    "RTE_PCI_DEVICE(",
    "{ \"",
    "DMI_MATCH(",
];

fn strip_comment(line: &str) -> &str {
    let l = line.trim();
    if l.starts_with("//")
        || l.starts_with("/*")
        || l.starts_with('*')
        || l.starts_with("*/")
        || l.starts_with('#')
            && !l.starts_with("#include")
            && !l.starts_with("#define")
            && !l.starts_with("#if")
            && !l.starts_with("#e")
            && !l.starts_with("#undef")
    {
        ""
    } else {
        l
    }
}

fn changes(f: &FileDiff, origin: char) -> impl Iterator<Item = &str> {
    f.hunks
        .iter()
        .flat_map(|h| h.changes.iter())
        .filter(move |c| c.0 == origin)
        .map(|c| c.2.as_str())
}

fn without_annotations(line: &str) -> String {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    words.retain(|w| !ANNOTATIONS.iter().any(|a| w.starts_with(a)));
    words.join(" ")
}

fn is_function_header(line: &str) -> bool {
    // A definition starts at column 0 with a type, has `name(`, no `;`.
    !line.starts_with([' ', '\t', '#', '/', '*', '{', '}'])
        && line.contains('(')
        && !line.trim_end().ends_with(';')
        && !line.contains('=')
        && line
            .split('(')
            .next()
            .is_some_and(|h| h.split_whitespace().count() >= 2)
}

/// A text file of code: not documentation, a test or a build file, whose
/// new functions are no new API.
fn is_code(f: &FileDiff) -> bool {
    let p = f.path();
    !f.binary && !is_docs(p) && !is_test(p) && !is_build(p)
}

/// C, or assembly: the files whose header lines a function finder reads.
fn is_c_or_asm(path: &str) -> bool {
    is_c_like(path) || path.ends_with(".S")
}

/// The command handler a `DEFUN (name, name_cmd, …)` or `DEFPY (…)` line
/// defines (FRR's command-line macros): a new one is a new command.
fn cli_handler_name(line: &str) -> Option<&str> {
    let (head, rest) = line.split_once('(')?;
    let head = head.trim_end();
    if !stablepick_code::wiring::is_cli_definer(head)
        || !head.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
    {
        return None;
    }
    let arg = rest.split(',').next()?.trim();
    (!arg.is_empty() && arg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(arg)
}

/// The name a function header line defines: the identifier before its
/// first `(`.
fn header_name(line: &str) -> Option<&str> {
    identifier_ending(line.split('(').next()?)
}

/// The identifier `text` ends with (spaces after it allowed), if any.
fn identifier_ending(text: &str) -> Option<&str> {
    let name = text
        .trim_end()
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()?;
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

/// Functions the diff defines that it did not define before: names on
/// added header lines of C-like files that no removed line of any file
/// names before a `(`. A function moved from one file to another, or
/// whose signature changed, is not new: its old header, prototype or
/// calls are among the removed lines (DPDK writes the return type on a
/// line of its own, so the old header line holds the name alone).
pub fn new_function_names(diff: &CommitDiff) -> Vec<String> {
    let code_files = || {
        diff.files
            .iter()
            .filter(|f| is_code(f) && is_c_or_asm(f.path()))
    };
    let removed: std::collections::HashSet<&str> = code_files()
        .flat_map(|f| changes(f, '-'))
        .flat_map(|l| names_before_paren(l).chain(cli_handler_name(l)))
        .collect();
    let mut out: Vec<String> = Vec::new();
    for name in code_files().flat_map(|f| changes(f, '+')).filter_map(|l| {
        if is_function_header(l) {
            header_name(l)
        } else {
            cli_handler_name(l)
        }
    }) {
        if !removed.contains(name) && !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// The identifiers of `line` directly followed by `(` (spaces allowed).
fn names_before_paren(line: &str) -> impl Iterator<Item = &str> {
    line.match_indices('(')
        .filter_map(move |(i, _)| identifier_ending(&line[..i]))
}

/// Does the diff export a symbol (`EXPORT_SYMBOL`, a line in a linker
/// `version.map`)?
pub fn adds_export(diff: &CommitDiff) -> bool {
    diff.files.iter().filter(|f| is_code(f)).any(|f| {
        changes(f, '+').any(|l| {
            l.contains("EXPORT_SYMBOL")
                || (f.path().ends_with("version.map") && l.trim().ends_with(';'))
        })
    })
}

/// Does some C-like file of the diff gain function headers (more added
/// than removed)? A coarser sign than [`new_function_names`]: a function
/// moved into a file counts, one replaced by another in the same file does
/// not. The backport model reads this one; it learned from it.
pub fn grows_function_headers(diff: &CommitDiff) -> bool {
    diff.files
        .iter()
        .filter(|f| is_code(f) && is_c_or_asm(f.path()))
        .any(|f| {
            changes(f, '+').filter(|l| is_function_header(l)).count()
                > changes(f, '-').filter(|l| is_function_header(l)).count()
        })
}

/// Classifies a diff. Several kinds may apply; `Code` means none of the
/// special categories explains every change.
pub fn classify(diff: &CommitDiff) -> Vec<ChangeKind> {
    let mut kinds: Vec<ChangeKind> = Vec::new();
    fn add(kinds: &mut Vec<ChangeKind>, k: ChangeKind) {
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    let mut all_special = !diff.files.is_empty();
    let mut code_comment_only = true;
    let mut code_annotation_only = true;
    let mut code_files = 0;
    for f in &diff.files {
        let p = f.path();
        if f.binary {
            add(&mut kinds, ChangeKind::Binary);
            continue;
        }
        if is_docs(p) {
            add(&mut kinds, ChangeKind::Docs);
            continue;
        }
        if is_test(p) {
            add(&mut kinds, ChangeKind::Tests);
            continue;
        }
        if is_build(p) {
            add(&mut kinds, ChangeKind::Build);
            continue;
        }
        code_files += 1;
        let added: Vec<&str> = changes(f, '+').collect();
        let removed: Vec<&str> = changes(f, '-').collect();
        let c_like = is_c_or_asm(p);
        // Comment-only: every changed line is a comment or blank.
        if !(c_like
            && added
                .iter()
                .chain(&removed)
                .all(|l| strip_comment(l).is_empty()))
        {
            code_comment_only = false;
        }
        // Annotation-only: the non-comment lines are equal once annotations
        // are stripped, and at least one annotation changed.
        let strip = |ls: &[&str]| -> Vec<String> {
            ls.iter()
                .map(|l| strip_comment(l))
                .filter(|l| !l.is_empty())
                .map(without_annotations)
                .collect()
        };
        let (a, r) = (strip(&added), strip(&removed));
        let touches_annotation = added
            .iter()
            .chain(&removed)
            .any(|l| ANNOTATIONS.iter().any(|an| l.contains(an)));
        if !(c_like && a == r && touches_annotation) {
            code_annotation_only = false;
        }
        let id_lines = added
            .iter()
            .filter(|l| DEVICE_ID_MARKERS.iter().any(|m| l.contains(m)))
            .count();
        let non_trivial_added = added
            .iter()
            .filter(|l| !strip_comment(l).is_empty())
            .count();
        if id_lines > 0 && id_lines * 2 >= non_trivial_added && removed.len() <= 2 {
            add(&mut kinds, ChangeKind::DeviceId);
        }
    }
    if adds_export(diff) || !new_function_names(diff).is_empty() {
        add(&mut kinds, ChangeKind::NewFunction);
    }
    if code_files > 0 {
        if code_comment_only {
            add(&mut kinds, ChangeKind::CommentOnly);
        } else if code_annotation_only {
            add(&mut kinds, ChangeKind::Annotation);
        } else if !kinds.contains(&ChangeKind::DeviceId) {
            all_special = false;
        }
    }
    if !all_special {
        add(&mut kinds, ChangeKind::Code);
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use stablepick_repo::diff::Hunk;

    fn file(path: &str, changes: &[(char, &str)]) -> FileDiff {
        FileDiff {
            new_path: Some(path.into()),
            old_path: Some(path.into()),
            status: 'M',
            hunks: vec![Hunk {
                changes: changes
                    .iter()
                    .map(|(o, t)| (*o, 1, t.to_string()))
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn kinds_of(files: Vec<FileDiff>) -> Vec<ChangeKind> {
        classify(&CommitDiff {
            files,
            ..Default::default()
        })
    }

    #[test]
    fn a_moved_function_is_not_new_and_a_new_one_is_named() {
        let moved = vec![
            file(
                "source3/a.c",
                &[('-', "NTSTATUS smb_open(int x)"), ('-', "{"), ('-', "}")],
            ),
            file(
                "source3/b.c",
                &[('+', "NTSTATUS smb_open(int x)"), ('+', "{"), ('+', "}")],
            ),
        ];
        let diff = CommitDiff {
            files: moved.clone(),
            ..Default::default()
        };
        assert!(new_function_names(&diff).is_empty());
        // The coarser per-file count the model reads sees b.c grow.
        assert!(grows_function_headers(&diff));
        assert!(!kinds_of(moved).contains(&ChangeKind::NewFunction));
        // A test program's new function is no new API.
        let test = CommitDiff {
            files: vec![file(
                "stdlib/tst-open.c",
                &[('+', "static int do_test(void)"), ('+', "{"), ('+', "}")],
            )],
            ..Default::default()
        };
        assert!(new_function_names(&test).is_empty());
        assert!(!grows_function_headers(&test));
        // A changed signature is not new either; an added one is, whatever
        // the case of its type.
        let diff = CommitDiff {
            files: vec![file(
                "lib/c.c",
                &[
                    ('-', "static int *helper(int x)"),
                    ('+', "static int *helper(long x)"),
                    ('+', "NTSTATUS smb_close(int x)"),
                    ('+', "{"),
                    ('+', "}"),
                ],
            )],
            ..Default::default()
        };
        assert_eq!(new_function_names(&diff), vec!["smb_close".to_string()]);
        // FRR's command handlers: a new `DEFPY` is a new command; one whose
        // old line is removed is not.
        let diff = CommitDiff {
            files: vec![file(
                "bgpd/bgp_vty.c",
                &[
                    ('+', "DEFPY (bgp_ipv6_auto_ra, bgp_ipv6_auto_ra_cmd,"),
                    ('-', "DEFUN (show_bgp, show_bgp_cmd,"),
                    ('+', "DEFUN (show_bgp, show_bgp_cmd, \"show bgp\")"),
                ],
            )],
            ..Default::default()
        };
        assert_eq!(
            new_function_names(&diff),
            vec!["bgp_ipv6_auto_ra".to_string()]
        );
        // DPDK d54e82e1b22d: the return type on its own line, and a
        // prototype continued over two lines; the old header line holds the
        // name alone, but it, the old prototype and the old call are there.
        let diff = CommitDiff {
            files: vec![
                file(
                    "drivers/net/mlx5/mlx5_utils.c",
                    &[
                        (
                            '-',
                            "mlx5_ipool_resize(struct mlx5_indexed_pool *pool, uint32_t n)",
                        ),
                        (
                            '+',
                            "mlx5_ipool_resize(struct mlx5_indexed_pool *pool, uint32_t n,",
                        ),
                        ('+', "\t\t  struct rte_flow_error *error)"),
                    ],
                ),
                file(
                    "drivers/net/mlx5/mlx5_utils.h",
                    &[
                        (
                            '-',
                            "int mlx5_ipool_resize(struct mlx5_indexed_pool *pool, uint32_t n);",
                        ),
                        (
                            '+',
                            "int mlx5_ipool_resize(struct mlx5_indexed_pool *pool, uint32_t n,",
                        ),
                        ('+', "\t\t      struct rte_flow_error *error);"),
                        ('+', "int mlx5_ipool_new (int x)"),
                    ],
                ),
            ],
            ..Default::default()
        };
        assert_eq!(
            new_function_names(&diff),
            vec!["mlx5_ipool_new".to_string()]
        );
    }

    #[test]
    fn seed_fix_is_an_annotation() {
        let k = kinds_of(vec![file(
            "arch/powerpc/lib/vmx-helper.c",
            &[
                ('-', "int enter_vmx_ops(void)"),
                ('+', "/*"),
                (
                    '+',
                    " * Can be called from kexec copy_page() path with MMU off.",
                ),
                ('+', " */"),
                ('+', "int __no_sanitize_address enter_vmx_ops(void)"),
            ],
        )]);
        assert_eq!(k, vec![ChangeKind::Annotation]);
    }

    #[test]
    fn categories() {
        assert_eq!(
            kinds_of(vec![file("Documentation/x.rst", &[('+', "text")])]),
            vec![ChangeKind::Docs]
        );
        assert_eq!(
            kinds_of(vec![file(
                "drivers/usb/serial/option.c",
                &[('+', "\t{ USB_DEVICE(0x1234, 0x5678) },")]
            )]),
            vec![ChangeKind::DeviceId]
        );
        assert_eq!(
            kinds_of(vec![file(
                "a.c",
                &[('+', "/* a comment */"), ('-', "// old")]
            )]),
            vec![ChangeKind::CommentOnly]
        );
        assert_eq!(
            kinds_of(vec![file(
                "a.c",
                &[('+', "\tif (!p)"), ('+', "\t\treturn -EINVAL;")]
            )]),
            vec![ChangeKind::Code]
        );
        assert_eq!(
            kinds_of(vec![file(
                "a.c",
                &[('+', "int foo_new(int x)"), ('+', "{"), ('+', "}")]
            )]),
            vec![ChangeKind::NewFunction, ChangeKind::Code]
        );
        assert_eq!(
            kinds_of(vec![file(
                "arch/powerpc/kexec/Makefile",
                &[('+', "KASAN_SANITIZE_core_$(BITS).o := n")]
            )]),
            vec![ChangeKind::Build]
        );
    }

    #[test]
    fn manuals_and_translations_are_docs() {
        for p in [
            "manual/contrib.texi",
            "doc/gdb.texinfo",
            "po/fr.po",
            "po/systemd.pot",
            "po/LINGUAS",
            "subprojects/x/po/de.po",
            "NEWS.txt",
            "docs-xml/manpages/smb.conf.5.xml",
        ] {
            assert!(is_docs(p), "{p}");
            assert_eq!(
                kinds_of(vec![file(p, &[('+', "msgstr \"x\"")])]),
                vec![ChangeKind::Docs],
                "{p}"
            );
        }
        // Build files that merely look like docs stay build files.
        for p in [
            "po/meson.build",
            "CMakeLists.txt",
            "meson_options.txt",
            "Makefile.linux",
            "lib/GNUmakefile",
        ] {
            assert!(!is_docs(p), "{p}");
            assert_eq!(
                kinds_of(vec![file(p, &[('+', "x")])]),
                vec![ChangeKind::Build],
                "{p}"
            );
        }
        assert!(!is_docs("src/pool/pool.c"));
        assert!(!is_docs("src/export/export.c"));
        // Go's vendor manifest is part of a dependency update.
        assert!(!is_docs("vendor/modules.txt"));
        assert!(!is_docs("tools/vendor/modules.txt"));
    }

    #[test]
    fn test_programs_beside_the_code_are_tests() {
        for p in [
            "stdlib/tst-strtod.c",
            "stdlib/tst-strtod.h",
            "src/libsystemd/sd-bus/test-bus-marshal.c",
            "lib/test_bitmap.c",
            "pkg/cri/server/helpers_test.go",
            "src/test/test-fs-util.c",
            "selftest/knownfail.d/smb2.lease",
        ] {
            assert!(is_test(p), "{p}");
            assert_eq!(
                kinds_of(vec![file(p, &[('+', "\tassert(x == 1);")])]),
                vec![ChangeKind::Tests],
                "{p}"
            );
        }
        for p in [
            "stdlib/strtod.c",
            "src/shared/tests.c",
            "src/basic/string-util.c",
            "lib/testing-util/x.c",
            "src/test-utils/util.c",
            "lib/attest.c",
        ] {
            assert!(!is_test(p), "{p}");
        }
    }
}
