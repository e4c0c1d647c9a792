//! Features for the backport model, from cheap facts.
//!
//! Consumes a commit (through [`Git`] and the [`RepoIndex`]) and produces a
//! [`CommitFacts`]: the commit-level facts (message, trailers, kinds of
//! change, size and spread, failure-mode and new-feature words, later fixes
//! and reverts) plus a hashed text signature (subject, body and path tokens).
//! [`branch_vector`] adds the per-branch facts (is the bug in the branch,
//! are the touched files there, how far the commit is from the base) and
//! returns the sparse vector the model scores.
//!
//! Everything here is computed the same way in `train` and in `triage`, so a
//! feature cannot mean one thing when learning and another when deciding. A
//! full [`stablepick_evidence::Evidence`] is too slow for tens of thousands
//! of commits, so the diff is read without the per-function analysis.

use stablepick_evidence::ChangeKind;
use stablepick_repo::diff::{CommitDiff, FileDiff, Hunk};
use stablepick_repo::{Git, Oid, RepoIndex, StableIndex};

/// Hashed feature space: 2^DIM_BITS weights.
pub const DIM_BITS: u32 = 20;
const DIM_MASK: u32 = (1 << DIM_BITS) - 1;

/// Words that name a failure users see (Phase 8 uses the same list).
pub const FAILURE_WORDS: &[&str] = &[
    "crash",
    "panic",
    "oops",
    "hang",
    "deadlock",
    "livelock",
    "leak",
    "overflow",
    "underflow",
    "out-of-bounds",
    "use-after-free",
    "double free",
    "null pointer",
    "null dereference",
    "segfault",
    "segmentation fault",
    "corruption",
    "corrupt",
    "race",
    "uninitialized",
    "uninitialised",
    "wrong",
    "incorrect",
    "invalid",
    "fail",
    "error",
    "bug",
    "broken",
    "stuck",
    "lockup",
    "timeout",
    "mismatch",
    "missing",
    "cve",
    "security",
];

/// Words that announce a new feature or API rather than a fix.
pub const FEATURE_WORDS: &[&str] = &[
    "add support",
    "support for",
    "introduce",
    "implement",
    "new api",
    "enable",
    "rework",
    "refactor",
    "cleanup",
    "clean up",
    "rename",
    "remove unused",
    "deprecate",
    "experimental",
    "optimize",
    "optimise",
    "performance",
];

/// 64-bit FNV-1a of `bytes`: stable across runs and platforms (the std
/// hasher is not).
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The feature index of `s`: [`fnv1a`] folded into the hashed space.
pub fn hash(s: &str) -> u32 {
    let h = fnv1a(s.bytes());
    ((h >> 32) ^ h) as u32 & DIM_MASK
}

/// A sparse feature vector: sorted, de-duplicated (index, value) pairs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SparseVec(pub Vec<(u32, f32)>);

impl SparseVec {
    fn from_pairs(mut v: Vec<(u32, f32)>) -> SparseVec {
        v.sort_by_key(|p| p.0);
        let mut out: Vec<(u32, f32)> = Vec::with_capacity(v.len());
        for (i, x) in v {
            // A fact stated twice (two Fixes: tags of the same age) is still one fact.
            match out.last_mut() {
                Some(l) if l.0 == i => l.1 = l.1.max(x),
                _ => out.push((i, x)),
            }
        }
        SparseVec(out)
    }
}

/// A commit's facts, independent of any branch.
#[derive(Debug, Clone)]
pub struct CommitFacts {
    pub oid: Oid,
    pub subject: String,
    pub commit_time: i64,
    /// Resolved `Fixes:` targets.
    pub fix_targets: Vec<Oid>,
    /// `Fixes:` tags present at all (resolved or not).
    pub has_fixes: bool,
    /// Other commits the message names by id anywhere (`Follow-up for
    /// 1a2b3c4d`, `since commit …`, a revert): in projects that do not tag
    /// fixes, this is how a message says what it builds on.
    pub mentioned: Vec<Oid>,
    /// The commits a revert says it reverts (`This reverts commit …`).
    pub revert_targets: Vec<Oid>,
    pub cc_stable: bool,
    pub noautosel: bool,
    /// Touched paths (old path for modifications; added files excluded).
    pub touched: Vec<String>,
    pub insertions: usize,
    pub deletions: usize,
    pub kinds: Vec<ChangeKind>,
    /// Branch-independent features (name, value).
    pub base: Vec<(String, f32)>,
    /// Hashed text tokens, for the model and for nearest past decisions.
    pub text: Vec<u32>,
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.len() >= 3 && w.len() <= 30 && !w.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|w| w.to_ascii_lowercase())
}

fn bucket(n: usize) -> usize {
    // 0, 1, 2-3, 4-7, 8-15, …
    (usize::BITS - n.leading_zeros()) as usize
}

/// The diff without the per-function analysis: files, hunks, changed lines
/// (at most a few thousand kept), enough for [`stablepick_evidence::kinds`].
pub fn light_diff(git: &Git, oid: Oid) -> stablepick_repo::Result<CommitDiff> {
    let repo = git.repo();
    let c = repo.find_commit(oid)?;
    let tree = c.tree()?;
    let parent_tree = match c.parent(0) {
        Ok(p) => Some(p.tree()?),
        Err(_) => None,
    };
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0);
    let diff =
        stablepick_repo::treediff::diff_trees(repo, parent_tree.as_ref(), Some(&tree), &mut opts)?;
    let unreadable = stablepick_repo::diff::unreadable_deltas(repo, &diff)?;
    let mut out = CommitDiff::default();
    for (d, &unreadable) in diff.deltas().zip(&unreadable) {
        let status = match d.status() {
            git2::Delta::Added => 'A',
            git2::Delta::Deleted => 'D',
            git2::Delta::Renamed => 'R',
            _ => 'M',
        };
        let p = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().into_owned());
        out.files.push(FileDiff {
            old_path: (status != 'A').then(|| p(d.old_file())).flatten(),
            new_path: (status != 'D').then(|| p(d.new_file())).flatten(),
            status,
            binary: d.flags().is_binary(),
            unreadable,
            ..Default::default()
        });
    }
    let mut kept = 0usize;
    let binary =
        stablepick_repo::diff::for_each_patch_line(&diff, &unreadable, |idx, hunk, line| {
            let Some(f) = out.files.get_mut(idx) else {
                return true;
            };
            match line.origin() {
                'H' => {
                    if let Some(h) = hunk {
                        let header = String::from_utf8_lossy(h.header()).into_owned();
                        f.hunks.push(Hunk {
                            context: header.splitn(3, "@@").nth(2).unwrap_or("").trim().into(),
                            old_start: h.old_start(),
                            old_lines: h.old_lines(),
                            new_start: h.new_start(),
                            new_lines: h.new_lines(),
                            changes: Vec::new(),
                        });
                    }
                }
                o @ ('+' | '-') => {
                    if o == '+' {
                        f.insertions += 1;
                    } else {
                        f.deletions += 1;
                    }
                    // Keep enough lines to classify; a huge diff is huge anyway.
                    if kept < 4000
                        && let Some(h) = f.hunks.last_mut()
                    {
                        kept += 1;
                        let text = String::from_utf8_lossy(line.content());
                        h.changes
                            .push((o, 0, text.trim_end_matches('\n').to_string()));
                    }
                }
                _ => {}
            }
            true
        })?;
    for (f, bin) in out.files.iter_mut().zip(binary) {
        f.binary |= bin;
    }
    out.insertions = out.files.iter().map(|f| f.insertions).sum();
    out.deletions = out.files.iter().map(|f| f.deletions).sum();
    Ok(out)
}

/// Does the (lower-cased) message name a bug report: `bug`, `bz`, `bugzilla`,
/// `issue`, `ticket`, `refs`, a security ticket (Suricata's `Security 8190`)
/// or a Coverity `CID` followed by a number of three or more digits (after
/// optional `#`, `:`, `-`, `id` and spaces), a bug tracker's page, or GitHub's
/// closing keywords before an issue (`Fixes #4494`, `closes owner/repo#1037`)?
pub fn mentions_bug_report(lower: &str) -> bool {
    if [
        "show_bug.cgi",
        "/issues/",
        "bugs.",
        "bugzilla.",
        "/browse/",
        "ghsa-",
    ]
    .iter()
    .any(|u| lower.contains(u))
    {
        return true;
    }
    if closes_issue(lower) {
        return true;
    }
    let b = lower.as_bytes();
    for word in [
        "bugzilla", "bug", "bz", "issue", "ticket", "redmine", "refs", "security", "cid",
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(word) {
            let start = from + at;
            from = start + word.len();
            // Whole word only: not `debug`, `debugging`.
            if start > 0 && b[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            let rest = lower[from..].trim_start_matches([' ', '#', ':', '\t', '-']);
            let rest = rest
                .strip_prefix("id")
                .unwrap_or(rest)
                .trim_start_matches([' ', '#', ':', '=']);
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits >= 3 {
                return true;
            }
        }
    }
    false
}

/// GitHub's closing keywords, as a word, before an issue number:
/// `fixes #12`, `Closes: #4494`, `resolved owner/repo#1037`.
fn closes_issue(lower: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
    ];
    let b = lower.as_bytes();
    lower.match_indices('#').any(|(i, _)| {
        if !b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        // Back over `owner/repo`, then spaces and a colon, to the keyword.
        let mut head = lower[..i].trim_end_matches(|c: char| {
            c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.')
        });
        if head.len() == i {
            head = &lower[..i];
        } else if !lower[head.len()..i].contains('/') {
            return false;
        }
        let head = head.trim_end_matches([' ', '\t', ':']);
        KEYWORDS.iter().any(|k| {
            head.ends_with(k)
                && head[..head.len() - k.len()]
                    .bytes()
                    .last()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        })
    })
}

/// The directory that names the component a path belongs to:
/// `drivers/net/mlx5/x.c` → `drivers/net/mlx5`, `lib/eal/x.c` → `lib/eal`.
pub fn component(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let depth = match parts.first() {
        Some(&"drivers") | Some(&"arch") | Some(&"fs") | Some(&"net") | Some(&"sound") => 3,
        _ => 2,
    };
    let n = depth.min(parts.len().saturating_sub(1)).max(1);
    parts[..n.min(parts.len())].join("/")
}

impl CommitFacts {
    pub fn extract(git: &Git, index: &RepoIndex, oid: Oid) -> stablepick_repo::Result<Self> {
        let info = git.commit_info(oid)?;
        let msg = stablepick_repo::message::parse(&info.message);
        let diff = light_diff(git, oid)?;
        Ok(Self::from_parts(index, &info, &msg, &diff))
    }

    pub fn from_parts(
        index: &RepoIndex,
        info: &stablepick_repo::CommitInfo,
        msg: &stablepick_repo::message::ParsedMessage,
        diff: &CommitDiff,
    ) -> Self {
        let oid = info.oid;
        let mut f: Vec<(String, f32)> = Vec::new();
        let mut on = |s: String| f.push((s, 1.0));
        let mut kinds = stablepick_evidence::kinds::classify(diff);
        // The model's "new function" is the per-file count of headers
        // ([`stablepick_evidence::kinds::grows_function_headers`]), which
        // ranked past decisions better than the commit-wide names the
        // report states (mean F1 0.467 against 0.460 on twelve projects).
        kinds.retain(|k| *k != ChangeKind::NewFunction);
        if stablepick_evidence::kinds::adds_export(diff)
            || stablepick_evidence::kinds::grows_function_headers(diff)
        {
            kinds.push(ChangeKind::NewFunction);
        }

        // Phase 1: message forensics.
        let cc = msg.cc_stable();
        on(format!("cc_stable:{cc}"));
        if msg.noautosel() {
            on("noautosel".into());
        }
        let fix_targets: Vec<Oid> = msg
            .fixes
            .iter()
            .filter_map(|x| match index.resolve_prefix(&x.sha_prefix) {
                stablepick_repo::Resolved::Unique(o) => Some(o),
                _ => None,
            })
            .collect();
        on(format!(
            "fixes:{}",
            match (msg.fixes.is_empty(), fix_targets.is_empty()) {
                (true, _) => "none",
                (false, true) => "unresolved",
                (false, false) => "resolved",
            }
        ));
        if msg.is_revert() {
            on("revert".into());
        }
        let (sub, verb) = stablepick_repo::message::subject_parts(&info.subject);
        if let Some(v) = &verb {
            on(format!("verb:{v}"));
        }
        if let Some(s) = &sub {
            let s = s.to_ascii_lowercase();
            on(format!("sub:{s}"));
            if let Some(first) = s.split(['/', ':']).next() {
                on(format!("sub0:{first}"));
            }
            if let Some(v) = &verb {
                on(format!(
                    "subverb:{}:{v}",
                    s.split(['/', ':']).next().unwrap_or("")
                ));
            }
        } else {
            on("sub:none".into());
        }
        let mut keys: Vec<String> = msg
            .trailers
            .iter()
            .map(|t| t.key.to_ascii_lowercase())
            .collect();
        keys.sort();
        let mut counts: Vec<(String, usize)> = Vec::new();
        for k in keys {
            match counts.last_mut() {
                Some(c) if c.0 == k => c.1 += 1,
                _ => counts.push((k, 1)),
            }
        }
        for (k, n) in &counts {
            if k == "signed-off-by" {
                on(format!("sob:{}", bucket(*n).min(3)));
            } else {
                on(format!("trailer:{k}"));
                on(format!("trailer:{k}:{}", bucket(*n).min(3)));
            }
        }
        let lower = info.message.to_ascii_lowercase();
        for w in FAILURE_WORDS {
            if lower.contains(w) {
                on(format!("fail:{w}"));
            }
        }
        for w in FEATURE_WORDS {
            if lower.contains(w) {
                on(format!("feat:{w}"));
            }
        }
        for w in ["syzbot", "bugzilla", "coverity", "reported-by"] {
            if lower.contains(w) {
                on(format!("report:{w}"));
            }
        }
        // A bug tracker's number or page: a report somebody filed, in
        // whatever form the project writes it (`[BZ #31234]`, `bug 32042`,
        // `Bugzilla ID: 1234`, `…/show_bug.cgi?id=…`, `…/issues/12`).
        if mentions_bug_report(&lower) {
            on("report:bug".into());
        }
        if lower.contains("cve-") {
            on("report:cve".into());
        }

        // Who wrote and who committed it: in many projects a few people
        // write most of what gets backported, or pick it up and commit it.
        on(format!("author:{}", info.author_email.to_ascii_lowercase()));
        on(format!(
            "committer:{}",
            info.committer_email.to_ascii_lowercase()
        ));

        // Phase 3: history.
        let followups = index.fixed_by(oid).len();
        on(format!("followups:{}", bucket(followups).min(2)));
        if !index.reverted_by(oid).is_empty() {
            on("reverted".into());
        }
        for &t in &fix_targets {
            if !index.fixes_of(t).is_empty() {
                on("fix_of_fix".into());
            }
        }

        // Phase 2: the diff.
        for k in &kinds {
            on(format!("kind:{}", k.label()));
        }
        if kinds.len() == 1 {
            on(format!("onlykind:{}", kinds[0].label()));
        }
        let lines = diff.insertions + diff.deletions;
        on(format!("lines:{}", bucket(lines).min(12)));
        on(format!("ins:{}", bucket(diff.insertions).min(10)));
        on(format!("del:{}", bucket(diff.deletions).min(10)));
        on(format!("files:{}", bucket(diff.files.len()).min(6)));
        on(format!("small:{}", lines <= 100));
        let mut comps: Vec<String> = diff.files.iter().map(|x| component(x.path())).collect();
        comps.sort();
        comps.dedup();
        on(format!("components:{}", comps.len().min(5)));
        let added_files = diff.created_files();
        on(format!("added_files:{}", bucket(added_files).min(3)));
        let mut tops: Vec<&str> = diff
            .files
            .iter()
            .map(|x| x.path().split('/').next().unwrap_or(""))
            .collect();
        tops.sort();
        tops.dedup();
        for t in &tops {
            on(format!("top:{t}"));
        }

        // Text: subject, body (trailers excluded), paths, changed identifiers.
        let mut text: Vec<u32> = Vec::new();
        for w in words(&msg.subject) {
            text.push(hash(&format!("s:{w}")));
        }
        let body_text: String = msg
            .body
            .lines()
            .filter(|l| stablepick_repo::message::parse_trailer(l).is_none())
            .collect::<Vec<_>>()
            .join("\n");
        for w in words(&body_text).take(300) {
            text.push(hash(&format!("b:{w}")));
        }
        for c in &comps {
            text.push(hash(&format!("c:{c}")));
        }
        for x in &diff.files {
            text.push(hash(&format!("p:{}", x.path())));
            for h in &x.hunks {
                if let Some(fname) = h
                    .context
                    .split('(')
                    .next()
                    .and_then(|s| s.split_whitespace().last())
                {
                    text.push(hash(&format!("fn:{}", fname.trim_start_matches('*'))));
                }
            }
        }
        let mut n = 0;
        'outer: for x in &diff.files {
            for h in &x.hunks {
                for (o, _, l) in &h.changes {
                    for w in words(l) {
                        text.push(hash(&format!("d{o}:{w}")));
                        n += 1;
                        if n > 400 {
                            break 'outer;
                        }
                    }
                }
            }
        }
        text.sort_unstable();
        text.dedup();

        let touched = diff
            .files
            .iter()
            .filter(|x| x.status != 'A')
            .filter_map(|x| x.old_path.clone().or_else(|| x.new_path.clone()))
            .collect();
        CommitFacts {
            oid,
            subject: info.subject.clone(),
            commit_time: info.commit_time,
            // Beyond the `Fixes:` targets, which have features of their own;
            // by id or by pull request number.
            mentioned: index
                .named_in(&info.message, info.commit_time, &[oid])
                .into_iter()
                .map(|(o, _)| o)
                .filter(|o| !fix_targets.contains(o))
                .collect(),
            fix_targets,
            revert_targets: msg
                .reverts
                .iter()
                .filter_map(|x| match index.resolve_prefix(x) {
                    stablepick_repo::Resolved::Unique(o) => Some(o),
                    _ => None,
                })
                .collect(),
            has_fixes: !msg.fixes.is_empty(),
            cc_stable: cc,
            noautosel: msg.noautosel(),
            touched,
            insertions: diff.insertions,
            deletions: diff.deletions,
            kinds,
            base: f,
            text,
        }
    }
}

/// Where a branch stands, for the per-branch facts.
pub struct BranchView<'a> {
    pub stable: &'a StableIndex,
    /// The tree the touched files are looked up in (the tip when deciding,
    /// the base when learning: the branch's later state would leak the
    /// backport itself).
    pub tree: Oid,
}

/// Is the bug a `Fixes:` target names present in the branch?
pub fn bug_present(git: &Git, index: &RepoIndex, b: &StableIndex, t: Oid) -> bool {
    // A failed ancestry query counts as "not in the base".
    stablepick_repo::prereq::on_branch(git, index, b, t)
        .unwrap_or_else(|_| !b.backported_as(t).is_empty() || b.has_own_commit(t))
}

/// Per-branch facts, in the same words the vector uses.
#[derive(Debug, Clone, Default)]
pub struct BranchFeatureFacts {
    pub bug_present: Option<bool>,
    pub files_total: usize,
    pub files_present: usize,
    /// Does the patch apply to the branch (the tree of the view): is the
    /// touched code, line by line, what the branch has? `None` when the
    /// check could not run.
    pub applies: Option<stablepick_repo::apply::Applies>,
    /// For a patch that conflicts: the share of its hunks that fail
    /// ([`stablepick_repo::apply::ApplyReport::conflict_share`]). One
    /// stale hunk of ten is a small adaptation; every hunk failing means
    /// the code is not what the patch was written for.
    pub conflict_share: Option<f32>,
    /// Days from the branch's base to the commit: a fix landing in the
    /// weeks after a release is often a fix of that release.
    pub days_after_base: Option<i64>,
    /// Does the branch have a commit the message names
    /// ([`CommitFacts::mentioned`])? `None` when it names none.
    pub mentioned_present: Option<bool>,
    /// For a revert: is a commit it reverts in the branch?
    pub reverted_present: Option<bool>,
}

pub fn branch_facts(
    git: &Git,
    index: &RepoIndex,
    c: &CommitFacts,
    v: &BranchView,
) -> BranchFeatureFacts {
    let bug_present = if c.fix_targets.is_empty() {
        None
    } else {
        Some(
            c.fix_targets
                .iter()
                .any(|&t| bug_present(git, index, v.stable, t)),
        )
    };
    let files_present = c.touched.iter().filter(|p| git.has_path(v.tree, p)).count();
    BranchFeatureFacts {
        bug_present,
        files_total: c.touched.len(),
        files_present,
        applies: None,
        conflict_share: None,
        days_after_base: days_after_base(git, index, v.stable, c.commit_time),
        reverted_present: (!c.revert_targets.is_empty()).then(|| {
            c.revert_targets
                .iter()
                .any(|&t| self::bug_present(git, index, v.stable, t))
        }),
        mentioned_present: (!c.mentioned.is_empty()).then(|| {
            c.mentioned
                .iter()
                .any(|&t| self::bug_present(git, index, v.stable, t))
        }),
    }
}

/// Whole days from the branch's base to `time` (a commit's commit time).
pub fn days_after_base(git: &Git, index: &RepoIndex, b: &StableIndex, time: i64) -> Option<i64> {
    base_time(git, index, b).map(|t| (time - t).div_euclid(86_400))
}

/// Commit time of the branch's base, from the index when it is a mainline
/// commit.
pub(crate) fn base_time(git: &Git, index: &RepoIndex, b: &StableIndex) -> Option<i64> {
    let base = b.branch.base_commit();
    match index.mainline_pos(base) {
        Some(p) => Some(index.commit_time_at(p)),
        None => git.commit_info(base).ok().map(|i| i.commit_time),
    }
}

/// Buckets of [`BranchFeatureFacts::days_after_base`], in days.
const BASE_AGE_DAYS: [i64; 6] = [14, 30, 60, 120, 240, 480];

/// Whether `c` applies to each of `trees` (in order), one diff read for all;
/// `None` where the check fails (an object missing from the store, say).
pub fn applies_to(
    git: &Git,
    c: Oid,
    trees: &[Oid],
) -> Vec<Option<stablepick_repo::apply::ApplyReport>> {
    match stablepick_repo::apply::CommitPatch::for_targets(git, c, trees) {
        Ok(p) => trees.iter().map(|&t| p.check(git, t).ok()).collect(),
        Err(_) => vec![None; trees.len()],
    }
}

/// What the model reads of an apply check: the outcome, and the share of
/// hunks that fail when it conflicts.
pub type ApplyFacts = (Option<stablepick_repo::apply::Applies>, Option<f32>);

/// [`ApplyFacts`] of a check (`None`: not checked).
pub fn apply_facts(report: Option<&stablepick_repo::apply::ApplyReport>) -> ApplyFacts {
    (
        report.map(|r| r.applies),
        report
            .filter(|r| r.applies == stablepick_repo::apply::Applies::Conflict)
            .map(|r| r.conflict_share()),
    )
}

impl BranchFeatureFacts {
    /// Takes the apply check's answer.
    pub fn set_apply(&mut self, (applies, share): ApplyFacts) {
        self.applies = applies;
        self.conflict_share = share;
    }
}

/// The sparse vector the model scores for (commit, branch).
pub fn branch_vector(
    index: &RepoIndex,
    c: &CommitFacts,
    v: &BranchView,
    bf: &BranchFeatureFacts,
) -> SparseVec {
    vector_of(&named_features(index, c, v, bf), &c.text)
}

/// The sparse vector of named features and hashed text tokens (the text
/// scaled to unit norm, so a long message does not outweigh the facts).
pub fn vector_of(named: &[(String, f32)], text: &[u32]) -> SparseVec {
    let mut pairs: Vec<(u32, f32)> = named.iter().map(|(name, val)| (hash(name), *val)).collect();
    let n = text.len().max(1) as f32;
    let w = 1.0 / n.sqrt();
    pairs.extend(text.iter().map(|&t| (t, w)));
    SparseVec::from_pairs(pairs)
}

/// The named (not text) features of (commit, branch): the bias, the
/// commit's own features and the per-branch ones.
pub fn named_features(
    index: &RepoIndex,
    c: &CommitFacts,
    v: &BranchView,
    bf: &BranchFeatureFacts,
) -> Vec<(String, f32)> {
    let mut pairs: Vec<(String, f32)> = vec![("bias".into(), 1.0)];
    pairs.extend(c.base.iter().cloned());
    let own_from = pairs.len();
    let mut on = |s: String| pairs.push((s, 1.0));
    on(format!(
        "bug:{}",
        match bf.bug_present {
            None => "unknown",
            Some(true) => "present",
            Some(false) => "absent",
        }
    ));
    on(format!("cc_bug:{}:{:?}", c.cc_stable, bf.bug_present));
    let files = if bf.files_total == 0 {
        "none-touched"
    } else if bf.files_present == bf.files_total {
        "all"
    } else if bf.files_present == 0 {
        "none"
    } else {
        "some"
    };
    on(format!("files_present:{files}"));
    on(format!(
        "applies:{}",
        bf.applies.map(|a| a.as_str()).unwrap_or("unknown")
    ));
    if let Some(share) = bf.conflict_share {
        let bucket = match share {
            x if x <= 0.25 => "quarter",
            x if x <= 0.5 => "half",
            x if x < 1.0 => "most",
            _ => "all",
        };
        on(format!("conflict_share:{bucket}"));
    }
    on(format!(
        "mentions:{}",
        match bf.mentioned_present {
            None => "none",
            Some(true) => "in_branch",
            Some(false) => "not_in_branch",
        }
    ));
    if let Some(d) = bf.days_after_base {
        let bucket = BASE_AGE_DAYS.iter().take_while(|&&b| d > b).count();
        on(format!("base_age:{bucket}"));
    }
    // How far after the base the fix target and the commit itself landed.
    let base_idx = index.base_release_index(v.stable);
    if let Some(b) = base_idx {
        // Unreleased commits count as the release after the newest one.
        let own = index
            .first_release(c.oid)
            .and_then(|r| index.release_index(&r.tag))
            .unwrap_or(index.releases().len());
        on(format!(
            "rel_delta:{}",
            (own as i64 - b as i64).clamp(-1, 8)
        ));
    }
    for &t in &c.fix_targets {
        let age = match (index.first_release(t), base_idx) {
            (Some(r), Some(b)) => index
                .release_index(&r.tag)
                .map(|i| (b as i64 - i as i64).clamp(-3, 8).to_string())
                .unwrap_or_else(|| "?".into()),
            _ => "unreleased".into(),
        };
        on(format!("fix_age:{age}"));
    }
    on(format!("fix_count:{}", bucket(c.fix_targets.len()).min(3)));
    // The age also as a number, so the model's trend carries on past the
    // oldest age the training windows reached, where no bucket learned.
    if let Some(d) = bf.days_after_base {
        pairs.push(("base_age_years".into(), d.max(0) as f32 / 365.0));
    }
    // The per-branch facts weigh differently for a commit its author
    // nominated for stable and for one nobody nominated (a bug present in
    // the branch is a strong case for the first, a weak one for the second):
    // each also appears joined with the nomination, so a linear model can
    // learn the two apart. Where nobody ever nominates, the joined copies
    // simply repeat the plain facts.
    let joined: Vec<(String, f32)> = pairs[own_from..]
        .iter()
        .map(|(n, v)| (format!("nom:{}|{n}", c.cc_stable), *v))
        .collect();
    pairs.extend(joined);
    pairs
}

#[cfg(test)]
mod bug_report_tests {
    use super::mentions_bug_report;

    #[test]
    fn bug_numbers_in_their_usual_forms() {
        for yes in [
            "ungetc: fix uninitialized read [bz #27821]",
            "fix strtod subnormal rounding (bug 30220)",
            "bugzilla id: 1234",
            "closes: https://bugs.example.org/show_bug.cgi?id=99",
            "see https://github.com/o/r/issues/12",
            "linux: fix clone (bz 31394)",
            "closes #4494",
            "fixes #7.",
            "github: closes openvpn/openvpn#1037",
            "resolves: #12",
            "security 8190",
            "cid 1638288: (#1 of 1): missing unlock (lock)",
            "coverity cid#1234567",
            "refs #3065",
            "ticket - 4521",
        ] {
            assert!(mentions_bug_report(yes), "{yes}");
        }
        for no in [
            "debug: fix read error handling",
            "fix a bug in the parser",
            "bug 12 is too short a number",
            "debugging 1234 lines",
            "prefixes #12 are odd",
            "fixes the #ifdef",
            "fix #x1",
            "introduced in #12955",
            "security: minor formatting",
            "decide 1234 things",
            "security 12 is too short",
        ] {
            assert!(!mentions_bug_report(no), "{no}");
        }
    }
}
