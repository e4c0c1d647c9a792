//! Label mining and training: which mainline commits did each stable branch
//! take, and the model learned from those decisions.
//!
//! Consumes an opened repository and its [`RepoIndex`] (the branches to
//! learn from are the index's stable branches) and produces labelled
//! [`Example`]s and a trained [`Model`].
//!
//! The window of a branch: the non-merge commits of `base..mainline` whose
//! commit time is at least [`MineOptions::min_age_days`] (or half the
//! branch's life, when shorter: [`min_age_secs`]) before the commit time
//! of the branch's tip. Those the branch took ([`Taken`]) are
//! positives; the others are negatives — the branch had time to take them
//! and did not. Newer commits teach nothing (the branch, seen at that point,
//! may simply not have got to them yet), so they are left out.

use crate::features::{self, BranchView, CommitFacts, SparseVec};
use crate::model::{Example, Model, TrainOptions};
use crate::similar::{Neighbourhood, PastDecision, neighbour_features};

/// Neighbours behind the similarity features.
pub const KNN: usize = 10;

/// In training, a commit's neighbours are past decisions made at least this
/// long before or after it. A triaged commit's neighbours all come from
/// earlier release cycles; neighbours from its own weeks (its series, its
/// follow-ups, the same fix made twice) would teach the model to trust the
/// neighbours far more than they deserve on new commits.
pub const KNN_GAP_SECS: i64 = 30 * 86_400;
use rayon::prelude::*;
use stablepick_repo::{Git, Oid, RepoIndex, StableIndex};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct MineOptions {
    pub min_age_days: i64,
}

impl Default for MineOptions {
    fn default() -> Self {
        MineOptions { min_age_days: 30 }
    }
}

/// One (commit, branch) pair with its label.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub oid: Oid,
    /// Commit time of `oid`, for folds that keep time together.
    pub commit_time: i64,
    pub branch: String,
    /// The commit's series ([`RepoIndex::series_id`]) and the branch, as one key.
    pub series: u64,
    /// The merge that brought the commit in and the branch, as one key
    /// ([`pull_key`]).
    pub pull: u64,
    pub backported: bool,
    pub hard_no: bool,
    pub x: SparseVec,
    /// The named (not text) features behind `x`, for studies of the labels.
    pub named: Vec<(String, f32)>,
    /// The commit's hashed text tokens.
    pub text: Vec<u32>,
}

/// Maps `f` over `items` in parallel with one [`Git`] per worker thread
/// (a libgit2 repository cannot be shared between threads). Order kept.
pub fn par_map_git<T, R, F>(git_dir: &Path, items: &[T], f: F) -> stablepick_repo::Result<Vec<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&Git, &T) -> R + Sync,
{
    Git::open(git_dir)?;
    Ok(items
        .par_iter()
        .map_init(
            || Git::open(git_dir).expect("opened once already"),
            |git, item| f(git, item),
        )
        .collect())
}

/// The key that groups a commit's series on one branch.
pub fn series_key(index: &RepoIndex, oid: Oid, branch: &str) -> u64 {
    let id = index.series_id(oid).unwrap_or(oid);
    features::fnv1a(id.as_bytes().iter().chain(branch.as_bytes()).copied())
}

/// The key that groups a commit's pull request on one branch: the merge
/// that brought it in, or the commit itself when none did.
pub fn pull_key(index: &RepoIndex, oid: Oid, branch: &str) -> u64 {
    let id = index.merged_in(oid).map_or(oid, |(m, _)| m);
    features::fnv1a(id.as_bytes().iter().chain(branch.as_bytes()).copied())
}

/// How old a commit must be, at the branch's tip, to count as a decision:
/// [`MineOptions::min_age_days`], or half the branch's life so far
/// (`life_secs`, base to tip) when that is shorter; none for a branch that
/// has ended ([`mine`]). A project that releases
/// monthly takes its fixes within days and its branches live a few weeks:
/// with a fixed month, none of their commits would ever count.
pub fn min_age_secs(o: &MineOptions, life_secs: i64) -> i64 {
    (o.min_age_days * 86_400).min(life_secs.max(0) / 2)
}

/// The window of `b`: commits the branch had time to decide on.
pub fn window(
    git: &Git,
    index: &RepoIndex,
    b: &StableIndex,
    o: &MineOptions,
) -> stablepick_repo::Result<Vec<Oid>> {
    let repo = git.repo();
    let tip_time = git.commit_info(b.branch.tip())?.commit_time;
    let base_time = features::base_time(git, index, b).unwrap_or(tip_time);
    let cutoff = tip_time - min_age_secs(o, tip_time - base_time);
    let mut walk = repo.revwalk()?;
    walk.push(index.mainline_tip())?;
    walk.hide(b.branch.base_commit())?;
    let mut out = Vec::new();
    for oid in walk {
        let oid = oid?;
        let c = repo.find_commit(oid)?;
        // A commit the branch holds because it forked from mainline after
        // it was never a backport decision (flatpak's and SDL's branches
        // start well after their base tag). Learning it as taken would teach
        // that a window's first weeks are always taken. One merged into the
        // branch (git.git merges a fix's topic into `maint` too) was taken.
        // A commit whose backport the base itself holds (taken before the
        // release was tagged on the branch) stays, as not taken since the
        // base: triage decides it NO by the hard rule, and leaving it out
        // of training lowered NetworkManager's F1 from 0.525 to 0.437.
        if c.parent_count() > 1 || c.time().seconds() > cutoff || b.shared_not_chosen(oid) {
            continue;
        }
        out.push(oid);
    }
    // Oldest first, ties by id: a stable order whatever the walk did.
    out.sort_by_key(|o| {
        (
            repo.find_commit(*o)
                .map(|c| c.time().seconds())
                .unwrap_or(0),
            *o,
        )
    });
    Ok(out)
}

/// The hard rules a model never overrides, as far as cheap facts tell:
/// the author opted out, it was reverted, the bug is not in the branch, or
/// it reverts a commit the branch does not have.
pub fn hard_no(index: &RepoIndex, c: &CommitFacts, bf: &features::BranchFeatureFacts) -> bool {
    c.noautosel
        || !index.reverted_by(c.oid).is_empty()
        || bf.bug_present == Some(false)
        || bf.reverted_present == Some(false)
}

/// How a branch's decision on a mainline commit is read: a backport line,
/// or else branch commits without one that carry the commit's subject (and
/// whether one of them is the same patch).
#[derive(Debug, Clone, Copy)]
pub struct Taken {
    pub line: bool,
    /// The branch holds the commit itself, merged into it.
    pub merged: bool,
    pub same_subject: bool,
    pub same_patch: bool,
}

impl Taken {
    pub fn read(git: &Git, b: &StableIndex, oid: Oid, subject: &str) -> Taken {
        let line = !b.backported_as(oid).is_empty();
        let merged = b.holds_merged(oid);
        let unmarked = if line || merged {
            &[][..]
        } else {
            b.unmarked_with_subject(subject)
        };
        Taken {
            line,
            merged,
            same_subject: !unmarked.is_empty(),
            same_patch: unmarked
                .iter()
                .any(|&s| git.same_patch(oid, s).unwrap_or(false)),
        }
    }

    /// Many projects' maintainers cherry-pick without `-x`: a branch commit
    /// with the commit's subject and no backport line is the commit taken,
    /// unless several mainline commits of the window share that subject
    /// (`Update translations`, `subject_unique` false); then only the same
    /// patch counts.
    pub fn taken(&self, subject_unique: bool) -> bool {
        self.line || self.merged || self.same_patch || (self.same_subject && subject_unique)
    }
}

/// How many commits of a window carry each subject (normalized), for
/// [`Taken::taken`].
#[derive(Debug, Default)]
pub struct SubjectCounts(std::collections::HashMap<String, usize>);

impl SubjectCounts {
    pub fn add(&mut self, subject: &str) {
        *self
            .0
            .entry(stablepick_repo::message::normalize_subject(subject))
            .or_default() += 1;
    }

    /// Does exactly one commit of the window carry `subject`?
    pub fn unique(&self, subject: &str) -> bool {
        self.0
            .get(&stablepick_repo::message::normalize_subject(subject))
            == Some(&1)
    }
}

/// Mines labelled examples (and the past decisions for neighbours) from
/// every stable branch of the index.
pub fn mine(
    git: &Git,
    index: &RepoIndex,
    o: &MineOptions,
) -> stablepick_repo::Result<(Vec<Labelled>, Vec<PastDecision>)> {
    mine_with_lives(git, index, o, &crate::lifetime::observe(git, index)?)
}

/// [`mine`], given the branches' lives ([`crate::lifetime::observe`]),
/// which training also keeps in the model.
fn mine_with_lives(
    git: &Git,
    index: &RepoIndex,
    o: &MineOptions,
    lives: &[crate::lifetime::BranchLife],
) -> stablepick_repo::Result<(Vec<Labelled>, Vec<PastDecision>)> {
    // commit → branches whose window holds it.
    let mut wanted: std::collections::BTreeMap<Oid, Vec<usize>> = Default::default();
    let mut order: Vec<Oid> = Vec::new();
    for (bi, b) in index.branches().iter().enumerate() {
        // A branch that has ended had all the time it will get: every
        // commit up to its newest is a decision. Its last month shows how
        // little a branch takes late in a cycle, which the month's margin
        // hid (Meson's branches took 30–46% of their first month, 7–23% of
        // their whole cycle).
        let ended = lives.iter().any(|l| l.branch == b.branch.name && l.ended);
        let o = &MineOptions {
            min_age_days: if ended { 0 } else { o.min_age_days },
        };
        for oid in window(git, index, b, o)? {
            let e = wanted.entry(oid).or_default();
            if e.is_empty() {
                order.push(oid);
            }
            e.push(bi);
        }
    }
    let items: Vec<(Oid, Vec<usize>)> = order.iter().map(|o| (*o, wanted[o].clone())).collect();
    type Row = (
        CommitFacts,
        Vec<(usize, features::BranchFeatureFacts, Taken)>,
    );
    let rows: Vec<Option<Row>> = par_map_git(git.git_dir(), &items, |g, (oid, bis)| {
        let facts = CommitFacts::extract(g, index, *oid).ok()?;
        // Learning looks at the base: the tip already holds the backport.
        let bases: Vec<Oid> = bis
            .iter()
            .map(|&bi| index.branches()[bi].branch.base_commit())
            .collect();
        let applies = features::applies_to(g, *oid, &bases);
        let per = bis
            .iter()
            .zip(applies)
            .map(|(&bi, applies)| {
                let b = &index.branches()[bi];
                let view = BranchView {
                    stable: b,
                    tree: b.branch.base_commit(),
                };
                let mut bf = features::branch_facts(g, index, &facts, &view);
                bf.set_apply(features::apply_facts(applies.as_ref()));
                (bi, bf, Taken::read(g, b, *oid, &facts.subject))
            })
            .collect();
        Some((facts, per))
    })?;
    let rows: Vec<Row> = rows.into_iter().flatten().collect();
    // Per branch: its window's subjects.
    let mut subjects: std::collections::HashMap<usize, SubjectCounts> = Default::default();
    for (facts, per) in &rows {
        for (bi, _, _) in per {
            subjects.entry(*bi).or_default().add(&facts.subject);
        }
    }
    type LabelledRow = (
        CommitFacts,
        Vec<(usize, features::BranchFeatureFacts, bool)>,
    );
    let rows: Vec<LabelledRow> = rows
        .into_iter()
        .map(|(facts, per)| {
            let per = per
                .into_iter()
                .map(|(bi, bf, t)| {
                    let unique = subjects.get(&bi).is_some_and(|s| s.unique(&facts.subject));
                    (bi, bf, t.taken(unique))
                })
                .collect();
            (facts, per)
        })
        .collect();
    let past: Vec<PastDecision> = rows
        .iter()
        .map(|(facts, per)| {
            let names = |only_taken: bool| -> Vec<String> {
                per.iter()
                    .filter(|(_, _, taken)| !only_taken || *taken)
                    .map(|(bi, _, _)| index.branches()[*bi].branch.name.clone())
                    .collect()
            };
            PastDecision {
                sha: facts.oid.to_string(),
                subject: facts.subject.clone(),
                considered: names(false),
                backported: names(true),
                text: facts.text.clone(),
                time: facts.commit_time,
            }
        })
        .collect();
    let hood = Neighbourhood::new(&past);
    let all: Vec<Labelled> = rows
        .into_par_iter()
        .flat_map_iter(|(mut facts, per)| {
            // The commit's own decision, and those made around it, are
            // left out of its neighbours.
            let near = hood.nearest_where(&facts.text, KNN, |p| {
                (p.time - facts.commit_time).abs() >= KNN_GAP_SECS
            });
            facts.base.extend(neighbour_features(&near));
            per.into_iter()
                .map(|(bi, bf, taken)| {
                    let b = &index.branches()[bi];
                    let view = BranchView {
                        stable: b,
                        tree: b.branch.base_commit(),
                    };
                    let named = features::named_features(index, &facts, &view, &bf);
                    Labelled {
                        oid: facts.oid,
                        commit_time: facts.commit_time,
                        branch: b.branch.name.clone(),
                        series: series_key(index, facts.oid, &b.branch.name),
                        pull: pull_key(index, facts.oid, &b.branch.name),
                        backported: taken,
                        hard_no: hard_no(index, &facts, &bf),
                        x: features::vector_of(&named, &facts.text),
                        named,
                        text: facts.text.clone(),
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    Ok((all, past))
}

/// Fold of each example: `folds` stretches of commit time, equal in
/// examples. Commits of one period resemble each other (a series, a
/// subsystem's busy month); scoring each stretch with a model that never
/// saw it, as the real window will be scored, keeps the out-of-fold
/// figures (and the threshold chosen on them) from flattering the model.
fn time_folds(labelled: &[Labelled], folds: usize) -> Vec<u64> {
    let mut order: Vec<usize> = (0..labelled.len()).collect();
    order.sort_by_key(|&i| (labelled[i].commit_time, labelled[i].oid));
    let mut fold = vec![0u64; labelled.len()];
    let n = labelled.len().max(1);
    let k = folds.max(1);
    let mut last: Option<(i64, Oid, u64)> = None;
    for (rank, &i) in order.iter().enumerate() {
        let l = &labelled[i];
        // All examples of one commit (one per branch) share a fold.
        let f = match last {
            Some((t, o, f)) if t == l.commit_time && o == l.oid => f,
            _ => (rank * k / n) as u64,
        };
        fold[i] = f;
        last = Some((l.commit_time, l.oid, f));
    }
    fold
}

/// Mines the labels and trains the model on them.
pub fn train(
    git: &Git,
    index: &RepoIndex,
    mo: &MineOptions,
    to: &TrainOptions,
) -> stablepick_repo::Result<Model> {
    let lives = crate::lifetime::observe(git, index)?;
    let (labelled, past) = mine_with_lives(git, index, mo, &lives)?;
    let folds = time_folds(&labelled, to.folds.max(2));
    let examples: Vec<Example> = labelled
        .into_iter()
        .zip(folds)
        .map(|(l, group)| Example {
            group,
            series: l.series,
            pull: l.pull,
            x: l.x,
            y: l.backported,
            hard_no: l.hard_no,
        })
        .collect();
    // The learning rate is chosen on out-of-fold F1 among a few values
    // around the given one: selection on the training decisions only.
    let mut m = [1.0, 0.25, 0.1]
        .iter()
        .map(|f| {
            let o = TrainOptions {
                learning_rate: to.learning_rate * f,
                ..to.clone()
            };
            Model::train(&examples, &o)
        })
        .reduce(|a, b| {
            if b.stats.oof_f1 > a.stats.oof_f1 {
                b
            } else {
                a
            }
        })
        .expect("three candidates");
    m.trained_on = index
        .branches()
        .iter()
        .map(|b| format!("{}={}", b.branch.name, b.branch.base))
        .collect();
    m.past = past;
    m.branch_lives = lives;
    Ok(m)
}
