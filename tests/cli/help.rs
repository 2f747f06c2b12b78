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
        insta::assert_snapshot!(name, run.ok().stdout);
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
