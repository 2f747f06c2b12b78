//! Charts for the HTML summary, drawn with plotters' SVG backend and embedded inline. A suppressed
//! figure is never drawn as a bar or point: its place shows `<5` or `[c]` as text.
//!
//! Text is left to the SVG viewer (`font-family: sans-serif`); plotters only estimates its width,
//! which is why label areas are given generous fixed sizes.

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::RangedCoordusize;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::evaluation::{Figure, Summary};

const FONT: &str = "sans-serif";
const HELD: RGBColor = RGBColor(31, 94, 160);
const CANCELLED: RGBColor = RGBColor(204, 102, 0);
const PLANNED: RGBColor = RGBColor(150, 150, 150);
const BAND: RGBColor = RGBColor(214, 234, 214);
const START: RGBColor = RGBColor(140, 140, 140);
const END: RGBColor = RGBColor(31, 94, 160);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Draw into an SVG string of `size`; `None` if plotters reports an error (the HTML then says so).
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&Area) -> Result<(), DrawingAreaErrorKind<std::io::Error>>,
) -> Option<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).ok()?;
        draw(&root).ok()?;
        root.present().ok()?;
    }
    Some(buf)
}

fn label_style(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).pos(Pos::new(HPos::Left, VPos::Center))
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

/// Shorten a label for an axis (the full text is in the table beside the chart).
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let cut: String = label.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

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
    let height = 70u32.saturating_add(30u32.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX)));
    svg((720, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .caption(title, (FONT, 16))
            .x_label_area_size(30)
            .y_label_area_size(230)
            .build_cartesian_2d(0f64..max * 1.15, segments(n))?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .disable_y_mesh()
            .x_desc(unit)
            .x_labels(6)
            .x_label_formatter(&whole)
            .y_labels(n)
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(i) if *i < n => short(&rows[n - 1 - i].0, 32),
                _ => String::new(),
            })
            .label_style((FONT, 13))
            .draw()?;
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
                        label_style(12),
                    )))?;
                }
                None => {
                    chart.draw_series(std::iter::once(Text::new(
                        f.text(),
                        (max * 0.01, SegmentValue::CenterOf(i)),
                        label_style(12).color(&BLACK.mix(0.7)),
                    )))?;
                }
            }
        }
        Ok(())
    })
}

/// Meetings by month: held, cancelled and planned side by side.
pub fn meetings(s: &Summary) -> Option<String> {
    let months: Vec<&crate::evaluation::GridRow> = s
        .meetings
        .rows
        .iter()
        .filter(|r| r.label != "total")
        .collect();
    let n = months.len();
    if !months.iter().any(|r| r.cells.iter().any(Figure::is_shown)) {
        return None;
    }
    let max = months
        .iter()
        .flat_map(|r| r.cells.iter().filter_map(Figure::value))
        .fold(1.0, f64::max);
    let series = [
        ("held", HELD),
        ("cancelled", CANCELLED),
        ("planned", PLANNED),
    ];
    svg((720, 320), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .caption("Meetings by month", (FONT, 16))
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(segments(n), 0f64..max * 1.4)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => {
                    months.get(*i).map(|r| r.label.clone()).unwrap_or_default()
                }
                _ => String::new(),
            })
            .y_labels(6)
            .y_label_formatter(&whole)
            .y_desc("meetings")
            .label_style((FONT, 13))
            .draw()?;
        let (width, _) = chart.plotting_area().dim_in_pixel();
        let slot =
            i32::try_from(width).unwrap_or(i32::MAX) / i32::try_from(n.max(1)).unwrap_or(i32::MAX);
        let bar = (slot - 16) / 3;
        for (i, row) in months.iter().enumerate() {
            for (j, (_, colour)) in series.iter().enumerate() {
                let f = &row.cells[j];
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
                        let style = TextStyle::from((FONT, 11).into_font())
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
        for (name, colour) in series {
            chart
                .draw_series(std::iter::empty::<Rectangle<(SegmentValue<usize>, f64)>>())?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 13))
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
    svg((720, 190), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .caption(
                format!(
                    "Weeks between held meetings, against the {}–{} week cadence",
                    s.min_weeks, s.max_weeks
                ),
                (FONT, 16),
            )
            .x_label_area_size(35)
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
            .label_style((FONT, 13))
            .draw()?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(min_w, 0.0), (max_w, 1.0)],
            BAND.filled(),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            "cadence",
            (min_w + 0.1, 0.92),
            label_style(12).color(&RGBColor(60, 110, 60)),
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
            TextStyle::from((FONT, 12).into_font()).pos(Pos::new(HPos::Center, VPos::Center)),
        )))?;
        Ok(())
    })
}

/// Each question's mean at the start and at the end (paired), as a dot and an arrow.
pub fn questions(s: &Summary) -> Option<String> {
    let n = s.questions.len();
    if n == 0 {
        return None;
    }
    let scale = s.questions.iter().map(|q| q.scale).max().unwrap_or(5);
    let height = 90u32.saturating_add(40u32.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX)));
    let labels: Vec<String> = s.questions.iter().map(|q| short(&q.text, 50)).collect();
    svg((900, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .caption(
                "Mean answer: grey at the start, blue at the end (same people)",
                (FONT, 16),
            )
            .x_label_area_size(35)
            .y_label_area_size(360)
            .build_cartesian_2d(0.8f64..f64::from(scale) + 0.2, segments(n))?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .disable_y_mesh()
            .x_labels(scale as usize)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_desc("1 = strongly disagree … 5 = strongly agree")
            .y_labels(n)
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(i) if *i < n => labels[n - 1 - i].clone(),
                _ => String::new(),
            })
            .label_style((FONT, 12))
            .draw()?;
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
                        label_style(12),
                    )))?;
                }
                _ => {
                    chart.draw_series(std::iter::once(Text::new(
                        format!("{} (too few people to show)", q.paired.baseline_mean.text()),
                        (1.0, y()),
                        label_style(12).color(&BLACK.mix(0.7)),
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
