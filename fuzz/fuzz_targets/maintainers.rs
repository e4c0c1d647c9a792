//! MAINTAINERS and CODEOWNERS text and paths: `parse`, `matching` and
//! `owner_of` must not panic on any bytes, and matches must come out most
//! specific first.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stablepick_evidence::{codeowners, maintainers};

fuzz_target!(|data: &[u8]| {
    // The first line is the path to match; the rest is the file.
    let text = String::from_utf8_lossy(data);
    let (path, file) = text.split_once('\n').unwrap_or((&text, ""));
    let sections = maintainers::parse(file);
    let found = maintainers::matching(&sections, path);
    assert!(
        found
            .windows(2)
            .all(|w| w[0].specificity >= w[1].specificity)
    );
    let rules = codeowners::parse(file);
    if let Some(r) = codeowners::owner_of(&rules, path) {
        assert!(rules.iter().any(|x| x.line == r.line));
    }
    for r in &rules {
        let _ = codeowners::owner_of(&rules, &r.pattern);
    }
    for s in &sections {
        for f in s.files.iter().chain(&s.excludes) {
            let _ = maintainers::matching(&sections, f);
        }
    }
});
