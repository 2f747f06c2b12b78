//! Participants' own reports of their one-to-ones (`log --from checkins.csv`): a form export where a
//! mentor or a mentee reports one meeting (their email, the date, held or cancelled, minutes,
//! topics). Columns are placed as for `enrol --from` (form headers recognised, `--map` for the
//! rest); every bad row is a problem and then nothing is recorded. Reports from both people of one
//! meeting count once; reports that disagree with each other or with what is recorded are listed
//! for the coordinator to settle, and the rest are recorded. Importing the same file again changes
//! nothing. Pure: works on a loaded cohort and "today".

use std::fmt::Write as _;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde_json::json;

use super::{Change, Happened, Mode, PairKey, Request, Session, Work};
use crate::cohort::{Cohort, Config};
use crate::csvio::Sheet;
use crate::import::{self, Field, normalise};
use crate::model::{
    MAX_MINUTES, Meeting, MeetingStatus, Pair, PairStatus, Participant, normalise_email,
};
use crate::render::Listing;

/// Reports of one pair this many days apart or closer are taken to be about the same meeting:
/// identical ones count once, others are for the coordinator to settle.
pub const FEW_DAYS: i64 = 7;

/// What a column of a check-in export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Ignore,
    /// The reporter's email.
    Email,
    /// The other person of the pair (email or id): needed when a mentor has several mentees.
    Partner,
    Date,
    /// Held or cancelled.
    Status,
    Minutes,
    Topics,
    /// Why it was cancelled.
    Reason,
}

const NAMES: &[(&str, Column)] = &[
    ("email", Column::Email),
    ("partner", Column::Partner),
    ("date", Column::Date),
    ("status", Column::Status),
    ("minutes", Column::Minutes),
    ("topics", Column::Topics),
    ("reason", Column::Reason),
    ("ignore", Column::Ignore),
];

/// Headers forms use, after [`normalise`].
const ALIASES: &[(&str, Column)] = &[
    ("meeting date", Column::Date),
    ("date of meeting", Column::Date),
    ("date of the meeting", Column::Date),
    ("date of your one to one", Column::Date),
    ("when did you meet", Column::Date),
    ("when was the meeting", Column::Date),
    ("when was it held", Column::Date),
    ("when was the meeting held", Column::Date),
    ("when did it take place", Column::Date),
    ("held or cancelled", Column::Status),
    ("did the meeting take place", Column::Status),
    ("did your one to one take place", Column::Status),
    ("did it take place", Column::Status),
    ("did the meeting go ahead", Column::Status),
    ("did the meeting happen", Column::Status),
    ("outcome", Column::Status),
    ("how long did it last", Column::Minutes),
    ("how long did the meeting last", Column::Minutes),
    ("how many minutes", Column::Minutes),
    ("duration", Column::Minutes),
    ("length", Column::Minutes),
    ("topic", Column::Topics),
    ("themes", Column::Topics),
    ("what did you talk about", Column::Topics),
    ("topics discussed", Column::Topics),
    ("which topics did you discuss", Column::Topics),
    ("why", Column::Reason),
    ("why was it cancelled", Column::Reason),
    ("reason for cancellation", Column::Reason),
    ("if cancelled why", Column::Reason),
    ("who did you meet", Column::Partner),
    ("mentee email", Column::Partner),
    ("mentor email", Column::Partner),
];

/// Words that point at a column, when no alias matched: a header is placed when the reason's words
/// are in it, or else exactly one column's words are.
const WORDS: &[(Column, &[&str])] = &[
    (Column::Reason, &["reason", "why"]),
    (Column::Minutes, &["minutes", "how long", "duration"]),
    (
        Column::Topics,
        &[
            "topic",
            "topics",
            "themes",
            "talk about",
            "discuss",
            "discussed",
        ],
    ),
    (
        Column::Status,
        &[
            "take place",
            "go ahead",
            "held",
            "cancelled",
            "canceled",
            "happen",
        ],
    ),
    (Column::Date, &["date", "when"]),
];

fn column_name(column: Column) -> &'static str {
    NAMES
        .iter()
        .find(|(_, c)| *c == column)
        .map_or("ignore", |(n, _)| n)
}

/// The column a header names, if it can be told from the header alone.
pub fn recognise(header: &str, config: &Config) -> Option<Column> {
    let n = normalise(header);
    if let Some((_, c)) = NAMES
        .iter()
        .chain(ALIASES)
        .find(|(alias, _)| normalise(alias) == n)
    {
        return Some(*c);
    }
    let has = |w: &str| format!(" {n} ").contains(&format!(" {w} "));
    let other_person = ["mentee", "mentor", "partner", "other person"]
        .iter()
        .any(|w| has(w));
    if (has("email") || has("e mail")) && other_person || has("partner") {
        return Some(Column::Partner);
    }
    match import::recognise(header, config) {
        Some(Field::Email) => return Some(Column::Email),
        Some(Field::Ignore) => return Some(Column::Ignore),
        _ => {}
    }
    let candidates: Vec<Column> = WORDS
        .iter()
        .filter(|(_, words)| words.iter().any(|w| has(w)))
        .map(|(c, _)| *c)
        .collect();
    // "If it was cancelled, why?" asks for the reason, whatever else it mentions.
    if candidates.first() == Some(&Column::Reason) {
        return Some(Column::Reason);
    }
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

impl import::Target for Column {
    const IGNORE: Self = Column::Ignore;
    const NOUN: &'static str = "field";
    const UNKNOWN: &'static str = "a field of a meeting report";
    fn name(self, _: &Config) -> String {
        column_name(self).to_string()
    }
    fn parse(name: &str, _: &Config) -> Option<Self> {
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .map(|(_, c)| *c)
    }
    fn recognise(header: &str, config: &Config) -> Option<Self> {
        recognise(header, config)
    }
    fn valid(_: &Config) -> String {
        NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    }
}

/// Held or cancelled, as forms write it: `Held`, `Yes`, `Yes, we met`; `Cancelled`, `No`, `It was
/// cancelled`.
pub fn parse_status(text: &str) -> Option<MeetingStatus> {
    let n = normalise(text);
    let first = n.split(' ').next().unwrap_or_default();
    let has = |w: &str| format!(" {n} ").contains(&format!(" {w} "));
    let cancelled = first == "no"
        || [
            "cancelled",
            "canceled",
            "cancel",
            "postponed",
            "did not",
            "didn t",
        ]
        .iter()
        .any(|w| has(w));
    let held = first == "yes"
        || ["held", "met", "took place", "went ahead", "happened"]
            .iter()
            .any(|w| has(w));
    match (held, cancelled) {
        (true, false) => Some(MeetingStatus::Held),
        (false, true) => Some(MeetingStatus::Cancelled),
        _ => None,
    }
}

/// One report, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub line: usize,
    /// Who reported it (id).
    pub reporter: String,
    pub mentee: String,
    pub mentor: String,
    pub happened: Happened,
}

/// What became of one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Recorded as this meeting.
    Recorded,
    /// The same meeting as another report that was recorded (both people reported it).
    SameMeeting,
    /// `meetings.csv` already has it.
    AlreadyRecorded,
    /// It disagrees with another report or with what is recorded: the coordinator decides.
    ToSettle,
}

impl Fate {
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Recorded => "recorded",
            Fate::SameMeeting => "same meeting",
            Fate::AlreadyRecorded => "already recorded",
            Fate::ToSettle => "to settle",
        }
    }
}

/// A report and its fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub report: Report,
    pub fate: Fate,
    /// The meeting it was recorded as, or matched.
    pub number: Option<u32>,
    /// Why it is to settle, or which line it is the same meeting as.
    pub note: String,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub outcomes: Vec<Outcome>,
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
}

impl Imported {
    pub fn count(&self, fate: Fate) -> usize {
        self.outcomes.iter().filter(|o| o.fate == fate).count()
    }
}

/// Import a check-in export into `cohort`: every problem of every row, or the outcome of each
/// report (meetings recorded, their pairs re-planned).
pub fn import(
    cohort: &mut Cohort,
    file: &str,
    sheet: &Sheet,
    maps: &[(String, String)],
    ignore: &[String],
    today: NaiveDate,
) -> Result<Imported, Vec<String>> {
    let columns = map_columns(file, &sheet.headers, &cohort.config, maps, ignore)?;
    let (groups, warnings) = {
        let index = Index::of(cohort);
        let (reports, warnings) = read_reports(cohort, &index, file, sheet, &columns, today)?;
        (index.by_pair(reports), warnings)
    };
    let mut imported = Imported {
        warnings,
        ..Imported::default()
    };
    let mut problems = Vec::new();
    let mut session = Session::new(cohort, today).map_err(|e| vec![e])?;
    let mut works = Vec::new();
    for (pair, reports) in groups {
        match pair {
            Some(pair) => {
                let mut work = session.work(cohort, &pair);
                apply_pair(
                    &mut session,
                    &mut work,
                    reports,
                    &mut imported,
                    &mut problems,
                );
                works.push(work);
            }
            None => imported
                .outcomes
                .extend(reports.into_iter().map(|r| Outcome {
                    note: format!(
                        "the pair {}-{} has ended: record it by hand if it counts",
                        r.mentee, r.mentor
                    ),
                    report: r,
                    fate: Fate::ToSettle,
                    number: None,
                })),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    imported.outcomes.sort_by_key(|o| o.report.line);
    imported.changes = session.commit(cohort, works);
    Ok(imported)
}

/// Lookups for reading reports, built once: people by email, pairs by person, running pairs.
struct Index<'c> {
    by_email: FxHashMap<&'c str, &'c Participant>,
    pairs_of: FxHashMap<&'c str, Vec<&'c Pair>>,
    running: FxHashMap<(String, String), PairKey>,
}

impl<'c> Index<'c> {
    fn of(cohort: &'c Cohort) -> Self {
        let mut pairs_of: FxHashMap<&str, Vec<&Pair>> = FxHashMap::default();
        for p in cohort
            .pairs
            .iter()
            .filter(|p| p.status != PairStatus::Proposed)
        {
            pairs_of.entry(p.mentee.as_str()).or_default().push(p);
            pairs_of.entry(p.mentor.as_str()).or_default().push(p);
        }
        Index {
            by_email: cohort
                .participants
                .iter()
                .filter(|p| !p.email.is_empty())
                .map(|p| (p.email.as_str(), p))
                .collect(),
            pairs_of,
            running: super::confirmed_pairs(cohort)
                .into_iter()
                .map(|k| ((k.mentee.clone(), k.mentor.clone()), k))
                .collect(),
        }
    }

    /// Reports grouped by pair, pairs in the order their first report comes; `None` for a pair
    /// that has ended.
    fn by_pair(&self, reports: Vec<Report>) -> Vec<(Option<PairKey>, Vec<Report>)> {
        let mut groups: Vec<(Option<PairKey>, Vec<Report>)> = Vec::new();
        let mut at: FxHashMap<(String, String), usize> = FxHashMap::default();
        for r in reports {
            let key = (r.mentee.clone(), r.mentor.clone());
            let i = *at.entry(key.clone()).or_insert_with(|| {
                groups.push((self.running.get(&key).cloned(), Vec::new()));
                groups.len() - 1
            });
            groups[i].1.push(r);
        }
        groups
    }
}

/// Place every column; the reporter's email, the date and held-or-cancelled must be among them.
fn map_columns(
    file: &str,
    headers: &[String],
    config: &Config,
    maps: &[(String, String)],
    ignore: &[String],
) -> Result<Vec<Column>, Vec<String>> {
    let (columns, mut problems) =
        import::place_columns::<Column>(file, headers, config, maps, ignore);
    for (needed, what) in [
        (Column::Email, "the email of the person reporting"),
        (Column::Date, "the meeting's date"),
        (Column::Status, "whether it was held or cancelled"),
    ] {
        if !columns.contains(&needed) {
            problems.push(format!(
                "{file}:1: no column holds {what}: --map 'HEADER={}'",
                column_name(needed)
            ));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// The cells of one row by column.
struct Cells<'a> {
    file: &'a str,
    line: usize,
    headers: &'a [String],
    values: Vec<(Column, usize, &'a str)>,
}

impl Cells<'_> {
    fn get(&self, column: Column) -> Option<(&str, String)> {
        self.values
            .iter()
            .find(|(c, _, _)| *c == column)
            .map(|(_, h, v)| {
                (
                    v.trim(),
                    format!(
                        "{}:{}: column \"{}\"",
                        self.file, self.line, self.headers[*h]
                    ),
                )
            })
    }
}

/// Every row as a report, or every problem of every row.
fn read_reports(
    cohort: &Cohort,
    index: &Index,
    file: &str,
    sheet: &Sheet,
    columns: &[Column],
    today: NaiveDate,
) -> Result<(Vec<Report>, Vec<String>), Vec<String>> {
    if sheet.rows.is_empty() {
        return Err(vec![format!(
            "{file}: has a header but no rows: nothing to import"
        )]);
    }
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut reports = Vec::new();
    for row in &sheet.rows {
        let cells = Cells {
            file,
            line: row.line,
            headers: &sheet.headers,
            values: columns
                .iter()
                .enumerate()
                .map(|(h, c)| (*c, h, row.cell(h)))
                .collect(),
        };
        match read_report(cohort, index, &cells, today) {
            Ok((report, mut w)) => {
                warnings.append(&mut w);
                reports.push(report);
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok((reports, warnings))
    } else {
        Err(problems)
    }
}

/// One row: who reported, their pair, and what happened; or every problem of the row.
fn read_report(
    cohort: &Cohort,
    index: &Index,
    cells: &Cells,
    today: NaiveDate,
) -> Result<(Report, Vec<String>), Vec<String>> {
    let mut problems = Vec::new();
    let at_line = format!("{}:{}", cells.file, cells.line);
    let who = read_who(cohort, index, cells, &mut problems);
    let happened = read_what(cohort, cells, &mut problems);
    let (Some((reporter, pair)), Some(happened)) = (who, happened) else {
        return Err(problems);
    };
    // A held date before the last held one, or on it, is for the matching to judge: no last held
    // meeting is given here.
    let refusals = super::refusals(cohort, &pair, &happened, today, None);
    problems.extend(refusals.into_iter().map(|r| format!("{at_line}: {r}")));
    if !problems.is_empty() {
        return Err(problems);
    }
    let warnings = super::warnings(cohort, &pair, &happened)
        .into_iter()
        .map(|w| format!("{at_line}: {w}"))
        .collect();
    Ok((
        Report {
            line: cells.line,
            reporter: reporter.id.clone(),
            mentee: pair.mentee,
            mentor: pair.mentor,
            happened,
        },
        warnings,
    ))
}

/// Who reported (by email) and the pair the report is about.
fn read_who<'c>(
    cohort: &'c Cohort,
    index: &Index<'c>,
    cells: &Cells,
    problems: &mut Vec<String>,
) -> Option<(&'c Participant, PairKey)> {
    let reporter = cells.get(Column::Email).and_then(|(v, at)| {
        let found = index.by_email.get(normalise_email(v).as_str()).copied();
        if found.is_none() {
            problems.push(format!(
                "{at}: no participant of cohort {} has the email \"{}\": correct it (people are found by the email they enrolled with)",
                cohort.name,
                crate::text::terminal_safe(v, false)
            ));
        }
        found
    });
    let partner = cells.get(Column::Partner).and_then(|(v, at)| {
        if v.is_empty() {
            return None;
        }
        let found = cohort.find(v);
        if found.is_none() {
            problems.push(format!(
                "{at}: \"{}\" names no participant of cohort {} (give the other person's email or id)",
                crate::text::terminal_safe(v, false),
                cohort.name
            ));
        }
        found
    });
    let reporter = reporter?;
    match pair_for(index, reporter, partner) {
        Ok(pair) => Some((reporter, pair)),
        Err(e) => {
            problems.push(format!("{}:{}: {e}", cells.file, cells.line));
            None
        }
    }
}

/// What the row says happened: held or cancelled, on which day, minutes, topics, reason.
fn read_what(cohort: &Cohort, cells: &Cells, problems: &mut Vec<String>) -> Option<Happened> {
    let status = cells.get(Column::Status).and_then(|(v, at)| {
        let s = parse_status(v);
        if s.is_none() {
            problems.push(format!(
                "{at}: \"{}\" is not held or cancelled (answers like Held, Yes, Cancelled, No)",
                crate::text::terminal_safe(v, false)
            ));
        }
        s
    });
    let date = cells.get(Column::Date).and_then(|(v, at)| {
        if v.is_empty() {
            problems.push(format!(
                "{at}: is empty: every report needs the meeting's date (YYYY-MM-DD)"
            ));
            return None;
        }
        crate::model::parse_date(v)
            .map_err(|e| problems.push(format!("{at}: {e}")))
            .ok()
    });
    // Minutes and topics are checked unless the meeting was cancelled (then they are not read).
    let held = status != Some(MeetingStatus::Cancelled);
    let minutes = match cells.get(Column::Minutes) {
        Some((v, at)) if held && !v.is_empty() => match crate::model::parse_minutes(v) {
            Some(m) if (1..=MAX_MINUTES).contains(&m) => Some(m),
            _ => {
                problems.push(format!(
                    "{at}: \"{}\" is not a number of minutes from 1 to {MAX_MINUTES} (like 45, or 1 hour)",
                    crate::text::terminal_safe(v, false)
                ));
                None
            }
        },
        _ => None,
    };
    let topics = match cells.get(Column::Topics) {
        Some((v, at)) if held => super::check_topics(cohort, &import::split_list(v))
            .map_err(|e| problems.push(format!("{at}: {e}")))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let reason = match cells.get(Column::Reason) {
        Some((v, at)) if status == Some(MeetingStatus::Cancelled) => {
            match crate::text::check(v, crate::text::Kind::Note) {
                Ok(()) => v.to_string(),
                Err(e) => {
                    problems.push(format!("{at}: the reason {e}"));
                    String::new()
                }
            }
        }
        _ => String::new(),
    };
    match (status?, date?) {
        (MeetingStatus::Held, date) => Some(Happened::Held {
            date,
            minutes,
            topics,
        }),
        (_, date) => Some(Happened::Cancelled { date, reason }),
    }
}

/// The pair a report is about: the reporter's running pair (with `partner`, the one with them), or
/// their ended one when that is all there is.
fn pair_for(
    index: &Index,
    reporter: &Participant,
    partner: Option<&Participant>,
) -> Result<PairKey, String> {
    let theirs: Vec<&Pair> = index
        .pairs_of
        .get(reporter.id.as_str())
        .into_iter()
        .flatten()
        .copied()
        .filter(|p| partner.is_none_or(|o| p.mentee == o.id || p.mentor == o.id))
        .collect();
    let running: Vec<&Pair> = theirs
        .iter()
        .copied()
        .filter(|p| p.status == PairStatus::Confirmed)
        .collect();
    let pair = match (running.as_slice(), theirs.as_slice()) {
        ([one], _) | ([], [one]) => *one,
        ([], []) => {
            return Err(match partner {
                Some(o) => format!(
                    "{} and {} were never a pair: check the other person's email",
                    reporter.who(),
                    o.who()
                ),
                None => format!(
                    "{} has no pair: only paired people report one-to-ones",
                    reporter.who()
                ),
            });
        }
        _ => {
            return Err(format!(
                "{} is in {} pairs: add a column with the other person's email and map it with --map 'HEADER=partner'",
                reporter.who(),
                theirs.len()
            ));
        }
    };
    let key = (pair.mentee.clone(), pair.mentor.clone());
    let confirmed_on = pair
        .confirmed_on
        .or(pair.proposed_on)
        .unwrap_or(NaiveDate::MIN);
    Ok(index.running.get(&key).cloned().unwrap_or(PairKey {
        mentee: key.0,
        mentor: key.1,
        start: confirmed_on,
        confirmed_on,
    }))
}

/// The same report, as far as telling meetings apart goes: status and date.
fn same(a: &Happened, b: &Happened) -> bool {
    a.status() == b.status() && a.date() == b.date()
}

fn describe(h: &Happened) -> String {
    format!("{} {}", h.status().as_str(), h.date())
}

/// One pair's reports: cluster them by date, settle agreements, match them with what is recorded,
/// and record the rest in date order (the pair re-planned between two records, and after them).
fn apply_pair(
    session: &mut Session,
    work: &mut Work,
    mut reports: Vec<Report>,
    imported: &mut Imported,
    problems: &mut Vec<String>,
) {
    reports.sort_by_key(|r| (r.happened.date(), r.line));
    let mut clusters: Vec<Vec<Report>> = Vec::new();
    for r in reports {
        match clusters.last_mut() {
            Some(c)
                if c.last().is_some_and(|l| {
                    (r.happened.date() - l.happened.date()).num_days() <= FEW_DAYS
                }) =>
            {
                c.push(r);
            }
            _ => clusters.push(vec![r]),
        }
    }
    let mut recorded = 0;
    for cluster in clusters {
        let first = cluster[0].happened.clone();
        if !cluster.iter().all(|r| same(&r.happened, &first)) {
            let all: Vec<String> = cluster
                .iter()
                .map(|r| format!("line {}: {}", r.line, describe(&r.happened)))
                .collect();
            for r in cluster {
                imported.outcomes.push(Outcome {
                    note: format!("the reports disagree ({})", all.join("; ")),
                    report: r,
                    fate: Fate::ToSettle,
                    number: None,
                });
            }
            continue;
        }
        let happened = merged(&cluster);
        let (fate, number, note) = match judge(work, &happened) {
            Some(judged) => judged,
            None => {
                if recorded > 0 {
                    session.plan(work, &Request::new(Mode::Log));
                }
                match session.record(work, happened, true) {
                    Ok((number, _)) => {
                        recorded += 1;
                        (Fate::Recorded, Some(number), String::new())
                    }
                    Err(e) => {
                        problems.push(format!("line {}: {e}", cluster[0].line));
                        continue;
                    }
                }
            }
        };
        let first_line = cluster[0].line;
        for (k, r) in cluster.into_iter().enumerate() {
            let (fate, note) = if k > 0 && fate == Fate::Recorded {
                (Fate::SameMeeting, format!("as line {first_line}"))
            } else {
                (fate, note.clone())
            };
            imported.outcomes.push(Outcome {
                report: r,
                fate,
                number,
                note,
            });
        }
    }
    if recorded > 0 {
        session.plan(work, &Request::new(Mode::Log));
    }
}

/// What the pair's rows say of a reported meeting: already recorded, or in conflict (the
/// coordinator settles it); `None` when it is new and may be recorded.
fn judge(work: &Work, happened: &Happened) -> Option<(Fate, Option<u32>, String)> {
    let date = happened.date();
    let rows: Vec<&Meeting> = work
        .meetings()
        .filter(|m| m.status != MeetingStatus::Planned)
        .collect();
    if let Some(m) = rows.iter().find(|m| {
        m.status == happened.status()
            && (m.date == Some(date)
                || (m.status == MeetingStatus::Cancelled && m.planned == Some(date)))
    }) {
        return Some((Fate::AlreadyRecorded, Some(m.number), String::new()));
    }
    if let Some(m) = rows.iter().find(|m| {
        m.date
            .is_some_and(|d| (d - date).num_days().abs() <= FEW_DAYS)
    }) {
        return Some((
            Fate::ToSettle,
            Some(m.number),
            format!(
                "meetings.csv has meeting {} {} {}",
                m.number,
                m.status.as_str(),
                m.date.map(|d| d.to_string()).unwrap_or_default()
            ),
        ));
    }
    match work.last_held() {
        Some(last) if happened.status() == MeetingStatus::Held && date < last => Some((
            Fate::ToSettle,
            None,
            format!("before the pair's last held meeting ({last})"),
        )),
        _ => None,
    }
}

/// The reports of one meeting as one record: the longest minutes given, every topic, the first
/// reason given.
fn merged(cluster: &[Report]) -> Happened {
    match &cluster[0].happened {
        Happened::Held { date, .. } => {
            let mut topics: Vec<String> = Vec::new();
            for r in cluster {
                if let Happened::Held { topics: t, .. } = &r.happened {
                    for topic in t {
                        if !topics.contains(topic) {
                            topics.push(topic.clone());
                        }
                    }
                }
            }
            let minutes = cluster
                .iter()
                .filter_map(|r| match &r.happened {
                    Happened::Held { minutes, .. } => *minutes,
                    Happened::Cancelled { .. } => None,
                })
                .max();
            Happened::Held {
                date: *date,
                minutes,
                topics,
            }
        }
        Happened::Cancelled { date, .. } => Happened::Cancelled {
            date: *date,
            reason: cluster
                .iter()
                .find_map(|r| match &r.happened {
                    Happened::Cancelled { reason, .. } if !reason.is_empty() => {
                        Some(reason.clone())
                    }
                    _ => None,
                })
                .unwrap_or_default(),
        },
    }
}

/// Every report with its fate: the same rows in table, CSV and JSON.
pub fn listing(cohort: &Cohort, imported: &Imported) -> Listing {
    let people = cohort.people();
    let name = |id: &str| {
        people
            .get(id)
            .map_or_else(String::new, |p| p.label().into_owned())
    };
    let mut l = Listing::new(&[
        "line",
        "outcome",
        "reporter",
        "reporter_name",
        "mentee",
        "mentor",
        "status",
        "date",
        "minutes",
        "topics",
        "number",
        "note",
    ]);
    for o in &imported.outcomes {
        let r = &o.report;
        let (minutes, topics) = match &r.happened {
            Happened::Held {
                minutes, topics, ..
            } => (json!(minutes), json!(topics.join(";"))),
            Happened::Cancelled { .. } => (json!(null), json!("")),
        };
        l.push(vec![
            json!(r.line),
            json!(o.fate.as_str()),
            json!(r.reporter),
            json!(name(&r.reporter)),
            json!(r.mentee),
            json!(r.mentor),
            json!(r.happened.status().as_str()),
            json!(r.happened.date().to_string()),
            minutes,
            topics,
            json!(o.number),
            json!(o.note),
        ]);
    }
    l
}

/// One line saying what the import did.
pub fn summary(imported: &Imported, file: &str, dry_run: bool) -> String {
    let mut out = String::new();
    let recorded = imported.count(Fate::Recorded);
    let _ = writeln!(
        out,
        "{file}: {} report{}: {} meeting{} {}recorded ({} reported by both people), {} already recorded, {} to settle{}",
        imported.outcomes.len(),
        crate::problems::plural(imported.outcomes.len()),
        recorded,
        crate::problems::plural(recorded),
        if dry_run { "would be " } else { "" },
        imported.count(Fate::SameMeeting),
        imported.count(Fate::AlreadyRecorded),
        imported.count(Fate::ToSettle),
        if imported.count(Fate::ToSettle) > 0 {
            " (decide, then record each with `revmentor log COHORT WHO --held DATE` or `--cancelled DATE`)"
        } else {
            ""
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_answers_read_as_held_or_cancelled_and_minutes() {
        for held in ["Held", "yes", "Yes, we met", "It went ahead", "took place"] {
            assert_eq!(parse_status(held), Some(MeetingStatus::Held), "{held}");
        }
        for cancelled in [
            "Cancelled",
            "no",
            "No - it was cancelled",
            "canceled",
            "It did not happen",
        ] {
            assert_eq!(
                parse_status(cancelled),
                Some(MeetingStatus::Cancelled),
                "{cancelled}"
            );
        }
        assert_eq!(parse_status("maybe"), None);
        assert_eq!(parse_status("held, then cancelled"), None);
        assert_eq!(crate::model::parse_minutes("45"), Some(45));
        assert_eq!(crate::model::parse_minutes("45 mins"), Some(45));
        assert_eq!(crate::model::parse_minutes("1.5 hours"), Some(90));
        assert_eq!(crate::model::parse_minutes("1 hour"), Some(60));
        assert_eq!(crate::model::parse_minutes("an hour"), None);
        assert_eq!(crate::model::parse_minutes("1.2345 minutes"), None);
        assert_eq!(crate::model::parse_minutes("-5"), None);
    }

    #[test]
    fn form_headers_are_recognised() {
        let config = Config::parse(&crate::cohort::config::template(
            &crate::cohort::config::InitSettings {
                title: "t",
                start: NaiveDate::from_ymd_opt(2020, 1, 13).expect("date"),
                end: NaiveDate::from_ymd_opt(2020, 7, 31).expect("date"),
                min_weeks: 6,
                max_weeks: 8,
                session_minutes: 60,
            },
        ))
        .expect("config");
        for (header, column) in [
            ("Timestamp", Column::Ignore),
            ("Email address", Column::Email),
            ("Your mentee's email (mentors only)", Column::Partner),
            ("Date of the meeting", Column::Date),
            ("Did the meeting take place?", Column::Status),
            ("How long did it last (minutes)?", Column::Minutes),
            ("Which topics did you discuss?", Column::Topics),
            ("If cancelled, why?", Column::Reason),
            ("If it was cancelled, why?", Column::Reason),
            ("When was it held?", Column::Date),
        ] {
            assert_eq!(recognise(header, &config), Some(column), "{header}");
        }
        assert_eq!(recognise("Date held or cancelled", &config), None);
    }
}
