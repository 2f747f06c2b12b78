//! Snapshots of the help text, so changes to the command line are seen in review.

use crate::harness::Workdir;

#[test]
fn help_texts() {
    let w = Workdir::new();
    for args in [
        &["--help"][..],
        &["init", "--help"],
        &["enrol", "--help"],
        &["withdraw", "--help"],
        &["reinstate", "--help"],
        &["check", "--help"],
        &["status", "--help"],
        &["brief", "--help"],
        &["match", "--help"],
        &["schedule", "--help"],
        &["log", "--help"],
        &["due", "--help"],
        &["survey", "c", "import", "--help"],
        &["export", "--help"],
        &["survey", "--help"],
        &["completions", "--help"],
        &["man", "--help"],
        &["notify", "--help"],
    ] {
        let run = w.run_cmd({
            let mut c = assert_cmd::Command::cargo_bin("revmentor").expect("bin");
            c.args(args).env("COLUMNS", "100");
            c
        });
        let name = args
            .iter()
            .map(|a| a.trim_start_matches('-'))
            .collect::<Vec<_>>()
            .join("_");
        let run = run.ok();
        // Every command teaches by example.
        if args.len() == 2 && !args.contains(&"man") {
            assert!(run.stdout.contains("Examples"), "{args:?} has no examples");
        }
        insta::assert_snapshot!(name, run.stdout);
    }
}

#[test]
fn completions_and_man_page_are_generated() {
    let w = Workdir::new();
    assert!(
        w.run(&["completions", "bash"])
            .ok()
            .stdout
            .contains("revmentor")
    );
    assert!(w.run(&["man"]).ok().stdout.contains(".TH revmentor"));
}

#[test]
fn usage_errors_exit_2() {
    let w = Workdir::new();
    let run = w.run(&["frobnicate"]);
    assert_eq!(run.code, 2);
}

#[test]
fn cohort_names_complete_in_bash() {
    let w = Workdir::new();
    w.cohort();
    w.sh("init second --start 2021-01-11 --end 2021-07-30").ok();
    assert_eq!(w.sh("status --names").ok().stdout, "c\nsecond\n");
    let script = w.sh("completions bash").ok().stdout;
    assert!(script.contains("_revmentor_cohorts"));
    let bin = assert_cmd::cargo::cargo_bin("revmentor");
    let dir = bin.parent().expect("bin dir").display().to_string();
    let probe = format!(
        "source <(revmentor completions bash); COMP_WORDS=(revmentor --root {} due s); COMP_CWORD=4; _revmentor_cohorts; echo \"${{COMPREPLY[*]}}\"",
        w.root().display()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&probe)
        .env(
            "PATH",
            format!("{dir}:{}", std::env::var("PATH").unwrap_or_default()),
        )
        .output()
        .expect("bash");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "second");
}
