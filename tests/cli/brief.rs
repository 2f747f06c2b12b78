//! `brief`: sessions, attendance, and who is still unbriefed.

use crate::harness::Workdir;

fn cohort_with_people() -> Workdir {
    let w = Workdir::new();
    w.cohort();
    w.enrol("mentor", "Ann Lee", "ann@x.example", &[]);
    w.enrol("mentee", "Bo Chan", "bo@x.example", &[]);
    w
}

#[test]
fn add_prints_ids_and_attend_records_by_id_or_email() {
    let w = cohort_with_people();
    let b1 = w
        .run(&[
            "brief",
            "c",
            "add",
            "--date",
            "2020-01-02",
            "--audience",
            "mentors",
        ])
        .ok()
        .stdout;
    assert_eq!(b1, "b1\n");
    let b2 = w
        .run(&[
            "brief",
            "c",
            "add",
            "--date",
            "2020-01-03",
            "--audience",
            "all",
            "--hours",
            "1.5",
            "--title",
            "Leaders",
        ])
        .ok()
        .stdout;
    assert_eq!(b2, "b2\n");
    assert_eq!(
        w.cohort_file("c", "briefings.csv"),
        "id,date,audience,hours,title,kind\nb1,2020-01-02,mentors,3.5,Reverse mentoring briefing for mentors,briefing\nb2,2020-01-03,all,1.5,Leaders,briefing\n"
    );
    let run = w.sh("brief c attend b1 ANN@x.example").ok();
    assert!(run.stdout.contains("b1: 1 attendance recorded"));
    let run = w.sh("brief c attend b1 p001").ok();
    assert!(
        run.stdout
            .contains("0 attendances recorded, 1 already recorded")
    );
    assert_eq!(
        w.cohort_file("c", "attendance.csv"),
        "briefing,participant\nb1,p001\n"
    );
    let listing = w.sh("brief c --format json").ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&listing).expect("json");
    assert_eq!(v["not_briefed"][0]["id"], "p002");
    assert_eq!(v["sessions"][0]["attended"], 1);
}

#[test]
fn attend_refuses_unknown_people_wrong_audience_and_future_sessions() {
    let w = cohort_with_people();
    w.sh("brief c add --date 2020-01-02 --audience mentors")
        .ok();
    w.sh("brief c add --date 2020-02-01 --audience all").ok();
    w.refuses_sh(
        "brief c attend b1 p001 nobody@x.example p404",
        1,
        &[
            "nothing recorded for b1",
            "no participant \"nobody@x.example\"",
            "no participant \"p404\"",
        ],
    );
    w.refuses_sh(
        "brief c attend b1 p002",
        1,
        &["p002 (Bo Chan) is a mentee, but b1 is for mentors"],
    );
    w.refuses_sh(
        "brief c attend b2 p002",
        1,
        &["b2 is on 2020-02-01, after today (2020-01-06)"],
    );
    w.refuses_sh(
        "brief c attend b9 p002",
        1,
        &["no session \"b9\"", "b1, b2"],
    );
    w.refuses_sh(
        "brief c add --date 2020-01-02 --audience staff",
        2,
        &["not an audience"],
    );
    w.refuses_sh(
        "brief c add --date 2020-01-02 --audience all --hours 0",
        2,
        &["--hours"],
    );
}

#[test]
fn evaluation_sessions_never_count_as_briefings() {
    let w = cohort_with_people();
    w.sh("brief c add --date 2020-01-02 --audience all --kind evaluation")
        .ok();
    w.sh("brief c attend b1 p001 p002").ok();
    let v: serde_json::Value =
        serde_json::from_str(&w.sh("brief c --format json").ok().stdout).expect("json");
    assert_eq!(v["not_briefed"].as_array().map(Vec::len), Some(2));
    assert!(
        w.cohort_file("c", "briefings.csv")
            .contains("Group evaluation and learning session,evaluation")
    );
}

#[test]
fn sessions_can_be_corrected_removed_and_attendance_taken_back() {
    let w = Workdir::new();
    w.cohort();
    let ann = w.enrol("mentor", "Ann Lee", "ann@x.example", &[]);
    let bo = w.enrol("mentee", "Bo Chan", "bo@x.example", &[]);
    w.refuses_sh(
        "brief c add --date 2020-01-02 --audience mentor",
        2,
        &["did you mean mentors?"],
    );
    w.refuses_sh(
        "brief c add --date 2020-01-02 --audience staff",
        2,
        &["use mentors, mentees or all"],
    );
    w.refuses_sh(
        "brief c add --date 2020-01-02 --audience all --hours 30",
        2,
        &["at most 24"],
    );
    let b1 = w.sh("brief c add --date 2020-01-02 --audience all").ok();
    assert_eq!(b1.stdout, "b1\n");
    let again = w.sh("brief c add --date 2020-01-02 --audience all").ok();
    assert!(
        again
            .stderr
            .contains("warning: b1 is also a briefing for all on 2020-01-02"),
        "{}",
        again.stderr
    );
    w.sh("brief c remove b2").ok();
    w.sh(&format!("brief c attend b1 {ann} {bo}")).ok();
    // A narrower audience must still include everyone recorded there.
    w.refuses_sh("brief c edit b1 --audience mentors", 1, &[&bo, "unattend"]);
    w.refuses_sh("brief c edit b1 --date 2020-02-01", 1, &["after today"]);
    w.refuses_sh(
        "brief c unattend b1 nobody@x.example",
        1,
        &["no participant"],
    );
    let run = w.sh(&format!("brief c unattend b1 {bo}")).ok();
    assert!(
        run.stdout.contains("removed 1 attendance record"),
        "{}",
        run.stdout
    );
    let run = w
        .sh("brief c edit b1 --audience mentors --title 'Mentor briefing' --hours 3")
        .ok();
    assert_eq!(
        run.stdout,
        "b1 audience: all -> mentors\nb1 hours: 3.5 -> 3\nb1 title: Reverse mentoring briefing for all -> Mentor briefing\n"
    );
    // A title a spreadsheet would run as a formula is refused, adding or editing.
    let before = w.snapshot();
    w.refuses_sh(
        "brief c edit b1 --title '=HYPERLINK(\"x\")'",
        1,
        &["the title \"=HYPERLINK(\"x\")\" begins with '='"],
    );
    w.refuses_sh(
        "brief c add --date 2020-02-03 --audience all --title '+44 sessions'",
        2,
        &["the title \"+44 sessions\" begins with '+'"],
    );
    assert_eq!(before, w.snapshot());
    let run = w.sh("brief c remove b1").ok();
    assert!(
        run.stdout.contains("removed b1 and 1 attendance record"),
        "{}",
        run.stdout
    );
    assert_eq!(
        w.cohort_file("c", "attendance.csv"),
        "briefing,participant\n"
    );
    w.refuses_sh("brief c remove b1", 1, &["no session \"b1\""]);
}
