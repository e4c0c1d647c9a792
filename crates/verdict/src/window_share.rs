//! The window's share: over a whole range, the model keeps YES for no
//! larger a share of the commits it decides than it said YES to in
//! training (with some room).
//!
//! The model's probability assumes a new window looks like the training
//! windows. When a whole window scores higher — its branch takes less than
//! the training branches did, or its commits only look like past backports
//! — the learned threshold says YES to far more of it than the model ever
//! did out of fold. Seen one commit at a time nothing shows this; seen as a
//! range it does. So, per branch, when the range is large enough and its
//! YES share exceeds the training share by more than [`allowed`] (a ratio,
//! or chance for a small range), only the highest-scoring commits up to
//! that share keep YES. Nor does it keep YES for more than
//! [`EXPECTED_MULTIPLE`] × the commits it expects the branch to take (the
//! sum of their probabilities): where training ranked poorly, the learned
//! threshold can say YES to most of a window (F1 out of fold is highest
//! with YES to nearly everything), and that is no triage. The cut is only
//! ever raised: a range that scores low keeps the learned threshold.

use crate::combine::MODEL_REASON;
use crate::model::Model;
use crate::{DecidedBy, Decision, Verdict};
use stablepick_evidence::Record;
use stablepick_evidence::record::sh;

/// Below this many commits decided by the model for a branch, the range's
/// share says too little to act on.
pub const MIN_DECIDED: usize = 100;
/// How far a range's YES share may exceed the training share before the cut
/// applies: windows differ, and only a clear excess is trimmed.
pub const TOLERANCE: f64 = 1.2;
/// A small range's share varies by chance alone: it may also exceed the
/// training share by this many binomial standard deviations.
pub const SPREAD: f64 = 2.0;
/// At most this many YES per commit the model expects the branch to take
/// from the range.
pub const EXPECTED_MULTIPLE: f64 = 2.0;

/// How many of `decided` commits may keep YES when the model said YES to
/// `share` of its training decisions: the larger of [`TOLERANCE`] × share
/// and share plus [`SPREAD`] standard deviations.
pub fn allowed(share: f64, decided: usize) -> usize {
    let n = decided as f64;
    let by_ratio = TOLERANCE * share * n;
    let by_chance = share * n + SPREAD * (n * share * (1.0 - share)).max(0.0).sqrt();
    (by_ratio.max(by_chance).ceil() as usize).clamp(1, decided.max(1))
}

/// How many commits may keep YES when the model expects the branch to take
/// `expected` of them: [`EXPECTED_MULTIPLE`] × that, at least one.
pub fn allowed_by_expected(expected: f64) -> usize {
    ((EXPECTED_MULTIPLE * expected).ceil().max(1.0)) as usize
}

/// One branch's raised threshold for a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    pub branch: String,
    pub base: String,
    /// The model's learned threshold.
    pub learned: f64,
    /// The threshold for this range: the `keep`-th highest score.
    pub threshold: f64,
    /// The out-of-fold YES share from training.
    pub share: f64,
    /// Commits of the range the model decides for the branch.
    pub decided: usize,
    /// How many of them the learned threshold says YES to.
    pub yes_at_learned: usize,
    /// How many may keep YES: [`allowed`] by the share, or
    /// [`allowed_by_expected`] where that is fewer.
    pub keep: usize,
    /// The sum of the range's probabilities: how many of its commits the
    /// model expects the branch to take.
    pub expected: f64,
    /// The keep comes from [`allowed_by_expected`], not the share.
    pub by_expected: bool,
    /// The model's file as its command names it ([`Model::path_arg`]).
    pub model_arg: String,
}

/// The cuts for a range, from `(branch, base, score)` of every branch
/// decision the model made in it. Empty for a model without the training
/// share (older models), a small range, or a range within the share.
pub fn cuts(model: &Model, decided: &[(String, String, f64)]) -> Vec<Cut> {
    let Some(share) = model.stats.oof_yes_share else {
        return Vec::new();
    };
    let mut branches: Vec<(&str, &str)> = decided
        .iter()
        .map(|(b, base, _)| (b.as_str(), base.as_str()))
        .collect();
    branches.sort_unstable();
    branches.dedup();
    let mut out = Vec::new();
    for (branch, base) in branches {
        let mut scores: Vec<f64> = decided
            .iter()
            .filter(|d| d.0 == branch)
            .map(|d| d.2)
            .filter(|s| s.is_finite())
            .collect();
        if scores.len() < MIN_DECIDED {
            continue;
        }
        scores.sort_by(|a, b| b.total_cmp(a));
        let expected: f64 = scores.iter().sum();
        let (by_share, by_expected) = (allowed(share, scores.len()), allowed_by_expected(expected));
        let keep = by_share.min(by_expected);
        let yes_at_learned = scores.iter().filter(|&&s| s >= model.threshold).count();
        if keep >= yes_at_learned {
            continue;
        }
        out.push(Cut {
            branch: branch.to_string(),
            base: base.to_string(),
            learned: model.threshold,
            threshold: scores[keep - 1],
            share,
            decided: scores.len(),
            yes_at_learned,
            keep,
            expected,
            by_expected: by_expected < by_share,
            model_arg: model.path_arg(),
        });
    }
    out
}

impl Cut {
    /// Does the cut turn a model YES with probability `p` into NO?
    pub fn lowers(&self, p: f64) -> bool {
        p >= self.learned && p < self.threshold
    }

    /// Does the cut turn this branch decision (YES or not, what decided
    /// it, its score) into NO: a YES the model made, below the cut?
    pub fn turns_to_no(&self, yes: bool, decided_by: DecidedBy, p: f64) -> bool {
        yes && decided_by == DecidedBy::Model && self.lowers(p)
    }

    /// The branch decision's reason once the cut has turned it to NO; it
    /// still begins with the model's words, as it is the model's decision.
    pub fn reason(&self, p: f64) -> String {
        format!(
            "{MODEL_REASON} {p:.3} ≥ threshold {:.3}, but below this range's cut {:.3} (the top {} of {} commits keep YES)",
            self.learned, self.threshold, self.keep, self.decided
        )
    }

    /// The Phase 9 record of a commit the cut turned to NO; its command
    /// prints the range's cut (and, where that set it, the expected count)
    /// from the range's own rows.
    pub fn record(&self, p: f64, range: &str) -> Record {
        let scores = format!(
            "[.[].branches[] | select(.branch == \"{}\" and (.decided_by == \"model\" or .decided_by == \"window_share\")) | .score] | sort | reverse",
            self.branch
        );
        let jq = if self.by_expected {
            format!("{scores} | {{expected: add, cut: .[{}]}}", self.keep - 1)
        } else {
            format!("{scores} | .[{}]", self.keep - 1)
        };
        let yes_now = format!(
            "in this range its threshold {:.3} says YES to {} of {} ({:.1}%)",
            self.learned,
            self.yes_at_learned,
            self.decided,
            self.yes_at_learned as f64 * 100.0 / self.decided as f64,
        );
        let why = if self.by_expected {
            format!(
                "{yes_now}, but its probabilities add up to {:.1}: it expects the branch to take about that many, and at most {EXPECTED_MULTIPLE} × as many keep YES",
                self.expected
            )
        } else {
            format!(
                "in training the model said YES to {:.1}% of the commits it decided (out of fold); {yes_now}, more than that share allows ({TOLERANCE} × it, or {SPREAD} standard deviations above it for a range this size)",
                self.share * 100.0
            )
        };
        Record::new(
            9,
            format!(
                "[{}] window share: {why}, so only the top {} keep YES (score ≥ {:.3}); this commit's {p:.3} is below: NO",
                self.branch, self.keep, self.threshold,
            ),
            format!(
                "stablepick triage --repo . --stable {}={} --model {} --format jsonl {} | jq -s {}",
                sh(&self.branch),
                sh(&self.base),
                self.model_arg,
                sh(range),
                sh(&jq)
            ),
        )
    }
}

/// `(branch, base, score)` of each branch decision in `d` the model made.
pub fn decided_in(d: &Decision) -> impl Iterator<Item = (String, String, f64)> + '_ {
    d.branches
        .iter()
        .filter(|b| b.decided_by.by_model())
        .map(|b| (b.branch.clone(), b.base.clone(), b.score))
}

/// Applies the cuts to one decision: a model YES below its branch's cut
/// becomes NO, with its record.
pub fn apply(cuts: &[Cut], d: &mut Decision, range: &str) {
    for b in &mut d.branches {
        let Some(cut) = cuts.iter().find(|c| c.branch == b.branch) else {
            continue;
        };
        if cut.turns_to_no(b.verdict == Some(Verdict::Yes), b.decided_by, b.score) {
            b.verdict = Some(Verdict::No);
            b.decided_by = DecidedBy::WindowShare;
            b.reason = cut.reason(b.score);
            d.records.push(cut.record(b.score, range));
        }
    }
    d.verdict = crate::commit_verdict(&d.branches);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, TrainStats};

    fn model(threshold: f64, share: Option<f64>) -> Model {
        let mut m: Model = serde_json::from_value(serde_json::json!({
            "format": crate::model::MODEL_FORMAT,
            "dim_bits": 4,
            "weights": [],
            "platt_a": 1.0,
            "platt_b": 0.0,
            "threshold": threshold,
            "options": crate::model::TrainOptions::default(),
            "stats": TrainStats::default(),
            "trained_on": [],
            "past": [],
        }))
        .expect("a model");
        m.stats.oof_yes_share = share;
        m
    }

    fn range(scores: impl Iterator<Item = f64>) -> Vec<(String, String, f64)> {
        scores.map(|s| ("1.0".into(), "v1.0".into(), s)).collect()
    }

    #[test]
    fn a_range_far_above_the_training_share_keeps_only_its_top() {
        // 200 commits, scores 0.005 … 1.0; the threshold 0.3 says YES to 141.
        let r = range((1..=200).map(|i| i as f64 / 200.0));
        let cuts = cuts(&model(0.3, Some(0.25)), &r);
        assert_eq!(cuts.len(), 1);
        let c = &cuts[0];
        // 1.2 × 0.25 × 200 = 60; chance allows more: 50 + 2 × √37.5 = 62.2.
        assert_eq!((c.decided, c.yes_at_learned, c.keep), (200, 141, 63));
        // The 63rd highest of i/200 is 138/200.
        assert!((c.threshold - 0.69).abs() < 1e-9, "{}", c.threshold);
        assert!(c.lowers(0.5) && !c.lowers(0.69) && !c.lowers(0.2));
    }

    #[test]
    fn a_range_keeps_yes_for_at_most_twice_the_commits_it_expects_taken() {
        // Training said YES to 90% out of fold (it ranked poorly); here the
        // threshold 0.1 says YES to 161 of 200 whose probabilities, i/400,
        // add up to 50.25: at most 101 keep YES.
        let r = range((1..=200).map(|i| i as f64 / 400.0));
        let cuts = cuts(&model(0.1, Some(0.9)), &r);
        assert_eq!(cuts.len(), 1);
        let c = &cuts[0];
        assert_eq!((c.yes_at_learned, c.keep), (161, 101));
        assert!(c.by_expected && (c.expected - 50.25).abs() < 1e-9);
        assert!((c.threshold - 0.25).abs() < 1e-9, "{}", c.threshold);
        let rec = c.record(0.2, "v1.0..main");
        assert!(rec.text.contains("add up to 50.2"), "{}", rec.text);
        assert!(rec.verified_by.contains("{expected: add, cut: .[100]}"));
        // Where the share allows fewer, the share sets the cut.
        let c = &super::cuts(&model(0.1, Some(0.25)), &r)[0];
        assert!(!c.by_expected && c.keep == 63);
        assert!(
            c.record(0.2, "v1.0..main")
                .verified_by
                .ends_with("| .[62]'")
        );
    }

    #[test]
    fn large_ranges_allow_the_ratio_small_ones_chance() {
        assert_eq!(allowed(0.3, 2000), 720);
        // 20 + 2 × 4 = 28 > 24.
        assert_eq!(allowed(0.2, 100), 28);
        assert_eq!(allowed(1.0, 10), 10);
        assert_eq!(allowed(0.0, 10), 1);
    }

    #[test]
    fn no_cut_within_the_share_for_small_ranges_or_old_models() {
        let r = range((1..=200).map(|i| i as f64 / 200.0));
        // 141 YES of 200 is within 0.6 × 1.2.
        assert!(cuts(&model(0.3, Some(0.6)), &r).is_empty());
        assert!(cuts(&model(0.3, None), &r).is_empty());
        let small = range((1..MIN_DECIDED).map(|i| i as f64 / MIN_DECIDED as f64));
        assert!(cuts(&model(0.3, Some(0.05)), &small).is_empty());
    }
}
