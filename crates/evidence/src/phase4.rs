//! Phase 4, the mailing list: the thread the commit came from, its series,
//! revisions, reviewers and testers, stable nominations and objections —
//! read from a mail store imported with `stablepick mail import`.

use crate::record::Record;
use crate::{Evidence, ThreadStatement, ThreadStatementKind, full};
use stablepick_mail::series::SignalKind;
use stablepick_mail::{CommitForMail, MailStore, phase4};

const P: u8 = 4;

pub(crate) fn collect(store: &MailStore, patch_id: Option<String>, ev: &mut Evidence) {
    let commit = CommitForMail {
        sha: full(ev.commit.oid),
        subject: ev.commit.subject.clone(),
        author_name: ev.commit.author_name.clone(),
        author_email: ev.commit.author_email.clone(),
        message: ev.commit.message.clone(),
        patch_id,
        diff: Some(ev.diff.patch.clone()),
    };
    for f in phase4(store, &commit) {
        let kind = match f.signal {
            Some(SignalKind::StableNomination) => Some(ThreadStatementKind::Nomination),
            Some(SignalKind::StableRefusal) => Some(ThreadStatementKind::Refusal),
            Some(SignalKind::Objection) => Some(ThreadStatementKind::Objection),
            Some(SignalKind::Trailer) | None => None,
        };
        if let Some(kind) = kind {
            ev.thread.push(ThreadStatement {
                kind,
                text: f.text.clone(),
                verified_by: f.verified_by.clone(),
            });
        }
        ev.records.push(Record::new(P, f.text, f.verified_by));
    }
}
