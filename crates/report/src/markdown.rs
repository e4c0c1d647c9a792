//! The Markdown report, in the layout of the seed reports.

use crate::PHASES;
use stablepick_evidence::{Evidence, Record};
use stablepick_verdict::synthesis::{Point, Synthesis, synthesize};
use stablepick_verdict::{Decision, Verdict};
use std::fmt::Write;

pub fn markdown(ev: &Evidence, d: &Decision) -> String {
    let mut out = String::new();
    let c = &ev.commit;
    let _ = writeln!(out, "From: {} <{}>", c.author_name, c.author_email);
    let _ = writeln!(out, "Commit: {}", c.oid);
    let _ = writeln!(out);
    for line in c.message.trim_end().lines() {
        let _ = writeln!(out, "{line}");
    }
    // A blank line first: `---` right under the trailers would make them
    // a heading.
    let _ = writeln!(out);
    let _ = writeln!(out, "---");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Every record below was established from the repository; run its command in the repository to check it."
    );
    let mut all: Vec<&Record> = ev.records.iter().chain(d.records.iter()).collect();
    all.sort_by_key(|r| r.phase);
    for (i, title) in PHASES.iter().enumerate() {
        let phase = (i + 1) as u8;
        let _ = writeln!(out, "\n## Phase {phase}: {title}");
        let mut any = false;
        for r in all.iter().filter(|r| r.phase == phase) {
            any = true;
            let _ = writeln!(out, "Record: {}", r.text);
            let _ = writeln!(out, "  (verified by: `{}`)", r.verified_by);
            let _ = writeln!(out);
        }
        for (_, why) in ev.not_analysed.iter().filter(|(p, _)| *p == phase) {
            any = true;
            let _ = writeln!(out, "Not analysed: {why}.");
        }
        if phase == 9 {
            any = true;
            synthesis(&mut out, &synthesize(ev, d));
        }
        if !any {
            let _ = writeln!(out, "Not analysed.");
        }
    }
    let _ = writeln!(out, "\n## Verification");
    for r in &all {
        let first = r.text.lines().next().unwrap_or("");
        let _ = writeln!(out, "- [Phase {}] `{}` — {}", r.phase, r.verified_by, first);
    }
    let _ = writeln!(out, "\n## Verdict");
    for b in &d.branches {
        let v = b.verdict.map(|v| v.as_str()).unwrap_or("undecided");
        // The score is the chance of YES: a NO is as sure as it is low.
        let confidence = match b.verdict {
            Some(Verdict::No) => format!("confidence {:.2}; score {:.2}", 1.0 - b.score, b.score),
            _ => format!("confidence {:.2}", b.score),
        };
        let _ = writeln!(
            out,
            "- {} (base {}): **{v}** ({confidence}) — {}",
            b.branch, b.base, b.reason
        );
    }
    let overall = d
        .verdict
        .map(|v| v.as_str())
        .unwrap_or("UNDECIDED (no stable branches)");
    let _ = writeln!(out, "\n**{overall}**\n");
    // The diffstat and the patch as a fenced block, so that `+` and `-`
    // lines are not read as lists; the fence outruns any backticks in it.
    let fence = patch_fence(&ev.diff.patch);
    let _ = writeln!(out, "{fence}diff");
    out.push_str(&ev.diff.diffstat);
    let _ = writeln!(out);
    out.push_str(&ev.diff.patch);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "{fence}");
    if ev.diff.truncated {
        let _ = writeln!(out, "\n[patch truncated]");
    }
    out
}

/// A backtick fence longer than any run of backticks in `patch`.
pub(crate) fn patch_fence(patch: &str) -> String {
    let longest = patch.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Phase 9's three lists, in the seed's words.
fn synthesis(out: &mut String, s: &Synthesis) {
    for (title, list, none) in [
        (
            "evidence for backporting",
            &s.evidence_for,
            "nothing on record argues for it",
        ),
        (
            "evidence against backporting",
            &s.evidence_against,
            "nothing on record argues against it",
        ),
        (
            "unresolved questions",
            &s.unresolved,
            "none: every check the decision rests on was made",
        ),
    ] {
        let _ = writeln!(out, "Record: {title}:");
        if list.is_empty() {
            let _ = writeln!(out, "- {none}.");
        }
        for Point {
            text, verified_by, ..
        } in list
        {
            let _ = writeln!(out, "- {}", text.lines().next().unwrap_or(""));
            let _ = writeln!(out, "  (verified by: `{verified_by}`)");
        }
        let _ = writeln!(out);
    }
}
