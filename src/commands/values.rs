//! `revmentor values`: each characteristic's answers with counts by role (the one listing that
//! shows the values themselves, to the coordinator), and `--rename` to rewrite a spelling in
//! characteristics.csv.

use std::fmt::Write as _;

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use crate::cohort::vocabulary::{self, Rename, ValueCount};
use crate::cohort::{File, Load};
use crate::render::{Format, Listing};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// Rewrite an answer in characteristics.csv, any case: 'characteristic:Old=New' (repeatable)
    #[arg(long = "rename", value_name = "'char:Old=New'")]
    pub renames: Vec<String>,
    /// With --rename: show what would change and write nothing
    #[arg(long, requires = "renames")]
    pub dry_run: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let renames = args
        .renames
        .iter()
        .map(|r| Rename::parse(r))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::UsageError)?;
    let load = Load::only(&[File::Participants, File::Characteristics]);
    let mut out = String::new();
    let cohort = if renames.is_empty() {
        ctx.store.open(&args.cohort, load)?
    } else {
        let (mut cohort, change) =
            ctx.store
                .open_maybe_for_change(&args.cohort, load, args.dry_run)?;
        let counts = vocabulary::rename(&mut cohort, &renames)
            .map_err(|p| super::problems_error(&p, "the renames"))?;
        if let Some(change) = change {
            change.commit(&cohort)?;
        }
        let would = if args.dry_run {
            "would rewrite"
        } else {
            "rewrote"
        };
        for (r, n) in renames.iter().zip(counts) {
            let _ = writeln!(
                out,
                "{}: {would} {n} answer{} \"{}\" as \"{}\"",
                r.characteristic,
                crate::problems::plural(n),
                r.from,
                r.to
            );
        }
        if args.dry_run {
            out.push_str("dry run: nothing written\n");
        }
        if args.format != Format::Table {
            // Scripts get the listing alone; the lines above go to standard error.
            crate::out::stderr(&out);
            out.clear();
        }
        cohort
    };
    let listing = listing(&vocabulary::tally(&cohort, false));
    match args.format {
        Format::Table => {
            out.insert_str(0, &listing.table());
        }
        other => out.insert_str(0, &listing.render(other)),
    }
    for w in vocabulary::advisories(&cohort) {
        crate::out::warn(&w);
    }
    crate::out::emit(&out)
}

/// One row per value of each characteristic: how many mentors and mentees gave it, and the
/// spellings it was given in when there is more than one.
fn listing(tally: &[(String, Vec<ValueCount>)]) -> Listing {
    let mut l = Listing::new(&["characteristic", "value", "mentors", "mentees", "spellings"]);
    for (characteristic, values) in tally {
        for v in values {
            let spellings =
                if v.spellings.len() > 1 || v.spellings.iter().any(|s| s.text != v.value) {
                    v.spellings
                        .iter()
                        .map(|s| {
                            let text = if s.text.is_empty() {
                                "(empty)".to_string()
                            } else {
                                format!("\"{}\"", s.text)
                            };
                            format!("{text} ({})", by_role(s.mentors, s.mentees))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                } else {
                    String::new()
                };
            l.push(vec![
                json!(characteristic),
                json!(if v.value.is_empty() {
                    "(not known)"
                } else {
                    v.value.as_str()
                }),
                json!(v.mentors),
                json!(v.mentees),
                json!(spellings),
            ]);
        }
    }
    l
}

/// "2 mentors, 1 mentee", leaving out a role with none.
fn by_role(mentors: usize, mentees: usize) -> String {
    let mut parts = Vec::new();
    if mentors > 0 {
        parts.push(format!(
            "{mentors} mentor{}",
            crate::problems::plural(mentors)
        ));
    }
    if mentees > 0 {
        parts.push(format!(
            "{mentees} mentee{}",
            crate::problems::plural(mentees)
        ));
    }
    parts.join(", ")
}
