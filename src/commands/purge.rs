//! `revmentor purge`: when a closed cohort's retention period has passed, erase everyone's
//! personal data at once, keeping the figures (see [`crate::retention`]). Shows what it will do and
//! asks on a terminal; `--yes` in scripts, `--dry-run` to see it without changing anything.

use std::fmt::Write as _;

use anyhow::{Result, anyhow, bail};

use super::Ctx;
use crate::cohort::{CONFIG_FILE, Cohort, File, Load};
use crate::problems::count;
use crate::retention::{self, Purged};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort (closed, and past `[privacy] retain_months` after its end)
    pub cohort: String,
    /// Show what would be erased and kept; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if !args.dry_run && !ctx.yes && !ctx.can_prompt() {
        return crate::usage(
            "purge shows what it will erase and asks first; in a script pass --yes (or --dry-run to see it)",
        );
    }
    let others = others(ctx, &args.cohort)?;
    let refs: Vec<&Cohort> = others.iter().collect();
    let (mut cohort, change) =
        ctx.store
            .open_maybe_for_change(&args.cohort, Load::ALL, args.dry_run)?;
    let forms = retention::redactor(&cohort);
    let end = cohort.config.cohort.end;
    let done = retention::purge(&mut cohort, &refs, ctx.today).map_err(|e| anyhow!(e))?;
    let summary = describe(&cohort, end, &done, args.dry_run);
    let Some(change) = change else {
        return crate::out::emit(&format!("{summary}dry run: nothing was changed\n"));
    };
    if !ctx.yes {
        crate::out::stderr(&summary);
        let ok = dialoguer::Confirm::new()
            .with_prompt(format!("Purge cohort {}?", cohort.name))
            .default(false)
            .interact()?;
        if !ok {
            return crate::out::emit("nothing changed\n");
        }
    }
    let config =
        crate::cohort::config::mark_purged(&ctx.store.config_text(&cohort.name)?, ctx.today)
            .map_err(|p| {
                anyhow!(crate::problems::Problems::new(
                    format!("{}/{CONFIG_FILE}", cohort.name),
                    p
                ))
            })?;
    let scrub = |text: &str| forms.scrubbed(text);
    let (files, mut rewrites) = change.erase_outputs(&|_| true, &scrub)?;
    rewrites.push((CONFIG_FILE.to_string(), config.into_bytes()));
    change.commit_with(&cohort, &rewrites)?;
    let mut out = if ctx.yes { summary } else { String::new() };
    let _ = writeln!(out, "purged cohort {}", cohort.name);
    let everyone = super::withdraw::Whom {
        names: "anyone's name or email",
        them: "people",
        data: "personal data",
    };
    super::withdraw::describe_files(&mut out, &files, &everyone);
    crate::out::emit(&out)
}

/// Every other cohort under the root, to keep who returned between them and this one. A cohort
/// that cannot be read stops the purge: what it would have kept could not be known.
fn others(ctx: &Ctx, name: &str) -> Result<Vec<Cohort>> {
    let mut cohorts = Vec::new();
    let mut broken = Vec::new();
    for other in ctx.store.list()? {
        if other == name {
            continue;
        }
        match ctx
            .store
            .open(&other, Load::only(&[File::Participants, File::Returned]))
        {
            Ok(c) => cohorts.push(c),
            Err(e) => broken.push(format!("{other}: {e:#}")),
        }
    }
    if !broken.is_empty() {
        bail!(
            "a purge keeps who returned between cohorts, and {} could not be read (`revmentor check NAME` says why); nothing was changed:\n  {}",
            count(broken.len(), "other cohort", "other cohorts"),
            broken.join("\n  ")
        );
    }
    Ok(cohorts)
}

/// What the purge erases and keeps, for the confirmation screen and the dry run.
fn describe(cohort: &Cohort, end: chrono::NaiveDate, done: &Purged, dry_run: bool) -> String {
    let (erases, deletes, keeps, rewrites) = if dry_run {
        ("would erase", "would delete", "would keep", "would rewrite")
    } else {
        ("erases", "deletes", "keeps", "rewrites")
    };
    let until = cohort
        .config
        .privacy
        .retain_until(end)
        .map_or_else(String::new, |d| format!(", kept until {d}"));
    let mut out = format!("purge cohort {} (ended {end}{until}):\n", cohort.name);
    let _ = writeln!(
        out,
        "  - {erases} the personal data of {}: names, emails, departments, grades, managers, conflicts, reasons, answers to eligibility questions (each keeps an id, role, status and dates)",
        count(done.people, "person", "people")
    );
    let _ = writeln!(
        out,
        "  - {deletes} {} of characteristics.csv, and {keeps} how many people held each value in reach.csv ({})",
        count(done.characteristics, "row", "rows"),
        count(done.reach_rows, "row", "rows")
    );
    if done.quotes > 0 {
        let _ = writeln!(
            out,
            "  - {deletes} {} (people's own words)",
            count(done.quotes, "survey quote", "survey quotes")
        );
    }
    if done.org_rows > 0 {
        let _ = writeln!(
            out,
            "  - {deletes} {} of org.csv (reporting lines)",
            count(done.org_rows, "row", "rows")
        );
    }
    if done.returned > 0 {
        let _ = writeln!(
            out,
            "  - {keeps} {} who took part in this cohort and another by id in returned.csv, so the programme report still counts them",
            count(done.returned, "person", "people")
        );
    }
    if done.cells_scrubbed > 0 {
        let _ = writeln!(
            out,
            "  - {rewrites} {} that named someone (titles, reasons, added columns)",
            count(done.cells_scrubbed, "free-text cell", "free-text cells")
        );
    }
    let _ = writeln!(
        out,
        "  - {keeps} every figure: `revmentor export {}` and `export --programme` print the same counts after it, without quotes",
        cohort.name
    );
    let _ = writeln!(
        out,
        "  - {} the cohort purged in cohort.toml; it can no longer be changed, and this cannot be undone",
        if dry_run { "would mark" } else { "marks" }
    );
    out
}
