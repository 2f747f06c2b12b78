//! Enrolment and withdrawal as changes to a loaded cohort: all checks first, then the change, so a
//! refused enrolment leaves the cohort value (and so every file) as it was.

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::cohort::Cohort;
use crate::cohort::config::{Criterion, YesNo};
use crate::import::Applicant;
use crate::model::{Participant, Role, Status, Traits, format_id, is_email, normalise_email};

/// How an enrolment is applied.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Update participants whose email is already enrolled instead of refusing them.
    pub update: bool,
    /// Enrol mentors even though `[cohort] recruiting = false`.
    pub force: bool,
    pub today: NaiveDate,
}

/// What an enrolment did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
    /// Mentors enrolled or left `ineligible`, with the reason.
    pub ineligible: Vec<(String, String)>,
    /// Mentors enrolled although recruitment is closed (`--force`).
    pub forced: usize,
}

/// The eligibility questions a mentor's answers miss, as a reason; empty when all are met (a mentor
/// enrolled without answers is not judged).
pub fn unmet_criteria(criteria: &[Criterion], answers: &[(usize, YesNo)]) -> String {
    let unmet: Vec<String> = answers
        .iter()
        .filter_map(|(i, answer)| {
            let c = criteria.get(*i)?;
            (c.required != *answer).then(|| format!("{} (answered {})", c.id, answer.as_str()))
        })
        .collect();
    if unmet.is_empty() {
        String::new()
    } else {
        format!("does not meet: {}", unmet.join(", "))
    }
}

/// A mentor's answers as stored in `participants.csv`: `briefing=yes;commitment=no`, sorted.
pub fn answers_cell(criteria: &[Criterion], answers: &[(usize, YesNo)]) -> String {
    let mut cells: Vec<String> = answers
        .iter()
        .filter_map(|(i, a)| criteria.get(*i).map(|c| format!("{}={}", c.id, a.as_str())))
        .collect();
    cells.sort();
    cells.join(";")
}

/// Parse a participant's stored answers back; answers to questions no longer asked are dropped.
pub fn stored_answers(criteria: &[Criterion], cell: &str) -> Vec<(usize, YesNo)> {
    cell.split(';')
        .filter_map(|part| {
            let (id, answer) = part.split_once('=')?;
            let i = criteria.iter().position(|c| c.id == id.trim())?;
            Some((i, YesNo::parse(answer)?))
        })
        .collect()
}

/// Resolve `--conflict`/conflicts entries: a participant's id or email becomes the id; an email of
/// someone not (yet) enrolled is kept as an email.
fn resolve_conflicts(cohort: &Cohort, entries: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for entry in entries {
        let resolved = match cohort.find(entry) {
            Some(p) => p.id.clone(),
            None if is_email(&normalise_email(entry)) => normalise_email(entry),
            None => {
                return Err(format!(
                    "conflict \"{entry}\" is neither a participant of cohort {} nor an email address",
                    cohort.name
                ));
            }
        };
        if !out.contains(&resolved) {
            out.push(resolved);
        }
    }
    Ok(out)
}

/// Enrol or update every applicant, or none: every problem is returned at once and the cohort is
/// left unchanged.
#[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
pub fn enrol(
    cohort: &mut Cohort,
    applicants: &[Applicant],
    options: Options,
) -> Result<Outcome, Vec<String>> {
    let mut problems = Vec::new();
    let mut staged = cohort.clone();
    let mut outcome = Outcome::default();
    let mut next = staged.next_id();
    let mut by_email: FxHashMap<String, usize> = staged
        .participants
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.email.is_empty())
        .map(|(i, p)| (p.email.clone(), i))
        .collect();
    let mut traits_row: FxHashMap<String, usize> = staged
        .traits
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    for a in applicants {
        let conflicts = match a
            .conflicts
            .as_deref()
            .map(|c| resolve_conflicts(&staged, c))
        {
            Some(Err(e)) => {
                problems.push(format!("{}: {e}", a.origin));
                None
            }
            Some(Ok(c)) => Some(c),
            None => None,
        };
        let criteria = &cohort.config.eligibility;
        let reason = if a.role == Some(Role::Mentor) {
            unmet_criteria(criteria, &a.answers)
        } else {
            String::new()
        };
        let existing = by_email.get(&a.email).copied();
        match existing {
            Some(row) if options.update => {
                let Some(before) = staged.participants.get(row).cloned() else {
                    continue;
                };
                let id = before.id.clone();
                if let Some(role) = a.role
                    && role != before.role
                {
                    problems.push(format!(
                        "{}: {} is enrolled as a {}, not a {role}: a participant's role cannot change; withdraw them and enrol again",
                        a.origin, a.email, before.role
                    ));
                    continue;
                }
                let Some(p) = staged.participants.get_mut(row) else {
                    continue;
                };
                set(&mut p.name, &a.name);
                set(&mut p.department, &a.department);
                set(&mut p.grade, &a.grade);
                set(&mut p.manager, &a.manager);
                if let Some(c) = conflicts {
                    p.conflicts = c;
                }
                let mut traits_changed = false;
                if p.role == Role::Mentor && !a.answers.is_empty() {
                    let answers = {
                        let mut merged = stored_answers(criteria, &p.eligibility);
                        for (i, ans) in &a.answers {
                            merged.retain(|(j, _)| j != i);
                            merged.push((*i, *ans));
                        }
                        merged
                    };
                    p.eligibility = answers_cell(criteria, &answers);
                    let reason = unmet_criteria(criteria, &answers);
                    match (p.status, reason.is_empty()) {
                        (Status::Active, false) => {
                            p.status = Status::Ineligible;
                            p.status_on = Some(options.today);
                            p.status_reason = reason.clone();
                        }
                        (Status::Ineligible, true) => {
                            p.status = Status::Active;
                            p.status_on = Some(options.today);
                            p.status_reason.clear();
                        }
                        (Status::Ineligible, false) => p.status_reason = reason.clone(),
                        _ => {}
                    }
                    if p.status == Status::Ineligible {
                        outcome
                            .ineligible
                            .push((id.clone(), p.status_reason.clone()));
                    }
                }
                let p_after = p.clone();
                if a.traits.iter().any(Option::is_some) {
                    let n = staged.config.cohort.characteristics.len();
                    let row = match traits_row.get(&id) {
                        Some(&i) => i,
                        None => {
                            staged.traits.push(Traits {
                                id: id.clone(),
                                values: vec![String::new(); n],
                            });
                            traits_changed = true;
                            traits_row.insert(id.clone(), staged.traits.len() - 1);
                            staged.traits.len() - 1
                        }
                    };
                    let Some(t) = staged.traits.get_mut(row) else {
                        continue;
                    };
                    for (i, v) in a.traits.iter().enumerate() {
                        if let Some(v) = v
                            && t.values.get(i) != Some(v)
                        {
                            t.values[i] = v.clone();
                            traits_changed = true;
                        }
                    }
                }
                if p_after != before || traits_changed {
                    outcome.updated.push(id);
                } else {
                    outcome.unchanged.push(id);
                }
            }
            Some(row) => {
                let Some(p) = staged.participants.get(row) else {
                    continue;
                };
                problems.push(format!(
                    "{}: {} is already enrolled as {} ({}): pass --update to update them from this file",
                    a.origin, a.email, p.id, p.name
                ));
            }
            None => {
                let Some(role) = a.role else {
                    problems.push(format!(
                        "{}: no role: pass --role mentor or mentee",
                        a.origin
                    ));
                    continue;
                };
                if role == Role::Mentor && !staged.config.cohort.recruiting {
                    if options.force {
                        outcome.forced += 1;
                    } else {
                        problems.push(format!(
                            "{}: recruitment of mentors is closed for cohort {} ([cohort] recruiting = false): {} was not enrolled; pass --force to enrol them anyway",
                            a.origin,
                            staged.name,
                            a.email
                        ));
                        continue;
                    }
                }
                let Some(n) = next else {
                    problems.push(format!(
                        "{}: cohort {} has used every participant id up to p{}: no one more can be enrolled",
                        a.origin,
                        staged.name,
                        crate::model::MAX_ID_NUMBER
                    ));
                    break;
                };
                let id = format_id(n);
                next = n
                    .checked_add(1)
                    .filter(|&n| n <= crate::model::MAX_ID_NUMBER);
                let status = if reason.is_empty() {
                    Status::Active
                } else {
                    outcome.ineligible.push((id.clone(), reason.clone()));
                    Status::Ineligible
                };
                by_email.insert(a.email.clone(), staged.participants.len());
                staged.participants.push(Participant {
                    id: id.clone(),
                    role,
                    name: a.name.clone().unwrap_or_default(),
                    email: a.email.clone(),
                    department: a.department.clone().unwrap_or_default(),
                    grade: a.grade.clone().unwrap_or_default(),
                    manager: a.manager.clone().unwrap_or_default(),
                    status,
                    enrolled_on: Some(options.today),
                    conflicts: conflicts.unwrap_or_default(),
                    status_on: (status != Status::Active).then_some(options.today),
                    status_reason: reason,
                    eligibility: if role == Role::Mentor {
                        answers_cell(criteria, &a.answers)
                    } else {
                        String::new()
                    },
                });
                traits_row.insert(id.clone(), staged.traits.len());
                staged.traits.push(Traits {
                    id: id.clone(),
                    values: a
                        .traits
                        .iter()
                        .map(|v| v.clone().unwrap_or_default())
                        .collect(),
                });
                outcome.added.push(id);
            }
        }
    }
    if problems.is_empty() {
        *cohort = staged;
        Ok(outcome)
    } else {
        Err(problems)
    }
}

fn set(field: &mut String, value: &Option<String>) {
    if let Some(v) = value {
        v.clone_into(field);
    }
}
