//! `revmentor match`: propose the optimal pairing with reasons, or confirm the proposal.

use anyhow::Result;

use super::Ctx;
use crate::cohort::{File, Load};
use crate::matching::{self, Request};
use crate::model::PairStatus;
use crate::render::{Format, proposal};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// Keep this pair whatever the scores say: MENTEE=MENTOR (ids or emails)
    #[arg(long = "lock", value_name = "MENTEE=MENTOR", value_parser = parse_pair)]
    pub locks: Vec<(String, String)>,
    /// Never propose this pair: MENTEE=MENTOR
    #[arg(long = "avoid", value_name = "MENTEE=MENTOR", value_parser = parse_pair)]
    pub avoids: Vec<(String, String)>,
    /// Show the proposal and write nothing
    #[arg(long, conflicts_with = "confirm")]
    pub dry_run: bool,
    /// Explain one person's matching: their best candidates, and why not each other one (writes
    /// nothing)
    #[arg(long, value_name = "WHO", conflicts_with_all = ["confirm", "locks", "avoids"])]
    pub explain: Option<String>,
    /// Confirm the proposed pairs (asks on a terminal; --yes in scripts)
    #[arg(long, conflicts_with_all = ["locks", "avoids"])]
    pub confirm: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((e, m)) if !e.trim().is_empty() && !m.trim().is_empty() => {
            Ok((e.trim().to_string(), m.trim().to_string()))
        }
        _ => Err(format!(
            "\"{text}\" is not MENTEE=MENTOR (ids or emails, like p012=p003)"
        )),
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if args.confirm {
        return confirm(ctx, args);
    }
    // A large cohort is read and matched on every core: the threads start first.
    crate::threads::start();
    if let Some(who) = &args.explain {
        let mut cohort = ctx.store.open(&args.cohort, Load::ALL)?;
        earlier_pairs(ctx, &mut cohort)?;
        // The same warnings as the match it explains: spellings that split one answer change
        // every score it shows.
        let x = warned_beside(&cohort, || crate::explain::explain(&cohort, who))
            .map_err(|p| super::problems_error(&p, "the match request"))?;
        let written = crate::out::emit(&proposal::explanation(&cohort, &x, args.format));
        // As at the end of a match, below.
        std::mem::forget(x);
        std::mem::forget(cohort);
        return written;
    }
    let request = Request {
        locks: args.locks.clone(),
        avoids: args.avoids.clone(),
    };
    let (mut cohort, change) =
        ctx.store
            .open_maybe_for_change(&args.cohort, Load::ALL, args.dry_run)?;
    earlier_pairs(ctx, &mut cohort)?;
    let proposal = warned_beside(&cohort, || matching::propose(&cohort, &request))
        .map_err(|p| super::problems_error(&p, "the match request"))?;
    if let Some(change) = change {
        matching::apply(&mut cohort, &proposal, ctx.today);
        change.commit(&cohort)?;
    }
    let written = crate::out::emit(&proposal::render(
        &cohort,
        &proposal,
        args.format,
        args.dry_run,
    ));
    // The process ends here: its memory goes back to the system whole. Freeing a large cohort's
    // rows and strings one by one took 1.4 ms at 4,000 people. Plain values (the commit, and
    // with it the lock, is done).
    std::mem::forget(proposal);
    std::mem::forget(cohort);
    written
}

/// A cohort of at least this many people finds its spelling warnings beside its match.
const LARGE_COHORT: usize = 1_000;

/// `work()` (a match or an explanation of one), after printing the cohort's spelling warnings
/// (`vocabulary::advisories`). A large cohort's are found beside the start of the work (its
/// rules, one thread's work); they are printed first all the same.
fn warned_beside<R: Send>(cohort: &crate::cohort::Cohort, work: impl FnOnce() -> R + Send) -> R {
    let (warnings, done) = crate::threads::join(
        cohort.participants.len() >= LARGE_COHORT,
        || crate::cohort::vocabulary::advisories(cohort),
        work,
    );
    for w in warnings {
        crate::out::warn(&w);
    }
    done
}

/// Read the pairs of earlier cohorts under the root, so that no two people are paired again
/// (unless `[matching] repeat_pairs = "allow"`); say which cohorts could not be read.
fn earlier_pairs(ctx: &Ctx, cohort: &mut crate::cohort::Cohort) -> Result<()> {
    if cohort.config.matching.repeat_pairs == crate::cohort::config::RepeatPairs::Allow {
        return Ok(());
    }
    let (pairs, notes) = ctx.store.earlier_pairs(cohort)?;
    for note in notes {
        crate::out::warn(&note);
    }
    cohort.earlier = pairs;
    Ok(())
}

fn confirm(ctx: &Ctx, args: &Args) -> Result<()> {
    let (mut cohort, change) = ctx.store.open_for_change(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches]),
    )?;
    let proposed = cohort
        .pairs
        .iter()
        .filter(|p| p.status == PairStatus::Proposed)
        .count();
    if proposed == 0 {
        let confirmed = cohort
            .pairs
            .iter()
            .filter(|p| p.status == PairStatus::Confirmed)
            .count();
        return Err(anyhow::anyhow!(
            "no proposed pairs to confirm in cohort {}{}: `revmentor match {}` proposes pairs (and says who is left out, and why)",
            cohort.name,
            if confirmed > 0 {
                format!(" ({confirmed} confirmed already)")
            } else {
                String::new()
            },
            cohort.name
        ));
    }
    let listing = proposal::pair_listing(
        &cohort,
        cohort
            .pairs
            .iter()
            .filter(|p| p.status == PairStatus::Proposed)
            .map(|p| {
                (
                    p.mentee.as_str(),
                    p.mentor.as_str(),
                    p.score,
                    p.reasons.as_str(),
                    "confirmed",
                )
            }),
    );
    if !ctx.yes {
        if !ctx.can_prompt() {
            return crate::usage("match --confirm asks before confirming; in a script pass --yes");
        }
        crate::out::stderr(&listing.table());
        let ok = dialoguer::Confirm::new()
            .with_prompt(if proposed == 1 {
                "Confirm this pair?".to_string()
            } else {
                format!("Confirm these {proposed} pairs?")
            })
            .default(false)
            .interact()?;
        if !ok {
            return crate::out::emit("nothing confirmed\n");
        }
    }
    matching::confirm(&mut cohort, ctx.today);
    change.commit(&cohort)?;
    if args.format != Format::Table {
        // Scripts get the pairs confirmed, in the format they asked for.
        return crate::out::emit(&listing.render(args.format));
    }
    crate::out::emit(&format!(
        "confirmed {proposed} pair{}; next: plan their one-to-ones with `revmentor schedule {}`\n",
        if proposed == 1 { "" } else { "s" },
        cohort.name
    ))
}
