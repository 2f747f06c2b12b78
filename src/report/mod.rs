//! The evaluation summary as Markdown (an email or a board paper), HTML (one self-contained file
//! with charts), CSV (one figure a row) or JSON. Renders a [`Summary`]; computes nothing new.

mod charts;
mod html;
mod markdown;
pub mod person;
pub mod programme;

use serde_json::json;

use crate::csvio;
use crate::evaluation::{Figure, Grid, Summary};
use crate::model::{Phase, Role};

pub use html::html;
pub use markdown::markdown;

/// The summary as JSON: the same figures, suppressed cells as `"<5"` or `"[c]"`.
pub fn json(s: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(&json!({
        "legend": legend(s),
        "lapsed_means": lapsed_definition(s),
        "summary": s,
    }))
    .unwrap_or_default();
    text.push('\n');
    text
}

/// The summary as CSV, one figure a row: `section, row, column, value`. Every cell that is not a
/// number is neutralised, so no text can become a formula in a spreadsheet.
pub fn csv(s: &Summary) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut add = |section: &str, row: &str, column: &str, value: String| {
        rows.push([section.into(), row.into(), column.into(), value]);
    };
    add("cohort", "title", "", s.title.clone());
    add("cohort", "start", "", s.start.to_string());
    add("cohort", "end", "", s.end.to_string());
    add("cohort", "as of", "", s.as_of.to_string());
    add("cohort", "min group", "", s.min_group.to_string());
    let mut grid = |section: &str, g: &Grid| {
        for r in &g.rows {
            for (c, f) in g.columns.iter().zip(&r.cells) {
                add(section, &r.label, c, cell(f));
            }
        }
    };
    grid("participants", &s.participants);
    grid("pairs", &s.pairs);
    grid("group sessions", &s.sessions);
    grid("meetings", &s.meetings);
    grid("intervals", &s.intervals.bands);
    grid("topics", &s.topics);
    grid("survey respondents", &s.respondents);
    for p in &s.participation {
        grid(&format!("participation by {}", p.characteristic), &p.table);
    }
    add("pairs", "lapsed", "", cell(&s.pairs_lapsed));
    add("meetings", "all meetings", "", cell(&s.meetings_all));
    let i = &s.intervals;
    for (name, f) in [
        ("intervals", &i.intervals),
        ("pairs", &i.pairs),
        ("median weeks", &i.median_weeks),
        ("lower quartile weeks", &i.lower_quartile_weeks),
        ("upper quartile weeks", &i.upper_quartile_weeks),
        ("inside cadence", &i.inside_cadence),
    ] {
        add("intervals", name, "", cell(f));
    }
    for q in &s.questions {
        for (section, c) in [
            ("survey paired", &q.paired),
            ("survey everyone", &q.unpaired),
        ] {
            for (column, f) in [
                ("baseline n", &c.baseline_n),
                ("baseline mean", &c.baseline_mean),
                ("final n", &c.final_n),
                ("final mean", &c.final_mean),
                ("change", &c.change),
            ] {
                add(section, &q.id, column, cell(f));
            }
        }
    }
    for q in &s.quotes {
        add("quotes", &attribution(q.role, q.phase), "", q.text.clone());
    }
    let headers: Vec<String> = ["section", "row", "column", "value"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    let cells = rows
        .into_iter()
        .map(|r| r.iter().map(|c| spreadsheet_safe(c)).collect());
    String::from_utf8(csvio::write(&headers, cells)).unwrap_or_default()
}

/// A figure's CSV cell: as printed, but empty where there is nothing to report.
fn cell(f: &Figure) -> String {
    match f {
        Figure::Empty => String::new(),
        other => other.text(),
    }
}

/// A number stays a number (`-0.25` is not a formula); any other cell is neutralised.
fn spreadsheet_safe(cell: &str) -> String {
    if cell.parse::<f64>().is_ok_and(f64::is_finite) {
        cell.to_string()
    } else {
        csvio::neutralise(cell)
    }
}

/// "a mentee, final survey"
pub fn attribution(role: Role, phase: Phase) -> String {
    format!(
        "a {role}, {} survey",
        match phase {
            Phase::Baseline => "baseline",
            Phase::Final => "final",
        }
    )
}

/// What `<5`, `[c]` and rounding mean.
pub fn legend(s: &Summary) -> String {
    let rounding = if s.rounding > 1 {
        format!(
            " Counts about people are rounded to a multiple of {}; totals of people enrolled and pairs confirmed are exact.",
            s.rounding
        )
    } else {
        String::new()
    };
    format!(
        "A figure about fewer than {n} people (or pairs) reads <{n}; [c] marks a figure hidden so that no <{n} can be worked out from the others; – is not applicable, or not reported where any figure would say something about fewer than {n}.{rounding} No name, email, id or department is used, and characteristics only one at a time.",
        n = s.min_group
    )
}

/// What the participation tables count.
pub fn participation_note() -> String {
    format!(
        "Everyone enrolled, by each characteristic one at a time (never two together); \"not known\" is anyone who did not say, preferred not to, or was erased. Completing: in a pair that held at least {} one-to-ones.",
        crate::evaluation::participation::COMPLETION_MEETINGS
    )
}

/// What a lapsed pair is.
pub fn lapsed_definition(s: &Summary) -> String {
    format!(
        "a running pair whose last one-to-one (or, before the first, its confirmation) was more than {} weeks before {}, or a pair that ended without ever meeting",
        s.max_weeks, s.as_of
    )
}

/// Who a question was asked of: "mentees", "mentors and mentees".
pub fn asked_of(roles: &[Role]) -> String {
    let mut names: Vec<&str> = roles.iter().map(|r| r.plural()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(" and ")
}

/// The sentence about intervals between held meetings, with plain text figures.
pub fn intervals_sentence(s: &Summary) -> String {
    let i = &s.intervals;
    if matches!(i.intervals, Figure::Empty) {
        return "No pair has held two meetings yet, so there are no intervals to report.".into();
    }
    if !i.median_weeks.is_shown() {
        return format!(
            "Fewer than {} pairs have held two meetings, so intervals are not reported.",
            s.min_group
        );
    }
    let inside = if i.inside_cadence.is_shown() {
        format!(
            "; {} inside the {}–{} week cadence",
            i.inside_cadence.text(),
            s.min_weeks,
            s.max_weeks
        )
    } else {
        String::new()
    };
    format!(
        "{} intervals between consecutive held meetings of {} pairs: median {} weeks (middle half {}–{}){inside}. The shortest and longest are not shown: each is one pair's.",
        i.intervals.text(),
        i.pairs.text(),
        i.median_weeks.text(),
        i.lower_quartile_weeks.text(),
        i.upper_quartile_weeks.text(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_numbers_and_text_is_neutralised() {
        assert_eq!(spreadsheet_safe("-0.25"), "-0.25");
        assert_eq!(
            spreadsheet_safe("=cmd|' /C calc'!A0"),
            "'=cmd|' /C calc'!A0"
        );
        assert_eq!(spreadsheet_safe("-inf"), "'-inf");
        assert_eq!(spreadsheet_safe("<5"), "<5");
    }
}
