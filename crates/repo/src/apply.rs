//! Will it apply? In-process application of a commit's diff onto another
//! tree (a stable branch tip), per file and per hunk, without a work tree.
//!
//! The principal type is [`CommitPatch`]: the diff of a commit against its
//! first parent, read once through libgit2 (three lines of context, rename
//! detection and the indent heuristic, as `git show` produces it). Its
//! [`CommitPatch::check`] applies it to the tree of any commit and returns an
//! [`ApplyReport`]; [`check_commit`] does both in one call.
//!
//! Each hunk goes through these passes, first match wins:
//!
//! 1. **exact** — the preimage (context and removed lines) is searched
//!    byte for byte, starting at the line the hunk expects in the file as
//!    changed by the hunks before it, then one line after, one before, two
//!    after, … (`git apply`'s search order). A hunk whose old side starts
//!    at line 1 must match at the top of the file and a hunk without
//!    trailing context at its end, as `git apply` requires. Nor may it
//!    match on lines an earlier hunk of the file wrote (`git apply` marks
//!    them). Found at the expected line: [`Applies::Clean`]; elsewhere:
//!    [`Applies::Offset`].
//! 2. **fuzz** — like `patch -F2`: up to one and then two leading and
//!    trailing context lines are ignored; the anchoring to the top or end
//!    is dropped only once the fuzz reaches the hunk's context, as GNU
//!    patch does. A match here is [`Applies::Fuzz`]. `git apply`
//!    never fuzzes (without `-C`), so a fuzzy hunk means `git apply --check`
//!    and `git am` refuse the patch while `patch -p1` takes it.
//! 3. otherwise the hunk is a [`Applies::Conflict`]. Later hunks are still
//!    tried (against the file without the failed hunk), so the report names
//!    every hunk that fails, as `patch` does with its rejects.
//!
//! Files: a file the patch modifies, deletes or renames must exist at the
//! target (else a conflict with `missing` set); a file it adds, or a rename
//! destination, must not. A binary file applies only when the target has
//! exactly the preimage blob (`git apply` checks the full blob id too), and
//! a change of file type (regular file / symlink) must find the old type.
//! Mode-only changes apply whenever the file exists (a permission mismatch is
//! only a warning to `git apply`). Lines are compared as bytes including their
//! newline, so "\ No newline at end of file" needs no special case.
//!
//! Speed: a target file is split into lines and each line hashed once (8
//! bytes at a time); the result is kept in a process-wide cache by blob id
//! (see [`set_cache_bytes`]), since many commits meet the same few branch
//! tips. Lines are compared by hash first, then byte for byte. A hunk is
//! first tried where it expects to land; only when it is not there does a
//! Bloom filter of the target's lines rule out hunks needing a line the
//! file never held, before any scan. The target is copied only once a hunk
//! changes it and a later hunk needs the change.
//!
//! Nothing here panics on outside data: offsets are clamped and every
//! slice bound is checked.

use crate::error::Result;
use crate::git::Git;
use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, ObjectType, Oid, Patch, Tree};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

pub mod overlay;
mod target;

pub use target::{DEFAULT_CACHE_BYTES, set_cache_bytes};
use target::{HashSet64, Target};

/// Context lines the fuzz pass may ignore at each end of a hunk (`patch -F2`).
pub const MAX_FUZZ: usize = 2;

/// How a patch, a file or a hunk applies, from best to worst: the derived
/// order lets a file take its worst hunk and a patch its worst file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Applies {
    /// Every hunk matched exactly where it expected to.
    Clean,
    /// Every hunk matched exactly, some at other lines.
    Offset,
    /// Some hunk matched only with its ends relaxed (`patch -F2` takes it,
    /// `git apply` does not).
    Fuzz,
    /// Some hunk or file did not apply at all.
    Conflict,
}

impl Applies {
    /// `clean`, `offset`, `fuzz` or `conflict` (the JSON names).
    pub fn as_str(self) -> &'static str {
        match self {
            Applies::Clean => "clean",
            Applies::Offset => "offset",
            Applies::Fuzz => "fuzz",
            Applies::Conflict => "conflict",
        }
    }

    /// Would `git apply --check` (and `git am`) accept it?
    pub fn git_applies(self) -> bool {
        matches!(self, Applies::Clean | Applies::Offset)
    }
}

impl std::fmt::Display for Applies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One hunk's outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HunkApply {
    /// 0-based position of the hunk in its file's diff.
    pub index: usize,
    pub outcome: Applies,
    /// Lines between where the hunk expected to land and where it did.
    pub offset: i64,
    /// Context lines ignored at the worse end (0 for an exact match).
    pub fuzz: u8,
    /// The hunk's old side in the commit's parent: first line (1-based) and
    /// line count, as in its `@@ -start,count` header.
    pub old_start: u32,
    pub old_lines: u32,
}

/// One file's outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileApply {
    /// The path the file has after the commit (the old one for a deletion).
    pub path: String,
    /// The path before the commit, when it differs (a rename) or the file
    /// is deleted.
    pub old_path: Option<String>,
    /// `A`dded, `D`eleted, `M`odified, `R`enamed.
    pub status: char,
    pub binary: bool,
    pub outcome: Applies,
    pub hunks: Vec<HunkApply>,
    /// The file the patch changes does not exist at the target.
    pub missing: bool,
    /// Why the file conflicts when it is not a hunk that failed.
    pub reason: Option<String>,
}

/// The outcome of applying a commit's diff to a target tree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApplyReport {
    pub applies: Applies,
    pub files: Vec<FileApply>,
}

impl ApplyReport {
    /// Files that do not apply.
    pub fn conflicts(&self) -> impl Iterator<Item = &FileApply> {
        self.files.iter().filter(|f| f.outcome == Applies::Conflict)
    }

    /// The share of the patch that fails: failing hunks over all hunks, a
    /// conflicting file without hunks (missing, binary) counting as one of
    /// each. 0 for a patch that applies.
    pub fn conflict_share(&self) -> f32 {
        let (mut bad, mut all) = (0usize, 0usize);
        for f in &self.files {
            if f.hunks.is_empty() {
                all += 1;
                bad += usize::from(f.outcome == Applies::Conflict);
            } else {
                all += f.hunks.len();
                bad += f
                    .hunks
                    .iter()
                    .filter(|h| h.outcome == Applies::Conflict)
                    .count();
            }
        }
        if all == 0 {
            0.0
        } else {
            bad as f32 / all as f32
        }
    }

    /// One line for a report, a part per kind of outcome, each naming only
    /// what had that outcome: `conflict: `x.c`: hunk #2 of 5 fails; `y.h`
    /// does not exist at the target; fuzz: `z.c`: hunk #1 of 1 only with
    /// fuzz 1; offsets: `x.c`: hunk #1 of 5 at offset 12 lines`. A hunk that
    /// applies at an offset is never listed as failing: `git apply -v`
    /// shows it succeed.
    pub fn summary(&self) -> String {
        let (mut conflict, mut fuzz, mut offsets) = (Vec::new(), Vec::new(), Vec::new());
        for f in &self.files {
            if f.missing {
                conflict.push(format!(
                    "`{}` does not exist at the target",
                    f.missing_path()
                ));
                continue;
            }
            if let Some(r) = &f.reason {
                conflict.push(format!("`{}`: {r}", f.path));
                continue;
            }
            let of = |kind| -> Vec<&HunkApply> {
                f.hunks.iter().filter(|h| h.outcome == kind).collect()
            };
            let failed = of(Applies::Conflict);
            if !failed.is_empty() {
                let verb = if failed.len() == 1 { "fails" } else { "fail" };
                conflict.push(hunk_list(f, &failed, verb));
            }
            let fuzzy = of(Applies::Fuzz);
            if !fuzzy.is_empty() {
                let max = fuzzy.iter().map(|h| h.fuzz).max().unwrap_or(0);
                fuzz.push(hunk_list(f, &fuzzy, &format!("only with fuzz {max}")));
            }
            let moved = of(Applies::Offset);
            let how_far = match moved[..] {
                [] => None,
                // Signed, as `git apply -v` and `patch` print it.
                [h] => Some(format!("at offset {} lines", h.offset)),
                _ => {
                    let max = moved.iter().map(|h| h.offset.abs()).max().unwrap_or(0);
                    Some(format!("at offsets up to {max} lines"))
                }
            };
            if let Some(how_far) = how_far {
                offsets.push(hunk_list(f, &moved, &how_far));
            }
        }
        let parts: Vec<String> = [("conflict", conflict), ("fuzz", fuzz), ("offsets", offsets)]
            .into_iter()
            .filter(|(_, p)| !p.is_empty())
            .map(|(kind, p)| format!("{kind}: {}", p.join("; ")))
            .collect();
        if parts.is_empty() {
            self.applies.as_str().to_string()
        } else {
            parts.join("; ")
        }
    }
}

/// `` `x.c`: hunks #1, #3 of 5 {what} ``.
fn hunk_list(f: &FileApply, hunks: &[&HunkApply], what: &str) -> String {
    let numbers: Vec<String> = hunks.iter().map(|h| format!("#{}", h.index + 1)).collect();
    format!(
        "`{}`: hunk{} {} of {} {what}",
        f.path,
        if hunks.len() == 1 { "" } else { "s" },
        numbers.join(", "),
        f.hunks.len()
    )
}

impl FileApply {
    /// The path that was looked for at the target.
    pub fn missing_path(&self) -> &str {
        self.old_path.as_deref().unwrap_or(&self.path)
    }
}

/// What a diff line does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Context,
    Add,
    Del,
}

/// One hunk of a text diff: its header numbers and its lines, each with its
/// newline when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextHunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    pub lines: Vec<(LineKind, Vec<u8>)>,
}

impl TextHunk {
    /// The hunk that undoes this one: added lines removed, removed ones
    /// added, the two sides' numbers swapped.
    pub fn reversed(&self) -> TextHunk {
        TextHunk {
            old_start: self.new_start,
            old_lines: self.new_lines,
            new_start: self.old_start,
            new_lines: self.old_lines,
            lines: self
                .lines
                .iter()
                .map(|(k, l)| {
                    let k = match k {
                        LineKind::Add => LineKind::Del,
                        LineKind::Del => LineKind::Add,
                        LineKind::Context => LineKind::Context,
                    };
                    (k, l.clone())
                })
                .collect(),
        }
    }

    fn leading(&self) -> usize {
        self.lines
            .iter()
            .take_while(|l| l.0 == LineKind::Context)
            .count()
    }

    fn trailing(&self) -> usize {
        let t = self
            .lines
            .iter()
            .rev()
            .take_while(|l| l.0 == LineKind::Context)
            .count();
        // A hunk of nothing but context has no "end" apart from its start.
        if t == self.lines.len() { 0 } else { t }
    }
}

/// The result of [`apply_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextApply {
    pub applies: Applies,
    pub hunks: Vec<HunkApply>,
    /// The patched text, when no hunk conflicts.
    pub result: Option<Vec<u8>>,
}

/// Splits text into lines, each keeping its `\n`; a last line without one
/// stays as it is.
pub fn split_lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

/// Applies `hunks`, in order, to `target` (see the module doc for the
/// passes). Never panics, whatever the hunks claim.
pub fn apply_text(target: &[u8], hunks: &[TextHunk]) -> TextApply {
    let t = Target::new(target.to_vec());
    let (applies, hunks, img) = apply_target(&t, hunks, true);
    TextApply {
        applies,
        hunks,
        result: (applies != Applies::Conflict).then(|| img.lines().concat()),
    }
}

/// The file as the hunks so far have left it: each line and its hash.
///
/// Until a hunk changes it, it is the target itself, not a copy: a file
/// with one hunk (most of them) is never copied.
struct Image<'a> {
    target: &'a Target,
    /// The lines and hashes once some hunk has changed them.
    owned: Option<Owned<'a>>,
}

/// An [`Image`]'s lines once a hunk has been applied.
struct Owned<'a> {
    hashes: Vec<u64>,
    lines: Vec<&'a [u8]>,
    /// Lines written by a hunk (its whole postimage, context included):
    /// `git apply` never matches a later hunk of the file on them
    /// (`LINE_PATCHED`), so a hunk whose preimage is only in what an
    /// earlier hunk wrote fails.
    patched: Vec<bool>,
}

impl<'a> Image<'a> {
    fn len(&self) -> usize {
        match &self.owned {
            Some(o) => o.hashes.len(),
            None => self.target.hashes.len(),
        }
    }

    fn hashes(&self) -> &[u64] {
        match &self.owned {
            Some(o) => &o.hashes,
            None => &self.target.hashes,
        }
    }

    /// Whether an earlier hunk wrote any of lines `p..end`.
    fn any_patched(&self, p: usize, end: usize) -> bool {
        self.owned
            .as_ref()
            .is_some_and(|o| o.patched.get(p..end).is_none_or(|m| m.contains(&true)))
    }

    /// Whether lines `p..p + pre.len()` are `pre` (hashes already equal).
    fn lines_eq(&self, p: usize, pre: &[&[u8]]) -> bool {
        match &self.owned {
            Some(o) => o.lines.get(p..p + pre.len()).is_some_and(|l| l == pre),
            None => pre
                .iter()
                .enumerate()
                .all(|(i, x)| self.target.line(p + i) == Some(*x)),
        }
    }

    /// The lines, each with its newline when it has one.
    fn lines(&self) -> Vec<&'a [u8]> {
        match &self.owned {
            Some(o) => o.lines.clone(),
            None => self.target.lines().collect(),
        }
    }

    fn make_owned(&mut self) -> &mut Owned<'a> {
        let t = self.target;
        self.owned.get_or_insert_with(|| Owned {
            hashes: t.hashes.clone(),
            lines: t.lines().collect(),
            patched: vec![false; t.hashes.len()],
        })
    }
}

/// Some lines of a hunk and their hashes.
#[derive(Default)]
struct HunkLines<'a> {
    hashes: Vec<u64>,
    lines: Vec<&'a [u8]>,
}

impl<'a> HunkLines<'a> {
    fn fill(&mut self, h: &'a TextHunk, skip: LineKind) {
        self.hashes.clear();
        self.lines.clear();
        for (kind, l) in &h.lines {
            if *kind != skip {
                self.hashes.push(target::hash_line(l));
                self.lines.push(l.as_slice());
            }
        }
    }

    fn len(&self) -> usize {
        self.lines.len()
    }
}

/// Applies `hunks` to a prepared target: the worst outcome, each hunk's
/// outcome, and the resulting image (without the last hunk's change unless
/// `want_image`).
fn apply_target<'a>(
    t: &'a Target,
    hunks: &'a [TextHunk],
    want_image: bool,
) -> (Applies, Vec<HunkApply>, Image<'a>) {
    let mut img = Image {
        target: t,
        owned: None,
    };
    // The lines added by hunks so far: with the target's own lines, every
    // line the image has ever held, so a hunk needing a line not in it fails
    // without a scan (big conflicting diffs would be quadratic).
    let mut added = HashSet64::default();
    let (mut pre, mut post) = (HunkLines::default(), HunkLines::default());
    let mut out = Vec::with_capacity(hunks.len());
    let mut worst = Applies::Clean;
    // Where the last hunk placed ends: `patch` places no later hunk before
    // it (its "frozen" lines).
    let mut floor = 0usize;
    for (index, h) in hunks.iter().enumerate() {
        pre.fill(h, LineKind::Add);
        post.fill(h, LineKind::Del);
        let change = want_image || index + 1 < hunks.len();
        let r = apply_hunk(
            &mut img, &mut added, h, index, &pre, &post, change, &mut floor,
        );
        worst = worst.max(r.outcome);
        out.push(r);
    }
    (worst, out, img)
}

/// Replaces `len` lines of the image at `pos` with `post[from..to]`, and
/// marks them as written by a hunk.
fn splice<'a>(
    img: &mut Image<'a>,
    pos: usize,
    len: usize,
    post: &HunkLines<'a>,
    from: usize,
    to: usize,
) {
    let (Some(h), Some(l)) = (post.hashes.get(from..to), post.lines.get(from..to)) else {
        return;
    };
    // Even lines the hunk leaves as they were are marked, as git does: the
    // image is copied for them too.
    let o = img.make_owned();
    let end = pos.saturating_add(len).min(o.lines.len());
    let pos = pos.min(end);
    o.hashes.splice(pos..end, h.iter().copied());
    o.lines.splice(pos..end, l.iter().copied());
    o.patched
        .splice(pos..end, std::iter::repeat_n(true, l.len()));
}

#[allow(clippy::too_many_arguments)]
fn apply_hunk<'a>(
    img: &mut Image<'a>,
    added: &mut HashSet64,
    h: &TextHunk,
    index: usize,
    pre: &HunkLines<'a>,
    post: &HunkLines<'a>,
    change: bool,
    floor: &mut usize,
) -> HunkApply {
    let (leading, trailing) = (h.leading(), h.trailing());
    // Where the hunk lands in the file as changed by the hunks before it.
    let expected = (h.new_start as usize).saturating_sub(1);
    let mut r = HunkApply {
        index,
        outcome: Applies::Conflict,
        offset: 0,
        fuzz: 0,
        old_start: h.old_start,
        old_lines: h.old_lines,
    };

    let anchor_begin = h.old_start <= 1;
    let anchor_end = trailing == 0;
    // Most hunks land where they expect: try that first (the same first
    // try as `find`'s, so the outcome is the same).
    let mut found = None;
    if !anchor_begin && !anchor_end {
        let p = expected.min(img.len());
        if matches_at(img, &pre.hashes, &pre.lines, p) {
            found = Some(p);
        }
    }
    if found.is_none() {
        // Lines every pass needs: all but the context fuzz may drop. A
        // line the image never held fails the hunk without a scan.
        if let Some(core) = pre
            .hashes
            .get(leading.min(MAX_FUZZ)..pre.len().saturating_sub(trailing.min(MAX_FUZZ)))
            && !core.is_empty()
        {
            let set = img.target.set();
            if core
                .iter()
                .any(|x| !set.may_contain(*x) && !added.contains(x))
            {
                return r;
            }
        }
        found = find(
            img,
            &pre.hashes,
            &pre.lines,
            expected,
            anchor_begin,
            anchor_end,
            0,
        );
    }
    added.extend(post.hashes.iter().copied());
    if let Some(pos) = found {
        if change {
            splice(img, pos, pre.len(), post, 0, post.len());
        }
        *floor = pos + if change { post.len() } else { pre.len() };
        r.offset = pos as i64 - expected as i64;
        r.outcome = if r.offset == 0 {
            Applies::Clean
        } else {
            Applies::Offset
        };
        return r;
    }

    // `patch` keeps a hunk's anchoring to the top or the end of the file
    // until the fuzz reaches the hunk's context (GNU patch's prefix and
    // suffix fuzz): with `-F2` and three lines of context, a hunk with no
    // trailing context still has to match at the end.
    let context = leading.max(trailing);
    // (leading dropped, trailing dropped, anchored): the exact pass tried
    // the first.
    let mut tried: Vec<(usize, usize, bool)> = Vec::with_capacity(MAX_FUZZ + 2);
    tried.push((0, 0, anchor_begin || anchor_end));
    for fuzz in 0..=MAX_FUZZ {
        let keep = fuzz < context;
        let (begin, end) = (anchor_begin && keep, anchor_end && keep);
        let (dl, dt) = (fuzz.min(leading), fuzz.min(trailing));
        if tried.contains(&(dl, dt, begin || end)) {
            continue;
        }
        tried.push((dl, dt, begin || end));
        let (pe, qe) = (pre.len().saturating_sub(dt), post.len().saturating_sub(dt));
        let (Some(ph), Some(pl), Some(_)) = (
            pre.hashes.get(dl..pe),
            pre.lines.get(dl..pe),
            post.lines.get(dl..qe),
        ) else {
            continue;
        };
        // A hunk stripped of all its preimage would match anywhere.
        if pl.is_empty() && pre.len() != 0 {
            continue;
        }
        let want = expected + dl;
        if let Some(pos) = find(img, ph, pl, want, begin, end, *floor) {
            if change {
                splice(img, pos, pl.len(), post, dl, qe);
            }
            *floor = pos + if change { qe - dl } else { pl.len() };
            r.offset = pos as i64 - want as i64;
            r.fuzz = dl.max(dt) as u8;
            r.outcome = Applies::Fuzz;
            return r;
        }
    }
    r
}

/// Whether `img` holds the lines `pre` (with their hashes `pre_h`) at `p`.
fn matches_at(img: &Image<'_>, pre_h: &[u64], pre: &[&[u8]], p: usize) -> bool {
    let m = pre.len();
    let Some(end) = p.checked_add(m) else {
        return false;
    };
    let hs = img.hashes();
    end <= hs.len()
        && pre_h.len() == m
        && pre_h.first().is_none_or(|f| hs[p] == *f)
        && hs[p..end] == *pre_h
        && !img.any_patched(p, end)
        && img.lines_eq(p, pre)
}

/// Finds the lines `pre` (with their hashes `pre_h`) in `img`, nearest to
/// `start` first (after, then before), at `floor` or later.
#[allow(clippy::too_many_arguments)]
fn find(
    img: &Image<'_>,
    pre_h: &[u64],
    pre: &[&[u8]],
    start: usize,
    anchor_begin: bool,
    anchor_end: bool,
    floor: usize,
) -> Option<usize> {
    let n = img.len();
    let m = pre.len();
    if m > n || pre_h.len() != m {
        return None;
    }
    let last = n - m;
    let at = |p: usize| p >= floor && matches_at(img, pre_h, pre, p);
    if anchor_begin || anchor_end {
        let p = if anchor_begin { 0 } else { last };
        if anchor_begin && anchor_end && m != n {
            return None;
        }
        return at(p).then_some(p);
    }
    let start = start.min(n);
    if at(start) {
        return Some(start);
    }
    let mut d = 1;
    loop {
        let fwd = start.checked_add(d).filter(|&p| p <= last);
        let back = start.checked_sub(d);
        if fwd.is_none() && back.is_none() {
            return None;
        }
        if let Some(p) = fwd
            && at(p)
        {
            return Some(p);
        }
        if let Some(p) = back
            && at(p)
        {
            return Some(p);
        }
        d += 1;
    }
}

/// Reads the hunks of a libgit2 patch (one file's diff).
pub fn hunks_of(patch: &Patch) -> Result<Vec<TextHunk>> {
    let mut hunks = Vec::with_capacity(patch.num_hunks());
    for hi in 0..patch.num_hunks() {
        let (hunk, n) = patch.hunk(hi)?;
        let mut th = TextHunk {
            old_start: hunk.old_start(),
            old_lines: hunk.old_lines(),
            new_start: hunk.new_start(),
            new_lines: hunk.new_lines(),
            lines: Vec::with_capacity(n),
        };
        for li in 0..n {
            let line = patch.line_in_hunk(hi, li)?;
            let kind = match line.origin() {
                ' ' => LineKind::Context,
                '+' => LineKind::Add,
                '-' => LineKind::Del,
                // The "\ No newline at end of file" markers: the line before
                // already lacks its newline in `content()`.
                _ => continue,
            };
            th.lines.push((kind, line.content().to_vec()));
        }
        hunks.push(th);
    }
    Ok(hunks)
}

/// One file of a [`CommitPatch`].
#[derive(Debug, Clone)]
pub struct FilePatch {
    pub old_path: Option<String>,
    pub new_path: Option<String>,
    pub status: char,
    pub binary: bool,
    pub old_id: Oid,
    pub new_id: Oid,
    pub old_mode: FileMode,
    pub new_mode: FileMode,
    pub hunks: Vec<TextHunk>,
    /// The blobs were not read (see [`CommitPatch::for_targets`]): `hunks`
    /// and `binary` are not known yet, and [`CommitPatch::check`] reads them
    /// when a target's blob differs from the preimage.
    pub unread: bool,
}

impl FilePatch {
    /// The path to show: the new path, or the old one for a deletion.
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or("")
    }
}

/// A commit's diff against its first parent, ready to be applied to other
/// trees. Merge commits are taken against their first parent.
#[derive(Debug, Clone)]
pub struct CommitPatch {
    pub commit: Oid,
    pub files: Vec<FilePatch>,
}

fn status_char(d: Delta) -> Option<char> {
    Some(match d {
        Delta::Added => 'A',
        Delta::Deleted => 'D',
        Delta::Modified => 'M',
        Delta::Renamed => 'R',
        Delta::Copied => 'C',
        Delta::Typechange => 'T',
        _ => return None,
    })
}

impl CommitPatch {
    /// Reads the diff of `commit` against its first parent.
    ///
    /// Commits that add and delete files go through libgit2's diff with
    /// rename detection. The rest (most commits) take a faster road with the
    /// same result: the two trees are compared entry by entry, skipping
    /// subtrees with equal ids, and each changed file is diffed only between
    /// its first and last differing lines (plus a margin, so xdiff's sliding
    /// of changes and the indent heuristic see what they would see in the
    /// whole file).
    pub fn new(git: &Git, commit: Oid) -> Result<CommitPatch> {
        CommitPatch::for_targets(git, commit, &[])
    }

    /// As [`CommitPatch::new`], for checking against the commits or trees
    /// `targets`: a modified file that every target either has as its
    /// preimage blob (it applies there with no look at its text) or lacks
    /// (it is missing there) is not read nor diffed. The patch still checks
    /// correctly against any other target, reading such a file then; until
    /// then its `hunks` are empty and `binary` is false.
    pub fn for_targets(git: &Git, commit: Oid, targets: &[Oid]) -> Result<CommitPatch> {
        let repo = git.repo();
        let mut target_trees = Vec::with_capacity(targets.len());
        for &t in targets {
            target_trees.push(match repo.find_commit(t) {
                Ok(c) => c.tree()?,
                Err(_) => repo.find_tree(t)?,
            });
        }
        let c = repo.find_commit(commit)?;
        let tree = c.tree()?;
        let parent_tree = match c.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let mut changes = Vec::new();
        tree_changes(repo, parent_tree.as_ref(), Some(&tree), &mut changes)?;
        let adds = changes.iter().any(|c| c.old.is_none());
        let dels = changes.iter().any(|c| c.new.is_none());
        if adds && dels {
            return CommitPatch::with_renames(
                git,
                commit,
                parent_tree.as_ref(),
                &tree,
                &target_trees,
            );
        }
        changes.sort_by(|a, b| a.path().cmp(b.path()));
        let mut files = Vec::with_capacity(changes.len());
        for ch in changes {
            files.push(patch_for_targets(repo, ch, &target_trees)?);
        }
        Ok(CommitPatch { commit, files })
    }

    fn with_renames(
        git: &Git,
        commit: Oid,
        parent_tree: Option<&Tree>,
        tree: &Tree,
        target_trees: &[Tree],
    ) -> Result<CommitPatch> {
        let repo = git.repo();
        let mut opts = DiffOptions::new();
        opts.context_lines(3).indent_heuristic(true);
        let mut diff = crate::treediff::diff_trees(repo, parent_tree, Some(tree), &mut opts)?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
        let mut files = Vec::with_capacity(diff.deltas().len());
        for i in 0..diff.deltas().len() {
            if let Some(delta) = diff.get_delta(i)
                && delta.status() == Delta::Modified
            {
                // A plain modification: as for commits without renames.
                let side = |f: git2::DiffFile| {
                    f.path()
                        .map(|p| (p.to_string_lossy().into_owned(), f.id(), f.mode()))
                };
                let ch = Change {
                    old: side(delta.old_file()),
                    new: side(delta.new_file()),
                };
                if ch.old.is_some() && ch.new.is_some() {
                    files.push(patch_for_targets(repo, ch, target_trees)?);
                    continue;
                }
            }
            let Some(patch) = Patch::from_diff(&diff, i)? else {
                continue;
            };
            let delta = patch.delta();
            let Some(status) = status_char(delta.status()) else {
                continue;
            };
            let path_of = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().into_owned());
            let binary = delta.flags().is_binary()
                || delta.old_file().mode() == FileMode::Commit
                || delta.new_file().mode() == FileMode::Commit;
            files.push(FilePatch {
                old_path: (status != 'A').then(|| path_of(delta.old_file())).flatten(),
                new_path: (status != 'D').then(|| path_of(delta.new_file())).flatten(),
                status,
                binary,
                old_id: delta.old_file().id(),
                new_id: delta.new_file().id(),
                old_mode: delta.old_file().mode(),
                new_mode: delta.new_file().mode(),
                unread: false,
                hunks: if binary {
                    Vec::new()
                } else {
                    hunks_of(&patch)?
                },
            });
        }
        Ok(CommitPatch { commit, files })
    }

    /// Whether `target` (a commit or tree) already holds this change, as
    /// `git apply -R --check` would say: the commit only modifies text
    /// files, and each applies in reverse to `target`'s version without
    /// fuzz (or is already its post-image). A change made twice, or carried
    /// in by another commit (systemd's bulk `hwdb: update to main` commits
    /// on its stable branches), is there although no commit names it.
    pub fn already_in(&self, git: &Git, target: Oid) -> Result<bool> {
        let repo = git.repo();
        let tree = match repo.find_commit(target) {
            Ok(c) => c.tree()?,
            Err(_) => repo.find_tree(target)?,
        };
        if self.files.is_empty() {
            return Ok(false);
        }
        for f in &self.files {
            let Some(path) = f.new_path.as_deref().filter(|_| f.status == 'M') else {
                return Ok(false);
            };
            let Ok(entry) = tree.get_path(Path::new(path)) else {
                return Ok(false);
            };
            if entry.id() == f.new_id {
                continue;
            }
            if entry.id() == f.old_id || f.binary || entry.kind() != Some(ObjectType::Blob) {
                return Ok(false);
            }
            let there = repo.find_blob(entry.id())?;
            let hunks = if f.unread {
                let (old, new) = (repo.find_blob(f.old_id)?, repo.find_blob(f.new_id)?);
                if looks_binary(old.content()) || looks_binary(new.content()) {
                    return Ok(false);
                }
                diff_hunks(old.content(), new.content())?
            } else {
                f.hunks.clone()
            };
            if looks_binary(there.content()) || hunks.is_empty() {
                return Ok(false);
            }
            let reversed: Vec<TextHunk> = hunks.iter().map(TextHunk::reversed).collect();
            if !matches!(
                apply_text(there.content(), &reversed).applies,
                Applies::Clean | Applies::Offset
            ) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Applies the patch to the tree of commit (or tree) `target`.
    pub fn check(&self, git: &Git, target: Oid) -> Result<ApplyReport> {
        let repo = git.repo();
        let tree = match repo.find_commit(target) {
            Ok(c) => c.tree()?,
            Err(_) => repo.find_tree(target)?,
        };
        self.check_tree(git, &tree)
    }

    /// Applies the patch to `tree`.
    pub fn check_tree(&self, git: &Git, tree: &Tree) -> Result<ApplyReport> {
        self.check_view(git, tree)
    }

    /// Applies the patch to a tree, or a tree with changes in memory.
    fn check_view(&self, git: &Git, tree: &dyn TreeView) -> Result<ApplyReport> {
        // Paths this patch frees: a later add or rename may reuse them.
        let freed: HashSet<&str> = self
            .files
            .iter()
            .filter(|f| matches!(f.status, 'D' | 'R'))
            .filter_map(|f| f.old_path.as_deref())
            .collect();
        let mut files = Vec::with_capacity(self.files.len());
        let mut worst = Applies::Clean;
        for f in &self.files {
            let fa = check_file(git, tree, f, &freed)?;
            worst = worst.max(fa.outcome);
            files.push(fa);
        }
        Ok(ApplyReport {
            applies: worst,
            files,
        })
    }
}

/// The patch of one changed file, for checking against `target_trees`
/// (see [`CommitPatch::for_targets`]).
fn patch_for_targets(
    repo: &git2::Repository,
    ch: Change,
    target_trees: &[Tree],
) -> Result<FilePatch> {
    // Every target has the preimage blob (it applies there as it is) or
    // lacks the file (it is missing there): no target needs the file's text.
    let no_text_needed = !target_trees.is_empty()
        && ch.new.is_some()
        && ch.old.as_ref().is_some_and(|(path, id, _)| {
            target_trees
                .iter()
                .all(|t| match t.get_path(Path::new(path)) {
                    Ok(e) => e.id() == *id && e.kind() == Some(ObjectType::Blob),
                    Err(e) => e.code() == git2::ErrorCode::NotFound,
                })
        });
    if no_text_needed {
        return Ok(unread_patch(ch));
    }
    file_patch(repo, ch)
}

/// One side of a changed path: (path, blob or submodule id, mode).
type Side = (String, Oid, FileMode);

/// A path whose entry differs between two trees.
struct Change {
    old: Option<Side>,
    new: Option<Side>,
}

impl Change {
    fn path(&self) -> &str {
        self.new
            .as_ref()
            .or(self.old.as_ref())
            .map(|s| s.0.as_str())
            .unwrap_or("")
    }
}

fn mode_of(raw: i32) -> FileMode {
    match raw {
        0o040000 => FileMode::Tree,
        0o100755 => FileMode::BlobExecutable,
        0o120000 => FileMode::Link,
        0o160000 => FileMode::Commit,
        0o100664 => FileMode::BlobGroupWritable,
        _ => FileMode::Blob,
    }
}

/// Regular files, symlinks and submodules are different kinds: a change
/// from one to another is a deletion plus an addition, as `git diff` shows.
fn kind_class(m: FileMode) -> u8 {
    match m {
        FileMode::Link => 1,
        FileMode::Commit => 2,
        _ => 0,
    }
}

/// The entries that differ between two trees ([`crate::touched::tree_diff`]),
/// a change of kind (file, symlink, submodule) split into a deletion and an
/// addition as `git diff` shows it.
fn tree_changes(
    repo: &git2::Repository,
    a: Option<&Tree>,
    b: Option<&Tree>,
    out: &mut Vec<Change>,
) -> Result<()> {
    let side =
        |path: &str, s: Option<(Oid, i32)>| s.map(|(id, m)| (path.to_string(), id, mode_of(m)));
    for c in crate::touched::tree_diff(repo, a.map(Tree::id), b.map(Tree::id))? {
        let (old, new) = (side(&c.path, c.old), side(&c.path, c.new));
        match (old, new) {
            (Some(o), Some(n)) if kind_class(o.2) != kind_class(n.2) => {
                out.push(Change {
                    old: Some(o),
                    new: None,
                });
                out.push(Change {
                    old: None,
                    new: Some(n),
                });
            }
            (old, new) => out.push(Change { old, new }),
        }
    }
    Ok(())
}

/// The files `commit` deletes against its first parent: (path, blob id).
/// Equal subtrees are skipped, so a commit touching a few files costs a few
/// tree reads.
pub(crate) fn deleted_files(
    repo: &git2::Repository,
    commit: &git2::Commit,
) -> Result<Vec<(String, Oid)>> {
    let tree = commit.tree()?;
    let parent_tree = match commit.parent(0) {
        Ok(p) => Some(p.tree()?),
        Err(_) => return Ok(Vec::new()),
    };
    let mut changes = Vec::new();
    tree_changes(repo, parent_tree.as_ref(), Some(&tree), &mut changes)?;
    Ok(changes
        .into_iter()
        .filter(|c| c.new.is_none())
        .filter_map(|c| c.old.map(|o| (o.0, o.1)))
        .collect())
}

/// git's rule: a NUL byte in the first 8000 bytes makes a file binary.
fn looks_binary(data: &[u8]) -> bool {
    data[..data.len().min(8000)].contains(&0)
}

/// A modified file's patch without its blobs read.
fn unread_patch(ch: Change) -> FilePatch {
    let side = |s: &Option<Side>| s.as_ref().map(|s| (s.0.clone(), s.1, s.2));
    let (old, new) = (side(&ch.old), side(&ch.new));
    let zero = Oid::ZERO_SHA1;
    FilePatch {
        old_path: old.as_ref().map(|s| s.0.clone()),
        new_path: new.as_ref().map(|s| s.0.clone()),
        status: 'M',
        binary: false,
        old_id: old.as_ref().map(|s| s.1).unwrap_or(zero),
        new_id: new.as_ref().map(|s| s.1).unwrap_or(zero),
        old_mode: old.map(|s| s.2).unwrap_or(FileMode::Unreadable),
        new_mode: new.map(|s| s.2).unwrap_or(FileMode::Unreadable),
        hunks: Vec::new(),
        unread: true,
    }
}

fn file_patch(repo: &git2::Repository, ch: Change) -> Result<FilePatch> {
    let status = match (&ch.old, &ch.new) {
        (None, _) => 'A',
        (_, None) => 'D',
        _ => 'M',
    };
    let side_mode = |s: &Option<Side>| s.as_ref().map(|s| s.2).unwrap_or(FileMode::Unreadable);
    let (old_mode, new_mode) = (side_mode(&ch.old), side_mode(&ch.new));
    let zero = Oid::ZERO_SHA1;
    let (old_id, new_id) = (
        ch.old.as_ref().map(|s| s.1).unwrap_or(zero),
        ch.new.as_ref().map(|s| s.1).unwrap_or(zero),
    );
    let mut fp = FilePatch {
        old_path: ch.old.as_ref().map(|s| s.0.clone()),
        new_path: ch.new.as_ref().map(|s| s.0.clone()),
        status,
        binary: old_mode == FileMode::Commit || new_mode == FileMode::Commit,
        old_id,
        new_id,
        old_mode,
        new_mode,
        hunks: Vec::new(),
        unread: false,
    };
    if fp.binary || old_id == new_id {
        return Ok(fp);
    }
    let load = |id: Oid| -> Result<Option<git2::Blob<'_>>> {
        if id.is_zero() {
            Ok(None)
        } else {
            Ok(Some(repo.find_blob(id)?))
        }
    };
    let (ob, nb) = (load(old_id)?, load(new_id)?);
    let old = ob.as_ref().map(|b| b.content()).unwrap_or_default();
    let new = nb.as_ref().map(|b| b.content()).unwrap_or_default();
    if looks_binary(old) || looks_binary(new) {
        fp.binary = true;
        return Ok(fp);
    }
    fp.hunks = match (&ob, &nb) {
        (Some(ob), Some(nb)) => diff_blobs(ob, nb)?,
        (None, _) => whole_file_hunks(new, LineKind::Add),
        (_, None) => whole_file_hunks(old, LineKind::Del),
    };
    Ok(fp)
}

/// The diff of a file added (`kind` [`LineKind::Add`]) or deleted
/// ([`LineKind::Del`]) with content `text`: one hunk of all its lines,
/// `@@ -0,0 +1,n @@` or `@@ -1,n +0,0 @@`, as xdiff gives it.
fn whole_file_hunks(text: &[u8], kind: LineKind) -> Vec<TextHunk> {
    let lines: Vec<(LineKind, Vec<u8>)> = split_lines(text)
        .into_iter()
        .map(|l| (kind, l.to_vec()))
        .collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let n = u32::try_from(lines.len()).unwrap_or(u32::MAX);
    let (old, new) = if kind == LineKind::Add {
        ((0, 0), (1, n))
    } else {
        ((1, n), (0, 0))
    };
    vec![TextHunk {
        old_start: old.0,
        old_lines: old.1,
        new_start: new.0,
        new_lines: new.1,
        lines,
    }]
}

/// [`diff_hunks`] of two blobs. When the region that differs is most of
/// the files, libgit2 diffs the blobs whole: the same hunks, without
/// hashing the region's copies first as it does for plain buffers.
fn diff_blobs(old: &git2::Blob, new: &git2::Blob) -> Result<Vec<TextHunk>> {
    let (o, n) = (old.content(), new.content());
    if o == n {
        return Ok(Vec::new());
    }
    let r = diff_region(o, n);
    let region = (r.old_end - r.start) + (r.new_end - r.start);
    if region.saturating_mul(WHOLE_FILE_RATIO) < o.len() + n.len() {
        return region_hunks(o, n, &r);
    }
    // Empty paths: libgit2 would otherwise look up `.gitattributes` for a
    // made-up name on every call (the region path has no repository and no
    // lookup either).
    let none = Some(Path::new(""));
    let patch = Patch::from_blobs(old, none, new, none, Some(&mut diff_options()))?;
    hunks_of(&patch)
}

/// Diff whole blobs rather than their differing region when the region is
/// at least 1/`WHOLE_FILE_RATIO` of them.
const WHOLE_FILE_RATIO: usize = 2;

fn diff_options() -> DiffOptions {
    let mut opts = DiffOptions::new();
    opts.context_lines(3)
        .indent_heuristic(true)
        .force_text(true);
    opts
}

/// Lines of context outside the differing region handed to xdiff, so that
/// it slides changes (and scores indentation) as it would on the whole file.
const DIFF_MARGIN: usize = 100;

/// The hunks of a text diff (3 lines of context, indent heuristic), as
/// `git diff` shows them, computed only over the region where `old` and
/// `new` differ.
pub fn diff_hunks(old: &[u8], new: &[u8]) -> Result<Vec<TextHunk>> {
    if old == new {
        return Ok(Vec::new());
    }
    region_hunks(old, new, &diff_region(old, new))
}

/// Where two texts differ, widened to whole lines and by the margin:
/// `old[start..old_end]` against `new[start..new_end]`, after
/// `skipped_lines` equal lines.
struct Region {
    start: usize,
    old_end: usize,
    new_end: usize,
    skipped_lines: u32,
}

/// Length of the common prefix of `a` and `b`, 32 bytes at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 32 <= n && a[i..i + 32] == b[i..i + 32] {
        i += 32;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Length of the common suffix of `a` and `b`, at most `max`.
fn common_suffix(a: &[u8], b: &[u8], max: usize) -> usize {
    let n = a.len().min(b.len()).min(max);
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + 32 <= n && a[la - i - 32..la - i] == b[lb - i - 32..lb - i] {
        i += 32;
    }
    while i < n && a[la - i - 1] == b[lb - i - 1] {
        i += 1;
    }
    i
}

fn diff_region(old: &[u8], new: &[u8]) -> Region {
    // Common prefix, cut back to a line start.
    let mut p = common_prefix(old, new);
    while p > 0 && old[p - 1] != b'\n' {
        p -= 1;
    }
    // Common suffix after the prefix, cut forward to a line start in both.
    let max_s = (old.len() - p).min(new.len() - p);
    let mut s = common_suffix(old, new, max_s);
    while s > 0 {
        let (po, pn) = (old.len() - s, new.len() - s);
        if (po == 0 || old[po - 1] == b'\n') && (pn == 0 || new[pn - 1] == b'\n') {
            break;
        }
        s -= 1;
    }
    // Widen by the margin on both sides.
    let mut start = p;
    let mut lines_before = 0;
    while start > 0 && lines_before < DIFF_MARGIN {
        start -= 1;
        while start > 0 && old[start - 1] != b'\n' {
            start -= 1;
        }
        lines_before += 1;
    }
    let mut tail = s;
    let mut lines_after = 0;
    while tail > 0 && lines_after < DIFF_MARGIN {
        // Drop the suffix's first line from the trimmed part.
        let from = old.len() - tail;
        let nl = old[from..].iter().position(|&c| c == b'\n');
        tail = match nl {
            Some(i) => tail - (i + 1),
            None => 0,
        };
        lines_after += 1;
    }
    Region {
        start,
        old_end: old.len() - tail,
        new_end: new.len() - tail,
        skipped_lines: old[..start].iter().filter(|&&c| c == b'\n').count() as u32,
    }
}

fn region_hunks(old: &[u8], new: &[u8], r: &Region) -> Result<Vec<TextHunk>> {
    let (o, n) = (
        old.get(r.start..r.old_end).unwrap_or_default(),
        new.get(r.start..r.new_end).unwrap_or_default(),
    );
    let patch = Patch::from_buffers(o, None, n, None, Some(&mut diff_options()))?;
    let mut hunks = hunks_of(&patch)?;
    for h in &mut hunks {
        h.old_start = h.old_start.saturating_add(r.skipped_lines);
        h.new_start = h.new_start.saturating_add(r.skipped_lines);
    }
    Ok(hunks)
}

/// Checks `commit`'s diff against the tree of `target` (a branch tip).
pub fn check_commit(git: &Git, commit: Oid, target: Oid) -> Result<ApplyReport> {
    CommitPatch::new(git, commit)?.check(git, target)
}

fn is_link(mode: i32) -> bool {
    mode == i32::from(FileMode::Link)
}

/// What a target holds at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) id: Oid,
    pub(crate) kind: Option<ObjectType>,
    pub(crate) filemode: i32,
}

/// A tree a patch is checked against: a commit's tree, or one with
/// changes held in memory ([`overlay::Overlay`]).
pub(crate) trait TreeView {
    /// The entry at `path`, if there is one.
    fn entry(&self, path: &str) -> Option<Entry>;
    /// The text of blob `id`, prepared for matching hunks.
    fn text(&self, git: &Git, id: Oid) -> Result<Arc<Target>>;
}

impl TreeView for Tree<'_> {
    fn entry(&self, path: &str) -> Option<Entry> {
        let e = self.get_path(Path::new(path)).ok()?;
        Some(Entry {
            id: e.id(),
            kind: e.kind(),
            filemode: e.filemode(),
        })
    }

    fn text(&self, git: &Git, id: Oid) -> Result<Arc<Target>> {
        target::get_or_load(id, || Ok(git.repo().find_blob(id)?.content().to_vec()))
    }
}

fn check_file(
    git: &Git,
    tree: &dyn TreeView,
    f: &FilePatch,
    freed: &HashSet<&str>,
) -> Result<FileApply> {
    let mut fa = FileApply {
        path: f.path().to_string(),
        old_path: match f.status {
            'R' | 'D' => f.old_path.clone(),
            _ => None,
        },
        status: f.status,
        binary: f.binary,
        outcome: Applies::Clean,
        hunks: Vec::new(),
        missing: false,
        reason: None,
    };
    let conflict = |mut fa: FileApply, why: &str| {
        fa.outcome = Applies::Conflict;
        fa.reason = Some(why.to_string());
        fa
    };
    let exists = |p: &str| tree.entry(p);

    // The destination of an add or a rename must be free.
    if matches!(f.status, 'A' | 'R' | 'C')
        && let Some(p) = f.new_path.as_deref()
        && !freed.contains(p)
        && exists(p).is_some()
    {
        return Ok(conflict(fa, "already exists at the target"));
    }

    let target_blob = if f.status == 'A' {
        None
    } else {
        let Some(old) = f.old_path.as_deref() else {
            return Ok(conflict(fa, "no old path in the diff"));
        };
        let Some(entry) = exists(old) else {
            fa.missing = true;
            fa.outcome = Applies::Conflict;
            return Ok(fa);
        };
        let kind_ok = match entry.kind {
            Some(ObjectType::Blob) => {
                // Regular file vs symlink: `git apply` calls it "wrong type".
                is_link(entry.filemode) == (f.old_mode == FileMode::Link)
                    && f.old_mode != FileMode::Commit
            }
            Some(ObjectType::Commit) => f.old_mode == FileMode::Commit,
            _ => false,
        };
        if !kind_ok {
            return Ok(conflict(fa, "has another file type at the target"));
        }
        Some(entry.id)
    };

    if f.unread {
        if target_blob == Some(f.old_id) {
            return Ok(fa);
        }
        // This target differs from the preimage: read the blobs now.
        let side = |p: &Option<String>, id: Oid, mode: FileMode| p.clone().map(|p| (p, id, mode));
        let read = file_patch(
            git.repo(),
            Change {
                old: side(&f.old_path, f.old_id, f.old_mode),
                new: side(&f.new_path, f.new_id, f.new_mode),
            },
        )?;
        return check_file(git, tree, &read, freed);
    }
    if f.binary {
        // Same rule as `git apply` for binary patches: the exact preimage.
        if let Some(id) = target_blob
            && id != f.old_id
        {
            return Ok(conflict(
                fa,
                "binary (or submodule) preimage differs at the target",
            ));
        }
        return Ok(fa);
    }
    if f.hunks.is_empty() {
        // Mode-only change or pure rename: nothing to match.
        return Ok(fa);
    }
    if target_blob == Some(f.old_id) {
        // The target has the very preimage: every hunk lands where it expects.
        fa.hunks = (0..f.hunks.len())
            .map(|index| HunkApply {
                index,
                outcome: Applies::Clean,
                offset: 0,
                fuzz: 0,
                old_start: f.hunks[index].old_start,
                old_lines: f.hunks[index].old_lines,
            })
            .collect();
        return Ok(fa);
    }
    let target = match target_blob {
        Some(id) => tree.text(git, id)?,
        None => Arc::new(Target::new(Vec::new())),
    };
    let (applies, hunks, img) = apply_target(&target, &f.hunks, f.status == 'D');
    fa.outcome = applies;
    fa.hunks = hunks;
    if f.status == 'D' && applies != Applies::Conflict && img.lines().iter().any(|l| !l.is_empty())
    {
        return Ok(conflict(fa, "deleting it would leave lines behind"));
    }
    Ok(fa)
}

/// A shell command that runs `script` with `GIT_INDEX_FILE` set to a new
/// temporary index, then removes that file: it leaves nothing behind and
/// exits with the script's status.
pub fn temp_index_command(script: &str) -> String {
    format!(
        "sh -c {}",
        sh_quote(&format!(
            "GIT_INDEX_FILE=$(mktemp -u); export GIT_INDEX_FILE; {script}; rc=$?; rm -f \"$GIT_INDEX_FILE\"; exit $rc"
        ))
    )
}

/// A shell command that makes a detached worktree of `rev` (a shell word)
/// in a new temporary directory `"$wt"`, with only the files `commit`
/// changes checked out (what a patch of it reads: a whole tree would take
/// seconds on a large project, and fail where a clone lacks some blobs),
/// runs `script` and removes the worktree and its directory: it can run
/// again and again, leaves no worktree registered, and exits with the
/// script's status (git's when the worktree cannot be made). A file the
/// commit creates, or one the branch lacks, is simply not checked out
/// (`checkout-index` then exits 1, which the script's status replaces).
pub fn temp_worktree_command(rev: &str, commit: &str, script: &str) -> String {
    format!(
        "sh -c {}",
        sh_quote(&format!(
            "wt=$(mktemp -d) && git worktree add -q --no-checkout --detach \"$wt\" {rev} && git -C \"$wt\" read-tree {rev} && {{ git diff-tree -r --root --no-commit-id --name-only {commit} | git -C \"$wt\" checkout-index -f -q --stdin; {script}; }}; rc=$?; git worktree remove --force \"$wt\" 2>/dev/null || rm -rf \"$wt\"; exit $rc"
        ))
    )
}

/// `s` in single quotes, for `sh -c`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hunks(old: &[u8], new: &[u8]) -> Vec<TextHunk> {
        let p = Patch::from_buffers(old, None, new, None, None).unwrap();
        hunks_of(&p).unwrap()
    }

    fn lines(n: usize) -> Vec<u8> {
        (1..=n)
            .map(|i| format!("line {i}\n"))
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn clean_offset_fuzz_conflict() {
        let old = lines(40);
        let new = String::from_utf8(old.clone())
            .unwrap()
            .replace("line 20\n", "line twenty\n")
            .into_bytes();
        let h = hunks(&old, &new);
        let r = apply_text(&old, &h);
        assert_eq!(r.applies, Applies::Clean);
        assert_eq!(r.result.as_deref(), Some(new.as_slice()));

        let shifted = [b"extra\nextra\n".as_slice(), &old].concat();
        let r = apply_text(&shifted, &h);
        assert_eq!(r.applies, Applies::Offset);
        assert_eq!(r.hunks[0].offset, 2);

        let fuzzy = String::from_utf8(old.clone())
            .unwrap()
            .replace("line 17\n", "line seventeen\n")
            .into_bytes();
        let r = apply_text(&fuzzy, &h);
        assert_eq!(r.applies, Applies::Fuzz);
        assert_eq!(r.hunks[0].fuzz, 1);

        let gone = String::from_utf8(old.clone())
            .unwrap()
            .replace("line 20\n", "line XX\n")
            .into_bytes();
        assert_eq!(apply_text(&gone, &h).applies, Applies::Conflict);
    }

    #[test]
    fn a_fuzzy_hunk_is_not_placed_before_the_hunk_before_it() {
        let old = lines(60);
        let new = String::from_utf8(old.clone())
            .unwrap()
            .replace("line 10\n", "line ten\n")
            .replace("line 40\n", "line forty\n")
            .into_bytes();
        let h = hunks(&old, &new);
        assert_eq!(h.len(), 2);
        // The second hunk's lines are gone from their place; only a copy
        // at the top, above the first hunk, would match with fuzz 2. `patch`
        // places no hunk before the one before it: it fails that hunk.
        let text = String::from_utf8(old.clone()).unwrap();
        let mut target = String::from("line 39\nline 40\nline 41\n");
        for l in text.lines() {
            let n: usize = l.trim_start_matches("line ").parse().unwrap();
            if !(37..=43).contains(&n) {
                target.push_str(l);
                target.push('\n');
            }
        }
        let r = apply_text(target.as_bytes(), &h);
        assert_eq!(r.hunks[0].outcome, Applies::Offset);
        assert_eq!(r.hunks[1].outcome, Applies::Conflict);
    }

    #[test]
    fn no_newline_at_end() {
        let old = b"a\nb\nc".to_vec();
        let new = b"a\nb\nc\nd\n".to_vec();
        let h = hunks(&old, &new);
        let r = apply_text(&old, &h);
        assert_eq!(r.result.as_deref(), Some(new.as_slice()));
        // With the newline already there the last line differs.
        assert_ne!(apply_text(b"a\nb\nc\n", &h).applies, Applies::Clean);
    }

    #[test]
    fn top_of_file_hunk_is_anchored() {
        let old = lines(10);
        let new = [b"new first\n".as_slice(), &old].concat();
        let h = hunks(&old, &new);
        let moved = [b"header\n".as_slice(), &old].concat();
        // `git apply` wants a hunk at line 1 at the top of the file, and so
        // does `patch -F2` while the fuzz is below the hunk's three lines
        // of context: both refuse it.
        assert_eq!(apply_text(&moved, &h).applies, Applies::Conflict);
    }

    #[test]
    fn end_of_file_hunk_is_anchored_under_fuzz_too() {
        let old = lines(10);
        let new = [old.as_slice(), b"new last\n"].concat();
        let h = hunks(&old, &new);
        // Its context is there, but no longer at the end: `patch -F2`
        // fails it ("Hunk #1 FAILED"), as Suricata's rules files showed.
        let moved = [old.as_slice(), b"trailer\n"].concat();
        assert_eq!(apply_text(&moved, &h).applies, Applies::Conflict);
        // A changed outermost context line still fuzzes in at the end.
        let changed = String::from_utf8(old.clone())
            .unwrap()
            .replace("line 8\n", "LINE 8\n")
            .into_bytes();
        assert_eq!(apply_text(&changed, &h).applies, Applies::Fuzz);
    }

    #[test]
    fn bogus_hunks_do_not_panic() {
        let h = vec![TextHunk {
            old_start: u32::MAX,
            old_lines: 7,
            new_start: u32::MAX,
            new_lines: 0,
            lines: vec![
                (LineKind::Del, b"x\n".to_vec()),
                (LineKind::Context, b"y".to_vec()),
            ],
        }];
        assert_eq!(apply_text(b"", &h).applies, Applies::Conflict);
        assert_eq!(apply_text(b"x\ny", &h).applies, Applies::Offset);
    }

    #[test]
    fn added_and_deleted_files_give_the_xdiff_hunk() {
        for text in [&b""[..], b"a", b"a\n", b"a\nb", b"a\n\nb\n", &lines(30)] {
            assert_eq!(
                whole_file_hunks(text, LineKind::Add),
                diff_hunks(b"", text).unwrap(),
                "{text:?}"
            );
            assert_eq!(
                whole_file_hunks(text, LineKind::Del),
                diff_hunks(text, b"").unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn blob_diff_equals_region_diff() {
        let repo_dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(repo_dir.path()).unwrap();
        let old = lines(500);
        let near = String::from_utf8(old.clone())
            .unwrap()
            .replace("line 250\n", "changed\n")
            .into_bytes();
        let far = String::from_utf8(near.clone())
            .unwrap()
            .replace("line 3\n", "")
            .replace("line 498\n", "line 498\nadded\n")
            .into_bytes();
        for new in [&near, &far, &old] {
            let (a, b) = (repo.blob(&old).unwrap(), repo.blob(new).unwrap());
            let (a, b) = (repo.find_blob(a).unwrap(), repo.find_blob(b).unwrap());
            assert_eq!(diff_blobs(&a, &b).unwrap(), diff_hunks(&old, new).unwrap());
        }
    }

    #[test]
    fn serde_names() {
        assert_eq!(Applies::Fuzz.as_str(), "fuzz");
        assert!(Applies::Offset.git_applies() && !Applies::Fuzz.git_applies());
    }
}
