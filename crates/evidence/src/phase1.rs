//! Phase 1, message forensics: subsystem, verb, trailers, Fixes resolution
//! (with the quoted-subject check), stable Cc hints, opt-outs, reverts.

use crate::record::{FIXES_LINE, Record, sh};
use crate::{Context, Evidence, FixResolution, FixTarget, full, subject_of};
use stablepick_repo::message::normalize_subject;
use stablepick_repo::{Oid, Resolved, short};

const P: u8 = 1;

pub(crate) fn collect(ctx: &Context, ev: &mut Evidence) -> stablepick_repo::Result<()> {
    let sha = full(ev.commit.oid);
    let show_subject = format!("git show -s --format=%s {sha}");
    // The message's own lines, not `%(trailers)`: git shows only the last
    // block, where a message often has several (`Bugzilla ID:` above a
    // blank line, then the sign-offs); and only the keys the parser takes.
    let show_trailers = format!(
        "git show -s --format=%b {sha} | grep -i -E {}",
        sh(&stablepick_repo::message::trailer_grep())
    );
    let mut recs = Vec::new();

    recs.push(Record::new(
        P,
        format!(
            "subject `{}`; subsystem `{}`; action verb `{}`",
            ev.commit.subject,
            ev.subsystem.as_deref().unwrap_or("(none)"),
            ev.verb.as_deref().unwrap_or("(none)")
        ),
        show_subject.clone(),
    ));
    if !ev.commit.message_is_utf8 {
        recs.push(Record::new(
            P,
            "the message is not valid UTF-8; invalid bytes are shown as U+FFFD",
            // iconv fails on the invalid bytes, which is the claim.
            format!("! git cat-file commit {sha} | iconv -f UTF-8 -t UTF-8 >/dev/null"),
        ));
    }
    if ev.message.trailers.is_empty() {
        recs.push(Record::absence(
            P,
            "no trailers in the message",
            &show_trailers,
        ));
    } else {
        let list: Vec<String> = ev
            .message
            .trailers
            .iter()
            .map(|t| format!("- `{}: {}`", t.key, t.value))
            .collect();
        recs.push(Record::new(
            P,
            format!("trailers parsed from the message:\n{}", list.join("\n")),
            show_trailers.clone(),
        ));
    }

    // Fixes
    if ev.message.fixes.is_empty() {
        let issues = ev.message.fixes_naming_no_commit();
        let grep = format!("git show -s --format=%B {sha} | grep -i -E '{FIXES_LINE}'");
        recs.push(if issues.is_empty() {
            Record::absence(
                P,
                "no `Fixes:` tag in this commit (absence is not a negative signal)",
                grep,
            )
        } else {
            Record::new(
                P,
                format!(
                    "no `Fixes:` tag names a commit (absence is not a negative signal); `Fixes: {}` names an issue, not the commit that brought the bug",
                    issues.join("`, `Fixes: ")
                ),
                grep,
            )
        });
    }
    for f in ev.message.fixes.clone() {
        let target = resolve_fix(ctx, &f.sha_prefix, f.subject.as_deref());
        recs.push(fix_record(ctx, &target));
        ev.fixes.push(target);
    }

    // Stable Cc
    for cc in &ev.message.stable_cc {
        let verify = format!("git show -s --format=%B {sha} | grep -i '^Cc:.*stable'");
        if cc.noautosel {
            recs.push(Record::new(
                P,
                format!(
                    "`Cc: {}`: the author opted out of automatic stable selection (stable+noautosel)",
                    cc.raw
                ),
                verify,
            ));
            continue;
        }
        let mut text = format!("stable nomination `Cc: {}`", cc.raw);
        if let Some(v) = &cc.min_version {
            let v: Vec<String> = v.iter().map(|n| n.to_string()).collect();
            text.push_str(&format!("; applies to stable {} and later", v.join(".")));
        }
        recs.push(Record::new(P, text, verify));
        if let Some(pre) = &cc.prerequisite {
            let t = resolve_fix(ctx, &pre.sha_prefix, pre.subject.as_deref());
            let text = match t.oid() {
                Some(o) => format!(
                    "stable prerequisite note names {} → {} (\"{}\")",
                    pre.sha_prefix,
                    o,
                    t.subject.clone().unwrap_or_default()
                ),
                None => format!(
                    "stable prerequisite note names {} which matches no single commit here",
                    pre.sha_prefix
                ),
            };
            recs.push(Record::new(
                P,
                text,
                format!(
                    "git rev-parse --verify {}",
                    sh(&format!("{}^{{commit}}", pre.sha_prefix))
                ),
            ));
        }
    }
    if ev.message.stable_cc.is_empty() {
        recs.push(Record::absence(
            P,
            "no `Cc: stable@…` nomination",
            format!("git show -s --format=%B {sha} | grep -i '^Cc:.*stable'"),
        ));
        if !ev.project_nominates {
            recs.push(project_does_not_nominate(ctx));
        }
    }
    if ev.message.fixes.is_empty() && !ev.project_tags_fixes {
        recs.push(project_does_not_tag_fixes(ctx));
    }

    // Reverts
    for r in ev.message.reverts.clone() {
        match ctx.index.resolve_prefix(&r) {
            Resolved::Unique(o) => {
                recs.push(Record::new(
                    P,
                    format!("revert of {} (\"{}\")", o, subject_of(ctx.git, o)),
                    format!("git show -s --format=%B {sha} | grep 'This reverts commit'"),
                ));
                ev.reverts.push(o);
            }
            _ => recs.push(Record::new(
                P,
                format!("says it reverts {r}, which matches no single commit here"),
                format!("git rev-parse --verify {r}^{{commit}}"),
            )),
        }
    }
    if ev.reverts.is_empty() && ev.commit.subject.starts_with("Revert \"") {
        recs.push(Record::new(
            P,
            "subject says `Revert` but no `This reverts commit <id>` line names the reverted commit",
            // The body is where such a line would be: show every line that
            // speaks of reverting, and the one after it.
            format!("git show -s --format=%b {} | grep -i -A1 revert", ev.commit.oid),
        ));
    }
    ev.records.extend(recs);
    Ok(())
}

/// Resolves an abbreviated sha with the quoted subject as tie-breaker, and
/// when the sha is wrong, looks the quoted subject up on mainline.
pub(crate) fn resolve_fix(ctx: &Context, prefix: &str, quoted: Option<&str>) -> FixTarget {
    let resolution = match ctx.index.resolve_prefix(prefix) {
        Resolved::Unique(o) => FixResolution::Resolved(o),
        Resolved::NotFound => FixResolution::NotFound,
        Resolved::Ambiguous(all) => {
            let by_subject: Vec<Oid> = match quoted {
                Some(q) => all
                    .iter()
                    .copied()
                    .filter(|o| normalize_subject(&subject_of(ctx.git, *o)) == normalize_subject(q))
                    .collect(),
                None => Vec::new(),
            };
            if by_subject.len() == 1 {
                FixResolution::Resolved(by_subject[0])
            } else {
                FixResolution::Ambiguous(all)
            }
        }
    };
    let (subject, first_release) = match resolution {
        FixResolution::Resolved(o) => (
            Some(subject_of(ctx.git, o)),
            ctx.index.first_release(o).map(|r| r.tag.clone()),
        ),
        _ => (None, None),
    };
    let subject_matches = match (&subject, quoted) {
        (Some(s), Some(q)) => Some(normalize_subject(s) == normalize_subject(q)),
        _ => None,
    };
    FixTarget {
        prefix: prefix.to_string(),
        quoted_subject: quoted.map(str::to_string),
        resolution,
        subject,
        subject_matches,
        first_release,
    }
}

fn fix_record(ctx: &Context, t: &FixTarget) -> Record {
    let quoted = t
        .quoted_subject
        .as_deref()
        .map(|q| format!(" (\"{q}\")"))
        .unwrap_or_default();
    let rev_parse = format!(
        "git rev-parse --verify {}",
        sh(&format!("{}^{{commit}}", t.prefix))
    );
    match &t.resolution {
        FixResolution::Resolved(o) => {
            let check = match t.subject_matches {
                Some(true) => "; the quoted subject matches".to_string(),
                Some(false) => format!(
                    "; the quoted subject does NOT match the commit's subject \"{}\"",
                    t.subject.clone().unwrap_or_default()
                ),
                None => format!(
                    "; no quoted subject (commit subject: \"{}\")",
                    t.subject.clone().unwrap_or_default()
                ),
            };
            // The commits the prefix matches include this one: where the
            // prefix is ambiguous (the quoted subject chose among them),
            // `rev-parse --verify` would fail.
            Record::new(
                P,
                format!("`Fixes: {}{}` resolves to {}{}", t.prefix, quoted, o, check),
                format!(
                    "git show -s --format='%H %s' {0} && git rev-parse --disambiguate={1} | grep -x {0}",
                    full(*o),
                    t.prefix
                ),
            )
        }
        FixResolution::Ambiguous(all) => {
            let list: Vec<String> = all
                .iter()
                .map(|o| format!("{} (\"{}\")", short(*o), subject_of(ctx.git, *o)))
                .collect();
            Record::new(
                P,
                format!(
                    "`Fixes: {}{}` is ambiguous: it matches {} and the quoted subject does not single one out",
                    t.prefix,
                    quoted,
                    list.join(", ")
                ),
                format!("git rev-parse --disambiguate={}", t.prefix),
            )
        }
        FixResolution::NotFound => {
            let hint = t
                .quoted_subject
                .as_deref()
                .and_then(|q| find_subject(ctx, q).map(|o| (q, o)));
            match hint {
                Some((q, o)) => Record::new(
                    P,
                    format!(
                        "`Fixes: {}{}` names no commit in this repository (wrong sha); the quoted subject is commit {}",
                        t.prefix, quoted, o
                    ),
                    format!(
                        "{rev_parse}; git log --format=%H -F --grep={} {}",
                        sh(q),
                        sh(ctx.index.mainline_display())
                    ),
                ),
                None => Record::new(
                    P,
                    format!(
                        "`Fixes: {}{}` names no commit in this repository",
                        t.prefix, quoted
                    ),
                    rev_parse,
                ),
            }
        }
    }
}

/// Finds a mainline commit by exact subject, scanning at most 200,000 commits.
fn find_subject(ctx: &Context, subject: &str) -> Option<Oid> {
    let repo = ctx.git.repo();
    let mut walk = repo.revwalk().ok()?;
    walk.push(ctx.index.mainline_tip()).ok()?;
    let want = normalize_subject(subject);
    for o in walk.take(200_000).flatten() {
        let c = repo.find_commit(o).ok()?;
        let s = c
            .summary_bytes()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        if normalize_subject(&s) == want {
            return Some(o);
        }
    }
    None
}

/// Why a missing `Fixes:` says nothing here: the project (almost) never
/// writes one naming a commit.
fn project_does_not_tag_fixes(ctx: &Context) -> Record {
    project_rarely_writes(
        ctx,
        ctx.index.stable_cc_usage().with_fixes,
        "this project rarely names the commit a fix repairs with `Fixes:`",
        "a `Fixes:` line naming a commit, so the missing tag",
        "^Fixes:[[:space:]]*[0-9a-f]{4}",
    )
}

/// Why a missing `Cc: stable` says nothing here: the project (almost) never
/// writes one.
fn project_does_not_nominate(ctx: &Context) -> Record {
    project_rarely_writes(
        ctx,
        ctx.index.stable_cc_usage().with_stable_cc,
        "this project does not nominate commits with `Cc: stable`",
        "a `Cc: …stable…` line, so the missing nomination",
        "^Cc:.*stable",
    )
}

/// The record that `count` of the project's mainline commits (merges
/// aside) carry a line matching `grep` (`git log -i -E --grep`): `claim`,
/// then the counts, then `line` says what is missing.
fn project_rarely_writes(ctx: &Context, count: u32, claim: &str, line: &str, grep: &str) -> Record {
    let commits = ctx.index.stable_cc_usage().commits;
    let main = sh(ctx.index.mainline_display());
    let how_many = if count == 0 {
        "none".to_owned()
    } else {
        format!("only {count}")
    };
    Record::new(
        P,
        format!(
            "{claim}: {how_many} of its {commits} mainline commits (merges aside) has {line} is no sign against"
        ),
        format!(
            "git rev-list --no-merges --count {main} && git log --no-merges --format=%H -i -E --grep={} {main} | wc -l",
            sh(grep)
        ),
    )
}
