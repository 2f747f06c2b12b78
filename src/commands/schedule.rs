//! `revmentor schedule`: plan new and changed pairs' one-to-ones (`--replan` moves missed ones,
//! `--pair WHO --at 'Tue 14:00'` records an agreed slot), or write the plan as calendar invitations.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::Ctx;
use super::init::parse_date_arg;
use crate::cohort::Cohort;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::ics::{self, Method};
use crate::meetings::{self, Change, Mode, Request};
use crate::model::{Agreed, Meeting, PairStatus, Participant, Status};
use crate::problems::{count, plural};
use crate::render::{Format, Listing};

/// Version of the JSON documents `schedule`, `log` and `due` print (README, "JSON output").
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// Pairs that have not met yet start from this date instead of their confirmation (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg, conflicts_with_all = ["ics", "per_person"])]
    pub from: Option<NaiveDate>,
    /// Move missed meetings (planned days that passed with nothing recorded) to the next working days
    #[arg(long, conflicts_with_all = ["ics", "per_person"])]
    pub replan: bool,
    /// Only this pair: the mentee, or the mentor (by id or email)
    #[arg(long, value_name = "WHO")]
    pub pair: Option<String>,
    /// With --pair: the weekday and time the pair agreed, like 'Tue 14:00' (kept on every re-plan)
    #[arg(long, value_name = "'DAY HH:MM'", requires = "pair", value_parser = parse_agreed, conflicts_with_all = ["ics", "per_person"])]
    pub at: Option<Agreed>,
    /// Show what would change, and write nothing
    #[arg(long, conflicts_with_all = ["ics", "per_person"])]
    pub dry_run: bool,
    /// Write invitations (METHOD:REQUEST) to this file, and cancellations to FILE-cancelled.ics
    #[arg(long, value_name = "FILE.ics")]
    pub ics: Option<PathBuf>,
    /// Write each participant's invitations (and cancellations) to a file of their own in DIR
    #[arg(long, value_name = "DIR")]
    pub per_person: Option<PathBuf>,
    /// Output format of what changed (or, with --ics, of the files written)
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn parse_agreed(text: &str) -> Result<Agreed, String> {
    Agreed::parse(text)
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if args.ics.is_some() || args.per_person.is_some() {
        return write_calendars(ctx, args);
    }
    let (mut cohort, change) = ctx.store.open_for_change(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    if meetings::confirmed_pairs(&cohort).is_empty() {
        return Err(anyhow!(
            "cohort {} has no confirmed pairs to plan: propose and confirm them with `revmentor match {}` first",
            cohort.name,
            cohort.name
        ));
    }
    let mode = if args.replan {
        Mode::Replan
    } else {
        Mode::Extend
    };
    let mut request = Request::new(mode);
    request.at = args.at;
    request.from = args.from;
    if let Some(who) = &args.pair {
        let pairs = pairs_of(&cohort, who, true)?;
        request.pairs = Some(pairs);
    }
    let planned = meetings::plan(&mut cohort, &request, ctx.today).map_err(|e| anyhow!(e))?;
    if !args.dry_run {
        change.commit(&cohort)?;
    }
    if planned.missed > 0 && mode != Mode::Replan {
        crate::out::note(&format!(
            "{} planned before today {} not recorded: log {}, or `revmentor schedule {} --replan` moves {}",
            count(planned.missed, "meeting", "meetings"),
            if planned.missed == 1 { "was" } else { "were" },
            if planned.missed == 1 { "it" } else { "them" },
            cohort.name,
            if planned.missed == 1 { "it" } else { "them" },
        ));
    }
    if planned.invalid > 0 {
        crate::out::warn(&format!(
            "{} now {} on a closure, a weekend or after the cohort's end: `revmentor schedule {} --replan` moves {}",
            count(planned.invalid, "planned meeting", "planned meetings"),
            if planned.invalid == 1 {
                "falls"
            } else {
                "fall"
            },
            cohort.name,
            if planned.invalid == 1 { "it" } else { "them" },
        ));
    }
    let listing = change_listing(&cohort, &planned.changes);
    let text = match args.format {
        Format::Json => document(&[
            ("command", json!("schedule")),
            ("cohort", json!(cohort.name)),
            ("today", json!(ctx.today.to_string())),
            ("dry_run", json!(args.dry_run)),
            ("pairs", json!(planned.pairs)),
            ("pairs_changed", json!(planned.pairs_changed)),
            ("changes", listing.json()),
        ]),
        Format::Csv => listing.csv(),
        Format::Table => {
            let mut out = summary(&cohort, &planned, args.dry_run);
            if !planned.changes.is_empty() {
                out.push_str(&change_table(&cohort, &planned.changes));
            }
            out
        }
    };
    crate::out::emit(&text)
}

/// The pairs of `who` (a mentee, or a mentor with one or more mentees): confirmed ones only, or
/// ended ones too (for the calendar's cancellations).
fn pairs_of(cohort: &Cohort, who: &str, confirmed_only: bool) -> Result<Vec<(String, String)>> {
    let p = cohort.resolve(who).map_err(|e| anyhow!(e))?;
    let pairs: Vec<(String, String)> = cohort
        .pairs
        .iter()
        .filter(|k| k.mentee == p.id || k.mentor == p.id)
        .filter(|k| match k.status {
            PairStatus::Confirmed => true,
            PairStatus::Ended => !confirmed_only,
            PairStatus::Proposed => false,
        })
        .map(|k| (k.mentee.clone(), k.mentor.clone()))
        .collect();
    if p.status == Status::Erased {
        return Err(anyhow!(
            "{} has no confirmed pair: an erased person never appears in a calendar or a plan; name their partner instead",
            p.who()
        ));
    }
    if pairs.is_empty() {
        return Err(anyhow!(
            "{} has no {}pair",
            p.who(),
            if confirmed_only { "confirmed " } else { "" }
        ));
    }
    Ok(pairs)
}

/// One line saying what `schedule` changed.
fn summary(cohort: &Cohort, planned: &meetings::Planned, dry_run: bool) -> String {
    let mut out = String::new();
    let would = if dry_run { "would be " } else { "" };
    if planned.changes.is_empty() {
        let _ = writeln!(
            out,
            "nothing {}changed: the plan of {} still follows from {} history · one-to-ones every {}-{} weeks until {}",
            if dry_run { "would be " } else { "" },
            count(planned.pairs, "pair", "pairs"),
            if planned.pairs == 1 { "its" } else { "their" },
            cohort.config.cadence.min_weeks,
            cohort.config.cadence.max_weeks,
            cohort.config.cohort.end
        );
        return out;
    }
    let n = |kind| planned.changes.iter().filter(|c| c.kind == kind).count();
    let late = planned
        .changes
        .iter()
        .filter(|c| c.days_late.is_some() && c.planned.is_some())
        .count();
    let _ = writeln!(
        out,
        "{} of {} {}changed: {} added, {} moved, {} retimed, {} dropped{} · {} unchanged",
        count(planned.pairs_changed, "pair", "pairs"),
        planned.pairs,
        would,
        n(meetings::ChangeKind::Added),
        n(meetings::ChangeKind::Moved),
        n(meetings::ChangeKind::Retimed),
        n(meetings::ChangeKind::Dropped),
        if late > 0 {
            format!(" ({late} late: planned after their window)")
        } else {
            String::new()
        },
        planned.pairs - planned.pairs_changed,
    );
    out
}

/// One change as a sentence: "meeting 2 of p001-p002 moved from 2020-03-10 to 2020-01-29".
pub fn change_sentence(c: &Change) -> String {
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let late = c
        .days_late
        .map(|n| format!(", {n} days after its window (late)"))
        .unwrap_or_default();
    let what = match c.kind {
        meetings::ChangeKind::Added => format!("added on {}{late}", day(c.planned)),
        meetings::ChangeKind::Moved => {
            format!("moved from {} to {}{late}", day(c.before), day(c.planned))
        }
        meetings::ChangeKind::Retimed => format!(
            "stays on {}, now at {}",
            day(c.planned),
            c.time
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default()
        ),
        meetings::ChangeKind::Window => format!(
            "stays on {} (its window is now {} to {})",
            day(c.planned),
            c.due_from,
            c.due_by
        ),
        meetings::ChangeKind::Dropped => format!(
            "on {} dropped: no room for it before the cohort's end",
            day(c.before)
        ),
    };
    format!("meeting {} of {}-{} {what}", c.number, c.mentee, c.mentor)
}

/// Changed rows as a table for reading: who, which meeting, the day before and after, the window.
fn change_table(cohort: &Cohort, changes: &[Change]) -> String {
    let people = cohort.people();
    let name = |id: &str| people.get(id).map(|p| p.label()).unwrap_or_default();
    let day = |d: Option<NaiveDate>| json!(d.map(|d| d.to_string()));
    let mut l = Listing::new(&[
        "change", "mentee", "mentor", "no.", "was", "planned", "time", "due from", "due by", "late",
    ]);
    for c in changes {
        l.push(vec![
            json!(c.kind.as_str()),
            json!(format!("{} {}", c.mentee, name(&c.mentee))),
            json!(format!("{} {}", c.mentor, name(&c.mentor))),
            json!(c.number),
            day(c.before),
            day(c.planned),
            json!(c.time.map(|t| t.format("%H:%M").to_string())),
            json!(c.due_from.to_string()),
            json!(c.due_by.to_string()),
            json!(c.days_late.map(|n| format!("{n} days"))),
        ]);
    }
    l.table()
}

/// Changed rows as a listing (`schedule`, `log`): the same columns in CSV and JSON.
pub fn change_listing(cohort: &Cohort, changes: &[Change]) -> Listing {
    let people = cohort.people();
    let name = |id: &str| people.get(id).map(|p| p.label()).unwrap_or_default();
    let date = |d: Option<NaiveDate>| json!(d.map(|d| d.to_string()));
    let mut l = Listing::new(&[
        "change",
        "mentee",
        "mentee_name",
        "mentor",
        "mentor_name",
        "number",
        "planned_before",
        "planned",
        "time",
        "due_from",
        "due_by",
        "days_late",
        "uid",
        "sequence",
    ]);
    for c in changes {
        l.push(vec![
            json!(c.kind.as_str()),
            json!(c.mentee),
            json!(name(&c.mentee)),
            json!(c.mentor),
            json!(name(&c.mentor)),
            json!(c.number),
            date(c.before),
            date(c.planned),
            json!(c.time.map(|t| t.format("%H:%M").to_string())),
            json!(c.due_from.to_string()),
            json!(c.due_by.to_string()),
            json!(c.days_late),
            json!(c.uid),
            json!(c.sequence),
        ]);
    }
    l
}

/// A JSON document of `schedule`, `log` or `due`: `schema_version` first, then `fields` in order.
pub fn document(fields: &[(&str, Value)]) -> String {
    let mut object = serde_json::Map::new();
    object.insert("schema_version".into(), json!(SCHEMA_VERSION));
    for (key, value) in fields {
        object.insert((*key).to_string(), value.clone());
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(object)).unwrap_or_default();
    text.push('\n');
    text
}

/// `FILE.ics` → `FILE-cancelled.ics`, beside it.
fn cancelled_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{stem}-cancelled.ics"))
}

/// One file written, for the listing.
struct Written {
    path: PathBuf,
    method: Method,
    person: Option<Participant>,
    events: usize,
}

fn write_calendars(ctx: &Ctx, args: &Args) -> Result<()> {
    let cohort = ctx.store.open(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    let only = match &args.pair {
        Some(who) => Some(pairs_of(&cohort, who, false)?),
        None => None,
    };
    let selected = |m: &Meeting| {
        only.as_ref()
            .is_none_or(|ps| ps.iter().any(|(e, r)| m.of(e, r)))
    };
    let events = ics::events(&cohort, selected);
    if events.is_empty() {
        return Err(anyhow!(
            "nothing planned to put in a calendar: run `revmentor schedule {}` first",
            cohort.name
        ));
    }
    let organizer = cohort.config.calendar.organizer().ok_or_else(|| {
        anyhow!(
            "cohort.toml has no [calendar] organizer: invitations are sent from the organizer's address, so add organizer = \"you@example.org\" under [calendar]"
        )
    })?;
    let mut written = Vec::new();
    if let Some(path) = &args.ics {
        written.extend(write_pair_of_files(
            ctx, &cohort, &events, &organizer, path, None,
        )?);
    }
    if let Some(dir) = &args.per_person {
        create_private_dir(dir)?;
        for person in cohort.participants.iter() {
            if person.status == Status::Erased || person.email.is_empty() {
                continue;
            }
            let own = |m: &&Meeting| m.mentee == person.id || m.mentor == person.id;
            let mine = ics::Events {
                requests: events.requests.iter().copied().filter(own).collect(),
                cancels: events.cancels.iter().copied().filter(own).collect(),
            };
            if mine.is_empty() {
                continue;
            }
            let path = dir.join(format!("{}.ics", person.id));
            written.extend(write_pair_of_files(
                ctx,
                &cohort,
                &mine,
                &organizer,
                &path,
                Some(person),
            )?);
        }
    }
    crate::out::emit(&files_report(&written, args.format))
}

/// Write the invitations to `path` and the cancellations beside it (each only when there are some).
fn write_pair_of_files(
    ctx: &Ctx,
    cohort: &Cohort,
    events: &ics::Events,
    organizer: &str,
    path: &Path,
    person: Option<&Participant>,
) -> Result<Vec<Written>> {
    let mut written = Vec::new();
    for (method, list, path) in [
        (Method::Request, &events.requests, path.to_path_buf()),
        (Method::Cancel, &events.cancels, cancelled_path(path)),
    ] {
        if list.is_empty() {
            continue;
        }
        let text = ics::calendar(cohort, method, list, organizer, ctx.today);
        ctx.store.write_output(&path, text.as_bytes())?;
        written.push(Written {
            path,
            method,
            person: person.cloned(),
            events: list.len(),
        });
    }
    Ok(written)
}

fn files_report(written: &[Written], format: Format) -> String {
    let mut l = Listing::new(&["file", "method", "events", "participant", "name", "email"]);
    for w in written {
        l.push(vec![
            json!(w.path.display().to_string()),
            json!(w.method.as_str()),
            json!(w.events),
            json!(w.person.as_ref().map(|p| p.id.clone())),
            json!(w.person.as_ref().map(|p| p.name.clone())),
            json!(w.person.as_ref().map(|p| p.email.clone())),
        ]);
    }
    match format {
        Format::Json => document(&[("files", l.json())]),
        Format::Csv => l.csv(),
        Format::Table => {
            let people = written.iter().filter(|w| w.person.is_some()).count();
            let mut out = String::new();
            for w in written.iter().filter(|w| w.person.is_none()) {
                let _ = writeln!(
                    out,
                    "wrote {} to {}",
                    match w.method {
                        Method::Request => count(w.events, "invitation", "invitations"),
                        Method::Cancel => count(w.events, "cancellation", "cancellations"),
                    },
                    w.path.display()
                );
            }
            if people > 0 {
                let _ = writeln!(
                    out,
                    "wrote {people} file{} for participants:",
                    plural(people)
                );
                out.push_str(&l.table());
            }
            out
        }
    }
}

/// Create the folder for `--per-person` (readable by the owner only) when it does not exist.
fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| anyhow!("cannot create the folder {}: {e}", dir.display()))
}
