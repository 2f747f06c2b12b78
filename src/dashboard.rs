//! A cohort's state at a glance: counts, the stage it is in, and the next steps. Pure.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::cohort::Cohort;
use crate::model::{Briefing, MeetingStatus, PairStatus, Role, SessionKind, Status};
use crate::problems::plural;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Recruiting,
    Briefing,
    Matching,
    Meeting,
    Evaluating,
    Closed,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Recruiting => "recruiting",
            Stage::Briefing => "briefing",
            Stage::Matching => "matching",
            Stage::Meeting => "meeting",
            Stage::Evaluating => "evaluating",
            Stage::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub role: Role,
    pub status: Status,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub cohort: String,
    pub title: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub today: NaiveDate,
    pub stage: Stage,
    pub recruiting: bool,
    pub min_weeks: u32,
    pub max_weeks: u32,
    pub session_minutes: u32,
    pub participants: Vec<Count>,
    pub briefings: usize,
    pub unbriefed_mentors: usize,
    pub unbriefed_mentees: usize,
    pub pairs_proposed: usize,
    pub pairs_confirmed: usize,
    pub pairs_ended: usize,
    pub mentees_without_mentor: usize,
    pub meetings_planned: usize,
    pub meetings_held: usize,
    pub meetings_cancelled: usize,
    pub pairs_overdue: usize,
    /// Of the pairs overdue, those chased for their current lapse (`messages.csv`), and of
    /// those, the ones whose chaser was escalated to the coordinator.
    pub pairs_chased: usize,
    pub pairs_escalated: usize,
    /// Messages written or sent so far, by kind (`messages.csv`; a message to a pair counts once).
    pub messages: std::collections::BTreeMap<&'static str, usize>,
    pub next_steps: Vec<String>,
}

/// Ids of the participants who attended a briefing (not an evaluation session) for their audience.
pub fn briefed(cohort: &Cohort) -> FxHashSet<&str> {
    let sessions: FxHashMap<&str, &Briefing> = cohort
        .briefings
        .iter()
        .filter(|b| b.kind == SessionKind::Briefing)
        .map(|b| (b.id.as_str(), b))
        .collect();
    let roles: FxHashMap<&str, Role> = cohort
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.role))
        .collect();
    cohort
        .attendance
        .iter()
        .filter(|a| {
            matches!(
                (sessions.get(a.briefing.as_str()), roles.get(a.participant.as_str())),
                (Some(b), Some(role)) if b.audience.includes(*role)
            )
        })
        .map(|a| a.participant.as_str())
        .collect()
}

#[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
pub fn build(cohort: &Cohort, today: NaiveDate) -> Dashboard {
    let config = &cohort.config;
    let active = |role: Role| {
        cohort
            .participants
            .iter()
            .filter(move |p| p.role == role && p.status == Status::Active)
    };
    let mut participants = Vec::new();
    for role in [Role::Mentor, Role::Mentee] {
        for status in Status::ALL {
            let count = cohort
                .participants
                .iter()
                .filter(|p| p.role == role && p.status == status)
                .count();
            participants.push(Count {
                role,
                status,
                count,
            });
        }
    }
    let briefings = cohort
        .briefings
        .iter()
        .filter(|b| b.kind == SessionKind::Briefing)
        .count();
    let briefed = briefed(cohort);
    let unbriefed = |role| {
        active(role)
            .filter(|p| !briefed.contains(p.id.as_str()))
            .count()
    };
    let unbriefed_mentors = unbriefed(Role::Mentor);
    let unbriefed_mentees = unbriefed(Role::Mentee);
    let pairs_with = |status| cohort.pairs.iter().filter(|p| p.status == status).count();
    let pairs_proposed = pairs_with(PairStatus::Proposed);
    let pairs_confirmed = pairs_with(PairStatus::Confirmed);
    let pairs_ended = pairs_with(PairStatus::Ended);
    let paired: FxHashSet<&str> = cohort
        .pairs
        .iter()
        .filter(|pair| pair.status != PairStatus::Ended)
        .map(|pair| pair.mentee.as_str())
        .collect();
    let mentees_without_mentor = active(Role::Mentee)
        .filter(|p| !paired.contains(p.id.as_str()))
        .count();
    let meetings_with = |status| {
        cohort
            .meetings
            .iter()
            .filter(|m| m.status == status)
            .count()
    };
    let max_days = u64::from(config.cadence.max_weeks) * 7;
    let pairs_overdue = crate::meetings::due(cohort, today, 0).overdue.len();
    let chased = crate::notify::log::chased(cohort, today);
    let active_mentors = active(Role::Mentor).count();
    let active_mentees = active(Role::Mentee).count();
    let evaluation_held = cohort
        .briefings
        .iter()
        .any(|b| b.kind == SessionKind::Evaluation && b.date <= today);
    let final_survey = cohort
        .responses
        .iter()
        .any(|r| r.phase == crate::model::Phase::Final);
    let final_stretch = config
        .cohort
        .end
        .checked_sub_days(Days::new(max_days))
        .is_some_and(|d| today >= d);
    let stage = if today > config.cohort.end {
        Stage::Closed
    } else if pairs_confirmed > 0 {
        if final_stretch || evaluation_held || final_survey {
            Stage::Evaluating
        } else {
            Stage::Meeting
        }
    } else if active_mentors == 0 || active_mentees == 0 {
        Stage::Recruiting
    } else if config.matching.require_briefing
        && (briefings == 0
            || active_mentors == unbriefed_mentors
            || active_mentees == unbriefed_mentees)
    {
        Stage::Briefing
    } else {
        Stage::Matching
    };

    let name = &cohort.name;
    let mut next = Vec::new();
    let ineligible = cohort
        .participants
        .iter()
        .filter(|p| p.role == Role::Mentor && p.status == Status::Ineligible)
        .count();
    if active_mentees == 0 {
        next.push(format!(
            "enrol the senior leaders: revmentor enrol {name} --from leaders.csv --role mentee"
        ));
    }
    if active_mentors == 0 {
        next.push(format!(
            "enrol mentors: revmentor enrol {name} --from applications.csv --role mentor"
        ));
    }
    if ineligible > 0 {
        next.push(format!(
            "{ineligible} mentor application{} missed a requirement of the scheme (see status_reason in participants.csv); after a correction re-import with --update",
            plural(ineligible)
        ));
    }
    if stage != Stage::Closed && config.matching.require_briefing {
        if briefings == 0 && active_mentors + active_mentees > 0 {
            next.push(format!(
                "add a briefing: revmentor brief {name} add --date YYYY-MM-DD --audience mentors --hours 3.5"
            ));
        }
        for (n, role) in [
            (unbriefed_mentors, Role::Mentor),
            (unbriefed_mentees, Role::Mentee),
        ] {
            if n > 0 {
                next.push(format!(
                    "{n} {} not yet briefed: record attendance with revmentor brief {name} attend BRIEFING WHO...",
                    if n == 1 { role.as_str() } else { role.plural() }
                ));
            }
        }
    }
    if stage != Stage::Closed
        && mentees_without_mentor > 0
        && active_mentors > 0
        && pairs_proposed == 0
    {
        next.push(format!(
            "{mentees_without_mentor} mentee{} without a mentor: revmentor match {name}",
            plural(mentees_without_mentor)
        ));
    }
    if pairs_proposed > 0 {
        next.push(format!(
            "{pairs_proposed} proposed pair{} to confirm: revmentor match {name} --confirm",
            plural(pairs_proposed)
        ));
    }
    let scheduled: FxHashSet<(&str, &str)> = cohort
        .meetings
        .iter()
        .map(|m| (m.mentee.as_str(), m.mentor.as_str()))
        .collect();
    let unscheduled = cohort
        .pairs
        .iter()
        .filter(|p| p.status == PairStatus::Confirmed)
        .filter(|p| !scheduled.contains(&(p.mentee.as_str(), p.mentor.as_str())))
        .count();
    if stage != Stage::Closed && unscheduled > 0 {
        next.push(format!(
            "{unscheduled} confirmed pair{} without a plan: revmentor schedule {name}",
            plural(unscheduled)
        ));
    }
    if pairs_overdue > 0 {
        next.push(format!(
            "{pairs_overdue} pair{} overdue (more than {} weeks since they last met): revmentor due {name}",
            plural(pairs_overdue),
            config.cadence.max_weeks
        ));
    }
    if pairs_overdue > chased.chased && stage != Stage::Closed {
        let n = pairs_overdue - chased.chased;
        next.push(format!(
            "{n} overdue pair{} not chased yet: revmentor notify {name} chaser --drafts DIR (or --send)",
            plural(n)
        ));
    }
    if matches!(stage, Stage::Evaluating | Stage::Closed) {
        if !cohort
            .briefings
            .iter()
            .any(|b| b.kind == SessionKind::Evaluation)
        {
            next.push(format!(
                "plan the group evaluation session: revmentor brief {name} add --kind evaluation --date YYYY-MM-DD --audience all"
            ));
        }
        if !final_survey {
            next.push(format!(
                "import the final survey: revmentor survey {name} import FILE.csv --phase final"
            ));
        } else {
            next.push(format!("write the summary for the board: revmentor export {name} --format html --out summary.html"));
        }
    }

    Dashboard {
        cohort: name.clone(),
        title: config.cohort.title.clone(),
        start: config.cohort.start,
        end: config.cohort.end,
        today,
        stage,
        recruiting: config.cohort.recruiting,
        min_weeks: config.cadence.min_weeks,
        max_weeks: config.cadence.max_weeks,
        session_minutes: config.cadence.session_minutes,
        participants,
        briefings,
        unbriefed_mentors,
        unbriefed_mentees,
        pairs_proposed,
        pairs_confirmed,
        pairs_ended,
        mentees_without_mentor,
        meetings_planned: meetings_with(MeetingStatus::Planned),
        meetings_held: meetings_with(MeetingStatus::Held),
        meetings_cancelled: meetings_with(MeetingStatus::Cancelled),
        pairs_overdue,
        pairs_chased: chased.chased,
        pairs_escalated: chased.escalated,
        messages: crate::notify::log::counts(cohort)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (k.as_str(), n))
            .collect(),
        next_steps: next,
    }
}
