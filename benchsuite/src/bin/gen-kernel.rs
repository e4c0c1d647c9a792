//! Generates a kernel-scale test repository for the scale benchmark.
//!
//!     cargo run --release -p stablepick-bench --bin gen-kernel -- \
//!         --commits 1000000 --out /root/scratch/kernel-1m [--seed 1]
//!
//! The result is a bare repository: `master` with `--commits` commits
//! (merges of short topic branches included), release and rc tags,
//! six `linux-X.Y.y` stable branches with backports and point-release tags,
//! and `stablepick-gen.json` describing what was generated. See
//! `benchsuite/SCALE.md`. Generated repositories are never committed.

use stablepick_bench::kgen;

use anyhow::{Context as _, Result, bail};
use std::path::PathBuf;

fn main() -> Result<()> {
    let mut opts = kgen::Options {
        commits: 1_000_000,
        out: PathBuf::new(),
        seed: 1,
        files_per_dir: None,
        quiet: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--commits" => opts.commits = val()?.replace('_', "").parse().context("--commits")?,
            "--out" => opts.out = PathBuf::from(val()?),
            "--seed" => opts.seed = val()?.parse().context("--seed")?,
            "--files-per-dir" => {
                opts.files_per_dir = Some(val()?.parse().context("--files-per-dir")?)
            }
            "--quiet" | "-q" => opts.quiet = true,
            _ => bail!(
                "usage: gen-kernel --commits N --out DIR [--seed S] [--files-per-dir F] [--quiet]"
            ),
        }
    }
    if opts.out.as_os_str().is_empty() {
        bail!("--out DIR is required");
    }
    let sum = kgen::run(&opts)?;
    if !opts.quiet {
        eprint!("{}", kgen::describe(&sum));
    }
    Ok(())
}
