//! Word matching for the keyword records and rules: which words of a
//! message count as naming a failure or a feature, and the `grep -E`
//! patterns that show the same words to a reader.

/// Is `b` part of a word, as grep's `\b` sees it (so `_fail` in
/// `g_return_if_fail` is inside a word)?
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Endings a failure word takes: `crashes`, `failed`, `failure`,
/// `leakage`, `buggy`, `panicked`, `wrongly`. Not any ending: `invalid`
/// is not `invalidate` and `error` not `errormap`.
pub(crate) const FAILURE_ENDINGS: &[&str] = &[
    "s", "es", "ed", "d", "ing", "ure", "ures", "age", "y", "gy", "ked", "king", "ly",
];

/// Endings the severe-failure rule takes: plural and verb forms only.
pub(crate) const VERB_ENDINGS: &[&str] = &["s", "es", "ed", "ing"];

/// Is `stem` in `text` as a word, bare or with one of `endings`? A stem
/// ending in `-` (`cve-`) needs only its start to be a word's. Within a
/// phrase a space and a hyphen are one: `use after free` is
/// `use-after-free`, `double-free` is `double free`.
pub(crate) fn names_inflected(text: &str, stem: &str, endings: &[&str]) -> bool {
    let inner = stem.trim_end_matches('-');
    if inner.contains([' ', '-']) {
        let (text, inner) = (text.replace('-', " "), inner.replace('-', " "));
        let stem = if stem.ends_with('-') {
            format!("{inner}-")
        } else {
            inner
        };
        return names_inflected_exactly(&text, &stem, endings);
    }
    names_inflected_exactly(text, stem, endings)
}

fn names_inflected_exactly(text: &str, stem: &str, endings: &[&str]) -> bool {
    let b = text.as_bytes();
    let ends_word = |at: usize| b.get(at).is_none_or(|&c| !is_word_byte(c));
    text.match_indices(stem).any(|(i, w)| {
        if i > 0 && is_word_byte(b[i - 1]) {
            return false;
        }
        let end = i + w.len();
        w.ends_with('-')
            || ends_word(end)
            || endings
                .iter()
                .any(|e| text[end..].starts_with(e) && ends_word(end + e.len()))
    })
}

/// Is `phrase` in `text` as whole words, with an optional plural `s`?
/// `implement` finds `implements` but not `implementation`, `enable` not
/// `reenable`, `support for` not `support forward`.
pub(crate) fn names_word(text: &str, phrase: &str) -> bool {
    names_inflected(text, phrase, &["s"])
}

/// An extended regular expression for `words` as [`names_inflected`]
/// matches them with `endings` (within a phrase, a space or a hyphen
/// matches either).
pub(crate) fn grep_inflected(words: &[&str], endings: &[&str]) -> String {
    let words: Vec<String> = words
        .iter()
        .map(|w| match w.strip_suffix('-') {
            Some(inner) => format!("{}-", inner.replace([' ', '-'], "[ -]")),
            None => w.replace([' ', '-'], "[ -]"),
        })
        .collect();
    format!("\\b({})({})?\\b", words.join("|"), endings.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_words_are_whole_words() {
        assert!(names_word("net: implements foo", "implement"));
        assert!(names_word("add support for bar", "support for"));
        assert!(!names_word("fix the implementation of baz", "implement"));
        assert!(!names_word("test: reenable the unit test", "enable"));
        assert!(!names_word("add support forward", "support for"));
        assert!(!names_word("nm_enable_x", "enable"));
        assert!(names_word("enable", "enable"));
    }

    #[test]
    fn failure_words_take_their_endings_only() {
        let f = |t: &str, w: &str| names_inflected(t, w, FAILURE_ENDINGS);
        assert!(!f("g_return_val_if_fail (x)", "fail"));
        assert!(f("fix a hang in probe", "hang"));
        assert!(f("on failure, free the ring", "fail"));
        assert!(f("it crashes", "crash"));
        assert!(f("a buggy path", "bug"));
        assert!(f("the kernel panicked", "panic"));
        assert!(f("(cve-2024-1234)", "cve"));
        assert!(f("su: fix use after free in run_shell", "use-after-free"));
        assert!(f("a double-free of the ring", "double free"));
        assert!(!f("use after freezing", "use-after-free"));
        assert!(!f("change the tracing code", "hang"));
        assert!(!f("change the tracing code", "race"));
        assert!(!f("debug output", "bug"));
        assert!(!f("s3-errormap: map a status", "error"));
        assert!(!f("invalidate the cache", "invalid"));
        assert!(!f("hangar", "hang"));
    }

    #[test]
    fn severe_failures_are_words_or_their_verb_forms() {
        let f = |t: &str, w: &str| names_inflected(t, w, VERB_ENDINGS);
        assert!(f("resulting in a hang.", "hang"));
        assert!(!f("no functional change", "hang"));
        assert!(f("a use-after-free in", "use-after-free"));
        assert!(f("fixes cve-2024-1234", "cve-"));
        assert!(f("the system hangs", "hang"));
        assert!(!f("hangar", "hang"));
    }

    #[test]
    fn the_grep_pattern_lists_words_and_endings() {
        assert_eq!(
            grep_inflected(&["crash", "double free"], &["s", "ed"]),
            "\\b(crash|double[ -]free)(s|ed)?\\b"
        );
    }
}
