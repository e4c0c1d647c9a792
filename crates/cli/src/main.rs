//! The `stablepick` command line.

mod analyze;
mod cmd_applies;
mod cmd_mail;
mod cmd_triage;
mod dependencies;
mod progress;
mod scoring;
mod triage_view;
mod window_cut;

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
    /// Decide every commit of a range for every stable branch.
    Triage(cmd_triage::TriageArgs),
    /// Check whether every commit of a range applies to every stable
    /// branch (the Phase 6 apply check alone).
    Applies(cmd_applies::AppliesArgs),
    /// Learn a backport model from stable branches' past decisions.
    Train(cmd_triage::TrainArgs),
    /// Time-split evaluation of train + triage against a real branch.
    Eval(cmd_triage::EvalArgs),
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
        Command::Triage(a) => cmd_triage::triage(a),
        Command::Applies(a) => cmd_applies::run(a),
        Command::Train(a) => cmd_triage::train(a),
        Command::Eval(a) => cmd_triage::eval(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stablepick: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
