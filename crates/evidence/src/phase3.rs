//! Phase 3, history: first releases, fix-of-fix chains, later fixes and
//! reverts of this commit, the author's earlier work and recent activity on
//! the touched files.

use crate::record::{Record, sh};
use crate::{Context, Evidence, full, subject_of};
use stablepick_repo::{Oid, short};

const P: u8 = 3;
/// Walk limit for the per-path history questions, so a huge repository
/// answers quickly and says when it stopped looking.
const MAX_SCAN: usize = 3_000;

/// The record stating which release first shipped `oid`.
pub(crate) fn release_record(ctx: &Context, oid: Oid, what: &str) -> Record {
    let sha = full(oid);
    let main = sh(ctx.index.mainline_display());
    match ctx.index.first_release(oid) {
        Some(rel) => {
            let verify = match ctx.index.previous_release(&rel.tag) {
                Some(prev) => format!(
                    "git merge-base --is-ancestor {sha} {} && ! git merge-base --is-ancestor {sha} {}",
                    rel.tag, prev.tag
                ),
                None => format!("git merge-base --is-ancestor {sha} {}", rel.tag),
            };
            Record::new(P, format!("{what} first released in {}", rel.tag), verify)
        }
        None if ctx.index.in_mainline(oid) => {
            let last = ctx.index.releases().last();
            Record::new(
                P,
                match last {
                    Some(l) => format!(
                        "{what} is not in any release yet: no release tag contains it (the newest release counted is {}: pre-releases and point releases, a stable branch's among them, are not counted; a backport's own tags are in Phase 6)",
                        l.tag
                    ),
                    None => format!("{what} is not in any release (no release tags found)"),
                },
                // Every tag that contains it, so a reader sees that none is
                // a release (release tags may sit on stable branches, off
                // mainline, so an ancestry check against the newest one
                // would prove nothing).
                match last {
                    Some(_) => format!("git tag --contains {sha}"),
                    None => "git tag --list".to_string(),
                },
            )
        }
        None => Record::new(
            P,
            format!(
                "{what} is not on mainline ({})",
                ctx.index.mainline_display()
            ),
            format!("! git merge-base --is-ancestor {sha} {main}"),
        ),
    }
}

pub(crate) fn collect(ctx: &Context, ev: &mut Evidence) -> stablepick_repo::Result<()> {
    let oid = ev.commit.oid;
    let sha = full(oid);
    let main = sh(ctx.index.mainline_display());
    let mut recs = Vec::new();

    ev.first_release = ctx.index.first_release(oid).map(|r| r.tag.clone());
    ev.on_mainline = ctx.index.in_mainline(oid);
    ev.mainline = ctx.index.mainline_display().to_owned();
    recs.push(release_record(ctx, oid, "this commit"));

    for f in &ev.fixes {
        let Some(t) = f.oid() else { continue };
        recs.push(release_record(
            ctx,
            t,
            &format!(
                "Fixes target {} (\"{}\")",
                short(t),
                f.subject.clone().unwrap_or_default()
            ),
        ));
        if let Some(rec) = fix_chain_record(ctx, t) {
            recs.push(rec);
        }
    }

    ev.followup_fixes = ctx.index.fixed_by(oid).to_vec();
    let grep_fixes = format!(
        "git log --format='%H %s' -i --grep='^Fixes: *{}' {main}",
        &sha[..8]
    );
    if ev.followup_fixes.is_empty() {
        recs.push(Record::new(
            P,
            format!(
                "no later commit on {} says `Fixes:` this commit",
                ctx.index.mainline_display()
            ),
            grep_fixes,
        ));
    } else {
        let list = later_commits(ctx, &ev.followup_fixes);
        recs.push(Record::new(
            P,
            format!(
                "later follow-up fix(es) of this commit — a backport needs them too: {}",
                list
            ),
            grep_fixes,
        ));
    }
    // systemd names the commit a change repairs with `Follow-up for <sha>`,
    // not `Fixes:`: such later commits are listed too.
    let follow_ups: Vec<Oid> = ctx
        .index
        .followed_up_by(oid)
        .iter()
        .copied()
        .filter(|o| !ev.followup_fixes.contains(o))
        .collect();
    if !follow_ups.is_empty() {
        let list = later_commits(ctx, &follow_ups);
        recs.push(Record::new(
            P,
            format!(
                "later commit(s) on {} say they follow up this one (`Follow-up for`): {} — a backport should take them too, or know why not",
                ctx.index.mainline_display(),
                list
            ),
            format!(
                "git log --format='%H %s' -i -E --grep='^[[:space:]]*follow-?ups?:? (for|to|of|on) .*{}' {main}",
                &sha[..7]
            ),
        ));
    }
    ev.reverted_by = ctx.index.reverted_by(oid).to_vec();
    let grep_revert = format!("git log --format='%H %s' --grep='This reverts commit {sha}' {main}");
    if ev.reverted_by.is_empty() {
        recs.push(Record::new(
            P,
            format!("not reverted on {}", ctx.index.mainline_display()),
            grep_revert,
        ));
    } else {
        let list: Vec<String> = ev
            .reverted_by
            .iter()
            .map(|o| format!("{} (\"{}\")", short(*o), subject_of(ctx.git, *o)))
            .collect();
        recs.push(Record::new(
            P,
            format!("REVERTED on mainline by {}", list.join(", ")),
            grep_revert,
        ));
    }

    // The pull request or topic branch it came with: the maintainer of a
    // project that merges them reads the merge's title and its other
    // commits, and often takes them together.
    if let Some((merge, size)) = ctx.index.merged_in(oid) {
        let m = full(merge);
        recs.push(Record::new(
            P,
            format!(
                "reached {} through merge {} (\"{}\"), which brought {size} commit(s){}",
                ctx.index.mainline_display(),
                short(merge),
                subject_of(ctx.git, merge),
                // The count is of non-merge commits: a merge brought in by
                // another merge is not among them.
                match (ev.commit.parents.len() > 1, size) {
                    (false, n) if n > 1 => format!(" — this one and {} other(s)", n - 1),
                    _ => String::new(),
                }
            ),
            // `^1..M`, not `^1..^2`: an octopus merge brings commits from
            // every parent after the first.
            format!("git log --oneline --no-merges {m}^1..{m}"),
        ));
    }

    // The author's earlier commits and recent activity on the touched files.
    let paths: Vec<String> = ev.diff.paths();
    if !ctx.file_history {
        ev.not_analysed.push((
            3,
            "history of the touched files skipped in triage (run `stablepick analyze` for it)"
                .into(),
        ));
    } else if let (Some(&parent), false) = (ev.commit.parents.first(), paths.is_empty()) {
        let quoted: Vec<String> = paths.iter().map(|p| sh(p)).collect();
        let (email, name) = (&ev.commit.author_email, &ev.commit.author_name);
        let mine = earlier_by_author(ctx, email, name, parent, &paths)?;
        // One person may write under several addresses: the name counts.
        let who = if name.trim().is_empty() {
            email.clone()
        } else {
            format!("{} <{email}> (this address or this name)", name.trim())
        };
        recs.push(Record::new(
            P,
            if mine.is_empty() {
                format!("author {who} has no earlier mainline commits on the touched files")
            } else {
                format!(
                    "author {who} touched these files before: {}",
                    list(ctx, &mine)
                )
            },
            // `--full-history`: like the index, count commits on side
            // branches whose merge kept the other side's version.
            // `--no-mailmap`: the address as committed, as the index reads
            // it (git matches `--author` on the mapped one otherwise).
            format!(
                "git log --oneline -5 --no-merges --full-history --no-mailmap -i -E --author={} {}^ -- {}",
                sh(&author_pattern(email, name)),
                sha,
                quoted.join(" ")
            ),
        ));
        let (recent, cut) = ctx.git.log_paths(parent, &paths, 5, MAX_SCAN)?;
        recs.push(Record::new(
            P,
            if recent.is_empty() && cut {
                // The walk stopped before the files' history did: say how
                // far it looked, not that there is none.
                format!("none of the newest {MAX_SCAN} earlier commits touched these files")
            } else if recent.is_empty() {
                "no earlier commits on the touched files".to_string()
            } else {
                format!(
                    "recent commits on the touched files: {}{}",
                    list(ctx, &recent),
                    if cut {
                        format!(
                            " (the only ones among the newest {MAX_SCAN} earlier commits; \
                             older ones were not looked at)"
                        )
                    } else {
                        String::new()
                    }
                )
            },
            if cut {
                // The same commits the walk read, newest first, each asked
                // whether it changes the files (diff-tree skips merges).
                format!(
                    "git rev-list -n {MAX_SCAN} {sha}^ | git diff-tree --stdin -s -r -- {} | head -5",
                    quoted.join(" ")
                )
            } else {
                // The walk follows every parent in commit-date order and
                // skips no side branch: `--full-history`, not git's
                // simplification.
                format!(
                    "git log --oneline -5 --no-merges --full-history {sha}^ -- {}",
                    quoted.join(" ")
                )
            },
        ));
    }
    ev.records.extend(recs);
    Ok(())
}

/// Up to five mainline commits by `email` that are ancestors of `parent`
/// (the analysed commit's first parent) and change `paths`, newest first
/// as `git log` orders them. Ancestry, not commit time: commits of one
/// series often share a timestamp.
fn earlier_by_author(
    ctx: &Context,
    email: &str,
    name: &str,
    parent: Oid,
    paths: &[String],
) -> stablepick_repo::Result<Vec<Oid>> {
    let graph = ctx.index.graph();
    let mut ancestors = ctx.index.mainline_pos(parent).map(|p| graph.ancestors(p));
    // Equal times: a descendant (higher generation) comes first, as in
    // `git log`, which reaches a parent only through its children.
    let mut candidates: Vec<(Oid, i64, Option<u32>)> = ctx
        .index
        .commits_by_identity(email, name)
        .into_iter()
        .map(|(o, t)| (o, t, ctx.index.mainline_pos(o)))
        .collect();
    let generation = |pos: Option<u32>| pos.map_or(0, |p| graph.generation(p));
    candidates
        .sort_by_key(|&(_, t, pos)| (std::cmp::Reverse(t), std::cmp::Reverse(generation(pos))));
    let mut mine = Vec::new();
    for (o, _, pos) in candidates {
        // The commit graph rules out later commits at once, so they cost
        // no tree comparison; git is asked only for a parent off the
        // mainline, and only about commits that touch the paths.
        let earlier = match (&mut ancestors, pos) {
            (Some(a), Some(pos)) => a.contains(pos) && ctx.git.touches(o, paths)?,
            (Some(_), None) => false,
            (None, _) => ctx.git.touches(o, paths)? && ctx.index.is_ancestor(ctx.git, o, parent)?,
        };
        if earlier {
            mine.push(o);
            if mine.len() >= 5 {
                break;
            }
        }
    }
    Ok(mine)
}

/// A `git log -E --author` pattern for `email` or the author name `name`:
/// git matches it as an extended regular expression against `Name <email>`.
fn author_pattern(email: &str, name: &str) -> String {
    let escape = |s: &str| -> String {
        s.chars()
            .flat_map(|c| {
                let special = ".[]()*+?{}|^$\\".contains(c);
                special
                    .then_some('\\')
                    .into_iter()
                    .chain(std::iter::once(c))
            })
            .collect()
    };
    let name = name.trim();
    if name.is_empty() {
        format!("<{}>", escape(email))
    } else {
        format!("<{}>|^{} <", escape(email), escape(name))
    }
}

/// The fix-of-fix record for Fixes target `t`: the commits it fixes, theirs
/// in turn, every `Fixes:` target of each (a commit may name several), at
/// most six commits.
fn fix_chain_record(ctx: &Context, t: Oid) -> Option<Record> {
    const MAX_COMMITS: usize = 6;
    let name = |o: Oid| format!("{} (\"{}\")", short(o), subject_of(ctx.git, o));
    let mut seen = vec![t];
    let mut queue = std::collections::VecDeque::from([t]);
    let mut with_fixes = Vec::new();
    let mut text = format!("fix-of-fix chain: this commit fixes {}", name(t));
    let mut last_named = t;
    let mut stopped = false;
    while let Some(cur) = queue.pop_front() {
        let mut targets = Vec::new();
        for &up in ctx.index.fixes_of(cur) {
            if seen.contains(&up) {
                continue;
            }
            if seen.len() >= MAX_COMMITS {
                stopped = true;
                break;
            }
            seen.push(up);
            queue.push_back(up);
            targets.push(up);
        }
        if targets.is_empty() {
            continue;
        }
        with_fixes.push(cur);
        let names: Vec<String> = targets.iter().map(|&o| name(o)).collect();
        // Continue the sentence from the commit just named; otherwise name
        // the commit whose targets these are.
        if cur == last_named {
            text.push_str(", which fixes ");
        } else {
            text.push_str(&format!("; {} fixes ", short(cur)));
        }
        text.push_str(&names.join(" and "));
        last_named = *targets.last().unwrap();
    }
    if with_fixes.is_empty() {
        return None;
    }
    if stopped {
        text.push_str(&format!(" (stopped after {MAX_COMMITS} commits)"));
    }
    let shas: Vec<String> = with_fixes.iter().map(|&o| full(o)).collect();
    Some(Record::new(
        P,
        text,
        format!(
            "git show -s --format='commit %H%n%B' {} | grep -i -e '^commit ' -e '^Fixes:'",
            shas.join(" ")
        ),
    ))
}

fn list(ctx: &Context, oids: &[Oid]) -> String {
    oids.iter()
        .map(|o| format!("{} (\"{}\")", short(*o), subject_of(ctx.git, *o)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Later commits as Phase 3 lists them: `id ("subject", first release)`.
fn later_commits(ctx: &Context, commits: &[Oid]) -> String {
    let items: Vec<String> = commits
        .iter()
        .map(|o| {
            let rel = ctx
                .index
                .first_release(*o)
                .map(|r| r.tag.clone())
                .unwrap_or_else(|| "unreleased".into());
            format!("{} (\"{}\", {rel})", short(*o), subject_of(ctx.git, *o))
        })
        .collect();
    items.join(", ")
}
