//! The command tree (clap derive). Each command's arguments live beside its code in `commands/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands::{
    brief, check, completions, due, enrol, export, init, log, matching, notify, reinstate,
    schedule, status, survey, withdraw,
};

/// Run a reverse mentoring scheme: enrol mentors and senior leaders, brief them, match each leader
/// with a mentor who is different from them, keep the one-to-ones going, and report to the board.
///
/// Every cohort is a folder of TOML and CSV files under the root folder, yours to open in a
/// spreadsheet and keep in git.
#[derive(Debug, Parser)]
#[command(
    name = "revmentor",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Folder holding the cohorts
    #[arg(
        long,
        global = true,
        env = "REVMENTOR_ROOT",
        hide_env_values = true,
        default_value = "cohorts",
        value_name = "DIR"
    )]
    pub root: PathBuf,

    /// Answer yes to every confirmation (for scripts)
    #[arg(long, global = true)]
    pub yes: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a cohort: its folder, a commented cohort.toml and empty CSV files
    Init(init::Args),
    /// Enrol mentors and mentees: one from flags, a spreadsheet or form export, or by prompts
    Enrol(Box<enrol::Args>),
    /// Withdraw someone from the scheme (it is voluntary); --erase removes their personal data
    Withdraw(withdraw::Args),
    /// Undo a withdrawal made in error: active again, the pair restored if the partner is free
    Reinstate(reinstate::Args),
    /// Add group sessions (briefings, the evaluation activity), record attendance, list who is unbriefed
    Brief(brief::Args),
    /// Propose the optimal pairing (most mentees matched, then most difference), or confirm it
    Match(matching::Args),
    /// Plan every confirmed pair's one-to-ones at the cohort's cadence, or write them as a calendar
    Schedule(schedule::Args),
    /// Record that a pair's next one-to-one was held or cancelled
    Log(log::Args),
    /// One-to-ones due soon, and pairs overdue
    Due(due::Args),
    /// Import survey answers (baseline or final) from a form export
    Survey(survey::Args),
    /// Write the evaluation summary for the board, or the pairs for introductions (--pairs)
    Export(export::Args),
    /// Messages of the cohort's life, drafted or sent: application, briefing, introduction, reminder, chaser, survey, thanks
    Notify(Box<notify::Args>),
    /// Show a cohort's dashboard and next steps, or list every cohort
    Status(status::Args),
    /// Report every problem of every file of a cohort in one run; repair dates a spreadsheet changed
    Check(check::Args),
    /// Print shell completions
    Completions(completions::Args),
    /// Print the manual page (roff)
    Man,
}
