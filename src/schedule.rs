//! One-to-one meeting planner for revmentor: working-day calendar, cadence windows, load-spread planning.
//!
//! Pure code: no I/O and no clock. "Today" and the cohort's end are parameters, and the
//! same input always gives the same output (pairs are processed in the order given).
//!
//! # Rules
//!
//! 1. **Working day**: Monday to Friday and not inside any [`Closure`] (an inclusive
//!    `from..=to` range with a reason, e.g. the Christmas closure or a bank holiday).
//! 2. **Windows**. Each meeting has a window `[due_from, due_by]` and a target day:
//!    * first meeting of a pair: `[start, start + first_weeks]` (14 days by default), target
//!      the window's midpoint, where `start` is the pair's confirmation date or the
//!      coordinator's `--from` date;
//!    * every next meeting: `[anchor + min_weeks, anchor + max_weeks]`, target
//!      `anchor + (min_weeks + max_weeks) / 2` (7 weeks for the default 6..=8, rounded
//!      down to a whole day for odd sums). The anchor is the date of the last held
//!      meeting, else the planned date of the meeting planned just before.
//! 3. **Choice of day**: among the working days of the window that are on or after
//!    today and on or before `end`, the day with the least load (meetings held or
//!    planned on it by all pairs so far), then the one nearest the target, then the
//!    earlier one.
//! 4. **Late fallback**: when that range has no working day (window all in the past,
//!    or blocked by closures), the meeting goes on one of the first
//!    [`CATCH_UP_WORKING_DAYS`] working days on or after `max(due_from, today)`,
//!    least loaded first, then earliest. Its `due_by` keeps the nominal window, so
//!    such a meeting is recognisable: [`Meeting::days_late`] is `Some`. A window that
//!    is entirely in the past is "overdue" and always takes this path; the catch-up
//!    meeting then anchors the next window (the cadence restarts from it).
//! 5. **Cohort end**: nothing is planned after `end`. Planning of a pair stops when a
//!    window starts after `end`, or when no working day is left between the window
//!    (or its catch-up) and `end`. A window that straddles `end` only offers its days
//!    up to `end`.
//! 6. **Never in the past**: no planned date is before `today` (today itself is allowed).
//! 7. **Existing rows**: rows are ordered by `number`. Every row up to and including the
//!    last `held` or `cancelled` one is kept byte-identical (this includes any stale
//!    `planned` row sitting before a held/cancelled one: it is left for the coordinator
//!    to mark). Every `planned` row after it is dropped and re-planned; numbering
//!    continues from the last kept row (1, 2, 3… counting held, cancelled and planned).
//! 8. **Cancellation**: when the last kept row is cancelled, a replacement is planned in
//!    the same window (same `due_from`/`due_by`) if that window still has a working day
//!    on or after both the cancellation date and today (and not after `end`); its
//!    target is the earliest such day (as soon as possible, subject to load). Otherwise
//!    the cancelled meeting counts as a skipped cycle: the next window is computed from
//!    its planned date (its cancellation date when it had none).
//! 9. **Load**: held meetings (on their `date`) and kept planned rows (on their
//!    `planned` date) of every pair count from the start; each new meeting adds one to
//!    its day. Cancelled meetings count for nothing.
//!
//! Limits checked by [`plan`] ([`PlanError`]): `1 <= min_weeks <= max_weeks <=`
//! [`MAX_CADENCE_WEEKS`]; every closure has `from <= to`; `end - today` at most
//! [`MAX_HORIZON_DAYS`]; meeting numbers unique within a pair; held and cancelled rows
//! carry a `date`.
//!
//! Cost: one day-indexed table over `today..=end` (working flag, next working day,
//! load); each meeting scans only its own window, so planning is
//! O(days × closures + meetings × window length).

use chrono::{Datelike, NaiveDate, Weekday};
use std::fmt;
use std::str::FromStr;

/// Number of working days offered to a meeting whose window has no usable working day.
pub const CATCH_UP_WORKING_DAYS: usize = 5;
/// Largest accepted `max_weeks`.
pub const MAX_CADENCE_WEEKS: u32 = 52;
/// Largest accepted planning horizon (`end - today`), in days (about ten years).
pub const MAX_HORIZON_DAYS: i64 = 3660;

/// A period when the organisation is closed (inclusive on both ends).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Closure {
    /// First closed day.
    pub from: NaiveDate,
    /// Last closed day (inclusive).
    pub to: NaiveDate,
    /// Why, e.g. "Christmas closure" or "Easter Monday".
    pub reason: String,
}

impl Closure {
    /// A closure `from..=to`.
    pub fn new(from: NaiveDate, to: NaiveDate, reason: impl Into<String>) -> Self {
        Self {
            from,
            to,
            reason: reason.into(),
        }
    }

    /// Whether `day` falls inside this closure.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// Working-day calendar: Monday to Friday minus closures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Closures, in any order; they may overlap.
    pub closures: Vec<Closure>,
}

impl Calendar {
    /// A calendar without closures.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder: the same calendar with one more closure.
    pub fn with_closure(
        mut self,
        from: NaiveDate,
        to: NaiveDate,
        reason: impl Into<String>,
    ) -> Self {
        self.closures.push(Closure::new(from, to, reason));
        self
    }

    /// The first closure (in list order) that contains `day`.
    pub fn closure_on(&self, day: NaiveDate) -> Option<&Closure> {
        self.closures.iter().find(|c| c.contains(day))
    }

    /// Monday to Friday and not inside any closure.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && self.closure_on(day).is_none()
    }

    /// Every closure must have `from <= to`.
    pub fn validate(&self) -> Result<(), PlanError> {
        match self.closures.iter().find(|c| c.from > c.to) {
            Some(c) => Err(PlanError::InvalidClosure {
                from: c.from,
                to: c.to,
            }),
            None => Ok(()),
        }
    }
}

/// Allowed gap between two one-to-ones, in weeks (default 6..=8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cadence {
    /// Shortest gap, in weeks (at least 1).
    pub min_weeks: u32,
    /// Longest gap, in weeks (at least `min_weeks`, at most [`MAX_CADENCE_WEEKS`]).
    pub max_weeks: u32,
    /// The first meeting's window: this many weeks from the pair's start (at least 1; default 2).
    pub first_weeks: u32,
}

impl Default for Cadence {
    fn default() -> Self {
        Self {
            min_weeks: 6,
            max_weeks: 8,
            first_weeks: 2,
        }
    }
}

impl Cadence {
    /// A validated cadence.
    pub fn new(min_weeks: u32, max_weeks: u32) -> Result<Self, PlanError> {
        let cadence = Self {
            min_weeks,
            max_weeks,
            ..Self::default()
        };
        cadence.validate()?;
        Ok(cadence)
    }

    /// `1 <= min_weeks <= max_weeks <= MAX_CADENCE_WEEKS`.
    pub fn validate(&self) -> Result<(), PlanError> {
        if self.min_weeks == 0
            || self.min_weeks > self.max_weeks
            || self.max_weeks > MAX_CADENCE_WEEKS
            || self.first_weeks == 0
            || self.first_weeks > MAX_CADENCE_WEEKS
        {
            return Err(PlanError::InvalidCadence {
                min_weeks: self.min_weeks,
                max_weeks: self.max_weeks,
            });
        }
        Ok(())
    }

    /// Shortest gap in days.
    pub fn min_days(&self) -> i64 {
        i64::from(self.min_weeks) * 7
    }

    /// Longest gap in days.
    pub fn max_days(&self) -> i64 {
        i64::from(self.max_weeks) * 7
    }

    /// Length of the first meeting's window in days (14 by default).
    pub fn first_days(&self) -> i64 {
        i64::from(self.first_weeks) * 7
    }

    /// Target gap in days: the midpoint, rounded down (49 for 6..=8).
    pub fn target_days(&self) -> i64 {
        (self.min_days() + self.max_days()) / 2
    }
}

/// State of one meeting row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Scheduled, not yet happened: re-planned freely.
    Planned,
    /// Took place on `date`: never changed.
    Held,
    /// Called off on `date`: never changed.
    Cancelled,
}

impl Status {
    /// Lower-case name: `planned`, `held`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Held => "held",
            Status::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error of [`Status::from_str`]: the text that is not a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseStatusError(pub String);

impl fmt::Display for ParseStatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown meeting status {:?} (expected planned, held or cancelled)",
            self.0
        )
    }
}

impl std::error::Error for ParseStatusError {}

impl FromStr for Status {
    type Err = ParseStatusError;

    /// Accepts `planned`, `held`, `cancelled` (and `canceled`), any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "planned" => Ok(Status::Planned),
            "held" => Ok(Status::Held),
            "cancelled" | "canceled" => Ok(Status::Cancelled),
            _ => Err(ParseStatusError(s.to_string())),
        }
    }
}

/// One one-to-one of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Meeting {
    /// 1, 2, 3… within the pair, counting held, cancelled and planned rows.
    pub number: u32,
    /// First day of the meeting's window.
    pub due_from: NaiveDate,
    /// Last day of the meeting's window (nominal: a late meeting is planned after it).
    pub due_by: NaiveDate,
    /// Planned day, if any.
    pub planned: Option<NaiveDate>,
    /// Planned, held or cancelled.
    pub status: Status,
    /// Day it was held or cancelled on; `None` while planned.
    pub date: Option<NaiveDate>,
}

impl Meeting {
    /// For a planned row planned after its window (the late fallback), the number of
    /// days after `due_by`; otherwise `None`.
    pub fn days_late(&self) -> Option<i64> {
        match (self.status, self.planned) {
            (Status::Planned, Some(p)) if p > self.due_by => {
                Some(day_number(p) - day_number(self.due_by))
            }
            _ => None,
        }
    }

    /// Whether [`Meeting::days_late`] is `Some`.
    pub fn is_late(&self) -> bool {
        self.days_late().is_some()
    }
}

/// One confirmed pair to plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairPlan<'a> {
    /// Confirmation date, or the coordinator's `--from` date.
    pub start: NaiveDate,
    /// The pair's rows so far, in any order (sorted by `number` in the output).
    pub existing: &'a [Meeting],
}

/// Why [`plan`] refused its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// Not `1 <= min_weeks <= max_weeks <= MAX_CADENCE_WEEKS`.
    InvalidCadence {
        /// Given shortest gap.
        min_weeks: u32,
        /// Given longest gap.
        max_weeks: u32,
    },
    /// A closure ends before it starts.
    InvalidClosure {
        /// Given first day.
        from: NaiveDate,
        /// Given last day.
        to: NaiveDate,
    },
    /// `end - today` is longer than [`MAX_HORIZON_DAYS`].
    HorizonTooLong {
        /// Given today.
        today: NaiveDate,
        /// Given cohort end.
        end: NaiveDate,
    },
    /// Two rows of one pair share a number.
    DuplicateNumber {
        /// Index of the pair in the input.
        pair: usize,
        /// The repeated number.
        number: u32,
    },
    /// A held or cancelled row has no `date`.
    MissingDate {
        /// Index of the pair in the input.
        pair: usize,
        /// Number of the row.
        number: u32,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::InvalidCadence {
                min_weeks,
                max_weeks,
            } => write!(
                f,
                "invalid cadence {min_weeks}..={max_weeks} weeks (need 1 <= min <= max <= {MAX_CADENCE_WEEKS})"
            ),
            PlanError::InvalidClosure { from, to } => {
                write!(f, "closure {from}..={to} ends before it starts")
            }
            PlanError::HorizonTooLong { today, end } => write!(
                f,
                "cohort end {end} is more than {MAX_HORIZON_DAYS} days after today ({today})"
            ),
            PlanError::DuplicateNumber { pair, number } => {
                write!(f, "pair #{pair}: meeting number {number} appears twice")
            }
            PlanError::MissingDate { pair, number } => write!(
                f,
                "pair #{pair}: meeting {number} is held or cancelled but has no date"
            ),
        }
    }
}

impl std::error::Error for PlanError {}

/// Plans every pair's meetings.
///
/// Returns, for each pair in input order, its full meeting list sorted by number: kept
/// rows (every row up to the last held or cancelled one) unchanged, followed by the
/// newly planned rows. See the module documentation for the rules.
pub fn plan(
    pairs: &[PairPlan<'_>],
    cadence: &Cadence,
    calendar: &Calendar,
    end: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<Vec<Meeting>>, PlanError> {
    plan_beside(pairs, &[], cadence, calendar, end, today)
}

/// Like [`plan`], for some pairs only: `busy` lists the days other pairs already meet on (held
/// or planned), so the spread takes them into account without re-planning those pairs.
pub fn plan_beside(
    pairs: &[PairPlan<'_>],
    busy: &[NaiveDate],
    cadence: &Cadence,
    calendar: &Calendar,
    end: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<Vec<Meeting>>, PlanError> {
    cadence.validate()?;
    calendar.validate()?;
    let mut horizon = Horizon::new(calendar, today, end)?;
    for day in busy {
        horizon.add_load(day_number(*day));
    }

    let mut result = Vec::with_capacity(pairs.len());
    for (index, pair) in pairs.iter().enumerate() {
        let kept = kept_rows(index, pair.existing)?;
        for row in &kept {
            let busy = match row.status {
                Status::Held => row.date,
                Status::Planned => row.planned,
                Status::Cancelled => None,
            };
            if let Some(day) = busy {
                horizon.add_load(day_number(day));
            }
        }
        result.push(kept);
    }
    for (pair, rows) in pairs.iter().zip(result.iter_mut()) {
        plan_pair(pair.start, rows, cadence, &mut horizon);
    }
    Ok(result)
}

/// The last day before a pair counts as overdue: `max_weeks` after its last held meeting, or
/// after its start (confirmation) when it has not met yet. `None` only on date overflow.
pub fn next_due_by(
    start: NaiveDate,
    last_held: Option<NaiveDate>,
    cadence: &Cadence,
) -> Option<NaiveDate> {
    from_day_number(day_number(last_held.unwrap_or(start)) + cadence.max_days())
}

/// Days by which the pair is overdue on `today` (`today` minus [`next_due_by`]), or `None` when
/// it is not overdue. Calendar days; closures do not extend the deadline, and the cohort's end
/// is the caller's business.
pub fn overdue_days(
    start: NaiveDate,
    last_held: Option<NaiveDate>,
    cadence: &Cadence,
    today: NaiveDate,
) -> Option<i64> {
    let due = next_due_by(start, last_held, cadence)?;
    let late = day_number(today) - day_number(due);
    (late > 0).then_some(late)
}

fn day_number(day: NaiveDate) -> i64 {
    i64::from(day.num_days_from_ce())
}

fn from_day_number(number: i64) -> Option<NaiveDate> {
    i32::try_from(number)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Validates a pair's rows, sorts them by number and keeps those up to the last held
/// or cancelled one.
fn kept_rows(pair: usize, existing: &[Meeting]) -> Result<Vec<Meeting>, PlanError> {
    let mut rows = existing.to_vec();
    rows.sort_by_key(|m| m.number);
    if let Some(w) = rows.windows(2).find(|w| w[0].number == w[1].number) {
        return Err(PlanError::DuplicateNumber {
            pair,
            number: w[0].number,
        });
    }
    if let Some(m) = rows
        .iter()
        .find(|m| m.status != Status::Planned && m.date.is_none())
    {
        return Err(PlanError::MissingDate {
            pair,
            number: m.number,
        });
    }
    let keep = rows
        .iter()
        .rposition(|m| m.status != Status::Planned)
        .map_or(0, |i| i + 1);
    rows.truncate(keep);
    Ok(rows)
}

/// A meeting's window in day numbers; `earliest` > `from` only for a replacement.
#[derive(Debug, Clone, Copy)]
struct Window {
    from: i64,
    by: i64,
    earliest: i64,
    target: i64,
}

impl Window {
    fn first(start: i64, cadence: &Cadence) -> Self {
        Self {
            from: start,
            by: start + cadence.first_days(),
            earliest: start,
            target: start + cadence.first_days() / 2,
        }
    }

    fn after(anchor: i64, cadence: &Cadence) -> Self {
        Self {
            from: anchor + cadence.min_days(),
            by: anchor + cadence.max_days(),
            earliest: anchor + cadence.min_days(),
            target: anchor + cadence.target_days(),
        }
    }
}

/// Day table over `today..=end`: working flags, next working day, load.
struct Horizon {
    first: i64,
    last: i64,
    /// `next[i]`: smallest working offset `>= i`, or `len` (has `len + 1` entries).
    next: Vec<usize>,
    load: Vec<u32>,
}

impl Horizon {
    fn new(calendar: &Calendar, today: NaiveDate, end: NaiveDate) -> Result<Self, PlanError> {
        let first = day_number(today);
        let last = day_number(end);
        let span = (last - first + 1).max(0);
        if span > MAX_HORIZON_DAYS + 1 {
            return Err(PlanError::HorizonTooLong { today, end });
        }
        let len = usize::try_from(span).unwrap_or(0);
        let mut next = vec![len; len + 1];
        for offset in (0..len).rev() {
            let working = today
                .checked_add_days(chrono::Days::new(offset as u64))
                .is_some_and(|d| calendar.is_working_day(d));
            next[offset] = if working { offset } else { next[offset + 1] };
        }
        Ok(Self {
            first,
            last,
            next,
            load: vec![0; len],
        })
    }

    /// Offsets of `lo..=hi` clipped to the table, if any day is left.
    fn clip(&self, lo: i64, hi: i64) -> Option<(usize, usize)> {
        let lo = lo.max(self.first);
        let hi = hi.min(self.last);
        if lo > hi {
            return None;
        }
        let lo = usize::try_from(lo - self.first).ok()?;
        let hi = usize::try_from(hi - self.first).ok()?;
        Some((lo, hi))
    }

    fn add_load(&mut self, day: i64) {
        if let Some((i, _)) = self.clip(day, day) {
            self.load[i] += 1;
        }
    }

    /// Working day in `lo..=hi` (within the table) minimising (load, distance to
    /// `target`, day).
    fn best_in(&self, lo: i64, hi: i64, target: i64) -> Option<i64> {
        let (lo, hi) = self.clip(lo, hi)?;
        let target = target - self.first;
        let mut best: Option<(u32, i64, usize)> = None;
        let mut i = self.next[lo];
        while i <= hi {
            let key = (self.load[i], (i as i64 - target).abs(), i);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
            i = self.next[i + 1];
        }
        best.map(|(_, _, i)| self.first + i as i64)
    }

    /// Among the first [`CATCH_UP_WORKING_DAYS`] working days `>= from` (within the
    /// table), the least loaded, then the earliest.
    fn catch_up(&self, from: i64) -> Option<i64> {
        let (lo, _) = self.clip(from, self.last)?;
        let mut best: Option<(u32, usize)> = None;
        let mut i = self.next[lo];
        let mut seen = 0;
        while i < self.load.len() && seen < CATCH_UP_WORKING_DAYS {
            let key = (self.load[i], i);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
            seen += 1;
            i = self.next[i + 1];
        }
        best.map(|(_, i)| self.first + i as i64)
    }
}

/// Appends the pair's new planned rows after its kept rows.
fn plan_pair(start: NaiveDate, rows: &mut Vec<Meeting>, cadence: &Cadence, horizon: &mut Horizon) {
    let mut number = match rows.last() {
        None => Some(1),
        Some(last) => last.number.checked_add(1),
    };
    let mut window = match rows.last() {
        None => Window::first(day_number(start), cadence),
        Some(last) if last.status == Status::Cancelled => {
            replacement_or_next(last, cadence, horizon)
        }
        Some(last) => Window::after(
            day_number(last.date.or(last.planned).unwrap_or(last.due_from)),
            cadence,
        ),
    };
    while let Some(n) = number {
        if window.from > horizon.last {
            break;
        }
        let Some(day) = horizon
            .best_in(window.earliest, window.by, window.target)
            .or_else(|| horizon.catch_up(window.earliest))
        else {
            break;
        };
        let (Some(due_from), Some(due_by), Some(planned)) = (
            from_day_number(window.from),
            from_day_number(window.by),
            from_day_number(day),
        ) else {
            break;
        };
        rows.push(Meeting {
            number: n,
            due_from,
            due_by,
            planned: Some(planned),
            status: Status::Planned,
            date: None,
        });
        horizon.add_load(day);
        window = Window::after(day, cadence);
        number = n.checked_add(1);
    }
}

/// Window after a cancelled last row: the same window if it still has a working day on
/// or after the cancellation date (and today, and not after end), else the next cycle
/// anchored on the cancelled meeting's planned date.
fn replacement_or_next(cancelled: &Meeting, cadence: &Cadence, horizon: &Horizon) -> Window {
    let on = cancelled
        .date
        .or(cancelled.planned)
        .unwrap_or(cancelled.due_from);
    let earliest = day_number(on).max(day_number(cancelled.due_from));
    let by = day_number(cancelled.due_by);
    if horizon.best_in(earliest, by, earliest).is_some() {
        return Window {
            from: day_number(cancelled.due_from),
            by,
            earliest,
            target: earliest,
        };
    }
    let anchor = cancelled
        .planned
        .or(cancelled.date)
        .unwrap_or(cancelled.due_from);
    Window::after(day_number(anchor), cadence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn add(day: NaiveDate, n: i64) -> NaiveDate {
        from_day_number(day_number(day) + n).unwrap()
    }

    fn held(number: u32, on: NaiveDate) -> Meeting {
        Meeting {
            number,
            due_from: add(on, -7),
            due_by: add(on, 7),
            planned: Some(on),
            status: Status::Held,
            date: Some(on),
        }
    }

    fn one(
        start: NaiveDate,
        existing: &[Meeting],
        calendar: &Calendar,
        end: NaiveDate,
        today: NaiveDate,
    ) -> Vec<Meeting> {
        let pairs = [PairPlan { start, existing }];
        plan(&pairs, &Cadence::default(), calendar, end, today)
            .unwrap()
            .remove(0)
    }

    fn planned_dates(rows: &[Meeting]) -> Vec<NaiveDate> {
        rows.iter()
            .filter(|m| m.status == Status::Planned)
            .filter_map(|m| m.planned)
            .collect()
    }

    #[test]
    fn working_days_skip_weekends_and_closures() {
        let cal = Calendar::new().with_closure(d(2025, 12, 24), d(2026, 1, 1), "Christmas closure");
        assert!(cal.is_working_day(d(2025, 12, 19)));
        assert!(!cal.is_working_day(d(2025, 12, 20)));
        assert!(!cal.is_working_day(d(2025, 12, 21)));
        assert!(cal.is_working_day(d(2025, 12, 23)));
        assert!(!cal.is_working_day(d(2025, 12, 24)));
        assert!(!cal.is_working_day(d(2026, 1, 1)));
        assert!(cal.is_working_day(d(2026, 1, 2)));
        assert_eq!(
            cal.closure_on(d(2025, 12, 25)).map(|c| c.reason.as_str()),
            Some("Christmas closure")
        );
    }

    #[test]
    fn first_meeting_within_two_weeks_at_midpoint() {
        // Monday 2025-01-06: window [01-06, 01-20], target Monday 01-13.
        let rows = one(
            d(2025, 1, 6),
            &[],
            &Calendar::new(),
            d(2025, 12, 31),
            d(2025, 1, 6),
        );
        assert_eq!(rows[0].number, 1);
        assert_eq!(rows[0].due_from, d(2025, 1, 6));
        assert_eq!(rows[0].due_by, d(2025, 1, 20));
        assert_eq!(rows[0].planned, Some(d(2025, 1, 13)));
        assert!(!rows[0].is_late());
    }

    #[test]
    fn next_meetings_aim_at_seven_weeks() {
        let rows = one(
            d(2025, 1, 6),
            &[],
            &Calendar::new(),
            d(2025, 12, 31),
            d(2025, 1, 6),
        );
        let dates = planned_dates(&rows);
        assert_eq!(dates[0], d(2025, 1, 13));
        assert_eq!(dates[1], d(2025, 3, 3));
        assert_eq!(rows[1].due_from, d(2025, 2, 24));
        assert_eq!(rows[1].due_by, d(2025, 3, 10));
        for w in dates.windows(2) {
            assert_eq!(day_number(w[1]) - day_number(w[0]), 49);
        }
        // 2025-01-13 + 7k weeks, up to 2025-12-31: 01-13, 03-03, 04-21, 06-09, 07-28, 09-15, 11-03, 12-22.
        assert_eq!(dates.len(), 8);
        assert_eq!(*dates.last().unwrap(), d(2025, 12, 22));
        let numbers: Vec<u32> = rows.iter().map(|m| m.number).collect();
        assert_eq!(numbers, (1..=8).collect::<Vec<_>>());
    }

    #[test]
    fn weekend_target_moves_to_nearest_working_day() {
        // Held on Saturday 03-08: target Saturday 04-26; Friday 04-25 is nearer than Monday 04-28.
        let rows = one(
            d(2025, 1, 6),
            &[held(1, d(2025, 3, 8))],
            &Calendar::new(),
            d(2025, 6, 1),
            d(2025, 3, 10),
        );
        assert_eq!(rows[1].planned, Some(d(2025, 4, 25)));
    }

    #[test]
    fn bank_holidays_are_skipped() {
        // Held Monday 03-03: target Monday 04-21 (Easter Monday), Good Friday 04-18 closed too.
        let cal = Calendar::new()
            .with_closure(d(2025, 4, 18), d(2025, 4, 18), "Good Friday")
            .with_closure(d(2025, 4, 21), d(2025, 4, 21), "Easter Monday");
        let rows = one(
            d(2025, 1, 6),
            &[held(1, d(2025, 3, 3))],
            &cal,
            d(2025, 5, 30),
            d(2025, 3, 4),
        );
        assert_eq!(rows[1].planned, Some(d(2025, 4, 22)));
    }

    #[test]
    fn christmas_closure_inside_window() {
        // Window [12-15, 12-29], target 12-22 closed: nearest open day is Friday 12-19.
        let cal = Calendar::new().with_closure(d(2025, 12, 22), d(2026, 1, 2), "Christmas closure");
        let rows = one(d(2025, 12, 15), &[], &cal, d(2026, 6, 30), d(2025, 12, 1));
        assert_eq!(rows[0].planned, Some(d(2025, 12, 19)));
        // Window [12-22, 01-05]: only Monday 01-05 is open.
        let rows = one(d(2025, 12, 22), &[], &cal, d(2026, 6, 30), d(2025, 12, 1));
        assert_eq!(rows[0].planned, Some(d(2026, 1, 5)));
        assert!(!rows[0].is_late());
    }

    #[test]
    fn christmas_closure_covering_window_is_late_fallback() {
        let cal = Calendar::new().with_closure(d(2025, 12, 20), d(2026, 1, 6), "Christmas closure");
        let rows = one(d(2025, 12, 22), &[], &cal, d(2026, 6, 30), d(2025, 12, 1));
        assert_eq!(rows[0].due_by, d(2026, 1, 5));
        assert_eq!(rows[0].planned, Some(d(2026, 1, 7)));
        assert_eq!(rows[0].days_late(), Some(2));
        // The next window starts from the late meeting.
        assert_eq!(rows[1].due_from, d(2026, 2, 18));
        assert_eq!(rows[1].planned, Some(d(2026, 2, 25)));
    }

    #[test]
    fn nothing_after_end_and_straddling_window_is_cut() {
        // Held 01-06; window [02-17, 03-03], target 02-24, end 02-20 -> Thursday 02-20.
        let rows = one(
            d(2025, 1, 6),
            &[held(1, d(2025, 1, 6))],
            &Calendar::new(),
            d(2025, 2, 20),
            d(2025, 1, 7),
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].planned, Some(d(2025, 2, 20)));
        // A window starting after the end plans nothing.
        let rows = one(
            d(2025, 1, 6),
            &[held(1, d(2025, 1, 6))],
            &Calendar::new(),
            d(2025, 2, 16),
            d(2025, 1, 7),
        );
        assert_eq!(rows.len(), 1);
        // End before today: nothing new at all.
        let rows = one(
            d(2025, 1, 6),
            &[],
            &Calendar::new(),
            d(2025, 1, 1),
            d(2025, 1, 6),
        );
        assert!(rows.is_empty());
    }

    #[test]
    fn held_rows_untouched_and_replan_from_last_held() {
        let old_planned = Meeting {
            number: 3,
            due_from: d(2025, 4, 1),
            due_by: d(2025, 4, 15),
            planned: Some(d(2025, 4, 8)),
            status: Status::Planned,
            date: None,
        };
        let existing = [held(1, d(2025, 1, 6)), old_planned, held(2, d(2025, 2, 26))];
        let rows = one(
            d(2025, 1, 6),
            &existing,
            &Calendar::new(),
            d(2025, 9, 30),
            d(2025, 3, 1),
        );
        assert_eq!(rows[0], existing[0]);
        assert_eq!(rows[1], existing[2]);
        assert_eq!(rows[2].number, 3);
        assert_eq!(rows[2].due_from, d(2025, 4, 9));
        assert_eq!(rows[2].due_by, d(2025, 4, 23));
        assert_eq!(rows[2].planned, Some(d(2025, 4, 16)));
        assert_eq!(rows[3].number, 4);
        assert_eq!(rows[3].planned, Some(d(2025, 6, 4)));
    }

    #[test]
    fn stale_planned_row_before_held_is_kept() {
        let stale = Meeting {
            number: 1,
            due_from: d(2025, 1, 6),
            due_by: d(2025, 1, 20),
            planned: Some(d(2025, 1, 13)),
            status: Status::Planned,
            date: None,
        };
        let existing = [stale, held(2, d(2025, 3, 3))];
        let rows = one(
            d(2025, 1, 6),
            &existing,
            &Calendar::new(),
            d(2025, 5, 30),
            d(2025, 3, 4),
        );
        assert_eq!(&rows[..2], &existing[..]);
        assert_eq!(rows[2].number, 3);
        assert_eq!(rows[2].planned, Some(d(2025, 4, 21)));
    }

    #[test]
    fn cancellation_gets_replacement_in_same_window() {
        let cancelled = Meeting {
            number: 2,
            due_from: d(2025, 2, 17),
            due_by: d(2025, 3, 3),
            planned: Some(d(2025, 2, 24)),
            status: Status::Cancelled,
            date: Some(d(2025, 2, 24)),
        };
        let existing = [held(1, d(2025, 1, 6)), cancelled];
        let rows = one(
            d(2025, 1, 6),
            &existing,
            &Calendar::new(),
            d(2025, 9, 30),
            d(2025, 2, 25),
        );
        assert_eq!(&rows[..2], &existing[..]);
        assert_eq!(rows[2].number, 3);
        assert_eq!(rows[2].due_from, d(2025, 2, 17));
        assert_eq!(rows[2].due_by, d(2025, 3, 3));
        assert_eq!(rows[2].planned, Some(d(2025, 2, 25)));
        assert_eq!(rows[3].due_from, d(2025, 4, 8));
    }

    #[test]
    fn cancellation_without_room_skips_to_next_cycle() {
        let cancelled = Meeting {
            number: 2,
            due_from: d(2025, 2, 17),
            due_by: d(2025, 3, 3),
            planned: Some(d(2025, 2, 24)),
            status: Status::Cancelled,
            date: Some(d(2025, 3, 3)),
        };
        let existing = [held(1, d(2025, 1, 6)), cancelled];
        let rows = one(
            d(2025, 1, 6),
            &existing,
            &Calendar::new(),
            d(2025, 9, 30),
            d(2025, 3, 4),
        );
        assert_eq!(rows[2].number, 3);
        assert_eq!(rows[2].due_from, d(2025, 4, 7));
        assert_eq!(rows[2].due_by, d(2025, 4, 21));
        assert_eq!(rows[2].planned, Some(d(2025, 4, 14)));
    }

    #[test]
    fn entirely_past_window_is_planned_today_and_late() {
        // Start 01-06, never met, today Wednesday 03-05.
        let rows = one(
            d(2025, 1, 6),
            &[],
            &Calendar::new(),
            d(2025, 9, 30),
            d(2025, 3, 5),
        );
        assert_eq!(rows[0].planned, Some(d(2025, 3, 5)));
        assert_eq!(rows[0].days_late(), Some(44));
        assert_eq!(rows[1].planned, Some(d(2025, 4, 23)));
        assert!(!rows[1].is_late());
    }

    #[test]
    fn fifty_pairs_are_spread() {
        let start = d(2025, 1, 6);
        let pairs: Vec<PairPlan> = (0..50)
            .map(|_| PairPlan {
                start,
                existing: &[],
            })
            .collect();
        let out = plan(
            &pairs,
            &Cadence::default(),
            &Calendar::new(),
            d(2025, 12, 31),
            start,
        )
        .unwrap();
        let mut per_day = std::collections::BTreeMap::new();
        for rows in &out {
            *per_day.entry(rows[0].planned.unwrap()).or_insert(0) += 1;
        }
        // 11 working days in [01-06, 01-20]: 50 meetings -> 4 or 5 each.
        assert_eq!(per_day.len(), 11);
        assert!(per_day.values().all(|&n| n == 4 || n == 5), "{per_day:?}");
        // The first pair still gets the target day.
        assert_eq!(out[0][0].planned, Some(d(2025, 1, 13)));
    }

    #[test]
    fn catch_up_spreads_over_first_working_days() {
        let start = d(2025, 1, 6);
        let pairs: Vec<PairPlan> = (0..10)
            .map(|_| PairPlan {
                start,
                existing: &[],
            })
            .collect();
        let today = d(2025, 3, 5);
        let out = plan(
            &pairs,
            &Cadence::default(),
            &Calendar::new(),
            d(2025, 12, 31),
            today,
        )
        .unwrap();
        let firsts: std::collections::BTreeSet<NaiveDate> =
            out.iter().map(|r| r[0].planned.unwrap()).collect();
        let expected: std::collections::BTreeSet<NaiveDate> = [
            d(2025, 3, 5),
            d(2025, 3, 6),
            d(2025, 3, 7),
            d(2025, 3, 10),
            d(2025, 3, 11),
        ]
        .into_iter()
        .collect();
        assert_eq!(firsts, expected);
    }

    #[test]
    fn held_meetings_count_as_load() {
        // Another pair held a meeting on the target day: the new one moves next door.
        let a = [held(1, d(2025, 1, 13))];
        let pairs = [
            PairPlan {
                start: d(2025, 1, 6),
                existing: &[],
            },
            PairPlan {
                start: d(2025, 1, 6),
                existing: &a,
            },
        ];
        let out = plan(
            &pairs,
            &Cadence::default(),
            &Calendar::new(),
            d(2025, 1, 31),
            d(2025, 1, 13),
        )
        .unwrap();
        assert_eq!(out[0][0].planned, Some(d(2025, 1, 14)));
    }

    #[test]
    fn errors_are_reported() {
        let cal = Calendar::new();
        let t = d(2025, 1, 6);
        assert_eq!(
            plan(
                &[],
                &Cadence {
                    min_weeks: 0,
                    max_weeks: 2,
                    first_weeks: 2
                },
                &cal,
                t,
                t
            ),
            Err(PlanError::InvalidCadence {
                min_weeks: 0,
                max_weeks: 2
            })
        );
        assert!(Cadence::new(9, 8).is_err());
        assert!(Cadence::new(1, 53).is_err());
        let bad = Calendar::new().with_closure(d(2025, 2, 1), d(2025, 1, 1), "typo");
        assert!(matches!(
            plan(&[], &Cadence::default(), &bad, t, t),
            Err(PlanError::InvalidClosure { .. })
        ));
        assert!(matches!(
            plan(&[], &Cadence::default(), &cal, d(2040, 1, 1), t),
            Err(PlanError::HorizonTooLong { .. })
        ));
        let dup = [held(1, t), held(1, t)];
        assert_eq!(
            plan(
                &[PairPlan {
                    start: t,
                    existing: &dup
                }],
                &Cadence::default(),
                &cal,
                t,
                t
            ),
            Err(PlanError::DuplicateNumber { pair: 0, number: 1 })
        );
        let mut no_date = held(1, t);
        no_date.date = None;
        assert_eq!(
            plan(
                &[PairPlan {
                    start: t,
                    existing: &[no_date]
                }],
                &Cadence::default(),
                &cal,
                t,
                t
            ),
            Err(PlanError::MissingDate { pair: 0, number: 1 })
        );
        assert!(
            !PlanError::MissingDate { pair: 0, number: 1 }
                .to_string()
                .is_empty()
        );
    }

    #[test]
    fn overdue_days_counts_past_deadline() {
        let c = Cadence::default();
        let start = d(2025, 1, 6);
        assert_eq!(next_due_by(start, None, &c), Some(d(2025, 3, 3)));
        assert_eq!(overdue_days(start, None, &c, d(2025, 3, 3)), None);
        assert_eq!(overdue_days(start, None, &c, d(2025, 3, 6)), Some(3));
        assert_eq!(
            overdue_days(start, Some(d(2025, 2, 3)), &c, d(2025, 3, 31)),
            None
        );
        assert_eq!(
            overdue_days(start, Some(d(2025, 2, 3)), &c, d(2025, 4, 1)),
            Some(1)
        );
    }

    #[test]
    fn status_round_trips() {
        for s in [Status::Planned, Status::Held, Status::Cancelled] {
            assert_eq!(s.to_string().parse::<Status>(), Ok(s));
        }
        assert_eq!("Canceled".parse::<Status>(), Ok(Status::Cancelled));
        assert!("done".parse::<Status>().is_err());
    }

    // ---- property tests ----

    fn base() -> NaiveDate {
        d(2025, 1, 1)
    }

    fn any_working(cal: &Calendar, lo: NaiveDate, hi: NaiveDate) -> bool {
        let mut day = lo;
        while day <= hi {
            if cal.is_working_day(day) {
                return true;
            }
            day = add(day, 1);
        }
        false
    }

    fn first_working_days(
        cal: &Calendar,
        from: NaiveDate,
        end: NaiveDate,
        n: usize,
    ) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut day = from;
        while day <= end && out.len() < n {
            if cal.is_working_day(day) {
                out.push(day);
            }
            day = add(day, 1);
        }
        out
    }

    type History = Vec<(u8, i64, i64, i64, i64)>;

    fn build_history(start: NaiveDate, raw: &History, reverse: bool) -> Vec<Meeting> {
        let mut cursor = start;
        let mut rows = Vec::new();
        for (i, &(kind, gap, len, planned_off, date_off)) in raw.iter().enumerate() {
            let due_from = add(cursor, gap);
            let due_by = add(due_from, len);
            let planned = add(due_from, planned_off);
            let status = match kind {
                0 => Status::Planned,
                1 => Status::Held,
                _ => Status::Cancelled,
            };
            rows.push(Meeting {
                number: u32::try_from(i).expect("small") + 1,
                due_from,
                due_by,
                planned: Some(planned),
                status,
                date: (status != Status::Planned).then(|| add(planned, date_off)),
            });
            cursor = due_from;
        }
        if reverse {
            rows.reverse();
        }
        rows
    }

    #[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
    fn check(
        pairs: &[PairPlan<'_>],
        out: &[Vec<Meeting>],
        cadence: &Cadence,
        cal: &Calendar,
        end: NaiveDate,
        today: NaiveDate,
    ) -> Result<(), TestCaseError> {
        prop_assert_eq!(pairs.len(), out.len());
        for (pair, rows) in pairs.iter().zip(out) {
            // Sorted, unique numbers.
            prop_assert!(rows.windows(2).all(|w| w[0].number < w[1].number));
            // Kept prefix identical, held/cancelled rows all preserved byte-identical.
            let mut input = pair.existing.to_vec();
            input.sort_by_key(|m| m.number);
            let kept = input
                .iter()
                .rposition(|m| m.status != Status::Planned)
                .map_or(0, |i| i + 1);
            prop_assert_eq!(&rows[..kept], &input[..kept]);
            let frozen_in: Vec<&Meeting> = input
                .iter()
                .filter(|m| m.status != Status::Planned)
                .collect();
            let frozen_out: Vec<&Meeting> = rows
                .iter()
                .filter(|m| m.status != Status::Planned)
                .collect();
            prop_assert_eq!(frozen_in, frozen_out);

            let new = &rows[kept..];
            let first_number = if kept == 0 {
                1
            } else {
                input[kept - 1].number + 1
            };
            for (k, m) in new.iter().enumerate() {
                prop_assert_eq!(m.number, first_number + u32::try_from(k).expect("small"));
                prop_assert_eq!(m.status, Status::Planned);
                prop_assert_eq!(m.date, None);
                let p = m.planned.unwrap();
                prop_assert!(cal.is_working_day(p), "{p} not a working day");
                prop_assert!(p >= today, "{p} before today {today}");
                prop_assert!(p <= end, "{p} after end {end}");
                prop_assert!(p >= m.due_from, "{p} before window {m:?}");
                prop_assert!(m.due_from <= end, "window starts after end: {m:?}");
                if m.is_late() {
                    // Fallback only when the window had no usable working day.
                    let lo = m.due_from.max(today);
                    let hi = m.due_by.min(end);
                    prop_assert!(!any_working(cal, lo, hi), "late but window had room: {m:?}");
                    let allowed = first_working_days(cal, lo, end, CATCH_UP_WORKING_DAYS);
                    prop_assert!(
                        allowed.contains(&p),
                        "late day {p} not in catch-up {allowed:?}"
                    );
                }
            }
            if kept == 0
                && let Some(m) = new.first()
            {
                prop_assert_eq!(m.due_from, pair.start);
                prop_assert_eq!(m.due_by, add(pair.start, cadence.first_days()));
            }
            if kept > 0
                && input[kept - 1].status == Status::Held
                && let Some(m) = new.first()
            {
                let h = input[kept - 1].date.unwrap();
                prop_assert_eq!(m.due_from, add(h, cadence.min_days()));
                prop_assert_eq!(m.due_by, add(h, cadence.max_days()));
            }
            if kept > 0
                && input[kept - 1].status == Status::Cancelled
                && let Some(m) = new.first()
            {
                let c = &input[kept - 1];
                let replacement = m.due_from == c.due_from && m.due_by == c.due_by;
                let skipped = m.due_from == add(c.planned.unwrap(), cadence.min_days());
                prop_assert!(replacement || skipped, "{m:?} after {c:?}");
                if replacement && !skipped {
                    prop_assert!(m.planned.unwrap() >= c.date.unwrap());
                    prop_assert!(!m.is_late());
                }
            }
            for w in new.windows(2) {
                let (a, b) = (w[0].planned.unwrap(), w[1].planned.unwrap());
                let gap = day_number(b) - day_number(a);
                prop_assert_eq!(w[1].due_from, add(a, cadence.min_days()));
                prop_assert_eq!(w[1].due_by, add(a, cadence.max_days()));
                prop_assert!(gap >= cadence.min_days(), "gap {gap} too short");
                if !w[1].is_late() {
                    prop_assert!(gap <= cadence.max_days(), "gap {gap} too long");
                }
            }
            // Planning only stops when nothing more fits before the end.
            if new.is_empty() {
                let (from, earliest) = match input[..kept].last() {
                    None => (pair.start, pair.start),
                    Some(h) if h.status == Status::Held => {
                        let from = add(h.date.unwrap(), cadence.min_days());
                        (from, from)
                    }
                    Some(c) => {
                        let earliest = c.date.unwrap().max(c.due_from);
                        if any_working(cal, earliest.max(today), c.due_by.min(end)) {
                            (c.due_from, earliest)
                        } else {
                            let from = add(c.planned.unwrap(), cadence.min_days());
                            (from, from)
                        }
                    }
                };
                prop_assert!(
                    from > end || !any_working(cal, earliest.max(today), end),
                    "nothing planned although {earliest}..={end} has room"
                );
            }
            if let Some(last) = new.last() {
                let next_from = add(last.planned.unwrap(), cadence.min_days());
                prop_assert!(next_from > end || !any_working(cal, next_from.max(today), end));
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn plan_invariants(
            min_weeks in 1u32..=10,
            extra_weeks in 0u32..=9,
            today_off in 0i64..400,
            end_off in -30i64..500,
            closures in prop::collection::vec((0i64..800, 0i64..40), 0..5),
            raw_pairs in prop::collection::vec(
                (0i64..400, any::<bool>(), prop::collection::vec((0u8..3, 0i64..80, 0i64..30, 0i64..30, -5i64..20), 0..6)),
                1..8,
            ),
        ) {
            let cadence = Cadence::new(min_weeks, (min_weeks + extra_weeks).min(10)).unwrap();
            let mut cal = Calendar::new();
            for &(from, len) in &closures {
                cal = cal.with_closure(add(base(), from), add(base(), from + len), "closure");
            }
            let today = add(base(), today_off);
            let end = add(today, end_off);
            let histories: Vec<(NaiveDate, Vec<Meeting>)> = raw_pairs
                .iter()
                .map(|(start_off, reverse, raw)| {
                    let start = add(base(), *start_off);
                    (start, build_history(start, raw, *reverse))
                })
                .collect();
            let pairs: Vec<PairPlan> = histories
                .iter()
                .map(|(start, existing)| PairPlan { start: *start, existing })
                .collect();
            let out = plan(&pairs, &cadence, &cal, end, today).unwrap();
            check(&pairs, &out, &cadence, &cal, end, today)?;
            let again = plan(&pairs, &cadence, &cal, end, today).unwrap();
            prop_assert_eq!(out, again);
        }

        #[test]
        fn replanning_own_output_is_stable(
            min_weeks in 1u32..=10,
            extra_weeks in 0u32..=9,
            start_offs in prop::collection::vec(0i64..60, 1..20),
            closures in prop::collection::vec((0i64..400, 0i64..20), 0..4),
        ) {
            // Re-planning on the same day with the output as input changes nothing
            // when no new row sits in the past.
            let cadence = Cadence::new(min_weeks, (min_weeks + extra_weeks).min(10)).unwrap();
            let mut cal = Calendar::new();
            for &(from, len) in &closures {
                cal = cal.with_closure(add(base(), from), add(base(), from + len), "closure");
            }
            let today = base();
            let end = add(base(), 365);
            let pairs: Vec<PairPlan> = start_offs
                .iter()
                .map(|&o| PairPlan { start: add(base(), o), existing: &[] })
                .collect();
            let out = plan(&pairs, &cadence, &cal, end, today).unwrap();
            check(&pairs, &out, &cadence, &cal, end, today)?;
            let again_pairs: Vec<PairPlan> = pairs
                .iter()
                .zip(&out)
                .map(|(p, rows)| PairPlan { start: p.start, existing: rows })
                .collect();
            let again = plan(&again_pairs, &cadence, &cal, end, today).unwrap();
            prop_assert_eq!(out, again);
        }
    }
}
