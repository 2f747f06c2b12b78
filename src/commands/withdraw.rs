//! `revmentor withdraw`: the scheme is voluntary; a withdrawal ends the pair, `--erase` the data.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};

use super::Ctx;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::enrolment::{self, Withdrawal};

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
    let (mut cohort, change) = ctx.store.open_for_change(&args.cohort, Load::ALL)?;
    let w = Withdrawal {
        reason: args.reason.clone().unwrap_or_default().trim().to_string(),
        erase: args.erase,
        today: ctx.today,
    };
    let done = enrolment::withdraw(&mut cohort, &args.who, &w).map_err(|e| anyhow!(e))?;
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
    if done.pairs_ended > 0 {
        let _ = writeln!(
            out,
            "ended {} pair(s): their partner can be matched again with `revmentor match {}`",
            done.pairs_ended, cohort.name
        );
    }
    if done.proposals_dropped > 0 {
        let _ = writeln!(out, "dropped {} proposed pair(s)", done.proposals_dropped);
    }
    if done.meetings_cancelled > 0 {
        let _ = writeln!(
            out,
            "cancelled {} planned meeting(s)",
            done.meetings_cancelled
        );
    }
    crate::out::emit(&out)
}
