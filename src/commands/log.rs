//! `revmentor log`: record that a pair's next one-to-one was held or cancelled, then re-plan the pair;
//! or import participants' own reports of their meetings (`--from`), all rows or none.
//! There is no field for what was said: the scheme is confidential.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use serde_json::json;

use super::Ctx;
use super::init::parse_date_arg;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::meetings::{self, Happened, checkins};
use crate::render::Format;
use crate::render::plan::{change_listing, document};

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["held", "cancelled", "from"]))]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// The mentee (or their mentor), by id or email
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    pub who: Option<String>,
    /// The meeting was held on this date (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg)]
    pub held: Option<NaiveDate>,
    /// How long it lasted: minutes (60), or hours and minutes (1h, 1h30, 1:30); longer than the
    /// cohort's session_minutes is recorded with a warning
    #[arg(long, requires = "held", value_parser = parse_minutes)]
    pub minutes: Option<u32>,
    /// Topic tags raised, comma-separated, from the cohort's list
    #[arg(long, requires = "held", value_delimiter = ',')]
    pub topics: Vec<String>,
    /// The meeting was cancelled on this date (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg)]
    pub cancelled: Option<NaiveDate>,
    /// Why it was cancelled
    #[arg(long, requires = "cancelled")]
    pub reason: Option<String>,
    /// Import participants' reports of their meetings from a form export (CSV, .xlsx or .ods), all
    /// rows or none
    #[arg(long, value_name = "FILE", conflicts_with_all = ["held", "cancelled"])]
    pub from: Option<PathBuf>,
    /// With --from: the sheet of a workbook to import (default: the first)
    #[arg(long, value_name = "NAME", requires = "from")]
    pub sheet: Option<String>,
    /// With --from: place a column, 'Header=field' (email, partner, date, status, minutes, topics, reason, ignore)
    #[arg(long = "map", value_name = "'Header=field'", requires = "from")]
    pub maps: Vec<String>,
    /// With --from: skip a column of the export
    #[arg(long = "ignore-column", value_name = "HEADER", requires = "from")]
    pub ignore: Vec<String>,
    /// With --from: show what would be recorded, and write nothing
    #[arg(long, requires = "from")]
    pub dry_run: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if let Some(path) = &args.from {
        return import(ctx, args, path);
    }
    let (mut cohort, change) = ctx.store.open_for_change(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    let happened = match (args.held, args.cancelled) {
        (Some(date), _) => Happened::Held {
            date,
            minutes: args.minutes,
            topics: meetings::check_topics(&cohort, &args.topics).map_err(|e| anyhow!(e))?,
        },
        (None, Some(date)) => {
            let reason = args.reason.clone().unwrap_or_default().trim().to_string();
            crate::text::check(&reason, crate::text::Kind::Note)
                .map_err(|e| crate::UsageError(format!("--reason {e}")))?;
            Happened::Cancelled { date, reason }
        }
        (None, None) => return crate::usage("pass --held DATE or --cancelled DATE"),
    };
    let who = args.who.as_deref().unwrap_or_default();
    let status = happened.status();
    let logged = meetings::log(&mut cohort, who, happened, ctx.today).map_err(|problems| {
        match <[String; 1]>::try_from(problems) {
            Ok([one]) => anyhow!(one),
            Err(all) => super::problems_error(&all, "the record"),
        }
    })?;
    change.commit(&cohort)?;
    for w in &logged.warnings {
        crate::out::warn(w);
    }
    let changes = change_listing(&cohort, &logged.changes);
    let text = match args.format {
        Format::Json => document(&[
            ("command", json!("log")),
            ("cohort", json!(cohort.name)),
            ("today", json!(ctx.today.to_string())),
            (
                "recorded",
                json!({
                    "mentee": logged.mentee,
                    "mentor": logged.mentor,
                    "number": logged.number,
                    "uid": logged.uid,
                    "status": status.as_str(),
                }),
            ),
            ("next_planned", json!(logged.next.map(|d| d.to_string()))),
            ("changes", changes.json()),
        ]),
        Format::Csv => changes.csv(),
        Format::Table => {
            let mut out = format!(
                "meeting {} of {}-{} recorded as {}; {}\n",
                logged.number,
                logged.mentee,
                logged.mentor,
                status.as_str(),
                match logged.next {
                    Some(d) => format!("next one-to-one planned for {d}"),
                    None => "nothing more is planned before the cohort ends".to_string(),
                }
            );
            for c in &logged.changes {
                let _ = writeln!(out, "  {}", crate::render::plan::change_sentence(c));
            }
            out
        }
    };
    crate::out::emit(&text)
}

fn import(ctx: &Ctx, args: &Args, path: &std::path::Path) -> Result<()> {
    let maps = args
        .maps
        .iter()
        .map(|m| crate::import::parse_map(m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::UsageError)?;
    let (mut cohort, change) = ctx.store.open_for_change(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    let (file, bytes, sheet) = super::import_file(path, args.sheet.as_deref())?;
    let sheet = match sheet {
        Some(sheet) => sheet,
        None => crate::csvio::parse(&file, &bytes)?,
    };
    let imported = checkins::import(&mut cohort, &file, &sheet, &maps, &args.ignore, ctx.today)
        .map_err(|p| super::problems_error(&p, &file))?;
    if !args.dry_run {
        change.commit(&cohort)?;
    }
    for w in &imported.warnings {
        crate::out::warn(w);
    }
    let reports = checkins::listing(&cohort, &imported);
    let changes = change_listing(&cohort, &imported.changes);
    let text = match args.format {
        Format::Json => document(&[
            ("command", json!("log")),
            ("cohort", json!(cohort.name)),
            ("today", json!(ctx.today.to_string())),
            ("file", json!(file)),
            ("dry_run", json!(args.dry_run)),
            ("reports", reports.json()),
            ("changes", changes.json()),
        ]),
        Format::Csv => reports.csv(),
        Format::Table => {
            let mut out = checkins::summary(&imported, &file, args.dry_run);
            out.push_str(&reports.table());
            out
        }
    };
    crate::out::emit(&text)
}

/// A meeting's length as a coordinator types it (see [`crate::model::parse_minutes`]), 1 to 480.
pub fn parse_minutes(text: &str) -> Result<u32, String> {
    crate::model::parse_minutes(text)
        .filter(|m| (1..=crate::model::MAX_MINUTES).contains(m))
        .ok_or_else(|| {
            format!(
                "\"{text}\" is not a length: write minutes (like 60), or hours and minutes (1h, 1h30, 1:30), from 1 to {}",
                crate::model::MAX_MINUTES
            )
        })
}

#[cfg(test)]
mod tests {
    use super::parse_minutes;

    #[test]
    fn lengths_as_people_type_them() {
        for (text, minutes) in [
            ("60", 60),
            ("45m", 45),
            ("1h", 60),
            ("1h30", 90),
            ("1:30", 90),
            (" 2H ", 120),
            ("90min", 90),
        ] {
            assert_eq!(parse_minutes(text), Ok(minutes), "{text}");
        }
        for text in ["", "0", "1h75", "an hour", "9h", "-5", "1.5"] {
            assert!(parse_minutes(text).is_err(), "{text}");
        }
    }
}
