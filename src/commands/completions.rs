//! `revmentor completions <shell>` and `revmentor man`: generated from the command tree.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Shell to print completions for
    pub shell: clap_complete::Shell,
}

pub fn run(args: &Args) -> Result<()> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "revmentor", &mut out);
    crate::out::emit(&String::from_utf8_lossy(&out))
}

pub fn man() -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    crate::out::emit(&String::from_utf8_lossy(&out))
}
