//! Threading: Jamie Zawinski's algorithm over References/In-Reply-To, with
//! the subject fallback for replies whose parents never reached the archive.
//!
//! Input is a flat list of [`ThreadInput`]; output is, per message, the
//! nearest ancestor that is a real message and the thread it belongs to
//! (named by its lowest input index). Works on indices and borrowed strings
//! so a whole archive threads in one pass without copying bodies.

use std::collections::HashMap;

/// What threading needs to know about one message.
#[derive(Debug, Clone)]
pub struct ThreadInput<'a> {
    pub id: &'a str,
    /// Parent chain, oldest first, nearest parent last.
    pub refs: Vec<&'a str>,
    /// Subject for the fallback (see [`thread_subject`]).
    pub subject: String,
    pub is_reply: bool,
}

/// Result of threading `n` messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Threading {
    /// Nearest ancestor that is a message, by input index.
    pub parent: Vec<Option<u32>>,
    /// Thread id: the lowest input index in the message's thread.
    pub thread: Vec<u32>,
}

const NONE: u32 = u32::MAX;

/// A subject with reply prefixes removed, lower-cased: replies whose parents
/// are missing are grouped under the message that started the subject.
pub fn thread_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.get(..4).map(|p| p.to_ascii_lowercase());
        match lower.as_deref() {
            Some("re: ") | Some("aw: ") | Some("fw: ") => s = s[4..].trim_start(),
            _ => match s.get(..5).map(|p| p.to_ascii_lowercase()).as_deref() {
                Some("fwd: ") => s = s[5..].trim_start(),
                _ => match s.get(..3).map(|p| p.to_ascii_lowercase()).as_deref() {
                    Some("re:") => s = s[3..].trim_start(),
                    _ => break,
                },
            },
        }
    }
    crate::parse::collapse_ws(s).to_lowercase()
}

struct Containers {
    parent: Vec<u32>,
    msg: Vec<u32>,
}

impl Containers {
    fn new_container(&mut self, msg: u32) -> u32 {
        self.parent.push(NONE);
        self.msg.push(msg);
        (self.parent.len() - 1) as u32
    }

    /// True if `a` is `b` or one of `b`'s ancestors.
    fn is_ancestor(&self, a: u32, mut b: u32) -> bool {
        let mut steps = 0usize;
        while b != NONE {
            if a == b {
                return true;
            }
            b = self.parent[b as usize];
            steps += 1;
            if steps > self.parent.len() {
                return true; // defensive: treat a cycle as "would loop"
            }
        }
        false
    }
}

/// Threads the messages.
pub fn thread(inputs: &[ThreadInput<'_>]) -> Threading {
    let n = inputs.len();
    let mut by_id: HashMap<&str, u32> = HashMap::with_capacity(n + n / 2);
    let mut c = Containers {
        parent: Vec::with_capacity(n + n / 2),
        msg: Vec::with_capacity(n + n / 2),
    };
    // Containers of messages first so container i <-> message i for i < n.
    let mut own = Vec::with_capacity(n);
    for (i, m) in inputs.iter().enumerate() {
        let ci = c.new_container(i as u32);
        // A duplicate id keeps its own container but is not a link target.
        by_id.entry(m.id).or_insert(ci);
        own.push(ci);
    }
    for (i, m) in inputs.iter().enumerate() {
        let mut prev = NONE;
        for r in &m.refs {
            if *r == m.id {
                continue;
            }
            let rc = *by_id.entry(r).or_insert_with(|| c.new_container(NONE));
            if prev != NONE
                && c.parent[rc as usize] == NONE
                && rc != prev
                && !c.is_ancestor(rc, prev)
            {
                c.parent[rc as usize] = prev;
            }
            prev = rc;
        }
        let me = own[i];
        if prev != NONE && prev != me && !c.is_ancestor(me, prev) {
            c.parent[me as usize] = prev;
        }
    }
    let total = c.parent.len();
    // Root of every container, with path compression via a memo.
    let mut root = vec![NONE; total];
    for i in 0..total {
        find_root(&c.parent, &mut root, i as u32);
    }
    // Subject fallback: a root that is a reply joins the thread whose root
    // message started that subject.
    let mut starter: HashMap<&str, u32> = HashMap::new();
    for (i, m) in inputs.iter().enumerate() {
        if root[i] == i as u32 && !m.is_reply && !m.subject.is_empty() {
            starter.entry(m.subject.as_str()).or_insert(i as u32);
        }
    }
    let mut first_msg = vec![NONE; total];
    for (i, &r) in root.iter().take(n).enumerate() {
        if first_msg[r as usize] == NONE {
            first_msg[r as usize] = i as u32;
        }
    }
    let mut merged: HashMap<u32, u32> = HashMap::new();
    for r in 0..total {
        let fm = first_msg[r];
        if fm == NONE || root[r] != r as u32 {
            continue;
        }
        let m = &inputs[fm as usize];
        if !m.is_reply {
            continue;
        }
        if let Some(&s) = starter.get(m.subject.as_str())
            && root[s as usize] != r as u32
        {
            merged.insert(r as u32, root[s as usize]);
            c.parent[r] = s;
        }
    }
    let mut thread = vec![0u32; n];
    let mut parent = vec![None; n];
    // Thread id = lowest message index in the (possibly merged) tree.
    let mut lowest: HashMap<u32, u32> = HashMap::new();
    let final_root = |r: u32| -> u32 { merged.get(&r).copied().unwrap_or(r) };
    for (i, &r0) in root.iter().take(n).enumerate() {
        let r = final_root(r0);
        let e = lowest.entry(r).or_insert(i as u32);
        if (i as u32) < *e {
            *e = i as u32;
        }
    }
    for i in 0..n {
        thread[i] = lowest[&final_root(root[i])];
        let mut p = c.parent[i];
        let mut guard = 0;
        while p != NONE && c.msg[p as usize] == NONE && guard < total {
            p = c.parent[p as usize];
            guard += 1;
        }
        if p != NONE && c.msg[p as usize] != NONE {
            parent[i] = Some(c.msg[p as usize]);
        }
    }
    Threading { parent, thread }
}

fn find_root(parent: &[u32], root: &mut [u32], i: u32) -> u32 {
    let mut path = Vec::new();
    let mut x = i;
    let r = loop {
        if root[x as usize] != NONE {
            break root[x as usize];
        }
        let p = parent[x as usize];
        if p == NONE || path.len() > parent.len() {
            break x;
        }
        path.push(x);
        x = p;
    };
    for p in path {
        root[p as usize] = r;
    }
    root[x as usize] = r;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(id: &'a str, refs: &[&'a str], subject: &str) -> ThreadInput<'a> {
        ThreadInput {
            id,
            refs: refs.to_vec(),
            subject: thread_subject(subject),
            is_reply: subject.to_ascii_lowercase().starts_with("re:"),
        }
    }

    #[test]
    fn threads_by_references_with_missing_middle() {
        let v = vec![
            input("c@x", &["a@x", "b@x"], "Re: t"), // b is missing
            input("a@x", &[], "t"),
            input("d@x", &["a@x"], "Re: t"),
            input("z@x", &[], "other"),
        ];
        let t = thread(&v);
        assert_eq!(t.thread, vec![0, 0, 0, 3]);
        assert_eq!(t.parent, vec![Some(1), None, Some(1), None]);
    }

    #[test]
    fn subject_fallback_and_loops() {
        let v = vec![
            input("a@x", &[], "[PATCH] foo"),
            input("r@x", &["gone@x"], "Re: [PATCH] foo"),
            input("p@x", &["q@x"], "loop"),
            input("q@x", &["p@x"], "Re: loop"),
        ];
        let t = thread(&v);
        assert_eq!(t.thread[1], 0);
        assert_eq!(t.parent[1], Some(0));
        assert_eq!(t.thread[2], t.thread[3]);
        assert_eq!(thread_subject("Re: RE: Fwd:  Hello  World"), "hello world");
    }

    #[test]
    fn duplicate_ids_stay_separate() {
        let v = vec![input("a@x", &[], "one"), input("a@x", &[], "two")];
        let t = thread(&v);
        assert_eq!(t.thread, vec![0, 1]);
    }
}
