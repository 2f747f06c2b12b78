//! What locking one pair costs the optimum, for every pair of one person at once (sensitivity
//! analysis), from one optimum and its duals instead of one solve per pair.
//!
//! # Method
//!
//! Take an optimum of the most-matches-then-highest-total problem as `pricing` solves it (every
//! row in a column, the unmatched column `U` last, costs `max_score - score` and `Q` for `U`)
//! with its duals `u`, `v`: every reduced cost `c̄(r, j) = cost(r, j) - u[r] - v[j]` is
//! non-negative, zero on the pairs assigned, `v[j] <= 0`, and `v[j] = 0` for every column with a
//! free place.
//!
//! As a flow (rows to columns to a sink `T`, a column's arc to `T` holding its capacity), locking
//! row `e` to column `m` moves `e` from its column `c` to `m`; the cheapest way to restore the
//! balance is a shortest path from `m` to `c` in the residual network, on reduced costs (all
//! non-negative at an optimum): from a column, one of its rows moves to another column (`c̄` of
//! the move); a column with a free place passes to `T` (0); from `T`, any column that holds a row
//! gives one up (`-v[j]`). The lock costs `c̄(e, m)` plus that path (potentials telescope around
//! the cycle it closes), and the cheapest path gives the optimum with the lock. So every lock of
//! one person is one Dijkstra search over the columns and `T`:
//!
//! * the person is a row `e`: backwards from `c`, to every column `m` (row `e` never moves);
//! * the person is a column `m`: forwards from `m`, to every column `c`.
//!
//! A move into `U` unmatches a row, a move out of `U` matches one; labels count them with the
//! length, so the extra cost splits exactly into matches and score (see `pricing`, `Q`: the
//! cost of a match exceeds any difference in total score, so equally short paths lose the same
//! matches). Tests compare every lock with a solve of the locked problem.

use super::pricing::{self, Candidates, Optimum};
use super::source::Source;
use super::{AssignError, FORBIDDEN};

/// The person whose locks are priced: a row (mentee) or a column (mentor) of the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Person {
    Row(usize),
    Col(usize),
}

/// What the optimum loses when one pair is locked, against the optimum without the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockCost {
    /// Rows matched: 0 or 1.
    pub matches_lost: u32,
    /// Total score, in hundredths (negative when a match lost frees score for others).
    pub score_lost: i64,
}

const INF: i64 = i64::MAX;

/// For each partner of `who` (the columns of a row, the rows of a column), what locking the pair
/// costs the optimum; `None` for a forbidden pair. The pair the optimum found costs nothing (but
/// another pair may cost nothing too: optima tie). Solves the problem; see [`from_optimum`].
pub(super) fn lock_costs<S: Source>(
    src: &S,
    capacity: &[u32],
    who: Person,
) -> Result<Vec<Option<LockCost>>, AssignError> {
    let (nr, nc) = (src.n_rows(), src.n_cols());
    check(who, nr, nc)?;
    if nr == 0 || nc == 0 {
        // Nobody on the other side.
        return Ok(Vec::new());
    }
    let optimum = pricing::solve(src, capacity, Candidates::default(), false)?;
    from_optimum(src, &optimum, who)
}

/// Errors if `who` is outside the problem.
pub(super) fn check(who: Person, nr: usize, nc: usize) -> Result<(), AssignError> {
    match who {
        Person::Row(e) if e >= nr => Err(AssignError::OutOfRange { row: e, col: 0 }),
        Person::Col(m) if m >= nc => Err(AssignError::OutOfRange { row: 0, col: m }),
        _ => Ok(()),
    }
}

/// [`lock_costs`] from an optimum `pricing` found (and its duals).
pub(super) fn from_optimum<S: Source>(
    src: &S,
    optimum: &Optimum,
    who: Person,
) -> Result<Vec<Option<LockCost>>, AssignError> {
    let (nr, nc) = (src.n_rows(), src.n_cols());
    check(who, nr, nc)?;
    let net = Net {
        src,
        col4row: &optimum.col4row,
        u: &optimum.sol.u,
        v: &optimum.sol.v,
        max_score: i64::from(src.max_score()),
        q: optimum.q,
        load: {
            let mut load = vec![0u32; nc + 1];
            for &j in &optimum.col4row {
                load[j as usize] += 1;
            }
            load
        },
        cap: &optimum.cap,
    };
    let per_match = optimum.q - net.max_score;
    let unit = i64::from(src.unit());
    // Extra cost (and matches lost) into lost matches and hundredths of score.
    let split = |(extra, matches): (i64, i64)| -> Result<LockCost, AssignError> {
        let score = extra
            .checked_sub(
                matches
                    .checked_mul(per_match)
                    .ok_or(AssignError::Overflow)?,
            )
            .and_then(|s| s.checked_mul(unit))
            .ok_or(AssignError::Overflow)?;
        let matches_lost = u32::try_from(matches)
            .map_err(|_| AssignError::Internal("a lock gained a match over the optimum"))?;
        Ok(LockCost {
            matches_lost,
            score_lost: score,
        })
    };
    let zero = LockCost {
        matches_lost: 0,
        score_lost: 0,
    };
    match who {
        Person::Row(e) => {
            let h = net.paths_to(e);
            let mut row = vec![0i32; nc];
            src.row(e, &mut row);
            let c = net.col4row[e] as usize;
            (0..nc)
                .map(|m| match row[m] {
                    FORBIDDEN => Ok(None),
                    _ if m == c => Ok(Some(zero)),
                    s => net.lock(e, m, s, h[m]).and_then(split).map(Some),
                })
                .collect()
        }
        Person::Col(m) => {
            let d = net.paths_from(m);
            let mut col = vec![0i32; nr];
            src.col(m, &mut col);
            (0..nr)
                .map(|e| {
                    let c = net.col4row[e] as usize;
                    match col[e] {
                        FORBIDDEN => Ok(None),
                        _ if c == m => Ok(Some(zero)),
                        s => net.lock(e, m, s, d[c]).and_then(split).map(Some),
                    }
                })
                .collect()
        }
    }
}

/// A path's length and the matches its moves lose (negative: gain).
type Label = (i64, i64);

const UNREACHED: Label = (INF, 0);

/// The residual network of an optimum: rows move between columns at their reduced costs.
struct Net<'a, S> {
    src: &'a S,
    col4row: &'a [u32],
    u: &'a [i64],
    v: &'a [i64],
    max_score: i64,
    q: i64,
    load: Vec<u32>,
    /// Capacity per column, `U` last.
    cap: &'a [u32],
}

impl<S: Source> Net<'_, S> {
    /// Reduced cost of row `r` in column `j` whose score is `s` (`j == n_cols` is `U`).
    fn reduced(&self, r: usize, j: usize, s: i32) -> i64 {
        let cost = if j == self.src.n_cols() {
            self.q
        } else {
            self.max_score - i64::from(s)
        };
        cost - self.u[r] - self.v[j]
    }

    /// The extra cost and matches lost of locking row `e` to column `m` (score `s`), given the
    /// shortest path from `m` to `e`'s column.
    fn lock(&self, e: usize, m: usize, s: i32, path: Label) -> Result<Label, AssignError> {
        if path.0 == INF {
            return Err(AssignError::Internal("no path for a lock"));
        }
        let c = self.col4row[e] as usize;
        let extra = self
            .reduced(e, m, s)
            .checked_add(path.0)
            .ok_or(AssignError::Overflow)?;
        Ok((extra, path.1 - i64::from(c == self.src.n_cols())))
    }

    /// Matches lost by moving a row from column `a` to column `b`.
    fn lost(&self, a: usize, b: usize) -> i64 {
        let u = self.src.n_cols();
        i64::from(b == u) - i64::from(a == u)
    }

    fn has_place(&self, j: usize) -> bool {
        self.load[j] < self.cap[j]
    }

    /// The shortest path from every column (and `U`) to the column of row `e`, `e` staying where
    /// it is: Dijkstra backwards from that column. Indexed by column, `U` at `n_cols`.
    fn paths_to(&self, e: usize) -> Vec<Label> {
        let (nr, nc) = (self.src.n_rows(), self.src.n_cols());
        let t = nc + 1;
        let mut col = vec![0i32; nr];
        dijkstra(nc + 2, self.col4row[e] as usize, |b, hb, done, h| {
            if b == t {
                // Into `T` from any column with a free place, at no cost.
                for f in (0..=nc).filter(|&f| self.has_place(f)) {
                    h[f] = h[f].min(hb);
                }
                return;
            }
            if self.load[b] > 0 {
                // `T` takes a row from `b`.
                h[t] = h[t].min((hb.0.saturating_add(-self.v[b]), hb.1));
            }
            if b < nc {
                self.src.col(b, &mut col);
            }
            for r in (0..nr).filter(|&r| r != e) {
                let a = self.col4row[r] as usize;
                let s = if b < nc { col[r] } else { 0 };
                if a == b || done[a] || s == FORBIDDEN {
                    continue;
                }
                let through = (
                    self.reduced(r, b, s).saturating_add(hb.0),
                    hb.1 + self.lost(a, b),
                );
                h[a] = h[a].min(through);
            }
        })
    }

    /// The shortest path from column `m` to every column (and `U`): Dijkstra forwards. Indexed
    /// by column, `U` at `n_cols`.
    fn paths_from(&self, m: usize) -> Vec<Label> {
        let nc = self.src.n_cols();
        let t = nc + 1;
        let mut held: Vec<Vec<u32>> = vec![Vec::new(); nc + 1];
        for (r, &j) in self.col4row.iter().enumerate() {
            held[j as usize].push(r as u32);
        }
        let mut row = vec![0i32; nc];
        dijkstra(nc + 2, m, |a, da, done, d| {
            if a == t {
                // `T` takes a row from any column that holds one.
                for y in (0..=nc).filter(|&y| self.load[y] > 0) {
                    d[y] = d[y].min((da.0.saturating_add(-self.v[y]), da.1));
                }
                return;
            }
            if self.has_place(a) {
                d[t] = d[t].min(da);
            }
            for &r in &held[a] {
                let r = r as usize;
                self.src.row(r, &mut row);
                let moves = row.iter().enumerate().map(|(b, &s)| (b, s));
                for (b, s) in moves.chain(std::iter::once((nc, 0))) {
                    if b != a && !done[b] && s != FORBIDDEN {
                        let through = (
                            da.0.saturating_add(self.reduced(r, b, s)),
                            da.1 + self.lost(a, b),
                        );
                        d[b] = d[b].min(through);
                    }
                }
            }
        })
    }
}

/// Dijkstra over `n` nodes (the columns, `U`, then `T`) from `start`, shared by the searches
/// forwards and backwards: `expand(x, label, done, labels)` lowers the labels of the nodes `x`
/// leads to (in the search's direction) once `x` is settled with `label`.
fn dijkstra(
    n: usize,
    start: usize,
    mut expand: impl FnMut(usize, Label, &[bool], &mut [Label]),
) -> Vec<Label> {
    let mut labels = vec![UNREACHED; n];
    labels[start] = (0, 0);
    let mut done = vec![false; n];
    while let Some(x) = next(&labels, &done) {
        done[x] = true;
        expand(x, labels[x], &done, &mut labels);
    }
    labels
}

/// The unsettled node with the smallest label, if any is reached.
fn next(labels: &[Label], done: &[bool]) -> Option<usize> {
    labels
        .iter()
        .zip(done)
        .enumerate()
        .filter(|&(_, (l, &d))| !d && l.0 < INF)
        .min_by_key(|&(_, (l, _))| *l)
        .map(|(j, _)| j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assign::source::DenseScores;
    use crate::assign::{FORBIDDEN, solve, test_numbers};

    /// (matched, total) of the optimum of `scores` with row `e` locked to column `m`, by solving
    /// the locked problem.
    fn locked_optimum(
        nr: usize,
        nc: usize,
        scores: &[i32],
        cap: &[u32],
        e: usize,
        m: usize,
    ) -> (usize, i64) {
        let mut rest = Vec::new();
        let mut cap2 = cap.to_vec();
        cap2[m] -= 1;
        let keep: Vec<usize> = (0..nc).filter(|&j| cap2[j] > 0).collect();
        for i in (0..nr).filter(|&i| i != e) {
            rest.extend(keep.iter().map(|&j| scores[i * nc + j]));
        }
        let caps: Vec<u32> = keep.iter().map(|&j| cap2[j]).collect();
        let got = solve(nr - 1, keep.len(), &rest, &caps).expect("valid");
        let mut out = (1, i64::from(scores[e * nc + m]));
        for (i, j) in got.iter().enumerate() {
            if let Some(j) = j {
                out.0 += 1;
                out.1 += i64::from(rest[i * keep.len() + j]);
            }
        }
        out
    }

    fn optimum(nr: usize, nc: usize, scores: &[i32], cap: &[u32]) -> (usize, i64) {
        let got = solve(nr, nc, scores, cap).expect("valid");
        got.iter()
            .enumerate()
            .filter_map(|(i, j)| j.map(|j| i64::from(scores[i * nc + j])))
            .fold((0, 0), |(n, t), s| (n + 1, t + s))
    }

    #[test]
    fn every_lock_costs_what_solving_with_it_costs() {
        let mut next = test_numbers(0x5eed_10c5);
        // Members of the class that tell most: locks that lose a match, and locks that free score.
        let (mut losing, mut freeing) = (0, 0);
        for case in 0..400 {
            let nr = 1 + next(7) as usize;
            let nc = 1 + next(7) as usize;
            let levels = 1 + next(5);
            let forbid = next(4);
            let scores: Vec<i32> = (0..nr * nc)
                .map(|_| {
                    if next(10) < forbid {
                        FORBIDDEN
                    } else {
                        (next(levels) * 25) as i32
                    }
                })
                .collect();
            let cap: Vec<u32> = (0..nc).map(|_| 1 + next(2) as u32).collect();
            let src = DenseScores::new(nr, nc, &scores).expect("valid");
            let base = optimum(nr, nc, &scores, &cap);
            let check = |e: usize, m: usize, got: Option<LockCost>| {
                let s = scores[e * nc + m];
                let Some(got) = got else {
                    assert_eq!(s, FORBIDDEN, "case {case}: ({e}, {m}) priced as forbidden");
                    return (0, 0);
                };
                let locked = locked_optimum(nr, nc, &scores, &cap, e, m);
                let want = LockCost {
                    matches_lost: u32::try_from(base.0 - locked.0).expect("fewer"),
                    // Scores of a dense matrix are hundredths already.
                    score_lost: base.1 - locked.1,
                };
                assert_eq!(
                    got, want,
                    "case {case}: lock ({e}, {m}) of {scores:?} cap {cap:?}"
                );
                (
                    usize::from(want.matches_lost > 0),
                    usize::from(want.score_lost < 0),
                )
            };
            for e in 0..nr {
                let costs = lock_costs(&src, &cap, Person::Row(e)).expect("priced");
                for (m, got) in costs.into_iter().enumerate() {
                    let (l, f) = check(e, m, got);
                    (losing, freeing) = (losing + l, freeing + f);
                }
            }
            for m in 0..nc {
                let costs = lock_costs(&src, &cap, Person::Col(m)).expect("priced");
                for (e, got) in costs.into_iter().enumerate() {
                    let (l, f) = check(e, m, got);
                    (losing, freeing) = (losing + l, freeing + f);
                }
            }
        }
        assert!(
            losing > 40 && freeing > 5,
            "too few telling locks: {losing} lose a match, {freeing} free score"
        );
    }
}
