//! `revmentor init`: create a cohort folder with a commented `cohort.toml` and empty CSV files.

use std::fmt::Write as _;

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
    /// Weeks between one-to-ones, as MIN-MAX [default: 6-8]
    #[arg(long, value_parser = parse_cadence)]
    pub cadence: Option<(u32, u32)>,
    /// Longest a one-to-one may last, in minutes [default: 60]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=600))]
    pub session_minutes: Option<u32>,
    /// Start from an earlier cohort's settings and templates (never its people)
    #[arg(long, value_name = "COHORT")]
    pub like: Option<String>,
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
    if let Some(other) = &args.like {
        return like(ctx, args, other);
    }
    let (min_weeks, max_weeks) = args.cadence.unwrap_or((6, 8));
    let text = config::template(&InitSettings {
        title: args.title.as_deref().unwrap_or("Reverse mentoring"),
        start: args.start,
        end: args.end,
        min_weeks,
        max_weeks,
        session_minutes: args.session_minutes.unwrap_or(60),
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

/// `init --like OTHER`: the other cohort's settings with new dates, and its templates.
fn like(ctx: &Ctx, args: &Args, other: &str) -> Result<()> {
    let text = ctx.store.config_text(other)?;
    let settings = config::LikeSettings {
        start: args.start,
        end: args.end,
        title: args.title.as_deref(),
        cadence: args.cadence,
        session_minutes: args.session_minutes,
    };
    let (text, copied) = config::like(&text, &settings).map_err(|items| {
        anyhow::anyhow!(crate::problems::Problems::new(
            format!("{other}'s cohort.toml"),
            items
        ))
    })?;
    let templates = ctx.store.create_like(&args.cohort, &text, Some(other))?;
    let dir = ctx.store.cohort_dir(&args.cohort)?;
    let mut out = format!(
        "created cohort {} in {} from {other}'s settings; copied:\n",
        args.cohort,
        dir.display()
    );
    for line in copied {
        let _ = writeln!(out, "  - {line}");
    }
    let _ = writeln!(
        out,
        "  - {}",
        crate::problems::count(templates, "message template", "message templates")
    );
    let _ = writeln!(
        out,
        "no people were copied; bring back those who return with `revmentor enrol {} --from-cohort {other}`",
        args.cohort
    );
    crate::out::emit(&out)
}
