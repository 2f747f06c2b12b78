//! `revmentor survey`: import a survey form export (baseline or final) into `responses.csv`;
//! review consented quotes and approve or reject each (`quotes`).

use std::fmt::Write as _;

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use super::problems_error;
use crate::cohort::{File, Load};
use crate::model::{Approval, Phase};
use crate::problems::plural;
use crate::render::{Format, Listing};
use crate::survey::{self, Column};
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Import a form export (CSV): one row per respondent, found by email; all rows or none.
    /// Importing a phase again replaces those respondents' earlier answers for that phase.
    Import {
        /// The form export (CSV UTF-8, .xlsx or .ods)
        file: PathBuf,
        /// The sheet of a workbook to import (default: the first)
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Which survey this is: baseline (at the start) or final (at the end)
        #[arg(long, value_parser = parse_phase)]
        phase: Phase,
        /// Place a column: 'Header=QUESTION' (a question id), or quote, consent, email, ignore
        #[arg(long = "map", value_name = "'Header=question'")]
        maps: Vec<String>,
        /// Skip a column of the export
        #[arg(long = "ignore-column", value_name = "HEADER")]
        ignore: Vec<String>,
    },
    /// List consented quotes with their automatic redactions marked; only quotes approved here
    /// appear in the summary
    Quotes {
        /// Publish this quote (as listed, with its redactions made), like p006-baseline
        #[arg(long, value_name = "ID")]
        approve: Vec<String>,
        /// Never publish this quote
        #[arg(long, value_name = "ID")]
        reject: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

fn parse_phase(text: &str) -> Result<Phase, String> {
    Phase::parse(text).ok_or_else(|| format!("\"{text}\" is not a phase: use baseline or final"))
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.action {
        Action::Import {
            file,
            phase,
            maps,
            ignore,
            sheet,
        } => import(
            ctx,
            &args.cohort,
            file,
            sheet.as_deref(),
            *phase,
            maps,
            ignore,
        ),
        Action::Quotes {
            approve,
            reject,
            format,
        } => quotes(ctx, &args.cohort, approve, reject, *format),
    }
}

/// Review quotes; record decisions when asked.
fn quotes(
    ctx: &Ctx,
    name: &str,
    approve: &[String],
    reject: &[String],
    format: Format,
) -> Result<()> {
    // Characteristic values are redacted too, so characteristics.csv is read.
    let load = Load::only(&[File::Participants, File::Responses, File::Characteristics]);
    let mut out = String::new();
    let cohort = if approve.is_empty() && reject.is_empty() {
        ctx.store.open(name, load)?
    } else {
        let (mut cohort, change) = ctx.store.open_for_change(name, load)?;
        let changed = survey::decide(&mut cohort, approve, reject)
            .map_err(|p| problems_error(&p, "the decisions asked"))?;
        change.commit(&cohort)?;
        let _ = writeln!(
            out,
            "recorded {} decision{} ({} approved, {} rejected)",
            changed,
            plural(changed),
            approve.len(),
            reject.len()
        );
        cohort
    };
    let mut listing = Listing::new(&["id", "role", "survey", "decision", "quote", "published as"]);
    for r in survey::review(&cohort) {
        listing.push(vec![
            json!(r.id),
            json!(r.role.map(|r| r.as_str()).unwrap_or("erased")),
            json!(r.phase.as_str()),
            json!(match r.approval {
                Approval::Undecided => "not decided",
                Approval::Approved => "approved",
                Approval::Rejected => "rejected",
            }),
            json!(r.marked),
            json!(r.redacted),
        ]);
    }
    if out.is_empty() || format == Format::Table {
        out.push_str(&listing.render(format));
    }
    crate::out::emit(&out)
}

fn import(
    ctx: &Ctx,
    name: &str,
    path: &std::path::Path,
    sheet: Option<&str>,
    phase: Phase,
    maps: &[String],
    ignore: &[String],
) -> Result<()> {
    let maps = maps
        .iter()
        .map(|m| crate::import::parse_map(m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::UsageError)?;
    let (mut cohort, change) = ctx
        .store
        .open_for_change(name, Load::only(&[File::Participants, File::Responses]))?;
    let (file, bytes, sheet) = super::import_file(path, sheet)?;
    let sheet = match sheet {
        Some(sheet) => sheet,
        None => crate::csvio::parse(&file, &bytes)?,
    };
    let columns = survey::map_columns(&file, &sheet.headers, &cohort.config, &maps, ignore)
        .map_err(|p| problems_error(&p, &file))?;
    let participants: Vec<&crate::model::Participant> = cohort.participants.iter().collect();
    let respondents = survey::read_rows(
        &file,
        &sheet,
        &columns,
        phase,
        &participants,
        &cohort.config,
    )
    .map_err(|p| problems_error(&p, &file))?;
    let done = survey::apply(&mut cohort, phase, respondents);
    change.commit(&cohort)?;

    let mut out = format!("{file}, {phase} survey:\n");
    for (header, column) in sheet.headers.iter().zip(&columns) {
        let place = match column {
            Column::Ignore => continue,
            Column::Email => "the respondent's email".to_string(),
            Column::Question(i) => format!("question {}", cohort.config.evaluation.question[*i].id),
            Column::Quote => "the quote".to_string(),
            Column::Consent => "consent to quote".to_string(),
        };
        let _ = writeln!(out, "  \"{header}\" -> {place}");
    }
    let _ = writeln!(
        out,
        "recorded {} respondent{} ({} mentor{}, {} mentee{}): {} answer{}, {} quote{} ({} may be quoted)",
        done.mentors + done.mentees,
        plural(done.mentors + done.mentees),
        done.mentors,
        plural(done.mentors),
        done.mentees,
        plural(done.mentees),
        done.answers,
        plural(done.answers),
        done.quotes,
        plural(done.quotes),
        done.quotes_with_consent
    );
    if done.replaced > 0 {
        let _ = writeln!(
            out,
            "replaced the earlier {phase} answers of {} respondent{}",
            done.replaced,
            plural(done.replaced)
        );
    }
    if done.other_role > 0 {
        let _ = writeln!(
            out,
            "left out {} answer{} to questions not asked of the respondent's role",
            done.other_role,
            plural(done.other_role)
        );
    }
    crate::out::emit(&out)
}
