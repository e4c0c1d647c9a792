//! The shape of the generated tree: subsystem directories, their files and
//! functions, the people, the MAINTAINERS file, and the text of every file.

use super::rng::Rng;
use std::fmt::Write as _;

/// Functions per generated source file; a commit rewrites one of them.
pub const FUNCS: usize = 12;

const TOPS: &[(&str, &[&str])] = &[
    (
        "arch",
        &[
            "alpha",
            "arc",
            "arm",
            "arm64",
            "csky",
            "hexagon",
            "loongarch",
            "m68k",
            "microblaze",
            "mips",
            "nios2",
            "openrisc",
            "parisc",
            "powerpc",
            "riscv",
            "s390",
            "sh",
            "sparc",
            "x86",
            "xtensa",
        ],
    ),
    ("block", &["partitions"]),
    ("crypto", &["async_tx", "asymmetric_keys"]),
    (
        "drivers",
        &[
            "acpi",
            "ata",
            "atm",
            "auxdisplay",
            "base",
            "bcma",
            "block",
            "bluetooth",
            "bus",
            "cdrom",
            "char",
            "clk",
            "clocksource",
            "comedi",
            "connector",
            "counter",
            "cpufreq",
            "cpuidle",
            "crypto",
            "dax",
            "dca",
            "devfreq",
            "dma",
            "edac",
            "extcon",
            "firmware",
            "fpga",
            "fsi",
            "gnss",
            "gpio",
            "gpu",
            "greybus",
            "hid",
            "hsi",
            "hte",
            "hv",
            "hwmon",
            "hwspinlock",
            "hwtracing",
            "i2c",
            "i3c",
            "iio",
            "infiniband",
            "input",
            "interconnect",
            "iommu",
            "ipack",
            "irqchip",
            "isdn",
            "leds",
            "mailbox",
            "md",
            "media",
            "memory",
            "mfd",
            "misc",
            "mmc",
            "most",
            "mtd",
            "mux",
            "net",
            "nfc",
            "nvme",
            "pci",
            "phy",
            "pinctrl",
            "platform",
            "power",
            "pwm",
            "regulator",
            "remoteproc",
            "reset",
            "rtc",
            "scsi",
            "soc",
            "soundwire",
            "spi",
            "staging",
            "target",
            "thermal",
            "thunderbolt",
            "tty",
            "usb",
            "vfio",
            "vhost",
            "video",
            "virtio",
            "w1",
            "watchdog",
            "xen",
        ],
    ),
    (
        "fs",
        &[
            "9p",
            "afs",
            "btrfs",
            "ceph",
            "cifs",
            "ecryptfs",
            "erofs",
            "exfat",
            "ext4",
            "f2fs",
            "fat",
            "fuse",
            "gfs2",
            "hfsplus",
            "isofs",
            "jbd2",
            "jfs",
            "kernfs",
            "nfs",
            "nfsd",
            "nilfs2",
            "ntfs3",
            "ocfs2",
            "orangefs",
            "overlayfs",
            "proc",
            "smb",
            "squashfs",
            "udf",
            "xfs",
        ],
    ),
    (
        "kernel",
        &[
            "bpf", "cgroup", "events", "irq", "locking", "printk", "rcu", "sched", "time", "trace",
        ],
    ),
    ("lib", &["kunit", "xz", "zstd"]),
    ("mm", &["damon", "kasan", "kfence", "kmsan", "hugetlb"]),
    (
        "net",
        &[
            "batman-adv",
            "bluetooth",
            "bridge",
            "can",
            "core",
            "dsa",
            "ethtool",
            "ipv4",
            "ipv6",
            "l2tp",
            "mac80211",
            "mptcp",
            "netfilter",
            "openvswitch",
            "packet",
            "rds",
            "sched",
            "sctp",
            "smc",
            "tipc",
            "tls",
            "unix",
            "vmw_vsock",
            "wireless",
            "xdp",
        ],
    ),
    (
        "security",
        &["apparmor", "keys", "selinux", "smack", "tomoyo"],
    ),
    (
        "sound",
        &[
            "core", "drivers", "firewire", "hda", "isa", "pci", "soc", "spi", "usb", "virtio",
        ],
    ),
];

const FILE_WORDS: &[&str] = &[
    "core", "main", "dev", "ioctl", "irq", "dma", "pm", "debugfs", "sysfs", "init", "probe",
    "queue", "buffer", "cache", "config", "ctrl", "hw", "fw", "link", "mem", "msg", "port",
    "power", "ring", "stats", "sysctl", "table", "timer", "trace", "util", "xmit", "recv", "reset",
    "event", "proto", "mgmt", "phy", "regs", "quirks", "common", "ops", "alloc", "file", "inode",
    "super", "dir", "namei", "acl", "xattr", "journal",
];

pub const VERBS: &[&str] = &[
    "open", "close", "init", "exit", "probe", "remove", "alloc", "free", "read", "write", "get",
    "put", "start", "stop", "suspend", "resume", "submit", "complete", "enable", "disable",
    "reset", "setup", "update", "lookup", "flush", "attach", "detach", "show", "store", "poll",
];

pub const FIELDS: &[&str] = &[
    "flags", "state", "count", "mode", "len", "id", "refcnt", "status", "mask", "caps",
];

const FIRST: &[&str] = &[
    "Adrian",
    "Alexei",
    "Amir",
    "Andrea",
    "Andrew",
    "Anna",
    "Arnd",
    "Ben",
    "Bjorn",
    "Boris",
    "Chao",
    "Christian",
    "Christoph",
    "Dan",
    "Daniel",
    "Darrick",
    "David",
    "Dmitry",
    "Eric",
    "Felix",
    "Florian",
    "Geert",
    "Guenter",
    "Hans",
    "Heiko",
    "Helge",
    "Ilpo",
    "Ingo",
    "Jakub",
    "Jan",
    "Jason",
    "Jens",
    "Jiri",
    "Joe",
    "Johan",
    "Jonathan",
    "Josef",
    "Juergen",
    "Kalle",
    "Kees",
    "Konrad",
    "Krzysztof",
    "Laurent",
    "Lee",
    "Leon",
    "Linus",
    "Lorenzo",
    "Luis",
    "Marc",
    "Mark",
    "Martin",
    "Masahiro",
    "Mathias",
    "Matthew",
    "Maxime",
    "Michael",
    "Miguel",
    "Mika",
    "Mike",
    "Namhyung",
    "Nathan",
    "Neil",
    "Nick",
    "Oleg",
    "Pablo",
    "Paolo",
    "Paul",
    "Pavel",
    "Peter",
    "Petr",
    "Qu",
    "Rafael",
    "Randy",
    "Rob",
    "Russell",
    "Sakari",
    "Sean",
    "Sebastian",
    "Shawn",
    "Simon",
    "Stefan",
    "Steven",
    "Takashi",
    "Tejun",
    "Thomas",
    "Tony",
    "Trond",
    "Uwe",
    "Vinod",
    "Vlastimil",
    "Wei",
    "Will",
    "Wolfram",
    "Xin",
    "Yang",
    "Yu",
    "Zhang",
    "Zheng",
];

const LAST: &[&str] = &[
    "Abbott",
    "Bauer",
    "Becker",
    "Berg",
    "Brandt",
    "Brown",
    "Carpenter",
    "Chen",
    "Clark",
    "Cohen",
    "Costa",
    "Dang",
    "Dietrich",
    "Duarte",
    "Eckert",
    "Evans",
    "Fischer",
    "Fontaine",
    "Garcia",
    "Gupta",
    "Hahn",
    "Hansen",
    "Hartmann",
    "Hoffmann",
    "Huang",
    "Ito",
    "Jansen",
    "Kato",
    "Keller",
    "Kim",
    "Klein",
    "Koch",
    "Kowalski",
    "Kruger",
    "Kumar",
    "Lange",
    "Larsen",
    "Lee",
    "Lehmann",
    "Li",
    "Lin",
    "Liu",
    "Lopez",
    "Maier",
    "Martin",
    "Meyer",
    "Moreau",
    "Muller",
    "Nagy",
    "Nakamura",
    "Neumann",
    "Nguyen",
    "Nielsen",
    "Novak",
    "Olsen",
    "Park",
    "Peters",
    "Petrov",
    "Quinn",
    "Rao",
    "Reddy",
    "Richter",
    "Rossi",
    "Roy",
    "Sato",
    "Schmidt",
    "Schneider",
    "Schulz",
    "Shah",
    "Silva",
    "Singh",
    "Smith",
    "Sun",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Thomas",
    "Vogel",
    "Wagner",
    "Walker",
    "Wang",
    "Weber",
    "Wolf",
    "Wong",
    "Wu",
    "Xu",
    "Yamada",
    "Yilmaz",
    "Zhao",
    "Zhou",
];

const DOMAINS: &[&str] = &[
    "kernel.org",
    "intel.com",
    "redhat.com",
    "google.com",
    "suse.com",
    "suse.de",
    "arm.com",
    "linaro.org",
    "nvidia.com",
    "amd.com",
    "huawei.com",
    "oracle.com",
    "ibm.com",
    "meta.com",
    "collabora.com",
    "bootlin.com",
    "gmail.com",
    "linux.dev",
    "samsung.com",
    "qualcomm.com",
];

/// Static files at the top of the tree (besides `MAINTAINERS` and `Makefile`).
pub const README: &str =
    "Linux kernel\n============\n\nThis is a generated, kernel-shaped tree for benchmarks.\n";
pub const COPYING: &str = "SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note\n";

pub struct Person {
    pub name: String,
    pub email: String,
}

impl Person {
    pub fn ident(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }
}

pub struct Sub {
    pub top: usize,
    pub name: String,
    /// `drivers/net`
    pub path: String,
    /// Identifier-safe name for function names.
    pub ident: String,
    /// Files of the directory, in git tree order.
    pub files: Vec<u32>,
    pub maintainers: Vec<u32>,
    /// Regular contributors (authors, reviewers, testers).
    pub regulars: Vec<u32>,
    pub list: String,
}

pub struct Top {
    pub name: String,
    /// Subsystem directories, in git tree order.
    pub subs: Vec<usize>,
}

pub struct FileDef {
    pub sub: usize,
    pub name: String,
    pub path: String,
    pub stem: String,
    pub funcs: Vec<String>,
    pub fields: Vec<&'static str>,
    /// "100644 <name>\0": the file's tree entry without its id.
    pub entry: Vec<u8>,
}

pub struct Layout {
    pub tops: Vec<Top>,
    pub subs: Vec<Sub>,
    pub files: Vec<FileDef>,
    pub people: Vec<Person>,
    /// The top-level maintainer who tags releases and merges pulls.
    pub chief: u32,
    /// Committers of the stable branches (`commit X upstream.` and AUTOSEL style).
    pub stable_keeper: u32,
    pub autosel_keeper: u32,
}

impl Layout {
    pub fn new(rng: &mut Rng, files_per_dir: usize, people: usize) -> Layout {
        let mut pool = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while pool.len() < people.min(FIRST.len() * LAST.len()) {
            let (f, l) = (rng.pick(FIRST), rng.pick(LAST));
            if seen.insert((f, l)) {
                let dom = rng.pick(DOMAINS);
                pool.push(Person {
                    name: format!("{f} {l}"),
                    email: format!("{}.{}@{dom}", f.to_lowercase(), l.to_lowercase()),
                });
            }
        }
        let n = pool.len() as u64;
        let mut tops = Vec::new();
        let mut subs = Vec::new();
        let mut files = Vec::new();
        for (ti, (top, names)) in TOPS.iter().enumerate() {
            let mut names: Vec<&str> = names.to_vec();
            // Git orders directories as if their names ended in '/'.
            names.sort_unstable_by_key(|n| format!("{n}/"));
            let mut ids = Vec::new();
            for name in names {
                let si = subs.len();
                let ident = name.replace('-', "_");
                let mut fnames: Vec<String> = (0..files_per_dir.min(2 * FILE_WORDS.len()))
                    .map(|i| {
                        let w = FILE_WORDS[i % FILE_WORDS.len()];
                        if i < FILE_WORDS.len() {
                            format!("{w}.c")
                        } else {
                            format!("{w}.h")
                        }
                    })
                    .collect();
                fnames.sort_unstable();
                let mut fids = Vec::new();
                for fname in fnames {
                    let stem = fname[..fname.len() - 2].to_string();
                    let mut funcs = Vec::new();
                    let mut fields = Vec::new();
                    let mut used = std::collections::HashSet::new();
                    while funcs.len() < FUNCS {
                        let v = rng.pick(VERBS);
                        if used.insert(v) {
                            funcs.push(format!("{ident}_{stem}_{v}"));
                            fields.push(*rng.pick(FIELDS));
                        }
                    }
                    let mut entry = b"100644 ".to_vec();
                    entry.extend_from_slice(fname.as_bytes());
                    entry.push(0);
                    fids.push(files.len() as u32);
                    files.push(FileDef {
                        sub: si,
                        path: format!("{top}/{name}/{fname}"),
                        name: fname,
                        stem,
                        funcs,
                        fields,
                        entry,
                    });
                }
                let maintainers = (0..1 + rng.below(2)).map(|_| rng.below(n) as u32).collect();
                let regulars = (0..20).map(|_| rng.below(n) as u32).collect();
                subs.push(Sub {
                    top: ti,
                    path: format!("{top}/{name}"),
                    list: format!("linux-{}@vger.kernel.org", name.replace('_', "-")),
                    name: name.to_string(),
                    ident,
                    files: fids,
                    maintainers,
                    regulars,
                });
                ids.push(si);
            }
            tops.push(Top {
                name: top.to_string(),
                subs: ids,
            });
        }
        Layout {
            tops,
            subs,
            files,
            people: pool,
            chief: 0,
            stable_keeper: 1,
            autosel_keeper: 2,
        }
    }

    pub fn person(&self, i: u32) -> &Person {
        &self.people[i as usize]
    }

    /// The text of a source file with the given function constants.
    pub fn file_text(&self, f: u32, consts: &[u32; FUNCS], out: &mut Vec<u8>) {
        let d = &self.files[f as usize];
        let sub = &self.subs[d.sub];
        out.clear();
        let mut s = String::with_capacity(1800);
        let _ = write!(
            s,
            "// SPDX-License-Identifier: GPL-2.0\n/*\n * {} - {} {} support\n */\n\n#include <linux/kernel.h>\n#include <linux/module.h>\n\n",
            d.path, sub.name, d.stem
        );
        let inline = if d.name.ends_with(".h") {
            "static inline int"
        } else {
            "static int"
        };
        for (i, func) in d.funcs.iter().enumerate() {
            let _ = write!(
                s,
                "{inline} {func}(struct {}_dev *dev, unsigned int flags)\n{{\n\tif (!dev)\n\t\treturn -EINVAL;\n\treturn dev->{} & 0x{:05x};\n}}\n\n",
                sub.ident, d.fields[i], consts[i]
            );
        }
        out.extend_from_slice(s.as_bytes());
    }

    /// `MAINTAINERS`, one section per subsystem directory, sorted by title.
    pub fn maintainers_file(&self) -> String {
        let mut sections: Vec<(String, &Sub)> = self
            .subs
            .iter()
            .map(|s| {
                let title = format!(
                    "{} {} SUBSYSTEM",
                    self.tops[s.top].name.to_uppercase(),
                    s.name.to_uppercase()
                );
                (title, s)
            })
            .collect();
        sections.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::from(
            "List of maintainers\n===================\n\nDescriptions of section entries and preferred order\n---------------------------------------------------\n\n\tM: *Mail* patches to: FullName <address@domain>\n\tR: Designated *Reviewer*: FullName <address@domain>\n\tL: *Mailing list* that is relevant to this area\n\tS: *Status*, one of the following:\n\tF: *Files* and directories wildcard patterns.\n\nMaintainers List\n----------------\n\n",
        );
        for (i, (title, s)) in sections.iter().enumerate() {
            let _ = writeln!(out, "{title}");
            for m in &s.maintainers {
                let _ = writeln!(out, "M:\t{}", self.person(*m).ident());
            }
            let _ = writeln!(out, "R:\t{}", self.person(s.regulars[0]).ident());
            let _ = writeln!(out, "L:\t{}", s.list);
            let status = ["Maintained", "Supported", "Odd Fixes"][i % 3];
            let _ = writeln!(out, "S:\t{status}");
            let _ = writeln!(out, "F:\t{}/", s.path);
            out.push('\n');
        }
        out
    }
}

/// The top-level `Makefile` of a version (`6.1-rc3`, `6.1`, `6.1.27`).
pub fn makefile(version: &str, extra: &str) -> String {
    let parts: Vec<&str> = version.split('.').collect();
    let (v, p, s) = match parts.as_slice() {
        ["2", "6", s] => ("2", "6", s.to_string()),
        ["2", "6", s, _] => ("2", "6", s.to_string()),
        [v, p] => (*v, *p, "0".to_string()),
        [v, p, s] => (*v, *p, s.to_string()),
        _ => ("0", "0", "0".to_string()),
    };
    format!(
        "# SPDX-License-Identifier: GPL-2.0\nVERSION = {v}\nPATCHLEVEL = {p}\nSUBLEVEL = {s}\nEXTRAVERSION = {extra}\nNAME = Generated Tree\n"
    )
}
