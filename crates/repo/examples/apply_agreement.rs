//! Differential benchmark of the in-process patch applier against
//! `git apply --check`.
//!
//! ```text
//! cargo run --release -p stablepick-repo --example apply_agreement -- REPO [PAIRS] [RANGE] [BRANCH=BASE ...]
//! cargo run --release -p stablepick-repo --example apply_agreement -- /root/scratch/dpdk 1000
//! ```
//!
//! Takes the non-merge mainline commits of RANGE (default `v23.11..v25.03`)
//! and the stable branches (default DPDK's `22.11=v22.11 23.11=v23.11
//! 24.11=v24.11`), drops (commit, branch) pairs where the commit is already
//! in the branch's base or backported to it, and samples PAIRS pairs evenly.
//! For each pair it asks [`CommitPatch::check`] and `git apply --check
//! --cached` against a temporary index holding the branch tip (`git
//! read-tree`, once per branch; no work tree is touched), with the patch from
//! `git show --binary`. Prints agreement (applies = clean or offset; fuzz
//! counts as "does not apply", since `git apply` never fuzzes), the
//! disagreements, and the time of each side.
//!
//! With `STABLEPICK_PREREQ=1` it also looks at hand-adapted backports (see
//! `prereq_study`).

use stablepick_repo::apply::{Applies, CommitPatch};
use stablepick_repo::{Git, IndexOptions, Oid, RepoIndex, StableSpec};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn main() {
    if let Err(e) = run() {
        eprintln!("apply_agreement: {e}");
        std::process::exit(1);
    }
}

type BoxErr = Box<dyn std::error::Error>;

#[path = "common/git_apply.rs"]
mod git_apply;
use git_apply::git_cmd;

fn run() -> Result<(), BoxErr> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let repo_path = PathBuf::from(
        args.first()
            .ok_or("usage: REPO [PAIRS] [RANGE] [BRANCH=BASE ...]")?,
    );
    let pairs_wanted: usize = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let range = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "v23.11..v25.03".into());
    let mut specs: Vec<StableSpec> = args
        .iter()
        .skip(3)
        .map(|s| s.parse())
        .collect::<Result<_, _>>()?;
    if specs.is_empty() {
        specs = ["22.11=v22.11", "23.11=v23.11", "24.11=v24.11"]
            .iter()
            .map(|s| s.parse())
            .collect::<Result<_, _>>()?;
    }

    // git verifies no object hash on read; libgit2 does by default, and
    // spends a quarter of its time on it here.
    git2::opts::strict_hash_verification(false);
    let git = Git::open(&repo_path)?;
    let t = Instant::now();
    let index = RepoIndex::open(
        &git,
        &IndexOptions {
            stable: specs,
            ..Default::default()
        },
    )?;
    eprintln!(
        "index: {} ms (cached: {})",
        t.elapsed().as_millis(),
        index.stats.from_cache
    );

    let (from, to) = range.split_once("..").ok_or("RANGE must be A..B")?;
    let mut walk = git.repo().revwalk()?;
    walk.push(git.resolve_commit(to)?)?;
    walk.hide(git.resolve_commit(from)?)?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    let mut candidates: Vec<(Oid, usize)> = Vec::new();
    for oid in walk {
        let oid = oid?;
        let c = git.repo().find_commit(oid)?;
        if c.parent_count() != 1 || c.tree_id() == c.parent(0)?.tree_id() {
            continue;
        }
        for (bi, b) in index.branches().iter().enumerate() {
            let in_base = index.in_base(&git, oid, b)?;
            if in_base || !b.backported_as(oid).is_empty() {
                continue;
            }
            candidates.push((oid, bi));
        }
    }
    // Whole commits (each against every branch that lacks it), spread evenly
    // over the range, until there are enough pairs: the diff of a commit is
    // read once and checked against each branch, as `analyze` does.
    let mut by_commit: Vec<(Oid, Vec<usize>)> = Vec::new();
    for (oid, bi) in &candidates {
        match by_commit.last_mut() {
            Some((o, bs)) if o == oid => bs.push(*bi),
            _ => by_commit.push((*oid, vec![*bi])),
        }
    }
    let per_commit = candidates.len() as f64 / by_commit.len().max(1) as f64;
    let commits_wanted = (pairs_wanted as f64 / per_commit).ceil() as usize;
    let stride = (by_commit.len() as f64 / commits_wanted.max(1) as f64).max(1.0);
    let mut pairs: Vec<(Oid, usize)> = Vec::new();
    let mut i = 0.0;
    while (i as usize) < by_commit.len() && pairs.len() < pairs_wanted {
        let (oid, bs) = &by_commit[i as usize];
        pairs.extend(bs.iter().map(|&b| (*oid, b)));
        i += stride;
    }
    eprintln!(
        "{} candidate pairs in {range}; checking {}",
        candidates.len(),
        pairs.len()
    );

    // Scratch space outside the repository: patches and one index per branch.
    let scratch = std::env::temp_dir().join(format!("apply-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let mut index_files = Vec::new();
    for b in index.branches() {
        let f = scratch.join(format!("index-{}", b.branch.name.replace('/', "_")));
        let ok = git_cmd(&repo_path)
            .env("GIT_INDEX_FILE", &f)
            .args(["read-tree", &b.branch.tip().to_string()])
            .status()?
            .success();
        if !ok {
            return Err(format!("git read-tree {} failed", b.branch.name).into());
        }
        index_files.push(f);
    }

    // In-process side: one CommitPatch per commit (blobs read only for the
    // files some branch has changed), one check per pair.
    let tips: Vec<Oid> = index.branches().iter().map(|b| b.branch.tip()).collect();
    let targets_of = |oid: Oid| -> Vec<Oid> {
        pairs
            .iter()
            .filter(|p| p.0 == oid)
            .map(|p| tips[p.1])
            .collect()
    };
    let t = Instant::now();
    let mut patches: HashMap<Oid, CommitPatch> = HashMap::new();
    let mut ours = Vec::with_capacity(pairs.len());
    let mut read_time = Duration::ZERO;
    let mut slow = Vec::new();
    for &(oid, bi) in &pairs {
        if let std::collections::hash_map::Entry::Vacant(e) = patches.entry(oid) {
            let t = Instant::now();
            e.insert(CommitPatch::for_targets(&git, oid, &targets_of(oid))?);
            read_time += t.elapsed();
        }
        let p = &patches[&oid];
        let t = Instant::now();
        ours.push(p.check(&git, index.branches()[bi].branch.tip())?);
        slow.push((
            t.elapsed(),
            oid,
            p.files.len(),
            p.files.iter().map(|f| f.hunks.len()).sum::<usize>(),
        ));
    }
    let ours_time = t.elapsed();
    slow.sort();
    for s in slow.iter().rev().take(8) {
        eprintln!("slow check: {:?} {} files={} hunks={}", s.0, s.1, s.2, s.3);
    }
    eprintln!("reading diffs: {:.3} s", read_time.as_secs_f64());
    if let Some(v) = std::env::var_os("STABLEPICK_OURS_ONLY") {
        // For profiling the in-process side alone: STABLEPICK_OURS_ONLY=N
        // runs it N times from a cold target cache and keeps the fastest.
        let runs: usize = v.to_str().and_then(|v| v.parse().ok()).unwrap_or(1);
        // CPU time of this thread (user + system, in clock ticks), less
        // disturbed than wall time by other work on the machine.
        let cpu = || -> f64 {
            std::fs::read_to_string("/proc/thread-self/stat")
                .ok()
                .and_then(|s| {
                    let rest = s.rsplit_once(')')?.1;
                    let f: Vec<&str> = rest.split_whitespace().collect();
                    Some(f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?)
                })
                .unwrap_or(0.0)
                / 100.0
        };
        let (mut best, mut best_read) = (ours_time, read_time);
        let mut best_cpu = f64::MAX;
        for _ in 1..runs {
            let c0 = cpu();
            stablepick_repo::apply::set_cache_bytes(0);
            stablepick_repo::apply::set_cache_bytes(stablepick_repo::apply::DEFAULT_CACHE_BYTES);
            let t = Instant::now();
            let mut read = Duration::ZERO;
            let mut patches: HashMap<Oid, CommitPatch> = HashMap::new();
            for &(oid, bi) in &pairs {
                if let std::collections::hash_map::Entry::Vacant(e) = patches.entry(oid) {
                    let t = Instant::now();
                    e.insert(CommitPatch::for_targets(&git, oid, &targets_of(oid))?);
                    read += t.elapsed();
                }
                patches[&oid].check(&git, index.branches()[bi].branch.tip())?;
            }
            best = best.min(t.elapsed());
            best_read = best_read.min(read);
            best_cpu = best_cpu.min(cpu() - c0);
        }
        eprintln!("fastest run's CPU time: {best_cpu:.2} s");
        println!(
            "in-process: {:.3} s total ({} diffs read + {} checks), {:.3} ms per pair; fastest of {runs}: {:.3} s, reading diffs {:.3} s",
            ours_time.as_secs_f64(),
            patches.len(),
            pairs.len(),
            ours_time.as_secs_f64() * 1000.0 / pairs.len().max(1) as f64,
            best.as_secs_f64(),
            best_read.as_secs_f64(),
        );
        let _ = std::fs::remove_dir_all(&scratch);
        return Ok(());
    }

    // The same work on every core: one `Git` per worker (a libgit2
    // repository is not shared between threads), one commit per task so its
    // diff is read once for all its branches.
    let mut by_commit: Vec<(Oid, Vec<usize>)> = Vec::new();
    for &(oid, bi) in &pairs {
        match by_commit.iter_mut().find(|(o, _)| *o == oid) {
            Some((_, bs)) => bs.push(bi),
            None => by_commit.push((oid, vec![bi])),
        }
    }
    // From a cold cache of prepared target files, as the first run had.
    stablepick_repo::apply::set_cache_bytes(0);
    stablepick_repo::apply::set_cache_bytes(stablepick_repo::apply::DEFAULT_CACHE_BYTES);
    let t = Instant::now();
    let par: Vec<(Oid, usize, Applies)> = {
        use rayon::prelude::*;
        by_commit
            .par_iter()
            .map_init(
                || Git::open(&repo_path).ok(),
                |g, (oid, bs)| -> Vec<(Oid, usize, Applies)> {
                    let Some(g) = g.as_ref() else {
                        return Vec::new();
                    };
                    let targets: Vec<Oid> = bs.iter().map(|&bi| tips[bi]).collect();
                    let Ok(p) = CommitPatch::for_targets(g, *oid, &targets) else {
                        return Vec::new();
                    };
                    bs.iter()
                        .filter_map(|&bi| Some((*oid, bi, p.check(g, tips[bi]).ok()?.applies)))
                        .collect()
                },
            )
            .flatten()
            .collect()
    };
    let par_time = t.elapsed();
    let same = par.len() == ours.len()
        && par.iter().all(|(o, bi, a)| {
            pairs
                .iter()
                .zip(&ours)
                .any(|(&(po, pb), r)| po == *o && pb == *bi && r.applies == *a)
        });
    eprintln!(
        "parallel ({} threads): {:.3} s, same verdicts as single-threaded: {same}",
        rayon::current_num_threads(),
        par_time.as_secs_f64()
    );

    // git side: patch text once per commit, then one `git apply` per pair.
    let t = Instant::now();
    let mut patch_files: HashMap<Oid, PathBuf> = HashMap::new();
    for &(oid, _) in &pairs {
        if patch_files.contains_key(&oid) {
            continue;
        }
        let out = git_cmd(&repo_path)
            .args([
                "-c",
                "diff.renames=true",
                "show",
                "--format=",
                "--binary",
                "--no-color",
                "--no-ext-diff",
                &oid.to_string(),
            ])
            .output()?;
        let f = scratch.join(format!("{oid}.patch"));
        std::fs::write(&f, &out.stdout)?;
        patch_files.insert(oid, f);
    }
    let show_time = t.elapsed();
    let mut apply_time = Duration::ZERO;
    let mut theirs = Vec::with_capacity(pairs.len());
    for &(oid, bi) in &pairs {
        let t = Instant::now();
        let ok = git_cmd(&repo_path)
            .env("GIT_INDEX_FILE", &index_files[bi])
            .args(["apply", "--check", "--cached"])
            .arg(&patch_files[&oid])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?
            .success();
        apply_time += t.elapsed();
        theirs.push(ok);
    }

    // What a user runs per pair: `git show <sha> | git apply --check`, the
    // patch piped from one process into the other, against the branch
    // (here its index, so no work tree is written).
    let mut piped_time = Duration::ZERO;
    let mut piped_disagree = 0;
    for (i, &(oid, bi)) in pairs.iter().enumerate() {
        let t = Instant::now();
        let mut show = git_cmd(&repo_path)
            .args([
                "-c",
                "diff.renames=true",
                "show",
                "--format=",
                "--binary",
                "--no-color",
                "--no-ext-diff",
                &oid.to_string(),
            ])
            .stdout(Stdio::piped())
            .spawn()?;
        let Some(out) = show.stdout.take() else {
            return Err("git show: no stdout".into());
        };
        let ok = git_cmd(&repo_path)
            .env("GIT_INDEX_FILE", &index_files[bi])
            .args(["apply", "--check", "--cached"])
            .stdin(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?
            .success();
        show.wait()?;
        piped_time += t.elapsed();
        if ok != theirs[i] {
            piped_disagree += 1;
        }
    }

    let mut agree = 0;
    let mut by_outcome: HashMap<Applies, (usize, usize)> = HashMap::new();
    let mut disagreements = Vec::new();
    for (i, (&(oid, bi), r)) in pairs.iter().zip(&ours).enumerate() {
        let e = by_outcome.entry(r.applies).or_default();
        e.0 += 1;
        if theirs[i] {
            e.1 += 1;
        }
        if r.applies.git_applies() == theirs[i] {
            agree += 1;
        } else {
            disagreements.push(format!(
                "  {} on {}: ours {} / git apply {} — {}",
                oid,
                index.branches()[bi].branch.name,
                r.applies,
                if theirs[i] { "applies" } else { "fails" },
                r.summary()
            ));
        }
    }
    let n = pairs.len().max(1);
    println!("pairs: {}", pairs.len());
    for a in [
        Applies::Clean,
        Applies::Offset,
        Applies::Fuzz,
        Applies::Conflict,
    ] {
        let (k, g) = by_outcome.get(&a).copied().unwrap_or_default();
        println!("  ours {a:<8} {k:>5}   of which git apply --check accepts {g}");
    }
    println!(
        "agreement: {agree}/{} = {:.2}%",
        pairs.len(),
        100.0 * agree as f64 / n as f64
    );
    for d in &disagreements {
        println!("{d}");
    }
    println!(
        "in-process: {:.3} s total ({} diffs read + {} checks), {:.3} ms per pair",
        ours_time.as_secs_f64(),
        patches.len(),
        pairs.len(),
        ours_time.as_secs_f64() * 1000.0 / n as f64
    );
    println!(
        "git apply --check: {:.3} s total, {:.3} ms per pair (plus {:.3} s of `git show` for {} patches)",
        apply_time.as_secs_f64(),
        apply_time.as_secs_f64() * 1000.0 / n as f64,
        show_time.as_secs_f64(),
        patch_files.len()
    );
    println!(
        "speed-up: {:.1}x over git apply alone, {:.1}x counting git show",
        apply_time.as_secs_f64() / ours_time.as_secs_f64().max(1e-9),
        (apply_time + show_time).as_secs_f64() / ours_time.as_secs_f64().max(1e-9)
    );
    println!(
        "per pair as a user runs it (`git show | git apply --check`): {:.3} s total, {:.3} ms per pair ({piped_disagree} answers differ from the saved-patch run)",
        piped_time.as_secs_f64(),
        piped_time.as_secs_f64() * 1000.0 / n as f64
    );
    println!(
        "in-process on {} threads: {:.3} s total, {:.3} ms per pair",
        rayon::current_num_threads(),
        par_time.as_secs_f64(),
        par_time.as_secs_f64() * 1000.0 / n as f64
    );
    println!(
        "speed-up per pair, like with like: {:.1}x single-threaded, {:.1}x on {} threads",
        piped_time.as_secs_f64() / ours_time.as_secs_f64().max(1e-9),
        piped_time.as_secs_f64() / par_time.as_secs_f64().max(1e-9),
        rayon::current_num_threads()
    );
    if std::env::var_os("STABLEPICK_PREREQ").is_some() {
        prereq_study(&git, &index, &repo_path, &scratch)?;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

/// Hand-adapted backports: stable commits whose backport line names an
/// upstream commit X with a different patch-id. For each, X is checked
/// against the branch just before the backport (the backport's parent);
/// when it conflicts, its prerequisites are computed, applied in order with
/// `git apply --cached` to a temporary index of that parent, and X is
/// checked again. Prints how often the named prerequisites make X apply.
fn prereq_study(git: &Git, index: &RepoIndex, repo: &Path, scratch: &Path) -> Result<(), BoxErr> {
    use stablepick_repo::prereq;
    let limit: usize = std::env::var("STABLEPICK_PREREQ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let (mut adapted, mut conflicting, mut named, mut fixed) = (0, 0, 0, 0);
    let mut in_branch_later = 0;
    let t = Instant::now();
    for b in index.branches() {
        let mut list: Vec<(Oid, Oid)> = b.backports().collect();
        list.sort();
        for (up, st) in list {
            if adapted
                >= limit
                    * (1 + index
                        .branches()
                        .iter()
                        .position(|x| x.branch.name == b.branch.name)
                        .unwrap_or(0))
            {
                break;
            }
            let (Ok(Some(p1)), Ok(Some(p2))) = (git.patch_id(up), git.patch_id(st)) else {
                continue;
            };
            if p1 == p2 || !index.in_mainline(up) {
                continue;
            }
            let Ok(parent) = git.repo().find_commit(st).and_then(|c| c.parent_id(0)) else {
                continue;
            };
            adapted += 1;
            let report = CommitPatch::new(git, up)?.check(git, parent)?;
            if report.applies.git_applies() {
                continue;
            }
            conflicting += 1;
            let pres = prereq::prerequisites(git, index, up, b, &report)?;
            if pres.is_empty() {
                continue;
            }
            named += 1;
            // Some prerequisites were backported after this commit: the
            // branch did take them, later.
            if pres.iter().any(|p| !b.backported_as(*p).is_empty()) {
                in_branch_later += 1;
            }
            // A prerequisite that does not apply itself is left out.
            let ok = git_apply::applies_after(repo, scratch, parent, &pres, up)?;
            if ok {
                fixed += 1;
            }
            println!(
                "  {} {} -> {} conflicts at {}; prerequisites {}: X {} after them",
                b.branch.name,
                stablepick_repo::short(up),
                stablepick_repo::short(st),
                stablepick_repo::short(parent),
                pres.iter()
                    .map(|o| stablepick_repo::short(*o))
                    .collect::<Vec<_>>()
                    .join(","),
                if ok { "applies" } else { "still conflicts" }
            );
        }
    }
    println!(
        "hand-adapted backports: {adapted}; upstream patch conflicts at the backport's parent: {conflicting}; prerequisites named: {named}; of those, X applies after applying them: {fixed}; some prerequisite was backported to the branch later: {in_branch_later} ({:.1} s)",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
