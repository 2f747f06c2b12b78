//! Plain data: participants, characteristics, briefings, pairs, meetings, responses, and the small
//! value rules (emails, dates, ids, "not known") every module shares. No I/O here.

use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A closed set of words stored in files and typed on the command line: the enum, `ALL`, `as_str`,
/// `parse` (trimmed, any case, with the other spellings listed after `|`), `Display`, and serde as
/// the word.
macro_rules! words {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($variant:ident = $word:literal $(| $alias:literal)*),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word the files hold.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// The value a word names (trimmed, any case), or `None`.
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                $(
                    if t.eq_ignore_ascii_case($word) $(|| t.eq_ignore_ascii_case($alias))* {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Characteristics a new cohort declares, one column each in `characteristics.csv`.
pub const DEFAULT_CHARACTERISTICS: &[&str] = &[
    "gender",
    "ethnicity",
    "disability",
    "sexual_orientation",
    "career_stage",
];

/// Fields of a participant that live in `participants.csv` (never characteristics).
pub const PARTICIPANT_FIELDS: &[&str] = &[
    "id",
    "role",
    "name",
    "email",
    "department",
    "grade",
    "manager",
    "status",
    "enrolled_on",
    "conflicts",
    "status_on",
    "status_reason",
    "eligibility",
    "interests",
];

words! {
    /// Whether someone mentors (staff at any level) or is mentored (a senior leader).
    pub enum Role {
        Mentor = "mentor" | "reverse mentor" | "mentors",
        Mentee = "mentee" | "senior leader" | "leader" | "mentees",
    }
}

impl Role {
    pub fn plural(self) -> &'static str {
        match self {
            Role::Mentor => "mentors",
            Role::Mentee => "mentees",
        }
    }
}

words! {
    /// Where a participant stands in the scheme.
    pub enum Status {
        Active = "active",
        Ineligible = "ineligible",
        Withdrawn = "withdrawn",
        Erased = "erased",
    }
}

/// One mentor or mentee: contact and administration, never characteristics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    pub id: String,
    pub role: Role,
    pub name: String,
    pub email: String,
    pub department: String,
    pub grade: String,
    /// Email (or participant id) of the line manager; empty when not known.
    pub manager: String,
    pub status: Status,
    pub enrolled_on: Option<NaiveDate>,
    /// Ids or emails this person must not be paired with.
    pub conflicts: Vec<String>,
    /// When the status last changed (withdrawn, erased, ineligible).
    pub status_on: Option<NaiveDate>,
    /// Why the status is what it is (withdrawal reason, unmet eligibility).
    pub status_reason: String,
    /// A mentor's answers to the eligibility questions: `id=yes;id=no`.
    pub eligibility: String,
    /// Topics from `[evaluation] topics`: what a mentee would like to learn about, or which
    /// experiences a mentor is willing to share.
    pub interests: Vec<String>,
}

impl Participant {
    /// An active participant for tests: `id`, `role`, the id as name and `{id}@x.example` as
    /// email, everything else empty (change fields with `Participant { .., ..for_test(..) }`).
    #[cfg(test)]
    pub fn for_test(id: &str, role: Role) -> Participant {
        Participant {
            id: id.into(),
            role,
            name: id.into(),
            email: format!("{id}@x.example"),
            department: String::new(),
            grade: String::new(),
            manager: String::new(),
            status: Status::Active,
            enrolled_on: None,
            conflicts: Vec::new(),
            status_on: None,
            status_reason: String::new(),
            eligibility: String::new(),
            interests: Vec::new(),
        }
    }

    /// The same person with nothing but what the figures need: id, role, status, enrolment and
    /// status dates. Erasure and purge both leave this (a field added here is blanked for both).
    pub fn tombstone(&self) -> Participant {
        Participant {
            id: self.id.clone(),
            role: self.role,
            name: String::new(),
            email: String::new(),
            department: String::new(),
            grade: String::new(),
            manager: String::new(),
            status: self.status,
            enrolled_on: self.enrolled_on,
            conflicts: Vec::new(),
            status_on: self.status_on,
            status_reason: String::new(),
            eligibility: String::new(),
            interests: Vec::new(),
        }
    }

    /// The label used in listings: the name, or `p002 (erased)` for an erased tombstone
    /// (borrowed from the record where it is the name).
    pub fn label(&self) -> std::borrow::Cow<'_, str> {
        if self.status == Status::Erased {
            std::borrow::Cow::Owned(format!("{} (erased)", self.id))
        } else {
            std::borrow::Cow::Borrowed(&self.name)
        }
    }

    /// The id and name for messages: `p001 (Ann Lee)`, or `p002 (erased)` for a tombstone.
    pub fn who(&self) -> String {
        if self.status == Status::Erased {
            format!("{} (erased)", self.id)
        } else {
            format!("{} ({})", self.id, self.name)
        }
    }
}

/// One row of `characteristics.csv`: self-declared values, aligned with the cohort's characteristics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traits {
    pub id: String,
    pub values: Vec<String>,
}

/// One row of `reach.csv`, written when a cohort is purged (`revmentor purge`): how many mentors
/// and mentees held one value of one characteristic, and how many of them were in a pair that
/// completed. Counts only, no person: what the summary's "who the scheme reached" needs once
/// `characteristics.csv` is gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachCount {
    pub characteristic: String,
    /// The value as counted (harmonised, lower-case); empty for "not known".
    pub value: String,
    /// How the value is printed (its most common spelling).
    pub label: String,
    pub mentors: u32,
    pub mentors_completing: u32,
    pub mentees: u32,
    pub mentees_completing: u32,
}

/// One row of `returned.csv`, written when a cohort is purged: a participant of a later cohort
/// (by that cohort's id) who had taken part in this one. The purge removes the emails that linked
/// them; this keeps the programme report's count of returning people as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returned {
    pub cohort: String,
    pub id: String,
}

/// One row of `org.csv`: someone in the organisation (a participant or not) and their line
/// manager, from an HR export (`revmentor org --from`). It completes reporting chains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPerson {
    /// Lower-case, trimmed.
    pub email: String,
    /// The manager's email (lower-case) or a participant's id; empty when not known.
    pub manager: String,
    /// Their name, when the export had one (a manager cell may name someone by it).
    pub name: String,
}

/// A value counts only when it is known: empty, "prefer not to say" and "unknown" are not.
pub fn is_known(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty()
        || v.eq_ignore_ascii_case("prefer not to say")
        || v.eq_ignore_ascii_case("unknown"))
}

/// Emails compare trimmed and case-insensitively; the store keeps them in this form.
pub fn normalise_email(email: &str) -> String {
    let email = email.trim();
    if email.is_ascii() {
        email.to_ascii_lowercase()
    } else {
        email.to_lowercase()
    }
}

/// A plain check that catches typing slips, not a full RFC 5322 parser.
pub fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !if email.is_ascii() {
            email.bytes().any(|b| {
                b.is_ascii_whitespace()
                    || b == 0x0b
                    || matches!(b, b',' | b';' | b'<' | b'>' | b'"')
            })
        } else {
            email
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '"'))
        }
}

/// Lower-case letters, digits and `_`, starting with a letter: names of characteristics and questions.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// How dates that are not ISO are read: refused (the rule everywhere), or, while repairing a file a
/// spreadsheet saved with local dates, read as day/month/year or month/day/year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Only `YYYY-MM-DD`.
    #[default]
    Iso,
    /// `30/11/2026`, `30-11-2026`, `30.11.2026` as day, month, year.
    Dmy,
    /// `11/30/2026` as month, day, year.
    Mdy,
}

/// The day-month and month-day readings of a date a spreadsheet wrote in a local form
/// (`30/11/2026`, `3.4.2020`, with an optional ` 00:00` time), when it is one.
fn local_readings(t: &str) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
    let t = t
        .strip_suffix(" 00:00:00")
        .or_else(|| t.strip_suffix(" 00:00"))
        .unwrap_or(t);
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    let [a, b, y] = parts[..] else {
        return None;
    };
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit())
    };
    if !(digits(a, 1..=2) && digits(b, 1..=2) && digits(y, 4..=4)) {
        return None;
    }
    let (a, b, y) = (a.parse().ok()?, b.parse().ok()?, y.parse().ok()?);
    Some((
        NaiveDate::from_ymd_opt(y, b, a),
        NaiveDate::from_ymd_opt(y, a, b),
    ))
}

/// Read a date: ISO `YYYY-MM-DD`, or in `order` when repairing local dates.
pub fn parse_date_in(text: &str, order: DateOrder) -> Result<NaiveDate, String> {
    match (parse_date(text), order) {
        (Ok(d), _) => Ok(d),
        (Err(e), DateOrder::Iso) => Err(e),
        (Err(e), DateOrder::Dmy | DateOrder::Mdy) => {
            let t = text.trim();
            if let Ok(d) = NaiveDate::parse_from_str(t, "%Y/%m/%d") {
                return Ok(d);
            }
            match (local_readings(t), order) {
                (Some((Some(d), _)), DateOrder::Dmy) | (Some((_, Some(d))), DateOrder::Mdy) => {
                    Ok(d)
                }
                _ => Err(e),
            }
        }
    }
}

/// Parse an ISO date, saying what is wrong with anything else: a local date with one possible
/// reading is named with it, and "ambiguous" is said only of a date that has two.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    // Fast path for the only form the tool writes: YYYY-MM-DD.
    if let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *t.as_bytes() {
        let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
        if digits.iter().all(u8::is_ascii_digit) {
            let n = |s: &[u8]| s.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            let year = i32::try_from(n(&digits[..4])).unwrap_or(0);
            if let Some(d) = NaiveDate::from_ymd_opt(year, n(&digits[4..6]), n(&digits[6..])) {
                return Ok(d);
            }
            return Err(format!(
                "\"{t}\" is not a day in the calendar (dates are YYYY-MM-DD)"
            ));
        }
    }
    if let Some(readings) = local_readings(t) {
        return Err(match readings {
            (Some(dmy), Some(mdy)) if dmy != mdy => format!(
                "\"{t}\" is ambiguous: it is {dmy} read as day/month/year, {mdy} read as month/day/year; write dates as YYYY-MM-DD"
            ),
            (Some(d), _) => format!(
                "\"{t}\" is not written YYYY-MM-DD: it can only be {d} (day/month/year); write {d}"
            ),
            (None, Some(d)) => format!(
                "\"{t}\" is not written YYYY-MM-DD: it can only be {d} (month/day/year); write {d}"
            ),
            (None, None) => format!(
                "\"{t}\" is not a day in the calendar: write dates as YYYY-MM-DD, like 2020-01-13"
            ),
        });
    }
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if parts.len() == 3
        && parts[0].len() == 4
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
    {
        return match NaiveDate::parse_from_str(t, "%Y/%m/%d")
            .or_else(|_| NaiveDate::parse_from_str(t, "%Y.%m.%d"))
            .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        {
            Ok(d) => Err(format!("\"{t}\" is not written YYYY-MM-DD: write {d}")),
            Err(_) => Err(format!(
                "\"{t}\" is not a day in the calendar (dates are YYYY-MM-DD)"
            )),
        };
    }
    Err(format!(
        "\"{t}\" is not a date: write it as YYYY-MM-DD, like 2020-01-13"
    ))
}

/// Numbers as a person writes them: `3.5`, `2`, never `2.0000000001`.
pub fn format_number(x: f64) -> String {
    let rounded = (x * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        let s = format!("{rounded:.3}");
        s.trim_end_matches('0').to_string()
    }
}

/// A meeting's length as people write it: minutes (`45`, `45m`, `45 mins`, `45 minutes`), hours
/// (`1h`, `1 hour`, `1.5 hours`) or both (`1h30`, `1:30`). `None` when it is none of these or not
/// a whole number of minutes.
pub fn parse_minutes(text: &str) -> Option<u32> {
    let t = text.trim().to_ascii_lowercase();
    let whole = |s: &str| -> Option<u32> {
        if s.is_empty() {
            Some(0)
        } else if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    // `1h30`, `1h30m`, `1:30`.
    if let Some((h, m)) = t.split_once(':').or_else(|| {
        t.split_once('h').filter(|(_, m)| {
            !m.is_empty() && !m.starts_with(char::is_alphabetic) && !m.starts_with(' ')
        })
    }) {
        let m = m.strip_suffix('m').unwrap_or(m);
        let (h, m) = (whole(h.trim())?, whole(m.trim())?);
        return (m < 60)
            .then(|| h.checked_mul(60)?.checked_add(m))
            .flatten();
    }
    let number_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(number_end);
    let value: f64 = number.parse().ok().filter(|v: &f64| v.is_finite())?;
    let minutes = match unit.trim() {
        "" | "m" | "min" | "mins" | "minute" | "minutes" => value,
        "h" | "hr" | "hrs" | "hour" | "hours" => value * 60.0,
        _ => return None,
    };
    let rounded = minutes.round();
    (rounded == minutes && (0.0..=f64::from(u32::MAX)).contains(&rounded))
        .then(|| format!("{rounded:.0}").parse().ok())
        .flatten()
}

/// The largest number a participant id may carry (`p99999999`): ids never wrap.
pub const MAX_ID_NUMBER: u32 = 99_999_999;
/// The highest score a pair may have in `matches.csv`.
pub const MAX_SCORE: f64 = 10_000.0;
/// A pair's one-to-ones are numbered 1 to this.
pub const MAX_MEETING_NUMBER: u32 = 999;
/// The highest revision a meeting's calendar entry may reach.
pub const MAX_SEQUENCE: u32 = 99_999;
/// The longest a one-to-one may be recorded as lasting, in minutes (a working day).
pub const MAX_MINUTES: u32 = 480;
/// The largest survey scale (answers run from 1 to the scale).
pub const MAX_SCALE: u32 = 10;

/// Participant ids: `p` then digits (`p001`), so a spreadsheet can never turn one into a number.
pub fn format_id(n: u32) -> String {
    format!("p{n:03}")
}

pub fn id_number(id: &str) -> Option<u32> {
    id.strip_prefix('p')?.parse().ok()
}

words! {
    /// Who a group session is for.
    pub enum Audience {
        Mentors = "mentors" | "mentor",
        Mentees = "mentees" | "mentee",
        All = "all" | "everyone",
    }
}

impl Audience {
    pub fn includes(self, role: Role) -> bool {
        matches!(
            (self, role),
            (Audience::All, _)
                | (Audience::Mentors, Role::Mentor)
                | (Audience::Mentees, Role::Mentee)
        )
    }
}

words! {
    /// A briefing (which gates matching) or the group evaluation activity. An empty cell is a
    /// briefing (files from before the column existed).
    pub enum SessionKind {
        Briefing = "briefing" | "",
        Evaluation = "evaluation",
    }
}

/// A group session: a briefing before matching, or the group evaluation activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Briefing {
    pub id: String,
    pub date: NaiveDate,
    pub audience: Audience,
    pub hours: f64,
    pub title: String,
    pub kind: SessionKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendance {
    pub briefing: String,
    pub participant: String,
}

words! {
    /// Where a pair stands.
    pub enum PairStatus {
        Proposed = "proposed",
        Confirmed = "confirmed",
        Ended = "ended",
    }
}

/// A mentee and mentor: proposed by `match`, confirmed by the coordinator, ended by a withdrawal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub mentee: String,
    pub mentor: String,
    pub score: f64,
    pub reasons: String,
    pub status: PairStatus,
    pub proposed_on: Option<NaiveDate>,
    pub confirmed_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: String,
}

/// A pair made in an earlier cohort under the same root (confirmed, whether it ran its course or
/// ended), by the two people's emails: how a returning person, who has a new id, is known again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierPair {
    pub cohort: String,
    pub mentee_email: String,
    pub mentor_email: String,
}

words! {
    /// What happened to a one-to-one.
    pub enum MeetingStatus {
        Planned = "planned",
        Held = "held",
        Cancelled = "cancelled",
    }
}

/// One one-to-one: its window, its planned date and what happened. Never what was said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub mentee: String,
    pub mentor: String,
    pub number: u32,
    pub due_from: NaiveDate,
    pub due_by: NaiveDate,
    pub planned: Option<NaiveDate>,
    pub status: MeetingStatus,
    pub date: Option<NaiveDate>,
    pub minutes: Option<u32>,
    pub topics: Vec<String>,
    pub reason: String,
    /// The meeting's identity for life (its calendar UID); empty in files written before it existed.
    pub uid: String,
    /// Raised each time the planned day or time changes, so a calendar takes the newest version.
    pub sequence: u32,
    /// The time of day the meeting was planned at (the calendar's start time).
    pub time: Option<NaiveTime>,
    /// The weekday and time the pair agreed on (`schedule --pair WHO --at 'Tue 14:00'`).
    pub agreed: Option<Agreed>,
}

impl Meeting {
    /// The meeting's identity: its `uid`, or for a row from before uids, the pair and number (what
    /// calendars written then used).
    pub fn identity(&self) -> String {
        if self.uid.is_empty() {
            format!("{}-{}-{}", self.mentee, self.mentor, self.number)
        } else {
            self.uid.clone()
        }
    }

    /// Whether this meeting belongs to the pair `(mentee, mentor)`.
    pub fn of(&self, mentee: &str, mentor: &str) -> bool {
        self.mentee == mentee && self.mentor == mentor
    }
}

/// A pair's agreed slot for its one-to-ones: a weekday, a time of day, or both (`Tue 14:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Agreed {
    /// Monday to Friday.
    pub weekday: Option<chrono::Weekday>,
    pub time: Option<NaiveTime>,
}

const WEEKDAYS: [(chrono::Weekday, &str, &str); 7] = [
    (chrono::Weekday::Mon, "Mon", "monday"),
    (chrono::Weekday::Tue, "Tue", "tuesday"),
    (chrono::Weekday::Wed, "Wed", "wednesday"),
    (chrono::Weekday::Thu, "Thu", "thursday"),
    (chrono::Weekday::Fri, "Fri", "friday"),
    (chrono::Weekday::Sat, "Sat", "saturday"),
    (chrono::Weekday::Sun, "Sun", "sunday"),
];

/// A time of day written `H:MM` or `HH:MM` (24-hour clock).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let (h, m) = text.trim().split_once(':')?;
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(h, 1..=2) && digits(m, 2..=2)) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

impl Agreed {
    /// `Tue 14:00`, `Tuesday 14:00`, `Tue`, `14:00` (any case); a weekend day is refused.
    pub fn parse(text: &str) -> Result<Agreed, String> {
        let bad = || {
            format!(
                "\"{text}\" is not an agreed slot: write a weekday and a time, like \"Tue 14:00\" (or just \"Tue\", or \"14:00\")"
            )
        };
        let mut agreed = Agreed {
            weekday: None,
            time: None,
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() || words.len() > 2 {
            return Err(bad());
        }
        for word in words {
            let lower = word.to_ascii_lowercase();
            if let Some((day, _, _)) = WEEKDAYS
                .iter()
                .find(|(_, short, long)| lower == short.to_ascii_lowercase() || lower == *long)
            {
                if agreed.weekday.is_some() {
                    return Err(bad());
                }
                if matches!(day, chrono::Weekday::Sat | chrono::Weekday::Sun) {
                    return Err(format!(
                        "\"{text}\": one-to-ones are planned on working days, never at a weekend: agree a day from Monday to Friday"
                    ));
                }
                agreed.weekday = Some(*day);
            } else if let Some(time) = parse_time(word) {
                if agreed.time.is_some() {
                    return Err(bad());
                }
                agreed.time = Some(time);
            } else {
                return Err(bad());
            }
        }
        Ok(agreed)
    }
}

impl fmt::Display for Agreed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = self
            .weekday
            .and_then(|d| WEEKDAYS.iter().find(|(w, _, _)| *w == d))
            .map(|(_, short, _)| *short);
        let time = self.time.map(|t| t.format("%H:%M").to_string());
        match (day, time) {
            (Some(d), Some(t)) => write!(f, "{d} {t}"),
            (Some(d), None) => f.write_str(d),
            (None, Some(t)) => f.write_str(&t),
            (None, None) => Ok(()),
        }
    }
}

words! {
    /// When a survey was taken: at the start of the cohort or at its end.
    pub enum Phase {
        Baseline = "baseline",
        Final = "final",
    }
}

/// The `question` of the row that holds a respondent's free-text comment (their quote).
pub const QUOTE: &str = "quote";

/// One survey answer: a participant's answer to one question in one phase, keyed by id only.
/// A row whose question is [`QUOTE`] holds the respondent's comment, with their consent to quote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    pub participant: String,
    pub phase: Phase,
    pub question: String,
    /// A question's answer as a whole number from 1 to its scale; a quote's text.
    pub answer: String,
    /// On a quote row: whether its author agreed to be quoted anonymously (`None`: not asked).
    pub consent: Option<bool>,
    /// On a quote row: the coordinator's decision (`survey quotes --approve` / `--reject`).
    pub approval: Approval,
    /// On an approved quote: the text as approved, with the automatic redactions made.
    pub published: String,
}

/// The coordinator's decision on a consented quote: only approved quotes are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Approval {
    #[default]
    Undecided,
    Approved,
    Rejected,
}

impl Approval {
    pub fn as_str(self) -> &'static str {
        match self {
            Approval::Undecided => "",
            Approval::Approved => "approved",
            Approval::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Approval> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" => Some(Approval::Undecided),
            "approved" => Some(Approval::Approved),
            "rejected" => Some(Approval::Rejected),
            _ => None,
        }
    }
}

impl Response {
    pub fn is_quote(&self) -> bool {
        self.question == QUOTE
    }

    /// The answer as a number (question rows only).
    pub fn score(&self) -> Option<u32> {
        if self.is_quote() {
            None
        } else {
            self.answer.parse().ok()
        }
    }
}

/// The kinds of message `notify` writes, one for each moment of a cohort's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    Application,
    Briefing,
    Introduction,
    Reminder,
    Chaser,
    Survey,
    Thanks,
}

impl MessageKind {
    pub const ALL: [MessageKind; 7] = [
        MessageKind::Application,
        MessageKind::Briefing,
        MessageKind::Introduction,
        MessageKind::Reminder,
        MessageKind::Chaser,
        MessageKind::Survey,
        MessageKind::Thanks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Application => "application",
            MessageKind::Briefing => "briefing",
            MessageKind::Introduction => "introduction",
            MessageKind::Reminder => "reminder",
            MessageKind::Chaser => "chaser",
            MessageKind::Survey => "survey",
            MessageKind::Thanks => "thanks",
        }
    }

    pub fn parse(text: &str) -> Option<MessageKind> {
        MessageKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a message left the tool: written as a draft to send from a mail client, or sent through
/// the SMTP relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    Draft,
    Smtp,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Draft => "draft",
            Via::Smtp => "smtp",
        }
    }

    pub fn parse(text: &str) -> Option<Via> {
        [Via::Draft, Via::Smtp]
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// One row of `messages.csv`: one recipient of one message — who, which kind, what it was about,
/// when, and its Message-ID. Never the body, never the subject (either may hold names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// The participant it went to (or about: a copy to the coordinator is marked by `escalated`).
    pub participant: String,
    pub kind: MessageKind,
    /// What it was about, in words the tool compares: `accepted`, `session b1`, `pair p015-p002`,
    /// `meeting p015-p002 3 on 2020-03-09`, `lapse p015-p002 since 2020-03-09`, `phase final`, `close`.
    pub about: String,
    pub date: NaiveDate,
    pub via: Via,
    /// The Message-ID header, `<...@domain>`; blanked by erasure.
    pub message_id: String,
    /// A chaser that also went to the coordinator (`[messages] escalate_to`).
    pub escalated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A listing's label is the person's name, borrowed; an erased tombstone's is its id, made.
    #[test]
    fn a_label_is_the_name_or_the_erased_id() {
        let ann = Participant {
            name: "Ann Lee".into(),
            ..Participant::for_test("p001", Role::Mentee)
        };
        assert!(matches!(ann.label(), std::borrow::Cow::Borrowed("Ann Lee")));
        let erased = Participant {
            status: Status::Erased,
            ..ann.tombstone()
        };
        assert!(matches!(
            erased.label(),
            std::borrow::Cow::Owned(label) if label == "p001 (erased)"
        ));
    }

    #[test]
    fn dates_are_strict_and_explain_themselves() {
        assert!(parse_date("2020-01-13").is_ok());
        assert!(
            parse_date("2020-02-30")
                .expect_err("bad")
                .contains("calendar")
        );
        assert!(
            parse_date("03/04/2020")
                .expect_err("bad")
                .contains("ambiguous")
        );
        let e = parse_date("30/11/2026").expect_err("uk");
        assert!(!e.contains("ambiguous") && e.contains("2026-11-30"), "{e}");
        let e = parse_date("13/01/2021").expect_err("uk");
        assert!(e.contains("2021-01-13") && e.contains("day/month"), "{e}");
        assert!(
            parse_date("05/05/2020")
                .expect_err("same")
                .contains("2020-05-05")
        );
        assert!(parse_date("2020-1-3").is_err());
        assert_eq!(
            parse_date_in("03/04/2020", DateOrder::Dmy).ok(),
            NaiveDate::from_ymd_opt(2020, 4, 3)
        );
        assert_eq!(
            parse_date_in("03/04/2020 00:00", DateOrder::Mdy).ok(),
            NaiveDate::from_ymd_opt(2020, 3, 4)
        );
        assert!(parse_date_in("31/02/2020", DateOrder::Dmy).is_err());
    }

    #[test]
    fn known_values() {
        assert!(!is_known(" Prefer not to say "));
        assert!(!is_known("UNKNOWN"));
        assert!(is_known("Woman"));
    }

    #[test]
    fn agreed_slots_read_and_write_back() {
        for (text, written) in [
            ("Tue 14:00", "Tue 14:00"),
            ("tuesday 9:30", "Tue 09:30"),
            ("14:00 Fri", "Fri 14:00"),
            ("Mon", "Mon"),
            ("08:05", "08:05"),
        ] {
            let a = Agreed::parse(text).expect(text);
            assert_eq!(a.to_string(), written);
            assert_eq!(Agreed::parse(written), Ok(a));
        }
        for bad in ["", "Sat 10:00", "Tue Wed", "25:00", "Tue 14", "Tue 14:00 x"] {
            assert!(Agreed::parse(bad).is_err(), "{bad}");
        }
        assert!(
            Agreed::parse("Sunday")
                .expect_err("weekend")
                .contains("weekend")
        );
    }

    #[test]
    fn emails() {
        assert!(is_email("a.b@x.example"));
        assert!(!is_email("a b@x.example"));
        assert!(!is_email("ab@example"));
        assert!(!is_email("@x.example"));
        // Every kind of space refuses an address, ASCII (the fast path) or not.
        for space in [
            " ", "\t", "\u{b}", "\u{c}", "\r", "\n", "\u{85}", "\u{a0}", "\u{2003}",
        ] {
            assert!(!is_email(&format!("a{space}b@x.example")), "{space:?}");
            assert!(!is_email(&format!("josé{space}b@x.example")), "{space:?}");
        }
        for bad in [",", ";", "<", ">", "\""] {
            assert!(!is_email(&format!("a{bad}b@x.example")), "{bad}");
            assert!(!is_email(&format!("é{bad}b@x.example")), "{bad}");
        }
        assert!(is_email("josé.núñez@x.example"));
        assert_eq!(normalise_email("  A.B@X.Example "), "a.b@x.example");
        assert_eq!(normalise_email(" ÉLISE@X.example"), "élise@x.example");
    }
}
