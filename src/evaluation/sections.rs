//! The summary's sections, each computed from [`Inputs`] through the disclosure engine.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};

use super::redact::Redactor;
use super::{Change, Figure, Grid, Inputs, Intervals, QuestionSummary, Quote, Tally};
use crate::model::{
    Briefing, Meeting, MeetingStatus, Pair, PairStatus, Phase, Role, SessionKind, Status,
};

pub(super) fn single(n: usize, min_group: u32) -> Figure {
    if n < min_group as usize {
        Figure::Below(min_group)
    } else {
        Figure::count(n)
    }
}

fn roles_label() -> Vec<String> {
    vec![Role::Mentor.plural().into(), Role::Mentee.plural().into()]
}

pub(super) fn participants(input: &Inputs) -> Grid {
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

pub(super) fn pairs(input: &Inputs) -> Grid {
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

pub(super) fn sessions(input: &Inputs) -> Grid {
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

pub(super) fn meetings(input: &Inputs) -> (Grid, Figure) {
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

pub(super) fn intervals(input: &Inputs) -> Intervals {
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

pub(super) fn topics(input: &Inputs) -> Grid {
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

pub(super) fn respondents(input: &Inputs) -> Grid {
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

pub(super) fn questions(input: &Inputs) -> Vec<QuestionSummary> {
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

pub(super) fn quotes(input: &Inputs) -> Vec<Quote> {
    let role_of: FxHashMap<&str, Role> = input
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.role))
        .collect();
    let redactor = Redactor::new(&input.participants);
    let mut out: Vec<Quote> = Vec::new();
    for phase in Phase::ALL {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[1, 2, 3, 4], 0.5), 2.5);
        assert_eq!(quantile(&[7], 0.25), 7.0);
    }
}
