//! Optimal mentee-to-mentor assignment with capacities and forbidden pairs: most matches first, then highest total score (exact).
//!
//! # Method
//!
//! The core, [`lsap_min`], is the rectangular shortest-augmenting-path
//! (Jonker–Volgenant) algorithm as described by Crouse (2016), "On
//! implementing 2D rectangular assignment algorithms" — the one behind
//! scipy's `linear_sum_assignment` — on `i64` costs with `i64` duals, so it is
//! exact (see `shortest_augmenting_paths` for its exact speed-ups).
//!
//! [`solve`] reduces the capacitated, partially forbidden problem to it:
//!
//! * a mentor with capacity `c` becomes `c` identical "slot" columns (never
//!   more slots than the mentor has allowed mentees);
//! * the side with fewer places (mentees, or slots) becomes the rows, so a
//!   full assignment gives every row a distinct column;
//! * an allowed cell costs `-score`, a forbidden cell a penalty `P` greater
//!   than the sum over rows of that row's best score (`S`).
//!
//! Why this is lexicographic: a full assignment with `k` forbidden cells
//! costs `k*P - (its allowed scores) <= k*P`, one with `k + 1` forbidden
//! cells costs at least `(k+1)*P - S > k*P`; so the optimum has the fewest
//! forbidden cells. Its allowed cells form a matching of `rows - k` pairs;
//! conversely any matching of `m` pairs extends (rows left over take free
//! columns) to a full assignment with at most `rows - m` forbidden cells, and
//! a maximum matching extends with exactly `rows - m` and no new allowed
//! pair. Hence minimum `k` means maximum matching, and among those the cost
//! is minimal exactly when the score is maximal. The same holds transposed
//! (rows = slots, `S` = sum of each slot's mentor's best score). Rows left on
//! a forbidden cell are reported as unmatched.

// Its test oracles convert small generated costs; the solver itself checks its arithmetic.
#![allow(clippy::cast_possible_truncation, clippy::too_many_lines)]

use std::fmt;

/// Score value marking a forbidden (mentee, mentor) pair.
pub const FORBIDDEN: i32 = i32::MIN;

/// Largest absolute cost (and cost range) the core accepts. With costs in
/// `[-L, L]`, column duals stay in `[-2W, 0]` (`W` = cost range: a matched
/// column's dual is bounded through a free column of its row), row duals in
/// `[-L, L + 2W]`, path lengths within a few `L`: far from `i64` overflow.
const COST_LIMIT: i64 = i64::MAX / 32;

const NONE: usize = usize::MAX;
const INF: i64 = i64::MAX;

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

/// Read access to a (virtual) cost matrix for the core solver.
trait CostMatrix {
    fn n_rows(&self) -> usize;
    fn n_cols(&self) -> usize;
    /// Cost of row `i`, column `j`; within `[-COST_LIMIT, COST_LIMIT]`.
    fn cost(&self, i: usize, j: usize) -> i64;
    /// A lower bound on every cost of row `i` (the tighter, the faster).
    fn row_lower_bound(&self, i: usize) -> i64;
}

/// Dense row-major `i64` costs, shifted by `offset` (the minimum entry).
struct Dense<'a> {
    n_rows: usize,
    n_cols: usize,
    data: &'a [i64],
    offset: i64,
}

impl CostMatrix for Dense<'_> {
    fn n_rows(&self) -> usize {
        self.n_rows
    }
    fn n_cols(&self) -> usize {
        self.n_cols
    }
    #[inline(always)]
    fn cost(&self, i: usize, j: usize) -> i64 {
        self.data[i * self.n_cols + j] - self.offset
    }
    fn row_lower_bound(&self, i: usize) -> i64 {
        let row = &self.data[i * self.n_cols..(i + 1) * self.n_cols];
        row.iter().min().map_or(0, |&c| c - self.offset)
    }
}

/// Costs read straight from an `i32` score matrix `data` (row stride
/// `stride`): `-score`, or `penalty` for [`FORBIDDEN`]. Rows and/or columns
/// of the problem can be mapped (slot -> owner) onto rows / columns of `data`.
struct ScoreView<'a, const MAP_ROWS: bool, const MAP_COLS: bool> {
    n_rows: usize,
    n_cols: usize,
    data: &'a [i32],
    stride: usize,
    row_owner: &'a [usize],
    col_owner: &'a [usize],
    /// Best score of each row of `data`.
    row_best: &'a [i64],
    penalty: i64,
}

impl<const MAP_ROWS: bool, const MAP_COLS: bool> ScoreView<'_, MAP_ROWS, MAP_COLS> {
    #[inline(always)]
    fn data_row(&self, i: usize) -> usize {
        if MAP_ROWS { self.row_owner[i] } else { i }
    }
}

impl<const MAP_ROWS: bool, const MAP_COLS: bool> CostMatrix for ScoreView<'_, MAP_ROWS, MAP_COLS> {
    fn n_rows(&self) -> usize {
        self.n_rows
    }
    fn n_cols(&self) -> usize {
        self.n_cols
    }
    #[inline(always)]
    fn cost(&self, i: usize, j: usize) -> i64 {
        let c = if MAP_COLS { self.col_owner[j] } else { j };
        let s = self.data[self.data_row(i) * self.stride + c];
        if s == FORBIDDEN {
            self.penalty
        } else {
            -i64::from(s)
        }
    }
    fn row_lower_bound(&self, i: usize) -> i64 {
        // The penalty is positive, so -best bounds forbidden cells too.
        -self.row_best[self.data_row(i)]
    }
}

/// Minimum-cost assignment of every row of a rectangular `n_rows x n_cols`
/// matrix (`n_rows <= n_cols`, row-major `cost`) to distinct columns.
///
/// Returns the column of each row. Exact (integer arithmetic); ties are
/// broken deterministically. Costs may be any `i64` as long as
/// `max - min <= i64::MAX / 32` (else [`AssignError::Overflow`]).
pub fn lsap_min(n_rows: usize, n_cols: usize, cost: &[i64]) -> Result<Vec<usize>, AssignError> {
    let expected = n_rows.checked_mul(n_cols);
    if expected != Some(cost.len()) {
        return Err(AssignError::Length {
            what: "cost matrix",
            expected,
            got: cost.len(),
        });
    }
    if n_rows > n_cols {
        return Err(AssignError::TooManyRows { n_rows, n_cols });
    }
    let (Some(&lo), Some(&hi)) = (cost.iter().min(), cost.iter().max()) else {
        return Ok(Vec::new());
    };
    match hi.checked_sub(lo) {
        Some(w) if w <= COST_LIMIT => {}
        _ => return Err(AssignError::Overflow),
    }
    let m = Dense {
        n_rows,
        n_cols,
        data: cost,
        offset: lo,
    };
    shortest_augmenting_paths(&m)
}

/// Crouse's shortest augmenting path algorithm (scipy's
/// `linear_sum_assignment`): rows are added one at a time, each by a
/// Dijkstra search (on reduced costs) for the cheapest augmenting path, then
/// the duals are updated. Exact speed-ups over the textbook version:
///
/// * among unscanned columns at the lowest distance a free one is preferred
///   (as scipy does), and a scan stops as soon as it meets a free column at
///   the lower bound of all remaining distances: that column is an optimal
///   sink, and the distances the scan skipped are never used;
/// * the lower bound for the first scan of a row is a lower bound of its
///   costs (valid because its dual is 0 and column duals are never positive);
///   a bitset of free columns finds such a column, if any, without scanning
///   the assigned ones (this is exactly the column the first scan would
///   stop at, so it acts as a greedy initialisation that changes nothing);
/// * per-row state is reset lazily: only the `shortest` entries touched, and
///   the scan order is restored by undoing the swaps.
fn shortest_augmenting_paths<M: CostMatrix>(m: &M) -> Result<Vec<usize>, AssignError> {
    let nr = m.n_rows();
    let nc = m.n_cols();
    if nr > nc {
        return Err(AssignError::TooManyRows {
            n_rows: nr,
            n_cols: nc,
        });
    }
    let mut u = vec![0i64; nr];
    let mut v = vec![0i64; nc];
    let mut shortest = vec![INF; nc];
    let mut path = vec![NONE; nc];
    let mut col4row = vec![NONE; nr];
    let mut row4col = vec![NONE; nc];
    // Scan order (a permutation of the columns; the first `num_remaining`
    // are unscanned), the same at the start of every row: decreasing index,
    // which gives a constant matrix a simple answer.
    let mut remaining: Vec<usize> = (0..nc).rev().collect();
    let mut swaps: Vec<(usize, usize)> = Vec::new();
    let mut free = FreeSet::full(nc);
    let mut scanned_rows: Vec<usize> = Vec::new();
    let mut scanned_cols: Vec<usize> = Vec::new();

    for cur_row in 0..nr {
        // u[cur_row] == 0 and v <= 0: every first-scan distance is >= bound.
        let row_bound = m.row_lower_bound(cur_row);
        // Fast path: a free column (dual 0) at the bound is the first scan's
        // stopping column (first such in scan order), hence an optimal sink.
        if let Some(j) = free.first_desc(|j| m.cost(cur_row, j) == row_bound) {
            u[cur_row] = row_bound;
            row4col[j] = cur_row;
            col4row[cur_row] = j;
            free.remove(j);
            continue;
        }

        let mut num_remaining = nc;
        // Unscanned columns whose `shortest` was set all sit in
        // `remaining[..touched]`: a scan visits a prefix, the column it
        // picks is swapped out of the unscanned part (into `scanned_cols`),
        // and the column swapped in takes a place inside that prefix.
        let mut touched = 0usize;
        scanned_rows.clear();
        scanned_cols.clear();
        swaps.clear();

        let mut bound = row_bound;
        let mut min_val: i64 = 0;
        let mut i = cur_row;
        let sink = loop {
            scanned_rows.push(i);
            let base = min_val - u[i];
            let mut lowest = INF;
            let mut index = NONE;
            let mut it = 0;
            while it < num_remaining {
                let j = remaining[it];
                let r = base + m.cost(i, j) - v[j];
                if r < shortest[j] {
                    path[j] = i;
                    shortest[j] = r;
                }
                let s = shortest[j];
                if s < lowest || (s == lowest && row4col[j] == NONE) {
                    lowest = s;
                    index = it;
                    if s == bound && row4col[j] == NONE {
                        break;
                    }
                }
                it += 1;
            }
            touched = touched.max(it);
            if index == NONE || lowest == INF {
                return Err(AssignError::Internal("no augmenting path"));
            }
            min_val = lowest;
            bound = lowest;
            let j = remaining[index];
            scanned_cols.push(j);
            num_remaining -= 1;
            remaining.swap(index, num_remaining);
            swaps.push((index, num_remaining));
            if row4col[j] == NONE {
                break j;
            }
            i = row4col[j];
        };

        // Dual update.
        u[cur_row] += min_val;
        for &r in &scanned_rows[1..] {
            u[r] += min_val - shortest[col4row[r]];
        }
        for &c in &scanned_cols {
            v[c] -= min_val - shortest[c];
        }

        // Augment along the path.
        free.remove(sink);
        let mut j = sink;
        loop {
            let r = path[j];
            row4col[j] = r;
            std::mem::swap(&mut col4row[r], &mut j);
            if r == cur_row {
                break;
            }
        }

        // Lazy reset.
        for &c in remaining[..touched.min(num_remaining)]
            .iter()
            .chain(&scanned_cols)
        {
            shortest[c] = INF;
        }
        for &(a, b) in swaps.iter().rev() {
            remaining.swap(a, b);
        }
    }

    #[cfg(debug_assertions)]
    debug_assert!(
        dual_certificate_holds(m, &col4row, &u, &v),
        "assignment is not certified optimal"
    );
    Ok(col4row)
}

/// Set of free columns as a bitset, searched in decreasing index order.
struct FreeSet {
    words: Vec<u64>,
}

impl FreeSet {
    fn full(n: usize) -> Self {
        let mut words = vec![u64::MAX; n.div_ceil(64)];
        let tail = n % 64;
        if tail != 0
            && let Some(last) = words.last_mut()
        {
            *last = (1u64 << tail) - 1;
        }
        FreeSet { words }
    }

    fn remove(&mut self, j: usize) {
        self.words[j / 64] &= !(1u64 << (j % 64));
    }

    /// Largest member satisfying `pred`.
    fn first_desc(&self, mut pred: impl FnMut(usize) -> bool) -> Option<usize> {
        for (w, &word) in self.words.iter().enumerate().rev() {
            let mut bits = word;
            while bits != 0 {
                let b = 63 - bits.leading_zeros() as usize;
                let j = w * 64 + b;
                if pred(j) {
                    return Some(j);
                }
                bits &= !(1u64 << b);
            }
        }
        None
    }
}

/// LP optimality certificate for the rectangular problem (rows exactly once,
/// columns at most once): reduced costs non-negative, zero on the assignment,
/// column duals non-positive and zero on unassigned columns, and the
/// assignment is a proper injection.
#[cfg(debug_assertions)]
fn dual_certificate_holds<M: CostMatrix>(m: &M, col4row: &[usize], u: &[i64], v: &[i64]) -> bool {
    let nc = m.n_cols();
    let mut used = vec![false; nc];
    for &j in col4row {
        if j >= nc || used[j] {
            return false;
        }
        used[j] = true;
    }
    if v.iter()
        .zip(&used)
        .any(|(&vj, &uj)| vj > 0 || (!uj && vj != 0))
    {
        return false;
    }
    for (i, (&ui, &ci)) in u.iter().zip(col4row).enumerate() {
        for (j, &vj) in v.iter().enumerate() {
            let red = m.cost(i, j) - ui - vj;
            if red < 0 || (j == ci && red != 0) {
                return false;
            }
        }
    }
    true
}

/// Optimal mentee -> mentor assignment.
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
    let expected = n_rows.checked_mul(n_cols);
    if expected != Some(scores.len()) {
        return Err(AssignError::Length {
            what: "score matrix",
            expected,
            got: scores.len(),
        });
    }
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
    let mut result = vec![None; n_rows];
    if n_rows == 0 || n_cols == 0 {
        return Ok(result);
    }

    // One pass: validate, best score per mentee / mentor, allowed counts.
    let mut row_max = vec![0i64; n_rows];
    let mut col_max = vec![0i64; n_cols];
    let mut allowed = vec![0usize; n_cols];
    let mut max_score = 0i64;
    for (i, row) in scores.chunks_exact(n_cols).enumerate() {
        for (j, &s) in row.iter().enumerate() {
            if s == FORBIDDEN {
                continue;
            }
            if s < 0 {
                return Err(AssignError::NegativeScore {
                    row: i,
                    col: j,
                    value: s,
                });
            }
            let s = i64::from(s);
            row_max[i] = row_max[i].max(s);
            col_max[j] = col_max[j].max(s);
            allowed[j] += 1;
        }
        max_score = max_score.max(row_max[i]);
    }

    // Slots: a mentor never needs more than its number of allowed mentees.
    let slots: Vec<usize> = capacity
        .iter()
        .zip(&allowed)
        .map(|(&c, &a)| usize::try_from(c).map_or(a, |c| c.min(a)))
        .collect();
    let n_slots: usize = slots.iter().sum();
    if n_slots == 0 {
        return Ok(result);
    }

    if n_rows <= n_slots {
        // Rows = mentees, columns = mentor slots.
        let penalty = penalty(row_max.iter().copied(), max_score)?;
        let col4row = if slots.iter().all(|&k| k == 1) {
            // Every mentor has exactly one slot: identity column map.
            let view = ScoreView::<false, false> {
                n_rows,
                n_cols,
                data: scores,
                stride: n_cols,
                row_owner: &[],
                col_owner: &[],
                row_best: &row_max,
                penalty,
            };
            shortest_augmenting_paths(&view)?
        } else {
            let owner = expand(&slots);
            let view = ScoreView::<false, true> {
                n_rows,
                n_cols: n_slots,
                data: scores,
                stride: n_cols,
                row_owner: &[],
                col_owner: &owner,
                row_best: &row_max,
                penalty,
            };
            shortest_augmenting_paths(&view)?
                .into_iter()
                .map(|s| owner.get(s).copied().unwrap_or(NONE))
                .collect()
        };
        for (i, (res, &j)) in result.iter_mut().zip(&col4row).enumerate() {
            if j >= n_cols {
                return Err(AssignError::Internal("row assigned outside the matrix"));
            }
            if scores[i * n_cols + j] != FORBIDDEN {
                *res = Some(j);
            }
        }
    } else {
        // More mentees than slots: rows = slots, columns = mentees, over a
        // mentor-major copy of the scores (only mentors with slots).
        let mentors: Vec<usize> = (0..n_cols).filter(|&j| slots[j] > 0).collect();
        let mut transposed = vec![0i32; mentors.len() * n_rows];
        for (t, &j) in mentors.iter().enumerate() {
            let dst = &mut transposed[t * n_rows..(t + 1) * n_rows];
            for (k, d) in dst.iter_mut().enumerate() {
                *d = scores[k * n_cols + j];
            }
        }
        let compact_slots: Vec<usize> = mentors.iter().map(|&j| slots[j]).collect();
        let owner = expand(&compact_slots);
        let mentor_best: Vec<i64> = mentors.iter().map(|&j| col_max[j]).collect();
        let penalty = penalty(owner.iter().map(|&t| mentor_best[t]), max_score)?;
        let view = ScoreView::<true, false> {
            n_rows: n_slots,
            n_cols: n_rows,
            data: &transposed,
            stride: n_rows,
            row_owner: &owner,
            col_owner: &[],
            row_best: &mentor_best,
            penalty,
        };
        let col4row = shortest_augmenting_paths(&view)?;
        for (s, &k) in col4row.iter().enumerate() {
            let j = mentors[owner[s]];
            let Some(res) = result.get_mut(k) else {
                return Err(AssignError::Internal("slot assigned outside the matrix"));
            };
            if res.is_some() {
                return Err(AssignError::Internal("mentee assigned twice"));
            }
            if scores[k * n_cols + j] != FORBIDDEN {
                *res = Some(j);
            }
        }
    }

    // Cheap release-mode check of the invariants the caller relies on.
    let mut load = vec![0u64; n_cols];
    for (i, r) in result.iter().enumerate() {
        if let Some(j) = *r {
            if scores[i * n_cols + j] == FORBIDDEN {
                debug_assert!(false, "forbidden pair returned");
                return Err(AssignError::Internal("forbidden pair returned"));
            }
            load[j] += 1;
            if load[j] > u64::from(capacity[j]) {
                debug_assert!(false, "capacity exceeded");
                return Err(AssignError::Internal("capacity exceeded"));
            }
        }
    }
    Ok(result)
}

/// Cost of a forbidden cell: 1 + the sum over the problem's rows of each
/// row's best score (see the module docs for why this is enough).
fn penalty(mut row_best: impl Iterator<Item = i64>, max_score: i64) -> Result<i64, AssignError> {
    row_best
        .try_fold(1i64, |acc, x| acc.checked_add(x))
        .filter(|&p| p <= COST_LIMIT && max_score <= COST_LIMIT)
        .ok_or(AssignError::Overflow)
}

/// `owner[s]` for each slot `s`: item `t` repeated `counts[t]` times.
fn expand(counts: &[usize]) -> Vec<usize> {
    let mut owner = Vec::with_capacity(counts.iter().sum());
    for (t, &c) in counts.iter().enumerate() {
        owner.extend(std::iter::repeat_n(t, c));
    }
    owner
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
            let res = solve(r, c, &scores, &cap).expect("valid input");
            let got = check(r, c, &scores, &cap, &res);
            prop_assert_eq!(got, brute_force(r, c, &scores, &cap));
            prop_assert_eq!(solve(r, c, &scores, &cap).expect("valid input"), res);
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
}
