//! Disclosure control, one engine for every table of every export. Each table is a [`Spec`]: its
//! cells (with the people or pairs each is about), the sums that hold between them, and cells that
//! are never printed but follow from the others (pairs that did *not* raise a topic). [`protect`]
//! then decides what is printed:
//!
//! 1. **Primary suppression.** A cell about fewer than `min_group` people reads `<5` (zero too:
//!    "nobody" is a statement about a small group).
//! 2. **Rounding.** With `[privacy] rounding = B`, every other protected count is rounded to the
//!    nearest multiple of B. Totals that describe no one's characteristic or answer (mentors
//!    enrolled, pairs confirmed) stay exact.
//! 3. **Secondary suppression, audited.** For each sensitive cell (a `<5`, or an unprinted cell
//!    about fewer than `min_group`), a linear program finds the smallest and largest value
//!    consistent with everything the table prints (cells, totals, the bounds `<5`, `[c]` and
//!    rounding imply). While one can be pinned to fewer than `min_group` possible values, another
//!    cell is hidden (`[c]`): the smallest count sharing a sum with it, totals last.

use serde::{Serialize, Serializer};

use super::lp;

/// One printed figure: a value, or why it is not shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// Shown: the value (rounded as printed, so no output is more precise than the text) and text.
    Shown { value: f64, text: String },
    /// About fewer than `min_group` people: reads `<5`.
    Below(u32),
    /// Hidden so that a suppressed figure cannot be worked out from the others: reads `[c]`.
    Withheld,
    /// Nothing to report (no data yet, or not applicable): reads `–`.
    Empty,
}

/// What a withheld figure reads as.
pub const WITHHELD: &str = "[c]";

impl Figure {
    pub fn count(n: usize) -> Figure {
        Figure::Shown {
            value: n as f64,
            text: n.to_string(),
        }
    }

    /// A number rounded to `decimals`, optionally with its sign (`+0.40`).
    pub fn number(x: f64, decimals: usize, signed: bool) -> Figure {
        let scale = 10f64.powi(i32::try_from(decimals.min(9)).unwrap_or(9));
        let mut value = (x * scale).round() / scale;
        if value == 0.0 {
            value = 0.0; // no "-0.00"
        }
        let text = if signed && value > 0.0 {
            format!("+{value:.decimals$}")
        } else {
            format!("{value:.decimals$}")
        };
        Figure::Shown { value, text }
    }

    pub fn percent(share: f64) -> Figure {
        let value = (share * 100.0).round();
        Figure::Shown {
            value,
            text: format!("{value:.0}%"),
        }
    }

    pub fn text(&self) -> String {
        match self {
            Figure::Shown { text, .. } => text.clone(),
            Figure::Below(n) => format!("<{n}"),
            Figure::Withheld => WITHHELD.into(),
            Figure::Empty => "–".into(),
        }
    }

    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Shown { value, .. } => Some(*value),
            _ => None,
        }
    }

    pub fn is_shown(&self) -> bool {
        matches!(self, Figure::Shown { .. })
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // A whole number below 1e15 is exact as an i64.
            #[allow(clippy::cast_possible_truncation)]
            Figure::Shown { value, .. } if value.fract() == 0.0 && value.abs() < 1e15 => {
                s.serialize_i64(*value as i64)
            }
            Figure::Shown { value, .. } => s.serialize_f64(*value),
            Figure::Empty => s.serialize_none(),
            other => s.serialize_str(&other.text()),
        }
    }
}

/// What a cell of a table is, for disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A count about people's (or pairs') status, characteristics, behaviour or answers.
    Protected,
    /// A total that describes no one's characteristic or answer (mentors enrolled, pairs
    /// confirmed): printed exact, never hidden.
    Exact,
    /// Never printed, but follows from printed cells (pairs that met but did not raise a topic):
    /// protected like a printed one.
    Unprinted,
    /// Does not apply (a session for mentors has no mentees): reads `–`.
    None,
    /// An exact total below `min_group`: it reads `<5`, since printed it would pin every cell in
    /// it; it is hidden for their sake, not its own (how many mentors there are is no one's
    /// characteristic), so it is not itself audited.
    SmallTotal,
}

/// A count before disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub value: usize,
    /// The people (or pairs) it is about: a cell is sensitive when this is below `min_group`.
    pub basis: usize,
    /// Whether the value is the number of people it is about (a head count), so that `<5` bounds
    /// the value itself; a count of meetings or intervals can exceed its basis.
    pub head_count: bool,
    pub kind: Kind,
}

impl Cell {
    /// A count of people (or pairs): each is its own basis.
    pub fn of(n: usize) -> Cell {
        Cell {
            value: n,
            basis: n,
            head_count: true,
            kind: Kind::Protected,
        }
    }

    /// A count of events (meetings, intervals) about `basis` pairs.
    pub fn events(value: usize, basis: usize) -> Cell {
        Cell {
            value,
            basis,
            head_count: false,
            kind: Kind::Protected,
        }
    }

    /// A total printed exact.
    pub fn exact(n: usize) -> Cell {
        Cell {
            kind: Kind::Exact,
            ..Cell::of(n)
        }
    }

    /// A head count never printed.
    pub fn unprinted(n: usize) -> Cell {
        Cell {
            kind: Kind::Unprinted,
            ..Cell::of(n)
        }
    }

    pub fn none() -> Cell {
        Cell {
            kind: Kind::None,
            ..Cell::of(0)
        }
    }
}

/// The rules a summary is published under: `[privacy]` in `cohort.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub min_group: u32,
    /// Round protected counts to a multiple of this (1: not rounded).
    pub rounding: u32,
}

impl Rules {
    fn min(self) -> usize {
        self.min_group as usize
    }

    /// A protected count as printed: rounded half up to the base.
    pub fn round(self, n: usize) -> usize {
        let b = self.rounding.max(1) as usize;
        (n + b / 2) / b * b
    }

    /// The true values a printed rounded count can stand for.
    fn unround(self, printed: usize) -> (f64, f64) {
        let b = self.rounding.max(1) as usize;
        let below = b / 2;
        (
            printed.saturating_sub(below) as f64,
            (printed + b - 1 - below) as f64,
        )
    }

    /// A single count about people (or pairs): `<5` below the threshold, else rounded.
    pub fn single(self, n: usize) -> Figure {
        if n < self.min() {
            Figure::Below(self.min_group)
        } else {
            Figure::count(self.round(n))
        }
    }
}

/// A table before disclosure control: printed cells (`rows × columns`, row by row), then
/// unprinted ones, and what holds between them.
#[derive(Debug, Clone)]
pub struct Spec {
    pub corner: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub cells: Vec<Cell>,
    /// Cells (and signs) that sum to zero: a row and its total.
    pub sums: Vec<Vec<(usize, i64)>>,
    /// Cells (and signs) whose sum is at most a number: what else the report says about them.
    pub limits: Vec<(Vec<(usize, i64)>, i64)>,
    /// Whether a cell is a total (hidden last).
    pub totals: Vec<bool>,
}

impl Spec {
    /// A table of `values[row][column]`; with `row_totals` a total column is added, with
    /// `column_totals` a total row (the caller gives a total's cell, since its basis is not the sum
    /// of its cells' when one pair is in two cells).
    pub fn grid(
        corner: &str,
        rows: Vec<String>,
        columns: Vec<String>,
        values: &[Vec<Cell>],
        row_totals: Option<&[Cell]>,
        column_totals: Option<(&[Cell], Option<Cell>)>,
    ) -> Spec {
        let width = columns.len() + usize::from(row_totals.is_some());
        let mut cells = Vec::new();
        let mut totals = Vec::new();
        for (r, row) in values.iter().enumerate() {
            cells.extend(row.iter().copied());
            totals.extend(std::iter::repeat_n(false, row.len()));
            if let Some(t) = row_totals {
                cells.push(t[r]);
                totals.push(true);
            }
        }
        if let Some((t, grand)) = column_totals {
            cells.extend(t.iter().copied());
            totals.extend(std::iter::repeat_n(true, t.len()));
            if row_totals.is_some() {
                cells.push(grand.unwrap_or_else(Cell::none));
                totals.push(true);
            }
        }
        let n_rows = cells.len() / width.max(1);
        let mut sums = Vec::new();
        if row_totals.is_some() {
            for r in 0..n_rows {
                sums.push(
                    (0..width)
                        .map(|c| (r * width + c, if c + 1 == width { -1 } else { 1 }))
                        .collect(),
                );
            }
        }
        if column_totals.is_some() {
            for c in 0..width {
                sums.push(
                    (0..n_rows)
                        .map(|r| (r * width + c, if r + 1 == n_rows { -1 } else { 1 }))
                        .collect(),
                );
            }
        }
        let mut labels = rows;
        if column_totals.is_some() {
            labels.push("total".into());
        }
        let mut columns = columns;
        if row_totals.is_some() {
            columns.push("total".into());
        }
        Spec {
            corner: corner.into(),
            rows: labels,
            columns,
            cells,
            sums,
            limits: Vec::new(),
            totals,
        }
    }

    /// Add a cell that is not printed; returns its index.
    pub fn unprinted(&mut self, cell: Cell) -> usize {
        self.cells.push(cell);
        self.totals.push(false);
        self.cells.len() - 1
    }

    /// The index of the printed cell at `row`, `column`.
    pub fn at(&self, row: usize, column: usize) -> usize {
        row * self.columns.len() + column
    }

    fn printed(&self) -> usize {
        self.rows.len() * self.columns.len()
    }
}

/// The figures of a table, printed cells first; unprinted cells read as empty. An exact total
/// below `min_group` is protected like any count: printed exactly, it would pin every cell in it.
pub fn protect(spec: &Spec, rules: Rules) -> Vec<Figure> {
    let min = rules.min();
    let mut spec = spec.clone();
    for c in &mut spec.cells {
        if c.kind == Kind::Exact && c.value < min {
            c.kind = Kind::SmallTotal;
        }
    }
    let spec = &spec;
    let mut out: Vec<Figure> = spec
        .cells
        .iter()
        .map(|c| match c.kind {
            Kind::None | Kind::Unprinted => Figure::Empty,
            Kind::Exact => Figure::count(c.value),
            Kind::SmallTotal => Figure::Below(rules.min_group),
            Kind::Protected if c.basis < min => Figure::Below(rules.min_group),
            Kind::Protected => Figure::count(rules.round(c.value)),
        })
        .collect();
    let mut hidden_before = usize::MAX;
    let mut given_up: Vec<usize> = Vec::new();
    while let Some(weak) = audit(spec, &out, rules)
        .into_iter()
        .find(|w| !given_up.contains(&w.cell))
    {
        let hidden = out.iter().filter(|f| !f.is_shown()).count();
        match complement_for(spec, &out, weak.cell) {
            Some(pick) if hidden != hidden_before => {
                out[pick] = Figure::Withheld;
                hidden_before = hidden;
            }
            // Nothing left to hide, and the bounds `<5` and `[c]` themselves narrow the cell
            // (two small groups beside an exact total of 6 are each at least 2): the hidden cells
            // of its sums are not reported at all, which says nothing about their size.
            _ => {
                let sums: Vec<&Vec<(usize, i64)>> = spec
                    .sums
                    .iter()
                    .filter(|s| s.iter().any(|(i, _)| *i == weak.cell))
                    .collect();
                out[weak.cell] = Figure::Empty;
                given_up.push(weak.cell);
                for s in sums {
                    for &(i, _) in s {
                        if spec.cells[i].kind == Kind::Protected && !out[i].is_shown() {
                            out[i] = Figure::Empty;
                        }
                    }
                }
                hidden_before = usize::MAX;
            }
        }
    }
    out
}

/// A sensitive cell the printed figures pin down too closely.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weak {
    pub cell: usize,
    pub lowest: f64,
    pub highest: f64,
}

/// Every cell of `spec` that the printed `figures` narrow too far: a hidden or unprinted cell whose
/// possible values are fewer than `min_group` and include one below it ("fewer than 5 did not").
/// A `[c]` is at least `min_group`, so it never is; a `<5` or an unprinted cell may be.
pub fn audit(spec: &Spec, figures: &[Figure], rules: Rules) -> Vec<Weak> {
    let min = rules.min() as f64;
    let checked: Vec<usize> = (0..spec.cells.len())
        .filter(|&i| match spec.cells[i].kind {
            Kind::Protected => matches!(figures[i], Figure::Below(_)),
            Kind::Unprinted => true,
            _ => false,
        })
        .collect();
    if checked.is_empty() {
        return Vec::new();
    }
    let Some((region, var)) = region(spec, figures, rules) else {
        return Vec::new();
    };
    let mut weak = Vec::new();
    for i in checked {
        let (lo, hi) = match var[i] {
            Some(v) => {
                let (lo, hi) = region.range(v);
                ((lo - 1e-6).ceil(), (hi + 1e-6).floor())
            }
            None => continue,
        };
        if hi - lo + 1.0 < min && lo < min {
            weak.push(Weak {
                cell: i,
                lowest: lo,
                highest: hi,
            });
        }
    }
    weak
}

/// The linear program of what a table prints: a variable for every cell not printed exactly.
fn region(
    spec: &Spec,
    figures: &[Figure],
    rules: Rules,
) -> Option<(lp::Region, Vec<Option<usize>>)> {
    let min = rules.min() as f64;
    let mut var = vec![None; spec.cells.len()];
    let mut bounds = Vec::new();
    let mut known = vec![0.0; spec.cells.len()];
    let rounded = rules.rounding > 1;
    for (i, (c, f)) in spec.cells.iter().zip(figures).enumerate() {
        let b = match (c.kind, f) {
            (Kind::None, _) => continue,
            (Kind::Exact, _) => {
                known[i] = c.value as f64;
                continue;
            }
            (Kind::Protected, Figure::Shown { value, .. }) if !rounded => {
                known[i] = *value;
                continue;
            }
            (Kind::Protected, Figure::Shown { value, .. }) => {
                let (lo, hi) = rules.unround(value_usize(*value));
                lp::Bounds {
                    lower: lo.max(min),
                    upper: hi,
                }
            }
            (Kind::Protected | Kind::SmallTotal, Figure::Below(_)) => lp::Bounds {
                lower: 0.0,
                upper: if c.head_count {
                    min - 1.0
                } else {
                    f64::INFINITY
                },
            },
            (Kind::Protected | Kind::SmallTotal, Figure::Withheld) => lp::Bounds {
                lower: min,
                upper: f64::INFINITY,
            },
            (Kind::SmallTotal, Figure::Shown { .. }) => {
                known[i] = c.value as f64;
                continue;
            }
            (Kind::Protected | Kind::SmallTotal | Kind::Unprinted, _) => lp::Bounds {
                lower: 0.0,
                upper: f64::INFINITY,
            },
        };
        var[i] = Some(bounds.len());
        bounds.push(b);
    }
    let mut constraints = Vec::new();
    let mut add = |terms: &[(usize, i64)], equal: bool, rhs: f64| {
        let mut vars = Vec::new();
        let mut rhs = rhs;
        for &(i, a) in terms {
            match var[i] {
                Some(v) => vars.push((v, a as f64)),
                None => rhs -= a as f64 * known[i],
            }
        }
        if !vars.is_empty() {
            constraints.push(lp::Constraint {
                terms: vars,
                equal,
                rhs,
            });
        }
    };
    for s in &spec.sums {
        add(s, true, 0.0);
    }
    for (terms, at_most) in &spec.limits {
        add(terms, false, *at_most as f64);
    }
    Some((lp::Region::new(&bounds, &constraints)?, var))
}

fn value_usize(v: f64) -> usize {
    // Printed counts are whole and non-negative.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = v.max(0.0).round() as usize;
    n
}

/// The next cell to hide for `weak`: a printed protected count sharing a sum with it (or with a
/// cell sharing one), the smallest first, totals last; `None` when none is left.
fn complement_for(spec: &Spec, out: &[Figure], weak: usize) -> Option<usize> {
    let hideable = |i: usize| spec.cells[i].kind == Kind::Protected && out[i].is_shown();
    let mut near: Vec<usize> = vec![weak];
    for _ in 0..3 {
        let linked: Vec<usize> = spec
            .sums
            .iter()
            .chain(spec.limits.iter().map(|(t, _)| t))
            .filter(|s| s.iter().any(|(i, _)| near.contains(i)))
            .flat_map(|s| s.iter().map(|(i, _)| *i))
            .collect();
        let pick = linked
            .iter()
            .copied()
            .filter(|&i| hideable(i))
            .min_by_key(|&i| (spec.totals[i], spec.cells[i].value, i));
        if pick.is_some() {
            return pick;
        }
        near.extend(linked);
    }
    (0..spec.cells.len())
        .filter(|&i| hideable(i))
        .min_by_key(|&i| (spec.totals[i], spec.cells[i].value, i))
}

/// A table of counts, protected.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    /// What a row is (the first column's header).
    pub corner: String,
    pub columns: Vec<String>,
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub label: String,
    pub cells: Vec<Figure>,
}

impl Grid {
    /// A [`Spec`] protected: its printed cells as a grid, and the figures of every cell.
    pub fn protect(spec: &Spec, rules: Rules) -> (Grid, Vec<Figure>) {
        let figures = protect(spec, rules);
        let width = spec.columns.len();
        let rows = spec
            .rows
            .iter()
            .enumerate()
            .map(|(r, label)| GridRow {
                label: label.clone(),
                cells: figures[r * width..(r + 1) * width].to_vec(),
            })
            .collect();
        debug_assert!(spec.printed() <= figures.len());
        (
            Grid {
                corner: spec.corner.clone(),
                columns: spec.columns.clone(),
                rows,
            },
            figures,
        )
    }

    /// [`Spec::grid`], protected.
    pub fn build(
        corner: &str,
        rows: Vec<String>,
        columns: Vec<String>,
        values: &[Vec<Cell>],
        row_totals: Option<&[Cell]>,
        column_totals: Option<(&[Cell], Option<Cell>)>,
        rules: Rules,
    ) -> Grid {
        let spec = Spec::grid(corner, rows, columns, values, row_totals, column_totals);
        Grid::protect(&spec, rules).0
    }

    /// The figure in the row labelled `row` and the column labelled `column`.
    pub fn get(&self, row: &str, column: &str) -> Option<&Figure> {
        let c = self.columns.iter().position(|x| x == column)?;
        self.rows.iter().find(|r| r.label == row)?.cells.get(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FIVE: Rules = Rules {
        min_group: 5,
        rounding: 1,
    };

    fn texts(g: &Grid) -> Vec<Vec<String>> {
        g.rows
            .iter()
            .map(|r| r.cells.iter().map(Figure::text).collect())
            .collect()
    }

    #[test]
    fn a_row_of_zeros_beside_its_total_is_not_left_pinned() {
        // mentees: 11 active, nobody else, total 11 (exact): the active count must go.
        let g = Grid::build(
            "role",
            vec!["mentees".into()],
            vec!["active".into(), "withdrawn".into(), "erased".into()],
            &[vec![Cell::of(11), Cell::of(0), Cell::of(0)]],
            Some(&[Cell::exact(11)]),
            None,
            FIVE,
        );
        assert_eq!(texts(&g), [["[c]", "<5", "<5", "11"]]);
    }

    #[test]
    fn a_lone_small_cell_takes_a_neighbour_with_it() {
        let g = Grid::build(
            "r",
            vec!["a".into()],
            vec!["x".into(), "y".into(), "z".into()],
            &[vec![Cell::of(12), Cell::of(1), Cell::of(9)]],
            Some(&[Cell::of(22)]),
            None,
            FIVE,
        );
        let t = texts(&g);
        assert_eq!(t[0][1], "<5");
        assert_eq!(t[0].iter().filter(|x| *x == "[c]").count(), 1, "{t:?}");
    }

    #[test]
    fn rounding_keeps_exact_totals_and_rounds_the_rest() {
        let r = Rules {
            min_group: 5,
            rounding: 5,
        };
        assert_eq!(r.round(12), 10);
        assert_eq!(r.round(13), 15);
        assert_eq!(r.unround(15), (13.0, 17.0));
        let g = Grid::build(
            "r",
            vec!["a".into()],
            vec!["x".into(), "y".into()],
            &[vec![Cell::of(13), Cell::of(21)]],
            Some(&[Cell::exact(34)]),
            None,
            r,
        );
        assert_eq!(texts(&g), [["15", "20", "34"]]);
    }

    fn grid_of(rows: usize, cols: usize, values: &[usize], min: u32) -> Grid {
        let cell = |r: usize, c: usize| values[r * cols + c];
        let row_totals: Vec<Cell> = (0..rows)
            .map(|r| Cell::of((0..cols).map(|c| cell(r, c)).sum()))
            .collect();
        let col_totals: Vec<Cell> = (0..cols)
            .map(|c| Cell::of((0..rows).map(|r| cell(r, c)).sum()))
            .collect();
        Grid::build(
            "r",
            (0..rows).map(|r| format!("r{r}")).collect(),
            (0..cols).map(|c| format!("c{c}")).collect(),
            &(0..rows)
                .map(|r| (0..cols).map(|c| Cell::of(cell(r, c))).collect())
                .collect::<Vec<_>>(),
            Some(&row_totals),
            Some((&col_totals, Some(Cell::of(values.iter().sum())))),
            Rules {
                min_group: min,
                rounding: 1,
            },
        )
    }

    proptest! {
        #[test]
        fn every_small_figure_is_hidden_and_every_shown_one_is_true(
            (rows, cols, values) in (1usize..4, 1usize..4).prop_flat_map(|(r, c)| {
                (Just(r), Just(c), proptest::collection::vec(0usize..15, r * c))
            }),
            min in 2u32..7,
        ) {
            let g = grid_of(rows, cols, &values, min);
            for (r, row) in g.rows.iter().enumerate() {
                for (c, f) in row.cells.iter().enumerate() {
                    let truth = if r < rows && c < cols {
                        values[r * cols + c]
                    } else if r < rows {
                        (0..cols).map(|c| values[r * cols + c]).sum()
                    } else if c < cols {
                        (0..rows).map(|r| values[r * cols + c]).sum()
                    } else {
                        values.iter().sum()
                    };
                    if truth < min as usize {
                        prop_assert!(!f.is_shown());
                    } else if let Some(v) = f.value() {
                        prop_assert_eq!(v, truth as f64);
                    }
                }
            }
        }
    }

    #[test]
    fn figures_round_and_sign() {
        assert_eq!(Figure::number(0.456, 2, true).text(), "+0.46");
        assert_eq!(Figure::number(-0.001, 2, true).text(), "0.00");
        assert_eq!(Figure::percent(0.666).text(), "67%");
        assert_eq!(Figure::Below(5).text(), "<5");
    }
}
