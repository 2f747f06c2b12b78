//! The rules between a cohort's files: every id names someone, every row agrees with the rows it
//! refers to, capacities and scales are kept. Each broken rule is one [`Problem`] with its file and
//! line; all of them are returned together. Rules over a file the command did not read are skipped.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{
    ATTENDANCE, BRIEFINGS, CHARACTERISTICS, Cohort, MATCHES, MEETINGS, MESSAGES, PARTICIPANTS,
    RESPONSES,
};
use crate::model::{MeetingStatus, PairStatus, Participant, Role, Status, is_email};
use crate::problems::Problem;

/// Every rule between the loaded files; an empty list when the cohort is whole.
pub fn consistency(c: &Cohort) -> Vec<Problem> {
    let mut problems = Vec::new();
    if c.briefings.is_loaded() {
        briefings(c, &mut problems);
    }
    if !c.participants.is_loaded() {
        return problems;
    }
    let people = participants(c, &mut problems);
    if c.traits.is_loaded() {
        characteristics(c, &people, &mut problems);
    }
    if c.attendance.is_loaded() && c.briefings.is_loaded() {
        attendance(c, &people, &mut problems);
    }
    if c.pairs.is_loaded() {
        pairs(c, &people, &mut problems);
        if c.meetings.is_loaded() {
            meetings(c, &people, &mut problems);
        }
    }
    if c.responses.is_loaded() {
        responses(c, &people, &mut problems);
    }
    if c.org.is_loaded() {
        super::org::check(c, &mut problems);
    }
    if c.messages.is_loaded() {
        messages(c, &people, &mut problems);
    }
    problems
}

/// What is not wrong but worth a look, reported by `check` only: emails that differ from another
/// only by what a reader cannot see (case, a +tag, a trailing dot, a look-alike letter), and text a
/// spreadsheet would run as a formula.
pub fn advisories(c: &Cohort) -> Vec<Problem> {
    let mut found = Vec::new();
    if !c.participants.is_loaded() {
        return found;
    }
    let mut skeletons: FxHashMap<String, (usize, &Participant)> = FxHashMap::default();
    for (line, p) in c.participants.iter_lines() {
        if p.email.is_empty() {
            continue;
        }
        let skeleton = crate::text::email_skeleton(&p.email);
        if let Some((first, other)) = skeletons.get(&skeleton) {
            found.push(at(
                PARTICIPANTS,
                line,
                format!(
                    "{}'s email {} looks like {}'s {} (line {first}): they differ {}; if they are one person, withdraw the copy",
                    p.id,
                    p.email,
                    other.id,
                    other.email,
                    crate::text::how_emails_differ(&p.email, &other.email)
                ),
            ));
        } else {
            skeletons.insert(skeleton, (line, p));
        }
        for (field, value) in [
            ("name", &p.name),
            ("department", &p.department),
            ("grade", &p.grade),
        ] {
            if crate::text::runs_as_formula(value) {
                found.push(at(
                    PARTICIPANTS,
                    line,
                    format!(
                        "{}'s {field} \"{value}\" begins like a formula: a spreadsheet may run it (or have replaced a value with its result); check it",
                        p.id
                    ),
                ));
            }
        }
        let results = [
            ("name", &p.name, formula_result(&p.name, &p.email)),
            (
                "department",
                &p.department,
                spreadsheet_value(&p.department),
            ),
            ("grade", &p.grade, spreadsheet_value(&p.grade)),
        ];
        for (field, value, why) in results {
            if let Some(why) = why {
                found.push(at(
                    PARTICIPANTS,
                    line,
                    format!(
                        "{}'s {field} \"{value}\" {why}: a spreadsheet may have replaced a formula typed there with its result; restore it (from git or the form) with `revmentor enrol {} --update --email {} --{field} \"...\"`",
                        p.id, c.name, p.email
                    ),
                ));
            }
        }
    }
    // org.csv's names (a hand-edited or older file; `org --from` refuses them).
    for (line, o) in c.org.iter_lines() {
        if crate::text::runs_as_formula(&o.name) {
            found.push(at(
                super::ORG,
                line,
                format!(
                    "{}'s name \"{}\" begins like a formula: a spreadsheet may run it; check it",
                    o.email, o.name
                ),
            ));
        }
    }
    found
}

/// Why a name looks like what a spreadsheet leaves when it replaces a formula with its result: an
/// error value (`#NAME?`), a truth value, a bare number, or one lower-case word sharing nothing
/// with the email's name-like parts (a link's text, "click"). `None` for a name that looks like a
/// name.
/// Why a cell holds what only a spreadsheet writes: an error value (`#REF!`) or a truth value.
fn spreadsheet_value(value: &str) -> Option<&'static str> {
    const ERRORS: [&str; 8] = [
        "#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#SPILL!",
    ];
    let value = value.trim();
    if ERRORS.iter().any(|e| value.eq_ignore_ascii_case(e)) {
        Some("is a spreadsheet's error value")
    } else if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") {
        Some("is a spreadsheet's truth value")
    } else {
        None
    }
}

fn formula_result(name: &str, email: &str) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    if let Some(why) = spreadsheet_value(name) {
        return Some(why);
    }
    if name
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | ' '))
    {
        return Some("is a number");
    }
    let one_lower_word = !name.contains(char::is_whitespace)
        && name
            .chars()
            .all(|c| c.is_lowercase() || c == '-' || c == '\'');
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    let parts: Vec<&str> = local
        .split(['.', '_', '-', '+'])
        .filter(|p| p.chars().count() >= 3 && p.chars().all(char::is_alphabetic))
        .collect();
    let lower = name.to_lowercase();
    if one_lower_word
        && !parts.is_empty()
        && !parts
            .iter()
            .any(|p| lower.contains(p) || p.contains(lower.as_str()))
    {
        return Some("is one lower-case word that shares nothing with their email");
    }
    None
}

type People<'a> = FxHashMap<&'a str, (usize, &'a Participant)>;

fn at(file: &str, line: usize, message: String) -> Problem {
    Problem::new(file, (line > 0).then_some(line), message)
}

fn participants<'a>(c: &'a Cohort, problems: &mut Vec<Problem>) -> People<'a> {
    let n = c.participants.len();
    let mut ids: People = FxHashMap::with_capacity_and_hasher(n, Default::default());
    let mut emails: FxHashMap<&str, (usize, &str)> =
        FxHashMap::with_capacity_and_hasher(n, Default::default());
    for (line, p) in c.participants.iter_lines() {
        if let Some((first, _)) = ids.get(p.id.as_str()) {
            problems.push(at(
                PARTICIPANTS,
                line,
                format!(
                    "id {} is also on line {first}: ids are unique; give one of the rows the id it had (git or a backup has it)",
                    p.id
                ),
            ));
        } else {
            ids.insert(p.id.as_str(), (line, p));
        }
        if !p.email.is_empty() {
            if let Some((first, other)) = emails.get(p.email.as_str()) {
                problems.push(at(
                    PARTICIPANTS,
                    line,
                    format!(
                        "email {} belongs to both {other} and {} (lines {first} and {line}): emails are unique in a cohort; delete the row that is a copy, or correct the email",
                        p.email, p.id
                    ),
                ));
            } else {
                emails.insert(p.email.as_str(), (line, p.id.as_str()));
            }
        }
    }
    for (line, p) in c.participants.iter_lines() {
        for entry in &p.conflicts {
            if !is_email(entry) && !ids.contains_key(entry.as_str()) {
                problems.push(at(
                    PARTICIPANTS,
                    line,
                    format!(
                        "{}: conflict \"{entry}\" names nobody in the cohort: use a participant's id or an email",
                        p.id
                    ),
                ));
            }
        }
        let topics = &c.config.evaluation.topics;
        for t in &p.interests {
            if !topics.iter().any(|v| v.eq_ignore_ascii_case(t)) {
                problems.push(at(
                    PARTICIPANTS,
                    line,
                    format!(
                        "{}: interest \"{t}\" is not a topic of cohort.toml ([evaluation] topics: {})",
                        p.id,
                        topics.join(", ")
                    ),
                ));
            }
        }
        if !p.manager.is_empty() && !is_email(&p.manager) && !ids.contains_key(p.manager.as_str()) {
            problems.push(at(
                PARTICIPANTS,
                line,
                format!(
                    "{}: manager \"{}\" is neither an email nor a participant's id: write the manager's email or id (`enrol` and `--manager` also take a name that matches exactly one person, and write their email)",
                    p.id, p.manager
                ),
            ));
        }
    }
    ids
}

fn unknown(file: &str, line: usize, column: &str, id: &str) -> Problem {
    at(
        file,
        line,
        format!(
            "{column} {id} names nobody in {PARTICIPANTS}: restore that participant's row, or delete this row"
        ),
    )
}

fn characteristics(c: &Cohort, people: &People, problems: &mut Vec<Problem>) {
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    for (line, t) in c.traits.iter_lines() {
        if !people.contains_key(t.id.as_str()) {
            problems.push(at(
                CHARACTERISTICS,
                line,
                format!(
                    "id {} has no row in {PARTICIPANTS}: the participant's row was deleted by hand (restore it from a backup or git), or delete this row",
                    t.id
                ),
            ));
        }
        if let Some(first) = seen.insert(t.id.as_str(), line) {
            problems.push(at(
                CHARACTERISTICS,
                line,
                format!(
                    "id {} is also on line {first}: one row per participant; delete one",
                    t.id
                ),
            ));
        }
        if people
            .get(t.id.as_str())
            .is_some_and(|(_, p)| p.status == Status::Erased)
        {
            problems.push(at(
                CHARACTERISTICS,
                line,
                format!(
                    "{} was erased, but their characteristics are still here: delete this row",
                    t.id
                ),
            ));
        }
    }
}

fn briefings(c: &Cohort, problems: &mut Vec<Problem>) {
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    for (line, b) in c.briefings.iter_lines() {
        if let Some(first) = seen.insert(b.id.as_str(), line) {
            problems.push(at(
                BRIEFINGS,
                line,
                format!(
                    "session id {} is also on line {first}: session ids are unique; give this one an unused id",
                    b.id
                ),
            ));
        }
    }
}

fn attendance(c: &Cohort, people: &People, problems: &mut Vec<Problem>) {
    let sessions: FxHashMap<&str, &crate::model::Briefing> =
        c.briefings.iter().map(|b| (b.id.as_str(), b)).collect();
    let mut seen: FxHashSet<(&str, &str)> = FxHashSet::default();
    for (line, a) in c.attendance.iter_lines() {
        let session = sessions.get(a.briefing.as_str());
        if session.is_none() {
            problems.push(at(
                ATTENDANCE,
                line,
                format!(
                    "session {} is not in {BRIEFINGS}: restore the session, or delete this row",
                    a.briefing
                ),
            ));
        }
        match people.get(a.participant.as_str()) {
            None => problems.push(unknown(ATTENDANCE, line, "participant", &a.participant)),
            Some((_, p)) => {
                if let Some(s) = session
                    && !s.audience.includes(p.role)
                {
                    problems.push(at(
                        ATTENDANCE,
                        line,
                        format!(
                            "{} is a {}, but session {} is for {}: delete this row",
                            p.id,
                            p.role,
                            s.id,
                            s.audience.as_str()
                        ),
                    ));
                }
            }
        }
        if !seen.insert((a.briefing.as_str(), a.participant.as_str())) {
            problems.push(at(
                ATTENDANCE,
                line,
                format!(
                    "{} at session {} is recorded twice: delete this row",
                    a.participant, a.briefing
                ),
            ));
        }
    }
}

/// Whether `id` names a participant of `role`, with a problem saying what is wrong if not.
fn role_of(
    file: &str,
    line: usize,
    column: &str,
    id: &str,
    role: Role,
    people: &People,
    problems: &mut Vec<Problem>,
) -> bool {
    match people.get(id) {
        None => {
            problems.push(unknown(file, line, column, id));
            false
        }
        Some((_, p)) if p.role != role => {
            problems.push(at(
                file,
                line,
                format!(
                    "{column} {id} is a {}, not a {role}: the {column} column holds {}",
                    p.role,
                    role.plural()
                ),
            ));
            false
        }
        Some(_) => true,
    }
}

fn pairs(c: &Cohort, people: &People, problems: &mut Vec<Problem>) {
    let capacity = usize::try_from(c.config.matching.mentor_capacity).unwrap_or(usize::MAX);
    let mut mentee_running: FxHashMap<&str, usize> = FxHashMap::default();
    let mut mentor_load: FxHashMap<&str, (usize, usize)> = FxHashMap::default();
    for (line, pair) in c.pairs.iter_lines() {
        if pair.mentee == pair.mentor {
            problems.push(at(
                MATCHES,
                line,
                format!(
                    "{} is paired with themself: a pair is a mentee and a mentor; delete this row",
                    pair.mentee
                ),
            ));
            continue;
        }
        let ok = role_of(
            MATCHES,
            line,
            "mentee",
            &pair.mentee,
            Role::Mentee,
            people,
            problems,
        ) & role_of(
            MATCHES,
            line,
            "mentor",
            &pair.mentor,
            Role::Mentor,
            people,
            problems,
        );
        match pair.status {
            PairStatus::Confirmed if pair.confirmed_on.is_none() => problems.push(at(
                MATCHES,
                line,
                "a confirmed pair has no confirmed_on date: fill it in (YYYY-MM-DD)".into(),
            )),
            PairStatus::Ended if pair.ended_on.is_none() => problems.push(at(
                MATCHES,
                line,
                "an ended pair has no ended_on date: fill it in (YYYY-MM-DD)".into(),
            )),
            _ => {}
        }
        if pair.status == PairStatus::Ended || !ok {
            continue;
        }
        for id in [&pair.mentee, &pair.mentor] {
            if let Some((_, p)) = people.get(id.as_str())
                && matches!(p.status, Status::Withdrawn | Status::Erased)
            {
                problems.push(at(
                    MATCHES,
                    line,
                    format!(
                        "{} is {}, but this pair is still {}: set its status to ended (with ended_on), or reinstate them",
                        p.id,
                        p.status,
                        pair.status.as_str()
                    ),
                ));
            }
        }
        if let Some(first) = mentee_running.insert(pair.mentee.as_str(), line) {
            problems.push(at(
                MATCHES,
                line,
                format!(
                    "mentee {} is also in the pair on line {first}: a mentee has one mentor at a time; end or delete one of the pairs",
                    pair.mentee
                ),
            ));
        }
        let load = mentor_load.entry(pair.mentor.as_str()).or_default();
        if pair.status == PairStatus::Confirmed {
            load.0 += 1;
        }
        load.1 += 1;
        if load.1 == capacity + 1 {
            problems.push(at(
                MATCHES,
                line,
                format!(
                    "mentor {} is in more pairs than mentor_capacity = {capacity} allows: end or delete one of them, or raise [matching] mentor_capacity",
                    pair.mentor
                ),
            ));
        }
    }
}

fn meetings(c: &Cohort, people: &People, problems: &mut Vec<Problem>) {
    let known: FxHashSet<(&str, &str)> = c
        .pairs
        .iter()
        .map(|p| (p.mentee.as_str(), p.mentor.as_str()))
        .collect();
    let mut numbers: FxHashMap<(&str, &str, u32), usize> = FxHashMap::default();
    let mut uids: FxHashMap<&str, usize> = FxHashMap::default();
    for (line, m) in c.meetings.iter_lines() {
        if !m.uid.is_empty()
            && let Some(first) = uids.insert(m.uid.as_str(), line)
        {
            problems.push(at(
                MEETINGS,
                line,
                format!(
                    "uid {} is also on line {first}: a meeting's uid is its identity in calendars; give this row back the uid it had (git or a backup has it), or empty it on a row that never was in a calendar",
                    m.uid
                ),
            ));
        }
        let ok = role_of(
            MEETINGS,
            line,
            "mentee",
            &m.mentee,
            Role::Mentee,
            people,
            problems,
        ) & role_of(
            MEETINGS,
            line,
            "mentor",
            &m.mentor,
            Role::Mentor,
            people,
            problems,
        );
        if ok && !known.contains(&(m.mentee.as_str(), m.mentor.as_str())) {
            problems.push(at(
                MEETINGS,
                line,
                format!(
                    "{} and {} were never a pair in {MATCHES}: a meeting belongs to a pair; delete this row or restore the pair",
                    m.mentee, m.mentor
                ),
            ));
        }
        if m.due_by < m.due_from {
            problems.push(at(
                MEETINGS,
                line,
                format!(
                    "due_by {} is before due_from {}: a meeting's window ends on or after it starts",
                    m.due_by, m.due_from
                ),
            ));
        }
        if m.status != MeetingStatus::Planned && m.date.is_none() {
            problems.push(at(
                MEETINGS,
                line,
                format!(
                    "a {} meeting has no date: fill in the day it was {} (YYYY-MM-DD)",
                    m.status.as_str(),
                    m.status.as_str()
                ),
            ));
        }
        if let Some(first) = numbers.insert((m.mentee.as_str(), m.mentor.as_str(), m.number), line)
        {
            problems.push(at(
                MEETINGS,
                line,
                format!(
                    "meeting {} of {} and {} is also on line {first}: number each pair's meetings 1, 2, 3, ...",
                    m.number, m.mentee, m.mentor
                ),
            ));
        }
    }
}

fn responses(c: &Cohort, people: &People, problems: &mut Vec<Problem>) {
    let questions: FxHashMap<&str, u32> = c
        .config
        .evaluation
        .question
        .iter()
        .map(|q| (q.id.as_str(), q.scale))
        .collect();
    let mut seen: FxHashMap<(&str, crate::model::Phase, &str), usize> = FxHashMap::default();
    for (line, r) in c.responses.iter_lines() {
        if !people.contains_key(r.participant.as_str()) {
            problems.push(unknown(RESPONSES, line, "participant", &r.participant));
        }
        if !r.is_quote() {
            match questions.get(r.question.as_str()) {
                None => problems.push(at(
                    RESPONSES,
                    line,
                    format!(
                        "question \"{}\" is not in cohort.toml's [[evaluation.question]] list: add it there, or delete the cohort's answers to it",
                        r.question
                    ),
                )),
                Some(&scale) => {
                    if r.score().is_some_and(|a| a > scale) {
                        problems.push(at(
                            RESPONSES,
                            line,
                            format!(
                                "answer {} to {} is outside its scale of 1 to {scale}: correct it",
                                r.answer, r.question
                            ),
                        ));
                    }
                }
            }
        }
        if let Some(first) =
            seen.insert((r.participant.as_str(), r.phase, r.question.as_str()), line)
        {
            problems.push(at(
                RESPONSES,
                line,
                format!(
                    "{} answered {} in the {} survey twice (also line {first}): delete one",
                    r.participant, r.question, r.phase
                ),
            ));
        }
    }
}

/// Every message was to someone the cohort knows (a tombstone counts: erasure keeps the row).
fn messages(c: &Cohort, people: &People, problems: &mut Vec<Problem>) {
    for (line, m) in c.messages.iter_lines() {
        if !people.contains_key(m.participant.as_str()) {
            problems.push(unknown(MESSAGES, line, "participant", &m.participant));
        }
    }
}
