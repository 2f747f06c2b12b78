//! A cohort as plain data: its settings and its tables (with the columns the tool does not know),
//! parsed from the bytes the store read and checked across files. No I/O here: the store reads
//! and writes, this module only turns bytes into values and values into bytes.

pub mod check;
pub mod config;
pub mod org;
pub mod records;
pub mod table;
pub mod vocabulary;

#[cfg(test)]
mod fuzz_tests;

use rustc_hash::FxHashMap;

pub use config::Config;
pub use table::{Entry, ReadOptions, Record, Table};

use crate::model::{
    Attendance, Briefing, Meeting, Message, OrgPerson, Pair, Participant, ReachCount, Response,
    Returned, Traits,
};
use crate::problems::Problem;
use records::*;

pub const CONFIG_FILE: &str = "cohort.toml";

/// The CSV files of a cohort, in the order a commit writes them (participants last, so that a
/// reader that ever sees a new person also sees everything that person's rows depend on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum File {
    Characteristics,
    Briefings,
    Attendance,
    Matches,
    Meetings,
    Responses,
    Org,
    Messages,
    Reach,
    Returned,
    Participants,
}

impl File {
    pub const ALL: [File; 11] = [
        File::Characteristics,
        File::Briefings,
        File::Attendance,
        File::Matches,
        File::Meetings,
        File::Responses,
        File::Org,
        File::Messages,
        File::Reach,
        File::Returned,
        File::Participants,
    ];

    pub fn name(self) -> &'static str {
        match self {
            File::Participants => "participants.csv",
            File::Characteristics => "characteristics.csv",
            File::Briefings => "briefings.csv",
            File::Attendance => "attendance.csv",
            File::Matches => "matches.csv",
            File::Meetings => "meetings.csv",
            File::Responses => "responses.csv",
            File::Org => "org.csv",
            File::Reach => "reach.csv",
            File::Returned => "returned.csv",
            File::Messages => "messages.csv",
        }
    }

    fn bit(self) -> u16 {
        match self {
            File::Characteristics => 1,
            File::Briefings => 2,
            File::Attendance => 4,
            File::Matches => 8,
            File::Meetings => 16,
            File::Responses => 32,
            File::Participants => 64,
            File::Org => 256,
            File::Reach => 512,
            File::Returned => 1024,
            File::Messages => 128,
        }
    }
}

pub const PARTICIPANTS: &str = "participants.csv";
pub const CHARACTERISTICS: &str = "characteristics.csv";
pub const BRIEFINGS: &str = "briefings.csv";
pub const ATTENDANCE: &str = "attendance.csv";
pub const MATCHES: &str = "matches.csv";
pub const MEETINGS: &str = "meetings.csv";
pub const RESPONSES: &str = "responses.csv";
pub const ORG: &str = "org.csv";
pub const REACH: &str = "reach.csv";
pub const RETURNED: &str = "returned.csv";
pub const MESSAGES: &str = "messages.csv";

/// A cohort's name is `[a-z0-9][a-z0-9-]{0,63}`: safe as a folder name, never a path.
pub fn is_cohort_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Which files a command reads. A file not read is an empty table that is never written, so a
/// command reads only what it needs: above all, only the commands that need characteristics read
/// `characteristics.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load(u16);

impl Load {
    /// Every file.
    pub const ALL: Load = Load(0b111_1111_1111);
    /// Every file but `characteristics.csv`: what listings, schedules, calendars and reports read.
    pub const WITHOUT_CHARACTERISTICS: Load = Load(0b111_1111_1110);

    /// Only these files.
    pub fn only(files: &[File]) -> Load {
        Load(files.iter().fold(0, |acc, f| acc | f.bit()))
    }

    pub fn with(self, file: File) -> Load {
        Load(self.0 | file.bit())
    }

    pub fn has(self, file: File) -> bool {
        self.0 & file.bit() != 0
    }
}

/// Everything in one cohort folder, as values.
#[derive(Debug, Clone)]
pub struct Cohort {
    pub name: String,
    pub config: Config,
    pub participants: Table<Participant>,
    pub traits: Table<Traits>,
    pub briefings: Table<Briefing>,
    pub attendance: Table<Attendance>,
    pub pairs: Table<Pair>,
    pub meetings: Table<Meeting>,
    pub responses: Table<Response>,
    /// `org.csv`: reporting lines of people in and outside the scheme (optional).
    pub org: Table<OrgPerson>,
    /// `reach.csv`: counts of each characteristic's values, frozen when the cohort was purged
    /// (optional; only a purged cohort has one).
    pub reach: Table<ReachCount>,
    /// `returned.csv`: people of later cohorts who had taken part in this one, kept by a purge
    /// (which removes the emails that showed it) so the programme report still counts them.
    pub returned: Table<Returned>,
    pub messages: Table<Message>,
    /// Not a file of this cohort: the pairs made in earlier cohorts under the same root, filled by
    /// [`crate::store::Store::earlier_pairs`] for the commands that match, empty otherwise.
    pub earlier: Vec<crate::model::EarlierPair>,
}

fn trait_columns(config: &Config) -> Vec<String> {
    std::iter::once("id".to_string())
        .chain(config.cohort.characteristics.iter().cloned())
        .collect()
}

/// The known columns of a file, and how many of them its header must have.
fn layout(file: File, config: &Config) -> (Vec<String>, usize) {
    match file {
        File::Participants => (columns(PARTICIPANT_COLUMNS), PARTICIPANT_REQUIRED),
        File::Characteristics => (trait_columns(config), 1),
        File::Briefings => (columns(BRIEFING_COLUMNS), BRIEFING_REQUIRED),
        File::Attendance => (columns(ATTENDANCE_COLUMNS), ATTENDANCE_COLUMNS.len()),
        File::Matches => (columns(PAIR_COLUMNS), PAIR_COLUMNS.len()),
        File::Meetings => (columns(MEETING_COLUMNS), MEETING_REQUIRED),
        File::Responses => (columns(RESPONSE_COLUMNS), RESPONSE_REQUIRED),
        File::Org => (columns(ORG_COLUMNS), ORG_REQUIRED),
        File::Reach => (columns(REACH_COLUMNS), REACH_COLUMNS.len()),
        File::Returned => (columns(RETURNED_COLUMNS), RETURNED_COLUMNS.len()),
        File::Messages => (columns(MESSAGE_COLUMNS), MESSAGE_COLUMNS.len()),
    }
}

/// The bytes of a cohort's files as the store read them: `None` for a file that does not exist
/// (it reads as an empty table and is written on the next commit).
pub type Bytes<'a> = dyn Fn(File) -> Option<&'a [u8]> + 'a;

/// A participants file at least this large is read beside the characteristics, each in two
/// halves (about 1,500 people): below it, starting the threads would cost more than it saves.
const PARALLEL_BYTES: usize = 256 * 1024;

fn table<T: Record>(
    file: File,
    config: &Config,
    load: Load,
    bytes: &Bytes,
    options: &ReadOptions,
    problems: &mut Vec<Problem>,
) -> Table<T> {
    table_in(file, config, load, bytes, options, problems, false)
}

/// [`table`], its rows read in two halves side by side when `halves` (see
/// [`Table::parse_rows_in`]).
fn table_in<T: Record>(
    file: File,
    config: &Config,
    load: Load,
    bytes: &Bytes,
    options: &ReadOptions,
    problems: &mut Vec<Problem>,
    halves: bool,
) -> Table<T> {
    let (columns, required) = layout(file, config);
    if !load.has(file) {
        return Table::not_loaded(file.name(), columns);
    }
    match bytes(file) {
        None => Table::new(file.name(), columns),
        Some(b) => {
            match Table::parse_rows_in(file.name(), b, columns.clone(), required, options, halves) {
                (Some(t), ps) if ps.is_empty() => t,
                // The rows that read still take part in the rules between files, except a broken
                // participants file's: every id of a row that did not read would seem unknown.
                (Some(t), mut ps) if file != File::Participants => {
                    problems.append(&mut ps);
                    t
                }
                (_, mut ps) => {
                    problems.append(&mut ps);
                    Table::not_loaded(file.name(), columns)
                }
            }
        }
    }
}

/// [`table`] of `bytes` with options of its own (see [`ReadOptions::fork`]), for a thread of
/// its own (its rows in two halves, on two, when `halves`): the table, its problems, and the
/// options with the dates it repaired.
fn table_apart<T: Record>(
    file: File,
    config: &Config,
    load: Load,
    bytes: Option<&[u8]>,
    options: ReadOptions,
    halves: bool,
) -> (Table<T>, Vec<Problem>, ReadOptions) {
    let mut problems = Vec::new();
    let table = table_in(
        file,
        config,
        load,
        &move |_: File| bytes,
        &options,
        &mut problems,
        halves,
    );
    (table, problems, options)
}

impl Cohort {
    /// A new cohort with empty tables.
    pub fn empty(name: &str, config: Config) -> Cohort {
        let t = |file: File| layout(file, &config).0;
        Cohort {
            name: name.to_string(),
            participants: Table::new(PARTICIPANTS, t(File::Participants)),
            traits: Table::new(CHARACTERISTICS, t(File::Characteristics)),
            briefings: Table::new(BRIEFINGS, t(File::Briefings)),
            attendance: Table::new(ATTENDANCE, t(File::Attendance)),
            pairs: Table::new(MATCHES, t(File::Matches)),
            meetings: Table::new(MEETINGS, t(File::Meetings)),
            responses: Table::new(RESPONSES, t(File::Responses)),
            org: Table::new(ORG, t(File::Org)),
            reach: Table::new(REACH, t(File::Reach)),
            returned: Table::new(RETURNED, t(File::Returned)),
            messages: Table::new(MESSAGES, t(File::Messages)),
            earlier: Vec::new(),
            config,
        }
    }

    /// Parse the files `load` names from their bytes, each checked on its own, and then every rule
    /// between them. Every problem of every file is returned together.
    pub fn parse(
        name: &str,
        config: Config,
        load: Load,
        bytes: &Bytes,
        options: &ReadOptions,
    ) -> Result<Cohort, Vec<Problem>> {
        options.purged.set(config.privacy.purged_on.is_some());
        let mut problems = Vec::new();
        let c = &config;
        // A large participants file (thousands of people) is read beside the characteristics,
        // each in two halves, on the shared threads (two files of different sizes in four
        // halves keep two cores busy); the participants' problems, and their repaired dates,
        // still come first, and each file's in order.
        let (people, traits) = (bytes(File::Participants), bytes(File::Characteristics));
        let large =
            load.has(File::Participants) && people.is_some_and(|b| b.len() >= PARALLEL_BYTES);
        let (fork, other_fork) = (options.fork(), options.fork());
        let ((participants, mut found, beside), (traits, mut rest, own)) = crate::threads::join(
            large,
            move || table_apart(File::Participants, c, load, people, fork, large),
            move || table_apart(File::Characteristics, c, load, traits, other_fork, large),
        );
        options.absorb(beside);
        options.absorb(own);
        problems.append(&mut found);
        problems.append(&mut rest);
        let p = &mut problems;
        let cohort = Cohort {
            name: name.to_string(),
            participants,
            traits,
            briefings: table(File::Briefings, c, load, bytes, options, p),
            attendance: table(File::Attendance, c, load, bytes, options, p),
            pairs: table(File::Matches, c, load, bytes, options, p),
            meetings: table(File::Meetings, c, load, bytes, options, p),
            responses: table(File::Responses, c, load, bytes, options, p),
            org: table(File::Org, c, load, bytes, options, p),
            reach: table(File::Reach, c, load, bytes, options, p),
            returned: table(File::Returned, c, load, bytes, options, p),
            messages: table(File::Messages, c, load, bytes, options, p),
            earlier: Vec::new(),
            config,
        };
        // The rules between files run over every file that read, so one run reports them all.
        problems.extend(check::consistency(&cohort));
        if problems.is_empty() {
            Ok(cohort)
        } else {
            Err(problems)
        }
    }

    /// The bytes of every loaded table that was changed, in the order a commit writes them, with
    /// every cell in them that the next read would refuse (see [`Table::to_bytes_checked`]): a
    /// commit writes nothing while any is left, so no command can leave a cohort that the next one
    /// refuses.
    pub fn changed_files(&self) -> (Vec<(File, Vec<u8>)>, Vec<Problem>) {
        let mut problems = Vec::new();
        let files = File::ALL
            .into_iter()
            .filter_map(|f| {
                let (bytes, mut found) = match f {
                    File::Participants => changed(&self.participants),
                    File::Characteristics => changed(&self.traits),
                    File::Briefings => changed(&self.briefings),
                    File::Attendance => changed(&self.attendance),
                    File::Matches => changed(&self.pairs),
                    File::Meetings => changed(&self.meetings),
                    File::Responses => changed(&self.responses),
                    File::Org => changed(&self.org),
                    File::Reach => changed(&self.reach),
                    File::Returned => changed(&self.returned),
                    File::Messages => changed(&self.messages),
                }?;
                problems.append(&mut found);
                Some((f, bytes))
            })
            .collect();
        (files, problems)
    }

    /// The bytes of every table, loaded or not (a new cohort's empty files). `org.csv` is optional:
    /// it is written by `org --from`, not created empty.
    pub fn all_files(&self) -> Vec<(File, Vec<u8>)> {
        vec![
            (File::Characteristics, self.traits.to_bytes()),
            (File::Briefings, self.briefings.to_bytes()),
            (File::Attendance, self.attendance.to_bytes()),
            (File::Matches, self.pairs.to_bytes()),
            (File::Meetings, self.meetings.to_bytes()),
            (File::Responses, self.responses.to_bytes()),
            (File::Messages, self.messages.to_bytes()),
            (File::Participants, self.participants.to_bytes()),
        ]
    }

    /// Mark a table as changed, so the next commit writes it even if no row was touched (a repair
    /// of how its cells are written).
    pub fn touch(&mut self, file: File) {
        match file {
            File::Participants => {
                let _ = self.participants.entries_mut();
            }
            File::Characteristics => {
                let _ = self.traits.entries_mut();
            }
            File::Briefings => {
                let _ = self.briefings.entries_mut();
            }
            File::Attendance => {
                let _ = self.attendance.entries_mut();
            }
            File::Matches => {
                let _ = self.pairs.entries_mut();
            }
            File::Meetings => {
                let _ = self.meetings.entries_mut();
            }
            File::Responses => {
                let _ = self.responses.entries_mut();
            }
            File::Org => {
                let _ = self.org.entries_mut();
            }
            File::Reach => {
                let _ = self.reach.entries_mut();
            }
            File::Returned => {
                let _ = self.returned.entries_mut();
            }
            File::Messages => {
                let _ = self.messages.entries_mut();
            }
        }
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
    pub fn resolve(&self, who: &str) -> Result<&Participant, String> {
        self.find(who).ok_or_else(|| {
            format!(
                "no participant \"{}\" in cohort {}: name someone by id (like p001) or email; `revmentor status {}` lists them",
                crate::text::terminal_safe(who, false),
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

    /// The next unused participant id number (ids are never reused: tombstones keep theirs), or
    /// `None` when every id up to the largest is taken.
    pub fn next_id(&self) -> Option<u32> {
        let top = self
            .participants
            .iter()
            .filter_map(|p| crate::model::id_number(&p.id))
            .max()
            .unwrap_or(0);
        top.checked_add(1)
            .filter(|&n| n <= crate::model::MAX_ID_NUMBER)
    }
}

fn changed<T: Record>(t: &Table<T>) -> Option<(Vec<u8>, Vec<Problem>)> {
    (t.is_loaded() && t.is_changed()).then(|| t.to_bytes_checked())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_the_next_read_would_refuse_is_named_before_anything_is_written() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2020, 1, d).expect("date");
        let mut c = Cohort::empty("c", config::for_test(day(13), day(31)));
        let mut ann = Participant::for_test("p001", crate::model::Role::Mentor);
        ann.name = "Ann".into();
        // The longest reason, stored behind a `'`: it reads back.
        ann.status_reason = format!("-{}", "x".repeat(999));
        c.participants.push(ann.clone());
        assert!(c.changed_files().1.is_empty());
        let mut bo = Participant::for_test("p002", crate::model::Role::Mentee);
        bo.name = "B".repeat(201);
        c.participants.push(bo);
        c.org.push(OrgPerson {
            email: "k@x.example".into(),
            manager: String::new(),
            name: "two\nlines".into(),
        });
        let (_, problems) = c.changed_files();
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        let says = |what: &[&str]| problems.iter().any(|p| what.iter().all(|w| p.contains(w)));
        assert!(
            says(&["participants.csv:3", "\"name\"", "200"]),
            "{problems:?}"
        );
        assert!(says(&["org.csv:2", "line break"]), "{problems:?}");
        // And each table reads back what it would write (the rule is the reader's).
        let bytes = c.participants.to_bytes();
        let (columns, required) = layout(File::Participants, &c.config);
        let (_, read) = Table::<Participant>::parse_rows(
            PARTICIPANTS,
            &bytes,
            columns,
            required,
            &ReadOptions::default(),
        );
        assert_eq!(read.len(), 1, "{read:?}");
    }
}
