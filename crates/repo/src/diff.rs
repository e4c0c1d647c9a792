//! A commit's diff against its first parent, as structured data: files,
//! hunks, line counts, the functions whose bodies changed, and the patch
//! text (capped, so a huge diff cannot exhaust memory).

use crate::error::Result;
use crate::git::Git;
use crate::{cfunc, gofunc};
use git2::{DiffOptions, Oid};

mod renames;

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
    /// Functions whose bodies contain a changed line (C-like files and Go);
    /// in C-like files a line that is blank or only comment text changes
    /// no function (see [`code_changes`]).
    pub functions: Vec<String>,
    /// Those of `functions` the old version of the file does not define:
    /// the commit adds them here (a new function, or one moved in from
    /// another file). No branch can be expected to have them in this file.
    pub added_functions: Vec<String>,
    /// `#define`s (C-like files) whose lines the change touches, in either
    /// version ([`cfunc::macro_spans`]).
    pub macros: Vec<String>,
    /// Those of `macros` the old version of the file does not define.
    pub added_macros: Vec<String>,
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
    /// How many files the commit creates.
    pub fn created_files(&self) -> usize {
        self.files.iter().filter(|f| f.status == 'A').count()
    }

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

    /// Every macro touched, in file order, without repeats.
    pub fn macros(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in self.files.iter().flat_map(|f| &f.macros) {
            if !out.contains(name) {
                out.push(name.clone());
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

/// The names of the functions of `source` (the file `path`) enclosing any
/// of `lines`, by the scanner for the file's language: `None` for a file
/// no scanner reads.
pub fn enclosing_functions(path: &str, source: &str, lines: &[usize]) -> Option<Vec<String>> {
    function_spans(path, source).map(|spans| cfunc::names_enclosing(&spans, lines))
}

/// The spans of the functions `source` (the file `path`) defines, by the
/// scanner for the file's language: `None` for a file no scanner reads.
pub fn function_spans(path: &str, source: &str) -> Option<Vec<cfunc::FunctionSpan>> {
    if is_c_like(path) {
        Some(cfunc::function_spans(source))
    } else if gofunc::is_go(path) {
        Some(gofunc::function_spans(source))
    } else {
        None
    }
}

/// The changed lines of a C-like file that change code: `added` (new-file
/// lines) and `removed` (old-file lines) without those that are blank or
/// hold only comment text in their version, by the C lexer, so a `/* … */`
/// spanning lines is seen whole. An unchanged line that is code in one
/// version only (a comment opened or closed around it) counts as changed
/// there. Without a version's text its lines are kept as they are.
pub fn code_changes(
    old: Option<&str>,
    new: Option<&str>,
    added: &[usize],
    removed: &[usize],
) -> (Vec<usize>, Vec<usize>) {
    code_changes_by(
        |s, upto| stablepick_code::lexer::code_lines_until(s.as_bytes(), upto),
        old,
        new,
        added,
        removed,
    )
}

/// [`code_changes`] for the language whose `code_lines(text, upto)` tells,
/// per 1-based line read up to `upto` (index 0 unused), whether it holds code.
fn code_changes_by(
    code_lines: impl Fn(&str, usize) -> Vec<bool>,
    old: Option<&str>,
    new: Option<&str>,
    added: &[usize],
    removed: &[usize],
) -> (Vec<usize>, Vec<usize>) {
    // Unchanged lines switch between code and comment only when a changed
    // line opens or closes a comment, or splices a line onto the next;
    // otherwise each version is read only as far as its last changed line.
    let delimits = |text: Option<&str>, lines: &[usize]| {
        let (Some(text), Some(&last)) = (text, lines.iter().max()) else {
            return false;
        };
        let wanted: std::collections::HashSet<usize> = lines.iter().copied().collect();
        text.split('\n')
            .take(last)
            .enumerate()
            .filter(|(i, _)| wanted.contains(&(i + 1)))
            .any(|(_, l)| {
                l.contains("/*") || l.contains("*/") || l.trim_end_matches('\r').ends_with('\\')
            })
    };
    let switches = delimits(new, added) || delimits(old, removed);
    let upto = |lines: &[usize]| {
        if switches {
            usize::MAX
        } else {
            lines.iter().copied().max().unwrap_or(0)
        }
    };
    let old_code = old.map(|s| code_lines(s, upto(removed)));
    let new_code = new.map(|s| code_lines(s, upto(added)));
    let is_code = |code: &Option<Vec<bool>>, l: usize| {
        code.as_ref()
            .is_none_or(|c| c.get(l).copied().unwrap_or(true))
    };
    let mut a: Vec<usize> = added
        .iter()
        .copied()
        .filter(|&l| is_code(&new_code, l))
        .collect();
    let mut r: Vec<usize> = removed
        .iter()
        .copied()
        .filter(|&l| is_code(&old_code, l))
        .collect();
    if let (true, Some(o), Some(n), Some(oc), Some(nc)) = (switches, old, new, &old_code, &new_code)
    {
        let line_count =
            |s: &str| s.matches('\n').count() + usize::from(!s.is_empty() && !s.ends_with('\n'));
        let removed: std::collections::HashSet<usize> = removed.iter().copied().collect();
        let added: std::collections::HashSet<usize> = added.iter().copied().collect();
        let old_kept = (1..=line_count(o)).filter(|l| !removed.contains(l));
        let new_kept = (1..=line_count(n)).filter(|l| !added.contains(l));
        for (ol, nl) in old_kept.zip(new_kept) {
            let (was, is) = (oc.get(ol) == Some(&true), nc.get(nl) == Some(&true));
            if was && !is {
                r.push(ol);
            } else if is && !was {
                a.push(nl);
            }
        }
    }
    for v in [&mut a, &mut r] {
        v.sort_unstable();
        v.dedup();
    }
    (a, r)
}

/// True for files whose functions a scanner can find: C-like or Go.
pub fn has_functions(path: &str) -> bool {
    is_c_like(path) || gofunc::is_go(path)
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

/// The renames `git show` finds among `diff`'s deletions and additions:
/// (deleted delta, added delta, score).
fn git_renames(repo: &git2::Repository, diff: &git2::Diff<'_>) -> Vec<(usize, usize, u64)> {
    let side = |f: git2::DiffFile<'_>| {
        f.path().and_then(|p| p.to_str()).map(|p| renames::Side {
            path: p.to_string(),
            id: f.id(),
            mode: u32::from(f.mode()),
        })
    };
    let (mut deleted, mut added) = (Vec::new(), Vec::new());
    for (i, d) in diff.deltas().enumerate() {
        match d.status() {
            git2::Delta::Deleted => deleted.extend(side(d.old_file()).map(|s| (i, s))),
            git2::Delta::Added => added.extend(side(d.new_file()).map(|s| (i, s))),
            _ => {}
        }
    }
    if deleted.is_empty() || added.is_empty() {
        return Vec::new();
    }
    let sides = |v: &[(usize, renames::Side)]| v.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>();
    renames::detect(repo, &sides(&deleted), &sides(&added))
        .into_iter()
        .map(|(s, d, score)| (deleted[s].0, added[d].0, score))
        .collect()
}

/// Adds a patch line to `file`: a hunk, or a changed line with its number.
fn record_line(file: &mut FileDiff, hunk: Option<git2::DiffHunk<'_>>, line: &git2::DiffLine<'_>) {
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
            let lineno = if origin == '+' {
                file.insertions += 1;
                line.new_lineno()
            } else {
                file.deletions += 1;
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
}

/// The patch of a rename [`git_renames`] found (deleted delta `src`, added
/// delta `dst`): the two blobs' diff under git's rename header.
fn rename_patch(
    repo: &git2::Repository,
    diff: &git2::Diff<'_>,
    src: usize,
    dst: usize,
    score: u64,
    file: &mut FileDiff,
    emit: &mut impl FnMut(char, &[u8]),
) -> Result<()> {
    let (Some(src), Some(dst)) = (diff.get_delta(src), diff.get_delta(dst)) else {
        return Ok(());
    };
    let (old, new) = (src.old_file(), dst.new_file());
    let (o, n) = (
        file.old_path.clone().unwrap_or_default(),
        file.path().to_string(),
    );
    let mut header = format!(
        "diff --git a/{o} b/{n}\nsimilarity index {}%\nrename from {o}\nrename to {n}\n",
        score * 100 / renames::MAX_SCORE
    );
    let (old_mode, new_mode) = (u32::from(old.mode()), u32::from(new.mode()));
    if old.id() != new.id() {
        let (a, b) = (old.id().to_string(), new.id().to_string());
        header.push_str(&format!("index {}..{}", &a[..7], &b[..7]));
        if old_mode == new_mode {
            header.push_str(&format!(" {old_mode:06o}"));
        }
        header.push('\n');
    }
    if old_mode != new_mode {
        header.push_str(&format!(
            "old mode {old_mode:06o}\nnew mode {new_mode:06o}\n"
        ));
    }
    emit('F', header.as_bytes());
    if old.id() == new.id() {
        return Ok(());
    }
    let (a, b) = (repo.find_blob(old.id())?, repo.find_blob(new.id())?);
    let mut opts = DiffOptions::new();
    opts.context_lines(3);
    let mut p = git2::Patch::from_blobs(
        &a,
        Some(std::path::Path::new(&o)),
        &b,
        Some(std::path::Path::new(&n)),
        Some(&mut opts),
    )?;
    file.binary |= p.delta().flags().is_binary();
    p.print(&mut |_d, h, l| {
        if l.origin() == 'F' {
            // libgit2's own header from its `---` line or binary notice on.
            let text = String::from_utf8_lossy(l.content()).into_owned();
            let rest: String = text
                .split_inclusive('\n')
                .skip_while(|t| !t.starts_with("--- ") && !t.starts_with("Binary"))
                .collect();
            emit('F', rest.as_bytes());
        } else {
            record_line(file, h, &l);
            emit(l.origin(), l.content());
        }
        true
    })?;
    Ok(())
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
    let diff = crate::treediff::diff_trees(repo, parent_tree.as_ref(), Some(&tree), &mut opts)?;
    let unreadable = unreadable_deltas(repo, &diff)?;
    // Rename detection reads blobs: only when all of them can be read.
    let renames = if unreadable.contains(&true) {
        Vec::new()
    } else {
        git_renames(repo, &diff)
    };
    // A renamed file is listed at its new path, its deletion dropped: the
    // order `git show` prints.
    let source_of: std::collections::HashMap<usize, (usize, u64)> = renames
        .iter()
        .map(|&(s, d, score)| (d, (s, score)))
        .collect();
    let sources: std::collections::HashSet<usize> = renames.iter().map(|r| r.0).collect();

    let path_of = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().into_owned());
    let mut out = CommitDiff::default();
    // The delta each file comes from.
    let mut order: Vec<usize> = Vec::new();
    for (i, (delta, &unreadable)) in diff.deltas().zip(&unreadable).enumerate() {
        if sources.contains(&i) {
            continue;
        }
        let mut status = match delta.status() {
            git2::Delta::Added => 'A',
            git2::Delta::Deleted => 'D',
            git2::Delta::Renamed => 'R',
            git2::Delta::Copied => 'C',
            git2::Delta::Typechange => 'T',
            _ => 'M',
        };
        let mut old_path = (status != 'A').then(|| path_of(delta.old_file())).flatten();
        let mut binary = delta.flags().is_binary();
        if let Some(&(s, _)) = source_of.get(&i)
            && let Some(src) = diff.get_delta(s)
        {
            status = 'R';
            old_path = path_of(src.old_file());
            binary |= src.flags().is_binary();
        }
        out.files.push(FileDiff {
            old_path,
            new_path: (status != 'D').then(|| path_of(delta.new_file())).flatten(),
            status,
            binary,
            unreadable,
            ..Default::default()
        });
        order.push(i);
    }

    let mut patch = String::new();
    let mut truncated = false;
    let mut emit = |origin: char, text: &[u8]| {
        truncated |= patch.len() > MAX_PATCH_BYTES;
        if truncated {
            return;
        }
        if matches!(origin, '+' | '-' | ' ') {
            patch.push(origin);
        }
        patch.push_str(&String::from_utf8_lossy(text));
    };
    for (file, &i) in out.files.iter_mut().zip(&order) {
        if unreadable[i] {
            continue;
        }
        if let Some(&(s, score)) = source_of.get(&i) {
            rename_patch(repo, &diff, s, i, score, file, &mut emit)?;
            continue;
        }
        match git2::Patch::from_diff(&diff, i)? {
            Some(mut p) => {
                file.binary |= p.delta().flags().is_binary();
                p.print(&mut |_d, h, l| {
                    record_line(file, h, &l);
                    emit(l.origin(), l.content());
                    true
                })?;
            }
            None => file.binary |= diff.get_delta(i).is_some_and(|d| d.flags().is_binary()),
        }
    }

    // Enclosing functions: new-file lines against the new blob, removed lines
    // against the old blob.
    let old_rev = parent.as_ref().map(|p| p.id());
    for file in &mut out.files {
        if file.binary || file.unreadable || !has_functions(file.path()) {
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
        // Both versions, to tell comment-only lines apart.
        let new_src = file.new_path.as_deref().and_then(|p| git.blob_text(oid, p));
        let old_src = file
            .old_path
            .as_deref()
            .zip(old_rev)
            .and_then(|(p, old)| git.blob_text(old, p));
        let (added, removed) = if gofunc::is_go(file.path()) {
            code_changes_by(
                |s, _| gofunc::code_lines(s),
                old_src.as_deref(),
                new_src.as_deref(),
                &added,
                &removed,
            )
        } else {
            code_changes(old_src.as_deref(), new_src.as_deref(), &added, &removed)
        };
        if let (Some(p), Some(src), false) = (&file.new_path, &new_src, added.is_empty()) {
            names.extend(enclosing_functions(p, src, &added).unwrap_or_default());
        }
        // The old version's functions: those the removed lines lie in, and
        // (none for a created file) the names it already defines.
        let old_spans = match (&file.old_path, &old_src) {
            (Some(p), Some(src)) if !removed.is_empty() || !names.is_empty() => {
                function_spans(p, src).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        if !removed.is_empty() {
            add_new_names(&mut names, cfunc::names_enclosing(&old_spans, &removed));
        }
        file.added_functions = named_by_none(&names, &old_spans);
        file.functions = names;
        if is_c_like(file.path()) {
            // Only the lines around the changed ones are looked at, and the
            // old version is read whole only to tell which macros are new.
            let mut macros = match &new_src {
                Some(src) => cfunc::macros_enclosing(src, &added),
                None => Vec::new(),
            };
            if let Some(src) = &old_src {
                add_new_names(&mut macros, cfunc::macros_enclosing(src, &removed));
            }
            let old_macros = match (&old_src, macros.is_empty()) {
                (Some(src), false) => cfunc::macro_spans(src),
                _ => Vec::new(),
            };
            file.added_macros = named_by_none(&macros, &old_macros);
            file.macros = macros;
        }
    }

    out.insertions = out.files.iter().map(|f| f.insertions).sum();
    out.deletions = out.files.iter().map(|f| f.deletions).sum();
    out.diffstat = diffstat(&out.files, out.insertions, out.deletions);
    out.patch = patch;
    out.truncated = truncated;
    Ok(out)
}

/// Appends the `more` names `names` lacks, in order.
fn add_new_names(names: &mut Vec<String>, more: Vec<String>) {
    for n in more {
        if !names.contains(&n) {
            names.push(n);
        }
    }
}

/// The `names` no span of `spans` (the old version's) bears: the change adds them.
fn named_by_none(names: &[String], spans: &[cfunc::FunctionSpan]) -> Vec<String> {
    names
        .iter()
        .filter(|n| !spans.iter().any(|s| &s.name == *n))
        .cloned()
        .collect()
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
    // As git prints it: a count that is zero is left out, unless both are.
    let mut summary = format!(" {} {} changed", files.len(), plural(files.len(), "file"));
    if ins > 0 || del == 0 {
        summary.push_str(&format!(", {ins} {}(+)", plural(ins, "insertion")));
    }
    if del > 0 || ins == 0 {
        summary.push_str(&format!(", {del} {}(-)", plural(del, "deletion")));
    }
    s.push_str(&summary);
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::code_changes;

    #[test]
    fn the_diffstat_summary_leaves_out_a_zero_count_as_git_does() {
        let f = |ins: usize, del: usize| {
            let s = super::diffstat(&[], ins, del);
            s.trim().to_string()
        };
        assert_eq!(f(3, 0), "0 files changed, 3 insertions(+)");
        assert_eq!(f(0, 1), "0 files changed, 1 deletion(-)");
        assert_eq!(f(2, 2), "0 files changed, 2 insertions(+), 2 deletions(-)");
        assert_eq!(f(0, 0), "0 files changed, 0 insertions(+), 0 deletions(-)");
    }

    #[test]
    fn comment_lines_change_no_code() {
        let old = "int f(void)\n{\n\t/* one\n\t * two */\n\treturn 0; // zero\n}\n";
        let new = "int f(void)\n{\n\t/* one\n\t * three */\n\treturn 1; // zero\n}\n";
        // Line 4 is comment text in both versions, line 5 is code.
        assert_eq!(
            code_changes(Some(old), Some(new), &[4, 5], &[4, 5]),
            (vec![5], vec![5])
        );
        // Without a version's text its lines stay.
        assert_eq!(code_changes(None, Some(new), &[4], &[4]), (vec![], vec![4]));
    }

    #[test]
    fn a_comment_closed_around_code_changes_that_code() {
        let old = "void g(void)\n{\n\t/*\n\th();\n\t*/\n}\n";
        let new = "void g(void)\n{\n\th();\n}\n";
        // Removing the comment's lines brings `h();` (old 4, new 3) back.
        assert_eq!(
            code_changes(Some(old), Some(new), &[], &[3, 5]),
            (vec![3], vec![])
        );
    }
}
