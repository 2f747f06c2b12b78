//! `enrol`: from flags, from a spreadsheet or form export (all or nothing), and the prompts' refusal.

use crate::harness::Workdir;

const FORM: &str = "Timestamp,Email address,Full name,What is your department?,Job grade,Line manager's email address,Gender,Ethnicity,Do you consider yourself to have a disability?,Sexual orientation,Career stage\n\
2019/10/14 09:12:33,ann@x.example,Ann Lee,Chemistry,Grade 5,boss@x.example,Woman,Black British,No,Prefer not to say,Early career\n\
2019/10/15 10:00:00, Bo.Chan@X.example ,Bo Chan,Estates,Technician,,Man,Chinese,Yes,Gay,Mid career\n";

#[test]
fn enrol_from_flags_prints_the_id_and_keeps_characteristics_apart() {
    let w = Workdir::new();
    w.cohort();
    let id = w.enrol(
        "mentor",
        "Ann Lee",
        " Ann@X.example ",
        &[
            "--department",
            "Chemistry",
            "--trait",
            "gender=Woman",
            "--trait",
            "ethnicity=Black British",
        ],
    );
    assert_eq!(id, "p001");
    let participants = w.cohort_file("c", "participants.csv");
    assert!(
        participants
            .contains("p001,mentor,Ann Lee,ann@x.example,Chemistry,,,active,2020-01-06,,,,,\n"),
        "{participants}"
    );
    assert!(!participants.contains("Woman") && !participants.contains("Black British"));
    assert_eq!(
        w.cohort_file("c", "characteristics.csv"),
        "id,gender,ethnicity,disability,sexual_orientation,career_stage\np001,Woman,Black British,,,\n"
    );
}

#[test]
fn enrol_from_flags_refuses_bad_values_and_changes_nothing() {
    let w = Workdir::new();
    w.cohort();
    w.enrol("mentor", "Ann Lee", "ann@x.example", &[]);
    w.refuses_sh(
        "enrol c --role mentor --name 'Ann Again' --email ANN@x.example",
        1,
        &["ann@x.example is already enrolled as p001"],
    );
    w.refuses_sh(
        "enrol c --role mentor --name Bo --email 'bo at x'",
        2,
        &["not an email address"],
    );
    w.refuses_sh(
        "enrol c --role boss --name Bo --email bo@x.example",
        2,
        &["not a role"],
    );
    w.refuses_sh(
        "enrol c --role mentor --name Bo --email bo@x.example --trait height=tall",
        2,
        &["not a characteristic", "gender"],
    );
    w.refuses_sh(
        "enrol c --role mentor --name Bo --email bo@x.example --conflict nobody",
        1,
        &["conflict \"nobody\""],
    );
    w.refuses_sh("enrol c --name Bo --email bo@x.example", 2, &["--role"]);
    w.refuses_sh(
        "enrol c --role mentor --name Bo --email bo@x.example --manager 'my boss'",
        2,
        &["--manager", "not an email"],
    );
}

#[test]
fn interactive_enrolment_refuses_without_a_terminal() {
    let w = Workdir::new();
    w.cohort();
    w.refuses_sh(
        "enrol c --interactive",
        2,
        &["needs a terminal", "--role, --name and --email"],
    );
}

#[test]
fn import_recognises_form_headers_and_splits_characteristics() {
    let w = Workdir::new();
    w.cohort();
    w.write("form.csv", FORM);
    let run = w
        .run(&["enrol", "c", "--from", "form.csv", "--role", "mentor"])
        .ok();
    assert!(
        run.stdout.contains("2 added, 0 updated, 0 unchanged"),
        "{}",
        run.stdout
    );
    let participants = w.cohort_file("c", "participants.csv");
    assert!(
        participants
            .contains("p001,mentor,Ann Lee,ann@x.example,Chemistry,Grade 5,boss@x.example,active,")
    );
    assert!(
        participants.contains("p002,mentor,Bo Chan,bo.chan@x.example,Estates,Technician,,active,")
    );
    assert_eq!(
        w.cohort_file("c", "characteristics.csv"),
        "id,gender,ethnicity,disability,sexual_orientation,career_stage\np001,Woman,Black British,No,Prefer not to say,Early career\np002,Man,Chinese,Yes,Gay,Mid career\n"
    );
    for word in ["Woman", "Chinese", "Gay", "Early career"] {
        assert!(!participants.contains(word));
    }
}

#[test]
fn import_reports_an_unknown_header_and_maps_it_on_request() {
    let w = Workdir::new();
    w.cohort();
    w.write(
        "form.csv",
        FORM.replace("What is your department?", "Where do you work?")
            .replace("Job grade", "Favourite colour"),
    );
    w.refuses_sh(
        "enrol c --from form.csv --role mentor",
        1,
        &[
            "2 problems in form.csv",
            "column \"Where do you work?\"",
            "column \"Favourite colour\"",
            "--map",
            "--ignore-column",
        ],
    );
    w.refuses_sh(
        "enrol c --from form.csv --role mentor --map 'Where do you work?=dept'",
        1,
        &["\"dept\" is not a field"],
    );
    w.refuses_sh(
        "enrol c --from form.csv --role mentor --map Nowhere=department",
        1,
        &["column \"Nowhere\", which is not in the header"],
    );
    w.sh("enrol c --from form.csv --role mentor --map 'Where do you work?=department' --ignore-column 'favourite colour'")
    .ok();
    assert!(
        w.cohort_file("c", "participants.csv")
            .contains("Ann Lee,ann@x.example,Chemistry,,")
    );
}

#[test]
fn import_reports_every_bad_row_at_once_and_writes_nothing() {
    let w = Workdir::new();
    w.cohort();
    w.write("bad.csv", "Name,Email,Role,Line manager\nAnn,ann@x.example,mentor,\nBo,bo at x,mentor,\n,cy@x.example,boss,\nDi,di@x.example,mentee,not an email\n");
    w.refuses_sh(
        "enrol c --from bad.csv",
        1,
        &[
            "4 problems in bad.csv; nothing was written",
            "bad.csv:3: column \"Email\": \"bo at x\" is not an email address",
            "bad.csv:4: column \"Role\": \"boss\" is not a role (expected mentor or mentee)",
            "bad.csv:4: the name is empty",
            "bad.csv:5: manager \"not an email\" is not an email, an id, or the name of anyone",
        ],
    );
}

#[test]
fn import_rejects_duplicate_emails_in_the_file_ignoring_case_and_spaces() {
    let w = Workdir::new();
    w.cohort();
    w.write(
        "dup.csv",
        "Name,Email\nAnn,ann@x.example\nAnn L,  ANN@x.example \n",
    );
    w.refuses_sh(
        "enrol c --from dup.csv --role mentor",
        1,
        &["dup.csv:3: email ann@x.example is already on line 2 of this file"],
    );
}

#[test]
fn import_rejects_emails_already_enrolled_unless_update() {
    let w = Workdir::new();
    w.cohort();
    w.write("form.csv", FORM);
    w.sh("enrol c --from form.csv --role mentor").ok();
    w.refuses_sh(
        "enrol c --from form.csv --role mentor",
        1,
        &[
            "form.csv:2: ann@x.example is already enrolled as p001",
            "form.csv:3: bo.chan@x.example is already enrolled as p002",
            "--update",
        ],
    );
    w.write(
        "form.csv",
        FORM.replace("Estates", "Library Services")
            .replace(",Gay,", ",Bisexual,"),
    );
    let run = w
        .run(&[
            "enrol", "c", "--from", "form.csv", "--role", "mentor", "--update",
        ])
        .ok();
    assert!(
        run.stdout.contains("0 added, 1 updated, 1 unchanged"),
        "{}",
        run.stdout
    );
    assert!(
        w.cohort_file("c", "participants.csv")
            .contains("p002,mentor,Bo Chan,bo.chan@x.example,Library Services,")
    );
    assert!(
        w.cohort_file("c", "characteristics.csv")
            .contains("p002,Man,Chinese,Yes,Bisexual,Mid career")
    );
}

#[test]
fn import_dry_run_shows_the_changes_and_writes_nothing() {
    let w = Workdir::new();
    w.cohort();
    w.write("form.csv", FORM);
    let before = w.snapshot();
    let run = w
        .run(&[
            "enrol",
            "c",
            "--from",
            "form.csv",
            "--role",
            "mentor",
            "--dry-run",
        ])
        .ok();
    assert!(
        run.stdout.contains("dry run, nothing written: 2 added"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Ann Lee"));
    assert_eq!(before, w.snapshot());
}

#[test]
fn import_refuses_bad_files() {
    let w = Workdir::new();
    w.cohort();
    w.write("empty.csv", "");
    w.refuses_sh(
        "enrol c --from empty.csv --role mentor",
        1,
        &["empty.csv", "empty"],
    );
    w.write("header.csv", "Name,Email\n");
    w.refuses_sh(
        "enrol c --from header.csv --role mentor",
        1,
        &["header.csv", "no rows"],
    );
    w.write("semi.csv", "Name;Email\nAnn;ann@x.example\n");
    w.refuses_sh(
        "enrol c --from semi.csv --role mentor",
        1,
        &["semi.csv:1", "';'"],
    );
    w.write("latin1.csv", b"Name,Email\nZo\xE9,zoe@x.example\n");
    w.refuses_sh(
        "enrol c --from latin1.csv --role mentor",
        1,
        &["latin1.csv:2", "not UTF-8"],
    );
    w.write("quote.csv", "Name,Email\n\"Ann,ann@x.example\n");
    w.refuses_sh(
        "enrol c --from quote.csv --role mentor",
        1,
        &["quote.csv:2", "never closed"],
    );
    w.write("ragged.csv", "Name,Email\nAnn,ann@x.example,extra\n");
    w.refuses_sh(
        "enrol c --from ragged.csv --role mentor",
        1,
        &["ragged.csv:2", "3 cells"],
    );
    w.write("noemail.csv", "Name,Phone\nAnn,123\n");
    w.refuses_sh(
        "enrol c --from noemail.csv --role mentor --ignore-column Phone",
        1,
        &["no column holds the email"],
    );
    w.refuses_sh(
        "enrol c --from missing.csv --role mentor",
        1,
        &["cannot read missing.csv"],
    );
    w.write(
        "twice.csv",
        "Name,Email,E-mail address\nAnn,ann@x.example,ann@x.example\n",
    );
    w.refuses_sh(
        "enrol c --from twice.csv --role mentor",
        1,
        &["both look like the email field"],
    );
}

#[test]
fn import_joins_first_and_last_names_and_reads_crlf_bom_exports() {
    let w = Workdir::new();
    w.cohort();
    w.write("excel.csv", "\u{FEFF}First name,Surname,E-mail,Role\r\nAnn,Lee,ann@x.example,Reverse mentor\r\nBo,Chan,bo@x.example,Senior leader\r\n");
    w.sh("enrol c --from excel.csv").ok();
    let text = w.cohort_file("c", "participants.csv");
    assert!(text.contains("p001,mentor,Ann Lee,ann@x.example,"));
    assert!(text.contains("p002,mentee,Bo Chan,bo@x.example,"));
}
