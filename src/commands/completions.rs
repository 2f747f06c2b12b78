//! `revmentor completions <shell>` and `revmentor man`: generated from the command tree.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Shell to print completions for
    pub shell: clap_complete::Shell,
}

/// Completes a cohort's name as the first argument of every command that takes one, by asking
/// `revmentor status --names` (which honours `--root` and `REVMENTOR_ROOT`).
const BASH_COHORTS: &str = r#"
_revmentor_cohorts() {
    local cur="${COMP_WORDS[COMP_CWORD]}" i word sub="" root=() position=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        case "$word" in
            --root) root=(--root "${COMP_WORDS[i + 1]}"); ((i++)) ;;
            --root=*) root=("$word") ;;
            -*) ;;
            *) if [[ -z "$sub" ]]; then sub="$word"; else ((position++)); fi ;;
        esac
    done
    case "$sub" in
        enrol|withdraw|reinstate|brief|match|schedule|log|due|survey|export|status|check)
            if [[ $position -eq 0 && "$cur" != -* ]]; then
                COMPREPLY=($(compgen -W "$(revmentor "${root[@]}" status --names 2>/dev/null)" -- "$cur"))
                return 0
            fi ;;
    esac
    _revmentor "$@"
}
complete -F _revmentor_cohorts -o nosort -o bashdefault -o default revmentor
"#;

const FISH_COHORTS: &str = r#"
function __revmentor_wants_cohort
    set -l words (commandline -opc)
    test (count $words) -eq 2; and contains -- $words[2] enrol withdraw reinstate brief match schedule log due survey export status check
end
complete -c revmentor -n __revmentor_wants_cohort -f -a '(revmentor status --names 2>/dev/null)'
"#;

pub fn run(args: &Args) -> Result<()> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "revmentor", &mut out);
    let mut text = String::from_utf8_lossy(&out).into_owned();
    match args.shell {
        clap_complete::Shell::Bash => text.push_str(BASH_COHORTS),
        clap_complete::Shell::Fish => text.push_str(FISH_COHORTS),
        _ => {}
    }
    crate::out::emit(&text)
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write revmentor.1 and one page per command (revmentor-init.1, ...) into this folder
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<std::path::PathBuf>,
}

const ENVIRONMENT: &str = r".SH ENVIRONMENT
.TP
\fBREVMENTOR_ROOT\fR
The folder holding the cohorts, when \fB--root\fR is not given (default: \fIcohorts\fR).
.TP
\fBREVMENTOR_TODAY\fR
Pin \(lqtoday\(rq as \fIYYYY-MM-DD\fR (for reproducible scripts and tests); without it, the local date.
.TP
\fBREVMENTOR_LOCK_WAIT\fR
Seconds a command waits for another one holding a cohort's lock (default 10).
.TP
\fBCOLUMNS\fR
The width tables are fitted to; without it, the terminal's width, or no fitting when the output is not a terminal.
";

const EXIT_STATUS: &str = r".SH EXIT STATUS
.TP
\fB0\fR
Success (a closed pipe on standard output counts as success).
.TP
\fB1\fR
A failure: bad input, a cohort with problems, a file that cannot be written. Nothing was changed.
.TP
\fB2\fR
A usage error: a flag or argument is wrong, or a command that asks was run without a terminal and without \fB--yes\fR.
";

/// One page: the command's own sections, its examples, then environment and exit status.
fn page(command: &clap::Command) -> Result<Vec<u8>> {
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    if command.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    if let Some(examples) = command.get_after_help() {
        let text = examples.to_string();
        let body = text.strip_prefix("Examples:\n").unwrap_or(&text);
        out.extend_from_slice(b".SH EXAMPLES\n.nf\n");
        out.extend_from_slice(body.replace('\\', "\\e").as_bytes());
        out.extend_from_slice(b"\n.fi\n");
    }
    out.extend_from_slice(ENVIRONMENT.as_bytes());
    out.extend_from_slice(EXIT_STATUS.as_bytes());
    if command.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    Ok(out)
}

/// The manual: the main page on standard output, or every page into a folder.
pub fn man(ctx: &super::Ctx, args: &ManArgs) -> Result<()> {
    let mut command = Cli::command();
    command.build();
    let Some(dir) = &args.out_dir else {
        return crate::out::emit(&String::from_utf8_lossy(&page(&command)?));
    };
    let mut written = vec![
        ctx.store
            .write_file(&dir.join("revmentor.1"), &page(&command)?)?,
    ];
    for sub in command.get_subcommands() {
        let name = format!("revmentor-{}", sub.get_name());
        let sub = sub.clone().name(name.clone()).display_name(name.clone());
        written.push(
            ctx.store
                .write_file(&dir.join(format!("{name}.1")), &page(&sub)?)?,
        );
    }
    crate::out::emit(&format!(
        "wrote {} manual pages into {}\n",
        written.len(),
        dir.display()
    ))
}
