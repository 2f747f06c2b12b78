//! The scheme returns: a cohort started from an earlier one's settings, and handed over.

use crate::harness::Workdir;

/// Copy a cohort shipped in `cohorts/` onto `w`'s root.
fn pilot() -> Workdir {
    Workdir::with_shipped("pilot-2020", "pilot-2020")
}

/// Both shipped cohorts: the pilot, and cohort-2021 built on it by `examples/cohort-2.sh`.
fn shipped() -> Workdir {
    let w = pilot();
    w.copy_shipped("cohort-2021", "cohort-2021");
    w
}

#[test]
fn init_like_copies_every_setting_and_no_person() {
    let w = pilot();
    let toml = w.cohort_file("pilot-2020", "cohort.toml");
    // A closure still ahead of the new cohort, beside the pilot's past ones; a setting changed.
    w.write_cohort_file(
        "pilot-2020",
        "cohort.toml",
        toml.replace("min_group = 5", "min_group = 7")
            + "\n[[calendar.closure]]\nfrom = 2021-04-02\nto = 2021-04-05\nreason = \"Easter 2021\"\n",
    );
    w.write(
        "cohorts/pilot-2020/templates/introduction.txt",
        "Subject: Meet your mentor\n\nHello\n",
    );
    let run = w
        .sh("init cohort-2 --like pilot-2020 --start 2021-01-11 --end 2021-07-30 --title 'Cohort 2'")
        .ok();
    for says in [
        "1 calendar closure still ahead (3 already past left out)",
        "1 message template",
        "no people were copied",
    ] {
        assert!(run.stdout.contains(says), "{says}: {}", run.stdout);
    }
    let new = w.cohort_file("cohort-2", "cohort.toml");
    assert!(
        new.contains("start = 2021-01-11  # first day of the cohort"),
        "{new}"
    );
    assert!(
        new.contains("min_group = 7")
            && new.contains("Easter 2021")
            && !new.contains("Easter bank holidays")
    );
    assert_eq!(
        w.cohort_file("cohort-2", "templates/introduction.txt"),
        "Subject: Meet your mentor\n\nHello\n"
    );
    for file in [
        "participants.csv",
        "characteristics.csv",
        "matches.csv",
        "meetings.csv",
        "responses.csv",
    ] {
        assert_eq!(
            w.cohort_file("cohort-2", file).lines().count(),
            1,
            "{file} holds people"
        );
    }
    w.sh("check cohort-2").ok();
    w.refuses_sh(
        "init cohort-2 --like pilot-2020 --start 2021-01-11 --end 2021-07-30",
        1,
        &["already exists"],
    );
    w.refuses_sh(
        "init cohort-3 --like nowhere --start 2021-01-11 --end 2021-07-30",
        1,
        &["no cohort nowhere"],
    );
}

#[test]
fn returning_people_come_back_with_their_details_never_withdrawn_or_erased() {
    let w = pilot();
    // Before cohort 2: p004 withdrew, p005 was erased; a question's words change.
    w.sh_on("2020-05-20", "withdraw pilot-2020 p004 --yes").ok();
    w.sh_on("2020-05-20", "withdraw pilot-2020 p005 --erase --yes")
        .ok();
    w.sh_on(
        "2020-12-01",
        "init cohort-2 --like pilot-2020 --start 2021-01-11 --end 2021-07-30",
    )
    .ok();
    let toml = w.cohort_file("cohort-2", "cohort.toml");
    w.write_cohort_file(
        "cohort-2",
        "cohort.toml",
        toml.replace(
            "Can you commit time and be flexible in your availability?",
            "Can you commit an hour every six to eight weeks?",
        ),
    );
    w.refuses_sh(
        "enrol cohort-2 --from-cohort pilot-2020 --who p004",
        1,
        &["withdrawn", "never brought back"],
    );
    w.refuses_sh(
        "enrol cohort-2 --from-cohort pilot-2020 --who p005",
        1,
        &["erased"],
    );
    let run = w
        .sh_on(
            "2020-12-01",
            "enrol cohort-2 --from-cohort pilot-2020 --role mentor",
        )
        .ok();
    assert!(
        !run.stdout.contains("Wei Lin"),
        "a withdrawn mentor came back"
    );
    let people = w.cohort_file("cohort-2", "participants.csv");
    assert!(
        people.contains("Adaeze Okafor,a.okafor@northgate.example,Chemistry"),
        "{people}"
    );
    assert!(
        !people.contains("w.lin@northgate.example"),
        "a withdrawn mentor came back"
    );
    // The changed question is asked again: returning mentors wait as ineligible until answered.
    assert!(people.contains("answer commitment again"), "{people}");
    // Characteristics come with them, by the characteristic's name.
    let traits = w.cohort_file("cohort-2", "characteristics.csv");
    assert!(
        traits.lines().nth(1).is_some_and(|l| l.contains("Woman")),
        "{traits}"
    );
    // Running it again brings nobody twice.
    let again = w
        .sh_on(
            "2020-12-01",
            "enrol cohort-2 --from-cohort pilot-2020 --role mentor",
        )
        .ok();
    assert!(again.stdout.contains("0 added"), "{}", again.stdout);
    // A new form's import marks people known from an earlier cohort.
    w.write(
        "new-form.csv",
        "Full name,Email address\nRichard Hale,r.hale@northgate.example\nNew Person,new.person@northgate.example\n",
    );
    let run = w
        .sh_on(
            "2020-12-01",
            "enrol cohort-2 --from new-form.csv --role mentee",
        )
        .ok();
    assert!(
        run.stdout.contains("returning from earlier cohorts:"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("in pilot-2020"), "{}", run.stdout);
}

/// Emails by id, from a cohort's participants.csv (id first, email fourth).
fn emails(w: &Workdir, cohort: &str) -> std::collections::HashMap<String, String> {
    w.cohort_file(cohort, "participants.csv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            Some((cells.first()?.to_string(), cells.get(3)?.to_string()))
        })
        .collect()
}

/// Confirmed pairs of a cohort, by the two emails.
fn pairs_by_email(w: &Workdir, cohort: &str) -> Vec<(String, String)> {
    let emails = emails(w, cohort);
    w.cohort_file(cohort, "matches.csv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cells = l.split(',');
            let e = emails.get(cells.next()?)?.clone();
            let m = emails.get(cells.next()?)?.clone();
            Some((e, m))
        })
        .collect()
}

#[test]
fn nobody_is_paired_again_with_their_partner_from_an_earlier_cohort() {
    let w = pilot();
    let old = pairs_by_email(&w, "pilot-2020");
    w.sh_on(
        "2020-12-01",
        "init cohort-2 --like pilot-2020 --start 2021-01-11 --end 2021-07-30",
    )
    .ok();
    let toml = w.cohort_file("cohort-2", "cohort.toml");
    w.write_cohort_file(
        "cohort-2",
        "cohort.toml",
        toml.replace("require_briefing = true", "require_briefing = false"),
    );
    // Four returning mentors and the four leaders they mentored, and nobody else: the best
    // pairing by score alone is last year's.
    w.sh_on(
        "2020-12-01",
        "enrol cohort-2 --from-cohort pilot-2020 --who p002 --who p003 --who p011 --who p006 --who p015 --who p016 --who p017 --who p018",
    )
    .ok();
    let run = w.sh_on("2020-12-02", "match cohort-2").ok();
    let fresh = pairs_by_email(&w, "cohort-2");
    assert_eq!(fresh.len(), 4, "{}", run.stdout);
    for p in &fresh {
        assert!(!old.contains(p), "{p:?} was a pair in pilot-2020");
    }
    // Asked for by name, an old pair is refused with the reason; asked why not, the same.
    let (mentee, mentor) = old
        .iter()
        .find(|(e, _)| e == "r.hale@northgate.example")
        .expect("r.hale was a mentee in the pilot")
        .clone();
    w.refuses_sh(
        &format!("match cohort-2 --dry-run --lock {mentee}={mentor}"),
        1,
        &["paired in pilot-2020"],
    );
    let explain = w
        .sh_on("2020-12-02", &format!("match cohort-2 --explain {mentee}"))
        .ok();
    assert!(
        explain.stdout.contains("paired in pilot-2020"),
        "{}",
        explain.stdout
    );
    // repeat_pairs = "allow" lifts the rule.
    let toml = w.cohort_file("cohort-2", "cohort.toml");
    w.write_cohort_file(
        "cohort-2",
        "cohort.toml",
        toml.replace("repeat_pairs = \"forbid\"", "")
            .replace("[matching]\n", "[matching]\nrepeat_pairs = \"allow\"\n"),
    );
    w.sh_on(
        "2020-12-02",
        &format!("match cohort-2 --lock {mentee}={mentor}"),
    )
    .ok();
    assert!(pairs_by_email(&w, "cohort-2").contains(&(mentee.clone(), mentor.clone())));
    w.write_cohort_file("cohort-2", "cohort.toml", toml);
    // A cohort that cannot be read is named, and does not stop matching.
    w.write("cohorts/broken/cohort.toml", "[cohort\n");
    let run = w.sh_on("2020-12-02", "match cohort-2 --dry-run").ok();
    assert!(
        run.stderr.contains("cohort broken could not be read"),
        "{}",
        run.stderr
    );
}

/// Each participant's id and role, by email (id first, role second, email fourth).
fn roles(w: &Workdir, cohort: &str) -> std::collections::HashMap<String, (String, String)> {
    w.cohort_file(cohort, "participants.csv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            Some((
                cells.get(3)?.to_string(),
                (cells.first()?.to_string(), cells.get(1)?.to_string()),
            ))
        })
        .collect()
}

#[test]
fn on_the_shipped_cohorts_a_returning_mentor_is_never_offered_their_pilot_mentee() {
    let w = shipped();
    let old = pairs_by_email(&w, "pilot-2020");
    let now = roles(&w, "cohort-2021");
    let is = |email: &str, role: &str| now.get(email).is_some_and(|(_, r)| r == role);
    // Four of the pilot's mentors came back as mentors, and some of their mentees as leaders.
    let returning: Vec<&(String, String)> = old.iter().filter(|(_, m)| is(m, "mentor")).collect();
    assert_eq!(returning.len(), 4, "{returning:?}");
    let both: Vec<&(String, String)> = returning
        .iter()
        .copied()
        .filter(|(e, _)| is(e, "mentee"))
        .collect();
    assert!(
        !both.is_empty(),
        "no pilot mentee came back with their mentor"
    );
    // The pairs the shipped cohort confirmed.
    let confirmed = pairs_by_email(&w, "cohort-2021");
    assert!(confirmed.len() >= 10, "{confirmed:?}");
    for p in &confirmed {
        assert!(!old.contains(p), "{p:?} was a pair in pilot-2020");
    }
    // Asked why not, the proposal names the rule for each old pair.
    for (mentee, mentor) in &both {
        let explain = w
            .sh_on(
                "2021-01-08",
                &format!("match cohort-2021 --explain {mentee} --format json"),
            )
            .ok();
        let v: serde_json::Value = serde_json::from_str(&explain.stdout).expect("json");
        let id = &now[mentor.as_str()].0;
        let row = v["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .find(|c| c["candidate"] == id.as_str())
            .unwrap_or_else(|| panic!("{mentor} is not among {mentee}'s candidates"));
        assert_eq!(row["why_not"], "forbidden: paired in pilot-2020", "{row}");
    }
    // While they have mentors, a lock on an old pair names both reasons, not only the first.
    for (mentee, mentor) in &both {
        w.refuses_sh(
            &format!("match cohort-2021 --dry-run --lock {mentee}={mentor}"),
            1,
            &["already has a mentor", "paired in pilot-2020"],
        );
    }
    // Matched again from scratch (no pair yet, as on the day of matching), the proposal offers
    // no returning mentor their pilot mentee.
    for file in ["matches.csv", "meetings.csv"] {
        let text = w.cohort_file("cohort-2021", file);
        let header = text.lines().next().expect("header");
        w.write_cohort_file("cohort-2021", file, format!("{header}\n"));
    }
    let run = w
        .sh_on("2021-01-08", "match cohort-2021 --dry-run --format json")
        .ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let email = |id: &serde_json::Value| {
        now.iter()
            .find(|(_, (i, _))| id == i.as_str())
            .map(|(e, _)| e.clone())
            .expect("known id")
    };
    let proposed: Vec<(String, String)> = v["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| (email(&p["mentee"]), email(&p["mentor"])))
        .collect();
    assert!(proposed.len() >= 10, "{}", run.stdout);
    for p in &proposed {
        assert!(!old.contains(p), "{p:?} was a pair in pilot-2020");
    }
    // Asked for by name, an old pair is refused with the rule.
    for (mentee, mentor) in &both {
        w.refuses_sh(
            &format!("match cohort-2021 --dry-run --lock {mentee}={mentor}"),
            1,
            &["paired in pilot-2020"],
        );
    }
}

#[test]
fn the_programme_report_of_the_shipped_cohorts_passes_the_disclosure_auditor_as_one() {
    let w = shipped();
    let json = w
        .run_on("2021-07-30", &["export", "--programme", "--format", "json"])
        .ok()
        .stdout;
    let a = crate::audit::audit_programme(&json);
    println!(
        "programme: {} cells audited, narrowest {:?}",
        a.cells, a.narrowest
    );
    assert!(a.failures.is_empty(), "{:#?}", a.failures);
    assert!(a.cells > 100, "{a:?}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let p = &v["programme"];
    assert_eq!(p["cohorts"][0]["cohort"], "pilot-2020");
    assert_eq!(p["cohorts"][1]["cohort"], "cohort-2021");
    // Returning people are few: printed as "<5", with the new people they imply protected too.
    assert_eq!(p["cohorts"][1]["returning"]["rows"][0]["cells"][0], "<5");
    assert!(p["cohorts"][0]["returning"]["rows"][0]["cells"][0].is_null());
    // The auditor can fail: a hand-broken copy that prints how many mentors came back...
    let mut broken = v.clone();
    broken["programme"]["cohorts"][1]["returning"]["rows"][0]["cells"][0] = 4.into();
    let a = crate::audit::audit_programme(&broken.to_string());
    assert!(
        a.failures
            .iter()
            .any(|f| f.contains("cohort-2021 (programme): returning mentors: 4 printed")),
        "{a:?}"
    );
    // ... or repeats in the side-by-side reach a cell its cohort's summary suppressed ...
    let mut broken = v.clone();
    let reach = &mut broken["programme"]["reach"][0]["rows"];
    let row = reach
        .as_array_mut()
        .expect("rows")
        .iter_mut()
        .find(|r| r["label"] == "not known")
        .expect("not known");
    assert_eq!(row["cells"][1][1], "<5");
    row["cells"][1][1] = 0.into();
    let a = crate::audit::audit_programme(&broken.to_string());
    assert!(
        a.failures
            .iter()
            .any(|f| f.contains("cohort-2021: gender: not known / mentees: pinned to 0..=0")),
        "{a:?}"
    );
    // ... or prints a value the pilot's own summary counted in "another value".
    let mut broken = v.clone();
    let reach = broken["programme"]["reach"]
        .as_array_mut()
        .expect("reach")
        .iter_mut()
        .find(|r| r["characteristic"] == "disability")
        .expect("disability");
    let row = reach["rows"]
        .as_array_mut()
        .expect("rows")
        .iter_mut()
        .find(|r| r["label"] == "Yes")
        .expect("Yes");
    assert!(row["cells"][0][0].is_null(), "{row}");
    row["cells"][0][0] = 5.into();
    let a = crate::audit::audit_programme(&broken.to_string());
    assert!(
        a.failures
            .iter()
            .any(|f| f.contains("pilot-2020: disability Yes / mentors is not in its summary")),
        "{a:?}"
    );
}

#[test]
fn init_like_on_the_shipped_pilot_copies_every_setting_and_no_person() {
    let w = pilot();
    w.sh_on(
        "2020-11-16",
        "init second --like pilot-2020 --start 2021-01-11 --end 2021-07-30 --title 'Second'",
    )
    .ok();
    let parse = |cohort: &str| -> toml::Table {
        toml::from_str(&w.cohort_file(cohort, "cohort.toml")).expect("toml")
    };
    let (mut old, mut new) = (parse("pilot-2020"), parse("second"));
    // What --like sets: the title, the dates, recruitment open; the pilot's closures are all past.
    for t in [&mut old, &mut new] {
        let cohort = t["cohort"].as_table_mut().expect("[cohort]");
        for key in ["title", "start", "end", "recruiting"] {
            assert!(cohort.remove(key).is_some(), "{key}");
        }
        t["calendar"]
            .as_table_mut()
            .expect("[calendar]")
            .remove("closure");
    }
    assert_eq!(old, new, "a setting was not copied");
    let settings = parse("second");
    assert_eq!(settings["cohort"]["title"].as_str(), Some("Second"));
    assert_eq!(settings["cohort"]["recruiting"].as_bool(), Some(true));
    assert!(settings["calendar"].get("closure").is_none());
    // Every table holds its header only: no person, pair, meeting, answer or message.
    let folder = w.root().join("second");
    let mut tables = 0;
    for e in std::fs::read_dir(&folder).expect("cohort").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".csv") {
            tables += 1;
            assert_eq!(
                w.cohort_file("second", &name).lines().count(),
                1,
                "{name} holds rows"
            );
        }
    }
    assert!(tables >= 8, "{tables} tables");
}
