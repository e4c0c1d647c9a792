use std::path::PathBuf;

/// What can go wrong reading a repository. Every variant names the thing
/// that was wrong so the message alone tells the user what to fix.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("{path}: not a git repository ({detail})")]
    NotARepository { path: PathBuf, detail: String },
    #[error(
        "{path}: shallow clone; release and backport facts need the full history (run `git fetch --unshallow`)"
    )]
    Shallow { path: PathBuf },
    #[error("unknown revision `{rev}`: {detail}")]
    UnknownRevision { rev: String, detail: String },
    #[error("ambiguous revision `{rev}`: matches {candidates}")]
    AmbiguousRevision { rev: String, candidates: String },
    #[error("unknown branch `{branch}`: no local or remote-tracking branch of that name{hint}")]
    UnknownBranch { branch: String, hint: String },
    #[error(
        "branch `{branch}`: base tag `{base}` not found (tags missing? run `git fetch --tags`, or give --stable {branch}=TAG)"
    )]
    MissingBaseTag { branch: String, base: String },
    #[error(
        "branch `{branch}`: cannot tell its base tag from the name; give it as --stable {branch}=TAG"
    )]
    UnknownBase { branch: String },
    #[error("bad --stable value `{0}`: expected BRANCH or BRANCH=BASE_TAG")]
    BadStableSpec(String),
    #[error("no mainline branch found (tried {tried}); give one with --mainline")]
    NoMainline { tried: String },
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error("index cache {path}: {detail}")]
    Cache { path: PathBuf, detail: String },
}

pub type Result<T, E = RepoError> = std::result::Result<T, E>;
