//! Outside data never panics the parsers.
use proptest::prelude::*;
use stablepick_mail::mbox::{MboxFlavor, MboxReader};
use stablepick_mail::{Mailbox, parse_message};

fn mailish() -> impl Strategy<Value = Vec<u8>> {
    // Mostly header/MIME-shaped text with random bytes mixed in.
    let piece = prop_oneof![
        Just(b"From: a <a@b>\n".to_vec()),
        Just(b"Subject: =?utf-8?q?=C3=A9?= [PATCH v2 1/2] x\n".to_vec()),
        Just(b"Content-Type: multipart/mixed; boundary=b\n".to_vec()),
        Just(b"Content-Type: text/plain; format=flowed; delsp=yes\n".to_vec()),
        Just(b"Content-Transfer-Encoding: base64\n".to_vec()),
        Just(b"Content-Transfer-Encoding: quoted-printable\n".to_vec()),
        Just(b"--b\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"From x Mon Jan 1 00:00:00 2024\n".to_vec()),
        Just(b">From y\n".to_vec()),
        Just(b"Message-ID: <a@b>\nIn-Reply-To: <a@b>\n".to_vec()),
        Just(b"Date: 99 Foo 2024 99:99\n".to_vec()),
        Just(b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n".to_vec()),
        Just(b"> Reviewed-by: q <q@q>\nNAK\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn parse_never_panics(raw in mailish()) {
        if let Some(m) = parse_message(&raw, None) {
            prop_assert!(!m.message_id.is_empty());
            let mb = Mailbox::new(vec![m.clone(), m]);
            for s in mb.all_series() {
                let _ = mb.view(&s).to_json();
                let _ = mb.changelog(&s);
                let _ = mb.signals(&s);
            }
        }
    }

    #[test]
    fn mbox_split_never_panics_and_is_bounded(raw in mailish()) {
        let mut total = 0;
        for m in MboxReader::new(&raw[..], MboxFlavor::Rd) {
            let m = m.unwrap();
            prop_assert!(m.end >= m.offset);
            prop_assert!(m.end as usize <= raw.len());
            total += m.bytes.len();
        }
        prop_assert!(total <= raw.len());
    }

    #[test]
    fn text_helpers_never_panic(s in "\\PC*") {
        let _ = stablepick_mail::subject::parse_subject(&s);
        let _ = stablepick_mail::patch::patch_id(&s);
        let _ = stablepick_mail::patch::changelog(&s);
        let _ = stablepick_mail::patch::diffstat(&s);
        let _ = stablepick_mail::parse::parse_date_lenient(&s);
        let _ = stablepick_mail::parse::unflow(&s, true);
        let _ = stablepick_mail::link::msgid_from_url(&s);
        let _ = stablepick_mail::pipermail::read_page(&s);
        let _ = stablepick_mail::digest::parse_digest(&s);
    }
}
