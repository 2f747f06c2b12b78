//! `revmentor export`: the evaluation summary for the board (Markdown, HTML, CSV or JSON), the
//! confirmed pairs with names, emails and departments for introductions (`--pairs`), or
//! everything the cohort holds on one person (`--person`, subject access).

use std::path::PathBuf;

use anyhow::Result;
use clap::ValueEnum;
use serde_json::json;

use super::Ctx;
use crate::cohort::Cohort;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::evaluation::{self, Inputs};
use crate::model::{PairStatus, Status};
use crate::render::{Format, Listing};
use crate::report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Markdown, for an email or a board paper (the summary's default)
    Md,
    /// one self-contained HTML file with charts, that prints well
    Html,
    /// CSV for a spreadsheet (the default with --pairs)
    Csv,
    /// JSON for scripts
    Json,
    /// aligned columns (--pairs only)
    Table,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort (not with --programme, which reports every cohort)
    #[arg(required_unless_present = "programme")]
    pub cohort: Option<String>,
    /// Output format: md, html, csv or json for the summary; csv, table or json with --pairs
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Write to this file (atomically, readable by you only) instead of standard output
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Export the confirmed pairs with names, first names, emails and departments, for
    /// introductions (mail merge)
    #[arg(long, conflicts_with = "person")]
    pub pairs: bool,
    /// Everything the cohort holds on one person (by id or email), for a subject access request:
    /// md (default) or json
    #[arg(long, value_name = "WHO")]
    pub person: Option<String>,
    /// The programme across every cohort under the root, side by side, for the board: md
    /// (default), html, csv or json
    #[arg(long, conflicts_with_all = ["cohort", "pairs", "person"])]
    pub programme: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let Some(name) = args.cohort.as_deref() else {
        return programme(ctx, args);
    };
    if let Some(who) = &args.person {
        return person(ctx, args, name, who);
    }
    // The summary reads characteristics.csv, but only through `evaluation::Marginals`.
    let load = if args.pairs {
        Load::WITHOUT_CHARACTERISTICS
    } else {
        Load::ALL
    };
    let cohort = ctx.store.open(name, load)?;
    let (text, what) = if args.pairs {
        let format = match args.format.unwrap_or(ExportFormat::Csv) {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Table => Format::Table,
            ExportFormat::Json => Format::Json,
            other => {
                return crate::usage(format!(
                    "--pairs is written as csv, table or json, not {}",
                    other
                        .to_possible_value()
                        .map(|v| v.get_name().to_string())
                        .unwrap_or_default()
                ));
            }
        };
        (pairs(&cohort).render(format), "pairs")
    } else {
        let summary = evaluation::summarise(&Inputs::from_cohort(&cohort), ctx.today);
        let text = match args.format.unwrap_or(ExportFormat::Md) {
            ExportFormat::Md => report::markdown(&summary),
            ExportFormat::Html => report::html(&summary),
            ExportFormat::Csv => report::csv(&summary),
            ExportFormat::Json => report::json(&summary),
            ExportFormat::Table => {
                return crate::usage(
                    "the summary is written as md, html, csv or json (table is for --pairs)",
                );
            }
        };
        (text, "summary")
    };
    match &args.out {
        Some(path) => {
            ctx.store
                .write_output(&cohort, what, ctx.today, path, text.as_bytes())?;
            crate::out::emit(&format!(
                "wrote the {what} of {} to {}\n",
                cohort.name,
                path.display()
            ))
        }
        None => crate::out::emit(&text),
    }
}

/// Subject access: one person's rows of every file, and the outputs that named them.
fn person(ctx: &Ctx, args: &Args, name: &str, who: &str) -> Result<()> {
    let cohort = ctx.store.open(name, Load::ALL)?;
    let p = cohort.resolve(who).map_err(anyhow::Error::msg)?.clone();
    let outputs: Vec<(String, String, String)> = ctx
        .store
        .outputs(&cohort.name)?
        .into_iter()
        .filter(|w| w.people.contains(&p.id))
        .map(|w| (w.path, w.kind, w.written_on.to_string()))
        .collect();
    let record = report::person::record(&cohort, &p, &outputs);
    let text = match args.format.unwrap_or(ExportFormat::Md) {
        ExportFormat::Md => report::person::markdown(&record),
        ExportFormat::Json => report::person::json(&record),
        _ => return crate::usage("--person is written as md or json"),
    };
    match &args.out {
        Some(path) => {
            ctx.store
                .write_output(&cohort, "person", ctx.today, path, text.as_bytes())?;
            crate::out::emit(&format!(
                "wrote what cohort {} holds on {} to {}\n",
                cohort.name,
                p.id,
                path.display()
            ))
        }
        None => crate::out::emit(&text),
    }
}

/// The programme report: every cohort under the root, side by side. Every cohort must read: a
/// report that left one out would mislead the board.
fn programme(ctx: &Ctx, args: &Args) -> Result<()> {
    let names = ctx.store.list()?;
    if names.is_empty() {
        anyhow::bail!(
            "no cohorts in {}: the programme report needs at least one",
            ctx.store.root().display()
        );
    }
    let mut cohorts = Vec::with_capacity(names.len());
    let mut broken = Vec::new();
    for name in &names {
        match ctx.store.open(name, Load::ALL) {
            Ok(c) => cohorts.push(c),
            Err(e) => broken.push(format!("{name}: {e:#}")),
        }
    }
    if !broken.is_empty() {
        anyhow::bail!(
            "the programme report needs every cohort, and {} could not be read (`revmentor check NAME` says why); nothing was written:\n  {}",
            crate::problems::count(broken.len(), "cohort", "cohorts"),
            broken.join("\n  ")
        );
    }
    let refs: Vec<&Cohort> = cohorts.iter().collect();
    let p = crate::programme::build(&refs, ctx.today);
    let text = match args.format.unwrap_or(ExportFormat::Md) {
        ExportFormat::Md => report::programme::markdown(&p),
        ExportFormat::Html => report::programme::html(&p),
        ExportFormat::Csv => report::programme::csv(&p),
        ExportFormat::Json => report::programme::json(&p),
        ExportFormat::Table => {
            return crate::usage("--programme is written as md, html, csv or json");
        }
    };
    match &args.out {
        Some(path) => {
            // It names no one (every figure is a protected count), so it is about no cohort.
            let path = ctx.store.write_file(path, text.as_bytes())?;
            crate::out::emit(&format!(
                "wrote the programme report ({}) to {}\n",
                crate::problems::count(cohorts.len(), "cohort", "cohorts"),
                path.display()
            ))
        }
        None => crate::out::emit(&text),
    }
}

/// Confirmed pairs with what an introduction needs (names, first names, emails, departments);
/// nothing else about anyone. The first five columns keep their order, so scripts written against
/// them still work. A table leaves out the least needed columns to fit the terminal.
fn pairs(cohort: &Cohort) -> Listing {
    let mut listing = Listing::new(&[
        "mentee_name",
        "mentee_email",
        "mentor_name",
        "mentor_email",
        "confirmed_on",
        "mentee_first_name",
        "mentee_department",
        "mentor_first_name",
        "mentor_department",
    ])
    .droppable(&[
        "mentee_first_name",
        "mentor_first_name",
        "mentee_department",
        "mentor_department",
        "confirmed_on",
        "mentor_email",
        "mentee_email",
    ]);
    let people = cohort.people();
    // Loading refuses a running pair with a withdrawn or erased person; this says it again here,
    // where names leave the cohort.
    let present = |id: &str| {
        people
            .get(id)
            .copied()
            .filter(|p| !matches!(p.status, Status::Withdrawn | Status::Erased))
    };
    for pair in cohort.pairs.iter() {
        if pair.status != PairStatus::Confirmed {
            continue;
        }
        let (Some(mentee), Some(mentor)) = (present(&pair.mentee), present(&pair.mentor)) else {
            continue;
        };
        listing.push(vec![
            json!(mentee.name),
            json!(mentee.email),
            json!(mentor.name),
            json!(mentor.email),
            json!(pair.confirmed_on.map(|d| d.to_string()).unwrap_or_default()),
            json!(first_name(&mentee.name)),
            json!(mentee.department),
            json!(first_name(&mentor.name)),
            json!(mentor.department),
        ]);
    }
    listing
}

/// The first word of a name as entered ("Adaeze" of "Adaeze Okafor"); a one-word name is all of
/// it. Titles are not recognised: "Dr Jane Smith" gives "Dr" (enter names without titles).
fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::first_name;

    #[test]
    fn a_first_name_is_the_first_word_as_entered() {
        assert_eq!(first_name("Adaeze Okafor"), "Adaeze");
        assert_eq!(first_name("  Mary Ann  Evans "), "Mary");
        assert_eq!(first_name("Cher"), "Cher");
        assert_eq!(first_name("José-María Pérez"), "José-María");
        assert_eq!(first_name(""), "");
    }
}
