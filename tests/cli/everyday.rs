//! Everyday use around git and spreadsheets: a command that changes nothing writes nothing, a file a
//! spreadsheet saved (BOM, CRLF) is rewritten only when its content changes, and read-only commands
//! and dry runs create nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use crate::harness::Workdir;

fn pilot() -> Workdir {
    Workdir::with_shipped("pilot-2020", "p")
}

/// Every file under the cohort with its bytes and modification time.
fn stamps(w: &Workdir) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    std::fs::read_dir(w.root().join("p"))
        .expect("dir")
        .flatten()
        .map(|e| {
            let meta = e.metadata().expect("meta");
            (
                e.file_name().to_string_lossy().into_owned(),
                (
                    std::fs::read(e.path()).expect("read"),
                    meta.modified().expect("mtime"),
                ),
            )
        })
        .collect()
}

#[test]
fn a_command_that_changes_nothing_writes_nothing_not_even_a_lock() {
    let w = pilot();
    // Make the folder private first (the first change does, once), then look.
    w.run_on(
        "2020-05-20",
        &[
            "brief",
            "p",
            "add",
            "--date",
            "2020-05-20",
            "--audience",
            "all",
        ],
    )
    .ok();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let before = stamps(&w);
    w.write(
        "same.csv",
        "Email address,Department\na.okafor@northgate.example,Chemistry\n",
    );
    for args in [
        &[
            "enrol", "p", "--from", "same.csv", "--role", "mentor", "--update",
        ][..],
        &["brief", "p", "attend", "b1", "p001"],
        &["check", "p", "--fix-dates", "dmy", "--yes"],
        &[
            "enrol",
            "p",
            "--role",
            "mentee",
            "--name",
            "Bo",
            "--email",
            "bo@x.example",
            "--dry-run",
        ],
        &["status", "p"],
        &["due", "p"],
        &["export", "p"],
    ] {
        let run = w.run_on("2020-05-20", args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(stamps(&w), before, "{args:?} touched a file");
    }
}

#[test]
fn a_file_saved_by_a_spreadsheet_is_rewritten_only_when_its_content_changes() {
    let w = pilot();
    let dir = w.root().join("p");
    for file in ["participants.csv", "matches.csv"] {
        let text = w.cohort_file("p", file);
        let excel = format!("\u{FEFF}{}", text.replace('\n', "\r\n"));
        w.write_cohort_file("p", file, excel);
    }
    w.sh_on("2020-05-20", "status p").ok();
    let excel_people = std::fs::read(dir.join("participants.csv")).expect("read");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mtime = |f: &str| {
        std::fs::metadata(dir.join(f))
            .expect("meta")
            .modified()
            .expect("mtime")
    };
    let (people_at, matches_at) = (mtime("participants.csv"), mtime("matches.csv"));
    // A change to another file, and a no-op that reads these two: neither is rewritten.
    w.run_on(
        "2020-05-20",
        &[
            "brief",
            "p",
            "add",
            "--date",
            "2020-05-20",
            "--audience",
            "all",
        ],
    )
    .ok();
    w.sh_on("2020-05-20", "brief p attend b5 p001").ok();
    assert_eq!(
        std::fs::read(dir.join("participants.csv")).expect("read"),
        excel_people
    );
    assert_eq!(
        (mtime("participants.csv"), mtime("matches.csv")),
        (people_at, matches_at)
    );
    // A real change to the file is written in the tool's form (no BOM, \n).
    w.sh_on("2020-05-20", "withdraw p p013 --yes").ok();
    let now = w.cohort_file("p", "participants.csv");
    assert!(!now.starts_with('\u{FEFF}') && !now.contains('\r'));
}

#[test]
fn an_archive_restores_byte_for_byte_and_never_overwrites() {
    for kind in ["tar.zst", "zip", "ZIP"] {
        archive_round_trip(kind);
    }
}

fn archive_round_trip(kind: &str) {
    let w = pilot();
    let out = w.path().join(format!("handover.{kind}"));
    w.sh_on("2020-05-20", &format!("archive p --out {}", out.display()))
        .ok();
    w.refuses_sh(
        &format!("restore {}", out.display()),
        1,
        &["already exists", "--as"],
    );
    let run = w
        .sh_on(
            "2020-05-20",
            &format!("restore {} --as p-copy", out.display()),
        )
        .ok();
    assert!(run.stdout.contains("every file reads"), "{}", run.stdout);
    for e in std::fs::read_dir(w.root().join("p"))
        .expect("dir")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == ".lock" {
            continue;
        }
        assert_eq!(
            std::fs::read(e.path()).expect("read"),
            std::fs::read(w.root().join("p-copy").join(&name)).unwrap_or_default(),
            "{name} differs after a restore"
        );
    }
    // The same files make the same archive.
    let first = std::fs::read(&out).expect("archive");
    w.sh_on("2020-05-20", &format!("archive p --out {}", out.display()))
        .ok();
    assert!(
        first == std::fs::read(&out).expect("archive"),
        "{kind}: two archives of the same files differ"
    );
    // The archive names everyone: an erasure names it among the files to delete.
    let run = w.sh_on("2020-05-21", "withdraw p p015 --erase --yes").ok();
    assert!(
        run.stdout.contains(&format!("handover.{kind}")),
        "{}",
        run.stdout
    );
    // An archive is a .tar.zst or .zip, never written over a cohort's files.
    w.refuses_sh(
        "archive p --out cohorts/p/participants.csv",
        1,
        &["tar.zst or .zip"],
    );
}

#[test]
fn restore_refuses_an_archive_whose_entries_leave_the_cohort_folder() {
    let w = Workdir::new();
    for (name, entries) in [
        (
            "escape",
            vec![("c/cohort.toml", "x"), ("c/../../evil.txt", "x")],
        ),
        ("absolute", vec![("/tmp/evil.txt", "x")]),
        ("two", vec![("a/cohort.toml", "x"), ("b/cohort.toml", "x")]),
        ("no-settings", vec![("c/participants.csv", "x")]),
    ] {
        let mut tar = tar::Builder::new(Vec::new());
        for (path, text) in &entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_mode(0o600);
            header.set_entry_type(tar::EntryType::Regular);
            // Written raw so the names are kept as given (the builder would refuse `..`).
            let bytes = path.as_bytes();
            header.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
            header.set_cksum();
            tar.append(&header, text.as_bytes()).expect("append");
        }
        let raw = tar.into_inner().expect("tar");
        let packed = zstd::encode_all(&raw[..], 3).expect("zstd");
        let file = w.write(&format!("{name}.tar.zst"), packed);
        w.refuses(&["restore", file.to_str().expect("path")], 1, &[]);
        assert!(!w.path().join("evil.txt").exists() && !Path::new("/tmp/evil.txt").exists());
    }
    // The same in a zip, and a link to a file outside.
    for (name, says, entries) in [
        (
            "escape",
            "leaves the cohort folder",
            vec![
                ("c/cohort.toml", "x", 0o100_600),
                ("c/../../evil.txt", "x", 0o100_600),
            ],
        ),
        (
            "absolute",
            "not inside a cohort folder",
            vec![("/tmp/evil.txt", "x", 0o100_600)],
        ),
        (
            "link",
            "not a plain file",
            vec![
                ("c/cohort.toml", "x", 0o100_600),
                ("c/participants.csv", "/etc/passwd", 0o120_777),
            ],
        ),
        (
            "two",
            "more than one cohort",
            vec![
                ("a/cohort.toml", "x", 0o100_600),
                ("b/cohort.toml", "x", 0o100_600),
            ],
        ),
    ] {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (path, text, mode) in &entries {
            let options = zip::write::SimpleFileOptions::default().unix_permissions(*mode);
            if *mode & 0o170_000 == 0o120_000 {
                zip.add_symlink(*path, *text, options).expect("link");
            } else {
                zip.start_file(*path, options).expect("entry");
                std::io::Write::write_all(&mut zip, text.as_bytes()).expect("write");
            }
        }
        let bytes = zip.finish().expect("zip").into_inner();
        let file = w.write(&format!("{name}.zip"), bytes);
        let run = w.refuses(&["restore", file.to_str().expect("path")], 1, &[says]);
        assert!(!w.path().join("evil.txt").exists() && !Path::new("/tmp/evil.txt").exists());
        assert!(!w.root().join("c").exists(), "{name}: {}", run.stderr);
    }
    // Not an archive at all.
    let file = w.write("notes.zip", "just text");
    w.refuses(
        &["restore", file.to_str().expect("path")],
        1,
        &["not a revmentor archive"],
    );
}

/// Every key of every JSON listing is snake_case, the same across commands.
#[test]
fn json_keys_are_snake_case_in_every_command() {
    fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    out.push(k.clone());
                    keys(v, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let w = pilot();
    for line in [
        "match p --dry-run --format json",
        "due p --format json",
        "brief p --format json",
        "status p --format json",
        "status --format json",
        "check p --format json",
        "schedule p --dry-run --format json",
        "export p --pairs --format json",
        "export p --format json",
    ] {
        // `check` fails (exit 1) on the copy's loose permissions, and still prints its JSON.
        let run = w.sh_on("2020-05-20", line);
        let value: serde_json::Value = serde_json::from_str(&run.stdout).expect(line);
        let mut found = Vec::new();
        keys(&value, &mut found);
        for k in found {
            assert!(
                k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{line}: key {k:?} is not snake_case"
            );
        }
    }
}

#[test]
fn csv_written_to_a_path_opens_in_a_spreadsheet_as_utf8_and_pipes_stay_plain() {
    let w = pilot();
    let bom = b"\xEF\xBB\xBF";
    // Accented names survive Excel's double-click only with a byte order mark.
    let people = w.cohort_file("p", "participants.csv");
    w.write_cohort_file(
        "p",
        "participants.csv",
        people.replace("Richard Hale", "José Hale"),
    );
    for (line, file) in [
        ("export p --pairs --out pairs.csv", "pairs.csv"),
        ("export p --format csv --out summary.CSV", "summary.CSV"),
        ("export p --pairs --format json --out pairs.json", ""),
    ] {
        w.sh(line).ok();
        if file.is_empty() {
            continue;
        }
        let bytes = std::fs::read(w.path().join(file)).expect("written");
        assert!(bytes.starts_with(bom), "{file} has no byte order mark");
        assert!(!bytes[3..].starts_with(bom), "{file} has two");
    }
    let pairs = std::fs::read_to_string(w.path().join("pairs.csv")).expect("pairs");
    assert!(pairs.contains("José Hale"), "{pairs}");
    let json = std::fs::read(w.path().join("pairs.json")).expect("json");
    assert!(!json.starts_with(bom), "JSON got a byte order mark");
    for line in [
        "export p --pairs",
        "export p --format csv",
        "due p --format csv",
    ] {
        let run = w.sh(line).ok();
        assert!(
            !run.stdout.starts_with('\u{FEFF}'),
            "{line}: standard output got a byte order mark"
        );
    }
}

#[test]
fn check_reports_a_name_a_spreadsheet_replaced_with_a_formula_result() {
    let w = pilot();
    let people = w.cohort_file("p", "participants.csv");
    w.write_cohort_file(
        "p",
        "participants.csv",
        people
            .replace("Adaeze Okafor", "click")
            .replace("Priya Chandrasekar", "#NAME?")
            .replace("Tom Brennan", "TRUE")
            // One lower-case word that is part of the email: a name typed in a hurry, not a result.
            .replace("Wei Lin", "lin")
            // The same class in other text fields.
            .replace("Finance,Grade 6", "#REF!,FALSE"),
    );
    let run = w.sh("check p").ok();
    for says in [
        "participants.csv:2: p001's name \"click\" is one lower-case word that shares nothing with their email",
        "participants.csv:3: p002's name \"#NAME?\" is a spreadsheet's error value",
        "participants.csv:4: p003's name \"TRUE\" is a spreadsheet's truth value",
        "revmentor enrol p --update --email a.okafor@northgate.example --name",
    ] {
        assert!(run.stdout.contains(says), "{says}:\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("p004"), "{}", run.stdout);
    for says in [
        "p005's department \"#REF!\" is a spreadsheet's error value",
        "p005's grade \"FALSE\" is a spreadsheet's truth value",
        "--update --email j.mensah@northgate.example --department",
    ] {
        assert!(run.stdout.contains(says), "{says}:\n{}", run.stdout);
    }
    assert_eq!(
        run.stdout
            .matches("a spreadsheet may have replaced")
            .count(),
        5
    );
}
