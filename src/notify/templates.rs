//! The wording of each message: built in (`src/notify/templates/*.txt`), or the cohort's own
//! `templates/<name>.txt`. A template is a `Subject:` line, an empty line, and the body (plain
//! text). It is rendered with minijinja, strictly: it is given only the fields its kind may use
//! (never a characteristic, score or reason), and a placeholder that is not one of them is an
//! error naming the file, the line and the fields there are.

use std::collections::BTreeSet;

use minijinja::{Environment, UndefinedBehavior};
use serde_json::Value;

/// The built-in wording, by template name.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "application-received",
        include_str!("templates/application-received.txt"),
    ),
    (
        "application-accepted",
        include_str!("templates/application-accepted.txt"),
    ),
    (
        "application-not-eligible",
        include_str!("templates/application-not-eligible.txt"),
    ),
    ("briefing", include_str!("templates/briefing.txt")),
    ("evaluation", include_str!("templates/evaluation.txt")),
    ("introduction", include_str!("templates/introduction.txt")),
    ("reminder", include_str!("templates/reminder.txt")),
    ("chaser", include_str!("templates/chaser.txt")),
    (
        "survey-baseline",
        include_str!("templates/survey-baseline.txt"),
    ),
    ("survey-final", include_str!("templates/survey-final.txt")),
    ("thanks", include_str!("templates/thanks.txt")),
];

const COMMON: &[&str] = &[
    "cohort",
    "cohort.name",
    "cohort.title",
    "cohort.start",
    "cohort.end",
    "cohort.start_day",
    "cohort.end_day",
    "coordinator",
    "coordinator.name",
    "coordinator.email",
    "rules",
    "rules.min_weeks",
    "rules.max_weeks",
    "rules.minutes",
    "rules.min_group",
    "today",
    "invitation",
];
const PERSON: &[&str] = &["first_name", "name", "email", "role"];
const SESSION: &[&str] = &["id", "title", "date", "day", "time", "hours", "audience"];
const MEETING: &[&str] = &[
    "number", "date", "day", "time", "due_from", "due_by", "from_day", "by_day",
];

/// The fields a template may use, besides the common ones: objects with their fields, and plain
/// values. `unmet[].question` is a field of each item of the list `unmet`.
fn own_fields(template: &str) -> Vec<String> {
    let object = |name: &str, fields: &[&str]| {
        std::iter::once(name.to_string())
            .chain(fields.iter().map(move |f| format!("{name}.{f}")))
            .collect::<Vec<_>>()
    };
    let plain = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let pair = || [object("mentee", PERSON), object("mentor", PERSON)].concat();
    match template {
        "application-received" | "application-accepted" => object("me", PERSON),
        "application-not-eligible" => [
            object("me", PERSON),
            plain(&["unmet", "unmet[].question", "unmet[].answer_needed"]),
        ]
        .concat(),
        "briefing" | "evaluation" => [object("me", PERSON), object("session", SESSION)].concat(),
        "introduction" => [pair(), object("first_meeting", MEETING)].concat(),
        "reminder" => [pair(), object("meeting", MEETING), plain(&["days_until"])].concat(),
        "chaser" => [
            pair(),
            plain(&[
                "last_met",
                "last_met_day",
                "since",
                "since_day",
                "weeks_since",
                "chase",
                "escalated",
                "escalate_to",
            ]),
        ]
        .concat(),
        "survey-baseline" | "survey-final" => {
            [object("me", PERSON), plain(&["phase", "link"])].concat()
        }
        "thanks" => [object("me", PERSON), object("evaluation", SESSION)].concat(),
        _ => Vec::new(),
    }
}

/// Every field a template may use, sorted.
pub fn fields(template: &str) -> Vec<String> {
    let mut all: Vec<String> = COMMON.iter().map(|f| f.to_string()).collect();
    all.extend(own_fields(template));
    all.sort();
    all
}

/// Functions a template may call (minijinja's globals).
const GLOBALS: &[&str] = &["range", "dict", "namespace", "debug", "loop"];

/// The wording of every message, checked.
pub struct Templates {
    env: Environment<'static>,
    /// Where each template came from, for errors: `templates/chaser.txt` or `built-in chaser`.
    origin: Vec<(&'static str, String)>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// The line of the first place `needle` appears in `text` (1-based), else 1.
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(1, |at| text[..at].matches('\n').count() + 1)
}

fn known_names() -> String {
    BUILT_IN
        .iter()
        .map(|(n, _)| format!("{n}.txt"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Templates {
    /// The built-in wording, overridden by a cohort's `templates/` files (file name and text).
    /// Every problem of every file is returned together: an unknown file name, a first line that
    /// is not `Subject:`, a syntax error, a placeholder that is not a field.
    pub fn load(overrides: &[(String, String)]) -> Result<Templates, Vec<String>> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .unwrap_or_default(),
        );
        let mut problems = Vec::new();
        let mut origin = Vec::new();
        for (file, _) in overrides {
            let known = file
                .strip_suffix(".txt")
                .is_some_and(|n| BUILT_IN.iter().any(|(b, _)| *b == n));
            if !known {
                problems.push(format!(
                    "templates/{file}: not a message template; the templates are {}",
                    known_names()
                ));
            }
        }
        for (name, built_in) in BUILT_IN {
            let file = format!("{name}.txt");
            let (source, text) = match overrides.iter().find(|(f, _)| *f == file) {
                Some((_, text)) => (format!("templates/{file}"), text.clone()),
                None => (format!("built-in {name}"), (*built_in).to_string()),
            };
            if let Err(mut e) = check_shape(&source, &text) {
                problems.append(&mut e);
                continue;
            }
            if let Err(e) = env.add_template_owned(*name, text.clone()) {
                problems.push(format!(
                    "{source}, line {}: {}",
                    e.line().unwrap_or(1),
                    e.detail().map_or_else(|| e.to_string(), str::to_string)
                ));
                continue;
            }
            if let Ok(t) = env.get_template(name) {
                let allowed: BTreeSet<String> = fields(name).into_iter().collect();
                let mut used: Vec<String> = t.undeclared_variables(true).into_iter().collect();
                used.sort();
                for path in used {
                    let root = path.split('.').next().unwrap_or_default();
                    if allowed.contains(&path) || GLOBALS.contains(&root) {
                        continue;
                    }
                    problems.push(format!(
                        "{source}, line {}: `{path}` is not a field of this message; the fields are {}",
                        line_of(&text, &path),
                        fields(name).join(", ")
                    ));
                }
            }
            origin.push((*name, source));
        }
        if problems.is_empty() {
            Ok(Templates { env, origin })
        } else {
            Err(problems)
        }
    }

    fn origin(&self, name: &str) -> String {
        self.origin
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| name.to_string(), |(_, o)| o.clone())
    }

    /// Render one message: its subject and body. An error names the template, the line and the
    /// fields there are.
    pub fn render(&self, name: &str, context: &Value) -> Result<(String, String), String> {
        let source = self.origin(name);
        let fail = |line: Option<usize>, what: String| {
            format!(
                "{source}, line {}: {what}; the fields are {}",
                line.unwrap_or(1),
                fields(name).join(", ")
            )
        };
        let template = self
            .env
            .get_template(name)
            .map_err(|e| fail(e.line(), e.to_string()))?;
        let text = template
            .render(minijinja::Value::from(minijinja::value::Serde(context)))
            .map_err(|e| {
                let what = match e.kind() {
                    minijinja::ErrorKind::UndefinedError => {
                        "a placeholder is not a field of this message (or of the item it is in)"
                            .to_string()
                    }
                    _ => e.detail().map_or_else(|| e.to_string(), str::to_string),
                };
                fail(e.line(), what)
            })?;
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let subject = first
            .get("Subject:".len()..)
            .unwrap_or_default()
            .trim()
            .to_string();
        if subject.is_empty() {
            return Err(fail(Some(1), "the subject is empty once filled in".into()));
        }
        let body = format!("{}\n", rest.trim_start_matches('\n').trim_end());
        Ok((subject, body))
    }
}

/// A template is a `Subject:` line, then an empty line, then the body.
fn check_shape(source: &str, text: &str) -> Result<(), Vec<String>> {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let mut problems = Vec::new();
    if !first
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("subject:"))
    {
        problems.push(format!(
            "{source}, line 1: a template starts with its subject line (`Subject: ...`), then an empty line, then the body"
        ));
    }
    if lines.next().is_some_and(|l| !l.trim().is_empty()) {
        problems.push(format!(
            "{source}, line 2: leave line 2 empty: it separates the subject from the body"
        ));
    }
    if text.lines().count() < 3 {
        problems.push(format!("{source}: the body is empty"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_templates_load_and_use_only_their_fields() {
        Templates::load(&[]).expect("built-in templates are valid");
    }

    #[test]
    fn a_misspelt_placeholder_names_file_line_and_fields() {
        let text = "Subject: Hello\n\nDear {{ me.first_name }},\n{{ me.nmae }}\n".to_string();
        let e = Templates::load(&[("thanks.txt".into(), text)]).expect_err("misspelt");
        let e = e.join("\n");
        assert!(e.contains("templates/thanks.txt, line 4"), "{e}");
        assert!(e.contains("me.nmae") && e.contains("me.first_name"), "{e}");
    }

    #[test]
    fn unknown_files_and_bad_shapes_are_refused_together() {
        let e = Templates::load(&[
            ("thank.txt".into(), "Subject: x\n\nbody\n".into()),
            ("chaser.txt".into(), "Hello\nbody\n".into()),
            ("reminder.txt".into(), "Subject: x\n\n{% if %}\n".into()),
        ])
        .expect_err("bad");
        let e = e.join("\n");
        assert!(
            e.contains("templates/thank.txt: not a message template"),
            "{e}"
        );
        assert!(e.contains("templates/chaser.txt, line 1"), "{e}");
        assert!(e.contains("templates/reminder.txt, line 3"), "{e}");
    }
}
