//! Patch subjects in b4's vocabulary: `Re: [RFC PATCH net-next v3 2/5] foo: bar`
//! → reply flag, prefixes, revision, counter/expected, and the bare subject.

/// A subject split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subject {
    pub is_reply: bool,
    pub is_patch: bool,
    pub is_rfc: bool,
    pub is_resend: bool,
    /// Revision (1 when no `vN` tag).
    pub revision: u32,
    /// Position in the series (0 = cover letter).
    pub counter: u32,
    /// Series size (0 when the subject has no `N/M`).
    pub expected: u32,
    /// Other bracket tokens: `net`, `6.1`, `bpf-next`, list tags.
    pub prefixes: Vec<String>,
    /// The subject with all of the above removed.
    pub subject: String,
}

impl Subject {
    /// True for the `00/N` message of a series.
    pub fn is_cover(&self) -> bool {
        self.is_patch && self.counter == 0 && self.expected > 0 && !self.is_reply
    }
}

fn strip_reply(s: &str) -> Option<&str> {
    let t = s.trim_start();
    for p in ["re:", "aw:", "sv:", "fwd:", "fw:", "re :"] {
        if t.len() >= p.len() && t.is_char_boundary(p.len()) && t[..p.len()].eq_ignore_ascii_case(p)
        {
            return Some(&t[p.len()..]);
        }
    }
    None
}

fn parse_revision(tok: &str) -> Option<u32> {
    let t = tok.strip_prefix('v').or_else(|| tok.strip_prefix('V'))?;
    if t.is_empty() || t.len() > 4 {
        return None;
    }
    t.parse().ok()
}

/// Parses a subject line.
pub fn parse_subject(raw: &str) -> Subject {
    let mut s = Subject {
        revision: 1,
        ..Default::default()
    };
    let mut rest = raw.trim();
    loop {
        if let Some(r) = strip_reply(rest) {
            s.is_reply = true;
            rest = r.trim_start();
            continue;
        }
        if rest.starts_with('[')
            && let Some(end) = rest.find(']')
        {
            let inner = &rest[1..end];
            rest = rest[end + 1..].trim_start();
            bracket_tokens(inner, &mut s);
            continue;
        }
        break;
    }
    s.subject = crate::parse::collapse_ws(rest);
    s
}

fn bracket_tokens(inner: &str, s: &mut Subject) {
    for tok in inner.split(|c: char| c.is_whitespace() || c == ',') {
        if tok.is_empty() {
            continue;
        }
        let upper = tok.to_ascii_uppercase();
        if upper == "PATCH" || upper == "PATCHES" {
            s.is_patch = true;
        } else if let Some(v) = upper
            .strip_prefix("PATCH")
            .map(|r| r.trim_start_matches('-'))
            .and_then(parse_revision)
        {
            s.is_patch = true;
            s.revision = v;
        } else if upper == "RFC" || upper.starts_with("RFC-") {
            s.is_rfc = true;
            s.is_patch = true;
        } else if upper == "RESEND" {
            s.is_resend = true;
        } else if let Some(v) = parse_revision(tok) {
            s.revision = v;
        } else if let Some((a, b)) = tok.split_once('/')
            && let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>())
            && a <= b
        {
            s.counter = a;
            s.expected = b;
        } else {
            s.prefixes.push(tok.to_string());
        }
    }
}

/// The key that matches a patch across revisions and replies: the bare
/// subject, lower-cased, whitespace collapsed.
pub fn subject_key(raw: &str) -> String {
    parse_subject(raw).subject.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_b4_subjects() {
        let s = parse_subject("[PATCH v3 2/5] mm: fix it");
        assert!(s.is_patch && !s.is_reply);
        assert_eq!((s.revision, s.counter, s.expected), (3, 2, 5));
        assert_eq!(s.subject, "mm: fix it");

        let s = parse_subject("Re: [RFC PATCH net-next v2 0/3] net: thing");
        assert!(s.is_reply && s.is_rfc);
        assert_eq!(s.prefixes, vec!["net-next"]);
        assert_eq!((s.revision, s.counter, s.expected), (2, 0, 3));
        assert!(!s.is_cover());

        let s = parse_subject("[PATCHv2 00/10] vfio/mdev: Improve vfio/mdev core module");
        assert_eq!((s.revision, s.counter, s.expected), (2, 0, 10));
        assert!(s.is_cover());

        let s = parse_subject("[PATCH net] tcp: x");
        assert_eq!((s.revision, s.counter, s.expected), (1, 0, 0));
        assert_eq!(s.prefixes, vec!["net"]);
        assert!(!s.is_cover());

        let s = parse_subject("[linux-next] RE: [PATCH 6.1 12/50] y");
        assert!(s.is_reply);
        assert_eq!(s.prefixes, vec!["linux-next", "6.1"]);
        assert_eq!(s.counter, 12);
        assert_eq!(subject_key("Re: [PATCH v9 1/2]  Foo   Bar"), "foo bar");
    }

    #[test]
    fn odd_subjects_do_not_panic() {
        for s in [
            "[",
            "]",
            "[]",
            "Re:",
            "[PATCH 5/3] x",
            "[v99999999999]",
            "ré: [é]",
        ] {
            let _ = parse_subject(s);
        }
        assert_eq!(parse_subject("[PATCH 5/3] x").counter, 0);
    }
}
