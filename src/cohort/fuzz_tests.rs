//! Property tests feeding arbitrary bytes and near-CSV or near-TOML text to every loader: each
//! answers `Ok` or `Err`, never panics, and whatever it accepts it writes back unchanged.

#![allow(clippy::disallowed_methods)] // the tests write cohort folders to read

use proptest::prelude::*;

use super::config::{self, Config, InitSettings};
use super::records::*;
use super::table::{ReadOptions, Record, Table};
use crate::csvio;
use crate::import;
use crate::model::{self, Attendance, Briefing, Meeting, Pair, Participant, Response, Traits};

/// Pieces of CSV files as spreadsheets and hand edits leave them, including the troublesome ones.
const TOKENS: &[&[u8]] = &[
    b",",
    b",",
    b",",
    b"\n",
    b"\n",
    b"\r\n",
    b"\r",
    b"\"",
    b"\"\"",
    b";",
    b"\t",
    b" ",
    b"\xEF\xBB\xBF",
    b"\xE9",
    b"\xFF\xFE",
    b"\0",
    b"=SUM(A1)",
    b"@x",
    b"-",
    b"a",
    b"Ann Lee",
    b"\xC3\xA9",
    b"p001",
    b"p002",
    b"b1",
    b"1.0",
    b"1E+03",
    b"2020-01-06",
    b"2020-02-30",
    b"03/04/2020",
    b"ann@x.example",
    b"mentor",
    b"mentee",
    b"active",
    b"erased",
    b"proposed",
    b"confirmed",
    b"planned",
    b"held",
    b"3.5",
    b"NaN",
    b"-1",
    b"99999999999",
    b"id",
    b"email",
];

fn near_csv() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(proptest::sample::select(TOKENS), 0..60)
        .prop_map(|parts| parts.concat())
}

/// A file with a table's real header (perhaps with an extra column, perhaps a column dropped)
/// and rows of plausible and implausible cells, so the row parsers are reached.
fn table_file(
    columns: &'static [&'static str],
    statuses: &'static [&'static str],
) -> impl Strategy<Value = Vec<u8>> {
    let header = (
        proptest::option::of(0..=columns.len()),
        prop_oneof![6 => Just(None), 1 => (0..columns.len()).prop_map(Some)],
    )
        .prop_map(move |(extra, dropped)| {
            let mut h: Vec<&'static str> = columns.to_vec();
            if let Some(d) = dropped {
                h.remove(d);
            }
            if let Some(e) = extra {
                h.insert(e.min(h.len()), "PA contact");
            }
            h
        });
    let garbage = proptest::collection::vec(proptest::sample::select(TOKENS), 0..3)
        .prop_map(|parts| String::from_utf8_lossy(&parts.concat()).into_owned());
    // Mostly a value the column accepts, so whole rows parse and the rewrite is exercised.
    let cell = move |column: &'static str| {
        let (valid, invalid) = if column == "status" {
            (
                statuses[..statuses.len().min(3)].to_vec(),
                statuses[statuses.len().min(3)..].to_vec(),
            )
        } else {
            cells_for(column)
        };
        let invalid = if invalid.is_empty() {
            valid.clone()
        } else {
            invalid
        };
        prop_oneof![
            40 => proptest::sample::select(valid).prop_map(str::to_string),
            1 => proptest::sample::select(invalid).prop_map(str::to_string),
            1 => garbage.clone(),
        ]
    };
    (header, any::<bool>()).prop_flat_map(move |(header, crlf)| {
        let row = header
            .iter()
            .map(|c| cell(c))
            .collect::<Vec<_>>()
            .prop_map(|cells| cells.join(","));
        let rows = proptest::collection::vec(
            prop_oneof![
                6 => row,
                1 => Just(String::new()),
                1 => Just(",,".to_string()),
            ],
            0..6,
        );
        rows.prop_map(move |rows| {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = header.join(",") + end;
            for row in rows {
                text.push_str(&row);
                text.push_str(end);
            }
            text.into_bytes()
        })
    })
}

/// Cells a column accepts, and cells it refuses, as a spreadsheet would hold them.
fn cells_for(column: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    match column {
        "id" | "mentee" | "mentor" | "participant" => (
            vec!["p001", "p002", "p003", "p010", "b1"],
            vec!["1.0", "1E+03", ""],
        ),
        "briefing" => (vec!["b1", "b2"], vec!["2", "b 1"]),
        "role" => (vec!["mentor", "mentee", "Mentor", "MENTEE"], vec!["boss"]),
        "email" => (
            vec!["ann@x.example", " BO@x.example ", "cy@x.example"],
            vec!["not an email", ""],
        ),
        "name" | "title" | "reasons" | "end_reason" | "reason" | "status_reason" => (
            vec![
                "Ann Lee",
                "\"Lee, Ann\"",
                "\"say \"\"hi\"\"\"",
                "=SUM(A1)",
                "",
                "\"two\nlines\"",
            ],
            vec![],
        ),
        "audience" => (vec!["mentors", "mentees", "all"], vec!["staff"]),
        "kind" => (vec!["briefing", "evaluation", ""], vec!["party"]),
        "hours" | "score" => (vec!["3.5", "0", "", "2.25", "1.0005"], vec!["-1", "NaN"]),
        "number" | "minutes" => (vec!["1", "2", "60", "7"], vec!["1.5", "-1"]),
        c if c.ends_with("_on") || c.starts_with("due_") || c == "date" || c == "planned" => (
            vec!["2020-01-06", "2020-03-02", "2021-12-31"],
            vec!["2020-02-30", "03/04/2020"],
        ),
        "conflicts" | "topics" => (vec!["", "p001;p002", "a;b"], vec![]),
        "phase" | "question" | "answer" => (vec!["baseline", "final", "heard", "4"], vec![""]),
        _ => (vec!["", "Woman", "Prefer not to say", "x"], vec![]),
    }
}

/// Parse a table; when accepted, writing it back and reading that again gives the same bytes, and
/// the same number of rows: a rewrite keeps every row, every unknown column, in order.
fn parse_and_rewrite<T: Record + std::fmt::Debug>(
    file: &'static str,
    bytes: &[u8],
    columns: Vec<String>,
    required: usize,
) -> Result<(), TestCaseError> {
    if let Ok(table) = Table::<T>::parse(
        file,
        bytes,
        columns.clone(),
        required,
        &ReadOptions::default(),
    ) {
        let written = table.to_bytes();
        let again = Table::<T>::parse(file, &written, columns, required, &ReadOptions::default());
        prop_assert!(
            again.is_ok(),
            "a table written back does not read: {again:?}"
        );
        if let Ok(again) = again {
            prop_assert_eq!(again.len(), table.len());
            let rewritten = again.to_bytes();
            prop_assert_eq!(
                String::from_utf8_lossy(&rewritten),
                String::from_utf8_lossy(&written)
            );
        }
    }
    Ok(())
}

/// [`Table::parse_rows_in`] in two halves reads as it does whole: the same rows with the same
/// lines, the same problems and the same repaired dates, in the same order.
fn halves_read_as_the_whole<T: Record + std::fmt::Debug>(
    file: &'static str,
    bytes: &[u8],
    columns: &[String],
    required: usize,
) -> Result<(), TestCaseError> {
    let read = |halves: bool| {
        let options = ReadOptions {
            dates: model::DateOrder::Dmy,
            ..ReadOptions::default()
        };
        let (table, problems) =
            Table::<T>::parse_rows_in(file, bytes, columns.to_vec(), required, &options, halves);
        format!("{table:?}\n{problems:?}\n{:?}", options.repaired.borrow())
    };
    prop_assert_eq!(read(true), read(false));
    Ok(())
}

/// [`table_file`] with its rows repeated up to seven times over: more rows to split.
fn longer_table_file(
    columns: &'static [&'static str],
    statuses: &'static [&'static str],
) -> impl Strategy<Value = Vec<u8>> {
    (table_file(columns, statuses), 1..8usize).prop_map(|(bytes, times)| {
        let body = bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |end| end + 1);
        let mut out = bytes.clone();
        for _ in 1..times {
            out.extend_from_slice(&bytes[body..]);
        }
        out
    })
}

fn trait_columns() -> Vec<String> {
    std::iter::once("id")
        .chain(model::DEFAULT_CHARACTERISTICS.iter().copied())
        .map(str::to_string)
        .collect()
}

const TRAIT_COLUMNS: &[&str] = &[
    "id",
    "gender",
    "ethnicity",
    "disability",
    "sexual_orientation",
    "career_stage",
];

fn every_table(bytes: &[u8]) -> Result<(), TestCaseError> {
    parse_and_rewrite::<Participant>(
        "participants.csv",
        bytes,
        columns(PARTICIPANT_COLUMNS),
        PARTICIPANT_REQUIRED,
    )?;
    parse_and_rewrite::<Traits>("characteristics.csv", bytes, trait_columns(), 1)?;
    parse_and_rewrite::<Briefing>(
        "briefings.csv",
        bytes,
        columns(BRIEFING_COLUMNS),
        BRIEFING_REQUIRED,
    )?;
    parse_and_rewrite::<Attendance>("attendance.csv", bytes, columns(ATTENDANCE_COLUMNS), 2)?;
    parse_and_rewrite::<Pair>(
        "matches.csv",
        bytes,
        columns(PAIR_COLUMNS),
        PAIR_COLUMNS.len(),
    )?;
    parse_and_rewrite::<Meeting>(
        "meetings.csv",
        bytes,
        columns(MEETING_COLUMNS),
        MEETING_COLUMNS.len(),
    )?;
    parse_and_rewrite::<Response>(
        "responses.csv",
        bytes,
        columns(RESPONSE_COLUMNS),
        RESPONSE_COLUMNS.len(),
    )
}

fn sample_config_text() -> String {
    config::template(&InitSettings {
        title: "Pilot \"2020\"",
        start: chrono::NaiveDate::from_ymd_opt(2020, 1, 13).expect("date"),
        end: chrono::NaiveDate::from_ymd_opt(2020, 7, 31).expect("date"),
        min_weeks: 6,
        max_weeks: 8,
        session_minutes: 60,
    })
}

/// Hand edits of `cohort.toml`: cut short, a line lost or doubled, a character changed, a number
/// replaced.
#[derive(Debug, Clone)]
enum Edit {
    Truncate(usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    Replace(usize, char),
    Number(usize, i64),
}

fn edit() -> impl Strategy<Value = Edit> {
    let chars = proptest::sample::select(vec![
        '=', '"', '[', ']', '#', '\n', ' ', '0', '9', '-', 'x', '\'', '.', ',', '{', 'é',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Edit::Truncate),
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), chars).prop_map(|(i, c)| Edit::Replace(i, c)),
        (
            any::<usize>(),
            prop_oneof![
                Just(0i64),
                Just(-1),
                Just(i64::MAX),
                Just(u32::MAX as i64 + 1),
                -100i64..100
            ]
        )
            .prop_map(|(i, n)| Edit::Number(i, n)),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() || chars.is_empty() {
        return text.to_string();
    }
    match *edit {
        Edit::Truncate(i) => chars[..i % (chars.len() + 1)].iter().collect(),
        Edit::DeleteLine(i) => {
            let mut l = lines.clone();
            l.remove(i % l.len());
            l.join("\n")
        }
        Edit::DuplicateLine(i) => {
            let mut l = lines.clone();
            let at = i % l.len();
            l.insert(at, lines[at]);
            l.join("\n")
        }
        Edit::Replace(i, c) => {
            let mut c2 = chars.clone();
            let at = i % c2.len();
            c2[at] = c;
            c2.into_iter().collect()
        }
        Edit::Number(i, n) => {
            // Replace the i-th run of digits.
            let mut out = String::new();
            let mut runs = 0;
            let mut in_run = false;
            let count = text
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .count();
            let target = i % count.max(1);
            for c in text.chars() {
                if c.is_ascii_digit() {
                    if !in_run {
                        in_run = true;
                        if runs == target {
                            out.push_str(&n.to_string());
                        }
                        runs += 1;
                    }
                    if runs - 1 != target {
                        out.push(c);
                    }
                } else {
                    in_run = false;
                    out.push(c);
                }
            }
            out
        }
    }
}

/// What every accepted configuration promises the rest of the program.
fn accepted(config: &Config) -> Result<(), TestCaseError> {
    prop_assert!(config.cohort.start < config.cohort.end);
    prop_assert!(config::check_cadence(config.cadence.min_weeks, config.cadence.max_weeks).is_ok());
    prop_assert!(config.cadence.session_minutes >= 1);
    prop_assert!(config.matching.mentor_capacity >= 1);
    prop_assert!(config.privacy.min_group >= 1);
    prop_assert!(config.calendar.start_time().is_ok());
    prop_assert!(config.calendar.closure.iter().all(|c| c.from <= c.to));
    prop_assert!(
        config
            .matching
            .weights
            .values()
            .all(|w| w.is_finite() && *w >= 0.0)
    );
    Ok(())
}

const FORM_HEADERS: &[&str] = &[
    "Timestamp",
    "Email address",
    "Full name",
    "First name",
    "Surname",
    "Role",
    "Department",
    "Job grade",
    "Line manager's email address",
    "Gender",
    "Do you consider yourself to have a disability?",
    "Can you commit time and be flexible in your availability?",
    "Do not pair with",
    "Favourite colour",
    "",
    "email",
];

const FORM_CELLS: &[&str] = &[
    "",
    " ",
    "Ann Lee",
    "ann@x.example",
    " ANN@X.example ",
    "bo@x.example",
    "not an email",
    "mentor",
    "Senior leader",
    "boss",
    "Yes",
    "no",
    "Maybe",
    "Prefer not to say",
    "p001",
    "ann@x.example;bo@x.example",
    "=HYPERLINK(\"x\")",
    "é",
];

fn form_sheet() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    (1usize..8).prop_flat_map(|width| {
        (
            proptest::collection::vec(proptest::sample::select(FORM_HEADERS), width)
                .prop_map(|h| h.into_iter().map(str::to_string).collect::<Vec<_>>()),
            proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(FORM_CELLS).prop_map(str::to_string),
                    width,
                ),
                0..5,
            ),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn csv_parse_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = csvio::parse("f.csv", &bytes);
    }

    #[test]
    fn csv_parse_of_near_csv_is_whole_and_writes_back(bytes in near_csv()) {
        if let Ok(sheet) = csvio::parse("f.csv", &bytes) {
            for row in &sheet.rows {
                prop_assert!(row.line >= 2);
            }
            let cells = |s: &csvio::Sheet| -> Vec<Vec<String>> {
                s.rows
                    .iter()
                    .map(|r| (0..s.headers.len()).map(|i| r.cell(i).to_string()).collect())
                    .collect()
            };
            let written = csvio::write(&sheet.headers, cells(&sheet));
            let again = csvio::parse("f.csv", &written);
            prop_assert!(again.is_ok(), "written back does not read: {:?}", again);
            if let Ok(again) = again {
                prop_assert_eq!(&again.headers, &sheet.headers);
                prop_assert_eq!(cells(&again), cells(&sheet));
            }
        }
    }

    #[test]
    fn every_table_loader_answers_and_rewrites_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..200)
    ) {
        every_table(&bytes)?;
    }

    #[test]
    fn every_table_loader_answers_and_rewrites_near_csv(bytes in near_csv()) {
        every_table(&bytes)?;
    }

    #[test]
    fn participants_with_fuzzed_rows(bytes in table_file(PARTICIPANT_COLUMNS, &["active", "erased", "Withdrawn", "gone"])) {
        parse_and_rewrite::<Participant>("participants.csv", &bytes, columns(PARTICIPANT_COLUMNS), PARTICIPANT_REQUIRED)?;
    }

    #[test]
    fn participants_read_in_halves_as_whole(
        bytes in prop_oneof![
            3 => longer_table_file(PARTICIPANT_COLUMNS, &["active", "erased", "Withdrawn", "gone"]),
            1 => near_csv(),
        ]
    ) {
        halves_read_as_the_whole::<Participant>("participants.csv", &bytes, &columns(PARTICIPANT_COLUMNS), PARTICIPANT_REQUIRED)?;
    }

    #[test]
    fn characteristics_read_in_halves_as_whole(
        bytes in prop_oneof![
            3 => longer_table_file(TRAIT_COLUMNS, &["x"]),
            1 => near_csv(),
        ]
    ) {
        halves_read_as_the_whole::<Traits>("characteristics.csv", &bytes, &trait_columns(), 1)?;
    }

    #[test]
    fn characteristics_with_fuzzed_rows(bytes in table_file(TRAIT_COLUMNS, &["x"])) {
        parse_and_rewrite::<Traits>("characteristics.csv", &bytes, trait_columns(), 1)?;
    }

    #[test]
    fn briefings_and_attendance_with_fuzzed_rows(
        b in table_file(BRIEFING_COLUMNS, &["x"]),
        a in table_file(ATTENDANCE_COLUMNS, &["x"]),
    ) {
        parse_and_rewrite::<Briefing>("briefings.csv", &b, columns(BRIEFING_COLUMNS), BRIEFING_REQUIRED)?;
        parse_and_rewrite::<Attendance>("attendance.csv", &a, columns(ATTENDANCE_COLUMNS), 2)?;
    }

    #[test]
    fn matches_and_meetings_with_fuzzed_rows(
        p in table_file(PAIR_COLUMNS, &["proposed", "confirmed", "Ended", "over"]),
        m in table_file(MEETING_COLUMNS, &["planned", "held", "cancelled", "done"]),
        r in table_file(RESPONSE_COLUMNS, &["x"]),
    ) {
        parse_and_rewrite::<Pair>("matches.csv", &p, columns(PAIR_COLUMNS), PAIR_COLUMNS.len())?;
        parse_and_rewrite::<Meeting>("meetings.csv", &m, columns(MEETING_COLUMNS), MEETING_COLUMNS.len())?;
        parse_and_rewrite::<Response>("responses.csv", &r, columns(RESPONSE_COLUMNS), RESPONSE_COLUMNS.len())?;
    }

    #[test]
    fn config_parse_never_panics_on_arbitrary_text(text in "\\PC{0,300}") {
        if let Ok(config) = Config::parse(&text) {
            accepted(&config)?;
        }
    }

    #[test]
    fn config_parse_of_an_edited_template_answers_and_keeps_its_promises(
        edits in proptest::collection::vec(edit(), 1..4)
    ) {
        let mut text = sample_config_text();
        for e in &edits {
            text = apply(&text, e);
        }
        if let Ok(config) = Config::parse(&text) {
            accepted(&config)?;
        }
    }

    #[test]
    fn import_never_panics_and_returns_only_unique_valid_emails(
        (headers, rows) in form_sheet(),
        maps in proptest::collection::vec(
            (proptest::sample::select(FORM_HEADERS), proptest::sample::select(vec!["email", "name", "gender", "dept", "ignore", "commitment"])),
            0..2,
        ),
        role in proptest::option::of(prop_oneof![Just(model::Role::Mentor), Just(model::Role::Mentee)]),
    ) {
        let config = Config::parse(&sample_config_text()).expect("template");
        let bytes = csvio::write(&headers, rows);
        let Ok(sheet) = csvio::parse("form.csv", &bytes) else { return Ok(()) };
        let maps: Vec<(String, String)> = maps.iter().map(|(h, f)| (h.to_string(), f.to_string())).collect();
        let Ok(mapping) = import::map_headers("form.csv", &sheet.headers, &config, &maps, &[]) else {
            return Ok(());
        };
        if let Ok(applicants) = import::read_rows("form.csv", &sheet, &mapping, role, &config) {
            let mut seen = std::collections::HashSet::new();
            for a in &applicants {
                prop_assert!(model::is_email(&a.email), "{:?}", a);
                prop_assert!(seen.insert(a.email.clone()), "duplicate {}", a.email);
                prop_assert!(a.role.is_some());
                prop_assert!(!a.name.as_deref().unwrap_or("").is_empty());
            }
        }
    }

    #[test]
    fn import_reads_arbitrary_near_csv_without_panicking(bytes in near_csv()) {
        let config = Config::parse(&sample_config_text()).expect("template");
        if let Ok(sheet) = csvio::parse("form.csv", &bytes)
            && let Ok(mapping) = import::map_headers("form.csv", &sheet.headers, &config, &[], &[])
        {
            let _ = import::read_rows("form.csv", &sheet, &mapping, Some(model::Role::Mentor), &config);
        }
    }

    #[test]
    fn dates_parse_or_say_why(text in "\\PC{0,14}|[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}") {
        if let Ok(d) = model::parse_date(&text) {
            prop_assert_eq!(model::parse_date(&d.to_string()), Ok(d));
        }
    }
}

proptest! {
    // Each case writes a cohort folder: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_cohort_folder_of_fuzzed_files_opens_or_is_refused(
        people in table_file(PARTICIPANT_COLUMNS, &["active", "erased", "Withdrawn", "gone"]),
        traits in prop_oneof![
            table_file(TRAIT_COLUMNS, &["x"]),
            near_csv(),
        ],
        pairs in table_file(PAIR_COLUMNS, &["proposed", "confirmed", "Ended", "over"]),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = crate::store::Store::new(dir.path());
        store.create("c", &sample_config_text()).expect("create");
        let cohort = dir.path().join("c");
        std::fs::write(cohort.join(super::PARTICIPANTS), &people).expect("write");
        std::fs::write(cohort.join(super::CHARACTERISTICS), &traits).expect("write");
        std::fs::write(cohort.join(super::MATCHES), &pairs).expect("write");
        if let Ok(opened) = store.open("c", super::Load::ALL) {
            // Whatever opens has unique ids and emails, and characteristics only for participants.
            let ids: std::collections::HashSet<&str> =
                opened.participants.iter().map(|p| p.id.as_str()).collect();
            prop_assert_eq!(ids.len(), opened.participants.len());
            prop_assert!(opened.traits.iter().all(|t| ids.contains(t.id.as_str())));
        }
    }
}
