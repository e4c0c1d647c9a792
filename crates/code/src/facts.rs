//! What one source file contributes to the index, before names are interned.

use std::collections::HashMap;

/// Flag: the definition is `static`.
pub const STATIC: u8 = 1;
/// Flag: annotated `__init` (boot-only).
pub const INIT: u8 = 2;
/// Flag: annotated `__exit`.
pub const EXIT: u8 = 4;
/// Flag: a preprocessor macro (`#define`), not a function.
pub const MACRO: u8 = 8;
/// Flag: an assembly symbol.
pub const ASM: u8 = 16;
/// Flag: defined inside a test-program conditional (`#ifdef TEST_PROGRAM`
/// and the like, see [`crate::cparse::is_test_macro`]).
pub const TEST: u8 = 32;
/// Flag: run before `main()` or at exit by the loader, as
/// `__attribute__((constructor))` / `((destructor))` declares.
pub const CONSTRUCTOR: u8 = 64;

/// A definition found in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawDef {
    pub name: String,
    pub line: u32,
    pub flags: u8,
    /// The system call name for `SYSCALL_DEFINEn(name, ...)`.
    pub syscall: Option<String>,
    /// The macro that generated the function (`SYSCALL_DEFINE3`, `RTE_INIT`).
    pub definer: Option<String>,
}

/// A call site found in one file. An empty caller means file scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawCall {
    pub caller: String,
    pub callee: String,
    pub line: u32,
}

/// A function wired to something: `.member = target` (how = member, context
/// = struct type) or `registrar(..., target, ...)` (how = registrar).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawWire {
    pub target: String,
    pub how: String,
    pub context: String,
    pub member: bool,
    pub line: u32,
}

/// Everything one file contributes.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    pub defs: Vec<RawDef>,
    pub calls: Vec<RawCall>,
    pub wires: Vec<RawWire>,
    /// Local-practice constructs and the number of lines they appear on.
    pub practice: HashMap<String, u32>,
}
