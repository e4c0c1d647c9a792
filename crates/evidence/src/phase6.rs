//! Phase 6, stable trees: per branch, is it already there (and as which
//! commit), is the bug there, are the touched files and functions there.

use crate::record::{FIXES_LINE, Record, in_tree, sh};
use crate::{BranchFacts, Context, Evidence, full, subject_of};
use stablepick_repo::diff::{function_spans, has_functions};
use stablepick_repo::gofunc;
use stablepick_repo::message::normalize_subject;
use stablepick_repo::{BackportVia, Oid, StableIndex, short};

const P: u8 = 6;

/// What a blob says of its functions, kept per worker thread: branches and
/// commits of one run mostly look at the same few versions of a file, and
/// scanning a large C file is the costliest part of this phase.
struct BlobFunctions {
    /// The top-level functions it defines.
    defined: std::collections::HashSet<String>,
    /// Names that [`definition_pattern`]'s grep finds in it (C only):
    /// definitions, and the first lines of prototypes.
    grep_finds: std::collections::HashSet<String>,
}

type Defined = std::rc::Rc<BlobFunctions>;

/// A blob, and whether it is read as Go (else as C).
type DefinedKey = (Oid, bool);

thread_local! {
    static DEFINED: std::cell::RefCell<std::collections::HashMap<DefinedKey, Defined>> =
        Default::default();
}

/// Entries kept before the cache starts over.
const DEFINED_CACHE: usize = 1024;

/// The top-level functions defined in blob `blob`, read as the language of
/// `path` (an empty set when it cannot be read).
fn functions_defined(ctx: &Context, path: &str, blob: Oid) -> Defined {
    let go = gofunc::is_go(path);
    cached(&DEFINED, (blob, go), || {
        let text = blob_text(ctx, blob);
        std::rc::Rc::new(BlobFunctions {
            defined: function_spans(path, &text)
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.name)
                .collect(),
            grep_finds: if go {
                Default::default()
            } else {
                line_openers(&text)
            },
        })
    })
}

/// The value `cache` holds for `key`, made by `make` and kept when new; a
/// full cache (past [`DEFINED_CACHE`] entries) starts over.
fn cached<K: std::hash::Hash + Eq, V: Clone>(
    cache: &'static std::thread::LocalKey<std::cell::RefCell<std::collections::HashMap<K, V>>>,
    key: K,
    make: impl FnOnce() -> V,
) -> V {
    if let Some(hit) = cache.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    let value = make();
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= DEFINED_CACHE {
            c.clear();
        }
        c.insert(key, value.clone());
    });
    value
}

pub(crate) fn collect(ctx: &Context, ev: &mut Evidence) -> stablepick_repo::Result<()> {
    if ctx.index.branches().is_empty() {
        ev.records.push(Record::new(
            P,
            "no stable branches given or detected (use --stable BRANCH[=BASE])",
            "git branch -a",
        ));
    }
    for b in ctx.index.branches() {
        let (facts, mut recs) = branch(ctx, ev, b)?;
        let taken = facts.in_base || facts.backported_as.is_some();
        recs.extend(followups_on_branch(ctx, ev, b, taken)?);
        ev.branches.push(facts);
        ev.records.extend(recs);
    }
    Ok(())
}

/// The later fixes of this commit (Phase 3) that a branch already has: a
/// backport needs them, and these are there. Where the branch has this
/// commit (`taken`), one it lacks is work still to do.
fn followups_on_branch(
    ctx: &Context,
    ev: &Evidence,
    b: &StableIndex,
    taken: bool,
) -> stablepick_repo::Result<Vec<Record>> {
    let (name, base) = (&b.branch.name, &b.branch.base);
    let r = sh(b.branch.display_ref());
    let mut recs = Vec::new();
    for &f in &ev.followup_fixes {
        let place = on_branch(ctx, f, b)?;
        let text = match (&place, taken) {
            (OnBranch::Absent, false) => continue,
            (OnBranch::Absent, true) => format!(
                "[{name}] {MISSING_FOLLOWUP} {} (\"{}\"), which {}",
                short(f),
                subject_of(ctx.git, f),
                place.describe(base)
            ),
            _ => format!(
                "[{name}] the later fix {} of this commit {}",
                short(f),
                place.describe(base)
            ),
        };
        recs.push(Record::new(P, text, place.command(&full(f), base, &r)));
    }
    Ok(recs)
}

/// How the record begins that names a later fix of a commit the branch has
/// but not the fix itself.
pub const MISSING_FOLLOWUP: &str = "the branch has this commit but not its later fix";

/// The commit this one says it was cherry-picked from, when the branch
/// holds it; and whether its base does.
fn picked_from_the_branch(
    ctx: &Context,
    ev: &Evidence,
    b: &StableIndex,
) -> Option<(Oid, bool, String)> {
    let repo = ctx.git.repo();
    for prefix in &ev.message.backport_of {
        let Some(origin) = repo
            .revparse_single(&format!("{prefix}^{{commit}}"))
            .ok()
            .map(|o| o.id())
        else {
            continue;
        };
        if origin == ev.commit.oid {
            continue;
        }
        let reaches =
            |tip: Oid| tip == origin || repo.graph_descendant_of(tip, origin).unwrap_or(false);
        if reaches(b.branch.base_commit()) {
            return Some((origin, true, prefix.clone()));
        }
        if reaches(b.branch.tip()) {
            return Some((origin, false, prefix.clone()));
        }
    }
    None
}

/// Is `oid` contained in `b`'s base? Uses the index when it can, git
/// otherwise.
fn in_base(ctx: &Context, oid: Oid, b: &StableIndex) -> stablepick_repo::Result<bool> {
    ctx.index.in_base(ctx.git, oid, b)
}

/// Where a commit stands against a branch.
enum OnBranch {
    InBase,
    /// Its backport was taken before the base was tagged on the branch.
    InBaseAsBackport(Oid),
    BackportedAs(Oid),
    /// Backported as the first, whose backport line names the second: the
    /// merge that brought the commit into mainline.
    BackportedWithMerge(Oid, Oid),
    /// A branch commit without a backport line, with the same subject and
    /// patch-id.
    SamePatch(Oid),
    OwnCommit,
    Absent,
}

impl OnBranch {
    /// Where the commit stands, as the end of a sentence about it.
    fn describe(&self, base: &str) -> String {
        match self {
            OnBranch::InBase => format!("is in base {base}"),
            OnBranch::InBaseAsBackport(st) => {
                format!("is in base {base} as its backport {}", short(*st))
            }
            OnBranch::BackportedAs(st) => {
                format!("was backported to the branch as {}", short(*st))
            }
            OnBranch::BackportedWithMerge(st, m) => format!(
                "was backported to the branch as {}, with its merge {}",
                short(*st),
                short(*m)
            ),
            OnBranch::SamePatch(st) => format!(
                "is on the branch as {} (no backport line, the same patch-id)",
                short(*st)
            ),
            OnBranch::OwnCommit => "is a commit of the branch".to_owned(),
            OnBranch::Absent => format!("is not in {base} and was not backported"),
        }
    }

    /// The command that shows where commit `ts` (full sha) stands: against
    /// the base tag `base` and the branch ref `r` (quoted for the shell).
    fn command(&self, ts: &str, base: &str, r: &str) -> String {
        match self {
            OnBranch::InBase => format!("git merge-base --is-ancestor {ts} {base}"),
            OnBranch::InBaseAsBackport(st) => format!(
                "git merge-base --is-ancestor {st} {base} && git log --format='%H %s' --grep={ts} {base}"
            ),
            OnBranch::BackportedAs(_) => format!("git log --format='%H %s' --grep={ts} {r}"),
            OnBranch::BackportedWithMerge(st, m) => {
                backported_command(ts, r, *st, BackportVia::Merge(*m))
            }
            OnBranch::SamePatch(st) => format!(
                "git merge-base --is-ancestor {st} {r} && {}",
                backported_command(ts, r, *st, BackportVia::PatchId)
            ),
            OnBranch::OwnCommit => format!("git merge-base --is-ancestor {ts} {r}"),
            OnBranch::Absent => format!(
                "! git merge-base --is-ancestor {ts} {base} && test -z \"$(git log --format=%H --grep={ts} {r})\""
            ),
        }
    }
}

fn on_branch(ctx: &Context, t: Oid, b: &StableIndex) -> stablepick_repo::Result<OnBranch> {
    Ok(if in_base(ctx, t, b)? {
        OnBranch::InBase
    } else if let Some(st) = b.backported_in_base(t) {
        OnBranch::InBaseAsBackport(st)
    } else if let (Some(m), Some(&st)) = (b.taken_with_merge(t), b.backported_as(t).first()) {
        OnBranch::BackportedWithMerge(st, m)
    } else if let Some(&st) = b.backported_as(t).first() {
        OnBranch::BackportedAs(st)
    } else if b.has_own_commit(t) {
        OnBranch::OwnCommit
    } else if let Some(st) = same_patch_on_branch(ctx, t, b)? {
        OnBranch::SamePatch(st)
    } else {
        OnBranch::Absent
    })
}

/// A branch commit without a backport line that has `t`'s subject and
/// patch-id: `t` taken with no line naming it.
fn same_patch_on_branch(
    ctx: &Context,
    t: Oid,
    b: &StableIndex,
) -> stablepick_repo::Result<Option<Oid>> {
    let Ok(commit) = ctx.git.repo().find_commit(t) else {
        return Ok(None);
    };
    let Ok(Some(subject)) = commit.summary() else {
        return Ok(None);
    };
    for &cand in b.unmarked_with_subject(subject) {
        if ctx.git.same_patch(t, cand)? {
            return Ok(Some(cand));
        }
    }
    Ok(None)
}

/// Commits the message names beyond its `Fixes:` targets, by id
/// (`Follow-up for …`, `since commit …`) or by pull request number
/// (`introduced by #12955`): how projects that do not tag fixes say what a
/// change builds on. Each with the pull request number it was named by.
fn named_commits(ctx: &Context, ev: &Evidence) -> Vec<(Oid, Option<u32>)> {
    let mut exclude: Vec<Oid> = ev.fixes.iter().filter_map(|f| f.oid()).collect();
    exclude.push(ev.commit.oid);
    ctx.index
        .named_in(&ev.commit.message, ev.commit.commit_time, &exclude)
}

fn branch(
    ctx: &Context,
    ev: &Evidence,
    b: &StableIndex,
) -> stablepick_repo::Result<(BranchFacts, Vec<Record>)> {
    let oid = ev.commit.oid;
    let sha = full(oid);
    let name = &b.branch.name;
    let r = sh(b.branch.display_ref());
    let base = &b.branch.base;
    let mut recs = Vec::new();
    let mut facts = BranchFacts {
        name: name.clone(),
        base: base.clone(),
        display_ref: b.branch.display_ref().to_string(),
        version: b.branch.version.clone(),
        backported_as: None,
        backported_via: None,
        in_base: false,
        bug_present: None,
        reverted_present: None,
        moved: Vec::new(),
        pull_siblings_missing: 0,
        merges_cleanly: None,
        same_subject: Vec::new(),
        backport_line_names: None,
        macros_present: Vec::new(),
        backport_line: newest_backport_line(ctx, b),
        files_present: Vec::new(),
        functions_present: Vec::new(),
        applies: None,
        content_present: false,
        prerequisites: Vec::new(),
        prerequisites_suffice: None,
        apply_report: None,
    };

    // Already there?
    if in_base(ctx, oid, b)? {
        facts.in_base = true;
        recs.push(Record::new(
            P,
            format!("[{name}] the commit is already in the base {base} itself"),
            OnBranch::InBase.command(&sha, base, &r),
        ));
    } else if let Some(st) = b.backported_in_base(oid) {
        // The release was tagged on the branch after taking the fix, or a
        // cherry-pick of it reached mainline before the base.
        facts.in_base = true;
        recs.push(Record::new(
            P,
            format!(
                "[{name}] already in the base {base}: {base} holds its backport {} (backport line names {})",
                short(st),
                short(oid)
            ),
            OnBranch::InBaseAsBackport(st).command(&sha, base, &r),
        ));
    } else if let Some((origin, in_base_too, named_as)) = picked_from_the_branch(ctx, ev, b) {
        // This mainline commit is itself a cherry-pick of a commit the
        // branch holds: the fix was made there first.
        facts.in_base = in_base_too;
        if !in_base_too {
            facts.backported_as = Some(origin);
            facts.backported_via = Some(BackportVia::Line);
        }
        let holder = if in_base_too {
            base.as_str()
        } else {
            r.as_str()
        };
        recs.push(Record::new(
            P,
            format!(
                "[{name}] already on the branch: this commit is a cherry-pick of {}, which {holder} holds",
                short(origin)
            ),
            // The backport line, in whichever form the project writes it
            // (`(cherry picked from commit …)`, `[ Upstream commit … ]`).
            format!(
                "git show -s --format=%B {sha} | grep -i -F {} && git merge-base --is-ancestor {origin} {holder}",
                sh(&named_as)
            ),
        ));
    } else if b.has_own_commit(oid) {
        // The branch holds this very commit, so no backport line or patch-id
        // can say more.
        facts.backported_as = Some(oid);
        facts.backported_via = Some(BackportVia::Itself);
        let how = if b.shared_not_chosen(oid) {
            "shared with mainline: the branch forked from mainline after it, or made it on its own line"
        } else {
            "merged into the branch as into mainline"
        };
        recs.push(Record::new(
            P,
            format!("[{name}] already on the branch: it holds this very commit ({how})"),
            format!(
                "{} && ! git merge-base --is-ancestor {sha} {}",
                backported_command(&sha, &r, oid, BackportVia::Itself),
                sh(base)
            ),
        ));
    } else if let (Some(m), Some(&st)) = (b.taken_with_merge(oid), b.backported_as(oid).first()) {
        let via = BackportVia::Merge(m);
        facts.backported_as = Some(st);
        facts.backported_via = Some(via);
        facts.backport_line_names = Some(m.to_string());
        recs.push(Record::new(
            P,
            format!(
                "[{name}] already backported as {st}, with the merge that brought it: the backport line names merge {}, which brought {} into {}",
                short(m),
                short(oid),
                ctx.index.mainline_display()
            ),
            backported_command(&sha, &r, st, via),
        ));
    } else if let Some(&st) = b.backported_as(oid).first() {
        facts.backported_as = Some(st);
        facts.backported_via = Some(BackportVia::Line);
        recs.push(Record::new(
            P,
            format!(
                "[{name}] already backported as {st} (backport line names {})",
                short(oid)
            ),
            backported_command(&sha, &r, st, BackportVia::Line),
        ));
    } else {
        for &cand in b.unmarked_with_subject(&ev.commit.subject) {
            if ctx.git.same_patch(oid, cand)? {
                let (words, line_cmd) = take_backport(ctx, &mut facts, cand, BackportVia::PatchId);
                recs.push(Record::new(
                    P,
                    format!(
                        "[{name}] already backported as {cand}: {words}, but the same patch-id"
                    ),
                    format!(
                        "{line_cmd}{}",
                        backported_command(&sha, &r, cand, BackportVia::PatchId)
                    ),
                ));
                break;
            }
            facts.same_subject.push(cand);
        }
        // A hand-adapted backport: another patch, but the same (specific)
        // subject, on some of the same files.
        if facts.backported_as.is_none()
            && normalize_subject(&ev.commit.subject).split(' ').count() >= ADAPTED_SUBJECT_WORDS
            && let Some(&cand) = facts
                .same_subject
                .iter()
                .find(|&&c| shares_a_file(ctx, ev, c))
        {
            let (words, line_cmd) = take_backport(ctx, &mut facts, cand, BackportVia::Subject);
            recs.push(Record::new(
                P,
                format!(
                    "[{name}] already backported as {cand}, adapted: {words} and another patch, but the same subject and some of the same files"
                ),
                format!(
                    "{line_cmd}{}",
                    backported_command(&sha, &r, cand, BackportVia::Subject)
                ),
            ));
        }
        if facts.backported_as.is_none() {
            if !facts.same_subject.is_empty() {
                let list: Vec<String> = facts.same_subject.iter().map(|o| short(*o)).collect();
                recs.push(Record::new(
                    P,
                    format!(
                        "[{name}] a commit with the same subject is on the branch ({}) but its patch differs: an adapted backport, or a different change",
                        list.join(", ")
                    ),
                    format!(
                        "git log --format='%H %s' -F --grep={} {r}",
                        sh(&ev.commit.subject)
                    ),
                ));
            }
            recs.push(Record::new(
                P,
                format!("[{name}] not yet backported (no backport line names it)"),
                format!("git log --format='%H %s' --grep={sha} {r}"),
            ));
        }
    }
    // Which of the branch's releases shipped the backport: a stable
    // project's point releases are where users got the fix. Like the file
    // history, a report's question: triage of a window skips it.
    if let Some(st) = facts
        .backported_as
        .filter(|_| !facts.in_base && ctx.file_history)
        && let Some(tag) = ctx.git.first_tag_containing(
            st,
            &ctx.git
                .tags_between(b.branch.base_commit(), b.branch.tip())?,
        )?
    {
        recs.push(Record::new(
            P,
            if st == oid {
                format!("[{name}] it shipped in {tag}, the oldest tag on the branch that contains it")
            } else {
                format!(
                    "[{name}] its backport {} shipped in {tag}, the oldest tag on the branch that contains it",
                    short(st)
                )
            },
            format!(
                "git for-each-ref --contains {} --merged {r} --sort=creatordate --format='%(refname:short)' refs/tags | head -1 | grep -x -F {}",
                full(st),
                sh(tag)
            ),
        ));
    }

    // A revert undoes a commit: is that commit here to undo?
    for &t in &ev.reverts {
        let place = on_branch(ctx, t, b)?;
        let here = !matches!(place, OnBranch::Absent);
        let what = if here {
            place.describe(base)
        } else {
            format!("{}: nothing to revert", place.describe(base))
        };
        recs.push(Record::new(
            P,
            format!("[{name}] {REVERTED_COMMIT}, {}, {what}", short(t)),
            place.command(&full(t), base, &r),
        ));
        facts.reverted_present = Some(facts.reverted_present.unwrap_or(false) || here);
    }

    // Bug present?
    let targets: Vec<Oid> = ev.fixes.iter().filter_map(|f| f.oid()).collect();
    if targets.is_empty() {
        let grep = format!("git show -s --format=%B {sha} | grep -i -E '{FIXES_LINE}'");
        let no_fixes_line = ev.fixes.is_empty() && ev.message.fixes_naming_no_commit().is_empty();
        let text = format!(
            "[{name}] bug presence unknown: {}",
            if no_fixes_line {
                "no Fixes: tag"
            } else if ev.fixes.is_empty() {
                "no Fixes: tag naming a commit (it names an issue)"
            } else {
                "the Fixes: tag resolves to no single commit"
            }
        );
        recs.push(if no_fixes_line {
            Record::absence(P, text, grep)
        } else {
            Record::new(P, text, grep)
        });
    }
    for t in targets {
        let ts = full(t);
        let place = on_branch(ctx, t, b)?;
        let text = match &place {
            OnBranch::InBase => format!("bug present: Fixes target {} is in base {base}", short(t)),
            OnBranch::InBaseAsBackport(st) => format!(
                "bug present: Fixes target {} is in base {base} as its backport {}",
                short(t),
                short(*st)
            ),
            OnBranch::BackportedAs(st) => format!(
                "bug present: Fixes target {} was itself backported to the branch as {}",
                short(t),
                short(*st)
            ),
            OnBranch::BackportedWithMerge(st, m) => format!(
                "bug present: Fixes target {} was itself backported to the branch as {}, with its merge {}",
                short(t),
                short(*st),
                short(*m)
            ),
            OnBranch::SamePatch(st) => format!(
                "bug present: Fixes target {} is on the branch as {} (no backport line, the same patch-id)",
                short(t),
                short(*st)
            ),
            OnBranch::OwnCommit => format!(
                "bug present: Fixes target {} is a commit of the branch",
                short(t)
            ),
            OnBranch::Absent => {
                let when = ctx
                    .index
                    .first_release(t)
                    .map(|x| format!("first released in {}", x.tag))
                    .unwrap_or_else(|| "not in any release".into());
                format!(
                    "bug not present: Fixes target {} ({when}) is not in {base} and was not backported",
                    short(t)
                )
            }
        };
        // One target the branch has is enough for the bug to be there.
        if !matches!(place, OnBranch::Absent) {
            facts.bug_present = Some(true);
        } else if facts.bug_present.is_none() {
            facts.bug_present = Some(false);
        }
        recs.push(Record::new(
            P,
            format!("[{name}] {text}"),
            place.command(&ts, base, &r),
        ));
    }

    // Other commits the message names: is what it builds on in the branch?
    for (t, pull) in named_commits(ctx, ev) {
        let ts = full(t);
        let what = match ctx.git.commit_info(t) {
            Ok(i) => format!("{} (\"{}\")", short(t), i.subject),
            Err(_) => short(t),
        };
        // A number is a commit through the subject that names it: the
        // command shows that subject first.
        let (what, shown) = match pull {
            Some(n) => (
                format!("pull request #{n}, whose commit is {what}"),
                format!("git log -1 --format='%H %s' {ts}; "),
            ),
            None => (format!("commit {what}"), String::new()),
        };
        let place = on_branch(ctx, t, b)?;
        let text = place.describe(base);
        recs.push(Record::new(
            P,
            format!("[{name}] the message names {what}, which {text}"),
            format!("{shown}{}", place.command(&ts, base, &r)),
        ));
    }

    // The other commits of its pull request, or of its series (one
    // author's commits committed together, Samba's way): a test may need
    // the fix it came with, a fix the refactoring before it.
    if facts.backported_as.is_none() && !facts.in_base {
        let pull = ctx
            .index
            .merged_with(oid, PULL_SIBLINGS_MAX + 1)
            .filter(|(_, others)| (1..=PULL_SIBLINGS_MAX).contains(&others.len()));
        let group = match pull {
            Some((merge, others)) => Some((
                format!("{PULL_SIBLINGS} {} brought with it", short(merge)),
                others,
            )),
            None => {
                let mut others = ctx.index.series_of(oid, PULL_SIBLINGS_MAX + 1);
                // One author's commits committed together may be a whole
                // unrelated batch (Suricata's maintainers rebase many at
                // once): only those sharing a file or a subject prefix.
                if others.len() <= PULL_SIBLINGS_MAX {
                    others.retain(|&o| related_commits(ctx, ev, o));
                }
                (1..=PULL_SIBLINGS_MAX)
                    .contains(&others.len())
                    .then(|| (SERIES_SIBLINGS.to_owned(), others))
            }
        };
        if let Some((label, others)) = group {
            let (text, command, missing) = siblings(ctx, b, base, &r, &others)?;
            recs.push(Record::new(P, format!("[{name}] {label}: {text}"), command));
            facts.pull_siblings_missing = missing;
        }
    }

    // Touched files and functions at the branch tip.
    let tip = b.branch.tip();
    let tip_tree = ctx.git.repo().find_commit(tip)?.tree()?;
    // Each function with the file it was looked up in, for the summing-up
    // record's command.
    let mut function_files: Vec<(String, String)> = Vec::new();
    let new_functions = crate::kinds::new_function_names(&ev.diff);
    // Where each "exists" / "is defined" record sits in `recs`: past
    // [`PRESENT_RECORDS_MAX`] of them, one record sums them up.
    let mut present_at: Vec<usize> = Vec::new();
    for f in &ev.diff.files {
        let path = f.old_path.clone().unwrap_or_else(|| f.path().to_string());
        if f.status == 'A' {
            continue;
        }
        // Present as `git ls-tree` sees it (any entry); only a file's
        // text is scanned for functions.
        let entry = tip_tree.get_path(std::path::Path::new(&path)).ok();
        let present = entry.is_some();
        let blob = entry
            .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
            .map(|e| e.id());
        facts.files_present.push((path.clone(), present));
        if present {
            present_at.push(recs.len());
        }
        recs.push(Record::new(
            P,
            format!(
                "[{name}] `{path}` {} at the branch tip",
                if present { "exists" } else { "does NOT exist" }
            ),
            format!(
                "{}{}",
                if present { "" } else { "! " },
                in_tree(&sh(b.branch.display_ref()), &path)
            ),
        ));
        if !present && let Some(alt) = same_file_higher_up(&tip_tree, &path) {
            recs.push(Record::new(
                P,
                format!(
                    "[{name}] `{alt}` exists at the branch tip: `{path}` there, under a directory mainline has since added (the file moved)"
                ),
                in_tree(&sh(b.branch.display_ref()), &alt),
            ));
            facts.moved.push((path.clone(), alt));
        }
        let Some(blob) = blob.filter(|_| has_functions(&path)) else {
            continue;
        };
        macros_at_tip(ctx, name, &r, &path, blob, f, &mut facts, &mut recs);
        let defined_here = functions_defined(ctx, &path, blob);
        for func in &f.functions {
            let defined = defined_here.defined.contains(func);
            // A function this commit adds to the file (the file's old
            // version has none of that name) is missing from every branch:
            // no sign the branch lacks code the fix needs.
            let added =
                !defined && (new_functions.contains(func) || f.added_functions.contains(func));
            if !added {
                facts.functions_present.push((func.clone(), defined));
                function_files.push((func.clone(), path.clone()));
            }
            // The grep matches the first line of a prototype too (`int
            // f(int x);`, or BIND's name-first line of a longer one): say
            // so where that is all it finds.
            let declared_only = !defined && defined_here.grep_finds.contains(func);
            let grep = format!(
                "git grep -n -E {} {r} -- {}",
                sh(&definition_pattern_in(&path, func)),
                sh(&path)
            );
            if defined {
                present_at.push(recs.len());
            }
            recs.push(Record::new(
                P,
                format!(
                    "[{name}] function `{func}()` {} in `{path}` at the branch tip",
                    if defined {
                        "is defined"
                    } else if added {
                        "is NOT defined (this commit adds it)"
                    } else if declared_only {
                        "is NOT defined (declared only: the lines the grep shows open a prototype, with no body)"
                    } else {
                        "is NOT defined"
                    }
                ),
                // Where the grep finds nothing, that is the claim.
                if defined || declared_only {
                    grep
                } else {
                    format!("! {grep}")
                },
            ));
        }
    }
    let all = |v: &[(String, bool)]| v.iter().all(|(_, here)| *here);
    let everything_present = !facts.files_present.is_empty()
        && all(&facts.files_present)
        && all(&facts.functions_present)
        && all(&facts.macros_present);
    if present_at.len() > PRESENT_RECORDS_MAX {
        // A vendored dependency or a tree-wide change touches hundreds of
        // files: what is there is said once, what is missing one by one.
        let mut i = 0;
        recs.retain(|_| {
            i += 1;
            present_at.binary_search(&(i - 1)).is_err()
        });
        if !everything_present {
            let files: Vec<(String, bool)> = facts
                .files_present
                .iter()
                .filter(|(_, here)| *here)
                .cloned()
                .collect();
            // `function_files` and `functions_present` are pushed together.
            let functions: Vec<(String, String)> = function_files
                .iter()
                .zip(&facts.functions_present)
                .filter(|(_, (_, here))| *here)
                .map(|(f, _)| f.clone())
                .collect();
            recs.push(Record::new(
                P,
                format!(
                    "[{name}] {} of the {} touched files and {} of the {} touched functions looked up exist at the branch tip; the others are named above",
                    files.len(),
                    facts.files_present.len(),
                    functions.len(),
                    facts.functions_present.len(),
                ),
                every_file_and_function(&r, &files, &functions),
            ));
        }
    }
    if everything_present {
        recs.push(Record::new(
            P,
            format!(
                "[{name}] {}",
                every_file_summary(
                    &facts.files_present,
                    &facts.functions_present,
                    ev.diff.created_files()
                )
            ),
            every_file_and_function(&r, &facts.files_present, &function_files),
        ));
    }
    Ok((facts, recs))
}

/// How the branch's newest backport writes its backport line
/// ([`BranchFacts::backport_line`]), read once per branch tip.
fn newest_backport_line(ctx: &Context, b: &StableIndex) -> Option<(String, bool)> {
    thread_local! {
        static LINES: std::cell::RefCell<std::collections::HashMap<Oid, Option<(String, bool)>>> =
            Default::default();
    }
    let tip = b.branch.tip();
    if let Some(hit) = LINES.with(|c| c.borrow().get(&tip).cloned()) {
        return hit;
    }
    let line = b.backports().last().and_then(|(_, st)| {
        let info = ctx.git.commit_info(st).ok()?;
        stablepick_repo::message::backport_line_template(&info.message)
    });
    LINES.with(|c| c.borrow_mut().insert(tip, line.clone()));
    line
}

/// Does `other` share this commit's subject prefix (`net/mlx5: …`), or
/// change a file it changes?
fn related_commits(ctx: &Context, ev: &Evidence, other: Oid) -> bool {
    let prefix = |s: &str| {
        s.split_once(':')
            .map(|(p, _)| p.trim().to_ascii_lowercase())
    };
    let Ok(commit) = ctx.git.repo().find_commit(other) else {
        return false;
    };
    if let (Some(a), Ok(Some(b))) = (prefix(&ev.commit.subject), commit.summary())
        && prefix(b).as_deref() == Some(a.as_str())
    {
        return true;
    }
    shares_a_file(ctx, ev, other)
}

thread_local! {
    /// Files each commit changes, for [`shares_a_file`]: the commits of a
    /// series are each other's siblings, and each is asked about on every
    /// branch, so one tree diff per commit serves them all.
    static CHANGED: std::cell::RefCell<std::collections::HashMap<Oid, std::rc::Rc<Vec<String>>>> =
        Default::default();
}

/// Does `other` change a file this commit changes?
fn shares_a_file(ctx: &Context, ev: &Evidence, other: Oid) -> bool {
    let mine = ev.diff.paths();
    changed_paths(ctx, other).iter().any(|p| mine.contains(p))
}

/// The files `oid` changes against its first parent (none when it cannot
/// be read).
fn changed_paths(ctx: &Context, oid: Oid) -> std::rc::Rc<Vec<String>> {
    cached(&CHANGED, oid, || {
        let repo = ctx.git.repo();
        std::rc::Rc::new(match repo.find_commit(oid) {
            Ok(commit) => {
                let parent = commit.parent(0).ok().map(|p| p.tree_id());
                stablepick_repo::touched::changed_paths(repo, parent, Some(commit.tree_id()))
            }
            Err(_) => Vec::new(),
        })
    })
}

/// A blob's text (lossy), empty where the object store lacks it.
fn blob_text(ctx: &Context, blob: git2::Oid) -> String {
    ctx.git
        .repo()
        .find_blob(blob)
        .map(|b| String::from_utf8_lossy(b.content()).into_owned())
        .unwrap_or_default()
}

/// `git grep -E` for the line that opens `#define NAME`.
pub fn macro_definition_pattern(name: &str) -> String {
    format!("^[[:space:]]*#[[:space:]]*define[[:space:]]+{name}([^A-Za-z0-9_]|$)")
}

/// Is each macro the change touches in `f` defined in the file at the
/// branch tip (`blob`)? One the commit adds is said to be its own.
#[allow(clippy::too_many_arguments)]
fn macros_at_tip(
    ctx: &Context,
    name: &str,
    r: &str,
    path: &str,
    blob: git2::Oid,
    f: &stablepick_repo::diff::FileDiff,
    facts: &mut BranchFacts,
    recs: &mut Vec<Record>,
) {
    if f.macros.is_empty() {
        return;
    }
    let text = blob_text(ctx, blob);
    let here: Vec<String> = stablepick_repo::cfunc::macro_spans(&text)
        .into_iter()
        .map(|s| s.name)
        .collect();
    for m in &f.macros {
        let defined = here.contains(m);
        let added = !defined && f.added_macros.contains(m);
        if !added {
            facts.macros_present.push((m.clone(), defined));
        }
        let grep = format!(
            "git grep -n -E {} {r} -- {}",
            sh(&macro_definition_pattern(m)),
            sh(path)
        );
        recs.push(Record::new(
            P,
            format!(
                "[{name}] macro `{m}` {} in `{path}` at the branch tip",
                if defined {
                    "is defined"
                } else if added {
                    "is NOT defined (this commit adds it)"
                } else {
                    "is NOT defined"
                }
            ),
            if defined { grep } else { format!("! {grep}") },
        ));
    }
}

/// The names [`definition_pattern`] finds in `text`, as `git grep -E`
/// would: on a line starting with a letter or `_`, each identifier followed
/// (after blanks) by `(`.
fn line_openers(text: &str) -> std::collections::HashSet<String> {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = std::collections::HashSet::new();
    for line in text.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        let b = line.as_bytes();
        if !b
            .first()
            .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
        {
            continue;
        }
        let mut i = 0;
        while i < b.len() {
            if !word(b[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            let rest = line[i..].trim_start_matches([' ', '\t']);
            if rest.starts_with('(') {
                out.insert(line[start..i].to_string());
            }
        }
    }
    out
}

/// For a path the tree lacks: the same path with leading directories
/// dropped, as in a tree from before mainline moved the code under a new
/// one (containerd's `remotes/` became `core/remotes/`), keeping a
/// directory and the file's name.
fn same_file_higher_up(tree: &git2::Tree, path: &str) -> Option<String> {
    let mut rest = path;
    while let Some((_, tail)) = rest.split_once('/') {
        if !tail.contains('/') {
            return None;
        }
        if tree
            .get_path(std::path::Path::new(tail))
            .is_ok_and(|e| e.kind() == Some(git2::ObjectType::Blob))
        {
            return Some(tail.to_owned());
        }
        rest = tail;
    }
    None
}

/// Where each of `others` stands on branch `b`: the text (those the branch
/// lacks, then those it has), the command that checks every one, and how
/// many it lacks.
fn siblings(
    ctx: &Context,
    b: &StableIndex,
    base: &str,
    r: &str,
    others: &[Oid],
) -> stablepick_repo::Result<(String, String, usize)> {
    let mut missing = Vec::new();
    let mut here = Vec::new();
    let mut commands = Vec::new();
    for &t in others {
        let place = on_branch(ctx, t, b)?;
        let what = match ctx.git.commit_info(t) {
            Ok(i) => format!("{} (\"{}\")", short(t), i.subject),
            Err(_) => short(t),
        };
        commands.push(place.command(&full(t), base, r));
        if matches!(place, OnBranch::Absent) {
            missing.push(what);
        } else {
            here.push(format!("{what} {}", place.describe(base)));
        }
    }
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!(
            "{} {} not in {base} and not backported",
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" }
        ));
    }
    if !here.is_empty() {
        parts.push(here.join(", "));
    }
    Ok((parts.join("; "), commands.join(" && "), missing.len()))
}

/// How the record on where a reverted commit stands begins, after the
/// branch's tag.
pub const REVERTED_COMMIT: &str = "the commit it reverts";

/// How the record on the other commits of a series begins, after the
/// branch's tag.
pub const SERIES_SIBLINGS: &str =
    "the other commit(s) of its series (same author, committed together)";

/// Pull requests of at most this many other commits have each named.
const PULL_SIBLINGS_MAX: usize = 8;

/// How the record on the other commits of the pull request begins, after
/// the branch's tag.
pub const PULL_SIBLINGS: &str = "the other commit(s) merge";

/// Past this many "exists" and "is defined" records for one branch, one
/// record says them all.
const PRESENT_RECORDS_MAX: usize = 40;

/// How the record that sums up the touched files and functions begins.
pub const EVERY_FILE: &str = "every touched file";

/// "every touched file (N) and function (M) exists at the branch tip", for
/// a branch where all of `files` and `functions` are there. A name defined
/// in two touched files is looked up in each, so it counts once per file,
/// and the text says so; so are the `created` files the commit adds, which
/// no branch has.
pub fn every_file_summary(
    files: &[(String, bool)],
    functions: &[(String, bool)],
    created: usize,
) -> String {
    let files = if created > 0 {
        format!("{}, besides the {created} it creates", files.len())
    } else {
        files.len().to_string()
    };
    if functions.is_empty() {
        return format!("{EVERY_FILE} ({files}) exists at the branch tip");
    }
    let mut names: Vec<&str> = functions.iter().map(|(f, _)| f.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    format!(
        "{EVERY_FILE} ({files}) and function ({}{}) exists at the branch tip",
        functions.len(),
        if names.len() < functions.len() {
            format!(", once per file it is in; {} names", names.len())
        } else {
            String::new()
        }
    )
}

/// One command that checks every file exists at `r` and every function has
/// a definition there: it fails at the first that does not.
fn every_file_and_function(
    r: &str,
    files: &[(String, bool)],
    functions: &[(String, String)],
) -> String {
    let mut checks: Vec<String> = files.iter().map(|(f, _)| in_tree(r, f)).collect();
    checks.extend(functions.iter().map(|(func, path)| {
        format!(
            "git grep -q -E {} {r} -- {}",
            sh(&definition_pattern_in(path, func)),
            sh(path)
        )
    }));
    checks.join(" && ")
}

/// An extended regular expression for the line that opens a C definition
/// (or declaration) of `func`: it starts in the first column, where a call
/// is indented, and names `func(` there (`static int foo(`, `foo (`).
pub fn definition_pattern(func: &str) -> String {
    // Or the defining macro's line the diff's function finder names it by
    // (`cfunc::macro_defined`): `DEFPY(func,`, `SYSCALL_DEFINE4(reboot,`.
    let (definer, arg) = if let Some(arg) = func.strip_prefix("compat_sys_") {
        ("COMPAT_SYSCALL_DEFINE[0-9]*", arg)
    } else if let Some(arg) = func.strip_prefix("sys_") {
        ("SYSCALL_DEFINE[0-9]*", arg)
    } else {
        ("[A-Z][A-Z0-9_]*", func)
    };
    // One blank may open the line (Samba's ` int main(int argc, …)`); a
    // call is indented further.
    format!(
        "^ ?(([A-Za-z_].*[^A-Za-z0-9_])?{func}[[:space:]]*\\(|{definer}[[:space:]]*\\([[:space:]]*{arg}[[:space:]]*[,)])"
    )
}

/// The [`definition_pattern`] of `func` in the file `path`: for a Go file,
/// the `func Name(` or `func (r *T) Name(` line that declares it (a method
/// being named `T.Name`), which a call never matches.
pub fn definition_pattern_in(path: &str, func: &str) -> String {
    if gofunc::is_go(path) {
        gofunc::definition_pattern(func)
    } else {
        definition_pattern(func)
    }
}

/// A backport matched by its patch or subject, whose own backport line
/// names another commit (one mainline lacks leaves the branch commit among
/// those without a line): what the line names, the words for it ("its
/// backport line names d27c2f2a47dc, which is not in the repository"), and
/// the command that prints the line.
struct ForeignLine {
    named: String,
    text: String,
    command: String,
}

fn foreign_backport_line(ctx: &Context, backport: Oid) -> Option<ForeignLine> {
    let info = ctx.git.commit_info(backport).ok()?;
    let named = stablepick_repo::message::parse(&info.message)
        .backport_of
        .into_iter()
        .next()?;
    let what = match ctx.index.resolve_prefix(&named) {
        stablepick_repo::Resolved::Unique(o) => format!("another commit, {}", short(o)),
        _ => "which is not in the repository".to_string(),
    };
    let shown = named.get(..12).unwrap_or(&named);
    Some(ForeignLine {
        text: format!("its backport line names {shown}, {what}"),
        command: format!(
            "git show -s --format=%B {} | grep -i -F {}; ",
            full(backport),
            sh(&named)
        ),
        named,
    })
}

/// The words and command prefix for a backport's line: "no backport line"
/// and nothing, or what [`foreign_backport_line`] found.
/// Takes `cand`, found by `via`, as the branch's backport of the commit;
/// gives what `cand`'s own backport line says and the command showing it.
fn take_backport(
    ctx: &Context,
    facts: &mut BranchFacts,
    cand: Oid,
    via: BackportVia,
) -> (String, String) {
    facts.backported_as = Some(cand);
    facts.backported_via = Some(via);
    match foreign_backport_line(ctx, cand) {
        Some(l) => {
            facts.backport_line_names = Some(l.named);
            (l.text, l.command)
        }
        None => ("no backport line".to_string(), String::new()),
    }
}

/// The command that shows `sha` is on the branch (`r`) as `backport`: the
/// backport line naming it, or the two equal patch-ids when the branch's
/// commit has no such line.
pub fn backported_command(sha: &str, r: &str, backport: Oid, via: BackportVia) -> String {
    match via {
        BackportVia::Line => format!("git log --format='%H %s' --grep={sha} {r}"),
        // The line naming the merge, then the commit among those the merge
        // brought (reachable from it, not from its first parent).
        BackportVia::Merge(m) => format!(
            "git log --format='%H %s' --grep={m} {r} | grep . && git rev-list --no-merges {m}^1..{m} | grep -x {sha}"
        ),
        BackportVia::PatchId => format!(
            "git show {sha} | git patch-id --stable; git show {} | git patch-id --stable",
            full(backport)
        ),
        BackportVia::Itself => format!("git merge-base --is-ancestor {sha} {r}"),
        // Both subjects, then the files both change.
        BackportVia::Subject => format!(
            "git show -s --format='%H %s' {sha} {b} && git show --format= --name-only {sha} {b} | sort | uniq -d | grep .",
            b = full(backport)
        ),
    }
}

/// Words a subject needs before a branch commit that shares it (and some
/// files) counts as its backport: `Update translations` could be anyone's.
const ADAPTED_SUBJECT_WORDS: usize = 4;

#[cfg(test)]
mod tests {
    use super::{definition_pattern, every_file_summary, line_openers};

    #[test]
    fn lines_opening_with_a_function_match_as_the_grep_does() {
        let text = "int\nhelper(int x,\n       int y);\nstatic int other (void);\n\tx = helper(1);\nmy_helper(2);\n";
        let re = regex::Regex::new(&format!("(?m){}", definition_pattern("helper"))).unwrap();
        let found = line_openers(text);
        assert!(found.contains("helper"));
        assert!(re.is_match(text));
        assert!(found.contains("other"));
        for (t, expect) in [
            ("\tx = helper(1);\n", false),
            ("my_helper(2);\n", false),
            ("a = helper_x(1);\n", false),
            ("int helper (void);", true),
            (" int helper(int argc)", true),
            ("        helper(1);\n", false),
        ] {
            assert_eq!(line_openers(t).contains("helper"), expect, "{t}");
            assert_eq!(re.is_match(t), expect, "{t}");
        }
    }

    #[test]
    fn a_name_in_two_files_is_counted_per_file_and_said_so() {
        let files = [("a/x.c".to_string(), true), ("b/x.c".to_string(), true)];
        let one = |n: &str| (n.to_string(), true);
        assert_eq!(
            every_file_summary(&files, &[one("f"), one("g")], 0),
            "every touched file (2) and function (2) exists at the branch tip"
        );
        assert_eq!(
            every_file_summary(&files, &[one("f"), one("f"), one("g")], 0),
            "every touched file (2) and function (3, once per file it is in; 2 names) exists at the branch tip"
        );
        assert_eq!(
            every_file_summary(&files, &[], 0),
            "every touched file (2) exists at the branch tip"
        );
        assert_eq!(
            every_file_summary(&files, &[], 1),
            "every touched file (2, besides the 1 it creates) exists at the branch tip"
        );
    }
}
