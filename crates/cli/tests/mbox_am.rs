//! `--format mbox` mails go through `git am` onto the stable branch of the
//! test's own repository exactly when the in-process check said the patch
//! applies (clean or offset).

use stablepick_evidence::{Context, collect};
use stablepick_repo::Oid;
use stablepick_repo::apply::Applies;
use stablepick_testkit::{commit, git, git_try, lines};
use stablepick_verdict::{BranchDecision, DecidedBy, Decision, Verdict};
use std::process::Command;

/// The rules' YES for branch `1.0`, as the mails are written for.
fn yes_on_1_0() -> Decision {
    Decision {
        branches: vec![BranchDecision {
            branch: "1.0".into(),
            base: "v1.0".into(),
            verdict: Some(Verdict::Yes),
            score: 1.0,
            reason: "test".into(),
            decided_by: DecidedBy::Rules,
        }],
        verdict: Some(Verdict::Yes),
        score: Some(1.0),
        records: Vec::new(),
    }
}

/// base → stable branch changed by `stable_edit`; main gets `upstream_edit`.
/// Returns (applies, git am succeeded).
fn run(
    stable_edit: &dyn Fn(&str) -> String,
    upstream_edit: &dyn Fn(&str) -> String,
) -> (Applies, bool, String) {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "Up Stream", "up@example.com");
    let base = lines(60);
    std::fs::write(d.join("f.c"), &base).unwrap();
    commit(d, "base");
    git(d, &["tag", "v1.0"]);
    git(d, &["checkout", "-q", "-b", "1.0"]);
    std::fs::write(d.join("f.c"), stable_edit(&base)).unwrap();
    commit(d, "stable: local change");
    git(d, &["checkout", "-q", "main"]);
    std::fs::write(d.join("f.c"), upstream_edit(&base)).unwrap();
    let up = commit(
        d,
        "f: fix the thing\n\nA longer explanation.\n\nSigned-off-by: Up Stream <up@example.com>",
    );
    git(d, &["tag", "v2.0"]);

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ev = collect(&Context::new(&g, &index), up).unwrap();
    let applies = ev.branches[0].applies.expect("checked");
    let d_ = yes_on_1_0();
    let mbox = stablepick_report::mbox(&[(&ev, &d_)], Some("Stable Keeper <keeper@example.com>"));
    let file = d.join("out.mbox");
    std::fs::write(&file, &mbox).unwrap();
    git(d, &["checkout", "-q", "1.0"]);
    let (am_ok, _) = git_try(d, &["am", "-q", file.to_str().unwrap()]);
    if am_ok {
        // The applied commit carries the AUTOSEL body and the sign-off.
        let msg = git(d, &["log", "-1", "--format=%an%n%s%n%b"]);
        assert!(msg.starts_with("Up Stream\nf: fix the thing\n"), "{msg}");
        assert!(msg.contains(&format!("[ Upstream commit {up} ]")), "{msg}");
        assert!(
            msg.contains("Signed-off-by: Stable Keeper <keeper@example.com>"),
            "{msg}"
        );
        assert!(
            !msg.contains("Phase"),
            "report leaked into the message: {msg}"
        );
    } else {
        let _ = git_try(d, &["am", "--abort"]);
    }
    (applies, am_ok, mbox)
}

#[test]
fn clean_mail_applies() {
    let (a, am, mbox) = run(&|b| b.replace("line 2\n", "line two\n"), &|b| {
        b.replace("line 40\n", "line forty\n")
    });
    assert_eq!(a, Applies::Clean);
    assert!(am);
    assert!(
        mbox.contains("Subject: [PATCH AUTOSEL 1.0] f: fix the thing"),
        "{mbox}"
    );
}

#[test]
fn offset_mail_applies() {
    let (a, am, _) = run(&|b| b.replace("line 2\n", "line 2\nmore\nmore\n"), &|b| {
        b.replace("line 40\n", "line forty\n")
    });
    assert_eq!(a, Applies::Offset);
    assert!(am);
}

#[test]
fn fuzz_mail_is_refused() {
    let (a, am, _) = run(&|b| b.replace("line 38\n", "line 38 local\n"), &|b| {
        b.replace("line 40\n", "line forty\n")
    });
    assert_eq!(a, Applies::Fuzz);
    assert!(!am);
}

#[test]
fn conflict_mail_is_refused() {
    let (a, am, _) = run(&|b| b.replace("line 40\n", "line 40 local\n"), &|b| {
        b.replace("line 40\n", "line forty\n")
    });
    assert_eq!(a, Applies::Conflict);
    assert!(!am);
}

/// `v1.0` (60 numbered lines in `f.c`) with the branch `1.0` at it; then
/// upstream `f: rewrite line 19`, with `revert` a change of line 22 and its
/// revert, and a fix of line 20 with message `fix_message`, tagged `v2.0`.
/// Returns (the rewrite, the fix).
fn fix_after_a_rewrite(d: &std::path::Path, revert: bool, fix_message: &str) -> (Oid, Oid) {
    stablepick_testkit::init(d, "Up Stream", "up@example.com");
    let base = lines(60);
    std::fs::write(d.join("f.c"), &base).unwrap();
    commit(d, "base");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    let text = base.replace("line 19\n", "nineteen\n");
    std::fs::write(d.join("f.c"), &text).unwrap();
    let needed = commit(d, "f: rewrite line 19");
    if revert {
        std::fs::write(d.join("f.c"), text.replace("line 22\n", "changed\n")).unwrap();
        commit(d, "f: change line 22");
        std::fs::write(d.join("f.c"), &text).unwrap();
        commit(d, "Revert \"f: change line 22\"");
    }
    std::fs::write(d.join("f.c"), text.replace("line 20\n", "twenty fixed\n")).unwrap();
    let fix = commit(d, fix_message);
    git(d, &["tag", "v2.0"]);
    (needed, fix)
}

/// A fix whose context an earlier upstream commit changed, and a change and
/// its revert that blame names too. Phase 6 names the one commit needed and
/// says the patch applies after it; its replay command, run with git, agrees;
/// and the two mails, prerequisite first, go through `git am`.
#[test]
fn a_fix_and_its_prerequisite_go_through_git_am_in_order() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let (needed, fix) = fix_after_a_rewrite(d, true, "f: fix line 20");

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ctx = Context::new(&g, &index);
    let mut ev = collect(&ctx, fix).unwrap();
    assert_eq!(ev.branches[0].applies, Some(Applies::Conflict));
    stablepick_evidence::prerequisites_for(&ctx, &mut ev, "1.0").unwrap();
    assert_eq!(ev.branches[0].prerequisites, vec![needed]);
    assert_eq!(ev.branches[0].prerequisites_suffice, Some(true));
    let replay = ev
        .records
        .iter()
        .find(|r| {
            r.text
                .contains("the patch applies to 1.0 (checked in memory)")
        })
        .unwrap_or_else(|| panic!("{:#?}", ev.records));
    assert!(ev.records.iter().any(|r| r.text.contains(
        "blame also named 2 commit(s) the patch does not need — without them it applies just the same"
    )));
    let status = Command::new("sh")
        .arg("-c")
        .arg(&replay.verified_by)
        .current_dir(d)
        .status()
        .unwrap();
    assert!(status.success(), "{}", replay.verified_by);

    let pre = collect(&ctx, needed).unwrap();
    let (d1, d2) = (yes_on_1_0(), yes_on_1_0());
    // Given fix first, the mails still come prerequisite first.
    let mbox = stablepick_report::mbox(&[(&ev, &d1), (&pre, &d2)], Some("K <k@example.com>"));
    for subject in [
        "Subject: [PATCH AUTOSEL 1.0 1/2] f: rewrite line 19",
        "Subject: [PATCH AUTOSEL 1.0 2/2] f: fix line 20",
    ] {
        assert!(mbox.contains(subject), "{subject}: {mbox}");
    }
    assert!(
        mbox.contains(&format!(
            "    Prerequisites: {needed} (the patch applies after them)"
        )),
        "{mbox}"
    );
    let file = d.join("out.mbox");
    std::fs::write(&file, &mbox).unwrap();
    git(d, &["checkout", "-q", "1.0"]);
    let (am_ok, out) = git_try(d, &["am", "-q", file.to_str().unwrap()]);
    assert!(am_ok, "{out}");
    assert_eq!(git(d, &["rev-list", "--count", "v1.0..HEAD"]), "2");
}

/// [`fix_after_a_rewrite`] with the fix nominated for stable.
fn nominated_fix_after_a_rewrite(d: &std::path::Path) -> (Oid, Oid) {
    fix_after_a_rewrite(
        d,
        false,
        "f: fix line 20\n\nThe value was wrong.\n\nCc: stable@vger.kernel.org\nSigned-off-by: Up Stream <up@example.com>",
    )
}

/// `analyze` and `triage --format mbox` on a fix nominated for stable whose
/// context an untagged upstream commit changed: the series carries that
/// commit first, marked `Stable-dep-of:`, and goes through `git am`.
#[test]
fn the_mbox_carries_the_prerequisite_first() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let (needed, fix) = nominated_fix_after_a_rewrite(d);

    let run = |args: &[&str]| -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_stablepick"))
            .args(args)
            .args(["--repo", d.to_str().unwrap(), "--stable", "1.0=v1.0"])
            .args(["--format", "mbox", "--signoff", "K <k@example.com>"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let fix_s = fix.to_string();
    for mbox in [run(&["analyze", &fix_s]), run(&["triage", "v1.0..v2.0"])] {
        let first = mbox
            .find("Subject: [PATCH AUTOSEL 1.0 1/2] f: rewrite line 19")
            .unwrap_or_else(|| panic!("{mbox}"));
        let second = mbox
            .find("Subject: [PATCH AUTOSEL 1.0 2/2] f: fix line 20")
            .unwrap_or_else(|| panic!("{mbox}"));
        assert!(first < second);
        assert!(
            mbox[first..second].contains(&format!(
                "Stable-dep-of: {} (\"f: fix line 20\")",
                &fix_s[..12]
            )),
            "{mbox}"
        );
        assert!(mbox.contains(&format!("[ Upstream commit {needed} ]")));
        let file = d.join("series.mbox");
        std::fs::write(&file, &mbox).unwrap();
        git(d, &["checkout", "-q", "1.0"]);
        let (am_ok, out) = git_try(d, &["am", "-q", file.to_str().unwrap()]);
        assert!(am_ok, "{out}");
        assert_eq!(git(d, &["rev-list", "--count", "v1.0..HEAD"]), "2");
        git(d, &["reset", "-q", "--hard", "v1.0"]);
        git(d, &["checkout", "-q", "main"]);
    }
}

/// The sign-off of mails comes from `stablepick.toml` in the repository;
/// a config that does not read stops `--format mbox` with an error naming
/// the file and the key, and stops nothing else.
#[test]
fn the_config_signs_the_mails_and_a_broken_one_is_named() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let (_, fix) = nominated_fix_after_a_rewrite(d);
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_stablepick"))
            .args(["analyze", &fix.to_string(), "--format", format])
            .args(["--repo", d.to_str().unwrap(), "--stable", "1.0=v1.0"])
            .output()
            .unwrap()
    };
    let config = d.join("stablepick.toml");
    std::fs::write(
        &config,
        "[mbox]\nsignoff = \"Kay Stable <kay@example.org>\"\n",
    )
    .unwrap();
    let out = run("mbox");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mbox = String::from_utf8(out.stdout).unwrap();
    assert!(
        mbox.contains("Signed-off-by: Kay Stable <kay@example.org>"),
        "{mbox}"
    );

    std::fs::write(
        &config,
        "[mbox]\nsigoff = \"Kay Stable <kay@example.org>\"\n",
    )
    .unwrap();
    let out = run("mbox");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("stablepick.toml") && err.contains("sigoff"),
        "{err}"
    );
    // The Markdown report carries no sign-off and still runs.
    assert!(run("md").status.success());
}

/// A branch whose backports end with `(cherry picked from commit …)` gets
/// its mail's line in that form and place, and `git am` keeps it there.
#[test]
fn the_mail_writes_the_backport_line_as_the_branch_does() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    stablepick_testkit::init(d, "Up Stream", "up@example.com");
    std::fs::write(d.join("f.c"), lines(60)).unwrap();
    commit(d, "base");
    git(d, &["tag", "v1.0"]);
    git(d, &["branch", "1.0"]);
    std::fs::write(d.join("g.c"), "int g;\n").unwrap();
    let first = commit(d, "g: add a check\n\nTicket: 8770");
    std::fs::write(
        d.join("f.c"),
        lines(60).replace("line 40\n", "line forty\n"),
    )
    .unwrap();
    let up = commit(
        d,
        "f: fix the thing\n\nA longer explanation.\n\nTicket: 8771",
    );
    git(d, &["checkout", "-q", "1.0"]);
    git(d, &["cherry-pick", "-x", &first.to_string()]);
    git(d, &["checkout", "-q", "main"]);

    let (g, index) = stablepick_testkit::open_index(d, &["1.0=v1.0"]);
    let ev = collect(&Context::new(&g, &index), up).unwrap();
    let yes = yes_on_1_0();
    let mbox = stablepick_report::mbox(&[(&ev, &yes)], Some("Stable Keeper <keeper@example.com>"));
    assert!(!mbox.contains("[ Upstream commit"), "{mbox}");
    let file = d.join("out.mbox");
    std::fs::write(&file, &mbox).unwrap();
    git(d, &["checkout", "-q", "1.0"]);
    git(d, &["am", "-q", file.to_str().unwrap()]);
    let msg = git(d, &["log", "-1", "--format=%B"]);
    assert!(
        msg.ends_with(&format!(
            "Ticket: 8771\n(cherry picked from commit {up})\nSigned-off-by: Stable Keeper <keeper@example.com>"
        )),
        "{msg}"
    );
}
