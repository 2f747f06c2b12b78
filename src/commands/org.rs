//! `revmentor org`: import the organisation's reporting lines (an HR export: everyone's email and
//! line manager, participants or not) into org.csv, which completes reporting chains for matching.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::cohort::org::Directory;
use crate::cohort::{File, Load};
use crate::csvio::Sheet;
use crate::import::normalise;
use crate::model::{OrgPerson, is_email, normalise_email};
use crate::problems::plural;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// The HR export to import (CSV, .xlsx or .ods): one row per person, with their email and their
    /// line manager (email, id, or a name that matches exactly one person); it replaces org.csv
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// The sheet of a workbook to import (default: the first)
    #[arg(long, value_name = "NAME", requires = "from")]
    pub sheet: Option<String>,
    /// Place a column: 'Header=field' (email, manager, name, first_name, last_name, ignore)
    #[arg(long = "map", value_name = "'Header=field'", requires = "from")]
    pub maps: Vec<String>,
    /// Show what would change and write nothing
    #[arg(long, requires = "from")]
    pub dry_run: bool,
}

/// What a column of an HR export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Ignore,
    Email,
    Manager,
    Name,
    FirstName,
    LastName,
}

const FIELDS: &[(&str, Column)] = &[
    ("email", Column::Email),
    ("manager", Column::Manager),
    ("name", Column::Name),
    ("first_name", Column::FirstName),
    ("last_name", Column::LastName),
    ("ignore", Column::Ignore),
];

/// The column a header names on its own; anything else is left out (an HR export has many).
fn recognise(header: &str) -> Column {
    let n = normalise(header);
    let has = |w: &str| format!(" {n} ").contains(&format!(" {w} "));
    if has("manager") || has("reports to") || has("supervisor") || has("line manager") {
        Column::Manager
    } else if has("email") || has("e mail") || has("mail") {
        Column::Email
    } else if has("first name") || has("given name") || has("forename") {
        Column::FirstName
    } else if has("last name") || has("surname") || has("family name") {
        Column::LastName
    } else if matches!(
        n.as_str(),
        "name" | "full name" | "employee name" | "display name" | "employee"
    ) {
        Column::Name
    } else {
        Column::Ignore
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let load = Load::only(&[File::Participants, File::Org]);
    let Some(path) = &args.from else {
        let cohort = ctx.store.open(&args.cohort, load)?;
        let with_manager = cohort.org.iter().filter(|o| !o.manager.is_empty()).count();
        return crate::out::emit(&format!(
            "org.csv: {} people, {with_manager} with a manager{}\n",
            cohort.org.len(),
            if cohort.org.is_empty() {
                format!(
                    "; import an HR export with `revmentor org {} --from FILE`",
                    cohort.name
                )
            } else {
                String::new()
            }
        ));
    };
    let maps = args
        .maps
        .iter()
        .map(|m| crate::import::parse_map(m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::UsageError)?;
    let (mut cohort, change) = ctx
        .store
        .open_maybe_for_change(&args.cohort, load, args.dry_run)?;
    let (file, bytes, sheet) = super::import_file(path, args.sheet.as_deref())?;
    let sheet = match sheet {
        Some(sheet) => sheet,
        None => crate::csvio::parse(&file, &bytes)?,
    };
    let columns =
        place(&file, &sheet.headers, &maps).map_err(|p| super::problems_error(&p, &file))?;
    let people =
        read(&file, &sheet, &columns, &cohort).map_err(|p| super::problems_error(&p, &file))?;
    let before = cohort.org.len();
    let same = before == people.len() && cohort.org.iter().zip(&people).all(|(a, b)| a == b);
    if !same {
        cohort.org.retain(|_| false);
        for p in people {
            cohort.org.push(p);
        }
    }
    if let Some(change) = change {
        change.commit(&cohort)?;
    }
    let mut out = String::new();
    for (header, column) in sheet.headers.iter().zip(&columns) {
        let place = FIELDS
            .iter()
            .find(|(_, c)| c == column)
            .map_or("ignore", |(n, _)| n);
        let _ = writeln!(out, "  \"{header}\" -> {place}");
    }
    let emails: rustc_hash::FxHashSet<&str> = cohort
        .participants
        .iter()
        .map(|p| p.email.as_str())
        .collect();
    let participants = cohort
        .org
        .iter()
        .filter(|o| emails.contains(o.email.as_str()))
        .count();
    let with_manager = cohort.org.iter().filter(|o| !o.manager.is_empty()).count();
    let n = cohort.org.len();
    let _ = writeln!(
        out,
        "{}org.csv: {n} {} ({participants} of them in the scheme), {with_manager} with a manager{}",
        if args.dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        if n == 1 { "person" } else { "people" },
        if same {
            "; unchanged".to_string()
        } else if before > 0 {
            format!("; replaces the {before} row{} it held", plural(before))
        } else {
            String::new()
        }
    );
    crate::out::emit(&out)
}

/// Where each column goes: `--map` first, then the header on its own. An email column is needed;
/// two columns on one field are a problem.
fn place(
    file: &str,
    headers: &[String],
    maps: &[(String, String)],
) -> Result<Vec<Column>, Vec<String>> {
    let mut problems = Vec::new();
    let mut columns: Vec<Column> = headers.iter().map(|h| recognise(h)).collect();
    for (header, field) in maps {
        let column = FIELDS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(field))
            .map(|(_, c)| *c);
        match (
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(header.trim())),
            column,
        ) {
            (Some(i), Some(c)) => columns[i] = c,
            (None, _) => problems.push(format!(
                "{file}: --map names column \"{header}\", which is not in the header (columns: {})",
                headers.join(", ")
            )),
            (_, None) => problems.push(format!(
                "--map '{header}={field}': \"{field}\" is not a field of org.csv; valid: email, manager, name, first_name, last_name, ignore"
            )),
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if *c != Column::Ignore
            && let Some(j) = columns[..i].iter().position(|x| x == c)
        {
            problems.push(format!(
                "{file}:1: columns \"{}\" and \"{}\" both look like the {} column: --map one of them to ignore",
                headers[j],
                headers[i],
                FIELDS
                    .iter()
                    .find(|(_, f)| f == c)
                    .map_or("", |(n, _)| n)
            ));
        }
    }
    if !columns.contains(&Column::Email) {
        problems.push(format!(
            "{file}:1: no column holds the email address: --map 'HEADER=email'"
        ));
    }
    if !columns.contains(&Column::Manager) {
        problems.push(format!(
            "{file}:1: no column holds the line manager: --map 'HEADER=manager'"
        ));
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// Every row as a person of org.csv, or every problem (file, line, column, value, what is valid).
/// A manager named by name is looked up among the file's people and the cohort's participants.
fn read(
    file: &str,
    sheet: &Sheet,
    columns: &[Column],
    cohort: &crate::cohort::Cohort,
) -> Result<Vec<OrgPerson>, Vec<String>> {
    let mut problems = Vec::new();
    let col = |c: Column| columns.iter().position(|x| *x == c);
    let cell = |row: &crate::csvio::Row, c: Column| {
        col(c)
            .map(|i| row.cell(i).trim().to_string())
            .unwrap_or_default()
    };
    let mut people: Vec<(usize, OrgPerson, String)> = Vec::new();
    let mut seen: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    for row in &sheet.rows {
        let at = |c: Column| {
            let header = col(c).map(|i| sheet.headers[i].as_str()).unwrap_or("");
            format!("{file}:{}: column \"{header}\"", row.line)
        };
        let raw_email = cell(row, Column::Email);
        let email = normalise_email(&raw_email);
        if !is_email(&email) {
            problems.push(format!(
                "{}: \"{}\" is not an email address (expected name@domain)",
                at(Column::Email),
                crate::text::terminal_safe(&raw_email, false)
            ));
        } else if let Some(first) = seen.get(&email) {
            problems.push(format!(
                "{file}:{}: {email} is already on line {first}: one row per person",
                row.line
            ));
        } else {
            seen.insert(email.clone(), row.line);
        }
        let mut name = cell(row, Column::Name);
        if name.is_empty() {
            name = format!(
                "{} {}",
                cell(row, Column::FirstName),
                cell(row, Column::LastName)
            )
            .trim()
            .to_string();
        }
        for (c, value) in [
            (Column::Name, &name),
            (Column::Manager, &cell(row, Column::Manager)),
        ] {
            // A name as at every entry point (org.csv is opened in spreadsheets too); a manager
            // cell that is no email, id or name is refused below.
            let checked = if c == Column::Name {
                crate::text::check_entry(value, crate::text::Kind::Short)
            } else {
                crate::text::check(value, crate::text::Kind::Short)
            };
            if let Err(e) = checked {
                problems.push(format!("{}: {e}", at(c)));
            }
        }
        people.push((
            row.line,
            OrgPerson {
                email,
                manager: String::new(),
                name,
            },
            cell(row, Column::Manager),
        ));
    }
    let names = people
        .iter()
        .map(|(_, p, _)| (p.name.clone(), p.email.clone()))
        .collect();
    let directory = Directory::new(cohort, names);
    let where_ = format!("{file} or the cohort");
    for (line, person, manager) in &mut people {
        match directory.manager(manager, &where_) {
            Ok(m) if !m.is_empty() && m == person.email => problems.push(format!(
                "{file}:{line}: {} is given as their own manager: leave the manager empty if they have none",
                person.email
            )),
            Ok(m) => person.manager = m,
            Err(e) => problems.push(format!("{file}:{line}: {e}")),
        }
    }
    if people.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{file}: has a header but no rows: nothing to import"
        ));
    }
    if problems.is_empty() {
        Ok(people.into_iter().map(|(_, p, _)| p).collect())
    } else {
        Err(problems)
    }
}
