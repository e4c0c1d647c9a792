//! `stablepick triage`, `stablepick train` and `stablepick eval`.
//!
//! - `triage` decides every non-merge commit of a range for every stable
//!   branch: the stable rules alone, or rules first and then a trained model.
//! - `train` mines the backport decisions of the given stable branches and
//!   saves the model (JSON).
//! - `eval` makes a time-split copy of the repository (nothing after the
//!   window visible, the target branch at its base, the training branches as
//!   they stood when the window opened), trains, triages the window and
//!   scores the YES verdicts against the backports the real target branch
//!   carries.

use crate::analyze::RepoArgs;
use crate::scoring::{Row, Scored, Scoring, finish_one, load_model, own_scores};
use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};
use stablepick_evidence::{Context, Evidence, collect};
use stablepick_repo::{Git, IndexOptions, Oid, RepoIndex, StableSpec};
use stablepick_verdict::learn::{MineOptions, par_map_git};
use stablepick_verdict::model::{Model, TrainOptions};
use stablepick_verdict::{Decision, Verdict, combine, impact, window_share};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum TriageFormat {
    #[default]
    Jsonl,
    Md,
    Table,
    /// One mail per YES (commit, branch), a series per branch with
    /// prerequisites first.
    Mbox,
}

#[derive(Args)]
pub struct TriageArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// A model made by `stablepick train`; without it, the stable rules alone.
    #[arg(long, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// A mail store (`stablepick mail import`): Phase 4 reads each commit's
    /// thread, and a reply nominating or refusing it for stable decides.
    #[arg(long, value_name = "DB")]
    pub mail: Option<PathBuf>,
    /// How many nearest past decisions to show per commit (with --model).
    #[arg(long, default_value_t = 5)]
    pub neighbours: usize,
    /// The commits to decide: a git range `A..B` (or one revision).
    pub range: String,
    #[arg(long, value_enum, default_value_t = TriageFormat::Jsonl)]
    pub format: TriageFormat,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Also write the full Markdown report of every commit into DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Analyse every commit again instead of reusing cached rows (the new
    /// rows still refresh the cache).
    #[arg(long)]
    pub no_cache: bool,
    /// Decide each commit on its own threshold: do not cut a large range
    /// down to the share of commits the model said YES to in training.
    #[arg(long)]
    pub no_window_share: bool,
    /// `--format mbox`: the maintainer's `Signed-off-by:` (default: `[mbox]
    /// signoff` in `stablepick.toml` of the repository or the current
    /// directory).
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub signoff: Option<String>,
}

#[derive(Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// Where to write the model (JSON).
    #[arg(long, value_name = "MODEL")]
    pub out: PathBuf,
    /// A mainline commit counts as "not taken" only if it is at least this
    /// many days older than the branch's newest commit (or half the
    /// branch's life, base to newest commit, when that is shorter).
    #[arg(long, default_value_t = 30)]
    pub min_age_days: i64,
    /// Passes of stochastic gradient descent over the examples.
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    pub epochs: usize,
    /// L2 regularisation strength, per epoch: each feature's penalty is spread over the examples that carry it, so rare features are held back as much as common ones.
    #[arg(long, default_value_t = TrainOptions::default().l2)]
    pub l2: f64,
    /// AdaGrad base learning rate.
    #[arg(long, default_value_t = TrainOptions::default().learning_rate)]
    pub learning_rate: f64,
}

#[derive(Args)]
pub struct EvalArgs {
    /// The repository (work tree or bare).
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
    /// The target branch and its base: `23.11=v23.11`.
    #[arg(long = "stable", value_name = "BRANCH=BASE")]
    pub target: String,
    /// Branches to learn from, `22.11=v22.11`. Repeatable.
    #[arg(long = "train", value_name = "BRANCH=BASE", required = true)]
    pub train: Vec<String>,
    /// The window of mainline commits to decide: `LO..HI` (tags or commits).
    #[arg(long)]
    pub window: String,
    /// Write the precision/recall curve as an SVG file.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Keep the time-split copy here (default: a temporary directory).
    #[arg(long)]
    pub workdir: Option<PathBuf>,
}

/// Non-merge commits of `range`, oldest first; one revision (no `..`) is
/// that commit alone.
pub(crate) fn range_commits(git: &Git, range: &str) -> Result<Vec<Oid>> {
    let repo = git.repo();
    if !range.contains("..") {
        let oid = git.resolve_commit(range)?;
        if repo.find_commit(oid)?.parent_count() > 1 {
            bail!(
                "{range} is a merge commit; give the commits it merges as a range (`{range}^..{range}`)"
            );
        }
        return Ok(vec![oid]);
    }
    let mut walk = repo.revwalk()?;
    walk.push_range(range)
        .with_context(|| format!("reading range {range}"))?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME | git2::Sort::REVERSE)?;
    let mut out = Vec::new();
    for o in walk {
        let o = o?;
        if repo.find_commit(o)?.parent_count() <= 1 {
            out.push(o);
        }
    }
    Ok(out)
}

/// Commits decided YES per branch earlier in this run: a fix of one of them
/// fixes a bug the branch will have once it takes the earlier commit.
type Pending = std::collections::HashMap<String, std::collections::HashSet<Oid>>;

/// The mail store given with `--mail`, if any; each worker thread opens
/// its own connection (an SQLite connection is not shared across threads).
static MAIL_DB: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

thread_local! {
    static WORKER_STORE: std::cell::RefCell<Option<std::rc::Rc<stablepick_mail::MailStore>>> =
        const { std::cell::RefCell::new(None) };
}

fn worker_mail_store() -> Result<Option<std::rc::Rc<stablepick_mail::MailStore>>> {
    let Some(path) = MAIL_DB.get() else {
        return Ok(None);
    };
    WORKER_STORE.with(|cell| {
        if let Some(s) = cell.borrow().as_ref() {
            return Ok(Some(s.clone()));
        }
        let store = std::rc::Rc::new(
            stablepick_mail::MailStore::open(path)
                .with_context(|| format!("opening mail store {}", path.display()))?,
        );
        *cell.borrow_mut() = Some(store.clone());
        Ok(Some(store))
    })
}

/// Analyses `oid` and scores it with the model, without its series.
fn score_one<'h>(
    git: &Git,
    index: &RepoIndex,
    scoring: Option<&'h Scoring>,
    k: usize,
    oid: Oid,
    pending: &Pending,
) -> Result<Scored<'h>> {
    let mut ctx = Context::new(git, index);
    ctx.file_history = false;
    let store = worker_mail_store()?;
    ctx.mail = store.as_deref();
    let mut ev = collect(&ctx, oid).with_context(|| format!("analysing {oid}"))?;
    let targets: Vec<Oid> = ev.fixes.iter().filter_map(|f| f.oid()).collect();
    // (branch, target) pairs whose bug arrives with a commit taken in this run.
    let mut arriving: Vec<(String, Oid)> = Vec::new();
    for b in &mut ev.branches {
        if b.bug_present != Some(false) {
            continue;
        }
        let Some(t) = pending
            .get(&b.name)
            .and_then(|set| targets.iter().find(|t| set.contains(t)))
        else {
            continue;
        };
        b.bug_present = Some(true);
        arriving.push((b.name.clone(), *t));
    }
    for (name, t) in &arriving {
        ev.records.push(stablepick_evidence::Record::new(
            6,
            format!(
                "[{name}] bug present once {} is backported: that commit is decided YES for {name} in this run",
                stablepick_repo::short(*t)
            ),
            format!("git show -s --format=%B {oid} | grep -i '^Fixes:.*{}'", &t.to_string()[..12]),
        ));
    }
    ev.records.extend(impact::records(&ev));
    ev.records.sort_by_key(|r| r.phase);
    let rules = stablepick_verdict::decide(&ev);
    let Some(scoring) = scoring else {
        return Ok(Scored {
            ev,
            rules,
            model: None,
        });
    };
    let model = Some(own_scores(git, index, scoring, k, &ev, &arriving)?);
    Ok(Scored { ev, rules, model })
}

/// Scores every commit of `oids`, then decides each with its series read
/// from the others' own scores: a commit of the run is analysed once, not
/// once more as another's series member.
fn decide_all(
    git: &Git,
    index: &RepoIndex,
    scoring: Option<&Scoring>,
    k: usize,
    oids: &[Oid],
    pending: &Pending,
    bar: Option<&indicatif::ProgressBar>,
) -> Result<Vec<Result<Row>>> {
    let scored = par_map_git(git.git_dir(), oids, |g, &oid| {
        let s = score_one(g, index, scoring, k, oid, pending);
        if let Some(b) = bar {
            b.inc(1);
        }
        s
    })?;
    // Every commit's own score is known before any series is read, so a
    // series member's score never depends on which worker came first.
    if let Some(scoring) = scoring
        && let Ok(mut m) = scoring.members.lock()
    {
        for (s, oid) in scored.iter().zip(oids) {
            if let Ok(Scored {
                model: Some(own), ..
            }) = s
            {
                m.insert(*oid, own.plain.clone());
            }
        }
    }
    // Members outside the run are scored on a worker's own repository.
    let cells: Vec<std::sync::Mutex<Option<Result<Scored>>>> = scored
        .into_iter()
        .map(|s| std::sync::Mutex::new(Some(s)))
        .collect();
    par_map_git(git.git_dir(), &cells, |g, cell| -> Result<Row> {
        let s = cell
            .lock()
            .map_err(|_| anyhow::anyhow!("a triage worker panicked"))?
            .take()
            .expect("each commit is finished once")?;
        Ok(finish_one(g, index, scoring, k, s))
    })
    .map_err(Into::into)
}

/// Applies the range's window-share cut ([`window_share`]) to decisions
/// held in memory.
fn cut_to_window_share(model: &Model, rows: &mut [Row], range: &str) {
    let decided: Vec<_> = rows
        .iter()
        .flat_map(|r| window_share::decided_in(&r.decision))
        .collect();
    let cuts = window_share::cuts(model, &decided);
    for r in rows {
        window_share::apply(&cuts, &mut r.decision, range);
    }
}

fn yes_per_branch(rows: &[Row]) -> Pending {
    let mut out = Pending::new();
    for r in rows {
        for b in &r.decision.branches {
            if b.verdict == Some(Verdict::Yes) {
                out.entry(b.branch.clone())
                    .or_default()
                    .insert(r.ev.commit.oid);
            }
        }
    }
    out
}

/// The rows decided, and the commits that could not be analysed (an object
/// missing from a damaged clone, say) with why: one bad commit does not cost
/// the rest of the window.
struct Triaged {
    rows: Vec<Row>,
    failed: Vec<(Oid, anyhow::Error)>,
    /// Rows kept as first decided because a later step (deciding again
    /// once a fixed commit is taken, the prerequisite search) failed.
    incomplete: Vec<(Oid, anyhow::Error)>,
}

impl Triaged {
    /// Names each failed commit on stderr; an error when there were any,
    /// so a caller's exit status says the output is incomplete.
    fn report_failures(&self) -> Result<()> {
        for (oid, e) in &self.failed {
            eprintln!("stablepick: {oid} not triaged: {e:#}");
        }
        for (oid, e) in &self.incomplete {
            eprintln!("stablepick: {oid}: row as first decided, a later step failed: {e:#}");
        }
        match self.failed.len() {
            0 => Ok(()),
            n => anyhow::bail!(
                "{n} commit(s) could not be analysed and have no row (named above); the other rows are complete"
            ),
        }
    }
}

fn run_triage(
    git: &Git,
    index: &RepoIndex,
    model: Option<&Model>,
    k: usize,
    oids: &[Oid],
    taken_elsewhere: &Pending,
) -> Result<Triaged> {
    let scoring = model.map(Scoring::new);
    let scoring = scoring.as_ref();
    let bar = crate::progress::bar();
    if let Some(b) = &bar {
        b.set_message("triage");
        b.set_length(oids.len() as u64);
    }
    let rows_in = decide_all(git, index, scoring, k, oids, taken_elsewhere, bar.as_ref())?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let (mut failed, mut incomplete) = (Vec::new(), Vec::new());
    let mut rows: Vec<Row> = Vec::with_capacity(rows_in.len());
    for (r, &oid) in rows_in.into_iter().zip(oids) {
        match r {
            Ok(r) => rows.push(r),
            Err(e) => failed.push((oid, e)),
        }
    }
    // Fixes of commits taken in this run: decide again with the bug present,
    // until nothing changes (chains of fixes settle in a few rounds).
    for _ in 0..8 {
        let mut yes = yes_per_branch(&rows);
        for (b, set) in taken_elsewhere {
            yes.entry(b.clone())
                .or_default()
                .extend(set.iter().copied());
        }
        let redo: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let targets: Vec<Oid> = r.ev.fixes.iter().filter_map(|f| f.oid()).collect();
                r.ev.branches.iter().any(|b| {
                    b.bug_present == Some(false)
                        && yes
                            .get(&b.name)
                            .is_some_and(|s| targets.iter().any(|t| s.contains(t)))
                })
            })
            .map(|(i, _)| i)
            .collect();
        if redo.is_empty() {
            break;
        }
        let redo_oids: Vec<Oid> = redo.iter().map(|&i| rows[i].ev.commit.oid).collect();
        // A commit's own score as a series member counts nothing arriving:
        // deciding again stores the same.
        let again = decide_all(git, index, scoring, k, &redo_oids, &yes, None)?;
        for (i, r) in redo.into_iter().zip(again) {
            match r {
                Ok(r) => rows[i] = r,
                // The row decided before stands; the failure is reported.
                Err(e) => incomplete.push((rows[i].ev.commit.oid, e)),
            }
        }
    }
    // Prerequisites matter only where the answer is YES: search them once
    // the decisions have settled.
    let todo: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            rows[i]
                .decision
                .branches
                .iter()
                .any(|b| b.verdict == Some(Verdict::Yes))
        })
        .collect();
    let filled = par_map_git(git.git_dir(), &todo, |g, &i| -> Result<Evidence> {
        let ctx = Context::new(g, index);
        let mut ev = rows[i].ev.clone();
        for b in &rows[i].decision.branches {
            if b.verdict == Some(Verdict::Yes) {
                stablepick_evidence::prerequisites_for(&ctx, &mut ev, &b.branch)?;
            }
        }
        Ok(ev)
    })?;
    for (i, ev) in todo.into_iter().zip(filled) {
        match ev {
            Ok(ev) => rows[i].ev = ev,
            Err(e) => incomplete.push((rows[i].ev.commit.oid, e)),
        }
    }
    Ok(Triaged {
        rows,
        failed,
        incomplete,
    })
}

fn print_rows(rows: &[Row], format: TriageFormat) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut emit = |s: String| -> Result<bool> {
        match out.write_all(s.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
            r => {
                r?;
                Ok(true)
            }
        }
    };
    if format == TriageFormat::Table {
        let names: Vec<&str> = rows
            .first()
            .map(|r| {
                r.decision
                    .branches
                    .iter()
                    .map(|b| b.branch.as_str())
                    .collect()
            })
            .unwrap_or_default();
        emit(format!(
            "{:<12} {:<7} {:>5} {:<20} subject\n",
            "commit",
            "verdict",
            "score",
            names.join(",")
        ))?;
    }
    for r in rows {
        let line = match format {
            TriageFormat::Jsonl => {
                let mut s =
                    serde_json::to_string(&stablepick_report::Report::new(&r.ev, &r.decision))?;
                s.push('\n');
                s
            }
            TriageFormat::Md => {
                let mut s = stablepick_report::markdown(&r.ev, &r.decision);
                s.push_str("\n---\n\n");
                s
            }
            // Mails are a whole series per branch: see `print_mbox`.
            TriageFormat::Mbox => continue,
            TriageFormat::Table => {
                let per: Vec<&str> = r
                    .decision
                    .branches
                    .iter()
                    .map(|b| b.verdict.map(Verdict::as_str).unwrap_or("-"))
                    .collect();
                format!(
                    "{:<12} {:<7} {:>5.2} {:<20} {}\n",
                    &r.ev.commit.oid.to_string()[..12],
                    r.decision.verdict.map(Verdict::as_str).unwrap_or("-"),
                    r.decision.score.unwrap_or(0.0),
                    per.join(","),
                    r.ev.commit.subject
                )
            }
        };
        if !emit(line)? {
            return Ok(());
        }
    }
    Ok(())
}

pub fn triage(a: TriageArgs) -> Result<()> {
    if let Some(n) = a.jobs {
        // Only fails when a pool already exists, which it cannot here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let (git, index) = a.repo.open()?;
    let (model_bytes, model) = match &a.model {
        Some(p) => {
            let (bytes, model) = load_model(p)?;
            (Some(bytes), Some(model))
        }
        None => (None, None),
    };
    if let Some(db) = &a.mail {
        // Fails early, with the same message as analyze, on a missing store.
        crate::analyze::open_mail(Some(db))?;
        let _ = MAIL_DB.set(db.clone());
    }
    let oids = range_commits(&git, &a.range)?;
    // Markdown and mails need every row's evidence, which cached rows lack.
    let wants_md = matches!(a.format, TriageFormat::Md | TriageFormat::Mbox) || a.out.is_some();
    // `--no-cache` reads no row from the cache but still writes the new
    // ones, so the next run starts warm.
    let cache = (!wants_md).then(|| {
        TriageCache::open(
            &git,
            &index,
            model_bytes.as_deref(),
            a.neighbours,
            a.mail.as_deref(),
        )
    });
    let cached = match &cache {
        Some(c) if !a.no_cache => c.load(&index),
        _ => Default::default(),
    };
    let fresh: Vec<Oid> = oids
        .iter()
        .copied()
        .filter(|o| !cached.contains_key(o))
        .collect();
    let mut taken = Pending::new();
    for (oid, row) in &cached {
        for b in &row.yes {
            taken.entry(b.clone()).or_default().insert(*oid);
        }
    }
    let mut triaged = run_triage(&git, &index, model.as_ref(), a.neighbours, &fresh, &taken)?;
    if wants_md && !a.no_window_share {
        // Every row is fresh here (no cache): cut the decisions themselves.
        if let Some(m) = &model {
            cut_to_window_share(m, &mut triaged.rows, &a.range);
        }
    }
    if a.format == TriageFormat::Mbox {
        let printed = print_mbox(&a, &git, &index, &triaged.rows);
        let failures = triaged.report_failures();
        return printed.and(failures);
    }
    let printed = print_triage(&a, model.as_ref(), &oids, cache.as_ref(), cached, &triaged);
    if model.is_none() {
        hint_model_for_untagged(&a, &index);
    }
    let failures = triaged.report_failures();
    printed.and(failures)
}

/// Rules alone decide from tags. In a project that never writes
/// `Cc: stable` they say YES to little, so say how to learn from the
/// project's own backports instead.
fn hint_model_for_untagged(a: &TriageArgs, index: &RepoIndex) {
    let usage = index.stable_cc_usage();
    if stablepick_evidence::nominates(usage) {
        return;
    }
    let stable: Vec<String> = a
        .repo
        .stable
        .iter()
        .map(|s| format!("--stable {s}"))
        .collect();
    eprintln!(
        "stablepick: this project does not nominate with Cc: stable ({} of {} mainline commits), so rules alone say YES to few commits; learn from its own backports with `stablepick train --repo {} {} --out MODEL` and triage with --model MODEL",
        usage.with_stable_cc,
        usage.commits,
        a.repo.repo.display(),
        if stable.is_empty() {
            "--stable BRANCH=BASE".to_owned()
        } else {
            stable.join(" ")
        }
    );
}

/// The mails of every YES (commit, branch), prerequisites included.
fn print_mbox(a: &TriageArgs, git: &Git, index: &RepoIndex, rows: &[Row]) -> Result<()> {
    let signoff = crate::analyze::signoff(a.signoff.as_ref(), &a.repo.repo)?;
    let mut ctx = Context::new(git, index);
    ctx.file_history = false;
    let items: Vec<(&Evidence, &Decision)> = rows.iter().map(|r| (&r.ev, &r.decision)).collect();
    let mbox = crate::dependencies::mbox_with_prerequisites(&ctx, &items, signoff.as_deref())?;
    let yes = rows
        .iter()
        .filter(|r| r.decision.verdict == Some(Verdict::Yes))
        .count();
    eprintln!("stablepick: {} commits, {yes} with a YES", rows.len());
    crate::analyze::print_out(&mbox)
}

/// Writes the rows (fresh and cached) in the asked format.
fn print_triage(
    a: &TriageArgs,
    model: Option<&Model>,
    oids: &[Oid],
    cache: Option<&TriageCache>,
    cached: std::collections::HashMap<Oid, CachedRow>,
    triaged: &Triaged,
) -> Result<()> {
    let rows = &triaged.rows;
    let failed = triaged.failed.len();
    let incomplete: std::collections::HashSet<Oid> =
        triaged.incomplete.iter().map(|(o, _)| *o).collect();
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for r in rows {
            let path = dir.join(format!("{}.md", &r.ev.commit.oid.to_string()[..12]));
            std::fs::write(&path, stablepick_report::markdown(&r.ev, &r.decision))
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    if a.format == TriageFormat::Md {
        return print_rows(rows, a.format);
    }
    // Rows become their JSON lines one by one: a whole window of evidence
    // and of parsed JSON values would not fit in memory at kernel scale.
    let analysed = rows.len();
    let mut by_oid: std::collections::HashMap<Oid, String> =
        cached.into_iter().map(|(o, c)| (o, c.line)).collect();
    for r in rows {
        by_oid.insert(
            r.ev.commit.oid,
            serde_json::to_string(&stablepick_report::Report::new(&r.ev, &r.decision))?,
        );
    }
    if let Some(c) = cache {
        // A cache that cannot be written only costs speed next time. A row
        // whose later step failed is not kept: the next run tries again.
        let _ = c.store(
            by_oid
                .iter()
                .filter(|(o, _)| !incomplete.contains(o))
                .map(|(_, line)| line),
        );
    }
    // The cache keeps each commit's own decision; the range's cut is
    // applied to what is printed, so every range gets its own.
    let cuts = match model {
        Some(m) if !a.no_window_share => crate::window_cut::cuts_of_lines(
            m,
            oids.iter()
                .filter_map(|o| by_oid.get(o))
                .map(String::as_str),
        )?,
        _ => Vec::new(),
    };
    let ordered = oids.iter().filter_map(|o| by_oid.get(o)).map(|line| {
        crate::window_cut::cut_line(line, &cuts, &a.range).map(|cut| {
            cut.map_or(
                std::borrow::Cow::Borrowed(line.as_str()),
                std::borrow::Cow::Owned,
            )
        })
    });
    let from_cache = oids.len().saturating_sub(analysed + failed);
    if failed == 0 {
        eprintln!(
            "stablepick: {} commits ({analysed} analysed, {from_cache} from the cache)",
            oids.len()
        );
    } else {
        eprintln!(
            "stablepick: {} commits ({analysed} analysed, {from_cache} from the cache, {failed} could not be analysed)",
            oids.len()
        );
    }
    match a.format {
        TriageFormat::Table => {
            // The table needs the verdicts, not the records.
            let slim: Vec<serde_json::Value> = ordered
                .map(|line| {
                    let mut v: serde_json::Value = serde_json::from_str(&line?)?;
                    if let Some(o) = v.as_object_mut() {
                        o.remove("records");
                    }
                    Ok(v)
                })
                .collect::<Result<_>>()?;
            let refs: Vec<&serde_json::Value> = slim.iter().collect();
            crate::analyze::print_out(&crate::triage_view::table(&refs))
        }
        _ => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for line in ordered {
                let line = line?;
                let r = out
                    .write_all(line.as_bytes())
                    .and_then(|()| out.write_all(b"\n"));
                match r {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                    r => r?,
                }
            }
            match out.flush() {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => Ok(r?),
            }
        }
    }
}

/// A row from the cache: its JSON line and the branches it said YES for.
struct CachedRow {
    line: String,
    yes: Vec<String>,
}

/// Finished triage rows on disk, one file per (branches, releases, model,
/// options): a re-run analyses only commits it has not seen. A cached row
/// is used only while the commits that fix or revert it are still the same.
struct TriageCache {
    path: PathBuf,
}

impl TriageCache {
    fn open(
        git: &Git,
        index: &RepoIndex,
        model: Option<&[u8]>,
        k: usize,
        mail: Option<&Path>,
    ) -> TriageCache {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        env!("CARGO_PKG_VERSION").hash(&mut h);
        // Another build of the tool may extract or weigh evidence
        // differently under the same version number: its rows are its own.
        std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| (m.len(), m.modified().ok()))
            .ok()
            .hash(&mut h);
        stablepick_repo::index::INDEX_FORMAT.hash(&mut h);
        // Rows written by an older report layout lack its newer fields.
        stablepick_report::REPORT_FORMAT.hash(&mut h);
        index.mainline_ref().hash(&mut h);
        for r in index.releases() {
            (&r.tag, r.commit).hash(&mut h);
        }
        for b in index.branches() {
            (&b.branch.name, &b.branch.base, b.branch.tip).hash(&mut h);
        }
        model.hash(&mut h);
        k.hash(&mut h);
        // A mail store that changed (new imports) changes Phase 4.
        if let Some(m) = mail {
            m.hash(&mut h);
            std::fs::metadata(m)
                .and_then(|md| md.modified())
                .ok()
                .hash(&mut h);
        }
        TriageCache {
            path: git
                .git_dir()
                .join("stablepick")
                .join(format!("triage-{:016x}.jsonl", h.finish())),
        }
    }

    fn load(&self, index: &RepoIndex) -> std::collections::HashMap<Oid, CachedRow> {
        let mut out = std::collections::HashMap::new();
        let Ok(text) = std::fs::read_to_string(&self.path) else {
            return out;
        };
        let shas = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        };
        let strs = |o: &[Oid]| -> Vec<String> { o.iter().map(|x| x.to_string()).collect() };
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(oid) = v["commit"].as_str().and_then(|s| Oid::from_str(s).ok()) else {
                continue;
            };
            if shas(&v["reverted_by"]) == strs(index.reverted_by(oid))
                && shas(&v["followup_fixes"]) == strs(index.fixed_by(oid))
            {
                let yes = v["branches"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|b| b["verdict"] == "YES")
                    .filter_map(|b| b["branch"].as_str().map(str::to_string))
                    .collect();
                out.insert(
                    oid,
                    CachedRow {
                        line: line.to_string(),
                        yes,
                    },
                );
            }
        }
        out
    }

    fn store<'a>(&self, rows: impl Iterator<Item = &'a String>) -> Result<()> {
        let dir = self.path.parent().context("cache dir")?;
        std::fs::create_dir_all(dir)?;
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for line in rows {
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
        drop(w);
        std::fs::rename(&tmp, &self.path)?;
        // Rows of other branch tips, models and builds.
        stablepick_repo::cache_dir::prune(dir, "triage-", ".jsonl", KEPT_TRIAGE_CACHES, &self.path);
        Ok(())
    }
}

/// Triage row caches kept: each branch tip, model and build has its own,
/// and a daily run makes a new one.
const KEPT_TRIAGE_CACHES: usize = 8;

pub fn train(a: TrainArgs) -> Result<()> {
    let (git, index) = a.repo.open()?;
    if index.branches().is_empty() {
        bail!("no stable branches to learn from (use --stable BRANCH=BASE)");
    }
    let mo = MineOptions {
        min_age_days: a.min_age_days,
    };
    let to = TrainOptions {
        epochs: a.epochs,
        l2: a.l2,
        learning_rate: a.learning_rate,
        ..TrainOptions::default()
    };
    let model = stablepick_verdict::learn::train(&git, &index, &mo, &to)?;
    no_decisions_is_an_error(&model)?;
    model
        .save(&a.out)
        .with_context(|| format!("writing {}", a.out.display()))?;
    let s = &model.stats;
    eprintln!(
        "stablepick: trained on {} ({} examples, {} backported, {} past decisions); out-of-fold P={:.3} R={:.3} F1={:.3} at threshold {:.3}; own weight against the series {:.2}, against the pull request {:.2}; wrote {}",
        model.trained_on.join(", "),
        s.examples,
        s.positives,
        model.past.len(),
        s.oof_precision,
        s.oof_recall,
        s.oof_f1,
        model.threshold,
        model.series_weight,
        model.pull_weight,
        a.out.display()
    );
    Ok(())
}

/// A model learned from no decision would score every commit alike: say
/// why instead of writing it.
fn no_decisions_is_an_error(model: &Model) -> Result<()> {
    if model.stats.examples == 0 {
        bail!(
            "no training decisions in {}: no branch's window holds a mainline commit old enough to count (its base must be an ancestor of mainline, with commits after it)",
            model.trained_on.join(", ")
        );
    }
    Ok(())
}

fn git_cmd(dir: &Path, args: &[&str]) -> Result<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A bare repository sharing `src`'s objects, with only the refs the
/// time split allows: main at HI, the target at its base, each training
/// branch at its last commit before LO, and the tags those tips reach.
fn time_split_copy(src: &Git, dir: &Path, a: &EvalArgs, lo: &str, hi: &str) -> Result<()> {
    let srcdir = src.git_dir().canonicalize()?;
    std::fs::create_dir_all(dir)?;
    git_cmd(dir, &["init", "-q", "--bare", "."])?;
    std::fs::write(
        dir.join("objects/info/alternates"),
        format!("{}\n", srcdir.join("objects").display()),
    )?;
    let lo_time = src.commit_info(src.resolve_commit(lo)?)?.commit_time;
    let target: StableSpec = a.target.parse()?;
    let mut refs: Vec<(String, Oid)> = vec![("refs/heads/main".into(), src.resolve_commit(hi)?)];
    let tbase = target.base.clone().context("--stable needs BRANCH=BASE")?;
    refs.push((
        format!("refs/heads/{}", target.branch),
        src.resolve_commit(&tbase)?,
    ));
    for t in &a.train {
        let spec: StableSpec = t.parse()?;
        let (_, tip) = src.find_branch(&spec.branch)?;
        let mut walk = src.repo().revwalk()?;
        walk.push(tip)?;
        walk.set_sorting(git2::Sort::TIME)?;
        let at = walk
            .flatten()
            .find(|o| {
                src.repo()
                    .find_commit(*o)
                    .map(|c| c.time().seconds() < lo_time)
                    .unwrap_or(false)
            })
            .with_context(|| format!("{} has no commit before {lo}", spec.branch))?;
        refs.push((format!("refs/heads/{}", spec.branch), at));
    }
    let mut tags = Vec::new();
    for (name, c) in src.tags()? {
        if refs
            .iter()
            .any(|(_, tip)| src.is_ancestor(c, *tip).unwrap_or(false))
        {
            tags.push((format!("refs/tags/{name}"), c));
        }
    }
    let mut input = String::new();
    for (r, o) in refs.iter().chain(&tags) {
        input.push_str(&format!("update {r} {o}\n"));
    }
    let mut child = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["update-ref", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .context("stdin")?
        .write_all(input.as_bytes())?;
    if !child.wait()?.success() {
        bail!("git update-ref failed in {}", dir.display());
    }
    git_cmd(dir, &["symbolic-ref", "HEAD", "refs/heads/main"])?;
    Ok(())
}

pub fn eval(a: EvalArgs) -> Result<()> {
    let (lo, hi) = a
        .window
        .split_once("..")
        .context("--window must be LO..HI")?;
    let src = Git::open(&a.repo)?;
    let target: StableSpec = a.target.parse()?;
    let tmp;
    let dir = match &a.workdir {
        Some(d) => d.clone(),
        None => {
            tmp = tempfile::tempdir()?;
            tmp.path().join("split.git")
        }
    };
    if !dir.join("HEAD").exists() {
        time_split_copy(&src, &dir, &a, lo, hi)?;
    }
    // Truth: backport lines on the real target branch.
    let truth_index = RepoIndex::open(
        &src,
        &IndexOptions {
            mainline: None,
            stable: vec![target.clone()],
            rebuild: false,
            no_cache: false,
            progress: None,
        },
    )?;
    let truth_branch = truth_index
        .branch(&target.branch)
        .context("target branch")?;

    let git = Git::open(&dir)?;
    let train_specs: Vec<StableSpec> = a
        .train
        .iter()
        .map(|s| s.parse())
        .collect::<Result<_, _>>()?;
    let train_index = RepoIndex::open(
        &git,
        &IndexOptions {
            mainline: Some("main".into()),
            stable: train_specs,
            rebuild: false,
            no_cache: false,
            progress: None,
        },
    )?;
    let model = stablepick_verdict::learn::train(
        &git,
        &train_index,
        &MineOptions::default(),
        &TrainOptions::default(),
    )?;
    no_decisions_is_an_error(&model)?;
    let mut model = model;
    let path = dir.join("model.json");
    model.save(&path)?;
    model = Model::load(&path)?;
    let index = RepoIndex::open(
        &git,
        &IndexOptions {
            mainline: Some("main".into()),
            stable: vec![target.clone()],
            rebuild: false,
            no_cache: false,
            progress: None,
        },
    )?;
    let oids = range_commits(&git, &format!("{lo}..{hi}"))?;
    let mut triaged = run_triage(&git, &index, Some(&model), 0, &oids, &Pending::new())?;
    // Scored as `triage` prints the window.
    cut_to_window_share(&model, &mut triaged.rows, &format!("{lo}..{hi}"));
    // A commit that cannot be read cannot be scored: it is named, counts as
    // NO, and the exit status says the figures are incomplete.
    let failures = triaged.report_failures();
    // The truth is read the way training reads a branch's decisions: a
    // backport line, or a branch commit with the same subject.
    let subjects: std::collections::HashMap<Oid, String> = oids
        .iter()
        .map(|&o| (o, src.commit_info(o).map(|i| i.subject).unwrap_or_default()))
        .collect();
    let mut counts = stablepick_verdict::learn::SubjectCounts::default();
    for s in subjects.values() {
        counts.add(s);
    }
    let truth = |o: Oid| {
        let subject = subjects.get(&o).map(String::as_str).unwrap_or_default();
        let t = stablepick_verdict::learn::Taken::read(&src, truth_branch, o, subject);
        (t.taken(counts.unique(subject)), t.line, t.merged)
    };
    let rows = triaged.rows;
    // (score, decided by a hard rule or not scored, verdict, truth)
    let mut scored = Vec::new();
    // Per row of `scored`: taken by a backport line (what plain-git scorers
    // count); held by the branch itself, merged into it.
    let mut by_line = Vec::new();
    let mut merged_in = 0;
    for (o, _) in &triaged.failed {
        let (taken, line, merged) = truth(*o);
        scored.push((0.0, true, false, taken));
        by_line.push(line);
        merged_in += usize::from(merged);
    }
    for r in &rows {
        let Some(b) = r
            .decision
            .branches
            .iter()
            .find(|b| b.branch == target.branch)
        else {
            continue;
        };
        let facts = r.ev.branches.iter().find(|f| f.name == target.branch);
        let hard = facts.is_some_and(|f| combine::hard_rule(&r.ev, f).is_some());
        let (taken, line, merged) = truth(r.ev.commit.oid);
        scored.push((b.score, hard, b.verdict == Some(Verdict::Yes), taken));
        by_line.push(line);
        merged_in += usize::from(merged);
    }
    let (p, rc, f) = stablepick_verdict::model::prf(scored.iter().map(|s| (s.2, s.3)));
    let positives = scored.iter().filter(|s| s.3).count();
    println!(
        "eval {} (base {}) window {lo}..{hi}: {} commits, {} backported; trained on {} ({} examples)",
        target.branch,
        target.base.as_deref().unwrap_or("?"),
        scored.len(),
        positives,
        model.trained_on.join(", "),
        model.stats.examples
    );
    println!(
        "threshold {:.3}: precision {p:.3} recall {rc:.3} F1 {f:.3}",
        model.threshold
    );
    let lines = by_line.iter().filter(|&&l| l).count();
    if lines != positives {
        let (lp, lr, lf) = stablepick_verdict::model::prf(
            scored.iter().zip(&by_line).map(|(s, &line)| (s.2, line)),
        );
        let merged = if merged_in > 0 {
            format!(", {merged_in} held by the branch itself (merged into it)")
        } else {
            String::new()
        };
        println!(
            "{lines} of the {positives} backported are named by a backport line{merged}, the others by a branch commit with the same subject; against the lines alone: precision {lp:.3} recall {lr:.3} F1 {lf:.3}"
        );
    }
    let curve = pr_curve(&scored);
    // Ranking and threshold apart: how well the scores order the window,
    // and what the best threshold on it would have given.
    let (ap, best) = ranking_figures(&curve);
    if let Some((bt, bf)) = best {
        println!(
            "average precision {ap:.3}; the best threshold on this window, {bt:.3}, would give F1 {bf:.3} (the learned one gives {f:.3})"
        );
    }
    println!("precision/recall curve (threshold precision recall F1):");
    for (t, p, r, f) in curve.iter().step_by((curve.len() / 20).max(1)) {
        println!("  {t:.3} {p:.3} {r:.3} {f:.3}");
    }
    if let Some(path) = &a.plot {
        std::fs::write(path, svg(&curve, (p, rc)))?;
        println!("wrote {}", path.display());
    }
    if !triaged.failed.is_empty() {
        println!(
            "{} commit(s) could not be analysed (named on stderr); they count as NO",
            triaged.failed.len()
        );
    }
    failures
}

/// (threshold, precision, recall, F1) as the threshold sweeps the scores of
/// the commits no hard rule decided.
fn pr_curve(scored: &[(f64, bool, bool, bool)]) -> Vec<(f64, f64, f64, f64)> {
    let total = scored.iter().filter(|s| s.3).count().max(1);
    let mut el: Vec<(f64, bool)> = scored.iter().filter(|s| !s.1).map(|s| (s.0, s.3)).collect();
    el.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut out = Vec::new();
    let mut i = 0;
    while i < el.len() {
        let t = el[i].0;
        while i < el.len() && el[i].0 == t {
            if el[i].1 {
                tp += 1
            } else {
                fp += 1
            }
            i += 1;
        }
        let p = tp as f64 / (tp + fp) as f64;
        let r = tp as f64 / total as f64;
        let f = if tp > 0 { 2.0 * p * r / (p + r) } else { 0.0 };
        out.push((t, p, r, f));
    }
    out
}

/// The average precision of a [`pr_curve`] (precision at each step, weighed
/// by the recall the step gains) and its best (threshold, F1), if any.
fn ranking_figures(curve: &[(f64, f64, f64, f64)]) -> (f64, Option<(f64, f64)>) {
    let mut ap = 0.0;
    let mut last_recall = 0.0;
    for &(_, p, r, _) in curve {
        ap += (r - last_recall) * p;
        last_recall = r;
    }
    // The first of equal F1s: the highest threshold, the fewest YES.
    let best = curve
        .iter()
        .copied()
        .reduce(|a, b| if b.3 > a.3 { b } else { a })
        .map(|(t, _, _, f)| (t, f));
    (ap, best)
}

/// A small hand-written SVG: recall on x, precision on y, the operating
/// point marked.
fn svg(curve: &[(f64, f64, f64, f64)], op: (f64, f64)) -> String {
    let (w, h, m) = (480.0, 360.0, 40.0);
    let x = |r: f64| m + r * (w - 2.0 * m);
    let y = |p: f64| h - m - p * (h - 2.0 * m);
    let pts: Vec<String> = curve
        .iter()
        .map(|(_, p, r, _)| format!("{:.1},{:.1}", x(*r), y(*p)))
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<line x1="{m}" y1="{b}" x2="{r}" y2="{b}" stroke="black"/>
<line x1="{m}" y1="{m}" x2="{m}" y2="{b}" stroke="black"/>
<text x="{cx}" y="{ty}" text-anchor="middle">recall</text>
<text x="12" y="{cy}" transform="rotate(-90 12 {cy})" text-anchor="middle">precision</text>
<text x="{m}" y="{ty}">0</text><text x="{r}" y="{ty}" text-anchor="end">1</text>
<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{pts}"/>
<circle cx="{ox:.1}" cy="{oy:.1}" r="4" fill="#d62728"/>
</svg>
"##,
        b = h - m,
        r = w - m,
        cx = w / 2.0,
        cy = h / 2.0,
        ty = h - 10.0,
        pts = pts.join(" "),
        ox = x(op.1),
        oy = y(op.0),
    )
}

#[cfg(test)]
mod ranking_tests {
    use super::{pr_curve, ranking_figures};

    fn row(score: f64, taken: bool) -> (f64, bool, bool, bool) {
        (score, false, false, taken)
    }

    #[test]
    fn average_precision_and_best_threshold_of_a_window() {
        // Taken, left, taken, left: precision 1 at half the recall, then
        // 2/3 at all of it.
        let scored = [
            row(0.9, true),
            row(0.8, false),
            row(0.7, true),
            row(0.1, false),
        ];
        let (ap, best) = ranking_figures(&pr_curve(&scored));
        assert!((ap - (0.5 + 0.5 * 2.0 / 3.0)).abs() < 1e-9, "{ap}");
        let (t, f) = best.unwrap();
        assert_eq!(t, 0.7);
        assert!((f - 0.8).abs() < 1e-9, "{f}");
        // A perfect ranking has an average precision of 1; a hard-ruled
        // positive the sweep never reaches costs its share of recall.
        let perfect = [row(0.9, true), row(0.2, false)];
        assert!((ranking_figures(&pr_curve(&perfect)).0 - 1.0).abs() < 1e-9);
        let ruled = [row(0.9, true), (0.0, true, false, true), row(0.2, false)];
        assert!((ranking_figures(&pr_curve(&ruled)).0 - 0.5).abs() < 1e-9);
        assert_eq!(ranking_figures(&[]), (0.0, None));
    }
}
