//! Phase 9, the synthesis: what argues for a backport, what argues against
//! it, and what stays unresolved — each point a fact that the evidence or
//! the decision already established, carrying the command of the record it
//! comes from.
//!
//! Consumes an [`Evidence`] and the [`Decision`] made on it (rules alone,
//! or rules then the model); produces a [`Synthesis`]. It adds no analysis
//! of its own: every point restates a fact another phase measured, so a
//! point is never more certain than its record.
//!
//! ```no_run
//! # fn f(ev: &stablepick_evidence::Evidence) {
//! let d = stablepick_verdict::decide(ev);
//! let s = stablepick_verdict::synthesis::synthesize(ev, &d);
//! for p in &s.unresolved { println!("? {}  ({})", p.text, p.verified_by); }
//! # }
//! ```

use crate::combine::{CLOSE_CALL, DISAGREE};
use crate::{DecidedBy, Decision, Verdict, impact, rules, similar};
use stablepick_evidence::record::FIXES_LINE;
use stablepick_evidence::{Evidence, FixResolution, Record};
use stablepick_repo::apply::Applies;
use stablepick_repo::short;

/// One point of the synthesis.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Point {
    /// The phase whose fact this restates.
    pub phase: u8,
    /// The stable branch it concerns; `None` for the commit as a whole.
    pub branch: Option<String>,
    /// The point, `[branch] …` when it concerns one branch.
    pub text: String,
    /// The command of the record it comes from.
    pub verified_by: String,
}

/// Evidence for, evidence against, unresolved questions.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Synthesis {
    pub evidence_for: Vec<Point>,
    pub evidence_against: Vec<Point>,
    pub unresolved: Vec<Point>,
}

/// The records the points are drawn from.
struct Facts<'a> {
    records: Vec<&'a Record>,
}

impl<'a> Facts<'a> {
    fn find(&self, phase: u8, pred: impl Fn(&Record) -> bool) -> Option<&'a Record> {
        self.records
            .iter()
            .copied()
            .find(|r| r.phase == phase && pred(r))
    }

    fn all(&self, phase: u8, pred: impl Fn(&Record) -> bool) -> Vec<&'a Record> {
        self.records
            .iter()
            .copied()
            .filter(|r| r.phase == phase && pred(r))
            .collect()
    }

    /// The command of the first matching record, else `fallback` (the
    /// command that record would carry).
    fn cmd(
        &self,
        phase: u8,
        pred: impl Fn(&Record) -> bool,
        fallback: impl FnOnce() -> String,
    ) -> String {
        self.find(phase, pred)
            .map(|r| r.verified_by.clone())
            .unwrap_or_else(fallback)
    }
}

/// The three lists being filled.
#[derive(Default)]
struct Lists {
    s: Synthesis,
}

impl Lists {
    fn add(list: &mut Vec<Point>, phase: u8, branch: Option<&str>, text: String, cmd: String) {
        let text = match branch {
            Some(b) if !text.starts_with(&format!("[{b}] ")) => format!("[{b}] {text}"),
            _ => text,
        };
        if list.iter().any(|p| p.text == text) {
            return;
        }
        list.push(Point {
            phase,
            branch: branch.map(str::to_string),
            text,
            verified_by: cmd,
        });
    }
    fn pro(&mut self, phase: u8, branch: Option<&str>, text: impl Into<String>, cmd: String) {
        Self::add(&mut self.s.evidence_for, phase, branch, text.into(), cmd);
    }
    fn con(&mut self, phase: u8, branch: Option<&str>, text: impl Into<String>, cmd: String) {
        Self::add(
            &mut self.s.evidence_against,
            phase,
            branch,
            text.into(),
            cmd,
        );
    }
    fn open(&mut self, phase: u8, branch: Option<&str>, text: impl Into<String>, cmd: String) {
        Self::add(&mut self.s.unresolved, phase, branch, text.into(), cmd);
    }
}

/// The point a model decision makes, from its reason (without the
/// `[branch] ` prefix the lists add).
pub fn learned_point(reason: &str) -> String {
    format!(
        "past decisions, learned: {}",
        reason.trim_start_matches("model: ")
    )
}

/// The synthesis of `ev` and the decision `d` made on it.
pub fn synthesize(ev: &Evidence, d: &Decision) -> Synthesis {
    // Phase 8 is stated from the evidence alone; derive it here when the
    // caller did not add it to the records.
    let p8 = if ev.records.iter().any(|r| r.phase == 8) {
        Vec::new()
    } else {
        impact::records(ev)
    };
    let f = Facts {
        records: ev.records.iter().chain(&d.records).chain(&p8).collect(),
    };
    let mut l = Lists::default();
    commit_points(ev, &f, &mut l);
    for b in &ev.branches {
        branch_points(ev, d, &f, b, &mut l);
    }
    not_analysed(ev, &mut l);
    l.s
}

fn commit_points(ev: &Evidence, f: &Facts, l: &mut Lists) {
    let sha = ev.commit.oid.to_string();
    let show = format!("git show -s --format=%B {sha}");
    let cc = ev.message.cc_stable();
    let starts = |p: &'static str| move |r: &Record| r.text.starts_with(p);
    // With no `Fixes:`, the text may still name what it builds on or
    // repairs (`since commit …`, `introduced by #12955`): Phase 6 says
    // where that commit is.
    let names_a_commit = ev
        .records_of(6)
        .any(|r| r.text.contains("] the message names "));
    let no_fixes = if names_a_commit {
        "no Fixes:; its text names a commit instead, see Phase 6"
    } else {
        "no Fixes:"
    };

    // Phase 1: the nomination and the Fixes: tags.
    if cc {
        l.pro(
            1,
            None,
            "the author nominated it for stable (Cc: stable)",
            f.cmd(1, starts("stable nomination"), || {
                format!("{show} | grep -i '^Cc:.*stable'")
            }),
        );
    } else if !ev.project_nominates {
        // Nobody here writes `Cc: stable`: only a missing `Fixes:` is a
        // missing tag, and only where the project writes `Fixes:`.
        if ev.fixes.is_empty() && ev.project_tags_fixes {
            l.con(
                1,
                None,
                if ev.message.fixes_naming_no_commit().is_empty() {
                    format!(
                        "not tagged with the commit it fixes ({no_fixes}; this project does not nominate with Cc: stable)"
                    )
                } else {
                    "not tagged with the commit it fixes (its Fixes: names an issue, not a commit; this project does not nominate with Cc: stable)".to_owned()
                },
                f.cmd(1, starts("trailers parsed"), || format!("{show} | grep -i -E '{FIXES_LINE}'")),
            );
        }
    } else {
        l.con(
            1,
            None,
            if ev.fixes.is_empty() && !ev.message.fixes_naming_no_commit().is_empty() {
                "neither nominated for stable (no Cc: stable) nor tagged with the commit it fixes (its Fixes: names an issue, not a commit)".to_owned()
            } else if ev.fixes.is_empty() {
                format!(
                    "neither nominated for stable (no Cc: stable) nor tagged with the commit it fixes ({no_fixes})"
                )
            } else {
                "not nominated for stable (no Cc: stable), although it names the commit it fixes"
                    .to_owned()
            },
            f.cmd(1, starts("trailers parsed"), || {
                format!("{show} | grep -i -E -e '{FIXES_LINE}' -e '^Cc:.*stable'")
            }),
        );
    }
    if ev.message.noautosel() {
        l.con(
            1,
            None,
            "the author opted out of automatic selection (stable+noautosel)",
            format!("{show} | grep -i 'stable+noautosel'"),
        );
    }
    for t in &ev.fixes {
        let tag = format!("`Fixes: {}", t.prefix);
        let cmd = |fallback: String| f.cmd(1, |r| r.text.starts_with(&tag), || fallback);
        match &t.resolution {
            FixResolution::NotFound => l.open(
                1,
                None,
                format!(
                    "`Fixes: {}` names no commit of this repository: which commit introduced the bug, and so which branches have it, is unknown",
                    t.prefix
                ),
                cmd(format!("git rev-parse --verify '{}^{{commit}}'", t.prefix)),
            ),
            FixResolution::Ambiguous(all) => l.open(
                1,
                None,
                format!(
                    "`Fixes: {}` matches {} commits and its quoted subject does not single one out: the bug-introducing commit is uncertain",
                    t.prefix,
                    all.len()
                ),
                cmd(format!("git rev-parse --disambiguate={}", t.prefix)),
            ),
            FixResolution::Resolved(o) if t.subject_matches == Some(false) => l.open(
                1,
                None,
                format!(
                    "`Fixes: {}` resolves to {} but the quoted subject does not match it: the tag may name the wrong commit",
                    t.prefix,
                    short(*o)
                ),
                cmd(format!("git show -s --format='%H %s' {o}")),
            ),
            FixResolution::Resolved(_) => {}
        }
    }
    // Where the patch applies cleanly, the code it changes is there as on
    // mainline (per branch, below); elsewhere nothing settles it.
    let unsettled: Vec<&str> = ev
        .branches
        .iter()
        .filter(|b| b.backported_as.is_none() && !b.in_base && !pre_image_present(b))
        .map(|b| b.name.as_str())
        .collect();
    if ev.fixes.is_empty() && !unsettled.is_empty() {
        let which = if unsettled.len() == ev.branches.len() {
            "each branch has".to_string()
        } else {
            format!("{} has", unsettled.join(", "))
        };
        l.open(
            6,
            None,
            format!(
                "no Fixes: tag names the commit that introduced the bug, so whether {which} the bug was not established"
            ),
            f.cmd(
                6,
                |r| r.text.contains("bug presence unknown: no Fixes: tag"),
                || format!("{show} | grep -i -E '{FIXES_LINE}'"),
            ),
        );
    }

    // Phase 3: later fixes and reverts.
    if !ev.followup_fixes.is_empty() {
        let list: Vec<String> = ev.followup_fixes.iter().map(|o| short(*o)).collect();
        l.con(
            3,
            None,
            format!(
                "later commits fix this one ({}): a backport needs them too",
                list.join(", ")
            ),
            f.cmd(3, starts("later follow-up fix"), || {
                format!(
                    "git log --format='%H %s' -i --grep='^Fixes: *{}'",
                    &sha[..12]
                )
            }),
        );
    }
    if !ev.reverted_by.is_empty() {
        let list: Vec<String> = ev.reverted_by.iter().map(|o| short(*o)).collect();
        l.con(
            3,
            None,
            format!("reverted on mainline by {}", list.join(", ")),
            f.cmd(3, starts("REVERTED"), || {
                format!("git log --format='%H %s' --grep='This reverts commit {sha}'")
            }),
        );
    }

    // Phase 4: what the list said.
    for r in f.all(4, |_| true) {
        let t = r.text.as_str();
        let c = r.verified_by.clone();
        if t.starts_with("Stable nomination by") || t.contains(" gave \"") {
            l.pro(4, None, t, c);
        } else if t.starts_with("Objection by") || t.starts_with("Stable refusal by") {
            l.con(4, None, t, c);
        } else if t.starts_with("No mailing-list thread found")
            || t.starts_with("The mail archive could not be read")
            || t.starts_with("A newer revision")
        {
            l.open(4, None, t, c);
        }
    }

    // Phase 8: failure, reports, tests, new functionality.
    let tested = ev.message.trailers_named("Tested-by").count();
    if let Some(r) = f.find(8, starts("failure mode named")) {
        l.pro(8, None, r.text.clone(), r.verified_by.clone());
    }
    if let Some(r) = f.find(8, starts(impact::ALLOCATION_FAILS)) {
        l.open(
            8,
            None,
            format!(
                "{}: how often it bothers users is a judgement the stable rules leave to the maintainer",
                r.text
            ),
            r.verified_by.clone(),
        );
    }
    if let Some(r) = f.find(8, starts("reported by a user or a tool")) {
        l.pro(8, None, r.text.clone(), r.verified_by.clone());
    } else if tested == 0
        && let Some(r) = f.find(8, starts("no Reported-by"))
    {
        // Where the project writes no `Tested-by:`, its absence is no sign.
        l.con(
            8,
            None,
            format!(
                "no report on record (no Reported-by, Closes or Bugzilla trailer, bug number, tracker link, CVE or syzbot){}",
                if ev.project_writes_tested_by {
                    " and no Tested-by trailer"
                } else {
                    ""
                }
            ),
            r.verified_by.clone(),
        );
    }
    if tested > 0 {
        let who: Vec<&str> = ev
            .message
            .trailers_named("Tested-by")
            .map(|t| t.value.as_str())
            .collect();
        l.pro(
            8,
            None,
            format!("tested: Tested-by {}", who.join("; ")),
            f.cmd(
                8,
                |r| r.text.ends_with("Tested-by trailer(s)"),
                || format!("{show} | grep -i '^Tested-by:'"),
            ),
        );
    }
    let (reviewed, _) = crate::rules::reviews(ev);
    if reviewed > 0 {
        l.pro(
            1,
            None,
            format!("reviewed: {reviewed} Reviewed-by/Acked-by"),
            f.cmd(9, starts("tested: "), || {
                format!("git show -s --format=%b {sha} | grep -i -E '^(Reviewed|Acked)-by:'")
            }),
        );
    }
    if let Some(r) = f.find(8, starts("looks like new functionality")) {
        l.con(8, None, r.text.clone(), r.verified_by.clone());
    }

    // Phase 9 checklist: size and the exception categories.
    let lines = ev.diff.insertions + ev.diff.deletions;
    let size_cmd = f.cmd(9, starts("size: "), || {
        format!("git show --stat --format= {sha}")
    });
    if lines <= 100 {
        l.pro(
            2,
            None,
            format!("small: {lines} changed lines, within the stable rules' 100-line guideline"),
            size_cmd,
        );
    } else {
        l.con(
            2,
            None,
            format!("large: {lines} changed lines, beyond the stable rules' 100-line guideline"),
            size_cmd,
        );
    }
    if let Some(exceptions) = crate::rules::exception_categories(&ev.kinds) {
        l.pro(
            2,
            None,
            format!(
                "a stable-rules exception category: {}",
                exceptions.join(", ")
            ),
            f.cmd(9, starts("stable-rules exception"), || {
                format!("git show --stat --format= {sha}")
            }),
        );
    }

    // Nearest past decisions (with a model).
    if let Some(r) = f.find(9, starts(similar::NEAREST))
        && let Some((taken, n)) = similar::parse_nearest(&r.text)
    {
        let text = format!("{taken} of the {n} most similar earlier commits were backported");
        match (2 * taken).cmp(&n) {
            std::cmp::Ordering::Greater => l.pro(9, None, text, r.verified_by.clone()),
            std::cmp::Ordering::Less => l.con(9, None, text, r.verified_by.clone()),
            std::cmp::Ordering::Equal => l.open(
                9,
                None,
                format!("{text}: past decisions on similar commits are split"),
                r.verified_by.clone(),
            ),
        }
    }
}

fn branch_points(
    ev: &Evidence,
    d: &Decision,
    f: &Facts,
    b: &stablepick_evidence::BranchFacts,
    l: &mut Lists,
) {
    let name = b.name.as_str();
    let br = Some(name);
    let tag = format!("[{name}] ");
    let mine = |rest: &'static str| {
        let p = format!("{tag}{rest}");
        move |r: &Record| r.text.starts_with(&p)
    };
    if let Some(h) = rules::hard_rule(ev, b)
        && matches!(
            h.label,
            "already backported" | "already in the base" | "already in the branch"
        )
    {
        // Its later fixes the branch lacks are still to do.
        let missing = f.all(6, mine(stablepick_evidence::MISSING_FOLLOWUP));
        let what = if missing.is_empty() {
            "nothing to do"
        } else {
            "nothing to do for this commit"
        };
        l.con(9, br, format!("{}: {what}", h.reason), h.verified_by);
        for r in missing {
            l.open(6, br, r.text.clone(), r.verified_by.clone());
        }
        return;
    }
    if let Some((reason, cmd)) = rules::hint_excludes(ev, b) {
        l.con(1, br, reason, cmd);
    } else if b.version.is_none()
        && let Some(min) = rules::min_hint(ev)
    {
        l.open(
            1,
            br,
            format!(
                "the branch's version is unknown, so the author's `# {}+` stable hint could not be checked against it",
                rules::dotted(&min)
            ),
            format!(
                "git show -s --format=%B {} | grep -i '^Cc:.*stable'",
                ev.commit.oid
            ),
        );
    }

    // A pull request's other commits the branch lacks: a test needs its
    // fix, a fix may need the change before it.
    if b.pull_siblings_missing > 0
        && let Some(r) = f
            .find(6, mine(stablepick_evidence::PULL_SIBLINGS))
            .or_else(|| f.find(6, mine(stablepick_evidence::SERIES_SIBLINGS)))
    {
        let group = if r.text.contains(stablepick_evidence::SERIES_SIBLINGS) {
            "series"
        } else {
            "pull request"
        };
        l.open(
            6,
            br,
            format!(
                "{} other commit(s) of its {group} are not in this branch: a backport may need them with it ({})",
                b.pull_siblings_missing,
                r.text.split_once(": ").map_or("", |x| x.1)
            ),
            r.verified_by.clone(),
        );
    }

    // A revert of a commit the branch never had undoes nothing there.
    if b.reverted_present == Some(false) {
        for r in f.all(6, mine(stablepick_evidence::REVERTED_COMMIT)) {
            l.con(6, br, r.text.clone(), r.verified_by.clone());
        }
    }

    // Is the bug there?
    match b.bug_present {
        Some(true) => {
            if let Some(r) = f.find(6, mine("bug present")) {
                l.pro(6, br, r.text.clone(), r.verified_by.clone());
            }
        }
        Some(false) => {
            if let Some(r) = f.find(6, mine("bug not present")) {
                l.con(6, br, r.text.clone(), r.verified_by.clone());
            }
        }
        None if ev.fixes.is_empty() && b.backported_as.is_none() && pre_image_present(b) => {
            if let Some(r) = f.find(6, |r| {
                r.text.starts_with(&format!("{tag}the patch applies"))
            }) {
                l.pro(
                    6,
                    br,
                    "no Fixes: tag, but the lines the patch changes are at the branch tip as on mainline (it applies cleanly), so the code it fixes is there",
                    r.verified_by.clone(),
                );
            }
        }
        None => {}
    }

    // Is the touched code there?
    let missing_files: Vec<&str> = b
        .files_present
        .iter()
        .filter(|(_, p)| !p)
        .map(|(f, _)| f.as_str())
        .collect();
    let absent_fns: Vec<&str> = b
        .functions_present
        .iter()
        .filter(|(_, p)| !p)
        .map(|(f, _)| f.as_str())
        .collect();
    // A function the commit adds is absent from every branch: no argument
    // against this one.
    let added = stablepick_evidence::kinds::new_function_names(&ev.diff);
    let missing_fns: Vec<&str> = absent_fns
        .iter()
        .copied()
        .filter(|f| !added.iter().any(|a| a == f))
        .collect();
    if !b.files_present.is_empty()
        && missing_files.is_empty()
        && absent_fns.is_empty()
        && b.macros_present.iter().all(|(_, here)| *here)
    {
        l.pro(
            6,
            br,
            stablepick_evidence::every_file_summary(
                &b.files_present,
                &b.functions_present,
                ev.diff.created_files(),
            ),
            f.cmd(
                6,
                |r| {
                    r.text
                        .starts_with(&format!("{tag}{}", stablepick_evidence::EVERY_FILE))
                },
                || {
                    stablepick_evidence::record::in_tree(
                        &stablepick_evidence::record::sh(&b.display_ref),
                        &b.files_present[0].0,
                    )
                },
            ),
        );
    }
    for path in &missing_files {
        // Moved on mainline: the branch has the file under its old path.
        if let Some((_, alt)) = b.moved.iter().find(|(m, _)| m == path) {
            let p = format!("{tag}`{alt}` exists");
            if let Some(r) = f.find(6, |r| r.text.starts_with(&p)) {
                l.open(
                    6,
                    br,
                    format!(
                        "`{path}` is `{alt}` at the branch tip (the file moved on mainline): the patch needs its paths changed, and its code compared"
                    ),
                    r.verified_by.clone(),
                );
                continue;
            }
        }
        let p = format!("{tag}`{path}` does NOT exist");
        l.con(
            6,
            br,
            format!("`{path}` does not exist at the branch tip"),
            f.cmd(
                6,
                |r| r.text.starts_with(&p),
                || {
                    format!(
                        "! {}",
                        stablepick_evidence::record::in_tree(
                            &stablepick_evidence::record::sh(&b.display_ref),
                            path
                        )
                    )
                },
            ),
        );
    }
    if !missing_fns.is_empty() {
        l.con(
            6,
            br,
            format!(
                "touched function(s) not defined at the branch tip: {}",
                missing_fns
                    .iter()
                    .map(|f| format!("`{f}()`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            f.cmd(
                6,
                |r| {
                    r.text
                        .starts_with(&format!("{tag}function `{}()`", missing_fns[0]))
                        && r.text.contains("is NOT")
                },
                || format!("git grep -n -w {} {}", missing_fns[0], b.display_ref),
            ),
        );
    }

    let missing_macros: Vec<&str> = b
        .macros_present
        .iter()
        .filter(|(_, here)| !here)
        .map(|(m, _)| m.as_str())
        .collect();
    if let Some(first) = missing_macros.first() {
        l.con(
            6,
            br,
            format!(
                "touched macro(s) not defined at the branch tip: {}",
                missing_macros
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            f.cmd(
                6,
                |r| r.text.starts_with(&format!("{tag}macro `{first}` is NOT")),
                || format!("git grep -n -w {first} {}", b.display_ref),
            ),
        );
    }

    // Names the patch's new lines call that the branch defines nowhere.
    let undefined = f.all(5, |r| {
        r.text
            .starts_with(&format!("{tag}{}", stablepick_evidence::CALLS_UNDEFINED))
    });
    if let Some(first) = undefined.first() {
        let names: Vec<String> = undefined
            .iter()
            .filter_map(|r| r.text.split('`').nth(1).map(|n| format!("`{n}`")))
            .collect();
        l.con(
            5,
            br,
            format!(
                "the patch calls {} the branch tip does not define: it needs the commit(s) that added {}, or adapting",
                stablepick_evidence::record::capped_list(&names, 5),
                if names.len() == 1 { "it" } else { "them" }
            ),
            first.verified_by.clone(),
        );
    }

    // Will it apply, and what does it need first?
    let apply_rec = f.find(6, |r| {
        r.text.starts_with(&format!("{tag}the patch applies"))
            || r.text
                .starts_with(&format!("{tag}the patch does NOT apply"))
    });
    let apply_cmd = || {
        apply_rec.map(|r| r.verified_by.clone()).unwrap_or_else(|| {
            stablepick_repo::apply::temp_worktree_command(
                &stablepick_evidence::record::sh(&b.display_ref),
                &ev.commit.oid.to_string(),
                &format!(
                    "git show --binary --format= {} | git -C \"$wt\" apply -v --check",
                    ev.commit.oid
                ),
            )
        })
    };
    let three_way = f.find(6, mine(stablepick_evidence::THREE_WAY));
    match b.applies {
        Some(Applies::Fuzz | Applies::Conflict)
            if b.merges_cleanly == Some(true)
                && let Some(r) = three_way =>
        {
            l.open(
                6,
                br,
                "the patch does not apply as it is, but a three-way merge (`git cherry-pick`) takes it cleanly: the merged result needs a reviewer's check",
                r.verified_by.clone(),
            )
        }
        Some(Applies::Clean) => l.pro(6, br, "the patch applies cleanly to the branch tip", apply_cmd()),
        Some(Applies::Offset) => l.pro(
            6,
            br,
            "the patch applies to the branch tip with line offsets",
            apply_cmd(),
        ),
        Some(Applies::Fuzz) => l.open(
            6,
            br,
            "the patch applies to the branch tip only with fuzz: whether the result is right needs a reviewer's check",
            apply_cmd(),
        ),
        Some(Applies::Conflict) => l.con(
            6,
            br,
            "the patch does not apply to the branch tip: it needs adapting or prerequisites",
            apply_cmd(),
        ),
        None => {}
    }
    if !b.prerequisites.is_empty() {
        let list: Vec<String> = b.prerequisites.iter().map(|o| short(*o)).collect();
        l.con(
            6,
            br,
            format!(
                "needs {} upstream commit(s) first: {}",
                list.len(),
                list.join(", ")
            ),
            f.cmd(6, mine("prerequisite"), || {
                format!("git log --format='%H %s' {}..{}^", b.base, ev.commit.oid)
            }),
        );
    }
    let cut = f.all(6, mine("the prerequisite list may be incomplete"));
    for r in &cut {
        l.open(6, br, r.text.clone(), r.verified_by.clone());
    }
    let bd = d.branches.iter().find(|x| x.branch == name);
    let yes = bd.is_some_and(|x| x.verdict == Some(Verdict::Yes));
    if yes
        && b.applies == Some(Applies::Conflict)
        && b.merges_cleanly != Some(true)
        && b.prerequisites.is_empty()
        && cut.is_empty()
    {
        l.open(
            6,
            br,
            "the patch does not apply and no prerequisite explains the conflict: it needs a hand-made backport",
            apply_cmd(),
        );
    }

    // The model, where it decided, and where it is unsure.
    if let Some(bd) = bd.filter(|x| x.decided_by.by_model()) {
        let cmd = f.cmd(9, |r| r.text.starts_with(&tag) && r.text.contains(" — model: "), || {
            format!("stablepick triage --repo . --stable {name}={} --model MODEL --format jsonl {}^..{}", b.base, ev.commit.oid, ev.commit.oid)
        });
        let text = learned_point(&bd.reason);
        if bd.verdict == Some(Verdict::Yes) {
            l.pro(9, br, text, cmd);
        } else {
            l.con(9, br, text, cmd);
        }
    }
    // A model YES the range's window share held back: the cut is the
    // argument against, as on printed lines (`triage` adds it there).
    if bd.is_some_and(|x| x.decided_by == DecidedBy::WindowShare)
        && let Some(r) = f.find(9, mine("window share:"))
    {
        l.con(9, br, r.text.clone(), r.verified_by.clone());
    }
    for what in [DISAGREE, CLOSE_CALL] {
        let p = format!("{tag}{what}");
        if let Some(r) = f.find(9, |r| r.text.starts_with(&p)) {
            l.open(9, br, r.text.clone(), r.verified_by.clone());
        }
    }
}

/// Phases the evidence could not cover, and the command that would.
fn not_analysed(ev: &Evidence, l: &mut Lists) {
    let sha = ev.commit.oid;
    for (p, why) in &ev.not_analysed {
        let (what, cmd) = match p {
            4 => (
                ": reviews, objections and stable requests on the list are unchecked (the command imports the list's archive, ARCHIVE being its mbox, maildir or public-inbox, and analyses with it)",
                format!(
                    "stablepick mail import --db stablepick-mail.db ARCHIVE && stablepick analyze --repo . --mail stablepick-mail.db {sha}"
                ),
            ),
            // Asked for but with nothing to read: the files and hunk
            // headers show what the change touches instead.
            5 if !why.starts_with("code semantics not analysed") => (
                if why.starts_with(stablepick_evidence::GO_NOT_ANALYSED) {
                    ": whether users can reach them is unchecked"
                } else {
                    ": whether users can reach the touched code is unchecked"
                },
                format!("git show --format= {sha} | grep -E '^(\\+\\+\\+|@@)'"),
            ),
            5 => (
                ": whether users can reach the touched code is unchecked",
                format!("stablepick analyze --repo . --code {sha}"),
            ),
            _ => ("", format!("stablepick analyze --repo . {sha}")),
        };
        l.open(*p, None, format!("{why}{what}"), cmd);
    }
}

/// The patch applies to the branch tip cleanly or with offsets only: the
/// lines it changes, and their context, are there as on mainline.
fn pre_image_present(b: &stablepick_evidence::BranchFacts) -> bool {
    matches!(b.applies, Some(Applies::Clean | Applies::Offset))
}
