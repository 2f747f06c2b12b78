//! Enrolment as a change to a loaded cohort: every applicant is checked (text, emails, roles,
//! eligibility) on a staged copy first, so a refused enrolment leaves the cohort value (and so
//! every file) as it was.

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::cohort::Cohort;
use crate::cohort::config::{Criterion, YesNo};
use crate::import::Applicant;
use crate::model::{Participant, Role, Status, Traits, format_id, is_email, normalise_email};
use crate::problems::Problem;
use crate::text::{self, Kind};

/// A problem with an applicant, placed where it came from (a file's row, the flags, the prompts).
macro_rules! origin_problem {
    ($origin:expr, $($message:tt)*) => {
        $origin.problem(format!($($message)*))
    };
}

/// How an enrolment is applied.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Update participants whose email is already enrolled instead of refusing them.
    pub update: bool,
    /// Enrol mentors even though `[cohort] recruiting = false`.
    pub force: bool,
    pub today: NaiveDate,
}

/// One field an update changed: the participant, the field, its old and new value. A
/// characteristic's values are never shown: `old` and `new` are empty for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub id: String,
    pub field: String,
    pub old: String,
    pub new: String,
}

/// What an enrolment did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    /// Every field each update changed, in order.
    pub changes: Vec<FieldChange>,
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

/// The text an applicant brings, checked as every text field is: no control characters or
/// bidirectional overrides, not too long, and nothing a spreadsheet would run as a formula.
fn check_text(a: &Applicant, characteristics: &[String], problems: &mut Vec<Problem>) {
    let mut field = |name: &str, value: &str, kind: Kind| {
        if let Err(e) = text::check_entry(value, kind) {
            problems.push(origin_problem!(a.origin, "{name} {e}"));
        }
    };
    for (name, value) in [
        ("name", &a.name),
        ("department", &a.department),
        ("grade", &a.grade),
    ] {
        if let Some(v) = value {
            field(name, v, Kind::Short);
        }
    }
    field("email", &a.email, Kind::Email);
    if let Some(m) = &a.manager {
        field("manager", m, Kind::Email);
    }
    for c in a.conflicts.iter().flatten() {
        field("conflict", c, Kind::Email);
    }
    for (name, value) in characteristics.iter().zip(&a.traits) {
        if let Some(v) = value {
            field(name, v, Kind::Short);
        }
    }
}

/// An enrolment under way: the staged cohort, indexes over it, and what has happened so far.
struct Enrolment<'a> {
    staged: Cohort,
    options: Options,
    criteria: &'a [Criterion],
    outcome: Outcome,
    problems: Vec<Problem>,
    next: Option<u32>,
    by_email: FxHashMap<String, usize>,
    by_id: FxHashMap<String, usize>,
    /// Each email's skeleton (look-alike letters folded), to catch near-duplicates.
    by_skeleton: FxHashMap<String, usize>,
    traits_row: FxHashMap<String, usize>,
}

impl Enrolment<'_> {
    /// An email that is not enrolled but looks like one that is: refused, naming the person.
    fn look_alike(&mut self, a: &Applicant) -> bool {
        let skeleton = text::email_skeleton(&a.email);
        let Some(p) = self
            .by_skeleton
            .get(&skeleton)
            .and_then(|&row| self.staged.participants.get(row))
        else {
            return false;
        };
        self.problems.push(origin_problem!(a.origin, "{} looks like the email of {} ({}): they differ {}; if this is the same person, use their enrolled email (with --update), else correct it", 
            a.email,
            p.who(),
            p.email,
            text::how_emails_differ(&a.email, &p.email)
        ));
        true
    }

    /// Resolve `--conflict`/conflicts entries through the indexes: a participant's id or email
    /// becomes the id; an email of someone not (yet) enrolled is kept as an email.
    fn resolve_conflicts(&self, entries: &[String]) -> Result<Vec<String>, String> {
        let mut out: Vec<String> = Vec::new();
        for entry in entries {
            let key = entry.trim();
            let email = normalise_email(key);
            let row = self
                .by_id
                .get(key)
                .or_else(|| self.by_email.get(&email))
                .copied();
            let resolved = match row.and_then(|r| self.staged.participants.get(r)) {
                Some(p) => p.id.clone(),
                None if is_email(&email) => email,
                None => {
                    return Err(format!(
                        "conflict \"{entry}\" is neither a participant of cohort {} nor an email address",
                        self.staged.name
                    ));
                }
            };
            if !out.contains(&resolved) {
                out.push(resolved);
            }
        }
        Ok(out)
    }

    fn apply(&mut self, a: Applicant) {
        let conflicts = match a.conflicts.as_deref().map(|c| self.resolve_conflicts(c)) {
            Some(Err(e)) => {
                self.problems.push(origin_problem!(a.origin, "{e}"));
                None
            }
            Some(Ok(c)) => Some(c),
            None => None,
        };
        match self.by_email.get(&a.email).copied() {
            Some(row) if self.options.update => self.update(row, &a, conflicts),
            Some(row) => {
                if let Some(p) = self.staged.participants.get(row) {
                    let from = if a.origin.is_file() {
                        " from this file"
                    } else {
                        ""
                    };
                    self.problems.push(origin_problem!(
                        a.origin,
                        "{} is already enrolled as {} ({}): pass --update to update them{from}",
                        a.email,
                        p.id,
                        p.name
                    ));
                }
            }
            None if self.look_alike(&a) => {}
            None => self.add(a, conflicts),
        }
    }

    /// Update an enrolled participant from an applicant, noting every field that changes.
    fn update(&mut self, row: usize, a: &Applicant, conflicts: Option<Vec<String>>) {
        let Some(before) = self.staged.participants.get(row).cloned() else {
            return;
        };
        if let Some(role) = a.role
            && role != before.role
        {
            self.problems.push(origin_problem!(a.origin, "{} is enrolled as a {}, not a {role}: a participant's role cannot change; withdraw them and enrol again",  a.email, before.role
            ));
            return;
        }
        if before.status == Status::Withdrawn {
            self.problems.push(origin_problem!(a.origin, "{} withdrew{}: an update does not change a withdrawn participant; if the withdrawal was a mistake, `revmentor reinstate {} {}` first", 
                before.who(),
                before.status_on.map(|d| format!(" on {d}")).unwrap_or_default(),
                self.staged.name,
                before.id
            ));
            return;
        }
        let (options, criteria) = (self.options, self.criteria);
        let Some(p) = self.staged.participants.get_mut(row) else {
            return;
        };
        set(&mut p.name, &a.name);
        set(&mut p.department, &a.department);
        set(&mut p.grade, &a.grade);
        set(&mut p.manager, &a.manager);
        if let Some(c) = conflicts {
            p.conflicts = c;
        }
        if let Some(i) = &a.interests {
            i.clone_into(&mut p.interests);
        }
        if p.role == Role::Mentor && !a.answers.is_empty() {
            judge_answers(p, criteria, &a.answers, options.today);
            if p.status == Status::Ineligible {
                self.outcome
                    .ineligible
                    .push((p.id.clone(), p.status_reason.clone()));
            }
        }
        let after = p.clone();
        let mut changes = participant_changes(&before, &after);
        changes.extend(self.update_traits(&before.id, a));
        if changes.is_empty() {
            self.outcome.unchanged.push(before.id);
        } else {
            self.outcome.changes.extend(changes);
            self.outcome.updated.push(before.id);
        }
    }

    /// Set the characteristics an applicant gives; the names of those that changed.
    fn update_traits(&mut self, id: &str, a: &Applicant) -> Vec<FieldChange> {
        let mut changed = Vec::new();
        if !a.traits.iter().any(Option::is_some) {
            return changed;
        }
        let names = self.staged.config.cohort.characteristics.clone();
        let row = match self.traits_row.get(id) {
            Some(&i) => i,
            None => {
                self.staged.traits.push(Traits {
                    id: id.to_string(),
                    values: vec![String::new(); names.len()],
                });
                let i = self.staged.traits.len() - 1;
                self.traits_row.insert(id.to_string(), i);
                i
            }
        };
        let Some(t) = self.staged.traits.get_mut(row) else {
            return changed;
        };
        for (i, v) in a.traits.iter().enumerate() {
            if let Some(v) = v
                && t.values.get(i) != Some(v)
                && let Some(slot) = t.values.get_mut(i)
            {
                slot.clone_from(v);
                changed.push(FieldChange {
                    id: id.to_string(),
                    field: names.get(i).cloned().unwrap_or_default(),
                    old: String::new(),
                    new: String::new(),
                });
            }
        }
        changed
    }

    /// Enrol a new participant with the next id (the applicant's text moves into the cohort).
    fn add(&mut self, a: Applicant, conflicts: Option<Vec<String>>) {
        let Some(role) = a.role else {
            self.problems.push(origin_problem!(
                a.origin,
                "no role: pass --role mentor or mentee"
            ));
            return;
        };
        if role == Role::Mentor && !self.staged.config.cohort.recruiting {
            if self.options.force {
                self.outcome.forced += 1;
            } else {
                self.problems.push(origin_problem!(a.origin, "recruitment of mentors is closed for cohort {} ([cohort] recruiting = false): {} was not enrolled; pass --force to enrol them anyway",  self.staged.name, a.email
                ));
                return;
            }
        }
        if a.name.as_deref().is_none_or(str::is_empty) {
            self.problems.push(origin_problem!(a.origin, "{} is not enrolled, and a new participant needs a name: add a name column (or --name)",  a.email
            ));
            return;
        }
        let Some(n) = self.next else {
            self.problems.push(origin_problem!(
                a.origin,
                "cohort {} has used every participant id up to p{}: no one more can be enrolled",
                self.staged.name,
                crate::model::MAX_ID_NUMBER
            ));
            return;
        };
        let id = format_id(n);
        self.next = n
            .checked_add(1)
            .filter(|&n| n <= crate::model::MAX_ID_NUMBER);
        let reason = match role {
            Role::Mentor if !a.answer_again.is_empty() => format!(
                "the scheme's questions changed since they last applied: answer {} again (`revmentor enrol {} --update --email {} --answer ID=yes|no`)",
                a.answer_again.join(", "),
                self.staged.name,
                a.email
            ),
            Role::Mentor => unmet_criteria(self.criteria, &a.answers),
            Role::Mentee => String::new(),
        };
        let status = if reason.is_empty() {
            Status::Active
        } else {
            self.outcome.ineligible.push((id.clone(), reason.clone()));
            Status::Ineligible
        };
        let today = self.options.today;
        let row = self.staged.participants.len();
        self.by_skeleton.insert(text::email_skeleton(&a.email), row);
        self.by_email.insert(a.email.clone(), row);
        self.by_id.insert(id.clone(), row);
        let eligibility = if role == Role::Mentor {
            answers_cell(self.criteria, &a.answers)
        } else {
            String::new()
        };
        self.staged.participants.push(Participant {
            id: id.clone(),
            role,
            name: a.name.unwrap_or_default(),
            email: a.email,
            department: a.department.unwrap_or_default(),
            grade: a.grade.unwrap_or_default(),
            manager: a.manager.unwrap_or_default(),
            status,
            enrolled_on: Some(today),
            conflicts: conflicts.unwrap_or_default(),
            status_on: (status != Status::Active).then_some(today),
            status_reason: reason,
            eligibility,
            interests: a.interests.unwrap_or_default(),
        });
        self.traits_row.insert(id.clone(), self.staged.traits.len());
        self.staged.traits.push(Traits {
            id: id.clone(),
            values: a
                .traits
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect(),
        });
        self.outcome.added.push(id);
    }
}

/// Merge a mentor's new answers into their stored ones and judge their eligibility again.
fn judge_answers(
    p: &mut Participant,
    criteria: &[Criterion],
    given: &[(usize, YesNo)],
    today: NaiveDate,
) {
    let mut merged = stored_answers(criteria, &p.eligibility);
    for (i, ans) in given {
        merged.retain(|(j, _)| j != i);
        merged.push((*i, *ans));
    }
    p.eligibility = answers_cell(criteria, &merged);
    let reason = unmet_criteria(criteria, &merged);
    match (p.status, reason.is_empty()) {
        (Status::Active, false) => {
            p.status = Status::Ineligible;
            p.status_on = Some(today);
            p.status_reason = reason;
        }
        (Status::Ineligible, true) => {
            p.status = Status::Active;
            p.status_on = Some(today);
            p.status_reason.clear();
        }
        (Status::Ineligible, false) => p.status_reason = reason,
        _ => {}
    }
}

/// The fields of `participants.csv` that differ between two versions of a participant.
fn participant_changes(before: &Participant, after: &Participant) -> Vec<FieldChange> {
    let fields: [(&str, String, String); 9] = [
        ("name", before.name.clone(), after.name.clone()),
        (
            "department",
            before.department.clone(),
            after.department.clone(),
        ),
        ("grade", before.grade.clone(), after.grade.clone()),
        ("manager", before.manager.clone(), after.manager.clone()),
        (
            "conflicts",
            before.conflicts.join(";"),
            after.conflicts.join(";"),
        ),
        (
            "interests",
            before.interests.join(";"),
            after.interests.join(";"),
        ),
        (
            "status",
            before.status.to_string(),
            after.status.to_string(),
        ),
        (
            "status_reason",
            before.status_reason.clone(),
            after.status_reason.clone(),
        ),
        (
            "eligibility",
            before.eligibility.clone(),
            after.eligibility.clone(),
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| FieldChange {
            id: after.id.clone(),
            field: field.to_string(),
            old,
            new,
        })
        .collect()
}

/// Enrol or update every applicant, or none: every problem is returned at once. On an error the
/// cohort value is left part-changed: the caller drops it (nothing was committed).
/// Turn each manager typed as a name into the email of the one person it names: among the
/// cohort's participants, the people of org.csv and the applicants themselves. Every name that
/// names nobody, or several people, is a problem.
pub fn resolve_managers(cohort: &Cohort, applicants: &mut [Applicant]) -> Result<(), Vec<String>> {
    let names: Vec<(String, String)> = applicants
        .iter()
        .filter_map(|a| Some((a.name.clone()?, a.email.clone())))
        .collect();
    let directory = crate::cohort::org::Directory::new(cohort, names);
    let mut problems = Vec::new();
    for a in applicants.iter_mut() {
        let Some(m) = &a.manager else { continue };
        match directory.manager(m, "the cohort, org.csv or this import") {
            Ok(m) => a.manager = Some(m),
            Err(e) => problems.push(format!("{}: {e}", a.origin)),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

pub fn enrol(
    cohort: &mut Cohort,
    applicants: Vec<Applicant>,
    options: Options,
) -> Result<Outcome, Vec<Problem>> {
    let criteria = cohort.config.eligibility.clone();
    let mut problems = Vec::new();
    for a in &applicants {
        check_text(a, &cohort.config.cohort.characteristics, &mut problems);
    }
    let name = cohort.name.clone();
    let staged = std::mem::replace(cohort, Cohort::empty(&name, cohort.config.clone()));
    let index = |key: fn(&Participant) -> String| -> FxHashMap<String, usize> {
        staged
            .participants
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.email.is_empty())
            .map(|(i, p)| (key(p), i))
            .collect()
    };
    let by_email = index(|p| p.email.clone());
    let by_id = staged
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    let by_skeleton = index(|p| text::email_skeleton(&p.email));
    let traits_row = staged
        .traits
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    let mut e = Enrolment {
        next: staged.next_id(),
        staged,
        options,
        criteria: &criteria,
        outcome: Outcome::default(),
        problems,
        by_email,
        by_id,
        by_skeleton,
        traits_row,
    };
    for a in applicants {
        e.apply(a);
    }
    *cohort = e.staged;
    if e.problems.is_empty() {
        Ok(e.outcome)
    } else {
        Err(e.problems)
    }
}

fn set(field: &mut String, value: &Option<String>) {
    if let Some(v) = value {
        v.clone_into(field);
    }
}

/// Which people of an earlier cohort come back, and how.
#[derive(Debug, Clone, Default)]
pub struct Returning<'a> {
    /// Only this role, when given.
    pub role: Option<Role>,
    /// Only these people (ids or emails in the earlier cohort), when given.
    pub who: &'a [String],
}

/// The people of an earlier cohort who may come back, as applicants to this one: active and
/// ineligible people (never withdrawn or erased), their contact details and self-declared
/// characteristics copied by the characteristic's name, managers and conflicts as emails, and a
/// mentor's answers kept for every question the scheme still asks in the same words (the others
/// are to be answered again). People already enrolled here (by email) are left out, and listed.
pub fn returning(
    this: &Cohort,
    earlier: &Cohort,
    r: &Returning,
) -> Result<(Vec<Applicant>, Vec<String>), Vec<Problem>> {
    let mut problems = Vec::new();
    let mut wanted: Vec<&Participant> = Vec::new();
    for w in r.who {
        match earlier.find(w) {
            Some(p) => wanted.push(p),
            None => problems.push(Problem::general(format!(
                "--who {}: nobody of that id or email in cohort {}",
                text::terminal_safe(w, false),
                earlier.name
            ))),
        }
    }
    let here: rustc_hash::FxHashSet<&str> = this
        .participants
        .iter()
        .map(|p| p.email.as_str())
        .filter(|e| !e.is_empty())
        .collect();
    let people = earlier.people();
    let email_of = |id_or_email: &str| -> Option<String> {
        if is_email(id_or_email) {
            Some(id_or_email.to_string())
        } else {
            people
                .get(id_or_email)
                .map(|p| p.email.clone())
                .filter(|e| !e.is_empty())
        }
    };
    let traits: FxHashMap<&str, &Traits> =
        earlier.traits.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut applicants = Vec::new();
    let mut skipped = Vec::new();
    for p in earlier.participants.iter() {
        let chosen = if r.who.is_empty() {
            r.role.is_none_or(|role| role == p.role)
        } else {
            wanted.iter().any(|w| w.id == p.id)
        };
        if !chosen {
            continue;
        }
        if matches!(p.status, Status::Withdrawn | Status::Erased) {
            if !r.who.is_empty() {
                problems.push(Problem::general(format!(
                    "{} is {} in cohort {}: withdrawn and erased people are never brought back; if they want to return, enrol them afresh",
                    p.id, p.status, earlier.name
                )));
            }
            continue;
        }
        if here.contains(p.email.as_str()) {
            skipped.push(format!(
                "{} is enrolled here already (same email, {})",
                p.who(),
                p.email
            ));
            continue;
        }
        applicants.push(returning_applicant(
            this,
            earlier,
            p,
            traits.get(p.id.as_str()).copied(),
            &email_of,
        ));
    }
    if problems.is_empty() {
        Ok((applicants, skipped))
    } else {
        Err(problems)
    }
}

/// One returning person as an applicant to this cohort.
fn returning_applicant(
    this: &Cohort,
    earlier: &Cohort,
    p: &Participant,
    old_traits: Option<&Traits>,
    email_of: &dyn Fn(&str) -> Option<String>,
) -> Applicant {
    let (answers, answer_again) = carried_answers(this, earlier, p);
    Applicant {
        origin: crate::import::Origin::named(&format!("{}:{}", earlier.name, p.id)),
        role: Some(p.role),
        name: Some(p.name.clone()),
        email: p.email.clone(),
        department: Some(p.department.clone()),
        grade: Some(p.grade.clone()),
        manager: Some(email_of(&p.manager).unwrap_or_default()),
        conflicts: Some(p.conflicts.iter().filter_map(|c| email_of(c)).collect()),
        // Interests come back where this cohort has the same topics.
        interests: Some(
            p.interests
                .iter()
                .filter(|t| this.config.evaluation.topics.contains(t))
                .cloned()
                .collect(),
        ),
        traits: this
            .config
            .cohort
            .characteristics
            .iter()
            .map(|name| {
                let i = earlier
                    .config
                    .cohort
                    .characteristics
                    .iter()
                    .position(|c| c == name)?;
                old_traits.and_then(|t| t.values.get(i)).cloned()
            })
            .collect(),
        answers: if p.role == Role::Mentor {
            answers
        } else {
            Vec::new()
        },
        answer_again: if p.role == Role::Mentor {
            answer_again
        } else {
            Vec::new()
        },
    }
}

/// A returning mentor's answers to the questions this cohort asks: kept where the question (id,
/// words and required answer) is the same as before; the ids of the others, to answer again.
fn carried_answers(
    this: &Cohort,
    earlier: &Cohort,
    p: &Participant,
) -> (Vec<(usize, YesNo)>, Vec<String>) {
    let old = stored_answers(&earlier.config.eligibility, &p.eligibility);
    let mut kept = Vec::new();
    let mut again = Vec::new();
    for (i, c) in this.config.eligibility.iter().enumerate() {
        let same = earlier.config.eligibility.iter().position(|o| {
            o.id == c.id && o.question.trim() == c.question.trim() && o.required == c.required
        });
        match same.and_then(|j| old.iter().find(|(k, _)| *k == j)) {
            Some((_, answer)) => kept.push((i, *answer)),
            None if p.eligibility.is_empty() => {}
            None => again.push(c.id.clone()),
        }
    }
    (kept, again)
}
