//! The most-matches-then-highest-total optimum of a whole score matrix, solved on a few edges
//! per person and proved on all of them.
//!
//! # Method
//!
//! 1. **Candidates.** One pass over the rows keeps each row's `ROW_K` best columns, one pass over
//!    the columns each column's `COL_K` best rows (ties go to the first met, counting from a
//!    different place for each person, so tied people do not all crowd onto the same few).
//!    Where every score fits a byte, both passes read each person's scores as bytes ([`Line`]),
//!    and a row's best column with a place left is most often among its kept ones.
//! 2. **Sparse solve.** [`super::sparse`] solves the assignment on those edges, plus one edge per
//!    row to an "unmatched" column of capacity `n_rows` whose cost `Q` is larger than any
//!    difference in score total (see below).
//! 3. **Pricing.** One pass over every allowed pair checks its reduced cost against the duals
//!    (the rows in parts, one per core, when the problem is large: each row is priced on its own,
//!    so the parts never change a result).
//!    If none is negative, the duals are feasible for the whole problem and the sparse optimum is
//!    the optimum (LP duality; the assignment polytope is integral). Otherwise the most negative
//!    edges of each offending row join the candidates and the sparse problem is solved again,
//!    warm: every other row keeps its place and every column its dual (`sparse::solve_warm`).
//!    After a round that moved few duals, the next pass prices only the rows and columns whose
//!    duals rose ([`Changed`]): no other pair's price can have fallen. It adds the same edges, in
//!    the same order, as a pass over everything would; when the face is wanted, a pass over
//!    everything still proves the last round.
//!
//! Costs are `max_score - score` (so non-negative), and the unmatched column costs
//! `Q = max_score + 1 + sum over rows of the row's best score`. An assignment leaving `k` rows
//! unmatched with score total `S` costs `max_score * n_rows + (Q - max_score) * k - S`, and
//! `0 <= S < Q - max_score`: fewer unmatched always wins, then the higher total.

use multiversion::multiversion;

use rayon::prelude::*;

use super::source::{Source, score_of_key};
use super::sparse::{self, Graph, Solution};
use super::{AssignError, FORBIDDEN};

/// Candidate columns kept per row, and rows per column.
const ROW_K: usize = 12;
const COL_K: usize = 12;

/// How many candidates to start from (tests use tiny numbers to exercise the pricing loop).
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidates {
    pub row_k: usize,
    pub col_k: usize,
}

impl Default for Candidates {
    fn default() -> Self {
        Candidates {
            row_k: ROW_K,
            col_k: COL_K,
        }
    }
}
/// A candidate edge of a row: its column and its score (in units), kept so that building the
/// sparse graph does not score the pair again.
pub(super) type Edge = (u32, i32);

/// Most edges a row gains in one pricing pass.
const ADD_K: usize = 32;

/// [`ADD_K`], or what a test set (small, so that rows take only some of their negative pairs).
pub(super) fn add_k() -> usize {
    #[cfg(test)]
    return TEST_ADD_K.get();
    #[cfg(not(test))]
    ADD_K
}

/// Keeps the [`add_k`] smallest of `found` (most negative prices first; the rest of each tuple
/// breaks ties), in no particular order; returns whether it left some out.
pub(super) fn keep_most_negative<T: Ord>(found: &mut Vec<T>) -> bool {
    let k = add_k();
    let cut = found.len() > k;
    if cut {
        found.select_nth_unstable(k);
        found.truncate(k);
    }
    cut
}

/// An optimum of the whole problem with its certificate.
pub(super) struct Optimum {
    /// Column of each row; `n_cols` means unmatched.
    pub col4row: Vec<u32>,
    pub sol: Solution,
    /// The graph of candidate edges it was solved on.
    pub graph: Graph,
    /// Capacity per column, the unmatched column last.
    pub cap: Vec<u32>,
    /// Cost of the unmatched column.
    pub q: i64,
    /// The pairs tight for the optimal duals (the pairs every optimum may use), summed up
    /// when asked for.
    pub face: Option<FaceSummary>,
}

/// What the fair refinement needs to know of the optimal face before it starts.
pub(super) struct FaceSummary {
    /// The distinct scores of its pairs, ascending: the score levels.
    pub scores: Vec<i32>,
    /// Pairs of the face near the mean pair score, `(row, column, score)`: each column's
    /// [`NEAR_K`] nearest at or above the mean and `NEAR_K` nearest below it, then each row's
    /// [`ROW_NEAR_K`] of each. Each fair stage starts from them (see `super::fair`).
    pub near: Vec<(u32, u32, i32)>,
    /// Which pairs are in the face, a bit per pair (see [`TightBits`]), where every row was
    /// gathered the vectorised way; the stages test a pair's membership from it instead of
    /// scoring the row again.
    pub tight: Option<TightBits>,
}

/// A bit per pair, row by row: `words` words of 64 columns per row, bit `j % 64` of word
/// `j / 64` for column `j`; in blocks of consecutive rows, as the pass's parts gathered them
/// (never copied into one).
pub(super) struct TightBits {
    pub words: usize,
    blocks: Vec<Vec<u64>>,
    /// The first row of each block.
    starts: Vec<usize>,
}

impl TightBits {
    /// The bits of `blocks` (rows in order), if they hold exactly `n_rows` rows.
    fn new(words: usize, blocks: Vec<Vec<u64>>, n_rows: usize) -> Option<TightBits> {
        let mut starts = Vec::with_capacity(blocks.len());
        let mut rows = 0usize;
        for block in &blocks {
            starts.push(rows);
            rows = rows.checked_add(block.len().checked_div(words)?)?;
        }
        let whole = blocks.iter().all(|b| b.len() % words == 0) && rows == n_rows;
        whole.then_some(TightBits {
            words,
            blocks,
            starts,
        })
    }

    /// Row `i`'s words.
    pub fn row(&self, i: usize) -> &[u64] {
        // Blocks are few (one per part of a pass); empty ones share a start with the next.
        let k = self.starts.partition_point(|&s| s <= i) - 1;
        let at = (i - self.starts[k]) * self.words;
        &self.blocks[k][at..at + self.words]
    }
}

/// Pairs of the face kept per column on each side of the mean (see [`FaceSummary`]).
pub(super) const NEAR_K: usize = 6;
/// Pairs of the face kept per row on each side of the mean (see [`FaceSummary`]).
pub(super) const ROW_NEAR_K: usize = 1;

/// The lowest score at or above the mean pair score of `col4row` (each row's column, `n_cols`
/// for none): scores from it up are on the upper side of the mean.
fn mean_ceiling<S: Source>(src: &S, col4row: &[u32]) -> i32 {
    let nc = src.n_cols();
    let (mut pairs, mut total) = (0i64, 0i64);
    for (i, &j) in col4row.iter().enumerate() {
        if (j as usize) < nc {
            pairs += 1;
            // Below Q, which fits: checked when Q was made.
            total += i64::from(src.get(i, j as usize));
        }
    }
    if pairs == 0 {
        return 0;
    }
    // Between the lowest and highest score of the pairs: an `i32`.
    i32::try_from(total.div_euclid(pairs) + i64::from(total.rem_euclid(pairs) != 0))
        .unwrap_or(i32::MAX)
}

/// What a pricing pass gathers of the tight pairs of the duals it checks.
struct Face {
    scores: ScoreSet,
    /// Each column's nearest pairs above (or at) the mean, and below it.
    above: ColumnTops,
    below: ColumnTops,
    /// The row being gathered.
    row: RowNear,
    /// Each gathered row's nearest pairs, `(row, column, score)`.
    rows: Vec<(u32, u32, i32)>,
    /// [`Face::gather_row`]'s flags of the row's pairs ([`TIGHT`], [`UP`]).
    flags: Vec<u8>,
    /// The gathered rows' tight pairs as bits (see [`TightBits`]), in blocks of consecutive
    /// rows (the last one being gathered into), while every row gathered came through
    /// [`Face::gather_row`] or had none.
    bits: Vec<Vec<u64>>,
    bits_whole: bool,
    /// The rows [`Face::gather_row`] took, with tight pairs: their pairs are offered to the
    /// columns' nearest by [`Face::sweep`], once every row is gathered.
    swept: Vec<Swept>,
}

/// A row whose tight pairs are in [`Face`]'s bits, still to be offered to the columns' nearest.
#[derive(Clone, Copy)]
struct Swept {
    /// Its threshold: a tight pair in column `j` scores `t - v32[j]`.
    t: i32,
    i: u32,
    /// Where its words are: `bits[block][at..at + words]`.
    block: usize,
    at: usize,
}

/// How near a score is to the mean, lowest nearest, on its side of `mid` (the mean's ceiling):
/// above, the lower score is nearer; below, the higher.
#[inline]
fn nearness(s: i32, mid: i32) -> (bool, i32) {
    // Tight pairs are allowed pairs: their scores are above `FORBIDDEN` (`i32::MIN`), so `-s`
    // fits.
    if s >= mid { (true, s) } else { (false, -s) }
}

impl Face {
    fn new(max_score: i64, nr: usize, nc: usize) -> Face {
        Face {
            scores: ScoreSet::new(max_score),
            above: ColumnTops::new(nr, nc),
            below: ColumnTops::new(nr, nc),
            row: RowNear::new(nc),
            rows: Vec::new(),
            flags: Vec::new(),
            bits: vec![Vec::new()],
            bits_whole: true,
            swept: Vec::new(),
        }
    }

    /// Starts gathering row `i`'s tight pairs pair by pair ([`Face::insert`]).
    fn begin_row(&mut self, i: usize) {
        self.row.begin(i);
        self.bits_whole = false;
    }

    /// A row without tight pairs (its bits, all clear).
    fn empty_row(&mut self, nc: usize) {
        self.block().extend(std::iter::repeat_n(0, nc.div_ceil(64)));
    }

    /// The block of bits being gathered into.
    fn block(&mut self) -> &mut Vec<u64> {
        if self.bits.is_empty() {
            self.bits.push(Vec::new());
        }
        let last = self.bits.len() - 1;
        &mut self.bits[last]
    }

    /// Row `i`'s tight pairs, found the vectorised way: `net` is [`net_into`]'s sums for `row`
    /// with the columns' narrow duals (in `classes`), and the allowed pairs whose sum is `t` are
    /// the tight ones (`t` at least `-LIM / 2`, as [`for_tight`] has it). Keeps what
    /// [`Face::begin_row`], then [`Face::insert`] of each tight pair and [`Face::end_row`] would
    /// keep, once [`Face::sweep`] has offered the row's pairs to the columns' nearest. One
    /// vectorised pass ([`classify`]) flags each tight pair and whether it is above the mean,
    /// and gathers the classes of the tight pairs' column duals (a tight pair scores `t` less its
    /// column's dual, so these give the row's tight scores); pair by pair it then looks at every
    /// tight pair's score only where some column's dual has no class, and at the row's own
    /// nearest from its start until they are found. In tie-heavy cohorts a fifth of all pairs
    /// can be tight: pair by pair, this pass took three times as long as one without the face.
    /// Rows below 2^31 (a row is kept as a `u32`; `price` gathers this way only then).
    fn gather_row(
        &mut self,
        i: usize,
        row: &[i32],
        net: &[i32],
        classes: &DualClasses,
        t: i32,
        mid: i32,
    ) {
        let mut flags = std::mem::take(&mut self.flags);
        flags.clear();
        // Whole words of flags: the bits below are packed from whole eight-byte loads (no flag
        // is set past the row's end).
        flags.resize(row.len().next_multiple_of(64), 0);
        let seen = classify(
            &mut flags[..row.len()],
            classes,
            &RowIn { row, net, t, mid },
        );
        // The row's tight bits: eight flags' low bits at a time into a byte (the multiply
        // gathers byte k's bit 0 into bit k of the top byte), eight bytes to a word.
        let block_index = self.bits.len().saturating_sub(1);
        let block = self.block();
        let at = block.len();
        for words in flags.chunks_exact(64) {
            let mut word = 0u64;
            for (k, eight) in words.chunks_exact(8).enumerate() {
                let lanes = <[u8; 8]>::try_from(eight).unwrap_or_default();
                let low = u64::from_le_bytes(lanes) & 0x0101_0101_0101_0101;
                word |= (low.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
            }
            block.push(word);
        }
        // A tight pair's column has a class, or it is outside them.
        if seen.outside || seen.classes != 0 {
            // Rows are below 2^31 (see above).
            self.swept.push(Swept {
                t,
                i: i as u32,
                block: block_index,
                at,
            });
            // The row's tight scores, and the nearness of its nearest tight pair on each side
            // of the mean (`i32::MAX` where none): from the classes of their columns' duals
            // where every one has a class.
            // Each tight score met is kept, and sets the row's nearest on its side of the mean.
            let (mut near_up, mut near_down) = (i32::MAX, i32::MAX);
            let scores = &mut self.scores;
            let mut met = |s: i32| {
                scores.insert(s);
                let (up, d) = nearness(s, mid);
                let near = if up { &mut near_up } else { &mut near_down };
                *near = (*near).min(d);
            };
            if seen.outside {
                each_flagged(&flags, 0, TIGHT, |j| {
                    met(row[j]);
                    true
                });
            } else {
                for c in set_bits(u64::from(seen.classes)) {
                    // The score of a tight pair whose column's dual is in class `c`.
                    met(t.wrapping_sub(classes.dual[c]));
                }
            }
            // The row's nearest on each side: its tight pairs there in order from its start,
            // until the side holds `ROW_NEAR_K` at the side's nearest (none met later can rank
            // above those).
            self.row.begin(i);
            let start = self.row.start;
            for (up, nearest) in [(true, near_up), (false, near_down)] {
                if nearest == i32::MAX {
                    continue;
                }
                let side = if up { UP } else { 0 };
                let mut offer = |j: usize| {
                    if flags[j] & UP != side {
                        return true;
                    }
                    let (_, d) = nearness(row[j], mid);
                    self.row.offer(up, j, row[j], d);
                    !self.row.settled(usize::from(!up), nearest)
                };
                if each_flagged(&flags, start, TIGHT, &mut offer) {
                    each_flagged(&flags[..start], 0, TIGHT, offer);
                }
            }
            self.end_row(i);
        }
        self.flags = flags;
    }

    /// Offers the tight pairs of the rows [`Face::gather_row`] took to the columns' nearest,
    /// `v32` being the columns' narrow duals those rows were gathered with and `mid` the mean's
    /// ceiling. A tight pair in column `j` of a row of threshold `t` scores `t - v32[j]`, so a
    /// column's nearest at or above the mean are its tight pairs in the rows of the lowest
    /// thresholds from `mid + v32[j]` up, and of one threshold the first from the column's start
    /// (they tie on nearness); below the mean, the same from the highest threshold under
    /// `mid + v32[j]` down. So the rows are put in order of threshold, then row, and their bits
    /// turned into a bit per row for each column (64 by 64 at a time); each column then takes
    /// its pairs in the order it ranks them, a word of rows at a time, and stops at its
    /// [`NEAR_K`]th. Testing every pair against its column's nearest as the rows were gathered
    /// took most of the proving pass, and offering each row's tight pairs to the columns by
    /// threshold, most of them in a column's first threshold, as long.
    fn sweep(&mut self, v32: &[i32], mid: i32) {
        let mut rows = std::mem::take(&mut self.swept);
        if rows.is_empty() {
            return;
        }
        let nc = v32.len();
        let words = nc.div_ceil(64);
        rows.sort_unstable_by_key(|r| (r.t, r.i));
        // Each column's bits, a bit per row in that order.
        let by_column = BitColumns::of(words, rows.len(), |k| {
            let r = rows[k];
            &self.bits[r.block][r.at..][..words]
        });
        // Each threshold's rows: `groups[g]..groups[g + 1]`.
        let mut groups: Vec<usize> = (0..rows.len())
            .filter(|&k| k == 0 || rows[k].t != rows[k - 1].t)
            .collect();
        groups.push(rows.len());
        let n_groups = groups.len() - 1;
        for (j, &v) in v32.iter().enumerate() {
            let bits = by_column.column(j);
            let start = self.above.start[j];
            // The first threshold whose pairs in this column are at or above the mean.
            let edge = i64::from(mid) + i64::from(v);
            let first_up = groups[..n_groups].partition_point(|&k| i64::from(rows[k].t) < edge);
            for up in [true, false] {
                let tops = if up { &mut self.above } else { &mut self.below };
                let mut taken = 0;
                let order: &mut dyn Iterator<Item = usize> = if up {
                    &mut (first_up..n_groups)
                } else {
                    &mut (0..first_up).rev()
                };
                for g in order {
                    let (a, b) = (groups[g], groups[g + 1]);
                    let t = rows[a].t;
                    let s = t.wrapping_sub(v);
                    let (_, d) = nearness(s, mid);
                    // From the column's start on, then the rows before it.
                    let from = a + rows[a..b].partition_point(|r| r.i < start);
                    let mut take = |k: usize| {
                        tops.offer(rows[k].i as usize, j, s, d);
                        taken += 1;
                        taken < NEAR_K
                    };
                    if !(each_set_in(bits, from, b, &mut take) && each_set_in(bits, a, from, take))
                    {
                        break;
                    }
                }
            }
        }
    }
}

/// A bit matrix by column: for each of `words * 64` columns, a bit per row (`rows` rows, in
/// words of 64).
struct BitColumns {
    per: usize,
    bits: Vec<u64>,
}

impl BitColumns {
    /// The transpose of `rows` rows of `words` words each (`row(k)`, bit `j % 64` of word
    /// `j / 64` for column `j`), 64 rows by 64 columns at a time.
    fn of<'a>(words: usize, rows: usize, row: impl Fn(usize) -> &'a [u64]) -> BitColumns {
        let per = rows.div_ceil(64);
        let mut bits = vec![0u64; words * 64 * per];
        let mut block = [0u64; 64];
        for rb in 0..per {
            for w in 0..words {
                for (k, x) in block.iter_mut().enumerate() {
                    let r = rb * 64 + k;
                    *x = if r < rows { row(r)[w] } else { 0 };
                }
                transpose64(&mut block);
                for (c, &x) in block.iter().enumerate() {
                    bits[(w * 64 + c) * per + rb] = x;
                }
            }
        }
        BitColumns { per, bits }
    }

    /// Column `j`'s bits, a bit per row.
    fn column(&self, j: usize) -> &[u64] {
        &self.bits[j * self.per..(j + 1) * self.per]
    }
}

/// Transposes a 64 x 64 bit matrix in place: bit `c` of `a[k]` becomes bit `k` of `a[c]`
/// (quadrants swapped, then their quadrants, down to single bits).
fn transpose64(a: &mut [u64; 64]) {
    let mut j = 32;
    let mut m: u64 = 0x0000_0000_FFFF_FFFF;
    while j != 0 {
        let mut k = 0;
        while k < 64 {
            let t = ((a[k] >> j) ^ a[k + j]) & m;
            a[k] ^= t << j;
            a[k + j] ^= t;
            k = (k + j + 1) & !j;
        }
        j >>= 1;
        m ^= m << j;
    }
}

/// `f(k)` for each set bit `k` of `bits` with `from <= k < to`, in order, while `f` says to go
/// on; returns whether it went to the end.
fn each_set_in(bits: &[u64], from: usize, to: usize, mut f: impl FnMut(usize) -> bool) -> bool {
    let mut at = from;
    while at < to {
        let w = at / 64;
        let mut word = bits[w] >> (at % 64) << (at % 64);
        let end = (w + 1) * 64;
        if to < end {
            word &= (1u64 << (to % 64)) - 1;
        }
        for b in set_bits(word) {
            if !f(w * 64 + b) {
                return false;
            }
        }
        at = end;
    }
    true
}

/// [`Face::gather_row`]'s flags of a row's pairs, into `flags` (as long as the row), and what it
/// saw of the row's tight pairs. `flags` comes as a parameter of its own: the compiler then
/// knows its writes touch nothing the loop reads, and vectorises it. A free function, so that it
/// is compiled for each kind of vector unit and the best one the machine has is chosen when it
/// runs.
#[multiversion(targets = "simd")]
fn classify(flags: &mut [u8], classes: &DualClasses, input: &RowIn) -> RowSeen {
    let RowIn { row, net, t, mid } = *input;
    let (mut outside, mut present) = (false, 0u32);
    // One pass the compiler vectorises: no branch (`pick`, not `if`).
    let n = flags.len();
    let (row, net, class) = (&row[..n], &net[..n], &classes.bit[..n]);
    for k in 0..n {
        let s = row[k];
        let is_tight = (net[k] == t) & (s != FORBIDDEN);
        let is_up = s >= mid;
        flags[k] = u8::from(is_tight) | u8::from(is_up) << 1;
        let bit = class[k];
        present |= pick(is_tight, bit.cast_signed(), 0).cast_unsigned();
        outside |= is_tight & (bit == 0);
    }
    RowSeen {
        outside,
        classes: present,
    }
}

impl Face {
    /// Row `i`'s tight pair in column `j`, of score `s`; `mid` as [`nearness`] takes it.
    #[inline(always)]
    fn insert(&mut self, i: usize, j: usize, s: i32, mid: i32) {
        self.scores.insert(s);
        let (up, d) = nearness(s, mid);
        if up {
            self.above.offer(i, j, s, d);
        } else {
            self.below.offer(i, j, s, d);
        }
        self.row.offer(up, j, s, d);
    }

    /// Ends row `i`: keeps its nearest pairs.
    fn end_row(&mut self, i: usize) {
        self.rows
            .extend(self.row.take().map(|(j, s)| (i as u32, j, s)));
    }

    fn clear(&mut self) {
        self.scores.clear();
        self.bits = vec![Vec::new()];
        self.bits_whole = true;
        self.swept.clear();
        self.above.clear();
        self.below.clear();
        self.rows.clear();
    }

    fn merge(&mut self, other: Face) {
        self.scores.merge(other.scores);
        self.above.merge(&other.above);
        self.below.merge(&other.below);
        self.rows.extend(other.rows);
        // The other's rows keep their words, in its blocks after these.
        let blocks = self.bits.len();
        self.swept.extend(other.swept.into_iter().map(|r| Swept {
            block: r.block + blocks,
            ..r
        }));
        self.bits.extend(other.bits);
        self.bits_whole &= other.bits_whole;
    }

    fn summary(self) -> FaceSummary {
        let words = self.above.start.len().div_ceil(64);
        let tight = self
            .bits_whole
            .then(|| TightBits::new(words, self.bits, self.above.nr))
            .flatten();
        let mut near = Vec::with_capacity(2 * self.above.items.len() + self.rows.len());
        for tops in [self.above, self.below] {
            tops.append_to(&mut near);
        }
        // Rows in order (parts are merged in row order).
        near.extend(self.rows);
        FaceSummary {
            scores: self.scores.into_sorted(),
            near,
            tight,
        }
    }
}

/// One row's [`ROW_NEAR_K`] nearest tight pairs on each side of the mean, ranked as
/// [`ColumnTops`] ranks a column's (ties from a different place per row).
struct RowNear {
    nc: usize,
    start: usize,
    /// `(nearness, place from the row's start, column, score)`, above and below.
    sides: [Vec<(i32, u32, u32, i32)>; 2],
    /// The lowest ranked `(nearness, place)` of each full side.
    worst: [(i32, u32); 2],
}

impl RowNear {
    fn new(nc: usize) -> RowNear {
        RowNear {
            nc,
            start: 0,
            sides: [Vec::new(), Vec::new()],
            worst: [(0, 0); 2],
        }
    }

    fn begin(&mut self, i: usize) {
        self.start = rotation(i, self.nc);
        for side in &mut self.sides {
            side.clear();
        }
    }

    #[inline(always)]
    fn offer(&mut self, up: bool, j: usize, s: i32, d: i32) {
        let k = usize::from(!up);
        // Below n_cols, which is below 2^32.
        let key = if j >= self.start {
            j - self.start
        } else {
            j + self.nc - self.start
        } as u32;
        // Most pairs rank below every pair kept (places differ: a row meets a column once).
        if self.sides[k].len() == ROW_NEAR_K && (d, key) > self.worst[k] {
            return;
        }
        self.place(k, (d, key, j as u32, s));
    }

    #[cold]
    #[inline(never)]
    fn place(&mut self, k: usize, c: (i32, u32, u32, i32)) {
        let side = &mut self.sides[k];
        if side.len() < ROW_NEAR_K {
            side.push(c);
        } else if let Some(worst) = side.iter_mut().max() {
            // `c` ranks above it: `offer` let it through.
            *worst = c;
        }
        self.worst[k] = side.iter().map(|x| (x.0, x.1)).max().unwrap_or((c.0, c.1));
    }

    /// Whether side `k` is full with pairs all of nearness `d`, the least any pair on it has:
    /// no pair met later (further from the row's start) can take a place.
    fn settled(&self, k: usize, d: i32) -> bool {
        self.sides[k].len() == ROW_NEAR_K && self.worst[k].0 == d
    }

    /// The row's kept pairs, `(column, score)`, above then below, each nearest first.
    fn take(&mut self) -> impl Iterator<Item = (u32, i32)> + '_ {
        self.sides.iter_mut().flat_map(|side| {
            side.sort_unstable();
            side.drain(..).map(|(_, _, j, s)| (j, s))
        })
    }
}

/// Each column's [`NEAR_K`] nearest pairs among those offered, ties from a different place per
/// column (the rows from `rotation(j, n_rows)` on come first). A pair is ranked by
/// `(nearness, key)`, lowest best, where `key` is the row's distance from that start: a total
/// order, so what is kept does not depend on the order pairs are offered in, and parts
/// gathered apart merge into what one pass would keep.
struct ColumnTops {
    nr: usize,
    start: Vec<u32>,
    /// `NEAR_K` slots per column, the first `len[j]` used: `(nearness, key, score)`.
    items: Vec<(i32, u32, i32)>,
    len: Vec<u8>,
    /// The nearness and key of each full column's lowest ranked item; the largest values while
    /// the column has room (every pair ranks at or above them then, and a column with room
    /// takes any pair). Apart, so that a row's pairs are tested against them vectorised
    /// ([`Face::gather_row`]).
    worst_d: Vec<i32>,
    worst_key: Vec<u32>,
}

impl ColumnTops {
    fn new(nr: usize, nc: usize) -> ColumnTops {
        ColumnTops {
            nr,
            // Below n_rows, which is below 2^32.
            start: (0..nc).map(|j| rotation(j, nr) as u32).collect(),
            items: vec![(0, 0, 0); nc * NEAR_K],
            len: vec![0; nc],
            worst_d: vec![i32::MAX; nc],
            worst_key: vec![u32::MAX; nc],
        }
    }

    fn clear(&mut self) {
        self.len.fill(0);
        self.worst_d.fill(i32::MAX);
        self.worst_key.fill(u32::MAX);
    }

    /// Row `i`'s key in column `j`: its distance from the column's start.
    #[inline]
    fn key(&self, i: usize, j: usize) -> u32 {
        let start = self.start[j] as usize;
        // Below n_rows, which is below 2^32.
        (if i >= start {
            i - start
        } else {
            i + self.nr - start
        }) as u32
    }

    #[inline(always)]
    fn offer(&mut self, i: usize, j: usize, s: i32, d: i32) {
        // Most pairs rank below a full column's worst by their nearness alone.
        if d > self.worst_d[j] {
            return;
        }
        self.offer_ranked(j, (d, self.key(i, j), s));
    }

    #[inline]
    fn offer_ranked(&mut self, j: usize, c: (i32, u32, i32)) {
        let n = self.len[j] as usize;
        let slots = &mut self.items[j * NEAR_K..(j + 1) * NEAR_K];
        if n < NEAR_K {
            slots[n] = c;
            self.len[j] += 1;
            if n + 1 == NEAR_K {
                self.set_worst(j);
            }
        } else if (c.0, c.1) < (self.worst_d[j], self.worst_key[j]) {
            // Keys in a column are distinct (a row meets it once): the worst is one slot.
            let w = (self.worst_d[j], self.worst_key[j]);
            if let Some(slot) = slots.iter_mut().find(|x| (x.0, x.1) == w) {
                *slot = c;
            }
            self.set_worst(j);
        }
    }

    /// Records full column `j`'s lowest ranked item.
    fn set_worst(&mut self, j: usize) {
        let slots = &self.items[j * NEAR_K..(j + 1) * NEAR_K];
        if let Some(&(d, key, _)) = slots.iter().max() {
            self.worst_d[j] = d;
            self.worst_key[j] = key;
        }
    }

    fn merge(&mut self, other: &ColumnTops) {
        for j in 0..self.len.len() {
            let n = other.len[j] as usize;
            for k in 0..n {
                self.offer_ranked(j, other.items[j * NEAR_K + k]);
            }
        }
    }

    /// Appends each column's `(row, column, score)` pairs, columns in order and each column's
    /// nearest first (sorted where they are kept: thousands of columns, no list of their own).
    fn append_to(mut self, near: &mut Vec<(u32, u32, i32)>) {
        for j in 0..self.len.len() {
            let start = self.start[j] as usize;
            let kept = &mut self.items[j * NEAR_K..j * NEAR_K + self.len[j] as usize];
            kept.sort_unstable();
            near.extend(
                kept.iter()
                    .map(|&(_, key, s)| (((key as usize + start) % self.nr) as u32, j as u32, s)),
            );
        }
    }
}

/// The distinct scores of a pass's tight pairs: marked in a table when scores are small, else
/// listed and deduplicated as the list grows.
struct ScoreSet {
    mark: Vec<bool>,
    list: Vec<i32>,
}

impl ScoreSet {
    fn new(max_score: i64) -> ScoreSet {
        let mark = usize::try_from(max_score)
            .ok()
            .filter(|&m| m < 1 << 20)
            .map_or_else(Vec::new, |m| vec![false; m + 1]);
        ScoreSet {
            mark,
            list: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.mark.fill(false);
        self.list.clear();
    }

    #[inline]
    fn insert(&mut self, s: i32) {
        match usize::try_from(s).ok().and_then(|k| self.mark.get_mut(k)) {
            Some(m) => *m = true,
            None => {
                self.list.push(s);
                if self.list.len() >= 1 << 16 {
                    self.list.sort_unstable();
                    self.list.dedup();
                }
            }
        }
    }

    /// Adds the scores of `other` (made with the same `max_score`).
    fn merge(&mut self, other: ScoreSet) {
        for (m, o) in self.mark.iter_mut().zip(other.mark) {
            *m |= o;
        }
        self.list.extend(other.list);
        self.list.sort_unstable();
        self.list.dedup();
    }

    fn into_sorted(mut self) -> Vec<i32> {
        for (s, &m) in self.mark.iter().enumerate() {
            if m {
                // `mark` has fewer than 2^20 entries.
                self.list.push(s as i32);
            }
        }
        self.list.sort_unstable();
        self.list.dedup();
        self.list
    }
}

/// Problems of fewer cells are priced on one thread.
const PARALLEL_CELLS: usize = 1 << 20;

#[cfg(test)]
thread_local! {
    /// Tests set it to price on the calling thread whatever the size.
    pub(super) static ONE_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// Tests set it to choose the passes: `Some(true)` every pair in every pass, `Some(false)`
    /// only what changed in every pass after the first, `None` as the sizes say. With either,
    /// fair stages start without the face's pairs near the mean, so that they take many rounds.
    pub(super) static TEST_PASSES: std::cell::Cell<Option<bool>> =
        const { std::cell::Cell::new(None) };
    /// How many passes priced only what changed.
    pub(super) static PARTIAL_PASSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Most edges a row gains in one pass (see [`add_k`]).
    pub(super) static TEST_ADD_K: std::cell::Cell<usize> = const { std::cell::Cell::new(ADD_K) };
}

/// `f(first, part)` on contiguous parts of `rows` (`first` the index of the part's first row),
/// one per available core when `cells` (the work) is large, else on the calling thread; their
/// results in row order. Which rows go together never changes a result: each row is priced on
/// its own.
///
/// The parts run on the [`crate::threads`], which wait between passes: a new thread per pass could
/// start milliseconds late while this one worked (a few times in every run on a virtual machine
/// with two cores), and the pass waited for it.
pub(super) fn in_parts<E: Send, R: Send>(
    rows: &mut [E],
    cells: usize,
    f: impl Fn(usize, &mut [E]) -> R + Sync,
) -> Vec<R> {
    #[cfg(test)]
    let cells = if ONE_THREAD.get() { 0 } else { cells };
    let pool = crate::threads::pool().filter(|_| cells >= PARALLEL_CELLS && rows.len() >= 2);
    let Some(pool) = pool else {
        return vec![f(0, rows)];
    };
    let per = rows.len().div_ceil(pool.current_num_threads());
    pool.install(|| {
        rows.par_chunks_mut(per)
            .enumerate()
            .map(|(k, part)| f(k * per, part))
            .collect()
    })
}

/// Bound of the vectorised reduced-cost test: column duals are clamped to `±LIM` as `i32`.
const LIM: i64 = 1 << 30;

/// The column duals as `i32` clamped to `±LIM`, when the vectorised test applies (scores below
/// `LIM / 2`, duals at most `LIM`): `s + v[j]` in `i32` is then exact for every allowed pair
/// whose column dual is above `-LIM`, and larger than exact for the others.
pub(super) fn narrow_duals(v: &[i64], max_score: i64) -> Option<Vec<i32>> {
    (max_score < LIM / 2 && v.iter().all(|&x| x <= LIM))
        .then(|| v.iter().map(|&x| x.max(-LIM) as i32).collect())
}

/// `net[j] = row[j] + v32[j]` (forbidden cells clamped to `-LIM` first), vectorised; returns the
/// largest.
#[multiversion(targets = "simd")]
pub(super) fn net_into(row: &[i32], v32: &[i32], net: &mut [i32]) -> i32 {
    for (t, (&s, &vj)) in net.iter_mut().zip(row.iter().zip(v32)) {
        // Within +-2^31 by the clamps: wraps never (explicit, to vectorise).
        *t = s.max(-(LIM as i32)).wrapping_add(vj);
    }
    net.iter().copied().fold(i32::MIN, i32::max)
}

/// Calls `f(j, score)` for every allowed pair of `row` that is tight: `score + v[j] ==
/// threshold`. `net` is `net_into`'s result and largest value, when the duals are narrow.
#[inline]
pub(super) fn for_tight(
    row: &[i32],
    v: &[i64],
    net: Option<(&[i32], i32)>,
    threshold: i64,
    mut f: impl FnMut(usize, i32),
) {
    match net {
        // An allowed pair's clamped sum is exact unless its column's dual is below -2^30, and
        // then larger than exact: above -2^29 (scores are under 2^29) the clamped sums equal to
        // the threshold are all the tight pairs, confirmed exactly.
        Some((net, most)) if threshold >= -(LIM / 2) => {
            if i64::from(most) < threshold {
                return;
            }
            // most >= threshold: it fits.
            let t = threshold as i32;
            // A mask of the equal sums, 64 columns at a time (vectorised), then its set bits: no
            // branch per column, where a fifth of them may be tight.
            for (b, block) in net.chunks(64).enumerate() {
                let mut mask = 0u64;
                for (k, &x) in block.iter().enumerate() {
                    mask |= u64::from(x == t) << k;
                }
                for k in set_bits(mask) {
                    let j = b * 64 + k;
                    let s = row[j];
                    if s != FORBIDDEN && i64::from(s) + v[j] == threshold {
                        f(j, s);
                    }
                }
            }
        }
        _ => {
            for (j, (&s, &vj)) in row.iter().zip(v).enumerate() {
                if s != FORBIDDEN && i64::from(s) + vj == threshold {
                    f(j, s);
                }
            }
        }
    }
}

/// Cells per block of a [`TopK`] scan.
const BLOCK: usize = 32;

/// The largest of each [`BLOCK`] of `cells` (the last may be shorter), added to `out`: blocks
/// of a known length, so that the compiler vectorises each maximum.
#[multiversion(targets = "simd")]
fn block_maxima<T: Copy + Ord>(cells: &[T], out: &mut Vec<T>) {
    let mut blocks = cells.chunks_exact(BLOCK);
    out.extend(
        (&mut blocks)
            .filter_map(|b| <&[T; BLOCK]>::try_from(b).ok())
            .map(|b| b.iter().fold(b[0], |m, &x| m.max(x))),
    );
    if let Some(top) = blocks.remainder().iter().copied().max() {
        out.push(top);
    }
}

/// A mask of the cells of `block` (at most 64) above `t`.
#[multiversion(targets = "simd")]
fn mask_above<T: Copy + PartialOrd>(block: &[T], t: T) -> u64 {
    block
        .iter()
        .enumerate()
        .fold(0u64, |m, (k, &c)| m | u64::from(c > t) << k)
}

/// The key a key must be above to score above `floor` ([`score_of_key`]: `c - 1 > floor`, and a
/// forbidden 0 never is), or `None` if no key can.
fn key_above(floor: i32) -> Option<u8> {
    u8::try_from(floor.saturating_add(1).max(0)).ok()
}

/// Keeps the `k` best `(score, index)` seen, ties to the first seen.
struct TopK {
    k: usize,
    items: Vec<(i32, u32)>,
    /// Scores must beat this to enter (once `items` holds `k`).
    floor: i32,
}

impl TopK {
    fn new(k: usize) -> Self {
        TopK {
            k,
            items: Vec::with_capacity(2 * k + 1),
            floor: i32::MIN,
        }
    }

    fn clear(&mut self) {
        self.clear_above(i32::MIN);
    }

    /// Empty, taking only values above `floor`.
    fn clear_above(&mut self, floor: i32) {
        self.items.clear();
        self.floor = floor;
    }

    /// Feeds `scores[start..]` then `scores[..start]`, skipping forbidden cells.
    fn scan(&mut self, scores: &[i32], start: usize) {
        // FORBIDDEN is i32::MIN, never above the floor.
        self.scan_cells(scores, start, |s| s, Some);
    }

    /// [`TopK::scan`] of keys (see `Source::row_keys`): the same pairs kept, in the same order.
    fn scan_keys(&mut self, keys: &[u8], start: usize) {
        self.scan_cells(keys, start, score_of_key, key_above);
    }

    /// Feeds `cells[start..]` then `cells[..start]`, each cell's score being `score(cell)`:
    /// `i32::MIN` (never above the floor) where the pair is forbidden, and rising with the
    /// cell, so that the largest cell of a block has its largest score. `above(floor)` is the
    /// cell a cell must be above to score above `floor` (`None`: no cell can).
    #[inline]
    fn scan_cells<T: Copy + Ord>(
        &mut self,
        cells: &[T],
        start: usize,
        score: impl Fn(T) -> i32,
        above: fn(i32) -> Option<T>,
    ) {
        let (tail, head) = cells.split_at(start);
        // Each block's largest cell (vectorised), the head's blocks then the tail's.
        let mut tops = Vec::with_capacity(cells.len().div_ceil(BLOCK) + 1);
        block_maxima(head, &mut tops);
        let head_blocks = tops.len();
        block_maxima(tail, &mut tops);
        // The k largest maxima are k cells: no cell below the k-th of them can be among the k
        // best, so the scan starts with the floor just under it (where more than k cells are
        // allowed, a scan sorts what it keeps; so does this one, below).
        let (given, mut floored) = (self.floor, false);
        if self.k > 0 && tops.len() >= self.k {
            let mut ranked: Vec<i32> = tops.iter().map(|&t| score(t)).collect();
            let at = ranked.len() - self.k;
            let (_, &mut kth, _) = ranked.select_nth_unstable(at);
            if kth > i32::MIN && kth.saturating_sub(1) > self.floor {
                self.floor = kth - 1;
                floored = true;
            }
        }
        let mut pushed = 0usize;
        for (offset, part, tops) in [
            (start, head, &tops[..head_blocks]),
            (0, tail, &tops[head_blocks..]),
        ] {
            // Blocks whose largest value cannot enter are skipped whole.
            for (b, (block, &top)) in part.chunks(BLOCK).zip(tops).enumerate() {
                if score(top) <= self.floor {
                    continue;
                }
                // The cells above the floor as a mask, then each of them (a push can raise
                // the floor: tested again).
                let mask = above(self.floor).map_or(0, |t| mask_above(block, t));
                for k in set_bits(mask) {
                    let s = score(block[k]);
                    if s > self.floor {
                        self.push(s, (offset + b * BLOCK + k) as u32);
                        pushed += 1;
                    }
                }
            }
        }
        self.compact();
        // A scan from the floor it was given pushes every cell above it until it has 2k, and
        // sorts what it keeps whenever it pushed more than k; this one pushed exactly k only if
        // no other cell beat the raised floor: then sorted too if another beat the given one.
        if floored
            && pushed == self.k
            && cells
                .iter()
                .filter(|&&c| score(c) > given)
                .nth(self.k)
                .is_some()
        {
            // Best first, ties in the order met (a stable sort), as the scan's own.
            self.items.sort_by_key(|&(s, _)| std::cmp::Reverse(s));
        }
    }

    /// Feeds `(score, index)` pairs in the order `scan` would meet them, as `scan` does.
    fn feed(&mut self, items: impl Iterator<Item = (i32, u32)>) {
        for (s, j) in items {
            if s > self.floor {
                self.push(s, j);
            }
        }
        self.compact();
    }

    #[inline(never)]
    fn push(&mut self, s: i32, j: u32) {
        self.items.push((s, j));
        if self.items.len() >= 2 * self.k.max(1) {
            self.compact();
        }
    }

    /// The best column kept that is still `open` (not 0; the first kept among ties), if any:
    /// then it is the best open one of the whole scan, ties to the first met. Every pair
    /// left out scored at most the floor, and one that tied with a kept pair at the floor came
    /// later (`push` lets nothing in at the floor, and `compact` keeps the first of a tie), so
    /// no pair left out is better than, or ties before, a kept one.
    fn best_open(&self, open: &[u8]) -> Option<usize> {
        let mut best: Option<(i32, u32)> = None;
        // Kept pairs of one score are in the order they were met (`compact` sorts stably).
        for &(s, j) in &self.items {
            if open[j as usize] != 0 && best.is_none_or(|(b, _)| s > b) {
                best = Some((s, j));
            }
        }
        best.map(|(_, j)| j as usize)
    }

    /// Keeps the best `k` (by score, then order of arrival, which `sort` keeps stable).
    fn compact(&mut self) {
        if self.items.len() > self.k {
            self.items.sort_by_key(|&(s, _)| std::cmp::Reverse(s));
            self.items.truncate(self.k);
        }
        if self.items.len() == self.k
            && let Some(&(s, _)) = self.items.last()
        {
            self.floor = s;
        }
    }
}

/// What [`Face::classify`] reads of a row: row `i`'s scores and [`net_into`]'s sums for them,
/// the sum `t` of its tight pairs, and `mid`, the mean's ceiling.
#[derive(Clone, Copy)]
struct RowIn<'a> {
    row: &'a [i32],
    net: &'a [i32],
    t: i32,
    mid: i32,
}

/// What [`Face::classify`] saw of a row's tight pairs.
struct RowSeen {
    /// Whether some are in a column whose dual has no class, and the classes of the others'
    /// columns' duals (bit `c` for class `c`).
    outside: bool,
    classes: u32,
}

/// The distinct column duals of a pass, up to 32 of them, in classes: a tight pair scores its
/// row's threshold less its column's dual, so the classes of a row's tight pairs' columns give
/// the row's tight scores. In tie-heavy cohorts the columns' duals take a handful of values (5
/// to 7 on the benchmark cohorts, 2,000 to 10,000 columns).
struct DualClasses {
    /// Each column's class as a bit (`1 << class`), 0 for a dual beyond the 32 lowest.
    bit: Vec<u32>,
    /// Each class's dual, ascending.
    dual: Vec<i32>,
}

impl DualClasses {
    fn new(v32: &[i32]) -> DualClasses {
        let mut dual = v32.to_vec();
        dual.sort_unstable();
        dual.dedup();
        dual.truncate(32);
        let bit = v32
            .iter()
            .map(|x| dual.binary_search(x).map_or(0, |c| 1u32 << c))
            .collect();
        DualClasses { bit, dual }
    }
}

/// The places of `word`'s set bits, lowest first.
#[inline]
pub(super) fn set_bits(mut word: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (word != 0).then(|| {
            let k = word.trailing_zeros() as usize;
            word &= word - 1;
            k
        })
    })
}

/// `a` if `c`, else `b`, without a branch (`if` can keep a loop from being vectorised).
#[inline(always)]
fn pick(c: bool, a: i32, b: i32) -> i32 {
    let all = -i32::from(c);
    (a & all) | (b & !all)
}

/// [`Face::gather_row`]'s flags of a pair: tight, at or above the mean.
const TIGHT: u8 = 1;
const UP: u8 = 2;

/// `f(start + k)` for each `flags[k]` (from `flags[start..]`) that has a bit of `bit`, in order,
/// while `f` says to go on; returns whether it went to the end. Eight flags at a time: most
/// have none.
fn each_flagged(flags: &[u8], start: usize, bit: u8, mut f: impl FnMut(usize) -> bool) -> bool {
    let word_bits = u64::from_ne_bytes([bit; 8]);
    let flags = &flags[start..];
    let mut words = flags.chunks_exact(8);
    let mut at = start;
    for word in words.by_ref() {
        let w = u64::from_ne_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]);
        if w & word_bits != 0 {
            for (k, &flag) in word.iter().enumerate() {
                if flag & bit != 0 && !f(at + k) {
                    return false;
                }
            }
        }
        at += 8;
    }
    for (k, &flag) in words.remainder().iter().enumerate() {
        if flag & bit != 0 && !f(at + k) {
            return false;
        }
    }
    true
}

/// A different starting point per person, spread over `n`.
pub(super) fn rotation(person: usize, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    ((person as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16) as usize % n
}

/// `a()` and `b()`, side by side on the [`crate::threads`] when `cells` (the work) is large and
/// there are threads, else one after the other on this thread.
fn beside<A: Send, B: Send>(
    cells: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    #[cfg(test)]
    let cells = if ONE_THREAD.get() { 0 } else { cells };
    crate::threads::join(cells >= PARALLEL_CELLS, a, b)
}

/// One person's scores against the other side, as keys when the source gives them (a quarter
/// of the memory to scan), else as scores.
enum Line {
    Keys(Vec<u8>),
    Scores(Vec<i32>),
}

impl Line {
    fn new(n: usize) -> Line {
        Line::Keys(vec![0; n])
    }

    /// Fills the line with `keys`, or else (for good, once the source has none) `scores`.
    fn fill(&mut self, keys: impl FnOnce(&mut [u8]) -> bool, scores: impl FnOnce(&mut [i32])) {
        if let Line::Keys(k) = self {
            if keys(k) {
                return;
            }
            *self = Line::Scores(vec![0; k.len()]);
        }
        if let Line::Scores(s) = self {
            scores(s);
        }
    }

    fn scan(&self, top: &mut TopK, start: usize) {
        match self {
            Line::Keys(keys) => top.scan_keys(keys, start),
            Line::Scores(scores) => top.scan(scores, start),
        }
    }

    fn score(&self, j: usize) -> i32 {
        match self {
            Line::Keys(keys) => score_of_key(keys[j]),
            Line::Scores(scores) => scores[j],
        }
    }

    /// The best allowed place whose `open` is `0xFF` (the others are `0`), the first met from
    /// `start` among ties.
    fn best_open(&self, open: &[u8], start: usize) -> Option<usize> {
        match self {
            Line::Keys(keys) => {
                // A key of 0 (forbidden, or not open) is never the best.
                let masked = |j: usize| keys[j] & open[j];
                let best = keys.iter().zip(open).map(|(&k, &o)| k & o).max()?;
                if best == 0 {
                    return None;
                }
                first_from(keys.len(), start, |j| masked(j) == best)
            }
            Line::Scores(scores) => {
                let allowed = |s: i32, o: u8| if o == 0 { FORBIDDEN } else { s };
                let best = scores
                    .iter()
                    .zip(open)
                    .map(|(&s, &o)| allowed(s, o))
                    .fold(FORBIDDEN, i32::max);
                if best == FORBIDDEN {
                    return None;
                }
                first_from(scores.len(), start, |j| allowed(scores[j], open[j]) == best)
            }
        }
    }
}

/// The first `j` that `hit` from `start` round to `start - 1`, looked for 32 at a time (a
/// branch-free test of each block, then the place in the block that has one).
#[inline]
fn first_from(n: usize, start: usize, hit: impl Fn(usize) -> bool) -> Option<usize> {
    for range in [start..n, 0..start] {
        let mut j = range.start;
        while j < range.end {
            let end = (j + 32).min(range.end);
            if (j..end).fold(false, |any, x| any | hit(x)) {
                return (j..end).find(|&x| hit(x));
            }
            j = end;
        }
    }
    None
}

/// Each row's `k` best columns, then its best column that still has a place (greedily, in row
/// order, so the candidates hold a large matching); and each row's best score.
fn row_candidates<S: Source>(src: &S, cap: &[u32], k: usize) -> (Vec<Vec<Edge>>, Vec<i64>) {
    let (nr, nc) = (src.n_rows(), src.n_cols());
    let mut line = Line::new(nc);
    let mut edges: Vec<Vec<Edge>> = vec![Vec::new(); nr];
    let mut best = vec![0i64; nr];
    let mut top = TopK::new(k);
    let mut places: Vec<u32> = cap.to_vec();
    // 0xFF while the column has a place, 0 once full.
    let mut open = vec![u8::MAX; nc];
    for i in 0..nr {
        line.fill(|out| src.row_keys(i, out), |out| src.row(i, out));
        top.clear();
        let start = rotation(i, nc);
        line.scan(&mut top, start);
        best[i] = top
            .items
            .iter()
            .map(|&(s, _)| i64::from(s))
            .max()
            .unwrap_or(0);
        edges[i].extend(top.items.iter().map(|&(s, j)| (j, s)));
        let open_j = top
            .best_open(&open)
            .or_else(|| line.best_open(&open, start));
        if let Some(j) = open_j {
            edges[i].push((j as u32, line.score(j)));
            places[j] -= 1;
            if places[j] == 0 {
                open[j] = 0;
            }
        }
    }
    (edges, best)
}

/// Each column's `k` best rows, `(row, score)`.
fn column_candidates<S: Source>(src: &S, k: usize) -> Vec<Vec<(u32, i32)>> {
    let (nr, nc) = (src.n_rows(), src.n_cols());
    let mut line = Line::new(nr);
    let mut top = TopK::new(k);
    (0..nc)
        .map(|j| {
            line.fill(|out| src.col_keys(j, out), |out| src.col(j, out));
            top.clear();
            line.scan(&mut top, rotation(j, nr));
            top.items.iter().map(|&(s, i)| (i, s)).collect()
        })
        .collect()
}

/// Solves the problem of `src` with column capacities `cap` (each at least 1).
pub(super) fn solve<S: Source>(
    src: &S,
    cap: &[u32],
    k: Candidates,
    want_levels: bool,
) -> Result<Optimum, AssignError> {
    let nr = src.n_rows();
    let nc = src.n_cols();
    let max_score = i64::from(src.max_score());
    // Candidates, and each row's best score (for Q). Each column's best rows do not depend on
    // the rows' pass, so they are found beside it, on a thread of their own when the problem is
    // large; the rows' pass is sequential (see `row_candidates`). Either way the same edges, in
    // the same order.
    let cells = nr.saturating_mul(nc);
    let ((mut edges, best), column_best) = beside(
        cells,
        || row_candidates(src, cap, k.row_k),
        || column_candidates(src, k.col_k),
    );
    for (j, rows) in column_best.iter().enumerate() {
        for &(i, s) in rows {
            edges[i as usize].push((j as u32, s));
        }
    }
    let q = best
        .iter()
        .try_fold(max_score + 1, |acc, &b| acc.checked_add(b))
        .filter(|&q| q <= super::COST_LIMIT)
        .ok_or(AssignError::Overflow)?;

    let mut cap_all: Vec<u32> = cap
        .iter()
        .map(|&c| c.min(u32::try_from(nr).unwrap_or(u32::MAX)))
        .collect();
    cap_all.push(u32::try_from(nr).map_err(|_| AssignError::Overflow)?);
    let slack = vec![0i64; nc + 1];

    let mut seen = vec![u32::MAX; nc];
    let mut prev: Option<Solution> = None;
    let mut reopen = vec![false; nr];
    // Rows whose last pass may have found more negative pairs than they took.
    let mut truncated = vec![false; nr];
    let mut tight = want_levels.then(|| Face::new(max_score, nr, nc));
    loop {
        let graph = build(src, &mut edges, &mut seen, max_score, q)?;
        // Warm from the last solution: only the rows that gained edges start again.
        let sol = match &prev {
            Some(p) => sparse::solve_warm(&graph, &cap_all, &slack, p, &reopen)?,
            None => sparse::solve(&graph, &cap_all, &slack)?,
        };
        debug_assert_eq!(sparse::certify(&graph, &cap_all, &slack, &sol), Ok(()));
        // After a round that moved few duals, only the pairs whose price can have fallen (see
        // `Changed`); a pass over every pair proves the optimum when the face is wanted.
        let changed = prev
            .as_ref()
            .filter(|_| partial_is_exact(&sol, max_score, nc))
            .and_then(|p| Changed::since(p, &sol, &truncated, nr, nc));
        let mut added = match changed {
            Some(changed) => price_some(
                src,
                &sol,
                max_score,
                &changed,
                &mut edges,
                &mut reopen,
                &mut truncated,
            ),
            None => usize::MAX,
        };
        if added == usize::MAX || (added == 0 && tight.is_some()) {
            let mut pass = Pass {
                sol: &sol,
                max_score,
                reopen: &mut reopen,
                truncated: &mut truncated,
                tight: tight.as_mut(),
            };
            added = price(src, &mut pass, &mut edges);
        }
        if added == 0 {
            return Ok(Optimum {
                col4row: sol.col4row.clone(),
                sol,
                graph,
                cap: cap_all,
                q,
                face: tight.map(Face::summary),
            });
        }
        prev = Some(sol);
    }
}

/// The sparse graph of the candidate edges (deduplicated, in order) plus the unmatched column.
fn build<S: Source>(
    src: &S,
    edges: &mut [Vec<Edge>],
    seen: &mut [u32],
    max_score: i64,
    q: i64,
) -> Result<Graph, AssignError> {
    let nc = src.n_cols();
    let mut g = Graph {
        start: Vec::with_capacity(edges.len() + 1),
        col: Vec::new(),
        cost: Vec::new(),
    };
    g.start.push(0);
    for (i, list) in edges.iter_mut().enumerate() {
        list.retain(|&(j, _)| {
            let fresh = seen[j as usize] != i as u32;
            seen[j as usize] = i as u32;
            fresh
        });
        for &(j, _) in list.iter() {
            seen[j as usize] = u32::MAX;
        }
        for &(j, s) in list.iter() {
            debug_assert_eq!(s, src.get(i, j as usize), "an edge's score is its pair's");
            if s == FORBIDDEN {
                return Err(AssignError::Internal("forbidden candidate"));
            }
            g.col.push(j);
            g.cost.push(max_score - i64::from(s));
        }
        g.col.push(nc as u32);
        g.cost.push(q);
        g.start.push(g.col.len());
    }
    Ok(g)
}

/// Checks every allowed pair's reduced cost against the duals of `sol`; adds up to `ADD_K` of
/// the most negative edges of each row that has one. Returns how many edges were added.
/// One pricing pass: the duals it checks, the rows that gained edges, and the scores of the
/// pairs whose reduced cost is 0 (gathered only while the pass has added nothing: only a pass
/// that adds nothing proves its duals optimal).
struct Pass<'a> {
    sol: &'a Solution,
    max_score: i64,
    reopen: &'a mut [bool],
    /// Rows that may have had more negative pairs than they took.
    truncated: &'a mut [bool],
    tight: Option<&'a mut Face>,
}

fn price<S: Source>(src: &S, pass: &mut Pass, edges: &mut [Vec<Edge>]) -> usize {
    let nc = src.n_cols();
    let (sol, max_score) = (pass.sol, pass.max_score);
    // A first, vectorised test in i32 per row: with every value clamped to +-2^30 it can only
    // report a violation that is not there, never miss one. Exact i64 for the rows it flags.
    let v32 = narrow_duals(&sol.v[..nc], max_score);
    // The face's pairs are gathered by how near they are to the mean of the assignment, the
    // vectorised way where the duals are narrow and the rows and columns fit an `i32`.
    let rows_fit = i32::try_from(src.n_rows()).is_ok() && i32::try_from(nc).is_ok();
    let face = pass.tight.is_some().then(|| FaceInput {
        mid: mean_ceiling(src, &sol.col4row),
        classes: v32.as_deref().filter(|_| rows_fit).map(DualClasses::new),
    });
    let parts = in_parts(edges, src.n_rows().saturating_mul(nc), |first, part| {
        price_rows(
            src,
            sol,
            max_score,
            v32.as_deref(),
            first,
            part,
            face.as_ref(),
        )
    });
    pass.reopen.fill(false);
    pass.truncated.fill(false);
    let mut added = 0;
    // The first part's face is taken as it is (merging it into an empty one would rank every
    // kept pair again), the others merged into it.
    let mut merged = 0;
    for part in parts {
        added += part.added;
        for i in part.reopened {
            pass.reopen[i as usize] = true;
        }
        for i in part.truncated {
            pass.truncated[i as usize] = true;
        }
        if let (Some(t), Some(got)) = (pass.tight.as_deref_mut(), part.tight) {
            if merged == 0 {
                *t = got;
            } else {
                t.merge(got);
            }
            merged += 1;
        }
    }
    if merged == 0
        && let Some(t) = pass.tight.as_mut()
    {
        t.clear();
    }
    // A pass that proves its duals offers its rows' tight pairs to the columns' nearest, once
    // every part's are in.
    if added == 0
        && let (Some(t), Some(v32), Some(face)) = (pass.tight.as_mut(), v32.as_deref(), &face)
    {
        t.sweep(v32, face.mid);
    }
    added
}

/// What pricing some rows found.
struct Priced {
    added: usize,
    /// The rows that gained edges.
    reopened: Vec<u32>,
    /// The rows that may have had more negative pairs than they took.
    truncated: Vec<u32>,
    /// Their tight pairs, while the rows had added nothing.
    tight: Option<Face>,
}

/// What a pass that gathers the face tells each part: the mean's ceiling (see [`nearness`])
/// and, where [`Face::gather_row`] may take the rows, the columns' duals in classes (made once
/// per pass).
struct FaceInput {
    mid: i32,
    classes: Option<DualClasses>,
}

/// [`price`] of the rows `first..first + edges.len()`.
fn price_rows<S: Source>(
    src: &S,
    sol: &Solution,
    max_score: i64,
    v32: Option<&[i32]>,
    first: usize,
    edges: &mut [Vec<Edge>],
    face: Option<&FaceInput>,
) -> Priced {
    let nc = src.n_cols();
    let v = &sol.v[..nc];
    let mut buf = vec![0i32; nc];
    let classes = face.and_then(|f| f.classes.as_ref());
    let mut tight = face.map(|_| {
        let mut face = Face::new(max_score, src.n_rows(), nc);
        // The part's bits, at their size from the start (a growing vector can hold twice).
        face.block()
            .reserve_exact(edges.len().saturating_mul(nc.div_ceil(64)));
        face
    });
    let mid = face.map_or(0, |f| f.mid);
    let mut reopened = Vec::new();
    let mut truncated = Vec::new();
    let mut added = 0;
    let mut found: Vec<(i64, u32)> = Vec::new();
    let mut net = vec![0i32; if v32.is_some() { nc } else { 0 }];
    let mut top = TopK::new(add_k());
    for (k, list) in edges.iter_mut().enumerate() {
        let i = first + k;
        let row = &mut buf[..nc];
        src.row(i, row);
        // Reduced cost (max_score - s) - u - v < 0  <=>  s + v > max_score - u.
        let threshold = max_score - sol.u[i];
        if let Some(v32) = v32 {
            let most = net_into(row, v32, &mut net);
            if let Some(t) = tight.as_mut().filter(|_| added == 0) {
                match classes.filter(|_| threshold >= -(LIM / 2)) {
                    // Between -LIM / 2 and `most`: it fits.
                    Some(classes) if i64::from(most) >= threshold => {
                        t.gather_row(i, row, &net, classes, threshold as i32, mid);
                    }
                    Some(_) => t.empty_row(nc),
                    None => {
                        t.begin_row(i);
                        for_tight(row, v, Some((&net, most)), threshold, |j, s| {
                            t.insert(i, j, s, mid)
                        });
                        t.end_row(i);
                    }
                }
            }
            if i64::from(most) <= threshold {
                continue;
            }
            // The ADD_K largest `s + v` above the threshold (ties from a different place per
            // row), confirmed exactly.
            top.clear_above(threshold.max(i64::from(i32::MIN)) as i32);
            top.scan(&net, rotation(i, nc));
            if top.items.len() >= add_k() {
                truncated.push(i as u32);
            }
            let before = list.len();
            list.extend(
                top.items
                    .iter()
                    .map(|&(_, j)| (j, row[j as usize]))
                    .filter(|&(j, s)| s != FORBIDDEN && i64::from(s) + v[j as usize] > threshold),
            );
            added += list.len() - before;
            if list.len() > before {
                reopened.push(i as u32);
            }
            continue;
        }
        found.clear();
        let start = rotation(i, nc);
        for (j, (&s, &vj)) in row.iter().zip(v).enumerate() {
            if s != FORBIDDEN && i64::from(s) + vj > threshold {
                // Most negative first; ties from a different place per row.
                let key = (j + nc - start) % nc;
                found.push((threshold - i64::from(s) - vj, key as u32));
            }
        }
        if let Some(t) = tight.as_mut().filter(|_| added == 0) {
            t.begin_row(i);
            for_tight(row, v, None, threshold, |j, s| t.insert(i, j, s, mid));
            t.end_row(i);
        }

        if found.is_empty() {
            continue;
        }
        if keep_most_negative(&mut found) {
            truncated.push(i as u32);
        }
        added += found.len();
        reopened.push(i as u32);
        list.extend(found.iter().map(|&(_, key)| {
            let j = (key as usize + start) % nc;
            (j as u32, row[j])
        }));
    }
    Priced {
        added,
        reopened,
        truncated,
        tight,
    }
}

/// Whether a pass over only what changed adds what a pass over everything would: with the
/// vectorised test, only when no dual is clamped and no row's threshold is near the clamp, so
/// that the pairs the test lets through are exactly the negative ones.
fn partial_is_exact(sol: &Solution, max_score: i64, nc: usize) -> bool {
    narrow_duals(&sol.v[..nc], max_score).is_none()
        || (sol.v[..nc].iter().all(|&v| v >= -(LIM / 2))
            && sol.u.iter().all(|&u| max_score - u >= -(LIM / 2)))
}

/// [`price`] of only the rows and columns `changed` names: the same edges, in the same order,
/// as a pass over every pair (see [`Changed`]). Fills `reopen` and `truncated` as `price` does.
fn price_some<S: Source>(
    src: &S,
    sol: &Solution,
    max_score: i64,
    changed: &Changed,
    edges: &mut [Vec<Edge>],
    reopen: &mut [bool],
    truncated: &mut [bool],
) -> usize {
    #[cfg(test)]
    PARTIAL_PASSES.set(PARTIAL_PASSES.get() + 1);
    let (nr, nc) = (src.n_rows(), src.n_cols());
    let v32 = narrow_duals(&sol.v[..nc], max_score);
    reopen.fill(false);
    truncated.fill(false);
    let mut added = 0;
    let mut note = |got: Priced| {
        added += got.added;
        for i in got.reopened {
            reopen[i as usize] = true;
        }
        for i in got.truncated {
            truncated[i as usize] = true;
        }
    };
    // Whole rows, as a pass over everything prices them.
    for &i in &changed.rows {
        let i = i as usize;
        let got = price_rows(
            src,
            sol,
            max_score,
            v32.as_deref(),
            i,
            &mut edges[i..=i],
            None,
        );
        note(got);
    }
    // The other rows' negative pairs, all in the columns whose duals rose: (column, score).
    let mut found: Vec<Vec<Edge>> = vec![Vec::new(); nr];
    let mut col = vec![0i32; nr];
    for &j in &changed.cols {
        src.col(j as usize, &mut col);
        let vj = sol.v[j as usize];
        for (i, &s) in col.iter().enumerate() {
            if !changed.row[i] && s != FORBIDDEN && i64::from(s) + vj > max_score - sol.u[i] {
                found[i].push((j, s));
            }
        }
    }
    let mut top = TopK::new(add_k());
    let mut exact: Vec<(i64, u32, i32)> = Vec::new();
    for (i, (list, found)) in edges.iter_mut().zip(&mut found).enumerate() {
        if found.is_empty() {
            continue;
        }
        let start = rotation(i, nc);
        let threshold = max_score - sol.u[i];
        let before = list.len();
        let cut = match &v32 {
            // As `price_rows` feeds its row to `TopK::scan`: from the row's start column on.
            Some(v32) => {
                found.sort_unstable_by_key(|&(j, _)| (j as usize + nc - start) % nc);
                top.clear_above(threshold.max(i64::from(i32::MIN)) as i32);
                // Fed by position in `found`, in the order `scan` meets the columns: the same
                // ties, and each kept pair's score at hand.
                top.feed(found.iter().enumerate().map(|(k, &(j, s))| {
                    (s.max(-(LIM as i32)).wrapping_add(v32[j as usize]), k as u32)
                }));
                list.extend(top.items.iter().map(|&(_, k)| found[k as usize]));
                top.items.len() >= add_k()
            }
            // As `price_rows` collects them: in column order, the most negative kept.
            None => {
                found.sort_unstable_by_key(|&(j, _)| j);
                exact.clear();
                exact.extend(found.iter().map(|&(j, s)| {
                    let key = (j as usize + nc - start) % nc;
                    (threshold - i64::from(s) - sol.v[j as usize], key as u32, s)
                }));
                let cut = keep_most_negative(&mut exact);
                list.extend(
                    exact
                        .iter()
                        .map(|&(_, key, s)| (((key as usize + start) % nc) as u32, s)),
                );
                cut
            }
        };
        let took = list.len() - before;
        added += took;
        reopen[i] |= took > 0;
        truncated[i] |= cut;
    }
    added
}

/// The rows and columns a pricing pass must price again after a round: rows whose dual rose or
/// that took only some of their negative pairs, columns whose dual rose. A pair of neither
/// costs at least what the last pass saw (both duals fell or stayed), so it is not negative
/// unless it was, and then it is an edge of the graph just solved.
pub(super) struct Changed {
    pub rows: Vec<u32>,
    /// `row[i]`: whether row `i` is in `rows`.
    pub row: Vec<bool>,
    pub cols: Vec<u32>,
}

impl Changed {
    /// `None` when so much changed that a pass over every pair is as cheap.
    pub(super) fn since(
        prev: &Solution,
        sol: &Solution,
        truncated: &[bool],
        nr: usize,
        nc: usize,
    ) -> Option<Changed> {
        #[cfg(test)]
        let forced = TEST_PASSES.get();
        #[cfg(not(test))]
        let forced: Option<bool> = None;
        if forced == Some(true) {
            return None;
        }
        let row: Vec<bool> = (0..nr)
            .map(|i| truncated[i] || sol.u[i] > prev.u[i])
            .collect();
        let rows: Vec<u32> = (0..nr).filter(|&i| row[i]).map(|i| i as u32).collect();
        let cols: Vec<u32> = (0..nc)
            .filter(|&j| sol.v[j] > prev.v[j])
            .map(|j| j as u32)
            .collect();
        // A column costs about what a row does; the pass over everything runs on every core.
        let work = rows.len().saturating_mul(nc) + cols.len().saturating_mul(nr);
        let partial = forced == Some(false) || work.saturating_mul(4) < nr.saturating_mul(nc);
        partial.then_some(Changed { rows, row, cols })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Reverse;

    /// Test numbers from `seed`, each below the bound it is asked with.
    fn below(seed: u64) -> impl FnMut(usize) -> usize {
        let mut numbers = crate::assign::test_numbers(seed);
        move |m| numbers(m as u64) as usize
    }

    /// A line's keys and its scores keep the same pairs, and find the same open place, as a
    /// full sort would: highest score, then the first met from the start.
    #[test]
    fn keys_and_scores_choose_the_same_pairs_and_places() {
        let mut next = below(0x9e37_79b9_7f4a_7c15);
        for round in 0..400 {
            let n = 1 + next(90);
            // Few distinct scores (ties decide most places), some forbidden, some full.
            let levels = 1 + next(5);
            let keys: Vec<u8> = (0..n)
                .map(|_| {
                    if next(6) == 0 {
                        0
                    } else {
                        1 + 7 * next(levels) as u8
                    }
                })
                .collect();
            let scores: Vec<i32> = keys
                .iter()
                .map(|&k| if k == 0 { FORBIDDEN } else { i32::from(k) - 1 })
                .collect();
            let open: Vec<u8> = (0..n)
                .map(|_| if next(3) == 0 { 0 } else { u8::MAX })
                .collect();
            let start = next(n);
            let k = 1 + next(6);
            let as_keys = Line::Keys(keys.clone());
            let as_scores = Line::Scores(scores.clone());
            let mut order: Vec<(Reverse<i32>, usize)> = (0..n)
                .filter(|&j| keys[j] != 0)
                .map(|j| (Reverse(scores[j]), (j + n - start) % n))
                .collect();
            order.sort_unstable();
            let place = |&(Reverse(s), at): &(Reverse<i32>, usize)| (s, ((at + start) % n) as u32);
            let mut expect: Vec<(i32, u32)> = order.iter().take(k).map(place).collect();
            expect.sort_unstable();
            let best = order
                .iter()
                .map(place)
                .find(|&(_, j)| open[j as usize] != 0)
                .map(|(_, j)| j as usize);
            for line in [&as_keys, &as_scores] {
                let mut top = TopK::new(k);
                line.scan(&mut top, start);
                let quick = top.best_open(&open);
                assert!(
                    quick.is_none() || quick == best,
                    "round {round}: kept {quick:?}"
                );
                let mut kept = top.items.clone();
                kept.sort_unstable();
                assert_eq!(kept, expect, "round {round}");
                assert_eq!(line.best_open(&open, start), best, "round {round}");
                for j in 0..n {
                    if keys[j] != 0 {
                        assert_eq!(line.score(j), scores[j]);
                    }
                }
            }
        }
    }

    /// A scan from the floor it is given, as it was written before its blocks' maxima set a
    /// floor of their own: every cell above the floor pushed in the order met, compacted (a
    /// stable sort, best first) each time it holds 2k.
    fn plain_scan(scores: &[i32], start: usize, k: usize, floor: i32) -> Vec<(i32, u32)> {
        let (mut items, mut floor) = (Vec::new(), floor);
        let compact = |items: &mut Vec<(i32, u32)>, floor: &mut i32| {
            if items.len() > k {
                items.sort_by_key(|&(s, _)| Reverse(s));
                items.truncate(k);
            }
            if items.len() == k
                && let Some(&(s, _)) = items.last()
            {
                *floor = s;
            }
        };
        for j in (start..scores.len()).chain(0..start) {
            if scores[j] > floor {
                items.push((scores[j], j as u32));
                if items.len() >= 2 * k.max(1) {
                    compact(&mut items, &mut floor);
                }
            }
        }
        compact(&mut items, &mut floor);
        items
    }

    /// Long lines (blocks' maxima set a floor before the scan) keep the pairs a plain scan
    /// keeps, in the same order: ties, forbidden cells, exactly k allowed, a floor given.
    #[test]
    fn scans_floored_by_their_blocks_keep_what_a_plain_scan_keeps_in_its_order() {
        let mut next = below(0x2545_f491_4f6c_dd1d);
        for round in 0..3000 {
            let n = 1 + next(700);
            let levels = 1 + next(6);
            let forbid = 1 + next(8);
            let mut keys: Vec<u8> = (0..n)
                .map(|_| {
                    if next(forbid) == 0 {
                        0
                    } else {
                        1 + 3 * next(levels) as u8
                    }
                })
                .collect();
            let k = 1 + next(16);
            if round % 5 == 0 {
                // Exactly k (or fewer) allowed, one per block or bunched.
                keys.fill(0);
                for _ in 0..k {
                    let j = next(n);
                    keys[j] = 1 + next(250) as u8;
                }
            }
            if round % 7 == 1 {
                // One high cell in each of k blocks, the rest low: exactly k cells at or above
                // the k-th block's maximum, met in no order of score.
                keys = (0..32 * k).map(|_| 1 + next(50) as u8).collect();
                for b in 0..k {
                    keys[32 * b + next(32)] = 100 + next(150) as u8;
                }
            }
            let n = keys.len();
            let scores: Vec<i32> = keys.iter().map(|&c| score_of_key(c)).collect();
            let start = next(n);
            let given = if round % 3 == 0 {
                i32::MIN
            } else {
                next(20) as i32 - 2
            };
            let expect = plain_scan(&scores, start, k, given);
            for line in [Line::Keys(keys.clone()), Line::Scores(scores.clone())] {
                let mut top = TopK::new(k);
                top.clear_above(given);
                line.scan(&mut top, start);
                assert_eq!(
                    top.items, expect,
                    "round {round}, n {n}, k {k}, floor {given}"
                );
            }
        }
    }

    #[test]
    fn a_rows_tight_pairs_gathered_vectorised_keep_what_pair_by_pair_keeps() {
        // Scores near the mean only, and spread wide; column duals of 9 values (every one in a
        // class), and of 100 (many without one); 157 columns: blocks of 64 and of 8 with some
        // left over.
        for (spread, duals, seed) in [
            (6, 9, 0x9e37_79b9_u64),
            (120, 9, 0x2545_f491),
            (40, 100, 0x1234_5678),
            (6, 100, 0x0bad_cafe),
        ] {
            let (nr, nc, mid) = (211, 157, 100);
            let mut next = crate::assign::test_numbers(seed);
            let v: Vec<i64> = (0..nc).map(|_| (next(duals) as i64) - 4).collect();
            let v32 = narrow_duals(&v, 1000).expect("small duals");
            let classes = DualClasses::new(&v32);
            let (mut by_pairs, mut vectorised) = (Face::new(1000, nr, nc), Face::new(1000, nr, nc));
            let mut mixed = Face::new(1000, nr, nc);
            let mut parts = vec![Face::new(1000, nr, nc)];
            let (mut row, mut net) = (vec![0i32; nc], vec![0i32; nc]);
            let words = nc.div_ceil(64);
            let mut bits = vec![0u64; nr * words];
            for i in 0..nr {
                let t = mid + next(11) as i32 - 5;
                for (j, cell) in row.iter_mut().enumerate() {
                    // A third tight, a few forbidden, the rest below or above the threshold.
                    let tight = t - v[j] as i32;
                    *cell = match next(12) {
                        0 => FORBIDDEN,
                        1..=4 => tight,
                        _ => mid - spread + next(2 * u64::from(spread.unsigned_abs()) + 1) as i32,
                    };
                }
                let most = net_into(&row, &v32, &mut net);
                by_pairs.begin_row(i);
                for_tight(&row, &v, Some((&net, most)), i64::from(t), |j, s| {
                    bits[i * words + j / 64] |= 1 << (j % 64);
                    by_pairs.insert(i, j, s, mid)
                });
                by_pairs.end_row(i);
                vectorised.gather_row(i, &row, &net, &classes, t, mid);
                // Some rows pair by pair among the others, as a pass takes a row whose
                // threshold is out of the vectorised test's range.
                if i % 5 == 3 {
                    mixed.begin_row(i);
                    for_tight(&row, &v, Some((&net, most)), i64::from(t), |j, s| {
                        mixed.insert(i, j, s, mid)
                    });
                    mixed.end_row(i);
                } else {
                    mixed.gather_row(i, &row, &net, &classes, t, mid);
                }
                if i % 70 == 0 {
                    parts.push(Face::new(1000, nr, nc));
                }
                if let Some(part) = parts.last_mut() {
                    part.gather_row(i, &row, &net, &classes, t, mid);
                }
            }
            let mut merged = Face::new(1000, nr, nc);
            for part in parts {
                merged.merge(part);
            }
            // The columns' nearest are found once every row is in.
            vectorised.sweep(&v32, mid);
            merged.sweep(&v32, mid);
            mixed.sweep(&v32, mid);
            let expect = by_pairs.summary();
            assert!(expect.near.len() > nc, "spread {spread}: few pairs kept");
            // Pair by pair, no bits: the stages score the rows.
            assert!(expect.tight.is_none());
            let mixed = mixed.summary();
            assert_eq!(mixed.scores, expect.scores, "spread {spread}");
            assert_eq!(
                mixed.near, expect.near,
                "spread {spread}: some rows pair by pair"
            );
            assert!(mixed.tight.is_none());
            for got in [vectorised.summary(), merged.summary()] {
                assert_eq!(got.scores, expect.scores, "spread {spread}");
                assert_eq!(got.near, expect.near, "spread {spread}");
                let tight = got.tight.expect("every row gathered vectorised");
                assert_eq!(tight.words, words);
                let rows: Vec<u64> = (0..nr).flat_map(|i| tight.row(i).to_vec()).collect();
                assert_eq!(rows, bits, "spread {spread}");
            }
        }
    }

    #[test]
    fn bit_columns_are_the_rows_bits_transposed_and_ranges_read_as_a_loop_would() {
        // 131 rows (two words and a bit) of 3 words (150 columns used).
        let (rows, words) = (131, 3);
        let mut next = crate::assign::test_numbers(0x5851_f42d);
        let matrix: Vec<Vec<u64>> = (0..rows)
            .map(|_| (0..words).map(|_| next(u64::MAX)).collect())
            .collect();
        let by_column = BitColumns::of(words, rows, |k| &matrix[k]);
        for j in 0..words * 64 {
            let column = by_column.column(j);
            for (k, row) in matrix.iter().enumerate() {
                let want = row[j / 64] >> (j % 64) & 1;
                assert_eq!(column[k / 64] >> (k % 64) & 1, want, "row {k}, column {j}");
            }
            assert_eq!(column[rows / 64] >> (rows % 64), 0, "no rows past the last");
            for (from, to) in [
                (0, rows),
                (5, 64),
                (64, 128),
                (63, 65),
                (70, 70),
                (100, 131),
            ] {
                let mut got = Vec::new();
                assert!(each_set_in(column, from, to, |k| {
                    got.push(k);
                    true
                }));
                let want: Vec<usize> = (from..to)
                    .filter(|&k| column[k / 64] >> (k % 64) & 1 == 1)
                    .collect();
                assert_eq!(got, want, "column {j}, {from}..{to}");
                // Stopped at the first.
                let mut first = None;
                let ended = each_set_in(column, from, to, |k| {
                    first = Some(k);
                    false
                });
                assert_eq!((first, ended), (want.first().copied(), want.is_empty()));
            }
        }
    }

    #[test]
    fn the_face_keeps_the_pairs_nearest_the_mean_whatever_the_parts() {
        let (nr, nc) = (300, 7);
        let mut next = crate::assign::test_numbers(0x2545_f491_4f6c_dd1d);
        // Few distinct scores, so ties decide most places.
        let mut pairs: Vec<(usize, usize, i32)> = Vec::new();
        for i in 0..nr {
            for j in 0..nc {
                if next(3) != 0 {
                    pairs.push((i, j, 50 * next(5) as i32));
                }
            }
        }
        let mid = 100;
        // Rows in order, each row's pairs in column order, as a pass meets them.
        let gather = |rows: std::ops::Range<usize>| {
            let mut face = Face::new(200, nr, nc);
            for i in rows {
                face.begin_row(i);
                for &(_, j, s) in pairs.iter().filter(|p| p.0 == i) {
                    face.insert(i, j, s, mid);
                }
                face.end_row(i);
            }
            face
        };
        let whole = gather(0..nr).summary();
        // Rows split in three parts, gathered apart and merged.
        let mut merged = gather(0..90);
        for part in [90..200, 200..nr] {
            merged.merge(gather(part));
        }
        let merged = merged.summary();
        assert_eq!(whole.near, merged.near);
        assert_eq!(whole.scores, vec![0, 50, 100, 150, 200]);
        assert_eq!(merged.scores, whole.scores);

        // What a full sort keeps: on each side of the mean the nearest (at or above it the
        // lowest, below it the highest), then the first met from the column's or row's start.
        let ranked = |up: bool, s: i32, place: usize| {
            let (side, d) = nearness(s, mid);
            assert_eq!(side, s >= mid);
            (side == up).then_some((d, place))
        };
        // A line's (a column's or a row's) `k` nearest on one side, `(other index, score)`, from
        // the pairs on it and where its ties start among its `n` places.
        let nearest = |up: bool, start: usize, n: usize, k: usize, on: Vec<(usize, i32)>| {
            let mut all: Vec<((i32, usize), u32, i32)> = on
                .into_iter()
                .filter_map(|(x, s)| Some((ranked(up, s, (x + n - start) % n)?, x as u32, s)))
                .collect();
            all.sort_unstable();
            all.truncate(k);
            all.into_iter().map(|(_, x, s)| (x, s)).collect::<Vec<_>>()
        };
        let mut expect = Vec::new();
        for up in [true, false] {
            for j in 0..nc {
                let on = pairs.iter().filter(|p| p.1 == j).map(|&(i, _, s)| (i, s));
                let kept = nearest(up, rotation(j, nr), nr, NEAR_K, on.collect());
                expect.extend(kept.into_iter().map(|(i, s)| (i, j as u32, s)));
            }
        }
        for i in 0..nr {
            for up in [true, false] {
                let on = pairs.iter().filter(|p| p.0 == i).map(|&(_, j, s)| (j, s));
                let kept = nearest(up, rotation(i, nc), nc, ROW_NEAR_K, on.collect());
                expect.extend(kept.into_iter().map(|(j, s)| (i as u32, j, s)));
            }
        }
        assert_eq!(whole.near, expect);
    }
}
