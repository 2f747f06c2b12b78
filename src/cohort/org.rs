//! The organisation's reporting lines: `org.csv` (anyone in the organisation, participant or not,
//! with their line manager) together with the `manager` column of participants.csv, as one chart
//! that reporting chains are followed through; its rules; and how a manager cell typed as a name
//! is turned into an email. Pure.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Cohort, ORG};
use crate::model::{Status, id_number, is_email, normalise_email};
use crate::problems::Problem;
use crate::text::terminal_safe;

/// The rules of `org.csv`: an email once, nobody their own manager, an id that names a participant.
pub fn check(c: &Cohort, problems: &mut Vec<Problem>) {
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    let ids: FxHashSet<&str> = c.participants.iter().map(|p| p.id.as_str()).collect();
    for (line, o) in c.org.iter_lines() {
        if let Some(first) = seen.get(o.email.as_str()) {
            problems.push(Problem::new(
                ORG,
                Some(line),
                format!(
                    "{} is already on line {first}: one row per person (delete one of them)",
                    o.email
                ),
            ));
        } else {
            seen.insert(o.email.as_str(), line);
        }
        if o.manager == o.email {
            problems.push(Problem::new(
                ORG,
                Some(line),
                format!(
                    "{} is given as their own manager: leave the manager empty if they have none",
                    o.email
                ),
            ));
        }
        if !o.manager.is_empty()
            && !is_email(&o.manager)
            && c.participants.is_loaded()
            && !ids.contains(o.manager.as_str())
        {
            problems.push(Problem::new(
                ORG,
                Some(line),
                format!(
                    "manager {} names no participant: use the manager's email",
                    o.manager
                ),
            ));
        }
    }
}

/// Adds `who` under `name` (lower-case, trimmed), once.
fn add(names: &mut FxHashMap<String, Vec<String>>, name: &str, who: &str) {
    let name = name.trim().to_lowercase();
    if name.is_empty() || who.is_empty() {
        return;
    }
    let entry = names.entry(name).or_default();
    if !entry.iter().any(|w| w == who) {
        entry.push(who.to_string());
    }
}

/// Names of everyone the cohort knows (participants, people in org.csv, and `extra`, such as the
/// rows of an import), for reading a manager cell typed as a name. The index of names is built
/// the first time a cell is a name: most manager cells are emails or ids, which need none (a
/// 50,000-row import spent 7% of its time indexing names no cell used).
pub struct Directory<'a> {
    cohort: &'a Cohort,
    /// (name, email) of people not yet in the cohort.
    extra: Vec<(String, String)>,
    /// Lower-case trimmed name → the emails (or ids) of the different people with that name.
    names: std::cell::OnceCell<FxHashMap<String, Vec<String>>>,
}

impl<'a> Directory<'a> {
    pub fn new(cohort: &'a Cohort, extra: Vec<(String, String)>) -> Self {
        Directory {
            cohort,
            extra,
            names: std::cell::OnceCell::new(),
        }
    }

    fn names(&self) -> &FxHashMap<String, Vec<String>> {
        self.names.get_or_init(|| {
            let mut names = FxHashMap::default();
            let people = self
                .cohort
                .participants
                .iter()
                .filter(|p| p.status != Status::Erased);
            let known = people
                .map(|p| {
                    (
                        p.name.as_str(),
                        if p.email.is_empty() { &p.id } else { &p.email },
                    )
                })
                .chain(self.cohort.org.iter().map(|o| (o.name.as_str(), &o.email)))
                .chain(self.extra.iter().map(|(n, e)| (n.as_str(), e)));
            for (name, who) in known {
                add(&mut names, name, who);
            }
            names
        })
    }

    /// A manager cell as stored: empty, an email (lower-case), a participant id, or the email of
    /// the one person the name belongs to. `where_` says where names were looked for, in errors.
    pub fn manager(&self, cell: &str, where_: &str) -> Result<String, String> {
        let v = cell.trim();
        if v.is_empty() {
            return Ok(String::new());
        }
        let email = normalise_email(v);
        if is_email(&email) {
            return Ok(email);
        }
        if id_number(v).is_some() {
            return Ok(v.to_string());
        }
        match self.names().get(&v.to_lowercase()).map(Vec::as_slice) {
            Some([one]) => Ok(one.clone()),
            Some(many) => Err(format!(
                "manager \"{}\" is the name of {} people ({}): give the manager's email or id instead",
                terminal_safe(v, false),
                many.len(),
                many.join(", ")
            )),
            None => Err(format!(
                "manager \"{}\" is not an email, an id, or the name of anyone in {where_}: give the manager's email (like name@domain), a participant's id (like p001), or leave it empty",
                terminal_safe(v, false)
            )),
        }
    }
}

/// Everyone the cohort knows to report to someone, as one chart: participants first (in file
/// order, so node `i` is the `i`th participant), then the people of org.csv who are not
/// participants.
pub struct Chart {
    participants: usize,
    /// Per node: the nodes it reports to (participants.csv and org.csv may each give one).
    managers: Vec<Vec<usize>>,
    /// Per node after the participants: how a chain names them (the email, or its part before @
    /// when no one else's is the same).
    outsiders: Vec<String>,
}

/// Scratch space for walks up a [`Chart`].
#[derive(Default)]
pub struct Walk {
    /// `round` for the nodes met in the current walk.
    stamp: Vec<u32>,
    parent: Vec<usize>,
    queue: Vec<usize>,
    round: u32,
}

impl Chart {
    pub fn new(cohort: &Cohort) -> Self {
        let people: Vec<&crate::model::Participant> = cohort.participants.iter().collect();
        let n = people.len();
        // The only names looked up below: each manager cell as written and as an email, and
        // org.csv's emails. Only the participants they name are indexed (a cohort of thousands
        // names a few hundred managers, or none).
        // Each manager cell once, however many report to them: a few hundred, not thousands.
        let cells: FxHashSet<&str> = people
            .iter()
            .map(|p| p.manager.as_str())
            .chain(cohort.org.iter().map(|o| o.manager.as_str()))
            .filter(|m| !m.is_empty())
            .collect();
        let mut named: FxHashSet<String> = FxHashSet::default();
        for manager in cells {
            named.insert(manager.trim().to_string());
            named.insert(normalise_email(manager));
        }
        named.extend(cohort.org.iter().map(|o| o.email.clone()));
        let mut node: FxHashMap<&str, usize> = FxHashMap::default();
        if !named.is_empty() {
            for (i, p) in people.iter().enumerate() {
                if named.contains(p.id.as_str()) {
                    node.insert(p.id.as_str(), i);
                }
                if !p.email.is_empty() && named.contains(p.email.as_str()) {
                    node.insert(p.email.as_str(), i);
                }
            }
        }
        let mut outsiders = Vec::new();
        for o in cohort.org.iter() {
            if !node.contains_key(o.email.as_str()) {
                node.insert(o.email.as_str(), n + outsiders.len());
                outsiders.push(o.email.clone());
            }
        }
        let mut managers = vec![Vec::new(); n + outsiders.len()];
        let mut link = |from: usize, manager: &str| {
            if manager.is_empty() {
                return;
            }
            let to = node
                .get(manager.trim())
                .or_else(|| node.get(normalise_email(manager).as_str()))
                .copied();
            if let Some(to) = to
                && to != from
                && !managers[from].contains(&to)
            {
                managers[from].push(to);
            }
        };
        for (i, p) in people.iter().enumerate() {
            link(i, &p.manager);
        }
        for o in cohort.org.iter() {
            if let Some(&i) = node.get(o.email.as_str()) {
                link(i, &o.manager);
            }
        }
        let mut locals: FxHashMap<&str, usize> = FxHashMap::default();
        for e in &outsiders {
            *locals.entry(local(e)).or_default() += 1;
        }
        let outsiders = outsiders
            .iter()
            .map(|e| {
                if locals.get(local(e)).copied() == Some(1) {
                    local(e).to_string()
                } else {
                    e.clone()
                }
            })
            .collect();
        Chart {
            participants: n,
            managers,
            outsiders,
        }
    }

    /// Every participant above participant `i` in the chart (however far, through anyone), in
    /// the order a breadth-first walk up from `i` meets them; `walk` is scratch space, kept
    /// between calls so that a loop over a cohort allocates once.
    pub fn each_above(&self, i: usize, walk: &mut Walk, mut f: impl FnMut(usize)) {
        self.up_from(i, walk, |up| {
            if up < self.participants {
                f(up);
            }
            false
        });
    }

    /// The shortest chain from participant `from` up to `to` (both ends included), the one
    /// [`Chart::each_above`]'s walk from `from` meets first; `None` if `from` does not report to
    /// `to`, however far up.
    pub fn chain(&self, from: usize, to: usize) -> Option<Vec<usize>> {
        let mut walk = Walk::default();
        let mut reached = false;
        self.up_from(from, &mut walk, |up| {
            reached = up == to;
            reached
        });
        if !reached {
            return None;
        }
        let mut path = vec![to];
        let mut at = to;
        while at != from {
            at = walk.parent[at];
            path.push(at);
        }
        path.reverse();
        Some(path)
    }

    /// Breadth-first up from `i`, calling `stop(node)` for each node met (not `i`) until it
    /// says stop; `walk.parent` then leads each node met back to `i`.
    fn up_from(&self, i: usize, walk: &mut Walk, mut stop: impl FnMut(usize) -> bool) {
        let n = self.managers.len();
        if walk.stamp.len() != n {
            *walk = Walk {
                stamp: vec![0; n],
                parent: vec![0; n],
                queue: Vec::new(),
                round: 0,
            };
        }
        walk.round = walk.round.wrapping_add(1);
        if walk.round == 0 {
            walk.stamp.fill(0);
            walk.round = 1;
        }
        walk.queue.clear();
        walk.queue.push(i);
        walk.stamp[i] = walk.round;
        let mut next = 0;
        while let Some(&x) = walk.queue.get(next) {
            next += 1;
            for &up in &self.managers[x] {
                if walk.stamp[up] == walk.round {
                    continue;
                }
                walk.stamp[up] = walk.round;
                walk.parent[up] = x;
                walk.queue.push(up);
                if stop(up) {
                    return;
                }
            }
        }
    }

    /// "p014 reports to k.shah, who reports to p021": a chain with participants by id.
    pub fn describe<'a>(&self, path: &[usize], id: impl Fn(usize) -> &'a str) -> String {
        let name = |x: usize| -> String {
            if x < self.participants {
                id(x).to_string()
            } else {
                self.outsiders
                    .get(x - self.participants)
                    .cloned()
                    .unwrap_or_default()
            }
        };
        let mut text = String::new();
        for (k, &x) in path.iter().enumerate() {
            match k {
                0 => text.push_str(&name(x)),
                1 => {
                    text.push_str(" reports to ");
                    text.push_str(&name(x));
                }
                _ => {
                    text.push_str(", who reports to ");
                    text.push_str(&name(x));
                }
            }
        }
        text
    }
}

fn local(email: &str) -> &str {
    email.split('@').next().unwrap_or(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Participants 0..4, then two people outside the scheme (nodes 5 and 6).
    fn chart(managers: Vec<Vec<usize>>) -> Chart {
        Chart {
            participants: 5,
            managers,
            outsiders: vec!["k.shah".into(), "boss".into()],
        }
    }

    #[test]
    fn walks_and_chains_go_through_outsiders_take_the_shortest_route_and_end_on_cycles() {
        // 0 -> 1 -> 2 -> 3, and 0 -> k.shah -> 3; 4 -> boss -> 4 (a cycle through an outsider).
        let c = chart(vec![
            vec![1, 5],
            vec![2],
            vec![3],
            vec![],
            vec![6],
            vec![3],
            vec![4],
        ]);
        let mut walk = Walk::default();
        let mut above = |i: usize| {
            let mut got = Vec::new();
            c.each_above(i, &mut walk, |j| got.push(j));
            got
        };
        assert_eq!(above(0), [1, 2, 3]);
        assert_eq!(above(2), [3]);
        assert_eq!(above(3), Vec::<usize>::new());
        assert_eq!(
            above(4),
            Vec::<usize>::new(),
            "a cycle back to oneself is not above"
        );
        assert_eq!(
            above(0),
            [1, 2, 3],
            "the scratch space is reused, not stale"
        );

        assert_eq!(
            c.chain(0, 3),
            Some(vec![0, 5, 3]),
            "the shorter route, through k.shah"
        );
        assert_eq!(c.chain(0, 2), Some(vec![0, 1, 2]));
        assert_eq!(c.chain(3, 0), None);
        assert_eq!(c.chain(4, 3), None);
        let ids = ["p001", "p002", "p003", "p004", "p005"];
        let text = c.describe(&[0, 5, 3], |x| ids[x]);
        assert_eq!(text, "p001 reports to k.shah, who reports to p004");
    }
}
