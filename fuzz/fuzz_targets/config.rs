//! `stablepick.toml`: any text reads to a sign-off, none, or an error,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stablepick_report::mbox::parse_signoff;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(Some(s)) = parse_signoff(&text) {
        assert!(!s.trim().is_empty());
    }
});
