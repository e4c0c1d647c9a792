//! The `mail thread` tree view.

use crate::series::Mailbox;

/// `YYYY-MM-DD HH:MM` (UTC) of a Unix time.
pub fn format_time(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Inverse of days_from_civil (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
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
