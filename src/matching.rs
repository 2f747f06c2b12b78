//! Matching: who is eligible, which pairs are forbidden and why, each pair's score and reasons, and
//! the optimal pairing (most mentees matched, then highest total score, exactly). Pure.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::assign;
use crate::cohort::Cohort;
use crate::cohort::config::{RepeatPairs, SameDepartment};
use crate::cohort::vocabulary::Vocabulary;
use crate::dashboard;
use crate::model::{PairStatus, Participant, Role, Status, is_known};

/// Scores are kept as integers: weights in hundredths, so sums are exact and ties exact.
const SCALE: f64 = 100.0;

/// What the coordinator asked for on top of the files.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `--lock MENTEE=MENTOR`, as given (ids or emails).
    pub locks: Vec<(String, String)>,
    /// `--avoid MENTEE=MENTOR`, as given.
    pub avoids: Vec<(String, String)>,
}

/// Why a pair cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Forbid {
    Conflict,
    SameDepartment,
    ManagerChain,
    Avoid,
    Ended,
    Earlier,
}

impl Forbid {
    pub fn describe(self) -> &'static str {
        match self {
            Forbid::Conflict => "a declared conflict",
            Forbid::SameDepartment => "the same department",
            Forbid::ManagerChain => "in one another's line-management chain",
            Forbid::Avoid => "--avoid",
            Forbid::Ended => "paired before and ended (no re-pairing)",
            Forbid::Earlier => "paired in an earlier cohort",
        }
    }
}

/// How a pair in the proposal came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Confirmed earlier: kept as it is.
    Confirmed,
    /// `--lock`: kept as the coordinator asked.
    Locked,
    /// Chosen by the solver now.
    Proposed,
}

impl Origin {
    /// As listings say it: `confirmed`, `locked`, `proposed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Confirmed => "confirmed",
            Origin::Locked => "locked",
            Origin::Proposed => "proposed",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ProposedPair {
    pub mentee: String,
    pub mentor: String,
    pub score: f64,
    pub reasons: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Unmatched {
    pub id: String,
    pub role: Role,
    pub why: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Proposal {
    /// Every pair, in mentee order: confirmed, locked and newly proposed.
    pub pairs: Vec<ProposedPair>,
    /// Active participants left without a partner, with why.
    pub unmatched: Vec<Unmatched>,
    /// Eligible mentees, and how many of them have a mentor in this proposal.
    pub mentees_eligible: usize,
    pub mentees_matched: usize,
    /// Sum of the scores of every pair in the proposal.
    pub total_score: f64,
    /// The lowest score of a pair in the proposal (none without pairs).
    pub lowest_score: Option<f64>,
}

/// One field that counts towards the score: a characteristic, `department`, or one topic of the
/// interests. It counts when both codes are known (non-zero) and differ. A topic is coded so that
/// this is "shared": 1 for a mentee who wants to learn about it, 2 for a mentor willing to share
/// it, 0 otherwise; so the solver sees every field alike.
struct Field {
    name: String,
    kind: FieldKind,
    weight: i32,
    /// Per participant (cohort order): 0 when not known, else a code per distinct value.
    codes: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    Characteristic,
    Department,
    Topic,
}

/// One field per topic of `[evaluation] topics` (see [`Field`]), when interests weigh anything.
fn topic_fields(cohort: &Cohort, people: &[&Participant], weight: i32) -> Vec<Field> {
    if weight == 0 {
        return Vec::new();
    }
    cohort
        .config
        .evaluation
        .topics
        .iter()
        .map(|topic| {
            let codes = people
                .iter()
                .map(|p| {
                    let has = p.interests.iter().any(|t| t.eq_ignore_ascii_case(topic));
                    match (has, p.role) {
                        (false, _) => 0,
                        (true, Role::Mentee) => 1,
                        (true, Role::Mentor) => 2,
                    }
                })
                .collect();
            Field {
                name: topic.clone(),
                kind: FieldKind::Topic,
                weight,
                codes,
            }
        })
        .filter(|f: &Field| f.codes.contains(&1) && f.codes.contains(&2))
        .collect()
}

/// The cohort's people and rules, indexed for fast pair checks.
pub struct Rules<'a> {
    people: Vec<&'a Participant>,
    index: FxHashMap<&'a str, usize>,
    fields: Vec<Field>,
    department: Vec<u32>,
    forbid_department: bool,
    /// Sparse forbidden pairs by (mentee, mentor) participant index, with why.
    forbidden: FxHashMap<(usize, usize), Forbid>,
    /// Who reports to whom: the chain of a pair forbidden by [`Forbid::ManagerChain`] is found
    /// in it when asked for ("p014 reports to k.shah, who reports to p021").
    chart: crate::cohort::org::Chart,
    /// The earlier cohort of each pair forbidden by [`Forbid::Earlier`].
    earlier: FxHashMap<(usize, usize), String>,
}

/// Forbid every pair whose two people (known by email) were paired in an earlier cohort, unless
/// `[matching] repeat_pairs = "allow"`. Returns each such pair's earlier cohort.
fn earlier_pairs(
    cohort: &Cohort,
    by_email: &FxHashMap<&str, usize>,
    forbid: &mut impl FnMut(usize, usize, Forbid),
) -> FxHashMap<(usize, usize), String> {
    let mut found = FxHashMap::default();
    if cohort.config.matching.repeat_pairs == RepeatPairs::Allow {
        return found;
    }
    for pair in &cohort.earlier {
        let (Some(&a), Some(&b)) = (
            by_email.get(pair.mentee_email.as_str()),
            by_email.get(pair.mentor_email.as_str()),
        ) else {
            continue;
        };
        forbid(a, b, Forbid::Earlier);
        found.entry((a, b)).or_insert_with(|| pair.cohort.clone());
        found.entry((b, a)).or_insert_with(|| pair.cohort.clone());
    }
    found
}

/// Forbid every pair where one reports to the other, however far up, through participants.csv's
/// `manager` and org.csv (people outside the scheme do not break a chain). Returns the chart,
/// from which [`Rules::why`] names a pair's chain.
fn manager_chains(
    cohort: &Cohort,
    people: &[&Participant],
) -> (crate::cohort::org::Chart, Vec<(usize, usize)>) {
    let chart = crate::cohort::org::Chart::new(cohort);
    let mut walk = crate::cohort::org::Walk::default();
    let mut pairs = Vec::new();
    for i in 0..people.len() {
        chart.each_above(i, &mut walk, |j| {
            if people[i].role != people[j].role {
                pairs.push((i, j));
            }
        });
    }
    (chart, pairs)
}

/// A cohort of at least this many people has its reporting chains walked beside the rest of
/// its rules (its codes and indexes), on the shared threads.
const CHAINS_APART: usize = 1_000;

#[cfg(test)]
thread_local! {
    /// Tests lower it to walk small cohorts' chains beside their codes too.
    pub(crate) static TEST_CHAINS_APART: std::cell::Cell<usize> =
        const { std::cell::Cell::new(CHAINS_APART) };
}

fn chains_apart() -> usize {
    #[cfg(test)]
    return TEST_CHAINS_APART.get();
    #[cfg(not(test))]
    CHAINS_APART
}

/// What [`Rules::new`] finds beside the reporting chains.
struct Codes<'a> {
    /// Participant by id, and by email.
    index: FxHashMap<&'a str, usize>,
    by_email: FxHashMap<&'a str, usize>,
    fields: Vec<Field>,
    department: Vec<u32>,
}

/// Codes of a field's values: 0 for a value not known, else one number per value, counted from
/// 1 in the order first met, values compared trimmed and case-insensitively. Each spelling is
/// harmonised and lowercased once, however many people declared it.
#[derive(Default)]
struct Codebook<'v> {
    /// Value (trimmed, lowercase) → code.
    values: FxHashMap<String, u32>,
    /// Spelling as declared → code.
    spellings: FxHashMap<&'v str, u32>,
}

impl<'v> Codebook<'v> {
    /// The code of `declared`, which `harmonise` turns into the value it stands for (`None`
    /// when not known).
    fn code(
        &mut self,
        declared: &'v str,
        harmonise: impl FnOnce(&'v str) -> Option<&'v str>,
    ) -> u32 {
        if let Some(&code) = self.spellings.get(declared) {
            return code;
        }
        let code = match harmonise(declared).filter(|v| is_known(v)) {
            None => 0,
            Some(value) => {
                let next =
                    u32::try_from(self.values.len()).map_or(u32::MAX, |n| n.saturating_add(1));
                *self
                    .values
                    .entry(value.trim().to_lowercase())
                    .or_insert(next)
            }
        };
        self.spellings.insert(declared, code);
        code
    }
}

impl<'a> Rules<'a> {
    /// Index the cohort: value codes per scored field, and every forbidden pair the files imply.
    #[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
    pub fn new(cohort: &'a Cohort, avoids: &[(usize, usize)]) -> Self {
        let people: Vec<&Participant> = cohort.participants.iter().collect();
        // Line-management chains, in both directions, through participants.csv and org.csv: the
        // pairs each person is above, found beside the indexes and codes below.
        let (
            Codes {
                index,
                by_email,
                fields,
                department,
            },
            (chart, chains),
        ) = crate::threads::join(
            people.len() >= chains_apart(),
            || Self::codes(cohort, &people),
            || manager_chains(cohort, &people),
        );
        let lookup = |who: &str| -> Option<usize> {
            index
                .get(who)
                .or_else(|| by_email.get(crate::model::normalise_email(who).as_str()))
                .copied()
        };
        let mut forbidden: FxHashMap<(usize, usize), Forbid> = FxHashMap::default();
        let mut forbid = |a: usize, b: usize, why: Forbid| {
            let (e, m) = if people[a].role == Role::Mentee {
                (a, b)
            } else {
                (b, a)
            };
            if people[e].role == Role::Mentee && people[m].role == Role::Mentor {
                forbidden.entry((e, m)).or_insert(why);
            }
        };
        for (i, p) in people.iter().enumerate() {
            for c in &p.conflicts {
                if let Some(j) = lookup(c) {
                    forbid(i, j, Forbid::Conflict);
                }
            }
        }
        for (i, j) in chains {
            forbid(i, j, Forbid::ManagerChain);
        }
        let earlier = earlier_pairs(cohort, &by_email, &mut forbid);
        for &(e, m) in avoids {
            forbidden.insert((e, m), Forbid::Avoid);
        }
        for pair in cohort
            .pairs
            .iter()
            .filter(|p| p.status == PairStatus::Ended)
        {
            if let (Some(&e), Some(&m)) = (
                index.get(pair.mentee.as_str()),
                index.get(pair.mentor.as_str()),
            ) {
                forbidden.entry((e, m)).or_insert(Forbid::Ended);
            }
        }
        Rules {
            forbid_department: cohort.config.matching.same_department == SameDepartment::Forbid,
            chart,
            earlier,
            people,
            index,
            fields,
            department,
            forbidden,
        }
    }

    /// The participants' indexes, the scored fields' codes and the departments' codes.
    fn codes(cohort: &'a Cohort, people: &[&'a Participant]) -> Codes<'a> {
        let index: FxHashMap<&str, usize> = people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let by_email: FxHashMap<&str, usize> = people
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.email.is_empty())
            .map(|(i, p)| (p.email.as_str(), i))
            .collect();
        let traits: FxHashMap<&str, &Vec<String>> = cohort
            .traits
            .iter()
            .map(|t| (t.id.as_str(), &t.values))
            .collect();
        // Each person's declared characteristics, in participants.csv's order.
        let declared: Vec<Option<&Vec<String>>> = people
            .iter()
            .map(|p| traits.get(p.id.as_str()).copied())
            .collect();
        let characteristics = &cohort.config.cohort.characteristics;
        let vocabulary = Vocabulary::new(&cohort.config);
        let mut department_table = Codebook::default();
        let department: Vec<u32> = people
            .iter()
            .map(|p| department_table.code(&p.department, Some))
            .collect();
        let mut fields = Vec::new();
        let mut interests = 0;
        for (name, weight) in &cohort.config.matching.weights {
            // Weights are checked to lie in 0..=MAX_WEIGHT when cohort.toml is read.
            #[allow(clippy::cast_possible_truncation)]
            let weight =
                (weight.clamp(0.0, crate::cohort::config::MAX_WEIGHT) * SCALE).round() as i32;
            if weight == 0 {
                continue;
            }
            if name == crate::cohort::config::INTERESTS {
                interests = weight;
                continue;
            }
            let codes = if name == "department" {
                department.clone()
            } else {
                let Some(k) = characteristics.iter().position(|c| c == name) else {
                    continue;
                };
                let mut table = Codebook::default();
                declared
                    .iter()
                    .map(|values| {
                        let declared = values.and_then(|vs| vs.get(k)).map_or("", String::as_str);
                        table.code(declared, |v| vocabulary.harmonise(k, v))
                    })
                    .collect()
            };
            fields.push(Field {
                name: name.clone(),
                kind: if name == "department" {
                    FieldKind::Department
                } else {
                    FieldKind::Characteristic
                },
                weight,
                codes,
            });
        }
        // Order reasons as the cohort lists its characteristics, department last, then topics.
        fields.sort_by_key(|f| {
            characteristics
                .iter()
                .position(|c| *c == f.name)
                .unwrap_or(usize::MAX)
        });
        fields.extend(topic_fields(cohort, people, interests));
        Codes {
            index,
            by_email,
            fields,
            department,
        }
    }

    /// Index of a participant by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Why mentee `e` and mentor `m` (participant indexes) cannot be paired, if they cannot.
    pub fn forbidden(&self, e: usize, m: usize) -> Option<Forbid> {
        if let Some(why) = self.forbidden.get(&(e, m)) {
            return Some(*why);
        }
        (self.forbid_department
            && self.department[e] != 0
            && self.department[e] == self.department[m])
            .then_some(Forbid::SameDepartment)
    }

    /// Why mentee `e` and mentor `m` cannot be paired, in words: the rule, and for a reporting
    /// chain the chain itself.
    pub fn why(&self, e: usize, m: usize) -> Option<String> {
        let rule = self.forbidden(e, m)?;
        Some(match rule {
            Forbid::ManagerChain => match self.chain(e, m) {
                Some(chain) => format!("{} ({chain})", rule.describe()),
                None => rule.describe().to_string(),
            },
            Forbid::Earlier => match self.earlier.get(&(e, m)) {
                Some(name) => format!("paired in {name}"),
                None => rule.describe().to_string(),
            },
            _ => rule.describe().to_string(),
        })
    }

    /// The reporting chain between `e` and `m`, in words: up from whichever of the two comes first
    /// in participants.csv, if that one reports to the other, else up from the other.
    fn chain(&self, e: usize, m: usize) -> Option<String> {
        let (a, b) = (e.min(m), e.max(m));
        let path = self.chart.chain(a, b).or_else(|| self.chart.chain(b, a))?;
        Some(
            self.chart
                .describe(&path, |x| self.people.get(x).map_or("?", |p| p.id.as_str())),
        )
    }

    /// The pair's score in hundredths: the weights of the fields whose known values differ.
    pub fn score(&self, e: usize, m: usize) -> i32 {
        self.fields
            .iter()
            .filter(|f| f.codes[e] != 0 && f.codes[m] != 0 && f.codes[e] != f.codes[m])
            .map(|f| f.weight)
            .sum()
    }

    /// "differs in ethnicity, gender; other department; shares: power-and-hierarchies" — field
    /// and topic names only, never a characteristic's value.
    pub fn reasons(&self, e: usize, m: usize) -> String {
        let counted = |kind: FieldKind| {
            self.fields.iter().filter(move |f| {
                f.kind == kind && f.codes[e] != 0 && f.codes[m] != 0 && f.codes[e] != f.codes[m]
            })
        };
        // Written into one string: this runs for every pair of a proposal.
        let mut out = String::new();
        for (k, f) in counted(FieldKind::Characteristic).enumerate() {
            out.push_str(if k == 0 { "differs in " } else { ", " });
            out.extend(f.name.chars().map(|c| if c == '_' { ' ' } else { c }));
        }
        if counted(FieldKind::Department).next().is_some() {
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str("other department");
        }
        for (k, f) in counted(FieldKind::Topic).enumerate() {
            if k == 0 {
                if !out.is_empty() {
                    out.push_str("; ");
                }
                out.push_str("shares: ");
            } else {
                out.push_str(", ");
            }
            out.push_str(&f.name);
        }
        if out.is_empty() {
            out.push_str("no known difference");
        }
        out
    }
}

impl Rules<'_> {
    /// The score matrix of `rows` (mentees) by `cols` (mentors), row-major, with
    /// [`assign::FORBIDDEN`] where a pair is forbidden. Codes are gathered per column first so the
    /// inner loop reads memory in order.
    pub fn matrix(&self, rows: &[usize], cols: &[usize]) -> Vec<i32> {
        let k = self.fields.len();
        let gather = |people: &[usize]| -> Vec<u32> {
            let mut out = Vec::with_capacity(people.len() * k);
            for &p in people {
                out.extend(self.fields.iter().map(|f| f.codes[p]));
            }
            out
        };
        let col_codes = gather(cols);
        let weights: Vec<i32> = self.fields.iter().map(|f| f.weight).collect();
        let col_department: Vec<u32> = cols.iter().map(|&m| self.department[m]).collect();
        let col_index: FxHashMap<usize, usize> =
            cols.iter().enumerate().map(|(j, &m)| (m, j)).collect();
        let mut sparse: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
        for &(e, m) in self.forbidden.keys() {
            if let Some(&j) = col_index.get(&m) {
                sparse.entry(e).or_default().push(j);
            }
        }
        let mut scores = Vec::with_capacity(rows.len() * cols.len());
        let mut row_codes = vec![0u32; k];
        for &e in rows {
            for (slot, f) in row_codes.iter_mut().zip(&self.fields) {
                *slot = f.codes[e];
            }
            let dept = self.department[e];
            let start = scores.len();
            for j in 0..cols.len() {
                let cm = &col_codes[j * k..(j + 1) * k];
                let mut score = 0;
                for ((&a, &b), &w) in row_codes.iter().zip(cm).zip(&weights) {
                    // Branch-free: known on both sides (non-zero) and different.
                    let differ = (a != 0) & (b != 0) & (a != b);
                    score += w * i32::from(differ);
                }
                let same_department =
                    self.forbid_department && dept != 0 && dept == col_department[j];
                scores.push(if same_department {
                    assign::FORBIDDEN
                } else {
                    score
                });
            }
            if let Some(js) = sparse.get(&e) {
                for &j in js {
                    scores[start + j] = assign::FORBIDDEN;
                }
            }
        }
        scores
    }
}

/// The objective the solver is asked for: `[matching] objective` in cohort.toml (default "fair":
/// among the pairings with the most mentees matched and the highest total score, the one whose
/// lowest pair score is highest).
pub fn objective(config: &crate::cohort::Config) -> crate::cohort::config::Objective {
    config.matching.objective
}

impl Rules<'_> {
    /// The problem of `rows` (mentees) by `cols` (mentors) as per-person codes for
    /// [`assign::solve_profiles`]: the same scores and forbidden pairs as [`Rules::matrix`],
    /// without building the matrix.
    pub fn profiles(
        &self,
        rows: &[usize],
        cols: &[usize],
    ) -> Result<assign::Profiles, assign::AssignError> {
        let mut profiles = assign::Profiles::new(rows.len(), cols.len())?;
        let gather = |codes: &[u32], people: &[usize]| -> Vec<u32> {
            people.iter().map(|&p| codes[p]).collect()
        };
        for f in &self.fields {
            profiles.field(f.weight, &gather(&f.codes, rows), &gather(&f.codes, cols))?;
        }
        if self.forbid_department {
            profiles.forbid_same(
                &gather(&self.department, rows),
                &gather(&self.department, cols),
            )?;
        }
        let row_index: FxHashMap<usize, usize> =
            rows.iter().enumerate().map(|(i, &e)| (e, i)).collect();
        let col_index: FxHashMap<usize, usize> =
            cols.iter().enumerate().map(|(j, &m)| (m, j)).collect();
        for &(e, m) in self.forbidden.keys() {
            if let (Some(&i), Some(&j)) = (row_index.get(&e), col_index.get(&m)) {
                profiles.forbid(i, j)?;
            }
        }
        Ok(profiles)
    }
}

fn to_score(hundredths: i32) -> f64 {
    f64::from(hundredths) / SCALE
}

/// Propose the optimal pairing. Confirmed pairs and locks are kept; the solver matches the rest.
/// Problems with the request (unknown people, a forbidden lock, a lock and avoid of one pair) are
/// all returned at once.
pub fn propose(cohort: &Cohort, request: &Request) -> Result<Proposal, Vec<String>> {
    propose_with(cohort, request, None).map(|(proposal, _)| proposal)
}

/// What locking a pair costs the proposal: mentees matched and score (in hundredths) lost.
pub type LockCost = assign::LockCost;

/// [`LockCost`]s by the id of the partner locked.
pub type LockCosts = FxHashMap<String, LockCost>;

/// [`propose`] without a request, and what locking `who` with each partner the solver could give
/// them costs that proposal, by id of the partner: exactly what [`propose`] with that lock gives
/// against the proposal without it. Partners outside the problem (mentees confirmed with
/// someone, mentors with no place left, anyone who cannot be matched) are not in the map; nor is
/// anyone when `who` is outside it. From the same solve, with one shortest-path search (see
/// `assign::locks`).
///
/// `rules` are the cohort's without a request (`Rules::new(cohort, &[])`), which the caller keeps
/// for its own questions about the pairs.
pub fn propose_explained(
    cohort: &Cohort,
    rules: &Rules,
    who: &Participant,
) -> Result<(Proposal, LockCosts), Vec<String>> {
    let (proposal, costs) = propose_under(cohort, rules, &[], Vec::new(), Some(who))?;
    Ok((proposal, costs.unwrap_or_default()))
}

fn propose_with(
    cohort: &Cohort,
    request: &Request,
    explain: Option<&Participant>,
) -> Result<(Proposal, Option<LockCosts>), Vec<String>> {
    let mut problems = Vec::new();
    let resolve =
        |who: &str, role: Role, flag: &str, problems: &mut Vec<String>| -> Option<String> {
            match cohort.find(who) {
                None => {
                    problems.push(format!(
                        "{flag}: no participant \"{who}\" (name people by id or email)"
                    ));
                    None
                }
                Some(p) if p.role != role => {
                    problems.push(format!(
                        "{flag}: {} is a {}, but this side of MENTEE=MENTOR needs a {role}",
                        p.who(),
                        p.role
                    ));
                    None
                }
                Some(p) => Some(p.id.clone()),
            }
        };
    let mut pairs_of = |list: &[(String, String)], flag: &str| -> Vec<(String, String)> {
        list.iter()
            .filter_map(|(e, m)| {
                let e = resolve(e, Role::Mentee, flag, &mut problems);
                let m = resolve(m, Role::Mentor, flag, &mut problems);
                Some((e?, m?))
            })
            .collect()
    };
    let locks = pairs_of(&request.locks, "--lock");
    let avoids = pairs_of(&request.avoids, "--avoid");
    for lock in &locks {
        if avoids.contains(lock) {
            problems.push(format!(
                "--lock and --avoid both name {}={}: choose one",
                lock.0, lock.1
            ));
        }
    }
    // The people's places by id, only for the pairs to avoid (most matches name none).
    let rules_avoids: Vec<(usize, usize)> = if avoids.is_empty() {
        Vec::new()
    } else {
        let index: FxHashMap<&str, usize> = cohort
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        avoids
            .iter()
            .filter_map(|(e, m)| Some((*index.get(e.as_str())?, *index.get(m.as_str())?)))
            .collect()
    };
    let rules = Rules::new(cohort, &rules_avoids);
    propose_under(cohort, &rules, &locks, problems, explain)
}

/// [`propose_with`] once the request is resolved: `rules` with its avoided pairs, its locks by
/// id, and the problems found so far (all returned together with any the locks add).
#[allow(clippy::too_many_lines)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
fn propose_under(
    cohort: &Cohort,
    rules: &Rules,
    locks: &[(String, String)],
    mut problems: Vec<String>,
    explain: Option<&Participant>,
) -> Result<(Proposal, Option<LockCosts>), Vec<String>> {
    let briefed = dashboard::briefed(cohort);
    let config = &cohort.config;
    let capacity = mentor_capacity(config);
    let why_not_eligible = |p: &Participant| why_not_eligible(config, &briefed, p);

    // Pairs that stay: confirmed ones, then locks.
    let (mut kept, mut load) = confirmed(cohort, rules);
    for (e_id, m_id) in locks {
        let (Some(e), Some(m)) = (rules.position(e_id), rules.position(m_id)) else {
            continue;
        };
        let label = format!("--lock {e_id}={m_id}");
        // Every reason a lock cannot be kept, not only the first.
        let why = lock_refusals(rules, &kept, &load, capacity, &why_not_eligible, e, m);
        problems.extend(why.into_iter().map(|why| format!("{label}: {why}")));
        if kept.iter().any(|&(ke, _, _)| ke == e) {
            continue;
        }
        *load.entry(m).or_default() += 1;
        kept.push((e, m, Origin::Locked));
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // Who is left to match.
    let Open {
        mentees,
        mentors,
        mentor_places,
        mut unmatched,
    } = open(rules, &kept, &load, capacity, why_not_eligible);
    let eligible_mentees = mentees.len() + kept.len();

    let refused =
        |e: assign::AssignError| vec![format!("the matching solver refused its input: {e}")];
    let profiles = rules.profiles(&mentees, &mentors).map_err(refused)?;
    let goal = match objective(&cohort.config) {
        crate::cohort::config::Objective::Total => assign::Objective::Total,
        crate::cohort::config::Objective::Fair => assign::Objective::Fair,
    };
    // The person explained, as a row or a column of the problem, with the people on the other side.
    let explained = explain.and_then(|who| {
        let me = rules.position(&who.id)?;
        match who.role {
            Role::Mentee => Some((
                assign::Person::Row(mentees.iter().position(|&e| e == me)?),
                &mentors,
            )),
            Role::Mentor => Some((
                assign::Person::Col(mentors.iter().position(|&m| m == me)?),
                &mentees,
            )),
        }
    });
    let (solution, costs) = match explained {
        Some((person, others)) => {
            let (solution, costs) =
                assign::solve_profiles_with_locks(&profiles, &mentor_places, goal, person)
                    .map_err(refused)?;
            let by_id: LockCosts = others
                .iter()
                .zip(costs)
                .filter_map(|(&o, cost)| Some((rules.people[o].id.clone(), cost?)))
                .collect();
            (solution, Some(by_id))
        }
        None => (
            assign::solve_profiles(&profiles, &mentor_places, goal).map_err(refused)?,
            None,
        ),
    };
    drop(profiles);

    let mut chosen = kept;
    let counts = ForbiddenCounts::new(rules, &mentors);
    for (row, col) in solution.iter().enumerate() {
        let e = mentees[row];
        match col {
            Some(c) => {
                let m = mentors[*c];
                // The solver never returns a forbidden pair; check it, cheaply, all the same.
                if let Some(why) = rules.forbidden(e, m) {
                    return Err(vec![format!(
                        "internal error: the solver paired {} with {} although {}",
                        rules.people[e].id,
                        rules.people[m].id,
                        why.describe()
                    )]);
                }
                chosen.push((e, m, Origin::Proposed));
            }
            None => {
                let why = why_unmatched_mentee(&counts.of(rules, e), mentees.len(), &mentor_places);
                unmatched.push(Unmatched {
                    id: rules.people[e].id.clone(),
                    role: Role::Mentee,
                    why,
                });
            }
        }
    }
    let mentor_used: FxHashSet<usize> = chosen.iter().map(|&(_, m, _)| m).collect();
    for &m in &mentors {
        if !mentor_used.contains(&m) {
            unmatched.push(Unmatched {
                id: rules.people[m].id.clone(),
                role: Role::Mentor,
                why: "no mentee left for them: every eligible mentee has a mentor".into(),
            });
        }
    }
    chosen.sort_by_key(|&(e, _, _)| e);
    unmatched.sort_by_key(|u| rules.position(&u.id));
    let pair = |&(e, m, origin): &(usize, usize, Origin)| ProposedPair {
        mentee: rules.people[e].id.clone(),
        mentor: rules.people[m].id.clone(),
        score: to_score(rules.score(e, m)),
        reasons: rules.reasons(e, m),
        origin,
    };
    // Thousands of pairs are written in two halves side by side (each with its reasons), then
    // joined in order.
    let (first, second) = chosen.split_at(chosen.len() / 2);
    let (mut pairs, rest) = crate::threads::join(
        chosen.len() >= pairs_apart(),
        || first.iter().map(pair).collect::<Vec<ProposedPair>>(),
        || second.iter().map(pair).collect::<Vec<ProposedPair>>(),
    );
    pairs.extend(rest);
    let total_hundredths: i64 = chosen
        .iter()
        .map(|&(e, m, _)| i64::from(rules.score(e, m)))
        .sum();
    let lowest = chosen.iter().map(|&(e, m, _)| rules.score(e, m)).min();
    let proposal = Proposal {
        lowest_score: lowest.map(to_score),
        mentees_matched: pairs.len(),
        mentees_eligible: eligible_mentees,
        total_score: total_hundredths as f64 / SCALE,
        pairs,
        unmatched,
    };
    Ok((proposal, costs))
}

/// A proposal of at least this many pairs writes them in two halves side by side (its pairs,
/// and their JSON in `render::proposal`).
pub(crate) const PAIRS_APART: usize = 1_000;

#[cfg(test)]
thread_local! {
    /// Tests lower it to write small proposals in halves too.
    pub(crate) static TEST_PAIRS_APART: std::cell::Cell<usize> =
        const { std::cell::Cell::new(PAIRS_APART) };
}

pub(crate) fn pairs_apart() -> usize {
    #[cfg(test)]
    return TEST_PAIRS_APART.get();
    #[cfg(not(test))]
    PAIRS_APART
}

/// Pairs kept as they are (confirmed, locked), as positions in `rules`.
pub type Kept = Vec<(usize, usize, Origin)>;

/// The confirmed pairs, as positions in `rules`, and how many each mentor has.
pub fn confirmed(cohort: &Cohort, rules: &Rules) -> (Kept, FxHashMap<usize, usize>) {
    let kept: Kept = cohort
        .pairs
        .iter()
        .filter(|p| p.status == PairStatus::Confirmed)
        .filter_map(|pair| {
            let e = rules.position(&pair.mentee)?;
            let m = rules.position(&pair.mentor)?;
            Some((e, m, Origin::Confirmed))
        })
        .collect();
    let mut load: FxHashMap<usize, usize> = FxHashMap::default();
    for &(_, m, _) in &kept {
        *load.entry(m).or_default() += 1;
    }
    (kept, load)
}

/// `[matching] mentor_capacity` as a count.
pub fn mentor_capacity(config: &crate::cohort::Config) -> usize {
    usize::try_from(config.matching.mentor_capacity).unwrap_or(1)
}

/// Why `--lock` of mentee `e` with mentor `m` (positions in `rules`) cannot be kept on top of
/// the pairs `kept`, whose count per mentor is `load`: every reason, in the request's words
/// (without the "--lock E=M: " before them); none when it can be kept.
pub fn lock_refusals(
    rules: &Rules,
    kept: &[(usize, usize, Origin)],
    load: &FxHashMap<usize, usize>,
    capacity: usize,
    eligible: &dyn Fn(&Participant) -> Option<String>,
    e: usize,
    m: usize,
) -> Vec<String> {
    let (e_id, m_id) = (&rules.people[e].id, &rules.people[m].id);
    let mut why = Vec::new();
    let taken = kept
        .iter()
        .find(|(ke, _, _)| *ke == e)
        .map(|&(_, other, _)| other);
    if let Some(other) = taken {
        why.push(format!(
            "{e_id} already has a mentor ({})",
            rules.people[other].id
        ));
    }
    for (who, i) in [(e_id, e), (m_id, m)] {
        if let Some(reason) = eligible(rules.people[i]) {
            why.push(format!("{who} cannot be matched: {reason}"));
        }
    }
    if let Some(reason) = rules.why(e, m) {
        why.push(format!("the pair itself is forbidden: {reason}"));
    }
    let l = load.get(&m).copied().unwrap_or(0) + 1;
    if taken.is_none() && l > capacity {
        why.push(format!(
            "{m_id} would have {l} mentees, more than mentor_capacity = {capacity}"
        ));
    }
    why
}

/// Who the solver matches: the eligible mentees without a kept pair, and the eligible mentors
/// with places left; and the active people who cannot be matched, with why.
struct Open {
    mentees: Vec<usize>,
    mentors: Vec<usize>,
    /// Places left per mentor of `mentors`.
    mentor_places: Vec<u32>,
    unmatched: Vec<Unmatched>,
}

fn open(
    rules: &Rules,
    kept: &[(usize, usize, Origin)],
    load: &FxHashMap<usize, usize>,
    capacity: usize,
    why_not_eligible: impl Fn(&Participant) -> Option<String>,
) -> Open {
    let taken: FxHashSet<usize> = kept.iter().map(|&(e, _, _)| e).collect();
    let mut unmatched = Vec::new();
    let mut mentees = Vec::new();
    let mut mentors = Vec::new();
    let mut mentor_places = Vec::new();
    for (i, p) in rules.people.iter().enumerate() {
        if matches!(p.status, Status::Withdrawn | Status::Erased) {
            continue;
        }
        let why = why_not_eligible(p);
        match p.role {
            Role::Mentee if taken.contains(&i) => {}
            Role::Mentee => match why {
                Some(why) => unmatched.push(Unmatched {
                    id: p.id.clone(),
                    role: p.role,
                    why,
                }),
                None => mentees.push(i),
            },
            Role::Mentor => {
                let used = load.get(&i).copied().unwrap_or(0);
                match why {
                    Some(why) if used == 0 => {
                        unmatched.push(Unmatched {
                            id: p.id.clone(),
                            role: p.role,
                            why,
                        });
                    }
                    Some(_) => {}
                    None if used < capacity => {
                        mentors.push(i);
                        mentor_places.push(u32::try_from(capacity - used).unwrap_or(u32::MAX));
                    }
                    None => {}
                }
            }
        }
    }
    Open {
        mentees,
        mentors,
        mentor_places,
        unmatched,
    }
}

/// Why someone cannot be matched at all (not active, ineligible, not briefed), if they cannot.
pub fn why_not_eligible(
    config: &crate::cohort::Config,
    briefed: &FxHashSet<&str>,
    p: &Participant,
) -> Option<String> {
    match p.status {
        Status::Active => {}
        Status::Ineligible => {
            return Some(format!("ineligible: {}", p.status_reason));
        }
        other => return Some(other.as_str().to_string()),
    }
    (config.matching.require_briefing && !briefed.contains(p.id.as_str()))
        .then(|| format!("not briefed: attended no briefing for {}", p.role.plural()))
}

/// How many of a set of mentors each rule forbids a mentee, and how many are allowed.
#[derive(Debug, PartialEq, Eq)]
struct Forbidden {
    by_reason: std::collections::BTreeMap<Forbid, usize>,
    allowed: usize,
}

/// What [`Rules::forbidden`] says of a mentee and each of a set of mentors, counted without a
/// loop over the mentors: the pairs it lists, then the mentors of the mentee's department.
struct ForbiddenCounts {
    mentors: usize,
    /// Mentors per department code, when a department forbids.
    per_department: FxHashMap<u32, usize>,
    /// Each mentee's listed pairs with one of the mentors: (mentor, rule).
    listed: FxHashMap<usize, Vec<(usize, Forbid)>>,
}

impl ForbiddenCounts {
    fn new(rules: &Rules, mentors: &[usize]) -> Self {
        let among: FxHashSet<usize> = mentors.iter().copied().collect();
        let mut per_department: FxHashMap<u32, usize> = FxHashMap::default();
        if rules.forbid_department {
            for &m in &among {
                *per_department.entry(rules.department[m]).or_default() += 1;
            }
        }
        let mut listed: FxHashMap<usize, Vec<(usize, Forbid)>> = FxHashMap::default();
        for (&(e, m), &why) in &rules.forbidden {
            if among.contains(&m) {
                listed.entry(e).or_default().push((m, why));
            }
        }
        ForbiddenCounts {
            mentors: among.len(),
            per_department,
            listed,
        }
    }

    /// As `rules.forbidden(e, m)` for every mentor `m` of the set would count.
    fn of(&self, rules: &Rules, e: usize) -> Forbidden {
        let mut by_reason: std::collections::BTreeMap<Forbid, usize> = Default::default();
        let department = rules.department[e];
        let by_department = rules.forbid_department && department != 0;
        let mut same_department = if by_department {
            self.per_department.get(&department).copied().unwrap_or(0)
        } else {
            0
        };
        for &(m, why) in self.listed.get(&e).map_or(&[][..], Vec::as_slice) {
            *by_reason.entry(why).or_default() += 1;
            // A listed pair is counted by its listed rule, not by the department too.
            if by_department && rules.department[m] == department {
                same_department = same_department.saturating_sub(1);
            }
        }
        if same_department > 0 {
            *by_reason.entry(Forbid::SameDepartment).or_default() += same_department;
        }
        let forbidden: usize = by_reason.values().sum();
        Forbidden {
            by_reason,
            allowed: self.mentors.saturating_sub(forbidden),
        }
    }
}

/// Why the solver left an eligible mentee without a mentor, given what the rules forbid them.
fn why_unmatched_mentee(forbidden: &Forbidden, n_mentees: usize, places: &[u32]) -> String {
    let Forbidden { by_reason, allowed } = forbidden;
    let allowed = *allowed;
    let total_places: u32 = places.iter().sum();
    if by_reason.is_empty() && allowed == 0 {
        "no eligible mentor has a place left".into()
    } else if allowed == 0 {
        let list: Vec<String> = by_reason
            .iter()
            .map(|(why, n)| format!("{n} by {}", why.describe()))
            .collect();
        format!(
            "every eligible mentor is forbidden for them ({})",
            list.join(", ")
        )
    } else if (total_places as usize) < n_mentees {
        format!(
            "more mentees than mentor places ({n_mentees} mentees to match, {total_places} places); the {allowed} mentor(s) they could have went to others so that as many as possible are matched"
        )
    } else {
        format!(
            "the {allowed} mentor(s) they could have are needed by others so that as many mentees as possible are matched"
        )
    }
}

/// Write a proposal into the cohort: earlier proposals are replaced; the solver's and the locked
/// pairs become `proposed` pairs dated `today` (confirmed pairs stay as they are).
pub fn apply(cohort: &mut Cohort, proposal: &Proposal, today: chrono::NaiveDate) {
    cohort.pairs.retain(|p| p.status != PairStatus::Proposed);
    for pair in proposal
        .pairs
        .iter()
        .filter(|p| p.origin != Origin::Confirmed)
    {
        cohort.pairs.push(crate::model::Pair {
            mentee: pair.mentee.clone(),
            mentor: pair.mentor.clone(),
            score: pair.score,
            reasons: pair.reasons.clone(),
            status: PairStatus::Proposed,
            proposed_on: Some(today),
            confirmed_on: None,
            ended_on: None,
            end_reason: String::new(),
        });
    }
}

/// Confirm every proposed pair as of `today`; returns how many.
pub fn confirm(cohort: &mut Cohort, today: chrono::NaiveDate) -> usize {
    let mut confirmed = 0;
    for p in cohort
        .pairs
        .iter_mut()
        .filter(|p| p.status == PairStatus::Proposed)
    {
        p.status = PairStatus::Confirmed;
        p.confirmed_on = Some(today);
        confirmed += 1;
    }
    confirmed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A proposal written in two halves side by side is the one written in one piece: the same
    /// pairs, reasons and people left out, in the same order.
    #[test]
    fn a_proposal_written_in_halves_is_the_proposal_written_whole() {
        let mut next = crate::assign::test_numbers(0x0a1f_ba1f);
        let request = Request {
            locks: Vec::new(),
            avoids: Vec::new(),
        };
        let mut halved = 0;
        for _ in 0..200 {
            let cohort = crate::explain::tests::random_cohort(&mut next);
            let whole = format!("{:?}", propose(&cohort, &request));
            TEST_PAIRS_APART.set(2);
            let halves = propose(&cohort, &request);
            TEST_PAIRS_APART.set(PAIRS_APART);
            if let Ok(p) = &halves {
                // Pairs in the order of the mentees in participants.csv.
                let place = |id: &str| cohort.participants.iter().position(|x| x.id == id);
                let places: Vec<_> = p.pairs.iter().map(|pair| place(&pair.mentee)).collect();
                assert!(places.is_sorted(), "{places:?}");
                halved += usize::from(p.pairs.len() >= 2);
            }
            assert_eq!(whole, format!("{halves:?}"));
        }
        assert!(
            halved > 50,
            "only {halved} proposals were written in halves"
        );
    }

    fn pick(next: &mut impl FnMut(u64) -> u64, n: u64) -> usize {
        usize::try_from(next(n)).expect("a small index")
    }

    /// Up to `most - 1` random conflicts and managers among `cohort`'s people, and up to two
    /// random pairs to avoid (by place), for the rules to forbid.
    fn tangle(
        cohort: &mut Cohort,
        next: &mut impl FnMut(u64) -> u64,
        most: u64,
    ) -> Vec<(usize, usize)> {
        let n = cohort.participants.len() as u64;
        for _ in 0..next(most) {
            let (a, b) = (pick(next, n), pick(next, n));
            let other = cohort
                .participants
                .get(b)
                .expect("a participant")
                .id
                .clone();
            let p = cohort.participants.get_mut(a).expect("a participant");
            match next(2) {
                0 => p.conflicts.push(other),
                _ => p.manager = other,
            }
        }
        (0..next(3))
            .map(|_| (pick(next, n), pick(next, n)))
            .collect()
    }

    /// Counting what the rules forbid each mentee without a loop over the mentors counts what
    /// the loop does: conflicts, reporting chains and avoided pairs (listed rules) among
    /// departments that forbid, some listed pairs in the mentee's own department.
    #[test]
    fn forbidden_counts_are_what_a_loop_over_the_mentors_counts() {
        let mut next = crate::assign::test_numbers(0x5eed_c0de);
        let mut listed_in_department = 0;
        for _ in 0..400 {
            let mut cohort = crate::explain::tests::random_cohort(&mut next);
            cohort.config.matching.same_department = if next(4) == 0 {
                SameDepartment::Allow
            } else {
                SameDepartment::Forbid
            };
            let avoids = tangle(&mut cohort, &mut next, 6);
            let rules = Rules::new(&cohort, &avoids);
            let (mentees, mentors): (Vec<usize>, Vec<usize>) = (0..cohort.participants.len())
                .filter(|_| next(5) != 0)
                .partition(|&p| rules.people[p].role == Role::Mentee);
            let counts = ForbiddenCounts::new(&rules, &mentors);
            for &e in &mentees {
                let mut by_reason = std::collections::BTreeMap::new();
                let mut allowed = 0;
                for &m in &mentors {
                    match rules.forbidden(e, m) {
                        Some(why) => *by_reason.entry(why).or_default() += 1,
                        None => allowed += 1,
                    }
                    listed_in_department += usize::from(
                        rules.forbidden.contains_key(&(e, m))
                            && rules.forbid_department
                            && rules.department[e] == rules.department[m],
                    );
                }
                assert_eq!(counts.of(&rules, e), Forbidden { by_reason, allowed });
            }
        }
        assert!(listed_in_department > 20, "{listed_in_department}");
    }

    /// Rules whose reporting chains were walked beside their codes are the rules found on one
    /// thread: every pair forbidden for the same first reason (a conflict before a chain before
    /// an avoided pair's... as one thread forbade them), every score the same.
    #[test]
    fn rules_with_chains_walked_beside_are_the_rules_found_in_turn() {
        let mut next = crate::assign::test_numbers(0xc4a1_25ed);
        let mut both = 0;
        for _ in 0..300 {
            let mut cohort = crate::explain::tests::random_cohort(&mut next);
            let avoids = tangle(&mut cohort, &mut next, 8);
            let in_turn = Rules::new(&cohort, &avoids);
            TEST_CHAINS_APART.set(0);
            let beside = Rules::new(&cohort, &avoids);
            TEST_CHAINS_APART.set(CHAINS_APART);
            let n = cohort.participants.len();
            for e in 0..n {
                for m in 0..n {
                    assert_eq!(in_turn.why(e, m), beside.why(e, m), "pair {e} {m}");
                    assert_eq!(in_turn.score(e, m), beside.score(e, m), "pair {e} {m}");
                    both += usize::from(
                        in_turn.forbidden(e, m) == Some(Forbid::Conflict)
                            && in_turn.chain(e, m).is_some(),
                    );
                }
            }
        }
        assert!(
            both > 5,
            "only {both} pairs were both a conflict and a chain"
        );
    }

    /// The reasons as they were first written (lists of names, then joined): what
    /// [`Rules::reasons`] must still say.
    fn reasons_by_lists(rules: &Rules, e: usize, m: usize) -> String {
        let counts: Vec<&Field> = rules
            .fields
            .iter()
            .filter(|f| f.codes[e] != 0 && f.codes[m] != 0 && f.codes[e] != f.codes[m])
            .collect();
        let named = |kind: FieldKind| -> Vec<String> {
            counts
                .iter()
                .filter(|f| f.kind == kind)
                .map(|f| match kind {
                    FieldKind::Topic => f.name.clone(),
                    _ => f.name.replace('_', " "),
                })
                .collect()
        };
        let mut parts = Vec::new();
        let traits = named(FieldKind::Characteristic);
        if !traits.is_empty() {
            parts.push(format!("differs in {}", traits.join(", ")));
        }
        if !named(FieldKind::Department).is_empty() {
            parts.push("other department".to_string());
        }
        let topics = named(FieldKind::Topic);
        if !topics.is_empty() {
            parts.push(format!("shares: {}", topics.join(", ")));
        }
        if parts.is_empty() {
            "no known difference".to_string()
        } else {
            parts.join("; ")
        }
    }

    /// Every pair's reasons, on random cohorts with shared interests, departments and unknown
    /// characteristics: each of the three parts alone, together, and none.
    #[test]
    fn reasons_name_differences_department_and_shared_topics() {
        let mut next = crate::assign::test_numbers(0x7ea5_0115);
        let mut seen = FxHashSet::default();
        for _ in 0..300 {
            let mut cohort = crate::explain::tests::random_cohort(&mut next);
            cohort
                .config
                .matching
                .weights
                .insert(crate::cohort::config::INTERESTS.to_string(), 0.5);
            let topics = cohort.config.evaluation.topics.clone();
            for p in cohort.participants.iter_mut() {
                p.interests = topics.iter().filter(|_| next(3) == 0).cloned().collect();
            }
            let rules = Rules::new(&cohort, &[]);
            let n = rules.people.len();
            for e in (0..n).filter(|&e| rules.people[e].role == Role::Mentee) {
                for m in (0..n).filter(|&m| rules.people[m].role == Role::Mentor) {
                    let said = rules.reasons(e, m);
                    assert_eq!(said, reasons_by_lists(&rules, e, m));
                    seen.insert((
                        said.contains("differs in"),
                        said.contains("other department"),
                        said.contains("shares: "),
                        said.contains(", "),
                    ));
                }
            }
        }
        // Every combination of the three parts, and lists of more than one name.
        assert!(seen.len() >= 9, "{seen:?}");
        assert!(
            seen.contains(&(false, false, false, false)),
            "no known difference"
        );
    }
}
