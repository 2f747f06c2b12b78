//! Integration tests: every test drives the real `revmentor` binary on a temporary folder.

mod harness;

mod brief;
mod cohort_files;
mod enrol;
mod evaluation;
mod help;
mod matching;
mod meetings;
mod pilot;
mod prompts;
mod rules;
mod status;
mod trust;
mod withdraw;
