//! Phase 8, impact and risk: what failure the commit says it fixes, who
//! reported and tested it, how big and how spread the change is, whether it
//! touches core code or one driver, and whether it looks like a new feature.
//!
//! Consumes an [`Evidence`]; produces Phase 8 [`Record`]s, each with the
//! command that shows its premise.

use crate::features::{FAILURE_WORDS, FEATURE_WORDS, component, mentions_bug_report};
use stablepick_evidence::{ChangeKind, Evidence, Record};

const P: u8 = 8;

/// What a reader greps for to see the reports a message names: the
/// trailers, syzbot, and the forms [`mentions_bug_report`] finds (a bug or
/// issue number of three or more digits, a tracker's page, GitHub's
/// `Fixes #12`) and CVE ids.
pub(crate) const REPORT_GREP: &str = "^(Reported-by|Closes|Bugzilla|Coverity)|^Fixes: *(#|http)|syzbot|syzkaller|cve-[0-9]|show_bug\\.cgi|/issues/|bugs\\.|bugzilla\\.|(^|[^a-z0-9])(bugzilla|bug|bz|issue)[ #:]*(id)?[ #:=]*[0-9]{3}|(^|[^a-z0-9])(close[sd]?|fix(e[sd])?|resolve[sd]?)[ :]*([a-z0-9_.-]+/[a-z0-9_.-]+)?#[0-9]";

/// An extended regular expression for `words` as [`starts_word`] matches
/// them.
fn grep_words(words: &[&str]) -> String {
    format!("\\b({})", words.join("|").replace(' ', "[ -]"))
}

/// An extended regular expression for `words` as [`names_word`] matches
/// them.
fn grep_whole_words(words: &[&str]) -> String {
    format!("\\b({})s?\\b", words.join("|"))
}

/// Is `b` part of a word, as grep's `\b` sees it (so `_fail` in
/// `g_return_if_fail` is inside a word)?
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Does a word of `text` start with `stem`? `fail` finds `failure` and
/// `hang` finds `hanging`, but not the `hang` in `change`, the `race` in
/// `trace`, the `bug` in `debug` or the `fail` in `g_return_if_fail`.
fn starts_word(text: &str, stem: &str) -> bool {
    let b = text.as_bytes();
    text.match_indices(stem)
        .any(|(i, _)| i == 0 || !is_word_byte(b[i - 1]))
}

/// Is `phrase` in `text` as whole words, with an optional plural `s`?
/// `implement` finds `implements` but not `implementation`, `enable` not
/// `reenable`, `support for` not `support forward`.
fn names_word(text: &str, phrase: &str) -> bool {
    let b = text.as_bytes();
    text.match_indices(phrase).any(|(i, m)| {
        let mut end = i + m.len();
        if b.get(end) == Some(&b's') {
            end += 1;
        }
        (i == 0 || !is_word_byte(b[i - 1])) && b.get(end).is_none_or(|&c| !is_word_byte(c))
    })
}

pub fn records(ev: &Evidence) -> Vec<Record> {
    let sha = ev.commit.oid.to_string();
    let show = format!("git show -s --format=%B {sha}");
    let lower = ev.commit.message.to_ascii_lowercase();
    let mut out = Vec::new();

    // A failure named only in the quoted subject of a commit this one
    // names or reverts is that commit's failure.
    let unquoted = without_quoted_subjects(&ev.commit.message);
    let own_lower = unquoted.to_ascii_lowercase();
    let (fails, quoted_fails): (Vec<&str>, Vec<&str>) = FAILURE_WORDS
        .iter()
        .copied()
        .filter(|w| starts_word(&lower, w))
        .partition(|w| starts_word(&own_lower, w));
    out.push(if fails.is_empty() {
        Record::new(
            P,
            if quoted_fails.is_empty() {
                "the message names no user-visible failure (crash, hang, leak, corruption, …)"
                    .to_string()
            } else {
                format!(
                    "the message names no user-visible failure of its own ({} only in the quoted subject of a commit it names or reverts)",
                    quoted_fails.join(", ")
                )
            },
            format!("{show} | grep -i -E '{}'", grep_words(FAILURE_WORDS)),
        )
    } else {
        Record::new(
            P,
            format!("failure mode named in the message: {}", fails.join(", ")),
            format!("{show} | grep -i -E '{}'", grep_words(&fails)),
        )
    });

    let mut reports: Vec<String> = ev
        .message
        .trailers
        .iter()
        .filter(|t| {
            let k = t.key.to_ascii_lowercase();
            k == "reported-by"
                || k == "closes"
                || k.starts_with("bugzilla")
                || k == "coverity issue"
        })
        .map(|t| format!("{}: {}", t.key, t.value))
        .collect();
    reports.extend(
        ev.message
            .fixes_naming_no_commit()
            .iter()
            .map(|v| format!("Fixes: {v}")),
    );
    let syz = lower.contains("syzbot") || lower.contains("syzkaller");
    // Reports named in the text rather than in a trailer: `[BZ #32125]`,
    // `(bug 32588)`, `Closes https://…/issues/33104`, `Fixes: #30425`, a CVE.
    let names_report = |l: &str| {
        let l = l.to_ascii_lowercase();
        mentions_bug_report(&l) || l.contains("cve-")
    };
    // A bug number inside the quoted subject of a commit this one names
    // (`Fixes: 1a2b3c4d ("… [BZ #30584]")`) is that commit's report.
    let (mut mentioned, mut quoted): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    for (line, bare) in ev.commit.message.lines().zip(unquoted.lines()) {
        let line = line.trim();
        if !names_report(line)
            || reports
                .iter()
                .any(|r| r.contains(line) || line.contains(r.as_str()))
        {
            continue;
        }
        if names_report(bare) {
            mentioned.push(line);
        } else {
            quoted.push(line);
        }
    }
    mentioned.truncate(5);
    let grep = format!("{show} | grep -i -E '{REPORT_GREP}'");
    if !reports.is_empty() || syz || !mentioned.is_empty() {
        let mut named: Vec<String> = reports;
        named.extend(mentioned.iter().map(|l| format!("`{l}`")));
        out.push(Record::new(
            P,
            format!(
                "reported by a user or a tool: {}{}",
                named.join("; "),
                if syz { " (syzbot)" } else { "" }
            ),
            grep,
        ));
    } else {
        out.push(Record::new(
            P,
            if quoted.is_empty() {
                "no Reported-by, Closes or Bugzilla trailer and no bug number, tracker link, CVE or syzbot in the message: no report on record".to_string()
            } else {
                format!(
                    "no Reported-by, Closes or Bugzilla trailer and no bug number, tracker link, CVE or syzbot of its own: no report on record (the report in `{}` is in the quoted subject of a commit it names)",
                    quoted.join("`, `")
                )
            },
            grep,
        ));
    }
    let tested = ev.message.trailers_named("Tested-by").count();
    out.push(Record::new(
        P,
        format!("{tested} Tested-by trailer(s)"),
        format!("{show} | grep -i '^Tested-by:'"),
    ));

    let lines = ev.diff.insertions + ev.diff.deletions;
    let mut comps: Vec<String> = ev.diff.files.iter().map(|f| component(f.path())).collect();
    comps.sort();
    comps.dedup();
    out.push(Record::new(
        P,
        format!(
            "size and spread: {lines} changed lines, {} file(s), {} component(s) ({})",
            ev.diff.files.len(),
            comps.len(),
            comps.join(", ")
        ),
        format!("git show --stat --format= {sha}"),
    ));
    let paths: Vec<&str> = ev.diff.files.iter().map(|f| f.path()).collect();
    out.push(Record::new(
        P,
        driver_spread(&paths, &comps),
        format!("git show --name-only --format= {sha}"),
    ));
    let feats: Vec<&str> = FEATURE_WORDS
        .iter()
        .copied()
        .filter(|w| names_word(&ev.commit.subject.to_ascii_lowercase(), w))
        .collect();
    let new_api = ev.kinds.contains(&ChangeKind::NewFunction);
    // The words the grep looks for: those found, or all when none was.
    let feats_or_all: &[&str] = if feats.is_empty() {
        FEATURE_WORDS
    } else {
        &feats
    };
    if !feats.is_empty() || new_api {
        out.push(Record::new(
            P,
            format!(
                "looks like new functionality or a clean-up rather than a fix:{}{}",
                if feats.is_empty() {
                    String::new()
                } else {
                    format!(" subject says {}", feats.join(", "))
                },
                match (feats.is_empty(), new_api) {
                    (true, true) => " adds a function or exported symbol",
                    (false, true) => "; adds a function or exported symbol",
                    _ => "",
                }
            ),
            format!(
                "git show -s --format=%s {sha} | grep -i -E '{}'; git show --format= {sha} | grep -E '^\\+.*EXPORT_SYMBOL|^\\+[a-z].*\\('",
                grep_whole_words(feats_or_all)
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{names_word, starts_word};

    #[test]
    fn feature_words_are_whole_words() {
        assert!(names_word("net: implements foo", "implement"));
        assert!(names_word("add support for bar", "support for"));
        assert!(!names_word("fix the implementation of baz", "implement"));
        assert!(!names_word("test: reenable the unit test", "enable"));
        assert!(!names_word(
            "fec: support forward error correction",
            "support for"
        ));
        assert!(!names_word("nm_enable_x", "enable"));
        assert!(names_word("enable", "enable"));
    }

    #[test]
    fn failure_words_start_words() {
        assert!(!starts_word("g_return_val_if_fail (x)", "fail"));
        assert!(starts_word("fix a hang in probe", "hang"));
        assert!(starts_word("on failure, free the ring", "fail"));
        assert!(starts_word("(cve-2024-1234)", "cve"));
        assert!(!starts_word("change the tracing code", "hang"));
        assert!(!starts_word("change the tracing code", "race"));
        assert!(!starts_word("debug output", "bug"));
    }
}

/// Where the change lies with respect to `drivers/`, as far as the paths
/// show it: one driver, several, or code outside any driver (named by its
/// components, since how many users run it is not something the paths say).
fn driver_spread(paths: &[&str], comps: &[String]) -> String {
    let in_drivers = paths.iter().filter(|p| p.starts_with("drivers/")).count();
    if paths.is_empty() {
        "changes no file".to_string()
    } else if in_drivers == paths.len() && comps.len() == 1 {
        format!(
            "confined to one driver directory ({}): a regression would reach only that driver's users",
            comps[0]
        )
    } else if in_drivers == paths.len() {
        format!("touches driver code only ({})", comps.join(", "))
    } else if in_drivers > 0 {
        format!(
            "touches driver code and files outside `drivers/` ({})",
            comps.join(", ")
        )
    } else {
        format!("touches no driver code: {}", comps.join(", "))
    }
}

#[cfg(test)]
mod spread_tests {
    use super::driver_spread;

    #[test]
    fn the_spread_names_what_the_paths_show() {
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(
            driver_spread(&["drivers/net/ice/a.c"], &c(&["drivers/net/ice"]))
                .starts_with("confined to one driver directory (drivers/net/ice)")
        );
        assert_eq!(
            driver_spread(
                &["man/x.xml", "src/resolve/y.c"],
                &c(&["man", "src/resolve"])
            ),
            "touches no driver code: man, src/resolve"
        );
        assert!(
            driver_spread(&["drivers/a/x.c", "lib/y.c"], &c(&["drivers/a", "lib"]))
                .starts_with("touches driver code and files outside")
        );
        assert_eq!(driver_spread(&[], &[]), "changes no file");
    }
}

/// `message` with the quoted subjects of the commits it names
/// (`("…")`, possibly wrapped over lines, and a revert's `Revert "…"`
/// subject) blanked out, line breaks kept.
fn without_quoted_subjects(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    let first = message.lines().next().unwrap_or("");
    if let Some(q) = first.strip_prefix("Revert \"")
        && let Some(close) = q.rfind('"')
    {
        let end = "Revert \"".len() + close + 1;
        out.push_str("Revert ");
        out.extend(std::iter::repeat_n(' ', end - "Revert ".len()));
        rest = &message[end..];
    }
    while let Some(open) = rest.find("(\"") {
        let Some(close) = rest[open + 2..].find("\")") else {
            break;
        };
        let end = open + 2 + close + 2;
        out.push_str(&rest[..open]);
        out.extend(
            rest[open..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' }),
        );
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod quoted_tests {
    use super::without_quoted_subjects;

    #[test]
    fn a_reverts_quoted_subject_is_blanked() {
        let m = "Revert \"bgpd: fix rt2 leak race\"\n\nThis reverts commit 59d678a2.\nIt broke the crash dump.";
        let out = without_quoted_subjects(m);
        assert_eq!(out.lines().count(), m.lines().count());
        assert!(!out.contains("leak"), "{out}");
        assert!(out.starts_with("Revert "));
        assert!(out.contains("crash dump"));
        // Not a revert, or an unclosed quote: nothing to blank on line one.
        assert_eq!(without_quoted_subjects("Revert \"x"), "Revert \"x");
        assert_eq!(without_quoted_subjects("fix \"leak\""), "fix \"leak\"");
    }

    #[test]
    fn quoted_subjects_are_blanked_and_lines_kept() {
        let m = "fix it\n\nFixes: 1a2b3c4d5e (\"stdlib: random_r fix\n[BZ #30584]\")\n[BZ #1234]";
        let out = without_quoted_subjects(m);
        assert_eq!(out.lines().count(), m.lines().count());
        assert!(!out.contains("30584"));
        assert!(out.contains("[BZ #1234]"));
        assert_eq!(without_quoted_subjects("a (\"b"), "a (\"b");
    }
}
