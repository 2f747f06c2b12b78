//! One-to-ones of confirmed pairs as rows of `meetings.csv`: planning them on the cohort's cadence,
//! recording what happened, and what is due or overdue. Pure: works on a loaded cohort and "today".

use chrono::{Days, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::cohort::Cohort;
use crate::cohort::Entry;
use crate::model::{Meeting, MeetingStatus, PairStatus};
use crate::schedule::{self, PairPlan};

/// A confirmed pair, by ids, and the day its cadence starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairKey {
    pub mentee: String,
    pub mentor: String,
    pub start: NaiveDate,
}

pub fn cadence(cohort: &Cohort) -> schedule::Cadence {
    schedule::Cadence {
        min_weeks: cohort.config.cadence.min_weeks,
        max_weeks: cohort.config.cadence.max_weeks,
        first_weeks: cohort.config.cadence.first_within_weeks,
    }
}

pub fn calendar(cohort: &Cohort) -> schedule::Calendar {
    schedule::Calendar {
        closures: cohort
            .config
            .calendar
            .closure
            .iter()
            .map(|c| schedule::Closure::new(c.from, c.to, c.reason.clone()))
            .collect(),
    }
}

/// Confirmed pairs in `matches.csv` order. Each starts from `from` when given, else from where its
/// first meeting's window starts (so an earlier `--from` is kept), else from its confirmation.
pub fn confirmed_pairs(cohort: &Cohort, from: Option<NaiveDate>) -> Vec<PairKey> {
    let first_window: FxHashMap<(&str, &str), NaiveDate> = cohort
        .meetings
        .iter()
        .filter(|m| m.number == 1)
        .map(|m| ((m.mentee.as_str(), m.mentor.as_str()), m.due_from))
        .collect();
    cohort
        .pairs
        .iter()
        .filter(|p| p.status == PairStatus::Confirmed)
        .filter_map(|p| {
            let first = first_window
                .get(&(p.mentee.as_str(), p.mentor.as_str()))
                .copied();
            Some(PairKey {
                mentee: p.mentee.clone(),
                mentor: p.mentor.clone(),
                start: from.or(first).or(p.confirmed_on).or(p.proposed_on)?,
            })
        })
        .collect()
}

fn to_plan_status(s: MeetingStatus) -> schedule::Status {
    match s {
        MeetingStatus::Planned => schedule::Status::Planned,
        MeetingStatus::Held => schedule::Status::Held,
        MeetingStatus::Cancelled => schedule::Status::Cancelled,
    }
}

fn to_plan(m: &Meeting) -> schedule::Meeting {
    schedule::Meeting {
        number: m.number,
        due_from: m.due_from,
        due_by: m.due_by,
        planned: m.planned,
        status: to_plan_status(m.status),
        date: m.date,
    }
}

/// What a re-plan changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replanned {
    pub pairs: usize,
    pub planned: usize,
    pub late: usize,
}

/// Plan the one-to-ones of `pairs` (others keep their rows; their days count towards the spread).
/// Held and cancelled rows are never changed; planned rows are re-planned in place, dropped, or
/// added right after the pair's last row, so the file keeps its order.
#[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
pub fn replan(
    cohort: &mut Cohort,
    pairs: &[PairKey],
    today: NaiveDate,
) -> Result<Replanned, String> {
    let selected: FxHashMap<(&str, &str), usize> = pairs
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.mentee.as_str(), p.mentor.as_str()), i))
        .collect();
    let mut existing: Vec<Vec<schedule::Meeting>> = vec![Vec::new(); pairs.len()];
    let mut busy = Vec::new();
    for m in cohort.meetings.iter() {
        match selected.get(&(m.mentee.as_str(), m.mentor.as_str())) {
            Some(&i) => existing[i].push(to_plan(m)),
            None => match m.status {
                MeetingStatus::Held => busy.extend(m.date),
                MeetingStatus::Planned => busy.extend(m.planned),
                MeetingStatus::Cancelled => {}
            },
        }
    }
    let plans: Vec<PairPlan> = pairs
        .iter()
        .zip(&existing)
        .map(|(p, rows)| PairPlan {
            start: p.start,
            existing: rows,
        })
        .collect();
    let end = cohort.config.cohort.end;
    let planned = schedule::plan_beside(&plans, &busy, &cadence(cohort), &calendar(cohort), end, today)
        .map_err(|e| {
            let pair = |i: usize| pairs.get(i).map(|p| format!("{}-{}", p.mentee, p.mentor)).unwrap_or_default();
            match e {
                schedule::PlanError::DuplicateNumber { pair: i, number } => format!(
                    "meetings.csv: pair {} has two rows numbered {number}: renumber one by hand",
                    pair(i)
                ),
                schedule::PlanError::MissingDate { pair: i, number } => format!(
                    "meetings.csv: meeting {number} of pair {} is held or cancelled but has no date: add the date (YYYY-MM-DD)",
                    pair(i)
                ),
                other => other.to_string(),
            }
        })?;

    let mut outcome = Replanned {
        pairs: pairs.len(),
        ..Replanned::default()
    };
    // Index the new plan by (pair, number).
    let mut new_rows: Vec<FxHashMap<u32, schedule::Meeting>> = planned
        .iter()
        .map(|rows| rows.iter().map(|m| (m.number, *m)).collect())
        .collect();
    let last_row_of: FxHashMap<usize, usize> = cohort
        .meetings
        .entries()
        .iter()
        .enumerate()
        .filter_map(|(r, m)| {
            selected
                .get(&(m.mentee.as_str(), m.mentor.as_str()))
                .map(|&i| (i, r))
        })
        .collect();
    let old = std::mem::take(cohort.meetings.entries_mut());
    let mut rows = Vec::with_capacity(old.len());
    let mut appended: FxHashSet<usize> = FxHashSet::default();
    let push_new = |i: usize,
                    new_rows: &mut Vec<FxHashMap<u32, schedule::Meeting>>,
                    rows: &mut Vec<Entry<Meeting>>,
                    outcome: &mut Replanned| {
        let mut rest: Vec<schedule::Meeting> = new_rows[i].drain().map(|(_, m)| m).collect();
        rest.sort_by_key(|m| m.number);
        for m in rest {
            if m.status != schedule::Status::Planned {
                continue;
            }
            outcome.planned += 1;
            outcome.late += usize::from(m.is_late());
            rows.push(Entry::new(Meeting {
                mentee: pairs[i].mentee.clone(),
                mentor: pairs[i].mentor.clone(),
                number: m.number,
                due_from: m.due_from,
                due_by: m.due_by,
                planned: m.planned,
                status: MeetingStatus::Planned,
                date: None,
                minutes: None,
                topics: Vec::new(),
                reason: String::new(),
                uid: String::new(),
                sequence: 0,
                time: None,
                agreed: None,
            }));
        }
    };
    for (r, mut entry) in old.into_iter().enumerate() {
        let key = (entry.mentee.as_str(), entry.mentor.as_str());
        let Some(&i) = selected.get(&key) else {
            rows.push(entry);
            continue;
        };
        match new_rows[i].remove(&entry.number) {
            Some(m)
                if entry.status == MeetingStatus::Planned
                    && m.status == schedule::Status::Planned =>
            {
                entry.due_from = m.due_from;
                entry.due_by = m.due_by;
                entry.planned = m.planned;
                outcome.planned += 1;
                outcome.late += usize::from(m.is_late());
                rows.push(entry);
            }
            Some(_) => rows.push(entry),
            // A planned row the new plan no longer has (after the end, or superseded).
            None if entry.status == MeetingStatus::Planned => {}
            None => rows.push(entry),
        }
        if last_row_of.get(&i) == Some(&r) {
            push_new(i, &mut new_rows, &mut rows, &mut outcome);
            appended.insert(i);
        }
    }
    for i in 0..pairs.len() {
        if !appended.contains(&i) {
            push_new(i, &mut new_rows, &mut rows, &mut outcome);
        }
    }
    *cohort.meetings.entries_mut() = rows;
    Ok(outcome)
}

/// Each pair's (mentee, mentor) last held meeting: with the confirmation date, where its cadence runs from.
pub fn last_held(cohort: &Cohort) -> FxHashMap<(&str, &str), NaiveDate> {
    let mut last: FxHashMap<(&str, &str), NaiveDate> = FxHashMap::default();
    for m in cohort.meetings.iter() {
        if m.status == MeetingStatus::Held
            && let Some(date) = m.date
        {
            let entry = last
                .entry((m.mentee.as_str(), m.mentor.as_str()))
                .or_insert(date);
            *entry = (*entry).max(date);
        }
    }
    last
}

/// What `log` records.
#[derive(Debug, Clone)]
pub enum Happened {
    Held {
        date: NaiveDate,
        minutes: Option<u32>,
        topics: Vec<String>,
    },
    Cancelled {
        date: NaiveDate,
        reason: String,
    },
}

/// What `log` did: which meeting, and the pair's next planned one.
#[derive(Debug, Clone)]
pub struct Logged {
    pub mentee: String,
    pub mentor: String,
    pub number: u32,
    pub next: Option<NaiveDate>,
}

/// Check topic tags against the cohort's list; returns them in the list's spelling.
pub fn check_topics(cohort: &Cohort, given: &[String]) -> Result<Vec<String>, String> {
    let valid = &cohort.config.evaluation.topics;
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for t in given {
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        match valid.iter().find(|v| v.eq_ignore_ascii_case(t)) {
            Some(v) if !out.contains(v) => out.push(v.clone()),
            Some(_) => {}
            None => unknown.push(t.to_string()),
        }
    }
    if unknown.is_empty() {
        Ok(out)
    } else {
        Err(format!(
            "unknown topic{} {}: valid topics (from [evaluation] topics in cohort.toml) are {}",
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", "),
            valid.join(", ")
        ))
    }
}

/// Record what happened to a pair's next planned meeting, then re-plan that pair.
#[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
pub fn log(
    cohort: &mut Cohort,
    who: &str,
    happened: Happened,
    today: NaiveDate,
) -> Result<Logged, String> {
    let person = cohort.find(who).cloned().ok_or_else(|| {
        format!(
            "no participant \"{who}\" in cohort {} (name someone by id or email)",
            cohort.name
        )
    })?;
    let pairs: Vec<PairKey> = confirmed_pairs(cohort, None)
        .into_iter()
        .filter(|p| p.mentee == person.id || p.mentor == person.id)
        .collect();
    let pair = match pairs.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(format!(
                "{} has no confirmed pair: only confirmed pairs have one-to-ones",
                person.who()
            ));
        }
        _ => {
            return Err(format!(
                "{} mentors {} people: name the mentee instead",
                person.id,
                pairs.len()
            ));
        }
    };
    let date = match &happened {
        Happened::Held { date, .. } | Happened::Cancelled { date, .. } => *date,
    };
    if date > today {
        return Err(format!(
            "{date} is in the future (today is {today}): record a meeting once it has happened"
        ));
    }
    if date < pair.start {
        return Err(format!(
            "{date} is before the pair {}-{} was confirmed ({})",
            pair.mentee, pair.mentor, pair.start
        ));
    }
    let of_pair = |m: &Meeting| m.mentee == pair.mentee && m.mentor == pair.mentor;
    if let Happened::Held {
        minutes: Some(minutes),
        ..
    } = &happened
    {
        let limit = cohort.config.cadence.session_minutes;
        if *minutes == 0 || *minutes > limit {
            return Err(format!(
                "--minutes {minutes}: a one-to-one lasts 1 to {limit} minutes ([cadence] session_minutes)"
            ));
        }
    }
    if matches!(happened, Happened::Held { .. })
        && cohort
            .meetings
            .iter()
            .any(|m| of_pair(m) && m.status == MeetingStatus::Held && m.date == Some(date))
    {
        return Err(format!(
            "the pair {}-{} already has a meeting held on {date}",
            pair.mentee, pair.mentor
        ));
    }
    let row = cohort
        .meetings
        .iter()
        .enumerate()
        .filter(|(_, m)| of_pair(m) && m.status == MeetingStatus::Planned)
        .min_by_key(|(_, m)| m.number)
        .map(|(i, _)| i)
        .ok_or_else(|| {
            format!(
                "the pair {}-{} has no planned meeting to record: run `revmentor schedule {}` first",
                pair.mentee, pair.mentor, cohort.name
            )
        })?;
    let Some(m) = cohort.meetings.get_mut(row) else {
        return Err("the meeting to record has gone".to_string());
    };
    let number = m.number;
    match happened {
        Happened::Held {
            date,
            minutes,
            topics,
        } => {
            m.status = MeetingStatus::Held;
            m.date = Some(date);
            m.minutes = minutes;
            m.topics = topics;
        }
        Happened::Cancelled { date, reason } => {
            m.status = MeetingStatus::Cancelled;
            m.date = Some(date);
            m.reason = reason;
        }
    }
    replan(cohort, std::slice::from_ref(&pair), today)?;
    let next = cohort
        .meetings
        .iter()
        .filter(|m| of_pair(m) && m.status == MeetingStatus::Planned)
        .filter_map(|m| m.planned)
        .min();
    Ok(Logged {
        mentee: pair.mentee,
        mentor: pair.mentor,
        number,
        next,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct DueMeeting {
    pub mentee: String,
    pub mentor: String,
    pub number: u32,
    pub planned: NaiveDate,
    pub due_by: NaiveDate,
    /// `due` (planned within the window asked), or `not recorded` (planned in the past, still planned).
    pub state: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverduePair {
    pub mentee: String,
    pub mentor: String,
    /// The last held meeting, if any.
    pub last_met: Option<NaiveDate>,
    /// When the cadence runs from: the last held meeting or the confirmation.
    pub since: NaiveDate,
    pub days_overdue: i64,
    pub weeks_since: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DueReport {
    pub today: NaiveDate,
    /// The day overdue is counted on: today, or the cohort's end once it has passed.
    pub as_of: NaiveDate,
    pub within_days: u32,
    pub due: Vec<DueMeeting>,
    pub overdue: Vec<OverduePair>,
}

/// Meetings planned from `today` to `today + within` days (and past ones never recorded), and
/// every confirmed pair more than `max_weeks` past its last held meeting or its confirmation (as of
/// today, or as of the cohort's end once it has passed).
pub fn due(cohort: &Cohort, today: NaiveDate, within: u32) -> DueReport {
    let as_of = today.min(cohort.config.cohort.end);
    let horizon = today
        .checked_add_days(Days::new(u64::from(within)))
        .unwrap_or(today);
    let confirmed: FxHashSet<(&str, &str)> = cohort
        .pairs
        .iter()
        .filter(|p| p.status == PairStatus::Confirmed)
        .map(|p| (p.mentee.as_str(), p.mentor.as_str()))
        .collect();
    let mut due: Vec<DueMeeting> = cohort
        .meetings
        .iter()
        .filter(|m| {
            m.status == MeetingStatus::Planned
                && confirmed.contains(&(m.mentee.as_str(), m.mentor.as_str()))
        })
        .filter_map(|m| {
            let planned = m.planned?;
            let state = if planned < today {
                "not recorded"
            } else if planned <= horizon {
                "due"
            } else {
                return None;
            };
            Some(DueMeeting {
                mentee: m.mentee.clone(),
                mentor: m.mentor.clone(),
                number: m.number,
                planned,
                due_by: m.due_by,
                state,
            })
        })
        .collect();
    due.sort_by(|a, b| a.planned.cmp(&b.planned).then(a.mentee.cmp(&b.mentee)));
    let last_held = last_held(cohort);
    let cadence = cadence(cohort);
    let mut overdue: Vec<OverduePair> = confirmed_pairs(cohort, None)
        .into_iter()
        .filter_map(|p| {
            let last_met = last_held
                .get(&(p.mentee.as_str(), p.mentor.as_str()))
                .copied();
            let days_overdue = schedule::overdue_days(p.start, last_met, &cadence, as_of)?;
            let since = last_met.unwrap_or(p.start);
            Some(OverduePair {
                weeks_since: (as_of - since).num_weeks(),
                mentee: p.mentee,
                mentor: p.mentor,
                last_met,
                since,
                days_overdue,
            })
        })
        .collect();
    overdue.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.mentee.cmp(&b.mentee))
    });
    DueReport {
        today,
        as_of,
        within_days: within,
        due,
        overdue,
    }
}
