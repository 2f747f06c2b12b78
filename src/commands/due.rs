//! `revmentor due`: one-to-ones due soon, and pairs overdue (past the cadence's upper bound).

use std::fmt::Write as _;

use anyhow::Result;
use serde_json::json;

use super::Ctx;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::meetings;
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

#[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let cohort = ctx.store.open(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    let report = meetings::due(&cohort, ctx.today, args.within);
    let people = cohort.people();
    let name = |id: &str| people.get(id).map(|p| p.label()).unwrap_or_default();
    let email = |id: &str| people.get(id).map(|p| p.email.clone()).unwrap_or_default();
    let mut due = Listing::new(&[
        "planned",
        "state",
        "mentee",
        "mentee name",
        "mentor",
        "mentor name",
        "no.",
        "due by",
        "mentee email",
        "mentor email",
    ]);
    for d in &report.due {
        due.push(vec![
            json!(d.planned.to_string()),
            json!(d.state),
            json!(d.mentee),
            json!(name(&d.mentee)),
            json!(d.mentor),
            json!(name(&d.mentor)),
            json!(d.number),
            json!(d.due_by.to_string()),
            json!(email(&d.mentee)),
            json!(email(&d.mentor)),
        ]);
    }
    let mut overdue = Listing::new(&[
        "mentee",
        "mentee name",
        "mentor",
        "mentor name",
        "last met",
        "weeks since",
        "days overdue",
    ]);
    for o in &report.overdue {
        overdue.push(vec![
            json!(o.mentee),
            json!(name(&o.mentee)),
            json!(o.mentor),
            json!(name(&o.mentor)),
            json!(
                o.last_met
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "never".into())
            ),
            json!(o.weeks_since),
            json!(o.days_overdue),
        ]);
    }
    let text = match args.format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&json!({
                "today": report.today.to_string(),
                "overdue_as_of": report.as_of.to_string(),
                "within_days": report.within_days,
                "due": due.json(),
                "overdue": overdue.json(),
            }))?
        ),
        Format::Csv => due.csv(),
        Format::Table => {
            let mut out = String::new();
            if report.as_of < report.today {
                let _ = writeln!(
                    out,
                    "cohort {} ended on {}: overdue pairs are counted as of that day",
                    cohort.name, report.as_of
                );
            }
            if due.rows.is_empty() {
                let _ = writeln!(out, "no one-to-ones due in the next {} days", args.within);
            } else {
                let _ = writeln!(
                    out,
                    "due in the next {} days (and planned dates passed without a record):",
                    args.within
                );
                out.push_str(&due.table());
            }
            if overdue.rows.is_empty() {
                out.push_str("no pair is overdue\n");
            } else {
                let _ = write!(
                    out,
                    "\noverdue: more than {} weeks since the pair last met (or was confirmed):\n",
                    cohort.config.cadence.max_weeks
                );
                out.push_str(&overdue.table());
            }
            out
        }
    };
    crate::out::emit(&text)
}
