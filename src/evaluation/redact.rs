//! Finding people in free text: every name, email, id, department (and its distinctive words),
//! grade and characteristic value a cohort knows, found in one pass (Aho-Corasick) over text folded
//! to lower case with look-alike letters of other scripts read as Latin ones, whole words only.
//! Quotes are redacted with it; an erasure scrubs the person's forms from every free-text cell.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::model::Participant;

/// What a piece of found text is, and what replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    Email,
    Name,
    Id,
    Department,
    Grade,
    /// A characteristic's value ("Black British", "Woman").
    Characteristic,
}

impl Label {
    pub fn mark(self) -> &'static str {
        match self {
            Label::Email => "[email]",
            Label::Name => "[name]",
            Label::Id => "[id]",
            Label::Department => "[department]",
            Label::Grade => "[grade]",
            Label::Characteristic => "[characteristic]",
        }
    }
}

/// Words of a department's name too common to say whose it is ("Office", "Faculty of ...").
const GENERIC_WORDS: &[&str] = &[
    "and",
    "centre",
    "center",
    "department",
    "division",
    "faculty",
    "for",
    "group",
    "institute",
    "office",
    "officer's",
    "school",
    "service",
    "services",
    "team",
    "the",
    "unit",
];

/// Values that say nothing beside a quote ("yes" to a disability question).
const PLAIN_VALUES: &[&str] = &["yes", "no", "y", "n", "none", "other", "n/a"];

/// A character as the matcher reads it: lower case, a look-alike letter as its Latin letter.
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    crate::text::latin_look_alike(lower).unwrap_or(lower)
}

/// Text folded for matching, and where in the original each of its characters starts.
struct Folded {
    text: String,
    /// `(folded, original)` byte offsets of the same character boundary: the start, and the
    /// boundary after every character whose folded form has another length. Between two marks
    /// the offsets move together. (A map per byte took eight bytes per byte of text: 250 MB for
    /// the 31 MB calendar of 5,000 pairs.)
    marks: Vec<(usize, usize)>,
}

impl Folded {
    /// The original offset of the folded character boundary `at` (`text.len()` included).
    fn original(&self, at: usize) -> usize {
        let k = self.marks.partition_point(|&(f, _)| f <= at);
        // `marks[0]` is `(0, 0)`, so `k >= 1`.
        let (f, o) = self.marks[k.saturating_sub(1)];
        o + (at - f)
    }
}

fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut marks = vec![(0, 0)];
    for (at, c) in text.char_indices() {
        let f = fold_char(c);
        out.push(f);
        if f.len_utf8() != c.len_utf8() {
            marks.push((out.len(), at + c.len_utf8()));
        }
    }
    Folded { text: out, marks }
}

fn fold_str(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Builds a [`Redactor`] from the forms of people, departments, grades and values it should find.
#[derive(Debug, Default)]
pub struct Builder {
    /// Folded form, what it is, and a tag the caller gives (whose form it is).
    needles: Vec<(String, Label, usize)>,
    /// Find every email by its shape (`x@y.z`), whoever's it is, instead of by the list.
    email_shapes: bool,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Find every email address by its shape, anyone's, rather than the emails given (which are
    /// then not listed: fewer forms, a faster build).
    pub fn every_email(&mut self) -> &mut Self {
        self.email_shapes = true;
        self
    }

    /// One form to find (trimmed; ignored when shorter than two letters).
    pub fn add(&mut self, text: &str, label: Label) -> &mut Self {
        self.add_tagged(text, label, 0)
    }

    /// One form to find, with a tag each match carries back (whose it is).
    pub fn add_tagged(&mut self, text: &str, label: Label, tag: usize) -> &mut Self {
        let t = fold_str(text.trim());
        if t.chars().filter(|c| c.is_alphanumeric()).count() >= 2 {
            self.needles.push((t, label, tag));
        }
        self
    }

    /// A person's name, each part of it, and the parts of an email's local part (`r.hale`).
    pub fn person_name(&mut self, name: &str) -> &mut Self {
        self.add(name, Label::Name);
        for part in name.split(|c: char| c.is_whitespace() || c == '-') {
            self.add(
                part.trim_matches(|c: char| !c.is_alphanumeric()),
                Label::Name,
            );
        }
        self
    }

    /// An email, its local part, and the name-like parts of the local part (`m.thornton`).
    pub fn email(&mut self, email: &str) -> &mut Self {
        let email = email.trim();
        if email.is_empty() {
            return self;
        }
        if !self.email_shapes {
            self.add(email, Label::Email);
        }
        if let Some((local, _)) = email.split_once('@') {
            if local.chars().count() >= 3 && !self.email_shapes {
                self.add(local, Label::Email);
            }
            for part in local.split(['.', '_', '-', '+']) {
                if part.chars().count() >= 3 && part.chars().all(char::is_alphabetic) {
                    self.add(part, Label::Name);
                }
            }
        }
        self
    }

    /// A department's name and its distinctive words ("Estates", "Global Health").
    pub fn department(&mut self, department: &str) -> &mut Self {
        self.add(department, Label::Department);
        for word in department.split(|c: char| c.is_whitespace() || c == ',' || c == '&') {
            let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
            if w.chars().count() >= 3 && !GENERIC_WORDS.contains(&fold_str(w).as_str()) {
                self.add(w, Label::Department);
            }
        }
        self
    }

    /// A characteristic's value, unless it says nothing on its own ("yes", "no").
    pub fn characteristic(&mut self, value: &str) -> &mut Self {
        let v = fold_str(value.trim());
        if crate::model::is_known(value) && !PLAIN_VALUES.contains(&v.as_str()) {
            self.add(value, Label::Characteristic);
        }
        self
    }

    /// Everything a participant's row says about them: name, email, id, department, grade, and the
    /// name-like parts of their manager's email (a person who may be outside the scheme).
    pub fn participant(&mut self, p: &Participant) -> &mut Self {
        self.person_name(&p.name)
            .email(&p.email)
            .add(&p.id, Label::Id);
        self.department(&p.department).add(&p.grade, Label::Grade);
        if p.manager.contains('@') {
            self.email(&p.manager);
        }
        self
    }

    pub fn build(&self) -> Redactor {
        // One label per form: the most specific kind wins (an email before a name), then the
        // first tag. (The order of the forms changes no match: every one is found.)
        let mut best: rustc_hash::FxHashMap<&str, (Label, usize)> =
            rustc_hash::FxHashMap::default();
        for (text, label, tag) in &self.needles {
            let e = best.entry(text.as_str()).or_insert((*label, *tag));
            if (*label, *tag) < *e {
                *e = (*label, *tag);
            }
        }
        let (texts, labels): (Vec<&str>, Vec<(Label, usize)>) = best.into_iter().unzip();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .build(&texts)
            .ok();
        Redactor {
            labels,
            ac,
            email_shapes: self.email_shapes,
        }
    }
}

/// One form found in a text: its byte range in the original text, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub tag: usize,
}

/// Finds every form it was built with in a text, in one pass.
#[derive(Debug, Clone)]
pub struct Redactor {
    ac: Option<AhoCorasick>,
    labels: Vec<(Label, usize)>,
    email_shapes: bool,
}

/// Whether a character can be part of an email address as written in text.
fn email_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@' | '\'' | '%')
}

/// Every run of text shaped like an email address (`local@domain.tld`), as byte ranges.
fn email_shapes(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find('@').map(|i| from + i) {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| email_char(*c) && *c != '@')
            .last()
            .map_or(at, |(i, _)| i);
        let end = text[at + 1..]
            .char_indices()
            .take_while(|(_, c)| email_char(*c) && *c != '@')
            .last()
            .map_or(at + 1, |(i, c)| at + 1 + i + c.len_utf8());
        let domain = text[at + 1..end].trim_end_matches('.');
        let end = at + 1 + domain.len();
        if start < at && domain.contains('.') && !domain.starts_with('.') {
            found.push((start, end));
        }
        from = end.max(at + 1);
    }
    found
}

impl Redactor {
    /// Participants' names, ids, departments and grades, and every email address.
    pub fn new(participants: &[&Participant]) -> Redactor {
        let mut b = Builder::new();
        b.every_email();
        for p in participants {
            b.participant(p);
        }
        b.build()
    }

    /// Every form in `text`, whole words only, leftmost first and longest at each place, none
    /// overlapping.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let mut found = self.find_forms(text);
        if self.email_shapes {
            let emails = email_shapes(text);
            if !emails.is_empty() {
                found.retain(|f| !emails.iter().any(|&(s, e)| f.start < e && s < f.end));
                found.extend(emails.into_iter().map(|(start, end)| Found {
                    start,
                    end,
                    label: Label::Email,
                    tag: 0,
                }));
                found.sort_by_key(|f| f.start);
            }
        }
        found
    }

    fn find_forms(&self, text: &str) -> Vec<Found> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let folded = fold(text);
        let bytes = folded.text.as_bytes();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let mut candidates: Vec<(usize, usize, (Label, usize))> = ac
            .find_overlapping_iter(&folded.text)
            .filter(|m| {
                let before = folded.text[..m.start()].chars().next_back();
                let after = folded.text[m.end()..].chars().next();
                let first = folded.text[m.start()..].chars().next();
                let last = folded.text[..m.end()].chars().next_back();
                // A boundary is needed only where the form itself starts or ends with a letter.
                !((word(first) && word(before)) || (word(last) && word(after)))
            })
            .map(|m| (m.start(), m.end(), self.labels[m.pattern().as_usize()]))
            .collect();
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut found = Vec::new();
        let mut next = 0;
        for (start, end, (label, tag)) in candidates {
            if start < next || end > bytes.len() {
                continue;
            }
            found.push(Found {
                start: folded.original(start),
                end: folded.original(end),
                label,
                tag,
            });
            next = end;
        }
        found
    }

    /// `text` with every form replaced by its mark (`[name]`, `[email]`, ...); marks of one kind
    /// next to each other ("global health" is two department words) read as one.
    pub fn redact(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut last: Option<Label> = None;
        for f in self.find(text) {
            let between = &text[at..f.start];
            if last == Some(f.label) && between.trim().is_empty() {
                at = f.end;
                continue;
            }
            out.push_str(between);
            out.push_str(f.label.mark());
            last = Some(f.label);
            at = f.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// `text` with every form found replaced by what `with` gives for it.
    pub fn replace(&self, text: &str, with: impl Fn(&Found) -> String) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in self.find(text) {
            out.push_str(&text[at..f.start]);
            out.push_str(&with(&f));
            at = f.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Whether any form is in `text`.
    pub fn finds_any(&self, text: &str) -> bool {
        !self.find(text).is_empty()
    }

    /// `text` without the forms it holds, or `None` when it holds none (nothing to rewrite).
    pub fn scrubbed(&self, text: &str) -> Option<String> {
        self.finds_any(text).then(|| self.redact(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    proptest::proptest! {
        /// Every character boundary of folded text maps to where its character starts in the
        /// original, as a map kept per folded byte says: across folds that shorten a character
        /// (á, a Cyrillic а, İ, ẞ), keep its length (ASCII, emoji) or follow none.
        #[test]
        fn folded_boundaries_map_to_where_their_characters_start(
            picks in proptest::collection::vec(0usize..12, 0..60)
        ) {
            let alphabet = ['A', 'b', ' ', '@', 'á', 'Ö', 'а', 'İ', 'ẞ', '😀', 'ß', '.'];
            let text: String = picks.iter().map(|&k| alphabet[k]).collect();
            let folded = fold(&text);
            let mut per_byte = Vec::new();
            for (at, c) in text.char_indices() {
                per_byte.extend(std::iter::repeat_n(at, fold_char(c).len_utf8()));
            }
            per_byte.push(text.len());
            proptest::prop_assert_eq!(per_byte.len(), folded.text.len() + 1);
            for at in (0..=folded.text.len()).filter(|&i| folded.text.is_char_boundary(i)) {
                proptest::prop_assert_eq!(folded.original(at), per_byte[at], "at {} of {:?}", at, text);
            }
        }
    }

    fn person(name: &str, email: &str, department: &str, grade: &str) -> Participant {
        Participant {
            name: name.into(),
            email: email.into(),
            department: department.into(),
            grade: grade.into(),
            manager: "m.thornton@x.example".into(),
            ..Participant::for_test("p001", Role::Mentor)
        }
    }

    #[test]
    fn redaction_replaces_whole_words_only() {
        let p = person("Ann Lee", "ann@x.example", "Physics", "");
        let r = Redactor::new(&[&p]);
        assert_eq!(
            r.redact("Ann LEE (ann@x.example, p001) in physics; Annex, sleek"),
            "[name] ([email], [id]) in [department]; Annex, sleek"
        );
    }

    #[test]
    fn finds_grades_department_words_look_alikes_and_people_outside_the_scheme() {
        let p = person(
            "Richard Hale",
            "r.hale@x.example",
            "Global Health Institute",
            "Grade 5",
        );
        let r = Redactor::new(&[&p]);
        assert_eq!(
            r.redact("My mentor Rіchard (Cyrillic і), a Grade 5 in global health, told Thornton"),
            "My mentor [name] (Cyrillic і), a [grade] in [department], told [name]"
        );
        assert_eq!(
            r.redact("R.Hale@X.example and HALE and the Institute, or someone@else.example."),
            "[email] and [name] and the Institute, or [email]."
        );
        let mut b = Builder::new();
        b.person_name("Richard Hale").email("r.hale@x.example");
        let only_his = b.build();
        assert_eq!(
            only_his.redact("R.HALE@x.example, not ann@x.example; r.hale said"),
            "[email], not ann@x.example; [email] said"
        );
        let mut b = Builder::new();
        b.characteristic("Black British").characteristic("No");
        assert_eq!(
            b.build().redact("as a black british woman: no"),
            "as a [characteristic] woman: no"
        );
    }

    #[test]
    fn many_names_are_found_in_one_pass() {
        let people: Vec<Participant> = (0..20_000)
            .map(|i| {
                person(
                    &format!("Name{i} Surname{i}"),
                    &format!("n{i}@x.example"),
                    "",
                    "",
                )
            })
            .collect();
        let refs: Vec<&Participant> = people.iter().collect();
        let r = Redactor::new(&refs);
        let text = "Surname19999 said name70000 and Name7 Surname7 met. ".repeat(50);
        let out = r.redact(&text);
        assert!(
            out.starts_with("[name] said name70000 and [name] met."),
            "{out}"
        );
    }
}
