//! The scheme returns: a cohort started from an earlier one's settings, and handed over.

use std::path::Path;

use crate::harness::Workdir;

fn pilot() -> Workdir {
    let w = Workdir::new();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("cohorts/pilot-2020");
    for e in std::fs::read_dir(&from).expect("pilot").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name != ".lock" {
            w.write(
                &format!("cohorts/pilot-2020/{name}"),
                std::fs::read(e.path()).expect("read"),
            );
        }
    }
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
