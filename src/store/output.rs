//! Outputs the coordinator asks for (`--out`, `--ics`): written atomically, readable by the owner
//! only, and never over a cohort's own files, however the path is spelt (relative, `..`, a link,
//! another cohort of the root, a cohort folder under another root).

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{CONFIG_FILE, is_cohort_file_name};

/// Prefix of an output's temporary file: distinct from the commit protocol's, so no command ever
/// removes another one's output in flight.
pub const OUTPUT_TEMP_PREFIX: &str = ".revmentor-out-";

/// Whether an output is meant for a spreadsheet: a `.csv` file, in any capitals.
pub fn spreadsheet_bound(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// An output's bytes as written: a `.csv` file starts with a UTF-8 byte order mark (unless it has
/// one), so a spreadsheet opened by double-click reads it as UTF-8; anything else as it is.
pub fn for_spreadsheet<'a>(path: &Path, bytes: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
    if spreadsheet_bound(path) && !bytes.starts_with(crate::csvio::BOM) {
        std::borrow::Cow::Owned([crate::csvio::BOM, bytes].concat())
    } else {
        std::borrow::Cow::Borrowed(bytes)
    }
}

/// The path an output would really be written to: its folder resolved (links and `..` followed)
/// and, when the file itself is a link, the file it points to.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let Some(name) = path.file_name() else {
        bail!("{}: give a file name to write", path.display());
    };
    if path.as_os_str().is_empty()
        || matches!(path.components().next_back(), Some(Component::ParentDir))
    {
        bail!("{}: give a file name to write", path.display());
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let parent = parent.canonicalize().with_context(|| {
        format!(
            "cannot write in {}: the folder does not exist (create it first) for {}",
            parent.display(),
            path.display()
        )
    })?;
    let full = parent.join(name);
    match std::fs::symlink_metadata(&full) {
        Ok(m) if m.file_type().is_symlink() => match full.canonicalize() {
            Ok(target) => Ok(target),
            // A dangling link: resolve its folder, keep its name.
            Err(_) => {
                let to = std::fs::read_link(&full)?;
                let to = if to.is_absolute() {
                    to
                } else {
                    parent.join(to)
                };
                resolve(&to)
            }
        },
        Ok(m) if m.is_dir() => bail!("{} is a folder: give a file name to write", path.display()),
        _ => Ok(full),
    }
}

/// Refuse a path that would replace a cohort's own file: any file named like one (settings, a
/// table, the lock, a commit's files) in a folder that is a cohort (it holds a `cohort.toml`, or
/// is a cohort folder of this root), or anything inside a cohort's `templates/`.
pub fn refuse_cohort_file(root: &Path, path: &Path) -> Result<PathBuf> {
    let target = resolve(path)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = target.parent().unwrap_or(Path::new("/"));
    let root = root.canonicalize().ok();
    let in_root_cohort = root
        .as_ref()
        .is_some_and(|r| folder.parent() == Some(r.as_path()));
    let is_cohort_folder = folder.join(CONFIG_FILE).exists() || in_root_cohort;
    if is_cohort_folder && is_cohort_file_name(&name) {
        let cohort = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        bail!(
            "{}: that is one of cohort {cohort}'s own files ({name}); an output never replaces a cohort's files: write it to another name",
            path.display()
        );
    }
    let under_templates = target.ancestors().skip(1).any(|a| {
        a.file_name().is_some_and(|n| n == "templates")
            && a.parent().is_some_and(|p| p.join(CONFIG_FILE).exists())
    });
    if under_templates {
        bail!(
            "{}: that is inside a cohort's templates folder; write the output somewhere else",
            path.display()
        );
    }
    Ok(target)
}

/// Write an output atomically (a temporary file of its own beside it, synced, renamed), readable by
/// the owner only. Returns the path written.
pub fn write(root: &Path, path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let target = refuse_cohort_file(root, path)?;
    write_atomic(&target, path, bytes)?;
    Ok(target)
}

/// Replace `target` atomically with `bytes` (readable by the owner only); `path` is how the user
/// named it, for messages.
pub fn write_atomic(target: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = temp_beside(target, path, bytes, true)?;
    temp.persist(target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    super::fs::sync_dir(target.parent().unwrap_or(Path::new(".")))
}

/// A temporary file beside `target` holding `bytes` (readable by the owner only), flushed to the
/// disk when `durable`.
fn temp_beside(
    target: &Path,
    path: &Path,
    bytes: &[u8],
    durable: bool,
) -> Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(OUTPUT_TEMP_PREFIX)
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot write in {}: check that the folder is yours and writable, and the disk not full",
                dir.display()
            )
        })?;
    temp.write_all(bytes)
        .and_then(|()| temp.flush())
        .and_then(|()| {
            if durable {
                temp.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(temp)
}

/// [`write_atomic`] for many files at once (`(target, path, bytes)`): every file is written to a
/// temporary file beside its target first, then all are made durable together (one flush of the
/// file system where the platform can, instead of two per file), then each replaces its target,
/// then their folders are made durable. A failure before the replacing leaves every target as it
/// was. One file goes through [`write_atomic`].
pub fn write_atomic_all(files: &[(PathBuf, &Path, &[u8])]) -> Result<()> {
    if let [(target, path, bytes)] = files {
        return write_atomic(target, path, bytes);
    }
    // Each temporary file is closed once written (10,000 open at once would pass the usual limit
    // of open files); where the whole file system cannot be flushed at once, each is flushed
    // before it is closed.
    let mut temps = Vec::with_capacity(files.len());
    let mut folders: Vec<PathBuf> = Vec::new();
    for (target, path, bytes) in files {
        let temp = temp_beside(target, path, bytes, !cfg!(target_os = "linux"))?;
        let dir = target.parent().unwrap_or(Path::new("."));
        if !folders.iter().any(|f| f == dir) {
            folders.push(dir.to_path_buf());
        }
        temps.push(temp.into_temp_path());
    }
    for folder in &folders {
        flush(folder, &[])?;
    }
    for (temp, (target, _, _)) in temps.into_iter().zip(files) {
        temp.persist(target)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot replace {}", target.display()))?;
    }
    for folder in &folders {
        super::fs::sync_dir(folder)?;
    }
    Ok(())
}

/// The register of outputs: `outputs.csv` in the cohort's folder, one row per file the tool wrote
/// outside the tables (`--out`, `--ics`): where, what, when, and which people it named (ids only),
/// so that an erasure can find every copy of a person the tool made.
pub const REGISTER: &str = "outputs.csv";

const REGISTER_COLUMNS: [&str; 4] = ["path", "kind", "written_on", "people"];

/// One file the tool wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Relative to the cohort's folder when inside it, else absolute.
    pub path: String,
    /// `summary`, `pairs`, `calendar`, `person`.
    pub kind: String,
    pub written_on: chrono::NaiveDate,
    /// The ids of the people it names.
    pub people: Vec<String>,
}

/// Read the register (empty when there is none yet).
pub fn read_register(dir: &Path) -> Result<Vec<Written>> {
    let path = dir.join(REGISTER);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let sheet = crate::csvio::parse(REGISTER, &bytes)?;
    let at = |name: &str| sheet.headers.iter().position(|h| h == name);
    let (Some(p), Some(k), Some(d), Some(n)) =
        (at("path"), at("kind"), at("written_on"), at("people"))
    else {
        bail!(
            "{}: the header must be {}; restore the file from git or a backup",
            path.display(),
            REGISTER_COLUMNS.join(",")
        );
    };
    sheet
        .rows
        .iter()
        .map(|r| {
            let written_on = crate::model::parse_date(r.cell(d)).map_err(|e| {
                anyhow::anyhow!("{REGISTER}:{}: column \"written_on\": {e}", r.line)
            })?;
            Ok(Written {
                path: r.cell(p).to_string(),
                kind: r.cell(k).to_string(),
                written_on,
                people: r
                    .cell(n)
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

/// The register of `dir` with `entered` in it: each replaces the row of its path, or is added
/// after the others. Its bytes, to commit.
pub fn register_with(dir: &Path, entered: impl IntoIterator<Item = Written>) -> Result<Vec<u8>> {
    let mut rows = read_register(dir)?;
    let mut at: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    for (i, r) in rows.iter().enumerate() {
        at.entry(r.path.clone()).or_insert(i);
    }
    for row in entered {
        match at.get(&row.path) {
            Some(&i) => rows[i] = row,
            None => {
                at.insert(row.path.clone(), rows.len());
                rows.push(row);
            }
        }
    }
    Ok(register_bytes(&rows))
}

/// The register's bytes.
pub fn register_bytes(rows: &[Written]) -> Vec<u8> {
    let headers: Vec<String> = REGISTER_COLUMNS.iter().map(|c| c.to_string()).collect();
    crate::csvio::write(
        &headers,
        rows.iter().map(|w| {
            vec![
                w.path.clone(),
                w.kind.clone(),
                w.written_on.to_string(),
                w.people.join(";"),
            ]
        }),
    )
}

/// Who a file names: every participant's email (any capitals) and full name (whole words), found
/// in one pass; built once for many files.
pub struct Naming<'a> {
    people: &'a [&'a crate::model::Participant],
    forms: crate::evaluation::Redactor,
}

impl<'a> Naming<'a> {
    pub fn new(people: &'a [&'a crate::model::Participant]) -> Naming<'a> {
        use crate::evaluation::Label;
        let mut b = crate::evaluation::redact::Builder::new();
        for (i, p) in people.iter().enumerate() {
            b.add_tagged(&p.email, Label::Email, i);
            if p.name.split_whitespace().count() > 1 {
                b.add_tagged(&p.name, Label::Name, i);
            }
        }
        Naming {
            people,
            forms: b.build(),
        }
    }

    /// The ids of the people `bytes` names (everyone, when it is not text: it may name anyone).
    pub fn named(&self, bytes: &[u8]) -> Vec<String> {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return self.people.iter().map(|p| p.id.clone()).collect();
        };
        let mut named: Vec<String> = self
            .forms
            .find(text)
            .iter()
            .map(|f| self.people[f.tag].id.clone())
            .collect();
        named.sort();
        named.dedup();
        named
    }
}

/// Where a register row's file is.
pub fn register_target(dir: &Path, row: &Written) -> PathBuf {
    dir.join(&row.path)
}

/// Whether a register row's file is outside the cohort's folder.
pub fn is_outside(row: &Written) -> bool {
    let p = Path::new(&row.path);
    p.is_absolute() || matches!(p.components().next(), Some(Component::ParentDir))
}

/// How the register names a file: relative to the cohort's folder (`summary.md`,
/// `../../drafts/0001-introduction-p015-p002.eml`), so the register stays true when the folders
/// are moved together; absolute when they share nothing.
pub fn register_path(dir: &Path, target: &Path) -> String {
    let canonical = |p: &Path| {
        p.canonicalize().ok().or_else(|| {
            let parent = p.parent()?.canonicalize().ok()?;
            Some(parent.join(p.file_name()?))
        })
    };
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let target = canonical(target).unwrap_or_else(|| target.to_path_buf());
    let from: Vec<Component> = dir.components().collect();
    let to: Vec<Component> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common <= 1 {
        return target.display().to_string();
    }
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to[common..] {
        rel.push(c);
    }
    rel.display().to_string()
}

/// What an erasure did to the files the tool (or anyone) left beside the tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    /// Files in the cohort's folder (outputs the tool wrote, or anyone's) that held a form of the
    /// name or email: rewritten without it.
    pub rewritten: Vec<String>,
    /// Registered outputs outside the cohort's folder that name the person: the coordinator must
    /// delete them.
    pub outside: Vec<String>,
    /// Files in the cohort's folder that are not text, so cannot be checked.
    pub unreadable: Vec<String>,
}

/// Every file under `dir` (recursively) that is not one of the cohort's own files, nor hidden.
fn loose_files(dir: &Path, top: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.')
            || (top && super::is_cohort_file_name(&name) && name != "templates")
        {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => loose_files(&e.path(), false, out),
            Ok(t) if t.is_file() => out.push(e.path()),
            _ => {}
        }
    }
}

/// A file rewritten by an erasure: its name in the cohort's folder, and its new bytes.
pub type Rewrite = (String, Vec<u8>);

/// Erase the people `gone` says (by id) from the files beside the tables. Every file in the
/// cohort's folder that names them (an output the tool wrote there, or anyone's) is rewritten with `scrub` (which gives
/// the text without the person, or `None` when it does not name them): those at the top of the
/// folder are returned, to be committed with the tables; those in a subfolder are rewritten now.
/// Registered outputs outside the folder that name them are listed for the coordinator. Returns
/// what was done, the register's new rows, and the rewrites to commit.
pub fn erase(
    dir: &Path,
    gone: &dyn Fn(&str) -> bool,
    scrub: &dyn Fn(&str) -> Option<String>,
) -> Result<(Erased, Vec<Written>, Vec<Rewrite>)> {
    let mut done = Erased::default();
    let mut rows = read_register(dir)?;
    let mut files = Vec::new();
    loose_files(dir, true, &mut files);
    let mut commit = Vec::new();
    for f in files {
        let rel = f.strip_prefix(dir).unwrap_or(&f).display().to_string();
        let bytes = std::fs::read(&f).with_context(|| format!("cannot read {}", f.display()))?;
        match std::str::from_utf8(&bytes) {
            Ok(text) => {
                if let Some(new) = scrub(text) {
                    if f.parent() == Some(dir) {
                        commit.push((rel.clone(), new.into_bytes()));
                    } else {
                        write_atomic(&f, &f, new.as_bytes())?;
                    }
                    done.rewritten.push(rel.clone());
                    for row in rows.iter_mut().filter(|r| r.path == rel) {
                        row.people.retain(|p| !gone(p));
                    }
                }
            }
            Err(_) => done.unreadable.push(rel),
        }
    }
    // Files outside the folder that name them: listed for the coordinator; a file already deleted
    // is no longer listed, and its row goes.
    rows.retain(|row| {
        if !(row.people.iter().any(|p| gone(p)) && is_outside(row)) {
            return true;
        }
        let exists = register_target(dir, row).exists();
        if exists {
            done.outside.push(row.path.clone());
        }
        exists
    });
    Ok((done, rows, commit))
}

/// Whether [`write_all`] would refuse to write `files` into `dir` (inside a cohort's folder, or a
/// name that is not a plain file name): then nothing is registered either.
pub fn refused(root: &Path, dir: &Path, files: &[(String, Vec<u8>)]) -> bool {
    not_for_outputs(root, dir, &planned(dir)).is_some()
        || files
            .iter()
            .any(|(name, _)| name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.'))
}

/// Where `dir` is or will be: its nearest existing folder, canonical, with the rest of the path
/// (which a check of the existing part alone would miss: a new folder directly under the root).
fn planned(dir: &Path) -> PathBuf {
    let existing = dir
        .ancestors()
        .find(|a| a.exists())
        .unwrap_or(Path::new("."));
    existing
        .canonicalize()
        .map(|c| c.join(dir.strip_prefix(existing).unwrap_or(dir)))
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// The cohort folder `folder` (canonical) is, or is inside, if any: a folder directly under the
/// root of cohorts with a cohort's name (not `.pilot-drafts`), or one holding a cohort's settings or two or more of its tables (a cohort
/// whose `cohort.toml` went missing is still one; a folder where an HR export named `org.csv` or
/// `participants.csv` was saved is not). The one rule every output folder is checked by.
fn inside_cohort(root: &Path, folder: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok();
    folder
        .ancestors()
        .find(|a| {
            (root.as_deref().is_some_and(|r| a.parent() == Some(r))
                && a.file_name()
                    .is_some_and(|n| crate::cohort::is_cohort_name(&n.to_string_lossy())))
                || a.join(CONFIG_FILE).exists()
                || crate::cohort::File::ALL
                    .iter()
                    .filter(|f| a.join(f.name()).exists())
                    .nth(1)
                    .is_some()
        })
        .map(Path::to_path_buf)
}

/// Why the output folder `dir` (at `folder`, canonical or planned) cannot hold outputs: it is the
/// root of cohorts itself (where files would sit among the cohorts, and be kept with them in
/// git), or it is, or is inside, a cohort's folder. The one check every output folder passes.
fn not_for_outputs(root: &Path, dir: &Path, folder: &Path) -> Option<String> {
    if root.canonicalize().ok().as_deref() == Some(folder) {
        return Some(format!(
            "{} is the folder of the cohorts itself: write these files into a folder of their own (like --drafts drafts)",
            dir.display()
        ));
    }
    let cohort = inside_cohort(root, folder)?;
    Some(format!(
        "{} is inside the folder of cohort {}: write these files into a folder of their own, never inside a cohort's folder (like --drafts drafts)",
        dir.display(),
        cohort
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ))
}

/// Write a set of files (plain names) into an output folder, creating it (owner only) when
/// missing. The folder may not be, or be inside, a cohort's folder: outputs that hold names and
/// emails stay out of the cohort's files. Files are written in place (a file of the same name is
/// replaced, a link or folder refused), owner-only; then one flush of the file system makes them
/// all durable (a flush per file costs milliseconds each). A run cut short leaves files the same
/// run rewrites whole, since the caller records nothing until this returns. Returns the folder.
pub fn write_all(root: &Path, dir: &Path, files: &[(String, Vec<u8>)]) -> Result<PathBuf> {
    use std::io::Write;
    if !dir.exists() {
        super::fs::create_private_dir(dir)?;
    }
    let folder = dir
        .canonicalize()
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    if !folder.is_dir() {
        bail!(
            "{} is not a folder: give a folder to write into",
            dir.display()
        );
    }
    if let Some(why) = not_for_outputs(root, dir, &folder) {
        bail!("{why}");
    }
    for (name, _) in files {
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            bail!("{name}: not a plain file name");
        }
    }
    let mut written = Vec::new();
    for (name, bytes) in files {
        let target = folder.join(name);
        if let Ok(m) = std::fs::symlink_metadata(&target)
            && !m.is_file()
        {
            bail!(
                "{} is not a file (a link or a folder): move it away, or write to another folder",
                target.display()
            );
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(&target)
            .with_context(|| format!("cannot write {}", target.display()))?;
        file.write_all(bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
        if cfg!(not(target_os = "linux")) {
            written.push(file);
        }
    }
    flush(&folder, &written)?;
    Ok(folder)
}

/// Make files just written durable: the whole file system at once where the platform can.
fn flush(folder: &Path, files: &[std::fs::File]) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        let _ = files;
        let dir = std::fs::File::open(folder)
            .with_context(|| format!("cannot open {}", folder.display()))?;
        rustix::fs::syncfs(&dir).with_context(|| format!("cannot flush {}", folder.display()))?;
    }
    #[cfg(not(target_os = "linux"))]
    {
        for f in files {
            f.sync_all()
                .with_context(|| format!("cannot flush a file in {}", folder.display()))?;
        }
        super::fs::sync_dir(folder)?;
    }
    Ok(())
}

/// Create a folder for outputs (`--per-person`, `--drafts`), readable by the owner only, when it
/// does not exist. An output folder never lies inside a cohort's folder (where it could take the
/// name of one of its files, or its `templates/`).
pub fn create_dir(root: &Path, dir: &Path) -> Result<()> {
    if let Some(why) = not_for_outputs(root, dir, &planned(dir)) {
        bail!("{why}");
    }
    if dir.is_dir() {
        return Ok(());
    }
    if dir.exists() {
        bail!(
            "{} is not a folder: give a folder to write into",
            dir.display()
        );
    }
    super::fs::create_private_dir(dir)
}
