//! The only code that reads or writes a cohort folder. [`Store::open`] reads a cohort whole and
//! consistent; [`Store::open_for_change`] takes the cohort's lock and returns the cohort with a
//! [`Change`], whose [`Change::commit`] is the only way to write it (one command, one commit: see
//! [`commit`]). Outputs a command writes (`--out`, `--ics`) go through [`Store::write_output`],
//! which never replaces a cohort's own files.
// This module may touch the file system, the environment and the clock (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod archive;
mod commit;
mod fs;
pub mod output;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use rustc_hash::FxHashMap;

use crate::cohort::table::DateRepair;
use crate::cohort::{CONFIG_FILE, Cohort, Config, File, Load, ReadOptions};
use crate::model::{DateOrder, EarlierPair, PairStatus};
use crate::problems::{Problem, Problems};

pub use commit::Recovered;
pub use fs::LOCK_FILE;

/// The `.gitignore` `init` writes into a cohort folder: the tool's own working files.
pub const GITIGNORE: &str = "# revmentor's working files: the cohort's lock, and what an interrupted change leaves\n.lock\n.revmentor-*\n";

/// Names a cohort folder's own files have: its settings, its tables, the files a later version
/// keeps there, the lock and the commit protocol's files. Outputs never replace one of these.
pub fn is_cohort_file_name(name: &str) -> bool {
    name == CONFIG_FILE
        || File::ALL.iter().any(|f| f.name() == name)
        || matches!(
            name,
            LOCK_FILE | ".gitignore" | "org.csv" | "messages.csv" | "outputs.csv" | "templates"
        )
        || commit::is_protocol_file(name)
}

/// The folder that holds every cohort.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// A cohort's name is `[a-z0-9][a-z0-9-]{0,63}`: safe as a folder name, never a path. Anything else
/// is a usage error (exit 2), whichever command was given it.
pub fn check_cohort_name(name: &str) -> Result<()> {
    if crate::cohort::is_cohort_name(name) {
        Ok(())
    } else {
        Err(crate::UsageError(format!(
            "\"{}\" is not a cohort name: use 1 to 64 lower-case letters, digits and '-', starting with a letter or digit (like pilot-2020)",
            crate::text::terminal_safe(name, false)
        ))
        .into())
    }
}

/// A cohort opened to change it: the cohort's lock, and the files as read. Dropping it without
/// [`Change::commit`] changes nothing.
#[derive(Debug)]
pub struct Change {
    dir: PathBuf,
    originals: Vec<(File, Option<Vec<u8>>)>,
    _lock: fs::Lock,
}

/// The bytes of the files read for one command, and which file each path named while reading.
struct Snapshot {
    config: Vec<u8>,
    files: Vec<(File, Option<Vec<u8>>)>,
    identities: Vec<(PathBuf, Option<(u64, u64)>)>,
}

/// A file's bytes and its identity (device, inode) when read.
type Read = (Vec<u8>, (u64, u64));

/// Read a file that must not be a link: its bytes (or `None` when missing) and its identity.
fn read_plain(path: &Path) -> Result<Option<Read>> {
    use std::io::Read;
    match fs::kind(path)? {
        fs::Kind::Missing => Ok(None),
        fs::Kind::Link(to) => bail!(
            "{} is a symbolic link (to {}): revmentor never reads or writes a cohort file through a link; put the file itself there",
            path.display(),
            to.display()
        ),
        fs::Kind::Other => bail!("{} is not a file", path.display()),
        fs::Kind::File(_) => {
            let mut file = std::fs::File::open(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let meta = file
                .metadata()
                .with_context(|| format!("cannot read {}", path.display()))?;
            if !meta.is_file() {
                bail!("{} is not a file", path.display());
            }
            let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
            file.read_to_end(&mut bytes)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Ok(Some((bytes, fs::identity(&meta))))
        }
    }
}

impl Snapshot {
    fn read(dir: &Path, load: Load) -> Result<Snapshot> {
        let config_path = dir.join(CONFIG_FILE);
        let Some((config, id)) = read_plain(&config_path)? else {
            bail!(
                "{} is missing: restore it (for example `git checkout -- {}`) or from a backup",
                config_path.display(),
                config_path.display()
            );
        };
        let mut identities = vec![(config_path, Some(id))];
        let mut files = Vec::new();
        for file in File::ALL.into_iter().filter(|f| load.has(*f)) {
            let path = dir.join(file.name());
            let read = read_plain(&path)?;
            identities.push((path, read.as_ref().map(|(_, id)| *id)));
            files.push((file, read.map(|(bytes, _)| bytes)));
        }
        Ok(Snapshot {
            config,
            files,
            identities,
        })
    }

    /// Whether the files read are one consistent version: no commit under way, and every path
    /// still names the file that was read. (Checked in that order after reading, this cannot miss
    /// a commit that renamed some of the files while they were being opened.)
    fn is_stable(&self, dir: &Path) -> bool {
        if dir.join(commit::JOURNAL).exists() {
            return false;
        }
        self.identities.iter().all(|(path, id)| {
            let now = match fs::kind(path) {
                Ok(fs::Kind::File(m)) => Some(fs::identity(&m)),
                Ok(fs::Kind::Missing) => None,
                _ => return false,
            };
            now == *id
        })
    }

    fn bytes(&self, file: File) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(f, _)| *f == file)
            .and_then(|(_, b)| b.as_deref())
    }

    fn parse(&self, name: &str, load: Load, options: &ReadOptions) -> Result<Cohort> {
        let config = parse_config(name, &self.config)?;
        let bytes = |f: File| self.bytes(f);
        Cohort::parse(name, config, load, &bytes, options).map_err(|items| {
            let mut problems = Problems::new(format!("cohort {name}"), items);
            problems.outcome = "nothing was changed";
            problems.limit = Some(20);
            problems.advice = Some(format!(
                "`revmentor check {name}` lists every problem with how to fix it"
            ));
            anyhow!(problems)
        })
    }
}

fn parse_config(name: &str, bytes: &[u8]) -> Result<Config> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| anyhow!("cohort {name}: {CONFIG_FILE} is not UTF-8 text; save it as UTF-8"))?;
    Config::parse(text).map_err(|items| {
        let mut problems = Problems::new(format!("{name}/{CONFIG_FILE}"), items);
        problems.outcome = "nothing was changed";
        anyhow!(problems)
    })
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
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

    /// The cohort files a folder holds (settings or tables), by name.
    fn cohort_files_in(dir: &Path) -> Vec<String> {
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n == CONFIG_FILE || File::ALL.iter().any(|f| f.name() == n))
            .collect();
        found.sort();
        found
    }

    /// Create a new cohort folder with its settings, empty tables and a `.gitignore`, in one
    /// commit. Refuses a folder that already holds cohort files.
    pub fn create(&self, name: &str, config_text: &str) -> Result<()> {
        self.create_like(name, config_text, None).map(|_| ())
    }

    /// Like [`Store::create`], also copying the `templates/` folder of the cohort `like` (its
    /// files, never its people). Returns how many templates were copied.
    pub fn create_like(&self, name: &str, config_text: &str, like: Option<&str>) -> Result<usize> {
        let dir = self.cohort_dir(name)?;
        match fs::kind(&dir)? {
            fs::Kind::Link(to) => bail!(
                "{} is a symbolic link (to {}): create the cohort under its real path, or choose another name",
                dir.display(),
                to.display()
            ),
            fs::Kind::File(_) => {
                bail!(
                    "{} exists and is not a folder: choose another name",
                    dir.display()
                )
            }
            fs::Kind::Other if !dir.is_dir() => {
                bail!(
                    "{} exists and is not a folder: choose another name",
                    dir.display()
                )
            }
            _ => {}
        }
        let present = Store::cohort_files_in(&dir);
        if present.iter().any(|f| f == CONFIG_FILE) {
            bail!(
                "cohort {name} already exists in {}: choose another name, or edit its cohort.toml",
                dir.display()
            );
        }
        if !present.is_empty() {
            bail!(
                "{} already holds cohort files ({}) but no {CONFIG_FILE}: restore {CONFIG_FILE} from git or a backup instead; `init` would start an empty cohort over them",
                dir.display(),
                present.join(", ")
            );
        }
        let config = Config::parse(config_text)
            .map_err(|items| anyhow!(Problems::new(format!("the settings for {name}"), items)))?;
        fs::create_private_dir(&dir)?;
        let _lock = fs::lock(&dir, name)?;
        commit::recover(&dir)?;
        // Checked again under the lock: another `init` may have won the race.
        if !Store::cohort_files_in(&dir).is_empty() {
            bail!("cohort {name} was just created by another command");
        }
        // Templates first, in their own folder: the cohort exists only once cohort.toml does, so
        // a command cut between the two leaves no cohort, and `init` can simply be run again.
        let mut templates = Vec::new();
        if let Some(other) = like {
            let from = self.existing(other)?.join("templates");
            if from.is_dir() {
                for e in std::fs::read_dir(&from)
                    .with_context(|| format!("cannot read {}", from.display()))?
                    .flatten()
                {
                    if let fs::Kind::File(_) = fs::kind(&e.path())? {
                        let bytes = std::fs::read(e.path())
                            .with_context(|| format!("cannot read {}", e.path().display()))?;
                        templates.push((e.file_name().to_string_lossy().into_owned(), bytes));
                    }
                }
                templates.sort();
            }
        }
        if !templates.is_empty() {
            let to = dir.join("templates");
            fs::create_private_dir(&to)?;
            commit::recover(&to)?;
            let files: Vec<(&str, &[u8])> = templates
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice()))
                .collect();
            commit::commit(&to, &files)?;
        }
        let cohort = Cohort::empty(name, config);
        let tables = cohort.all_files();
        let mut files: Vec<(&str, &[u8])> = tables
            .iter()
            .map(|(f, b)| (f.name(), b.as_slice()))
            .collect();
        files.push((CONFIG_FILE, config_text.as_bytes()));
        files.push((".gitignore", GITIGNORE.as_bytes()));
        commit::commit(&dir, &files)?;
        Ok(templates.len())
    }

    /// The text of a cohort's `cohort.toml` (for `init --like`).
    pub fn config_text(&self, name: &str) -> Result<String> {
        let path = self.existing(name)?.join(CONFIG_FILE);
        let bytes = read_plain(&path)?
            .map(|(b, _)| b)
            .ok_or_else(|| anyhow!("{} is missing", path.display()))?;
        String::from_utf8(bytes).map_err(|_| anyhow!("{} is not UTF-8 text", path.display()))
    }

    /// The folder of an existing cohort, or an error saying what to do.
    fn existing(&self, name: &str) -> Result<PathBuf> {
        let dir = self.cohort_dir(name)?;
        match fs::kind(&dir.join(CONFIG_FILE))? {
            fs::Kind::File(_) | fs::Kind::Link(_) => return Ok(dir),
            fs::Kind::Other => bail!("{} is not a file", dir.join(CONFIG_FILE).display()),
            fs::Kind::Missing => {}
        }
        let present = Store::cohort_files_in(&dir);
        if !present.is_empty() {
            bail!(
                "cohort {name} has no {CONFIG_FILE} (its folder {} holds {}): restore it with `git checkout -- {}` or from a backup; do not run `init`, which refuses a folder with cohort files",
                dir.display(),
                present.join(", "),
                dir.join(CONFIG_FILE).display()
            );
        }
        let known = self.list().unwrap_or_default();
        let hint = if known.is_empty() {
            format!("create it with `revmentor init {name} --start YYYY-MM-DD --end YYYY-MM-DD`")
        } else {
            format!("cohorts here: {}", known.join(", "))
        };
        bail!(
            "no cohort {name} in {} (use --root or REVMENTOR_ROOT for another folder); {hint}",
            self.root.display()
        )
    }

    /// Load a cohort to read it. A reader never waits for the lock unless it finds a change under
    /// way: then it waits for it (or finishes one a killed command left) and reads again.
    pub fn open(&self, name: &str, load: Load) -> Result<Cohort> {
        let dir = self.existing(name)?;
        let options = ReadOptions::default();
        let snapshot = Snapshot::read(&dir, load)?;
        if snapshot.is_stable(&dir) {
            return snapshot.parse(name, load, &options);
        }
        let _lock = fs::lock(&dir, name)?;
        if commit::recover(&dir)? == Recovered::Finished {
            crate::out::note(&format!(
                "finished a change to cohort {name} that an interrupted command had recorded"
            ));
        }
        Snapshot::read(&dir, load)?.parse(name, load, &options)
    }

    /// Open a cohort to change it, or, for a dry run, only to read it: a dry run takes no lock and
    /// creates nothing, and has no [`Change`] to commit.
    pub fn open_maybe_for_change(
        &self,
        name: &str,
        load: Load,
        dry_run: bool,
    ) -> Result<(Cohort, Option<Change>)> {
        if dry_run {
            Ok((self.open(name, load)?, None))
        } else {
            let (cohort, change) = self.open_for_change(name, load)?;
            Ok((cohort, Some(change)))
        }
    }

    /// Lock a cohort, finish or discard what an interrupted command left, make its folder private,
    /// and load it to change it. The lock is held until the [`Change`] is committed or dropped.
    pub fn open_for_change(&self, name: &str, load: Load) -> Result<(Cohort, Change)> {
        self.open_for_change_with(name, load, &ReadOptions::default())
    }

    fn open_for_change_with(
        &self,
        name: &str,
        load: Load,
        options: &ReadOptions,
    ) -> Result<(Cohort, Change)> {
        let dir = self.existing(name)?;
        let lock = fs::lock(&dir, name)?;
        if commit::recover(&dir)? == Recovered::Finished {
            crate::out::note(&format!(
                "finished a change to cohort {name} that an interrupted command had recorded"
            ));
        }
        refuse_unwritable(&dir, load)?;
        make_private(&dir, name)?;
        let snapshot = Snapshot::read(&dir, load)?;
        let cohort = snapshot.parse(name, load, options)?;
        if let Some(on) = cohort.config.privacy.purged_on {
            bail!(
                "cohort {name} was purged on {on}: its personal data is gone and it is kept, unchanged, for its figures (`revmentor export {name}` and `export --programme` still read it)"
            );
        }
        Ok((
            cohort,
            Change {
                dir,
                originals: snapshot.files,
                _lock: lock,
            },
        ))
    }

    /// The pairs made in every other cohort under the root that started before `cohort`: confirmed,
    /// or ended after being confirmed (a proposal never confirmed was not a pair), by the two
    /// people's emails. A cohort that cannot be read does not stop the caller: it is named in the
    /// notes returned, and its pairs are not known.
    pub fn earlier_pairs(&self, cohort: &Cohort) -> Result<(Vec<EarlierPair>, Vec<String>)> {
        let mut pairs = Vec::new();
        let mut notes = Vec::new();
        let load = Load::only(&[File::Participants, File::Matches]);
        for name in self.list()? {
            if name == cohort.name {
                continue;
            }
            // Settings first: a cohort that did not start earlier is never read further.
            let other = match self.open(&name, Load::only(&[])).and_then(|settings| {
                if settings.config.cohort.start >= cohort.config.cohort.start {
                    Ok(None)
                } else {
                    self.open(&name, load).map(Some)
                }
            }) {
                Ok(Some(other)) => other,
                Ok(None) => continue,
                Err(e) => {
                    notes.push(format!(
                        "cohort {name} could not be read, so pairs made in it are not ruled out: {e:#}"
                    ));
                    continue;
                }
            };
            let emails: FxHashMap<&str, &str> = other
                .participants
                .iter()
                .filter(|p| !p.email.is_empty())
                .map(|p| (p.id.as_str(), p.email.as_str()))
                .collect();
            for p in other.pairs.iter().filter(|p| {
                p.status == PairStatus::Confirmed
                    || (p.status == PairStatus::Ended && p.confirmed_on.is_some())
            }) {
                if let (Some(e), Some(m)) =
                    (emails.get(p.mentee.as_str()), emails.get(p.mentor.as_str()))
                {
                    pairs.push(EarlierPair {
                        cohort: name.clone(),
                        mentee_email: (*e).to_string(),
                        mentor_email: (*m).to_string(),
                    });
                }
            }
        }
        Ok((pairs, notes))
    }

    /// Every problem of a cohort, in one run: each file on its own, then the rules between files,
    /// and the state of the folder (permissions, leftovers of an interrupted change). Reads only.
    pub fn check(&self, name: &str) -> Result<Checked> {
        let dir = self.existing(name)?;
        let mut checked = Checked::default();
        let mut snapshot = Snapshot::read(&dir, Load::ALL)?;
        if !snapshot.is_stable(&dir) {
            let _lock = fs::lock(&dir, name)?;
            snapshot = Snapshot::read(&dir, Load::ALL)?;
            if dir.join(commit::JOURNAL).exists() {
                checked.warnings.push(Problem::new(
                    commit::JOURNAL,
                    None,
                    "an interrupted command recorded a change it did not finish: any command that changes the cohort (or `revmentor status`) completes it",
                ));
            }
        }
        for (fatal, problem) in folder_findings(&dir) {
            if fatal {
                checked.folder.push(problem);
            } else {
                checked.warnings.push(problem);
            }
        }
        let options = ReadOptions::default();
        match std::str::from_utf8(&snapshot.config) {
            Err(_) => checked.problems.push(Problem::new(
                CONFIG_FILE,
                None,
                "is not UTF-8 text: save it as UTF-8",
            )),
            Ok(text) => match Config::parse(text) {
                Err(items) => checked.problems.extend(items),
                Ok(config) => {
                    let bytes = |f: File| snapshot.bytes(f);
                    match Cohort::parse(name, config, Load::ALL, &bytes, &options) {
                        Err(items) => checked.problems.extend(items),
                        Ok(cohort) => {
                            checked
                                .warnings
                                .extend(crate::cohort::check::advisories(&cohort));
                        }
                    }
                }
            },
        }
        Ok(checked)
    }

    /// Rewrite every date a spreadsheet saved in a local form as `YYYY-MM-DD`, reading them in
    /// `order`: the repairs to show, and a commit to apply them (`None` when there are none).
    pub fn repair_dates(&self, name: &str, order: DateOrder) -> Result<Repair> {
        let options = ReadOptions {
            dates: order,
            ..ReadOptions::default()
        };
        let (mut cohort, change) = self.open_for_change_with(name, Load::ALL, &options)?;
        let repairs = options.repaired.into_inner();
        if repairs.is_empty() {
            return Ok((repairs, None));
        }
        for file in File::ALL {
            if repairs.iter().any(|r| r.file == file.name()) {
                cohort.touch(file);
            }
        }
        Ok((repairs, Some((cohort, change))))
    }

    /// Pack a cohort into a `.tar.zst` archive at `out` (its files and permissions, one version:
    /// read under the cohort's lock). Returns the path written and how many files it holds.
    ///
    /// The archive names everyone in the cohort, so it is entered in the register of outputs
    /// first (in the same lock): an erasure then names it among the files to delete.
    pub fn archive(
        &self,
        name: &str,
        out: &Path,
        today: chrono::NaiveDate,
    ) -> Result<(PathBuf, usize)> {
        let dir = self.existing(name)?;
        let kind = archive::kind_of(out)?;
        let target = output::refuse_cohort_file(&self.root, out)?;
        let _lock = fs::lock(&dir, name)?;
        commit::recover(&dir)?;
        let load = Load::only(&[File::Participants]);
        let cohort = Snapshot::read(&dir, load)?.parse(name, load, &ReadOptions::default())?;
        let row = output::Written {
            path: output::register_path(&dir, &target),
            kind: "archive".to_string(),
            written_on: today,
            people: cohort
                .participants
                .iter()
                .filter(|p| p.status != crate::model::Status::Erased)
                .map(|p| p.id.clone())
                .collect(),
        };
        let register = output::register_with(&dir, [row])?;
        commit::commit(&dir, &[(output::REGISTER, &register)])?;
        let (bytes, files) = archive::pack(&dir, name, kind)?;
        let path = archive::write(&self.root, out, &bytes)?;
        Ok((path, files))
    }

    /// Unpack an archive as a new cohort under the root (as `rename` when given), refusing to
    /// overwrite anything; then check it. Returns the cohort's name, its file count, and what
    /// `check` found.
    pub fn restore(&self, from: &Path, rename: Option<&str>) -> Result<(String, usize, Checked)> {
        fs::create_private_dir(&self.root)?;
        let staging = self
            .root
            .join(format!(".revmentor-restore-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .with_context(|| format!("cannot remove {}", staging.display()))?;
        }
        let unpacked = archive::unpack(from, &staging, rename);
        let (name, files) = match unpacked {
            Ok(done) => done,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        let dir = self.cohort_dir(&name)?;
        if !matches!(fs::kind(&dir)?, fs::Kind::Missing) {
            let _ = std::fs::remove_dir_all(&staging);
            bail!(
                "cohort {name} already exists in {}: restore never overwrites; `--as NEW-NAME` restores it under another name",
                self.root.display()
            );
        }
        std::fs::rename(&staging, &dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        fs::sync_dir(&self.root)?;
        let checked = self.check(&name)?;
        Ok((name, files, checked))
    }

    /// Create a folder for outputs (`--per-person`, `--drafts`); never a cohort's own folder.
    pub fn create_output_dir(&self, dir: &Path) -> Result<()> {
        output::create_dir(&self.root, dir)
    }

    /// Write a file that is about no cohort (a manual page) atomically; never over a cohort's own
    /// files. Cohorts' outputs go through [`Store::write_output`], which registers them.
    /// A `.csv` file gets a byte order mark, as with [`Store::write_output`].
    pub fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<PathBuf> {
        output::write(&self.root, path, &output::for_spreadsheet(path, bytes))
    }

    /// The register of outputs of a cohort (`outputs.csv`): what the tool wrote outside its tables.
    pub fn outputs(&self, name: &str) -> Result<Vec<output::Written>> {
        output::read_register(&self.existing(name)?)
    }

    /// Write an output file (`--out`, `--ics`) of `cohort` atomically and readable by the owner
    /// only; refuses any cohort's own files however the path is spelt. The file is first entered
    /// in the cohort's register (`outputs.csv`: path, kind, date, the ids of the people it names),
    /// so that an erasure finds it even if this write is cut short. `cohort` must have been read
    /// with its participants. Not to be called while holding a [`Change`] of the same cohort.
    /// Returns the path written.
    ///
    /// A `.csv` file gets a UTF-8 byte order mark first (unless it has one), so that a spreadsheet
    /// opened by double-click reads "José" and not "JosÃ©"; standard output never gets one, so a
    /// pipe into another program sees plain UTF-8.
    pub fn write_output(
        &self,
        cohort: &Cohort,
        kind: &str,
        today: chrono::NaiveDate,
        path: &Path,
        bytes: &[u8],
    ) -> Result<PathBuf> {
        let mut written = self.write_output_files(cohort, kind, today, &[(path, bytes)])?;
        written
            .pop()
            .ok_or_else(|| anyhow!("internal error: a written file went unreported"))
    }

    /// [`Store::write_output`] for many files of one kind (a calendar per person): the people in
    /// each are found with one index of names, and the register is read, updated and committed
    /// once under one lock, then the files are written together (`output::write_atomic_all`: one
    /// flush for all). (One at a time, 10,000 files rewrote a register growing to 10,000 rows
    /// 10,000 times, and flushed 20,000 times.) A file refused refuses them all, before anything is
    /// written. Returns where each was written.
    pub fn write_output_files(
        &self,
        cohort: &Cohort,
        kind: &str,
        today: chrono::NaiveDate,
        files: &[(&Path, &[u8])],
    ) -> Result<Vec<PathBuf>> {
        let dir = self.existing(&cohort.name)?;
        let participants: Vec<&crate::model::Participant> = cohort.participants.iter().collect();
        let naming = output::Naming::new(&participants);
        let mut ready = Vec::with_capacity(files.len());
        for &(path, bytes) in files {
            let bytes = output::for_spreadsheet(path, bytes);
            let target = output::refuse_cohort_file(&self.root, path)?;
            let people = naming.named(&bytes);
            ready.push((path, target, bytes, people));
        }
        let _lock = fs::lock(&dir, &cohort.name)?;
        commit::recover(&dir)?;
        let entered = ready
            .iter_mut()
            .map(|(_, target, _, people)| output::Written {
                path: output::register_path(&dir, target),
                kind: kind.to_string(),
                written_on: today,
                people: std::mem::take(people),
            });
        let register = output::register_with(&dir, entered)?;
        commit::commit(&dir, &[(output::REGISTER, &register)])?;
        let files: Vec<(PathBuf, &Path, &[u8])> = ready
            .iter()
            .map(|(path, target, bytes, _)| (target.clone(), *path, &bytes[..]))
            .collect();
        output::write_atomic_all(&files)?;
        Ok(files.into_iter().map(|(target, _, _)| target).collect())
    }

    /// Write files into an output folder (`--drafts`), made when missing, never inside a cohort's
    /// folder; durable together. Returns the folder written.
    pub fn write_outputs(&self, dir: &Path, files: &[(String, Vec<u8>)]) -> Result<PathBuf> {
        output::write_all(&self.root, dir, files)
    }

    /// A cohort's own wording for its messages: each `*.txt` file of its `templates/` folder, by
    /// name, with its text (none when the folder does not exist). Links are refused.
    pub fn templates(&self, name: &str) -> Result<Vec<(String, String)>> {
        let dir = self.existing(name)?.join(TEMPLATES);
        match fs::kind(&dir)? {
            fs::Kind::Missing => return Ok(Vec::new()),
            fs::Kind::Link(to) => bail!(
                "{} is a symbolic link (to {}): put the templates folder itself there",
                dir.display(),
                to.display()
            ),
            fs::Kind::File(_) => bail!(
                "{} is a file, but templates/ is a folder of message templates",
                dir.display()
            ),
            fs::Kind::Other => {}
        }
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.starts_with('.') {
                continue;
            }
            let Some((bytes, _)) = read_plain(&entry.path())? else {
                continue;
            };
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow!("{TEMPLATES}/{file} is not UTF-8 text: save it as UTF-8"))?;
            found.push((file, text));
        }
        found.sort();
        Ok(found)
    }
}

/// The folder of a cohort's own message templates.
pub const TEMPLATES: &str = "templates";

/// Dates to repair, and the opened cohort to commit them with (none when nothing needs repair).
pub type Repair = (Vec<DateRepair>, Option<(Cohort, Change)>);

/// What `check` found: problems in the files, and in the folder around them.
#[derive(Debug, Default)]
pub struct Checked {
    pub problems: Vec<Problem>,
    pub folder: Vec<Problem>,
    /// Worth a look, but not wrong: commands go on.
    pub warnings: Vec<Problem>,
}

/// What `check` finds about the folder itself, each marked fatal or not: a link is a problem (every
/// command refuses it); loose permissions (the next change tightens them), read-only files and the
/// leftovers of an interrupted command (the next command clears them) are warnings.
fn folder_findings(dir: &Path) -> Vec<(bool, Problem)> {
    let mut problems: Vec<(bool, Problem)> = Vec::new();
    if let Ok(m) = std::fs::metadata(dir)
        && fs::mode(&m) & 0o077 != 0
    {
        problems.push((false, Problem::new(
            "",
            None,
            format!(
                "the folder {} can be read by others (mode {:04o}): the next command that changes the cohort makes it 0700, or run `chmod 700 {}`",
                dir.display(),
                fs::mode(&m),
                dir.display()
            ),
        )));
    }
    let names = std::iter::once(CONFIG_FILE).chain(File::ALL.iter().map(|f| f.name()));
    let mut loose = Vec::new();
    for name in names {
        match fs::kind(&dir.join(name)) {
            Ok(fs::Kind::File(m)) => {
                let mode = fs::mode(&m);
                if mode & 0o077 != 0 {
                    loose.push(name);
                }
                if mode & 0o200 == 0 {
                    problems.push((false, Problem::new(
                        name,
                        None,
                        format!(
                            "is read-only (mode {mode:04o}): commands that change the cohort refuse it; `chmod u+w` it when you mean to change the cohort"
                        ),
                    )));
                }
            }
            Ok(fs::Kind::Link(to)) => problems.push((
                true,
                Problem::new(
                    name,
                    None,
                    format!(
                        "is a symbolic link (to {}): put the file itself in the folder",
                        to.display()
                    ),
                ),
            )),
            _ => {}
        }
    }
    if !loose.is_empty() {
        problems.push((
            false,
            Problem::general(format!(
                "{} can be read by other users: they hold personal data; the next command that changes the cohort makes them 0600, or run `chmod 600` on them",
                loose.join(", ")
            )),
        ));
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(commit::STAGE_PREFIX) {
                problems.push((false, Problem::new(
                    &n,
                    None,
                    "is left from a command that was interrupted before it changed anything: the next command that changes the cohort removes it",
                )));
            }
        }
    }
    problems
}

/// Refuse to change a cohort whose files are links or read-only: never write through a link, and
/// never override a file its owner made read-only.
fn refuse_unwritable(dir: &Path, load: Load) -> Result<()> {
    let mut problems = Vec::new();
    for file in File::ALL.into_iter().filter(|f| load.has(*f)) {
        let path = dir.join(file.name());
        match fs::kind(&path)? {
            fs::Kind::Link(to) => problems.push(format!(
                "{} is a symbolic link (to {}): revmentor never writes a cohort file through a link; put the file itself there",
                path.display(),
                to.display()
            )),
            fs::Kind::File(m) if fs::mode(&m) & 0o200 == 0 => problems.push(format!(
                "{} is read-only (mode {:04o}): nothing was changed; make it writable (`chmod u+w`) if you mean to change the cohort",
                path.display(),
                fs::mode(&m)
            )),
            fs::Kind::Other => problems.push(format!("{} is not a file", path.display())),
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("{}", problems.join("\n"))
    }
}

/// Make the cohort's folder 0700 and its files 0600 (they hold special-category data), saying so
/// when anything was looser.
fn make_private(dir: &Path, name: &str) -> Result<()> {
    let mut tightened = Vec::new();
    if let Ok(m) = std::fs::metadata(dir)
        && fs::mode(&m) & 0o077 != 0
    {
        fs::set_mode(dir, 0o700)?;
        tightened.push("its folder".to_string());
    }
    let names = std::iter::once(CONFIG_FILE).chain(File::ALL.iter().map(|f| f.name()));
    for file in names {
        let path = dir.join(file);
        if let fs::Kind::File(m) = fs::kind(&path)? {
            let mode = fs::mode(&m);
            if mode & 0o077 != 0 {
                fs::set_mode(&path, mode & 0o700)?;
                tightened.push(file.to_string());
            }
        }
    }
    if !tightened.is_empty() {
        crate::out::note(&format!(
            "cohort {name}: {} could be read by other users; made private to you (folder 0700, files 0600)",
            tightened.join(", ")
        ));
    }
    Ok(())
}

/// A file's content as the tool would write it: without a byte-order mark, with `\n` line ends.
fn canonical(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let b = bytes.strip_prefix(crate::csvio::BOM).unwrap_or(bytes);
    if b.contains(&b'\r') {
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\r' {
                out.push(b'\n');
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            } else {
                out.push(b[i]);
            }
            i += 1;
        }
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(b)
    }
}

impl Change {
    /// For an erasure: the files beside the tables that hold the person, rewritten without them
    /// (see [`output::erase`]). Returns what was done, and the files to commit with the tables
    /// (rewritten outputs, and the register when it changed).
    pub fn erase_outputs(
        &self,
        gone: &dyn Fn(&str) -> bool,
        scrub: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(output::Erased, Vec<output::Rewrite>)> {
        let before = output::read_register(&self.dir)?;
        let (done, rows, mut files) = output::erase(&self.dir, gone, scrub)?;
        if rows != before {
            files.push((output::REGISTER.to_string(), output::register_bytes(&rows)));
        }
        Ok((done, files))
    }

    /// Enter files about to be written into folder `dir` (drafts) in the cohort's register, while
    /// this change holds the cohort's lock: committed now, before the files are written, so that
    /// an erasure finds them even if the writing is cut short.
    pub fn register_outputs(
        &self,
        cohort: &Cohort,
        kind: &str,
        today: chrono::NaiveDate,
        dir: &Path,
        files: &[(String, Vec<u8>)],
    ) -> Result<()> {
        if output::refused(self.dir.parent().unwrap_or(&self.dir), dir, files) {
            // The write will be refused, saying why: nothing to register, nothing changed.
            return Ok(());
        }
        let dir = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            std::env::current_dir()
                .context("cannot tell the current folder")?
                .join(dir)
        };
        let participants: Vec<&crate::model::Participant> = cohort.participants.iter().collect();
        let naming = output::Naming::new(&participants);
        let entered = files.iter().map(|(name, bytes)| output::Written {
            path: output::register_path(&self.dir, &dir.join(name)),
            kind: kind.to_string(),
            written_on: today,
            people: naming.named(bytes),
        });
        let register = output::register_with(&self.dir, entered)?;
        commit::commit(&self.dir, &[(output::REGISTER, &register)])
    }

    /// [`Change::commit`], with more files of the folder (rewritten outputs, the register) in the
    /// same commit.
    pub fn commit_with(self, cohort: &Cohort, extra: &[output::Rewrite]) -> Result<usize> {
        // What is written must read back: a file the next command would refuse is a defect here,
        // and writing it would lock the coordinator out of the cohort.
        let (changed, mut unreadable) = cohort.changed_files();
        // And the rules between files, which the next read applies too (only when something is
        // written: they read every loaded table).
        if !changed.is_empty() {
            unreadable.extend(crate::cohort::check::consistency(cohort));
        }
        let unreadable: Vec<String> = unreadable.iter().map(|p| p.to_string()).collect();
        if !unreadable.is_empty() {
            anyhow::bail!(
                "revmentor would have written {} that it could not read back, so nothing was written (please report this):\n  {}",
                if unreadable.len() == 1 {
                    "a cell"
                } else {
                    "cells"
                },
                unreadable.join("\n  ")
            );
        }
        let mut files: Vec<(&str, &[u8])> = changed
            .iter()
            .filter(|(file, bytes)| {
                let original = self
                    .originals
                    .iter()
                    .find(|(f, _)| f == file)
                    .and_then(|(_, b)| b.as_deref());
                original.is_none_or(|o| o != bytes.as_slice() && *canonical(o) != bytes[..])
            })
            .map(|(f, b)| (f.name(), b.as_slice()))
            .collect();
        // Before participants.csv, which a commit writes last.
        let at = files.len().saturating_sub(usize::from(
            files
                .last()
                .is_some_and(|(n, _)| *n == crate::cohort::PARTICIPANTS),
        ));
        for (i, (name, bytes)) in extra.iter().enumerate() {
            files.insert(at + i, (name.as_str(), bytes.as_slice()));
        }
        commit::commit(&self.dir, &files)?;
        Ok(files.len())
    }

    /// Write every changed table whose content differs from the file as read, all together (see
    /// [`commit`]). A file saved by a spreadsheet with a byte-order mark or `\r\n` line ends is
    /// rewritten only when its content changed. Returns how many files were written.
    pub fn commit(self, cohort: &Cohort) -> Result<usize> {
        self.commit_with(cohort, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::config::{InitSettings, template};
    use crate::model::{Pair, PairStatus, Participant, Role};

    /// Every file of the cohort's folder, by name.
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .expect("folder")
            .map(|e| {
                let e = e.expect("entry");
                let bytes = std::fs::read(e.path()).unwrap_or_default();
                (e.file_name().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_commit_that_the_next_read_would_refuse_writes_nothing_and_names_why() {
        let root = tempfile::tempdir().expect("root");
        let store = Store::new(root.path());
        let day = |d| chrono::NaiveDate::from_ymd_opt(2020, 1, d).expect("date");
        let text = template(&InitSettings {
            title: "t",
            start: day(13),
            end: day(31),
            min_weeks: 6,
            max_weeks: 8,
            session_minutes: 60,
        });
        store.create("c", &text).expect("create");
        let dir = root.path().join("c");
        let before = files(&dir);
        // A cell too long for its column.
        let (mut cohort, change) = store.open_for_change("c", Load::ALL).expect("open");
        let mut ann = Participant::for_test("p001", Role::Mentor);
        ann.name = "A".repeat(201);
        ann.email = "ann@x.example".into();
        cohort.participants.push(ann);
        let e = change.commit(&cohort).expect_err("refused").to_string();
        assert!(e.contains("participants.csv:2") && e.contains("200"), "{e}");
        assert_eq!(files(&dir), before);
        // A pair whose people are not in participants.csv: a rule between files.
        let (mut cohort, change) = store.open_for_change("c", Load::ALL).expect("open");
        cohort.pairs.push(Pair {
            mentee: "p007".into(),
            mentor: "p008".into(),
            score: 1.0,
            reasons: String::new(),
            status: PairStatus::Proposed,
            proposed_on: Some(day(13)),
            confirmed_on: None,
            ended_on: None,
            end_reason: String::new(),
        });
        let e = change.commit(&cohort).expect_err("refused").to_string();
        assert!(e.contains("matches.csv") && e.contains("p007"), "{e}");
        assert_eq!(files(&dir), before);
        // What reads back is written.
        let (mut cohort, change) = store.open_for_change("c", Load::ALL).expect("open");
        let mut ann = Participant::for_test("p001", Role::Mentor);
        ann.name = "Ann".into();
        ann.email = "ann@x.example".into();
        cohort.participants.push(ann);
        change.commit(&cohort).expect("written");
        assert_ne!(files(&dir), before);
    }
}
