//! `stablepick applies`: Phase 6's apply check alone, for every commit of a
//! range against every stable branch. It answers "which of these go in as
//! they are?" for a whole window at the cost of reading each diff once,
//! without the rest of the evidence a full triage collects.

use crate::analyze::RepoArgs;
use anyhow::Result;
use clap::{Args, ValueEnum};
use stablepick_evidence::record::sh;
use stablepick_repo::apply::{Applies, CommitPatch, temp_index_command};
use stablepick_repo::{Git, Oid, RepoIndex};
use stablepick_verdict::learn::par_map_git;
use std::fmt::Write as _;

#[derive(Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum AppliesFormat {
    /// One JSON object per commit.
    #[default]
    Jsonl,
    /// One line per commit: the outcome per branch.
    Table,
}

#[derive(Args)]
pub struct AppliesArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// The commits to check: a git range `A..B` (or one revision).
    pub range: String,
    #[arg(long, value_enum, default_value_t = AppliesFormat::Jsonl)]
    pub format: AppliesFormat,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
}

/// One branch's answer for one commit.
#[derive(serde::Serialize)]
struct BranchApplies {
    branch: String,
    /// `clean`, `offset`, `fuzz` or `conflict` at the branch tip; `null`
    /// when the branch has the commit already.
    applies: Option<Applies>,
    in_base: bool,
    backported_as: Option<String>,
    /// Files that do not apply, when it conflicts.
    conflicts: Vec<String>,
    /// The same check with git, on a temporary index of the branch.
    verified_by: String,
}

#[derive(serde::Serialize)]
struct CommitApplies {
    commit: String,
    subject: String,
    branches: Vec<BranchApplies>,
}

fn check_commit(git: &Git, index: &RepoIndex, oid: Oid) -> Result<CommitApplies> {
    let sha = oid.to_string();
    let subject = git.commit_info(oid)?.subject;
    let mut out = Vec::new();
    let mut todo = Vec::new();
    for b in index.branches() {
        let in_base = index.in_base(git, oid, b)?;
        let backported_as = b.backported_as(oid).first().map(|o| o.to_string());
        if !in_base && backported_as.is_none() {
            todo.push(out.len());
        }
        out.push(BranchApplies {
            branch: b.branch.name.clone(),
            applies: None,
            in_base,
            backported_as,
            conflicts: Vec::new(),
            verified_by: temp_index_command(&format!(
                "git read-tree {} && git show --binary --format= {sha} | git apply --cached --check",
                sh(b.branch.display_ref())
            )),
        });
    }
    if !todo.is_empty() {
        let tips: Vec<Oid> = todo
            .iter()
            .map(|&i| index.branches()[i].branch.tip())
            .collect();
        let patch = CommitPatch::for_targets(git, oid, &tips)?;
        for (&i, &tip) in todo.iter().zip(&tips) {
            let report = patch.check(git, tip)?;
            out[i].conflicts = report
                .conflicts()
                .map(|f| f.missing_path().to_string())
                .collect();
            out[i].applies = Some(report.applies);
        }
    }
    Ok(CommitApplies {
        commit: sha,
        subject,
        branches: out,
    })
}

pub fn run(a: AppliesArgs) -> Result<()> {
    if let Some(n) = a.jobs {
        // Only fails when a pool already exists, which it cannot here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let (git, index) = a.repo.open()?;
    if index.branches().is_empty() {
        anyhow::bail!(
            "no stable branch to check against: none was found by name; name them with --stable BRANCH=BASE"
        );
    }
    let oids = crate::cmd_triage::range_commits(&git, &a.range)?;
    let rows = par_map_git(git.git_dir(), &oids, |g, &oid| check_commit(g, &index, oid))?;
    let mut text = String::new();
    let mut failed = 0;
    if a.format == AppliesFormat::Table {
        let names: Vec<&str> = index
            .branches()
            .iter()
            .map(|b| b.branch.name.as_str())
            .collect();
        let _ = writeln!(text, "{:<12} {:<30} subject", "commit", names.join(","));
    }
    for (row, oid) in rows.into_iter().zip(&oids) {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                eprintln!("stablepick: {oid} not checked: {e:#}");
                failed += 1;
                continue;
            }
        };
        match a.format {
            AppliesFormat::Jsonl => {
                text.push_str(&serde_json::to_string(&row)?);
                text.push('\n');
            }
            AppliesFormat::Table => {
                let per: Vec<&str> = row
                    .branches
                    .iter()
                    .map(
                        |b| match (b.applies, b.in_base || b.backported_as.is_some()) {
                            (_, true) => "has it",
                            (Some(x), false) => x.as_str(),
                            (None, false) => "-",
                        },
                    )
                    .collect();
                let _ = writeln!(
                    text,
                    "{:<12} {:<30} {}",
                    &row.commit[..12],
                    per.join(","),
                    row.subject
                );
            }
        }
    }
    crate::analyze::print_out(&text)?;
    eprintln!(
        "stablepick: {} commits × {} branches checked",
        oids.len() - failed,
        index.branches().len()
    );
    if failed > 0 {
        anyhow::bail!("{failed} commit(s) could not be checked (named above)");
    }
    Ok(())
}
