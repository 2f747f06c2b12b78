//! Who the scheme reached: mentors and mentees, and those whose pair completed, by each
//! characteristic one at a time. [`Marginals`] is the only way the summary sees characteristics:
//! it is built from `characteristics.csv` and keeps nothing but counts of one characteristic's
//! values at a time, so no two characteristics can be crossed, no value can stand beside a quote,
//! and no person's values can be read back from it.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::disclosure::{Cell, Kind, Spec};
use super::{Grid, Rules};
use crate::cohort::Config;
use crate::model::{Participant, Role};

/// A pair completed the scheme when it held at least this many one-to-ones.
pub const COMPLETION_MEETINGS: usize = 3;

/// The row of people whose value is not known (empty, "prefer not to say", "unknown", or erased).
pub const NOT_KNOWN: &str = "not known";

/// The row of values each held by fewer than `min_group` people: a row of its own would say that
/// someone in the cohort holds it. Printed always, like "not known".
pub const ANOTHER: &str = "another value";

/// A value as counted: its spelling under `[characteristics.values]` (the synonyms `match` and
/// `values` use), compared in any case; `None` when not known.
pub fn harmonise(config: &Config, characteristic: &str, value: &str) -> Option<String> {
    crate::cohort::vocabulary::harmonise(config, characteristic, value)
}

/// Counts for one value of one characteristic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Counts {
    /// How each spelling was written, and how often: the most common one labels the row.
    spellings: BTreeMap<String, usize>,
    mentors: usize,
    mentors_completing: usize,
    mentees: usize,
    mentees_completing: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.mentors += other.mentors;
        self.mentees += other.mentees;
        self.mentors_completing += other.mentors_completing;
        self.mentees_completing += other.mentees_completing;
    }
}

/// Marginal counts: for each characteristic, for each of its values, how many mentors and mentees
/// hold it and how many of those were in a pair that completed. Nothing else.
#[derive(Debug, Clone, Default)]
pub struct Marginals {
    by_characteristic: Vec<(String, BTreeMap<Option<String>, Counts>)>,
    /// Pairs confirmed (ended ones too), and those that completed.
    pairs: (usize, usize),
}

impl Marginals {
    /// Count everyone enrolled (`participants`, every status: an erased person's values are gone,
    /// so they count as not known), with `values(id)` giving a person's row of
    /// `characteristics.csv` (aligned with `characteristics`), and `completing` the ids of people
    /// in a completed pair.
    pub fn count<'a>(
        config: &Config,
        participants: &[&Participant],
        values: impl Fn(&str) -> Option<&'a [String]>,
        completion: &Completion,
    ) -> Marginals {
        let completing = &completion.people;
        let mut by_characteristic: Vec<(String, BTreeMap<Option<String>, Counts>)> = config
            .cohort
            .characteristics
            .iter()
            .map(|c| (c.clone(), BTreeMap::new()))
            .collect();
        for p in participants {
            let row = values(&p.id);
            let done = completing.contains(&p.id);
            for (i, (name, counts)) in by_characteristic.iter_mut().enumerate() {
                let raw = row.and_then(|r| r.get(i)).map_or("", String::as_str);
                let value = harmonise(config, name, raw);
                let c = counts
                    .entry(value.as_ref().map(|v| v.to_lowercase()))
                    .or_default();
                if let Some(v) = value {
                    *c.spellings.entry(v).or_default() += 1;
                }
                match p.role {
                    Role::Mentor => {
                        c.mentors += 1;
                        c.mentors_completing += usize::from(done);
                    }
                    Role::Mentee => {
                        c.mentees += 1;
                        c.mentees_completing += usize::from(done);
                    }
                }
            }
        }
        Marginals {
            by_characteristic,
            pairs: (completion.pairs, completion.completed),
        }
    }

    /// The counts as rows of `reach.csv`, to keep when `characteristics.csv` goes (a purge): no
    /// person, only how many held each value.
    pub fn frozen(&self) -> Vec<crate::model::ReachCount> {
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        self.by_characteristic
            .iter()
            .flat_map(|(name, counts)| {
                counts.iter().map(move |(key, c)| crate::model::ReachCount {
                    characteristic: name.clone(),
                    value: key.clone().unwrap_or_default(),
                    label: key.as_ref().map(|k| label(Some(k), c)).unwrap_or_default(),
                    mentors: n(c.mentors),
                    mentors_completing: n(c.mentors_completing),
                    mentees: n(c.mentees),
                    mentees_completing: n(c.mentees_completing),
                })
            })
            .collect()
    }

    /// The counts a purge kept (`reach.csv`), for the characteristics the cohort asks, with the
    /// pairs' completion (from `matches.csv` and `meetings.csv`, which a purge keeps).
    pub fn thawed(
        config: &Config,
        rows: &[&crate::model::ReachCount],
        completion: &Completion,
    ) -> Marginals {
        let by_characteristic = config
            .cohort
            .characteristics
            .iter()
            .map(|name| {
                let mut counts: BTreeMap<Option<String>, Counts> = BTreeMap::new();
                for r in rows.iter().filter(|r| &r.characteristic == name) {
                    let key = (!r.value.is_empty()).then(|| r.value.clone());
                    let c = counts.entry(key).or_default();
                    if !r.label.is_empty() {
                        *c.spellings.entry(r.label.clone()).or_default() += 1;
                    }
                    c.mentors += r.mentors as usize;
                    c.mentors_completing += r.mentors_completing as usize;
                    c.mentees += r.mentees as usize;
                    c.mentees_completing += r.mentees_completing as usize;
                }
                (name.clone(), counts)
            })
            .collect();
        Marginals {
            by_characteristic,
            pairs: (completion.pairs, completion.completed),
        }
    }
}

/// Who completed: the people in a pair that held at least [`COMPLETION_MEETINGS`] one-to-ones, and
/// how many pairs (of all confirmed, ended ones too) did.
#[derive(Debug, Clone, Default)]
pub struct Completion {
    pub people: FxHashSet<String>,
    pub pairs: usize,
    pub completed: usize,
}

pub fn completion(inputs: &super::Inputs) -> Completion {
    let mut held: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    for m in &inputs.meetings {
        if m.status == crate::model::MeetingStatus::Held {
            *held
                .entry((m.mentee.as_str(), m.mentor.as_str()))
                .or_default() += 1;
        }
    }
    let done: Vec<(&str, &str)> = held
        .into_iter()
        .filter(|(_, n)| *n >= COMPLETION_MEETINGS)
        .map(|(k, _)| k)
        .collect();
    Completion {
        people: done
            .iter()
            .flat_map(|(e, r)| [e.to_string(), r.to_string()])
            .collect(),
        pairs: inputs
            .pairs
            .iter()
            .filter(|p| p.status != crate::model::PairStatus::Proposed)
            .count(),
        completed: done.len(),
    }
}

/// One characteristic's table.
#[derive(Debug, Clone, Serialize)]
pub struct Participation {
    pub characteristic: String,
    pub table: Grid,
}

/// The label a value's row reads as: its most common spelling (ties: the first in order).
fn label(key: Option<&String>, c: &Counts) -> String {
    match key {
        None => NOT_KNOWN.into(),
        Some(k) => c
            .spellings
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map_or_else(|| k.clone(), |(s, _)| s.clone()),
    }
}

/// Whether the numbers completing can be printed: for each role, and for pairs (the pairs table
/// prints how many were confirmed, and one completed pair is one completing mentee), those
/// completing and those not are each at least `min_group`.
fn completion_printable(groups: &[(usize, usize)], rules: Rules) -> bool {
    let min = rules.min_group as usize;
    groups
        .iter()
        .all(|&(total, done)| done >= min && total.saturating_sub(done) >= min)
}

/// Every characteristic's table, through the disclosure engine: mentors, mentees, and those of
/// each whose pair completed (printed only when the totals completing, and those not, are large
/// enough to print exactly); the rows not completing are protected unprinted cells.
pub fn tables(m: &Marginals, rules: Rules) -> Vec<Participation> {
    m.by_characteristic
        .iter()
        .map(|(name, counts)| {
            // Values held by at least min_group people, in order; then the rarer ones together;
            // "not known" last.
            let min = rules.min_group as usize;
            let mut rows: Vec<(String, Counts)> = Vec::new();
            let mut another = Counts::default();
            for (k, c) in counts.iter() {
                match k {
                    Some(key) if c.mentors + c.mentees >= min => {
                        rows.push((label(Some(key), c), c.clone()))
                    }
                    Some(_) => another.add(c),
                    None => {}
                }
            }
            // Both are always there, even when empty: a row that appeared only when someone held
            // a rare value, or did not say, would tell that someone does.
            rows.push((ANOTHER.into(), another));
            rows.push((
                NOT_KNOWN.into(),
                counts.get(&None).cloned().unwrap_or_default(),
            ));
            let sum = |f: fn(&Counts) -> usize| rows.iter().map(|(_, c)| f(c)).sum::<usize>();
            let (mentors, mentees) = (sum(|c| c.mentors), sum(|c| c.mentees));
            let (done_mentors, done_mentees) =
                (sum(|c| c.mentors_completing), sum(|c| c.mentees_completing));
            let show = completion_printable(
                &[(mentors, done_mentors), (mentees, done_mentees), m.pairs],
                rules,
            );
            // A role with fewer than min_group people, or whose values make one row, is not
            // broken down: every row would be its total.
            let split_m = mentors >= min && rows.len() > 1;
            let split_e = mentees >= min && rows.len() > 1;
            let (show_m, show_e) = (show && split_m, show && split_e);
            let optional = |show: bool, n: usize| if show { Cell::of(n) } else { Cell::none() };
            let values: Vec<Vec<Cell>> = rows
                .iter()
                .map(|(_, c)| {
                    vec![
                        optional(split_m, c.mentors),
                        optional(show_m, c.mentors_completing),
                        optional(split_e, c.mentees),
                        optional(show_e, c.mentees_completing),
                    ]
                })
                .collect();
            let exact_or_none =
                |show: bool, n: usize| if show { Cell::exact(n) } else { Cell::none() };
            let totals = [
                Cell::exact(mentors),
                exact_or_none(show_m, done_mentors),
                Cell::exact(mentees),
                exact_or_none(show_e, done_mentees),
            ];
            let mut spec = Spec::grid(
                "value",
                rows.iter().map(|(l, _)| l.clone()).collect(),
                vec![
                    "mentors".into(),
                    format!("mentors completing ({COMPLETION_MEETINGS}+ meetings)"),
                    "mentees".into(),
                    format!("mentees completing ({COMPLETION_MEETINGS}+ meetings)"),
                ],
                &values,
                None,
                Some((&totals, None)),
            );
            // Those not completing, value by value, are protected too.
            for (r, (_, c)) in rows.iter().enumerate() {
                for (show, all, done, column) in [
                    (show_m, c.mentors, c.mentors_completing, 0),
                    (show_e, c.mentees, c.mentees_completing, 2),
                ] {
                    if show {
                        let not = spec.unprinted(Cell::unprinted(all - done));
                        spec.sums.push(vec![
                            (spec.at(r, column), 1),
                            (spec.at(r, column + 1), -1),
                            (not, -1),
                        ]);
                    }
                }
            }
            debug_assert!(
                spec.cells
                    .iter()
                    .all(|c| c.kind != Kind::Unprinted || c.basis == c.value)
            );
            Participation {
                characteristic: name.clone(),
                table: Grid::protect(&spec, rules).0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Figure;

    fn person(id: &str, role: Role) -> Participant {
        Participant {
            name: "x".into(),
            ..Participant::for_test(id, role)
        }
    }

    #[test]
    fn values_are_harmonised_and_not_known_is_its_own_row() {
        let people: Vec<Participant> = (0..12)
            .map(|i| {
                person(
                    &format!("p{i:03}"),
                    if i < 6 { Role::Mentor } else { Role::Mentee },
                )
            })
            .collect();
        let refs: Vec<&Participant> = people.iter().collect();
        let values: FxHashMap<String, Vec<String>> = people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let v = match i % 3 {
                    0 => " woman",
                    1 => "Woman",
                    _ => "Prefer not to say",
                };
                (p.id.clone(), vec![v.to_string()])
            })
            .collect();
        let config = Config::parse(
            "[cohort]\nstart = 2020-01-13\nend = 2020-07-31\ncharacteristics = [\"gender\"]\n[matching.weights]\ngender = 1.0\n",
        )
        .expect("config");
        let m = Marginals::count(
            &config,
            &refs,
            |id| values.get(id).map(Vec::as_slice),
            &Completion::default(),
        );
        let t = tables(
            &m,
            Rules {
                min_group: 3,
                rounding: 1,
            },
        );
        let g = &t[0].table;
        let labels: Vec<&str> = g.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["Woman", ANOTHER, NOT_KNOWN, "total"]);
        // Beside the exact total of 6, "not known" (2) and "another value" (none, but always
        // printed) share what is left: either could be 0, 1 or 2.
        assert_eq!(g.rows[0].cells[0], Figure::count(4));
        assert_eq!(g.rows[1].cells[0], Figure::Below(3));
        assert_eq!(g.rows[2].cells[0], Figure::Below(3));
        assert_eq!(g.get("total", "mentors"), Some(&Figure::count(6)));
    }
}
