//! The CSV codec every part of the tool shares (the store, imports, surveys, listings): strict
//! reading, where a file is read whole or refused with its line, and deterministic writing.

use crate::problems::Problem;

/// One CSV file as text cells: its header row and its data rows, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One data row and the line of the file it started on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    record: csv::StringRecord,
}

impl Row {
    /// A row from cells read some other way (a workbook's sheet), found on `line`.
    pub fn new(line: usize, cells: &[String]) -> Self {
        Row {
            line,
            record: cells.iter().map(String::as_str).collect(),
        }
    }

    /// The cell in column `i` (empty past the end).
    pub fn cell(&self, i: usize) -> &str {
        self.record.get(i).unwrap_or("")
    }
}

/// Why a CSV file was refused: a [`Problem`] naming the file and, where known, the line.
pub type CsvError = Problem;

/// Part of the message for a row with another number of cells than the header; reading can go on
/// after one.
pub const RAGGED: &str = "cells but the header has";

const SAVE_AS_UTF8: &str =
    "save it from the spreadsheet as \"CSV UTF-8 (comma delimited)\" and try again";

/// A CSV file being read row by row, after its encoding, quoting and header were checked.
pub struct Rows<'a> {
    file: &'a str,
    pub headers: Vec<String>,
    reader: csv::Reader<std::io::Cursor<std::borrow::Cow<'a, [u8]>>>,
    /// The lines of the file before the reader's first byte (a part of a file read on its own:
    /// see [`Rows::split`]).
    lines_before: usize,
}

impl<'a> Rows<'a> {
    /// Room for the rows it reads, found before the first is read: the lines of its bytes (a
    /// header's too, and one for a last line without an end), but no more than one row per 16
    /// bytes, so that a file of blank lines does not reserve room for millions of rows (rows
    /// shorter than that are rare in a cohort's files, and only make the room grow as read).
    pub fn most_rows(&self) -> usize {
        let bytes: &[u8] = self.reader.get_ref().get_ref();
        (memchr::memchr_iter(b'\n', bytes).count() + 1).min(bytes.len() / 16 + 1)
    }

    /// Read the next row that has a non-empty cell into `record`; its line, or `None` at the end.
    /// A row with another number of cells than the header is refused with its line.
    pub fn next_into(&mut self, record: &mut csv::StringRecord) -> Result<Option<usize>, CsvError> {
        loop {
            match self.reader.read_record(record) {
                Ok(false) => return Ok(None),
                Ok(true) => {}
                Err(e) => return Err(from_csv_error(self.file, &e, self.lines_before)),
            }
            let line = record
                .position()
                .map(|p| usize::try_from(p.line()).unwrap_or(usize::MAX))
                .unwrap_or_default()
                .saturating_add(self.lines_before);
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if record.len() != self.headers.len() {
                return Err(CsvError::new(
                    self.file,
                    Some(line),
                    format!(
                        "this row has {} {RAGGED} {}: every row needs one cell per column",
                        record.len(),
                        self.headers.len()
                    ),
                ));
            }
            return Ok(Some(line));
        }
    }

    /// The rows not yet read, as two readers of about half of them each, split at a line end
    /// outside any quoted cell (by [`unclosed_quote`]'s rule, the csv crate's), so that the first
    /// then the second read exactly the rows, with the same lines, that this reader would. The
    /// second is `None` when there is no such line end past the middle (one long row).
    pub fn split(self) -> (Rows<'a>, Option<Rows<'a>>) {
        let text = self.reader.get_ref().get_ref();
        let position = self.reader.position();
        let (Ok(start), Ok(line)) = (
            usize::try_from(position.byte()),
            usize::try_from(position.line()),
        ) else {
            return (self, None);
        };
        let Some(cut) = text
            .get(start..)
            .filter(|rest| !rest.starts_with(BOM))
            .and_then(|rest| record_end_after(rest, rest.len() / 2))
            .map(|end| start + end)
            .filter(|&cut| cut < text.len())
        else {
            return (self, None);
        };
        // Lines are numbered from 1: the reader stands on line `line`.
        let before_start = self.lines_before + line.saturating_sub(1);
        let before_cut = before_start + memchr::memchr_iter(b'\n', &text[start..cut]).count();
        let part = |range: std::ops::Range<usize>, lines_before: usize| -> Rows<'a> {
            let bytes: std::borrow::Cow<'a, [u8]> = match text {
                std::borrow::Cow::Borrowed(b) => {
                    let whole: &'a [u8] = b;
                    std::borrow::Cow::Borrowed(&whole[range])
                }
                std::borrow::Cow::Owned(v) => std::borrow::Cow::Owned(v[range].to_vec()),
            };
            Rows {
                file: self.file,
                headers: self.headers.clone(),
                reader: reader_of(bytes),
                lines_before,
            }
        };
        let first = part(start..cut, before_start);
        let second = part(cut..text.len(), before_cut);
        (first, Some(second))
    }
}

/// A reader of CSV bytes (line ends `\n`), every row a record, as [`rows`] reads them.
fn reader_of(
    bytes: std::borrow::Cow<'_, [u8]>,
) -> csv::Reader<std::io::Cursor<std::borrow::Cow<'_, [u8]>>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::Cursor::new(bytes))
}

/// The end (just past its `\n`) of the first row that ends at or after `at` (a line end outside
/// any quoted cell, not a blank line's, not before a byte-order mark), in `text` that starts at the start of a row and whose
/// quotes all close. Quotes follow
/// [`unclosed_quote`]'s rule: a quote opens only at the start of a cell, and inside, `""` is a
/// literal quote.
fn record_end_after(text: &[u8], at: usize) -> Option<usize> {
    let (mut pos, mut at) = (0, at);
    loop {
        // Outside quotes at `pos`, which is 0 or just past a byte read outside quotes.
        let nl = pos.max(at) + memchr::memchr(b'\n', text.get(pos.max(at)..)?)?;
        let Some(q) = memchr::memchr(b'"', &text[pos..nl]).map(|q| pos + q) else {
            // The end of a row, not of a blank line: the csv crate numbers a row after blank
            // lines by the line where its reading started (the first blank one), so a part
            // starts where the row before it ended, as the whole reader's next read does.
            // Nor where a part would start with a byte-order mark, which the csv crate takes off
            // at the start of its input.
            if nl == 0 || text[nl - 1] == b'\n' || text[nl + 1..].starts_with(BOM) {
                (pos, at) = (nl + 1, nl + 1);
                continue;
            }
            return Some(nl + 1);
        };
        let opens = q == 0 || matches!(text[q - 1], b',' | b'\n');
        pos = q + 1;
        if opens {
            // Past the closing quote.
            loop {
                let close = pos + memchr::memchr(b'"', text.get(pos..)?)?;
                if text.get(close + 1) == Some(&b'"') {
                    pos = close + 2;
                } else {
                    pos = close + 1;
                    break;
                }
            }
        }
    }
}

/// Rows one at a time, each in a record of its own (one allocation a row).
impl Iterator for Rows<'_> {
    type Item = Result<Row, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut record = csv::StringRecord::new();
        match self.next_into(&mut record) {
            Ok(Some(line)) => Some(Ok(Row { line, record })),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// The UTF-8 byte order mark: read when a file has one, written first in CSV files meant for a
/// spreadsheet (outputs to a `.csv` path), so Excel reads them as UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Open a CSV file for reading. `file` names it in errors. Accepts a UTF-8 BOM and `\r\n` line
/// ends. Refuses: non-UTF-8 bytes (UTF-16 named as such), an empty file, an unclosed quote, a
/// `;`-delimited file, duplicate headers; ragged rows are refused as they are read.
pub fn rows<'a>(file: &'a str, bytes: &'a [u8]) -> Result<Rows<'a>, CsvError> {
    // UTF-16 with a byte-order mark, or without one (then every other byte of ASCII text is NUL,
    // which is valid UTF-8 but never in a text file).
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.contains(&0) {
        return Err(CsvError::new(
            file,
            Some(1),
            format!("the file is UTF-16 text, not UTF-8: {SAVE_AS_UTF8}"),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let byte = bytes.get(at).copied().unwrap_or(0);
            return Err(CsvError::new(
                file,
                Some(line),
                format!(
                    "byte 0x{byte:02X} is not UTF-8 (the file looks saved as Windows-1252 or Latin-1): {SAVE_AS_UTF8}"
                ),
            ));
        }
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim_matches(blank).is_empty() {
        return Err(CsvError::new(
            file,
            None,
            "the file is empty: it needs at least a header row",
        ));
    }
    // Line ends become `\n` (the csv crate miscounts lines after `\r\n`), before the quote check so
    // that a file saved with old Macintosh `\r` line ends is checked (and numbered) line by line.
    let text: std::borrow::Cow<'a, str> = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    if let Some(line) = unclosed_quote(&text) {
        return Err(CsvError::new(
            file,
            Some(line),
            "a quoted cell opened on this line is never closed (a \" is missing): fix the quote, or re-export the file",
        ));
    }
    let text: std::borrow::Cow<'a, [u8]> = match text {
        std::borrow::Cow::Owned(t) => std::borrow::Cow::Owned(t.into_bytes()),
        std::borrow::Cow::Borrowed(t) => std::borrow::Cow::Borrowed(t.as_bytes()),
    };
    let mut reader = reader_of(text);
    let mut header = csv::StringRecord::new();
    match reader.read_record(&mut header) {
        Ok(true) => {}
        Ok(false) => {
            return Err(CsvError::new(
                file,
                None,
                "the file is empty: it needs at least a header row",
            ));
        }
        Err(e) => return Err(from_csv_error(file, &e, 0)),
    }
    let headers = check_headers(file, &header)?;
    Ok(Rows {
        file,
        headers,
        reader,
        lines_before: 0,
    })
}

/// The header row's names, trimmed; a `;`- or tab-separated file and a repeated name are refused.
pub fn check_headers(file: &str, header: &csv::StringRecord) -> Result<Vec<String>, CsvError> {
    let headers: Vec<String> = header
        .iter()
        .map(|h| h.trim_matches(blank).to_string())
        .collect();
    if headers.len() == 1 && headers[0].contains(';') {
        return Err(CsvError::new(
            file,
            Some(1),
            "the columns are separated by ';', not ',': save it as \"CSV UTF-8 (comma delimited)\"",
        ));
    }
    if headers.len() == 1 && headers[0].contains('\t') {
        return Err(CsvError::new(
            file,
            Some(1),
            "the columns are separated by tabs, not ',' (a \"Text\" or \"Unicode Text\" export): save it as \"CSV UTF-8 (comma delimited)\"",
        ));
    }
    for (i, h) in headers.iter().enumerate() {
        if let Some(j) = headers[..i]
            .iter()
            .position(|other| other.eq_ignore_ascii_case(h))
        {
            return Err(CsvError::new(
                file,
                Some(1),
                format!(
                    "column \"{h}\" appears twice in the header (columns {} and {}): rename or delete one",
                    j + 1,
                    i + 1
                ),
            ));
        }
    }
    Ok(headers)
}

/// Spaces, and the byte-order mark a file joined from two exports (`cat a.csv b.csv`) carries in
/// its middle: neither is part of a header's name.
fn blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// Parse a whole CSV file into a [`Sheet`], with the checks of [`rows`].
pub fn parse(file: &str, bytes: &[u8]) -> Result<Sheet, CsvError> {
    let mut reader = rows(file, bytes)?;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while let Some(line) = reader.next_into(&mut record)? {
        // Not `record.clone()`: the reader's buffer keeps the size of the longest row so far,
        // and a clone copies all of it (after one row of 10,000 ids, each of 10,000 short rows
        // took 66 KB: 700 MB to read a register of outputs).
        let mut own = csv::StringRecord::with_capacity(record.as_slice().len(), record.len());
        own.extend(record.iter());
        rows.push(Row { line, record: own });
    }
    Ok(Sheet {
        headers: reader.headers,
        rows,
    })
}

/// `e` as a problem of `file`, on its line (`lines_before` the part of the file read).
fn from_csv_error(file: &str, e: &csv::Error, lines_before: usize) -> CsvError {
    let line = e
        .position()
        .map(|p| usize::try_from(p.line()).map_or(usize::MAX, |l| l.saturating_add(lines_before)));
    CsvError::new(file, line, format!("cannot read CSV: {e}"))
}

/// The line where a quoted cell opens and never closes, if any. Mirrors the csv crate's rule:
/// a quote opens only at the start of a cell (the file's start, or after `,` or a line end);
/// inside, `""` is a literal quote. Jumps from quote to quote, so a file is scanned at memchr speed.
fn unclosed_quote(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut open: Option<usize> = None;
    while let Some(found) = memchr::memchr(b'"', &bytes[at..]) {
        let q = at + found;
        match open {
            None => {
                let at_cell_start =
                    q == 0 || matches!(bytes.get(q - 1), Some(b',' | b'\n' | b'\r'));
                if at_cell_start {
                    open = Some(q);
                }
                at = q + 1;
            }
            Some(_) if bytes.get(q + 1) == Some(&b'"') => at = q + 2,
            Some(_) => {
                open = None;
                at = q + 1;
            }
        }
    }
    open.map(|q| memchr::memchr_iter(b'\n', &bytes[..q]).count() + 1)
}

/// A CSV file being written row by row into memory, RFC 4180 with `\n` line ends, quoting only
/// where needed.
pub struct Writer {
    inner: csv::Writer<Vec<u8>>,
}

impl Writer {
    /// A writer with room for about `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Writer {
            inner: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::with_capacity(capacity)),
        }
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        // Writing to a Vec cannot fail; an error here would be a bug in the csv crate.
        let _ = self.inner.write_record(cells);
    }

    pub fn finish(self) -> Vec<u8> {
        self.inner.into_inner().unwrap_or_default()
    }
}

/// Write a sheet as RFC 4180 CSV with `\n` line ends, quoting only where needed.
pub fn write(headers: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; errors here would be a bug in the csv crate.
    let _ = writer.write_record(headers);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    writer.into_inner().unwrap_or_default()
}

/// Like [`neutralise`], copying only a cell that needs the prefix.
pub fn neutralise_ref(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

/// Make a cell safe to open in a spreadsheet: a leading `=`, `+`, `-` or `@` would start a formula,
/// so such a cell is prefixed with `'`.
pub fn neutralise(cell: &str) -> String {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bom_and_crlf() {
        let sheet = parse("f.csv", "\u{FEFF}a,b\r\n1,2\r\n".as_bytes()).expect("parses");
        assert_eq!(sheet.headers, vec!["a", "b"]);
        assert_eq!((sheet.rows[0].cell(0), sheet.rows[0].cell(1)), ("1", "2"));
        assert_eq!(sheet.rows[0].line, 2);
    }

    #[test]
    fn finds_unclosed_quote_line() {
        assert_eq!(unclosed_quote("a,b\n1,\"x\n2,3\n"), Some(2));
        assert_eq!(unclosed_quote("a,b\n1,\"x\"\"y\"\n"), None);
        assert_eq!(unclosed_quote("a,b\n5\" tall,3\n"), None);
    }

    #[test]
    fn refuses_semicolons_ragged_and_duplicates() {
        assert!(parse("f", b"a;b\n1;2\n").is_err());
        let e = parse("f", b"a,b\n1,2,3\n").expect_err("ragged");
        assert_eq!(e.line, Some(2));
        assert!(parse("f", b"a,A\n1,2\n").is_err());
        assert!(parse("f", b"\xEF\xBB\xBF").is_err());
        assert!(parse("f", b"a\n\xE9\n").is_err());
    }

    #[test]
    fn refuses_utf16_without_bom_and_tab_separated_files() {
        let utf16: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let e = parse("f", &utf16).expect_err("utf-16");
        assert!(e.message.contains("UTF-16"), "{e}");
        let e = parse("f", b"a\tb\n1\t2\n").expect_err("tabs");
        assert!(e.message.contains("tabs"), "{e}");
    }

    #[test]
    fn reads_old_mac_line_ends_and_numbers_their_lines() {
        let sheet = parse("f", b"a,b\r1,2\r3,4\r").expect("parses");
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[1].line, 3);
        let e = parse("f", b"a,b\r1,2\r\"3,4\r").expect_err("unclosed");
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("never closed"), "{e}");
    }

    #[test]
    fn neutralises_formula_cells() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("Ann"), "Ann");
    }
}
