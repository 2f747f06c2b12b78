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
    use std::io::Write;
    let target = refuse_cohort_file(root, path)?;
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
    temp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    super::fs::sync_dir(dir)?;
    Ok(target)
}

/// The cohort folder `folder` is, or is inside, if any: a folder holding a cohort's settings or
/// one of its tables (a cohort whose `cohort.toml` went missing is still one).
fn inside_cohort(folder: &Path) -> Option<PathBuf> {
    folder
        .ancestors()
        .find(|a| {
            a.join(CONFIG_FILE).exists()
                || crate::cohort::File::ALL
                    .iter()
                    .any(|f| a.join(f.name()).exists())
        })
        .map(Path::to_path_buf)
}

/// Write a set of files (plain names) into an output folder, creating it (owner only) when
/// missing. The folder may not be, or be inside, a cohort's folder: outputs that hold names and
/// emails stay out of the cohort's files. Files are written in place (a file of the same name is
/// replaced, a link or folder refused), owner-only; then one flush of the file system makes them
/// all durable (a flush per file costs milliseconds each). A run cut short leaves files the same
/// run rewrites whole, since the caller records nothing until this returns. Returns the folder.
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<PathBuf> {
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
    if let Some(cohort) = inside_cohort(&folder) {
        bail!(
            "{} is inside the folder of cohort {}: write these files outside any cohort's folder (like --drafts drafts)",
            dir.display(),
            cohort
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
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
