//! Pure one-to-one planning on a working-day calendar: on which days a pair's planned meetings fall,
//! given what the pair has done so far. No I/O and no clock: "today" is a field of [`Rules`], and
//! the same input always gives the same output.
//!
//! The planner works on one pair's *tail*: its planned meetings after its last recorded (held or
//! cancelled) one. Recorded meetings are never changed; they only give the [`Anchor`] the tail is
//! planned from. Settings come from `cohort.toml` ([`Cadence`], [`Calendar`]), which is checked
//! when it is read, so nothing is validated twice here.
//!
//! # Rules
//!
//! 1. **Working day**: Monday to Friday and not inside any `[[calendar.closure]]`.
//! 2. **Windows**. Each meeting has a window `[due_from, due_by]`:
//!    * the first meeting of a pair: `[start, start + first_within_weeks]`, aiming at its middle,
//!      where `start` is the pair's confirmation (or `--from`), never before the cohort's start;
//!    * each next one: `[anchor + min_weeks, anchor + max_weeks]`, aiming at the middle (7 weeks
//!      for 6..8), where the anchor is the last held meeting, else the meeting planned before;
//!    * a replacement for a cancelled meeting keeps the cancelled meeting's window (so it is
//!      *late* when planned after it) and falls on one of the next `replacement_within_days`
//!      working days counted from today (or from the day before the window opens, if later), never
//!      on the cancelled meeting's own day.
//! 3. **Choice of day**: among the window's working days from the first plannable day (today, or
//!    the cohort's start if later) to the cohort's end: the pair's agreed weekday if the window has
//!    one, then the least loaded day (meetings of every pair on it), then the one nearest the
//!    target, then the earlier. A replacement prefers a day inside its window, then the agreed
//!    weekday, the least load and the earliest day.
//! 4. **Late fallback**: when a window has no such day (it has passed, or closures fill it), the
//!    meeting goes on one of the first [`CATCH_UP_WORKING_DAYS`] working days from the window's
//!    start (or today); its `due_by` keeps the window, so it reads as late.
//! 5. **Cohort end and start**: nothing is planned before the cohort's start, before today or after
//!    its end. The tail stops when the next window opens after the end, or no day is left.
//! 6. **Stability**: a planned meeting keeps its day whenever that day is still valid for its
//!    window (a working day, inside the window or its catch-up days, not before today, and, when
//!    the pair has just agreed a weekday, on it if the window offers one). A missed meeting (its day has passed, not before its
//!    window) stays where it is with [`Missed::Stay`], and moves only with [`Missed::Move`]
//!    (`schedule --replan`). So re-planning a pair after a log moves only what must move, and time
//!    passing moves nothing.
//!
//! Cost: one day-indexed table over the planning horizon (working flag, next working day, load);
//! each meeting scans only its own window.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::cohort::config::{Cadence, Calendar};

/// Number of working days offered to a meeting whose window has no usable working day.
pub const CATCH_UP_WORKING_DAYS: usize = 5;
/// Largest accepted planning horizon (the cohort's end minus the first plannable day), in days.
pub const MAX_HORIZON_DAYS: i64 = 3660;

/// Monday to Friday, and not inside a closure.
pub fn is_working_day(calendar: &Calendar, day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        && !calendar
            .closure
            .iter()
            .any(|c| c.from <= day && day <= c.to)
}

/// `day` moved by `n` days (either way), or `None` past the calendar's range.
pub fn add_days(day: NaiveDate, n: i64) -> Option<NaiveDate> {
    let days = Days::new(n.unsigned_abs());
    if n >= 0 {
        day.checked_add_days(days)
    } else {
        day.checked_sub_days(days)
    }
}

/// What planning needs besides a pair's own history.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub cadence: &'a Cadence,
    pub calendar: &'a Calendar,
    /// The cohort's first day: nothing is planned before it.
    pub start: NaiveDate,
    /// The cohort's last day: nothing is planned after it.
    pub end: NaiveDate,
    pub today: NaiveDate,
}

impl Rules<'_> {
    /// The first day a meeting may be planned on: today, or the cohort's start if later.
    pub fn first_day(&self) -> NaiveDate {
        self.today.max(self.start)
    }
}

/// Where a pair's tail is planned from: what its history says about its next meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Nothing recorded yet: the first window opens on the pair's start.
    Start(NaiveDate),
    /// After a meeting on this day: the last held one, or the one planned just before.
    After(NaiveDate),
    /// The last recorded meeting was cancelled: its replacement keeps its window.
    Replace {
        due_from: NaiveDate,
        due_by: NaiveDate,
        /// When it was cancelled: the replacement falls after it.
        cancelled_on: NaiveDate,
        /// The day it had been planned on: never the replacement's day.
        slot: Option<NaiveDate>,
    },
}

/// Whether a planned meeting whose day has passed (nothing was recorded) keeps its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// It stays, and `due` keeps listing it as not recorded.
    Stay,
    /// It moves to a day from today on (`schedule --replan`).
    Move,
}

/// One planned meeting: its window and its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub due_from: NaiveDate,
    pub due_by: NaiveDate,
    pub planned: NaiveDate,
}

impl Slot {
    /// Days after its window the meeting is planned (the late fallback, or a late replacement).
    pub fn days_late(&self) -> Option<i64> {
        (self.planned > self.due_by).then(|| (self.planned - self.due_by).num_days())
    }
}

/// The window of the first meeting planned after `anchor`, as a plan made from that history has
/// it: how the caller tells whether a pair's planned meetings still follow from its history.
pub fn first_window(anchor: &Anchor, cadence: &Cadence) -> Option<(NaiveDate, NaiveDate)> {
    match *anchor {
        Anchor::Start(s) => Some((s, add_days(s, cadence.first_days())?)),
        Anchor::After(d) => Some((
            add_days(d, cadence.min_days())?,
            add_days(d, cadence.max_days())?,
        )),
        Anchor::Replace {
            due_from, due_by, ..
        } => Some((due_from, due_by)),
    }
}

/// The last day before a pair counts as overdue: `max_weeks` after its last held meeting, or after
/// its start when it has not met yet. `None` only past the calendar's range.
pub fn next_due_by(
    start: NaiveDate,
    last_held: Option<NaiveDate>,
    cadence: &Cadence,
) -> Option<NaiveDate> {
    add_days(last_held.unwrap_or(start), cadence.max_days())
}

/// Days by which a pair is overdue on `day` (`day` minus [`next_due_by`]), or `None` when it is not.
/// Calendar days: closures do not extend the deadline.
pub fn overdue_days(
    start: NaiveDate,
    last_held: Option<NaiveDate>,
    cadence: &Cadence,
    day: NaiveDate,
) -> Option<i64> {
    let due = next_due_by(start, last_held, cadence)?;
    let late = (day - due).num_days();
    (late > 0).then_some(late)
}

/// Day table over the planning horizon (the first plannable day to the cohort's end): working
/// flags as "next working day" offsets, and each day's load (meetings held or planned on it).
#[derive(Debug, Clone)]
pub struct Horizon {
    first: NaiveDate,
    /// `next[i]`: the smallest working offset `>= i`, or `len` (it has `len + 1` entries).
    next: Vec<usize>,
    load: Vec<u32>,
}

impl Horizon {
    /// The table for `rules`; refused when the horizon is longer than [`MAX_HORIZON_DAYS`].
    pub fn new(rules: &Rules) -> Result<Horizon, String> {
        let first = rules.first_day();
        let span = (rules.end - first).num_days() + 1;
        if span > MAX_HORIZON_DAYS + 1 {
            return Err(format!(
                "the cohort's end ({}) is more than {MAX_HORIZON_DAYS} days after {first}: check [cohort] end in cohort.toml",
                rules.end
            ));
        }
        let len = usize::try_from(span.max(0)).unwrap_or(0);
        let mut next = vec![len; len + 1];
        let mut day = rules.end;
        for offset in (0..len).rev() {
            next[offset] = if is_working_day(rules.calendar, day) {
                offset
            } else {
                next[offset + 1]
            };
            day = day.pred_opt().unwrap_or(day);
        }
        Ok(Horizon {
            first,
            next,
            load: vec![0; len],
        })
    }

    fn offset(&self, day: NaiveDate) -> Option<usize> {
        let i = usize::try_from((day - self.first).num_days()).ok()?;
        (i < self.load.len()).then_some(i)
    }

    fn day(&self, offset: usize) -> NaiveDate {
        add_days(self.first, i64::try_from(offset).unwrap_or(0)).unwrap_or(self.first)
    }

    /// One more meeting on `day` (nothing when it is outside the horizon).
    pub fn add(&mut self, day: NaiveDate) {
        if let Some(i) = self.offset(day) {
            self.load[i] = self.load[i].saturating_add(1);
        }
    }

    /// One meeting fewer on `day`.
    pub fn remove(&mut self, day: NaiveDate) {
        if let Some(i) = self.offset(day) {
            self.load[i] = self.load[i].saturating_sub(1);
        }
    }

    fn load_on(&self, day: NaiveDate) -> u32 {
        self.offset(day).map_or(0, |i| self.load[i])
    }

    /// The working days of `lo..=hi` inside the horizon, in order.
    fn working(&self, lo: NaiveDate, hi: NaiveDate) -> Vec<NaiveDate> {
        let mut days = Vec::new();
        let lo = lo.max(self.first);
        let (Some(mut i), Some(hi)) = (
            self.offset(lo),
            self.offset(hi).or_else(|| self.last_if_after(hi)),
        ) else {
            return days;
        };
        i = self.next[i];
        while i <= hi && i < self.load.len() {
            days.push(self.day(i));
            i = self.next[i + 1];
        }
        days
    }

    /// The last offset, when `day` is after the horizon (so a range past the end is cut there).
    fn last_if_after(&self, day: NaiveDate) -> Option<usize> {
        let last = self.load.len().checked_sub(1)?;
        (day > self.day(last)).then_some(last)
    }

    /// The first `n` working days from `from`, inside the horizon.
    fn first_working(&self, from: NaiveDate, n: usize) -> Vec<NaiveDate> {
        let mut days = Vec::with_capacity(n);
        let Some(mut i) = self.offset(from.max(self.first)) else {
            return days;
        };
        i = self.next[i];
        while i < self.load.len() && days.len() < n {
            days.push(self.day(i));
            i = self.next[i + 1];
        }
        days
    }
}

/// The `n`th working day after `day`, or the last day reached before `end`.
fn nth_working_day_after(calendar: &Calendar, day: NaiveDate, n: u32, end: NaiveDate) -> NaiveDate {
    let mut d = day;
    let mut count = 0;
    while count < n {
        match d.succ_opt() {
            Some(next) if next <= end => d = next,
            _ => break,
        }
        if is_working_day(calendar, d) {
            count += 1;
        }
    }
    d
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Regular {
        target: NaiveDate,
    },
    Replace {
        /// The days a replacement is chosen from: `lo..=hi`.
        lo: NaiveDate,
        hi: NaiveDate,
        slot: Option<NaiveDate>,
        after: NaiveDate,
    },
}

/// One meeting's window, and how its day is chosen.
#[derive(Debug, Clone, Copy)]
struct Window {
    due_from: NaiveDate,
    due_by: NaiveDate,
    kind: Kind,
}

impl Window {
    fn new(anchor: &Anchor, rules: &Rules) -> Option<Window> {
        let c = rules.cadence;
        let (due_from, due_by) = first_window(anchor, c)?;
        let kind = match *anchor {
            Anchor::Start(s) => Kind::Regular {
                target: add_days(s, c.first_days() / 2)?,
            },
            Anchor::After(d) => Kind::Regular {
                target: add_days(d, c.target_days())?,
            },
            Anchor::Replace {
                cancelled_on, slot, ..
            } => {
                let counted_from = rules.today.max(due_from.pred_opt()?);
                Kind::Replace {
                    lo: counted_from.succ_opt()?,
                    hi: nth_working_day_after(
                        rules.calendar,
                        counted_from,
                        c.replacement_within_days,
                        rules.end,
                    ),
                    slot,
                    after: cancelled_on,
                }
            }
        };
        Some(Window {
            due_from,
            due_by,
            kind,
        })
    }

    /// The first day this window could hold a meeting on.
    fn opens(&self) -> NaiveDate {
        match self.kind {
            Kind::Regular { .. } => self.due_from,
            Kind::Replace { lo, .. } => lo,
        }
    }

    /// The days a meeting in this window may be planned on from today, and whether they are the
    /// window's own days (rather than the late catch-up).
    fn allowed(&self, rules: &Rules, horizon: &Horizon) -> Vec<NaiveDate> {
        match self.kind {
            Kind::Regular { .. } => {
                let inside = horizon.working(self.due_from, self.due_by.min(rules.end));
                if inside.is_empty() {
                    horizon.first_working(self.due_from, CATCH_UP_WORKING_DAYS)
                } else {
                    inside
                }
            }
            Kind::Replace {
                hi, slot, after, ..
            } => horizon
                .working(rules.first_day(), hi.min(rules.end))
                .into_iter()
                .filter(|d| Some(*d) != slot && *d > after)
                .collect(),
        }
    }

    /// Whether a meeting planned on `day` may stay there.
    fn keeps(
        &self,
        day: NaiveDate,
        weekday: Option<Weekday>,
        missed: Missed,
        rules: &Rules,
        horizon: &Horizon,
    ) -> bool {
        if day < rules.start || day > rules.end {
            return false;
        }
        if day < rules.today {
            // A missed meeting stays where it was (inside its window, or late after it).
            return missed == Missed::Stay
                && match self.kind {
                    Kind::Regular { .. } => self.due_from <= day,
                    Kind::Replace { slot, after, .. } => after < day && Some(day) != slot,
                };
        }
        if !is_working_day(rules.calendar, day) {
            return false;
        }
        let allowed = self.allowed(rules, horizon);
        let late = |d: &NaiveDate| *d > self.due_by;
        allowed.contains(&day)
            && weekday.is_none_or(|w| {
                day.weekday() == w
                    || !allowed
                        .iter()
                        .any(|d| d.weekday() == w && late(d) <= late(&day))
            })
    }

    /// The day a new (or moved) meeting in this window goes on; `None` when there is none.
    fn choose(
        &self,
        weekday: Option<Weekday>,
        rules: &Rules,
        horizon: &Horizon,
    ) -> Option<NaiveDate> {
        let other_day = |d: NaiveDate| weekday.is_some_and(|w| d.weekday() != w);
        match self.kind {
            Kind::Regular { target } => {
                let inside = horizon.working(self.due_from, self.due_by.min(rules.end));
                if inside.is_empty() {
                    horizon
                        .first_working(self.due_from, CATCH_UP_WORKING_DAYS)
                        .into_iter()
                        .min_by_key(|d| (other_day(*d), horizon.load_on(*d), *d))
                } else {
                    inside.into_iter().min_by_key(|d| {
                        (
                            other_day(*d),
                            horizon.load_on(*d),
                            (*d - target).num_days().abs(),
                            *d,
                        )
                    })
                }
            }
            Kind::Replace {
                lo,
                hi,
                slot,
                after,
            } => horizon
                .working(lo, hi.min(rules.end))
                .into_iter()
                .filter(|d| Some(*d) != slot && *d > after)
                .min_by_key(|d| (*d > self.due_by, other_day(*d), horizon.load_on(*d), *d)),
        }
    }
}

/// A pair's tail to plan.
#[derive(Debug, Clone, Copy)]
pub struct Tail<'a> {
    pub anchor: Anchor,
    /// The days of the pair's planned meetings after its last recorded one, in order (`None` for a
    /// row without a day).
    pub existing: &'a [Option<NaiveDate>],
    /// The weekday the pair agreed on, if any: new meetings take it when their window has it.
    pub weekday: Option<Weekday>,
    /// Whether kept meetings move onto the agreed weekday too (the agreement is new).
    pub follow_agreed: bool,
    pub missed: Missed,
}

/// Plan a pair's tail. The result's first `existing.len()` slots (or fewer) are the existing
/// meetings, each kept on its day when still valid (see the module's rule 6) or moved; the rest are
/// new. Existing meetings beyond the result are no longer needed (no room before the end). The
/// horizon's load is updated: the existing days removed, the result's days added.
pub fn plan_tail(tail: &Tail, rules: &Rules, horizon: &mut Horizon) -> Vec<Slot> {
    for day in tail.existing.iter().flatten() {
        horizon.remove(*day);
    }
    let mut slots: Vec<Slot> = Vec::new();
    let mut window = Window::new(&tail.anchor, rules);
    while let Some(w) = window {
        if w.opens() > rules.end {
            break;
        }
        let current = tail.existing.get(slots.len()).copied().flatten();
        let keep_weekday = tail.weekday.filter(|_| tail.follow_agreed);
        let kept = current.filter(|&d| w.keeps(d, keep_weekday, tail.missed, rules, horizon));
        let Some(day) = kept.or_else(|| w.choose(tail.weekday, rules, horizon)) else {
            break;
        };
        slots.push(Slot {
            due_from: w.due_from,
            due_by: w.due_by,
            planned: day,
        });
        horizon.add(day);
        window = Window::new(&Anchor::After(day), rules);
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::config::Closure;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn add(day: NaiveDate, n: i64) -> NaiveDate {
        add_days(day, n).unwrap()
    }

    fn calendar(closures: &[(NaiveDate, NaiveDate)]) -> Calendar {
        Calendar {
            closure: closures
                .iter()
                .map(|&(from, to)| Closure {
                    from,
                    to,
                    reason: "closed".into(),
                })
                .collect(),
            ..Calendar::default()
        }
    }

    fn rules<'a>(
        cadence: &'a Cadence,
        calendar: &'a Calendar,
        start: NaiveDate,
        end: NaiveDate,
        today: NaiveDate,
    ) -> Rules<'a> {
        Rules {
            cadence,
            calendar,
            start,
            end,
            today,
        }
    }

    fn plan(anchor: Anchor, existing: &[Option<NaiveDate>], r: &Rules) -> Vec<Slot> {
        let mut h = Horizon::new(r).unwrap();
        plan_tail(
            &Tail {
                anchor,
                existing,
                weekday: None,
                follow_agreed: false,
                missed: Missed::Stay,
            },
            r,
            &mut h,
        )
    }

    #[test]
    fn first_meeting_within_two_weeks_then_every_seven_weeks_until_the_end() {
        let (c, cal) = (Cadence::default(), calendar(&[]));
        let r = rules(&c, &cal, d(2025, 1, 6), d(2025, 6, 30), d(2025, 1, 6));
        let out = plan(Anchor::Start(d(2025, 1, 6)), &[], &r);
        assert_eq!(out[0].due_from, d(2025, 1, 6));
        assert_eq!(out[0].due_by, d(2025, 1, 20));
        assert_eq!(out[0].planned, d(2025, 1, 13));
        assert_eq!(out[1].planned, d(2025, 3, 3));
        assert_eq!(out.len(), 4);
        assert!(out.iter().all(|s| s.planned <= d(2025, 6, 30)));
    }

    #[test]
    fn nothing_before_the_cohorts_start_or_today() {
        let (c, cal) = (Cadence::default(), calendar(&[]));
        // Confirmed in December, the cohort starts 13 January: the caller clamps the start, and the
        // planner never goes before it either way.
        let r = rules(&c, &cal, d(2020, 1, 13), d(2020, 7, 31), d(2019, 12, 2));
        let out = plan(Anchor::Start(d(2019, 12, 2)), &[], &r);
        assert!(out[0].planned >= d(2020, 1, 13), "{out:?}");
        let r = rules(&c, &cal, d(2020, 1, 13), d(2020, 7, 31), d(2020, 2, 3));
        let out = plan(Anchor::Start(d(2020, 1, 13)), &[], &r);
        assert!(out[0].planned >= d(2020, 2, 3), "{out:?}");
        assert!(out[0].days_late().is_some());
    }

    #[test]
    fn closures_are_skipped_and_a_closed_window_falls_back_late() {
        let (c, cal) = (
            Cadence::default(),
            calendar(&[(d(2025, 1, 6), d(2025, 1, 24))]),
        );
        let r = rules(&c, &cal, d(2025, 1, 6), d(2025, 6, 30), d(2025, 1, 6));
        let out = plan(Anchor::Start(d(2025, 1, 6)), &[], &r);
        assert_eq!(out[0].planned, d(2025, 1, 27));
        assert_eq!(out[0].days_late(), Some(7));
    }

    #[test]
    fn a_late_cancellation_is_replaced_within_ten_working_days_never_on_its_slot() {
        let (c, cal) = (Cadence::default(), calendar(&[]));
        // Cancelled on the 17th, recorded on the 28th: the window (13th-27th) has passed.
        let r = rules(&c, &cal, d(2020, 1, 13), d(2020, 7, 31), d(2020, 1, 28));
        let anchor = Anchor::Replace {
            due_from: d(2020, 1, 13),
            due_by: d(2020, 1, 27),
            cancelled_on: d(2020, 1, 17),
            slot: Some(d(2020, 1, 22)),
        };
        let out = plan(anchor, &[Some(d(2020, 3, 11))], &r);
        assert!(out[0].planned > d(2020, 1, 28) && out[0].planned <= d(2020, 2, 11));
        assert!(out[0].days_late().is_some());
        // The next one follows the replacement by 6 to 8 weeks.
        let gap = (out[1].planned - out[0].planned).num_days();
        assert!((42..=56).contains(&gap), "{out:?}");
        // A cancellation recorded on the slot's day is not replaced on it.
        let r = rules(&c, &cal, d(2020, 1, 13), d(2020, 7, 31), d(2020, 1, 21));
        let anchor = Anchor::Replace {
            due_from: d(2020, 1, 13),
            due_by: d(2020, 1, 27),
            cancelled_on: d(2020, 1, 21),
            slot: Some(d(2020, 1, 22)),
        };
        let out = plan(anchor, &[], &r);
        assert_ne!(out[0].planned, d(2020, 1, 22));
        assert!(
            out[0].planned <= d(2020, 1, 27),
            "inside its window: {out:?}"
        );
    }

    #[test]
    fn a_kept_meeting_stays_and_a_missed_one_moves_only_when_asked() {
        let (c, cal) = (Cadence::default(), calendar(&[]));
        let r = rules(&c, &cal, d(2025, 1, 6), d(2025, 12, 31), d(2025, 1, 6));
        let out = plan(Anchor::Start(d(2025, 1, 6)), &[], &r);
        let days: Vec<Option<NaiveDate>> = out.iter().map(|s| Some(s.planned)).collect();
        // Weeks later, nothing recorded: the plan stays, missed meeting included.
        let later = rules(&c, &cal, d(2025, 1, 6), d(2025, 12, 31), d(2025, 1, 22));
        assert_eq!(plan(Anchor::Start(d(2025, 1, 6)), &days, &later), out);
        let mut h = Horizon::new(&later).unwrap();
        let moved = plan_tail(
            &Tail {
                anchor: Anchor::Start(d(2025, 1, 6)),
                existing: &days,
                weekday: None,
                follow_agreed: false,
                missed: Missed::Move,
            },
            &later,
            &mut h,
        );
        assert!(moved[0].planned >= d(2025, 1, 22), "{moved:?}");
        let gap = (moved[1].planned - moved[0].planned).num_days();
        assert!((42..=56).contains(&gap), "still 6-8 weeks after: {moved:?}");
    }

    #[test]
    fn an_agreed_weekday_is_taken_when_the_window_has_one() {
        let (c, cal) = (Cadence::default(), calendar(&[]));
        let r = rules(&c, &cal, d(2025, 1, 6), d(2025, 12, 31), d(2025, 1, 6));
        let mut h = Horizon::new(&r).unwrap();
        let out = plan_tail(
            &Tail {
                anchor: Anchor::Start(d(2025, 1, 6)),
                existing: &[],
                weekday: Some(Weekday::Thu),
                follow_agreed: false,
                missed: Missed::Stay,
            },
            &r,
            &mut h,
        );
        assert!(
            out.iter().all(|s| s.planned.weekday() == Weekday::Thu),
            "{out:?}"
        );
        // A plan made before the agreement moves onto it only when asked.
        let mut h = Horizon::new(&r).unwrap();
        let before = plan(Anchor::Start(d(2025, 1, 6)), &[], &r);
        let days: Vec<Option<NaiveDate>> = before.iter().map(|s| Some(s.planned)).collect();
        for follow in [false, true] {
            let again = plan_tail(
                &Tail {
                    anchor: Anchor::Start(d(2025, 1, 6)),
                    existing: &days,
                    weekday: Some(Weekday::Thu),
                    follow_agreed: follow,
                    missed: Missed::Stay,
                },
                &r,
                &mut h,
            );
            if follow {
                assert!(
                    again.iter().all(|s| s.planned.weekday() == Weekday::Thu),
                    "{again:?}"
                );
            } else {
                assert_eq!(again, before);
            }
        }
    }

    #[test]
    fn load_spreads_pairs_over_the_window() {
        let (c, cal) = (Cadence::default(), calendar(&[]));
        let r = rules(&c, &cal, d(2025, 3, 3), d(2025, 12, 31), d(2025, 3, 3));
        let mut h = Horizon::new(&r).unwrap();
        let firsts: std::collections::BTreeSet<NaiveDate> = (0..5)
            .map(|_| {
                plan_tail(
                    &Tail {
                        anchor: Anchor::Start(d(2025, 3, 3)),
                        existing: &[],
                        weekday: None,
                        follow_agreed: false,
                        missed: Missed::Stay,
                    },
                    &r,
                    &mut h,
                )[0]
                .planned
            })
            .collect();
        assert_eq!(firsts.len(), 5);
    }

    #[test]
    fn overdue_days_count_past_the_deadline() {
        let c = Cadence::default();
        let start = d(2025, 1, 6);
        assert_eq!(next_due_by(start, None, &c), Some(d(2025, 3, 3)));
        assert_eq!(overdue_days(start, None, &c, d(2025, 3, 3)), None);
        assert_eq!(overdue_days(start, None, &c, d(2025, 3, 6)), Some(3));
        assert_eq!(
            overdue_days(start, Some(d(2025, 2, 3)), &c, d(2025, 4, 1)),
            Some(1)
        );
    }

    #[test]
    fn a_horizon_of_more_than_ten_years_is_refused() {
        let (c, cal) = (Cadence::default(), calendar(&[]));
        let r = rules(&c, &cal, d(2025, 1, 6), d(2040, 1, 1), d(2025, 1, 6));
        assert!(Horizon::new(&r).is_err());
        // A cohort already over plans nothing.
        let r = rules(&c, &cal, d(2025, 1, 6), d(2025, 2, 1), d(2025, 3, 1));
        assert!(plan(Anchor::Start(d(2025, 1, 6)), &[], &r).is_empty());
    }

    // ---- property tests ----

    fn base() -> NaiveDate {
        d(2025, 1, 1)
    }

    /// Every slot is a working day inside the cohort and from today (unless kept missed), windows
    /// chain from the day before, gaps keep the cadence, a replacement keeps its rules, and the
    /// tail stops only when nothing more fits.
    fn check(tail: &Tail, out: &[Slot], r: &Rules) -> Result<(), TestCaseError> {
        let c = r.cadence;
        for (i, s) in out.iter().enumerate() {
            let p = s.planned;
            let kept_missed = tail.existing.get(i).copied().flatten() == Some(p) && p < r.today;
            // A missed meeting is left as it was; every other day is checked.
            prop_assert!(
                kept_missed || is_working_day(r.calendar, p),
                "{p} not a working day"
            );
            prop_assert!(p >= r.start && p <= r.end, "{p} outside the cohort");
            prop_assert!(
                p >= r.today || (kept_missed && tail.missed == Missed::Stay),
                "{p} before today"
            );
            let expected = if i == 0 {
                first_window(&tail.anchor, c)
            } else {
                first_window(&Anchor::After(out[i - 1].planned), c)
            };
            prop_assert_eq!(Some((s.due_from, s.due_by)), expected);
            if i > 0 {
                let gap = (p - out[i - 1].planned).num_days();
                prop_assert!(gap >= c.min_days(), "gap {} too short", gap);
                if s.days_late().is_none() {
                    prop_assert!(gap <= c.max_days(), "gap {} too long", gap);
                }
            }
        }
        if let (
            Anchor::Replace {
                slot, cancelled_on, ..
            },
            Some(first),
        ) = (tail.anchor, out.first())
        {
            prop_assert!(
                Some(first.planned) != slot,
                "replacement on the cancelled slot"
            );
            prop_assert!(first.planned > cancelled_on);
            let hi = nth_working_day_after(
                r.calendar,
                r.today.max(first.due_from.pred_opt().unwrap()),
                c.replacement_within_days,
                r.end,
            );
            prop_assert!(
                first.planned <= hi,
                "replacement {} after {}",
                first.planned,
                hi
            );
        }
        Ok(())
    }

    fn arb_closures() -> impl Strategy<Value = Vec<(i64, i64)>> {
        prop::collection::vec((0i64..500, 0i64..30), 0..4)
    }

    fn arb_anchor() -> impl Strategy<Value = (u8, i64, i64, i64)> {
        (0u8..3, 0i64..300, 0i64..20, -3i64..15)
    }

    /// An anchor from generated numbers; a cancellation is never dated after `today` (nothing in
    /// the future can be recorded).
    fn anchor_of((kind, a, len, cancel_off): (u8, i64, i64, i64), today: NaiveDate) -> Anchor {
        let day = add(base(), a);
        match kind {
            0 => Anchor::Start(day),
            1 => Anchor::After(day),
            _ => Anchor::Replace {
                due_from: day,
                due_by: add(day, len),
                cancelled_on: add(day, cancel_off).min(today),
                slot: Some(add(day, len / 2)),
            },
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn plans_keep_every_rule(
            min_weeks in 1u32..=8,
            extra in 0u32..=4,
            replacement in 1u32..=15,
            today_off in 0i64..300,
            end_off in -20i64..400,
            closures in arb_closures(),
            anchor in arb_anchor(),
            existing in prop::collection::vec(prop::option::of(0i64..500), 0..6),
            weekday in prop::option::of(0u8..5),
            move_missed in any::<bool>(),
        ) {
            let c = Cadence { min_weeks, max_weeks: min_weeks + extra, replacement_within_days: replacement, ..Cadence::default() };
            let cal = calendar(&closures.iter().map(|&(f, l)| (add(base(), f), add(base(), f + l))).collect::<Vec<_>>());
            let today = add(base(), today_off);
            let r = rules(&c, &cal, base(), add(today, end_off), today);
            let existing: Vec<Option<NaiveDate>> = existing.iter().map(|o| o.map(|x| add(base(), x))).collect();
            let tail = Tail {
                anchor: anchor_of(anchor, today),
                existing: &existing,
                weekday: weekday.map(|w| Weekday::try_from(w).unwrap()),
                follow_agreed: move_missed,
                missed: if move_missed { Missed::Move } else { Missed::Stay },
            };
            let Ok(mut h) = Horizon::new(&r) else { return Ok(()) };
            let out = plan_tail(&tail, &r, &mut h);
            check(&tail, &out, &r)?;
            // Same input, same output.
            let mut h2 = Horizon::new(&r).unwrap();
            prop_assert_eq!(&plan_tail(&tail, &r, &mut h2), &out);
        }

        #[test]
        fn a_plan_does_not_move_as_days_pass_or_when_planned_again(
            min_weeks in 1u32..=8,
            extra in 0u32..=4,
            closures in arb_closures(),
            anchor in arb_anchor(),
            later in 0i64..200,
            weekday in prop::option::of(0u8..5),
        ) {
            let c = Cadence { min_weeks, max_weeks: min_weeks + extra, ..Cadence::default() };
            let cal = calendar(&closures.iter().map(|&(f, l)| (add(base(), f), add(base(), f + l))).collect::<Vec<_>>());
            let today = base();
            let r = rules(&c, &cal, base(), add(base(), 365), today);
            let weekday = weekday.map(|w| Weekday::try_from(w).unwrap());
            let anchor = anchor_of(anchor, today);
            let mut h = Horizon::new(&r).unwrap();
            let out = plan_tail(&Tail { anchor, existing: &[], weekday, follow_agreed: false, missed: Missed::Stay }, &r, &mut h);
            let days: Vec<Option<NaiveDate>> = out.iter().map(|s| Some(s.planned)).collect();
            // Planned again on the same day, and on any later day (nothing recorded, missed
            // meetings stay): the same days.
            for day in [today, add(today, later)] {
                let r2 = rules(&c, &cal, base(), add(base(), 365), day);
                let mut h2 = Horizon::new(&r2).unwrap();
                let again = plan_tail(&Tail { anchor, existing: &days, weekday, follow_agreed: false, missed: Missed::Stay }, &r2, &mut h2);
                let n = again.len().min(out.len());
                prop_assert_eq!(&again[..n], &out[..n]);
                prop_assert_eq!(again.len(), out.len());
            }
        }
    }
}
