//! revmentor: run a reverse mentoring scheme from a folder of TOML and CSV files.
//!
//! The binary (`src/main.rs`) parses the command line with [`cli`] and calls [`commands::run`].
//! Domain modules are pure: they take values (and "today") and return values. Only [`store`]
//! touches cohort files; only [`out`] prints.

pub mod assign;
pub mod briefing;
pub mod cli;
pub mod cohort;
pub mod commands;
pub mod csvio;
pub mod dashboard;
pub mod enrolment;
pub mod evaluation;
pub mod explain;
pub mod fault;
pub mod ics;
pub mod import;
pub mod mail;
pub mod matching;
pub mod meetings;
pub mod model;
pub mod notify;
pub mod out;
pub mod problems;
pub mod programme;
pub mod render;
pub mod report;
pub mod retention;
pub mod schedule;
pub mod store;
pub mod survey;
pub mod text;
pub mod threads;
pub mod withdrawal;
pub mod workbook;

/// A mistake in how the command was called (exit status 2), as opposed to a failure (exit 1).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Shorthand for returning a [`UsageError`].
pub fn usage<T>(message: impl Into<String>) -> anyhow::Result<T> {
    Err(UsageError(message.into()).into())
}
