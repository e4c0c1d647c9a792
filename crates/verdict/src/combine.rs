//! Rules first, then the model: the per-branch decision when a trained
//! [`Model`] is given.
//!
//! Consumes the evidence, the rules' [`Decision`] and the model's calibrated
//! probability per branch; produces the final [`Decision`]. A hard rule
//! (already backported or in the base, `stable+noautosel`, reverted upstream,
//! bug not present in the branch) keeps its NO, and a reply on the list
//! that nominates or refuses the commit for stable keeps its word
//! ([`crate::rules::thread_statement`]); otherwise the model says YES when
//! its probability reaches the model's threshold.

use crate::model::Model;
use crate::{BranchDecision, DecidedBy, Decision, Verdict};
use stablepick_evidence::{BranchFacts, Evidence, Record};

/// How the reason of every branch decision the model made begins.
pub const MODEL_REASON: &str = "model: calibrated probability";
/// A model probability this close to the threshold is a close call.
pub const NEAR_THRESHOLD: f64 = 0.1;
/// Phase 9 record text after `[branch] ` when the rules alone and the
/// model decide differently.
pub const DISAGREE: &str = "rules and model disagree";
/// Phase 9 record text after `[branch] ` for a close call.
pub const CLOSE_CALL: &str = "close call";

/// The hard rule that decides `b`, if any (see [`crate::rules::hard_rule`]).
pub fn hard_rule(ev: &Evidence, b: &BranchFacts) -> Option<&'static str> {
    crate::rules::hard_rule(ev, b).map(|h| h.label)
}

/// Phase 9 record text after `[branch] ` when the list's explicit word
/// decides over the model.
pub const LIST_DECIDES: &str = "a reply on the list speaks to stable, so the rules decide";

/// Replaces the rules' verdict by the model's wherever no hard rule fired
/// and no reply on the list decided.
/// `probs` holds (branch, calibrated probability).
pub fn with_model(
    ev: &Evidence,
    rules: Decision,
    model: &Model,
    probs: &[(String, f64)],
) -> Decision {
    let sha = ev.commit.oid.to_string();
    let mut records: Vec<Record> = Vec::new();
    let mut branches: Vec<BranchDecision> = Vec::new();
    let mut model_decided: Vec<String> = Vec::new();
    // The same for every branch: the reply, if any, that decides.
    let list =
        crate::rules::thread_statement(ev).filter(|s| crate::rules::thread_verdict(s).is_some());
    for bd in rules.branches {
        let facts = ev.branches.iter().find(|b| b.name == bd.branch);
        let p = probs.iter().find(|x| x.0 == bd.branch).map(|x| x.1);
        match (facts, p, list) {
            (Some(f), Some(p), Some(said)) if hard_rule(ev, f).is_none() => {
                records.push(Record::new(
                    9,
                    format!(
                        "[{}] {LIST_DECIDES}: {} — {} (the model's probability {p:.3} against its threshold {:.3} is not used)",
                        bd.branch,
                        bd.verdict.map(|v| v.as_str()).unwrap_or("nothing"),
                        bd.reason,
                        model.threshold
                    ),
                    said.verified_by.clone(),
                ));
                branches.push(bd);
            }
            (Some(f), Some(p), _) if hard_rule(ev, f).is_none() => {
                let yes = p >= model.threshold;
                let triage = format!(
                    "stablepick triage --repo . --stable {}={} --model {} --format jsonl {sha}^..{sha}",
                    bd.branch,
                    bd.base,
                    model.path_arg()
                );
                let reason = format!(
                    "{MODEL_REASON} {p:.3} {} threshold {:.3} (learned from {})",
                    if yes { "≥" } else { "<" },
                    model.threshold,
                    model.trained_on.join(", ")
                );
                records.push(Record::new(
                    9,
                    format!(
                        "[{}] {} — {reason}",
                        bd.branch,
                        if yes { "YES" } else { "NO" }
                    ),
                    triage.clone(),
                ));
                if bd.verdict.is_some_and(|v| (v == Verdict::Yes) != yes) {
                    // The rules' own line for this branch, with its command.
                    let rules_cmd = rules
                        .records
                        .iter()
                        .find(|r| r.text.starts_with(&format!("[{}] ", bd.branch)))
                        .map(|r| r.verified_by.clone())
                        .unwrap_or_else(|| triage.clone());
                    records.push(Record::new(
                        9,
                        format!(
                            "[{}] {DISAGREE}: the rules alone say {} ({}); the model says {}",
                            bd.branch,
                            bd.verdict.map(|v| v.as_str()).unwrap_or("nothing"),
                            bd.reason,
                            if yes { "YES" } else { "NO" }
                        ),
                        rules_cmd,
                    ));
                }
                if (p - model.threshold).abs() < NEAR_THRESHOLD {
                    records.push(Record::new(
                        9,
                        format!(
                            "[{}] {CLOSE_CALL}: the model's probability {p:.3} is within {NEAR_THRESHOLD} of its threshold {:.3}",
                            bd.branch, model.threshold
                        ),
                        triage,
                    ));
                }
                model_decided.push(format!("[{}] ", bd.branch));
                branches.push(BranchDecision {
                    verdict: Some(if yes { Verdict::Yes } else { Verdict::No }),
                    score: p,
                    reason,
                    decided_by: DecidedBy::Model,
                    ..bd
                });
            }
            _ => branches.push(bd),
        }
    }
    // The rules' own per-branch lines stay only where the rules decided.
    records.extend(
        rules
            .records
            .into_iter()
            .filter(|r| !model_decided.iter().any(|m| r.text.starts_with(m.as_str()))),
    );
    let verdict = crate::commit_verdict(&branches);
    let score = branches.iter().map(|b| b.score).reduce(f64::max);
    Decision {
        branches,
        verdict,
        score,
        records,
    }
}
