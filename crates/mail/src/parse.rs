//! One raw RFC 5322 message in, one [`Message`] out.
//!
//! MIME decoding (multipart, RFC 2047/2231 encoded words, charsets,
//! quoted-printable, base64) is done by `mail-parser`: it is zero-copy, does
//! not panic on malformed input, and covers the charsets mail archives use.
//! What it leaves to us, and what this module adds: format=flowed joining,
//! lenient dates, address de-obfuscation, and stable synthetic Message-IDs.

use crate::sha1::content_hash;
use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};

/// A parsed message, owning everything the store keeps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// True when the message had no usable Message-ID and one was made up
    /// from the content hash (stable across re-imports).
    pub synthetic_id: bool,
    pub subject: String,
    pub from_name: String,
    pub from_email: String,
    /// Seconds since the Unix epoch, UTC.
    pub date: Option<i64>,
    pub in_reply_to: Option<String>,
    /// References, oldest first (In-Reply-To is not merged in).
    pub references: Vec<String>,
    /// The decoded plain-text body (inline patches included).
    pub body: String,
    /// Hash of the raw message bytes; with the Message-ID it keys the store.
    pub hash: i64,
}

impl Message {
    /// "Name <email>" or whichever half is known.
    pub fn author(&self) -> String {
        match (self.from_name.is_empty(), self.from_email.is_empty()) {
            (false, false) => format!("{} <{}>", self.from_name, self.from_email),
            (false, true) => self.from_name.clone(),
            (true, false) => self.from_email.clone(),
            (true, true) => String::new(),
        }
    }

    /// Parent candidates, nearest last: References then In-Reply-To.
    pub fn parent_chain(&self) -> Vec<String> {
        let mut v = self.references.clone();
        if let Some(irt) = &self.in_reply_to
            && v.last() != Some(irt)
        {
            v.retain(|r| r != irt);
            v.push(irt.clone());
        }
        v
    }
}

/// Upper bound on one message; bigger ones are skipped (and counted) so a
/// corrupt archive cannot exhaust memory.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// Parses one message. `fallback_date` (e.g. from an mbox `From ` line) is
/// used when the Date header is missing or unparseable. Returns `None` only
/// for input with no content at all.
pub fn parse_message(raw: &[u8], fallback_date: Option<i64>) -> Option<Message> {
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let hash = content_hash(raw);
    let mut m = Message {
        hash,
        ..Default::default()
    };
    let Some(parsed) = MessageParser::new().parse(raw) else {
        m.message_id = synthetic_id(hash);
        m.synthetic_id = true;
        m.body = String::from_utf8_lossy(raw).into_owned();
        return Some(m);
    };
    m.subject = collapse_ws(parsed.subject().unwrap_or(""));
    if let Some(addr) = parsed.from().and_then(|a| a.first()) {
        m.from_name = collapse_ws(addr.name().unwrap_or(""))
            .trim_matches('"')
            .to_string();
        m.from_email = deobfuscate(addr.address().unwrap_or("").trim()).to_ascii_lowercase();
        if m.from_email.is_empty() && m.from_name.contains(" at ") {
            // pipermail "user at host (Name)" that the address parser did not split
            m.from_email = deobfuscate(&m.from_name).to_ascii_lowercase();
            m.from_name.clear();
        }
    }
    m.date = parsed
        .date()
        .map(|d| d.to_timestamp())
        .filter(|t| plausible_time(*t))
        .or_else(|| parsed.header_raw("Date").and_then(parse_date_lenient))
        .or(fallback_date);
    match parsed.message_id().map(clean_id).filter(|s| valid_id(s)) {
        Some(id) => m.message_id = id,
        None => {
            m.message_id = synthetic_id(hash);
            m.synthetic_id = true;
        }
    }
    m.in_reply_to = ids_of(parsed.in_reply_to())
        .into_iter()
        .next_back()
        .filter(|id| *id != m.message_id);
    m.references = ids_of(parsed.references());
    m.references.retain(|r| *r != m.message_id);
    m.body = body_text(&parsed);
    Some(m)
}

/// True when the body opens with quoted text: a reply, whatever its
/// subject says (pipermail pages and some clients drop the `Re:`).
pub fn body_opens_with_quote(body: &str) -> bool {
    body.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with('>'))
}

/// A stable made-up id for a message that has none.
pub fn synthetic_id(hash: i64) -> String {
    format!("{:016x}@synthetic.stablepick", hash as u64)
}

fn plausible_time(t: i64) -> bool {
    // 1975..2100: anything else is a broken Date header, not a real time.
    (157_766_400..4_102_444_800).contains(&t)
}

fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.len() < 1000 && !s.contains(char::is_whitespace)
}

/// Strips angle brackets and whitespace from a message id.
pub fn clean_id(s: &str) -> String {
    s.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

fn ids_of(v: &HeaderValue) -> Vec<String> {
    let raw: Vec<String> = match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for r in raw {
        // Some clients put several ids (or prose) into one value.
        for tok in r.split(|c: char| c.is_whitespace() || c == ',') {
            let id = clean_id(tok);
            if valid_id(&id) && id.contains('@') && !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

fn body_text(parsed: &mail_parser::Message) -> String {
    let mut out = String::new();
    let mut seen_text = false;
    for part in parsed.parts.iter() {
        let (is_patch_attachment, text) = match &part.body {
            PartType::Text(t) => {
                let ct = part.content_type();
                let sub = ct
                    .and_then(|c| c.subtype())
                    .unwrap_or("plain")
                    .to_ascii_lowercase();
                let patchy = sub.contains("patch") || sub.contains("diff");
                if seen_text && !patchy && sub != "plain" {
                    continue;
                }
                let flowed = ct
                    .and_then(|c| c.attribute("format"))
                    .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
                let delsp = ct
                    .and_then(|c| c.attribute("delsp"))
                    .is_some_and(|f| f.eq_ignore_ascii_case("yes"));
                let t = if flowed {
                    unflow(t, delsp)
                } else {
                    t.to_string()
                };
                (patchy, t)
            }
            PartType::Html(_) if !seen_text => continue,
            _ => continue,
        };
        if seen_text
            && !is_patch_attachment
            && part
                .content_disposition()
                .is_some_and(|d| d.is_attachment())
        {
            continue;
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&text);
        seen_text = true;
    }
    if !seen_text {
        // HTML-only mail: keep something searchable rather than nothing.
        if let Some(t) = parsed.body_text(0) {
            out.push_str(&t);
        }
    }
    if out.contains('\r') {
        out = out.replace("\r\n", "\n");
    }
    out
}

/// RFC 3676 format=flowed: a line ending in a space continues on the next
/// one (quote depth must match); `delsp=yes` drops that space.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<(usize, String)> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let mut content = &line[depth..];
        if let Some(rest) = content.strip_prefix(' ') {
            content = rest; // space-stuffing
        }
        let is_sig = content == "-- ";
        let flowed = content.ends_with(' ') && !is_sig;
        let mut piece = content.to_string();
        if flowed && delsp {
            piece.pop();
        }
        match pending.take() {
            Some((d, mut acc)) if d == depth => {
                acc.push_str(&piece);
                if flowed {
                    pending = Some((d, acc));
                } else {
                    emit(&mut out, d, &acc);
                }
            }
            prev => {
                if let Some((d, acc)) = prev {
                    emit(&mut out, d, &acc);
                }
                if flowed {
                    pending = Some((depth, piece));
                } else {
                    emit(&mut out, depth, &piece);
                }
            }
        }
    }
    if let Some((d, acc)) = pending {
        emit(&mut out, d, &acc);
    }
    if out.ends_with('\n') && !text.ends_with('\n') {
        out.pop();
    }
    out
}

fn emit(out: &mut String, depth: usize, s: &str) {
    for _ in 0..depth {
        out.push('>');
    }
    if depth > 0 && !s.is_empty() {
        out.push(' ');
    }
    out.push_str(s);
    out.push('\n');
}

/// Collapses runs of whitespace (folded headers) into single spaces.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// `user at host` (pipermail) → `user@host`; leaves real addresses alone.
pub fn deobfuscate(s: &str) -> String {
    let s = s.trim();
    if s.contains('@') {
        return s.to_string();
    }
    let s = s.split('(').next().unwrap_or(s).trim();
    match s.split_once(" at ") {
        Some((u, h)) if !u.trim().is_empty() && !h.trim().is_empty() => {
            format!("{}@{}", u.trim(), h.trim())
        }
        _ => s.to_string(),
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

pub use stablepick_civil::days_from_civil;

/// A forgiving date reader for headers mail-parser rejects and for mbox
/// `From ` lines: finds day, month name, year, hh:mm[:ss] and an optional
/// numeric or named zone in any order.
pub fn parse_date_lenient(s: &str) -> Option<i64> {
    let (mut day, mut month, mut year) = (None, None, None);
    let (mut hms, mut tz) = (None, 0i64);
    for tok in s.split(|c: char| c.is_whitespace() || c == ',') {
        if tok.is_empty() {
            continue;
        }
        let lower = tok.to_ascii_lowercase();
        if month.is_none()
            && lower.len() >= 3
            && let Some(i) = MONTHS.iter().position(|m| lower.starts_with(m))
        {
            month = Some(i as u32 + 1);
            continue;
        }
        if tok.contains(':') && hms.is_none() {
            let parts: Vec<i64> = tok.split(':').filter_map(|p| p.parse().ok()).collect();
            if parts.len() >= 2 && parts[0] < 24 && parts[1] < 60 {
                hms = Some(parts[0] * 3600 + parts[1] * 60 + parts.get(2).copied().unwrap_or(0));
            }
            continue;
        }
        if (tok.starts_with('+') || tok.starts_with('-')) && tok.len() == 5 {
            if let Ok(v) = tok[1..].parse::<i64>() {
                let off = (v / 100) * 3600 + (v % 100) * 60;
                tz = if tok.starts_with('-') { -off } else { off };
            }
            continue;
        }
        if let Ok(n) = tok.parse::<i64>() {
            if tok.len() == 4 && year.is_none() {
                year = Some(n);
            } else if (1..=31).contains(&n) && day.is_none() {
                day = Some(n as u32);
            } else if tok.len() == 2 && year.is_none() {
                year = Some(if n < 70 { 2000 + n } else { 1900 + n });
            }
            continue;
        }
        tz = match lower.as_str() {
            "est" => -5 * 3600,
            "edt" => -4 * 3600,
            "cst" => -6 * 3600,
            "cdt" => -5 * 3600,
            "mst" => -7 * 3600,
            "mdt" => -6 * 3600,
            "pst" => -8 * 3600,
            "pdt" => -7 * 3600,
            "cet" => 3600,
            "cest" => 2 * 3600,
            "aedt" => 11 * 3600,
            "aest" => 10 * 3600,
            _ => tz,
        };
    }
    let (d, m, y) = (day?, month?, year?);
    let t = days_from_civil(y, m, d) * 86_400 + hms.unwrap_or(0) - tz;
    plausible_time(t).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_encoded_words_and_folding() {
        let raw = b"From: =?UTF-8?Q?J=C3=B6rg_R=C3=B6del?= <Joro@8bytes.org>\r\n\
Subject: =?iso-8859-1?q?R=E9sum=E9?=\r\n  of the\r\n\tpatch\r\n\
Message-ID: <abc@x>\r\nIn-Reply-To: <p@x>\r\nReferences: <r1@x>\r\n <p@x>\r\n\
Date: Tue, 21 Nov 2023 12:23:57 +1100\r\n\r\nhello\r\n";
        let m = parse_message(raw, None).unwrap();
        assert_eq!(m.from_name, "Jörg Rödel");
        assert_eq!(m.from_email, "joro@8bytes.org");
        assert_eq!(m.subject, "Résumé of the patch");
        assert_eq!(m.message_id, "abc@x");
        assert_eq!(m.in_reply_to.as_deref(), Some("p@x"));
        assert_eq!(m.references, vec!["r1@x", "p@x"]);
        assert_eq!(m.date, Some(1_700_529_837));
        assert_eq!(m.body.trim(), "hello");
    }

    #[test]
    fn rfc2231_and_multipart_base64_qp() {
        let raw = b"From: a@b\nMessage-ID: <m@b>\nSubject: x\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\n\
Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
caf=E9 soft=\nbreak\n--XX\nContent-Type: text/x-patch; name*=utf-8''fix%20it.patch\n\
Content-Disposition: attachment; filename*=utf-8''fix%20it.patch\n\
Content-Transfer-Encoding: base64\n\nZGlmZiAtLWdpdCBhL3ggYi94Cg==\n--XX--\n";
        let m = parse_message(raw, None).unwrap();
        assert!(m.body.contains("café softbreak"), "{:?}", m.body);
        assert!(m.body.contains("diff --git a/x b/x"), "{:?}", m.body);
    }

    #[test]
    fn flowed_text_is_joined() {
        let raw = b"From: a@b\nMessage-ID: <f@b>\nContent-Type: text/plain; format=flowed\n\n\
This is a long \nline that flows.\n> quoted \n> more\nplain\n";
        let m = parse_message(raw, None).unwrap();
        assert!(
            m.body.contains("This is a long line that flows.\n"),
            "{:?}",
            m.body
        );
        assert!(m.body.contains("> quoted more\n"), "{:?}", m.body);
    }

    #[test]
    fn broken_dates_and_missing_ids() {
        let raw = b"From: x@y\nDate: 32 Foo 99999 junk\nSubject: s\n\nbody\n";
        let m = parse_message(raw, Some(1_000_000_000)).unwrap();
        assert_eq!(m.date, Some(1_000_000_000));
        assert!(m.synthetic_id);
        let again = parse_message(raw, None).unwrap();
        assert_eq!(m.message_id, again.message_id, "synthetic ids are stable");
        let other = parse_message(b"From: x@y\nSubject: t\n\nbody\n", None).unwrap();
        assert_ne!(m.message_id, other.message_id);
        // A date the strict parser rejects but a human reads fine.
        assert_eq!(
            parse_date_lenient("Tue Nov 21 12:23:57 2023"),
            Some(1_700_569_437)
        );
        assert_eq!(
            parse_date_lenient("21 Nov 2023 12:23:57 AEDT"),
            Some(1_700_529_837)
        );
    }

    #[test]
    fn deobfuscates_pipermail() {
        assert_eq!(
            deobfuscate("tpearson at raptorengineering.com"),
            "tpearson@raptorengineering.com"
        );
        assert_eq!(deobfuscate("a@b.c"), "a@b.c");
    }

    #[test]
    fn garbage_does_not_panic() {
        for raw in [
            &b"\xff\xfe\x00"[..],
            b":",
            b"\n\n\n",
            b"From: \n\n",
            b"Content-Type: multipart/mixed; boundary=\n\n--\n",
        ] {
            let _ = parse_message(raw, None);
        }
    }
}
