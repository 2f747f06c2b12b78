//! No command can destroy, half-write or quietly corrupt a cohort: outputs never touch data, `init`
//! never wipes, a kill or a full disk leaves every cohort whole-old or whole-new, hand edits that
//! break the links between files are refused (and `check` lists them all at once), hostile text
//! and unbounded numbers are refused, file-system edges are handled, and a slip can be undone.
//! Each test works on a copy of the pilot cohort shipped in the repo.

use std::fmt::Write as _;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Run, Workdir};

/// A copy of `cohorts/pilot-2020` under a fresh root, as cohort `p`.
fn pilot() -> Workdir {
    Workdir::with_shipped("pilot-2020", "p")
}

/// Run on a day inside the pilot's life.
fn on(w: &Workdir, line: &str) -> Run {
    let args = crate::harness::words(line);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    w.run_on("2020-05-20", &args)
}

fn is_protocol(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with(".revmentor-stage-") || n.starts_with(".revmentor-journal"))
}

fn whole(snapshot: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    snapshot
        .into_iter()
        .filter(|(k, _)| !is_protocol(k))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Outputs never touch data
// ---------------------------------------------------------------------------------------------

#[test]
fn outputs_refuse_every_cohort_file_however_the_path_is_spelt() {
    let w = pilot();
    on(&w, "init other --start 2021-01-11 --end 2021-07-30").ok();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        w.root().join("p/participants.csv"),
        w.path().join("innocent.ics"),
    )
    .expect("link");
    let refused = [
        "schedule p --ics cohorts/p/participants.csv",
        "schedule p --ics cohorts/p/cohort.toml",
        "schedule p --ics cohorts/p/.lock",
        "schedule p --ics cohorts/p/.gitignore",
        "schedule p --ics cohorts/p/../p/meetings.csv",
        "schedule p --ics ./cohorts/other/../p/characteristics.csv",
        "export p --out cohorts/other/participants.csv",
        "export p --out cohorts/other/cohort.toml",
        "export p --pairs --out cohorts/p/matches.csv",
        "export p --out cohorts/p/.revmentor-journal",
        "export p --out cohorts/p",
        #[cfg(unix)]
        "schedule p --ics innocent.ics",
    ];
    for line in refused {
        let args = crate::harness::words(line);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = w.snapshot();
        let run = w.run_on("2020-05-20", &args);
        assert_eq!(run.code, 1, "{line}: {}", run.stderr);
        assert!(
            run.stderr.contains("own files") || run.stderr.contains("is a folder"),
            "{line}: {}",
            run.stderr
        );
        assert_eq!(before, w.snapshot(), "{line} changed a file");
    }
    // An output into a cohort's folder under a name of its own is fine (the pilot's calendar).
    on(&w, "export p --out cohorts/p/summary-copy.md").ok();
    assert!(w.root().join("p/summary-copy.md").exists());
}

#[test]
fn init_never_wipes_a_folder_of_cohort_files_and_status_says_how_to_restore() {
    let w = pilot();
    std::fs::rename(
        w.root().join("p/cohort.toml"),
        w.path().join("cohort.toml.bak"),
    )
    .expect("rename");
    w.refuses_sh(
        "status p",
        1,
        &["has no cohort.toml", "git checkout --", "do not run `init`"],
    );
    w.refuses_sh(
        "init p --start 2020-01-13 --end 2020-07-31",
        1,
        &[
            "already holds cohort files",
            "participants.csv",
            "restore cohort.toml",
        ],
    );
    w.refuses_sh(
        "enrol p --role mentee --name Bo --email bo@x.example",
        1,
        &["has no cohort.toml"],
    );
}

// ---------------------------------------------------------------------------------------------
// 2. One command, one commit: real kills and a full disk
// ---------------------------------------------------------------------------------------------

/// A small deterministic generator (the test must be reproducible).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below.max(1)
    }
}

fn binary() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("revmentor")
}

fn process(w: &Workdir, args: &[&str]) -> Command {
    let mut cmd = Command::new(binary());
    cmd.current_dir(w.path())
        .env_remove("REVMENTOR_ROOT")
        .env_remove("REVMENTOR_FAULT")
        .env("REVMENTOR_TODAY", "2020-05-20")
        .arg("--root")
        .arg(w.root())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// An applications file of `n` mentors, shaped like a form export.
fn applications(n: usize) -> String {
    let mut text = String::from("Email address,Full name,Department,Gender,Ethnicity\n");
    for i in 0..n {
        let _ = writeln!(
            text,
            "m{i}@kill.example,Mentor {i},Dept {},{},Group {}",
            i % 7,
            ["Woman", "Man", "Non-binary"][i % 3],
            i % 5
        );
    }
    text
}

/// Kill `args` with SIGKILL at `kills` random moments of its run; after each, the next reader sees
/// the cohort exactly as before or exactly as after the command, and nothing it refuses. Returns
/// how many kills landed before and after the commit point.
fn kill_at_random(w: &Workdir, args: &[&str], kills: usize, seed: u64) -> (usize, usize) {
    let old = w.snapshot();
    let started = Instant::now();
    let status = process(w, args).status().expect("runs");
    let full = started.elapsed();
    assert!(status.success(), "{args:?} failed on its own");
    let new = whole(w.snapshot());
    assert_ne!(whole(old.clone()), new, "{args:?} changed nothing");
    let mut rng = Lcg(seed);
    let (mut olds, mut news) = (0, 0);
    let span = u64::try_from(full.as_micros())
        .unwrap_or(u64::MAX)
        .max(1000);
    for _ in 0..kills {
        w.restore(&old);
        let mut child = process(w, args).spawn().expect("spawn");
        std::thread::sleep(Duration::from_micros(rng.next(span * 11 / 10)));
        let _ = child.kill();
        let _ = child.wait();
        // The next reader finishes an interrupted commit (or finds nothing to do).
        let reader = process(w, &["status", "p", "--format", "json"])
            .status()
            .expect("reader");
        assert!(
            reader.success(),
            "{args:?}: a reader refused the cohort after a kill"
        );
        let after = whole(w.snapshot());
        if after == whole(old.clone()) {
            olds += 1;
        } else if after == new {
            news += 1;
        } else {
            let differ: Vec<&String> = after
                .keys()
                .filter(|k| after.get(*k) != new.get(*k) && after.get(*k) != old.get(*k))
                .collect();
            panic!("{args:?}: after a kill the cohort is neither old nor new: {differ:?}");
        }
        // The next writer goes on, and leaves nothing of the protocol behind.
        let brief = process(
            w,
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
        .status()
        .expect("writer");
        assert!(
            brief.success(),
            "{args:?}: the next writer refused the cohort"
        );
        assert!(
            !w.snapshot().keys().any(|k| is_protocol(k)),
            "{args:?}: protocol files left"
        );
    }
    w.restore(&old);
    (olds, news)
}

#[test]
fn sigkill_at_random_moments_leaves_every_cohort_whole_old_or_whole_new() {
    let w = pilot();
    w.write("apps.csv", applications(3000));
    w.write(
        "final.csv",
        "Email address,I feel my voice is heard and valued by senior leaders\na.okafor@northgate.example,5\n",
    );
    let commands: &[&[&str]] = &[
        &["enrol", "p", "--from", "apps.csv", "--role", "mentor"],
        &["withdraw", "p", "p015", "--erase", "--yes"],
        &["withdraw", "p", "p016", "--reason", "moved", "--yes"],
        &["survey", "p", "import", "final.csv", "--phase", "final"],
        &["brief", "p", "attend", "b3", "p005"],
    ];
    let mut total = (0, 0);
    let mut seed = 2020;
    for (i, args) in commands.iter().enumerate() {
        let kills = if i == 0 { 40 } else { 20 };
        seed += 1;
        let (olds, news) = kill_at_random(&w, args, kills, seed);
        total = (total.0 + olds, total.1 + news);
    }
    // Matching and confirming, once a mentor's withdrawal has left a leader free.
    on(&w, "withdraw p p002 --yes").ok();
    seed += 1;
    let (olds, news) = kill_at_random(&w, &["match", "p"], 20, seed);
    total = (total.0 + olds, total.1 + news);
    on(&w, "match p").ok();
    seed += 1;
    let (olds, news) = kill_at_random(&w, &["match", "p", "--confirm", "--yes"], 20, seed);
    total = (total.0 + olds, total.1 + news);
    // Kills landed on both sides of the commit point, and none left anything else.
    assert!(total.0 > 0 && total.1 > 0, "{total:?}");
}

/// Run `args` with writes limited to `kib` KiB per file (RLIMIT_FSIZE, as a full disk would
/// refuse them), SIGXFSZ ignored so the write fails with EFBIG instead of killing the process.
fn with_file_limit(w: &Workdir, kib: u64, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg("trap '' XFSZ; ulimit -f \"$0\"; exec \"$@\"")
        .arg(kib.to_string())
        .arg(binary())
        .arg("--root")
        .arg(w.root())
        .args(args)
        .current_dir(w.path())
        .env_remove("REVMENTOR_ROOT")
        .env("REVMENTOR_TODAY", "2020-05-20")
        .stdin(Stdio::null());
    cmd.output().expect("bash runs")
}

#[test]
fn a_full_disk_at_any_point_leaves_every_file_byte_for_byte_unchanged() {
    let w = pilot();
    w.write("apps.csv", applications(400));
    let commands: &[&[&str]] = &[
        &["enrol", "p", "--from", "apps.csv", "--role", "mentor"],
        &["withdraw", "p", "p015", "--erase", "--yes"],
        &["withdraw", "p", "p002", "--reason", "moved", "--yes"],
        &[
            "brief",
            "p",
            "add",
            "--date",
            "2020-05-20",
            "--audience",
            "all",
        ],
    ];
    let mut failures = 0;
    for args in commands {
        let old = w.snapshot();
        let out = with_file_limit(&w, 100_000, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let new = whole(w.snapshot());
        let largest = new.values().map(Vec::len).max().unwrap_or(0) as u64 / 1024 + 1;
        for kib in 0..=largest {
            w.restore(&old);
            let out = with_file_limit(&w, kib, args);
            let after = w.snapshot();
            if out.status.success() {
                assert_eq!(whole(after), new, "{args:?} at {kib} KiB");
            } else {
                failures += 1;
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(
                    stderr.contains("nothing was changed"),
                    "{args:?} at {kib} KiB: {stderr}"
                );
                assert_eq!(after, old, "{args:?} at {kib} KiB changed a file");
            }
        }
        w.restore(&old);
    }
    assert!(failures > 10, "the limit never bit: {failures}");
}

// ---------------------------------------------------------------------------------------------
// 3. Hand edits that break the links between files: refused, and all listed by `check`
// ---------------------------------------------------------------------------------------------

fn edit(w: &Workdir, file: &str, f: impl FnOnce(String) -> String) {
    let text = w.cohort_file("p", file);
    w.write_cohort_file("p", file, f(text));
}

fn append(w: &Workdir, file: &str, row: &str) {
    edit(w, file, |t| format!("{t}{row}\n"));
}

#[test]
fn check_lists_every_broken_link_between_files_in_one_run_and_commands_refuse() {
    let w = pilot();
    // A leader with no mentor yet (p026), for the capacity case.
    on(
        &w,
        "enrol p --role mentee --name 'New Lead' --email new.lead@northgate.example",
    )
    .ok();
    let cases: &[(&str, &str, &str)] = &[
        (
            "matches.csv",
            "p013,p013,1,,confirmed,2020-01-10,2020-01-13,,",
            "paired with themself",
        ),
        (
            "matches.csv",
            "p026,p002,1,,confirmed,2020-01-10,2020-01-13,,",
            "more pairs than mentor_capacity",
        ),
        (
            "matches.csv",
            "p015,p004,1,,confirmed,2020-01-10,2020-01-13,,",
            "a mentee has one mentor at a time",
        ),
        (
            "matches.csv",
            "p025,p020,1,,proposed,2020-01-10,,,",
            "mentor p020 is a mentee",
        ),
        (
            "matches.csv",
            "p025,p099,1,,proposed,2020-01-10,,,",
            "mentor p099 names nobody",
        ),
        (
            "meetings.csv",
            "p025,p005,1,2020-01-13,2020-01-27,2020-01-20,planned,,,,,,0,,",
            "were never a pair",
        ),
        (
            "meetings.csv",
            "p015,p002,9,2020-06-27,2020-06-13,,planned,,,,,,0,,",
            "due_by 2020-06-13 is before due_from 2020-06-27",
        ),
        (
            "attendance.csv",
            "b9,p001",
            "session b9 is not in briefings.csv",
        ),
        (
            "responses.csv",
            "p020,final,confidence_race,50,,,",
            "\"50\" is not an answer",
        ),
        (
            "responses.csv",
            "p020,final,bravery,3,,,",
            "question \"bravery\" is not in cohort.toml",
        ),
        (
            "responses.csv",
            "p020,baseline,confidence_race,2,,,",
            "answered confidence_race in the baseline survey twice",
        ),
        (
            "briefings.csv",
            "b1,2020-01-20,all,1,Again,briefing",
            "session id b1 is also on line 2",
        ),
        (
            "participants.csv",
            "p003,mentor,Copy,copy@northgate.example,,,,active,2019-11-18,,,,,",
            "id p003 is also on line 4",
        ),
    ];
    for (file, row, _) in cases {
        append(&w, file, row);
    }
    let run = on(&w, "check p");
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The answer of 50 is refused as a cell of its file; the rules between files are checked
    // once every file reads.
    // One run reports the bad cell and every rule between the other files.
    for (file, _, says) in cases {
        assert!(
            run.stdout.contains(says),
            "check does not report {says:?} ({file}):\n{}",
            run.stdout
        );
    }
    // Every other command refuses and points to check.
    for line in ["status p", "due p", "match p --dry-run", "export p"] {
        let args = crate::harness::words(line);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = w.snapshot();
        let r = w.run_on("2020-05-20", &args);
        assert_eq!(r.code, 1, "{line}");
        assert!(
            r.stderr.contains("revmentor check p"),
            "{line}: {}",
            r.stderr
        );
        assert_eq!(before, w.snapshot());
    }
    // With the bad answer fixed, one run lists every rule between files at once.
    edit(&w, "responses.csv", |t| {
        t.replace("p020,final,confidence_race,50,\n", "")
    });
    let run = on(&w, "check p");
    assert_eq!(run.code, 1);
    for (file, _, says) in cases {
        if *says == "\"50\" is not an answer" {
            continue;
        }
        assert!(
            run.stdout.contains(says),
            "check does not report {says:?} ({file}):\n{}",
            run.stdout
        );
    }
    let listed = run.stdout.lines().filter(|l| l.contains(".csv:")).count();
    assert!(listed >= cases.len() - 1, "{}", run.stdout);
}

#[test]
fn duplicate_participant_ids_and_emails_are_reported_with_both_lines() {
    let w = pilot();
    append(
        &w,
        "participants.csv",
        "p026,mentor,Copy,A.Okafor@northgate.example,,,,active,2019-11-18,,,,,",
    );
    let run = on(&w, "check p");
    assert!(
        run.stdout.contains("participants.csv:27: email a.okafor@northgate.example belongs to both p001 and p026 (lines 2 and 27)"),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Every problem in one run
// ---------------------------------------------------------------------------------------------

#[test]
fn an_excel_round_trip_with_uk_dates_is_reported_in_one_run_and_repaired() {
    let w = pilot();
    let people = w.cohort_file("p", "participants.csv");
    let uk: String = people
        .lines()
        .map(|l| {
            l.split(',')
                .map(
                    |cell| match chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                        Ok(d) => d.format("%d/%m/%Y").to_string(),
                        Err(_) => cell.to_string(),
                    },
                )
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\r\n");
    w.write_cohort_file("p", "participants.csv", format!("\u{FEFF}{uk}\r\n"));
    let dates = uk.matches('/').count() / 2;
    let run = on(&w, "check p");
    assert_eq!(run.code, 1);
    let reported = run
        .stdout
        .lines()
        .filter(|l| l.contains("is not written YYYY-MM-DD"))
        .count();
    assert_eq!(reported, dates, "every date in one run:\n{}", run.stdout);
    assert!(
        !run.stdout.contains("ambiguous"),
        "18/11/2019 has one reading"
    );
    assert!(run.stdout.contains("--fix-dates dmy"));
    // A script must say --yes; a dry run shows and writes nothing.
    let before = w.snapshot();
    assert_eq!(on(&w, "check p --fix-dates dmy").code, 2);
    let dry = on(&w, "check p --fix-dates dmy --dry-run").ok();
    assert!(
        dry.stdout.contains("18/11/2019 -> 2019-11-18"),
        "{}",
        dry.stdout
    );
    assert_eq!(before, w.snapshot());
    on(&w, "check p --fix-dates dmy --yes").ok();
    assert_eq!(
        w.cohort_file("p", "participants.csv"),
        people,
        "back to the original bytes"
    );
    on(&w, "check p").ok();
}

/// The pilot with 2,500 more mentees (enrolled 2020-01-06, with characteristics): its
/// participants file is then large enough (over 256 KiB) to be read on threads of its own,
/// beside the other files.
fn large_pilot() -> Workdir {
    let w = pilot();
    let people: String = (1000..3500)
        .map(|id| {
            let k = id - 1000;
            format!(
                "p{id},mentee,Extra Person {k},extra.person.{k}@northgate.example,Estates,Technician,,active,2020-01-06,,,,,\n"
            )
        })
        .collect();
    let traits: String = (1000..3500)
        .map(|id| format!("p{id},Man,White British,No,Heterosexual,Mid career\n"))
        .collect();
    edit(&w, "participants.csv", |t| t + &people);
    edit(&w, "characteristics.csv", |t| t + &traits);
    assert!(w.cohort_file("p", "participants.csv").len() >= 256 * 1024);
    w
}

/// Asserts that `check`'s output has a line beginning with each of `needles`, in that order
/// (file order, then line order).
fn reported_in_order(stdout: &str, needles: &[&str]) {
    let lines: Vec<&str> = stdout.lines().collect();
    let order: Vec<usize> = needles
        .iter()
        .map(|needle| {
            lines
                .iter()
                .position(|l| l.starts_with(needle))
                .unwrap_or_else(|| panic!("{needle} not reported:\n{stdout}"))
        })
        .collect();
    assert!(
        order.is_sorted(),
        "file order, line order: {order:?}\n{stdout}"
    );
}

#[test]
fn a_large_cohort_read_on_threads_reports_every_problem_in_file_order() {
    let w = large_pilot();
    on(&w, "check p").ok();
    on(&w, "match p --dry-run").ok();
    // A large cohort's spelling warnings are found beside its match: still said, before it.
    let traits = w.cohort_file("p", "characteristics.csv");
    // The 2,500 added mentees (ids of four digits) write their career stage another way.
    edit(&w, "characteristics.csv", |t| {
        t.lines()
            .map(|l| match l.split(',').next() {
                Some(id) if id.len() == 5 => format!("{}\n", l.replace("Mid career", "Mid-career")),
                _ => format!("{l}\n"),
            })
            .collect()
    });
    for line in ["match p --dry-run", "match p --explain p1005"] {
        let run = on(&w, line).ok();
        assert!(
            run.stderr.contains("\"Mid-career\"") && run.stderr.contains("look like one answer"),
            "{line}: {}",
            run.stderr
        );
    }
    w.write_cohort_file("p", "characteristics.csv", traits);
    // A problem near the start and one near the end of the participants file (read on a thread
    // of its own), one in the characteristics (on another) and one in the meetings (after both).
    edit(&w, "participants.csv", |t| {
        t.replacen(
            "extra.person.3@northgate.example",
            "extra.person.3-at-northgate",
            1,
        )
        .replacen("Extra Person 2499,", "Extra Person 2499,,", 1)
    });
    edit(&w, "characteristics.csv", |t| {
        t.replacen("p1005,Man,", "p1005,Man,White British,", 1)
    });
    edit(&w, "meetings.csv", |t| t.replacen(",held,", ",helt,", 1));
    let before = w.snapshot();
    let run = on(&w, "check p");
    assert_eq!(run.code, 1, "{}", run.stdout);
    reported_in_order(
        &run.stdout,
        &[
            "participants.csv:30",
            "participants.csv:2526",
            "characteristics.csv:32",
            "meetings.csv:",
        ],
    );
    assert_eq!(before, w.snapshot(), "check reads only");

    // Dates a spreadsheet rewrote, in the participants (read on a thread) and the meetings
    // (read after): every repair listed in file order, then made.
    let w = large_pilot();
    let people = w.cohort_file("p", "participants.csv");
    let meetings = w.cohort_file("p", "meetings.csv");
    edit(&w, "participants.csv", |t| {
        t.replace(",2020-01-06,", ",06/01/2020,")
    });
    edit(&w, "meetings.csv", |t| {
        t.replacen(
            ",2020-01-20,held,2020-01-20,",
            ",20/01/2020,held,2020-01-20,",
            1,
        )
    });
    let dry = on(&w, "check p --fix-dates dmy --dry-run").ok();
    let repairs: Vec<&str> = dry.stdout.lines().filter(|l| l.contains(" -> ")).collect();
    assert_eq!(repairs.len(), 2501, "{}", dry.stdout);
    assert!(
        repairs[..2500]
            .iter()
            .all(|l| l.contains("06/01/2020 -> 2020-01-06"))
    );
    assert!(
        repairs[2500].contains("20/01/2020 -> 2020-01-20"),
        "{}",
        dry.stdout
    );
    on(&w, "check p --fix-dates dmy --yes").ok();
    assert_eq!(w.cohort_file("p", "participants.csv"), people);
    assert_eq!(w.cohort_file("p", "meetings.csv"), meetings);
}

/// A large file is read in two halves side by side, split at the end of a row near its middle:
/// a cell over two lines before the split, blank lines at it, and problems on either side are
/// numbered as a reader of the whole numbers them.
#[test]
fn a_large_file_read_in_halves_numbers_its_lines_as_the_whole() {
    let w = large_pilot();
    // Extra person k is on line 27 + k of the participants (p(1000 + k) of the
    // characteristics).
    edit(&w, "participants.csv", |t| {
        t.replacen("Extra Person 1000,", "\"Extra\nPerson 1000\",", 1)
            .replacen(
                "extra.person.1249@northgate.example,Estates,Technician,,active,2020-01-06,,,,,\n",
                "extra.person.1249@northgate.example,Estates,Technician,,active,2020-01-06,,,,,\n\n\n",
                1,
            )
            .replacen("extra.person.1260@northgate.example", "extra.person.1260", 1)
            .replacen("extra.person.2400@northgate.example", "extra.person.2400", 1)
    });
    edit(&w, "characteristics.csv", |t| {
        t.replacen("p2250,Man,", "p2250,Man,Man,", 1)
            .replacen("p1100,Man,", "p1100,Man,Man,", 1)
    });
    let before = w.snapshot();
    let run = on(&w, "check p");
    assert_eq!(run.code, 1, "{}", run.stdout);
    // The cell over two lines moves every later row down one line, the blank lines two more.
    reported_in_order(
        &run.stdout,
        &[
            "participants.csv:1027: column \"name\"",
            "participants.csv:1290: column \"email\"",
            "participants.csv:2430: column \"email\"",
            "characteristics.csv:127: this row has",
            "characteristics.csv:1277: this row has",
        ],
    );
    assert_eq!(before, w.snapshot(), "check reads only");
}

#[test]
fn cohort_toml_typos_come_all_in_one_run_with_lines() {
    let w = pilot();
    edit(&w, "cohort.toml", |t| {
        t.replace("min_weeks = 6", "min_weks = 6")
            .replace("meeting_time = \"10:00\"", "meeting_tme = \"10:00\"")
            .replace("min_group = 5", "min_group = \"five\"")
            .replace("recruiting = ", "recruting = ")
    });
    let run = w.refuses_sh("status p", 1, &["4 problems"]);
    for says in [
        "min_weks",
        "did you mean `min_weeks`",
        "meeting_tme",
        "min_group",
        "recruting",
    ] {
        assert!(run.stderr.contains(says), "{says}: {}", run.stderr);
    }
    assert!(run.stderr.contains("cohort.toml:"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// 5. Hostile text and unbounded numbers
// ---------------------------------------------------------------------------------------------

#[test]
fn control_characters_bidi_overrides_and_huge_text_are_refused_at_every_entry_point() {
    let w = pilot();
    let long = "x".repeat(100_000);
    for (flag, value, says) in [
        ("--name", "Eve\nATTENDEE:mailto:spy@evil.example", "U+000A"),
        ("--name", "Eve\u{1b}[2J", "U+001B"),
        ("--name", "Eve\u{202E}gnp.exe", "U+202E"),
        ("--department", "Labs\u{7}", "U+0007"),
        ("--name", long.as_str(), "longer than 200 characters"),
    ] {
        let args = [
            "enrol",
            "p",
            "--role",
            "mentee",
            "--email",
            "eve@x.example",
            flag,
            value,
        ];
        let args: Vec<&str> = if flag == "--name" {
            args.to_vec()
        } else {
            let mut a = args.to_vec();
            a.extend(["--name", "Eve"]);
            a
        };
        let run = w.refuses(&args, 1, &[says]);
        assert!(
            !run.stderr.contains('\u{1b}'),
            "a raw escape reached the terminal"
        );
    }
    w.write(
        "huge.csv",
        format!("Name,Email\n{},huge@x.example\n", "y".repeat(10_000_000)),
    );
    w.refuses_sh(
        "enrol p --from huge.csv --role mentee",
        1,
        &["huge.csv:2: name", "longer than 200 characters"],
    );
    w.write(
        "hostile.csv",
        "Name,Email\n\"Eve\u{1b}]0;pwned\u{7}\",eve@x.example\n",
    );
    w.refuses_sh(
        "enrol p --from hostile.csv --role mentee",
        1,
        &["hostile.csv:2: name", "U+001B"],
    );
    w.refuses_sh(
        "brief p add --date 2020-05-20 --audience all --title 'Debrief\u{1b}[31m'",
        2,
        &["U+001B"],
    );
    // A hand-edited file: refused with file, line and column, and never echoed raw.
    edit(&w, "participants.csv", |t| {
        t.replace("Adaeze Okafor", "Adaeze\u{202E} Okafor")
    });
    let run = w.refuses_sh(
        "status p",
        1,
        &["participants.csv:2: column \"name\"", "U+202E"],
    );
    assert!(!run.stderr.contains('\u{202E}'));
}

#[test]
fn look_alike_emails_are_reported_naming_the_person_they_resemble() {
    let w = pilot();
    for (email, code) in [
        ("a.okafor+scheme@northgate.example", 1),
        ("a.okafor@northgate.example.", 2),
        ("\u{430}.okafor@northgate.example", 1),
        ("a.okafor@northgate.\u{435}xample", 1),
    ] {
        w.refuses(
            &[
                "enrol", "p", "--role", "mentor", "--name", "Ada O", "--email", email,
            ],
            code,
            &[
                "looks like the email of p001 (Adaeze Okafor)",
                "a.okafor@northgate.example",
            ],
        );
    }
    w.write(
        "lookalike.csv",
        "Full name,Email address\nAda O,a.okafor+x@northgate.example\n",
    );
    w.refuses_sh(
        "enrol p --from lookalike.csv --role mentor",
        1,
        &["lookalike.csv:2", "looks like the email of p001"],
    );
    // Case alone is the same email: a duplicate, refused as such.
    w.refuses_sh(
        "enrol p --role mentor --name 'Ada O' --email A.OKAFOR@northgate.example",
        1,
        &["already enrolled as p001"],
    );
}

#[test]
fn numbers_from_files_have_ranges_and_ids_never_wrap() {
    let w = pilot();
    let good = w.cohort_file("p", "cohort.toml");
    for (from, to, says) in [
        (
            "gender = 1.0",
            "gender = 1e18",
            "a weight is a number from 0 to 100",
        ),
        (
            "session_minutes = 60",
            "session_minutes = 4294967295",
            "1 to 600 minutes",
        ),
        (
            "mentor_capacity = 1",
            "mentor_capacity = 100000000000",
            "1 to 100 mentees",
        ),
        ("min_group = 5", "min_group = 0", "use 1 to 100"),
    ] {
        w.write_cohort_file("p", "cohort.toml", good.replace(from, to));
        w.refuses_sh("match p --dry-run", 1, &["cohort.toml", says]);
    }
    w.write_cohort_file("p", "cohort.toml", &good);
    append(
        &w,
        "participants.csv",
        "p4294967295,mentor,Big Id,big@x.example,,,,active,2019-11-18,,,,,",
    );
    w.refuses_sh(
        "enrol p --role mentee --name Bo --email bo@x.example",
        1,
        &["\"p4294967295\" is not a participant id", "up to 99999999"],
    );
    edit(&w, "participants.csv", |t| {
        t.replace("p4294967295", "p99999999")
    });
    w.refuses_sh(
        "enrol p --role mentee --name Bo --email bo@x.example",
        1,
        &["has used every participant id"],
    );
    edit(&w, "meetings.csv", |t| {
        t.replacen(",60,", ",99999999999,", 1)
    });
    edit(&w, "participants.csv", |t| {
        t.replace(
            "p99999999,mentor,Big Id,big@x.example,,,,active,2019-11-18,,,,\n",
            "",
        )
    });
    w.refuses_sh("due p", 1, &["meetings.csv:2", "\"minutes\"", "1 to 480"]);
}

// ---------------------------------------------------------------------------------------------
// 6. File-system edges
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn links_read_only_files_and_a_linked_lock_are_refused_never_written_through() {
    use std::os::unix::fs::PermissionsExt;
    let w = pilot();
    let dir = w.root().join("p");
    // A linked participants.csv: refused for reading and writing, the link and its target kept.
    std::fs::rename(dir.join("participants.csv"), w.path().join("real.csv")).expect("mv");
    std::os::unix::fs::symlink(w.path().join("real.csv"), dir.join("participants.csv"))
        .expect("link");
    let target = std::fs::read(w.path().join("real.csv")).expect("read");
    w.refuses_sh(
        "status p",
        1,
        &["is a symbolic link", "never reads or writes"],
    );
    w.refuses_sh(
        "enrol p --role mentee --name Bo --email bo@x.example",
        1,
        &["symbolic link"],
    );
    assert!(
        std::fs::symlink_metadata(dir.join("participants.csv"))
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read(w.path().join("real.csv")).expect("read"),
        target
    );
    std::fs::remove_file(dir.join("participants.csv")).expect("rm");
    std::fs::rename(w.path().join("real.csv"), dir.join("participants.csv")).expect("mv");
    // A read-only file: readers go on, writers refuse.
    let ro = dir.join("meetings.csv");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o400)).expect("chmod");
    on(&w, "due p").ok();
    w.refuses_sh(
        "log p p017 --held 2020-05-19",
        1,
        &["meetings.csv is read-only", "chmod u+w"],
    );
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    // A lock that is a link to a file outside the cohort: refused, the outside file untouched.
    let _ = std::fs::remove_file(dir.join(".lock"));
    std::os::unix::fs::symlink(w.path().join("outside"), dir.join(".lock")).expect("link");
    w.refuses_sh(
        "enrol p --role mentee --name Bo --email bo@x.example",
        1,
        &[".lock is a symbolic link"],
    );
    assert!(
        !w.path().join("outside").exists(),
        "the lock followed a link"
    );
}

#[cfg(unix)]
#[test]
fn a_cohort_checked_out_world_readable_is_made_private_when_changed_saying_so_once() {
    use std::os::unix::fs::PermissionsExt;
    let w = pilot();
    let dir = w.root().join("p");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    for e in std::fs::read_dir(&dir).expect("dir").flatten() {
        std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let run = on(&w, "check p");
    assert!(
        run.stdout.contains("can be read by others"),
        "{}",
        run.stdout
    );
    let run = on(&w, "brief p add --date 2020-05-20 --audience all").ok();
    assert!(run.stderr.contains("made private to you"), "{}", run.stderr);
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("participants.csv")), 0o600);
    assert_eq!(mode(&dir.join("characteristics.csv")), 0o600);
    let again = on(&w, "brief p add --date 2020-05-21 --audience all").ok();
    assert!(
        !again.stderr.contains("made private"),
        "said twice: {}",
        again.stderr
    );
}

#[test]
fn calendars_written_into_the_cohort_folder_survive_enrolments_running_beside_them() {
    let w = pilot();
    let mut children = Vec::new();
    for i in 0..12 {
        let ics = format!("cohorts/p/diary-{i}.ics");
        children.push(
            process(&w, &["schedule", "p", "--ics", &ics])
                .spawn()
                .expect("spawn"),
        );
        let email = format!("new{i}@x.example");
        let name = format!("New {i}");
        children.push(
            process(
                &w,
                &[
                    "enrol", "p", "--role", "mentee", "--name", &name, "--email", &email,
                ],
            )
            .spawn()
            .expect("spawn"),
        );
    }
    for mut c in children {
        assert!(c.wait().expect("wait").success());
    }
    for i in 0..12 {
        assert!(
            w.root().join(format!("p/diary-{i}.ics")).exists(),
            "diary-{i}.ics lost"
        );
    }
    assert_eq!(
        w.cohort_file("p", "participants.csv")
            .matches("@x.example")
            .count(),
        12
    );
}

// ---------------------------------------------------------------------------------------------
// 7. A way back from a slip
// ---------------------------------------------------------------------------------------------

#[test]
fn withdraw_asks_first_and_a_script_must_say_yes() {
    let w = pilot();
    w.refuses_sh("withdraw p p015", 2, &["asks first", "--yes"]);
    w.refuses_sh("withdraw p p015 --erase", 2, &["--yes"]);
}

#[test]
fn reinstate_restores_the_pair_and_its_meetings_when_the_partner_is_free() {
    let w = pilot();
    let before = w.snapshot();
    let run = on(&w, "withdraw p p015 --reason 'typed the wrong id' --yes").ok();
    assert!(run.stdout.contains("reinstate p p015"), "{}", run.stdout);
    let run = on(&w, "reinstate p p015").ok();
    assert!(
        run.stdout.contains("restored the pair p015-p002"),
        "{}",
        run.stdout
    );
    // The files are as they were, but for the restored meetings' SEQUENCE: their cancellation
    // may have gone out (sequence + 1), so the invitation again is sequence + 2.
    let without_sequence = |snapshot: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, String> {
        snapshot
            .into_iter()
            .map(|(k, v)| {
                let text = String::from_utf8_lossy(&v).into_owned();
                let text = if k.ends_with("meetings.csv") {
                    text.lines()
                        .map(|l| {
                            let mut cells: Vec<&str> = l.split(',').collect();
                            if cells.len() > 12 {
                                cells[12] = "";
                            }
                            cells.join(",")
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                } else {
                    text
                };
                (k, text)
            })
            .collect()
    };
    let after = w.snapshot();
    assert_ne!(after.get("p/meetings.csv"), before.get("p/meetings.csv"));
    assert_eq!(
        without_sequence(after),
        without_sequence(before),
        "a withdrawal and its reinstatement leave the files as they were"
    );
    // Erased people cannot come back this way; active people are not withdrawn.
    on(&w, "withdraw p p016 --erase --yes").ok();
    w.refuses_sh("reinstate p p016", 1, &["was erased", "cannot be restored"]);
    w.refuses_sh("reinstate p p017", 1, &["not withdrawn"]);
}

#[test]
fn reinstate_leaves_the_pair_ended_when_the_partner_was_paired_again() {
    let w = pilot();
    on(&w, "withdraw p p015 --yes").ok();
    // The partner (mentor p002) takes another mentee meanwhile.
    on(
        &w,
        "enrol p --role mentee --name 'New Lead' --email new.lead@northgate.example",
    )
    .ok();
    append(
        &w,
        "matches.csv",
        "p026,p002,1,,confirmed,2020-05-20,2020-05-20,,",
    );
    let run = on(&w, "reinstate p p015").ok();
    assert!(
        run.stdout.contains("has been paired again"),
        "{}",
        run.stdout
    );
    assert!(
        w.cohort_file("p", "participants.csv")
            .contains("p015,mentee,")
    );
    on(&w, "check p").ok();
}

#[test]
fn enrol_update_on_a_withdrawn_person_is_an_error_saying_what_to_do() {
    let w = pilot();
    on(&w, "withdraw p p001 --yes").ok();
    w.write(
        "fix.csv",
        "Email address,Full name,Department\na.okafor@northgate.example,Adaeze Okafor,Physics\n",
    );
    w.refuses_sh(
        "enrol p --from fix.csv --role mentor --update",
        1,
        &["withdrew on 2020-05-20", "revmentor reinstate p p001"],
    );
}

#[test]
fn reasons_in_peoples_own_words_are_kept_exactly_and_never_run_by_a_spreadsheet() {
    let w = Workdir::with_shipped("pilot-2020", "p");
    // A cancelled one-to-one's reason, a withdrawal's (which also ends the pair).
    w.run_on(
        "2020-03-25",
        &[
            "log",
            "p",
            "s.lindqvist@northgate.example",
            "--cancelled",
            "2020-03-24",
            "--reason=-ill, again",
        ],
    )
    .ok();
    w.run_on(
        "2020-03-25",
        &[
            "withdraw",
            "p",
            "p002",
            "--reason",
            "=HYPERLINK(\"http://x.example\",\"why\")",
            "--yes",
        ],
    )
    .ok();
    let meetings = w.cohort_file("p", "meetings.csv");
    assert!(
        meetings.contains(",cancelled,2020-03-24,,,\"'-ill, again\","),
        "{meetings}"
    );
    let participants = w.cohort_file("p", "participants.csv");
    assert!(
        participants.contains("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"why\"\")\""),
        "{participants}"
    );
    // The pair's end reason says who withdrew first: no formula there either.
    let matches = w.cohort_file("p", "matches.csv");
    assert!(
        matches.contains(",\"mentor withdrew: =HYPERLINK("),
        "{matches}"
    );
    for file in [&meetings, &participants, &matches] {
        assert!(
            !file.contains(",\"-ill") && !file.contains(",\"=HYPER"),
            "{file}"
        );
    }
    // Read back word for word: a later change rewrites the files without a second quote.
    w.run_on("2020-03-26", &["withdraw", "p", "p013", "--yes"])
        .ok();
    assert_eq!(w.cohort_file("p", "meetings.csv"), meetings);
    // A participant's own words, from a check-in form.
    w.write(
        "checkins.csv",
        "Timestamp,Email address,Date of the meeting,Did the meeting take place?,How long did it last (minutes)?,Which topics did you discuss?,\"If it was cancelled, why?\"\n2020/03/27 09:00:00,h.marsh@northgate.example,2020-03-26,No,,,@HR asked us to wait\n",
    );
    w.run_on("2020-03-27", &["log", "p", "--from", "checkins.csv"])
        .ok();
    let meetings = w.cohort_file("p", "meetings.csv");
    assert!(meetings.contains(",'@HR asked us to wait,"), "{meetings}");
    // The longest reason allowed, beginning like a formula, is stored one character longer and
    // the cohort still reads.
    let longest = format!("-{}", "x".repeat(999));
    w.run_on(
        "2020-03-27",
        &[
            "withdraw",
            "p",
            "p005",
            &format!("--reason={longest}"),
            "--yes",
        ],
    )
    .ok();
    assert!(
        w.cohort_file("p", "participants.csv")
            .contains(&format!(",'{longest},"))
    );
    w.run_on("2020-03-27", &["status", "p"]).ok();
    w.run_on("2020-03-27", &["check", "p"]).ok();
    let after = w.cohort_file("p", "participants.csv");
    assert!(!after.contains("''="), "{after}");
    w.run_on("2020-03-26", &["check", "p"]).ok();
}
