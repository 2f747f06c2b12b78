//! What an enrolment did: the new id (for scripts), or a listing of every change, field by field.

use std::fmt::Write as _;

use super::{Format, Listing};
use crate::cohort::Cohort;
use crate::enrolment::Outcome;

/// Every field an update changes, one a line (`p003 department: "Finance" -> "HR"`).
fn changes(outcome: &Outcome, would: &str) -> String {
    let show = |v: &str| {
        if v.is_empty() {
            "(empty)".to_string()
        } else {
            format!("\"{v}\"")
        }
    };
    let mut out = String::new();
    for c in &outcome.changes {
        if c.old.is_empty() && c.new.is_empty() {
            let _ = writeln!(
                out,
                "{} {}: {would}changed (a characteristic: its value is not shown)",
                c.id, c.field
            );
        } else {
            let _ = writeln!(
                out,
                "{} {}: {} -> {}{}",
                c.id,
                c.field,
                show(&c.old),
                show(&c.new),
                if would.is_empty() { "" } else { " (dry run)" }
            );
        }
    }
    out
}

pub fn report(
    cohort: &Cohort,
    outcome: &Outcome,
    dry_run: bool,
    from_file: bool,
    format: Format,
) -> String {
    let would = if dry_run { "would be " } else { "" };
    if !from_file && format == Format::Table {
        // One person from flags or prompts: print the new id, for scripts to capture.
        let mut out = String::new();
        if let Some(id) = outcome.added.first() {
            out.push_str(id);
            out.push('\n');
        }
        out.push_str(&changes(outcome, would));
        for id in &outcome.unchanged {
            let _ = writeln!(out, "{id}: nothing to change");
        }
        if dry_run {
            out.push_str("dry run: nothing written\n");
        }
        for (id, reason) in &outcome.ineligible {
            crate::out::note(&format!("{id} {would}enrolled as ineligible: {reason}"));
        }
        if outcome.forced > 0 {
            crate::out::note("recruitment is closed; enrolled anyway because of --force");
        }
        return out;
    }
    let mut listing = Listing::new(&["change", "id", "role", "name", "email", "status"]);
    let by_id: rustc_hash::FxHashMap<&str, &crate::model::Participant> = cohort
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut row = |change: &str, id: &str| {
        if let Some(p) = by_id.get(id) {
            listing.push(vec![
                change.into(),
                id.into(),
                p.role.as_str().into(),
                p.name.clone().into(),
                p.email.clone().into(),
                p.status.as_str().into(),
            ]);
        }
    };
    for id in &outcome.added {
        row("add", id);
    }
    for id in &outcome.updated {
        row("update", id);
    }
    if format != Format::Table {
        return listing.render(format);
    }
    let mut out = String::new();
    if !listing.rows.is_empty() {
        out.push_str(&listing.table());
    }
    out.push_str(&changes(outcome, would));
    for (id, reason) in &outcome.ineligible {
        let _ = writeln!(out, "{id} {would}ineligible: {reason}");
    }
    if outcome.forced > 0 {
        let _ = writeln!(
            out,
            "{} mentor(s) {would}enrolled although recruitment is closed (--force)",
            outcome.forced
        );
    }
    let _ = writeln!(
        out,
        "{}{} added, {} updated, {} unchanged",
        if dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        outcome.added.len(),
        outcome.updated.len(),
        outcome.unchanged.len()
    );
    out
}
