//! The one-to-one plan as calendar invitations (RFC 5545 text, RFC 5546 methods): `METHOD:REQUEST`
//! for planned meetings, `METHOD:CANCEL` for cancelled ones and those of ended pairs (one method per
//! calendar object, so they are two objects). Each event has the organizer from `cohort.toml`, both
//! people as attendees, the meeting's UID for life and its SEQUENCE, so importing a newer file
//! updates diaries instead of duplicating. Erased people never appear. Pure: returns the text.
//!
//! The writer is small and strict: TEXT values escaped (RFC 5545 §3.3.11), parameter values
//! caret-encoded (RFC 6868) and always quoted, lines folded at 75 octets on UTF-8 character
//! boundaries, CRLF line ends; every step is linear in the text written.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use rustc_hash::FxHashMap;

use crate::cohort::Cohort;
use crate::model::{Meeting, MeetingStatus, PairStatus, Participant, Status};

/// The longest a content line may be, in octets, before it is folded.
pub const LINE_OCTETS: usize = 75;

/// Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks; any other
/// control character is dropped (TEXT may not hold them).
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, caret-encoded (RFC 6868: `^^`, `^n`, `^'`) and quoted; other control
/// characters are dropped (a quoted value may not hold them).
pub fn param(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '^' => out.push_str("^^"),
            '\n' => out.push_str("^n"),
            '"' => out.push_str("^'"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Append one content line to `out`, folded so that no line is longer than [`LINE_OCTETS`] octets
/// (a continuation line starts with one space, which counts), never inside a UTF-8 character, and
/// ended with CRLF.
pub fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

/// A calendar object being written: content lines, each folded as it is added.
struct Writer {
    out: String,
}

impl Writer {
    fn new() -> Self {
        Writer { out: String::new() }
    }

    /// `NAME;P1="v1";P2="v2":value` — `value` already in its type's form (escaped TEXT, a date...).
    fn line(&mut self, name: &str, params: &[(&str, String)], value: &str) {
        let mut line = String::from(name);
        for (key, v) in params {
            let _ = write!(line, ";{key}={v}");
        }
        line.push(':');
        line.push_str(value);
        fold_into(&mut self.out, &line);
    }

    /// `BEGIN:VCALENDAR` and the lines every calendar object of this tool starts with.
    fn begin_calendar(&mut self, prodid: &str, method: Method) {
        self.line("BEGIN", &[], "VCALENDAR");
        self.line("PRODID", &[], prodid);
        self.line("VERSION", &[], "2.0");
        self.line("CALSCALE", &[], "GREGORIAN");
        self.line("METHOD", &[], method.as_str());
    }

    /// `BEGIN:VEVENT` and who the event is: its UID, stamp, sequence and organizer.
    fn begin_event(&mut self, uid: &str, today: NaiveDate, sequence: i64, organizer: (&str, &str)) {
        let (name, email) = organizer;
        self.line("BEGIN", &[], "VEVENT");
        self.line("UID", &[], &text(uid));
        self.line("DTSTAMP", &[], &stamp(today));
        self.line("SEQUENCE", &[], &sequence.to_string());
        self.line(
            "ORGANIZER",
            &[("CN", param(name))],
            &format!("mailto:{email}"),
        );
    }

    /// One attendee; asked to reply when `invited` (an invitation, not a cancellation).
    fn attendee(&mut self, name: &str, email: &str, invited: bool) {
        let mut params = vec![
            ("CN", param(name)),
            ("CUTYPE", "INDIVIDUAL".to_string()),
            ("ROLE", "REQ-PARTICIPANT".to_string()),
        ];
        if invited {
            params.push(("PARTSTAT", "NEEDS-ACTION".to_string()));
            params.push(("RSVP", "TRUE".to_string()));
        }
        self.line("ATTENDEE", &params, &format!("mailto:{email}"));
    }

    /// When the event takes place, its status, and `END:VEVENT`.
    fn end_event(&mut self, start: DateTime<Utc>, minutes: i64, status: &str) {
        self.line("DTSTART", &[], &utc(start));
        self.line(
            "DTEND",
            &[],
            &utc(start + chrono::Duration::minutes(minutes)),
        );
        self.line("STATUS", &[], status);
        self.line("TRANSP", &[], "OPAQUE");
        self.line("END", &[], "VEVENT");
    }
}

/// What a calendar file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Invitations: planned meetings of running pairs.
    Request,
    /// Cancellations: cancelled meetings, and planned ones of ended pairs.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// The meetings a calendar file holds, found once over the cohort.
#[derive(Debug, Clone, Default)]
pub struct Events<'a> {
    pub requests: Vec<&'a Meeting>,
    pub cancels: Vec<&'a Meeting>,
}

impl Events<'_> {
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.cancels.is_empty()
    }
}

/// The people of an event who may appear in a calendar: not erased, with an email.
fn attendees<'a>(people: &FxHashMap<&str, &'a Participant>, m: &Meeting) -> Vec<&'a Participant> {
    [m.mentee.as_str(), m.mentor.as_str()]
        .into_iter()
        .filter_map(|id| people.get(id).copied())
        .filter(|p| p.status != Status::Erased && !p.email.is_empty())
        .collect()
}

/// Every meeting `select` accepts that belongs in a calendar: planned meetings of confirmed pairs
/// with both people present (invitations), and cancelled meetings that had a day, or planned ones
/// of pairs that ended (cancellations), with at least one person left to tell.
pub fn events<'a>(cohort: &'a Cohort, select: impl Fn(&Meeting) -> bool) -> Events<'a> {
    let people = cohort.people();
    let status: FxHashMap<(&str, &str), PairStatus> = cohort
        .pairs
        .iter()
        .map(|p| ((p.mentee.as_str(), p.mentor.as_str()), p.status))
        .collect();
    let mut events = Events::default();
    for m in cohort.meetings.iter().filter(|m| select(m)) {
        if m.planned.is_none() {
            continue;
        }
        let running =
            status.get(&(m.mentee.as_str(), m.mentor.as_str())) == Some(&PairStatus::Confirmed);
        let present = attendees(&people, m).len();
        match m.status {
            MeetingStatus::Planned if running && present == 2 => events.requests.push(m),
            // A running pair always has both people (the cohort's rules see to it).
            MeetingStatus::Planned if running => {}
            MeetingStatus::Planned | MeetingStatus::Cancelled if present > 0 => {
                events.cancels.push(m);
            }
            _ => {}
        }
    }
    events
}

/// Midnight UTC of a day, written as a UTC DATE-TIME.
fn stamp(day: NaiveDate) -> String {
    format!("{}T000000Z", day.format("%Y%m%d"))
}

/// The instant a meeting starts, in UTC: its time in the cohort's time zone (see [`instant_in`]).
fn start_instant(cohort: &Cohort, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    instant_in(&cohort.config.calendar.tz(), day.and_time(time))
}

/// The instant a local time names in `tz`: of a time that happens twice (the clocks go back),
/// the first; of one that never happens (the clocks go forward), the instant an hour later
/// names. Outside the years a time zone knows, the time read as UTC.
fn instant_in(tz: &jiff::tz::TimeZone, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    let first = |at: chrono::NaiveDateTime| {
        let instant = tz.to_ambiguous_timestamp(civil(at)?);
        if matches!(instant.offset(), jiff::tz::AmbiguousOffset::Gap { .. }) {
            return None;
        }
        let instant = instant.earlier().ok()?;
        Utc.timestamp_opt(instant.as_second(), 0).single()
    };
    first(local)
        .or_else(|| first(local.checked_add_signed(chrono::Duration::hours(1))?))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// A date and time as jiff's (`None` outside its years, -9999 to 9999).
fn civil(at: chrono::NaiveDateTime) -> Option<jiff::civil::DateTime> {
    use chrono::{Datelike, Timelike};
    let narrow = |n: u32| i8::try_from(n).ok();
    jiff::civil::DateTime::new(
        i16::try_from(at.year()).ok()?,
        narrow(at.month())?,
        narrow(at.day())?,
        narrow(at.hour())?,
        narrow(at.minute())?,
        narrow(at.second())?,
        0,
    )
    .ok()
}

fn utc(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A meeting's calendar UID: the cohort and the meeting's identity, the same for its whole life.
pub fn uid(cohort: &str, m: &Meeting) -> String {
    format!("{cohort}-{}@revmentor", m.identity())
}

/// Writes the calendar objects of one cohort, its people looked up by id through one index built
/// for all of them (built for each calendar, 5,000 invitations over 10,000 people took 50 million
/// insertions).
pub struct Calendars<'a> {
    cohort: &'a Cohort,
    people: FxHashMap<&'a str, &'a Participant>,
}

impl<'a> Calendars<'a> {
    pub fn new(cohort: &'a Cohort) -> Self {
        Calendars {
            cohort,
            people: cohort.people(),
        }
    }

    /// The calendar object of `method` holding `meetings`, sent by `organizer` (an email).
    pub fn calendar(
        &self,
        method: Method,
        meetings: &[&Meeting],
        organizer: &str,
        today: NaiveDate,
    ) -> String {
        let (cohort, people) = (self.cohort, &self.people);
        let title = if cohort.config.cohort.title.is_empty() {
            cohort.name.clone()
        } else {
            cohort.config.cohort.title.clone()
        };
        let mut w = Writer::new();
        w.begin_calendar("-//revmentor//one-to-ones//EN", method);
        w.line("X-WR-CALNAME", &[], &text(&format!("{title}: one-to-ones")));
        let minutes = i64::from(cohort.config.cadence.session_minutes);
        for m in meetings {
            let Some(day) = m.planned else { continue };
            let who = attendees(people, m);
            let time = crate::meetings::effective_time(cohort, m).unwrap_or(NaiveTime::MIN);
            let start = start_instant(cohort, day, time);
            let (sequence, status) = match method {
                Method::Request => (m.sequence, "CONFIRMED"),
                Method::Cancel => (m.sequence.saturating_add(1), "CANCELLED"),
            };
            w.begin_event(
                &uid(&cohort.name, m),
                today,
                i64::from(sequence),
                (&title, organizer),
            );
            for p in &who {
                w.attendee(&p.name, &p.email, method == Method::Request);
            }
            let names: Vec<&str> = who.iter().map(|p| p.name.as_str()).collect();
            w.line(
                "SUMMARY",
                &[],
                &text(&format!(
                    "Reverse mentoring one-to-one: {}",
                    names.join(" and ")
                )),
            );
            let description = format!(
                "One-to-one {} of the pair, due between {} and {}. At most {minutes} minutes. \
                 Confidential: no notes are kept of what is said.",
                m.number, m.due_from, m.due_by
            );
            w.line("DESCRIPTION", &[], &text(&description));
            w.end_event(start, minutes, status);
        }
        w.line("END", &[], "VCALENDAR");
        w.out
    }
}

/// A group session (a briefing, the evaluation session) as an invitation (`METHOD:REQUEST`) from
/// `organizer` to `attendees` (name, email), starting at `time` in the cohort's time zone. Its UID
/// is the cohort and the session's id, so a second invitation updates the event; its SEQUENCE is
/// the days since the cohort started, so a later one wins.
pub fn session(
    cohort: &Cohort,
    session: &crate::model::Briefing,
    time: NaiveTime,
    attendees: &[(&str, &str)],
    organizer: &str,
    today: NaiveDate,
) -> String {
    let title = if session.title.trim().is_empty() {
        "Reverse mentoring session".to_string()
    } else {
        session.title.clone()
    };
    let start = start_instant(cohort, session.date, time);
    // Hours are 0 to 24 (checked when read); 0 means not said: an hour.
    let wanted = if session.hours > 0.0 {
        session.hours * 60.0
    } else {
        60.0
    };
    let minutes = (1..=1440_u32)
        .find(|m| f64::from(*m) + 0.5 >= wanted)
        .map_or(1440, i64::from);
    let sequence = (today - cohort.config.cohort.start).num_days().max(0);
    let mut w = Writer::new();
    w.begin_calendar("-//revmentor//sessions//EN", Method::Request);
    w.begin_event(
        &format!("{}-session-{}@revmentor", cohort.name, session.id),
        today,
        sequence,
        (&cohort.config.messages.sender_mailbox().0, organizer),
    );
    for (name, email) in attendees {
        w.attendee(name, email, true);
    }
    w.line("SUMMARY", &[], &text(&title));
    w.end_event(start, minutes, "CONFIRMED");
    w.line("END", &[], "VCALENDAR");
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn local_times_are_instants_in_their_time_zone() {
        let zone = |name: &str| jiff::tz::TimeZone::get(name).expect("a bundled zone");
        let at = |s: &str| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time")
        };
        let utc = |tz: &str, local: &str| instant_in(&zone(tz), at(local)).to_rfc3339();
        let london = "Europe/London";
        // Winter (GMT) and summer (BST).
        assert_eq!(utc(london, "2020-01-15 10:00"), "2020-01-15T10:00:00+00:00");
        assert_eq!(utc(london, "2020-06-15 10:00"), "2020-06-15T09:00:00+00:00");
        // 01:30 never happens on 29 March 2020: an hour later, 02:30 BST.
        assert_eq!(utc(london, "2020-03-29 01:30"), "2020-03-29T01:30:00+00:00");
        // 01:30 happens twice on 25 October 2020: the first, in BST.
        assert_eq!(utc(london, "2020-10-25 01:30"), "2020-10-25T00:30:00+00:00");
        // Other zones, names in any case, and a half-hour change of clocks.
        assert_eq!(
            utc("America/New_York", "2020-07-01 09:00"),
            "2020-07-01T13:00:00+00:00"
        );
        assert_eq!(
            utc("asia/kolkata", "2020-07-01 09:00"),
            "2020-07-01T03:30:00+00:00"
        );
        assert_eq!(
            utc("Australia/Lord_Howe", "2020-10-04 02:15"),
            "2020-10-03T16:15:00+00:00"
        );
        assert_eq!(utc("UTC", "2020-07-01 09:00"), "2020-07-01T09:00:00+00:00");
        // Beyond the years a time zone knows (and at the last day there is): read as UTC.
        let far = NaiveDate::from_ymd_opt(20_000, 1, 1)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("a date chrono holds");
        assert_eq!(instant_in(&zone(london), far), Utc.from_utc_datetime(&far));
        let last = chrono::NaiveDateTime::MAX;
        assert_eq!(
            instant_in(&zone(london), last),
            Utc.from_utc_datetime(&last)
        );
    }

    #[test]
    fn text_and_parameters_are_escaped() {
        assert_eq!(text("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
        assert_eq!(
            param("Anne \"Nan\" O'Neil^\nx"),
            "\"Anne ^'Nan^' O'Neil^^^nx\""
        );
    }

    #[test]
    fn lines_fold_at_75_octets_on_character_boundaries() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(60));
        fold_into(&mut out, &line);
        for l in out.split_terminator("\r\n") {
            assert!(l.len() <= LINE_OCTETS, "{l}");
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    proptest! {
        #[test]
        fn folding_keeps_every_character_and_every_line_short(s in "\\PC{0,400}") {
            let mut out = String::new();
            fold_into(&mut out, &s);
            prop_assert!(out.ends_with("\r\n"));
            for l in out.split_terminator("\r\n") {
                prop_assert!(l.len() <= LINE_OCTETS);
            }
            prop_assert_eq!(out.trim_end_matches("\r\n").replace("\r\n ", ""), s);
        }

        #[test]
        fn escaped_text_has_no_bare_separator(s in "\\PC{0,100}") {
            let t = text(&s);
            prop_assert!(!t.contains('\n') && !t.contains('\r'));
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    let next = chars.next();
                    prop_assert!(matches!(next, Some('\\' | ';' | ',' | 'n')), "{t}");
                } else {
                    prop_assert!(c != ';' && c != ',');
                }
            }
            let p = param(&s);
            prop_assert!(p.starts_with('"') && p.ends_with('"'));
            prop_assert!(!p[1..p.len() - 1].contains('"'));
        }
    }
}
