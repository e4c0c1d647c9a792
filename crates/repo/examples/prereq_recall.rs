//! Do the prerequisites named for a patch match what the branch really
//! needed? A study on a real stable branch, with `git apply` as the judge.
//!
//! ```text
//! cargo run --release -p stablepick-repo --example prereq_recall -- REPO BRANCH=BASE [LIMIT]
//! cargo run --release -p stablepick-repo --example prereq_recall -- /root/scratch/dpdk 23.11=v23.11
//! ```
//!
//! The branch is looked at twice: as it really is (its backports are the
//! truth) and as it stood at its base (`refs/tags/BASE`, no backports yet).
//! A *case* is a backport whose upstream commit applies (clean or with
//! offsets) to the branch just before it was taken, but conflicts at the
//! base: the backports taken in between made room for it. For each case
//! the prerequisites are computed at the base, as triage would on the day
//! the branch was cut, and compared with the branch's own history:
//!
//! - *taken before*: a named commit the branch took before the case's
//!   backport (it really was needed first, or at least wanted);
//! - *taken later* / *never taken*: the rest;
//! - *dropped*: named by blame, then left out because the patch applies
//!   without them (checked in memory, see `prereq::trim`);
//! - *sufficient*: applying the named commits in order (`git apply
//!   --cached` on a temporary index of the base; one that does not apply is
//!   skipped) makes the case's patch pass `git apply --check`;
//! - *recall*: of the commits the branch took before the case and that
//!   touch a file the patch conflicts on at the base, how many are named.
//!   Those are an upper bound of what was needed (a commit can touch the
//!   file far from the hunk), so the recall is a lower bound.

use stablepick_repo::apply::CommitPatch;
use stablepick_repo::{Git, IndexOptions, Oid, RepoIndex, StableSpec, prereq};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

type BoxErr = Box<dyn std::error::Error>;

#[path = "common/git_apply.rs"]
mod git_apply;
use git_apply::applies_after;

fn main() {
    if let Err(e) = run() {
        eprintln!("prereq_recall: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), BoxErr> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: REPO BRANCH=BASE [LIMIT]";
    let repo_path = PathBuf::from(args.first().ok_or(usage)?);
    let real: StableSpec = args.get(1).ok_or(usage)?.parse()?;
    let limit: usize = args
        .get(2)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(usize::MAX);
    // The same branch at its base: a tag is a ref, so it serves as a
    // branch with no backports.
    let base_tag = real
        .base
        .clone()
        .ok_or("BRANCH=BASE: the base tag is needed")?;
    let at_base: StableSpec = format!("refs/tags/{base_tag}={base_tag}").parse()?;

    git2::opts::strict_hash_verification(false);
    let git = Git::open(&repo_path)?;
    let index = RepoIndex::open(
        &git,
        &IndexOptions {
            stable: vec![real.clone(), at_base],
            ..Default::default()
        },
    )?;
    let (b_real, b_base) = (&index.branches()[0], &index.branches()[1]);
    let base = b_real.branch.base_commit();

    // The branch's own commits, oldest first: the order backports were taken.
    let mut walk = git.repo().revwalk()?;
    walk.push(b_real.branch.tip())?;
    walk.hide(base)?;
    walk.simplify_first_parent()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    let stable_pos: HashMap<Oid, usize> = walk
        .filter_map(|o| o.ok())
        .enumerate()
        .map(|(i, o)| (o, i))
        .collect();
    // upstream -> position of its first backport.
    let mut taken_at: HashMap<Oid, usize> = HashMap::new();
    for (up, st) in b_real.backports() {
        if let Some(&p) = stable_pos.get(&st) {
            let e = taken_at.entry(up).or_insert(p);
            *e = (*e).min(p);
        }
    }
    let mut order: Vec<(usize, Oid, Oid)> = b_real
        .backports()
        .filter(|(up, _)| index.in_mainline(*up))
        .filter_map(|(up, st)| Some((*stable_pos.get(&st)?, up, st)))
        .collect();
    order.sort();
    order.dedup_by_key(|x| x.1);

    let scratch = std::env::temp_dir().join(format!("prereq-recall-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let (mut cases, mut named, mut sufficient, mut truth_sufficient) = (0, 0, 0, 0);
    let (mut n_named, mut n_before, mut n_later) = (0usize, 0usize, 0usize);
    let (mut needed_total, mut needed_found) = (0usize, 0usize);
    let mut search_time = Duration::ZERO;
    // Named then dropped as not needed; in-memory "applies after the
    // list" equal to git's answer.
    let (mut n_dropped, mut same_as_git) = (0usize, 0usize);
    let mut files_of: HashMap<Oid, Vec<String>> = HashMap::new();
    let mut changed_files = |oid: Oid| -> Result<Vec<String>, BoxErr> {
        if let Some(v) = files_of.get(&oid) {
            return Ok(v.clone());
        }
        let v: Vec<String> = CommitPatch::new(&git, oid)?
            .files
            .iter()
            .flat_map(|f| [f.old_path.clone(), f.new_path.clone()])
            .flatten()
            .collect();
        files_of.insert(oid, v.clone());
        Ok(v)
    };
    for &(pos, up, st) in &order {
        if cases >= limit {
            break;
        }
        let Ok(parent) = git.repo().find_commit(st).and_then(|c| c.parent_id(0)) else {
            continue;
        };
        let patch = CommitPatch::new(&git, up)?;
        if !patch.check(&git, parent)?.applies.git_applies() {
            continue;
        }
        let at_base_report = patch.check(&git, base)?;
        if at_base_report.applies.git_applies() {
            continue;
        }
        cases += 1;
        let t = Instant::now();
        let found = prereq::find_closure(
            &git,
            &index,
            up,
            b_base,
            &at_base_report,
            &prereq::Limits::default(),
        )?;
        search_time += t.elapsed();
        let ours = found.commits();
        n_dropped += found.dropped.len();
        // What the branch took before this backport that touches a file
        // the patch conflicts on at the base.
        let conflicting: HashSet<&str> = at_base_report
            .conflicts()
            .map(|f| f.missing_path())
            .chain(at_base_report.conflicts().map(|f| f.path.as_str()))
            .collect();
        let mut needed: Vec<Oid> = Vec::new();
        for (&u, &p) in &taken_at {
            if p < pos
                && index.in_mainline(u)
                && changed_files(u)?
                    .iter()
                    .any(|f| conflicting.contains(f.as_str()))
            {
                needed.push(u);
            }
        }
        // In mainline order, to apply them as the branch did.
        needed.sort_by_key(|u| index.mainline_pos(*u));
        needed_total += needed.len();
        needed_found += needed.iter().filter(|u| ours.contains(u)).count();
        if applies_after(&repo_path, &scratch, base, &needed, up)? {
            truth_sufficient += 1;
        }
        if ours.is_empty() {
            continue;
        }
        named += 1;
        n_named += ours.len();
        for o in &ours {
            match taken_at.get(o) {
                Some(&p) if p < pos => n_before += 1,
                Some(_) => n_later += 1,
                None => {}
            }
        }
        let ok = applies_after(&repo_path, &scratch, base, &ours, up)?;
        if ok {
            sufficient += 1;
        }
        if found.sufficient == Some(ok) {
            same_as_git += 1;
        }
        println!(
            "{} {} (backported as {}): {} named, {} taken before; applies after them: {ok} (in memory: {:?}); {} dropped{}",
            b_real.branch.name,
            stablepick_repo::short(up),
            stablepick_repo::short(st),
            ours.len(),
            ours.iter()
                .filter(|o| taken_at.get(o).is_some_and(|&p| p < pos))
                .count(),
            found.sufficient,
            found.dropped.len(),
            if found.trim_cut_short {
                " (trimming cut short)"
            } else {
                ""
            },
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!("cases (applies just before its backport, conflicts at {base_tag}): {cases}");
    println!(
        "prerequisites named: {named} ({:.1}%); applying them makes the patch apply: {sufficient} ({:.1}% of named, {:.1}% of cases)",
        pct(named, cases),
        pct(sufficient, named),
        pct(sufficient, cases)
    );
    println!(
        "in-memory answer to \"applies after the list\" equal to git's: {same_as_git}/{named}; commits dropped as not needed: {n_dropped}"
    );
    println!(
        "named commits: {n_named}; taken by the branch before the patch: {n_before} ({:.1}%), later: {n_later} ({:.1}%), never: {} ({:.1}%)",
        pct(n_before, n_named),
        pct(n_later, n_named),
        n_named - n_before - n_later,
        pct(n_named - n_before - n_later, n_named)
    );
    println!(
        "recall of earlier backports touching a conflicting file: {needed_found}/{needed_total} ({:.1}%); applying all of those makes the patch apply in {truth_sufficient} cases ({:.1}%)",
        pct(needed_found, needed_total),
        pct(truth_sufficient, cases)
    );
    println!(
        "prerequisite search: {:.3} s in all, {:.1} ms per case",
        search_time.as_secs_f64(),
        search_time.as_secs_f64() * 1000.0 / cases.max(1) as f64
    );
    Ok(())
}
