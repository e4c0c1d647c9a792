//! Scale benchmark on a repository made by `gen-kernel`: index build cold
//! and its peak memory, warm index load, and triage of the last ~13,000
//! mainline commits (a merge window) against the six stable branches.
//!
//!     cargo run --release -p stablepick-bench --bin bench-scale -- \
//!         /root/scratch/kernel-1m [--window-commits 13000] [--jobs N]
//!
//! Every figure is measured in a fresh process (this binary re-executed
//! with `--figure`), so one figure's peak memory (VmHWM) does not carry into
//! the next. Triage is measured twice: with the `stablepick triage` command
//! built next to this binary (`--format jsonl`, output discarded; peak
//! memory from `/usr/bin/time`), and in-process (evidence + verdict per
//! commit in a rayon pool, one `Git` per worker) to separate the library
//! from the command's own work.

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;
use stablepick_bench::peak_rss_mib;
use stablepick_evidence::{Context, collect};
use stablepick_repo::{Git, IndexOptions, Oid, RepoIndex, StableSpec};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn git_out(repo: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()?;
    if !out.status.success() {
        bail!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

/// `linux-X.Y.y=vX.Y` for every stable branch of the repository.
fn specs(repo: &Path) -> Result<Vec<String>> {
    let list = git_out(
        repo,
        &[
            "for-each-ref",
            "--format=%(refname:short)",
            "refs/heads/linux-*",
        ],
    )?;
    let mut v: Vec<(Vec<u32>, String)> = list
        .lines()
        .filter_map(|b| {
            let ver = b.strip_prefix("linux-")?.strip_suffix(".y")?;
            let key = ver.split('.').map(|p| p.parse().unwrap_or(0)).collect();
            Some((key, format!("{b}=v{ver}")))
        })
        .collect();
    v.sort();
    Ok(v.into_iter().map(|(_, s)| s).collect())
}

/// One figure, in this process; prints `seconds peak_mib extra`.
fn figure(kind: &str, repo: &Path, specs: &[String], range: &str) -> Result<()> {
    let stable: Vec<StableSpec> = specs.iter().map(|s| s.parse()).collect::<Result<_, _>>()?;
    let git = Git::open(repo)?;
    let t = Instant::now();
    match kind {
        "cold" => {
            let idx = RepoIndex::open(
                &git,
                &IndexOptions {
                    stable,
                    no_cache: true,
                    ..Default::default()
                },
            )?;
            let secs = t.elapsed().as_secs_f64();
            println!("{secs:.3} {:.0} {}", peak_rss_mib(), idx.commit_count());
        }
        "write-cache" => {
            RepoIndex::open(
                &git,
                &IndexOptions {
                    stable,
                    rebuild: true,
                    ..Default::default()
                },
            )?;
            println!("{:.3} {:.0} 0", t.elapsed().as_secs_f64(), peak_rss_mib());
        }
        "warm" => {
            let idx = RepoIndex::open(
                &git,
                &IndexOptions {
                    stable,
                    ..Default::default()
                },
            )?;
            if !idx.stats.from_cache {
                bail!("index cache was not used");
            }
            println!("{:.3} {:.0} 0", t.elapsed().as_secs_f64(), peak_rss_mib());
        }
        "triage" => {
            let idx = RepoIndex::open(
                &git,
                &IndexOptions {
                    stable,
                    ..Default::default()
                },
            )?;
            let load = t.elapsed().as_secs_f64();
            let oids = window(&git, range)?;
            let t2 = Instant::now();
            let dir = git.git_dir().to_path_buf();
            let yes: usize = oids
                .par_iter()
                .map_init(
                    || Git::open(&dir).expect("opened once already"),
                    |g, &oid| -> Result<usize> {
                        // As `stablepick triage` runs it: no Phase 3 file
                        // history walk per commit.
                        let mut ctx = Context::new(g, &idx);
                        ctx.file_history = false;
                        let ev = collect(&ctx, oid)?;
                        let d = stablepick_verdict::decide(&ev);
                        Ok(d.branches
                            .iter()
                            .filter(|b| b.verdict == Some(stablepick_verdict::Verdict::Yes))
                            .count())
                    },
                )
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .sum();
            let secs = t2.elapsed().as_secs_f64();
            eprintln!(
                "in-process: index load {load:.2} s, {} commits, {yes} YES (commit, branch) pairs",
                oids.len()
            );
            println!("{secs:.3} {:.0} {}", peak_rss_mib(), oids.len());
        }
        _ => bail!("unknown figure {kind}"),
    }
    Ok(())
}

/// The non-merge commits of `A..B`, newest first.
fn window(git: &Git, range: &str) -> Result<Vec<Oid>> {
    let (lo, hi) = range.split_once("..").context("range A..B")?;
    let mut walk = git.repo().revwalk()?;
    walk.push(git.resolve_commit(hi)?)?;
    walk.hide(git.resolve_commit(lo)?)?;
    let mut v = Vec::new();
    for o in walk {
        let o = o?;
        if git.repo().find_commit(o)?.parent_count() == 1 {
            v.push(o);
        }
    }
    Ok(v)
}

struct Fig {
    secs: f64,
    mib: f64,
    extra: u64,
}

fn run_figure(
    exe: &Path,
    kind: &str,
    repo: &Path,
    specs: &[String],
    range: &str,
    jobs: Option<usize>,
) -> Result<Fig> {
    let mut cmd = Command::new(exe);
    cmd.args(["--figure", kind, "--range", range])
        .arg(repo)
        .args(specs);
    if let Some(j) = jobs {
        cmd.env("RAYON_NUM_THREADS", j.to_string());
    }
    let out = cmd.stderr(Stdio::inherit()).output()?;
    if !out.status.success() {
        bail!("figure {kind} failed");
    }
    let s = String::from_utf8(out.stdout)?;
    let f: Vec<&str> = s.split_whitespace().collect();
    Ok(Fig {
        secs: f[0].parse()?,
        mib: f[1].parse()?,
        extra: f[2].parse()?,
    })
}

/// `stablepick triage` on the window (warm index, no row cache; output
/// discarded): wall time and the peak resident size `/usr/bin/time` reports.
fn run_cli(
    cli: &Path,
    repo: &Path,
    specs: &[String],
    range: &str,
    jobs: Option<usize>,
) -> Result<Fig> {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "%e %M"])
        .arg(cli)
        .args(["triage", "--repo"])
        .arg(repo);
    for s in specs {
        cmd.args(["--stable", s]);
    }
    // Every row analysed: a row cache left by an earlier run would make
    // this a warm figure.
    cmd.args(["--no-cache", "--format", "jsonl", range]);
    if let Some(j) = jobs {
        cmd.env("RAYON_NUM_THREADS", j.to_string());
    }
    let out = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).output()?;
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("stablepick triage failed: {err}");
    }
    let last = err.lines().last().unwrap_or("");
    let f: Vec<&str> = last.split_whitespace().collect();
    let rows = out.stdout.iter().filter(|&&b| b == b'\n').count() as u64;
    Ok(Fig {
        secs: f.first().and_then(|x| x.parse().ok()).unwrap_or(f64::NAN),
        mib: f.get(1).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0) / 1024.0,
        extra: rows,
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--figure") {
        // --figure KIND --range R REPO SPECS...
        return figure(&args[1], Path::new(&args[4]), &args[5..], &args[3]);
    }
    let mut repo = None;
    let mut win = 13_000usize;
    let mut jobs = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--window-commits" => win = it.next().context("value")?.parse()?,
            "--jobs" => jobs = Some(it.next().context("value")?.parse()?),
            _ if repo.is_none() => repo = Some(PathBuf::from(a)),
            _ => bail!("usage: bench-scale DIR [--window-commits N] [--jobs N]"),
        }
    }
    let repo = repo.context("usage: bench-scale DIR [--window-commits N] [--jobs N]")?;
    let exe = std::env::current_exe()?;
    let specs = specs(&repo)?;
    let total = git_out(&repo, &["rev-list", "--count", "master"])?;
    let start = git_out(
        &repo,
        &[
            "rev-list",
            "--no-merges",
            "-n",
            "1",
            &format!("--skip={win}"),
            "master",
        ],
    )?;
    let range = format!("{start}..master");
    let in_window = git_out(&repo, &["rev-list", "--no-merges", "--count", &range])?;
    eprintln!(
        "{}: {total} mainline commits; window {range} ({in_window} non-merge commits); {}",
        repo.display(),
        specs.join(" ")
    );

    let cold = run_figure(&exe, "cold", &repo, &specs, &range, jobs)?;
    eprintln!(
        "index build, cold: {:.2} s, peak {:.0} MiB, {} commits indexed",
        cold.secs, cold.mib, cold.extra
    );
    run_figure(&exe, "write-cache", &repo, &specs, &range, jobs)?;
    let warm = run_figure(&exe, "warm", &repo, &specs, &range, jobs)?;
    eprintln!(
        "index load, warm: {:.2} s, peak {:.0} MiB",
        warm.secs, warm.mib
    );
    let inproc = run_figure(&exe, "triage", &repo, &specs, &range, jobs)?;
    eprintln!(
        "triage in-process: {:.2} s, peak {:.0} MiB, {} commits",
        inproc.secs, inproc.mib, inproc.extra
    );
    let cli_path = exe.with_file_name("stablepick");
    let cli = if cli_path.exists() {
        let f = run_cli(&cli_path, &repo, &specs, &range, jobs)?;
        eprintln!(
            "stablepick triage (warm index): {:.2} s, peak {:.0} MiB, {} output lines",
            f.secs, f.mib, f.extra
        );
        Some(f)
    } else {
        eprintln!("{} not built: CLI triage not measured", cli_path.display());
        None
    };
    println!(
        "| commits | index build (cold) | index peak | warm load | triage, in-process | triage peak | `stablepick triage` | its peak |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let (cs, cm) = cli
        .map(|f| (format!("{:.1} s", f.secs), format!("{:.0} MiB", f.mib)))
        .unwrap_or(("–".into(), "–".into()));
    println!(
        "| {total} | {:.1} s | {:.0} MiB | {:.2} s | {:.1} s ({} commits) | {:.0} MiB | {cs} | {cm} |",
        cold.secs, cold.mib, warm.secs, inproc.secs, inproc.extra, inproc.mib
    );
    Ok(())
}
