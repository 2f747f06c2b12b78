//! One test harness: a temporary cohort root, the real `revmentor` binary, files in and out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The date every test runs on unless it says otherwise.
pub const TODAY: &str = "2020-01-06";

/// A temporary folder holding a cohort root (`cohorts/`) and input files.
pub struct Workdir {
    dir: tempfile::TempDir,
}

/// The result of one run: exit code, stdout, stderr.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Assert the run succeeded; return it for further checks.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Assert the run failed with `code` and that stderr says each of `says`.
    #[track_caller]
    pub fn fails(self, code: i32, says: &[&str]) -> Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains("error: ") || code == 2,
            "stderr: {}",
            self.stderr
        );
        for s in says {
            assert!(
                self.stderr.contains(s),
                "stderr lacks {s:?}:\n{}",
                self.stderr
            );
        }
        self
    }
}

/// Split a command line as a shell would: words separated by spaces, '...' and "..." quote.
pub fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

impl Workdir {
    /// Run a command line given as one string (split as a shell would).
    pub fn sh(&self, line: &str) -> Run {
        let args = words(line);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args)
    }

    /// Run a command line given as one string on a given date.
    pub fn sh_on(&self, today: &str, line: &str) -> Run {
        let args = words(line);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run_on(today, &args)
    }

    /// Like [`Workdir::refuses`], with the command line as one string.
    #[track_caller]
    pub fn refuses_sh(&self, line: &str, code: i32, says: &[&str]) -> Run {
        let args = words(line);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.refuses(&args, code, says)
    }

    pub fn new() -> Self {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A work folder holding a copy of the shipped cohort `cohort` (from `cohorts/` in the repo),
    /// named `as_name` under the root.
    pub fn with_shipped(cohort: &str, as_name: &str) -> Self {
        let w = Workdir::new();
        w.copy_shipped(cohort, as_name);
        w
    }

    /// Copy the shipped cohort `cohort`'s files (not its lock) under the root as `as_name`.
    pub fn copy_shipped(&self, cohort: &str, as_name: &str) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("cohorts")
            .join(cohort);
        for e in std::fs::read_dir(&from).expect("shipped cohort").flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name != ".lock" && e.path().is_file() {
                self.write(
                    &format!("cohorts/{as_name}/{name}"),
                    std::fs::read(e.path()).expect("read"),
                );
            }
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("cohorts")
    }

    /// A `revmentor` command on this root, "today" pinned, no terminal.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("revmentor").expect("binary");
        cmd.current_dir(self.path())
            .env_remove("REVMENTOR_ROOT")
            .env_remove("REVMENTOR_FAULT")
            .env("REVMENTOR_TODAY", TODAY)
            .arg("--root")
            .arg(self.root())
            .args(args);
        cmd
    }

    /// Run with the default date.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_cmd(self.command(args))
    }

    /// Run on a given date.
    pub fn run_on(&self, today: &str, args: &[&str]) -> Run {
        let mut cmd = self.command(args);
        cmd.env("REVMENTOR_TODAY", today);
        self.run_cmd(cmd)
    }

    pub fn run_cmd(&self, mut cmd: Command) -> Run {
        let out = cmd.output().expect("runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Write a file relative to the work folder (creating folders).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, content).expect("write");
        path
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// A cohort file's text: `cohort_file("c", "participants.csv")`.
    pub fn cohort_file(&self, cohort: &str, file: &str) -> String {
        self.read(&format!("cohorts/{cohort}/{file}"))
    }

    pub fn write_cohort_file(&self, cohort: &str, file: &str, content: impl AsRef<[u8]>) {
        self.write(&format!("cohorts/{cohort}/{file}"), content);
    }

    /// Every file under the root except lock files, with its bytes: compare before and after.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, base, out);
                } else if p.file_name().is_some_and(|n| n != ".lock") {
                    let rel = p
                        .strip_prefix(base)
                        .expect("under base")
                        .display()
                        .to_string();
                    out.insert(rel, std::fs::read(&p).expect("read"));
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.root(), &self.root(), &mut out);
        out
    }

    /// Put the root back exactly as a [`Workdir::snapshot`] saw it (files not in it are removed).
    pub fn restore(&self, snapshot: &BTreeMap<String, Vec<u8>>) {
        let _ = std::fs::remove_dir_all(self.root());
        for (rel, bytes) in snapshot {
            let path = self.root().join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            std::fs::write(&path, bytes).expect("write");
        }
    }

    /// Run a command that must fail with `code`, say each of `says`, and change no file.
    #[track_caller]
    pub fn refuses(&self, args: &[&str], code: i32, says: &[&str]) -> Run {
        let before = self.snapshot();
        let run = self.run(args).fails(code, says);
        let after = self.snapshot();
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "files added or removed"
        );
        for (k, v) in &before {
            assert!(after.get(k) == Some(v), "{k} changed by a refused command");
        }
        run
    }

    /// A cohort `c` (2020-01-13 to 2020-07-31) with nobody enrolled.
    pub fn cohort(&self) -> &Self {
        self.run(&[
            "init",
            "c",
            "--start",
            "2020-01-13",
            "--end",
            "2020-07-31",
            "--title",
            "Test cohort",
        ])
        .ok();
        self
    }

    /// Turn off the briefing gate (`require_briefing = false`), for tests about what comes after.
    pub fn without_briefing_gate(&self) {
        let toml = self
            .cohort_file("c", "cohort.toml")
            .replace("require_briefing = true", "require_briefing = false");
        self.write_cohort_file("c", "cohort.toml", toml);
    }

    /// Add a briefing for all on 2020-01-02 (`b1`) and record everyone enrolled so far as there.
    pub fn brief_everyone(&self) {
        self.run(&[
            "brief",
            "c",
            "add",
            "--date",
            "2020-01-02",
            "--audience",
            "all",
        ])
        .ok();
        let ids: Vec<String> = self
            .cohort_file("c", "participants.csv")
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap_or_default().to_string())
            .collect();
        let mut args = vec!["brief", "c", "attend", "b1"];
        args.extend(ids.iter().map(String::as_str));
        self.run(&args).ok();
    }

    /// Enrol one person from flags; returns the new id.
    pub fn enrol(&self, role: &str, name: &str, email: &str, extra: &[&str]) -> String {
        let mut args = vec![
            "enrol", "c", "--role", role, "--name", name, "--email", email,
        ];
        args.extend_from_slice(extra);
        self.run(&args).ok().stdout.trim().to_string()
    }
}

/// A file of the fictional pilot's exports in `examples/pilot/`.
pub fn example(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/pilot")
            .join(name),
    )
    .expect("example")
}
