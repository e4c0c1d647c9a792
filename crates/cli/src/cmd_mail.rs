//! `stablepick mail …`: import archives, show a series, a thread, search.

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use stablepick_mail::{
    ImportOptions, MailStore, Mailbox, MboxFlavor, import, read_mailbox_file, tree::format_time,
    tree::render_thread,
};
use std::path::{Path, PathBuf};

const DEFAULT_DB: &str = "stablepick-mail.db";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeriesFormat {
    Json,
    Md,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(clap::Subcommand, Debug)]
pub enum MailCommand {
    /// Import mail archives (mbox[.gz], maildir, public-inbox v2, pipermail
    /// .txt[.gz], cover-letter digest) into the mail store. Resumable.
    Import {
        /// Mail store (SQLite) to create or extend.
        #[arg(long, default_value = DEFAULT_DB)]
        db: PathBuf,
        /// Read mbox files as mboxo (only `>From ` is unescaped) instead of mboxrd.
        #[arg(long)]
        mboxo: bool,
        /// Messages per transaction.
        #[arg(long, default_value_t = 5000)]
        batch: usize,
        /// Print progress to stderr.
        #[arg(long, short)]
        verbose: bool,
        #[arg(required = true)]
        sources: Vec<PathBuf>,
    },
    /// Print the newest revision of a series: from an mbox file holding the
    /// thread, or a Message-ID looked up in the store.
    Series {
        /// An mbox (or other archive) file, or a Message-ID.
        source: String,
        #[arg(long, default_value = DEFAULT_DB)]
        db: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: SeriesFormat,
    },
    /// Show the thread of a message as a tree.
    Thread {
        msgid: String,
        #[arg(long, default_value = DEFAULT_DB)]
        db: PathBuf,
    },
    /// Full-text search: words, `from:X`, `subject:W`, `since:YYYY-MM-DD`,
    /// `until:YYYY-MM-DD`.
    Search {
        #[arg(required = true)]
        query: Vec<String>,
        #[arg(long, default_value = DEFAULT_DB)]
        db: PathBuf,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
}

fn open_existing(db: &Path) -> Result<MailStore> {
    if !db.is_file() {
        bail!(
            "no mail store at {}: create it with `stablepick mail import --db {} SOURCE...`",
            db.display(),
            db.display()
        );
    }
    MailStore::open(db).with_context(|| format!("opening mail store {}", db.display()))
}

pub fn run(cmd: MailCommand) -> Result<()> {
    match cmd {
        MailCommand::Import {
            db,
            mboxo,
            batch,
            verbose,
            sources,
        } => {
            let mut store = MailStore::open(&db)
                .with_context(|| format!("opening mail store {}", db.display()))?;
            let opts = ImportOptions {
                mbox_flavor: if mboxo { MboxFlavor::O } else { MboxFlavor::Rd },
                batch,
                progress: verbose,
                thread: true,
            };
            let st = import(&mut store, &sources, &opts)?;
            println!(
                "{} messages read, {} new, {} skipped, in {:.1}s ({} in store)",
                st.read,
                st.new,
                st.skipped,
                st.elapsed.as_secs_f64(),
                store.count()?
            );
            if let Some(t) = st.threading {
                println!(
                    "threaded {} messages into {} threads in {:.1}s",
                    t.messages,
                    t.threads,
                    t.elapsed.as_secs_f64()
                );
            }
        }
        MailCommand::Series { source, db, format } => {
            let path = Path::new(&source);
            let (mb, series) = if path.is_file() {
                let msgs = read_mailbox_file(path, MboxFlavor::Rd)
                    .with_context(|| format!("reading {}", path.display()))?;
                let mb = Mailbox::new(msgs);
                // The file holds one thread: take its newest revision.
                let newest = mb
                    .all_series()
                    .into_iter()
                    .max_by_key(|s| {
                        let d = s.members().filter_map(|i| mb.messages[i].date).max();
                        (s.revision, d)
                    })
                    .with_context(|| format!("{}: no patch series in this file", path.display()))?;
                let newest = mb.revisions(&newest).into_iter().last().unwrap_or(newest);
                (mb, newest)
            } else {
                let store = open_existing(&db)?;
                let (mb, i) = store
                    .mailbox_for(&source)?
                    .with_context(|| format!("message <{source}> is not in {}", db.display()))?;
                let s = mb
                    .newest_revision_of(i)
                    .with_context(|| format!("message <{source}> is not part of a patch series"))?;
                (mb, s)
            };
            let view = mb.view(&series);
            match format {
                SeriesFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&view.to_json())?)
                }
                SeriesFormat::Md => print!("{}", view.to_markdown()),
            }
        }
        MailCommand::Thread { msgid, db } => {
            let store = open_existing(&db)?;
            let (mb, i) = store
                .mailbox_for(&msgid)?
                .with_context(|| format!("message <{msgid}> is not in {}", db.display()))?;
            print!("{}", render_thread(&mb, i));
        }
        MailCommand::Search {
            query,
            db,
            limit,
            format,
        } => {
            let store = open_existing(&db)?;
            let hits = store.search(&query.join(" "), limit)?;
            match format {
                ListFormat::Json => {
                    let v: Vec<serde_json::Value> = hits
                        .iter()
                        .map(|h| {
                            serde_json::json!({
                                "message_id": h.message_id,
                                "date": h.date,
                                "author": h.author,
                                "subject": h.subject,
                            })
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&v)?);
                }
                ListFormat::Text => {
                    for h in hits {
                        let d = h
                            .date
                            .map(format_time)
                            .unwrap_or_else(|| "(no date)".into());
                        println!("{d}  {}  {}  <{}>", h.author, h.subject, h.message_id);
                    }
                }
            }
        }
    }
    Ok(())
}
