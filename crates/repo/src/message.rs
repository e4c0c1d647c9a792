//! The grammar of a commit message: subject prefix and verb, trailers,
//! `Fixes:` references, backport lines, revert lines and stable Cc hints.
//!
//! Everything here is a pure function of the message text, so the index can
//! run it over every commit of a repository and the evidence layer can show
//! what was parsed. Nothing panics on any input.

use regex::Regex;
use std::sync::LazyLock;

/// One `Key: value` trailer line as written in the message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Trailer {
    pub key: String,
    pub value: String,
}

/// A `Fixes:` reference: the abbreviated sha and the quoted subject, if any.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FixesRef {
    pub sha_prefix: String,
    pub subject: Option<String>,
}

/// A `Cc: stable@…` line with its `# …` hint decoded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StableCc {
    /// The line as written, after `Cc:`.
    pub raw: String,
    /// `stable+noautosel@…`: the author asks not to pick it automatically.
    pub noautosel: bool,
    /// The text after `#`, if any.
    pub hint: Option<String>,
    /// Lowest stable version the hint names (`6.1+` → `[6, 1]`).
    pub min_version: Option<Vec<u32>>,
    /// A prerequisite named in the hint (`# 3.3.x: a1f84a3: sched: …`).
    pub prerequisite: Option<FixesRef>,
}

/// Everything the index and the evidence layer read out of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ParsedMessage {
    pub subject: String,
    pub body: String,
    pub trailers: Vec<Trailer>,
    pub fixes: Vec<FixesRef>,
    /// Upstream shas named by backport lines (`commit X upstream.` etc.).
    pub backport_of: Vec<String>,
    /// Shas named by `This reverts commit X.`.
    pub reverts: Vec<String>,
    pub stable_cc: Vec<StableCc>,
    /// Shas named by a line opening `Follow-up for` (`to`, `of`, `on`):
    /// how systemd names the commit a change completes or repairs.
    #[serde(default)]
    pub follow_ups: Vec<String>,
}

impl ParsedMessage {
    pub fn is_revert(&self) -> bool {
        !self.reverts.is_empty() || self.subject.starts_with("Revert \"")
    }

    pub fn noautosel(&self) -> bool {
        self.stable_cc.iter().any(|c| c.noautosel)
    }

    pub fn cc_stable(&self) -> bool {
        self.stable_cc.iter().any(|c| !c.noautosel)
    }

    pub fn trailers_named<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Trailer> + 'a {
        self.trailers
            .iter()
            .filter(move |t| t.key.eq_ignore_ascii_case(key))
    }

    /// `Fixes:` trailers whose value names no commit (`Fixes: #30425`, a
    /// tracker's URL): an issue the commit closes, not the commit that
    /// brought the bug.
    pub fn fixes_naming_no_commit(&self) -> Vec<&str> {
        self.trailers_named("Fixes")
            .map(|t| t.value.as_str())
            // What the `Fixes:` parser takes as a commit is none, except a
            // short number (`Fixes: 1234`), which is an issue's.
            .filter(|v| !v.trim().is_empty())
            .filter(|v| {
                parse_fixes_value(v).is_none()
                    || v.split_whitespace()
                        .next()
                        .is_some_and(|w| w.len() < 7 && w.bytes().all(|b| b.is_ascii_digit()))
            })
            .collect()
    }
}

/// Trailer keys that name a report in a tracker (`Ticket: #7689`,
/// `Addresses: <issue link>`): trailers, and reports too.
pub const TRACKER_TRAILER_KEYS: &[&str] = &[
    "bug",
    "ticket",
    "issue",
    "redmine",
    "resolves",
    "addresses",
    "jira",
];

/// Trailer keys that count even without the `-by` suffix, besides
/// [`TRACKER_TRAILER_KEYS`].
const PLAIN_TRAILER_KEYS: &[&str] = &[
    "fixes",
    "cc",
    "link",
    "closes",
    "bugzilla id",
    "bugzilla",
    "coverity issue",
    "cve",
    "change-id",
    "message-id",
];

static TRAILER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z][A-Za-z0-9 -]{0,40}?):\s*(.*)$").unwrap());
static FIXES_RE: LazyLock<Regex> = LazyLock::new(|| {
    // `("subject")`, `('subject')`, an unterminated `("subject`, a bare
    // `"subject"`, or `(subject)` with no quotes at all.
    Regex::new(
        r#"^([0-9a-fA-F]{4,40})\b\s*(?:\(\s*"(.*?)"\s*\)|\(\s*'(.*?)'\s*\)|\("(.*)|"(.*?)"|\(([^"'].*)\)\s*$)?"#,
    )
    .unwrap()
});
static BACKPORT_RES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?im)^\s*commit ([0-9a-f]{7,40}) upstream\.?\s*$",
        r"(?im)^\s*\[\s*upstream commit ([0-9a-f]{7,40})\s*\]",
        // `git cherry-pick -x`, and what some add after the id
        // (Ubuntu's `(cherry picked from commit … linux-next)`).
        r"(?im)\(cherry[ -]picked from commit ([0-9a-f]{7,40})(?:[ \t][^)\n]*)?\)",
        // Django's: `Backport of <sha> from main.`
        r"(?im)^\s*(?:partial\s+)?backport of ([0-9a-f]{7,40}) from [\w./-]+",
        // HashiCorp's backport assistant: `backport of commit <sha> (#123)`.
        r"(?im)^\s*backport of commit ([0-9a-f]{7,40})(?:\s*\(#\d+\))?\s*$",
        // Samba's hand-adapted backports: `(Back-ported from commit …)`.
        r"(?im)\(back[ -]?ported from commit ([0-9a-f]{7,40})\)",
        r"(?im)^\s*\[\s*commit ([0-9a-f]{7,40}) upstream\s*\]",
        r"(?im)^\s*upstream commit ([0-9a-f]{7,40})\.?\s*$",
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap())
    .collect()
});
/// How a backport line of `message` is written, as a template with
/// `{sha}` where the upstream id goes (`[ upstream commit {sha} ]`,
/// `(cherry picked from commit {sha})`), and whether it ends the message
/// (as `git cherry-pick -x` writes it) rather than opening the body.
pub fn backport_line_template(message: &str) -> Option<(String, bool)> {
    let cap = BACKPORT_RES.iter().find_map(|re| re.captures(message))?;
    let whole = cap.get(0)?;
    let id = cap.get(1)?;
    let line = format!(
        "{}{{sha}}{}",
        &message[whole.start()..id.start()],
        &message[id.end()..whole.end()]
    );
    // The other lines of the body before and after it.
    let before = message[..whole.start()]
        .lines()
        .skip(1)
        .any(|l| !l.trim().is_empty());
    let after = message[whole.end()..].lines().any(|l| !l.trim().is_empty());
    Some((line.trim().to_string(), before && !after))
}

static REVERT_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)This reverts commit ([0-9a-f]{7,40})").unwrap());
static VERSION_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"v?(\d+)\.(\d+)(?:\.(\d+|x))?").unwrap());
static PREREQ_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^:]*:\s*([0-9a-fA-F]{7,40})\s*(?::\s*(.+))?$").unwrap());

/// Commit ids a message names anywhere (`Follow-up for 1a2b3c4d`, `since
/// commit …`, `Fixes:` and revert lines too), lower-cased, in order, without
/// repeats: tokens of 7 to 40 hex digits with both a letter and a digit, so
/// bug and issue numbers are not taken for ids. Backport lines are skipped:
/// they name the commit itself upstream. So is the revision of a link to a
/// file (`…/blob/<id>/src/x.c#L20`): it points at code, not at a change.
pub fn commit_ids(message: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in message.lines() {
        let mut lower = line.to_ascii_lowercase();
        if BACKPORT_RES.iter().any(|re| re.is_match(&lower)) {
            continue;
        }
        for marker in ["/blob/", "/tree/", "/raw/", "/blame/"] {
            while let Some(at) = lower.find(marker) {
                let from = at + marker.len();
                let to = lower[from..]
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .map_or(lower.len(), |n| from + n);
                lower.replace_range(at..to, " ");
            }
        }
        for tok in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
            let id = (7..=40).contains(&tok.len())
                && tok.bytes().all(|b| b.is_ascii_hexdigit())
                && tok.bytes().any(|b| b.is_ascii_alphabetic())
                && tok.bytes().any(|b| b.is_ascii_digit());
            if id && !out.iter().any(|o| o == tok) {
                out.push(tok.to_string());
            }
        }
    }
    out
}

/// The pull request a mainline commit's subject says it is: GitHub's
/// squash merge `… (#1234)` or merge commit `Merge pull request #1234 from …`.
pub fn pull_request_of_subject(subject: &str) -> Option<u32> {
    let s = subject.trim();
    if let Some(rest) = s.strip_prefix("Merge pull request #") {
        return leading_number(rest);
    }
    let open = s.strip_suffix(')')?.rfind("(#")?;
    let n = &s[open + 2..s.len() - 1];
    (n.len() <= 7 && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .then(|| n.parse().ok())
        .flatten()
}

fn leading_number(s: &str) -> Option<u32> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    (1..=7)
        .contains(&digits)
        .then(|| s[..digits].parse().ok())
        .flatten()
}

/// Pull requests (or issues: they share GitHub's numbering) a message
/// names: `#1234` standing as a word, and links
/// `https://github.com/OWNER/REPO/pull/1234` to one of `own_repos`
/// (lower-case `owner/repo`: the project's own, see
/// [`github_repos_of_urls`]). A link to another repository (a Dependabot
/// bump's release notes, a port from a fork) names that repository's pull
/// request, not this one's; with no known repository, no link counts.
/// Numbers under 10 are left out: `#1` is as often a list item as a
/// reference.
pub fn pull_request_refs(message: &str, own_repos: &[String]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    let b = message.as_bytes();
    for (i, _) in message.match_indices('#') {
        // `#1234`, not `foo#1234` (another repository) or `&#1234;`.
        if i > 0 && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'&' | b'/' | b'#')) {
            continue;
        }
        let rest = &message[i + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if rest
            .as_bytes()
            .get(digits)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            || is_stack_frame(&message[..i], &rest[digits..])
        {
            continue;
        }
        if let Some(n) = leading_number(rest).filter(|&n| n >= 10)
            && !out.contains(&n)
        {
            out.push(n);
        }
    }
    for (i, m) in message.match_indices("/pull/") {
        let own = github_repo_before(&message[..i]).is_some_and(|r| own_repos.contains(&r));
        if let Some(n) = leading_number(&message[i + m.len()..]).filter(|&n| n >= 10)
            && own
            && !out.contains(&n)
        {
            out.push(n);
        }
    }
    out
}

/// Is the `#N` between `before` and `after` the frame number of a stack
/// trace a message quotes (`    #10 0x55c756c6e384 in _start`, gdb's
/// `#1  0x… in main (…)` or `#2  bgp_start (…)`): first on its line, then
/// an address or a function being called?
fn is_stack_frame(before: &str, after: &str) -> bool {
    let line_start = before.rsplit('\n').next().unwrap_or("");
    if !line_start.trim().is_empty() {
        return false;
    }
    let next = after.trim_start_matches([' ', '\t']);
    if after.len() == next.len() {
        return false;
    }
    // Trimmed as `split_whitespace` splits (any Unicode space), so the
    // word is the start of `next` and slicing after it stays on a char
    // boundary.
    let next = next.trim_start();
    let word: &str = next.split_whitespace().next().unwrap_or("");
    word.starts_with("0x")
        || (word
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b':')
            && next[word.len()..].trim_start().starts_with('('))
}

/// The lower-case `owner/repo` of a `github.com/owner/repo` that `text`
/// ends with.
pub(crate) fn github_repo_before(text: &str) -> Option<String> {
    let at = text.rfind("github.com/")?;
    let path = &text[at + "github.com/".len()..];
    let mut parts = path.split('/');
    let (owner, repo) = (parts.next()?, parts.next()?);
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    };
    (parts.next().is_none() && word(owner) && word(repo)).then(|| {
        let repo = repo.strip_suffix(".git").unwrap_or(repo);
        format!("{owner}/{repo}").to_ascii_lowercase()
    })
}

/// The GitHub repositories (`owner/repo`, lower case) that remote URLs
/// name: `https://github.com/redis/redis.git`, `git@github.com:redis/redis`.
pub fn github_repos_of_urls<'a>(urls: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for url in urls {
        let url = url
            .trim_end_matches('/')
            .replacen("github.com:", "github.com/", 1);
        if let Some(r) = github_repo_before(&url)
            && !out.contains(&r)
        {
            out.push(r);
        }
    }
    out
}

/// Parses a commit message. `message` may be lossily decoded; nothing panics.
pub fn parse(message: &str) -> ParsedMessage {
    let mut lines = message.lines();
    let subject = lines.next().unwrap_or("").trim().to_string();
    let body: String = {
        let rest: Vec<&str> = lines.collect();
        rest.join("\n").trim_matches('\n').to_string()
    };
    let mut parsed = ParsedMessage {
        subject,
        ..Default::default()
    };
    for line in body.lines() {
        let Some(trailer) = parse_trailer(line) else {
            continue;
        };
        let key = trailer.key.to_ascii_lowercase();
        if key == "fixes" {
            if let Some(f) = parse_fixes_value(&trailer.value) {
                parsed.fixes.push(f);
            }
        } else if key == "cc"
            && let Some(cc) = parse_stable_cc(&trailer.value)
        {
            parsed.stable_cc.push(cc);
        }
        parsed.trailers.push(trailer);
    }
    for line in body.lines() {
        for sha in follow_up_ids(line) {
            if !parsed.follow_ups.contains(&sha) {
                parsed.follow_ups.push(sha);
            }
        }
    }
    for re in BACKPORT_RES.iter() {
        for cap in re.captures_iter(&body) {
            let sha = cap[1].to_ascii_lowercase();
            if !parsed.backport_of.contains(&sha) {
                parsed.backport_of.push(sha);
            }
        }
    }
    for cap in REVERT_RE.captures_iter(&body) {
        let sha = cap[1].to_ascii_lowercase();
        if !parsed.reverts.contains(&sha) {
            parsed.reverts.push(sha);
        }
    }
    parsed.body = body;
    parsed
}

/// An extended regular expression, for `grep -i -E`, for the lines
/// [`parse_trailer`] takes: a key ending in `-by` or one of the plain keys,
/// then a colon.
pub fn trailer_grep() -> String {
    format!(
        "^([A-Za-z][A-Za-z0-9 -]*-by|{}|{}):",
        PLAIN_TRAILER_KEYS.join("|"),
        TRACKER_TRAILER_KEYS.join("|")
    )
}

/// A line is a trailer when it starts at column 0 with a known key or an
/// `…-by:` key. Indented or quoted lines never count.
pub fn parse_trailer(line: &str) -> Option<Trailer> {
    let line = line.trim_end();
    if line.starts_with([' ', '\t', '>']) {
        return None;
    }
    let cap = TRAILER_RE.captures(line)?;
    let key = cap[1].trim();
    let lower = key.to_ascii_lowercase();
    let known = lower.ends_with("-by")
        || PLAIN_TRAILER_KEYS.contains(&lower.as_str())
        || TRACKER_TRAILER_KEYS.contains(&lower.as_str());
    if !known || key.contains("  ") {
        return None;
    }
    Some(Trailer {
        key: key.to_string(),
        value: cap[2].trim().to_string(),
    })
}

/// Parses the value of a `Fixes:` trailer: `<hex> ("subject")`.
pub fn parse_fixes_value(value: &str) -> Option<FixesRef> {
    let cap = FIXES_RE.captures(value.trim())?;
    // Only the unterminated `("…` form may carry a stray `")` at its end;
    // a quoted subject may itself end in `()`.
    let subject = [2, 3, 5, 6]
        .into_iter()
        .find_map(|i| cap.get(i))
        .map(|m| m.as_str().trim().to_string())
        .or_else(|| {
            cap.get(4)
                .map(|m| m.as_str().trim_end_matches(['"', ')']).trim().to_string())
        })
        .filter(|s| !s.is_empty());
    Some(FixesRef {
        sha_prefix: cap[1].to_ascii_lowercase(),
        subject,
    })
}

/// The shas (7 to 40 hex digits, lower-cased) a `Follow-up for <sha>`
/// line names: `Follow-up for`, `to`, `of` or `on`, `Follow-ups`,
/// `Followup`, an optional colon; the rest of the line may name several.
pub fn follow_up_ids(line: &str) -> Vec<String> {
    let lower = line.trim_start().to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("follow-up")
        .or_else(|| lower.strip_prefix("followup"))
    else {
        return Vec::new();
    };
    let rest = rest.strip_prefix('s').unwrap_or(rest);
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let Some(after) = ["for ", "to ", "of ", "on "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
    else {
        return Vec::new();
    };
    after
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| (7..=40).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
        .collect()
}

/// A line of `msg` opens with `Tested-by:` (any case), as `git log -i
/// --grep='^Tested-by:'` finds.
pub fn has_tested_by_line(msg: &str) -> bool {
    msg.lines().any(|l| {
        l.get(..10)
            .is_some_and(|p| p.eq_ignore_ascii_case("tested-by:"))
    })
}

/// True when a line of `msg` matches `git log -i --grep='^Cc:.*stable'`:
/// the looser test a reader can run over a whole history, where
/// [`parse_stable_cc`] decides what one commit nominates.
pub fn has_stable_cc_line(msg: &str) -> bool {
    msg.lines().any(|l| {
        l.as_bytes()
            .get(..3)
            .is_some_and(|b| b.eq_ignore_ascii_case(b"cc:"))
            && l.to_ascii_lowercase().contains("stable")
    })
}

/// Parses a `Cc:` value; returns `None` unless it names a stable list.
pub fn parse_stable_cc(value: &str) -> Option<StableCc> {
    let (addr, hint) = match value.split_once('#') {
        Some((a, h)) => (a.trim(), Some(h.trim().to_string())),
        None => (value.trim(), None),
    };
    let addr_l = addr.to_ascii_lowercase();
    let addr_l = addr_l.trim_matches(|c| c == '<' || c == '>' || c == ' ');
    let local = addr_l.rsplit('<').next().unwrap_or(addr_l);
    let local = local.split('@').next().unwrap_or("");
    if !(local == "stable" || local.starts_with("stable+")) || !addr_l.contains('@') {
        return None;
    }
    let noautosel = local.contains("noautosel");
    let (min_version, prerequisite) = match &hint {
        Some(h) => {
            let min = VERSION_RE.captures(h).map(|c| {
                let mut v = vec![c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0)];
                if let Some(p) = c.get(3).and_then(|m| m.as_str().parse().ok()) {
                    v.push(p);
                }
                v
            });
            let pre = PREREQ_RE.captures(h).map(|c| FixesRef {
                sha_prefix: c[1].to_ascii_lowercase(),
                subject: c.get(2).map(|m| m.as_str().trim().to_string()),
            });
            (if noautosel { None } else { min }, pre)
        }
        None => (None, None),
    };
    Some(StableCc {
        raw: value.trim().to_string(),
        noautosel,
        hint,
        min_version,
        prerequisite,
    })
}

/// Subject prefix (subsystem) and action verb: `powerpc/vmx: Avoid …` →
/// (`powerpc/vmx`, `avoid`). A `Revert "…"` subject has verb `revert`.
pub fn subject_parts(subject: &str) -> (Option<String>, Option<String>) {
    subject_parts_as(subject, false)
}

/// [`subject_parts`] with a verb that reads as one: a word of letters
/// (`don't` too), past adverbs such as `always`, so a module path or a
/// version (`vendor: go.etcd.io/bbolt v1.3.9`) is none. For what a report
/// says; the backport model learned from the plain first word, in which a
/// dependency's module path names what a bump updates.
pub fn subject_verb(subject: &str) -> Option<String> {
    subject_parts_as(subject, true).1
}

fn subject_parts_as(subject: &str, strict: bool) -> (Option<String>, Option<String>) {
    let s = subject.trim();
    if s.starts_with("Revert \"") || s.starts_with("Revert '") {
        return (None, Some("revert".into()));
    }
    let mut prefix: Vec<&str> = Vec::new();
    let mut rest = s;
    while let Some((head, tail)) = rest.split_once(": ") {
        let head = head.trim();
        if head.is_empty() || head.contains(char::is_whitespace) && !head.contains(',') {
            break;
        }
        prefix.push(head);
        rest = tail;
    }
    // A parenthesised tag (`(meson) make …`, `(bug fix) scan …`) and an
    // adverb (`properly shut down`) come before the verb.
    let mut rest = rest.trim_start();
    while let Some(tag) = rest.strip_prefix('(')
        && let Some(close) = tag.find(')')
    {
        rest = tag[close + 1..].trim_start();
    }
    let verb = rest
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .find(|w| !(is_adverb(w) || strict && NON_LY_ADVERBS.contains(&w.as_str())))
        .filter(|w| {
            !w.is_empty()
                && (!strict
                    || w.chars()
                        .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '\''))
        });
    let sub = if prefix.is_empty() {
        None
    } else {
        Some(prefix.join(": "))
    };
    (sub, verb)
}

/// An `-ly` adverb (`properly`, `only`, `early`), not a verb that ends so
/// (`reply`, `apply`, `rely`).
fn is_adverb(w: &str) -> bool {
    w.len() >= 4 && w.ends_with("ly") && !w.ends_with("ply") && w != "rely"
}

/// Adverbs that do not end in `-ly` (`seccomp: always allow …`).
const NON_LY_ADVERBS: &[&str] = &["always", "never", "also", "just", "still", "again", "even"];

/// Normalised subject used to pair commits across branches. Leading
/// bracketed tags go: a backport is often retitled `[1.1] <subject>`,
/// `[release/1.6] <subject>` or `[PATCH] <subject>`.
pub fn normalize_subject(subject: &str) -> String {
    // Each wording may wrap another (`[1.8] Backport of [1.9] x (#1) (#2)`):
    // until nothing changes, so that a normalised subject stays as it is.
    let mut s = normalize_once(subject);
    loop {
        let again = normalize_once(&s);
        if again == s {
            return s;
        }
        s = again;
    }
}

fn normalize_once(subject: &str) -> String {
    let mut s = subject.trim();
    while let Some(rest) = s.strip_prefix('[') {
        match rest.split_once(']') {
            Some((_, after)) if !after.trim().is_empty() => s = after.trim_start(),
            _ => break,
        }
    }
    let mut s = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    // GitHub's squash merges end a subject with the pull request's number,
    // and a backport pull request adds its own: `fix x (#26920) (#26927)`.
    while let Some(m) = TRAILING_PULL_RE.find(&s) {
        if m.start() == 0 {
            break;
        }
        s.truncate(m.start());
    }
    // HashiCorp's backport assistant: `Backport of <subject> into release/1.8.x`.
    if let Some(rest) = s.strip_prefix("backport of ")
        && !rest.is_empty()
    {
        let rest = INTO_BRANCH_RE.replace(rest, "");
        if !rest.is_empty() {
            s = rest.into_owned();
        }
    }
    s
}

static TRAILING_PULL_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r" \(#\d+\)$").unwrap());
static INTO_BRANCH_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r" into [\w./-]+$").unwrap());

/// True when `s` is 4-40 hex digits.
pub fn is_hex_prefix(s: &str) -> bool {
    (4..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_space_before_a_number_sign_is_no_stack_frame() {
        // U+3000 is a space to `split_whitespace`, not to the line's trim.
        assert!(pull_request_refs("x\n#12 \u{3000}ab (y)\n", &[]).is_empty());
        assert_eq!(pull_request_refs("x\n#12 \u{3000}ab c\n", &[]), [12]);
    }

    #[test]
    fn stack_frames_name_no_pull_request() {
        let msg = "bgpd: fix use after free\n\n    #9 0x7f in __libc_start_main\n    #10 0x55c756c6e384 in _start\n#11  bgp_start (peer=0x0) at bgp_fsm.c:12\nSee #12955 and\n#12956 too.\n";
        assert_eq!(pull_request_refs(msg, &[]), [12955, 12956]);
    }

    #[test]
    fn follow_up_lines_name_commits() {
        assert_eq!(
            follow_up_ids("Follow-up for 1234abcd5678"),
            ["1234abcd5678"]
        );
        assert_eq!(
            follow_up_ids("  Follow-ups for 089bef66316e and ABCDEF01."),
            ["089bef66316e", "abcdef01"]
        );
        assert_eq!(follow_up_ids("followup to e9fa1bf704ad."), ["e9fa1bf704ad"]);
        assert!(follow_up_ids("Follow-up for #31037").is_empty());
        assert!(follow_up_ids("A follow-up for 1234abcd will come").is_empty());
        assert!(follow_up_ids("Follow-up patches for 1234abcd").is_empty());
        let m = parse("core: x\n\nFollow-up for 1234abcd5678\n\nSigned-off-by: A <a@b>");
        assert_eq!(m.follow_ups, ["1234abcd5678"]);
        assert!(m.fixes.is_empty());
    }

    #[test]
    fn an_empty_fixes_line_names_nothing() {
        let m = parse("f: fix\n\nFixes:\nSigned-off-by: A <a@example.org>\n");
        assert!(m.fixes.is_empty());
        assert!(m.fixes_naming_no_commit().is_empty());
        let m = parse("f: fix\n\nFixes: #1234\nFixes: 1234\n");
        assert_eq!(m.fixes_naming_no_commit(), ["#1234", "1234"]);
    }

    #[test]
    fn stable_cc_lines_as_git_grep_finds_them() {
        assert!(has_stable_cc_line("x\n\nCc: stable@dpdk.org\n"));
        assert!(has_stable_cc_line(
            "x\n\ncc: Linux Stable <stable@vger.kernel.org>\n"
        ));
        // git's `^Cc:` anchors at the line's start.
        assert!(!has_stable_cc_line("x\n\n  Cc: stable@dpdk.org\n"));
        assert!(!has_stable_cc_line("x\n\nCc: dev@dpdk.org\nstable\n"));
        assert!(!has_stable_cc_line("é\nC"));
    }

    #[test]
    fn retitled_backports_pair_with_their_mainline_subject() {
        let main = normalize_subject("nsenter: remove  bindfd logic");
        for s in [
            "[1.1] nsenter: remove bindfd logic",
            "[release/1.6] [backport] nsenter: remove bindfd logic",
            "[PATCH] Nsenter: remove bindfd logic ",
        ] {
            assert_eq!(normalize_subject(s), main, "{s}");
        }
        // A subject that is only a tag, or an unclosed one, stays as it is.
        assert_eq!(normalize_subject("[wip]"), "[wip]");
        assert_eq!(normalize_subject("[1.1 nsenter"), "[1.1 nsenter");
    }

    #[test]
    fn commit_ids_named_anywhere_but_not_bug_numbers_or_backport_lines() {
        let msg = "core: fix leak\n\nFollow-up for 1A2b3c4d5e (\"core: add\").\n\
                   See bug 1234567, issue #31245 and deadbeef (a word, no digit).\n\
                   Fixes: 0f1e2d3c4b5a\n\
                   (cherry picked from commit 99aa88bb77cc66dd55ee44ff3322110099aabbcc)\n\
                   Again 1a2b3c4d5e.\n\
                   See https://github.com/o/r/blob/82f00f517972aa/src/c.c#L20 and\n\
                   https://github.com/o/r/tree/7a7a7a7a1/src, but https://github.com/o/r/commit/3c3c3c3c3d.";
        assert_eq!(
            commit_ids(msg),
            vec!["1a2b3c4d5e", "0f1e2d3c4b5a", "3c3c3c3c3d"]
        );
        assert!(commit_ids("").is_empty());
    }

    const SEED: &str = "powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec

The kexec sequence invokes enter_vmx_ops() via copy_page() with the MMU
disabled.

Reported-by: Aboorva Devarajan <aboorvad@linux.ibm.com>
Reviewed-by: Ritesh Harjani (IBM) <ritesh.list@gmail.com>
Tested-by: Aboorva Devarajan <aboorvad@linux.ibm.com>
Fixes: 2ab2d5794f14 (\"powerpc/kasan: Disable address sanitization in kexec paths\")
Cc: stable@vger.kernel.org # 6.1+
Cc: <stable@vger.kernel.org> # 3.3.x: a1f84a3: sched: Check for idle
Signed-off-by: Sourabh Jain <sourabhjain@linux.ibm.com>
Link: https://patch.msgid.link/20260407124349.1698552-2-sourabhjain@linux.ibm.com
";

    #[test]
    fn parses_seed_trailers() {
        let p = parse(SEED);
        assert_eq!(
            p.subject,
            "powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec"
        );
        assert_eq!(p.trailers.len(), 8);
        assert_eq!(p.fixes.len(), 1);
        assert_eq!(p.fixes[0].sha_prefix, "2ab2d5794f14");
        assert_eq!(
            p.fixes[0].subject.as_deref(),
            Some("powerpc/kasan: Disable address sanitization in kexec paths")
        );
        assert_eq!(p.stable_cc.len(), 2);
        assert_eq!(p.stable_cc[0].min_version, Some(vec![6, 1]));
        let pre = p.stable_cc[1].prerequisite.as_ref().unwrap();
        assert_eq!(pre.sha_prefix, "a1f84a3");
        assert_eq!(pre.subject.as_deref(), Some("sched: Check for idle"));
        assert!(p.cc_stable());
        assert!(!p.noautosel());
        assert_eq!(
            subject_parts(&p.subject),
            (Some("powerpc/vmx".into()), Some("avoid".into()))
        );
    }

    #[test]
    fn a_backport_lines_form_and_place_are_kept() {
        let sha = "11b918959cd924fc6ad09d8cae1a86411490218a";
        let dpdk = format!("net/axgbe: fix\n\n[ upstream commit {sha} ]\n\nIn SGMII mode.\n");
        assert_eq!(
            backport_line_template(&dpdk),
            Some(("[ upstream commit {sha} ]".to_string(), false))
        );
        let suricata =
            format!("detect: fix\n\nBody.\n\nTicket: 8770\n(cherry picked from commit {sha})\n");
        assert_eq!(
            backport_line_template(&suricata),
            Some(("(cherry picked from commit {sha})".to_string(), true))
        );
        assert_eq!(backport_line_template("lib: no line\n\nbody"), None);
    }

    #[test]
    fn backport_lines_in_every_form() {
        let sha = "38e989d504fc52900a3786b7144fb53cd67e0389";
        for body in [
            format!("x\n\ncommit {sha} upstream.\n\nbody"),
            format!("x\n\n[ Upstream commit {sha} ]\n\nbody"),
            format!("x\n\n[ upstream commit {sha} ]\n\nbody"),
            format!("x\n\nbody\n\n(cherry picked from commit {sha})"),
            format!("x\n\nbody\n\n(Back-ported from commit {sha})"),
            format!("x\n\nbody\n\n(backported from commit {sha})"),
            format!("x\n\nbody\n\n(cherry picked from commit {sha} linux-next)"),
            format!("x\n\nbody\n\nBackport of {sha} from main."),
            format!("x\n\nbody\n\nPartial backport of {sha} from master"),
            format!("x\n\nCo-authored-by: A <a@b>\nbackport of commit {sha} (#26556)"),
            format!("x\n\nbackport of commit {sha}"),
        ] {
            assert_eq!(parse(&body).backport_of, vec![sha.to_string()], "{body}");
        }
        for no in [
            "x\n\nThe commit abc1234 upstream changed things",
            "x\n\nBackport of the fix from main is pending",
            "x\n\nA backport of 38e989d504fc to 5.0 would need more",
            "x\n\nbackport of commit 38e989d504fc would need more",
        ] {
            assert!(parse(no).backport_of.is_empty(), "{no}");
        }
    }

    #[test]
    fn subjects_compare_without_pull_request_numbers_and_backport_wording() {
        let main = normalize_subject("docs: expand the GC details (#26792)");
        assert_eq!(main, "docs: expand the gc details");
        for backport in [
            "Backport of docs: expand the GC details (#26792) (#26812)",
            "Backport of docs: expand the GC details into release/1.8.x (#26812)",
            "[release/1.7] docs: expand the GC details (#26812)",
            "docs:  expand the GC details",
        ] {
            assert_eq!(normalize_subject(backport), main, "{backport}");
        }
        // A subject that is only a number, or only the wording, stays.
        assert_eq!(normalize_subject("(#123)"), "(#123)");
        assert_eq!(normalize_subject("Backport of"), "backport of");
        assert_eq!(
            normalize_subject("fix (#12) in parser"),
            "fix (#12) in parser"
        );
        for nested in [
            "Backport of Backport of docs: expand the GC details (#1)",
            "[1.8] Backport of [1.9] docs: expand the GC details (#26792) into 1.9 (#2)",
        ] {
            assert_eq!(normalize_subject(nested), main, "{nested}");
        }
    }

    #[test]
    fn fixes_subject_ending_in_parentheses() {
        let f =
            parse_fixes_value("9ad42a052579 (\"tcp: account in tcp_measure_rcv_mss()\")").unwrap();
        assert_eq!(
            f.subject.as_deref(),
            Some("tcp: account in tcp_measure_rcv_mss()")
        );
        let f = parse_fixes_value("9ad42a052579 (\"tcp: wrapped subject").unwrap();
        assert_eq!(f.subject.as_deref(), Some("tcp: wrapped subject"));
    }

    #[test]
    fn the_verb_comes_after_tags_and_adverbs() {
        for (subject, verb) in [
            ("build-sys: (meson) make dlopen optional", "make"),
            ("lsfd: (bug fix) scan the fd table", "scan"),
            ("*: properly shutdown non-groupable shims", "shutdown"),
            ("net: fix the apply path", "fix"),
            ("net: reply to pings", "reply"),
            ("net: apply the mask", "apply"),
            ("net: only allow root", "allow"),
            ("net: (unclosed tag", "unclosed"),
        ] {
            assert_eq!(subject_parts(subject).1.as_deref(), Some(verb), "{subject}");
            assert_eq!(subject_verb(subject).as_deref(), Some(verb), "{subject}");
        }
        assert_eq!(
            subject_verb("seccomp: always allow name_to_handle_at").as_deref(),
            Some("allow")
        );
        assert_eq!(subject_verb("net: don't drop it").as_deref(), Some("don't"));
        assert_eq!(subject_verb("vendor: go.etcd.io/bbolt v1.3.9"), None);
    }

    #[test]
    fn pull_requests_of_subjects_and_in_messages() {
        assert_eq!(
            pull_request_of_subject("Fix sort_ro keys (#12522)"),
            Some(12522)
        );
        assert_eq!(
            pull_request_of_subject("Merge pull request #30425 from a/fix"),
            Some(30425)
        );
        for no in [
            "Fix sort (see #12)",
            "Fix (#)",
            "Fix (#12a)",
            "plain",
            "(#99999999)",
        ] {
            assert_eq!(pull_request_of_subject(no), None, "{no}");
        }
        let m = "Fix crash due to merge (#13040)\n\nIntroduced by #12955, see also\nhttps://github.com/o/r/pull/12800 and issue #7.\nNot o/r#555, &#1234; or #12abc.\nPorted from https://github.com/fork/r/pull/258, bumps\nhttps://github.com/actions/cache/pull/1234.";
        let own = vec!["o/r".to_string()];
        assert_eq!(pull_request_refs(m, &own), vec![13040, 12955, 12800]);
        // With no known repository, only the bare numbers count.
        assert_eq!(pull_request_refs(m, &[]), vec![13040, 12955]);
        assert_eq!(
            github_repos_of_urls([
                "https://github.com/O/R.git",
                "git@github.com:o/r",
                "https://github.com/fork/r/",
                "https://gitlab.com/o/r.git",
                "/srv/mirror/r",
            ]),
            vec!["o/r".to_string(), "fork/r".to_string()]
        );
    }

    #[test]
    fn fixes_subject_in_single_quotes_or_bare_parentheses() {
        let f = parse_fixes_value("6e30e37ebe78 ('test: disable vlan_xgress unit test')").unwrap();
        assert_eq!(f.sha_prefix, "6e30e37ebe78");
        assert_eq!(
            f.subject.as_deref(),
            Some("test: disable vlan_xgress unit test")
        );
        // An apostrophe inside a double-quoted subject stays in it.
        let f = parse_fixes_value("6e30e37ebe78 (\"core: don't leak it\")").unwrap();
        assert_eq!(f.subject.as_deref(), Some("core: don't leak it"));
        let f = parse_fixes_value("6e30e37ebe78 (core: fix the (old) parser)").unwrap();
        assert_eq!(f.subject.as_deref(), Some("core: fix the (old) parser"));
        let f = parse_fixes_value("6e30e37ebe78").unwrap();
        assert_eq!(f.subject, None);
    }

    #[test]
    fn revert_and_noautosel() {
        let p = parse(
            "Revert \"net: fix foo\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n\nCc: stable+noautosel@kernel.org # breaks boot\n",
        );
        assert!(p.is_revert());
        assert_eq!(p.reverts, vec!["0123456789abcdef0123456789abcdef01234567"]);
        assert!(p.noautosel());
        assert!(!p.cc_stable());
        assert_eq!(subject_parts(&p.subject).1.as_deref(), Some("revert"));
    }

    #[test]
    fn quoted_and_indented_lines_are_not_trailers() {
        let p = parse(
            "s\n\n> Reviewed-by: A <a@b>\n    Fixes: 123456789abc (\"x\")\nSigned-off-by: B <b@c>\n",
        );
        assert_eq!(p.trailers.len(), 1);
        assert!(p.fixes.is_empty());
    }

    #[test]
    fn dpdk_style() {
        let p = parse(
            "net/mlx5: fix crash on port close\n\nFixes: 1234567890ab (\"net/mlx5: add port\")\nCc: stable@dpdk.org\n\nSigned-off-by: X <x@y>\n",
        );
        assert_eq!(
            subject_parts(&p.subject),
            (Some("net/mlx5".into()), Some("fix".into()))
        );
        assert!(p.cc_stable());
        assert_eq!(p.stable_cc[0].min_version, None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in ".*") {
            let p = parse(&s);
            let _ = subject_parts(&p.subject);
        }
        #[test]
        fn never_panics_on_trailer_soup(lines in proptest::collection::vec("(Fixes|Cc|Link|Signed-off-by): [ -~]{0,60}", 0..8)) {
            let msg = format!("s\n\n{}", lines.join("\n"));
            let _ = parse(&msg);
        }
    }
}
