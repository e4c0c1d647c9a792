//! The demo repository as the real `git` CLI sees it: every awkward case the
//! rest of the project relies on is checked against git's own answer.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use stablepick_demo::{AMBIGUOUS_DIGITS, DemoRepo, build, build_bare};

/// One demo with a work tree, built once for the whole test binary.
fn demo() -> &'static DemoRepo {
    static DEMO: OnceLock<DemoRepo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = scratch("work");
        build(&dir).expect("build demo")
    })
}

/// A fresh directory under cargo's per-target scratch area; stale ones from
/// earlier runs are removed first.
fn scratch(kind: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let prefix = format!("git-view-{kind}-");
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    root.join(format!("{prefix}{}", std::process::id()))
}

fn git_raw(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("LC_ALL", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match stdin {
        None => cmd.output().expect("run git"),
        Some(input) => {
            use std::io::Write;
            cmd.stdin(Stdio::piped());
            let mut child = cmd.spawn().expect("spawn git");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input)
                .expect("write stdin");
            child.wait_with_output().expect("wait git")
        }
    }
}

/// `git args…` in the demo; panics with stderr unless it succeeds.
fn git(args: &[&str]) -> String {
    let out = git_raw(&demo().path, args, None);
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ok(args: &[&str]) -> bool {
    git_raw(&demo().path, args, None).status.success()
}

fn sha(name: &str) -> String {
    demo().oid(name).to_string()
}

fn message(name: &str) -> String {
    git(&["log", "-1", "--format=%B", &sha(name)])
}

fn subject(name: &str) -> String {
    git(&["log", "-1", "--format=%s", &sha(name)])
        .trim_end()
        .to_string()
}

fn patch_id(name: &str) -> String {
    let show = git_raw(&demo().path, &["show", &sha(name)], None).stdout;
    let out = git_raw(&demo().path, &["patch-id", "--stable"], Some(&show));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split_whitespace().next().unwrap_or("").to_string()
}

fn is_ancestor(a: &str, b: &str) -> bool {
    ok(&["merge-base", "--is-ancestor", a, b])
}

fn tags_containing(name: &str) -> Vec<String> {
    git(&["tag", "--contains", &sha(name)])
        .lines()
        .map(str::to_string)
        .collect()
}

fn files_touched(name: &str) -> Vec<String> {
    git(&["show", "--format=", "--name-only", &sha(name)])
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn repository_is_sound_and_sized() {
    let fsck = git_raw(&demo().path, &["fsck", "--strict", "--no-dangling"], None);
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
    let count: usize = git(&["rev-list", "--all", "--count"])
        .trim()
        .parse()
        .unwrap();
    assert!((40..=80).contains(&count), "{count} commits");
    assert_eq!(git(&["rev-parse", "--abbrev-ref", "HEAD"]).trim(), "master");
    assert_eq!(git(&["status", "--porcelain"]), "", "work tree is clean");
    assert_eq!(git(&["rev-parse", "--is-bare-repository"]).trim(), "false");
    assert!(demo().path.join("arch/powerpc/lib/vmx-helper.c").is_file());
}

#[test]
fn every_named_commit_exists_as_a_commit() {
    for (name, _) in stablepick_demo::NAMED {
        assert_eq!(
            git(&["cat-file", "-t", &sha(name)]).trim(),
            "commit",
            "{name}"
        );
    }
}

#[test]
fn builds_are_identical_and_bare_works() {
    let dir = scratch("bare");
    let bare = build_bare(&dir).expect("bare build");
    assert_eq!(bare.commits, demo().commits);
    let out = git_raw(&dir, &["rev-parse", "--is-bare-repository"], None);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "true");
    let refs =
        |d: &Path| String::from_utf8_lossy(&git_raw(d, &["show-ref"], None).stdout).into_owned();
    assert_eq!(refs(&dir), refs(&demo().path), "same refs and tag objects");
    assert!(bare.bare && !demo().bare);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn building_into_a_non_empty_directory_fails() {
    let err = build(&demo().path).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
}

#[test]
fn tags_and_branches() {
    let tags = git(&["tag"]);
    for t in [
        "v6.0", "v6.1-rc1", "v6.1", "v6.2-rc1", "v6.2", "v6.3", "v6.4", "v6.5", "v6.6", "v6.7-rc1",
        "v6.1.1", "v6.1.2", "v6.6.1",
    ] {
        assert!(tags.lines().any(|l| l == t), "missing tag {t}");
    }
    assert_eq!(git(&["cat-file", "-t", "v6.1"]).trim(), "tag");
    assert_eq!(git(&["cat-file", "-t", "v6.1.1"]).trim(), "tag");
    assert_eq!(git(&["cat-file", "-t", "v6.1-rc1"]).trim(), "commit");
    assert_eq!(git(&["rev-parse", "v6.1^{commit}"]).trim(), sha("v6.1"));
    for (branch, base) in stablepick_demo::STABLE_BRANCHES {
        assert_eq!(
            git(&["merge-base", "master", branch]).trim(),
            git(&["rev-parse", &format!("{base}^{{commit}}")]).trim(),
            "{branch} forks at {base}"
        );
    }
    assert!(is_ancestor("v6.1.2", "linux-6.1.y"));
    assert!(is_ancestor("v6.6.1", "linux-6.6.y"));
    assert_eq!(
        git(&["show", "v6.1.2:Makefile"]).lines().nth(3),
        Some("SUBLEVEL = 2")
    );
    // The merge has two parents.
    assert_eq!(
        git(&["rev-list", "--parents", "-n1", &sha("net_merge")])
            .split_whitespace()
            .count(),
        3
    );
}

#[test]
fn first_releases_follow_tags() {
    let kasan = tags_containing("kasan_kexec");
    assert!(kasan.contains(&"v6.1".to_string()) && !kasan.contains(&"v6.0".to_string()));
    assert!(is_ancestor(&sha("kasan_kexec"), "v6.1"));
    assert!(!is_ancestor(&sha("kasan_kexec"), "v6.0"));
    // The seed's pair landed before v6.7-rc1 and in no release.
    for name in ["kdump_fix", "vmx_fix"] {
        assert_eq!(
            tags_containing(name),
            vec!["v6.7-rc1".to_string()],
            "{name}"
        );
        assert!(!is_ancestor(&sha(name), "linux-6.6.y"));
        assert!(!is_ancestor(&sha(name), "linux-6.1.y"));
    }
    assert!(tags_containing("cherry_fix").is_empty());
    assert!(is_ancestor(&sha("net_refactor"), "v6.2"));
}

#[test]
fn backport_lines_of_every_form() {
    let cases = [
        (
            "bp61_usb_fix",
            "linux-6.1.y",
            format!("commit {} upstream.", sha("usb_fix")),
        ),
        (
            "bp61_regress_a",
            "linux-6.1.y",
            format!("[ Upstream commit {} ]", sha("regress_a")),
        ),
        (
            "bp61_reverted_fix",
            "linux-6.1.y",
            format!("commit {} upstream.", sha("reverted_fix")),
        ),
        (
            "bp66_autosel_fix",
            "linux-6.6.y",
            format!("[ Upstream commit {} ]", sha("autosel_fix")),
        ),
        (
            "bp66_cherry_fix",
            "linux-6.6.y",
            format!("(cherry picked from commit {})", sha("cherry_fix")),
        ),
    ];
    for (bp, branch, line) in cases {
        let found = git(&[
            "log",
            "--format=%H",
            "-F",
            &format!("--grep={line}"),
            branch,
        ]);
        assert_eq!(found.trim(), sha(bp), "{line}");
        assert!(is_ancestor(&sha(bp), branch));
    }
    // The Linux forms are the first body line.
    assert_eq!(
        message("bp61_usb_fix").lines().nth(2).unwrap(),
        format!("commit {} upstream.", sha("usb_fix"))
    );
    // Backports keep the upstream author and date.
    let author = |n: &str| git(&["log", "-1", "--format=%an %ae %ad", &sha(n)]);
    assert_eq!(author("bp61_usb_fix"), author("usb_fix"));
}

#[test]
fn patch_id_matches_the_silent_backport_only() {
    assert_eq!(subject("bp61_silent_fix"), subject("silent_fix"));
    assert_eq!(patch_id("bp61_silent_fix"), patch_id("silent_fix"));
    assert!(!patch_id("silent_fix").is_empty());
    assert_eq!(subject("bp61_adapted_fix"), subject("adapted_fix"));
    assert_ne!(patch_id("bp61_adapted_fix"), patch_id("adapted_fix"));
    for bp in ["bp61_silent_fix", "bp61_adapted_fix"] {
        let m = message(bp);
        assert!(!m.contains("upstream.") && !m.contains("Upstream commit"));
        assert!(!m.contains("cherry picked from"));
    }
    // `git cherry` agrees: the silent one is known upstream, the adapted one not.
    let cherry = git(&["cherry", "master", "linux-6.1.y", "v6.1"]);
    assert!(cherry.contains(&format!("- {}", sha("bp61_silent_fix"))));
    assert!(cherry.contains(&format!("+ {}", sha("bp61_adapted_fix"))));
}

#[test]
fn fixes_target_reached_the_stable_branch_by_backport() {
    let fix = message("fix_of_backported");
    let target = &sha("regress_a")[..12];
    assert!(fix.contains(&format!("Fixes: {target} (\"{}\")", subject("regress_a"))));
    assert!(!is_ancestor(&sha("regress_a"), "linux-6.1.y"));
    assert!(is_ancestor(&sha("regress_a"), "linux-6.6.y"));
    let bp = git(&[
        "log",
        "--format=%H",
        "-F",
        &format!("--grep={}", sha("regress_a")),
        "linux-6.1.y",
    ]);
    assert_eq!(bp.trim(), sha("bp61_regress_a"));
    assert!(!is_ancestor(&sha("fix_of_backported"), "linux-6.1.y"));
}

#[test]
fn revert_names_the_reverted_commit() {
    let line = format!("This reverts commit {}.", sha("reverted_fix"));
    assert_eq!(
        git(&[
            "log",
            "--format=%H",
            "-F",
            &format!("--grep={line}"),
            "master"
        ])
        .trim(),
        sha("revert")
    );
    assert_eq!(
        subject("revert"),
        format!("Revert \"{}\"", subject("reverted_fix"))
    );
    // The revert undoes the diff: the file is back to what it was before.
    let before = git(&[
        "show",
        &format!("{}^:drivers/usb/dwc3/gadget.c", sha("reverted_fix")),
    ]);
    let after = git(&[
        "show",
        &format!("{}:drivers/usb/dwc3/gadget.c", sha("revert")),
    ]);
    assert_eq!(before, after);
    // 6.1.y still carries the reverted fix.
    assert!(!is_ancestor(&sha("revert"), "linux-6.1.y"));
}

#[test]
fn fix_of_a_fix_chain() {
    for (fix, target) in [("chain_b", "chain_a"), ("chain_c", "chain_b")] {
        let line = format!("Fixes: {} (\"{}\")", &sha(target)[..12], subject(target));
        assert!(message(fix).contains(&line), "{fix}: {line}");
        assert!(is_ancestor(&sha(target), &sha(fix)));
    }
}

#[test]
fn ambiguous_abbreviated_fixes() {
    let prefix = &sha("ambig_target")[..AMBIGUOUS_DIGITS];
    assert_eq!(&sha("ambig_twin")[..AMBIGUOUS_DIGITS], prefix);
    assert!(!ok(&[
        "rev-parse",
        "--verify",
        "-q",
        &format!("{prefix}^{{commit}}")
    ]));
    let listed = git(&["rev-parse", &format!("--disambiguate={prefix}")]);
    let commits: Vec<&str> = listed
        .lines()
        .filter(|id| git(&["cat-file", "-t", id]).trim() == "commit")
        .collect();
    assert!(commits.len() >= 2, "{listed}");
    let line = format!("Fixes: {prefix} (\"{}\")", subject("ambig_target"));
    assert!(message("ambig_fixes").contains(&line), "{line}");
    assert_ne!(subject("ambig_twin"), subject("ambig_target"));
}

#[test]
fn wrong_fixes_sha_names_nothing() {
    let m = message("wrong_fixes");
    let line = m.lines().find(|l| l.starts_with("Fixes: ")).unwrap();
    let short = line["Fixes: ".len()..].split_whitespace().next().unwrap();
    assert_eq!(short.len(), 12);
    assert!(!ok(&[
        "rev-parse",
        "--verify",
        "-q",
        &format!("{short}^{{commit}}")
    ]));
    assert!(!sha("wrong_target").starts_with(short));
    assert!(line.ends_with(&format!("(\"{}\")", subject("wrong_target"))));
    let by_subject = git(&[
        "log",
        "--format=%H",
        "-F",
        &format!("--grep={}", subject("wrong_target")),
        "master",
    ]);
    assert!(by_subject.lines().any(|h| h == sha("wrong_target")));
}

#[test]
fn stable_cc_forms() {
    let found = git(&[
        "log",
        "--format=%H",
        "-F",
        "--grep=Cc: stable+noautosel@kernel.org #",
        "--all",
    ]);
    assert_eq!(found.trim(), sha("noautosel"));

    let m = message("prereq_note");
    let line = m
        .lines()
        .find(|l| l.starts_with("Cc: <stable@vger.kernel.org> # 6.1.x: "))
        .unwrap();
    let rest = &line["Cc: <stable@vger.kernel.org> # 6.1.x: ".len()..];
    let (short, subj) = rest.split_once(": ").unwrap();
    assert_eq!(short.len(), 7);
    assert_eq!(
        git(&["rev-parse", &format!("{short}^{{commit}}")]).trim(),
        sha("prereq")
    );
    assert_eq!(subj, subject("prereq"));
    assert!(!is_ancestor(&sha("prereq"), "linux-6.1.y"));

    let kdump = message("kdump_fix");
    assert!(kdump.contains(&format!(
        "Fixes: {} (\"powerpc/kasan: Disable address sanitization in kexec paths\")",
        &sha("kasan_kexec")[..12]
    )));
    assert!(kdump.contains("Cc: stable@vger.kernel.org # 6.1+"));
}

#[test]
fn the_seed_fix_and_its_context() {
    let show = git(&["show", &sha("vmx_fix")]);
    assert!(show.contains("-int enter_vmx_ops(void)"));
    assert!(show.contains("+int __no_sanitize_address enter_vmx_ops(void)"));
    assert!(show.contains(" EXPORT_SYMBOL(exit_vmx_usercopy);"));
    assert_eq!(
        git(&["show", "--format=", "--numstat", &sha("vmx_fix")]).trim(),
        "8\t1\tarch/powerpc/lib/vmx-helper.c"
    );
    assert!(message("vmx_fix").contains(
        "Link: https://patch.msgid.link/20260407124349.1698552-2-sourabhjain@linux.ibm.com"
    ));
    assert!(!message("vmx_fix").contains("Fixes:"));
    // 6.1.y lacks the export the hunk context shows; 6.6.y has it.
    let grep = |rev: &str| {
        ok(&[
            "grep",
            "-q",
            "EXPORT_SYMBOL(exit_vmx_usercopy)",
            rev,
            "--",
            "arch/powerpc/lib/vmx-helper.c",
        ])
    };
    assert!(!grep("linux-6.1.y"));
    assert!(grep("linux-6.6.y"));
    // The call chain is all there.
    let callers = git(&[
        "grep",
        "-l",
        "bl\\s*enter_vmx_ops",
        "master",
        "--",
        "arch/powerpc/lib",
    ]);
    for f in ["copypage_power7.S", "memcpy_power7.S", "memcmp_64.S"] {
        assert!(callers.contains(f), "{f} calls enter_vmx_ops");
    }
    assert!(ok(&[
        "grep",
        "-q",
        "ret = kernel_kexec();",
        "master",
        "--",
        "kernel/reboot.c"
    ]));
    assert!(ok(&[
        "grep",
        "-q",
        "copy_page(dest, addr);",
        "master",
        "--",
        "arch/powerpc/kexec/core_64.c"
    ]));
    // The wrong Makefile form is in both stable branches; the fix corrects it.
    for branch in ["linux-6.1.y", "linux-6.6.y"] {
        assert!(
            git(&["show", &format!("{branch}:arch/powerpc/kexec/Makefile")])
                .contains("KASAN_SANITIZE_core_$(BITS) := n\n")
        );
    }
    assert!(
        git(&["show", "master:arch/powerpc/kexec/Makefile"])
            .contains("KASAN_SANITIZE_core_$(BITS).o := n\n")
    );
}

#[test]
fn maintainers_file() {
    let at = |rev: &str| git(&["show", &format!("{rev}:MAINTAINERS")]);
    for section in [
        "LINUX FOR POWERPC (32-BIT AND 64-BIT)",
        "KEXEC",
        "NETWORKING DRIVERS",
        "USB SUBSYSTEM",
        "THE REST",
    ] {
        assert!(at("master").lines().any(|l| l == section), "{section}");
    }
    assert!(at("master").contains("M:\tMadhavan Srinivasan <maddy@linux.ibm.com>\n"));
    assert!(!at("v6.6").contains("Madhavan"));
    assert!(at("master").contains("F:\tarch/*/kexec/\n"));
}

#[test]
fn non_utf8_message() {
    let raw = git_raw(&demo().path, &["cat-file", "commit", &sha("latin1")], None).stdout;
    assert!(std::str::from_utf8(&raw).is_err());
    assert!(raw.windows(4).any(|w| w == b"Jos\xe9"));
    assert!(
        !raw.windows(9).any(|w| w == b"encoding "),
        "no encoding header"
    );
}

#[test]
fn kinds_of_change() {
    assert_eq!(
        git(&["show", "--format=", "--numstat", &sha("binary")]).trim(),
        "-\t-\tDocumentation/logo.gif"
    );
    assert!(git(&["show", &sha("usb_devid")]).contains("+\t{ USB_DEVICE(0x1234, 0x5678) },\n"));
    assert!(
        files_touched("docs_only")
            .iter()
            .all(|f| f.starts_with("Documentation/"))
    );
    assert!(
        files_touched("selftest_only")
            .iter()
            .all(|f| f.starts_with("tools/testing/selftests/"))
    );
    assert!(
        files_touched("kconfig")
            .iter()
            .all(|f| f.ends_with("Kconfig"))
    );
    let comment = git(&["show", "--format=", &sha("comment_only")]);
    for l in comment
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
    {
        let t = l[1..].trim_start();
        assert!(t.starts_with("/*") || t.starts_with('*'), "{l}");
    }
    let export = git(&["show", &sha("new_export")]);
    assert!(export.contains("+EXPORT_SYMBOL_GPL(usb_device_has_quirk);"));
    assert!(export.contains("+bool usb_device_has_quirk(struct usb_device *udev, u32 quirk)"));
}
