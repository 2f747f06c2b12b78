//! Compare the exact pairing `revmentor match` proposes with a greedy one (best pair first) on a
//! cohort, for the benchmark report: mentees matched, total score, worst pair's score.
//!
//! ```text
//! cargo run --release --example match_quality -- ROOT COHORT
//! ```
//!
//! Every active participant counts as eligible (set `require_briefing = false` in the cohort).
// A tool outside the library: it may print, touch files and convert freely.
#![allow(
    clippy::disallowed_methods,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::too_many_lines,
    clippy::needless_pass_by_value
)]

use std::process::ExitCode;
use std::time::Instant;

use revmentor::matching::{self, Request, Rules};
use revmentor::model::{Role, Status};
use revmentor::store::Store;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, name] = args.as_slice() else {
        eprintln!("usage: match_quality ROOT COHORT");
        return ExitCode::from(2);
    };
    let cohort = match Store::new(root).open(name, revmentor::cohort::Load::ALL) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let optimal = match matching::propose(&cohort, &Request::default()) {
        Ok(p) => p,
        Err(problems) => {
            eprintln!("error: {}", problems.join("; "));
            return ExitCode::FAILURE;
        }
    };
    let solve_time = started.elapsed();

    let rules = Rules::new(&cohort, &[]);
    let of = |role| -> Vec<usize> {
        cohort
            .participants
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role == role && p.status == Status::Active)
            .map(|(i, _)| i)
            .collect()
    };
    let (mentees, mentors) = (of(Role::Mentee), of(Role::Mentor));
    let mut allowed = Vec::new();
    let mut forbidden = 0usize;
    for &e in &mentees {
        for &m in &mentors {
            match rules.forbidden(e, m) {
                Some(_) => forbidden += 1,
                None => allowed.push((rules.score(e, m), e, m)),
            }
        }
    }
    // Greedy: the highest-scoring pair first, ties in cohort order.
    allowed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let capacity = usize::try_from(cohort.config.matching.mentor_capacity).unwrap_or(1);
    let mut mentee_done = vec![false; cohort.participants.len()];
    let mut mentor_load = vec![0usize; cohort.participants.len()];
    let mut greedy = Vec::new();
    for (score, e, m) in allowed {
        if !mentee_done[e] && mentor_load[m] < capacity {
            mentee_done[e] = true;
            mentor_load[m] += 1;
            greedy.push(score);
        }
    }
    let greedy_total: i64 = greedy.iter().map(|&s| i64::from(s)).sum();
    let greedy_worst = greedy.iter().min().copied().unwrap_or(0);
    let optimal_worst = optimal
        .pairs
        .iter()
        .map(|p| p.score)
        .fold(f64::INFINITY, f64::min);
    let pairs_total = (mentees.len() * mentors.len()).max(1);
    println!(
        "cohort {name}: {} mentees, {} mentors, {:.1}% of pairs forbidden",
        mentees.len(),
        mentors.len(),
        100.0 * forbidden as f64 / pairs_total as f64
    );
    println!(
        "exact:  {} matched, total score {:.2}, worst pair {:.2} (propose: {:.2?})",
        optimal.mentees_matched, optimal.total_score, optimal_worst, solve_time
    );
    println!(
        "greedy: {} matched, total score {:.2}, worst pair {:.2}",
        greedy.len(),
        greedy_total as f64 / 100.0,
        f64::from(greedy_worst) / 100.0
    );
    println!(
        "greedy leaves {} more mentee(s) unmatched; the exact pairing scores {:.2} more in total",
        optimal.mentees_matched.saturating_sub(greedy.len()),
        optimal.total_score - greedy_total as f64 / 100.0
    );
    ExitCode::SUCCESS
}
