//! public-inbox v2 reader: `git/N.git` epochs, one message per commit in the
//! blob `m` at the top of the commit's tree (a commit with `d` instead is a
//! deletion and is skipped). Read in-process with libgit2, oldest first.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The epoch repositories of a public-inbox v2 directory (or the directory
/// itself when it is one bare epoch), in epoch order.
pub fn epochs(dir: &Path) -> Vec<PathBuf> {
    let git = dir.join("git");
    let mut v: Vec<(u64, PathBuf)> = std::fs::read_dir(&git)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let n = name.strip_suffix(".git")?.parse::<u64>().ok()?;
            Some((n, e.path()))
        })
        .collect();
    v.sort();
    if v.is_empty() && dir.join("objects").is_dir() && dir.join("HEAD").is_file() {
        return vec![dir.to_path_buf()];
    }
    v.into_iter().map(|x| x.1).collect()
}

/// True if `dir` is a public-inbox v2 archive or a single epoch.
pub fn is_public_inbox(dir: &Path) -> bool {
    !epochs(dir).is_empty()
}

/// Walks an epoch oldest-first, after commit `after` if given, calling
/// `f(raw_message, commit_id)`; stops early when `f` returns false.
pub fn walk_epoch(
    epoch: &Path,
    after: Option<&str>,
    mut f: impl FnMut(Vec<u8>, String) -> bool,
) -> Result<()> {
    let gerr = |source| Error::Git {
        path: epoch.to_path_buf(),
        source,
    };
    let repo = git2::Repository::open_bare(epoch)
        .or_else(|_| git2::Repository::open(epoch))
        .map_err(gerr)?;
    let mut walk = repo.revwalk().map_err(gerr)?;
    if walk.push_head().is_err() {
        // An epoch without commits yet.
        return Ok(());
    }
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .map_err(gerr)?;
    if let Some(a) = after
        && let Ok(oid) = git2::Oid::from_str(a)
    {
        let _ = walk.hide(oid);
    }
    for oid in walk {
        let oid = oid.map_err(gerr)?;
        let commit = repo.find_commit(oid).map_err(gerr)?;
        let tree = commit.tree().map_err(gerr)?;
        let Some(entry) = tree.get_name("m") else {
            continue;
        };
        let Ok(blob) = repo.find_blob(entry.id()) else {
            continue;
        };
        if !f(blob.content().to_vec(), oid.to_string()) {
            break;
        }
    }
    Ok(())
}
