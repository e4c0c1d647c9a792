//! The `mail thread` tree view.

use crate::series::Mailbox;

/// `YYYY-MM-DD HH:MM` (UTC) of a Unix time.
pub fn format_time(t: i64) -> String {
    let ((y, m, d), (hh, mm, _)) = stablepick_civil::civil_from_unix(t);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}")
}

/// Renders the thread containing message `focus` as an indented tree,
/// marking the focused message with `*`.
pub fn render_thread(mb: &Mailbox, focus: usize) -> String {
    let members = mb.thread_members(focus);
    let mut out = String::new();
    let roots: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| mb.parent[i].is_none_or(|p| !members.contains(&p)))
        .collect();
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|r| (r, 0)).collect();
    let mut seen = vec![false; mb.messages.len()];
    while let Some((i, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let m = &mb.messages[i];
        let date = m
            .date
            .map(format_time)
            .unwrap_or_else(|| "(no date)".into());
        out.push_str(&format!(
            "{}{} {} — {} — {} <{}>\n",
            "  ".repeat(depth),
            if i == focus { "*" } else { "-" },
            m.subject,
            m.author(),
            date,
            m.message_id
        ));
        let mut kids = mb.children(i);
        kids.sort_by_key(|&k| (mb.messages[k].date.unwrap_or(0), k));
        for k in kids.into_iter().rev() {
            stack.push((k, depth + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_time() {
        assert_eq!(super::format_time(1_700_529_837), "2023-11-21 01:23");
        assert_eq!(super::format_time(0), "1970-01-01 00:00");
    }
}
