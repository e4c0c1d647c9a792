//! Commit subjects and bodies in the kernel's style, and dates for
//! `Link:` message ids. Text is a pure function of the commit's facts and
//! its own random stream, so a backport can restate its upstream body.

use super::layout::{FIELDS, Layout, VERBS};
use super::rng::Rng;

pub const BUGS: &[&str] = &[
    "fix NULL pointer dereference in {f}()",
    "fix use-after-free in {f}()",
    "fix memory leak in {f}()",
    "fix race between {f}() and {g}()",
    "fix error handling in {f}()",
    "fix off-by-one in {f}()",
    "fix refcount leak in {f}()",
    "fix deadlock in {f}()",
    "fix integer overflow in {f}()",
    "avoid out-of-bounds read in {f}()",
    "don't leak {x} on the error path of {f}()",
    "check the return value of {g}() in {f}()",
    "handle {g}() failure in {f}()",
    "fix uninitialized {x} in {f}()",
    "fix potential double free in {f}()",
    "fix wrong {x} mask in {f}()",
    "prevent division by zero in {f}()",
    "fix locking imbalance in {f}()",
];

pub const CHANGES: &[&str] = &[
    "add support for {w} {x}",
    "add {f}() helper",
    "refactor {f}()",
    "use devm_kzalloc() in {f}()",
    "convert {f}() to guard(mutex)",
    "remove unused {x} field",
    "clean up {f}()",
    "simplify {f}()",
    "introduce {f}()",
    "make {f}() static",
    "drop redundant check in {f}()",
    "rename {x} to {y}",
    "switch to dev_err_probe() in {f}()",
    "add device ID for {w} rev {n}",
    "document {f}()",
    "reduce stack usage of {f}()",
];

const WHY: &[&str] = &[
    "{f}() reads dev->{x} before checking that {g}() succeeded, so a failed {g}() leaves a stale pointer behind.",
    "When {g}() fails, {f}() returns without dropping the reference it took earlier.",
    "A concurrent {g}() can free the object while {f}() still uses it; syzbot reported a splat in {f}().",
    "The {x} value can exceed the size of the table, which makes {f}() read past its end.",
    "The error path of {f}() forgets to release {x}, which kmemleak reports after unbinding the device.",
    "{f}() takes the lock twice when {g}() returns -EAGAIN, and lockdep complains.",
];

const WHAT: &[&str] = &[
    "Check the result first and bail out with -ENODEV.",
    "Move the check before the first use and drop the reference on the error path.",
    "Take the lock around the update and re-check {x} under it.",
    "Clamp {x} to the number of entries before using it.",
    "Release {x} in the common exit path.",
];

const FEATURE: &[&str] = &[
    "This prepares for the {w} rework by moving the shared logic into {f}().",
    "No functional change intended.",
    "The open-coded sequence in {f}() duplicates {g}(); use the helper instead.",
    "Newer {w} revisions need {x} programmed before {f}() runs.",
    "This makes {f}() easier to follow and removes a goto.",
];

pub fn fill(t: &str, f: &str, g: &str, x: &str, y: &str, w: &str, n: u64) -> String {
    t.replace("{f}", f)
        .replace("{g}", g)
        .replace("{x}", x)
        .replace("{y}", y)
        .replace("{w}", w)
        .replace("{n}", &n.to_string())
}

/// The subsystem prefix of a subject: `ext4: ` or `net/ipv4: `.
pub fn prefix(layout: &Layout, file: u32, rng: &mut Rng) -> String {
    let d = &layout.files[file as usize];
    let sub = &layout.subs[d.sub];
    let top = &layout.tops[sub.top].name;
    match rng.below(10) {
        0..=4 => format!("{}: ", sub.name),
        5..=7 => format!("{}: {}: ", sub.name, d.stem),
        _ => format!("{top}/{}: ", sub.name),
    }
}

/// Names used in a commit's text: the function it touches, another one, a field.
pub fn names(
    layout: &Layout,
    file: u32,
    func: u8,
    rng: &mut Rng,
) -> (String, String, &'static str, &'static str) {
    let d = &layout.files[file as usize];
    let f = d.funcs[func as usize].clone();
    let g = format!("{}_{}", layout.subs[d.sub].ident, rng.pick(VERBS));
    (f, g, d.fields[func as usize], rng.word(FIELDS))
}

/// Civil date (UTC) of a Unix time: `YYYYMMDDhhmmss`.
pub fn stamp(t: i64) -> String {
    let ((y, m, d), (hh, mm, ss)) = stablepick_civil::civil_from_unix(t);
    format!("{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}")
}

pub fn why(rng: &mut Rng) -> &'static str {
    rng.word(WHY)
}
pub fn what(rng: &mut Rng) -> &'static str {
    rng.word(WHAT)
}
pub fn feature(rng: &mut Rng) -> &'static str {
    rng.word(FEATURE)
}
