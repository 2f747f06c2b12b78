//! Fair among optimal: of the assignments with the most matches and the highest total, the one
//! whose pair scores, sorted from the lowest up, are lexicographically greatest (leximin).
//!
//! # Method
//!
//! The number of pairs is the same in every optimum, so leximin means: as few pairs as possible at
//! the lowest score level, then as few as possible at the next level, and so on (the top level
//! takes the rest).
//!
//! By LP complementary slackness, the optima of an assignment problem are exactly the feasible
//! assignments that use only edges tight for its optimal duals (and leave places unused only in
//! columns whose dual equals the cost of an unused place). That set is the *face* of the stage.
//! Each stage solves a new assignment problem restricted to the face of all earlier stages, with
//! costs that count pairs per level: a chunk of levels `a..b` costs `B^(b-1-level)` per pair
//! (`B` = number of pairs + 1, so one pair at a lower level outweighs all pairs at higher levels
//! of the chunk), and `0` elsewhere. As many levels go into one chunk as `i64` allows. A column
//! that the face requires full gets a prohibitive cost `R` per unused place (unused places cost
//! `0` elsewhere); no optimum of the stage pays it, since the face holds an assignment that does
//! not. Each stage is solved, as the first, on candidate edges and proved on every pair of the
//! face (`super::pricing`), so every stage, and the result, is exact.
//!
//! The first face is read once more than it is solved, so how it is held matters: as the list the
//! first stage's last pricing pass kept (pairs and their levels, up to `FACE_PER_ROW` a row), else
//! coded a byte a pair in one walk over the scores (up to `DENSE_MAX` pairs and 254 levels), else
//! walked from the scores on every pass. All three give the same pairs (a property test).

use super::pricing::{ADD_K, Face, Optimum, rotation};
use super::source::Source;
use super::sparse::{self, Graph, Solution};
use super::{AssignError, FORBIDDEN};

/// Largest cost magnitude a stage uses, well inside the solvers' limits.
const STAGE_LIMIT: i64 = 1 << 55;

/// The pairs of the first face, as the stages read them.
enum View {
    /// As the pricing kept them, with each pair's level.
    Kept(Face, Vec<u32>),
    /// A level code a pair, row by row ([`NOT_IN_FACE`] for the others).
    Coded(Vec<u8>),
    /// Not kept: walked from the scores.
    Walk,
}

/// The code of a pair not in the first face.
const NOT_IN_FACE: u8 = u8::MAX;
/// Most pairs coded a byte each (128 MiB); a larger problem walks its scores instead.
const DENSE_MAX: usize = 1 << 27;

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
}

impl Levels {
    fn index(&self, score: i32) -> usize {
        self.values.partition_point(|&x| x < score)
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

impl Levels {
    /// The distinct values of `scores`, ascending.
    fn of(scores: impl Iterator<Item = i32>) -> Levels {
        let mut values: Vec<i32> = scores.collect();
        values.sort_unstable();
        values.dedup();
        Levels { values }
    }
}

/// Whether pair `(i, j)` with `score` is tight in every stage (so may appear in their optima).
fn in_face(stages: &[Stage], levels: &Levels, i: usize, j: usize, score: i32) -> bool {
    stages
        .iter()
        .all(|s| s.cost.of(score, levels) - s.sol.u[i] - s.sol.v[j] == 0)
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
        face: optimum_face,
        face_limit,
    } = optimum;
    let max_score = i64::from(src.max_score());
    let mut stages = vec![Stage {
        cost: Cost::Total { max_score },
        dummy: vec![Some(q); nr],
        slack: vec![0; nc + 1],
        sol,
    }];
    let mut col4row = col4row;

    // The pairs of the first face: as the pricing kept them, else coded a byte a pair when that
    // fits, else walked from the scores on every pass.
    let no_levels = Levels { values: Vec::new() };
    let (levels, view) = match optimum_face {
        Some(f) => {
            let levels = Levels::of(f.score.iter().copied());
            let level: Vec<u32> = f.score.iter().map(|&s| levels.index(s) as u32).collect();
            (levels, View::Kept(f, level))
        }
        None => {
            // One walk: each pair of the face coded by its score's order of first appearance
            // while there are few enough scores (then renumbered in ascending order), every
            // distinct score kept for the levels.
            let mut buf = vec![0i32; nc];
            let mut seen: Vec<i32> = Vec::new();
            let mut codes = (face_limit > 0 && nr.checked_mul(nc).is_some_and(|n| n <= DENSE_MAX))
                .then(|| vec![NOT_IN_FACE; nr * nc]);
            let mut scores = Vec::new();
            for i in 0..nr {
                src.row(i, &mut buf);
                for (j, &s) in buf.iter().enumerate() {
                    if s == FORBIDDEN || !in_face(&stages, &no_levels, i, j, s) {
                        continue;
                    }
                    let Some(c) = codes.as_mut() else {
                        scores.push(s);
                        continue;
                    };
                    {
                        let k = match seen.iter().position(|&x| x == s) {
                            Some(k) => k,
                            None => {
                                seen.push(s);
                                seen.len() - 1
                            }
                        };
                        match u8::try_from(k).ok().filter(|&k| k < NOT_IN_FACE) {
                            Some(k) => c[i * nc + j] = k,
                            None => codes = None,
                        }
                    }
                }
                if scores.len() > 1 << 16 {
                    scores.sort_unstable();
                    scores.dedup();
                }
            }
            let levels = Levels::of(scores.into_iter().chain(seen.iter().copied()));
            match codes {
                Some(mut codes) => {
                    // First-seen order to level order.
                    let mut to_level = [NOT_IN_FACE; 256];
                    for (k, &s) in seen.iter().enumerate() {
                        // Fewer than NOT_IN_FACE scores were seen: both fit in a byte.
                        to_level[k] = levels.index(s) as u8;
                    }
                    for c in &mut codes {
                        *c = to_level[usize::from(*c)];
                    }
                    (levels, View::Coded(codes))
                }
                None => (levels, View::Walk),
            }
        }
    };
    if levels.values.len() < 2 {
        return Ok(col4row);
    }

    // Candidate edges: the first stage's, kept while they stay in the face.
    let mut edges: Vec<Vec<u32>> = (0..nr)
        .map(|i| {
            graph
                .edges(i)
                .map(|e| graph.col[e])
                .filter(|&j| (j as usize) < nc)
                .collect()
        })
        .collect();

    let pairs = col4row.iter().filter(|&&j| (j as usize) < nc).count() as i64;
    let base = pairs + 1;
    // Levels per chunk: base^chunk <= STAGE_LIMIT.
    let mut per_chunk = 0usize;
    let mut power = 1i64;
    while let Some(p) = power.checked_mul(base).filter(|&p| p <= STAGE_LIMIT) {
        power = p;
        per_chunk += 1;
    }
    let per_chunk = per_chunk.max(1);
    // The top level takes whatever pairs are left: no need to minimise its count.
    let last = levels.values.len() - 1;
    let mut lo = 0;
    while lo < last {
        let hi = (lo + per_chunk).min(last);
        let cost = Cost::Levels { lo, hi, base };
        // No assignment in the face costs more than pairs * base^(hi - lo - 1) < R.
        let mut r = 1i64;
        for _ in lo..hi {
            r = r.checked_mul(base).ok_or(AssignError::Overflow)?;
        }
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
            src, &view, &stages, &levels, &cost, &dummy, &slack, &cap, &col4row, &mut edges,
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

/// One stage: candidate edges (filtered to the face, plus the current assignment), solved and
/// priced until no pair of the face has a negative reduced cost.
#[allow(clippy::too_many_arguments)]
fn solve_stage<S: Source>(
    src: &S,
    view: &View,
    stages: &[Stage],
    levels: &Levels,
    cost: &Cost,
    dummy: &[Option<i64>],
    slack: &[i64],
    cap: &[u32],
    current: &[u32],
    edges: &mut [Vec<u32>],
) -> Result<Solution, AssignError> {
    let nr = src.n_rows();
    let nc = src.n_cols();
    let mut seen = vec![u32::MAX; nc];
    for (i, list) in edges.iter_mut().enumerate() {
        let j = current[i];
        if (j as usize) < nc {
            list.push(j);
        }
    }
    let mut buf = vec![0i32; nc];
    // Each stage's cost by level (stages after the first; this one).
    let later: Vec<Vec<i64>> = stages[1..]
        .iter()
        .map(|s| {
            levels
                .values
                .iter()
                .map(|&x| s.cost.of(x, levels))
                .collect()
        })
        .collect();
    let here: Vec<i64> = levels.values.iter().map(|&x| cost.of(x, levels)).collect();
    loop {
        // Build the stage's graph.
        let mut g = Graph {
            start: Vec::with_capacity(nr + 1),
            col: Vec::new(),
            cost: Vec::new(),
        };
        g.start.push(0);
        for (i, list) in edges.iter_mut().enumerate() {
            // Each pair's level in the first face (`None`: not in it), from the face as kept or
            // coded, else from its score.
            let level_of = |j: usize| -> Option<usize> {
                match view {
                    View::Kept(f, level) => {
                        let (cols, _) = f.row(i);
                        let k = cols.binary_search(&(j as u32)).ok()?;
                        Some(level[f.start[i] + k] as usize)
                    }
                    View::Coded(codes) => {
                        let code = codes[i * nc + j];
                        (code != NOT_IN_FACE).then_some(usize::from(code))
                    }
                    View::Walk => {
                        let s = src.get(i, j);
                        (s != FORBIDDEN && in_face(&stages[..1], levels, i, j, s))
                            .then(|| levels.index(s))
                    }
                }
            };
            let tight_later = |j: usize, l: usize| {
                later
                    .iter()
                    .enumerate()
                    .all(|(s, t)| t[l] - stages[s + 1].sol.u[i] - stages[s + 1].sol.v[j] == 0)
            };
            let mut kept_levels: Vec<usize> = Vec::with_capacity(list.len());
            list.retain(|&j| {
                let fresh = seen[j as usize] != i as u32;
                seen[j as usize] = i as u32;
                if !fresh {
                    return false;
                }
                match level_of(j as usize).filter(|&l| tight_later(j as usize, l)) {
                    Some(l) => {
                        kept_levels.push(l);
                        true
                    }
                    None => false,
                }
            });
            for &j in list.iter() {
                seen[j as usize] = u32::MAX;
            }
            for (&j, &l) in list.iter().zip(&kept_levels) {
                g.col.push(j);
                g.cost.push(here[l]);
            }
            if let Some(d) = dummy[i] {
                g.col.push(nc as u32);
                g.cost.push(d);
            }
            g.start.push(g.col.len());
        }
        let sol = sparse::solve(&g, cap, slack)?;
        debug_assert_eq!(sparse::certify(&g, cap, slack, &sol), Ok(()));

        // Price every pair of the face: the first stage's face as kept, or every pair.
        let mut added = 0;
        let mut found: Vec<(i64, u32)> = Vec::new();
        for (i, list) in edges.iter_mut().enumerate() {
            found.clear();
            let start = rotation(i, nc);
            // A pair of the first face at level `l`: tight in the later stages, and its price.
            let mut price_level = |j: usize, l: usize| {
                if later
                    .iter()
                    .enumerate()
                    .all(|(s, t)| t[l] - stages[s + 1].sol.u[i] - stages[s + 1].sol.v[j] == 0)
                {
                    let r = here[l] - sol.u[i] - sol.v[j];
                    if r < 0 {
                        found.push((r, ((j + nc - start) % nc) as u32));
                    }
                }
            };
            match view {
                View::Kept(f, level) => {
                    let (cols, _) = f.row(i);
                    let at = f.start[i];
                    for (k, &j) in cols.iter().enumerate() {
                        price_level(j as usize, level[at + k] as usize);
                    }
                }
                View::Coded(codes) => {
                    for (j, &code) in codes[i * nc..(i + 1) * nc].iter().enumerate() {
                        if code != NOT_IN_FACE {
                            price_level(j, usize::from(code));
                        }
                    }
                }
                View::Walk => {
                    src.row(i, &mut buf);
                    for (j, &s) in buf.iter().enumerate() {
                        if s == FORBIDDEN || !in_face(stages, levels, i, j, s) {
                            continue;
                        }
                        let r = cost.of(s, levels) - sol.u[i] - sol.v[j];
                        if r < 0 {
                            found.push((r, ((j + nc - start) % nc) as u32));
                        }
                    }
                }
            }
            if found.len() > ADD_K {
                found.select_nth_unstable(ADD_K);
                found.truncate(ADD_K);
            }
            added += found.len();
            list.extend(
                found
                    .iter()
                    .map(|&(_, key)| ((key as usize + start) % nc) as u32),
            );
        }
        if added == 0 {
            return Ok(sol);
        }
    }
}
