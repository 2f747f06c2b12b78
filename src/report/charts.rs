//! Charts for the HTML summary, drawn with plotters' SVG backend and embedded inline. A suppressed
//! figure is never drawn as a bar or point: its place shows `<5` or `[c]` as text.
//!
//! Text is left to the SVG viewer (`font-family: sans-serif`); plotters only estimates its width,
//! which is why label areas are given generous fixed sizes. No label is shortened: a long one is
//! wrapped over lines (at a conservative width per character), and every month between the first
//! and the last has its place on the month axis. Every chart is an image with an accessible name
//! (`role="img"`, `aria-label` and `<title>`) saying what it shows, and carries the narrowest width
//! it may be shown at (`--min-width`, [`MIN_SCALE`] of its own) so that its smallest text, [`TEXT`]
//! units, is never drawn below 12 CSS pixels: a page narrower than that scrolls the chart instead.

use chrono::{Datelike, Months, NaiveDate};
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::evaluation::{Figure, GridRow, Summary};

const FONT: &str = "sans-serif";
const HELD: RGBColor = RGBColor(31, 94, 160);
const CANCELLED: RGBColor = RGBColor(204, 102, 0);
const PLANNED: RGBColor = RGBColor(150, 150, 150);
const BAND: RGBColor = RGBColor(214, 234, 214);
const START: RGBColor = RGBColor(140, 140, 140);
const END: RGBColor = RGBColor(31, 94, 160);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Err = DrawingAreaErrorKind<std::io::Error>;
/// A chart of figures against categories (topics, questions), the first category at the top.
type Categories<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordusize>>>;
/// A chart of figures against months.
type Months2d<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<SegmentedCoord<RangedCoordusize>, RangedCoordf64>>;

/// Plotters writes a font's size divided by 1.24; sizes here are given in the SVG's own units.
const UNITS: f64 = 1.24;
/// The smallest text of every chart (axis labels, values, `<5` markers), in SVG units.
pub const TEXT: f64 = 15.0;
/// Chart titles, in SVG units.
const TITLE: f64 = 17.0;
/// The most a chart is shrunk to fit a narrow page: `TEXT` × 0.8 = 12 CSS pixels.
pub const MIN_SCALE: f64 = 0.8;
/// The width of one character of `TEXT`, estimated generously (sans-serif averages about 0.55 em).
const CHAR: f64 = TEXT * 0.6;
/// The height of one line of wrapped `TEXT`.
const LINE: i32 = 19;

fn font(units: f64) -> FontDesc<'static> {
    (FONT, units * UNITS).into_font()
}

/// Draw into an SVG string of `size` named `name` for assistive technology; `None` if plotters
/// reports an error (the HTML then says so).
fn svg(
    size: (u32, u32),
    name: &str,
    draw: impl FnOnce(&Area) -> Result<(), Err>,
) -> Option<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).ok()?;
        draw(&root).ok()?;
        root.present().ok()?;
    }
    Some(accessible(&buf, size.0, name))
}

/// The SVG as an image with `name` (as `aria-label` and `<title>`), and the narrowest width it may
/// be shown at.
fn accessible(svg: &str, width: u32, name: &str) -> String {
    let name = super::html::escape(name);
    let min = (f64::from(width) * MIN_SCALE).ceil();
    match svg
        .strip_prefix("<svg ")
        .and_then(|rest| rest.split_once('>'))
    {
        Some((attributes, body)) => format!(
            "<svg role=\"img\" aria-label=\"{name}\" style=\"--min-width:{min}px\" {attributes}>\n<title>{name}</title>{body}"
        ),
        None => svg.to_string(),
    }
}

fn label_style(units: f64) -> TextStyle<'static> {
    TextStyle::from(font(units)).pos(Pos::new(HPos::Left, VPos::Center))
}

/// `label` in lines of at most `width` characters, broken at spaces and after hyphens (a word
/// longer than a line is split), every character kept.
fn wrap(label: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    for c in label.chars() {
        if c == ' ' {
            if !piece.is_empty() {
                pieces.push(std::mem::take(&mut piece));
            }
            continue;
        }
        piece.push(c);
        if c == '-' {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let mut chars: Vec<char> = piece.chars().collect();
        while chars.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(chars.drain(..width).collect());
        }
        let piece: String = chars.into_iter().collect();
        let used = line.chars().count();
        let space = usize::from(used > 0 && !line.ends_with('-'));
        if used > 0 && used + space + piece.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        } else if space == 1 {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// How many characters of `TEXT` fit in `width` SVG units.
fn chars_in(width: u32) -> usize {
    // A small positive whole number: the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (f64::from(width) / CHAR).floor().max(1.0) as usize;
    n
}

/// The height of a category row holding `lines` lines of text, at least `least`.
fn row_height(lines: &[Vec<String>], least: u32) -> u32 {
    let most = lines.iter().map(Vec::len).max().unwrap_or(1);
    let needed = u32::try_from(most)
        .unwrap_or(u32::MAX)
        .saturating_mul(LINE.unsigned_abs())
        .saturating_add(12);
    needed.max(least)
}

/// Each category's label, wrapped over `lines`, right-aligned beside the axis (at `x0`); the first
/// category is at the top.
fn category_labels(
    root: &Area,
    chart: &Categories,
    x0: f64,
    lines: &[Vec<String>],
) -> Result<(), Err> {
    let n = lines.len();
    let style = TextStyle::from(font(TEXT)).pos(Pos::new(HPos::Right, VPos::Center));
    for (k, label) in lines.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(x0, SegmentValue::CenterOf(n - 1 - k)));
        let count = i32::try_from(label.len()).unwrap_or(1);
        let top = y - (count - 1) * LINE / 2;
        for (l, line) in label.iter().enumerate() {
            let dy = i32::try_from(l).unwrap_or(0) * LINE;
            root.draw(&Text::new(line.as_str(), (x - 8, top + dy), style.clone()))?;
        }
    }
    Ok(())
}

/// Axis labels for counts: whole numbers only (plotters may put ticks between them).
fn whole(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        String::new()
    }
}

/// `n` categories, one segment each (plotters' integer ranges include their end).
fn segments(n: usize) -> SegmentedCoord<RangedCoordusize> {
    (0..n.saturating_sub(1)).into_segmented()
}

/// The label area beside category bars, and the characters a line of it holds.
const TOPIC_LABELS: u32 = 230;

/// Horizontal bars, one per labelled figure (topics raised by pairs).
pub fn bars(title: &str, unit: &str, rows: &[(String, Figure)]) -> Option<String> {
    let n = rows.len();
    if !rows.iter().any(|(_, f)| f.is_shown()) {
        return None; // nothing to look at: the table says why
    }
    let max = rows
        .iter()
        .filter_map(|(_, f)| f.value())
        .fold(1.0, f64::max);
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|(label, _)| wrap(label, chars_in(TOPIC_LABELS - 16)))
        .collect();
    let row = row_height(&lines, 32);
    let height = 90u32.saturating_add(row.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX)));
    let name = format!(
        "Bar chart: {title}, one bar per row of the table below, which gives each figure; a figure held back reads <5 or [c]."
    );
    svg((720, height), &name, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .caption(title, font(TITLE))
            .x_label_area_size(40)
            .y_label_area_size(TOPIC_LABELS)
            .build_cartesian_2d(0f64..max * 1.15, segments(n))?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .disable_y_mesh()
            .x_desc(unit)
            .x_labels(6)
            .x_label_formatter(&whole)
            .y_labels(n)
            .y_label_formatter(&|_| String::new())
            .label_style(font(TEXT))
            .draw()?;
        category_labels(root, &chart, 0.0, &lines)?;
        // Segments count from the bottom; the first row goes at the top, as in the table.
        for (k, (_, f)) in rows.iter().enumerate() {
            let i = n - 1 - k;
            match f.value() {
                Some(v) => {
                    let mut bar = Rectangle::new(
                        [
                            (0.0, SegmentValue::Exact(i)),
                            (v, SegmentValue::Exact(i + 1)),
                        ],
                        HELD.filled(),
                    );
                    bar.set_margin(5, 5, 0, 0);
                    chart.draw_series(std::iter::once(bar))?;
                    chart.draw_series(std::iter::once(Text::new(
                        f.text(),
                        (v + max * 0.01, SegmentValue::CenterOf(i)),
                        label_style(TEXT),
                    )))?;
                }
                None => {
                    chart.draw_series(std::iter::once(Text::new(
                        f.text(),
                        (max * 0.01, SegmentValue::CenterOf(i)),
                        label_style(TEXT).color(&BLACK.mix(0.75)),
                    )))?;
                }
            }
        }
        Ok(())
    })
}

/// The months of a chart: every month from the first row's to the last's, each with its row
/// (`None`: no meeting that month). Labels that are not months, or a span of more than ten years,
/// keep the rows as they are.
fn month_axis<'a>(rows: &[&'a GridRow]) -> Vec<(String, Option<&'a GridRow>)> {
    let month = |label: &str| NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d").ok();
    let as_they_are = || {
        rows.iter()
            .map(|r| (r.label.clone(), Some(*r)))
            .collect::<Vec<_>>()
    };
    let Some(months) = rows
        .iter()
        .map(|r| month(&r.label))
        .collect::<Option<Vec<NaiveDate>>>()
    else {
        return as_they_are();
    };
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return as_they_are();
    };
    let mut axis = Vec::new();
    let mut m = *first;
    while m <= *last {
        if axis.len() >= 120 {
            return as_they_are();
        }
        let label = m.format("%Y-%m").to_string();
        let row = rows.iter().find(|r| r.label == label).copied();
        axis.push((label, row));
        match m.checked_add_months(Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    axis
}

/// A month's label on the axis: its short name, and the year under the first month and January.
fn month_label(label: &str, first: bool) -> Vec<String> {
    match NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d") {
        Ok(d) if first || d.month() == 1 => {
            vec![d.format("%b").to_string(), d.format("%Y").to_string()]
        }
        Ok(d) => vec![d.format("%b").to_string()],
        Err(_) => vec![label.to_string()],
    }
}

/// Each month's held, cancelled and planned meetings side by side: a bar, or where a figure is
/// held back its marker.
fn month_bars(
    chart: &mut Months2d,
    months: &[(String, Option<&GridRow>)],
    series: &[(&str, RGBColor)],
) -> Result<(), Err> {
    let n = months.len();
    let (plot_width, _) = chart.plotting_area().dim_in_pixel();
    let slot =
        i32::try_from(plot_width).unwrap_or(i32::MAX) / i32::try_from(n.max(1)).unwrap_or(i32::MAX);
    let bar = (slot - 16) / 3;
    for (i, (_, row)) in months.iter().enumerate() {
        let Some(row) = row else { continue };
        for (j, (_, colour)) in series.iter().enumerate() {
            let Some(f) = row.cells.get(j) else { continue };
            let left = 8 + i32::try_from(j).unwrap_or(0) * bar;
            let right = slot - left - bar;
            match f.value() {
                Some(v) if v > 0.0 => {
                    let mut r = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), 0.0),
                            (SegmentValue::Exact(i + 1), v),
                        ],
                        colour.filled(),
                    );
                    r.set_margin(
                        0,
                        0,
                        u32::try_from(left).unwrap_or(0),
                        u32::try_from(right).unwrap_or(0),
                    );
                    chart.draw_series(std::iter::once(r))?;
                }
                Some(_) => {}
                None => {
                    // A suppressed figure: its marker stands where the bar would be.
                    let style = TextStyle::from(font(TEXT))
                        .pos(Pos::new(HPos::Center, VPos::Bottom))
                        .color(colour);
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((SegmentValue::Exact(i), 0.0))
                            + Text::new(f.text(), (left + bar / 2, -3), style),
                    ))?;
                }
            }
        }
    }
    Ok(())
}

/// The months under the axis, drawn here so that plotters' thinning of labels never drops one.
fn month_labels(
    root: &Area,
    chart: &Months2d,
    months: &[(String, Option<&GridRow>)],
) -> Result<(), Err> {
    let centred = TextStyle::from(font(TEXT)).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, (label, _)) in months.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(i), 0.0));
        for (l, line) in month_label(label, i == 0).iter().enumerate() {
            let dy = i32::try_from(l).unwrap_or(0) * LINE;
            root.draw(&Text::new(line.as_str(), (x, y + 6 + dy), centred.clone()))?;
        }
    }
    Ok(())
}

/// Meetings by month: held, cancelled and planned side by side, every month of the span in place.
pub fn meetings(s: &Summary) -> Option<String> {
    let rows: Vec<&GridRow> = s
        .meetings
        .rows
        .iter()
        .filter(|r| r.label != "total")
        .collect();
    if !rows.iter().any(|r| r.cells.iter().any(Figure::is_shown)) {
        return None;
    }
    let months = month_axis(&rows);
    let n = months.len();
    let max = rows
        .iter()
        .flat_map(|r| r.cells.iter().filter_map(Figure::value))
        .fold(1.0, f64::max);
    let series = [
        ("held", HELD),
        ("cancelled", CANCELLED),
        ("planned", PLANNED),
    ];
    let span = match (months.first(), months.last()) {
        (Some((a, _)), Some((b, _))) if a != b => format!("from {a} to {b}"),
        (Some((a, _)), _) => format!("in {a}"),
        _ => String::new(),
    };
    let name = format!(
        "Bar chart: one-to-one meetings held, cancelled and still planned in each month {span}; the table below gives each figure, and a figure held back reads <5 or [c]."
    );
    // Room for three markers side by side in every month.
    let width = u32::try_from(n)
        .unwrap_or(u32::MAX)
        .saturating_mul(84)
        .saturating_add(76)
        .max(720);
    svg((width, 340), &name, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .caption("Meetings by month", font(TITLE))
            .x_label_area_size(46)
            .y_label_area_size(46)
            .build_cartesian_2d(segments(n), 0f64..max * 1.5)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|_| String::new())
            .y_labels(6)
            .y_label_formatter(&whole)
            .y_desc("meetings")
            .label_style(font(TEXT))
            .draw()?;
        month_labels(root, &chart, &months)?;
        month_bars(&mut chart, &months, &series)?;
        for (name, colour) in series {
            chart
                .draw_series(std::iter::empty::<Rectangle<(SegmentValue<usize>, f64)>>())?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(font(TEXT))
            .border_style(BLACK.mix(0.3))
            .background_style(WHITE.mix(0.9))
            .draw()?;
        Ok(())
    })
}

/// Intervals between held meetings against the cadence band: middle half and median (never the
/// shortest or longest, each one pair's).
pub fn intervals(s: &Summary) -> Option<String> {
    let i = &s.intervals;
    let (Some(q1), Some(med), Some(q3)) = (
        i.lower_quartile_weeks.value(),
        i.median_weeks.value(),
        i.upper_quartile_weeks.value(),
    ) else {
        return None;
    };
    let (min_w, max_w) = (f64::from(s.min_weeks), f64::from(s.max_weeks));
    let right = q3.max(max_w + 2.0).ceil();
    let left = q1.min(min_w - 2.0).floor().max(0.0);
    let title = format!(
        "Weeks between held meetings, against the {}–{} week cadence",
        s.min_weeks, s.max_weeks
    );
    let name = format!(
        "Box chart: {title}: the middle half of the intervals runs from {} to {} weeks, the median is {} weeks.",
        i.lower_quartile_weeks.text(),
        i.upper_quartile_weeks.text(),
        i.median_weeks.text()
    );
    svg((720, 200), &name, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .caption(&title, font(TITLE))
            .x_label_area_size(44)
            .y_label_area_size(10)
            .build_cartesian_2d(left..right, 0f64..1f64)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(label_count(right - left))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_desc("weeks")
            .label_style(font(TEXT))
            .draw()?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(min_w, 0.0), (max_w, 1.0)],
            BAND.filled(),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            "cadence",
            (min_w + 0.1, 0.9),
            label_style(TEXT).color(&RGBColor(50, 100, 50)),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(q1, 0.3), (q3, 0.7)],
            HELD.mix(0.35).filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(q1, 0.3), (q3, 0.7)],
            HELD,
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(med, 0.25), (med, 0.75)],
            HELD.stroke_width(4),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("median {}", i.median_weeks.text()),
            (med, 0.12),
            TextStyle::from(font(TEXT)).pos(Pos::new(HPos::Center, VPos::Center)),
        )))?;
        Ok(())
    })
}

/// The label area beside the questions.
const QUESTION_LABELS: u32 = 330;

/// Each question's mean at the start and at the end (paired), as a dot and an arrow.
pub fn questions(s: &Summary) -> Option<String> {
    let n = s.questions.len();
    if n == 0 {
        return None;
    }
    let scale = s.questions.iter().map(|q| q.scale).max().unwrap_or(5);
    let lines: Vec<Vec<String>> = s
        .questions
        .iter()
        .map(|q| wrap(&q.text, chars_in(QUESTION_LABELS - 16)))
        .collect();
    let row = row_height(&lines, 44);
    let height = 100u32.saturating_add(row.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX)));
    let name = format!(
        "Dot chart: the mean answer to each of {n} survey questions, from 1 (strongly disagree) to {scale} (strongly agree), at the baseline (grey) and at the final survey (blue) for the same people; the table below gives each figure."
    );
    svg((780, height), &name, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .caption(
                "Mean answer: grey at the start, blue at the end (same people)",
                font(TITLE),
            )
            .x_label_area_size(44)
            .y_label_area_size(QUESTION_LABELS)
            .build_cartesian_2d(0.8f64..f64::from(scale) + 0.2, segments(n))?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .disable_y_mesh()
            .x_labels(scale as usize)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_desc(format!("1 = strongly disagree, {scale} = strongly agree"))
            .y_labels(n)
            .y_label_formatter(&|_| String::new())
            .label_style(font(TEXT))
            .draw()?;
        category_labels(root, &chart, 0.8, &lines)?;
        for (k, q) in s.questions.iter().enumerate() {
            let i = n - 1 - k;
            let y = || SegmentValue::CenterOf(i);
            match (q.paired.baseline_mean.value(), q.paired.final_mean.value()) {
                (Some(b), Some(f)) => {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(b, y()), (f, y())],
                        END.mix(0.6).stroke_width(3),
                    )))?;
                    chart.draw_series(std::iter::once(Circle::new((b, y()), 6, START.filled())))?;
                    chart.draw_series(std::iter::once(Circle::new((f, y()), 6, END.filled())))?;
                    chart.draw_series(std::iter::once(Text::new(
                        q.paired.change.text(),
                        (f.max(b) + 0.12, y()),
                        label_style(TEXT),
                    )))?;
                }
                _ => {
                    chart.draw_series(std::iter::once(Text::new(
                        format!("{} (too few people to show)", q.paired.baseline_mean.text()),
                        (1.0, y()),
                        label_style(TEXT).color(&BLACK.mix(0.75)),
                    )))?;
                }
            }
        }
        Ok(())
    })
}

/// One axis label per whole week of `span` (a non-negative whole number), at most 30.
fn label_count(span: f64) -> usize {
    // `span` is clamped to [0, 29] first, so the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let weeks = span.clamp(0.0, 29.0) as usize;
    weeks + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_character_and_breaks_at_spaces_and_hyphens() {
        assert_eq!(
            wrap("experiences-and-perspectives", 16),
            ["experiences-and-", "perspectives"]
        );
        assert_eq!(
            wrap("I feel my voice is heard and valued", 14),
            ["I feel my", "voice is heard", "and valued"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
        let text = "A long question about how senior leaders make decisions";
        let joined: String = wrap(text, 9).concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn accessible_names_the_image() {
        let svg = accessible(
            "<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\">\n<rect/></svg>",
            100,
            "Bars & <5",
        );
        assert_eq!(
            svg,
            "<svg role=\"img\" aria-label=\"Bars &amp; &lt;5\" style=\"--min-width:80px\" width=\"100\" height=\"50\" viewBox=\"0 0 100 50\">\n<title>Bars &amp; &lt;5</title>\n<rect/></svg>"
        );
    }
}
