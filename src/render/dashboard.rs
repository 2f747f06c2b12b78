//! A cohort's dashboard for `status`: the stage, the counts, and the next steps, each naming the
//! command to run.

use std::fmt::Write as _;

use serde_json::json;

use super::Listing;
use crate::dashboard::Dashboard;
use crate::model::Role;

/// The dashboard's figures as `metric, value` rows (for `--format csv`).
pub fn metrics(d: &Dashboard) -> Listing {
    let mut l = Listing::new(&["metric", "value"]);
    let mut add = |k: String, v: serde_json::Value| l.push(vec![json!(k), v]);
    add("stage".into(), json!(d.stage.as_str()));
    for c in &d.participants {
        add(format!("{}s {}", c.role, c.status), json!(c.count));
    }
    add("briefings".into(), json!(d.briefings));
    add("mentors not briefed".into(), json!(d.unbriefed_mentors));
    add("mentees not briefed".into(), json!(d.unbriefed_mentees));
    add("pairs proposed".into(), json!(d.pairs_proposed));
    add("pairs confirmed".into(), json!(d.pairs_confirmed));
    add("pairs ended".into(), json!(d.pairs_ended));
    add(
        "mentees without a mentor".into(),
        json!(d.mentees_without_mentor),
    );
    add("meetings planned".into(), json!(d.meetings_planned));
    add("meetings held".into(), json!(d.meetings_held));
    add("meetings cancelled".into(), json!(d.meetings_cancelled));
    add("pairs overdue".into(), json!(d.pairs_overdue));
    add("pairs chased".into(), json!(d.pairs_chased));
    add("pairs escalated".into(), json!(d.pairs_escalated));
    l
}

pub fn table(d: &Dashboard) -> String {
    let mut out = format!(
        "{} — {}\n{} to {} · today {} · stage: {}\nOne-to-ones every {}-{} weeks, at most {} minutes each · recruitment of mentors {}\n\n",
        d.cohort,
        if d.title.is_empty() {
            "(no title)"
        } else {
            &d.title
        },
        d.start,
        d.end,
        d.today,
        d.stage.as_str(),
        d.min_weeks,
        d.max_weeks,
        d.session_minutes,
        if d.recruiting { "open" } else { "closed" },
    );
    let mut counts = Listing::new(&[
        "role",
        "active",
        "ineligible",
        "withdrawn",
        "erased",
        "total",
    ]);
    for role in [Role::Mentor, Role::Mentee] {
        let of = |s: crate::model::Status| {
            d.participants
                .iter()
                .find(|c| c.role == role && c.status == s)
                .map(|c| c.count)
                .unwrap_or(0)
        };
        use crate::model::Status::*;
        let total: usize = [Active, Ineligible, Withdrawn, Erased]
            .into_iter()
            .map(of)
            .sum();
        counts.push(vec![
            json!(role.plural()),
            json!(of(Active)),
            json!(of(Ineligible)),
            json!(of(Withdrawn)),
            json!(of(Erased)),
            json!(total),
        ]);
    }
    out.push_str(&counts.table());
    let _ = writeln!(
        out,
        "briefings: {} · not yet briefed: {} mentors, {} mentees",
        d.briefings, d.unbriefed_mentors, d.unbriefed_mentees
    );
    let _ = writeln!(
        out,
        "pairs: {} confirmed, {} proposed, {} ended · mentees without a mentor: {}",
        d.pairs_confirmed, d.pairs_proposed, d.pairs_ended, d.mentees_without_mentor
    );
    let _ = write!(
        out,
        "meetings: {} planned, {} held, {} cancelled · pairs overdue: {}",
        d.meetings_planned, d.meetings_held, d.meetings_cancelled, d.pairs_overdue
    );
    if d.pairs_overdue > 0 {
        let _ = write!(
            out,
            " ({} chased, {} escalated)",
            d.pairs_chased, d.pairs_escalated
        );
    }
    out.push('\n');
    if !d.messages.is_empty() {
        let each: Vec<String> = d.messages.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(out, "messages: {}", each.join(", "));
    }
    if d.next_steps.is_empty() {
        out.push_str("\nnext: nothing to do today\n");
    } else {
        out.push_str("\nnext steps:\n");
        for step in &d.next_steps {
            let _ = writeln!(out, "  - {step}");
        }
    }
    out
}
