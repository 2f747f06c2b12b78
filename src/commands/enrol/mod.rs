//! `revmentor enrol`: one participant from flags or prompts, or a whole spreadsheet, all or nothing.

mod flags;
mod prompt;

use std::path::PathBuf;

use anyhow::Result;

use crate::cohort::Cohort;
use crate::cohort::{File, Load};
use crate::commands::Ctx;
use crate::enrolment::{self, Options};
use crate::import::{self, Applicant};
use crate::model::Role;
use crate::render::Format;

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("source").args(["from", "interactive", "name", "from_cohort"]).multiple(false))]
pub struct Args {
    /// Cohort to enrol into
    pub cohort: String,
    /// Role: mentor or mentee (for --from: the role of rows without a role column)
    #[arg(long, value_parser = parse_role)]
    pub role: Option<Role>,
    /// Full name
    #[arg(long)]
    pub name: Option<String>,
    /// Email address (unique in the cohort)
    #[arg(long)]
    pub email: Option<String>,
    /// Department (pairs from one department are forbidden by default)
    #[arg(long)]
    pub department: Option<String>,
    /// Grade or job level
    #[arg(long)]
    pub grade: Option<String>,
    /// Line manager: email, id, or a name that matches exactly one person
    #[arg(long)]
    pub manager: Option<String>,
    /// A self-declared characteristic, as NAME=VALUE (goes to characteristics.csv only)
    #[arg(long = "trait", value_name = "NAME=VALUE")]
    pub traits: Vec<String>,
    /// A topic from [evaluation] topics: what a mentee would like to learn about, or an experience a
    /// mentor is willing to share (repeat for several)
    #[arg(long = "interest", value_name = "TOPIC")]
    pub interests: Vec<String>,
    /// Someone this person must not be paired with (id or email)
    #[arg(long = "conflict", value_name = "WHO")]
    pub conflicts: Vec<String>,
    /// A mentor's answer to an eligibility question, as ID=yes|no
    #[arg(long = "answer", value_name = "ID=yes|no")]
    pub answers: Vec<String>,
    /// Import a spreadsheet or form export (CSV, .xlsx or .ods), all rows or none
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// The sheet of a workbook to import (default: the first)
    #[arg(long, value_name = "NAME", requires = "from")]
    pub sheet: Option<String>,
    /// Map a column of the import to a field: 'Header=field'
    #[arg(long = "map", value_name = "'Header=field'", requires = "from")]
    pub maps: Vec<String>,
    /// Skip a column of the import
    #[arg(long = "ignore-column", value_name = "HEADER", requires = "from")]
    pub ignore: Vec<String>,
    /// Bring back people of an earlier cohort (contact details and characteristics; never those
    /// who withdrew or were erased)
    #[arg(long, value_name = "COHORT")]
    pub from_cohort: Option<String>,
    /// With --from-cohort: only these people (ids or emails in the earlier cohort)
    #[arg(long = "who", value_name = "WHO", requires = "from_cohort")]
    pub who: Vec<String>,
    /// Update people already enrolled (same email) instead of refusing them
    #[arg(long)]
    pub update: bool,
    /// Show what would change and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Ask for each field (needs a terminal)
    #[arg(long)]
    pub interactive: bool,
    /// Enrol mentors even when recruitment is closed
    #[arg(long)]
    pub force: bool,
    /// Output format of the list of changes
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("\"{text}\" is not a role: use mentor or mentee"))
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let (mut cohort, change) = ctx.store.open_maybe_for_change(
        &args.cohort,
        Load::only(&[File::Participants, File::Characteristics, File::Org]),
        args.dry_run,
    )?;
    let source = match (&args.from, &args.from_cohort) {
        (Some(p), _) => p.display().to_string(),
        (None, Some(other)) => format!("cohort {other}"),
        _ => "the command line".to_string(),
    };
    let mut applicants = if let Some(path) = &args.from {
        from_file(&cohort, path, args)?
    } else if let Some(other) = &args.from_cohort {
        from_cohort(ctx, &cohort, other, args)?
    } else if args.interactive {
        if !ctx.can_prompt() {
            return crate::usage(
                "--interactive needs a terminal; in a script pass --role, --name and --email (and --department, --grade, --manager, --trait NAME=VALUE) instead",
            );
        }
        vec![prompt::prompt(&cohort)?]
    } else {
        vec![flags::from_flags(&cohort, args)?]
    };
    enrolment::resolve_managers(&cohort, &mut applicants)
        .map_err(|problems| crate::commands::problems_error(&problems, &source))?;
    let options = Options {
        update: args.update,
        force: args.force,
        today: ctx.today,
    };
    let outcome = enrolment::enrol(&mut cohort, applicants, options)
        .map_err(|problems| crate::commands::problems_error(&problems, &source))?;
    if let Some(change) = change {
        change.commit(&cohort)?;
    }
    for w in crate::cohort::vocabulary::advisories(&cohort) {
        crate::out::warn(&w);
    }
    let mut out = crate::render::enrolment::report(
        &cohort,
        &outcome,
        args.dry_run,
        args.from.is_some() || args.from_cohort.is_some(),
        args.format,
    );
    if args.format == Format::Table && args.from.is_some() {
        out.push_str(&known_before(ctx, &cohort, &outcome.added));
    }
    crate::out::emit(&out)
}

/// The people just added who were in an earlier cohort under the root (the same email), a line.
fn known_before(ctx: &Ctx, cohort: &Cohort, added: &[String]) -> String {
    let people = cohort.people();
    let emails: rustc_hash::FxHashMap<&str, &str> = added
        .iter()
        .filter_map(|id| people.get(id.as_str()))
        .map(|p| (p.email.as_str(), p.id.as_str()))
        .collect();
    let mut found = Vec::new();
    for other in ctx.store.list().unwrap_or_default() {
        if other == cohort.name {
            continue;
        }
        let Ok(earlier) = ctx.store.open(&other, Load::only(&[File::Participants])) else {
            continue;
        };
        for p in earlier.participants.iter() {
            if let Some(id) = emails.get(p.email.as_str()) {
                found.push(format!("{id} (was {} in {other})", p.id));
            }
        }
    }
    if found.is_empty() {
        String::new()
    } else {
        found.sort();
        format!("returning from earlier cohorts: {}\n", found.join(", "))
    }
}

fn from_file(cohort: &Cohort, path: &std::path::Path, args: &Args) -> Result<Vec<Applicant>> {
    let (file, bytes, sheet) = crate::commands::import_file(path, args.sheet.as_deref())?;
    let maps = args
        .maps
        .iter()
        .map(|m| import::parse_map(m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::UsageError)?;
    let map = |headers: &[String]| {
        import::map_columns(
            &file,
            headers,
            &cohort.config,
            &maps,
            &args.ignore,
            args.update,
        )
        .map_err(|p| crate::commands::problems_error(&p, &file))
    };
    let read = if let Some(sheet) = sheet {
        let mapping = map(&sheet.headers)?;
        let rows = sheet.rows.into_iter().map(Ok);
        import::read_all(
            &file,
            &sheet.headers,
            rows,
            &mapping,
            args.role,
            &cohort.config,
        )
    } else {
        let mut rows = crate::csvio::rows(&file, &bytes)?;
        let headers = std::mem::take(&mut rows.headers);
        let mapping = map(&headers)?;
        // The reader still checks each row's width against the header.
        rows.headers.clone_from(&headers);
        import::read_all(&file, &headers, rows, &mapping, args.role, &cohort.config)
    };
    with_managers(cohort, read).map_err(|p| crate::commands::problems_error(&p, &file))
}

/// The rows read, with managers typed as names turned into emails; every problem of both steps.
fn with_managers(
    cohort: &Cohort,
    (mut applicants, mut problems): (Vec<Applicant>, Vec<String>),
) -> Result<Vec<Applicant>, Vec<String>> {
    if let Err(mut more) = enrolment::resolve_managers(cohort, &mut applicants) {
        problems.append(&mut more);
    }
    if problems.is_empty() {
        Ok(applicants)
    } else {
        Err(problems)
    }
}

/// The people of an earlier cohort who come back (`--from-cohort`), as applicants.
fn from_cohort(ctx: &Ctx, cohort: &Cohort, other: &str, args: &Args) -> Result<Vec<Applicant>> {
    if other == cohort.name {
        return crate::usage(format!(
            "--from-cohort {other} is this cohort: name the earlier cohort people come back from"
        ));
    }
    let earlier = ctx.store.open(
        other,
        Load::only(&[File::Participants, File::Characteristics]),
    )?;
    if let Some(on) = earlier.config.privacy.purged_on {
        anyhow::bail!(
            "cohort {other} was purged on {on}: its people's names and emails are gone, so nobody can be brought back from it; enrol returning people afresh (`revmentor enrol {} --from FILE`)",
            cohort.name
        );
    }
    let r = enrolment::Returning {
        role: args.role,
        who: &args.who,
    };
    let (applicants, skipped) = enrolment::returning(cohort, &earlier, &r)
        .map_err(|p| crate::commands::problems_error(&p, &format!("cohort {other}")))?;
    for s in skipped {
        crate::out::note(&s);
    }
    Ok(applicants)
}
