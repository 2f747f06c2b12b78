//! Problems with what a user gave the tool, as values: each names its file, line and column where
//! there is one and says what would be valid. Commands report every problem of a run at once.

use std::fmt;

/// One problem: where it is (file, line, column) and what is wrong, with what would be valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (or source, such as "the command line"); empty when there is none.
    pub file: String,
    pub line: Option<usize>,
    /// The column or field, when the problem is about one cell.
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line,
            column: None,
            message: message.into(),
        }
    }

    /// A problem about one cell of a file.
    pub fn cell(file: &str, line: usize, column: &str, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line: Some(line),
            column: Some(column.to_string()),
            message: message.into(),
        }
    }

    /// A problem with no file: a flag, a setting, a request.
    pub fn general(message: impl Into<String>) -> Self {
        Problem::new("", None, message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.is_empty() {
            match self.line {
                Some(line) => write!(f, "{}:{}: ", self.file, line)?,
                None => write!(f, "{}: ", self.file)?,
            }
        }
        if let Some(column) = &self.column {
            write!(f, "column \"{column}\": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

/// Every problem found in one run, with what was being read and what happens next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// What the problems are in: "cohort pilot-2020", "applications.csv".
    pub source: String,
    pub items: Vec<Problem>,
    /// What follows, after the count: "nothing was written".
    pub outcome: &'static str,
    /// A last line of advice, such as which command lists every problem.
    pub advice: Option<String>,
    /// At most this many are listed (the rest are counted); `None` lists them all.
    pub limit: Option<usize>,
}

impl Problems {
    pub fn new(source: impl Into<String>, items: Vec<Problem>) -> Self {
        Problems {
            source: source.into(),
            items,
            outcome: "nothing was written",
            advice: None,
            limit: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.items.len();
        write!(
            f,
            "{} in {}; {}:",
            count(n, "problem", "problems"),
            self.source,
            self.outcome
        )?;
        let shown = self.limit.unwrap_or(n).min(n);
        for p in &self.items[..shown] {
            write!(f, "\n  {p}")?;
        }
        if shown < n {
            write!(f, "\n  ... and {} more", n - shown)?;
        }
        if let Some(advice) = &self.advice {
            write!(f, "\n{advice}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// `1 pair`, `2 pairs`, `0 pairs`: a count with the word that agrees with it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The plural ending for a count of `n`: "" or "s".
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_file_line_and_column() {
        let p = Problem::cell("participants.csv", 4, "email", "\"x\" is not an email");
        assert_eq!(
            p.to_string(),
            "participants.csv:4: column \"email\": \"x\" is not an email"
        );
        assert_eq!(Problem::general("bad").to_string(), "bad");
    }

    #[test]
    fn problems_are_listed_up_to_the_limit() {
        let mut ps = Problems::new(
            "cohort c",
            (1..=5)
                .map(|i| Problem::new("f.csv", Some(i), "bad"))
                .collect(),
        );
        ps.limit = Some(2);
        ps.advice = Some("run check".into());
        let text = ps.to_string();
        assert!(text.starts_with("5 problems in cohort c; nothing was written:"));
        assert!(text.contains("f.csv:2: bad"));
        assert!(!text.contains("f.csv:3: bad"));
        assert!(text.contains("... and 3 more\nrun check"));
    }
}
