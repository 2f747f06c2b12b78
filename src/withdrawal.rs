//! Leaving the scheme, and coming back: a withdrawal ends the person's pair and cancels its planned
//! meetings; `erase` also removes their personal data, leaving a tombstone; a reinstatement undoes
//! a withdrawal made in error. Changes to a loaded cohort only (pure).

use chrono::NaiveDate;

use crate::cohort::{Cohort, Record};
use crate::evaluation::Redactor;
use crate::evaluation::redact::Builder;
use crate::model::{
    Briefing, Meeting, MeetingStatus, Message, Pair, PairStatus, Participant, Response, Role,
    Status, normalise_email,
};
use crate::text::{Kind, within};

/// How a withdrawal is applied.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    pub reason: String,
    pub erase: bool,
    pub today: NaiveDate,
}

/// What a withdrawal changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Withdrawn {
    pub id: String,
    /// The person as they were, for the confirmation screen.
    pub label: String,
    /// The confirmed pairs ended, as (mentee, mentor).
    pub pairs_ended: Vec<(String, String)>,
    pub proposals_dropped: usize,
    pub meetings_cancelled: usize,
    pub erased: bool,
    /// Free-text cells of other rows (quotes, reasons, titles, added columns) the erased person
    /// was named in, and that were rewritten without them.
    pub cells_scrubbed: usize,
}

/// The end reason a withdrawal gives a pair, and the reason it gives the meetings it cancels: how a
/// reinstatement recognises what the withdrawal did.
pub(crate) fn withdrew(role: Role) -> String {
    format!("{role} withdrew")
}

fn involves(id: &str, mentee: &str, mentor: &str) -> bool {
    mentee == id || mentor == id
}

/// Withdraw a participant: their pair ends (a proposal is dropped), their future meetings are
/// cancelled. With `erase`, their personal data goes too (see [`erase`]).
pub fn withdraw(cohort: &mut Cohort, who: &str, w: &Withdrawal) -> Result<Withdrawn, String> {
    let person = cohort.resolve(who)?.clone();
    refuse_withdrawn(&person, w.erase)?;
    let mut done = Withdrawn {
        id: person.id.clone(),
        label: person.who(),
        erased: w.erase,
        ..Withdrawn::default()
    };
    end_pairs(cohort, &person, w, &mut done);
    if w.erase {
        done.cells_scrubbed = erase(cohort, &person, w.today);
    } else if let Some(p) = cohort.participants.iter_mut().find(|p| p.id == person.id) {
        p.status = Status::Withdrawn;
        p.status_on = Some(w.today);
        p.status_reason.clone_from(&w.reason);
    }
    Ok(done)
}

fn refuse_withdrawn(person: &Participant, erase: bool) -> Result<(), String> {
    let on = |prefix: &str| {
        person
            .status_on
            .map(|d| format!(" {prefix} {d}"))
            .unwrap_or_default()
    };
    match person.status {
        Status::Erased => Err(format!(
            "{} was erased{}: there is nothing left to withdraw",
            person.id,
            on("on")
        )),
        Status::Withdrawn if !erase => Err(format!(
            "{} ({}) is already withdrawn{}; pass --erase to remove their personal data",
            person.id,
            person.name,
            on("since")
        )),
        _ => Ok(()),
    }
}

/// Drop the person's proposals, end their confirmed pairs, cancel their pairs' planned meetings.
fn end_pairs(cohort: &mut Cohort, person: &Participant, w: &Withdrawal, done: &mut Withdrawn) {
    let id = person.id.as_str();
    let before = cohort.pairs.len();
    cohort
        .pairs
        .retain(|p| !(p.status == PairStatus::Proposed && involves(id, &p.mentee, &p.mentor)));
    done.proposals_dropped = before - cohort.pairs.len();
    let end_reason = if w.erase || w.reason.is_empty() {
        withdrew(person.role)
    } else {
        format!("{}: {}", withdrew(person.role), w.reason)
    };
    for pair in cohort.pairs.iter_mut() {
        if pair.status == PairStatus::Confirmed && involves(id, &pair.mentee, &pair.mentor) {
            pair.status = PairStatus::Ended;
            pair.ended_on = Some(w.today);
            pair.end_reason.clone_from(&end_reason);
            done.pairs_ended
                .push((pair.mentee.clone(), pair.mentor.clone()));
        }
    }
    for m in cohort.meetings.iter_mut() {
        if m.status == MeetingStatus::Planned && involves(id, &m.mentee, &m.mentor) {
            m.status = MeetingStatus::Cancelled;
            m.date = Some(w.today);
            m.reason = withdrew(person.role);
            done.meetings_cancelled += 1;
        }
    }
}

/// Every form of a person's name and email: the name whole and each part of it, the email in any
/// capitals and its local part, look-alike letters read as Latin ones.
pub fn forms(person: &Participant) -> Redactor {
    let mut b = Builder::new();
    b.person_name(&person.name).email(&person.email);
    b.build()
}

/// Remove a person's personal data: every personal field blanked, their characteristics row and
/// survey quotes deleted, references to their email elsewhere (in any capitals) replaced by their
/// id, what was worked out from them (a pair's score and reasons) or typed about them (reasons,
/// added columns on their rows) cleared, and every form of their name and email taken out of every
/// free-text cell of the cohort (others' quotes, reasons, session titles, added columns). A
/// tombstone remains: id, role, status `erased`, the date. Returns how many cells of other rows
/// named them.
fn erase(cohort: &mut Cohort, person: &Participant, today: NaiveDate) -> usize {
    let scrubbed = scrub(cohort, &forms(person));
    let id = person.id.as_str();
    let generic = [withdrew(Role::Mentor), withdrew(Role::Mentee)];
    for pair in cohort.pairs.iter_mut() {
        if involves(id, &pair.mentee, &pair.mentor) && pair.status == PairStatus::Ended {
            pair.end_reason = withdrew(person.role);
        }
    }
    let email = normalise_email(&person.email);
    let is_them = |text: &str| !email.is_empty() && normalise_email(text) == email;
    for p in cohort.participants.iter_mut() {
        if is_them(&p.manager) {
            p.manager = id.to_string();
        }
        for c in &mut p.conflicts {
            if is_them(c) {
                *c = id.to_string();
            }
        }
    }
    cohort.participants.blank_extras(|p| p.id == id);
    if let Some(p) = cohort.participants.iter_mut().find(|p| p.id == id) {
        *p = Participant {
            status: Status::Erased,
            status_on: Some(today),
            ..p.tombstone()
        };
    }
    // org.csv: their own row goes (it holds their email and name); where they are someone's
    // manager, their id stands in for their email, as in participants.csv.
    if !email.is_empty() {
        cohort.org.retain(|o| o.email != email);
        for o in cohort.org.iter_mut() {
            if o.manager == email {
                o.manager = id.to_string();
            }
        }
    }
    cohort.traits.retain(|t| t.id != id);
    // Survey answers stay, keyed by the tombstone's id, so the summary's figures still add up;
    // the person's own words (their quotes) and any column added beside them go.
    cohort
        .responses
        .retain(|r| !(r.participant == id && r.is_quote()));
    cohort.responses.blank_extras(|r| r.participant == id);
    for pair in cohort.pairs.iter_mut() {
        if involves(id, &pair.mentee, &pair.mentor) {
            pair.score = 0.0;
            pair.reasons.clear();
        }
    }
    cohort
        .pairs
        .blank_extras(|p| involves(id, &p.mentee, &p.mentor));
    for m in cohort.meetings.iter_mut() {
        if involves(id, &m.mentee, &m.mentor) && !generic.contains(&m.reason) {
            m.reason.clear();
        }
    }
    cohort
        .meetings
        .blank_extras(|m| involves(id, &m.mentee, &m.mentor));
    cohort.attendance.blank_extras(|a| a.participant == id);
    crate::notify::log::erase(cohort, id);
    scrubbed
}

/// Take every form `forms` finds out of every free-text cell of the cohort: `[name]`, `[email]`.
/// Returns how many cells changed.
pub(crate) fn scrub(cohort: &mut Cohort, forms: &Redactor) -> usize {
    let mut n = 0;
    // A marker can be longer than the name it replaces: the text is cut to what its column holds
    // (else the file would no longer read), as its record reads it.
    let mut fix = |text: &mut String, kind: Kind| {
        if let Some(new) = forms.scrubbed(text) {
            *text = within(new, kind);
            n += 1;
        }
    };
    for p in cohort.participants.iter_mut() {
        fix(
            &mut p.status_reason,
            Participant::text_kind("status_reason"),
        );
    }
    for b in cohort.briefings.iter_mut() {
        fix(&mut b.title, Briefing::text_kind("title"));
    }
    for p in cohort.pairs.iter_mut() {
        fix(&mut p.reasons, Pair::text_kind("reasons"));
        fix(&mut p.end_reason, Pair::text_kind("end_reason"));
    }
    for m in cohort.meetings.iter_mut() {
        fix(&mut m.reason, Meeting::text_kind("reason"));
    }
    for r in cohort.responses.iter_mut() {
        if r.is_quote() {
            fix(&mut r.answer, Response::text_kind("answer"));
            fix(&mut r.published, Response::text_kind("published"));
        }
    }
    let rewrite = |text: &str| {
        forms
            .scrubbed(text)
            .map_or_else(|| text.to_string(), |new| within(new, Kind::Other))
    };
    for m in cohort.messages.iter_mut() {
        fix(&mut m.about, Message::text_kind("about"));
    }
    n + cohort.participants.rewrite_extras(rewrite)
        + cohort.messages.rewrite_extras(rewrite)
        + cohort.traits.rewrite_extras(rewrite)
        + cohort.briefings.rewrite_extras(rewrite)
        + cohort.attendance.rewrite_extras(rewrite)
        + cohort.pairs.rewrite_extras(rewrite)
        + cohort.meetings.rewrite_extras(rewrite)
        + cohort.responses.rewrite_extras(rewrite)
}

/// What a reinstatement changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reinstated {
    pub id: String,
    /// The pair restored, as (mentee, mentor), with how many meetings were planned again.
    pub pair: Option<(String, String)>,
    pub meetings_restored: usize,
    /// A pair the withdrawal ended that could not be restored: the partner, and why.
    pub partner_taken: Option<String>,
}

/// Undo a withdrawal made in error: the person is active again; the pair the withdrawal ended is
/// confirmed again with its cancelled meetings planned again, if the partner is still free;
/// otherwise the person can simply be matched again. An erasure cannot be undone.
pub fn reinstate(cohort: &mut Cohort, who: &str) -> Result<Reinstated, String> {
    let person = cohort.resolve(who)?.clone();
    match person.status {
        Status::Withdrawn => {}
        Status::Erased => {
            return Err(format!(
                "{} was erased: their personal data is gone and cannot be restored; if they come back, enrol them again (they get a new id)",
                person.id
            ));
        }
        status => {
            return Err(format!(
                "{} is {status}, not withdrawn: there is nothing to reinstate",
                person.who()
            ));
        }
    }
    let id = person.id.clone();
    let on = person.status_on;
    let mut done = Reinstated {
        id: id.clone(),
        ..Reinstated::default()
    };
    let reason = withdrew(person.role);
    let ended = cohort.pairs.iter().position(|p| {
        p.status == PairStatus::Ended
            && involves(&id, &p.mentee, &p.mentor)
            && p.ended_on == on
            && (p.end_reason == reason || p.end_reason.starts_with(&format!("{reason}: ")))
    });
    if let Some(i) = ended {
        let (mentee, mentor) = match cohort.pairs.get(i) {
            Some(p) => (p.mentee.clone(), p.mentor.clone()),
            None => return Err("the ended pair has gone".into()),
        };
        let partner = if mentee == id { &mentor } else { &mentee };
        match partner_busy(cohort, partner, i) {
            Some(why) => done.partner_taken = Some(why),
            None => {
                if let Some(p) = cohort.pairs.get_mut(i) {
                    p.status = PairStatus::Confirmed;
                    p.ended_on = None;
                    p.end_reason.clear();
                }
                for m in cohort.meetings.iter_mut() {
                    if m.mentee == mentee
                        && m.mentor == mentor
                        && m.status == MeetingStatus::Cancelled
                        && m.date == on
                        && m.reason == reason
                    {
                        m.status = MeetingStatus::Planned;
                        m.date = None;
                        m.reason.clear();
                        // The cancellation went out as sequence + 1: the invitation again is + 2.
                        m.sequence = m.sequence.saturating_add(2);
                        done.meetings_restored += 1;
                    }
                }
                done.pair = Some((mentee, mentor));
            }
        }
    }
    if let Some(p) = cohort.participants.iter_mut().find(|p| p.id == id) {
        p.status = Status::Active;
        p.status_on = None;
        p.status_reason.clear();
    }
    Ok(done)
}

/// Why `partner` cannot take back the pair at row `pair` (withdrawn, or paired again since).
fn partner_busy(cohort: &Cohort, partner: &str, pair: usize) -> Option<String> {
    let p = cohort.participants.iter().find(|p| p.id == partner)?;
    if p.status != Status::Active {
        return Some(format!("{} is {}", p.who(), p.status));
    }
    let running = cohort
        .pairs
        .iter()
        .enumerate()
        .filter(|(i, q)| {
            *i != pair
                && q.status != PairStatus::Ended
                && (q.mentee == partner || q.mentor == partner)
        })
        .count();
    let capacity = match p.role {
        Role::Mentee => 1,
        Role::Mentor => usize::try_from(cohort.config.matching.mentor_capacity).unwrap_or(1),
    };
    (running >= capacity).then(|| format!("{} has been paired again since", p.who()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::check;

    #[test]
    fn the_end_reason_of_the_longest_reason_fits_its_column() {
        for role in [Role::Mentor, Role::Mentee] {
            let reason = "x".repeat(Kind::Note.max_chars());
            let ending = format!("{}: {reason}", withdrew(role));
            assert_eq!(check(&ending, Kind::Ending), Ok(()), "{role}");
        }
    }
}
