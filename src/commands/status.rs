//! `revmentor status`: one cohort's dashboard and next steps, or every cohort in a list.

use std::fmt::Write as _;

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use crate::cohort::{Cohort, File, Load};
use crate::dashboard::{self};
use crate::model::Role;
use crate::render::{Format, Listing};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort to show; without it, every cohort under the root
    pub cohort: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Print only the names of the cohorts, one a line (for scripts and shell completion)
    #[arg(long, conflicts_with_all = ["cohort", "format"])]
    pub names: bool,
}

/// Warn when mentors' and mentees' answers to a characteristic do not overlap or look like one
/// answer spelt two ways. The dashboard itself never reads characteristics.csv: this reads it
/// apart, for the warning alone (a problem in it is `check`'s to report, not the dashboard's), and
/// counts it against the participants the dashboard read: participants.csv is parsed once (at
/// 50,000 people a second parse took longer than the dashboard).
fn vocabulary_warnings(ctx: &Ctx, cohort: &mut Cohort) {
    let Ok(answers) = ctx
        .store
        .open(&cohort.name, Load::only(&[File::Characteristics]))
    else {
        return;
    };
    let unread = std::mem::replace(&mut cohort.traits, answers.traits);
    for w in crate::cohort::vocabulary::advisories(cohort) {
        crate::out::warn(&w);
    }
    cohort.traits = unread;
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if args.names {
        let mut out = String::new();
        for name in ctx.store.list()? {
            let _ = writeln!(out, "{name}");
        }
        return crate::out::emit(&out);
    }
    match &args.cohort {
        Some(name) => {
            let mut cohort = ctx.store.open(name, Load::WITHOUT_CHARACTERISTICS)?;
            let d = dashboard::build(&cohort, ctx.today);
            vocabulary_warnings(ctx, &mut cohort);
            let text = match args.format {
                Format::Table => crate::render::dashboard::table(&d),
                Format::Json => format!("{}\n", serde_json::to_string_pretty(&d)?),
                Format::Csv => crate::render::dashboard::metrics(&d).csv(),
            };
            crate::out::emit(&text)
        }
        None => every_cohort(ctx, args),
    }
}

/// Every cohort under the root, one a row, in order of start: the programme at a glance.
fn every_cohort(ctx: &Ctx, args: &Args) -> Result<()> {
    let mut listing = Listing::new(&[
        "cohort",
        "title",
        "start",
        "end",
        "stage",
        "mentors",
        "mentees",
        "pairs",
        "held",
        "in_cadence",
        "lapsed",
        "returning",
        "survey_change",
    ])
    .droppable(&[
        "title",
        "returning",
        "start",
        "end",
        "survey_change",
        "lapsed",
        "in_cadence",
        "held",
    ]);
    let names = ctx.store.list()?;
    let mut broken = Vec::new();
    let mut cohorts = Vec::new();
    for name in &names {
        // One unreadable cohort must not hide the others: list it, report it, fail at the end.
        match ctx.store.open(name, Load::WITHOUT_CHARACTERISTICS) {
            Ok(cohort) => cohorts.push(cohort),
            Err(e) => broken.push((name, format!("{e:#}"))),
        }
    }
    // The programme's figures, as the board sees them (protected as in each summary).
    let refs: Vec<&crate::cohort::Cohort> = cohorts.iter().collect();
    let programme = crate::programme::build(&refs, ctx.today);
    for (i, column) in programme.cohorts.iter().enumerate() {
        if let Some(cohort) = cohorts.iter().find(|c| c.name == column.cohort) {
            listing.push(programme_row(ctx, args, cohort, &programme, i));
        }
    }
    // Unreadable cohorts last, named, with nothing else to show.
    for (name, _) in &broken {
        let mut row = vec![json!(name), json!(""), json!(""), json!("")];
        row.push(json!("unreadable"));
        row.extend(std::iter::repeat_n(json!(null), 8));
        listing.push(row);
    }
    let broken: Vec<String> = broken
        .iter()
        .map(|(name, e)| format!("{name}: cannot read cohort files: {e}"))
        .collect();
    if names.is_empty() && args.format == Format::Table {
        return crate::out::emit(&format!(
            "no cohorts in {}: create one with `revmentor init NAME --start YYYY-MM-DD --end YYYY-MM-DD`\n",
            ctx.store.root().display()
        ));
    }
    crate::out::emit(&listing.render(args.format))?;
    // In the listing's order (by start).
    for cohort in programme
        .cohorts
        .iter()
        .filter_map(|col| cohorts.iter().find(|c| c.name == col.cohort))
    {
        if let crate::retention::Retention::Due { until } =
            crate::retention::retention(cohort, ctx.today)
        {
            crate::out::warn(&format!(
                "cohort {}: {}",
                cohort.name,
                dashboard::retention_due(&cohort.name, until)
            ));
        }
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!(
            "{} cohort{} could not be read:\n  {}",
            broken.len(),
            if broken.len() == 1 { "" } else { "s" },
            broken.join("\n  ")
        ))
    }
}

/// One cohort's row: the coordinator's counts, and the programme's figures as the board sees them.
fn programme_row(
    ctx: &Ctx,
    args: &Args,
    cohort: &crate::cohort::Cohort,
    programme: &crate::programme::Programme,
    i: usize,
) -> Vec<serde_json::Value> {
    let column = &programme.cohorts[i];
    let d = dashboard::build(cohort, ctx.today);
    let active = |role| {
        d.participants
            .iter()
            .filter(|c| c.role == role && c.status == crate::model::Status::Active)
            .map(|c| c.count)
            .sum::<usize>()
    };
    let figure = |f: &crate::evaluation::Figure| match f {
        crate::evaluation::Figure::Shown { value, .. } if args.format == Format::Json => {
            json!(value)
        }
        crate::evaluation::Figure::Empty => json!(null),
        f => json!(f.text()),
    };
    let returning = |role: &str| {
        column
            .returning
            .get(role, "returning")
            .map_or_else(String::new, crate::evaluation::Figure::text)
    };
    let returning = match (returning("mentors"), returning("mentees")) {
        (m, e) if m == "–" && e == "–" => json!(null),
        (m, e) => json!(format!("{m} mentors, {e} mentees")),
    };
    let change = crate::programme::mean_change(programme, i)
        .map(|(mean, n)| format!("{mean:+.2} ({n} question{})", if n == 1 { "" } else { "s" }));
    vec![
        json!(d.cohort),
        json!(d.title),
        json!(d.start.to_string()),
        json!(d.end.to_string()),
        json!(d.stage.as_str()),
        json!(active(Role::Mentor)),
        json!(active(Role::Mentee)),
        json!(d.pairs_confirmed),
        json!(d.meetings_held),
        figure(&column.inside_cadence),
        if d.pairs_confirmed + d.pairs_ended == 0 {
            json!(null)
        } else {
            figure(&column.pairs_lapsed)
        },
        returning,
        json!(change),
    ]
}
