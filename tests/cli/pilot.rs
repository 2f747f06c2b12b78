//! The example cohort committed in `cohorts/pilot-2020` is exactly what `examples/pilot.sh` makes.

use std::path::Path;

use crate::harness::Workdir;

#[test]
fn pilot_example_rebuilds_byte_for_byte() {
    let w = Workdir::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = std::process::Command::new("bash")
        .arg(repo.join("examples/pilot.sh"))
        .env("REVMENTOR", assert_cmd::cargo::cargo_bin("revmentor"))
        .env("REVMENTOR_ROOT", w.root())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("bash runs");
    assert!(status.success());
    let committed = repo.join("cohorts/pilot-2020");
    let mut names: Vec<String> = std::fs::read_dir(&committed)
        .expect("committed cohort")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".lock")
        .collect();
    names.sort();
    assert!(names.contains(&"participants.csv".to_string()));
    for name in &names {
        let want = std::fs::read(committed.join(name)).expect("read committed");
        let got = std::fs::read(w.root().join("pilot-2020").join(name)).unwrap_or_default();
        assert!(
            want == got,
            "{name} differs from what examples/pilot.sh makes: run it and commit the result"
        );
    }
}
