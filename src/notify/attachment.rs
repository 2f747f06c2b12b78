//! Calendar invitations attached to messages (RFC 5546 `METHOD:REQUEST`): a pair's one-to-one and
//! a group session, both written by the `ics` module. Pure: returns the text.

use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{Invite, Recipient};
use crate::cohort::Cohort;
use crate::ics;
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

/// The one-to-ones `wanted` (mentee, mentor, number), each as an invitation of its own, from the
/// `ics` module's calendar writer: the same UID and SEQUENCE as `schedule --ics`, so a diary that
/// has both keeps one event. Sent by `[calendar] organizer`, or the sender when that is not set. A
/// meeting with no invitation in the plan (held, cancelled, of an ended pair, without a day) has
/// none here.
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
    let from = cohort
        .config
        .calendar
        .organizer()
        .unwrap_or_else(|| organizer.1.clone());
    if from.is_empty() {
        return out;
    }
    let events = ics::events(cohort, |m| {
        wanted.contains(&(m.mentee.as_str(), m.mentor.as_str(), m.number))
    });
    let calendars = ics::Calendars::new(cohort);
    for m in events.requests {
        let text = calendars.calendar(ics::Method::Request, &[m], &from, today);
        out.insert((m.mentee.clone(), m.mentor.clone(), m.number), text);
    }
    out
}

/// A group session (a briefing, the evaluation session) as an invitation to the people a message
/// goes to, written by the `ics` module. Its UID is stable (`cohort-session-ID@revmentor`), so a
/// second invitation updates the event.
pub fn session_invitation(
    cohort: &Cohort,
    session: &Briefing,
    to: &[Recipient],
    today: NaiveDate,
    organizer: &(String, String),
) -> String {
    let from = cohort
        .config
        .calendar
        .organizer()
        .unwrap_or_else(|| organizer.1.clone());
    let attendees: Vec<(&str, &str)> = to
        .iter()
        .map(|r| (r.name.as_str(), r.email.as_str()))
        .collect();
    let time = cohort.config.messages.session_start();
    ics::session(cohort, session, time, &attendees, &from, today)
}
