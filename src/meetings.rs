//! One-to-ones of confirmed pairs as rows of `meetings.csv`: planning them on the cohort's cadence
//! so that a plan stays put, recording what happened, and what is due or overdue. Pure: works on a
//! loaded cohort and "today"; the planning rules themselves are in [`crate::schedule`].
//!
//! A pair's rows, in number order, are its *history* (every row up to its last held or cancelled
//! one, never changed here) and its *tail* (the planned rows after it). Planning a pair re-plans its
//! tail from its history and changes only the rows whose day, window or time must change; rows of
//! other pairs are never touched. [`plan`] does this for the pairs a [`Request`] names:
//! `schedule` for new pairs and pairs whose tail no longer follows from their history, `log` for
//! the pair it recorded, `schedule --replan` for missed meetings.

pub mod checkins;

use chrono::{Datelike, NaiveDate, NaiveTime};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::cohort::config::{Cadence, Config};
use crate::cohort::{Cohort, Entry};
use crate::model::{
    Agreed, MAX_MEETING_NUMBER, MAX_MINUTES, MAX_SEQUENCE, Meeting, MeetingStatus, PairStatus,
};
use crate::schedule::{self, Anchor, Horizon, Missed, Rules, Slot, Tail};

/// A confirmed pair, by ids, the day its cadence starts from, and when it was confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairKey {
    pub mentee: String,
    pub mentor: String,
    /// Where the first meeting's window opens: the first meeting's `due_from` (so an earlier
    /// `--from` is kept), else the confirmation; never before the cohort's start.
    pub start: NaiveDate,
    /// When the pair was confirmed (no meeting is recorded before it).
    pub confirmed_on: NaiveDate,
}

/// The planning rules of a cohort on `today`.
pub fn rules(cohort: &Cohort, today: NaiveDate) -> Rules<'_> {
    Rules {
        cadence: &cohort.config.cadence,
        calendar: &cohort.config.calendar,
        start: cohort.config.cohort.start,
        end: cohort.config.cohort.end,
        today,
    }
}

/// Confirmed pairs in `matches.csv` order.
pub fn confirmed_pairs(cohort: &Cohort) -> Vec<PairKey> {
    let first_window: FxHashMap<(&str, &str), NaiveDate> = cohort
        .meetings
        .iter()
        .filter(|m| m.number == 1)
        .map(|m| ((m.mentee.as_str(), m.mentor.as_str()), m.due_from))
        .collect();
    let cohort_start = cohort.config.cohort.start;
    cohort
        .pairs
        .iter()
        .filter(|p| p.status == PairStatus::Confirmed)
        .filter_map(|p| {
            let confirmed_on = p.confirmed_on.or(p.proposed_on)?;
            let first = first_window
                .get(&(p.mentee.as_str(), p.mentor.as_str()))
                .copied();
            Some(PairKey {
                mentee: p.mentee.clone(),
                mentor: p.mentor.clone(),
                start: first.unwrap_or(confirmed_on).max(cohort_start),
                confirmed_on,
            })
        })
        .collect()
}

/// Each pair's rows (indexes into `meetings.csv`), in file order.
fn rows_by_pair(cohort: &Cohort) -> FxHashMap<(String, String), Vec<usize>> {
    let mut rows: FxHashMap<(String, String), Vec<usize>> = FxHashMap::default();
    for (i, m) in cohort.meetings.iter().enumerate() {
        rows.entry((m.mentee.clone(), m.mentor.clone()))
            .or_default()
            .push(i);
    }
    rows
}

/// What a pair's rows say: where its tail is planned from, its tail, and its agreed slot.
#[derive(Debug, Clone)]
struct History {
    anchor: Anchor,
    /// Positions (in the pair's rows) of the tail: planned rows after the last recorded one.
    tail: Vec<usize>,
    agreed: Option<Agreed>,
    /// The pair's highest meeting number.
    last_number: u32,
}

/// The history of a pair's rows, which are in number order.
fn history(start: NaiveDate, rows: &[&Meeting]) -> History {
    let recorded = rows
        .iter()
        .rposition(|m| m.status != MeetingStatus::Planned);
    let anchor = match recorded.map(|k| rows[k]) {
        None => Anchor::Start(start),
        Some(m) if m.status == MeetingStatus::Cancelled => Anchor::Replace {
            due_from: m.due_from,
            due_by: m.due_by,
            cancelled_on: m.date.unwrap_or(m.due_from),
            slot: m.planned,
        },
        Some(m) => {
            let last_held = rows
                .iter()
                .filter(|r| r.status == MeetingStatus::Held)
                .filter_map(|r| r.date)
                .max();
            Anchor::After(last_held.or(m.date).unwrap_or(m.due_from))
        }
    };
    History {
        anchor,
        tail: (recorded.map_or(0, |k| k + 1)..rows.len()).collect(),
        agreed: rows.iter().rev().find_map(|m| m.agreed),
        last_number: rows.iter().map(|m| m.number).max().unwrap_or(0),
    }
}

/// How far planning may move a pair's planned meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `schedule`: plan pairs with nothing planned, re-plan pairs whose tail no longer follows from
    /// their history, and add meetings after a complete tail when the end allows. Missed meetings
    /// stay.
    Extend,
    /// After `log`: the pair's history changed; re-plan its tail, missed meetings staying.
    Log,
    /// `schedule --replan`: re-plan, moving missed meetings to the next working days.
    Replan,
}

/// Which pairs to plan, and how.
#[derive(Debug, Clone)]
pub struct Request {
    /// Only these pairs (mentee, mentor); `None`: every confirmed pair.
    pub pairs: Option<Vec<(String, String)>>,
    pub mode: Mode,
    /// A new agreed slot for the pairs (`--pair WHO --at 'Tue 14:00'`).
    pub at: Option<Agreed>,
    /// Pairs with nothing recorded yet start from this day (`--from`).
    pub from: Option<NaiveDate>,
}

impl Request {
    pub fn new(mode: Mode) -> Self {
        Request {
            pairs: None,
            mode,
            at: None,
            from: None,
        }
    }
}

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A new planned meeting.
    Added,
    /// A planned meeting moved to another day.
    Moved,
    /// The same day, another time or agreed slot.
    Retimed,
    /// The same day and time, its window recomputed from the pair's history.
    Window,
    /// No longer planned: no room for it before the cohort's end.
    Dropped,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Moved => "moved",
            ChangeKind::Retimed => "retimed",
            ChangeKind::Window => "window",
            ChangeKind::Dropped => "dropped",
        }
    }
}

/// One changed planned row of `meetings.csv`, as `schedule` and `log` report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub mentee: String,
    pub mentor: String,
    pub number: u32,
    pub uid: String,
    /// The day before the change (`None` for an added meeting).
    pub before: Option<NaiveDate>,
    /// The day after it (`None` for a dropped meeting).
    pub planned: Option<NaiveDate>,
    pub time: Option<NaiveTime>,
    pub due_from: NaiveDate,
    pub due_by: NaiveDate,
    pub sequence: u32,
    pub days_late: Option<i64>,
}

impl Change {
    fn of(kind: ChangeKind, m: &Meeting, before: Option<NaiveDate>) -> Change {
        let planned = if kind == ChangeKind::Dropped {
            None
        } else {
            m.planned
        };
        Change {
            kind,
            mentee: m.mentee.clone(),
            mentor: m.mentor.clone(),
            number: m.number,
            uid: m.identity(),
            before,
            planned,
            time: m.time,
            due_from: m.due_from,
            due_by: m.due_by,
            sequence: m.sequence,
            days_late: planned
                .filter(|p| *p > m.due_by)
                .map(|p| (p - m.due_by).num_days()),
        }
    }
}

/// What [`plan`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planned {
    /// Pairs looked at.
    pub pairs: usize,
    /// Pairs with at least one changed row.
    pub pairs_changed: usize,
    pub changes: Vec<Change>,
    /// Planned meetings (today or later) on a day that is no longer a working day of the cohort.
    pub invalid: usize,
    /// Planned meetings whose day has passed with nothing recorded.
    pub missed: usize,
}

/// The time meetings start at with this agreed slot: its time, else the cohort's `meeting_time`.
fn start_time(config: &Config, agreed: Option<Agreed>) -> Option<NaiveTime> {
    agreed
        .and_then(|a| a.time)
        .or_else(|| config.calendar.start_time().ok())
}

/// The start time a meeting row stands for: its own, else its agreed time, else `meeting_time`.
pub fn effective_time(cohort: &Cohort, m: &Meeting) -> Option<NaiveTime> {
    m.time.or_else(|| start_time(&cohort.config, m.agreed))
}

/// A pair's rows while they are planned or recorded, in number order, each with the index it was
/// read from (`None` for a new row). Written back by [`Session::commit`].
#[derive(Debug, Clone)]
pub struct Work {
    pub pair: PairKey,
    rows: Vec<(Option<usize>, Meeting)>,
}

impl Work {
    pub fn meetings(&self) -> impl Iterator<Item = &Meeting> {
        self.rows.iter().map(|(_, m)| m)
    }

    fn history(&self) -> History {
        let rows: Vec<&Meeting> = self.meetings().collect();
        history(self.pair.start, &rows)
    }

    /// The pair's last held meeting.
    pub fn last_held(&self) -> Option<NaiveDate> {
        self.meetings()
            .filter(|m| m.status == MeetingStatus::Held)
            .filter_map(|m| m.date)
            .max()
    }
}

/// Planning over one loaded cohort: the load of every day, the uids in use and each pair's rows,
/// built once, so planning or recording any number of pairs stays linear in the cohort.
pub struct Session {
    name: String,
    config: Config,
    today: NaiveDate,
    horizon: Horizon,
    uids: Uids,
    rows: FxHashMap<(String, String), Vec<usize>>,
}

impl Session {
    pub fn new(cohort: &Cohort, today: NaiveDate) -> Result<Session, String> {
        let rules = rules(cohort, today);
        let mut horizon = Horizon::new(&rules)?;
        for m in cohort.meetings.iter() {
            match m.status {
                MeetingStatus::Held => horizon.add(m.date.unwrap_or(m.due_from)),
                MeetingStatus::Planned => {
                    if let Some(day) = m.planned {
                        horizon.add(day);
                    }
                }
                MeetingStatus::Cancelled => {}
            }
        }
        Ok(Session {
            name: cohort.name.clone(),
            config: cohort.config.clone(),
            today,
            horizon,
            uids: Uids::of(cohort, today),
            rows: rows_by_pair(cohort),
        })
    }

    /// A pair's rows to work on.
    pub fn work(&self, cohort: &Cohort, pair: &PairKey) -> Work {
        let mut rows: Vec<(Option<usize>, Meeting)> = self
            .rows
            .get(&(pair.mentee.clone(), pair.mentor.clone()))
            .into_iter()
            .flatten()
            .filter_map(|&i| cohort.meetings.get(i).map(|m| (Some(i), m.clone())))
            .collect();
        rows.sort_by_key(|(_, m)| m.number);
        Work {
            pair: pair.clone(),
            rows,
        }
    }

    /// Plan a pair's tail as `request` asks, in `work`.
    pub fn plan(&mut self, work: &mut Work, request: &Request) {
        let rules = Rules {
            cadence: &self.config.cadence,
            calendar: &self.config.calendar,
            start: self.config.cohort.start,
            end: self.config.cohort.end,
            today: self.today,
        };
        let mut h = work.history();
        if let (Some(from), Anchor::Start(_)) = (request.from, h.anchor) {
            h.anchor = Anchor::Start(from.max(rules.start));
        }
        let agreed = request.at.or(h.agreed);
        let time = start_time(&self.config, agreed);
        let tail: Vec<&Meeting> = h.tail.iter().map(|&k| &work.rows[k].1).collect();
        let follows = tail_follows(&tail, &h, &self.config.cadence);
        let rechain = request.mode != Mode::Extend
            || request.at.is_some()
            || request.from.is_some()
            || !follows;
        let (anchor, existing): (Anchor, Vec<Option<NaiveDate>>) = if rechain {
            (h.anchor, tail.iter().map(|m| m.planned).collect())
        } else {
            let last = tail.last().and_then(|m| m.planned).unwrap_or(rules.start);
            (Anchor::After(last), Vec::new())
        };
        let slots = schedule::plan_tail(
            &Tail {
                anchor,
                existing: &existing,
                weekday: agreed.and_then(|a| a.weekday),
                follow_agreed: request.at.is_some() || request.mode == Mode::Replan,
                missed: if request.mode == Mode::Replan {
                    Missed::Move
                } else {
                    Missed::Stay
                },
            },
            &rules,
            &mut self.horizon,
        );
        let kept = if rechain {
            slots.len().min(h.tail.len())
        } else {
            0
        };
        for (k, slot) in slots.iter().take(kept).enumerate() {
            put_on(
                &mut work.rows[h.tail[k]].1,
                slot,
                time,
                agreed,
                &self.config,
                self.today,
            );
        }
        if rechain {
            for &k in h.tail.iter().skip(slots.len()).rev() {
                work.rows.remove(k);
            }
        } else {
            for &k in &h.tail {
                retime(&mut work.rows[k].1, time, self.today);
            }
        }
        let mut number = h.last_number;
        for slot in slots.iter().skip(kept) {
            let Some(next) = number.checked_add(1).filter(|n| *n <= MAX_MEETING_NUMBER) else {
                break;
            };
            number = next;
            let mut m = self.new_row(&work.pair, number, slot.due_from, slot.due_by, agreed);
            m.planned = Some(slot.planned);
            m.time = time;
            work.rows.push((None, m));
        }
    }

    fn new_row(
        &mut self,
        pair: &PairKey,
        number: u32,
        due_from: NaiveDate,
        due_by: NaiveDate,
        agreed: Option<Agreed>,
    ) -> Meeting {
        Meeting {
            mentee: pair.mentee.clone(),
            mentor: pair.mentor.clone(),
            number,
            due_from,
            due_by,
            planned: None,
            status: MeetingStatus::Planned,
            date: None,
            minutes: None,
            topics: Vec::new(),
            reason: String::new(),
            uid: self.uids.issue(&pair.mentee, &pair.mentor, number),
            sequence: 0,
            time: None,
            agreed,
        }
    }

    /// Record `happened` on the pair's next planned meeting (the earliest planned), without
    /// re-planning; with `add`, on a new row (without a day) when nothing is planned. Returns the
    /// meeting's number and uid.
    pub fn record(
        &mut self,
        work: &mut Work,
        happened: Happened,
        add: bool,
    ) -> Result<(u32, String), String> {
        let next = work
            .rows
            .iter()
            .enumerate()
            .filter(|(_, (_, m))| m.status == MeetingStatus::Planned)
            .min_by_key(|(_, (_, m))| (m.planned.is_none(), m.planned, m.number))
            .map(|(k, _)| k);
        let k = match next {
            Some(k) => k,
            None if add => {
                let h = work.history();
                let (due_from, due_by) = schedule::first_window(&h.anchor, &self.config.cadence)
                    .ok_or_else(|| {
                        "the meeting's window is past the calendar's range".to_string()
                    })?;
                let number = h
                    .last_number
                    .checked_add(1)
                    .filter(|n| *n <= MAX_MEETING_NUMBER)
                    .ok_or_else(|| format!("the pair has {MAX_MEETING_NUMBER} meetings already"))?;
                let m = self.new_row(&work.pair, number, due_from, due_by, h.agreed);
                work.rows.push((None, m));
                work.rows.len() - 1
            }
            None => {
                return Err(format!(
                    "the pair {}-{} has no planned meeting to record: run `revmentor schedule {}` first",
                    work.pair.mentee, work.pair.mentor, self.name
                ));
            }
        };
        let m = &mut work.rows[k].1;
        if let Some(day) = m.planned {
            self.horizon.remove(day);
        }
        m.uid = m.identity();
        match happened {
            Happened::Held {
                date,
                minutes,
                topics,
            } => {
                self.horizon.add(date);
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
        Ok((m.number, m.uid.clone()))
    }

    /// Write every pair's rows back (rows that did not change are not touched; new rows follow
    /// their pair's last row) and return what changed in the plan, pair by pair.
    pub fn commit(self, cohort: &mut Cohort, works: Vec<Work>) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut updates: Vec<(usize, Meeting)> = Vec::new();
        let mut removed: FxHashSet<usize> = FxHashSet::default();
        let mut inserted: FxHashMap<Option<usize>, Vec<Meeting>> = FxHashMap::default();
        for work in works {
            let original: Vec<usize> = self
                .rows
                .get(&(work.pair.mentee.clone(), work.pair.mentor.clone()))
                .cloned()
                .unwrap_or_default();
            let kept: FxHashSet<usize> = work.rows.iter().filter_map(|(i, _)| *i).collect();
            for &i in &original {
                if !kept.contains(&i) {
                    removed.insert(i);
                    if let Some(m) = cohort.meetings.get(i) {
                        changes.push(Change::of(ChangeKind::Dropped, m, m.planned));
                    }
                }
            }
            let after = original.iter().max().copied();
            for (i, m) in work.rows {
                match i {
                    None => {
                        if m.status == MeetingStatus::Planned {
                            changes.push(Change::of(ChangeKind::Added, &m, None));
                        }
                        inserted.entry(after).or_default().push(m);
                    }
                    Some(i) => {
                        let Some(old) = cohort.meetings.get(i) else {
                            continue;
                        };
                        if *old == m {
                            continue;
                        }
                        if old.status == MeetingStatus::Planned
                            && m.status == MeetingStatus::Planned
                        {
                            let kind = if old.planned != m.planned {
                                Some(ChangeKind::Moved)
                            } else if old.time != m.time || old.agreed != m.agreed {
                                Some(ChangeKind::Retimed)
                            } else if old.due_from != m.due_from || old.due_by != m.due_by {
                                Some(ChangeKind::Window)
                            } else {
                                None
                            };
                            if let Some(kind) = kind {
                                changes.push(Change::of(kind, &m, old.planned));
                            }
                        }
                        updates.push((i, m));
                    }
                }
            }
        }
        for (i, m) in updates {
            if let Some(row) = cohort.meetings.get_mut(i) {
                *row = m;
            }
        }
        if !(removed.is_empty() && inserted.is_empty()) {
            let old = std::mem::take(cohort.meetings.entries_mut());
            let mut rows = Vec::with_capacity(old.len());
            for (i, entry) in old.into_iter().enumerate() {
                if !removed.contains(&i) {
                    rows.push(entry);
                }
                if let Some(new) = inserted.remove(&Some(i)) {
                    rows.extend(new.into_iter().map(Entry::new));
                }
            }
            if let Some(new) = inserted.remove(&None) {
                rows.extend(new.into_iter().map(Entry::new));
            }
            *cohort.meetings.entries_mut() = rows;
        }
        changes
    }
}

/// Whether a pair's tail still follows from its history, so that `schedule` (without `--replan`)
/// leaves it: it has rows, each with a day, and its first window is the one the history gives.
fn tail_follows(tail: &[&Meeting], h: &History, cadence: &Cadence) -> bool {
    let Some(first) = tail.first() else {
        return false;
    };
    tail.iter().all(|m| m.planned.is_some())
        && schedule::first_window(&h.anchor, cadence) == Some((first.due_from, first.due_by))
}

/// Put a planned row on `slot`. A change of day or time raises its sequence.
fn put_on(
    m: &mut Meeting,
    slot: &Slot,
    time: Option<NaiveTime>,
    agreed: Option<Agreed>,
    config: &Config,
    today: NaiveDate,
) {
    let effective = |m: &Meeting| m.time.or_else(|| start_time(config, m.agreed));
    let old = m.clone();
    m.due_from = slot.due_from;
    m.due_by = slot.due_by;
    if slot.planned >= today {
        // An agreement is about meetings to come: a missed one keeps what it had.
        m.agreed = agreed;
    }
    if old.planned != Some(slot.planned) {
        m.planned = Some(slot.planned);
        m.time = time;
    } else if slot.planned >= today && effective(&old) != time {
        m.time = time;
    }
    if m.planned != old.planned || effective(m) != effective(&old) {
        m.sequence = old.sequence.saturating_add(1).min(MAX_SEQUENCE);
    }
    if *m != old {
        m.uid = old.identity();
    }
}

/// Give a kept row (today or later) the pair's time when the cohort's `meeting_time` was edited
/// since it was planned. A row from before times were kept is left as it is.
fn retime(m: &mut Meeting, time: Option<NaiveTime>, today: NaiveDate) {
    if m.planned.is_some_and(|d| d >= today) && m.time.is_some() && m.time != time {
        m.time = time;
        m.sequence = m.sequence.saturating_add(1).min(MAX_SEQUENCE);
        m.uid = m.identity();
    }
}

/// Count a pair's planned meetings that need the coordinator: missed, or on a day that is no
/// longer a working day of the cohort.
fn count_attention(work: &Work, config: &Config, today: NaiveDate, outcome: &mut Planned) {
    for m in work.meetings() {
        let Some(day) = m.planned.filter(|_| m.status == MeetingStatus::Planned) else {
            continue;
        };
        if day < today {
            outcome.missed += 1;
        } else if !schedule::is_working_day(&config.calendar, day) || day > config.cohort.end {
            outcome.invalid += 1;
        }
    }
}

/// Plan the pairs `request` names. Rows that need no change are not touched (their bytes stay);
/// new rows follow their pair's last row. Returns every change.
pub fn plan(cohort: &mut Cohort, request: &Request, today: NaiveDate) -> Result<Planned, String> {
    let mut session = Session::new(cohort, today)?;
    let wanted: Option<FxHashSet<(&str, &str)>> = request
        .pairs
        .as_ref()
        .map(|ps| ps.iter().map(|(e, r)| (e.as_str(), r.as_str())).collect());
    let mut outcome = Planned::default();
    let mut works = Vec::new();
    for pair in confirmed_pairs(cohort) {
        if wanted
            .as_ref()
            .is_some_and(|w| !w.contains(&(pair.mentee.as_str(), pair.mentor.as_str())))
        {
            continue;
        }
        outcome.pairs += 1;
        let mut work = session.work(cohort, &pair);
        session.plan(&mut work, request);
        count_attention(&work, &cohort.config, today, &mut outcome);
        works.push(work);
    }
    outcome.changes = session.commit(cohort, works);
    let changed: FxHashSet<(&str, &str)> = outcome
        .changes
        .iter()
        .map(|c| (c.mentee.as_str(), c.mentor.as_str()))
        .collect();
    outcome.pairs_changed = changed.len();
    Ok(outcome)
}

/// Meeting uids in use, so a new one is never one a row already has.
struct Uids {
    taken: FxHashSet<String>,
    today: NaiveDate,
}

impl Uids {
    fn of(cohort: &Cohort, today: NaiveDate) -> Self {
        Uids {
            taken: cohort.meetings.iter().map(Meeting::identity).collect(),
            today,
        }
    }

    /// A new uid: the pair, the number and the day it was first planned (`p015-p002-3-20200113`).
    fn issue(&mut self, mentee: &str, mentor: &str, number: u32) -> String {
        let base = format!(
            "{mentee}-{mentor}-{number}-{:04}{:02}{:02}",
            self.today.year(),
            self.today.month(),
            self.today.day()
        );
        let mut uid = base.clone();
        let mut n = 1u32;
        while self.taken.contains(&uid) {
            n = n.saturating_add(1);
            uid = format!("{base}-{n}");
        }
        self.taken.insert(uid.clone());
        uid
    }
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Happened {
    pub fn date(&self) -> NaiveDate {
        match self {
            Happened::Held { date, .. } | Happened::Cancelled { date, .. } => *date,
        }
    }

    pub fn status(&self) -> MeetingStatus {
        match self {
            Happened::Held { .. } => MeetingStatus::Held,
            Happened::Cancelled { .. } => MeetingStatus::Cancelled,
        }
    }
}

/// What `log` did: which meeting, the pair's next planned one, and what moved.
#[derive(Debug, Clone)]
pub struct Logged {
    pub mentee: String,
    pub mentor: String,
    pub number: u32,
    pub uid: String,
    pub next: Option<NaiveDate>,
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
}

/// Check topic tags against the cohort's list; returns them in the list's spelling.
pub fn check_topics(cohort: &Cohort, given: &[String]) -> Result<Vec<String>, String> {
    crate::import::topics(&cohort.config.evaluation.topics, given)
}

/// The one confirmed pair `who` (a mentee, or a mentor with one mentee) is in.
pub fn pair_of(cohort: &Cohort, who: &str) -> Result<PairKey, String> {
    let person = cohort.resolve(who)?.clone();
    let pairs: Vec<PairKey> = confirmed_pairs(cohort)
        .into_iter()
        .filter(|p| p.mentee == person.id || p.mentor == person.id)
        .collect();
    match <[PairKey; 1]>::try_from(pairs) {
        Ok([one]) => Ok(one),
        Err(pairs) if pairs.is_empty() => Err(format!(
            "{} has no confirmed pair: only confirmed pairs have one-to-ones",
            person.who()
        )),
        Err(pairs) => Err(format!(
            "{} mentors {} people: name the mentee instead",
            person.id,
            pairs.len()
        )),
    }
}

/// Why a record of `happened` for `pair` cannot be taken, if it cannot: every reason, each with the
/// dates involved.
pub fn refusals(
    cohort: &Cohort,
    pair: &PairKey,
    happened: &Happened,
    today: NaiveDate,
    last_held: Option<NaiveDate>,
) -> Vec<String> {
    let mut refusals = Vec::new();
    let date = happened.date();
    let end = cohort.config.cohort.end;
    let name = format!("{}-{}", pair.mentee, pair.mentor);
    if date > today {
        refusals.push(format!(
            "{date} is in the future (today is {today}): record a meeting once it has happened"
        ));
    }
    if date < pair.confirmed_on {
        refusals.push(format!(
            "{date} is before the pair {name} was confirmed ({})",
            pair.confirmed_on
        ));
    }
    if date > end {
        refusals.push(format!(
            "{date} is after the cohort's end ({end}): one-to-ones are recorded within the cohort"
        ));
    }
    if let Happened::Held { minutes, .. } = happened {
        if let Some(m) = minutes.filter(|m| *m == 0 || *m > MAX_MINUTES) {
            refusals.push(format!(
                "--minutes {m}: a one-to-one is recorded as lasting 1 to {MAX_MINUTES} minutes"
            ));
        }
        match last_held {
            Some(last) if last == date => refusals.push(format!(
                "the pair {name} already has a meeting held on {date}"
            )),
            Some(last) if date < last => refusals.push(format!(
                "{date} is before the pair {name}'s last held meeting ({last}): record meetings in the order they happened, or correct meetings.csv"
            )),
            _ => {}
        }
    }
    refusals
}

/// Warnings about a record that is taken as told: a meeting longer than `session_minutes`.
pub fn warnings(cohort: &Cohort, pair: &PairKey, happened: &Happened) -> Vec<String> {
    let limit = cohort.config.cadence.session_minutes;
    match happened {
        Happened::Held {
            date,
            minutes: Some(m),
            ..
        } if *m > limit => vec![format!(
            "the one-to-one of {}-{} on {date} lasted {m} minutes, longer than [cadence] session_minutes = {limit}: recorded as told",
            pair.mentee, pair.mentor
        )],
        _ => Vec::new(),
    }
}

/// The pair's next planned day from `today` on.
pub fn next_planned(work: &Work, today: NaiveDate) -> Option<NaiveDate> {
    work.meetings()
        .filter(|m| m.status == MeetingStatus::Planned)
        .filter_map(|m| m.planned)
        .filter(|d| *d >= today)
        .min()
}

/// Record what happened to a pair's next planned meeting, then re-plan that pair. Every reason to
/// refuse is returned together.
pub fn log(
    cohort: &mut Cohort,
    who: &str,
    happened: Happened,
    today: NaiveDate,
) -> Result<Logged, Vec<String>> {
    let pair = pair_of(cohort, who).map_err(|e| vec![e])?;
    let last = last_held(cohort)
        .get(&(pair.mentee.as_str(), pair.mentor.as_str()))
        .copied();
    let refusals = refusals(cohort, &pair, &happened, today, last);
    if !refusals.is_empty() {
        return Err(refusals);
    }
    let warnings = warnings(cohort, &pair, &happened);
    let mut session = Session::new(cohort, today).map_err(|e| vec![e])?;
    let mut work = session.work(cohort, &pair);
    let (number, uid) = session
        .record(&mut work, happened, false)
        .map_err(|e| vec![e])?;
    session.plan(&mut work, &Request::new(Mode::Log));
    let next = next_planned(&work, today);
    let changes = session.commit(cohort, vec![work]);
    Ok(Logged {
        next,
        mentee: pair.mentee,
        mentor: pair.mentor,
        number,
        uid,
        changes,
        warnings,
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
    /// Days after its window it is planned (a late replacement or catch-up).
    pub days_late: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverduePair {
    pub mentee: String,
    pub mentor: String,
    /// The last held meeting, if any.
    pub last_met: Option<NaiveDate>,
    /// When the cadence runs from: the last held meeting or the pair's start.
    pub since: NaiveDate,
    /// The last day before it counted as overdue.
    pub due_by: NaiveDate,
    pub days_overdue: i64,
    pub weeks_since: i64,
    /// The pair's next planned meeting, if any.
    pub next_planned: Option<NaiveDate>,
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
/// every confirmed pair more than `max_weeks` past its last held meeting or its start (as of
/// today, or as of the cohort's end once it has passed).
pub fn due(cohort: &Cohort, today: NaiveDate, within: u32) -> DueReport {
    let as_of = today.min(cohort.config.cohort.end);
    let horizon = schedule::add_days(today, i64::from(within)).unwrap_or(today);
    let pairs = confirmed_pairs(cohort);
    let confirmed: FxHashSet<(&str, &str)> = pairs
        .iter()
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
                days_late: (planned > m.due_by).then(|| (planned - m.due_by).num_days()),
            })
        })
        .collect();
    due.sort_by(|a, b| {
        a.planned
            .cmp(&b.planned)
            .then(a.mentee.cmp(&b.mentee))
            .then(a.number.cmp(&b.number))
    });
    let last_held = last_held(cohort);
    let mut next: FxHashMap<(&str, &str), NaiveDate> = FxHashMap::default();
    for m in cohort.meetings.iter() {
        if let Some(day) = m
            .planned
            .filter(|d| m.status == MeetingStatus::Planned && *d >= today)
        {
            let entry = next
                .entry((m.mentee.as_str(), m.mentor.as_str()))
                .or_insert(day);
            *entry = (*entry).min(day);
        }
    }
    let cadence = &cohort.config.cadence;
    let mut overdue: Vec<OverduePair> = pairs
        .iter()
        .filter_map(|p| {
            let last_met = last_held
                .get(&(p.mentee.as_str(), p.mentor.as_str()))
                .copied();
            let since = last_met.unwrap_or(p.start);
            let days_overdue = schedule::overdue_days(p.start, last_met, cadence, as_of)?;
            Some(OverduePair {
                weeks_since: (as_of - since).num_weeks(),
                mentee: p.mentee.clone(),
                mentor: p.mentor.clone(),
                last_met,
                since,
                due_by: schedule::next_due_by(p.start, last_met, cadence)?,
                days_overdue,
                next_planned: next.get(&(p.mentee.as_str(), p.mentor.as_str())).copied(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Pair, Participant, Role};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// A cohort (13 January to 31 July 2020) with `n` pairs confirmed on 6 January.
    fn cohort(n: usize) -> Cohort {
        let config = crate::cohort::config::for_test(d(2020, 1, 13), d(2020, 7, 31));
        let mut c = Cohort::empty("c", config);
        let person = |id: String, role| Participant::for_test(&id, role);
        for i in 0..n {
            c.participants.push(person(format!("e{i}"), Role::Mentee));
            c.participants.push(person(format!("r{i}"), Role::Mentor));
            c.pairs.push(Pair {
                mentee: format!("e{i}"),
                mentor: format!("r{i}"),
                score: 1.0,
                reasons: String::new(),
                status: PairStatus::Confirmed,
                proposed_on: Some(d(2020, 1, 6)),
                confirmed_on: Some(d(2020, 1, 6)),
                ended_on: None,
                end_reason: String::new(),
            });
        }
        c
    }

    fn rows_of(c: &Cohort, i: usize) -> Vec<Meeting> {
        let (e, r) = (format!("e{i}"), format!("r{i}"));
        c.meetings
            .iter()
            .filter(|m| m.of(&e, &r))
            .cloned()
            .collect()
    }

    #[test]
    fn a_log_moves_only_its_own_pairs_meetings_and_only_what_must_move() {
        let mut c = cohort(3);
        plan(&mut c, &Request::new(Mode::Extend), d(2020, 1, 6)).expect("plan");
        let before: Vec<Vec<Meeting>> = (0..3).map(|i| rows_of(&c, i)).collect();
        // Held two days after its planned day: the next meeting still falls 6-8 weeks later.
        let first = before[1][0].planned.expect("planned");
        let held = schedule::add_days(first, 2).expect("date");
        let logged = log(
            &mut c,
            "e1",
            Happened::Held {
                date: held,
                minutes: Some(60),
                topics: Vec::new(),
            },
            held,
        )
        .expect("log");
        assert_eq!(rows_of(&c, 0), before[0]);
        assert_eq!(rows_of(&c, 2), before[2]);
        assert!(
            logged.changes.iter().all(|ch| ch.kind != ChangeKind::Moved),
            "{:?}",
            logged.changes
        );
        assert_eq!(rows_of(&c, 1)[1].planned, before[1][1].planned);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever is logged, and on whatever day, only the logged pair's planned days move; and
        /// `schedule` on any later day moves nothing at all.
        #[test]
        fn planned_dates_move_only_for_pairs_whose_history_changed(
            pairs in 2usize..6,
            events in prop::collection::vec((0usize..6, any::<bool>(), 0i64..20, 0i64..10), 1..8),
        ) {
            let mut c = cohort(pairs);
            let mut today = d(2020, 1, 6);
            plan(&mut c, &Request::new(Mode::Extend), today).expect("plan");
            for (pair, held, days_later, days_before) in events {
                let pair = pair % pairs;
                today = schedule::add_days(today, days_later).expect("date");
                let date = schedule::add_days(today, -days_before).expect("date").max(d(2020, 1, 6));
                let before: Vec<Vec<Meeting>> = (0..pairs).map(|i| rows_of(&c, i)).collect();
                let happened = if held {
                    Happened::Held { date, minutes: None, topics: Vec::new() }
                } else {
                    Happened::Cancelled { date, reason: String::new() }
                };
                let logged = log(&mut c, &format!("e{pair}"), happened, today);
                for i in (0..pairs).filter(|i| *i != pair || logged.is_err()) {
                    prop_assert_eq!(&rows_of(&c, i), &before[i], "pair {} moved", i);
                }
                // Looking at the plan changes nothing, today or any later day.
                for later in [0, 1, 9] {
                    let on = schedule::add_days(today, later).expect("date");
                    let snapshot = c.meetings.to_bytes();
                    let planned = plan(&mut c, &Request::new(Mode::Extend), on).expect("plan");
                    prop_assert!(planned.changes.is_empty(), "{:?}", planned.changes);
                    prop_assert_eq!(c.meetings.to_bytes(), snapshot);
                }
            }
        }
    }
}
