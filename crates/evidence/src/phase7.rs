//! Phase 7, subsystem and maintainers: the MAINTAINERS sections (Linux or
//! DPDK format) and the CODEOWNERS lines that cover the touched files, as
//! of the commit itself.

use crate::record::{Record, in_tree, sh};
use crate::{Context, Evidence, MaintainerFacts, full};
use crate::{codeowners, maintainers};
use std::sync::{Arc, LazyLock};

const P: u8 = 7;

pub(crate) fn collect(ctx: &Context, ev: &mut Evidence) {
    let sha = full(ev.commit.oid);
    let tree = ctx
        .git
        .repo()
        .find_commit(ev.commit.oid)
        .and_then(|c| c.tree())
        .ok();
    // The blob at `path` in the commit's tree.
    let blob = |path: &str| {
        tree.as_ref()
            .and_then(|t| t.get_path(std::path::Path::new(path)).ok())
            .map(|e| e.id())
    };
    let owners = codeowners_records(ctx, ev, &blob);
    let Some(sections) = blob("MAINTAINERS").and_then(|b| parsed_maintainers(ctx, b)) else {
        // A project without MAINTAINERS may name owners in CODEOWNERS.
        if !owners {
            ev.records.push(Record::new(
                P,
                "no MAINTAINERS or CODEOWNERS file in the tree of this commit",
                format!(
                    "! {} && for f in {}; do ! git ls-tree -z --name-only {sha} -- \"$f\" | grep -qzFx \"$f\" || exit 1; done",
                    in_tree(&sha, "MAINTAINERS"),
                    codeowners::LOCATIONS.join(" ")
                ),
            ));
        }
        return;
    };
    if sections
        .iter()
        .all(|s| s.files.is_empty() && s.regexes.is_empty())
    {
        // glibc's, NetworkManager's and runc's MAINTAINERS list people or
        // point to a wiki: no section names files.
        ev.records.push(Record::new(
            P,
            "MAINTAINERS names no files (no `F:` or `N:` lines, not the kernel's format): it covers none of the touched files",
            format!("! git show {sha}:MAINTAINERS | grep -q -E '^[FN]:'"),
        ));
        return;
    }
    for path in ev.diff.paths() {
        let matches = maintainers::matching(&sections, &path);
        // Catch-all sections (`F: *`, specificity 0) only matter when nothing
        // else matched; `N:` regex matches (specificity 1) count.
        let specific: Vec<_> = matches.iter().filter(|m| m.specificity > 0).collect();
        let chosen: Vec<_> = if specific.is_empty() {
            matches.iter().collect()
        } else {
            specific
        };
        if chosen.is_empty() {
            ev.records.push(Record::new(
                P,
                format!("no MAINTAINERS section covers `{path}`"),
                format!("git show {sha}:MAINTAINERS | grep -n '^F:'"),
            ));
            continue;
        }
        for m in chosen {
            let s = m.section;
            if ev.maintainers.iter().any(|x| x.section == s.name) {
                if let Some(x) = ev.maintainers.iter_mut().find(|x| x.section == s.name)
                    && !x.files.contains(&path)
                {
                    x.files.push(path.clone());
                }
                continue;
            }
            let mut text = format!(
                "`{path}` is covered by \"{}\" (via `{}`)",
                s.name, m.pattern
            );
            if let Some(st) = &s.status {
                text.push_str(&format!("; status: {st}"));
            }
            if !s.maintainers.is_empty() {
                text.push_str(&format!("; maintainers: {}", s.maintainers.join(", ")));
            }
            if !s.reviewers.is_empty() {
                text.push_str(&format!("; reviewers: {}", s.reviewers.join(", ")));
            }
            if !s.lists.is_empty() {
                text.push_str(&format!("; lists: {}", s.lists.join(", ")));
            }
            ev.records.push(Record::new(
                P,
                text,
                format!(
                    "git show {sha}:MAINTAINERS | grep -n -A12 -F {}",
                    sh(&s.name)
                ),
            ));
            ev.maintainers.push(MaintainerFacts {
                section: s.name.clone(),
                status: s.status.clone(),
                maintainers: s.maintainers.clone(),
                reviewers: s.reviewers.clone(),
                lists: s.lists.clone(),
                files: vec![path.clone()],
            });
        }
    }
    // Did a listed maintainer sign off?
    let signers: Vec<String> = ev
        .message
        .trailers_named("Signed-off-by")
        .map(|t| t.value.to_ascii_lowercase())
        .collect();
    for m in &ev.maintainers {
        for person in &m.maintainers {
            let email = person
                .rsplit('<')
                .next()
                .unwrap_or(person)
                .trim_end_matches('>')
                .to_ascii_lowercase();
            if !email.is_empty() && signers.iter().any(|s| s.contains(&email)) {
                ev.records.push(Record::new(
                    P,
                    format!(
                        "maintainer {person} of \"{}\" signed off the commit",
                        m.section
                    ),
                    format!("git show -s --format=%b {sha} | grep -i '^Signed-off-by:'"),
                ));
            }
        }
    }
}

/// Phase 7 records from the first CODEOWNERS file of the commit's tree
/// ([`codeowners::LOCATIONS`]): one per line that owns touched files, and
/// one for the files no line owns. False when the tree has none.
fn codeowners_records(
    ctx: &Context,
    ev: &mut Evidence,
    blob_at: &dyn Fn(&str) -> Option<git2::Oid>,
) -> bool {
    let sha = full(ev.commit.oid);
    let Some((location, blob)) = codeowners::LOCATIONS
        .iter()
        .find_map(|l| Some((*l, blob_at(l)?)))
    else {
        return false;
    };
    let Some(rules) = parsed_codeowners(ctx, blob) else {
        return false;
    };
    let show = format!("git show {sha}:{location}");
    // Touched files by the line that owns them, in line order.
    let mut by_rule: Vec<(&codeowners::Rule, Vec<String>)> = Vec::new();
    let mut unowned: Vec<String> = Vec::new();
    for path in ev.diff.paths() {
        match codeowners::owner_of(&rules, &path) {
            Some(r) => match by_rule.iter_mut().find(|(o, _)| o.line == r.line) {
                Some((_, files)) => files.push(path),
                None => by_rule.push((r, vec![path])),
            },
            None => unowned.push(path),
        }
    }
    by_rule.sort_by_key(|(r, _)| r.line);
    for (r, files) in by_rule {
        let line = r.line;
        let files = crate::record::quoted_list(&files);
        let text = if r.owners.is_empty() {
            format!(
                "{files}: {location} line {line} (`{}`) leaves them without an owner",
                r.pattern
            )
        } else {
            format!(
                "{files}: owned by {} ({location} line {line}: `{}`, the last line that matches)",
                r.owners.join(", "),
                r.pattern
            )
        };
        ev.records
            .push(Record::new(P, text, format!("{show} | sed -n '{line}p'")));
    }
    if !unowned.is_empty() {
        ev.records.push(Record::new(
            P,
            format!(
                "no line of {location} owns {}",
                crate::record::quoted_list(&unowned)
            ),
            show,
        ));
    }
    true
}

/// Parsed files by blob, so a triage run parses each version once:
/// MAINTAINERS and CODEOWNERS change rarely.
type ParsedBlobs<T> = std::sync::Mutex<std::collections::HashMap<git2::Oid, Arc<T>>>;

/// `parse` of the text of `blob`, from `cache` when it was parsed before.
fn parsed_blob<T>(
    cache: &ParsedBlobs<T>,
    ctx: &Context,
    blob: git2::Oid,
    parse: impl FnOnce(&str) -> T,
) -> Option<Arc<T>> {
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&blob).cloned()) {
        return Some(hit);
    }
    let b = ctx.git.repo().find_blob(blob).ok()?;
    let parsed = Arc::new(parse(&String::from_utf8_lossy(b.content())));
    if let Ok(mut c) = cache.lock() {
        if c.len() > 64 {
            c.clear();
        }
        c.insert(blob, parsed.clone());
    }
    Some(parsed)
}

fn parsed_codeowners(ctx: &Context, blob: git2::Oid) -> Option<Arc<Vec<codeowners::Rule>>> {
    static CACHE: LazyLock<ParsedBlobs<Vec<codeowners::Rule>>> = LazyLock::new(Default::default);
    parsed_blob(&CACHE, ctx, blob, codeowners::parse)
}

fn parsed_maintainers(ctx: &Context, blob: git2::Oid) -> Option<Arc<Vec<maintainers::Section>>> {
    static CACHE: LazyLock<ParsedBlobs<Vec<maintainers::Section>>> =
        LazyLock::new(Default::default);
    parsed_blob(&CACHE, ctx, blob, maintainers::parse)
}
