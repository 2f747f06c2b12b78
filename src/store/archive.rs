//! Handing a cohort over: `archive` packs a cohort's folder into one `.tar.zst` or `.zip` file (its
//! files and their permissions, read under the cohort's lock so the files are one version);
//! `restore` unpacks one under the root, refusing to overwrite anything and refusing any entry that
//! is not a plain file of the cohort's folder. Both kinds are deterministic: the same files give
//! the same bytes.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use super::{check_cohort_name, commit, fs};

/// The largest archive `restore` unpacks (a cohort of 50,000 people is about 20 MB).
const MAX_UNPACKED: u64 = 2 * 1024 * 1024 * 1024;

/// Whether a file of a cohort's folder belongs in an archive (not the lock, not what an
/// interrupted command left).
fn archived(name: &str) -> bool {
    name != fs::LOCK_FILE && !commit::is_protocol_file(name)
}

/// Every file under `dir` to archive, as (path inside the folder, full path), sorted.
fn files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, at)) = stack.pop() {
        let entries =
            std::fs::read_dir(&at).with_context(|| format!("cannot read {}", at.display()))?;
        for e in entries {
            let e = e.with_context(|| format!("cannot read {}", at.display()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            match fs::kind(&e.path())? {
                fs::Kind::File(_) if prefix.is_empty() && !archived(&name) => {}
                fs::Kind::File(_) => out.push((rel, e.path())),
                fs::Kind::Other if e.path().is_dir() => stack.push((rel, e.path())),
                fs::Kind::Link(to) => bail!(
                    "{} is a symbolic link (to {}): an archive holds files, not links; put the file itself there",
                    e.path().display(),
                    to.display()
                ),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The kinds of archive, by the file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    TarZst,
    Zip,
}

impl Kind {
    /// The kind a file name asks for, or `None` for any other name.
    pub(super) fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        if name.ends_with(".tar.zst") {
            Some(Kind::TarZst)
        } else if name.ends_with(".zip") {
            Some(Kind::Zip)
        } else {
            None
        }
    }
}

/// Pack the cohort's folder as `NAME/...` in an archive of `kind`. Returns the bytes and the
/// number of files.
pub(super) fn pack(dir: &Path, name: &str, kind: Kind) -> Result<(Vec<u8>, usize)> {
    let list = files(dir)?;
    let bytes = match kind {
        Kind::TarZst => pack_tar(name, &list)?,
        Kind::Zip => pack_zip(name, &list)?,
    };
    Ok((bytes, list.len()))
}

/// A zstd-compressed tar, every entry with its permissions and no time.
fn pack_tar(name: &str, list: &[(String, PathBuf)]) -> Result<Vec<u8>> {
    let encoder = zstd::Encoder::new(Vec::new(), 9).context("cannot start compressing")?;
    let mut tar = tar::Builder::new(encoder);
    tar.mode(tar::HeaderMode::Deterministic);
    for (rel, path) in list {
        let mut file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let meta = file
            .metadata()
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut header = tar::Header::new_gnu();
        header.set_size(meta.len());
        header.set_mode(fs::mode(&meta));
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mtime(0);
        tar.append_data(&mut header, format!("{name}/{rel}"), &mut file)
            .with_context(|| format!("cannot pack {}", path.display()))?;
    }
    let encoder = tar.into_inner().context("cannot finish the archive")?;
    encoder.finish().context("cannot finish compressing")
}

/// A zip (deflate), every entry with its Unix permissions and the zip format's earliest time, for
/// a successor who opens archives with the file manager.
fn pack_zip(name: &str, list: &[(String, PathBuf)]) -> Result<Vec<u8>> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (rel, path) in list {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(fs::mode(&meta));
        zip.start_file(format!("{name}/{rel}"), options)
            .with_context(|| format!("cannot pack {}", path.display()))?;
        zip.write_all(&bytes)
            .with_context(|| format!("cannot pack {}", path.display()))?;
    }
    let cursor = zip.finish().context("cannot finish the archive")?;
    Ok(cursor.into_inner())
}

/// One entry of an archive, checked: a plain file at a relative path inside one cohort folder.
struct Unpacked {
    cohort: String,
    rel: PathBuf,
    mode: u32,
    bytes: Vec<u8>,
}

/// Where an entry named `path` goes: its cohort folder and its path inside it, refusing any entry
/// that is not inside one folder or that would leave it.
fn place(archive: &Path, path: &Path) -> Result<(String, PathBuf)> {
    let mut parts = path.components();
    let cohort = match parts.next() {
        Some(Component::Normal(c)) => c.to_string_lossy().into_owned(),
        _ => bail!(
            "{}: entry {} is not inside a cohort folder",
            archive.display(),
            path.display()
        ),
    };
    let rel: PathBuf = parts.as_path().to_path_buf();
    let plain = rel.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain || rel.as_os_str().is_empty() {
        bail!(
            "{}: entry {} leaves the cohort folder",
            archive.display(),
            path.display()
        );
    }
    Ok((cohort, rel))
}

/// Add an entry's declared size to the running total, refusing an archive too big to be a cohort.
fn count(archive: &Path, total: &mut u64, size: u64) -> Result<()> {
    *total = total.saturating_add(size);
    if *total > MAX_UNPACKED {
        bail!(
            "{} unpacks to more than 2 GB: not a cohort",
            archive.display()
        );
    }
    Ok(())
}

/// Read an entry's bytes, never more than it declared (a zip can lie about its sizes).
fn read_entry(archive: &Path, entry: impl Read, size: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    entry
        .take(size.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("{} is damaged", archive.display()))?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > size) {
        bail!(
            "{} is damaged: an entry holds more than it says",
            archive.display()
        );
    }
    Ok(bytes)
}

/// Read every entry of an archive, refusing anything but plain files inside one cohort folder.
fn unpack_entries(archive: &Path) -> Result<Vec<Unpacked>> {
    match Kind::of(archive) {
        Some(Kind::Zip) => unpack_zip(archive),
        _ => unpack_tar(archive),
    }
}

fn unpack_tar(archive: &Path) -> Result<Vec<Unpacked>> {
    let file = std::fs::File::open(archive)
        .with_context(|| format!("cannot read {}", archive.display()))?;
    let decoder = zstd::Decoder::new(file).with_context(|| {
        format!(
            "{} is not a revmentor archive (.tar.zst)",
            archive.display()
        )
    })?;
    let mut tar = tar::Archive::new(decoder);
    let mut out = Vec::new();
    let mut total = 0u64;
    let entries = tar
        .entries()
        .with_context(|| format!("{} is not a revmentor archive", archive.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("{} is damaged", archive.display()))?;
        let path = entry
            .path()
            .with_context(|| format!("{} has an unreadable name", archive.display()))?
            .into_owned();
        let (cohort, rel) = place(archive, &path)?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            bail!(
                "{}: entry {} is not a plain file",
                archive.display(),
                path.display()
            );
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        count(archive, &mut total, size)?;
        let mode = entry.header().mode().unwrap_or(0o600) & 0o700;
        let bytes = read_entry(archive, entry, size)?;
        out.push(Unpacked {
            cohort,
            rel,
            mode,
            bytes,
        });
    }
    Ok(out)
}

fn unpack_zip(archive: &Path) -> Result<Vec<Unpacked>> {
    let file = std::fs::File::open(archive)
        .with_context(|| format!("cannot read {}", archive.display()))?;
    let mut zip = zip::ZipArchive::new(file)
        .with_context(|| format!("{} is not a revmentor archive (.zip)", archive.display()))?;
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .with_context(|| format!("{} is damaged", archive.display()))?;
        let name = entry
            .name()
            .with_context(|| format!("{} has an unreadable name", archive.display()))?;
        let path = PathBuf::from(name.as_ref());
        if entry.is_dir() {
            // A folder entry (some zip tools write them): checked for where it leads, then skipped.
            place(archive, &path)?;
            continue;
        }
        let (cohort, rel) = place(archive, &path)?;
        let mode = entry.unix_mode().unwrap_or(0o600);
        let is_link = mode & 0o170_000 == 0o120_000;
        if is_link || !entry.is_file() {
            bail!(
                "{}: entry {} is not a plain file",
                archive.display(),
                path.display()
            );
        }
        let size = entry.size();
        count(archive, &mut total, size)?;
        let bytes = read_entry(archive, entry, size)?;
        out.push(Unpacked {
            cohort,
            rel,
            mode: mode & 0o700,
            bytes,
        });
    }
    Ok(out)
}

/// Unpack an archive into a new folder `staging` (which must not exist), returning the cohort's
/// name and how many files were written. Nothing outside `staging` is touched.
pub(super) fn unpack(
    archive: &Path,
    staging: &Path,
    rename: Option<&str>,
) -> Result<(String, usize)> {
    let entries = unpack_entries(archive)?;
    let Some(first) = entries.first() else {
        bail!("{} holds no files", archive.display());
    };
    let original = first.cohort.clone();
    if entries.iter().any(|e| e.cohort != original) {
        bail!("{} holds more than one cohort folder", archive.display());
    }
    if !entries
        .iter()
        .any(|e| e.rel == Path::new(crate::cohort::CONFIG_FILE))
    {
        bail!("{} holds no cohort.toml: not a cohort", archive.display());
    }
    let name = rename.unwrap_or(&original).to_string();
    check_cohort_name(&name)?;
    fs::create_private_dir(staging)?;
    for e in &entries {
        let path = staging.join(&e.rel);
        if let Some(parent) = path.parent() {
            fs::create_private_dir(parent)?;
        }
        fs::write_new(&path, &e.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        fs::set_mode(&path, e.mode.max(0o400) & 0o600)?;
    }
    fs::sync_dir(staging)?;
    Ok((name, entries.len()))
}

/// Write the archive's bytes to `out` (an output: never over a cohort's own files).
pub(super) fn write(root: &Path, out: &Path, bytes: &[u8]) -> Result<PathBuf> {
    super::output::write(root, out, bytes)
}

/// The kind of archive `out` names, or what to name it.
pub(super) fn kind_of(out: &Path) -> Result<Kind> {
    Kind::of(out).ok_or_else(|| {
        anyhow!(
            "{}: an archive is a .tar.zst or .zip file: name it like pilot-2020.tar.zst or pilot-2020.zip",
            out.display()
        )
    })
}
