//! The summary's sections, each computed from [`Inputs`] through the disclosure engine.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};

use super::disclosure::{Cell, Kind, Spec};
use super::redact::Redactor;
use super::{Change, Figure, Grid, Inputs, Intervals, QuestionSummary, Quote};
use crate::model::{
    Approval, Briefing, Meeting, MeetingStatus, Pair, PairStatus, Phase, Role, SessionKind, Status,
};

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
    let values: Vec<Vec<Cell>> = roles
        .iter()
        .map(|&r| Status::ALL.iter().map(|&s| Cell::of(count(r, s))).collect())
        .collect();
    // How many of each role took part is no one's characteristic: exact.
    let role_totals: Vec<Cell> = roles
        .iter()
        .map(|&r| Cell::exact(Status::ALL.iter().map(|&s| count(r, s)).sum()))
        .collect();
    let status_totals: Vec<Cell> = Status::ALL
        .iter()
        .map(|&s| Cell::of(roles.iter().map(|&r| count(r, s)).sum()))
        .collect();
    Grid::build(
        "role",
        roles_label(),
        Status::ALL.iter().map(|s| s.as_str().to_string()).collect(),
        &values,
        Some(&role_totals),
        // Everyone together is protected: beside one exact role total it would give the other.
        Some((&status_totals, Some(Cell::of(input.participants.len())))),
        input.rules,
    )
}

/// Pairs confirmed (exact: how many pairs were made is no one's characteristic) and ended (a
/// withdrawal, so protected). No total is printed, so the ended pairs cannot be worked out.
pub(super) fn pairs(input: &Inputs, as_of: NaiveDate) -> Grid {
    let with = |s| input.pairs.iter().filter(|p| p.status == s).count();
    let confirmed = with(PairStatus::Confirmed);
    let mut spec = Spec::grid(
        "pairs",
        vec!["pairs".into()],
        vec!["confirmed".into(), "ended".into()],
        &[vec![
            Cell::exact(confirmed),
            Cell::of(with(PairStatus::Ended)),
        ]],
        None,
        None,
    );
    // Other figures count some of the pairs (that met: topics, intervals; that lapsed): at most
    // every pair there is, so whatever they print can tell at most that the ended pairs are those
    // beyond the confirmed ones.
    let met = held_dates(input).len().max(lapsed(input, as_of).len());
    let at_least = i64::try_from(met.saturating_sub(confirmed)).unwrap_or(0);
    spec.limits.push((vec![(spec.at(0, 1), -1)], -at_least));
    Grid::protect(&spec, input.rules).0
}

/// The most pairs there can be, from what the pairs table prints (`None`: not bounded).
fn pairs_at_most(pairs: &Grid, rules: super::Rules) -> Option<i64> {
    let confirmed = pairs.get("pairs", "confirmed")?.value()?;
    let ended = match pairs.get("pairs", "ended")? {
        Figure::Shown { value, .. } => value + f64::from(rules.rounding.max(1)) / 2.0,
        Figure::Below(n) => f64::from(*n) - 1.0,
        _ => return None,
    };
    // Whole numbers of pairs.
    #[allow(clippy::cast_possible_truncation)]
    Some((confirmed + ended).floor() as i64)
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
            if s.audience.includes(role) {
                Cell::of(
                    attended
                        .iter()
                        .filter(|id| roles.get(*id) == Some(&role))
                        .count(),
                )
            } else {
                Cell::none()
            }
        };
        let row = vec![by_role(Role::Mentor), by_role(Role::Mentee)];
        totals.push(Cell::of(
            row.iter()
                .filter(|c| c.kind != Kind::None)
                .map(|t| t.value)
                .sum(),
        ));
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
    let mut spec = Spec::grid(
        "session",
        labels,
        roles_label(),
        &values,
        Some(&totals),
        None,
    );
    // Nobody attends more often than there are people of the role (printed exactly when at least
    // min_group).
    for (c, role) in [Role::Mentor, Role::Mentee].into_iter().enumerate() {
        let enrolled = input.participants.iter().filter(|p| p.role == role).count();
        let most = if enrolled >= input.rules.min_group as usize {
            enrolled
        } else {
            input.rules.min_group as usize - 1
        };
        for (r, row) in values.iter().enumerate() {
            if row[c].kind != Kind::None {
                spec.limits.push((
                    vec![(spec.at(r, c), 1)],
                    i64::try_from(most).unwrap_or(i64::MAX),
                ));
            }
        }
    }
    Grid::protect(&spec, input.rules).0
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
    let cell =
        |keys: &[PairKey]| Cell::events(keys.len(), keys.iter().collect::<FxHashSet<_>>().len());
    let labels = by_month
        .keys()
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    let values: Vec<Vec<Cell>> = by_month
        .values()
        .map(|cols| cols.iter().map(|k| cell(k)).collect())
        .collect();
    let all = |i: usize| -> Vec<PairKey> {
        by_month
            .values()
            .flat_map(|cols| cols[i].iter().copied())
            .collect()
    };
    let totals: Vec<Cell> = (0..3).map(|i| cell(&all(i))).collect();
    let every: Vec<PairKey> = (0..3).flat_map(all).collect();
    let mut spec = Spec::grid(
        "month",
        labels,
        MEETING_STATUSES
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        &values,
        None,
        Some((&totals, None)),
    );
    // All meetings, printed beside the table: the sum of its total row.
    let total_row = spec.rows.len() - 1;
    let grand = spec.unprinted(Cell {
        kind: Kind::Protected,
        ..cell(&every)
    });
    let mut sum: Vec<(usize, i64)> = (0..3).map(|c| (spec.at(total_row, c), 1)).collect();
    sum.push((grand, -1));
    spec.sums.push(sum);
    let (grid, figures) = Grid::protect(&spec, input.rules);
    (grid, figures[grand].clone())
}

/// The `q`-quantile of sorted values, by linear interpolation between closest ranks.
fn quantile(sorted: &[i64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let (lo, hi, frac) = ranks(sorted.len(), q);
    sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * frac
}

/// The two ranks a `q`-quantile of `n` sorted values lies between, and how far along.
fn ranks(n: usize, q: f64) -> (usize, usize, f64) {
    let last = n.saturating_sub(1);
    let pos = q.clamp(0.0, 1.0) * last as f64;
    // `pos` lies in [0, last]: its floor and ceiling are indexes of the values.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (lo, hi) = (
        (pos.floor() as usize).min(last),
        (pos.ceil() as usize).min(last),
    );
    (lo, hi, pos - lo as f64)
}

/// What a printed quantile (in weeks, to one decimal) says about how many intervals fall below
/// and above the cadence window: limits on the band cells `under` and `over`.
fn quantile_limits(
    printed_weeks: f64,
    q: f64,
    n: usize,
    window: (i64, i64),
    under: usize,
    over: usize,
) -> Vec<(Vec<(usize, i64)>, i64)> {
    let (lo_days, hi_days) = (window.0 as f64, window.1 as f64);
    let (low, high) = ((printed_weeks - 0.05) * 7.0, (printed_weeks + 0.05) * 7.0);
    let (r_lo, r_hi, _) = ranks(n, q);
    let (r_lo, r_hi) = (
        i64::try_from(r_lo).unwrap_or(0),
        i64::try_from(r_hi).unwrap_or(0),
    );
    let n = i64::try_from(n).unwrap_or(0);
    let mut limits = Vec::new();
    if low >= lo_days {
        limits.push((vec![(under, 1)], r_hi));
    }
    if high <= hi_days {
        limits.push((vec![(over, 1)], n - r_lo - 1));
    }
    if high < lo_days {
        limits.push((vec![(under, -1)], -(r_lo + 1)));
    }
    if low > hi_days {
        limits.push((vec![(over, -1)], -(n - r_hi)));
    }
    limits
}

/// Intervals between consecutive held meetings of each pair: how many, of how many pairs, the
/// median and middle half (never the shortest or longest: each is one pair's), the bands against
/// the cadence window, and the share inside it (only where the band it rests on is printed).
pub(super) fn intervals(input: &Inputs) -> Intervals {
    let rules = input.rules;
    let min = rules.min_group;
    let window = (
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
            let band = if days < window.0 {
                0
            } else if days <= window.1 {
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
    let band_cell = |pairs_in: &[usize]| {
        Cell::events(
            pairs_in.len(),
            pairs_in.iter().collect::<FxHashSet<_>>().len(),
        )
    };
    let mut spec = Spec::grid(
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
        &[bands.iter().map(|b| band_cell(b)).collect()],
        Some(&[Cell::events(all.len(), pairs)]),
        None,
    );
    let quartiles =
        [0.25, 0.5, 0.75].map(|q| stat(&|| Figure::number(quantile(&all, q) / 7.0, 1, false)));
    for (q, f) in [0.25, 0.5, 0.75].iter().zip(&quartiles) {
        if let Some(v) = f.value() {
            spec.limits
                .extend(quantile_limits(v, *q, all.len(), window, 0, 2));
        }
    }
    let (band_grid, figures) = Grid::protect(&spec, rules);
    let inside_cadence = match (figures[1].value(), figures[3].value()) {
        (Some(inside), Some(total)) if rules.rounding <= 1 && total > 0.0 => {
            Figure::percent(inside / total)
        }
        _ if all.is_empty() => Figure::Empty,
        _ => Figure::Withheld,
    };
    let [lower_quartile_weeks, median_weeks, upper_quartile_weeks] = quartiles;
    Intervals {
        intervals: figures[3].clone(),
        pairs: if pairs == 0 {
            Figure::Empty
        } else {
            rules.single(pairs)
        },
        median_weeks,
        lower_quartile_weeks,
        upper_quartile_weeks,
        inside_cadence,
        bands: band_grid,
    }
}

/// Pairs that raised each topic in at least one held meeting. The pairs that met but did not
/// raise a topic are a group too: unprinted cells, protected like the printed ones, bounded by the
/// pairs the report counts.
pub(super) fn topics(input: &Inputs, pairs: &Grid) -> Grid {
    let key = |t: &str| t.trim().to_lowercase();
    let known: Vec<String> = input.topics.iter().map(|t| key(t)).collect();
    let mut raised: Vec<FxHashSet<(&str, &str)>> = vec![FxHashSet::default(); known.len() + 1];
    let mut met: FxHashSet<(&str, &str)> = FxHashSet::default();
    for m in &input.meetings {
        if m.status != MeetingStatus::Held {
            continue;
        }
        met.insert((m.mentee.as_str(), m.mentor.as_str()));
        for t in &m.topics {
            let i = known
                .iter()
                .position(|k| *k == key(t))
                .unwrap_or(known.len());
            raised[i].insert((m.mentee.as_str(), m.mentor.as_str()));
        }
    }
    let mut labels: Vec<String> = input.topics.to_vec();
    let mut values: Vec<Vec<Cell>> = raised[..known.len()]
        .iter()
        .map(|s| vec![Cell::of(s.len())])
        .collect();
    if !raised[known.len()].is_empty() {
        labels.push("other".into());
        values.push(vec![Cell::of(raised[known.len()].len())]);
    }
    let rows = values.len();
    let mut spec = Spec::grid("topic", labels, vec!["pairs".into()], &values, None, None);
    let all_met = spec.unprinted(Cell::unprinted(met.len()));
    for (r, row) in values.iter().enumerate() {
        let not_raised = spec.unprinted(Cell::unprinted(met.len() - row[0].value));
        spec.sums
            .push(vec![(spec.at(r, 0), 1), (not_raised, 1), (all_met, -1)]);
    }
    if let Some(most) = pairs_at_most(pairs, input.rules) {
        spec.limits.push((vec![(all_met, 1)], most));
    }
    debug_assert_eq!(spec.rows.len(), rows);
    Grid::protect(&spec, input.rules).0
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
            vec![Cell::of(b.len()), Cell::of(f.len()), Cell::of(both)]
        })
        .collect::<Vec<_>>();
    Grid::build(
        "role",
        roles_label(),
        vec!["baseline".into(), "final".into(), "both".into()],
        &values,
        None,
        None,
        input.rules,
    )
}

fn mean(values: &[u32]) -> f64 {
    values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len().max(1) as f64
}

pub(super) fn questions(input: &Inputs) -> Vec<QuestionSummary> {
    let min = input.rules.min_group as usize;
    let below = Figure::Below(input.rules.min_group);
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
                    input.rules.single(n)
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

/// Quotes whose author consented and the coordinator approved, as approved (their automatic
/// redactions made), redacted again for everyone enrolled now; only for a role and phase with at
/// least `min_group` respondents; sorted by text, so their order says nothing about who wrote them.
pub(super) fn quotes(input: &Inputs) -> Vec<Quote> {
    let role_of: FxHashMap<&str, Role> = input
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.role))
        .collect();
    let approved = |r: &&&crate::model::Response| {
        r.is_quote()
            && r.consent == Some(true)
            && r.approval == Approval::Approved
            && !r.published.trim().is_empty()
    };
    if !input.responses.iter().any(|r| approved(&r)) {
        return Vec::new();
    }
    let redactor = Redactor::new(&input.participants);
    let mut out: Vec<Quote> = Vec::new();
    for &phase in Phase::ALL {
        for role in [Role::Mentor, Role::Mentee] {
            if respondents_by(input, phase, role).len() < input.rules.min_group as usize {
                continue;
            }
            out.extend(
                input
                    .responses
                    .iter()
                    .filter(|r| r.phase == phase)
                    .filter(approved)
                    .filter(|r| role_of.get(r.participant.as_str()) == Some(&role))
                    .map(|r| Quote {
                        role,
                        phase,
                        text: redactor.redact(r.published.trim()),
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
