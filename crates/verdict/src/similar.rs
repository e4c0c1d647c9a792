//! Nearest past decisions: for a commit, the past mainline commits whose
//! text (subject, body, paths, functions, changed identifiers — the hashed
//! tokens of [`crate::features::CommitFacts::text`]) is most alike, and
//! whether the stable branches took them. Cosine similarity over token sets.
//!
//! Consumes the [`PastDecision`]s a [`crate::model::Model`] carries and
//! produces Phase 9 [`Record`]s.

use stablepick_evidence::Record;

/// One past mainline commit and what the stable branches did with it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PastDecision {
    pub sha: String,
    pub subject: String,
    /// Branches that had time to take it.
    pub considered: Vec<String>,
    /// Branches that took it.
    pub backported: Vec<String>,
    /// Sorted hashed text tokens.
    pub text: Vec<u32>,
    /// Commit time (seconds), so training can leave out decisions made
    /// too close to the commit it describes.
    #[serde(default)]
    pub time: i64,
}

/// A neighbour and its similarity.
#[derive(Debug, Clone)]
pub struct Neighbour<'a> {
    pub past: &'a PastDecision,
    pub similarity: f64,
}

fn overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Cosine similarity of two sorted token sets.
pub fn cosine(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    overlap(a, b) as f64 / ((a.len() * b.len()) as f64).sqrt()
}

/// An inverted index over past decisions' tokens, so a query touches only
/// the commits that share a token with it. Tokens carried by more than
/// [`Neighbourhood::MAX_DF`] of the commits say nothing about similarity and
/// are not indexed (they still count in the cosine's norms).
pub struct Neighbourhood<'a> {
    past: &'a [PastDecision],
    postings: std::collections::HashMap<u32, Vec<u32>>,
}

impl<'a> Neighbourhood<'a> {
    pub const MAX_DF: f64 = 0.05;

    pub fn new(past: &'a [PastDecision]) -> Self {
        let mut postings: std::collections::HashMap<u32, Vec<u32>> = Default::default();
        for (i, p) in past.iter().enumerate() {
            for &t in &p.text {
                postings.entry(t).or_default().push(i as u32);
            }
        }
        let max = ((past.len() as f64 * Self::MAX_DF) as usize).max(20);
        postings.retain(|_, v| v.len() <= max);
        Neighbourhood { past, postings }
    }

    /// The `k` most similar past decisions, most similar first; `skip`
    /// names a sha to leave out (the commit itself).
    pub fn nearest(&self, text: &[u32], k: usize, skip: &str) -> Vec<Neighbour<'a>> {
        self.nearest_where(text, k, |p| p.sha != skip)
    }

    /// The `k` most similar past decisions that `keep` accepts.
    pub fn nearest_where(
        &self,
        text: &[u32],
        k: usize,
        keep: impl Fn(&PastDecision) -> bool,
    ) -> Vec<Neighbour<'a>> {
        // Shared rare tokens per past commit, counted through the postings;
        // the cosine's numerator counts those (common tokens add little and
        // would make every query touch every commit).
        let mut count = vec![0u16; self.past.len()];
        let mut touched: Vec<u32> = Vec::new();
        for t in text {
            if let Some(list) = self.postings.get(t) {
                for &i in list {
                    if count[i as usize] == 0 {
                        touched.push(i);
                    }
                    count[i as usize] = count[i as usize].saturating_add(1);
                }
            }
        }
        let mut all: Vec<Neighbour> = touched
            .into_iter()
            .map(|i| (&self.past[i as usize], count[i as usize]))
            .filter(|(p, _)| keep(p))
            .map(|(p, n)| Neighbour {
                past: p,
                similarity: n as f64 / ((p.text.len() * text.len()) as f64).sqrt(),
            })
            .collect();
        all.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(a.past.sha.cmp(&b.past.sha))
        });
        all.truncate(k);
        all
    }
}

/// The `k` most similar past decisions by brute force (small sets).
pub fn nearest<'a>(
    past: &'a [PastDecision],
    text: &[u32],
    k: usize,
    skip: &str,
) -> Vec<Neighbour<'a>> {
    let mut all: Vec<Neighbour> = past
        .iter()
        .filter(|p| p.sha != skip)
        .map(|p| Neighbour {
            past: p,
            similarity: cosine(&p.text, text),
        })
        .filter(|n| n.similarity > 0.0)
        .collect();
    all.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.past.sha.cmp(&b.past.sha))
    });
    all.truncate(k);
    all
}

/// Model features from the neighbours: how many of them were taken, and
/// whether the closest one was.
pub fn neighbour_features(near: &[Neighbour]) -> Vec<(String, f32)> {
    let mut out = Vec::new();
    if near.is_empty() {
        out.push(("knn:none".to_string(), 1.0));
        return out;
    }
    let taken = near
        .iter()
        .filter(|n| !n.past.backported.is_empty())
        .count();
    let rate = taken as f32 / near.len() as f32;
    out.push((format!("knn_rate:{}", (rate * 4.0).round() as u32), 1.0));
    out.push(("knn_rate".to_string(), rate));
    let top = &near[0];
    let sim = (top.similarity * 4.0).floor().min(3.0) as u32;
    out.push((
        format!("knn_top:{}:{sim}", !top.past.backported.is_empty()),
        1.0,
    ));
    out
}

/// How the Phase 9 summary record of the neighbours begins.
pub const NEAREST: &str = "nearest past decisions";

/// (taken, considered) from the summary record [`records`] writes.
pub fn parse_nearest(text: &str) -> Option<(usize, usize)> {
    let rest = text.strip_prefix(NEAREST)?.strip_prefix(": ")?;
    let (taken, rest) = rest.split_once(" of the ")?;
    let n = rest.split_whitespace().next()?;
    Some((taken.parse().ok()?, n.parse().ok()?))
}

/// Phase 9 records for the neighbours.
pub fn records(sha: &str, near: &[Neighbour]) -> Vec<Record> {
    let mut out = Vec::new();
    if near.is_empty() {
        return out;
    }
    let taken = near
        .iter()
        .filter(|n| !n.past.backported.is_empty())
        .count();
    out.push(Record::new(
        9,
        format!(
            "{NEAREST}: {taken} of the {} most similar earlier commits were backported",
            near.len()
        ),
        format!("git show -s --format='%H %s' {sha}"),
    ));
    for n in near {
        let what = if n.past.backported.is_empty() {
            format!("not taken by {}", n.past.considered.join(", "))
        } else {
            format!("backported to {}", n.past.backported.join(", "))
        };
        let verify = match n.past.backported.first() {
            Some(b) => format!("git log --format='%H %s' --grep={} {b}", n.past.sha),
            None => format!(
                "test -z \"$(git log --format=%H --grep={} {})\"",
                n.past.sha,
                n.past
                    .considered
                    .first()
                    .map(String::as_str)
                    .unwrap_or("HEAD")
            ),
        };
        out.push(Record::new(
            9,
            format!(
                "similar ({:.2}): {} (\"{}\") — {what}",
                n.similarity,
                &n.past.sha[..12.min(n.past.sha.len())],
                n.past.subject
            ),
            verify,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_summary_reads_back() {
        let past: Vec<PastDecision> = (0..3)
            .map(|i| PastDecision {
                sha: format!("{i:040}"),
                subject: format!("s{i}"),
                considered: vec!["1.0".into()],
                backported: if i == 0 { vec!["1.0".into()] } else { vec![] },
                text: vec![1, 2, i],
                time: 0,
            })
            .collect();
        let near = nearest(&past, &[1, 2], 3, "");
        let recs = records("abc", &near);
        assert_eq!(parse_nearest(&recs[0].text), Some((1, 3)));
        assert_eq!(parse_nearest("similar (0.5): x"), None);
    }

    #[test]
    fn neighbours_can_be_restricted_to_other_times() {
        let past: Vec<PastDecision> = (0..4)
            .map(|i| PastDecision {
                sha: format!("{i:040}"),
                subject: format!("s{i}"),
                considered: vec!["1.0".into()],
                backported: vec![],
                text: vec![1, 2, 10 + i as u32],
                time: i64::from(i) * 100,
            })
            .collect();
        let hood = Neighbourhood::new(&past);
        let all = hood.nearest(&[1, 2], 4, &past[0].sha);
        assert_eq!(all.len(), 3, "only the named commit is left out");
        let far = hood.nearest_where(&[1, 2], 4, |p| (p.time - 100).abs() >= 200);
        let shas: Vec<&str> = far.iter().map(|n| n.past.sha.as_str()).collect();
        assert_eq!(shas, vec![past[3].sha.as_str()]);
    }

    #[test]
    fn cosine_of_sets() {
        assert_eq!(cosine(&[1, 2, 3], &[1, 2, 3]), 1.0);
        assert_eq!(cosine(&[1, 2], &[3, 4]), 0.0);
        assert!((cosine(&[1, 2, 3, 4], &[1]) - 0.5).abs() < 1e-12);
        assert_eq!(cosine(&[], &[1]), 0.0);
    }
}
