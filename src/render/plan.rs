//! A plan's changes (what `schedule` and `log` moved, added or dropped) as a sentence each, a
//! table, a listing, and the versioned JSON document of `schedule`, `log` and `due`.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{Format, Listing};
use crate::cohort::Cohort;
use crate::meetings::{self, Change};
use crate::problems::{count, plural};

/// Version of the JSON documents `schedule`, `log` and `due` print (README, "JSON output").
pub const SCHEMA_VERSION: u32 = 1;

/// One line saying what `schedule` changed.
pub fn summary(cohort: &Cohort, planned: &meetings::Planned, dry_run: bool) -> String {
    let mut out = String::new();
    let would = if dry_run { "would be " } else { "" };
    if planned.changes.is_empty() {
        let _ = writeln!(
            out,
            "nothing {}changed: the plan of {} still follows from {} history · one-to-ones every {}-{} weeks until {}",
            if dry_run { "would be " } else { "" },
            count(planned.pairs, "pair", "pairs"),
            if planned.pairs == 1 { "its" } else { "their" },
            cohort.config.cadence.min_weeks,
            cohort.config.cadence.max_weeks,
            cohort.config.cohort.end
        );
        return out;
    }
    let n = |kind| planned.changes.iter().filter(|c| c.kind == kind).count();
    let late = planned
        .changes
        .iter()
        .filter(|c| c.days_late.is_some() && c.planned.is_some())
        .count();
    let _ = writeln!(
        out,
        "{} of {} {}changed: {} added, {} moved, {} retimed, {} dropped{} · {} unchanged",
        count(planned.pairs_changed, "pair", "pairs"),
        planned.pairs,
        would,
        n(meetings::ChangeKind::Added),
        n(meetings::ChangeKind::Moved),
        n(meetings::ChangeKind::Retimed),
        n(meetings::ChangeKind::Dropped),
        if late > 0 {
            format!(" ({late} late: planned after their window)")
        } else {
            String::new()
        },
        planned.pairs - planned.pairs_changed,
    );
    out
}

/// One change as a sentence: "meeting 2 of p001-p002 moved from 2020-03-10 to 2020-01-29".
pub fn change_sentence(c: &Change) -> String {
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let late = c
        .days_late
        .map(|n| format!(", {n} days after its window (late)"))
        .unwrap_or_default();
    let what = match c.kind {
        meetings::ChangeKind::Added => format!("added on {}{late}", day(c.planned)),
        meetings::ChangeKind::Moved => {
            format!("moved from {} to {}{late}", day(c.before), day(c.planned))
        }
        meetings::ChangeKind::Retimed => format!(
            "stays on {}, now at {}",
            day(c.planned),
            c.time
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default()
        ),
        meetings::ChangeKind::Window => format!(
            "stays on {} (its window is now {} to {})",
            day(c.planned),
            c.due_from,
            c.due_by
        ),
        meetings::ChangeKind::Dropped => format!(
            "on {} dropped: no room for it before the cohort's end",
            day(c.before)
        ),
    };
    format!("meeting {} of {}-{} {what}", c.number, c.mentee, c.mentor)
}

/// Changed rows as a table for reading: who, which meeting, the day before and after, the window.
pub fn change_table(cohort: &Cohort, changes: &[Change]) -> String {
    let people = cohort.people();
    let name = |id: &str| {
        people
            .get(id)
            .map_or_else(String::new, |p| p.label().into_owned())
    };
    let day = |d: Option<NaiveDate>| json!(d.map(|d| d.to_string()));
    let mut l = Listing::new(&[
        "change", "mentee", "mentor", "no.", "was", "planned", "time", "due from", "due by", "late",
    ]);
    for c in changes {
        l.push(vec![
            json!(c.kind.as_str()),
            json!(format!("{} {}", c.mentee, name(&c.mentee))),
            json!(format!("{} {}", c.mentor, name(&c.mentor))),
            json!(c.number),
            day(c.before),
            day(c.planned),
            json!(c.time.map(|t| t.format("%H:%M").to_string())),
            json!(c.due_from.to_string()),
            json!(c.due_by.to_string()),
            json!(c.days_late.map(|n| format!("{n} days"))),
        ]);
    }
    l.table()
}

/// Changed rows as a listing (`schedule`, `log`): the same columns in CSV and JSON.
pub fn change_listing(cohort: &Cohort, changes: &[Change]) -> Listing {
    let people = cohort.people();
    let name = |id: &str| {
        people
            .get(id)
            .map_or_else(String::new, |p| p.label().into_owned())
    };
    let date = |d: Option<NaiveDate>| json!(d.map(|d| d.to_string()));
    let mut l = Listing::new(&[
        "change",
        "mentee",
        "mentee_name",
        "mentor",
        "mentor_name",
        "number",
        "planned_before",
        "planned",
        "time",
        "due_from",
        "due_by",
        "days_late",
        "uid",
        "sequence",
    ]);
    for c in changes {
        l.push(vec![
            json!(c.kind.as_str()),
            json!(c.mentee),
            json!(name(&c.mentee)),
            json!(c.mentor),
            json!(name(&c.mentor)),
            json!(c.number),
            date(c.before),
            date(c.planned),
            json!(c.time.map(|t| t.format("%H:%M").to_string())),
            json!(c.due_from.to_string()),
            json!(c.due_by.to_string()),
            json!(c.days_late),
            json!(c.uid),
            json!(c.sequence),
        ]);
    }
    l
}

/// A JSON document of `schedule`, `log` or `due`: `schema_version` first, then `fields` in order.
pub fn document(fields: &[(&str, Value)]) -> String {
    let mut object = serde_json::Map::new();
    object.insert("schema_version".into(), json!(SCHEMA_VERSION));
    for (key, value) in fields {
        object.insert((*key).to_string(), value.clone());
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(object)).unwrap_or_default();
    text.push('\n');
    text
}

/// One calendar file written, for the listing.
pub struct Written {
    pub path: std::path::PathBuf,
    pub method: crate::ics::Method,
    pub person: Option<crate::model::Participant>,
    pub events: usize,
}

/// What `schedule --ics` / `--per-person` wrote.
pub fn files_report(written: &[Written], format: Format) -> String {
    let mut l = Listing::new(&["file", "method", "events", "participant", "name", "email"]);
    for w in written {
        l.push(vec![
            json!(w.path.display().to_string()),
            json!(w.method.as_str()),
            json!(w.events),
            json!(w.person.as_ref().map(|p| p.id.clone())),
            json!(w.person.as_ref().map(|p| p.name.clone())),
            json!(w.person.as_ref().map(|p| p.email.clone())),
        ]);
    }
    match format {
        Format::Json => document(&[("files", l.json())]),
        Format::Csv => l.csv(),
        Format::Table => {
            let people = written.iter().filter(|w| w.person.is_some()).count();
            let mut out = String::new();
            for w in written.iter().filter(|w| w.person.is_none()) {
                let _ = writeln!(
                    out,
                    "wrote {} to {}",
                    match w.method {
                        crate::ics::Method::Request => count(w.events, "invitation", "invitations"),
                        crate::ics::Method::Cancel =>
                            count(w.events, "cancellation", "cancellations"),
                    },
                    w.path.display()
                );
            }
            if people > 0 {
                let _ = writeln!(
                    out,
                    "wrote {people} file{} for participants:",
                    plural(people)
                );
                out.push_str(&l.table());
            }
            out
        }
    }
}
