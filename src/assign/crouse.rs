//! The dense solver for small problems: rectangular shortest augmenting paths after Crouse
//! (2016), the method behind scipy's `linear_sum_assignment`, on `i64` costs with `i64` duals, so
//! exact. [`super::solve`] uses it below `super::SMALL_CELLS`, where it is fast and keeps the
//! pairings earlier versions chose among equally good ones; [`lsap_min`] is its plain form.
//!
//! # Reduction
//!
//! [`solve_small`] reduces the capacitated, partially forbidden problem to the core:
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

use super::{AssignError, COST_LIMIT, FORBIDDEN};

const NONE: usize = usize::MAX;
const INF: i64 = i64::MAX;

/// Read access to a cost matrix.
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

/// The most-matches-then-highest-total assignment of a small dense problem (validated by the
/// caller: lengths, capacities at least 1, scores `FORBIDDEN` or non-negative), by the
/// reduction described in the module docs.
pub(super) fn solve_small(
    n_rows: usize,
    n_cols: usize,
    scores: &[i32],
    capacity: &[u32],
) -> Result<Vec<Option<usize>>, AssignError> {
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
