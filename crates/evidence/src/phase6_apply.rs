//! Phase 6, will it apply: per stable branch that lacks the commit, apply its
//! diff in-process to the branch tip (clean, offset, fuzz or conflict, with
//! the failing hunks and missing files named). [`prerequisites_for`] then
//! names, for a branch that will take the commit, the upstream commits the
//! branch needs first: a history search that is only worth its time once
//! the verdict for that branch is YES.

use crate::record::{Record, in_tree, sh};
use crate::{Context, Evidence, full, subject_of};
use stablepick_repo::apply::{Applies, CommitPatch, temp_index_command, temp_worktree_command};
use stablepick_repo::prereq::{self, Why};
use stablepick_repo::{Oid, StableIndex, short};

const P: u8 = 6;

/// How Phase 6 says a branch already holds the change without the commit.
pub const CONTENT_PRESENT: &str = "already has this change without the commit:";

pub(crate) fn collect(ctx: &Context, ev: &mut Evidence) -> stablepick_repo::Result<()> {
    let oid = ev.commit.oid;
    let sha = full(oid);
    // Read the diff once, and only the files some branch has changed;
    // check it against every branch.
    let targets: Vec<Oid> = ev
        .branches
        .iter()
        .filter(|f| !f.in_base && f.backported_as.is_none())
        .filter_map(|f| ctx.index.branch(&f.name).map(|b| b.branch.tip()))
        .collect();
    let patch = (!targets.is_empty()).then(|| CommitPatch::for_targets(ctx.git, oid, &targets));
    let mut records = Vec::new();
    for facts in &mut ev.branches {
        if facts.in_base || facts.backported_as.is_some() {
            continue;
        }
        let Some(b) = ctx.index.branch(&facts.name) else {
            continue;
        };
        let name = &facts.name;
        let r = b.branch.display_ref();
        let checked = match &patch {
            Some(Ok(p)) => p.check(ctx.git, b.branch.tip()).map_err(|e| e.to_string()),
            Some(Err(e)) => Err(e.to_string()),
            None => continue,
        };
        // A blob missing from the store (a partial or damaged clone) leaves
        // the question open for this commit; the rest of its report stands.
        let report = match checked {
            Ok(report) => report,
            Err(e) => {
                records.push(Record::new(
                    P,
                    format!("[{name}] whether the patch applies to the branch tip ({r}) is unknown: {e}"),
                    format!(
                        "{}; git ls-tree -r {} | awk '{{print $3}}' | git cat-file --batch-check | grep missing",
                        crate::record::missing_blobs_command(&sha),
                        sh(r)
                    ),
                ));
                continue;
            }
        };
        facts.applies = Some(report.applies);
        // `-v`: it prints the offsets the text names.
        let git_check =
            format!("git show --binary --format= {sha} | git -C \"$wt\" apply -v --check");
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
        let check = match report.applies {
            // git apply refuses fuzz, and stops at a file's first failing
            // hunk; patch takes fuzz and goes on, naming each hunk the text
            // lists.
            Applies::Fuzz => {
                format!(
                    "{git_check}; git show --format= {sha} | patch -d \"$wt\" -p1 -f -F2 --dry-run"
                )
            }
            // Both refuse it, which is the claim: the check succeeds when
            // `patch` fails too.
            Applies::Conflict => {
                format!(
                    "{git_check}; ! git show --format= {sha} | patch -d \"$wt\" -p1 -f -F2 --dry-run"
                )
            }
            _ => git_check,
        };
        let verified_by = temp_worktree_command(&sh(r), &sha, &check);
        records.push(Record::new(P, text, verified_by));
        // A patch that does not apply may be there already, brought by
        // another commit: then it applies in reverse.
        if report.applies == Applies::Conflict
            && let Some(Ok(p)) = &patch
            && p.already_in(ctx.git, b.branch.tip()).unwrap_or(false)
        {
            facts.content_present = true;
            records.push(Record::new(
                P,
                format!(
                    "[{name}] {CONTENT_PRESENT} the patch applies in reverse to the branch tip ({r}): another commit brought the same lines"
                ),
                temp_worktree_command(
                    &sh(r),
                    &sha,
                    &format!("git show --binary --format= {sha} | git -C \"$wt\" apply -R --check"),
                ),
            ));
        }
        // What a maintainer runs is `git cherry-pick`: a three-way merge
        // that also follows renames. Where plain apply fails, say whether
        // that takes it (in a report; triage leaves it out for speed).
        if ctx.file_history
            && matches!(report.applies, Applies::Fuzz | Applies::Conflict)
            && let Ok(conflicts) = three_way_conflicts(ctx.git, oid, b.branch.tip())
        {
            let command = format!(
                "git merge-tree --write-tree --name-only --merge-base={sha}^ {} {sha}",
                sh(r)
            );
            let (text, command) = if conflicts.is_empty() {
                (
                    format!("[{name}] {THREE_WAY} takes it cleanly at the branch tip ({r})"),
                    command,
                )
            } else {
                (
                    format!(
                        "[{name}] {THREE_WAY} conflicts at the branch tip ({r}) in {}",
                        crate::record::quoted_list(&conflicts)
                    ),
                    format!("! {command}"),
                )
            };
            facts.merges_cleanly = Some(conflicts.is_empty());
            records.push(Record::new(P, text, command));
        }
        if !report.applies.git_applies() {
            facts.apply_report = Some(report);
        }
    }
    ev.records.extend(records);
    Ok(())
}

/// How Phase 6 names the cherry-pick check.
pub const THREE_WAY: &str = "a three-way merge, as `git cherry-pick` does,";

/// The paths a three-way merge of `commit` onto `tip` (its parent as the
/// base, renames followed) leaves in conflict: empty when it merges
/// cleanly.
fn three_way_conflicts(
    git: &stablepick_repo::Git,
    commit: Oid,
    tip: Oid,
) -> Result<Vec<String>, git2::Error> {
    let repo = git.repo();
    let c = repo.find_commit(commit)?;
    let parent = c.parent(0)?;
    let mut opts = git2::MergeOptions::new();
    opts.find_renames(true);
    let index = repo.merge_trees(
        &parent.tree()?,
        &repo.find_commit(tip)?.tree()?,
        &c.tree()?,
        Some(&opts),
    )?;
    let mut paths: Vec<String> = Vec::new();
    for conflict in index.conflicts()? {
        let conflict = conflict?;
        let entry = conflict.our.or(conflict.their).or(conflict.ancestor);
        if let Some(e) = entry {
            let p = String::from_utf8_lossy(&e.path).into_owned();
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    Ok(paths)
}

/// Names the upstream commits `branch` needs before this commit: for a
/// patch that does not apply as is, the commits that last changed the
/// context its failing hunks need (or created the files the branch lacks);
/// the commits named by `Cc: stable # …: <sha>` notes; and, with a mail
/// store, the earlier patches of the same posted series. Fills
/// `BranchFacts::prerequisites` (applying order) and adds the Phase 6
/// records. Does nothing for a branch that has the commit or was not
/// checked. Call it for the branches whose verdict is YES.
pub fn prerequisites_for(
    ctx: &Context,
    ev: &mut Evidence,
    branch: &str,
) -> stablepick_repo::Result<()> {
    let t = std::time::Instant::now();
    let r = prerequisites_inner(ctx, ev, branch);
    if std::env::var_os("STABLEPICK_TRACE").is_some() {
        eprintln!("stablepick: prerequisites {branch}: {:?}", t.elapsed());
    }
    r
}

fn prerequisites_inner(
    ctx: &Context,
    ev: &mut Evidence,
    branch: &str,
) -> stablepick_repo::Result<()> {
    let oid = ev.commit.oid;
    let Some(fi) = ev.branches.iter().position(|f| f.name == branch) else {
        return Ok(());
    };
    let Some(applies) = ev.branches[fi].applies else {
        return Ok(());
    };
    let Some(b) = ctx.index.branch(branch) else {
        return Ok(());
    };
    let report = if let Some(r) = &ev.branches[fi].apply_report {
        r.clone()
    } else if applies.git_applies() {
        // Nothing to blame; the stable notes and series still count.
        stablepick_repo::apply::ApplyReport {
            applies,
            files: Vec::new(),
        }
    } else {
        CommitPatch::new(ctx.git, oid)?.check(ctx.git, b.branch.tip())?
    };
    let mut found = prereq::find_closure(
        ctx.git,
        ctx.index,
        oid,
        b,
        &report,
        &prereq::Limits::default(),
    )?;
    let mut records = Vec::new();
    if let Some(store) = ctx.mail {
        records.extend(series_prerequisites(ctx, store, ev, b, &mut found));
        found.order(ctx.git, ctx.index)?;
    }
    let sha = full(oid);
    let r = b.branch.display_ref();
    for pre in &found.list {
        records.extend(prerequisite_records(
            ctx,
            branch,
            r,
            &b.branch.base,
            &sha,
            pre,
        ));
    }
    records.extend(trial_records(ctx, branch, r, &sha, &found));
    for cut in &found.cut_short {
        records.push(Record::new(
            P,
            format!("[{branch}] the prerequisite list may be incomplete: {cut}"),
            // How many commits a full search would have had to consider.
            format!("git rev-list --count {}..{sha}^", b.branch.base),
        ));
    }
    ev.branches[fi].prerequisites = found.commits();
    ev.branches[fi].prerequisites_suffice = found.sufficient;
    ev.records.extend(records);
    ev.records.sort_by_key(|r| r.phase);
    Ok(())
}

/// Dropped prerequisites listed by name in a record, at most.
const MAX_DROPPED_NAMED: usize = 8;

/// What applying the prerequisites in memory showed: whether the patch
/// applies after them, and which commits blame named that it does not
/// need. The command replays it with git on a temporary index.
fn trial_records(
    ctx: &Context,
    name: &str,
    r: &str,
    sha: &str,
    found: &prereq::Found,
) -> Vec<Record> {
    let Some(sufficient) = found.sufficient else {
        return Vec::new();
    };
    let list: Vec<String> = found.list.iter().map(|p| full(p.commit)).collect();
    // Strict `git apply`, as the in-memory check: a prerequisite that does
    // not apply is skipped (and named), then the patch is checked.
    // Where the patch still fails, that is the claim: its check is negated.
    let replay = temp_index_command(&format!(
        "if git read-tree {}; then for c in {}; do git show --binary --format= $c | git apply --cached || echo \"$c does not apply\"; done; echo \"the patch:\"; {}git show --binary --format= {sha} | git apply --cached --check; else false; fi",
        sh(r),
        list.join(" "),
        if sufficient { "" } else { "! " }
    ));
    let n = list.len();
    let mut out = vec![Record::new(
        P,
        if sufficient {
            format!(
                "[{name}] with its {n} prerequisite(s) applied first, in the order listed (any that does not apply skipped), the patch applies to {r} (checked in memory)"
            )
        } else {
            format!(
                "[{name}] even after its {n} prerequisite(s) (any that does not apply skipped), {} hunk(s) of the patch still fail on {r}: it needs adapting by hand (checked in memory)",
                found.failing_after
            )
        },
        replay,
    )];
    if !found.dropped.is_empty() {
        let named: Vec<String> = found
            .dropped
            .iter()
            .take(MAX_DROPPED_NAMED)
            .map(|p| {
                format!(
                    "{} (\"{}\")",
                    short(p.commit),
                    subject_of(ctx.git, p.commit)
                )
            })
            .collect();
        let more = found.dropped.len().saturating_sub(MAX_DROPPED_NAMED);
        out.push(Record::new(
            P,
            format!(
                "[{name}] blame also named {} commit(s) the patch does not need — without them {}: {}{}",
                found.dropped.len(),
                if sufficient {
                    "it applies just the same".to_string()
                } else {
                    "no more hunks fail".to_string()
                },
                named.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
            format!(
                "git log --no-walk --format='%H %s' {}",
                found
                    .dropped
                    .iter()
                    .map(|p| full(p.commit))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ));
    }
    out
}

/// Authors' mainline commits looked at when mapping a posted patch to its
/// commit: the nearest in time to this commit.
const MAX_AUTHOR_CANDIDATES: usize = 200;
/// Of those, how many get their patch-id computed when no subject matches.
const MAX_PATCH_ID_CANDIDATES: usize = 20;

/// The earlier patches of the commit's posted series, mapped to mainline
/// commits; those the branch lacks go into `found`. Returns records for
/// patches that could not be mapped.
fn series_prerequisites(
    ctx: &Context,
    store: &stablepick_mail::MailStore,
    ev: &Evidence,
    b: &StableIndex,
    found: &mut prereq::Found,
) -> Vec<Record> {
    let name = &b.branch.name;
    let c = &ev.commit;
    let commit = stablepick_mail::CommitForMail {
        sha: full(c.oid),
        subject: c.subject.clone(),
        author_name: c.author_name.clone(),
        author_email: c.author_email.clone(),
        message: c.message.clone(),
        patch_id: None,
        diff: Some(ev.diff.patch.clone()),
    };
    let Ok(Some(link)) = stablepick_mail::find_thread(store, &commit) else {
        return Vec::new();
    };
    let Ok(Some((mb, idx))) = store.mailbox_for(&link.message_id) else {
        return Vec::new();
    };
    let Some(series) = mb.series_of(idx) else {
        return Vec::new();
    };
    // The commit's own patch: the linked message, or the patch with its
    // subject when the link named the cover letter.
    let key = stablepick_mail::subject::subject_key(&c.subject);
    let Some(me) = series.patches.iter().position(|&p| p == idx).or_else(|| {
        series
            .patches
            .iter()
            .position(|&p| mb.subjects[p].subject.to_lowercase() == key)
    }) else {
        return Vec::new();
    };
    let db = sh(&store.path().display().to_string());
    let mut records = Vec::new();
    for (pos, &p) in series.patches.iter().enumerate().take(me) {
        let m = &mb.messages[p];
        let subj = &mb.subjects[p];
        let n = if subj.counter > 0 {
            subj.counter
        } else {
            pos as u32 + 1
        };
        match mainline_commit_of(ctx, c.author_time, &m.from_email, &subj.subject, &m.body) {
            Some(up) if up == c.oid => {}
            Some(up) => {
                if !prereq::on_branch(ctx.git, ctx.index, b, up).unwrap_or(true) {
                    found.add(
                        up,
                        Why::Series {
                            message_id: m.message_id.clone(),
                            position: n,
                        },
                    );
                }
            }
            None => records.push(Record::new(
                P,
                format!(
                    "[{name}] patch {n}/{} of the series (\"{}\", <{}>) has no mainline commit found by subject and author or patch-id; check whether the branch needs it",
                    series.patches.len(),
                    subj.subject,
                    m.message_id
                ),
                format!(
                    "stablepick mail series {} --db {db}; git log --no-mailmap --format='%H %s' --author={} -F --grep={} {}",
                    sh(&link.message_id),
                    sh(&m.from_email),
                    sh(&subj.subject),
                    ctx.index.mainline_ref()
                ),
            )),
        }
    }
    records
}

/// The mainline commit of a posted patch: same author and bare subject
/// among the author's commits nearest in time, else the same patch-id.
fn mainline_commit_of(
    ctx: &Context,
    near: i64,
    email: &str,
    subject: &str,
    body: &str,
) -> Option<Oid> {
    let mut cands = ctx.index.commits_by_author(email);
    cands.sort_by_key(|&(_, t)| (t - near).abs());
    cands.truncate(MAX_AUTHOR_CANDIDATES);
    let key = stablepick_mail::subject::subject_key(subject);
    if let Some(&(o, _)) = cands.iter().find(|(o, _)| {
        ctx.git
            .commit_info(*o)
            .is_ok_and(|ci| stablepick_mail::subject::subject_key(&ci.subject) == key)
    }) {
        return Some(o);
    }
    let diff = stablepick_mail::patch::extract_diff(body)?;
    let pid = Oid::from_str(&stablepick_mail::patch::patch_id(diff)?).ok()?;
    cands
        .iter()
        .take(MAX_PATCH_ID_CANDIDATES)
        .find(|(o, _)| ctx.git.patch_id(*o).ok().flatten() == Some(pid))
        .map(|&(o, _)| o)
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
    for why in &pre.why {
        if let Why::Created { path, renamed_from } = why {
            let (how, cmd) = match renamed_from {
                Some(from) => (
                    format!("it renamed `{from}` to `{path}`, which the branch lacks"),
                    format!(
                        "git show --stat --format='%H %s' -M {ps} -- {} {}; ! {}",
                        sh(from),
                        sh(path),
                        in_tree(&sh(r), path)
                    ),
                ),
                None => (
                    format!("it created `{path}`, which the branch lacks"),
                    format!(
                        "git log --diff-filter=A --format='%H %s' {base}..{sha}^ -- {}; ! {}",
                        sh(path),
                        in_tree(&sh(r), path)
                    ),
                ),
            };
            out.push(Record::new(
                P,
                format!("{head}: {how}; not in {base} and not backported"),
                format!("{cmd}; {not_there}"),
            ));
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
        let (text, flags) = line_runs(&ranges);
        out.push(Record::new(
            P,
            format!(
                "{head}: it last changed {text} of `{path}` that the patch needs; not in {base} and not backported"
            ),
            format!("git blame {flags} {sha}^ -- {}; {not_there}", sh(path)),
        ));
    }
    for why in &pre.why {
        if let Why::Series {
            message_id,
            position,
        } = why
        {
            out.push(Record::new(
                P,
                format!(
                    "{head} is patch {position} of the same posted series (<{message_id}>), ahead of this one; not in {base} and not backported"
                ),
                format!(
                    "stablepick mail series {} --db {}; {not_there}",
                    sh(message_id),
                    sh(&ctx
                        .mail
                        .map(|m| m.path().display().to_string())
                        .unwrap_or_default())
                ),
            ));
        }
        if let Why::NeededBy { of, why } = why {
            let by = Oid::from_str(of).map(short).unwrap_or_else(|_| of.clone());
            let (how, cmd) = match why.as_ref() {
                Why::Blame { path, .. } => {
                    // One record per (prerequisite, file), as for the patch's
                    // own: every run it wrote, in `of`'s parent.
                    let ranges = needed_by_ranges(&pre.why, of, path);
                    let first = matches!(why.as_ref(), Why::Blame { start, end, .. }
                        if ranges.first() == Some(&(*start, *end)));
                    if !first {
                        continue;
                    }
                    let (text, flags) = line_runs(&ranges);
                    (
                        format!("it last changed {text} of `{path}` that prerequisite {by} needs"),
                        format!("git blame {flags} {of}^ -- {}", sh(path)),
                    )
                }
                Why::Created { path, .. } => (
                    format!(
                        "it created `{path}`, which prerequisite {by} changes and the branch lacks"
                    ),
                    format!(
                        "git log --diff-filter=A --format='%H %s' {base}..{of}^ -- {}; ! {}",
                        sh(path),
                        in_tree(&sh(r), path)
                    ),
                ),
                _ => continue,
            };
            out.push(Record::new(
                P,
                format!("{head}: {how} (prerequisite {by} does not apply to the branch as is); not in {base} and not backported"),
                format!(
                    "{}; {cmd}; {not_there}",
                    temp_worktree_command(
                        &sh(r),
                        &of.to_string(),
                        &format!("! git show --binary --format= {of} | git -C \"$wt\" apply --check")
                    ),
                ),
            ));
        }
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

/// The line runs `Blame` reasons of `whys` say prerequisite `of` needs in
/// `path`, in order.
fn needed_by_ranges(whys: &[Why], of: &str, path: &str) -> Vec<(u32, u32)> {
    whys.iter()
        .filter_map(|w| match w {
            Why::NeededBy { of: o, why } if o == of => match why.as_ref() {
                Why::Blame {
                    path: p,
                    start,
                    end,
                } if p == path => Some((*start, *end)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Inclusive line runs as text (`lines 10-14, 20`) and as `git blame`
/// flags (`-L 10,14 -L 20,20`).
fn line_runs(ranges: &[(u32, u32)]) -> (String, String) {
    let text: Vec<String> = ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    let flags: Vec<String> = ranges.iter().map(|(a, b)| format!("-L {a},{b}")).collect();
    let noun = if ranges.len() == 1 && ranges[0].0 == ranges[0].1 {
        "line"
    } else {
        "lines"
    };
    (format!("{noun} {}", text.join(", ")), flags.join(" "))
}
