//! The mainline commit graph in memory: parents as positions and
//! generation numbers, so "is A an ancestor of B" and "which commits lie
//! between the base and B" need no history walk through libgit2 (whose
//! negative ancestry answers paint the whole history below the base).
//!
//! Positions are those of the index's mainline list. A generation is one
//! more than the largest generation of the commit's parents (1 for a root),
//! so an ancestor always has a smaller generation than its descendant, and
//! a walk that pops commits by decreasing generation has seen every
//! ancestor newer than the generation it stopped at.

use std::collections::{BinaryHeap, HashSet};

/// No parent (a root) in [`CommitGraph::first_parent`].
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CommitGraph {
    /// First parent per position, or `NONE`.
    first_parent: Vec<u32>,
    /// (child, parent) for the second and later parents of merges,
    /// sorted by child.
    other_parents: Vec<(u32, u32)>,
    generation: Vec<u32>,
}

impl CommitGraph {
    /// Builds the graph from each position's parents (positions; parents
    /// outside the list are left out).
    pub fn new(parents: &[Vec<u32>]) -> CommitGraph {
        let n = parents.len();
        let mut first_parent = Vec::with_capacity(n);
        let mut other_parents = Vec::new();
        for (c, ps) in parents.iter().enumerate() {
            first_parent.push(ps.first().copied().unwrap_or(NONE));
            for &p in ps.iter().skip(1) {
                other_parents.push((c as u32, p));
            }
        }
        let mut g = CommitGraph {
            first_parent,
            other_parents,
            generation: vec![0; n],
        };
        g.compute_generations();
        g
    }

    fn parents(&self, c: u32) -> impl Iterator<Item = u32> + '_ {
        let first = self.first_parent.get(c as usize).copied().unwrap_or(NONE);
        let start = self.other_parents.partition_point(|&(x, _)| x < c);
        let others = self.other_parents[start..]
            .iter()
            .take_while(move |&&(x, _)| x == c)
            .map(|&(_, p)| p);
        std::iter::once(first).filter(|&p| p != NONE).chain(others)
    }

    /// Iterative depth-first: a recursive one would overflow on long
    /// linear histories.
    fn compute_generations(&mut self) {
        let n = self.first_parent.len();
        for start in 0..n as u32 {
            if self.generation[start as usize] != 0 {
                continue;
            }
            let mut stack = vec![start];
            while let Some(&c) = stack.last() {
                if self.generation[c as usize] != 0 {
                    stack.pop();
                    continue;
                }
                let mut ready = true;
                let mut best = 0u32;
                for p in self.parents(c) {
                    match self.generation.get(p as usize) {
                        Some(0) => {
                            ready = false;
                            stack.push(p);
                        }
                        Some(&g) => best = best.max(g),
                        None => {}
                    }
                }
                if ready {
                    self.generation[c as usize] = best.saturating_add(1);
                    stack.pop();
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.first_parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.first_parent.is_empty()
    }

    pub fn generation(&self, pos: u32) -> u32 {
        self.generation.get(pos as usize).copied().unwrap_or(0)
    }

    pub fn first_parent(&self, pos: u32) -> Option<u32> {
        self.first_parent
            .get(pos as usize)
            .copied()
            .filter(|&p| p != NONE)
    }

    /// Per position: is it on `tip`'s first-parent chain?
    pub fn first_parent_chain(&self, tip: u32) -> Vec<bool> {
        let mut on = vec![false; self.len()];
        let mut c = Some(tip);
        while let Some(p) = c {
            match on.get_mut(p as usize) {
                Some(x) if !*x => *x = true,
                _ => break,
            }
            c = self.first_parent(p);
        }
        on
    }

    /// Does the commit at `pos` have more than one parent?
    pub fn is_merge(&self, pos: u32) -> bool {
        let start = self.other_parents.partition_point(|&(x, _)| x < pos);
        self.other_parents
            .get(start)
            .is_some_and(|&(x, _)| x == pos)
    }

    /// For every position, the merge on `tip`'s first-parent chain that
    /// brought it in (`None` for the chain's own commits and for commits
    /// `tip` does not reach): what a pull request or a merged topic branch
    /// looks like in the history. Walks the chain oldest first; the commits
    /// a merge brings are those of its other parents' histories not seen
    /// yet, since everything below its first parent was brought before.
    pub fn merged_by(&self, tip: u32) -> Vec<Option<u32>> {
        let n = self.len();
        let mut by = vec![None; n];
        let mut chain = Vec::new();
        let mut c = tip;
        while (c as usize) < n && chain.len() <= n {
            chain.push(c);
            match self.first_parent(c) {
                Some(p) => c = p,
                None => break,
            }
        }
        let mut seen = vec![false; n];
        for &c in &chain {
            if let Some(s) = seen.get_mut(c as usize) {
                *s = true;
            }
        }
        let mut stack = Vec::new();
        for &m in chain.iter().rev() {
            stack.extend(self.parents(m).skip(1));
            while let Some(x) = stack.pop() {
                match seen.get_mut(x as usize) {
                    Some(s) if !*s => *s = true,
                    _ => continue,
                }
                by[x as usize] = Some(m);
                stack.extend(self.parents(x));
            }
        }
        by
    }

    /// A lazily grown set of the ancestors of `tip` (itself included).
    pub fn ancestors(&self, tip: u32) -> Ancestors<'_> {
        let mut heap = BinaryHeap::new();
        if (tip as usize) < self.len() {
            heap.push((self.generation(tip), tip));
        }
        Ancestors {
            graph: self,
            heap,
            queued: HashSet::from([tip]),
            seen: HashSet::new(),
        }
    }
}

/// The ancestors of one commit, discovered by decreasing generation only as
/// far down as the questions asked need.
pub struct Ancestors<'g> {
    graph: &'g CommitGraph,
    heap: BinaryHeap<(u32, u32)>,
    queued: HashSet<u32>,
    seen: HashSet<u32>,
}

impl Ancestors<'_> {
    /// Pops commits until every ancestor with generation ≥ `floor` is seen.
    fn grow_to(&mut self, floor: u32) {
        while let Some(&(g, c)) = self.heap.peek() {
            if g < floor {
                break;
            }
            self.heap.pop();
            self.seen.insert(c);
            for p in self.graph.parents(c) {
                if self.queued.insert(p) {
                    self.heap.push((self.graph.generation(p), p));
                }
            }
        }
    }

    /// Is `pos` an ancestor of the tip (or the tip)?
    pub fn contains(&mut self, pos: u32) -> bool {
        if pos as usize >= self.graph.len() {
            return false;
        }
        self.grow_to(self.graph.generation(pos));
        self.seen.contains(&pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0 ← 1 ← 2 ← 4 (merge of 2 and 3), 0 ← 3; 5 is a separate root.
    fn sample() -> CommitGraph {
        CommitGraph::new(&[vec![], vec![0], vec![1], vec![0], vec![2, 3], vec![]])
    }

    #[test]
    fn generations_grow_along_parents() {
        let g = sample();
        let gens: Vec<u32> = (0..6).map(|i| g.generation(i)).collect();
        assert_eq!(gens, vec![1, 2, 3, 2, 4, 1]);
    }

    #[test]
    fn commits_are_credited_to_the_merge_that_brought_them() {
        // main: 0 ← 1 ← 4 (merges topic 2 ← 3, forked at 0) ← 5 ← 7
        // (merges 6: a topic forked at 1 that pulled the first topic in
        // itself; 3 was brought by 4 already, so only 6 counts for 7).
        let g = CommitGraph::new(&[
            vec![],     // 0
            vec![0],    // 1
            vec![0],    // 2
            vec![2],    // 3
            vec![1, 3], // 4
            vec![4],    // 5
            vec![1, 3], // 6
            vec![5, 6], // 7
            vec![],     // 8: not reached
        ]);
        let by = g.merged_by(7);
        assert_eq!(
            by,
            vec![
                None,
                None,
                Some(4),
                Some(4),
                None,
                None,
                Some(7),
                None,
                None
            ]
        );
        // From an older tip, the later merge brought nothing yet.
        assert_eq!(g.merged_by(4)[6], None);
        assert_eq!(g.merged_by(4)[3], Some(4));
        // A tip outside the graph credits nothing.
        assert!(g.merged_by(99).iter().all(Option::is_none));
    }

    #[test]
    fn ancestry_through_merges() {
        let g = sample();
        let mut a = g.ancestors(4);
        assert!(a.contains(3));
        assert!(a.contains(0));
        assert!(a.contains(4));
        assert!(!a.contains(5));
        let mut b = g.ancestors(2);
        assert!(!b.contains(3));
        assert!(b.contains(1));
        assert!(!b.contains(4));
        assert!(!b.contains(99));
    }

    #[test]
    fn long_chain_does_not_overflow() {
        // Position 0 is the newest; each commit's parent is the next one.
        let n = 200_000u32;
        let parents: Vec<Vec<u32>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let g = CommitGraph::new(&parents);
        assert_eq!(g.generation(0), 200_000);
        assert!(g.ancestors(0).contains(199_999));
    }
}
