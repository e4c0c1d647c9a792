//! Progress bars on a terminal; nothing at all when stderr is piped.

use indicatif::{ProgressBar, ProgressStyle};
use stablepick_repo::index::Progress;
use std::io::IsTerminal;
use std::sync::Arc;

/// A bar for long stages, or `None` when stderr is not a terminal.
pub fn bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let style = ProgressStyle::with_template("{msg:32} [{bar:40}] {pos}/{len} ({elapsed})")
        .expect("valid template")
        .progress_chars("=> ");
    Some(ProgressBar::new(0).with_style(style))
}

/// The index-build callback that drives `bar`.
pub fn index_progress(bar: &ProgressBar) -> Progress {
    let bar = bar.clone();
    Progress(Arc::new(move |stage: &str, done: usize, total: usize| {
        if bar.message() != stage {
            bar.set_message(stage.to_string());
        }
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }))
}
