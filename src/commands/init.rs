//! `revmentor init`: create a cohort folder with a commented `cohort.toml` and empty CSV files.

use anyhow::Result;
use chrono::NaiveDate;

use super::Ctx;
use crate::cohort::config::{self, InitSettings};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort name: lower-case letters, digits and '-' (like pilot-2020)
    pub cohort: String,
    /// First day of the cohort (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg)]
    pub start: NaiveDate,
    /// Last day of the cohort (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg)]
    pub end: NaiveDate,
    /// Title shown on reports and calendar events
    #[arg(long)]
    pub title: Option<String>,
    /// Weeks between one-to-ones, as MIN-MAX
    #[arg(long, default_value = "6-8", value_parser = parse_cadence)]
    pub cadence: (u32, u32),
    /// Longest a one-to-one may last, in minutes
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=600))]
    pub session_minutes: u32,
}

/// A date argument: ISO `YYYY-MM-DD` only, with the reason for anything else.
pub fn parse_date_arg(text: &str) -> Result<NaiveDate, String> {
    crate::model::parse_date(text)
}

/// `MIN-MAX` weeks with 1 <= MIN <= MAX.
pub fn parse_cadence(text: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!("\"{text}\" is not a cadence: write MIN-MAX weeks with 1 <= MIN <= MAX, like 6-8")
    };
    let (min, max) = text.trim().split_once('-').ok_or_else(bad)?;
    let min: u32 = min.trim().parse().map_err(|_| bad())?;
    let max: u32 = max.trim().parse().map_err(|_| bad())?;
    config::check_cadence(min, max).map_err(|e| format!("{}: {e}", bad()))?;
    Ok((min, max))
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if args.end <= args.start {
        return crate::usage(format!(
            "--end {} is not after --start {}: a cohort ends after it starts",
            args.end, args.start
        ));
    }
    crate::store::check_cohort_name(&args.cohort)?;
    let text = config::template(&InitSettings {
        title: args.title.as_deref().unwrap_or("Reverse mentoring"),
        start: args.start,
        end: args.end,
        min_weeks: args.cadence.0,
        max_weeks: args.cadence.1,
        session_minutes: args.session_minutes,
    });
    ctx.store.create(&args.cohort, &text)?;
    let dir = ctx.store.cohort_dir(&args.cohort)?;
    crate::out::emit(&format!(
        "created cohort {} in {}\nnext: edit {}/cohort.toml if needed, then enrol people with `revmentor enrol {} --from FILE.csv`\n",
        args.cohort,
        dir.display(),
        dir.display(),
        args.cohort
    ))
}
