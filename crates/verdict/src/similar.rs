//! Nearest past decisions: for a commit, the past mainline commits whose
//! text (subject, body, paths, functions, changed identifiers — the hashed
//! tokens of [`crate::features::CommitFacts::text`]) is most alike, and
//! whether the stable branches took them. Cosine similarity over token sets.
//!
//! Consumes the [`PastDecision`]s a [`crate::model::Model`] carries and
//! produces Phase 9 [`Record`]s.

use stablepick_evidence::Record;
use stablepick_evidence::record::sh;
use stablepick_repo::message::normalize_subject;

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

/// A `git log -i -E --grep` pattern for backport lines naming any of `shas`,
/// in the forms the index reads (`stablepick_repo::message`): a plain
/// mention of the sha (a revert's body, a `Fixes:` line) is no backport.
fn backport_line_pattern(shas: &[&str]) -> String {
    let s = match shas {
        [one] => one.to_string(),
        _ => format!("({})", shas.join("|")),
    };
    format!(
        "(cherry[ -]picked|back[ -]?ported) from commit {s}|^[[:space:]]*\\[?[[:space:]]*(upstream commit {s}|commit {s} upstream)"
    )
}

fn words(branches: &[String]) -> String {
    branches.iter().map(|b| sh(b)).collect::<Vec<_>>().join(" ")
}

/// Succeeds, listing what it found, when one of `branches` took `p`. The
/// model's "taken" may rest on a backport line or, when the branch commit
/// has none, on a commit with the same subject; [`PastDecision`] does not
/// say which, so the command looks for a backport line and else the subject.
fn shows_taken(p: &PastDecision, branches: &[String]) -> String {
    let on = words(branches);
    let line = format!(
        "git log --format='%H %s' -i -E --grep={} {on} | grep .",
        sh(&backport_line_pattern(&[&p.sha]))
    );
    let subject = normalize_subject(&p.subject);
    if subject.is_empty() {
        // An empty pattern would match every commit.
        return format!("( {line} )");
    }
    // The whole subject, as the index compares them (case and runs of
    // blanks aside, `[1.1]`-style prefixes dropped): a substring would
    // take `Revert "…"` for the commit.
    let words: Vec<String> = subject.split(' ').map(ere_literal).collect();
    let pattern = format!("^[0-9a-f]+ (\\[[^]]*\\] *)*{}$", words.join(" +"));
    format!(
        "( {line} || git log --format='%H %s' {on} | grep -iE -- {} )",
        sh(&pattern)
    )
}

/// Escapes a literal for an extended regular expression.
fn ere_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.[]()*+?{}|^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Succeeds when `branch` has no backport line naming any of `shas`.
fn shows_no_line(shas: &[&str], branch: &str) -> String {
    format!(
        "test -z \"$(git log --format=%H -i -E --grep={} {})\"",
        sh(&backport_line_pattern(shas)),
        sh(branch)
    )
}

/// The command behind the summary record: each taken neighbour shows a
/// backport line or its subject on a branch that took it (counted), and no
/// branch that passed one over carries a backport line for it.
fn summary_command(near: &[Neighbour]) -> String {
    let taken: Vec<&PastDecision> = near
        .iter()
        .map(|n| n.past)
        .filter(|p| !p.backported.is_empty())
        .collect();
    let mut parts = Vec::new();
    if !taken.is_empty() {
        let mut count = "n=0".to_string();
        for p in &taken {
            count.push_str(&format!(
                "; {} && n=$((n+1))",
                shows_taken(p, &p.backported)
            ));
        }
        count.push_str(&format!("; test $n -eq {}", taken.len()));
        parts.push(count);
    }
    // Per branch: the neighbours it passed over.
    let mut passed: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for n in near.iter().filter(|n| n.past.backported.is_empty()) {
        for b in &n.past.considered {
            passed.entry(b).or_default().push(&n.past.sha);
        }
    }
    for (b, shas) in passed {
        parts.push(shows_no_line(&shas, b));
    }
    parts.join(" && ")
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
    let summary = summary_command(near);
    out.push(Record::new(
        9,
        format!(
            "{NEAREST}: {taken} of the {} most similar earlier commits were backported",
            near.len()
        ),
        if summary.is_empty() {
            format!("git show -s --format='%H %s' {sha}")
        } else {
            summary
        },
    ));
    for n in near {
        let what = if n.past.backported.is_empty() {
            format!("not taken by {}", n.past.considered.join(", "))
        } else {
            format!("backported to {}", n.past.backported.join(", "))
        };
        // Every branch named, not just the first.
        let verify = if n.past.backported.is_empty() {
            let head = ["HEAD".to_string()];
            let on = if n.past.considered.is_empty() {
                &head[..]
            } else {
                &n.past.considered[..]
            };
            on.iter()
                .map(|b| shows_no_line(&[&n.past.sha], b))
                .collect::<Vec<_>>()
                .join(" && ")
        } else {
            n.past
                .backported
                .iter()
                .map(|b| shows_taken(n.past, std::slice::from_ref(b)))
                .collect::<Vec<_>>()
                .join(" && ")
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

    use stablepick_testkit::git;

    fn commit(d: &std::path::Path, file: &str, message: &str) -> String {
        std::fs::write(d.join(file), message).unwrap();
        stablepick_testkit::commit(d, message).to_string()
    }

    fn passes(d: &std::path::Path, cmd: &str) -> bool {
        stablepick_testkit::sh(d, cmd).status.success()
    }

    fn decision(sha: &str, subject: &str, considered: &[&str], taken: &[&str]) -> PastDecision {
        PastDecision {
            sha: sha.to_string(),
            subject: subject.to_string(),
            considered: considered.iter().map(|s| s.to_string()).collect(),
            backported: taken.iter().map(|s| s.to_string()).collect(),
            text: vec![1],
            time: 0,
        }
    }

    /// Mainline: a fix `-x`-picked to 1.0, a fix picked without `-x` (same
    /// subject), a fix taken by 1.1 with `commit X upstream.`, and a feature
    /// nobody took whose revert and revert-of-revert name it; 1.0 took the
    /// revert-of-revert, so its body names the feature there.
    struct Repo {
        dir: tempfile::TempDir,
        picked: String,
        unmarked: String,
        upstream_form: String,
        feature: String,
    }

    fn repo() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        stablepick_testkit::init(d, "T", "t@example.com");
        commit(d, "base", "base");
        git(d, &["tag", "v1.0"]);
        let picked = commit(d, "a.c", "a: fix a crash");
        let unmarked = commit(d, "b.c", "b: fix a leak");
        let upstream_form = commit(d, "c.c", "c: fix a race");
        let feature = commit(d, "x.c", "x: add a feature");
        git(d, &["revert", "--no-edit", &feature]);
        let revert = git(d, &["rev-parse", "HEAD"]);
        std::fs::write(d.join("x.c"), "x: add a feature").unwrap();
        git(d, &["add", "x.c"]);
        git(
            d,
            &[
                "commit",
                "-q",
                "-m",
                &format!(
                    "Revert \"Revert \"x: add a feature\"\"\n\n\
                     This reverts commit {revert}, which reverted {feature}."
                ),
            ],
        );
        let again = git(d, &["rev-parse", "HEAD"]);
        git(d, &["checkout", "-q", "-b", "1.0", "v1.0"]);
        git(d, &["cherry-pick", "-x", &picked]);
        git(d, &["cherry-pick", &unmarked]);
        git(d, &["cherry-pick", "-x", &again]);
        git(d, &["checkout", "-q", "-b", "1.1", "v1.0"]);
        std::fs::write(d.join("c.c"), "c").unwrap();
        git(d, &["add", "c.c"]);
        git(
            d,
            &[
                "commit",
                "-q",
                "-m",
                &format!("c: fix a race\n\ncommit {upstream_form} upstream.\n"),
            ],
        );
        git(d, &["checkout", "-q", "main"]);
        Repo {
            dir,
            picked,
            unmarked,
            upstream_form,
            feature,
        }
    }

    fn verify(p: &PastDecision) -> String {
        let near = [Neighbour {
            past: p,
            similarity: 0.5,
        }];
        records("abc", &near)[1].verified_by.clone()
    }

    #[test]
    fn neighbour_commands_check_backport_lines_on_every_branch() {
        let r = repo();
        let d = r.dir.path();
        let both = ["1.0", "1.1"];
        // A revert-of-revert naming the feature is no backport of it.
        let feature = decision(&r.feature, "x: add a feature", &both, &[]);
        assert!(passes(d, &verify(&feature)), "{}", verify(&feature));
        // The `-x` line, and the `commit X upstream.` form.
        let picked = decision(&r.picked, "a: fix a crash", &both, &["1.0"]);
        assert!(passes(d, &verify(&picked)), "{}", verify(&picked));
        let up = decision(&r.upstream_form, "c: fix a race", &both, &["1.1"]);
        assert!(passes(d, &verify(&up)), "{}", verify(&up));
        // Taken with no backport line: the subject shows it.
        let unmarked = decision(&r.unmarked, "b: fix a leak", &both, &["1.0"]);
        assert!(passes(d, &verify(&unmarked)), "{}", verify(&unmarked));

        // Every branch listed is checked, not only the first.
        let wrong = decision(&r.picked, "a: fix a crash", &both, &["1.0", "1.1"]);
        assert!(!passes(d, &verify(&wrong)), "{}", verify(&wrong));
        let wrong = decision(&r.upstream_form, "c: fix a race", &both, &[]);
        assert!(!passes(d, &verify(&wrong)), "{}", verify(&wrong));
        let wrong = decision(&r.feature, "x: add a feature", &both, &["1.0"]);
        assert!(!passes(d, &verify(&wrong)), "{}", verify(&wrong));
    }

    #[test]
    fn summary_command_checks_the_count() {
        let r = repo();
        let d = r.dir.path();
        let both = ["1.0", "1.1"];
        let past = [
            decision(&r.picked, "a: fix a crash", &both, &["1.0"]),
            decision(&r.unmarked, "b: fix a leak", &both, &["1.0"]),
            decision(&r.upstream_form, "c: fix a race", &both, &["1.1"]),
            decision(&r.feature, "x: add a feature", &both, &[]),
        ];
        // The summary record's command for these past decisions.
        let summary = |past: &[PastDecision]| {
            let near: Vec<Neighbour> = past
                .iter()
                .map(|p| Neighbour {
                    past: p,
                    similarity: 0.5,
                })
                .collect();
            records("abc", &near)
        };
        let recs = summary(&past);
        assert_eq!(parse_nearest(&recs[0].text), Some((3, 4)));
        assert!(passes(d, &recs[0].verified_by), "{}", recs[0].verified_by);

        // A neighbour claimed taken that no branch shows, or one claimed
        // passed over that a branch carries a backport line for, fails it.
        let mut wrong = past.clone();
        wrong[3].backported = vec!["1.1".into()];
        let cmd = summary(&wrong)[0].verified_by.clone();
        assert!(!passes(d, &cmd), "{cmd}");
        let mut wrong = past.clone();
        wrong[2].backported.clear();
        let cmd = summary(&wrong)[0].verified_by.clone();
        assert!(!passes(d, &cmd), "{cmd}");
    }

    #[test]
    fn cosine_of_sets() {
        assert_eq!(cosine(&[1, 2, 3], &[1, 2, 3]), 1.0);
        assert_eq!(cosine(&[1, 2], &[3, 4]), 0.0);
        assert!((cosine(&[1, 2, 3, 4], &[1]) - 0.5).abs() < 1e-12);
        assert_eq!(cosine(&[], &[1]), 0.0);
    }
}
