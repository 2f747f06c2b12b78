//! Who is due which message today: each kind's rule, the people named on the command line (and
//! why a message cannot go to one of them), and "never twice" from `messages.csv`. Withdrawn and
//! erased people get nothing; an ineligible applicant gets only the application's answer.
//!
//! Meetings due and pairs overdue come from the `meetings` module through one adapter,
//! [`from_meetings`], so that module can change behind it.

use chrono::{Days, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{Value, json};

use super::{Kind, day, person};
use crate::cohort::Cohort;
use crate::model::{Briefing, MeetingStatus, PairStatus, Participant, Phase, SessionKind, Status};

/// How the recipients are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everyone the kind is due to today.
    Due,
    /// The people named (`--who`): a reminder or thanks goes whatever the date; a chaser still
    /// only to an overdue pair.
    Named,
    /// `--preview`: the message a person would get, whatever the date and the log.
    Preview,
}

/// What the coordinator asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub kind: Kind,
    /// People named by id or email (`--who`).
    pub who: Vec<String>,
    pub preview: bool,
    /// Send again what the log says was sent (`--resend`).
    pub resend: bool,
    pub phase: Option<Phase>,
    pub session: Option<String>,
    /// Reminders: days ahead (default `[messages] remind_within_days`).
    pub within: Option<u32>,
}

impl Request {
    pub fn mode(&self) -> Mode {
        if self.preview {
            Mode::Preview
        } else if self.who.is_empty() {
            Mode::Due
        } else {
            Mode::Named
        }
    }
}

/// What an invitation attached to a message is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invite {
    Meeting {
        mentee: String,
        mentor: String,
        number: u32,
    },
    Session {
        id: String,
    },
}

/// One message due: its kind and wording, who it goes to, what it is about, the fields its
/// template may use.
#[derive(Debug, Clone)]
pub struct Due {
    pub kind: Kind,
    pub template: &'static str,
    pub about: String,
    /// Participant ids, in the order they are addressed.
    pub to: Vec<String>,
    pub fields: Value,
    pub invite: Option<Invite>,
    pub cc: Vec<String>,
    pub escalated: bool,
    /// Sent once ever (`None`), or again after this many days (chasers).
    pub again_after: Option<u32>,
    /// How many times the log says it went before (part of its Message-ID).
    pub sent_before: usize,
}

impl Due {
    fn new(
        kind: Kind,
        template: &'static str,
        about: String,
        to: Vec<String>,
        fields: Value,
    ) -> Due {
        Due {
            kind,
            template,
            about,
            to,
            fields,
            invite: None,
            cc: Vec::new(),
            escalated: false,
            again_after: None,
            sent_before: 0,
        }
    }
}

/// The messages chosen, and notes on what was left out and why.
#[derive(Debug, Default)]
pub struct Selected {
    pub due: Vec<Due>,
    pub notes: Vec<String>,
}

/// Each kind's messages, and for each person it cannot go to, why not.
#[derive(Debug, Default)]
struct Candidates {
    due: Vec<Due>,
    why_not: FxHashMap<String, String>,
    notes: Vec<String>,
}

impl Candidates {
    fn not(&mut self, id: &str, why: String) {
        self.why_not.entry(id.to_string()).or_insert(why);
    }
}

/// Choose the messages of one kind: due today, or to the people named, less what the log says
/// was sent (unless `resend` or a preview). Every problem is returned together.
pub fn select(
    cohort: &Cohort,
    request: &Request,
    today: NaiveDate,
) -> Result<Selected, Vec<String>> {
    let mode = request.mode();
    let mut problems = Vec::new();
    let mut named: Vec<String> = Vec::new();
    for who in &request.who {
        match cohort.resolve(who) {
            Ok(p) if matches!(p.status, Status::Withdrawn | Status::Erased) => {
                problems.push(format!(
                    "{} is {}{}: withdrawn and erased people get no messages",
                    p.who(),
                    p.status,
                    p.status_on
                        .map(|d| format!(" since {d}"))
                        .unwrap_or_default()
                ))
            }
            Ok(p) => named.push(p.id.clone()),
            Err(e) => problems.push(e),
        }
    }
    let log = super::log::Index::new(cohort);
    let candidates = match request.kind {
        Kind::Application => Ok(application(cohort)),
        Kind::Briefing => briefing(cohort, request.session.as_deref(), mode, today),
        Kind::Introduction => Ok(introduction(cohort)),
        Kind::Reminder => Ok(reminder(cohort, request.within, mode, today)),
        Kind::Chaser => Ok(chaser(cohort, &log, mode, today)),
        Kind::Survey => survey(cohort, request.phase, today),
        Kind::Thanks => Ok(thanks(cohort, mode, today)),
    };
    let candidates = match candidates {
        Ok(c) => c,
        Err(mut e) => {
            problems.append(&mut e);
            return Err(problems);
        }
    };
    let mut due = candidates.due;
    if !named.is_empty() {
        due.retain(|d| d.to.iter().any(|id| named.contains(id)));
        for id in &named {
            if !due.iter().any(|d| d.to.contains(id)) {
                let who = cohort.find(id).map(Participant::who).unwrap_or_default();
                problems.push(
                    candidates
                        .why_not
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| format!("no {} message is due to {who}", request.kind)),
                );
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut notes = if mode == Mode::Due {
        candidates.notes
    } else {
        Vec::new()
    };
    due.retain_mut(|d| {
        let earlier = log.sent(&d.to, d.kind, &d.about);
        d.sent_before = earlier.len();
        if mode == Mode::Preview || request.resend {
            return true;
        }
        let last = earlier.iter().map(|m| m.date).max();
        let blocked = match (last, d.again_after) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(last), Some(days)) => {
                today
                    < last
                        .checked_add_days(Days::new(u64::from(days)))
                        .unwrap_or(last)
            }
        };
        if blocked && mode == Mode::Named {
            notes.push(format!(
                "{} ({}) went on {} already to {}: --resend sends it again",
                d.kind,
                d.about,
                last.map(|l| l.to_string()).unwrap_or_default(),
                d.to.join(", ")
            ));
        }
        !blocked
    });
    Ok(Selected { due, notes })
}

/// The day the cohort's last `max_weeks` begin: from then the final survey and thanks are due.
pub fn final_stretch(cohort: &Cohort) -> NaiveDate {
    let c = &cohort.config;
    c.cohort
        .end
        .checked_sub_days(Days::new(u64::from(c.cadence.max_weeks) * 7))
        .unwrap_or(c.cohort.start)
}

/// Ids of the people who took part: in a pair that was confirmed (running or ended since).
fn took_part(cohort: &Cohort) -> FxHashSet<&str> {
    cohort
        .pairs
        .iter()
        .filter(|p| p.status == PairStatus::Confirmed || p.confirmed_on.is_some())
        .flat_map(|p| [p.mentee.as_str(), p.mentor.as_str()])
        .collect()
}

fn active(cohort: &Cohort) -> impl Iterator<Item = &Participant> {
    cohort
        .participants
        .iter()
        .filter(|p| p.status == Status::Active)
}

/// Why an ineligible applicant gets no other message.
fn ineligible(p: &Participant) -> String {
    format!(
        "{} is ineligible: the only message for an ineligible applicant is `application`",
        p.who()
    )
}

/// Applications: each mentor applicant hears once that it was received (while recruiting is
/// open and nobody is matched yet), once that it was accepted (after), or once, kindly, which
/// requirement it missed.
fn application(cohort: &Cohort) -> Candidates {
    let mut c = Candidates::default();
    let decided = !cohort.config.cohort.recruiting || !cohort.pairs.is_empty();
    let log = super::log::Index::new(cohort);
    for p in cohort.participants.iter() {
        if p.role != crate::model::Role::Mentor {
            c.not(
                &p.id,
                format!(
                    "{} is a senior leader: application messages go to mentor applicants",
                    p.who()
                ),
            );
            continue;
        }
        let (template, about, fields) = match p.status {
            Status::Ineligible => (
                "application-not-eligible",
                "not eligible",
                json!({ "me": person(p), "unmet": unmet(cohort, p) }),
            ),
            Status::Active if decided => (
                "application-accepted",
                "accepted",
                json!({ "me": person(p) }),
            ),
            Status::Active => {
                if !log
                    .sent(std::slice::from_ref(&p.id), Kind::Application, "accepted")
                    .is_empty()
                {
                    c.not(
                        &p.id,
                        format!(
                            "{} was told already that their application was accepted",
                            p.who()
                        ),
                    );
                    continue;
                }
                (
                    "application-received",
                    "received",
                    json!({ "me": person(p) }),
                )
            }
            Status::Withdrawn | Status::Erased => continue,
        };
        c.due.push(Due::new(
            Kind::Application,
            template,
            about.to_string(),
            vec![p.id.clone()],
            fields,
        ));
    }
    c
}

/// The requirements an ineligible applicant's answers missed: each question, and the answer the
/// scheme needs.
fn unmet(cohort: &Cohort, p: &Participant) -> Vec<Value> {
    let answers: FxHashMap<&str, &str> = p
        .eligibility
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    cohort
        .config
        .eligibility
        .iter()
        .filter(|c| {
            answers
                .get(c.id.as_str())
                .and_then(|a| crate::cohort::config::YesNo::parse(a))
                != Some(c.required)
        })
        .map(|c| json!({ "question": c.question, "answer_needed": c.required.as_str() }))
        .collect()
}

fn session_fields(cohort: &Cohort, s: &Briefing) -> Value {
    let time = cohort
        .config
        .messages
        .session_start()
        .format("%H:%M")
        .to_string();
    json!({
        "id": s.id,
        "title": if s.title.trim().is_empty() {
            match s.kind {
                SessionKind::Briefing => "Reverse mentoring briefing".to_string(),
                SessionKind::Evaluation => "Group evaluation and learning session".to_string(),
            }
        } else {
            s.title.clone()
        },
        "date": s.date.to_string(),
        "day": day(s.date),
        "time": time,
        "hours": crate::model::format_number(if s.hours > 0.0 { s.hours } else { 1.0 }),
        "audience": s.audience.as_str(),
    })
}

/// Briefings: each active participant not yet briefed is invited to the next briefing for their
/// role; each who took part in a pair, to each evaluation session. Once per session.
fn briefing(
    cohort: &Cohort,
    session: Option<&str>,
    mode: Mode,
    today: NaiveDate,
) -> Result<Candidates, Vec<String>> {
    let mut sessions: Vec<&Briefing> = match session {
        Some(id) => {
            let Some(s) = cohort.briefings.iter().find(|b| b.id == id) else {
                return Err(vec![format!(
                    "there is no session {id} in briefings.csv: `revmentor brief {}` lists them",
                    cohort.name
                )]);
            };
            if s.date < today && mode != Mode::Preview {
                return Err(vec![format!(
                    "session {id} was on {}: invitations go to sessions still to come",
                    s.date
                )]);
            }
            vec![s]
        }
        None => cohort
            .briefings
            .iter()
            .filter(|b| b.date >= today)
            .collect(),
    };
    if sessions.is_empty() && mode == Mode::Preview {
        sessions = cohort.briefings.iter().collect();
    }
    sessions.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    let briefed = crate::dashboard::briefed(cohort);
    let took_part = took_part(cohort);
    let mut c = Candidates::default();
    for p in cohort.participants.iter() {
        if p.status == Status::Ineligible {
            c.not(&p.id, ineligible(p));
        }
    }
    for p in active(cohort) {
        let invite = |s: &Briefing, template| {
            let mut d = Due::new(
                Kind::Briefing,
                template,
                format!("session {}", s.id),
                vec![p.id.clone()],
                json!({ "me": person(p), "session": session_fields(cohort, s) }),
            );
            d.invite = Some(Invite::Session { id: s.id.clone() });
            d
        };
        let briefing = sessions
            .iter()
            .find(|s| s.kind == SessionKind::Briefing && s.audience.includes(p.role));
        match briefing {
            _ if briefed.contains(p.id.as_str()) => c.not(
                &p.id,
                format!("{} has attended a briefing already", p.who()),
            ),
            Some(s) => c.due.push(invite(s, "briefing")),
            None => c.not(
                &p.id,
                format!(
                    "no briefing for {} is coming up{}: add one with `revmentor brief {} add --date YYYY-MM-DD --audience {}`",
                    p.role.plural(),
                    session.map(|s| format!(" as session {s}")).unwrap_or_default(),
                    cohort.name,
                    p.role.plural()
                ),
            ),
        }
        if took_part.contains(p.id.as_str()) {
            for s in sessions
                .iter()
                .filter(|s| s.kind == SessionKind::Evaluation && s.audience.includes(p.role))
            {
                c.due.push(invite(s, "evaluation"));
            }
        }
    }
    Ok(c)
}

/// Say why the people outside confirmed pairs get no message about a pair.
fn not_paired(cohort: &Cohort, c: &mut Candidates, paired: &FxHashSet<&str>) {
    for p in cohort.participants.iter() {
        if p.status == Status::Ineligible {
            c.not(&p.id, ineligible(p));
        } else if !paired.contains(p.id.as_str()) {
            c.not(
                &p.id,
                format!(
                    "{} is not in a confirmed pair: messages about a pair go to confirmed pairs (`revmentor match {} --confirm`)",
                    p.who(),
                    cohort.name
                ),
            );
        }
    }
}

fn confirmed(cohort: &Cohort) -> Vec<(&Participant, &Participant)> {
    let people = cohort.people();
    cohort
        .pairs
        .iter()
        .filter(|p| p.status == PairStatus::Confirmed)
        .filter_map(|p| {
            Some((
                *people.get(p.mentee.as_str())?,
                *people.get(p.mentor.as_str())?,
            ))
        })
        .collect()
}

fn meeting_fields(
    cohort: &Cohort,
    planned: NaiveDate,
    number: u32,
    from: NaiveDate,
    by: NaiveDate,
) -> Value {
    json!({
        "number": number,
        "date": planned.to_string(),
        "day": day(planned),
        "time": cohort.config.calendar.meeting_time.trim(),
        "due_from": from.to_string(),
        "due_by": by.to_string(),
        "from_day": day(from),
        "by_day": day(by),
    })
}

/// Introductions: one message to each confirmed pair, once: who the other is, the ground rules,
/// and their first planned one-to-one with its invitation.
fn introduction(cohort: &Cohort) -> Candidates {
    let mut c = Candidates::default();
    let pairs = confirmed(cohort);
    let paired: FxHashSet<&str> = pairs
        .iter()
        .flat_map(|(e, m)| [e.id.as_str(), m.id.as_str()])
        .collect();
    not_paired(cohort, &mut c, &paired);
    // Each pair's first planned one-to-one, in one pass.
    let mut firsts: FxHashMap<(&str, &str), (&crate::model::Meeting, NaiveDate)> =
        FxHashMap::default();
    for m in cohort.meetings.iter() {
        let Some(planned) = m.planned.filter(|_| m.status == MeetingStatus::Planned) else {
            continue;
        };
        let slot = firsts
            .entry((m.mentee.as_str(), m.mentor.as_str()))
            .or_insert((m, planned));
        if m.number < slot.0.number {
            *slot = (m, planned);
        }
    }
    for (mentee, mentor) in pairs {
        let first = firsts
            .get(&(mentee.id.as_str(), mentor.id.as_str()))
            .copied();
        let pair = format!("{}-{}", mentee.id, mentor.id);
        let Some((m, planned)) = first else {
            let why = format!(
                "the pair {pair} has no one-to-one planned yet, so its introduction cannot say when to meet: run `revmentor schedule {}` first",
                cohort.name
            );
            c.notes.push(why.clone());
            c.not(&mentee.id, why.clone());
            c.not(&mentor.id, why);
            continue;
        };
        let mut d = Due::new(
            Kind::Introduction,
            "introduction",
            format!("pair {pair}"),
            vec![mentee.id.clone(), mentor.id.clone()],
            json!({
                "mentee": person(mentee),
                "mentor": person(mentor),
                "first_meeting": meeting_fields(cohort, planned, m.number, m.due_from, m.due_by),
            }),
        );
        d.invite = Some(Invite::Meeting {
            mentee: mentee.id.clone(),
            mentor: mentor.id.clone(),
            number: m.number,
        });
        c.due.push(d);
    }
    c
}

/// A planned one-to-one coming up, as the `meetings` module reports it.
#[derive(Debug, Clone)]
pub struct Upcoming {
    pub mentee: String,
    pub mentor: String,
    pub number: u32,
    pub planned: NaiveDate,
    pub due_by: NaiveDate,
}

/// A confirmed pair past the cadence's upper bound, as the `meetings` module reports it.
#[derive(Debug, Clone)]
pub struct Lapse {
    pub mentee: String,
    pub mentor: String,
    pub last_met: Option<NaiveDate>,
    /// Where the lapse runs from: the last held meeting, or the confirmation.
    pub since: NaiveDate,
    pub weeks_since: i64,
}

/// The one call into the `meetings` module: one-to-ones planned from today to `within` days
/// ahead, and pairs overdue (as of today, or the cohort's end once it has passed).
pub fn from_meetings(
    cohort: &Cohort,
    today: NaiveDate,
    within: u32,
) -> (Vec<Upcoming>, Vec<Lapse>) {
    let report = crate::meetings::due(cohort, today, within);
    let upcoming = report
        .due
        .into_iter()
        .filter(|d| d.planned >= today)
        .map(|d| Upcoming {
            mentee: d.mentee,
            mentor: d.mentor,
            number: d.number,
            planned: d.planned,
            due_by: d.due_by,
        })
        .collect();
    let lapses = report
        .overdue
        .into_iter()
        .map(|o| Lapse {
            mentee: o.mentee,
            mentor: o.mentor,
            last_met: o.last_met,
            since: o.since,
            weeks_since: o.weeks_since,
        })
        .collect();
    (upcoming, lapses)
}

/// Reminders: each confirmed pair's one-to-one planned in the next `within` days, once per
/// meeting and date (a meeting moved is reminded again). Named: the pair's next one, whenever.
fn reminder(cohort: &Cohort, within: Option<u32>, mode: Mode, today: NaiveDate) -> Candidates {
    let mut c = Candidates::default();
    let pairs = confirmed(cohort);
    let paired: FxHashSet<&str> = pairs
        .iter()
        .flat_map(|(e, m)| [e.id.as_str(), m.id.as_str()])
        .collect();
    not_paired(cohort, &mut c, &paired);
    let window = within.unwrap_or(cohort.config.messages.remind_within_days);
    let ahead = match mode {
        Mode::Due => window,
        Mode::Named | Mode::Preview => u32::try_from((cohort.config.cohort.end - today).num_days())
            .unwrap_or(0)
            .max(window),
    };
    let (upcoming, _) = from_meetings(cohort, today, ahead);
    let people = cohort.people();
    let windows: FxHashMap<(&str, &str, u32), NaiveDate> = cohort
        .meetings
        .iter()
        .map(|m| ((m.mentee.as_str(), m.mentor.as_str(), m.number), m.due_from))
        .collect();
    let mut seen: FxHashSet<(&str, &str)> = FxHashSet::default();
    for u in &upcoming {
        let (Some(mentee), Some(mentor)) =
            (people.get(u.mentee.as_str()), people.get(u.mentor.as_str()))
        else {
            continue;
        };
        // Named: only each pair's next one-to-one.
        if mode != Mode::Due && !seen.insert((u.mentee.as_str(), u.mentor.as_str())) {
            continue;
        }
        let from = windows
            .get(&(u.mentee.as_str(), u.mentor.as_str(), u.number))
            .copied()
            .unwrap_or(u.planned);
        let mut d = Due::new(
            Kind::Reminder,
            "reminder",
            format!(
                "meeting {}-{} {} on {}",
                u.mentee, u.mentor, u.number, u.planned
            ),
            vec![u.mentee.clone(), u.mentor.clone()],
            json!({
                "mentee": person(mentee),
                "mentor": person(mentor),
                "meeting": meeting_fields(cohort, u.planned, u.number, from, u.due_by),
                "days_until": (u.planned - today).num_days(),
            }),
        );
        d.invite = Some(Invite::Meeting {
            mentee: u.mentee.clone(),
            mentor: u.mentor.clone(),
            number: u.number,
        });
        c.due.push(d);
    }
    let reminded: FxHashSet<String> = c.due.iter().flat_map(|d| d.to.clone()).collect();
    for (mentee, mentor) in &pairs {
        if !reminded.contains(&mentee.id) {
            let why = format!(
                "the pair {}-{} has no one-to-one planned in the next {ahead} days",
                mentee.id, mentor.id
            );
            c.not(&mentee.id, why.clone());
            c.not(&mentor.id, why);
        }
    }
    c
}

/// Where a pair's current stretch without a meeting began, when it is not overdue (previews).
fn standing(cohort: &Cohort, mentee: &str, mentor: &str, today: NaiveDate) -> Lapse {
    let last_met = cohort
        .meetings
        .iter()
        .filter(|m| m.mentee == mentee && m.mentor == mentor && m.status == MeetingStatus::Held)
        .filter_map(|m| m.date)
        .max();
    let confirmed_on = cohort
        .pairs
        .iter()
        .find(|p| p.mentee == mentee && p.mentor == mentor && p.status == PairStatus::Confirmed)
        .and_then(|p| p.confirmed_on.or(p.proposed_on))
        .unwrap_or(today);
    let since = last_met.unwrap_or(confirmed_on);
    Lapse {
        mentee: mentee.to_string(),
        mentor: mentor.to_string(),
        last_met,
        since,
        weeks_since: (today - since).num_weeks(),
    }
}

/// Chasers: each overdue pair, to both, again every `chase_every_days` while the same lapse
/// lasts; from the second, the coordinator (`escalate_to`) is copied. A meeting logged ends the
/// lapse, so no chaser follows it.
fn chaser(cohort: &Cohort, log: &super::log::Index, mode: Mode, today: NaiveDate) -> Candidates {
    let mut c = Candidates::default();
    let pairs = confirmed(cohort);
    let paired: FxHashSet<&str> = pairs
        .iter()
        .flat_map(|(e, m)| [e.id.as_str(), m.id.as_str()])
        .collect();
    not_paired(cohort, &mut c, &paired);
    let settings = &cohort.config.messages;
    let ended = today > cohort.config.cohort.end;
    let (_, lapses) = from_meetings(cohort, today, 0);
    let lapses: FxHashMap<(&str, &str), &Lapse> = lapses
        .iter()
        .map(|l| ((l.mentee.as_str(), l.mentor.as_str()), l))
        .collect();
    let people = cohort.people();
    for (mentee, mentor) in &pairs {
        let lapse = lapses
            .get(&(mentee.id.as_str(), mentor.id.as_str()))
            .map(|l| (*l).clone());
        let lapse = match (lapse, mode) {
            (Some(l), _) if !ended || mode == Mode::Preview => l,
            (_, Mode::Preview) => standing(cohort, &mentee.id, &mentor.id, today),
            (l, _) => {
                let why = if ended {
                    format!(
                        "cohort {} ended on {}: pairs are no longer chased",
                        cohort.name, cohort.config.cohort.end
                    )
                } else {
                    format!(
                        "the pair {}-{} is not overdue (fewer than {} weeks since they last met or were paired)",
                        mentee.id, mentor.id, cohort.config.cadence.max_weeks
                    )
                };
                if l.is_some() {
                    c.notes.push(why.clone());
                }
                c.not(&mentee.id, why.clone());
                c.not(&mentor.id, why);
                continue;
            }
        };
        let (Some(mentee), Some(mentor)) = (
            people.get(lapse.mentee.as_str()),
            people.get(lapse.mentor.as_str()),
        ) else {
            continue;
        };
        let about = format!("lapse {}-{} since {}", mentee.id, mentor.id, lapse.since);
        let chase = log
            .sent(std::slice::from_ref(&mentee.id), Kind::Chaser, &about)
            .len()
            + 1;
        let escalated = chase >= 2;
        let escalate_to = crate::model::normalise_email(&settings.escalate_to);
        let mut d = Due::new(
            Kind::Chaser,
            "chaser",
            about,
            vec![mentee.id.clone(), mentor.id.clone()],
            json!({
                "mentee": person(mentee),
                "mentor": person(mentor),
                "last_met": lapse.last_met.map(|d| d.to_string()),
                "last_met_day": lapse.last_met.map(day),
                "since": lapse.since.to_string(),
                "since_day": day(lapse.since),
                "weeks_since": lapse.weeks_since,
                "chase": chase,
                "escalated": escalated && !escalate_to.is_empty(),
                "escalate_to": escalate_to,
            }),
        );
        d.again_after = Some(settings.chase_every_days);
        if escalated && !escalate_to.is_empty() {
            d.escalated = true;
            d.cc.push(escalate_to);
        }
        c.due.push(d);
    }
    c
}

/// Survey invitations: the phase's link to each active participant who took part and has not
/// answered that phase yet, once.
fn survey(
    cohort: &Cohort,
    phase: Option<Phase>,
    today: NaiveDate,
) -> Result<Candidates, Vec<String>> {
    let phase = phase.unwrap_or_else(|| super::phase_due(cohort, today));
    let settings = &cohort.config.messages;
    let (key, link) = match phase {
        Phase::Baseline => ("baseline_survey_link", &settings.baseline_survey_link),
        Phase::Final => ("final_survey_link", &settings.final_survey_link),
    };
    if link.trim().is_empty() {
        return Err(vec![format!(
            "cohort.toml: [messages] {key} is empty: add the {phase} survey's link (like {key} = \"https://forms.example/{phase}\")"
        )]);
    }
    let answered: FxHashSet<&str> = cohort
        .responses
        .iter()
        .filter(|r| r.phase == phase)
        .map(|r| r.participant.as_str())
        .collect();
    let took_part = took_part(cohort);
    let mut c = Candidates::default();
    for p in cohort.participants.iter() {
        if p.status == Status::Ineligible {
            c.not(&p.id, ineligible(p));
        } else if !took_part.contains(p.id.as_str()) {
            c.not(
                &p.id,
                format!(
                    "{} has not taken part in a pair: surveys go to those who did",
                    p.who()
                ),
            );
        } else if answered.contains(p.id.as_str()) {
            c.not(
                &p.id,
                format!("{} has answered the {phase} survey already", p.who()),
            );
        } else if p.status == Status::Active {
            c.due.push(Due::new(
                Kind::Survey,
                match phase {
                    Phase::Baseline => "survey-baseline",
                    Phase::Final => "survey-final",
                },
                format!("phase {phase}"),
                vec![p.id.clone()],
                json!({ "me": person(p), "phase": phase.as_str(), "link": link.trim() }),
            ));
        }
    }
    Ok(c)
}

/// The group evaluation session a thank-you points to: the next one (from briefings.csv, else
/// `[messages] evaluation_date`); none once it has passed.
fn evaluation_session(cohort: &Cohort, today: NaiveDate) -> Value {
    let next = cohort
        .briefings
        .iter()
        .filter(|b| b.kind == SessionKind::Evaluation && b.date >= today)
        .min_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    let configured = cohort
        .config
        .messages
        .evaluation_date
        .filter(|d| *d >= today);
    match (next, configured) {
        (Some(s), _) => session_fields(cohort, s),
        (None, Some(date)) => json!({
            "id": "",
            "title": "the group evaluation and learning session",
            "date": date.to_string(),
            "day": day(date),
            "time": cohort.config.messages.session_start().format("%H:%M").to_string(),
            "hours": "2",
            "audience": "all",
        }),
        (None, None) => Value::Null,
    }
}

/// Thanks: at the close (the cohort's last `max_weeks`, or on the people named), to each active
/// participant who took part, once, with the date of the evaluation session.
fn thanks(cohort: &Cohort, mode: Mode, today: NaiveDate) -> Candidates {
    let mut c = Candidates::default();
    let from = final_stretch(cohort);
    if mode == Mode::Due && today < from {
        c.notes.push(format!(
            "thanks are due at the close, from {from} (the cohort's last {} weeks); name people with --who to thank them earlier",
            cohort.config.cadence.max_weeks
        ));
        return c;
    }
    let evaluation = evaluation_session(cohort, today);
    let took_part = took_part(cohort);
    for p in cohort.participants.iter() {
        if p.status == Status::Ineligible {
            c.not(&p.id, ineligible(p));
        } else if !took_part.contains(p.id.as_str()) {
            c.not(
                &p.id,
                format!(
                    "{} has not taken part in a pair: thanks go to those who did",
                    p.who()
                ),
            );
        } else if p.status == Status::Active {
            c.due.push(Due::new(
                Kind::Thanks,
                "thanks",
                "close".to_string(),
                vec![p.id.clone()],
                json!({ "me": person(p), "evaluation": evaluation }),
            ));
        }
    }
    c
}
