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

/// What the dashboard counts, gathered in one pass over each table.
struct Counts {
    participants: Vec<Count>,
    active_mentors: usize,
    active_mentees: usize,
    ineligible_mentors: usize,
    briefings: usize,
    unbriefed_mentors: usize,
    unbriefed_mentees: usize,
    pairs_proposed: usize,
    pairs_confirmed: usize,
    pairs_ended: usize,
    mentees_without_mentor: usize,
    unscheduled: usize,
    meetings: [usize; 3],
    evaluation_planned: bool,
    evaluation_held: bool,
    final_survey: bool,
}

fn meeting_index(status: MeetingStatus) -> usize {
    match status {
        MeetingStatus::Planned => 0,
        MeetingStatus::Held => 1,
        MeetingStatus::Cancelled => 2,
    }
}

fn counts(cohort: &Cohort, today: NaiveDate) -> Counts {
    let roles = [Role::Mentor, Role::Mentee];
    let mut by: FxHashMap<(Role, Status), usize> = FxHashMap::default();
    let briefed = briefed(cohort);
    let paired: FxHashSet<&str> = cohort
        .pairs
        .iter()
        .filter(|pair| pair.status != PairStatus::Ended)
        .map(|pair| pair.mentee.as_str())
        .collect();
    let (mut unbriefed_mentors, mut unbriefed_mentees, mut mentees_without_mentor) = (0, 0, 0);
    for p in cohort.participants.iter() {
        *by.entry((p.role, p.status)).or_default() += 1;
        if p.status == Status::Active {
            let unbriefed = !briefed.contains(p.id.as_str());
            match p.role {
                Role::Mentor => unbriefed_mentors += usize::from(unbriefed),
                Role::Mentee => {
                    unbriefed_mentees += usize::from(unbriefed);
                    mentees_without_mentor += usize::from(!paired.contains(p.id.as_str()));
                }
            }
        }
    }
    let participants = roles
        .iter()
        .flat_map(|&role| Status::ALL.iter().map(move |&status| (role, status)))
        .map(|(role, status)| Count {
            role,
            status,
            count: by.get(&(role, status)).copied().unwrap_or(0),
        })
        .collect();
    let (mut proposed, mut confirmed, mut ended) = (0, 0, 0);
    for p in cohort.pairs.iter() {
        *match p.status {
            PairStatus::Proposed => &mut proposed,
            PairStatus::Confirmed => &mut confirmed,
            PairStatus::Ended => &mut ended,
        } += 1;
    }
    let mut meetings = [0usize; 3];
    let mut scheduled: FxHashSet<(&str, &str)> = FxHashSet::default();
    for m in cohort.meetings.iter() {
        meetings[meeting_index(m.status)] += 1;
        scheduled.insert((m.mentee.as_str(), m.mentor.as_str()));
    }
    let unscheduled = cohort
        .pairs
        .iter()
        .filter(|p| p.status == PairStatus::Confirmed)
        .filter(|p| !scheduled.contains(&(p.mentee.as_str(), p.mentor.as_str())))
        .count();
    let active = |role| by.get(&(role, Status::Active)).copied().unwrap_or(0);
    Counts {
        participants,
        active_mentors: active(Role::Mentor),
        active_mentees: active(Role::Mentee),
        ineligible_mentors: by
            .get(&(Role::Mentor, Status::Ineligible))
            .copied()
            .unwrap_or(0),
        briefings: cohort
            .briefings
            .iter()
            .filter(|b| b.kind == SessionKind::Briefing)
            .count(),
        unbriefed_mentors,
        unbriefed_mentees,
        pairs_proposed: proposed,
        pairs_confirmed: confirmed,
        pairs_ended: ended,
        mentees_without_mentor,
        unscheduled,
        meetings,
        evaluation_planned: cohort
            .briefings
            .iter()
            .any(|b| b.kind == SessionKind::Evaluation),
        evaluation_held: cohort
            .briefings
            .iter()
            .any(|b| b.kind == SessionKind::Evaluation && b.date <= today),
        final_survey: cohort
            .responses
            .iter()
            .any(|r| r.phase == crate::model::Phase::Final),
    }
}

/// Where the cohort is in its life, from its files and the date.
fn stage(cohort: &Cohort, c: &Counts, today: NaiveDate) -> Stage {
    let config = &cohort.config;
    let max_days = u64::from(config.cadence.max_weeks) * 7;
    let final_stretch = config
        .cohort
        .end
        .checked_sub_days(Days::new(max_days))
        .is_some_and(|d| today >= d);
    if today > config.cohort.end {
        Stage::Closed
    } else if c.pairs_confirmed > 0 {
        if final_stretch || c.evaluation_held || c.final_survey {
            Stage::Evaluating
        } else {
            Stage::Meeting
        }
    } else if c.active_mentors == 0 || c.active_mentees == 0 {
        Stage::Recruiting
    } else if config.matching.require_briefing
        && (c.briefings == 0
            || c.active_mentors == c.unbriefed_mentors
            || c.active_mentees == c.unbriefed_mentees)
    {
        Stage::Briefing
    } else {
        Stage::Matching
    }
}

/// The steps to take next, each naming the command to run.
fn next_steps(cohort: &Cohort, c: &Counts, stage: Stage, pairs_overdue: usize) -> Vec<String> {
    let name = &cohort.name;
    let config = &cohort.config;
    let open = stage != Stage::Closed;
    let mut next = Vec::new();
    if c.active_mentees == 0 && open {
        next.push(format!(
            "enrol the senior leaders: revmentor enrol {name} --from leaders.csv --role mentee"
        ));
    }
    if c.active_mentors == 0 && open {
        next.push(format!(
            "enrol mentors: revmentor enrol {name} --from applications.csv --role mentor"
        ));
    }
    if c.ineligible_mentors > 0
        && matches!(stage, Stage::Recruiting | Stage::Briefing | Stage::Matching)
    {
        next.push(format!(
            "{} mentor application{} missed a requirement of the scheme (see status_reason in participants.csv); after a correction re-import with --update",
            c.ineligible_mentors,
            plural(c.ineligible_mentors)
        ));
    }
    if open && config.matching.require_briefing {
        if c.briefings == 0 && c.active_mentors + c.active_mentees > 0 {
            next.push(format!(
                "add a briefing: revmentor brief {name} add --date YYYY-MM-DD --audience mentors --hours 3.5"
            ));
        }
        for (n, role) in [
            (c.unbriefed_mentors, Role::Mentor),
            (c.unbriefed_mentees, Role::Mentee),
        ] {
            if n > 0 {
                next.push(format!(
                    "{n} {} not yet briefed: record attendance with revmentor brief {name} attend BRIEFING WHO...",
                    if n == 1 { role.as_str() } else { role.plural() }
                ));
            }
        }
    }
    if open && c.mentees_without_mentor > 0 && c.active_mentors > 0 && c.pairs_proposed == 0 {
        next.push(format!(
            "{} mentee{} without a mentor: revmentor match {name}",
            c.mentees_without_mentor,
            plural(c.mentees_without_mentor)
        ));
    }
    if c.pairs_proposed > 0 {
        next.push(format!(
            "{} proposed pair{} to confirm: revmentor match {name} --confirm",
            c.pairs_proposed,
            plural(c.pairs_proposed)
        ));
    }
    if open && c.unscheduled > 0 {
        next.push(format!(
            "{} confirmed pair{} without a plan: revmentor schedule {name}",
            c.unscheduled,
            plural(c.unscheduled)
        ));
    }
    if pairs_overdue > 0 && open {
        next.push(format!(
            "{pairs_overdue} pair{} overdue (more than {} weeks since they last met): revmentor due {name}",
            plural(pairs_overdue),
            config.cadence.max_weeks
        ));
    }
    if matches!(stage, Stage::Evaluating | Stage::Closed) {
        if !c.evaluation_planned {
            next.push(format!(
                "plan the group evaluation session: revmentor brief {name} add --kind evaluation --date YYYY-MM-DD --audience all"
            ));
        }
        if c.final_survey {
            next.push(format!(
                "write the summary for the board: revmentor export {name} --format html --out summary.html"
            ));
        } else {
            next.push(format!(
                "import the final survey: revmentor survey {name} import FILE.csv --phase final"
            ));
        }
    }
    next
}

/// The step a cohort past its retention period needs: said by `status`, never done without the
/// command.
pub fn retention_due(name: &str, until: NaiveDate) -> String {
    format!(
        "its personal data was to be kept until {until} ([privacy] retain_months): erase it, keeping the figures, with revmentor purge {name} --dry-run, then --yes"
    )
}

pub fn build(cohort: &Cohort, today: NaiveDate) -> Dashboard {
    let config = &cohort.config;
    let c = counts(cohort, today);
    let stage = stage(cohort, &c, today);
    let pairs_overdue = crate::meetings::due(cohort, today, 0).overdue.len();
    let chased = crate::notify::log::chased(cohort, today);
    let mut next_steps = match crate::retention::retention(cohort, today) {
        crate::retention::Retention::Purged { on } => vec![format!(
            "nothing: purged on {on} (the personal data is gone, the figures stay: revmentor export {})",
            cohort.name
        )],
        crate::retention::Retention::Due { until } => {
            let mut steps = vec![retention_due(&cohort.name, until)];
            steps.extend(next_steps(cohort, &c, stage, pairs_overdue));
            steps
        }
        _ => next_steps(cohort, &c, stage, pairs_overdue),
    };
    if pairs_overdue > chased.chased && stage != Stage::Closed {
        let n = pairs_overdue - chased.chased;
        next_steps.push(format!(
            "{n} overdue pair{} not chased yet: revmentor notify {} chaser --drafts DIR (or --send)",
            plural(n),
            cohort.name
        ));
    }
    Dashboard {
        cohort: cohort.name.clone(),
        title: config.cohort.title.clone(),
        start: config.cohort.start,
        end: config.cohort.end,
        today,
        stage,
        recruiting: config.cohort.recruiting,
        min_weeks: config.cadence.min_weeks,
        max_weeks: config.cadence.max_weeks,
        session_minutes: config.cadence.session_minutes,
        participants: c.participants,
        briefings: c.briefings,
        unbriefed_mentors: c.unbriefed_mentors,
        unbriefed_mentees: c.unbriefed_mentees,
        pairs_proposed: c.pairs_proposed,
        pairs_confirmed: c.pairs_confirmed,
        pairs_ended: c.pairs_ended,
        mentees_without_mentor: c.mentees_without_mentor,
        meetings_planned: c.meetings[meeting_index(MeetingStatus::Planned)],
        meetings_held: c.meetings[meeting_index(MeetingStatus::Held)],
        meetings_cancelled: c.meetings[meeting_index(MeetingStatus::Cancelled)],
        pairs_overdue,
        pairs_chased: chased.chased,
        pairs_escalated: chased.escalated,
        messages: crate::notify::log::counts(cohort)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (k.as_str(), n))
            .collect(),
        next_steps,
    }
}
