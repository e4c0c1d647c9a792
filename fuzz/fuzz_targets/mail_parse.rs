//! Any bytes through the mbox splitter, the message parser, threading,
//! series assembly and trailer extraction: none of it may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stablepick_mail::mbox::{MboxFlavor, MboxReader};
use stablepick_mail::{Mailbox, parse_message};

fuzz_target!(|data: &[u8]| {
    let mut msgs = Vec::new();
    for raw in MboxReader::new(data, MboxFlavor::Rd).take(64) {
        let Ok(raw) = raw else { break };
        if let Some(m) = parse_message(&raw.bytes, None) {
            msgs.push(m);
        }
    }
    if let Some(m) = parse_message(data, None) {
        msgs.push(m);
    }
    let text = String::from_utf8_lossy(data);
    let _ = stablepick_mail::patch::patch_id(&text);
    let _ = stablepick_mail::pipermail::read_page(&text);
    msgs.extend(stablepick_mail::digest::parse_digest(&text));
    let mb = Mailbox::new(msgs);
    for s in mb.all_series() {
        let _ = mb.view(&s).to_json();
        let _ = mb.signals(&s);
        let _ = mb.changelog(&s);
        let _ = mb.revisions(&s);
    }
});
