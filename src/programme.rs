//! The programme across cohorts: the same measures side by side per cohort (people, pairs,
//! one-to-ones held, the rhythm kept, pairs lapsed, people returning from earlier cohorts, survey
//! change) and who each cohort reached. Pure: takes the cohorts, read whole, and "today".
//!
//! # Privacy
//!
//! Every figure is one the cohort's own summary prints, taken from [`evaluation::summarise`]
//! under that cohort's `[privacy]` rules, or (people returning) computed here through the same
//! disclosure engine. Nothing is summed across cohorts, so no figure of one cohort can be worked
//! out from its neighbours: the report publishes nothing its cohorts' summaries would not, beside
//! how many people came back. The tests audit the whole report at once.

use chrono::NaiveDate;
use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::cohort::Cohort;
use crate::evaluation::{self, Cell, Figure, Grid, Inputs, Spec, Summary};
use crate::model::{Role, Status};

/// One cohort's measures, as its summary prints them.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub cohort: String,
    pub title: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub stage: &'static str,
    pub min_group: u32,
    pub mentors: Figure,
    pub mentees: Figure,
    pub pairs: Figure,
    pub meetings_held: Figure,
    /// Share of intervals between held one-to-ones inside the cadence window.
    pub inside_cadence: Figure,
    pub pairs_lapsed: Figure,
    /// Mentors and mentees (rows) who took part in an earlier cohort, and how many there were.
    pub returning: Grid,
}

/// One survey question's paired change in each cohort (`–` where the cohort did not ask it).
#[derive(Debug, Clone, Serialize)]
pub struct QuestionRow {
    pub id: String,
    pub text: String,
    pub change: Vec<Figure>,
}

/// Who each cohort reached by one characteristic: each value's mentors and mentees per cohort.
#[derive(Debug, Clone, Serialize)]
pub struct Reach {
    pub characteristic: String,
    pub rows: Vec<ReachRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReachRow {
    pub label: String,
    /// `[mentors, mentees]` of each cohort, in the order of the cohorts; `–` where the cohort
    /// counted this value in "another value" or did not ask.
    pub cells: Vec<[Figure; 2]>,
}

/// The programme report.
#[derive(Debug, Clone, Serialize)]
pub struct Programme {
    pub as_of: NaiveDate,
    pub cohorts: Vec<Column>,
    pub questions: Vec<QuestionRow>,
    pub reach: Vec<Reach>,
    /// Each cohort's summary (without its quotes): what every figure above comes from.
    pub summaries: Vec<Summary>,
}

/// The programme as of `today`, cohorts in order of their start (then name).
pub fn build(cohorts: &[&Cohort], today: NaiveDate) -> Programme {
    let mut order: Vec<&Cohort> = cohorts.to_vec();
    order.sort_by(|a, b| (a.config.cohort.start, &a.name).cmp(&(b.config.cohort.start, &b.name)));
    let mut columns = Vec::with_capacity(order.len());
    let mut summaries = Vec::with_capacity(order.len());
    for (i, cohort) in order.iter().enumerate() {
        let mut summary = evaluation::summarise(&Inputs::from_cohort(cohort), today);
        summary.quotes.clear();
        let earlier: FxHashSet<&str> = order[..i]
            .iter()
            .filter(|c| c.config.cohort.start < cohort.config.cohort.start)
            .flat_map(|c| c.participants.iter())
            .filter(|p| p.status != Status::Erased && !p.email.is_empty())
            .map(|p| p.email.as_str())
            .collect();
        // People a purge has left without an email: kept by id in each cohort's returned.csv.
        let kept: FxHashSet<&str> = order
            .iter()
            .flat_map(|c| c.returned.iter())
            .filter(|r| r.cohort == cohort.name)
            .map(|r| r.id.as_str())
            .collect();
        let first = !order[..i]
            .iter()
            .any(|c| c.config.cohort.start < cohort.config.cohort.start);
        columns.push(column(cohort, &summary, (&earlier, &kept), first, today));
        summaries.push(summary);
    }
    Programme {
        as_of: today,
        questions: questions(&summaries),
        reach: reach(&summaries),
        cohorts: columns,
        summaries,
    }
}

fn figure(grid: &Grid, row: &str, column: &str) -> Figure {
    grid.get(row, column).cloned().unwrap_or(Figure::Empty)
}

fn column(
    cohort: &Cohort,
    s: &Summary,
    earlier: (&FxHashSet<&str>, &FxHashSet<&str>),
    first: bool,
    today: NaiveDate,
) -> Column {
    let mentors = Role::Mentor.plural();
    let mentees = Role::Mentee.plural();
    Column {
        cohort: cohort.name.clone(),
        title: s.title.clone(),
        start: s.start,
        end: s.end,
        stage: crate::dashboard::build(cohort, today).stage.as_str(),
        min_group: s.min_group,
        mentors: figure(&s.participants, mentors, "total"),
        mentees: figure(&s.participants, mentees, "total"),
        pairs: figure(&s.pairs, "pairs", "confirmed"),
        meetings_held: figure(&s.meetings, "total", "held"),
        inside_cadence: s.intervals.inside_cadence.clone(),
        pairs_lapsed: s.pairs_lapsed.clone(),
        returning: returning(cohort, earlier, first),
    }
}

/// Mentors and mentees who took part in an earlier cohort (known by email, or by id where a purge
/// kept them in `returned.csv`), beside how many of each role there are (exact, as the
/// participants table prints them); those new are not printed but follow, so they are protected
/// too.
fn returning(
    cohort: &Cohort,
    (earlier, kept): (&FxHashSet<&str>, &FxHashSet<&str>),
    first: bool,
) -> Grid {
    let rules = evaluation::Rules {
        min_group: cohort.config.privacy.min_group,
        rounding: cohort.config.privacy.rounding.max(1),
    };
    let roles = [Role::Mentor, Role::Mentee];
    let count = |role: Role, back: bool| {
        cohort
            .participants
            .iter()
            .filter(|p| p.role == role)
            .filter(|p| !back || earlier.contains(p.email.as_str()) || kept.contains(p.id.as_str()))
            .count()
    };
    let values: Vec<Vec<Cell>> = roles
        .iter()
        .map(|&r| vec![Cell::of(count(r, true)), Cell::exact(count(r, false))])
        .collect();
    let mut spec = Spec::grid(
        "role",
        roles.iter().map(|r| r.plural().to_string()).collect(),
        vec!["returning".into(), "total".into()],
        &values,
        None,
        None,
    );
    for (r, &role) in roles.iter().enumerate() {
        let new = spec.unprinted(Cell::unprinted(
            count(role, false).saturating_sub(count(role, true)),
        ));
        spec.sums
            .push(vec![(spec.at(r, 0), 1), (new, 1), (spec.at(r, 1), -1)]);
    }
    let mut grid = Grid::protect(&spec, rules).0;
    if first {
        // Nobody can return to the first cohort: not a figure.
        for row in &mut grid.rows {
            row.cells[0] = Figure::Empty;
        }
    }
    grid
}

/// Every question any cohort asked (by id, in the order first asked; its words as last asked),
/// with each cohort's change among the people who answered both surveys.
fn questions(summaries: &[Summary]) -> Vec<QuestionRow> {
    let mut rows: Vec<QuestionRow> = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        for q in &s.questions {
            let at = match rows.iter().position(|r| r.id == q.id) {
                Some(at) => at,
                None => {
                    rows.push(QuestionRow {
                        id: q.id.clone(),
                        text: q.text.clone(),
                        change: vec![Figure::Empty; summaries.len()],
                    });
                    rows.len() - 1
                }
            };
            rows[at].text.clone_from(&q.text);
            rows[at].change[i] = q.paired.change.clone();
        }
    }
    rows
}

/// Each characteristic's values, with each cohort's mentors and mentees as its summary prints
/// them (the values it printed, "another value" and "not known" last).
fn reach(summaries: &[Summary]) -> Vec<Reach> {
    let mut out: Vec<Reach> = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        for p in &s.participation {
            let at = match out
                .iter()
                .position(|r| r.characteristic == p.characteristic)
            {
                Some(at) => at,
                None => {
                    out.push(Reach {
                        characteristic: p.characteristic.clone(),
                        rows: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            let columns = &p.table.columns;
            let of = |row: &evaluation::GridRow, name: &str| {
                columns
                    .iter()
                    .position(|c| c == name)
                    .and_then(|c| row.cells.get(c))
                    .cloned()
                    .unwrap_or(Figure::Empty)
            };
            for row in &p.table.rows {
                let reach = &mut out[at];
                let r = match reach.rows.iter().position(|r| r.label == row.label) {
                    Some(r) => r,
                    None => {
                        reach.rows.push(ReachRow {
                            label: row.label.clone(),
                            cells: vec![[Figure::Empty, Figure::Empty]; summaries.len()],
                        });
                        reach.rows.len() - 1
                    }
                };
                reach.rows[r].cells[i] = [
                    of(row, Role::Mentor.plural()),
                    of(row, Role::Mentee.plural()),
                ];
            }
        }
    }
    // "another value", "not known" and "total" last, in that order, wherever they first came.
    for reach in &mut out {
        let rank = |label: &str| match label {
            evaluation::participation::ANOTHER => 1,
            evaluation::participation::NOT_KNOWN => 2,
            "total" => 3,
            _ => 0,
        };
        reach.rows.sort_by_key(|r| rank(&r.label));
    }
    out
}

/// The average of the changes a cohort prints (questions whose change is hidden are left out),
/// with how many it rests on: a line for `status`, not for the board.
pub fn mean_change(p: &Programme, cohort: usize) -> Option<(f64, usize)> {
    let shown: Vec<f64> = p
        .questions
        .iter()
        .filter_map(|q| q.change.get(cohort).and_then(Figure::value))
        .collect();
    if shown.is_empty() {
        return None;
    }
    #[allow(clippy::cast_precision_loss)] // a handful of questions
    let mean = shown.iter().sum::<f64>() / shown.len() as f64;
    Some((mean, shown.len()))
}
