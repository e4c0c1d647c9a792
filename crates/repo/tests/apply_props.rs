//! Property tests of the patch applier: it never panics, a diff applies
//! cleanly to its own preimage and yields the postimage, and the fast
//! region-only diff gives the same hunks as a whole-file diff.

use proptest::prelude::*;
use stablepick_repo::apply::{Applies, LineKind, TextHunk, apply_text, diff_hunks, hunks_of};

fn whole_file_hunks(old: &[u8], new: &[u8]) -> Vec<TextHunk> {
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(3)
        .indent_heuristic(true)
        .force_text(true);
    let p = git2::Patch::from_buffers(old, None, new, None, Some(&mut opts)).unwrap();
    hunks_of(&p).unwrap()
}

/// Files made of few distinct lines, so diffs slide and repeat.
fn text() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(
            prop::sample::select(vec!["a\n", "b\n", "\tc;\n", "}\n", "\n", "int x;\n"]),
            0..400,
        ),
        any::<bool>(),
    )
        .prop_map(|(lines, cut_newline)| {
            let mut t = lines.concat().into_bytes();
            if cut_newline && t.last() == Some(&b'\n') {
                t.pop();
            }
            t
        })
}

/// `old` plus a few edits (insert, delete, replace runs of lines).
fn edited() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (
        text(),
        prop::collection::vec((any::<u16>(), 0usize..4, text()), 1..4),
    )
        .prop_map(|(old, edits)| {
            let mut lines: Vec<Vec<u8>> = old
                .split_inclusive(|&c| c == b'\n')
                .map(|l| l.to_vec())
                .collect();
            for (at, del, ins) in edits {
                let at = if lines.is_empty() {
                    0
                } else {
                    at as usize % (lines.len() + 1)
                };
                let end = (at + del).min(lines.len());
                let ins: Vec<Vec<u8>> = ins
                    .split_inclusive(|&c| c == b'\n')
                    .take(5)
                    .map(|l| {
                        let mut l = l.to_vec();
                        if l.last() != Some(&b'\n') {
                            l.push(b'\n');
                        }
                        l
                    })
                    .collect();
                lines.splice(at..end, ins);
            }
            (old, lines.concat())
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn region_diff_equals_whole_file_diff((old, new) in edited()) {
        prop_assert_eq!(diff_hunks(&old, &new).unwrap(), whole_file_hunks(&old, &new));
    }

    #[test]
    fn own_diff_applies_cleanly((old, new) in edited()) {
        let h = diff_hunks(&old, &new).unwrap();
        let r = apply_text(&old, &h);
        prop_assert_eq!(r.applies, Applies::Clean);
        prop_assert_eq!(r.result.unwrap(), new);
    }

    #[test]
    fn never_panics(target in text(), (old, new) in edited(), junk in prop::collection::vec(
        (any::<u32>(), any::<u32>(), prop::collection::vec((0u8..3, text()), 0..6)), 0..4)) {
        let _ = apply_text(&target, &diff_hunks(&old, &new).unwrap());
        let hunks: Vec<TextHunk> = junk.into_iter().map(|(a, b, lines)| TextHunk {
            old_start: a,
            old_lines: b,
            new_start: b,
            new_lines: a,
            lines: lines.into_iter().map(|(k, t)| (match k {
                0 => LineKind::Context,
                1 => LineKind::Add,
                _ => LineKind::Del,
            }, t)).collect(),
        }).collect();
        let _ = apply_text(&target, &hunks);
    }
}
