//! `--format mbox`: backport mails ready for `git send-email` and `git am`.
//!
//! One mail per YES (commit, branch), in the AUTOSEL layout of the seed: a
//! subject `[PATCH AUTOSEL <branch>] <subject>` (`[PATCH AUTOSEL 23.11
//! 2/3]` when a branch gets several, in the order given, prerequisites
//! moved before the commits that need them), the original author in
//! `From:`, a body that opens with `[ Upstream commit <sha> ]` (or the
//! branch's own backport line, where it writes one: DPDK's `[ upstream
//! commit <sha> ]`, or `(cherry picked from commit <sha>)` after the
//! message), the original message, `Stable-dep-of: <sha> ("subject")` for each commit of
//! the series that needs it first, the maintainer's `Signed-off-by:`, then `---`, the
//! report indented by four spaces (so `git am` takes none of it for the
//! patch), the diffstat and the diff.

use crate::markdown::markdown;
use stablepick_evidence::Evidence;
use stablepick_verdict::{Decision, Verdict};
use std::fmt::Write;
use std::path::Path;

/// The mails for every YES (commit, branch) of `items`, as one mbox.
/// `signoff` is `Name <email>` (see [`signoff_from_config`]).
pub fn mbox(items: &[(&Evidence, &Decision)], signoff: Option<&str>) -> String {
    // Branch names in first-seen order, each with its YES items.
    let mut branches: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, (ev, d)) in items.iter().enumerate() {
        for b in &d.branches {
            if b.verdict != Some(Verdict::Yes) {
                continue;
            }
            // Already there: nothing to send.
            if ev
                .branches
                .iter()
                .any(|f| f.name == b.branch && (f.in_base || f.backported_as.is_some()))
            {
                continue;
            }
            match branches.iter_mut().find(|(n, _)| *n == b.branch) {
                Some((_, v)) => v.push(i),
                None => branches.push((b.branch.clone(), vec![i])),
            }
        }
    }
    let mut out = String::new();
    for (branch, list) in branches {
        let list = prerequisites_first(items, &branch, list);
        let n = list.len();
        for (k, &i) in list.iter().enumerate() {
            let (ev, d) = items[i];
            let counter = if n > 1 {
                format!(" {}/{n}", k + 1)
            } else {
                String::new()
            };
            // The commits of this series that need this one first.
            let dep_of: Vec<&Evidence> = list
                .iter()
                .map(|&j| items[j].0)
                .filter(|other| {
                    other
                        .branches
                        .iter()
                        .any(|f| f.name == branch && f.prerequisites.contains(&ev.commit.oid))
                })
                .collect();
            out.push_str(&mail(ev, d, &branch, &counter, &dep_of, signoff));
        }
    }
    out
}

/// Orders a branch's items so that an item another one lists as a
/// prerequisite comes first; otherwise the given order stays.
fn prerequisites_first(
    items: &[(&Evidence, &Decision)],
    branch: &str,
    list: Vec<usize>,
) -> Vec<usize> {
    let needs = |i: usize| -> Vec<stablepick_repo::Oid> {
        items[i]
            .0
            .branches
            .iter()
            .find(|f| f.name == branch)
            .map(|f| f.prerequisites.clone())
            .unwrap_or_default()
    };
    let mut out: Vec<usize> = Vec::with_capacity(list.len());
    let mut pending = list;
    // Repeatedly take the first item none of whose prerequisites is pending;
    // a cycle (impossible in history) falls back to the given order.
    while !pending.is_empty() {
        let pos = pending
            .iter()
            .position(|&i| {
                let n = needs(i);
                !pending
                    .iter()
                    .any(|&j| j != i && n.contains(&items[j].0.commit.oid))
            })
            .unwrap_or(0);
        out.push(pending.remove(pos));
    }
    out
}

fn mail(
    ev: &Evidence,
    d: &Decision,
    branch: &str,
    counter: &str,
    dep_of: &[&Evidence],
    signoff: Option<&str>,
) -> String {
    let c = &ev.commit;
    let mut m = String::new();
    let _ = writeln!(m, "From {} Mon Sep 17 00:00:00 2001", c.oid);
    let _ = writeln!(m, "From: {} <{}>", c.author_name, c.author_email);
    let _ = writeln!(m, "Date: {}", rfc2822(c.author_time));
    let _ = writeln!(
        m,
        "Subject: [PATCH AUTOSEL {branch}{counter}] {}",
        c.subject
    );
    let _ = writeln!(m, "MIME-Version: 1.0");
    let _ = writeln!(m, "Content-Type: text/plain; charset=UTF-8");
    let _ = writeln!(m, "Content-Transfer-Encoding: 8bit");
    let _ = writeln!(m);
    // The backport line as the branch writes it: the kernel's and DPDK's
    // open the body, `git cherry-pick -x`'s ends the message.
    let (template, at_end) = ev
        .branches
        .iter()
        .find(|f| f.name == branch)
        .and_then(|f| f.backport_line.clone())
        .unwrap_or_else(|| ("[ Upstream commit {sha} ]".to_string(), false));
    let line = template.replace("{sha}", &c.oid.to_string());
    if !at_end {
        let _ = writeln!(m, "{line}");
        let _ = writeln!(m);
    }
    // The message without its subject line (and the blank line after it).
    let body: Vec<&str> = c.message.trim_end().lines().skip(1).collect();
    let body = body.join("\n");
    let body = body.trim_start_matches('\n');
    if !body.is_empty() {
        let _ = writeln!(m, "{body}");
    }
    if at_end {
        let _ = writeln!(m, "{line}");
    }
    for other in dep_of {
        let _ = writeln!(
            m,
            "Stable-dep-of: {} (\"{}\")",
            &other.commit.oid.to_string()[..12],
            other.commit.subject
        );
    }
    if let Some(s) = signoff {
        let line = format!("Signed-off-by: {s}");
        if body.lines().last().map(str::trim) != Some(line.as_str()) {
            let _ = writeln!(m, "{line}");
        }
    }
    let _ = writeln!(m, "---");
    let _ = writeln!(m);
    if let Some(f) = ev.branches.iter().find(|f| f.name == branch) {
        let applies = f.applies.map(|a| a.as_str()).unwrap_or("not checked");
        let _ = writeln!(m, "    Applies to {branch}: {applies}");
        if !f.prerequisites.is_empty() {
            let list: Vec<String> = f.prerequisites.iter().map(|o| o.to_string()).collect();
            let after = match f.prerequisites_suffice {
                Some(true) => " (the patch applies after them)",
                Some(false) => " (even after them the patch needs adapting by hand)",
                None => "",
            };
            let _ = writeln!(m, "    Prerequisites: {}{after}", list.join(" "));
        }
        let _ = writeln!(m);
    }
    for line in report_text(ev, d).lines() {
        if line.is_empty() {
            let _ = writeln!(m);
        } else {
            let _ = writeln!(m, "    {line}");
        }
    }
    let _ = writeln!(m);
    m.push_str(&ev.diff.diffstat);
    let _ = writeln!(m);
    m.push_str(&ev.diff.patch);
    if !ev.diff.patch.ends_with('\n') {
        let _ = writeln!(m);
    }
    if ev.diff.truncated {
        // An incomplete diff must not be applied by accident.
        let _ = writeln!(m, "    [patch truncated: fetch the commit instead]");
    }
    let _ = writeln!(m, "-- ");
    let _ = writeln!(m, "stablepick");
    let _ = writeln!(m);
    m
}

/// The Markdown report without the message (already in the mail) and
/// without the patch (which follows it).
fn report_text(ev: &Evidence, d: &Decision) -> String {
    let md = markdown(ev, d);
    let start = md.find("\n---\n").map(|i| i + 5).unwrap_or(0);
    let fence = format!("\n{}diff\n", crate::markdown::patch_fence(&ev.diff.patch));
    let end = md.rfind(&fence).unwrap_or(md.len());
    md.get(start..end.max(start))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// `Thu, 01 Jan 1970 00:00:00 +0000` for a Unix time (UTC).
fn rfc2822(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (year, month, day) = stablepick_civil::civil_from_days(days);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        WD[days.rem_euclid(7) as usize],
        day,
        MON[(month - 1).clamp(0, 11) as usize],
        year,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `stablepick.toml`: what the maintainer sets once for every run.
#[derive(Debug, Default, serde::Deserialize)]
struct ConfigFile {
    #[serde(default)]
    mbox: MboxConfig,
}

/// The `[mbox]` table. Unknown keys are refused: a misspelt `signoff`
/// would otherwise be ignored without a word.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MboxConfig {
    signoff: Option<String>,
}

/// The maintainer's sign-off from `stablepick.toml` (`[mbox]` table,
/// `signoff = "Name <email>"`), looked for in `repo` and then in `cwd`.
/// A file that exists but does not read is an error naming it, not a
/// silently missing sign-off.
pub fn signoff_from_config(repo: &Path, cwd: &Path) -> Result<Option<String>, String> {
    for dir in [repo, cwd] {
        let path = dir.join("stablepick.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match parse_signoff(&text) {
            Ok(Some(s)) => return Ok(Some(s)),
            Ok(None) => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Ok(None)
}

/// Reads `signoff` from the `[mbox]` table of a `stablepick.toml` text.
pub fn parse_signoff(text: &str) -> Result<Option<String>, String> {
    let config: ConfigFile = toml::from_str(text).map_err(|e| e.to_string())?;
    Ok(config.mbox.signoff.filter(|s| !s.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc2822(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 +0000");
    }

    #[test]
    fn signoff_config() {
        let t = "[other]\nsignoff = \"x\"\n[mbox]\n# who\nsignoff = \"A B <a@b.org>\"\n";
        assert_eq!(parse_signoff(t), Ok(Some("A B <a@b.org>".into())));
        assert_eq!(parse_signoff("[mbox]\n"), Ok(None));
        assert_eq!(parse_signoff("[mbox]\nsignoff = ''\n"), Ok(None));
    }

    #[test]
    fn a_bad_config_says_what_is_wrong() {
        let e = parse_signoff("[mbox]\nsigoff = \"A <a@b.org>\"\n").unwrap_err();
        assert!(e.contains("sigoff"), "{e}");
        let e = parse_signoff("[mbox\nsignoff = 1\n").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
        let e = parse_signoff("[mbox]\nsignoff = 1\n").unwrap_err();
        assert!(e.contains("string"), "{e}");
    }

    #[test]
    fn the_repository_config_comes_first_and_a_broken_one_is_an_error() {
        let repo = tempfile::tempdir().unwrap();
        let cwd = tempfile::tempdir().unwrap();
        let write = |d: &Path, t: &str| std::fs::write(d.join("stablepick.toml"), t).unwrap();
        assert_eq!(signoff_from_config(repo.path(), cwd.path()), Ok(None));
        write(cwd.path(), "[mbox]\nsignoff = \"Cwd <c@x.org>\"\n");
        assert_eq!(
            signoff_from_config(repo.path(), cwd.path()),
            Ok(Some("Cwd <c@x.org>".into()))
        );
        write(repo.path(), "[mbox]\nsignoff = \"Repo <r@x.org>\"\n");
        assert_eq!(
            signoff_from_config(repo.path(), cwd.path()),
            Ok(Some("Repo <r@x.org>".into()))
        );
        write(repo.path(), "[mbox]\nsignoff = \"unterminated\n");
        let e = signoff_from_config(repo.path(), cwd.path()).unwrap_err();
        assert!(
            e.contains(&repo.path().join("stablepick.toml").display().to_string()),
            "{e}"
        );
    }
}
