//! `stablepick analyze` on the demo repository, each phase checked against
//! git's own answers — including the awkward cases: a Fixes target that
//! reached a branch only by backport, a reverted fix, a fix of a fix, an
//! ambiguous and a wrong abbreviated sha, backports without backport lines.

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

struct Demo {
    _tmp: tempfile::TempDir,
    demo: stablepick_demo::DemoRepo,
}

/// One demo repository shared by the read-only tests of this file.
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let demo = stablepick_demo::build(&tmp.path().join("linux")).unwrap();
        Demo { _tmp: tmp, demo }
    })
}

fn sha(name: &str) -> String {
    demo().demo.oid(name).to_string()
}

fn git_in(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn git(args: &[&str]) -> String {
    git_in(&demo().demo.path, args).1
}

fn analyze_in(dir: &Path, extra: &[&str], commit: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args([
            "analyze",
            "--repo",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ])
        .args(extra)
        .arg(commit)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in j["records"].as_array().unwrap() {
        assert!(
            !r["verified_by"].as_str().unwrap_or("").is_empty(),
            "record without verified_by: {r}"
        );
    }
    j
}

fn analyze(commit: &str) -> Value {
    analyze_in(&demo().demo.path, &[], commit)
}

fn branch<'a>(j: &'a Value, name: &str) -> &'a Value {
    j["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["branch"] == name)
        .unwrap_or_else(|| panic!("no branch {name} in {j}"))
}

fn texts(j: &Value) -> Vec<String> {
    j["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect()
}

fn has_text(j: &Value, needle: &str) -> bool {
    texts(j).iter().any(|t| t.contains(needle))
}

/// The oldest major release git lists for `sha`.
fn git_first_release(sha: &str) -> Value {
    let tags = git(&["tag", "--contains", sha]);
    let mut rel: Vec<(Vec<u32>, String)> = tags
        .lines()
        .filter_map(|t| {
            let v = t.strip_prefix('v')?;
            let n: Vec<u32> = v
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            (n.len() == 2).then(|| (n, t.to_string()))
        })
        .collect();
    rel.sort();
    rel.first()
        .map(|r| Value::from(r.1.clone()))
        .unwrap_or(Value::Null)
}

#[test]
fn first_release_matches_git_for_every_named_commit() {
    for (name, _) in stablepick_demo::NAMED {
        let s = sha(name);
        let on_master = git_in(
            &demo().demo.path,
            &["merge-base", "--is-ancestor", &s, "master"],
        )
        .0;
        // analyze takes the commits a merge brings in, not the merge.
        let merge = git_in(
            &demo().demo.path,
            &["rev-parse", "-q", "--verify", &format!("{s}^2")],
        )
        .0;
        if !on_master || merge {
            continue;
        }
        let j = analyze(&s);
        assert_eq!(j["commit"], Value::from(s.clone()), "{name}");
        assert_eq!(j["first_release"], git_first_release(&s), "{name}");
    }
}

#[test]
fn the_seed_fix() {
    let j = analyze(&sha("vmx_fix"));
    assert_eq!(j["functions"], serde_json::json!(["enter_vmx_ops"]));
    assert_eq!(j["kinds"], serde_json::json!(["annotation"]));
    assert_eq!(j["first_release"], Value::Null);
    assert!(has_text(
        &j,
        "hunk headers show context: `int exit_vmx_usercopy(void)`"
    ));
    assert!(has_text(&j, "LINUX FOR POWERPC"));
    for b in ["linux-6.1.y", "linux-6.6.y"] {
        assert_eq!(branch(&j, b)["backported_as"], Value::Null);
        assert!(has_text(
            &j,
            &format!("[{b}] function `enter_vmx_ops()` is defined")
        ));
    }
    // The diffstat agrees with git.
    let stat = git(&["show", "--numstat", "--format=", &sha("vmx_fix")]);
    assert_eq!(
        stat.split_whitespace().take(2).collect::<Vec<_>>(),
        ["8", "1"]
    );
    assert_eq!(
        (j["insertions"].as_u64(), j["deletions"].as_u64()),
        (Some(8), Some(1))
    );
}

#[test]
fn companion_with_cc_stable_and_fixes_in_base() {
    let j = analyze(&sha("kdump_fix"));
    assert_eq!(j["fixes"][0]["sha"], Value::from(sha("kasan_kexec")));
    assert_eq!(
        j["fixes"][0]["first_release"],
        git_first_release(&sha("kasan_kexec"))
    );
    for (b, base) in [("linux-6.1.y", "v6.1"), ("linux-6.6.y", "v6.6")] {
        let in_base = git_in(
            &demo().demo.path,
            &["merge-base", "--is-ancestor", &sha("kasan_kexec"), base],
        )
        .0;
        assert!(in_base);
        assert_eq!(branch(&j, b)["bug_present"], Value::Bool(true));
        assert_eq!(branch(&j, b)["verdict"], "YES");
    }
    assert_eq!(j["verdict"], "YES");
}

#[test]
fn backport_lines_and_patch_id_fallback() {
    let grep = |up: &str, b: &str| -> String {
        git(&[
            "log",
            "--format=%H",
            "-F",
            &format!("--grep={up}"),
            &format!("{}..{b}", if b.contains("6.1") { "v6.1" } else { "v6.6" }),
        ])
        .trim()
        .to_string()
    };
    for (up, b, st) in [
        ("usb_fix", "linux-6.1.y", "bp61_usb_fix"),
        ("regress_a", "linux-6.1.y", "bp61_regress_a"),
        ("autosel_fix", "linux-6.6.y", "bp66_autosel_fix"),
        ("cherry_fix", "linux-6.6.y", "bp66_cherry_fix"),
    ] {
        let j = analyze(&sha(up));
        assert_eq!(branch(&j, b)["backported_as"], Value::from(sha(st)), "{up}");
        assert_eq!(grep(&sha(up), b), sha(st), "git agrees for {up}");
        assert_eq!(branch(&j, b)["verdict"], "NO");
    }
    // No backport line, identical diff: found by patch-id, as git sees it.
    let j = analyze(&sha("silent_fix"));
    let b = branch(&j, "linux-6.1.y");
    assert_eq!(b["backported_as"], Value::from(sha("bp61_silent_fix")));
    assert_eq!(b["backported_via"], "patch-id");
    let pid = |s: &str| stablepick_testkit::cli_patch_id(&demo().demo.path, s);
    assert_eq!(pid(&sha("silent_fix")), pid(&sha("bp61_silent_fix")));
    // Every record that says so, the verdict's too, shows the two equal
    // patch-ids (a backport-line grep would print nothing).
    let said: Vec<&Value> = j["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let t = r["text"].as_str().unwrap();
            t.contains("linux-6.1.y") && t.contains("already backported as")
        })
        .collect();
    assert!(said.iter().any(|r| r["phase"] == 9), "{said:#?}");
    for r in said {
        let out = stablepick_testkit::sh(&demo().demo.path, r["verified_by"].as_str().unwrap());
        let out = String::from_utf8_lossy(&out.stdout).into_owned();
        let ids: Vec<&str> = out
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert_eq!(ids.len(), 2, "{r}: {out}");
        assert_eq!(ids[0], ids[1], "{r}: {out}");
    }
    // Same subject, adapted diff on the same file, no backport line: an
    // adapted backport, and the command shows both subjects and the file.
    let j = analyze(&sha("adapted_fix"));
    let b = branch(&j, "linux-6.1.y");
    assert_eq!(b["backported_as"], Value::from(sha("bp61_adapted_fix")));
    assert_eq!(b["backported_via"], "subject");
    assert_ne!(pid(&sha("adapted_fix")), pid(&sha("bp61_adapted_fix")));
    let rec = j["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["text"]
                .as_str()
                .unwrap()
                .starts_with("[linux-6.1.y] already backported as")
        })
        .expect("the adapted backport's record");
    let out = stablepick_testkit::sh(&demo().demo.path, rec["verified_by"].as_str().unwrap());
    assert!(out.status.success(), "{rec}");
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.contains("drivers/net/ethernet/realtek/r8169_main.c"),
        "{out}"
    );
}

#[test]
fn fixes_target_present_only_through_a_backport() {
    let j = analyze(&sha("fix_of_backported"));
    let target = sha("regress_a");
    assert_eq!(j["fixes"][0]["sha"], Value::from(target.clone()));
    // Not in v6.1 itself …
    assert!(
        !git_in(
            &demo().demo.path,
            &["merge-base", "--is-ancestor", &target, "v6.1"]
        )
        .0
    );
    // … but backported, so the bug is in 6.1.y.
    let b = branch(&j, "linux-6.1.y");
    assert_eq!(b["bug_present"], Value::Bool(true));
    assert!(has_text(&j, "was itself backported to the branch"));
}

#[test]
fn reverted_fix_and_fix_of_fix() {
    let j = analyze(&sha("reverted_fix"));
    assert_eq!(j["reverted_by"], serde_json::json!([sha("revert")]));
    assert!(has_text(&j, "REVERTED on mainline"));
    let git_says = git(&[
        "log",
        "--format=%H",
        &format!("--grep=This reverts commit {}", sha("reverted_fix")),
        "master",
    ]);
    assert_eq!(git_says.trim(), sha("revert"));
    for b in j["branches"].as_array().unwrap() {
        assert_eq!(b["verdict"], "NO");
    }
    let r = analyze(&sha("revert"));
    assert!(has_text(&r, &format!("revert of {}", sha("reverted_fix"))));

    let c = analyze(&sha("chain_c"));
    let chain = texts(&c)
        .into_iter()
        .find(|t| t.starts_with("fix-of-fix chain"))
        .expect("chain record");
    assert!(
        chain.contains(&sha("chain_b")[..12]) && chain.contains(&sha("chain_a")[..12]),
        "{chain}"
    );
    let a = analyze(&sha("chain_a"));
    assert_eq!(a["followup_fixes"], serde_json::json!([sha("chain_b")]));
}

#[test]
fn ambiguous_and_wrong_abbreviated_shas() {
    let j = analyze(&sha("ambig_fixes"));
    let prefix = j["fixes"][0]["prefix"].as_str().unwrap().to_string();
    assert_eq!(j["fixes"][0]["sha"], Value::from(sha("ambig_target")));
    assert_eq!(j["fixes"][0]["subject_matches"], Value::Bool(true));
    let candidates = git(&["rev-parse", "--disambiguate", &prefix]);
    assert!(
        candidates.lines().count() >= 2,
        "git sees {prefix} as ambiguous"
    );

    let j = analyze(&sha("wrong_fixes"));
    assert_eq!(j["fixes"][0]["sha"], Value::Null);
    assert_eq!(j["fixes"][0]["resolution"], "not-found");
    let prefix = j["fixes"][0]["prefix"].as_str().unwrap();
    assert!(
        !git_in(
            &demo().demo.path,
            &[
                "rev-parse",
                "--verify",
                "-q",
                &format!("{prefix}^{{commit}}")
            ]
        )
        .0
    );
    assert!(has_text(
        &j,
        &format!("the quoted subject is commit {}", sha("wrong_target"))
    ));
    for b in j["branches"].as_array().unwrap() {
        assert_eq!(b["bug_present"], Value::Null);
    }
}

#[test]
fn opt_outs_prerequisites_and_encodings() {
    let j = analyze(&sha("noautosel"));
    assert!(has_text(&j, "opted out of automatic stable selection"));
    for b in j["branches"].as_array().unwrap() {
        assert_eq!(b["verdict"], "NO");
    }
    let j = analyze(&sha("prereq_note"));
    assert!(
        has_text(&j, &format!("→ {}", sha("prereq"))),
        "{:?}",
        texts(&j)
    );
    let j = analyze(&sha("latin1"));
    assert!(has_text(&j, "not valid UTF-8"));
}

#[test]
fn kinds_of_change() {
    for (name, kind) in [
        ("usb_devid", "device-ID table"),
        ("docs_only", "documentation"),
        ("comment_only", "comment-only"),
        ("kconfig", "Makefile/Kconfig/build"),
        ("selftest_only", "tests"),
        ("new_export", "new function/API"),
        ("binary", "binary file"),
    ] {
        let j = analyze(&sha(name));
        let kinds: Vec<&str> = j["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert!(kinds.contains(&kind), "{name}: {kinds:?}");
    }
}

#[test]
fn bare_repository_and_remote_tracking_branches() {
    let tmp = tempfile::tempdir().unwrap();
    let bare = stablepick_demo::build_bare(&tmp.path().join("bare.git")).unwrap();
    let fix = sha("usb_fix");
    let a = analyze_in(&bare.path, &[], &fix);
    assert_eq!(
        branch(&a, "linux-6.1.y")["backported_as"],
        Value::from(sha("bp61_usb_fix"))
    );

    // A clone has the stable branches only as origin/…; --stable finds them.
    let clone = tmp.path().join("clone");
    let url = format!("file://{}", demo().demo.path.display());
    assert!(git_in(tmp.path(), &["clone", "-q", &url, clone.to_str().unwrap()]).0);
    let c = analyze_in(&clone, &["--stable", "linux-6.1.y"], &fix);
    let b = branch(&c, "linux-6.1.y");
    assert_eq!(b["base"], "v6.1");
    assert_eq!(b["backported_as"], Value::from(sha("bp61_usb_fix")));
    let commands: Vec<&str> = c["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verified_by"].as_str().unwrap())
        .collect();
    assert!(
        commands.iter().any(|v| v.ends_with(" origin/linux-6.1.y")),
        "{commands:?}"
    );
}

#[test]
fn cached_index_is_refreshed_when_a_branch_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let d = stablepick_demo::build(&tmp.path().join("linux")).unwrap();
    let fix = d.oid("vmx_fix").to_string();
    let before = analyze_in(&d.path, &[], &fix);
    assert_eq!(branch(&before, "linux-6.6.y")["backported_as"], Value::Null);
    // Backport it by hand, as a stable maintainer would.
    assert!(git_in(&d.path, &["checkout", "-q", "linux-6.6.y"]).0);
    assert!(git_in(&d.path, &["cherry-pick", "-x", &fix]).0);
    let after = analyze_in(&d.path, &[], &fix);
    let head = git_in(&d.path, &["rev-parse", "HEAD"]).1;
    assert_eq!(
        branch(&after, "linux-6.6.y")["backported_as"],
        Value::from(head.trim())
    );
}

#[test]
fn phase5_finds_the_seed_call_chain_and_assembly_callers() {
    let j = analyze_in(&demo().demo.path, &["--code"], &sha("vmx_fix"));
    let reach = &j["functions_reach"][0];
    assert_eq!(reach["function"], "enter_vmx_ops");
    let caller_files: Vec<&str> = reach["callers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["file"].as_str().unwrap())
        .collect();
    for f in [
        "arch/powerpc/lib/copypage_power7.S",
        "arch/powerpc/lib/memcpy_power7.S",
        "arch/powerpc/lib/memcmp_64.S",
    ] {
        assert!(caller_files.contains(&f), "{caller_files:?}");
        // git grep agrees that the file names the function.
        let hits = git(&[
            "grep",
            "-n",
            "-w",
            "enter_vmx_ops",
            &sha("vmx_fix"),
            "--",
            f,
        ]);
        assert!(!hits.is_empty(), "{f}");
    }
    assert_eq!(reach["entry_kinds"], serde_json::json!(["privileged"]));
    assert_eq!(reach["user_reachable"], Value::Bool(false));
    // A privileged system call is an entry point all the same.
    assert_eq!(reach["entry_found"], Value::Bool(true));
    assert!(has_text(
        &j,
        "sys_reboot → kernel_kexec → machine_kexec → default_machine_kexec → kexec_sequence → kexec_copy_flush → copy_segments → copy_page → copypage_power7 → enter_vmx_ops"
    ));
    assert!(has_text(&j, "local practice: `__no_sanitize_address`"));
    for b in ["linux-6.1.y", "linux-6.6.y"] {
        let f = &branch(&j, b)["functions"][0];
        assert_eq!(f["function"], "enter_vmx_ops");
        assert_eq!(f["callers"].as_array().unwrap().len(), 3, "{b}");
    }
}

/// Every record's command succeeds when run in the repository, claims that
/// something is missing included (their finder is negated): a reader, or a
/// script, can take a failing command as a claim that does not hold. The
/// questions left open (Phase 9) name the run that would answer them and
/// are not claims.
#[test]
fn every_records_command_succeeds_in_the_repository() {
    let dir = &demo().demo.path;
    let mut failing = Vec::new();
    let mut ran = 0;
    let commits = git(&["rev-list", "--no-merges", "--all"]);
    for (name, oid) in &demo().demo.commits {
        let sha = oid.to_string();
        if !commits.lines().any(|c| c == sha) {
            continue;
        }
        let j = analyze_in(dir, &["--code"], &sha);
        for r in j["records"].as_array().unwrap() {
            let text = r["text"].as_str().unwrap();
            let cmd = r["verified_by"].as_str().unwrap();
            if cmd.starts_with("stablepick ") {
                continue;
            }
            ran += 1;
            let out = Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .current_dir(dir)
                .output()
                .unwrap();
            if !out.status.success() {
                failing.push(format!("{name}: {text}\n    {cmd}"));
            }
        }
    }
    assert!(ran > 500, "{ran} commands");
    assert!(failing.is_empty(), "{}", failing.join("\n"));
}

/// The Markdown report renders as the reader expects: the trailers stay a
/// paragraph (no `---` right under them, which would make them a
/// heading), and the diffstat, as git prints it, and the patch are one
/// fenced block at the end.
#[test]
fn the_markdown_report_keeps_trailers_and_fences_the_patch() {
    let out = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args(["analyze", "--repo"])
        .arg(&demo().demo.path)
        .args(["--format", "md", &sha("vmx_fix")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8_lossy(&out.stdout);
    let rule = md.find("\n---\n").expect("a rule under the message");
    assert!(md[..rule].ends_with('\n'), "no blank line before ---");
    let tail = &md[md.rfind("\n```diff\n").expect("a fenced diff") + 1..];
    assert!(tail.trim_end().ends_with("```"), "{tail}");
    let stat = git(&["show", "--stat", "--format=", &sha("vmx_fix")]);
    let summary = stat.lines().last().unwrap().trim();
    assert!(tail.contains(summary), "{summary} not in {tail}");
    assert!(tail.contains("\n+"), "{tail}");
}
