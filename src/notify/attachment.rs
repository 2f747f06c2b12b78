//! Calendar invitations attached to messages (RFC 5546 `METHOD:REQUEST`, RFC 5545 text): a pair's
//! one-to-one, through the `ics` module's calendar behind one adapter ([`invitations`]), and a
//! group session. Pure: returns the text.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use rustc_hash::{FxHashMap, FxHashSet};

use super::{Invite, Recipient};
use crate::cohort::Cohort;
use crate::model::Briefing;

/// The invitations a run attaches: every one-to-one's, made in one pass, and each session's.
pub struct Invitations {
    meetings: FxHashMap<(String, String, u32), String>,
}

impl Invitations {
    /// The one-to-ones of every message that invites to one, as invitations.
    pub fn new(
        cohort: &Cohort,
        invites: &[&Invite],
        today: NaiveDate,
        organizer: &(String, String),
    ) -> Self {
        let wanted: FxHashSet<(&str, &str, u32)> = invites
            .iter()
            .filter_map(|i| match i {
                Invite::Meeting {
                    mentee,
                    mentor,
                    number,
                } => Some((mentee.as_str(), mentor.as_str(), *number)),
                Invite::Session { .. } => None,
            })
            .collect();
        Invitations {
            meetings: invitations(cohort, &wanted, today, organizer),
        }
    }

    /// The invitation for what a message is about, if there is one to attach.
    pub fn get(
        &self,
        cohort: &Cohort,
        invite: &Invite,
        to: &[Recipient],
        today: NaiveDate,
        organizer: &(String, String),
    ) -> Option<String> {
        match invite {
            Invite::Meeting {
                mentee,
                mentor,
                number,
            } => self
                .meetings
                .get(&(mentee.clone(), mentor.clone(), *number))
                .cloned(),
            Invite::Session { id } => {
                let session = cohort.briefings.iter().find(|b| b.id == *id)?;
                Some(session_invitation(cohort, session, to, today, organizer))
            }
        }
    }
}

/// The one call into the `ics` module: the planned one-to-ones `wanted` (mentee, mentor, number),
/// each as an invitation of its own. The calendar `ics` writes is published (`METHOD:PUBLISH`)
/// with no organizer; an invitation is a request from the organizer (RFC 5546), so both are set
/// here. A meeting with no event (held, or without a planned date) has no invitation.
pub fn invitations(
    cohort: &Cohort,
    wanted: &FxHashSet<(&str, &str, u32)>,
    today: NaiveDate,
    organizer: &(String, String),
) -> FxHashMap<(String, String, u32), String> {
    let mut out = FxHashMap::default();
    if wanted.is_empty() {
        return out;
    }
    let text = crate::ics::calendar(cohort, today, |m| {
        wanted.contains(&(m.mentee.as_str(), m.mentor.as_str(), m.number))
    });
    let uids: FxHashMap<String, (String, String, u32)> = cohort
        .meetings
        .iter()
        .filter(|m| wanted.contains(&(m.mentee.as_str(), m.mentor.as_str(), m.number)))
        .map(|m| {
            (
                crate::ics::uid(&cohort.name, m),
                (m.mentee.clone(), m.mentor.clone(), m.number),
            )
        })
        .collect();
    // The calendar's own lines (before the first event), each event, and its last line.
    let mut head = String::new();
    let mut event: Option<String> = None;
    let mut events = Vec::new();
    for line in text.split_inclusive("\r\n") {
        let bare = line.trim_end();
        match (&mut event, bare) {
            (None, "BEGIN:VEVENT") => event = Some(line.to_string()),
            (None, "END:VCALENDAR") => {}
            (None, "METHOD:PUBLISH") => head.push_str("METHOD:REQUEST\r\n"),
            (None, _) => head.push_str(line),
            (Some(e), "END:VEVENT") => {
                e.push_str(line);
                events.extend(event.take());
            }
            (Some(e), _) => e.push_str(line),
        }
    }
    let organizer_line = organizer_line(organizer).unwrap_or_default();
    for e in events {
        let uid = e
            .split("\r\n")
            .find_map(|l| l.strip_prefix("UID:"))
            .unwrap_or_default();
        let Some(key) = uids.get(uid) else {
            continue;
        };
        let body = e.replacen(
            "BEGIN:VEVENT\r\n",
            &format!("BEGIN:VEVENT\r\n{organizer_line}"),
            1,
        );
        out.insert(key.clone(), format!("{head}{body}END:VCALENDAR\r\n"));
    }
    out
}

/// `ORGANIZER;CN="Name":mailto:address`, folded at 75 octets, or `None` without a sender.
fn organizer_line((name, email): &(String, String)) -> Option<String> {
    if email.is_empty() {
        return None;
    }
    let name = name.replace(['"', '\r', '\n'], "");
    let line = if name.is_empty() {
        format!("ORGANIZER:mailto:{email}")
    } else {
        format!("ORGANIZER;CN=\"{name}\":mailto:{email}")
    };
    Some(fold(&line))
}

/// Fold a content line at 75 octets (RFC 5545 §3.1), never inside a character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// When a session on `day` starts: `[messages] session_time` in the cohort's time zone, as UTC.
fn session_start(cohort: &Cohort, day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(cohort.config.messages.session_start());
    cohort
        .config
        .calendar
        .tz()
        .from_local_datetime(&local)
        .earliest()
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

/// A group session (a briefing, the evaluation session) as an invitation to the people a message
/// goes to. Its UID is stable (`cohort-session-ID@revmentor`), so a second invitation updates the
/// event. The `ics` module has no session events yet; when it has, this is where to call it.
pub fn session_invitation(
    cohort: &Cohort,
    session: &Briefing,
    to: &[Recipient],
    today: NaiveDate,
    organizer: &(String, String),
) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//revmentor//sessions//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "REQUEST"));
    let start = session_start(cohort, session.date);
    // Hours are 0 to 24 (checked when read); 0 means not said: an hour.
    let wanted = if session.hours > 0.0 {
        session.hours * 60.0
    } else {
        60.0
    };
    let minutes = (1..=1440_u32)
        .find(|m| f64::from(*m) + 0.5 >= wanted)
        .map_or(1440, i64::from);
    let sequence =
        u32::try_from((today - cohort.config.cohort.start).num_days().max(0)).unwrap_or(0);
    let title = if session.title.trim().is_empty() {
        "Reverse mentoring session".to_string()
    } else {
        session.title.clone()
    };
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{}-session-{}@revmentor", cohort.name, session.id))
        .timestamp(Utc.from_utc_datetime(&today.and_time(chrono::NaiveTime::MIN)))
        .summary(&title)
        .starts(start)
        .ends(start + chrono::Duration::minutes(minutes))
        .status(EventStatus::Confirmed)
        .sequence(sequence);
    if !organizer.1.is_empty() {
        let mut p = Property::new("ORGANIZER", format!("mailto:{}", organizer.1));
        if !organizer.0.is_empty() {
            p.add_parameter("CN", &organizer.0);
        }
        event.append_property(p.done());
    }
    for r in to {
        event.append_multi_property(
            Property::new("ATTENDEE", format!("mailto:{}", r.email))
                .add_parameter("CN", &r.name)
                .add_parameter("ROLE", "REQ-PARTICIPANT")
                .add_parameter("RSVP", "TRUE")
                .done(),
        );
    }
    cal.push(event.done());
    cal.done().to_string()
}
