//! How each model value is laid out as a CSV row: the column lists and the cell conversions.

use chrono::NaiveDate;

use super::csvio::CsvError;
use super::table::{Cells, Record};
use crate::model::*;

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
/// `responses.csv`: `consent` (on quote rows) came later, so older files without it still read.
pub const RESPONSE_COLUMNS: &[&str] = &["participant", "phase", "question", "answer", "consent"];
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
        Ok(Participant {
            id: c.id("id")?.to_string(),
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
                .filter(|h| h.is_finite() && *h >= 0.0)
                .ok_or_else(|| {
                    c.error(
                        "hours",
                        format!("\"{h}\" is not a number of hours (like 3.5)"),
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
                .filter(|s| s.is_finite())
                .ok_or_else(|| c.error("score", format!("\"{s}\" is not a number")))?,
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
    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let status = c.word(
            "status",
            MeetingStatus::parse,
            "a meeting status",
            "planned, held or cancelled",
        )?;
        let number = c.required("number")?.parse::<u32>().map_err(|_| {
            c.error(
                "number",
                format!("\"{}\" is not a whole number", c.get("number")),
            )
        })?;
        let minutes = match c.get("minutes") {
            "" => None,
            m => Some(m.parse::<u32>().map_err(|_| {
                c.error(
                    "minutes",
                    format!("\"{m}\" is not a whole number of minutes"),
                )
            })?),
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
    fn parse(c: &Cells) -> Result<Self, CsvError> {
        let phase = c.word("phase", Phase::parse, "a survey phase", "baseline or final")?;
        let question = c.required("question")?.to_string();
        let answer = c.get("answer").to_string();
        if question != QUOTE && !answer.parse::<u32>().is_ok_and(|a| a >= 1) {
            return Err(c.error(
                "answer",
                format!("\"{answer}\" is not an answer (expected a whole number from 1 to the question's scale)"),
            ));
        }
        let consent = match c.get("consent") {
            "" => None,
            v => Some(
                crate::store::config::YesNo::parse(v)
                    .ok_or_else(|| c.error("consent", format!("\"{v}\" is not yes or no")))?
                    == crate::store::config::YesNo::Yes,
            ),
        };
        Ok(Response {
            participant: c.id("participant")?.to_string(),
            phase,
            question,
            answer,
            consent,
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
        ]
    }
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
