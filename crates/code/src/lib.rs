//! stablepick-code: the code index of one source tree, for Phase 5.
//!
//! The principal type is [`CodeIndex`]. It consumes the C and assembly
//! sources of a tree (`*.c`, `*.h`, `*.S`, `*.s`), either from a git tree
//! ([`CodeIndex::open`] builds in parallel and caches under
//! `<gitdir>/stablepick/code-<tree id>.bin`, so commits sharing a tree share
//! the index) or from in-memory `(path, bytes)` pairs
//! ([`CodeIndex::from_sources`]). It produces function definitions, call
//! sites, function-pointer wiring and local-practice counts, and answers
//! [`callers`](CodeIndex::callers), [`callees`](CodeIndex::callees),
//! [`definitions`](CodeIndex::definitions), [`reach`](CodeIndex::reach)
//! (shortest chains to entry points and the [`EntryKind`]s reached) and
//! [`practice_count`](CodeIndex::practice_count). [`phase5()`] turns these
//! into [`Finding`]s, each with the `git` command that reproduces it.
//!
//! The parser is a hand-written lexer ([`lexer`]) plus a brace-tracking
//! declaration scanner rather than tree-sitter's C grammar: kernel and DPDK
//! sources are full of macros (`SYSCALL_DEFINE3(...) {`, `__acquires(x)`,
//! `#ifdef`-split openings) that a grammar parses as errors, the lexer is
//! an order of magnitude faster, has no C dependency, and never panics on
//! any bytes (property-tested and fuzzed).
//!
//! ```
//! use stablepick_code::{CodeIndex, EntryKind};
//!
//! let ix = CodeIndex::from_sources([
//!     ("kernel/reboot.c", "SYSCALL_DEFINE1(reboot, int, cmd)\n{\n\tkernel_kexec(); /* not_a_call() */\n}\n"),
//!     ("kernel/kexec.c", "void kernel_kexec(void)\n{\n\tcopy_page();\n}\n"),
//!     ("arch/powerpc/lib/copypage_power7.S", "_GLOBAL(copy_page)\n\tbl enter_vmx_ops\n"),
//! ]);
//! let callers = ix.callers("enter_vmx_ops");
//! assert_eq!((callers[0].function.as_str(), callers[0].line), ("copy_page", 2));
//! let reach = ix.reach("enter_vmx_ops", Default::default());
//! assert_eq!(reach.kinds, [EntryKind::Privileged]);
//! assert_eq!(reach.chains[0].render(), "sys_reboot → kernel_kexec → copy_page → enter_vmx_ops");
//! assert!(!reach.user_reachable());
//! assert!(ix.callers("not_a_call").is_empty());
//! ```

pub mod asm;
pub mod cache;
pub mod cparse;
mod error;
pub mod facts;
mod graph;
mod index;
pub mod lexer;
mod phase5;
pub mod practice;
pub mod symbols;
mod tree;
pub mod wiring;

pub use error::CodeError;
pub use graph::{Chain, Limits, Reach};
pub use index::{CallSite, CodeIndex, Definition, Wiring, parse_file};
pub use phase5::{
    Finding, FunctionFacts, MAX_CALLERS, TouchedFunction, findings, function_facts,
    function_facts_in, only_other_files_statics, phase5, practice_findings,
};
pub use practice::extract_constructs;
pub use tree::{IndexCache, tree_id};
pub use wiring::EntryKind;
