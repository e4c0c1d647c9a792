//! Phase 4, the mailing list: the thread the commit came from, its series,
//! revisions, reviewers and testers, stable nominations and objections —
//! read from a mail store imported with `stablepick mail import`.

use crate::record::Record;
use crate::{Evidence, full};
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
        ev.records.push(Record::new(P, f.text, f.verified_by));
    }
}
