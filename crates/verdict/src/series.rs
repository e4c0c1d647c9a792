//! Series smoothing: a commit's probability is drawn towards the mean of
//! its series ([`stablepick_repo::series`]), because stable maintainers
//! take or leave a series as a whole far more often than commit by commit.
//!
//! Consumes the model's calibrated probabilities of a commit and of the
//! other commits of its series (for one branch) and the weight the model
//! learned; produces the probability the threshold is applied to.

/// At most this many other commits of a series are scored (the nearest in
/// commit time): a long series is still a handful of decisions.
pub const SERIES_MAX: usize = 16;

/// Weights of a commit's own probability tried in training; 1 turns the
/// smoothing off, and wins unless another does strictly better.
pub const SERIES_WEIGHTS: [f64; 3] = [1.0, 0.5, 0.3];

/// `weight · own + (1 − weight) · mean(own and others)`.
pub fn smoothed(own: f64, others: &[f64], weight: f64) -> f64 {
    if others.is_empty() || weight >= 1.0 {
        return own;
    }
    let mean = (own + others.iter().sum::<f64>()) / (others.len() + 1) as f64;
    weight * own + (1.0 - weight) * mean
}

/// [`smoothed`] for every item, where `groups[i]` names item `i`'s series
/// (for one branch: the key carries the branch).
pub fn smooth_groups(probs: &[f64], groups: &[u64], weight: f64) -> Vec<f64> {
    let mut by: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    for (i, g) in groups.iter().enumerate() {
        by.entry(*g).or_default().push(i);
    }
    (0..probs.len())
        .map(|i| {
            let members = &by[&groups[i]];
            if members.len() > SERIES_MAX + 1 {
                // As in triage: the nearest members only (neighbours in
                // the list are neighbours in time).
                let at = members.iter().position(|&m| m == i).unwrap_or(0);
                let lo = at.saturating_sub(SERIES_MAX / 2);
                let hi = (lo + SERIES_MAX + 1).min(members.len());
                let lo = hi.saturating_sub(SERIES_MAX + 1);
                let others: Vec<f64> = members[lo..hi]
                    .iter()
                    .filter(|&&m| m != i)
                    .map(|&m| probs[m])
                    .collect();
                return smoothed(probs[i], &others, weight);
            }
            let others: Vec<f64> = members
                .iter()
                .filter(|&&m| m != i)
                .map(|&m| probs[m])
                .collect();
            smoothed(probs[i], &others, weight)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_pulls_its_members_together() {
        assert_eq!(smoothed(0.2, &[], 0.3), 0.2, "alone: unchanged");
        assert_eq!(smoothed(0.2, &[0.8], 1.0), 0.2, "weight 1: unchanged");
        // mean 0.5: 0.5·0.2 + 0.5·0.5
        assert!((smoothed(0.2, &[0.8], 0.5) - 0.35).abs() < 1e-12);
        let out = smooth_groups(&[0.2, 0.8, 0.9], &[1, 1, 2], 0.5);
        assert!((out[0] - 0.35).abs() < 1e-12);
        assert!((out[1] - 0.65).abs() < 1e-12);
        assert_eq!(out[2], 0.9);
    }
}
