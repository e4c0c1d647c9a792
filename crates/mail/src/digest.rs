//! The cover-letter digest format: sections opened by `#### <subject>`, a
//! `##### From: Name <addr>` line, and the letter inside a ``` fence. Each
//! section becomes one cover-letter [`Message`] with a synthetic id.

use crate::parse::{Message, parse_message};

/// True if the text looks like a digest.
pub fn is_digest(head: &str) -> bool {
    head.lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .any(|l| l.starts_with("#### "))
}

/// Splits a digest into messages.
pub fn parse_digest(text: &str) -> Vec<Message> {
    let mut out = Vec::new();
    let mut subject: Option<String> = None;
    let mut from = String::new();
    let mut body = String::new();
    let mut in_fence = false;
    let mut flush = |subject: &mut Option<String>, from: &mut String, body: &mut String| {
        if let Some(s) = subject.take() {
            // Rebuild an RFC 5322 message so one parser handles everything.
            let raw = format!("From: {from}\nSubject: {s}\n\n{body}");
            if let Some(m) = parse_message(raw.as_bytes(), None) {
                out.push(m);
            }
        }
        from.clear();
        body.clear();
    };
    for line in text.lines() {
        if !in_fence && let Some(s) = line.strip_prefix("#### ") {
            flush(&mut subject, &mut from, &mut body);
            subject = Some(s.trim().to_string());
        } else if !in_fence && let Some(f) = line.strip_prefix("##### From:") {
            from = f.trim().to_string();
        } else if line.starts_with("```") {
            in_fence = !in_fence;
        } else if in_fence && subject.is_some() {
            body.push_str(line);
            body.push('\n');
        }
    }
    flush(&mut subject, &mut from, &mut body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seed_layout() {
        let text = "\n\n#### [PATCH v14 00/17] arm64: untag user pointers\n##### From: Andrey Konovalov <andreyknvl@google.com>\n\n```c\n\nIntro\n\nChanges in v14:\n- Moved.\n\nAndrey Konovalov (17):\n  uaccess: add\n\n 2 files changed, 3 insertions(+)\n```\n#### [PATCH 0/3] KVM: x86: Drop caching\n##### From: Sean Christopherson <sean.j.christopherson@intel.com>\n\n```c\nbody two\n```\n";
        assert!(is_digest(text));
        let m = parse_digest(text);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].subject, "[PATCH v14 00/17] arm64: untag user pointers");
        assert_eq!(m[0].from_email, "andreyknvl@google.com");
        assert_eq!(m[0].from_name, "Andrey Konovalov");
        assert!(m[0].body.contains("Changes in v14:\n- Moved."));
        assert!(m[0].synthetic_id);
        assert_eq!(m[1].body.trim(), "body two");
        assert_ne!(m[0].message_id, m[1].message_id);
    }
}
