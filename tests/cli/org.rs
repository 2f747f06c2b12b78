//! org.csv: reporting lines of people inside and outside the scheme complete reporting chains;
//! `org --from` imports an HR export; manager cells take an id, an email or a unique name.

use crate::harness::Workdir;

/// Mentees p001 (lead0), p002 (lead1); mentors p003 (mentor0), p004 (mentor1); everyone in their
/// own department and briefed.
fn cohort() -> Workdir {
    let w = Workdir::new();
    w.cohort();
    for i in 0..2 {
        w.enrol(
            "mentee",
            &format!("Lead {i}"),
            &format!("lead{i}@x.example"),
            &["--department", &format!("L{i}")],
        );
    }
    for i in 0..2 {
        w.enrol(
            "mentor",
            &format!("Mentor {i}"),
            &format!("mentor{i}@x.example"),
            &["--department", &format!("M{i}")],
        );
    }
    w.brief_everyone();
    w
}

#[test]
fn a_skip_level_chain_through_a_non_participant_is_forbidden_with_the_chain_in_the_reason() {
    let w = cohort();
    // mentor0 reports to k.shah (not in the scheme), who reports to lead0.
    w.write(
        "hr.csv",
        "Employee,Work email,Job title,Reports to\nKim Shah,k.shah@x.example,Head of Unit,lead0@x.example\nMentor Zero,mentor0@x.example,Officer,k.shah@x.example\n",
    );
    let run = w.sh("org c --from hr.csv").ok();
    assert!(
        run.stdout.contains("\"Reports to\" -> manager"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("org.csv: 2 people (1 of them in the scheme), 2 with a manager"),
        "{}",
        run.stdout
    );
    w.refuses_sh(
        "match c --dry-run --lock p001=p003",
        1,
        &["in one another's line-management chain (p003 reports to k.shah, who reports to p001)"],
    );
    let explain = w.sh("match c --explain p001 --format json").ok().stdout;
    assert!(explain.contains("forbidden: in one another's line-management chain (p003 reports to k.shah, who reports to p001)"), "{explain}");
}

#[test]
fn chains_through_several_outsiders_and_in_both_directions_are_forbidden() {
    let w = cohort();
    // lead1 reports to a, who reports to b, who reports to mentor1 (a leader below a mentor).
    w.write_cohort_file(
        "c",
        "org.csv",
        "email,manager,name\nlead1@x.example,a@x.example,\na@x.example,b@x.example,\nb@x.example,mentor1@x.example,\n",
    );
    w.refuses_sh(
        "match c --dry-run --lock p002=p004",
        1,
        &["(p002 reports to a, who reports to b, who reports to p004)"],
    );
    // Without org.csv the pair is allowed.
    w.write_cohort_file("c", "org.csv", "email,manager,name\n");
    w.sh("match c --dry-run --lock p002=p004").ok();
    // A chain that participants.csv starts and org.csv finishes.
    let people = w.cohort_file("c", "participants.csv").replace(
        "mentor1@x.example,M1,,,",
        "mentor1@x.example,M1,,boss@x.example,",
    );
    w.write_cohort_file("c", "participants.csv", people);
    w.write_cohort_file(
        "c",
        "org.csv",
        "email,manager,name\nboss@x.example,lead1@x.example,The Boss\n",
    );
    w.refuses_sh(
        "match c --dry-run --lock p002=p004",
        1,
        &["(p004 reports to boss, who reports to p002)"],
    );
}

#[test]
fn manager_cells_take_an_id_an_email_or_a_name_that_matches_exactly_one_person() {
    let w = cohort();
    w.write(
        "hr.csv",
        "Name,Email,Manager\nKim Shah,k.shah@x.example,Lead 0\nRo Vale,r.vale@x.example,p002\nSam Ode,s.ode@x.example,KIM SHAH\n",
    );
    w.sh("org c --from hr.csv").ok();
    assert_eq!(
        w.cohort_file("c", "org.csv"),
        "email,manager,name\nk.shah@x.example,lead0@x.example,Kim Shah\nr.vale@x.example,p002,Ro Vale\ns.ode@x.example,k.shah@x.example,Sam Ode\n"
    );
    // enrol --from and --manager take names too (of participants and of org.csv's people).
    w.write("more.csv", "Name,Email,Line manager\nNew One,new1@x.example,Kim Shah\nNew Two,new2@x.example,New One\n");
    w.sh("enrol c --from more.csv --role mentor").ok();
    let people = w.cohort_file("c", "participants.csv");
    assert!(
        people.contains("new1@x.example,,,k.shah@x.example,"),
        "{people}"
    );
    assert!(
        people.contains("new2@x.example,,,new1@x.example,"),
        "{people}"
    );
    w.enrol(
        "mentor",
        "New Three",
        "new3@x.example",
        &["--manager", "Mentor 0"],
    );
    assert!(
        w.cohort_file("c", "participants.csv")
            .contains("new3@x.example,,,mentor0@x.example,")
    );
    // A name that names nobody, or two people, is refused, every one at once; nothing changes.
    w.write("bad.csv", "Name,Email,Manager\nA One,a1@x.example,Nobody Known\nB Two,b2@x.example,Twin\nTwin,t1@x.example,\nTwin,t2@x.example,\nC,not-an-email,\n");
    w.refuses_sh(
        "org c --from bad.csv",
        1,
        &[
            "bad.csv:2: manager \"Nobody Known\" is not an email, an id, or the name of anyone",
            "bad.csv:3: manager \"Twin\" is the name of 2 people (t1@x.example, t2@x.example)",
            "bad.csv:6: column \"Email\": \"not-an-email\" is not an email address",
        ],
    );
    w.refuses_sh(
        "enrol c --role mentor --name X --email x@x.example --manager 'Nobody Known'",
        2,
        &[
            "--manager",
            "give the manager's email (like name@domain), a participant's id (like p001)",
        ],
    );
    // A name typed by hand into participants.csv is refused by name, saying what works.
    let people = w
        .cohort_file("c", "participants.csv")
        .replace("mentor0@x.example,M0,,,", "mentor0@x.example,M0,,Kim Shah,");
    w.write_cohort_file("c", "participants.csv", people);
    w.refuses_sh("status c", 1, &["manager \"Kim Shah\" is neither an email nor a participant's id: write the manager's email or id"]);
}

#[test]
fn bad_rows_of_org_csv_are_reported_with_their_line_and_erasure_removes_a_person_from_it() {
    let w = cohort();
    w.write_cohort_file(
        "c",
        "org.csv",
        "email,manager,name\na@x.example,a@x.example,\nb@x.example,p099,\na@x.example,,\nbad,,\n",
    );
    let run = w.sh("check c");
    assert_eq!(run.code, 1);
    let said = format!("{}{}", run.stdout, run.stderr);
    for s in [
        "org.csv:2",
        "own manager",
        "org.csv:3",
        "p099 names no participant",
        "org.csv:4",
        "already on line 2",
        "org.csv:5",
    ] {
        assert!(said.contains(s), "lacks {s}: {said}");
    }
    w.write_cohort_file(
        "c",
        "org.csv",
        "email,manager,name\nmentor0@x.example,k.shah@x.example,Mentor Zero\nz@x.example,mentor0@x.example,Zed\n",
    );
    w.sh("withdraw c p003 --erase --yes").ok();
    assert_eq!(
        w.cohort_file("c", "org.csv"),
        "email,manager,name\nz@x.example,p003,Zed\n"
    );
    // A cohort without org.csv has none until one is imported.
    let fresh = Workdir::new();
    fresh.cohort();
    assert!(!fresh.path().join("cohorts/c/org.csv").exists());
    assert!(fresh.sh("org c").ok().stdout.contains("org.csv: 0 people"));
}

#[test]
fn a_name_that_begins_like_a_formula_is_refused_by_org_from_and_reported_by_check() {
    let w = cohort();
    w.write(
        "hr.csv",
        "Email,Name,Line manager\r\nk@x.example,=2+3,\r\nj@x.example,@SUM(A1),\r\nm@x.example,+44 20 7946 0000,\r\nn@x.example,-,\r\nq@x.example,Ann O'Neil-Smith,\r\n",
    );
    let before = w.snapshot();
    w.refuses_sh(
        "org c --from hr.csv",
        1,
        &[
            "hr.csv:2: column \"Name\": \"=2+3\" begins with '='",
            "hr.csv:3: column \"Name\": \"@SUM(A1)\" begins with '@'",
            "hr.csv:4: column \"Name\": \"+44 20 7946 0000\" begins with '+'",
        ],
    );
    assert_eq!(before, w.snapshot());
    // The same names typed into org.csv by hand are kept (they are data) and reported by check.
    w.write_cohort_file(
        "c",
        "org.csv",
        "email,manager,name\nk@x.example,,=2+3\nn@x.example,,-\n",
    );
    let run = w.sh("check c");
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("org.csv:2: k@x.example's name \"=2+3\" begins like a formula"),
        "{said}"
    );
    assert!(!said.contains("n@x.example's name"), "{said}");
    // A single '-' is no formula, and names with inner hyphens and apostrophes import.
    w.write(
        "ok.csv",
        "Email,Name,Line manager\r\nn@x.example,-,\r\nq@x.example,Ann O'Neil-Smith,n@x.example\r\n",
    );
    w.sh("org c --from ok.csv --yes").ok();
    assert!(w.cohort_file("c", "org.csv").contains("Ann O'Neil-Smith"));
}
