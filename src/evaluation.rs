//! The evaluation summary the board reads: who took part, pairs, group sessions, the rhythm of the
//! one-to-ones, topics raised, survey change and consented quotes, with small-number suppression.
//! Pure: takes plain values and "today"; it is never given characteristics, so it cannot cross them.
//!
//! # Privacy rules
//!
//! * **Primary suppression.** A figure about fewer than `min_group` people (or pairs, for figures
//!   whose unit is a pair: pairs, meetings, intervals, topics) is not shown: it reads `<5` (the
//!   configured number). Zero counts too: "nobody" is also a statement about a small group.
//! * **Secondary suppression.** Where a table prints totals, every row and column with a total is
//!   an equation; when exactly one of its cells is suppressed, the smallest other cell (a total only
//!   when no other cell is left) is hidden as `[c]`, until no equation has a single unknown.
//!   A survey mean over everyone who answered is hidden (`[c]`) when it differs from the paired
//!   mean by fewer than `min_group` people, whose own mean could otherwise be worked out.
//! * **No person appears.** No name, email, id or department is printed: counts are by role and
//!   status only, sessions are named by date, kind and audience (never by their title), and topic
//!   tags not listed in `cohort.toml` are counted together as "other".
//! * **Quotes** appear only where their author said yes to being quoted anonymously, attributed to
//!   "a mentor" or "a mentee", and only when that role has at least `min_group` respondents in that
//!   survey phase. Names, emails, ids and departments of participants found in a quote are
//!   replaced by `[name]`, `[email]`, `[id]`, `[department]`. Quotes are sorted by text, so their
//!   order says nothing about who wrote them.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Serialize, Serializer};

use crate::cohort::Cohort;
use crate::cohort::config::{Cadence, Question};
use crate::model::{
    Attendance, Briefing, Meeting, MeetingStatus, Pair, PairStatus, Participant, Phase, Response,
    Role, SessionKind, Status,
};

/// Everything the summary is computed from: no characteristics, by construction.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    pub cohort: &'a str,
    pub title: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub cadence: &'a Cadence,
    pub min_group: u32,
    pub questions: &'a [Question],
    pub topics: &'a [String],
    pub participants: Vec<&'a Participant>,
    pub sessions: Vec<&'a Briefing>,
    pub attendance: Vec<&'a Attendance>,
    pub pairs: Vec<&'a Pair>,
    pub meetings: Vec<&'a Meeting>,
    pub responses: Vec<&'a Response>,
}

impl<'a> Inputs<'a> {
    /// The cohort's files the summary may read. `characteristics.csv` is not among them.
    pub fn from_cohort(c: &'a Cohort) -> Inputs<'a> {
        let config = &c.config;
        Inputs {
            cohort: &c.name,
            title: &config.cohort.title,
            start: config.cohort.start,
            end: config.cohort.end,
            cadence: &config.cadence,
            min_group: config.privacy.min_group,
            questions: &config.evaluation.question,
            topics: &config.evaluation.topics,
            participants: c.participants.iter().collect(),
            sessions: c.briefings.iter().collect(),
            attendance: c.attendance.iter().collect(),
            pairs: c.pairs.iter().collect(),
            meetings: c.meetings.iter().collect(),
            responses: c.responses.iter().collect(),
        }
    }
}

/// One printed figure: a value, or why it is not shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// Shown: the value (rounded as printed, so no output is more precise than the text) and text.
    Shown { value: f64, text: String },
    /// About fewer than `min_group` people: reads `<5`.
    Below(u32),
    /// Hidden so that a suppressed figure cannot be worked out from the others: reads `[c]`.
    Withheld,
    /// Nothing to report (no data yet, or not applicable): reads `–`.
    Empty,
}

/// What a withheld figure reads as.
pub const WITHHELD: &str = "[c]";

impl Figure {
    pub fn count(n: usize) -> Figure {
        Figure::Shown {
            value: n as f64,
            text: n.to_string(),
        }
    }

    /// A number rounded to `decimals`, optionally with its sign (`+0.40`).
    pub fn number(x: f64, decimals: usize, signed: bool) -> Figure {
        let scale = 10f64.powi(i32::try_from(decimals.min(9)).unwrap_or(9));
        let mut value = (x * scale).round() / scale;
        if value == 0.0 {
            value = 0.0; // no "-0.00"
        }
        let text = if signed && value > 0.0 {
            format!("+{value:.decimals$}")
        } else {
            format!("{value:.decimals$}")
        };
        Figure::Shown { value, text }
    }

    pub fn percent(share: f64) -> Figure {
        let value = (share * 100.0).round();
        Figure::Shown {
            value,
            text: format!("{value:.0}%"),
        }
    }

    pub fn text(&self) -> String {
        match self {
            Figure::Shown { text, .. } => text.clone(),
            Figure::Below(n) => format!("<{n}"),
            Figure::Withheld => WITHHELD.into(),
            Figure::Empty => "–".into(),
        }
    }

    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Shown { value, .. } => Some(*value),
            _ => None,
        }
    }

    pub fn is_shown(&self) -> bool {
        matches!(self, Figure::Shown { .. })
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // A whole number below 1e15 is exact as an i64.
            #[allow(clippy::cast_possible_truncation)]
            Figure::Shown { value, .. } if value.fract() == 0.0 && value.abs() < 1e15 => {
                s.serialize_i64(*value as i64)
            }
            Figure::Shown { value, .. } => s.serialize_f64(*value),
            Figure::Empty => s.serialize_none(),
            other => s.serialize_str(&other.text()),
        }
    }
}

/// A count and the number of people (or pairs) it is about: the basis for suppression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub value: usize,
    pub basis: usize,
}

impl Tally {
    /// A count of people (or pairs): each is its own basis.
    pub fn of(n: usize) -> Tally {
        Tally { value: n, basis: n }
    }
}

/// Apply primary and secondary suppression to a table of counts.
///
/// `cells[i]` is `None` where a cell does not apply (it prints `–` and is known to be empty).
/// `totals[i]` marks cells that are totals (withheld last). Each equation lists cells that sum to
/// zero with signs (a row and its total); no equation may be left with exactly one hidden cell.
pub fn suppress(
    cells: &[Option<Tally>],
    totals: &[bool],
    equations: &[Vec<usize>],
    min_group: u32,
) -> Vec<Figure> {
    let min = min_group as usize;
    let mut out: Vec<Figure> = cells
        .iter()
        .map(|c| match c {
            None => Figure::Empty,
            Some(t) if t.basis < min => Figure::Below(min_group),
            Some(t) => Figure::count(t.value),
        })
        .collect();
    loop {
        let mut changed = false;
        for eq in equations {
            let members: Vec<usize> = eq.iter().copied().filter(|&i| cells[i].is_some()).collect();
            let hidden = members.iter().filter(|&&i| !out[i].is_shown()).count();
            if hidden != 1 {
                continue;
            }
            let pick = members
                .iter()
                .copied()
                .filter(|&i| out[i].is_shown())
                .min_by_key(|&i| (totals[i], cells[i].map_or(0, |t| t.value), i));
            if let Some(i) = pick {
                out[i] = Figure::Withheld;
                changed = true;
            }
        }
        if !changed {
            return out;
        }
    }
}

/// A table of counts with its totals, suppressed.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    /// What a row is (the first column's header).
    pub corner: String,
    pub columns: Vec<String>,
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub label: String,
    pub cells: Vec<Figure>,
}

impl Grid {
    /// Build a grid from `values[row][column]`. With `row_totals` a total column is added; with
    /// `column_totals` a total row (whose tallies the caller gives, since a total's basis is not
    /// the sum of its cells' when one pair is in two cells).
    #[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
    pub fn build(
        corner: &str,
        rows: Vec<String>,
        columns: Vec<String>,
        values: Vec<Vec<Option<Tally>>>,
        row_totals: Option<Vec<Tally>>,
        column_totals: Option<(Vec<Tally>, Option<Tally>)>,
        min_group: u32,
    ) -> Grid {
        let n_rows = rows.len() + usize::from(column_totals.is_some());
        let width = columns.len() + usize::from(row_totals.is_some());
        let mut cells: Vec<Option<Tally>> = Vec::with_capacity(n_rows * width);
        let mut is_total = Vec::with_capacity(n_rows * width);
        for (r, row) in values.iter().enumerate() {
            cells.extend(row.iter().copied());
            is_total.extend(std::iter::repeat_n(false, row.len()));
            if let Some(t) = &row_totals {
                cells.push(Some(t[r]));
                is_total.push(true);
            }
        }
        if let Some((t, grand)) = &column_totals {
            cells.extend(t.iter().map(|x| Some(*x)));
            is_total.extend(std::iter::repeat_n(true, t.len()));
            if row_totals.is_some() {
                cells.push(*grand);
                is_total.push(true);
            }
        }
        let mut equations = Vec::new();
        if row_totals.is_some() {
            for r in 0..n_rows {
                equations.push((0..width).map(|c| r * width + c).collect());
            }
        }
        if column_totals.is_some() {
            for c in 0..width {
                equations.push((0..n_rows).map(|r| r * width + c).collect());
            }
        }
        let figures = suppress(&cells, &is_total, &equations, min_group);
        let mut labels = rows;
        if column_totals.is_some() {
            labels.push("total".into());
        }
        let mut columns = columns;
        if row_totals.is_some() {
            columns.push("total".into());
        }
        let rows = labels
            .into_iter()
            .enumerate()
            .map(|(r, label)| GridRow {
                label,
                cells: figures[r * width..(r + 1) * width].to_vec(),
            })
            .collect();
        Grid {
            corner: corner.into(),
            columns,
            rows,
        }
    }

    /// The figure in the row labelled `row` and the column labelled `column`.
    pub fn get(&self, row: &str, column: &str) -> Option<&Figure> {
        let c = self.columns.iter().position(|x| x == column)?;
        self.rows.iter().find(|r| r.label == row)?.cells.get(c)
    }
}

/// How far apart a pair's held meetings were.
#[derive(Debug, Clone, Serialize)]
pub struct Intervals {
    /// Intervals between consecutive held meetings of the same pair.
    pub intervals: Figure,
    /// Pairs with at least two held meetings (the basis of every figure here).
    pub pairs: Figure,
    pub median_weeks: Figure,
    pub shortest_weeks: Figure,
    pub longest_weeks: Figure,
    pub lower_quartile_weeks: Figure,
    pub upper_quartile_weeks: Figure,
    /// Share of intervals inside the cadence window.
    pub inside_cadence: Figure,
    /// Intervals shorter than, inside and longer than the window, with their total.
    pub bands: Grid,
}

/// One survey question's change.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionSummary {
    pub id: String,
    pub text: String,
    pub roles: Vec<Role>,
    pub scale: u32,
    /// People who answered both surveys.
    pub paired: Change,
    /// Everyone who answered each survey.
    pub unpaired: Change,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub baseline_n: Figure,
    pub baseline_mean: Figure,
    pub final_n: Figure,
    pub final_mean: Figure,
    pub change: Figure,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub role: Role,
    pub phase: Phase,
    pub text: String,
}

/// The whole summary: what every format prints.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub cohort: String,
    pub title: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The date the figures are counted at: today, or the cohort's end once it is over.
    pub as_of: NaiveDate,
    pub min_group: u32,
    pub min_weeks: u32,
    pub max_weeks: u32,
    pub participants: Grid,
    pub pairs: Grid,
    /// Pairs that lapsed: see [`lapsed`].
    pub pairs_lapsed: Figure,
    pub sessions: Grid,
    /// Meetings by month (of the day held, cancelled or planned) and status, with status totals.
    pub meetings: Grid,
    /// Every meeting in the plan, whatever its status.
    pub meetings_all: Figure,
    pub intervals: Intervals,
    pub topics: Grid,
    pub respondents: Grid,
    pub questions: Vec<QuestionSummary>,
    pub quotes: Vec<Quote>,
}

/// Compute the summary as of `today` (or the cohort's end, if that is earlier).
pub fn summarise(input: &Inputs, today: NaiveDate) -> Summary {
    let as_of = today.min(input.end);
    let min = input.min_group;
    let (meetings, meetings_all) = meetings(input);
    Summary {
        cohort: input.cohort.to_string(),
        title: input.title.to_string(),
        start: input.start,
        end: input.end,
        as_of,
        min_group: min,
        min_weeks: input.cadence.min_weeks,
        max_weeks: input.cadence.max_weeks,
        participants: participants(input),
        pairs: pairs(input),
        pairs_lapsed: single(lapsed(input, as_of).len(), min),
        sessions: sessions(input),
        meetings,
        meetings_all,
        intervals: intervals(input),
        topics: topics(input),
        respondents: respondents(input),
        questions: questions(input),
        quotes: quotes(input),
    }
}

fn single(n: usize, min_group: u32) -> Figure {
    if n < min_group as usize {
        Figure::Below(min_group)
    } else {
        Figure::count(n)
    }
}

fn roles_label() -> Vec<String> {
    vec![Role::Mentor.plural().into(), Role::Mentee.plural().into()]
}

fn participants(input: &Inputs) -> Grid {
    let count = |role: Role, status: Status| {
        input
            .participants
            .iter()
            .filter(|p| p.role == role && p.status == status)
            .count()
    };
    let roles = [Role::Mentor, Role::Mentee];
    let values: Vec<Vec<Option<Tally>>> = roles
        .iter()
        .map(|&r| {
            Status::ALL
                .iter()
                .map(|&s| Some(Tally::of(count(r, s))))
                .collect()
        })
        .collect();
    let row_totals = roles
        .iter()
        .map(|&r| Tally::of(Status::ALL.iter().map(|&s| count(r, s)).sum()))
        .collect();
    let col_totals = Status::ALL
        .iter()
        .map(|&s| Tally::of(roles.iter().map(|&r| count(r, s)).sum()))
        .collect();
    Grid::build(
        "role",
        roles_label(),
        Status::ALL.iter().map(|s| s.as_str().to_string()).collect(),
        values,
        Some(row_totals),
        Some((col_totals, Some(Tally::of(input.participants.len())))),
        input.min_group,
    )
}

fn pairs(input: &Inputs) -> Grid {
    // No total is printed: with one, a small "ended" would hide "confirmed" too.
    let with = |s| input.pairs.iter().filter(|p| p.status == s).count();
    Grid::build(
        "pairs",
        vec!["pairs".into()],
        vec!["confirmed".into(), "ended".into()],
        vec![vec![
            Some(Tally::of(with(PairStatus::Confirmed))),
            Some(Tally::of(with(PairStatus::Ended))),
        ]],
        None,
        None,
        input.min_group,
    )
}

/// The held dates of each pair, sorted, keyed by (mentee, mentor).
fn held_dates<'a>(input: &Inputs<'a>) -> BTreeMap<(&'a str, &'a str), Vec<NaiveDate>> {
    let mut held: BTreeMap<(&str, &str), Vec<NaiveDate>> = BTreeMap::new();
    for m in &input.meetings {
        if m.status == MeetingStatus::Held
            && let Some(d) = m.date
        {
            held.entry((m.mentee.as_str(), m.mentor.as_str()))
                .or_default()
                .push(d);
        }
    }
    for dates in held.values_mut() {
        dates.sort();
    }
    held
}

/// Pairs that lapsed as of `as_of`: a running pair whose last held meeting (or, before any, its
/// confirmation) is more than `max_weeks` before `as_of`; or an ended pair that never met.
pub fn lapsed<'a>(input: &Inputs<'a>, as_of: NaiveDate) -> Vec<&'a Pair> {
    let held = held_dates(input);
    let max_days = i64::from(input.cadence.max_weeks) * 7;
    input
        .pairs
        .iter()
        .copied()
        .filter(|p| {
            let last = held
                .get(&(p.mentee.as_str(), p.mentor.as_str()))
                .and_then(|d| d.last().copied());
            match p.status {
                PairStatus::Confirmed => last
                    .or(p.confirmed_on)
                    .is_some_and(|d| (as_of - d).num_days() > max_days),
                PairStatus::Ended => last.is_none(),
                PairStatus::Proposed => false,
            }
        })
        .collect()
}

fn sessions(input: &Inputs) -> Grid {
    let roles: FxHashMap<&str, Role> = input
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.role))
        .collect();
    let mut sessions: Vec<&Briefing> = input.sessions.clone();
    sessions.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let mut labels = Vec::new();
    let mut values = Vec::new();
    let mut totals = Vec::new();
    for s in sessions {
        let attended: FxHashSet<&str> = input
            .attendance
            .iter()
            .filter(|a| a.briefing == s.id)
            .map(|a| a.participant.as_str())
            .collect();
        let by_role = |role: Role| {
            s.audience.includes(role).then(|| {
                Tally::of(
                    attended
                        .iter()
                        .filter(|id| roles.get(*id) == Some(&role))
                        .count(),
                )
            })
        };
        let row = vec![by_role(Role::Mentor), by_role(Role::Mentee)];
        totals.push(Tally::of(row.iter().flatten().map(|t| t.value).sum()));
        values.push(row);
        let kind = match s.kind {
            SessionKind::Briefing => "briefing",
            SessionKind::Evaluation => "group evaluation session",
        };
        labels.push(format!(
            "{} {kind} for {}, {} h",
            s.date,
            s.audience.as_str(),
            crate::model::format_number(s.hours)
        ));
    }
    Grid::build(
        "session",
        labels,
        roles_label(),
        values,
        Some(totals),
        None,
        input.min_group,
    )
}

/// Month of a meeting: when it was held or cancelled, else when it is planned.
fn meeting_month(m: &Meeting) -> NaiveDate {
    let day = match m.status {
        MeetingStatus::Held | MeetingStatus::Cancelled => m.date.or(m.planned),
        MeetingStatus::Planned => m.planned,
    }
    .unwrap_or(m.due_from);
    day.with_day(1).unwrap_or(day)
}

const MEETING_STATUSES: [MeetingStatus; 3] = [
    MeetingStatus::Held,
    MeetingStatus::Cancelled,
    MeetingStatus::Planned,
];

fn meetings(input: &Inputs) -> (Grid, Figure) {
    type PairKey<'a> = (&'a str, &'a str);
    let mut by_month: BTreeMap<NaiveDate, [Vec<PairKey>; 3]> = BTreeMap::new();
    for m in &input.meetings {
        let i = MEETING_STATUSES
            .iter()
            .position(|s| *s == m.status)
            .unwrap_or(2);
        by_month.entry(meeting_month(m)).or_default()[i]
            .push((m.mentee.as_str(), m.mentor.as_str()));
    }
    let tally = |keys: &[PairKey]| Tally {
        value: keys.len(),
        basis: keys.iter().collect::<FxHashSet<_>>().len(),
    };
    let labels = by_month
        .keys()
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    let values = by_month
        .values()
        .map(|cols| cols.iter().map(|k| Some(tally(k))).collect())
        .collect();
    let all = |i: usize| -> Vec<PairKey> {
        by_month
            .values()
            .flat_map(|cols| cols[i].iter().copied())
            .collect()
    };
    let totals = (0..3).map(|i| tally(&all(i))).collect();
    let every: Vec<PairKey> = (0..3).flat_map(all).collect();
    let grid = Grid::build(
        "month",
        labels,
        MEETING_STATUSES
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        values,
        None,
        Some((totals, None)),
        input.min_group,
    );
    let all = all_meetings(&grid, tally(&every), input.min_group);
    (grid, all)
}

/// The number of all meetings, beside the total row of the monthly table (held + cancelled +
/// planned): hidden when exactly one of those totals is, so that it cannot be worked out.
fn all_meetings(grid: &Grid, all: Tally, min_group: u32) -> Figure {
    let hidden = grid.rows.last().map_or(0, |totals| {
        totals.cells.iter().filter(|f| !f.is_shown()).count()
    });
    if all.basis < min_group as usize {
        Figure::Below(min_group)
    } else if hidden == 1 {
        Figure::Withheld
    } else {
        Figure::count(all.value)
    }
}

fn weeks(days: i64) -> f64 {
    days as f64 / 7.0
}

/// The `q`-quantile of sorted values, by linear interpolation between closest ranks.
fn quantile(sorted: &[i64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let last = sorted.len() - 1;
    let pos = q.clamp(0.0, 1.0) * last as f64;
    // `pos` lies in [0, last]: its floor and ceiling are indexes of `sorted`.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (lo, hi) = (
        (pos.floor() as usize).min(last),
        (pos.ceil() as usize).min(last),
    );
    let frac = pos - lo as f64;
    sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * frac
}

fn intervals(input: &Inputs) -> Intervals {
    let min = input.min_group;
    let (lo, hi) = (
        i64::from(input.cadence.min_weeks) * 7,
        i64::from(input.cadence.max_weeks) * 7,
    );
    let mut all: Vec<i64> = Vec::new();
    let mut bands: [Vec<usize>; 3] = Default::default();
    let mut pairs = 0;
    for (pair, dates) in held_dates(input).values().enumerate() {
        if dates.len() < 2 {
            continue;
        }
        pairs += 1;
        for w in dates.windows(2) {
            let days = (w[1] - w[0]).num_days();
            all.push(days);
            let band = if days < lo {
                0
            } else if days <= hi {
                1
            } else {
                2
            };
            bands[band].push(pair);
        }
    }
    all.sort_unstable();
    let shown = pairs >= min as usize;
    let stat = |f: &dyn Fn() -> Figure| {
        if all.is_empty() {
            Figure::Empty
        } else if shown {
            f()
        } else {
            Figure::Below(min)
        }
    };
    let band_tally = |pairs_in: &[usize]| Tally {
        value: pairs_in.len(),
        basis: pairs_in.iter().collect::<FxHashSet<_>>().len(),
    };
    let band_grid = Grid::build(
        "intervals",
        vec!["intervals".into()],
        vec![
            format!("under {} weeks", input.cadence.min_weeks),
            format!(
                "{}–{} weeks",
                input.cadence.min_weeks, input.cadence.max_weeks
            ),
            format!("over {} weeks", input.cadence.max_weeks),
        ],
        vec![bands.iter().map(|b| Some(band_tally(b))).collect()],
        Some(vec![Tally {
            value: all.len(),
            basis: pairs,
        }]),
        None,
        min,
    );
    let inside = bands[1].len() as f64 / all.len().max(1) as f64;
    Intervals {
        intervals: stat(&|| Figure::count(all.len())),
        pairs: if pairs == 0 {
            Figure::Empty
        } else {
            single(pairs, min)
        },
        median_weeks: stat(&|| Figure::number(quantile(&all, 0.5) / 7.0, 1, false)),
        shortest_weeks: stat(&|| Figure::number(weeks(all[0]), 1, false)),
        longest_weeks: stat(&|| Figure::number(weeks(all[all.len() - 1]), 1, false)),
        lower_quartile_weeks: stat(&|| Figure::number(quantile(&all, 0.25) / 7.0, 1, false)),
        upper_quartile_weeks: stat(&|| Figure::number(quantile(&all, 0.75) / 7.0, 1, false)),
        inside_cadence: stat(&|| Figure::percent(inside)),
        bands: band_grid,
    }
}

fn topics(input: &Inputs) -> Grid {
    let key = |t: &str| t.trim().to_lowercase();
    let known: Vec<String> = input.topics.iter().map(|t| key(t)).collect();
    let mut raised: Vec<FxHashSet<(&str, &str)>> = vec![FxHashSet::default(); known.len() + 1];
    for m in &input.meetings {
        if m.status != MeetingStatus::Held {
            continue;
        }
        for t in &m.topics {
            let i = known
                .iter()
                .position(|k| *k == key(t))
                .unwrap_or(known.len());
            raised[i].insert((m.mentee.as_str(), m.mentor.as_str()));
        }
    }
    let mut labels: Vec<String> = input.topics.to_vec();
    let mut values: Vec<Vec<Option<Tally>>> = raised[..known.len()]
        .iter()
        .map(|s| vec![Some(Tally::of(s.len()))])
        .collect();
    if !raised[known.len()].is_empty() {
        labels.push("other".into());
        values.push(vec![Some(Tally::of(raised[known.len()].len()))]);
    }
    Grid::build(
        "topic",
        labels,
        vec!["pairs".into()],
        values,
        None,
        None,
        input.min_group,
    )
}

/// Each participant's answers to each question in one phase.
fn scores<'a>(input: &Inputs<'a>, phase: Phase) -> FxHashMap<(&'a str, &'a str), u32> {
    input
        .responses
        .iter()
        .filter(|r| r.phase == phase)
        .filter_map(|r| Some(((r.participant.as_str(), r.question.as_str()), r.score()?)))
        .collect()
}

/// Who answered anything (or left a quote) in each phase, by role.
fn respondents_by(input: &Inputs, phase: Phase, role: Role) -> FxHashSet<String> {
    let roles: FxHashMap<&str, Role> = input
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.role))
        .collect();
    input
        .responses
        .iter()
        .filter(|r| r.phase == phase && roles.get(r.participant.as_str()) == Some(&role))
        .map(|r| r.participant.clone())
        .collect()
}

fn respondents(input: &Inputs) -> Grid {
    let roles = [Role::Mentor, Role::Mentee];
    let values = roles
        .iter()
        .map(|&role| {
            let b = respondents_by(input, Phase::Baseline, role);
            let f = respondents_by(input, Phase::Final, role);
            let both = b.intersection(&f).count();
            vec![
                Some(Tally::of(b.len())),
                Some(Tally::of(f.len())),
                Some(Tally::of(both)),
            ]
        })
        .collect();
    Grid::build(
        "role",
        roles_label(),
        vec!["baseline".into(), "final".into(), "both".into()],
        values,
        None,
        None,
        input.min_group,
    )
}

fn mean(values: &[u32]) -> f64 {
    values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len().max(1) as f64
}

fn questions(input: &Inputs) -> Vec<QuestionSummary> {
    let min = input.min_group as usize;
    let below = Figure::Below(input.min_group);
    let baseline = scores(input, Phase::Baseline);
    let last = scores(input, Phase::Final);
    let role_of: FxHashMap<&str, Role> = input
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.role))
        .collect();
    input
        .questions
        .iter()
        .map(|q| {
            let answers = |scores: &FxHashMap<(&str, &str), u32>| -> BTreeMap<String, u32> {
                scores
                    .iter()
                    .filter(|((p, question), _)| {
                        *question == q.id && role_of.get(p).is_some_and(|r| q.roles.contains(r))
                    })
                    .map(|((p, _), v)| (p.to_string(), *v))
                    .collect()
            };
            let b = answers(&baseline);
            let f = answers(&last);
            let both: Vec<&String> = b.keys().filter(|p| f.contains_key(*p)).collect();
            let n = both.len();
            let mean_figure = |values: &[u32]| {
                if values.is_empty() {
                    Figure::Empty
                } else if values.len() < min {
                    below.clone()
                } else {
                    Figure::number(mean(values), 2, false)
                }
            };
            let n_figure = |n: usize| {
                if n == 0 {
                    Figure::Empty
                } else {
                    single(n, input.min_group)
                }
            };
            let change = |from: &Figure, to: &Figure| match (from, to) {
                (Figure::Shown { value: a, .. }, Figure::Shown { value: b, .. }) => {
                    Figure::number(b - a, 2, true)
                }
                (Figure::Empty, _) | (_, Figure::Empty) => Figure::Empty,
                (Figure::Below(n), _) | (_, Figure::Below(n)) => Figure::Below(*n),
                _ => Figure::Withheld,
            };
            let pb: Vec<u32> = both.iter().map(|p| b[*p]).collect();
            let pf: Vec<u32> = both.iter().map(|p| f[*p]).collect();
            let paired_b = mean_figure(&pb);
            let paired_f = mean_figure(&pf);
            let paired = Change {
                baseline_n: n_figure(n),
                change: change(&paired_b, &paired_f),
                baseline_mean: paired_b,
                final_n: n_figure(n),
                final_mean: paired_f,
            };
            // Everyone's mean, unless it and the paired mean differ by a group under min_group.
            let everyone = |answers: &BTreeMap<String, u32>| {
                let values: Vec<u32> = answers.values().copied().collect();
                let extra = values.len() - n;
                if n >= min && extra > 0 && extra < min {
                    Figure::Withheld
                } else {
                    mean_figure(&values)
                }
            };
            let all_b = everyone(&b);
            let all_f = everyone(&f);
            let unpaired = Change {
                baseline_n: n_figure(b.len()),
                change: change(&all_b, &all_f),
                baseline_mean: all_b,
                final_n: n_figure(f.len()),
                final_mean: all_f,
            };
            QuestionSummary {
                id: q.id.clone(),
                text: q.text.clone(),
                roles: q.roles.clone(),
                scale: q.scale,
                paired,
                unpaired,
            }
        })
        .collect()
}

fn quotes(input: &Inputs) -> Vec<Quote> {
    let role_of: FxHashMap<&str, Role> = input
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.role))
        .collect();
    let redactor = Redactor::new(&input.participants);
    let mut out: Vec<Quote> = Vec::new();
    for &phase in Phase::ALL {
        for role in [Role::Mentor, Role::Mentee] {
            if respondents_by(input, phase, role).len() < input.min_group as usize {
                continue;
            }
            out.extend(
                input
                    .responses
                    .iter()
                    .filter(|r| r.phase == phase && r.is_quote() && r.consent == Some(true))
                    .filter(|r| role_of.get(r.participant.as_str()) == Some(&role))
                    .map(|r| Quote {
                        role,
                        phase,
                        text: redactor.redact(r.answer.trim()),
                    }),
            );
        }
    }
    out.sort_by(|a, b| (a.phase, a.role, &a.text).cmp(&(b.phase, b.role, &b.text)));
    out
}

/// Replaces participants' names, emails, ids and departments in free text, whole words, any case.
struct Redactor {
    /// Lower-cased needles, longest first, with what replaces them.
    needles: Vec<(Vec<char>, &'static str)>,
}

fn lower_chars(text: &str) -> Vec<char> {
    // One char for one char, so positions in the lower-cased text are positions in the original.
    text.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

impl Redactor {
    fn new(participants: &[&Participant]) -> Redactor {
        let mut needles: Vec<(Vec<char>, &'static str)> = Vec::new();
        let mut add = |text: &str, with: &'static str, min_len: usize| {
            let t = text.trim();
            if t.chars().count() >= min_len {
                needles.push((lower_chars(t), with));
            }
        };
        for p in participants {
            add(&p.email, "[email]", 3);
            if p.manager.contains('@') {
                add(&p.manager, "[email]", 3);
            }
            add(&p.id, "[id]", 2);
            add(&p.department, "[department]", 2);
            add(&p.name, "[name]", 2);
            for part in p.name.split(|c: char| c.is_whitespace() || c == '-') {
                add(part, "[name]", 2);
            }
        }
        needles.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
        needles.dedup();
        Redactor { needles }
    }

    fn redact(&self, text: &str) -> String {
        let original: Vec<char> = text.chars().collect();
        let lower = lower_chars(text);
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let boundary = |j: usize| {
            j == 0
                || j >= lower.len()
                || !lower[j].is_alphanumeric()
                || !lower[j - 1].is_alphanumeric()
        };
        'outer: while i < lower.len() {
            if i == 0 || !lower[i - 1].is_alphanumeric() {
                for (needle, with) in &self.needles {
                    let end = i + needle.len();
                    if end <= lower.len()
                        && lower[i..end] == needle[..]
                        && (end == lower.len() || boundary(end))
                    {
                        out.push_str(with);
                        i = end;
                        continue 'outer;
                    }
                }
            }
            out.push(original[i]);
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(n: usize) -> Option<Tally> {
        Some(Tally::of(n))
    }

    #[test]
    fn small_cells_read_below_and_a_lone_one_takes_a_neighbour_with_it() {
        // One row: 12, 1, 9 with total 22. The 1 is suppressed; the 9 must go too.
        let g = Grid::build(
            "r",
            vec!["a".into()],
            vec!["x".into(), "y".into(), "z".into()],
            vec![vec![t(12), t(1), t(9)]],
            Some(vec![Tally::of(22)]),
            None,
            5,
        );
        let texts: Vec<String> = g.rows[0].cells.iter().map(Figure::text).collect();
        assert_eq!(texts, ["12", "<5", "[c]", "22"]);
    }

    #[test]
    fn secondary_suppression_leaves_no_equation_with_one_unknown() {
        // 2 x 3 with margins; one small cell.
        let g = Grid::build(
            "r",
            vec!["a".into(), "b".into()],
            vec!["x".into(), "y".into(), "z".into()],
            vec![vec![t(10), t(2), t(8)], vec![t(7), t(9), t(6)]],
            Some(vec![Tally::of(20), Tally::of(22)]),
            Some((vec![Tally::of(17), Tally::of(11), Tally::of(14)], t(42))),
            5,
        );
        for row in &g.rows {
            assert_ne!(row.cells.iter().filter(|f| !f.is_shown()).count(), 1);
        }
        for c in 0..g.columns.len() {
            let hidden = g.rows.iter().filter(|r| !r.cells[c].is_shown()).count();
            assert_ne!(hidden, 1, "column {c}");
        }
        assert_eq!(g.get("a", "y"), Some(&Figure::Below(5)));
    }

    fn grid_of(rows: usize, cols: usize, values: &[usize], min: u32) -> Grid {
        let cell = |r: usize, c: usize| values[r * cols + c];
        Grid::build(
            "r",
            (0..rows).map(|r| format!("r{r}")).collect(),
            (0..cols).map(|c| format!("c{c}")).collect(),
            (0..rows)
                .map(|r| (0..cols).map(|c| t(cell(r, c))).collect())
                .collect(),
            Some(
                (0..rows)
                    .map(|r| Tally::of((0..cols).map(|c| cell(r, c)).sum()))
                    .collect(),
            ),
            Some((
                (0..cols)
                    .map(|c| Tally::of((0..rows).map(|r| cell(r, c)).sum()))
                    .collect(),
                t(values.iter().sum()),
            )),
            min,
        )
    }

    proptest! {
        #[test]
        fn no_row_or_column_is_left_with_one_hidden_cell(
            (rows, cols, values) in (1usize..5, 1usize..5).prop_flat_map(|(r, c)| {
                (Just(r), Just(c), proptest::collection::vec(0usize..15, r * c))
            }),
            min in 2u32..7,
        ) {
            let g = grid_of(rows, cols, &values, min);
            for (r, row) in g.rows.iter().enumerate() {
                prop_assert_ne!(row.cells.iter().filter(|f| !f.is_shown()).count(), 1, "row {}", r);
                for (c, f) in row.cells.iter().enumerate() {
                    // Every small figure is hidden; every shown figure is the true value.
                    let truth = if r < rows && c < cols {
                        values[r * cols + c]
                    } else if r < rows {
                        (0..cols).map(|c| values[r * cols + c]).sum()
                    } else if c < cols {
                        (0..rows).map(|r| values[r * cols + c]).sum()
                    } else {
                        values.iter().sum()
                    };
                    if truth < min as usize {
                        prop_assert!(!f.is_shown());
                    } else if let Some(v) = f.value() {
                        prop_assert_eq!(v, truth as f64);
                    }
                }
            }
            for c in 0..g.columns.len() {
                let hidden = g.rows.iter().filter(|r| !r.cells[c].is_shown()).count();
                prop_assert_ne!(hidden, 1, "column {}", c);
            }
        }
    }

    #[test]
    fn figures_round_and_sign() {
        assert_eq!(Figure::number(0.456, 2, true).text(), "+0.46");
        assert_eq!(Figure::number(-0.001, 2, true).text(), "0.00");
        assert_eq!(Figure::percent(0.666).text(), "67%");
        assert_eq!(Figure::Below(5).text(), "<5");
    }

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[1, 2, 3, 4], 0.5), 2.5);
        assert_eq!(quantile(&[7], 0.25), 7.0);
    }

    #[test]
    fn redaction_replaces_whole_words_only() {
        let p = Participant {
            id: "p001".into(),
            role: Role::Mentor,
            name: "Ann Lee".into(),
            email: "ann@x.example".into(),
            department: "Physics".into(),
            grade: String::new(),
            manager: String::new(),
            status: Status::Active,
            enrolled_on: None,
            conflicts: Vec::new(),
            status_on: None,
            status_reason: String::new(),
            eligibility: String::new(),
        };
        let r = Redactor::new(&[&p]);
        assert_eq!(
            r.redact("Ann LEE (ann@x.example, p001) in physics; Annex, sleek"),
            "[name] ([email], [id]) in [department]; Annex, sleek"
        );
    }
}
