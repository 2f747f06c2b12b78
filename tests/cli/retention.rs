//! Data kept only as long as allowed: `purge` erases a closed cohort's personal data after its
//! retention period, and every figure the board reads stays as it was.

use std::path::Path;

use crate::harness::Workdir;

fn pilot() -> Workdir {
    Workdir::with_shipped("pilot-2020", "pilot-2020")
}

/// Every form of every name and email in a participants file as the tool wrote it: whole emails,
/// their local parts, and each part of each name (three letters or more).
fn forms(participants: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in participants.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (name, email) = (cells[2], cells[3]);
        if !email.is_empty() {
            out.push(email.to_lowercase());
            out.push(email.split('@').next().unwrap_or("").to_lowercase());
        }
        for part in name.split([' ', '-']) {
            if part.chars().count() >= 3 {
                out.push(part.to_lowercase());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The forms found in any file under `dir`, as whole words, with the file.
fn found(dir: &Path, forms: &[String]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(&p).expect("read")).to_lowercase();
            for f in forms {
                let whole_word = text.match_indices(f.as_str()).any(|(i, _)| {
                    let before = text[..i].chars().next_back();
                    let after = text[i + f.len()..].chars().next();
                    !before.is_some_and(char::is_alphanumeric)
                        && !after.is_some_and(char::is_alphanumeric)
                });
                if whole_word {
                    hits.push(format!("{}: {f}", p.display()));
                }
            }
        }
    }
    hits
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("json")
}

#[test]
fn purge_leaves_no_name_or_email_and_every_figure_as_it_was() {
    let w = pilot();
    // Cohort 2: every mentor of the pilot comes back, so the programme counts them returning.
    w.sh_on(
        "2020-12-01",
        "init cohort-2 --like pilot-2020 --start 2021-01-11 --end 2021-07-30",
    )
    .ok();
    w.sh_on(
        "2020-12-01",
        "enrol cohort-2 --from-cohort pilot-2020 --role mentor",
    )
    .ok();
    // A list of pairs written outside the cohort's folder names everyone in it.
    w.sh_on("2020-07-01", "export pilot-2020 --pairs --out pairs.csv")
        .ok();
    // Someone outside the scheme, in the reporting lines, and named in a session's title.
    w.write_cohort_file(
        "pilot-2020",
        "org.csv",
        "email,manager,name\nk.shah@northgate.example,,Karen Shah\n",
    );
    let briefings = w.cohort_file("pilot-2020", "briefings.csv");
    w.write_cohort_file(
        "pilot-2020",
        "briefings.csv",
        briefings.replacen(
            "Reverse mentor briefing",
            "Reverse mentor briefing with Karen Shah",
            1,
        ),
    );
    let pilot_people = w.cohort_file("pilot-2020", "participants.csv");
    let mut forms = forms(&pilot_people);
    forms.extend(["karen", "shah", "k.shah@northgate.example"].map(String::from));
    assert!(forms.len() > 40, "{forms:?}");
    let pilot_dir = w.root().join("pilot-2020");
    assert!(
        !found(&pilot_dir, &forms).is_empty(),
        "the test would pass on anything"
    );

    // Not before the retention period ends (24 months after 2020-07-31), and never by accident.
    let before = w.snapshot();
    let run = w.sh_on("2022-07-31", "purge pilot-2020 --yes");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("keeps its personal data until 2022-07-31"),
        "{}",
        run.stderr
    );
    let run = w.sh("purge pilot-2020 --yes");
    assert!(run.stderr.contains("has not ended"), "{}", run.stderr);
    let run = w.sh_on("2022-08-01", "purge pilot-2020");
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    let dry = w.sh_on("2022-08-01", "purge pilot-2020 --dry-run").ok();
    for says in [
        "would erase the personal data of 25 people",
        "would delete 25 rows of characteristics.csv",
        "who took part in this cohort and another by id in returned.csv",
        "nothing was changed",
    ] {
        assert!(dry.stdout.contains(says), "{says}:\n{}", dry.stdout);
    }
    assert!(
        w.snapshot() == before,
        "a refused or dry purge changed a file"
    );

    // status says it is due, and does not do it.
    let status = w.sh_on("2022-08-01", "status").ok();
    assert!(
        status
            .stderr
            .contains("revmentor purge pilot-2020 --dry-run"),
        "{}",
        status.stderr
    );
    let one = w.sh_on("2022-08-01", "status pilot-2020").ok();
    assert!(
        one.stdout.contains("kept until 2022-07-31"),
        "{}",
        one.stdout
    );
    assert!(w.snapshot() == before);

    let summary = w
        .sh_on("2022-08-01", "export pilot-2020 --format json")
        .ok();
    let programme = w
        .sh_on("2022-08-01", "export --programme --format json")
        .ok();
    let md = w.sh_on("2022-08-01", "export --programme").ok();
    let run = w.sh_on("2022-08-01", "purge pilot-2020 --yes").ok();
    assert!(
        run.stdout
            .contains("still names people, outside the cohort's folder")
            && run.stdout.contains("pairs.csv"),
        "{}",
        run.stdout
    );

    assert_eq!(
        w.cohort_file("pilot-2020", "org.csv"),
        "email,manager,name\n"
    );
    // No name or email is left anywhere in the cohort's folder: tables, calendars, register.
    let left = found(&pilot_dir, &forms);
    assert!(left.is_empty(), "still there: {left:#?}");
    assert!(
        w.cohort_file("pilot-2020", "characteristics.csv")
            .lines()
            .nth(1)
            .is_none_or(str::is_empty),
        "characteristics.csv keeps rows"
    );
    // Every figure is as it was: the programme report byte for byte, the summary without quotes.
    assert_eq!(
        w.sh_on("2022-08-01", "export --programme --format json")
            .ok()
            .stdout,
        programme.stdout
    );
    assert_eq!(
        w.sh_on("2022-08-01", "export --programme").ok().stdout,
        md.stdout
    );
    let mut was = json(&summary.stdout);
    let mut now = json(
        &w.sh_on("2022-08-01", "export pilot-2020 --format json")
            .ok()
            .stdout,
    );
    assert!(
        !was["summary"]["quotes"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "no quotes to lose"
    );
    assert!(
        now["summary"]["quotes"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
    was["summary"]["quotes"] = serde_json::Value::Null;
    now["summary"]["quotes"] = serde_json::Value::Null;
    assert_eq!(now, was);
    // The mentors returning to cohort 2 still count, by their ids there.
    let returned = w.cohort_file("pilot-2020", "returned.csv");
    assert!(returned.starts_with("cohort,id\n"), "{returned}");
    assert!(
        returned
            .lines()
            .filter(|l| l.starts_with("cohort-2,"))
            .count()
            >= 10,
        "{returned}"
    );
    assert!(
        programme.stdout.contains("\"returning\""),
        "{}",
        programme.stdout
    );

    // A purged cohort reads, checks and reports, but never changes; it is never purged twice.
    w.sh_on("2022-08-01", "check pilot-2020").ok();
    let one = w.sh_on("2022-08-01", "status pilot-2020").ok();
    assert!(
        one.stdout.contains("purged on 2022-08-01"),
        "{}",
        one.stdout
    );
    let status = w.sh_on("2022-08-01", "status").ok();
    assert!(
        !status.stderr.contains("purge pilot-2020"),
        "{}",
        status.stderr
    );
    let after = w.snapshot();
    for line in [
        "purge pilot-2020 --yes",
        "enrol pilot-2020 --role mentor --name 'Ann Other' --email ann@x.example",
        "log pilot-2020 p001 --held 2020-07-20 --minutes 30",
        "brief pilot-2020 add --date 2020-07-20 --audience all",
    ] {
        let run = w.sh_on("2022-08-02", line);
        assert_ne!(run.code, 0, "{line}: {}", run.stdout);
        assert!(
            run.stderr.contains("was purged on 2022-08-01"),
            "{line}: {}",
            run.stderr
        );
    }
    assert!(
        w.snapshot() == after,
        "a refused change to a purged cohort wrote a file"
    );
    // Its settings start a new cohort without the mark.
    w.sh_on(
        "2022-08-02",
        "init cohort-3 --like pilot-2020 --start 2023-01-09 --end 2023-07-28",
    )
    .ok();
    assert!(
        !w.cohort_file("cohort-3", "cohort.toml")
            .contains("purged_on")
    );
    // Nobody comes back from a purged cohort: there is nobody left to bring.
    let before = w.snapshot();
    let run = w.sh_on(
        "2022-08-02",
        "enrol cohort-3 --from-cohort pilot-2020 --role mentor",
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("pilot-2020 was purged on 2022-08-01") && run.stderr.contains("afresh"),
        "{}",
        run.stderr
    );
    assert!(w.snapshot() == before);

    // Purging the later cohort keeps its own returning figure too.
    let programme = w
        .sh_on("2023-08-01", "export --programme --format json")
        .ok();
    w.sh_on("2023-08-01", "purge cohort-2 --yes").ok();
    // An optional file it had not is not created.
    assert!(!w.root().join("cohort-2/org.csv").exists());
    assert_eq!(
        w.sh_on("2023-08-01", "export --programme --format json")
            .ok()
            .stdout,
        programme.stdout
    );
}

#[test]
fn retention_is_a_setting_with_a_range() {
    let w = pilot();
    let toml = w.cohort_file("pilot-2020", "cohort.toml");
    w.write_cohort_file(
        "pilot-2020",
        "cohort.toml",
        toml.replace("retain_months = 24", "retain_months = 0"),
    );
    w.refuses_sh(
        "status pilot-2020",
        1,
        &["retain_months = 0", "from 1 to 600"],
    );
    w.write_cohort_file(
        "pilot-2020",
        "cohort.toml",
        toml.replace("retain_months = 24", "retain_months = 6"),
    );
    // Six months after 2020-07-31: due from 2021-02-01.
    let run = w.sh_on("2021-01-31", "purge pilot-2020 --dry-run");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("until 2021-01-31"), "{}", run.stderr);
    w.sh_on("2021-02-01", "purge pilot-2020 --dry-run").ok();
}
