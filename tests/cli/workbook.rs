//! Workbooks: `enrol --from`, `survey import`, `log --from` and `org --from` read .xlsx (and .ods)
//! exactly as they read the same form's CSV export; other binary files are named for what they are.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::harness::{Workdir, example};

/// A workbook holding a CSV file's cells the way a form's own .xlsx export does: numbers as
/// numbers, timestamps and dates as dates; `sheets` other sheets before it when asked.
fn xlsx_of(csv: &[u8], first_sheets: &[&str]) -> Vec<u8> {
    let sheet = revmentor::csvio::parse("f.csv", csv).expect("csv");
    let mut book = Workbook::new();
    for name in first_sheets {
        let s = book.add_worksheet();
        s.set_name(*name).expect("name");
        s.write_string(0, 0, "Not this one").expect("write");
    }
    let s = book.add_worksheet();
    s.set_name("Form1").expect("name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (c, h) in sheet.headers.iter().enumerate() {
        s.write_string(0, u16::try_from(c).expect("col"), h)
            .expect("write");
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).expect("row");
        for c in 0..sheet.headers.len() {
            let col = u16::try_from(c).expect("col");
            let cell = row.cell(c);
            if cell.is_empty() {
                continue;
            }
            let parts: Vec<u16> = cell
                .split(['/', '-', ' ', ':'])
                .map(|p| p.parse().unwrap_or(u16::MAX))
                .collect();
            if let Ok(n) = cell.parse::<f64>() {
                s.write_number(r, col, n).expect("write");
            } else if parts.len() == 3 && parts[0] > 1900 && parts[0] < 2100 {
                let d = ExcelDateTime::from_ymd(
                    parts[0],
                    u8::try_from(parts[1]).expect("m"),
                    u8::try_from(parts[2]).expect("d"),
                )
                .expect("date");
                s.write_datetime_with_format(r, col, &d, &date)
                    .expect("write");
            } else if parts.len() == 6 && parts[0] > 1900 && parts[0] < 2100 {
                let d = ExcelDateTime::from_ymd(
                    parts[0],
                    u8::try_from(parts[1]).expect("m"),
                    u8::try_from(parts[2]).expect("d"),
                )
                .and_then(|d| d.and_hms(parts[3], u8::try_from(parts[4]).unwrap_or(0), parts[5]))
                .expect("date");
                s.write_datetime_with_format(r, col, &d, &stamp)
                    .expect("write");
            } else {
                s.write_string(r, col, cell).expect("write");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// The pilot cohort as committed, copied under `cohorts/p`.
fn pilot() -> Workdir {
    Workdir::with_shipped("pilot-2020", "p")
}

#[test]
fn an_xlsx_form_export_enrols_exactly_as_its_csv() {
    let csv = example("mentor-applications.csv");
    let (a, b) = (Workdir::new(), Workdir::new());
    for w in [&a, &b] {
        w.cohort();
    }
    a.write("applications.csv", &csv);
    b.write("applications.xlsx", xlsx_of(&csv, &[]));
    let line =
        "enrol c --role mentor --ignore-column 'Why would you like to be a reverse mentor?' --from";
    let out_a = a.sh(&format!("{line} applications.csv")).ok().stdout;
    let out_b = b.sh(&format!("{line} applications.xlsx")).ok().stdout;
    assert_eq!(out_a, out_b);
    for file in ["participants.csv", "characteristics.csv"] {
        assert_eq!(a.cohort_file("c", file), b.cohort_file("c", file), "{file}");
    }
    assert!(a.cohort_file("c", "participants.csv").lines().count() > 10);
}

#[test]
fn survey_answers_and_check_in_dates_from_a_workbook_read_as_from_csv() {
    // Survey: the pilot's baseline export, answers and timestamps as workbook cells.
    let csv = example("survey-baseline.csv");
    let (a, b) = (pilot(), pilot());
    a.write("baseline.csv", &csv);
    b.write("baseline.xlsx", xlsx_of(&csv, &["Summary"]));
    let out_a = a.run_on(
        "2020-05-20",
        &[
            "survey",
            "p",
            "import",
            "baseline.csv",
            "--phase",
            "baseline",
        ],
    );
    let out_b = b.run_on(
        "2020-05-20",
        &[
            "survey",
            "p",
            "import",
            "baseline.xlsx",
            "--phase",
            "baseline",
            "--sheet",
            "form1",
        ],
    );
    assert_eq!(
        out_a.ok().stdout.replace("baseline.csv", "F"),
        out_b.ok().stdout.replace("baseline.xlsx", "F")
    );
    assert_eq!(
        a.cohort_file("p", "responses.csv"),
        b.cohort_file("p", "responses.csv")
    );
    // Check-ins: meeting dates are date cells; they match the meetings already recorded.
    let csv = example("checkins-january.csv");
    a.write("jan.csv", &csv);
    b.write("jan.xlsx", xlsx_of(&csv, &[]));
    let out_a = a.run_on(
        "2020-05-20",
        &["log", "p", "--from", "jan.csv", "--dry-run"],
    );
    let out_b = b.run_on(
        "2020-05-20",
        &["log", "p", "--from", "jan.xlsx", "--dry-run"],
    );
    let (out_a, out_b) = (out_a.ok().stdout, out_b.ok().stdout);
    assert!(out_a.contains("already recorded"), "{out_a}");
    assert_eq!(
        out_a.replace("jan.csv", "F"),
        out_b.replace("jan.xlsx", "F")
    );
}

#[test]
fn sheets_are_chosen_by_name_and_other_files_are_named_for_what_they_are() {
    let w = Workdir::new();
    w.cohort();
    let csv = example("senior-leaders.csv");
    w.write("two.xlsx", xlsx_of(&csv, &["Cover"]));
    // The first sheet is read unless --sheet says otherwise.
    w.refuses_sh(
        "enrol c --role mentee --from two.xlsx",
        1,
        &["column \"Not this one\""],
    );
    w.refuses_sh(
        "enrol c --role mentee --from two.xlsx --sheet Leaders",
        1,
        &["no sheet \"Leaders\"", "Cover, Form1"],
    );
    w.sh("enrol c --role mentee --from two.xlsx --sheet Form1")
        .ok();
    assert!(
        w.cohort_file("c", "participants.csv")
            .contains("r.hale@northgate.example")
    );
    // --sheet on a CSV, a PDF, a Word document, a UTF-16 text file, a broken zip.
    w.write("leaders.csv", &csv);
    w.refuses_sh(
        "enrol c --role mentee --from leaders.csv --sheet Form1 --update",
        1,
        &["--sheet is for workbooks"],
    );
    w.write("form.pdf", b"%PDF-1.7\n...");
    w.refuses_sh(
        "enrol c --role mentee --from form.pdf",
        1,
        &["form.pdf", "a PDF document, not a spreadsheet"],
    );
    w.write("org.pdf", b"%PDF-1.4\n");
    w.refuses_sh("org c --from org.pdf", 1, &["a PDF document"]);
    w.write("image.png", b"\x89PNG\r\n\x1a\n....");
    w.refuses_sh(
        "survey c import image.png --phase baseline",
        1,
        &["a PNG image"],
    );
    w.write("utf16.csv", b"\xFF\xFEN\0a\0m\0e\0");
    w.refuses_sh(
        "enrol c --role mentee --from utf16.csv",
        1,
        &["UTF-16 text"],
    );
    w.write("broken.xlsx", b"PK\x03\x04 then nothing a zip needs");
    w.refuses_sh(
        "enrol c --role mentee --from broken.xlsx",
        1,
        &["cannot read it as a workbook"],
    );
    // A workbook saved with a password (see fixtures/README.md), by any of the imports.
    let protected = include_bytes!("fixtures/password-protected.xlsx");
    w.write("hr.xlsx", protected);
    w.write("leaders.xlsx", protected);
    for line in [
        "enrol c --role mentee --from leaders.xlsx",
        "org c --from hr.xlsx",
        "survey c import hr.xlsx --phase baseline",
    ] {
        let out = w.refuses_sh(
            line,
            1,
            &[
                "is a workbook protected by a password",
                "remove the password",
            ],
        );
        assert!(!out.stderr.contains("calamine"), "{}", out.stderr);
    }
}

#[test]
fn bad_cells_of_a_workbook_are_reported_with_their_row_and_column_all_at_once() {
    let w = Workdir::new();
    w.cohort();
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (c, h) in ["Name", "Email", "Role"].iter().enumerate() {
        s.write_string(0, u16::try_from(c).expect("c"), *h)
            .expect("w");
    }
    s.write_string(1, 0, "Ann").expect("w");
    s.write_string(1, 1, "ann at x").expect("w");
    s.write_string(1, 2, "mentor").expect("w");
    s.write_string(2, 0, "Bo").expect("w");
    s.write_string(2, 1, "bo@x.example").expect("w");
    s.write_string(2, 2, "boss").expect("w");
    w.write("bad.xlsx", book.save_to_buffer().expect("xlsx"));
    w.refuses_sh(
        "enrol c --from bad.xlsx",
        1,
        &[
            "bad.xlsx:2: column \"Email\": \"ann at x\" is not an email address",
            "bad.xlsx:3: column \"Role\": \"boss\" is not a role",
        ],
    );
}
