//! Phase 4 of the report — what the mailing list says about a commit — as
//! [`Finding`]s, each with the `stablepick mail …` command that shows it.

use crate::error::Result;
use crate::link::{CommitForMail, LinkMethod, commit_patch_id, search_thread};
use crate::patch::{extract_diff, patch_id};
use crate::series::{Mailbox, Series, SignalKind};
use crate::store::MailStore;
use crate::subject::subject_key;
use crate::trailers::own_trailers;

/// One fact and the command that reproduces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub text: String,
    pub verified_by: String,
    /// What a reply says, when the finding is a reply's statement (a
    /// stable nomination or refusal, an objection, a review trailer).
    pub signal: Option<SignalKind>,
}

/// Quotes a word for a POSIX shell.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// All phase-4 findings for a commit. Store errors become a finding too:
/// the evidence layer gets a statement, never a panic.
pub fn phase4(store: &MailStore, commit: &CommitForMail) -> Vec<Finding> {
    match try_phase4(store, commit) {
        Ok(f) => f,
        Err(e) => vec![Finding {
            text: format!("The mail archive could not be read: {e}"),
            verified_by: format!(
                "stablepick mail search {} --db {}",
                sh_quote(&subject_key(&commit.subject)),
                sh_quote(&store.path().display().to_string())
            ),
            signal: None,
        }],
    }
}

/// As [`phase4`], with errors returned.
pub fn try_phase4(store: &MailStore, commit: &CommitForMail) -> Result<Vec<Finding>> {
    let db = sh_quote(&store.path().display().to_string());
    let thread_cmd = |id: &str| format!("stablepick mail thread {} --db {db}", sh_quote(id));
    let series_cmd = |id: &str| {
        format!(
            "stablepick mail series {} --db {db} --format json",
            sh_quote(id)
        )
    };
    let mut out = Vec::new();
    let search = search_thread(store, commit)?;
    let Some(link) = search.found else {
        let total = store.count()?;
        out.push(Finding {
            text: format!(
                "No mailing-list thread found for {} in the archive ({} messages): {}.",
                short(&commit.sha),
                total,
                search.tried.join("; ")
            ),
            verified_by: format!(
                "stablepick mail search {} --db {db}",
                sh_quote(&format!(
                    "from:{} {}",
                    commit.author_email,
                    subject_words(&commit.subject)
                ))
            ),
            signal: None,
        });
        return Ok(out);
    };
    out.push(Finding {
        text: format!(
            "Mailing-list thread found for {} via {}: message <{}>.",
            short(&commit.sha),
            link.how(),
            link.message_id
        ),
        verified_by: thread_cmd(&link.message_id),
        signal: None,
    });
    let Some((mb, idx)) = store.mailbox_for(&link.message_id)? else {
        return Ok(out);
    };
    let Some(found_series) = mb.series_of(idx) else {
        out.push(Finding {
            text: format!(
                "The message <{}> is not part of a patch series.",
                link.message_id
            ),
            verified_by: thread_cmd(&link.message_id),
            signal: None,
        });
        return Ok(out);
    };
    let pid = match &link.method {
        LinkMethod::PatchId { patch_id } => Some(patch_id.clone()),
        _ => commit_patch_id(commit),
    };
    let patch = locate_patch(&mb, &found_series, idx, commit, pid.as_deref());
    let anchor = patch
        .or(found_series.cover)
        .map(|i| mb.messages[i].message_id.clone())
        .unwrap_or_else(|| link.message_id.clone());
    // Series size and position.
    let n = found_series.expected.max(found_series.patches.len() as u32);
    let pos_text = match patch.and_then(|p| found_series.patches.iter().position(|&x| x == p)) {
        Some(k) => format!(
            "patch {}/{} of revision v{}",
            mb.subjects[found_series.patches[k]].counter.max(1),
            n.max(1),
            found_series.revision
        ),
        None => format!(
            "a series of {} patch(es), revision v{}",
            n.max(1),
            found_series.revision
        ),
    };
    let title = found_series
        .cover
        .map(|c| format!(" (cover letter \"{}\")", mb.messages[c].subject))
        .unwrap_or_default();
    out.push(Finding {
        text: format!(
            "The commit was posted as {pos_text}{title}; {} patch(es) present in the archive.",
            found_series.patches.len()
        ),
        verified_by: series_cmd(&anchor),
        signal: None,
    });
    // Companion patches and their Fixes tags.
    for &p in &found_series.patches {
        if Some(p) == patch {
            continue;
        }
        let fixes: Vec<String> = own_trailers(&mb.messages[p].body)
            .into_iter()
            .filter(|t| t.name == "Fixes")
            .map(|t| t.value)
            .collect();
        let fx = if fixes.is_empty() {
            "no Fixes: tag".to_string()
        } else {
            format!("Fixes: {}", fixes.join("; Fixes: "))
        };
        out.push(Finding {
            text: format!(
                "Companion patch {}/{} \"{}\" <{}> ({}).",
                mb.subjects[p].counter.max(1),
                n.max(1),
                mb.subjects[p].subject,
                mb.messages[p].message_id,
                fx
            ),
            verified_by: series_cmd(&mb.messages[p].message_id),
            signal: None,
        });
    }
    // Revisions.
    let revs = mb.revisions(&found_series);
    let newest = revs.last().cloned().unwrap_or_else(|| found_series.clone());
    let rev_list: Vec<String> = revs.iter().map(|s| format!("v{}", s.revision)).collect();
    if newest.revision > found_series.revision {
        let nid = mb.messages[newest.first_message()].message_id.clone();
        out.push(Finding {
            text: format!(
                "A newer revision v{} of the series exists (<{}>); the commit matches v{}. Revisions in the archive: {}.",
                newest.revision, nid, found_series.revision, rev_list.join(", ")
            ),
            verified_by: series_cmd(&nid),
            signal: None,
        });
    } else {
        out.push(Finding {
            text: format!(
                "No newer revision in the archive: v{} is the latest (revisions seen: {}).",
                found_series.revision,
                if rev_list.is_empty() {
                    format!("v{}", found_series.revision)
                } else {
                    rev_list.join(", ")
                }
            ),
            verified_by: series_cmd(&anchor),
            signal: None,
        });
    }
    // Reviews, nominations, objections in replies to this patch or cover.
    let relevant = |t: usize| Some(t) == patch || Some(t) == found_series.cover || patch.is_none();
    for sig in mb
        .signals(&found_series)
        .into_iter()
        .filter(|s| relevant(s.target))
    {
        let on = if Some(sig.target) == found_series.cover {
            "the cover letter"
        } else {
            "the patch"
        };
        let text = match sig.kind {
            SignalKind::Trailer => format!(
                "{} gave \"{}\" in reply <{}> to {on}.",
                sig.reply_author, sig.line, sig.reply_id
            ),
            SignalKind::StableNomination => format!(
                "Stable nomination by {} in reply <{}> to {on}: \"{}\".",
                sig.reply_author, sig.reply_id, sig.line
            ),
            SignalKind::Objection => format!(
                "Objection by {} in reply <{}> to {on}: \"{}\".",
                sig.reply_author, sig.reply_id, sig.line
            ),
            SignalKind::StableRefusal => format!(
                "Stable refusal by {} in reply <{}> to {on}: \"{}\".",
                sig.reply_author, sig.reply_id, sig.line
            ),
        };
        out.push(Finding {
            text,
            verified_by: thread_cmd(&sig.reply_id),
            signal: Some(sig.kind),
        });
    }
    // What changed between revisions.
    for e in mb.changelog(&newest).into_iter().take(8) {
        let mut lines = e
            .lines
            .iter()
            .take(4)
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ");
        if e.lines.len() > 4 {
            lines.push_str(" …");
        }
        out.push(Finding {
            text: format!("Changelog \"{}\": {}", e.heading, lines),
            verified_by: series_cmd(&mb.messages[newest.first_message()].message_id),
            signal: None,
        });
    }
    Ok(out)
}

fn locate_patch(
    mb: &Mailbox,
    s: &Series,
    idx: usize,
    c: &CommitForMail,
    pid: Option<&str>,
) -> Option<usize> {
    if s.patches.contains(&idx) {
        return Some(idx);
    }
    let key = subject_key(&c.subject);
    s.patches
        .iter()
        .copied()
        .find(|&p| mb.subjects[p].subject.to_lowercase() == key)
        .or_else(|| {
            let pid = pid?;
            s.patches.iter().copied().find(|&p| {
                extract_diff(&mb.messages[p].body)
                    .and_then(patch_id)
                    .as_deref()
                    == Some(pid)
            })
        })
        .or_else(|| (s.patches.len() == 1).then(|| s.patches[0]))
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn subject_words(subject: &str) -> String {
    subject_key(subject)
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| w.len() > 3)
        .take(4)
        .collect::<Vec<_>>()
        .join(" ")
}
