//! `revmentor archive` and `restore`: hand a cohort over to a successor coordinator as one file.

use std::fmt::Write as _;

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::problems::count;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// The archive to write: FILE.tar.zst, or FILE.zip for a file manager
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let (path, files) = ctx.store.archive(&args.cohort, &args.out, ctx.today)?;
    crate::out::emit(&format!(
        "packed {} of cohort {} into {} (readable by you only; it holds personal data: hand it over safely)\n",
        count(files, "file", "files"),
        args.cohort,
        path.display()
    ))
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// An archive made by `revmentor archive` (.tar.zst or .zip)
    pub file: PathBuf,
    /// Restore the cohort under this name instead of its own
    #[arg(long = "as", value_name = "NAME")]
    pub rename: Option<String>,
}

pub fn restore(ctx: &Ctx, args: &RestoreArgs) -> Result<()> {
    let (name, files, checked) = ctx.store.restore(&args.file, args.rename.as_deref())?;
    let mut out = format!(
        "restored cohort {name} ({}) into {}\n",
        count(files, "file", "files"),
        ctx.store.root().join(&name).display()
    );
    let problems = checked.problems.len() + checked.folder.len();
    if problems == 0 {
        out.push_str("check: every file reads and agrees with the others\n");
    } else {
        let _ = writeln!(
            out,
            "check found {}: see `revmentor check {name}`",
            count(problems, "problem", "problems")
        );
    }
    crate::out::emit(&out)
}
