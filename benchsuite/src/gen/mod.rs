//! A deterministic generator of a kernel-shaped git repository, for scale
//! benchmarks: a mainline of `--commits` commits with merges of short topic
//! branches, ~900 release and rc tags, six `linux-X.Y.y` stable branches
//! carrying backports with upstream lines, `Fixes:` chains, reverts,
//! `Cc: stable` trailers and a `MAINTAINERS` file.
//!
//! The objects are streamed to `git fast-import`, and every commit id is
//! computed here as well (git's own object hashing), so that a message can
//! name an earlier commit by sha while the history is being written. At the
//! end the ids fast-import reports (`--export-marks`) are compared with the
//! computed ones.

mod layout;
mod objects;
mod rng;
mod text;

use anyhow::{Context as _, Result, bail, ensure};
use layout::{FUNCS, Layout, makefile};
use objects::{Id, RootFiles, State, hex, object_id};
use rng::Rng;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Instant;

pub struct Options {
    /// Commits reachable from `master` (merges and topic commits included).
    pub commits: usize,
    pub out: PathBuf,
    pub seed: u64,
    /// Files per subsystem directory; default scales with `commits` up to 100.
    pub files_per_dir: Option<usize>,
    pub quiet: bool,
}

/// What was generated, also written as `stablepick-gen.json` in the repository.
#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub commits: usize,
    pub seed: u64,
    pub merges: usize,
    pub fixes: usize,
    pub cc_stable: usize,
    pub reverts: usize,
    pub release_tags: usize,
    pub point_tags: usize,
    pub files: usize,
    /// (branch, base tag, backports, point releases)
    pub stable: Vec<(String, String, usize, u32)>,
    pub seconds: f64,
}

const NONE: u32 = u32::MAX;
const DAY: i64 = 86_400;
const T0: i64 = 1_113_696_000;
/// Major releases; a partial cycle ending in the next `-rc1` follows.
const CYCLES: usize = 112;
const STABLE_BASES: &[&str] = &["5.4", "5.10", "5.15", "6.1", "6.6", "6.12"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Import,
    Change,
    Fix,
    Revert,
    Add,
    Merge,
    Release,
}

/// One mainline commit. Its text is not stored: it is a function of these
/// fields and the commit's own random stream.
struct Rec {
    id: Id,
    time: i64,
    atime: i64,
    /// Index of the mainline commit that made it reachable from `master`
    /// (itself, or the merge of its topic); `NONE` while unmerged.
    reach: u32,
    /// Fixes or revert target.
    target: u32,
    file: u32,
    author: u32,
    old: u32,
    new: u32,
    kind: Kind,
    func: u8,
    /// 0: none, 1: `Cc: stable@…`, 2: `Cc: <stable@…>`, 3+r: `# X.Y+` of release r.
    hint: u8,
}

struct Topic {
    state: State,
    sub: usize,
    fork: u32,
    tip: Id,
    tip_mark: u64,
    remaining: u32,
    recs: Vec<u32>,
    touched: Vec<(u32, u8)>,
    name: String,
}

struct Branch {
    name: String,
    version: usize,
    base_ord: u32,
    state: State,
    tip: Id,
    pending: Vec<(u32, i64, bool)>,
    next_release: i64,
    point: u32,
    backports: usize,
}

struct Event {
    ord: usize,
    release: usize,
    rc: u8,
}

fn versions() -> Vec<String> {
    let mut v: Vec<String> = (12..=39).map(|s| format!("2.6.{s}")).collect();
    v.extend((0..=19).map(|p| format!("3.{p}")));
    v.extend((0..=20).map(|p| format!("4.{p}")));
    v.extend((0..=19).map(|p| format!("5.{p}")));
    v.extend((0..=23).map(|p| format!("6.{p}")));
    debug_assert_eq!(v.len(), CYCLES + 1);
    v
}

/// Release events and the (ordinal, time) knots commit times follow: each
/// cycle is a two-week merge window holding 80% of its commits, then
/// weekly rcs, the release at nine weeks and the next cycle at 68 days.
fn plan(n: usize) -> (Vec<Event>, Vec<(f64, f64)>) {
    let p = n as f64 / (CYCLES as f64 + 0.8);
    let d = DAY as f64;
    let (mut events, mut knots) = (Vec::new(), Vec::new());
    for r in 0..CYCLES {
        let s = r as f64 * p;
        let ts = T0 as f64 + r as f64 * 68.0 * d;
        knots.push((s, ts));
        for k in 1..=7u8 {
            let o = s + 0.8 * p + f64::from(k - 1) / 7.0 * 0.2 * p;
            knots.push((o, ts + (14.0 + 7.0 * f64::from(k - 1)) * d));
            events.push(Event {
                ord: o.round() as usize,
                release: r,
                rc: k,
            });
        }
        let o = s + p - 1.0;
        knots.push((o, ts + 63.0 * d));
        events.push(Event {
            ord: o.round() as usize,
            release: r,
            rc: 0,
        });
    }
    let s = CYCLES as f64 * p;
    let ts = T0 as f64 + CYCLES as f64 * 68.0 * d;
    knots.push((s, ts));
    knots.push(((n - 1) as f64, ts + 14.0 * d));
    events.push(Event {
        ord: n - 1,
        release: CYCLES,
        rc: 1,
    });
    (events, knots)
}

struct Gen {
    seed: u64,
    n: usize,
    layout: Layout,
    rf: RootFiles,
    w: BufWriter<ChildStdin>,
    rng: Rng,
    recs: Vec<Rec>,
    by_file: Vec<Vec<u32>>,
    master: State,
    /// Id and mark of the commit `master` points at (topic commits interleave).
    master_tip: (Id, u64),
    topic: Option<Topic>,
    next_topic: usize,
    branches: Vec<Branch>,
    /// Marks and ids of commits off mainline (stable branches).
    extra: Vec<(u64, Id)>,
    next_mark: u64,
    tb: Vec<u8>,
    versions: Vec<String>,
    events: Vec<Event>,
    ev_next: usize,
    knots: Vec<(f64, f64)>,
    births: Vec<(usize, u32)>,
    birth_next: usize,
    released: Vec<u32>,
    last_time: i64,
    sum: Summary,
}

/// Runs the generator; `opts.out` must not exist or be empty.
pub fn run(opts: &Options) -> Result<Summary> {
    ensure!(opts.commits >= 2000, "--commits must be at least 2000");
    let start = Instant::now();
    if opts.out.exists() && std::fs::read_dir(&opts.out)?.next().is_some() {
        bail!("{} exists and is not empty", opts.out.display());
    }
    std::fs::create_dir_all(&opts.out)?;
    let st = Command::new("git")
        .args(["init", "-q", "--bare", "-b", "master"])
        .arg(&opts.out)
        .status()
        .context("git init")?;
    ensure!(st.success(), "git init failed");
    let marks = opts.out.join("gen-marks");
    let mut child: Child = Command::new("git")
        .arg("-C")
        .arg(&opts.out)
        .args(["-c", "pack.compression=1", "-c", "core.compression=1"])
        .args([
            "fast-import",
            "--quiet",
            "--active-branches=12",
            "--depth=20",
        ])
        .arg(format!("--export-marks={}", marks.display()))
        .stdin(Stdio::piped())
        .spawn()
        .context("git fast-import")?;
    let stdin = child.stdin.take().expect("piped");
    let fpd = opts
        .files_per_dir
        .unwrap_or((opts.commits / 250).clamp(10, 100));
    let mut rng = Rng::new(opts.seed);
    let layout = Layout::new(&mut rng, fpd, 3000);
    let rf = RootFiles {
        copying: object_id("blob", layout::COPYING.as_bytes()),
        maintainers: object_id("blob", layout.maintainers_file().as_bytes()),
        readme: object_id("blob", layout::README.as_bytes()),
    };
    let nf = layout.files.len();
    let consts: Vec<[u32; FUNCS]> = (0..nf)
        .map(|_| std::array::from_fn(|_| rng.below(0x10_0000) as u32))
        .collect();
    let late = (nf * 3 / 10).min(opts.commits / 25);
    let mut present = vec![true; nf];
    let mut births = Vec::new();
    while births.len() < late {
        let f = rng.below(nf as u64) as u32;
        if present[f as usize] {
            present[f as usize] = false;
            births.push((rng.range(1, opts.commits as u64 - 1) as usize, f));
        }
    }
    births.sort_unstable();
    let (events, knots) = plan(opts.commits);
    let master = State::new(&layout, consts, present);
    let mut g = Gen {
        seed: opts.seed,
        n: opts.commits,
        rf,
        w: BufWriter::with_capacity(1 << 20, stdin),
        rng,
        recs: Vec::with_capacity(opts.commits),
        by_file: vec![Vec::new(); nf],
        master,
        master_tip: ([0; 20], 0),
        topic: None,
        next_topic: 50,
        branches: Vec::new(),
        extra: Vec::new(),
        next_mark: opts.commits as u64 + 1,
        tb: Vec::with_capacity(8192),
        versions: versions(),
        events,
        ev_next: 0,
        knots,
        births,
        birth_next: 0,
        released: Vec::new(),
        last_time: T0,
        sum: Summary {
            commits: opts.commits,
            seed: opts.seed,
            files: nf,
            ..Default::default()
        },
        layout,
    };
    let res = g.generate(opts.quiet, start);
    // Close the stream whatever happened, so fast-import ends.
    let flushed = g.w.flush();
    let Gen {
        w,
        recs,
        extra,
        mut sum,
        layout,
        ..
    } = g;
    drop(w);
    drop(layout);
    let status = child.wait()?;
    res?;
    flushed?;
    ensure!(status.success(), "git fast-import failed: {status}");
    let _ = Command::new("git")
        .arg("-C")
        .arg(&opts.out)
        .args(["update-ref", "-d", "refs/heads/topic"])
        .status();
    verify_marks(&marks, &recs, &extra)?;
    let _ = std::fs::remove_file(&marks);
    sum.seconds = start.elapsed().as_secs_f64();
    std::fs::write(
        opts.out.join("stablepick-gen.json"),
        serde_json::to_string_pretty(&sum)?,
    )?;
    Ok(sum)
}

/// Every id fast-import wrote must be the one computed here.
fn verify_marks(path: &Path, recs: &[Rec], extra: &[(u64, Id)]) -> Result<()> {
    let text = std::fs::read_to_string(path).context("read marks")?;
    let mut want: std::collections::HashMap<u64, &Id> =
        extra.iter().map(|(m, id)| (*m, id)).collect();
    for (i, r) in recs.iter().enumerate() {
        want.insert(i as u64 + 1, &r.id);
    }
    let mut checked = 0;
    for line in text.lines() {
        let Some((m, sha)) = line.strip_prefix(':').and_then(|l| l.split_once(' ')) else {
            continue;
        };
        let m: u64 = m.parse()?;
        let w = want
            .get(&m)
            .with_context(|| format!("unexpected mark :{m}"))?;
        ensure!(
            hex(w) == sha,
            "mark :{m}: fast-import wrote {sha}, computed {}",
            hex(w)
        );
        checked += 1;
    }
    ensure!(
        checked == want.len(),
        "{checked} marks of {} written",
        want.len()
    );
    Ok(())
}

fn ident_line(w: &mut impl Write, what: &str, ident: &str, t: i64) -> std::io::Result<()> {
    writeln!(w, "{what} {ident} {t} +0000")
}

impl Gen {
    fn generate(&mut self, quiet: bool, start: Instant) -> Result<()> {
        self.import()?;
        let mut report = 100_000;
        while self.recs.len() < self.n {
            let c = self.recs.len();
            if !quiet && c >= report {
                eprintln!(
                    "gen-kernel: {c} commits, {:.0} s",
                    start.elapsed().as_secs_f64()
                );
                report += 100_000;
            }
            let t = self.time_of(c);
            self.flush_stable(t)?;
            let ev_due = self.ev_next < self.events.len()
                && (c >= self.events[self.ev_next].ord || c == self.n - 1);
            if let Some(topic) = &self.topic {
                if topic.remaining == 0 || ev_due || c + 2 >= self.n {
                    self.merge_topic(t)?;
                    continue;
                }
                if self.rng.chance(0.4) {
                    self.topic_commit(t)?;
                    continue;
                }
            }
            if ev_due {
                self.release(t)?;
                continue;
            }
            if self.topic.is_none() && c >= self.next_topic && self.ev_next < self.events.len() {
                // Topics stay short enough to merge before the next tag.
                let cycle = self.n / (CYCLES + 1);
                let len = self.rng.range(2, (cycle as u64 / 5).clamp(3, 25));
                if self.events[self.ev_next].ord > c + 3 * len as usize + 3 {
                    self.start_topic(len as u32);
                }
            }
            self.master_commit(t)?;
        }
        // Whatever the stable branches still owe goes into a last point release.
        for b in 0..self.branches.len() {
            let end = self.last_time + 1;
            if self.branches[b].pending.iter().any(|p| p.1 <= end) {
                self.branches[b].next_release = end;
                self.point_release(b)?;
            }
        }
        for br in &self.branches {
            self.sum.stable.push((
                br.name.clone(),
                format!("v{}", self.versions[br.version]),
                br.backports,
                br.point,
            ));
        }
        Ok(())
    }

    fn time_of(&mut self, c: usize) -> i64 {
        let x = c as f64;
        let i = self
            .knots
            .partition_point(|k| k.0 <= x)
            .clamp(1, self.knots.len() - 1);
        let (a, b) = (self.knots[i - 1], self.knots[i]);
        let f = if b.0 > a.0 {
            ((x - a.0) / (b.0 - a.0)).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let t = (a.1 + f * (b.1 - a.1)) as i64 + self.rng.below(300) as i64;
        self.last_time = t.max(self.last_time + 1);
        self.last_time
    }

    fn mark_extra(&mut self, id: Id) -> u64 {
        let m = self.next_mark;
        self.next_mark += 1;
        self.extra.push((m, id));
        m
    }

    fn import(&mut self) -> Result<()> {
        let t = self.time_of(0);
        let mk = makefile("2.6.12", "-rc1");
        self.master.set_makefile(&mk);
        let mut buf = Vec::new();
        let files: Vec<u32> = (0..self.layout.files.len() as u32)
            .filter(|&f| self.master.present[f as usize])
            .collect();
        for &f in &files {
            self.master.rehash_file(&self.layout, f, &mut buf);
        }
        self.master
            .rehash_trees(&self.layout, &self.rf, &files, &mut self.tb);
        let chief = self.layout.person(self.layout.chief).ident();
        let msg = "Import the initial tree\n\nThe history before this point is not kept here.\n"
            .to_string();
        let id = commit_id(&self.master.root, &[], &chief, t, &chief, t, &msg);
        self.master_tip = (id, 1);
        self.recs.push(Rec {
            id,
            time: t,
            atime: t,
            reach: 0,
            target: NONE,
            file: NONE,
            author: self.layout.chief,
            old: 0,
            new: 0,
            kind: Kind::Import,
            func: 0,
            hint: 0,
        });
        let w = &mut self.w;
        write!(w, "commit refs/heads/master\nmark :1\n")?;
        ident_line(w, "author", &chief, t)?;
        ident_line(w, "committer", &chief, t)?;
        write!(w, "data {}\n{msg}\n", msg.len())?;
        for (path, body) in [
            ("COPYING", layout::COPYING.to_string()),
            ("MAINTAINERS", self.layout.maintainers_file()),
            ("Makefile", mk),
            ("README", layout::README.to_string()),
        ] {
            write!(w, "M 100644 inline {path}\ndata {}\n{body}\n", body.len())?;
        }
        for &f in &files {
            self.layout
                .file_text(f, &self.master.consts[f as usize], &mut buf);
            write!(
                w,
                "M 100644 inline {}\ndata {}\n",
                self.layout.files[f as usize].path,
                buf.len()
            )?;
            w.write_all(&buf)?;
            w.write_all(b"\n")?;
        }
        w.write_all(b"\n")?;
        Ok(())
    }

    /// A random present file of `state`, optionally within one subsystem.
    fn pick_file(&mut self, present: &[bool], sub: Option<usize>) -> u32 {
        loop {
            let f = match sub {
                Some(s) => *self.rng.pick(&self.layout.subs[s].files),
                None => self.rng.below(self.layout.files.len() as u64) as u32,
            };
            if present[f as usize] {
                return f;
            }
        }
    }

    /// A commit that touched `file` earlier, recent ones likelier.
    fn pick_target(&mut self, file: u32, topic: Option<(u32, &[u32])>) -> Option<u32> {
        let list = &self.by_file[file as usize];
        if list.is_empty() {
            return None;
        }
        for _ in 0..4 {
            let l = list.len();
            let d = ((l as f64).powf(self.rng.unit()) as usize).clamp(1, l) - 1;
            let idx = list[l - 1 - d];
            let r = &self.recs[idx as usize];
            let ok = match topic {
                None => r.reach != NONE,
                Some((fork, own)) => (r.reach != NONE && r.reach <= fork) || own.contains(&idx),
            };
            if ok && matches!(r.kind, Kind::Change | Kind::Fix | Kind::Revert) {
                return Some(idx);
            }
        }
        None
    }

    fn author_for(&mut self, file: u32) -> u32 {
        let sub = &self.layout.subs[self.layout.files[file as usize].sub];
        if self.rng.chance(0.5) {
            *self.rng.pick(&sub.regulars)
        } else {
            // A few prolific authors, a long tail.
            let u = self.rng.unit();
            (u * u * self.layout.people.len() as f64) as u32
        }
    }

    /// The release index whose tag first contains mainline index `reach`.
    fn release_of(&self, reach: u32) -> Option<usize> {
        let r = self.released.partition_point(|&o| o < reach);
        (r < self.released.len()).then_some(r)
    }

    fn cc_hint(&mut self, kind: Kind, target: u32) -> u8 {
        let p = if kind == Kind::Fix { 0.28 } else { 0.008 };
        if !self.rng.chance(p) {
            return 0;
        }
        let rel = (target != NONE)
            .then(|| self.release_of(self.recs[target as usize].reach))
            .flatten();
        match (self.rng.below(100), rel) {
            (0..=14, _) => 2,
            (15..=49, Some(r)) => 3 + r as u8,
            _ => 1,
        }
    }

    fn master_commit(&mut self, t: i64) -> Result<()> {
        let c = self.recs.len();
        if self.birth_next < self.births.len() && self.births[self.birth_next].0 <= c {
            let f = self.births[self.birth_next].1;
            self.birth_next += 1;
            self.master.present[f as usize] = true;
            return self.line_commit(t, Kind::Add, f, 0, NONE, None);
        }
        let roll = self.rng.unit();
        if roll < 0.003 {
            // Revert a recent change.
            for _ in 0..8 {
                let back = self.rng.range(1, 2000.min(c as u64 - 1).max(2)) as usize;
                let idx = c - back.min(c - 1);
                let r = &self.recs[idx];
                if r.reach != NONE && matches!(r.kind, Kind::Change | Kind::Fix) {
                    let (f, k) = (r.file, r.func);
                    return self.line_commit(t, Kind::Revert, f, k, idx as u32, None);
                }
            }
        }
        let present = std::mem::take(&mut self.master.present);
        let f = self.pick_file(&present, None);
        self.master.present = present;
        if roll < 0.2
            && let Some(target) = self.pick_target(f, None)
        {
            let k = if self.rng.chance(0.7) {
                self.recs[target as usize].func
            } else {
                self.rng.below(FUNCS as u64) as u8
            };
            return self.line_commit(t, Kind::Fix, f, k, target, None);
        }
        let k = self.rng.below(FUNCS as u64) as u8;
        self.line_commit(t, Kind::Change, f, k, NONE, None)
    }

    fn start_topic(&mut self, remaining: u32) {
        let c = self.recs.len();
        let sub = self.rng.below(self.layout.subs.len() as u64) as usize;
        let names = [
            "fixes",
            "next",
            "for-linus",
            "updates",
            "cleanups",
            "for-next",
        ];
        let name = format!(
            "{}-{}-{}",
            self.layout.subs[sub].name,
            self.rng.pick(&names),
            c
        );
        self.topic = Some(Topic {
            state: self.master.clone(),
            sub,
            fork: self.master_tip.1 as u32 - 1,
            tip: self.master_tip.0,
            tip_mark: self.master_tip.1,
            remaining,
            recs: Vec::new(),
            touched: Vec::new(),
            name,
        });
        self.next_topic = c + self.rng.range(100, 400).min(self.n as u64 / 60 + 2) as usize;
        let _ = writeln!(
            self.w,
            "reset refs/heads/topic\nfrom :{}\n",
            self.master_tip.1
        );
    }

    fn topic_commit(&mut self, t: i64) -> Result<()> {
        let mut topic = self.topic.take().expect("topic");
        let f = self.pick_file(&topic.state.present, Some(topic.sub));
        let target = if self.rng.chance(0.3) {
            self.pick_target(f, Some((topic.fork, &topic.recs)))
        } else {
            None
        };
        let (kind, k) = match target {
            Some(tg) => (Kind::Fix, self.recs[tg as usize].func),
            None => (Kind::Change, self.rng.below(FUNCS as u64) as u8),
        };
        let res = self.line_commit(t, kind, f, k, target.unwrap_or(NONE), Some(&mut topic));
        topic.remaining -= 1;
        self.topic = Some(topic);
        res
    }

    /// A non-merge mainline commit, on `master` or on the topic branch.
    fn line_commit(
        &mut self,
        t: i64,
        kind: Kind,
        f: u32,
        k: u8,
        target: u32,
        topic: Option<&mut Topic>,
    ) -> Result<()> {
        let idx = self.recs.len() as u32;
        let author = self.author_for(f);
        let atime = (t - self.rng.below(20 * DAY as u64) as i64).max(T0);
        let hint = match kind {
            Kind::Fix | Kind::Change => self.cc_hint(kind, target),
            _ => 0,
        };
        let mut topic = topic;
        let on_topic = topic.is_some();
        let (state, parent, refname) = match &mut topic {
            Some(tp) => {
                tp.recs.push(idx);
                tp.touched.push((f, k));
                (&mut tp.state, (tp.tip, tp.tip_mark), "refs/heads/topic")
            }
            None => (&mut self.master, self.master_tip, "refs/heads/master"),
        };
        let old = state.consts[f as usize][k as usize];
        let new = match kind {
            Kind::Revert => self.recs[target as usize].old,
            Kind::Add => old,
            _ => loop {
                let v = self.rng.below(0x10_0000) as u32;
                if v != old {
                    break v;
                }
            },
        };
        if kind == Kind::Add {
            state.present[f as usize] = true;
        }
        state.consts[f as usize][k as usize] = new;
        let mut buf = Vec::new();
        state.rehash_file(&self.layout, f, &mut buf);
        state.rehash_trees(&self.layout, &self.rf, &[f], &mut self.tb);
        let tree = state.root;
        self.recs.push(Rec {
            id: [0; 20],
            time: t,
            atime,
            reach: if on_topic { NONE } else { idx },
            target,
            file: f,
            author,
            old,
            new,
            kind,
            func: k,
            hint,
        });
        let msg = self.message(idx);
        let a = self.layout.person(author).ident();
        let cm = self.layout.person(self.committer(idx)).ident();
        let id = commit_id(&tree, &[parent.0], &a, atime, &cm, t, &msg);
        self.recs[idx as usize].id = id;
        match kind {
            Kind::Fix => self.sum.fixes += 1,
            Kind::Revert => self.sum.reverts += 1,
            _ => {}
        }
        if hint != 0 {
            self.sum.cc_stable += 1;
        }
        self.by_file[f as usize].push(idx);
        let w = &mut self.w;
        write!(w, "commit {refname}\nmark :{}\n", idx + 1)?;
        ident_line(w, "author", &a, atime)?;
        ident_line(w, "committer", &cm, t)?;
        write!(w, "data {}\n{msg}\n", msg.len())?;
        write!(
            w,
            "M 100644 inline {}\ndata {}\n",
            self.layout.files[f as usize].path,
            buf.len()
        )?;
        w.write_all(&buf)?;
        w.write_all(b"\n\n")?;
        match topic {
            Some(tp) => {
                tp.tip = id;
                tp.tip_mark = idx as u64 + 1;
            }
            None => {
                self.master_tip = (id, idx as u64 + 1);
                self.consider_backport(idx);
            }
        }
        Ok(())
    }

    fn committer(&self, idx: u32) -> u32 {
        let r = &self.recs[idx as usize];
        if r.file == NONE {
            return self.layout.chief;
        }
        self.layout.subs[self.layout.files[r.file as usize].sub].maintainers[0]
    }

    fn merge_topic(&mut self, t: i64) -> Result<()> {
        let topic = self.topic.take().expect("topic");
        let idx = self.recs.len() as u32;
        let mut files: Vec<u32> = Vec::new();
        for &(f, k) in &topic.touched {
            self.master.consts[f as usize][k as usize] = topic.state.consts[f as usize][k as usize];
            files.push(f);
        }
        files.sort_unstable();
        files.dedup();
        let mut texts = Vec::new();
        for &f in &files {
            let mut buf = Vec::new();
            self.master.rehash_file(&self.layout, f, &mut buf);
            texts.push((f, buf));
        }
        self.master
            .rehash_trees(&self.layout, &self.rf, &files, &mut self.tb);
        let sub = &self.layout.subs[topic.sub];
        let maint = self.layout.person(sub.maintainers[0]);
        let user = maint.email.split('@').next().unwrap_or("maint");
        let mut msg = format!(
            "Merge tag '{}' of git://git.kernel.org/pub/scm/linux/kernel/git/{user}/{}.git\n\nPull {} updates from {}:\n\n",
            topic.name, sub.name, sub.name, maint.name
        );
        for &r in topic.recs.iter().rev() {
            let _ = writeln!(msg, " - {}", self.subject(r));
        }
        let _ = write!(
            msg,
            "\n* tag '{}' of git://git.kernel.org/pub/scm/linux/kernel/git/{user}/{}.git:\n",
            topic.name, sub.name
        );
        for &r in topic.recs.iter().rev() {
            let _ = writeln!(msg, "  {}", self.subject(r));
        }
        let chief = self.layout.person(self.layout.chief).ident();
        let parents = [self.master_tip.0, topic.tip];
        let id = commit_id(&self.master.root, &parents, &chief, t, &chief, t, &msg);
        self.master_tip = (id, idx as u64 + 1);
        self.recs.push(Rec {
            id,
            time: t,
            atime: t,
            reach: idx,
            target: NONE,
            file: NONE,
            author: self.layout.chief,
            old: 0,
            new: 0,
            kind: Kind::Merge,
            func: 0,
            hint: 0,
        });
        self.sum.merges += 1;
        let w = &mut self.w;
        write!(w, "commit refs/heads/master\nmark :{}\n", idx + 1)?;
        ident_line(w, "author", &chief, t)?;
        ident_line(w, "committer", &chief, t)?;
        write!(w, "data {}\n{msg}\nmerge :{}\n", msg.len(), topic.tip_mark)?;
        for (f, buf) in &texts {
            write!(
                w,
                "M 100644 inline {}\ndata {}\n",
                self.layout.files[*f as usize].path,
                buf.len()
            )?;
            w.write_all(buf)?;
            w.write_all(b"\n")?;
        }
        w.write_all(b"\n")?;
        for &r in &topic.recs {
            self.recs[r as usize].reach = idx;
        }
        for &r in &topic.recs {
            self.consider_backport(r);
        }
        Ok(())
    }

    /// A `Linux X.Y[-rcN]` commit that bumps the Makefile, and its tag.
    fn release(&mut self, t: i64) -> Result<()> {
        let ev = &self.events[self.ev_next];
        let (r, rc) = (ev.release, ev.rc);
        self.ev_next += 1;
        let v = self.versions[r].clone();
        let extra = if rc > 0 {
            format!("-rc{rc}")
        } else {
            String::new()
        };
        let name = format!("{v}{extra}");
        let mk = makefile(&v, &extra);
        self.master.set_makefile(&mk);
        self.master
            .rehash_root(&self.layout, &self.rf, &mut self.tb);
        let idx = self.recs.len() as u32;
        let chief = self.layout.person(self.layout.chief).ident();
        let msg = format!("Linux {name}\n");
        let id = commit_id(
            &self.master.root,
            &[self.master_tip.0],
            &chief,
            t,
            &chief,
            t,
            &msg,
        );
        self.master_tip = (id, idx as u64 + 1);
        self.recs.push(Rec {
            id,
            time: t,
            atime: t,
            reach: idx,
            target: NONE,
            file: NONE,
            author: self.layout.chief,
            old: 0,
            new: 0,
            kind: Kind::Release,
            func: 0,
            hint: 0,
        });
        let w = &mut self.w;
        write!(w, "commit refs/heads/master\nmark :{}\n", idx + 1)?;
        ident_line(w, "author", &chief, t)?;
        ident_line(w, "committer", &chief, t)?;
        write!(
            w,
            "data {}\n{msg}\nM 100644 inline Makefile\ndata {}\n{mk}\n\n",
            msg.len(),
            mk.len()
        )?;
        write!(w, "tag v{name}\nfrom :{}\n", idx + 1)?;
        ident_line(w, "tagger", &chief, t)?;
        write!(w, "data {}\n{msg}\n", msg.len())?;
        self.sum.release_tags += 1;
        if rc == 0 {
            self.released.push(idx);
            if STABLE_BASES.contains(&v.as_str()) {
                let bname = format!("linux-{v}.y");
                writeln!(self.w, "reset refs/heads/{bname}\nfrom :{}\n", idx + 1)?;
                self.branches.push(Branch {
                    name: bname,
                    version: r,
                    base_ord: idx,
                    state: self.master.clone(),
                    tip: id,
                    pending: Vec::new(),
                    next_release: t + self.rng.range(5, 12) as i64 * DAY,
                    point: 0,
                    backports: 0,
                });
            }
        }
        Ok(())
    }

    /// Queues mainline commit `idx` (now reachable from master) for the
    /// stable branches that would take it.
    fn consider_backport(&mut self, idx: u32) {
        let r = &self.recs[idx as usize];
        if !matches!(r.kind, Kind::Change | Kind::Fix | Kind::Revert) {
            return;
        }
        let (hint, target, file, time, reach) = (r.hint, r.target, r.file, r.time, r.reach);
        let target_reach = (target != NONE).then(|| self.recs[target as usize].reach);
        for b in 0..self.branches.len() {
            let br = &self.branches[b];
            if !br.state.present[file as usize] || br.base_ord >= reach {
                continue;
            }
            let bug_present = target_reach.map(|tr| tr <= br.base_ord);
            let take = if hint != 0 {
                let allowed = hint < 3 || (hint as usize - 3) <= br.version;
                allowed && bug_present != Some(false) && self.rng.chance(0.85)
            } else {
                r.kind == Kind::Fix && bug_present == Some(true) && self.rng.chance(0.2)
            };
            if take {
                let due = time + self.rng.range(5, 35) as i64 * DAY;
                self.branches[b].pending.push((idx, due, hint == 0));
            }
        }
    }

    fn flush_stable(&mut self, t: i64) -> Result<()> {
        for b in 0..self.branches.len() {
            while self.branches[b].next_release <= t {
                self.point_release(b)?;
            }
        }
        Ok(())
    }

    /// Applies the due backports to a stable branch and tags `vX.Y.N`.
    fn point_release(&mut self, b: usize) -> Result<()> {
        let at = self.branches[b].next_release;
        self.branches[b].next_release = at + self.rng.range(5, 12) as i64 * DAY;
        let pending = std::mem::take(&mut self.branches[b].pending);
        let (mut due, rest): (Vec<_>, Vec<_>) = pending.into_iter().partition(|p| p.1 <= at);
        self.branches[b].pending = rest;
        if due.is_empty() {
            return Ok(());
        }
        due.sort_by_key(|p| (p.1, p.0));
        let keeper = self.layout.person(self.layout.stable_keeper).ident();
        let autosel = self.layout.person(self.layout.autosel_keeper).ident();
        let count = due.len() as i64;
        for (j, &(idx, _, auto)) in due.iter().enumerate() {
            let r = &self.recs[idx as usize];
            let (f, k, new, atime, rtime, author) =
                (r.file, r.func, r.new, r.atime, r.time, r.author);
            let ctime = (at - (count - j as i64) * 97).max(rtime + 1);
            let up = hex(&r.id);
            let (subject, body) = self.texts(idx);
            let (line, sob) = if auto {
                (format!("[ Upstream commit {up} ]"), &autosel)
            } else {
                (format!("commit {up} upstream."), &keeper)
            };
            let msg = format!("{subject}\n\n{line}\n\n{body}Signed-off-by: {sob}\n");
            let br = &mut self.branches[b];
            br.state.consts[f as usize][k as usize] = new;
            let mut buf = Vec::new();
            br.state.rehash_file(&self.layout, f, &mut buf);
            br.state
                .rehash_trees(&self.layout, &self.rf, &[f], &mut self.tb);
            let a = self.layout.person(author).ident();
            let id = commit_id(&br.state.root, &[br.tip], &a, atime, sob, ctime, &msg);
            br.tip = id;
            br.backports += 1;
            let refname = format!("refs/heads/{}", br.name);
            let m = self.mark_extra(id);
            let w = &mut self.w;
            write!(w, "commit {refname}\nmark :{m}\n")?;
            ident_line(w, "author", &a, atime)?;
            ident_line(w, "committer", sob, ctime)?;
            write!(w, "data {}\n{msg}\n", msg.len())?;
            write!(
                w,
                "M 100644 inline {}\ndata {}\n",
                self.layout.files[f as usize].path,
                buf.len()
            )?;
            w.write_all(&buf)?;
            w.write_all(b"\n\n")?;
        }
        let br = &mut self.branches[b];
        br.point += 1;
        let v = format!("{}.{}", self.versions[br.version], br.point);
        let mk = makefile(&v, "");
        br.state.set_makefile(&mk);
        br.state.rehash_root(&self.layout, &self.rf, &mut self.tb);
        let msg = format!("Linux {v}\n");
        let id = commit_id(&br.state.root, &[br.tip], &keeper, at, &keeper, at, &msg);
        br.tip = id;
        let refname = format!("refs/heads/{}", br.name);
        let m = self.mark_extra(id);
        let w = &mut self.w;
        write!(w, "commit {refname}\nmark :{m}\n")?;
        ident_line(w, "author", &keeper, at)?;
        ident_line(w, "committer", &keeper, at)?;
        write!(
            w,
            "data {}\n{msg}\nM 100644 inline Makefile\ndata {}\n{mk}\n\n",
            msg.len(),
            mk.len()
        )?;
        write!(w, "tag v{v}\nfrom :{m}\n")?;
        ident_line(w, "tagger", &keeper, at)?;
        write!(w, "data {}\n{msg}\n", msg.len())?;
        self.sum.point_tags += 1;
        Ok(())
    }

    fn subject(&self, idx: u32) -> String {
        self.texts(idx).0
    }

    fn message(&self, idx: u32) -> String {
        let (s, b) = self.texts(idx);
        format!("{s}\n\n{b}")
    }

    /// Subject and body (trailers included, ending in a newline) of a
    /// non-merge mainline commit.
    fn texts(&self, idx: u32) -> (String, String) {
        let r = &self.recs[idx as usize];
        let mut rng = Rng::for_item(self.seed, idx as u64, 1);
        let l = &self.layout;
        if r.kind == Kind::Revert {
            let (ts, _) = self.texts(r.target);
            let body = format!(
                "This reverts commit {}.\n\nIt breaks {} on some machines; the original problem needs a different fix.\n\n{}",
                hex(&self.recs[r.target as usize].id),
                self.layout.subs[self.layout.files[r.file as usize].sub].name,
                self.trailers(idx, &mut rng)
            );
            return (format!("Revert \"{ts}\""), body);
        }
        let p = text::prefix(l, r.file, &mut rng);
        let (f, g, x, y) = text::names(l, r.file, r.func, &mut rng);
        let d = &l.files[r.file as usize];
        let w = d.stem.as_str();
        let n = rng.below(16);
        let (subject, prose) = match r.kind {
            Kind::Fix => (
                text::fill(rng.word(text::BUGS), &f, &g, x, y, w, n),
                format!(
                    "{}\n\n{}",
                    text::fill(text::why(&mut rng), &f, &g, x, y, w, n),
                    text::fill(text::what(&mut rng), &f, &g, x, y, w, n)
                ),
            ),
            Kind::Add => (
                format!("add {w} support"),
                format!(
                    "Add {} for the {} subsystem.\n\nThe {w} code starts with the basic operations; more follow.",
                    d.path, l.subs[d.sub].name
                ),
            ),
            _ => (
                text::fill(rng.word(text::CHANGES), &f, &g, x, y, w, n),
                text::fill(text::feature(&mut rng), &f, &g, x, y, w, n),
            ),
        };
        let body = format!("{prose}\n\n{}", self.trailers(idx, &mut rng));
        (format!("{p}{subject}"), body)
    }

    fn trailers(&self, idx: u32, rng: &mut Rng) -> String {
        let r = &self.recs[idx as usize];
        let l = &self.layout;
        let sub = &l.subs[l.files[r.file as usize].sub];
        let author = l.person(r.author);
        let mut s = String::new();
        if r.kind == Kind::Fix && r.target != NONE {
            let t = &self.recs[r.target as usize];
            let _ = writeln!(
                s,
                "Fixes: {} (\"{}\")",
                &hex(&t.id)[..12],
                self.subject(r.target)
            );
        }
        if r.kind == Kind::Fix && rng.chance(0.3) {
            let rep = l.person(*rng.pick(&sub.regulars));
            let _ = writeln!(s, "Reported-by: {}", rep.ident());
            if rng.chance(0.5) {
                let _ = writeln!(
                    s,
                    "Closes: https://lore.kernel.org/r/{}.{}-1-{}",
                    text::stamp(r.atime - 3 * DAY),
                    idx % 9973,
                    rep.email
                );
            }
        }
        match r.hint {
            0 => {}
            1 => s.push_str("Cc: stable@vger.kernel.org\n"),
            2 => s.push_str("Cc: <stable@vger.kernel.org>\n"),
            h => {
                let _ = writeln!(
                    s,
                    "Cc: stable@vger.kernel.org # {}+",
                    self.versions[h as usize - 3]
                );
            }
        }
        if rng.chance(0.05) {
            let _ = writeln!(
                s,
                "Suggested-by: {}",
                l.person(*rng.pick(&sub.regulars)).ident()
            );
        }
        let _ = writeln!(s, "Signed-off-by: {}", author.ident());
        if rng.chance(0.35) {
            let _ = writeln!(
                s,
                "Reviewed-by: {}",
                l.person(*rng.pick(&sub.regulars)).ident()
            );
        }
        if rng.chance(0.1) {
            let _ = writeln!(
                s,
                "Acked-by: {}",
                l.person(*rng.pick(&sub.regulars)).ident()
            );
        }
        if rng.chance(0.15) {
            let _ = writeln!(
                s,
                "Tested-by: {}",
                l.person(*rng.pick(&sub.regulars)).ident()
            );
        }
        match rng.below(10) {
            0..=6 => {
                let _ = writeln!(
                    s,
                    "Link: https://lore.kernel.org/r/{}.{}-1-{}",
                    text::stamp(r.atime),
                    idx % 9973,
                    author.email
                );
            }
            7 | 8 => {
                let _ = writeln!(
                    s,
                    "Link: https://patch.msgid.link/{}.{}-1-{}",
                    text::stamp(r.atime),
                    idx % 9973,
                    author.email
                );
            }
            _ => {}
        }
        let c = self.committer(idx);
        if c != r.author {
            let _ = writeln!(s, "Signed-off-by: {}", l.person(c).ident());
        }
        s
    }
}

fn commit_id(
    tree: &Id,
    parents: &[Id],
    author: &str,
    at: i64,
    committer: &str,
    ct: i64,
    msg: &str,
) -> Id {
    let mut body = String::with_capacity(256 + msg.len());
    let _ = writeln!(body, "tree {}", hex(tree));
    for p in parents {
        let _ = writeln!(body, "parent {}", hex(p));
    }
    let _ = write!(
        body,
        "author {author} {at} +0000\ncommitter {committer} {ct} +0000\n\n{msg}"
    );
    if std::env::var_os("GEN_DEBUG").is_some() {
        eprintln!("{}\n{body}", hex(&object_id("commit", body.as_bytes())));
    }
    object_id("commit", body.as_bytes())
}

/// Summary lines for the terminal.
pub fn describe(s: &Summary) -> String {
    let mut out = format!(
        "{} mainline commits ({} merges, {} fixes, {} Cc: stable, {} reverts), {} files, {} release/rc tags, {} point-release tags, {:.1} s\n",
        s.commits,
        s.merges,
        s.fixes,
        s.cc_stable,
        s.reverts,
        s.files,
        s.release_tags,
        s.point_tags,
        s.seconds
    );
    for (b, base, n, p) in &s.stable {
        let _ = writeln!(
            out,
            "  {b} (base {base}): {n} backports, {p} point releases"
        );
    }
    out
}
