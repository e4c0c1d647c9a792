//! Index build and per-commit analysis, beside the plain git commands a
//! maintainer runs for the same facts.
//!
//!     cargo run --release -p stablepick-bench --bin bench-analyze -- \
//!         ~/scratch/dpdk v23.11..v24.07 100 22.11=v22.11 23.11=v23.11 24.11=v24.11
//!
//! Prints: cold index build (no cache) and its peak memory, warm index load,
//! in-process analyze time per commit (evidence + verdict + JSON), and the
//! time of the equivalent git commands per commit (first release, Fixes
//! resolution and releases, backport look-ups and bug presence per branch,
//! recent and author history of the touched files, the diffstat).

use anyhow::{Context as _, Result};
use stablepick_bench::peak_rss_mib;
use stablepick_evidence::{Context, collect};
use stablepick_repo::{Git, IndexOptions, Oid, RepoIndex, StableSpec};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .expect("run git");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let n = v.len().max(1);
    let mean = v.iter().sum::<Duration>() / n as u32;
    format!(
        "mean {:>8.2} ms  p50 {:>8.2} ms  p95 {:>8.2} ms",
        mean.as_secs_f64() * 1e3,
        v[v.len() / 2].as_secs_f64() * 1e3,
        v[(v.len() * 95 / 100).min(v.len() - 1)].as_secs_f64() * 1e3
    )
}

/// The git commands that establish the facts of the JSON contract and the
/// Phase 3 history records for one commit.
fn plain_git(repo: &Path, c: Oid, branches: &[(String, String, String)]) {
    let sha = c.to_string();
    git(repo, &["tag", "--contains", &sha]);
    let msg = git(repo, &["show", "-s", "--format=%B", &sha]);
    let mut targets = Vec::new();
    for line in msg.lines() {
        if let Some(rest) = line.strip_prefix("Fixes:") {
            let prefix = rest.split_whitespace().next().unwrap_or("");
            let t = git(
                repo,
                &[
                    "rev-parse",
                    "--verify",
                    "-q",
                    &format!("{prefix}^{{commit}}"),
                ],
            );
            let t = t.trim().to_string();
            if !t.is_empty() {
                git(repo, &["tag", "--contains", &t]);
                targets.push(t);
            }
        }
    }
    let files = git(repo, &["show", "--format=", "--name-only", &sha]);
    let paths: Vec<&str> = files.lines().filter(|l| !l.is_empty()).collect();
    for (_, base, r) in branches {
        let range = format!("{base}..{r}");
        git(
            repo,
            &["log", "--format=%H", "-F", &format!("--grep={sha}"), &range],
        );
        git(repo, &["merge-base", "--is-ancestor", &sha, base]);
        for t in &targets {
            git(repo, &["merge-base", "--is-ancestor", t, base]);
            git(
                repo,
                &["log", "--format=%H", "-F", &format!("--grep={t}"), &range],
            );
        }
        for p in &paths {
            git(repo, &["cat-file", "-e", &format!("{r}:{p}")]);
        }
    }
    let parent = format!("{sha}^");
    let mut args = vec!["log", "--format=%H", "-5", "--no-merges", &parent, "--"];
    args.extend(paths.iter().copied());
    git(repo, &args);
    let author = git(repo, &["show", "-s", "--format=%ae", &sha]);
    let author = format!("--author={}", author.trim());
    let mut args = vec![
        "log",
        "--format=%H",
        "-5",
        "--no-merges",
        &author,
        &parent,
        "--",
    ];
    args.extend(paths.iter().copied());
    git(repo, &args);
    git(
        repo,
        &[
            "log",
            "--format=%H",
            "-i",
            &format!("--grep=^Fixes: *{}", &sha[..8]),
        ],
    );
    git(repo, &["show", "--stat", "--format=", &sha]);
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        anyhow::bail!("usage: bench-analyze REPO RANGE N [BRANCH=BASE]...");
    }
    let repo = PathBuf::from(&args[0]);
    let range = &args[1];
    let n: usize = args[2].parse().context("N")?;
    let specs: Vec<StableSpec> = args[3..]
        .iter()
        .map(|s| s.parse())
        .collect::<Result<_, _>>()?;

    let git_repo = Git::open(&repo)?;
    let opts = IndexOptions {
        stable: specs.clone(),
        no_cache: true,
        ..Default::default()
    };
    let t = Instant::now();
    let index = RepoIndex::open(&git_repo, &opts)?;
    let cold = t.elapsed();
    let rss = peak_rss_mib();
    println!(
        "index build, cold: {:.2} s, {} commits, peak RSS {:.0} MiB",
        cold.as_secs_f64(),
        index.commit_count(),
        rss
    );
    drop(index);
    let opts = IndexOptions {
        stable: specs,
        ..Default::default()
    };
    RepoIndex::open(&git_repo, &opts)?; // writes the cache
    let mut warm = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let idx = RepoIndex::open(&git_repo, &opts)?;
        assert!(idx.stats.from_cache);
        warm.push(t.elapsed());
    }
    println!("index load, warm (5 runs): {}", stats(warm));
    let index = RepoIndex::open(&git_repo, &opts)?;

    let (lo, hi) = range.split_once("..").context("RANGE must be A..B")?;
    let mut walk = git_repo.repo().revwalk()?;
    walk.push(git_repo.resolve_commit(hi)?)?;
    walk.hide(git_repo.resolve_commit(lo)?)?;
    let mut commits: Vec<Oid> = Vec::new();
    for o in walk {
        let o = o?;
        if git_repo.repo().find_commit(o)?.parent_count() == 1 {
            commits.push(o);
        }
    }
    let step = (commits.len() / n.max(1)).max(1);
    let sample: Vec<Oid> = commits.iter().step_by(step).take(n).copied().collect();

    let ctx = Context::new(&git_repo, &index);
    let mut ours = Vec::new();
    for &c in &sample {
        let t = Instant::now();
        let mut ev = collect(&ctx, c)?;
        let d = stablepick_verdict::decide(&ev);
        // As `analyze` does: prerequisites for the branches that say YES.
        for b in &d.branches {
            if b.verdict == Some(stablepick_verdict::Verdict::Yes) {
                stablepick_evidence::prerequisites_for(&ctx, &mut ev, &b.branch)?;
            }
        }
        let json = serde_json::to_string(&stablepick_report::Report::new(&ev, &d))?;
        std::hint::black_box(json);
        ours.push(t.elapsed());
    }
    println!(
        "stablepick analyze, warm index, in-process ({} commits of {range}): {}",
        sample.len(),
        stats(ours)
    );

    let branches: Vec<(String, String, String)> = index
        .branches()
        .iter()
        .map(|b| {
            (
                b.branch.name.clone(),
                b.branch.base.clone(),
                b.branch.display_ref().to_string(),
            )
        })
        .collect();
    let mut theirs = Vec::new();
    for &c in &sample {
        let t = Instant::now();
        plain_git(&repo, c, &branches);
        theirs.push(t.elapsed());
    }
    println!(
        "plain git, the same facts (same commits): {}",
        stats(theirs)
    );
    Ok(())
}
