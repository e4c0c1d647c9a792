//! The maintainer's day, per stable branch: candidates ranked by score,
//! then those needing prerequisites, those the range's window share held
//! back (the next to read when time allows), those already backported, and
//! those whose bug is not in the branch. Reads triage rows (the JSON contract).

use serde_json::Value;
use std::fmt::Write;

/// The group a commit falls in for one branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Candidate,
    NeedsPrerequisites,
    HeldBack,
    AlreadyBackported,
    BugNotPresent,
    NotSelected,
}

impl Group {
    fn title(self) -> &'static str {
        match self {
            Group::Candidate => "candidates",
            Group::NeedsPrerequisites => "candidates that need prerequisites or adaptation",
            Group::HeldBack => "held back: the model says YES, the range's window share says NO",
            Group::AlreadyBackported => "already backported",
            Group::BugNotPresent => "bug not present, or nothing to revert",
            Group::NotSelected => "not selected",
        }
    }
}

/// Classifies one branch entry of a triage row.
pub fn group(branch: &Value) -> Group {
    if !branch["backported_as"].is_null()
        || branch["in_base"] == true
        || branch["content_present"] == true
    {
        Group::AlreadyBackported
    } else if branch["verdict"] == "YES" {
        let needs = branch["applies"] == "conflict"
            || branch["applies"] == "fuzz"
            || branch["prerequisites"]
                .as_array()
                .is_some_and(|p| !p.is_empty());
        if needs {
            Group::NeedsPrerequisites
        } else {
            Group::Candidate
        }
    } else if branch["decided_by"] == "window_share" {
        Group::HeldBack
    } else if branch["bug_present"] == false || branch["reverted_present"] == false {
        Group::BugNotPresent
    } else {
        Group::NotSelected
    }
}

/// The grouped table for a terminal.
pub fn table(rows: &[&Value]) -> String {
    let mut names: Vec<String> = Vec::new();
    for r in rows {
        for b in r["branches"].as_array().into_iter().flatten() {
            if let Some(n) = b["branch"].as_str()
                && !names.iter().any(|x| x == n)
            {
                names.push(n.to_string());
            }
        }
    }
    let mut out = String::new();
    if names.is_empty() {
        let _ = writeln!(
            out,
            "no stable branch to decide for: name them with --stable BRANCH=BASE ({} commit(s) read)",
            rows.len()
        );
    }
    for name in &names {
        let mut entries: Vec<(Group, f64, &Value, &Value)> = Vec::new();
        for r in rows {
            if let Some(b) = r["branches"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|b| b["branch"] == name.as_str())
            {
                entries.push((group(b), b["score"].as_f64().unwrap_or(0.0), r, b));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        let _ = writeln!(out, "== {name} ==");
        for g in [
            Group::Candidate,
            Group::NeedsPrerequisites,
            Group::HeldBack,
            Group::AlreadyBackported,
            Group::BugNotPresent,
        ] {
            let list: Vec<_> = entries.iter().filter(|e| e.0 == g).collect();
            let _ = writeln!(out, "-- {} ({})", g.title(), list.len());
            for (_, score, r, b) in list {
                let sha = r["commit"].as_str().unwrap_or("");
                let extra = match g {
                    Group::AlreadyBackported => b["backported_as"]
                        .as_str()
                        .map(|s| format!(" [as {}]", &s[..12.min(s.len())]))
                        .unwrap_or_else(|| " [in base]".into()),
                    Group::NeedsPrerequisites => format!(
                        " [applies: {}; {} prerequisite(s){}]",
                        b["applies"].as_str().unwrap_or("?"),
                        b["prerequisites"].as_array().map(Vec::len).unwrap_or(0),
                        match b["prerequisites_suffice"].as_bool() {
                            Some(true) => ", enough",
                            Some(false) => ", then adapt by hand",
                            None => "",
                        }
                    ),
                    _ => String::new(),
                };
                let _ = writeln!(
                    out,
                    "  {:<12} {:>5.2}  {}{extra}",
                    &sha[..12.min(sha.len())],
                    score,
                    r["subject"].as_str().unwrap_or("")
                );
            }
        }
        let rest = entries.iter().filter(|e| e.0 == Group::NotSelected).count();
        let _ = writeln!(out, "-- not selected: {rest}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn groups_and_ranks() {
        let rows = [
            json!({"commit": "a".repeat(40), "subject": "fix a", "branches": [
                {"branch": "23.11", "verdict": "YES", "score": 0.6, "applies": "clean", "prerequisites": [], "backported_as": null, "bug_present": true}]}),
            json!({"commit": "b".repeat(40), "subject": "fix b", "branches": [
                {"branch": "23.11", "verdict": "YES", "score": 0.9, "applies": "offset", "prerequisites": [], "backported_as": null, "bug_present": null}]}),
            json!({"commit": "c".repeat(40), "subject": "fix c", "branches": [
                {"branch": "23.11", "verdict": "YES", "score": 0.8, "applies": "conflict", "prerequisites": ["d".repeat(40)], "prerequisites_suffice": false, "backported_as": null}]}),
            json!({"commit": "e".repeat(40), "subject": "old", "branches": [
                {"branch": "23.11", "verdict": "NO", "score": 0.0, "backported_as": "f".repeat(40)}]}),
            json!({"commit": "h".repeat(40), "subject": "fix h", "branches": [
                {"branch": "23.11", "verdict": "NO", "score": 0.4, "decided_by": "window_share", "backported_as": null, "bug_present": null}]}),
            json!({"commit": "g".repeat(40), "subject": "new code", "branches": [
                {"branch": "23.11", "verdict": "NO", "score": 0.02, "backported_as": null, "bug_present": false}]}),
        ];
        let refs: Vec<&Value> = rows.iter().collect();
        let t = table(&refs);
        let b = t.find("fix b").unwrap();
        let a = t.find("fix a").unwrap();
        assert!(b < a, "ranked by score:\n{t}");
        assert!(t.contains("-- candidates (2)"));
        assert!(t.contains("[applies: conflict; 1 prerequisite(s), then adapt by hand]"));
        assert!(t.contains(&format!("[as {}]", "f".repeat(12))));
        assert!(t.contains("-- bug not present, or nothing to revert (1)"));
        let held = t.find("-- held back").unwrap();
        assert!(
            held < t.find("fix h").unwrap() && held > t.find("fix c").unwrap(),
            "{t}"
        );
        assert!(t.contains("-- not selected: 0"), "{t}");
    }

    #[test]
    fn no_branches_is_said() {
        let row = json!({"commit": "a".repeat(40), "subject": "fix a", "branches": []});
        let t = table(&[&row]);
        assert!(t.starts_with("no stable branch to decide for"), "{t}");
    }
}
