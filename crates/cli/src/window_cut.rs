//! The window-share cut ([`window_share`]) on printed JSON lines: rows from
//! the cache hold each commit's own decision, and the cut of the range at
//! hand is applied as the lines are printed.

use anyhow::Result;
use serde::Deserialize;
use serde_json::{Value, json};
use stablepick_verdict::DecidedBy;
use stablepick_verdict::model::Model;
use stablepick_verdict::synthesis::{Point, learned_point};
use stablepick_verdict::window_share::{self, Cut};

/// The fields of a row the cut reads.
#[derive(Deserialize)]
struct Slim {
    #[serde(default)]
    branches: Vec<SlimBranch>,
}

#[derive(Deserialize)]
struct SlimBranch {
    branch: String,
    base: String,
    verdict: Option<String>,
    score: Option<f64>,
    decided_by: Option<DecidedBy>,
}

impl SlimBranch {
    fn lowered_by<'c>(&self, cuts: &'c [Cut]) -> Option<(&'c Cut, f64)> {
        let cut = cuts.iter().find(|c| c.branch == self.branch)?;
        let p = self.score?;
        let by = self.decided_by?;
        cut.turns_to_no(self.verdict.as_deref() == Some("YES"), by, p)
            .then_some((cut, p))
    }
}

/// The range's cuts from its printed rows.
pub fn cuts_of_lines<'a>(model: &Model, lines: impl Iterator<Item = &'a str>) -> Result<Vec<Cut>> {
    let mut decided = Vec::new();
    for line in lines {
        let row: Slim = serde_json::from_str(line)?;
        decided.extend(
            row.branches
                .into_iter()
                .filter(|b| b.decided_by.is_some_and(DecidedBy::by_model))
                .filter_map(|b| Some((b.branch, b.base, b.score?))),
        );
    }
    Ok(window_share::cuts(model, &decided))
}

/// The line with the cuts applied, or `None` when they change nothing.
pub fn cut_line(line: &str, cuts: &[Cut], range: &str) -> Result<Option<String>> {
    if cuts.is_empty() {
        return Ok(None);
    }
    let slim: Slim = serde_json::from_str(line)?;
    if !slim.branches.iter().any(|b| b.lowered_by(cuts).is_some()) {
        return Ok(None);
    }
    let mut row: Value = serde_json::from_str(line)?;
    let mut added = Vec::new();
    if let Some(branches) = row["branches"].as_array_mut() {
        for (b, slim) in branches.iter_mut().zip(&slim.branches) {
            if let Some((cut, p)) = slim.lowered_by(cuts) {
                b["verdict"] = json!("NO");
                b["reason"] = json!(cut.reason(p));
                b["decided_by"] = json!(DecidedBy::WindowShare);
                // Searched while it was a YES; a NO has none.
                b["prerequisites"] = json!([]);
                b["prerequisites_suffice"] = Value::Null;
                added.push((slim.branch.clone(), cut.reason(p), cut.record(p, range)));
            }
        }
    }
    let any_yes = row["branches"]
        .as_array()
        .is_some_and(|bs| bs.iter().any(|b| b["verdict"] == "YES"));
    row["verdict"] = json!(if any_yes { "YES" } else { "NO" });
    // The same records and points the report writes for a cut made in
    // memory: the model's point turns from for to against, then the cut's.
    for (branch, reason, rec) in added {
        let tag = format!("[{branch}] {}", learned_point(""));
        let learned = row["evidence_for"].as_array_mut().and_then(|fors| {
            let i = fors
                .iter()
                .position(|p| p["text"].as_str().is_some_and(|t| t.starts_with(&tag)))?;
            Some(fors.remove(i))
        });
        if let Some(records) = row["records"].as_array_mut() {
            records.push(serde_json::to_value(&rec)?);
        }
        if let Some(against) = row["evidence_against"].as_array_mut() {
            if let Some(mut point) = learned {
                point["text"] = json!(format!("[{branch}] {}", learned_point(&reason)));
                against.push(point);
            }
            against.push(serde_json::to_value(Point {
                phase: rec.phase,
                branch: Some(branch),
                text: rec.text,
                verified_by: rec.verified_by,
            })?);
        }
    }
    Ok(Some(serde_json::to_string(&row)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut() -> Cut {
        Cut {
            branch: "2.0".into(),
            base: "v2.0".into(),
            learned: 0.3,
            threshold: 0.6,
            share: 0.25,
            decided: 200,
            yes_at_learned: 120,
            keep: 60,
            expected: 70.0,
            by_expected: false,
            model_arg: "MODEL".into(),
        }
    }

    fn line(score: f64, decided_by: &str) -> String {
        json!({
            "commit": "c0ffee",
            "verdict": "YES",
            "branches": [
                {"branch": "2.0", "base": "v2.0", "verdict": "YES", "score": score,
                 "reason": "model: calibrated probability", "decided_by": decided_by,
                 "prerequisites": ["abc"], "prerequisites_suffice": true},
                {"branch": "1.0", "base": "v1.0", "verdict": "NO", "score": 0.1,
                 "reason": "no", "decided_by": "rules",
                 "prerequisites": [], "prerequisites_suffice": null}
            ],
            "records": [],
            "evidence_for": [
                {"phase": 9, "branch": "2.0", "text": "[2.0] past decisions, learned: calibrated probability", "verified_by": "stablepick triage …"}
            ],
            "evidence_against": []
        })
        .to_string()
    }

    #[test]
    fn a_model_yes_below_the_cut_becomes_a_plain_no() {
        let out = cut_line(&line(0.5, "model"), &[cut()], "v2.0..main")
            .unwrap()
            .expect("the cut applies");
        let row: Value = serde_json::from_str(&out).unwrap();
        let b = &row["branches"][0];
        assert_eq!(row["verdict"], "NO");
        assert_eq!(b["verdict"], "NO");
        assert_eq!(b["decided_by"], "window_share");
        assert_eq!(b["prerequisites"], json!([]));
        assert_eq!(b["prerequisites_suffice"], Value::Null);
        assert_eq!(row["records"].as_array().unwrap().len(), 1);
        // The model's point turns against, with the cut's reason, then the cut.
        assert_eq!(row["evidence_for"], json!([]));
        let against = row["evidence_against"].as_array().unwrap();
        assert_eq!(against.len(), 2);
        assert_eq!(
            against[0]["text"],
            format!("[2.0] {}", learned_point(&cut().reason(0.5)))
        );
        assert_eq!(against[0]["verified_by"], "stablepick triage …");
        assert!(
            against[1]["text"]
                .as_str()
                .unwrap()
                .starts_with("[2.0] window share:")
        );
        assert!(against.iter().all(|p| p["branch"] == "2.0"));
        // The other branch is left as it was.
        assert_eq!(row["branches"][1]["decided_by"], "rules");
    }

    #[test]
    fn rules_decisions_and_scores_above_the_cut_are_left_alone() {
        for (score, by) in [(0.5, "rules"), (0.5, "list"), (0.7, "model")] {
            assert_eq!(
                cut_line(&line(score, by), &[cut()], "r").unwrap(),
                None,
                "{score} {by}"
            );
        }
    }
}
