//! The bulk import path (indexes after the rows, full-text index in one
//! deferred pass) must answer exactly like a store written message by
//! message, and an import stopped after some batches must resume to the
//! same store, full-text index included.
mod common;
use common::*;
use stablepick_mail::{
    ImportControl, ImportOptions, MailStore, MboxFlavor, import, import_with, read_mailbox_file,
};
use std::path::Path;

fn archive() -> String {
    let mut msgs: Vec<M> = Vec::new();
    let s1 = series(1);
    let s2 = series(2);
    for (i, (id, subj, body)) in s1.iter().enumerate() {
        let m = M::new(id, ALICE, subj, body);
        msgs.push(if i > 0 { m.reply_to("s1-0@x") } else { m });
    }
    msgs.push(
        M::new(
            "r1@x",
            BOB,
            "Re: [PATCH 2/3] mm: step 2",
            "> Step 2 of the tidy-up quotedonlyword.\nLooks fine, zanzibar.\nReviewed-by: Bob Reviewer <bob@example.org>\n",
        )
        .reply_to("s1-2@x")
        .date("Tue, 21 Nov 2023 10:00:00 +0000"),
    );
    msgs.push(
        M::new(
            "r2@x",
            CAROL,
            "Re: [PATCH 0/3] mm: tidy the allocator",
            "For the series:\nTested-by: Carol Tester <carol@example.org>\nThis should go to stable.\n",
        )
        .reply_to("s1-0@x")
        .date("Wed, 22 Nov 2023 10:00:00 +0000"),
    );
    for (i, (id, subj, body)) in s2.iter().enumerate() {
        let m = M::new(id, ALICE, subj, body).date("Thu, 23 Nov 2023 10:00:00 +0000");
        msgs.push(if i > 0 { m.reply_to("s2-0@x") } else { m });
    }
    // An exact duplicate (stored once) and a Message-ID reused by other
    // content (both stored, the first answers look-ups).
    msgs.push(
        M::new(
            "r1@x",
            BOB,
            "Re: [PATCH 2/3] mm: step 2",
            "> Step 2 of the tidy-up quotedonlyword.\nLooks fine, zanzibar.\nReviewed-by: Bob Reviewer <bob@example.org>\n",
        )
        .reply_to("s1-2@x")
        .date("Tue, 21 Nov 2023 10:00:00 +0000"),
    );
    msgs.push(M::new("r2@x", BOB, "impostor zanzibar", "other\n"));
    msgs.push(
        M::new(
            "u@x",
            "=?utf-8?q?J=C3=B6rg_R=C3=B6del?= <joro@example.org>",
            "[PATCH] iommu: f\u{fc}r alle",
            "Sch\u{f6}ne Gr\u{fc}\u{df}e, zanzibar.\n",
        )
        .date("Fri, 24 Nov 2023 10:00:00 +0000"),
    );
    mbox(&msgs)
}

const QUERIES: [&str; 10] = [
    "zanzibar",
    "tidy",
    "quotedonlyword",
    "from:bob",
    "from:alice step",
    "subject:step",
    "subject:tidy since:2023-11-22",
    "zanzibar until:2023-11-21",
    "Grüße",
    "Jörg",
];

const IDS: [&str; 12] = [
    "s1-0@x", "s1-1@x", "s1-2@x", "s1-3@x", "r1@x", "r2@x", "s2-0@x", "s2-1@x", "s2-2@x", "s2-3@x",
    "u@x", "nope@x",
];

/// Everything a user can ask of a store, as text.
fn answers(store: &MailStore) -> Vec<String> {
    let mut out = vec![format!("count {}", store.count().unwrap())];
    for q in QUERIES {
        out.push(format!("search {q}: {:?}", store.search(q, 50).unwrap()));
    }
    for id in IDS {
        out.push(format!("message {id}: {:?}", store.message(id).unwrap()));
        let th = store.thread_id(id).unwrap();
        out.push(format!("thread {id}: {th:?}"));
        if let Some(t) = th {
            let ids: Vec<String> = store
                .thread_messages(t)
                .unwrap()
                .into_iter()
                .map(|m| m.message_id)
                .collect();
            out.push(format!("members {id}: {ids:?}"));
        }
        if let Some((mb, i)) = store.mailbox_for(id).unwrap() {
            let s = mb.newest_revision_of(i);
            out.push(format!(
                "series {id}: {:?}",
                s.map(|s| mb.view(&s).to_json())
            ));
        }
    }
    out.push(format!(
        "patch-id: {:?}",
        store.by_subject("step 2").unwrap()
    ));
    out
}

/// A store written message by message, the full-text index in each
/// batch's own transaction.
fn reference(mbox_path: &Path, db: &Path) -> MailStore {
    let msgs = read_mailbox_file(mbox_path, MboxFlavor::Rd).unwrap();
    let mut store = MailStore::open(db).unwrap();
    for chunk in msgs.chunks(2) {
        store.insert_batch(chunk, None).unwrap();
    }
    store.rethread().unwrap();
    store
}

fn opts() -> ImportOptions {
    ImportOptions {
        batch: 2,
        ..Default::default()
    }
}

#[test]
fn bulk_store_answers_like_a_row_by_row_store() {
    let dir = tempfile::tempdir().unwrap();
    let mb = dir.path().join("list.mbox");
    std::fs::write(&mb, archive()).unwrap();
    let want = answers(&reference(&mb, &dir.path().join("ref.db")));
    assert!(
        want.iter()
            .any(|l| l.contains("zanzibar") && l.contains("r1@x"))
    );
    assert!(
        want.iter()
            .any(|l| l.starts_with("search quotedonlyword: []")),
        "quoted lines are not indexed"
    );

    let mut bulk = MailStore::open(dir.path().join("bulk.db")).unwrap();
    let st = import(&mut bulk, std::slice::from_ref(&mb), &opts()).unwrap();
    assert_eq!((st.read, st.new, st.fts_indexed), (13, 12, 12));
    assert!(bulk.fts_complete().unwrap());
    assert_eq!(answers(&bulk), want);

    let mut plain = MailStore::open(dir.path().join("plain.db")).unwrap();
    let ctl = ImportControl {
        bulk_load: false,
        ..Default::default()
    };
    import_with(&mut plain, std::slice::from_ref(&mb), &opts(), &ctl).unwrap();
    assert_eq!(answers(&plain), want);

    // Reopened from disk, a bulk-built store still answers the same.
    drop(bulk);
    let bulk = MailStore::open(dir.path().join("bulk.db")).unwrap();
    assert_eq!(answers(&bulk), want);
}

#[test]
fn interrupted_bulk_import_resumes_with_complete_fts() {
    let dir = tempfile::tempdir().unwrap();
    let mb = dir.path().join("list.mbox");
    std::fs::write(&mb, archive()).unwrap();
    let want = answers(&reference(&mb, &dir.path().join("ref.db")));
    let stop = ImportControl {
        stop_after_batches: Some(3),
        ..Default::default()
    };

    // Killed after three batches, then the same import run again on the
    // same handle: it finishes indexes and full text, then resumes.
    let db = dir.path().join("a.db");
    let mut store = MailStore::open(&db).unwrap();
    let st = import_with(&mut store, std::slice::from_ref(&mb), &opts(), &stop).unwrap();
    assert!(st.interrupted);
    assert_eq!((st.read, st.new, st.fts_indexed), (6, 6, 0));
    assert!(!store.fts_complete().unwrap(), "full text left for later");
    let st = import(&mut store, std::slice::from_ref(&mb), &opts()).unwrap();
    assert!(!st.interrupted);
    assert_eq!(st.read, 7, "resumed after the stored position");
    assert_eq!((st.new, st.fts_indexed), (6, 12));
    assert!(store.fts_complete().unwrap());
    assert_eq!(answers(&store), want);
    let st = import(&mut store, std::slice::from_ref(&mb), &opts()).unwrap();
    assert_eq!((st.read, st.new, st.fts_indexed), (0, 0, 0));

    // Killed, then reopened: opening completes the store (indexes and
    // full text) before anything else, and a re-run adds the rest.
    let db = dir.path().join("b.db");
    let mut store = MailStore::open(&db).unwrap();
    import_with(&mut store, std::slice::from_ref(&mb), &opts(), &stop).unwrap();
    drop(store);
    let mut store = MailStore::open(&db).unwrap();
    assert!(store.fts_complete().unwrap());
    assert_eq!(store.search("tidy", 50).unwrap().len(), 5);
    let st = import(&mut store, std::slice::from_ref(&mb), &opts()).unwrap();
    assert_eq!((st.read, st.new), (7, 6));
    assert_eq!(answers(&store), want);

    // Killed in the middle of a non-bulk import into a store that already
    // had messages (a prefix of the archive): same end state.
    let db = dir.path().join("c.db");
    let prefix = dir.path().join("prefix.mbox");
    let full = archive();
    let cut = full.match_indices("\nFrom mboxrd@z").nth(4).unwrap().0 + 1;
    std::fs::write(&prefix, &full[..cut]).unwrap();
    let mut store = MailStore::open(&db).unwrap();
    let st = import(&mut store, std::slice::from_ref(&prefix), &opts()).unwrap();
    assert_eq!(st.new, 5);
    // The archive grows; the import of the grown file is killed.
    std::fs::rename(&prefix, dir.path().join("old")).unwrap();
    std::fs::write(&prefix, &full).unwrap();
    let st = import_with(&mut store, std::slice::from_ref(&prefix), &opts(), &stop).unwrap();
    assert!(st.interrupted);
    assert_eq!((st.read, st.new), (6, 5));
    assert!(!store.fts_complete().unwrap());
    let st = import(&mut store, std::slice::from_ref(&prefix), &opts()).unwrap();
    assert_eq!((st.read, st.new, st.fts_indexed), (2, 2, 7));
    assert!(store.fts_complete().unwrap());
    assert_eq!(answers(&store), want);
}
