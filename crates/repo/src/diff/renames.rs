//! git's rename detection (diffcore-rename with `git show`'s defaults), so
//! the files and line counts a report gives are the ones a plain
//! `git show --stat` prints. libgit2's similarity measure differs from
//! git's and pairs deletions with additions that git leaves apart (FRR's
//! `ospfd.conf` files replaced by `frr.conf` ones).
//!
//! The steps are git's: exact renames, then pairs with a unique basename
//! at a higher score, then the best-scoring pairs of what remains, each
//! score being the bytes of line-sized chunks the two blobs share.

use git2::{Oid, Repository};
use std::collections::HashMap;

/// git's `MAX_SCORE`: a score is a fraction of it.
pub const MAX_SCORE: u64 = 60000;
/// `-M50%`, the default.
const MIN_SCORE: u64 = MAX_SCORE / 2;
/// Pairs with the same basename need half the way from the minimum to 100%.
const MIN_BASENAME_SCORE: u64 = MIN_SCORE + (MAX_SCORE - MIN_SCORE) / 2;
/// `diff.renameLimit`'s default: beyond limit² pairs only exact and
/// basename renames are looked for.
const RENAME_LIMIT: usize = 1000;
const CANDIDATES_PER_DST: usize = 4;
const HASHBASE: u32 = 107927;

/// One side of a deleted or added file.
#[derive(Clone)]
pub struct Side {
    pub path: String,
    pub id: Oid,
    pub mode: u32,
}

fn is_reg(mode: u32) -> bool {
    mode & 0o170000 == 0o100000
}

/// Each basename's index, or `None` for one that occurs more than once.
fn unique<'a>(names: impl Iterator<Item = (usize, &'a str)>) -> HashMap<&'a str, Option<usize>> {
    let mut m: HashMap<&str, Option<usize>> = HashMap::new();
    for (i, n) in names {
        m.entry(n).and_modify(|e| *e = None).or_insert(Some(i));
    }
    m
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Chunk hashes and byte counts of a blob, sorted by hash: git's
/// `hash_chars`, chunks ending at a newline or after 64 bytes, the CR of a
/// CRLF skipped in text.
fn span_counts(buf: &[u8]) -> Vec<(u32, u64)> {
    let text = !buf[..buf.len().min(8000)].contains(&0);
    let mut counts: HashMap<u32, u64> = HashMap::new();
    let (mut a1, mut a2, mut n) = (0u32, 0u32, 0u64);
    for (i, &c) in buf.iter().enumerate() {
        if text && c == b'\r' && buf.get(i + 1) == Some(&b'\n') {
            continue;
        }
        let old1 = a1;
        a1 = (a1 << 7) ^ (a2 >> 25);
        a2 = (a2 << 7) ^ (old1 >> 25);
        a1 = a1.wrapping_add(u32::from(c));
        n += 1;
        if n < 64 && c != b'\n' {
            continue;
        }
        *counts
            .entry(a1.wrapping_add(a2.wrapping_mul(0x61)) % HASHBASE)
            .or_default() += n;
        (a1, a2, n) = (0, 0, 0);
    }
    if n > 0 {
        *counts
            .entry(a1.wrapping_add(a2.wrapping_mul(0x61)) % HASHBASE)
            .or_default() += n;
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_unstable();
    v
}

/// Bytes of `dst` that `src` already has, chunk by chunk.
fn copied(src: &[(u32, u64)], dst: &[(u32, u64)]) -> u64 {
    let (mut i, mut j, mut sc) = (0, 0, 0);
    while i < src.len() && j < dst.len() {
        match src[i].0.cmp(&dst[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sc += src[i].1.min(dst[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    sc
}

/// Blob sizes and chunk counts, read once each.
struct Blobs<'r> {
    repo: &'r Repository,
    /// For sizes from object headers; `None` if the store cannot be opened.
    odb: Option<git2::Odb<'r>>,
    size: HashMap<Oid, u64>,
    spans: HashMap<Oid, Vec<(u32, u64)>>,
}

impl Blobs<'_> {
    fn size(&mut self, id: Oid) -> Option<u64> {
        if let Some(&s) = self.size.get(&id) {
            return Some(s);
        }
        // The header alone: a blob the sizes rule out is never inflated.
        let s = match &self.odb {
            Some(odb) => odb.read_header(id).ok()?.0 as u64,
            None => self.repo.find_blob(id).ok()?.size() as u64,
        };
        self.size.insert(id, s);
        Some(s)
    }

    /// Reads the chunk counts of `id` unless already read: false when the
    /// blob cannot be.
    fn load(&mut self, id: Oid) -> bool {
        if !self.spans.contains_key(&id) {
            let Ok(blob) = self.repo.find_blob(id) else {
                return false;
            };
            self.spans.insert(id, span_counts(blob.content()));
        }
        true
    }

    /// git's `estimate_similarity`: 0 when the sizes alone rule the pair out.
    fn score(&mut self, src: &Side, dst: &Side, min: u64) -> u64 {
        if !is_reg(src.mode) || !is_reg(dst.mode) {
            return 0;
        }
        let (Some(a), Some(b)) = (self.size(src.id), self.size(dst.id)) else {
            return 0;
        };
        let (max, base) = (a.max(b), a.min(b));
        if max * (MAX_SCORE - min) < (max - base) * MAX_SCORE || b == 0 {
            return 0;
        }
        if !self.load(src.id) || !self.load(dst.id) {
            return 0;
        }
        copied(&self.spans[&src.id], &self.spans[&dst.id]) * MAX_SCORE / max
    }
}

/// The renames git finds among `deleted` and `added` (each in path order):
/// (index into `deleted`, index into `added`, score out of [`MAX_SCORE`]).
pub fn detect(repo: &Repository, deleted: &[Side], added: &[Side]) -> Vec<(usize, usize, u64)> {
    let mut blobs = Blobs {
        repo,
        odb: repo.odb().ok(),
        size: HashMap::new(),
        spans: HashMap::new(),
    };
    let mut src_used = vec![false; deleted.len()];
    let mut dst_of: Vec<Option<(usize, u64)>> = vec![None; added.len()];

    // Exact renames: the same blob, preferring the same basename.
    for (j, d) in added.iter().enumerate() {
        let mut best: Option<(usize, bool)> = None;
        for (i, s) in deleted.iter().enumerate() {
            if src_used[i]
                || s.id != d.id
                || (!(is_reg(s.mode) && is_reg(d.mode)) && s.mode != d.mode)
            {
                continue;
            }
            let same = basename(&s.path) == basename(&d.path);
            if best.is_none_or(|(_, b)| same && !b) {
                best = Some((i, same));
            }
            if same {
                break;
            }
        }
        if let Some((i, _)) = best {
            src_used[i] = true;
            dst_of[j] = Some((i, MAX_SCORE));
        }
    }

    // A basename left once among the sources and once among the
    // destinations pairs at a higher score.
    let srcs = unique(
        (0..deleted.len())
            .filter(|&i| !src_used[i])
            .map(|i| (i, basename(&deleted[i].path))),
    );
    let dsts = unique(
        (0..added.len())
            .filter(|&j| dst_of[j].is_none())
            .map(|j| (j, basename(&added[j].path))),
    );
    for i in 0..deleted.len() {
        if src_used[i] {
            continue;
        }
        let base = basename(&deleted[i].path);
        let (Some(Some(si)), Some(Some(j))) = (srcs.get(base), dsts.get(base)) else {
            continue;
        };
        if *si != i || dst_of[*j].is_some() {
            continue;
        }
        let score = blobs.score(&deleted[i], &added[*j], MIN_BASENAME_SCORE);
        if score >= MIN_BASENAME_SCORE {
            src_used[i] = true;
            dst_of[*j] = Some((i, score));
        }
    }

    // The rest: the best few sources per destination, then the best
    // pairs overall, each side used once.
    let srcs: Vec<usize> = (0..deleted.len()).filter(|&i| !src_used[i]).collect();
    let dsts: Vec<usize> = (0..added.len()).filter(|&j| dst_of[j].is_none()).collect();
    if !srcs.is_empty()
        && !dsts.is_empty()
        && srcs.len() * dsts.len() <= RENAME_LIMIT * RENAME_LIMIT
    {
        // (score, same basename, destination, source), best first.
        let mut all: Vec<(u64, bool, usize, usize)> = Vec::new();
        for &j in &dsts {
            let mut best: Vec<(u64, bool, usize, usize)> = Vec::new();
            for &i in &srcs {
                let score = blobs.score(&deleted[i], &added[j], MIN_SCORE);
                let same = basename(&deleted[i].path) == basename(&added[j].path);
                let c = (score, same, j, i);
                if best.len() < CANDIDATES_PER_DST {
                    best.push(c);
                } else if let Some(w) = (0..best.len()).min_by_key(|&k| (best[k].0, best[k].1))
                    && (c.0, c.1) > (best[w].0, best[w].1)
                {
                    best[w] = c;
                }
            }
            all.extend(best);
        }
        all.sort_by_key(|c| std::cmp::Reverse((c.0, c.1)));
        for (score, _, j, i) in all {
            if score < MIN_SCORE {
                break;
            }
            if dst_of[j].is_some() || src_used[i] {
                continue;
            }
            src_used[i] = true;
            dst_of[j] = Some((i, score));
        }
    }

    dst_of
        .iter()
        .enumerate()
        .filter_map(|(j, p)| p.map(|(i, s)| (i, j, s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_split_at_newlines_and_64_bytes() {
        let long = [b'x'; 130];
        let total: u64 = span_counts(&long).iter().map(|c| c.1).sum();
        assert_eq!(total, 130);
        assert_eq!(span_counts(b"a\na\n"), vec![(span_counts(b"a\n")[0].0, 4)]);
        // The CR of a CRLF does not count in text.
        assert_eq!(span_counts(b"a\r\n"), span_counts(b"a\n"));
    }
}
