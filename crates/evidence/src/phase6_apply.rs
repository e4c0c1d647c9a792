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
            let ps = full(pre.commit);
            for why in &pre.why {
                let (text, verified_by) = match why {
                    Why::Blame { path, start, end } if *start > 0 => (
                        format!(
                            "[{name}] prerequisite {} (\"{}\"): it last changed lines {start}-{end} of `{path}` that the patch needs; not in {} and not backported",
                            short(pre.commit),
                            subject_of(ctx.git, pre.commit),
                            b.branch.base
                        ),
                        format!(
                            "git blame -L {start},{end} {}^ -- {} ; git log --format='%H %s' --grep={ps} {}",
                            sha,
                            sh(path),
                            sh(r)
                        ),
                    ),
                    Why::Blame { path, .. } => (
                        format!(
                            "[{name}] prerequisite {} (\"{}\"): it wrote `{path}`, which the branch lacks",
                            short(pre.commit),
                            subject_of(ctx.git, pre.commit)
                        ),
                        format!(
                            "git log --format='%H %s' {}..{sha}^ -- {}",
                            b.branch.base,
                            sh(path)
                        ),
                    ),
                    Why::StableNote { note } => (
                        format!(
                            "[{name}] prerequisite {} (\"{}\") named by the commit's stable note `{note}`; not in {} and not backported",
                            short(pre.commit),
                            subject_of(ctx.git, pre.commit),
                            b.branch.base
                        ),
                        format!(
                            "git show -s --format=%B {sha} | grep -i '^Cc:.*stable'; git log --format='%H %s' --grep={ps} {}",
                            sh(r)
                        ),
                    ),
                };
                records.push(Record::new(P, text, verified_by));
            }
        }
        facts.prerequisites = pres.iter().map(|p| p.commit).collect();
    }
    ev.records.extend(records);
    Ok(())
}
