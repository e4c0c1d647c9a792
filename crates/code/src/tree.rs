//! Building an index from a git tree: blobs are read and parsed in
//! parallel, each worker with its own `git2::Repository` (it is not `Sync`).

use std::path::Path;

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use rayon::prelude::*;

use crate::cache;
use crate::error::CodeError;
use crate::facts::FileFacts;
use crate::index::{CodeIndex, parse_file, source_kind};

/// The tree id of a revision (`v6.1`, a branch, a commit id, a tree id).
pub fn tree_id(repo: &Repository, rev: &str) -> Result<Oid, CodeError> {
    Ok(repo.revparse_single(rev)?.peel_to_tree()?.id())
}

impl CodeIndex {
    /// Builds the index of `tree` (a tree id, or anything that peels to one)
    /// without touching the cache.
    pub fn from_tree(repo: &Repository, tree: Oid) -> Result<CodeIndex, CodeError> {
        let tree = repo.find_object(tree, None)?.peel_to_tree()?;
        let mut blobs: Vec<(String, Oid)> = Vec::new();
        tree.walk(TreeWalkMode::PreOrder, |root, entry| {
            if entry.kind() == Some(ObjectType::Blob)
                && let Ok(name) = entry.name()
                && (source_kind(name).is_some() || crate::symbols::is_symbol_list(name))
            {
                blobs.push((format!("{root}{name}"), entry.id()));
            }
            TreeWalkResult::Ok
        })?;
        let gitdir = repo.path().to_path_buf();
        // Per file its facts, or `None` when its blob cannot be read: one
        // missing blob of a partial clone costs that file, not the index.
        type Parsed = Vec<(String, Option<FileFacts>)>;
        let parsed: Result<Parsed, CodeError> = blobs
            .par_chunks(64)
            .map_init(
                || Repository::open(&gitdir),
                |r, chunk| -> Result<Parsed, CodeError> {
                    let r = r
                        .as_ref()
                        .map_err(|e| CodeError::Git(git2::Error::from_str(e.message())))?;
                    let mut out = Vec::with_capacity(chunk.len());
                    for (path, oid) in chunk {
                        match r.find_blob(*oid) {
                            Ok(blob) => {
                                if let Some(f) = parse_file(path, blob.content()) {
                                    out.push((path.clone(), Some(f)));
                                }
                            }
                            Err(_) => out.push((path.clone(), None)),
                        }
                    }
                    Ok(out)
                },
            )
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.into_iter().flatten().collect());
        let mut facts = Vec::new();
        let mut unreadable = Vec::new();
        for (path, f) in parsed? {
            match f {
                Some(f) => facts.push((path, f)),
                None => unreadable.push(path),
            }
        }
        let mut ix = CodeIndex::assemble(facts);
        unreadable.sort();
        ix.d.unreadable = unreadable;
        Ok(ix)
    }

    /// The index of `tree`, from the cache under the repository's git
    /// directory when present and valid, else built and cached.
    pub fn open(repo: &Repository, tree: Oid) -> Result<CodeIndex, CodeError> {
        let tree = repo.find_object(tree, None)?.peel_to_tree()?.id();
        let path = cache::cache_path(repo.path(), tree);
        if let Some(ix) = cache::load(&path) {
            return Ok(ix);
        }
        let ix = CodeIndex::from_tree(repo, tree)?;
        // A cache that cannot be written only costs a rebuild next time.
        let _ = cache::store(&path, &ix);
        Ok(ix)
    }

    /// Where [`CodeIndex::open`] caches the index of `tree`.
    pub fn cache_file(repo: &Repository, tree: Oid) -> std::path::PathBuf {
        cache::cache_path(Path::new(repo.path()), tree)
    }
}

/// Indexes kept in memory by tree id, so the branches and commits of one run
/// that share a tree load it once.
#[derive(Default)]
pub struct IndexCache {
    trees: std::sync::Mutex<std::collections::HashMap<Oid, std::sync::Arc<CodeIndex>>>,
}

impl IndexCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of `tree` (anything that peels to a tree), opened once.
    pub fn get(
        &self,
        repo: &Repository,
        tree: Oid,
    ) -> Result<std::sync::Arc<CodeIndex>, CodeError> {
        let tree = repo.find_object(tree, None)?.peel_to_tree()?.id();
        if let Some(ix) = self
            .trees
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&tree)
        {
            return Ok(ix.clone());
        }
        let ix = std::sync::Arc::new(CodeIndex::open(repo, tree)?);
        self.trees
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(tree, ix.clone());
        Ok(ix)
    }
}
