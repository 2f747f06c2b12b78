//! An auditor of the published summary, written apart from the disclosure engine: it reads what
//! `export --format json` prints, writes down as linear constraints everything a reader knows from
//! it (cells, row and column totals, totals repeated in other tables, the bounds `<5`, `[c]` and
//! rounding imply, quartiles, shares, and how the tables relate: topics and completion within the
//! pairs, respondents within the people), and with a linear program computes for each
//! hidden cell, and each complement the tables imply (pairs that did not raise a topic, people not
//! completing), the smallest and largest value consistent with them, by its own two-phase simplex. A cell fails when fewer than
//! `min_group` values remain and one of them is below `min_group`.

use std::collections::BTreeMap;

use serde_json::Value;

/// A number of the simplex: a float compared with a tolerance (the figures are small whole
/// numbers and the coefficients ±1, so pivots stay exact in practice; exact fractions were tried
/// and are a hundred times slower in a debug build).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Q(f64);

const TOLERANCE: f64 = 1e-9;

impl Q {
    fn int(n: i64) -> Q {
        Q(n as f64)
    }
    fn zero() -> Q {
        Q(0.0)
    }
    fn is_zero(self) -> bool {
        self.0.abs() < TOLERANCE
    }
    fn pos(self) -> bool {
        self.0 > TOLERANCE
    }
    fn neg(self) -> bool {
        self.0 < -TOLERANCE
    }
    fn add(self, o: Q) -> Q {
        Q(self.0 + o.0)
    }
    fn sub(self, o: Q) -> Q {
        Q(self.0 - o.0)
    }
    fn mul(self, o: Q) -> Q {
        Q(self.0 * o.0)
    }
    fn div(self, o: Q) -> Q {
        Q(self.0 / o.0)
    }
    fn lt(self, o: Q) -> bool {
        self.0 < o.0 - TOLERANCE
    }
    fn floor(self) -> i64 {
        (self.0 + 1e-6).floor() as i64
    }
    fn ceil(self) -> i64 {
        (self.0 - 1e-6).ceil() as i64
    }
}

/// A simplex tableau in standard form (`A y = b`, `y ≥ 0`), feasible after [`Tableau::new`].
#[derive(Clone)]
struct Tableau {
    t: Vec<Vec<Q>>,
    basis: Vec<usize>,
    /// Real columns (the rest are phase 1's artificials).
    n: usize,
}

impl Tableau {
    /// Phase 1 (one artificial per row, b ≥ 0); `None` when infeasible.
    fn new(rows: &[(Vec<Q>, Q)], n: usize) -> Option<Tableau> {
        let m = rows.len();
        let width = n + m;
        let t: Vec<Vec<Q>> = rows
            .iter()
            .enumerate()
            .map(|(i, (a, b))| {
                let mut r = a.clone();
                r.resize(width, Q::zero());
                r[n + i] = Q::int(1);
                r.push(*b);
                r
            })
            .collect();
        let mut tab = Tableau {
            t,
            basis: (n..n + m).collect(),
            n,
        };
        let mut phase1 = vec![Q::zero(); width];
        for c in &mut phase1[n..] {
            *c = Q::int(1);
        }
        let inf = tab.run(&phase1, width).expect("phase 1 is bounded");
        if !inf.is_zero() {
            return None;
        }
        // Artificials left basic (at zero): pivot them out, or drop their redundant rows.
        let mut i = 0;
        while i < tab.t.len() {
            if tab.basis[i] >= n {
                if let Some(j) = (0..n).find(|&j| !tab.t[i][j].is_zero()) {
                    tab.pivot(i, j);
                } else {
                    tab.t.remove(i);
                    tab.basis.remove(i);
                    continue;
                }
            }
            i += 1;
        }
        Some(tab)
    }

    fn pivot(&mut self, r: usize, j: usize) {
        let p = self.t[r][j];
        for x in self.t[r].iter_mut() {
            *x = x.div(p);
        }
        let pr = self.t[r].clone();
        for (i, row) in self.t.iter_mut().enumerate() {
            if i != r && !row[j].is_zero() {
                let f = row[j];
                for (x, y) in row.iter_mut().zip(&pr) {
                    *x = x.sub(f.mul(*y));
                }
            }
        }
        self.basis[r] = j;
    }

    /// Minimise `c · y` over the first `allowed` columns (Bland's rule); `None` when unbounded.
    fn run(&mut self, c: &[Q], allowed: usize) -> Option<Q> {
        let rhs = self.t.first().map_or(0, |r| r.len() - 1);
        loop {
            let mut enter = None;
            for j in 0..allowed {
                if self.basis.contains(&j) {
                    continue;
                }
                let mut r = c[j];
                for (i, &b) in self.basis.iter().enumerate() {
                    r = r.sub(c[b].mul(self.t[i][j]));
                }
                if r.neg() {
                    enter = Some(j);
                    break;
                }
            }
            let Some(j) = enter else {
                let mut v = Q::zero();
                for (i, &b) in self.basis.iter().enumerate() {
                    v = v.add(c[b].mul(self.t[i][rhs]));
                }
                return Some(v);
            };
            let mut leave: Option<usize> = None;
            for i in 0..self.t.len() {
                if self.t[i][j].pos() {
                    leave = match leave {
                        None => Some(i),
                        Some(k) => {
                            let ri = self.t[i][rhs].div(self.t[i][j]);
                            let rk = self.t[k][rhs].div(self.t[k][j]);
                            if ri.lt(rk) || (!rk.lt(ri) && self.basis[i] < self.basis[k]) {
                                Some(i)
                            } else {
                                Some(k)
                            }
                        }
                    };
                }
            }
            let r = leave?;
            self.pivot(r, j);
        }
    }

    /// Minimise `cost · y` (over the real columns) from this feasible tableau.
    fn minimise(&self, cost: &[Q]) -> Option<Q> {
        let mut t = self.clone();
        let mut c = cost.to_vec();
        c.resize(t.t.first().map_or(0, |r| r.len() - 1), Q::zero());
        t.run(&c, t.n)
    }
}

/// A row of a linear program: terms, whether an equality, right-hand side.
type Line = (Vec<(usize, i64)>, bool, i64);

/// `a · x (= or ≤) b` over the model's variables.
#[derive(Debug, Clone)]
struct Con {
    terms: Vec<(usize, i64)>,
    equal: bool,
    rhs: i64,
}

#[derive(Debug, Clone)]
struct Var {
    name: String,
    lo: i64,
    hi: Option<i64>,
    /// A hidden cell or an implied complement: must not be pinned.
    check: bool,
    /// The `min_group` of the report (the cohort) the figure belongs to.
    min: i64,
}

/// What one summary publishes, as a linear model.
#[derive(Debug, Default)]
struct Model {
    vars: Vec<Var>,
    cons: Vec<Con>,
    min: i64,
    rounding: i64,
    /// Put before every variable's name: the cohort, when one model holds several summaries.
    prefix: String,
    /// Counts printed as numbers below `min_group` (primary suppression missed).
    small: Vec<String>,
}

impl Model {
    fn var(&mut self, name: String, lo: i64, hi: Option<i64>, check: bool) -> usize {
        self.vars.push(Var {
            name: format!("{}{name}", self.prefix),
            lo,
            hi,
            check,
            min: self.min,
        });
        self.vars.len() - 1
    }

    /// A printed figure. `exact` marks totals the report prints unrounded, which describe no one
    /// (how many mentors, how many pairs confirmed): hidden when small, for the cells' sake, but
    /// not sensitive themselves; `head` marks counts of people or pairs (a `<5` bounds the value).
    fn figure(&mut self, name: String, v: &Value, exact: bool, head: bool) -> Option<usize> {
        let m = self.min;
        if exact && v.as_str().is_some_and(|s| s.starts_with('<')) {
            return Some(self.var(name, 0, Some(m - 1), false));
        }
        match v {
            // Not reported: any value at all (where "–" means "does not apply", see `sessions`).
            Value::Null => Some(self.var(name, 0, None, false)),
            Value::Number(n) => {
                let x = n.as_f64().expect("number").round() as i64;
                // A count printed as a number stands for at least min_group (a rounded one, for
                // some value of its rounding interval).
                let b = self.rounding.max(1);
                if !exact && x + b - 1 - b / 2 < m {
                    self.small
                        .push(format!("{}{name}: {x} printed, below {m}", self.prefix));
                }
                if exact || self.rounding <= 1 {
                    Some(self.var(name, x, Some(x), false))
                } else {
                    let b = self.rounding;
                    let (lo, hi) = (x - b / 2, x + b - 1 - b / 2);
                    Some(self.var(name, lo.max(m), Some(hi), false))
                }
            }
            Value::String(s) if s.starts_with('<') => {
                Some(self.var(name, 0, if head { Some(m - 1) } else { None }, true))
            }
            Value::String(s) if s == "[c]" => Some(self.var(name, m, None, false)),
            other => panic!("{name}: unexpected figure {other}"),
        }
    }

    fn con(&mut self, terms: Vec<(usize, i64)>, equal: bool, rhs: i64) {
        self.cons.push(Con { terms, equal, rhs });
    }

    /// `parts` sum to `total`.
    fn sum(&mut self, parts: &[Option<usize>], total: Option<usize>) {
        let Some(total) = total else { return };
        let mut terms: Vec<(usize, i64)> = parts.iter().flatten().map(|&p| (p, 1)).collect();
        terms.push((total, -1));
        self.con(terms, true, 0);
    }

    /// `a ≤ b`.
    fn at_most(&mut self, a: Option<usize>, b: Option<usize>) {
        if let (Some(a), Some(b)) = (a, b) {
            self.con(vec![(a, 1), (b, -1)], false, 0);
        }
    }

    /// A new variable `whole − part` (≥ 0), checked: the complement a reader can work out.
    fn complement(&mut self, name: String, whole: Option<usize>, part: Option<usize>) {
        if let (Some(w), Some(p)) = (whole, part) {
            let c = self.var(name, 0, None, true);
            self.con(vec![(w, 1), (p, -1), (c, -1)], true, 0);
        }
    }

    /// Whether a variable is fixed (a figure printed exactly): then it is a number, not a variable.
    fn fixed(&self, i: usize) -> Option<i64> {
        let v = &self.vars[i];
        (v.hi == Some(v.lo)).then_some(v.lo)
    }

    /// The smallest and largest value of every checked variable: one linear program per group of
    /// variables linked through constraints (fixed ones are numbers and link nothing), made
    /// feasible once, then minimised and maximised for each variable.
    fn ranges(&self) -> Vec<(usize, i64, Option<i64>)> {
        let free = |i: usize| self.fixed(i).is_none();
        let mut group: Vec<Option<usize>> = vec![None; self.vars.len()];
        let mut out = Vec::new();
        for start in 0..self.vars.len() {
            if !self.vars[start].check {
                continue;
            }
            if let Some(x) = self.fixed(start) {
                out.push((start, x, Some(x)));
                continue;
            }
            if group[start].is_some() {
                continue;
            }
            let mut linked = vec![false; self.vars.len()];
            linked[start] = true;
            loop {
                let mut grew = false;
                for c in &self.cons {
                    if c.terms.iter().any(|(i, _)| linked[*i]) {
                        for (i, _) in &c.terms {
                            if !linked[*i] && free(*i) {
                                linked[*i] = true;
                                grew = true;
                            }
                        }
                    }
                }
                if !grew {
                    break;
                }
            }
            for (i, l) in linked.iter().enumerate() {
                if *l {
                    group[i] = Some(start);
                }
            }
            out.extend(self.group_ranges(&linked));
        }
        out
    }

    fn group_ranges(&self, linked: &[bool]) -> Vec<(usize, i64, Option<i64>)> {
        let index: BTreeMap<usize, usize> = (0..self.vars.len())
            .filter(|&i| linked[i])
            .enumerate()
            .map(|(k, i)| (i, k))
            .collect();
        // x = lo + y, y ≥ 0; fixed variables are numbers; each ≤ gets a slack; each finite upper
        // bound is a row.
        let n = index.len();
        let mut lines: Vec<Line> = Vec::new();
        for c in &self.cons {
            if !c.terms.iter().any(|(i, _)| linked[*i]) {
                continue;
            }
            let mut rhs = c.rhs;
            let mut terms = Vec::new();
            for (i, a) in &c.terms {
                match index.get(i) {
                    Some(k) => {
                        rhs -= a * self.vars[*i].lo;
                        terms.push((*k, *a));
                    }
                    None => rhs -= a * self.fixed(*i).unwrap_or(self.vars[*i].lo),
                }
            }
            lines.push((terms, c.equal, rhs));
        }
        for (&i, &k) in &index {
            if let Some(hi) = self.vars[i].hi {
                lines.push((vec![(k, 1)], false, hi - self.vars[i].lo));
            }
        }
        let slacks = lines.iter().filter(|l| !l.1).count();
        let cols = n + slacks;
        let mut s = n;
        let rows: Vec<(Vec<Q>, Q)> = lines
            .iter()
            .map(|(terms, equal, rhs)| {
                let mut a = vec![Q::zero(); cols];
                for (k, c) in terms {
                    a[*k] = a[*k].add(Q::int(*c));
                }
                if !equal {
                    a[s] = Q::int(1);
                    s += 1;
                }
                if *rhs < 0 {
                    (a.iter().map(|x| Q::zero().sub(*x)).collect(), Q::int(-rhs))
                } else {
                    (a, Q::int(*rhs))
                }
            })
            .collect();
        let Some(tableau) = Tableau::new(&rows, cols) else {
            let names: Vec<&str> = index.keys().map(|i| self.vars[*i].name.as_str()).collect();
            panic!("the published figures contradict the model, among: {names:?}");
        };
        index
            .iter()
            .filter(|(i, _)| self.vars[**i].check)
            .map(|(&i, &k)| {
                let mut cost = vec![Q::zero(); cols];
                cost[k] = Q::int(1);
                let lo = tableau.minimise(&cost).expect("bounded below");
                cost[k] = Q::int(-1);
                let hi = tableau.minimise(&cost);
                let base = self.vars[i].lo;
                (
                    i,
                    base + lo.ceil(),
                    hi.map(|h| base + Q::zero().sub(h).floor()),
                )
            })
            .collect()
    }
}

fn cells(grid: &Value) -> Vec<(String, Vec<Value>)> {
    grid["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["label"].as_str().expect("label").to_string(),
                r["cells"].as_array().expect("cells").clone(),
            )
        })
        .collect()
}

fn columns(grid: &Value) -> Vec<String> {
    grid["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c.as_str().expect("column").to_string())
        .collect()
}

/// A grid's figures as variables, `[row][column]`.
fn grid_vars(
    m: &mut Model,
    table: &str,
    grid: &Value,
    head: bool,
    exact: impl Fn(&str, &str) -> bool,
) -> Vec<Vec<Option<usize>>> {
    let cols = columns(grid);
    cells(grid)
        .iter()
        .map(|(label, row)| {
            row.iter()
                .zip(&cols)
                .map(|(v, c)| m.figure(format!("{table}: {label} / {c}"), v, exact(label, c), head))
                .collect()
        })
        .collect()
}

/// Row sums (last column the total) and column sums (last row the total).
fn margins(m: &mut Model, g: &[Vec<Option<usize>>], rows: bool, columns: bool) {
    if rows {
        for r in g {
            let (total, parts) = r.split_last().expect("row");
            m.sum(parts, *total);
        }
    }
    if columns && !g.is_empty() {
        let (total, body) = g.split_last().expect("rows");
        for c in 0..total.len() {
            let parts: Vec<Option<usize>> = body.iter().map(|r| r[c]).collect();
            m.sum(&parts, total[c]);
        }
    }
}

/// The model of everything one summary publishes.
fn model(s: &Value) -> Model {
    let mut m = Model::default();
    summary_into(&mut m, s);
    m
}

/// The variables of one summary that other tables (the programme report) repeat.
#[derive(Debug, Default)]
struct Handles {
    mentors: Option<usize>,
    mentees: Option<usize>,
    pairs_confirmed: Option<usize>,
    held: Option<usize>,
    lapsed: Option<usize>,
    /// `(characteristic, value)` → the mentors and mentees cells of its participation table.
    participation: BTreeMap<(String, String), [Option<usize>; 2]>,
}

/// Set the model's threshold and rounding to those of the summary `s`.
fn rules_of(m: &mut Model, s: &Value) {
    m.min = s["min_group"].as_i64().expect("min_group");
    m.rounding = s["rounding"].as_i64().unwrap_or(1);
}

/// Everything one summary publishes, added to `m` (under `m`'s prefix).
#[allow(clippy::too_many_lines)]
fn summary_into(m: &mut Model, s: &Value) -> Handles {
    rules_of(m, s);
    let mut handles = Handles::default();
    // Participants: role totals and the grand total are exact.
    let people = grid_vars(m, "participants", &s["participants"], true, |r, c| {
        c == "total" && r != "total"
    });
    margins(m, &people, true, true);
    let mentors = people[0].last().copied().flatten();
    let mentees = people[1].last().copied().flatten();
    let role_total = |role: &str| {
        if role.starts_with("mentor") {
            mentors
        } else {
            mentees
        }
    };
    // Pairs: confirmed exact; every pair is confirmed or ended.
    let pairs = grid_vars(m, "pairs", &s["pairs"], true, |_, c| c == "confirmed");
    handles.pairs_confirmed = pairs[0][0];
    let all_pairs = m.var("pairs: all".into(), 0, None, false);
    m.sum(&pairs[0], Some(all_pairs));
    let lapsed = m.figure("pairs lapsed".into(), &s["pairs_lapsed"], false, true);
    m.at_most(lapsed, Some(all_pairs));
    handles.lapsed = lapsed;
    // Pairs that held a meeting: within all pairs.
    let met = m.var("pairs that met".into(), 0, None, false);
    m.at_most(Some(met), Some(all_pairs));
    // Group sessions: each row's total; no more of a role than are enrolled. Here "–" is a role
    // the session was not for: nobody.
    let sessions: Vec<Vec<Option<usize>>> = cells(&s["sessions"])
        .iter()
        .map(|(label, row)| {
            row.iter()
                .map(|v| {
                    (!v.is_null())
                        .then(|| m.figure(format!("sessions: {label}"), v, false, true))
                        .flatten()
                })
                .collect()
        })
        .collect();
    margins(m, &sessions, true, false);
    for row in &sessions {
        m.at_most(row[0], mentors);
        m.at_most(row[1], mentees);
    }
    // Meetings: events, column totals, and all meetings as the sum of the totals.
    let meetings = grid_vars(m, "meetings", &s["meetings"], false, |_, _| false);
    margins(m, &meetings, false, true);
    let all = m.figure("all meetings".into(), &s["meetings_all"], false, false);
    if let Some(totals) = meetings.last() {
        m.sum(totals, all);
        handles.held = totals.first().copied().flatten();
    }
    // Intervals: bands sum to the total, which the sentence repeats; quartiles bound the bands.
    let i = &s["intervals"];
    if !i["bands"].is_null() && !i["intervals"].is_null() {
        let bands = grid_vars(m, "intervals", &i["bands"], false, |_, _| false);
        margins(m, &bands, true, false);
        let b = &bands[0];
        let n = m.figure("intervals".into(), &i["intervals"], false, false);
        m.sum(&[b[3]], n);
        let pairs2 = m.figure("pairs with two meetings".into(), &i["pairs"], false, true);
        m.at_most(pairs2, Some(met));
        let window = (
            s["min_weeks"].as_i64().expect("weeks") * 7,
            s["max_weeks"].as_i64().expect("weeks") * 7,
        );
        // Quartiles bound the bands by rank, which needs the number of intervals exactly.
        if let Some(total) = i["intervals"].as_i64().filter(|_| m.rounding <= 1) {
            for (q, key) in [
                (0.25, "lower_quartile_weeks"),
                (0.5, "median_weeks"),
                (0.75, "upper_quartile_weeks"),
            ] {
                if let Some(w) = i[key].as_f64() {
                    quantile(m, w, q, total, window, b[0], b[2]);
                }
            }
            if let (Some(p), Some(inside)) = (i["inside_cadence"].as_f64(), b[1]) {
                // p% rounded: 100·inside within (p ± 0.5)·n.
                let n = total as f64;
                m.con(
                    vec![(inside, 1)],
                    false,
                    ((p + 0.5) * n / 100.0).floor() as i64,
                );
                m.con(
                    vec![(inside, -1)],
                    false,
                    -((p - 0.5) * n / 100.0).ceil() as i64,
                );
            }
        }
    }
    // Topics: each raised by some of the pairs that met; the rest did not raise it.
    for (label, row) in cells(&s["topics"]) {
        let raised = m.figure(format!("topic {label}"), &row[0], false, true);
        m.at_most(raised, Some(met));
        m.complement(
            format!("pairs that met but did not raise {label}"),
            Some(met),
            raised,
        );
    }
    // Respondents: within the people of the role; both within each survey.
    for (label, row) in cells(&s["respondents"]) {
        let v: Vec<Option<usize>> = row
            .iter()
            .zip(["baseline", "final", "both"])
            .map(|(v, c)| m.figure(format!("respondents {label} {c}"), v, false, true))
            .collect();
        m.at_most(v[0], role_total(&label));
        m.at_most(v[1], role_total(&label));
        m.at_most(v[2], v[0]);
        m.at_most(v[2], v[1]);
    }
    // Participation: each characteristic sums to the same role totals; those completing are within
    // the people of each value, the same in every table, and within the pairs.
    let mut completing: Vec<Option<usize>> = Vec::new();
    for p in s["participation"].as_array().into_iter().flatten() {
        let name = p["characteristic"].as_str().expect("name");
        let g = grid_vars(m, name, &p["table"], true, |r, _| r == "total");
        margins(m, &g, false, true);
        let total = g.last().expect("total row");
        m.sum(&[total[0]], mentors);
        m.sum(&[total[2]], mentees);
        if completing.is_empty() {
            completing = vec![total[1], total[3]];
        } else {
            m.sum(&[total[1]], completing[0]);
            m.sum(&[total[3]], completing[1]);
        }
        m.at_most(total[1], Some(all_pairs));
        m.at_most(total[3], Some(all_pairs));
        let labels = cells(&p["table"]);
        let cols = columns(&p["table"]);
        let at = |name: &str| cols.iter().position(|c| c == name);
        for (r, row) in g.iter().enumerate() {
            let label = &labels[r].0;
            handles.participation.insert(
                (name.to_string(), label.clone()),
                [
                    at("mentors").and_then(|c| row[c]),
                    at("mentees").and_then(|c| row[c]),
                ],
            );
            m.complement(
                format!("{name} {label}: mentors not completing"),
                row[0],
                row[1],
            );
            m.complement(
                format!("{name} {label}: mentees not completing"),
                row[2],
                row[3],
            );
        }
    }
    handles.mentors = mentors;
    handles.mentees = mentees;
    handles
}

/// What a printed quantile of the intervals says about the bands below and above the window.
fn quantile(
    m: &mut Model,
    weeks: f64,
    q: f64,
    n: i64,
    window: (i64, i64),
    under: Option<usize>,
    over: Option<usize>,
) {
    let (low, high) = ((weeks - 0.05) * 7.0, (weeks + 0.05) * 7.0);
    let pos = q * (n - 1).max(0) as f64;
    let (r_lo, r_hi) = (pos.floor() as i64, pos.ceil() as i64);
    let (lo_days, hi_days) = (window.0 as f64, window.1 as f64);
    if let Some(u) = under {
        if low >= lo_days {
            m.con(vec![(u, 1)], false, r_hi);
        }
        if high < lo_days {
            m.con(vec![(u, -1)], false, -(r_lo + 1));
        }
    }
    if let Some(o) = over {
        if high <= hi_days {
            m.con(vec![(o, 1)], false, n - r_lo - 1);
        }
        if low > hi_days {
            m.con(vec![(o, -1)], false, -(n - r_hi));
        }
    }
}

/// What the auditor found in one summary.
#[derive(Debug, Default)]
pub struct Audit {
    pub cells: usize,
    /// The narrowest range of a cell that may be below `min_group`: (possible values, the cell).
    pub narrowest: Option<(i64, String)>,
    pub failures: Vec<String>,
}

/// Audit the summary in `export --format json`'s output.
pub fn audit(json: &str) -> Audit {
    let v: Value = serde_json::from_str(json).expect("json");
    findings(&model(&v["summary"]))
}

/// The range of every checked variable of the model: those that may be a small group and are
/// pinned to fewer than their report's `min_group` values fail.
fn findings(m: &Model) -> Audit {
    let mut out = Audit {
        failures: m.small.clone(),
        ..Audit::default()
    };
    for (i, lo, hi) in m.ranges() {
        let var = &m.vars[i];
        out.cells += 1;
        let width = hi.map_or(i64::MAX, |h| h - lo + 1);
        // The narrowest range of a cell that may be a small group (one whose every value is at
        // least min_group, such as 5 mentors not completing, may be printed exactly).
        if lo < var.min && out.narrowest.as_ref().is_none_or(|(w, _)| width < *w) {
            out.narrowest = Some((width, var.name.clone()));
        }
        if width < var.min && lo < var.min {
            out.failures.push(format!(
                "{}: pinned to {lo}..={}",
                var.name,
                hi.map_or("∞".into(), |h| h.to_string())
            ));
        }
    }
    out
}

/// A figure the programme report prints again, as a variable equal to the summary's own.
fn repeat(m: &mut Model, name: String, v: &Value, exact: bool, head: bool, of: Option<usize>) {
    let shown = m.figure(name, v, exact, head);
    m.sum(&[shown], of);
}

/// Audit the programme report (`export --programme --format json`) as one report: every cohort's
/// summary it carries, each figure of its own tables tied to the summary figure it repeats, the
/// people returning from earlier cohorts with the new people they imply, and returning people
/// bounded by everyone enrolled in the cohorts before. A figure the programme prints that its
/// cohort's summary does not (a value the summary counted in "another value", a question's
/// change the summary does not give) is a failure too.
pub fn audit_programme(json: &str) -> Audit {
    let v: Value = serde_json::from_str(json).expect("json");
    let p = &v["programme"];
    let summaries = p["summaries"].as_array().expect("summaries");
    let columns = p["cohorts"].as_array().expect("cohorts");
    assert_eq!(summaries.len(), columns.len(), "a summary for each cohort");
    let mut m = Model::default();
    let mut handles = Vec::new();
    let mut inconsistent = Vec::new();
    for s in summaries {
        m.prefix = format!("{}: ", s["cohort"].as_str().expect("cohort"));
        handles.push(summary_into(&mut m, s));
    }
    // Each cohort's everyone, for the people returning to a later one.
    let mut enrolled: Vec<(String, Option<usize>)> = Vec::new();
    for (i, (c, s)) in columns.iter().zip(summaries).enumerate() {
        let name = c["cohort"].as_str().expect("cohort");
        assert_eq!(
            s["cohort"], c["cohort"],
            "summaries in the order of the columns"
        );
        rules_of(&mut m, s);
        m.prefix = format!("{name} (programme): ");
        let h = &handles[i];
        repeat(
            &mut m,
            "mentors".into(),
            &c["mentors"],
            true,
            true,
            h.mentors,
        );
        repeat(
            &mut m,
            "mentees".into(),
            &c["mentees"],
            true,
            true,
            h.mentees,
        );
        repeat(
            &mut m,
            "pairs".into(),
            &c["pairs"],
            true,
            true,
            h.pairs_confirmed,
        );
        repeat(
            &mut m,
            "one-to-ones held".into(),
            &c["meetings_held"],
            false,
            false,
            h.held,
        );
        repeat(
            &mut m,
            "pairs lapsed".into(),
            &c["pairs_lapsed"],
            false,
            true,
            h.lapsed,
        );
        if c["inside_cadence"] != s["intervals"]["inside_cadence"] {
            inconsistent.push(format!(
                "{name}: inside the cadence differs from its summary"
            ));
        }
        // Returning: within the role's total (which is the summary's); the rest are new.
        let start = c["start"].as_str().expect("start");
        let mut back = Vec::new();
        for (label, row) in cells(&c["returning"]) {
            let total = m.figure(format!("{label} (returning table)"), &row[1], true, true);
            m.sum(
                &[total],
                if label == "mentors" {
                    h.mentors
                } else {
                    h.mentees
                },
            );
            if row[0].is_null() {
                continue;
            }
            let returning = m.figure(format!("returning {label}"), &row[0], false, true);
            m.complement(format!("new {label}"), total, returning);
            back.push(returning);
        }
        // Nobody returns from a cohort that did not start earlier, and nobody twice.
        let earlier: Vec<Option<usize>> = enrolled
            .iter()
            .filter(|(s, _)| s.as_str() < start)
            .map(|(_, n)| *n)
            .collect();
        if !back.is_empty() {
            let mut terms: Vec<(usize, i64)> = back.iter().flatten().map(|&b| (b, 1)).collect();
            terms.extend(earlier.iter().flatten().map(|&e| (e, -1)));
            if earlier.is_empty() {
                inconsistent.push(format!("{name}: returning people, but no earlier cohort"));
            } else {
                m.con(terms, false, 0);
            }
        }
        for total in [h.mentors, h.mentees] {
            enrolled.push((start.to_string(), total));
        }
        // Each question's change is the summary's paired change.
        for q in p["questions"].as_array().into_iter().flatten() {
            let asked = s["questions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|x| x["id"] == q["id"])
                .map_or(Value::Null, |x| x["paired"]["change"].clone());
            if q["change"][i] != asked {
                inconsistent.push(format!("{name}: the change in {} differs", q["id"]));
            }
        }
        // Who each cohort reached: each cell the summary's own, or nothing where it has none.
        for r in p["reach"].as_array().into_iter().flatten() {
            let characteristic = r["characteristic"].as_str().expect("characteristic");
            for row in r["rows"].as_array().into_iter().flatten() {
                let label = row["label"].as_str().expect("label");
                let pair = &row["cells"][i];
                let of = h
                    .participation
                    .get(&(characteristic.to_string(), label.to_string()));
                for (k, role) in ["mentors", "mentees"].iter().enumerate() {
                    match of {
                        Some(vars) => repeat(
                            &mut m,
                            format!("{characteristic} {label} / {role}"),
                            &pair[k],
                            label == "total",
                            true,
                            vars[k],
                        ),
                        None if pair[k].is_null() => {}
                        None => inconsistent.push(format!(
                            "{name}: {characteristic} {label} / {role} is not in its summary"
                        )),
                    }
                }
            }
        }
    }
    let mut out = findings(&m);
    out.failures.extend(inconsistent);
    out
}

#[test]
fn the_auditor_finds_what_the_old_summary_gave_away() {
    // The pilot's summary before this engine: the band beside a range, the zero row, a complement.
    let old = r#"{"summary": {"min_group": 5, "rounding": 1, "min_weeks": 6, "max_weeks": 8,
      "participants": {"columns": ["active","ineligible","withdrawn","erased","total"], "rows": [
        {"label": "mentors", "cells": [13, "<5", "<5", "<5", 14]},
        {"label": "mentees", "cells": [11, "<5", "<5", "<5", 11]},
        {"label": "total", "cells": [24, "<5", "<5", "<5", 25]}]},
      "pairs": {"columns": ["confirmed","ended"], "rows": [{"label": "pairs", "cells": [11, 0]}]},
      "pairs_lapsed": "<5", "sessions": {"columns": ["mentors","mentees","total"], "rows": []},
      "meetings": {"columns": ["held","cancelled","planned"], "rows": []}, "meetings_all": null,
      "intervals": {"intervals": 26, "pairs": 9, "median_weeks": 7.0, "lower_quartile_weeks": 7.0,
        "upper_quartile_weeks": 7.0, "inside_cadence": 96,
        "bands": {"columns": ["under","inside","over","total"], "rows": [{"label": "intervals", "cells": ["<5", 25, "<5", 26]}]}},
      "topics": {"columns": ["pairs"], "rows": [{"label": "experiences", "cells": [10]}, {"label": "culture", "cells": [11]}]},
      "respondents": {"columns": ["baseline","final","both"], "rows": []},
      "participation": []}}"#;
    let a = audit(old);
    let says = |s: &str| a.failures.iter().any(|f| f.contains(s));
    assert!(
        says("participants: mentees / withdrawn: pinned to 0..=0"),
        "{a:?}"
    );
    assert!(says("intervals: intervals / under"), "{a:?}");
    assert!(says("did not raise experiences: pinned to 1..=1"), "{a:?}");
    assert!(says("did not raise culture: pinned to 0..=0"), "{a:?}");
}

#[test]
fn the_pilot_summary_pins_no_hidden_cell() {
    let w = crate::harness::Workdir::new();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let from = repo.join("cohorts/pilot-2020");
    std::fs::create_dir_all(w.root().join("pilot-2020")).expect("mkdir");
    for e in std::fs::read_dir(&from).expect("pilot").flatten() {
        std::fs::copy(e.path(), w.root().join("pilot-2020").join(e.file_name())).expect("copy");
    }
    let json = w
        .run_on("2020-07-24", &["export", "pilot-2020", "--format", "json"])
        .ok()
        .stdout;
    let a = audit(&json);
    println!(
        "pilot: {} cells audited, narrowest {:?}",
        a.cells, a.narrowest
    );
    assert!(a.failures.is_empty(), "{:#?}", a.failures);
    assert!(a.cells > 50, "{a:?}");
    // The three findings of the issue, each protected: the band beside the range, the row of
    // statuses beside its total, the pairs that did not raise a topic.
    let v: Value = serde_json::from_str(&json).expect("json");
    let s = &v["summary"];
    assert_eq!(s["intervals"]["bands"]["rows"][0]["cells"][1], "[c]");
    assert_eq!(s["participants"]["rows"][1]["cells"][0], "[c]");
    assert!(s["intervals"].get("shortest_weeks").is_none());
    // And with rounding to 5, as HESA publishes.
    let toml = w
        .cohort_file("pilot-2020", "cohort.toml")
        .replace("rounding = 0", "rounding = 5");
    w.write_cohort_file("pilot-2020", "cohort.toml", toml);
    let json = w
        .run_on("2020-07-24", &["export", "pilot-2020", "--format", "json"])
        .ok()
        .stdout;
    let a = audit(&json);
    assert!(a.failures.is_empty(), "{:#?}", a.failures);
    assert!(json.contains("\"rounding\": 5"));
}

/// A small deterministic generator (tests only).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const TOPICS: [&str; 6] = [
    "experiences-and-perspectives",
    "sexism-and-racism",
    "lgbtq-and-disability",
    "black-lives-matter",
    "power-and-hierarchies",
    "organisational-culture",
];

/// A cohort's files, generated from a seed: people of every status, characteristics, pairs
/// (some ended), meetings held, cancelled and planned with topics, a session, survey answers.
fn generate(seed: u64, template: &str) -> Vec<(&'static str, String)> {
    use std::fmt::Write as _;
    let mut r = Rng(seed);
    let min_group = 2 + r.below(5);
    let rounding = if r.chance(30) { 5 } else { 0 };
    let toml = template
        .replace("min_group = 5", &format!("min_group = {min_group}"))
        .replace("rounding = 0", &format!("rounding = {rounding}"));
    let (n_mentors, n_mentees) = (r.below(16), r.below(16));
    let mut participants = String::from(
        "id,role,name,email,department,grade,manager,status,enrolled_on,conflicts,status_on,status_reason,eligibility\n",
    );
    let mut traits =
        String::from("id,gender,ethnicity,disability,sexual_orientation,career_stage\n");
    let values: [&[&str]; 5] = [
        &[
            "Woman",
            "Man",
            "Non-binary",
            "woman",
            "Prefer not to say",
            "",
        ],
        &[
            "White British",
            "Black British",
            "British Indian",
            "Chinese",
            "Arab",
            "",
        ],
        &["No", "Yes", "Prefer not to say"],
        &["Heterosexual", "Gay", "Lesbian", "Bisexual", ""],
        &["Early career", "Mid career", "Late career"],
    ];
    let mut active = (Vec::new(), Vec::new());
    for i in 0..(n_mentors + n_mentees) {
        let id = format!("p{:03}", i + 1);
        let mentor = i < n_mentors;
        let status = match r.below(10) {
            0 if mentor => "ineligible",
            1 => "withdrawn",
            2 => "erased",
            _ => "active",
        };
        let role = if mentor { "mentor" } else { "mentee" };
        if status == "erased" {
            let _ = writeln!(
                participants,
                "{id},{role},,,,,,erased,2020-01-06,,2020-02-01,,"
            );
            continue;
        }
        let _ = writeln!(
            participants,
            "{id},{role},Person {i},person{i}@x.example,Dept {i},,,{status},2020-01-06,,,,"
        );
        let row: Vec<&str> = values
            .iter()
            .map(|v| v[r.below(v.len() as u64) as usize])
            .collect();
        let _ = writeln!(traits, "{id},{}", row.join(","));
        if status == "active" {
            if mentor {
                active.0.push(id);
            } else {
                active.1.push(id);
            }
        }
    }
    let mut matches = String::from(
        "mentee,mentor,score,reasons,status,proposed_on,confirmed_on,ended_on,end_reason\n",
    );
    let mut meetings = String::from(
        "mentee,mentor,number,due_from,due_by,planned,status,date,minutes,topics,reason\n",
    );
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 20).expect("date");
    for (e, m) in active.1.iter().zip(&active.0) {
        let ended = r.chance(15);
        let _ = writeln!(
            matches,
            "{e},{m},1,,{},2020-01-10,2020-01-13,{},",
            if ended { "ended" } else { "confirmed" },
            if ended { "2020-06-01" } else { "" }
        );
        let mut day = start + chrono::Days::new(r.below(10));
        let held = r.below(6);
        for n in 0..held + 1 {
            let last = n == held;
            let status = if last {
                "planned"
            } else if r.chance(15) {
                "cancelled"
            } else {
                "held"
            };
            let topics: Vec<&str> = TOPICS.iter().copied().filter(|_| r.chance(30)).collect();
            let (date, minutes, tags, reason) = match status {
                "held" => (day.to_string(), "60", topics.join(";"), ""),
                "cancelled" => (day.to_string(), "", String::new(), "clash"),
                _ => (String::new(), "", String::new(), ""),
            };
            let _ = writeln!(
                meetings,
                "{e},{m},{},{},{},{day},{status},{date},{minutes},{tags},{reason}",
                n + 1,
                day - chrono::Days::new(7),
                day + chrono::Days::new(7),
            );
            day = day + chrono::Days::new(35 + r.below(30));
        }
    }
    let mut attendance = String::from("briefing,participant\n");
    for line in participants.lines().skip(1) {
        let id = line.split(',').next().unwrap_or_default();
        if !line.contains(",erased,") && r.chance(70) {
            let _ = writeln!(attendance, "b1,{id}");
        }
    }
    let mut responses =
        String::from("participant,phase,question,answer,consent,approval,published\n");
    for line in participants.lines().skip(1) {
        let mut cells = line.split(',');
        let id = cells.next().unwrap_or_default();
        let role = cells.next().unwrap_or_default();
        let questions: &[&str] = if role == "mentor" {
            &["heard", "leadership_insight", "empowered"]
        } else {
            &["confidence_race", "awareness", "intersectionality"]
        };
        for phase in ["baseline", "final"] {
            if r.chance(60) {
                for q in questions {
                    let _ = writeln!(responses, "{id},{phase},{q},{},,,", 1 + r.below(5));
                }
            }
        }
    }
    vec![
        ("cohort.toml", toml),
        ("participants.csv", participants),
        ("characteristics.csv", traits),
        (
            "briefings.csv",
            "id,date,audience,hours,title,kind\nb1,2020-01-02,all,2,,briefing\n".into(),
        ),
        ("attendance.csv", attendance),
        ("matches.csv", matches),
        ("meetings.csv", meetings),
        ("responses.csv", responses),
    ]
}

#[test]
fn generated_cohorts_pin_no_hidden_cell() {
    let cases: u64 = std::env::var("AUDIT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let from: u64 = std::env::var("AUDIT_FROM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let w = crate::harness::Workdir::new();
    w.cohort();
    let template = w.cohort_file("c", "cohort.toml");
    // The narrowest range of a cell that may be small, over min_group: 0 is exactly min_group.
    let (mut cells, mut narrowest, mut slack) = (0, i64::MAX, i64::MAX);
    for seed in from..from + cases {
        for (name, text) in generate(seed, &template) {
            w.write_cohort_file("c", name, text);
        }
        let run = w.run_on("2020-07-24", &["export", "c", "--format", "json"]);
        assert_eq!(run.code, 0, "seed {seed}: {}", run.stderr);
        let a = std::panic::catch_unwind(|| audit(&run.stdout)).unwrap_or_else(|_| {
            let md = w.run_on("2020-07-24", &["export", "c"]).stdout;
            panic!("seed {seed}\n{md}");
        });
        if !a.failures.is_empty() {
            let md = w.run_on("2020-07-24", &["export", "c"]).stdout;
            panic!("seed {seed}: {:#?}\n{md}", a.failures);
        }
        cells += a.cells;
        if let Some((n, _)) = a.narrowest {
            narrowest = narrowest.min(n);
            let v: Value = serde_json::from_str(&run.stdout).expect("json");
            slack = slack.min(n - v["summary"]["min_group"].as_i64().expect("min_group"));
        }
    }
    println!(
        "{cases} generated cohorts: {cells} cells audited, narrowest range {narrowest} values, at least min_group + {slack}"
    );
}
