//! Phase 6, will it apply: per stable branch that lacks the commit, apply its
//! diff in-process to the branch tip (clean, offset, fuzz or conflict, with
//! the failing hunks and missing files named) and, when it does not apply
//! as is, name the upstream commits the branch needs first.

use crate::record::{Record, sh};
use crate::{Context, Evidence, full, subject_of};
use stablepick_repo::apply::{Applies, CommitPatch};
use stablepick_repo::prereq::{self, Why};
use stablepick_repo::short;

const P: u8 = 6;

pub(crate) fn collect(ctx: &Context, ev: &mut Evidence) -> stablepick_repo::Result<()> {
    let oid = ev.commit.oid;
    let sha = full(oid);
    // Read the diff once; check it against every branch.
    let mut patch: Option<CommitPatch> = None;
    let mut records = Vec::new();
    for facts in &mut ev.branches {
        if facts.in_base || facts.backported_as.is_some() {
            continue;
        }
        let Some(b) = ctx.index.branch(&facts.name) else {
            continue;
        };
        let p = match &patch {
            Some(p) => p,
            None => patch.insert(CommitPatch::new(ctx.git, oid)?),
        };
        let report = p.check(ctx.git, b.branch.tip())?;
        facts.applies = Some(report.applies);
        let name = &facts.name;
        let r = b.branch.display_ref();
        let wt = format!("/tmp/wt-{}", name.replace(['/', ' '], "-"));
        let git_check = format!(
            "git worktree add --detach {wt} {} && git show --binary --format= {sha} | git -C {wt} apply --check",
            sh(r),
            wt = sh(&wt)
        );
        let text = match report.applies {
            Applies::Clean => format!("[{name}] the patch applies cleanly to the branch tip ({r})"),
            Applies::Offset => format!(
                "[{name}] the patch applies to the branch tip ({r}) with line offsets: {}",
                report.summary()
            ),
            Applies::Fuzz => format!(
                "[{name}] the patch applies to the branch tip ({r}) only with fuzz — `patch -F2` takes it, `git apply`/`git am` refuse it: {}",
                report.summary()
            ),
            Applies::Conflict => format!(
                "[{name}] the patch does NOT apply to the branch tip ({r}): {}",
                report.summary()
            ),
        };
        let verified_by = match report.applies {
            Applies::Fuzz => format!(
                "{git_check}; git show --format= {sha} | patch -d {} -p1 -F2 --dry-run",
                sh(&wt)
            ),
            _ => git_check,
        };
        records.push(Record::new(P, text, verified_by));

        let pres = prereq::find(ctx.git, ctx.index, oid, b, &report)?;
        for pre in &pres {
            records.extend(prerequisite_records(
                ctx,
                name,
                r,
                &b.branch.base,
                &sha,
                pre,
            ));
        }
        facts.prerequisites = pres.iter().map(|p| p.commit).collect();
    }
    ev.records.extend(records);
    Ok(())
}

/// One record per (prerequisite, file) and per stable note.
fn prerequisite_records(
    ctx: &Context,
    name: &str,
    r: &str,
    base: &str,
    sha: &str,
    pre: &prereq::Prerequisite,
) -> Vec<Record> {
    let ps = full(pre.commit);
    let head = format!(
        "[{name}] prerequisite {} (\"{}\")",
        short(pre.commit),
        subject_of(ctx.git, pre.commit)
    );
    let not_there = format!("git log --format='%H %s' --grep={ps} {}", sh(r));
    let mut out = Vec::new();
    let mut paths: Vec<&str> = Vec::new();
    for why in &pre.why {
        if let Why::Blame { path, .. } = why
            && !paths.contains(&path.as_str())
        {
            paths.push(path);
        }
    }
    for path in paths {
        let ranges: Vec<(u32, u32)> = pre
            .why
            .iter()
            .filter_map(|w| match w {
                Why::Blame {
                    path: p,
                    start,
                    end,
                } if p == path && *start > 0 => Some((*start, *end)),
                _ => None,
            })
            .collect();
        if ranges.is_empty() {
            out.push(Record::new(
                P,
                format!("{head}: it wrote `{path}`, which the branch lacks"),
                format!(
                    "git log --format='%H %s' {base}..{sha}^ -- {}; {not_there}",
                    sh(path)
                ),
            ));
            continue;
        }
        let text: Vec<String> = ranges.iter().map(|(a, b)| format!("{a}-{b}")).collect();
        let flags: Vec<String> = ranges.iter().map(|(a, b)| format!("-L {a},{b}")).collect();
        out.push(Record::new(
            P,
            format!(
                "{head}: it last changed lines {} of `{path}` that the patch needs; not in {base} and not backported",
                text.join(", ")
            ),
            format!(
                "git blame {} {sha}^ -- {}; {not_there}",
                flags.join(" "),
                sh(path)
            ),
        ));
    }
    for why in &pre.why {
        if let Why::StableNote { note } = why {
            out.push(Record::new(
                P,
                format!(
                    "{head} is named by the commit's stable note `{note}`; not in {base} and not backported"
                ),
                format!("git show -s --format=%B {sha} | grep -i '^Cc:.*stable'; {not_there}"),
            ));
        }
    }
    out
}
