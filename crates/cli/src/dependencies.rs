//! Prerequisites mailed with the commits that need them: for `--format
//! mbox`, a YES commit whose prerequisites were shown (in memory) to make it
//! apply gets them in its series, first, each marked `Stable-dep-of:` as
//! the Linux stable trees do. A list that is not enough is only named in
//! the mail; the commit needs adapting by hand.

use anyhow::{Context as _, Result};
use stablepick_evidence::{Context, Evidence, collect};
use stablepick_repo::Oid;
use stablepick_verdict::{BranchDecision, DecidedBy, Decision, Verdict};

/// What the mails need beyond `items`' own decisions: YES for the
/// branches that need them, as prerequisites, for items that did not say so
/// (`promoted`) and for commits that are not items (`extra`).
#[derive(Default)]
pub struct Prerequisites {
    pub promoted: Vec<(Oid, BranchDecision)>,
    pub extra: Vec<(Evidence, Decision)>,
}

/// See [`Prerequisites`].
pub fn prerequisite_items(
    ctx: &Context,
    items: &[(&Evidence, &Decision)],
) -> Result<Prerequisites> {
    let mut out = Prerequisites::default();
    let extra = &mut out.extra;
    for (ev, d) in items {
        for b in d
            .branches
            .iter()
            .filter(|b| b.verdict == Some(Verdict::Yes))
        {
            let Some(facts) = ev.branches.iter().find(|f| f.name == b.branch) else {
                continue;
            };
            if facts.prerequisites_suffice != Some(true) {
                continue;
            }
            for &p in &facts.prerequisites {
                let reason = format!(
                    "a prerequisite of {} (\"{}\")",
                    &ev.commit.oid.to_string()[..12],
                    ev.commit.subject
                );
                let yes = BranchDecision {
                    branch: b.branch.clone(),
                    base: b.base.clone(),
                    verdict: Some(Verdict::Yes),
                    score: b.score,
                    reason,
                    decided_by: DecidedBy::Prerequisite,
                };
                if let Some((_, pd)) = items.iter().find(|(e, _)| e.commit.oid == p) {
                    let already = pd
                        .branches
                        .iter()
                        .any(|x| x.branch == yes.branch && x.verdict == Some(Verdict::Yes));
                    let promoted = out
                        .promoted
                        .iter()
                        .any(|(o, x)| *o == p && x.branch == yes.branch);
                    if !already && !promoted {
                        out.promoted.push((p, yes));
                    }
                    continue;
                }
                match extra.iter_mut().find(|(e, _)| e.commit.oid == p) {
                    Some((_, dd)) => {
                        if !dd.branches.iter().any(|x| x.branch == yes.branch) {
                            dd.branches.push(yes);
                        }
                    }
                    None => {
                        let pev = collect(ctx, p).with_context(|| format!("analysing {p}"))?;
                        extra.push((
                            pev,
                            Decision {
                                branches: vec![yes],
                                verdict: Some(Verdict::Yes),
                                score: None,
                                records: Vec::new(),
                            },
                        ));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// `items` and their prerequisites, ready for `stablepick_report::mbox`.
pub fn mbox_with_prerequisites(
    ctx: &Context,
    items: &[(&Evidence, &Decision)],
    signoff: Option<&str>,
) -> Result<String> {
    let pre = prerequisite_items(ctx, items)?;
    // Items that are prerequisites of another: their decision with the
    // branch that needs them turned to YES.
    let decisions: Vec<Decision> = items
        .iter()
        .map(|(ev, d)| {
            let mut d = (*d).clone();
            for (_, yes) in pre.promoted.iter().filter(|(o, _)| *o == ev.commit.oid) {
                d.branches.retain(|b| b.branch != yes.branch);
                d.branches.push(yes.clone());
                d.verdict = Some(Verdict::Yes);
            }
            d
        })
        .collect();
    let mut all: Vec<(&Evidence, &Decision)> = items
        .iter()
        .zip(&decisions)
        .map(|((e, _), d)| (*e, d))
        .collect();
    all.extend(pre.extra.iter().map(|(e, d)| (e, d)));
    Ok(stablepick_report::mbox(&all, signoff))
}
