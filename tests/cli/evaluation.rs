//! `survey import` and `export`: form exports in, the suppressed summary and the pair list out.

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};

use crate::harness::Workdir;

const MENTORS: [&str; 6] = [
    "Ottoline Abernathy",
    "Perpetua Blackwood",
    "Quillon Carraway",
    "Rosalind Dunmore",
    "Severin Eastlake",
    "Thaddeus Fairweather",
];
const MENTEES: [&str; 6] = [
    "Ulrika Galloway",
    "Valentin Hartigan",
    "Wilhelmina Ingleby",
    "Xavier Jessop",
    "Yolanda Kilbride",
    "Zebedee Lockhart",
];
const DEPARTMENTS: [&str; 12] = [
    "Kestrel Unit",
    "Lynx Office",
    "Marten Lab",
    "Nightjar Hall",
    "Osprey House",
    "Puffin Wing",
    "Quokka Board",
    "Raven Court",
    "Stoat Suite",
    "Tern Tower",
    "Urchin Annex",
    "Vole Vault",
];

const Q_CONFIDENCE: &str =
    "I feel confident talking about race and other challenging conversations";
const Q_AWARENESS: &str =
    "I am aware of the experiences and perspectives of colleagues different from me";
const Q_HEARD: &str = "I feel my voice is heard and valued by senior leaders";
const Q_EMPOWERED: &str = "I feel empowered to contribute to change in the organisation";

fn email(name: &str) -> String {
    format!("{}@x.example", name.to_lowercase().replace(' ', "."))
}

/// One person of the fixture: id, role, name, email, department, characteristic values.
type Person = (
    String,
    &'static str,
    &'static str,
    String,
    &'static str,
    [String; 2],
);

/// Everyone in the fixture.
fn people() -> Vec<Person> {
    MENTORS
        .iter()
        .map(|n| ("mentor", *n))
        .chain(MENTEES.iter().map(|n| ("mentee", *n)))
        .enumerate()
        .map(|(i, (role, name))| {
            (
                format!("p{:03}", i + 1),
                role,
                name,
                email(name),
                DEPARTMENTS[i],
                [format!("Gendervalue{i}"), format!("Ethnicvalue{i}")],
            )
        })
        .collect()
}

/// Cohort `c` with six mentors (p001-p006) and six mentees (p007-p012), enrolled from a form.
fn enrolled() -> Workdir {
    let w = Workdir::new();
    w.cohort();
    let mut form = String::from("Role,Full name,Email address,Department,Gender,Ethnicity\n");
    for (_, role, name, email, dept, [g, e]) in people() {
        let _ = writeln!(form, "{role},{name},{email},{dept},{g},{e}");
    }
    w.write("people.csv", form);
    w.run(&["enrol", "c", "--from", "people.csv"]).ok();
    w
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// The fixture the summary tests use: briefed, paired, meeting, surveyed at both ends.
fn fixture() -> Workdir {
    let w = enrolled();
    w.brief_everyone();
    // The group evaluation session: every mentor and two mentees came.
    w.run_on(
        "2020-07-20",
        &[
            "brief",
            "c",
            "add",
            "--date",
            "2020-07-20",
            "--audience",
            "all",
            "--kind",
            "evaluation",
            "--hours",
            "2",
        ],
    )
    .ok();
    w.run_on(
        "2020-07-20",
        &[
            "brief", "c", "attend", "b2", "p001", "p002", "p003", "p004", "p005", "p006", "p007",
            "p008",
        ],
    )
    .ok();
    let mut matches = String::from(
        "mentee,mentor,score,reasons,status,proposed_on,confirmed_on,ended_on,end_reason\n",
    );
    for i in 1..=6 {
        let _ = writeln!(
            matches,
            "p{:03},p{i:03},2,differs in gender,confirmed,2020-01-10,2020-01-13,,",
            i + 6
        );
    }
    w.write_cohort_file("c", "matches.csv", matches);
    w.write_cohort_file("c", "meetings.csv", meetings());
    w.write("baseline.csv", survey(&baseline_rows()));
    w.write("final.csv", survey(&final_rows()));
    w.run_on(
        "2020-01-20",
        &[
            "survey",
            "c",
            "import",
            "baseline.csv",
            "--phase",
            "baseline",
        ],
    )
    .ok();
    w.run_on(
        "2020-07-24",
        &["survey", "c", "import", "final.csv", "--phase", "final"],
    )
    .ok();
    w.sh("survey c quotes --approve p001-baseline --approve p002-final --approve p007-final")
        .ok();
    w
}

/// Meetings seven weeks apart for five pairs; the sixth pair lapses after a ten-week gap.
fn meetings() -> String {
    let topics = [
        "organisational-culture;experiences-and-perspectives",
        "power-and-hierarchies;organisational-culture",
        "black-lives-matter;Organisational-Culture",
        "sexism-and-racism;talked-about-zebedee",
    ];
    let mut out = String::from(
        "mentee,mentor,number,due_from,due_by,planned,status,date,minutes,topics,reason\n",
    );
    for pair in 1..=6u64 {
        let mentee = format!("p{:03}", pair + 6);
        let mentor = format!("p{pair:03}");
        let first = date("2020-01-20") + Days::new(pair);
        let days: &[u64] = if pair == 6 {
            &[0, 70]
        } else {
            &[0, 49, 98, 147]
        };
        for (n, d) in days.iter().enumerate() {
            let day = first + Days::new(*d);
            let t = if pair <= 2 || n < 2 {
                topics[n]
            } else {
                topics[0]
            };
            let (status, reason) = if pair == 5 && n == 2 {
                ("cancelled", "diary clash")
            } else {
                ("held", "")
            };
            let tags = if status == "held" { t } else { "" };
            let _ = writeln!(
                out,
                "{mentee},{mentor},{},{},{},{day},{status},{day},{},{tags},{reason}",
                n + 1,
                day - Days::new(7),
                day + Days::new(7),
                if status == "held" { "55" } else { "" },
            );
        }
        if pair == 6 {
            let _ = writeln!(
                out,
                "{mentee},{mentor},3,2020-07-20,2020-07-31,2020-07-28,planned,,,,"
            );
        }
    }
    out
}

/// (email, mentee answers [confidence, awareness], mentor answers [heard, empowered], quote, consent)
type Row = (
    String,
    [&'static str; 2],
    [&'static str; 2],
    &'static str,
    &'static str,
);

fn survey(rows: &[Row]) -> String {
    let mut out = format!(
        "Timestamp,Email address,{Q_CONFIDENCE},{Q_AWARENESS},{Q_HEARD},{Q_EMPOWERED},Anything you would like to share about the scheme?,May we quote you anonymously?\n"
    );
    for (i, (email, mentee, mentor, quote, consent)) in rows.iter().enumerate() {
        let _ = writeln!(
            out,
            "2020/01/17 09:{i:02}:00,{email},{},{},{},{},\"{}\",{consent}",
            mentee[0],
            mentee[1],
            mentor[0],
            mentor[1],
            quote.replace('"', "\"\"")
        );
    }
    out
}

fn baseline_rows() -> Vec<Row> {
    let mut rows: Vec<Row> = MENTORS
        .iter()
        .map(|n| (email(n), ["", ""], ["Disagree", "2"], "", ""))
        .collect();
    rows[0].3 = "=HYPERLINK(\"http://x\") nervous but keen";
    rows[0].4 = "Yes";
    rows.extend(
        MENTEES
            .iter()
            .map(|n| (email(n), ["Disagree", "Neutral"], ["", ""], "", "")),
    );
    rows
}

fn final_rows() -> Vec<Row> {
    let mut rows: Vec<Row> = MENTORS
        .iter()
        .map(|n| (email(n), ["", ""], ["Agree", "Strongly agree"], "", ""))
        .collect();
    rows[1].3 = "Ulrika Galloway listened; it felt empowering";
    rows[1].4 = "Yes";
    rows.extend(
        MENTEES[..5]
            .iter()
            .map(|n| (email(n), ["agree", "4"], ["", ""], "", "")),
    );
    rows[6].3 = "<script>alert(1)</script> I learned a lot";
    rows[6].4 = "Yes";
    rows[7].3 = "Nobody should read this: NOCONSENT words";
    rows[7].4 = "No";
    rows
}

fn export(w: &Workdir, format: &str) -> String {
    w.run_on("2020-07-24", &["export", "c", "--format", format])
        .ok()
        .stdout
}

#[test]
fn survey_import_reads_labels_numbers_and_mapped_columns() {
    let w = enrolled();
    w.write(
        "form.csv",
        format!(
            "Timestamp,Email address,{Q_CONFIDENCE},Awareness (1-5),heard,Comments,Consent\n\
             2020/01/17 09:00:00, Ulrika.Galloway@X.example ,Strongly AGREE,4,,Great start,Yes\n\
             2020/01/17 09:05:00,ottoline.abernathy@x.example,,,Neither agree nor disagree,Hmm,no\n\
             2020/01/17 09:06:00,valentin.hartigan@x.example,,,,,\n"
        ),
    );
    let run = w
        .run(&[
            "survey",
            "c",
            "import",
            "form.csv",
            "--phase",
            "baseline",
            "--map",
            "Awareness (1-5)=awareness",
        ])
        .ok();
    assert!(
        run.stdout
            .contains("\"Awareness (1-5)\" -> question awareness"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "recorded 3 respondents (1 mentor, 2 mentees): 3 answers, 2 quotes (1 may be quoted)"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        w.cohort_file("c", "responses.csv"),
        "participant,phase,question,answer,consent,approval,published\n\
         p007,baseline,confidence_race,5,,,\n\
         p007,baseline,awareness,4,,,\n\
         p007,baseline,quote,Great start,yes,,\n\
         p001,baseline,heard,3,,,\n\
         p001,baseline,quote,Hmm,no,,\n"
    );
}

#[test]
fn survey_import_lists_every_unknown_email_and_writes_nothing() {
    let w = enrolled();
    w.write(
        "form.csv",
        format!(
            "Timestamp,Email address,{Q_CONFIDENCE}\n\
             t,ulrika.galloway@x.example,Agree\n\
             t,stranger@x.example,Agree\n\
             t,valentin.hartigan@x.example,Agree\n\
             t,Another.One@x.example,Agree\n"
        ),
    );
    w.refuses(
        &["survey", "c", "import", "form.csv", "--phase", "final"],
        1,
        &[
            "nothing was written",
            "2 email addresses in form.csv belong to no participant",
            "stranger@x.example (line 3)",
            "Another.One@x.example (line 5)",
        ],
    );
}

#[test]
fn survey_import_names_file_line_column_value_and_what_is_valid() {
    let w = enrolled();
    w.write(
        "form.csv",
        format!(
            "Timestamp,Email address,{Q_CONFIDENCE},{Q_HEARD}\n\
             t,ulrika.galloway@x.example,Agree,\n\
             t,valentin.hartigan@x.example,Mostly,\n\
             t,ottoline.abernathy@x.example,,7\n"
        ),
    );
    w.refuses(
        &["survey", "c", "import", "form.csv", "--phase", "baseline"],
        1,
        &[
            "2 problems in form.csv; nothing was written",
            &format!("form.csv:3: column \"{Q_CONFIDENCE}\": \"Mostly\" is not an answer: expected 1 to 5 or one of Strongly disagree, Disagree, Neither agree nor disagree (or Neutral), Agree, Strongly agree"),
            &format!("form.csv:4: column \"{Q_HEARD}\": \"7\" is not an answer"),
        ],
    );
    // A column it cannot place is reported with the way out.
    w.write(
        "odd.csv",
        "Email address,Favourite colour\nulrika.galloway@x.example,blue\n",
    );
    w.refuses(
        &["survey", "c", "import", "odd.csv", "--phase", "baseline"],
        1,
        &[
            "column \"Favourite colour\" is not a question of this cohort",
            "--ignore-column 'Favourite colour'",
        ],
    );
    w.run(&[
        "survey",
        "c",
        "import",
        "odd.csv",
        "--phase",
        "baseline",
        "--ignore-column",
        "Favourite colour",
    ])
    .ok();
}

#[test]
fn survey_reimport_replaces_that_phase_and_never_duplicates() {
    let w = enrolled();
    let form = |answer: &str| {
        format!(
            "Email address,{Q_CONFIDENCE},{Q_HEARD}\nulrika.galloway@x.example,{answer},Agree\nottoline.abernathy@x.example,,Agree\n"
        )
    };
    w.write("b.csv", form("Disagree"));
    w.write("f.csv", form("Agree"));
    w.run(&["survey", "c", "import", "b.csv", "--phase", "baseline"])
        .ok();
    w.run(&["survey", "c", "import", "f.csv", "--phase", "final"])
        .ok();
    w.write("b.csv", form("Strongly disagree"));
    let run = w
        .run(&["survey", "c", "import", "b.csv", "--phase", "baseline"])
        .ok();
    assert!(
        run.stdout
            .contains("replaced the earlier baseline answers of 2 respondents"),
        "{}",
        run.stdout
    );
    // The mentee's answer to the mentors' question is left out, never recorded.
    assert!(run.stdout.contains("left out 1 answer"), "{}", run.stdout);
    assert_eq!(
        w.cohort_file("c", "responses.csv"),
        "participant,phase,question,answer,consent,approval,published\n\
         p007,final,confidence_race,4,,,\n\
         p001,final,heard,4,,,\n\
         p007,baseline,confidence_race,1,,,\n\
         p001,baseline,heard,4,,,\n"
    );
}

#[test]
fn summary_shows_paired_change_and_suppresses_small_cells_with_a_secondary() {
    let w = fixture();
    let md = export(&w, "md");
    // Participants: six of each role, all active. Beside the exact total of 6, any breakdown by
    // status says something about fewer than five ("active" is at least 5, so at most one left),
    // so the role is not broken down at all.
    assert!(md.contains("| mentors | – | – | – | – | 6 |"), "{md}");
    // The evaluation session: two mentees is too few, and the mentors' 6 or the total 8 would
    // give them away.
    assert!(
        md.contains("| 2020-07-20 group evaluation session for all, 2 h | [c] | <5 | [c] |"),
        "{md}"
    );
    // Paired change for mentees (5 answered both) and mentors (6).
    assert!(
        md.contains(&format!(
            "| {Q_CONFIDENCE} | mentees | 5 | 2.00 | 4.00 | +2.00 |"
        )),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "| {Q_EMPOWERED} | mentors | 6 | 2.00 | 5.00 | +3.00 |"
        )),
        "{md}"
    );
    // Everyone's baseline mean for mentees is 6 people, one more than the paired 5: withheld.
    assert!(
        md.contains(&format!(
            "| {Q_CONFIDENCE} | mentees | 6 | [c] | 5 | 4.00 | [c] |"
        )),
        "{md}"
    );
    // Topics: two pairs raised sexism and racism; every pair raised organisational culture
    // (tags compared in any case); a tag not in cohort.toml counts as "other".
    assert!(md.contains("| sexism-and-racism | <5 |"), "{md}");
    assert!(md.contains("| organisational-culture | 6 |"), "{md}");
    assert!(md.contains("| other | <5 |"), "{md}");
    assert!(md.contains("Pairs that lapsed: <5"), "{md}");
    assert!(
        md.contains("15 intervals between consecutive held meetings of 6 pairs: median 7.0 weeks"),
        "{md}"
    );

    let json: serde_json::Value = serde_json::from_str(&export(&w, "json")).expect("json");
    let s = &json["summary"];
    assert_eq!(s["min_group"], 5);
    assert_eq!(s["questions"][0]["paired"]["change"], 2.0);
    assert_eq!(s["questions"][0]["unpaired"]["baseline_mean"], "[c]");
    assert_eq!(s["pairs_lapsed"], "<5");
}

#[test]
fn small_cohort_reads_below_the_configured_threshold_and_hides_quotes() {
    let w = Workdir::new();
    w.cohort();
    for (role, name) in [
        ("mentor", MENTORS[0]),
        ("mentor", MENTORS[1]),
        ("mentor", MENTORS[2]),
        ("mentee", MENTEES[0]),
        ("mentee", MENTEES[1]),
        ("mentee", MENTEES[2]),
    ] {
        w.enrol(role, name, &email(name), &[]);
    }
    let rows: Vec<Row> = MENTEES[..3]
        .iter()
        .map(|n| {
            (
                email(n),
                ["Agree", "Agree"],
                ["", ""],
                "A quote of mine",
                "Yes",
            )
        })
        .collect();
    w.write("f.csv", survey(&rows));
    w.write("b.csv", survey(&rows));
    w.run(&["survey", "c", "import", "b.csv", "--phase", "baseline"])
        .ok();
    w.run(&["survey", "c", "import", "f.csv", "--phase", "final"])
        .ok();
    let md = export(&w, "md");
    assert!(
        md.contains(&format!("| {Q_CONFIDENCE} | mentees | <5 | <5 | <5 | <5 |")),
        "{md}"
    );
    assert!(!md.contains("A quote of mine"), "{md}");
    assert!(md.contains("No quotes to show."), "{md}");

    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("min_group = 5", "min_group = 3");
    w.write_cohort_file("c", "cohort.toml", toml);
    let md = export(&w, "md");
    assert!(
        md.contains(&format!(
            "| {Q_CONFIDENCE} | mentees | 3 | 4.00 | 4.00 | 0.00 |"
        )),
        "{md}"
    );
    assert!(md.contains("| mentors | – | – | – | – | 3 |"), "{md}");
    // Consented, but not yet approved by the coordinator: not published.
    assert!(!md.contains("A quote of mine"), "{md}");
    w.sh("survey c quotes --approve p004-final").ok();
    assert!(export(&w, "md").contains("A quote of mine"));
}

#[test]
fn no_name_email_id_department_or_characteristic_appears_in_any_format() {
    let w = fixture();
    for format in ["md", "html", "csv", "json"] {
        let text = export(&w, format).to_lowercase();
        for (id, _, name, email, dept, traits) in people() {
            let mut needles = vec![id, email, dept.to_lowercase()];
            needles.extend(name.split(' ').map(str::to_lowercase));
            needles.extend(traits.iter().map(|t| t.to_lowercase()));
            for needle in needles {
                assert!(
                    !text.contains(&needle),
                    "{format} export contains {needle:?}"
                );
            }
        }
    }
}

#[test]
fn quotes_need_consent_and_are_escaped_everywhere() {
    let w = fixture();
    // A respondent's comment that begins like a formula is stored behind a `'`, so responses.csv
    // opens in a spreadsheet without running it, and is read back word for word.
    let stored = w.cohort_file("c", "responses.csv");
    assert!(
        stored.contains(",quote,\"'=HYPERLINK(\"\"http://x\"\") nervous but keen\","),
        "{stored}"
    );
    assert!(!stored.contains(",\"=HYPERLINK"), "{stored}");
    let json = export(&w, "json");
    assert!(
        json.contains("\"=HYPERLINK(\\\"http://x\\\") nervous but keen\""),
        "{json}"
    );
    let html = export(&w, "html");
    assert!(!html.contains("<script"), "a quote became markup");
    assert!(
        !html.contains("NOCONSENT"),
        "a quote without consent is shown"
    );
    assert!(
        html.contains("<blockquote>&lt;script&gt;alert(1)&lt;/script&gt; I learned a lot<footer>— a mentee, final survey</footer></blockquote>"),
        "{html}"
    );
    // A name in a quote is replaced; the quote is attributed to a role only.
    assert!(
        html.contains("[name] listened; it felt empowering<footer>— a mentor, final survey"),
        "{html}"
    );
    let md = export(&w, "md");
    assert!(
        md.contains("> \\<script\\>alert(1)\\</script\\> I learned a lot"),
        "{md}"
    );
    assert!(!md.contains("NOCONSENT"));
    let csv = export(&w, "csv");
    assert!(!csv.contains("NOCONSENT"));
    assert!(
        csv.contains("quotes,\"a mentor, baseline survey\",,\"'=HYPERLINK(\"\"http://x\"\") nervous but keen\"\n"),
        "{csv}"
    );
    // A negative or signed number is a number, not a formula.
    assert!(
        csv.contains("survey paired,confidence_race,change,+2.00\n"),
        "{csv}"
    );
    assert!(!export(&w, "json").contains("NOCONSENT"));
}

#[test]
fn erasure_deletes_a_persons_quotes_but_keeps_their_answers() {
    let w = fixture();
    assert!(
        w.cohort_file("c", "responses.csv")
            .contains("I learned a lot")
    );
    w.run_on(
        "2020-07-25",
        &["withdraw", "c", &email(MENTEES[0]), "--erase", "--yes"],
    )
    .ok();
    let responses = w.cohort_file("c", "responses.csv");
    assert!(!responses.contains("I learned a lot"), "{responses}");
    assert!(
        responses.contains("p007,final,confidence_race,4,"),
        "{responses}"
    );
}

#[test]
fn pairs_export_is_a_mail_merge_with_formulas_neutralised() {
    let w = Workdir::new();
    w.cohort();
    // Formulas are refused at entry; these were typed into the file by hand.
    w.write_cohort_file(
        "c",
        "participants.csv",
        "id,role,name,email,department,grade,manager,status,enrolled_on,conflicts\n\
         p001,mentor,=cmd|' /C calc'!A0,m@x.example,,,,active,2020-01-06,\n\
         p002,mentee,+Plus Name,e@x.example,Secret Dept,,,active,2020-01-06,\n\
         p003,mentee,@At Name,f@x.example,,,,active,2020-01-06,\n\
         p004,mentor,-Minus Name,g@x.example,,,,active,2020-01-06,\n",
    );
    w.write_cohort_file(
        "c",
        "matches.csv",
        "mentee,mentor,score,reasons,status,proposed_on,confirmed_on,ended_on,end_reason\n\
         p002,p001,1,differs in gender,confirmed,2020-01-10,2020-01-13,,\n\
         p003,p004,1,differs in gender,proposed,2020-01-10,,,\n",
    );
    let csv = w.run(&["export", "c", "--pairs"]).ok().stdout;
    assert_eq!(
        csv,
        "mentee_name,mentee_email,mentor_name,mentor_email,confirmed_on,mentee_first_name,mentee_department,mentor_first_name,mentor_department\n\
         '+Plus Name,e@x.example,'=cmd|' /C calc'!A0,m@x.example,2020-01-13,'+Plus,Secret Dept,'=cmd|',\n"
    );
    let json = w
        .run(&["export", "c", "--pairs", "--format", "json"])
        .ok()
        .stdout;
    assert!(json.contains("\"mentee_name\": \"+Plus Name\""), "{json}");
    w.refuses(
        &["export", "c", "--pairs", "--format", "html"],
        2,
        &["--pairs is written as csv, table or json"],
    );
    w.refuses(
        &["export", "c", "--format", "table"],
        2,
        &["the summary is written as md, html, csv or json"],
    );
}

#[test]
fn pairs_export_gives_first_names_and_departments_for_a_mail_merge_and_never_an_erased_person() {
    let w = fixture();
    // A one-word name is its own first name; a name with several given names gives the first.
    let people = w.cohort_file("c", "participants.csv");
    w.write_cohort_file(
        "c",
        "participants.csv",
        people
            .replace("Ottoline Abernathy", "Ottoline")
            .replace("Ulrika Galloway", "Ulrika Maria  Galloway"),
    );
    let csv = w
        .run_on("2020-03-01", &["export", "c", "--pairs"])
        .ok()
        .stdout;
    let mut lines = csv.lines();
    // The first five columns keep their names and order, so scripts written for them still work.
    assert_eq!(
        lines.next(),
        Some(
            "mentee_name,mentee_email,mentor_name,mentor_email,confirmed_on,mentee_first_name,mentee_department,mentor_first_name,mentor_department"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            "Ulrika Maria  Galloway,ulrika.galloway@x.example,Ottoline,ottoline.abernathy@x.example,2020-01-13,Ulrika,Quokka Board,Ottoline,Kestrel Unit"
        ),
        "{csv}"
    );
    assert_eq!(
        lines.next(),
        Some(
            "Valentin Hartigan,valentin.hartigan@x.example,Perpetua Blackwood,perpetua.blackwood@x.example,2020-01-13,Valentin,Raven Court,Perpetua,Lynx Office"
        ),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 7, "{csv}");
    let json = w
        .run_on(
            "2020-03-01",
            &["export", "c", "--pairs", "--format", "json"],
        )
        .ok()
        .stdout;
    let rows: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(rows[1]["mentee_first_name"], "Valentin", "{json}");
    assert_eq!(rows[1]["mentor_department"], "Lynx Office", "{json}");
    assert_eq!(rows[1]["mentee_name"], "Valentin Hartigan", "{json}");
    // An erased mentor leaves the list with their pair: no name, first name or department of theirs.
    w.run_on("2020-03-01", &["withdraw", "c", "p002", "--erase", "--yes"])
        .ok();
    for format in ["csv", "json", "table"] {
        let out = w
            .run_on(
                "2020-03-01",
                &["export", "c", "--pairs", "--format", format],
            )
            .ok()
            .stdout;
        for gone in ["Perpetua", "Blackwood", "Lynx Office", "Valentin"] {
            assert!(
                !out.contains(gone),
                "{format}: {gone} is still listed:\n{out}"
            );
        }
        assert!(out.contains("Ulrika"), "{format}:\n{out}");
    }
}

/// At 80 columns the pair list leaves out its least needed columns and says which; without a
/// terminal or `COLUMNS` it keeps every column.
#[test]
fn pairs_table_fits_80_columns_and_names_what_it_left_out() {
    let w = fixture();
    let mut cmd = w.command(&["export", "c", "--pairs", "--format", "table"]);
    cmd.env("COLUMNS", "80")
        .env("REVMENTOR_TODAY", "2020-03-01");
    let run = w.run_cmd(cmd).ok();
    for line in run.stdout.lines() {
        assert!(
            line.chars().count() <= 80,
            "a line of {} characters:\n{}",
            line.chars().count(),
            run.stdout
        );
    }
    assert!(run.stdout.contains("Ulrika Galloway"), "{}", run.stdout);
    let note = run.stdout.replace('\n', " ");
    assert!(
        note.contains("(left out to fit the terminal: "),
        "{}",
        run.stdout
    );
    for dropped in [
        "mentee_first_name",
        "mentor_first_name",
        "mentee_department",
        "mentor_department",
    ] {
        assert!(note.contains(dropped), "{}", run.stdout);
    }
    let wide = w
        .run_on(
            "2020-03-01",
            &["export", "c", "--pairs", "--format", "table"],
        )
        .ok()
        .stdout;
    for column in ["mentee_first_name", "mentor_department", "confirmed_on"] {
        assert!(wide.contains(column), "{wide}");
    }
}

#[test]
fn export_out_writes_the_file_and_never_over_a_cohort_file() {
    let w = fixture();
    let run = w
        .run_on(
            "2020-07-24",
            &[
                "export",
                "c",
                "--format",
                "html",
                "--out",
                "board/summary.html",
            ],
        )
        .fails(1, &["cannot write in board"]);
    assert!(run.stdout.is_empty());
    std::fs::create_dir(w.path().join("board")).expect("mkdir");
    let run = w
        .run_on(
            "2020-07-24",
            &[
                "export",
                "c",
                "--format",
                "html",
                "--out",
                "board/summary.html",
            ],
        )
        .ok();
    assert!(
        run.stdout
            .contains("wrote the summary of c to board/summary.html")
    );
    assert_eq!(w.read("board/summary.html"), export(&w, "html"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.path().join("board/summary.html"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the export is readable by its owner only");
    }
    w.refuses(
        &["export", "c", "--out", "cohorts/c/responses.csv"],
        1,
        &["one of cohort c's own files"],
    );
    w.run_on(
        "2020-07-24",
        &["export", "c", "--out", "cohorts/c/summary.md"],
    )
    .ok();
    assert!(
        w.cohort_file("c", "summary.md")
            .starts_with("# Test cohort: evaluation summary")
    );
}

#[test]
fn summary_markdown_snapshot() {
    let w = fixture();
    insta::assert_snapshot!(export(&w, "md"));
}

/// The HTML as a person reads it: its text and structure, without the style sheet and with each
/// chart reduced to its accessible name and its title (the charts' coordinates are plotters'
/// business, not the report's).
fn readable(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<style>") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</style>")
            .map_or(rest.len(), |e| start + e + 8);
        out.push_str("<style>…</style>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    let html = out;
    let mut out = String::new();
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<svg") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</svg>")
            .map_or(rest.len(), |e| start + e + 6);
        let svg = &rest[start..end];
        let title = svg
            .split("<text")
            .nth(1)
            .and_then(|t| t.split('>').nth(1))
            .and_then(|t| t.split('<').next())
            .unwrap_or("");
        let name = svg
            .split("aria-label=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or("");
        let _ = write!(out, "<svg aria-label=\"{name}\">{title}</svg>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn summary_html_snapshot() {
    let w = fixture();
    insta::assert_snapshot!(readable(&export(&w, "html")));
}

#[test]
fn survey_quotes_lists_redactions_and_only_approved_quotes_are_published() {
    let w = fixture();
    // Undecided again: a fresh import of the final survey with one quote changed.
    let listing = w
        .run(&["survey", "c", "quotes", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        listing.contains("p002-final,mentor,final,approved,[name: Ulrika Galloway] listened; it felt empowering,[name] listened; it felt empowering"),
        "{listing}"
    );
    assert!(
        !listing.contains("NOCONSENT"),
        "unconsented quotes are not listed"
    );
    // Decisions are refused, all of them at once, when an id is unknown or lacks consent.
    w.refuses_sh(
        "survey c quotes --approve p099-final --approve p008-final",
        1,
        &[
            "2 problems",
            "there is no quote p099-final",
            "p008-final: its author did not agree to be quoted",
        ],
    );
    w.refuses_sh(
        "survey c quotes --approve p002-final --reject p002-final",
        1,
        &["p002-final is both approved and rejected"],
    );
    w.sh("survey c quotes --reject p002-final").ok();
    assert!(!export(&w, "md").contains("listened; it felt empowering"));
    // A re-import keeps the decision on an unchanged quote, and drops it on a changed one.
    let mut rows = final_rows();
    rows[6].3 = "<script>alert(1)</script> I learned a lot, really";
    w.write("final.csv", survey(&rows));
    w.run_on(
        "2020-07-24",
        &["survey", "c", "import", "final.csv", "--phase", "final"],
    )
    .ok();
    let listing = w
        .run(&["survey", "c", "quotes", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        listing.contains("p002-final,mentor,final,rejected,"),
        "{listing}"
    );
    assert!(
        listing.contains("p007-final,mentee,final,not decided,"),
        "{listing}"
    );
    assert!(!export(&w, "md").contains("I learned a lot"));
}

#[test]
fn participation_is_by_one_characteristic_at_a_time_and_never_beside_a_quote() {
    let w = fixture();
    // Give the fixture values shared by enough people to be printed.
    let text = "id,gender,ethnicity,disability,sexual_orientation,career_stage\n".to_string()
        + &(1..=12)
            .map(|i| {
                format!(
                    "p{i:03},{},{},No,,{}\n",
                    if i % 2 == 0 { "Woman" } else { "Man" },
                    if i <= 6 {
                        "White British"
                    } else {
                        "Black British"
                    },
                    if i <= 8 {
                        "Early career"
                    } else {
                        "Late career"
                    }
                )
            })
            .collect::<String>();
    w.write_cohort_file("c", "characteristics.csv", text);
    let json: serde_json::Value = serde_json::from_str(&export(&w, "json")).expect("json");
    let tables = json["summary"]["participation"].as_array().expect("tables");
    let names: Vec<&str> = tables
        .iter()
        .map(|t| t["characteristic"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "gender",
            "ethnicity",
            "disability",
            "sexual_orientation",
            "career_stage"
        ]
    );
    let own: [&[&str]; 5] = [
        &["Man", "Woman"],
        &["Black British", "White British"],
        &["No"],
        &[],
        &["Early career", "Late career"],
    ];
    for (t, values) in tables.iter().zip(own) {
        for row in t["table"]["rows"].as_array().expect("rows") {
            let label = row["label"].as_str().expect("label");
            assert!(
                values.contains(&label) || ["another value", "not known", "total"].contains(&label),
                "{} has a row {label} of another characteristic",
                t["characteristic"]
            );
        }
    }
    // Man/Woman split evenly: printed; the quotes section holds no value of any characteristic.
    let md = export(&w, "md");
    assert!(
        md.contains("| Man | [c] |") || md.contains("| Man | 6 |") || md.contains("| Man | <5 |"),
        "{md}"
    );
    let quotes = md.split("## In their words").nth(1).expect("quotes");
    for v in ["man", "woman", "british", "career"] {
        assert!(!quotes.to_lowercase().contains(v), "{quotes}");
    }
}

#[test]
fn a_withdrawal_moves_no_one_between_the_participation_rows() {
    let w = fixture();
    let participation = |w: &Workdir| {
        let json: serde_json::Value = serde_json::from_str(&export(w, "json")).expect("json");
        json["summary"]["participation"].clone()
    };
    let before = participation(&w);
    w.run_on(
        "2020-07-24",
        &["withdraw", "c", "p003", "--reason", "new job", "--yes"],
    )
    .ok();
    // Everyone enrolled is counted whatever their status, so the tables two exports apart do not
    // tell which value the person who left holds.
    assert_eq!(participation(&w), before);
}

#[test]
fn approving_a_long_quote_that_names_people_keeps_responses_csv_readable() {
    // "[name]" is longer than "Tom": a quote near its 5,000 characters that names Tom often would
    // be published longer than its cell holds.
    let w = Workdir::with_shipped("pilot-2020", "p");
    let form = String::from_utf8(crate::harness::example("survey-baseline.csv")).expect("utf-8");
    let quote = "Tom was kind. ".repeat(356);
    let quote = quote.trim();
    assert!(quote.chars().count() <= 5_000);
    let mut rows: Vec<String> = form.lines().map(str::to_string).collect();
    let first = rows[1].clone();
    let cells: Vec<&str> = first.splitn(3, ',').collect();
    rows[1] = format!(
        "{},{},Agree,Agree,Agree,Agree,Agree,Agree,{quote},Yes",
        cells[0], cells[1]
    );
    w.write("baseline.csv", rows.join("\n") + "\n");
    for line in [
        "survey p import baseline.csv --phase baseline",
        "survey p quotes --approve p020-baseline",
        "check p",
    ] {
        let args: Vec<&str> = line.split(' ').collect();
        w.run_on("2020-01-31", &args).ok();
    }
    let stored = w.cohort_file("p", "responses.csv");
    let row = stored
        .lines()
        .find(|l| l.starts_with("p020,baseline,quote,"))
        .expect("quote row");
    let published = row.split(",yes,approved,").nth(1).expect("approved");
    assert!(published.starts_with("[name] was kind. [name] was kind."));
    assert!(!published.contains("Tom"));
    assert_eq!(published.chars().count(), 5_000);
    assert!(published.ends_with('…'));
}
