//! `schedule`, `log` and `due`: one-to-ones at the cohort's cadence, a plan that stays put, and
//! what is due, missed or overdue.

use crate::harness::Workdir;

/// A cohort `c` (13 January to 31 July 2020) with `n` confirmed pairs (mentees p001.., mentors
/// after them), confirmed on 2020-01-06, and an organizer for calendar invitations.
pub fn confirmed(n: usize) -> Workdir {
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
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("organizer = \"\"", "organizer = \"coordinator@x.example\"");
    w.write_cohort_file("c", "cohort.toml", toml);
    w.run(&["match", "c"]).ok();
    w.run(&["match", "c", "--confirm", "--yes"]).ok();
    w
}

/// The rows of meetings.csv, split at commas (no cell of these tests holds one).
pub fn rows(w: &Workdir) -> Vec<Vec<String>> {
    w.cohort_file("c", "meetings.csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// The rows of one pair (by mentee id).
pub fn rows_of(w: &Workdir, mentee: &str) -> Vec<Vec<String>> {
    rows(w).into_iter().filter(|r| r[0] == mentee).collect()
}

/// The mentor paired with `mentee` (by id): their id, email and name.
pub fn mentor_of(w: &Workdir, mentee: &str) -> (String, String, String) {
    let matches = w.cohort_file("c", "matches.csv");
    let mentor = matches
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[0] == mentee)
        .map(|c| c[1].to_string())
        .expect("a pair");
    let people = w.cohort_file("c", "participants.csv");
    let row: Vec<String> = people
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .find(|c| c[0] == mentor)
        .expect("the mentor");
    (mentor, row[3].clone(), row[2].clone())
}

pub fn date(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("date {text}"))
}

fn json(w: &Workdir, today: &str, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&w.run_on(today, args).ok().stdout).expect("json")
}

#[test]
fn schedule_plans_each_pair_every_six_to_eight_weeks_on_working_days_until_the_end() {
    let w = confirmed(3);
    let run = w.run(&["schedule", "c"]).ok();
    assert!(
        run.stdout.contains("3 pairs of 3 changed: 15 added"),
        "{}",
        run.stdout
    );
    let rows = rows(&w);
    assert!(rows.len() >= 3 * 4, "{rows:?}");
    for r in &rows {
        let (from, by, planned) = (date(&r[3]), date(&r[4]), date(&r[5]));
        use chrono::Datelike;
        assert!(
            planned.weekday().num_days_from_monday() < 5,
            "weekend: {r:?}"
        );
        assert!(from <= planned && planned <= by, "outside window: {r:?}");
        assert!(planned <= date("2020-07-31"));
        assert_eq!(r[6], "planned");
    }
    // Confirmed a week before the cohort starts: the first window opens on its start (13 January),
    // never before it.
    assert_eq!(rows[0][3], "2020-01-13");
    assert_eq!(rows[0][4], "2020-01-27");
    // Three pairs do not all meet on one day.
    let firsts: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r[2] == "1")
        .map(|r| r[5].as_str())
        .collect();
    assert_eq!(firsts.len(), 3);
    // Same files in, same files out.
    let before = w.snapshot();
    let again = w.run(&["schedule", "c"]).ok();
    assert!(
        again.stdout.starts_with("nothing changed"),
        "{}",
        again.stdout
    );
    assert_eq!(before, w.snapshot());
}

#[test]
fn schedule_on_ten_successive_days_changes_nothing_when_nothing_happened() {
    let w = confirmed(4);
    w.run(&["schedule", "c"]).ok();
    let planned = w.cohort_file("c", "meetings.csv");
    // Ten days from the first meetings on: some of them are missed along the way.
    for day in 15..25 {
        let today = format!("2020-01-{day}");
        let run = w.run_on(&today, &["schedule", "c"]).ok();
        assert!(
            run.stdout.starts_with("nothing changed"),
            "{today}: {}",
            run.stdout
        );
        assert_eq!(w.cohort_file("c", "meetings.csv"), planned, "{today}");
    }
    // A dry run of a re-plan shows what would move, and writes nothing either.
    let run = w
        .run_on("2020-01-24", &["schedule", "c", "--replan", "--dry-run"])
        .ok();
    assert!(run.stdout.contains("would be changed"), "{}", run.stdout);
    assert_eq!(w.cohort_file("c", "meetings.csv"), planned);
}

#[test]
fn a_missed_meeting_stays_not_recorded_until_it_is_logged_or_replanned() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    let first = rows_of(&w, "p001")[0][5].clone();
    let state = |today: &str| -> Vec<String> {
        json(&w, today, &["due", "c", "--format", "json"])["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["mentee"] == "p001" && r["number"] == 1)
            .map(|r| r["state"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    // Looking at the plan (schedule, due) on later days leaves it missed.
    for today in ["2020-01-28", "2020-02-03", "2020-02-10"] {
        w.run_on(today, &["schedule", "c"]).ok();
        assert_eq!(state(today), ["not recorded"], "{today}");
        assert_eq!(rows_of(&w, "p001")[0][5], first);
    }
    let run = w.run_on("2020-02-10", &["schedule", "c"]).ok();
    assert!(
        run.stderr
            .contains("2 meetings planned before today were not recorded"),
        "{}",
        run.stderr
    );
    // --replan moves it (and only the pair asked for) to the next working days, as late.
    let other = rows_of(&w, "p002");
    let run = w
        .run_on(
            "2020-02-10",
            &["schedule", "c", "--replan", "--pair", "p001"],
        )
        .ok();
    assert!(run.stdout.contains("moved"), "{}", run.stdout);
    let moved = rows_of(&w, "p001");
    assert!(
        date(&moved[0][5]) >= date("2020-02-10") && date(&moved[0][5]) <= date("2020-02-14"),
        "{moved:?}"
    );
    assert_eq!(moved[0][12], "1", "its sequence is raised");
    assert_eq!(rows_of(&w, "p002"), other);
    let due = json(&w, "2020-02-10", &["due", "c", "--format", "json"]);
    let row = due["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["mentee"] == "p001" && r["number"] == 1)
        .expect("p001's first meeting")
        .clone();
    assert_ne!(row["state"], "not recorded");
    assert!(row["days_late"].as_i64().is_some_and(|d| d > 0), "{row}");
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
    let uid = r[1][11].clone();
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
    assert_eq!(r[1][11], uid, "a recorded meeting keeps its uid");
    // The replacement keeps the cancelled meeting's window and falls after the cancellation.
    assert_eq!(r[2][3], "2020-02-26");
    assert!(
        r[2][5].as_str() > "2020-02-27" && r[2][5].as_str() <= "2020-03-11",
        "{:?}",
        r[2]
    );
    // Held and cancelled rows are never rewritten by a re-plan.
    w.run_on("2020-03-01", &["schedule", "c", "--replan"]).ok();
    let again = rows(&w);
    assert_eq!(again[0], r[0]);
    assert_eq!(again[1], r[1]);
}

#[test]
fn a_late_cancellation_is_replaced_within_ten_working_days_never_on_its_slot_and_flagged_late() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    let first = rows_of(&w, "p001")[0].clone();
    // Cancelled before the meeting, recorded eleven days later, after the window has closed (the
    // pilot's case): the replacement comes within the next ten working days, not 6-8 weeks on.
    w.run_on(
        "2020-01-28",
        &[
            "log",
            "c",
            "p001",
            "--cancelled",
            "2020-01-17",
            "--reason",
            "diary clash",
        ],
    )
    .ok();
    let r = rows_of(&w, "p001");
    assert_eq!(r[0][6], "cancelled");
    let replacement = date(&r[1][5]);
    assert!(
        replacement > date("2020-01-28") && replacement <= date("2020-02-11"),
        "{r:?}"
    );
    assert_ne!(r[1][5], first[5], "never on the cancelled slot");
    assert_eq!(
        (r[1][3].as_str(), r[1][4].as_str()),
        ("2020-01-13", "2020-01-27")
    );
    // The meeting after it follows the replacement by 6 to 8 weeks.
    let gap = (date(&r[2][5]) - replacement).num_days();
    assert!((42..=56).contains(&gap), "{r:?}");
    // `due` flags the replacement as late, and the pair is not left adrift.
    let due = json(&w, "2020-01-28", &["due", "c", "--format", "json"]);
    let row = due["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|x| x["mentee"] == "p001")
        .expect("due")
        .clone();
    assert_eq!(row["state"], "due");
    assert!(row["days_late"].as_i64().is_some_and(|d| d > 0), "{row}");

    // A cancellation recorded the day before its slot, with the window still open: the replacement
    // stays inside the window, on another day.
    let slot = rows_of(&w, "p002")[0][5].clone();
    let before = (date(&slot) - chrono::Duration::days(1)).to_string();
    w.run_on(&before, &["log", "c", "p002", "--cancelled", &before])
        .ok();
    let r = rows_of(&w, "p002");
    assert_ne!(r[1][5], slot);
    assert!(
        r[1][5].as_str() > before.as_str() && r[1][5].as_str() <= "2020-01-27",
        "{r:?}"
    );

    // replacement_within_days is the cohort's: with 3, the replacement comes within 3 working days.
    let w = confirmed(1);
    let toml = w.cohort_file("c", "cohort.toml").replace(
        "replacement_within_days = 10",
        "replacement_within_days = 3",
    );
    w.write_cohort_file("c", "cohort.toml", toml);
    w.run(&["schedule", "c"]).ok();
    w.run_on(
        "2020-01-28",
        &["log", "c", "p001", "--cancelled", "2020-01-27"],
    )
    .ok();
    let r = rows_of(&w, "p001");
    assert!(date(&r[1][5]) <= date("2020-01-31"), "{r:?}");
}

#[test]
fn first_meetings_never_precede_the_cohorts_start() {
    // Pairs confirmed in November, two months before the start.
    let w = Workdir::new();
    w.cohort();
    for i in 0..3 {
        w.enrol(
            "mentee",
            &format!("Lead {i}"),
            &format!("lead{i}@x.example"),
            &["--department", &format!("O{i}")],
        );
        w.enrol(
            "mentor",
            &format!("Staff {i}"),
            &format!("staff{i}@x.example"),
            &["--department", &format!("L{i}")],
        );
    }
    w.without_briefing_gate();
    w.run_on("2019-11-18", &["match", "c"]).ok();
    w.run_on("2019-11-18", &["match", "c", "--confirm", "--yes"])
        .ok();
    w.run_on("2019-11-18", &["schedule", "c"]).ok();
    for r in rows(&w) {
        assert!(date(&r[3]) >= date("2020-01-13"), "{r:?}");
        assert!(date(&r[5]) >= date("2020-01-13"), "{r:?}");
    }
    // `--from` before the start is taken as the start, too.
    w.run_on("2019-11-18", &["schedule", "c", "--from", "2019-12-01"])
        .ok();
    assert!(rows(&w).iter().all(|r| date(&r[5]) >= date("2020-01-13")));
    // And a pair confirmed before the start is not overdue before the start plus 8 weeks.
    let due = json(&w, "2020-03-09", &["due", "c", "--format", "json"]);
    assert!(
        due["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["state"] != "overdue"),
        "{due}"
    );
}

#[test]
fn log_refuses_bad_records_with_their_dates_and_changes_nothing() {
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
            "481",
        ],
        2,
        &["--minutes", "\"481\" is not a length", "from 1 to 480"],
    );
    w.refuses(
        &["log", "c", "p001", "--held", "2020-01-06", "--minutes", "0"],
        2,
        &["--minutes", "\"0\" is not a length"],
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
    // A held date before the pair's last held meeting, and one after the cohort's end: refused,
    // every reason at once, with the dates.
    w.run_on("2020-03-02", &["log", "c", "p001", "--held", "2020-03-02"])
        .ok();
    let before = w.snapshot();
    w.run_on("2020-08-10", &["log", "c", "p001", "--held", "2020-02-20"])
        .fails(
            1,
            &["2020-02-20 is before the pair p001-p002's last held meeting (2020-03-02)"],
        );
    w.run_on("2020-08-10", &["log", "c", "p001", "--held", "2020-08-03"])
        .fails(1, &["2020-08-03 is after the cohort's end (2020-07-31)"]);
    w.run_on(
        "2020-08-10",
        &["log", "c", "p001", "--cancelled", "2020-08-03"],
    )
    .fails(1, &["after the cohort's end (2020-07-31)"]);
    assert_eq!(before, w.snapshot());
}

#[test]
fn a_meeting_longer_than_session_minutes_is_recorded_with_a_warning() {
    let w = confirmed(1);
    w.run(&["schedule", "c"]).ok();
    let run = w
        .run_on(
            "2020-01-21",
            &[
                "log",
                "c",
                "p001",
                "--held",
                "2020-01-20",
                "--minutes",
                "90",
            ],
        )
        .ok();
    assert!(
        run.stderr
            .contains("warning: the one-to-one of p001-p002 on 2020-01-20 lasted 90 minutes, longer than [cadence] session_minutes = 60"),
        "{}",
        run.stderr
    );
    assert_eq!(rows(&w)[0][8], "90");
}

#[test]
fn due_lists_the_same_rows_in_every_format_with_a_state_and_both_emails() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    w.run_on("2020-01-21", &["log", "c", "p001", "--held", "2020-01-20"])
        .ok();
    let v = json(&w, "2020-03-17", &["due", "c", "--format", "json"]);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["overdue_as_of"], "2020-03-17");
    let rows = v["rows"].as_array().expect("rows");
    // Pair 2 never met: 8 weeks after the cohort's start (2020-03-09) it is overdue by 8 days.
    // Pair 1 met on 2020-01-20, so it is not overdue until after 2020-03-16: by a day.
    let overdue: Vec<(&str, i64)> = rows
        .iter()
        .filter(|r| r["state"] == "overdue")
        .map(|r| {
            (
                r["mentee"].as_str().unwrap_or_default(),
                r["days_overdue"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(overdue, [("p002", 8), ("p001", 1)]);
    let p002 = rows
        .iter()
        .find(|r| r["state"] == "overdue" && r["mentee"] == "p002")
        .expect("p002");
    assert_eq!(p002["mentee_email"], "lead1@x.example");
    let (_, mentor_email, _) = mentor_of(&w, "p002");
    assert_eq!(p002["mentor_email"], mentor_email.as_str());
    assert_eq!(p002["last_met"], serde_json::Value::Null);
    assert!(
        rows.iter()
            .any(|d| d["mentee"] == "p002" && d["state"] == "not recorded"),
        "{rows:?}"
    );
    // CSV and the table carry the same rows: the overdue ones too, with emails, for a chaser.
    let csv = w
        .run_on("2020-03-17", &["due", "c", "--format", "csv"])
        .ok()
        .stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), rows.len() + 1, "{csv}");
    assert!(lines[0].starts_with("state,planned,number,due_by,days_late,mentee,mentee_name,mentee_email,mentor,mentor_name,mentor_email,last_met,days_overdue"));
    assert!(
        lines.iter().any(|l| l.starts_with("overdue,")
            && l.contains("lead1@x.example")
            && l.contains(&mentor_email)),
        "{csv}"
    );
    let table = w.run_on("2020-03-17", &["due", "c"]).ok().stdout;
    assert_eq!(
        table.lines().filter(|l| l.starts_with("│ overdue")).count(),
        2,
        "{table}"
    );
    assert!(table.contains("lead1@x.example"), "{table}");
}

#[test]
fn json_of_schedule_log_and_due_has_snake_case_keys_and_a_schema_version() {
    fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    out.push(k.clone());
                    keys(v, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| keys(i, out)),
            _ => {}
        }
    }
    let w = confirmed(2);
    let mut all = Vec::new();
    for (today, args) in [
        ("2020-01-06", vec!["schedule", "c", "--format", "json"]),
        (
            "2020-01-22",
            vec![
                "log",
                "c",
                "p001",
                "--held",
                "2020-01-21",
                "--format",
                "json",
            ],
        ),
        (
            "2020-01-22",
            vec![
                "schedule",
                "c",
                "--pair",
                "p002",
                "--at",
                "Wed 15:00",
                "--format",
                "json",
            ],
        ),
        ("2020-03-30", vec!["due", "c", "--format", "json"]),
    ] {
        let v = json(&w, today, &args);
        assert_eq!(v["schema_version"], 1, "{args:?}");
        keys(&v, &mut all);
    }
    for k in &all {
        assert!(
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "key {k:?} is not snake_case"
        );
    }
    for k in [
        "changes",
        "planned_before",
        "rows",
        "days_overdue",
        "mentee_email",
        "recorded",
        "next_planned",
    ] {
        assert!(all.iter().any(|x| x == k), "{k} missing");
    }
}

#[test]
fn an_agreed_weekday_and_time_is_kept_on_every_replan() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    let other = rows_of(&w, "p002");
    let run = w
        .run(&[
            "schedule",
            "c",
            "--pair",
            "lead0@x.example",
            "--at",
            "Thu 14:30",
        ])
        .ok();
    assert!(
        run.stdout.contains("moved") || run.stdout.contains("retimed"),
        "{}",
        run.stdout
    );
    use chrono::Datelike;
    let check = |w: &Workdir| {
        for r in rows_of(w, "p001").iter().filter(|r| r[6] == "planned") {
            assert_eq!(date(&r[5]).weekday(), chrono::Weekday::Thu, "{r:?}");
            assert_eq!(
                (r[13].as_str(), r[14].as_str()),
                ("14:30", "Thu 14:30"),
                "{r:?}"
            );
        }
    };
    check(&w);
    assert_eq!(rows_of(&w, "p002"), other, "only the pair asked for");
    // A log re-plans the pair: new and moved meetings keep the agreed slot.
    w.run_on("2020-01-24", &["log", "c", "p001", "--held", "2020-01-24"])
        .ok();
    check(&w);
    w.run_on("2020-05-11", &["schedule", "c", "--replan"]).ok();
    check(&w);
    // A weekend, or nonsense, is refused before anything is read.
    w.refuses(
        &["schedule", "c", "--pair", "p001", "--at", "Sat 10:00"],
        2,
        &["weekend"],
    );
    w.refuses(
        &["schedule", "c", "--pair", "p001", "--at", "teatime"],
        2,
        &["not an agreed slot"],
    );
    w.refuses(&["schedule", "c", "--at", "Tue 10:00"], 2, &["--pair"]);
}

#[test]
fn withdrawal_cancels_the_pairs_future_meetings() {
    let w = confirmed(1);
    w.run(&["schedule", "c"]).ok();
    let run = w
        .run(&["withdraw", "c", "p002", "--reason", "left", "--yes"])
        .ok();
    assert!(run.stdout.contains("cancelled"), "{}", run.stdout);
    for r in rows(&w) {
        assert_eq!(r[6], "cancelled");
        assert_eq!(r[10], "mentor withdrew");
    }
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
        ("2020-01-13", "2020-02-03")
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
    let v = json(&w, "2021-03-01", &["due", "c", "--format", "json"]);
    assert_eq!(v["overdue_as_of"], "2020-07-31");
    // Never met since the cohort's start (2020-01-13): 8 weeks later is 2020-03-09, 144 days
    // before the end.
    let overdue = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["state"] == "overdue")
        .expect("overdue")
        .clone();
    assert_eq!(overdue["days_overdue"], 144);
    let table = w.run_on("2021-03-01", &["due", "c"]).ok().stdout;
    assert!(table.starts_with("cohort c ended on 2020-07-31"), "{table}");
}

#[test]
fn a_meetings_file_from_before_uids_reads_and_is_left_as_it_was() {
    let w = confirmed(1);
    let old = "mentee,mentor,number,due_from,due_by,planned,status,date,minutes,topics,reason\n\
        p001,p002,1,2020-01-13,2020-01-27,2020-01-20,planned,,,,\n\
        p001,p002,2,2020-03-02,2020-03-16,2020-03-09,planned,,,,\n\
        p001,p002,3,2020-04-20,2020-05-04,2020-04-27,planned,,,,\n\
        p001,p002,4,2020-06-08,2020-06-22,2020-06-15,planned,,,,\n\
        p001,p002,5,2020-07-27,2020-08-10,2020-07-29,planned,,,,\n";
    w.write_cohort_file("c", "meetings.csv", old);
    let run = w.run(&["schedule", "c"]).ok();
    assert!(run.stdout.starts_with("nothing changed"), "{}", run.stdout);
    assert_eq!(w.cohort_file("c", "meetings.csv"), old);
    // Its meetings keep the calendar UIDs earlier exports gave them.
    w.run(&["schedule", "c", "--ics", "plan.ics"]).ok();
    assert!(
        w.read("plan.ics")
            .contains("UID:c-p001-p002-3@revmentor\r\n")
    );
    // The first write adds the new columns; a recorded meeting keeps its old identity.
    w.run_on("2020-01-21", &["log", "c", "p001", "--held", "2020-01-20"])
        .ok();
    let text = w.cohort_file("c", "meetings.csv");
    assert!(text.starts_with(
        "mentee,mentor,number,due_from,due_by,planned,status,date,minutes,topics,reason,uid,sequence,time,agreed\n"
    ));
    assert_eq!(rows(&w)[0][11], "p001-p002-1");
}

#[test]
fn a_uid_on_two_rows_is_refused_naming_both_lines() {
    let w = confirmed(1);
    w.run(&["schedule", "c"]).ok();
    let text = w.cohort_file("c", "meetings.csv");
    let uid = rows(&w)[0][11].clone();
    let second = rows(&w)[1][11].clone();
    w.write_cohort_file("c", "meetings.csv", text.replace(&second, &uid));
    w.refuses(
        &["due", "c"],
        1,
        &["meetings.csv:3", &format!("uid {uid} is also on line 2")],
    );
}
