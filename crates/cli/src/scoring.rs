//! Scoring analysed commits with a trained model, shared by `triage` (every
//! commit of a range) and `analyze` (one commit): the model's probability
//! per branch, the commit's series and its nearest past decisions, then the
//! final decision (the rules' hard cases first).

use anyhow::{Context as _, Result};
use stablepick_evidence::Evidence;
use stablepick_repo::{Git, Oid, RepoIndex};
use stablepick_verdict::features::{
    BranchView, CommitFacts, branch_facts, branch_vector, days_after_base, light_diff,
};
use stablepick_verdict::learn::KNN;
use stablepick_verdict::model::Model;
use stablepick_verdict::{Decision, combine, lifetime, series, similar};
use std::path::Path;

/// A model file, read once: its bytes followed by its path (the triage
/// cache is keyed on them: cached rows' commands name the file) and the
/// model.
pub(crate) fn load_model(path: &Path) -> Result<(Vec<u8>, Model)> {
    let mut bytes =
        std::fs::read(path).with_context(|| format!("reading model {}", path.display()))?;
    let model = Model::from_slice(&bytes)
        .with_context(|| format!("reading model {}", path.display()))?
        .located_at(path);
    bytes.extend_from_slice(model.path_arg().as_bytes());
    Ok((bytes, model))
}

/// One decided commit.
pub(crate) struct Row {
    pub(crate) ev: Evidence,
    pub(crate) decision: Decision,
}

/// What scoring with a model needs, shared by the rows of one run.
pub(crate) struct Scoring<'a> {
    pub(crate) model: &'a Model,
    pub(crate) hood: similar::Neighbourhood<'a>,
    /// Probabilities per branch of the commits of the run as they scored
    /// themselves, and of other commits scored as a series member: a
    /// series is scored once per run.
    pub(crate) members: std::sync::Mutex<std::collections::HashMap<Oid, Vec<(String, f64)>>>,
}

impl<'a> Scoring<'a> {
    pub(crate) fn new(model: &'a Model) -> Self {
        Scoring {
            model,
            hood: similar::Neighbourhood::new(&model.past),
            members: Default::default(),
        }
    }

    /// The model's probability for each branch of `facts` (neighbour
    /// features added here), with `applies` per branch in index order.
    fn probabilities(
        &self,
        git: &Git,
        index: &RepoIndex,
        facts: &CommitFacts,
        applies: &[stablepick_verdict::features::ApplyFacts],
        arriving: &[(String, Oid)],
    ) -> Vec<(String, f64)> {
        index
            .branches()
            .iter()
            .zip(applies)
            .map(|(b, &apply)| {
                let view = BranchView {
                    stable: b,
                    tree: b.branch.tip(),
                };
                let mut bf = branch_facts(git, index, facts, &view);
                bf.set_apply(apply);
                if arriving.iter().any(|(n, _)| *n == b.branch.name) {
                    bf.bug_present = Some(true);
                }
                let x = branch_vector(index, facts, &view, &bf);
                (b.branch.name.clone(), self.model.probability(&x))
            })
            .collect()
    }

    /// Probabilities of another commit of a series, as training saw its
    /// commits: from the light facts and the apply check at each tip.
    fn member(&self, git: &Git, index: &RepoIndex, oid: Oid) -> Vec<(String, f64)> {
        if let Some(p) = self.members.lock().ok().and_then(|m| m.get(&oid).cloned()) {
            return p;
        }
        let Ok(mut facts) = CommitFacts::extract(git, index, oid) else {
            // An unreadable member is left out of the mean.
            return Vec::new();
        };
        let near = self.hood.nearest(&facts.text, KNN, &oid.to_string());
        facts.base.extend(similar::neighbour_features(&near));
        let tips: Vec<Oid> = index.branches().iter().map(|b| b.branch.tip()).collect();
        let applies: Vec<_> = stablepick_verdict::features::applies_to(git, oid, &tips)
            .iter()
            .map(|r| stablepick_verdict::features::apply_facts(r.as_ref()))
            .collect();
        let p = self.probabilities(git, index, &facts, &applies, &[]);
        if let Ok(mut m) = self.members.lock() {
            m.insert(oid, p.clone());
        }
        p
    }
}

/// A commit analysed and scored, before its series is read: the model's
/// probabilities of its own (`None` without a model).
pub(crate) struct Scored<'h> {
    pub(crate) ev: Evidence,
    pub(crate) rules: Decision,
    pub(crate) model: Option<OwnScores<'h>>,
}

pub(crate) struct OwnScores<'h> {
    /// Per branch, with the bugs arriving in this run counted present.
    pub(crate) probs: Vec<(String, f64)>,
    /// Per branch, as another commit of its series sees it: nothing
    /// arriving counted, as [`Scoring::member`] scores.
    pub(crate) plain: Vec<(String, f64)>,
    pub(crate) near: Vec<similar::Neighbour<'h>>,
}

/// The model's scores of an analysed commit, without its series: per
/// branch (with the bugs `arriving` in this run counted present, and
/// without), and its nearest past decisions.
pub(crate) fn own_scores<'h>(
    git: &Git,
    index: &RepoIndex,
    scoring: &'h Scoring,
    k: usize,
    ev: &Evidence,
    arriving: &[(String, Oid)],
) -> Result<OwnScores<'h>> {
    let diff = light_diff(git, ev.commit.oid)?;
    let mut facts = CommitFacts::from_parts(index, &ev.commit, &ev.message, &diff);
    let near = scoring
        .hood
        .nearest(&facts.text, KNN.max(k), &ev.commit.oid.to_string());
    facts
        .base
        .extend(similar::neighbour_features(&near[..near.len().min(KNN)]));
    // Phase 6 checked the patch against the tip already.
    let applies: Vec<_> = index
        .branches()
        .iter()
        .map(|b| {
            let Some(f) = ev.branches.iter().find(|f| f.name == b.branch.name) else {
                return (None, None);
            };
            // Phase 6 keeps the report of a patch that does not apply.
            match &f.apply_report {
                Some(r) => stablepick_verdict::features::apply_facts(Some(r)),
                None => (f.applies, None),
            }
        })
        .collect();
    let probs = scoring.probabilities(git, index, &facts, &applies, arriving);
    let plain = if arriving.is_empty() {
        probs.clone()
    } else {
        scoring.probabilities(git, index, &facts, &applies, &[])
    };
    Ok(OwnScores { probs, plain, near })
}

/// The series step and the final decision of a scored commit. The other
/// commits of its series are read as the run's commits scored themselves
/// ([`Scoring::member`]), or scored there when outside the run.
pub(crate) fn finish_one(
    git: &Git,
    index: &RepoIndex,
    scoring: Option<&Scoring>,
    k: usize,
    scored: Scored,
) -> Row {
    let Scored { ev, rules, model } = scored;
    let (
        Some(scoring),
        Some(OwnScores {
            mut probs, near, ..
        }),
    ) = (scoring, model)
    else {
        return Row {
            ev,
            decision: rules,
        };
    };
    let model = scoring.model;
    let oid = ev.commit.oid;
    let sha = oid.to_string();
    let mut series_records = Vec::new();
    if model.series_weight < 1.0 {
        let members = index.series_of(oid, series::SERIES_MAX);
        if !members.is_empty() {
            let mut listed: Vec<String> = members.iter().map(|m| m.to_string()).collect();
            listed.push(sha.clone());
            let group = Group {
                name: "series",
                whose: "the series'",
                with_this: "by the same author committed with this one".into(),
                command: format!(
                    "git log --no-walk --date-order --format='%h %ae %ci %s' {}",
                    listed.join(" ")
                ),
                weight: model.series_weight,
            };
            series_records = smooth_towards(git, index, scoring, &members, &group, &mut probs);
        }
    }
    if model.pull_weight < 1.0
        && let Some((merge, members)) = index.merged_with(oid, series::SERIES_MAX)
        && !members.is_empty()
    {
        let total = index.merged_in(oid).map_or(0, |(_, n)| n.saturating_sub(1));
        let nearest = if total > members.len() {
            format!(" (the {} nearest in time of {total})", members.len())
        } else {
            String::new()
        };
        let group = Group {
            name: "pull request",
            whose: "the pull request's",
            with_this: format!("merged with this one by {merge:.12}{nearest}"),
            command: format!("git log --no-merges --format='%h %ae %ci %s' {merge}^1..{merge}"),
            weight: model.pull_weight,
        };
        series_records.extend(smooth_towards(
            git, index, scoring, &members, &group, &mut probs,
        ));
    }
    let life_records = lower_by_branch_life(git, index, model, ev.commit.commit_time, &mut probs);
    let mut decision = combine::with_model(&ev, rules, model, &probs);
    decision.records.extend(series_records);
    decision.records.extend(life_records);
    decision
        .records
        .extend(similar::records(&sha, &near[..near.len().min(k)]));
    Row { ev, decision }
}

/// A group of commits a commit shares its score with, as Phase 9 names it.
struct Group {
    /// `series`, `pull request`.
    name: &'static str,
    /// The possessive for "… mean".
    whose: &'static str,
    /// How the other commits relate to this one.
    with_this: String,
    /// Lists the group's commits.
    command: String,
    /// The weight of the commit's own probability.
    weight: f64,
}

/// Draws each branch's probability towards the mean of itself and the
/// other commits of `group` ([`Scoring::member`]) with the group's weight
/// ([`series::smoothed`]), as training does; one Phase 9 record per branch
/// drawn.
fn smooth_towards(
    git: &Git,
    index: &RepoIndex,
    scoring: &Scoring,
    members: &[Oid],
    group: &Group,
    probs: &mut [(String, f64)],
) -> Vec<stablepick_evidence::Record> {
    let scored: Vec<Vec<(String, f64)>> = members
        .iter()
        .map(|&m| scoring.member(git, index, m))
        .collect();
    let w = group.weight;
    let mut records = Vec::new();
    for (branch, p) in probs.iter_mut() {
        let others: Vec<f64> = scored
            .iter()
            .filter_map(|s| s.iter().find(|x| x.0 == *branch).map(|x| x.1))
            .collect();
        if others.is_empty() {
            continue;
        }
        let own = *p;
        *p = series::smoothed(own, &others, w);
        let mean = others.iter().sum::<f64>() / others.len() as f64;
        records.push(stablepick_evidence::Record::new(
            9,
            format!(
                "[{branch}] {}: {} other commit(s) {}; their mean probability {mean:.3}; the decision uses {w:.2} × own {own:.3} + {:.2} × {} mean = {:.3}",
                group.name,
                others.len(),
                group.with_this,
                1.0 - w,
                group.whose,
                *p
            ),
            group.command.clone(),
        ));
    }
    records
}

/// Lowers each branch's probability by the chance that the branch is still
/// maintained when the commit landed ([`lifetime`]): the model learned only
/// from commits its branches were still taking. One record per lowered
/// branch.
fn lower_by_branch_life(
    git: &Git,
    index: &RepoIndex,
    model: &Model,
    commit_time: i64,
    probs: &mut [(String, f64)],
) -> Vec<stablepick_evidence::Record> {
    let mut records = Vec::new();
    for (branch, p) in probs.iter_mut() {
        let Some(days) = index
            .branch(branch)
            .and_then(|b| days_after_base(git, index, b, commit_time))
        else {
            continue;
        };
        let chance = lifetime::still_maintained(&model.branch_lives, days);
        if chance < 1.0 {
            records.push(lifetime::record(
                &model.branch_lives,
                branch,
                days,
                chance,
                *p,
                index.mainline_display(),
            ));
            *p *= chance;
        }
    }
    records
}
