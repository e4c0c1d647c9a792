//! Maps and sets keyed by commit ids as raw bytes, for the index build's
//! maps of every commit. A SHA-1 is already evenly spread, so its leading
//! bytes are the hash; `git2::Oid` as a key costs a SipHash and a call
//! into libgit2 per comparison, which dominated lookups in maps of half a
//! million commits.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A commit id's 20 bytes.
pub(crate) type Id = [u8; 20];

pub(crate) type IdMap<V> = HashMap<Id, V, BuildHasherDefault<IdHasher>>;
pub(crate) type IdSet = HashSet<Id, BuildHasherDefault<IdHasher>>;

/// Hashes an [`Id`] by its first eight bytes (anything else by folding its
/// bytes in, so it stays a correct, if plain, hasher).
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        match bytes.first_chunk::<8>() {
            Some(head) if bytes.len() == 20 => self.0 ^= u64::from_le_bytes(*head),
            _ => {
                for &b in bytes {
                    self.0 = self.0.rotate_left(8) ^ u64::from(b);
                }
            }
        }
    }

    /// The length an array's hash starts with: the same for every id.
    fn write_usize(&mut self, _: usize) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_hash_by_their_leading_bytes_and_stay_distinct() {
        let mut a = [0u8; 20];
        let mut b = [0u8; 20];
        a[0] = 1;
        b[0] = 1;
        b[19] = 1;
        let mut m: IdMap<u32> = IdMap::default();
        m.insert(a, 1);
        m.insert(b, 2);
        assert_eq!((m[&a], m[&b]), (1, 2), "same hash, still two keys");
        let mut h = IdHasher::default();
        h.write(&a);
        assert_eq!(h.finish(), 1);
    }
}
