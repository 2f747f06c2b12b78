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
