//! Exact minimum-cost assignment on a sparse bipartite graph: every row to one column, each column
//! `j` taking at most `cap[j]` rows, where leaving a place of column `j` unused costs `slack[j]`.
//!
//! # Method
//!
//! A primal-dual (Hungarian) method in rounds, on integer costs with integer duals, so exact. It
//! starts from Jonker–Volgenant's augmenting row reduction (an auction without ε: free rows take
//! their cheapest column, raising its price by the gap to their second choice), which assigns
//! most rows and keeps the invariants below; then:
//!
//! 1. **Matching.** With the duals fixed, rows are assigned as far as possible along *tight* edges
//!    (reduced cost `cost - u[row] - v[col]` zero), by Hopcroft–Karp phases: a breadth-first search
//!    from every unassigned row gives levels, then a depth-first search assigns a maximal set of
//!    disjoint shortest augmenting paths. A column with a free place ends a path; a full column
//!    leads on to the rows it holds. On large graphs a push–relabel pass ([`push_relabel`])
//!    places most rows first, and the phases finish: in tie-heavy cohorts the last phases of a
//!    round each search most rows to place a handful.
//! 2. **Dual step.** If rows remain unassigned, one Dijkstra search from all of them at once (on
//!    reduced costs, which stay non-negative) finds the distance `D` to the nearest free place,
//!    and the duals move by `D` minus each settled vertex's distance. This keeps every reduced
//!    cost non-negative and every assigned edge tight, and makes at least one more augmenting path
//!    tight; back to 1. The search starts from what step 1's last, failed, breadth-first search
//!    reached, all at distance 0 (in tie-heavy cohorts, nine tenths of the rows in the last
//!    rounds).
//!
//! Invariants (the LP optimality conditions, checked by [`certify`]): reduced costs are
//! non-negative on every edge and zero on assigned ones; `v[j] <= slack[j]`, with equality
//! whenever column `j` has a free place. When every row is assigned, they certify the assignment
//! minimum-cost (the assignment polytope is integral).
//!
//! A warm start ([`solve_warm`]: the problem gained edges on some rows since it was solved)
//! frees those rows and keeps everything else. A freed row may leave a place in a column whose
//! dual is below its slack (an *owed* place), which the last invariant allows only at the end:
//! meanwhile an owed place is a free place like any other, and once every row is assigned the
//! same rounds run backwards from the owed places ([`settle_owed`]) until none is left.
//!
//! With small integer costs, as in tie-heavy cohorts, the rows left unassigned all gain `D >= 1`
//! per round, so there are few rounds; most of the work is the matching on tight edges, where ties
//! help rather than hurt.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::AssignError;

/// "No row" / "no column".
pub(super) const NONE: u32 = u32::MAX;
const INF: i64 = i64::MAX;

/// Rows' edges in compressed-sparse-row form.
#[derive(Debug, Clone, Default)]
pub(super) struct Graph {
    /// `start[i]..start[i + 1]` are row `i`'s edges.
    pub start: Vec<usize>,
    pub col: Vec<u32>,
    pub cost: Vec<i64>,
}

impl Graph {
    pub fn n_rows(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    pub fn edges(&self, i: usize) -> std::ops::Range<usize> {
        self.start[i]..self.start[i + 1]
    }
}

/// An optimal assignment and the duals that certify it.
#[derive(Debug, Clone)]
pub(super) struct Solution {
    /// Column of each row.
    pub col4row: Vec<u32>,
    pub u: Vec<i64>,
    pub v: Vec<i64>,
}

/// Mutable state of the method.
struct State<'a> {
    g: &'a Graph,
    cap: &'a [u32],
    u: Vec<i64>,
    v: Vec<i64>,
    col4row: Vec<u32>,
    load: Vec<u32>,
    /// Rows held by each column, as doubly linked lists.
    head: Vec<u32>,
    next: Vec<u32>,
    prev: Vec<u32>,
    free_rows: usize,
}

impl State<'_> {
    #[inline(always)]
    fn reduced(&self, i: usize, e: usize) -> i64 {
        self.g.cost[e] - self.u[i] - self.v[self.g.col[e] as usize]
    }

    fn attach(&mut self, i: usize, j: usize) {
        let h = self.head[j];
        self.next[i] = h;
        self.prev[i] = NONE;
        if h != NONE {
            self.prev[h as usize] = i as u32;
        }
        self.head[j] = i as u32;
        self.col4row[i] = j as u32;
        self.load[j] += 1;
    }

    fn detach(&mut self, i: usize) {
        let j = self.col4row[i] as usize;
        let (p, n) = (self.prev[i], self.next[i]);
        if p == NONE {
            self.head[j] = n;
        } else {
            self.next[p as usize] = n;
        }
        if n != NONE {
            self.prev[n as usize] = p;
        }
        self.col4row[i] = NONE;
        self.load[j] -= 1;
    }

    fn has_place(&self, j: usize) -> bool {
        self.load[j] < self.cap[j]
    }

    /// Feasible duals, tight assigned edges (debug checks).
    fn consistent(&self) -> bool {
        (0..self.col4row.len()).all(|i| {
            self.g.edges(i).all(|e| {
                let r = self.reduced(i, e);
                r >= 0 && (self.g.col[e] != self.col4row[i] || r == 0)
            })
        })
    }
}

/// Minimum-cost assignment of every row of `g` (each row's edges list distinct columns `<
/// cap.len()`).
///
/// Errors if some row cannot be assigned at all (the caller guarantees that every row can, e.g.
/// through a column of capacity `n_rows` on every row), or costs are beyond `limit` in magnitude.
pub(super) fn solve(g: &Graph, cap: &[u32], slack: &[i64]) -> Result<Solution, AssignError> {
    solve_from(g, cap, slack, None)
}

/// [`solve`], warm: rows keep their column and dual in `prev` unless `reopen` marks them, and
/// columns keep their duals. The caller guarantees that `prev` satisfied the invariants on the
/// graph it was solved on, and that `g` differs from it only by edges of reopened rows. A
/// reopened row may leave a place whose column dual is below its `slack` (an *owed* place: the
/// invariants allow it while rows are free); the reverse rounds of [`settle_owed`] fill or
/// release every owed place once all rows are assigned.
pub(super) fn solve_warm(
    g: &Graph,
    cap: &[u32],
    slack: &[i64],
    prev: &Solution,
    reopen: &[bool],
) -> Result<Solution, AssignError> {
    solve_from(g, cap, slack, Some((prev, reopen)))
}

/// [`solve`], from column duals `v` (each at most its `slack`) instead of `slack` itself: every
/// row starts free, and a place left unused in a column whose dual is below its slack is owed,
/// as in [`solve_warm`] (which this is, with every row reopened).
pub(super) fn solve_priced(
    g: &Graph,
    cap: &[u32],
    slack: &[i64],
    v: Vec<i64>,
) -> Result<Solution, AssignError> {
    if v.len() != slack.len() || v.iter().zip(slack).any(|(v, s)| v > s) {
        return Err(AssignError::Internal("start duals above their slack"));
    }
    let nr = g.n_rows();
    let start = Solution {
        col4row: vec![NONE; nr],
        u: vec![0; nr],
        v,
    };
    solve_from(g, cap, slack, Some((&start, &vec![true; nr])))
}

fn solve_from(
    g: &Graph,
    cap: &[u32],
    slack: &[i64],
    start: Option<(&Solution, &[bool])>,
) -> Result<Solution, AssignError> {
    let nr = g.n_rows();
    let nc = cap.len();
    if slack.len() != nc || g.col.len() != g.cost.len() {
        return Err(AssignError::Internal(
            "sparse graph with inconsistent lengths",
        ));
    }
    let mut st = State {
        g,
        cap,
        u: vec![0; nr],
        v: start.map_or_else(|| slack.to_vec(), |(p, _)| p.v.clone()),
        col4row: vec![NONE; nr],
        load: vec![0; nc],
        head: vec![NONE; nc],
        next: vec![NONE; nr],
        prev: vec![NONE; nr],
        free_rows: nr,
    };
    if let Some((p, reopen)) = start
        && (p.col4row.len() != nr || p.v.len() != nc || reopen.len() != nr)
    {
        return Err(AssignError::Internal("warm start of another size"));
    }
    let mut free: Vec<u32> = Vec::new();
    for i in 0..nr {
        if let Some((p, reopen)) = start {
            let j = p.col4row[i];
            if !reopen[i] && (j as usize) < nc {
                st.attach(i, j as usize);
                st.u[i] = p.u[i];
                st.free_rows -= 1;
                continue;
            }
        }
        // Row duals: the smallest reduced cost, so every edge is feasible and one is tight.
        let mut best = INF;
        for e in g.edges(i) {
            let c = g.cost[e] - st.v[g.col[e] as usize];
            best = best.min(c);
        }
        if best == INF {
            return Err(AssignError::Internal("a row has no edge"));
        }
        st.u[i] = best;
        free.push(i as u32);
    }
    augmenting_row_reduction(&mut st, free);
    debug_assert!(st.consistent(), "after the row reduction");
    let mut scratch = Scratch::new(nr, nc);
    loop {
        match_tight(&mut st, &mut scratch);
        debug_assert!(st.consistent(), "after matching");
        if st.free_rows == 0 {
            break;
        }
        dual_step(&mut st, &mut scratch)?;
        debug_assert!(st.consistent(), "after a dual step");
    }
    settle_owed(&mut st, &mut scratch, slack)?;
    Ok(Solution {
        col4row: st.col4row,
        u: st.u,
        v: st.v,
    })
}

/// Jonker–Volgenant's augmenting row reduction: each free row in turn takes its cheapest column
/// (reduced by the column duals); if that column is full (and holds one row), its price rises
/// until the row is indifferent between it and its second choice, and the row displaces the
/// holder, which bids next. Ties prefer a second choice with a free place. Two passes; rows still free
/// are left to the exact rounds, as are all once it has made `4 * n_rows` bids (a price war
/// between close costs could otherwise run long). Keeps the invariants (feasible duals, tight assigned edges,
/// `v == slack` on columns with a free place), so it only speeds things up.
fn augmenting_row_reduction(st: &mut State, mut free: Vec<u32>) {
    let nr = st.col4row.len();
    let mut next_free: Vec<u32> = Vec::new();
    let mut budget = 4 * nr;
    for _pass in 0..2 {
        let mut k = 0;
        while k < free.len() {
            if budget == 0 {
                return;
            }
            budget -= 1;
            let i = free[k] as usize;
            k += 1;
            // Cheapest and second cheapest edge of row i.
            let (mut u1, mut u2) = (INF, INF);
            let (mut j1, mut j2) = (NONE, NONE);
            for e in st.g.edges(i) {
                let j = st.g.col[e];
                let h = st.g.cost[e] - st.v[j as usize];
                if h < u2 {
                    if h < u1 {
                        (u2, j2) = (u1, j1);
                        (u1, j1) = (h, j);
                    } else {
                        (u2, j2) = (h, j);
                    }
                }
            }
            if j1 == NONE {
                continue;
            }
            let mut target = j1 as usize;
            let mut evict = None;
            if st.has_place(target) {
                st.u[i] = u1;
            } else if u1 < u2 {
                if st.cap[target] != 1 || u2 == INF {
                    // A price rise would loosen every other holder's edge (or, with no second
                    // choice, be unbounded): left to the exact rounds.
                    continue;
                }
                // Raise the price of `target` by the gap; its one holder leaves.
                st.v[target] -= u2 - u1;
                evict = Some(st.head[target] as usize);
                st.u[i] = u2;
            } else if j2 != NONE && st.has_place(j2 as usize) {
                target = j2 as usize;
                st.u[i] = u2;
            } else {
                evict = Some(st.head[target] as usize);
                st.u[i] = u1;
            }
            if let Some(h) = evict {
                st.detach(h);
                if u1 < u2 {
                    // Bids again at once.
                    k -= 1;
                    free[k] = h as u32;
                } else {
                    next_free.push(h as u32);
                }
            } else {
                st.free_rows -= 1;
            }
            st.attach(i, target);
        }
        std::mem::swap(&mut free, &mut next_free);
        next_free.clear();
    }
}

/// Work arrays reused across rounds.
struct Scratch {
    /// The tight edges' columns, row by row (`tight_start[i]..tight_start[i + 1]`).
    tight_start: Vec<usize>,
    tight: Vec<u32>,
    level: Vec<u32>,
    queue: Vec<u32>,
    arc: Vec<usize>,
    dist_row: Vec<i64>,
    dist_col: Vec<i64>,
    done_row: Vec<bool>,
    done_col: Vec<bool>,
    settled_rows: Vec<u32>,
    settled_cols: Vec<u32>,
    touched_rows: Vec<u32>,
    touched_cols: Vec<u32>,
    queue_d: BucketQueue,
    /// The frames of [`augment_from`]'s depth-first search.
    stack: Vec<(u32, u32, u32)>,
    /// The columns one breadth-first search of [`match_tight`] has looked at.
    col_seen: Marks,
    /// Whether `queue` holds every row reachable from the free rows along tight edges and
    /// through full columns, none leading to a free place: the last search of [`match_tight`]
    /// failed, and the duals have not moved since. [`dual_step`] starts from it.
    reach_known: bool,
    /// [`push_relabel`]'s work arrays.
    pr: PushRelabel,
}

impl Scratch {
    fn new(nr: usize, nc: usize) -> Self {
        Scratch {
            tight_start: Vec::with_capacity(nr + 1),
            tight: Vec::new(),
            level: vec![u32::MAX; nr],
            queue: Vec::new(),
            arc: vec![0; nr],
            dist_row: vec![INF; nr],
            dist_col: vec![INF; nc],
            done_row: vec![false; nr],
            done_col: vec![false; nc],
            settled_rows: Vec::new(),
            settled_cols: Vec::new(),
            touched_rows: Vec::new(),
            touched_cols: Vec::new(),
            queue_d: BucketQueue::new(),
            col_seen: Marks::new(nc),
            stack: Vec::new(),
            reach_known: false,
            pr: PushRelabel::default(),
        }
    }
}

const UNSEEN: u32 = u32::MAX;

/// Marks on `0..n`, cleared all at once: a mark is the number of the round that made it.
struct Marks {
    round: u32,
    mark: Vec<u32>,
}

impl Marks {
    fn new(n: usize) -> Marks {
        Marks {
            round: 0,
            mark: vec![0; n],
        }
    }

    /// A new round, with nothing marked.
    fn next(&mut self) -> Round<'_> {
        if self.round == u32::MAX {
            self.mark.fill(0);
            self.round = 0;
        }
        self.round += 1;
        Round {
            round: self.round,
            mark: &mut self.mark,
        }
    }
}

/// One round of [`Marks`].
struct Round<'a> {
    round: u32,
    mark: &'a mut [u32],
}

impl Round<'_> {
    /// Whether `k` was marked in this round; marks it.
    #[inline(always)]
    fn check(&mut self, k: usize) -> bool {
        let was = self.mark[k] == self.round;
        self.mark[k] = self.round;
        was
    }
}

/// Hopcroft–Karp phases on tight edges until no augmenting path is tight. The duals do not move
/// meanwhile, so the tight edges are listed once (`s.tight`) and the phases read only them.
fn match_tight(st: &mut State, s: &mut Scratch) {
    let nr = st.col4row.len();
    s.reach_known = false;
    if st.free_rows == 0 {
        return;
    }
    list_tight(st, s);
    if push_relabel_applies(st.g) {
        push_relabel(st, s);
    }
    loop {
        if st.free_rows == 0 {
            return;
        }
        // Breadth-first levels from every free row; stop after the level that meets a place.
        // A column is looked at once per search: the rows it holds are met the first time, and a
        // place it has ends the search at that level.
        let free = (0..nr).filter(|&i| st.col4row[i] == NONE);
        let mut seen = s.col_seen.next();
        let found = levels_from(&mut s.level, &mut s.queue, free, |i, reach| {
            for &j in &s.tight[s.tight_start[i]..s.tight_start[i + 1]] {
                let j = j as usize;
                if seen.check(j) {
                    continue;
                }
                if st.has_place(j) {
                    reach.end();
                } else if !reach.ended() {
                    let mut r = st.head[j];
                    while r != NONE {
                        reach.on(r as usize);
                        r = st.next[r as usize];
                    }
                }
            }
        });
        if found == UNSEEN {
            // The search stopped only when nothing more was reachable: `s.queue` holds it all.
            s.reach_known = true;
            return;
        }
        // Depth-first search along levels, with current-arc pointers; rows that fail or are used
        // leave the level graph.
        s.arc.copy_from_slice(&s.tight_start[..nr]);
        let mut augmented = false;
        for r0 in 0..nr {
            if st.col4row[r0] != NONE || s.level[r0] != 0 {
                continue;
            }
            if augment_from(st, s, r0, found) {
                augmented = true;
            }
        }
        if !augmented {
            return;
        }
    }
}

/// Each row's tight edges' columns into `s.tight` (`s.tight_start[i]..s.tight_start[i + 1]`):
/// the duals do not move while a round's matching reads them. Written without a branch on
/// tightness (every edge's column is stored, and the end moves past it only if the edge is
/// tight): about a fifth of edges are not tight, at random. The list keeps a place for every
/// edge from one call to the next (rows end at `tight_start`).
fn list_tight(st: &State, s: &mut Scratch) {
    s.tight_start.clear();
    s.tight_start.push(0);
    s.tight.resize(st.g.col.len().max(s.tight.len()), 0);
    let mut len = 0;
    for i in 0..st.col4row.len() {
        let ui = st.u[i];
        let edges = st.g.edges(i);
        for (&j, &c) in st.g.col[edges.clone()].iter().zip(&st.g.cost[edges]) {
            s.tight[len] = j;
            len += usize::from(c - ui == st.v[j as usize]);
        }
        s.tight_start.push(len);
    }
}

/// Graphs with at least this many edges start each round's matching with [`push_relabel`]:
/// beside the build without it (`VS=... bash examples/bench_match.sh`), whole runs of `match`
/// took 0.91 of the time at form-shaped 2,000² (49,000 candidate edges), 0.88 at pilot-shaped
/// 2,000², 0.96 at form-shaped 5,000², and 1.07 at pilot-shaped 5,000² (where the optimum it
/// reaches first costs one more pricing round). The bound is chosen, not measured: cohorts of a
/// few hundred people keep the pairings earlier versions proposed.
const PUSH_RELABEL_EDGES: usize = 16_384;

#[cfg(test)]
thread_local! {
    /// Tests set it to run [`push_relabel`] (`Some(true)`) or not (`Some(false)`) whatever the
    /// size.
    pub(super) static TEST_PUSH_RELABEL: std::cell::Cell<Option<bool>> =
        const { std::cell::Cell::new(None) };
}

fn push_relabel_applies(g: &Graph) -> bool {
    #[cfg(test)]
    if let Some(on) = TEST_PUSH_RELABEL.get() {
        return on;
    }
    g.col.len() >= PUSH_RELABEL_EDGES
}

/// No label: the row has no path to a free place (as far as the last global relabel saw).
const FAR: u32 = u32::MAX;

/// [`push_relabel`]'s work arrays, kept from one round to the next.
#[derive(Default)]
struct PushRelabel {
    /// The rows with a tight edge to each column: `row[start[j]..start[j + 1]]`.
    start: Vec<usize>,
    row: Vec<u32>,
    /// Each row's label: at most the number of rows on a path of tight edges from it to a free
    /// place (through the rows the columns on the way hold), or [`FAR`].
    label: Vec<u32>,
    col_seen: Vec<bool>,
    queue: Vec<u32>,
    active: VecDeque<u32>,
}

impl PushRelabel {
    /// The tight lists by column (the transpose of `s.tight`).
    fn transpose(&mut self, tight_start: &[usize], tight: &[u32], nc: usize) {
        let nr = tight_start.len() - 1;
        self.start.clear();
        self.start.resize(nc + 1, 0);
        for &j in &tight[..tight_start[nr]] {
            self.start[j as usize + 1] += 1;
        }
        for j in 0..nc {
            self.start[j + 1] += self.start[j];
        }
        self.row.clear();
        self.row.resize(tight_start[nr], 0);
        // `start[j]` moves up as column `j` fills, then is put back.
        for i in 0..nr {
            for &j in &tight[tight_start[i]..tight_start[i + 1]] {
                let at = &mut self.start[j as usize];
                self.row[*at] = i as u32;
                *at += 1;
            }
        }
        for j in (1..=nc).rev() {
            self.start[j] = self.start[j - 1];
        }
        self.start[0] = 0;
    }

    /// Exact labels: a breadth-first search backwards from every column with a free place.
    fn relabel_all(&mut self, st: &State) {
        let nc = st.cap.len();
        self.label.clear();
        self.label.resize(st.col4row.len(), FAR);
        self.col_seen.clear();
        self.col_seen.resize(nc, false);
        self.queue.clear();
        for j in 0..nc {
            if st.has_place(j) {
                self.col_seen[j] = true;
                for &i in &self.row[self.start[j]..self.start[j + 1]] {
                    if self.label[i as usize] == FAR {
                        self.label[i as usize] = 1;
                        self.queue.push(i);
                    }
                }
            }
        }
        let mut at = 0;
        while at < self.queue.len() {
            let k = self.queue[at] as usize;
            at += 1;
            // Row `k` leaves its column for a path from it: the column is as near as `k`, and
            // the rows with a tight edge to it one nearer.
            let c = st.col4row[k];
            if c == NONE || self.col_seen[c as usize] {
                continue;
            }
            self.col_seen[c as usize] = true;
            let d = self.label[k] + 1;
            for &i in &self.row[self.start[c as usize]..self.start[c as usize + 1]] {
                if self.label[i as usize] == FAR {
                    self.label[i as usize] = d;
                    self.queue.push(i);
                }
            }
        }
    }

    /// Column `j`'s distance to a free place by the labels: 0 with a place, else that of the
    /// nearest row it holds, with that row.
    fn column(&self, st: &State, j: usize) -> (u32, u32) {
        if st.has_place(j) {
            return (0, NONE);
        }
        let (mut d, mut holder) = (FAR, NONE);
        let mut r = st.head[j];
        while r != NONE {
            if self.label[r as usize] < d {
                d = self.label[r as usize];
                holder = r;
            }
            r = st.next[r as usize];
        }
        (d, holder)
    }
}

/// Push–relabel on the tight edges (Goldberg and Kennedy's for bipartite matching: double
/// pushes, rows in first-in first-out order, exact labels again after every sixteenth of the
/// rows has been relabelled): each free row takes the tight column nearest a free place, the
/// row it displaces (if the column was full) becomes free in turn, until every free row is
/// placed or known to have no path. It places most of the rows Hopcroft–Karp's phases would,
/// without a breadth-first search over the whole graph for every few paths: in tie-heavy
/// cohorts the last phases of a round each read most rows to place a handful. The phases
/// after it finish the matching and end with the search [`dual_step`] starts from, so the
/// matching is maximum whatever this leaves; it moves rows only along tight edges and keeps
/// every column within its capacity, so the invariants hold.
fn push_relabel(st: &mut State, s: &mut Scratch) {
    let nr = st.col4row.len();
    let nc = st.cap.len();
    let pr = &mut s.pr;
    pr.transpose(&s.tight_start, &s.tight, nc);
    pr.relabel_all(st);
    pr.active.clear();
    pr.active.extend(
        (0..nr)
            .filter(|&i| st.col4row[i] == NONE && pr.label[i] != FAR)
            .map(|i| i as u32),
    );
    // A path visits each row at most once: a label above the number of rows means none.
    let top = u32::try_from(nr).unwrap_or(u32::MAX);
    let every = (nr / 16).max(16);
    let mut relabelled = 0;
    // Reading edges is the work: bounded, whatever the labels do (the phases finish anyway).
    let mut budget = 16 * st.g.col.len() + nr;
    while let Some(i) = pr.active.pop_front() {
        let i = i as usize;
        if st.col4row[i] != NONE || pr.label[i] == FAR {
            continue;
        }
        // The tight column nearest a free place; the first met among equals.
        let (mut best, mut to, mut holder) = (FAR, NONE, NONE);
        let list = &s.tight[s.tight_start[i]..s.tight_start[i + 1]];
        budget = budget.saturating_sub(list.len());
        for &j in list {
            let (d, h) = pr.column(st, j as usize);
            if d < best {
                (best, to, holder) = (d, j, h);
                // Nothing nearer is possible.
                if d == 0 || d + 1 == pr.label[i] {
                    break;
                }
            }
        }
        if best >= top {
            pr.label[i] = FAR;
            continue;
        }
        if best + 1 > pr.label[i] {
            relabelled += 1;
        }
        pr.label[i] = best + 1;
        if holder == NONE {
            st.free_rows -= 1;
        } else {
            st.detach(holder as usize);
            pr.active.push_back(holder);
        }
        st.attach(i, to as usize);
        if budget == 0 {
            return;
        }
        if relabelled >= every {
            relabelled = 0;
            pr.relabel_all(st);
        }
    }
}

/// Hopcroft–Karp's breadth-first levels: every source at level 0, then what each vertex leads
/// to (`expand` says, through [`Reach`]) one level on, stopping after the first level that meets
/// an end. Returns that level, or `UNSEEN` when no end is met.
fn levels_from(
    level: &mut [u32],
    queue: &mut Vec<u32>,
    sources: impl Iterator<Item = usize>,
    mut expand: impl FnMut(usize, &mut Reach),
) -> u32 {
    level.fill(UNSEEN);
    queue.clear();
    for x in sources {
        level[x] = 0;
        queue.push(x as u32);
    }
    let mut found = UNSEEN;
    let mut qi = 0;
    while qi < queue.len() {
        let x = queue[qi] as usize;
        qi += 1;
        let at = level[x];
        if at > found {
            break;
        }
        expand(
            x,
            &mut Reach {
                level,
                queue,
                at,
                found: &mut found,
            },
        );
    }
    found
}

/// What one vertex of [`levels_from`] leads to: an end, or vertices of the next level (only
/// while no end has been met: the search stops at that level).
struct Reach<'a> {
    level: &'a mut [u32],
    queue: &'a mut Vec<u32>,
    at: u32,
    found: &'a mut u32,
}

impl Reach<'_> {
    fn end(&mut self) {
        *self.found = self.at;
    }

    fn ended(&self) -> bool {
        *self.found != UNSEEN
    }

    fn on(&mut self, y: usize) {
        if !self.ended() && self.level[y] == UNSEEN {
            self.level[y] = self.at + 1;
            self.queue.push(y as u32);
        }
    }
}

/// One depth-first search for an augmenting path of tight edges from free row `r0`, levels
/// increasing by one per step up to `last`. Augments and returns true if it finds one.
fn augment_from(st: &mut State, s: &mut Scratch, r0: usize, last: u32) -> bool {
    // Frames: (row, column being explored or NONE, next row of that column to try).
    let mut stack = std::mem::take(&mut s.stack);
    stack.clear();
    stack.push((r0 as u32, NONE, NONE));
    let found = augment_along(st, s, &mut stack, last);
    s.stack = stack;
    found
}

/// [`augment_from`]'s search, from the frames on `stack` (a buffer kept between searches).
fn augment_along(
    st: &mut State,
    s: &mut Scratch,
    stack: &mut Vec<(u32, u32, u32)>,
    last: u32,
) -> bool {
    while let Some(&(row, col, it)) = stack.last() {
        let top = stack.len() - 1;
        let i = row as usize;
        let li = s.level[i];
        if col != NONE {
            // Continue with the rows held by this column.
            let mut r = it;
            let mut child = None;
            while r != NONE {
                let ru = r as usize;
                let nxt = st.next[ru];
                if s.level[ru] == li + 1 {
                    stack[top].2 = nxt;
                    child = Some(r);
                    break;
                }
                r = nxt;
            }
            if let Some(c) = child {
                stack.push((c, NONE, NONE));
                continue;
            }
            stack[top].1 = NONE;
            s.arc[i] += 1;
        }
        let end = s.tight_start[i + 1];
        let mut explored = None;
        while s.arc[i] < end {
            let j = s.tight[s.arc[i]];
            // A place is met only at the last level (the search's levels stop at the first).
            if li == last && st.has_place(j as usize) {
                // Augment: the top row moves to `j`, each row below it to the column it was
                // exploring (which held the row above).
                let mut target = j as usize;
                while let Some((r, _, _)) = stack.pop() {
                    let r = r as usize;
                    if st.col4row[r] != NONE {
                        st.detach(r);
                    }
                    st.attach(r, target);
                    s.level[r] = UNSEEN;
                    if let Some(&(_, c, _)) = stack.last() {
                        target = c as usize;
                    }
                }
                st.free_rows -= 1;
                return true;
            }
            if li < last {
                explored = Some(j);
                break;
            }
            s.arc[i] += 1;
        }
        match explored {
            Some(j) => {
                stack[top].1 = j;
                stack[top].2 = st.head[j as usize];
            }
            None => {
                s.level[i] = UNSEEN;
                stack.pop();
            }
        }
    }
    false
}

/// Dijkstra from every free row on reduced costs to the nearest free place; moves the duals.
fn dual_step(st: &mut State, s: &mut Scratch) -> Result<(), AssignError> {
    let nr = st.col4row.len();
    s.queue_d.clear();
    s.settled_rows.clear();
    s.settled_cols.clear();
    s.touched_rows.clear();
    s.touched_cols.clear();
    if s.reach_known {
        settle_reach(st, s);
    } else {
        for i in 0..nr {
            if st.col4row[i] == NONE {
                s.dist_row[i] = 0;
                s.touched_rows.push(i as u32);
                s.queue_d.push(0, i as u32);
            }
        }
    }
    let q = &mut s.queue_d;
    let mut reach = None;
    while let Some((d, x)) = q.pop() {
        let x = x as usize;
        if x < nr {
            let k = x;
            if s.done_row[k] || d > s.dist_row[k] {
                continue;
            }
            s.done_row[k] = true;
            s.settled_rows.push(k as u32);
            let base = d - st.u[k];
            for e in st.g.edges(k) {
                let j = st.g.col[e] as usize;
                if s.done_col[j] {
                    continue;
                }
                let nd = base.saturating_add(st.g.cost[e] - st.v[j]);
                if nd < s.dist_col[j] {
                    if s.dist_col[j] == INF {
                        s.touched_cols.push(j as u32);
                    }
                    s.dist_col[j] = nd;
                    q.push(nd, (nr + j) as u32);
                }
            }
        } else {
            let k = x - nr;
            if s.done_col[k] || d > s.dist_col[k] {
                continue;
            }
            s.done_col[k] = true;
            s.settled_cols.push(k as u32);
            if st.has_place(k) {
                reach = Some(d);
                break;
            }
            let mut r = st.head[k];
            while r != NONE {
                let ru = r as usize;
                if !s.done_row[ru] && d < s.dist_row[ru] {
                    if s.dist_row[ru] == INF {
                        s.touched_rows.push(r);
                    }
                    s.dist_row[ru] = d;
                    q.push(d, r);
                }
                r = st.next[ru];
            }
        }
    }
    let Some(big_d) = reach else {
        return Err(AssignError::Internal("no augmenting path"));
    };
    for &i in &s.settled_rows {
        let i = i as usize;
        st.u[i] += big_d - s.dist_row[i];
    }
    for &j in &s.settled_cols {
        let j = j as usize;
        st.v[j] -= big_d - s.dist_col[j];
    }
    for &i in &s.touched_rows {
        s.dist_row[i as usize] = INF;
        s.done_row[i as usize] = false;
    }
    for &j in &s.touched_cols {
        s.dist_col[j as usize] = INF;
        s.done_col[j as usize] = false;
    }
    Ok(())
}

/// The start of [`dual_step`] when the last matching search has just failed: everything it
/// reached is at distance 0 (rows, and the full columns their tight edges lead to, whose rows it
/// reached too), so it is settled at once, without the queue; the reached rows' loose edges give
/// the columns outside their first distances, and each such column joins the queue once. The
/// duals move as they would have: they depend only on the distances below the nearest free
/// place's, which are the same whatever the order of settling.
fn settle_reach(st: &State, s: &mut Scratch) {
    let nr = st.col4row.len();
    for &k in &s.queue {
        let k = k as usize;
        s.dist_row[k] = 0;
        s.done_row[k] = true;
        s.touched_rows.push(k as u32);
        s.settled_rows.push(k as u32);
    }
    for &k in &s.queue {
        let k = k as usize;
        let uk = st.u[k];
        for e in st.g.edges(k) {
            let j = st.g.col[e] as usize;
            if s.done_col[j] {
                continue;
            }
            let r = st.g.cost[e] - uk - st.v[j];
            if r < s.dist_col[j] {
                if s.dist_col[j] == INF {
                    s.touched_cols.push(j as u32);
                }
                s.dist_col[j] = r;
                if r == 0 {
                    debug_assert!(!st.has_place(j), "the failed search reached a free place");
                    s.done_col[j] = true;
                    s.settled_cols.push(j as u32);
                }
            }
        }
    }
    // Each column outside joins the queue once, at its nearest.
    for &j in &s.touched_cols {
        let j = j as usize;
        if !s.done_col[j] {
            s.queue_d.push(s.dist_col[j], (nr + j) as u32);
        }
    }
}

/// The graph by column: `start[j]..start[j + 1]` index the rows with an edge to column `j` and
/// those edges' costs (beside the rows: the searches read them together).
struct ByColumn {
    start: Vec<usize>,
    row: Vec<u32>,
    cost: Vec<i64>,
}

impl ByColumn {
    fn new(g: &Graph, nc: usize) -> ByColumn {
        let mut start = vec![0usize; nc + 1];
        for &j in &g.col {
            start[j as usize + 1] += 1;
        }
        for j in 0..nc {
            start[j + 1] += start[j];
        }
        let mut fill = start.clone();
        let mut row = vec![0u32; g.col.len()];
        let mut cost = vec![0i64; g.col.len()];
        for i in 0..g.n_rows() {
            for e in g.edges(i) {
                let j = g.col[e] as usize;
                row[fill[j]] = i as u32;
                cost[fill[j]] = g.cost[e];
                fill[j] += 1;
            }
        }
        ByColumn { start, row, cost }
    }

    /// The reduced cost of the `p`-th edge by column, that of column `k`.
    #[inline(always)]
    fn reduced(&self, st: &State, k: usize, p: usize) -> i64 {
        self.cost[p] - st.u[self.row[p] as usize] - st.v[k]
    }
}

/// Whether column `j` has an unused place while its dual is below its slack.
fn owes(st: &State, slack: &[i64], j: usize) -> bool {
    st.has_place(j) && st.v[j] < slack[j]
}

/// The reverse rounds of a warm start, once every row is assigned: each owed place (see
/// [`solve_warm`]) is the free end of the problem seen from the unused places, and is settled
/// as the forward rounds settle free rows, backwards. Augmenting paths of tight edges lead from
/// an owed column to a row that moves into it, from that row's column to the next row, and so
/// on, to a column whose dual equals its slack (which may keep the place the last row leaves).
/// When no such path is left, a Dijkstra search from the owed columns (column to the rows that
/// could move into it, on reduced costs; row to its own column, at no cost; ending at a column
/// `k` for `slack[k] - v[k]`, the cost of raising its dual to its slack) moves the duals by
/// the distance to the nearest end, which makes a path tight or an owed column's dual its
/// slack. Reduced costs stay non-negative and assigned edges tight, so the end state satisfies
/// every invariant with no owed place.
fn settle_owed(st: &mut State, s: &mut Scratch, slack: &[i64]) -> Result<(), AssignError> {
    let nc = st.cap.len();
    if !(0..nc).any(|j| owes(st, slack, j)) {
        return Ok(());
    }
    let by_col = ByColumn::new(st.g, nc);
    let mut r = Backward::new(nc);
    loop {
        reverse_match(st, &by_col, slack, &mut r);
        debug_assert!(st.consistent(), "after reverse matching");
        if !(0..nc).any(|j| owes(st, slack, j)) {
            return Ok(());
        }
        reverse_dual_step(st, s, &by_col, slack)?;
        debug_assert!(st.consistent(), "after a reverse dual step");
    }
}

/// Work arrays of the reverse matching: the rows with a tight edge to each column, each
/// column's level, the breadth-first queue and current-arc pointers (each column's place in its
/// list of tight rows).
struct Backward {
    tight: TightRows,
    level: Vec<u32>,
    queue: Vec<u32>,
    arc: Vec<usize>,
}

impl Backward {
    fn new(nc: usize) -> Backward {
        Backward {
            tight: TightRows {
                start: vec![0; nc],
                end: vec![0; nc],
                listed: vec![false; nc],
                rows: Vec::new(),
            },
            level: vec![UNSEEN; nc],
            queue: Vec::new(),
            arc: vec![0; nc],
        }
    }
}

/// The rows with a tight edge to each column, listed when a search first reaches the column
/// (`rows[start[k]..end[k]]`): the duals do not move while they are read, and a search that
/// meets an end near the owed columns reads few columns.
struct TightRows {
    start: Vec<usize>,
    end: Vec<usize>,
    listed: Vec<bool>,
    rows: Vec<u32>,
}

impl TightRows {
    /// Forget every list (the duals have moved).
    fn clear(&mut self) {
        self.listed.fill(false);
        self.rows.clear();
    }

    /// Column `k`'s tight rows, listed now if they are not yet.
    fn of(&mut self, st: &State, by_col: &ByColumn, k: usize) -> &[u32] {
        if !self.listed[k] {
            self.listed[k] = true;
            self.start[k] = self.rows.len();
            for p in by_col.start[k]..by_col.start[k + 1] {
                if by_col.reduced(st, k, p) == 0 {
                    self.rows.push(by_col.row[p]);
                }
            }
            self.end[k] = self.rows.len();
        }
        &self.rows[self.start[k]..self.end[k]]
    }
}

/// Hopcroft–Karp phases backwards, on tight edges, until no path leads from an owed column to
/// a column whose dual equals its slack (see [`settle_owed`]).
fn reverse_match(st: &mut State, by_col: &ByColumn, slack: &[i64], r: &mut Backward) {
    let nc = st.cap.len();
    // The duals do not move meanwhile: a column's tight rows, once listed, stay listed.
    r.tight.clear();
    loop {
        // Breadth-first levels of columns from every owed one; stop after the level that meets
        // an end.
        let owed = (0..nc).filter(|&j| owes(st, slack, j));
        let tight = &mut r.tight;
        let found = levels_from(&mut r.level, &mut r.queue, owed, |k, reach| {
            for &i in tight.of(st, by_col, k) {
                let from = st.col4row[i as usize] as usize;
                if from == k {
                    continue;
                }
                if st.v[from] == slack[from] {
                    reach.end();
                } else {
                    reach.on(from);
                }
            }
        });
        if found == UNSEEN {
            return;
        }
        r.arc.fill(0);
        let mut augmented = false;
        for j0 in 0..nc {
            while r.level[j0] == 0 && owes(st, slack, j0) {
                if !reverse_augment(st, by_col, slack, r, j0) {
                    break;
                }
                augmented = true;
            }
        }
        if !augmented {
            return;
        }
    }
}

/// One depth-first search along the levels from owed column `j0` for a tight path to an end:
/// a row that can move into the column, from the next level's column (or from an end), and so
/// on. Moves the rows along it and returns true if it finds one; columns it leaves in vain
/// leave the level graph.
fn reverse_augment(
    st: &mut State,
    by_col: &ByColumn,
    slack: &[i64],
    r: &mut Backward,
    j0: usize,
) -> bool {
    // Frames: (column, the row that leaves it for the column below, or NONE for `j0`).
    let mut stack: Vec<(usize, u32)> = vec![(j0, NONE)];
    while let Some(&(k, _)) = stack.last() {
        let lk = r.level[k];
        let p = r.arc[k];
        let tight = r.tight.of(st, by_col, k);
        if p == tight.len() {
            // Nothing more through `k` in this phase.
            r.level[k] = UNSEEN;
            stack.pop();
            if let Some(&(below, _)) = stack.last() {
                r.arc[below] += 1;
            }
            continue;
        }
        let i = tight[p] as usize;
        let from = st.col4row[i] as usize;
        if from == k {
            r.arc[k] += 1;
            continue;
        }
        if st.v[from] == slack[from] {
            // Row `i` moves into `k`, and each frame's row into the column below it.
            st.detach(i);
            st.attach(i, k);
            for t in (1..stack.len()).rev() {
                let row = stack[t].1 as usize;
                st.detach(row);
                st.attach(row, stack[t - 1].0);
            }
            return true;
        }
        if r.level[from] == lk + 1 {
            stack.push((from, i as u32));
        } else {
            r.arc[k] += 1;
        }
    }
    false
}

/// Dijkstra from every owed column backwards (see [`settle_owed`]); moves the duals.
fn reverse_dual_step(
    st: &mut State,
    s: &mut Scratch,
    by_col: &ByColumn,
    slack: &[i64],
) -> Result<(), AssignError> {
    let nr = st.col4row.len();
    let nc = st.cap.len();
    let q = &mut s.queue_d;
    q.clear();
    s.settled_rows.clear();
    s.settled_cols.clear();
    s.touched_rows.clear();
    s.touched_cols.clear();
    for j in 0..nc {
        if owes(st, slack, j) {
            s.dist_col[j] = 0;
            s.touched_cols.push(j as u32);
            q.push(0, (nr + j) as u32);
        }
    }
    let mut end = INF;
    while let Some((d, x)) = q.pop() {
        if d >= end {
            break;
        }
        let x = x as usize;
        if x < nr {
            // A row: on to its own column, at no cost.
            if s.done_row[x] || d > s.dist_row[x] {
                continue;
            }
            s.done_row[x] = true;
            s.settled_rows.push(x as u32);
            let k = st.col4row[x] as usize;
            if !s.done_col[k] && d < s.dist_col[k] {
                if s.dist_col[k] == INF {
                    s.touched_cols.push(k as u32);
                }
                s.dist_col[k] = d;
                q.push(d, (nr + k) as u32);
            }
            continue;
        }
        let k = x - nr;
        if s.done_col[k] || d > s.dist_col[k] {
            continue;
        }
        s.done_col[k] = true;
        s.settled_cols.push(k as u32);
        end = end.min(d.saturating_add(slack[k] - st.v[k]));
        // The rows it holds move with it (their edges to it stay tight).
        let mut r = st.head[k];
        while r != NONE {
            let ru = r as usize;
            if !s.done_row[ru] {
                if s.dist_row[ru] == INF {
                    s.touched_rows.push(r);
                }
                s.dist_row[ru] = d;
                s.done_row[ru] = true;
                s.settled_rows.push(r);
            }
            r = st.next[ru];
        }
        // Rows that could move into it.
        for p in by_col.start[k]..by_col.start[k + 1] {
            let i = by_col.row[p] as usize;
            if s.done_row[i] {
                continue;
            }
            let nd = d.saturating_add(by_col.reduced(st, k, p));
            if nd < s.dist_row[i] {
                if s.dist_row[i] == INF {
                    s.touched_rows.push(i as u32);
                }
                s.dist_row[i] = nd;
                q.push(nd, i as u32);
            }
        }
    }
    if end == INF {
        return Err(AssignError::Internal("no end for an owed place"));
    }
    for &i in &s.settled_rows {
        let i = i as usize;
        st.u[i] -= end - s.dist_row[i];
    }
    for &j in &s.settled_cols {
        let j = j as usize;
        st.v[j] += end - s.dist_col[j];
    }
    for &i in &s.touched_rows {
        s.dist_row[i as usize] = INF;
        s.done_row[i as usize] = false;
    }
    for &j in &s.touched_cols {
        s.dist_col[j as usize] = INF;
        s.done_col[j as usize] = false;
    }
    Ok(())
}

/// A monotone priority queue of `(distance, vertex)`: buckets for the next `WINDOW` distances,
/// a heap beyond. Pops never go below the last popped distance (Dijkstra's order).
struct BucketQueue {
    buckets: Vec<Vec<u32>>,
    /// Smallest distance the buckets can hold (the last popped).
    cur: i64,
    in_buckets: usize,
    far: BinaryHeap<Reverse<(i64, u32)>>,
}

const WINDOW: usize = 64;

/// The bucket of distance `d` (distances are never negative).
fn slot(d: i64) -> usize {
    usize::try_from(d.rem_euclid(WINDOW as i64)).unwrap_or(0)
}

impl BucketQueue {
    fn new() -> Self {
        BucketQueue {
            buckets: vec![Vec::new(); WINDOW],
            cur: 0,
            in_buckets: 0,
            far: BinaryHeap::new(),
        }
    }

    fn clear(&mut self) {
        for b in &mut self.buckets {
            b.clear();
        }
        self.cur = 0;
        self.in_buckets = 0;
        self.far.clear();
    }

    #[inline]
    fn push(&mut self, d: i64, x: u32) {
        debug_assert!(d >= self.cur, "Dijkstra went backwards");
        if d - self.cur < WINDOW as i64 {
            self.buckets[slot(d)].push(x);
            self.in_buckets += 1;
        } else {
            self.far.push(Reverse((d, x)));
        }
    }

    fn pop(&mut self) -> Option<(i64, u32)> {
        if self.in_buckets == 0 {
            let &Reverse((d, _)) = self.far.peek()?;
            self.cur = d;
        }
        // Far entries that the window has reached since they were pushed come in first, so the
        // buckets hold everything below `cur + WINDOW`.
        while let Some(&Reverse((d, x))) = self.far.peek() {
            if d - self.cur >= WINDOW as i64 {
                break;
            }
            self.far.pop();
            self.buckets[slot(d)].push(x);
            self.in_buckets += 1;
        }
        loop {
            if let Some(x) = self.buckets[slot(self.cur)].pop() {
                self.in_buckets -= 1;
                return Some((self.cur, x));
            }
            self.cur += 1;
        }
    }
}

/// The optimality conditions of `sol` on `g` (see the module docs); `Err` names the first that
/// fails.
pub(super) fn certify(
    g: &Graph,
    cap: &[u32],
    slack: &[i64],
    sol: &Solution,
) -> Result<(), &'static str> {
    let nc = cap.len();
    let mut load = vec![0u32; nc];
    for (i, &j) in sol.col4row.iter().enumerate() {
        if j as usize >= nc {
            return Err("row unassigned");
        }
        load[j as usize] += 1;
        let mut on_edge = false;
        for e in g.edges(i) {
            let r = g.cost[e] - sol.u[i] - sol.v[g.col[e] as usize];
            if r < 0 {
                return Err("negative reduced cost");
            }
            if g.col[e] == j {
                if r != 0 {
                    return Err("assigned edge not tight");
                }
                on_edge = true;
            }
        }
        if !on_edge {
            return Err("assigned to a column without an edge");
        }
    }
    for j in 0..nc {
        if load[j] > cap[j] {
            return Err("capacity exceeded");
        }
        if sol.v[j] > slack[j] || (load[j] < cap[j] && sol.v[j] != slack[j]) {
            return Err("column dual");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_new_in_each_round_even_when_the_count_wraps() {
        let mut m = Marks::new(3);
        m.round = u32::MAX - 1;
        let mut r = m.next();
        assert!(!r.check(1));
        assert!(r.check(1));
        assert!(!r.check(2));
        // The count wraps here: every mark is cleared, none carries over.
        let mut r = m.next();
        assert!(!r.check(0) && !r.check(1) && !r.check(2));
        assert!(r.check(2));
        let mut r = m.next();
        assert!(!r.check(2));
    }

    /// Total cost of a solution: assigned edges, plus `slack` for every unused place.
    fn total(g: &Graph, cap: &[u32], slack: &[i64], sol: &Solution) -> i64 {
        let mut load = vec![0u32; cap.len()];
        let mut sum = 0;
        for (i, &j) in sol.col4row.iter().enumerate() {
            load[j as usize] += 1;
            let e = g
                .edges(i)
                .find(|&e| g.col[e] == j)
                .expect("assigned along an edge");
            sum += g.cost[e];
        }
        for j in 0..cap.len() {
            sum += slack[j] * i64::from(cap[j] - load[j]);
        }
        sum
    }

    /// Random rows' edges (columns below `nc`, distinct) with costs, every row also on the last
    /// column (capacity `nr`, cost `q`), as the pricing graphs are.
    fn graph(rows: &[Vec<(u32, i64)>], last: u32, q: i64) -> Graph {
        let mut g = Graph::default();
        g.start.push(0);
        for row in rows {
            for &(j, c) in row {
                g.col.push(j);
                g.cost.push(c);
            }
            g.col.push(last);
            g.cost.push(q);
            g.start.push(g.col.len());
        }
        g
    }

    /// `nr` rows of fewer than `most` edges each (distinct columns below `nc`, in order), costing
    /// `10 * k` for `k` below `levels`.
    fn random_rows(
        next: &mut impl FnMut(u64) -> u64,
        nr: usize,
        nc: usize,
        most: u64,
        levels: u64,
    ) -> Vec<Vec<(u32, i64)>> {
        (0..nr)
            .map(|_| {
                let mut row: Vec<(u32, i64)> = (0..next(most))
                    .map(|_| (next(nc as u64) as u32, 10 * next(levels) as i64))
                    .collect();
                row.sort_by_key(|&(j, _)| j);
                row.dedup_by_key(|e| e.0);
                row
            })
            .collect()
    }

    #[test]
    fn a_warm_start_settles_owed_places_to_the_cold_optimum() {
        let mut next = crate::assign::test_numbers(0x9e37_79b9_7f4a_7c15);
        let mut owed_cases = 0;
        for case in 0..3000 {
            let nr = 1 + next(40) as usize;
            let nc = 1 + next(40) as usize;
            let levels = 1 + next(6);
            // Stage-like slacks (0, or a prohibitive price for a column that must stay full)
            // in a third of the cases.
            let big = 1_000;
            let mut slack: Vec<i64> = (0..nc)
                .map(|_| {
                    if case % 3 == 0 && next(2) == 0 {
                        big
                    } else {
                        0
                    }
                })
                .collect();
            slack.push(0);
            let mut cap: Vec<u32> = (0..nc).map(|_| 1 + next(3) as u32).collect();
            cap.push(nr as u32);
            let q = 100 * levels as i64;
            let edge = |next: &mut dyn FnMut(u64) -> u64| {
                (next(nc as u64) as u32, 10 * next(levels) as i64)
            };
            let mut rows = random_rows(&mut next, nr, nc, 4, levels);
            let g1 = graph(&rows, nc as u32, q);
            let first = solve(&g1, &cap, &slack).expect("solvable");
            assert_eq!(certify(&g1, &cap, &slack, &first), Ok(()));

            // Some rows gain edges; the warm start reopens them.
            let mut reopen = vec![false; nr];
            for (i, row) in rows.iter_mut().enumerate() {
                if next(3) == 0 {
                    reopen[i] = true;
                    for _ in 0..1 + next(6) {
                        let (j, c) = edge(&mut next);
                        if row.iter().all(|&(k, _)| k != j) {
                            row.push((j, c));
                        }
                    }
                }
            }
            let g2 = graph(&rows, nc as u32, q);
            let owed = (0..nr).any(|i| {
                let j = first.col4row[i] as usize;
                reopen[i] && first.v[j] < slack[j]
            });
            owed_cases += usize::from(owed);
            let warm = solve_warm(&g2, &cap, &slack, &first, &reopen).expect("solvable");
            assert_eq!(certify(&g2, &cap, &slack, &warm), Ok(()), "case {case}");
            let cold = solve(&g2, &cap, &slack).expect("solvable");
            assert_eq!(
                total(&g2, &cap, &slack, &warm),
                total(&g2, &cap, &slack, &cold),
                "case {case}"
            );
        }
        // The cases above do leave owed places (so the reverse rounds are what is tested).
        assert!(owed_cases > 500, "only {owed_cases} cases with owed places");
    }

    #[test]
    fn push_relabel_keeps_the_invariants_and_reaches_the_optimum() {
        let mut next = crate::assign::test_numbers(0x6a09_e667_f3bc_c908);
        let mut placed = 0;
        for case in 0..3000 {
            let nr = 1 + next(60) as usize;
            let nc = 1 + next(60) as usize;
            // Few cost levels: many ties, long alternating paths.
            let levels = 1 + next(4);
            let mut cap: Vec<u32> = (0..nc).map(|_| 1 + next(3) as u32).collect();
            cap.push(nr as u32);
            let mut slack = vec![0; nc + 1];
            if case % 4 == 0 {
                slack[next(nc as u64) as usize] = 1_000;
            }
            let rows = random_rows(&mut next, nr, nc, 8, levels);
            let g = graph(&rows, nc as u32, 100 * levels as i64);
            let plain = solve(&g, &cap, &slack).expect("solvable");

            // Push-relabel alone, on the first round's tight edges: a matching of tight edges
            // within every capacity (the phases after it make it maximum).
            let mut st = State {
                g: &g,
                cap: &cap,
                u: (0..nr)
                    .map(|i| {
                        g.edges(i)
                            .map(|e| g.cost[e] - slack[g.col[e] as usize])
                            .min()
                            .unwrap_or(0)
                    })
                    .collect(),
                v: slack.clone(),
                col4row: vec![NONE; nr],
                load: vec![0; nc + 1],
                head: vec![NONE; nc + 1],
                next: vec![NONE; nr],
                prev: vec![NONE; nr],
                free_rows: nr,
            };
            let mut s = Scratch::new(nr, nc + 1);
            list_tight(&st, &mut s);
            push_relabel(&mut st, &mut s);
            assert!(st.consistent(), "case {case}");
            assert_eq!(
                st.free_rows,
                st.col4row.iter().filter(|&&j| j == NONE).count(),
                "case {case}"
            );
            for (j, (&load, &c)) in st.load.iter().zip(&cap).enumerate() {
                let held = st.col4row.iter().filter(|&&k| k as usize == j).count();
                assert_eq!(held, load as usize, "case {case}");
                assert!(load <= c, "case {case}");
            }
            placed += nr - st.free_rows;

            // The whole solve with it: certified, and as cheap as without.
            TEST_PUSH_RELABEL.set(Some(true));
            let pushed = solve(&g, &cap, &slack).expect("solvable");
            TEST_PUSH_RELABEL.set(None);
            assert_eq!(certify(&g, &cap, &slack, &pushed), Ok(()), "case {case}");
            assert_eq!(
                total(&g, &cap, &slack, &pushed),
                total(&g, &cap, &slack, &plain),
                "case {case}"
            );
        }
        assert!(placed > 10_000, "push-relabel placed only {placed} rows");
    }
}
