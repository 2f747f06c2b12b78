//! Plain data: participants, characteristics, briefings, pairs, meetings, responses, and the small
//! value rules (emails, dates, ids, "not known") every module shares. No I/O here.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Mentor,
    Mentee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Mentor => "mentor",
            Role::Mentee => "mentee",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Role::Mentor => "mentors",
            Role::Mentee => "mentees",
        }
    }

    /// `mentor`/`mentee`, and the words forms use for them, in any case.
    pub fn parse(text: &str) -> Option<Role> {
        let t = text.trim();
        let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(t));
        if is(&["mentor", "reverse mentor", "mentors"]) {
            Some(Role::Mentor)
        } else if is(&["mentee", "senior leader", "leader", "mentees"]) {
            Some(Role::Mentee)
        } else {
            None
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Ineligible,
    Withdrawn,
    Erased,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Ineligible,
        Status::Withdrawn,
        Status::Erased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Ineligible => "ineligible",
            Status::Withdrawn => "withdrawn",
            Status::Erased => "erased",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
}

impl Participant {
    /// The label used in listings: `name <email>`, or the id for an erased tombstone.
    pub fn label(&self) -> String {
        if self.status == Status::Erased {
            format!("{} (erased)", self.id)
        } else {
            self.name.clone()
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

/// A value counts only when it is known: empty, "prefer not to say" and "unknown" are not.
pub fn is_known(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty()
        || v.eq_ignore_ascii_case("prefer not to say")
        || v.eq_ignore_ascii_case("unknown"))
}

/// Emails compare trimmed and case-insensitively; the store keeps them in this form.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
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
        && !email
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '"'))
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

/// The largest number a participant id may carry (`p99999999`): ids never wrap.
pub const MAX_ID_NUMBER: u32 = 99_999_999;
/// The highest score a pair may have in `matches.csv`.
pub const MAX_SCORE: f64 = 10_000.0;
/// A pair's one-to-ones are numbered 1 to this.
pub const MAX_MEETING_NUMBER: u32 = 999;
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Mentors,
    Mentees,
    All,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Mentors => "mentors",
            Audience::Mentees => "mentees",
            Audience::All => "all",
        }
    }

    pub fn parse(text: &str) -> Option<Audience> {
        match text.trim().to_ascii_lowercase().as_str() {
            "mentors" | "mentor" => Some(Audience::Mentors),
            "mentees" | "mentee" => Some(Audience::Mentees),
            "all" | "everyone" => Some(Audience::All),
            _ => None,
        }
    }

    pub fn includes(self, role: Role) -> bool {
        matches!(
            (self, role),
            (Audience::All, _)
                | (Audience::Mentors, Role::Mentor)
                | (Audience::Mentees, Role::Mentee)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionKind {
    Briefing,
    Evaluation,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Briefing => "briefing",
            SessionKind::Evaluation => "evaluation",
        }
    }

    pub fn parse(text: &str) -> Option<SessionKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "briefing" => Some(SessionKind::Briefing),
            "evaluation" => Some(SessionKind::Evaluation),
            _ => None,
        }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PairStatus {
    Proposed,
    Confirmed,
    Ended,
}

impl PairStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PairStatus::Proposed => "proposed",
            PairStatus::Confirmed => "confirmed",
            PairStatus::Ended => "ended",
        }
    }

    pub fn parse(text: &str) -> Option<PairStatus> {
        [
            PairStatus::Proposed,
            PairStatus::Confirmed,
            PairStatus::Ended,
        ]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MeetingStatus {
    Planned,
    Held,
    Cancelled,
}

impl MeetingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Planned => "planned",
            MeetingStatus::Held => "held",
            MeetingStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<MeetingStatus> {
        [
            MeetingStatus::Planned,
            MeetingStatus::Held,
            MeetingStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
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
}

/// When a survey was taken: at the start of the cohort or at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Baseline,
    Final,
}

impl Phase {
    pub const ALL: [Phase; 2] = [Phase::Baseline, Phase::Final];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Baseline => "baseline",
            Phase::Final => "final",
        }
    }

    pub fn parse(text: &str) -> Option<Phase> {
        Phase::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn emails() {
        assert!(is_email("a.b@x.example"));
        assert!(!is_email("a b@x.example"));
        assert!(!is_email("ab@example"));
        assert!(!is_email("@x.example"));
    }
}
