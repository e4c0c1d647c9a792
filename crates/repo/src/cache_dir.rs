//! The directory of caches under `<git dir>/stablepick/`: the repository
//! index, the commit scans, the code indexes of source trees and the triage
//! rows. Each is rebuilt when missing, and each new branch tip, model or
//! build writes a new one: a repository triaged every day would gather them
//! without end. Every writer keeps its kind's most recently used files and
//! removes the rest.

use std::path::Path;
use std::time::SystemTime;

/// Removes the files of `dir` named `<prefix>…<suffix>`, but for the `keep`
/// most recently used (modified) ones and `current`. Errors are ignored: a
/// cache only ever saves time.
pub fn prune(dir: &Path, prefix: &str, suffix: &str, keep: usize, current: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(SystemTime, std::path::PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(prefix) && name.ends_with(suffix)
        })
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            meta.is_file()
                .then(|| (meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), e.path()))
        })
        .collect();
    // Newest first; the current file counts among the kept.
    files.sort_by(|a, b| b.cmp(a));
    let mut kept = 0;
    for (_, path) in files {
        if path == current {
            continue;
        }
        if kept + 1 < keep {
            kept += 1;
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Marks `path` as used now, so that [`prune`] keeps it longer.
pub fn touch(path: &Path) {
    if let Ok(f) = std::fs::File::options().append(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn aged(dir: &Path, name: &str, days_ago: u64) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, name).unwrap();
        let f = std::fs::File::options().append(true).open(&p).unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(days_ago * 86_400))
            .unwrap();
        p
    }

    #[test]
    fn keeps_the_most_recently_used_and_the_current_file() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        let current = aged(d, "code-0.bin", 30);
        for i in 1..=5 {
            aged(d, &format!("code-{i}.bin"), i);
        }
        let other = aged(d, "index-v1-a.bin", 40);
        let used = aged(d, "code-9.bin", 50);
        touch(&used);
        prune(d, "code-", ".bin", 3, &current);
        let mut left: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        // The current file, and two others: the one just used and the newest.
        assert_eq!(
            left,
            ["code-0.bin", "code-1.bin", "code-9.bin", "index-v1-a.bin"]
        );
        assert!(other.exists());
        prune(d, "code-", ".bin", 1, &current);
        assert!(current.exists() && !used.exists());
    }
}
