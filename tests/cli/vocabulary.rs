//! One answer however it is spelt: `[characteristics.values]`, `revmentor values`, and the warning
//! when mentors' and mentees' answers do not overlap or look alike.

use crate::harness::Workdir;

/// Mentees answer gender as `leaders`, mentors as `mentors`; everyone in their own department,
/// briefed.
fn cohort(leaders: &[&str], mentors: &[&str]) -> Workdir {
    let w = Workdir::new();
    w.cohort();
    for (i, g) in leaders.iter().enumerate() {
        w.enrol(
            "mentee",
            &format!("Lead {i}"),
            &format!("lead{i}@x.example"),
            &[
                "--department",
                &format!("L{i}"),
                "--trait",
                &format!("gender={g}"),
            ],
        );
    }
    for (i, g) in mentors.iter().enumerate() {
        w.enrol(
            "mentor",
            &format!("Mentor {i}"),
            &format!("mentor{i}@x.example"),
            &[
                "--department",
                &format!("M{i}"),
                "--trait",
                &format!("gender={g}"),
            ],
        );
    }
    w.brief_everyone();
    w
}

fn add_values(w: &Workdir, line: &str) {
    let toml = w.cohort_file("c", "cohort.toml").replace(
        "# gender = { Woman = [\"Female\", \"F\"], Man = [\"Male\", \"M\"] }",
        line,
    );
    w.write_cohort_file("c", "cohort.toml", toml);
}

/// Each proposed pair with its reasons and both people's declared gender.
fn pairs(w: &Workdir) -> Vec<(String, String, String)> {
    let v: serde_json::Value =
        serde_json::from_str(&w.sh("match c --dry-run --format json").ok().stdout).expect("json");
    let traits = w.cohort_file("c", "characteristics.csv");
    let gender = |id: &str| {
        traits
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .and_then(|l| l.split(',').nth(1))
            .unwrap_or_default()
            .to_string()
    };
    v["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            (
                gender(p["mentee"].as_str().unwrap_or_default()),
                gender(p["mentor"].as_str().unwrap_or_default()),
                p["reasons"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn with_synonyms_no_woman_is_paired_with_a_woman_as_differing_in_gender() {
    let w = cohort(
        &["Female", "Female", "Male", "Female"],
        &["Woman", "Woman", "Man", "Man"],
    );
    add_values(
        &w,
        "gender = { Woman = [\"Female\", \"F\"], Man = [\"Male\", \"M\"] }",
    );
    let pairs = pairs(&w);
    assert_eq!(pairs.len(), 4);
    for (mentee, mentor, reasons) in &pairs {
        let same = (mentee == "Female") == (mentor == "Woman");
        assert_eq!(
            reasons.contains("gender"),
            !same,
            "{mentee} / {mentor}: {reasons}"
        );
    }
    // The man gets a woman, both men mentor women: three pairs differ in gender, not four.
    assert_eq!(pairs.iter().filter(|p| p.2.contains("gender")).count(), 3);
    // The files keep what people declared.
    assert!(
        w.cohort_file("c", "characteristics.csv")
            .contains(",Female,")
    );
    // No warning once the spellings are one answer.
    assert!(!w.sh("match c --dry-run").ok().stderr.contains("warning"));
}

#[test]
fn without_synonyms_the_warning_names_both_spellings_in_enrol_match_and_status() {
    let w = cohort(&["Female", "Male"], &["Woman", "Man"]);
    for line in ["match c --dry-run", "match c --explain p001", "status c"] {
        let run = w.sh(line).ok();
        for s in [
            "gender",
            "\"Female\"",
            "\"Woman\"",
            "\"Male\"",
            "\"Man\"",
            "no value in common",
        ] {
            assert!(run.stderr.contains(s), "{line}: lacks {s}:\n{}", run.stderr);
        }
        // The values are the coordinator's warning only, never in the listing.
        assert!(!run.stdout.contains("Female"), "{line}: {}", run.stdout);
    }
    let run = w.sh("enrol c --role mentor --name Zoe --email zoe@x.example --trait gender=Woman");
    assert!(run.ok().stderr.contains("\"Female\""));
}

#[test]
fn look_alike_spellings_are_named_even_when_other_answers_overlap() {
    // Each kind: another word for one answer, one letter, a hyphen, a typing slip.
    for (leader, mentor) in [
        ("female", "Woman"),
        ("F", "Female"),
        ("Non-binary", "Non binary"),
        ("Hetrosexual", "Heterosexual"),
    ] {
        let w = cohort(&[leader, "Man"], &[mentor, "Man"]);
        let run = w.sh("match c --dry-run").ok();
        assert!(
            run.stderr
                .contains(&format!("mentors' \"{mentor}\" and mentees' \"{leader}\"")),
            "{leader}/{mentor}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("look like one answer spelt two ways"));
    }
    // Different answers are not flagged.
    let w = cohort(&["Woman", "Man"], &["Man", "Woman"]);
    assert!(!w.sh("match c --dry-run").ok().stderr.contains("warning"));
}

#[test]
fn values_lists_answers_by_role_and_rename_rewrites_a_spelling() {
    let w = cohort(&["Female", "female", "Male"], &["Woman", "Man"]);
    add_values(&w, "gender = { Woman = [\"Female\"] }");
    let out = w.sh("values c --format csv").ok().stdout;
    assert!(out.contains("gender,Woman,1,2,"), "{out}");
    assert!(
        out.contains(
            "\"\"\"Female\"\" (1 mentee), \"\"female\"\" (1 mentee), \"\"Woman\"\" (1 mentor)\""
        ),
        "{out}"
    );
    assert!(out.contains("gender,Male,0,1,"), "{out}");
    assert!(out.contains("ethnicity,(not known),2,3,"), "{out}");
    // A dry run writes nothing; the rename rewrites every spelling, any case.
    let before = w.snapshot();
    w.sh("values c --rename gender:female=Woman --dry-run").ok();
    assert_eq!(before, w.snapshot());
    let run = w
        .sh("values c --rename gender:female=Woman --rename gender:Male=Man")
        .ok();
    assert!(run.stdout.contains("rewrote 2 answers"), "{}", run.stdout);
    let traits = w.cohort_file("c", "characteristics.csv");
    assert!(
        !traits.to_lowercase().contains("female") && !traits.contains("Male"),
        "{traits}"
    );
    // Every problem at once, nothing changed.
    w.refuses_sh(
        "values c --rename gender:Nobody=Woman --rename height:Tall=Short --rename gender:Man==SUM(1)",
        1,
        &["nobody answered \"Nobody\"", "\"height\" is not a characteristic", "formula"],
    );
    // "Prefer not to say" (any spelling of not known) is never turned into an answer.
    w.refuses_sh(
        "values c --rename 'gender:prefer not to say=Woman' --rename 'gender:Unknown=Man'",
        1,
        &[
            "'gender:prefer not to say=Woman': \"prefer not to say\" is how people chose not to answer",
            "'gender:Unknown=Man': \"Unknown\" is how people chose not to answer",
        ],
    );
    w.refuses_sh(
        "values c --rename gender-Woman",
        2,
        &["'gender:Female=Woman'"],
    );
}

#[test]
fn a_spelling_under_two_values_or_an_unknown_characteristic_is_refused_in_cohort_toml() {
    let w = cohort(&["Female"], &["Woman"]);
    add_values(
        &w,
        "gender = { Woman = [\"F\"], Man = [\"F\"] }\nheight = { Tall = [\"T\"] }\ndisability = { Yes = [\"No\"], No = [\"N\"] }",
    );
    w.refuses_sh(
        "match c --dry-run",
        1,
        &[
            "\"F\" is given as a spelling of both",
            "[characteristics.values] height: not a characteristic",
            "\"No\" is a value of its own and a spelling of \"Yes\"",
        ],
    );
}

#[test]
fn a_not_known_answer_or_an_empty_name_in_cohort_toml_is_refused_and_changes_nothing() {
    let w = cohort(&["Prefer not to say", "Man"], &["Woman", "Man"]);
    add_values(
        &w,
        "gender = { Woman = [\"Prefer not to say\", \"F\"], \"\" = [\"x\"] }\ndisability = { Yes = [\" unknown \"], Unknown = [\"Prefer not to say\"] }",
    );
    let before = w.snapshot();
    let out = w.refuses_sh(
        "match c --dry-run",
        1,
        &[
            "gender: \"Prefer not to say\" means not known and is never read as \"Woman\"",
            "disability: \" unknown \" means not known and is never read as \"Yes\"",
            "gender: a value with an empty name (its spellings: \"x\")",
        ],
    );
    // Two not-known spellings of each other say nothing wrong.
    assert!(!out.stderr.contains("as \"Unknown\""), "{}", out.stderr);
    w.refuses_sh("values c", 1, &["means not known"]);
    w.refuses_sh("status c", 1, &["means not known"]);
    assert_eq!(before, w.snapshot());
}

#[test]
fn a_value_mapped_onto_prefer_not_to_say_is_not_known() {
    let w = cohort(&["Rather not say", "Man"], &["Woman", "Man"]);
    add_values(
        &w,
        "gender = { \"Prefer not to say\" = [\"Rather not say\"] }",
    );
    let pairs = pairs(&w);
    let rather = pairs
        .iter()
        .find(|p| p.0 == "Rather not say")
        .expect("pair");
    assert!(!rather.2.contains("gender"), "{rather:?}");
}
