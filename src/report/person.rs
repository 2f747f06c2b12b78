//! Subject access: everything a cohort holds on one person, every row of every file that is theirs
//! (characteristics included), and nothing about anyone else: a partner appears by role only, and
//! every other person's name, email, id and department is replaced wherever free text names them.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::cohort::Cohort;
use crate::evaluation::Redactor;
use crate::evaluation::redact::Builder;
use crate::model::{Participant, Role};

/// One file's rows about the person, each as (column, value).
#[derive(Debug, Clone)]
pub struct Section {
    pub file: String,
    pub rows: Vec<Vec<(String, String)>>,
}

/// What the cohort holds on one person.
#[derive(Debug, Clone)]
pub struct Record {
    pub cohort: String,
    pub id: String,
    pub sections: Vec<Section>,
}

/// Everyone else, to be taken out of the person's rows.
fn others(cohort: &Cohort, id: &str) -> Redactor {
    let mut b = Builder::new();
    for p in cohort.participants.iter().filter(|p| p.id != id) {
        b.participant(p);
    }
    b.build()
}

/// The person's record: `outputs` are the register's rows naming them (path, kind, date).
pub fn record(
    cohort: &Cohort,
    person: &Participant,
    outputs: &[(String, String, String)],
) -> Record {
    let id = person.id.as_str();
    let others = others(cohort, id);
    let partner = |role: Role| match role {
        Role::Mentee => "their mentee",
        Role::Mentor => "their mentor",
    };
    // A cell as it can be given: the person's own id stays; another person's id becomes their
    // role; every other person named in text is replaced.
    let clean = |rows: Vec<Vec<(String, String)>>| -> Vec<Vec<(String, String)>> {
        rows.into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|(column, value)| {
                        let value = match column.as_str() {
                            "mentee" if value != id => partner(Role::Mentee).to_string(),
                            "mentor" if value != id => partner(Role::Mentor).to_string(),
                            // Who the manager and conflicts are is the person's data; their emails
                            // are someone else's.
                            "manager" | "conflicts" if !value.is_empty() => {
                                "(recorded: someone else's email or id, not shown)".to_string()
                            }
                            // The person's own identity is theirs.
                            "id" | "participant" | "name" | "email" => value,
                            _ if value == id => value,
                            _ => others.redact(&value),
                        };
                        (column, value)
                    })
                    .collect()
            })
            .collect()
    };
    let mine = |mentee: &str, mentor: &str| mentee == id || mentor == id;
    let attended: Vec<String> = cohort
        .attendance
        .iter()
        .filter(|a| a.participant == id)
        .map(|a| a.briefing.clone())
        .collect();
    let mut sections = vec![
        Section {
            file: crate::cohort::PARTICIPANTS.into(),
            rows: clean(cohort.participants.rows_as_cells(|p| p.id == id)),
        },
        Section {
            file: crate::cohort::CHARACTERISTICS.into(),
            rows: clean(cohort.traits.rows_as_cells(|t| t.id == id)),
        },
        Section {
            file: crate::cohort::ATTENDANCE.into(),
            rows: clean(cohort.attendance.rows_as_cells(|a| a.participant == id)),
        },
        Section {
            file: crate::cohort::BRIEFINGS.into(),
            rows: clean(cohort.briefings.rows_as_cells(|b| attended.contains(&b.id))),
        },
        Section {
            file: crate::cohort::MATCHES.into(),
            rows: clean(cohort.pairs.rows_as_cells(|p| mine(&p.mentee, &p.mentor))),
        },
        Section {
            file: crate::cohort::MEETINGS.into(),
            rows: clean(
                cohort
                    .meetings
                    .rows_as_cells(|m| mine(&m.mentee, &m.mentor)),
            ),
        },
        Section {
            file: crate::cohort::RESPONSES.into(),
            rows: clean(cohort.responses.rows_as_cells(|r| r.participant == id)),
        },
        Section {
            file: crate::cohort::ORG.into(),
            rows: clean(cohort.org.rows_as_cells(|o| {
                !person.email.is_empty() && crate::model::normalise_email(&o.email) == person.email
            })),
        },
        Section {
            file: crate::cohort::MESSAGES.into(),
            rows: clean(cohort.messages.rows_as_cells(|m| m.participant == id)),
        },
    ];
    sections.push(Section {
        file: crate::store::output::REGISTER.into(),
        rows: clean(
            outputs
                .iter()
                .map(|(path, kind, date)| {
                    vec![
                        ("path".to_string(), path.clone()),
                        ("kind".to_string(), kind.clone()),
                        ("written_on".to_string(), date.clone()),
                    ]
                })
                .collect(),
        ),
    });
    Record {
        cohort: cohort.name.clone(),
        id: id.to_string(),
        sections,
    }
}

/// The record as JSON: one key per file, each a list of rows (column → value).
pub fn json(r: &Record) -> String {
    let mut files = Map::new();
    for s in &r.sections {
        let rows: Vec<Value> = s
            .rows
            .iter()
            .map(|row| {
                Value::Object(
                    row.iter()
                        .map(|(c, v)| (c.clone(), Value::String(v.clone())))
                        .collect(),
                )
            })
            .collect();
        files.insert(s.file.clone(), Value::Array(rows));
    }
    let mut text = serde_json::to_string_pretty(&json!({
        "cohort": r.cohort,
        "participant": r.id,
        "note": NOTE,
        "files": files,
    }))
    .unwrap_or_default();
    text.push('\n');
    text
}

const NOTE: &str = "Everything this cohort's files hold on the participant: every row of every file that is theirs. Partners appear by role only; other people named in text are replaced by [name], [email], [id] or [department]. Files the tool wrote elsewhere (outputs.csv) are listed; mail already sent and copies outside the cohort are not included.";

/// The record as Markdown, for the person to read.
pub fn markdown(r: &Record) -> String {
    use super::markdown::escape;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# What cohort {} holds on {}\n\n{}\n",
        escape(&r.cohort),
        escape(&r.id),
        escape(NOTE)
    );
    for s in &r.sections {
        let _ = writeln!(out, "## {}\n", escape(&s.file));
        if s.rows.is_empty() {
            let _ = writeln!(out, "Nothing.\n");
            continue;
        }
        for (i, row) in s.rows.iter().enumerate() {
            if s.rows.len() > 1 {
                let _ = writeln!(out, "### Row {}\n", i + 1);
            }
            for (c, v) in row {
                let _ = writeln!(out, "- {}: {}", escape(c), escape(v));
            }
            out.push('\n');
        }
    }
    out
}
