//! Low-level file access for the store: owner-only files and folders, links refused, the cohort
//! lock, and durable renames. Private to `store`.

use std::fs::{self, File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Create a folder readable by the owner only (and its parents, as needed).
pub(super) fn create_private_dir(path: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(path)
        .with_context(|| format!("cannot create folder {}", path.display()))
}

/// Make the folder's entries durable (a rename, a new or removed file). Not every platform can open
/// a folder, so a failure to open it is not an error.
pub(super) fn sync_dir(dir: &Path) -> Result<()> {
    match File::open(dir) {
        Ok(d) => d
            .sync_all()
            .with_context(|| format!("cannot sync folder {}", dir.display())),
        Err(_) => Ok(()),
    }
}

/// Write a new file (it must not exist) readable by the owner only, and sync it to disk.
pub(super) fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.flush()?;
    file.sync_all()
}

/// What a path is, without following a link.
pub(super) enum Kind {
    Missing,
    File(fs::Metadata),
    Link(PathBuf),
    Other,
}

pub(super) fn kind(path: &Path) -> Result<Kind> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Kind::Missing),
        Err(e) => Err(e).with_context(|| format!("cannot look at {}", path.display())),
        Ok(m) if m.file_type().is_symlink() => Ok(Kind::Link(
            fs::read_link(path).unwrap_or_else(|_| PathBuf::from("?")),
        )),
        Ok(m) if m.is_file() => Ok(Kind::File(m)),
        Ok(_) => Ok(Kind::Other),
    }
}

/// The identity of a file (device and inode), to tell whether a path still names the file read.
#[cfg(unix)]
pub(super) fn identity(m: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
pub(super) fn identity(m: &fs::Metadata) -> (u64, u64) {
    (m.len(), 0)
}

/// The permission bits of a file or folder (0 where there are none).
#[cfg(unix)]
pub(super) fn mode(m: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o777
}

#[cfg(not(unix))]
pub(super) fn mode(_: &fs::Metadata) -> u32 {
    0o600
}

/// Set a file's or folder's permission bits.
pub(super) fn set_mode(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot make {} private", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// How long a command waits for another one holding the cohort's lock, unless
/// `REVMENTOR_LOCK_WAIT` gives another number of seconds (tests shorten it).
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

fn lock_wait() -> Duration {
    std::env::var("REVMENTOR_LOCK_WAIT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && (0.0..=3600.0).contains(s))
        .map(Duration::from_secs_f64)
        .unwrap_or(LOCK_WAIT)
}

/// An exclusive lock on a cohort, released when dropped. Only the store can take one.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

pub const LOCK_FILE: &str = ".lock";

/// Take the cohort's lock file `dir/.lock`; wait up to [`LOCK_WAIT`], saying so once. A lock file
/// that is a link is refused (it could point anywhere).
pub(super) fn lock(dir: &Path, cohort: &str) -> Result<Lock> {
    let path = dir.join(LOCK_FILE);
    match kind(&path)? {
        Kind::Link(to) => bail!(
            "{} is a symbolic link (to {}): revmentor never follows a link for its lock; delete the link and run the command again",
            path.display(),
            to.display()
        ),
        Kind::Other => bail!(
            "{} is not a file: delete it and run the command again",
            path.display()
        ),
        Kind::Missing | Kind::File(_) => {}
    }
    let mut options = fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).with_context(|| {
        format!(
            "cannot open the lock file {}: check that the folder is yours and writable",
            path.display()
        )
    })?;
    // The path must still name the file opened (not a link put there meanwhile).
    let opened = file.metadata().map(|m| identity(&m)).ok();
    let named = match kind(&path)? {
        Kind::File(m) => Some(identity(&m)),
        _ => None,
    };
    if opened.is_none() || opened != named {
        bail!(
            "{} changed while it was being opened: run the command again",
            path.display()
        );
    }
    let started = Instant::now();
    let wait = lock_wait();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(TryLockError::WouldBlock) => {
                if started.elapsed() >= wait {
                    bail!(
                        "cohort {cohort} is busy: another revmentor command has held its lock ({}) for {:.1} s; try again when it has finished",
                        path.display(),
                        wait.as_secs_f64()
                    );
                }
                if !said {
                    crate::out::note(&format!(
                        "waiting for another revmentor command to finish with cohort {cohort}..."
                    ));
                    said = true;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
    }
}
