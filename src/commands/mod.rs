//! One file per command: its arguments and a thin `run` that loads, calls the domain, saves, prints.
// This module may touch the file system, the environment and the clock (clippy.toml).
#![allow(clippy::disallowed_methods)]

pub mod archive;
pub mod brief;
pub mod check;
pub mod completions;
pub mod due;
pub mod enrol;
pub mod export;
pub mod init;
pub mod log;
pub mod matching;
pub mod notify;
pub mod org;
pub mod purge;
pub mod reinstate;
pub mod schedule;
pub mod status;
pub mod survey;
pub mod values;
pub mod withdraw;

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;

use crate::cli::{Cli, Command};
use crate::store::Store;

/// What every command needs besides its own arguments.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub store: Store,
    /// "Today": `REVMENTOR_TODAY` when set (tests, reproducible examples), else the local date.
    pub today: NaiveDate,
    /// `--yes`: answer confirmations without asking.
    pub yes: bool,
}

impl Ctx {
    /// Whether the command may prompt: only when standard input and error are a terminal.
    pub fn can_prompt(&self) -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }
}

/// The date `REVMENTOR_TODAY` pins, or the local date.
pub fn today() -> Result<NaiveDate> {
    match std::env::var("REVMENTOR_TODAY") {
        Ok(text) if !text.trim().is_empty() => {
            crate::model::parse_date(&text).map_err(|e| anyhow!("REVMENTOR_TODAY: {e}"))
        }
        _ => Ok(chrono::Local::now().date_naive()),
    }
}

/// Write to standard output; a closed pipe surfaces as an error main treats as success.
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to standard output")
}

/// One error listing every problem, saying nothing was written. Each item is a [`Problem`]
/// (placed) or a message.
///
/// [`Problem`]: crate::problems::Problem
pub fn problems_error<P: ProblemLike>(problems: &[P], source: &str) -> anyhow::Error {
    let items = problems.iter().map(ProblemLike::problem).collect();
    anyhow::Error::new(crate::problems::Problems::new(source, items))
}

/// What `problems_error` lists: problems, or plain messages.
pub trait ProblemLike {
    fn problem(&self) -> crate::problems::Problem;
}

impl ProblemLike for crate::problems::Problem {
    fn problem(&self) -> crate::problems::Problem {
        self.clone()
    }
}

impl ProblemLike for String {
    fn problem(&self) -> crate::problems::Problem {
        crate::problems::Problem::general(self.clone())
    }
}

/// An import file (a form or spreadsheet export): its name for messages, its bytes, and its sheet
/// when it is a workbook (.xlsx, .ods: `sheet`, else the first). `None` for the sheet means the
/// bytes are text, to be read as CSV; any other binary file is refused, named for what it is.
pub fn import_file(
    path: &std::path::Path,
    sheet: Option<&str>,
) -> Result<(String, Vec<u8>, Option<crate::csvio::Sheet>)> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| anyhow!("cannot read {file}: {e}"))?;
    let sheet = crate::workbook::read(&file, &bytes, sheet)
        .map_err(|p| crate::problems::Problems::new(file.clone(), p))?;
    Ok((file, bytes, sheet))
}

/// The width tables are fitted to: `COLUMNS` when set, else the terminal's when standard output is
/// one, else none.
fn table_width() -> Option<u16> {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
    {
        return Some(w);
    }
    if std::io::stdout().is_terminal() {
        terminal_size::terminal_size().map(|(w, _)| w.0)
    } else {
        None
    }
}

pub fn run(cli: Cli) -> Result<()> {
    crate::render::set_width(table_width());
    // "Today" is read only by commands that use it: completions work whatever REVMENTOR_TODAY says.
    let today = match &cli.command {
        Command::Completions(_) | Command::Man(_) => chrono::NaiveDate::MIN,
        _ => today()?,
    };
    let ctx = Ctx {
        store: Store::new(cli.root),
        today,
        yes: cli.yes,
    };
    match cli.command {
        Command::Init(args) => init::run(&ctx, &args),
        Command::Enrol(args) => enrol::run(&ctx, &args),
        Command::Withdraw(args) => withdraw::run(&ctx, &args),
        Command::Reinstate(args) => reinstate::run(&ctx, &args),
        Command::Brief(args) => brief::run(&ctx, &args),
        Command::Match(args) => matching::run(&ctx, &args),
        Command::Schedule(args) => schedule::run(&ctx, &args),
        Command::Log(args) => log::run(&ctx, &args),
        Command::Due(args) => due::run(&ctx, &args),
        Command::Survey(args) => survey::run(&ctx, &args),
        Command::Export(args) => export::run(&ctx, &args),
        Command::Notify(args) => notify::run(&ctx, &args),
        Command::Status(args) => status::run(&ctx, &args),
        Command::Values(args) => values::run(&ctx, &args),
        Command::Org(args) => org::run(&ctx, &args),
        Command::Check(args) => check::run(&ctx, &args),
        Command::Purge(args) => purge::run(&ctx, &args),
        Command::Archive(args) => archive::run(&ctx, &args),
        Command::Restore(args) => archive::restore(&ctx, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => completions::man(&ctx, &args),
    }
}
