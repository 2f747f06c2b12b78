//! Keeping personal data only as long as allowed. A cohort's data is kept for `[privacy]
//! retain_months` after its end; then [`purge`] erases everyone's personal data at once, as
//! `withdraw --erase` does for one person, while every figure its summary and the programme report
//! print stays as it was: the counts of who the scheme reached are frozen into `reach.csv`, and the
//! people of later cohorts who had taken part in it into `returned.csv`. Pure: changes a loaded
//! cohort only.

use chrono::NaiveDate;

use crate::cohort::Cohort;
use crate::evaluation::redact::Builder;
use crate::evaluation::{Inputs, Redactor};
use crate::model::{Returned, Role, Status};

/// Where a cohort stands against its retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Not yet ended (or its end is today): nothing to purge.
    Running,
    /// Ended; its personal data is kept until this day (inclusive).
    Kept { until: NaiveDate },
    /// Ended and past retention since the day after `until`: `revmentor purge` is due.
    Due { until: NaiveDate },
    /// Purged on this day: no personal data left.
    Purged { on: NaiveDate },
}

/// Where `cohort` stands on `today`.
pub fn retention(cohort: &Cohort, today: NaiveDate) -> Retention {
    let privacy = &cohort.config.privacy;
    if let Some(on) = privacy.purged_on {
        return Retention::Purged { on };
    }
    let end = cohort.config.cohort.end;
    if today <= end {
        return Retention::Running;
    }
    match privacy.retain_until(end) {
        Some(until) if today > until => Retention::Due { until },
        Some(until) => Retention::Kept { until },
        None => Retention::Running,
    }
}

/// What a purge changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    /// People whose names, emails and the rest went (tombstones stay, with role and status).
    pub people: usize,
    /// Rows of `characteristics.csv` deleted, and the rows of counts kept in their place.
    pub characteristics: usize,
    pub reach_rows: usize,
    /// People of later cohorts kept in `returned.csv`.
    pub returned: usize,
    /// Survey quotes deleted (people's own words).
    pub quotes: usize,
    /// Rows of `org.csv` deleted.
    pub org_rows: usize,
    /// Free-text cells (reasons, titles, added columns) that named someone, rewritten.
    pub cells_scrubbed: usize,
}

/// Erase the personal data of everyone in `cohort` (see the module's note). `others` are the other
/// cohorts under the root: who returned between them and this one is kept by id in
/// `returned.csv`. Refused, with the reason, unless the cohort is past its retention on `today`.
pub fn purge(cohort: &mut Cohort, others: &[&Cohort], today: NaiveDate) -> Result<Purged, String> {
    match retention(cohort, today) {
        Retention::Due { .. } => {}
        Retention::Purged { on } => {
            return Err(format!("cohort {} was purged on {on}", cohort.name));
        }
        Retention::Running => {
            return Err(format!(
                "cohort {} has not ended (it ends on {}): a cohort is purged after its retention period",
                cohort.name, cohort.config.cohort.end
            ));
        }
        Retention::Kept { until } => {
            return Err(format!(
                "cohort {} keeps its personal data until {until} ([privacy] retain_months = {} after its end): nothing to purge yet",
                cohort.name, cohort.config.privacy.retain_months
            ));
        }
    }
    let mut done = Purged::default();
    // Freeze first, from the data about to go.
    let reach = Inputs::from_cohort(cohort)
        .marginals
        .map(|m| m.frozen())
        .unwrap_or_default();
    let returned = returned(cohort, others);
    let everyone = redactor(cohort);

    done.reach_rows = reach.len();
    done.returned = returned.len();
    done.characteristics = cohort.traits.len();
    done.org_rows = cohort.org.len();
    cohort.reach.retain(|_| false);
    for row in reach {
        cohort.reach.push(row);
    }
    cohort.returned.retain(|_| false);
    for row in returned {
        cohort.returned.push(row);
    }
    cohort.traits.retain(|_| false);
    if !cohort.org.is_empty() {
        // An optional file: not created where there was none.
        cohort.org.retain(|_| false);
    }

    done.cells_scrubbed = crate::withdrawal::scrub(cohort, &everyone);
    let ids: Vec<String> = cohort
        .participants
        .iter()
        .filter(|p| p.status != Status::Erased)
        .map(|p| p.id.clone())
        .collect();
    done.people = ids.len();
    cohort.participants.blank_extras(|_| true);
    for p in cohort.participants.iter_mut() {
        *p = p.tombstone();
    }
    let before = cohort.responses.len();
    cohort.responses.retain(|r| !r.is_quote());
    done.quotes = before.saturating_sub(cohort.responses.len());
    cohort.responses.blank_extras(|_| true);
    let generic = [
        crate::withdrawal::withdrew(Role::Mentor),
        crate::withdrawal::withdrew(Role::Mentee),
    ];
    for pair in cohort.pairs.iter_mut() {
        pair.score = 0.0;
        pair.reasons.clear();
        if !generic.contains(&pair.end_reason) {
            pair.end_reason.clear();
        }
    }
    cohort.pairs.blank_extras(|_| true);
    for m in cohort.meetings.iter_mut() {
        if !generic.contains(&m.reason) {
            m.reason.clear();
        }
    }
    cohort.meetings.blank_extras(|_| true);
    cohort.attendance.blank_extras(|_| true);
    cohort.briefings.blank_extras(|_| true);
    for id in &ids {
        crate::notify::log::erase(cohort, id);
    }
    cohort.messages.blank_extras(|_| true);
    cohort.config.privacy.purged_on = Some(today);
    Ok(done)
}

/// Who the programme report counts as returning, by id, before the emails that show it go: the
/// people of later cohorts who had taken part in `cohort`, and `cohort`'s own people who had taken
/// part in an earlier one (known by email, as the report knows them).
fn returned(cohort: &Cohort, others: &[&Cohort]) -> Vec<Returned> {
    let emails = |c: &Cohort| -> rustc_hash::FxHashSet<String> {
        c.participants
            .iter()
            .filter(|p| p.status != Status::Erased && !p.email.is_empty())
            .map(|p| p.email.clone())
            .collect()
    };
    let start = cohort.config.cohort.start;
    let mine = emails(cohort);
    let mut out: Vec<Returned> = Vec::new();
    let mut before: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    for other in others {
        if other.name == cohort.name {
            continue;
        }
        if other.config.cohort.start > start {
            out.extend(
                other
                    .participants
                    .iter()
                    .filter(|p| !p.email.is_empty() && mine.contains(&p.email))
                    .map(|p| Returned {
                        cohort: other.name.clone(),
                        id: p.id.clone(),
                    }),
            );
        } else if other.config.cohort.start < start {
            before.extend(emails(other));
        }
    }
    out.extend(
        cohort
            .participants
            .iter()
            .filter(|p| !p.email.is_empty() && before.contains(&p.email))
            .map(|p| Returned {
                cohort: cohort.name.clone(),
                id: p.id.clone(),
            }),
    );
    out.extend(cohort.returned.iter().cloned());
    out.sort_by(|a, b| (&a.cohort, &a.id).cmp(&(&b.cohort, &b.id)));
    out.dedup();
    out
}

/// Every form of every name and email the cohort holds: its people's, their managers' and the
/// people of `org.csv` (some outside the scheme).
pub fn redactor(cohort: &Cohort) -> Redactor {
    let mut b = Builder::new();
    for p in cohort.participants.iter() {
        b.person_name(&p.name).email(&p.email);
        if p.manager.contains('@') {
            b.email(&p.manager);
        }
    }
    for o in cohort.org.iter() {
        b.person_name(&o.name).email(&o.email);
        if o.manager.contains('@') {
            b.email(&o.manager);
        }
    }
    b.build()
}
