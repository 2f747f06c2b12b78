//! `revmentor reinstate`: undo a withdrawal made in error (not an erasure).

use std::fmt::Write as _;

use anyhow::{Result, anyhow};

use super::Ctx;
use crate::cohort::{File, Load};
use crate::withdrawal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// The withdrawn participant, by id or email
    pub who: String,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let (mut cohort, change) = ctx.store.open_for_change(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    let done = withdrawal::reinstate(&mut cohort, &args.who).map_err(|e| anyhow!(e))?;
    change.commit(&cohort)?;
    let mut out = format!("{} is active again\n", done.id);
    if let Some((mentee, mentor)) = &done.pair {
        let _ = writeln!(
            out,
            "restored the pair {mentee}-{mentor} and {} of its meetings",
            done.meetings_restored
        );
    }
    if let Some(why) = &done.partner_taken {
        let _ = writeln!(
            out,
            "their pair was not restored: {why}; match them again with `revmentor match {}`",
            cohort.name
        );
    }
    crate::out::emit(&out)
}
