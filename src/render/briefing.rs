//! `brief`'s listing: the sessions with how many attended, and who is not yet briefed.

use std::fmt::Write as _;

use serde_json::json;

use super::{Format, Listing};
use crate::cohort::Cohort;
use crate::model::{Status, format_number};

/// The sessions with how many attended, and everyone active not yet briefed.
pub fn sessions(cohort: &Cohort, format: Format) -> String {
    let name = &cohort.name;
    let mut sessions = Listing::new(&[
        "id", "date", "kind", "audience", "hours", "title", "attended",
    ])
    .droppable(&["hours", "kind"]);
    let counts = crate::briefing::attendance_counts(cohort);
    for b in cohort.briefings.iter() {
        let attended = counts.get(b.id.as_str()).copied().unwrap_or(0);
        sessions.push(vec![
            json!(b.id),
            json!(b.date.to_string()),
            json!(b.kind.as_str()),
            json!(b.audience.as_str()),
            json!(format_number(b.hours)),
            json!(b.title),
            json!(attended),
        ]);
    }
    let briefed = crate::dashboard::briefed(cohort);
    let mut unbriefed = Listing::new(&["id", "role", "name", "email"]);
    for p in cohort.participants.iter() {
        if p.status == Status::Active && !briefed.contains(p.id.as_str()) {
            unbriefed.push(vec![
                json!(p.id),
                json!(p.role.as_str()),
                json!(p.name),
                json!(p.email),
            ]);
        }
    }
    match format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(
                &json!({"sessions": sessions.json(), "not_briefed": unbriefed.json()})
            )
            .unwrap_or_default()
        ),
        Format::Csv => sessions.csv(),
        Format::Table => {
            let mut out = String::new();
            if sessions.rows.is_empty() {
                let _ = writeln!(
                    out,
                    "no sessions yet: revmentor brief {name} add --date YYYY-MM-DD --audience mentors"
                );
            } else {
                out.push_str(&sessions.table());
            }
            if unbriefed.rows.is_empty() {
                out.push_str("everyone active has been briefed\n");
            } else {
                let _ = write!(out, "\nnot yet briefed ({}):\n", unbriefed.rows.len());
                out.push_str(&unbriefed.table());
            }
            out
        }
    }
}
