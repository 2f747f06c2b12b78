//! Where scores come from: a dense matrix, or [`Profiles`] (per-person attribute codes, scored on
//! the fly a whole row or column at a time, so no `rows x cols` matrix of scores is ever held);
//! [`KeyRows`] keeps a problem's rows as a byte per pair where that is at most
//! [`KEY_ROWS_CELLS`] bytes (8 MiB), for the passes that read every row again.

use super::{AssignError, FORBIDDEN};
use multiversion::multiversion;

/// Read access to a score matrix, a row or a column at a time, in *units*: every allowed score
/// divided by a common divisor of them all (the solvers need only their order and differences).
pub(super) trait Source: Sync {
    fn n_rows(&self) -> usize;
    fn n_cols(&self) -> usize;
    /// Row `i`'s scores against every column into `out` (length `n_cols`), [`FORBIDDEN`] where
    /// the pair is forbidden; every other value in `0..=i32::MAX`.
    fn row(&self, i: usize, out: &mut [i32]);
    /// Column `j`'s scores against every row into `out` (length `n_rows`).
    fn col(&self, j: usize, out: &mut [i32]);
    /// Row `i`'s scores as *keys* into `out` (length `n_cols`): a byte per pair, the score plus
    /// one, `0` where the pair is forbidden; `false` (and `out` unspecified) when some score
    /// does not fit.
    fn row_keys(&self, _i: usize, _out: &mut [u8]) -> bool {
        false
    }
    /// Column `j`'s scores as keys (see [`Source::row_keys`]) into `out` (length `n_rows`).
    fn col_keys(&self, _j: usize, _out: &mut [u8]) -> bool {
        false
    }
    /// One score.
    fn get(&self, i: usize, j: usize) -> i32;
    /// At least every allowed score (in units).
    fn max_score(&self) -> i32;
    /// The unit, in hundredths.
    fn unit(&self) -> i32;
}

/// The score of a key (see [`Source::row_keys`]), [`FORBIDDEN`] where forbidden.
#[inline]
pub(super) fn score_of_key(key: u8) -> i32 {
    if key == 0 {
        FORBIDDEN
    } else {
        i32::from(key) - 1
    }
}

/// A validated dense row-major matrix.
pub(super) struct DenseScores<'a> {
    n_rows: usize,
    n_cols: usize,
    data: &'a [i32],
    max_score: i32,
}

impl DenseScores<'_> {
    /// Checks the length and that every score is `FORBIDDEN` or non-negative.
    pub fn new(n_rows: usize, n_cols: usize, data: &[i32]) -> Result<DenseScores<'_>, AssignError> {
        let expected = n_rows.checked_mul(n_cols);
        if expected != Some(data.len()) {
            return Err(AssignError::Length {
                what: "score matrix",
                expected,
                got: data.len(),
            });
        }
        // The common case, all valid, in one branch-free pass.
        if data.iter().any(|&s| s < 0 && s != FORBIDDEN) {
            for (k, &s) in data.iter().enumerate() {
                if s < 0 && s != FORBIDDEN {
                    return Err(AssignError::NegativeScore {
                        row: k / n_cols,
                        col: k % n_cols,
                        value: s,
                    });
                }
            }
        }
        // FORBIDDEN is below every allowed score.
        let max_score = data.iter().copied().max().unwrap_or(0).max(0);
        Ok(DenseScores {
            n_rows,
            n_cols,
            data,
            max_score,
        })
    }
}

impl Source for DenseScores<'_> {
    fn n_rows(&self) -> usize {
        self.n_rows
    }
    fn n_cols(&self) -> usize {
        self.n_cols
    }
    fn row(&self, i: usize, out: &mut [i32]) {
        out.copy_from_slice(&self.data[i * self.n_cols..(i + 1) * self.n_cols]);
    }
    fn col(&self, j: usize, out: &mut [i32]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.data[i * self.n_cols + j];
        }
    }
    fn get(&self, i: usize, j: usize) -> i32 {
        self.data[i * self.n_cols + j]
    }
    fn max_score(&self) -> i32 {
        self.max_score
    }
    fn unit(&self) -> i32 {
        1
    }
}

/// The score matrix of two groups of people described by attribute codes, without the matrix.
///
/// A pair's score is the sum of the weights of the fields in which both have a known value
/// (code not 0) and the values differ. A pair is forbidden if both have the same known *group*
/// code (for example the same department, when that is not allowed), or if it was named with
/// [`Profiles::forbid`].
///
/// Rows are mentees, columns mentors, as in [`super::solve`].
#[derive(Debug, Clone)]
pub struct Profiles {
    n_rows: usize,
    n_cols: usize,
    weights: Vec<i32>,
    /// Per field, compact codes (0 = unknown, else `1..=distinct`), rows then columns.
    row_codes: Vec<Codes>,
    col_codes: Vec<Codes>,
    groups: Option<(Codes, Codes)>,
    /// Forbidden pairs, sorted by row then column, no duplicates once [`Profiles::seal`]ed.
    forbidden: Vec<(u32, u32)>,
    /// `forbidden` sorted by column then row.
    forbidden_by_col: Vec<(u32, u32)>,
    sealed: bool,
    /// Sum of the weights (hundredths).
    max_score: i32,
    /// Greatest common divisor of the weights (1 without fields).
    unit: i32,
}

/// One field's codes for one side, in the narrowest type that holds them.
#[derive(Debug, Clone)]
enum Codes {
    U8(Vec<u8>),
    U32(Vec<u32>),
}

impl Codes {
    fn get(&self, k: usize) -> u32 {
        match self {
            Codes::U8(c) => u32::from(c[k]),
            Codes::U32(c) => c[k],
        }
    }
}

/// Renumbers the known codes of both sides together as `1..=distinct` (in order of value, so
/// the result does not depend on the order of people), narrowing to `u8` when they fit.
fn compact(rows: &[u32], cols: &[u32]) -> (Codes, Codes) {
    let mut values: Vec<u32> = rows
        .iter()
        .chain(cols)
        .copied()
        .filter(|&c| c != 0)
        .collect();
    values.sort_unstable();
    values.dedup();
    let rank = |c: u32| -> u32 {
        if c == 0 {
            0
        } else {
            // Every known code is in `values`; the rank is at most `values.len() <= u32::MAX`.
            values.partition_point(|&x| x < c) as u32 + 1
        }
    };
    if values.len() <= usize::from(u8::MAX) {
        let map = |side: &[u32]| side.iter().map(|&c| rank(c) as u8).collect();
        (Codes::U8(map(rows)), Codes::U8(map(cols)))
    } else {
        let map = |side: &[u32]| side.iter().map(|&c| rank(c)).collect();
        (Codes::U32(map(rows)), Codes::U32(map(cols)))
    }
}

impl Profiles {
    /// No fields yet: every pair scores 0 and is allowed.
    pub fn new(n_rows: usize, n_cols: usize) -> Result<Self, AssignError> {
        if n_rows > u32::MAX as usize - 1 || n_cols > u32::MAX as usize - 1 {
            return Err(AssignError::Overflow);
        }
        Ok(Profiles {
            n_rows,
            n_cols,
            weights: Vec::new(),
            row_codes: Vec::new(),
            col_codes: Vec::new(),
            groups: None,
            forbidden: Vec::new(),
            forbidden_by_col: Vec::new(),
            sealed: true,
            max_score: 0,
            unit: 1,
        })
    }

    /// Number of rows (mentees).
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns (mentors).
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    fn check_len(&self, what: &'static str, rows: &[u32], cols: &[u32]) -> Result<(), AssignError> {
        for (side, expected) in [(rows, self.n_rows), (cols, self.n_cols)] {
            if side.len() != expected {
                return Err(AssignError::Length {
                    what,
                    expected: Some(expected),
                    got: side.len(),
                });
            }
        }
        Ok(())
    }

    /// A scored field: `weight` (at least 0) counts when both codes are known (not 0) and
    /// differ. `rows` has a code per row, `cols` per column, from one numbering.
    pub fn field(&mut self, weight: i32, rows: &[u32], cols: &[u32]) -> Result<(), AssignError> {
        self.check_len("field codes", rows, cols)?;
        if weight < 0 {
            return Err(AssignError::NegativeWeight { weight });
        }
        if weight == 0 {
            return Ok(());
        }
        self.max_score = self
            .max_score
            .checked_add(weight)
            .ok_or(AssignError::Overflow)?;
        let (r, c) = compact(rows, cols);
        self.unit = if self.weights.is_empty() {
            weight
        } else {
            gcd(self.unit, weight)
        };
        self.weights.push(weight);
        self.row_codes.push(r);
        self.col_codes.push(c);
        Ok(())
    }

    /// Pairs with the same known group code (not 0) are forbidden. At most one grouping; a
    /// second call replaces the first.
    pub fn forbid_same(&mut self, rows: &[u32], cols: &[u32]) -> Result<(), AssignError> {
        self.check_len("group codes", rows, cols)?;
        self.groups = Some(compact(rows, cols));
        Ok(())
    }

    /// Forbids one pair.
    pub fn forbid(&mut self, row: usize, col: usize) -> Result<(), AssignError> {
        if row >= self.n_rows || col >= self.n_cols {
            return Err(AssignError::OutOfRange { row, col });
        }
        self.forbidden.push((row as u32, col as u32));
        self.sealed = false;
        Ok(())
    }

    /// Sorts the forbidden pairs (called before solving).
    pub(super) fn seal(&mut self) {
        if self.sealed {
            return;
        }
        self.forbidden.sort_unstable();
        self.forbidden.dedup();
        self.forbidden_by_col = self.forbidden.iter().map(|&(i, j)| (j, i)).collect();
        self.forbidden_by_col.sort_unstable();
        self.sealed = true;
    }

    /// The score of a pair, or [`FORBIDDEN`].
    pub fn score(&self, row: usize, col: usize) -> i32 {
        if let Some((gr, gc)) = &self.groups {
            let g = gr.get(row);
            if g != 0 && g == gc.get(col) {
                return FORBIDDEN;
            }
        }
        let key = (row as u32, col as u32);
        let listed = if self.sealed {
            self.forbidden.binary_search(&key).is_ok()
        } else {
            self.forbidden.contains(&key)
        };
        if listed {
            return FORBIDDEN;
        }
        let mut s = 0;
        for ((w, r), c) in self
            .weights
            .iter()
            .zip(&self.row_codes)
            .zip(&self.col_codes)
        {
            let (a, b) = (r.get(row), c.get(col));
            if a != 0 && b != 0 && a != b {
                s += w;
            }
        }
        s
    }

    pub(super) fn is_sealed(&self) -> bool {
        self.sealed
    }

    /// Whether every code and every score (in units) fits a byte, 255 left for "forbidden".
    fn narrow(&self) -> bool {
        let bytes = |c: &Codes| matches!(c, Codes::U8(_));
        self.max_score / self.unit < 255
            && self.row_codes.iter().chain(&self.col_codes).all(bytes)
            && self
                .groups
                .as_ref()
                .is_none_or(|(r, c)| bytes(r) && bytes(c))
    }

    /// One person's scores (in units) against the whole other side: `mine` are this side's
    /// codes per field, `theirs` the other side's, `me` this person's index. The sums cannot
    /// overflow (at most the sum of the weights, checked in [`Profiles::field`]), so they wrap
    /// explicitly: with overflow checks on, a checked add would stop the loops vectorising.
    fn scores(
        &self,
        me: usize,
        mine: &[Codes],
        theirs: &[Codes],
        groups: Option<(&Codes, &Codes)>,
        out: &mut [i32],
    ) {
        if self.narrow() {
            BYTES.with_borrow_mut(|bytes| {
                bytes.clear();
                bytes.resize(out.len(), 0);
                self.scores_u8(me, mine, theirs, groups, bytes);
                scores_of_bytes(bytes, out);
            });
            return;
        }
        out.fill(0);
        for ((&w, a), b) in self.weights.iter().zip(mine).zip(theirs) {
            let w = w / self.unit;
            let a = a.get(me);
            if a == 0 {
                continue;
            }
            match b {
                Codes::U8(b) => {
                    // `a` fits: both sides share one numbering.
                    let a = a as u8;
                    for (o, &b) in out.iter_mut().zip(b) {
                        *o = o.wrapping_add(if b != 0 && b != a { w } else { 0 });
                    }
                }
                Codes::U32(b) => {
                    for (o, &b) in out.iter_mut().zip(b) {
                        *o = o.wrapping_add(if b != 0 && b != a { w } else { 0 });
                    }
                }
            }
        }
        if let Some((mine, theirs)) = groups {
            let g = mine.get(me);
            if g != 0 {
                match theirs {
                    Codes::U8(b) => {
                        let g = g as u8;
                        for (o, &b) in out.iter_mut().zip(b) {
                            *o = if b == g { FORBIDDEN } else { *o };
                        }
                    }
                    Codes::U32(b) => {
                        for (o, &b) in out.iter_mut().zip(b) {
                            *o = if b == g { FORBIDDEN } else { *o };
                        }
                    }
                }
            }
        }
    }

    /// [`Source::row_keys`] and [`Source::col_keys`]: `listed` are the person's forbidden pairs.
    fn keys(
        &self,
        me: usize,
        mine: &[Codes],
        theirs: &[Codes],
        groups: Option<(&Codes, &Codes)>,
        listed: &[(u32, u32)],
        out: &mut [u8],
    ) -> bool {
        if !self.narrow() {
            return false;
        }
        self.scores_u8(me, mine, theirs, groups, out);
        // At most 254 by `narrow`, so the key fits; a forbidden group's 255 wraps to 0.
        keys_of_bytes(out);
        for &(_, other) in listed {
            out[other as usize] = 0;
        }
        true
    }

    /// [`Profiles::scores`] a byte per score, 255 for a forbidden group (see
    /// [`Profiles::narrow`]).
    fn scores_u8(
        &self,
        me: usize,
        mine: &[Codes],
        theirs: &[Codes],
        groups: Option<(&Codes, &Codes)>,
        out: &mut [u8],
    ) {
        out.fill(0);
        for ((&w, a), b) in self.weights.iter().zip(mine).zip(theirs) {
            let (Codes::U8(a), Codes::U8(b)) = (a, b) else {
                continue;
            };
            let a = a[me];
            if a == 0 {
                continue;
            }
            // Below 255 by `narrow`.
            let Ok(w) = u8::try_from(w / self.unit) else {
                debug_assert!(false, "a weight too large for the byte kernel");
                continue;
            };
            add_where_known_and_other(out, b, a, w);
        }
        if let Some((Codes::U8(mine), Codes::U8(theirs))) = groups {
            let g = mine[me];
            if g != 0 {
                mark_same(out, theirs, g);
            }
        }
    }
}

/// Adds `w` to each `out[k]` whose `theirs[k]` is known (not 0) and other than `mine`.
#[multiversion(targets = "simd")]
fn add_where_known_and_other(out: &mut [u8], theirs: &[u8], mine: u8, w: u8) {
    for (o, &b) in out.iter_mut().zip(theirs) {
        *o = o.wrapping_add(if b != 0 && b != mine { w } else { 0 });
    }
}

/// [`Profiles::scores_u8`]'s bytes as scores: 255 is a forbidden pair.
#[multiversion(targets = "simd")]
fn scores_of_bytes(bytes: &[u8], out: &mut [i32]) {
    for (o, &b) in out.iter_mut().zip(bytes) {
        *o = if b == u8::MAX {
            FORBIDDEN
        } else {
            i32::from(b)
        };
    }
}

/// [`Profiles::scores_u8`]'s bytes as keys, in place: one more, a forbidden 255 wrapping to 0.
#[multiversion(targets = "simd")]
fn keys_of_bytes(bytes: &mut [u8]) {
    for b in bytes {
        *b = b.wrapping_add(1);
    }
}

/// Each key's score ([`score_of_key`]).
#[multiversion(targets = "simd")]
fn scores_of_keys(keys: &[u8], out: &mut [i32]) {
    for (o, &k) in out.iter_mut().zip(keys) {
        *o = score_of_key(k);
    }
}

/// Sets `out[k]` to 255 where `theirs[k]` is `g`.
#[multiversion(targets = "simd")]
fn mark_same(out: &mut [u8], theirs: &[u8], g: u8) {
    for (o, &b) in out.iter_mut().zip(theirs) {
        *o = if b == g { u8::MAX } else { *o };
    }
}

thread_local! {
    /// Scratch row for the byte kernel.
    static BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Greatest common divisor of two positive numbers.
fn gcd(mut a: i32, mut b: i32) -> i32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Forbidden pairs of `me` in a list sorted by `(me, other)`.
fn listed(sorted: &[(u32, u32)], me: usize) -> &[(u32, u32)] {
    let me = me as u32;
    let lo = sorted.partition_point(|&(a, _)| a < me);
    let hi = sorted.partition_point(|&(a, _)| a <= me);
    &sorted[lo..hi]
}

impl Source for Profiles {
    fn n_rows(&self) -> usize {
        self.n_rows
    }
    fn n_cols(&self) -> usize {
        self.n_cols
    }
    fn row(&self, i: usize, out: &mut [i32]) {
        let groups = self.groups.as_ref().map(|(r, c)| (r, c));
        self.scores(i, &self.row_codes, &self.col_codes, groups, out);
        for &(_, j) in listed(&self.forbidden, i) {
            out[j as usize] = FORBIDDEN;
        }
    }
    fn col(&self, j: usize, out: &mut [i32]) {
        let groups = self.groups.as_ref().map(|(r, c)| (c, r));
        self.scores(j, &self.col_codes, &self.row_codes, groups, out);
        for &(_, i) in listed(&self.forbidden_by_col, j) {
            out[i as usize] = FORBIDDEN;
        }
    }
    fn row_keys(&self, i: usize, out: &mut [u8]) -> bool {
        let groups = self.groups.as_ref().map(|(r, c)| (r, c));
        let listed = listed(&self.forbidden, i);
        self.keys(i, &self.row_codes, &self.col_codes, groups, listed, out)
    }
    fn col_keys(&self, j: usize, out: &mut [u8]) -> bool {
        let groups = self.groups.as_ref().map(|(r, c)| (c, r));
        let listed = listed(&self.forbidden_by_col, j);
        self.keys(j, &self.col_codes, &self.row_codes, groups, listed, out)
    }
    fn get(&self, i: usize, j: usize) -> i32 {
        match self.score(i, j) {
            FORBIDDEN => FORBIDDEN,
            s => s / self.unit,
        }
    }
    fn max_score(&self) -> i32 {
        self.max_score / self.unit
    }
    fn unit(&self) -> i32 {
        self.unit
    }
}

/// Most pairs whose keys [`KeyRows`] holds (a byte each): up to about 2,900 x 2,900. Above, the
/// passes are long enough that scoring a row again costs little beside them (measured at 5,000
/// x 5,000: the same time, 25 MB more).
pub(super) const KEY_ROWS_CELLS: usize = 1 << 23;

/// Another source's rows as keys, computed once (on every core) and kept, a byte per pair, for
/// the passes that read every row again and again; columns are still the source's.
///
/// Each core's rows are kept in a block of its own, written once as they are computed: one
/// block for all would be zeroed first, on one core (4 MB at 2,000 x 2,000, twice written), and
/// its pages taken from the system on that core alone.
pub(super) struct KeyRows<'a, S> {
    inner: &'a S,
    /// Rows `k * per..(k + 1) * per` in `blocks[k]`, row after row.
    blocks: Vec<Vec<u8>>,
    per: usize,
}

impl<'a, S: Source> KeyRows<'a, S> {
    /// `None` when the problem is too large or some score does not fit a key.
    pub fn new(inner: &'a S) -> Option<Self> {
        let (nr, nc) = (inner.n_rows(), inner.n_cols());
        let cells = nr
            .checked_mul(nc)
            .filter(|&c| c <= KEY_ROWS_CELLS && nc > 0)?;
        // A source without keys says so at once.
        if !inner.row_keys(0, &mut vec![0; nc]) {
            return None;
        }
        // Zero-sized: only the parts' bounds are wanted of it.
        let mut rows = vec![(); nr];
        let parts = super::pricing::in_parts(&mut rows, cells, |first, part| {
            // Below `cells`.
            let mut block = Vec::with_capacity(part.len() * nc);
            let mut row = vec![0u8; nc];
            let fits = (first..first + part.len()).all(|i| {
                let fits = inner.row_keys(i, &mut row);
                block.extend_from_slice(&row);
                fits
            });
            (part.len(), fits.then_some(block))
        });
        // Rows are found by `i / per`: every part but the last must have `per` rows, as
        // `in_parts` cuts them; if it ever cut otherwise, the rows are scored from the source.
        let per = parts.first().map_or(nr, |&(rows, _)| rows).max(1);
        let (last, whole) = parts.split_last()?;
        if whole.iter().any(|&(rows, _)| rows != per) || last.0 > per {
            return None;
        }
        let blocks = parts
            .into_iter()
            .map(|(_, block)| block)
            .collect::<Option<Vec<Vec<u8>>>>()?;
        Some(KeyRows { inner, blocks, per })
    }

    fn keys_of(&self, i: usize) -> &[u8] {
        let nc = self.inner.n_cols();
        let (block, k) = (i / self.per, i % self.per);
        &self.blocks[block][k * nc..(k + 1) * nc]
    }
}

impl<S: Source> Source for KeyRows<'_, S> {
    fn n_rows(&self) -> usize {
        self.inner.n_rows()
    }
    fn n_cols(&self) -> usize {
        self.inner.n_cols()
    }
    fn row(&self, i: usize, out: &mut [i32]) {
        scores_of_keys(self.keys_of(i), out);
    }
    fn col(&self, j: usize, out: &mut [i32]) {
        self.inner.col(j, out);
    }
    fn row_keys(&self, i: usize, out: &mut [u8]) -> bool {
        out.copy_from_slice(self.keys_of(i));
        true
    }
    fn col_keys(&self, j: usize, out: &mut [u8]) -> bool {
        self.inner.col_keys(j, out)
    }
    fn get(&self, i: usize, j: usize) -> i32 {
        // The pair's key, kept: no need to score it again.
        score_of_key(self.keys_of(i)[j])
    }
    fn max_score(&self) -> i32 {
        self.inner.max_score()
    }
    fn unit(&self) -> i32 {
        self.inner.unit()
    }
}
