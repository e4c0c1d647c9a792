//! Mail engine benchmark: generates an mbox of realistic patch traffic
//! (series with cover letters, replies with trailers and quoted text,
//! revisions), then measures import, threading, memory and look-ups, next to
//! plain-tool baselines run on the same file.
//!
//! ```text
//! cargo run --release -p stablepick-mail --example bench_mail -- [MESSAGES] [DIR]
//! ```
//! Defaults: 1,000,000 messages in `bench-data/`. Generated data is never
//! committed (`bench-data/` is ignored).

use stablepick_mail::{ImportOptions, MailStore, import};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, so every run sees the same archive.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, v: &'a [&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
}

const FIRST: [&str; 16] = [
    "Alice", "Bob", "Carol", "Dan", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Rupert", "Sybil",
];
const LAST: [&str; 12] = [
    "Smith", "Chen", "Kumar", "Garcia", "Novak", "Ivanova", "Okafor", "Larsen", "Tanaka",
    "Schmidt", "Rossi", "Dubois",
];
const SUBSYS: [&str; 12] = [
    "mm",
    "net",
    "sched",
    "fs/ext4",
    "drm/amdgpu",
    "arm64",
    "x86/kvm",
    "bpf",
    "usb",
    "btrfs",
    "io_uring",
    "powerpc",
];
const VERBS: [&str; 10] = [
    "fix", "avoid", "drop", "add", "rework", "handle", "check", "use", "remove", "clean up",
];
const OBJS: [&str; 12] = [
    "use-after-free in teardown",
    "NULL dereference on probe failure",
    "refcount leak in error path",
    "race between open and release",
    "overflow in size calculation",
    "missing lock in reclaim",
    "stale pointer after resize",
    "deadlock on suspend",
    "off-by-one in bounds check",
    "unused variable warning",
    "redundant barrier",
    "wrong return value",
];
const WORDS: [&str; 24] = [
    "the",
    "driver",
    "memory",
    "lock",
    "path",
    "kernel",
    "buffer",
    "when",
    "callback",
    "state",
    "which",
    "could",
    "release",
    "during",
    "is",
    "not",
    "queue",
    "after",
    "before",
    "reference",
    "handler",
    "error",
    "value",
    "device",
];

fn person(r: &mut Rng) -> (String, String) {
    let i = r.below(2000);
    let f = FIRST[(i % 16) as usize];
    let l = LAST[(i / 16 % 12) as usize];
    (
        format!("{f} {l}"),
        format!(
            "{}.{}{}@example.org",
            f.to_lowercase(),
            l.to_lowercase(),
            i / 192
        ),
    )
}

fn sentence(r: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for k in 0..words {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(r.pick(&WORDS));
    }
    s
}

fn date(t: u64) -> String {
    // RFC 2822 date of Unix time t (UTC), without a calendar crate.
    let (y, m, d) = stablepick_civil::civil_from_days((t / 86_400) as i64);
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let s = t % 86_400;
    format!(
        "{d} {} {y} {:02}:{:02}:{:02} +0000",
        MON[(m - 1) as usize],
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

struct Gen {
    r: Rng,
    out: BufWriter<std::fs::File>,
    n: u64,
    t: u64,
    bytes: u64,
}

impl Gen {
    fn emit(
        &mut self,
        id: &str,
        from: &(String, String),
        subject: &str,
        irt: &[String],
        body: &str,
    ) {
        self.t += 1 + self.r.below(90);
        let mut m = format!(
            "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: {} <{}>\nTo: linux-kernel@vger.kernel.org\nSubject: {}\nDate: {}\nMessage-ID: <{}>\n",
            from.0,
            from.1,
            subject,
            date(self.t),
            id
        );
        if let Some(p) = irt.last() {
            m.push_str(&format!("In-Reply-To: <{p}>\nReferences:"));
            for r in irt {
                m.push_str(&format!(" <{r}>"));
            }
            m.push('\n');
        }
        m.push_str("MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n");
        for line in body.lines() {
            if line.trim_start_matches('>').starts_with("From ") {
                m.push('>');
            }
            m.push_str(line);
            m.push('\n');
        }
        m.push('\n');
        self.bytes += m.len() as u64;
        self.out.write_all(m.as_bytes()).expect("write mbox");
        self.n += 1;
    }

    fn patch_body(&mut self, author: &(String, String), title: &str) -> String {
        let mut b = String::new();
        for _ in 0..(2 + self.r.below(4)) {
            let w = 8 + self.r.below(6) as usize;
            b.push_str(&sentence(&mut self.r, w));
            b.push_str(".\n");
        }
        b.push('\n');
        if self.r.below(3) == 0 {
            b.push_str(&format!(
                "Fixes: {:012x} (\"{}\")\n",
                self.r.next() >> 16,
                title
            ));
        }
        if self.r.below(5) == 0 {
            b.push_str("Cc: stable@vger.kernel.org\n");
        }
        b.push_str(&format!(
            "Signed-off-by: {} <{}>\n---\n",
            author.0, author.1
        ));
        let file = format!(
            "{}/file{}.c",
            title.split(':').next().unwrap_or("x"),
            self.r.below(50)
        );
        let lines = 3 + self.r.below(12);
        b.push_str(&format!(
            " {file} | {} ++--\n 1 file changed, {} insertions(+), {} deletions(-)\n\n",
            lines * 2,
            lines,
            lines
        ));
        b.push_str(&format!("diff --git a/{file} b/{file}\nindex 1234567..89abcde 100644\n--- a/{file}\n+++ b/{file}\n@@ -10,{} +10,{} @@\n", lines + 2, lines + 2));
        b.push_str(" static int foo(void)\n");
        for k in 0..lines {
            b.push_str(&format!("-\told_call_{k}(dev, {});\n", self.r.below(100)));
        }
        for k in 0..lines {
            b.push_str(&format!("+\tnew_call_{k}(dev, {});\n", self.r.below(100)));
        }
        b.push_str(" }\n-- \n2.43.0\n");
        b
    }

    fn reply_body(&mut self, quoted: &str, who: &(String, String)) -> String {
        let mut b = String::from("On Mon, someone wrote:\n");
        for l in quoted.lines().take(6) {
            b.push_str("> ");
            b.push_str(l);
            b.push('\n');
        }
        b.push('\n');
        b.push_str(&sentence(&mut self.r, 12));
        b.push_str(".\n\n");
        match self.r.below(6) {
            0 => b.push_str(&format!("Reviewed-by: {} <{}>\n", who.0, who.1)),
            1 => b.push_str(&format!("Acked-by: {} <{}>\n", who.0, who.1)),
            2 => b.push_str(&format!("Tested-by: {} <{}>\n", who.0, who.1)),
            3 => b.push_str("This should go to stable as well.\n"),
            _ => {}
        }
        b
    }

    fn generate(&mut self, target: u64) {
        let mut sid = 0u64;
        while self.n < target {
            sid += 1;
            let author = person(&mut self.r);
            let sub = self.r.pick(&SUBSYS).to_string();
            let k = if self.r.below(10) < 4 {
                1
            } else {
                2 + self.r.below(7)
            };
            let revs = 1 + self.r.below(3) * u64::from(self.r.below(3) == 0);
            let titles: Vec<String> = (0..k)
                .map(|_| format!("{sub}: {} {}", self.r.pick(&VERBS), self.r.pick(&OBJS)))
                .collect();
            for rev in 1..=revs {
                let tag = if rev == 1 {
                    String::new()
                } else {
                    format!(" v{rev}")
                };
                let root = format!("{sid}-{rev}-0@bench.example");
                let mut first = root.clone();
                if k > 1 {
                    let mut body = format!("This series {}.\n\n", sentence(&mut self.r, 10));
                    if rev > 1 {
                        body.push_str(&format!(
                            "Changes in v{rev}:\n- {}\n\n",
                            sentence(&mut self.r, 6)
                        ));
                    }
                    body.push_str(&format!("{} ({k}):\n", author.0));
                    for t in &titles {
                        body.push_str(&format!("  {t}\n"));
                    }
                    self.emit(
                        &root,
                        &author,
                        &format!("[PATCH{tag} 0/{k}] {sub}: series {sid}"),
                        &[],
                        &body,
                    );
                }
                for (i, t) in titles.iter().enumerate() {
                    let id = format!("{sid}-{rev}-{}@bench.example", i + 1);
                    let subj = if k > 1 {
                        format!("[PATCH{tag} {}/{k}] {t}", i + 1)
                    } else {
                        format!("[PATCH{tag}] {t}")
                    };
                    let body = self.patch_body(&author, t);
                    let parents = if k > 1 { vec![root.clone()] } else { vec![] };
                    self.emit(&id, &author, &subj, &parents, &body);
                    if k == 1 {
                        first = id.clone();
                    }
                    // Replies, sometimes replies to replies.
                    let mut chain = parents.clone();
                    chain.push(id.clone());
                    for j in 0..self.r.below(3) {
                        let who = person(&mut self.r);
                        let body = self.reply_body(&body, &who);
                        let rid = format!("{sid}-{rev}-{}-r{j}@bench.example", i + 1);
                        self.emit(&rid, &who, &format!("Re: {subj}"), &chain, &body);
                        if self.r.below(2) == 0 {
                            chain.push(rid);
                        }
                    }
                }
                if k > 1 && self.r.below(2) == 0 {
                    let who = person(&mut self.r);
                    let body = format!(
                        "> This series\n\nFor the series:\nReviewed-by: {} <{}>\n",
                        who.0, who.1
                    );
                    self.emit(
                        &format!("{sid}-{rev}-0-r@bench.example"),
                        &who,
                        &format!("Re: [PATCH{tag} 0/{k}] {sub}: series {sid}"),
                        std::slice::from_ref(&first),
                        &body,
                    );
                }
            }
        }
    }
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// User + system CPU seconds of this process (all threads) so far.
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit(')').next()?.to_string();
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ut: f64 = f.get(11)?.parse().ok()?;
            let st: f64 = f.get(12)?.parse().ok()?;
            Some((ut + st) / 100.0)
        })
        .unwrap_or(0.0)
}

fn timed(cmd: &mut Command) -> Option<(f64, String)> {
    let t = Instant::now();
    let out = cmd.output().ok()?;
    out.status.success().then(|| {
        (
            t.elapsed().as_secs_f64(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        )
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = PathBuf::from(args.get(2).cloned().unwrap_or_else(|| "bench-data".into()));
    let py_limit: u64 = std::env::var("BENCH_PY_LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    std::fs::create_dir_all(&dir).expect("create bench dir");
    let mbox = dir.join(format!("patches-{n}.mbox"));
    let t = Instant::now();
    if !mbox.exists() {
        let f = std::fs::File::create(&mbox).expect("create mbox");
        let mut g = Gen {
            r: Rng(0x5eed_1234_abcd_0001),
            out: BufWriter::with_capacity(1 << 20, f),
            n: 0,
            t: 1_600_000_000,
            bytes: 0,
        };
        g.generate(n);
        g.out.flush().expect("flush");
        println!(
            "generated {} messages, {:.0} MiB, in {:.1}s",
            g.n,
            g.bytes as f64 / 1048576.0,
            t.elapsed().as_secs_f64()
        );
    }
    let size = std::fs::metadata(&mbox).map(|m| m.len()).unwrap_or(0);
    println!(
        "archive: {} ({:.0} MiB)",
        mbox.display(),
        size as f64 / 1048576.0
    );

    // Baselines on the same file.
    if let Some((s, c)) = timed(Command::new("grep").arg("-c").arg("^From ").arg(&mbox)) {
        println!(
            "baseline grep -c '^From ': {c} separators in {s:.2}s ({:.0} msg/s)",
            c.parse::<f64>().unwrap_or(0.0) / s
        );
    }
    let py = format!(
        "import mailbox,sys,itertools\nn=0\nfor m in itertools.islice(mailbox.mbox(sys.argv[1]), {py_limit}):\n    m['message-id']; m.get_payload(); n+=1\nprint(n)"
    );
    match timed(Command::new("python3").arg("-c").arg(&py).arg(&mbox)) {
        Some((s, c)) => println!(
            "baseline python3 mailbox (first {c} messages, includes its table-of-contents scan of the whole file): {s:.2}s ({:.0} msg/s)",
            c.parse::<f64>().unwrap_or(0.0) / s
        ),
        None => println!("baseline python3 mailbox: python3 not available"),
    }

    let db = dir.join(format!("bench-{n}.db"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    let mut store = MailStore::open(&db).expect("open store");
    let opts = ImportOptions {
        thread: false,
        ..Default::default()
    };
    let st = import(&mut store, std::slice::from_ref(&mbox), &opts).expect("import");
    let secs = st.elapsed.as_secs_f64();
    println!(
        "import: {} messages ({} new, {} skipped) in {secs:.1}s = {:.0} msg/s; peak RSS so far {} MiB",
        st.read,
        st.new,
        st.skipped,
        st.read as f64 / secs,
        vm_hwm_kib() / 1024
    );
    println!(
        "  of which: indexes after the bulk load {:.1}s, final full-text pass {:.1}s ({} messages indexed for full text in all, some while waiting for the parsers); process CPU so far {:.1}s",
        st.index_elapsed.as_secs_f64(),
        st.fts_elapsed.as_secs_f64(),
        st.fts_indexed,
        cpu_secs()
    );
    let th = store.rethread().expect("thread");
    println!(
        "threading: {} messages into {} threads in {:.1}s; peak RSS {} MiB",
        th.messages,
        th.threads,
        th.elapsed.as_secs_f64(),
        vm_hwm_kib() / 1024
    );
    let again = import(&mut store, std::slice::from_ref(&mbox), &opts).expect("re-import");
    println!(
        "re-import (resume at stored position): {} read, {} new in {:.2}s",
        again.read,
        again.new,
        again.elapsed.as_secs_f64()
    );

    lookups(&store, n);
    let db_size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|e| std::fs::metadata(format!("{}{e}", db.display())).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "store size {:.0} MiB; peak RSS of the whole run {} MiB",
        db_size as f64 / 1048576.0,
        vm_hwm_kib() / 1024
    );
}

fn lookups(store: &MailStore, n: u64) {
    let mut r = Rng(42);
    // Message-IDs are formulaic; sample series that exist in the archive.
    let sids = (n / 8).max(1);
    let mut ids = Vec::new();
    while ids.len() < 2000 {
        let id = format!("{}-1-{}@bench.example", 1 + r.below(sids), r.below(3));
        if store.message(&id).ok().flatten().is_some() {
            ids.push(id);
        }
    }
    let mut lat = Vec::with_capacity(ids.len());
    let mut sizes = 0usize;
    for id in &ids {
        let t = Instant::now();
        let th = store.thread_id(id).ok().flatten().expect("threaded");
        sizes += store.thread_messages(th).map(|v| v.len()).unwrap_or(0);
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    report(
        "thread look-up by Message-ID (id -> all messages of its thread)",
        &mut lat,
        sizes,
        ids.len(),
    );
    let mut lat = Vec::new();
    for id in ids.iter().take(500) {
        let t = Instant::now();
        let (mb, i) = store.mailbox_for(id).ok().flatten().expect("mailbox");
        let s = mb.newest_revision_of(i);
        std::hint::black_box(s.map(|s| mb.view(&s)));
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    report(
        "series view by Message-ID (thread + revisions + trailers)",
        &mut lat,
        0,
        500,
    );
}

fn report(what: &str, lat: &mut [f64], msgs: usize, n: usize) {
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let mean = lat.iter().sum::<f64>() / lat.len().max(1) as f64;
    let p99 = lat.get(lat.len() * 99 / 100).copied().unwrap_or(0.0);
    let extra = if msgs > 0 {
        format!(", {:.1} messages/thread", msgs as f64 / n as f64)
    } else {
        String::new()
    };
    println!(
        "{what}: mean {mean:.3} ms, p50 {:.3} ms, p99 {p99:.3} ms over {n} look-ups{extra}",
        lat[lat.len() / 2]
    );
}
