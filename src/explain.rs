//! `match --explain WHO`: one person's candidates, best first, and why not each other one. A
//! candidate the rules allow is priced the way `--lock` would do it: the cost is what the whole
//! pairing loses against the proposal with that pair locked (fewer mentees matched, less total
//! score). Every lock of the person is priced at once, from the optimum the proposal comes from
//! ([`matching::propose_explained`], exactly what solving again with the lock gives); a lock the
//! request would refuse (a mentee confirmed with someone else, a mentor with no place left) says
//! why in the request's own words ([`matching::lock_refusals`], which `propose` checks locks
//! with). Pure.

use crate::cohort::Cohort;
use crate::matching::{self, Origin, Rules};
use crate::model::{Participant, Role, Status};

/// How many candidates are shown as the best.
pub const BEST: usize = 5;

/// One candidate partner of the person explained.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    pub id: String,
    /// 1 for the best candidate, …; `None` for one that cannot be paired with them.
    pub rank: Option<usize>,
    /// The pair's score and reasons (field names only), when the rules allow the pair.
    pub score: Option<f64>,
    pub reasons: String,
    /// How the proposal pairs them, if it does: confirmed together, or proposed now.
    pub pair: Option<Origin>,
    /// What locking the pair costs the cohort: total score lost, and mentees left unmatched
    /// besides, against the proposal. Zero for the pair proposed.
    pub score_lost: Option<f64>,
    pub mentees_lost: Option<usize>,
    /// Why not: the rule that forbids the pair, why one of them cannot be matched, or what the
    /// lock costs.
    pub why_not: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Explanation {
    pub id: String,
    pub role: Role,
    /// Their partners in the proposal (a mentor may take several mentees), each with how the pair
    /// came to be; confirmed ones first.
    pub partners: Vec<(String, Origin)>,
    /// Why they cannot be matched at all, if so.
    pub not_eligible: Option<String>,
    pub total_score: f64,
    pub mentees_matched: usize,
    pub candidates: Vec<Candidate>,
}

/// Explain `who`'s candidates against the proposal `match` would make now.
pub fn explain(cohort: &Cohort, who: &str) -> Result<Explanation, Vec<String>> {
    let person = cohort.resolve(who).map_err(|e| vec![e])?;
    let rules = Rules::new(cohort, &[]);
    let (baseline, costs) = matching::propose_explained(cohort, &rules, person)?;
    let briefed = crate::dashboard::briefed(cohort);
    let config = &cohort.config;
    let eligible = |p: &Participant| matching::why_not_eligible(config, &briefed, p);
    // What a lock is checked against: the confirmed pairs.
    let (kept, load) = matching::confirmed(cohort, &rules);
    let capacity = matching::mentor_capacity(config);
    let mut partners: Vec<(String, Origin)> = baseline
        .pairs
        .iter()
        .filter(|p| p.mentee == person.id || p.mentor == person.id)
        .map(|p| {
            let other = if p.mentee == person.id {
                &p.mentor
            } else {
                &p.mentee
            };
            (other.clone(), p.origin)
        })
        .collect();
    partners.sort_by_key(|&(_, origin)| origin != Origin::Confirmed);
    let not_eligible = eligible(person);
    let mut candidates = Vec::new();
    for other in cohort.participants.iter().filter(|o| {
        o.role != person.role && !matches!(o.status, Status::Withdrawn | Status::Erased)
    }) {
        let (mentee, mentor) = match person.role {
            Role::Mentee => (person, other),
            Role::Mentor => (other, person),
        };
        let (Some(e), Some(m)) = (rules.position(&mentee.id), rules.position(&mentor.id)) else {
            continue;
        };
        let mut c = Candidate {
            id: other.id.clone(),
            rank: None,
            score: None,
            reasons: String::new(),
            pair: baseline
                .pairs
                .iter()
                .find(|p| p.mentee == mentee.id && p.mentor == mentor.id)
                .map(|p| p.origin),
            score_lost: None,
            mentees_lost: None,
            why_not: String::new(),
        };
        if let Some(why) = rules.why(e, m) {
            c.why_not = format!("forbidden: {why}");
        } else if let Some(why) = eligible(other) {
            c.why_not = format!("{} cannot be matched: {why}", other.id);
        } else if let Some(why) = &not_eligible {
            c.why_not = format!("{} cannot be matched: {why}", person.id);
        } else {
            c.score = Some(f64::from(rules.score(e, m)) / 100.0);
            c.reasons = rules.reasons(e, m);
            if c.pair.is_some() {
                c.score_lost = Some(0.0);
                c.mentees_lost = Some(0);
            } else if let Some(cost) = costs.get(&other.id) {
                let lost = cost.score_lost as f64 / 100.0;
                let fewer = cost.matches_lost as usize;
                c.score_lost = Some(lost);
                c.mentees_lost = Some(fewer);
                c.why_not = self::cost(lost, fewer);
            } else {
                // The solve prices every pair it could make; a lock it did not price is one the
                // request refuses, and says why.
                let why = matching::lock_refusals(&rules, &kept, &load, capacity, &eligible, e, m);
                debug_assert!(
                    !why.is_empty(),
                    "an allowed lock neither priced nor refused"
                );
                c.why_not = if why.is_empty() {
                    "not priced (please report this)".to_string()
                } else {
                    why.join("; ")
                };
            }
        }
        candidates.push(c);
    }
    rank(&mut candidates);
    Ok(Explanation {
        id: person.id.clone(),
        role: person.role,
        partners,
        not_eligible,
        total_score: baseline.total_score,
        mentees_matched: baseline.mentees_matched,
        candidates,
    })
}

/// "locking this pair costs the cohort 1.5 of total score" (and mentees left unmatched).
fn cost(lost: f64, fewer: usize) -> String {
    let score = crate::model::format_number(lost);
    match fewer {
        0 if lost <= 0.0 => "as good: another pairing with the same total score".to_string(),
        0 => format!("locking this pair costs the cohort {score} of total score"),
        n => format!(
            "locking this pair leaves {n} more mentee{} unmatched (and changes the total score by -{score})",
            crate::problems::plural(n)
        ),
    }
}

/// Candidates the rules allow first, best first: the proposed pair, then the cheapest locks
/// (fewest mentees lost, least score lost), then the highest score, then file order; then the
/// others in file order. The first [`BEST`] get a rank.
fn rank(candidates: &mut [Candidate]) {
    let key = |c: &Candidate| {
        let priced = c.score_lost.is_some();
        (
            !priced,
            c.pair.is_none(),
            c.mentees_lost.unwrap_or(usize::MAX),
            c.score_lost.map_or(i64::MAX, hundredths),
            -c.score.map_or(0, hundredths),
        )
    };
    candidates.sort_by_key(key);
    for (i, c) in candidates.iter_mut().enumerate() {
        if c.score_lost.is_some() && i < BEST {
            c.rank = Some(i + 1);
        }
    }
}

/// A score as whole hundredths, for exact ordering.
fn hundredths(x: f64) -> i64 {
    // Scores are at most 10,000 with two decimals: this fits an i64 exactly.
    #[allow(clippy::cast_possible_truncation)]
    let h = (x * 100.0).round() as i64;
    h
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cohort::config::Objective;
    use crate::matching::Request;
    use crate::model::{Pair, PairStatus, Traits};

    /// A small cohort of random people: departments, characteristics from few values (ties),
    /// some confirmed pairs, some not briefed, mentor capacity 1 or 2, either objective.
    pub(crate) fn random_cohort(next: &mut impl FnMut(u64) -> u64) -> Cohort {
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2020, 1, d).expect("date");
        let mut config = crate::cohort::config::for_test(day(13), day(31));
        config.matching.require_briefing = false;
        config.matching.mentor_capacity = 1 + next(2) as i64;
        config.matching.objective = if next(2) == 0 {
            Objective::Fair
        } else {
            Objective::Total
        };
        let n_characteristics = config.cohort.characteristics.len();
        let mut c = Cohort::empty("c", config);
        let (mentees, mentors) = (1 + next(8), 1 + next(7));
        for i in 0..mentees + mentors {
            let id = format!("p{i:03}");
            let role = if i < mentees {
                Role::Mentee
            } else {
                Role::Mentor
            };
            let status = if next(8) == 0 {
                Status::Withdrawn
            } else {
                Status::Active
            };
            c.participants.push(Participant {
                department: ["A", "B", "C"][usize::try_from(next(3)).expect("small")].into(),
                status,
                ..Participant::for_test(&id, role)
            });
            let values = (0..n_characteristics)
                .map(|_| ["", "x", "y", "z"][usize::try_from(next(4)).expect("small")].to_string())
                .collect();
            c.traits.push(Traits { id, values });
        }
        // A confirmed pair or two.
        for _ in 0..next(3) {
            let (e, m) = (next(mentees), mentees + next(mentors));
            c.pairs.push(Pair {
                mentee: format!("p{e:03}"),
                mentor: format!("p{m:03}"),
                score: 0.0,
                reasons: String::new(),
                status: PairStatus::Confirmed,
                proposed_on: Some(day(6)),
                confirmed_on: Some(day(6)),
                ended_on: None,
                end_reason: String::new(),
            });
        }
        c
    }

    /// What explain says each lock costs is what `propose` with the lock gives, for mentees and
    /// mentors alike; and a lock it says the request refuses is refused.
    #[test]
    fn every_price_is_what_the_lock_then_gives() {
        let mut next = crate::assign::test_numbers(0xe4_91a1);
        let (mut priced, mut losing, mut refused) = (0, 0, 0);
        for case in 0..150 {
            let cohort = random_cohort(&mut next);
            let Ok(baseline) = matching::propose(&cohort, &Request::default()) else {
                continue; // two confirmed pairs of one mentee: not what this test is about
            };
            for person in cohort.participants.iter() {
                if person.status != Status::Active {
                    continue;
                }
                let x = explain(&cohort, &person.id).expect("explained");
                for c in &x.candidates {
                    if c.pair.is_some() {
                        // The pair made: nothing to lose (a confirmed pair cannot be locked).
                        continue;
                    }
                    let (mentee, mentor) = match person.role {
                        Role::Mentee => (person.id.clone(), c.id.clone()),
                        Role::Mentor => (c.id.clone(), person.id.clone()),
                    };
                    let locked = matching::propose(
                        &cohort,
                        &Request {
                            locks: vec![(mentee.clone(), mentor.clone())],
                            avoids: Vec::new(),
                        },
                    );
                    let (Some(lost), Some(fewer)) = (c.score_lost, c.mentees_lost) else {
                        if c.score.is_some() {
                            let Err(problems) = locked else {
                                panic!("case {case}: {mentee}={mentor} unpriced");
                            };
                            // In the request's own words, without its "--lock E=M: ".
                            let words: Vec<&str> = problems
                                .iter()
                                .filter_map(|p| p.split_once(": ").map(|(_, why)| why))
                                .collect();
                            assert_eq!(c.why_not, words.join("; "), "case {case}");
                            refused += 1;
                        }
                        continue;
                    };
                    let p = locked.expect("a priced lock is accepted");
                    let want = hundredths(baseline.total_score) - hundredths(p.total_score);
                    assert_eq!(hundredths(lost), want, "case {case}: {mentee}={mentor}");
                    assert_eq!(
                        fewer,
                        baseline.mentees_matched - p.mentees_matched,
                        "case {case}: {mentee}={mentor}"
                    );
                    priced += 1;
                    losing += usize::from(fewer > 0);
                }
            }
        }
        assert!(
            priced > 1000 && losing > 20 && refused > 20,
            "too few telling cases: {priced} priced, {losing} losing a match, {refused} refused"
        );
    }
}
