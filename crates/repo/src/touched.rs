//! Which files each mainline commit changed, for the commits newer than the
//! oldest stable base: the prerequisite search reads a file's history from
//! here instead of walking every commit since the base (hundreds of
//! thousands on a kernel-sized repository).
//!
//! Computed once at index build by comparing each non-merge commit's tree
//! with its first parent's ([`tree_diff`], which reads only the subtrees
//! whose ids differ and also serves the applicability check), stored as
//! sorted (path, commit position) pairs.

use git2::{ObjectType, Oid, Repository};

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PathChanges {
    /// Commits first released after this release (an index into the
    /// index's releases) and unreleased ones are covered; `None`: none are.
    pub covered_after: Option<u16>,
    /// Sorted, distinct.
    paths: Vec<String>,
    /// (path id, commit position), sorted.
    postings: Vec<(u32, u32)>,
}

impl PathChanges {
    /// From each covered commit's position and changed paths.
    pub fn new(covered_after: Option<u16>, per_commit: &[(u32, &[String])]) -> PathChanges {
        let mut paths: Vec<String> = per_commit
            .iter()
            .flat_map(|(_, ps)| ps.iter().cloned())
            .collect();
        paths.sort_unstable();
        paths.dedup();
        let mut postings: Vec<(u32, u32)> = Vec::new();
        for (pos, ps) in per_commit {
            for p in ps.iter() {
                if let Ok(id) = paths.binary_search(p) {
                    postings.push((id as u32, *pos));
                }
            }
        }
        postings.sort_unstable();
        postings.dedup();
        PathChanges {
            covered_after,
            paths,
            postings,
        }
    }

    /// Positions of the covered commits that changed `path`, in position
    /// order.
    pub fn commits_changing(&self, path: &str) -> Vec<u32> {
        let Ok(id) = self.paths.binary_search_by(|p| p.as_str().cmp(path)) else {
            return Vec::new();
        };
        let id = id as u32;
        let start = self.postings.partition_point(|&(p, _)| p < id);
        self.postings[start..]
            .iter()
            .take_while(|&&(p, _)| p == id)
            .map(|&(_, c)| c)
            .collect()
    }

    /// Number of (path, commit) pairs stored.
    pub fn len(&self) -> usize {
        self.postings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.postings.is_empty()
    }
}

/// One entry (file, symlink or submodule) that differs between two trees:
/// its path and, on each side, its id and raw file mode (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeChange {
    pub path: String,
    pub old: Option<(Oid, i32)>,
    pub new: Option<(Oid, i32)>,
}

/// The entries that differ between the trees `old` and `new` (either may
/// be absent: an added or deleted tree), in git's tree order. A path that
/// is a tree on one side and not on the other gives the files under the
/// tree and the other side's entry separately. Subtrees with equal ids are
/// not read.
pub fn tree_diff(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
) -> Result<Vec<TreeChange>, git2::Error> {
    let mut out = Vec::new();
    let mut prefix = String::new();
    diff_trees(repo, old, new, &mut prefix, &mut out)?;
    Ok(out)
}

/// The paths [`tree_diff`] names. A tree that cannot be read (a damaged or
/// shallow repository) gives nothing: the search then treats its files as
/// unchanged.
pub fn changed_paths(repo: &Repository, old: Option<Oid>, new: Option<Oid>) -> Vec<String> {
    tree_diff(repo, old, new)
        .map(|v| v.into_iter().map(|c| c.path).collect())
        .unwrap_or_default()
}

struct Entry<'t> {
    name: &'t [u8],
    id: Oid,
    mode: i32,
    tree: bool,
}

fn entry<'e>(e: &'e git2::TreeEntry<'_>) -> Entry<'e> {
    Entry {
        name: e.name_bytes(),
        id: e.id(),
        mode: e.filemode(),
        tree: e.kind() == Some(ObjectType::Tree),
    }
}

/// Git's order of tree entries: by name, a tree's name compared as if it
/// ended in `/`. Both trees are already in this order, so they merge
/// without sorting or copying.
fn git_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    let n = a.name.len().min(b.name.len());
    a.name[..n].cmp(&b.name[..n]).then_with(|| {
        let next = |e: &Entry| {
            e.name
                .get(n)
                .copied()
                .unwrap_or(if e.tree { b'/' } else { 0 })
        };
        next(a).cmp(&next(b))
    })
}

fn diff_trees(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &mut String,
    out: &mut Vec<TreeChange>,
) -> Result<(), git2::Error> {
    if old == new {
        return Ok(());
    }
    let a = old.map(|t| repo.find_tree(t)).transpose()?;
    let b = new.map(|t| repo.find_tree(t)).transpose()?;
    let mut ia = a.iter().flat_map(|t| t.iter()).peekable();
    let mut ib = b.iter().flat_map(|t| t.iter()).peekable();
    loop {
        let order = match (ia.peek(), ib.peek()) {
            (Some(x), Some(y)) => git_order(&entry(x), &entry(y)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => break,
        };
        match order {
            std::cmp::Ordering::Less => {
                if let Some(x) = ia.next() {
                    one_side(repo, Some(&entry(&x)), None, prefix, out)?;
                }
            }
            std::cmp::Ordering::Greater => {
                if let Some(y) = ib.next() {
                    one_side(repo, None, Some(&entry(&y)), prefix, out)?;
                }
            }
            std::cmp::Ordering::Equal => {
                let (Some(x), Some(y)) = (ia.next(), ib.next()) else {
                    break;
                };
                let (x, y) = (entry(&x), entry(&y));
                if x.id == y.id && x.mode == y.mode {
                    continue;
                }
                match (x.tree, y.tree) {
                    (true, true) => descend(repo, x.name, Some(x.id), Some(y.id), prefix, out)?,
                    (false, false) => out.push(TreeChange {
                        path: path_of(prefix, x.name),
                        old: Some((x.id, x.mode)),
                        new: Some((y.id, y.mode)),
                    }),
                    _ => {
                        one_side(repo, Some(&x), None, prefix, out)?;
                        one_side(repo, None, Some(&y), prefix, out)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn path_of(prefix: &str, name: &[u8]) -> String {
    format!("{prefix}{}", String::from_utf8_lossy(name))
}

/// An entry present on one side only: itself, or every entry of a tree.
fn one_side(
    repo: &Repository,
    old: Option<&Entry>,
    new: Option<&Entry>,
    prefix: &mut String,
    out: &mut Vec<TreeChange>,
) -> Result<(), git2::Error> {
    let Some(e) = old.or(new) else {
        return Ok(());
    };
    if e.tree {
        let id = Some(e.id);
        let (o, n) = if old.is_some() {
            (id, None)
        } else {
            (None, id)
        };
        return descend(repo, e.name, o, n, prefix, out);
    }
    out.push(TreeChange {
        path: path_of(prefix, e.name),
        old: old.map(|e| (e.id, e.mode)),
        new: new.map(|e| (e.id, e.mode)),
    });
    Ok(())
}

fn descend(
    repo: &Repository,
    name: &[u8],
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &mut String,
    out: &mut Vec<TreeChange>,
) -> Result<(), git2::Error> {
    let keep = prefix.len();
    prefix.push_str(&String::from_utf8_lossy(name));
    prefix.push('/');
    let r = diff_trees(repo, old, new, prefix, out);
    prefix.truncate(keep);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(repo: &Repository, files: &[(&str, &str)]) -> Oid {
        let mut idx = git2::Index::new().unwrap();
        for (path, text) in files {
            let blob = repo.blob(text.as_bytes()).unwrap();
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                file_size: text.len() as u32,
                id: blob,
                flags: path.len() as u16,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            idx.add(&entry).unwrap();
        }
        idx.write_tree_to(repo).unwrap()
    }

    #[test]
    fn names_exactly_the_files_that_differ() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let a = tree(
            &repo,
            &[
                ("Makefile", "v1\n"),
                ("drivers/net/a.c", "a\n"),
                ("drivers/net/b.c", "b\n"),
                ("kernel/sched.c", "s\n"),
                ("old/gone.c", "g\n"),
            ],
        );
        let b = tree(
            &repo,
            &[
                ("Makefile", "v1\n"),
                ("drivers/net/a.c", "a2\n"),
                ("drivers/net/b.c", "b\n"),
                ("drivers/net-x.c", "new\n"),
                ("kernel/sched.c", "s\n"),
                // A file where a directory was.
                ("old", "now a file\n"),
            ],
        );
        let mut got = changed_paths(&repo, Some(a), Some(b));
        got.sort();
        assert_eq!(
            got,
            vec!["drivers/net-x.c", "drivers/net/a.c", "old", "old/gone.c"]
        );
        let mut created = changed_paths(&repo, None, Some(a));
        created.sort();
        assert_eq!(created.len(), 5);
        assert!(changed_paths(&repo, Some(a), Some(a)).is_empty());
        // An unreadable tree id yields nothing rather than an error.
        let missing = Oid::from_str("1234567890123456789012345678901234567890").unwrap();
        assert!(changed_paths(&repo, Some(missing), Some(missing)).is_empty());
    }

    #[test]
    fn postings_answer_per_path() {
        let (seven, two) = (["a.c".to_string(), "b.c".into()], ["a.c".to_string()]);
        let pc = PathChanges::new(Some(3), &[(7, &seven[..]), (2, &two[..]), (9, &[])]);
        assert_eq!(pc.commits_changing("a.c"), vec![2, 7]);
        assert_eq!(pc.commits_changing("b.c"), vec![7]);
        assert!(pc.commits_changing("c.c").is_empty());
        assert_eq!(pc.len(), 3);
    }
}
