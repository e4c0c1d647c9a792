//! A commit's diff against its first parent, as structured data: files,
//! hunks, line counts, the functions whose bodies changed, and the patch
//! text (capped, so a huge diff cannot exhaust memory).

use crate::cfunc;
use crate::error::Result;
use crate::git::Git;
use git2::{DiffFindOptions, DiffOptions, Oid};

/// Patch text kept per commit; beyond it the patch is marked truncated.
pub const MAX_PATCH_BYTES: usize = 4 << 20;

#[derive(Debug, Clone, Default)]
pub struct Hunk {
    /// The text after the second `@@`: git's function context.
    pub context: String,
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    /// Changed lines: (`+`/`-`, line number in the new/old file, text).
    pub changes: Vec<(char, u32, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct FileDiff {
    pub old_path: Option<String>,
    pub new_path: Option<String>,
    /// `A`dded, `D`eleted, `M`odified, `R`enamed, `C`opied, `T`ype change.
    pub status: char,
    pub binary: bool,
    /// A blob of this file is missing from the object store (a partial or
    /// damaged clone): it is listed without its text.
    pub unreadable: bool,
    pub insertions: usize,
    pub deletions: usize,
    pub hunks: Vec<Hunk>,
    /// Functions whose bodies contain a changed line (C-like files only).
    pub functions: Vec<String>,
}

impl FileDiff {
    /// The path to show: the new path, or the old one for a deletion.
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, Default)]
pub struct CommitDiff {
    pub files: Vec<FileDiff>,
    pub insertions: usize,
    pub deletions: usize,
    /// `git show --format= --stat`-like summary lines.
    pub diffstat: String,
    /// Unified patch text (possibly truncated).
    pub patch: String,
    pub truncated: bool,
}

impl CommitDiff {
    /// Every function touched, in file order, without repeats.
    pub fn functions(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.files {
            for name in &f.functions {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        }
        out
    }

    /// Hunk-context function names (what `@@ … @@ name` shows).
    pub fn hunk_contexts(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.files {
            for h in &f.hunks {
                let c = h.context.trim();
                if !c.is_empty() && !out.iter().any(|o| o == c) {
                    out.push(c.to_string());
                }
            }
        }
        out
    }

    pub fn paths(&self) -> Vec<String> {
        self.files.iter().map(|f| f.path().to_string()).collect()
    }
}

/// True for files whose functions the C scanner can find.
pub fn is_c_like(path: &str) -> bool {
    [".c", ".h", ".cc", ".cpp", ".hpp"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// For each delta of `diff`, whether a blob it needs is missing from the
/// object store (a partial or damaged clone). Reading such a delta's text
/// fails, so it is listed without text instead of failing the whole diff.
pub fn unreadable_deltas(repo: &git2::Repository, diff: &git2::Diff<'_>) -> Result<Vec<bool>> {
    let odb = repo.odb()?;
    let missing = |f: git2::DiffFile| {
        let blob_like = matches!(
            f.mode(),
            git2::FileMode::Blob
                | git2::FileMode::BlobExecutable
                | git2::FileMode::BlobGroupWritable
                | git2::FileMode::Link
        );
        blob_like && !f.id().is_zero() && !odb.exists(f.id())
    };
    Ok(diff
        .deltas()
        .map(|d| missing(d.old_file()) || missing(d.new_file()))
        .collect())
}

/// Calls `line` for every line of every readable delta's patch, with the
/// delta's index; returns, per delta, whether libgit2 found it binary.
pub fn for_each_patch_line(
    diff: &git2::Diff<'_>,
    unreadable: &[bool],
    mut line: impl FnMut(usize, Option<git2::DiffHunk<'_>>, git2::DiffLine<'_>) -> bool,
) -> Result<Vec<bool>> {
    let mut binary = vec![false; diff.deltas().len()];
    for (i, bin) in binary.iter_mut().enumerate() {
        if unreadable.get(i).copied().unwrap_or(false) {
            continue;
        }
        match git2::Patch::from_diff(diff, i)? {
            Some(mut p) => {
                *bin = p.delta().flags().is_binary();
                p.print(&mut |_d, h, l| line(i, h, l))?;
            }
            None => *bin = diff.get_delta(i).is_some_and(|d| d.flags().is_binary()),
        }
    }
    Ok(binary)
}

/// Computes the diff of `oid` against its first parent (or the empty tree).
pub fn commit_diff(git: &Git, oid: Oid) -> Result<CommitDiff> {
    let repo = git.repo();
    let commit = repo.find_commit(oid)?;
    let tree = commit.tree()?;
    let parent = commit.parent(0).ok();
    let parent_tree = match &parent {
        Some(p) => Some(p.tree()?),
        None => None,
    };
    let mut opts = DiffOptions::new();
    opts.context_lines(3);
    let mut diff = crate::treediff::diff_trees(repo, parent_tree.as_ref(), Some(&tree), &mut opts)?;
    let mut unreadable = unreadable_deltas(repo, &diff)?;
    // Rename detection reads blobs: only when all of them can be read.
    if !unreadable.contains(&true) {
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
        unreadable = vec![false; diff.deltas().len()];
    }

    let mut out = CommitDiff::default();
    for (delta, &unreadable) in diff.deltas().zip(&unreadable) {
        let status = match delta.status() {
            git2::Delta::Added => 'A',
            git2::Delta::Deleted => 'D',
            git2::Delta::Renamed => 'R',
            git2::Delta::Copied => 'C',
            git2::Delta::Typechange => 'T',
            _ => 'M',
        };
        let path_of = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().into_owned());
        out.files.push(FileDiff {
            old_path: (status != 'A').then(|| path_of(delta.old_file())).flatten(),
            new_path: (status != 'D').then(|| path_of(delta.new_file())).flatten(),
            status,
            binary: delta.flags().is_binary(),
            unreadable,
            ..Default::default()
        });
    }

    let mut patch = String::new();
    let mut truncated = false;
    let binary = for_each_patch_line(&diff, &unreadable, |file_idx, hunk, line| {
        let Some(file) = out.files.get_mut(file_idx) else {
            return true;
        };
        let origin = line.origin();
        match origin {
            'H' => {
                if let Some(h) = hunk {
                    let header = String::from_utf8_lossy(h.header()).into_owned();
                    let context = header
                        .splitn(3, "@@")
                        .nth(2)
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    file.hunks.push(Hunk {
                        context,
                        old_start: h.old_start(),
                        old_lines: h.old_lines(),
                        new_start: h.new_start(),
                        new_lines: h.new_lines(),
                        changes: Vec::new(),
                    });
                }
            }
            '+' | '-' => {
                if origin == '+' {
                    file.insertions += 1;
                } else {
                    file.deletions += 1;
                }
                let lineno = if origin == '+' {
                    line.new_lineno()
                } else {
                    line.old_lineno()
                };
                if let Some(h) = file.hunks.last_mut() {
                    h.changes.push((
                        origin,
                        lineno.unwrap_or(0),
                        String::from_utf8_lossy(line.content())
                            .trim_end_matches('\n')
                            .to_string(),
                    ));
                }
            }
            _ => {}
        }
        if !truncated {
            if patch.len() > MAX_PATCH_BYTES {
                truncated = true;
            } else {
                if matches!(origin, '+' | '-' | ' ') {
                    patch.push(origin);
                }
                patch.push_str(&String::from_utf8_lossy(line.content()));
            }
        }
        true
    })?;
    for (file, bin) in out.files.iter_mut().zip(binary) {
        file.binary |= bin;
    }

    // Enclosing functions: new-file lines against the new blob, removed lines
    // against the old blob.
    let old_rev = parent.as_ref().map(|p| p.id());
    for file in &mut out.files {
        if file.binary || file.unreadable || !is_c_like(file.path()) {
            continue;
        }
        let mut names: Vec<String> = Vec::new();
        let added: Vec<usize> = file
            .hunks
            .iter()
            .flat_map(|h| h.changes.iter())
            .filter(|c| c.0 == '+')
            .map(|c| c.1 as usize)
            .collect();
        let removed: Vec<usize> = file
            .hunks
            .iter()
            .flat_map(|h| h.changes.iter())
            .filter(|c| c.0 == '-')
            .map(|c| c.1 as usize)
            .collect();
        if let (Some(p), false) = (&file.new_path, added.is_empty())
            && let Some(src) = git.blob_text(oid, p)
        {
            names.extend(cfunc::enclosing_functions(&src, &added));
        }
        if let (Some(p), Some(old), false) = (&file.old_path, old_rev, removed.is_empty())
            && let Some(src) = git.blob_text(old, p)
        {
            for n in cfunc::enclosing_functions(&src, &removed) {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        file.functions = names;
    }

    out.insertions = out.files.iter().map(|f| f.insertions).sum();
    out.deletions = out.files.iter().map(|f| f.deletions).sum();
    out.diffstat = diffstat(&out.files, out.insertions, out.deletions);
    out.patch = patch;
    out.truncated = truncated;
    Ok(out)
}

fn diffstat(files: &[FileDiff], ins: usize, del: usize) -> String {
    let width = files.iter().map(|f| f.path().len()).max().unwrap_or(0);
    let mut s = String::new();
    for f in files {
        if f.binary {
            s.push_str(&format!(" {:width$} | Bin\n", f.path()));
        } else {
            let n = f.insertions + f.deletions;
            let bar = format!(
                "{}{}",
                "+".repeat(f.insertions.min(60)),
                "-".repeat(f.deletions.min(60))
            );
            s.push_str(&format!(" {:width$} | {n} {bar}\n", f.path()));
        }
    }
    let plural = |n: usize, w: &str| {
        if n == 1 {
            w.to_string()
        } else {
            format!("{w}s")
        }
    };
    s.push_str(&format!(
        " {} {} changed, {} {}(+), {} {}(-)\n",
        files.len(),
        plural(files.len(), "file"),
        ins,
        plural(ins, "insertion"),
        del,
        plural(del, "deletion")
    ));
    s
}
