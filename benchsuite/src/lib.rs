//! Pieces shared by the benchmark binaries: the kernel-shaped repository
//! generator and the memory reading each benchmark reports.

#[path = "gen/mod.rs"]
pub mod kgen;

/// Peak resident memory of this process so far (`VmHWM`), in MiB; 0 where
/// `/proc` is not there.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map(|k| k / 1024.0)
        .unwrap_or(0.0)
}
