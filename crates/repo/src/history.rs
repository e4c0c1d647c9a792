//! The mainline's history in memory, for an index build: every commit the
//! release tags and the mainline tip reach, with its parents and commit
//! time; from it, the commits each release adds to the ones before, and
//! whether each release contains the previous one.
//!
//! Parents and times come from the scan cache ([`crate::scan`]) where it
//! has them, else from the object store: a rebuild after a fetch reads only
//! the new commits. One pass over the graph replaces a libgit2 walk per
//! release (each re-reading its commits, and painting the history below
//! every release it hides when releases do not nest) and an ancestry walk
//! per pair of releases.

use crate::error::Result;
use crate::ids::{Id, IdMap, IdSet};
use crate::scan::ScanCache;
use crate::stable::to_bytes;
use git2::{Oid, Repository};

struct Node {
    parents: Vec<Id>,
    time: i64,
}

pub(crate) struct History {
    nodes: IdMap<Node>,
    /// 1 + the largest generation of the parents (1 for a root).
    generation: IdMap<u32>,
}

impl History {
    /// Every commit `tips` reach.
    pub(crate) fn discover(repo: &Repository, tips: &[Oid], known: &ScanCache) -> Result<History> {
        let mut nodes: IdMap<Node> = IdMap::default();
        let mut stack: Vec<Id> = tips.iter().map(|o| to_bytes(*o)).collect();
        while let Some(o) = stack.pop() {
            if nodes.contains_key(&o) {
                continue;
            }
            let (parents, time) = match known.parents_and_time(&o) {
                Some((parents, time)) => (parents.to_vec(), time),
                None => {
                    let c = repo.find_commit(Oid::from_bytes(&o)?)?;
                    (c.parent_ids().map(to_bytes).collect(), c.time().seconds())
                }
            };
            stack.extend(parents.iter().filter(|p| !nodes.contains_key(*p)));
            nodes.insert(o, Node { parents, time });
        }
        let generation = generations(&nodes);
        Ok(History { nodes, generation })
    }

    fn time(&self, o: &Id) -> i64 {
        self.nodes.get(o).map_or(0, |n| n.time)
    }

    /// The commits `tip` reaches that are not in `seen`, newest first
    /// (ties by id, so the order does not depend on the walk); they are
    /// added to `seen`. With `seen` holding what earlier releases reach,
    /// these are the commits a release adds.
    pub(crate) fn take_new(&self, tip: Oid, seen: &mut IdSet) -> Vec<Oid> {
        let mut out: Vec<Id> = Vec::new();
        let mut stack = vec![to_bytes(tip)];
        while let Some(o) = stack.pop() {
            if !seen.insert(o) {
                continue;
            }
            out.push(o);
            if let Some(n) = self.nodes.get(&o) {
                stack.extend(n.parents.iter().filter(|p| !seen.contains(*p)));
            }
        }
        out.sort_unstable_by_key(|o| (std::cmp::Reverse(self.time(o)), *o));
        out.iter().filter_map(|o| Oid::from_bytes(o).ok()).collect()
    }

    /// Is `a` an ancestor of `b` (or `b` itself)? Only commits of a higher
    /// generation than `a` can lead to it, so the search stops there.
    pub(crate) fn is_ancestor(&self, a: Oid, b: Oid) -> bool {
        let (a, b) = (to_bytes(a), to_bytes(b));
        let Some(&ga) = self.generation.get(&a) else {
            return false;
        };
        let mut seen = IdSet::default();
        let mut stack = vec![b];
        while let Some(o) = stack.pop() {
            if o == a {
                return true;
            }
            if !seen.insert(o) || self.generation.get(&o).is_none_or(|&g| g <= ga) {
                continue;
            }
            if let Some(n) = self.nodes.get(&o) {
                stack.extend(n.parents.iter().copied());
            }
        }
        false
    }
}

/// Generation numbers, without recursion (histories are deep).
fn generations(nodes: &IdMap<Node>) -> IdMap<u32> {
    let mut generation: IdMap<u32> = IdMap::default();
    generation.reserve(nodes.len());
    for &start in nodes.keys() {
        if generation.contains_key(&start) {
            continue;
        }
        // (commit, its parents pushed already)
        let mut stack = vec![(start, false)];
        while let Some((o, expanded)) = stack.pop() {
            if generation.contains_key(&o) {
                continue;
            }
            let parents = nodes.get(&o).map_or(&[][..], |n| n.parents.as_slice());
            if expanded {
                let g = parents
                    .iter()
                    .map(|p| generation.get(p).copied().unwrap_or(0))
                    .max()
                    .unwrap_or(0);
                generation.insert(o, g + 1);
            } else {
                stack.push((o, true));
                stack.extend(
                    parents
                        .iter()
                        .filter(|p| nodes.contains_key(*p) && !generation.contains_key(*p))
                        .map(|p| (*p, false)),
                );
            }
        }
    }
    generation
}
