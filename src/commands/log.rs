//! `revmentor log`: record that a pair's next one-to-one was held or cancelled, then re-plan the pair.
//! There is no field for what was said: the scheme is confidential.

use anyhow::{Result, anyhow};
use chrono::NaiveDate;

use super::Ctx;
use super::init::parse_date_arg;
#[allow(unused_imports)]
use crate::cohort::{File, Load};
use crate::meetings::{self, Happened};

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["held", "cancelled"]))]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// The mentee (or their mentor), by id or email
    pub who: String,
    /// The meeting was held on this date (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg)]
    pub held: Option<NaiveDate>,
    /// How long it lasted, in minutes (at most the cohort's session_minutes)
    #[arg(long, requires = "held")]
    pub minutes: Option<u32>,
    /// Topic tags raised, comma-separated, from the cohort's list
    #[arg(long, requires = "held", value_delimiter = ',')]
    pub topics: Vec<String>,
    /// The meeting was cancelled on this date (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date_arg)]
    pub cancelled: Option<NaiveDate>,
    /// Why it was cancelled
    #[arg(long, requires = "cancelled")]
    pub reason: Option<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let (mut cohort, change) = ctx.store.open_for_change(
        &args.cohort,
        Load::only(&[File::Participants, File::Matches, File::Meetings]),
    )?;
    let happened = match (args.held, args.cancelled) {
        (Some(date), _) => Happened::Held {
            date,
            minutes: args.minutes,
            topics: meetings::check_topics(&cohort, &args.topics).map_err(|e| anyhow!(e))?,
        },
        (None, Some(date)) => Happened::Cancelled {
            date,
            reason: args.reason.clone().unwrap_or_default().trim().to_string(),
        },
        (None, None) => return crate::usage("pass --held DATE or --cancelled DATE"),
    };
    let held = matches!(happened, Happened::Held { .. });
    let logged =
        meetings::log(&mut cohort, &args.who, happened, ctx.today).map_err(|e| anyhow!(e))?;
    change.commit(&cohort)?;
    crate::out::emit(&format!(
        "meeting {} of {}-{} recorded as {}; {}\n",
        logged.number,
        logged.mentee,
        logged.mentor,
        if held { "held" } else { "cancelled" },
        match logged.next {
            Some(d) => format!("next one-to-one planned for {d}"),
            None => "nothing more is planned before the cohort ends".to_string(),
        }
    ))
}
