//! The JSON contract.

use stablepick_evidence::{Evidence, FixResolution, Record};
use stablepick_verdict::Decision;
use stablepick_verdict::synthesis::{Point, Synthesis, synthesize};

#[derive(Debug, Clone, serde::Serialize)]
pub struct FixJson {
    /// Full sha of the target; `null` when the tag resolves to no single commit.
    pub sha: Option<String>,
    pub first_release: Option<String>,
    /// The abbreviated sha as written.
    pub prefix: String,
    /// `resolved`, `ambiguous` or `not-found`.
    pub resolution: &'static str,
    pub subject: Option<String>,
    pub subject_matches: Option<bool>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BranchJson {
    pub branch: String,
    pub base: String,
    pub backported_as: Option<String>,
    pub bug_present: Option<bool>,
    pub verdict: Option<&'static str>,
    /// `line`, `patch-id` or `subject` when backported.
    pub backported_via: Option<&'static str>,
    /// What the backport's own backport line names where that is not this
    /// commit (a sha the repository lacks): found by patch or subject, it
    /// still has a line.
    pub backport_line_names: Option<String>,
    pub in_base: bool,
    /// The branch has this change without the commit: its patch applies in
    /// reverse at the tip.
    pub content_present: bool,
    /// For a revert: is a commit it reverts in the branch (null for a
    /// commit that reverts nothing)?
    pub reverted_present: Option<bool>,
    pub score: f64,
    pub reason: String,
    /// What decided: `hard_rule`, `list`, `rules`, `model`, `window_share`
    /// or `prerequisite`; `null` when the branch has no decision.
    pub decided_by: Option<stablepick_verdict::DecidedBy>,
    /// Phase 5 at the branch tip: per touched function, callers and entry kinds.
    pub functions: Vec<FunctionJson>,
    /// `clean`, `offset`, `fuzz` or `conflict` at the branch tip; `null`
    /// when not checked (already there).
    pub applies: Option<stablepick_repo::apply::Applies>,
    /// Upstream commits (full shas) to backport first, in applying order.
    pub prerequisites: Vec<String>,
    /// `true`: the patch applies once `prerequisites` are applied first;
    /// `false`: it still conflicts after them (adapt it by hand); `null`:
    /// not checked (it applies as is, or no prerequisite was found).
    pub prerequisites_suffice: Option<bool>,
}

/// Phase 5 facts for one touched function at one revision.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FunctionJson {
    pub function: String,
    /// The file the commit changes the function in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub callers: Vec<stablepick_code::CallSite>,
    pub entry_kinds: Vec<String>,
    /// An unprivileged system call or ioctl reaches it: a kernel's notion,
    /// `false` in a tree that defines no system calls.
    pub user_reachable: bool,
    /// Some entry point reaches it (any kind but `none-found`): a program's
    /// `main()`, an exported function, a handler, a system call.
    pub entry_found: bool,
}

fn functions_at(ev: &Evidence, at: &str) -> Vec<FunctionJson> {
    ev.reach
        .iter()
        .filter(|r| r.at == at)
        .map(|r| FunctionJson {
            function: r.function.clone(),
            file: r.file.clone(),
            callers: r.callers.clone(),
            entry_kinds: r.entry_kinds.clone(),
            user_reachable: r.user_reachable,
            entry_found: r.entry_kinds.iter().any(|k| k != "none-found"),
        })
        .collect()
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub commit: String,
    pub subject: String,
    pub first_release: Option<String>,
    pub fixes: Vec<FixJson>,
    pub branches: Vec<BranchJson>,
    pub verdict: Option<&'static str>,
    pub score: Option<f64>,
    pub records: Vec<Record>,
    pub author: String,
    pub subsystem: Option<String>,
    pub kinds: Vec<&'static str>,
    pub files: Vec<String>,
    pub functions: Vec<String>,
    /// Phase 5 at the commit itself.
    pub functions_reach: Vec<FunctionJson>,
    pub insertions: usize,
    pub deletions: usize,
    pub followup_fixes: Vec<String>,
    pub reverted_by: Vec<String>,
    pub phases_not_analysed: Vec<u8>,
    /// Phase 9: the facts that argue for a backport, each with the command
    /// of the record it comes from (`{"phase", "branch", "text", "verified_by"}`).
    pub evidence_for: Vec<Point>,
    /// Phase 9: the facts that argue against it.
    pub evidence_against: Vec<Point>,
    /// Phase 9: what could not be checked or stays uncertain.
    pub unresolved: Vec<Point>,
}

impl Report {
    pub fn new(ev: &Evidence, d: &Decision) -> Report {
        let mut records = ev.records.clone();
        records.extend(d.records.iter().cloned());
        records.sort_by_key(|r| r.phase);
        let Synthesis {
            evidence_for,
            evidence_against,
            unresolved,
        } = synthesize(ev, d);
        Report {
            commit: ev.commit.oid.to_string(),
            subject: ev.commit.subject.clone(),
            first_release: ev.first_release.clone(),
            fixes: ev
                .fixes
                .iter()
                .map(|f| FixJson {
                    sha: f.oid().map(|o| o.to_string()),
                    first_release: f.first_release.clone(),
                    prefix: f.prefix.clone(),
                    resolution: match f.resolution {
                        FixResolution::Resolved(_) => "resolved",
                        FixResolution::Ambiguous(_) => "ambiguous",
                        FixResolution::NotFound => "not-found",
                    },
                    subject: f.subject.clone(),
                    subject_matches: f.subject_matches,
                })
                .collect(),
            branches: ev
                .branches
                .iter()
                .map(|b| {
                    let dec = d.branches.iter().find(|x| x.branch == b.name);
                    // Prerequisites are searched for a YES; a YES the range's
                    // window-share cut turned to NO keeps none, as any NO.
                    let yes = dec.and_then(|x| x.verdict) == Some(stablepick_verdict::Verdict::Yes);
                    BranchJson {
                        branch: b.name.clone(),
                        base: b.base.clone(),
                        backported_as: b.backported_as.map(|o| o.to_string()),
                        bug_present: b.bug_present,
                        verdict: dec.and_then(|x| x.verdict).map(|v| v.as_str()),
                        backported_via: b.backported_via.map(|v| match v {
                            stablepick_repo::BackportVia::Line => "line",
                            stablepick_repo::BackportVia::PatchId => "patch-id",
                            stablepick_repo::BackportVia::Subject => "subject",
                            stablepick_repo::BackportVia::Merge(_) => "merge",
                            stablepick_repo::BackportVia::Itself => "itself",
                        }),
                        backport_line_names: b.backport_line_names.clone(),
                        in_base: b.in_base,
                        content_present: b.content_present,
                        reverted_present: b.reverted_present,
                        score: dec.map(|x| x.score).unwrap_or(0.0),
                        reason: dec.map(|x| x.reason.clone()).unwrap_or_default(),
                        decided_by: dec.map(|x| x.decided_by),
                        functions: functions_at(ev, &b.name),
                        applies: b.applies,
                        prerequisites: if yes {
                            b.prerequisites.iter().map(|o| o.to_string()).collect()
                        } else {
                            Vec::new()
                        },
                        prerequisites_suffice: b.prerequisites_suffice.filter(|_| yes),
                    }
                })
                .collect(),
            verdict: d.verdict.map(|v| v.as_str()),
            score: d.score,
            records,
            author: format!("{} <{}>", ev.commit.author_name, ev.commit.author_email),
            subsystem: ev.subsystem.clone(),
            kinds: ev.kinds.iter().map(|k| k.label()).collect(),
            files: ev.diff.paths(),
            functions: ev.diff.functions(),
            functions_reach: functions_at(ev, "commit"),
            insertions: ev.diff.insertions,
            deletions: ev.diff.deletions,
            followup_fixes: ev.followup_fixes.iter().map(|o| o.to_string()).collect(),
            reverted_by: ev.reverted_by.iter().map(|o| o.to_string()).collect(),
            phases_not_analysed: ev.not_analysed.iter().map(|(p, _)| *p).collect(),
            evidence_for,
            evidence_against,
            unresolved,
        }
    }
}
