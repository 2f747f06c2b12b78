//! `revmentor enrol`: one participant from flags or prompts, or a whole spreadsheet, all or nothing.

use std::fmt::Write as _;

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::cohort::Cohort;
use crate::cohort::config::YesNo;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::enrolment::{self, Options, Outcome};
use crate::import::{self, Applicant};
use crate::model::{Role, is_email, normalise_email};
use crate::render::{Format, Listing};

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
    let source = args
        .from
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the command line".to_string());
    let mut applicants = if let Some(path) = &args.from {
        from_file(&cohort, path, args)?
    } else if args.interactive {
        if !ctx.can_prompt() {
            return crate::usage(
                "--interactive needs a terminal; in a script pass --role, --name and --email (and --department, --grade, --manager, --trait NAME=VALUE) instead",
            );
        }
        vec![prompt(&cohort)?]
    } else {
        vec![from_flags(&cohort, args)?]
    };
    enrolment::resolve_managers(&cohort, &mut applicants)
        .map_err(|problems| super::problems_error(&problems, &source))?;
    let options = Options {
        update: args.update,
        force: args.force,
        today: ctx.today,
    };
    let outcome = enrolment::enrol(&mut cohort, applicants, options)
        .map_err(|problems| super::problems_error(&problems, &source))?;
    if let Some(change) = change {
        change.commit(&cohort)?;
    }
    for w in crate::cohort::vocabulary::advisories(&cohort) {
        crate::out::warn(&w);
    }
    crate::out::emit(&report(
        &cohort,
        &outcome,
        args.dry_run,
        args.from.is_some(),
        args.format,
    ))
}

fn from_file(cohort: &Cohort, path: &std::path::Path, args: &Args) -> Result<Vec<Applicant>> {
    let (file, bytes, sheet) = super::import_file(path, args.sheet.as_deref())?;
    if let Some(sheet) = sheet {
        let maps = parse_maps(args)?;
        let mapping = import::map_columns(
            &file,
            &sheet.headers,
            &cohort.config,
            &maps,
            &args.ignore,
            args.update,
        )
        .map_err(|p| super::problems_error(&p, &file))?;
        let rows = sheet.rows.into_iter().map(Ok);
        let read = import::read_all(
            &file,
            &sheet.headers,
            rows,
            &mapping,
            args.role,
            &cohort.config,
        );
        return with_managers(cohort, read).map_err(|p| super::problems_error(&p, &file));
    }
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
    .map_err(|p| super::problems_error(&p, &file))?;
    // The reader still checks each row's width against the header.
    rows.headers.clone_from(&headers);
    let read = import::read_all(&file, &headers, rows, &mapping, args.role, &cohort.config);
    with_managers(cohort, read).map_err(|p| super::problems_error(&p, &file))
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

fn parse_maps(args: &Args) -> Result<Vec<(String, String)>> {
    Ok(args
        .maps
        .iter()
        .map(|m| import::parse_map(m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::UsageError)?)
}

fn from_flags(cohort: &Cohort, args: &Args) -> Result<Applicant> {
    let Some(email) = &args.email else {
        return crate::usage(
            "enrol needs --role, --name and --email (or --from FILE.csv, or --interactive); --update needs at least --email",
        );
    };
    let (role, name) = match (args.role, &args.name) {
        (Some(role), Some(name)) => (Some(role), Some(name)),
        (role, name) if args.update => (role, name.as_ref()),
        _ => {
            return crate::usage(
                "enrol needs --role, --name and --email (or --from FILE.csv, or --interactive)",
            );
        }
    };
    let email = normalise_email(email);
    if !is_email(&email) {
        let skeleton = crate::text::email_skeleton(&email);
        let resembles = cohort
            .participants
            .iter()
            .find(|p| !p.email.is_empty() && crate::text::email_skeleton(&p.email) == skeleton);
        return crate::usage(match resembles {
            Some(p) => format!(
                "--email \"{email}\" is not an email address, and looks like the email of {} ({}): they differ {}",
                p.who(),
                p.email,
                crate::text::how_emails_differ(&email, &p.email)
            ),
            None => format!(
                "--email \"{}\" is not an email address (expected name@domain)",
                args.email.as_deref().unwrap_or_default()
            ),
        });
    }
    if name.is_some_and(|n| n.trim().is_empty()) {
        return crate::usage("--name is empty: every participant has a name");
    }
    let traits = traits_from_flags(cohort, args)?;
    let answers = answers_from_flags(cohort, args)?;
    let manager = match &args.manager {
        Some(m) => {
            let directory = crate::cohort::org::Directory::new(cohort, std::iter::empty());
            let checked = import::check_manager(m)
                .and_then(|m| directory.manager(&m, "the cohort or org.csv"))
                .map_err(|e| crate::UsageError(format!("--manager: {e}")))?;
            Some(checked)
        }
        None => None,
    };
    Ok(Applicant {
        origin: "the command line".into(),
        role,
        name: name.map(|n| n.trim().to_string()),
        email,
        department: args.department.clone(),
        grade: args.grade.clone(),
        manager,
        conflicts: (!args.conflicts.is_empty()).then(|| args.conflicts.clone()),
        interests: if args.interests.is_empty() {
            None
        } else {
            Some(
                import::topics(&cohort.config.evaluation.topics, &args.interests)
                    .map_err(|e| crate::UsageError(format!("--interest: {e}")))?,
            )
        },
        traits,
        answers: if role == Some(Role::Mentee) {
            Vec::new()
        } else {
            answers
        },
    })
}

/// `--trait NAME=VALUE` flags, one slot per characteristic of the cohort.
fn traits_from_flags(cohort: &Cohort, args: &Args) -> Result<Vec<Option<String>>> {
    let characteristics = &cohort.config.cohort.characteristics;
    let mut traits = vec![None; characteristics.len()];
    for t in &args.traits {
        let (k, v) = t.split_once('=').ok_or_else(|| {
            crate::UsageError(format!(
                "--trait \"{t}\" is not NAME=VALUE (like gender=Woman)"
            ))
        })?;
        let Some(i) = characteristics.iter().position(|c| c == k.trim()) else {
            return crate::usage(format!(
                "--trait {k}: not a characteristic of this cohort; valid: {}",
                characteristics.join(", ")
            ));
        };
        traits[i] = Some(v.trim().to_string());
    }
    Ok(traits)
}

/// `--answer ID=yes|no` flags, by criterion index.
fn answers_from_flags(cohort: &Cohort, args: &Args) -> Result<Vec<(usize, YesNo)>> {
    let mut answers = Vec::new();
    for a in &args.answers {
        let parsed = a.split_once('=').and_then(|(k, v)| {
            let i = cohort
                .config
                .eligibility
                .iter()
                .position(|c| c.id == k.trim())?;
            Some((i, YesNo::parse(v)?))
        });
        match parsed {
            Some(answer) => answers.push(answer),
            None => {
                return crate::usage(format!(
                    "--answer \"{a}\" is not ID=yes|no with ID one of: {}",
                    cohort
                        .config
                        .eligibility
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    Ok(answers)
}

fn prompt(cohort: &Cohort) -> Result<Applicant> {
    use dialoguer::{Input, Select};
    let role = match Select::new()
        .with_prompt("Role")
        .items(["mentor (staff member)", "mentee (senior leader)"])
        .default(0)
        .interact()?
    {
        0 => Role::Mentor,
        _ => Role::Mentee,
    };
    let name: String = Input::new()
        .with_prompt("Full name")
        .validate_with(|s: &String| {
            if s.trim().is_empty() {
                Err("a name is needed".to_string())
            } else {
                prompt_text(s, crate::text::Kind::Short)
            }
        })
        .interact_text()?;
    let taken: Vec<String> = cohort
        .participants
        .iter()
        .map(|p| p.email.clone())
        .collect();
    let email: String = Input::new()
        .with_prompt("Email")
        .validate_with(move |s: &String| {
            let e = normalise_email(s);
            if !is_email(&e) {
                Err("not an email address (name@domain)".to_string())
            } else if taken.contains(&e) {
                Err(format!("{e} is already enrolled in this cohort"))
            } else {
                Ok(())
            }
        })
        .interact_text()?;
    let optional = |label: &str| -> Result<String> {
        Ok(Input::<String>::new()
            .with_prompt(label)
            .allow_empty(true)
            .validate_with(|s: &String| prompt_text(s, crate::text::Kind::Short))
            .interact_text()?)
    };
    let department = optional("Department")?;
    let grade = optional("Grade")?;
    let manager: String = Input::new()
        .with_prompt("Line manager's email, id or name (empty if not known)")
        .allow_empty(true)
        .validate_with(|s: &String| import::check_manager(s).map(|_| ()))
        .interact_text()?;
    let mut traits = Vec::new();
    for c in &cohort.config.cohort.characteristics {
        let label = format!(
            "{} (self-declared; empty or 'Prefer not to say' is fine)",
            c.replace('_', " ")
        );
        traits.push(Some(optional(&label)?));
    }
    let mut answers = Vec::new();
    if role == Role::Mentor {
        for (i, c) in cohort.config.eligibility.iter().enumerate() {
            let pick = Select::new()
                .with_prompt(&c.question)
                .items(["Yes", "No"])
                .default(if c.required == YesNo::Yes { 0 } else { 1 })
                .interact()?;
            answers.push((i, if pick == 0 { YesNo::Yes } else { YesNo::No }));
        }
    }
    Ok(Applicant {
        origin: "the prompts".into(),
        role: Some(role),
        name: Some(name.trim().to_string()),
        email: normalise_email(&email),
        department: Some(department.trim().to_string()),
        grade: Some(grade.trim().to_string()),
        manager: Some(import::check_manager(&manager).unwrap_or_default()),
        conflicts: None,
        interests: None,
        traits,
        answers,
    })
}

/// A prompt's answer checked as every text field is (characters, length, no formula).
fn prompt_text(value: &str, kind: crate::text::Kind) -> Result<(), String> {
    crate::text::check(value.trim(), kind)?;
    if crate::text::looks_like_formula(value.trim()) && value.trim().chars().count() > 1 {
        return Err("a spreadsheet would run this as a formula: remove the first character".into());
    }
    Ok(())
}

/// Every field an update changes, one a line (`p003 department: "Finance" -> "HR"`).
fn changes(outcome: &Outcome, would: &str) -> String {
    let show = |v: &str| {
        if v.is_empty() {
            "(empty)".to_string()
        } else {
            format!("\"{v}\"")
        }
    };
    let mut out = String::new();
    for c in &outcome.changes {
        if c.old.is_empty() && c.new.is_empty() {
            let _ = writeln!(
                out,
                "{} {}: {would}changed (a characteristic: its value is not shown)",
                c.id, c.field
            );
        } else {
            let _ = writeln!(
                out,
                "{} {}: {} -> {}{}",
                c.id,
                c.field,
                show(&c.old),
                show(&c.new),
                if would.is_empty() { "" } else { " (dry run)" }
            );
        }
    }
    out
}

fn report(
    cohort: &Cohort,
    outcome: &Outcome,
    dry_run: bool,
    from_file: bool,
    format: Format,
) -> String {
    let would = if dry_run { "would be " } else { "" };
    if !from_file && format == Format::Table {
        // One person from flags or prompts: print the new id, for scripts to capture.
        let mut out = String::new();
        if let Some(id) = outcome.added.first() {
            out.push_str(id);
            out.push('\n');
        }
        out.push_str(&changes(outcome, would));
        for id in &outcome.unchanged {
            let _ = writeln!(out, "{id}: nothing to change");
        }
        if dry_run {
            out.push_str("dry run: nothing written\n");
        }
        for (id, reason) in &outcome.ineligible {
            crate::out::note(&format!("{id} {would}enrolled as ineligible: {reason}"));
        }
        if outcome.forced > 0 {
            crate::out::note("recruitment is closed; enrolled anyway because of --force");
        }
        return out;
    }
    let mut listing = Listing::new(&["change", "id", "role", "name", "email", "status"]);
    let by_id: rustc_hash::FxHashMap<&str, &crate::model::Participant> = cohort
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut row = |change: &str, id: &str| {
        if let Some(p) = by_id.get(id) {
            listing.push(vec![
                change.into(),
                id.into(),
                p.role.as_str().into(),
                p.name.clone().into(),
                p.email.clone().into(),
                p.status.as_str().into(),
            ]);
        }
    };
    for id in &outcome.added {
        row("add", id);
    }
    for id in &outcome.updated {
        row("update", id);
    }
    if format != Format::Table {
        return listing.render(format);
    }
    let mut out = String::new();
    if !listing.rows.is_empty() {
        out.push_str(&listing.table());
    }
    out.push_str(&changes(outcome, would));
    for (id, reason) in &outcome.ineligible {
        let _ = writeln!(out, "{id} {would}ineligible: {reason}");
    }
    if outcome.forced > 0 {
        let _ = writeln!(
            out,
            "{} mentor(s) {would}enrolled although recruitment is closed (--force)",
            outcome.forced
        );
    }
    let _ = writeln!(
        out,
        "{}{} added, {} updated, {} unchanged",
        if dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        outcome.added.len(),
        outcome.updated.len(),
        outcome.unchanged.len()
    );
    out
}
