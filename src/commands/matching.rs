//! `revmentor match`: propose the optimal pairing with reasons, or confirm the proposal.

use std::fmt::Write as _;

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use crate::cohort::Cohort;
use crate::cohort::{File, Load};
use crate::matching::{self, Origin, Proposal, Request};
use crate::model::{Pair, PairStatus};
use crate::render::{Format, Listing};

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
    let request = Request {
        locks: args.locks.clone(),
        avoids: args.avoids.clone(),
    };
    let (mut cohort, change) = ctx.store.open_for_change(&args.cohort, Load::ALL)?;
    let proposal = matching::propose(&cohort, &request)
        .map_err(|p| super::problems_error(&p, "the match request"))?;
    if !args.dry_run {
        cohort.pairs.retain(|p| p.status != PairStatus::Proposed);
        for pair in proposal
            .pairs
            .iter()
            .filter(|p| p.origin != Origin::Confirmed)
        {
            cohort.pairs.push(Pair {
                mentee: pair.mentee.clone(),
                mentor: pair.mentor.clone(),
                score: pair.score,
                reasons: pair.reasons.clone(),
                status: PairStatus::Proposed,
                proposed_on: Some(ctx.today),
                confirmed_on: None,
                ended_on: None,
                end_reason: String::new(),
            });
        }
        change.commit(&cohort)?;
    }
    crate::out::emit(&render(&cohort, &proposal, args.format, args.dry_run))
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
        return Err(anyhow::anyhow!(
            "no proposed pairs to confirm in cohort {}: run `revmentor match {}` first",
            cohort.name,
            cohort.name
        ));
    }
    if !ctx.yes {
        if !ctx.can_prompt() {
            return crate::usage("match --confirm asks before confirming; in a script pass --yes");
        }
        crate::out::stderr(
            &pair_listing(
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
                            "proposed",
                        )
                    }),
            )
            .table(),
        );
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
    for p in cohort
        .pairs
        .iter_mut()
        .filter(|p| p.status == PairStatus::Proposed)
    {
        p.status = PairStatus::Confirmed;
        p.confirmed_on = Some(ctx.today);
    }
    change.commit(&cohort)?;
    crate::out::emit(&format!(
        "confirmed {proposed} pair{}; next: plan their one-to-ones with `revmentor schedule {}`\n",
        if proposed == 1 { "" } else { "s" },
        cohort.name
    ))
}

/// Names by id, for labelling a listing without a scan per row.
fn names(cohort: &Cohort) -> rustc_hash::FxHashMap<&str, String> {
    cohort
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.label()))
        .collect()
}

/// Pairs as a listing: ids, names, score, reasons, and whether each is proposed, locked or confirmed.
fn pair_listing<'a>(
    cohort: &Cohort,
    pairs: impl Iterator<Item = (&'a str, &'a str, f64, &'a str, &'a str)>,
) -> Listing {
    let names = names(cohort);
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_default();
    let mut l = Listing::new(&[
        "mentee",
        "mentee name",
        "mentor",
        "mentor name",
        "score",
        "reasons",
        "pair",
    ]);
    for (mentee, mentor, score, reasons, pair) in pairs {
        l.push(vec![
            json!(mentee),
            json!(name_of(mentee)),
            json!(mentor),
            json!(name_of(mentor)),
            json!(score),
            json!(reasons),
            json!(pair),
        ]);
    }
    l
}

fn render(cohort: &Cohort, proposal: &Proposal, format: Format, dry_run: bool) -> String {
    let pairs = pair_listing(
        cohort,
        proposal.pairs.iter().map(|p| {
            let origin = match p.origin {
                Origin::Confirmed => "confirmed",
                Origin::Locked => "locked",
                Origin::Proposed => "proposed",
            };
            (
                p.mentee.as_str(),
                p.mentor.as_str(),
                p.score,
                p.reasons.as_str(),
                origin,
            )
        }),
    );
    let names = names(cohort);
    let name_of = |_: &Cohort, id: &str| names.get(id).cloned().unwrap_or_default();
    let mut unmatched = Listing::new(&["id", "role", "name", "why"]);
    for u in &proposal.unmatched {
        unmatched.push(vec![
            json!(u.id),
            json!(u.role.as_str()),
            json!(name_of(cohort, &u.id)),
            json!(u.why),
        ]);
    }
    match format {
        Format::Json => {
            let value = json!({
                "pairs": pairs.json(),
                "unmatched": unmatched.json(),
                "mentees_eligible": proposal.mentees_eligible,
                "mentees_matched": proposal.mentees_matched,
                "total_score": proposal.total_score,
                "written": !dry_run,
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )
        }
        Format::Csv => pairs.csv(),
        Format::Table => {
            let mut out = pairs.table();
            if !unmatched.rows.is_empty() {
                out.push_str("\nleft unmatched:\n");
                out.push_str(&unmatched.table());
            }
            let _ = writeln!(
                out,
                "{} of {} eligible mentees matched · total score {}",
                proposal.mentees_matched,
                proposal.mentees_eligible,
                crate::model::format_number(proposal.total_score)
            );
            if dry_run {
                out.push_str("dry run: nothing written\n");
            } else if proposal.pairs.iter().any(|p| p.origin != Origin::Confirmed) {
                let _ = writeln!(
                    out,
                    "proposed pairs written to matches.csv; confirm them with `revmentor match {} --confirm`",
                    cohort.name
                );
            }
            out
        }
    }
}
