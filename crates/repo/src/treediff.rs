//! Tree-to-tree diffs that read only what changed.
//!
//! libgit2's tree-to-tree diff expands every subtree of both sides and
//! compares leaf by leaf, so each commit's diff costs the size of the whole
//! tree (11,000 files in Samba, 80,000 in Linux), and a commit is diffed
//! several times (evidence, apply check, model features, patch id). Git
//! trees are Merkle trees: a subtree whose id is unchanged holds no change.
//! [`changed_paths`] walks only the subtrees whose ids differ and returns
//! the leaf paths that changed; [`diff_trees`] hands them to libgit2 as an
//! exact path list, which its iterators use to skip every other directory.
//! The deltas are the ones the full diff gives.

use crate::error::Result;
use git2::{Diff, DiffOptions, ObjectType, Repository, Tree, TreeEntry};

/// Leaf paths (files, symlinks, submodules) whose entry differs between
/// `old` and `new` (`None`: the empty tree), sorted. An entry counts as
/// changed when its id or mode differs; a directory on one side and a file
/// on the other gives the file and every leaf under the directory.
/// `None` when a changed path is not UTF-8 (a path list could not name it).
pub fn changed_paths(
    repo: &Repository,
    old: Option<&Tree>,
    new: Option<&Tree>,
) -> Result<Option<Vec<String>>> {
    let mut out = Vec::new();
    if !compare(repo, old, new, "", &mut out)? {
        return Ok(None);
    }
    out.sort();
    out.dedup();
    Ok(Some(out))
}

fn is_tree(e: &TreeEntry) -> bool {
    e.kind() == Some(ObjectType::Tree)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

/// Adds to `out` the changed leaf paths under `prefix`, descending only
/// into subtrees whose ids differ. `false` when a changed name is not
/// UTF-8 (the caller then diffs the whole trees).
fn compare(
    repo: &Repository,
    old: Option<&Tree>,
    new: Option<&Tree>,
    prefix: &str,
    out: &mut Vec<String>,
) -> Result<bool> {
    if let (Some(a), Some(b)) = (old, new)
        && a.id() == b.id()
    {
        return Ok(true);
    }
    // Entries are sorted by name bytes in both trees, but a tree sorts as
    // if its name ended in `/`: merge by name through a map instead of a
    // two-pointer walk.
    let mut by_name: std::collections::BTreeMap<Vec<u8>, (Option<TreeEntry>, Option<TreeEntry>)> =
        Default::default();
    for e in old.into_iter().flat_map(|t| t.iter()) {
        let name = e.name_bytes().to_vec();
        by_name.entry(name).or_default().0 = Some(e);
    }
    for e in new.into_iter().flat_map(|t| t.iter()) {
        let name = e.name_bytes().to_vec();
        by_name.entry(name).or_default().1 = Some(e);
    }
    for (name, (a, b)) in by_name {
        if let (Some(a), Some(b)) = (&a, &b)
            && a.id() == b.id()
            && a.filemode() == b.filemode()
        {
            continue;
        }
        let Ok(name) = std::str::from_utf8(&name) else {
            return Ok(false);
        };
        let path = join(prefix, name);
        let sub = |e: &Option<TreeEntry>| -> Result<Option<Tree>> {
            match e {
                Some(e) if is_tree(e) => Ok(Some(repo.find_tree(e.id())?)),
                _ => Ok(None),
            }
        };
        let (ta, tb) = (sub(&a)?, sub(&b)?);
        // A leaf on either side is itself a changed path.
        if a.as_ref().is_some_and(|e| !is_tree(e)) || b.as_ref().is_some_and(|e| !is_tree(e)) {
            out.push(path.clone());
        }
        if (ta.is_some() || tb.is_some()) && !compare(repo, ta.as_ref(), tb.as_ref(), &path, out)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `git2::Repository::diff_tree_to_tree` restricted to [`changed_paths`]:
/// the same deltas, without expanding unchanged subtrees. Any pathspec
/// already in `opts` is replaced.
pub fn diff_trees<'r>(
    repo: &'r Repository,
    old: Option<&Tree>,
    new: Option<&Tree>,
    opts: &mut DiffOptions,
) -> Result<Diff<'r>> {
    let Some(paths) = changed_paths(repo, old, new)? else {
        return Ok(repo.diff_tree_to_tree(old, new, Some(opts))?);
    };
    if paths.is_empty() {
        // An empty path list means "everything" to libgit2; two empty
        // sides give the empty diff.
        return Ok(repo.diff_tree_to_tree(None, None, Some(opts))?);
    }
    for p in &paths {
        opts.pathspec(p);
    }
    opts.disable_pathspec_match(true);
    Ok(repo.diff_tree_to_tree(old, new, Some(opts))?)
}
