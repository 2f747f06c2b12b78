//! The command tree (clap derive). Each command's arguments live beside its code in `commands/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands::{
    archive, brief, check, completions, due, enrol, export, init, log, matching, notify, org,
    purge, reinstate, schedule, status, survey, values, withdraw,
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
    max_term_width = 100,
    after_help = EXAMPLES_MAIN
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

const EXAMPLES_MAIN: &str = "Examples (a cohort's life):\n  revmentor init pilot-2020 --start 2020-01-13 --end 2020-07-31\n  revmentor enrol pilot-2020 --from applications.csv --role mentor\n  revmentor brief pilot-2020 add --date 2019-12-02 --audience mentors\n  revmentor match pilot-2020 --confirm\n  revmentor schedule pilot-2020 --ics one-to-ones.ics\n  revmentor status pilot-2020\n  revmentor export pilot-2020 --format html --out summary.html\n\nEach command's --help has examples; `revmentor man` prints the manual.";
const EXAMPLES_INIT: &str = "Examples:\n  revmentor init pilot-2020 --start 2020-01-13 --end 2020-07-31 --title \"Reverse Mentoring pilot\"\n  revmentor init cohort-2 --start 2021-01-11 --end 2021-07-30 --cadence 6-8 --session-minutes 60";
const EXAMPLES_ENROL: &str = "Examples:\n  revmentor enrol pilot-2020 --from applications.csv --role mentor --dry-run\n  revmentor enrol pilot-2020 --from applications.csv --role mentor\n  revmentor enrol pilot-2020 --from leaders.csv --role mentee --map 'Directorate=department'\n  revmentor enrol pilot-2020 --role mentee --name \"Richard Hale\" --email r.hale@northgate.example \\\n      --department \"President's Office\" --trait gender=Man\n  revmentor enrol pilot-2020 --from corrected.csv --update       # re-import a corrected sheet";
const EXAMPLES_WITHDRAW: &str = "Examples:\n  revmentor withdraw pilot-2020 p017 --reason \"moved to another university\"\n  revmentor withdraw pilot-2020 r.hale@northgate.example --erase --yes   # in a script";
const EXAMPLES_REINSTATE: &str = "Examples:\n  revmentor reinstate pilot-2020 p017";
const EXAMPLES_BRIEF: &str = "Examples:\n  revmentor brief pilot-2020 add --date 2019-12-02 --audience mentors --hours 3.5\n  revmentor brief pilot-2020 attend b1 p001 p002 a.okafor@northgate.example\n  revmentor brief pilot-2020 add --kind evaluation --date 2020-07-15 --audience all\n  revmentor brief pilot-2020                                  # sessions, and who is unbriefed";
const EXAMPLES_MATCH: &str = "Examples:\n  revmentor match pilot-2020 --dry-run\n  revmentor match pilot-2020 --lock p015=p002 --avoid p016=p003\n  revmentor match pilot-2020 --confirm                       # asks; --yes in a script";
const EXAMPLES_SCHEDULE: &str = "Examples:\n  revmentor schedule pilot-2020\n  revmentor schedule pilot-2020 --ics one-to-ones.ics";
const EXAMPLES_LOG: &str = "Examples:\n  revmentor log pilot-2020 p015 --held 2020-01-20 --minutes 60 --topics power-and-hierarchies\n  revmentor log pilot-2020 r.hale@northgate.example --cancelled 2020-03-02 --reason \"diary clash\"";
const EXAMPLES_DUE: &str = "Examples:\n  revmentor due pilot-2020\n  revmentor due pilot-2020 --within 7 --format csv > chasers.csv";
const EXAMPLES_SURVEY: &str = "Examples:\n  revmentor survey pilot-2020 import baseline.csv --phase baseline\n  revmentor survey pilot-2020 import final.csv --phase final --map 'Any other comments?=quote'\n  revmentor survey pilot-2020 quotes --approve p006-final --reject p011-final";
const EXAMPLES_EXPORT: &str = "Examples:\n  revmentor export pilot-2020 > summary.md\n  revmentor export pilot-2020 --format html --out board/summary.html\n  revmentor export pilot-2020 --pairs --out introductions.csv\n  revmentor export pilot-2020 --person r.hale@northgate.example --format json";
const EXAMPLES_NOTIFY: &str = "Examples:\n  revmentor notify pilot-2020 chaser --dry-run          # who would get one, and why\n  revmentor notify pilot-2020 introduction --drafts drafts/\n  revmentor notify pilot-2020 reminder --send\n  revmentor notify pilot-2020 survey --phase final --who m03 --preview";
const EXAMPLES_STATUS: &str = "Examples:\n  revmentor status                   # every cohort\n  revmentor status pilot-2020        # one cohort: stage, counts, next steps";
const EXAMPLES_CHECK: &str = "Examples:\n  revmentor check pilot-2020\n  revmentor check pilot-2020 --fix-dates dmy --dry-run\n  revmentor check pilot-2020 --fix-dates dmy --yes";
const EXAMPLES_VALUES: &str = "Examples:\n  revmentor values pilot-2020\n  revmentor values pilot-2020 --rename 'gender:Female=Woman' --rename 'gender:Male=Man' --dry-run";
const EXAMPLES_ORG: &str = "Examples:\n  revmentor org pilot-2020 --from hr-export.xlsx\n  revmentor org pilot-2020 --from org-chart.csv --map 'Reports to=manager' --dry-run\n  revmentor org pilot-2020                        # what org.csv holds";
const EXAMPLES_COMPLETIONS: &str = "Examples:\n  revmentor completions bash > ~/.local/share/bash-completion/completions/revmentor\n  revmentor completions zsh > ~/.zfunc/_revmentor";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a cohort: its folder, a commented cohort.toml and empty CSV files
    #[command(after_help = EXAMPLES_INIT)]
    Init(init::Args),
    /// Enrol mentors and mentees: one from flags, a spreadsheet or form export, or by prompts
    #[command(after_help = EXAMPLES_ENROL)]
    Enrol(Box<enrol::Args>),
    /// Withdraw someone from the scheme (it is voluntary); --erase removes their personal data
    #[command(after_help = EXAMPLES_WITHDRAW)]
    Withdraw(withdraw::Args),
    /// Undo a withdrawal made in error: active again, the pair restored if the partner is free
    #[command(after_help = EXAMPLES_REINSTATE)]
    Reinstate(reinstate::Args),
    /// Add group sessions (briefings, the evaluation activity), record attendance, list who is unbriefed
    #[command(after_help = EXAMPLES_BRIEF)]
    Brief(brief::Args),
    /// Propose the optimal pairing (most mentees matched, then most difference), or confirm it
    #[command(after_help = EXAMPLES_MATCH)]
    Match(matching::Args),
    /// Plan every confirmed pair's one-to-ones at the cohort's cadence, or write them as a calendar
    #[command(after_help = EXAMPLES_SCHEDULE)]
    Schedule(schedule::Args),
    /// Record that a pair's next one-to-one was held or cancelled, or import participants' own reports (--from)
    #[command(after_help = EXAMPLES_LOG)]
    Log(log::Args),
    /// One-to-ones due soon, and pairs overdue
    #[command(after_help = EXAMPLES_DUE)]
    Due(due::Args),
    /// Import survey answers (baseline or final) from a form export
    #[command(after_help = EXAMPLES_SURVEY)]
    Survey(survey::Args),
    /// Write the evaluation summary for the board, the pairs for introductions (--pairs), or
    /// everything the cohort holds on one person (--person)
    #[command(after_help = EXAMPLES_EXPORT)]
    Export(export::Args),
    /// Messages of the cohort's life, drafted or sent: application, briefing, introduction, reminder, chaser, survey, thanks
    #[command(after_help = EXAMPLES_NOTIFY)]
    Notify(Box<notify::Args>),
    /// Show a cohort's dashboard and next steps, or list every cohort
    #[command(after_help = EXAMPLES_STATUS)]
    Status(status::Args),
    /// Each characteristic's answers with counts by role; rewrite a spelling (--rename)
    #[command(after_help = EXAMPLES_VALUES)]
    Values(values::Args),
    /// Import the organisation's reporting lines (people outside the scheme too) into org.csv
    #[command(after_help = EXAMPLES_ORG)]
    Org(org::Args),
    /// Report every problem of every file of a cohort in one run; repair dates a spreadsheet changed
    #[command(after_help = EXAMPLES_CHECK)]
    Check(check::Args),
    /// Erase the personal data of a closed cohort past its retention period, keeping its figures
    #[command(
        after_help = "Examples:\n  revmentor purge pilot-2020 --dry-run     # what would be erased and kept\n  revmentor purge pilot-2020 --yes         # in a script"
    )]
    Purge(purge::Args),
    /// Pack a cohort into one .tar.zst or .zip file, to hand it over to a successor coordinator
    #[command(
        after_help = "Examples:\n  revmentor archive pilot-2020 --out pilot-2020.tar.zst\n  revmentor archive pilot-2020 --out pilot-2020.zip   # opens in any file manager"
    )]
    Archive(archive::Args),
    /// Unpack a cohort from an archive under the root (never over an existing cohort), then check it
    #[command(
        after_help = "Examples:\n  revmentor restore pilot-2020.tar.zst\n  revmentor restore pilot-2020.tar.zst --as pilot-2020-copy"
    )]
    Restore(archive::RestoreArgs),
    /// Print shell completions
    #[command(after_help = EXAMPLES_COMPLETIONS)]
    Completions(completions::Args),
    /// Print the manual page (roff), or write one page per command into a folder
    Man(completions::ManArgs),
}
