//! Reachability: breadth-first search over the reverse call graph from a
//! function up to entry points, bounded in depth, fan-out and size so a
//! look-up stays fast on kernel-sized trees.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

use crate::facts::{CONSTRUCTOR, EXIT, INIT, MACRO, STATIC, TEST};
use crate::index::{Call, CodeIndex};
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

/// Test, fuzz, benchmark and example programs: their `main()` is not how
/// users run the code.
pub(crate) fn is_test_or_example_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split('/');
    let file = parts.next_back().unwrap_or("");
    parts.any(|d| {
        matches!(
            d,
            "test"
                | "tests"
                | "testsuite"
                | "testcases"
                | "selftest"
                | "selftests"
                | "unittest"
                | "unittests"
                | "unit-tests"
                | "fuzz"
                | "fuzzing"
                | "oss-fuzz"
                | "bench"
                | "benches"
                | "benchmarks"
                | "benchtests"
                | "examples"
                | "example"
                | "samples"
                | "sample"
                | "demos"
                | "demo"
        )
    }) || file.starts_with("test")
        || file.starts_with("tst-")
        || file.starts_with("tst_")
        || file.starts_with("bug-")
        || file.contains("_test.")
        || file.contains("-test.")
        || file.contains("fuzz")
}

/// Does the version script or symbol list `list` export a function defined
/// in `def_file`? Only its own library's, under its directory; glibc's
/// `Versions` files name functions that `sysdeps/` defines too.
fn exports_from(list: &str, def_file: &str) -> bool {
    match list.rsplit_once('/') {
        _ if list.rsplit('/').next() == Some("Versions") => true,
        None => true,
        Some((dir, _)) => def_file
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/')),
    }
}

/// The parent of the queried function in a search.
const ROOT: u32 = u32::MAX;

/// A function in a search, with the file of its definition when known.
type Node = (u32, Option<u32>);

impl CodeIndex {
    /// The ways `name` itself is an entry point: (kind, how it is entered).
    pub fn direct_entries(&self, name: &str) -> Vec<(EntryKind, String)> {
        self.direct_entries_in(name, None)
    }

    /// As [`CodeIndex::direct_entries`], for the definition of `name` in
    /// `file` where it has one there: its own annotations, and the wiring
    /// that can name it (a `static` one is wired only in its own file).
    fn direct_entries_in(&self, name: &str, file: Option<u32>) -> Vec<(EntryKind, String)> {
        let mut out = Vec::new();
        let defs = self.raw_defs(name);
        let file = file.filter(|f| defs.iter().any(|d| d.file == *f && d.flags & MACRO == 0));
        // A unit test compiled in only for testing (Suricata's `#ifdef
        // UNITTESTS`) is no entry point, however it is registered.
        let mut functions = defs
            .iter()
            .filter(|d| d.flags & MACRO == 0 && file.is_none_or(|f| d.file == f))
            .peekable();
        if functions.peek().is_some() && functions.all(|d| d.flags & TEST != 0) {
            return out;
        }
        let statics = match (file, self.name_id(name)) {
            (Some(_), Some(id)) => self.static_files(id),
            _ => Vec::new(),
        };
        for d in defs {
            // A test's constructor or `__init` is no more an entry point
            // than a test's main().
            if d.flags & (MACRO | TEST) != 0
                || file.is_some_and(|f| d.file != f)
                || is_test_or_example_path(self.file(d.file))
            {
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
            if d.flags & CONSTRUCTOR != 0 {
                let which = if d.flags & EXIT != 0 {
                    "__attribute__((destructor))"
                } else {
                    "__attribute__((constructor))"
                };
                out.push((EntryKind::Init, which.to_owned()));
            }
        }
        // A test harness's callback table (glibc's `.test_function`) is
        // no more an entry point than a test's main().
        for w in self
            .wiring(name)
            .into_iter()
            .filter(|w| !is_test_or_example_path(&w.file))
            // A library's export list names its own functions: NetworkManager's
            // daemon has an `nm_device_reapply` of its own beside libnm's.
            .filter(|w| {
                w.kind != EntryKind::Api
                    || match file {
                        Some(f) => exports_from(&w.file, self.file(f)),
                        None => defs
                            .iter()
                            .any(|d| exports_from(&w.file, self.file(d.file))),
                    }
            })
            .filter(|w| match (file, self.file_id(&w.file)) {
                (Some(f), Some(wf)) => self.call_reaches(&statics, f, wf),
                _ => true,
            })
        {
            out.push((w.kind, w.describe()));
        }
        out.sort();
        out.dedup();
        out
    }

    /// True when the `main()` making call `c` is a test program's, defined
    /// under `#ifdef TEST_PROGRAM` or the like in a library file: the
    /// definition of `main` in the call's file nearest above the call.
    fn in_test_main(&self, main: u32, c: &Call) -> bool {
        self.defs_of(main)
            .iter()
            .filter(|d| d.file == c.file && d.line <= c.line && d.flags & MACRO == 0)
            .max_by_key(|d| d.line)
            .is_some_and(|d| d.flags & TEST != 0)
    }

    fn is_init_only(&self, id: u32) -> bool {
        let mut fns = self
            .defs_of(id)
            .iter()
            .filter(|d| d.flags & MACRO == 0)
            .peekable();
        fns.peek().is_some() && fns.all(|d| d.flags & INIT != 0)
    }

    /// The calls that can reach `id`: with `file`, those reaching its
    /// definition there ([`CodeIndex::callers_of_definition_in`]); else, as
    /// [`CodeIndex::callers_scoped`], only calls in their own files when
    /// every definition is `static` in a `.c` file.
    pub(crate) fn reaching_calls(&self, id: u32, file: Option<u32>) -> Vec<&Call> {
        let file = file.filter(|f| self.defs_of(id).iter().any(|d| d.file == *f));
        let calls = self.calls_to(id).iter();
        if let Some(f) = file {
            let statics = self.static_files(id);
            return calls
                .filter(|c| self.call_reaches(&statics, f, c.file))
                .collect();
        }
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
        calls.filter(|c| !local || fns.contains(&c.file)).collect()
    }

    /// Distinct callers among `calls`, each with the file its call is in
    /// (where that caller is defined); file-scope calls left out, and calls
    /// in tests and examples, which lead only to their own entry points
    /// (none) and, through a test function named like the code it tests,
    /// to chains that do not exist.
    fn callers_with_files(&self, calls: &[&Call]) -> Vec<Node> {
        let mut v: Vec<Node> = calls
            .iter()
            .filter(|c| !self.name(c.caller).is_empty())
            .filter(|c| !is_test_or_example_path(self.file(c.file)))
            .map(|c| (c.caller, Some(c.file)))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The chain from `at` back down to the queried function.
    fn chain_down(&self, at: Node, parent: &HashMap<Node, (Node, usize)>) -> Vec<String> {
        let mut functions = vec![self.name(at.0).to_owned()];
        let mut cur = at;
        while let Some(&(next, _)) = parent.get(&cur) {
            if next.0 == ROOT {
                break;
            }
            functions.push(self.name(next.0).to_owned());
            cur = next;
        }
        functions
    }

    /// Searches callers of `name` upwards for entry points.
    pub fn reach(&self, name: &str, limits: Limits) -> Reach {
        self.reach_from(name, None, limits)
    }

    /// As [`CodeIndex::reach`], for the definition of `name` in `file`: its
    /// first callers are those [`CodeIndex::callers_of_definition_in`] finds.
    pub fn reach_from(&self, name: &str, file: Option<&str>, limits: Limits) -> Reach {
        let root_file = file.and_then(|f| self.file_id(f));
        let main = self.name_id("main");
        let mut found: BTreeMap<EntryKind, Chain> = BTreeMap::new();
        let mut truncated = false;
        // A node is a function and the file of the definition the walk came
        // to: a caller found by its call in file F is the one defined in F,
        // so a `static` name that many files define (every test's
        // `do_test()`) is followed only through its own file's callers.
        let mut parent: HashMap<Node, (Node, usize)> = HashMap::new();
        let mut queue = VecDeque::new();
        if let Some(start) = self.name_id(name) {
            parent.insert((start, root_file), ((ROOT, None), 0));
            queue.push_back((start, root_file));
        }
        while let Some(at) = queue.pop_front() {
            let (node, node_file) = at;
            let depth = parent[&at].1;
            for (kind, entry) in self.direct_entries_in(self.name(node), node_file) {
                found.entry(kind).or_insert_with(|| Chain {
                    kind,
                    entry,
                    functions: self.chain_down(at, &parent),
                });
            }
            let calls = self.reaching_calls(node, node_file);
            // Every program has its own main(): the one calling here is the
            // one in the calling file, so the entry is found from the call.
            // A test program's main() inside a library file is none.
            if !found.contains_key(&EntryKind::Program)
                && let Some(main) = main
                && let Some(file) = calls
                    .iter()
                    .filter(|c| c.caller == main && !self.in_test_main(main, c))
                    .map(|c| self.file(c.file))
                    .find(|f| !is_test_or_example_path(f))
            {
                let mut functions = vec!["main".to_owned()];
                functions.extend(self.chain_down(at, &parent));
                found.insert(
                    EntryKind::Program,
                    Chain {
                        kind: EntryKind::Program,
                        entry: format!("main() in {file}"),
                        functions,
                    },
                );
            }
            // Boot-only code is only called from boot-only code.
            if depth > 0 && self.is_init_only(node) {
                continue;
            }
            let mut callers = self.callers_with_files(&calls);
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
                    e.insert((at, depth + 1));
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

    #[test]
    fn a_projects_own_registration_call_wires_its_argument() {
        let ix = CodeIndex::from_sources([(
            "src/app-layer-smtp.c",
            "static int SMTPParse(void)\n{\n\treturn MimeDecInitParser();\n}\n\
static int SMTPParseClientRecord(void *f)\n{\n\treturn SMTPParse();\n}\n\
void RegisterSMTPParsers(void)\n{\n\tAppLayerParserRegisterParser(IPPROTO_TCP, ALPROTO_SMTP, STREAM_TOSERVER, SMTPParseClientRecord);\n}\n",
        )]);
        let r = ix.reach("MimeDecInitParser", Limits::default());
        assert_eq!(r.kinds, [EntryKind::Pointer]);
        assert_eq!(r.chains[0].entry, "AppLayerParserRegisterParser()");
        assert_eq!(
            r.chains[0].render(),
            "SMTPParseClientRecord → SMTPParse → MimeDecInitParser"
        );
    }

    #[test]
    fn a_static_name_many_files_define_is_followed_through_its_own_file() {
        let ix = CodeIndex::from_sources([
            ("src/mod.c", "int mod_func(void)\n{\n\treturn 0;\n}\n"),
            (
                "src/x.c",
                "static int init(void)\n{\n\treturn mod_func();\n}\n",
            ),
            (
                "src/y.c",
                "static int init(void)\n{\n\treturn 1;\n}\nint main(void)\n{\n\treturn init();\n}\n\
static const struct ops y_ops = {\n\t.open = init,\n};\n",
            ),
        ]);
        // x.c's init() is called by nothing: y.c's main() and ops table
        // reach y.c's own init(), not this one.
        assert_eq!(
            ix.reach("mod_func", Limits::default()).kinds,
            [EntryKind::NoneFound]
        );
        // y.c's is reached both ways.
        let r = ix.reach_from("init", Some("src/y.c"), Limits::default());
        assert_eq!(r.kinds, [EntryKind::Pointer, EntryKind::Program]);
    }

    #[test]
    fn a_test_named_like_the_code_it_tests_joins_no_chain() {
        let ix = CodeIndex::from_sources([
            (
                "src/shared/cgroup-setup.c",
                "int cg_create(const char *p)\n{\n\treturn mkdir_p(p);\n}\n",
            ),
            (
                "src/basic/cgroup-util.c",
                "int cg_kill_recursive(const char *p)\n{\n\treturn 0;\n}\n",
            ),
            (
                "src/core/main.c",
                "int main(void)\n{\n\treturn cg_create(\"/x\");\n}\n",
            ),
            (
                "src/test/test-cgroup.c",
                "TEST(cg_create) {\n\tassert_se(cg_create(\"/t\") >= 0);\n\tcg_kill_recursive(\"/t\");\n}\n",
            ),
        ]);
        // Only the test calls cg_kill_recursive(): no way in from main().
        assert_eq!(
            ix.reach("cg_kill_recursive", Limits::default()).kinds,
            [EntryKind::NoneFound]
        );
        assert_eq!(
            ix.reach("cg_create", Limits::default()).kinds,
            [EntryKind::Program]
        );
        assert!(
            ix.definitions("cg_create")
                .iter()
                .all(|d| !d.file.contains("test"))
        );
    }

    #[test]
    fn event_loop_callbacks_and_defined_mains_are_entry_points() {
        let ix = CodeIndex::from_sources([
            (
                "src/core/manager.c",
                "static int manager_dispatch_user_lookup_fd(sd_event_source *s, int fd, uint32_t revents, void *userdata)\n{\n\treturn lookup_done();\n}\n\
int manager_setup(Manager *m)\n{\n\treturn sd_event_add_io(m->event, &m->src, m->fd, EPOLLIN, manager_dispatch_user_lookup_fd, m);\n}\n\
int lookup_done(void)\n{\n\treturn 0;\n}\n",
            ),
            (
                "src/udev/udevadm.c",
                "static int run(int argc, char *argv[])\n{\n\treturn verify_rules();\n}\n\
DEFINE_MAIN_FUNCTION_WITH_POSITIVE_FAILURE(run);\n",
            ),
            (
                "src/udev/verify.c",
                "int verify_rules(void)\n{\n\treturn 0;\n}\n",
            ),
        ]);
        let r = ix.reach("lookup_done", Limits::default());
        assert_eq!(r.kinds, [EntryKind::Pointer]);
        assert_eq!(r.chains[0].entry, "sd_event_add_io()");
        let r = ix.reach("verify_rules", Limits::default());
        assert_eq!(r.kinds, [EntryKind::Program]);
        assert_eq!(r.chains[0].render(), "run → verify_rules");
    }

    #[test]
    fn a_constructor_is_run_by_the_loader() {
        let ix = CodeIndex::from_sources([(
            "src/shared/log.c",
            "static void __attribute__((constructor)) log_setup(void)\n{\n\tread_env();\n}\n\
static void __attribute__ ((destructor))\nlog_flush(void)\n{\n\tdrain();\n}\n\
void read_env(void)\n{\n}\nvoid drain(void)\n{\n}\n\
int __attribute__((format(printf, 1, 2))) say(const char *constructor, ...)\n{\n\treturn quiet();\n}\n\
int quiet(void)\n{\n\treturn 0;\n}\n",
        )]);
        let r = ix.reach("read_env", Limits::default());
        assert_eq!(r.kinds, [EntryKind::Init]);
        assert_eq!(r.chains[0].entry, "__attribute__((constructor))");
        assert_eq!(r.chains[0].render(), "log_setup → read_env");
        // A destructor on the line before the name counts too, and says
        // it is one.
        let drain = ix.reach("drain", Limits::default());
        assert_eq!(drain.kinds, [EntryKind::Init]);
        assert_eq!(drain.chains[0].entry, "__attribute__((destructor))");
        // A test module's constructor is no entry point.
        let ix2 = CodeIndex::from_sources([
            ("src/mod.c", "int mod_func(void)\n{\n\treturn 0;\n}\n"),
            (
                "sysdeps/pthread/tst-stack2-mod.c",
                "void\n__attribute__ ((constructor))\ninit (void)\n{\n\tmod_func();\n}\n",
            ),
        ]);
        assert_eq!(
            ix2.reach("mod_func", Limits::default()).kinds,
            [EntryKind::NoneFound]
        );
        // Another attribute, or a parameter named `constructor`, is none.
        assert_eq!(
            ix.reach("quiet", Limits::default()).kinds,
            [EntryKind::NoneFound]
        );
    }

    #[test]
    fn each_program_is_entered_by_its_own_main() {
        let ix = CodeIndex::from_sources([
            (
                "src/server.c",
                "int main(int argc, char **argv)\n{\n\tload_config();\n\treturn 0;\n}\n",
            ),
            (
                "src/config.c",
                "void load_config(void)\n{\n\tparse_line();\n}\nvoid parse_line(void)\n{\n}\n",
            ),
            (
                "tools/cli.c",
                "int main(void)\n{\n\tcli_run();\n\treturn 0;\n}\nvoid cli_run(void)\n{\n}\n",
            ),
            (
                "tests/unit.c",
                "int main(void)\n{\n\tonly_tested();\n\treturn 0;\n}\n",
            ),
            ("src/util.c", "void only_tested(void)\n{\n}\n"),
            ("glibc/tst-x.c", "int main(void)\n{\n\ttested_too();\n}\n"),
            ("src/more.c", "void tested_too(void)\n{\n}\n"),
        ]);
        let r = ix.reach("parse_line", Limits::default());
        assert_eq!(r.kinds, [EntryKind::Program]);
        assert_eq!(r.chains[0].entry, "main() in src/server.c");
        assert_eq!(r.chains[0].render(), "main → load_config → parse_line");
        assert!(!r.user_reachable());
        // The other program's main() is the one that calls it.
        assert_eq!(ix.chains("cli_run")[0].entry, "main() in tools/cli.c");
        // A test program is not how users run the code.
        assert_eq!(ix.entry_kinds("only_tested"), [EntryKind::NoneFound]);
        assert_eq!(ix.entry_kinds("tested_too"), [EntryKind::NoneFound]);
    }

    #[test]
    fn test_and_example_programs_are_told_apart_by_their_paths() {
        for p in [
            "tests/a.c",
            "examples/lib/custom/main.c",
            "examples/C/glib/add-connection-gdbus.c",
            "src/test/x.c",
            "posix/tst-mkdtemp.c",
            "io/bug-ftw3.c",
            "lib/x_test.c",
            "fuzz/f.c",
            "oss-fuzz/x.c",
            "benchtests/b.c",
            "src/fuzz_ziplist.c",
        ] {
            assert!(is_test_or_example_path(p), "{p}");
        }
        for p in ["src/server.c", "tools/cli.c", "lib/attest.c", "contest.c"] {
            assert!(!is_test_or_example_path(p), "{p}");
        }
    }
}
