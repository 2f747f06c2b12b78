//! `revmentor enrol`: one participant from flags or prompts, or a whole spreadsheet, all or nothing.

mod flags;
mod prompt;

use std::path::PathBuf;

use anyhow::{Result, anyhow};

use crate::cohort::Cohort;
use crate::cohort::{File, Load};
use crate::commands::Ctx;
use crate::enrolment::{self, Options};
use crate::import::{self, Applicant};
use crate::model::Role;
use crate::render::Format;

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("source").args(["from", "interactive", "name"]).multiple(false))]
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
    /// Line manager's email
    #[arg(long)]
    pub manager: Option<String>,
    /// A self-declared characteristic, as NAME=VALUE (goes to characteristics.csv only)
    #[arg(long = "trait", value_name = "NAME=VALUE")]
    pub traits: Vec<String>,
    /// Someone this person must not be paired with (id or email)
    #[arg(long = "conflict", value_name = "WHO")]
    pub conflicts: Vec<String>,
    /// A mentor's answer to an eligibility question, as ID=yes|no
    #[arg(long = "answer", value_name = "ID=yes|no")]
    pub answers: Vec<String>,
    /// Import a spreadsheet or form export (CSV), all rows or none
    #[arg(long, value_name = "FILE.csv")]
    pub from: Option<PathBuf>,
    /// Map a column of the import to a field: 'Header=field'
    #[arg(long = "map", value_name = "'Header=field'", requires = "from")]
    pub maps: Vec<String>,
    /// Skip a column of the import
    #[arg(long = "ignore-column", value_name = "HEADER", requires = "from")]
    pub ignore: Vec<String>,
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
        Load::only(&[File::Participants, File::Characteristics]),
        args.dry_run,
    )?;
    let source = args
        .from
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the command line".to_string());
    let applicants = if let Some(path) = &args.from {
        from_file(&cohort, path, args)?
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
    crate::out::emit(&crate::render::enrolment::report(
        &cohort,
        &outcome,
        args.dry_run,
        args.from.is_some(),
        args.format,
    ))
}

fn from_file(cohort: &Cohort, path: &std::path::Path, args: &Args) -> Result<Vec<Applicant>> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| anyhow!("cannot read {file}: {e}"))?;
    let mut rows = crate::csvio::rows(&file, &bytes)?;
    let headers = std::mem::take(&mut rows.headers);
    let maps = args
        .maps
        .iter()
        .map(|m| import::parse_map(m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::UsageError)?;
    let mapping = import::map_columns(
        &file,
        &headers,
        &cohort.config,
        &maps,
        &args.ignore,
        args.update,
    )
    .map_err(|p| crate::commands::problems_error(&p, &file))?;
    // The reader still checks each row's width against the header.
    rows.headers.clone_from(&headers);
    import::read_stream(&file, &headers, rows, &mapping, args.role, &cohort.config)
        .map_err(|p| crate::commands::problems_error(&p, &file))
}
