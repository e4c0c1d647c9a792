//! Phase 9 synthesis on the demo repository: evidence for and against and
//! unresolved questions come from the evidence, carry the command of the
//! record they restate, and reach the JSON (as new fields, the old ones
//! kept) and the Markdown.

use stablepick_demo::DemoRepo;
use stablepick_evidence::{Context, Evidence, Record, collect};
use stablepick_repo::{Git, IndexOptions, RepoIndex, short};
use stablepick_report::{Report, markdown};
use stablepick_verdict::synthesis::{Point, Synthesis, synthesize};
use stablepick_verdict::{Decision, decide, impact};

struct Demo {
    _tmp: tempfile::TempDir,
    demo: DemoRepo,
    git: Git,
    index: RepoIndex,
}

fn demo() -> Demo {
    let tmp = tempfile::tempdir().unwrap();
    let demo = stablepick_demo::build(&tmp.path().join("linux")).unwrap();
    let git = Git::open(&demo.path).unwrap();
    let index = RepoIndex::open(
        &git,
        &IndexOptions {
            no_cache: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(index.branches().len(), 2, "linux-6.1.y and linux-6.6.y");
    Demo {
        _tmp: tmp,
        demo,
        git,
        index,
    }
}

/// Evidence, decision and synthesis for a named demo commit, as `analyze`
/// builds them (Phase 8 added to the records, rules decide).
fn analyse(d: &Demo, name: &str) -> (Evidence, Decision, Synthesis) {
    let mut ev = collect(&Context::new(&d.git, &d.index), d.demo.oid(name)).unwrap();
    ev.records.extend(impact::records(&ev));
    let dec = decide(&ev);
    let s = synthesize(&ev, &dec);
    (ev, dec, s)
}

fn has<'a>(list: &'a [Point], needle: &str) -> Option<&'a Point> {
    list.iter().find(|p| p.text.contains(needle))
}

/// Every point restates a record and carries its command, except the
/// phases that were not analysed (their command is the one that would).
fn commands_come_from_records(ev: &Evidence, dec: &Decision, s: &Synthesis) {
    let recs: Vec<&Record> = ev.records.iter().chain(&dec.records).collect();
    for p in s
        .evidence_for
        .iter()
        .chain(&s.evidence_against)
        .chain(&s.unresolved)
    {
        assert!(!p.verified_by.is_empty(), "{p:?}");
        let from_record = recs.iter().any(|r| r.verified_by == p.verified_by);
        let not_analysed = p.verified_by.starts_with("stablepick analyze")
            || p.verified_by.starts_with("stablepick mail import");
        assert!(from_record || not_analysed, "no record carries {p:?}");
        if let Some(b) = &p.branch {
            assert!(p.text.starts_with(&format!("[{b}] ")), "{p:?}");
        }
    }
}

#[test]
fn a_nominated_fix_of_a_present_bug() {
    let d = demo();
    let (ev, dec, s) = analyse(&d, "kdump_fix");
    commands_come_from_records(&ev, &dec, &s);
    assert!(
        has(&s.evidence_for, "nominated it for stable").is_some(),
        "{s:#?}"
    );
    let bug = has(&s.evidence_for, "[linux-6.1.y] bug present").expect("bug present in 6.1.y");
    assert_eq!(bug.phase, 6);
    assert_eq!(bug.branch.as_deref(), Some("linux-6.1.y"));
    // The Fixes: tag resolves: nothing to ask about the bug's origin.
    assert!(has(&s.unresolved, "no Fixes: tag").is_none(), "{s:#?}");
    assert!(has(&s.unresolved, "names no commit").is_none(), "{s:#?}");
    // No mail store was given: Phase 4 is an open question.
    let mail = has(&s.unresolved, "no mail archive given").expect("phase 4 unresolved");
    assert!(mail.verified_by.contains("--mail"), "{mail:?}");
}

#[test]
fn a_fix_without_fixes_tag_leaves_the_bug_origin_open() {
    let d = demo();
    let (ev, dec, s) = analyse(&d, "vmx_fix");
    commands_come_from_records(&ev, &dec, &s);
    let q = has(&s.unresolved, "no Fixes: tag").expect("asked");
    // The command of the Phase 6 record that found no Fixes: tag.
    assert!(
        ev.records.iter().any(|r| r.phase == 6
            && r.text.contains("no Fixes: tag")
            && r.verified_by == q.verified_by),
        "{q:?}"
    );
    assert!(has(&s.evidence_for, "Tested-by").is_some(), "{s:#?}");
    assert!(
        has(&s.evidence_for, "failure mode named").is_some(),
        "{s:#?}"
    );
}

#[test]
fn a_fixes_tag_naming_nothing_is_unresolved() {
    let d = demo();
    let (ev, dec, s) = analyse(&d, "wrong_fixes");
    commands_come_from_records(&ev, &dec, &s);
    let q = has(&s.unresolved, "names no commit of this repository").expect("asked");
    let rec = ev
        .records
        .iter()
        .find(|r| r.phase == 1 && r.text.starts_with("`Fixes: "))
        .expect("phase 1 record of the tag");
    assert_eq!(q.verified_by, rec.verified_by);
    assert_eq!(q.phase, 1);
}

#[test]
fn a_reverted_fix_is_evidence_against() {
    let d = demo();
    let (ev, dec, s) = analyse(&d, "reverted_fix");
    commands_come_from_records(&ev, &dec, &s);
    let revert = short(d.demo.oid("revert"));
    let p = has(&s.evidence_against, "reverted on mainline").expect("against");
    assert!(p.text.contains(&revert), "{p:?}");
    assert!(has(&s.evidence_for, "reverted").is_none());
    // 6.1.y took it already: nothing to do there, said once.
    assert!(
        has(&s.evidence_against, "[linux-6.1.y] already backported").is_some(),
        "{s:#?}"
    );
    // A NO is as sure as its score is low.
    let md = markdown(&ev, &dec);
    let no = dec
        .branches
        .iter()
        .find(|b| b.verdict == Some(stablepick_verdict::Verdict::No))
        .expect("a NO");
    let line = format!(
        "**NO** (confidence {:.2}; score {:.2})",
        1.0 - no.score,
        no.score
    );
    assert!(md.contains(&line), "{line}\n{md}");
}

#[test]
fn json_adds_the_lists_and_keeps_every_field() {
    let d = demo();
    let (ev, dec, s) = analyse(&d, "kdump_fix");
    let j = serde_json::to_value(Report::new(&ev, &dec)).unwrap();
    for key in [
        "commit",
        "subject",
        "first_release",
        "fixes",
        "branches",
        "verdict",
        "score",
        "records",
        "author",
        "subsystem",
        "kinds",
        "files",
        "functions",
        "functions_reach",
        "insertions",
        "deletions",
        "followup_fixes",
        "reverted_by",
        "phases_not_analysed",
    ] {
        assert!(j.get(key).is_some(), "{key} dropped");
    }
    for (key, list) in [
        ("evidence_for", &s.evidence_for),
        ("evidence_against", &s.evidence_against),
        ("unresolved", &s.unresolved),
    ] {
        let arr = j[key].as_array().expect(key);
        assert_eq!(arr.len(), list.len(), "{key}");
        for (v, p) in arr.iter().zip(list) {
            assert_eq!(v["text"], p.text.as_str());
            assert_eq!(v["verified_by"], p.verified_by.as_str());
            assert_eq!(v["phase"], p.phase);
        }
    }
    assert!(
        j["evidence_for"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["branch"] == "linux-6.1.y")
    );

    let md = markdown(&ev, &dec);
    let p9 = md
        .split("## Phase 9: Final Synthesis")
        .nth(1)
        .and_then(|x| x.split("## Verification").next())
        .expect("phase 9 section");
    for heading in [
        "Record: evidence for backporting:",
        "Record: evidence against backporting:",
        "Record: unresolved questions:",
    ] {
        assert!(p9.contains(heading), "{heading}\n{p9}");
    }
    assert!(p9.contains("- [linux-6.1.y] bug present"), "{p9}");
    assert!(md.contains("**YES** (confidence 0.95)"), "{md}");
}
