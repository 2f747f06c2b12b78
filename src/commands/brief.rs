//! `revmentor brief`: group sessions (briefings, and the group evaluation activity) and attendance.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use chrono::NaiveDate;

use super::Ctx;
use super::init::parse_date_arg;
use crate::briefing;
use crate::cohort::{File, Load};
use crate::model::{Audience, SessionKind};
use crate::problems::count;
use crate::render::Format;

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
    /// Correct a session: its date, audience, hours, title or kind
    Edit {
        /// Session id (like b1)
        briefing: String,
        #[arg(long, value_parser = parse_date_arg)]
        date: Option<NaiveDate>,
        #[arg(long, value_parser = parse_audience)]
        audience: Option<Audience>,
        #[arg(long)]
        hours: Option<f64>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, value_parser = parse_kind)]
        kind: Option<SessionKind>,
    },
    /// Remove a session added by mistake, with its attendance records
    Remove {
        /// Session id (like b1)
        briefing: String,
    },
    /// Record who attended a session (by id or email)
    Attend {
        /// Session id (like b1)
        briefing: String,
        /// Participants who attended
        #[arg(required = true)]
        who: Vec<String>,
    },
    /// Remove attendance recorded by mistake
    Unattend {
        /// Session id (like b1)
        briefing: String,
        /// Participants wrongly recorded as attending
        #[arg(required = true)]
        who: Vec<String>,
    },
}

/// The three audiences, strictly: a near miss gets a suggestion.
fn parse_audience(text: &str) -> Result<Audience, String> {
    let t = text.trim().to_ascii_lowercase();
    match t.as_str() {
        "mentors" => Ok(Audience::Mentors),
        "mentees" => Ok(Audience::Mentees),
        "all" => Ok(Audience::All),
        _ => Err(match Audience::parse(&t) {
            Some(a) => format!(
                "\"{text}\" is not an audience: did you mean {}? (use mentors, mentees or all)",
                a.as_str()
            ),
            None => format!("\"{text}\" is not an audience: use mentors, mentees or all"),
        }),
    }
}

fn parse_kind(text: &str) -> Result<SessionKind, String> {
    SessionKind::parse(text)
        .ok_or_else(|| format!("\"{text}\" is not a kind of session: use briefing or evaluation"))
}

const ATTENDANCE: [File; 3] = [File::Participants, File::Briefings, File::Attendance];

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let Some(action) = &args.action else {
        return list(ctx, &args.cohort, args.format);
    };
    let (mut cohort, change) = ctx
        .store
        .open_for_change(&args.cohort, Load::only(&ATTENDANCE))?;
    let out = match action {
        Action::Add {
            date,
            audience,
            hours,
            title,
            kind,
        } => {
            let session = briefing::Session {
                date: *date,
                audience: *audience,
                hours: *hours,
                title: title.clone(),
                kind: *kind,
            };
            let added = briefing::add(&mut cohort, &session)
                .map_err(|p| crate::UsageError(p.join("; ")))?;
            for w in &added.warnings {
                crate::out::warn(w);
            }
            format!("{}\n", added.id)
        }
        Action::Edit {
            briefing: id,
            date,
            audience,
            hours,
            title,
            kind,
        } => {
            let edit = briefing::Edit {
                date: *date,
                audience: *audience,
                hours: *hours,
                title: title.clone(),
                kind: *kind,
            };
            let changed = briefing::edit(&mut cohort, id, &edit, ctx.today)
                .map_err(|p| super::problems_error(&p, id))?;
            let mut out = String::new();
            for (field, old, new) in &changed {
                let _ = writeln!(out, "{id} {field}: {old} -> {new}");
            }
            if changed.is_empty() {
                let _ = writeln!(out, "{id}: nothing to change");
            }
            out
        }
        Action::Remove { briefing: id } => {
            let gone = briefing::remove(&mut cohort, id).map_err(|e| anyhow!(e))?;
            format!(
                "removed {id} and {}\n",
                count(gone, "attendance record", "attendance records")
            )
        }
        Action::Attend { briefing: id, who } => {
            let done = briefing::attend(&mut cohort, id, who, ctx.today)
                .map_err(|p| anyhow!("nothing recorded for {id}: {}", p.join("; ")))?;
            format!(
                "{id}: {} recorded{}\n",
                count(done.added, "attendance", "attendances"),
                if done.already > 0 {
                    format!(", {} already recorded", done.already)
                } else {
                    String::new()
                }
            )
        }
        Action::Unattend { briefing: id, who } => {
            let gone = briefing::unattend(&mut cohort, id, who)
                .map_err(|p| anyhow!("nothing removed from {id}: {}", p.join("; ")))?;
            format!(
                "{id}: removed {}\n",
                count(gone, "attendance record", "attendance records")
            )
        }
    };
    change.commit(&cohort)?;
    crate::out::emit(&out)
}

fn list(ctx: &Ctx, name: &str, format: Format) -> Result<()> {
    let cohort = ctx.store.open(name, Load::only(&ATTENDANCE))?;
    crate::out::emit(&crate::render::briefing::sessions(&cohort, format))
}
