//! Which tags are a project's major releases, and in what order.
//!
//! A release is the tag that first ships a commit: Linux `v6.1`, DPDK
//! `v23.11`, glibc `glibc-2.39`, systemd `v255`. Release candidates
//! (`-rc`, `-pre`) and point releases on stable branches (`v6.1.3`,
//! `v23.11.2`) never count.

/// A parsed release version, comparable in release order.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct ReleaseVersion(pub Vec<u32>);

impl std::fmt::Display for ReleaseVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|n| n.to_string()).collect();
        f.write_str(&parts.join("."))
    }
}

fn numbers(s: &str) -> Option<Vec<u32>> {
    split_numbers(s, '.')
}

/// Returns the version of a major-release tag, or `None` for anything else
/// (rc tags, point releases, unrelated tags).
pub fn release_version(tag: &str) -> Option<ReleaseVersion> {
    if let Some(rest) = tag.strip_prefix("glibc-") {
        let n = numbers(rest)?;
        return (n.len() == 2).then_some(ReleaseVersion(n));
    }
    let rest = tag.strip_prefix('v')?;
    let n = numbers(rest)?;
    match n.as_slice() {
        // systemd: v255
        [_] => Some(ReleaseVersion(n)),
        // Linux v6.1, DPDK v23.11
        [_, _] => Some(ReleaseVersion(n)),
        // Linux 2.6 era: v2.6.39 is a release, v2.6.39.4 is not.
        [2, 6, _] => Some(ReleaseVersion(n)),
        // Old DPDK: v2.2.0 is the release; v2.2.1 is a point release.
        [_, _, 0] => Some(ReleaseVersion(n[..2].to_vec())),
        _ => None,
    }
}

/// The shape of a project's release tags, learned from a base tag that
/// none of the known forms reads: NetworkManager `1.46.0`, Mesa
/// `mesa-24.0.0`, curl `curl-8_5_0`. A tag is a release of that style when
/// it has the same prefix, separator and number count, and, where the base
/// ends in `.0`, ends in `.0` too (`1.46.2` is a point release).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TagStyle {
    prefix: String,
    sep: char,
    parts: usize,
    zero_last: bool,
    /// A word after the numbers that marks the final release, as rpm's
    /// `rpm-4.20.0-release` (whose `rpm-4.20.0-rc1` is no release).
    suffix: String,
}

/// Words after a version number that still name the release itself.
const RELEASE_SUFFIXES: &[&str] = &["-release", "_release"];

/// `core` without a [`RELEASE_SUFFIXES`] ending, and that ending.
fn split_release_suffix(core: &str) -> (&str, &str) {
    RELEASE_SUFFIXES
        .iter()
        .find_map(|sfx| core.strip_suffix(sfx).map(|c| (c, *sfx)))
        .unwrap_or((core, ""))
}

impl TagStyle {
    /// The style of `base`, or `None` when it has no plain version (a
    /// suffix such as `-start` or `-rc1` — only [`RELEASE_SUFFIXES`] may
    /// follow the numbers — or a three-number version not ending in 0) or
    /// when the known forms already read it.
    pub fn learn(base: &str) -> Option<TagStyle> {
        if release_version(base).is_some() {
            return None;
        }
        let start = base.find(|c: char| c.is_ascii_digit())?;
        let (prefix, core) = base.split_at(start);
        let (core, suffix) = split_release_suffix(core);
        let sep = core.chars().find(|c| !c.is_ascii_digit())?;
        if !matches!(sep, '.' | '_' | '-') {
            return None;
        }
        let n = split_numbers(core, sep)?;
        let zero_last = n.len() == 3 && n[2] == 0;
        if !(n.len() == 2 || zero_last) {
            return None;
        }
        Some(TagStyle {
            prefix: prefix.to_string(),
            sep,
            parts: n.len(),
            zero_last,
            suffix: suffix.to_string(),
        })
    }

    /// The release version of `tag` in this style (`1.46.0` → 1.46).
    pub fn version(&self, tag: &str) -> Option<ReleaseVersion> {
        let core = tag
            .strip_prefix(self.prefix.as_str())?
            .strip_suffix(self.suffix.as_str())?;
        if !core.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let n = split_numbers(core, self.sep)?;
        if n.len() != self.parts || (self.zero_last && n[2] != 0) {
            return None;
        }
        Some(ReleaseVersion(n[..2].to_vec()))
    }
}

/// Fewest tags of one style that make it the project's release style when
/// nothing else names one.
pub const MIN_STYLE_TAGS: usize = 3;

/// The style most of `tags` share ([`TagStyle::learn`]), when at least
/// [`MIN_STYLE_TAGS`] do: the release style of a project whose branches are
/// given with commit ids as bases (Samba `samba-4.20.0`, fwupd `2.0.0`).
/// Ties go to the shorter prefix, then the smaller, so the answer does not
/// depend on the order of `tags`.
pub fn dominant_style<'a>(tags: impl IntoIterator<Item = &'a str>) -> Option<TagStyle> {
    dominant(&style_counts(tags))
}

/// The release styles of a project whose base tags teach none: the
/// [`dominant_style`], and with it the same prefix's other count of
/// numbers when [`MIN_STYLE_TAGS`] tags have it too. Suricata tagged
/// `suricata-3.2`, then `suricata-4.0.0` … `suricata-8.0.0`: both name
/// releases.
pub fn release_styles<'a>(tags: impl IntoIterator<Item = &'a str>) -> Vec<TagStyle> {
    let counts = style_counts(tags);
    let Some(best) = dominant(&counts) else {
        return Vec::new();
    };
    let mut out: Vec<TagStyle> = counts
        .iter()
        .filter(|(s, n)| {
            **n >= MIN_STYLE_TAGS
                && **s != best
                && s.prefix == best.prefix
                && s.sep == best.sep
                && s.suffix == best.suffix
        })
        .map(|(s, _)| s.clone())
        .collect();
    out.sort_by_key(|s| s.parts);
    out.insert(0, best);
    out
}

fn style_counts<'a>(
    tags: impl IntoIterator<Item = &'a str>,
) -> std::collections::HashMap<TagStyle, usize> {
    let mut counts: std::collections::HashMap<TagStyle, usize> = Default::default();
    for t in tags {
        if let Some(s) = TagStyle::learn(t) {
            *counts.entry(s).or_default() += 1;
        }
    }
    counts
}

fn dominant(counts: &std::collections::HashMap<TagStyle, usize>) -> Option<TagStyle> {
    counts
        .iter()
        .map(|(s, n)| (s.clone(), *n))
        .filter(|(_, n)| *n >= MIN_STYLE_TAGS)
        .max_by(|(a, n), (b, m)| {
            n.cmp(m)
                .then(b.prefix.len().cmp(&a.prefix.len()))
                .then(b.prefix.cmp(&a.prefix))
                .then(b.parts.cmp(&a.parts))
                .then((b.sep as u32).cmp(&(a.sep as u32)))
                .then(b.suffix.cmp(&a.suffix))
        })
        .map(|(s, _)| s)
}

/// The numbers of `core` separated by `sep`; `None` for an empty part,
/// anything but digits, or a part over six digits.
fn split_numbers(core: &str, sep: char) -> Option<Vec<u32>> {
    core.split(sep)
        .map(|p| {
            if p.is_empty() || p.len() > 6 || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse().ok()
            }
        })
        .collect()
}

/// The version of `tag` in the known forms or in one of `styles`.
pub fn release_version_in(tag: &str, styles: &[TagStyle]) -> Option<ReleaseVersion> {
    release_version(tag).or_else(|| styles.iter().find_map(|s| s.version(tag)))
}

/// Is `v` a point release of another release in `known`? systemd tags its
/// releases `v255` and the stable updates of each `v255.1`, `v255.2`: a
/// version whose leading numbers are themselves a release is an update of
/// that release, not the next one.
pub fn is_point_release(
    v: &ReleaseVersion,
    known: &std::collections::HashSet<ReleaseVersion>,
) -> bool {
    (1..v.0.len()).any(|k| known.contains(&ReleaseVersion(v.0[..k].to_vec())))
}

/// A branch's name without `refs/heads/` or `refs/remotes/<remote>/`.
fn short_branch_name(branch: &str) -> &str {
    if let Some(s) = branch.strip_prefix("refs/heads/") {
        return s;
    }
    match branch.strip_prefix("refs/remotes/") {
        Some(s) => s.split_once('/').map(|(_, b)| b).unwrap_or(s),
        None => branch,
    }
}

/// The version a stable branch name implies, and the base tag name it
/// conventionally forks from: `linux-6.1.y` → `v6.1`, `23.11` → `v23.11`,
/// `release/2.39/master` → `glibc-2.39`, `v255-stable` → `v255`,
/// `stable/v2.40` and `stable-9.0` → `v2.40`, `v9.0`.
pub fn stable_branch_base(branch: &str) -> Option<(ReleaseVersion, String)> {
    let short = short_branch_name(branch);
    if let Some(v) = short
        .strip_prefix("linux-")
        .and_then(|s| s.strip_suffix(".y"))
    {
        let n = numbers(v)?;
        return (n.len() == 2 || n.len() == 3 && n[..2] == [2, 6])
            .then(|| (ReleaseVersion(n.clone()), format!("v{v}")));
    }
    if let Some(v) = short
        .strip_prefix("release/")
        .and_then(|s| s.strip_suffix("/master"))
    {
        let n = numbers(v)?;
        return (n.len() == 2).then(|| (ReleaseVersion(n), format!("glibc-{v}")));
    }
    if let Some(v) = short
        .strip_prefix('v')
        .and_then(|s| s.strip_suffix("-stable"))
    {
        let n = numbers(v)?;
        return (n.len() == 1).then(|| (ReleaseVersion(n), format!("v{v}")));
    }
    // util-linux `stable/v2.40`, QEMU `stable-9.0`: base tag `vX.Y`.
    if let Some(v) = short
        .strip_prefix("stable/v")
        .or_else(|| short.strip_prefix("stable-"))
    {
        let n = numbers(v)?;
        return (n.len() == 2).then(|| (ReleaseVersion(n), format!("v{v}")));
    }
    // DPDK: exactly YY.MM (two-digit year, two-digit month).
    let n = numbers(short)?;
    if n.len() == 2 && short.len() == 5 && (1..=12).contains(&n[1]) {
        return Some((ReleaseVersion(n), format!("v{short}")));
    }
    None
}

/// Words a maintenance branch name may carry around its version
/// (`release-1.2`, `1.2-stable`, `v1.2.x`); any other word before the
/// version is taken for the project's name (`nm-1-46`, `openssl-3.0`).
const BRANCH_WORDS: &[&str] = &["stable", "release", "releases", "branch", "maint", "rel"];

/// What a branch name in no known convention suggests
/// ([`guess_branch_version`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchGuess {
    pub version: ReleaseVersion,
    /// Base tag spellings to try, most likely first.
    pub tags: Vec<String>,
    /// The name is the bare version (`24.0`, `release/24.0`): any
    /// project's release tag of that version may be the base
    /// ([`named_release_tag`]).
    pub bare: bool,
}

/// For a branch name no known convention reads ([`stable_branch_base`]):
/// the version it names and the base tags to try. The name is
/// `[word-]X<sep>Y[suffix]`, with `sep` one of `.`, `-`, `_`, the suffix
/// empty, `.x`, `.y`, `-stable` or `-branch`, and `word` a maintenance word
/// or the project's name; it may sit under a maintenance word
/// (`release/1.2`) but under nothing else (`someone/tile-2.15` is somebody's
/// work). NetworkManager `nm-1-46` → 1.46, tried as `v1.46`, `1.46`,
/// `v1.46.0`, `1.46.0`, `nm-1.46`, `nm-1.46.0`. A guess only counts when one
/// of the tags exists.
pub fn guess_branch_version(branch: &str) -> Option<BranchGuess> {
    let branch = short_branch_name(branch);
    let (dir, short) = match branch.rsplit_once('/') {
        Some((d, s)) => (Some(d), s),
        None => (None, branch),
    };
    if dir.is_some_and(|d| !BRANCH_WORDS.contains(&d.to_ascii_lowercase().as_str())) {
        return None;
    }
    // Samba's `v4-20-test` is the branch the next 4.20 release is made on.
    let short = [".x", ".y", "-stable", "-branch", "-test"]
        .iter()
        .find_map(|s| short.strip_suffix(s))
        .unwrap_or(short);
    let start = short.find(|c: char| c.is_ascii_digit())?;
    let (prefix, core) = short.split_at(start);
    if !prefix
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'-' | b'_'))
    {
        return None;
    }
    // A `v` right before the version belongs to it (`stable-v1.2`), not
    // to the word (`dev-1.2`).
    let word = match prefix.strip_suffix('v') {
        Some(w) if w.is_empty() || w.ends_with(['-', '_']) => w,
        _ => prefix,
    };
    let word = word.trim_end_matches(['-', '_']).to_ascii_lowercase();
    let sep = core.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '.' | '-' | '_') {
        return None;
    }
    let n = split_numbers(core, sep)?;
    if n.len() != 2 {
        return None;
    }
    let v = format!("{}.{}", n[0], n[1]);
    let mut tags = vec![
        format!("v{v}"),
        v.clone(),
        format!("v{v}.0"),
        format!("{v}.0"),
    ];
    let bare = word.is_empty() || BRANCH_WORDS.contains(&word.as_str());
    if !bare {
        tags.push(format!("{word}-{v}"));
        tags.push(format!("{word}-{v}.0"));
    }
    Some(BranchGuess {
        version: ReleaseVersion(n),
        tags,
        bare,
    })
}

/// Among `tags`, a release of version `v` named `<project>-X.Y.0` or
/// `<project>-X.Y` (Mesa `mesa-24.0.0` for branch `24.0`), the `.0` form
/// first; ties by name, so the answer does not depend on the order given.
pub fn named_release_tag<'a>(
    v: &ReleaseVersion,
    tags: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let [a, b] = v.0.as_slice() else {
        return None;
    };
    let (full, short) = (format!("-{a}.{b}.0"), format!("-{a}.{b}"));
    let project = |t: &str, suffix: &str| {
        t.strip_suffix(suffix).is_some_and(|p| {
            !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
    };
    let mut best: Option<(bool, &str)> = None;
    for t in tags {
        let rank = if project(t, &full) {
            false
        } else if project(t, &short) {
            true
        } else {
            continue;
        };
        if best.is_none_or(|b| (rank, t) < b) {
            best = Some((rank, t));
        }
    }
    best.map(|b| b.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors_only() {
        for t in ["v6.1", "v23.11", "glibc-2.39", "v255", "v2.6.39", "v3.0"] {
            assert!(release_version(t).is_some(), "{t}");
        }
        for t in [
            "v6.1-rc1",
            "v6.1.3",
            "v23.11.2",
            "glibc-2.39.9000",
            "v2.6.39.4",
            "v255-rc2",
            "foo",
            "v",
            "v1..2",
            "vX.Y",
            "v23.11-staging",
        ] {
            assert!(release_version(t).is_none(), "{t}");
        }
        assert_eq!(release_version("v2.2.0"), Some(ReleaseVersion(vec![2, 2])));
        assert!(release_version("v6.9").unwrap() < release_version("v6.10").unwrap());
    }

    #[test]
    fn styles_learned_from_a_base_tag() {
        let nm = TagStyle::learn("1.46.0").expect("a style");
        assert_eq!(nm.version("1.44.0"), Some(ReleaseVersion(vec![1, 44])));
        for t in ["1.44.2", "1.45.90", "1.44", "v1.44.0", "1.44.0-rc1", "x"] {
            assert_eq!(nm.version(t), None, "{t}");
        }
        let curl = TagStyle::learn("curl-8_5_0").expect("a style");
        assert_eq!(curl.version("curl-8_4_0"), Some(ReleaseVersion(vec![8, 4])));
        assert_eq!(curl.version("curl-8_4_1"), None);
        assert_eq!(curl.version("mesa-8_4_0"), None);
        let mesa = TagStyle::learn("mesa-24.0.0").expect("a style");
        assert_eq!(
            mesa.version("mesa-23.3.0"),
            Some(ReleaseVersion(vec![23, 3]))
        );
        // rpm: the final release carries `-release`; its candidates and
        // point releases do not count.
        let rpm = TagStyle::learn("rpm-4.20.0-release").expect("a style");
        assert_eq!(
            rpm.version("rpm-4.19.0-release"),
            Some(ReleaseVersion(vec![4, 19]))
        );
        for t in [
            "rpm-4.19.0",
            "rpm-4.19.0-rc1",
            "rpm-4.19.1-release",
            "rpm-4.12.0.1-release",
        ] {
            assert_eq!(rpm.version(t), None, "{t}");
        }
        assert_ne!(TagStyle::learn("rpm-4.20.0"), Some(rpm));
        let two = TagStyle::learn("2.40").expect("a style");
        assert_eq!(two.version("2.39"), Some(ReleaseVersion(vec![2, 39])));
        // Known forms, suffixes and point releases teach no style.
        for t in [
            "v6.1",
            "glibc-2.39",
            "v2.41-start",
            "1.46.2",
            "v23.11-rc1",
            "nodigits",
            "1..2",
        ] {
            assert_eq!(TagStyle::learn(t), None, "{t}");
        }
        assert_eq!(
            release_version_in("1.42.0", &[nm]),
            Some(ReleaseVersion(vec![1, 42]))
        );
        assert_eq!(
            release_version_in("v6.1", &[]),
            Some(ReleaseVersion(vec![6, 1]))
        );
    }

    proptest::proptest! {
        /// Tag names are outside data: any string is read without a panic,
        /// and a learned style reads its own base tag back.
        #[test]
        fn any_tag_name_is_read_without_panic(tag in "\\PC{0,24}", other in "[a-z_.-]{0,4}[0-9._-]{0,12}") {
            let _ = release_version(&tag);
            let _ = stable_branch_base(&tag);
            if let Some(style) = TagStyle::learn(&tag) {
                proptest::prop_assert!(style.version(&tag).is_some(), "{tag}");
                let _ = style.version(&other);
            }
            let _ = TagStyle::learn(&other).map(|s| s.version(&tag));
        }

        /// Branch names are outside data too: a guess never panics, and the
        /// version it reads is among the tags it proposes.
        #[test]
        fn any_branch_name_is_guessed_without_panic(branch in "\\PC{0,24}", name in "(refs/heads/)?[a-z/_-]{0,8}v?[0-9]{1,3}[._-][0-9]{1,3}(\\.x|-stable)?") {
            for b in [&branch, &name] {
                if let Some(g) = guess_branch_version(b) {
                    let v = g.version.to_string();
                    proptest::prop_assert!(g.tags.iter().any(|t| t.ends_with(&v) || t.ends_with(&format!("{v}.0"))), "{b}: {g:?}");
                    let _ = named_release_tag(&g.version, g.tags.iter().map(String::as_str));
                }
            }
        }
    }

    #[test]
    fn point_releases_of_single_number_versions() {
        let known: std::collections::HashSet<ReleaseVersion> = ["v254", "v255", "v255.1", "v6.1"]
            .iter()
            .filter_map(|t| release_version(t))
            .collect();
        let v = |t: &str| release_version(t).unwrap();
        assert!(is_point_release(&v("v255.1"), &known));
        assert!(is_point_release(&v("v254.12"), &known));
        assert!(!is_point_release(&v("v255"), &known));
        // Linux and DPDK have no one-number tags: v6.2 is the next release.
        assert!(!is_point_release(&v("v6.2"), &known));
        assert!(!is_point_release(&v("v23.11"), &known));
    }

    #[test]
    fn branch_bases() {
        let base = |b: &str| stable_branch_base(b).map(|(_, t)| t);
        assert_eq!(base("linux-6.1.y").as_deref(), Some("v6.1"));
        assert_eq!(
            base("refs/remotes/origin/linux-6.6.y").as_deref(),
            Some("v6.6")
        );
        assert_eq!(base("23.11").as_deref(), Some("v23.11"));
        assert_eq!(base("refs/remotes/origin/22.11").as_deref(), Some("v22.11"));
        assert_eq!(base("release/2.39/master").as_deref(), Some("glibc-2.39"));
        assert_eq!(base("v255-stable").as_deref(), Some("v255"));
        assert_eq!(base("stable/v2.40").as_deref(), Some("v2.40"));
        assert_eq!(
            base("refs/remotes/origin/stable-9.0").as_deref(),
            Some("v9.0")
        );
        for b in [
            "stable/v2",
            "stable-next",
            "main",
            "23.11-staging",
            "next-net",
            "1.2.3",
            "99.99",
            "linux-next",
        ] {
            assert_eq!(base(b), None, "{b}");
        }
    }

    #[test]
    fn a_prefix_whose_releases_changed_from_two_to_three_numbers() {
        let tags = [
            "suricata-1.1",
            "suricata-1.2",
            "suricata-2.0",
            "suricata-3.2",
            "suricata-3.2.5",
            "suricata-4.0.0",
            "suricata-4.1.0",
            "suricata-8.0.0",
            "suricata-8.0.6",
            "suricata-8.0.0-rc1",
            "libhtp-0.5.0",
        ];
        let styles = release_styles(tags);
        assert_eq!(styles.len(), 2, "{styles:?}");
        let v = |t| release_version_in(t, &styles);
        assert_eq!(v("suricata-3.2"), Some(ReleaseVersion(vec![3, 2])));
        assert_eq!(v("suricata-8.0.0"), Some(ReleaseVersion(vec![8, 0])));
        assert_eq!(v("suricata-8.0.6"), None);
        assert_eq!(v("suricata-3.2.5"), None);
        assert_eq!(v("suricata-8.0.0-rc1"), None);
        assert_eq!(v("libhtp-0.5.0"), None);
        // One style alone stays one style.
        assert_eq!(release_styles(["a-1.0", "a-1.1", "a-1.2"]).len(), 1);
        assert!(release_styles(["x"]).is_empty());
    }

    #[test]
    fn the_release_style_most_tags_share() {
        let tags = [
            "samba-4.18.0",
            "samba-4.18.1",
            "samba-4.19.0",
            "samba-4.20.0",
            "samba-4.20.0rc1",
            "ldb-2.8.0",
            "ldb-2.9.0",
            "tevent-0.16.0",
        ];
        let s = dominant_style(tags).expect("samba style");
        assert_eq!(s.version("samba-4.20.0"), Some(ReleaseVersion(vec![4, 20])));
        assert_eq!(s.version("ldb-2.9.0"), None);
        assert_eq!(s.version("samba-4.18.1"), None);
        // rpm's `-release` tags outnumber its few plain old ones.
        let rpm = dominant_style([
            "rpm-4.9.0",
            "rpm-4.10.0",
            "rpm-4.10.0-release",
            "rpm-4.11.0-release",
            "rpm-4.12.0-rc1",
            "rpm-4.12.0-release",
            "rpm-4.12.0.1-release",
        ])
        .expect("rpm style");
        assert_eq!(
            rpm.version("rpm-4.12.0-release"),
            Some(ReleaseVersion(vec![4, 12]))
        );
        assert_eq!(rpm.version("rpm-4.10.0"), None);
        // Reversed order, same answer; too few tags of any style: none.
        let mut rev = tags;
        rev.reverse();
        assert_eq!(dominant_style(rev), Some(s));
        assert_eq!(dominant_style(["ldb-2.8.0", "ldb-2.9.0", "x"]), None);
        // Known forms teach no style: they are releases already.
        assert_eq!(dominant_style(["v1.0", "v1.1", "v1.2"]), None);
    }

    #[test]
    fn branch_versions_guessed_from_other_conventions() {
        let guess = |b: &str| guess_branch_version(b).map(|g| (g.version, g.tags, g.bare));
        let (v, tags, bare) = guess("nm-1-46").expect("NetworkManager");
        assert_eq!(v, ReleaseVersion(vec![1, 46]));
        assert_eq!(tags[..4], ["v1.46", "1.46", "v1.46.0", "1.46.0"]);
        assert!(tags.contains(&"nm-1.46.0".to_string()), "{tags:?}");
        assert!(!bare);
        assert!(guess("24.0").unwrap().2 && guess("release/24.0").unwrap().2);
        for (b, want) in [
            ("refs/remotes/origin/nm-1-46", vec![1, 46]),
            ("openssl-3.0", vec![3, 0]),
            ("v1.2.x", vec![1, 2]),
            ("release-4.2", vec![4, 2]),
            ("4.2-stable", vec![4, 2]),
            ("release/17.x", vec![17]),
            ("stable/1.2.x", vec![1, 2]),
            ("cmetcalf/tile-2.15", vec![]),
            ("cvs/fedora-2_3-branch", vec![]),
            ("stable-v1_8", vec![1, 8]),
            ("24.0", vec![24, 0]),
            ("v4-20-test", vec![4, 20]),
            ("glib-2-84", vec![2, 84]),
        ] {
            match guess(b) {
                Some((v, _, _)) => assert_eq!(v.0, want, "{b}"),
                None => assert!(want.len() != 2, "{b}: no guess"),
            }
        }
        let (_, tags, _) = guess("release-4.2").unwrap();
        assert!(!tags.iter().any(|t| t.starts_with("release")), "{tags:?}");
        let (_, tags, _) = guess("dev-1.2").unwrap();
        assert!(tags.contains(&"dev-1.2.0".to_string()), "{tags:?}");
        for b in [
            "main",
            "1.2.3",
            "23.11-staging",
            "linux-next",
            "fix/a.b",
            "1..2",
        ] {
            assert_eq!(guess(b), None, "{b}");
        }
    }

    #[test]
    fn project_release_tag_found_among_tags() {
        let v = ReleaseVersion(vec![24, 0]);
        let tags = [
            "mesa-24.0-rc1",
            "mesa-24.0",
            "mesa-24.0.0",
            "mesa-24.0.1",
            "24.0.0.x",
        ];
        assert_eq!(named_release_tag(&v, tags), Some("mesa-24.0.0"));
        assert_eq!(named_release_tag(&v, ["mesa-24.0"]), Some("mesa-24.0"));
        assert_eq!(named_release_tag(&v, ["mesa-24.0.1", "-24.0.0"]), None);
        assert_eq!(
            named_release_tag(&ReleaseVersion(vec![24]), ["x-24.0"]),
            None
        );
    }
}
