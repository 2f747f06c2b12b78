//! The evaluation summary the board reads: who took part, pairs, group sessions, the rhythm of the
//! one-to-ones, topics raised, who the scheme reached, survey change and approved quotes. Pure:
//! takes plain values and "today"; characteristics only as [`Marginals`], counts of one
//! characteristic at a time, so it cannot cross them.
//!
//! # Privacy rules
//!
//! * **One engine** (`disclosure`): every table is a [`Spec`] protected by primary suppression
//!   (`<5`, zero included), optional rounding (`[privacy] rounding`), and secondary suppression
//!   (`[c]`, or `–` where nothing is left to hide) until a linear program finds no hidden cell, nor
//!   any group the tables imply without printing it, pinned to fewer than `min_group` values.
//!   Totals that describe no one (people enrolled, pairs confirmed, pairs completed) are exact.
//!   No extreme (shortest, longest interval) is ever printed; a share only on a printed band.
//!   A survey mean over everyone who answered is hidden (`[c]`) when it differs from the paired
//!   mean by fewer than `min_group` people, whose own mean could otherwise be worked out.
//! * **No person appears.** No name, email, id or department is printed: counts are by role,
//!   status, month, topic and one characteristic's values (a value held by fewer than `min_group`
//!   people is "another value"); sessions are named by date, kind and audience (never by their
//!   title); topic tags not listed in `cohort.toml` are counted together as "other".
//! * **Quotes** appear only where their author said yes to being quoted anonymously *and* the
//!   coordinator approved them (`survey quotes`), as approved (redacted then for everyone enrolled,
//!   grades, departments, characteristic values) and redacted again here, attributed to "a mentor"
//!   or "a mentee", and only when that role has at least `min_group` respondents in that survey.
//!   Quotes are sorted by text, so their order says nothing about who wrote them.

mod disclosure;
mod lp;
pub mod participation;
pub mod redact;
mod sections;

use chrono::NaiveDate;
use serde::Serialize;

use crate::cohort::Cohort;
use crate::cohort::config::{Cadence, Question};
use crate::model::{Attendance, Briefing, Meeting, Pair, Participant, Phase, Response, Role};

pub use disclosure::{Cell, Figure, Grid, GridRow, Kind, Rules, Spec, WITHHELD, audit, protect};
pub use participation::{Marginals, Participation};
pub use redact::{Label, Redactor};
pub use sections::lapsed;

/// Everything the summary is computed from. Characteristics only as [`Marginals`]: counts of one
/// characteristic at a time, never a person's values.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    pub cohort: &'a str,
    pub title: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub cadence: &'a Cadence,
    pub rules: Rules,
    pub questions: &'a [Question],
    pub topics: &'a [String],
    pub participants: Vec<&'a Participant>,
    pub sessions: Vec<&'a Briefing>,
    pub attendance: Vec<&'a Attendance>,
    pub pairs: Vec<&'a Pair>,
    pub meetings: Vec<&'a Meeting>,
    pub responses: Vec<&'a Response>,
    /// Who the scheme reached, by each characteristic (none when the cohort was read without
    /// `characteristics.csv`).
    pub marginals: Option<Marginals>,
}

impl<'a> Inputs<'a> {
    /// The cohort's files the summary reads; `characteristics.csv` only through [`Marginals`].
    pub fn from_cohort(c: &'a Cohort) -> Inputs<'a> {
        let config = &c.config;
        let mut inputs = Inputs {
            cohort: &c.name,
            title: &config.cohort.title,
            start: config.cohort.start,
            end: config.cohort.end,
            cadence: &config.cadence,
            rules: Rules {
                min_group: config.privacy.min_group,
                rounding: config.privacy.rounding.max(1),
            },
            questions: &config.evaluation.question,
            topics: &config.evaluation.topics,
            participants: c.participants.iter().collect(),
            sessions: c.briefings.iter().collect(),
            attendance: c.attendance.iter().collect(),
            pairs: c.pairs.iter().collect(),
            meetings: c.meetings.iter().collect(),
            responses: c.responses.iter().collect(),
            marginals: None,
        };
        if config.privacy.purged_on.is_some() {
            // A purged cohort: the counts kept when its characteristics went.
            let completion = participation::completion(&inputs);
            let rows: Vec<&crate::model::ReachCount> = c.reach.iter().collect();
            inputs.marginals = Some(Marginals::thawed(config, &rows, &completion));
        } else if c.traits.is_loaded() {
            let values: rustc_hash::FxHashMap<&str, &[String]> = c
                .traits
                .iter()
                .map(|t| (t.id.as_str(), t.values.as_slice()))
                .collect();
            let completion = participation::completion(&inputs);
            inputs.marginals = Some(Marginals::count(
                config,
                &inputs.participants,
                |id| values.get(id).copied(),
                &completion,
            ));
        }
        inputs
    }
}

/// How far apart a pair's held meetings were.
#[derive(Debug, Clone, Serialize)]
pub struct Intervals {
    /// Intervals between consecutive held meetings of the same pair.
    pub intervals: Figure,
    /// Pairs with at least two held meetings (the basis of every figure here).
    pub pairs: Figure,
    pub median_weeks: Figure,
    pub lower_quartile_weeks: Figure,
    pub upper_quartile_weeks: Figure,
    /// Share of intervals inside the cadence window (only where the band it rests on is printed).
    pub inside_cadence: Figure,
    /// Intervals shorter than, inside and longer than the window, with their total.
    pub bands: Grid,
}
/// One survey question's change.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionSummary {
    pub id: String,
    pub text: String,
    pub roles: Vec<Role>,
    pub scale: u32,
    /// People who answered both surveys.
    pub paired: Change,
    /// Everyone who answered each survey.
    pub unpaired: Change,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub baseline_n: Figure,
    pub baseline_mean: Figure,
    pub final_n: Figure,
    pub final_mean: Figure,
    pub change: Figure,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub role: Role,
    pub phase: Phase,
    pub text: String,
}

/// The whole summary: what every format prints.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub cohort: String,
    pub title: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The date the figures are counted at: today, or the cohort's end once it is over.
    pub as_of: NaiveDate,
    pub min_group: u32,
    /// Protected counts are rounded to a multiple of this (1: not rounded).
    pub rounding: u32,
    pub min_weeks: u32,
    pub max_weeks: u32,
    pub participants: Grid,
    pub pairs: Grid,
    /// Pairs that lapsed: see [`lapsed`].
    pub pairs_lapsed: Figure,
    pub sessions: Grid,
    /// Meetings by month (of the day held, cancelled or planned) and status, with status totals.
    pub meetings: Grid,
    /// Every meeting in the plan, whatever its status.
    pub meetings_all: Figure,
    pub intervals: Intervals,
    pub topics: Grid,
    pub respondents: Grid,
    /// Mentors and mentees, and those completing, by each characteristic one at a time.
    pub participation: Vec<Participation>,
    pub questions: Vec<QuestionSummary>,
    pub quotes: Vec<Quote>,
}

/// Compute the summary as of `today` (or the cohort's end, if that is earlier).
pub fn summarise(input: &Inputs, today: NaiveDate) -> Summary {
    let as_of = today.min(input.end);
    let rules = input.rules;
    let (meetings, meetings_all) = sections::meetings(input);
    let pairs = sections::pairs(input, as_of);
    Summary {
        cohort: input.cohort.to_string(),
        title: input.title.to_string(),
        start: input.start,
        end: input.end,
        as_of,
        min_group: rules.min_group,
        rounding: rules.rounding,
        min_weeks: input.cadence.min_weeks,
        max_weeks: input.cadence.max_weeks,
        participants: sections::participants(input),
        pairs_lapsed: rules.single(sections::lapsed(input, as_of).len()),
        sessions: sections::sessions(input),
        meetings,
        meetings_all,
        intervals: sections::intervals(input),
        topics: sections::topics(input, &pairs),
        pairs,
        respondents: sections::respondents(input),
        participation: input
            .marginals
            .as_ref()
            .map(|m| participation::tables(m, rules))
            .unwrap_or_default(),
        questions: sections::questions(input),
        quotes: sections::quotes(input),
    }
}
