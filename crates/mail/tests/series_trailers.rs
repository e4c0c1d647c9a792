mod common;
use common::*;
use stablepick_mail::{Mailbox, parse_message};

fn build(extra: Vec<M>) -> Mailbox {
    let s = series(1);
    let mut msgs: Vec<M> = s
        .iter()
        .enumerate()
        .map(|(i, (id, subj, body))| {
            let m = M::new(id, ALICE, subj, body);
            if i > 0 { m.reply_to("s1-0@x") } else { m }
        })
        .collect();
    msgs.extend(extra);
    Mailbox::new(
        msgs.iter()
            .map(|m| parse_message(m.rfc822().as_bytes(), None).unwrap())
            .collect(),
    )
}

#[test]
fn b4_trailer_semantics() {
    let mb = build(vec![
        // Reply to the cover: applies to every patch.
        M::new("r1@x", BOB, "Re: [PATCH 0/3] mm: tidy the allocator", "> This series tidies.\n\nFor the series:\nReviewed-by: Bob Reviewer <bob@example.org>\n")
            .reply_to("s1-0@x"),
        // Reply to patch 2 only; the quoted trailer is someone else's.
        M::new("r2@x", CAROL, "Re: [PATCH 2/3] mm: step 2", "> Acked-by: Quoted Person <q@example.org>\nTested-by: Carol Tester <carol@example.org>\n")
            .reply_to("s1-2@x"),
        // Reply to a reply under patch 3.
        M::new("r3@x", BOB, "Re: [PATCH 3/3] mm: step 3", "question?\n").reply_to("s1-3@x"),
        M::new("r4@x", "Dan <dan@example.org>", "Re: [PATCH 3/3] mm: step 3", "Acked-by: Dan <dan@example.org>\n").reply_to("r3@x"),
    ]);
    let s = mb.newest_revision_of(mb.get("s1-2@x").unwrap()).unwrap();
    assert_eq!(s.patches.len(), 3);
    let view = mb.view(&s);
    assert_eq!(view.version, 1);
    assert_eq!(view.cover.as_ref().unwrap().message_id, "s1-0@x");
    let t: Vec<Vec<&str>> = view
        .patches
        .iter()
        .map(|p| p.trailers.iter().map(|s| s.as_str()).collect())
        .collect();
    assert_eq!(
        t[0],
        vec![
            "Signed-off-by: Alice Dev <alice@example.org>",
            "Reviewed-by: Bob Reviewer <bob@example.org>"
        ]
    );
    assert_eq!(
        t[1],
        vec![
            "Fixes: 0123456789ab (\"mm: old\")",
            "Signed-off-by: Alice Dev <alice@example.org>",
            "Reviewed-by: Bob Reviewer <bob@example.org>",
            "Tested-by: Carol Tester <carol@example.org>"
        ]
    );
    assert!(t[2].contains(&"Acked-by: Dan <dan@example.org>"));
    assert!(!t.iter().flatten().any(|x| x.contains("Quoted Person")));
    assert!(!t[0].contains(&"Tested-by: Carol Tester <carol@example.org>"));

    let json = view.to_json();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["cover", "patches", "version"]);
    let p0 = json["patches"][0].as_object().unwrap();
    let mut pk: Vec<&String> = p0.keys().collect();
    pk.sort();
    assert_eq!(pk, vec!["author", "message_id", "subject", "trailers"]);
    assert_eq!(
        json["patches"][0]["author"],
        "Alice Dev <alice@example.org>"
    );
}

#[test]
fn revision_chain_v1_to_v3() {
    let mut all = Vec::new();
    for rev in [1, 2, 3] {
        for (i, (id, subj, body)) in series(rev).into_iter().enumerate() {
            let raw = M {
                id: &id,
                from: ALICE,
                subject: &subj,
                irt: (i > 0).then_some(format!("s{rev}-0@x")).as_deref(),
                date: &format!("Mon, {} Nov 2023 10:00:0{i} +0000", 10 + rev),
                body: &body,
            }
            .rfc822();
            all.push(parse_message(raw.as_bytes(), None).unwrap());
        }
    }
    // Someone else's series with the same subject is not a revision.
    let other = M::new("o@x", BOB, "[PATCH v9 0/3] mm: tidy the allocator", "x\n").rfc822();
    all.push(parse_message(other.as_bytes(), None).unwrap());
    let mb = Mailbox::new(all);
    let v1 = mb.series_of(mb.get("s1-2@x").unwrap()).unwrap();
    assert_eq!(v1.revision, 1);
    let revs: Vec<u32> = mb.revisions(&v1).iter().map(|s| s.revision).collect();
    assert_eq!(revs, vec![1, 2, 3]);
    let newest = mb.newest_revision_of(mb.get("s1-1@x").unwrap()).unwrap();
    assert_eq!(newest.revision, 3);
    assert_eq!(mb.messages[newest.cover.unwrap()].message_id, "s3-0@x");
    let log = mb.changelog(&newest);
    assert_eq!(log[0].revision, Some(3));
    assert_eq!(log[0].lines, vec!["- change number 3"]);
}

#[test]
fn nominations_and_objections_are_found() {
    let mb = build(vec![
        M::new(
            "n@x",
            BOB,
            "Re: [PATCH 2/3] mm: step 2",
            "> Step 2\nThis should go to stable, it fixes a crash.\n",
        )
        .reply_to("s1-2@x"),
        M::new(
            "k@x",
            CAROL,
            "Re: [PATCH 2/3] mm: step 2",
            "> please backport\nNAK, this is wrong.\n",
        )
        .reply_to("s1-2@x"),
    ]);
    let s = mb.series_of(mb.get("s1-2@x").unwrap()).unwrap();
    let sig = mb.signals(&s);
    use stablepick_mail::series::SignalKind::*;
    let noms: Vec<_> = sig.iter().filter(|s| s.kind == StableNomination).collect();
    let objs: Vec<_> = sig.iter().filter(|s| s.kind == Objection).collect();
    assert_eq!(noms.len(), 1);
    assert_eq!(noms[0].reply_id, "n@x");
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0].line, "NAK, this is wrong.");
}
