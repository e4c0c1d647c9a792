//! Plumbing for writing the demo history: file maps, trees, commits, tags.
//!
//! Everything here is deterministic: trees are written from in-memory maps
//! through an in-memory `git2::Index`, and every signature carries an explicit
//! time, so two builds write byte-identical objects.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use git2::{Index, IndexEntry, IndexTime, ObjectType, Oid, Repository, Signature, Time};

/// Someone who writes, commits or tags.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Person {
    pub name: &'static str,
    pub email: &'static str,
    /// Offset from UTC in minutes, as git stores it.
    pub tz: i32,
}

impl Person {
    pub(crate) fn signature(&self, time: i64) -> Result<Signature<'static>> {
        Ok(Signature::new(
            self.name,
            self.email,
            &Time::new(time, self.tz),
        )?)
    }

    /// `Name <email>`, the form trailers use.
    pub(crate) fn ident(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }

    /// The `author`/`committer` header value, byte for byte as git writes it.
    fn header(&self, time: i64) -> String {
        let sign = if self.tz < 0 { '-' } else { '+' };
        let off = self.tz.abs();
        format!(
            "{} <{}> {} {}{:02}{:02}",
            self.name,
            self.email,
            time,
            sign,
            off / 60,
            off % 60
        )
    }
}

/// One change to the file map of a branch.
#[derive(Clone, Debug)]
pub(crate) enum Edit {
    /// Create or overwrite a file.
    Write(&'static str, Vec<u8>),
    /// Replace the one occurrence of `old` by `new` in a text file.
    Replace(&'static str, &'static str, &'static str),
}

/// The files and tip of one line of history being written.
#[derive(Clone, Debug)]
pub(crate) struct Branch {
    pub files: BTreeMap<String, Vec<u8>>,
    pub head: Option<Oid>,
}

impl Branch {
    pub(crate) fn apply(&mut self, edits: &[Edit]) -> Result<()> {
        for edit in edits {
            match edit {
                Edit::Write(path, data) => {
                    self.files.insert((*path).to_string(), data.clone());
                }
                Edit::Replace(path, old, new) => {
                    let data = self
                        .files
                        .get_mut(*path)
                        .with_context(|| format!("edit of missing file {path}"))?;
                    let text =
                        std::str::from_utf8(data).with_context(|| format!("{path} is not text"))?;
                    let hits = text.matches(old).count();
                    if hits != 1 {
                        bail!("{path}: expected one occurrence of {old:?}, found {hits}");
                    }
                    *data = text.replacen(old, new, 1).into_bytes();
                }
            }
        }
        Ok(())
    }
}

/// Writes the tree of a file map: blobs through `repo.blob`, the tree through
/// an in-memory index so nested directories come out right.
pub(crate) fn write_tree(repo: &Repository, files: &BTreeMap<String, Vec<u8>>) -> Result<Oid> {
    let mut index = Index::new()?;
    for (path, data) in files {
        let id = repo.blob(data)?;
        let mode = if path.ends_with(".sh") {
            0o100755
        } else {
            0o100644
        };
        let entry = IndexEntry {
            ctime: IndexTime::new(0, 0),
            mtime: IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode,
            uid: 0,
            gid: 0,
            file_size: u32::try_from(data.len()).unwrap_or(u32::MAX),
            id,
            flags: 0,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        };
        index.add(&entry)?;
    }
    Ok(index.write_tree_to(repo)?)
}

/// The raw bytes of a commit object, exactly as git and libgit2 write them.
pub(crate) fn commit_bytes(
    tree: Oid,
    parents: &[Oid],
    author: &Person,
    author_time: i64,
    committer: &Person,
    commit_time: i64,
    message: &[u8],
) -> Vec<u8> {
    let mut out = format!("tree {tree}\n");
    for p in parents {
        out.push_str(&format!("parent {p}\n"));
    }
    out.push_str(&format!("author {}\n", author.header(author_time)));
    out.push_str(&format!("committer {}\n\n", committer.header(commit_time)));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(message);
    bytes
}

/// Writes a commit through `repo.commit` (UTF-8 messages) and checks the id
/// against the raw form, so the collision search and the writer can never
/// disagree.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_commit(
    repo: &Repository,
    tree: Oid,
    parents: &[Oid],
    author: &Person,
    author_time: i64,
    committer: &Person,
    commit_time: i64,
    message: &[u8],
) -> Result<Oid> {
    let raw = commit_bytes(
        tree,
        parents,
        author,
        author_time,
        committer,
        commit_time,
        message,
    );
    let expected = Oid::hash_object(ObjectType::Commit, &raw)?;
    let id = match std::str::from_utf8(message) {
        Ok(text) => {
            let tree = repo.find_tree(tree)?;
            let parents: Vec<git2::Commit<'_>> = parents
                .iter()
                .map(|p| repo.find_commit(*p))
                .collect::<Result<_, _>>()?;
            let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
            repo.commit(
                None,
                &author.signature(author_time)?,
                &committer.signature(commit_time)?,
                text,
                &tree,
                &parent_refs,
            )?
        }
        // Messages that are not UTF-8 (the Latin-1 case) go straight to the
        // object database: `repo.commit` only takes `&str`.
        Err(_) => repo.odb()?.write(ObjectType::Commit, &raw)?,
    };
    if id != expected {
        bail!("commit id mismatch: wrote {id}, computed {expected}");
    }
    Ok(id)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), so the
/// history can be dated in readable calendar terms.
pub(crate) fn date(y: i64, m: i64, d: i64) -> i64 {
    stablepick_civil::days_from_civil(y, m.clamp(1, 12) as u32, d.clamp(1, 31) as u32) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(date(1970, 1, 1), 0);
        // `date -u -d 2022-12-11 +%s`
        assert_eq!(date(2022, 12, 11), 1_670_716_800);
        assert_eq!(date(2000, 3, 1), 951_868_800);
    }

    #[test]
    fn person_header_matches_git() {
        let p = Person {
            name: "A U Thor",
            email: "author@example.com",
            tz: 330,
        };
        assert_eq!(p.header(100), "A U Thor <author@example.com> 100 +0530");
        let q = Person { tz: -420, ..p };
        assert_eq!(q.header(100), "A U Thor <author@example.com> 100 -0700");
    }
}
