//! `schedule --ics` and `--per-person`: invitations a calendar server accepts (checked by a strict
//! RFC 5545 / 5546 checker, not a lenient parser), UIDs for life, SEQUENCE raised when a meeting
//! moves, cancellations for cancelled meetings and ended pairs, and no erased person anywhere.

use std::collections::BTreeMap;

use crate::harness::Workdir;
use crate::ics_check::{Calendar, valid};
use crate::meetings::{confirmed, mentor_of, rows, rows_of};

/// Export to `name` (and `name-cancelled.ics`): each file checked, `None` when not written.
fn export_files(
    w: &Workdir,
    today: &str,
    name: &str,
    extra: &[&str],
) -> (Option<Calendar>, Option<Calendar>) {
    let mut args = vec!["schedule", "c", "--ics", name];
    args.extend_from_slice(extra);
    w.run_on(today, &args).ok();
    let read = |file: &str| w.path().join(file).exists().then(|| valid(&w.read(file)));
    (read(name), read(&name.replace(".ics", "-cancelled.ics")))
}

fn export(w: &Workdir, today: &str, name: &str, extra: &[&str]) -> (Calendar, Option<Calendar>) {
    let (requests, cancels) = export_files(w, today, name, extra);
    (requests.expect("invitations"), cancels)
}

/// Each event's UID with its start and sequence.
fn by_uid(cal: &Calendar) -> BTreeMap<String, (String, u32)> {
    cal.events
        .iter()
        .map(|e| {
            (
                e.uid().to_string(),
                (
                    e.get("DTSTART").unwrap_or_default().to_string(),
                    e.sequence(),
                ),
            )
        })
        .collect()
}

#[test]
fn invitations_are_requests_with_organizer_attendees_stable_uids_and_utc_times() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    let (cal, cancels) = export(&w, "2020-01-06", "plan.ics", &[]);
    assert!(cancels.is_none(), "nothing is cancelled yet");
    assert_eq!(cal.method, "REQUEST");
    assert_eq!(cal.events.len(), rows(&w).len());
    let text = w.read("plan.ics");
    assert!(
        text.starts_with(
            "BEGIN:VCALENDAR\r\nPRODID:-//revmentor//one-to-ones//EN\r\nVERSION:2.0\r\n"
        )
    );
    let first = &rows(&w)[0];
    let e = cal
        .event(&format!("c-{}@revmentor", first[11]))
        .expect("the first meeting, by its uid");
    assert_eq!(e.get("DTSTAMP"), Some("20200106T000000Z"));
    assert_eq!(e.get("ORGANIZER"), Some("mailto:coordinator@x.example"));
    let (_, mentor, _) = mentor_of(&w, "p001");
    assert_eq!(e.attendees(), ["lead0@x.example".to_string(), mentor]);
    for a in e.all("ATTENDEE") {
        assert_eq!(a.param("RSVP"), Some("TRUE"));
        assert_eq!(a.param("PARTSTAT"), Some("NEEDS-ACTION"));
    }
    assert!(
        text.contains("ATTENDEE;CN=\"Lead 0\";"),
        "parameter values are quoted"
    );
    // 10:00 in London in January is 10:00 UTC; from April it is 09:00 UTC (summer time).
    assert!(
        e.get("DTSTART").is_some_and(|s| s.ends_with("T100000Z")),
        "{e:?}"
    );
    let summer = cal
        .events
        .iter()
        .find(|e| {
            e.get("DTSTART")
                .is_some_and(|s| ("20200401".."20201001").contains(&s))
        })
        .expect("a meeting in summer time");
    assert!(
        summer
            .get("DTSTART")
            .is_some_and(|s| s.ends_with("T090000Z")),
        "{summer:?}"
    );
    assert!(
        !text.contains("Office") && !text.contains("Lab "),
        "no department in events"
    );
    // The same plan exported again on the same day: the same bytes.
    w.run(&["schedule", "c"]).ok();
    w.run(&["schedule", "c", "--ics", "again.ics"]).ok();
    assert_eq!(text, w.read("again.ics"));
}

#[test]
fn a_reexport_after_a_cancellation_keeps_every_other_uid_on_its_date_and_raises_sequence_where_it_moved()
 {
    let w = confirmed(3);
    w.run(&["schedule", "c"]).ok();
    let (before, _) = export(&w, "2020-01-06", "plan.ics", &[]);
    let before = by_uid(&before);
    // Pair 1 cancels its first meeting late: its next meeting becomes the replacement.
    w.run_on(
        "2020-01-28",
        &["log", "c", "p001", "--cancelled", "2020-01-17"],
    )
    .ok();
    let (after, cancels) = export(&w, "2020-01-28", "plan.ics", &[]);
    let cancels = cancels.expect("a cancellation file");
    assert_eq!(cancels.method, "CANCEL");
    let cancelled_uid = format!("c-{}@revmentor", rows_of(&w, "p001")[0][11]);
    let c = cancels
        .event(&cancelled_uid)
        .expect("the cancelled meeting");
    assert_eq!(c.get("STATUS"), Some("CANCELLED"));
    assert_eq!(
        c.sequence(),
        before[&cancelled_uid].1 + 1,
        "a cancellation supersedes the invitation"
    );
    let after = by_uid(&after);
    assert!(!after.contains_key(&cancelled_uid));
    let mut moved = 0;
    for (uid, (start, sequence)) in &after {
        let (old_start, old_sequence) = before
            .get(uid)
            .expect("no new UID: every meeting keeps its identity");
        if start == old_start {
            assert_eq!(sequence, old_sequence, "{uid} did not move");
        } else {
            moved += 1;
            assert!(
                sequence > old_sequence,
                "{uid} moved without a higher SEQUENCE"
            );
            assert!(
                uid.contains("p001-"),
                "only the pair whose history changed moves: {uid}"
            );
        }
    }
    assert!(moved > 0);
    // Every other pair's events are exactly as before.
    for (uid, v) in &before {
        if !uid.contains("p001-") {
            assert_eq!(after.get(uid), Some(v), "{uid}");
        }
    }
    // An agreed new time raises the sequence of the meetings it moves.
    w.run_on(
        "2020-01-28",
        &["schedule", "c", "--pair", "p002", "--at", "16:00"],
    )
    .ok();
    let (timed, _) = export(&w, "2020-01-28", "plan.ics", &[]);
    for (uid, (start, sequence)) in by_uid(&timed) {
        if uid.contains("p002-") && start.as_str() >= "20200128" {
            assert!(
                start.ends_with("T160000Z") || start.ends_with("T150000Z"),
                "{start}"
            );
            assert!(sequence > after[&uid].1, "{uid}");
        }
    }
}

#[test]
fn an_ended_pair_gets_cancellations_and_an_erased_person_never_appears() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    let (mentor, email, name) = mentor_of(&w, "p001");
    w.run(&["withdraw", "c", &mentor, "--reason", "moved on", "--yes"])
        .ok();
    // The partner of a withdrawn person gets the pair's cancellations through --pair.
    let (requests, cancels) = export_files(
        &w,
        "2020-01-06",
        "lead0.ics",
        &["--pair", "lead0@x.example"],
    );
    assert!(requests.is_none(), "an ended pair has nothing to invite to");
    let cancels = cancels.expect("cancellations of the ended pair");
    assert_eq!(cancels.events.len(), rows_of(&w, "p001").len());
    for e in &cancels.events {
        assert_eq!(
            e.attendees(),
            ["lead0@x.example".to_string(), email.clone()]
        );
    }
    // Erased: the person is in no file, not even as an empty attendee or in a summary.
    w.run(&["withdraw", "c", &mentor, "--erase", "--yes"]).ok();
    w.run(&["schedule", "c", "--ics", "all.ics"]).ok();
    for file in ["all.ics", "all-cancelled.ics"] {
        let text = w.read(file);
        valid(&text);
        assert!(!text.contains(&email), "{file}: the erased mentor's email");
        assert!(!text.contains(&name), "{file}: the erased mentor's name");
        assert!(!text.contains("CN=\"\""), "{file}");
        assert!(
            !text.contains("and  ") && !text.contains(" and \r\n"),
            "{file}"
        );
    }
    let cancelled = valid(&w.read("all-cancelled.ics"));
    assert!(
        cancelled
            .events
            .iter()
            .all(|e| e.attendees() == ["lead0@x.example"])
    );
    w.refuses(
        &["schedule", "c", "--ics", "p.ics", "--pair", &mentor],
        1,
        &[&format!("{mentor} (erased) has no confirmed pair")],
    );
}

/// Invitations person by person never go into a cohort's folder, by the rule drafts follow: a
/// folder with a cohort's name directly under the root (not yet made), one with two tables and
/// no settings; a lone HR export named like a table above the folder does not stop them.
#[test]
fn per_person_files_never_go_into_a_cohort_folder() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    w.write("cohorts/old/participants.csv", "id\n");
    w.write("cohorts/old/matches.csv", "mentee\n");
    for dir in ["cohorts/people", "cohorts/old/people", "cohorts/c/people"] {
        w.refuses(
            &["schedule", "c", "--per-person", dir],
            1,
            &["inside a cohort's folder"],
        );
        assert!(!w.path().join(dir).exists(), "{dir}");
    }
    // Nor among the cohorts, in the folder that holds them.
    for dir in ["cohorts", "cohorts/c/.."] {
        w.refuses(
            &["schedule", "c", "--per-person", dir],
            1,
            &["is the folder of the cohorts itself"],
        );
    }
    w.write("home/org.csv", "email,manager\nk.shah@x.example,\n");
    // A file where the folder should be is named as such.
    w.refuses(
        &["schedule", "c", "--per-person", "home/org.csv"],
        1,
        &["home/org.csv is not a folder: give a folder"],
    );
    w.run(&["schedule", "c", "--per-person", "home/people"])
        .ok();
    assert!(w.path().join("home/people/p001.ics").is_file());
}

/// Every calendar file is entered in the cohort's register of outputs, with the people it names,
/// once however often it is written: the whole calendar and a file per person, written twice
/// (the files of one run are registered together, in one commit).
#[test]
fn calendar_files_are_each_registered_once_with_the_people_they_name() {
    let w = confirmed(3);
    w.run(&["schedule", "c"]).ok();
    for _ in 0..2 {
        w.run(&[
            "schedule",
            "c",
            "--ics",
            "all.ics",
            "--per-person",
            "people",
        ])
        .ok();
    }
    let register = w.cohort_file("c", "outputs.csv");
    let rows: Vec<&str> = register.lines().skip(1).collect();
    let mut files: Vec<String> = std::fs::read_dir(w.path().join("people"))
        .expect("people")
        .map(|e| format!("people/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    files.push("all.ics".to_string());
    assert_eq!(rows.len(), files.len(), "{register}");
    for file in &files {
        let named: Vec<&&str> = rows
            .iter()
            .filter(|r| r.contains(&format!("{file},calendar,")))
            .collect();
        assert_eq!(named.len(), 1, "{file}: {register}");
    }
    let (mentor, _, _) = mentor_of(&w, "p001");
    let own = rows
        .iter()
        .find(|r| r.contains("people/p001.ics,"))
        .expect("p001's row");
    let mut pair = ["p001".to_string(), mentor];
    pair.sort();
    assert!(own.ends_with(&pair.join(";")), "{own}");
    let all = rows.iter().find(|r| r.contains("all.ics,")).expect("all");
    assert!(all.contains("p001") && all.contains("p003"), "{all}");
}

/// Many calendar files in one run under a low limit of open files (48, below the 80 files): the
/// files are written one after another, never all held open.
#[test]
fn per_person_files_are_written_under_a_low_limit_of_open_files() {
    let w = confirmed(40);
    w.run(&["schedule", "c"]).ok();
    let inner = w.command(&["schedule", "c", "--per-person", "people", "--format", "csv"]);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -n 48 && exec \"$0\" \"$@\"")
        .arg(inner.get_program())
        .args(inner.get_args())
        .current_dir(w.path());
    for (key, value) in inner.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    w.run_cmd(assert_cmd::Command::from_std(cmd)).ok();
    let files = std::fs::read_dir(w.path().join("people"))
        .expect("people")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".ics"))
        })
        .count();
    assert_eq!(files, 80);
}

#[test]
fn per_person_files_hold_each_participants_own_invitations() {
    let w = confirmed(2);
    w.run(&["schedule", "c"]).ok();
    let run = w
        .run(&["schedule", "c", "--per-person", "people", "--format", "csv"])
        .ok();
    assert!(
        run.stdout
            .starts_with("file,method,events,participant,name,email\n"),
        "{}",
        run.stdout
    );
    let (mentor, mentor_email, _) = mentor_of(&w, "p001");
    for (id, email) in [
        ("p001".to_string(), "lead0@x.example".to_string()),
        (mentor, mentor_email),
    ] {
        let cal = valid(&w.read(&format!("people/{id}.ics")));
        assert_eq!(cal.events.len(), rows_of(&w, "p001").len());
        assert!(cal.events.iter().all(|e| e.attendees().contains(&email)));
        assert!(
            !w.read(&format!("people/{id}.ics"))
                .contains("lead1@x.example")
        );
    }
    assert!(
        run.stdout.contains("people/p002.ics,REQUEST"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_calendar_needs_an_organizer() {
    let w = confirmed(1);
    w.run(&["schedule", "c"]).ok();
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("organizer = \"coordinator@x.example\"", "organizer = \"\"");
    w.write_cohort_file("c", "cohort.toml", toml);
    w.refuses(
        &["schedule", "c", "--ics", "plan.ics"],
        1,
        &["[calendar] organizer", "cohort.toml"],
    );
    assert!(!w.path().join("plan.ics").exists());
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("organizer = \"\"", "organizer = \"not an email\"");
    w.write_cohort_file("c", "cohort.toml", toml);
    w.refuses(
        &["schedule", "c", "--ics", "plan.ics"],
        1,
        &["organizer", "not an email address"],
    );
}

#[test]
fn names_with_commas_quotes_and_accents_are_escaped_and_folded() {
    let w = Workdir::new();
    w.cohort();
    w.enrol(
        "mentee",
        "O'Brien, Siobhán \"Shiv\"; Deputy",
        "shiv@x.example",
        &["--department", "A"],
    );
    w.enrol(
        "mentor",
        "Zoë Ñúñez-Ångström Łukasiewicz-Ørsted",
        "zoe@x.example",
        &["--department", "B"],
    );
    w.without_briefing_gate();
    let toml = w
        .cohort_file("c", "cohort.toml")
        .replace("organizer = \"\"", "organizer = \"coordinator@x.example\"")
        .replace(
            "title = \"Test cohort\"",
            "title = \"Pilot; 2020, \\\"first\\\"\"",
        );
    w.write_cohort_file("c", "cohort.toml", toml);
    w.run(&["match", "c"]).ok();
    w.run(&["match", "c", "--confirm", "--yes"]).ok();
    w.run(&["schedule", "c"]).ok();
    w.run(&["schedule", "c", "--ics", "plan.ics"]).ok();
    let text = w.read("plan.ics");
    let cal = valid(&text);
    let e = &cal.events[0];
    let cn: Vec<&str> = e
        .all("ATTENDEE")
        .iter()
        .filter_map(|a| a.param("CN"))
        .collect();
    assert_eq!(
        cn,
        [
            "O'Brien, Siobhán \"Shiv\"; Deputy",
            "Zoë Ñúñez-Ångström Łukasiewicz-Ørsted"
        ]
    );
    assert!(
        text.contains("CN=\"O'Brien, Siobhán ^'Shiv^'; Deputy\""),
        "RFC 6868"
    );
    let summary = text
        .replace("\r\n ", "")
        .lines()
        .find(|l| l.starts_with("SUMMARY:"))
        .expect("summary")
        .to_string();
    assert!(
        summary.contains("O'Brien\\, Siobhán \"Shiv\"\\; Deputy"),
        "{summary}"
    );
    assert!(
        text.contains("X-WR-CALNAME:Pilot\\; 2020\\, \"first\": one-to-ones"),
        "{text}"
    );
}

#[test]
fn the_pilots_calendars_pass_the_checker() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("cohorts/pilot-2020");
    let requests = valid(&std::fs::read_to_string(dir.join("one-to-ones.ics")).expect("read"));
    let cancels =
        valid(&std::fs::read_to_string(dir.join("one-to-ones-cancelled.ics")).expect("read"));
    assert_eq!(
        (requests.method.as_str(), cancels.method.as_str()),
        ("REQUEST", "CANCEL")
    );
    for e in requests.events.iter().chain(&cancels.events) {
        assert_eq!(
            e.get("ORGANIZER"),
            Some("mailto:mentoring@northgate.example")
        );
    }
}
