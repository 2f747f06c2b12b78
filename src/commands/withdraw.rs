//! `revmentor withdraw`: the scheme is voluntary; a withdrawal ends the pair, `--erase` the data.
//! On a terminal it shows what will change and asks; `--yes` answers in scripts.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};

use super::Ctx;
use crate::cohort::{Cohort, Load};
use crate::problems::count;
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
    change.commit(&cohort)?;
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
    crate::out::emit(&out)
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
