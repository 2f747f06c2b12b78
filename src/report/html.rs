//! The summary as one self-contained HTML file: no script, no external resource, inline SVG charts,
//! print styles for a board pack. Every piece of user text is escaped.

use std::fmt::Write;

use super::charts;
use crate::evaluation::{Change, Figure, Grid, Summary};

/// Escape text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The style sheet. On screen from 360 px up: wide tables scroll inside their own box, a chart is
/// never shrunk below [`charts::MIN_SCALE`] of its size (its box scrolls instead), long words
/// wrap. In print on A4: a heading is never the last thing on a page (`break-after: avoid`, set
/// for every medium so that it can be checked), and a heading with its introduction and first
/// table or chart is one block (`div.keep`) that does not break.
const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1b1b1b; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45;
  overflow-wrap: break-word; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #1f5ea0; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
.keep, table, figure, blockquote, tr { break-inside: avoid; page-break-inside: avoid; }
p.meta { color: #555; margin-top: 0; }
p.legend { font-size: .9rem; background: #f3f6fa; border-left: 4px solid #1f5ea0; padding: .5rem .8rem; }
div.scroll, div.chart { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #d5d9de; padding: .3rem .7rem; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text { text-align: left; }
td.text { min-width: 12rem; }
thead th { background: #eef2f6; border-bottom: 2px solid #9aa7b4; }
tr.total td { font-weight: 600; border-top: 2px solid #9aa7b4; }
td.hidden { color: #5b5b5b; font-style: italic; }
figure { margin: 1rem 0; }
figure svg { display: block; max-width: 100%; height: auto; min-width: var(--min-width, 0); }
figcaption { font-size: .85rem; color: #555; }
blockquote { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid #cc6600; background: #fbf7f2;
  white-space: pre-line; }
blockquote footer { margin-top: .3rem; color: #555; font-size: .9rem; white-space: normal; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; padding: 0 .75rem; }
  th, td { padding: .25rem .45rem; }
  td.text { min-width: 9rem; }
}
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  div.scroll, div.chart { overflow: visible; }
  figure svg { min-width: 0; max-width: 100%; }
  p.legend { background: none; }
}
"#;

fn cell(f: &Figure) -> String {
    match f {
        Figure::Shown { text, .. } => format!("<td>{}</td>", escape(text)),
        other => format!("<td class=\"hidden\">{}</td>", escape(&other.text())),
    }
}

fn table(out: &mut String, g: &Grid) {
    let _ = write!(
        out,
        "<div class=\"scroll\"><table>\n<thead><tr><th>{}</th>",
        escape(&g.corner)
    );
    for c in &g.columns {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in &g.rows {
        let class = if r.label == "total" {
            " class=\"total\""
        } else {
            ""
        };
        let _ = write!(out, "<tr{class}><td>{}</td>", escape(&r.label));
        for f in &r.cells {
            out.push_str(&cell(f));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

fn figure(out: &mut String, svg: Option<String>, caption: &str) {
    if let Some(svg) = svg {
        let _ = write!(
            out,
            "<figure>\n<div class=\"chart\">{svg}</div><figcaption>{}</figcaption>\n</figure>\n",
            escape(caption)
        );
    }
}

fn change_cells(c: &Change, paired: bool) -> String {
    let mut cells = vec![cell(&c.baseline_n), cell(&c.baseline_mean)];
    if !paired {
        cells.push(cell(&c.final_n));
    }
    cells.push(cell(&c.final_mean));
    cells.push(cell(&c.change));
    cells.concat()
}

/// The rows of a question table: each question, who was asked, and its figures.
fn question_table(o: &mut String, s: &Summary, header: &str, paired: bool) {
    let _ = write!(
        o,
        "<div class=\"scroll\"><table>\n<thead><tr><th>question</th><th>asked of</th>{header}</tr></thead>\n<tbody>\n"
    );
    for q in &s.questions {
        let change = if paired { &q.paired } else { &q.unpaired };
        let _ = writeln!(
            o,
            "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td>{}</tr>",
            escape(&q.text),
            escape(&super::asked_of(&q.roles)),
            change_cells(change, paired)
        );
    }
    o.push_str("</tbody>\n</table></div>\n");
}

/// Participants, pairs and group sessions: small sections, each kept whole on a page.
fn people(o: &mut String, s: &Summary) {
    let _ = writeln!(o, "<section class=\"keep\">\n<h2>Participants</h2>");
    table(o, &s.participants);
    o.push_str("</section>\n");

    let _ = writeln!(o, "<section class=\"keep\">\n<h2>Pairs</h2>");
    table(o, &s.pairs);
    let _ = writeln!(
        o,
        "<p>Pairs that lapsed: <strong>{}</strong> ({}).</p>\n</section>",
        escape(&s.pairs_lapsed.text()),
        escape(&super::lapsed_definition(s))
    );

    let _ = writeln!(o, "<section class=\"keep\">\n<h2>Group sessions</h2>");
    if s.sessions.rows.is_empty() {
        let _ = writeln!(o, "<p>No briefing or evaluation session recorded.</p>");
    } else {
        let _ = writeln!(
            o,
            "<p>People who attended each briefing and group evaluation session.</p>"
        );
        table(o, &s.sessions);
    }
    o.push_str("</section>\n");
}

/// One-to-one meetings by month, and the time between them.
fn meetings(o: &mut String, s: &Summary) {
    let _ = writeln!(
        o,
        "<section>\n<div class=\"keep\">\n<h2>One-to-one meetings</h2>\n<p>Meetings by month (held or cancelled on, or planned for) and status. Only dates, length and topic tags are recorded, never what was said.</p>"
    );
    figure(
        o,
        charts::meetings(s),
        "Held, cancelled and still planned meetings in each month.",
    );
    o.push_str("</div>\n");
    table(o, &s.meetings);
    let _ = writeln!(
        o,
        "<p>All meetings in the plan: <strong>{}</strong>.</p>",
        escape(&s.meetings_all.text())
    );
    let _ = writeln!(o, "<div class=\"keep\">\n<h3>Time between meetings</h3>");
    let _ = writeln!(o, "<p>{}</p>", escape(&super::intervals_sentence(s)));
    figure(
        o,
        charts::intervals(s),
        "The box spans the middle half of the intervals, the bar is the median; the shaded band is the cadence.",
    );
    o.push_str("</div>\n");
    if !matches!(s.intervals.intervals, Figure::Empty) {
        table(o, &s.intervals.bands);
    }
    o.push_str("</section>\n");
}

/// Topics raised, and who the scheme reached (one characteristic at a time).
fn topics_and_reach(o: &mut String, s: &Summary) {
    let _ = writeln!(
        o,
        "<section>\n<div class=\"keep\">\n<h2>Topics raised</h2>\n<p>Pairs that raised each topic in at least one held meeting (tags not listed in cohort.toml count as &ldquo;other&rdquo;).</p>"
    );
    let topics: Vec<(String, Figure)> = s
        .topics
        .rows
        .iter()
        .map(|r| (r.label.clone(), r.cells[0].clone()))
        .collect();
    figure(
        o,
        charts::bars("Pairs that raised each topic", "pairs", &topics),
        "Pairs per topic.",
    );
    o.push_str("</div>\n");
    table(o, &s.topics);
    o.push_str("</section>\n");

    if !s.participation.is_empty() {
        o.push_str("<section>\n");
        // The section's heading and note stay with its first table.
        for (i, p) in s.participation.iter().enumerate() {
            o.push_str("<div class=\"keep\">\n");
            if i == 0 {
                let _ = writeln!(
                    o,
                    "<h2>Who the scheme reached</h2>\n<p>{}</p>",
                    escape(&super::participation_note())
                );
            }
            let _ = writeln!(
                o,
                "<h3>By {}</h3>",
                escape(&p.characteristic.replace('_', " "))
            );
            table(o, &p.table);
            o.push_str("</div>\n");
        }
        o.push_str("</section>\n");
    }
}

/// Respondents and each question's change, paired and unpaired.
fn surveys(o: &mut String, s: &Summary) {
    let _ = writeln!(
        o,
        "<section>\n<div class=\"keep\">\n<h2>Surveys</h2>\n<h3>Respondents</h3>"
    );
    table(o, &s.respondents);
    o.push_str("</div>\n");
    let scale = s.questions.iter().map(|q| q.scale).max().unwrap_or(5);
    let _ = writeln!(
        o,
        "<div class=\"keep\">\n<h3>Change for the same people (paired)</h3>\n<p>Mean answers of the people who answered both the baseline and the final survey, from 1 (strongly disagree) to {scale} (strongly agree).</p>"
    );
    figure(
        o,
        charts::questions(s),
        "Grey: mean at the baseline survey; blue: mean at the final survey, for the same people.",
    );
    o.push_str("</div>\n");
    question_table(
        o,
        s,
        "<th>n</th><th>baseline</th><th>final</th><th>change</th>",
        true,
    );
    let _ = writeln!(
        o,
        "<div class=\"keep\">\n<h3>Everyone who answered (unpaired)</h3>\n<p>Mean answers of everyone who answered each survey; the two groups of people differ.</p>"
    );
    question_table(
        o,
        s,
        "<th>baseline n</th><th>baseline</th><th>final n</th><th>final</th><th>change</th>",
        false,
    );
    o.push_str("</div>\n</section>\n");
}

/// Approved quotes, attributed to a role.
fn quotes(o: &mut String, s: &Summary) {
    let _ = writeln!(
        o,
        "<section>\n<div class=\"keep\">\n<h2>In their words</h2>"
    );
    if s.quotes.is_empty() {
        let _ = writeln!(o, "<p>No quotes to show.</p>");
    } else {
        let _ = writeln!(
            o,
            "<p>Comments from the surveys, shown only where their author agreed to be quoted anonymously and the coordinator approved them (names, emails, departments, grades and characteristics replaced).</p>"
        );
    }
    // The heading and its note stay with the first quote.
    for (i, q) in s.quotes.iter().enumerate() {
        let _ = writeln!(
            o,
            "<blockquote>{}<footer>— {}</footer></blockquote>",
            escape(&q.text),
            escape(&super::attribution(q.role, q.phase))
        );
        if i == 0 {
            o.push_str("</div>\n");
        }
    }
    if s.quotes.is_empty() {
        o.push_str("</div>\n");
    }
    o.push_str("</section>\n");
}

pub fn html(s: &Summary) -> String {
    let mut out = String::new();
    let o = &mut out;
    let title = if s.title.trim().is_empty() {
        "Reverse mentoring".to_string()
    } else {
        s.title.clone()
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{t}: evaluation summary</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}: evaluation summary</h1>\n",
        t = escape(&title)
    );
    let _ = writeln!(
        o,
        "<p class=\"meta\">Cohort {}, {} to {}. Figures as of {}.</p>",
        escape(&s.cohort),
        s.start,
        s.end,
        s.as_of
    );
    let _ = writeln!(o, "<p class=\"legend\">{}</p>", escape(&super::legend(s)));
    people(o, s);
    meetings(o, s);
    topics_and_reach(o, s);
    surveys(o, s);
    quotes(o, s);
    o.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
