//! A small dense linear program: the disclosure engine asks, for each hidden figure, the smallest
//! and largest value consistent with everything a table publishes. Two-phase simplex with Bland's
//! rule (it never cycles); sizes here are tens to a few hundred variables.

const EPS: f64 = 1e-9;

/// A variable's bounds: `lower` is finite, `upper` may be infinite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub lower: f64,
    pub upper: f64,
}

/// `Σ coefficient·x[variable] (= or ≤) rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub terms: Vec<(usize, f64)>,
    pub equal: bool,
    pub rhs: f64,
}

/// The feasible region, reduced to standard form (`A y = b`, `y ≥ 0`, `x = lower + y`) and made
/// feasible once (phase 1); each bound asked is then one phase 2 from there.
pub struct Region {
    lower: Vec<f64>,
    /// Tableau rows: coefficients of every column, then the right-hand side.
    rows: Vec<Vec<f64>>,
    basis: Vec<usize>,
    /// Columns that may enter the basis (artificial columns may not, after phase 1).
    usable: usize,
}

impl Region {
    /// `None` when no value of the variables satisfies the constraints.
    pub fn new(bounds: &[Bounds], constraints: &[Constraint]) -> Option<Region> {
        let n = bounds.len();
        // Each constraint shifted by the lower bounds, then each finite upper bound as one more.
        let mut lines: Vec<Constraint> = Vec::new();
        for c in constraints {
            let shift: f64 = c.terms.iter().map(|(v, a)| a * bounds[*v].lower).sum();
            lines.push(Constraint {
                rhs: c.rhs - shift,
                ..c.clone()
            });
        }
        for (v, b) in bounds.iter().enumerate() {
            if b.upper.is_finite() {
                lines.push(Constraint {
                    terms: vec![(v, 1.0)],
                    equal: false,
                    rhs: b.upper - b.lower,
                });
            }
        }
        let slacks = lines.iter().filter(|l| !l.equal).count();
        let m = lines.len();
        let width = n + slacks + m + 1;
        let mut rows = Vec::with_capacity(m);
        let mut basis = Vec::with_capacity(m);
        let mut slack = n;
        for (i, line) in lines.iter().enumerate() {
            let mut row = vec![0.0; width];
            for (v, a) in &line.terms {
                row[*v] += a;
            }
            if !line.equal {
                row[slack] = 1.0;
                slack += 1;
            }
            row[width - 1] = line.rhs;
            if line.rhs < 0.0 {
                row.iter_mut().for_each(|x| *x = -*x);
            }
            row[n + slacks + i] = 1.0;
            basis.push(n + slacks + i);
            rows.push(row);
        }
        let mut region = Region {
            lower: bounds.iter().map(|b| b.lower).collect(),
            rows,
            basis,
            usable: n + slacks + m,
        };
        // Phase 1: minimise the sum of the artificial variables.
        let mut cost = vec![0.0; width - 1];
        for c in &mut cost[n + slacks..] {
            *c = 1.0;
        }
        let infeasibility = region.minimise(&cost)?;
        if infeasibility > 1e-7 {
            return None;
        }
        region.usable = n + slacks;
        region.drive_out_artificials();
        Some(region)
    }

    /// Pivot artificial variables left in the basis (at zero) out, or drop their redundant rows.
    fn drive_out_artificials(&mut self) {
        let mut i = 0;
        while i < self.rows.len() {
            if self.basis[i] >= self.usable {
                match (0..self.usable).find(|&j| self.rows[i][j].abs() > EPS) {
                    Some(j) => self.pivot(i, j),
                    None => {
                        self.rows.remove(i);
                        self.basis.remove(i);
                        continue;
                    }
                }
            }
            i += 1;
        }
    }

    fn pivot(&mut self, r: usize, c: usize) {
        let p = self.rows[r][c];
        self.rows[r].iter_mut().for_each(|x| *x /= p);
        let pivot_row = self.rows[r].clone();
        for (i, row) in self.rows.iter_mut().enumerate() {
            if i != r {
                let f = row[c];
                if f.abs() > EPS {
                    for (x, p) in row.iter_mut().zip(&pivot_row) {
                        *x -= f * p;
                    }
                }
            }
        }
        self.basis[r] = c;
    }

    /// Minimise `cost·y` from the current basis; `None` when unbounded below.
    fn minimise(&mut self, cost: &[f64]) -> Option<f64> {
        let last = self.rows.first().map_or(0, |r| r.len() - 1);
        loop {
            // Reduced costs; the entering column is the first improving one (Bland).
            let entering = (0..self.usable).find(|&j| {
                if self.basis.contains(&j) {
                    return false;
                }
                let reduced = cost[j]
                    - self
                        .rows
                        .iter()
                        .zip(&self.basis)
                        .map(|(row, &b)| cost[b] * row[j])
                        .sum::<f64>();
                reduced < -EPS
            });
            let Some(c) = entering else {
                return Some(
                    self.rows
                        .iter()
                        .zip(&self.basis)
                        .map(|(row, &b)| cost[b] * row[last])
                        .sum(),
                );
            };
            let mut leave: Option<(f64, usize, usize)> = None;
            for (i, row) in self.rows.iter().enumerate() {
                if row[c] > EPS {
                    let ratio = row[last] / row[c];
                    let better = match leave {
                        None => true,
                        Some((r, _, b)) => {
                            ratio < r - EPS || (ratio <= r + EPS && self.basis[i] < b)
                        }
                    };
                    if better {
                        leave = Some((ratio, i, self.basis[i]));
                    }
                }
            }
            let (_, r, _) = leave?;
            self.pivot(r, c);
        }
    }

    /// The smallest and largest value variable `v` takes over the region (the largest may be
    /// infinite).
    pub fn range(&self, v: usize) -> (f64, f64) {
        let width = self.rows.first().map_or(0, |r| r.len() - 1);
        let mut cost = vec![0.0; width];
        cost[v] = 1.0;
        let lo = self.clone_rows().minimise(&cost).unwrap_or(0.0);
        cost[v] = -1.0;
        let hi = self
            .clone_rows()
            .minimise(&cost)
            .map_or(f64::INFINITY, |x| -x);
        (self.lower[v] + lo, self.lower[v] + hi)
    }

    fn clone_rows(&self) -> Region {
        Region {
            lower: self.lower.clone(),
            rows: self.rows.clone(),
            basis: self.basis.clone(),
            usable: self.usable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(lower: f64, upper: f64) -> Bounds {
        Bounds { lower, upper }
    }

    #[test]
    fn ranges_follow_from_a_sum_and_bounds() {
        // x + y + z = 11, x in [0,4], y in [0,4], z in [5, inf)
        let r = Region::new(
            &[b(0.0, 4.0), b(0.0, 4.0), b(5.0, f64::INFINITY)],
            &[Constraint {
                terms: vec![(0, 1.0), (1, 1.0), (2, 1.0)],
                equal: true,
                rhs: 11.0,
            }],
        )
        .expect("feasible");
        assert_eq!(r.range(0), (0.0, 4.0));
        assert_eq!(r.range(2), (3.0f64.max(5.0), 11.0));
        // x + y = 1 pins both to [0, 1].
        let r = Region::new(
            &[b(0.0, 4.0), b(0.0, 4.0)],
            &[Constraint {
                terms: vec![(0, 1.0), (1, 1.0)],
                equal: true,
                rhs: 1.0,
            }],
        )
        .expect("feasible");
        assert_eq!(r.range(1), (0.0, 1.0));
        assert!(
            Region::new(
                &[b(5.0, f64::INFINITY)],
                &[Constraint {
                    terms: vec![(0, 1.0)],
                    equal: false,
                    rhs: 3.0
                }]
            )
            .is_none()
        );
    }
}
