//! `match`: eligibility, forbidden pairs, the exact objective, reasons, locks, confirmation.

use crate::harness::Workdir;

/// Enrol people as (role, name, department, gender, ethnicity, disability), brief everyone.
fn cohort(people: &[(&str, &str, &str, &str, &str, &str)]) -> Workdir {
    let w = Workdir::new();
    w.cohort();
    for (role, name, dept, g, e, d) in people {
        let email = format!("{}@x.example", name.to_lowercase());
        w.enrol(
            role,
            name,
            &email,
            &[
                "--department",
                dept,
                "--trait",
                &format!("gender={g}"),
                "--trait",
                &format!("ethnicity={e}"),
                "--trait",
                &format!("disability={d}"),
            ],
        );
    }
    w.brief_everyone();
    w
}

fn proposal(w: &Workdir, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["match", "c", "--dry-run", "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&w.run(&args).ok().stdout).expect("json")
}

fn pairs(v: &serde_json::Value) -> Vec<(String, String)> {
    v["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            (
                p["mentee"].as_str().unwrap_or_default().to_string(),
                p["mentor"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn pair(e: &str, m: &str) -> (String, String) {
    (e.to_string(), m.to_string())
}

#[test]
fn maximises_total_score_exactly_where_greedy_would_not() {
    // Greedy (best pair first) takes Eve-Mia (3.5) and leaves Ed-Max (0.5): 4.0. The optimum is 5.0.
    let w = cohort(&[
        ("mentee", "Eve", "Office A", "Man", "Chinese", "Yes"),
        ("mentee", "Ed", "Office B", "Man", "Black British", "No"),
        ("mentor", "Mia", "Lab C", "Woman", "White British", "No"),
        ("mentor", "Max", "Lab D", "Man", "Black British", "No"),
    ]);
    let v = proposal(&w, &[]);
    assert_eq!(pairs(&v), vec![pair("p001", "p004"), pair("p002", "p003")]);
    assert_eq!(v["total_score"], 5.0);
    assert_eq!(
        v["pairs"][0]["reasons"],
        "differs in ethnicity, disability; other department"
    );
    assert_eq!(
        v["pairs"][1]["reasons"],
        "differs in gender, ethnicity; other department"
    );
    assert_eq!(v["pairs"][0]["score"], 2.5);
}

#[test]
fn matches_as_many_mentees_as_possible_before_score() {
    // Ed can only have Mia (Max shares his department). Eve-Mia scores highest, but taking it
    // would leave Ed unmatched: the optimum matches both.
    let w = cohort(&[
        ("mentee", "Eve", "Office A", "Man", "White British", "No"),
        ("mentee", "Ed", "Lab D", "Woman", "White British", "No"),
        ("mentor", "Mia", "Lab C", "Woman", "Black British", "Yes"),
        ("mentor", "Max", "Lab D", "Man", "White British", "No"),
    ]);
    let v = proposal(&w, &[]);
    assert_eq!(pairs(&v), vec![pair("p001", "p004"), pair("p002", "p003")]);
    assert_eq!(v["mentees_matched"], 2);
}

#[test]
fn never_proposes_a_forbidden_pair_and_says_why_someone_is_left_out() {
    let w = Workdir::new();
    w.cohort();
    w.enrol(
        "mentee",
        "Boss",
        "boss@x.example",
        &["--department", "Exec"],
    );
    w.enrol(
        "mentee",
        "Dean",
        "dean@x.example",
        &["--department", "Science", "--manager", "boss@x.example"],
    );
    // Pat reports to a manager who reports to Boss: the chain reaches Boss.
    w.enrol(
        "mentor",
        "Lee",
        "lee@x.example",
        &["--department", "Labs", "--manager", "pat@x.example"],
    );
    w.enrol(
        "mentor",
        "Pat",
        "pat@x.example",
        &["--department", "Ops", "--manager", "dean@x.example"],
    );
    w.enrol(
        "mentor",
        "Sam",
        "sam@x.example",
        &["--department", "Science"],
    );
    w.enrol(
        "mentor",
        "Kim",
        "kim@x.example",
        &["--department", "Arts", "--conflict", "boss@x.example"],
    );
    w.brief_everyone();
    // Boss: Lee and Pat are in his management line, Kim declared a conflict, Sam is allowed.
    // Dean: Lee and Pat report to him, Sam shares his department, Kim is allowed.
    let v = proposal(&w, &[]);
    assert_eq!(pairs(&v), vec![pair("p001", "p005"), pair("p002", "p006")]);
    let v = proposal(&w, &["--avoid", "p001=p005"]);
    assert_eq!(pairs(&v), vec![pair("p002", "p006")]);
    let why = v["unmatched"]
        .as_array()
        .expect("unmatched")
        .iter()
        .find(|u| u["id"] == "p001")
        .expect("boss unmatched")["why"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(why.contains("every eligible mentor is forbidden"), "{why}");
    assert!(
        why.contains("a declared conflict")
            && why.contains("line-management chain")
            && why.contains("--avoid"),
        "{why}"
    );
}

#[test]
fn unbriefed_and_ineligible_people_are_left_out_with_the_reason() {
    let w = Workdir::new();
    w.cohort();
    w.enrol("mentee", "Eve", "eve@x.example", &["--department", "A"]);
    w.enrol("mentor", "Mia", "mia@x.example", &["--department", "B"]);
    w.enrol(
        "mentor",
        "Max",
        "max@x.example",
        &["--department", "C", "--answer", "commitment=no"],
    );
    let v = proposal(&w, &[]);
    assert_eq!(pairs(&v), vec![]);
    let text = v["unmatched"].to_string();
    assert!(
        text.contains("not briefed: attended no briefing for mentees"),
        "{text}"
    );
    assert!(
        text.contains("not briefed: attended no briefing for mentors"),
        "{text}"
    );
    assert!(
        text.contains("ineligible: does not meet: commitment"),
        "{text}"
    );
    w.brief_everyone();
    assert_eq!(pairs(&proposal(&w, &[])), vec![pair("p001", "p002")]);
}

#[test]
fn dry_run_writes_nothing_and_a_proposal_is_written_then_confirmed() {
    let w = cohort(&[
        ("mentee", "Eve", "A", "Man", "White", "No"),
        ("mentor", "Mia", "B", "Woman", "Black", "No"),
    ]);
    let before = w.snapshot();
    let run = w.sh("match c --dry-run").ok();
    assert!(run.stdout.contains("dry run: nothing written"));
    assert_eq!(before, w.snapshot());
    w.sh("match c").ok();
    assert_eq!(
        w.cohort_file("c", "matches.csv"),
        "mentee,mentor,score,reasons,status,proposed_on,confirmed_on,ended_on,end_reason\np001,p002,2.5,\"differs in gender, ethnicity; other department\",proposed,2020-01-06,,,\n"
    );
    w.refuses_sh("match c --confirm", 2, &["--yes"]);
    let run = w
        .run_on("2020-01-07", &["match", "c", "--confirm", "--yes"])
        .ok();
    assert!(run.stdout.contains("confirmed 1 pair"));
    assert!(w.cohort_file("c", "matches.csv").contains("p001,p002,2.5,\"differs in gender, ethnicity; other department\",confirmed,2020-01-06,2020-01-07,,\n"));
    w.refuses_sh(
        "match c --confirm --yes",
        1,
        &["no proposed pairs to confirm"],
    );
}

#[test]
fn rerun_after_a_withdrawal_rematches_only_the_partner_and_never_repairs() {
    let w = cohort(&[
        ("mentee", "Eve", "A", "Man", "White", "No"),
        ("mentee", "Ed", "B", "Man", "White", "No"),
        ("mentor", "Mia", "C", "Woman", "Black", "Yes"),
        ("mentor", "Max", "D", "Woman", "Black", "No"),
        ("mentor", "Moe", "E", "Man", "White", "No"),
    ]);
    w.sh("match c").ok();
    w.sh("match c --confirm --yes").ok();
    let first = pairs(&proposal(&w, &[]));
    assert_eq!(first, vec![pair("p001", "p003"), pair("p002", "p004")]);
    let run = w
        .run(&["withdraw", "c", "p003", "--reason", "moved abroad", "--yes"])
        .ok();
    assert!(run.stdout.contains("ended 1 pair"));
    let v = proposal(&w, &[]);
    assert_eq!(pairs(&v), vec![pair("p001", "p005"), pair("p002", "p004")]);
    assert_eq!(v["pairs"][1]["pair"], "confirmed");
    assert_eq!(v["pairs"][0]["pair"], "proposed");
    let matches = w.cohort_file("c", "matches.csv");
    assert!(matches.contains("p001,p003,3.5,\"differs in gender, ethnicity, disability; other department\",ended,2020-01-06,2020-01-06,2020-01-06,mentor withdrew: moved abroad\n"), "{matches}");
    // Withdraw Moe too: Eve is left unmatched rather than re-paired with anyone she had before.
    w.sh("withdraw c p005 --yes").ok();
    let v = proposal(&w, &[]);
    assert_eq!(pairs(&v), vec![pair("p002", "p004")]);
}

#[test]
fn locks_are_kept_and_bad_requests_are_refused_without_writing() {
    let w = cohort(&[
        ("mentee", "Eve", "A", "Man", "White", "No"),
        ("mentee", "Ed", "B", "Man", "White", "No"),
        ("mentor", "Mia", "A", "Woman", "Black", "Yes"),
        ("mentor", "Max", "D", "Woman", "Black", "No"),
        ("mentor", "Moe", "E", "Man", "White", "No"),
    ]);
    let v = proposal(&w, &["--lock", "p001=moe@x.example"]);
    assert_eq!(pairs(&v), vec![pair("p001", "p005"), pair("p002", "p003")]);
    assert_eq!(v["pairs"][0]["pair"], "locked");
    w.refuses_sh(
        "match c --lock p001=p003",
        1,
        &["--lock p001=p003: the pair itself is forbidden: the same department"],
    );
    w.refuses_sh(
        "match c --lock p001=p004 --avoid p001=p004",
        1,
        &["--lock and --avoid both name p001=p004"],
    );
    w.refuses_sh(
        "match c --lock p001=nobody",
        1,
        &["no participant \"nobody\""],
    );
    w.refuses_sh(
        "match c --avoid p003=p001",
        1,
        &["is a mentor, but this side of MENTEE=MENTOR needs a mentee"],
    );
    w.refuses_sh(
        "match c --lock p001=p004 --lock p002=p004",
        1,
        &["more than mentor_capacity = 1"],
    );
    w.refuses_sh("match c --lock p001", 2, &["MENTEE=MENTOR"]);
}

#[test]
fn mentor_capacity_lets_one_mentor_take_several_mentees() {
    let w = cohort(&[
        ("mentee", "Eve", "A", "Man", "White", "No"),
        ("mentee", "Ed", "B", "Man", "White", "No"),
        ("mentor", "Mia", "C", "Woman", "Black", "Yes"),
    ]);
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("mentor_capacity = 1", "mentor_capacity = 2");
    w.write_cohort_file("c", "cohort.toml", toml);
    assert_eq!(
        pairs(&proposal(&w, &[])),
        vec![pair("p001", "p003"), pair("p002", "p003")]
    );
}

#[test]
fn same_files_give_the_same_proposal() {
    let w = cohort(&[
        ("mentee", "Eve", "A", "Man", "White", "No"),
        ("mentee", "Ed", "B", "Man", "White", "No"),
        ("mentee", "Eli", "C", "Man", "White", "No"),
        ("mentor", "Mia", "D", "Woman", "Black", "No"),
        ("mentor", "Max", "E", "Woman", "Black", "No"),
        ("mentor", "Moe", "F", "Woman", "Black", "No"),
    ]);
    let first = w.sh("match c --dry-run").ok().stdout;
    for _ in 0..3 {
        assert_eq!(w.sh("match c --dry-run").ok().stdout, first);
    }
}

#[test]
fn the_proposal_table_shows_pairs_reasons_and_who_is_left_out() {
    let w = cohort(&[
        ("mentee", "Eve", "Office A", "Man", "Chinese", "Yes"),
        ("mentee", "Ed", "Office B", "Man", "Black British", "No"),
        ("mentor", "Mia", "Lab C", "Woman", "White British", "No"),
        ("mentor", "Max", "Lab D", "Man", "Black British", "No"),
        (
            "mentor",
            "Moe",
            "Lab E",
            "Man",
            "White British",
            "Prefer not to say",
        ),
    ]);
    insta::assert_snapshot!(w.sh("match c").ok().stdout);
}
