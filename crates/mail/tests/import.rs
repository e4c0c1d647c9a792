mod common;
use common::*;
use stablepick_mail::{CommitForMail, ImportOptions, LinkMethod, MailStore, import, phase4};
use std::io::Write;
use std::path::Path;

fn opts() -> ImportOptions {
    ImportOptions {
        batch: 2,
        ..Default::default()
    }
}

fn series_msgs() -> Vec<(String, String, String)> {
    series(1)
}

fn series_mbox(extra: &[M]) -> String {
    let s = series_msgs();
    let mut msgs: Vec<M> = s
        .iter()
        .enumerate()
        .map(|(i, (id, subj, body))| {
            let m = M::new(id, ALICE, subj, body);
            if i > 0 { m.reply_to("s1-0@x") } else { m }
        })
        .collect();
    for m in extra {
        msgs.push(M { ..*m });
    }
    mbox(&msgs)
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[test]
fn mbox_import_is_resumable_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mb = dir.path().join("list.mbox");
    let full = series_mbox(&[M::new(
        "r@x",
        BOB,
        "Re: [PATCH 1/3] mm: step 1",
        "Reviewed-by: Bob Reviewer <bob@example.org>\n",
    )
    .reply_to("s1-1@x")]);
    // Cut after the second message, as if the archive was still growing
    // (or the import was killed after its first transaction).
    let cut = full.match_indices("\nFrom mboxrd@z").nth(1).unwrap().0 + 1;
    write(&mb, &full[..cut]);
    let mut store = MailStore::open(&db).unwrap();
    let st = import(&mut store, std::slice::from_ref(&mb), &opts()).unwrap();
    assert_eq!((st.read, st.new), (2, 2));
    write(&mb, &full);
    let st = import(&mut store, std::slice::from_ref(&mb), &opts()).unwrap();
    assert_eq!(st.read, 3, "resumed after the stored position");
    assert_eq!(st.new, 3);
    assert_eq!(store.count().unwrap(), 5);
    let st = import(&mut store, std::slice::from_ref(&mb), &opts()).unwrap();
    assert_eq!((st.read, st.new), (0, 0));
    // A replaced file (position no longer at a message start) is re-read
    // from the top, and the key skips what is stored.
    write(&mb, &format!("\n\n\n{full}"));
    let st = import(&mut store, std::slice::from_ref(&mb), &opts()).unwrap();
    assert_eq!((st.read, st.new), (5, 0));
    drop(store);
    // Reopen: everything is still there and threaded.
    let store = MailStore::open(&db).unwrap();
    assert_eq!(store.count().unwrap(), 5);
    assert_eq!(
        store.thread_id("r@x").unwrap(),
        store.thread_id("s1-0@x").unwrap()
    );
    let (mbx, i) = store.mailbox_for("s1-1@x").unwrap().unwrap();
    let s = mbx.newest_revision_of(i).unwrap();
    let v = mbx.view(&s);
    assert_eq!(
        v.patches[0].trailers.last().unwrap(),
        "Reviewed-by: Bob Reviewer <bob@example.org>"
    );
}

#[test]
fn gz_mboxrd_unescaping_and_odd_messages() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}{}{}{}",
        mbox(&[M::new(
            "a@x",
            ALICE,
            "=?utf-8?b?SMOpbGxv?= world",
            "line\nFrom the start\n>From quoted\n"
        )]),
        // No Message-ID, unparseable date.
        "From x Thu Jan  4 00:00:00 2024\nFrom: nobody@example.org\nSubject: no id\nDate: someday\n\nbody\n\n",
        // Same Message-ID, different content: both kept, first wins look-ups.
        mbox(&[M::new("a@x", BOB, "impostor", "other\n")]),
        // Exact duplicate: stored once.
        mbox(&[M::new(
            "a@x",
            ALICE,
            "=?utf-8?b?SMOpbGxv?= world",
            "line\nFrom the start\n>From quoted\n"
        )]),
    );
    let gz = dir.path().join("list.mbox.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
    let mut store = MailStore::open(dir.path().join("m.db")).unwrap();
    let st = import(&mut store, &[gz], &opts()).unwrap();
    assert_eq!(st.read, 4);
    assert_eq!(st.new, 3);
    let a = store.message("a@x").unwrap().unwrap();
    assert_eq!(a.subject, "Héllo world");
    assert_eq!(a.body, "line\nFrom the start\n>From quoted\n");
    let hits = store.search("subject:no", 10).unwrap();
    assert_eq!(hits.len(), 1);
    let m = store.message(&hits[0].message_id).unwrap().unwrap();
    assert!(m.synthetic_id);
    assert_eq!(
        m.date,
        Some(1_704_326_400),
        "fell back to the From_ line date"
    );
}

#[test]
fn maildir_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    write(
        &md.join("cur/1.a:2,S"),
        &M::new(
            "m1@x",
            ALICE,
            "[PATCH] net: fix a leak in foo_open",
            "The leak.\n",
        )
        .date("Tue, 2 Jan 2024 10:00:00 +0000")
        .rfc822(),
    );
    write(
        &md.join("new/2.b"),
        &M::new(
            "m2@x",
            BOB,
            "Re: [PATCH] net: fix a leak in foo_open",
            "> The leak.\nLooks right.\n",
        )
        .reply_to("m1@x")
        .date("Wed, 3 Jan 2024 10:00:00 +0000")
        .rfc822(),
    );
    write(
        &md.join("tmp/3.c"),
        &M::new("m3@x", BOB, "half-delivered", "x\n").rfc822(),
    );
    let mut store = MailStore::open(dir.path().join("m.db")).unwrap();
    let st = import(&mut store, std::slice::from_ref(&md), &opts()).unwrap();
    assert_eq!(st.new, 2);
    let ids = |q: &str| -> Vec<String> {
        store
            .search(q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.message_id)
            .collect()
    };
    assert_eq!(ids("leak"), vec!["m2@x", "m1@x"]);
    assert_eq!(ids("from:bob leak"), vec!["m2@x"]);
    assert_eq!(ids("subject:leak since:2024-01-03"), vec!["m2@x"]);
    assert_eq!(ids("leak until:2024-01-02"), vec!["m1@x"]);
    assert!(ids("nonexistentword").is_empty());
    assert!(store.search("since:yesterday", 10).is_err());
}

#[test]
fn public_inbox_v2_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let pi = dir.path().join("inbox");
    let repo = git2::Repository::init_bare(pi.join("git/0.git")).unwrap();
    let sig = git2::Signature::now("pi", "pi@example.org").unwrap();
    let mut parent: Option<git2::Oid> = None;
    let msgs = [
        M::new(
            "p1@x",
            ALICE,
            "[PATCH] fs: fix",
            &patch_body("Fix.", &format!("Signed-off-by: {ALICE}")),
        )
        .rfc822(),
        M::new(
            "p2@x",
            BOB,
            "Re: [PATCH] fs: fix",
            "Acked-by: Bob Reviewer <bob@example.org>\n",
        )
        .reply_to("p1@x")
        .rfc822(),
    ];
    for raw in &msgs {
        let blob = repo.blob(raw.as_bytes()).unwrap();
        let mut tb = repo.treebuilder(None).unwrap();
        tb.insert("m", blob, 0o100644).unwrap();
        let tree = repo.find_tree(tb.write().unwrap()).unwrap();
        let parents: Vec<git2::Commit> = parent
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let prefs: Vec<&git2::Commit> = parents.iter().collect();
        parent = Some(
            repo.commit(Some("HEAD"), &sig, &sig, "msg", &tree, &prefs)
                .unwrap(),
        );
    }
    let mut store = MailStore::open(dir.path().join("m.db")).unwrap();
    let st = import(&mut store, std::slice::from_ref(&pi), &opts()).unwrap();
    assert_eq!(st.new, 2);
    let st = import(&mut store, std::slice::from_ref(&pi), &opts()).unwrap();
    assert_eq!(st.read, 0, "resumed after the last imported commit");
    let (mb, i) = store.mailbox_for("p1@x").unwrap().unwrap();
    let s = mb.newest_revision_of(i).unwrap();
    assert_eq!(
        mb.view(&s).patches[0].trailers,
        vec![
            "Signed-off-by: Alice Dev <alice@example.org>",
            "Acked-by: Bob Reviewer <bob@example.org>"
        ]
    );
}

const PIPERMAIL: &str = "From tpearson at raptorengineering.com  Mon Nov 20 19:00:00 2023
From: tpearson at raptorengineering.com (Timothy Pearson)
Date: Mon, 20 Nov 2023 19:00:00 -0600 (CST)
Subject: [PATCH v2] powerpc: Don't clobber fr0/vs0 during fp|altivec register save

During floating point and vector save to thread data fr0/vs0 are clobbered
by the FPSCR/VSCR store routine.

Signed-off-by: Timothy Pearson <tpearson at raptorengineering.com>

From mpe at ellerman.id.au  Tue Nov 21 10:00:00 2023
From: mpe at ellerman.id.au (Michael Ellerman)
Date: Tue, 21 Nov 2023 10:00:00 +1100
Subject: [PATCH v2] powerpc: Don't clobber fr0/vs0 during fp|altivec register save

> During floating point and vector save to thread data fr0/vs0 are clobbered
> by the FPSCR/VSCR store routine.
So tldr I think the corruption is only an issue since io-uring started doing
the clone via signal.

From tpearson at raptorengineering.com  Tue Nov 21 12:23:57 2023
From: tpearson at raptorengineering.com (Timothy Pearson)
Date: Tue, 21 Nov 2023 12:23:57 +1100
Subject: [PATCH v2] powerpc: Don't clobber fr0/vs0 during fp|altivec register save

>> During floating point and vector save to thread data fr0/vs0 are clobbered
> So tldr I think the corruption is only an issue since io-uring started doing
> the clone via signal.
Yeah, you're right.  Once this is backported to stable I'll need to get the
kernels updated on those boxes.

";

#[test]
fn pipermail_archive_threads_by_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("2023-November.txt.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&p).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(PIPERMAIL.as_bytes()).unwrap();
    enc.finish().unwrap();
    let mut store = MailStore::open(dir.path().join("m.db")).unwrap();
    let st = import(&mut store, std::slice::from_ref(&p), &opts()).unwrap();
    assert_eq!(st.new, 3);
    let hits = store.search("from:mpe@ellerman.id.au", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].author, "Michael Ellerman <mpe@ellerman.id.au>");
    let mpe = store.message(&hits[0].message_id).unwrap().unwrap();
    let hits = store.search("backported", 10).unwrap();
    let last = store.message(&hits[0].message_id).unwrap().unwrap();
    // The last message quotes Michael's text, so it answers Michael.
    assert_eq!(last.in_reply_to.as_deref(), Some(mpe.message_id.as_str()));
    let (mb, i) = store.mailbox_for(&last.message_id).unwrap().unwrap();
    assert_eq!(mb.thread_members(i).len(), 3);
    let s = mb.series_of(i).unwrap();
    let sig = mb.signals(&s);
    assert!(sig.iter().any(|x| x.line.contains("backported to stable")));
}

#[test]
fn pipermail_page_and_digest() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("msg.txt");
    write(
        &page,
        "[PATCH v2] powerpc: Don't clobber fr0/vs0 during fp|altivec register save\n\nTimothy Pearson tpearson at raptorengineering.com\nTue Nov 21 12:23:57 AEDT 2023\n\n> ...\n> fr0 is not live there.\n\nYeah, you're right.\n",
    );
    let digest = dir.path().join("digest.md");
    write(
        &digest,
        "\n\n#### [PATCHv2 00/10] vfio/mdev: Improve vfio/mdev core module\n##### From: Parav Pandit <parav@mellanox.com>\n\n```c\n\nThis series is prep-work.\n---\nChangelog:\n---\nv1->v2:\n - Addressed comments from Alex\n - Rebased\nv0->v1:\n - Dropped device placement\n\nParav Pandit (10):\n  vfio/mdev: Avoid release parent reference during error path\n```\n",
    );
    let mut store = MailStore::open(dir.path().join("m.db")).unwrap();
    let st = import(&mut store, &[page, digest], &opts()).unwrap();
    assert_eq!(st.new, 2);
    let h = store.search("from:tpearson", 10).unwrap();
    assert_eq!(h.len(), 1);
    let m = store.message(&h[0].message_id).unwrap().unwrap();
    assert_eq!(m.from_name, "Timothy Pearson");
    assert_eq!(m.date, Some(1_700_529_837));
    let h = store.search("from:parav", 10).unwrap();
    let (mb, i) = store.mailbox_for(&h[0].message_id).unwrap().unwrap();
    let s = mb.series_of(i).unwrap();
    assert_eq!((s.revision, s.expected, s.cover), (2, 10, Some(i)));
    let log = mb.changelog(&s);
    assert_eq!(
        log.iter().map(|e| e.revision).collect::<Vec<_>>(),
        vec![Some(2), Some(1)]
    );
}

#[test]
fn linking_and_phase4() {
    let dir = tempfile::tempdir().unwrap();
    let mbp = dir.path().join("list.mbox");
    write(
        &mbp,
        &series_mbox(&[
            M::new("r@x", BOB, "Re: [PATCH 0/3] mm: tidy the allocator", "Reviewed-by: Bob Reviewer <bob@example.org>\nCc: stable please, this should go to stable.\n").reply_to("s1-0@x"),
            M::new("n@x", CAROL, "Re: [PATCH 2/3] mm: step 2", "> Step 2\nNAK: this breaks my box.\n").reply_to("s1-2@x"),
        ]),
    );
    let db = dir.path().join("m.db");
    let mut store = MailStore::open(&db).unwrap();
    import(&mut store, &[mbp], &opts()).unwrap();

    let diff2 = DIFF.replace("return 1;", "return 2;");
    let base = CommitForMail {
        sha: "abcdef0123456789".into(),
        subject: "mm: step 2".into(),
        author_name: "Alice Dev".into(),
        author_email: "alice@example.org".into(),
        message: "mm: step 2\n\nStep 2.\n".into(),
        patch_id: None,
        diff: None,
    };
    let by_link = CommitForMail {
        message: "mm: step 2\n\nLink: https://patch.msgid.link/s1-2@x\n".into(),
        ..base.clone()
    };
    let l = stablepick_mail::find_thread(&store, &by_link)
        .unwrap()
        .unwrap();
    assert_eq!(l.message_id, "s1-2@x");
    assert!(matches!(l.method, LinkMethod::LinkTrailer { .. }));
    let by_pid = CommitForMail {
        subject: "mm: reworded".into(),
        diff: Some(diff2),
        ..base.clone()
    };
    let l = stablepick_mail::find_thread(&store, &by_pid)
        .unwrap()
        .unwrap();
    assert_eq!(l.message_id, "s1-2@x");
    assert!(matches!(l.method, LinkMethod::PatchId { .. }));
    let l = stablepick_mail::find_thread(&store, &base)
        .unwrap()
        .unwrap();
    assert_eq!(
        (l.message_id.as_str(), l.method),
        ("s1-2@x", LinkMethod::SubjectAuthor)
    );

    let f = phase4(&store, &by_link);
    let text: Vec<&str> = f.iter().map(|f| f.text.as_str()).collect();
    let all = text.join("\n");
    assert!(
        all.contains("via the commit's Link/Closes trailer https://patch.msgid.link/s1-2@x"),
        "{all}"
    );
    assert!(all.contains("patch 2/3 of revision v1"), "{all}");
    assert!(all.contains("Companion patch 1/3 \"mm: step 1\""), "{all}");
    assert!(
        all.contains("Reviewed-by: Bob Reviewer <bob@example.org>"),
        "{all}"
    );
    assert!(all.contains("Stable nomination by Bob Reviewer"), "{all}");
    assert!(all.contains("Objection by Carol Tester"), "{all}");
    assert!(all.contains("No newer revision"), "{all}");
    let dbq = format!("--db '{}'", db.display());
    assert!(
        f.iter()
            .all(|f| f.verified_by.starts_with("stablepick mail ") && f.verified_by.contains(&dbq))
    );

    let none = CommitForMail {
        subject: "x: unrelated".into(),
        message: "x: unrelated\n".into(),
        ..base
    };
    let f = phase4(&store, &none);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].text.starts_with("No mailing-list thread found"),
        "{}",
        f[0].text
    );
    assert!(f[0].text.contains("no Link:/Closes: trailer"));
}
