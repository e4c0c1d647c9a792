//! stablepick-repo: git access and the repository index.
//!
//! The principal type is [`RepoIndex`]: it reads a repository once through
//! [`Git`] (libgit2, in-process) and answers, per commit, the questions every
//! phase of a backport report asks — which release first shipped it, which
//! stable branches already carry it and as which commit, which later commits
//! fix or revert it. [`diff::commit_diff`] turns a commit into files, hunks
//! and touched functions; [`message::parse`] reads its trailers.
//!
//! ```no_run
//! use stablepick_repo::{Git, RepoIndex, IndexOptions};
//! let git = Git::open(std::path::Path::new("linux")).unwrap();
//! let index = RepoIndex::open(&git, &IndexOptions::default()).unwrap();
//! let fix = git.resolve_commit("38e989d504fc").unwrap();
//! println!("{:?}", index.first_release(fix).map(|r| &r.tag));
//! ```

pub mod apply;
pub mod cache_dir;
pub mod cfunc;
pub mod diff;
pub mod error;
pub mod git;
pub mod gofunc;
pub mod graph;
mod history;
mod ids;
pub mod index;
pub mod message;
pub mod prereq;
pub mod release;
mod scan;
pub mod series;
pub mod stable;
pub mod touched;
pub mod treediff;

pub use error::{RepoError, Result};
pub use git::{CommitInfo, Git, short};
pub use git2::Oid;
pub use index::{
    BackportVia, IndexOptions, Release, RepoIndex, Resolved, StableCcUsage, StableIndex,
};
pub use stable::{BranchRef, StableSpec};
