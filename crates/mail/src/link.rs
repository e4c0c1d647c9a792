//! Commit ↔ thread linking: from a commit's text, diff and author to the
//! message that carried it, saying how it was found.

use crate::error::Result;
use crate::parse::clean_id;
use crate::patch::{extract_diff, patch_id};
use crate::store::MailStore;
use crate::subject::subject_key;

/// What the evidence layer knows about a commit. Plain owned strings so any
/// caller can build it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitForMail {
    pub sha: String,
    pub subject: String,
    pub author_name: String,
    pub author_email: String,
    /// The full commit message (subject, body, trailers).
    pub message: String,
    /// `git patch-id --stable` of the commit, if the caller computed it.
    pub patch_id: Option<String>,
    /// The commit's diff (`git show --format= <sha>`), used to compute the
    /// patch-id when `patch_id` is None.
    pub diff: Option<String>,
}

/// How a thread was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkMethod {
    /// A `Link:`/`Closes:` trailer URL naming the message.
    LinkTrailer { url: String },
    /// A `Message-ID:` line in the commit message.
    MessageId,
    /// The patch-id of the commit equals that of a posted diff.
    PatchId { patch_id: String },
    /// Same bare subject and same author.
    SubjectAuthor,
}

/// A found thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadLink {
    /// The message found (patch, cover letter, or whatever the link named).
    pub message_id: String,
    pub method: LinkMethod,
}

impl ThreadLink {
    /// A sentence saying how the link was made.
    pub fn how(&self) -> String {
        match &self.method {
            LinkMethod::LinkTrailer { url } => format!("the commit's Link/Closes trailer {url}"),
            LinkMethod::MessageId => "the Message-ID named in the commit message".into(),
            LinkMethod::PatchId { patch_id } => {
                format!("patch-id {patch_id} (git patch-id --stable) of a posted diff")
            }
            LinkMethod::SubjectAuthor => "the same subject and author on a posted patch".into(),
        }
    }
}

const MSGID_HOSTS: [&str; 5] = [
    "lore.kernel.org/",
    "patch.msgid.link/",
    "lkml.kernel.org/",
    "inbox.dpdk.org/",
    "msgid.link/",
];

/// The Message-ID inside an archive URL (lore.kernel.org/r/<id>,
/// lore.kernel.org/<list>/<id>/, patch.msgid.link/<id>,
/// inbox.dpdk.org/dev/<id>, …), percent-decoded.
pub fn msgid_from_url(url: &str) -> Option<String> {
    let url = url.trim().trim_end_matches(['>', ')', '.', ',']);
    let rest = MSGID_HOSTS
        .iter()
        .find_map(|h| url.find(h).map(|i| &url[i + h.len()..]))?;
    let seg = rest
        .split('/')
        .map(percent_decode)
        .find(|s| s.contains('@'))?;
    let id = clean_id(seg.split(['?', '#']).next().unwrap_or(""));
    (!id.is_empty()).then_some(id)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `Link:`/`Closes:` URLs that name a message, with the id each names.
pub fn link_candidates(message: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in message.lines() {
        let l = line.trim();
        let lower = l.to_ascii_lowercase();
        if lower.starts_with("link:") || lower.starts_with("closes:") {
            let url = l.split_once(':').map(|x| x.1.trim()).unwrap_or("");
            let url = url.split_whitespace().next().unwrap_or("");
            if let Some(id) = msgid_from_url(url) {
                out.push((url.to_string(), id));
            }
        }
    }
    out
}

fn message_id_lines(message: &str) -> Vec<String> {
    message
        .lines()
        .filter_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case("message-id")
                .then(|| clean_id(v))
        })
        .filter(|id| id.contains('@'))
        .collect()
}

/// What a search tried, for the "no thread found" finding.
#[derive(Debug, Clone, Default)]
pub struct LinkSearch {
    pub found: Option<ThreadLink>,
    /// One line per method tried and its outcome.
    pub tried: Vec<String>,
}

/// The commit's patch-id: given, or computed from its diff.
pub fn commit_patch_id(c: &CommitForMail) -> Option<String> {
    c.patch_id.clone().or_else(|| {
        c.diff
            .as_deref()
            .and_then(|d| extract_diff(d).or(Some(d)))
            .and_then(patch_id)
    })
}

/// Finds the commit's thread: Link/Closes trailers, Message-ID, patch-id,
/// then subject + author; records every attempt.
pub fn search_thread(store: &MailStore, c: &CommitForMail) -> Result<LinkSearch> {
    let mut s = LinkSearch::default();
    let links = link_candidates(&c.message);
    for (url, id) in &links {
        if store.message(id)?.is_some() {
            s.found = Some(ThreadLink {
                message_id: id.clone(),
                method: LinkMethod::LinkTrailer { url: url.clone() },
            });
            return Ok(s);
        }
    }
    s.tried.push(if links.is_empty() {
        "no Link:/Closes: trailer naming a message".into()
    } else {
        format!(
            "Link/Closes message(s) not in the archive: {}",
            links
                .iter()
                .map(|l| l.1.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    let ids = message_id_lines(&c.message);
    for id in &ids {
        if store.message(id)?.is_some() {
            s.found = Some(ThreadLink {
                message_id: id.clone(),
                method: LinkMethod::MessageId,
            });
            return Ok(s);
        }
    }
    s.tried.push(if ids.is_empty() {
        "no Message-ID line in the commit message".into()
    } else {
        format!("Message-ID {} not in the archive", ids.join(", "))
    });
    match commit_patch_id(c) {
        Some(pid) => {
            if let Some(id) = store.by_patch_id(&pid)?.into_iter().next() {
                s.found = Some(ThreadLink {
                    message_id: id,
                    method: LinkMethod::PatchId { patch_id: pid },
                });
                return Ok(s);
            }
            s.tried.push(format!("no posted diff with patch-id {pid}"));
        }
        None => s.tried.push("no diff given, patch-id not compared".into()),
    }
    let key = subject_key(&c.subject);
    let email = c.author_email.to_ascii_lowercase();
    let cands = store.by_subject(&key)?;
    let hit = cands.iter().find(|(_, e, _)| *e == email).or_else(|| {
        cands
            .iter()
            .find(|(_, _, n)| !n.is_empty() && *n == c.author_name)
    });
    if let Some((id, _, _)) = hit {
        s.found = Some(ThreadLink {
            message_id: id.clone(),
            method: LinkMethod::SubjectAuthor,
        });
        return Ok(s);
    }
    s.tried.push(format!(
        "no patch with subject \"{}\" from {} ({} with that subject from others)",
        c.subject,
        c.author_email,
        cands.len()
    ));
    Ok(s)
}

/// Shortcut: the thread link only.
pub fn find_thread(store: &MailStore, c: &CommitForMail) -> Result<Option<ThreadLink>> {
    Ok(search_thread(store, c)?.found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msgids_from_urls() {
        for (url, id) in [
            (
                "https://lore.kernel.org/r/20231121.abc@host.org",
                "20231121.abc@host.org",
            ),
            ("https://lore.kernel.org/all/x@y/", "x@y"),
            ("https://lore.kernel.org/linux-mm/x%40y.com/T/#u", "x@y.com"),
            ("https://patch.msgid.link/a.b@c>", "a.b@c"),
            (
                "http://inbox.dpdk.org/dev/1700000000-1-git-send-email-a@b.com/",
                "1700000000-1-git-send-email-a@b.com",
            ),
        ] {
            assert_eq!(msgid_from_url(url).as_deref(), Some(id), "{url}");
        }
        assert_eq!(
            msgid_from_url("https://bugzilla.kernel.org/show_bug.cgi?id=1"),
            None
        );
        let msg =
            "x\n\nLink: https://lore.kernel.org/r/a@b\nCloses: https://github.com/x/y/issues/1\n";
        assert_eq!(
            link_candidates(msg),
            vec![(
                "https://lore.kernel.org/r/a@b".to_string(),
                "a@b".to_string()
            )]
        );
    }
}
