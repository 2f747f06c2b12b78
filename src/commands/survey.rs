//! `revmentor survey`: import a survey form export (baseline or final) into `responses.csv`.

use std::fmt::Write as _;

use std::path::PathBuf;

use anyhow::{Result, anyhow};

use super::Ctx;
use super::problems_error;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::model::Phase;
use crate::problems::plural;
use crate::survey::{self, Column};

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
        /// The form export (CSV, UTF-8)
        file: PathBuf,
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
}

fn parse_phase(text: &str) -> Result<Phase, String> {
    Phase::parse(text).ok_or_else(|| format!("\"{text}\" is not a phase: use baseline or final"))
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let Action::Import {
        file: path,
        phase,
        maps,
        ignore,
    } = &args.action;
    let phase = *phase;
    let maps = maps
        .iter()
        .map(|m| crate::import::parse_map(m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::UsageError)?;
    let (mut cohort, change) = ctx.store.open_for_change(
        &args.cohort,
        Load::only(&[File::Participants, File::Responses]),
    )?;
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| anyhow!("cannot read {file}: {e}"))?;
    let sheet = crate::csvio::parse(&file, &bytes)?;
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
