//! `revmentor schedule`: plan every confirmed pair's one-to-ones, or write the plan as a calendar.

use std::fmt::Write as _;

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use serde_json::json;

use super::Ctx;
use super::init::parse_date_arg;
use crate::cohort::Cohort;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::meetings;
use crate::model::MeetingStatus;
use crate::render::{Format, Listing};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// Plan from this date instead of each pair's confirmation (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg, conflicts_with = "ics")]
    pub from: Option<NaiveDate>,
    /// Write the plan as an iCalendar file instead of re-planning
    #[arg(long, value_name = "FILE.ics")]
    pub ics: Option<PathBuf>,
    /// With --ics: only this pair (the mentee, or the mentor, by id or email)
    #[arg(long, value_name = "WHO", requires = "ics")]
    pub pair: Option<String>,
    /// Output format of the plan
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if let Some(path) = &args.ics {
        return write_ics(ctx, args, path);
    }
    let (mut cohort, change) = ctx.store.open_for_change(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    let pairs = meetings::confirmed_pairs(&cohort, args.from);
    if pairs.is_empty() {
        return Err(anyhow!(
            "cohort {} has no confirmed pairs to plan: propose and confirm them with `revmentor match {}` first",
            cohort.name,
            cohort.name
        ));
    }
    let done = meetings::replan(&mut cohort, &pairs, ctx.today).map_err(|e| anyhow!(e))?;
    change.commit(&cohort)?;
    let mut out = render(&cohort, args.format);
    if args.format == Format::Table {
        let _ = writeln!(
            out,
            "{} pair{}, {} meetings planned{} · one-to-ones every {}-{} weeks until {}",
            done.pairs,
            if done.pairs == 1 { "" } else { "s" },
            done.planned,
            if done.late > 0 {
                format!(
                    " ({} of them late: their window has passed or is closed)",
                    done.late
                )
            } else {
                String::new()
            },
            cohort.config.cadence.min_weeks,
            cohort.config.cadence.max_weeks,
            cohort.config.cohort.end
        );
    }
    crate::out::emit(&out)
}

fn render(cohort: &Cohort, format: Format) -> String {
    let people = cohort.people();
    let label = |id: &str| people.get(id).map(|p| p.label()).unwrap_or_default();
    let row = |m: &crate::model::Meeting| {
        vec![
            json!(m.number),
            json!(m.due_from.to_string()),
            json!(m.due_by.to_string()),
            json!(m.planned.map(|d| d.to_string())),
            json!(m.status.as_str()),
            json!(m.date.map(|d| d.to_string())),
        ]
    };
    if format != Format::Table {
        let mut all = Listing::new(&[
            "mentee", "mentor", "number", "due_from", "due_by", "planned", "status", "date",
        ]);
        for m in cohort.meetings.iter() {
            let mut cells = vec![json!(m.mentee), json!(m.mentor)];
            cells.extend(row(m));
            all.push(cells);
        }
        return all.render(format);
    }
    let mut by_pair: rustc_hash::FxHashMap<(&str, &str), Vec<&crate::model::Meeting>> =
        Default::default();
    for m in cohort.meetings.iter() {
        by_pair
            .entry((m.mentee.as_str(), m.mentor.as_str()))
            .or_default()
            .push(m);
    }
    let mut out = String::new();
    for pair in meetings::confirmed_pairs(cohort, None) {
        let _ = writeln!(
            out,
            "{} {} with {} {}",
            pair.mentee,
            label(&pair.mentee),
            pair.mentor,
            label(&pair.mentor)
        );
        let mut l = Listing::new(&["no.", "due from", "due by", "planned", "status", "date"]);
        for m in by_pair
            .get(&(pair.mentee.as_str(), pair.mentor.as_str()))
            .into_iter()
            .flatten()
        {
            l.push(row(m));
        }
        out.push_str(&l.table());
    }
    out
}

fn write_ics(ctx: &Ctx, args: &Args, path: &std::path::Path) -> Result<()> {
    let cohort = ctx.store.open(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    let only = match &args.pair {
        Some(who) => {
            let p = cohort.resolve(who).map_err(|e| anyhow!(e))?;
            let id = p.id.clone();
            let pairs: Vec<_> = meetings::confirmed_pairs(&cohort, None)
                .into_iter()
                .filter(|k| k.mentee == id || k.mentor == id)
                .collect();
            if pairs.is_empty() {
                return Err(anyhow!("{} has no confirmed pair", p.who()));
            }
            Some(pairs)
        }
        None => None,
    };
    let planned = cohort
        .meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Planned)
        .filter(|m| {
            only.as_ref().is_none_or(|ps| {
                ps.iter()
                    .any(|k| k.mentee == m.mentee && k.mentor == m.mentor)
            })
        })
        .count();
    if planned == 0 {
        return Err(anyhow!(
            "nothing planned to put in a calendar: run `revmentor schedule {}` first",
            cohort.name
        ));
    }
    let text = crate::ics::calendar(&cohort, ctx.today, |m| {
        only.as_ref().is_none_or(|ps| {
            ps.iter()
                .any(|k| k.mentee == m.mentee && k.mentor == m.mentor)
        })
    });
    ctx.store
        .write_output(&cohort, "calendar", ctx.today, path, text.as_bytes())?;
    crate::out::emit(&format!(
        "wrote {planned} planned meetings to {}\n",
        path.display()
    ))
}
