//! `revmentor schedule`: plan new and changed pairs' one-to-ones (`--replan` moves missed ones,
//! `--pair WHO --at 'Tue 14:00'` records an agreed slot), or write the plan as calendar invitations.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde_json::json;

use super::Ctx;
use super::init::parse_date_arg;
use crate::cohort::Cohort;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::ics::{self, Method};
use crate::meetings::{self, Mode, Request};
use crate::model::{Agreed, Meeting, PairStatus, Participant, Status};
use crate::problems::count;
use crate::render::{Format, plan};

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
    let listing = plan::change_listing(&cohort, &planned.changes);
    let text = match args.format {
        Format::Json => plan::document(&[
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
            let mut out = plan::summary(&cohort, &planned, args.dry_run);
            if !planned.changes.is_empty() {
                out.push_str(&plan::change_table(&cohort, &planned.changes));
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

/// `FILE.ics` → `FILE-cancelled.ics`, beside it.
fn cancelled_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{stem}-cancelled.ics"))
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
    let calendars = ics::Calendars::new(&cohort);
    let mut written = Vec::new();
    if let Some(path) = &args.ics {
        let files = pair_of_files(&calendars, &events, &organizer, path, None, ctx.today);
        written.extend(write_files(ctx, &cohort, files)?);
    }
    if let Some(dir) = &args.per_person {
        ctx.store.create_output_dir(dir)?;
        // Each person's events, in the order of the whole calendar.
        let mut by_person: FxHashMap<&str, ics::Events> = FxHashMap::default();
        for (list, cancels) in [(&events.requests, false), (&events.cancels, true)] {
            for &m in list {
                for id in [m.mentee.as_str(), m.mentor.as_str()] {
                    let own = by_person.entry(id).or_default();
                    if cancels {
                        own.cancels.push(m);
                    } else {
                        own.requests.push(m);
                    }
                }
            }
        }
        let mut files = Vec::new();
        for person in cohort.participants.iter() {
            if person.status == Status::Erased || person.email.is_empty() {
                continue;
            }
            let Some(mine) = by_person.get(person.id.as_str()) else {
                continue;
            };
            let path = dir.join(format!("{}.ics", person.id));
            files.extend(pair_of_files(
                &calendars,
                mine,
                &organizer,
                &path,
                Some(person),
                ctx.today,
            ));
        }
        written.extend(write_files(ctx, &cohort, files)?);
    }
    crate::out::emit(&plan::files_report(&written, args.format))
}

/// The invitations for `path` and the cancellations for beside it (each only when there are
/// some), with their text.
fn pair_of_files(
    calendars: &ics::Calendars,
    events: &ics::Events,
    organizer: &str,
    path: &Path,
    person: Option<&Participant>,
    today: NaiveDate,
) -> Vec<(plan::Written, String)> {
    let mut files = Vec::new();
    for (method, list, path) in [
        (Method::Request, &events.requests, path.to_path_buf()),
        (Method::Cancel, &events.cancels, cancelled_path(path)),
    ] {
        if list.is_empty() {
            continue;
        }
        let text = calendars.calendar(method, list, organizer, today);
        files.push((
            plan::Written {
                path,
                method,
                person: person.cloned(),
                events: list.len(),
            },
            text,
        ));
    }
    files
}

/// Write calendar files, entered in the cohort's register together (`Store::write_output_files`).
fn write_files(
    ctx: &Ctx,
    cohort: &Cohort,
    files: Vec<(plan::Written, String)>,
) -> Result<Vec<plan::Written>> {
    let bytes: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(w, text)| (w.path.as_path(), text.as_bytes()))
        .collect();
    ctx.store
        .write_output_files(cohort, "calendar", ctx.today, &bytes)?;
    Ok(files.into_iter().map(|(w, _)| w).collect())
}
