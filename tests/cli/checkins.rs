//! `log --from`: participants report their own meetings from a form; both sides of one meeting
//! count once, disagreements are listed for the coordinator, a re-import changes nothing, and bad
//! rows are all reported with nothing written.

use crate::harness::Workdir;
use crate::meetings::{confirmed, mentor_of, rows_of};

const HEADER: &str = "Timestamp,Email address,Date of the meeting,Did the meeting take place?,How long did it last (minutes)?,Which topics did you discuss?,\"If cancelled, why?\"\n";

/// Three pairs planned; each pair's first planned day.
fn planned() -> (Workdir, Vec<String>) {
    let w = confirmed(3);
    w.run(&["schedule", "c"]).ok();
    let firsts = ["p001", "p002", "p003"]
        .iter()
        .map(|m| rows_of(&w, m)[0][5].clone())
        .collect();
    (w, firsts)
}

#[test]
fn both_people_reporting_the_same_meeting_record_one_and_a_reimport_changes_nothing() {
    let (w, firsts) = planned();
    let (_, m1, _) = mentor_of(&w, "p001");
    let (_, m3, _) = mentor_of(&w, "p003");
    let csv = format!(
        "{HEADER}\
         2020/01/30 10:00:00,lead0@x.example,{a},Yes,45,\"Sexism and racism, Organisational culture\",\n\
         2020/01/30 11:00:00,{m1},{a},\"Yes, we met\",1 hour,Power and hierarchies,\n\
         2020/01/30 12:00:00,LEAD1@x.example ,{b},Held,50,,\n\
         2020/01/30 13:00:00,lead2@x.example,{c},No,,,Illness\n\
         2020/01/30 14:00:00,{m3},{c},Yes,60,,\n",
        a = firsts[0],
        b = firsts[1],
        c = firsts[2],
    );
    w.write("checkins.csv", &csv);
    let other = rows_of(&w, "p003");
    let run = w
        .run_on("2020-01-31", &["log", "c", "--from", "checkins.csv"])
        .ok();
    assert!(
        run.stdout.contains("5 reports: 2 meetings recorded (1 reported by both people), 0 already recorded, 2 to settle"),
        "{}",
        run.stdout
    );
    // One meeting from two reports: the longest length given, every topic.
    let r = rows_of(&w, "p001");
    assert_eq!(
        r[0][6..10],
        [
            "held",
            firsts[0].as_str(),
            "60",
            "sexism-and-racism;organisational-culture;power-and-hierarchies"
        ]
    );
    assert_eq!(r.iter().filter(|r| r[6] == "held").count(), 1);
    assert_eq!(rows_of(&w, "p002")[0][6], "held");
    // Held against cancelled: listed for the coordinator, nothing recorded for that pair.
    assert_eq!(rows_of(&w, "p003"), other);
    assert!(
        run.stdout.contains("the reports disagree"),
        "{}",
        run.stdout
    );
    // The same file again: nothing changes.
    let before = w.snapshot();
    let again = w
        .run_on(
            "2020-01-31",
            &["log", "c", "--from", "checkins.csv", "--format", "json"],
        )
        .ok();
    assert_eq!(before, w.snapshot());
    let v: serde_json::Value = serde_json::from_str(&again.stdout).expect("json");
    let outcomes: Vec<&str> = v["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        outcomes,
        [
            "already recorded",
            "already recorded",
            "already recorded",
            "to settle",
            "to settle"
        ]
    );
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(0));
    // The coordinator settles the disagreement with `log`; importing again still changes nothing.
    w.run_on("2020-01-31", &["log", "c", "p003", "--held", &firsts[2]])
        .ok();
    let before = w.snapshot();
    let third = w
        .run_on("2020-01-31", &["log", "c", "--from", "checkins.csv"])
        .ok();
    assert_eq!(before, w.snapshot());
    assert!(third.stdout.contains("to settle"), "{}", third.stdout);
}

#[test]
fn a_report_that_disagrees_with_the_record_is_listed_not_recorded() {
    let (w, firsts) = planned();
    w.run_on("2020-01-31", &["log", "c", "p001", "--held", &firsts[0]])
        .ok();
    let day_after = (crate::meetings::date(&firsts[0]) + chrono::Duration::days(1)).to_string();
    w.write(
        "late.csv",
        format!("{HEADER}x,lead0@x.example,{day_after},Yes,30,,\n"),
    );
    let before = w.snapshot();
    let run = w
        .run_on("2020-01-31", &["log", "c", "--from", "late.csv"])
        .ok();
    assert!(run.stdout.contains("to settle"), "{}", run.stdout);
    assert!(
        run.stdout.contains("meetings.csv has meeting 1 held"),
        "{}",
        run.stdout
    );
    assert_eq!(before, w.snapshot());
}

#[test]
fn a_cancellation_reported_late_gets_a_replacement_and_a_later_report_is_recorded_on_it() {
    let (w, _) = planned();
    w.write(
        "checkins.csv",
        format!(
            "{HEADER}x,lead0@x.example,2020-01-15,No,,,diary clash\nx,lead0@x.example,2020-02-05,Yes,55,Power and hierarchies,\n"
        ),
    );
    w.run_on("2020-02-06", &["log", "c", "--from", "checkins.csv"])
        .ok();
    let r = rows_of(&w, "p001");
    assert_eq!(r[0][6..8], ["cancelled", "2020-01-15"]);
    assert_eq!(r[0][10], "diary clash");
    assert_eq!(r[1][6..8], ["held", "2020-02-05"]);
    // The next one follows the held meeting by 6 to 8 weeks.
    let gap = (crate::meetings::date(&r[2][5]) - crate::meetings::date("2020-02-05")).num_days();
    assert!((42..=56).contains(&gap), "{r:?}");
}

#[test]
fn bad_rows_are_all_reported_and_nothing_is_written() {
    let (w, _) = planned();
    w.write(
        "bad.csv",
        format!(
            "{HEADER}\
             x,nobody@x.example,2020-01-20,Yes,55,,\n\
             x,lead0@x.example,03/04/2020,Maybe,abc,Weather,\n\
             x,lead1@x.example,2020-02-20,Yes,,,\n\
             x,lead2@x.example,2020-08-03,No,,,\n"
        ),
    );
    w.refuses(
        &["log", "c", "--from", "bad.csv"],
        1,
        &[
            "8 problems",
            "bad.csv:2: column \"Email address\": no participant of cohort c has the email \"nobody@x.example\"",
            "bad.csv:3: column \"Did the meeting take place?\": \"Maybe\" is not held or cancelled",
            "bad.csv:3: column \"Date of the meeting\": \"03/04/2020\" is ambiguous",
            "bad.csv:3: column \"How long did it last (minutes)?\": \"abc\" is not a number of minutes",
            "bad.csv:3: column \"Which topics did you discuss?\": unknown topic Weather",
            "bad.csv:4: 2020-02-20 is in the future (today is 2020-01-06)",
            "nothing was written",
        ],
    );
    w.write("nocolumns.csv", "Name,When\nLead 0,2020-01-20\n");
    w.refuses(
        &["log", "c", "--from", "nocolumns.csv"],
        1,
        &[
            "column \"Name\" is not a field of a meeting report",
            "--map",
            "no column holds the email",
            "held or cancelled",
        ],
    );
}

#[test]
fn other_headers_are_placed_with_map_and_a_mentor_of_several_names_the_mentee() {
    let w = Workdir::new();
    w.cohort();
    w.enrol("mentee", "Lead A", "a@x.example", &["--department", "A"]);
    w.enrol("mentee", "Lead B", "b@x.example", &["--department", "B"]);
    w.enrol("mentor", "Staff M", "m@x.example", &["--department", "M"]);
    w.without_briefing_gate();
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("mentor_capacity = 1", "mentor_capacity = 2");
    w.write_cohort_file("c", "cohort.toml", toml);
    w.run(&["match", "c"]).ok();
    w.run(&["match", "c", "--confirm", "--yes"]).ok();
    w.run(&["schedule", "c"]).ok();
    w.write(
        "f.csv",
        "Who are you,Day,Outcome\nm@x.example,2020-01-20,held\n",
    );
    w.refuses(
        &[
            "log",
            "c",
            "--from",
            "f.csv",
            "--map",
            "Who are you=email",
            "--map",
            "Day=date",
        ],
        1,
        &["p003 (Staff M) is in 2 pairs", "--map 'HEADER=partner'"],
    );
    w.write(
        "f.csv",
        "Who are you,Day,Outcome,Mentee\nm@x.example,2020-01-20,held,b@x.example\n",
    );
    w.run_on(
        "2020-01-21",
        &[
            "log",
            "c",
            "--from",
            "f.csv",
            "--map",
            "Who are you=email",
            "--map",
            "Day=date",
            "--map",
            "Mentee=partner",
        ],
    )
    .ok();
    assert_eq!(rows_of(&w, "p002")[0][6..8], ["held", "2020-01-20"]);
    assert_eq!(rows_of(&w, "p001")[0][6], "planned");
}

#[test]
fn a_dry_run_writes_nothing_and_an_ended_pairs_report_is_listed_for_the_coordinator() {
    let (w, firsts) = planned();
    let (mentor, _, _) = mentor_of(&w, "p002");
    w.run(&["withdraw", "c", &mentor, "--reason", "left", "--yes"])
        .ok();
    w.write(
        "checkins.csv",
        format!(
            "{HEADER}x,lead0@x.example,{},Yes,45,,\nx,lead1@x.example,2020-01-20,Yes,45,,\n",
            firsts[0]
        ),
    );
    let before = w.snapshot();
    let run = w
        .run_on(
            "2020-01-31",
            &[
                "log",
                "c",
                "--from",
                "checkins.csv",
                "--dry-run",
                "--format",
                "csv",
            ],
        )
        .ok();
    assert_eq!(before, w.snapshot(), "a dry run writes nothing");
    assert!(run.stdout.contains(",recorded,p001,"), "{}", run.stdout);
    assert!(
        run.stdout.contains(",to settle,p002,") && run.stdout.contains("has ended"),
        "{}",
        run.stdout
    );
    w.run_on("2020-01-31", &["log", "c", "--from", "checkins.csv"])
        .ok();
    assert_eq!(rows_of(&w, "p001")[0][6], "held");
    assert!(rows_of(&w, "p002").iter().all(|r| r[6] != "held"));
}
