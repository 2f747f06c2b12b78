//! One command, one commit: every file a command changes is replaced together or not at all,
//! whatever happens to the process or the disk.
//!
//! # The protocol
//!
//! Under the cohort's lock:
//! 1. **Stage.** Each new file is written whole as `.revmentor-stage-<name>` beside its target and
//!    synced. Any failure (a full disk, an I/O error) removes the staged files: nothing changed.
//! 2. **Record.** The journal `.revmentor-journal` lists each staged file with its target, length
//!    and checksum. It is written as `.revmentor-journal.tmp`, synced, renamed into place and the
//!    folder synced. That rename is the commit point: before it the old files stand, after it the
//!    new ones will.
//! 3. **Apply.** Each staged file is renamed over its target, the folder synced, and the journal
//!    removed.
//!
//! Whoever next takes the lock (any command that changes the cohort, or a reader that found a
//! journal) calls [`recover`] first: with a journal it finishes step 3 (a staged file still there is
//! checked against the journal and renamed; a staged file gone was renamed already, and its target
//! is checked instead); without one it removes leftover staged files. So after a kill at any
//! instant the cohort is whole-old or whole-new, and a failed command leaves every file as it was.
//!
//! Staged files and the journal are only ever created under the lock, so any found when taking it
//! belong to a process that died: removing them never touches another process's work. Outputs a
//! command writes into the folder (`--out`, `--ics`) use their own temporary names, which this
//! module never removes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use super::fs;

pub const STAGE_PREFIX: &str = ".revmentor-stage-";
pub const JOURNAL: &str = ".revmentor-journal";
const JOURNAL_TMP: &str = ".revmentor-journal.tmp";
const LEGACY_TEMP: &str = ".revmentor-tmp-";
const HEADER: &str = "revmentor commit 1";

/// A 64-bit checksum, eight bytes at a step (a multiply-rotate mix, as FxHash does): enough to
/// tell a whole staged file from a torn one, which is all the journal asks of it.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = mix(h, u64::from_le_bytes(word));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(h, u64::from_le_bytes(tail))
}

struct Entry {
    target: String,
    length: u64,
    sum: u64,
}

fn stage_name(target: &str) -> String {
    format!("{STAGE_PREFIX}{target}")
}

fn journal_text(entries: &[Entry]) -> String {
    let mut text = format!("{HEADER}\n");
    for e in entries {
        let _ = writeln!(text, "{}\t{}\t{:016x}", e.target, e.length, e.sum);
    }
    let _ = writeln!(text, "end\t{:016x}", checksum(text.as_bytes()));
    text
}

fn parse_journal(text: &str) -> Option<Vec<Entry>> {
    let body_end = text.rfind("end\t")?;
    let (body, end) = text.split_at(body_end);
    let sum = u64::from_str_radix(end.trim_end().strip_prefix("end\t")?, 16).ok()?;
    if checksum(body.as_bytes()) != sum {
        return None;
    }
    let mut lines = body.lines();
    if lines.next()? != HEADER {
        return None;
    }
    lines
        .map(|line| {
            let mut parts = line.split('\t');
            let target = parts.next()?.to_string();
            let length = parts.next()?.parse().ok()?;
            let sum = u64::from_str_radix(parts.next()?, 16).ok()?;
            // A target is a plain file name of the cohort's folder.
            if target.is_empty() || target.contains(['/', '\\']) || target == "." || target == ".."
            {
                return None;
            }
            Some(Entry {
                target,
                length,
                sum,
            })
        })
        .collect()
}

/// Replace the files `files` (name in `dir`, new bytes) together. Needs the cohort's lock.
pub(super) fn commit(dir: &Path, files: &[(&str, &[u8])]) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let mut staged: Vec<PathBuf> = Vec::with_capacity(files.len());
    let mut entries = Vec::with_capacity(files.len());
    let cleanup = |staged: &[PathBuf]| {
        for p in staged {
            let _ = std::fs::remove_file(p);
        }
        let _ = std::fs::remove_file(dir.join(JOURNAL_TMP));
    };
    for (name, bytes) in files {
        let path = dir.join(stage_name(name));
        if let Err(e) = fs::write_new(&path, bytes) {
            if path.exists() && !staged.contains(&path) {
                staged.push(path.clone());
            }
            cleanup(&staged);
            return Err(e).with_context(|| {
                format!(
                    "cannot write {} in {}: nothing was changed; check that the disk has room and the folder is writable",
                    name,
                    dir.display()
                )
            });
        }
        staged.push(path);
        entries.push(Entry {
            target: (*name).to_string(),
            length: bytes.len() as u64,
            sum: checksum(bytes),
        });
        crate::fault::point("staged");
    }
    let record = (|| -> Result<()> {
        fs::write_new(&dir.join(JOURNAL_TMP), journal_text(&entries).as_bytes())?;
        fs::sync_dir(dir)?;
        crate::fault::point("before-commit");
        std::fs::rename(dir.join(JOURNAL_TMP), dir.join(JOURNAL))?;
        fs::sync_dir(dir)?;
        Ok(())
    })();
    if let Err(e) = record {
        cleanup(&staged);
        // The rename may have happened before the error: then the commit stands and is applied.
        if dir.join(JOURNAL).exists() {
            return recover(dir).map(|_| ()).context("cannot finish the change");
        }
        return Err(e).context(format!(
            "cannot record the change in {}: nothing was changed; check that the disk has room",
            dir.display()
        ));
    }
    crate::fault::point("committed");
    apply(dir, &entries, false).or_else(|first| {
        recover(dir).map(|_| ()).map_err(|_| {
            anyhow!(
                "the change is recorded in {} but could not be completed ({first:#}); the next revmentor command on this cohort completes it",
                dir.join(JOURNAL).display()
            )
        })
    })
}

/// Step 3: rename each staged file over its target, sync, remove the journal. A command applying
/// its own commit knows what it staged (`verify` false); recovery checks each file first.
fn apply(dir: &Path, entries: &[Entry], verify: bool) -> Result<()> {
    for e in entries {
        let stage = dir.join(stage_name(&e.target));
        let target = dir.join(&e.target);
        match fs::kind(&stage)? {
            fs::Kind::File(m) => {
                if m.len() != e.length
                    || verify
                        && checksum(
                            &std::fs::read(&stage)
                                .with_context(|| format!("cannot read {}", stage.display()))?,
                        ) != e.sum
                {
                    bail!(
                        "{} does not match the journal: the change cannot be completed safely",
                        stage.display()
                    );
                }
                std::fs::rename(&stage, &target).with_context(|| {
                    format!("cannot replace {} with the new version", target.display())
                })?;
                crate::fault::point("between-renames");
            }
            fs::Kind::Missing => {
                // Renamed already: the target must be the staged file.
                let bytes = std::fs::read(&target)
                    .with_context(|| format!("cannot read {}", target.display()))?;
                if bytes.len() as u64 != e.length || checksum(&bytes) != e.sum {
                    bail!(
                        "{} is neither the old nor the recorded new version: restore the cohort from a backup or git",
                        target.display()
                    );
                }
            }
            _ => bail!("{} is not a file", stage.display()),
        }
    }
    fs::sync_dir(dir)?;
    crate::fault::point("before-journal-removed");
    std::fs::remove_file(dir.join(JOURNAL))
        .with_context(|| format!("cannot remove {}", dir.join(JOURNAL).display()))?;
    fs::sync_dir(dir)
}

/// What [`recover`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovered {
    Nothing,
    /// An interrupted commit was completed.
    Finished,
    /// Files staged by a command that died before its commit point were removed.
    Discarded,
}

/// Finish or discard whatever an earlier command left. Needs the cohort's lock.
pub(super) fn recover(dir: &Path) -> Result<Recovered> {
    let journal = dir.join(JOURNAL);
    let mut done = Recovered::Nothing;
    match fs::kind(&journal)? {
        fs::Kind::File(_) => {
            let text = std::fs::read_to_string(&journal)
                .with_context(|| format!("cannot read {}", journal.display()))?;
            match parse_journal(&text) {
                Some(entries) => {
                    apply(dir, &entries, true)?;
                    done = Recovered::Finished;
                }
                None => bail!(
                    "{} is damaged: an earlier change may be half-applied; restore the cohort from a backup or git, then delete that file",
                    journal.display()
                ),
            }
        }
        fs::Kind::Missing => {}
        _ => bail!(
            "{} is not a file: delete it and run the command again",
            journal.display()
        ),
    }
    // Anything staged now was never committed (or was applied above).
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // `.revmentor-tmp-*`: what versions before the journal left when killed mid-write.
            if name.starts_with(STAGE_PREFIX)
                || name == JOURNAL_TMP
                || name.starts_with(LEGACY_TEMP)
            {
                std::fs::remove_file(entry.path())
                    .with_context(|| format!("cannot remove {}", entry.path().display()))?;
                if done == Recovered::Nothing {
                    done = Recovered::Discarded;
                }
            }
        }
    }
    Ok(done)
}

/// Whether a file name belongs to the commit protocol.
pub fn is_protocol_file(name: &str) -> bool {
    name.starts_with(STAGE_PREFIX) || name == JOURNAL || name == JOURNAL_TMP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_reads_back_and_refuses_damage() {
        let entries = vec![Entry {
            target: "participants.csv".into(),
            length: 12,
            sum: 42,
        }];
        let text = journal_text(&entries);
        let back = parse_journal(&text).expect("parses");
        assert_eq!(back[0].target, "participants.csv");
        assert_eq!((back[0].length, back[0].sum), (12, 42));
        assert!(parse_journal(&text.replace("12", "13")).is_none());
        assert!(parse_journal(&text[..text.len() - 3]).is_none());
        let sneaky = journal_text(&[Entry {
            target: "../x".into(),
            length: 1,
            sum: 1,
        }]);
        assert!(parse_journal(&sneaky).is_none());
    }

    #[test]
    fn commit_replaces_every_file_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("a.csv"), "old a").expect("write");
        commit(dir.path(), &[("a.csv", b"new a"), ("b.csv", b"new b")]).expect("commits");
        assert_eq!(
            std::fs::read(dir.path().join("a.csv")).expect("a"),
            b"new a"
        );
        assert_eq!(
            std::fs::read(dir.path().join("b.csv")).expect("b"),
            b"new b"
        );
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn recovery_finishes_a_recorded_commit_and_discards_an_unrecorded_one() {
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path();
        std::fs::write(d.join("a.csv"), "old a").expect("write");
        std::fs::write(d.join("b.csv"), "old b").expect("write");
        // Recorded, a renamed already, b not yet.
        let entries = vec![
            Entry {
                target: "a.csv".into(),
                length: 5,
                sum: checksum(b"new a"),
            },
            Entry {
                target: "b.csv".into(),
                length: 5,
                sum: checksum(b"new b"),
            },
        ];
        std::fs::write(d.join("a.csv"), "new a").expect("write");
        std::fs::write(d.join(stage_name("b.csv")), "new b").expect("write");
        std::fs::write(d.join(JOURNAL), journal_text(&entries)).expect("write");
        assert_eq!(recover(d).expect("recovers"), Recovered::Finished);
        assert_eq!(std::fs::read(d.join("b.csv")).expect("b"), b"new b");
        assert!(!d.join(JOURNAL).exists());
        // Staged but never recorded: discarded, the old file stands.
        std::fs::write(d.join(stage_name("a.csv")), "newer").expect("write");
        assert_eq!(recover(d).expect("recovers"), Recovered::Discarded);
        assert_eq!(std::fs::read(d.join("a.csv")).expect("a"), b"new a");
    }
}
