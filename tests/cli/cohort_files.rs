//! `init` and the store's rules for every cohort file: strict reading, kept columns, atomic and
//! owner-only writes, the lock.

use crate::harness::Workdir;

#[test]
fn init_creates_commented_settings_and_empty_csvs() {
    let w = Workdir::new();
    let run = w
        .run(&[
            "init",
            "pilot-2020",
            "--start",
            "2020-01-13",
            "--end",
            "2020-07-31",
            "--title",
            "Reverse Mentoring pilot",
        ])
        .ok();
    assert!(run.stdout.contains("created cohort pilot-2020"));
    let toml = w.cohort_file("pilot-2020", "cohort.toml");
    for key in [
        "title = \"Reverse Mentoring pilot\"",
        "start = 2020-01-13",
        "end = 2020-07-31",
        "min_weeks = 6",
        "max_weeks = 8",
        "session_minutes = 60",
        "require_briefing = true",
        "same_department = \"forbid\"",
        "mentor_capacity = 1",
        "min_group = 5",
        "recruiting = true",
        "timezone = \"Europe/London\"",
        "meeting_time = \"10:00\"",
    ] {
        let line = toml
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key} missing"));
        assert!(line.contains(" # "), "setting without a comment: {line}");
    }
    assert_eq!(
        w.cohort_file("pilot-2020", "participants.csv"),
        "id,role,name,email,department,grade,manager,status,enrolled_on,conflicts,status_on,status_reason,eligibility,interests\n"
    );
    assert_eq!(
        w.cohort_file("pilot-2020", "characteristics.csv"),
        "id,gender,ethnicity,disability,sexual_orientation,career_stage\n"
    );
    assert!(
        w.cohort_file("pilot-2020", "matches.csv")
            .starts_with("mentee,mentor,score,reasons,status,")
    );
    // The specified columns first; the plan's own (uid, sequence, time, agreed) after them.
    assert!(w.cohort_file("pilot-2020", "meetings.csv").starts_with(
        "mentee,mentor,number,due_from,due_by,planned,status,date,minutes,topics,reason,"
    ));
}

#[cfg(unix)]
#[test]
fn files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let w = Workdir::new();
    w.cohort();
    w.enrol("mentor", "Ann Lee", "ann@x.example", &[]);
    let dir = w.root().join("c");
    assert_eq!(
        std::fs::metadata(&dir).expect("dir").permissions().mode() & 0o777,
        0o700
    );
    for e in std::fs::read_dir(&dir).expect("ls").flatten() {
        let mode = e.metadata().expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", e.path().display());
    }
}

#[test]
fn init_refuses_an_existing_cohort() {
    let w = Workdir::new();
    w.cohort();
    w.refuses_sh(
        "init c --start 2021-01-01 --end 2021-06-30",
        1,
        &["cohort c already exists"],
    );
}

#[test]
fn init_refuses_bad_names_dates_and_cadences() {
    let w = Workdir::new();
    w.cohort();
    for name in ["../x", "Pilot 2020", "x_y", "a/b", ""] {
        w.refuses(
            &["init", name, "--start", "2020-01-13", "--end", "2020-07-31"],
            2,
            &["not a cohort name"],
        );
    }
    w.refuses_sh(
        "init d --start 2020-07-31 --end 2020-01-13",
        2,
        &["is not after --start"],
    );
    w.refuses_sh(
        "init d --start 2020-02-30 --end 2020-07-31",
        2,
        &["not a day in the calendar"],
    );
    w.refuses_sh(
        "init d --start 03/04/2020 --end 2020-07-31",
        2,
        &["ambiguous"],
    );
    for cadence in ["9-6", "0-0", "-1", "six", "6"] {
        let arg = format!("--cadence={cadence}");
        w.refuses(
            &[
                "init",
                "d",
                "--start",
                "2020-01-13",
                "--end",
                "2020-07-31",
                &arg,
            ],
            2,
            &["cadence"],
        );
    }
    assert!(!w.root().join("d").exists());
}

/// A cohort with one participant, whose participants.csv is then replaced by `content`.
fn with_participants(content: &[u8]) -> Workdir {
    let w = Workdir::new();
    w.cohort();
    w.enrol("mentor", "Ann Lee", "ann@x.example", &[]);
    w.write_cohort_file("c", "participants.csv", content);
    w
}

const HEADER: &str = "id,role,name,email,department,grade,manager,status,enrolled_on,conflicts";

fn refuses_hand_edit(content: &[u8], says: &[&str]) {
    let w = with_participants(content);
    w.refuses_sh(
        "enrol c --role mentee --name Bo --email bo@x.example",
        1,
        says,
    );
    w.refuses_sh("status c", 1, says);
}

#[test]
fn refuses_non_utf8_participants() {
    let mut bytes = format!("{HEADER}\np001,mentor,Zo").into_bytes();
    bytes.push(0xE9);
    bytes.extend_from_slice(b",z@x.example,,,,active,2020-01-06,\n");
    refuses_hand_edit(&bytes, &["participants.csv:2", "not UTF-8", "CSV UTF-8"]);
}

#[test]
fn refuses_utf16_participants() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in format!("{HEADER}\n").encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    refuses_hand_edit(&bytes, &["participants.csv:1", "UTF-16"]);
}

#[test]
fn refuses_unclosed_quote() {
    refuses_hand_edit(
        format!("{HEADER}\np001,mentor,\"Ann Lee,ann@x.example,,,,active,2020-01-06,\n").as_bytes(),
        &["participants.csv:2", "never closed"],
    );
}

#[test]
fn refuses_ragged_row() {
    refuses_hand_edit(
        format!("{HEADER}\np001,mentor,Ann Lee,ann@x.example,,,,active,2020-01-06\n").as_bytes(),
        &["participants.csv:2", "9 cells but the header has 10"],
    );
}

#[test]
fn refuses_duplicate_header() {
    refuses_hand_edit(
        b"id,role,name,email,department,grade,manager,status,enrolled_on,conflicts,Name\n",
        &["participants.csv:1", "\"Name\" appears twice"],
    );
}

#[test]
fn refuses_missing_or_renamed_required_column() {
    refuses_hand_edit(
        b"id,role,full name,email,department,grade,manager,status,enrolled_on,conflicts\n",
        &["participants.csv:1", "no column \"name\""],
    );
}

#[test]
fn refuses_semicolon_file() {
    refuses_hand_edit(
        HEADER.replace(',', ";").as_bytes(),
        &["participants.csv:1", "separated by ';'"],
    );
}

#[test]
fn refuses_empty_and_bom_only_files() {
    refuses_hand_edit(b"", &["participants.csv", "empty"]);
    refuses_hand_edit(b"\xEF\xBB\xBF", &["participants.csv", "empty"]);
}

#[test]
fn refuses_bad_cells_with_line_and_column() {
    refuses_hand_edit(
        format!("{HEADER}\np001,mentor,Ann,ann@x.example,,,,actve,2020-01-06,\n").as_bytes(),
        &[
            "participants.csv:2",
            "column \"status\"",
            "\"actve\"",
            "active, ineligible, withdrawn or erased",
        ],
    );
    refuses_hand_edit(
        format!("{HEADER}\np001,mentor,Ann,ann@x.example,,,,active,2020-02-30,\n").as_bytes(),
        &["participants.csv:2", "enrolled_on", "calendar"],
    );
    refuses_hand_edit(
        format!("{HEADER}\np001,mentor,Ann,ann@x.example,,,,active,03/04/2020,\n").as_bytes(),
        &["participants.csv:2", "ambiguous"],
    );
    refuses_hand_edit(
        format!("{HEADER}\n1.0,mentor,Ann,ann@x.example,,,,active,2020-01-06,\n").as_bytes(),
        &["participants.csv:2", "column \"id\"", "is a number"],
    );
    refuses_hand_edit(
        format!("{HEADER}\n1E+03,mentor,Ann,ann@x.example,,,,active,2020-01-06,\n").as_bytes(),
        &["is a number"],
    );
    refuses_hand_edit(format!("{HEADER}\np001,mentor,Ann,ann@x.example,,,,active,2020-01-06,\np002,mentor,Bo,ANN@x.example ,,,,active,2020-01-06,\n").as_bytes(), &["ann@x.example belongs to both p001 and p002"]);
}

#[test]
fn hand_edited_file_with_bom_crlf_and_extra_column_reads_back_and_keeps_the_column() {
    let w = with_participants(
        "\u{FEFF}id,role,name,email,PA contact,department,grade,manager,status,enrolled_on,conflicts\r\np001,mentor,Ann Lee,ann@x.example,Jo Smith,Chemistry,,,active,2020-01-06,\r\n".as_bytes(),
    );
    let id = w.enrol("mentee", "Bo Chan", "bo@x.example", &[]);
    assert_eq!(id, "p002");
    let text = w.cohort_file("c", "participants.csv");
    assert!(text.starts_with("id,role,name,email,PA contact,department,grade,manager,status,enrolled_on,conflicts,status_on,status_reason,eligibility,interests\n"), "{text}");
    assert!(
        text.contains(
            "p001,mentor,Ann Lee,ann@x.example,Jo Smith,Chemistry,,,active,2020-01-06,,,,,\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("p002,mentee,Bo Chan,bo@x.example,,,,,active,2020-01-06,,,,,\n"),
        "{text}"
    );
    assert!(!text.contains('\r'));
}

#[test]
fn cohort_toml_is_read_strictly() {
    let w = Workdir::new();
    w.cohort();
    let good = w.cohort_file("c", "cohort.toml");
    let args = [
        "enrol",
        "c",
        "--role",
        "mentee",
        "--name",
        "Bo",
        "--email",
        "bo@x.example",
    ];
    w.write_cohort_file(
        "c",
        "cohort.toml",
        good.replace("min_weeks = 6", "min_weks = 6"),
    );
    w.refuses(
        &args,
        1,
        &["cohort.toml:12:", "min_weks", "did you mean `min_weeks`"],
    );
    let cut = good.find("start = ").expect("start") + 12;
    w.write_cohort_file("c", "cohort.toml", &good[..cut]);
    w.refuses(&args, 1, &["cohort.toml:6:"]);
    let cut = good.find("[cadence]").expect("cadence");
    w.write_cohort_file(
        "c",
        "cohort.toml",
        good[..cut].replace("end = 2020-07-31", ""),
    );
    w.refuses(&args, 1, &["cohort.toml", "missing field `end`"]);
    w.write_cohort_file(
        "c",
        "cohort.toml",
        good.replace("max_weeks = 8", "max_weeks = 5"),
    );
    w.refuses(&args, 1, &["min_weeks = 6 is more than max_weeks = 5"]);
    w.write_cohort_file(
        "c",
        "cohort.toml",
        good.replace("mentor_capacity = 1", "mentor_capacity = 0"),
    );
    w.refuses(&args, 1, &["mentor_capacity = 0"]);
    w.write_cohort_file(
        "c",
        "cohort.toml",
        good.replace("gender = 1.0", "gender = -1.0"),
    );
    w.refuses(&args, 1, &["gender = -1"]);
    w.write_cohort_file(
        "c",
        "cohort.toml",
        good.replace("gender = 1.0", "gendr = 1.0"),
    );
    w.refuses(&args, 1, &["gendr", "not a known field"]);
    w.write_cohort_file(
        "c",
        "cohort.toml",
        good.replace("end = 2020-07-31", "end = \"31/07/2020\""),
    );
    w.refuses(&args, 1, &["cohort.toml", "date"]);
}

#[test]
fn unknown_cohort_is_named_with_a_hint() {
    let w = Workdir::new();
    w.cohort();
    w.refuses_sh("status nope", 1, &["no cohort nope", "cohorts here: c"]);
    w.refuses_sh(
        "enrol ../c --role mentor --name A --email a@x.example",
        2,
        &["not a cohort name"],
    );
}

#[test]
fn a_second_writer_waits_for_the_lock_then_fails_clearly() {
    let w = Workdir::new();
    w.cohort();
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(w.root().join("c/.lock"))
        .expect("lock file");
    lock.lock().expect("lock");
    let before = w.snapshot();
    let mut cmd = w.command(&[
        "enrol",
        "c",
        "--role",
        "mentee",
        "--name",
        "Bo",
        "--email",
        "bo@x.example",
    ]);
    cmd.env("REVMENTOR_LOCK_WAIT", "0.3");
    let run = w.run_cmd(cmd).fails(1, &["cohort c is busy"]);
    assert!(
        run.stderr.contains("waiting for another revmentor command"),
        "{}",
        run.stderr
    );
    assert_eq!(before, w.snapshot());
    drop(lock);
    w.enrol("mentee", "Bo", "bo@x.example", &[]);
}

#[test]
fn eight_concurrent_enrolments_all_land_with_distinct_ids() {
    let w = Workdir::new();
    w.cohort();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("revmentor"));
            cmd.args(["--root"]).arg(w.root()).args([
                "enrol",
                "c",
                "--role",
                "mentor",
                "--name",
                &format!("Person {i}"),
                "--email",
                &format!("p{i}@x.example"),
                "--trait",
                &format!("gender=Gender {i}"),
            ]);
            cmd.env("REVMENTOR_TODAY", crate::harness::TODAY);
            cmd.stdout(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut ids: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            assert!(out.status.success());
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8);
    let text = w.cohort_file("c", "participants.csv");
    assert_eq!(text.lines().count(), 9);
    assert_eq!(w.cohort_file("c", "characteristics.csv").lines().count(), 9);
    // Each participant has exactly one characteristics row, and it is their own.
    let mut people: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let n = cells[2].trim_start_matches("Person ");
            (cells[0].to_string(), format!("Gender {n}"))
        })
        .collect();
    let mut traits: Vec<(String, String)> = w
        .cohort_file("c", "characteristics.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect();
    people.sort();
    traits.sort();
    assert_eq!(people, traits);
    assert_eq!(
        people.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        [
            "p001", "p002", "p003", "p004", "p005", "p006", "p007", "p008"
        ]
    );
}

#[test]
fn a_leftover_temporary_file_is_ignored_and_cleaned_up() {
    let w = Workdir::new();
    w.cohort();
    w.write_cohort_file("c", ".revmentor-tmp-abc123", "id,role\nhalf a fi");
    w.sh("status c").ok();
    w.enrol("mentee", "Bo", "bo@x.example", &[]);
    assert!(!w.root().join("c/.revmentor-tmp-abc123").exists());
}
