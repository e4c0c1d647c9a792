//! Series smoothing: a commit's probability is drawn towards the mean of
//! its series ([`stablepick_repo::series`]), because stable maintainers
//! take or leave a series as a whole far more often than commit by commit.
//!
//! The same smoothing runs a second time over a commit's pull request
//! (the other commits the first-parent merge that brought it in brought,
//! [`stablepick_repo::RepoIndex::merged_with`]): where a bot backports
//! whole pull requests by label, the pull request is the decision.
//!
//! Consumes the model's calibrated probabilities of a commit and of the
//! other commits of its group (for one branch) and the weights the model
//! learned; produces the probability the threshold is applied to.

/// At most this many other commits of a series are scored (the nearest in
/// commit time): a long series is still a handful of decisions.
pub const SERIES_MAX: usize = 16;

/// Weights of a commit's own probability tried in training; 1 turns the
/// smoothing off, and wins unless another does strictly better.
pub const SERIES_WEIGHTS: [f64; 3] = [1.0, 0.5, 0.3];

/// Weights of a commit's own (series-smoothed) probability against its
/// pull request's mean tried in training, as [`SERIES_WEIGHTS`].
pub const PULL_WEIGHTS: [f64; 3] = [1.0, 0.5, 0.3];

/// `weight · own + (1 − weight) · mean(own and others)`.
pub fn smoothed(own: f64, others: &[f64], weight: f64) -> f64 {
    if others.is_empty() || weight >= 1.0 {
        return own;
    }
    let mean = (own + others.iter().sum::<f64>()) / (others.len() + 1) as f64;
    weight * own + (1.0 - weight) * mean
}

/// [`smoothed`] for every item: `own[i]` drawn towards the mean of itself
/// and `others[j]` of the other items `j` of its group, where `groups[i]`
/// names item `i`'s group (for one branch: the key carries the branch).
/// `others` are the probabilities a group's members are seen with (the
/// model's own, as triage scores them); `own` may already be smoothed.
pub fn smooth_groups(own: &[f64], others: &[f64], groups: &[u64], weight: f64) -> Vec<f64> {
    let mut by: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    for (i, g) in groups.iter().enumerate() {
        by.entry(*g).or_default().push(i);
    }
    (0..own.len())
        .map(|i| {
            let members = &by[&groups[i]];
            if members.len() > SERIES_MAX + 1 {
                // As in triage: the nearest members only (neighbours in
                // the list are neighbours in time).
                let at = members.iter().position(|&m| m == i).unwrap_or(0);
                let lo = at.saturating_sub(SERIES_MAX / 2);
                let hi = (lo + SERIES_MAX + 1).min(members.len());
                let lo = hi.saturating_sub(SERIES_MAX + 1);
                let near: Vec<f64> = members[lo..hi]
                    .iter()
                    .filter(|&&m| m != i)
                    .map(|&m| others[m])
                    .collect();
                return smoothed(own[i], &near, weight);
            }
            let near: Vec<f64> = members
                .iter()
                .filter(|&&m| m != i)
                .map(|&m| others[m])
                .collect();
            smoothed(own[i], &near, weight)
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
        let p = [0.2, 0.8, 0.9];
        let out = smooth_groups(&p, &p, &[1, 1, 2], 0.5);
        assert!((out[0] - 0.35).abs() < 1e-12);
        assert!((out[1] - 0.65).abs() < 1e-12);
        assert_eq!(out[2], 0.9);
    }

    #[test]
    fn a_smoothed_commit_meets_its_pull_request_as_the_others_see_it() {
        // Item 0 was already drawn to 0.4 by its series; the pull request's
        // other member is seen at its own 0.8: mean(0.4, 0.8) = 0.6, and
        // 0.5·0.4 + 0.5·0.6 = 0.5. Item 1 sees item 0 at its own 0.2.
        let out = smooth_groups(&[0.4, 0.8], &[0.2, 0.8], &[7, 7], 0.5);
        assert!((out[0] - 0.5).abs() < 1e-12, "{out:?}");
        assert!((out[1] - 0.65).abs() < 1e-12, "{out:?}");
    }
}
