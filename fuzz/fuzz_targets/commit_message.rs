//! Commit messages, `Fixes:` values, stable Cc hints, subjects, tag and
//! branch names, C sources for the function scanner and the model's message
//! and path features: none of them may panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stablepick_repo::{cfunc, message, release};
use stablepick_verdict::features;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = message::parse(&text);
    let _ = message::has_tested_by_line(&text);
    // A backport line's template names the id's place once.
    if let Some((line, _)) = message::backport_line_template(&text) {
        assert_eq!(line.matches("{sha}").count(), 1, "{line}");
        assert!(!parsed.backport_of.is_empty());
    }
    let _ = message::subject_parts(&parsed.subject);
    let _ = parsed.fixes_naming_no_commit();
    // Normalising twice changes nothing: pairing is by the normal form.
    let once = message::normalize_subject(&parsed.subject);
    assert_eq!(message::normalize_subject(&once), once);
    for id in message::commit_ids(&text) {
        assert!((7..=40).contains(&id.len()));
    }
    // Pull request numbers: at least 10, at most seven digits.
    let _ = message::github_repos_of_urls(text.lines());
    for n in message::pull_request_refs(&text, &["o/r".to_string()]) {
        assert!((10..10_000_000).contains(&n), "{n}");
    }
    for line in text.lines() {
        let _ = message::parse_fixes_value(line);
        let _ = message::parse_stable_cc(line);
        let _ = release::release_version(line);
        let _ = release::stable_branch_base(line);
        if let Some(g) = release::guess_branch_version(line) {
            let _ = release::named_release_tag(&g.version, text.lines());
        }
        let _ = release::TagStyle::learn(line).map(|s| s.version(line));
        if let Some(n) = message::pull_request_of_subject(line) {
            assert!(n < 10_000_000, "{n}");
        }
    }
    let _ = release::dominant_style(text.lines());
    let _ = cfunc::enclosing_functions(&text, &[1, 10, 100]);
    let _ = features::mentions_bug_report(&text.to_ascii_lowercase());
    for line in text.lines() {
        let _ = features::component(line);
    }
});
