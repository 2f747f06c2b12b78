//! Quote redaction: names, emails, ids and departments of participants replaced in free text.

use crate::model::Participant;

/// Replaces participants' names, emails, ids and departments in free text, whole words, any case.
pub(super) struct Redactor {
    /// Lower-cased needles, longest first, with what replaces them.
    needles: Vec<(Vec<char>, &'static str)>,
}

fn lower_chars(text: &str) -> Vec<char> {
    // One char for one char, so positions in the lower-cased text are positions in the original.
    text.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

impl Redactor {
    pub(super) fn new(participants: &[&Participant]) -> Redactor {
        let mut needles: Vec<(Vec<char>, &'static str)> = Vec::new();
        let mut add = |text: &str, with: &'static str, min_len: usize| {
            let t = text.trim();
            if t.chars().count() >= min_len {
                needles.push((lower_chars(t), with));
            }
        };
        for p in participants {
            add(&p.email, "[email]", 3);
            if p.manager.contains('@') {
                add(&p.manager, "[email]", 3);
            }
            add(&p.id, "[id]", 2);
            add(&p.department, "[department]", 2);
            add(&p.name, "[name]", 2);
            for part in p.name.split(|c: char| c.is_whitespace() || c == '-') {
                add(part, "[name]", 2);
            }
        }
        needles.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
        needles.dedup();
        Redactor { needles }
    }

    pub(super) fn redact(&self, text: &str) -> String {
        let original: Vec<char> = text.chars().collect();
        let lower = lower_chars(text);
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let boundary = |j: usize| {
            j == 0
                || j >= lower.len()
                || !lower[j].is_alphanumeric()
                || !lower[j - 1].is_alphanumeric()
        };
        'outer: while i < lower.len() {
            if i == 0 || !lower[i - 1].is_alphanumeric() {
                for (needle, with) in &self.needles {
                    let end = i + needle.len();
                    if end <= lower.len()
                        && lower[i..end] == needle[..]
                        && (end == lower.len() || boundary(end))
                    {
                        out.push_str(with);
                        i = end;
                        continue 'outer;
                    }
                }
            }
            out.push(original[i]);
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Role, Status};

    #[test]
    fn redaction_replaces_whole_words_only() {
        let p = Participant {
            id: "p001".into(),
            role: Role::Mentor,
            name: "Ann Lee".into(),
            email: "ann@x.example".into(),
            department: "Physics".into(),
            grade: String::new(),
            manager: String::new(),
            status: Status::Active,
            enrolled_on: None,
            conflicts: Vec::new(),
            status_on: None,
            status_reason: String::new(),
            eligibility: String::new(),
        };
        let r = Redactor::new(&[&p]);
        assert_eq!(
            r.redact("Ann LEE (ann@x.example, p001) in physics; Annex, sleek"),
            "[name] ([email], [id]) in [department]; Annex, sleek"
        );
    }
}
