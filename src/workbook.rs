//! Spreadsheet workbooks (.xlsx, .xlsm, .xls, .ods) read into the same header and rows a CSV export
//! gives, so every import (enrol, survey, org) applies the same rules to either; and other binary
//! files named for what they are. Pure: bytes in, a [`Sheet`] out. Reading is `calamine`'s.

use std::io::Cursor;

use calamine::{Data, Reader};

use crate::csvio::{Row, Sheet};
use crate::problems::Problem;

/// What an import file is, told from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text: read as CSV (which names UTF-16 and other encodings itself).
    Text,
    /// A workbook calamine may read (a zip container or an old Excel compound file).
    Workbook,
    /// Another binary file, named: "a PDF document".
    Other(&'static str),
}

const ZIP: &[u8] = b"PK\x03\x04";
const COMPOUND: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What `bytes` hold.
pub fn kind(bytes: &[u8]) -> Kind {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(ZIP) || starts(COMPOUND) {
        return Kind::Workbook;
    }
    let named = [
        (&b"%PDF"[..], "a PDF document"),
        (&b"\x89PNG"[..], "a PNG image"),
        (&b"\xFF\xD8\xFF"[..], "a JPEG image"),
        (&b"GIF8"[..], "a GIF image"),
        (&b"\x1F\x8B"[..], "a gzip archive"),
        (
            &b"\x28\xB5\x2F\xFD"[..],
            "a zstd archive (a cohort archive? use `revmentor restore`)",
        ),
        (&b"7z\xBC\xAF"[..], "a 7-Zip archive"),
        (&b"Rar!"[..], "a RAR archive"),
        (&b"\x7FELF"[..], "a program"),
        (&b"{\\rtf"[..], "an RTF document"),
    ];
    named
        .iter()
        .find(|(magic, _)| starts(magic))
        .map_or(Kind::Text, |(_, what)| Kind::Other(what))
}

/// Whether an Office compound file holds a stream of this name (names are stored in UTF-16).
fn has_stream(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// An Office compound file calamine could not open as a workbook: what it looks like instead.
fn compound_kind(bytes: &[u8]) -> &'static str {
    if has_stream(bytes, "WordDocument") {
        "a Word document, not a spreadsheet"
    } else if has_stream(bytes, "PowerPoint Document") {
        "a PowerPoint presentation, not a spreadsheet"
    } else {
        "an Office file that revmentor cannot read as a workbook"
    }
}

/// A zip file calamine could not open as a workbook: say what it looks like instead.
fn zip_kind(bytes: &[u8]) -> &'static str {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if has(b"word/document.xml") {
        "a Word document, not a spreadsheet"
    } else if has(b"ppt/presentation.xml") {
        "a PowerPoint presentation, not a spreadsheet"
    } else if has(b"application/vnd.oasis.opendocument.text") {
        "an OpenDocument text document, not a spreadsheet"
    } else {
        "a zip archive, not a workbook"
    }
}

/// Read `bytes` as a workbook when they are one: `Ok(None)` for a text file (read it as CSV), the
/// chosen sheet (`sheet`, else the first) as a [`Sheet`] otherwise, with each row's number in the
/// sheet as its line. Refused, every problem at once: another binary file (named), a workbook
/// that cannot be read, a sheet that is not there (the sheets named), `sheet` for a text file, a
/// repeated or missing header, a cell holding a spreadsheet error (`#N/A`).
pub fn read(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Option<Sheet>, Vec<Problem>> {
    let one = |message: String| vec![Problem::new(file, None, message)];
    match kind(bytes) {
        Kind::Text => {
            return match sheet {
                Some(_) => Err(one(
                    "--sheet is for workbooks (.xlsx, .ods), and this is a text (CSV) file: leave --sheet out".into(),
                )),
                None => Ok(None),
            };
        }
        Kind::Other(what) => {
            return Err(one(format!(
                "this is {what}, not a spreadsheet: export the form or sheet as .xlsx, .ods or CSV (UTF-8)"
            )));
        }
        Kind::Workbook => {}
    }
    let mut book = match calamine::open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(book) => book,
        // A workbook saved with a password is a compound file whatever its name ends with, its
        // sheets encrypted in one stream.
        Err(_) if bytes.starts_with(COMPOUND) && has_stream(bytes, "EncryptedPackage") => {
            return Err(one(
                "is a workbook protected by a password (its cells are encrypted): open it, remove \
                 the password (in Excel: File > Info > Protect Workbook > Encrypt with Password, \
                 and clear it) and save it, or save it as CSV UTF-8"
                    .into(),
            ));
        }
        Err(e) => {
            let what = if bytes.starts_with(ZIP) {
                zip_kind(bytes)
            } else {
                compound_kind(bytes)
            };
            return Err(one(format!(
                "cannot read it as a workbook: it looks like {what} ({e}); save it as .xlsx or CSV UTF-8"
            )));
        }
    };
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => match names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
        {
            Some(n) => n.clone(),
            None => {
                return Err(one(format!(
                    "has no sheet \"{wanted}\"; its sheets: {}",
                    names.join(", ")
                )));
            }
        },
        None => match names.first() {
            Some(n) => n.clone(),
            None => return Err(one("the workbook has no sheet".into())),
        },
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| one(format!("cannot read sheet \"{name}\": {e}")))?;
    sheet_of(file, &name, &range).map(Some)
}

/// One sheet's cells as text: its first row is the header.
fn sheet_of(file: &str, name: &str, range: &calamine::Range<Data>) -> Result<Sheet, Vec<Problem>> {
    let Some((top, left)) = range.start() else {
        return Err(vec![Problem::new(
            file,
            None,
            format!("sheet \"{name}\" is empty: it needs at least a header row"),
        )]);
    };
    let mut problems = Vec::new();
    let mut rows = range.rows();
    let header_cells: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(text).collect())
        .unwrap_or_default();
    // Columns past the last header are formatting, not data.
    let width = header_cells
        .iter()
        .rposition(|h| !h.trim().is_empty())
        .map_or(0, |i| i + 1);
    let header: csv::StringRecord = header_cells[..width].iter().map(String::as_str).collect();
    let headers = match crate::csvio::check_headers(file, &header) {
        Ok(h) => h,
        Err(p) => return Err(vec![p]),
    };
    let column_name = |c: usize| headers.get(c).cloned().unwrap_or_default();
    let mut out = Vec::new();
    let first_line = usize::try_from(top).unwrap_or(usize::MAX).saturating_add(1);
    let offset = usize::try_from(left).unwrap_or(0);
    for (i, r) in rows.enumerate() {
        let line = first_line.saturating_add(i + 1);
        let mut cells: Vec<String> = Vec::with_capacity(width);
        for (c, cell) in r.iter().enumerate() {
            if let Data::Error(e) = cell {
                problems.push(Problem::new(
                    file,
                    Some(line),
                    format!(
                        "column \"{}\" holds a spreadsheet error ({e}): correct the cell in the workbook",
                        column_name(c)
                    ),
                ));
            }
            if c < width {
                cells.push(text(cell));
            } else if !text(cell).trim().is_empty() {
                problems.push(Problem::new(
                    file,
                    Some(line),
                    format!(
                        "column {} has a value but no header: give the column a header, or delete it",
                        c + offset + 1
                    ),
                ));
            }
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.push(Row::new(line, &cells));
    }
    if problems.is_empty() {
        Ok(Sheet { headers, rows: out })
    } else {
        Err(problems)
    }
}

/// A cell as the text a CSV export would hold: whole numbers without a decimal point, dates as
/// YYYY-MM-DD (and a time, when there is one, as HH:MM:SS after a space).
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) if d.is_datetime() => match d.as_datetime() {
            Some(dt) => date_time(dt),
            None => number(d.as_f64()),
        },
        Data::DateTime(d) => number(d.as_f64()),
        Data::DateTimeIso(s) => iso(s),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

fn date_time(dt: chrono::NaiveDateTime) -> String {
    if dt.time() == chrono::NaiveTime::MIN {
        dt.date().format("%Y-%m-%d").to_string()
    } else {
        dt.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// An OpenDocument date or date-time (`2020-01-13`, `2020-01-13T10:30:00`), as [`date_time`] writes.
fn iso(s: &str) -> String {
    match chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        Ok(dt) => date_time(dt),
        Err(_) => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_binaries_are_named() {
        assert_eq!(kind(b"%PDF-1.7 ..."), Kind::Other("a PDF document"));
        assert_eq!(kind(b"\x89PNG\r\n"), Kind::Other("a PNG image"));
        assert_eq!(kind(b"PK\x03\x04rest"), Kind::Workbook);
        assert_eq!(kind(b"Name,Email\n"), Kind::Text);
        let e = read("f.xlsx", b"PK\x03\x04 not really a zip", None).expect_err("bad zip");
        assert!(e[0].to_string().contains("workbook"), "{}", e[0]);
        // Compound files, by the streams they hold: a password-protected workbook, a Word
        // document, anything else.
        let compound = |stream: &str| {
            let mut bytes = COMPOUND.to_vec();
            bytes.resize(512, 0);
            bytes.extend(stream.encode_utf16().flat_map(u16::to_le_bytes));
            bytes.resize(2048, 0);
            let e = read("f.xlsx", &bytes, None).expect_err("not a workbook calamine reads");
            e[0].to_string()
        };
        let protected = compound("EncryptedPackage");
        assert!(
            protected.contains("is a workbook protected by a password")
                && protected.contains("remove the password")
                && !protected.contains("Cannot detect"),
            "{protected}"
        );
        assert!(compound("WordDocument").contains("a Word document"));
        assert!(compound("Workbook").contains("cannot read as a workbook"));
    }

    #[test]
    fn cells_read_as_a_csv_export_writes_them() {
        assert_eq!(text(&Data::Float(3.0)), "3");
        assert_eq!(text(&Data::Float(2.5)), "2.5");
        assert_eq!(text(&Data::Int(7)), "7");
        assert_eq!(
            text(&Data::DateTimeIso("2020-01-13T00:00:00".into())),
            "2020-01-13"
        );
        assert_eq!(
            text(&Data::DateTimeIso("2020-01-13T09:30:00".into())),
            "2020-01-13 09:30:00"
        );
        assert_eq!(text(&Data::DateTimeIso("2020-01-13".into())), "2020-01-13");
    }
}
