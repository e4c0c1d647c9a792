//! A tree with patches applied in memory: to ask "does this patch apply
//! after those commits?" without a checkout, an index or a single object
//! written to the repository.
//!
//! Changed files are held as text (with the blob id git would give them)
//! over the untouched tree. A commit is applied all or nothing, as
//! `git apply` does: when any file of it does not apply cleanly or with
//! offsets, the overlay stays as it was.

use super::{ApplyReport, CommitPatch, Entry, FilePatch, Target, TreeView, apply_target};
use crate::error::Result;
use crate::git::Git;
use git2::{FileMode, ObjectType, Oid, Tree};
use std::collections::HashMap;
use std::sync::Arc;

/// A tree and the changes applied on top of it.
pub struct Overlay<'t> {
    tree: &'t Tree<'t>,
    /// Changed paths: the new entry, or `None` for a deleted file.
    changed: HashMap<String, Option<Entry>>,
    /// Texts of blobs that exist only here, by the id git would give them.
    texts: HashMap<Oid, Arc<Target>>,
}

impl TreeView for Overlay<'_> {
    fn entry(&self, path: &str) -> Option<Entry> {
        match self.changed.get(path) {
            Some(e) => *e,
            None => self.tree.entry(path),
        }
    }

    fn text(&self, git: &Git, id: Oid) -> Result<Arc<Target>> {
        match self.texts.get(&id) {
            Some(t) => Ok(t.clone()),
            None => self.tree.text(git, id),
        }
    }
}

fn blob_entry(id: Oid, mode: FileMode) -> Entry {
    Entry {
        id,
        kind: Some(if mode == FileMode::Commit {
            ObjectType::Commit
        } else {
            ObjectType::Blob
        }),
        filemode: i32::from(mode),
    }
}

impl<'t> Overlay<'t> {
    pub fn new(tree: &'t Tree<'t>) -> Overlay<'t> {
        Overlay {
            tree,
            changed: HashMap::new(),
            texts: HashMap::new(),
        }
    }

    /// The blob (or submodule commit) at `path` as changed so far.
    pub fn blob_id(&self, path: &str) -> Option<Oid> {
        self.entry(path).map(|e| e.id)
    }

    /// Checks `patch` against the tree as changed so far.
    pub fn check(&self, git: &Git, patch: &CommitPatch) -> Result<ApplyReport> {
        patch.check_view(git, self)
    }

    /// Applies `patch` when it applies cleanly or with offsets (what `git
    /// apply` accepts); returns whether it did.
    pub fn apply(&mut self, git: &Git, patch: &CommitPatch) -> Result<bool> {
        if !self.check(git, patch)?.applies.git_applies() {
            return Ok(false);
        }
        // Every file is read as the tree was before this patch: a rename
        // and an add of the freed path must not see each other's result.
        let mut updates: Vec<(String, Option<Entry>)> = Vec::new();
        for f in &patch.files {
            let Some(new) = self.new_entry(git, f)? else {
                return Ok(false);
            };
            if let Some(old) = f.old_path.as_deref()
                && (f.status == 'D' || f.status == 'R')
            {
                updates.push((old.to_string(), None));
            }
            if let (Some(path), Some(e)) = (f.new_path.as_deref(), new) {
                updates.push((path.to_string(), Some(e)));
            }
        }
        // Deletions first, so a path freed and reused ends up added.
        updates.sort_by_key(|(_, e)| e.is_some());
        for (path, e) in updates {
            self.changed.insert(path, e);
        }
        Ok(true)
    }

    /// The entry a file has after the patch (`Some(None)` when it is
    /// deleted), or `None` when it cannot be made (the check passed, so
    /// only on a patch that lies about itself).
    fn new_entry(&mut self, git: &Git, f: &FilePatch) -> Result<Option<Option<Entry>>> {
        if f.status == 'D' {
            return Ok(Some(None));
        }
        if f.status == 'A' {
            return Ok(Some(Some(blob_entry(f.new_id, f.new_mode))));
        }
        let Some(old) = f.old_path.as_deref().and_then(|p| self.entry(p)) else {
            return Ok(None);
        };
        // The very preimage, a binary or a submodule (whose check demands
        // the exact preimage), or nothing to change in the text.
        if old.id == f.old_id || f.binary || f.new_mode == FileMode::Commit {
            return Ok(Some(Some(blob_entry(f.new_id, f.new_mode))));
        }
        if f.hunks.is_empty() && !f.unread {
            return Ok(Some(Some(blob_entry(old.id, f.new_mode))));
        }
        let read;
        let f = if f.unread {
            let side =
                |p: &Option<String>, id: Oid, mode: FileMode| p.clone().map(|p| (p, id, mode));
            read = super::file_patch(
                git.repo(),
                super::Change {
                    old: side(&f.old_path, f.old_id, f.old_mode),
                    new: side(&f.new_path, f.new_id, f.new_mode),
                },
            )?;
            &read
        } else {
            f
        };
        let target = self.text(git, old.id)?;
        let (applies, _, img) = apply_target(&target, &f.hunks, true);
        if !applies.git_applies() {
            return Ok(None);
        }
        let text = img.lines().concat();
        let id = Oid::hash_object(ObjectType::Blob, &text)?;
        self.texts
            .entry(id)
            .or_insert_with(|| Arc::new(Target::new(text)));
        Ok(Some(Some(blob_entry(id, f.new_mode))))
    }
}
