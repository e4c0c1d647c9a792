//! Stable branches: parse `--stable BRANCH[=BASE]`, find the branch (local or
//! remote-tracking) and its base tag, or detect every stable branch by name.

use crate::error::{RepoError, Result};
use crate::git::Git;
use crate::release::{ReleaseVersion, TagStyle, release_version_in, stable_branch_base};
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

/// Resolves one spec against the repository.
pub fn resolve(git: &Git, spec: &StableSpec) -> Result<BranchRef> {
    let (refname, tip) = git.find_branch(&spec.branch)?;
    let base = match &spec.base {
        Some(b) => b.clone(),
        None => stable_branch_base(&spec.branch)
            .map(|(_, t)| t)
            .ok_or_else(|| RepoError::UnknownBase {
                branch: spec.branch.clone(),
            })?,
    };
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
        let Some((_, base)) = stable_branch_base(&short) else {
            continue;
        };
        if git.tag_commit(&base).is_none() {
            continue;
        }
        let spec = StableSpec {
            branch: short,
            base: None,
        };
        if let Ok(b) = resolve(git, &spec) {
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
