//! MAINTAINERS files (Linux and DPDK formats): parsing, and which sections
//! cover a path.
//!
//! Owns: the [`Section`] model and get_maintainer.pl's file-matching rules.
//! Consumes: the text of a MAINTAINERS file and repository-relative paths.
//! Produces: [`Section`]s ([`parse`]) and, for a path, the [`Match`]es of the
//! sections that cover it, most specific first ([`matching`]). Pure functions,
//! no I/O; no input makes them panic.
//!
//! ```
//! use stablepick_evidence::maintainers::{matching, parse};
//! let text = "\
//! LINUX FOR POWERPC (32-BIT AND 64-BIT)
//! M:\tMichael Ellerman <mpe@ellerman.id.au>
//! L:\tlinuxppc-dev@lists.ozlabs.org
//! S:\tSupported
//! F:\tarch/powerpc/
//!
//! THE REST
//! M:\tLinus Torvalds <torvalds@linux-foundation.org>
//! F:\t*
//! F:\t*/
//! ";
//! let sections = parse(text);
//! let m = matching(&sections, "arch/powerpc/lib/vmx-helper.c");
//! assert_eq!(m[0].section.name, "LINUX FOR POWERPC (32-BIT AND 64-BIT)");
//! assert_eq!(m[0].pattern, "arch/powerpc/");
//! assert_eq!(m[1].section.name, "THE REST");
//! ```
//!
//! # The format
//!
//! A section is a name line followed by tag lines `X:<whitespace>value`, the
//! tag letter in column one. Anything else (the Linux preamble, whose example
//! tags are indented; DPDK's prose; `---`/`===` underlines) is not a tag. A
//! heading underlined with dashes that is directly followed by tags (DPDK's
//! group headings, e.g. a `T:` for the whole group) is a section of its own.
//!
//! # Matching, as scripts/get_maintainer.pl does it
//!
//! `F:` and `X:` patterns are anchored at the start of the path and match a
//! prefix of it; `*` matches any run of characters and `?` one character.
//! A pattern ending in `/` covers the directory and everything below (so
//! `arch/*/kexec/` matches `arch/x86/kernel/kexec/x.c`: the star may cross
//! `/`). Any other pattern must also have as many `/` as the path, so `*`
//! effectively stays within one directory level (`drivers/net/*` covers
//! `drivers/net/a.c`, not `drivers/net/a/b.c`; `*/net/*` covers
//! `drivers/net/a.c`). A pattern without wildcards that names a directory
//! without the trailing `/` is treated as a directory, as get_maintainer.pl
//! does after checking the tree. A section with a matching `X:` is skipped.
//! `N:` is a regular expression searched in the path (perl's `/x` flag; an
//! invalid one is ignored). `K:` is kept but not matched: it applies to patch
//! content, not to paths.
//!
//! # Specificity
//!
//! get_maintainer.pl's depth plus one, so it fits a `usize`: the number of
//! `/` in the pattern, plus one if it does not end in `/`, plus one; `0` for
//! patterns that start with `*` (the catch-all `F: *` and `F: */` of "THE
//! REST"); `1` for an `N:` match. A section's specificity is that of its most
//! specific matching pattern.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::{Regex, RegexBuilder};

/// One section of a MAINTAINERS file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// The name line, e.g. `LINUX FOR POWERPC (32-BIT AND 64-BIT)`.
    pub name: String,
    /// `M:` lines.
    pub maintainers: Vec<String>,
    /// `R:` lines.
    pub reviewers: Vec<String>,
    /// `L:` lines.
    pub lists: Vec<String>,
    /// The first `S:` line.
    pub status: Option<String>,
    /// `F:` patterns.
    pub files: Vec<String>,
    /// `X:` patterns.
    pub excludes: Vec<String>,
    /// `N:` regular expressions.
    pub regexes: Vec<String>,
    /// `K:` content regular expressions.
    pub keywords: Vec<String>,
    /// `T:` lines.
    pub trees: Vec<String>,
    /// 1-based line of the name (of the first tag when there is no name).
    pub line: usize,
}

/// A section that covers a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match<'a> {
    pub section: &'a Section,
    /// The `F:` pattern or `N:` regular expression that matched, as written.
    pub pattern: String,
    /// `'F'` or `'N'`: which kind of line `pattern` is.
    pub tag: char,
    /// See the module documentation; larger is more specific.
    pub specificity: usize,
}

/// Parses a MAINTAINERS file into its sections, in file order.
pub fn parse(text: &str) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut current: Option<Section> = None;
    // The last text line seen since a blank line: the name of the next section.
    let mut pending: Option<(String, usize)> = None;

    for (idx, raw) in text.lines().enumerate() {
        let lineno = idx + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some((tag, value)) = tag_line(line) {
            let section = current.get_or_insert_with(|| {
                let (name, at) = pending.take().unwrap_or_default();
                Section {
                    name,
                    line: if at == 0 { lineno } else { at },
                    ..Section::default()
                }
            });
            add_tag(section, tag, value);
            continue;
        }
        if let Some(done) = current.take() {
            sections.push(done);
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            pending = None;
        } else if is_underline(trimmed) {
            // Keep the heading above it as the pending name.
        } else {
            pending = Some((trimmed.to_string(), lineno));
        }
    }
    if let Some(done) = current {
        sections.push(done);
    }
    sections
}

/// `X:<whitespace or end>value` with `X` an ASCII capital in column one.
fn tag_line(line: &str) -> Option<(u8, &str)> {
    let bytes = line.as_bytes();
    if bytes.len() < 2 || !bytes[0].is_ascii_uppercase() || bytes[1] != b':' {
        return None;
    }
    let rest = &line[2..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        // `A:b` is prose (a URL-ish word), not a tag.
        return None;
    }
    Some((bytes[0], rest.trim()))
}

fn is_underline(line: &str) -> bool {
    line.len() >= 3 && (line.bytes().all(|b| b == b'-') || line.bytes().all(|b| b == b'='))
}

fn add_tag(section: &mut Section, tag: u8, value: &str) {
    if value.is_empty() {
        return;
    }
    let value = value.to_string();
    match tag {
        b'M' => section.maintainers.push(value),
        b'R' => section.reviewers.push(value),
        b'L' => section.lists.push(value),
        b'S' if section.status.is_none() => section.status = Some(value),
        b'F' => section.files.push(value),
        b'X' => section.excludes.push(value),
        b'N' => section.regexes.push(value),
        b'K' => section.keywords.push(value),
        b'T' => section.trees.push(value),
        // W: Q: B: C: P: and unknown tags carry nothing we model.
        _ => {}
    }
}

/// The sections that cover `path`, most specific first (file order on ties).
pub fn matching<'a>(sections: &'a [Section], path: &str) -> Vec<Match<'a>> {
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut out: Vec<Match<'a>> = Vec::new();
    if path.is_empty() {
        return out;
    }
    for section in sections {
        if section.excludes.iter().any(|x| file_matches(path, x)) {
            continue;
        }
        let mut best: Option<(usize, &str, char)> = None;
        for pattern in &section.files {
            if file_matches(path, pattern) {
                let spec = specificity(pattern);
                if best.is_none_or(|(b, _, _)| spec > b) {
                    best = Some((spec, pattern, 'F'));
                }
            }
        }
        for re in &section.regexes {
            if best.is_none_or(|(b, _, _)| b < 1) && regex_matches(re, path) {
                best = Some((1, re, 'N'));
            }
        }
        if let Some((specificity, pattern, tag)) = best {
            out.push(Match {
                section,
                pattern: pattern.to_string(),
                tag,
                specificity,
            });
        }
    }
    // Stable sort: equal specificity keeps file order.
    out.sort_by_key(|m| std::cmp::Reverse(m.specificity));
    out
}

/// get_maintainer.pl's `file_match_pattern`, on the glob form of the pattern.
fn file_matches(path: &str, pattern: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    if pattern.ends_with('/') {
        return prefix_glob(path, pattern);
    }
    if prefix_glob(path, pattern) && slashes(path) == slashes(pattern) {
        return true;
    }
    // get_maintainer.pl appends the `/` when the pattern is a directory of
    // the tree; a path below it proves that it is one.
    !pattern.contains(['*', '?'])
        && path.len() > pattern.len()
        && path.starts_with(pattern)
        && path[pattern.len()..].starts_with('/')
}

fn slashes(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'/').count()
}

fn specificity(pattern: &str) -> usize {
    if pattern.starts_with('*') {
        return 0;
    }
    let mut depth = slashes(pattern);
    if !pattern.ends_with('/') {
        depth += 1;
    }
    depth + 1
}

/// Whether `^pattern` (with `*` as `.*` and `?` as `.`) matches a prefix of
/// `path`: a wildcard match of `pattern*` against the whole path. Iterative
/// with one backtrack point, so O(len(path) * len(pattern)) at worst.
fn prefix_glob(path: &str, pattern: &str) -> bool {
    // The pattern is anchored: its text up to the first wildcard must start
    // the path. This settles almost every (path, pattern) pair of a large
    // MAINTAINERS file without the general match below.
    let literal = pattern.find(['*', '?']).unwrap_or(pattern.len());
    if !path.starts_with(&pattern[..literal]) {
        return false;
    }
    let s: Vec<char> = path.chars().collect();
    let mut p: Vec<char> = pattern.chars().collect();
    p.push('*');
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<usize> = None;
    let mut mark = 0usize;
    while si < s.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Compiled `N:` expressions, per thread; `None` for invalid ones. Bounded so
/// that a stream of distinct patterns cannot grow it without limit.
fn regex_matches(pattern: &str, path: &str) -> bool {
    thread_local! {
        static CACHE: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
    }
    const CACHE_MAX: usize = 4096;
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(pattern) {
            if cache.len() >= CACHE_MAX {
                cache.clear();
            }
            let compiled = RegexBuilder::new(&format!("(?x){pattern}"))
                .size_limit(1 << 20)
                .dfa_size_limit(1 << 20)
                .build()
                .ok();
            cache.insert(pattern.to_string(), compiled);
        }
        cache
            .get(pattern)
            .and_then(Option::as_ref)
            .is_some_and(|re| re.is_match(path))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The head of Linux's MAINTAINERS (preamble abridged) and real sections.
    const LINUX: &str = "\
List of maintainers
===================

Descriptions of section entries and preferred order
---------------------------------------------------

	M: *Mail* patches to: FullName <address@domain>
	R: Designated *Reviewer*: FullName <address@domain>
	   These reviewers should be CCed on patches.
	L: *Mailing list* that is relevant to this area
	S: *Status*, one of the following:
	   Supported:	Someone is actually paid to look after this.
	F: *Files* and directories wildcard patterns.
	   A trailing slash includes all files and subdirectory files.
	   F:	drivers/net/	all files in and below drivers/net
	   F:	drivers/net/*	all files in drivers/net, but not below
	   F:	*/net/*		all files in \"any top level directory\"/net
	X: *Excluded* files and directories that are NOT maintained, same
	   rules as F:. Files exclusions are tested before file matches.
	N: Files and directories *Regex* patterns.
	   N:	[^a-z]tegra	all files whose path contains tegra

Maintainers List
----------------

.. note:: When reading this list, please look for the most precise areas
          first. When adding to this list, please keep the entries in
          alphabetical order.

3C59X NETWORK DRIVER
M:	Steffen Klassert <klassert@kernel.org>
L:	netdev@vger.kernel.org
S:	Odd Fixes
F:	Documentation/networking/device_drivers/ethernet/3com/vortex.rst
F:	drivers/net/ethernet/3com/3c59x.c

DOCUMENTATION
M:	Jonathan Corbet <corbet@lwn.net>
L:	linux-doc@vger.kernel.org
S:	Maintained
P:	Documentation/doc-guide/maintainer-profile.rst
T:	git git://git.lwn.net/linux.git docs-next
F:	Documentation/
X:	Documentation/ABI/
X:	Documentation/devicetree/

KEXEC
M:	Eric Biederman <ebiederm@xmission.com>
L:	kexec@lists.infradead.org
S:	Maintained
W:	http://kernel.org/pub/linux/utils/kernel/kexec/
F:	include/linux/kexec.h
F:	include/uapi/linux/kexec.h
F:	kernel/kexec*
F:	arch/*/kexec/

LINUX FOR POWERPC (32-BIT AND 64-BIT)
M:	Madhavan Srinivasan <maddy@linux.ibm.com>
M:	Michael Ellerman <mpe@ellerman.id.au>
R:	Nicholas Piggin <npiggin@gmail.com>
R:	Christophe Leroy <christophe.leroy@csgroup.eu>
L:	linuxppc-dev@lists.ozlabs.org
S:	Supported
W:	https://github.com/linuxppc/wiki/wiki
Q:	http://patchwork.ozlabs.org/project/linuxppc-dev/list/
T:	git git://git.kernel.org/pub/scm/linux/kernel/git/powerpc/linux.git
F:	Documentation/ABI/stable/sysfs-firmware-opal-*
F:	arch/powerpc/
F:	drivers/*/*/*pasemi*
F:	drivers/*/*pasemi*
N:	/pmac
N:	powermac
N:	[^a-z0-9]ps3
N:	pseries
N:	powerpc

NETWORKING DRIVERS
M:	\"David S. Miller\" <davem@davemloft.net>
M:	Jakub Kicinski <kuba@kernel.org>
L:	netdev@vger.kernel.org
S:	Maintained
F:	drivers/net/
F:	include/linux/if_*
X:	drivers/net/wireless/

NETWORKING [GENERAL]
M:	\"David S. Miller\" <davem@davemloft.net>
L:	netdev@vger.kernel.org
S:	Maintained
B:	mailto:netdev@vger.kernel.org
F:	net/
F:	tools/testing/selftests/net/
K:	\\bnetdev\\b

NETWORKING [WIRELESS]
L:	linux-wireless@vger.kernel.org
S:	Maintained
F:	*/net/*
F:	drivers/net/wireless/

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
T:	git git://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git
F:	*
F:	*/
";

    /// The head of DPDK's MAINTAINERS and a few groups.
    const DPDK: &str = "\
DPDK Maintainers
================

The intention of this file is to provide a set of names that we can rely on
for helping in patch reviews and questions.
These names are additional recipients for emails sent to dev@dpdk.org.
Please avoid private emails.

Descriptions of section entries:

	M: Maintainer's Full Name <address@domain>
	T: Git tree location.
	F: Files and directories with wildcard patterns.
	   A trailing slash includes all files and subdirectory files.
	   A wildcard includes all files but not subdirectories.
	   One pattern per line. Multiple F: lines acceptable.


General Project Administration
------------------------------

Main Branches
M: Thomas Monjalon <thomas@monjalon.net>
M: David Marchand <david.marchand@redhat.com>
T: git://dpdk.org/dpdk

Stable Branches
M: Luca Boccassi <bluca@debian.org>
M: Kevin Traynor <ktraynor@redhat.com>
T: git://dpdk.org/dpdk-stable

Documentation (with overlaps)
F: README
F: doc/


Environment Abstraction Layer
-----------------------------
T: git://dpdk.org/dpdk

EAL API and common code
F: lib/eal/common/
F: lib/eal/unix/
F: lib/eal/include/
F: app/test/test_alarm.c

Memory Allocation
M: Anatoly Burakov <anatoly.burakov@intel.com>
F: lib/eal/include/rte_fbarray.h
F: lib/eal/include/rte_mem*
F: lib/eal/common/eal_common_mem*
F: lib/eal/common/malloc_*


Networking Drivers
------------------
M: Ferruh Yigit <ferruh.yigit@amd.com>
T: git://dpdk.org/next/dpdk-next-net

Intel ice
M: Bruce Richardson <bruce.richardson@intel.com>
T: git://dpdk.org/next/dpdk-next-net-intel
F: drivers/net/intel/ice/
F: doc/guides/nics/ice.rst
F: doc/guides/nics/features/ice.ini
";

    fn names<'a>(m: &[Match<'a>]) -> Vec<&'a str> {
        m.iter().map(|m| m.section.name.as_str()).collect()
    }

    fn section<'a>(sections: &'a [Section], name: &str) -> &'a Section {
        sections.iter().find(|s| s.name == name).unwrap()
    }

    #[test]
    fn linux_sections_skip_the_preamble() {
        let s = parse(LINUX);
        let all: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            all,
            [
                "3C59X NETWORK DRIVER",
                "DOCUMENTATION",
                "KEXEC",
                "LINUX FOR POWERPC (32-BIT AND 64-BIT)",
                "NETWORKING DRIVERS",
                "NETWORKING [GENERAL]",
                "NETWORKING [WIRELESS]",
                "THE REST",
            ]
        );
        let ppc = section(&s, "LINUX FOR POWERPC (32-BIT AND 64-BIT)");
        assert_eq!(
            ppc.maintainers,
            [
                "Madhavan Srinivasan <maddy@linux.ibm.com>",
                "Michael Ellerman <mpe@ellerman.id.au>"
            ]
        );
        assert_eq!(ppc.reviewers.len(), 2);
        assert_eq!(ppc.lists, ["linuxppc-dev@lists.ozlabs.org"]);
        assert_eq!(ppc.status.as_deref(), Some("Supported"));
        assert_eq!(
            ppc.trees,
            ["git git://git.kernel.org/pub/scm/linux/kernel/git/powerpc/linux.git"]
        );
        assert_eq!(ppc.regexes.len(), 5);
        assert_eq!(ppc.files[1], "arch/powerpc/");
        let line = LINUX
            .lines()
            .position(|l| l == "LINUX FOR POWERPC (32-BIT AND 64-BIT)")
            .unwrap()
            + 1;
        assert_eq!(ppc.line, line);
        assert_eq!(section(&s, "DOCUMENTATION").excludes.len(), 2);
        assert_eq!(
            section(&s, "NETWORKING [GENERAL]").keywords,
            ["\\bnetdev\\b"]
        );
        assert_eq!(section(&s, "THE REST").files, ["*", "*/"]);
    }

    #[test]
    fn dpdk_groups_and_sections() {
        let s = parse(DPDK);
        let all: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            all,
            [
                "Main Branches",
                "Stable Branches",
                "Documentation (with overlaps)",
                "Environment Abstraction Layer",
                "EAL API and common code",
                "Memory Allocation",
                "Networking Drivers",
                "Intel ice",
            ]
        );
        // A group heading that carries tags is a section of its own.
        let eal = section(&s, "Environment Abstraction Layer");
        assert_eq!(eal.trees, ["git://dpdk.org/dpdk"]);
        assert!(eal.files.is_empty());
        assert_eq!(
            section(&s, "Stable Branches").maintainers,
            [
                "Luca Boccassi <bluca@debian.org>",
                "Kevin Traynor <ktraynor@redhat.com>"
            ]
        );

        let m = matching(&s, "lib/eal/include/rte_memory.h");
        assert_eq!(names(&m), ["Memory Allocation", "EAL API and common code"]);
        assert_eq!(m[0].pattern, "lib/eal/include/rte_mem*");
        let m = matching(&s, "drivers/net/intel/ice/ice_ethdev.c");
        assert_eq!(names(&m), ["Intel ice"]);
        let m = matching(&s, "doc/guides/nics/ice.rst");
        assert_eq!(names(&m), ["Intel ice", "Documentation (with overlaps)"]);
        assert!(matching(&s, "buildtools/meson.build").is_empty());
    }

    #[test]
    fn directory_patterns_cover_everything_below() {
        let s = parse(LINUX);
        let m = matching(&s, "arch/powerpc/lib/vmx-helper.c");
        assert_eq!(
            names(&m),
            ["LINUX FOR POWERPC (32-BIT AND 64-BIT)", "THE REST"]
        );
        assert_eq!(m[0].pattern, "arch/powerpc/");
        assert_eq!(m[0].tag, 'F');
        assert_eq!(m[0].specificity, 3);
        assert_eq!(m[1].specificity, 0);
    }

    #[test]
    fn a_star_in_a_directory_pattern_crosses_slashes() {
        let s = parse(LINUX);
        let m = matching(&s, "arch/powerpc/kexec/core_64.c");
        assert_eq!(
            names(&m),
            ["KEXEC", "LINUX FOR POWERPC (32-BIT AND 64-BIT)", "THE REST"]
        );
        assert_eq!(m[0].pattern, "arch/*/kexec/");
        assert_eq!(m[0].specificity, 4);
        // `arch/.*/kexec/` as get_maintainer.pl's regex also takes this one.
        let m = matching(&s, "arch/x86/kernel/kexec/x.c");
        assert_eq!(names(&m)[0], "KEXEC");
    }

    #[test]
    fn a_star_in_a_file_pattern_stays_in_its_directory() {
        let s = parse(LINUX);
        assert_eq!(names(&matching(&s, "kernel/kexec_core.c"))[0], "KEXEC");
        assert_eq!(names(&matching(&s, "kernel/kexec.c"))[0], "KEXEC");
        assert_eq!(
            names(&matching(&s, "kernel/kexec/sub.c")),
            ["THE REST"],
            "kernel/kexec* does not reach a subdirectory"
        );
        // `*/net/*`: any top-level directory's net/, one level.
        let m = matching(&s, "drivers/net/dummy.c");
        assert_eq!(
            names(&m),
            ["NETWORKING DRIVERS", "NETWORKING [WIRELESS]", "THE REST"]
        );
        assert_eq!(m[1].pattern, "*/net/*");
        assert_eq!(m[1].specificity, 0);
        let m = matching(&s, "include/linux/if_vlan.h");
        assert_eq!(names(&m)[0], "NETWORKING DRIVERS");
        assert_eq!(m[0].pattern, "include/linux/if_*");
    }

    #[test]
    fn exact_files_are_most_specific() {
        let s = parse(LINUX);
        let m = matching(&s, "include/linux/kexec.h");
        assert_eq!(names(&m), ["KEXEC", "THE REST"]);
        assert_eq!(m[0].specificity, 4);
        let m = matching(&s, "drivers/net/ethernet/3com/3c59x.c");
        assert_eq!(
            names(&m),
            ["3C59X NETWORK DRIVER", "NETWORKING DRIVERS", "THE REST"]
        );
    }

    #[test]
    fn excludes_drop_the_section() {
        let s = parse(LINUX);
        let m = matching(&s, "drivers/net/wireless/ath/ath9k/main.c");
        assert_eq!(names(&m), ["NETWORKING [WIRELESS]", "THE REST"]);
        let m = matching(&s, "Documentation/ABI/testing/sysfs-bus-usb");
        assert_eq!(names(&m), ["THE REST"]);
        let m = matching(&s, "Documentation/ABI/stable/sysfs-firmware-opal-dump");
        assert_eq!(
            names(&m),
            ["LINUX FOR POWERPC (32-BIT AND 64-BIT)", "THE REST"]
        );
        let m = matching(&s, "Documentation/process/stable-kernel-rules.rst");
        assert_eq!(names(&m), ["DOCUMENTATION", "THE REST"]);
    }

    #[test]
    fn regexes_match_anywhere_in_the_path() {
        let s = parse(LINUX);
        let m = matching(&s, "drivers/macintosh/via-pmu-powermac.c");
        assert_eq!(
            names(&m),
            ["LINUX FOR POWERPC (32-BIT AND 64-BIT)", "THE REST"]
        );
        assert_eq!(m[0].tag, 'N');
        assert_eq!(m[0].pattern, "powermac");
        assert_eq!(m[0].specificity, 1);
        // `[^a-z0-9]ps3` needs a non-alphanumeric before ps3.
        assert_eq!(
            names(&matching(&s, "drivers/char/ps3flash.c"))[0],
            "LINUX FOR POWERPC (32-BIT AND 64-BIT)"
        );
        assert_eq!(names(&matching(&s, "drivers/char/gps3.c")), ["THE REST"]);
    }

    #[test]
    fn invalid_regexes_are_skipped() {
        let s = parse("BROKEN\nN:\t(unclosed\nN:\tfine\n");
        assert_eq!(s[0].regexes, ["(unclosed", "fine"]);
        assert!(matching(&s, "a/(unclosed.c").is_empty());
        assert_eq!(matching(&s, "lib/fine.c")[0].pattern, "fine");
    }

    #[test]
    fn a_directory_named_without_its_slash() {
        let s = parse("REALTEK\nF:\tdrivers/net/ethernet/realtek\n");
        let m = matching(&s, "drivers/net/ethernet/realtek/r8169_main.c");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].specificity, 5);
        assert!(matching(&s, "drivers/net/ethernet/realtek2/x.c").is_empty());
    }

    #[test]
    fn top_level_files() {
        let s = parse(LINUX);
        assert_eq!(names(&matching(&s, "Makefile")), ["THE REST"]);
        assert_eq!(names(&matching(&s, "./MAINTAINERS")), ["THE REST"]);
        assert!(matching(&s, "").is_empty());
        let d = parse(DPDK);
        assert_eq!(
            names(&matching(&d, "README")),
            ["Documentation (with overlaps)"]
        );
    }

    #[test]
    fn sections_without_blank_lines_and_crlf() {
        let s = parse("ONE\r\nM:\ta <a@x>\r\nF:\ta/\r\nTWO\r\nF:\tb/\r\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "ONE");
        assert_eq!(s[0].files, ["a/"]);
        assert_eq!(s[1].name, "TWO");
        assert_eq!(s[1].line, 4);
        // Tags with no name line before them still form a section.
        let s = parse("F:\tx/\n");
        assert_eq!(s[0].name, "");
        assert_eq!(s[0].line, 1);
        // Not tags: indented, lower case, no space after the colon.
        assert!(parse("\tF:\tx/\nf:\ty\nF:y\nhttp://example.com\n").is_empty());
    }

    #[test]
    fn glob_prefix_semantics() {
        assert!(prefix_glob("net/core/dev.c", "net/"));
        assert!(prefix_glob("net/core/dev.c", "net/*/dev.c"));
        assert!(prefix_glob("abc", "a?c"));
        assert!(!prefix_glob("ab", "a?c"));
        assert!(prefix_glob("anything", "*"));
        assert!(!prefix_glob("net", "net/"));
        assert!(prefix_glob("ééé/x", "é*/"));
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in ".{0,400}") {
            let _ = parse(&text);
        }

        #[test]
        fn parse_and_match_never_panic_on_tag_soup(
            lines in proptest::collection::vec(
                prop_oneof![
                    "[A-Z]:[ \t][ -~]{0,20}",
                    "[FXN]:\t[a-z*?/\\[\\](){}.+|^$\\\\]{0,12}",
                    "[-=]{0,5}",
                    "[ -~]{0,20}",
                    Just(String::new()),
                ],
                0..40,
            ),
            path in "[a-z/*?.é]{0,24}",
        ) {
            let text = lines.join("\n");
            let sections = parse(&text);
            let m = matching(&sections, &path);
            for w in m.windows(2) {
                prop_assert!(w[0].specificity >= w[1].specificity);
            }
        }

        #[test]
        fn bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = String::from_utf8_lossy(&bytes);
            let sections = parse(&text);
            let _ = matching(&sections, &text);
        }
    }
}
