//! A tiny repository built with the `git` CLI: mainline `main`, release
//! tags, a stable branch, commits at chosen dates.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Repo {
    _tmp: tempfile::TempDir,
    pub dir: PathBuf,
    /// Seconds since the epoch of the next commit.
    pub clock: i64,
}

pub const DAY: i64 = 86_400;

impl Repo {
    pub fn new() -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("r");
        std::fs::create_dir_all(&dir).unwrap();
        let r = Repo {
            _tmp: tmp,
            dir,
            clock: 1_600_000_000,
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    pub fn git(&self, args: &[&str]) -> String {
        let date = format!("@{} +0000", self.clock);
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "A U Thor")
            .env("GIT_AUTHOR_EMAIL", "author@example.org")
            .env("GIT_COMMITTER_NAME", "C O Mitter")
            .env("GIT_COMMITTER_EMAIL", "committer@example.org")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.dir.parent().unwrap())
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {:?}: {}",
            args,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Writes `files` (path, content), commits with `msg`, one day later
    /// than the previous commit. Returns the sha.
    pub fn commit(&mut self, msg: &str, files: &[(&str, &str)]) -> String {
        self.clock += DAY;
        for (p, c) in files {
            let path = self.dir.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, c).unwrap();
            self.git(&["add", p]);
        }
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Commits `files` on the current branch as a DPDK-style backport of
    /// `sha` (its subject, then `[ upstream commit <sha> ]`).
    pub fn backport(&mut self, sha: &str, files: &[(&str, &str)]) -> String {
        let subject = self.git(&["log", "-1", "--format=%s", sha]);
        self.commit(&format!("{subject}\n\n[ upstream commit {sha} ]"), files)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

/// A driver (`drivers/net/a.c` with four functions, plus `extra` files),
/// then the bug: `f1` divides by zero. Tags `v1.0` after the bug and
/// returns the bug's sha.
pub fn driver_with_bug(r: &mut Repo, extra: &[(&str, &str)]) -> String {
    let first = c_file(4, 0, "\treturn x;");
    let mut files = vec![("drivers/net/a.c", first.as_str())];
    files.extend_from_slice(extra);
    r.commit("drv: add driver", &files);
    let bug = r.commit(
        "drv: add foo",
        &[("drivers/net/a.c", &c_file(4, 1, "\treturn x / 0;"))],
    );
    r.git(&["tag", "-a", "-m", "v1.0", "v1.0"]);
    bug
}

/// A model that only carries a threshold: `combine::with_model` is given
/// the probabilities, so no weight is read.
pub fn threshold_model(t: f64) -> stablepick_verdict::model::Model {
    serde_json::from_value(serde_json::json!({
        "format": stablepick_verdict::model::MODEL_FORMAT,
        "dim_bits": stablepick_verdict::features::DIM_BITS,
        "weights": [], "platt_a": 1.0, "platt_b": 0.0, "threshold": t,
        "options": {"epochs": 1, "l2": 0.0, "learning_rate": 0.1, "folds": 2, "seed": 1},
        "stats": {"examples": 0, "positives": 0, "oof_precision": 0.0, "oof_recall": 0.0, "oof_f1": 0.0},
        "trained_on": ["0.9=v0.9"], "past": []
    }))
    .unwrap()
}

/// C source with `n` functions, one of which (`f{k}`) has body `body`.
pub fn c_file(n: usize, k: usize, body: &str) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i == k {
            s.push_str(&format!("int f{i}(int x)\n{{\n{body}\n}}\n\n"));
        } else {
            s.push_str(&format!("int f{i}(int x)\n{{\n\treturn x + {i};\n}}\n\n"));
        }
    }
    s
}

/// Opens `r` with its index built fresh (no cache), the stable branch `1.0`
/// at `v1.0`.
pub fn open_index(r: &Repo) -> (stablepick_repo::Git, stablepick_repo::RepoIndex) {
    open_index_with(r, &["1.0=v1.0"])
}

/// The index with the stable branches `specs` (`BRANCH=BASE`).
#[allow(dead_code)]
pub fn open_index_with(
    r: &Repo,
    specs: &[&str],
) -> (stablepick_repo::Git, stablepick_repo::RepoIndex) {
    let git = stablepick_repo::Git::open(r.path()).unwrap();
    let index = stablepick_repo::RepoIndex::open(
        &git,
        &stablepick_repo::IndexOptions {
            stable: specs.iter().map(|s| s.parse().unwrap()).collect(),
            no_cache: true,
            ..Default::default()
        },
    )
    .unwrap();
    (git, index)
}

/// The names of the named features of (commit, branch), values dropped.
pub fn feature_names(
    index: &stablepick_repo::RepoIndex,
    c: &stablepick_verdict::features::CommitFacts,
    v: &stablepick_verdict::features::BranchView,
    bf: &stablepick_verdict::features::BranchFeatureFacts,
) -> Vec<String> {
    stablepick_verdict::features::named_features(index, c, v, bf)
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}
