//! `status`: every cohort, or one cohort's dashboard and next steps.

use crate::harness::Workdir;

#[test]
fn status_without_cohorts_says_how_to_start() {
    let w = Workdir::new();
    let run = w.sh("status").ok();
    assert!(run.stdout.contains("no cohorts in"), "{}", run.stdout);
}

#[test]
fn status_lists_every_cohort() {
    let w = Workdir::new();
    w.cohort();
    w.sh("init second --start 2021-01-11 --end 2021-07-30").ok();
    w.enrol("mentor", "Ann Lee", "ann@x.example", &[]);
    let run = w.sh("status --format csv").ok();
    assert_eq!(
        run.stdout,
        "cohort,title,start,end,stage,mentors,mentees,pairs,held,in_cadence,lapsed,returning,survey_change\nc,Test cohort,2020-01-13,2020-07-31,recruiting,1,0,0,0,,,,\nsecond,Reverse mentoring,2021-01-11,2021-07-30,recruiting,0,0,0,0,,,\"<5 mentors, <5 mentees\",\n"
    );
}

#[test]
fn status_shows_counts_stage_and_next_steps() {
    let w = Workdir::new();
    w.cohort();
    w.enrol("mentor", "Ann Lee", "ann@x.example", &[]);
    w.enrol(
        "mentor",
        "Cy Dunn",
        "cy@x.example",
        &["--answer", "commitment=no"],
    );
    w.enrol("mentee", "Bo Chan", "bo@x.example", &[]);
    let run = w.sh("status c").ok();
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn one_unreadable_cohort_does_not_hide_the_others() {
    let w = Workdir::new();
    w.cohort();
    w.sh("init second --start 2021-01-11 --end 2021-07-30").ok();
    w.write_cohort_file("second", "participants.csv", "id;role\n");
    let run = w.sh("status --format csv").fails(
        1,
        &[
            "1 cohort could not be read",
            "second: cannot read cohort file",
            "';'",
        ],
    );
    assert!(
        run.stdout
            .contains("c,Test cohort,2020-01-13,2020-07-31,recruiting,0,0,0,0,,,,\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("second,,,,unreadable,,,,,,,,\n"),
        "{}",
        run.stdout
    );
}

/// Every line of a table fits 80 columns when the terminal (here `COLUMNS`) is 80 wide, and the
/// columns left out are named.
#[test]
fn tables_fit_an_80_column_terminal() {
    let w = Workdir::new();
    let root = w.root();
    let pilot = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("cohorts/pilot-2020");
    for e in std::fs::read_dir(&pilot).expect("pilot").flatten() {
        w.write(
            &format!("cohorts/pilot-2020/{}", e.file_name().to_string_lossy()),
            std::fs::read(e.path()).expect("read"),
        );
    }
    w.sh("init another-cohort-with-a-long-name --start 2021-01-11 --end 2021-07-30 --title 'Reverse Mentoring for the whole university, second cohort'")
    .ok();
    for args in [
        vec!["status"],
        vec!["brief", "pilot-2020"],
        vec!["match", "pilot-2020", "--dry-run"],
    ] {
        let mut cmd = w.command(&args);
        cmd.env("COLUMNS", "80")
            .env("REVMENTOR_TODAY", "2020-01-09");
        let run = w.run_cmd(cmd).ok();
        for line in run.stdout.lines() {
            assert!(
                line.chars().count() <= 80,
                "{args:?}: a line of {} characters:\n{}",
                line.chars().count(),
                run.stdout
            );
        }
    }
    let mut cmd = w.command(&["status"]);
    cmd.env("COLUMNS", "60");
    let run = w.run_cmd(cmd).ok();
    assert!(
        run.stdout.contains("left out to fit the terminal: title"),
        "{}",
        run.stdout
    );
    // Without a terminal and without COLUMNS the table keeps its full width.
    let wide = w.sh("status").ok();
    assert!(
        wide.stdout
            .contains("Reverse Mentoring for the whole university"),
        "{}",
        wide.stdout
    );
    let _ = root;
}
