//! Survey import: place each column of a form export (the respondent's email, a question, the quote
//! and the consent to quote it), read every answer, and replace each respondent's earlier answers
//! for the phase. All or nothing: every problem is collected in one pass. No I/O here.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::cohort::config::{Question, RESERVED_SURVEY_FIELDS};
use crate::cohort::{Cohort, Config};
use crate::csvio::Sheet;
use crate::import::{self, Field, normalise, similarity};
use crate::model::{Approval, Participant, Phase, QUOTE, Response, Role, Status, normalise_email};

/// What a column of a survey export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Form metadata (a timestamp) or a column skipped with `--ignore-column`.
    Ignore,
    Email,
    /// A question, by its index in `[[evaluation.question]]`.
    Question(usize),
    /// Free text the respondent would like to share about the scheme.
    Quote,
    /// Whether the quote may be used, anonymously.
    Consent,
}

/// How similar (share of words in common) a header must be to a question's text to be taken for it.
const SIMILAR: f64 = 0.6;

/// Labels of a five-point Likert scale, after [`normalise`], and the number each stands for.
const LIKERT: &[(&str, u32)] = &[
    ("strongly disagree", 1),
    ("disagree", 2),
    ("neither agree nor disagree", 3),
    ("neither agree or disagree", 3),
    ("neutral", 3),
    ("agree", 4),
    ("strongly agree", 5),
];

const LIKERT_HELP: &str =
    "Strongly disagree, Disagree, Neither agree nor disagree (or Neutral), Agree, Strongly agree";

/// The header of a form's free-text question, and short names coordinators give it.
const QUOTE_HEADERS: &[&str] = &[
    "quote",
    "quotes",
    "comment",
    "comments",
    "any comments",
    "any other comments",
    "anything else",
    "anything you would like to share about the scheme",
    "anything else you would like to share about the scheme",
    "is there anything you would like to share about the scheme",
];

fn column_name(column: Column, config: &Config) -> String {
    match column {
        Column::Ignore => "ignore".into(),
        Column::Email => "email".into(),
        Column::Question(i) => config.evaluation.question[i].id.clone(),
        Column::Quote => "quote".into(),
        Column::Consent => "consent".into(),
    }
}

/// Every name `--map` accepts, for error messages.
pub fn valid_columns(config: &Config) -> String {
    config
        .evaluation
        .question
        .iter()
        .map(|q| q.id.as_str())
        .chain(RESERVED_SURVEY_FIELDS.iter().copied())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_column(name: &str, config: &Config) -> Option<Column> {
    let name = name.trim();
    if let Some(i) = config
        .evaluation
        .question
        .iter()
        .position(|q| q.id.eq_ignore_ascii_case(name))
    {
        return Some(Column::Question(i));
    }
    match name.to_ascii_lowercase().as_str() {
        "quote" => Some(Column::Quote),
        "consent" => Some(Column::Consent),
        "email" => Some(Column::Email),
        "ignore" => Some(Column::Ignore),
        _ => None,
    }
}

/// The question a header asks: its id, its text, or text close enough to one question only. Forms
/// write a grid's rows as `Title [Row text]`, so the text in brackets is tried too.
fn question_for(header: &str, questions: &[Question]) -> Option<usize> {
    let mut texts = vec![header];
    if let (Some(open), Some(close)) = (header.rfind('['), header.rfind(']'))
        && open < close
    {
        texts.push(&header[open + 1..close]);
    }
    for text in &texts {
        let n = normalise(text);
        if let Some(i) = questions
            .iter()
            .position(|q| n == normalise(&q.id) || n == normalise(&q.text))
        {
            return Some(i);
        }
    }
    let mut best: Option<(f64, usize)> = None;
    let mut tied = false;
    for (i, q) in questions.iter().enumerate() {
        let score = texts
            .iter()
            .map(|t| similarity(t, &q.text))
            .fold(0.0, f64::max);
        if score < SIMILAR {
            continue;
        }
        match best {
            Some((b, _)) if score < b => {}
            Some((b, _)) if score == b => tied = true,
            _ => {
                best = Some((score, i));
                tied = false;
            }
        }
    }
    if tied { None } else { best.map(|(_, i)| i) }
}

/// The column a header names, if it can be told from the header alone.
pub fn recognise(header: &str, config: &Config) -> Option<Column> {
    if let Some(i) = question_for(header, &config.evaluation.question) {
        return Some(Column::Question(i));
    }
    let n = normalise(header);
    let has = |phrase: &str| format!(" {n} ").contains(&format!(" {phrase} "));
    if has("consent")
        || ["quote you", "quote your", "quote me", "quote my"]
            .iter()
            .any(|p| has(p))
    {
        return Some(Column::Consent);
    }
    if QUOTE_HEADERS.contains(&n.as_str())
        || similarity(header, "Anything you would like to share about the scheme?") >= SIMILAR
    {
        return Some(Column::Quote);
    }
    match import::recognise(header, config) {
        Some(Field::Ignore) => Some(Column::Ignore),
        Some(Field::Email) => Some(Column::Email),
        _ => None,
    }
}

impl import::Target for Column {
    const IGNORE: Self = Column::Ignore;
    const NOUN: &'static str = "question";
    const UNKNOWN: &'static str = "a question of this cohort";
    fn name(self, config: &Config) -> String {
        column_name(self, config)
    }
    fn parse(name: &str, config: &Config) -> Option<Self> {
        parse_column(name, config)
    }
    fn recognise(header: &str, config: &Config) -> Option<Self> {
        recognise(header, config)
    }
    fn valid(config: &Config) -> String {
        valid_columns(config)
    }
}

/// Place every header of a survey export; the respondent's email must be among them.
pub fn map_columns(
    file: &str,
    headers: &[String],
    config: &Config,
    maps: &[(String, String)],
    ignore: &[String],
) -> Result<Vec<Column>, Vec<String>> {
    let (columns, mut problems) =
        import::place_columns::<Column>(file, headers, config, maps, ignore);
    if !columns.contains(&Column::Email) {
        problems.push(format!(
            "{file}:1: no column holds the respondent's email address (forms call it \"Email address\"): --map 'HEADER=email'"
        ));
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// An answer: a whole number from 1 to the scale, or (on a five-point scale) a Likert label.
pub fn parse_answer(value: &str, scale: u32) -> Result<u32, String> {
    let v = value.trim();
    if let Ok(n) = v.parse::<u32>()
        && (1..=scale).contains(&n)
    {
        return Ok(n);
    }
    if scale == 5 {
        let n = normalise(v);
        if let Some((_, score)) = LIKERT.iter().find(|(label, _)| *label == n) {
            return Ok(*score);
        }
        return Err(format!(
            "\"{v}\" is not an answer: expected 1 to 5 or one of {LIKERT_HELP} (any case)"
        ));
    }
    Err(format!(
        "\"{v}\" is not an answer: expected a whole number from 1 to {scale}"
    ))
}

/// Consent to be quoted: "Yes" or "No" (a longer answer counts by its first word); empty is no.
pub fn parse_consent(value: &str) -> Result<bool, String> {
    let n = normalise(value);
    let first = n.split(' ').next().unwrap_or("");
    match first {
        "" | "no" | "n" => Ok(false),
        "yes" | "y" => Ok(true),
        _ => Err(format!(
            "\"{}\" is not an answer to the consent question: expected Yes or No",
            value.trim()
        )),
    }
}

/// One respondent's answers from one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Respondent {
    pub id: String,
    pub role: Role,
    pub line: usize,
    pub responses: Vec<Response>,
    /// Answers to questions not asked of the respondent's role, left out.
    pub other_role: usize,
}

/// Read every row of a survey export, or return every problem: unknown emails (all listed in one
/// problem), answers that are not on the scale (file, line, column, value, what is valid), a
/// respondent on two rows.
#[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
pub fn read_rows(
    file: &str,
    sheet: &Sheet,
    columns: &[Column],
    phase: Phase,
    participants: &[&Participant],
    config: &Config,
) -> Result<Vec<Respondent>, Vec<String>> {
    if sheet.rows.is_empty() {
        return Err(vec![format!(
            "{file}: has a header but no rows: nothing to import"
        )]);
    }
    let by_email: FxHashMap<&str, &Participant> = participants
        .iter()
        .filter(|p| !p.email.is_empty() && p.status != Status::Erased)
        .map(|p| (p.email.as_str(), *p))
        .collect();
    let questions = &config.evaluation.question;
    let mut problems = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut seen: FxHashMap<String, usize> = FxHashMap::default();
    let mut respondents = Vec::with_capacity(sheet.rows.len());
    let email_at = columns.iter().position(|c| *c == Column::Email);
    let consent_at = columns.iter().position(|c| *c == Column::Consent);
    for row in &sheet.rows {
        let at = |h: usize| format!("{file}:{}: column \"{}\"", row.line, sheet.headers[h]);
        let Some(h) = email_at else { continue };
        let raw = row.cell(h).trim();
        let email = normalise_email(raw);
        if email.is_empty() {
            problems.push(format!(
                "{}: the email is empty: every response needs the respondent's email address",
                at(h)
            ));
            continue;
        }
        let Some(person) = by_email.get(email.as_str()) else {
            unknown.push(format!("{raw} (line {})", row.line));
            continue;
        };
        if let Some(first) = seen.insert(email.clone(), row.line) {
            problems.push(format!(
                "{file}:{}: {email} also answered on line {first}: one response per person and phase; delete the row that does not count",
                row.line
            ));
            continue;
        }
        let mut r = Respondent {
            id: person.id.clone(),
            role: person.role,
            line: row.line,
            responses: Vec::new(),
            other_role: 0,
        };
        let consent = match consent_at.map(|h| (h, parse_consent(row.cell(h)))) {
            None => None,
            Some((_, Ok(c))) => Some(c),
            Some((h, Err(e))) => {
                problems.push(format!("{}: {e}", at(h)));
                None
            }
        };
        for (h, column) in columns.iter().enumerate() {
            let value = row.cell(h).trim();
            match column {
                Column::Question(i) => {
                    let q = &questions[*i];
                    if value.is_empty() {
                        continue;
                    }
                    if !q.roles.contains(&r.role) {
                        r.other_role += 1;
                        continue;
                    }
                    match parse_answer(value, q.scale) {
                        Ok(score) => r.responses.push(Response {
                            participant: r.id.clone(),
                            phase,
                            question: q.id.clone(),
                            answer: score.to_string(),
                            consent: None,
                            approval: Approval::Undecided,
                            published: String::new(),
                        }),
                        Err(e) => problems.push(format!("{}: {e}", at(h))),
                    }
                }
                Column::Quote if !value.is_empty() => {
                    // Line breaks in a comment become `\n`; other control characters are refused.
                    let value = value.replace("\r\n", "\n").replace('\r', "\n");
                    if let Err(e) = crate::text::check(&value, crate::text::Kind::Comment) {
                        problems.push(format!("{}: the comment {e}", at(h)));
                        continue;
                    }
                    r.responses.push(Response {
                        participant: r.id.clone(),
                        phase,
                        question: QUOTE.into(),
                        answer: value,
                        consent: Some(consent.unwrap_or(false)),
                        approval: Approval::Undecided,
                        published: String::new(),
                    });
                }
                _ => {}
            }
        }
        respondents.push(r);
    }
    if !unknown.is_empty() {
        problems.push(format!(
            "{} email address{} in {file} belong{} to no participant of the cohort (emails are compared ignoring case and spaces): {}; correct them, enrol the people, or delete their rows",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "es" },
            if unknown.len() == 1 { "s" } else { "" },
            unknown.join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(respondents)
    } else {
        Err(problems)
    }
}

/// What an import recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    pub mentors: usize,
    pub mentees: usize,
    pub answers: usize,
    pub quotes: usize,
    pub quotes_with_consent: usize,
    /// Respondents whose earlier answers for the phase were replaced.
    pub replaced: usize,
    pub other_role: usize,
}

/// Record each respondent's answers for the phase, replacing whatever they answered in that phase
/// before (a corrected export is re-imported without duplicating anyone). The coordinator's
/// decision on a quote is kept when the quote and its consent are unchanged.
pub fn apply(cohort: &mut Cohort, phase: Phase, respondents: Vec<Respondent>) -> Imported {
    let decided: FxHashMap<(String, String), (Option<bool>, Approval, String)> = cohort
        .responses
        .iter()
        .filter(|r| r.phase == phase && r.is_quote() && r.approval != Approval::Undecided)
        .map(|r| {
            (
                (r.participant.clone(), r.answer.clone()),
                (r.consent, r.approval, r.published.clone()),
            )
        })
        .collect();
    let ids: FxHashSet<&str> = respondents.iter().map(|r| r.id.as_str()).collect();
    let earlier: FxHashSet<String> = cohort
        .responses
        .iter()
        .filter(|r| r.phase == phase && ids.contains(r.participant.as_str()))
        .map(|r| r.participant.clone())
        .collect();
    cohort
        .responses
        .retain(|r| !(r.phase == phase && ids.contains(r.participant.as_str())));
    let mut done = Imported {
        replaced: earlier.len(),
        ..Imported::default()
    };
    for r in respondents {
        match r.role {
            Role::Mentor => done.mentors += 1,
            Role::Mentee => done.mentees += 1,
        }
        done.other_role += r.other_role;
        for mut response in r.responses {
            if response.is_quote() {
                let key = (response.participant.clone(), response.answer.clone());
                if let Some((consent, approval, published)) = decided.get(&key)
                    && *consent == response.consent
                {
                    response.approval = *approval;
                    response.published.clone_from(published);
                }
                done.quotes += 1;
                if response.consent == Some(true) {
                    done.quotes_with_consent += 1;
                }
            } else {
                done.answers += 1;
            }
            cohort.responses.push(response);
        }
    }
    done
}

/// A quote's id on the command line: its author's id and the survey, `p006-baseline`.
pub fn quote_id(r: &Response) -> String {
    format!("{}-{}", r.participant, r.phase)
}

/// Finds what identifies people in a quote: everyone enrolled (names and their parts, emails,
/// ids, departments and their words, grades, managers' names from their emails) and every
/// characteristic value declared, look-alike letters folded.
pub fn quote_redactor(cohort: &Cohort) -> crate::evaluation::Redactor {
    let mut b = crate::evaluation::redact::Builder::new();
    b.every_email();
    for p in cohort.participants.iter() {
        b.participant(p);
    }
    for t in cohort.traits.iter() {
        for v in &t.values {
            b.characteristic(v);
        }
    }
    b.build()
}

/// A consented quote as the coordinator reviews it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: String,
    pub role: Option<Role>,
    pub phase: Phase,
    pub approval: Approval,
    /// The quote with each automatic redaction marked: `[name: Richard Hale]`.
    pub marked: String,
    /// What would be published: the quote with the redactions made.
    pub redacted: String,
}

/// Every consented quote, with its automatic redactions, in file order.
pub fn review(cohort: &Cohort) -> Vec<Review> {
    let redactor = quote_redactor(cohort);
    let people = cohort.people();
    cohort
        .responses
        .iter()
        .filter(|r| r.is_quote() && r.consent == Some(true))
        .map(|r| {
            let marked = redactor.replace(&r.answer, |f| {
                format!(
                    "{}: {}]",
                    f.label.mark().trim_end_matches(']'),
                    &r.answer[f.start..f.end]
                )
            });
            Review {
                id: quote_id(r),
                role: people.get(r.participant.as_str()).map(|p| p.role),
                phase: r.phase,
                approval: r.approval,
                marked,
                redacted: redactor.redact(&r.answer),
            }
        })
        .collect()
}

/// Record the coordinator's decisions: an approved quote is published as redacted now; a rejected
/// one never is. Every unknown id or quote without consent is reported, and nothing changes.
pub fn decide(
    cohort: &mut Cohort,
    approve: &[String],
    reject: &[String],
) -> Result<usize, Vec<String>> {
    let redactor = quote_redactor(cohort);
    let mut problems = Vec::new();
    let both: Vec<&String> = approve.iter().filter(|a| reject.contains(a)).collect();
    for id in both {
        problems.push(format!("{id} is both approved and rejected: choose one"));
    }
    let quotes: FxHashMap<String, &Response> = cohort
        .responses
        .iter()
        .filter(|r| r.is_quote())
        .map(|r| (quote_id(r), r))
        .collect();
    let approving: FxHashSet<&str> = approve.iter().map(|a| a.trim()).collect();
    let rejecting: FxHashSet<&str> = reject.iter().map(|a| a.trim()).collect();
    for id in approve.iter().chain(reject) {
        let id = id.trim();
        match quotes.get(id) {
            None => problems.push(format!(
                "there is no quote {id}: quotes are named by their author's id and survey, like p006-baseline; `revmentor survey {} quotes` lists them{}",
                cohort.name,
                if quotes.is_empty() { " (there are none yet)".to_string() } else { String::new() }
            )),
            Some(r) if r.consent != Some(true) && approving.contains(id) => {
                problems.push(format!(
                    "{id}: its author did not agree to be quoted, so it cannot be approved"
                ));
            }
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut changed = 0;
    for r in cohort.responses.iter_mut().filter(|r| r.is_quote()) {
        let id = quote_id(r);
        let (approval, published) = if approving.contains(id.as_str()) {
            // Markers can be longer than the names they replace: cut to what the cell holds.
            (
                Approval::Approved,
                crate::text::within(
                    redactor.redact(r.answer.trim()),
                    <Response as crate::cohort::Record>::text_kind("published"),
                ),
            )
        } else if rejecting.contains(id.as_str()) {
            (Approval::Rejected, String::new())
        } else {
            continue;
        };
        if r.approval != approval || r.published != published {
            r.approval = approval;
            r.published = published;
            changed += 1;
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse("[cohort]\nstart = 2020-01-13\nend = 2020-07-31\n").expect("config")
    }

    #[test]
    fn answers_are_numbers_or_likert_labels() {
        assert_eq!(parse_answer(" Strongly AGREE ", 5), Ok(5));
        assert_eq!(parse_answer("Neutral", 5), Ok(3));
        assert_eq!(parse_answer("Neither agree nor disagree", 5), Ok(3));
        assert_eq!(parse_answer("2", 5), Ok(2));
        assert!(parse_answer("6", 5).is_err());
        assert!(parse_answer("0", 5).is_err());
        assert!(
            parse_answer("Agree", 7)
                .expect_err("7-point")
                .contains("1 to 7")
        );
        assert!(
            parse_answer("Mostly", 5)
                .expect_err("bad")
                .contains("Strongly disagree")
        );
    }

    #[test]
    fn consent_is_yes_or_no() {
        assert_eq!(parse_consent("Yes, you may quote me"), Ok(true));
        assert_eq!(parse_consent(""), Ok(false));
        assert_eq!(parse_consent("No"), Ok(false));
        assert!(parse_consent("Maybe").is_err());
    }

    #[test]
    fn headers_are_recognised_by_text_id_and_form_shapes() {
        let c = config();
        let q = |h: &str| recognise(h, &c);
        assert_eq!(q("Timestamp"), Some(Column::Ignore));
        assert_eq!(q("Email address"), Some(Column::Email));
        assert_eq!(q("heard"), Some(Column::Question(3)));
        assert_eq!(
            q("I feel confident talking about race and other challenging conversations"),
            Some(Column::Question(0))
        );
        assert_eq!(
            q("How far do you agree? [I feel my voice is heard and valued by senior leaders]"),
            Some(Column::Question(3))
        );
        assert_eq!(
            q("I feel confident talking about race and other difficult conversations."),
            Some(Column::Question(0))
        );
        assert_eq!(q("May we quote you anonymously?"), Some(Column::Consent));
        assert_eq!(q("Consent"), Some(Column::Consent));
        assert_eq!(
            q("Anything you would like to share about the scheme?"),
            Some(Column::Quote)
        );
        assert_eq!(q("Quote"), Some(Column::Quote));
        assert_eq!(q("Favourite colour"), None);
    }
}
