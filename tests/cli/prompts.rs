//! Prompts through a real terminal: `script` (util-linux) gives the binary a pseudo-terminal and
//! forwards the keys written to its standard input. Where no `script` or no pseudo-terminal is
//! available the tests fail (CI installs `script`), unless `REVMENTOR_SKIP_PTY_TESTS=1` says to
//! skip them.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::harness::{TODAY, Workdir};

/// Run `revmentor ARGS` on a terminal, typing `keys`; `None` when no terminal can be had here.
fn on_a_terminal(w: &Workdir, args: &str, keys: &[u8]) -> Option<String> {
    let usable = Command::new("timeout")
        .args(["10", "script", "-qec", "true", "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !usable {
        assert!(
            std::env::var("REVMENTOR_SKIP_PTY_TESTS").is_ok_and(|v| v == "1"),
            "no `script` (util-linux/bsdutils) or no pseudo-terminal here: install it, or set REVMENTOR_SKIP_PTY_TESTS=1 to skip the prompt tests"
        );
        eprintln!("note: REVMENTOR_SKIP_PTY_TESTS=1: prompt test not run");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("revmentor");
    let line = format!("{} --root {} {args}", bin.display(), w.root().display());
    // `timeout` bounds a prompt that never got its keys, so a test can never hang CI.
    let mut child = Command::new("timeout")
        .args(["60", "script", "-qec", &line, "/dev/null"])
        .env("REVMENTOR_TODAY", TODAY)
        .env_remove("REVMENTOR_ROOT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(keys)
        .expect("keys");
    let out = child.wait_with_output().expect("finishes");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn interactive_enrolment_prompts_validates_and_enrols() {
    let w = Workdir::new();
    w.cohort();
    // Down to "mentee", a name, a bad email then a good one, department, grade, no manager,
    // a gender, and the other characteristics left empty.
    let keys =
        b"\x1b[B\rAnn Lee\rnot an email\r\x15ann@x.example\rChemistry\rGrade 5\r\rWoman\r\r\r\r\r";
    let Some(screen) = on_a_terminal(&w, "enrol c --interactive", keys) else {
        return;
    };
    assert!(screen.contains("not an email address"), "{screen}");
    assert!(screen.contains("p001"), "{screen}");
    assert!(
        w.cohort_file("c", "participants.csv")
            .contains("p001,mentee,Ann Lee,ann@x.example,Chemistry,Grade 5,,active,2020-01-06,")
    );
    assert_eq!(
        w.cohort_file("c", "characteristics.csv").lines().nth(1),
        Some("p001,Woman,,,,")
    );
}

#[test]
fn match_confirm_asks_on_a_terminal() {
    let w = Workdir::new();
    w.cohort();
    w.without_briefing_gate();
    w.enrol(
        "mentee",
        "Lead",
        "lead@x.example",
        &["--department", "Exec"],
    );
    w.enrol("mentor", "Ann", "ann@x.example", &["--department", "Lab"]);
    w.run(&["match", "c"]).ok();
    let Some(screen) = on_a_terminal(&w, "match c --confirm", b"n") else {
        return;
    };
    assert!(screen.contains("Confirm this pair?"), "{screen}");
    assert!(w.cohort_file("c", "matches.csv").contains(",proposed,"));
    on_a_terminal(&w, "match c --confirm", b"y");
    assert!(w.cohort_file("c", "matches.csv").contains(",confirmed,"));
}
