//! Pipermail (Mailman 2) archives.
//!
//! Two shapes are read: the monthly `.txt`/`.txt.gz` archive (an mbox whose
//! addresses read `user at host`, often without In-Reply-To), and a single
//! message as the web page renders it (subject, `Name user at host`, date,
//! body). Headers being unreliable, threading is rebuilt from subjects and
//! quotes: a reply is hung under the earlier message of the same subject
//! whose text its `>` lines quote, else under the one that started the
//! subject.

use crate::mbox::{MboxFlavor, MboxReader};
use crate::parse::{Message, collapse_ws, parse_date_lenient, parse_message};
use crate::subject::parse_subject;
use crate::thread::thread_subject;
use std::io::BufRead;

/// True if the first line is a pipermail `From user at host  date` line.
pub fn is_pipermail_mbox(first_line: &str) -> bool {
    first_line.starts_with("From ")
        && first_line.split_whitespace().nth(2) == Some("at")
        && !first_line.contains('@')
}

/// True if the text looks like one rendered pipermail message.
pub fn is_pipermail_page(head: &str) -> bool {
    let lines: Vec<&str> = head.lines().take(6).collect();
    lines.len() >= 4
        && !looks_like_header(lines[0])
        && lines[1].trim().is_empty()
        && lines[2].contains(" at ")
        && parse_date_lenient(lines[3]).is_some()
}

fn looks_like_header(line: &str) -> bool {
    line.split_once(':').is_some_and(|(n, _)| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// `From: user at host (Name)` → `From: Name <user@host>`.
fn fix_from_header(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + 8);
    let mut in_headers = true;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if in_headers && (line == b"\n" || line == b"\r\n") {
            in_headers = false;
        }
        if in_headers && line.starts_with(b"From:") {
            let s = String::from_utf8_lossy(&line[5..]);
            let s = s.trim();
            if !s.contains('@') && s.contains(" at ") {
                let (addr, name) = match s.split_once('(') {
                    Some((a, n)) => (a.trim(), n.trim_end_matches(')').trim()),
                    None => (s, ""),
                };
                let addr = crate::parse::deobfuscate(addr);
                out.extend_from_slice(format!("From: \"{name}\" <{addr}>\n").as_bytes());
                continue;
            }
        }
        out.extend_from_slice(line);
    }
    out
}

/// Reads a monthly text archive; replies get parents from subjects/quotes.
pub fn read_archive(reader: impl BufRead) -> (Vec<Message>, usize) {
    let mut msgs = Vec::new();
    let mut skipped = 0;
    for raw in MboxReader::new(reader, MboxFlavor::O) {
        let Ok(raw) = raw else {
            skipped += 1;
            continue;
        };
        let date = parse_date_lenient(&raw.from_line);
        match parse_message(&fix_from_header(&raw.bytes), date) {
            Some(m) => msgs.push(m),
            None => skipped += 1,
        }
    }
    infer_parents(&mut msgs);
    (msgs, skipped)
}

/// Reads one rendered message (the web page's text).
pub fn read_page(text: &str) -> Option<Message> {
    let mut lines = text.lines();
    let subject = collapse_ws(lines.next()?);
    lines.next();
    let author = lines.next()?.trim();
    let date = lines.next().and_then(parse_date_lenient);
    let body: Vec<&str> = lines.collect();
    let body = body.join("\n").trim_start_matches('\n').to_string() + "\n";
    let words: Vec<&str> = author.split_whitespace().collect();
    let at = words.iter().rposition(|w| *w == "at")?;
    if at == 0 || at + 1 >= words.len() {
        return None;
    }
    let email = format!("{}@{}", words[at - 1], words[at + 1]).to_ascii_lowercase();
    let name = words[..at - 1].join(" ");
    let hash = crate::sha1::content_hash(text.as_bytes());
    Some(Message {
        message_id: crate::parse::synthetic_id(hash),
        synthetic_id: true,
        subject,
        from_name: name,
        from_email: email,
        date,
        in_reply_to: None,
        references: Vec::new(),
        body,
        hash,
    })
}

/// Gives each header-less reply an In-Reply-To: the earlier same-subject
/// message its quotes come from, else the subject's first message.
pub fn infer_parents(msgs: &mut [Message]) {
    for i in 0..msgs.len() {
        if msgs[i].in_reply_to.is_some() || !msgs[i].references.is_empty() {
            continue;
        }
        let subj = thread_subject(&msgs[i].subject);
        let is_reply = parse_subject(&msgs[i].subject).is_reply;
        let quotes: Vec<String> = msgs[i]
            .body
            .lines()
            .filter_map(|l| l.strip_prefix('>'))
            .filter(|l| !l.starts_with('>'))
            .map(|l| l.trim().to_string())
            .filter(|l| l.len() >= 20)
            .take(20)
            .collect();
        let mut best: Option<(usize, usize)> = None; // (score, index)
        let mut first_same: Option<usize> = None;
        for (j, mj) in msgs[..i].iter().enumerate() {
            if thread_subject(&mj.subject) != subj {
                continue;
            }
            first_same.get_or_insert(j);
            let score = quotes
                .iter()
                .filter(|q| {
                    mj.body
                        .lines()
                        .any(|l| !l.starts_with('>') && l.trim() == q.as_str())
                })
                .count();
            if score > 0 && best.is_none_or(|(s, _)| score >= s) {
                best = Some((score, j));
            }
        }
        let parent = best
            .map(|b| b.1)
            .or(if is_reply { first_same } else { None });
        if let Some(p) = parent {
            msgs[i].in_reply_to = Some(msgs[p].message_id.clone());
        }
    }
}
