//! Integration tests: every test drives the real `revmentor` binary on a temporary folder.
// A tool outside the library: it may print, touch files and convert freely.
#![allow(
    clippy::disallowed_methods,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::too_many_lines,
    clippy::needless_pass_by_value
)]

mod harness;

mod audit;
mod brief;
mod browser;
mod calendar;
mod checkins;
mod cohort_files;
mod enrol;
mod erasure;
mod evaluation;
mod everyday;
mod explain;
mod help;
mod ics_check;
mod integrity;
mod matching;
mod meetings;
mod notify;
mod org;
mod pilot;
mod programme;
mod prompts;
mod retention;
mod rules;
mod status;
mod trust;
mod vocabulary;
mod withdraw;
mod workbook;
