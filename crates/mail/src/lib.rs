//! stablepick-mail: mailing-list archives as data.
//!
//! The principal type is [`MailStore`], an SQLite database of parsed
//! messages. [`import()`] consumes archives — mbox (mboxrd/mboxo, plain or
//! gzip), maildir, public-inbox v2 git epochs, pipermail text archives, and
//! cover-letter digests — parses each message once ([`parse_message`]),
//! stores it with its content hash, and threads the whole archive (JWZ,
//! [`thread()`]). Questions are answered by loading the few threads involved
//! into a [`Mailbox`], which assembles [`Series`] (cover letter, patches,
//! revisions v1→vN), attaches follow-up trailers with b4's rules, and finds
//! stable nominations and objections. [`phase4`] turns all of it into
//! [`Finding`]s for a commit, each with the command that reproduces it.
//!
//! MIME decoding is delegated to the `mail-parser` crate (multipart, RFC
//! 2047/2231 words, charsets, quoted-printable, base64): it is zero-copy,
//! fuzzed upstream and returns values rather than panicking on bad input.
//! Everything around it — streaming mbox splitting, format=flowed, lenient
//! dates, synthetic ids, threading, the patch model — is this crate's.
//!
//! ```no_run
//! use stablepick_mail::{CommitForMail, ImportOptions, MailStore, import, phase4};
//! let mut store = MailStore::open("stablepick-mail.db")?;
//! import(&mut store, &["linux-mm.mbox.gz".into()], &ImportOptions::default())?;
//! let commit = CommitForMail {
//!     sha: "0123456789ab".into(),
//!     subject: "mm: fix the thing".into(),
//!     message: "mm: fix the thing\n\nLink: https://lore.kernel.org/r/x@y\n".into(),
//!     ..Default::default()
//! };
//! for f in phase4(&store, &commit) {
//!     println!("{}  [{}]", f.text, f.verified_by);
//! }
//! # Ok::<(), stablepick_mail::Error>(())
//! ```
//!
//! An mbox holding one thread needs no store at all:
//!
//! ```
//! use stablepick_mail::{Mailbox, parse_message};
//! let raw = b"From: A <a@x>\nMessage-ID: <p1@x>\nSubject: [PATCH] x: fix\n\nFix.\n\nSigned-off-by: A <a@x>\n";
//! let reply = b"From: R <r@x>\nMessage-ID: <r1@x>\nIn-Reply-To: <p1@x>\nSubject: Re: [PATCH] x: fix\n\n> Fix.\nReviewed-by: R <r@x>\n";
//! let mb = Mailbox::new(vec![parse_message(raw, None).unwrap(), parse_message(reply, None).unwrap()]);
//! let series = mb.newest_revision_of(0).unwrap();
//! let view = mb.view(&series);
//! assert_eq!(view.patches[0].trailers, ["Signed-off-by: A <a@x>", "Reviewed-by: R <r@x>"]);
//! ```

pub mod digest;
pub mod error;
pub mod import;
pub mod link;
pub mod maildir;
pub mod mbox;
pub mod parse;
pub mod patch;
pub mod phase4;
pub mod pipermail;
pub mod public_inbox;
pub mod series;
pub mod sha1;
pub mod store;
pub mod subject;
pub mod thread;
pub mod trailers;
pub mod tree;

pub use error::{Error, Result};
pub use import::{
    ImportControl, ImportOptions, ImportStats, SourceKind, import, import_with, read_mailbox_file,
};
pub use link::{CommitForMail, LinkMethod, LinkSearch, ThreadLink, find_thread, search_thread};
pub use mbox::MboxFlavor;
pub use parse::{Message, parse_message};
pub use phase4::{Finding, phase4};
pub use series::{Mailbox, Series, SeriesView};
pub use store::{Hit, MailStore, ThreadStats};
pub use thread::thread;
