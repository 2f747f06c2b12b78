//! Write the score matrix `revmentor match` would solve for a cohort, as a NumPy `.npy` file, so
//! other assignment solvers can be timed on exactly the same problem (`examples/bench_match.sh`).
//!
//! ```text
//! cargo run --release --example score_matrix -- ROOT COHORT OUT.npy
//! ```
//!
//! The matrix is `int32`, mentees (rows) by mentors (columns), in cohort order, scores in
//! hundredths, `-2147483648` where a pair is forbidden. Like `match_quality`, it assumes a fresh
//! cohort: every active participant is eligible (set `require_briefing = false`), nothing is
//! confirmed or locked yet. The capacity of every mentor is `mentor_capacity`, printed on stdout.
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

use std::io::Write;
use std::process::ExitCode;

use revmentor::matching::Rules;
use revmentor::model::{Role, Status};
use revmentor::store::Store;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, name, out] = args.as_slice() else {
        eprintln!("usage: score_matrix ROOT COHORT OUT.npy");
        return ExitCode::from(2);
    };
    let cohort = match Store::new(root).open(name, revmentor::cohort::Load::ALL) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
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
    let scores = rules.matrix(&mentees, &mentors);

    // NPY version 1.0: magic, header length, a Python dict literal padded to 64 bytes.
    let mut header = format!(
        "{{'descr': '<i4', 'fortran_order': False, 'shape': ({}, {}), }}",
        mentees.len(),
        mentors.len()
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let Ok(header_len) = u16::try_from(header.len()) else {
        eprintln!("error: header too long");
        return ExitCode::FAILURE;
    };
    let mut bytes = Vec::with_capacity(10 + header.len() + scores.len() * 4);
    bytes.extend_from_slice(b"\x93NUMPY\x01\x00");
    bytes.extend_from_slice(&header_len.to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    for s in &scores {
        bytes.extend_from_slice(&s.to_le_bytes());
    }
    let written = std::fs::File::create(out).and_then(|mut f| f.write_all(&bytes));
    if let Err(e) = written {
        eprintln!("error: {out}: {e}");
        return ExitCode::FAILURE;
    }
    println!("{}", cohort.config.matching.mentor_capacity);
    ExitCode::SUCCESS
}
