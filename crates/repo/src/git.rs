//! Plumbing over libgit2: open a repository, resolve revisions and branches,
//! read commits, paths and blobs, answer ancestry questions.

use crate::error::{RepoError, Result};
use git2::{Oid, Repository};
use std::path::{Path, PathBuf};

/// An opened repository (bare or with a work tree).
pub struct Git {
    repo: Repository,
    path: PathBuf,
    /// Patch-ids already computed: a commit's is asked for once per stable
    /// branch, and a stable commit's for every mainline commit with its
    /// subject (translation and release commits share one subject across
    /// dozens of commits, and their diffs are the largest).
    patch_ids: std::cell::RefCell<std::collections::HashMap<Oid, Option<Oid>>>,
}

/// Patch-ids kept per [`Git`], at most; the memo starts over when full.
const PATCH_ID_MEMO: usize = 65_536;

/// The facts of one commit that every phase reads.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub oid: Oid,
    pub subject: String,
    /// The full message, decoded lossily when it is not UTF-8.
    pub message: String,
    /// False when the raw message bytes were not valid UTF-8.
    pub message_is_utf8: bool,
    pub author_name: String,
    pub author_email: String,
    pub author_time: i64,
    pub committer_email: String,
    pub commit_time: i64,
    pub parents: Vec<Oid>,
}

/// Caps libgit2's pack mappings and object cache. Its defaults (1 GiB pack
/// windows up to 8 GiB mapped, a 256 MiB object cache per handle) let
/// a scan of a million commits keep gigabytes resident; reading through
/// smaller windows costs little time.
fn bound_libgit2_memory() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: process-wide settings, written once, before this process
        // opens its first repository through `Git::open`.
        unsafe {
            let _ = git2::opts::set_mwindow_size(PACK_WINDOW);
            let _ = git2::opts::set_mwindow_mapped_limit(MAPPED_PACK_LIMIT);
            let _ = git2::opts::set_cache_max_size(OBJECT_CACHE_LIMIT);
            // Trees over 4 KiB and every blob are not cached by default;
            // the phases of one commit read the same trees and blobs
            // several times (diff, apply checks, prerequisites).
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, CACHED_OBJECT_MAX);
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Blob, CACHED_OBJECT_MAX);
        }
    });
}

const PACK_WINDOW: usize = 32 << 20;
const MAPPED_PACK_LIMIT: usize = 256 << 20;
const OBJECT_CACHE_LIMIT: isize = 64 << 20;
/// Largest tree or blob kept in the object cache.
const CACHED_OBJECT_MAX: usize = 1 << 20;

impl Git {
    /// Opens `path` (a work tree, a `.git` dir or a bare repository).
    /// A shallow clone is an error: release and backport facts would be wrong.
    pub fn open(path: &Path) -> Result<Git> {
        // libgit2 re-hashes every object it reads; git itself does not, and
        // it costs about a quarter of the time of a diff-heavy run.
        git2::opts::strict_hash_verification(false);
        bound_libgit2_memory();
        let repo = Repository::open(path).map_err(|e| RepoError::NotARepository {
            path: path.to_path_buf(),
            detail: e.message().to_string(),
        })?;
        if repo.is_shallow() {
            return Err(RepoError::Shallow {
                path: path.to_path_buf(),
            });
        }
        Ok(Git {
            repo,
            path: path.to_path_buf(),
            patch_ids: Default::default(),
        })
    }

    pub fn repo(&self) -> &Repository {
        &self.repo
    }

    /// The path the user gave.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The git directory (`.git` or the bare repository itself).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// Resolves any revision (`HEAD~2`, a tag, an abbreviated sha) to a commit.
    pub fn resolve_commit(&self, rev: &str) -> Result<Oid> {
        let obj = self.repo.revparse_single(rev).map_err(|e| {
            if e.code() == git2::ErrorCode::Ambiguous {
                RepoError::AmbiguousRevision {
                    rev: rev.to_string(),
                    candidates: "more than one object".into(),
                }
            } else {
                RepoError::UnknownRevision {
                    rev: rev.to_string(),
                    detail: e.message().to_string(),
                }
            }
        })?;
        let commit = obj
            .peel_to_commit()
            .map_err(|e| RepoError::UnknownRevision {
                rev: rev.to_string(),
                detail: format!("not a commit: {}", e.message()),
            })?;
        Ok(commit.id())
    }

    /// Finds a branch by short name: local first, then `origin/NAME`, then any
    /// remote's `NAME`. Full ref names are accepted too.
    pub fn find_branch(&self, name: &str) -> Result<(String, Oid)> {
        let mut candidates = vec![
            name.to_string(),
            format!("refs/heads/{name}"),
            format!("refs/remotes/origin/{name}"),
        ];
        if let Ok(remotes) = self.repo.remotes() {
            for r in remotes.iter().flatten().flatten() {
                candidates.push(format!("refs/remotes/{r}/{name}"));
            }
        }
        for c in candidates {
            if !c.starts_with("refs/") {
                continue;
            }
            if let Ok(r) = self.repo.find_reference(&c)
                && let Ok(commit) = r.peel_to_commit()
            {
                return Ok((c, commit.id()));
            }
        }
        // git.git keeps old maintenance lines only as tags (`v2.46.4`).
        let hint = if self.tag_commit(name).is_some() {
            format!("; a tag has it: give the line up to the tag as refs/tags/{name}")
        } else {
            String::new()
        };
        Err(RepoError::UnknownBranch {
            branch: name.to_string(),
            hint,
        })
    }

    /// Peels a tag name to its commit, if the tag exists.
    pub fn tag_commit(&self, tag: &str) -> Option<Oid> {
        let r = self.repo.find_reference(&format!("refs/tags/{tag}")).ok()?;
        r.peel_to_commit().ok().map(|c| c.id())
    }

    /// All tags as (name, commit), skipping tags that do not point at commits.
    pub fn tags(&self) -> Result<Vec<(String, Oid)>> {
        let mut out = Vec::new();
        for r in self.repo.references_glob("refs/tags/*")? {
            let Ok(r) = r else { continue };
            let Some(name) = r.name().ok().and_then(|n| n.strip_prefix("refs/tags/")) else {
                continue;
            };
            let name = name.to_string();
            if let Ok(c) = r.peel_to_commit() {
                out.push((name, c.id()));
            }
        }
        Ok(out)
    }

    /// The tags `tip` reaches that `base` does not, oldest first by
    /// `creatordate` (the tagger's date, or the commit's for a lightweight
    /// tag), then name: a stable branch's own releases.
    pub fn tags_between(&self, base: Oid, tip: Oid) -> Result<Vec<(String, Oid)>> {
        let mut walk = self.repo.revwalk()?;
        walk.push(tip)?;
        walk.hide(base)?;
        let on_branch: std::collections::HashSet<Oid> = walk.filter_map(|o| o.ok()).collect();
        let mut tags: Vec<(i64, String, Oid)> = Vec::new();
        for r in self.repo.references_glob("refs/tags/*")? {
            let Ok(r) = r else { continue };
            let Some(name) = r.name().ok().and_then(|n| n.strip_prefix("refs/tags/")) else {
                continue;
            };
            let Ok(c) = r.peel_to_commit() else { continue };
            if !on_branch.contains(&c.id()) {
                continue;
            }
            let date = r
                .peel_to_tag()
                .ok()
                .and_then(|t| t.tagger().map(|s| s.when().seconds()))
                .unwrap_or_else(|| c.time().seconds());
            tags.push((date, name.to_string(), c.id()));
        }
        tags.sort();
        Ok(tags.into_iter().map(|(_, n, c)| (n, c)).collect())
    }

    /// The first of `tags` ([`Git::tags_between`]) that contains `commit`,
    /// as `git for-each-ref --contains <commit> --merged <tip>
    /// --sort=creatordate refs/tags` lists first: the release that shipped
    /// a branch's commit.
    pub fn first_tag_containing<'t>(
        &self,
        commit: Oid,
        tags: &'t [(String, Oid)],
    ) -> Result<Option<&'t str>> {
        for (name, c) in tags {
            if *c == commit || self.repo.graph_descendant_of(*c, commit)? {
                return Ok(Some(name));
            }
        }
        Ok(None)
    }

    /// All local and remote-tracking branch refs as (refname, tip).
    pub fn branch_refs(&self) -> Result<Vec<(String, Oid)>> {
        let mut out = Vec::new();
        for glob in ["refs/heads/*", "refs/remotes/*"] {
            for r in self.repo.references_glob(glob)? {
                let Ok(r) = r else { continue };
                if r.symbolic_target().is_ok_and(|t| t.is_some()) {
                    continue;
                }
                let Ok(name) = r.name() else { continue };
                let name = name.to_string();
                if let Ok(c) = r.peel_to_commit() {
                    out.push((name, c.id()));
                }
            }
        }
        Ok(out)
    }

    pub fn commit_info(&self, oid: Oid) -> Result<CommitInfo> {
        let c = self.repo.find_commit(oid)?;
        let raw = c.message_bytes();
        let (message, message_is_utf8) = match std::str::from_utf8(raw) {
            Ok(s) => (s.to_string(), true),
            Err(_) => (String::from_utf8_lossy(raw).into_owned(), false),
        };
        let subject = message.lines().next().unwrap_or("").trim().to_string();
        let author = c.author();
        Ok(CommitInfo {
            oid,
            subject,
            message,
            message_is_utf8,
            author_name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            author_time: author.when().seconds(),
            committer_email: String::from_utf8_lossy(c.committer().email_bytes()).into_owned(),
            commit_time: c.time().seconds(),
            parents: c.parent_ids().collect(),
        })
    }

    /// Is `ancestor` reachable from `descendant` (or equal to it)?
    pub fn is_ancestor(&self, ancestor: Oid, descendant: Oid) -> Result<bool> {
        if ancestor == descendant {
            return Ok(true);
        }
        Ok(self.repo.graph_descendant_of(descendant, ancestor)?)
    }

    /// Does `path` exist in the tree of commit `rev`?
    pub fn has_path(&self, rev: Oid, path: &str) -> bool {
        self.repo
            .find_commit(rev)
            .and_then(|c| c.tree())
            .and_then(|t| t.get_path(Path::new(path)))
            .is_ok()
    }

    /// The text of `path` at commit `rev` (lossy UTF-8), if it is a blob.
    pub fn blob_text(&self, rev: Oid, path: &str) -> Option<String> {
        let tree = self.repo.find_commit(rev).ok()?.tree().ok()?;
        let entry = tree.get_path(Path::new(path)).ok()?;
        let blob = self.repo.find_blob(entry.id()).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    }

    /// Commits reachable from `start` (inclusive) whose diff to their first
    /// parent touches any of `paths`, newest first. Merges are skipped, as
    /// `git log --no-merges -- paths` does. Stops after `limit` hits or
    /// `max_scan` commits walked; the bool says whether the scan was cut short.
    pub fn log_paths(
        &self,
        start: Oid,
        paths: &[String],
        limit: usize,
        max_scan: usize,
    ) -> Result<(Vec<Oid>, bool)> {
        let mut walk = self.repo.revwalk()?;
        walk.push(start)?;
        let mut hits = Vec::new();
        for (scanned, oid) in walk.enumerate() {
            if scanned >= max_scan {
                return Ok((hits, true));
            }
            let oid = oid?;
            if self.touches(oid, paths)? {
                hits.push(oid);
                if hits.len() >= limit {
                    break;
                }
            }
        }
        Ok((hits, false))
    }

    /// Does non-merge commit `oid` change any of `paths` against its first
    /// parent? Trees are compared level by level, so an unchanged top-level
    /// directory costs one entry lookup.
    pub fn touches(&self, oid: Oid, paths: &[String]) -> Result<bool> {
        let c = self.repo.find_commit(oid)?;
        if c.parent_count() > 1 {
            return Ok(false);
        }
        let tree = c.tree()?;
        let parent_tree = match c.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let Some(parent_tree) = parent_tree else {
            return Ok(paths.iter().any(|p| tree.get_path(Path::new(p)).is_ok()));
        };
        if tree.id() == parent_tree.id() {
            return Ok(false);
        }
        for p in paths {
            if self.path_changed(&parent_tree, &tree, p)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Does `path` differ between trees `a` and `b`? A directory on the
    /// path that exists on one side only means a change only if the path
    /// exists under it: a commit that creates `d/` for `d/x.c` does not
    /// touch `d/y.c`.
    fn path_changed(&self, a: &git2::Tree, b: &git2::Tree, path: &str) -> Result<bool> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let Some((last, dirs)) = parts.split_last() else {
            return Ok(false);
        };
        let (mut ta, mut tb) = (Some(a.clone()), Some(b.clone()));
        for (i, part) in dirs.iter().enumerate() {
            let sub_a = self.subtree(ta.as_ref(), part)?;
            let sub_b = self.subtree(tb.as_ref(), part)?;
            match (&sub_a, &sub_b) {
                (None, None) => return Ok(false),
                (Some(x), Some(y)) if x.id() == y.id() => return Ok(false),
                (Some(_), Some(_)) => {}
                // Only one side has the directory: the path changed iff it
                // exists there.
                (Some(t), None) | (None, Some(t)) => {
                    let rest = parts[i + 1..].join("/");
                    return Ok(t.get_path(Path::new(&rest)).is_ok());
                }
            }
            (ta, tb) = (sub_a, sub_b);
        }
        let entry = |t: &Option<git2::Tree>| {
            t.as_ref()
                .and_then(|t| t.get_name(last).map(|e| (e.id(), e.filemode())))
        };
        Ok(entry(&ta) != entry(&tb))
    }

    /// The subdirectory `name` of `tree`, or `None` when there is no tree
    /// or the entry is missing or not a directory.
    fn subtree(&self, tree: Option<&git2::Tree>, name: &str) -> Result<Option<git2::Tree<'_>>> {
        let Some(entry) = tree.and_then(|t| t.get_name(name)) else {
            return Ok(None);
        };
        if entry.kind() != Some(git2::ObjectType::Tree) {
            return Ok(None);
        }
        Ok(Some(self.repo.find_tree(entry.id())?))
    }

    /// Whether commits `a` and `b` make the same change: equal patch-ids.
    /// Commits that change different files (mode-only changes aside) cannot
    /// have equal patch-ids, and commits that turn the same blobs into the
    /// same blobs must: both are told from the trees alone, so only the
    /// rest have their diffs computed.
    pub fn same_patch(&self, a: Oid, b: Oid) -> Result<bool> {
        // (path, blob before, blob after) of each file whose content changed.
        type ContentChange = (String, Option<Oid>, Option<Oid>);
        let changes = |oid: Oid| -> Result<Vec<ContentChange>> {
            let c = self.repo.find_commit(oid)?;
            let parent = c.parent(0).ok().map(|p| p.tree_id());
            let mut v: Vec<_> = crate::touched::tree_diff(&self.repo, parent, Some(c.tree_id()))?
                .into_iter()
                .filter(|t| t.old.map(|o| o.0) != t.new.map(|n| n.0))
                .map(|t| (t.path, t.old.map(|o| o.0), t.new.map(|n| n.0)))
                .collect();
            v.sort();
            Ok(v)
        };
        let (ca, cb) = (changes(a)?, changes(b)?);
        if ca.is_empty() || !ca.iter().map(|c| &c.0).eq(cb.iter().map(|c| &c.0)) {
            return Ok(false);
        }
        if ca == cb {
            return Ok(true);
        }
        let pa = self.patch_id(a)?;
        Ok(pa.is_some() && pa == self.patch_id(b)?)
    }

    /// `git patch-id --stable` of a commit's diff to its first parent, or
    /// `None` for an empty diff.
    pub fn patch_id(&self, oid: Oid) -> Result<Option<Oid>> {
        if let Some(p) = self.patch_ids.borrow().get(&oid) {
            return Ok(*p);
        }
        let p = self.compute_patch_id(oid)?;
        let mut memo = self.patch_ids.borrow_mut();
        if memo.len() >= PATCH_ID_MEMO {
            memo.clear();
        }
        memo.insert(oid, p);
        Ok(p)
    }

    fn compute_patch_id(&self, oid: Oid) -> Result<Option<Oid>> {
        let c = self.repo.find_commit(oid)?;
        let tree = c.tree()?;
        let parent_tree = match c.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let diff = crate::treediff::diff_trees(
            &self.repo,
            parent_tree.as_ref(),
            Some(&tree),
            &mut git2::DiffOptions::new(),
        )?;
        if diff.deltas().len() == 0 {
            return Ok(None);
        }
        Ok(Some(diff.patchid(None)?))
    }
}

/// Short form of a sha for display (12 hex digits, the kernel's habit).
pub fn short(oid: Oid) -> String {
    let s = oid.to_string();
    s[..12.min(s.len())].to_string()
}
