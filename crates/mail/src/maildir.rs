//! Maildir reader: every file under `cur/` and `new/` is one message.

use crate::error::{Result, io_err};
use std::path::{Path, PathBuf};

/// True if `dir` looks like a maildir.
pub fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

/// The message files of a maildir, sorted by name (delivery order for
/// the usual `time.pid.host` names).
pub fn message_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for sub in ["cur", "new"] {
        let d = dir.join(sub);
        if !d.is_dir() {
            continue;
        }
        for e in std::fs::read_dir(&d).map_err(io_err(&d))? {
            let e = e.map_err(io_err(&d))?;
            let p = e.path();
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if p.is_file() && !hidden {
                out.push(p);
            }
        }
    }
    out.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(out)
}
