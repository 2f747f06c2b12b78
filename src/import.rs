//! Spreadsheet and form exports: place each header on a field (form shapes recognised, `--map` for
//! the rest), then read every row into an [`Applicant`], collecting every problem in one pass.

use crate::cohort::Config;
use crate::cohort::config::YesNo;
use crate::csvio::Sheet;
use crate::model::{Role, is_email, normalise_email};

/// What a column of an import holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Form metadata (a timestamp) or a column skipped with `--ignore-column`.
    Ignore,
    Role,
    Name,
    FirstName,
    LastName,
    Email,
    Department,
    Grade,
    Manager,
    Conflicts,
    /// Topics: what a mentee would like to learn about, what a mentor is willing to share.
    Interests,
    /// A characteristic, by its index in `[cohort] characteristics`.
    Trait(usize),
    /// An eligibility question, by its index in `[[eligibility]]`.
    Criterion(usize),
}

const PLAIN_FIELDS: &[(&str, Field)] = &[
    ("role", Field::Role),
    ("name", Field::Name),
    ("first_name", Field::FirstName),
    ("last_name", Field::LastName),
    ("email", Field::Email),
    ("department", Field::Department),
    ("grade", Field::Grade),
    ("manager", Field::Manager),
    ("conflicts", Field::Conflicts),
    ("interests", Field::Interests),
    ("ignore", Field::Ignore),
];

/// Headers forms and spreadsheets use, after [`normalise`].
const ALIASES: &[(&str, Field)] = &[
    ("timestamp", Field::Ignore),
    ("start time", Field::Ignore),
    ("completion time", Field::Ignore),
    ("last modified time", Field::Ignore),
    ("submitted at", Field::Ignore),
    ("submission date", Field::Ignore),
    ("id", Field::Ignore),
    ("role", Field::Role),
    ("applying as", Field::Role),
    ("mentor or mentee", Field::Role),
    ("name", Field::Name),
    ("full name", Field::Name),
    ("your name", Field::Name),
    ("your full name", Field::Name),
    ("what is your name", Field::Name),
    ("what is your full name", Field::Name),
    ("first name", Field::FirstName),
    ("given name", Field::FirstName),
    ("forename", Field::FirstName),
    ("last name", Field::LastName),
    ("surname", Field::LastName),
    ("family name", Field::LastName),
    ("email", Field::Email),
    ("e mail", Field::Email),
    ("email address", Field::Email),
    ("e mail address", Field::Email),
    ("work email", Field::Email),
    ("work email address", Field::Email),
    ("your email", Field::Email),
    ("your email address", Field::Email),
    ("department", Field::Department),
    ("dept", Field::Department),
    ("grade", Field::Grade),
    ("job grade", Field::Grade),
    ("pay grade", Field::Grade),
    ("job level", Field::Grade),
    ("band", Field::Grade),
    ("manager", Field::Manager),
    ("line manager", Field::Manager),
    ("conflicts", Field::Conflicts),
    ("do not pair with", Field::Conflicts),
    ("interests", Field::Interests),
    ("topics", Field::Interests),
];

/// Words in a long form question that say which characteristic it asks about.
const TRAIT_WORDS: &[(&str, &[&str])] = &[
    ("gender", &["gender"]),
    ("ethnicity", &["ethnicity", "ethnic"]),
    ("disability", &["disability", "disabled"]),
    ("sexual_orientation", &["sexual orientation", "sexuality"]),
    (
        "career_stage",
        &["career stage", "stage of career", "career"],
    ),
];

/// Lower case, punctuation to spaces, spaces collapsed: `Line manager's e-mail?` → `line manager s e mail`.
pub fn normalise(header: &str) -> String {
    header
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn words(text: &str) -> Vec<String> {
    normalise(text).split(' ').map(str::to_string).collect()
}

/// Share of words two texts have in common (Jaccard), for matching a form's question to ours.
pub fn similarity(a: &str, b: &str) -> f64 {
    let a = words(a);
    let b = words(b);
    let common = a.iter().filter(|w| b.contains(w)).count();
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// The field a header names, if it can be told from the header alone.
pub fn recognise(header: &str, config: &Config) -> Option<Field> {
    let n = normalise(header);
    if let Some((_, field)) = ALIASES.iter().find(|(alias, _)| *alias == n) {
        return Some(*field);
    }
    let characteristics = &config.cohort.characteristics;
    for (i, c) in characteristics.iter().enumerate() {
        if n == normalise(c) {
            return Some(Field::Trait(i));
        }
    }
    for (i, criterion) in config.eligibility.iter().enumerate() {
        if n == normalise(&criterion.id) || similarity(header, &criterion.question) >= 0.6 {
            return Some(Field::Criterion(i));
        }
    }
    // Long form questions: exactly one field's key words must appear.
    let contains = |w: &str| format!(" {n} ").contains(&format!(" {w} "));
    let mut candidates: Vec<Field> = Vec::new();
    if contains("email") || contains("e mail") {
        if contains("manager") {
            candidates.push(Field::Manager);
        } else {
            candidates.push(Field::Email);
        }
    } else if contains("manager") {
        candidates.push(Field::Manager);
    }
    if contains("department") || contains("faculty") {
        candidates.push(Field::Department);
    }
    if contains("grade") {
        candidates.push(Field::Grade);
    }
    if contains("full name") {
        candidates.push(Field::Name);
    }
    // "What would you like to learn about?" (leaders), "Which experiences are you willing to
    // share?" (mentors).
    if contains("learn about") || contains("willing to share") || contains("happy to share") {
        candidates.push(Field::Interests);
    }
    for (name, keys) in TRAIT_WORDS {
        if let Some(i) = characteristics.iter().position(|c| c == name)
            && keys.iter().any(|k| contains(k))
        {
            candidates.push(Field::Trait(i));
        }
    }
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The name of a field as `--map` spells it.
pub fn field_name(field: Field, config: &Config) -> String {
    match field {
        Field::Trait(i) => config.cohort.characteristics[i].clone(),
        Field::Criterion(i) => config.eligibility[i].id.clone(),
        other => PLAIN_FIELDS
            .iter()
            .find(|(_, f)| *f == other)
            .map(|(n, _)| n.to_string())
            .unwrap_or_default(),
    }
}

fn parse_field(name: &str, config: &Config) -> Option<Field> {
    let name = name.trim();
    PLAIN_FIELDS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, f)| *f)
        .or_else(|| {
            config
                .cohort
                .characteristics
                .iter()
                .position(|c| c.eq_ignore_ascii_case(name))
                .map(Field::Trait)
        })
        .or_else(|| {
            config
                .eligibility
                .iter()
                .position(|c| c.id.eq_ignore_ascii_case(name))
                .map(Field::Criterion)
        })
}

/// Every field `--map` accepts, for error messages.
pub fn valid_fields(config: &Config) -> String {
    PLAIN_FIELDS
        .iter()
        .map(|(n, _)| n.to_string())
        .chain(config.cohort.characteristics.iter().cloned())
        .chain(config.eligibility.iter().map(|c| c.id.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Split `--map 'Header=field'` at its last `=`.
pub fn parse_map(text: &str) -> Result<(String, String), String> {
    match text.rsplit_once('=') {
        Some((h, f)) if !h.trim().is_empty() && !f.trim().is_empty() => {
            Ok((h.trim().to_string(), f.trim().to_string()))
        }
        _ => Err(format!(
            "\"{text}\" is not a mapping: write 'Header in the file=field', like 'What is your department?=department'"
        )),
    }
}

/// Where each column of an import goes.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub fields: Vec<Field>,
}

impl Mapping {
    /// Whether a column holds the name (or the first and last names).
    pub fn has_name(&self) -> bool {
        let has = |f: Field| self.fields.contains(&f);
        has(Field::Name) || has(Field::FirstName) && has(Field::LastName)
    }
}

/// What a spreadsheet's columns are placed on: an enrolment's fields, a survey's questions.
pub trait Target: Copy + PartialEq {
    /// A column to skip.
    const IGNORE: Self;
    /// What a target is called in messages: "field", "question".
    const NOUN: &'static str;
    /// How a column that fits nothing is described: "a field revmentor knows".
    const UNKNOWN: &'static str;
    /// The name `--map` gives the target.
    fn name(self, config: &Config) -> String;
    /// The target `--map 'Header=NAME'` names.
    fn parse(name: &str, config: &Config) -> Option<Self>;
    /// The target a header names on its own.
    fn recognise(header: &str, config: &Config) -> Option<Self>;
    /// Every name `--map` accepts, for messages.
    fn valid(config: &Config) -> String;
}

impl Target for Field {
    const IGNORE: Self = Field::Ignore;
    const NOUN: &'static str = "field";
    const UNKNOWN: &'static str = "a field revmentor knows";
    fn name(self, config: &Config) -> String {
        field_name(self, config)
    }
    fn parse(name: &str, config: &Config) -> Option<Self> {
        parse_field(name, config)
    }
    fn recognise(header: &str, config: &Config) -> Option<Self> {
        recognise(header, config)
    }
    fn valid(config: &Config) -> String {
        valid_fields(config)
    }
}

/// Place every column of a spreadsheet: `--map` first, then `--ignore-column`, then what the
/// header says on its own. Every column that fits nothing, every `--map` or `--ignore-column` that
/// names no column, and every target two columns claim is returned as a problem, beside the
/// placement (a column that fits nothing is placed on `T::IGNORE`).
pub fn place_columns<T: Target>(
    file: &str,
    headers: &[String],
    config: &Config,
    maps: &[(String, String)],
    ignore: &[String],
) -> (Vec<T>, Vec<String>) {
    let mut problems = Vec::new();
    let find = |h: &str| {
        headers
            .iter()
            .position(|x| x.trim().eq_ignore_ascii_case(h.trim()))
    };
    let mut chosen: Vec<Option<T>> = vec![None; headers.len()];
    for (header, target) in maps {
        match (find(header), T::parse(target, config)) {
            (None, _) => problems.push(format!(
                "{file}: --map names column \"{header}\", which is not in the header (columns: {})",
                headers.join(", ")
            )),
            (_, None) => problems.push(format!(
                "--map '{header}={target}': \"{target}\" is not {}; valid: {}",
                T::UNKNOWN,
                T::valid(config)
            )),
            (Some(i), Some(t)) => chosen[i] = Some(t),
        }
    }
    for header in ignore {
        match find(header) {
            Some(i) => chosen[i] = Some(T::IGNORE),
            None => problems.push(format!(
                "{file}: --ignore-column names \"{header}\", which is not in the header (columns: {})",
                headers.join(", ")
            )),
        }
    }
    for (i, header) in headers.iter().enumerate() {
        if chosen[i].is_none() {
            chosen[i] = T::recognise(header, config);
            if chosen[i].is_none() {
                problems.push(format!(
                    "{file}:1: column \"{header}\" is not {}: map it with --map '{header}={}' (valid: {}) or skip it with --ignore-column '{header}'",
                    T::UNKNOWN,
                    T::NOUN.to_uppercase(),
                    T::valid(config)
                ));
            }
        }
    }
    for (i, target) in chosen.iter().enumerate() {
        let Some(target) = target else { continue };
        if *target == T::IGNORE {
            continue;
        }
        if let Some(j) = chosen[..i].iter().position(|t| t.as_ref() == Some(target)) {
            problems.push(format!(
                "{file}:1: columns \"{}\" and \"{}\" both look like the {} {}: --map one of them to another {} or --ignore-column it",
                headers[j],
                headers[i],
                target.name(config),
                T::NOUN,
                T::NOUN
            ));
        }
    }
    let placed = chosen.into_iter().map(|t| t.unwrap_or(T::IGNORE)).collect();
    (placed, problems)
}

/// Place every header of an enrolment import on a field; an email and a name must be among them.
pub fn map_headers(
    file: &str,
    headers: &[String],
    config: &Config,
    maps: &[(String, String)],
    ignore: &[String],
) -> Result<Mapping, Vec<String>> {
    map_columns(file, headers, config, maps, ignore, false)
}

/// Like [`map_headers`]; with `names_optional` (an `--update` import) a sheet without a name
/// column is fine: it updates other fields of people already enrolled.
pub fn map_columns(
    file: &str,
    headers: &[String],
    config: &Config,
    maps: &[(String, String)],
    ignore: &[String],
    names_optional: bool,
) -> Result<Mapping, Vec<String>> {
    let (fields, mut problems) = place_columns::<Field>(file, headers, config, maps, ignore);
    let has = |f: Field| fields.contains(&f);
    if !has(Field::Email) {
        problems.push(format!(
            "{file}:1: no column holds the email address: --map 'HEADER=email'"
        ));
    }
    let mapping = Mapping { fields };
    if !names_optional && !mapping.has_name() {
        problems.push(format!(
            "{file}:1: no column holds the name (a name column, or first and last name columns): --map 'HEADER=name'"
        ));
    }
    if problems.is_empty() {
        Ok(mapping)
    } else {
        Err(problems)
    }
}

/// Where an applicant came from: a file's row, the command line or the prompts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub source: String,
    pub line: Option<usize>,
}

impl Origin {
    pub fn row(file: &str, line: usize) -> Origin {
        Origin {
            source: file.to_string(),
            line: Some(line),
        }
    }

    pub fn named(source: &str) -> Origin {
        Origin {
            source: source.to_string(),
            line: None,
        }
    }

    /// Whether it is a file's row (an import), not flags or prompts.
    pub fn is_file(&self) -> bool {
        self.line.is_some()
    }

    /// A problem with the applicant from here.
    pub fn problem(&self, message: impl Into<String>) -> crate::problems::Problem {
        crate::problems::Problem::new(&self.source, self.line, message)
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.source),
            None => f.write_str(&self.source),
        }
    }
}

/// One person to enrol or update, from a row, the flags or the prompts. `None`: not given (an update
/// leaves that field as it was).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applicant {
    /// Where it came from, for messages: `applications.csv:7`, `the command line`.
    pub origin: Origin,
    pub role: Option<Role>,
    pub name: Option<String>,
    pub email: String,
    pub department: Option<String>,
    pub grade: Option<String>,
    pub manager: Option<String>,
    pub conflicts: Option<Vec<String>>,
    /// Topics from `[evaluation] topics` (see [`Field::Interests`]).
    pub interests: Option<Vec<String>>,
    /// One per characteristic of the cohort.
    pub traits: Vec<Option<String>>,
    /// Answers to eligibility questions, by criterion index.
    pub answers: Vec<(usize, YesNo)>,
    /// Eligibility questions to answer again (they changed since an earlier cohort), by id.
    pub answer_again: Vec<String>,
}

/// Read a manager cell: an email (kept lower-case), a participant id, or a name as typed (turned
/// into the email of the one person it names by [`crate::enrolment::resolve_managers`]).
pub fn check_manager(value: &str) -> Result<String, String> {
    let v = value.trim();
    let email = normalise_email(v);
    if is_email(&email) {
        Ok(email)
    } else if v.contains('@') {
        Err(format!(
            "\"{v}\" is not an email address (the line manager's email, like name@domain, their id, their name, or empty)"
        ))
    } else {
        Ok(v.to_string())
    }
}

/// Check topic tags (or their wording: "Power and hierarchies") against a cohort's list
/// (`[evaluation] topics`); returns them in the list's spelling, each once.
pub fn topics(valid: &[String], given: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for t in given {
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        match valid
            .iter()
            .find(|v| v.eq_ignore_ascii_case(t) || normalise(v) == normalise(t))
        {
            Some(v) if !out.contains(v) => out.push(v.clone()),
            Some(_) => {}
            None => unknown.push(t.to_string()),
        }
    }
    if unknown.is_empty() {
        Ok(out)
    } else {
        Err(format!(
            "unknown topic{} {}: valid topics (from [evaluation] topics in cohort.toml) are {}",
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", "),
            valid.join(", ")
        ))
    }
}

/// Split a conflicts cell: ids or emails separated by `;` or `,`.
pub fn split_list(value: &str) -> Vec<String> {
    value
        .split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Read every row of an import into applicants, or every problem found (file, line, column, value,
/// what is valid). Rows with the same email (case and spaces ignored) are a problem too.
pub fn read_rows(
    file: &str,
    sheet: &Sheet,
    mapping: &Mapping,
    default_role: Option<Role>,
    config: &Config,
) -> Result<Vec<Applicant>, Vec<String>> {
    let rows = sheet.rows.iter().cloned().map(Ok);
    read_stream(file, &sheet.headers, rows, mapping, default_role, config)
}

/// One row as an applicant; each problem with the row is added to `problems`.
fn applicant(
    file: &str,
    headers: &[String],
    row: &crate::csvio::Row,
    mapping: &Mapping,
    default_role: Option<Role>,
    config: &Config,
    problems: &mut Vec<String>,
) -> Applicant {
    let n_traits = config.cohort.characteristics.len();
    let topic_list = &config.evaluation.topics;
    let at = |h: usize| format!("{file}:{}: column \"{}\"", row.line, headers[h]);
    let mut a = Applicant {
        origin: Origin::row(file, row.line),
        traits: vec![None; n_traits],
        ..Applicant::default()
    };
    let mut first = String::new();
    let mut last = String::new();
    let mut raw_answers = Vec::new();
    let mut bad_role = false;
    for (h, field) in mapping.fields.iter().enumerate() {
        let raw = row.cell(h);
        let value = raw.trim();
        match field {
            Field::Ignore => {}
            Field::Role => {
                if !value.is_empty() {
                    match Role::parse(value) {
                        Some(r) => a.role = Some(r),
                        None => {
                            bad_role = true;
                            problems.push(format!(
                                "{}: \"{value}\" is not a role (expected mentor or mentee)",
                                at(h)
                            ));
                        }
                    }
                }
            }
            Field::Name => a.name = Some(value.to_string()),
            Field::FirstName => first = value.to_string(),
            Field::LastName => last = value.to_string(),
            Field::Email => {
                let email = normalise_email(value);
                if !is_email(&email) {
                    problems.push(format!(
                        "{}: \"{value}\" is not an email address (expected name@domain)",
                        at(h)
                    ));
                }
                a.email = email;
            }
            Field::Department => a.department = Some(value.to_string()),
            Field::Grade => a.grade = Some(value.to_string()),
            Field::Manager => match check_manager(value) {
                Ok(m) => a.manager = Some(m),
                Err(e) => problems.push(format!("{}: {e}", at(h))),
            },
            Field::Conflicts => a.conflicts = Some(split_list(value)),
            Field::Interests => match topics(topic_list, &split_list(value)) {
                Ok(t) => a.interests = Some(t),
                Err(e) => problems.push(format!("{}: {e}", at(h))),
            },
            Field::Trait(i) => a.traits[*i] = Some(value.to_string()),
            Field::Criterion(i) => raw_answers.push((*i, h, value)),
        }
    }
    if a.name.is_none() && (!first.is_empty() || !last.is_empty()) {
        a.name = Some(format!("{first} {last}").trim().to_string());
    }
    if mapping.has_name() && a.name.as_deref().unwrap_or("").is_empty() {
        problems.push(format!(
            "{file}:{}: the name is empty: every participant needs a name",
            row.line
        ));
    }
    if a.role.is_none() {
        a.role = default_role;
    }
    if a.role.is_none() && !bad_role {
        problems.push(format!(
            "{file}:{}: no role: add a role column (mentor or mentee) or pass --role",
            row.line
        ));
    }
    // Eligibility questions are for mentors; a leader's answers (if any) are not read.
    if a.role == Some(Role::Mentor) {
        for (i, h, value) in raw_answers {
            match YesNo::parse(value) {
                Some(answer) => a.answers.push((i, answer)),
                None => problems.push(format!(
                    "{}: \"{value}\" is not an answer (expected Yes or No)",
                    at(h)
                )),
            }
        }
    }
    a
}

/// [`read_stream`], returning the applicants read and every problem found, so that later steps
/// (managers named by name) can add theirs and every problem is reported in one run.
pub fn read_all(
    file: &str,
    headers: &[String],
    rows: impl Iterator<Item = Result<crate::csvio::Row, crate::csvio::CsvError>>,
    mapping: &Mapping,
    default_role: Option<Role>,
    config: &Config,
) -> (Vec<Applicant>, Vec<String>) {
    let mut problems = Vec::new();
    let applicants = read_into(
        file,
        headers,
        rows,
        mapping,
        default_role,
        config,
        &mut problems,
    );
    (applicants, problems)
}

/// [`read_rows`] over rows as they are read (one row in memory at a time, not the whole sheet).
pub fn read_stream(
    file: &str,
    headers: &[String],
    rows: impl Iterator<Item = Result<crate::csvio::Row, crate::csvio::CsvError>>,
    mapping: &Mapping,
    default_role: Option<Role>,
    config: &Config,
) -> Result<Vec<Applicant>, Vec<String>> {
    let (applicants, problems) = read_all(file, headers, rows, mapping, default_role, config);
    if problems.is_empty() {
        Ok(applicants)
    } else {
        Err(problems)
    }
}

fn read_into(
    file: &str,
    headers: &[String],
    rows: impl Iterator<Item = Result<crate::csvio::Row, crate::csvio::CsvError>>,
    mapping: &Mapping,
    default_role: Option<Role>,
    config: &Config,
    problems: &mut Vec<String>,
) -> Vec<Applicant> {
    let mut applicants = Vec::new();
    let mut seen: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let ragged = e.message.contains(crate::csvio::RAGGED);
                problems.push(e.to_string());
                if ragged {
                    continue;
                }
                break;
            }
        };
        let a = applicant(file, headers, &row, mapping, default_role, config, problems);
        if !a.email.is_empty() {
            if let Some(first_line) = seen.get(&a.email) {
                problems.push(format!(
                    "{file}:{}: email {} is already on line {first_line} of this file (emails are compared ignoring case and spaces): remove one row",
                    row.line, a.email
                ));
            } else {
                seen.insert(a.email.clone(), row.line);
            }
        }
        applicants.push(a);
    }
    if applicants.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{file}: has a header but no rows: nothing to import"
        ));
    }
    applicants
}
