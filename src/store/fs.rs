//! Low-level file access for the store: atomic owner-only writes, owner-only folders, the cohort lock.

use std::fs::{self, File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Prefix of the temporary files an atomic write leaves if it is killed mid-way; the store ignores
/// them when reading and removes stale ones when it next takes the lock.
pub const TEMP_PREFIX: &str = ".revmentor-tmp-";

/// Create a folder readable by the owner only (and its parents, as needed).
pub fn create_private_dir(path: &Path) -> Result<()> {
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

/// Replace `path` with `bytes` atomically: a temporary file in the same folder (owner-only), written,
/// flushed and synced, then renamed over the old file, then the folder synced. A reader sees the old
/// file or the new one, never a part of either.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot write in {}: check that the folder is yours and writable (not read-only, disk not full)",
                dir.display()
            )
        })?;
    temp.write_all(bytes)
        .and_then(|()| temp.flush())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    crate::fault::point("before-rename");
    temp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    sync_dir(dir);
    Ok(())
}

fn sync_dir(dir: &Path) {
    // Durability of the rename; not every platform can open a folder, so a failure is not an error.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Read a whole file, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Remove temporary files left by an interrupted write. Called only while holding the lock.
pub fn clean_temporaries(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// How long a command waits for another one holding the cohort's lock, unless
/// `REVMENTOR_LOCK_WAIT` gives another number of seconds (tests shorten it).
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

fn lock_wait() -> Duration {
    std::env::var("REVMENTOR_LOCK_WAIT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(LOCK_WAIT)
}

/// An exclusive lock on a cohort, released when dropped.
#[derive(Debug)]
pub struct CohortLock {
    _file: File,
    pub path: PathBuf,
}

/// Take the cohort's lock file `dir/.lock`; wait up to [`LOCK_WAIT`], saying so once on stderr.
pub fn lock(dir: &Path, cohort: &str) -> Result<CohortLock> {
    let path = dir.join(".lock");
    let mut options = fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    let started = Instant::now();
    let wait = lock_wait();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(CohortLock { _file: file, path }),
            Err(TryLockError::WouldBlock) => {
                if started.elapsed() >= wait {
                    bail!(
                        "cohort {cohort} is busy: another revmentor command has held its lock ({}) for {:.1} s; try again when it has finished",
                        path.display(),
                        wait.as_secs_f64()
                    );
                }
                if !said {
                    eprintln!(
                        "waiting for another revmentor command to finish with cohort {cohort}..."
                    );
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
