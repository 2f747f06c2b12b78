//! `cohort.toml`: the cohort's settings, read strictly (every misspelt key, wrong type and value
//! out of range is reported at once, each with its line), and the commented template `init` writes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::model::{DEFAULT_CHARACTERISTICS, Role};
use crate::problems::Problem;

/// The longest cadence window, in weeks.
pub const MAX_CADENCE_WEEKS: u32 = 52;
/// The highest weight a field may have in `[matching.weights]`.
pub const MAX_WEIGHT: f64 = 100.0;
/// The most mentees one mentor may take.
pub const MAX_CAPACITY: i64 = 100;
/// The longest a one-to-one may be set to last, in minutes.
pub const MAX_SESSION_MINUTES: u32 = 600;
/// The largest `min_group` for disclosure control.
pub const MAX_MIN_GROUP: u32 = 100;
/// The most working days a cancelled one-to-one's replacement may be planned within.
pub const MAX_REPLACEMENT_DAYS: u32 = 60;

/// Every setting of a cohort, with the defaults a freshly written `cohort.toml` shows.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub cohort: CohortSettings,
    #[serde(default)]
    pub cadence: Cadence,
    #[serde(default)]
    pub calendar: Calendar,
    #[serde(default)]
    pub matching: Matching,
    #[serde(default)]
    pub privacy: Privacy,
    #[serde(default = "default_eligibility")]
    pub eligibility: Vec<Criterion>,
    #[serde(default)]
    pub evaluation: Evaluation,
    #[serde(default)]
    pub characteristics: Characteristics,
    #[serde(default)]
    pub messages: Messages,
}

/// `[characteristics]`: how the self-declared answers are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Characteristics {
    /// `[characteristics.values]`: per characteristic, each answer and the other spellings that
    /// mean it (`gender = { Woman = ["Female", "F"] }`). See `cohort::vocabulary`.
    pub values: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CohortSettings {
    #[serde(default)]
    pub title: String,
    #[serde(deserialize_with = "toml_date")]
    pub start: NaiveDate,
    #[serde(deserialize_with = "toml_date")]
    pub end: NaiveDate,
    #[serde(default = "yes")]
    pub recruiting: bool,
    #[serde(default = "default_characteristics")]
    pub characteristics: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Cadence {
    pub min_weeks: u32,
    pub max_weeks: u32,
    pub session_minutes: u32,
    pub first_within_weeks: u32,
    /// After a cancellation, the replacement falls within this many working days of its record.
    pub replacement_within_days: u32,
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence {
            min_weeks: 6,
            max_weeks: 8,
            session_minutes: 60,
            first_within_weeks: 2,
            replacement_within_days: 10,
        }
    }
}

impl Cadence {
    /// Shortest gap between one-to-ones, in days.
    pub fn min_days(&self) -> i64 {
        i64::from(self.min_weeks) * 7
    }

    /// Longest gap between one-to-ones, in days: a pair past it is overdue.
    pub fn max_days(&self) -> i64 {
        i64::from(self.max_weeks) * 7
    }

    /// The gap aimed at: the middle of the window, rounded down (49 days for 6..8 weeks).
    pub fn target_days(&self) -> i64 {
        (self.min_days() + self.max_days()) / 2
    }

    /// Length of the first meeting's window, in days.
    pub fn first_days(&self) -> i64 {
        i64::from(self.first_within_weeks) * 7
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Calendar {
    pub timezone: String,
    pub meeting_time: String,
    /// The coordinator's email: calendar invitations are sent from it (empty: not set).
    pub organizer: String,
    pub closure: Vec<Closure>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            timezone: "Europe/London".into(),
            meeting_time: "10:00".into(),
            organizer: String::new(),
            closure: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Closure {
    #[serde(deserialize_with = "toml_date")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "toml_date")]
    pub to: NaiveDate,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SameDepartment {
    Forbid,
    Allow,
}

/// `[matching] repeat_pairs`: whether a leader may be paired again with a mentor they were paired
/// with in an earlier cohort under the same root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RepeatPairs {
    #[default]
    Forbid,
    Allow,
}

/// Which of the pairings with the most mentees matched and the highest total score is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// Any of them (the solver's first).
    Total,
    /// The one whose lowest pair score is highest.
    #[default]
    Fair,
}

/// The weight key for shared interests (a topic a mentee wants to learn about and the mentor will
/// share), beside the characteristics and `department`.
pub const INTERESTS: &str = "interests";

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Matching {
    pub require_briefing: bool,
    pub same_department: SameDepartment,
    pub mentor_capacity: i64,
    pub objective: Objective,
    pub repeat_pairs: RepeatPairs,
    pub weights: BTreeMap<String, f64>,
}

impl Default for Matching {
    fn default() -> Self {
        Matching {
            require_briefing: true,
            same_department: SameDepartment::Forbid,
            mentor_capacity: 1,
            objective: Objective::default(),
            repeat_pairs: RepeatPairs::default(),
            weights: default_weights(&default_characteristics()),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Privacy {
    pub min_group: u32,
    /// Round protected counts in the summary to a multiple of this (0 or 1: not rounded).
    pub rounding: u32,
    /// How long after the cohort's end its personal data is kept: then `revmentor purge` erases
    /// it (and `status` says so until it has).
    pub retain_months: u32,
    /// When `revmentor purge` erased the cohort's personal data (written by it); a purged cohort
    /// is read, never changed.
    #[serde(deserialize_with = "toml_date_opt")]
    pub purged_on: Option<NaiveDate>,
}

/// The longest retention, in months (50 years).
pub const MAX_RETAIN_MONTHS: u32 = 600;

impl Privacy {
    /// The last day a cohort ending on `end` keeps its personal data (`None`: past the calendar).
    pub fn retain_until(&self, end: NaiveDate) -> Option<NaiveDate> {
        end.checked_add_months(chrono::Months::new(self.retain_months))
    }
}

/// The largest rounding base.
pub const MAX_ROUNDING: u32 = 100;

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            min_group: 5,
            rounding: 0,
            retain_months: 24,
            purged_on: None,
        }
    }
}

/// How `notify` writes and sends messages: the sender, the organisation's SMTP relay (the password
/// only ever from the environment variable named here), and when pairs are reminded and chased.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Messages {
    /// The From of every message: `Name <address>` or an address.
    pub sender: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: TlsMode,
    /// The relay's login; empty: no login.
    pub smtp_user: String,
    /// The name of the environment variable holding the relay's password.
    pub smtp_password_env: String,
    /// Who is told when a pair is chased a second time for the same lapse.
    pub escalate_to: String,
    pub chase_every_days: u32,
    pub remind_within_days: u32,
    pub baseline_survey_link: String,
    pub final_survey_link: String,
    /// The group evaluation session's date, when briefings.csv has no evaluation session.
    #[serde(deserialize_with = "toml_date_opt")]
    pub evaluation_date: Option<NaiveDate>,
    /// Start time of briefings and the evaluation session in invitations (`HH:MM`).
    pub session_time: String,
}

impl Default for Messages {
    fn default() -> Self {
        Messages {
            sender: String::new(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: TlsMode::Starttls,
            smtp_user: String::new(),
            smtp_password_env: "REVMENTOR_SMTP_PASSWORD".into(),
            escalate_to: String::new(),
            chase_every_days: 14,
            remind_within_days: 7,
            baseline_survey_link: String::new(),
            final_survey_link: String::new(),
            evaluation_date: None,
            session_time: "10:00".into(),
        }
    }
}

/// How the connection to the SMTP relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain text: only for a relay on this machine.
    None,
    /// Plain text upgraded by STARTTLS, which the relay must offer (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// The most days between two chasers of one lapse, and ahead a reminder may go.
pub const MAX_MESSAGE_DAYS: u32 = 365;

/// One requirement of the scheme a mentor's application must meet.
#[derive(Debug, Clone, Deserialize)]
pub struct Criterion {
    pub id: String,
    pub question: String,
    pub required: YesNo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum YesNo {
    Yes,
    No,
}

impl YesNo {
    pub fn as_str(self) -> &'static str {
        match self {
            YesNo::Yes => "yes",
            YesNo::No => "no",
        }
    }

    /// "Yes"/"No" in any case, with spaces trimmed; `y`/`n` too.
    pub fn parse(text: &str) -> Option<YesNo> {
        match text.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" => Some(YesNo::Yes),
            "no" | "n" => Some(YesNo::No),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Evaluation {
    pub topics: Vec<String>,
    pub question: Vec<Question>,
}

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation {
            topics: DEFAULT_TOPICS.iter().map(|t| t.to_string()).collect(),
            question: default_questions(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub roles: Vec<Role>,
    #[serde(default = "five")]
    pub scale: u32,
}

/// Topic tags for `log --topics`, from the issues the first cohort discussed.
pub const DEFAULT_TOPICS: &[&str] = &[
    "experiences-and-perspectives",
    "sexism-and-racism",
    "lgbtq-and-disability",
    "black-lives-matter",
    "power-and-hierarchies",
    "organisational-culture",
];

const DEFAULT_CRITERIA: &[(&str, &str, YesNo)] = &[
    (
        "commitment",
        "Can you commit time and be flexible in your availability?",
        YesNo::Yes,
    ),
    (
        "briefing",
        "Have you attended the mentor briefing, or are you willing to do so?",
        YesNo::Yes,
    ),
    (
        "conflict_of_interest",
        "Do you have any current conflict of interest with the organisation or its senior leadership team?",
        YesNo::No,
    ),
];

const DEFAULT_QUESTIONS: &[(&str, &str, Role)] = &[
    (
        "confidence_race",
        "I feel confident talking about race and other challenging conversations",
        Role::Mentee,
    ),
    (
        "awareness",
        "I am aware of the experiences and perspectives of colleagues different from me",
        Role::Mentee,
    ),
    (
        "intersectionality",
        "I understand intersectionality and the complexity of sub-cultures and sub-communities",
        Role::Mentee,
    ),
    (
        "heard",
        "I feel my voice is heard and valued by senior leaders",
        Role::Mentor,
    ),
    (
        "leadership_insight",
        "I have insight into how senior leaders make decisions",
        Role::Mentor,
    ),
    (
        "empowered",
        "I feel empowered to contribute to change in the organisation",
        Role::Mentor,
    ),
];

fn yes() -> bool {
    true
}

fn five() -> u32 {
    5
}

fn default_characteristics() -> Vec<String> {
    DEFAULT_CHARACTERISTICS
        .iter()
        .map(|c| c.to_string())
        .collect()
}

fn default_weights(characteristics: &[String]) -> BTreeMap<String, f64> {
    let mut weights: BTreeMap<String, f64> =
        characteristics.iter().map(|c| (c.clone(), 1.0)).collect();
    weights.insert("department".into(), 0.5);
    weights
}

fn default_eligibility() -> Vec<Criterion> {
    DEFAULT_CRITERIA
        .iter()
        .map(|(id, question, required)| Criterion {
            id: id.to_string(),
            question: question.to_string(),
            required: *required,
        })
        .collect()
}

fn default_questions() -> Vec<Question> {
    DEFAULT_QUESTIONS
        .iter()
        .map(|(id, text, role)| Question {
            id: id.to_string(),
            text: text.to_string(),
            roles: vec![*role],
            scale: 5,
        })
        .collect()
}

/// A TOML local date (`start = 2020-01-13`), and nothing else.
fn toml_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    use serde::de::Error;
    let value = toml::value::Datetime::deserialize(d)?;
    match (value.date, value.time, value.offset) {
        (Some(date), None, None) => {
            NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
                .ok_or_else(|| D::Error::custom(format!("{value} is not a date in the calendar")))
        }
        _ => Err(D::Error::custom(format!(
            "expected a date like 2020-01-13, without a time, found {value}"
        ))),
    }
}

/// An optional TOML local date.
fn toml_date_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    toml_date(d).map(Some)
}

/// The 1-based line of a byte offset in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn problem(
    text: &str,
    span: Option<std::ops::Range<usize>>,
    message: impl Into<String>,
) -> Problem {
    Problem::new(
        crate::cohort::CONFIG_FILE,
        span.map(|s| line_of(text, s.start)),
        message,
    )
}

/// The field names of a struct, as serde sees them (for "did you mean" and "valid keys").
fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Capture(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Capture {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut capture = Capture(None);
    let _ = T::deserialize(&mut capture);
    capture.0.unwrap_or(&[])
}

/// The closest of `options` to a misspelt `word`, if one is close.
fn suggest<'a>(word: &str, options: &[&'a str]) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    }
    options
        .iter()
        .map(|o| (distance(word, o), *o))
        .filter(|(d, o)| *d <= 2.max(o.len() / 3))
        .min()
        .map(|(_, o)| o)
}

/// The span of the key at `path` (dot-separated, array indexes as numbers) under `value`.
fn key_span(value: &toml::de::DeValue, path: &[&str]) -> Option<std::ops::Range<usize>> {
    let (first, rest) = path.split_first()?;
    match value {
        toml::de::DeValue::Table(t) => {
            let (key, v) = t.iter().find(|(k, _)| k.get_ref().as_ref() == *first)?;
            if rest.is_empty() {
                Some(key.span())
            } else {
                key_span(v.get_ref(), rest).or(Some(key.span()))
            }
        }
        toml::de::DeValue::Array(a) => {
            let i: usize = first.parse().ok()?;
            let v = a.get(i)?;
            if rest.is_empty() {
                Some(v.span())
            } else {
                key_span(v.get_ref(), rest).or(Some(v.span()))
            }
        }
        _ => None,
    }
}

/// Deserialize one section, reporting its unknown keys (with a suggestion) and its type errors.
fn section<'de, T: Deserialize<'de>>(
    text: &str,
    name: &str,
    value: toml::Spanned<toml::de::DeValue<'de>>,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let mut unknown = Vec::new();
    let root = value.get_ref().clone();
    let de = toml::de::ValueDeserializer::from(value);
    let result: Result<T, _> =
        serde_ignored::deserialize(de, |path| unknown.push(path.to_string()));
    for path in unknown {
        let parts: Vec<&str> = path.split('.').collect();
        let key = parts.last().copied().unwrap_or_default();
        let fields = fields_of::<T>();
        let hint = match suggest(key, fields) {
            Some(s) if parts.len() == 1 => format!("did you mean `{s}`?"),
            _ if parts.len() == 1 && !fields.is_empty() => {
                format!("valid settings: {}", fields.join(", "))
            }
            _ => "check its spelling against the template `init` writes".to_string(),
        };
        problems.push(problem(
            text,
            key_span(&root, &parts),
            format!("[{name}] has no setting `{path}`: {hint}"),
        ));
    }
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            let message = e.message().trim_end().to_string();
            let hint = if message.contains("expected a date") || message.contains("datetime") {
                " (dates are TOML dates, written without quotes: start = 2020-01-13)"
            } else {
                ""
            };
            // The key of the line the error points at, so the message names the setting.
            let key = e
                .span()
                .and_then(|span| text.lines().nth(line_of(text, span.start) - 1))
                .and_then(|line| line.split_once('='))
                .map(|(k, _)| k.trim())
                .filter(|k| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .map(|k| format!(" {k}:"))
                .unwrap_or_default();
            problems.push(problem(
                text,
                e.span(),
                format!("[{name}]{key} {message}{hint}"),
            ));
            None
        }
    }
}

impl Config {
    /// Parse and check `cohort.toml`. Every problem is returned at once, each with its line where
    /// there is one (from the TOML parser) or the setting's name, and what would be valid.
    pub fn parse(text: &str) -> Result<Config, Vec<Problem>> {
        let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            return Err(errors
                .iter()
                .map(|e| problem(text, e.span(), e.message().trim_end().to_string()))
                .collect());
        }
        let mut problems = Vec::new();
        let sections = fields_of::<Config>();
        let mut config = Config {
            cohort: CohortSettings {
                title: String::new(),
                start: NaiveDate::MIN,
                end: NaiveDate::MIN,
                recruiting: true,
                characteristics: default_characteristics(),
            },
            cadence: Cadence::default(),
            calendar: Calendar::default(),
            matching: Matching::default(),
            privacy: Privacy::default(),
            eligibility: default_eligibility(),
            evaluation: Evaluation::default(),
            characteristics: Characteristics::default(),
            messages: Messages::default(),
        };
        let mut has_cohort = false;
        for (key, value) in doc.into_inner() {
            let name = key.get_ref().to_string();
            let p = &mut problems;
            match name.as_str() {
                "cohort" => {
                    if let Some(v) = section(text, &name, value, p) {
                        config.cohort = v;
                        has_cohort = true;
                    } else {
                        has_cohort = true;
                    }
                }
                "cadence" => config.cadence = section(text, &name, value, p).unwrap_or_default(),
                "calendar" => config.calendar = section(text, &name, value, p).unwrap_or_default(),
                "matching" => config.matching = section(text, &name, value, p).unwrap_or_default(),
                "privacy" => config.privacy = section(text, &name, value, p).unwrap_or_default(),
                "eligibility" => {
                    config.eligibility =
                        section(text, &name, value, p).unwrap_or_else(default_eligibility);
                }
                "evaluation" => {
                    config.evaluation = section(text, &name, value, p).unwrap_or_default();
                }
                "characteristics" => {
                    config.characteristics = section(text, &name, value, p).unwrap_or_default();
                }
                "messages" => config.messages = section(text, &name, value, p).unwrap_or_default(),
                other => {
                    let hint = match suggest(other, sections) {
                        Some(s) => format!("did you mean [{s}]?"),
                        None => format!("valid sections: {}", sections.join(", ")),
                    };
                    problems.push(problem(
                        text,
                        Some(key.span()),
                        format!("there is no section [{other}]: {hint}"),
                    ));
                }
            }
        }
        if !has_cohort {
            problems.push(problem(
                text,
                None,
                "there is no [cohort] section: it needs at least start and end dates (start = 2020-01-13)",
            ));
        }
        if problems.is_empty() {
            config.check(&mut problems);
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    fn check(&self, problems: &mut Vec<Problem>) {
        let mut bad = |message: String| problems.push(problem("", None, message));
        self.check_cohort(&mut bad);
        self.check_matching(&mut bad);
        for message in crate::cohort::vocabulary::check(self) {
            bad(message);
        }
        self.check_calendar(&mut bad);
        self.check_questions(&mut bad);
    }

    /// Dates, title, cadence, session length, characteristics.
    fn check_cohort(&self, bad: &mut impl FnMut(String)) {
        let c = &self.cohort;
        if c.end <= c.start {
            bad(format!(
                "[cohort] end = {} is not after start = {}: the cohort must end after it starts",
                c.end, c.start
            ));
        }
        for (what, value) in [("title", c.title.as_str())] {
            if let Err(e) = crate::text::check(value, crate::text::Kind::Short) {
                bad(format!("[cohort] {what} {e}"));
            }
        }
        if let Err(e) = check_cadence(self.cadence.min_weeks, self.cadence.max_weeks) {
            bad(format!("[cadence] {e}"));
        }
        if !(1..=MAX_CADENCE_WEEKS).contains(&self.cadence.first_within_weeks) {
            bad(format!(
                "[cadence] first_within_weeks = {}: the first one-to-one falls within 1 to {MAX_CADENCE_WEEKS} weeks of a pair's confirmation (default 2)",
                self.cadence.first_within_weeks,
            ));
        }
        if !(1..=MAX_REPLACEMENT_DAYS).contains(&self.cadence.replacement_within_days) {
            bad(format!(
                "[cadence] replacement_within_days = {}: a cancelled one-to-one is replaced within 1 to {MAX_REPLACEMENT_DAYS} working days (default 10)",
                self.cadence.replacement_within_days,
            ));
        }
        let organizer = &self.calendar.organizer;
        if !organizer.is_empty()
            && (!crate::model::is_email(organizer.trim())
                || crate::text::check(organizer, crate::text::Kind::Email).is_err())
        {
            bad(format!(
                "[calendar] organizer = \"{}\": not an email address; write the email invitations come from, like \"coordinator@example.org\"",
                crate::text::terminal_safe(organizer, false)
            ));
        }
        if !(1..=MAX_SESSION_MINUTES).contains(&self.cadence.session_minutes) {
            bad(format!(
                "[cadence] session_minutes = {}: a one-to-one lasts 1 to {MAX_SESSION_MINUTES} minutes (the scheme says at most 60)",
                self.cadence.session_minutes
            ));
        }
        for name in &c.characteristics {
            if !crate::model::is_identifier(name) {
                bad(format!(
                    "[cohort] characteristics: \"{name}\" is not a valid name: use lower-case letters, digits and _ (like sexual_orientation)"
                ));
            } else if crate::model::PARTICIPANT_FIELDS.contains(&name.as_str()) {
                bad(format!(
                    "[cohort] characteristics: \"{name}\" is a participant field, not a characteristic"
                ));
            }
        }
        for (i, name) in c.characteristics.iter().enumerate() {
            if c.characteristics[..i].contains(name) {
                bad(format!(
                    "[cohort] characteristics: \"{name}\" is listed twice"
                ));
            }
        }
    }

    /// Capacity and weights.
    fn check_matching(&self, bad: &mut impl FnMut(String)) {
        let c = &self.cohort;
        if !(1..=MAX_CAPACITY).contains(&self.matching.mentor_capacity) {
            bad(format!(
                "[matching] mentor_capacity = {}: each mentor takes 1 to {MAX_CAPACITY} mentees",
                self.matching.mentor_capacity
            ));
        }
        for (field, weight) in &self.matching.weights {
            if field != "department" && field != INTERESTS && !c.characteristics.contains(field) {
                bad(format!(
                    "[matching.weights] {field}: not a known field; valid: department, interests, {}",
                    c.characteristics.join(", ")
                ));
            }
            if !weight.is_finite() || !(0.0..=MAX_WEIGHT).contains(weight) {
                bad(format!(
                    "[matching.weights] {field} = {weight}: a weight is a number from 0 to {MAX_WEIGHT}"
                ));
            }
        }
    }

    /// Closures, time zone, meeting time.
    fn check_calendar(&self, bad: &mut impl FnMut(String)) {
        for closure in &self.calendar.closure {
            if closure.to < closure.from {
                bad(format!(
                    "[[calendar.closure]] from = {} to = {}: a closure ends on or after the day it starts",
                    closure.from, closure.to
                ));
            }
            if let Err(e) = crate::text::check(&closure.reason, crate::text::Kind::Short) {
                bad(format!("[[calendar.closure]] reason {e}"));
            }
        }
        if jiff::tz::TimeZone::get(&self.calendar.timezone).is_err() {
            bad(format!(
                "[calendar] timezone = \"{}\": not a time zone name; use an IANA name like \"Europe/London\"",
                self.calendar.timezone
            ));
        }
        if let Err(e) = self.calendar.start_time() {
            bad(e);
        }
    }

    /// Eligibility questions, topics, survey questions, privacy.
    fn check_questions(&self, bad: &mut impl FnMut(String)) {
        for criterion in &self.eligibility {
            if let Err(e) = crate::text::check(&criterion.question, crate::text::Kind::Note) {
                bad(format!(
                    "[[eligibility]] id = \"{}\": question {e}",
                    criterion.id
                ));
            }
        }
        for topic in &self.evaluation.topics {
            if let Err(e) = crate::text::check(topic, crate::text::Kind::Short) {
                bad(format!("[evaluation] topics: a topic {e}"));
            }
        }
        self.evaluation.check(bad);
        self.messages.check(bad);
        if !(1..=MAX_MIN_GROUP).contains(&self.privacy.min_group) {
            bad(format!(
                "[privacy] min_group = {}: use 1 to {MAX_MIN_GROUP} (default 5)",
                self.privacy.min_group
            ));
        }
        if !(1..=MAX_RETAIN_MONTHS).contains(&self.privacy.retain_months) {
            bad(format!(
                "[privacy] retain_months = {}: keep personal data from 1 to {MAX_RETAIN_MONTHS} months after the cohort's end (default 24)",
                self.privacy.retain_months
            ));
        }
        if self.privacy.rounding > MAX_ROUNDING {
            bad(format!(
                "[privacy] rounding = {}: round counts to a base from 1 to {MAX_ROUNDING} (5 as HESA publishes), or 0 for none",
                self.privacy.rounding
            ));
        }
    }
}

/// Names a survey column can be mapped to besides a question's id (`--map 'Header=quote'`).
pub const RESERVED_SURVEY_FIELDS: &[&str] = &["quote", "consent", "email", "ignore"];

impl Evaluation {
    /// Question ids are names (unique, not a reserved survey field), texts are given, scales 2 to 10.
    fn check(&self, bad: &mut impl FnMut(String)) {
        for (i, q) in self.question.iter().enumerate() {
            let at = format!("[[evaluation.question]] id = \"{}\"", q.id);
            if !crate::model::is_identifier(&q.id) {
                bad(format!(
                    "{at}: not a valid id: use lower-case letters, digits and _ (like confidence_race)"
                ));
            }
            if RESERVED_SURVEY_FIELDS.contains(&q.id.as_str()) {
                bad(format!(
                    "{at}: \"{}\" names a survey column of its own; choose another id",
                    q.id
                ));
            }
            if self.question[..i].iter().any(|other| other.id == q.id) {
                bad(format!("{at}: the id is used by two questions"));
            }
            if q.text.trim().is_empty() {
                bad(format!(
                    "{at}: text is empty: write the question as the survey asks it"
                ));
            } else if let Err(e) = crate::text::check(&q.text, crate::text::Kind::Note) {
                bad(format!("{at}: text {e}"));
            }
            if q.roles.is_empty() {
                bad(format!(
                    "{at}: roles is empty: use [\"mentor\"], [\"mentee\"] or both"
                ));
            }
            if !(2..=crate::model::MAX_SCALE).contains(&q.scale) {
                bad(format!(
                    "{at}: scale = {}: answers run from 1 to the scale, which is 2 to 10 (5 for Likert labels)",
                    q.scale
                ));
            }
        }
    }
}

/// The address of a sender written `Name <address>` or `address`, and its display name.
pub fn split_mailbox(text: &str) -> (String, String) {
    let t = text.trim();
    match (t.rfind('<'), t.ends_with('>')) {
        (Some(open), true) => (
            t[..open].trim().trim_matches('"').trim().to_string(),
            crate::model::normalise_email(&t[open + 1..t.len() - 1]),
        ),
        _ => (String::new(), crate::model::normalise_email(t)),
    }
}

/// A link people open from a message: `https://` (or `http://`), one line, no spaces.
fn check_link(link: &str) -> Result<(), String> {
    let ok = (link.starts_with("https://") || link.starts_with("http://"))
        && link.len() > "https://".len()
        && !link
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{}\" is not a link: write the survey's address, like \"https://forms.example/baseline\"",
            crate::text::terminal_safe(link, false)
        ))
    }
}

impl Messages {
    /// Every setting in range; addresses, links and the password variable's name well formed.
    fn check(&self, bad: &mut impl FnMut(String)) {
        for (key, value) in [
            ("sender", &self.sender),
            ("smtp_host", &self.smtp_host),
            ("smtp_user", &self.smtp_user),
            ("escalate_to", &self.escalate_to),
            ("baseline_survey_link", &self.baseline_survey_link),
            ("final_survey_link", &self.final_survey_link),
        ] {
            if let Err(e) = crate::text::check(value, crate::text::Kind::Note) {
                bad(format!("[messages] {key} {e}"));
            }
        }
        if !self.sender.trim().is_empty() {
            let (name, address) = split_mailbox(&self.sender);
            if !crate::model::is_email(&address) || name.contains(['<', '>', '"']) {
                bad(format!(
                    "[messages] sender = \"{}\": not an address; write \"Name <address>\" or an address, like \"Reverse mentoring <mentoring@northgate.example>\"",
                    self.sender
                ));
            }
        }
        if !self.escalate_to.trim().is_empty()
            && !crate::model::is_email(&crate::model::normalise_email(&self.escalate_to))
        {
            bad(format!(
                "[messages] escalate_to = \"{}\": not an email address (the coordinator told when a pair lapses again)",
                self.escalate_to
            ));
        }
        if self
            .smtp_host
            .chars()
            .any(|c| c.is_whitespace() || c == '/')
        {
            bad(format!(
                "[messages] smtp_host = \"{}\": write the relay's host name only, like \"smtp.northgate.example\"",
                self.smtp_host
            ));
        }
        if self.smtp_port == 0 {
            bad(
                "[messages] smtp_port = 0: use the relay's port (587 for starttls, 465 for tls)"
                    .into(),
            );
        }
        let env_ok = self
            .smtp_password_env
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
            && self
                .smtp_password_env
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !env_ok {
            bad(format!(
                "[messages] smtp_password_env = \"{}\": the name of an environment variable (upper-case letters, digits and _, like REVMENTOR_SMTP_PASSWORD); the password itself never goes in a file",
                self.smtp_password_env
            ));
        }
        if !(1..=MAX_MESSAGE_DAYS).contains(&self.chase_every_days) {
            bad(format!(
                "[messages] chase_every_days = {}: chase an overdue pair again after 1 to {MAX_MESSAGE_DAYS} days (default 14)",
                self.chase_every_days
            ));
        }
        if self.remind_within_days > MAX_MESSAGE_DAYS {
            bad(format!(
                "[messages] remind_within_days = {}: remind 0 to {MAX_MESSAGE_DAYS} days ahead (default 7)",
                self.remind_within_days
            ));
        }
        for (key, link) in [
            ("baseline_survey_link", &self.baseline_survey_link),
            ("final_survey_link", &self.final_survey_link),
        ] {
            if !link.is_empty()
                && let Err(e) = check_link(link)
            {
                bad(format!("[messages] {key} = {e}"));
            }
        }
        if chrono::NaiveTime::parse_from_str(self.session_time.trim(), "%H:%M").is_err() {
            bad(format!(
                "[messages] session_time = \"{}\": not a time of day; write HH:MM, like \"10:00\"",
                self.session_time
            ));
        }
    }

    /// The sender's display name and address.
    pub fn sender_mailbox(&self) -> (String, String) {
        split_mailbox(&self.sender)
    }

    /// `session_time` as a time of day (checked when the settings are read).
    pub fn session_start(&self) -> chrono::NaiveTime {
        chrono::NaiveTime::parse_from_str(self.session_time.trim(), "%H:%M")
            .unwrap_or(chrono::NaiveTime::MIN)
    }
}

impl Calendar {
    /// `meeting_time` as a time of day (`HH:MM`).
    pub fn start_time(&self) -> Result<chrono::NaiveTime, String> {
        chrono::NaiveTime::parse_from_str(self.meeting_time.trim(), "%H:%M").map_err(|_| {
            format!(
                "[calendar] meeting_time = \"{}\": not a time of day; write HH:MM, like \"10:00\"",
                self.meeting_time
            )
        })
    }

    /// The organizer's email, trimmed and lower-case; `None` when not set.
    pub fn organizer(&self) -> Option<String> {
        let o = crate::model::normalise_email(&self.organizer);
        (!o.is_empty()).then_some(o)
    }

    /// The time zone (checked when the settings are read).
    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.timezone)
            .or_else(|_| jiff::tz::TimeZone::get("Europe/London"))
            .unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

/// A cadence of `min..max` weeks is valid when 1 <= min <= max.
pub fn check_cadence(min: u32, max: u32) -> Result<(), String> {
    if min < 1 {
        return Err(format!(
            "min_weeks = {min}: meetings are at least 1 week apart (the scheme says 6-8)"
        ));
    }
    if max > MAX_CADENCE_WEEKS {
        return Err(format!(
            "max_weeks = {max}: at most {MAX_CADENCE_WEEKS} weeks between one-to-ones"
        ));
    }
    if min > max {
        return Err(format!(
            "min_weeks = {min} is more than max_weeks = {max}: the window is MIN-MAX weeks with MIN <= MAX"
        ));
    }
    Ok(())
}

/// `cohort.toml`'s text as a document that keeps its comments and layout when edited.
fn editable(text: &str) -> Result<toml_edit::DocumentMut, Vec<Problem>> {
    text.parse()
        .map_err(|e: toml_edit::TomlError| vec![problem(text, e.span(), e.message().to_string())])
}

/// A date as a TOML date (no time, no offset).
fn toml_date_value(d: NaiveDate) -> toml_edit::Datetime {
    toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: u16::try_from(chrono::Datelike::year(&d)).unwrap_or(0),
            month: u8::try_from(chrono::Datelike::month(&d)).unwrap_or(1),
            day: u8::try_from(chrono::Datelike::day(&d)).unwrap_or(1),
        }),
        time: None,
        offset: None,
    }
}

/// The cohort's settings text with `[privacy] purged_on` set to `on` (comments and layout kept).
pub fn mark_purged(text: &str, on: NaiveDate) -> Result<String, Vec<Problem>> {
    let mut doc = editable(text)?;
    if doc.get("privacy").is_none() {
        doc["privacy"] = toml_edit::table();
    }
    let mut value = toml_edit::Value::from(toml_date_value(on));
    value.decor_mut().set_suffix(
        "  # written by `revmentor purge`: the personal data is gone; the cohort is kept for its figures",
    );
    doc["privacy"]["purged_on"] = toml_edit::Item::Value(value);
    let text = doc.to_string();
    Config::parse(&text)?;
    Ok(text)
}

/// What `init --like` changes in the earlier cohort's settings.
pub struct LikeSettings<'a> {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub title: Option<&'a str>,
    pub cadence: Option<(u32, u32)>,
    pub session_minutes: Option<u32>,
}

/// A new cohort's `cohort.toml` made from an earlier one's text (its comments kept): new dates and
/// title, recruitment open, calendar closures that end before the new start left out; every other
/// setting copied. Returns the text and a line for each thing copied or left out.
pub fn like(text: &str, s: &LikeSettings) -> Result<(String, Vec<String>), Vec<Problem>> {
    use toml_edit::DocumentMut;
    let mut doc = editable(text)?;
    let date = toml_date_value;
    // Set a value, keeping the comment written beside the old one.
    let set = |doc: &mut DocumentMut, table: &str, key: &str, new: toml_edit::Value| {
        let mut new = new;
        if let Some(old) = doc
            .get(table)
            .and_then(|t| t.get(key))
            .and_then(toml_edit::Item::as_value)
        {
            *new.decor_mut() = old.decor().clone();
        }
        doc[table][key] = toml_edit::Item::Value(new);
    };
    let mut notes = Vec::new();
    // A purged cohort's mark is about that cohort, not its settings.
    if let Some(privacy) = doc
        .get_mut("privacy")
        .and_then(toml_edit::Item::as_table_like_mut)
    {
        privacy.remove("purged_on");
    }
    set(&mut doc, "cohort", "start", date(s.start).into());
    set(&mut doc, "cohort", "end", date(s.end).into());
    set(&mut doc, "cohort", "recruiting", true.into());
    match s.title {
        Some(t) => set(&mut doc, "cohort", "title", t.into()),
        None => notes.push("the title (pass --title to give the new cohort its own)".to_string()),
    }
    if let Some((min, max)) = s.cadence {
        set(&mut doc, "cadence", "min_weeks", i64::from(min).into());
        set(&mut doc, "cadence", "max_weeks", i64::from(max).into());
    }
    if let Some(m) = s.session_minutes {
        set(&mut doc, "cadence", "session_minutes", i64::from(m).into());
    }
    let (mut kept, mut dropped) = (0, 0);
    if let Some(closures) = doc
        .get_mut("calendar")
        .and_then(|c| c.get_mut("closure"))
        .and_then(toml_edit::Item::as_array_of_tables_mut)
    {
        closures.retain(|t| {
            let to = t
                .get("to")
                .and_then(toml_edit::Item::as_datetime)
                .and_then(|d| d.date)
                .and_then(|d| {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                });
            let ahead = to.is_none_or(|to| to >= s.start);
            if ahead {
                kept += 1;
            } else {
                dropped += 1;
            }
            ahead
        });
    }
    let text = doc.to_string();
    let config = Config::parse(&text)?;
    notes.extend(copied(&config, kept, dropped));
    Ok((text, notes))
}

/// What `init --like` copied, a line each.
fn copied(config: &Config, kept: usize, dropped: usize) -> Vec<String> {
    let mut notes = Vec::new();
    notes.push(format!(
        "cadence {}-{} weeks, sessions of at most {} minutes",
        config.cadence.min_weeks, config.cadence.max_weeks, config.cadence.session_minutes
    ));
    notes.push(format!(
        "{kept} calendar closure{} still ahead{}",
        if kept == 1 { "" } else { "s" },
        if dropped > 0 {
            format!(" ({dropped} already past left out)")
        } else {
            String::new()
        }
    ));
    notes.push(format!(
        "matching settings and {} weights",
        config.matching.weights.len()
    ));
    notes.push(format!(
        "{} eligibility question{}, {} survey question{}, {} topics",
        config.eligibility.len(),
        if config.eligibility.len() == 1 {
            ""
        } else {
            "s"
        },
        config.evaluation.question.len(),
        if config.evaluation.question.len() == 1 {
            ""
        } else {
            "s"
        },
        config.evaluation.topics.len()
    ));
    notes.push(format!(
        "characteristics ({}) and privacy settings",
        config.cohort.characteristics.join(", ")
    ));
    notes
}

/// Settings `init` fills in; everything else takes its default.
pub struct InitSettings<'a> {
    pub title: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub min_weeks: u32,
    pub max_weeks: u32,
    pub session_minutes: u32,
}

/// For tests: the `cohort.toml` `init` writes for a cohort from `start` to `end` (meetings every
/// 6 to 8 weeks, an hour long), read back.
#[cfg(test)]
pub fn for_test(start: NaiveDate, end: NaiveDate) -> Config {
    Config::parse(&template(&InitSettings {
        title: "t",
        start,
        end,
        min_weeks: 6,
        max_weeks: 8,
        session_minutes: 60,
    }))
    .expect("the template parses")
}

/// The commented `cohort.toml` that `init` writes: every setting present with a one-line comment.
pub fn template(s: &InitSettings) -> String {
    let title = toml::Value::String(s.title.to_string()).to_string();
    let characteristics = DEFAULT_CHARACTERISTICS
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let weights = DEFAULT_CHARACTERISTICS
        .iter()
        .map(|c| format!("{c} = 1.0\n"))
        .collect::<String>();
    let topics = DEFAULT_TOPICS
        .iter()
        .map(|t| format!("  \"{t}\",\n"))
        .collect::<String>();
    let criteria = DEFAULT_CRITERIA
        .iter()
        .map(|(id, q, req)| {
            format!(
                "\n[[eligibility]]\nid = \"{id}\"\nquestion = \"{q}\"\nrequired = \"{}\"\n",
                req.as_str()
            )
        })
        .collect::<String>();
    let questions = DEFAULT_QUESTIONS
        .iter()
        .map(|(id, text, role)| {
            format!(
                "\n[[evaluation.question]]\nid = \"{id}\"\ntext = \"{text}\"\nroles = [\"{}\"]\nscale = 5\n",
                role.as_str()
            )
        })
        .collect::<String>();
    format!(
        r#"# revmentor cohort settings. Edit by hand; every setting is shown with its value.
# Dates are TOML dates (2020-01-13). `revmentor status <cohort>` checks this file after an edit.

[cohort]
title = {title}  # shown on reports and calendar events
start = {start}  # first day of the cohort
end = {end}  # last day of the cohort: nothing is planned after it
recruiting = true  # false: `enrol` refuses new mentors (recruitment closed; --force overrides)
characteristics = [{characteristics}]  # self-declared columns of characteristics.csv

[cadence]
min_weeks = {min}  # fewest weeks between one-to-ones
max_weeks = {max}  # most weeks between one-to-ones; a pair past this is overdue
session_minutes = {minutes}  # longest a one-to-one may last
first_within_weeks = 2  # the first meeting falls within this many weeks of a pair's confirmation
replacement_within_days = 10  # a cancelled one-to-one is replaced within this many working days

[calendar]
timezone = "Europe/London"  # time zone of the meeting times in calendar files
meeting_time = "10:00"  # start time of planned meetings in calendar files (a pair may agree its own)
organizer = ""  # your email: calendar invitations (schedule --ics) are sent from it
# Closures: no meeting is planned on these days (weekends never are). One block per closure:
# [[calendar.closure]]
# from = 2019-12-24
# to = 2020-01-01
# reason = "Christmas closure"

[matching]
require_briefing = true  # only people briefed for their audience are matched
same_department = "forbid"  # "forbid" or "allow" a mentor and mentee from the same department
mentor_capacity = 1  # most mentees one mentor takes
objective = "fair"  # among the best pairings: "fair" takes the one whose lowest pair score is highest; "total" any
repeat_pairs = "forbid"  # "forbid" or "allow" pairing two people again who were paired in an earlier cohort

[matching.weights]  # a pair's score: the sum of these weights over fields whose known values differ
{weights}department = 0.5
interests = 0.0  # added for each topic a leader wants to learn about that the mentor will share

# Spellings of one answer, counted as that answer when matching; characteristics.csv keeps what
# people wrote (`revmentor values` lists every spelling). One line per characteristic:
[characteristics.values]
# gender = {{ Woman = ["Female", "F"], Man = ["Male", "M"] }}

[privacy]
min_group = 5  # any count or mean over fewer people than this is printed as "<5"
rounding = 0  # round counts about people to a multiple of this (5 as HESA publishes); 0: exact
retain_months = 24  # months after the end that personal data is kept; then `revmentor purge` erases it

[messages]  # what `revmentor notify` writes (--drafts) or sends (--send)
sender = ""  # From of every message: "Reverse mentoring <mentoring@your.org>"
smtp_host = ""  # the organisation's SMTP relay, for --send
smtp_port = 587  # 587 with starttls, 465 with tls
smtp_tls = "starttls"  # "starttls", "tls", or "none" (a relay on this machine only)
smtp_user = ""  # the relay's login; empty: no login
smtp_password_env = "REVMENTOR_SMTP_PASSWORD"  # environment variable holding the password (never this file)
escalate_to = ""  # told (in copy) when a pair is chased a second time for the same lapse
chase_every_days = 14  # an overdue pair is chased again after this many days
remind_within_days = 7  # `notify reminder` reminds pairs of one-to-ones this many days ahead
baseline_survey_link = ""  # link in the baseline survey invitation
final_survey_link = ""  # link in the final survey invitation
session_time = "10:00"  # start time of briefings and the evaluation session in invitations
# evaluation_date = 2020-07-15  # the evaluation session's date, if it is not in briefings.csv

# Who can be a reverse mentor: each question is asked on the application; required is "yes" or "no".
{criteria}
[evaluation]
topics = [  # tags `log --topics` accepts, and the interests participants choose from
{topics}]
# Survey questions, answered 1 to `scale`; roles: "mentor", "mentee" or both.
{questions}"#,
        start = s.start,
        end = s.end,
        min = s.min_weeks,
        max = s.max_weeks,
        minutes = s.session_minutes,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        template(&InitSettings {
            title: "Pilot \"2020\"",
            start: NaiveDate::from_ymd_opt(2020, 1, 13).expect("date"),
            end: NaiveDate::from_ymd_opt(2020, 7, 31).expect("date"),
            min_weeks: 6,
            max_weeks: 8,
            session_minutes: 60,
        })
    }

    #[test]
    fn template_parses_back_with_defaults() {
        let config = Config::parse(&sample()).expect("template parses");
        assert_eq!(config.cohort.title, "Pilot \"2020\"");
        assert_eq!(config.cadence.max_weeks, 8);
        assert_eq!(config.eligibility.len(), 3);
        assert_eq!(config.evaluation.question.len(), 6);
        assert_eq!(config.matching.weights.len(), 7);
    }

    #[test]
    fn questions_are_checked() {
        let text = sample().replace("id = \"heard\"", "id = \"quote\"");
        let e = Config::parse(&text).expect_err("reserved");
        assert!(format!("{e:?}").contains("names a survey column"), "{e:?}");
        let text = sample().replace("id = \"heard\"", "id = \"awareness\"");
        assert!(Config::parse(&text).is_err(), "duplicate id");
        let text = sample().replacen("scale = 5", "scale = 1", 1);
        assert!(format!("{:?}", Config::parse(&text).expect_err("scale")).contains("2 to 10"));
    }

    #[test]
    fn time_zones_are_iana_names_in_any_case() {
        let zone = |name: &str| sample().replace("\"Europe/London\"", &format!("\"{name}\""));
        for bad in ["Europe/Londn", "GMT+25", ""] {
            let e = Config::parse(&zone(bad)).expect_err("not a zone");
            assert!(
                format!("{e:?}").contains("not a time zone name"),
                "{bad}: {e:?}"
            );
        }
        for good in ["Europe/London", "europe/london", "America/Sao_Paulo", "UTC"] {
            let config = Config::parse(&zone(good)).expect("a zone");
            assert!(config.calendar.tz().iana_name().is_some(), "{good}");
        }
    }

    #[test]
    fn misspelt_key_names_its_line() {
        let text = sample().replace("min_weeks = 6", "min_weks = 6");
        let e = Config::parse(&text).expect_err("misspelt");
        let msg = format!("{e:?}");
        assert!(msg.contains("min_weks"), "{msg}");
        assert!(msg.contains("line"), "{msg}");
    }
}
