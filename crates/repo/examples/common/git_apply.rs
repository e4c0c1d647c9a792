//! `git apply` on a temporary index, for the examples that judge
//! prerequisite lists with git itself.

use stablepick_repo::Oid;
use std::path::Path;
use std::process::{Command, Stdio};

type BoxErr = Box<dyn std::error::Error>;

pub fn git_cmd(repo: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(repo);
    c
}

/// Applies commits in order to a temporary index of `base`, skipping those
/// that do not apply, then asks whether `last` applies.
pub fn applies_after(
    repo: &Path,
    scratch: &Path,
    base: Oid,
    first: &[Oid],
    last: Oid,
) -> Result<bool, BoxErr> {
    let idx = scratch.join("index");
    let _ = std::fs::remove_file(&idx);
    if !git_cmd(repo)
        .env("GIT_INDEX_FILE", &idx)
        .args(["read-tree", &base.to_string()])
        .status()?
        .success()
    {
        return Err(format!("git read-tree {base} failed").into());
    }
    let apply = |oid: Oid, check: bool| -> Result<bool, BoxErr> {
        let patch = git_cmd(repo)
            .args(["show", "--binary", "--format=", &oid.to_string()])
            .output()?
            .stdout;
        let f = scratch.join("patch");
        std::fs::write(&f, patch)?;
        let mut c = git_cmd(repo);
        c.env("GIT_INDEX_FILE", &idx).args(["apply", "--cached"]);
        if check {
            c.arg("--check");
        }
        Ok(c.arg(&f)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?
            .success())
    };
    for &p in first {
        apply(p, false)?;
    }
    apply(last, true)
}
