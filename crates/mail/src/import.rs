//! Import driver: detects each source's kind, streams it through a
//! three-stage pipeline (read/split → parse in parallel → store), and
//! re-threads the archive when something new arrived.
//!
//! Memory is bounded by a few batches in flight. Each stored batch commits
//! with the source position it reached, so a killed import resumes there.
//!
//! An import into an empty store is a bulk load: the indexes on the
//! messages are created once after the rows instead of row by row (see
//! [`MailStore::begin_bulk`]). Every import fills the full-text index in one
//! pass over the new rows before it returns ([`MailStore::complete_fts`]).
//! Either step left undone by a killed import is done by the next
//! [`MailStore::open`] or import.

use crate::digest::{is_digest, parse_digest};
use crate::error::{Error, Result, io_err};
use crate::mbox::{MboxFlavor, MboxReader, open_maybe_gz};
use crate::parse::{Message, parse_date_lenient, parse_message};
use crate::pipermail;
use crate::store::{MailStore, Prepared, ThreadStats};
use crate::{maildir, public_inbox};
use rayon::prelude::*;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{TryRecvError, sync_channel};
use std::time::{Duration, Instant};

/// Import settings.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub mbox_flavor: MboxFlavor,
    /// Messages per transaction.
    pub batch: usize,
    /// Print progress lines to stderr.
    pub progress: bool,
    /// Re-thread the archive after importing.
    pub thread: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            mbox_flavor: MboxFlavor::Rd,
            batch: 5000,
            progress: false,
            thread: true,
        }
    }
}

/// Knobs beyond [`ImportOptions`], for tests and measurements.
#[derive(Debug, Clone)]
pub struct ImportControl {
    /// Load an empty store in bulk (indexes built after the rows).
    pub bulk_load: bool,
    /// Stop after this many stored batches and return at once, leaving the
    /// store as a killed import would (no index or full-text pass).
    pub stop_after_batches: Option<usize>,
}

impl Default for ImportControl {
    fn default() -> Self {
        ImportControl {
            bulk_load: true,
            stop_after_batches: None,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportStats {
    /// Messages read from the sources (this run).
    pub read: u64,
    /// Messages newly stored.
    pub new: u64,
    /// Messages that could not be used (empty, oversized, unreadable).
    pub skipped: u64,
    pub elapsed: Duration,
    pub threading: Option<ThreadStats>,
    /// Messages indexed for full text by this run (new ones, and any a
    /// killed run left out).
    pub fts_indexed: u64,
    /// Time spent creating indexes after a bulk load.
    pub index_elapsed: Duration,
    /// Time spent in the full-text pass.
    pub fts_elapsed: Duration,
    /// True when the run stopped early ([`ImportControl::stop_after_batches`]).
    pub interrupted: bool,
}

/// The kinds of source understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Mbox,
    Maildir,
    PublicInbox,
    PipermailArchive,
    PipermailPage,
    Digest,
}

/// Decides what a path holds (by content, not by name).
pub fn detect(path: &Path) -> Result<SourceKind> {
    if path.is_dir() {
        if maildir::is_maildir(path) {
            return Ok(SourceKind::Maildir);
        }
        if public_inbox::is_public_inbox(path) {
            return Ok(SourceKind::PublicInbox);
        }
        return Err(Error::Format {
            path: path.to_path_buf(),
            msg: "directory is neither a maildir (cur/, new/) nor a public-inbox v2 archive (git/N.git)"
                .into(),
        });
    }
    let mut head = Vec::new();
    open_maybe_gz(path, 0)
        .map_err(io_err(path))?
        .take(8192)
        .read_to_end(&mut head)
        .map_err(io_err(path))?;
    let text = String::from_utf8_lossy(&head);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    Ok(if pipermail::is_pipermail_mbox(first) {
        SourceKind::PipermailArchive
    } else if is_digest(&text) {
        SourceKind::Digest
    } else if pipermail::is_pipermail_page(&text) {
        SourceKind::PipermailPage
    } else {
        SourceKind::Mbox
    })
}

/// Imports every source into the store.
pub fn import(
    store: &mut MailStore,
    sources: &[PathBuf],
    opts: &ImportOptions,
) -> Result<ImportStats> {
    import_with(store, sources, opts, &ImportControl::default())
}

/// [`import()`] with extra controls.
pub fn import_with(
    store: &mut MailStore,
    sources: &[PathBuf],
    opts: &ImportOptions,
    ctl: &ImportControl,
) -> Result<ImportStats> {
    let start = Instant::now();
    let mut stats = ImportStats::default();
    // Finish whatever a killed run left undone before adding to it.
    stats.fts_indexed += store.repair()?;
    let bulk = ctl.bulk_load && store.begin_bulk()?;
    let mut budget = Budget(ctl.stop_after_batches);
    let res = import_sources(store, sources, opts, &mut budget, &mut stats);
    if budget.0 == Some(0) && res.is_ok() {
        // Simulated kill: leave everything as it is on disk.
        store.abandon_bulk();
        stats.interrupted = true;
        stats.elapsed = start.elapsed();
        return Ok(stats);
    }
    if let Err(e) = res {
        // Leave a usable store behind; the next run resumes.
        let _ = store.finish_bulk();
        return Err(e);
    }
    if opts.thread && stats.new > 0 {
        // Before the indexes exist, so that writing thread ids back does
        // not have to maintain them.
        stats.threading = Some(store.rethread()?);
    }
    let t = Instant::now();
    if bulk {
        store.finish_bulk()?;
    }
    stats.index_elapsed = t.elapsed();
    let t = Instant::now();
    stats.fts_indexed += store.complete_fts()?;
    stats.fts_elapsed = t.elapsed();
    stats.elapsed = start.elapsed();
    Ok(stats)
}

/// Batches left before a simulated kill (None: no limit).
struct Budget(Option<usize>);

impl Budget {
    fn exhausted(&self) -> bool {
        self.0 == Some(0)
    }
    fn spend(&mut self) {
        if let Some(n) = self.0.as_mut() {
            *n = n.saturating_sub(1);
        }
    }
}

fn import_sources(
    store: &mut MailStore,
    sources: &[PathBuf],
    opts: &ImportOptions,
    budget: &mut Budget,
    stats: &mut ImportStats,
) -> Result<()> {
    for src in sources {
        if budget.exhausted() {
            break;
        }
        let key = std::fs::canonicalize(src)
            .map_err(io_err(src))?
            .to_string_lossy()
            .into_owned();
        match detect(src)? {
            SourceKind::Mbox => import_mbox(store, src, &key, opts, budget, stats)?,
            SourceKind::Maildir => {
                let files = maildir::message_files(src)?;
                pipeline(store, None, opts, budget, stats, |emit| {
                    for f in files {
                        let bytes = std::fs::read(&f).map_err(io_err(&f))?;
                        if !emit(Item::new(bytes)) {
                            break;
                        }
                    }
                    Ok(0)
                })?;
            }
            SourceKind::PublicInbox => {
                for epoch in public_inbox::epochs(src) {
                    let ekey = epoch.to_string_lossy().into_owned();
                    let (_, cursor) = store.source_position(&ekey)?;
                    let ek = ekey.clone();
                    pipeline(store, Some(&ek), opts, budget, stats, |emit| {
                        public_inbox::walk_epoch(&epoch, cursor.as_deref(), |raw, oid| {
                            let mut it = Item::new(raw);
                            it.cursor = Some(oid);
                            emit(it)
                        })?;
                        Ok(0)
                    })?;
                }
            }
            SourceKind::PipermailArchive => {
                let r = open_maybe_gz(src, 0).map_err(io_err(src))?;
                let (msgs, skipped) = pipermail::read_archive(r);
                store_all(store, msgs, skipped, budget, stats)?;
            }
            SourceKind::PipermailPage => {
                let text = read_text(src)?;
                let msgs: Vec<Message> = pipermail::read_page(&text).into_iter().collect();
                if msgs.is_empty() {
                    return Err(Error::Format {
                        path: src.clone(),
                        msg: "no author line (`Name user at host`) in pipermail page".into(),
                    });
                }
                store_all(store, msgs, 0, budget, stats)?;
            }
            SourceKind::Digest => {
                let text = read_text(src)?;
                store_all(store, parse_digest(&text), 0, budget, stats)?;
            }
        }
        if opts.progress {
            eprintln!(
                "{}: {} read, {} new, {} skipped",
                src.display(),
                stats.read,
                stats.new,
                stats.skipped
            );
        }
    }
    Ok(())
}

fn read_text(src: &Path) -> Result<String> {
    let mut buf = Vec::new();
    open_maybe_gz(src, 0)
        .map_err(io_err(src))?
        .read_to_end(&mut buf)
        .map_err(io_err(src))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn store_all(
    store: &mut MailStore,
    msgs: Vec<Message>,
    skipped: usize,
    budget: &mut Budget,
    stats: &mut ImportStats,
) -> Result<()> {
    stats.read += (msgs.len() + skipped) as u64;
    stats.skipped += skipped as u64;
    let prepared: Vec<Prepared> = msgs.into_iter().map(Prepared::new).collect();
    stats.new += store.insert_rows(&prepared, None)? as u64;
    budget.spend();
    Ok(())
}

fn import_mbox(
    store: &mut MailStore,
    src: &Path,
    key: &str,
    opts: &ImportOptions,
    budget: &mut Budget,
    stats: &mut ImportStats,
) -> Result<()> {
    let (mut pos, _) = store.source_position(key)?;
    // Resume only where a message starts; otherwise start over (the
    // store's key skips what is already there).
    if pos > 0 {
        let mut probe = Vec::with_capacity(5);
        let ok = open_maybe_gz(src, pos)
            .and_then(|r| r.take(5).read_to_end(&mut probe))
            .is_ok();
        // Empty probe: the file ends exactly where the last import stopped.
        if !ok || !(probe.is_empty() || probe == b"From ") {
            pos = 0;
        }
    }
    let reader = open_maybe_gz(src, pos).map_err(io_err(src))?;
    let flavor = opts.mbox_flavor;
    let path = src.to_path_buf();
    pipeline(store, Some(key), opts, budget, stats, move |emit| {
        let mut r = MboxReader::at(reader, flavor, pos);
        for raw in r.by_ref() {
            let raw = raw.map_err(io_err(&path))?;
            let mut it = Item::new(raw.bytes);
            it.from_line = raw.from_line;
            it.end = raw.end;
            if !emit(it) {
                break;
            }
        }
        Ok(r.oversized)
    })
}

/// Stored messages not yet indexed for full text worth indexing while the
/// writer waits for the parsers (fewer would make many small segments).
const FTS_BACKLOG: i64 = 50_000;

/// One unit of work for the parse stage.
struct Item {
    raw: Vec<u8>,
    from_line: String,
    end: u64,
    cursor: Option<String>,
}

impl Item {
    fn new(raw: Vec<u8>) -> Self {
        Item {
            raw,
            from_line: String::new(),
            end: 0,
            cursor: None,
        }
    }
}

struct Parsed {
    msgs: Vec<Prepared>,
    skipped: usize,
    read: usize,
    end: u64,
    cursor: Option<String>,
}

/// Runs `produce` (which calls `emit` per raw message and returns how many
/// it dropped) on a reader thread, parses batches on the rayon pool, and
/// stores them here, recording the position under `source_key`.
fn pipeline<F>(
    store: &mut MailStore,
    source_key: Option<&str>,
    opts: &ImportOptions,
    budget: &mut Budget,
    stats: &mut ImportStats,
    produce: F,
) -> Result<()>
where
    F: FnOnce(&mut dyn FnMut(Item) -> bool) -> Result<usize> + Send,
{
    let batch_size = opts.batch.max(1);
    std::thread::scope(|sc| -> Result<()> {
        let (raw_tx, raw_rx) = sync_channel::<Vec<Item>>(2);
        let (msg_tx, msg_rx) = sync_channel::<Parsed>(2);
        let reader = sc.spawn(move || -> Result<usize> {
            let mut batch = Vec::with_capacity(batch_size);
            let mut open = true;
            let dropped = produce(&mut |it| {
                batch.push(it);
                if batch.len() >= batch_size {
                    open = raw_tx.send(std::mem::take(&mut batch)).is_ok();
                }
                open
            })?;
            if !batch.is_empty() {
                let _ = raw_tx.send(batch);
            }
            Ok(dropped)
        });
        let parser = sc.spawn(move || {
            for batch in raw_rx {
                let end = batch.last().map(|i| i.end).unwrap_or(0);
                let cursor = batch.last().and_then(|i| i.cursor.clone());
                let read = batch.len();
                let msgs: Vec<Prepared> = batch
                    .par_iter()
                    .filter_map(|it| {
                        // The From_ line date is only a fallback: read it
                        // only for messages whose Date header did not parse.
                        let mut m = parse_message(&it.raw, None)?;
                        if m.date.is_none() && !it.from_line.is_empty() {
                            m.date = parse_date_lenient(&it.from_line);
                        }
                        Some(Prepared::new(m))
                    })
                    .collect();
                let skipped = read - msgs.len();
                if msg_tx
                    .send(Parsed {
                        msgs,
                        skipped,
                        read,
                        end,
                        cursor,
                    })
                    .is_err()
                {
                    break;
                }
            }
        });
        let mut result = Ok(());
        loop {
            let p = match msg_rx.try_recv() {
                Ok(p) => p,
                Err(TryRecvError::Disconnected) => break,
                Err(TryRecvError::Empty) => {
                    // Nothing parsed yet: use the wait to index what is
                    // stored for full text (one pass at the end otherwise).
                    match store.index_fts_backlog(FTS_BACKLOG) {
                        Ok(n) => stats.fts_indexed += n,
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                    match msg_rx.recv() {
                        Ok(p) => p,
                        Err(_) => break,
                    }
                }
            };
            if budget.exhausted() {
                break;
            }
            let src = source_key.map(|k| (k, p.end, p.cursor.as_deref()));
            match store.insert_rows(&p.msgs, src) {
                Ok(n) => {
                    budget.spend();
                    stats.new += n as u64;
                    stats.read += p.read as u64;
                    stats.skipped += p.skipped as u64;
                    if opts.progress && stats.read % 100_000 < p.read as u64 {
                        eprintln!("  {} messages read, {} new", stats.read, stats.new);
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break; // dropping msg_rx (below) stops the other stages
                }
            }
        }
        // Dropping the receiver stops the parse stage if it is blocked on a
        // full channel (early stop or error), then the reader.
        drop(msg_rx);
        let _ = parser.join();
        match reader.join() {
            Ok(Ok(dropped)) => {
                stats.skipped += dropped as u64;
                stats.read += dropped as u64;
            }
            Ok(Err(e)) => {
                if result.is_ok() {
                    result = Err(e);
                }
            }
            Err(_) => {
                if result.is_ok() {
                    result = Err(Error::NotFound("reader thread panicked".into()));
                }
            }
        }
        result
    })
}

/// Reads a file (mbox, possibly gzipped; or any other source kind) fully
/// into memory as a [`crate::Mailbox`] — for one-thread files given to
/// `mail series`.
pub fn read_mailbox_file(path: &Path, flavor: MboxFlavor) -> Result<Vec<Message>> {
    Ok(match detect(path)? {
        SourceKind::Maildir => {
            let mut v = Vec::new();
            for f in maildir::message_files(path)? {
                let bytes = std::fs::read(&f).map_err(io_err(&f))?;
                v.extend(parse_message(&bytes, None));
            }
            v
        }
        SourceKind::PublicInbox => {
            let mut v = Vec::new();
            for e in public_inbox::epochs(path) {
                public_inbox::walk_epoch(&e, None, |raw, _| {
                    v.extend(parse_message(&raw, None));
                    true
                })?;
            }
            v
        }
        SourceKind::PipermailArchive => {
            pipermail::read_archive(open_maybe_gz(path, 0).map_err(io_err(path))?).0
        }
        SourceKind::PipermailPage => pipermail::read_page(&read_text(path)?)
            .into_iter()
            .collect(),
        SourceKind::Digest => parse_digest(&read_text(path)?),
        SourceKind::Mbox => {
            let r: Box<dyn BufRead + Send> = open_maybe_gz(path, 0).map_err(io_err(path))?;
            let mut v = Vec::new();
            for raw in MboxReader::new(r, flavor) {
                let raw = raw.map_err(io_err(path))?;
                v.extend(parse_message(
                    &raw.bytes,
                    parse_date_lenient(&raw.from_line),
                ));
            }
            v
        }
    })
}
