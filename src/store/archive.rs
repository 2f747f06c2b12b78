//! Handing a cohort over: `archive` packs a cohort's folder into one `.tar.zst` file (its files and
//! their permissions, read under the cohort's lock so the files are one version); `restore` unpacks
//! one under the root, refusing to overwrite anything and refusing any entry that is not a plain
//! file of the cohort's folder.

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

/// Pack the cohort's folder as `NAME/...` in a zstd-compressed tar. Returns the bytes.
pub(super) fn pack(dir: &Path, name: &str) -> Result<(Vec<u8>, usize)> {
    let list = files(dir)?;
    let encoder = zstd::Encoder::new(Vec::new(), 9).context("cannot start compressing")?;
    let mut tar = tar::Builder::new(encoder);
    tar.mode(tar::HeaderMode::Deterministic);
    for (rel, path) in &list {
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
    let bytes = encoder.finish().context("cannot finish compressing")?;
    Ok((bytes, list.len()))
}

/// One entry of an archive, checked: a plain file at a relative path inside one cohort folder.
struct Unpacked {
    cohort: String,
    rel: PathBuf,
    mode: u32,
    bytes: Vec<u8>,
}

/// Read every entry of an archive, refusing anything but plain files inside one cohort folder.
fn unpack_entries(archive: &Path) -> Result<Vec<Unpacked>> {
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
        let mut entry = entry.with_context(|| format!("{} is damaged", archive.display()))?;
        let path = entry
            .path()
            .with_context(|| format!("{} has an unreadable name", archive.display()))?
            .into_owned();
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
        if entry.header().entry_type() != tar::EntryType::Regular {
            bail!(
                "{}: entry {} is not a plain file",
                archive.display(),
                path.display()
            );
        }
        total = total.saturating_add(entry.header().size().unwrap_or(u64::MAX));
        if total > MAX_UNPACKED {
            bail!(
                "{} unpacks to more than 2 GB: not a cohort",
                archive.display()
            );
        }
        let mode = entry.header().mode().unwrap_or(0o600) & 0o700;
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .with_context(|| format!("{} is damaged", archive.display()))?;
        out.push(Unpacked {
            cohort,
            rel,
            mode,
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
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !name.ends_with(".tar.zst") {
        return Err(anyhow!(
            "{}: an archive is a .tar.zst file: name it like pilot-2020.tar.zst",
            out.display()
        ));
    }
    super::output::write(root, out, bytes)
}
