//! Group sessions (the briefings that gate matching, and the group evaluation activity) and who
//! attended them, as changes to a loaded cohort. Every change is checked first, with every problem
//! returned at once; nothing changes unless all is well. Pure.

use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::cohort::Cohort;
use crate::model::{Attendance, Audience, Briefing, SessionKind, Status, format_number};
use crate::text::{self, Kind};

/// A session as the coordinator describes it.
#[derive(Debug, Clone)]
pub struct Session {
    pub date: NaiveDate,
    pub audience: Audience,
    pub hours: f64,
    pub title: Option<String>,
    pub kind: SessionKind,
}

/// What `add` did: the new session's id, and anything worth a second look.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub id: String,
    pub warnings: Vec<String>,
}

fn check_hours(hours: f64) -> Result<(), String> {
    if hours.is_finite() && hours > 0.0 && hours <= 24.0 {
        Ok(())
    } else {
        Err(format!(
            "--hours {hours}: give the session's length in hours, more than 0 and at most 24, like 3.5"
        ))
    }
}

fn check_title(title: &str) -> Result<(), String> {
    text::check_entry(title, Kind::Short).map_err(|e| format!("the title {e}"))
}

fn default_title(kind: SessionKind, audience: Audience) -> String {
    match kind {
        SessionKind::Briefing => format!("Reverse mentoring briefing for {}", audience.as_str()),
        SessionKind::Evaluation => "Group evaluation and learning session".to_string(),
    }
}

/// Add a session with the next unused id (`b1`, `b2`, ...). A session of the same kind, audience
/// and date as another is added with a warning: it is probably a duplicate.
pub fn add(cohort: &mut Cohort, s: &Session) -> Result<Added, Vec<String>> {
    let mut problems = Vec::new();
    if let Err(e) = check_hours(s.hours) {
        problems.push(e);
    }
    if let Some(t) = &s.title
        && let Err(e) = check_title(t)
    {
        problems.push(e);
    }
    let top = cohort
        .briefings
        .iter()
        .filter_map(|b| b.id.strip_prefix('b')?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    let Some(next) = top.checked_add(1) else {
        problems.push("every session id is taken".to_string());
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let id = format!("b{next}");
    let warnings = cohort
        .briefings
        .iter()
        .filter(|b| b.date == s.date && b.audience == s.audience && b.kind == s.kind)
        .map(|b| {
            format!(
                "{} is also a {} for {} on {}: if {id} is the same session, remove it with `revmentor brief {} remove {id}`",
                b.id,
                b.kind.as_str(),
                b.audience.as_str(),
                b.date,
                cohort.name
            )
        })
        .collect();
    cohort.briefings.push(Briefing {
        id: id.clone(),
        date: s.date,
        audience: s.audience,
        hours: s.hours,
        title: s
            .title
            .clone()
            .unwrap_or_else(|| default_title(s.kind, s.audience)),
        kind: s.kind,
    });
    Ok(Added { id, warnings })
}

/// The fields of a session to change; `None` leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    pub date: Option<NaiveDate>,
    pub audience: Option<Audience>,
    pub hours: Option<f64>,
    pub title: Option<String>,
    pub kind: Option<SessionKind>,
}

/// One field an edit changed, with its old and new value.
pub type Changed = (&'static str, String, String);

fn find_session(cohort: &Cohort, id: &str) -> Result<usize, String> {
    cohort
        .briefings
        .iter()
        .position(|b| b.id == id)
        .ok_or_else(|| {
            let known: Vec<&str> = cohort.briefings.iter().map(|b| b.id.as_str()).collect();
            format!(
                "no session \"{}\" in cohort {}: sessions are {}",
                text::terminal_safe(id, false),
                cohort.name,
                if known.is_empty() {
                    "none yet (add one with `brief add`)".to_string()
                } else {
                    known.join(", ")
                }
            )
        })
}

/// Correct a session. A new audience must still include everyone recorded as attending it, and a
/// session with attendance cannot move to a date after `today`.
pub fn edit(
    cohort: &mut Cohort,
    id: &str,
    e: &Edit,
    today: NaiveDate,
) -> Result<Vec<Changed>, Vec<String>> {
    let row = find_session(cohort, id).map_err(|p| vec![p])?;
    let Some(before) = cohort.briefings.get(row).cloned() else {
        return Err(vec![format!("session {id} has gone")]);
    };
    let mut problems = Vec::new();
    if let Some(h) = e.hours
        && let Err(p) = check_hours(h)
    {
        problems.push(p);
    }
    if let Some(t) = &e.title
        && let Err(p) = check_title(t)
    {
        problems.push(p);
    }
    let attendees: Vec<&str> = cohort
        .attendance
        .iter()
        .filter(|a| a.briefing == before.id)
        .map(|a| a.participant.as_str())
        .collect();
    if let Some(date) = e.date
        && date > today
        && !attendees.is_empty()
    {
        problems.push(format!(
            "{id} has {} attendance records, so it cannot move to {date}, after today ({today}): remove them with `brief unattend` first",
            attendees.len()
        ));
    }
    if let Some(audience) = e.audience {
        let people = cohort.people();
        let outside: Vec<String> = attendees
            .iter()
            .filter_map(|p| people.get(p))
            .filter(|p| !audience.includes(p.role))
            .map(|p| p.id.clone())
            .collect();
        if !outside.is_empty() {
            problems.push(format!(
                "{id} cannot be for {} only: {} attended it; `brief {} unattend {id} ...` them first",
                audience.as_str(),
                outside.join(", "),
                cohort.name
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let Some(b) = cohort.briefings.get_mut(row) else {
        return Err(vec![format!("session {id} has gone")]);
    };
    if let Some(v) = e.date {
        b.date = v;
    }
    if let Some(v) = e.audience {
        b.audience = v;
    }
    if let Some(v) = e.hours {
        b.hours = v;
    }
    if let Some(v) = &e.title {
        v.clone_into(&mut b.title);
    }
    if let Some(v) = e.kind {
        b.kind = v;
    }
    let after = b.clone();
    let fields: [Changed; 5] = [
        ("date", before.date.to_string(), after.date.to_string()),
        (
            "audience",
            before.audience.as_str().into(),
            after.audience.as_str().into(),
        ),
        (
            "hours",
            format_number(before.hours),
            format_number(after.hours),
        ),
        ("title", before.title, after.title),
        (
            "kind",
            before.kind.as_str().into(),
            after.kind.as_str().into(),
        ),
    ];
    Ok(fields
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .collect())
}

/// Remove a session and its attendance records; returns how many attendance records went.
pub fn remove(cohort: &mut Cohort, id: &str) -> Result<usize, String> {
    find_session(cohort, id)?;
    cohort.briefings.retain(|b| b.id != id);
    let before = cohort.attendance.len();
    cohort.attendance.retain(|a| a.briefing != id);
    Ok(before - cohort.attendance.len())
}

/// What recording attendance did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attended {
    pub added: usize,
    pub already: usize,
}

/// Resolve every person named, each a problem if unknown, erased, or of a role the session is not
/// for; the ids in order, without repeats.
fn attendees(
    cohort: &Cohort,
    session: &Briefing,
    who: &[String],
) -> Result<Vec<String>, Vec<String>> {
    let mut problems = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for w in who {
        match cohort.find(w) {
            None => problems.push(format!(
                "no participant \"{}\"",
                text::terminal_safe(w, false)
            )),
            Some(p) if p.status == Status::Erased => problems.push(format!("{} was erased", p.id)),
            Some(p) if !session.audience.includes(p.role) => problems.push(format!(
                "{} ({}) is a {}, but {} is for {}",
                p.id,
                p.name,
                p.role,
                session.id,
                session.audience.as_str()
            )),
            Some(p) if !ids.contains(&p.id) => ids.push(p.id.clone()),
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(ids)
    } else {
        Err(problems)
    }
}

/// Record who attended a session that has taken place (not after `today`). Everyone named must be
/// someone the session was for; attendance already recorded is counted, not repeated.
pub fn attend(
    cohort: &mut Cohort,
    id: &str,
    who: &[String],
    today: NaiveDate,
) -> Result<Attended, Vec<String>> {
    let row = find_session(cohort, id).map_err(|p| vec![p])?;
    let Some(session) = cohort.briefings.get(row).cloned() else {
        return Err(vec![format!("session {id} has gone")]);
    };
    if session.date > today {
        return Err(vec![format!(
            "session {} is on {}, after today ({today}): record attendance once it has happened",
            session.id, session.date
        )]);
    }
    let ids = attendees(cohort, &session, who)?;
    let mut present: FxHashSet<String> = cohort
        .attendance
        .iter()
        .filter(|a| a.briefing == session.id)
        .map(|a| a.participant.clone())
        .collect();
    let mut done = Attended {
        added: 0,
        already: 0,
    };
    for id in ids {
        if present.insert(id.clone()) {
            cohort.attendance.push(Attendance {
                briefing: session.id.clone(),
                participant: id,
            });
            done.added += 1;
        } else {
            done.already += 1;
        }
    }
    Ok(done)
}

/// Remove attendance recorded by mistake; every person named must have been recorded there.
pub fn unattend(cohort: &mut Cohort, id: &str, who: &[String]) -> Result<usize, Vec<String>> {
    find_session(cohort, id).map_err(|p| vec![p])?;
    let recorded: FxHashSet<&str> = cohort
        .attendance
        .iter()
        .filter(|a| a.briefing == id)
        .map(|a| a.participant.as_str())
        .collect();
    let mut problems = Vec::new();
    let mut ids = FxHashSet::default();
    for w in who {
        match cohort.find(w) {
            None => problems.push(format!(
                "no participant \"{}\"",
                text::terminal_safe(w, false)
            )),
            Some(p) if !recorded.contains(p.id.as_str()) => {
                problems.push(format!("{} is not recorded as attending {id}", p.who()));
            }
            Some(p) => {
                ids.insert(p.id.clone());
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let before = cohort.attendance.len();
    cohort
        .attendance
        .retain(|a| !(a.briefing == id && ids.contains(&a.participant)));
    Ok(before - cohort.attendance.len())
}

/// How many attended each session, by session id.
pub fn attendance_counts(cohort: &Cohort) -> FxHashMap<&str, usize> {
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for a in cohort.attendance.iter() {
        *counts.entry(a.briefing.as_str()).or_default() += 1;
    }
    counts
}
