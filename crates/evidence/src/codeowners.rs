//! CODEOWNERS files (GitHub's and GitLab's): parsing, and which line owns
//! a path.
//!
//! Owns: where the file lives and the rule that the last matching line
//! decides. Consumes: the file's text and repository-relative paths.
//! Produces: [`Rule`]s ([`parse`]) and, for a path, the rule that owns it
//! ([`owner_of`]). Patterns are gitignore patterns, matched with the
//! `ignore` crate's gitignore matcher; no input makes them panic.
//!
//! ```
//! use stablepick_evidence::codeowners::{owner_of, parse};
//! let rules = parse("* @org/core\n/src/detect/ @alice bob@example.org\ndocs/* @docs\n");
//! assert_eq!(owner_of(&rules, "src/detect/engine.c").unwrap().owners, ["@alice", "bob@example.org"]);
//! assert_eq!(owner_of(&rules, "docs/index.md").unwrap().line, 3);
//! // `docs/*` owns docs' own files, not those of its subdirectories.
//! assert_eq!(owner_of(&rules, "docs/api/x.md").unwrap().line, 1);
//! ```

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Where GitHub (first three, in its order) and GitLab look for the file.
pub const LOCATIONS: &[&str] = &[
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// One line of the file: a pattern and its owners.
#[derive(Clone, Debug)]
pub struct Rule {
    /// 1-based line number in the file.
    pub line: usize,
    pub pattern: String,
    /// `@user`, `@org/team` or e-mail addresses; empty: the path is
    /// explicitly left without an owner.
    pub owners: Vec<String>,
    matcher: Gitignore,
}

/// The rules of a CODEOWNERS text, in file order. Comments, blank lines,
/// GitLab section headers (`[Docs]`, `^[Docs]`) and negations (which
/// CODEOWNERS does not support) are skipped, as are patterns the matcher
/// rejects.
pub fn parse(text: &str) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        // An unescaped `#` starts a comment, at the start or after a space.
        let mut line = raw.trim();
        if let Some(p) = line.find(" #") {
            line = line[..p].trim_end();
        }
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with('[')
            || line.starts_with("^[")
            || line.starts_with('!')
        {
            continue;
        }
        let mut fields = line.split_whitespace();
        let Some(pattern) = fields.next() else {
            continue;
        };
        let owners: Vec<String> = fields.map(str::to_owned).collect();
        let pattern = pattern.replace("\\#", "#");
        let mut b = GitignoreBuilder::new("");
        if b.add_line(None, &pattern).is_err() {
            continue;
        }
        let Ok(matcher) = b.build() else {
            continue;
        };
        rules.push(Rule {
            line: i + 1,
            pattern,
            owners,
            matcher,
        });
    }
    rules
}

impl Rule {
    /// Whether the rule's pattern takes `path`: the path itself, or a
    /// directory above it, except for `dir/*`, which takes only the files
    /// directly in `dir`.
    fn covers(&self, path: &str) -> bool {
        if path.is_empty() || path.starts_with('/') {
            return false;
        }
        if matches!(self.matcher.matched(path, false), Match::Ignore(_)) {
            return true;
        }
        !self.pattern.ends_with("/*")
            && matches!(
                self.matcher.matched_path_or_any_parents(path, false),
                Match::Ignore(_)
            )
    }
}

/// The rule that owns `path`: the last one that covers it.
pub fn owner_of<'r>(rules: &'r [Rule], path: &str) -> Option<&'r Rule> {
    rules.iter().rev().find(|r| r.covers(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_matching_line_wins() {
        let rules = parse("*.c @c-team\n/src/ @src-team\n");
        assert_eq!(owner_of(&rules, "src/a.c").unwrap().owners, ["@src-team"]);
        assert_eq!(owner_of(&rules, "lib/a.c").unwrap().owners, ["@c-team"]);
        assert!(owner_of(&rules, "lib/a.h").is_none());
        let rules = parse("/src/ @src-team\n*.c @c-team\n");
        assert_eq!(owner_of(&rules, "src/a.c").unwrap().owners, ["@c-team"]);
    }

    #[test]
    fn anchored_and_unanchored_directories() {
        let rules = parse("apps/ @apps\n/build/logs/ @logs\n");
        assert_eq!(owner_of(&rules, "x/apps/y/z.c").unwrap().line, 1);
        assert_eq!(owner_of(&rules, "build/logs/a/b.log").unwrap().line, 2);
        assert!(owner_of(&rules, "x/build/logs/b.log").is_none());
    }

    #[test]
    fn comments_sections_negations_and_unowned_lines() {
        let text = "# owners\n\n[Docs] @docs\n^[Optional]\n!*.md @x\n*.md # no owner here\nsrc/ @a # trailing\n";
        let rules = parse(text);
        let lines: Vec<usize> = rules.iter().map(|r| r.line).collect();
        assert_eq!(lines, [6, 7]);
        assert!(owner_of(&rules, "README.md").unwrap().owners.is_empty());
        assert_eq!(owner_of(&rules, "src/x.c").unwrap().owners, ["@a"]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "[",
            "\\",
            "**/**/ @a",
            "/ @a",
            "a[b @a",
            "\u{feff}* @a",
            "#",
        ] {
            let rules = parse(text);
            for p in ["", "/abs", "a", "a/b/c", "é/ü"] {
                let _ = owner_of(&rules, p);
            }
        }
    }
}
