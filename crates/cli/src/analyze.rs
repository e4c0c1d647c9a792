//! `stablepick analyze`, `stablepick index` and `stablepick demo`.

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use stablepick_evidence::{Context, collect};
use stablepick_repo::{Git, IndexOptions, RepoIndex, StableSpec};
use std::io::Write;
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum, Default)]
pub enum Format {
    #[default]
    Md,
    Json,
    /// One AUTOSEL-style mail per YES (commit, branch), ready for `git am`.
    Mbox,
}

/// Where the repository is and which branches matter.
#[derive(Args, Clone)]
pub struct RepoArgs {
    /// The repository (work tree or bare).
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
    /// A stable branch, optionally with its base tag: `linux-6.1.y`,
    /// `23.11=v23.11`. Repeatable. Default: every branch named like one.
    #[arg(long = "stable", value_name = "BRANCH[=BASE]")]
    pub stable: Vec<String>,
    /// The mainline branch (default: master, main, origin/HEAD, … HEAD).
    #[arg(long)]
    pub mainline: Option<String>,
    /// Rebuild the index even if the cached one is current.
    #[arg(long)]
    pub rebuild_index: bool,
}

impl RepoArgs {
    pub fn open(&self) -> Result<(Git, RepoIndex)> {
        let git = Git::open(&self.repo)?;
        let stable = self
            .stable
            .iter()
            .map(|s| s.parse::<StableSpec>())
            .collect::<Result<Vec<_>, _>>()?;
        let bar = crate::progress::bar();
        let index = RepoIndex::open(
            &git,
            &IndexOptions {
                mainline: self.mainline.clone(),
                stable,
                rebuild: self.rebuild_index,
                no_cache: false,
                progress: bar.as_ref().map(crate::progress::index_progress),
            },
        );
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let index = index?;
        let inactive = &index.stats.inactive_branches;
        if !inactive.is_empty() {
            let shown: Vec<&str> = inactive.iter().take(8).map(String::as_str).collect();
            eprintln!(
                "stablepick: left out {} stable branch(es) with no commit in the two years before the newest stable commit: {}{} (name them with --stable to include them)",
                inactive.len(),
                shown.join(", "),
                if inactive.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            );
        }
        Ok((git, index))
    }
}

#[derive(Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// The commit to analyse (any revision git understands).
    pub commit: String,
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
    /// Phase 5: index the source trees (commit and branch tips) for callers
    /// and entry points. The first run per tree takes seconds; later runs
    /// read the cached index.
    #[arg(long)]
    pub code: bool,
    /// Phase 4: a mail store made by `stablepick mail import`.
    #[arg(long, value_name = "DB")]
    pub mail: Option<PathBuf>,
    /// A model made by `stablepick train`: decide as `triage --model` does
    /// (the rules' hard cases first, then the model's probability, the
    /// commit's series and its nearest past decisions); without it, the
    /// stable rules alone.
    #[arg(long, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// How many nearest past decisions to show (with --model).
    #[arg(long, default_value_t = 5)]
    pub neighbours: usize,
    /// `--format mbox`: the maintainer's `Signed-off-by:` (default: `[mbox]
    /// signoff` in stablepick.toml in the repository or the current directory).
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub signoff: Option<String>,
}

/// Opens an existing mail store; a missing file is an error, not a new store.
pub fn open_mail(path: Option<&std::path::Path>) -> Result<Option<stablepick_mail::MailStore>> {
    match path {
        None => Ok(None),
        Some(p) if !p.exists() => anyhow::bail!(
            "mail store {} does not exist (create it with `stablepick mail import --db {} SOURCE…`)",
            p.display(),
            p.display()
        ),
        Some(p) => Ok(Some(
            stablepick_mail::MailStore::open(p)
                .with_context(|| format!("opening mail store {}", p.display()))?,
        )),
    }
}

/// The sign-off for mails: the command line's, else `stablepick.toml`'s
/// (the repository's, then the current directory's).
pub fn signoff(given: Option<&String>, repo: &std::path::Path) -> Result<Option<String>> {
    if let Some(s) = given {
        return Ok(Some(s.clone()));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    stablepick_report::mbox::signoff_from_config(repo, &cwd).map_err(|e| anyhow::anyhow!(e))
}

pub fn run(a: AnalyzeArgs) -> Result<()> {
    let (git, index) = a.repo.open()?;
    let oid = git.resolve_commit(&a.commit)?;
    // A merge's own diff depends on which parent one reads it against, and
    // every record's command would need to say which: the commits it brings
    // in are what a branch takes.
    let parents = git.commit_info(oid)?.parents.len();
    if parents > 1 {
        anyhow::bail!(
            "{} is a merge commit ({parents} parents); analyze takes the commits it brings in, listed by `git log --no-merges {}^1..{}`",
            a.commit,
            a.commit,
            a.commit
        );
    }
    let mail = open_mail(a.mail.as_deref())?;
    // Only mails carry a sign-off: a broken config stops nothing else.
    let signoff = match a.format {
        Format::Mbox => signoff(a.signoff.as_ref(), &a.repo.repo)?,
        _ => None,
    };
    let model = match &a.model {
        Some(p) => Some(crate::scoring::load_model(p)?.1),
        None => None,
    };
    let opts = RenderOptions {
        format: a.format,
        code: a.code,
        signoff,
        neighbours: a.neighbours,
    };
    let text = render(&git, &index, oid, &opts, mail.as_ref(), model.as_ref())?;
    print_out(&text)
}

/// What to render and how.
pub struct RenderOptions {
    pub format: Format,
    /// Run Phase 5.
    pub code: bool,
    /// The `Signed-off-by:` for `--format mbox`.
    pub signoff: Option<String>,
    /// Nearest past decisions to show (with a model).
    pub neighbours: usize,
}

fn render(
    git: &Git,
    index: &RepoIndex,
    oid: stablepick_repo::Oid,
    opts: &RenderOptions,
    mail: Option<&stablepick_mail::MailStore>,
    model: Option<&stablepick_verdict::model::Model>,
) -> Result<String> {
    let mut ctx = Context::new(git, index);
    ctx.code = opts.code;
    ctx.mail = mail;
    let mut ev = collect(&ctx, oid).with_context(|| format!("analysing {oid}"))?;
    ev.records.extend(stablepick_verdict::impact::records(&ev));
    let rules = stablepick_verdict::decide(&ev);
    let decision = match model {
        None => rules,
        Some(model) => {
            let scoring = crate::scoring::Scoring::new(model);
            let k = opts.neighbours;
            let own = crate::scoring::own_scores(git, index, &scoring, k, &ev, &[])?;
            let scored = crate::scoring::Scored {
                ev,
                rules,
                model: Some(own),
            };
            let row = crate::scoring::finish_one(git, index, Some(&scoring), k, scored);
            ev = row.ev;
            row.decision
        }
    };
    // Prerequisites only where the branch takes the commit: the history
    // search behind them is the costly part of Phase 6.
    for b in &decision.branches {
        if b.verdict == Some(stablepick_verdict::Verdict::Yes) {
            stablepick_evidence::prerequisites_for(&ctx, &mut ev, &b.branch)
                .with_context(|| format!("prerequisites of {oid} for {}", b.branch))?;
        }
    }
    Ok(match opts.format {
        Format::Md => stablepick_report::markdown(&ev, &decision),
        Format::Mbox => crate::dependencies::mbox_with_prerequisites(
            &ctx,
            &[(&ev, &decision)],
            opts.signoff.as_deref(),
        )?,
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&stablepick_report::Report::new(&ev, &decision))?;
            s.push('\n');
            s
        }
    })
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn print_out(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

#[derive(Args)]
pub struct IndexArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
}

pub fn index(a: IndexArgs) -> Result<()> {
    let (_git, index) = a.repo.open()?;
    let s = &index.stats;
    let mut text = format!(
        "index: {} commits, {} ms ({}){}\nmainline: {} at {}\nreleases: {} ({} … {})\nunresolved Fixes: tags on mainline: {}\n",
        index.commit_count(),
        s.millis,
        if s.from_cache {
            "from cache".to_string()
        } else if s.commits_reused > 0 {
            format!(
                "built; {} commits read, {} known from an earlier build",
                s.commits_read, s.commits_reused
            )
        } else {
            "built".to_string()
        },
        s.cache_path
            .as_ref()
            .map(|p| format!(", cache {}", p.display()))
            .unwrap_or_default(),
        index.mainline_display(),
        index.mainline_tip(),
        index.releases().len(),
        index
            .releases()
            .first()
            .map(|r| r.tag.as_str())
            .unwrap_or("-"),
        index
            .releases()
            .last()
            .map(|r| r.tag.as_str())
            .unwrap_or("-"),
        index.unresolved_fixes(),
    );
    for b in index.branches() {
        text.push_str(&format!(
            "stable {} ({}): base {}, {} commits, {} with backport lines\n",
            b.branch.name,
            b.branch.display_ref(),
            b.branch.base,
            b.commits,
            b.backport_count()
        ));
    }
    print_out(&text)
}

#[derive(Args)]
pub struct DemoArgs {
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
    /// Keep the demo repository in this directory instead of a temporary one.
    #[arg(long)]
    pub keep: Option<PathBuf>,
}

pub fn demo(a: DemoArgs) -> Result<()> {
    let tmp;
    let dir = match &a.keep {
        Some(d) => d.clone(),
        None => {
            tmp = tempfile::tempdir()?;
            tmp.path().join("linux")
        }
    };
    let demo = stablepick_demo::build(&dir).context("building the demo repository")?;
    let git = Git::open(&demo.path)?;
    let index = RepoIndex::open(&git, &IndexOptions::default())?;
    eprintln!(
        "demo repository: {} ({} commits, stable branches: {})",
        demo.path.display(),
        index.commit_count(),
        index
            .branches()
            .iter()
            .map(|b| b.branch.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    // The series' mailing-list thread, imported like any archive.
    let mbox = dir.with_extension("mbox");
    let kasan = demo.oid("kasan_kexec").to_string();
    std::fs::write(&mbox, stablepick_demo::mail::series_mbox(&kasan[..12]))?;
    let db = dir.with_extension("mail.db");
    let mut store = stablepick_mail::MailStore::open(&db)?;
    stablepick_mail::import(&mut store, &[mbox], &Default::default())
        .context("importing the demo mail thread")?;
    let opts = RenderOptions {
        format: a.format,
        code: true,
        signoff: Some("Demo Stable Maintainer <stable@example.org>".into()),
        neighbours: 0,
    };
    let text = render(&git, &index, demo.oid("vmx_fix"), &opts, Some(&store), None)?;
    print_out(&text)
}
