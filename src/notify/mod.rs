//! Every message of a cohort's life — application, briefing, introduction, reminder, chaser,
//! survey, thanks — from who is due which message today to the bytes of each message. Pure: the
//! command writes drafts, sends, and commits the log.
//!
//! - [`due`]: who is due what today, and why anyone named is not (the only caller of the
//!   `meetings` API here, through one adapter);
//! - [`templates`]: the built-in wording and a cohort's own, rendered with only the fields each
//!   kind may use (never a characteristic, score or reason);
//! - [`attachment`]: calendar invitations (the only caller of the `ics` API here);
//! - [`email`]: RFC 5322 messages and drafts;
//! - [`log`]: `messages.csv`: never twice, counts for `status`, the erasure and subject-access hook.

pub mod attachment;
pub mod due;
pub mod email;
pub mod log;
pub mod templates;

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::cohort::Cohort;
use crate::model::{Participant, Phase, Role};

pub use crate::model::MessageKind as Kind;
pub use due::{Due, Invite, Mode, Request};
pub use templates::Templates;

/// Someone a message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// A message rendered and ready to write or send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub kind: Kind,
    /// What it is about, as logged (see [`crate::model::Message::about`]).
    pub about: String,
    /// The template that worded it (`introduction`, `application-accepted`, ...).
    pub template: &'static str,
    pub to: Vec<Recipient>,
    /// Copies: the coordinator told of a second lapse.
    pub cc: Vec<String>,
    pub escalated: bool,
    pub subject: String,
    pub body: String,
    /// A calendar invitation (RFC 5545 text, `METHOD:REQUEST`), when the message has one.
    pub invitation: Option<String>,
    pub message_id: String,
}

/// Everything a run decided: the messages, and notes on those left out (already sent, not yet
/// scheduled).
#[derive(Debug, Default)]
pub struct Plan {
    pub messages: Vec<Outgoing>,
    pub notes: Vec<String>,
}

/// Work out and render every message of one kind that is due today (or to the people named), with
/// its invitation and Message-ID. Every problem (an unknown person, someone a message cannot go to,
/// a bad template, a missing setting) is returned together, and then nothing is sent.
pub fn plan(
    cohort: &Cohort,
    request: &Request,
    templates: &Templates,
    today: NaiveDate,
) -> Result<Plan, Vec<String>> {
    let selected = due::select(cohort, request, today)?;
    let sender = cohort.config.messages.sender_mailbox();
    let people = cohort.people();
    let mut problems = Vec::new();
    let mut messages = Vec::with_capacity(selected.due.len());
    let invites: Vec<&Invite> = selected
        .due
        .iter()
        .filter_map(|d| d.invite.as_ref())
        .collect();
    let invitations = attachment::Invitations::new(cohort, &invites, today, &sender);
    let base = common(cohort, today);
    for d in selected.due {
        let to: Vec<Recipient> =
            d.to.iter()
                .filter_map(|id| people.get(id.as_str()))
                .map(|p| Recipient {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    email: p.email.clone(),
                })
                .collect();
        let mut context = base.clone();
        if let (Value::Object(c), Value::Object(f)) = (&mut context, &d.fields) {
            c.extend(f.clone());
        }
        let invitation = d
            .invite
            .as_ref()
            .and_then(|i| invitations.get(cohort, i, &to, today, &sender));
        if let Value::Object(c) = &mut context {
            c.insert("invitation".into(), json!(invitation.is_some()));
        }
        match templates.render(d.template, &context) {
            Ok((subject, body)) => messages.push(Outgoing {
                message_id: message_id(cohort, &d, today, &sender.1),
                kind: d.kind,
                about: d.about,
                template: d.template,
                to,
                cc: d.cc,
                escalated: d.escalated,
                subject,
                body,
                invitation,
            }),
            Err(e) => {
                if !problems.contains(&e) {
                    problems.push(e);
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(Plan {
            messages,
            notes: selected.notes,
        })
    } else {
        Err(problems)
    }
}

/// The fields every template may use: the cohort, the coordinator who signs, the scheme's rules.
pub fn common(cohort: &Cohort, today: NaiveDate) -> Value {
    let c = &cohort.config;
    let (name, email) = c.messages.sender_mailbox();
    let title = if c.cohort.title.trim().is_empty() {
        "the reverse mentoring scheme".to_string()
    } else {
        c.cohort.title.clone()
    };
    json!({
        "cohort": {
            "name": cohort.name,
            "title": title,
            "start": c.cohort.start.to_string(),
            "end": c.cohort.end.to_string(),
            "start_day": day(c.cohort.start),
            "end_day": day(c.cohort.end),
        },
        "coordinator": {
            "name": if name.is_empty() { "The reverse mentoring team".to_string() } else { name },
            "email": email,
        },
        "rules": {
            "min_weeks": c.cadence.min_weeks,
            "max_weeks": c.cadence.max_weeks,
            "minutes": c.cadence.session_minutes,
            "min_group": c.privacy.min_group,
        },
        "today": today.to_string(),
    })
}

/// A date as people write it in a letter: `Monday 20 January 2020`.
pub fn day(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// The first word of a name, to greet someone by.
pub fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// What a template may know of a person: how to greet and reach them, and their part in the
/// scheme. Never a department, grade, characteristic, score or reason.
pub fn person(p: &Participant) -> Value {
    json!({
        "first_name": first_name(&p.name),
        "name": p.name,
        "email": p.email,
        "role": match p.role {
            Role::Mentor => "reverse mentor",
            Role::Mentee => "senior leader",
        },
    })
}

/// A deterministic Message-ID: the cohort, the date, the kind, the recipients' ids and a short
/// hash of what it is about and how often it was sent before. Never a name or an email.
fn message_id(cohort: &Cohort, d: &Due, today: NaiveDate, sender_email: &str) -> String {
    let domain = sender_email
        .rsplit_once('@')
        .map_or("revmentor.invalid", |(_, domain)| domain);
    let key = format!("{}\n{}\n{}", cohort.name, d.about, d.sent_before);
    format!(
        "<{}.{}.{}.{}.{:08x}@{domain}>",
        cohort.name,
        today.format("%Y%m%d"),
        d.kind.as_str(),
        d.to.join("."),
        fnv1a(key.as_bytes())
    )
}

/// FNV-1a, 32 bits: a stable short hash (the same on every platform and version).
pub fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The survey phase due today: the final survey in the cohort's last `max_weeks`, else baseline.
pub fn phase_due(cohort: &Cohort, today: NaiveDate) -> Phase {
    if today >= due::final_stretch(cohort) {
        Phase::Final
    } else {
        Phase::Baseline
    }
}
