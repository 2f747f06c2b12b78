//! `revmentor due`: one-to-ones due soon, planned days that passed without a record, and pairs
//! overdue (past the cadence's upper bound): one listing, the same rows in every format, with both
//! people's emails so a coordinator can send reminders and chasers from it.

use std::fmt::Write as _;

use anyhow::Result;
use chrono::NaiveDate;
use serde_json::json;

use super::Ctx;
use crate::cohort::Cohort;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::meetings::{self, DueReport};
use crate::render::plan::document;
use crate::render::{Format, Listing};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// Show meetings planned within this many days
    #[arg(long, default_value_t = 14)]
    pub within: u32,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let cohort = ctx.store.open(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    let report = meetings::due(&cohort, ctx.today, args.within);
    let rows = listing(&cohort, &report);
    let text = match args.format {
        Format::Json => document(&[
            ("command", json!("due")),
            ("cohort", json!(cohort.name)),
            ("today", json!(report.today.to_string())),
            ("overdue_as_of", json!(report.as_of.to_string())),
            ("within_days", json!(report.within_days)),
            ("rows", rows.json()),
        ]),
        Format::Csv => rows.csv(),
        Format::Table => table(&cohort, &report, &rows),
    };
    crate::out::emit(&text)
}

/// Every row of the report: meetings due or not recorded, then overdue pairs.
fn listing(cohort: &Cohort, report: &DueReport) -> Listing {
    let people = cohort.people();
    let name = |id: &str| {
        json!(
            people
                .get(id)
                .map(|p| p.label().into_owned())
                .unwrap_or_default()
        )
    };
    let email = |id: &str| json!(people.get(id).map(|p| p.email.clone()).unwrap_or_default());
    let date = |d: Option<NaiveDate>| json!(d.map(|d| d.to_string()));
    let mut l = Listing::new(&[
        "state",
        "planned",
        "number",
        "due_by",
        "days_late",
        "mentee",
        "mentee_name",
        "mentee_email",
        "mentor",
        "mentor_name",
        "mentor_email",
        "last_met",
        "days_overdue",
    ]);
    let last_held = meetings::last_held(cohort);
    for d in &report.due {
        l.push(vec![
            json!(d.state),
            json!(d.planned.to_string()),
            json!(d.number),
            json!(d.due_by.to_string()),
            json!(d.days_late),
            json!(d.mentee),
            name(&d.mentee),
            email(&d.mentee),
            json!(d.mentor),
            name(&d.mentor),
            email(&d.mentor),
            date(
                last_held
                    .get(&(d.mentee.as_str(), d.mentor.as_str()))
                    .copied(),
            ),
            json!(null),
        ]);
    }
    for o in &report.overdue {
        l.push(vec![
            json!("overdue"),
            date(o.next_planned),
            json!(null),
            json!(o.due_by.to_string()),
            json!(null),
            json!(o.mentee),
            name(&o.mentee),
            email(&o.mentee),
            json!(o.mentor),
            name(&o.mentor),
            email(&o.mentor),
            date(o.last_met),
            json!(o.days_overdue),
        ]);
    }
    l
}

fn table(cohort: &Cohort, report: &DueReport, rows: &Listing) -> String {
    let mut out = String::new();
    if report.as_of < report.today {
        let _ = writeln!(
            out,
            "cohort {} ended on {}: overdue pairs are counted as of that day",
            cohort.name, report.as_of
        );
    }
    let _ = writeln!(
        out,
        "{} due in the next {} days, {} planned day{} passed without a record, {} overdue (more than {} weeks since the pair last met, or started)",
        report.due.iter().filter(|d| d.state == "due").count(),
        report.within_days,
        report.due.iter().filter(|d| d.state != "due").count(),
        if report.due.iter().filter(|d| d.state != "due").count() == 1 {
            ""
        } else {
            "s"
        },
        crate::problems::count(report.overdue.len(), "pair", "pairs"),
        cohort.config.cadence.max_weeks,
    );
    if !rows.rows.is_empty() {
        out.push_str(&rows.table());
    }
    out
}
