//! How each model value is laid out as a CSV row: the column lists and the cell conversions.

use chrono::NaiveDate;

use super::table::{Cells, Record};
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
pub const MEETING_COLUMNS: &[&str] = &[
    "mentee", "mentor", "number", "due_from", "due_by", "planned", "status", "date", "minutes",
    "topics", "reason",
];
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

pub fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|c| c.to_string()).collect()
}

fn date_cell(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
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
        let erased = status == Status::Erased;
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
            status_reason: c.get("status_reason").to_string(),
            eligibility: c.get("eligibility").to_string(),
        })
    }

    fn date_columns() -> &'static [&'static str] {
        &["enrolled_on", "status_on"]
    }

    fn text_kind(column: &str) -> Kind {
        match column {
            "email" => Kind::Email,
            "status_reason" | "conflicts" | "eligibility" => Kind::Note,
            _ => Kind::Short,
        }
    }

    fn cells(&self, _: &[String]) -> Vec<String> {
        vec![
            self.id.clone(),
            self.role.as_str().into(),
            self.name.clone(),
            self.email.clone(),
            self.department.clone(),
            self.grade.clone(),
            self.manager.clone(),
            self.status.as_str().into(),
            date_cell(self.enrolled_on),
            self.conflicts.join(";"),
            date_cell(self.status_on),
            self.status_reason.clone(),
            self.eligibility.clone(),
        ]
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

    fn cells(&self, columns: &[String]) -> Vec<String> {
        let mut cells = Vec::with_capacity(columns.len());
        cells.push(self.id.clone());
        cells.extend(self.values.iter().cloned());
        cells.resize(columns.len(), String::new());
        cells
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

    fn cells(&self, _: &[String]) -> Vec<String> {
        vec![
            self.id.clone(),
            self.date.to_string(),
            self.audience.as_str().into(),
            format_number(self.hours),
            self.title.clone(),
            self.kind.as_str().into(),
        ]
    }
}

impl Record for Attendance {
    fn parse(c: &Cells) -> Result<Self, CsvError> {
        Ok(Attendance {
            briefing: c.id("briefing")?.to_string(),
            participant: c.id("participant")?.to_string(),
        })
    }

    fn cells(&self, _: &[String]) -> Vec<String> {
        vec![self.briefing.clone(), self.participant.clone()]
    }
}

impl Record for Pair {
    fn date_columns() -> &'static [&'static str] {
        &["proposed_on", "confirmed_on", "ended_on"]
    }

    fn text_kind(column: &str) -> Kind {
        match column {
            "reasons" | "end_reason" => Kind::Note,
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
            end_reason: c.get("end_reason").to_string(),
        })
    }

    fn cells(&self, _: &[String]) -> Vec<String> {
        vec![
            self.mentee.clone(),
            self.mentor.clone(),
            format_number(self.score),
            self.reasons.clone(),
            self.status.as_str().into(),
            date_cell(self.proposed_on),
            date_cell(self.confirmed_on),
            date_cell(self.ended_on),
            self.end_reason.clone(),
        ]
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
            reason: c.get("reason").to_string(),
        })
    }

    fn cells(&self, _: &[String]) -> Vec<String> {
        vec![
            self.mentee.clone(),
            self.mentor.clone(),
            self.number.to_string(),
            self.due_from.to_string(),
            self.due_by.to_string(),
            date_cell(self.planned),
            self.status.as_str().into(),
            date_cell(self.date),
            self.minutes.map(|m| m.to_string()).unwrap_or_default(),
            self.topics.join(";"),
            self.reason.clone(),
        ]
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
        let answer = c.get("answer").to_string();
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
            published: c.get("published").to_string(),
        })
    }

    fn cells(&self, _: &[String]) -> Vec<String> {
        vec![
            self.participant.clone(),
            self.phase.as_str().into(),
            self.question.clone(),
            self.answer.clone(),
            match self.consent {
                None => String::new(),
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
            },
            self.approval.as_str().into(),
            self.published.clone(),
        ]
    }
}
