//! Spellings of one answer. `[characteristics.values]` in cohort.toml maps each characteristic's
//! other spellings onto one value (`gender = { Woman = ["Female", "F"] }`), so that "Female" and
//! "Woman" are one answer wherever answers are compared or counted, while `characteristics.csv`
//! keeps what people declared (only `values --rename` rewrites it). Also here: the warning that
//! the two roles' answers do not overlap or look like one answer spelt two ways, and the counts
//! `revmentor values` lists. Pure.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::{Cohort, Config};
use crate::model::{Role, Status, is_known};
use crate::text::terminal_safe;

/// How a spelling is compared: trimmed, any case.
fn key(value: &str) -> String {
    value.trim().to_lowercase()
}

/// Harmonise one declared value of `characteristic`: the value its spelling stands for under
/// `[characteristics.values]` (as cohort.toml spells it), else the value as declared (trimmed);
/// `None` when it is *not known* (empty, "prefer not to say", "unknown", or mapped onto one of
/// those). Values compare case-insensitively after this. For one value at a time; a loop over a
/// cohort uses [`Vocabulary`].
pub fn harmonise(config: &Config, characteristic: &str, value: &str) -> Option<String> {
    if !is_known(value) {
        return None;
    }
    let wanted = key(value);
    let canonical = config
        .characteristics
        .values
        .get(characteristic)
        .and_then(|values| {
            values.iter().find_map(|(canonical, spellings)| {
                (key(canonical) == wanted || spellings.iter().any(|s| key(s) == wanted))
                    .then_some(canonical.trim())
            })
        });
    match canonical {
        Some(c) if !is_known(c) => None,
        Some(c) => Some(c.to_string()),
        None => Some(value.trim().to_string()),
    }
}

/// [`harmonise`] for every characteristic of a cohort, indexed for loops over participants.
pub struct Vocabulary {
    /// Per characteristic (cohort order): spelling (compared as [`key`]) → value.
    maps: Vec<FxHashMap<String, String>>,
}

impl Vocabulary {
    pub fn new(config: &Config) -> Self {
        let maps = config
            .cohort
            .characteristics
            .iter()
            .map(|c| {
                let mut map = FxHashMap::default();
                if let Some(values) = config.characteristics.values.get(c) {
                    for (canonical, spellings) in values {
                        for s in spellings.iter().chain(std::iter::once(canonical)) {
                            map.insert(key(s), canonical.trim().to_string());
                        }
                    }
                }
                map
            })
            .collect();
        Vocabulary { maps }
    }

    /// [`harmonise`] of the `k`th characteristic.
    pub fn harmonise<'v>(&'v self, k: usize, value: &'v str) -> Option<&'v str> {
        if !is_known(value) {
            return None;
        }
        let value = match self.maps.get(k).and_then(|m| m.get(&key(value))) {
            Some(canonical) => canonical.as_str(),
            None => value.trim(),
        };
        is_known(value).then_some(value)
    }
}

/// The problems of `[characteristics.values]`: a characteristic the cohort does not list, an empty
/// or unsafe value or spelling, a not-known answer ("prefer not to say") given as a spelling of a
/// value, a spelling given for two values, a value that is also another's spelling.
pub fn check(config: &Config) -> Vec<String> {
    let mut problems = Vec::new();
    let listed = &config.cohort.characteristics;
    for (characteristic, values) in &config.characteristics.values {
        let at = format!("[characteristics.values] {characteristic}");
        if !listed.contains(characteristic) {
            problems.push(format!(
                "{at}: not a characteristic of this cohort; valid: {}",
                listed.join(", ")
            ));
            continue;
        }
        let mut owner: BTreeMap<String, &str> = BTreeMap::new();
        for (canonical, spellings) in values {
            if canonical.trim().is_empty() {
                problems.push(format!(
                    "{at}: a value with an empty name (its spellings: {}): name it, or remove it",
                    quoted(spellings)
                ));
            } else if let Err(e) = crate::text::check(canonical, crate::text::Kind::Short) {
                problems.push(format!("{at}: \"{}\" {e}", terminal_safe(canonical, false)));
            }
            for s in spellings {
                if s.trim().is_empty() {
                    problems.push(format!(
                        "{at}: an empty spelling (of \"{}\"): remove it",
                        terminal_safe(canonical, false)
                    ));
                } else if let Err(e) = crate::text::check(s, crate::text::Kind::Short) {
                    problems.push(format!("{at}: \"{}\" {e}", terminal_safe(s, false)));
                } else if !is_known(s) && is_known(canonical) {
                    // Read as not known before any mapping: listing it here would change nothing,
                    // and a declared "prefer not to say" is never turned into an answer.
                    problems.push(format!(
                        "{at}: \"{}\" means not known and is never read as \"{}\" (no answer is guessed): remove it",
                        terminal_safe(s, false),
                        terminal_safe(canonical, false)
                    ));
                }
            }
            for s in spellings {
                match owner.get(&key(s)) {
                    Some(other) if *other != canonical.as_str() => problems.push(format!(
                        "{at}: \"{}\" is given as a spelling of both \"{}\" and \"{}\": keep it under one",
                        terminal_safe(s, false),
                        terminal_safe(other, false),
                        terminal_safe(canonical, false)
                    )),
                    _ => {
                        owner.insert(key(s), canonical);
                    }
                }
            }
        }
        for canonical in values.keys() {
            if let Some(other) = owner.get(&key(canonical))
                && key(other) != key(canonical)
            {
                problems.push(format!(
                    "{at}: \"{}\" is a value of its own and a spelling of \"{}\": list its spellings under \"{}\" instead",
                    terminal_safe(canonical, false),
                    terminal_safe(other, false),
                    terminal_safe(other, false)
                ));
            }
        }
    }
    problems
}

/// Spellings for a message: quoted, comma-separated.
fn quoted(spellings: &[String]) -> String {
    spellings
        .iter()
        .map(|s| format!("\"{}\"", terminal_safe(s, false)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One value of a characteristic as the cohort's people declared it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ValueCount {
    /// The harmonised value.
    pub value: String,
    /// Each spelling declared (exactly as written), with how many mentors and mentees wrote it.
    pub spellings: Vec<Spelling>,
    pub mentors: usize,
    pub mentees: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Spelling {
    pub text: String,
    pub mentors: usize,
    pub mentees: usize,
}

impl ValueCount {
    /// A value no one has declared yet.
    fn new(value: &str) -> ValueCount {
        ValueCount {
            value: value.to_string(),
            spellings: Vec::new(),
            mentors: 0,
            mentees: 0,
        }
    }

    /// The place of the spelling `text` among the value's, added (with no counts) if new.
    fn spelling(&mut self, text: &str) -> usize {
        match self.spellings.iter().position(|s| s.text == text) {
            Some(s) => s,
            None => {
                self.spellings.push(Spelling {
                    text: text.to_string(),
                    mentors: 0,
                    mentees: 0,
                });
                self.spellings.len() - 1
            }
        }
    }
}

/// Every characteristic's values, with counts by role; `not known` answers are one row (value
/// empty). Everyone with a row in characteristics.csv counts, withdrawn people too (their answers
/// are in the file). Values in order of first appearance in the file.
pub fn tally(cohort: &Cohort, only_active: bool) -> Vec<(String, Vec<ValueCount>)> {
    let vocabulary = Vocabulary::new(&cohort.config);
    let people = cohort.people();
    let names = &cohort.config.cohort.characteristics;
    let mut values: Vec<Vec<ValueCount>> = vec![Vec::new(); names.len()];
    // Per characteristic: each value's place in `values` by its key, and each spelling met so
    // far with its value's and its own place (a cohort has few spellings and many rows).
    let mut index: Vec<FxHashMap<String, usize>> = vec![FxHashMap::default(); names.len()];
    let mut met: Vec<FxHashMap<&str, (usize, usize)>> = vec![FxHashMap::default(); names.len()];
    for row in cohort.traits.iter() {
        let Some(p) = people.get(row.id.as_str()) else {
            continue;
        };
        if only_active && matches!(p.status, Status::Withdrawn | Status::Erased) {
            continue;
        }
        for (k, values) in values.iter_mut().enumerate() {
            let declared = row.values.get(k).map(|v| v.trim()).unwrap_or("");
            let (i, spelling) = match met[k].get(declared) {
                Some(&at) => at,
                None => {
                    let at = place(&vocabulary, k, declared, values, &mut index[k]);
                    met[k].insert(declared, at);
                    at
                }
            };
            let v = &mut values[i];
            let s = &mut v.spellings[spelling];
            match p.role {
                Role::Mentor => {
                    v.mentors += 1;
                    s.mentors += 1;
                }
                Role::Mentee => {
                    v.mentees += 1;
                    s.mentees += 1;
                }
            }
        }
    }
    names.iter().cloned().zip(values).collect()
}

/// Where the spelling `declared` of characteristic `k` counts: its value's place in `values` and
/// its own among the value's spellings, each added (with no counts yet) if new.
fn place(
    vocabulary: &Vocabulary,
    k: usize,
    declared: &str,
    values: &mut Vec<ValueCount>,
    index: &mut FxHashMap<String, usize>,
) -> (usize, usize) {
    let value = vocabulary.harmonise(k, declared).unwrap_or("");
    let i = *index.entry(key(value)).or_insert_with(|| {
        values.push(ValueCount::new(value));
        values.len() - 1
    });
    (i, values[i].spelling(declared))
}

/// Words that are one answer in most forms (compared squashed: letters and digits only).
const ALIKE: &[&[&str]] = &[
    &["woman", "female", "f", "women", "w"],
    &["man", "male", "m", "men"],
    &["nonbinary", "nb", "enby"],
    &["yes", "y", "true"],
    &["no", "n", "false", "none"],
    &["heterosexual", "straight", "hetero"],
    &["gay", "homosexual"],
];

/// Letters and digits only, lower case: "Non-binary" → "nonbinary".
fn squash(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// One edit (insert, delete, change) or none between two short strings.
fn one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// Whether two different answers look like one answer spelt two ways: the same letters ("Non
/// binary", "non-binary"), words most forms use for one answer ("Female", "Woman", "F"), a
/// plural, or one typing slip in a longer word ("Hetrosexual").
pub fn look_alike(a: &str, b: &str) -> bool {
    let (a, b) = (squash(a), squash(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    if ALIKE
        .iter()
        .any(|group| group.contains(&a.as_str()) && group.contains(&b.as_str()))
    {
        return true;
    }
    if format!("{a}s") == b || format!("{b}s") == a {
        return true;
    }
    a.chars().count() >= 5 && b.chars().count() >= 5 && one_edit(&a, &b)
}

/// Warnings for the coordinator, one per characteristic at most: mentors' and mentees' known
/// answers share no value, or an answer of one role looks like a different answer of the other
/// (so the pair would count as different when it is not). Names the spellings: this goes to the
/// coordinator on standard error, never into a listing or a file.
pub fn advisories(cohort: &Cohort) -> Vec<String> {
    let mut warnings = Vec::new();
    for (characteristic, values) in tally(cohort, true) {
        let of = |role: Role| -> Vec<&ValueCount> {
            values
                .iter()
                .filter(|v| {
                    !v.value.is_empty()
                        && match role {
                            Role::Mentor => v.mentors > 0,
                            Role::Mentee => v.mentees > 0,
                        }
                })
                .collect()
        };
        let (mentors, mentees) = (of(Role::Mentor), of(Role::Mentee));
        if mentors.is_empty() || mentees.is_empty() {
            continue;
        }
        let list = |vs: &[&ValueCount]| {
            vs.iter()
                .map(|v| format!("\"{}\"", terminal_safe(&v.value, false)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let fix = format!(
            "if they mean the same, list the spellings under [characteristics.values] in cohort.toml (one line per characteristic, like gender = {{ Woman = [\"Female\"] }}) or rewrite them with `revmentor values {} --rename '{characteristic}:OLD=NEW'`",
            cohort.name
        );
        let shared = mentors
            .iter()
            .any(|m| mentees.iter().any(|e| key(&m.value) == key(&e.value)));
        if !shared {
            warnings.push(format!(
                "{characteristic}: mentors' answers ({}) and mentees' answers ({}) have no value in common, so every pair counts as differing in {}; {fix}",
                list(&mentors),
                list(&mentees),
                characteristic.replace('_', " ")
            ));
            continue;
        }
        let alike: Vec<String> = mentors
            .iter()
            .flat_map(|m| mentees.iter().map(move |e| (m, e)))
            .filter(|(m, e)| key(&m.value) != key(&e.value) && look_alike(&m.value, &e.value))
            .map(|(m, e)| {
                format!(
                    "mentors' \"{}\" and mentees' \"{}\"",
                    terminal_safe(&m.value, false),
                    terminal_safe(&e.value, false)
                )
            })
            .collect();
        if !alike.is_empty() {
            warnings.push(format!(
                "{characteristic}: {} look like one answer spelt two ways, and count as different; {fix}",
                alike.join("; ")
            ));
        }
    }
    warnings
}

/// `values --rename 'characteristic:Old=New'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    pub characteristic: String,
    pub from: String,
    pub to: String,
}

impl Rename {
    pub fn parse(text: &str) -> Result<Rename, String> {
        let bad = || {
            format!(
                "--rename \"{}\" is not 'characteristic:Old=New' (like 'gender:Female=Woman')",
                terminal_safe(text, false)
            )
        };
        let (characteristic, rest) = text.split_once(':').ok_or_else(bad)?;
        let (from, to) = rest.split_once('=').ok_or_else(bad)?;
        if characteristic.trim().is_empty() || from.trim().is_empty() || to.trim().is_empty() {
            return Err(bad());
        }
        Ok(Rename {
            characteristic: characteristic.trim().to_string(),
            from: from.trim().to_string(),
            to: to.trim().to_string(),
        })
    }
}

/// Rewrite every answer spelt `from` (trimmed, any case) as `to`, for each rename; how many cells
/// each changed. Every problem at once (an unknown characteristic, a spelling nobody wrote, a new
/// value that is not safe text, a not-known answer turned into a value); then nothing is changed.
pub fn rename(cohort: &mut Cohort, renames: &[Rename]) -> Result<Vec<usize>, Vec<String>> {
    let characteristics = cohort.config.cohort.characteristics.clone();
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for r in renames {
        let label = format!(
            "--rename '{}:{}={}'",
            r.characteristic,
            terminal_safe(&r.from, false),
            terminal_safe(&r.to, false)
        );
        let Some(k) = characteristics.iter().position(|c| *c == r.characteristic) else {
            problems.push(format!(
                "{label}: \"{}\" is not a characteristic of this cohort; valid: {}",
                r.characteristic,
                characteristics.join(", ")
            ));
            continue;
        };
        if let Err(e) = crate::text::check_entry(&r.to, crate::text::Kind::Short) {
            problems.push(format!("{label}: the new value {e}"));
        }
        if !is_known(&r.from) && is_known(&r.to) {
            problems.push(format!(
                "{label}: \"{}\" is how people chose not to answer, and no answer is guessed for them; a person who wants to answer changes their own with `revmentor enrol {} --update`",
                terminal_safe(&r.from, false),
                cohort.name
            ));
        }
        let found = cohort
            .traits
            .iter()
            .any(|t| t.values.get(k).is_some_and(|v| key(v) == key(&r.from)));
        if !found {
            problems.push(format!(
                "{label}: nobody answered \"{}\" for {}; `revmentor values {}` lists the answers",
                terminal_safe(&r.from, false),
                r.characteristic,
                cohort.name
            ));
        }
        columns.push(k);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut counts = vec![0; renames.len()];
    for (i, (r, &k)) in renames.iter().zip(&columns).enumerate() {
        for t in cohort.traits.iter_mut() {
            if let Some(v) = t.values.get_mut(k)
                && key(v) == key(&r.from)
                && *v != r.to
            {
                v.clone_from(&r.to);
                counts[i] += 1;
            }
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_finds_spellings_and_not_different_answers() {
        for (a, b) in [
            ("Female", "Woman"),
            ("F", "female"),
            ("Non-binary", "non binary"),
            ("Hetrosexual", "Heterosexual"),
            ("Man", "Men"),
            ("Yes", "Y"),
        ] {
            assert!(look_alike(a, b), "{a} / {b}");
        }
        for (a, b) in [
            ("Woman", "Man"),
            ("Female", "Male"),
            ("Yes", "No"),
            ("White British", "Black British"),
            ("Gay", "Heterosexual"),
        ] {
            assert!(!look_alike(a, b), "{a} / {b}");
        }
    }

    /// `tally` as it was first written (a pass over the rows per characteristic, each spelling
    /// harmonised where it is met): the one-pass version must count the same.
    fn tally_per_characteristic(
        cohort: &Cohort,
        only_active: bool,
    ) -> Vec<(String, Vec<ValueCount>)> {
        let vocabulary = Vocabulary::new(&cohort.config);
        let people = cohort.people();
        let mut out = Vec::new();
        for (k, characteristic) in cohort.config.cohort.characteristics.iter().enumerate() {
            let mut values: Vec<ValueCount> = Vec::new();
            for row in cohort.traits.iter() {
                let Some(p) = people.get(row.id.as_str()) else {
                    continue;
                };
                if only_active && matches!(p.status, Status::Withdrawn | Status::Erased) {
                    continue;
                }
                let declared = row.values.get(k).map(|v| v.trim()).unwrap_or("");
                let value = vocabulary.harmonise(k, declared).unwrap_or("");
                let i = match values.iter().position(|v| key(&v.value) == key(value)) {
                    Some(i) => i,
                    None => {
                        values.push(ValueCount::new(value));
                        values.len() - 1
                    }
                };
                let v = &mut values[i];
                let s = v.spelling(declared);
                let (v_role, s_role) = match p.role {
                    Role::Mentor => (&mut v.mentors, &mut v.spellings[s].mentors),
                    Role::Mentee => (&mut v.mentees, &mut v.spellings[s].mentees),
                };
                *v_role += 1;
                *s_role += 1;
            }
            out.push((characteristic.clone(), values));
        }
        out
    }

    #[test]
    fn one_pass_tally_counts_what_a_pass_per_characteristic_counts() {
        use crate::model::{Participant, Traits};
        let mut next = crate::assign::test_numbers(0x007a_11e5);
        let spellings = [
            "",
            "Woman",
            "woman",
            " Woman ",
            "Female",
            "F",
            "Man",
            "Male",
            "Prefer not to say",
            "Unknown",
            "x",
            "X ",
        ];
        let mut kinds = (0, 0);
        for case in 0..300 {
            let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2020, 1, d).expect("date");
            let mut config = crate::cohort::config::for_test(day(13), day(31));
            let first = config.cohort.characteristics[0].clone();
            if case % 2 == 0 {
                config.characteristics.values.insert(
                    first,
                    [
                        (
                            "Woman".to_string(),
                            vec!["Female".to_string(), "F".to_string()],
                        ),
                        ("Man".to_string(), vec!["male".to_string()]),
                    ]
                    .into(),
                );
            }
            let n = config.cohort.characteristics.len();
            let mut c = Cohort::empty("c", config);
            for i in 0..1 + next(40) {
                let id = format!("p{i:03}");
                let role = if next(2) == 0 {
                    Role::Mentee
                } else {
                    Role::Mentor
                };
                let status = [Status::Active, Status::Withdrawn, Status::Erased]
                    [usize::try_from(next(3)).expect("small")];
                // Some rows name nobody, some people have no row, some rows are short.
                if next(10) > 0 {
                    c.participants.push(Participant {
                        status,
                        ..Participant::for_test(&id, role)
                    });
                }
                if next(10) > 0 {
                    let values = (0..n - usize::try_from(next(2)).expect("small"))
                        .map(|_| spellings[usize::try_from(next(12)).expect("small")].to_string())
                        .collect();
                    c.traits.push(Traits { id, values });
                }
            }
            for only_active in [false, true] {
                let (one_pass, per_characteristic) = (
                    tally(&c, only_active),
                    tally_per_characteristic(&c, only_active),
                );
                assert_eq!(
                    format!("{one_pass:?}"),
                    format!("{per_characteristic:?}"),
                    "case {case}, only active: {only_active}"
                );
                kinds.0 += usize::from(
                    one_pass
                        .iter()
                        .any(|(_, v)| v.iter().any(|v| v.spellings.len() > 1)),
                );
                kinds.1 += usize::from(
                    one_pass
                        .iter()
                        .any(|(_, v)| v.iter().any(|v| v.mentors > 0 && v.mentees > 0)),
                );
            }
        }
        // The cases had values spelt more than one way, and values both roles gave.
        assert!(kinds.0 > 100 && kinds.1 > 100, "{kinds:?}");
    }
}
