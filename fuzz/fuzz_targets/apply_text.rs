//! The in-memory patch application (`apply::apply_text`) on file contents
//! from anywhere: a diff of two texts must turn the first into the second,
//! and hunks that claim anything must never panic it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stablepick_repo::apply::{Applies, LineKind, TextHunk, apply_text, diff_hunks};

/// Hunks read from raw bytes: header numbers, then lines whose first byte
/// picks context, addition or deletion. What they claim need not be true.
fn arbitrary_hunks(data: &[u8]) -> Vec<TextHunk> {
    let mut hunks = Vec::new();
    for chunk in data.split(|&b| b == 0xFE) {
        let Some((head, body)) = chunk.split_first_chunk::<4>() else {
            continue;
        };
        let lines = body
            .split_inclusive(|&b| b == b'\n')
            .filter_map(|l| {
                let (&kind, text) = l.split_first()?;
                let kind = match kind % 3 {
                    0 => LineKind::Context,
                    1 => LineKind::Add,
                    _ => LineKind::Del,
                };
                Some((kind, text.to_vec()))
            })
            .collect();
        hunks.push(TextHunk {
            old_start: u32::from(head[0]),
            old_lines: u32::from(head[1]),
            new_start: u32::from(head[2]),
            new_lines: u32::from(head[3]),
            lines,
        });
    }
    hunks
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let (old, new, rest) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    if let Ok(hunks) = diff_hunks(old, new) {
        let r = apply_text(old, &hunks);
        assert_eq!(
            r.result.as_deref(),
            Some(new),
            "a diff must apply to its own old text"
        );
        let _ = apply_text(rest, &hunks);
    }
    let r = apply_text(old, &arbitrary_hunks(rest));
    assert_eq!(r.result.is_some(), r.applies != Applies::Conflict);
});
