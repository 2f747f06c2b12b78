//! The one-to-one plan as an RFC 5545 calendar: one event per planned meeting, a stable UID per
//! meeting so a re-export updates events rather than duplicating them. Pure: returns the text.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};

use crate::cohort::Cohort;
use crate::model::{Meeting, MeetingStatus};

/// Midnight UTC of a day (for DTSTAMP, pinned to "today" so exports are reproducible).
fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
}

/// The instant a meeting on `day` starts: `meeting_time` in the cohort's time zone, as UTC.
fn start_instant(cohort: &Cohort, day: NaiveDate) -> DateTime<Utc> {
    let calendar = &cohort.config.calendar;
    let time = calendar.start_time().unwrap_or(chrono::NaiveTime::MIN);
    let local = day.and_time(time);
    calendar
        .tz()
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// A meeting's UID: cohort, pair and number, which never change when it is re-planned.
pub fn uid(cohort: &str, m: &Meeting) -> String {
    format!("{cohort}-{}-{}-{}@revmentor", m.mentee, m.mentor, m.number)
}

/// Write planned meetings (and cancelled ones that had a date, marked CANCELLED so calendars drop
/// them) of every pair, or of the pairs `only` accepts. Events carry names and emails of the two
/// people, never a department or characteristic.
pub fn calendar(cohort: &Cohort, today: NaiveDate, only: impl Fn(&Meeting) -> bool) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//revmentor//one-to-ones//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    let title = if cohort.config.cohort.title.is_empty() {
        cohort.name.clone()
    } else {
        cohort.config.cohort.title.clone()
    };
    cal.name(&format!("{title}: one-to-ones"));
    let minutes = i64::from(cohort.config.cadence.session_minutes);
    // Later exports supersede earlier ones: SEQUENCE grows with the export day.
    let sequence =
        u32::try_from((today - cohort.config.cohort.start).num_days().max(0)).unwrap_or(0);
    let people = cohort.people();
    for m in cohort.meetings.iter().filter(|m| only(m)) {
        let (Some(day), status) = (m.planned, m.status) else {
            continue;
        };
        let event_status = match status {
            MeetingStatus::Planned => EventStatus::Confirmed,
            MeetingStatus::Cancelled => EventStatus::Cancelled,
            MeetingStatus::Held => continue,
        };
        let (Some(mentee), Some(mentor)) =
            (people.get(m.mentee.as_str()), people.get(m.mentor.as_str()))
        else {
            continue;
        };
        let start = start_instant(cohort, day);
        let mut event = icalendar::Event::new();
        event
            .uid(&uid(&cohort.name, m))
            .timestamp(midnight(today))
            .summary(&format!(
                "Reverse mentoring one-to-one: {} and {} ({})",
                mentee.name, mentor.name, m.number
            ))
            .description(&format!(
                "One-to-one {} of the pair, due between {} and {}. At most {minutes} minutes. Confidential: no notes are kept of what is said.",
                m.number, m.due_from, m.due_by
            ))
            .starts(start)
            .ends(start + chrono::Duration::minutes(minutes))
            .status(event_status)
            .sequence(sequence)
            .append_multi_property(
                Property::new("ATTENDEE", format!("mailto:{}", mentee.email))
                    .add_parameter("CN", &mentee.name)
                    .add_parameter("ROLE", "REQ-PARTICIPANT")
                    .done(),
            )
            .append_multi_property(
                Property::new("ATTENDEE", format!("mailto:{}", mentor.email))
                    .add_parameter("CN", &mentor.name)
                    .add_parameter("ROLE", "REQ-PARTICIPANT")
                    .done(),
            );
        cal.push(event.done());
    }
    cal.done().to_string()
}
