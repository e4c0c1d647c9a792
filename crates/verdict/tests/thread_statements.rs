//! A reply on the list that refuses a commit for stable ("not for stable")
//! or nominates it ("please backport") decides, over the rules' weaker
//! reasons and over the model; the commit's own `Cc: stable` stays the last
//! word.

mod common;

use common::{Repo, c_file, driver_with_bug, threshold_model};
use stablepick_evidence::{Context, ThreadStatementKind, collect};
use stablepick_mail::MailStore;
use stablepick_mail::import::{ImportOptions, import};
use stablepick_verdict::{DecidedBy, Verdict, combine, decide, synthesis};

/// One posted patch and one reply to it, as mboxrd.
fn thread_mbox(patch_id: &str, subject: &str, reply: &str) -> String {
    format!(
        "From mboxrd@z Thu Jan  1 00:00:00 1970\n\
From: A U Thor <author@example.org>\n\
Subject: [PATCH] {subject}\n\
Date: Mon, 20 Nov 2023 10:00:00 +0000\n\
Message-ID: <{patch_id}>\n\
\n\
The patch.\n\
\n\
From mboxrd@z Thu Jan  1 00:00:00 1970\n\
From: Rita Viewer <rita@example.org>\n\
Subject: Re: [PATCH] {subject}\n\
Date: Mon, 20 Nov 2023 11:00:00 +0000\n\
Message-ID: <reply-{patch_id}>\n\
In-Reply-To: <{patch_id}>\n\
References: <{patch_id}>\n\
\n\
> The patch.\n\
\n\
{reply}\n\
\n"
    )
}

struct Fixture {
    repo: Repo,
    /// Fixes a bug the branch has; a reply says "not for stable".
    refused: String,
    /// Nothing argues for it in the message; a reply asks for stable.
    nominated: String,
    /// `Cc: stable` in the message; a reply says "no need to backport".
    tagged: String,
    _mail_dir: tempfile::TempDir,
    store: MailStore,
}

fn fixture() -> Fixture {
    let mut r = Repo::new();
    let bug = driver_with_bug(
        &mut r,
        &[
            ("drivers/net/c.c", "int c(void) { return 1; }\n"),
            ("drivers/net/d.c", "int d(void) { return 1; }\n"),
        ],
    );
    let refused = r.commit(
        &format!(
            "drv: fix division in foo\n\nFixes: {} (\"drv: add foo\")\nLink: https://lore.kernel.org/r/p1@example.org\nSigned-off-by: A U Thor <author@example.org>",
            &bug[..12]
        ),
        &[("drivers/net/a.c", &c_file(4, 1, "\treturn x;"))],
    );
    let nominated = r.commit(
        "drv: return 0 from c\n\nLink: https://lore.kernel.org/r/p2@example.org\nSigned-off-by: A U Thor <author@example.org>",
        &[("drivers/net/c.c", "int c(void) { return 0; }\n")],
    );
    let tagged = r.commit(
        "drv: return 0 from d\n\nLink: https://lore.kernel.org/r/p3@example.org\nCc: stable@dpdk.org\nSigned-off-by: A U Thor <author@example.org>",
        &[("drivers/net/d.c", "int d(void) { return 0; }\n")],
    );
    r.git(&["branch", "1.0", "v1.0"]);

    let mail_dir = tempfile::tempdir().unwrap();
    let mbox = mail_dir.path().join("list.mbox");
    let text = [
        thread_mbox(
            "p1@example.org",
            "drv: fix division in foo",
            "Nice, but this is not for stable: nobody can reach foo there.",
        ),
        thread_mbox(
            "p2@example.org",
            "drv: return 0 from c",
            "Users hit this on 1.0, please backport to stable.",
        ),
        thread_mbox(
            "p3@example.org",
            "drv: return 0 from d",
            "No need to backport this one.",
        ),
    ]
    .concat();
    std::fs::write(&mbox, text).unwrap();
    let mut store = MailStore::open(mail_dir.path().join("mail.db")).unwrap();
    import(&mut store, &[mbox], &ImportOptions::default()).unwrap();
    Fixture {
        repo: r,
        refused,
        nominated,
        tagged,
        _mail_dir: mail_dir,
        store,
    }
}

#[test]
fn the_lists_word_on_stable_decides() {
    let f = fixture();
    let (git, index) = common::open_index(&f.repo);
    let mut ctx = Context::new(&git, &index);
    ctx.mail = Some(&f.store);
    let mut without_mail = Context::new(&git, &index);
    without_mail.code = false;
    let model = threshold_model(0.5);

    // Refused on the list: the Fixes: target in the branch made it YES
    // without the list; with it, NO, and the model's YES does not count.
    let oid = git.resolve_commit(&f.refused).unwrap();
    let bare = collect(&without_mail, oid).unwrap();
    assert!(bare.thread.is_empty());
    assert_eq!(decide(&bare).branches[0].verdict, Some(Verdict::Yes));
    let ev = collect(&ctx, oid).unwrap();
    assert_eq!(
        ev.thread.iter().map(|s| s.kind).collect::<Vec<_>>(),
        vec![ThreadStatementKind::Refusal],
        "{:#?}",
        ev.records_of(4).collect::<Vec<_>>()
    );
    let rules = decide(&ev);
    let b = &rules.branches[0];
    assert_eq!(b.verdict, Some(Verdict::No));
    assert!(b.reason.contains("not for stable"), "{}", b.reason);
    let d = combine::with_model(&ev, rules, &model, &[("1.0".into(), 0.99)]);
    assert_eq!(d.branches[0].verdict, Some(Verdict::No));
    assert_eq!(d.branches[0].decided_by, DecidedBy::List);
    let said = d
        .records
        .iter()
        .find(|r| r.text.contains(combine::LIST_DECIDES))
        .expect("a record says the list decided");
    assert!(
        said.verified_by.contains("stablepick mail thread"),
        "{said:?}"
    );
    let s = synthesis::synthesize(&ev, &d);
    assert!(
        s.evidence_against
            .iter()
            .any(|p| p.text.starts_with("Stable refusal by")),
        "{s:#?}"
    );

    // Nominated on the list: nothing in the message argues for it, yet YES,
    // whatever the model says.
    let oid = git.resolve_commit(&f.nominated).unwrap();
    assert_eq!(
        decide(&collect(&without_mail, oid).unwrap()).branches[0].verdict,
        Some(Verdict::No)
    );
    let ev = collect(&ctx, oid).unwrap();
    let rules = decide(&ev);
    assert_eq!(rules.branches[0].verdict, Some(Verdict::Yes));
    assert!(
        rules.branches[0]
            .reason
            .contains("nominated for stable on the list")
    );
    let d = combine::with_model(&ev, rules, &model, &[("1.0".into(), 0.01)]);
    assert_eq!(d.branches[0].verdict, Some(Verdict::Yes));
    assert_eq!(d.branches[0].decided_by, DecidedBy::List);

    // The committed `Cc: stable` outranks a reply: the model decides as
    // for any commit.
    let oid = git.resolve_commit(&f.tagged).unwrap();
    let ev = collect(&ctx, oid).unwrap();
    assert_eq!(ev.thread.len(), 1);
    let rules = decide(&ev);
    assert_eq!(rules.branches[0].verdict, Some(Verdict::Yes));
    assert_eq!(rules.branches[0].decided_by, DecidedBy::Rules);
    let d = combine::with_model(&ev, rules, &model, &[("1.0".into(), 0.2)]);
    assert_eq!(d.branches[0].verdict, Some(Verdict::No));
    assert_eq!(d.branches[0].decided_by, DecidedBy::Model);
    assert!(
        !d.records
            .iter()
            .any(|r| r.text.contains(combine::LIST_DECIDES))
    );
}
