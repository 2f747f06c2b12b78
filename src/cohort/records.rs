//! How each model value is laid out as a CSV row: the column lists and the cell conversions.
//!
//! Free text people write in their own words (survey comments, reasons for a withdrawal, a pair's
//! end or a cancelled meeting) is kept word for word, stored behind a `'` where it begins like a
//! formula (`CellWriter::words`, `Cells::words`) so that a spreadsheet shows it rather than runs it.

use super::table::{CellWriter, Cells, Record};
use crate::csvio::CsvError;
use crate::model::*;
use crate::text::Kind;

/// `participants.csv`: the first ten columns are required; later ones are added when missing.
pub const PARTICIPANT_COLUMNS: &[&str] = PARTICIPANT_FIELDS;
pub const PARTICIPANT_REQUIRED: usize = 10;
pub const BRIEFING_COLUMNS: &[&str] = &["id", "date", "audience", "hours", "title", "kind"];
pub const BRIEFING_REQUIRED: usize = 5;
pub const ATTENDANCE_COLUMNS: &[&str] = &["briefing", "participant"];
pub const PAIR_COLUMNS: &[&str] = &[
    "mentee",
    "mentor",
    "score",
    "reasons",
    "status",
    "proposed_on",
    "confirmed_on",
    "ended_on",
    "end_reason",
];
/// `meetings.csv`: the first eleven columns are the specified ones; `uid`, `sequence`, `time` and
/// `agreed` came later, so a file without them still reads (they are added on the next write).
pub const MEETING_COLUMNS: &[&str] = &[
    "mentee", "mentor", "number", "due_from", "due_by", "planned", "status", "date", "minutes",
    "topics", "reason", "uid", "sequence", "time", "agreed",
];
pub const MEETING_REQUIRED: usize = 11;
/// `responses.csv`: `consent` (on quote rows) came later, and `approval` and `published` (the
/// coordinator's decision on a quote, and its text as approved) later still, so older files
/// without them still read.
pub const RESPONSE_COLUMNS: &[&str] = &[
    "participant",
    "phase",
    "question",
    "answer",
    "consent",
    "approval",
    "published",
];
pub const RESPONSE_REQUIRED: usize = 4;
/// `org.csv`: `name` is optional.
pub const ORG_COLUMNS: &[&str] = &["email", "manager", "name"];
/// `reach.csv`: counts of one characteristic's values, frozen by `purge`.
pub const REACH_COLUMNS: &[&str] = &[
    "characteristic",
    "value",
    "label",
    "mentors",
    "mentors_completing",
    "mentees",
    "mentees_completing",
];
pub const ORG_REQUIRED: usize = 2;
/// `returned.csv`: a later cohort's participant who had taken part in this one, kept by `purge`.
pub const RETURNED_COLUMNS: &[&str] = &["cohort", "id"];
/// `messages.csv`: one row per recipient of each message `notify` wrote or sent; never its body.
pub const MESSAGE_COLUMNS: &[&str] = &[
    "participant",
    "kind",
    "about",
    "date",
    "via",
    "message_id",
    "escalated",
];

pub fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|c| c.to_string()).collect()
}

fn list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Record for Participant {
    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let role = c.word("role", Role::parse, "a role", "mentor or mentee")?;
        let status = c.word(
            "status",
            Status::parse,
            "a status",
            "active, ineligible, withdrawn or erased",
        )?;
        // An erased person, or anyone in a purged cohort, is an id without a name or email.
        let erased = status == Status::Erased || c.purged();
        let email = normalise_email(c.get("email"));
        if !erased && !is_email(&email) {
            return Err(c.error(
                "email",
                format!(
                    "\"{}\" is not an email address (expected name@domain)",
                    c.get("email")
                ),
            ));
        }
        if !erased && c.get("name").is_empty() {
            return Err(c.error("name", "is empty, but every participant has a name"));
        }
        let id = c.id("id")?;
        if id_number(id).is_none_or(|n| n > MAX_ID_NUMBER) {
            return Err(c.error(
                "id",
                format!("\"{id}\" is not a participant id: ids are p and a number up to {MAX_ID_NUMBER} (like p001)"),
            ));
        }
        Ok(Participant {
            id: id.to_string(),
            role,
            name: c.get("name").to_string(),
            email,
            department: c.get("department").to_string(),
            grade: c.get("grade").to_string(),
            manager: c.get("manager").to_string(),
            status,
            enrolled_on: c.date("enrolled_on")?,
            conflicts: list(c.get("conflicts")),
            status_on: c.date("status_on")?,
            status_reason: c.words("status_reason").to_string(),
            eligibility: c.get("eligibility").to_string(),
            interests: list(c.get("interests")),
        })
    }

    fn date_columns() -> &'static [&'static str] {
        &["enrolled_on", "status_on"]
    }

    fn text_kind(column: &str) -> Kind {
        match column {
            "email" => Kind::Email,
            "status_reason" | "conflicts" | "eligibility" | "interests" => Kind::Note,
            _ => Kind::Short,
        }
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.id);
        w.text(self.role.as_str());
        w.text(&self.name);
        w.text(&self.email);
        w.text(&self.department);
        w.text(&self.grade);
        w.text(&self.manager);
        w.text(self.status.as_str());
        w.date(self.enrolled_on);
        w.list(&self.conflicts);
        w.date(self.status_on);
        w.words(&self.status_reason);
        w.text(&self.eligibility);
        w.list(&self.interests);
    }
}

/// The most people one cohort can count (participant ids stop at p99999999).
const MAX_PEOPLE: u32 = 99_999_999;

impl Record for ReachCount {
    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let count = |column: &str| -> Result<u32, CsvError> {
            Ok(c.number(column, 0..=MAX_PEOPLE, "a number of people")?
                .unwrap_or(0))
        };
        Ok(ReachCount {
            characteristic: c.required("characteristic")?.trim().to_string(),
            value: c.get("value").trim().to_string(),
            label: c.get("label").trim().to_string(),
            mentors: count("mentors")?,
            mentors_completing: count("mentors_completing")?,
            mentees: count("mentees")?,
            mentees_completing: count("mentees_completing")?,
        })
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.characteristic);
        w.text(&self.value);
        w.text(&self.label);
        w.display(self.mentors);
        w.display(self.mentors_completing);
        w.display(self.mentees);
        w.display(self.mentees_completing);
    }
}

impl Record for Returned {
    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let cohort = c.required("cohort")?.trim();
        if !super::is_cohort_name(cohort) {
            return Err(c.error(
                "cohort",
                format!("\"{cohort}\" is not a cohort name (lower-case letters, digits and '-')"),
            ));
        }
        Ok(Returned {
            cohort: cohort.to_string(),
            id: c.id("id")?.to_string(),
        })
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.cohort);
        w.text(&self.id);
    }
}

impl Record for OrgPerson {
    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let email = normalise_email(c.get("email"));
        if !is_email(&email) {
            return Err(c.error(
                "email",
                format!(
                    "\"{}\" is not an email address (expected name@domain)",
                    c.get("email")
                ),
            ));
        }
        let raw = c.get("manager").trim();
        let manager = if is_email(&normalise_email(raw)) {
            normalise_email(raw)
        } else if raw.is_empty() || id_number(raw).is_some() {
            raw.to_string()
        } else {
            return Err(c.error(
                "manager",
                format!(
                    "\"{raw}\" is not an email or a participant's id: write the manager's email (`revmentor org --from` also takes a name that matches exactly one person, and writes their email)"
                ),
            ));
        };
        Ok(OrgPerson {
            email,
            manager,
            name: c.get("name").trim().to_string(),
        })
    }

    fn text_kind(column: &str) -> Kind {
        match column {
            "email" | "manager" => Kind::Email,
            _ => Kind::Short,
        }
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.email);
        w.text(&self.manager);
        w.text(&self.name);
    }
}

impl Record for Traits {
    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let id = c.id("id")?.to_string();
        let values = c.values()[1..]
            .iter()
            .map(|v| v.trim().to_string())
            .collect();
        Ok(Traits { id, values })
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.id);
        for v in &self.values {
            w.text(v);
        }
    }
}

impl Record for Briefing {
    fn date_columns() -> &'static [&'static str] {
        &["date"]
    }

    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let audience = c.word(
            "audience",
            Audience::parse,
            "an audience",
            "mentors, mentees or all",
        )?;
        let hours = match c.get("hours") {
            "" => 0.0,
            h => h
                .parse::<f64>()
                .ok()
                .filter(|h| h.is_finite() && (0.0..=24.0).contains(h))
                .ok_or_else(|| {
                    c.error(
                        "hours",
                        format!("\"{h}\" is not a number of hours from 0 to 24 (like 3.5)"),
                    )
                })?,
        };
        let kind = c.word(
            "kind",
            SessionKind::parse,
            "a kind of session",
            "briefing or evaluation",
        )?;
        Ok(Briefing {
            id: c.id("id")?.to_string(),
            date: c.required_date("date")?,
            audience,
            hours,
            title: c.get("title").to_string(),
            kind,
        })
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.id);
        w.display(self.date);
        w.text(self.audience.as_str());
        w.text(&format_number(self.hours));
        w.text(&self.title);
        w.text(self.kind.as_str());
    }
}

impl Record for Attendance {
    fn parse(c: &Cells) -> Result<Self, CsvError> {
        Ok(Attendance {
            briefing: c.id("briefing")?.to_string(),
            participant: c.id("participant")?.to_string(),
        })
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.briefing);
        w.text(&self.participant);
    }
}

impl Record for Pair {
    fn date_columns() -> &'static [&'static str] {
        &["proposed_on", "confirmed_on", "ended_on"]
    }

    fn text_kind(column: &str) -> Kind {
        match column {
            "reasons" => Kind::Note,
            "end_reason" => Kind::Ending,
            _ => Kind::Short,
        }
    }

    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let status = c.word(
            "status",
            PairStatus::parse,
            "a pair status",
            "proposed, confirmed or ended",
        )?;
        let score = match c.get("score") {
            "" => 0.0,
            s => s
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && (0.0..=MAX_SCORE).contains(s))
                .ok_or_else(|| {
                    c.error(
                        "score",
                        format!("\"{s}\" is not a score: a number from 0 to {MAX_SCORE}"),
                    )
                })?,
        };
        Ok(Pair {
            mentee: c.id("mentee")?.to_string(),
            mentor: c.id("mentor")?.to_string(),
            score,
            reasons: c.get("reasons").to_string(),
            status,
            proposed_on: c.date("proposed_on")?,
            confirmed_on: c.date("confirmed_on")?,
            ended_on: c.date("ended_on")?,
            end_reason: c.words("end_reason").to_string(),
        })
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.mentee);
        w.text(&self.mentor);
        w.text(&format_number(self.score));
        w.text(&self.reasons);
        w.text(self.status.as_str());
        w.date(self.proposed_on);
        w.date(self.confirmed_on);
        w.date(self.ended_on);
        w.words(&self.end_reason);
    }
}

impl Record for Meeting {
    fn date_columns() -> &'static [&'static str] {
        &["due_from", "due_by", "planned", "date"]
    }

    fn text_kind(column: &str) -> Kind {
        match column {
            "topics" | "reason" => Kind::Note,
            _ => Kind::Short,
        }
    }

    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let status = c.word(
            "status",
            MeetingStatus::parse,
            "a meeting status",
            "planned, held or cancelled",
        )?;
        c.required("number")?;
        let number = c
            .number("number", 1..=MAX_MEETING_NUMBER, "a meeting's number")?
            .unwrap_or(1);
        let minutes = c.number("minutes", 1..=MAX_MINUTES, "a number of minutes")?;
        let uid = c.get("uid");
        if uid.len() > 100
            || !uid
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
        {
            return Err(c.error(
                "uid",
                format!(
                    "\"{}\" is not a meeting's uid (letters, digits, '-', '_' and '.', like p015-p002-3-20200113): restore it from a backup or git",
                    crate::text::terminal_safe(uid, false)
                ),
            ));
        }
        let sequence = c
            .number("sequence", 0..=MAX_SEQUENCE, "a calendar sequence number")?
            .unwrap_or(0);
        let time = match c.get("time") {
            "" => None,
            t => Some(parse_time(t).ok_or_else(|| {
                c.error(
                    "time",
                    format!("\"{t}\" is not a time of day: write HH:MM, like 14:00"),
                )
            })?),
        };
        let agreed = match c.get("agreed") {
            "" => None,
            a => Some(Agreed::parse(a).map_err(|e| c.error("agreed", e))?),
        };
        Ok(Meeting {
            mentee: c.id("mentee")?.to_string(),
            mentor: c.id("mentor")?.to_string(),
            number,
            due_from: c.required_date("due_from")?,
            due_by: c.required_date("due_by")?,
            planned: c.date("planned")?,
            status,
            date: c.date("date")?,
            minutes,
            topics: list(c.get("topics")),
            reason: c.words("reason").to_string(),
            uid: uid.to_string(),
            sequence,
            time,
            agreed,
        })
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.mentee);
        w.text(&self.mentor);
        w.display(self.number);
        w.display(self.due_from);
        w.display(self.due_by);
        w.date(self.planned);
        w.text(self.status.as_str());
        w.date(self.date);
        w.optional(self.minutes);
        w.list(&self.topics);
        w.words(&self.reason);
        w.text(&self.uid);
        w.display(self.sequence);
        w.optional(self.time.map(|t| t.format("%H:%M")));
        w.optional(self.agreed);
    }
}

impl Record for Response {
    fn text_kind(column: &str) -> Kind {
        match column {
            "answer" | "published" => Kind::Comment,
            _ => Kind::Short,
        }
    }

    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let phase = c.word("phase", Phase::parse, "a survey phase", "baseline or final")?;
        let question = c.required("question")?.to_string();
        let answer = c.words("answer").to_string();
        if question != QUOTE
            && !answer
                .parse::<u32>()
                .is_ok_and(|a| (1..=MAX_SCALE).contains(&a))
        {
            return Err(c.error(
                "answer",
                format!("\"{answer}\" is not an answer (expected a whole number from 1 to the question's scale)"),
            ));
        }
        let consent = match c.get("consent") {
            "" => None,
            v => Some(
                crate::cohort::config::YesNo::parse(v)
                    .ok_or_else(|| c.error("consent", format!("\"{v}\" is not yes or no")))?
                    == crate::cohort::config::YesNo::Yes,
            ),
        };
        let approval = c.word(
            "approval",
            Approval::parse,
            "a decision on a quote",
            "approved, rejected or empty",
        )?;
        if approval != Approval::Undecided && question != QUOTE {
            return Err(c.error(
                "approval",
                "is for quote rows only (question \"quote\"): leave it empty",
            ));
        }
        Ok(Response {
            participant: c.id("participant")?.to_string(),
            phase,
            question,
            answer,
            consent,
            approval,
            published: c.words("published").to_string(),
        })
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.participant);
        w.text(self.phase.as_str());
        w.text(&self.question);
        w.words(&self.answer);
        w.text(match self.consent {
            None => "",
            Some(true) => "yes",
            Some(false) => "no",
        });
        w.text(self.approval.as_str());
        w.words(&self.published);
    }
}

impl Record for Message {
    fn date_columns() -> &'static [&'static str] {
        &["date"]
    }

    fn text_kind(column: &str) -> Kind {
        match column {
            "about" | "message_id" => Kind::Note,
            _ => Kind::Short,
        }
    }

    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let kind = c.word(
            "kind",
            MessageKind::parse,
            "a kind of message",
            "application, briefing, introduction, reminder, chaser, survey or thanks",
        )?;
        let via = c.word("via", Via::parse, "a way of sending", "draft or smtp")?;
        let escalated = match c.get("escalated") {
            "" => false,
            v => {
                crate::cohort::config::YesNo::parse(v)
                    .ok_or_else(|| c.error("escalated", format!("\"{v}\" is not yes or no")))?
                    == crate::cohort::config::YesNo::Yes
            }
        };
        Ok(Message {
            participant: c.id("participant")?.to_string(),
            kind,
            about: c.get("about").to_string(),
            date: c.required_date("date")?,
            via,
            message_id: c.get("message_id").to_string(),
            escalated,
        })
    }

    fn write(&self, w: &mut CellWriter) {
        w.text(&self.participant);
        w.text(self.kind.as_str());
        w.text(&self.about);
        w.display(self.date);
        w.text(self.via.as_str());
        w.text(&self.message_id);
        w.text(if self.escalated { "yes" } else { "" });
    }
}
