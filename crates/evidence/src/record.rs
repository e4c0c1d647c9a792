//! The unit of evidence: one claim and the command that reproduces it.

/// One line of a report: what was found, in which phase, and the plain
/// command a reader runs (in the repository) to see it for themselves.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    pub phase: u8,
    pub text: String,
    pub verified_by: String,
}

impl Record {
    pub fn new(phase: u8, text: impl Into<String>, verified_by: impl Into<String>) -> Record {
        Record {
            phase,
            text: text.into(),
            verified_by: verified_by.into(),
        }
    }

    /// A claim that something is missing, where `finder` is the command
    /// that would find it (a `grep` that exits 1 on no match): the command
    /// is negated, so that, like every record's, it succeeds when the claim
    /// holds. `finder` must be one pipeline.
    pub fn absence(phase: u8, text: impl Into<String>, finder: impl AsRef<str>) -> Record {
        Record::new(phase, text, format!("! {}", finder.as_ref()))
    }
}

/// A `grep -E` pattern for a `Fixes:` line with a value, as the message
/// parser reads one: an empty `Fixes:` line is no tag.
pub const FIXES_LINE: &str = "^Fixes:[[:space:]]*[^[:space:]]";

/// The command that succeeds when `path` is in the tree of `rev` (already
/// safe for the shell). It reads trees only, so a blob that a partial
/// clone lacks (and would fetch for `git cat-file -e`) does not matter.
pub fn in_tree(rev: &str, path: &str) -> String {
    let p = sh(path);
    format!("git ls-tree -z --name-only {rev} -- {p} | grep -qzFx {p}")
}

/// Quotes `s` for a POSIX shell when it holds anything but safe characters.
pub fn sh(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@+,^~".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Escapes a literal string for `git log --grep` (basic regular expression).
pub fn grep_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.[]*^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The first `shown` of `items` joined with commas, then how many more
/// (`a, b, c and 3 more`).
pub fn capped_list<S: AsRef<str>>(items: &[S], shown: usize) -> String {
    let mut s = items
        .iter()
        .take(shown)
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > shown {
        s.push_str(&format!(" and {} more", items.len() - shown));
    }
    s
}

/// `` `a`, `b` and 3 more ``: the first five, quoted as code.
pub(crate) fn quoted_list(paths: &[String]) -> String {
    let quoted: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
    capped_list(&quoted, 5)
}

/// The command that lists the blobs of `sha`'s diff missing from the object
/// store (a partial or damaged clone).
pub(crate) fn missing_blobs_command(sha: &str) -> String {
    format!(
        "git show --raw --no-abbrev --format= {sha} | awk '{{print $3; print $4}}' | grep -v '^0*$' | git cat-file --batch-check | grep missing"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(sh("v6.1"), "v6.1");
        assert_eq!(sh("a b"), "'a b'");
        assert_eq!(sh("it's"), r"'it'\''s'");
        assert_eq!(grep_literal("a.b[1]"), r"a\.b\[1\]");
    }
}
