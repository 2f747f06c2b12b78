//! `withdraw`: voluntary withdrawal, and erasure that leaves only a tombstone.

use crate::harness::Workdir;

#[test]
fn withdraw_records_status_date_and_reason() {
    let w = Workdir::new();
    w.cohort();
    let id = w.enrol("mentor", "Ann Lee", "ann@x.example", &[]);
    let run = w
        .run_on(
            "2020-02-03",
            &[
                "withdraw",
                "c",
                "ann@x.example",
                "--reason",
                "new job",
                "--yes",
            ],
        )
        .ok();
    assert!(run.stdout.contains("p001 withdrawn"));
    assert!(w.cohort_file("c", "participants.csv").contains(&format!(
        "{id},mentor,Ann Lee,ann@x.example,,,,withdrawn,2020-01-06,,2020-02-03,new job,"
    )));
    w.refuses_sh(
        "withdraw c p001 --yes",
        1,
        &["already withdrawn since 2020-02-03", "--erase"],
    );
    w.refuses_sh("withdraw c p999 --yes", 1, &["no participant \"p999\""]);
}

#[test]
fn erase_leaves_no_name_or_email_anywhere_and_counts_still_add_up() {
    let w = Workdir::new();
    w.cohort();
    w.enrol(
        "mentee",
        "Zed Boss",
        "zed.boss@x.example",
        &["--trait", "gender=Man"],
    );
    w.enrol(
        "mentor",
        "Ann Lee",
        "ann.lee@x.example",
        &[
            "--manager",
            "zed.boss@x.example",
            "--conflict",
            "zed.boss@x.example",
            "--department",
            "Chemistry",
        ],
    );
    // A coordinator's own column may hold personal data too.
    let text = w.cohort_file("c", "participants.csv");
    let mut lines: Vec<String> = text.lines().map(|l| format!("{l},")).collect();
    lines[0].push_str("PA contact");
    lines[1].push_str("Zed's PA");
    w.write_cohort_file("c", "participants.csv", lines.join("\n") + "\n");
    w.sh("withdraw c zed.boss@x.example --erase --reason 'Zed Boss asked' --yes")
        .ok();
    for (file, bytes) in w.snapshot() {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for needle in ["zed", "boss", "zed.boss@x.example"] {
            assert!(
                !text.contains(needle),
                "{file} still holds {needle}:\n{text}"
            );
        }
    }
    let participants = w.cohort_file("c", "participants.csv");
    assert!(
        participants.contains("p001,mentee,,,,,,erased,2020-01-06,,2020-01-06,,,,\n"),
        "{participants}"
    );
    assert!(
        participants.contains(
            "p002,mentor,Ann Lee,ann.lee@x.example,Chemistry,,p001,active,2020-01-06,p001,"
        ),
        "{participants}"
    );
    assert!(!w.cohort_file("c", "characteristics.csv").contains("p001"));
    let status = w.sh("status c --format json").ok();
    let v: serde_json::Value = serde_json::from_str(&status.stdout).expect("json");
    let total: u64 = v["participants"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total, 2);
    w.refuses_sh(
        "withdraw c p001 --yes",
        1,
        &["p001 was erased on 2020-01-06"],
    );
    assert_eq!(
        w.enrol("mentee", "New Person", "new@x.example", &[]),
        "p003",
        "ids are never reused"
    );
}
