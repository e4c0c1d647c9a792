//! A project whose history never writes `Cc: stable` (glibc, Samba, BIND):
//! a commit without one is not "not nominated" there. Phase 1 says so with
//! counts a reader can check, and the synthesis does not hold it against
//! the commit; where the project does nominate, it still does. The same for
//! `Fixes:`, which systemd and glibc rarely write.

mod common;

use common::Repo;
use stablepick_evidence::{Context, Evidence, collect};
use stablepick_verdict::{rules::decide, synthesis};

/// The record of `ev` whose text starts with `start`.
fn record<'a>(ev: &'a Evidence, start: &str) -> &'a stablepick_evidence::Record {
    ev.records
        .iter()
        .find(|x| x.text.starts_with(start))
        .unwrap_or_else(|| panic!("no {start:?} in {:#?}", ev.records))
}

/// What a counting record's command prints, word by word; it succeeds.
fn counts(r: &Repo, command: &str) -> Vec<String> {
    let out = stablepick_testkit::sh(r.path(), command);
    assert!(out.status.success(), "{command}");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn evidence(r: &Repo, sha: &str) -> Evidence {
    let (git, index) = common::open_index(r);
    let oid = git.resolve_commit(sha).unwrap();
    collect(&Context::new(&git, &index), oid).unwrap()
}

/// `v1.0` and its branch, then `n` mainline commits, the last `nominated`
/// of them with `Cc: stable@example.org` and the first `tagged` with a
/// `Fixes:` line naming the commit before; an old release's side branch
/// and a merge make the mainline of the index differ from `git rev-list`.
fn project(n: usize, nominated: usize, tagged: usize) -> (Repo, String) {
    let mut r = Repo::new();
    r.commit("base", &[("lib/a.c", "int a;\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    r.git(&["checkout", "-q", "-b", "old", "v1.0"]);
    r.commit(
        "old: fix\n\nCc: stable@example.org",
        &[("lib/old.c", "1\n")],
    );
    r.git(&["tag", "-a", "-m", "v0.9", "v0.9"]);
    r.git(&["checkout", "-q", "main"]);
    r.git(&["checkout", "-q", "-b", "topic"]);
    r.commit("topic: work", &[("lib/t.c", "1\n")]);
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--no-ff", "-m", "Merge topic", "topic"]);
    let mut last = r.git(&["rev-parse", "HEAD"]).trim().to_owned();
    for i in 0..n {
        let cc = if i + nominated >= n {
            "\n\nCc: stable@example.org"
        } else {
            ""
        };
        let fixes = if i < tagged {
            format!("\n\nFixes: {}", &last[..12])
        } else {
            String::new()
        };
        last = r.commit(
            &format!("lib: fix crash {i}{fixes}{cc}"),
            &[("lib/a.c", &format!("int a = {i};\n"))],
        );
    }
    let fix = r.commit(
        "lib: fix a crash on empty input",
        &[("lib/a.c", "int a = -1;\n")],
    );
    assert!(!last.is_empty());
    (r, fix)
}

#[test]
fn a_project_that_never_nominates_does_not_count_it_against() {
    let (r, fix) = project(20, 0, 3);
    let ev = evidence(&r, &fix);
    assert!(!ev.project_nominates);
    let rec = record(&ev, "this project does not nominate");
    // base, topic, 20 fixes and this one: 23 commits, merges aside; the
    // old release's fix is not on mainline.
    assert!(
        rec.text.contains("none of its 23 mainline commits"),
        "{}",
        rec.text
    );
    assert_eq!(counts(&r, &rec.verified_by), ["23", "0"]);

    let s = synthesis::synthesize(&ev, &decide(&ev));
    let against: Vec<&str> = s.evidence_against.iter().map(|p| p.text.as_str()).collect();
    assert!(
        !against
            .iter()
            .any(|t| t.contains("not nominated") || t.contains("neither nominated")),
        "{against:#?}"
    );
    assert!(
        against.contains(
            &"not tagged with the commit it fixes (no Fixes:; this project does not nominate with Cc: stable)"
        ),
        "{against:#?}"
    );
}

#[test]
fn a_project_that_nominates_still_counts_it_against() {
    // 1 of 23 commits: more than 1 in 100.
    let (r, fix) = project(20, 1, 3);
    let ev = evidence(&r, &fix);
    assert!(ev.project_nominates);
    assert!(
        !ev.records
            .iter()
            .any(|x| x.text.starts_with("this project does not nominate")),
        "{:#?}",
        ev.records
    );
    let s = synthesis::synthesize(&ev, &decide(&ev));
    assert!(
        s.evidence_against.iter().any(|p| p
            .text
            .starts_with("neither nominated for stable (no Cc: stable)")),
        "{s:#?}"
    );
}

#[test]
fn a_project_that_rarely_writes_fixes_does_not_count_it_against() {
    // No nomination and no `Fixes:` in 23 commits: a missing tag says
    // nothing, and Phase 1 says why with counts a reader can check.
    let (r, fix) = project(20, 0, 0);
    let ev = evidence(&r, &fix);
    assert!(!ev.project_tags_fixes);
    let rec = record(&ev, "this project rarely names the commit a fix repairs");
    assert!(
        rec.text.contains("none of its 23 mainline commits"),
        "{}",
        rec.text
    );
    assert_eq!(counts(&r, &rec.verified_by), ["23", "0"]);
    let s = synthesis::synthesize(&ev, &decide(&ev));
    assert!(
        !s.evidence_against
            .iter()
            .any(|p| p.text.contains("tagged with the commit it fixes")),
        "{:#?}",
        s.evidence_against
    );
    // Three tagged commits of 23 are more than 1 in 100: counted, and said
    // so by the same command.
    let (r, fix) = project(20, 0, 3);
    let ev = evidence(&r, &fix);
    assert!(ev.project_tags_fixes);
    assert!(
        !ev.records
            .iter()
            .any(|x| x.text.starts_with("this project rarely names")),
    );
    // The same command counts the three.
    assert_eq!(counts(&r, &rec.verified_by), ["23", "3"]);
}

/// Where no mainline commit carries `Tested-by:`, the synthesis does not
/// hold its absence against a commit; once the project writes it (1 of 24
/// commits), it does.
#[test]
fn a_missing_tested_by_counts_only_where_the_project_writes_it() {
    let no_report = |ev: &Evidence| -> String {
        let s = synthesis::synthesize(ev, &decide(ev));
        s.evidence_against
            .iter()
            .find(|p| p.text.starts_with("no report on record"))
            .unwrap_or_else(|| panic!("{s:#?}"))
            .text
            .clone()
    };
    let (r, fix) = project(20, 0, 0);
    let ev = evidence(&r, &fix);
    assert!(!ev.project_writes_tested_by);
    assert!(!no_report(&ev).contains("Tested-by"), "{}", no_report(&ev));

    let (mut r, _) = project(20, 0, 0);
    r.commit(
        "lib: fix a hang\n\nTested-by: A Tester <t@example.org>",
        &[("lib/a.c", "int a = 40;\n")],
    );
    let fix = r.commit(
        "lib: fix a crash on long input",
        &[("lib/a.c", "int a = 41;\n")],
    );
    let ev = evidence(&r, &fix);
    assert!(ev.project_writes_tested_by);
    assert!(
        no_report(&ev).ends_with("and no Tested-by trailer"),
        "{}",
        no_report(&ev)
    );
}
