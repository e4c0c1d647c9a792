//! Stable branches: parse `--stable BRANCH[=BASE]`, find the branch (local or
//! remote-tracking) and its base tag, or detect every stable branch by name.

use crate::error::{RepoError, Result};
use crate::git::Git;
use crate::release::{
    ReleaseVersion, TagStyle, guess_branch_version, named_release_tag, release_version_in,
    stable_branch_base,
};
use git2::Oid;

/// A `--stable` argument before it is checked against the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StableSpec {
    pub branch: String,
    pub base: Option<String>,
}

impl std::str::FromStr for StableSpec {
    type Err = RepoError;
    fn from_str(s: &str) -> Result<Self> {
        let (branch, base) = match s.split_once('=') {
            Some((b, t)) => (b.trim(), Some(t.trim())),
            None => (s.trim(), None),
        };
        if branch.is_empty() || base.is_some_and(str::is_empty) {
            return Err(RepoError::BadStableSpec(s.to_string()));
        }
        Ok(StableSpec {
            branch: branch.to_string(),
            base: base.map(str::to_string),
        })
    }
}

/// A stable branch found in the repository.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BranchRef {
    /// The name the user knows it by (`linux-6.1.y`, `23.11`).
    pub name: String,
    /// The full ref it resolved to (`refs/remotes/origin/23.11`).
    pub refname: String,
    pub tip: [u8; 20],
    pub base: String,
    pub base_commit: [u8; 20],
    /// Release version of the base, when the base is a release tag.
    pub version: Option<ReleaseVersion>,
}

impl BranchRef {
    pub fn tip(&self) -> Oid {
        Oid::from_bytes(&self.tip).expect("20 bytes")
    }
    pub fn base_commit(&self) -> Oid {
        Oid::from_bytes(&self.base_commit).expect("20 bytes")
    }
    /// The ref to name in commands a reader runs (`origin/23.11`).
    pub fn display_ref(&self) -> &str {
        self.refname
            .strip_prefix("refs/heads/")
            .or_else(|| self.refname.strip_prefix("refs/remotes/"))
            .unwrap_or(&self.refname)
    }
}

/// The tag names of a repository, read once for the guesses of
/// [`default_base`].
pub struct TagNames(std::collections::HashSet<String>);

impl TagNames {
    pub fn read(git: &Git) -> Result<TagNames> {
        Ok(TagNames(git.tags()?.into_iter().map(|t| t.0).collect()))
    }
}

/// The base tag of a branch named without one: the known conventions
/// ([`stable_branch_base`]) first; else the version the name suggests
/// ([`guess_branch_version`]) under a tag that exists — one of the usual
/// spellings, or for a bare version `<project>-X.Y.0`
/// ([`named_release_tag`]). A known
/// convention's base is returned even when its tag is missing, so the error
/// names the tag looked for.
pub fn default_base(branch: &str, tags: &TagNames) -> Option<String> {
    let known = stable_branch_base(branch).map(|(_, t)| t);
    if let Some(t) = &known
        && tags.0.contains(t)
    {
        return known;
    }
    let guessed = guess_branch_version(branch).and_then(|g| {
        let spelled = g.tags.into_iter().find(|t| tags.0.contains(t));
        spelled.or_else(|| {
            g.bare
                .then(|| named_release_tag(&g.version, tags.0.iter().map(String::as_str)))
                .flatten()
                .map(str::to_string)
        })
    });
    guessed.or(known)
}

/// Resolves one spec against the repository.
pub fn resolve(git: &Git, spec: &StableSpec) -> Result<BranchRef> {
    // A misspelt branch is named as such, before any look for its base.
    git.find_branch(&spec.branch)?;
    let base = match &spec.base {
        Some(b) => b.clone(),
        None => default_base(&spec.branch, &TagNames::read(git)?).ok_or_else(|| {
            RepoError::UnknownBase {
                branch: spec.branch.clone(),
            }
        })?,
    };
    resolve_with_base(git, spec, base)
}

fn resolve_with_base(git: &Git, spec: &StableSpec, base: String) -> Result<BranchRef> {
    let (refname, tip) = git.find_branch(&spec.branch)?;
    let base_commit = git
        .tag_commit(&base)
        .or_else(|| git.resolve_commit(&base).ok())
        .ok_or_else(|| RepoError::MissingBaseTag {
            branch: spec.branch.clone(),
            base: base.clone(),
        })?;
    let version = release_version_in(&base, TagStyle::learn(&base).as_slice())
        .or_else(|| stable_branch_base(&spec.branch).map(|v| v.0));
    Ok(BranchRef {
        name: spec.branch.clone(),
        refname,
        tip: to_bytes(tip),
        base,
        base_commit: to_bytes(base_commit),
        version,
    })
}

/// The stable branches found by name.
#[derive(Debug, Clone, Default)]
pub struct Detected {
    /// Oldest version first.
    pub active: Vec<BranchRef>,
    /// Names of branches left out as no longer maintained: their newest
    /// commit is more than [`INACTIVE_AFTER_DAYS`] older than the newest
    /// commit of any stable branch (end-of-life branches of a project that
    /// keeps them all, like util-linux's `stable/v2.20`).
    pub inactive: Vec<String>,
}

/// See [`Detected::inactive`]: two years.
pub const INACTIVE_AFTER_DAYS: i64 = 730;

/// Every branch whose name follows a stable convention and whose base tag
/// exists, less those no longer maintained; local branches win over
/// remote-tracking ones of the same name.
pub fn detect(git: &Git) -> Result<Detected> {
    let found = detect_all(git)?;
    let times: Vec<i64> = found
        .iter()
        .map(|b| git.commit_info(b.tip()).map(|c| c.commit_time).unwrap_or(0))
        .collect();
    let newest = times.iter().copied().max().unwrap_or(0);
    let mut d = Detected::default();
    for (b, t) in found.into_iter().zip(times) {
        if t >= newest - INACTIVE_AFTER_DAYS * 86_400 {
            d.active.push(b);
        } else {
            d.inactive.push(b.name);
        }
    }
    Ok(d)
}

fn detect_all(git: &Git) -> Result<Vec<BranchRef>> {
    let tags = TagNames::read(git)?;
    let mut found: Vec<BranchRef> = Vec::new();
    let mut refs = git.branch_refs()?;
    // Local branches first so they win.
    refs.sort_by_key(|(r, _)| (!r.starts_with("refs/heads/"), r.clone()));
    for (refname, _) in refs {
        let short = refname
            .strip_prefix("refs/heads/")
            .or_else(|| {
                refname
                    .strip_prefix("refs/remotes/")
                    .and_then(|s| s.split_once('/').map(|(_, b)| b))
            })
            .unwrap_or(&refname)
            .to_string();
        if found.iter().any(|b| b.name == short) {
            continue;
        }
        let Some(base) = default_base(&short, &tags) else {
            continue;
        };
        if git.tag_commit(&base).is_none() {
            continue;
        }
        let spec = StableSpec {
            branch: short,
            base: None,
        };
        if let Ok(b) = resolve_with_base(git, &spec, base) {
            found.push(b);
        }
    }
    found.sort_by(|a, b| a.version.cmp(&b.version).then(a.name.cmp(&b.name)));
    Ok(found)
}

pub(crate) fn to_bytes(oid: Oid) -> [u8; 20] {
    let mut b = [0u8; 20];
    b.copy_from_slice(oid.as_bytes());
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let s: StableSpec = "22.11=v22.11".parse().unwrap();
        assert_eq!(s.branch, "22.11");
        assert_eq!(s.base.as_deref(), Some("v22.11"));
        let s: StableSpec = "linux-6.1.y".parse().unwrap();
        assert_eq!(s.base, None);
        assert!("=v1".parse::<StableSpec>().is_err());
        assert!("x=".parse::<StableSpec>().is_err());
    }
}
