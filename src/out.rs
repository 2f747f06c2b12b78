//! The only code that prints: results to standard output, notes and warnings to standard error.
//! Everything else returns text (lint: `print_stdout` and `print_stderr` are denied elsewhere).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;

use anyhow::{Context, Result};

/// Write a command's result to standard output; a closed pipe surfaces as an error `main` treats as
/// success.
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to standard output")
}

/// A note on standard error (`note: ...`): what the tool did besides the result.
pub fn note(text: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "note: {}",
        crate::text::terminal_safe(text, true)
    );
}

/// A warning on standard error (`warning: ...`): something the coordinator should look at.
pub fn warn(text: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "warning: {}",
        crate::text::terminal_safe(text, true)
    );
}

/// Text on standard error as it is (a prompt's preview, the error chain).
pub fn stderr(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}
