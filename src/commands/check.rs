//! `revmentor check`: every problem of every file of a cohort in one run, like `git fsck`; and
//! `--fix-dates`, which rewrites dates a spreadsheet saved in a local form as `YYYY-MM-DD`.

use std::fmt::Write as _;

use anyhow::Result;
use clap::ValueEnum;
use serde_json::json;

use super::Ctx;
use crate::model::DateOrder;
use crate::problems::{Problem, count};
use crate::render::{Format, Listing};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Order {
    /// day/month/year, as spreadsheets in the UK (and most of the world) save dates
    Dmy,
    /// month/day/year, as spreadsheets in the US save dates
    Mdy,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// Rewrite dates saved in a local form (30/11/2026) as YYYY-MM-DD, reading them in this order;
    /// shows every change first and asks (--yes in scripts)
    #[arg(long, value_enum, value_name = "ORDER")]
    pub fix_dates: Option<Order>,
    /// With --fix-dates: show what would change and write nothing
    #[arg(long, requires = "fix_dates")]
    pub dry_run: bool,
    /// Output format of the problems
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if let Some(order) = args.fix_dates {
        fix_dates(ctx, args, order)?;
        if args.dry_run {
            return Ok(());
        }
    }
    let checked = ctx.store.check(&args.cohort)?;
    let all: Vec<(&str, &Problem)> = checked
        .problems
        .iter()
        .map(|p| ("file", p))
        .chain(checked.folder.iter().map(|p| ("folder", p)))
        .collect();
    let warnings: Vec<(&str, &Problem)> = checked.warnings.iter().map(|p| ("warning", p)).collect();
    let text = match args.format {
        Format::Table => {
            let mut text = table(&args.cohort, &all);
            for (_, w) in &warnings {
                let _ = writeln!(text, "warning: {w}");
            }
            text
        }
        format => {
            let mut listing = Listing::new(&["kind", "file", "line", "column", "problem"]);
            for (kind, p) in all.iter().chain(&warnings) {
                listing.push(vec![
                    json!(kind),
                    json!(p.file),
                    json!(p.line),
                    json!(p.column),
                    json!(p.message),
                ]);
            }
            listing.render(format)
        }
    };
    crate::out::emit(&text)?;
    if all.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!(
            "cohort {} has {}",
            args.cohort,
            count(all.len(), "problem", "problems")
        ))
    }
}

/// The problems one a line, as compilers write them, then what to do.
fn table(cohort: &str, all: &[(&str, &Problem)]) -> String {
    if all.is_empty() {
        return format!("cohort {cohort}: every file reads and agrees with the others\n");
    }
    let mut out = String::new();
    for (_, p) in all {
        let _ = writeln!(out, "{p}");
    }
    let files = {
        let mut f: Vec<&str> = all.iter().map(|(_, p)| p.file.as_str()).collect();
        f.sort_unstable();
        f.dedup();
        f.len()
    };
    let _ = writeln!(
        out,
        "\ncohort {cohort}: {} in {}",
        count(all.len(), "problem", "problems"),
        count(files, "file", "files")
    );
    if all.iter().any(|(_, p)| {
        p.message.contains("day/month")
            || p.message.contains("month/day")
            || p.message.contains("ambiguous")
    }) {
        let _ = writeln!(
            out,
            "dates saved by a spreadsheet in a local form can be rewritten as YYYY-MM-DD: `revmentor check {cohort} --fix-dates dmy` (day/month/year) or `--fix-dates mdy`"
        );
    }
    out
}

fn fix_dates(ctx: &Ctx, args: &Args, order: Order) -> Result<()> {
    let order = match order {
        Order::Dmy => DateOrder::Dmy,
        Order::Mdy => DateOrder::Mdy,
    };
    let (repairs, opened) = ctx.store.repair_dates(&args.cohort, order)?;
    let Some((cohort, change)) = opened else {
        return crate::out::emit(&format!("cohort {}: no dates to rewrite\n", args.cohort));
    };
    let mut text = String::new();
    for r in &repairs {
        let _ = writeln!(
            text,
            "{}:{}: column \"{}\": {} -> {}",
            r.file, r.line, r.column, r.written, r.date
        );
    }
    let n = count(repairs.len(), "date", "dates");
    if args.dry_run {
        let _ = writeln!(text, "dry run: {n} would be rewritten; nothing written");
        return crate::out::emit(&text);
    }
    if !ctx.yes {
        if !ctx.can_prompt() {
            return crate::usage(format!(
                "check --fix-dates shows the changes and asks before writing; in a script pass --yes (or --dry-run to only see them)\n{text}"
            ));
        }
        crate::out::stderr(&text);
        let ok = dialoguer::Confirm::new()
            .with_prompt(format!("Rewrite these {n} as YYYY-MM-DD?"))
            .default(false)
            .interact()?;
        if !ok {
            return crate::out::emit("nothing rewritten\n");
        }
    }
    change.commit(&cohort)?;
    let _ = writeln!(text, "rewrote {n} as YYYY-MM-DD");
    crate::out::emit(&text)
}
