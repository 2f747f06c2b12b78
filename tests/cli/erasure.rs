//! Erasure that leaves no byte of the person in the cohort's folder, and says what it cannot reach.

use crate::harness::Workdir;

/// Every form a reader would recognise: the name, its parts, the email and its local part, in any
/// capitals, with look-alike letters read as Latin ones.
const FORMS: [&str; 5] = [
    "richard hale",
    "richard",
    "hale",
    "r.hale@northgate.example",
    "r.hale",
];

/// Text as a reader sees it: lower case, Cyrillic look-alikes as Latin letters.
fn seen(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'і' => 'i',
            'а' => 'a',
            'е' => 'e',
            'о' => 'o',
            'с' => 'c',
            'р' => 'p',
            _ => c,
        })
        .collect()
}

/// Every file under the cohort's folder that still holds a form of the person.
fn traces(w: &Workdir) -> Vec<String> {
    let mut found = Vec::new();
    for (file, bytes) in w.snapshot() {
        if !file.starts_with("c/") {
            continue;
        }
        let text = seen(&String::from_utf8_lossy(&bytes));
        for form in FORMS {
            if text.contains(form) {
                found.push(format!("{file}: {form}"));
            }
        }
    }
    found
}

/// Richard Hale went through every step (enrolled, briefed, paired, met, surveyed, quoted) and
/// others named him in their free text, files and outputs.
fn cohort_with_richard() -> Workdir {
    let w = Workdir::new();
    w.cohort();
    w.without_briefing_gate();
    let richard = w.enrol(
        "mentee",
        "Richard Hale",
        "r.hale@northgate.example",
        &[
            "--department",
            "President's Office",
            "--trait",
            "gender=Man",
        ],
    );
    assert_eq!(richard, "p001");
    for (i, name) in [
        "Ann Lee", "Bo Chan", "Cy Dunn", "Di Eze", "Ed Fox", "Flo Gray",
    ]
    .iter()
    .enumerate()
    {
        w.enrol(
            if i % 2 == 0 { "mentor" } else { "mentee" },
            name,
            &format!("{}@x.example", name.to_lowercase().replace(' ', ".")),
            &["--department", &format!("Unit {i}")],
        );
    }
    // Typed into the file by hand: his email as a manager and a conflict, in other capitals; a
    // column the coordinator added, naming him on someone else's row.
    let text = w.cohort_file("c", "participants.csv");
    let mut lines: Vec<String> = text.lines().map(|l| format!("{l},")).collect();
    lines[0].push_str("notes");
    lines[3] = lines[3].replacen(",,active,", ",R.Hale@Northgate.example,active,", 1);
    lines[5] = lines[5].replacen(
        ",active,2020-01-06,,",
        ",active,2020-01-06,R.HALE@northgate.example,",
        1,
    );
    lines[4].push_str("ask R.Hale@Northgate.example first");
    w.write_cohort_file("c", "participants.csv", lines.join("\n") + "\n");
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace(
            "organizer = \"\"",
            "organizer = \"coordinator@scheme.example\"",
        )
        .replace(
            "sender = \"\"",
            "sender = \"Scheme <coordinator@scheme.example>\"",
        );
    w.write_cohort_file("c", "cohort.toml", toml);
    w.sh("brief c add --date 2020-01-02 --audience all --title 'Debrief with Richard Hale'")
        .ok();
    w.sh("brief c attend b1 p001 p002 p003").ok();
    w.sh("match c --lock p001=p002").ok();
    w.sh("match c --confirm --yes").ok();
    w.run_on("2020-01-13", &["schedule", "c"]).ok();
    w.run_on(
        "2020-01-30",
        &[
            "log",
            "c",
            "p001",
            "--held",
            "2020-01-20",
            "--topics",
            "power-and-hierarchies",
        ],
    )
    .ok();
    w.run_on(
        "2020-01-30",
        &[
            "log",
            "c",
            "p004",
            "--cancelled",
            "2020-01-22",
            "--reason",
            "covering for Richard",
        ],
    )
    .ok();
    w.run_on(
        "2020-02-03",
        &[
            "withdraw",
            "c",
            "p006",
            "--reason",
            "moved to Hale's team",
            "--yes",
        ],
    )
    .ok();
    w.write(
        "final.csv",
        "Email address,I feel my voice is heard and valued by senior leaders,Anything you would like to share about the scheme?,May we quote you anonymously?\n\
         ann.lee@x.example,4,My mentee Richard Hale was brilliant,Yes\n\
         bo.chan@x.example,,\"Rіchard (with a Cyrillic і) listened, r.hale@northgate.example\",Yes\n\
         r.hale@northgate.example,,I learned from Ann,Yes\n",
    );
    w.run_on(
        "2020-07-24",
        &["survey", "c", "import", "final.csv", "--phase", "final"],
    )
    .ok();
    w.sh("survey c quotes --approve p002-final --approve p003-final --approve p001-final")
        .ok();
    // Outputs: a pair list and a calendar inside the cohort's folder, a pair list outside it, a
    // summary outside (which names no one), and a note the coordinator left in the folder.
    std::fs::create_dir(w.path().join("outside")).expect("mkdir");
    w.sh("export c --pairs --out cohorts/c/pairs.csv").ok();
    w.run_on(
        "2020-01-13",
        &["schedule", "c", "--ics", "cohorts/c/one-to-ones.ics"],
    )
    .ok();
    w.sh("export c --pairs --out outside/pairs.csv").ok();
    w.run_on(
        "2020-07-24",
        &["export", "c", "--out", "outside/summary.md"],
    )
    .ok();
    w.write_cohort_file("c", "notes.txt", "Richard Hale prefers mornings.\n");
    // Introductions drafted into a folder outside the cohort's: registered too.
    w.run_on(
        "2020-01-13",
        &["notify", "c", "introduction", "--drafts", "outside/drafts"],
    )
    .ok();
    w
}

#[test]
fn erasure_leaves_no_form_of_the_person_in_any_byte_of_the_cohort_folder() {
    let w = cohort_with_richard();
    assert!(
        traces(&w).len() > 10,
        "the fixture names him widely: {:?}",
        traces(&w)
    );
    let register = w.cohort_file("c", "outputs.csv");
    assert!(
        register.starts_with("path,kind,written_on,people\npairs.csv,pairs,2020-01-06,p001;p002;"),
        "{register}"
    );
    assert!(
        register.contains("outside/summary.md,summary,2020-07-24,\n"),
        "{register}"
    );
    let run = w
        .run_on("2020-07-25", &["withdraw", "c", "p001", "--erase", "--yes"])
        .ok();
    let out = &run.stdout;
    assert!(out.contains("rewrote pairs.csv"), "{out}");
    assert!(out.contains("rewrote one-to-ones.ics"), "{out}");
    assert!(out.contains("rewrote notes.txt"), "{out}");
    assert!(
        out.contains("still names them, outside the cohort's folder:")
            && out.contains("outside/pairs.csv"),
        "{out}"
    );
    assert!(
        !out.contains("summary.md"),
        "the summary named no one: {out}"
    );
    assert_eq!(traces(&w), Vec::<String>::new());
    // Others' words stay, without him; their emails that named him became his id.
    let responses = w.cohort_file("c", "responses.csv");
    assert!(
        responses.contains("My mentee [name] was brilliant"),
        "{responses}"
    );
    let participants = w.cohort_file("c", "participants.csv");
    assert!(participants.contains(",p001,active,"), "{participants}");
    assert!(participants.contains("ask [email] first"), "{participants}");
    assert!(
        w.cohort_file("c", "briefings.csv")
            .contains("Debrief with [name]")
    );
    // The next summary prints no quote naming him.
    let md = w.run_on("2020-07-25", &["export", "c"]).ok().stdout;
    assert!(
        !seen(&md).contains("richard") && !seen(&md).contains("hale"),
        "{md}"
    );
    // The register: the files inside no longer name him; the one outside does, until deleted.
    let register = w.cohort_file("c", "outputs.csv");
    assert!(
        !register.contains("\npairs.csv,pairs,2020-01-06,p001"),
        "{register}"
    );
    assert!(
        register.contains("outside/pairs.csv,pairs,2020-01-06,p001;"),
        "{register}"
    );
}

#[test]
fn subject_access_gives_everything_on_one_person_and_nothing_on_anyone_else() {
    let w = cohort_with_richard();
    let json = w
        .run_on(
            "2020-07-24",
            &[
                "export",
                "c",
                "--person",
                "R.Hale@Northgate.example",
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let files = &v["files"];
    assert_eq!(files["participants.csv"][0]["name"], "Richard Hale");
    assert_eq!(
        files["participants.csv"][0]["department"],
        "President's Office"
    );
    assert_eq!(files["characteristics.csv"][0]["gender"], "Man");
    assert_eq!(files["matches.csv"][0]["mentor"], "their mentor");
    assert!(
        files["meetings.csv"]
            .as_array()
            .is_some_and(|m| !m.is_empty())
    );
    assert_eq!(files["responses.csv"][0]["answer"], "I learned from [name]");
    assert!(files["attendance.csv"][0]["briefing"] == "b1");
    assert_eq!(files["messages.csv"][0]["kind"], "introduction");
    assert!(
        files["outputs.csv"]
            .as_array()
            .is_some_and(|o| o.len() == 4),
        "{json}"
    );
    // Nobody else: no other name, email or id.
    let lower = json.to_lowercase();
    for other in [
        "ann lee",
        "bo chan",
        "cy dunn",
        "di eze",
        "ed fox",
        "flo gray",
        "\"ann\"",
        "x.example",
        "p002",
        "p003",
    ] {
        assert!(!lower.contains(other), "{other} in {json}");
    }
    let md = w
        .run_on("2020-07-24", &["export", "c", "--person", "p001"])
        .ok()
        .stdout;
    assert!(md.starts_with("# What cohort c holds on p001"), "{md}");
    assert!(md.contains("- name: Richard Hale"), "{md}");
    w.refuses_sh(
        "export c --person p001 --format html",
        2,
        &["--person is written as md or json"],
    );
    w.refuses_sh("export c --person nobody@x.example", 1, &["no participant"]);
}

#[test]
fn erasing_a_short_name_from_long_text_leaves_every_file_readable() {
    // "[name]" is longer than "Al": text near its column's limit that names Al often would grow
    // past it, and the cohort would no longer open.
    let w = Workdir::with_shipped("pilot-2020", "p");
    w.sh(
        "enrol p --role mentee --name 'Al Bo' --email al.bo@northgate.example --department Physics",
    )
    .ok();
    let reason = "Al said so. ".repeat(83);
    let reason = reason.trim();
    assert!(reason.chars().count() <= 1_000);
    w.run(&[
        "withdraw",
        "p",
        "p013",
        &format!("--reason={reason}"),
        "--yes",
    ])
    .ok();
    let title = "Al, ".repeat(49);
    w.run(&[
        "brief",
        "p",
        "add",
        "--date",
        "2020-01-20",
        "--audience",
        "all",
        "--title",
        title.trim(),
    ])
    .ok();
    w.sh("withdraw p al.bo@northgate.example --erase --yes")
        .ok();
    w.sh("status p").ok();
    w.sh("check p").ok();
    let participants = w.cohort_file("p", "participants.csv");
    let row = participants
        .lines()
        .find(|l| l.starts_with("p013,"))
        .expect("p013");
    assert!(!row.contains("Al said"), "{row}");
    assert!(row.contains("[name] said so. [name] said so."), "{row}");
    assert!(row.contains('…'), "{row}");
    let briefings = w.cohort_file("p", "briefings.csv");
    assert!(!briefings.contains("Al,"), "{briefings}");
}
