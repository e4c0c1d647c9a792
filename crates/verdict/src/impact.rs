//! Phase 8, impact and risk: what failure the commit says it fixes, who
//! reported and tested it, how big and how spread the change is, whether it
//! touches core code or one driver, and whether it looks like a new feature.
//!
//! Consumes an [`Evidence`]; produces Phase 8 [`Record`]s, each with the
//! command that shows its premise.

use crate::features::{FAILURE_WORDS, FEATURE_WORDS, component, mentions_bug_report};
use crate::words::{FAILURE_ENDINGS, grep_inflected, names_inflected, names_word};
use stablepick_evidence::{ChangeKind, Evidence, Record};

const P: u8 = 8;

/// What a reader greps for to see the reports a message names: the
/// trailers, syzbot, and the forms [`mentions_bug_report`] finds (a bug or
/// issue number of three or more digits, a tracker's page, GitHub's
/// `Fixes #12`) and CVE ids.
pub(crate) const REPORT_GREP: &str = "^(Reported-by|Closes|Bugzilla|Bug|Ticket|Issue|Redmine|Resolves|Addresses|Jira)|^Fixes: *(#|http)|syzbot|syzkaller|coverity|addresssanitizer:|leaksanitizer:|threadsanitizer:|memorysanitizer:|runtime error:|valgrind|oss-fuzz|clusterfuzz|cve-[0-9]|show_bug\\.cgi|/issues/|bugs\\.|bugzilla\\.|/browse/|ghsa-|(^|[^a-z0-9])(bugzilla|bug|bz|issue|ticket|redmine|refs|security|cid)[[:blank:]#:-]*(id)?[[:blank:]#:=]*[0-9]{3}|(^|[^a-z0-9])(close[sd]?|fix(e[sd])?|resolve[sd]?)[ :]*([a-z0-9_.-]+/[a-z0-9_.-]+)?#[0-9]";

/// Failure words Phase 8 names beyond the model's [`FAILURE_WORDS`]: an
/// assertion hit aborts the program. As a model feature it lowered
/// OpenVPN's average precision from 0.776 to 0.753 (its messages name
/// `ASSERT()` in passing), so only the report reads it.
const REPORT_ONLY_FAILURES: &[&str] = &["assertion"];

/// Failure words that any fix may use, naming no particular failure.
const GENERAL_FAILURE_WORDS: &[&str] = &[
    "wrong",
    "incorrect",
    "invalid",
    "fail",
    "error",
    "bug",
    "broken",
    "mismatch",
    "missing",
    "timeout",
];

/// Every failure word Phase 8 names.
fn failure_words() -> impl Iterator<Item = &'static str> {
    FAILURE_WORDS.iter().chain(REPORT_ONLY_FAILURES).copied()
}

/// What a tool that found the bug writes, as [`REPORT_GREP`] finds it: a
/// static analyser's name, a sanitizer's or valgrind's report, a fuzzer.
/// Phase 8 reads them as reports; the model's report feature does not.
const TOOL_REPORTS: &[&str] = &[
    "coverity",
    "addresssanitizer:",
    "leaksanitizer:",
    "threadsanitizer:",
    "memorysanitizer:",
    "runtime error:",
    "valgrind",
    "oss-fuzz",
    "clusterfuzz",
];

/// How the record begins that says the failure needs an allocation to
/// fail first.
pub const ALLOCATION_FAILS: &str = "the failure happens only when an allocation fails first";

/// Words that say so (lower-cased).
const ONLY_WHEN_ALLOCATION_FAILS: &[&str] = &[
    "alloc failure",
    "allocation failure",
    "allocation fails",
    "allocation failed",
    "malloc fails",
    "malloc failure",
    "malloc() fails",
    "out of memory",
    "enomem",
];

/// Does the (lower-cased) message name a tool's report (a sanitizer,
/// valgrind, a fuzzer, Coverity)?
pub(crate) fn names_tool_report(lower: &str) -> bool {
    TOOL_REPORTS.iter().any(|t| lower.contains(t))
}

/// Does the message show the failure reproduced: a shell command line
/// (`$ logger …`) or words of reproducing it (`reproducer`, `to
/// reproduce`)? The `grep -E` that shows it is [`REPRODUCER_GREP`].
pub(crate) fn shows_reproducer(message: &str) -> bool {
    message.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("$ ") && t.len() > 2
    }) || message.to_ascii_lowercase().contains("reproduc")
}

/// `grep -i -E` for what [`shows_reproducer`] finds.
pub(crate) const REPRODUCER_GREP: &str = "^[[:space:]]*[$] .|reproduc";

/// An extended regular expression for the failure words `words`, as
/// [`names_inflected`] matches them.
fn grep_failures(words: &[&str]) -> String {
    grep_inflected(words, FAILURE_ENDINGS)
}

/// Does `text` name the failure word `w`?
fn names_failure(text: &str, w: &str) -> bool {
    if w == "assertion" {
        return assertion_hit(text);
    }
    names_inflected(text, w, FAILURE_ENDINGS)
}

/// Does a sentence of `text` (lower-cased) say an assertion is hit or
/// fails (`we can hit an assertion`, `triggers an assertion`, `assertion
/// failed`)? `fix assertions in f()`, a change of the checks themselves,
/// names no failure.
fn assertion_hit(text: &str) -> bool {
    const HIT: &[&str] = &["hit", "trigger", "fail", "trip", "abort", "fire", "crash"];
    text.split('.').any(|sentence| {
        names_inflected(sentence, "assertion", FAILURE_ENDINGS)
            && HIT
                .iter()
                .any(|v| names_inflected(sentence, v, FAILURE_ENDINGS))
    })
}

/// An extended regular expression for `words` as [`names_word`] matches
/// them.
fn grep_whole_words(words: &[&str]) -> String {
    format!("\\b({})s?\\b", words.join("|"))
}

pub fn records(ev: &Evidence) -> Vec<Record> {
    let sha = ev.commit.oid.to_string();
    let show = format!("git show -s --format=%B {sha}");
    let lower = ev.commit.message.to_ascii_lowercase();
    let mut out = Vec::new();

    // A failure named only in the quoted subject of a commit this one
    // names or reverts is that commit's failure; one in the subsystem
    // prefix (`libcli:security:`), a link or a tracker line (`BUG:
    // https://…`) names no failure at all.
    let unquoted = without_quoted_subjects(&ev.commit.message);
    let own_lower = without_names_and_links(&unquoted).to_ascii_lowercase();
    let (fails, elsewhere): (Vec<&str>, Vec<&str>) = failure_words()
        .filter(|w| names_failure(&lower, w))
        .partition(|w| names_failure(&own_lower, w));
    // `fix error handling`, `on the error path`: the code it changes, not
    // a failure users see.
    let error_names_code = fails == ["error"] && errors_name_only_code(&own_lower);
    let fails: Vec<&str> = if error_names_code { Vec::new() } else { fails };
    // `fix assertions in f()`: the checks themselves, none of them hit.
    let assertions_edited = fails.is_empty()
        && names_inflected(&own_lower, "assertion", FAILURE_ENDINGS)
        && !assertion_hit(&own_lower);
    out.push(if error_names_code {
        Record::new(
            P,
            "the message names no user-visible failure: `error` only names the code it changes (error handling, an error path, …)",
            format!("{show} | grep -i -E '\\berrors?\\b'"),
        )
    } else if assertions_edited {
        Record::new(
            P,
            "the message names no user-visible failure: `assertion` names checks the change edits, not one that is hit",
            format!("{show} | grep -i -E '\\bassertions?\\b'"),
        )
    } else if fails.is_empty() {
        let grep = format!(
            "{show} | grep -i -E '{}'",
            grep_failures(&failure_words().collect::<Vec<_>>())
        );
        if elsewhere.is_empty() {
            Record::absence(
                P,
                "the message names no user-visible failure (crash, hang, leak, corruption, …)",
                grep,
            )
        } else {
            // The grep shows where the words are.
            Record::new(
                P,
                format!(
                    "the message names no user-visible failure of its own ({} only in the quoted subject of a commit it names or reverts, the subsystem prefix, a link, a tracker line or number, or a word such as race-free)",
                    elsewhere.join(", ")
                ),
                grep,
            )
        }
    } else {
        // Words any fix may use (`wrong`, `fail`, `missing`) say less than
        // a named failure (`use-after-free`); the text keeps them apart.
        let (general, specific): (Vec<&str>, Vec<&str>) =
            fails.iter().partition(|w| GENERAL_FAILURE_WORDS.contains(w));
        let text = if specific.is_empty() {
            format!(
                "failure mode named in the message, in general words only: {}",
                general.join(", ")
            )
        } else if general.is_empty() {
            format!("failure mode named in the message: {}", specific.join(", "))
        } else {
            format!(
                "failure mode named in the message: {} (and the general words {})",
                specific.join(", "),
                general.join(", ")
            )
        };
        Record::new(
            P,
            text,
            format!("{show} | grep -i -E '{}'", grep_failures(&fails)),
        )
    });
    // A failure only an allocation failing first sets off: real, but rare
    // on most machines, which the stable rules weigh ("a bug that bothers
    // people").
    if let Some(words) = ONLY_WHEN_ALLOCATION_FAILS
        .iter()
        .find(|w| own_lower.contains(*w))
    {
        out.push(Record::new(
            P,
            format!("{ALLOCATION_FAILS}: the message says \"{words}\""),
            format!(
                "{show} | grep -i -F {}",
                stablepick_evidence::record::sh(words)
            ),
        ));
    }

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
                || stablepick_repo::message::TRACKER_TRAILER_KEYS.contains(&k.as_str())
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
        mentions_bug_report(&l) || l.contains("cve-") || names_tool_report(&l)
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
    } else if quoted.is_empty() {
        out.push(Record::absence(
            P,
            "no Reported-by, Closes or Bugzilla trailer and no bug or ticket number, tracker link, CVE, security advisory or syzbot in the message: no report on record",
            grep,
        ));
    } else {
        out.push(Record::new(
            P,
            format!(
                "no Reported-by, Closes or Bugzilla trailer and no bug or ticket number, tracker link, CVE, security advisory or syzbot of its own: no report on record (the report in `{}` is in the quoted subject of a commit it names)",
                quoted.join("`, `")
            ),
            grep,
        ));
    }
    let tested = ev.message.trailers_named("Tested-by").count();
    let grep = format!("{show} | grep -i '^Tested-by:'");
    let text = format!("{tested} Tested-by trailer(s)");
    out.push(if tested == 0 {
        Record::absence(P, text, grep)
    } else {
        Record::new(P, text, grep)
    });

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
        driver_spread(&paths, &comps, ev.tree_has_drivers),
        format!("git show --name-only --format= {sha}"),
    ));
    let feats: Vec<&str> = FEATURE_WORDS
        .iter()
        .copied()
        .filter(|w| names_word(&without_shouted_words(&ev.commit.subject), w))
        .collect();
    let new_api = ev.kinds.contains(&ChangeKind::NewFunction);
    if !feats.is_empty() || new_api {
        let new_functions = stablepick_evidence::kinds::new_function_names(&ev.diff);
        let adds = if new_functions.is_empty() {
            "adds an exported symbol".to_string()
        } else {
            let names: Vec<String> = new_functions.iter().map(|n| format!("`{n}()`")).collect();
            format!("adds function(s) {}", names.join(", "))
        };
        let shows_adds = shows_added_functions(&sha, &new_functions);
        // A fix that names its failure and only adds functions (an unlock
        // helper for a locking fix, a free helper for a leak) adds them for
        // the fix.
        let helps_the_fix = feats.is_empty() && !new_functions.is_empty() && !fails.is_empty();
        out.push(if helps_the_fix {
            Record::new(
                P,
                format!(
                    "{adds} in a change whose message names a failure ({}): helper(s) of the fix rather than new functionality",
                    fails.join(", ")
                ),
                shows_adds,
            )
        } else {
            new_functionality(&sha, &feats, new_api, &adds, shows_adds)
        });
    }
    out
}

/// The record that a change looks like new functionality: the subject's
/// feature words `feats`, and what it adds when `new_api`.
fn new_functionality(
    sha: &str,
    feats: &[&str],
    new_api: bool,
    adds: &str,
    shows_adds: String,
) -> Record {
    Record::new(
        P,
        format!(
            "looks like new functionality or a clean-up rather than a fix:{}{}",
            if feats.is_empty() {
                String::new()
            } else {
                format!(" subject says {}", feats.join(", "))
            },
            match (feats.is_empty(), new_api) {
                (true, true) => format!(" {adds}"),
                (false, true) => format!("; {adds}"),
                _ => String::new(),
            }
        ),
        // Each part the text claims, so the command succeeds when all
        // of them hold.
        match (feats.is_empty(), new_api) {
            (false, true) => format!(
                "git show -s --format=%s {sha} | grep -i -E '{}' && {shows_adds}",
                grep_whole_words(feats)
            ),
            (false, false) => format!(
                "git show -s --format=%s {sha} | grep -i -E '{}'",
                grep_whole_words(feats)
            ),
            _ => shows_adds,
        },
    )
}

/// Does every `error` in `text` (lower-cased) name a kind of code, as in
/// `error handling`, `error path`, `error code`, `the right error
/// variable`, or an identifier quoted as code (`` `error` parameter ``)?
fn errors_name_only_code(text: &str) -> bool {
    const CODE: &[&str] = &[
        "variable",
        "variables",
        "parameter",
        "parameters",
        "argument",
        "arguments",
        "type",
        "types",
        "pointer",
        "pointers",
        "field",
        "fields",
        "handling",
        "handler",
        "handlers",
        "path",
        "paths",
        "code",
        "codes",
        "case",
        "cases",
        "label",
        "labels",
        "check",
        "checks",
        "reporting",
        "value",
        "values",
    ];
    let b = text.as_bytes();
    let mut seen = false;
    for (i, _) in text.match_indices("error") {
        if i > 0 && crate::words::is_word_byte(b[i - 1]) {
            continue;
        }
        let rest = &text[i + "error".len()..];
        let rest = rest.strip_prefix('s').unwrap_or(rest);
        if rest.bytes().next().is_some_and(crate::words::is_word_byte) {
            continue;
        }
        seen = true;
        if i > 0 && b[i - 1] == b'`' && rest.starts_with('`') {
            continue;
        }
        let next = rest.trim_start_matches([' ', '-']);
        let word: String = next
            .bytes()
            .take_while(|&c| crate::words::is_word_byte(c))
            .map(char::from)
            .collect();
        if !CODE.contains(&word.as_str()) {
            return false;
        }
    }
    seen
}

/// The command that shows what a change adds: the added lines that define
/// each of `new_functions` (its name then `(`), or, with none, the added
/// export lines (either kind shows it: the braces pass on the lines of both
/// greps, and the last `grep .` succeeds if there are any).
pub(crate) fn shows_added_functions(sha: &str, new_functions: &[String]) -> String {
    if new_functions.is_empty() {
        format!(
            "{{ git show --format= {sha} | grep -E '^\\+.*EXPORT_SYMBOL'; git show --format= {sha} -- '*version.map' | grep -E '^\\+.*;'; }} | grep ."
        )
    } else {
        format!(
            // `name(` opens a definition; `DEFPY (name,` a command handler.
            "git show --format= {sha} | grep -E '^\\+[^[:space:]#/*].*\\b({})[[:space:]]*[(,]'",
            new_functions.join("|")
        )
    }
}

/// Where the change lies with respect to `drivers/`, as far as the paths
/// show it: one driver, several, or code outside any driver (named by its
/// components, since how many users run it is not something the paths say).
fn driver_spread(paths: &[&str], comps: &[String], tree_has_drivers: bool) -> String {
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
    } else if tree_has_drivers {
        format!(
            "outside any driver directory: it changes {}",
            comps.join(", ")
        )
    } else {
        // A project with no `drivers/` (containerd, Samba, glibc): where
        // the change lies is all the paths say.
        format!("it changes {}", comps.join(", "))
    }
}

#[cfg(test)]
mod spread_tests {
    use super::driver_spread;

    #[test]
    fn the_spread_names_what_the_paths_show() {
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(
            driver_spread(&["drivers/net/ice/a.c"], &c(&["drivers/net/ice"]), true)
                .starts_with("confined to one driver directory (drivers/net/ice)")
        );
        assert_eq!(
            driver_spread(&["lib/x.c", "lib/y.c"], &c(&["lib"]), true),
            "outside any driver directory: it changes lib"
        );
        // A project without `drivers/`: no word of drivers.
        assert_eq!(
            driver_spread(
                &["man/x.xml", "src/resolve/y.c"],
                &c(&["man", "src/resolve"]),
                false
            ),
            "it changes man, src/resolve"
        );
        assert!(
            driver_spread(
                &["drivers/a/x.c", "lib/y.c"],
                &c(&["drivers/a", "lib"]),
                true
            )
            .starts_with("touches driver code and files outside")
        );
        assert_eq!(driver_spread(&[], &[], false), "changes no file");
    }
}

/// `message` with the quoted subjects of the commits it names
/// (`("…")`, possibly wrapped over lines, and a revert's `Revert "…"`
/// subject) blanked out, line breaks kept.
/// `subject` lower-cased, with its all-capital words blanked: they name a
/// command or a constant (Redis's `RENAME`, `ENABLE_FOO`), not what the
/// change does.
fn without_shouted_words(subject: &str) -> String {
    let mut out = String::with_capacity(subject.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let letters = word.bytes().filter(u8::is_ascii_alphabetic).count();
        // Four letters or more: `API` and `USB` are words of a sentence.
        let shouted = letters >= 4 && !word.bytes().any(|b| b.is_ascii_lowercase());
        if shouted {
            out.extend(std::iter::repeat_n(' ', word.len()));
        } else {
            out.push_str(&word.to_ascii_lowercase());
        }
        word.clear();
    };
    for c in subject.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `message` with what names no failure of this commit blanked, lines
/// kept: the subject's subsystem prefix (`s3-errormap: `), links, and a
/// line left as a bare key once its link is gone (`BUG: https://…`).
static TRACKER_NUMBER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b((bug|bz)[ \t]*#?[ \t]*[0-9]+|(security|cid)[ \t]*#?[ \t]*[0-9]{3,})")
        .expect("a valid pattern")
});

static FREE_OF_FAILURE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b[a-z]+-(free|safe|proof)\b").expect("a valid pattern")
});

fn without_names_and_links(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (n, line) in message.split_inclusive('\n').enumerate() {
        let mut kept: String = line
            .split_inclusive(char::is_whitespace)
            .map(|w| {
                if w.starts_with("http://") || w.starts_with("https://") {
                    let link = w.trim_end();
                    " ".repeat(link.len()) + &w[link.len()..]
                } else {
                    w.to_string()
                }
            })
            .collect();
        if n == 0
            && let Some((prefix, _)) = kept.split_once(": ")
            && !prefix.contains(' ')
        {
            let blank = " ".repeat(prefix.len() + 1);
            kept.replace_range(..prefix.len() + 1, &blank);
        }
        let is_key =
            |k: &str| !k.is_empty() && k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
        // `BUG: <link>` (the link blanked above) or `Bug: #4734.`: a
        // tracker line, whose key names no failure.
        let bare_key = kept.trim().strip_suffix(':').is_some_and(is_key)
            || kept.trim().split_once(':').is_some_and(|(k, v)| {
                let v = v.trim().trim_end_matches('.').trim_start_matches('#');
                is_key(k) && !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit())
            });
        if bare_key {
            kept = kept
                .chars()
                .map(|c| if c == '\n' { c } else { ' ' })
                .collect();
        }
        // `(bug 32233)`, `[BZ #27821]`: a tracker's number, which names a
        // report, not a failure.
        let kept = TRACKER_NUMBER.replace_all(&kept, |c: &regex::Captures| " ".repeat(c[0].len()));
        // `race-free`, `leak-safe`, `crash-proof`: the absence of a failure.
        // (`use-after-free` and `double-free` are failures.)
        let kept = FREE_OF_FAILURE.replace_all(&kept, |c: &regex::Captures| {
            let w = c[0].to_ascii_lowercase();
            if w == "after-free" || w == "double-free" {
                c[0].to_string()
            } else {
                " ".repeat(c[0].len())
            }
        });
        out.push_str(&kept);
    }
    out
}

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
    use super::{without_names_and_links, without_quoted_subjects};

    #[test]
    fn shouted_words_are_names_not_verbs() {
        use super::without_shouted_words;
        assert_eq!(
            without_shouted_words("Fix RENAME when the key is an ENABLE_X (#123)"),
            "fix        when the key is an          (#123)"
        );
        assert_eq!(
            without_shouted_words("Enable a new API"),
            "enable a new api"
        );
    }

    #[test]
    fn prefixes_links_and_bare_tracker_keys_are_blanked() {
        let m = "libcli:security: check the owner sid\n\nBUG: https://bugzilla.samba.org/show_bug.cgi?id=15000\nSee https://example.org/crash-report for the crash.\n";
        let out = without_names_and_links(m);
        assert_eq!(out.len(), m.len());
        assert_eq!(out.lines().count(), m.lines().count());
        assert!(!out.contains("security"), "{out}");
        assert!(!out.to_ascii_lowercase().contains("bug"), "{out}");
        assert!(out.contains("check the owner sid"));
        assert!(out.contains("for the crash."), "{out}");
        assert!(!out.contains("crash-report"), "{out}");
        // A prefix with a space is a sentence, not a subsystem.
        assert!(without_names_and_links("fix a crash: now").contains("crash"));
    }

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
