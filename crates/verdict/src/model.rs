//! The backport model: logistic regression over hashed sparse features,
//! calibrated with Platt scaling on out-of-fold scores, with a decision
//! threshold chosen for F1 on those same out-of-fold scores.
//!
//! Consumes [`Example`]s (a [`SparseVec`] from [`crate::features`], the
//! label, and whether a hard rule already says NO) and produces a [`Model`]
//! that serialises to JSON. Training is deterministic: fixed seeds, a stable
//! example order, folds given by the caller (`learn` cuts the commits into stretches of time).

use crate::features::{DIM_BITS, SparseVec};
use crate::similar::PastDecision;

/// 2: per-branch facts also joined with the stable nomination.
/// 3: bug-report and CVE features. 4: whether the patch applies, and
/// how long after the branch's base the commit landed, whether the branch
/// has the commits the message names. 5: how long after the base, also
/// as a number of years.
pub const MODEL_FORMAT: u32 = 5;

/// One labelled (commit, branch) pair.
#[derive(Debug, Clone)]
pub struct Example {
    pub x: SparseVec,
    pub y: bool,
    /// A hard rule says NO for this pair whatever the model thinks, so the
    /// threshold is chosen for F1 of the rules-then-model decision.
    pub hard_no: bool,
    /// The fold: examples with the same group share one (every example of
    /// a commit has its group).
    pub group: u64,
    /// The commit's series and the branch together ([`crate::series`]):
    /// examples with the same key are smoothed towards their mean.
    pub series: u64,
    /// The merge that brought the commit in and the branch together: the
    /// pull request's examples are smoothed towards their mean after the
    /// series ([`crate::series`]). A commit no merge brought has a key of
    /// its own.
    pub pull: u64,
}

/// Training knobs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TrainOptions {
    pub epochs: usize,
    pub l2: f64,
    pub learning_rate: f64,
    pub folds: usize,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            l2: 1.0,
            learning_rate: 0.2,
            folds: 4,
            seed: 0x5eed_b0a7,
        }
    }
}

/// Figures measured on out-of-fold scores during training.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct TrainStats {
    pub examples: usize,
    pub positives: usize,
    pub oof_precision: f64,
    pub oof_recall: f64,
    pub oof_f1: f64,
    /// The share of the examples no hard rule decided that the model said
    /// YES to, out of fold, at its threshold: how much of a window the
    /// branches took as the model saw it. `None` in older models.
    #[serde(default)]
    pub oof_yes_share: Option<f64>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Model {
    pub format: u32,
    pub dim_bits: u32,
    /// Non-zero weights as (index, weight).
    pub weights: Vec<(u32, f32)>,
    /// Platt scaling: p = sigmoid(a * margin + b).
    pub platt_a: f64,
    pub platt_b: f64,
    /// Calibrated probability at or above which the model says YES.
    pub threshold: f64,
    pub options: TrainOptions,
    pub stats: TrainStats,
    /// The branches the labels came from, `BRANCH=BASE`.
    pub trained_on: Vec<String>,
    /// Past decisions for the nearest-neighbour evidence.
    pub past: Vec<PastDecision>,
    /// Weight of a commit's own probability against its series' mean
    /// ([`crate::series::smoothed`]); 1 when smoothing did not help.
    #[serde(default = "no_smoothing")]
    pub series_weight: f64,
    /// Weight of a commit's series-smoothed probability against its pull
    /// request's mean; 1 when smoothing did not help (and in older models).
    #[serde(default = "no_smoothing")]
    pub pull_weight: f64,
    /// How long the training branches kept taking commits
    /// ([`crate::lifetime`]).
    #[serde(default)]
    pub branch_lives: Vec<crate::lifetime::BranchLife>,
    #[serde(skip)]
    dense: Vec<f32>,
    /// The file it was loaded from, for the commands records give.
    #[serde(skip)]
    path: Option<std::path::PathBuf>,
}

fn no_smoothing() -> f64 {
    1.0
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// xorshift64*: a tiny deterministic generator for shuffling.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn dot(w: &[f32], x: &SparseVec) -> f64 {
    x.0.iter()
        .map(|&(i, v)| w[i as usize] as f64 * v as f64)
        .sum()
}

/// Fits weights with AdaGrad SGD on the logistic loss plus L2.
fn fit(examples: &[&Example], o: &TrainOptions) -> Vec<f32> {
    let dim = 1usize << DIM_BITS;
    let mut w = vec![0f32; dim];
    let mut g2 = vec![0f32; dim];
    // How many examples carry each feature: the L2 penalty is spread over
    // a feature's occurrences, so each epoch applies it once in full.
    let mut count = vec![0u32; dim];
    for e in examples {
        for &(i, _) in &e.x.0 {
            count[i as usize] += 1;
        }
    }
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = Rng(o.seed | 1);
    for _ in 0..o.epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &k in &order {
            let e = examples[k];
            let p = sigmoid(dot(&w, &e.x));
            let err = p - if e.y { 1.0 } else { 0.0 };
            for &(i, v) in &e.x.0 {
                let i = i as usize;
                let g = err * v as f64 + o.l2 * w[i] as f64 / count[i].max(1) as f64;
                g2[i] += (g * g) as f32;
                w[i] -= (o.learning_rate * g / (g2[i] as f64).sqrt().max(1e-8)) as f32;
            }
        }
    }
    w
}

/// Platt scaling by Newton's method, with the usual smoothed targets.
fn platt(scores: &[(f64, bool)]) -> (f64, f64) {
    let pos = scores.iter().filter(|s| s.1).count() as f64;
    let neg = scores.len() as f64 - pos;
    let (tp, tn) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let loss = |a: f64, b: f64| -> f64 {
        scores
            .iter()
            .map(|&(z, y)| {
                let t = if y { tp } else { tn };
                let m = a * z + b;
                // log(1 + e^m) - t*m, computed stably.
                m.max(0.0) + (-m.abs()).exp().ln_1p() - t * m
            })
            .sum()
    };
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for &(z, y) in scores {
            let t = if y { tp } else { tn };
            let p = sigmoid(a * z + b);
            let d = p - t;
            let s = p * (1.0 - p);
            ga += d * z;
            gb += d;
            haa += s * z * z;
            hab += s * z;
            hbb += s;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        // Backtracking: a full Newton step overshoots on separable scores.
        let before = loss(a, b);
        let mut step = 1.0;
        while step > 1e-6 && loss(a - step * da, b - step * db) > before {
            step /= 2.0;
        }
        a -= step * da;
        b -= step * db;
        if (da.abs() + db.abs()) * step < 1e-9 {
            break;
        }
    }
    (a, b)
}

/// Precision, recall and F1 of `pred` against `truth`.
pub fn prf(pred_truth: impl Iterator<Item = (bool, bool)>) -> (f64, f64, f64) {
    let (mut tp, mut fp, mut fnn) = (0usize, 0usize, 0usize);
    for (p, t) in pred_truth {
        match (p, t) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fnn += 1,
            _ => {}
        }
    }
    let p = if tp + fp > 0 {
        tp as f64 / (tp + fp) as f64
    } else {
        0.0
    };
    let r = if tp + fnn > 0 {
        tp as f64 / (tp + fnn) as f64
    } else {
        0.0
    };
    let f = if tp > 0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f)
}

/// The share of the (probability, hard_no, label) triples no hard rule
/// decided whose probability reaches `threshold`; `None` when a hard rule
/// decided them all.
pub fn yes_share(scored: &[(f64, bool, bool)], threshold: f64) -> Option<f64> {
    let eligible = scored.iter().filter(|s| !s.1);
    let (n, yes) = eligible.fold((0usize, 0usize), |(n, y), s| {
        (n + 1, y + usize::from(s.0 >= threshold))
    });
    (n > 0).then(|| yes as f64 / n as f64)
}

/// The threshold with the best F1 for (probability, hard_no, label) triples.
pub fn best_threshold(scored: &[(f64, bool, bool)]) -> (f64, (f64, f64, f64)) {
    let mut best = (0.5, (0.0, 0.0, 0.0));
    // Sweep from high to low: one pass, counting as the threshold drops.
    let total_pos = scored.iter().filter(|s| s.2).count();
    let mut eligible: Vec<(f64, bool)> =
        scored.iter().filter(|s| !s.1).map(|s| (s.0, s.2)).collect();
    eligible.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut i = 0;
    while i < eligible.len() {
        let t = eligible[i].0;
        while i < eligible.len() && eligible[i].0 == t {
            if eligible[i].1 {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        let p = tp as f64 / (tp + fp) as f64;
        let r = if total_pos > 0 {
            tp as f64 / total_pos as f64
        } else {
            0.0
        };
        let f = if tp > 0 { 2.0 * p * r / (p + r) } else { 0.0 };
        if f > best.1.2 {
            // Midway to the next lower score: the same split on these
            // examples, less brittle on new ones.
            let next = eligible.get(i).map_or(0.0, |e| e.0);
            best = ((t + next) / 2.0, (p, r, f));
        }
    }
    best
}

impl Model {
    /// Trains on `examples`: out-of-fold scores for calibration and the
    /// threshold, then the final weights on everything.
    pub fn train(examples: &[Example], o: &TrainOptions) -> Model {
        let k = o.folds.max(2);
        let mut margins = vec![0f64; examples.len()];
        let folds: Vec<Vec<f64>> = {
            use rayon::prelude::*;
            (0..k)
                .into_par_iter()
                .map(|f| {
                    let train: Vec<&Example> = examples
                        .iter()
                        .filter(|e| (e.group % k as u64) as usize != f)
                        .collect();
                    let w = fit(&train, o);
                    examples
                        .iter()
                        .map(|e| {
                            if (e.group % k as u64) as usize == f {
                                dot(&w, &e.x)
                            } else {
                                f64::NAN
                            }
                        })
                        .collect()
                })
                .collect()
        };
        for fold in folds {
            for (m, v) in margins.iter_mut().zip(fold) {
                if !v.is_nan() {
                    *m = v;
                }
            }
        }
        let scores: Vec<(f64, bool)> = margins
            .iter()
            .zip(examples)
            .map(|(&m, e)| (m, e.y))
            .collect();
        let (a, b) = platt(&scores);
        let probs: Vec<f64> = margins.iter().map(|&m| sigmoid(a * m + b)).collect();
        let series: Vec<u64> = examples.iter().map(|e| e.series).collect();
        let pulls: Vec<u64> = examples.iter().map(|e| e.pull).collect();
        // The series and pull-request weights are chosen with the
        // threshold, on the same out-of-fold scores; a pair wins only by
        // doing strictly better than the pairs before it (no smoothing
        // first).
        let pairs = crate::series::SERIES_WEIGHTS
            .iter()
            .flat_map(|&s| crate::series::PULL_WEIGHTS.iter().map(move |&p| (s, p)));
        let ((series_weight, pull_weight), threshold, (p, r, f), yes_share) = pairs
            .map(|(sw, pw)| {
                let by_series = crate::series::smooth_groups(&probs, &probs, &series, sw);
                let smooth = crate::series::smooth_groups(&by_series, &probs, &pulls, pw);
                let scored: Vec<(f64, bool, bool)> = smooth
                    .iter()
                    .zip(examples)
                    .map(|(&p, e)| (p, e.hard_no, e.y))
                    .collect();
                let (t, prf) = best_threshold(&scored);
                ((sw, pw), t, prf, yes_share(&scored, t))
            })
            .reduce(|a, b| if b.2.2 > a.2.2 { b } else { a })
            .expect("weights to try");
        let all: Vec<&Example> = examples.iter().collect();
        let w = fit(&all, o);
        let weights = w
            .iter()
            .enumerate()
            .filter(|(_, x)| **x != 0.0)
            .map(|(i, x)| (i as u32, *x))
            .collect();
        Model {
            format: MODEL_FORMAT,
            dim_bits: DIM_BITS,
            weights,
            platt_a: a,
            platt_b: b,
            threshold,
            options: o.clone(),
            stats: TrainStats {
                examples: examples.len(),
                positives: examples.iter().filter(|e| e.y).count(),
                oof_precision: p,
                oof_recall: r,
                oof_f1: f,
                oof_yes_share: yes_share,
            },
            trained_on: Vec::new(),
            past: Vec::new(),
            series_weight,
            pull_weight,
            branch_lives: Vec::new(),
            dense: w,
            path: None,
        }
    }

    fn ensure_dense(&mut self) {
        if self.dense.len() != 1 << self.dim_bits {
            let mut d = vec![0f32; 1 << self.dim_bits];
            for &(i, x) in &self.weights {
                if let Some(slot) = d.get_mut(i as usize) {
                    *slot = x;
                }
            }
            self.dense = d;
        }
    }

    /// Calibrated probability that the branch takes the commit.
    pub fn probability(&self, x: &SparseVec) -> f64 {
        let m = dot(&self.dense, x);
        sigmoid(self.platt_a * m + self.platt_b)
    }

    pub fn save(&self, path: &std::path::Path) -> std::io::Result<()> {
        let text = serde_json::to_string(self).map_err(std::io::Error::other)?;
        std::fs::write(path, text)
    }

    pub fn load(path: &std::path::Path) -> std::io::Result<Model> {
        Ok(Model::from_slice(&std::fs::read(path)?)?.located_at(path))
    }

    /// The model, knowing it was read from `path`.
    pub fn located_at(mut self, path: &std::path::Path) -> Model {
        self.path = Some(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        self
    }

    /// The model's file as a shell word for a record's command (`MODEL`
    /// for one not loaded from a file).
    pub fn path_arg(&self) -> String {
        match &self.path {
            Some(p) => stablepick_evidence::record::sh(&p.to_string_lossy()),
            None => "MODEL".to_string(),
        }
    }

    /// A model from the bytes of a saved one (as [`Model::save`] writes).
    pub fn from_slice(bytes: &[u8]) -> std::io::Result<Model> {
        let mut m: Model = serde_json::from_slice(bytes).map_err(std::io::Error::other)?;
        if m.format != MODEL_FORMAT || m.dim_bits != DIM_BITS {
            return Err(std::io::Error::other(format!(
                "model format {} / {} bits; this build reads format {MODEL_FORMAT} / {DIM_BITS} bits: retrain it",
                m.format, m.dim_bits
            )));
        }
        m.ensure_dense();
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::vector_of;

    /// Pull requests of three commits taken or left whole, where one
    /// commit in two of every pull request carries the other side's word:
    /// each commit alone is often wrong, its pull request's mean is right.
    fn whole_pull_requests(pull_of: impl Fn(u64, u64) -> u64) -> Vec<Example> {
        let mut out = Vec::new();
        for pr in 0..240u64 {
            let taken = pr % 3 == 0;
            for j in 0..3u64 {
                let misleading = j == 0 && pr % 2 == 0;
                let word = if taken != misleading {
                    "sig:yes"
                } else {
                    "sig:no"
                };
                let named = vec![("bias".to_string(), 1.0), (word.to_string(), 1.0)];
                out.push(Example {
                    x: vector_of(&named, &[]),
                    y: taken,
                    hard_no: false,
                    group: pr,
                    series: pr * 3 + j,
                    pull: pull_of(pr, j),
                });
            }
        }
        out
    }

    #[test]
    fn a_pull_request_weight_is_learned_where_pull_requests_are_decided_whole() {
        let m = Model::train(&whole_pull_requests(|pr, _| pr), &TrainOptions::default());
        assert!(m.pull_weight < 1.0, "pull weight {}", m.pull_weight);
        assert_eq!(m.series_weight, 1.0, "every series is one commit");
        // Alone, no grouping can help: no smoothing.
        let m = Model::train(
            &whole_pull_requests(|pr, j| pr * 3 + j),
            &TrainOptions::default(),
        );
        assert_eq!(m.pull_weight, 1.0);
    }
}
