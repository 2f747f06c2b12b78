//! `match --explain WHO`: a person's best candidates with score and reasons, and why not each other
//! one; what it says a lock costs is what `--lock` then does.

use crate::harness::Workdir;

/// Four leaders and five mentors with varied answers; mentor p009 shares p001's department.
fn cohort() -> Workdir {
    let w = Workdir::new();
    w.cohort();
    let people = [
        ("mentee", "L1", "Woman", "White British", "No"),
        ("mentee", "L2", "Man", "White British", "No"),
        ("mentee", "L3", "Man", "Chinese", "Yes"),
        ("mentee", "L4", "Woman", "Black British", "No"),
        ("mentor", "M1", "Man", "Black British", "Yes"),
        ("mentor", "M2", "Woman", "British Indian", "No"),
        ("mentor", "M3", "Woman", "White British", "Yes"),
        ("mentor", "M4", "Man", "Arab", "No"),
        ("mentor", "L1", "Non-binary", "Mixed", "No"),
    ];
    for (i, (role, dept, g, e, d)) in people.iter().enumerate() {
        w.enrol(
            role,
            &format!("Person {i}"),
            &format!("p{i}@x.example"),
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

fn json(w: &Workdir, line: &str) -> serde_json::Value {
    serde_json::from_str(&w.sh(line).ok().stdout).expect("json")
}

#[test]
fn explain_agrees_with_what_lock_then_does() {
    let w = cohort();
    let proposal = json(&w, "match c --dry-run --format json");
    let baseline = proposal["total_score"].as_f64().expect("total");
    let baseline_matched = proposal["mentees_matched"].as_u64().expect("matched");
    for who in ["p001", "p002", "p003", "p004"] {
        let x = json(&w, &format!("match c --explain {who} --format json"));
        let candidates = x["candidates"].as_array().expect("candidates");
        let mut priced = 0;
        for c in candidates {
            let Some(lost) = c["score_lost"].as_f64() else {
                continue;
            };
            priced += 1;
            let mentor = c["candidate"].as_str().expect("id");
            let locked = json(
                &w,
                &format!("match c --dry-run --lock {who}={mentor} --format json"),
            );
            let total = locked["total_score"].as_f64().expect("total");
            assert!(
                ((baseline - total) - lost).abs() < 1e-9,
                "{who}={mentor}: explain says {lost} lost, --lock gives {total} against {baseline}"
            );
            // And the mentees the lock leaves unmatched.
            let fewer = baseline_matched - locked["mentees_matched"].as_u64().expect("matched");
            assert_eq!(c["mentees_lost"].as_u64(), Some(fewer), "{who}={mentor}");
            let pair = locked["pairs"]
                .as_array()
                .expect("pairs")
                .iter()
                .find(|p| p["mentee"] == who)
                .expect("locked pair");
            assert_eq!(pair["score"], c["score"], "{who}={mentor}");
            assert_eq!(pair["reasons"], c["reasons"], "{who}={mentor}");
        }
        assert!(priced >= 4, "{who}: {x}");
        // Best first: ranks 1.. on the cheapest, the proposed partner first.
        assert_eq!(candidates[0]["rank"], 1);
        assert_eq!(candidates[0]["why_not"], "proposed");
        assert_eq!(x["partner"], candidates[0]["candidate"]);
        let ranked = candidates.iter().filter(|c| !c["rank"].is_null()).count();
        assert_eq!(ranked, 5.min(priced));
    }
}

#[test]
fn explain_says_why_not_for_forbidden_and_unbriefed_candidates() {
    let w = cohort();
    w.enrol(
        "mentor",
        "Late Comer",
        "late@x.example",
        &["--department", "Z"],
    );
    w.sh("match c --dry-run").ok();
    let x = json(&w, "match c --explain p001 --format json");
    let why = |id: &str| {
        x["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .find(|c| c["candidate"] == id)
            .map(|c| c["why_not"].as_str().unwrap_or_default().to_string())
            .expect("candidate")
    };
    assert_eq!(why("p009"), "forbidden: the same department");
    assert!(
        why("p010").contains("p010 cannot be matched: not briefed"),
        "{}",
        why("p010")
    );
    // A mentor is explained with mentees as candidates; a table too.
    let table = w.sh("match c --explain p005").ok().stdout;
    assert!(table.contains("p005 (Person 4, mentor)"), "{table}");
    assert!(
        table.contains("ranked by what locking each pair would cost"),
        "{table}"
    );
    // No characteristic value appears in an explanation.
    for value in ["Woman", "Black British", "Chinese", "Non-binary"] {
        assert!(
            !table.contains(value) && !x.to_string().contains(value),
            "{value}"
        );
    }
    w.refuses_sh(
        "match c --explain nobody",
        1,
        &["no participant \"nobody\""],
    );
    w.refuses_sh("match c --explain p001 --lock p001=p005", 2, &["--lock"]);
}

#[test]
fn the_summary_line_names_the_lowest_pair_score_and_objective_is_a_setting() {
    let w = cohort();
    let out = w.sh("match c --dry-run").ok().stdout;
    assert!(out.contains("· lowest pair score "), "{out}");
    let v = json(&w, "match c --dry-run --format json");
    assert!(v["lowest_score"].as_f64().is_some(), "{v}");
    for objective in ["total", "fair"] {
        let toml = w
            .cohort_file("c", "cohort.toml")
            .replace(
                "objective = \"fair\"",
                &format!("objective = \"{objective}\""),
            )
            .replace(
                "objective = \"total\"",
                &format!("objective = \"{objective}\""),
            );
        w.write_cohort_file("c", "cohort.toml", toml);
        w.sh("match c --dry-run").ok();
    }
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("objective = \"fair\"", "objective = \"fairest\"");
    w.write_cohort_file("c", "cohort.toml", toml);
    w.refuses_sh("match c --dry-run", 1, &["objective"]);
}

#[test]
fn shared_interests_add_their_weight_and_are_named_in_reasons() {
    let w = Workdir::new();
    w.cohort();
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("interests = 0.0", "interests = 2.0");
    w.write_cohort_file("c", "cohort.toml", toml);
    w.write(
        "leaders.csv",
        "Name,Email,Department,What would you like to learn about?\nAnn,ann@x.example,A,\"Power and hierarchies; sexism-and-racism\"\nBo,bo@x.example,B,Organisational culture\n",
    );
    w.write(
        "mentors.csv",
        "Name,Email,Department,Which experiences are you willing to share?\nCy,cy@x.example,C,\"Sexism and racism, Power and hierarchies\"\nDi,di@x.example,D,organisational-culture\n",
    );
    w.sh("enrol c --from leaders.csv --role mentee").ok();
    w.sh("enrol c --from mentors.csv --role mentor").ok();
    assert!(
        w.cohort_file("c", "participants.csv")
            .contains("power-and-hierarchies;sexism-and-racism")
    );
    w.brief_everyone();
    let v = json(&w, "match c --dry-run --format json");
    let pairs = v["pairs"].as_array().expect("pairs");
    // Ann-Cy share two topics: 0.5 (department) + 2 x 2.0; Bo-Di one: 0.5 + 2.0.
    assert_eq!(pairs[0]["mentor"], "p003");
    assert_eq!(pairs[0]["score"], 4.5);
    assert_eq!(
        pairs[0]["reasons"],
        "other department; shares: sexism-and-racism, power-and-hierarchies"
    );
    assert_eq!(pairs[1]["score"], 2.5);
    // An unknown topic is refused with the valid list; --interest on the command line too.
    w.write(
        "bad.csv",
        "Name,Email,What would you like to learn about?\nEd,ed@x.example,Gardening\n",
    );
    w.refuses_sh(
        "enrol c --from bad.csv --role mentee",
        1,
        &[
            "bad.csv:2",
            "unknown topic Gardening",
            "power-and-hierarchies",
        ],
    );
    w.refuses_sh(
        "enrol c --role mentee --name Ed --email ed@x.example --interest gardening",
        2,
        &["--interest"],
    );
    w.enrol(
        "mentee",
        "Fi",
        "fi@x.example",
        &["--interest", "Black Lives Matter"],
    );
    assert!(
        w.cohort_file("c", "participants.csv")
            .contains(",black-lives-matter\n")
    );
}

#[test]
fn confirmed_pairs_are_explained_as_confirmed_and_a_mentor_of_two_names_both() {
    // Every pair of the shipped pilot is confirmed.
    let w = Workdir::with_shipped("pilot-2020", "p");
    let table = w.sh("match p --explain p015").ok().stdout;
    assert!(
        table.contains("p015 (Richard Hale, mentee): confirmed with p002"),
        "{table}"
    );
    assert!(!table.contains("proposed"), "{table}");
    // A mentor, in JSON, and by email.
    let x = json(
        &w,
        "match p --explain p.chandrasekar@northgate.example --format json",
    );
    assert_eq!(x["partner"], "p015");
    assert_eq!(
        x["partners"],
        serde_json::json!([{"id": "p015", "pair": "confirmed"}])
    );
    let first = &x["candidates"][0];
    assert_eq!(first["candidate"], "p015");
    assert_eq!(first["why_not"], "confirmed");
    // A mentor of two mentees (mentor_capacity = 2): the confirmed one and the one proposed now.
    let toml = w
        .cohort_file("p", "cohort.toml")
        .replace("mentor_capacity = 1", "mentor_capacity = 2");
    w.write_cohort_file("p", "cohort.toml", toml);
    w.sh("enrol p --role mentee --name 'Extra Leader' --email x.l@northgate.example --department Physics --trait gender=Man")
        .ok();
    w.sh("brief p attend b2 x.l@northgate.example").ok();
    let proposal = json(&w, "match p --dry-run --format json");
    let Some(mentor) = proposal["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .find(|p| p["mentee"] == "p026")
        .and_then(|p| p["mentor"].as_str())
    else {
        panic!("p026 unmatched: {proposal}");
    };
    let x = json(&w, &format!("match p --explain {mentor} --format json"));
    let partners = x["partners"].as_array().expect("partners");
    assert_eq!(partners.len(), 2, "{x}");
    assert_eq!(partners[0]["pair"], "confirmed");
    assert_eq!(
        partners[1],
        serde_json::json!({"id": "p026", "pair": "proposed"})
    );
    let table = w.sh(&format!("match p --explain {mentor}")).ok().stdout;
    assert!(
        table.contains("; proposed with p026 (Extra Leader)"),
        "{table}"
    );
    // A pair the solver makes now is "proposed".
    let w = cohort();
    let x = json(&w, "match c --explain p001 --format json");
    assert_eq!(x["partners"][0]["pair"], "proposed");
    assert_eq!(x["candidates"][0]["why_not"], "proposed");
}
