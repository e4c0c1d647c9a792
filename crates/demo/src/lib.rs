//! A small, deterministic, kernel-like git repository for the demo and the tests.
//!
//! This crate owns the demo history. It consumes nothing but a directory and
//! produces a [`DemoRepo`]: a git repository (with a work tree from [`build`],
//! bare from [`build_bare`]) and the ids of its named commits. It is written
//! in-process with git2 (no `git` subprocess): blobs with `repo.blob`, trees
//! through an in-memory `git2::Index`, commits with fixed signatures and
//! times, so every build yields the same commit ids.
//!
//! ```no_run
//! let dir = std::env::temp_dir().join("stablepick-demo-doc");
//! let demo = stablepick_demo::build(&dir)?;
//! let fix = demo.oid("vmx_fix");
//! println!("{} at {}", fix, demo.path.display());
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! # The repository
//!
//! Branches: `master` (mainline, `HEAD`), `linux-6.1.y` (from `v6.1`) and
//! `linux-6.6.y` (from `v6.6`). Release tags `v6.0` … `v6.6` and the stable
//! point tags `v6.1.1`, `v6.1.2`, `v6.6.1` are annotated (like Linux);
//! `-rc1` tags (`v6.1-rc1` … `v6.7-rc1`) are lightweight. Each tag points at
//! a release commit (`Linux 6.1`, `Linux 6.1.1`, …) that edits the top
//! `Makefile`; those commits are named after their tag in [`DemoRepo::commits`].
//! Mainline has one merge (`net_merge`) of a topic branch.
//!
//! Files: `MAINTAINERS` (Linux format), the powerpc VMX helpers and their
//! assembly callers, the powerpc kexec code, `kernel/reboot.c`,
//! `kernel/kexec_core.c`, dwc3 and usb-serial drivers, r8169, net core,
//! tcp, sch_fq, Documentation, a net selftest and `Documentation/logo.gif`.
//!
//! # Named commits
//!
//! The table [`NAMED`] lists them all with what each exercises; in short:
//!
//! | name | branch | what it exercises |
//! |---|---|---|
//! | `root` | master | the imported tree, "Linux 6.0-rc7" |
//! | `kasan_kexec` | master (< v6.1) | modelled on upstream 2ab2d5794f14; writes the wrong `KASAN_SANITIZE_core_$(BITS) := n` |
//! | `ambig_target` | master (< v6.1) | target of an ambiguous 5-hex `Fixes:` |
//! | `wrong_target` | master (< v6.1) | subject quoted by a `Fixes:` whose sha is wrong |
//! | `r8169_rc_fix` | master (v6.1-rc) | an ordinary rc fix |
//! | `vmx_export` | master (v6.2) | adds `EXPORT_SYMBOL(exit_vmx_usercopy)`, so `vmx_fix`'s context differs in 6.1.y |
//! | `usb_fix` | master (v6.2), 6.1.y as `bp61_usb_fix` | `commit <sha> upstream.` backport |
//! | `regress_a` | master (v6.2), 6.1.y as `bp61_regress_a` | `[ Upstream commit <sha> ]` backport; a Fixes target that reached 6.1.y only by backport |
//! | `net_refactor` | net topic branch, merged | the context change that forces `bp61_adapted_fix` |
//! | `net_merge` | master (v6.2) | a two-parent merge |
//! | `prereq` | master (v6.3) | the prerequisite named by `prereq_note` |
//! | `chain_a`, `chain_b`, `chain_c` | master (v6.3, v6.4, v6.5) | a fix of a fix: B `Fixes:` A, C `Fixes:` B |
//! | `silent_fix` | master (v6.3), 6.1.y as `bp61_silent_fix` | a backport with no backport line and the identical diff (patch-id matches) |
//! | `adapted_fix` | master (v6.3), 6.1.y as `bp61_adapted_fix` | same subject, hand-adapted diff, no backport line (patch-id must not match) |
//! | `reverted_fix` | master (v6.3), 6.1.y as `bp61_reverted_fix` | a fix reverted in mainline by `revert` but kept in 6.1.y |
//! | `revert` | master (v6.4) | `Revert "…"` with `This reverts commit <sha>.` |
//! | `fix_of_backported` | master (v6.4) | `Fixes: regress_a`: the bug is in 6.1.y only through `bp61_regress_a` |
//! | `prereq_note` | master (v6.5) | `Cc: <stable@vger.kernel.org> # 6.1.x: <7hex>: <subject>` naming `prereq` |
//! | `wrong_fixes` | master (v6.5) | `Fixes:` with a sha no object has, quoting `wrong_target`'s subject |
//! | `ambig_twin` | master (v6.5) | an ordinary commit whose id shares 5 hex digits with `ambig_target` |
//! | `ambig_fixes` | master (v6.5) | `Fixes: <5hex> ("<ambig_target subject>")`, ambiguous sha, subject decides |
//! | `noautosel` | master (v6.5) | `Cc: stable+noautosel@kernel.org # reason` |
//! | `latin1` | master (v6.6) | a message with Latin-1 bytes (not UTF-8) |
//! | `binary` | master (v6.6) | a binary file change (`Documentation/logo.gif`) |
//! | `usb_devid` | master (v6.6) | a device-ID table addition `{ USB_DEVICE(0x1234, 0x5678) },` |
//! | `docs_only` | master (v6.6) | Documentation only |
//! | `comment_only` | master (v6.6) | a comment-only change in C |
//! | `kconfig` | master (v6.6) | a Kconfig-only change |
//! | `selftest_only` | master (v6.6) | a selftest-only change |
//! | `new_export` | master (v6.6) | a new function with `EXPORT_SYMBOL_GPL` |
//! | `maintainers_ppc` | master (v6.7-rc1) | a MAINTAINERS change (adds Madhavan Srinivasan) |
//! | `kdump_fix` | master (v6.7-rc1) | the seed's companion: `Fixes: kasan_kexec`, `Cc: stable@vger.kernel.org # 6.1+` |
//! | `vmx_fix` | master (v6.7-rc1) | the seed's fix: `__no_sanitize_address enter_vmx_ops()`, no `Fixes:` |
//! | `autosel_fix` | master (v6.7-rc1), 6.6.y as `bp66_autosel_fix` | `[ Upstream commit <sha> ]` on 6.6.y |
//! | `cherry_fix` | master (after v6.7-rc1), 6.6.y as `bp66_cherry_fix` | `(cherry picked from commit <sha>)` |
//!
//! `kdump_fix` and `vmx_fix` land in the 6.7 merge window, before the
//! `v6.7-rc1` tag, so `git tag --contains` lists `v6.7-rc1` and no release.
//! Neither is backported: they are the candidates the demo report analyses.

mod build;
mod content;
mod history;
pub mod mail;
mod writer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use git2::{Oid, Repository, RepositoryInitOptions, build::CheckoutBuilder};

pub use history::AMBIGUOUS_DIGITS;

/// The stable branches of the demo and the release tags they start from.
pub const STABLE_BRANCHES: [(&str, &str); 2] = [("linux-6.1.y", "v6.1"), ("linux-6.6.y", "v6.6")];

/// Every named commit, with what it is there to exercise.
pub const NAMED: &[(&str, &str)] = &[
    ("root", "the imported tree, Linux 6.0-rc7"),
    ("v6.0", "release commit tagged v6.0 (annotated)"),
    ("v6.1-rc1", "release commit tagged v6.1-rc1 (lightweight)"),
    ("v6.1", "release commit tagged v6.1, base of linux-6.1.y"),
    ("v6.2-rc1", "release commit tagged v6.2-rc1"),
    ("v6.2", "release commit tagged v6.2"),
    ("v6.3-rc1", "release commit tagged v6.3-rc1"),
    ("v6.3", "release commit tagged v6.3"),
    ("v6.4-rc1", "release commit tagged v6.4-rc1"),
    ("v6.4", "release commit tagged v6.4"),
    ("v6.5-rc1", "release commit tagged v6.5-rc1"),
    ("v6.5", "release commit tagged v6.5"),
    ("v6.6-rc1", "release commit tagged v6.6-rc1"),
    ("v6.6", "release commit tagged v6.6, base of linux-6.6.y"),
    ("v6.7-rc1", "release commit tagged v6.7-rc1"),
    (
        "v6.1.1",
        "stable release commit tagged v6.1.1 on linux-6.1.y",
    ),
    (
        "v6.1.2",
        "stable release commit tagged v6.1.2 on linux-6.1.y",
    ),
    (
        "v6.6.1",
        "stable release commit tagged v6.6.1 on linux-6.6.y",
    ),
    (
        "kasan_kexec",
        "powerpc/kasan: Disable address sanitization in kexec paths (before v6.1)",
    ),
    (
        "ambig_target",
        "target of the ambiguous abbreviated Fixes sha",
    ),
    (
        "wrong_target",
        "subject quoted by the Fixes tag whose sha is wrong",
    ),
    ("r8169_rc_fix", "an ordinary fix between v6.1-rc1 and v6.1"),
    (
        "vmx_export",
        "adds EXPORT_SYMBOL(exit_vmx_usercopy) after v6.1: vmx_fix context differs in 6.1.y",
    ),
    (
        "usb_fix",
        "Cc: stable fix backported to 6.1.y with `commit <sha> upstream.`",
    ),
    (
        "regress_a",
        "lands after v6.1, backported to 6.1.y with [ Upstream commit ]; later fixed",
    ),
    (
        "net_refactor",
        "topic-branch commit that changes r8169 context",
    ),
    ("net_merge", "merge of the net topic branch into mainline"),
    ("prereq", "prerequisite named in prereq_note's stable Cc"),
    ("chain_a", "introduces a bug (fix-of-fix chain, step 1)"),
    (
        "silent_fix",
        "backported to 6.1.y with no backport line, identical diff",
    ),
    (
        "adapted_fix",
        "backported to 6.1.y by hand with a different diff",
    ),
    (
        "reverted_fix",
        "a fix that mainline later reverted (kept in 6.1.y)",
    ),
    (
        "revert",
        "Revert of reverted_fix: `This reverts commit <sha>.`",
    ),
    ("chain_b", "Fixes chain_a (fix-of-fix chain, step 2)"),
    (
        "fix_of_backported",
        "Fixes regress_a: bug present in 6.1.y via the backport",
    ),
    ("chain_c", "Fixes chain_b (fix-of-fix chain, step 3)"),
    (
        "prereq_note",
        "Cc: <stable@vger.kernel.org> # 6.1.x: <prereq>: <subject>",
    ),
    (
        "wrong_fixes",
        "Fixes tag whose sha names no object; subject is wrong_target's",
    ),
    (
        "ambig_twin",
        "shares its first 5 hex digits with ambig_target",
    ),
    (
        "ambig_fixes",
        "Fixes: <5hex> with an ambiguous sha; quoted subject disambiguates",
    ),
    ("noautosel", "Cc: stable+noautosel@kernel.org # reason"),
    ("latin1", "message with Latin-1 (non-UTF-8) bytes"),
    ("binary", "binary file change"),
    ("usb_devid", "device-ID table addition"),
    ("docs_only", "Documentation-only change"),
    ("comment_only", "comment-only change"),
    ("kconfig", "Kconfig-only change"),
    ("selftest_only", "selftest-only change"),
    ("new_export", "new exported function"),
    (
        "maintainers_ppc",
        "MAINTAINERS change adding a powerpc maintainer",
    ),
    (
        "kdump_fix",
        "powerpc/kdump: fix KASAN sanitization flag for core_$(BITS).o (Fixes kasan_kexec, Cc stable # 6.1+)",
    ),
    (
        "vmx_fix",
        "powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec (the seed)",
    ),
    (
        "autosel_fix",
        "backported to 6.6.y with [ Upstream commit ]",
    ),
    (
        "cherry_fix",
        "after v6.7-rc1; backported to 6.6.y with (cherry picked from commit)",
    ),
    (
        "bp61_usb_fix",
        "6.1.y backport of usb_fix (commit <sha> upstream.)",
    ),
    (
        "bp61_regress_a",
        "6.1.y backport of regress_a ([ Upstream commit ])",
    ),
    (
        "bp61_silent_fix",
        "6.1.y backport of silent_fix, no backport line",
    ),
    (
        "bp61_adapted_fix",
        "6.1.y hand-adapted backport of adapted_fix, no backport line",
    ),
    (
        "bp61_reverted_fix",
        "6.1.y backport of reverted_fix (commit <sha> upstream.)",
    ),
    (
        "bp66_autosel_fix",
        "6.6.y backport of autosel_fix ([ Upstream commit ])",
    ),
    (
        "bp66_cherry_fix",
        "6.6.y backport of cherry_fix ((cherry picked from commit))",
    ),
];

/// A built demo repository.
#[derive(Debug, Clone)]
pub struct DemoRepo {
    /// The repository: its work tree for [`build`], the git directory for [`build_bare`].
    pub path: PathBuf,
    /// Every named commit (see [`NAMED`]).
    pub commits: BTreeMap<&'static str, Oid>,
    /// Whether the repository is bare.
    pub bare: bool,
}

impl DemoRepo {
    /// The id of a named commit.
    ///
    /// # Panics
    /// On a name that is not in [`NAMED`]: a misspelled name in a test.
    pub fn oid(&self, name: &str) -> Oid {
        match self.commits.get(name) {
            Some(id) => *id,
            None => panic!("the demo has no commit named {name:?}"),
        }
    }

    /// Opens the repository with git2.
    pub fn open(&self) -> Result<Repository> {
        Ok(Repository::open(&self.path)?)
    }
}

/// Builds the demo in `dir` (created if missing, must be empty) with a work
/// tree checked out at `master`.
pub fn build(dir: &Path) -> Result<DemoRepo> {
    build_in(dir, false)
}

/// Builds the same history as [`build`], as a bare repository.
pub fn build_bare(dir: &Path) -> Result<DemoRepo> {
    build_in(dir, true)
}

fn build_in(dir: &Path, bare: bool) -> Result<DemoRepo> {
    let (repo, written) = write_repo(dir, bare)?;
    repo.set_head("refs/heads/master")?;
    if !bare {
        repo.checkout_head(Some(CheckoutBuilder::new().force()))?;
    }
    Ok(DemoRepo {
        path: dir.to_path_buf(),
        commits: written.commits,
        bare,
    })
}

fn write_repo(dir: &Path, bare: bool) -> Result<(Repository, history::Written)> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        if entries.next().is_some() {
            bail!("{} is not empty", dir.display());
        }
    } else {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let repo = Repository::init_opts(
        dir,
        RepositoryInitOptions::new()
            .bare(bare)
            .initial_head("master")
            .mkpath(true),
    )
    .with_context(|| format!("initialising a repository in {}", dir.display()))?;
    let written = history::write(&repo)?;
    Ok((repo, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collision_hint_is_current() {
        let dir = std::env::temp_dir().join(format!("stablepick-demo-hint-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (_, written) = write_repo(&dir, true).expect("build");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            written.collision_nonce,
            history::COLLISION_HINT,
            "set history::COLLISION_HINT to {} so builds skip the search",
            written.collision_nonce
        );
    }

    #[test]
    fn named_table_matches_the_history() {
        let dir =
            std::env::temp_dir().join(format!("stablepick-demo-names-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let demo = build_bare(&dir).expect("build");
        let _ = std::fs::remove_dir_all(&dir);
        let built: Vec<&str> = demo.commits.keys().copied().collect();
        let mut table: Vec<&str> = NAMED.iter().map(|(n, _)| *n).collect();
        table.sort_unstable();
        assert_eq!(built, table);
    }
}
