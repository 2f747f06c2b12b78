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
//!    leads on to the rows it holds.
//! 2. **Dual step.** If rows remain unassigned, one Dijkstra search from all of them at once (on
//!    reduced costs, which stay non-negative) finds the distance `D` to the nearest free place,
//!    and the duals move by `D` minus each settled vertex's distance. This keeps every reduced
//!    cost non-negative and every assigned edge tight, and makes at least one more augmenting path
//!    tight; back to 1.
//!
//! Invariants (the LP optimality conditions, checked by [`certify`]): reduced costs are
//! non-negative on every edge and zero on assigned ones; `v[j] <= slack[j]`, with equality
//! whenever column `j` has a free place. When every row is assigned, they certify the assignment
//! minimum-cost (the assignment polytope is integral).
//!
//! With small integer costs, as in tie-heavy cohorts, the rows left unassigned all gain `D >= 1`
//! per round, so there are few rounds; most of the work is the matching on tight edges, where ties
//! help rather than hurt.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

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
/// graph it was solved on, that `g` differs from it only by edges of reopened rows, and that no
/// reopened row held a place whose column dual differs from its `slack` (so freeing the place
/// keeps the invariants).
pub(super) fn solve_warm(
    g: &Graph,
    cap: &[u32],
    slack: &[i64],
    prev: &Solution,
    reopen: &[bool],
) -> Result<Solution, AssignError> {
    solve_from(g, cap, slack, Some((prev, reopen)))
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
        }
    }
}

const UNSEEN: u32 = u32::MAX;

/// Hopcroft–Karp phases on tight edges until no augmenting path is tight. The duals do not move
/// meanwhile, so the tight edges are listed once (`s.tight`) and the phases read only them.
fn match_tight(st: &mut State, s: &mut Scratch) {
    let nr = st.col4row.len();
    if st.free_rows == 0 {
        return;
    }
    s.tight_start.clear();
    s.tight.clear();
    s.tight_start.push(0);
    for i in 0..nr {
        for e in st.g.edges(i) {
            if st.reduced(i, e) == 0 {
                s.tight.push(st.g.col[e]);
            }
        }
        s.tight_start.push(s.tight.len());
    }
    loop {
        if st.free_rows == 0 {
            return;
        }
        // Breadth-first levels from every free row; stop after the level that meets a place.
        s.level.fill(UNSEEN);
        s.queue.clear();
        for i in 0..nr {
            if st.col4row[i] == NONE {
                s.level[i] = 0;
                s.queue.push(i as u32);
            }
        }
        let mut found = UNSEEN;
        let mut qi = 0;
        while qi < s.queue.len() {
            let i = s.queue[qi] as usize;
            qi += 1;
            let li = s.level[i];
            if li > found {
                break;
            }
            for &j in &s.tight[s.tight_start[i]..s.tight_start[i + 1]] {
                let j = j as usize;
                if st.has_place(j) {
                    found = li;
                    continue;
                }
                if found != UNSEEN {
                    continue;
                }
                let mut r = st.head[j];
                while r != NONE {
                    let ru = r as usize;
                    if s.level[ru] == UNSEEN {
                        s.level[ru] = li + 1;
                        s.queue.push(r);
                    }
                    r = st.next[ru];
                }
            }
        }
        if found == UNSEEN {
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

/// One depth-first search for an augmenting path of tight edges from free row `r0`, levels
/// increasing by one per step up to `last`. Augments and returns true if it finds one.
fn augment_from(st: &mut State, s: &mut Scratch, r0: usize, last: u32) -> bool {
    // Frames: (row, column being explored or NONE, next row of that column to try).
    let mut stack: Vec<(u32, u32, u32)> = vec![(r0 as u32, NONE, NONE)];
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
            if st.has_place(j as usize) {
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
    let q = &mut s.queue_d;
    q.clear();
    s.settled_rows.clear();
    s.settled_cols.clear();
    s.touched_rows.clear();
    s.touched_cols.clear();
    for i in 0..nr {
        if st.col4row[i] == NONE {
            s.dist_row[i] = 0;
            s.touched_rows.push(i as u32);
            q.push(0, i as u32);
        }
    }
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
