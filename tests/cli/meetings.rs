//! `schedule`, `log`, `due` and the calendar export: the one-to-ones at the cohort's cadence.

use crate::harness::Workdir;

/// A cohort with `n` confirmed pairs (mentees p001.., mentors after them), confirmed on 2020-01-06.
fn confirmed(n: usize) -> Workdir {
    let w = Workdir::new();
    w.cohort();
    for i in 0..n {
        w.enrol(
            "mentee",
            &format!("Lead {i}"),
            &format!("lead{i}@x.example"),
            &["--department", &format!("Office {i}")],
        );
    }
    for i in 0..n {
        w.enrol(
            "mentor",
            &format!("Staff {i}"),
            &format!("staff{i}@x.example"),
            &["--department", &format!("Lab {i}")],
        );
    }
    w.without_briefing_gate();
    w.run(&["match", "c"]).ok();
    w.run(&["match", "c", "--confirm", "--yes"]).ok();
    w
}

fn rows(w: &Workdir) -> Vec<Vec<String>> {
    w.cohort_file("c", "meetings.csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn schedule_plans_each_pair_every_six_to_eight_weeks_on_working_days_until_the_end() {
    let w = confirmed(3);
    let run = w.run(&["schedule", "c"]).ok();
    assert!(run.stdout.contains("3 pairs"), "{}", run.stdout);
    let rows = rows(&w);
    assert!(rows.len() >= 3 * 4, "{rows:?}");
    for r in &rows {
        let planned = chrono::NaiveDate::parse_from_str(&r[5], "%Y-%m-%d").expect("planned date");
        let from = chrono::NaiveDate::parse_from_str(&r[3], "%Y-%m-%d").expect("due_from");
        let by = chrono::NaiveDate::parse_from_str(&r[4], "%Y-%m-%d").expect("due_by");
        use chrono::Datelike;
        assert!(
            planned.weekday().num_days_from_monday() < 5,
            "weekend: {r:?}"
        );
        assert!(from <= planned && planned <= by, "outside window: {r:?}");
        assert!(planned <= chrono::NaiveDate::from_ymd_opt(2020, 7, 31).expect("end"));
        assert_eq!(r[6], "planned");
    }
    // The first meeting falls within two weeks of confirmation.
    assert_eq!(rows[0][3], "2020-01-06");
    assert_eq!(rows[0][4], "2020-01-20");
    // Three pairs do not all meet on one day.
    let firsts: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r[2] == "1")
        .map(|r| r[5].as_str())
        .collect();
    assert_eq!(firsts.len(), 3);
    // Same files in, same files out.
    let before = w.snapshot();
    w.run(&["schedule", "c"]).ok();
    assert_eq!(before, w.snapshot());
}

#[test]
fn closures_are_never_planned_on() {
    let w = confirmed(4);
    let toml = w.cohort_file("c", "cohort.toml")
        + "\n[[calendar.closure]]\nfrom = 2020-01-06\nto = 2020-01-17\nreason = \"Closed\"\n";
    w.write_cohort_file("c", "cohort.toml", toml);
    w.run(&["schedule", "c"]).ok();
    for r in rows(&w) {
        assert!(r[5].as_str() > "2020-01-17", "{r:?}");
    }
}

#[test]
fn log_records_held_and_cancelled_meetings_and_replans_from_the_last_held() {
    let w = confirmed(1);
    w.run(&["schedule", "c"]).ok();
    let run = w
        .run_on(
            "2020-01-16",
            &[
                "log",
                "c",
                "lead0@x.example",
                "--held",
                "2020-01-15",
                "--minutes",
                "50",
                "--topics",
                "sexism-and-racism,Power-and-Hierarchies",
            ],
        )
        .ok();
    assert!(
        run.stdout
            .contains("meeting 1 of p001-p002 recorded as held"),
        "{}",
        run.stdout
    );
    let r = rows(&w);
    assert_eq!(
        r[0][6..11],
        [
            "held",
            "2020-01-15",
            "50",
            "sexism-and-racism;power-and-hierarchies",
            ""
        ]
    );
    // The next window runs 6 to 8 weeks after the held meeting.
    assert_eq!(r[1][3], "2020-02-26");
    assert_eq!(r[1][4], "2020-03-11");
    let run = w
        .run_on(
            "2020-02-27",
            &[
                "log",
                "c",
                "p002",
                "--cancelled",
                "2020-02-27",
                "--reason",
                "illness",
            ],
        )
        .ok();
    assert!(
        run.stdout
            .contains("recorded as cancelled; next one-to-one planned for"),
        "{}",
        run.stdout
    );
    let r = rows(&w);
    assert_eq!(r[1][6..11], ["cancelled", "2020-02-27", "", "", "illness"]);
    // The replacement falls in the same window.
    assert_eq!(r[2][3], "2020-02-26");
    assert!(
        r[2][5].as_str() >= "2020-02-27" && r[2][5].as_str() <= "2020-03-11",
        "{:?}",
        r[2]
    );
    // Held and cancelled rows are never rewritten by a re-plan.
    w.run_on("2020-03-01", &["schedule", "c"]).ok();
    let again = rows(&w);
    assert_eq!(again[0], r[0]);
    assert_eq!(again[1], r[1]);
}

#[test]
fn log_refuses_bad_records_and_changes_nothing() {
    let w = confirmed(1);
    w.refuses(
        &["log", "c", "p001", "--held", "2020-01-06"],
        1,
        &["no planned meeting", "schedule"],
    );
    w.run(&["schedule", "c"]).ok();
    w.refuses(
        &["log", "c", "p001", "--held", "2020-01-07"],
        1,
        &["2020-01-07 is in the future (today is 2020-01-06)"],
    );
    w.refuses(
        &["log", "c", "p001", "--held", "2020-01-05"],
        1,
        &["before the pair p001-p002 was confirmed (2020-01-06)"],
    );
    w.refuses(
        &[
            "log",
            "c",
            "p001",
            "--held",
            "2020-01-06",
            "--minutes",
            "90",
        ],
        1,
        &["--minutes 90", "1 to 60 minutes"],
    );
    w.refuses(
        &[
            "log",
            "c",
            "p001",
            "--held",
            "2020-01-06",
            "--topics",
            "weather",
        ],
        1,
        &["unknown topic weather", "sexism-and-racism"],
    );
    w.refuses(&["log", "c", "p001"], 2, &["--held"]);
    w.refuses(
        &[
            "log",
            "c",
            "p001",
            "--held",
            "2020-01-06",
            "--cancelled",
            "2020-01-06",
        ],
        2,
        &[],
    );
    w.refuses(
        &["log", "c", "nobody@x.example", "--held", "2020-01-06"],
        1,
        &["no participant"],
    );
    w.run(&["log", "c", "p001", "--held", "2020-01-06"]).ok();
    w.refuses(
        &["log", "c", "p001", "--held", "2020-01-06"],
        1,
        &["already has a meeting held on 2020-01-06"],
    );
}

#[test]
fn due_lists_meetings_soon_and_pairs_overdue() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    w.run_on("2020-01-10", &["log", "c", "p001", "--held", "2020-01-09"])
        .ok();
    let v: serde_json::Value = serde_json::from_str(
        &w.run_on("2020-03-03", &["due", "c", "--format", "json"])
            .ok()
            .stdout,
    )
    .expect("json");
    // Pair 2 never met: 8 weeks after its confirmation (2020-03-02) it is overdue by a day. Pair 1
    // met on 2020-01-09, so it is not overdue until 2020-03-05.
    assert_eq!(v["overdue"][0]["mentee"], "p002");
    assert_eq!(v["overdue"][0]["last met"], "never");
    assert_eq!(v["overdue"][0]["days overdue"], 1);
    assert_eq!(v["overdue"].as_array().map(Vec::len), Some(1));
    let due = v["due"].as_array().expect("due");
    assert!(due.iter().any(|d| d["mentee"] == "p001"), "{due:?}");
    assert!(
        due.iter()
            .any(|d| d["mentee"] == "p002" && d["state"] == "not recorded"),
        "{due:?}"
    );
    let table = w.run_on("2020-03-10", &["due", "c"]).ok().stdout;
    assert!(table.contains("overdue: more than 8 weeks"), "{table}");
}

#[test]
fn withdrawal_cancels_the_pairs_future_meetings() {
    let w = confirmed(1);
    w.run(&["schedule", "c"]).ok();
    let run = w.run(&["withdraw", "c", "p002", "--reason", "left"]).ok();
    assert!(run.stdout.contains("cancelled"), "{}", run.stdout);
    for r in rows(&w) {
        assert_eq!(r[6], "cancelled");
        assert_eq!(r[10], "mentor withdrew");
    }
}

#[test]
fn calendar_export_has_stable_uids_utc_times_crlf_and_folded_lines() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    w.run(&["schedule", "c", "--ics", "plan.ics"]).ok();
    let first = w.read("plan.ics");
    let pair: Vec<String> = w
        .cohort_file("c", "matches.csv")
        .lines()
        .nth(1)
        .expect("a pair")
        .split(',')
        .take(2)
        .map(str::to_string)
        .collect();
    let uid = format!("UID:c-{}-{}-1@revmentor\r\n", pair[0], pair[1]);
    assert!(
        first.starts_with(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//revmentor//one-to-ones//EN\r\n"
        )
    );
    assert!(first.contains(&uid), "{first}");
    assert!(first.contains("DTSTAMP:20200106T000000Z\r\n"));
    assert!(first.contains("ATTENDEE;CN=Lead 0;ROLE=REQ-PARTICIPANT:mailto:lead0@x.example\r\n"));
    // 10:00 in London in January is 10:00 UTC; a one-hour session.
    let start = first
        .lines()
        .find(|l| l.starts_with("DTSTART:"))
        .expect("DTSTART");
    assert!(
        start.ends_with("T100000Z\r") || start.ends_with("T100000Z"),
        "{start}"
    );
    for line in first.split("\r\n") {
        assert!(line.len() <= 75, "unfolded line: {line}");
        assert!(!line.contains('\n'));
    }
    assert!(
        !first.contains("Office") && !first.contains("Lab "),
        "no department in events"
    );
    // A re-plan keeps each meeting's UID; the export is the same bytes on the same day.
    w.run(&["schedule", "c"]).ok();
    w.run(&["schedule", "c", "--ics", "again.ics"]).ok();
    assert_eq!(first, w.read("again.ics"));
    w.run(&[
        "schedule",
        "c",
        "--ics",
        "one.ics",
        "--pair",
        "lead1@x.example",
    ])
    .ok();
    let one = w.read("one.ics");
    assert!(one.contains("UID:c-p002-") && !one.contains("p001"));
}

#[test]
fn schedule_refuses_without_confirmed_pairs() {
    let w = Workdir::new();
    w.cohort();
    w.refuses(&["schedule", "c"], 1, &["no confirmed pairs"]);
    w.refuses(
        &["schedule", "c", "--ics", "x.ics"],
        1,
        &["nothing planned"],
    );
}

#[test]
fn schedule_from_a_date_starts_every_pair_there() {
    let w = confirmed(1);
    w.run(&["schedule", "c", "--from", "2020-02-03"]).ok();
    let r = rows(&w);
    assert_eq!(
        (r[0][3].as_str(), r[0][4].as_str()),
        ("2020-02-03", "2020-02-17")
    );
    insta::assert_snapshot!(w.run(&["schedule", "c"]).ok().stdout);
}

#[test]
fn the_first_window_follows_first_within_weeks() {
    let w = confirmed(1);
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("first_within_weeks = 2", "first_within_weeks = 3");
    w.write_cohort_file("c", "cohort.toml", toml);
    w.run(&["schedule", "c"]).ok();
    let r = rows(&w);
    assert_eq!(
        (r[0][3].as_str(), r[0][4].as_str()),
        ("2020-01-06", "2020-01-27")
    );
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("first_within_weeks = 3", "first_within_weeks = 0");
    w.write_cohort_file("c", "cohort.toml", toml);
    w.refuses(&["schedule", "c"], 1, &["first_within_weeks = 0"]);
}

#[test]
fn after_the_cohort_ends_overdue_is_counted_as_of_the_end() {
    let w = confirmed(1);
    w.run(&["schedule", "c"]).ok();
    let v: serde_json::Value = serde_json::from_str(
        &w.run_on("2021-03-01", &["due", "c", "--format", "json"])
            .ok()
            .stdout,
    )
    .expect("json");
    assert_eq!(v["overdue_as_of"], "2020-07-31");
    // Confirmed 2020-01-06, never met: 8 weeks later is 2020-03-02, 151 days before the end.
    assert_eq!(v["overdue"][0]["days overdue"], 151);
    let table = w.run_on("2021-03-01", &["due", "c"]).ok().stdout;
    assert!(table.starts_with("cohort c ended on 2020-07-31"), "{table}");
}
