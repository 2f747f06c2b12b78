//! The summary as Markdown: readable as plain text in an email, tidy when rendered for a board paper.

use std::fmt::Write;

use crate::evaluation::{Change, Figure, Grid, Summary};

/// Escape Markdown punctuation in a piece of user text, so it shows as written (a `<script>` stays
/// text, a `|` does not split a table cell); line breaks become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, g: &Grid) {
    let _ = writeln!(
        out,
        "| {} | {} |",
        escape(&g.corner),
        g.columns
            .iter()
            .map(|c| escape(c))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(out, "| --- |{}", " ---: |".repeat(g.columns.len()));
    for r in &g.rows {
        let _ = writeln!(
            out,
            "| {} | {} |",
            escape(&r.label),
            r.cells
                .iter()
                .map(|f| f.text())
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    out.push('\n');
}

fn change_row(out: &mut String, label: &str, asked: &str, c: &Change, paired: bool) {
    if paired {
        let _ = writeln!(
            out,
            "| {label} | {asked} | {} | {} | {} | {} |",
            c.baseline_n.text(),
            c.baseline_mean.text(),
            c.final_mean.text(),
            c.change.text()
        );
    } else {
        let _ = writeln!(
            out,
            "| {label} | {asked} | {} | {} | {} | {} | {} |",
            c.baseline_n.text(),
            c.baseline_mean.text(),
            c.final_n.text(),
            c.final_mean.text(),
            c.change.text()
        );
    }
}

#[allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long: to be split into named steps (ARCHITECTURE.md, "Debts")
pub fn markdown(s: &Summary) -> String {
    let mut out = String::new();
    let o = &mut out;
    let title = if s.title.trim().is_empty() {
        "Reverse mentoring".to_string()
    } else {
        escape(&s.title)
    };
    let _ = writeln!(o, "# {title}: evaluation summary\n");
    let _ = writeln!(
        o,
        "Cohort {}, {} to {}. Figures as of {}.\n",
        escape(&s.cohort),
        s.start,
        s.end,
        s.as_of
    );
    // The legend is the tool's own text; `<5` and `[c]` read as they are in Markdown.
    let _ = writeln!(o, "_{}_\n", super::legend(s));

    let _ = writeln!(o, "## Participants\n");
    table(o, &s.participants);

    let _ = writeln!(o, "## Pairs\n");
    table(o, &s.pairs);
    let _ = writeln!(
        o,
        "Pairs that lapsed: {} ({}).\n",
        s.pairs_lapsed.text(),
        super::lapsed_definition(s)
    );

    let _ = writeln!(o, "## Group sessions\n");
    if s.sessions.rows.is_empty() {
        let _ = writeln!(o, "No briefing or evaluation session recorded.\n");
    } else {
        let _ = writeln!(
            o,
            "People who attended each briefing and group evaluation session.\n"
        );
        table(o, &s.sessions);
    }

    let _ = writeln!(o, "## One-to-one meetings\n");
    let _ = writeln!(
        o,
        "Meetings by month (held or cancelled on, or planned for) and status. Only dates, length and topic tags are recorded, never what was said.\n"
    );
    table(o, &s.meetings);
    let _ = writeln!(o, "All meetings in the plan: {}.\n", s.meetings_all.text());
    let _ = writeln!(o, "{}\n", super::intervals_sentence(s));
    if !matches!(s.intervals.intervals, Figure::Empty) {
        table(o, &s.intervals.bands);
    }

    let _ = writeln!(o, "## Topics raised\n");
    let _ = writeln!(
        o,
        "Pairs that raised each topic in at least one held meeting (tags not listed in cohort.toml count as \"other\").\n"
    );
    table(o, &s.topics);

    if !s.participation.is_empty() {
        let _ = writeln!(o, "## Who the scheme reached\n");
        let _ = writeln!(o, "{}\n", escape(&super::participation_note()));
        for p in &s.participation {
            let _ = writeln!(
                o,
                "### By {}\n",
                escape(&p.characteristic.replace('_', " "))
            );
            table(o, &p.table);
        }
    }

    let _ = writeln!(o, "## Surveys\n");
    let _ = writeln!(o, "### Respondents\n");
    table(o, &s.respondents);
    let scale = s.questions.iter().map(|q| q.scale).max().unwrap_or(5);
    let _ = writeln!(
        o,
        "### Change for the same people (paired)\n\nMean answers of the people who answered both the baseline and the final survey, from 1 (strongly disagree) to {scale} (strongly agree).\n"
    );
    let _ = writeln!(o, "| question | asked of | n | baseline | final | change |");
    let _ = writeln!(o, "| --- | --- | ---: | ---: | ---: | ---: |");
    for q in &s.questions {
        change_row(
            o,
            &escape(&q.text),
            &super::asked_of(&q.roles),
            &q.paired,
            true,
        );
    }
    let _ = writeln!(
        o,
        "\n### Everyone who answered (unpaired)\n\nMean answers of everyone who answered each survey; the two groups of people differ.\n"
    );
    let _ = writeln!(
        o,
        "| question | asked of | baseline n | baseline | final n | final | change |"
    );
    let _ = writeln!(o, "| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for q in &s.questions {
        change_row(
            o,
            &escape(&q.text),
            &super::asked_of(&q.roles),
            &q.unpaired,
            false,
        );
    }
    o.push('\n');

    let _ = writeln!(o, "## In their words\n");
    if s.quotes.is_empty() {
        let _ = writeln!(o, "No quotes to show.\n");
    } else {
        let _ = writeln!(
            o,
            "Comments from the surveys, shown only where their author agreed to be quoted anonymously and the coordinator approved them (names, emails, departments, grades and characteristics replaced).\n"
        );
        for q in &s.quotes {
            let _ = writeln!(
                o,
                "> {}\n>\n> — {}\n",
                escape(&q.text),
                super::attribution(q.role, q.phase)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_user_text() {
        assert_eq!(
            escape("<script>alert(1)</script> | *x*\nnext"),
            "\\<script\\>alert(1)\\</script\\> \\| \\*x\\* next"
        );
    }
}
