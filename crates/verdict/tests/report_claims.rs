//! Records whose claims a reader checks by running their command: the
//! command's output has to show what the text says, for reports named in
//! the message's text, `Fixes:` lines that name an issue, and trailers
//! spread over several blocks.

mod common;

use common::Repo;
use stablepick_evidence::{Context, Evidence, Record, collect};
use stablepick_verdict::impact;

fn evidence(r: &Repo, sha: &str) -> Evidence {
    let (git, index) = common::open_index(r);
    let oid = git.resolve_commit(sha).unwrap();
    collect(&Context::new(&git, &index), oid).unwrap()
}

/// The record of `recs` whose text starts with one of `starts`.
fn record<'a>(recs: &'a [Record], starts: &[&str]) -> &'a Record {
    recs.iter()
        .find(|r| starts.iter().any(|s| r.text.starts_with(s)))
        .unwrap_or_else(|| panic!("no record starting {starts:?} in {recs:#?}"))
}

/// The record's command checks where a commit stands with git's ancestry
/// test, and passes in the repository.
fn shows_ancestry(r: &Repo, rec: &Record) {
    assert!(
        rec.verified_by.contains("merge-base --is-ancestor"),
        "{}",
        rec.verified_by
    );
    assert!(passes(r, &rec.verified_by), "{}", rec.verified_by);
}

/// What the record's command prints in the repository.
fn output(r: &Repo, rec: &Record) -> String {
    let out = stablepick_testkit::sh(r.path(), &rec.verified_by);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `lib/a.c` released as `v1.0`, the stable branch `1.0` there.
fn released() -> Repo {
    let mut r = Repo::new();
    r.commit("base", &[("lib/a.c", "int a;\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    r
}

/// Phase 8 says the message names no failure at all, and its grep finds
/// none either.
fn assert_no_failure_named(r: &Repo, recs: &[Record]) {
    let rec = record(recs, &["the message names no", "failure mode named"]);
    assert!(
        rec.text
            .starts_with("the message names no user-visible failure ("),
        "{}",
        rec.text
    );
    // The grep finds nothing, and the command succeeds because of it.
    assert!(passes(r, &rec.verified_by), "{}", rec.verified_by);
    assert_eq!(output(r, rec), "", "{}", rec.verified_by);
}

/// Does the record's command succeed in the repository?
fn passes(r: &Repo, cmd: &str) -> bool {
    stablepick_testkit::sh(r.path(), cmd).status.success()
}

fn repo() -> (Repo, String, String) {
    let mut r = Repo::new();
    r.commit("base", &[("lib/a.c", "int a;\n"), ("lib/b.c", "int b;\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    let reported = r.commit(
        "lib: fix parsing of long names [BZ #32125]\n\n\
         Names longer than 64 bytes were cut.\n\
         Closes https://github.com/example/lib/issues/33104.\n\n\
         Bugzilla ID: 4321\n\n\
         Fixes: #30425\n\
         Signed-off-by: A U Thor <author@example.org>",
        &[("lib/a.c", "int a = 1;\n")],
    );
    let quiet = r.commit(
        "lib: tidy b\n\nSigned-off-by: A U Thor <author@example.org>",
        &[("lib/b.c", "int b = 0;\n")],
    );
    (r, reported, quiet)
}

#[test]
fn reports_named_in_the_text_are_on_record_and_the_command_shows_them() {
    let (r, reported, _) = repo();
    let ev = evidence(&r, &reported);
    let recs = impact::records(&ev);
    let rec = record(&recs, &["reported by", "no Reported-by"]);
    assert!(
        rec.text.starts_with("reported by a user or a tool"),
        "{}",
        rec.text
    );
    for named in [
        "Fixes: #30425",
        "[BZ #32125]",
        "issues/33104",
        "Bugzilla ID: 4321",
    ] {
        assert!(rec.text.contains(named), "{named} in {}", rec.text);
    }
    let shown = output(&r, rec);
    for named in [
        "Fixes: #30425",
        "[BZ #32125]",
        "issues/33104",
        "Bugzilla ID: 4321",
    ] {
        assert!(shown.contains(named), "{named} in {shown}");
    }
}

#[test]
fn no_report_is_claimed_only_when_the_command_finds_none() {
    let (r, _, quiet) = repo();
    let ev = evidence(&r, &quiet);
    let recs = impact::records(&ev);
    let rec = record(&recs, &["reported by", "no Reported-by"]);
    assert!(rec.text.contains("no report on record"), "{}", rec.text);
    assert_eq!(output(&r, rec), "");
}

#[test]
fn a_fixes_line_naming_an_issue_is_not_called_absent() {
    let (r, reported, _) = repo();
    let ev = evidence(&r, &reported);
    let p1: Vec<Record> = ev.records_of(1).cloned().collect();
    let rec = record(&p1, &["no `Fixes:`"]);
    assert!(rec.text.contains("names an issue"), "{}", rec.text);
    assert!(output(&r, rec).contains("Fixes: #30425"));
    let p6: Vec<Record> = ev.records_of(6).cloned().collect();
    let rec = record(&p6, &["[1.0] bug presence unknown"]);
    assert!(rec.text.contains("naming a commit"), "{}", rec.text);
}

#[test]
fn trailers_of_every_block_are_listed_and_shown() {
    let (r, reported, _) = repo();
    let ev = evidence(&r, &reported);
    let p1: Vec<Record> = ev.records_of(1).cloned().collect();
    let rec = record(&p1, &["trailers parsed"]);
    let shown = output(&r, rec);
    for t in [
        "Bugzilla ID: 4321",
        "Fixes: #30425",
        "Signed-off-by: A U Thor",
    ] {
        assert!(rec.text.contains(t), "{t} in {}", rec.text);
        assert!(shown.contains(t), "{t} in {shown}");
    }
}

/// `lib/b.c` at the base calls `helper()` but defines only `user()`;
/// mainline then defines `helper()` there and fixes it, and fixes `user()`.
fn functions_repo() -> (Repo, String, String) {
    let mut r = Repo::new();
    let b_at_base = "int user(int x)\n{\n\tint y = x + 1;\n\ty = y * 2;\n\treturn helper(y);\n}\n";
    r.commit("base", &[("lib/b.c", b_at_base)]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    let with_helper = |body: &str| {
        format!("{b_at_base}\nint helper(int x)\n{{\n\tint z = x;\n\tz = z + 1;\n\t{body}\n}}\n")
    };
    r.commit("lib: add helper", &[("lib/b.c", &with_helper("return z;"))]);
    let helper_fix = r.commit(
        "lib: fix helper overflow",
        &[("lib/b.c", &with_helper("return z & 0xff;"))],
    );
    let user_fix = r.commit(
        "lib: fix user overflow",
        &[(
            "lib/b.c",
            &with_helper("return z & 0xff;").replace("y = y * 2;", "y = (y * 2) & 0xff;"),
        )],
    );
    (r, helper_fix, user_fix)
}

#[test]
fn a_function_only_called_in_the_branch_is_not_defined_and_the_command_agrees() {
    let (r, helper_fix, _) = functions_repo();
    let ev = evidence(&r, &helper_fix);
    let p6: Vec<Record> = ev.records_of(6).cloned().collect();
    let rec = record(&p6, &["[1.0] function `helper()`"]);
    assert!(rec.text.contains("is NOT defined"), "{}", rec.text);
    assert_eq!(
        output(&r, rec),
        "",
        "a call is no definition: {}",
        rec.verified_by
    );
}

#[test]
fn the_summed_up_files_and_functions_are_each_checked_by_its_command() {
    let (r, _, user_fix) = functions_repo();
    let ev = evidence(&r, &user_fix);
    let p6: Vec<Record> = ev.records_of(6).cloned().collect();
    let rec = record(&p6, &["[1.0] every touched file"]);
    assert!(rec.text.contains("and function (1)"), "{}", rec.text);
    let ok = |cmd: &str| passes(&r, cmd);
    assert!(ok(&rec.verified_by), "{}", rec.verified_by);
    // The command checks the function too: asked for one the branch does not
    // define, it fails.
    assert!(!ok(&rec.verified_by.replace("user", "helper")));
}

#[test]
fn a_bug_the_branch_never_had_is_shown_by_the_ancestry_check() {
    let mut r = released();
    let feature = r.commit("lib: add bar", &[("lib/bar.c", "int bar = 1;\n")]);
    let fix = r.commit(
        &format!(
            "lib: fix bar overflow\n\nFixes: {} (\"lib: add bar\")\n\nSigned-off-by: A U Thor <author@example.org>",
            &feature[..12]
        ),
        &[("lib/bar.c", "int bar = 0;\n")],
    );
    let ev = evidence(&r, &fix);
    let d = stablepick_verdict::decide(&ev);
    shows_ancestry(&r, record(&d.records, &["[1.0] NO"]));
}

#[test]
fn a_report_in_a_named_commits_quoted_subject_is_not_this_ones() {
    let mut r = released();
    let older = r.commit(
        "lib: random fix [BZ #30584]",
        &[("lib/a.c", "int a = 1;\n")],
    );
    let sha = r.commit(
        &format!(
            "lib: tidy after the random fix\n\nFollow-up to {} (\"lib: random fix\n[BZ #30584]\").\n\nFAIL: test_random is no trailer\nSigned-off-by: A U Thor <author@example.org>",
            &older[..12]
        ),
        &[("lib/a.c", "int a = 2;\n")],
    );
    let ev = evidence(&r, &sha);
    let recs = impact::records(&ev);
    let rec = record(&recs, &["reported by", "no Reported-by"]);
    assert!(rec.text.contains("no report on record"), "{}", rec.text);
    assert!(rec.text.contains("quoted subject"), "{}", rec.text);
    assert!(output(&r, rec).contains("30584"));
    // The trailer command shows the parser's trailers only.
    let p1: Vec<Record> = ev.records_of(1).cloned().collect();
    let rec = record(&p1, &["trailers parsed"]);
    let shown = output(&r, rec);
    assert!(shown.contains("Signed-off-by"), "{shown}");
    assert!(!shown.contains("FAIL"), "{shown}");
}

#[test]
fn keyword_records_name_only_words_their_grep_shows() {
    let mut r = released();
    let leaky = r.commit(
        "lib: fix a leak and a race in a\n\nSigned-off-by: A U Thor <author@example.org>",
        &[("lib/a.c", "int a = 1;\n")],
    );
    let revert = r.commit(
        &format!(
            "Revert \"lib: fix a leak and a race in a\"\n\nThis reverts commit {leaky}.\n\nSigned-off-by: A U Thor <author@example.org>"
        ),
        &[("lib/a.c", "int a;\n")],
    );
    let reenable = r.commit(
        "test: reenable the g_return_val_if_fail check\n\nSigned-off-by: A U Thor <author@example.org>",
        &[("lib/a.c", "int a = 2;\n")],
    );
    let recs = impact::records(&evidence(&r, &revert));
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert!(
        rec.text
            .contains("no user-visible failure of its own (leak, race only in the quoted subject"),
        "{}",
        rec.text
    );
    let recs = impact::records(&evidence(&r, &reenable));
    // `fail` inside `g_return_val_if_fail` is no failure, and `reenable`
    // is not the feature word `enable`: grep -w agrees on both.
    assert_no_failure_named(&r, &recs);
    assert!(
        !recs.iter().any(|x| x.text.contains("subject says")),
        "{recs:#?}"
    );
    let recs = impact::records(&evidence(&r, &leaky));
    let rec = record(&recs, &["failure mode named"]);
    assert_eq!(rec.text, "failure mode named in the message: leak, race");
    let shown = output(&r, rec);
    assert!(shown.contains("leak") && shown.contains("race"), "{shown}");
}

#[test]
fn github_closing_keywords_name_a_report_and_the_grep_shows_it() {
    let mut r = released();
    let closing = r.commit(
        "more: fix out-of-bounds write\n\nCloses #4494\nGithub: closes OpenVPN/openvpn#1037\n\nSigned-off-by: A U Thor <author@example.org>",
        &[("lib/a.c", "int a = 1;\n")],
    );
    let recs = impact::records(&evidence(&r, &closing));
    let rec = record(&recs, &["reported by", "no Reported-by"]);
    assert!(rec.text.contains("`Closes #4494`"), "{}", rec.text);
    assert!(rec.text.contains("openvpn#1037"), "{}", rec.text);
    let shown = output(&r, rec);
    assert!(
        shown.contains("Closes #4494") && shown.contains("#1037"),
        "{shown}"
    );
}

/// Samba's messages end with an `Autobuild-User(master)` block below the
/// trailers, so git's `%(trailers)` shows none of them: the counts and the
/// sign-off are shown from the message's own lines. And a `.mailmap` that
/// maps the author's address does not hide the author's earlier commits
/// from the command that lists them.
#[test]
fn trailers_above_an_autobuild_block_and_a_mailmapped_author_are_shown() {
    let mut r = released();
    let earlier = r.commit("lib: start a", &[("lib/a.c", "int a = 0;\n")]);
    r.commit(
        "mailmap",
        &[(
            ".mailmap",
            "A U Thor <other@example.org> <author@example.org>\n",
        )],
    );
    let fix = r.commit(
        "lib: fix crash in a\n\n\
         It crashed.\n\n\
         Signed-off-by: A U Thor <author@example.org>\n\
         Reviewed-by: R E Viewer <reviewer@example.org>\n\
         Tested-by: T E Ster <tester@example.org>\n\n\
         Autobuild-User(master): Someone\n\
         Autobuild-Date(master): Mon Jan  1 00:00:00 UTC 2024 on atb-devel-224",
        &[("lib/a.c", "int a = 2;\n")],
    );
    let ev = evidence(&r, &fix);
    let d = stablepick_verdict::decide(&ev);
    let rec = record(
        &d.records,
        &["tested: 1 Tested-by; reviewed: 1 Reviewed-by/Acked-by"],
    );
    let shown = output(&r, rec);
    assert_eq!(shown.lines().count(), 2, "{}\n{shown}", rec.verified_by);
    assert!(shown.contains("Tested-by: T E Ster"), "{shown}");

    let p3: Vec<Record> = ev.records_of(3).cloned().collect();
    let rec = record(
        &p3,
        &[
            "author A U Thor <author@example.org> (this address or this name) touched these files before",
        ],
    );
    assert!(rec.text.contains(&earlier[..12]), "{}", rec.text);
    let shown = output(&r, rec);
    assert!(
        shown.starts_with(&earlier[..7]),
        "{}\n{shown}",
        rec.verified_by
    );
}

/// A new function is named, and the command prints the line that defines
/// it, whatever the case of its return type; a function moved to another
/// file is not new.
#[test]
fn a_new_function_is_named_and_its_definition_shown_but_a_moved_one_is_not_new() {
    let mut r = released();
    r.commit(
        "lib: b",
        &[("lib/b.c", "NTSTATUS smb_open(int x)\n{\n\treturn 0;\n}\n")],
    );
    let added = r.commit(
        "lib: smb_close for callers",
        &[(
            "lib/a.c",
            "int a;\n\nNTSTATUS smb_close(int x)\n{\n\treturn x;\n}\n",
        )],
    );
    let moved = r.commit(
        "lib: move smb_open next to smb_close",
        &[
            ("lib/b.c", ""),
            (
                "lib/a.c",
                "int a;\n\nNTSTATUS smb_close(int x)\n{\n\treturn x;\n}\n\nNTSTATUS smb_open(int x)\n{\n\treturn 0;\n}\n",
            ),
        ],
    );
    let ev = evidence(&r, &added);
    let recs = impact::records(&ev);
    let rec = record(&recs, &["looks like new functionality"]);
    assert!(
        rec.text.ends_with("adds function(s) `smb_close()`"),
        "{}",
        rec.text
    );
    let shown = output(&r, rec);
    assert!(
        shown.contains("+NTSTATUS smb_close(int x)"),
        "{}\n{shown}",
        rec.verified_by
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    // A subject's feature words alone, and with an export line: the
    // command succeeds when what the text says holds.
    for (msg, file, export) in [
        ("lib: add support for b", "int a = 7;\n", false),
        (
            "lib: add support for c",
            "int a = 8;\nEXPORT_SYMBOL(a);\n",
            true,
        ),
    ] {
        let sha = r.commit(msg, &[("lib/a.c", file)]);
        let ev = evidence(&r, &sha);
        let recs = impact::records(&ev);
        let rec = record(&recs, &["looks like new functionality"]);
        assert!(rec.text.contains("support for"), "{}", rec.text);
        assert_eq!(
            rec.text.ends_with("adds an exported symbol"),
            export,
            "{}",
            rec.text
        );
        assert!(
            passes(&r, &rec.verified_by),
            "{}: {}",
            rec.text,
            rec.verified_by
        );
    }

    let ev = evidence(&r, &moved);
    assert!(
        !impact::records(&ev)
            .iter()
            .any(|r| r.text.starts_with("looks like new functionality")),
        "{:#?}",
        impact::records(&ev)
    );
}

/// A fix that names its failure and adds a function for it (an unlock
/// helper for a race) is not called new functionality; the command shows
/// the helper's definition.
#[test]
fn a_helper_added_by_a_fix_that_names_its_failure_is_no_new_functionality() {
    let mut r = released();
    let fix = r.commit(
        "lib: fix race on the lookup table\n\nThe lookup dropped the lock too early.",
        &[(
            "lib/a.c",
            "int a;\n\nvoid unlock_row(int x)\n{\n\treturn;\n}\n",
        )],
    );
    let ev = evidence(&r, &fix);
    let recs = impact::records(&ev);
    assert!(
        !recs
            .iter()
            .any(|r| r.text.starts_with("looks like new functionality")),
        "{recs:#?}"
    );
    let rec = record(&recs, &["adds function(s) `unlock_row()` in a change"]);
    assert!(rec.text.contains("names a failure (race)"), "{}", rec.text);
    assert!(
        output(&r, rec).contains("+void unlock_row(int x)"),
        "{}",
        rec.verified_by
    );
    let d = stablepick_verdict::decide(&ev);
    assert!(
        !d.records
            .iter()
            .any(|r| r.text.contains("new functionality or a clean-up")),
        "{:#?}",
        d.records
    );
}

/// `fix error handling` names the code a change touches, not a failure:
/// no failure mode is claimed, and the grep shows the phrase. An error
/// users see still counts, and so does an assertion hit.
#[test]
fn error_handling_names_code_and_an_assertion_hit_is_a_failure() {
    let mut r = released();
    let handling = r.commit(
        "detect: fix error handling\n\nFree the buffer on the error path.",
        &[("lib/a.c", "int a = 5;\n")],
    );
    let ev = evidence(&r, &handling);
    let recs = impact::records(&ev);
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert!(
        rec.text.contains("`error` only names the code it changes"),
        "{}",
        rec.text
    );
    let shown = output(&r, rec);
    assert!(shown.contains("fix error handling"), "{shown}");
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);

    let seen = r.commit(
        "lib: report an error to the caller\n\nThe error was dropped.",
        &[("lib/a.c", "int a = 6;\n")],
    );
    let recs = impact::records(&evidence(&r, &seen));
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert_eq!(
        rec.text,
        "failure mode named in the message, in general words only: error"
    );

    // A variable, a parameter quoted as code, a type: names of code
    // (systemd 75c64e58d1, DPDK d54e82e1b22d).
    let named = r.commit(
        "udev-rules: pass the right error variable\n\nThe patch also adds `error` parameter to log error types.",
        &[("lib/a.c", "int a = 8;\n")],
    );
    let recs = impact::records(&evidence(&r, &named));
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert!(
        rec.text.contains("`error` only names the code"),
        "{}",
        rec.text
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);

    // Changing the checks is no assertion hit (systemd 33fc8b0d95): the
    // record says what the word names, and its grep shows it.
    let checks = r.commit(
        "core: fix assertions in manager_dispatch_user_lookup_fd()\n\nThe checks are paranoia only.",
        &[("lib/a.c", "int a = 9;\n")],
    );
    let recs = impact::records(&evidence(&r, &checks));
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert!(
        rec.text
            .contains("`assertion` names checks the change edits"),
        "{}",
        rec.text
    );
    assert!(
        output(&r, rec).contains("fix assertions"),
        "{}",
        rec.verified_by
    );

    // An assertion hit aborts the program: a failure, and the grep shows it.
    let hit = r.commit(
        "platform: fix printing tunnel links\n\nWe can hit an assertion at trace level: the buffer is too small.",
        &[("lib/a.c", "int a = 7;\n")],
    );
    let recs = impact::records(&evidence(&r, &hit));
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert_eq!(rec.text, "failure mode named in the message: assertion");
    assert!(
        output(&r, rec).contains("hit an assertion"),
        "{}",
        rec.verified_by
    );
}

/// A failure word in the subsystem prefix, a link or a tracker line names
/// no failure of this commit, and a word that only begins with one
/// (`errormap`, `invalidate`) is no failure word: the grep agrees.
#[test]
fn prefixes_links_and_longer_words_name_no_failure() {
    let mut r = released();
    let samba = r.commit(
        "libcli:security: check the owner sid\n\n\
         BUG: https://bugzilla.samba.org/show_bug.cgi?id=15000\n\n\
         Signed-off-by: A U Thor <author@example.org>",
        &[("lib/a.c", "int a = 1;\n")],
    );
    let longer = r.commit(
        "s3-errormap: invalidate the cached map\n\nSigned-off-by: A U Thor <author@example.org>",
        &[("lib/a.c", "int a = 2;\n")],
    );
    let recs = impact::records(&evidence(&r, &samba));
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert!(
        rec.text.contains(
            "no user-visible failure of its own (bug, security only in the quoted subject of a commit it names or reverts, the subsystem prefix, a link, a tracker line or number, or a word such as race-free)"
        ),
        "{}",
        rec.text
    );
    let recs = impact::records(&evidence(&r, &longer));
    assert_no_failure_named(&r, &recs);
    // A tracker's number (`(bug 32233)`, `[BZ #27821]`) names a report.
    let numbered = r.commit(
        "stdlib: round strtod subnormals (bug 32233)\n\nSee [BZ #27821].",
        &[("lib/a.c", "int a = 3;\n")],
    );
    let recs = impact::records(&evidence(&r, &numbered));
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert!(
        rec.text
            .starts_with("the message names no user-visible failure of its own (bug only in"),
        "{}",
        rec.text
    );
    // `race-free` says there is no race; `use-after-free` is a failure.
    let free = r.commit(
        "kill: add a race-free way to signal\n\nUse pidfds.",
        &[("lib/a.c", "int a = 4;\n")],
    );
    let recs = impact::records(&evidence(&r, &free));
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert!(
        rec.text
            .starts_with("the message names no user-visible failure of its own (race only in"),
        "{}",
        rec.text
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    let uaf = r.commit(
        "lsblk: fix a use-after-free of the device list",
        &[("lib/a.c", "int a = 5;\n")],
    );
    let recs = impact::records(&evidence(&r, &uaf));
    let rec = record(&recs, &["the message names no", "failure mode named"]);
    assert_eq!(
        rec.text,
        "failure mode named in the message: use-after-free"
    );
}

/// A YES because the fixed commit is in the branch says where it stands,
/// and its command shows both the Fixes: line and that the commit is there.
#[test]
fn a_yes_for_a_bug_present_shows_the_fixed_commit_in_the_branch() {
    let mut r = released();
    let base = r.git(&["rev-parse", "v1.0^{commit}"]).trim().to_owned();
    let fix = r.commit(
        &format!("lib: set a before use\n\nFixes: {} (\"base\")", &base[..12]),
        &[("lib/a.c", "int a = 13;\n")],
    );
    let ev = evidence(&r, &fix);
    let d = stablepick_verdict::decide(&ev);
    let b = &d.branches[0];
    assert_eq!(
        b.verdict,
        Some(stablepick_verdict::Verdict::Yes),
        "{}",
        b.reason
    );
    assert_eq!(
        b.reason,
        format!(
            "fixes a bug that is present in this branch (Fixes target {} is in base v1.0)",
            &base[..12]
        )
    );
    shows_ancestry(&r, record(&d.records, &["[1.0] YES"]));
}

/// Suricata's security tickets and Coverity's CIDs are reports, and the
/// command shows each line; the ticket's word names no failure.
#[test]
fn security_tickets_and_coverity_ids_are_reports() {
    let mut r = released();
    let sec = r.commit(
        "detect/alert: check the queue size before growing it\n\nThis led to a heap use-after-free.\n\nSecurity 8190",
        &[("lib/a.c", "int a = 11;\n")],
    );
    let cid = r.commit(
        "af-xdp: add a missing unlock in the error path\n\nCID 1638288: (#1 of 1): Missing unlock (LOCK)",
        &[("lib/a.c", "int a = 12;\n")],
    );
    for (sha, line, failures) in [
        (
            &sec,
            "Security 8190",
            "failure mode named in the message: use-after-free",
        ),
        (
            &cid,
            "CID 1638288: (#1 of 1): Missing unlock (LOCK)",
            "failure mode named in the message, in general words only: error, missing",
        ),
    ] {
        let recs = impact::records(&evidence(&r, sha));
        let rec = record(&recs, &["reported by a user or a tool"]);
        assert!(rec.text.contains(line), "{}", rec.text);
        assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
        assert!(output(&r, rec).contains(line), "{}", rec.verified_by);
        let named = record(&recs, &["failure mode named"]);
        assert_eq!(named.text, failures);
    }
}

/// In the branch the header only declares `helper()`; mainline defines it
/// there and then fixes it. The grep shows the prototype's line, and the
/// text says the function is declared only.
#[test]
fn a_function_only_declared_in_the_branch_says_so_beside_the_prototype() {
    let mut r = Repo::new();
    r.commit(
        "base",
        &[(
            "lib/h.h",
            "#pragma once\n\nint\nhelper(int x,\n       int y);\n",
        )],
    );
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    let inline = |body: &str| {
        format!(
            "#pragma once\n\nstatic inline int\nhelper(int x,\n       int y)\n{{\n\tint z = x + y;\n\t{body}\n}}\n"
        )
    };
    r.commit("lib: inline helper", &[("lib/h.h", &inline("return z;"))]);
    let fix = r.commit(
        "lib: fix helper overflow",
        &[("lib/h.h", &inline("return z & 0xff;"))],
    );
    let ev = evidence(&r, &fix);
    let p6: Vec<Record> = ev.records_of(6).cloned().collect();
    let rec = record(&p6, &["[1.0] function `helper()`"]);
    assert!(
        rec.text.contains("is NOT defined (declared only"),
        "{}",
        rec.text
    );
    assert!(
        output(&r, rec).contains("helper(int x,"),
        "{}",
        rec.verified_by
    );
}

/// Claims that something is missing have commands that succeed when it
/// is: a touched file the branch lacks, the rule that none of the touched
/// files exist, and a tree with no MAINTAINERS or CODEOWNERS file.
#[test]
fn commands_for_missing_things_succeed_when_they_are_missing() {
    let mut r = released();
    r.commit("lib: add n", &[("lib/n.c", "int n;\n")]);
    let fix = r.commit("lib: fix n", &[("lib/n.c", "int n = 1;\n")]);
    let ev = evidence(&r, &fix);
    let mut checked = Vec::new();
    let d = stablepick_verdict::decide(&ev);
    for rec in ev.records.iter().chain(&d.records) {
        if rec.text.contains("does NOT exist")
            || rec.text.contains("none of the touched files exist")
            || rec.text.starts_with("no MAINTAINERS or CODEOWNERS file")
        {
            assert!(
                passes(&r, &rec.verified_by),
                "{}\n{}",
                rec.text,
                rec.verified_by
            );
            checked.push(rec.text.clone());
        }
    }
    assert_eq!(checked.len(), 3, "{checked:#?}");
}

/// Phase 7 where a project names owners otherwise: a MAINTAINERS file that
/// lists people but no files, and a CODEOWNERS file whose last matching
/// line owns each touched file. Each command shows what the text says.
#[test]
fn owners_from_codeowners_and_a_maintainers_file_without_patterns() {
    let mut r = released();
    r.commit(
        "add owners",
        &[
            (
                "MAINTAINERS",
                "Alice <alice@example.org>\nBob <bob@example.org>\n",
            ),
            (
                ".github/CODEOWNERS",
                "# owners\n* @org/core\n/lib/ @alice\n*.md\n",
            ),
            ("lib/n.c", "int n;\n"),
            ("README.md", "x\n"),
            ("tools/t.c", "int t;\n"),
        ],
    );
    let fix = r.commit(
        "lib: fix n",
        &[
            ("lib/n.c", "int n = 1;\n"),
            ("lib/m.c", "int m;\n"),
            ("README.md", "y\n"),
            ("tools/t.c", "int t = 1;\n"),
        ],
    );
    let ev = evidence(&r, &fix);
    let p7: Vec<&Record> = ev.records.iter().filter(|x| x.phase == 7).collect();
    let texts: Vec<&str> = p7.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "`tools/t.c`: owned by @org/core (.github/CODEOWNERS line 2: `*`, the last line that matches)",
            "`lib/m.c`, `lib/n.c`: owned by @alice (.github/CODEOWNERS line 3: `/lib/`, the last line that matches)",
            "`README.md`: .github/CODEOWNERS line 4 (`*.md`) leaves them without an owner",
            "MAINTAINERS names no files (no `F:` or `N:` lines, not the kernel's format): it covers none of the touched files",
        ]
    );
    assert_eq!(output(&r, p7[0]).trim(), "* @org/core");
    assert_eq!(output(&r, p7[1]).trim(), "/lib/ @alice");
    assert_eq!(output(&r, p7[2]).trim(), "*.md");
    assert!(passes(&r, &p7[3].verified_by), "{}", p7[3].verified_by);
}

/// Trackers other projects name: Suricata's `Ticket: #7689`, a `Bug: #4734`
/// line (whose key is no failure word), a GitHub security advisory behind
/// util-linux's `Addresses:`, a Jira link. Each is a report on record,
/// shown by the record's grep, and Phase 1 lists the tracker trailers.
#[test]
fn tickets_bug_lines_advisories_and_jira_links_are_reports() {
    let mut r = released();
    let cases = [
        ("lib: fix a leak in a\n\nTicket: #7689", "Ticket: #7689"),
        ("lib: fix a leak in b\n\nBug: #4734", "Bug: #4734"),
        (
            "lib: check the target\n\nAddresses: https://github.com/o/p/security/advisories/GHSA-abcd-1234-wxyz",
            "GHSA-abcd-1234-wxyz",
        ),
        (
            "lib: do not block\n\nResolves: https://issues.redhat.com/browse/RHEL-12345",
            "RHEL-12345",
        ),
    ];
    for (i, (msg, shown)) in cases.iter().enumerate() {
        let sha = r.commit(msg, &[("lib/a.c", &format!("int a = {i};\n"))]);
        let ev = evidence(&r, &sha);
        let recs = impact::records(&ev);
        let rec = record(&recs, &["reported by a user or a tool", "no Reported-by"]);
        assert!(
            rec.text.starts_with("reported by a user or a tool"),
            "{msg}: {}",
            rec.text
        );
        assert!(
            output(&r, rec).contains(shown),
            "{msg}: {}",
            output(&r, rec)
        );
        let fail = record(&recs, &["failure mode named", "the message names no"]);
        assert!(!fail.text.contains("bug"), "{msg}: {}", fail.text);
    }
    let sha = r.commit(
        "lib: fix a leak in c\n\nTicket: #7690\nSigned-off-by: A <a@example.org>",
        &[("lib/a.c", "int a = 9;\n")],
    );
    let ev = evidence(&r, &sha);
    let trailers = record(&ev.records, &["trailers parsed from the message"]);
    assert!(
        trailers.text.contains("`Ticket: #7690`"),
        "{}",
        trailers.text
    );
    assert!(output(&r, trailers).contains("Ticket: #7690"));
}

/// No `Fixes:`, but the text names the commit it repairs: the synthesis
/// says so rather than only "no Fixes:".
#[test]
fn a_commit_named_in_the_text_is_mentioned_where_fixes_is_missing() {
    let mut r = released();
    let cache = r.commit("lib: add a cache", &[("lib/a.c", "int a = 1;\n")]);
    // The project writes `Fixes:`, so its absence is a missing tag.
    r.commit(
        &format!("lib: tidy the cache\n\nFixes: {}", &cache[..12]),
        &[("lib/b.c", "int b = 1;\n")],
    );
    let fix = r.commit(
        &format!(
            "lib: fix a crash in the cache\n\nThe cache crashes since commit {}.",
            &cache[..12]
        ),
        &[("lib/a.c", "int a = 2;\n")],
    );
    let ev = evidence(&r, &fix);
    let d = stablepick_verdict::decide(&ev);
    let s = stablepick_verdict::synthesis::synthesize(&ev, &d);
    assert!(
        s.evidence_against.iter().any(|p| p
            .text
            .contains("its text names a commit instead, see Phase 6")),
        "{s:#?}"
    );
}

/// One person writing under two addresses: the earlier commit made under
/// the other address is the author's, and the command finds it; another
/// person's commit to the same file is not.
#[test]
fn an_author_under_another_address_touched_the_files_before() {
    let mut r = released();
    let by = |r: &mut Repo, msg: &str, text: &str, author: &str| {
        r.commit(msg, &[("lib/a.c", text)]);
        r.git(&["commit", "-q", "--amend", "--no-edit", "--author", author]);
        r.git(&["rev-parse", "HEAD"])
    };
    let other = by(
        &mut r,
        "lib: by someone else",
        "int a = 1;\n",
        "O. Ther <o@example.org>",
    );
    let mine = by(
        &mut r,
        "lib: start a",
        "int a = 2;\n",
        "A U Thor <thor@work.example>",
    );
    let fix = r.commit("lib: fix a", &[("lib/a.c", "int a = 3;\n")]);
    let ev = evidence(&r, &fix);
    let p3: Vec<Record> = ev.records_of(3).cloned().collect();
    let rec = record(
        &p3,
        &[
            "author A U Thor <author@example.org> (this address or this name) touched these files before",
        ],
    );
    assert!(rec.text.contains(&mine[..12]), "{}", rec.text);
    assert!(!rec.text.contains(&other[..12]), "{}", rec.text);
    let shown = output(&r, rec);
    assert!(
        shown.starts_with(&mine[..7]),
        "{}\n{shown}",
        rec.verified_by
    );
    assert!(!shown.contains(&other[..7]), "{}\n{shown}", rec.verified_by);
}

/// An empty `Fixes:` line is no tag: the records say there is none, and
/// each command, run in the repository, agrees.
#[test]
fn an_empty_fixes_line_is_no_tag_and_every_command_agrees() {
    let mut r = released();
    let c = r.commit(
        "gir: fix closure annotations\n\nThis is a new warning.\nFixes:\n\n../a.c:12: Warning: invalid closure annotation",
        &[("lib/a.c", "int a = 9;\n")],
    );
    let ev = evidence(&r, &c);
    let d = stablepick_verdict::decide(&ev);
    let recs: Vec<&Record> = ev.records.iter().chain(&d.records).collect();
    assert!(
        recs.iter()
            .any(|r| r.text.starts_with("no `Fixes:` tag in this commit")),
        "{recs:#?}"
    );
    for rec in recs {
        assert!(
            passes(&r, &rec.verified_by),
            "{}\n{}",
            rec.text,
            rec.verified_by
        );
    }
}

/// The stable rules' note on an added function shows its definition,
/// whatever the case of its return type.
#[test]
fn the_rules_note_on_an_added_function_shows_its_definition() {
    let mut r = released();
    let c = r.commit(
        "lib: compute the update flag",
        &[(
            "lib/a.c",
            "int a;\n\nBOOL update_flag(int x)\n{\n\treturn x != 0;\n}\n",
        )],
    );
    let d = stablepick_verdict::decide(&evidence(&r, &c));
    let rec = record(&d.records, &["adds a new function or exported symbol"]);
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    assert!(
        output(&r, rec).contains("+BOOL update_flag(int x)"),
        "{}",
        rec.verified_by
    );
}

/// A static analyser or a sanitizer that found the bug is a report on
/// record, and the grep shows its line; a build fix that only names a
/// sanitizer build is not.
#[test]
fn reports_by_analysers_and_sanitizers_are_on_record() {
    let mut r = released();
    for (i, (msg, line)) in [
        (
            "bgpd: fix dead code\n\nCoverity rightly points out that the pointer is never NULL.",
            "Coverity rightly points out",
        ),
        (
            "lib: fix use after free\n\n==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020\n    #10 0x55c756c6e384 in _start",
            "AddressSanitizer: heap-use-after-free",
        ),
        (
            "lib: fix null member access\n\nlib/yang.c:12:5: runtime error: member access within null pointer",
            "runtime error: member access",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let c = r.commit(msg, &[("lib/a.c", &format!("int a = {};\n", 20 + i))]);
        let recs = impact::records(&evidence(&r, &c));
        let rec = record(&recs, &["reported by a user or a tool", "no Reported-by"]);
        assert!(
            rec.text.starts_with("reported by a user or a tool") && rec.text.contains(line),
            "{}",
            rec.text
        );
        assert!(output(&r, rec).contains(line), "{}", rec.verified_by);
    }
    let build = r.commit(
        "build: fix the sanitizer build\n\nThe flags were wrong.",
        &[("lib/a.c", "int a = 30;\n")],
    );
    let recs = impact::records(&evidence(&r, &build));
    let rec = record(&recs, &["reported by a user or a tool", "no Reported-by"]);
    assert!(rec.text.starts_with("no Reported-by"), "{}", rec.text);
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
}

/// A function a macro defines (`DEFPY(cmd_one, …) { … }`, FRR's command
/// handlers) is named by the macro's argument, and Phase 6 finds it on the
/// branch, or not, as its grep does.
#[test]
fn functions_a_macro_defines_are_named_and_looked_up_by_their_own_name() {
    let mut r = Repo::new();
    // FRR writes both `DEFUN (` and `DEFPY(`.
    let one = "DEFUN (cmd_one, cmd_one_cmd, \"one\", \"help\")\n{\n\treturn 0;\n}\n";
    r.commit("base", &[("lib/cmd.c", one)]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    let fix = r.commit(
        "lib: fix cmd_one",
        &[("lib/cmd.c", &one.replace("return 0;", "return 1;"))],
    );
    let two =
        format!("{one}\nDEFPY(cmd_two, cmd_two_cmd, \"two\", \"help\")\n{{\n\treturn 2;\n}}\n");
    r.commit("lib: add cmd_two", &[("lib/cmd.c", &two)]);
    let fix_two = r.commit(
        "lib: fix cmd_two",
        &[("lib/cmd.c", &two.replace("return 2;", "return 3;"))],
    );
    for (sha, func, defined) in [(&fix, "cmd_one", true), (&fix_two, "cmd_two", false)] {
        let ev = evidence(&r, sha);
        let p2 = record(&ev.records, &["changed lines lie in function(s)"]);
        assert!(p2.text.contains(&format!("{func}()")), "{}", p2.text);
        let text = format!(
            "[1.0] function `{func}()` {} in `lib/cmd.c` at the branch tip",
            if defined {
                "is defined"
            } else {
                "is NOT defined"
            }
        );
        let rec = record(&ev.records, &[&text]);
        assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
        assert_eq!(
            output(&r, rec).contains(&format!("({func},")),
            defined,
            "{}",
            rec.verified_by
        );
    }
}

/// A commit the branch has, whose later fix it lacks: Phase 6 says so with
/// a command that shows the fix is missing, and the synthesis leaves it
/// open rather than "nothing to do".
#[test]
fn a_later_fix_the_branch_lacks_is_work_still_to_do() {
    let mut r = released();
    let first = r.commit("lib: fix a", &[("lib/a.c", "int a = 1;\n")]);
    let later = r.commit(
        &format!(
            "lib: fix the fix of a\n\nFixes: {} (\"lib: fix a\")",
            &first[..12]
        ),
        &[("lib/a.c", "int a = 2;\n")],
    );
    r.git(&["checkout", "-q", "1.0"]);
    r.backport(&first, &[("lib/a.c", "int a = 1;\n")]);
    r.git(&["checkout", "-q", "main"]);
    let ev = evidence(&r, &first);
    let rec = record(
        &ev.records,
        &["[1.0] the branch has this commit but not its later fix"],
    );
    assert!(rec.text.contains(&later[..12]), "{}", rec.text);
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    let s = stablepick_verdict::synthesis::synthesize(&ev, &stablepick_verdict::decide(&ev));
    assert!(
        s.unresolved.iter().any(|p| p.text.contains(&later[..12])),
        "{:#?}",
        s.unresolved
    );
    assert!(
        s.evidence_against
            .iter()
            .any(|p| p.text.ends_with("nothing to do for this commit")),
        "{:#?}",
        s.evidence_against
    );
}

/// A function the commit adds is missing from the branch, as from its
/// parent: Phase 6 says the commit adds it, and the synthesis does not hold
/// it against the backport.
#[test]
fn a_function_the_commit_adds_is_not_held_against_it() {
    let mut r = released();
    let c = r.commit(
        "lib: fix a leak with a helper",
        &[(
            "lib/a.c",
            "int a;\n\nstatic void free_row(int x)\n{\n\treturn;\n}\n",
        )],
    );
    let ev = evidence(&r, &c);
    let rec = record(
        &ev.records,
        &["[1.0] function `free_row()` is NOT defined (this commit adds it) in `lib/a.c`"],
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    let s = stablepick_verdict::synthesis::synthesize(&ev, &stablepick_verdict::decide(&ev));
    assert!(
        !s.evidence_against
            .iter()
            .any(|p| p.text.contains("not defined at the branch tip")),
        "{:#?}",
        s.evidence_against
    );
}

/// A Go method the commit adds to a file is not held against it either,
/// although no header line reads as C's: the file's old version has no
/// method of that name.
#[test]
fn a_go_method_the_commit_adds_is_not_held_against_it() {
    let mut r = Repo::new();
    r.commit(
        "base",
        &[(
            "cio/io.go",
            "package cio\n\nfunc LogURI() string {\n\treturn \"\"\n}\n",
        )],
    );
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    let c = r.commit(
        "cio: add a terminal log URI\n\nThe restart monitor fails for TTY containers.",
        &[(
            "cio/io.go",
            "package cio\n\nfunc LogURI() string {\n\treturn \"\"\n}\n\ntype Registry struct{}\n\nfunc (r *Registry) TerminalLogURI() string {\n\treturn \"tty\"\n}\n",
        )],
    );
    let ev = evidence(&r, &c);
    let rec = record(
        &ev.records,
        &[
            "[1.0] function `Registry.TerminalLogURI()` is NOT defined (this commit adds it) in `cio/io.go`",
        ],
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    let s = stablepick_verdict::synthesis::synthesize(&ev, &stablepick_verdict::decide(&ev));
    assert!(
        !s.evidence_against
            .iter()
            .any(|p| p.text.contains("not defined at the branch tip")),
        "{:#?}",
        s.evidence_against
    );
    // Every file the branch has, and no function it lacks: said so.
    let summary = record(&ev.records, &["[1.0] every touched file"]);
    assert!(passes(&r, &summary.verified_by), "{}", summary.verified_by);
}

/// A commit over many files (a vendored dependency) gets one record for
/// what the branch has, and one per file it lacks; each command agrees.
#[test]
fn many_present_files_are_summed_up_and_missing_ones_named() {
    let mut r = Repo::new();
    let files: Vec<(String, String)> = (0..60)
        .map(|i| (format!("vendor/dep/f{i}.txt"), format!("line {i}\n")))
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    r.commit("base", &borrowed);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    // Main gains a file the branch never gets, then a bump changes all.
    r.commit("vendor: add g", &[("vendor/dep/g.txt", "g\n")]);
    let bumped: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| (p.clone(), format!("{t}more\n")))
        .chain([("vendor/dep/g.txt".to_string(), "g2\n".to_string())])
        .collect();
    let borrowed: Vec<(&str, &str)> = bumped
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let c = r.commit("vendor: bump dep", &borrowed);
    let ev = evidence(&r, &c);
    assert!(
        !ev.records
            .iter()
            .any(|x| x.text.starts_with("[1.0] `vendor/dep/f1.txt` exists")),
        "each present file has a record of its own"
    );
    let missing = record(&ev.records, &["[1.0] `vendor/dep/g.txt` does NOT exist"]);
    assert!(passes(&r, &missing.verified_by), "{}", missing.verified_by);
    let summary = record(&ev.records, &["[1.0] 60 of the 61 touched files"]);
    assert!(passes(&r, &summary.verified_by), "{}", summary.verified_by);
}

/// A message that shows the crash reproduced (the command and what it
/// printed) counts as tested: the rules say YES, and the command shows
/// the failure word and the reproducer.
#[test]
fn a_reproducer_in_the_message_counts_as_tested() {
    let mut r = released();
    let c = r.commit(
        "logger: fix a crash on a long tag\n\n $ logger -t $(printf 'x%.0s' {1..5000}) hi\n Segmentation fault (core dumped)\n",
        &[("lib/a.c", "int a = 21;\n")],
    );
    let ev = evidence(&r, &c);
    let d = stablepick_verdict::decide(&ev);
    let b = &d.branches[0];
    assert_eq!(
        b.verdict,
        Some(stablepick_verdict::Verdict::Yes),
        "{}",
        b.reason
    );
    assert!(
        b.reason
            .starts_with("fixes a real failure (\"crash\"), tested or reproduced in the message"),
        "{}",
        b.reason
    );
    let rec = record(&d.records, &["[1.0] YES"]);
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    assert!(output(&r, rec).contains("$ logger"), "{}", rec.verified_by);
}

/// A failure that needs an allocation to fail first is named in Phase 8
/// and left to the maintainer's judgement in the synthesis.
#[test]
fn a_failure_only_on_allocation_failure_is_an_open_question() {
    let mut r = released();
    let c = r.commit(
        "detect/port: fix use-after-free in case of alloc failure",
        &[("lib/a.c", "int a = 31;\n")],
    );
    let ev = evidence(&r, &c);
    let recs = impact::records(&ev);
    let rec = record(
        &recs,
        &["the failure happens only when an allocation fails first"],
    );
    assert_eq!(
        rec.text,
        "the failure happens only when an allocation fails first: the message says \"alloc failure\""
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    let s = stablepick_verdict::synthesis::synthesize(&ev, &stablepick_verdict::decide(&ev));
    assert!(
        s.unresolved.iter().any(|p| p
            .text
            .starts_with("the failure happens only when an allocation fails first")),
        "{s:#?}"
    );
    let plain = r.commit(
        "lib: fix a crash on reload",
        &[("lib/a.c", "int a = 32;\n")],
    );
    let recs = impact::records(&evidence(&r, &plain));
    assert!(
        !recs.iter().any(|x| x.text.contains("allocation fails")),
        "{recs:#?}"
    );
}

/// A NO no rule argued against says which condition the commit missed:
/// here the crash nobody reported, not the size or the files it meets.
#[test]
fn a_rules_no_names_the_condition_the_commit_missed() {
    let mut r = released();
    let c = r.commit(
        "lib: fix a crash on empty input",
        &[("lib/a.c", "int a = 0;\n")],
    );
    let ev = evidence(&r, &c);
    let d = stablepick_verdict::decide(&ev);
    let reason = &d.branches[0].reason;
    assert!(
        reason.starts_with("no rule argues for a backport: "),
        "{reason}"
    );
    assert!(
        reason.contains(
            "the message names a severe failure (\"crash\"), but nobody reported, tested or reproduced it"
        ),
        "{reason}"
    );
    assert!(!reason.contains("100"), "{reason}");
    // Reported now: the size is what it misses.
    let big: String = (0..120).map(|i| format!("int v{i};\n")).collect();
    let c = r.commit(
        "lib: fix a crash on empty input\n\nReported-by: U Ser <u@example.org>",
        &[("lib/a.c", big.as_str())],
    );
    let ev = evidence(&r, &c);
    let reason = stablepick_verdict::decide(&ev).branches[0].reason.clone();
    assert!(
        reason.contains("but the change has 121 changed lines (more than 100)"),
        "{reason}"
    );
}

/// A revert of a commit the branch never had undoes nothing there: Phase 6
/// says where the reverted commit is, and a hard rule says NO; a branch
/// that took the commit still has something to revert.
#[test]
fn a_revert_of_a_commit_the_branch_lacks_has_nothing_to_revert() {
    let mut r = released();
    r.git(&["branch", "1.1"]);
    let x = r.commit("lib: speed a up", &[("lib/a.c", "int a = 2;\n")]);
    r.git(&["checkout", "-q", "1.1"]);
    r.backport(&x, &[("lib/a.c", "int a = 2;\n")]);
    r.git(&["checkout", "-q", "main"]);
    let rev = r.commit(
        &format!("Revert \"lib: speed a up\"\n\nThis reverts commit {x}.\n\nIt crashes."),
        &[("lib/a.c", "int a;\n")],
    );
    let (git, index) = common::open_index_with(&r, &["1.0=v1.0", "1.1=v1.0"]);
    let oid = git.resolve_commit(&rev).unwrap();
    let ev = collect(&Context::new(&git, &index), oid).unwrap();
    let lacks = record(&ev.records, &["[1.0] the commit it reverts"]);
    assert!(
        lacks.text.ends_with(": nothing to revert"),
        "{}",
        lacks.text
    );
    assert!(passes(&r, &lacks.verified_by), "{}", lacks.verified_by);
    let has = record(&ev.records, &["[1.1] the commit it reverts"]);
    assert!(
        has.text.contains("was backported to the branch as"),
        "{}",
        has.text
    );
    assert!(passes(&r, &has.verified_by), "{}", has.verified_by);
    let d = stablepick_verdict::decide(&ev);
    let on = |b: &str| d.branches.iter().find(|x| x.branch == b).unwrap();
    assert_eq!(
        on("1.0").reason,
        "it reverts a commit this branch does not have: nothing to revert"
    );
    assert!(
        !on("1.1").reason.contains("nothing to revert"),
        "{}",
        on("1.1").reason
    );
}

/// Mainline moved `remotes/` under `core/` after the branch forked: a fix
/// of `core/remotes/r.go` finds the branch's `remotes/r.go`, says so with
/// a command that shows it, and the rules do not call every file missing.
#[test]
fn a_file_mainline_moved_is_found_under_its_old_path() {
    let mut r = Repo::new();
    r.commit(
        "base",
        &[("remotes/docker/r.go", "package docker\n\nvar host string\n")],
    );
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    r.commit("core: start", &[("core/README", "core\n")]);
    r.git(&["mv", "remotes", "core/remotes"]);
    r.git(&["commit", "-q", "-m", "move remotes under core"]);
    let c = r.commit(
        "remotes: guard the fallback host\n\nA data race.",
        &[(
            "core/remotes/docker/r.go",
            "package docker\n\nvar host string // guarded\n",
        )],
    );
    let ev = evidence(&r, &c);
    let moved = record(
        &ev.records,
        &["[1.0] `remotes/docker/r.go` exists at the branch tip"],
    );
    assert!(passes(&r, &moved.verified_by), "{}", moved.verified_by);
    let d = stablepick_verdict::decide(&ev);
    assert!(
        !d.branches[0]
            .reason
            .contains("none of the touched files exist"),
        "{}",
        d.branches[0].reason
    );
    let s = stablepick_verdict::synthesis::synthesize(&ev, &d);
    assert!(
        s.unresolved
            .iter()
            .any(|p| p.text.contains("(the file moved on mainline)")),
        "{:#?}",
        s.unresolved
    );
    // `git cherry-pick` follows the rename: the three-way merge is clean,
    // and git's own merge says so.
    let merge = record(
        &ev.records,
        &["[1.0] a three-way merge, as `git cherry-pick` does,"],
    );
    assert!(merge.text.contains("takes it cleanly"), "{}", merge.text);
    assert!(passes(&r, &merge.verified_by), "{}", merge.verified_by);
    assert!(
        s.unresolved.iter().any(|p| p
            .text
            .contains("but a three-way merge (`git cherry-pick`) takes it cleanly")),
        "{:#?}",
        s.unresolved
    );
}

/// Where the branch changed the very line the fix changes, the three-way
/// merge conflicts too: the record names the file, and git's merge agrees.
#[test]
fn a_three_way_merge_that_conflicts_names_the_file() {
    let mut r = released();
    r.git(&["checkout", "-q", "1.0"]);
    r.commit("lib: branch-only tweak", &[("lib/a.c", "int a = 9;\n")]);
    r.git(&["checkout", "-q", "main"]);
    let c = r.commit("lib: fix a", &[("lib/a.c", "int a = 1;\n")]);
    let ev = evidence(&r, &c);
    let merge = record(
        &ev.records,
        &["[1.0] a three-way merge, as `git cherry-pick` does,"],
    );
    assert!(
        merge
            .text
            .ends_with("conflicts at the branch tip (1.0) in `lib/a.c`"),
        "{}",
        merge.text
    );
    assert!(passes(&r, &merge.verified_by), "{}", merge.verified_by);
    assert!(
        output(&r, merge).contains("lib/a.c"),
        "{}",
        merge.verified_by
    );
}

/// A backport adapted by hand, with no backport line: the branch commit
/// has the fix's subject and changes the same file, so the fix is already
/// there; the command shows both subjects and the shared file. A short
/// subject (`lib: fix a`) is too common to tell.
#[test]
fn an_adapted_backport_with_the_same_subject_is_already_backported() {
    let mut r = released();
    r.git(&["checkout", "-q", "1.0"]);
    r.commit(
        "pimd: fix a crash in auto-rp",
        &[("lib/a.c", "int a; /* adapted */\n")],
    );
    r.commit("lib: fix a", &[("lib/a.c", "int a; /* again */\n")]);
    r.git(&["checkout", "-q", "main"]);
    let fix = r.commit(
        "pimd: fix a crash in auto-rp",
        &[("lib/a.c", "int a = 1;\n")],
    );
    let ev = evidence(&r, &fix);
    let rec = record(&ev.records, &["[1.0] already backported as"]);
    assert!(
        rec.text
            .ends_with("the same subject and some of the same files"),
        "{}",
        rec.text
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    assert!(output(&r, rec).contains("lib/a.c"), "{}", rec.verified_by);
    let d = stablepick_verdict::decide(&ev);
    assert!(
        d.branches[0].reason.starts_with("already backported as"),
        "{}",
        d.branches[0].reason
    );
    let short = r.commit("lib: fix a", &[("lib/a.c", "int a = 2;\n")]);
    let ev = evidence(&r, &short);
    assert!(
        !ev.records
            .iter()
            .any(|x| x.text.starts_with("[1.0] already backported")),
        "{:#?}",
        ev.records
    );
}

/// A backport whose backport line names a commit the repository lacks (a
/// sha from before a rebase) is matched by its patch: Phase 6, the rule
/// and the JSON say what its line names, not "no backport line", and the
/// command prints that line.
#[test]
fn a_backport_line_naming_a_missing_commit_is_said_so() {
    let mut r = released();
    let gone = "d27c2f2a47dc5ad5312fd711b0295a94237e0360";
    r.git(&["checkout", "-q", "1.0"]);
    r.commit(
        &format!("lib: return in the timeout case\n\n(cherry picked from commit {gone})"),
        &[("lib/a.c", "int a = 9;\n")],
    );
    r.git(&["checkout", "-q", "main"]);
    let fix = r.commit(
        "lib: return in the timeout case",
        &[("lib/a.c", "int a = 9;\n")],
    );
    let ev = evidence(&r, &fix);
    let rec = record(&ev.records, &["[1.0] already backported as"]);
    assert!(
        rec.text.contains(&format!(
            "its backport line names {}, which is not in the repository, but the same patch-id",
            &gone[..12]
        )),
        "{}",
        rec.text
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    assert!(output(&r, rec).contains(gone), "{}", rec.verified_by);
    assert_eq!(ev.branches[0].backport_line_names.as_deref(), Some(gone));
    let d = stablepick_verdict::decide(&ev);
    assert!(
        d.branches[0]
            .reason
            .contains("its backport line names d27c2f2a47dc, not this commit; the same patch-id"),
        "{}",
        d.branches[0].reason
    );
}

/// The point release that shipped a backport is named, and its command
/// prints that tag: the oldest on the branch that holds the backport, not
/// the one before it nor a later one.
#[test]
fn the_release_that_shipped_a_backport_is_named() {
    let mut r = released();
    let fix = r.commit("lib: fix a leak on reload", &[("lib/a.c", "int a = 3;\n")]);
    r.git(&["checkout", "-q", "1.0"]);
    r.commit("lib: other fix", &[("lib/b.c", "int b;\n")]);
    r.git(&["tag", "-a", "-m", "v1.0.1", "v1.0.1"]);
    let bp = r.backport(&fix, &[("lib/a.c", "int a = 3;\n")]);
    r.clock += 60;
    r.git(&["tag", "-a", "-m", "v1.0.2", "v1.0.2"]);
    r.commit("lib: later fix", &[("lib/c.c", "int c;\n")]);
    r.clock += 60;
    r.git(&["tag", "-a", "-m", "v1.0.3", "v1.0.3"]);
    r.git(&["checkout", "-q", "main"]);
    let ev = evidence(&r, &fix);
    let rec = record(&ev.records, &["[1.0] its backport"]);
    assert_eq!(
        rec.text,
        format!(
            "[1.0] its backport {} shipped in v1.0.2, the oldest tag on the branch that contains it",
            &bp[..12]
        )
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    assert_eq!(output(&r, rec).trim(), "v1.0.2", "{}", rec.verified_by);
}

/// A series (one author's commits committed together, no merge): the fix
/// names the helper committed just before it, which the branch lacks.
#[test]
fn the_other_commits_of_a_series_are_named_per_branch() {
    let mut r = released();
    let helper = r.commit("lib: add a helper for resets", &[("lib/b.c", "int b;\n")]);
    r.clock -= common::DAY - 60;
    let fix = r.commit(
        "lib: reset a with the helper",
        &[("lib/a.c", "int a = 4;\n")],
    );
    let ev = evidence(&r, &fix);
    let rec = record(&ev.records, &["[1.0] the other commit(s) of its series"]);
    assert!(
        rec.text.ends_with(&format!(
            "{} (\"lib: add a helper for resets\") is not in v1.0 and not backported",
            &helper[..12]
        )),
        "{}",
        rec.text
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
}

/// One author's commits committed together but unrelated (another
/// subsystem's prefix, other files), as a maintainer's rebased batch is:
/// no series is named.
#[test]
fn an_unrelated_commit_of_the_same_batch_is_no_series() {
    let mut r = released();
    r.commit(
        "affinity: address a coverity warning",
        &[("lib/b.c", "int b = 2;\n")],
    );
    r.clock -= common::DAY - 60;
    let fix = r.commit(
        "af-xdp: add a missing unlock",
        &[("lib/a.c", "int a = 4;\n")],
    );
    let ev = evidence(&r, &fix);
    assert!(
        !ev.records
            .iter()
            .any(|x| x.text.contains("the other commit(s) of its series")),
        "{:#?}",
        ev.records
    );
}

/// A commit of the series that the branch took without a backport line
/// (the same subject and patch-id) is on the branch, not missing.
#[test]
fn a_series_commit_taken_without_a_line_is_on_the_branch() {
    let mut r = released();
    let helper = r.commit("lib: free the cpuset once", &[("lib/b.c", "int b = 1;\n")]);
    r.clock -= common::DAY - 60;
    let fix = r.commit(
        "lib: fix a use-after-free of the list",
        &[("lib/a.c", "int a = 4;\n")],
    );
    r.git(&["checkout", "-q", "1.0"]);
    let taken = r.commit("lib: free the cpuset once", &[("lib/b.c", "int b = 1;\n")]);
    r.git(&["checkout", "-q", "main"]);
    let ev = evidence(&r, &fix);
    let rec = record(&ev.records, &["[1.0] the other commit(s) of its series"]);
    assert!(
        rec.text.ends_with(&format!(
            "{} (\"lib: free the cpuset once\") is on the branch as {} (no backport line, the same patch-id)",
            &helper[..12],
            &taken[..12]
        )),
        "{}",
        rec.text
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    assert_eq!(ev.branches[0].pull_siblings_missing, 0);
}

/// Without a `Fixes:` tag, a patch that applies cleanly shows the code it
/// fixes is in the branch: that is said for the branch, and bug presence is
/// left open only for a branch where the patch does not apply.
#[test]
fn a_clean_apply_shows_the_fixed_code_is_there() {
    let mut r = released();
    r.git(&["checkout", "-q", "-b", "0.9", "v1.0"]);
    r.commit("lib: rework a", &[("lib/a.c", "long a;\n")]);
    r.git(&["checkout", "-q", "main"]);
    let fix = r.commit("lib: fix a crash on reload", &[("lib/a.c", "int a = 1;\n")]);
    let (git, index) = stablepick_testkit::open_index(r.path(), &["1.0=v1.0", "0.9=v1.0"]);
    let oid = git.resolve_commit(&fix).unwrap();
    let ev = stablepick_evidence::collect(&stablepick_evidence::Context::new(&git, &index), oid)
        .unwrap();
    let s = stablepick_verdict::synthesis::synthesize(&ev, &stablepick_verdict::decide(&ev));
    let pro = s
        .evidence_for
        .iter()
        .find(|p| p.text.contains("so the code it fixes is there"))
        .unwrap_or_else(|| panic!("{s:#?}"));
    assert_eq!(pro.branch.as_deref(), Some("1.0"), "{pro:#?}");
    assert!(passes(&r, &pro.verified_by), "{}", pro.verified_by);
    let open: Vec<&str> = s.unresolved.iter().map(|p| p.text.as_str()).collect();
    assert!(
        open.contains(
            &"no Fixes: tag names the commit that introduced the bug, so whether 0.9 has the bug was not established"
        ),
        "{open:#?}"
    );
}

/// A test that came in one pull request with its fix: at a branch that
/// has neither, Phase 6 names the fix as not there, the command agrees,
/// and the synthesis leaves it as a question; at a branch that took the
/// fix it is named as backported.
#[test]
fn the_other_commits_of_a_pull_request_are_named_per_branch() {
    let mut r = released();
    r.git(&["branch", "1.1"]);
    r.git(&["checkout", "-q", "-b", "topic"]);
    let fix = r.commit(
        "lib: fix restarting paused tasks",
        &[("lib/a.c", "int a = 5;\n")],
    );
    let test = r.commit("tests: restart a paused task", &[("tests/t.c", "int t;\n")]);
    r.git(&["checkout", "-q", "main"]);
    r.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #7 from x/topic",
        "topic",
    ]);
    r.git(&["checkout", "-q", "1.1"]);
    r.backport(&fix, &[("lib/a.c", "int a = 5;\n")]);
    r.git(&["checkout", "-q", "main"]);
    let (git, index) = common::open_index_with(&r, &["1.0=v1.0", "1.1=v1.0"]);
    let oid = git.resolve_commit(&test).unwrap();
    let ev = collect(&Context::new(&git, &index), oid).unwrap();
    let lacks = record(&ev.records, &["[1.0] the other commit(s) merge"]);
    assert!(
        lacks.text.ends_with(&format!(
            "{} (\"lib: fix restarting paused tasks\") is not in v1.0 and not backported",
            &fix[..12]
        )),
        "{}",
        lacks.text
    );
    assert!(passes(&r, &lacks.verified_by), "{}", lacks.verified_by);
    let has = record(&ev.records, &["[1.1] the other commit(s) merge"]);
    assert!(
        has.text.contains("was backported to the branch as"),
        "{}",
        has.text
    );
    assert!(passes(&r, &has.verified_by), "{}", has.verified_by);
    let s = stablepick_verdict::synthesis::synthesize(&ev, &stablepick_verdict::decide(&ev));
    let open: Vec<&str> = s
        .unresolved
        .iter()
        .filter(|p| {
            p.text
                .contains("of its pull request are not in this branch")
        })
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(open.len(), 1, "{open:#?}");
    assert!(open[0].starts_with("[1.0] "), "{}", open[0]);
}

/// "upstream: the commit is on mainline" names the mainline branch: a clone
/// with a stable branch checked out (a mirror whose HEAD names one) has the
/// commit on `main` but not in HEAD.
#[test]
fn the_mainline_record_checks_the_mainline_branch_not_head() {
    let mut r = released();
    let fix = r.commit(
        "lib: fix a\n\nSigned-off-by: A U Thor <author@example.org>",
        &[("lib/a.c", "int a = 2;\n")],
    );
    r.git(&["checkout", "-q", "1.0"]);
    let ev = evidence(&r, &fix);
    let d = stablepick_verdict::decide(&ev);
    let rec = record(&d.records, &["upstream: the commit is on mainline"]);
    assert!(rec.verified_by.ends_with(" main"), "{}", rec.verified_by);
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    assert!(!passes(
        &r,
        &format!("git merge-base --is-ancestor {fix} HEAD")
    ));
}

/// The author's own `Acked-by:` is no review: the checklist says so, the
/// synthesis does not count it, and the grep still shows the line.
#[test]
fn the_authors_own_ack_is_no_review() {
    let mut r = released();
    let sha = r.commit(
        "lib: fix a\n\nSigned-off-by: A U Thor <author@example.org>\nAcked-by: A U Thor <author@example.org>",
        &[("lib/a.c", "int a = 3;\n")],
    );
    let ev = evidence(&r, &sha);
    let d = stablepick_verdict::decide(&ev);
    let rec = record(&d.records, &["tested: "]);
    assert_eq!(
        rec.text,
        "tested: 0 Tested-by; reviewed: 0 Reviewed-by/Acked-by (the author's own 1 aside)"
    );
    assert!(output(&r, rec).contains("Acked-by: A U Thor"));
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    let s = stablepick_verdict::synthesis::synthesize(&ev, &d);
    assert!(
        !s.evidence_for
            .iter()
            .any(|p| p.text.starts_with("reviewed:")),
        "{:#?}",
        s.evidence_for
    );
}

/// A documentation fix: Phase 9 lists its exception category, and the
/// rules' NO says that the category lets it in without asking for it.
#[test]
fn an_exception_kinds_no_says_the_kind_allows_but_does_not_ask() {
    let mut r = released();
    let sha = r.commit(
        "doc: fix the description of an option",
        &[("doc/guide.rst", "The option takes a number.\n")],
    );
    let ev = evidence(&r, &sha);
    let d = stablepick_verdict::decide(&ev);
    let b = &d.branches[0];
    assert_eq!(b.verdict, Some(stablepick_verdict::Verdict::No));
    assert!(
        b.reason.ends_with(
            "its kind (documentation) is one the stable rules let in without a bug, which allows a backport but does not ask for one"
        ),
        "{}",
        b.reason
    );
    assert!(
        d.records
            .iter()
            .any(|r| r.text == "stable-rules exception category: documentation"),
        "{:#?}",
        d.records
    );
}

/// A change the branch already has without the commit (systemd's stable
/// branches take hwdb in bulk updates): the patch does not apply, it
/// applies in reverse, Phase 6 says so with `git apply -R --check`, and the
/// hard rule says there is nothing to do. A patch that conflicts for
/// another reason is not taken for one already there.
#[test]
fn a_change_the_branch_already_has_is_no_new_work() {
    let lines = |v: &[&str]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
    let base = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
    let mut r = Repo::new();
    r.commit("base", &[("hwdb/60-seat.hwdb", &lines(&base))]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    let mut main = base;
    main[4] = "e2";
    let entry = r.commit(
        "hwdb: add an entry",
        &[("hwdb/60-seat.hwdb", &lines(&main))],
    );
    let mut other = main;
    other[10] = "k2";
    let conflicting = r.commit("hwdb: change k", &[("hwdb/60-seat.hwdb", &lines(&other))]);
    // The branch's bulk update brings e2, and another change far away.
    r.git(&["checkout", "-q", "1.0"]);
    let mut bulk = base;
    bulk[4] = "e2";
    bulk[0] = "a2";
    bulk[10] = "k3";
    r.commit(
        "hwdb: update to main",
        &[("hwdb/60-seat.hwdb", &lines(&bulk))],
    );
    r.git(&["checkout", "-q", "main"]);

    let ev = evidence(&r, &entry);
    let b = &ev.branches[0];
    assert!(b.content_present && b.backported_as.is_none());
    let rec = record(
        &ev.records,
        &["[1.0] already has this change without the commit"],
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    assert!(rec.verified_by.contains("apply -R --check"));
    let d = stablepick_verdict::decide(&ev);
    let db = &d.branches[0];
    assert_eq!(db.verdict, Some(stablepick_verdict::Verdict::No));
    assert!(db.reason.contains("no new work"), "{}", db.reason);
    assert_eq!(db.decided_by, stablepick_verdict::DecidedBy::HardRule);

    let ev = evidence(&r, &conflicting);
    assert!(!ev.branches[0].content_present);
    assert_eq!(
        ev.branches[0].applies,
        Some(stablepick_repo::apply::Applies::Conflict)
    );
}
