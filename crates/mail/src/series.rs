//! Series and revisions: a [`Mailbox`] of threaded messages is grouped into
//! [`Series`] (one per revision: optional cover letter plus patches 1..N),
//! revisions are chained v1→vN, and follow-up trailers from replies are
//! attached with b4's rules.

use crate::parse::Message;
use crate::patch::{ChangelogEntry, changelog, split_patch};
use crate::subject::{Subject, parse_subject};
use crate::thread::{ThreadInput, thread, thread_subject};
use crate::trailers::{
    Trailer, followup_trailers, objections, own_trailers, stable_nominations, stable_refusals,
};
use std::collections::HashMap;

/// Messages held in memory and threaded: one thread from an mbox file, or
/// the threads the store loaded for a question.
#[derive(Debug, Clone, Default)]
pub struct Mailbox {
    pub messages: Vec<Message>,
    pub subjects: Vec<Subject>,
    pub parent: Vec<Option<usize>>,
    pub thread: Vec<usize>,
    by_id: HashMap<String, usize>,
}

impl Mailbox {
    /// Threads the messages (duplicate ids: the first one wins look-ups).
    pub fn new(messages: Vec<Message>) -> Self {
        let chains: Vec<Vec<String>> = messages.iter().map(|m| m.parent_chain()).collect();
        let subjects: Vec<Subject> = messages
            .iter()
            .map(|m| {
                let mut s = parse_subject(&m.subject);
                s.is_reply |= crate::parse::body_opens_with_quote(&m.body);
                s
            })
            .collect();
        let inputs: Vec<ThreadInput> = messages
            .iter()
            .zip(&chains)
            .zip(&subjects)
            .map(|((m, ch), s)| ThreadInput {
                id: &m.message_id,
                refs: ch.iter().map(|r| r.as_str()).collect(),
                subject: thread_subject(&m.subject),
                is_reply: s.is_reply,
            })
            .collect();
        let t = thread(&inputs);
        let mut by_id = HashMap::new();
        for (i, m) in messages.iter().enumerate() {
            by_id.entry(m.message_id.clone()).or_insert(i);
        }
        Mailbox {
            parent: t.parent.iter().map(|p| p.map(|x| x as usize)).collect(),
            thread: t.thread.iter().map(|&x| x as usize).collect(),
            subjects,
            messages,
            by_id,
        }
    }

    pub fn get(&self, message_id: &str) -> Option<usize> {
        self.by_id
            .get(crate::parse::clean_id(message_id).as_str())
            .copied()
    }

    /// Members of the thread of message `i`, in input order.
    pub fn thread_members(&self, i: usize) -> Vec<usize> {
        let t = self.thread[i];
        (0..self.messages.len())
            .filter(|&j| self.thread[j] == t)
            .collect()
    }

    pub fn children(&self, i: usize) -> Vec<usize> {
        (0..self.messages.len())
            .filter(|&j| self.parent[j] == Some(i))
            .collect()
    }

    /// Every series (one per thread, revision and author) in the mailbox.
    pub fn all_series(&self) -> Vec<Series> {
        let mut groups: HashMap<(usize, u32, String), Vec<usize>> = HashMap::new();
        for (i, s) in self.subjects.iter().enumerate() {
            if s.is_patch && !s.is_reply {
                let key = (
                    self.thread[i],
                    s.revision,
                    self.messages[i].from_email.clone(),
                );
                groups.entry(key).or_default().push(i);
            }
        }
        let mut out: Vec<Series> = groups
            .into_iter()
            .map(|((thread, revision, author_email), members)| {
                self.assemble(thread, revision, author_email, members)
            })
            .collect();
        out.sort_by_key(|s| (s.first_message(), s.revision));
        out
    }

    fn assemble(
        &self,
        thread: usize,
        revision: u32,
        author_email: String,
        members: Vec<usize>,
    ) -> Series {
        let mut cover = None;
        let mut by_counter: HashMap<u32, usize> = HashMap::new();
        let mut expected = 0;
        for &i in &members {
            let s = &self.subjects[i];
            expected = expected.max(s.expected);
            if s.is_cover() {
                cover = Some(cover.map_or(i, |c: usize| self.newer(c, i)));
            } else {
                let k = s.counter.max(1);
                let e = by_counter.entry(k).or_insert(i);
                *e = self.newer(*e, i);
            }
        }
        let mut patches: Vec<(u32, usize)> = by_counter.into_iter().collect();
        patches.sort();
        let change_id = cover
            .into_iter()
            .chain(patches.iter().map(|p| p.1))
            .find_map(|i| change_id(&self.messages[i].body));
        Series {
            thread,
            revision,
            expected,
            author_email,
            cover,
            patches: patches.into_iter().map(|p| p.1).collect(),
            change_id,
        }
    }

    /// The later of two resends (by date, then position).
    fn newer(&self, a: usize, b: usize) -> usize {
        let da = self.messages[a].date.unwrap_or(0);
        let db = self.messages[b].date.unwrap_or(0);
        if (db, b) >= (da, a) { b } else { a }
    }

    /// The series containing message `i` (as cover or patch); for a reply,
    /// the series of the patch it answers.
    pub fn series_of(&self, i: usize) -> Option<Series> {
        let mut at = Some(i);
        let all = self.all_series();
        while let Some(x) = at {
            if let Some(s) = all.iter().find(|s| s.contains(x)) {
                return Some(s.clone());
            }
            at = self.parent[x];
        }
        // A thread whose root is not a patch but holds one: take the first.
        all.into_iter().find(|s| s.thread == self.thread[i])
    }

    /// All revisions of `series` present in the mailbox, oldest first.
    /// Matched by author and bare subject (cover, else patch subjects) or by
    /// b4's change-id.
    pub fn revisions(&self, series: &Series) -> Vec<Series> {
        let keys = self.series_keys(series);
        let mut out: Vec<Series> = self
            .all_series()
            .into_iter()
            .filter(|s| {
                (s.change_id.is_some() && s.change_id == series.change_id)
                    || (s.author_email == series.author_email
                        && self.series_keys(s).iter().any(|k| keys.contains(k)))
            })
            .collect();
        out.sort_by_key(|s| (s.revision, self.series_date(s)));
        out
    }

    fn series_date(&self, s: &Series) -> i64 {
        s.members()
            .filter_map(|i| self.messages[i].date)
            .min()
            .unwrap_or(0)
    }

    fn series_keys(&self, s: &Series) -> Vec<String> {
        match s.cover {
            Some(c) => vec![self.subjects[c].subject.to_lowercase()],
            None => s
                .patches
                .iter()
                .map(|&p| self.subjects[p].subject.to_lowercase())
                .collect(),
        }
    }

    /// The newest revision of the series holding message `i`.
    pub fn newest_revision_of(&self, i: usize) -> Option<Series> {
        let s = self.series_of(i)?;
        self.revisions(&s).into_iter().last().or(Some(s))
    }

    /// Replies in the series' thread, each with the series member it
    /// answers (walking up past replies-to-replies).
    pub fn followups(&self, series: &Series) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for j in self.thread_members(series.first_message()) {
            if series.contains(j) || (self.subjects[j].is_patch && !self.subjects[j].is_reply) {
                continue;
            }
            let mut at = self.parent[j];
            let mut guard = 0;
            while let Some(x) = at {
                if series.contains(x) {
                    out.push((j, x));
                    break;
                }
                if self.subjects[x].is_patch && !self.subjects[x].is_reply {
                    break; // answers another revision
                }
                at = self.parent[x];
                guard += 1;
                if guard > self.messages.len() {
                    break;
                }
            }
        }
        out
    }

    /// b4 semantics: a reply's trailers go to the patch it answers, or to
    /// every patch when it answers the cover letter.
    pub fn patch_trailers(&self, series: &Series) -> Vec<Vec<Trailer>> {
        let mut per: Vec<Vec<Trailer>> = series
            .patches
            .iter()
            .map(|&p| own_trailers(&self.messages[p].body))
            .collect();
        let mut replies = self.followups(series);
        replies.sort_by_key(|(j, _)| (self.messages[*j].date.unwrap_or(0), *j));
        for (reply, target) in replies {
            let found = followup_trailers(&self.messages[reply].body);
            let targets: Vec<usize> = if Some(target) == series.cover {
                (0..series.patches.len()).collect()
            } else {
                series
                    .patches
                    .iter()
                    .position(|&p| p == target)
                    .into_iter()
                    .collect()
            };
            for k in targets {
                for t in &found {
                    if !per[k].contains(t) {
                        per[k].push(t.clone());
                    }
                }
            }
        }
        per
    }

    /// Review signals in the replies of a series.
    pub fn signals(&self, series: &Series) -> Vec<Signal> {
        let mut out = Vec::new();
        for (reply, target) in self.followups(series) {
            let m = &self.messages[reply];
            for line in stable_nominations(&m.body) {
                out.push(Signal::new(SignalKind::StableNomination, m, target, line));
            }
            for line in stable_refusals(&m.body) {
                out.push(Signal::new(SignalKind::StableRefusal, m, target, line));
            }
            for line in objections(&m.body) {
                out.push(Signal::new(SignalKind::Objection, m, target, line));
            }
            for t in followup_trailers(&m.body) {
                out.push(Signal::new(SignalKind::Trailer, m, target, t.to_string()));
            }
        }
        out
    }

    /// Changelog entries of a series (cover letter, else patch notes).
    pub fn changelog(&self, series: &Series) -> Vec<ChangelogEntry> {
        let mut out = Vec::new();
        if let Some(c) = series.cover {
            out.extend(changelog(&self.messages[c].body));
        }
        for &p in &series.patches {
            out.extend(changelog(split_patch(&self.messages[p].body).notes));
        }
        out
    }

    /// The `mail series` view of a series (see [`SeriesView`]).
    pub fn view(&self, series: &Series) -> SeriesView {
        let trailers = self.patch_trailers(series);
        let mv = |i: usize| MessageView {
            message_id: self.messages[i].message_id.clone(),
            subject: self.messages[i].subject.clone(),
            author: self.messages[i].author(),
        };
        SeriesView {
            cover: series.cover.map(mv),
            version: series.revision,
            patches: series
                .patches
                .iter()
                .zip(trailers)
                .map(|(&p, t)| PatchView {
                    message: mv(p),
                    trailers: t.iter().map(|t| t.to_string()).collect(),
                })
                .collect(),
        }
    }
}

/// b4's `change-id:` footer, the same across all revisions of a series.
pub fn change_id(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("change-id: "))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// One revision of a series, by message index into its [`Mailbox`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub thread: usize,
    pub revision: u32,
    /// Size announced in the subjects (`N` of `M/N`), 0 for a single patch.
    pub expected: u32,
    pub author_email: String,
    pub cover: Option<usize>,
    /// Patches in counter order.
    pub patches: Vec<usize>,
    pub change_id: Option<String>,
}

impl Series {
    pub fn contains(&self, i: usize) -> bool {
        self.cover == Some(i) || self.patches.contains(&i)
    }

    pub fn members(&self) -> impl Iterator<Item = usize> + '_ {
        self.cover.into_iter().chain(self.patches.iter().copied())
    }

    pub fn first_message(&self) -> usize {
        self.members().min().unwrap_or(self.thread)
    }
}

/// What a reply says about a series member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalKind {
    Trailer,
    /// Asks for the change to go to stable.
    StableNomination,
    /// Says the change is not for stable.
    StableRefusal,
    /// Objects to the change itself (NAK, "this is wrong").
    Objection,
}

/// A review signal found in a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub kind: SignalKind,
    pub reply_id: String,
    pub reply_author: String,
    /// Message index of the patch or cover the reply answers.
    pub target: usize,
    pub line: String,
}

impl Signal {
    fn new(kind: SignalKind, m: &Message, target: usize, line: String) -> Self {
        Signal {
            kind,
            reply_id: m.message_id.clone(),
            reply_author: m.author(),
            target,
            line,
        }
    }
}

/// Identity of a message in the `mail series` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageView {
    pub message_id: String,
    pub subject: String,
    pub author: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchView {
    pub message: MessageView,
    /// Own trailers, then those collected from follow-ups.
    pub trailers: Vec<String>,
}

/// The newest revision of a series as `mail series` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesView {
    pub cover: Option<MessageView>,
    pub version: u32,
    pub patches: Vec<PatchView>,
}

impl SeriesView {
    /// The JSON contract: `{"cover": {..}|null, "version": n, "patches":
    /// [{"message_id", "subject", "author", "trailers": [..]}]}`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let mv = |m: &MessageView| json!({"message_id": m.message_id, "subject": m.subject, "author": m.author});
        json!({
            "cover": self.cover.as_ref().map(mv),
            "version": self.version,
            "patches": self.patches.iter().map(|p| json!({
                "message_id": p.message.message_id,
                "subject": p.message.subject,
                "author": p.message.author,
                "trailers": p.trailers,
            })).collect::<Vec<_>>(),
        })
    }

    /// A Markdown rendering for people.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        match &self.cover {
            Some(c) => s.push_str(&format!(
                "# {} (v{})\n\nCover: `{}` by {}\n\n",
                c.subject, self.version, c.message_id, c.author
            )),
            None => s.push_str(&format!("# Series v{} (no cover letter)\n\n", self.version)),
        }
        for p in &self.patches {
            s.push_str(&format!(
                "- **{}** — {} — `{}`\n",
                p.message.subject, p.message.author, p.message.message_id
            ));
            for t in &p.trailers {
                s.push_str(&format!("  - {t}\n"));
            }
        }
        s
    }
}
