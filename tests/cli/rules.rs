//! The scheme's own rules: who can be a reverse mentor, closed recruitment, the evaluation
//! session, the level of commitment, and the cohort's stage.

use crate::harness::Workdir;

const FORM: &str = "Timestamp,Email address,Full name,Department,Can you commit time and be flexible in your availability?,\"Have you attended the mentor briefing, or are you willing to do so?\",Do you have any current conflict of interest with the University or its senior leadership team?\n\
2019/10/14 09:12:33,ann@x.example,Ann Lee,Chemistry,Yes,yes,No\n\
2019/10/15 10:00:00,bo@x.example,Bo Chan,Estates,No,Yes,no\n\
2019/10/16 11:00:00,cy@x.example,Cy Dunn,Library,YES,Yes,Yes\n";

#[test]
fn mentors_whose_answers_miss_a_requirement_are_enrolled_ineligible_with_the_reason() {
    let w = Workdir::new();
    w.cohort();
    w.write("apps.csv", FORM);
    let run = w
        .run(&["enrol", "c", "--from", "apps.csv", "--role", "mentor"])
        .ok();
    assert!(
        run.stdout
            .contains("p002 ineligible: does not meet: commitment (answered no)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("p003 ineligible: does not meet: conflict_of_interest (answered yes)"),
        "{}",
        run.stdout
    );
    let text = w.cohort_file("c", "participants.csv");
    assert!(text.contains("p001,mentor,Ann Lee,ann@x.example,Chemistry,,,active,2020-01-06,,,,briefing=yes;commitment=yes;conflict_of_interest=no,\n"), "{text}");
    assert!(text.contains("p002,mentor,Bo Chan,bo@x.example,Estates,,,ineligible,2020-01-06,,2020-01-06,does not meet: commitment (answered no),briefing=yes;commitment=no;conflict_of_interest=no,\n"), "{text}");
    let status: serde_json::Value =
        serde_json::from_str(&w.sh("status c --format json").ok().stdout).expect("json");
    let ineligible = status["participants"]
        .as_array()
        .expect("counts")
        .iter()
        .find(|c| c["role"] == "mentor" && c["status"] == "ineligible")
        .expect("row")["count"]
        .clone();
    assert_eq!(ineligible, 2);
    assert!(
        status["next_steps"]
            .to_string()
            .contains("2 mentor applications missed a requirement")
    );
    // Corrected answers, re-imported with --update, make Bo active again.
    w.write(
        "apps.csv",
        FORM.replace(
            "bo@x.example,Bo Chan,Estates,No",
            "bo@x.example,Bo Chan,Estates,Yes",
        ),
    );
    let run = w
        .run_on(
            "2020-01-08",
            &[
                "enrol", "c", "--from", "apps.csv", "--role", "mentor", "--update",
            ],
        )
        .ok();
    assert!(
        run.stdout.contains("0 added, 1 updated, 2 unchanged"),
        "{}",
        run.stdout
    );
    assert!(w.cohort_file("c", "participants.csv").contains("p002,mentor,Bo Chan,bo@x.example,Estates,,,active,2020-01-06,,2020-01-08,,briefing=yes;commitment=yes;conflict_of_interest=no,\n"));
}

#[test]
fn an_answer_that_is_not_yes_or_no_is_an_error_naming_the_row() {
    let w = Workdir::new();
    w.cohort();
    w.write(
        "apps.csv",
        FORM.replace("Chemistry,Yes,yes,No", "Chemistry,Maybe,yes,No"),
    );
    w.refuses_sh("enrol c --from apps.csv --role mentor", 1, &["apps.csv:2: column \"Can you commit time and be flexible in your availability?\": \"Maybe\" is not an answer (expected Yes or No)"]);
    w.refuses_sh(
        "enrol c --role mentor --name Di --email di@x.example --answer commitment=perhaps",
        2,
        &["--answer", "commitment, briefing, conflict_of_interest"],
    );
}

#[test]
fn ineligible_mentors_are_never_matched() {
    let w = Workdir::new();
    w.cohort();
    w.write("apps.csv", FORM);
    w.sh("enrol c --from apps.csv --role mentor").ok();
    w.enrol(
        "mentee",
        "Lead",
        "lead@x.example",
        &["--department", "Exec"],
    );
    w.enrol(
        "mentee",
        "Lead Two",
        "lead2@x.example",
        &["--department", "Exec 2"],
    );
    w.without_briefing_gate();
    let v: serde_json::Value =
        serde_json::from_str(&w.sh("match c --dry-run --format json").ok().stdout).expect("json");
    assert_eq!(v["pairs"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["pairs"][0]["mentor"], "p001");
}

#[test]
fn closed_recruitment_refuses_new_mentors_unless_forced_and_still_takes_leaders() {
    let w = Workdir::new();
    w.cohort();
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("recruiting = true", "recruiting = false");
    w.write_cohort_file("c", "cohort.toml", toml);
    w.refuses_sh(
        "enrol c --role mentor --name Ann --email ann@x.example",
        1,
        &["recruitment of mentors is closed for cohort c", "--force"],
    );
    w.write("apps.csv", FORM);
    w.refuses_sh(
        "enrol c --from apps.csv --role mentor",
        1,
        &["3 problems", "recruitment of mentors is closed"],
    );
    assert_eq!(w.enrol("mentee", "Lead", "lead@x.example", &[]), "p001");
    let run = w
        .run(&[
            "enrol",
            "c",
            "--role",
            "mentor",
            "--name",
            "Ann",
            "--email",
            "ann@x.example",
            "--force",
        ])
        .ok();
    assert_eq!(run.stdout, "p002\n");
    assert!(
        run.stderr
            .contains("recruitment is closed; enrolled anyway because of --force"),
        "{}",
        run.stderr
    );
    let status = w.sh("status c").ok().stdout;
    assert!(status.contains("recruitment of mentors closed"), "{status}");
}

#[test]
fn status_shows_the_level_of_commitment() {
    let w = Workdir::new();
    w.sh("init c --start 2020-01-13 --end 2020-07-31 --cadence 4-6 --session-minutes 45")
        .ok();
    let status = w.sh("status c").ok().stdout;
    assert!(
        status.contains("One-to-ones every 4-6 weeks, at most 45 minutes each"),
        "{status}"
    );
}

fn stage(w: &Workdir, today: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(&w.sh_on(today, "status c --format json").ok().stdout).expect("json");
    v["stage"].as_str().unwrap_or_default().to_string()
}

#[test]
fn the_stage_follows_the_cohort_from_recruiting_to_closed() {
    let w = Workdir::new();
    w.cohort();
    assert_eq!(stage(&w, "2020-01-06"), "recruiting");
    w.enrol(
        "mentee",
        "Lead",
        "lead@x.example",
        &["--department", "Exec"],
    );
    w.enrol("mentor", "Ann", "ann@x.example", &["--department", "Lab"]);
    assert_eq!(stage(&w, "2020-01-06"), "briefing");
    w.sh("brief c add --date 2020-01-02 --audience all").ok();
    w.sh("brief c attend b1 p001 p002").ok();
    assert_eq!(stage(&w, "2020-01-06"), "matching");
    w.sh("match c").ok();
    w.sh("match c --confirm --yes").ok();
    assert_eq!(stage(&w, "2020-01-06"), "meeting");
    assert_eq!(stage(&w, "2020-06-10"), "evaluating");
    assert_eq!(stage(&w, "2020-08-01"), "closed");
    let next = w.sh_on("2020-06-10", "status c").ok().stdout;
    assert!(
        next.contains("plan the group evaluation session: revmentor brief c add --kind evaluation"),
        "{next}"
    );
}
