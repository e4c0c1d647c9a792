//! Benchmark of the code index on a real tree.
//!
//! ```text
//! cargo run --release -p stablepick-code --example bench_code -- <repo> <rev> [--sample N] [--seed S] [--show N] [--weighted]
//! cargo run --release -p stablepick-code --example bench_code -- <repo> <rev> --cache-dir DIR [--warm-only]
//! ```
//!
//! `--weighted` samples functions in proportion to their number of call
//! sites (the widely called ones), instead of uniformly over definitions.
//! `--cache-dir` keeps the cache there; `--warm-only` then only loads it, so
//! the peak memory of a warm start is measured in a process of its own.
//!
//! Prints: cold build time (parse every `*.c *.h *.S *.s` blob of the tree),
//! cache write and warm load time (the cache goes to a temporary directory,
//! never into the repository), peak memory (VmHWM), callers and reach
//! look-up latency, and the agreement of `callers` with a `git grep -w`
//! reference on a sample of functions. The reference keeps the lines where
//! `name(` appears outside comments and string/char literals, is not a
//! member call (`.name(`, `->name(`), and is not a declaration (the name at
//! column 0, a `#define name`, or only type words before it on the line);
//! a `(` at the start of the next line counts for a name ending a line.
//! Only `.c`/`.h` files are compared (assembly has no `name(` form).

use std::collections::{BTreeSet, HashMap};
use std::process::Command;
use std::time::{Duration, Instant};

use stablepick_code::{CodeIndex, Limits, cache, tree_id};

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Replaces comments and string/char literal contents with spaces, keeping
/// newlines. Independent of the crate's lexer on purpose.
fn strip(src: &[u8]) -> Vec<u8> {
    let mut out = src.to_vec();
    let n = src.len();
    let mut i = 0;
    while i < n {
        let b = src[i];
        if b == b'/' && i + 1 < n && src[i + 1] == b'*' {
            let mut j = i + 2;
            while j + 1 < n && !(src[j] == b'*' && src[j + 1] == b'/') {
                j += 1;
            }
            let end = (j + 2).min(n);
            for c in out[i..end].iter_mut().filter(|c| **c != b'\n') {
                *c = b' ';
            }
            i = end;
        } else if b == b'/' && i + 1 < n && src[i + 1] == b'/' {
            while i < n && src[i] != b'\n' {
                out[i] = b' ';
                i += 1;
            }
        } else if b == b'"' || b == b'\'' {
            let q = b;
            let mut j = i + 1;
            while j < n && src[j] != q && src[j] != b'\n' {
                if src[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            let end = (j + 1).min(n);
            let inner = (i + 1).min(end.saturating_sub(1))..end.saturating_sub(1);
            for c in out[inner].iter_mut().filter(|c| **c != b'\n') {
                *c = b' ';
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

const KEYWORDS: &[&str] = &["return", "else", "case", "do", "goto", "sizeof"];

/// Whether a stripped source line calls `name`.
fn line_calls(line: &str, next: &str, name: &str) -> bool {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(p) = line[from..].find(name).map(|p| p + from) {
        from = p + name.len();
        let before_ok = p == 0 || !is_ident(bytes[p - 1]);
        let after = &line[p + name.len()..];
        if !before_ok || after.as_bytes().first().is_some_and(|&b| is_ident(b)) {
            continue;
        }
        // `name` at the end of a line may be called with `(` on the next one.
        let after = if after.trim().is_empty() { next } else { after };
        if !after.trim_start().starts_with('(') {
            continue;
        }
        let prefix = line[..p].trim_end();
        if prefix.ends_with('.') || prefix.ends_with("->") {
            continue;
        }
        if p == 0 {
            continue; // column 0: a definition or declaration
        }
        let prefix = prefix.trim_start();
        if prefix.starts_with('#') && prefix.trim_start_matches(['#', ' ', '\t']) == "define" {
            continue; // the macro's own definition
        }
        let typeish = prefix.bytes().any(is_ident)
            && prefix
                .bytes()
                .all(|b| is_ident(b) || b == b' ' || b == b'\t' || b == b'*')
            && !prefix
                .split(|c: char| !is_ident(c as u8))
                .any(|w| KEYWORDS.contains(&w));
        if typeish {
            continue;
        }
        return true;
    }
    false
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: bench_code <repo> <rev> [--sample N] [--seed S] [--show N]");
        std::process::exit(2);
    }
    let opt = |flag: &str, default: u64| -> u64 {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (sample_n, seed, show) = (
        opt("--sample", 200) as usize,
        opt("--seed", 1),
        opt("--show", 10) as usize,
    );
    let flag = |f: &str| args.iter().any(|a| a == f);
    let cache_dir = args
        .iter()
        .position(|a| a == "--cache-dir")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let repo_path = &args[1];
    let rev = &args[2];
    let repo = git2::Repository::open(repo_path).expect("open repository");
    let tree = tree_id(&repo, rev).expect("resolve revision");
    println!(
        "tree {tree} ({rev}), {} threads",
        rayon::current_num_threads()
    );
    if flag("--warm-only") {
        let dir = cache_dir.clone().expect("--warm-only needs --cache-dir");
        let t = Instant::now();
        let ix = cache::load(&cache::cache_path(&dir, tree)).expect("no usable cache");
        let load = t.elapsed();
        let t = Instant::now();
        let n = ix.callers("rte_eth_dev_configure").len();
        println!(
            "warm start: load {:.2} s, first look-up {:.3} ms ({n} callers); VmHWM {} MiB",
            load.as_secs_f64(),
            t.elapsed().as_secs_f64() * 1e3,
            vm_hwm_kib() / 1024
        );
        return;
    }

    let t = Instant::now();
    let ix = CodeIndex::from_tree(&repo, tree).expect("build");
    let cold = t.elapsed();
    let hwm_cold = vm_hwm_kib();
    let (files, defs, calls, wires) = ix.stats();
    println!(
        "cold build: {:.2} s; {files} files, {defs} definitions, {calls} call sites, {wires} wirings; VmHWM {} MiB",
        cold.as_secs_f64(),
        hwm_cold / 1024
    );

    let tmp = tempfile::tempdir().expect("temp dir");
    let path = cache::cache_path(cache_dir.as_deref().unwrap_or(tmp.path()), tree);
    let t = Instant::now();
    cache::store(&path, &ix).expect("store");
    let store = t.elapsed();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let t = Instant::now();
    let warm = cache::load(&path).expect("load");
    let load = t.elapsed();
    println!(
        "cache: write {:.2} s, {} MiB; warm load {:.2} s; VmHWM {} MiB",
        store.as_secs_f64(),
        size >> 20,
        load.as_secs_f64(),
        vm_hwm_kib() / 1024
    );
    drop(warm);

    // Sample distinct C function names.
    let mut names: BTreeSet<String> = BTreeSet::new();
    let all_names = ix.function_names();
    for n in all_names {
        let defs = ix.definitions(&n);
        if defs.iter().any(|d| !d.is_macro && !d.is_asm) {
            names.insert(n);
        }
    }
    let names: Vec<String> = names.into_iter().collect();
    let weighted = flag("--weighted");
    let pool: Vec<String> = if weighted {
        // One entry per call site, so a name is drawn in proportion to its calls.
        names
            .iter()
            .flat_map(|n| std::iter::repeat_n(n.clone(), ix.callers(n).len()))
            .collect()
    } else {
        names.clone()
    };
    let distinct = if weighted {
        names.iter().filter(|n| !ix.callers(n).is_empty()).count()
    } else {
        names.len()
    };
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut sample: Vec<String> = Vec::new();
    while sample.len() < sample_n.min(distinct) {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let n = &pool[((state >> 33) as usize) % pool.len()];
        if !sample.contains(n) {
            sample.push(n.clone());
        }
    }

    // Latency.
    let mut lat: Vec<Duration> = Vec::new();
    let mut reach_lat: Vec<Duration> = Vec::new();
    for n in &sample {
        let t = Instant::now();
        std::hint::black_box(ix.callers(n));
        lat.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(ix.reach(n, Limits::default()));
        reach_lat.push(t.elapsed());
    }
    lat.sort();
    reach_lat.sort();
    let pct = |v: &[Duration], p: f64| v[((v.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e3;
    println!(
        "callers look-up: median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    println!(
        "reach (chains + entry kinds): median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        pct(&reach_lat, 0.5),
        pct(&reach_lat, 0.99),
        pct(&reach_lat, 1.0)
    );

    // Agreement with git grep.
    let mut stripped: HashMap<String, Vec<String>> = HashMap::new();
    let (mut agree, mut tp, mut fp, mut fneg, mut with_callers) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut shown = 0;
    for n in &sample {
        let out = Command::new("git")
            .args([
                "-C", repo_path, "grep", "-n", "-w", "-e", n, rev, "--", "*.c", "*.h",
            ])
            .output()
            .expect("git grep");
        let mut reference: BTreeSet<(String, u32)> = BTreeSet::new();
        for l in String::from_utf8_lossy(&out.stdout).lines() {
            let l = l.strip_prefix(&format!("{rev}:")).unwrap_or(l);
            let mut parts = l.splitn(3, ':');
            let (Some(file), Some(line)) = (
                parts.next(),
                parts.next().and_then(|x| x.parse::<u32>().ok()),
            ) else {
                continue;
            };
            let lines = stripped.entry(file.to_owned()).or_insert_with(|| {
                let blob = Command::new("git")
                    .args(["-C", repo_path, "show", &format!("{rev}:{file}")])
                    .output()
                    .expect("git show")
                    .stdout;
                String::from_utf8_lossy(&strip(&blob))
                    .lines()
                    .map(str::to_owned)
                    .collect()
            });
            let next = lines.get(line as usize).map(String::as_str).unwrap_or("");
            if lines
                .get(line as usize - 1)
                .is_some_and(|text| line_calls(text, next, n))
            {
                reference.insert((file.to_owned(), line));
            }
        }
        let mine: BTreeSet<(String, u32)> = ix
            .callers(n)
            .into_iter()
            .filter(|c| c.file.ends_with(".c") || c.file.ends_with(".h"))
            .map(|c| (c.file, c.line))
            .collect();
        let both = mine.intersection(&reference).count();
        tp += both;
        fp += mine.len() - both;
        fneg += reference.len() - both;
        if !reference.is_empty() {
            with_callers += 1;
        }
        if mine == reference {
            agree += 1;
        } else if shown < show {
            shown += 1;
            println!(
                "  mismatch {n}: only index {:?}; only grep {:?}",
                mine.difference(&reference).take(3).collect::<Vec<_>>(),
                reference.difference(&mine).take(3).collect::<Vec<_>>()
            );
        }
    }
    println!(
        "agreement with git grep (filtered to call sites): {agree}/{} functions = {:.1}% ({with_callers} with callers); lines: precision {:.2}%, recall {:.2}% ({tp} common, {fp} index-only, {fneg} grep-only)",
        sample.len(),
        100.0 * agree as f64 / sample.len().max(1) as f64,
        100.0 * tp as f64 / (tp + fp).max(1) as f64,
        100.0 * tp as f64 / (tp + fneg).max(1) as f64,
    );
}
