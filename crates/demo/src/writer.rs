//! The history writer: a clock, named commits, backports, merges and tags.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use git2::{ErrorCode, ObjectType, Oid, Repository};

use crate::build::{Branch, Edit, Person, commit_bytes, write_commit, write_tree};

/// How a stable commit names its upstream commit.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Form {
    /// `commit <sha> upstream.` as the first body line (Linux stable).
    Upstream,
    /// `[ Upstream commit <sha> ]` as the first body line (Linux AUTOSEL).
    Autosel,
    /// `(cherry picked from commit <sha>)` after the trailers (`git cherry-pick -x`).
    CherryPick,
    /// No backport line at all.
    Silent,
}

/// What a named upstream commit was, kept so it can be backported later.
#[derive(Clone, Debug)]
struct Sent {
    author: Person,
    author_time: i64,
    message: String,
    edits: Vec<Edit>,
}

pub(crate) struct Writer<'r> {
    repo: &'r Repository,
    clock: i64,
    pub commits: BTreeMap<&'static str, Oid>,
    sent: BTreeMap<&'static str, Sent>,
    /// The nonce the collision search settled on (see `commit_colliding`).
    pub collision_nonce: u64,
}

/// Time between two consecutive commits of the demo, in seconds.
const STEP: i64 = 5 * 3600 + 17 * 60;

impl<'r> Writer<'r> {
    pub(crate) fn new(repo: &'r Repository, start: i64) -> Self {
        Writer {
            repo,
            clock: start,
            commits: BTreeMap::new(),
            sent: BTreeMap::new(),
            collision_nonce: 0,
        }
    }

    /// Moves the clock forward to `t` (never backwards).
    pub(crate) fn at(&mut self, t: i64) {
        self.clock = self.clock.max(t);
    }

    fn tick(&mut self) -> i64 {
        self.clock += STEP;
        self.clock
    }

    pub(crate) fn oid(&self, name: &str) -> Result<Oid> {
        self.commits
            .get(name)
            .copied()
            .with_context(|| format!("no commit named {name} yet"))
    }

    /// First 12 hex digits, as `Fixes:` writes them.
    pub(crate) fn short(&self, name: &str) -> Result<String> {
        Ok(self.oid(name)?.to_string()[..12].to_string())
    }

    /// Full 40 hex digits, as backport lines and reverts write them.
    pub(crate) fn full(&self, name: &str) -> Result<String> {
        Ok(self.oid(name)?.to_string())
    }

    /// The subject line of a named commit.
    pub(crate) fn subject(&self, name: &str) -> Result<String> {
        let sent = self
            .sent
            .get(name)
            .with_context(|| format!("no message for {name}"))?;
        Ok(sent.message.lines().next().unwrap_or("").to_string())
    }

    fn name_commit(&mut self, name: &'static str, id: Oid) -> Result<()> {
        if self.commits.insert(name, id).is_some() {
            bail!("commit name {name} used twice");
        }
        Ok(())
    }

    /// An ordinary commit on `br`. Patches are authored two days before they
    /// are committed, unless author and committer are the same person.
    pub(crate) fn commit(
        &mut self,
        br: &mut Branch,
        name: Option<&'static str>,
        author: Person,
        committer: Person,
        message: &str,
        edits: Vec<Edit>,
    ) -> Result<Oid> {
        let ct = self.tick();
        let at = if author.email == committer.email {
            ct
        } else {
            ct - 2 * 86_400 + 1_234
        };
        self.commit_at(
            br,
            name,
            author,
            at,
            committer,
            ct,
            message.as_bytes(),
            edits,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn commit_at(
        &mut self,
        br: &mut Branch,
        name: Option<&'static str>,
        author: Person,
        author_time: i64,
        committer: Person,
        commit_time: i64,
        message: &[u8],
        edits: Vec<Edit>,
    ) -> Result<Oid> {
        br.apply(&edits)?;
        let tree = write_tree(self.repo, &br.files)?;
        let parents: Vec<Oid> = br.head.into_iter().collect();
        let id = write_commit(
            self.repo,
            tree,
            &parents,
            &author,
            author_time,
            &committer,
            commit_time,
            message,
        )?;
        br.head = Some(id);
        if let Some(name) = name {
            self.name_commit(name, id)?;
            self.sent.insert(
                name,
                Sent {
                    author,
                    author_time,
                    message: String::from_utf8_lossy(message).into_owned(),
                    edits,
                },
            );
        }
        Ok(id)
    }

    /// A commit whose message is raw bytes (not UTF-8).
    pub(crate) fn commit_bytes(
        &mut self,
        br: &mut Branch,
        name: &'static str,
        author: Person,
        committer: Person,
        message: &[u8],
        edits: Vec<Edit>,
    ) -> Result<Oid> {
        let ct = self.tick();
        let at = ct - 2 * 86_400 + 1_234;
        self.commit_at(br, Some(name), author, at, committer, ct, message, edits)
    }

    /// A commit whose id shares its first `digits` hex digits with the commit
    /// named `twin_of`. The search walks author and committer times (within
    /// about two hours) until the prefix matches; `hint` is the nonce found last
    /// time, tried first so a build does not repeat the search.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn commit_colliding(
        &mut self,
        br: &mut Branch,
        name: &'static str,
        author: Person,
        committer: Person,
        message: &str,
        edits: Vec<Edit>,
        twin_of: &str,
        digits: usize,
        hint: u64,
    ) -> Result<Oid> {
        let want = self.oid(twin_of)?.to_string()[..digits].to_string();
        let mut files = br.clone();
        files.apply(&edits)?;
        let tree = write_tree(self.repo, &files.files)?;
        let parents: Vec<Oid> = br.head.into_iter().collect();
        let base = self.tick();
        let times = |n: u64| -> (i64, i64) {
            let n = i64::try_from(n).unwrap_or(i64::MAX / 2);
            (base - 2 * 86_400 + n % 3_600, base + n / 3_600)
        };
        let hits = |n: u64| -> Result<bool> {
            let (at, ct) = times(n);
            let raw = commit_bytes(
                tree,
                &parents,
                &author,
                at,
                &committer,
                ct,
                message.as_bytes(),
            );
            let id = Oid::hash_object(ObjectType::Commit, &raw)?;
            Ok(id.to_string().starts_with(&want))
        };
        let mut nonce = None;
        if hits(hint)? {
            nonce = Some(hint);
        } else {
            // 16^digits candidates per hit on average; 64x that is far past
            // any plausible run of bad luck.
            let limit = 16u64.pow(u32::try_from(digits).unwrap_or(5)) * 64;
            for n in 0..limit {
                if hits(n)? {
                    nonce = Some(n);
                    break;
                }
            }
        }
        let nonce = nonce.with_context(|| format!("no commit id starting with {want} found"))?;
        self.collision_nonce = nonce;
        let (at, ct) = times(nonce);
        self.at(ct);
        let id = self.commit_at(
            br,
            Some(name),
            author,
            at,
            committer,
            ct,
            message.as_bytes(),
            edits,
        )?;
        debug_assert!(id.to_string().starts_with(&want));
        Ok(id)
    }

    /// An abbreviated id (`len` hex digits) derived from `name`'s id that no
    /// object in the repository has: the sha of a `Fixes:` tag that is wrong.
    pub(crate) fn missing_short(&self, name: &str, len: usize) -> Result<String> {
        let full = self.full(name)?;
        for rot in 1..full.len() {
            let cand: String = full
                .chars()
                .cycle()
                .skip(rot)
                .take(len)
                .collect::<String>()
                .chars()
                .rev()
                .collect();
            match self.repo.revparse_single(&cand) {
                Err(e) if e.code() == ErrorCode::NotFound => return Ok(cand),
                _ => continue,
            }
        }
        bail!("every rotation of {full} names an object")
    }

    /// A backport of the named upstream commit onto a stable branch, with the
    /// same author and author date (as `git cherry-pick` keeps them), the
    /// upstream message with the backport line of `form`, and the signer's
    /// sign-off. `edits` replaces the upstream diff for hand-adapted backports.
    pub(crate) fn backport(
        &mut self,
        br: &mut Branch,
        name: &'static str,
        upstream: &str,
        form: Form,
        signer: Person,
        edits: Option<Vec<Edit>>,
    ) -> Result<Oid> {
        let sent = self
            .sent
            .get(upstream)
            .with_context(|| format!("nothing to backport named {upstream}"))?
            .clone();
        let sha = self.full(upstream)?;
        let (subject, rest) = sent
            .message
            .split_once("\n\n")
            .unwrap_or((sent.message.as_str(), ""));
        let sob = format!("Signed-off-by: {}\n", signer.ident());
        let message = match form {
            Form::Upstream => format!("{subject}\n\ncommit {sha} upstream.\n\n{rest}{sob}"),
            Form::Autosel => format!("{subject}\n\n[ Upstream commit {sha} ]\n\n{rest}{sob}"),
            Form::CherryPick => {
                format!("{subject}\n\n{rest}(cherry picked from commit {sha})\n{sob}")
            }
            Form::Silent => format!("{subject}\n\n{rest}{sob}"),
        };
        let ct = self.tick();
        self.commit_at(
            br,
            Some(name),
            sent.author,
            sent.author_time,
            signer,
            ct,
            message.as_bytes(),
            edits.unwrap_or(sent.edits),
        )
    }

    /// A merge of `side` into `main`. Files changed on only one side since
    /// `base` are taken from that side; a file changed on both is an error
    /// (the demo has no conflicts to resolve).
    pub(crate) fn merge(
        &mut self,
        main: &mut Branch,
        side: &Branch,
        base: &Branch,
        name: &'static str,
        committer: Person,
        message: &str,
    ) -> Result<Oid> {
        let mut merged = main.files.clone();
        for (path, data) in &side.files {
            let side_changed = base.files.get(path) != Some(data);
            if side_changed {
                if main.files.get(path) != base.files.get(path) {
                    bail!("{path} changed on both sides of {name}");
                }
                merged.insert(path.clone(), data.clone());
            }
        }
        main.files = merged;
        let tree = write_tree(self.repo, &main.files)?;
        let parents: Vec<Oid> = main.head.into_iter().chain(side.head).collect();
        let ct = self.tick();
        let id = write_commit(
            self.repo,
            tree,
            &parents,
            &committer,
            ct,
            &committer,
            ct,
            message.as_bytes(),
        )?;
        main.head = Some(id);
        self.name_commit(name, id)?;
        Ok(id)
    }

    /// A release commit: the top Makefile's version lines, committed by the
    /// release maintainer with the message `Linux <version>`.
    pub(crate) fn release(
        &mut self,
        br: &mut Branch,
        name: &'static str,
        who: Person,
        version: (u32, u32, &str),
    ) -> Result<Oid> {
        let (patchlevel, sublevel, extra) = version;
        let makefile = br.files.get("Makefile").context("no top Makefile")?.clone();
        let text = String::from_utf8(makefile)?;
        let mut out = String::new();
        for line in text.lines() {
            let line = if line.starts_with("PATCHLEVEL = ") {
                format!("PATCHLEVEL = {patchlevel}")
            } else if line.starts_with("SUBLEVEL = ") {
                format!("SUBLEVEL = {sublevel}")
            } else if line.starts_with("EXTRAVERSION =") {
                if extra.is_empty() {
                    "EXTRAVERSION =".to_string()
                } else {
                    format!("EXTRAVERSION = {extra}")
                }
            } else {
                line.to_string()
            };
            out.push_str(&line);
            out.push('\n');
        }
        let label = if sublevel == 0 {
            format!("6.{patchlevel}{extra}")
        } else {
            format!("6.{patchlevel}.{sublevel}{extra}")
        };
        self.commit(
            br,
            Some(name),
            who,
            who,
            &format!("Linux {label}\n"),
            vec![Edit::Write("Makefile", out.into_bytes())],
        )
    }

    /// An annotated tag, signed an hour after the commit it names.
    pub(crate) fn tag(
        &mut self,
        tag: &str,
        target: Oid,
        tagger: Person,
        message: &str,
    ) -> Result<()> {
        let obj = self.repo.find_object(target, None)?;
        let sig = tagger.signature(self.clock + 3_600)?;
        self.repo.tag(tag, &obj, &sig, message, false)?;
        Ok(())
    }

    /// A lightweight tag (a plain ref to the commit).
    pub(crate) fn tag_lightweight(&mut self, tag: &str, target: Oid) -> Result<()> {
        let obj = self.repo.find_object(target, None)?;
        self.repo.tag_lightweight(tag, &obj, false)?;
        Ok(())
    }

    pub(crate) fn branch(&mut self, name: &str, br: &Branch) -> Result<()> {
        let head = br.head.context("branch without commits")?;
        self.repo
            .reference(&format!("refs/heads/{name}"), head, true, "demo: branch")?;
        Ok(())
    }
}
