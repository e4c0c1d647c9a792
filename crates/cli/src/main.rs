//! The `stablepick` command line.

mod analyze;
mod cmd_mail;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "stablepick",
    version,
    about = "Decides which upstream commits belong in which stable branches, and proves why"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse one commit and print the backport report.
    Analyze(analyze::AnalyzeArgs),
    /// Build (or refresh) the repository index and print what it holds.
    Index(analyze::IndexArgs),
    /// Build a small kernel-like repository in a temporary directory and
    /// print the full report for its KASAN/kexec fix.
    Demo(analyze::DemoArgs),
    /// Mail archives: import, series, thread, search (Phase 4).
    Mail {
        #[command(subcommand)]
        cmd: cmd_mail::MailCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(a) => analyze::run(a),
        Command::Index(a) => analyze::index(a),
        Command::Demo(a) => analyze::demo(a),
        Command::Mail { cmd } => cmd_mail::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stablepick: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
