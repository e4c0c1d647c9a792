//! Trailers (`Reviewed-by: Name <addr>`) and the review signals in replies:
//! stable nominations and objections. Quoted lines (`>`) never count: they are
//! someone else's words.

use crate::patch::split_patch;
use std::fmt;

/// One `Name: value` trailer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Trailer {
    pub name: String,
    pub value: String,
}

impl fmt::Display for Trailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.value)
    }
}

impl Trailer {
    /// Person trailers (`*-by`) are the ones b4 collects from follow-ups.
    pub fn is_person(&self) -> bool {
        self.name.to_ascii_lowercase().ends_with("-by")
    }
}

const OTHER_TRAILERS: [&str; 8] = [
    "cc",
    "fixes",
    "link",
    "closes",
    "buglink",
    "change-id",
    "message-id",
    "bug",
];

/// Parses a `Name: value` trailer line (canonicalising the name's case).
pub fn parse_trailer(line: &str) -> Option<Trailer> {
    let line = line.trim_end();
    if line.starts_with(char::is_whitespace) || line.starts_with('>') {
        return None;
    }
    let (name, value) = line.split_once(':')?;
    let value = value.trim();
    if value.is_empty() || name.is_empty() || name.len() > 40 {
        return None;
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if !(lower.ends_with("-by") || OTHER_TRAILERS.contains(&lower.as_str())) {
        return None;
    }
    Some(Trailer {
        name: canonical_name(name),
        value: value.to_string(),
    })
}

fn canonical_name(name: &str) -> String {
    // "reviewed-BY" → "Reviewed-by": first letter upper, rest as is but `-by`.
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "cc" => return "Cc".into(),
        "buglink" => return "BugLink".into(),
        "change-id" => return "Change-Id".into(),
        "message-id" => return "Message-ID".into(),
        _ => {}
    }
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// The trailers a patch carries itself (in its commit message).
pub fn own_trailers(body: &str) -> Vec<Trailer> {
    let parts = split_patch(body);
    parts.message.lines().filter_map(parse_trailer).collect()
}

/// Unquoted lines of a reply, stopping at the signature and at any diff.
pub fn unquoted_lines(body: &str) -> impl Iterator<Item = &str> {
    body.lines()
        .take_while(|l| *l != "-- " && !l.starts_with("diff --git "))
        .filter(|l| !l.trim_start().starts_with('>') && !l.starts_with('|'))
}

/// Person trailers given in a reply (b4 semantics: only unquoted lines).
pub fn followup_trailers(body: &str) -> Vec<Trailer> {
    let mut out: Vec<Trailer> = Vec::new();
    for t in unquoted_lines(body).filter_map(parse_trailer) {
        if (t.is_person() || t.name == "Fixes") && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Does the (lower-cased) line say the change is not for stable: "not
/// for stable", "no need to backport", "shouldn't be backported"?
fn refuses_stable(l: &str) -> bool {
    const PHRASES: &[&str] = &[
        "not for stable",
        "not a stable candidate",
        "not a candidate for stable",
        "not stable material",
        "not -stable material",
        "no need for stable",
        "no need to backport",
        "no need for a backport",
        "not worth backporting",
        "don't backport",
        "do not backport",
        "don't think this should be backported",
        "shouldn't be backported",
        "should not be backported",
        "shouldn't go to stable",
        "should not go to stable",
        "shouldn't go into stable",
        "should not go into stable",
        "drop the cc: stable",
        "drop the stable cc",
        "remove the cc: stable",
        "remove the stable cc",
        "without cc: stable",
        "no cc: stable",
        "no cc stable",
        "stable+noautosel",
    ];
    PHRASES.iter().any(|p| l.contains(p))
}

/// Lines of a reply saying the change is not for stable.
pub fn stable_refusals(body: &str) -> Vec<String> {
    unquoted_lines(body)
        .filter(|line| refuses_stable(&line.to_ascii_lowercase()))
        .map(|line| line.trim().to_string())
        .collect()
}

/// Lines of a reply asking for the change to go to stable (a line that
/// refuses it, "not for stable", is not one: see [`stable_refusals`]).
pub fn stable_nominations(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in unquoted_lines(body) {
        let l = line.to_ascii_lowercase();
        if refuses_stable(&l) {
            continue;
        }
        let cc_stable = l.starts_with("cc:") && l.contains("stable");
        let phrases = [
            "should go to stable",
            "should go into stable",
            "should be backported",
            "please backport",
            "backport to stable",
            "backported to stable",
            "candidate for stable",
            "stable candidate",
            "for stable",
            "to -stable",
            "stable material",
            "cc stable",
            "cc: stable",
            "add stable",
            "stable@vger.kernel.org",
            "stable@dpdk.org",
        ];
        if cc_stable || phrases.iter().any(|p| l.contains(p)) {
            out.push(line.trim().to_string());
        }
    }
    out
}

/// Lines of a reply objecting to the change.
pub fn objections(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in unquoted_lines(body) {
        let t = line.trim();
        let l = t.to_ascii_lowercase();
        let nak = t.starts_with("NAK")
            || t.starts_with("NACK")
            || l.starts_with("nacked-by:")
            || t.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == "NAK" || w == "NACK");
        let phrases = [
            "this is wrong",
            "this patch is wrong",
            "please don't apply",
            "please do not apply",
            "don't apply this",
            "do not apply this",
            "please drop this",
            "please revert",
            "this breaks",
            "this is broken",
            "not the right fix",
        ];
        if nak || phrases.iter().any(|p| l.contains(p)) {
            out.push(t.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_trailers_stop_at_separator() {
        let body = "Fix.\n\nFixes: 0123456789ab (\"x\")\nCc: stable@vger.kernel.org # 6.1+\nSigned-off-by: A <a@b>\n---\nReviewed-by: Not Me <n@m>\ndiff --git a/x b/x\n";
        let t: Vec<String> = own_trailers(body).iter().map(|t| t.to_string()).collect();
        assert_eq!(
            t,
            vec![
                "Fixes: 0123456789ab (\"x\")",
                "Cc: stable@vger.kernel.org # 6.1+",
                "Signed-off-by: A <a@b>"
            ]
        );
    }

    #[test]
    fn followups_ignore_quotes_and_prose() {
        let body = "> Reviewed-by: Quoted <q@q>\n>> Acked-by: Deep <d@d>\nLooks good.\n\nreviewed-by: Real Person <r@p>\nTested-by: T <t@t>\nNote: not a trailer\n-- \nSigned-off-by: sig <s@s>\n";
        let t: Vec<String> = followup_trailers(body)
            .iter()
            .map(|t| t.to_string())
            .collect();
        assert_eq!(
            t,
            vec!["Reviewed-by: Real Person <r@p>", "Tested-by: T <t@t>"]
        );
    }

    #[test]
    fn nominations_and_objections() {
        let body = "> please backport (quoted, ignored)\nThis should go to stable.\nCc: <stable@vger.kernel.org>\n";
        assert_eq!(
            stable_nominations(body),
            vec!["This should go to stable.", "Cc: <stable@vger.kernel.org>"]
        );
        assert!(stable_nominations("> Cc: stable@vger.kernel.org\nThanks\n").is_empty());
    }

    #[test]
    fn refusals_are_not_nominations() {
        let body = "> This should go to stable.\nI don't think so: this is not for stable,\nthe feature is new in 6.8. No need to backport.\nThanks\n";
        assert!(
            stable_nominations(body).is_empty(),
            "{:?}",
            stable_nominations(body)
        );
        assert_eq!(
            stable_refusals(body),
            vec![
                "I don't think so: this is not for stable,",
                "the feature is new in 6.8. No need to backport."
            ]
        );
        assert!(stable_refusals("> not for stable\nPlease backport.\n").is_empty());
        assert_eq!(
            stable_nominations("Please backport.\n"),
            vec!["Please backport."]
        );
        let body = "> this is wrong\nNAK.\nNacked-by: X <x@y>\nSnake case is fine\n";
        assert_eq!(objections(body), vec!["NAK.", "Nacked-by: X <x@y>"]);
        assert!(objections("> NAK\nLooks fine to me\n").is_empty());
    }
}
