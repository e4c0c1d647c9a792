//! Git object ids computed the way git computes them, and the tree state of
//! one line of history (mainline, a topic branch, a stable branch).
//!
//! Each state keeps every file's function constants and blob id and every
//! directory's tree id, so a commit that rewrites one file rehashes one
//! blob, one subsystem tree, one top-level tree and the root.

use super::layout::{FUNCS, Layout};
use sha1::{Digest, Sha1};

pub type Id = [u8; 20];

pub fn object_id(kind: &str, body: &[u8]) -> Id {
    let mut h = Sha1::new();
    h.update(kind.as_bytes());
    h.update(b" ");
    h.update(body.len().to_string().as_bytes());
    h.update([0u8]);
    h.update(body);
    h.finalize().into()
}

pub fn hex(id: &Id) -> String {
    let mut s = String::with_capacity(40);
    for b in id {
        s.push(char::from_digit((b >> 4) as u32, 16).unwrap());
        s.push(char::from_digit((b & 15) as u32, 16).unwrap());
    }
    s
}

/// Root entries besides the top-level directories, with fixed contents
/// except the Makefile.
pub struct RootFiles {
    pub copying: Id,
    pub maintainers: Id,
    pub readme: Id,
}

#[derive(Clone)]
pub struct State {
    pub consts: Vec<[u32; FUNCS]>,
    pub present: Vec<bool>,
    blob: Vec<Id>,
    sub_tree: Vec<Option<Id>>,
    top_tree: Vec<Option<Id>>,
    makefile: Id,
    pub root: Id,
}

impl State {
    pub fn new(layout: &Layout, consts: Vec<[u32; FUNCS]>, present: Vec<bool>) -> State {
        let n = layout.files.len();
        State {
            consts,
            present,
            blob: vec![[0; 20]; n],
            sub_tree: vec![None; layout.subs.len()],
            top_tree: vec![None; layout.tops.len()],
            makefile: [0; 20],
            root: [0; 20],
        }
    }

    /// Rehashes file `f` into `buf` (its new text) and returns the text.
    pub fn rehash_file<'b>(&mut self, layout: &Layout, f: u32, buf: &'b mut Vec<u8>) -> &'b [u8] {
        layout.file_text(f, &self.consts[f as usize], buf);
        self.blob[f as usize] = object_id("blob", buf);
        buf
    }

    pub fn set_makefile(&mut self, text: &str) {
        self.makefile = object_id("blob", text.as_bytes());
    }

    /// Recomputes the trees above the given files (after `rehash_file`).
    pub fn rehash_trees(
        &mut self,
        layout: &Layout,
        rf: &RootFiles,
        files: &[u32],
        tb: &mut Vec<u8>,
    ) {
        let mut subs: Vec<usize> = files
            .iter()
            .map(|&f| layout.files[f as usize].sub)
            .collect();
        subs.sort_unstable();
        subs.dedup();
        let mut tops = Vec::new();
        for s in subs {
            tb.clear();
            for &f in &layout.subs[s].files {
                if self.present[f as usize] {
                    tb.extend_from_slice(&layout.files[f as usize].entry);
                    tb.extend_from_slice(&self.blob[f as usize]);
                }
            }
            self.sub_tree[s] = (!tb.is_empty()).then(|| object_id("tree", tb));
            tops.push(layout.subs[s].top);
        }
        tops.dedup();
        for t in tops {
            tb.clear();
            for &s in &layout.tops[t].subs {
                if let Some(id) = &self.sub_tree[s] {
                    tb.extend_from_slice(b"40000 ");
                    tb.extend_from_slice(layout.subs[s].name.as_bytes());
                    tb.push(0);
                    tb.extend_from_slice(id);
                }
            }
            self.top_tree[t] = (!tb.is_empty()).then(|| object_id("tree", tb));
        }
        self.rehash_root(layout, rf, tb);
    }

    /// The root: `COPYING`, `MAINTAINERS`, `Makefile`, `README` sort before
    /// the lower-case directories.
    pub fn rehash_root(&mut self, layout: &Layout, rf: &RootFiles, tb: &mut Vec<u8>) {
        tb.clear();
        for (name, id) in [
            ("COPYING", &rf.copying),
            ("MAINTAINERS", &rf.maintainers),
            ("Makefile", &self.makefile),
            ("README", &rf.readme),
        ] {
            tb.extend_from_slice(b"100644 ");
            tb.extend_from_slice(name.as_bytes());
            tb.push(0);
            tb.extend_from_slice(id);
        }
        // Top names are lower-case and distinct prefixes, so plain order is git order.
        for (t, top) in layout.tops.iter().enumerate() {
            if let Some(id) = &self.top_tree[t] {
                tb.extend_from_slice(b"40000 ");
                tb.extend_from_slice(top.name.as_bytes());
                tb.push(0);
                tb.extend_from_slice(id);
            }
        }
        self.root = object_id("tree", tb);
    }
}
