//! Outputs the coordinator asks for (`--out`, `--ics`): written atomically, readable by the owner
//! only, and never over a cohort's own files, however the path is spelt (relative, `..`, a link,
//! another cohort of the root, a cohort folder under another root).

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{CONFIG_FILE, is_cohort_file_name};

/// Prefix of an output's temporary file: distinct from the commit protocol's, so no command ever
/// removes another one's output in flight.
pub const OUTPUT_TEMP_PREFIX: &str = ".revmentor-out-";

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
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    temp.persist(target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    super::fs::sync_dir(dir)
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

/// The ids of the people `text` names: by email (any capitals) or by full name (whole words), in
/// one pass.
pub fn people_named(text: &str, people: &[&crate::model::Participant]) -> Vec<String> {
    use crate::evaluation::Label;
    let mut b = crate::evaluation::redact::Builder::new();
    for (i, p) in people.iter().enumerate() {
        b.add_tagged(&p.email, Label::Email, i);
        if p.name.split_whitespace().count() > 1 {
            b.add_tagged(&p.name, Label::Name, i);
        }
    }
    let mut named: Vec<String> = b
        .build()
        .find(text)
        .iter()
        .map(|f| people[f.tag].id.clone())
        .collect();
    named.sort();
    named.dedup();
    named
}

/// Where a register row's file is.
pub fn register_target(dir: &Path, row: &Written) -> PathBuf {
    let p = Path::new(&row.path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

/// How the register names a file: relative to the cohort's folder when inside it.
pub fn register_path(dir: &Path, target: &Path) -> String {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    match target.strip_prefix(&dir) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => target.display().to_string(),
    }
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

/// Erase person `id` from the files beside the tables. Every file in the cohort's folder that
/// names them (an output the tool wrote there, or anyone's) is rewritten with `scrub` (which gives
/// the text without the person, or `None` when it does not name them): those at the top of the
/// folder are returned, to be committed with the tables; those in a subfolder are rewritten now.
/// Registered outputs outside the folder that name them are listed for the coordinator. Returns
/// what was done, the register's new rows, and the rewrites to commit.
pub fn erase(
    dir: &Path,
    id: &str,
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
                        row.people.retain(|p| p != id);
                    }
                }
            }
            Err(_) => done.unreadable.push(rel),
        }
    }
    for row in &rows {
        if row.people.iter().any(|p| p == id) && Path::new(&row.path).is_absolute() {
            done.outside.push(row.path.clone());
        }
    }
    Ok((done, rows, commit))
}

/// Create a folder for outputs (`--per-person`, `--drafts`), readable by the owner only, when it
/// does not exist. An output folder never lies inside a cohort's folder (where it could take the
/// name of one of its files, or its `templates/`).
pub fn create_dir(root: &Path, dir: &Path) -> Result<()> {
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .context("cannot tell the current folder")?
            .join(dir)
    };
    let existing = absolute
        .ancestors()
        .find(|a| a.is_dir())
        .and_then(|a| a.canonicalize().ok());
    let root = root.canonicalize().ok();
    let inside_cohort = existing.as_ref().is_some_and(|e| {
        e.ancestors().any(|a| {
            a.join(super::CONFIG_FILE).exists()
                || root
                    .as_ref()
                    .is_some_and(|r| a.parent() == Some(r.as_path()))
        })
    });
    if inside_cohort {
        bail!(
            "{}: that is inside a cohort's folder; write the files into a folder of their own",
            dir.display()
        );
    }
    if dir.is_dir() {
        return Ok(());
    }
    super::fs::create_private_dir(dir)
}
