//! Links to pull requests name this project's only when they point at its
//! own repository: the one a remote names, or, in a clone with no GitHub
//! remote, the one the history's links clearly point to. A link to another
//! repository (a dependency's release notes, a fork) names nothing here.

use stablepick_testkit::{commit_on_day, git_on_day, init};
use std::path::Path;

/// Twelve squash-merged pull requests #11..#22, each linking its own
/// pull request `own_links` times in all and another repository's
/// `other_links` times; then a commit linking own #11 and the other's #12.
fn history(d: &Path, own: &str, own_links: usize, other_links: usize) -> stablepick_repo::Oid {
    init(d, "T", "t@example.com");
    for n in 11..=22usize {
        let mut body = String::new();
        if n - 11 < own_links {
            body.push_str(&format!("See https://github.com/{own}/pull/{n}\n"));
        }
        if n - 11 < other_links {
            body.push_str(&format!(
                "Bumps https://github.com/dep/lib/pull/{}\n",
                n + 100
            ));
        }
        std::fs::write(d.join("f.c"), format!("{n}\n")).unwrap();
        commit_on_day(d, n as i64, &format!("f: step {n} (#{n})\n\n{body}"));
    }
    std::fs::write(d.join("f.c"), "done\n").unwrap();
    commit_on_day(
        d,
        40,
        &format!(
            "f: fix step (#40)\n\nFollow-up to https://github.com/{own}/pull/11; \
             see also https://github.com/dep/lib/pull/12."
        ),
    )
}

fn named(d: &Path, fix: stablepick_repo::Oid) -> Vec<u32> {
    let (g, index) = stablepick_testkit::open_index(d, &[]);
    let c = g.commit_info(fix).unwrap();
    index
        .pull_requests_named_in(&c.message, c.commit_time, &[fix])
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

#[test]
fn the_repository_a_remote_names_is_this_one() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let fix = history(d, "o/r", 0, 0);
    assert_eq!(named(d, fix), Vec::<u32>::new(), "no repository known");
    git_on_day(
        d,
        41,
        &["remote", "add", "origin", "git@github.com:O/R.git"],
    );
    assert_eq!(named(d, fix), vec![11]);
}

#[test]
fn without_a_remote_the_repository_the_links_clearly_name_is_this_one() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // 12 own links against 5 to the dependency (and the fix's own two).
    let fix = history(d, "o/r", 12, 5);
    assert_eq!(named(d, fix), vec![11]);
}

#[test]
fn without_a_remote_and_no_clear_repository_no_link_counts() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // 12 own links against 10 to the dependency: not twice as many.
    let fix = history(d, "o/r", 12, 10);
    assert_eq!(named(d, fix), Vec::<u32>::new());
}
