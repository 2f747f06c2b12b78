//! The programme report (`export --programme`) as Markdown, HTML, CSV or JSON: the cohorts side by
//! side. Renders a [`Programme`]; computes nothing new.

use std::fmt::Write as _;

use serde_json::json;

use super::html::escape as html_escape;
use super::markdown::escape as md_escape;
use crate::csvio;
use crate::evaluation::Figure;
use crate::programme::{Column, Programme};

/// A table of text: a header row, then rows of cells.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

/// A cell: a figure as printed (held back or not), or text.
struct Cell {
    text: String,
    hidden: bool,
    /// Text that came from a file (a cohort's name, a question's words), escaped in Markdown; the
    /// tool's own figures (`<5`, `[c]`) are printed as they are.
    user: bool,
}

fn shown(f: &Figure) -> Cell {
    Cell {
        text: f.text(),
        hidden: !f.is_shown(),
        user: false,
    }
}

fn text(t: impl Into<String>) -> Cell {
    Cell {
        text: t.into(),
        hidden: false,
        user: true,
    }
}

/// What `<N`, `[c]` and `–` mean, with each cohort's threshold.
fn legend(p: &Programme) -> String {
    let mut groups: Vec<u32> = p.cohorts.iter().map(|c| c.min_group).collect();
    groups.sort_unstable();
    groups.dedup();
    let (n, small) = match groups.as_slice() {
        [one] => (one.to_string(), format!("<{one}")),
        _ => (
            "the cohort's own threshold ([privacy] min_group, N)".to_string(),
            "<N".to_string(),
        ),
    };
    format!(
        "Every figure is the one the cohort's own evaluation summary prints, under its own privacy settings; nothing is added up across cohorts. A figure about fewer than {n} people (or pairs) reads {small}; [c] marks a figure hidden so that no {small} can be worked out from the others; – is not applicable, not asked, or (returning people) the first cohort. Returning: people who took part in an earlier cohort (known by email). No name, email, id or department is used, and characteristics only one at a time."
    )
}

fn returning(c: &Column, role: &str) -> Cell {
    shown(
        &c.returning
            .get(role, "returning")
            .cloned()
            .unwrap_or(Figure::Empty),
    )
}

/// The cohorts side by side, one a row.
fn cohorts(p: &Programme) -> Table {
    Table {
        header: [
            "cohort",
            "dates",
            "stage",
            "mentors",
            "mentees",
            "pairs",
            "one-to-ones held",
            "inside the cadence",
            "pairs lapsed",
            "returning mentors",
            "returning mentees",
        ]
        .iter()
        .map(ToString::to_string)
        .collect(),
        rows: p
            .cohorts
            .iter()
            .map(|c| {
                vec![
                    text(&c.cohort),
                    text(format!("{} to {}", c.start, c.end)),
                    text(c.stage),
                    shown(&c.mentors),
                    shown(&c.mentees),
                    shown(&c.pairs),
                    shown(&c.meetings_held),
                    shown(&c.inside_cadence),
                    shown(&c.pairs_lapsed),
                    returning(c, "mentors"),
                    returning(c, "mentees"),
                ]
            })
            .collect(),
    }
}

/// Each question's change, one cohort a column.
fn questions(p: &Programme) -> Table {
    let mut header = vec!["question".to_string()];
    header.extend(p.cohorts.iter().map(|c| c.cohort.clone()));
    Table {
        header,
        rows: p
            .questions
            .iter()
            .map(|q| {
                let mut row = vec![text(&q.text)];
                row.extend(q.change.iter().map(shown));
                row
            })
            .collect(),
    }
}

/// One characteristic: each value's mentors and mentees, two columns a cohort.
fn reach(p: &Programme, i: usize) -> Table {
    let r = &p.reach[i];
    let mut header = vec!["value".to_string()];
    for c in &p.cohorts {
        header.push(format!("{} mentors", c.cohort));
        header.push(format!("{} mentees", c.cohort));
    }
    Table {
        header,
        rows: r
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![text(&row.label)];
                for [m, e] in &row.cells {
                    cells.push(shown(m));
                    cells.push(shown(e));
                }
                cells
            })
            .collect(),
    }
}

fn title(p: &Programme) -> String {
    format!(
        "Reverse mentoring programme: {} cohort{}",
        p.cohorts.len(),
        if p.cohorts.len() == 1 { "" } else { "s" }
    )
}

const CADENCE_NOTE: &str = "Inside the cadence: the share of intervals between a pair's consecutive one-to-ones that fell inside the cohort's own window (min_weeks to max_weeks). A pair lapsed when its last one-to-one (or, before the first, its confirmation) was more than max_weeks before the cohort's end (or today, while it runs), or it ended without meeting.";

const CHANGE_NOTE: &str = "Change in the mean answer between the baseline and the final survey, among the people who answered both.";

const REACH_NOTE: &str = "Everyone enrolled in each cohort, by one characteristic at a time; – where that cohort counted the value in \"another value\" (too few to show) or did not ask.";

fn md_table(out: &mut String, t: &Table) {
    let _ = writeln!(
        out,
        "| {} |",
        t.header
            .iter()
            .map(|h| md_escape(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(
        out,
        "| --- |{}",
        " ---: |".repeat(t.header.len().saturating_sub(1))
    );
    for row in &t.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.user {
                    md_escape(&c.text)
                } else {
                    c.text.clone()
                }
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

pub fn markdown(p: &Programme) -> String {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "# {}\n", title(p));
    let _ = writeln!(o, "Figures as of {}.\n", p.as_of);
    let _ = writeln!(o, "_{}_\n", legend(p));
    let _ = writeln!(o, "## Cohorts side by side\n");
    md_table(o, &cohorts(p));
    let _ = writeln!(o, "{CADENCE_NOTE}\n");
    let _ = writeln!(o, "## Survey change\n");
    if p.questions.is_empty() {
        let _ = writeln!(o, "No survey questions were asked.\n");
    } else {
        let _ = writeln!(o, "{CHANGE_NOTE}\n");
        md_table(o, &questions(p));
    }
    let _ = writeln!(o, "## Who each cohort reached\n");
    if p.reach.is_empty() {
        let _ = writeln!(o, "No characteristics were asked.\n");
    } else {
        let _ = writeln!(o, "{REACH_NOTE}\n");
        for (i, r) in p.reach.iter().enumerate() {
            let _ = writeln!(
                o,
                "### By {}\n",
                md_escape(&r.characteristic.replace('_', " "))
            );
            md_table(o, &reach(p, i));
        }
    }
    out
}

/// The style sheet: wide tables scroll inside their own box from 360 px up; in print on A4
/// (landscape, for the cohorts side by side) a heading is never the last thing on a page and each
/// heading with its table is one block that does not break.
const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1b1b1b; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45;
  overflow-wrap: break-word; }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #1f5ea0; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
.keep, tr { break-inside: avoid; page-break-inside: avoid; }
p.legend { font-size: .9rem; background: #f3f6fa; border-left: 4px solid #1f5ea0; padding: .5rem .8rem; }
div.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #d5d9de; padding: .3rem .6rem; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eef2f6; border-bottom: 2px solid #9aa7b4; }
td.hidden, th.hidden { color: #4a4a4a; font-style: italic; }
caption.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; padding: 0 .75rem; }
  th, td { padding: .25rem .45rem; }
}
@media print {
  @page { size: A4 landscape; margin: 14mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  div.scroll { overflow: visible; }
}
"#;

fn html_table(out: &mut String, t: &Table, caption: &str) {
    let _ = write!(
        out,
        "<div class=\"scroll\"><table><caption class=\"visually-hidden\">{}</caption><thead><tr>",
        html_escape(caption)
    );
    for h in &t.header {
        let _ = write!(out, "<th scope=\"col\">{}</th>", html_escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if c.hidden { " class=\"hidden\"" } else { "" };
            if i == 0 {
                let _ = write!(
                    out,
                    "<th scope=\"row\"{class}>{}</th>",
                    html_escape(&c.text)
                );
            } else {
                let _ = write!(out, "<td{class}>{}</td>", html_escape(&c.text));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>\n");
}

pub fn html(p: &Programme) -> String {
    let mut out = String::new();
    let o = &mut out;
    let t = title(p);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        html_escape(&t)
    );
    let _ = writeln!(o, "<h1>{}</h1>", html_escape(&t));
    let _ = writeln!(o, "<p>Figures as of {}.</p>", p.as_of);
    let _ = writeln!(o, "<p class=\"legend\">{}</p>", html_escape(&legend(p)));
    let _ = writeln!(o, "<section class=\"keep\"><h2>Cohorts side by side</h2>");
    html_table(o, &cohorts(p), "Cohorts side by side");
    let _ = writeln!(o, "<p>{}</p></section>", html_escape(CADENCE_NOTE));
    let _ = writeln!(o, "<section class=\"keep\"><h2>Survey change</h2>");
    if p.questions.is_empty() {
        let _ = writeln!(o, "<p>No survey questions were asked.</p>");
    } else {
        let _ = writeln!(o, "<p>{}</p>", html_escape(CHANGE_NOTE));
        html_table(o, &questions(p), "Survey change");
    }
    let _ = writeln!(o, "</section>\n<section>");
    if p.reach.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Who each cohort reached</h2>\n<p>No characteristics were asked.</p>"
        );
    } else {
        // The section's heading and note stay with its first table.
        for (i, r) in p.reach.iter().enumerate() {
            let name = format!("By {}", r.characteristic.replace('_', " "));
            o.push_str("<div class=\"keep\">");
            if i == 0 {
                let _ = writeln!(
                    o,
                    "<h2>Who each cohort reached</h2>\n<p>{}</p>",
                    html_escape(REACH_NOTE)
                );
            }
            let _ = writeln!(o, "<h3>{}</h3>", html_escape(&name));
            html_table(o, &reach(p, i), &name);
            o.push_str("</div>\n");
        }
    }
    o.push_str("</section>\n</body>\n</html>\n");
    out
}

/// One row a cohort, one column a measure (each question's change as `change: ID`); text cells
/// neutralised so that none becomes a formula.
pub fn csv(p: &Programme) -> String {
    let table = cohorts(p);
    let mut header: Vec<String> = table.header.clone();
    header.extend(p.questions.iter().map(|q| format!("change: {}", q.id)));
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(table.rows.len());
    for (i, row) in table.rows.iter().enumerate() {
        let mut cells: Vec<String> = row.iter().map(|c| cell(&c.text)).collect();
        for q in &p.questions {
            cells.push(q.change.get(i).map_or_else(String::new, |f| match f {
                Figure::Empty => String::new(),
                f => cell(&f.text()),
            }));
        }
        rows.push(cells);
    }
    String::from_utf8(csvio::write(&header, rows)).unwrap_or_default()
}

fn cell(c: &str) -> String {
    if c == "–" {
        String::new()
    } else if c.parse::<f64>().is_ok_and(f64::is_finite) {
        c.to_string()
    } else {
        csvio::neutralise(c)
    }
}

pub fn json(p: &Programme) -> String {
    let mut text = serde_json::to_string_pretty(&json!({
        "legend": legend(p),
        "programme": p,
    }))
    .unwrap_or_default();
    text.push('\n');
    text
}
