//! The only code that reads or writes a cohort folder: paths, `cohort.toml`, the CSV tables, atomic
//! writes and the lock. Commands load a [`Cohort`], change its values, and [`Cohort::save`] it.

pub mod config;
pub mod csvio;
pub mod fs;
pub mod records;
pub mod table;

#[cfg(test)]
mod fuzz_tests;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use rustc_hash::{FxHashMap, FxHashSet};

pub use config::Config;
pub use fs::CohortLock;
pub use table::{Record, Table};

use crate::model::{Attendance, Briefing, Meeting, Pair, Participant, Response, Traits};
use records::*;

pub const CONFIG_FILE: &str = "cohort.toml";
pub const PARTICIPANTS: &str = "participants.csv";
pub const CHARACTERISTICS: &str = "characteristics.csv";
pub const BRIEFINGS: &str = "briefings.csv";
pub const ATTENDANCE: &str = "attendance.csv";
pub const MATCHES: &str = "matches.csv";
pub const MEETINGS: &str = "meetings.csv";
pub const RESPONSES: &str = "responses.csv";

/// The folder that holds every cohort.
#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
}

/// A cohort's name is `[a-z0-9][a-z0-9-]{0,63}`: safe as a folder name, never a path. Anything else
/// is a usage error (exit 2), whichever command was given it.
pub fn check_cohort_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(crate::UsageError(format!(
            "\"{name}\" is not a cohort name: use 1 to 64 lower-case letters, digits and '-', starting with a letter or digit (like pilot-2020)"
        ))
        .into())
    }
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Store { root: root.into() }
    }

    pub fn cohort_dir(&self, name: &str) -> Result<PathBuf> {
        check_cohort_name(name)?;
        Ok(self.root.join(name))
    }

    /// Names of the cohorts under the root (folders holding a `cohort.toml`), sorted.
    pub fn list(&self) -> Result<Vec<String>> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", self.root.display()));
            }
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().join(CONFIG_FILE).is_file())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| check_cohort_name(n).is_ok())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Create a new cohort folder with its settings and empty tables. Refuses an existing cohort.
    pub fn create(&self, name: &str, config_text: &str) -> Result<()> {
        let dir = self.cohort_dir(name)?;
        if dir.join(CONFIG_FILE).exists() {
            bail!(
                "cohort {name} already exists in {}: choose another name, or edit its cohort.toml",
                dir.display()
            );
        }
        let config = Config::parse(config_text)?;
        fs::create_private_dir(&dir)?;
        let _lock = fs::lock(&dir, name)?;
        let empty = Cohort::empty(name, dir.clone(), config);
        for (file, bytes) in empty.files() {
            fs::write_atomic(&dir.join(file), &bytes)?;
        }
        fs::write_atomic(&dir.join(CONFIG_FILE), config_text.as_bytes())?;
        Ok(())
    }

    /// Load a cohort to read it, without its characteristics: listings, schedules, calendars and
    /// reports never need them, so they never read them. A reader never takes the lock: writes are
    /// atomic renames, so each file read is whole.
    ///
    /// A save renames its files one after another, so a reader can read one file from before a
    /// save and the next from after it. When the files disagree, the reader reads them again while
    /// holding the lock (no save is then half-way); if they still disagree, that error stands.
    pub fn open(&self, name: &str) -> Result<Cohort> {
        self.open_to_read(name, false)
    }

    /// Like [`Store::open`], characteristics included (for matching analyses).
    pub fn open_with_characteristics(&self, name: &str) -> Result<Cohort> {
        self.open_to_read(name, true)
    }

    fn open_to_read(&self, name: &str, with_characteristics: bool) -> Result<Cohort> {
        let dir = self.existing(name)?;
        let cohort = Cohort::read(name, dir.clone(), with_characteristics)?;
        if cohort.check_consistency().is_ok() {
            return Ok(cohort);
        }
        match fs::lock(&dir, name) {
            Ok(_lock) => Cohort::load(name, dir, with_characteristics),
            Err(_) => cohort.check_consistency().map(|()| cohort),
        }
    }

    /// Lock a cohort, then load it to change it. The lock is held until the returned guard drops.
    pub fn open_for_change(&self, name: &str) -> Result<(Cohort, CohortLock)> {
        let dir = self.existing(name)?;
        let lock = fs::lock(&dir, name)?;
        fs::clean_temporaries(&dir);
        let cohort = Cohort::load(name, dir, true)?;
        Ok((cohort, lock))
    }

    fn existing(&self, name: &str) -> Result<PathBuf> {
        let dir = self.cohort_dir(name)?;
        if !dir.join(CONFIG_FILE).is_file() {
            let known = self.list().unwrap_or_default();
            let hint = if known.is_empty() {
                format!(
                    "create it with `revmentor init {name} --start YYYY-MM-DD --end YYYY-MM-DD`"
                )
            } else {
                format!("cohorts here: {}", known.join(", "))
            };
            bail!(
                "no cohort {name} in {} (use --root or REVMENTOR_ROOT for another folder); {hint}",
                self.root.display()
            );
        }
        Ok(dir)
    }
}

/// Everything in one cohort folder, loaded and checked.
#[derive(Debug, Clone)]
pub struct Cohort {
    pub name: String,
    pub dir: PathBuf,
    pub config: Config,
    pub participants: Table<Participant>,
    pub traits: Table<Traits>,
    pub briefings: Table<Briefing>,
    pub attendance: Table<Attendance>,
    pub pairs: Table<Pair>,
    pub meetings: Table<Meeting>,
    pub responses: Table<Response>,
    /// The bytes of each CSV file as read, so `save` writes only files that changed.
    originals: Vec<(&'static str, Option<Vec<u8>>)>,
    /// Whether `characteristics.csv` was read; when not, `traits` is empty and is never written.
    characteristics_loaded: bool,
}

fn trait_columns(config: &Config) -> Vec<String> {
    std::iter::once("id".to_string())
        .chain(config.cohort.characteristics.iter().cloned())
        .collect()
}

type Original = (&'static str, Option<Vec<u8>>);

/// Read one table, and keep its bytes so `save` can tell whether it changed. A missing file reads
/// as an empty table (it is written on the next save).
fn load_table<T: Record>(
    dir: &Path,
    file: &'static str,
    columns: Vec<String>,
    required: usize,
) -> Result<(Table<T>, Original)> {
    let path = dir.join(file);
    if !path.exists() {
        return Ok((Table::new(file, columns), (file, None)));
    }
    let bytes = fs::read(&path)?;
    let table = Table::parse(file, &bytes, columns, required).map_err(|e| {
        anyhow!("{}", e).context(format!("cannot read cohort file {}", path.display()))
    })?;
    Ok((table, (file, Some(bytes))))
}

impl Cohort {
    fn empty(name: &str, dir: PathBuf, config: Config) -> Cohort {
        Cohort {
            name: name.to_string(),
            dir,
            participants: Table::new(PARTICIPANTS, columns(PARTICIPANT_COLUMNS)),
            traits: Table::new(CHARACTERISTICS, trait_columns(&config)),
            briefings: Table::new(BRIEFINGS, columns(BRIEFING_COLUMNS)),
            attendance: Table::new(ATTENDANCE, columns(ATTENDANCE_COLUMNS)),
            pairs: Table::new(MATCHES, columns(PAIR_COLUMNS)),
            meetings: Table::new(MEETINGS, columns(MEETING_COLUMNS)),
            responses: Table::new(RESPONSES, columns(RESPONSE_COLUMNS)),
            config,
            originals: Vec::new(),
            characteristics_loaded: true,
        }
    }

    fn load(name: &str, dir: PathBuf, with_characteristics: bool) -> Result<Cohort> {
        let cohort = Cohort::read(name, dir, with_characteristics)?;
        cohort.check_consistency()?;
        Ok(cohort)
    }

    /// Read every file, each checked on its own (not yet against the others).
    fn read(name: &str, dir: PathBuf, with_characteristics: bool) -> Result<Cohort> {
        let config_path = dir.join(CONFIG_FILE);
        let text = String::from_utf8(fs::read(&config_path)?).map_err(|_| {
            anyhow!(
                "{}: is not UTF-8 text; save it as UTF-8",
                config_path.display()
            )
        })?;
        let config = Config::parse(&text)
            .with_context(|| format!("cannot read cohort settings {}", config_path.display()))?;
        // The two large files load side by side; the rest are small.
        let (people, traits, rest) = std::thread::scope(|scope| {
            let people = scope.spawn(|| {
                load_table::<Participant>(
                    &dir,
                    PARTICIPANTS,
                    columns(PARTICIPANT_COLUMNS),
                    PARTICIPANT_REQUIRED,
                )
            });
            let traits = if with_characteristics {
                load_table::<Traits>(&dir, CHARACTERISTICS, trait_columns(&config), 1)
            } else {
                Ok((
                    Table::new(CHARACTERISTICS, trait_columns(&config)),
                    (CHARACTERISTICS, None),
                ))
            };
            let rest = (|| -> Result<_> {
                Ok((
                    load_table::<Briefing>(
                        &dir,
                        BRIEFINGS,
                        columns(BRIEFING_COLUMNS),
                        BRIEFING_REQUIRED,
                    )?,
                    load_table::<Attendance>(&dir, ATTENDANCE, columns(ATTENDANCE_COLUMNS), 2)?,
                    load_table::<Pair>(&dir, MATCHES, columns(PAIR_COLUMNS), PAIR_COLUMNS.len())?,
                    load_table::<Meeting>(
                        &dir,
                        MEETINGS,
                        columns(MEETING_COLUMNS),
                        MEETING_COLUMNS.len(),
                    )?,
                    load_table::<Response>(
                        &dir,
                        RESPONSES,
                        columns(RESPONSE_COLUMNS),
                        RESPONSE_REQUIRED,
                    )?,
                ))
            })();
            let people = people
                .join()
                .unwrap_or_else(|_| Err(anyhow!("reading {PARTICIPANTS} failed unexpectedly")));
            (people, traits, rest)
        });
        let (participants, o1) = people?;
        let (traits, o2) = traits?;
        let ((briefings, o3), (attendance, o4), (pairs, o5), (meetings, o6), (responses, o7)) =
            rest?;
        let originals = vec![o1, o2, o3, o4, o5, o6, o7];
        Ok(Cohort {
            name: name.to_string(),
            dir,
            config,
            participants,
            traits,
            briefings,
            attendance,
            pairs,
            meetings,
            responses,
            originals,
            characteristics_loaded: with_characteristics,
        })
    }

    /// Checks across files: unique ids and emails, characteristics rows for known participants only.
    fn check_consistency(&self) -> Result<()> {
        let n = self.participants.len();
        let mut ids: FxHashSet<&str> = FxHashSet::with_capacity_and_hasher(n, Default::default());
        let mut emails: FxHashMap<&str, &str> =
            FxHashMap::with_capacity_and_hasher(n, Default::default());
        for p in self.participants.iter() {
            if !ids.insert(p.id.as_str()) {
                bail!(
                    "{PARTICIPANTS}: id {} is on two rows: ids are unique; fix the file by hand or restore it",
                    p.id
                );
            }
            if !p.email.is_empty()
                && let Some(first) = emails.insert(p.email.as_str(), p.id.as_str())
            {
                bail!(
                    "{PARTICIPANTS}: email {} belongs to both {first} and {}: emails are unique in a cohort",
                    p.email,
                    p.id
                );
            }
        }
        for t in self.traits.iter() {
            if !ids.contains(t.id.as_str()) {
                bail!(
                    "{CHARACTERISTICS}: id {} has no row in {PARTICIPANTS}: either an `enrol` was interrupted while saving (it writes {CHARACTERISTICS} just before {PARTICIPANTS}; {} was then never enrolled: delete that row and enrol them again), or the participant's row was deleted by hand (restore it from a backup or git)",
                    t.id,
                    t.id
                );
            }
        }
        Ok(())
    }

    /// The files in the order `save` writes them: `participants.csv` last. A save cut short (power
    /// cut, killed) leaves each file whole, old or new; with the participants written last, the
    /// files left are either consistent or refused with an explanation on the next load:
    /// - `withdraw` (ends pairs, cancels meetings, then marks the person) can simply be run again;
    /// - `withdraw --erase` deletes the characteristics row first, then the rest: run it again;
    /// - `enrol` writes the new characteristics rows just before the new participants, so a cut
    ///   between the two leaves rows in `characteristics.csv` for ids `participants.csv` lacks,
    ///   which the next load refuses, saying so (never a participant silently without them).
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        vec![
            (CHARACTERISTICS, self.traits.to_bytes()),
            (BRIEFINGS, self.briefings.to_bytes()),
            (ATTENDANCE, self.attendance.to_bytes()),
            (MATCHES, self.pairs.to_bytes()),
            (MEETINGS, self.meetings.to_bytes()),
            (RESPONSES, self.responses.to_bytes()),
            (PARTICIPANTS, self.participants.to_bytes()),
        ]
    }

    /// Write every file whose content changed, each atomically, in the order of [`Cohort::files`].
    /// Needs the cohort's lock.
    pub fn save(&self, _lock: &CohortLock) -> Result<()> {
        for (file, bytes) in self.files() {
            if file == CHARACTERISTICS && !self.characteristics_loaded {
                continue;
            }
            let unchanged = self
                .originals
                .iter()
                .any(|(f, original)| *f == file && original.as_deref() == Some(&bytes[..]));
            if !unchanged {
                fs::write_atomic(&self.dir.join(file), &bytes)?;
                crate::fault::point("between-files");
            }
        }
        Ok(())
    }

    /// Whether `name` is one of the files the tool keeps in a cohort's folder.
    pub fn is_own_file(&self, name: &str) -> bool {
        [
            CONFIG_FILE,
            PARTICIPANTS,
            CHARACTERISTICS,
            BRIEFINGS,
            ATTENDANCE,
            MATCHES,
            MEETINGS,
            RESPONSES,
            ".lock",
        ]
        .contains(&name)
    }

    /// A participant by id or email (trimmed, any case).
    pub fn find(&self, who: &str) -> Option<&Participant> {
        let key = who.trim();
        let email = crate::model::normalise_email(key);
        self.participants
            .iter()
            .find(|p| p.id == key || (!p.email.is_empty() && p.email == email))
    }

    /// Like [`Cohort::find`], with an error that says what to pass instead.
    pub fn resolve(&self, who: &str) -> Result<&Participant> {
        self.find(who).ok_or_else(|| {
            anyhow!(
                "no participant \"{who}\" in cohort {}: name someone by id (like p001) or email; `revmentor status {}` lists them",
                self.name,
                self.name
            )
        })
    }

    /// Every participant by id, for lookups in a loop (`find` scans).
    pub fn people(&self) -> FxHashMap<&str, &Participant> {
        self.participants
            .iter()
            .map(|p| (p.id.as_str(), p))
            .collect()
    }

    /// The next unused participant id (ids are never reused: tombstones keep theirs).
    pub fn next_id(&self) -> u32 {
        self.participants
            .iter()
            .filter_map(|p| crate::model::id_number(&p.id))
            .max()
            .unwrap_or(0)
            + 1
    }
}
