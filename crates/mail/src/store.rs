//! The SQLite store: messages parsed once, keyed by content hash and
//! Message-ID, threaded over the whole archive, searchable with FTS5.
//!
//! Writes happen in batches, one transaction each, together with the
//! position reached in the source: a killed import loses at most the batch
//! in flight and a re-run resumes or skips (the `(hash, msgid)` key).
//!
//! Two things are built after the rows rather than row by row, because
//! building them in one pass is several times cheaper:
//!
//! * The full-text index. `meta.fts_rowid` is the highest message id whose
//!   text is indexed; [`MailStore::complete_fts`] indexes everything above
//!   it in ascending id order, in transactions that advance the mark with
//!   the rows they index. Imports call it before they return, and
//!   [`MailStore::open`] calls it too, so a store left behind by a killed
//!   import is complete again as soon as it is opened.
//! * The secondary indexes, when an import starts on an empty store (bulk
//!   load): they are dropped, the key is checked in memory, and they are
//!   created once the rows are in. `meta.bulk` marks a store in that state;
//!   opening it creates whatever index is missing.
//!
//! Crash safety. Every batch commits its rows with the source position in
//! one transaction, whatever the mode, so a killed import (or a power cut)
//! never leaves a row without its position or a position without its rows.
//! The store is in WAL mode with `synchronous=NORMAL`: commits are atomic
//! and survive a killed process; after a power cut the last few commits may
//! be lost, never half-applied, and the re-run reads them again. During a
//! bulk load the journal is switched to a rollback journal (`TRUNCATE`) with
//! `synchronous=FULL`, because pages appended to the file need no journal
//! copy (WAL would write every page twice) — each batch commit is then
//! synced. `synchronous=OFF` is never used: it could corrupt the file on a
//! power cut, not only lose the tail. What a killed import leaves undone
//! (indexes after a bulk load, the full-text pass) is redone by the next
//! open or import from the marks above; the in-memory key set of a bulk
//! load is not needed then, since the unique index is back first.

use crate::error::Result;
use crate::parse::Message;
use crate::patch::{extract_diff, patch_id};
use crate::series::{Mailbox, change_id};
use crate::subject::parse_subject;
use crate::thread::{ThreadInput, thread, thread_subject};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// An open mail store.
pub struct MailStore {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// Set while a bulk load into an empty store runs: the keys stored so
    /// far (content hash, hash of the Message-ID), standing in for the
    /// unique index until it is created.
    bulk: Option<HashSet<(i64, u64)>>,
}

/// Rows indexed for full text per transaction by [`MailStore::complete_fts`].
const FTS_CHUNK: i64 = 250_000;

/// FTS5 keeps this much pending index data in memory before it writes a
/// segment (the default is 1 MiB): fewer, larger segments mean far fewer
/// merges in a bulk pass. It bounds the memory the pass uses.
const FTS_HASHSIZE: i64 = 32 << 20;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS messages(
  id INTEGER PRIMARY KEY,
  hash INTEGER NOT NULL,
  msgid TEXT NOT NULL,
  synthetic INTEGER NOT NULL,
  subject TEXT NOT NULL,
  subject_key TEXT NOT NULL,
  is_patch INTEGER NOT NULL,
  from_name TEXT NOT NULL,
  from_email TEXT NOT NULL,
  date INTEGER,
  in_reply_to TEXT,
  refs TEXT NOT NULL,
  body TEXT NOT NULL,
  patch_id TEXT,
  change_id TEXT,
  parent INTEGER,
  thread INTEGER
);
CREATE TABLE IF NOT EXISTS sources(
  path TEXT PRIMARY KEY,
  position INTEGER NOT NULL DEFAULT 0,
  cursor TEXT
);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
  subject, author, body, content='messages', content_rowid='id', detail=column,
  columnsize=0
);
";

/// The indexes on `messages`; a bulk load creates them after the rows.
/// The key `(msgid, hash)` also serves look-ups by Message-ID (stores made
/// before it have `messages_key(hash, msgid)` plus `messages_msgid`).
const INDEXES: &str = "
CREATE UNIQUE INDEX IF NOT EXISTS messages_key ON messages(msgid, hash);
CREATE INDEX IF NOT EXISTS messages_thread ON messages(thread);
CREATE INDEX IF NOT EXISTS messages_subject ON messages(subject_key, from_email) WHERE is_patch = 1;
CREATE INDEX IF NOT EXISTS messages_patch_id ON messages(patch_id) WHERE patch_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_change_id ON messages(change_id) WHERE change_id IS NOT NULL;
";

const DROP_INDEXES: &str = "
DROP INDEX IF EXISTS messages_key;
DROP INDEX IF EXISTS messages_msgid;
DROP INDEX IF EXISTS messages_thread;
DROP INDEX IF EXISTS messages_subject;
DROP INDEX IF EXISTS messages_patch_id;
DROP INDEX IF EXISTS messages_change_id;
";

/// What the full-text index holds for a message: subject, author as
/// [`Message::author`] writes it, and the body without quoted lines.
const FTS_SELECT: &str = "SELECT id, subject,
  CASE WHEN from_name <> '' AND from_email <> '' THEN from_name || ' <' || from_email || '>'
       WHEN from_name <> '' THEN from_name ELSE from_email END,
  stablepick_fts_body(body)
  FROM messages WHERE id > ?1 AND id <= ?2";

/// The body as the full-text index sees it. Quoted lines repeat other
/// messages: leaving them out keeps the index smaller and hits on the
/// message that said it.
pub fn fts_body(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for l in body.lines().filter(|l| !l.starts_with('>')) {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// A message with the columns derived from it, computed before the
/// write so the (single) writer thread only writes.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub msg: Message,
    subject_key: String,
    is_patch: bool,
    patch_id: Option<String>,
    change_id: Option<String>,
}

impl Prepared {
    pub fn new(msg: Message) -> Self {
        let s = parse_subject(&msg.subject);
        let is_patch = s.is_patch && !s.is_reply && !crate::parse::body_opens_with_quote(&msg.body);
        let (patch_id, change_id) = if is_patch {
            (
                extract_diff(&msg.body).and_then(patch_id),
                change_id(&msg.body),
            )
        } else {
            (None, None)
        };
        Prepared {
            subject_key: s.subject.to_lowercase(),
            is_patch,
            patch_id,
            change_id,
            msg,
        }
    }
}

/// Figures of one threading pass.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadStats {
    pub messages: usize,
    pub changed: usize,
    pub threads: usize,
    pub elapsed: Duration,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub message_id: String,
    pub date: Option<i64>,
    pub author: String,
    pub subject: String,
}

const MSG_COLS: &str =
    "msgid, synthetic, subject, from_name, from_email, date, in_reply_to, refs, body, hash";

fn row_to_message(r: &rusqlite::Row) -> rusqlite::Result<Message> {
    let refs: String = r.get(7)?;
    Ok(Message {
        message_id: r.get(0)?,
        synthetic_id: r.get(1)?,
        subject: r.get(2)?,
        from_name: r.get(3)?,
        from_email: r.get(4)?,
        date: r.get(5)?,
        in_reply_to: r.get(6)?,
        references: refs.split_whitespace().map(str::to_string).collect(),
        body: r.get(8)?,
        hash: r.get(9)?,
    })
}

impl MailStore {
    /// Opens (creating if needed) the store at `path`. A store left
    /// behind by a killed import is completed here: missing indexes are
    /// created and the full-text index catches up with the rows.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open(&path)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;
             PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=16384; PRAGMA threads=2;",
        )?;
        conn.create_scalar_function(
            "stablepick_fts_body",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let v = ctx.get_raw(0);
                Ok(match v {
                    rusqlite::types::ValueRef::Text(t) => match std::str::from_utf8(t) {
                        Ok(t) => fts_body(t),
                        Err(_) => fts_body(&String::from_utf8_lossy(t)),
                    },
                    _ => String::new(),
                })
            },
        )?;
        conn.execute_batch(SCHEMA)?;
        let mut store = MailStore {
            conn,
            path,
            bulk: None,
        };
        store.repair()?;
        Ok(store)
    }

    fn meta_i64(&self, key: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|v| v.parse().ok()))
    }

    fn max_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM messages", [], |r| {
                r.get(0)
            })?)
    }

    /// Brings the store to its complete state: every index present, the
    /// full-text index covering every row. Writes only when something is
    /// missing.
    pub(crate) fn repair(&mut self) -> Result<u64> {
        let have: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN
             ('messages_key', 'messages_thread', 'messages_subject',
              'messages_patch_id', 'messages_change_id')",
            [],
            |r| r.get(0),
        )?;
        if have < 5 || self.meta_i64("bulk")?.is_some() {
            self.create_indexes()?;
            self.wal_mode()?;
        }
        if self.meta_i64("fts_rowid")?.is_none() {
            // A store written before the index was deferred indexed every
            // row in the row's own transaction.
            self.conn.execute(
                "INSERT OR IGNORE INTO meta(key, value)
                 SELECT 'fts_rowid', coalesce(max(id), 0) FROM messages",
                [],
            )?;
        }
        self.complete_fts()
    }

    fn create_indexes(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(INDEXES)?;
        tx.execute("DELETE FROM meta WHERE key = 'bulk'", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Starts a bulk load if the store holds no message yet: the indexes on
    /// `messages` are dropped (and the store marked, so that a killed load
    /// gets them back on the next open) and keys are checked in memory.
    /// Returns whether a bulk load started. [`MailStore::finish_bulk`] ends it.
    pub fn begin_bulk(&mut self) -> Result<bool> {
        if self.bulk.is_some() {
            return Ok(true);
        }
        let tx = self.conn.transaction()?;
        let empty: bool = tx.query_row("SELECT NOT EXISTS(SELECT 1 FROM messages)", [], |r| {
            r.get(0)
        })?;
        if !empty {
            return Ok(false);
        }
        tx.execute_batch(DROP_INDEXES)?;
        tx.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('bulk', '1')",
            [],
        )?;
        tx.commit()?;
        // New pages appended to the file need no journal in rollback mode,
        // so the bulk load writes each page once (WAL writes it twice: to
        // the log, then to the database). FULL syncs make each batch's
        // commit durable and atomic in this mode too. If another
        // connection holds the WAL open the switch fails and WAL stays.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode=TRUNCATE", [], |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("truncate") {
            self.conn.execute_batch("PRAGMA synchronous=FULL")?;
        }
        self.bulk = Some(HashSet::new());
        Ok(true)
    }

    /// Ends a bulk load: creates the indexes. A no-op outside one.
    pub fn finish_bulk(&mut self) -> Result<()> {
        if self.bulk.take().is_some() {
            self.create_indexes()?;
            self.wal_mode()?;
        }
        Ok(())
    }

    fn wal_mode(&mut self) -> Result<()> {
        self.conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))?;
        self.conn.execute_batch("PRAGMA synchronous=NORMAL")?;
        Ok(())
    }

    /// Forgets a bulk load without finishing it, as a killed process
    /// would: the store keeps its `bulk` mark for the next open to finish.
    pub(crate) fn abandon_bulk(&mut self) {
        self.bulk = None;
    }

    /// Whether the full-text index covers every stored message.
    pub fn fts_complete(&self) -> Result<bool> {
        Ok(self.meta_i64("fts_rowid")?.unwrap_or(0) >= self.max_id()?)
    }

    /// Indexes for full text the stored messages not yet indexed, if there
    /// are at least `min` of them (one transaction).
    pub(crate) fn index_fts_backlog(&mut self, min: i64) -> Result<u64> {
        let done = self.meta_i64("fts_rowid")?.unwrap_or(0);
        if self.max_id()? - done >= min {
            return self.complete_fts();
        }
        Ok(0)
    }

    /// Indexes for full text every message above `meta.fts_rowid`, in
    /// transactions of [`FTS_CHUNK`] ids that advance the mark with the
    /// rows they index (a killed pass resumes at the last committed
    /// chunk). Returns how many messages were indexed.
    pub fn complete_fts(&mut self) -> Result<u64> {
        let mut done = self.meta_i64("fts_rowid")?.unwrap_or(0);
        let max = self.max_id()?;
        if done >= max {
            return Ok(0);
        }
        let mut n = 0u64;
        self.conn.execute(
            "INSERT INTO fts(fts, rank) VALUES ('hashsize', ?1)",
            [FTS_HASHSIZE],
        )?;
        while done < max {
            let hi = max.min(done.saturating_add(FTS_CHUNK));
            let tx = self.conn.transaction()?;
            n += tx.execute(
                &format!("INSERT INTO fts(rowid, subject, author, body) {FTS_SELECT}"),
                params![done, hi],
            )? as u64;
            tx.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('fts_rowid', ?1)",
                [hi.to_string()],
            )?;
            tx.commit()?;
            done = hi;
        }
        Ok(n)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of stored messages.
    pub fn count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM messages", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// Where a previous import of `source` stopped: (byte position, cursor).
    pub fn source_position(&self, source: &str) -> Result<(u64, Option<String>)> {
        Ok(self
            .conn
            .query_row(
                "SELECT position, cursor FROM sources WHERE path = ?1",
                [source],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, None)))
    }

    /// Stores a batch and the source position reached, atomically, and
    /// indexes it for full text. Returns how many messages were new.
    pub fn insert_batch(
        &mut self,
        msgs: &[Message],
        source: Option<(&str, u64, Option<&str>)>,
    ) -> Result<usize> {
        let prepared: Vec<Prepared> = msgs.iter().cloned().map(Prepared::new).collect();
        self.insert_prepared(&prepared, source)
    }

    /// As [`MailStore::insert_batch`], for messages prepared elsewhere.
    pub fn insert_prepared(
        &mut self,
        msgs: &[Prepared],
        source: Option<(&str, u64, Option<&str>)>,
    ) -> Result<usize> {
        let n = self.insert_rows(msgs, source)?;
        self.complete_fts()?;
        Ok(n)
    }

    /// Stores a batch and the source position reached, atomically, leaving
    /// the full-text index to [`MailStore::complete_fts`] (the import
    /// pipeline calls it once at the end). Returns how many messages were
    /// new.
    pub fn insert_rows(
        &mut self,
        msgs: &[Prepared],
        source: Option<(&str, u64, Option<&str>)>,
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut new = 0;
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO messages(hash, msgid, synthetic, subject, subject_key,
                 is_patch, from_name, from_email, date, in_reply_to, refs, body, patch_id, change_id)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
            )?;
            let ids = BuildHasherDefault::<DefaultHasher>::default();
            for p in msgs {
                let m = &p.msg;
                if let Some(seen) = self.bulk.as_mut()
                    && !seen.insert((m.hash, ids.hash_one(&m.message_id)))
                {
                    continue;
                }
                new += ins.execute(params![
                    m.hash,
                    m.message_id,
                    m.synthetic_id,
                    m.subject,
                    p.subject_key,
                    p.is_patch,
                    m.from_name,
                    m.from_email,
                    m.date,
                    m.in_reply_to,
                    m.references.join(" "),
                    m.body,
                    p.patch_id,
                    p.change_id,
                ])?;
            }
            if let Some((path, pos, cursor)) = source {
                tx.prepare_cached(
                    "INSERT INTO sources(path, position, cursor) VALUES (?1, ?2, ?3)
                     ON CONFLICT(path) DO UPDATE SET position = ?2, cursor = ?3",
                )?
                .execute(params![path, pos as i64, cursor])?;
            }
        }
        tx.commit()?;
        Ok(new)
    }

    /// Threads the whole archive again (JWZ) and stores parent and thread
    /// of every message whose place changed.
    pub fn rethread(&mut self) -> Result<ThreadStats> {
        let start = Instant::now();
        struct Row {
            id: i64,
            msgid: String,
            chain: String,
            subject: String,
            parent: Option<i64>,
            thread: Option<i64>,
        }
        let mut rows: Vec<Row> = Vec::new();
        {
            let mut st = self.conn.prepare(
                "SELECT id, msgid, refs, in_reply_to, subject, parent, thread FROM messages ORDER BY id",
            )?;
            let mut q = st.query([])?;
            while let Some(r) = q.next()? {
                let mut chain: String = r.get(2)?;
                if let Some(irt) = r.get::<_, Option<String>>(3)? {
                    // In-Reply-To is the nearest parent: it goes last.
                    if chain
                        .split_whitespace()
                        .next_back()
                        .is_none_or(|l| l != irt)
                    {
                        chain = chain
                            .split_whitespace()
                            .filter(|x| *x != irt)
                            .collect::<Vec<_>>()
                            .join(" ");
                        chain.push(' ');
                        chain.push_str(&irt);
                    }
                }
                rows.push(Row {
                    id: r.get(0)?,
                    msgid: r.get(1)?,
                    chain,
                    subject: r.get(4)?,
                    parent: r.get(5)?,
                    thread: r.get(6)?,
                });
            }
        }
        let inputs: Vec<ThreadInput> = rows
            .iter()
            .map(|r| ThreadInput {
                id: &r.msgid,
                refs: r.chain.split_whitespace().collect(),
                subject: thread_subject(&r.subject),
                is_reply: parse_subject(&r.subject).is_reply,
            })
            .collect();
        let t = thread(&inputs);
        drop(inputs);
        let mut changed = 0;
        let mut roots = 0;
        let tx = self.conn.transaction()?;
        {
            let mut up =
                tx.prepare("UPDATE messages SET parent = ?1, thread = ?2 WHERE id = ?3")?;
            for (i, r) in rows.iter().enumerate() {
                let parent = t.parent[i].map(|p| rows[p as usize].id);
                let th = rows[t.thread[i] as usize].id;
                if t.thread[i] as usize == i {
                    roots += 1;
                }
                if parent != r.parent || Some(th) != r.thread {
                    up.execute(params![parent, th, r.id])?;
                    changed += 1;
                }
            }
        }
        tx.commit()?;
        Ok(ThreadStats {
            messages: rows.len(),
            changed,
            threads: roots,
            elapsed: start.elapsed(),
        })
    }

    /// The stored message with this Message-ID (first one stored wins).
    pub fn message(&self, message_id: &str) -> Result<Option<Message>> {
        let id = crate::parse::clean_id(message_id);
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {MSG_COLS} FROM messages WHERE msgid = ?1 ORDER BY id LIMIT 1"),
                [id],
                row_to_message,
            )
            .optional()?)
    }

    /// Thread id of a message (None if unknown or not threaded yet).
    pub fn thread_id(&self, message_id: &str) -> Result<Option<i64>> {
        let id = crate::parse::clean_id(message_id);
        Ok(self
            .conn
            .query_row(
                "SELECT thread FROM messages WHERE msgid = ?1 ORDER BY id LIMIT 1",
                [id],
                |r| r.get::<_, Option<i64>>(0),
            )
            .optional()?
            .flatten())
    }

    /// All messages of a thread, in storage order.
    pub fn thread_messages(&self, thread: i64) -> Result<Vec<Message>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {MSG_COLS} FROM messages WHERE thread = ?1 ORDER BY id"
        ))?;
        let v = st
            .query_map([thread], row_to_message)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Loads the thread of `message_id` plus the threads of other
    /// revisions of its series (same bare subject and author, or same
    /// change-id) into a [`Mailbox`]. Returns the mailbox and the index of
    /// the message in it.
    pub fn mailbox_for(&self, message_id: &str) -> Result<Option<(Mailbox, usize)>> {
        let Some(th) = self.thread_id(message_id)? else {
            return Ok(None);
        };
        let mut threads = vec![th];
        {
            let mut st = self.conn.prepare_cached(
                "SELECT subject_key, from_email, change_id FROM messages
                 WHERE thread = ?1 AND is_patch = 1",
            )?;
            let keys = st
                .query_map([th], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut by_subject = self.conn.prepare_cached(
                "SELECT DISTINCT thread FROM messages
                 WHERE is_patch = 1 AND subject_key = ?1 AND from_email = ?2 AND thread IS NOT NULL",
            )?;
            let mut by_change = self.conn.prepare_cached(
                "SELECT DISTINCT thread FROM messages WHERE change_id = ?1 AND thread IS NOT NULL",
            )?;
            for (key, email, cid) in keys.iter().take(64) {
                for t in by_subject.query_map(params![key, email], |r| r.get::<_, i64>(0))? {
                    let t = t?;
                    if !threads.contains(&t) && threads.len() < 64 {
                        threads.push(t);
                    }
                }
                if let Some(cid) = cid {
                    for t in by_change.query_map([cid], |r| r.get::<_, i64>(0))? {
                        let t = t?;
                        if !threads.contains(&t) && threads.len() < 64 {
                            threads.push(t);
                        }
                    }
                }
            }
        }
        let mut msgs = Vec::new();
        for t in threads {
            msgs.extend(self.thread_messages(t)?);
        }
        let mb = Mailbox::new(msgs);
        let idx = mb.get(message_id);
        Ok(idx.map(|i| (mb, i)))
    }

    /// Patch messages whose inline diff has this patch-id.
    pub fn by_patch_id(&self, pid: &str) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT msgid FROM messages WHERE patch_id = ?1 ORDER BY date DESC, id DESC",
        )?;
        let v = st
            .query_map([pid], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(v)
    }

    /// Patch messages with this bare subject (lower-cased), newest first,
    /// with their author e-mail and name.
    pub fn by_subject(&self, subject_key: &str) -> Result<Vec<(String, String, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT msgid, from_email, from_name FROM messages
             WHERE is_patch = 1 AND subject_key = ?1 ORDER BY date DESC, id DESC",
        )?;
        let v = st
            .query_map([subject_key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Full-text search. Plain words go to FTS5 (all must match);
    /// `from:X` matches name or address, `subject:W` a subject word,
    /// `since:YYYY-MM-DD` / `until:YYYY-MM-DD` bound the date.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        let mut fts_terms = Vec::new();
        let mut wheres = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        for tok in query.split_whitespace() {
            if let Some(v) = tok.strip_prefix("from:") {
                args.push(format!("%{}%", v.to_lowercase()).into());
                wheres.push(format!(
                    "(lower(m.from_email) LIKE ?{n} OR lower(m.from_name) LIKE ?{n})",
                    n = args.len()
                ));
            } else if let Some(v) = tok.strip_prefix("subject:") {
                fts_terms.push(format!("subject : {}", fts_quote(v)));
            } else if let Some(v) = tok.strip_prefix("since:") {
                let t = parse_day(v).ok_or_else(|| {
                    crate::Error::NotFound(format!("since: wants YYYY-MM-DD, got {v:?}"))
                })?;
                args.push(t.into());
                wheres.push(format!("m.date >= ?{}", args.len()));
            } else if let Some(v) = tok.strip_prefix("until:") {
                let t = parse_day(v).ok_or_else(|| {
                    crate::Error::NotFound(format!("until: wants YYYY-MM-DD, got {v:?}"))
                })?;
                args.push((t + 86_400).into());
                wheres.push(format!("m.date < ?{}", args.len()));
            } else {
                fts_terms.push(fts_quote(tok));
            }
        }
        let mut sql = String::from(
            "SELECT m.msgid, m.date, m.from_name, m.from_email, m.subject FROM messages m",
        );
        if !fts_terms.is_empty() {
            args.push(fts_terms.join(" AND ").into());
            sql.push_str(" JOIN fts ON fts.rowid = m.id");
            wheres.push(format!("fts MATCH ?{}", args.len()));
        }
        if !wheres.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&wheres.join(" AND "));
        }
        sql.push_str(&format!(" ORDER BY m.date DESC LIMIT {limit}"));
        let mut st = self.conn.prepare(&sql)?;
        let v = st
            .query_map(rusqlite::params_from_iter(args), |r| {
                let name: String = r.get(2)?;
                let email: String = r.get(3)?;
                Ok(Hit {
                    message_id: r.get(0)?,
                    date: r.get(1)?,
                    author: if name.is_empty() {
                        email
                    } else {
                        format!("{name} <{email}>")
                    },
                    subject: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}

fn fts_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `YYYY-MM-DD` → Unix seconds at 00:00 UTC.
pub fn parse_day(s: &str) -> Option<i64> {
    let mut it = s.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(crate::parse::days_from_civil(y, m, d) * 86_400)
}
