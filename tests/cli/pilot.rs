//! The example cohorts committed in `cohorts/` are exactly what the scripts in `examples/` make:
//! `cohorts/pilot-2020` from `examples/pilot.sh`, and `cohorts/cohort-2021`, built on the pilot,
//! from `examples/cohort-2.sh`.

use std::path::Path;

use crate::harness::Workdir;

/// Run one of the example scripts on `w`'s root with the binary under test.
fn script(w: &Workdir, name: &str) -> std::process::Output {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::process::Command::new("bash")
        .arg(repo.join("examples").join(name))
        .env("REVMENTOR", assert_cmd::cargo::cargo_bin("revmentor"))
        .env("REVMENTOR_ROOT", w.root())
        .env_remove("REVMENTOR_TODAY")
        .output()
        .expect("bash runs")
}

/// The files of a committed cohort (its lock left out), by name.
fn committed_files(cohort: &str) -> Vec<String> {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("cohorts")
        .join(cohort);
    let mut names: Vec<String> = std::fs::read_dir(&committed)
        .expect("committed cohort")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".lock")
        .collect();
    names.sort();
    assert!(names.contains(&"participants.csv".to_string()));
    names
}

/// Every file of the committed cohort is byte for byte the one the script made under `root`.
fn same_as_committed(root: &Path, cohort: &str, script: &str) {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("cohorts")
        .join(cohort);
    let names = committed_files(cohort);
    let mut made: Vec<String> = std::fs::read_dir(root.join(cohort))
        .expect("made cohort")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".lock")
        .collect();
    made.sort();
    assert_eq!(
        made, names,
        "examples/{script} makes other files than cohorts/{cohort} holds"
    );
    for name in names {
        let want = std::fs::read(committed.join(&name)).expect("read committed");
        let got = std::fs::read(root.join(cohort).join(&name)).unwrap_or_default();
        assert!(
            want == got,
            "{cohort}/{name} differs from what examples/{script} makes: run it and commit the result"
        );
    }
}

#[test]
fn pilot_example_rebuilds_byte_for_byte() {
    let w = Workdir::new();
    let run = script(&w, "pilot.sh");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    same_as_committed(&w.root(), "pilot-2020", "pilot.sh");
}

#[test]
fn second_cohort_example_rebuilds_byte_for_byte_on_the_pilot() {
    let w = Workdir::new();
    // Without the pilot there is nothing to build on: the script says so and makes nothing.
    let run = script(&w, "cohort-2.sh");
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("run examples/pilot.sh first"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!w.root().join("cohort-2021").exists());
    // On the committed pilot (which the test above rebuilds from its own script).
    let pilot = Path::new(env!("CARGO_MANIFEST_DIR")).join("cohorts/pilot-2020");
    for name in committed_files("pilot-2020") {
        w.write(
            &format!("cohorts/pilot-2020/{name}"),
            std::fs::read(pilot.join(&name)).expect("read"),
        );
    }
    let run = script(&w, "cohort-2.sh");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    same_as_committed(&w.root(), "cohort-2021", "cohort-2.sh");
    // It reads the pilot and never changes it, and leaves no drafts behind.
    same_as_committed(&w.root(), "pilot-2020", "pilot.sh");
    let left: Vec<String> = std::fs::read_dir(w.root())
        .expect("root")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}
