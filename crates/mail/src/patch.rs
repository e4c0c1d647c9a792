//! The patch inside a message: commit text, changelog notes, diffstat, the
//! inline diff, and its patch-id.
//!
//! # Patch-id
//! [`patch_id`] reproduces `git patch-id --stable`: every line of the diff
//! from the first `diff ` header on is hashed with all whitespace removed,
//! except `index` lines, hunk headers (`@@ … @@`, line numbers do not count)
//! and `\ No newline` markers; the SHA-1 is restarted at each file and the
//! per-file digests are summed bytewise with carry, so file order does not
//! matter. Identical diffs posted to a list and committed to git therefore get
//! the same id as `git show <sha> | git patch-id --stable`.

use crate::sha1::{Sha1, hex};

/// Splits a patch mail body into (commit message, notes after `---`, diff).
pub struct PatchParts<'a> {
    pub message: &'a str,
    pub notes: &'a str,
    pub diff: &'a str,
}

/// Finds the inline diff: from the first `diff --git`/`diff -`/`--- a/`
/// header line up to a signature separator.
pub fn extract_diff(body: &str) -> Option<&str> {
    let mut start = None;
    let mut off = 0;
    for line in body.split_inclusive('\n') {
        if line.starts_with("diff --git ")
            || line.starts_with("diff -")
            || (line.starts_with("Index: ") && start.is_none())
        {
            start = Some(off);
            break;
        }
        off += line.len();
    }
    let start = start?;
    let tail = &body[start..];
    let end = tail.find("\n-- \n").map(|e| e + 1).unwrap_or(tail.len());
    let d = &tail[..end];
    d.contains("\n@@ ").then_some(d)
}

/// Splits a body at the `---` separator and the diff.
pub fn split_patch(body: &str) -> PatchParts<'_> {
    let diff = extract_diff(body).unwrap_or("");
    let diff_start = if diff.is_empty() {
        body.len()
    } else {
        diff.as_ptr() as usize - body.as_ptr() as usize
    };
    let head = &body[..diff_start];
    let mut off = 0;
    for line in head.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return PatchParts {
                message: &head[..off],
                notes: &head[off + line.len()..],
                diff,
            };
        }
        off += line.len();
    }
    PatchParts {
        message: head,
        notes: "",
        diff,
    }
}

/// `git patch-id --stable` of a unified diff (see the module doc).
pub fn patch_id(diff: &str) -> Option<String> {
    let mut result = [0u8; 20];
    let mut ctx = Sha1::new();
    let (mut before, mut after): (i64, i64) = (-1, -1);
    let mut patchlen = 0usize;
    let mut binary = false;
    let mut pre_oid = String::new();
    let mut post_oid = String::new();
    let mut buf = Vec::with_capacity(128);
    for line in diff.split_inclusive('\n') {
        if line.starts_with("\\ ") && line.len() > 12 {
            continue;
        }
        if patchlen == 0 && !line.starts_with("diff ") {
            continue;
        }
        if before == -1 {
            if line.starts_with("GIT binary patch") || line.starts_with("Binary files") {
                binary = true;
                before = 0;
                ctx.update(pre_oid.as_bytes());
                ctx.update(post_oid.as_bytes());
                flush(&mut result, &mut ctx);
                continue;
            } else if let Some(p) = line.strip_prefix("index ") {
                let p = p.trim_end();
                if let Some((a, b)) = p.split_once("..") {
                    pre_oid = a.to_string();
                    post_oid = b.split(' ').next().unwrap_or("").to_string();
                }
                continue;
            } else if line.starts_with("--- ") {
                before = 1;
                after = 1;
            } else if !line.as_bytes()[0].is_ascii_alphabetic() {
                break;
            }
        }
        if binary {
            if line.starts_with("diff ") {
                binary = false;
                before = -1;
                after = -1;
            } else {
                continue;
            }
        }
        if before == 0 && after == 0 {
            if line.starts_with("@@ -") {
                let (b, a) = scan_hunk_header(line);
                before = b;
                after = a;
                continue;
            }
            if !line.starts_with("diff ") {
                break;
            }
            flush(&mut result, &mut ctx);
            before = -1;
            after = -1;
        }
        let c = line.as_bytes()[0];
        if c == b'-' || c == b' ' {
            before -= 1;
        }
        if c == b'+' || c == b' ' {
            after -= 1;
        }
        buf.clear();
        buf.extend(line.bytes().filter(|b| !b.is_ascii_whitespace()));
        patchlen += buf.len();
        ctx.update(&buf);
    }
    if patchlen == 0 {
        return None;
    }
    flush(&mut result, &mut ctx);
    Some(hex(&result))
}

fn flush(result: &mut [u8; 20], ctx: &mut Sha1) {
    let h = std::mem::take(ctx).finish();
    let mut carry: u16 = 0;
    for i in 0..20 {
        carry += result[i] as u16 + h[i] as u16;
        result[i] = carry as u8;
        carry >>= 8;
    }
}

fn scan_hunk_header(line: &str) -> (i64, i64) {
    // "@@ -a[,b] +c[,d] @@": a missing count means 1.
    let count = |s: Option<&str>| -> i64 {
        match s.and_then(|s| s.split_once(',')) {
            Some((_, n)) => n.parse().unwrap_or(1),
            None => 1,
        }
    };
    let mut it = line[3..].split_whitespace();
    let b = count(it.next().and_then(|t| t.strip_prefix('-')));
    let a = count(it.next().and_then(|t| t.strip_prefix('+')));
    (b, a)
}

/// Diffstat lines (` path | 3 +-` and the summary line) found in a body.
pub fn diffstat(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in body.lines() {
        if line.starts_with('>') {
            continue;
        }
        let t = line.trim();
        let is_file = line.starts_with(' ')
            && t.split_once(" | ").is_some_and(|(p, n)| {
                !p.trim().is_empty()
                    && n.split_whitespace()
                        .next()
                        .is_some_and(|c| c.parse::<u64>().is_ok() || c == "Bin")
            });
        let is_summary = (t.contains(" file changed") || t.contains(" files changed"))
            && t.split_whitespace()
                .next()
                .is_some_and(|n| n.parse::<u64>().is_ok());
        if is_file || is_summary {
            out.push(t.to_string());
        }
    }
    out
}

/// One version's entry in a changelog (`Changes in v3:`, `v1->v2:`, `v2:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangelogEntry {
    /// The revision the notes describe (the newer side of `v1->v2`).
    pub revision: Option<u32>,
    pub heading: String,
    pub lines: Vec<String>,
}

fn changelog_heading(line: &str) -> Option<Option<u32>> {
    let t = line.trim().trim_end_matches(':').trim();
    if t.is_empty() || t.len() > 40 || line.starts_with('>') {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let last_version = |s: &str| -> Option<u32> {
        s.rsplit(|c: char| !c.is_ascii_alphanumeric())
            .find_map(|w| w.strip_prefix('v').and_then(|n| n.parse().ok()))
    };
    for p in [
        "changes in ",
        "changes since ",
        "changes from ",
        "since ",
        "changes ",
    ] {
        if let Some(rest) = lower.strip_prefix(p) {
            let v = last_version(rest);
            if v.is_some() || rest.starts_with("rfc") {
                // "changes since v2" describes v3
                let v = if p.contains("since") || p.contains("from") {
                    v.map(|x| x + 1)
                } else {
                    v
                };
                return Some(v);
            }
        }
    }
    // "v1->v2", "v1 -> v2", "v2:", "V3"
    if lower.starts_with('v') && line.trim_end().ends_with(':') || lower.contains("->") {
        let words: Vec<&str> = lower
            .split(|c: char| c.is_whitespace() || c == '-' || c == '>')
            .filter(|w| !w.is_empty())
            .collect();
        if !words.is_empty()
            && words.len() <= 3
            && words.iter().all(|w| {
                w.strip_prefix('v')
                    .is_some_and(|n| n.parse::<u32>().is_ok())
            })
        {
            return Some(last_version(&lower));
        }
    }
    if lower == "changelog" {
        return Some(None);
    }
    None
}

/// Per-version changelog sections of a cover letter or patch notes.
pub fn changelog(body: &str) -> Vec<ChangelogEntry> {
    let mut out: Vec<ChangelogEntry> = Vec::new();
    let mut current: Option<ChangelogEntry> = None;
    for line in body.lines() {
        if let Some(rev) = changelog_heading(line) {
            if let Some(c) = current.take()
                && !(c.lines.is_empty() && c.revision.is_none())
            {
                out.push(c);
            }
            current = Some(ChangelogEntry {
                revision: rev,
                heading: line.trim().to_string(),
                lines: Vec::new(),
            });
            continue;
        }
        if let Some(c) = current.as_mut() {
            let t = line.trim_end();
            let ends = t.is_empty() && !c.lines.is_empty()
                || t.starts_with("diff --git")
                || t == "---"
                || t.starts_with("Signed-off-by:")
                || t.ends_with("):") && !t.starts_with(' ') && !t.starts_with('-');
            if ends {
                out.push(current.take().unwrap_or_else(|| unreachable!()));
                continue;
            }
            if !t.is_empty() {
                c.lines.push(t.to_string());
            }
        }
    }
    if let Some(c) = current {
        out.push(c);
    }
    out.retain(|c| !c.lines.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF: &str = "diff --git a/hello.c b/hello.c\nindex 3b18e51..e69de29 100644\n--- a/hello.c\n+++ b/hello.c\n@@ -1,4 +1,4 @@\n int main(void)\n {\n-\treturn 0;\n+\treturn 1;\n }\ndiff --git a/new.txt b/new.txt\nnew file mode 100644\nindex 0000000..ce01362\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+hello\n";

    #[test]
    fn patch_id_matches_git() {
        // Expected value from `git patch-id --stable` on the same text.
        assert_eq!(
            patch_id(DIFF).as_deref(),
            Some("06526409030e86983c1589f36aefef300ba1c1cd")
        );
        // Whitespace and file order do not change the id.
        let (a, b) = DIFF.split_at(DIFF.find("diff --git a/new").unwrap());
        let swapped = format!("{b}{a}");
        assert_eq!(patch_id(&swapped), patch_id(DIFF));
        let spaced = DIFF.replace("return 1;", "return  1 ;");
        assert_eq!(patch_id(&spaced), patch_id(DIFF));
        let changed = DIFF.replace("return 1;", "return 2;");
        assert_ne!(patch_id(&changed), patch_id(DIFF));
        assert_eq!(patch_id("no diff here\n"), None);
    }

    #[test]
    fn splits_patch_mail() {
        let body = format!(
            "Fix the thing.\n\nSigned-off-by: A <a@b>\n---\nv2: reworded\n\n hello.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n{DIFF}-- \n2.40.0\n"
        );
        let p = split_patch(&body);
        assert_eq!(p.message, "Fix the thing.\n\nSigned-off-by: A <a@b>\n");
        assert!(p.notes.starts_with("v2: reworded"));
        assert!(p.diff.starts_with("diff --git a/hello.c"));
        assert!(p.diff.ends_with("+hello\n"));
        assert_eq!(patch_id(p.diff), patch_id(DIFF));
        assert_eq!(
            diffstat(&body),
            vec![
                "hello.c | 2 +-",
                "1 file changed, 1 insertion(+), 1 deletion(-)"
            ]
        );
    }

    #[test]
    fn changelogs() {
        let body = "Intro.\n\nChanges in v14:\n- Moved untagging.\n- Dropped x.\n\nChanges in v13:\n- Simplified.\n\nv1->v2:\n - Addressed comments\n - Rebased\nv0->v1:\n - Dropped device\n\nSigned-off-by: A\n";
        let c = changelog(body);
        let revs: Vec<_> = c.iter().map(|e| e.revision).collect();
        assert_eq!(revs, vec![Some(14), Some(13), Some(2), Some(1)]);
        assert_eq!(c[0].lines, vec!["- Moved untagging.", "- Dropped x."]);
        assert_eq!(c[2].lines, vec![" - Addressed comments", " - Rebased"]);
    }
}
