//! `messages.csv`, the message log: one row per recipient of each message written or sent — who,
//! which kind, what about, when, how, its Message-ID — never the body. It makes "never twice"
//! true, gives `status` its counts, and is covered by erasure and subject access through
//! [`held_for`] and [`erase`].

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use super::{Kind, Outgoing};
use crate::cohort::Cohort;
use crate::model::{Message, Via};

/// The log by (participant, kind, about), for lookups in a loop.
pub struct Index<'a> {
    rows: FxHashMap<(&'a str, Kind, &'a str), Vec<&'a Message>>,
}

impl<'a> Index<'a> {
    pub fn new(cohort: &'a Cohort) -> Self {
        let mut rows: FxHashMap<(&str, Kind, &str), Vec<&Message>> = FxHashMap::default();
        if cohort.messages.is_loaded() {
            for m in cohort.messages.iter() {
                rows.entry((m.participant.as_str(), m.kind, m.about.as_str()))
                    .or_default()
                    .push(m);
            }
        }
        Index { rows }
    }

    /// What went to any of `to` of this kind about this: the rows of the recipient with most.
    pub fn sent(&self, to: &[String], kind: Kind, about: &str) -> Vec<&'a Message> {
        to.iter()
            .filter_map(|id| self.rows.get(&(id.as_str(), kind, about)))
            .max_by_key(|rows| rows.len())
            .cloned()
            .unwrap_or_default()
    }
}

/// Log each recipient of each message as written (`Via::Draft`) or sent (`Via::Smtp`) today.
pub fn record<'a>(
    cohort: &mut Cohort,
    messages: impl IntoIterator<Item = &'a Outgoing>,
    via: Via,
    today: NaiveDate,
) {
    for m in messages {
        for r in &m.to {
            cohort.messages.push(Message {
                participant: r.id.clone(),
                kind: m.kind,
                about: m.about.clone(),
                date: today,
                via,
                message_id: m.message_id.clone(),
                escalated: m.escalated,
            });
        }
    }
}

/// Subject access: every row the log holds for a person, in file order.
pub fn held_for<'a>(cohort: &'a Cohort, id: &str) -> Vec<&'a Message> {
    cohort
        .messages
        .iter()
        .filter(|m| m.participant == id)
        .collect()
}

/// Erasure: a person's rows keep their id, kind, date and how they went (so counts add up), and
/// lose what identifies the mail itself or what it was about (the Message-ID names the message
/// in their mailbox; "about" may say they were not eligible) and any column added beside them.
pub fn erase(cohort: &mut Cohort, id: &str) {
    if !cohort.messages.is_loaded() {
        return;
    }
    cohort.messages.blank_extras(|m| m.participant == id);
    for m in cohort.messages.iter_mut() {
        if m.participant == id {
            m.message_id.clear();
            m.about.clear();
        }
    }
}

/// For `status`: of the pairs overdue today, how many were chased for their current lapse, and
/// how many of those were escalated to the coordinator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Chased {
    pub overdue: usize,
    pub chased: usize,
    pub escalated: usize,
}

pub fn chased(cohort: &Cohort, today: NaiveDate) -> Chased {
    let (_, lapses) = super::due::from_meetings(cohort, today, 0);
    let index = Index::new(cohort);
    let mut out = Chased {
        overdue: lapses.len(),
        ..Chased::default()
    };
    for l in &lapses {
        let about = format!("lapse {}-{} since {}", l.mentee, l.mentor, l.since);
        let rows = index.sent(std::slice::from_ref(&l.mentee), Kind::Chaser, &about);
        if !rows.is_empty() {
            out.chased += 1;
        }
        if rows.iter().any(|m| m.escalated) {
            out.escalated += 1;
        }
    }
    out
}

/// How many messages of each kind the log holds (rows are per recipient; a message to a pair
/// counts once).
pub fn counts(cohort: &Cohort) -> Vec<(Kind, usize)> {
    Kind::ALL
        .into_iter()
        .map(|k| {
            let mut ids: Vec<&str> = cohort
                .messages
                .iter()
                .filter(|m| m.kind == k)
                .map(|m| m.message_id.as_str())
                .collect();
            let blank = ids.iter().filter(|i| i.is_empty()).count();
            ids.retain(|i| !i.is_empty());
            ids.sort_unstable();
            ids.dedup();
            (k, ids.len() + blank)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Participant, Role};

    fn cohort() -> Cohort {
        let day = |d: u32| NaiveDate::from_ymd_opt(2020, 1, d).expect("date");
        let config = crate::cohort::config::for_test(day(13), day(31));
        let mut c = Cohort::empty("c", config);
        for id in ["p001", "p002"] {
            c.participants.push(Participant {
                name: "A B".into(),
                ..Participant::for_test(id, Role::Mentor)
            });
            c.messages.push(Message {
                participant: id.into(),
                kind: Kind::Application,
                about: "not eligible".into(),
                date: day(6),
                via: Via::Draft,
                message_id: format!("<c.{id}@x.example>"),
                escalated: false,
            });
        }
        c
    }

    #[test]
    fn subject_access_lists_a_persons_rows_and_erasure_blanks_them() {
        let mut c = cohort();
        assert_eq!(held_for(&c, "p001").len(), 1);
        erase(&mut c, "p001");
        let held = held_for(&c, "p001");
        assert_eq!(held.len(), 1, "the row stays, so counts add up");
        assert!(held[0].message_id.is_empty() && held[0].about.is_empty());
        assert_eq!(held[0].kind, Kind::Application);
        assert_eq!(
            held_for(&c, "p002")[0].about,
            "not eligible",
            "others are untouched"
        );
        let bytes = String::from_utf8(c.messages.to_bytes()).expect("utf8");
        assert!(!bytes.contains("<c.p001@"), "{bytes}");
    }
}
