//! Disclosure control: every figure the summary prints is a [`Figure`]; counts go through
//! [`suppress`] (primary and secondary suppression) as a [`Grid`].

use serde::{Serialize, Serializer};

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

/// A count and the number of people (or pairs) it is about: the basis for suppression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub value: usize,
    pub basis: usize,
}

impl Tally {
    /// A count of people (or pairs): each is its own basis.
    pub fn of(n: usize) -> Tally {
        Tally { value: n, basis: n }
    }
}

/// Apply primary and secondary suppression to a table of counts.
///
/// `cells[i]` is `None` where a cell does not apply (it prints `–` and is known to be empty).
/// `totals[i]` marks cells that are totals (withheld last). Each equation lists cells that sum to
/// zero with signs (a row and its total); no equation may be left with exactly one hidden cell.
pub fn suppress(
    cells: &[Option<Tally>],
    totals: &[bool],
    equations: &[Vec<usize>],
    min_group: u32,
) -> Vec<Figure> {
    let min = min_group as usize;
    let mut out: Vec<Figure> = cells
        .iter()
        .map(|c| match c {
            None => Figure::Empty,
            Some(t) if t.basis < min => Figure::Below(min_group),
            Some(t) => Figure::count(t.value),
        })
        .collect();
    loop {
        let mut changed = false;
        for eq in equations {
            let members: Vec<usize> = eq.iter().copied().filter(|&i| cells[i].is_some()).collect();
            let hidden = members.iter().filter(|&&i| !out[i].is_shown()).count();
            if hidden != 1 {
                continue;
            }
            let pick = members
                .iter()
                .copied()
                .filter(|&i| out[i].is_shown())
                .min_by_key(|&i| (totals[i], cells[i].map_or(0, |t| t.value), i));
            if let Some(i) = pick {
                out[i] = Figure::Withheld;
                changed = true;
            }
        }
        if !changed {
            return out;
        }
    }
}

/// A table of counts with its totals, suppressed.
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
    /// Build a grid from `values[row][column]`. With `row_totals` a total column is added; with
    /// `column_totals` a total row (whose tallies the caller gives, since a total's basis is not
    /// the sum of its cells' when one pair is in two cells).
    #[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
    #[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
    #[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
    pub fn build(
        corner: &str,
        rows: Vec<String>,
        columns: Vec<String>,
        values: Vec<Vec<Option<Tally>>>,
        row_totals: Option<Vec<Tally>>,
        column_totals: Option<(Vec<Tally>, Option<Tally>)>,
        min_group: u32,
    ) -> Grid {
        let n_rows = rows.len() + usize::from(column_totals.is_some());
        let width = columns.len() + usize::from(row_totals.is_some());
        let mut cells: Vec<Option<Tally>> = Vec::with_capacity(n_rows * width);
        let mut is_total = Vec::with_capacity(n_rows * width);
        for (r, row) in values.iter().enumerate() {
            cells.extend(row.iter().copied());
            is_total.extend(std::iter::repeat_n(false, row.len()));
            if let Some(t) = &row_totals {
                cells.push(Some(t[r]));
                is_total.push(true);
            }
        }
        if let Some((t, grand)) = &column_totals {
            cells.extend(t.iter().map(|x| Some(*x)));
            is_total.extend(std::iter::repeat_n(true, t.len()));
            if row_totals.is_some() {
                cells.push(*grand);
                is_total.push(true);
            }
        }
        let mut equations = Vec::new();
        if row_totals.is_some() {
            for r in 0..n_rows {
                equations.push((0..width).map(|c| r * width + c).collect());
            }
        }
        if column_totals.is_some() {
            for c in 0..width {
                equations.push((0..n_rows).map(|r| r * width + c).collect());
            }
        }
        let figures = suppress(&cells, &is_total, &equations, min_group);
        let mut labels = rows;
        if column_totals.is_some() {
            labels.push("total".into());
        }
        let mut columns = columns;
        if row_totals.is_some() {
            columns.push("total".into());
        }
        let rows = labels
            .into_iter()
            .enumerate()
            .map(|(r, label)| GridRow {
                label,
                cells: figures[r * width..(r + 1) * width].to_vec(),
            })
            .collect();
        Grid {
            corner: corner.into(),
            columns,
            rows,
        }
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

    fn t(n: usize) -> Option<Tally> {
        Some(Tally::of(n))
    }

    #[test]
    fn small_cells_read_below_and_a_lone_one_takes_a_neighbour_with_it() {
        // One row: 12, 1, 9 with total 22. The 1 is suppressed; the 9 must go too.
        let g = Grid::build(
            "r",
            vec!["a".into()],
            vec!["x".into(), "y".into(), "z".into()],
            vec![vec![t(12), t(1), t(9)]],
            Some(vec![Tally::of(22)]),
            None,
            5,
        );
        let texts: Vec<String> = g.rows[0].cells.iter().map(Figure::text).collect();
        assert_eq!(texts, ["12", "<5", "[c]", "22"]);
    }

    #[test]
    fn secondary_suppression_leaves_no_equation_with_one_unknown() {
        // 2 x 3 with margins; one small cell.
        let g = Grid::build(
            "r",
            vec!["a".into(), "b".into()],
            vec!["x".into(), "y".into(), "z".into()],
            vec![vec![t(10), t(2), t(8)], vec![t(7), t(9), t(6)]],
            Some(vec![Tally::of(20), Tally::of(22)]),
            Some((vec![Tally::of(17), Tally::of(11), Tally::of(14)], t(42))),
            5,
        );
        for row in &g.rows {
            assert_ne!(row.cells.iter().filter(|f| !f.is_shown()).count(), 1);
        }
        for c in 0..g.columns.len() {
            let hidden = g.rows.iter().filter(|r| !r.cells[c].is_shown()).count();
            assert_ne!(hidden, 1, "column {c}");
        }
        assert_eq!(g.get("a", "y"), Some(&Figure::Below(5)));
    }

    fn grid_of(rows: usize, cols: usize, values: &[usize], min: u32) -> Grid {
        let cell = |r: usize, c: usize| values[r * cols + c];
        Grid::build(
            "r",
            (0..rows).map(|r| format!("r{r}")).collect(),
            (0..cols).map(|c| format!("c{c}")).collect(),
            (0..rows)
                .map(|r| (0..cols).map(|c| t(cell(r, c))).collect())
                .collect(),
            Some(
                (0..rows)
                    .map(|r| Tally::of((0..cols).map(|c| cell(r, c)).sum()))
                    .collect(),
            ),
            Some((
                (0..cols)
                    .map(|c| Tally::of((0..rows).map(|r| cell(r, c)).sum()))
                    .collect(),
                t(values.iter().sum()),
            )),
            min,
        )
    }

    proptest! {
        #[test]
        fn no_row_or_column_is_left_with_one_hidden_cell(
            (rows, cols, values) in (1usize..5, 1usize..5).prop_flat_map(|(r, c)| {
                (Just(r), Just(c), proptest::collection::vec(0usize..15, r * c))
            }),
            min in 2u32..7,
        ) {
            let g = grid_of(rows, cols, &values, min);
            for (r, row) in g.rows.iter().enumerate() {
                prop_assert_ne!(row.cells.iter().filter(|f| !f.is_shown()).count(), 1, "row {}", r);
                for (c, f) in row.cells.iter().enumerate() {
                    // Every small figure is hidden; every shown figure is the true value.
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
            for c in 0..g.columns.len() {
                let hidden = g.rows.iter().filter(|r| !r.cells[c].is_shown()).count();
                prop_assert_ne!(hidden, 1, "column {}", c);
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
