//! The on-disk cache: one file per tree id under `<gitdir>/stablepick/`,
//! written to a temporary file and renamed so readers never see half a
//! file. A file that fails its checksum or consistency check is ignored.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::index::{CodeIndex, Data};

/// Bumped whenever the parser reads a tree otherwise: an index built by
/// another parser is rebuilt, not trusted.
const MAGIC: &[u8; 8] = b"SPCODE\x00\x0c";

/// Where the index of `tree` is cached for the repository at `gitdir`.
pub fn cache_path(gitdir: &Path, tree: git2::Oid) -> PathBuf {
    gitdir.join("stablepick").join(format!("code-{tree}.bin"))
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// Reads a cached index; `None` when absent or unusable.
pub fn load(path: &Path) -> Option<CodeIndex> {
    let bytes = fs::read(path).ok()?;
    decode(&bytes)
}

pub(crate) fn decode(bytes: &[u8]) -> Option<CodeIndex> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (sum, payload) = rest.split_first_chunk::<8>()?;
    if u64::from_le_bytes(*sum) != fnv64(payload) {
        return None;
    }
    let d: Data = postcard::from_bytes(payload).ok()?;
    d.is_consistent().then(|| CodeIndex::from_data(d))
}

pub(crate) fn encode(ix: &CodeIndex) -> Vec<u8> {
    let payload = postcard::to_stdvec(&ix.d).unwrap_or_default();
    let mut out = Vec::with_capacity(payload.len() + 16);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&fnv64(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Writes `ix` to `path` atomically.
pub fn store(path: &Path, ix: &CodeIndex) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let tmp = dir.join(format!(".tmp-code-{}-{nanos}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(&encode(ix))?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corruption() {
        let ix = CodeIndex::from_sources([("a.c", "void f(void) { g(); }\n")]);
        let bytes = encode(&ix);
        let back = decode(&bytes).expect("round trip");
        assert_eq!(back.callers("g"), ix.callers("g"));
        let mut bad = bytes.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0xff;
        assert!(decode(&bad).is_none());
        assert!(decode(&bytes[..bytes.len() / 2]).is_none());
        assert!(decode(b"garbage").is_none());
    }
}
