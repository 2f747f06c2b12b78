//! `revmentor withdraw`: the scheme is voluntary; a withdrawal ends the pair, `--erase` the data.
//! On a terminal it shows what will change and asks; `--yes` answers in scripts.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};

use super::Ctx;
use crate::cohort::{Cohort, Load};
use crate::problems::count;
use crate::store::Change;
use crate::store::output::Erased;
use crate::withdrawal::{self, Withdrawal, Withdrawn};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// The participant, by id or email
    pub who: String,
    /// Why (kept in participants.csv and the pair's end reason; not kept with --erase)
    #[arg(long)]
    pub reason: Option<String>,
    /// Also remove the person's personal data, leaving a tombstone (id, role, status, date)
    #[arg(long)]
    pub erase: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let reason = args.reason.clone().unwrap_or_default().trim().to_string();
    crate::text::check(&reason, crate::text::Kind::Note)
        .map_err(|e| crate::UsageError(format!("--reason {e}")))?;
    if !ctx.yes && !ctx.can_prompt() {
        return crate::usage(
            "withdraw shows what will change and asks first; in a script pass --yes",
        );
    }
    let (mut cohort, change) = ctx.store.open_for_change(&args.cohort, Load::ALL)?;
    let before = cohort.clone();
    let w = Withdrawal {
        reason,
        erase: args.erase,
        today: ctx.today,
    };
    let done = withdrawal::withdraw(&mut cohort, &args.who, &w).map_err(|e| anyhow!(e))?;
    let summary = describe(&before, &done);
    if !ctx.yes {
        crate::out::stderr(&summary);
        let ok = dialoguer::Confirm::new()
            .with_prompt(format!(
                "{} {}?",
                if done.erased {
                    "Withdraw and erase"
                } else {
                    "Withdraw"
                },
                done.id
            ))
            .default(false)
            .interact()?;
        if !ok {
            return crate::out::emit("nothing changed\n");
        }
    }
    let files = commit(change, &cohort, &before, &done)?;
    let mut out = format!(
        "{} {}\n",
        done.id,
        if done.erased {
            "withdrawn and erased"
        } else {
            "withdrawn"
        }
    );
    if !done.pairs_ended.is_empty() {
        let _ = writeln!(
            out,
            "ended {}: their partner can be matched again with `revmentor match {}`",
            count(done.pairs_ended.len(), "pair", "pairs"),
            cohort.name
        );
    }
    if done.proposals_dropped > 0 {
        let _ = writeln!(
            out,
            "dropped {}",
            count(done.proposals_dropped, "proposed pair", "proposed pairs")
        );
    }
    if done.meetings_cancelled > 0 {
        let _ = writeln!(
            out,
            "cancelled {}",
            count(
                done.meetings_cancelled,
                "planned meeting",
                "planned meetings"
            )
        );
    }
    if !done.erased {
        let _ = writeln!(
            out,
            "made in error? `revmentor reinstate {} {}` undoes it",
            cohort.name, done.id
        );
    }
    if done.cells_scrubbed > 0 {
        let _ = writeln!(
            out,
            "took their name and email out of {} in others' rows (quotes, reasons, titles, added columns)",
            count(done.cells_scrubbed, "cell", "cells")
        );
    }
    if let Some(files) = files {
        describe_files(&mut out, &files, &ONE);
    }
    crate::out::emit(&out)
}

/// Commit the withdrawal. An erasure also takes the person out of the files beside the tables
/// (outputs written into the cohort's folder, notes left there), in the same commit.
fn commit(
    change: Change,
    cohort: &Cohort,
    before: &Cohort,
    done: &Withdrawn,
) -> Result<Option<Erased>> {
    if !done.erased {
        change.commit(cohort)?;
        return Ok(None);
    }
    let forms = before
        .find(&done.id)
        .map(withdrawal::forms)
        .ok_or_else(|| anyhow!("{} has gone from the cohort", done.id))?;
    let scrub = |text: &str| forms.scrubbed(text);
    let (files, rewrites) = change.erase_outputs(&|id| id == done.id, &scrub)?;
    change.commit_with(cohort, &rewrites)?;
    Ok(Some(files))
}

/// Who an erasure took out of the files beside the tables, as its report words them.
pub(crate) struct Whom {
    /// "their name and email"
    pub names: &'static str,
    /// "them"
    pub them: &'static str,
    /// "their data"
    pub data: &'static str,
}

/// One person erased (`withdraw --erase`).
const ONE: Whom = Whom {
    names: "their name and email",
    them: "them",
    data: "their data",
};

/// What an erasure did to the files beside the tables, and what is left for the coordinator.
pub(crate) fn describe_files(out: &mut String, files: &Erased, whom: &Whom) {
    for path in &files.rewritten {
        let _ = writeln!(out, "rewrote {path} without {}", whom.names);
    }
    for path in &files.outside {
        let _ = writeln!(
            out,
            "still names {}, outside the cohort's folder: {path} (delete it, and any copy sent on)",
            whom.them
        );
    }
    for path in &files.unreadable {
        let _ = writeln!(
            out,
            "could not check {path} (not text): delete it if it holds {}",
            whom.data
        );
    }
}

/// What a withdrawal will change, for the confirmation screen.
fn describe(before: &Cohort, done: &Withdrawn) -> String {
    let people = before.people();
    let who = |id: &str| people.get(id).map_or_else(|| id.to_string(), |p| p.who());
    let mut out = format!("withdraw {} from cohort {}:\n", done.label, before.name);
    for (mentee, mentor) in &done.pairs_ended {
        let _ = writeln!(
            out,
            "  - ends the pair of {} with {}",
            who(mentee),
            who(mentor)
        );
    }
    if done.proposals_dropped > 0 {
        let _ = writeln!(
            out,
            "  - drops {}",
            count(done.proposals_dropped, "proposed pair", "proposed pairs")
        );
    }
    let _ = writeln!(
        out,
        "  - cancels {}",
        count(
            done.meetings_cancelled,
            "planned meeting",
            "planned meetings"
        )
    );
    if done.erased {
        out.push_str("  - erases their personal data: name, email, characteristics, quotes (this cannot be undone)\n");
    } else {
        out.push_str("  - can be undone with `revmentor reinstate` if made in error\n");
    }
    out
}
