//! Fair among optimal: of the assignments with the most matches and the highest total, the one
//! whose pair scores, sorted from the lowest up, are lexicographically greatest (leximin).
//!
//! # Method
//!
//! The number of pairs is the same in every optimum, so leximin means: as few pairs as possible at
//! the lowest score level, then as few as possible at the next level, and so on (the top level
//! takes the rest). The total is the same too, so the counts at the two top levels follow from
//! the others: on large problems only the levels below them are costed (small ones keep costing
//! all but the top, which keeps the pairings earlier versions proposed among equally fair ones).
//!
//! By LP complementary slackness, the optima of an assignment problem are exactly the feasible
//! assignments that use only edges tight for its optimal duals (and leave places unused only in
//! columns whose dual equals the cost of an unused place). That set is the *face* of the stage.
//! Each stage solves a new assignment problem restricted to the face of all earlier stages, with
//! costs that count pairs per level: a chunk of levels `a..b` costs `B^(b-1-level)` per pair (`B` =
//! number of pairs + 1, so one pair at a lower level outweighs all pairs at higher levels of the
//! chunk), and `0` elsewhere. A column that the face requires full gets a prohibitive cost `R` per
//! unused place (unused places cost `0` elsewhere): one more than the current assignment, which
//! lies in the face, costs at that stage, so no optimum of the stage pays it. As many levels go
//! into one chunk as keep both within `i64` (with room for the solver's sums). Each stage is
//! solved, as the first, on candidate edges and proved on every pair of the face
//! (`super::pricing`), so every stage, and the result, is exact.
//!
//! The first face is held as a bit per pair, never as a list: in tie-heavy cohorts it is a large
//! share of all pairs. The first stage's last pass (the one that proves it) gathers those bits and
//! sums up its tight pairs: their distinct scores (the levels) and, for each column and each row,
//! a few of its pairs nearest the mean pair score on either side (see `FaceSummary`). Each stage's
//! pricing pass reads a row's pairs of the first face from its bits, a pair's score following from
//! the first stage's duals (it is tight), rows in parts, one per core; where the proving pass
//! gathered some row pair by pair (duals too wide for its vectorised test), it scores each row
//! and finds the face's pairs with the first stage's test. Each stage starts from those pairs and the current
//! assignment. The mean is the same in every assignment of the face (the same number of pairs and
//! the same total), and the leximin optimum evens scores out around it: in tie-heavy cohorts most
//! of its pairs are at the two levels beside the mean, while the first stage's candidates were
//! chosen for the highest scores. Starting from those, half the rows of a form-shaped 2,000 x 2,000
//! cohort found a negative pair when the first round's duals were priced, and the stage was solved
//! twice over; from the pairs near the mean, under a tenth do, on a graph half the size. Small
//! problems (at most `SMALL_CELLS` pairs) also carry the first stage's candidates, most of their
//! pairs, which keeps the pairings earlier versions proposed there. A stage's pass after a round
//! that moved few duals prices only the rows and columns whose duals rose (see [`Changed`]): no
//! other pair's price can have fallen, and it adds the same edges, in the same order, as a pass
//! over every pair would.

use super::pricing::{
    Changed, Edge, Optimum, TightBits, for_tight, in_parts, keep_most_negative, narrow_duals,
    net_into, rotation, set_bits,
};
use super::source::Source;
use super::sparse::{self, Graph, Solution};
use super::{AssignError, FORBIDDEN};

/// Largest cost magnitude a stage uses, well inside the solvers' limits.
const STAGE_LIMIT: i64 = 1 << 55;

/// The dual a stage's first solve gives, at the start, to each column whose unused places cost
/// `R` (one the face requires full), when the problem is large: three pairs of the stage's
/// cheapest costed level. Started at `R` itself, as a cold start does (a column's dual is its
/// slack), those columns are worth more than any pair to every row, and the rounds that undo
/// that moved the duals up by amounts near `R` one or two rows at a time; started low, most rows
/// are placed at once, and the places still unused at the end are settled backwards (see
/// `sparse::solve_warm`). Either way the solve is exact; the start changes only which of equally
/// fair optima is proposed. Measured among 0, 1, 2, 3, 5, 10, 100 and 1,000 on seven synthetic
/// cohorts of 2,000 to 5,000 a side, form- and pilot-shaped: 1 to 3 did best (the stages took
/// 10-60% less time on six; 15% more on a form-shaped 3,000 where the backward rounds are long).
const START_PRICE: i64 = 3;

#[cfg(test)]
thread_local! {
    /// Tests lower it to split the levels into many stages.
    pub(super) static TEST_STAGE_LIMIT: std::cell::Cell<i64> =
        const { std::cell::Cell::new(STAGE_LIMIT) };
}

#[cfg(test)]
thread_local! {
    /// Tests clear it to price the stages' first face by scoring rows, not from its bits.
    pub(super) static TEST_TIGHT_BITS: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

#[cfg(test)]
thread_local! {
    /// Tests set it to leave two levels uncosted whatever the size, as large problems do.
    pub(super) static TEST_TWO_UNCOSTED: std::cell::Cell<bool> =
        const { std::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// Tests set it to start every stage's first solve from `START_PRICE` (`Some(true)`) or from
    /// the slacks (`Some(false)`), whatever the size.
    pub(super) static TEST_PRICED_START: std::cell::Cell<Option<bool>> =
        const { std::cell::Cell::new(None) };
}

fn stage_limit() -> i64 {
    #[cfg(test)]
    return TEST_STAGE_LIMIT.get();
    #[cfg(not(test))]
    STAGE_LIMIT
}

/// The first stage's column duals for the vectorised test of its face (see
/// `pricing::for_tight`), and its face's pairs as bits where the proving pass gathered them.
struct First {
    v32: Option<Vec<i32>>,
    max_score: i64,
    tight: Option<TightBits>,
}

/// How one solved stage priced pairs, and its optimal duals.
struct Stage {
    /// Pair cost from the score (in units).
    cost: Cost,
    /// Cost of the unmatched column, per row, or `None` where it was not allowed.
    dummy: Vec<Option<i64>>,
    /// Cost of an unused place, per column (the unmatched column last).
    slack: Vec<i64>,
    sol: Solution,
}

#[derive(Clone)]
enum Cost {
    /// `max_score - score`.
    Total { max_score: i64 },
    /// `B^(hi - 1 - level)` for levels `lo..hi`, else 0.
    Levels { lo: usize, hi: usize, base: i64 },
}

/// Score levels: the distinct pair scores, ascending.
struct Levels {
    values: Vec<i32>,
    /// `index` of every score from 0 up, when scores are small.
    table: Vec<u32>,
}

impl Levels {
    /// Levels of the distinct scores `values` (ascending), scores being at most `max_score`.
    fn new(values: Vec<i32>, max_score: i32) -> Levels {
        let table = usize::try_from(max_score)
            .ok()
            .filter(|&m| m < 1 << 16)
            .map_or_else(Vec::new, |m| {
                // m < 2^16: fits.
                (0..=m as i32)
                    .map(|s| values.partition_point(|&x| x < s) as u32)
                    .collect()
            });
        Levels { values, table }
    }

    #[inline]
    fn index(&self, score: i32) -> usize {
        match usize::try_from(score).ok().and_then(|s| self.table.get(s)) {
            Some(&l) => l as usize,
            None => self.values.partition_point(|&x| x < score),
        }
    }
}

/// A stage's cost of a pair by its score: looked up in a table by score when scores are small
/// (as `Levels` does), else by level.
struct PairCost<'a> {
    by_level: Vec<i64>,
    by_score: Vec<i64>,
    levels: &'a Levels,
}

impl PairCost<'_> {
    fn new<'a>(cost: &Cost, levels: &'a Levels) -> PairCost<'a> {
        let by_level: Vec<i64> = levels.values.iter().map(|&x| cost.of(x, levels)).collect();
        let by_score = levels
            .table
            .iter()
            .map(|&l| by_level.get(l as usize).copied().unwrap_or(0))
            .collect();
        PairCost {
            by_level,
            by_score,
            levels,
        }
    }

    #[inline]
    fn of(&self, score: i32) -> i64 {
        match usize::try_from(score)
            .ok()
            .and_then(|s| self.by_score.get(s))
        {
            Some(&c) => c,
            None => self.of_large(score),
        }
    }

    #[cold]
    #[inline(never)]
    fn of_large(&self, score: i32) -> i64 {
        let level = self.levels.index(score);
        self.by_level.get(level).copied().unwrap_or(0)
    }
}

impl Cost {
    fn of(&self, score: i32, levels: &Levels) -> i64 {
        match *self {
            Cost::Total { max_score } => max_score - i64::from(score),
            Cost::Levels { lo, hi, base } => {
                let l = levels.index(score);
                if l < lo || l >= hi {
                    0
                } else {
                    // base^(hi - 1 - l) <= STAGE_LIMIT by the choice of hi.
                    let mut w = 1i64;
                    for _ in l + 1..hi {
                        w *= base;
                    }
                    w
                }
            }
        }
    }
}

/// The leximin refinement of a Total optimum. Returns the column of each row (`n_cols` for
/// unmatched).
pub(super) fn refine<S: Source>(src: &S, optimum: Optimum) -> Result<Vec<u32>, AssignError> {
    let nr = src.n_rows();
    let nc = src.n_cols();
    let Optimum {
        col4row,
        sol,
        graph,
        cap,
        q,
        face,
    } = optimum;
    let max_score = i64::from(src.max_score());
    let (scores, near, tight) = face.map_or_else(Default::default, |f| (f.scores, f.near, f.tight));
    // Tests that start the stages from nothing also test the face by scoring rows.
    #[cfg(test)]
    let tight =
        tight.filter(|_| TEST_TIGHT_BITS.get() && super::pricing::TEST_PASSES.get().is_none());
    let levels = Levels::new(scores, src.max_score());
    let first = First {
        v32: narrow_duals(&sol.v[..nc], max_score),
        max_score,
        tight,
    };
    let mut stages = vec![Stage {
        cost: Cost::Total { max_score },
        dummy: vec![Some(q); nr],
        slack: vec![0; nc + 1],
        sol,
    }];
    let mut col4row = col4row;
    // Every assignment of the face has the same number of pairs and the same total: once the
    // counts at all levels but two are fixed, the counts at those two follow (two equations in
    // two unknowns). So the two top levels are left uncosted, and with two levels or fewer every
    // assignment of the face is as fair as any other. Small problems leave only the top level
    // uncosted, as earlier versions did: the same optima, but the pairings they proposed among
    // equally fair ones stay as they were.
    let small = nr.saturating_mul(nc) <= super::SMALL_CELLS;
    #[cfg(test)]
    let two = !small || TEST_TWO_UNCOSTED.get();
    #[cfg(not(test))]
    let two = !small;
    let uncosted = if two { 2 } else { 1 };
    if levels.values.len() <= uncosted {
        return Ok(col4row);
    }

    // Candidate edges with their scores: the face's pairs near the mean (kept while they stay
    // in the face). The stages even scores out around the mean (the same in every assignment
    // of the face), so the first stage's candidates, chosen for high scores, mostly lengthen
    // their solves; only small problems carry them, where they are most pairs and cost nothing,
    // and keep the pairings earlier versions proposed.
    let mut edges: Vec<Vec<Edge>> = if small {
        (0..nr)
            .map(|i| {
                graph
                    .edges(i)
                    .filter(|&e| (graph.col[e] as usize) < nc)
                    // The cost is `max_score - score` for a score that was an `i32`.
                    .map(|e| (graph.col[e], (max_score - graph.cost[e]) as i32))
                    .collect()
            })
            .collect()
    } else {
        vec![Vec::new(); nr]
    };
    drop(graph);
    #[cfg(test)]
    let near = if super::pricing::TEST_PASSES.get().is_some() {
        Vec::new()
    } else {
        near
    };
    for (i, j, s) in near {
        edges[i as usize].push((j, s));
    }

    let pairs = col4row.iter().filter(|&&j| (j as usize) < nc).count() as i64;
    let base = pairs + 1;
    // The uncosted levels take whatever pairs are left.
    let last = levels.values.len() - uncosted;
    let mut lo = 0;
    while lo < last {
        // Pairs per level of the current assignment, which lies in the face.
        let mut count = vec![0i64; levels.values.len()];
        for (i, &j) in col4row.iter().enumerate() {
            if (j as usize) < nc {
                count[levels.index(src.get(i, j as usize))] += 1;
            }
        }
        // As many levels as keep the stage's costs within STAGE_LIMIT (one level always does:
        // its pairs cost 1, and R is at most pairs + 1).
        let mut hi = lo + 1;
        let mut r = penalty(&count, lo, hi, base).ok_or(AssignError::Overflow)?;
        while hi < last {
            match penalty(&count, lo, hi + 1, base) {
                Some(wider) => {
                    hi += 1;
                    r = wider;
                }
                None => break,
            }
        }
        let cost = Cost::Levels { lo, hi, base };
        let dummy: Vec<Option<i64>> = (0..nr)
            .map(|i| {
                stages
                    .iter()
                    .all(|s| s.dummy[i].is_some_and(|d| d - s.sol.u[i] - s.sol.v[nc] == 0))
                    .then_some(0)
            })
            .collect();
        let slack: Vec<i64> = (0..=nc)
            .map(|j| {
                if stages.iter().all(|s| s.sol.v[j] == s.slack[j]) {
                    0
                } else {
                    r
                }
            })
            .collect();
        let sol = solve_stage(
            src, &first, &stages, &levels, &cost, &dummy, &slack, &cap, &col4row, &mut edges,
        )?;
        col4row.clone_from(&sol.col4row);
        stages.push(Stage {
            cost,
            dummy,
            slack,
            sol,
        });
        lo = hi;
    }
    Ok(col4row)
}

/// The cost `R` of an unused place in a column the face requires full, for a stage of levels
/// `lo..hi`: one more than the current assignment costs at that stage (it lies in the face, so no
/// optimum of the stage pays `R`). `None` if `R` or the highest pair cost, `base^(hi - 1 - lo)`,
/// is above `STAGE_LIMIT`.
fn penalty(count: &[i64], lo: usize, hi: usize, base: i64) -> Option<i64> {
    let mut r = 1i64;
    let mut w = 1i64;
    for l in (lo..hi).rev() {
        r = r.checked_add(count[l].checked_mul(w)?)?;
        if l > lo {
            w = w.checked_mul(base)?;
        }
    }
    (w <= stage_limit() && r <= stage_limit()).then_some(r)
}

/// Calls `f`, out of line: keeps a rare branch from weighing on the loop around it.
#[cold]
#[inline(never)]
fn cold_call(f: impl FnOnce()) {
    f();
}

/// One stage: candidate edges (filtered to the face, plus the current assignment), solved and
/// priced until no pair of the face has a negative reduced cost.
#[allow(clippy::too_many_arguments)]
fn solve_stage<S: Source>(
    src: &S,
    first: &First,
    stages: &[Stage],
    levels: &Levels,
    cost: &Cost,
    dummy: &[Option<i64>],
    slack: &[i64],
    cap: &[u32],
    current: &[u32],
    edges: &mut [Vec<Edge>],
) -> Result<Solution, AssignError> {
    let nr = src.n_rows();
    let nc = src.n_cols();
    let small = nr.saturating_mul(nc) <= super::SMALL_CELLS;
    #[cfg(test)]
    let small = TEST_PRICED_START.get().map_or(small, |priced| !priced);
    let mut seen = vec![u32::MAX; nc];
    for (i, list) in edges.iter_mut().enumerate() {
        let j = current[i];
        if (j as usize) < nc {
            list.push((j, src.get(i, j as usize)));
        }
    }
    let (u1, v1) = (&stages[0].sol.u, &stages[0].sol.v[..nc]);
    // Each stage's pair cost (stages after the first; this one).
    let later: Vec<PairCost> = stages[1..]
        .iter()
        .map(|s| PairCost::new(&s.cost, levels))
        .collect();
    let here = PairCost::new(cost, levels);
    // The last round's solution and the rows that have gained edges since: the next round
    // starts from it (`sparse::solve_warm`).
    let mut prev: Option<Solution> = None;
    let mut reopen = vec![false; nr];
    // Rows whose last pass found more negative pairs than they took.
    let mut truncated = vec![false; nr];
    loop {
        // Build the stage's graph.
        let mut g = Graph {
            start: Vec::with_capacity(nr + 1),
            col: Vec::new(),
            cost: Vec::new(),
        };
        g.start.push(0);
        for (i, list) in edges.iter_mut().enumerate() {
            // Pairs of the first face, tight in the later stages.
            let in_face = |j: usize, s: i32| {
                s != FORBIDDEN
                    && i64::from(s) + v1[j] == first.max_score - u1[i]
                    && later
                        .iter()
                        .zip(&stages[1..])
                        .all(|(t, st)| t.of(s) - st.sol.u[i] - st.sol.v[j] == 0)
            };
            list.retain(|&(j, s)| {
                let fresh = seen[j as usize] != i as u32;
                seen[j as usize] = i as u32;
                fresh && in_face(j as usize, s)
            });
            for &(j, s) in list.iter() {
                seen[j as usize] = u32::MAX;
                g.col.push(j);
                g.cost.push(here.of(s));
            }
            if let Some(d) = dummy[i] {
                g.col.push(nc as u32);
                g.cost.push(d);
            }
            g.start.push(g.col.len());
        }
        let sol = match &prev {
            Some(p) => sparse::solve_warm(&g, cap, slack, p, &reopen)?,
            // See `START_PRICE`; small problems keep the start earlier versions had.
            None if !small => {
                let v = slack.iter().map(|&s| s.min(START_PRICE)).collect();
                sparse::solve_priced(&g, cap, slack, v)?
            }
            None => sparse::solve(&g, cap, slack)?,
        };
        debug_assert_eq!(sparse::certify(&g, cap, slack, &sol), Ok(()));

        // Price the pairs of the first face. After a round that moved few duals, only the pairs
        // whose price can have fallen: those of rows whose dual rose or that took only some of
        // their negative pairs, and of columns whose dual rose (every other pair's price is what
        // the last pass saw, or it is an edge of the solved graph). Else every pair, a row at a
        // time (rows in parts, on every core).
        let pricer = StagePricer {
            src,
            first,
            u1,
            v1,
            later: &later,
            stages,
            here: &here,
            sol: &sol,
        };
        let changed = prev
            .as_ref()
            .and_then(|p| Changed::since(p, &sol, &truncated, nr, nc));
        let priced: Vec<(u32, bool)> = match changed {
            Some(changed) => pricer.some(edges, &changed),
            None => in_parts(edges, nr.saturating_mul(nc), |first_row, part| {
                let mut buf = vec![0i32; nc];
                let mut net = vec![0i32; if first.v32.is_some() { nc } else { 0 }];
                let mut found: Vec<(i64, u32, i32)> = Vec::new();
                let mut added = Vec::new();
                for (k, list) in part.iter_mut().enumerate() {
                    let i = first_row + k;
                    found.clear();
                    pricer.row(i, &mut buf, &mut net, &mut found);
                    if let Some(took) = take(i, nc, &mut found, list) {
                        added.push(took);
                    }
                }
                added
            })
            .into_iter()
            .flatten()
            .collect(),
        };
        reopen.fill(false);
        truncated.fill(false);
        for &(i, cut) in &priced {
            reopen[i as usize] = true;
            truncated[i as usize] = cut;
        }
        if priced.is_empty() {
            return Ok(sol);
        }
        prev = Some(sol);
    }
}

/// What a stage's pricing pass reads.
struct StagePricer<'a, S> {
    src: &'a S,
    first: &'a First,
    /// The first stage's duals.
    u1: &'a [i64],
    v1: &'a [i64],
    /// The later stages' pair costs, with the stages.
    later: &'a [PairCost<'a>],
    stages: &'a [Stage],
    here: &'a PairCost<'a>,
    sol: &'a Solution,
}

impl<S: Source> StagePricer<'_, S> {
    /// Whether the pair (of the first face) is tight in every later stage.
    fn in_later_faces(&self, i: usize, j: usize, s: i32) -> bool {
        self.later
            .iter()
            .zip(&self.stages[1..])
            .all(|(t, st)| t.of(s) - st.sol.u[i] - st.sol.v[j] == 0)
    }

    /// Row `i`'s pairs of the face with a negative price, in column order, into `found` as
    /// (price, place from the row's start column, score). `buf` and `net` are scratch rows.
    fn row(&self, i: usize, buf: &mut [i32], net: &mut [i32], found: &mut Vec<(i64, u32, i32)>) {
        let nc = buf.len();
        let start = rotation(i, nc);
        let ui = self.sol.u[i];
        // A pair of the first face whose price is negative, if tight in the later stages (rare:
        // kept out of the loop over the face).
        let mut offer = |j: usize, s: i32, r: i64| {
            if self.in_later_faces(i, j, s) {
                found.push((r, ((j + nc - start) % nc) as u32, s));
            }
        };
        let threshold = self.first.max_score - self.u1[i];
        let mut price = |j: usize, s: i32| {
            let r = self.here.of(s) - ui - self.sol.v[j];
            if r < 0 {
                cold_call(|| offer(j, s, r));
            }
        };
        if let Some(tight) = &self.first.tight {
            // The row's pairs of the first face, from their bits: a pair there has the score
            // that makes it tight, `threshold - v1[j]`, without scoring the row.
            for (b, &word) in tight.row(i).iter().enumerate() {
                for k in set_bits(word) {
                    let j = b * 64 + k;
                    match i32::try_from(threshold - self.v1[j]) {
                        Ok(s) => price(j, s),
                        Err(_) => debug_assert!(false, "a tight pair's score is an i32"),
                    }
                }
            }
            return;
        }
        self.src.row(i, buf);
        let most = self.first.v32.as_ref().map(|v32| net_into(buf, v32, net));
        let tight_net = most.map(|m| (&net[..], m));
        for_tight(buf, self.v1, tight_net, threshold, price);
    }

    /// The pass over only what `changed` names (see [`Changed`]): the same edges, in the same
    /// order, as a pass over every pair. Returns each row that took edges, and whether it took
    /// only some of its negative pairs.
    fn some(&self, edges: &mut [Vec<Edge>], changed: &Changed) -> Vec<(u32, bool)> {
        #[cfg(test)]
        super::pricing::PARTIAL_PASSES.set(super::pricing::PARTIAL_PASSES.get() + 1);
        let (nr, nc) = (self.src.n_rows(), self.src.n_cols());
        let mut found: Vec<Vec<(i64, u32, i32)>> = vec![Vec::new(); nr];
        let mut buf = vec![0i32; nc];
        let mut net = vec![0i32; if self.first.v32.is_some() { nc } else { 0 }];
        for &i in &changed.rows {
            self.row(i as usize, &mut buf, &mut net, &mut found[i as usize]);
        }
        let mut col = vec![0i32; nr];
        for &j in &changed.cols {
            let j = j as usize;
            self.src.col(j, &mut col);
            let vj = self.sol.v[j];
            for (i, &s) in col.iter().enumerate() {
                if changed.row[i] || s == FORBIDDEN {
                    continue;
                }
                if i64::from(s) + self.v1[j] != self.first.max_score - self.u1[i] {
                    continue;
                }
                let r = self.here.of(s) - self.sol.u[i] - vj;
                if r < 0 && self.in_later_faces(i, j, s) {
                    let start = rotation(i, nc);
                    found[i].push((r, ((j + nc - start) % nc) as u32, s));
                }
            }
        }
        let mut took = Vec::new();
        for (i, (list, found)) in edges.iter_mut().zip(&mut found).enumerate() {
            if found.is_empty() {
                continue;
            }
            // In column order, as a pass over the row finds them.
            let start = rotation(i, nc);
            found.sort_unstable_by_key(|&(_, key, _)| (key as usize + start) % nc);
            took.extend(take(i, nc, found, list));
        }
        took
    }
}

/// Adds row `i`'s most negative pairs of `found` (in column order; see [`keep_most_negative`])
/// to its edges `list`; returns the row and whether it left some out, if it took any.
fn take(
    i: usize,
    nc: usize,
    found: &mut Vec<(i64, u32, i32)>,
    list: &mut Vec<Edge>,
) -> Option<(u32, bool)> {
    if found.is_empty() {
        return None;
    }
    let cut = keep_most_negative(found);
    let start = rotation(i, nc);
    list.extend(
        found
            .iter()
            .map(|&(_, key, s)| (((key as usize + start) % nc) as u32, s)),
    );
    Some((i as u32, cut))
}
