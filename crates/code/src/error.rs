//! The crate's error type.

use std::fmt;

/// Why an index could not be built or read.
#[derive(Debug)]
pub enum CodeError {
    /// Reading the repository failed.
    Git(git2::Error),
    /// Reading or writing the cache failed.
    Io(std::io::Error),
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::Git(e) => write!(f, "git: {e}"),
            CodeError::Io(e) => write!(f, "i/o: {e}"),
        }
    }
}

impl std::error::Error for CodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CodeError::Git(e) => Some(e),
            CodeError::Io(e) => Some(e),
        }
    }
}

impl From<git2::Error> for CodeError {
    fn from(e: git2::Error) -> Self {
        CodeError::Git(e)
    }
}

impl From<std::io::Error> for CodeError {
    fn from(e: std::io::Error) -> Self {
        CodeError::Io(e)
    }
}
