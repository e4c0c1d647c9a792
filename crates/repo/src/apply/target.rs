//! A target file made ready for matching hunks: its bytes, where each line
//! starts, a 64-bit hash of each line and the set of those hashes; and a
//! process-wide cache of them by blob id, because many commits are checked
//! against the same few branch tips and so against the same blobs.
//!
//! Hashes only ever rule a match out: two lines with equal hashes are still
//! compared byte for byte, so a collision costs a comparison, never a wrong
//! answer.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use git2::Oid;

/// A set of line hashes. The hashes are already mixed, so the set's hasher
/// passes them through.
pub(crate) type HashSet64 = HashSet<u64, BuildHasherDefault<PassThrough>>;

#[derive(Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; this keeps any other key correct.
        self.0 = hash_line(bytes) ^ self.0.rotate_left(17);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

const K: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0xff51_afd7_ed55_8ccd;

/// A fast hash of one line's bytes: eight bytes at a time, the tail
/// zero-padded, the length mixed in, then a final avalanche so both the
/// low and high bits spread.
pub(crate) fn hash_line(bytes: &[u8]) -> u64 {
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    h ^= h >> 32;
    h = h.wrapping_mul(K2);
    h ^ (h >> 29)
}

/// Offsets where the lines of `data` start, plus `data.len()` at the end:
/// line `i` is `data[s[i]..s[i + 1]]`, with its `\n` when it has one (as
/// [`super::split_lines`] gives it). Eight bytes at a time.
pub(crate) fn line_starts(data: &[u8]) -> Vec<usize> {
    const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NL: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut starts = Vec::with_capacity(data.len() / 32 + 2);
    starts.push(0);
    let mut chunks = data.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w) ^ NL;
        // The high bit of each byte of `zero` is set exactly where `x` has
        // a zero byte (no borrow runs between bytes).
        let mut zero = !(((x & LO7).wrapping_add(LO7)) | x | LO7);
        while zero != 0 {
            let byte = zero.trailing_zeros() as usize / 8;
            starts.push(base + byte + 1);
            zero &= zero - 1;
        }
        base += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\n' {
            starts.push(base + i + 1);
        }
    }
    if starts.last() != Some(&data.len()) {
        starts.push(data.len());
    }
    starts
}

/// A target file, split and hashed.
pub(crate) struct Target {
    pub(crate) data: Vec<u8>,
    /// Line starts, then `data.len()` (see [`line_starts`]).
    pub(crate) starts: Vec<usize>,
    pub(crate) hashes: Vec<u64>,
    /// Every value of `hashes`, built when first asked for: a file whose
    /// hunks all land where they expect never needs it.
    set: OnceLock<LineFilter>,
}

/// A Bloom filter of line hashes (two probes, 16 bits a line): "no" is
/// certain, "maybe" is wrong for about 1.5% of absent lines, which then
/// only cost a scan.
pub(crate) struct LineFilter {
    bits: Vec<u64>,
    mask: u64,
}

impl LineFilter {
    fn new(hashes: &[u64]) -> LineFilter {
        let want = (hashes.len().max(4) * 16).next_power_of_two();
        let mut f = LineFilter {
            bits: vec![0; want.div_ceil(64)],
            mask: want as u64 - 1,
        };
        for &h in hashes {
            for b in f.probes(h) {
                if let Some(w) = f.bits.get_mut((b >> 6) as usize) {
                    *w |= 1 << (b & 63);
                }
            }
        }
        f
    }

    fn probes(&self, h: u64) -> [u64; 2] {
        [h & self.mask, ((h >> 32) ^ h.rotate_left(17)) & self.mask]
    }

    /// Whether a line with hash `h` may be among the lines.
    pub(crate) fn may_contain(&self, h: u64) -> bool {
        self.probes(h).iter().all(|&b| {
            self.bits
                .get((b >> 6) as usize)
                .is_some_and(|w| w & (1 << (b & 63)) != 0)
        })
    }
}

impl Target {
    pub(crate) fn new(data: Vec<u8>) -> Target {
        let starts = line_starts(&data);
        let hashes: Vec<u64> = starts
            .windows(2)
            .map(|w| data.get(w[0]..w[1]).map(hash_line).unwrap_or(0))
            .collect();
        Target {
            data,
            starts,
            hashes,
            set: OnceLock::new(),
        }
    }

    /// The filter of the line hashes.
    pub(crate) fn set(&self) -> &LineFilter {
        self.set.get_or_init(|| LineFilter::new(&self.hashes))
    }

    /// Line `i`, with its `\n` when it has one.
    pub(crate) fn line(&self, i: usize) -> Option<&[u8]> {
        let (s, e) = (*self.starts.get(i)?, *self.starts.get(i + 1)?);
        self.data.get(s..e)
    }

    /// The lines, each with its `\n` when it has one.
    pub(crate) fn lines(&self) -> impl Iterator<Item = &[u8]> {
        self.starts
            .windows(2)
            .map(|w| self.data.get(w[0]..w[1]).unwrap_or_default())
    }

    /// Bytes held, roughly: what the cache counts.
    fn footprint(&self) -> usize {
        self.data.len()
            + self.starts.len() * std::mem::size_of::<usize>()
            + self.hashes.len() * 8
            // The filter, built or not: 2 to 4 bytes a line.
            + self.hashes.len() * 4
            + 128
    }
}

/// Default budget of the target cache, in bytes.
pub const DEFAULT_CACHE_BYTES: usize = 256 << 20;

struct Cache {
    budget: usize,
    used: usize,
    clock: u64,
    entries: HashMap<Oid, (Arc<Target>, u64)>,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| {
        Mutex::new(Cache {
            budget: DEFAULT_CACHE_BYTES,
            used: 0,
            clock: 0,
            entries: HashMap::new(),
        })
    })
}

fn lock() -> std::sync::MutexGuard<'static, Cache> {
    // A panic elsewhere while holding the lock leaves a cache that is still
    // consistent enough to use: entries are immutable.
    cache().lock().unwrap_or_else(|e| e.into_inner())
}

/// Sets how many bytes of prepared target files are kept between checks
/// (0 turns the cache off and empties it).
pub fn set_cache_bytes(bytes: usize) {
    let mut c = lock();
    c.budget = bytes;
    evict(&mut c);
}

fn evict(c: &mut Cache) {
    if c.used <= c.budget {
        return;
    }
    // Drop the least recently used until a quarter of the budget is free,
    // so eviction runs once per many insertions.
    let goal = c.budget - c.budget / 4;
    let mut by_age: Vec<(u64, Oid)> = c.entries.iter().map(|(k, v)| (v.1, *k)).collect();
    by_age.sort_unstable();
    for (_, k) in by_age {
        if c.used <= goal {
            break;
        }
        if let Some((t, _)) = c.entries.remove(&k) {
            c.used = c.used.saturating_sub(t.footprint());
        }
    }
}

/// The prepared blob `id`, from the cache or read with `read`.
pub(crate) fn get_or_load(
    id: Oid,
    read: impl FnOnce() -> crate::Result<Vec<u8>>,
) -> crate::Result<Arc<Target>> {
    {
        let mut c = lock();
        c.clock += 1;
        let now = c.clock;
        if let Some(e) = c.entries.get_mut(&id) {
            e.1 = now;
            return Ok(e.0.clone());
        }
    }
    let t = Arc::new(Target::new(read()?));
    let size = t.footprint();
    let mut c = lock();
    if size <= c.budget / 2 && !c.entries.contains_key(&id) {
        c.clock += 1;
        let now = c.clock;
        c.used += size;
        c.entries.insert(id, (t.clone(), now));
        evict(&mut c);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_match_split_lines() {
        for text in [
            &b""[..],
            b"\n",
            b"a",
            b"a\n",
            b"a\nb",
            b"\n\n\n",
            b"0123456\n0123456789abcdef\nxyz\x0b\n\x0b\x0a\x0b",
            b"\x0a\x0b\x0a\x0b\x0a\x0b\x0a\x0b\x0a\x0b\x0a\x0b\x0a\x0b\x0a\x0b\x0a",
        ] {
            let t = Target::new(text.to_vec());
            let ours: Vec<&[u8]> = t.lines().collect();
            assert_eq!(ours, super::super::split_lines(text), "{text:?}");
            assert_eq!(t.hashes.len(), ours.len());
        }
    }

    #[test]
    fn filter_never_says_no_to_a_line_it_holds() {
        let text: Vec<u8> = (0..5000)
            .map(|i| format!("line {i}\n"))
            .collect::<String>()
            .into_bytes();
        let t = Target::new(text);
        assert!(t.hashes.iter().all(|&h| t.set().may_contain(h)));
        let absent = (5000..15000)
            .filter(|i| {
                t.set()
                    .may_contain(hash_line(format!("line {i}\n").as_bytes()))
            })
            .count();
        assert!(absent < 500, "{absent} false positives of 10000");
        assert_eq!(t.line(0), Some(&b"line 0\n"[..]));
        assert_eq!(t.line(5000), None);
    }

    #[test]
    fn hashes_differ_on_tails() {
        assert_ne!(hash_line(b"abc"), hash_line(b"abc\0"));
        assert_ne!(hash_line(b"a\n"), hash_line(b"b\n"));
        assert_eq!(hash_line(b"same line\n"), hash_line(b"same line\n"));
    }
}
