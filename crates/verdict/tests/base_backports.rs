//! Changes a branch's base already holds, though the upstream commit is
//! not its ancestor: util-linux tags a release on its branch after taking
//! fixes during the release candidates, a mainline commit may itself be a
//! cherry-pick of the branch's fix, and NetworkManager merges release
//! branches, cherry-picks and all, into main. Each is "already there", a
//! command shows it.

mod common;

use common::Repo;
use stablepick_evidence::{Context, Evidence, Record, collect};
use stablepick_verdict::learn::{MineOptions, window};
use stablepick_verdict::{Verdict, decide};

fn evidence(r: &Repo, sha: &str) -> Evidence {
    let (git, index) = common::open_index(r);
    let oid = git.resolve_commit(sha).unwrap();
    collect(&Context::new(&git, &index), oid).unwrap()
}

fn passes(r: &Repo, cmd: &str) -> bool {
    stablepick_testkit::sh(r.path(), cmd).status.success()
}

fn record<'a>(recs: &'a [Record], start: &str) -> &'a Record {
    recs.iter()
        .find(|x| x.text.starts_with(start))
        .unwrap_or_else(|| panic!("no record starting {start:?} in {recs:#?}"))
}

/// main: base, then `fix` after the fork; branch `1.0` forks at base, takes
/// `fix` with `-x`, and only then is `v1.0` tagged on it.
fn tagged_on_the_branch() -> (Repo, String) {
    let mut r = Repo::new();
    r.commit("base", &[("lib/a.c", "int a;\n"), ("lib/b.c", "int b;\n")]);
    r.git(&["tag", "-a", "-m", "v1.0-rc1", "v1.0-rc1"]);
    r.git(&["branch", "1.0"]);
    let fix = r.commit("lib: fix a crash in a", &[("lib/a.c", "int a = 1;\n")]);
    r.commit("lib: more b", &[("lib/b.c", "int b = 2;\n")]);
    r.git(&["checkout", "-q", "1.0"]);
    r.clock += common::DAY;
    r.git(&["cherry-pick", "-x", &fix]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["checkout", "-q", "main"]);
    r.commit("lib: later", &[("lib/b.c", "int b = 3;\n")]);
    (r, fix)
}

#[test]
fn a_fix_taken_before_the_base_was_tagged_on_the_branch_is_in_the_base() {
    let (r, fix) = tagged_on_the_branch();
    let ev = evidence(&r, &fix);
    assert!(ev.branches[0].in_base);
    let rec = record(
        &ev.records,
        "[1.0] already in the base v1.0: v1.0 holds its backport",
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    let d = decide(&ev);
    let b = &d.branches[0];
    assert_eq!(b.verdict, Some(Verdict::No));
    assert!(
        b.reason.contains("already contained in v1.0"),
        "{}",
        b.reason
    );
    // The verdict's own record shows it with the same command.
    let verdict = record(&d.records, "[1.0] NO");
    assert_eq!(verdict.verified_by, rec.verified_by);

    // Training reads the branch since its base: the fix stays in the window
    // beside "more b" ("later" came after the branch's tip), and the index
    // knows the base holds it.
    let (git, index) = common::open_index(&r);
    let b = &index.branches()[0];
    let win = window(&git, &index, b, &MineOptions { min_age_days: 0 }).unwrap();
    let fix_oid = git.resolve_commit(&fix).unwrap();
    assert_eq!(win.len(), 2, "{win:?}");
    assert!(win.contains(&fix_oid), "{win:?}");
    assert!(b.backported_in_base(fix_oid).is_some());
}

#[test]
fn a_mainline_commit_picked_from_the_branch_is_already_there() {
    let mut r = Repo::new();
    r.commit("base", &[("lib/a.c", "int a;\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["checkout", "-q", "-b", "1.0"]);
    let on_branch = r.commit("lib: fix a crash in a", &[("lib/a.c", "int a = 1;\n")]);
    r.git(&["checkout", "-q", "main"]);
    r.clock += common::DAY;
    r.git(&["cherry-pick", "-x", &on_branch]);
    let picked = r.git(&["rev-parse", "HEAD"]);
    let ev = evidence(&r, &picked);
    let rec = record(
        &ev.records,
        "[1.0] already on the branch: this commit is a cherry-pick of",
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
    assert_eq!(
        ev.branches[0].backported_as.map(|o| o.to_string()),
        Some(on_branch)
    );
    let d = decide(&ev);
    assert_eq!(d.branches[0].verdict, Some(Verdict::No));
    let verdict = record(&d.records, "[1.0] NO");
    assert!(passes(&r, &verdict.verified_by), "{}", verdict.verified_by);
}

#[test]
fn a_fixes_target_whose_cherry_pick_reached_the_base_is_a_present_bug() {
    let mut r = Repo::new();
    r.commit("base", &[("lib/a.c", "int a;\n"), ("lib/b.c", "int b;\n")]);
    // The bug lands on a side branch merged after the release; a
    // cherry-pick of it reached main before.
    r.git(&["checkout", "-q", "-b", "side"]);
    let bug = r.commit("lib: add a cache to a", &[("lib/a.c", "int a = 0;\n")]);
    r.git(&["checkout", "-q", "main"]);
    r.clock += common::DAY;
    r.git(&["cherry-pick", "-x", &bug]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    r.commit("lib: other", &[("lib/b.c", "int b = 1;\n")]);
    r.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-s",
        "ours",
        "-m",
        "Merge side",
        "side",
    ]);
    let fix = r.commit(
        &format!(
            "lib: fix a crash in the cache\n\nFixes: {} (\"lib: add a cache to a\")",
            &bug[..12]
        ),
        &[("lib/a.c", "int a = 2;\n")],
    );
    let ev = evidence(&r, &fix);
    assert_eq!(ev.branches[0].bug_present, Some(true));
    let rec = record(&ev.records, "[1.0] bug present: Fixes target");
    assert!(
        rec.text.contains("is in base v1.0 as its backport"),
        "{}",
        rec.text
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
}

/// A later fix of the commit that the branch already took is named, with
/// the command that shows it there.
#[test]
fn a_later_fix_the_branch_took_is_named() {
    let mut r = Repo::new();
    r.commit("base", &[("lib/a.c", "int a;\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    let first = r.commit("lib: fix a crash in a", &[("lib/a.c", "int a = 1;\n")]);
    let later = r.commit(
        &format!(
            "lib: fix the fix\n\nFixes: {} (\"lib: fix a crash in a\")",
            &first[..12]
        ),
        &[("lib/a.c", "int a = 2;\n")],
    );
    r.git(&["checkout", "-q", "1.0"]);
    let taken = r.backport(&later, &[("lib/a.c", "int a = 2;\n")]);
    r.git(&["checkout", "-q", "main"]);
    let ev = evidence(&r, &first);
    let rec = record(&ev.records, "[1.0] the later fix");
    assert_eq!(
        rec.text,
        format!(
            "[1.0] the later fix {} of this commit was backported to the branch as {}",
            &later[..12],
            &taken[..12]
        )
    );
    assert!(passes(&r, &rec.verified_by), "{}", rec.verified_by);
}

/// A base given as a commit of the branch, no release tag: its own commits
/// are read for backport lines all the same.
#[test]
fn a_base_given_as_a_branch_commit_holds_its_backports_too() {
    let mut r = Repo::new();
    r.commit("base", &[("lib/a.c", "int a;\n"), ("lib/b.c", "int b;\n")]);
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    r.git(&["branch", "1.0"]);
    let fix = r.commit("lib: fix a crash in a", &[("lib/a.c", "int a = 1;\n")]);
    r.git(&["checkout", "-q", "1.0"]);
    r.clock += common::DAY;
    r.git(&["cherry-pick", "-x", &fix]);
    let base = r.git(&["rev-parse", "HEAD"]);
    r.commit("1.0: later", &[("lib/b.c", "int b = 1;\n")]);
    r.git(&["checkout", "-q", "main"]);
    let git = stablepick_repo::Git::open(r.path()).unwrap();
    let index = stablepick_repo::RepoIndex::open(
        &git,
        &stablepick_repo::IndexOptions {
            stable: vec![format!("1.0={base}").parse().unwrap()],
            no_cache: true,
            ..Default::default()
        },
    )
    .unwrap();
    let b = &index.branches()[0];
    let picked = git.resolve_commit(&base).unwrap();
    assert_eq!(
        b.backported_in_base(git.resolve_commit(&fix).unwrap()),
        Some(picked)
    );
}
