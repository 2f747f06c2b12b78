//! `revmentor brief`: group sessions (briefings, and the group evaluation activity) and attendance.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use serde_json::json;

use super::Ctx;
use super::init::parse_date_arg;
use crate::cohort::{File, Load};
use crate::dashboard;
use crate::model::format_number;
use crate::model::{Attendance, Audience, Briefing, SessionKind, Status};
use crate::render::{Format, Listing};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Output format of the listing
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Add a session; prints its id
    Add {
        /// Date of the session (YYYY-MM-DD)
        #[arg(long, value_parser = parse_date_arg)]
        date: NaiveDate,
        /// Who it is for: mentors, mentees or all
        #[arg(long, value_parser = parse_audience)]
        audience: Audience,
        /// Length in hours (the mentor briefing is half a day)
        #[arg(long, default_value_t = 3.5)]
        hours: f64,
        /// Title shown in listings
        #[arg(long)]
        title: Option<String>,
        /// briefing (gates matching) or evaluation (the group evaluation/learning activity)
        #[arg(long, default_value = "briefing", value_parser = parse_kind)]
        kind: SessionKind,
    },
    /// Record who attended a session (by id or email)
    Attend {
        /// Session id (like b1)
        briefing: String,
        /// Participants who attended
        #[arg(required = true)]
        who: Vec<String>,
    },
}

fn parse_audience(text: &str) -> Result<Audience, String> {
    Audience::parse(text)
        .ok_or_else(|| format!("\"{text}\" is not an audience: use mentors, mentees or all"))
}

fn parse_kind(text: &str) -> Result<SessionKind, String> {
    SessionKind::parse(text)
        .ok_or_else(|| format!("\"{text}\" is not a kind of session: use briefing or evaluation"))
}

#[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.action {
        None => list(ctx, &args.cohort, args.format),
        Some(Action::Add {
            date,
            audience,
            hours,
            title,
            kind,
        }) => {
            let (date, audience, hours, kind) = (*date, *audience, *hours, *kind);
            if let Some(t) = title {
                crate::text::check(t, crate::text::Kind::Short)
                    .map_err(|e| crate::UsageError(format!("--title {e}")))?;
            }
            if !hours.is_finite() || hours <= 0.0 || hours > 24.0 {
                return crate::usage(format!(
                    "--hours {hours}: give the session's length in hours, like 3.5"
                ));
            }
            let (mut cohort, change) = ctx
                .store
                .open_for_change(&args.cohort, Load::only(&[File::Briefings]))?;
            let next = cohort
                .briefings
                .iter()
                .filter_map(|b| b.id.strip_prefix('b')?.parse::<u32>().ok())
                .max()
                .unwrap_or(0)
                + 1;
            let id = format!("b{next}");
            let title = title.clone().unwrap_or_else(|| match kind {
                SessionKind::Briefing => {
                    format!("Reverse mentoring briefing for {}", audience.as_str())
                }
                SessionKind::Evaluation => "Group evaluation and learning session".to_string(),
            });
            cohort.briefings.push(Briefing {
                id: id.clone(),
                date,
                audience,
                hours,
                title,
                kind,
            });
            change.commit(&cohort)?;
            crate::out::emit(&format!("{id}\n"))
        }
        Some(Action::Attend { briefing, who }) => {
            let (mut cohort, change) = ctx.store.open_for_change(
                &args.cohort,
                Load::only(&[File::Participants, File::Briefings, File::Attendance]),
            )?;
            let session = cohort
                .briefings
                .iter()
                .find(|b| b.id == *briefing)
                .cloned()
                .ok_or_else(|| {
                    let known: Vec<&str> = cohort.briefings.iter().map(|b| b.id.as_str()).collect();
                    anyhow!(
                        "no session \"{briefing}\" in cohort {}: sessions are {}",
                        cohort.name,
                        if known.is_empty() {
                            "none yet (add one with `brief add`)".to_string()
                        } else {
                            known.join(", ")
                        }
                    )
                })?;
            if session.date > ctx.today {
                return Err(anyhow!(
                    "session {} is on {}, after today ({}): record attendance once it has happened",
                    session.id,
                    session.date,
                    ctx.today
                ));
            }
            let mut problems = Vec::new();
            let mut ids = Vec::new();
            for w in who {
                match cohort.find(w) {
                    None => problems.push(format!("no participant \"{w}\"")),
                    Some(p) if p.status == Status::Erased => {
                        problems.push(format!("{} was erased", p.id))
                    }
                    Some(p) if !session.audience.includes(p.role) => problems.push(format!(
                        "{} ({}) is a {}, but {} is for {}",
                        p.id,
                        p.name,
                        p.role,
                        session.id,
                        session.audience.as_str()
                    )),
                    Some(p) => ids.push(p.id.clone()),
                }
            }
            if !problems.is_empty() {
                return Err(anyhow!(
                    "nothing recorded for {}: {}",
                    session.id,
                    problems.join("; ")
                ));
            }
            let mut added = 0;
            let mut already = 0;
            let mut present: rustc_hash::FxHashSet<String> = cohort
                .attendance
                .iter()
                .filter(|a| a.briefing == session.id)
                .map(|a| a.participant.clone())
                .collect();
            for id in ids {
                if !present.insert(id.clone()) {
                    already += 1;
                } else {
                    cohort.attendance.push(Attendance {
                        briefing: session.id.clone(),
                        participant: id,
                    });
                    added += 1;
                }
            }
            change.commit(&cohort)?;
            crate::out::emit(&format!(
                "{}: {added} attendance{} recorded{}\n",
                session.id,
                if added == 1 { "" } else { "s" },
                if already > 0 {
                    format!(", {already} already recorded")
                } else {
                    String::new()
                }
            ))
        }
    }
}

fn list(ctx: &Ctx, name: &str, format: Format) -> Result<()> {
    let cohort = ctx.store.open(
        name,
        Load::only(&[File::Participants, File::Briefings, File::Attendance]),
    )?;
    let mut sessions = Listing::new(&[
        "id", "date", "kind", "audience", "hours", "title", "attended",
    ]);
    for b in cohort.briefings.iter() {
        let attended = cohort
            .attendance
            .iter()
            .filter(|a| a.briefing == b.id)
            .count();
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
    let briefed = dashboard::briefed(&cohort);
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
    let text = match format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(
                &json!({"sessions": sessions.json(), "not_briefed": unbriefed.json()})
            )?
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
    };
    crate::out::emit(&text)
}
