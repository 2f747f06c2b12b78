//! Optimal mentee-to-mentor assignment with capacities and forbidden pairs: most matches first,
//! then highest total score, exactly; optionally, among those optima, the fairest.
//!
//! # Problem
//!
//! Rows are mentees, columns mentors; mentor `j` takes at most `capacity[j]` mentees; some pairs
//! are forbidden. Scores are non-negative integers (hundredths). The answer maximises, in order:
//!
//! 1. the number of mentees matched;
//! 2. the total score;
//! 3. with [`Objective::Fair`] only: the pair scores sorted from the lowest up, compared
//!    lexicographically (the lowest pair as high as possible, then the next lowest, ...).
//!
//! Scores come as a dense matrix ([`solve`], [`solve_dense`]) or as per-person attribute codes
//! ([`Profiles`], [`solve_profiles`]), which are scored a row or a column at a time and never
//! held as a matrix.
//!
//! # Method
//!
//! * `sparse`: an exact primal-dual (Hungarian) solver on a sparse graph with column capacities
//!   and integer duals: Jonker–Volgenant's augmenting row reduction to start, then Hopcroft–Karp
//!   matching on tight edges and multi-source Dijkstra steps of the duals. Ties make its
//!   matching steps cheaper, not dearer.
//! * `source`: scores a row or a column at a time, from a dense matrix or from [`Profiles`]
//!   (compact per-field codes, a byte per score when they fit, in units of the weights' common
//!   divisor).
//! * `pricing`: the whole problem solved on a few candidate edges per person, then proved
//!   optimal on every pair by one pass of reduced costs against the duals (edges that fail join
//!   the candidates and it repeats). The lexicographic objective (matches, then total) is one
//!   cost with an "unmatched" column priced above any score difference.
//! * `fair`: the fair refinement, a few more solves of the same kind, each restricted to the
//!   pairs that keep every earlier objective optimal (the tight pairs of its duals: LP
//!   complementary slackness).
//! * `crouse`: the dense solver (Crouse 2016, as scipy) that small problems keep (see
//!   `SMALL_CELLS`), and [`lsap_min`] for plain cost matrices.
//!
//! Every answer is deterministic: the same input gives the same pairs.

// Rows and columns are numbered in `u32` (`run` refuses larger problems) and test oracles convert
// small generated costs; the solvers check their arithmetic where values come from input.
#![allow(clippy::cast_possible_truncation, clippy::too_many_lines)]

use std::fmt;

mod crouse;
mod fair;
mod locks;
mod pricing;
mod source;
mod sparse;

pub use crouse::lsap_min;
pub use locks::{LockCost, Person};
pub use source::Profiles;

use source::{DenseScores, Source};

/// Score value marking a forbidden (mentee, mentor) pair.
pub const FORBIDDEN: i32 = i32::MIN;

/// Problems of at most this many cells (mentees x mentors) are solved for [`Objective::Total`] by
/// the dense solver of `crouse`: fast at that size, and it keeps the pairings that earlier
/// versions chose among equally good ones (the example cohort and small cohorts stay as they
/// were). Both solvers are exact; they may differ only between optima of equal value.
const SMALL_CELLS: usize = 1 << 16;

/// Largest absolute cost (and cost range) the solvers accept: far from `i64` overflow however
/// duals and path lengths add up.
const COST_LIMIT: i64 = i64::MAX / 32;

/// What the assignment optimises once the number of matched mentees is as large as it can be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Objective {
    /// The highest total score.
    #[default]
    Total,
    /// The highest total score, and among those assignments the one whose lowest pair score is
    /// as high as possible, then the next lowest, and so on (leximin of the pair scores).
    Fair,
}

/// Invalid input, or an internal consistency failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignError {
    /// The matrix or capacity slice does not have the announced length
    /// (or `n_rows * n_cols` overflows `usize`).
    Length {
        /// What the slice was.
        what: &'static str,
        /// Length implied by the dimensions.
        expected: Option<usize>,
        /// Actual length.
        got: usize,
    },
    /// A mentor has capacity 0.
    ZeroCapacity {
        /// The mentor (column) index.
        col: usize,
    },
    /// A score is negative but not [`FORBIDDEN`].
    NegativeScore {
        /// Mentee (row).
        row: usize,
        /// Mentor (column).
        col: usize,
        /// The offending value.
        value: i32,
    },
    /// A field weight is negative.
    NegativeWeight {
        /// The weight.
        weight: i32,
    },
    /// A forbidden pair names a row or column outside the problem.
    OutOfRange {
        /// Mentee (row).
        row: usize,
        /// Mentor (column).
        col: usize,
    },
    /// [`lsap_min`] needs `n_rows <= n_cols`.
    TooManyRows {
        /// Number of rows.
        n_rows: usize,
        /// Number of columns.
        n_cols: usize,
    },
    /// Costs (or the forbidden-pair penalty) too large for exact `i64`
    /// arithmetic.
    Overflow,
    /// A bug: the solver produced an inconsistent result.
    Internal(&'static str),
}

impl fmt::Display for AssignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignError::Length {
                what,
                expected: Some(e),
                got,
            } => write!(f, "{what} has length {got}, expected {e}"),
            AssignError::Length {
                what,
                expected: None,
                got,
            } => write!(
                f,
                "{what} has length {got}, but the dimensions overflow usize"
            ),
            AssignError::ZeroCapacity { col } => {
                write!(f, "mentor {col} has capacity 0 (must be at least 1)")
            }
            AssignError::NegativeScore { row, col, value } => write!(
                f,
                "score {value} at (mentee {row}, mentor {col}) is negative and not FORBIDDEN"
            ),
            AssignError::NegativeWeight { weight } => {
                write!(f, "field weight {weight} is negative")
            }
            AssignError::OutOfRange { row, col } => {
                write!(
                    f,
                    "pair (mentee {row}, mentor {col}) is outside the problem"
                )
            }
            AssignError::TooManyRows { n_rows, n_cols } => write!(
                f,
                "assignment needs n_rows <= n_cols, got {n_rows} x {n_cols}"
            ),
            AssignError::Overflow => {
                write!(f, "costs too large for exact 64-bit assignment")
            }
            AssignError::Internal(msg) => write!(f, "internal assignment error: {msg}"),
        }
    }
}

impl std::error::Error for AssignError {}

/// Optimal mentee -> mentor assignment for the highest total ([`Objective::Total`]).
///
/// * `scores`: row-major, `n_rows` (mentees) x `n_cols` (mentors);
///   [`FORBIDDEN`] marks a forbidden pair, any other value must be `>= 0`.
/// * `capacity`: length `n_cols`, each `>= 1`: mentor `j` takes at most
///   `capacity[j]` mentees.
///
/// Returns, for each mentee, `Some(mentor)` or `None` (unmatched). The
/// result first maximises the number of matched mentees, then the total
/// score, exactly; it is deterministic and never contains a forbidden pair.
pub fn solve(
    n_rows: usize,
    n_cols: usize,
    scores: &[i32],
    capacity: &[u32],
) -> Result<Vec<Option<usize>>, AssignError> {
    solve_dense(n_rows, n_cols, scores, capacity, Objective::Total)
}

/// [`solve`] with a choice of [`Objective`].
pub fn solve_dense(
    n_rows: usize,
    n_cols: usize,
    scores: &[i32],
    capacity: &[u32],
    objective: Objective,
) -> Result<Vec<Option<usize>>, AssignError> {
    let src = DenseScores::new(n_rows, n_cols, scores)?;
    run(&src, capacity, objective)
}

/// The optimal assignment of a problem given as [`Profiles`] (see [`solve`] for the result).
pub fn solve_profiles(
    profiles: &Profiles,
    capacity: &[u32],
    objective: Objective,
) -> Result<Vec<Option<usize>>, AssignError> {
    if profiles.is_sealed() {
        run(profiles, capacity, objective)
    } else {
        let mut sealed = profiles.clone();
        sealed.seal();
        run(&sealed, capacity, objective)
    }
}

/// An assignment (see [`solve`]) and what locking each pair of one person costs (see
/// [`solve_profiles_with_locks`]).
pub type WithLocks = (Vec<Option<usize>>, Vec<Option<LockCost>>);

/// [`solve_profiles`], and what locking each pair of `who` costs the most-matches-then-highest-
/// total optimum: for each partner (every column of a row, every row of a column), the mentees
/// matched and the score (in hundredths) lost with that pair locked, or `None` for a forbidden
/// pair; exactly what solving again with the lock gives. From the same solve and one
/// shortest-path search (see `locks`), but for small problems with [`Objective::Total`], which
/// the dense solver keeps: their locks take a sparse solve of their own.
pub fn solve_profiles_with_locks(
    profiles: &Profiles,
    capacity: &[u32],
    objective: Objective,
    who: Person,
) -> Result<WithLocks, AssignError> {
    if profiles.is_sealed() {
        run_with_locks(profiles, capacity, objective, who)
    } else {
        let mut sealed = profiles.clone();
        sealed.seal();
        run_with_locks(&sealed, capacity, objective, who)
    }
}

fn run_with_locks<S: Source>(
    src: &S,
    capacity: &[u32],
    objective: Objective,
    who: Person,
) -> Result<WithLocks, AssignError> {
    let (n_rows, n_cols) = (src.n_rows(), src.n_cols());
    locks::check(who, n_rows, n_cols)?;
    let small = n_rows.checked_mul(n_cols).is_some_and(|c| c <= SMALL_CELLS);
    if (objective == Objective::Total && small) || n_rows == 0 || n_cols == 0 {
        let assignment = run(src, capacity, objective)?;
        return Ok((assignment, locks::lock_costs(src, capacity, who)?));
    }
    let mut costs = None;
    let assignment = run_hooked(
        src,
        capacity,
        objective,
        pricing::Candidates::default(),
        |optimum| {
            costs = Some(locks::from_optimum(src, optimum, who)?);
            Ok(())
        },
    )?;
    let costs = costs.ok_or(AssignError::Internal("no optimum to price locks from"))?;
    Ok((assignment, costs))
}

fn run<S: Source>(
    src: &S,
    capacity: &[u32],
    objective: Objective,
) -> Result<Vec<Option<usize>>, AssignError> {
    let (n_rows, n_cols) = (src.n_rows(), src.n_cols());
    let small = n_rows.checked_mul(n_cols).is_some_and(|c| c <= SMALL_CELLS);
    if objective == Objective::Total && small && capacity.len() == n_cols && n_cols > 0 {
        if let Some(col) = capacity.iter().position(|&c| c == 0) {
            return Err(AssignError::ZeroCapacity { col });
        }
        // Scores in hundredths, as earlier versions saw them.
        let unit = src.unit();
        let mut scores = vec![0i32; n_rows * n_cols];
        for (i, row) in scores.chunks_exact_mut(n_cols).enumerate() {
            src.row(i, row);
            for s in row.iter_mut().filter(|s| **s != FORBIDDEN) {
                *s *= unit;
            }
        }
        return crouse::solve_small(n_rows, n_cols, &scores, capacity);
    }
    run_with(src, capacity, objective, pricing::Candidates::default())
}

fn run_with<S: Source>(
    src: &S,
    capacity: &[u32],
    objective: Objective,
    candidates: pricing::Candidates,
) -> Result<Vec<Option<usize>>, AssignError> {
    run_hooked(src, capacity, objective, candidates, |_| Ok(()))
}

/// [`run_with`], calling `hook` with the most-matches-then-highest-total optimum (and its duals)
/// before any fair refinement.
fn run_hooked<S: Source>(
    src: &S,
    capacity: &[u32],
    objective: Objective,
    candidates: pricing::Candidates,
    hook: impl FnOnce(&pricing::Optimum) -> Result<(), AssignError>,
) -> Result<Vec<Option<usize>>, AssignError> {
    let (n_rows, n_cols) = (src.n_rows(), src.n_cols());
    if capacity.len() != n_cols {
        return Err(AssignError::Length {
            what: "capacity",
            expected: Some(n_cols),
            got: capacity.len(),
        });
    }
    if let Some(col) = capacity.iter().position(|&c| c == 0) {
        return Err(AssignError::ZeroCapacity { col });
    }
    if n_rows == 0 || n_cols == 0 {
        return Ok(vec![None; n_rows]);
    }
    // Rows and columns (and the unmatched column) are numbered in `u32`, `u32::MAX` kept free.
    if n_rows >= u32::MAX as usize - 1 || n_cols >= u32::MAX as usize - 1 {
        return Err(AssignError::Overflow);
    }
    // Every pass reads every row again: where the rows' keys fit in memory, they are scored once.
    match source::KeyRows::new(src) {
        Some(keyed) => solve_checked(&keyed, capacity, objective, candidates, hook),
        None => solve_checked(src, capacity, objective, candidates, hook),
    }
}

/// [`run_hooked`] once the problem is known to be well formed and not empty.
fn solve_checked<S: Source>(
    src: &S,
    capacity: &[u32],
    objective: Objective,
    candidates: pricing::Candidates,
    hook: impl FnOnce(&pricing::Optimum) -> Result<(), AssignError>,
) -> Result<Vec<Option<usize>>, AssignError> {
    let (n_rows, n_cols) = (src.n_rows(), src.n_cols());
    let optimum = pricing::solve(src, capacity, candidates, objective == Objective::Fair)?;
    hook(&optimum)?;
    let col4row = match objective {
        Objective::Total => optimum.col4row,
        Objective::Fair => fair::refine(src, optimum)?,
    };

    // Cheap release-mode check of the invariants the caller relies on.
    let mut result = vec![None; n_rows];
    let mut load = vec![0u64; n_cols];
    for (i, (res, &j)) in result.iter_mut().zip(&col4row).enumerate() {
        let j = j as usize;
        if j == n_cols {
            continue;
        }
        if j > n_cols {
            return Err(AssignError::Internal("row assigned outside the matrix"));
        }
        if src.get(i, j) == FORBIDDEN {
            debug_assert!(false, "forbidden pair returned");
            return Err(AssignError::Internal("forbidden pair returned"));
        }
        load[j] += 1;
        if load[j] > u64::from(capacity[j]) {
            debug_assert!(false, "capacity exceeded");
            return Err(AssignError::Internal("capacity exceeded"));
        }
        *res = Some(j);
    }
    Ok(result)
}

/// Numbers for tests, the same on every run (xorshift64 from `seed`): each call `next(m)` gives
/// one below `m`.
#[cfg(test)]
pub(crate) fn test_numbers(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut x = seed;
    move |m| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const F: i32 = FORBIDDEN;

    /// Checks the hard constraints; returns (matched, total score).
    fn check(
        n_rows: usize,
        n_cols: usize,
        scores: &[i32],
        cap: &[u32],
        res: &[Option<usize>],
    ) -> (usize, i64) {
        assert_eq!(res.len(), n_rows);
        let mut load = vec![0u32; n_cols];
        let mut matched = 0;
        let mut total = 0i64;
        for (i, r) in res.iter().enumerate() {
            if let Some(j) = *r {
                assert!(j < n_cols);
                let s = scores[i * n_cols + j];
                assert_ne!(s, FORBIDDEN, "forbidden pair ({i}, {j}) returned");
                load[j] += 1;
                assert!(load[j] <= cap[j], "capacity of mentor {j} exceeded");
                matched += 1;
                total += i64::from(s);
            }
        }
        (matched, total)
    }

    /// Exhaustive optimum of (matched, score), lexicographic.
    fn brute_force(n_rows: usize, n_cols: usize, scores: &[i32], cap: &[u32]) -> (usize, i64) {
        fn go(
            i: usize,
            n_rows: usize,
            n_cols: usize,
            scores: &[i32],
            left: &mut [u32],
            cur: (usize, i64),
            best: &mut (usize, i64),
        ) {
            if i == n_rows {
                *best = (*best).max(cur);
                return;
            }
            // Prune: even matching every remaining row cannot win.
            if cur.0 + (n_rows - i) < best.0 {
                return;
            }
            go(i + 1, n_rows, n_cols, scores, left, cur, best);
            for j in 0..n_cols {
                let s = scores[i * n_cols + j];
                if s != FORBIDDEN && left[j] > 0 {
                    left[j] -= 1;
                    let next = (cur.0 + 1, cur.1 + i64::from(s));
                    go(i + 1, n_rows, n_cols, scores, left, next, best);
                    left[j] += 1;
                }
            }
        }
        let mut left = cap.to_vec();
        let mut best = (0, 0);
        go(0, n_rows, n_cols, scores, &mut left, (0, 0), &mut best);
        best
    }

    fn solve_checked(
        n_rows: usize,
        n_cols: usize,
        scores: &[i32],
        cap: &[u32],
    ) -> Vec<Option<usize>> {
        let res = solve(n_rows, n_cols, scores, cap).expect("valid input");
        check(n_rows, n_cols, scores, cap, &res);
        res
    }

    fn lsap_cost(n_cols: usize, cost: &[i64], cols: &[usize]) -> i64 {
        cols.iter()
            .enumerate()
            .map(|(i, &j)| cost[i * n_cols + j])
            .sum()
    }

    #[test]
    fn empty_sides() {
        assert_eq!(solve(0, 3, &[], &[1, 1, 1]), Ok(vec![]));
        assert_eq!(solve(3, 0, &[], &[]), Ok(vec![None, None, None]));
        assert_eq!(solve(0, 0, &[], &[]), Ok(vec![]));
        assert_eq!(lsap_min(0, 0, &[]), Ok(vec![]));
        assert_eq!(lsap_min(0, 4, &[]), Ok(vec![]));
    }

    #[test]
    fn all_forbidden() {
        assert_eq!(solve(2, 2, &[F; 4], &[1, 1]), Ok(vec![None, None]));
        assert_eq!(solve(3, 1, &[F; 3], &[5]), Ok(vec![None; 3]));
    }

    #[test]
    fn one_row() {
        assert_eq!(solve(1, 3, &[10, 50, 30], &[1, 1, 1]), Ok(vec![Some(1)]));
        assert_eq!(solve(1, 3, &[10, F, 30], &[1, 1, 1]), Ok(vec![Some(2)]));
        assert_eq!(solve(1, 3, &[F, 0, F], &[1, 1, 1]), Ok(vec![Some(1)]));
        assert_eq!(solve(1, 1, &[0], &[1]), Ok(vec![Some(0)]));
    }

    #[test]
    fn more_mentors_than_mentees() {
        // Best: 0 -> 2 (90), 1 -> 0 (80); 0 -> 0 would force 1 to 70.
        let s = [80, 10, 90, 80, 70, 0];
        assert_eq!(solve_checked(2, 3, &s, &[1, 1, 1]), vec![Some(2), Some(0)]);
    }

    #[test]
    fn more_mentees_than_mentors() {
        // Two slots; best pair of mentees: 0 -> A (100) + 1 -> B (80).
        let s = [100, 0, 90, 80, 0, 70];
        assert_eq!(
            solve_checked(3, 2, &s, &[1, 1]),
            vec![Some(0), Some(1), None]
        );
    }

    #[test]
    fn capacity_above_one() {
        let s = [10, 30, 20];
        assert_eq!(solve_checked(3, 1, &s, &[2]), vec![None, Some(0), Some(0)]);
        // Capacity larger than needed (and than the number of mentees).
        assert_eq!(solve_checked(3, 1, &s, &[u32::MAX]), vec![Some(0); 3]);
        // Two mentors, capacities 2 and 1, four mentees.
        let s = [50, 0, 40, 10, 30, 30, 0, 60];
        let res = solve_checked(4, 2, &s, &[2, 1]);
        assert_eq!(res, vec![Some(0), Some(0), None, Some(1)]);
    }

    #[test]
    fn matching_size_beats_score() {
        // Greedy/max-score takes A -> M0 (500) and leaves B unmatched.
        let s = [500, 0, 0, F];
        assert_eq!(solve_checked(2, 2, &s, &[1, 1]), vec![Some(1), Some(0)]);
        // Same with more mentees than slots (transposed internally).
        let s = [500, 0, 0, F, F, F];
        assert_eq!(
            solve_checked(3, 2, &s, &[1, 1]),
            vec![Some(1), Some(0), None]
        );
        // And with a capacity-2 mentor.
        let s = [500, 0, 0, F, 0, F];
        assert_eq!(
            solve_checked(3, 2, &s, &[2, 1]),
            vec![Some(1), Some(0), Some(0)]
        );
    }

    #[test]
    fn ties_are_deterministic() {
        let n = 7;
        let s = vec![100; n * n];
        let a = solve_checked(n, n, &s, &vec![1; n]);
        let b = solve_checked(n, n, &s, &vec![1; n]);
        assert_eq!(a, b);
        assert!(a.iter().all(Option::is_some));
        let s = vec![0; 6 * 2];
        let a = solve_checked(6, 2, &s, &[2, 2]);
        assert_eq!(a, solve_checked(6, 2, &s, &[2, 2]));
        assert_eq!(a.iter().filter(|r| r.is_some()).count(), 4);
    }

    #[test]
    fn invalid_input() {
        assert!(matches!(
            solve(2, 2, &[0; 3], &[1, 1]),
            Err(AssignError::Length { .. })
        ));
        assert!(matches!(
            solve(2, 2, &[0; 4], &[1]),
            Err(AssignError::Length { .. })
        ));
        assert!(matches!(
            solve(usize::MAX, 2, &[], &[1, 1]),
            Err(AssignError::Length { expected: None, .. })
        ));
        assert_eq!(
            solve(1, 2, &[0, 0], &[1, 0]),
            Err(AssignError::ZeroCapacity { col: 1 })
        );
        assert_eq!(
            solve(1, 2, &[0, -5], &[1, 1]),
            Err(AssignError::NegativeScore {
                row: 0,
                col: 1,
                value: -5
            })
        );
        assert_eq!(
            lsap_min(2, 1, &[0, 0]),
            Err(AssignError::TooManyRows {
                n_rows: 2,
                n_cols: 1
            })
        );
        assert!(matches!(
            lsap_min(1, 2, &[0]),
            Err(AssignError::Length { .. })
        ));
        assert_eq!(
            lsap_min(1, 2, &[i64::MIN, i64::MAX]),
            Err(AssignError::Overflow)
        );
        for e in [
            AssignError::Overflow,
            AssignError::ZeroCapacity { col: 3 },
            AssignError::Internal("x"),
        ] {
            assert!(!e.to_string().is_empty());
            let _: &dyn std::error::Error = &e;
        }
    }

    #[test]
    fn large_scores_are_exact() {
        // 2 -> A, 0 -> B scores 2m - 1; 0 -> B, 1 -> A only 2m - 2.
        let m = i32::MAX;
        let s = [m, m - 1, m - 1, F, m, 0];
        let res = solve_checked(3, 2, &s, &[1, 1]);
        assert_eq!(res, vec![Some(1), None, Some(0)]);
        let s = [m, m - 1, m - 1, F, m - 1, 0];
        let res = solve_checked(3, 2, &s, &[1, 1]);
        assert_eq!(res, vec![Some(1), Some(0), None]);
    }

    #[test]
    fn lsap_min_small() {
        // scipy's documentation example: optimal cost 5.
        let c = [4, 1, 3, 2, 0, 5, 3, 2, 2];
        let cols = lsap_min(3, 3, &c).expect("valid");
        assert_eq!(cols, vec![1, 0, 2]);
        // Rectangular, negative costs.
        let c = [-5, -1, -9, 0, -7, -8, -3, 0];
        let cols = lsap_min(2, 4, &c).expect("valid");
        assert_eq!(cols, vec![2, 1]);
        assert_eq!(lsap_cost(4, &c, &cols), -17);
        // Extreme magnitudes with a small range are shifted, not overflowed.
        let b = i64::MAX - 10;
        let c = [b + 2, b + 3, b, b, b + 1, b + 1];
        let cols = lsap_min(2, 3, &c).expect("valid");
        assert_eq!(cols, vec![2, 0]);
        // The widest accepted range.
        let c = [0, COST_LIMIT, COST_LIMIT, 0, COST_LIMIT, COST_LIMIT];
        assert_eq!(lsap_min(2, 3, &c), Ok(vec![0, 1]));
    }

    /// Small random instance: (n_rows, n_cols, scores, capacity).
    fn small_instance() -> impl Strategy<Value = (usize, usize, Vec<i32>, Vec<u32>)> {
        (0usize..=6, 0usize..=5, 0u32..4, 0u32..4).prop_flat_map(|(r, c, forbid, kind)| {
            let score = match kind {
                0 => Just(100).boxed(),                       // all equal
                1 => (0i32..12).prop_map(|x| x * 50).boxed(), // tie-heavy
                2 => (0i32..3).boxed(),
                _ => (0i32..1_000_000).boxed(),
            };
            // Forbidden probability 0, 1/4, 1/2 or 1.
            let cell = (score, 0u32..4).prop_map(move |(s, f)| {
                let forbidden = match forbid {
                    0 => false,
                    1 => f == 0,
                    2 => f < 2,
                    _ => true,
                };
                if forbidden { FORBIDDEN } else { s }
            });
            (
                Just(r),
                Just(c),
                proptest::collection::vec(cell, r * c),
                proptest::collection::vec(1u32..=3, c),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]

        #[test]
        fn matches_brute_force((r, c, scores, cap) in small_instance()) {
            let best = brute_force(r, c, &scores, &cap);
            let res = solve(r, c, &scores, &cap).expect("valid input");
            let got = check(r, c, &scores, &cap, &res);
            prop_assert_eq!(got, best);
            prop_assert_eq!(solve(r, c, &scores, &cap).expect("valid input"), res);
            // The large-problem solver on the same instance.
            let res = solve_k(r, c, &scores, &cap, Objective::Total, pricing::Candidates::default().row_k);
            prop_assert_eq!(check(r, c, &scores, &cap, &res), best);
        }
    }

    /// Random dense cost matrix with `rows <= cols`.
    fn dense_instance() -> impl Strategy<Value = (usize, usize, Vec<i64>)> {
        (
            1usize..=40,
            0usize..=20,
            prop_oneof![Just(3i64), Just(20), Just(1000)],
        )
            .prop_flat_map(|(r, extra, range)| {
                let c = r + extra;
                (Just(r), Just(c), proptest::collection::vec(0..range, r * c))
            })
    }

    fn lsap_reference(r: usize, c: usize, cost: &[i64], maximize: bool) -> f64 {
        let f: Vec<f64> = cost.iter().map(|&x| x as f64).collect();
        let (rows, cols) = lsap::solve(r, c, &f, maximize).expect("lsap");
        rows.iter().zip(&cols).map(|(&i, &j)| f[i * c + j]).sum()
    }

    /// Medium instance with capacities, forbidden pairs and ties.
    fn medium_instance() -> impl Strategy<Value = (usize, usize, Vec<i32>, Vec<u32>)> {
        (1usize..=25, 1usize..=12, 0u32..3).prop_flat_map(|(r, c, forbid_pct)| {
            let cell = (0i32..12, 0u32..10).prop_map(move |(s, f)| {
                if f < forbid_pct * 3 {
                    FORBIDDEN
                } else {
                    s * 50
                }
            });
            (
                Just(r),
                Just(c),
                proptest::collection::vec(cell, r * c),
                proptest::collection::vec(1u32..=3, c),
            )
        })
    }

    /// (matched, score) optimum via the scipy port on the slot-expanded
    /// matrix, forbidden cells priced far above any score sum.
    fn lsap_capacitated(r: usize, c: usize, scores: &[i32], cap: &[u32]) -> (usize, i64) {
        const BIG: f64 = 1e9;
        let owner: Vec<usize> = (0..c)
            .flat_map(|j| std::iter::repeat_n(j, cap[j] as usize))
            .collect();
        let n = owner.len();
        let mut cost = vec![0.0; r * n];
        for i in 0..r {
            for (s, &j) in owner.iter().enumerate() {
                let x = scores[i * c + j];
                cost[i * n + s] = if x == FORBIDDEN { BIG } else { -f64::from(x) };
            }
        }
        let (rows, cols) = lsap::solve(r, n, &cost, false).expect("lsap");
        let mut best = (0, 0);
        for (&i, &s) in rows.iter().zip(&cols) {
            let x = scores[i * c + owner[s]];
            if x != FORBIDDEN {
                best.0 += 1;
                best.1 += i64::from(x);
            }
        }
        best
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(250))]

        #[test]
        fn solve_matches_scipy_port_with_capacities((r, c, scores, cap) in medium_instance()) {
            let res = solve(r, c, &scores, &cap).expect("valid input");
            let got = check(r, c, &scores, &cap, &res);
            prop_assert_eq!(got, lsap_capacitated(r, c, &scores, &cap));
        }

        #[test]
        fn lsap_min_matches_scipy_port((r, c, cost) in dense_instance()) {
            let cols = lsap_min(r, c, &cost).expect("valid input");
            let mut used = vec![false; c];
            for &j in &cols {
                prop_assert!(!used[j]);
                used[j] = true;
            }
            let total = lsap_cost(c, &cost, &cols);
            prop_assert_eq!(total as f64, lsap_reference(r, c, &cost, false));
        }

        #[test]
        fn solve_matches_scipy_port_when_all_allowed(
            (r, c, cost) in dense_instance(),
            transpose in any::<bool>(),
        ) {
            // Fully allowed, capacity 1: the optimum is a max-weight matching
            // of min(rows, cols) pairs; try both orientations.
            let (n_rows, n_cols, scores): (usize, usize, Vec<i32>) = if transpose {
                let mut t = vec![0i32; r * c];
                for i in 0..r {
                    for j in 0..c {
                        t[j * r + i] = cost[i * c + j] as i32;
                    }
                }
                (c, r, t)
            } else {
                (r, c, cost.iter().map(|&x| x as i32).collect())
            };
            let cap = vec![1; n_cols];
            let res = solve(n_rows, n_cols, &scores, &cap).expect("valid input");
            let (matched, total) = check(n_rows, n_cols, &scores, &cap, &res);
            prop_assert_eq!(matched, r);
            prop_assert_eq!(total as f64, lsap_reference(r, c, &cost, true));
        }
    }

    /// (matched, total, pair scores ascending) of a result.
    fn outcome(n_cols: usize, scores: &[i32], res: &[Option<usize>]) -> (usize, i64, Vec<i32>) {
        let mut pairs: Vec<i32> = res
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.map(|j| scores[i * n_cols + j]))
            .collect();
        pairs.sort_unstable();
        let total = pairs.iter().map(|&x| i64::from(x)).sum();
        (pairs.len(), total, pairs)
    }

    /// Exhaustive optimum of (matched, total, pair scores ascending), lexicographic: the Fair
    /// objective.
    fn brute_force_fair(
        n_rows: usize,
        n_cols: usize,
        scores: &[i32],
        cap: &[u32],
    ) -> (usize, i64, Vec<i32>) {
        fn go(
            i: usize,
            n_cols: usize,
            scores: &[i32],
            left: &mut [u32],
            chosen: &mut Vec<i32>,
            best: &mut Option<(usize, i64, Vec<i32>)>,
            n_rows: usize,
        ) {
            if i == n_rows {
                let mut pairs = chosen.clone();
                pairs.sort_unstable();
                let total = pairs.iter().map(|&x| i64::from(x)).sum();
                let cand = (pairs.len(), total, pairs);
                if best.as_ref().is_none_or(|b| cand > *b) {
                    *best = Some(cand);
                }
                return;
            }
            go(i + 1, n_cols, scores, left, chosen, best, n_rows);
            for j in 0..n_cols {
                let s = scores[i * n_cols + j];
                if s != FORBIDDEN && left[j] > 0 {
                    left[j] -= 1;
                    chosen.push(s);
                    go(i + 1, n_cols, scores, left, chosen, best, n_rows);
                    chosen.pop();
                    left[j] += 1;
                }
            }
        }
        let mut left = cap.to_vec();
        let mut best = None;
        go(
            0,
            n_cols,
            scores,
            &mut left,
            &mut Vec::new(),
            &mut best,
            n_rows,
        );
        best.unwrap_or((0, 0, Vec::new()))
    }

    /// Solves with a given objective and number of starting candidates, checking the hard
    /// constraints.
    fn solve_k(
        r: usize,
        c: usize,
        scores: &[i32],
        cap: &[u32],
        objective: Objective,
        k: usize,
    ) -> Vec<Option<usize>> {
        let src = DenseScores::new(r, c, scores).expect("valid");
        let candidates = pricing::Candidates { row_k: k, col_k: k };
        let res = run_with(&src, cap, objective, candidates).expect("valid input");
        check(r, c, scores, cap, &res);
        res
    }

    /// `n` fields `(weight, rows' codes, columns' codes)` of `2 + next(codes)` codes each and a
    /// weight of `unit` times 1 to 3, most columns (all but one in `rare`) alike at code 0: the
    /// partners who differ from a row are scarce, so optima differ in fairness.
    fn alike_fields(
        next: &mut impl FnMut(u64) -> u64,
        r: usize,
        c: usize,
        n: usize,
        codes: u64,
        unit: i32,
        rare: u64,
    ) -> Vec<(i32, Vec<u64>, Vec<u64>)> {
        (0..n)
            .map(|_| {
                let codes = 2 + next(codes);
                let weight = unit * (1 + next(3) as i32);
                let rows = (0..r).map(|_| next(codes)).collect();
                let cols = (0..c)
                    .map(|_| if next(rare) == 0 { next(codes) } else { 0 })
                    .collect();
                (weight, rows, cols)
            })
            .collect()
    }

    /// Scores as cohorts are: the sum of the weights of the fields whose codes differ, fields
    /// being `(weight, rows' codes, columns' codes)`; `FORBIDDEN` where `forbidden(row, column)`
    /// (asked first, cell by cell in row order).
    fn field_scores(
        r: usize,
        c: usize,
        fields: &[(i32, Vec<u64>, Vec<u64>)],
        mut forbidden: impl FnMut(usize, usize) -> bool,
    ) -> Vec<i32> {
        (0..r * c)
            .map(|cell| {
                let (i, j) = (cell / c, cell % c);
                if forbidden(i, j) {
                    return FORBIDDEN;
                }
                fields
                    .iter()
                    .filter(|(_, a, b)| a[i] != b[j])
                    .map(|(w, _, _)| w)
                    .sum()
            })
            .collect()
    }

    /// A pass after a round that moved few duals prices only the rows and columns whose duals
    /// rose (and rows that took only some of their negative pairs), in the first stage and in
    /// fair stages: the same pairs as passes over everything, with both objectives, on
    /// tie-heavy problems with few candidates (many rounds).
    #[test]
    fn partial_passes_give_the_pairs_of_full_passes() {
        let mut next = test_numbers(0x009a_55e5);
        pricing::PARTIAL_PASSES.set(0);
        for case in 0..60 {
            let (r, c) = (100 + next(200) as usize, 100 + next(200) as usize);
            // Scored as cohorts are: a weight per field whose codes differ, few codes (ties),
            // so that the best partners are scarce and optima differ in fairness.
            let fields = alike_fields(&mut next, r, c, 3, 3, 50, 4);
            let forbid = next(3);
            let scores = field_scores(r, c, &fields, |_, _| next(16) < forbid);
            let cap: Vec<u32> = (0..c).map(|_| 1 + next(2) as u32).collect();
            let k = 1 + next(3) as usize;
            let limit =
                fair::TEST_STAGE_LIMIT.replace(if next(2) == 0 { r as i64 + 2 } else { 1 << 55 });
            // Rows often take only some of their negative pairs when few are taken at a time.
            let add_k = pricing::TEST_ADD_K.replace(if case % 2 == 0 { 2 } else { 32 });
            for objective in [Objective::Fair, Objective::Total] {
                pricing::TEST_PASSES.set(Some(false));
                let partial = solve_k(r, c, &scores, &cap, objective, k);
                pricing::TEST_PASSES.set(Some(true));
                let full = solve_k(r, c, &scores, &cap, objective, k);
                pricing::TEST_PASSES.set(None);
                assert_eq!(partial, full, "case {case}, {objective:?}");
            }
            pricing::TEST_ADD_K.set(add_k);
            fair::TEST_STAGE_LIMIT.set(limit);
        }
        let partial = pricing::PARTIAL_PASSES.get();
        assert!(partial > 150, "only {partial} partial passes");
    }

    /// Fair stages price the first face from the bits the proving pass gathered, with each
    /// pair's score taken from the duals: the same pairs as stages that score every row, on
    /// tie-heavy problems with one stage or many, forbidden pairs and uneven capacities.
    #[test]
    fn fair_stages_price_the_face_from_its_bits_as_from_scored_rows() {
        let mut next = test_numbers(0x0b17_5eed);
        for case in 0..24 {
            let (r, c) = (80 + next(260) as usize, 80 + next(260) as usize);
            let unit = 1 + next(40) as i32;
            let fields = alike_fields(&mut next, r, c, 4, 4, unit, 3);
            let forbid = next(4);
            let scores = field_scores(r, c, &fields, |_, _| next(16) < forbid);
            let cap: Vec<u32> = (0..c).map(|_| 1 + next(2) as u32).collect();
            let limit =
                fair::TEST_STAGE_LIMIT.replace(if case % 2 == 0 { r as i64 + 2 } else { 1 << 55 });
            let from_bits = solve_k(r, c, &scores, &cap, Objective::Fair, 12);
            fair::TEST_TIGHT_BITS.set(false);
            let scored = solve_k(r, c, &scores, &cap, Objective::Fair, 12);
            fair::TEST_TIGHT_BITS.set(true);
            fair::TEST_STAGE_LIMIT.set(limit);
            assert_eq!(from_bits, scored, "case {case}");
        }
    }

    /// Above `SMALL_CELLS`, fair stages start from the face's pairs near the mean only: the same
    /// outcome (matched, total, pair scores from the lowest up) as stages that start from
    /// nothing and find every edge by pricing, on tie-heavy problems whose leximin optimum
    /// moves many pairs off the first stage's, with one stage or many.
    #[test]
    fn fair_stages_from_the_pairs_near_the_mean_are_exact() {
        let mut next = test_numbers(0x005e_ed0f_fa1e);
        let mut fairer = 0;
        for case in 0..10 {
            let (r, c) = (260 + next(60) as usize, 260 + next(60) as usize);
            assert!(r * c > SMALL_CELLS);
            // Five fields of few codes, one weight each: few distinct scores, many ties. Most
            // mentors alike, so partners who differ are scarce and optima differ in fairness.
            let fields = alike_fields(&mut next, r, c, 5, 5, 1, 3);
            let groups = 2 + next(6);
            let (gr, gc): (Vec<u64>, Vec<u64>) = (
                (0..r).map(|_| next(groups)).collect(),
                (0..c).map(|_| next(groups)).collect(),
            );
            let scores = field_scores(r, c, &fields, |i, j| gr[i] == gc[j]);
            let cap: Vec<u32> = (0..c).map(|_| 1 + next(2) as u32).collect();
            let limit =
                fair::TEST_STAGE_LIMIT.replace(if case % 2 == 0 { r as i64 + 2 } else { 1 << 55 });
            let near = solve_k(r, c, &scores, &cap, Objective::Fair, 12);
            pricing::TEST_PASSES.set(Some(true));
            let priced = solve_k(r, c, &scores, &cap, Objective::Fair, 12);
            pricing::TEST_PASSES.set(None);
            // Each stage's first solve started from the slacks, as small problems start it.
            fair::TEST_PRICED_START.set(Some(false));
            let cold = solve_k(r, c, &scores, &cap, Objective::Fair, 12);
            fair::TEST_PRICED_START.set(None);
            fair::TEST_STAGE_LIMIT.set(limit);
            assert_eq!(
                outcome(c, &scores, &cold),
                outcome(c, &scores, &near),
                "case {case}"
            );
            let total = solve_k(r, c, &scores, &cap, Objective::Total, 12);
            let (near, priced, total) = (
                outcome(c, &scores, &near),
                outcome(c, &scores, &priced),
                outcome(c, &scores, &total),
            );
            assert_eq!(near, priced, "case {case}");
            assert_eq!((near.0, near.1), (total.0, total.1), "case {case}");
            assert!(near.2 >= total.2, "case {case}");
            fairer += usize::from(near.2 > total.2);
        }
        // Cases where fairness moves pairs.
        assert!(
            fairer >= 3,
            "only {fairer} cases where fair differs from total"
        );
    }

    #[test]
    fn fair_raises_the_lowest_pair_and_keeps_the_total() {
        // Three mentees, three mentors. Both pairings below total 300:
        //   diagonal      0->0 (200), 1->1 (100), 2->2 (0)    lowest 0
        //   rotation      0->1 (100), 1->2 (100), 2->0 (100)  lowest 100
        let s = [
            200, 100, 0, //
            0, 100, 100, //
            100, 0, 0,
        ];
        let cap = [1, 1, 1];
        let diagonal = [Some(0), Some(1), Some(2)];
        assert_eq!(outcome(3, &s, &diagonal), (3, 300, vec![0, 100, 200]));
        assert_eq!(brute_force(3, 3, &s, &cap), (3, 300));

        let total = solve_dense(3, 3, &s, &cap, Objective::Total).expect("valid");
        let fair = solve_dense(3, 3, &s, &cap, Objective::Fair).expect("valid");
        let (tm, tt, _) = outcome(3, &s, &total);
        let (fm, ft, fpairs) = outcome(3, &s, &fair);
        assert_eq!(
            (fm, ft),
            (tm, tt),
            "fair keeps the number matched and the total"
        );
        assert_eq!(fair, vec![Some(1), Some(2), Some(0)]);
        assert_eq!(fpairs, vec![100, 100, 100]);
        assert_eq!(
            brute_force_fair(3, 3, &s, &cap),
            (3, 300, vec![100, 100, 100])
        );
    }

    #[test]
    fn fair_then_next_lowest() {
        // All pairings of the best total (250) have lowest pair 50; among them the fair one has
        // fewer pairs at 50. Four mentees, four mentors.
        let s = [
            100, 50, 50, 0, //
            50, 100, 0, 50, //
            50, 0, 50, 50, //
            0, 50, 50, 50,
        ];
        let cap = [1; 4];
        let best = brute_force_fair(4, 4, &s, &cap);
        let fair = solve_dense(4, 4, &s, &cap, Objective::Fair).expect("valid");
        assert_eq!(outcome(4, &s, &fair), best);
        let total = solve_dense(4, 4, &s, &cap, Objective::Total).expect("valid");
        assert_eq!(outcome(4, &s, &total).1, best.1);
    }

    #[test]
    fn fair_with_scores_too_large_for_tables() {
        // The cases above and below with scores in the hundreds of millions: levels, stage costs
        // and the face's scores are then found by search, not looked up in tables.
        let big = 1_000_000;
        let cases: [(usize, usize, Vec<i32>, Vec<u32>); 2] = [
            (3, 3, vec![200, 100, 0, 0, 100, 100, 100, 0, 0], vec![1; 3]),
            (
                5,
                3,
                vec![
                    300, 0, 100, 300, 300, F, 100, 200, 200, 200, F, F, F, 100, 0,
                ],
                vec![2, 1, 1],
            ),
        ];
        for (r, c, small, cap) in cases {
            let large: Vec<i32> = small
                .iter()
                .map(|&x| if x == F { F } else { x * big })
                .collect();
            let res = solve_dense(r, c, &large, &cap, Objective::Fair).expect("valid");
            check(r, c, &large, &cap, &res);
            assert_eq!(
                outcome(c, &large, &res),
                brute_force_fair(r, c, &large, &cap)
            );
            let (_, _, pairs) = outcome(c, &small, &res);
            assert_eq!(pairs, brute_force_fair(r, c, &small, &cap).2);
        }
    }

    #[test]
    fn fair_with_capacities_unmatched_and_forbidden() {
        // Mentor 0 takes two; mentee 3 can only have mentor 0; five mentees for three places.
        let s = [
            300, 0, 100, //
            300, 300, F, //
            100, 200, 200, //
            200, F, F, //
            F, 100, 0,
        ];
        let cap = [2, 1, 1];
        let res = solve_dense(5, 3, &s, &cap, Objective::Fair).expect("valid");
        check(5, 3, &s, &cap, &res);
        assert_eq!(outcome(3, &s, &res), brute_force_fair(5, 3, &s, &cap));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]

        #[test]
        fn fair_matches_brute_force(
            (r, c, scores, cap) in small_instance(),
            k in 1usize..4,
        ) {
            let best = brute_force_fair(r, c, &scores, &cap);
            let res = solve_dense(r, c, &scores, &cap, Objective::Fair).expect("valid input");
            check(r, c, &scores, &cap, &res);
            prop_assert_eq!(outcome(c, &scores, &res), best.clone());
            // With the two top levels uncosted, as on large problems (their counts follow from
            // the others'), alone and with most stages one level.
            fair::TEST_TWO_UNCOSTED.set(true);
            let two = solve_dense(r, c, &scores, &cap, Objective::Fair);
            let limit = fair::TEST_STAGE_LIMIT.replace(r as i64 + 2);
            let two_staged = solve_dense(r, c, &scores, &cap, Objective::Fair);
            fair::TEST_STAGE_LIMIT.set(limit);
            fair::TEST_TWO_UNCOSTED.set(false);
            for two in [two, two_staged] {
                let two = two.expect("valid input");
                check(r, c, &scores, &cap, &two);
                prop_assert_eq!(outcome(c, &scores, &two), best.clone());
            }
            // Same again (deterministic), and from tiny candidate sets (pricing at work).
            prop_assert_eq!(
                solve_dense(r, c, &scores, &cap, Objective::Fair).expect("valid input"),
                res.clone()
            );
            let tiny = solve_k(r, c, &scores, &cap, Objective::Fair, k);
            prop_assert_eq!(outcome(c, &scores, &tiny), best.clone());
            // Each stage's first solve started from low column duals, as large problems start
            // it (owed places settled backwards), alone and with most stages one level.
            fair::TEST_PRICED_START.set(Some(true));
            let priced = solve_dense(r, c, &scores, &cap, Objective::Fair);
            let limit = fair::TEST_STAGE_LIMIT.replace(r as i64 + 2);
            let priced_staged = solve_k(r, c, &scores, &cap, Objective::Fair, k);
            fair::TEST_STAGE_LIMIT.set(limit);
            fair::TEST_PRICED_START.set(None);
            for priced in [priced.expect("valid input"), priced_staged] {
                check(r, c, &scores, &cap, &priced);
                prop_assert_eq!(outcome(c, &scores, &priced), best.clone());
            }
            // Most stages one level (a one-level stage always fits: its pairs cost 1, and an
            // unused required place at most pairs + 1): every stage's face and unused-place cost
            // at work.
            let limit = fair::TEST_STAGE_LIMIT.replace(r as i64 + 2);
            let staged = solve_dense(r, c, &scores, &cap, Objective::Fair);
            fair::TEST_STAGE_LIMIT.set(limit);
            let staged = staged.expect("valid input");
            check(r, c, &scores, &cap, &staged);
            prop_assert_eq!(outcome(c, &scores, &staged), best);
        }

        #[test]
        fn total_from_tiny_candidates_matches_brute_force(
            (r, c, scores, cap) in small_instance(),
            k in 1usize..4,
        ) {
            let res = solve_k(r, c, &scores, &cap, Objective::Total, k);
            let got = check(r, c, &scores, &cap, &res);
            prop_assert_eq!(got, brute_force(r, c, &scores, &cap));
        }
    }

    /// Tie-heavy cohort-like instance: scores a multiple of 50 from few values, some pairs
    /// forbidden, capacities 1 to 3; up to 70 x 70 so that candidates cover little of it.
    fn cohort_instance() -> impl Strategy<Value = (usize, usize, Vec<i32>, Vec<u32>)> {
        (1usize..=70, 1usize..=70, 0u32..4, 1i32..12, 1u32..=3).prop_flat_map(
            |(r, c, forbid, levels, max_cap)| {
                let cell = (0i32..levels, 0u32..16).prop_map(move |(s, f)| {
                    if f < forbid * 2 { FORBIDDEN } else { s * 50 }
                });
                (
                    Just(r),
                    Just(c),
                    proptest::collection::vec(cell, r * c),
                    proptest::collection::vec(1u32..=max_cap, c),
                )
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn tie_heavy_cohorts_match_scipy_port(
            (r, c, scores, cap) in cohort_instance(),
            k in prop_oneof![Just(1usize), Just(3), Just(12)],
        ) {
            let res = solve_k(r, c, &scores, &cap, Objective::Total, k);
            let got = check(r, c, &scores, &cap, &res);
            let reference = lsap_capacitated(r, c, &scores, &cap);
            prop_assert_eq!(got, reference);
            // Each round's matching started by push-relabel, as on large graphs, both objectives.
            sparse::TEST_PUSH_RELABEL.set(Some(true));
            let pushed = solve_k(r, c, &scores, &cap, Objective::Total, k);
            let fair = solve_k(r, c, &scores, &cap, Objective::Fair, k);
            sparse::TEST_PUSH_RELABEL.set(None);
            prop_assert_eq!(check(r, c, &scores, &cap, &pushed), reference);
            prop_assert_eq!(check(r, c, &scores, &cap, &fair), reference);
            prop_assert_eq!(
                outcome(c, &scores, &fair),
                outcome(c, &scores, &solve_k(r, c, &scores, &cap, Objective::Fair, k))
            );
        }
    }

    #[test]
    fn pricing_on_every_core_gives_the_pairs_of_one_thread() {
        // Tie-heavy and large enough (over a million cells) to be priced in parts.
        let (r, c) = (1_100, 1_000);
        let mut next = test_numbers(0x2545_f491_4f6c_dd1d);
        let scores: Vec<i32> = (0..r * c)
            .map(|_| match next(20) {
                0 | 1 => FORBIDDEN,
                k => (k % 7) as i32 * 50,
            })
            .collect();
        let cap: Vec<u32> = (0..c).map(|_| 1 + next(2) as u32).collect();
        let src = DenseScores::new(r, c, &scores).expect("valid");
        for objective in [Objective::Total, Objective::Fair] {
            let parts = run_with(&src, &cap, objective, pricing::Candidates::default())
                .expect("valid input");
            pricing::ONE_THREAD.set(true);
            let one = run_with(&src, &cap, objective, pricing::Candidates::default())
                .expect("valid input");
            pricing::ONE_THREAD.set(false);
            check(r, c, &scores, &cap, &parts);
            assert_eq!(parts, one, "{objective:?}");
        }
    }

    /// Random profiles: up to four fields (weights among 0, 37, 50, 100), codes 0..=3 (0
    /// unknown), perhaps a same-group rule and a few forbidden pairs.
    fn profiles_instance() -> impl Strategy<Value = (Profiles, Vec<u32>)> {
        (
            1usize..=30,
            1usize..=30,
            0usize..=4,
            any::<bool>(),
            1u32..=2,
        )
            .prop_flat_map(|(r, c, k, grouped, max_cap)| {
                let codes = move |n: usize| proptest::collection::vec(0u32..4, n);
                (
                    proptest::collection::vec(
                        (
                            prop_oneof![Just(0), Just(37), Just(50), Just(100)],
                            codes(r),
                            codes(c),
                        ),
                        k,
                    ),
                    (codes(r), codes(c)),
                    proptest::collection::vec((0..r, 0..c), 0..4),
                    proptest::collection::vec(1u32..=max_cap, c),
                )
                    .prop_map(move |(fields, groups, pairs, cap)| {
                        let mut p = Profiles::new(r, c).expect("small");
                        for (w, a, b) in &fields {
                            p.field(*w, a, b).expect("valid field");
                        }
                        if grouped {
                            p.forbid_same(&groups.0, &groups.1).expect("valid groups");
                        }
                        for (i, j) in pairs {
                            p.forbid(i, j).expect("in range");
                        }
                        (p, cap)
                    })
            })
    }

    fn dense_of(p: &Profiles) -> Vec<i32> {
        let (r, c) = (p.n_rows(), p.n_cols());
        (0..r * c).map(|k| p.score(k / c, k % c)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(700))]

        #[test]
        fn profiles_solve_like_their_matrix((p, cap) in profiles_instance()) {
            let (r, c) = (p.n_rows(), p.n_cols());
            let dense = dense_of(&p);
            // Rows and columns of the source agree with single scores (in units).
            let mut sealed = p.clone();
            sealed.seal();
            let unit = dense
                .iter()
                .filter(|&&s| s > 0)
                .fold(0, |g, &s| gcd(g, s))
                .max(1);
            let mut row = vec![0; c];
            for i in 0..r {
                Source::row(&sealed, i, &mut row);
                for j in 0..c {
                    let s = dense[i * c + j];
                    let expected = if s == FORBIDDEN { FORBIDDEN } else { s / unit * unit };
                    prop_assert_eq!(s, expected, "gcd of the weights divides every score");
                    let u = if s == FORBIDDEN { FORBIDDEN } else { Source::get(&sealed, i, j) };
                    prop_assert_eq!(row[j], u);
                }
            }
            let mut col = vec![0; r];
            for j in 0..c {
                Source::col(&sealed, j, &mut col);
                for (i, &x) in col.iter().enumerate() {
                    prop_assert_eq!(x, Source::get(&sealed, i, j));
                }
            }
            // Rows' keys held in memory read as the source they were taken from.
            if let Some(keyed) = source::KeyRows::new(&sealed) {
                let (mut a, mut b) = (vec![0; c], vec![0; c]);
                let (mut ka, mut kb) = (vec![0u8; c], vec![0u8; c]);
                for i in 0..r {
                    Source::row(&keyed, i, &mut a);
                    Source::row(&sealed, i, &mut b);
                    prop_assert_eq!(&a, &b, "row {}", i);
                    prop_assert!(Source::row_keys(&keyed, i, &mut ka));
                    prop_assert!(Source::row_keys(&sealed, i, &mut kb));
                    prop_assert_eq!(&ka, &kb, "keys of row {}", i);
                }
                let (mut a, mut b) = (vec![0; r], vec![0; r]);
                for j in 0..c {
                    Source::col(&keyed, j, &mut a);
                    Source::col(&sealed, j, &mut b);
                    prop_assert_eq!(&a, &b, "column {}", j);
                    for i in 0..r {
                        prop_assert_eq!(
                            Source::get(&keyed, i, j),
                            Source::get(&sealed, i, j),
                            "pair {} {}",
                            i,
                            j
                        );
                    }
                }
                prop_assert_eq!(Source::max_score(&keyed), Source::max_score(&sealed));
                prop_assert_eq!(Source::unit(&keyed), Source::unit(&sealed));
            } else {
                prop_assert!(!Source::row_keys(&sealed, 0, &mut vec![0u8; c]) || r * c == 0);
            }
            // Keys, where the scores fit a byte: the score plus one, 0 where forbidden.
            let key = |s: i32| if s == FORBIDDEN { Some(0) } else { u8::try_from(s + 1).ok() };
            let mut keys = vec![0u8; c];
            for i in 0..r {
                if Source::row_keys(&sealed, i, &mut keys) {
                    Source::row(&sealed, i, &mut row);
                    for j in 0..c {
                        prop_assert_eq!(Some(keys[j]), key(row[j]), "row {} column {}", i, j);
                    }
                }
            }
            let mut keys = vec![0u8; r];
            for j in 0..c {
                if Source::col_keys(&sealed, j, &mut keys) {
                    Source::col(&sealed, j, &mut col);
                    for i in 0..r {
                        prop_assert_eq!(Some(keys[i]), key(col[i]), "row {} column {}", i, j);
                    }
                }
            }
            for objective in [Objective::Total, Objective::Fair] {
                let res = solve_profiles(&p, &cap, objective).expect("valid");
                check(r, c, &dense, &cap, &res);
                let from_dense = solve_dense(r, c, &dense, &cap, objective).expect("valid");
                let a = outcome(c, &dense, &res);
                let b = outcome(c, &dense, &from_dense);
                if objective == Objective::Fair {
                    prop_assert_eq!(a, b);
                } else {
                    prop_assert_eq!((a.0, a.1), (b.0, b.1));
                    prop_assert_eq!((a.0, a.1), lsap_capacitated(r, c, &dense, &cap));
                }
            }
        }
    }

    /// A problem large enough to be keyed on every core keeps each core's rows in a block of its
    /// own: every row, the last of each block and the first of the next included, reads as the
    /// source it was taken from, whole and pair by pair.
    #[test]
    fn rows_keyed_in_blocks_read_as_their_source() {
        let (r, c) = (1_031, 1_024);
        let mut next = test_numbers(17);
        let mut codes = |n: usize, m: u64| (0..n).map(|_| next(m) as u32).collect::<Vec<_>>();
        let mut p = Profiles::new(r, c).expect("within bounds");
        for (w, m) in [(100, 4), (50, 7), (37, 10)] {
            p.field(w, &codes(r, m), &codes(c, m)).expect("valid field");
        }
        p.forbid_same(&codes(r, 8), &codes(c, 8))
            .expect("valid groups");
        p.seal();
        let keyed = source::KeyRows::new(&p).expect("scores fit a key");
        let (mut a, mut b) = (vec![0; c], vec![0; c]);
        let (mut ka, mut kb) = (vec![0u8; c], vec![0u8; c]);
        for i in 0..r {
            Source::row(&keyed, i, &mut a);
            Source::row(&p, i, &mut b);
            assert_eq!(a, b, "row {i}");
            assert!(Source::row_keys(&keyed, i, &mut ka) && Source::row_keys(&p, i, &mut kb));
            assert_eq!(ka, kb, "keys of row {i}");
            for j in (0..c).step_by(97) {
                assert_eq!(Source::get(&keyed, i, j), b[j], "pair {i} {j}");
            }
        }
    }

    fn gcd(a: i32, b: i32) -> i32 {
        if b == 0 { a } else { gcd(b, a % b) }
    }

    #[test]
    fn profiles_score_and_refuse_bad_input() {
        let mut p = Profiles::new(2, 3).expect("small");
        p.field(100, &[1, 2], &[1, 0, 3]).expect("valid");
        p.field(50, &[0, 7], &[7, 8, 9]).expect("valid");
        p.forbid_same(&[4, 0], &[5, 4, 4]).expect("valid");
        p.forbid(1, 2).expect("in range");
        // Field 1 equal (1, 1); field 2 unknown for row 0.
        assert_eq!(p.score(0, 0), 0);
        assert_eq!(p.score(0, 1), FORBIDDEN); // same group 4
        assert_eq!(p.score(0, 2), FORBIDDEN); // same group 4
        assert_eq!(p.score(1, 0), 100); // 2 vs 1 differ; 7 vs 7 equal
        assert_eq!(p.score(1, 1), 50); // col unknown in field 1; 7 vs 8
        assert_eq!(p.score(1, 2), FORBIDDEN); // named
        // Row 0 can only have column 0, so row 1 takes column 1.
        assert_eq!(
            solve_profiles(&p, &[1, 1, 1], Objective::Total),
            Ok(vec![Some(0), Some(1)])
        );
        assert!(matches!(
            p.field(-1, &[0, 0], &[0, 0, 0]),
            Err(AssignError::NegativeWeight { weight: -1 })
        ));
        assert!(matches!(
            p.field(1, &[0], &[0, 0, 0]),
            Err(AssignError::Length { .. })
        ));
        assert!(matches!(
            p.forbid(2, 0),
            Err(AssignError::OutOfRange { row: 2, col: 0 })
        ));
        assert!(matches!(
            p.field(i32::MAX, &[1, 1], &[2, 2, 2]),
            Err(AssignError::Overflow)
        ));
    }
}
