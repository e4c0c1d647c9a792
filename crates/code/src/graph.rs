//! Reachability: breadth-first search over the reverse call graph from a
//! function up to entry points, bounded in depth, fan-out and size so a
//! look-up stays fast on kernel-sized trees.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

use crate::facts::{INIT, MACRO, STATIC};
use crate::index::CodeIndex;
use crate::wiring::{EntryKind, PRIVILEGED_SYSCALLS};

/// Bounds of the search.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Longest chain, in calls.
    pub max_depth: usize,
    /// Callers expanded per function.
    pub max_fanout: usize,
    /// Functions visited in all.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 12,
            max_fanout: 64,
            max_nodes: 20_000,
        }
    }
}

/// One entry point reaching a function, and the shortest chain found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub kind: EntryKind,
    /// How the first function is entered: `syscall reboot`,
    /// `file_operations.unlocked_ioctl`, `request_irq()`, `__init`.
    pub entry: String,
    /// Entry-most function first, the queried function last.
    pub functions: Vec<String>,
}

impl Chain {
    /// `sys_reboot → kernel_kexec → … → enter_vmx_ops`.
    pub fn render(&self) -> String {
        self.functions.join(" → ")
    }
}

/// What a search found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Reach {
    /// Kinds reached, sorted; `[NoneFound]` when none.
    pub kinds: Vec<EntryKind>,
    /// The shortest chain for each kind reached.
    pub chains: Vec<Chain>,
    /// True when a bound cut the search short.
    pub truncated: bool,
}

impl Reach {
    /// True when a system call or ioctl reaches the function.
    pub fn user_reachable(&self) -> bool {
        self.kinds.iter().any(|k| k.user_reachable())
    }
}

impl CodeIndex {
    /// The ways `name` itself is an entry point: (kind, how it is entered).
    pub fn direct_entries(&self, name: &str) -> Vec<(EntryKind, String)> {
        let mut out = Vec::new();
        for d in self.raw_defs(name) {
            if d.flags & MACRO != 0 {
                continue;
            }
            let syscall = d.syscall.map(|s| self.name(s).to_owned()).or_else(|| {
                name.strip_prefix("sys_")
                    .or_else(|| name.strip_prefix("compat_sys_"))
                    .map(str::to_owned)
            });
            if let Some(sc) = syscall {
                let kind = if PRIVILEGED_SYSCALLS.contains(&sc.as_str()) {
                    EntryKind::Privileged
                } else {
                    EntryKind::Syscall
                };
                out.push((kind, format!("syscall {sc}")));
            }
            if d.flags & INIT != 0 {
                out.push((EntryKind::Init, "__init".to_owned()));
            }
            if let Some(def) = d.definer.map(|s| self.name(s))
                && (def.starts_with("RTE_INIT") || def.starts_with("RTE_FINI"))
            {
                out.push((EntryKind::Init, format!("constructor {def}")));
            }
        }
        for w in self.wiring(name) {
            out.push((w.kind, w.describe()));
        }
        out.sort();
        out.dedup();
        out
    }

    fn is_init_only(&self, id: u32) -> bool {
        let mut fns = self
            .defs_of(id)
            .iter()
            .filter(|d| d.flags & MACRO == 0)
            .peekable();
        fns.peek().is_some() && fns.all(|d| d.flags & INIT != 0)
    }

    /// Distinct functions calling `id` (scoped as in
    /// [`CodeIndex::callers_scoped`]), file-scope calls left out.
    fn caller_ids(&self, id: u32) -> Vec<u32> {
        let fns: Vec<u32> = self
            .defs_of(id)
            .iter()
            .filter(|d| d.flags & MACRO == 0)
            .map(|d| d.file)
            .collect();
        let local = !fns.is_empty()
            && self
                .defs_of(id)
                .iter()
                .filter(|d| d.flags & MACRO == 0)
                .all(|d| d.flags & STATIC != 0 && self.file(d.file).ends_with(".c"));
        let mut v: Vec<u32> = self
            .calls_to(id)
            .iter()
            .filter(|c| !local || fns.contains(&c.file))
            .map(|c| c.caller)
            .filter(|&c| !self.name(c).is_empty())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Distinct functions calling the definition of `id` in `file` (see
    /// [`CodeIndex::callers_of_definition_in`]), file-scope calls left out.
    fn caller_ids_of_definition_in(&self, id: u32, file: u32) -> Vec<u32> {
        if !self.defs_of(id).iter().any(|d| d.file == file) {
            return self.caller_ids(id);
        }
        let statics = self.static_files(id);
        let mut v: Vec<u32> = self
            .calls_to(id)
            .iter()
            .filter(|c| self.call_reaches(&statics, file, c.file))
            .map(|c| c.caller)
            .filter(|&c| !self.name(c).is_empty())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Searches callers of `name` upwards for entry points.
    pub fn reach(&self, name: &str, limits: Limits) -> Reach {
        self.reach_from(name, None, limits)
    }

    /// As [`CodeIndex::reach`], for the definition of `name` in `file`: its
    /// first callers are those [`CodeIndex::callers_of_definition_in`] finds.
    pub fn reach_from(&self, name: &str, file: Option<&str>, limits: Limits) -> Reach {
        const ROOT: u32 = u32::MAX;
        let root_file = file.and_then(|f| self.file_id(f));
        let mut found: BTreeMap<EntryKind, Chain> = BTreeMap::new();
        let mut truncated = false;
        let mut parent: HashMap<u32, (u32, usize)> = HashMap::new();
        let mut queue = VecDeque::new();
        if let Some(start) = self.name_id(name) {
            parent.insert(start, (ROOT, 0));
            queue.push_back(start);
        }
        while let Some(node) = queue.pop_front() {
            let depth = parent[&node].1;
            for (kind, entry) in self.direct_entries(self.name(node)) {
                found.entry(kind).or_insert_with(|| {
                    let mut functions = vec![self.name(node).to_owned()];
                    let mut cur = node;
                    while let Some(&(next, _)) = parent.get(&cur) {
                        if next == ROOT {
                            break;
                        }
                        functions.push(self.name(next).to_owned());
                        cur = next;
                    }
                    Chain {
                        kind,
                        entry,
                        functions,
                    }
                });
            }
            // Boot-only code is only called from boot-only code.
            if depth > 0 && self.is_init_only(node) {
                continue;
            }
            let mut callers = match root_file {
                Some(f) if depth == 0 => self.caller_ids_of_definition_in(node, f),
                _ => self.caller_ids(node),
            };
            if callers.is_empty() {
                continue;
            }
            if depth >= limits.max_depth {
                truncated = true;
                continue;
            }
            if callers.len() > limits.max_fanout {
                truncated = true;
                callers.truncate(limits.max_fanout);
            }
            for c in callers {
                if parent.len() >= limits.max_nodes {
                    truncated = true;
                    break;
                }
                if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(c) {
                    e.insert((node, depth + 1));
                    queue.push_back(c);
                }
            }
        }
        let mut kinds: Vec<EntryKind> = found.keys().copied().collect();
        if kinds.is_empty() {
            kinds.push(EntryKind::NoneFound);
        }
        Reach {
            kinds,
            chains: found.into_values().collect(),
            truncated,
        }
    }

    /// The entry kinds reaching `name`, with default limits.
    pub fn entry_kinds(&self, name: &str) -> Vec<EntryKind> {
        self.reach(name, Limits::default()).kinds
    }

    /// The shortest chain per entry kind, with default limits.
    pub fn chains(&self, name: &str) -> Vec<Chain> {
        self.reach(name, Limits::default()).chains
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kernel() -> CodeIndex {
        CodeIndex::from_sources([
            (
                "kernel/reboot.c",
                "SYSCALL_DEFINE4(reboot, int, magic1, int, magic2, unsigned int, cmd, void __user *, arg)\n{\n\tif (cmd == 1)\n\t\treturn kernel_kexec();\n\treturn 0;\n}\n",
            ),
            (
                "kernel/kexec_core.c",
                "int kernel_kexec(void)\n{\n\tmachine_kexec(image);\n\treturn 0;\n}\n",
            ),
            (
                "arch/powerpc/kernel/machine_kexec.c",
                "void machine_kexec(struct kimage *image)\n{\n\tcopy_page(a, b);\n}\n",
            ),
            (
                "arch/powerpc/lib/copypage_64.S",
                "_GLOBAL(copy_page)\n\tb copypage_power7\n",
            ),
            (
                "arch/powerpc/lib/copypage_power7.S",
                "_GLOBAL(copypage_power7)\n\tbl CFUNC(enter_vmx_ops)\n\tblr\n",
            ),
            (
                "arch/powerpc/lib/vmx-helper.c",
                "int enter_vmx_ops(void)\n{\n\tif (in_interrupt())\n\t\treturn 0;\n\tpreempt_disable();\n\treturn 1;\n}\n",
            ),
            (
                "drivers/x/x.c",
                "static long x_ioctl(struct file *f, unsigned int c, unsigned long a)\n{\n\treturn x_do(a);\n}\nstatic int x_do(unsigned long a) { return leaf(); }\nstatic const struct file_operations x_fops = {\n\t.unlocked_ioctl = x_ioctl,\n};\nstatic int __init x_setup(void)\n{\n\treturn leaf();\n}\n",
            ),
            ("lib/leaf.c", "int leaf(void)\n{\n\treturn 0;\n}\n"),
        ])
    }

    #[test]
    fn chain_from_reboot_to_assembly_callee() {
        let ix = kernel();
        let r = ix.reach("enter_vmx_ops", Limits::default());
        assert_eq!(r.kinds, [EntryKind::Privileged]);
        assert!(!r.user_reachable());
        assert_eq!(
            r.chains[0].render(),
            "sys_reboot → kernel_kexec → machine_kexec → copy_page → copypage_power7 → enter_vmx_ops"
        );
        assert_eq!(r.chains[0].entry, "syscall reboot");
    }

    #[test]
    fn ioctl_and_init_reach_a_leaf() {
        let ix = kernel();
        let r = ix.reach("leaf", Limits::default());
        assert_eq!(r.kinds, [EntryKind::Ioctl, EntryKind::Init]);
        assert!(r.user_reachable());
        assert_eq!(r.chains[0].functions, ["x_ioctl", "x_do", "leaf"]);
        assert_eq!(r.chains[0].entry, "file_operations.unlocked_ioctl");
        assert_eq!(r.chains[1].functions, ["x_setup", "leaf"]);
    }

    #[test]
    fn unreached_function_is_none_found_and_depth_is_bounded() {
        let ix = kernel();
        assert_eq!(ix.entry_kinds("never_called"), [EntryKind::NoneFound]);
        let r = ix.reach(
            "enter_vmx_ops",
            Limits {
                max_depth: 2,
                ..Limits::default()
            },
        );
        assert_eq!(r.kinds, [EntryKind::NoneFound]);
        assert!(r.truncated);
    }
}
