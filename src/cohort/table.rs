//! Typed tables over CSV sheets: known columns become values, unknown columns ride along untouched.
//! A table knows whether it was changed since it was read, so unchanged files are never rewritten.

use std::cell::{Cell, RefCell};

use chrono::NaiveDate;

use crate::csvio::{self, CsvError};
use crate::model::DateOrder;
use crate::problems::Problem;
use crate::text;

/// How a table is read: how to take dates that are not ISO, and the dates so repaired.
#[derive(Debug, Default)]
pub struct ReadOptions {
    pub dates: DateOrder,
    /// Each local date read in another order than ISO: file, line, column, as written, as read.
    pub repaired: RefCell<Vec<DateRepair>>,
    /// The cohort was purged (`[privacy] purged_on`): its people are ids without names or emails.
    /// Set by [`crate::cohort::Cohort::parse`] from the settings, before any table is read.
    pub purged: Cell<bool>,
}

impl ReadOptions {
    /// The same rules, with no repair recorded yet: for a table read on another thread (the
    /// options hold cells, so each thread has its own).
    pub fn fork(&self) -> ReadOptions {
        ReadOptions {
            dates: self.dates,
            repaired: RefCell::new(Vec::new()),
            purged: Cell::new(self.purged.get()),
        }
    }

    /// Adds the repairs recorded in `other` (a [`ReadOptions::fork`]) after this one's.
    pub fn absorb(&self, other: ReadOptions) {
        self.repaired
            .borrow_mut()
            .extend(other.repaired.into_inner());
    }
}

/// A date a spreadsheet wrote in a local form, and the day it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRepair {
    pub file: String,
    pub line: usize,
    pub column: String,
    pub written: String,
    pub date: NaiveDate,
}

/// Read access to one row's known cells, for a [`Record`] to parse itself; errors name the column.
pub struct Cells<'a> {
    file: &'a str,
    line: usize,
    columns: &'a [String],
    values: Vec<&'a str>,
    options: &'a ReadOptions,
    /// Where the next lookup probably is: records read their columns in order.
    hint: Cell<usize>,
}

impl<'a> Cells<'a> {
    /// The text in people's own words that [`CellWriter::words`] wrote in a known column.
    pub fn words(&self, column: &str) -> &'a str {
        text::unquote_formula(self.get(column))
    }

    /// The cell of a known column (trimmed).
    pub fn get(&self, column: &str) -> &'a str {
        let guess = self.hint.get();
        let index = if self.columns.get(guess).is_some_and(|c| c == column) {
            Some(guess)
        } else {
            self.columns.iter().position(|c| c == column)
        };
        match index {
            Some(i) => {
                self.hint.set(i + 1);
                self.values[i].trim()
            }
            None => "",
        }
    }

    /// All known cells in column order.
    pub fn values(&self) -> &[&'a str] {
        &self.values
    }

    pub fn line(&self) -> usize {
        self.line
    }

    /// Whether the cohort being read was purged: its people keep no name or email.
    pub fn purged(&self) -> bool {
        self.options.purged.get()
    }

    /// An error about one cell: file, line, column, the value, and what would be valid.
    pub fn error(&self, column: &str, problem: impl std::fmt::Display) -> CsvError {
        Problem::cell(self.file, self.line, column, problem.to_string())
    }

    /// A cell holding one of a few words: `parse` reads it; otherwise the error says it is not
    /// `what` and lists `expected`.
    pub fn word<T>(
        &self,
        column: &str,
        parse: impl Fn(&str) -> Option<T>,
        what: &str,
        expected: &str,
    ) -> Result<T, CsvError> {
        let v = self.get(column);
        parse(v).ok_or_else(|| {
            self.error(
                column,
                format!("\"{v}\" is not {what} (expected {expected})"),
            )
        })
    }

    /// A required cell, or an error saying it is empty.
    pub fn required(&self, column: &str) -> Result<&'a str, CsvError> {
        let v = self.get(column);
        if v.is_empty() {
            Err(self.error(column, "is empty, but every row needs one"))
        } else {
            Ok(v)
        }
    }

    /// A date cell: ISO, or (while repairing) a local date in the order asked for, noted.
    pub fn date(&self, column: &str) -> Result<Option<NaiveDate>, CsvError> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        if let Ok(d) = crate::model::parse_date(v) {
            return Ok(Some(d));
        }
        match crate::model::parse_date_in(v, self.options.dates) {
            Ok(d) => {
                self.options.repaired.borrow_mut().push(DateRepair {
                    file: self.file.to_string(),
                    line: self.line,
                    column: column.to_string(),
                    written: v.to_string(),
                    date: d,
                });
                Ok(Some(d))
            }
            Err(e) => Err(self.error(column, e)),
        }
    }

    pub fn required_date(&self, column: &str) -> Result<NaiveDate, CsvError> {
        self.date(column)?
            .ok_or_else(|| self.error(column, "is empty, but every row needs a date (YYYY-MM-DD)"))
    }

    /// A whole number in `range`, or empty; the error gives the range.
    pub fn number(
        &self,
        column: &str,
        range: std::ops::RangeInclusive<u32>,
        what: &str,
    ) -> Result<Option<u32>, CsvError> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        match v.parse::<u32>() {
            Ok(n) if range.contains(&n) => Ok(Some(n)),
            _ => Err(self.error(
                column,
                format!(
                    "\"{v}\" is not {what}: write a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )),
        }
    }

    /// A participant id cell: refuses ids a spreadsheet turned into numbers (`1.0`, `1E+03`).
    pub fn id(&self, column: &str) -> Result<&'a str, CsvError> {
        let v = self.required(column)?;
        if v.parse::<f64>().is_ok() {
            return Err(self.error(
                column,
                format!(
                    "\"{v}\" is a number, but ids look like p001: the spreadsheet may have converted it; restore the id from a backup or git"
                ),
            ));
        }
        if v.len() > 32
            || !v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(self.error(
                column,
                format!(
                    "\"{}\" is not an id (ids look like p001)",
                    text::terminal_safe(v, false)
                ),
            ));
        }
        Ok(v)
    }
}

/// Find each known column in a header (any case); a missing optional column is added at the end,
/// a missing required one is an error naming every one missing.
fn place_columns(
    file: &str,
    headers: &mut Vec<String>,
    columns: &[String],
    required: usize,
) -> Result<Vec<usize>, CsvError> {
    let mut positions = Vec::with_capacity(columns.len());
    let mut missing = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        match headers.iter().position(|h| h.eq_ignore_ascii_case(column)) {
            Some(p) => positions.push(p),
            None if i < required => missing.push(column.as_str()),
            None => {
                headers.push(column.clone());
                positions.push(headers.len() - 1);
            }
        }
    }
    if missing.is_empty() {
        return Ok(positions);
    }
    let message = format!(
        "the header has no column {} (was it renamed?): the header must include {}",
        missing
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", "),
        columns[..required].join(", ")
    );
    Err(CsvError::new(file, Some(1), message))
}

/// Where a row is, for checking its cells.
struct RowAt<'a> {
    file: &'a str,
    line: usize,
    options: &'a ReadOptions,
}

impl RowAt<'_> {
    /// Every known cell's text (characters, length) and every date cell, each problem reported.
    fn check_cells(
        &self,
        record: &csv::StringRecord,
        columns: &[String],
        positions: &[usize],
        rules: &[CellRule],
        problems: &mut Vec<CsvError>,
    ) {
        for ((column, &p), rule) in columns.iter().zip(positions).zip(rules) {
            let cell = record.get(p).unwrap_or("");
            // Measured as written: without the `'` that text in people's own words is stored
            // behind where it begins like a formula (`text::quote_formula`).
            if let Err(e) = text::check(text::unquote_formula(cell), rule.kind) {
                problems.push(Problem::cell(self.file, self.line, column, e));
            } else if rule.date
                && !cell.trim().is_empty()
                && let Err(e) = crate::model::parse_date_in(cell, self.options.dates)
            {
                problems.push(Problem::cell(self.file, self.line, column, e));
            }
        }
    }
}

/// How a known column's cells are checked (worked out once per table, not per cell).
struct CellRule {
    kind: text::Kind,
    /// A date column.
    date: bool,
}

impl CellRule {
    fn of<T: Record>(columns: &[String]) -> Vec<CellRule> {
        columns
            .iter()
            .map(|c| CellRule {
                kind: T::text_kind(c),
                date: T::date_columns().contains(&c.as_str()),
            })
            .collect()
    }
}

/// Where a [`Record`] writes its cells: one reused buffer per known column, so writing a table
/// allocates per table, not per cell.
pub struct CellWriter<'a> {
    cells: &'a mut [String],
    next: usize,
}

impl CellWriter<'_> {
    fn slot(&mut self) -> Option<&mut String> {
        let cell = self.cells.get_mut(self.next);
        self.next += 1;
        let cell = cell?;
        cell.clear();
        Some(cell)
    }

    pub fn text(&mut self, value: &str) {
        if let Some(c) = self.slot() {
            c.push_str(value);
        }
    }

    /// Text in people's own words, kept as written: behind a `'` where it begins like a formula
    /// ([`text::quote_formula`]), which [`Cells::words`] takes off.
    pub fn words(&mut self, value: &str) {
        self.text(&text::quote_formula(value));
    }

    pub fn display(&mut self, value: impl std::fmt::Display) {
        use std::fmt::Write as _;
        if let Some(c) = self.slot() {
            let _ = write!(c, "{value}");
        }
    }

    pub fn optional(&mut self, value: Option<impl std::fmt::Display>) {
        use std::fmt::Write as _;
        if let Some(c) = self.slot()
            && let Some(v) = value
        {
            let _ = write!(c, "{v}");
        }
    }

    pub fn date(&mut self, value: Option<NaiveDate>) {
        self.optional(value);
    }

    /// A `;`-separated list.
    pub fn list(&mut self, items: &[String]) {
        if let Some(c) = self.slot() {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    c.push(';');
                }
                c.push_str(item);
            }
        }
    }
}

/// A value stored as one row of a CSV file.
/// Records are plain data, read in parts on several threads (see [`Table::parse_rows_in`]).
pub trait Record: Sized + Send {
    /// Parse one row; `cells` holds the known columns only.
    fn parse(cells: &Cells) -> Result<Self, CsvError>;
    /// Write the known cells, in the table's column order.
    fn write(&self, w: &mut CellWriter);
    /// What kind of text a known column holds (its characters and length are checked on reading).
    fn text_kind(_column: &str) -> text::Kind {
        text::Kind::Short
    }
    /// The known columns that hold dates: each is checked on reading, so every bad date of a row
    /// is reported, not only the first.
    fn date_columns() -> &'static [&'static str] {
        &[]
    }
}

/// A row's value, and the cells of the columns the tool does not know, written back as they were.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    pub value: T,
    extra: Vec<String>,
    /// The line of the file the row was read from; 0 for a row added since.
    line: usize,
}

impl<T> Entry<T> {
    /// A new row (no unknown cells yet).
    pub fn new(value: T) -> Self {
        Entry {
            value,
            extra: Vec::new(),
            line: 0,
        }
    }

    /// The line of the file the row was read from; 0 for a row added since.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Blank this row's cells in the columns the tool does not know.
    pub fn blank_extras(&mut self) {
        self.extra.iter_mut().for_each(String::clear);
    }
}

impl<T> std::ops::Deref for Entry<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for Entry<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

/// How a table's file is laid out, for reading its rows.
struct Layout<'a> {
    file: &'static str,
    columns: &'a [String],
    headers: &'a [String],
    positions: &'a [usize],
    extra_positions: &'a [usize],
    rules: Vec<CellRule>,
}

impl Layout<'_> {
    /// Every row of `reader` that reads, with the problems of those that do not, and whether
    /// reading ended early (a row the reader could not read: a broken quote; a ragged row is
    /// reported and the rest still read). The rows go into a vector with room for `room` from
    /// the start, so that it never grows by copying (a first half's holds the second's too).
    fn read<T: Record>(
        &self,
        mut reader: csvio::Rows,
        options: &ReadOptions,
        room: usize,
    ) -> (Vec<Entry<T>>, Vec<CsvError>, bool) {
        let file = self.file;
        let mut entries = Vec::with_capacity(room);
        let mut problems = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            let line = match reader.next_into(&mut record) {
                Ok(Some(line)) => line,
                Ok(None) => return (entries, problems, false),
                Err(e) => {
                    let ragged = e.message.contains(csvio::RAGGED);
                    problems.push(e);
                    if ragged {
                        continue;
                    }
                    return (entries, problems, true);
                }
            };
            let before = problems.len();
            let at = RowAt {
                file,
                line,
                options,
            };
            at.check_cells(
                &record,
                self.columns,
                self.positions,
                &self.rules,
                &mut problems,
            );
            for &p in self.extra_positions {
                let cell = record.get(p).unwrap_or("");
                if let Err(e) = text::check(cell, text::Kind::Other) {
                    problems.push(Problem::cell(file, line, &self.headers[p], e));
                }
            }
            if problems.len() > before {
                continue;
            }
            let cells = Cells {
                file,
                line,
                columns: self.columns,
                values: self
                    .positions
                    .iter()
                    .map(|&p| record.get(p).unwrap_or(""))
                    .collect(),
                options,
                hint: Cell::new(0),
            };
            match T::parse(&cells) {
                Ok(value) => {
                    let extra = self
                        .extra_positions
                        .iter()
                        .map(|&p| record.get(p).unwrap_or("").to_string())
                        .collect();
                    entries.push(Entry { value, extra, line });
                }
                Err(e) => problems.push(e),
            }
        }
    }
}

/// One CSV file of typed rows, in file order.
#[derive(Debug, Clone)]
pub struct Table<T> {
    pub file: &'static str,
    columns: Vec<String>,
    headers: Vec<String>,
    /// For each known column, its index in `headers`.
    positions: Vec<usize>,
    /// Indexes in `headers` of the columns the tool does not know.
    extra_positions: Vec<usize>,
    rows: Vec<Entry<T>>,
    /// Whether the table was read from its file (or made new); a table not loaded is never written.
    loaded: bool,
    /// Whether anything may have changed since it was read: set by every mutable access.
    changed: bool,
}

impl<T: Record> Table<T> {
    /// An empty table with the known columns as its header.
    pub fn new(file: &'static str, columns: Vec<String>) -> Self {
        Table {
            file,
            positions: (0..columns.len()).collect(),
            extra_positions: Vec::new(),
            headers: columns.clone(),
            columns,
            rows: Vec::new(),
            loaded: true,
            changed: false,
        }
    }

    /// A table whose file was not read (the command does not need it): empty, never written.
    pub fn not_loaded(file: &'static str, columns: Vec<String>) -> Self {
        Table {
            loaded: false,
            ..Table::new(file, columns)
        }
    }

    /// Read a table. `required` columns must be in the header; the other known columns are added
    /// (empty) when missing, so a file from an older version reads. Every row is parsed, and every
    /// bad row and cell is returned, each with its line.
    pub fn parse(
        file: &'static str,
        bytes: &[u8],
        columns: Vec<String>,
        required: usize,
        options: &ReadOptions,
    ) -> Result<Self, Vec<CsvError>> {
        let (table, problems) = Table::parse_rows(file, bytes, columns, required, options);
        match table {
            Some(t) if problems.is_empty() => Ok(t),
            _ => Err(problems),
        }
    }

    /// Like [`Table::parse`], but the rows that read are kept beside the problems (`None` when
    /// the file itself could not be read), so the rules between files can still be checked.
    pub fn parse_rows(
        file: &'static str,
        bytes: &[u8],
        columns: Vec<String>,
        required: usize,
        options: &ReadOptions,
    ) -> (Option<Self>, Vec<CsvError>) {
        Table::parse_rows_in(file, bytes, columns, required, options, false)
    }

    /// [`Table::parse_rows`]; when `halves`, the rows in two halves side by side (see
    /// [`crate::threads::join`]): the same rows, problems and repaired dates, in the same order.
    pub fn parse_rows_in(
        file: &'static str,
        bytes: &[u8],
        columns: Vec<String>,
        required: usize,
        options: &ReadOptions,
        halves: bool,
    ) -> (Option<Self>, Vec<CsvError>) {
        let mut reader = match csvio::rows(file, bytes) {
            Ok(r) => r,
            Err(e) => return (None, vec![e]),
        };
        let mut headers = std::mem::take(&mut reader.headers);
        let read_width = headers.len();
        let positions = match place_columns(file, &mut headers, &columns, required) {
            Ok(p) => p,
            Err(e) => return (None, vec![e]),
        };
        let mut problems = Vec::new();
        for h in &headers[..read_width] {
            if let Err(e) = text::check(h, text::Kind::Short) {
                problems.push(CsvError::new(file, Some(1), format!("a column name {e}")));
            }
        }
        let extra_positions: Vec<usize> =
            (0..read_width).filter(|i| !positions.contains(i)).collect();
        // The reader still checks row widths against the header as read.
        reader.headers = headers[..read_width].to_vec();
        let layout = Layout {
            file,
            columns: &columns,
            headers: &headers,
            positions: &positions,
            extra_positions: &extra_positions,
            rules: CellRule::of::<T>(&columns),
        };
        let (first, second) = if halves {
            reader.split()
        } else {
            (reader, None)
        };
        let mut entries = match second {
            None => {
                let room = first.most_rows();
                let (entries, mut found, _) = layout.read(first, options, room);
                problems.append(&mut found);
                entries
            }
            Some(second) => {
                // Each half records its repaired dates in options of its own.
                let (one, two) = (options.fork(), options.fork());
                let layout = &layout;
                let (room, room_after) = (first.most_rows(), second.most_rows());
                let ((mut entries, mut found, ended, one), (mut more, mut later, _, two)) =
                    crate::threads::join(
                        true,
                        move || {
                            let (e, p, ended) =
                                layout.read(first, &one, room.saturating_add(room_after));
                            (e, p, ended, one)
                        },
                        move || {
                            let (e, p, ended) = layout.read(second, &two, room_after);
                            (e, p, ended, two)
                        },
                    );
                problems.append(&mut found);
                options.absorb(one);
                // A half that ended early (a broken row) is where the whole would have ended.
                if !ended {
                    entries.append(&mut more);
                    problems.append(&mut later);
                    options.absorb(two);
                }
                entries
            }
        };
        entries.shrink_to_fit();
        let table = Table {
            file,
            columns,
            headers,
            positions,
            extra_positions,
            rows: entries,
            loaded: true,
            changed: false,
        };
        (Some(table), problems)
    }

    /// The file's bytes: header as read (plus any added column), rows in order, unknown cells kept.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_bytes_checked().0
    }

    /// [`Table::to_bytes`], with every cell written that the next read would refuse (a text too
    /// long or holding a forbidden character for its column, by the rules reading applies:
    /// [`CellRule`]) at the line it has in the bytes. A commit writes nothing while any is left.
    pub fn to_bytes_checked(&self) -> (Vec<u8>, Vec<Problem>) {
        let rules = CellRule::of::<T>(&self.columns);
        let mut problems = Vec::new();
        let width = self.headers.len();
        let mut known = vec![String::new(); self.columns.len()];
        // For each column of the file: a known column's index, or an unknown one's.
        let mut sources = vec![None; width];
        for (k, &p) in self.positions.iter().enumerate() {
            sources[p] = Some(Ok(k));
        }
        for (x, &p) in self.extra_positions.iter().enumerate() {
            sources[p] = Some(Err(x));
        }
        let mut writer = csvio::Writer::new(self.rows.len().saturating_mul(width * 12));
        writer.row(self.headers.iter().map(String::as_str));
        for (i, entry) in self.rows.iter().enumerate() {
            // A record that writes fewer cells than there are columns leaves the rest empty.
            known.iter_mut().for_each(String::clear);
            entry.value.write(&mut CellWriter {
                cells: &mut known,
                next: 0,
            });
            let line = i + 2;
            for ((cell, rule), column) in known.iter().zip(&rules).zip(&self.columns) {
                // Measured as written (see `check_cells`).
                if let Err(e) = text::check(text::unquote_formula(cell), rule.kind) {
                    problems.push(Problem::cell(self.file, line, column, e));
                }
            }
            for (cell, &p) in entry.extra.iter().zip(&self.extra_positions) {
                if let Err(e) = text::check(cell, text::Kind::Other) {
                    problems.push(Problem::cell(self.file, line, &self.headers[p], e));
                }
            }
            writer.row(sources.iter().map(|source| match source {
                Some(Ok(k)) => known.get(*k).map_or("", String::as_str),
                Some(Err(x)) => entry.extra.get(*x).map_or("", String::as_str),
                None => "",
            }));
        }
        (writer.finish(), problems)
    }

    /// The names of the columns the tool does not know, as in the file's header.
    pub fn extra_columns(&self) -> Vec<&str> {
        self.extra_positions
            .iter()
            .map(|&p| self.headers[p].as_str())
            .collect()
    }

    /// A row's cells in the columns the tool does not know, in [`Table::extra_columns`] order.
    pub fn extra_cells(&self, i: usize) -> &[String] {
        self.rows.get(i).map_or(&[], |e| e.extra.as_slice())
    }

    /// Every cell of each row `pred` selects, as (column, value) in the file's column order: what
    /// the file holds on that row, for a subject access request.
    pub fn rows_as_cells(&self, pred: impl Fn(&T) -> bool) -> Vec<Vec<(String, String)>> {
        self.rows
            .iter()
            .filter(|e| pred(&e.value))
            .map(|entry| {
                let mut known = vec![String::new(); self.columns.len()];
                entry.value.write(&mut CellWriter {
                    cells: &mut known,
                    next: 0,
                });
                let mut row = vec![String::new(); self.headers.len()];
                for (cell, &p) in known.into_iter().zip(&self.positions) {
                    row[p] = cell;
                }
                for (cell, &p) in entry.extra.iter().zip(&self.extra_positions) {
                    row[p].clone_from(cell);
                }
                self.headers.iter().cloned().zip(row).collect()
            })
            .collect()
    }
}

impl<T> Table<T> {
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Whether the rows may differ from the file as read (some mutable access happened).
    pub fn is_changed(&self) -> bool {
        self.changed
    }

    fn touch(&mut self) {
        debug_assert!(self.loaded, "{} was changed but never loaded", self.file);
        self.changed = true;
    }

    pub fn push(&mut self, value: T) {
        self.touch();
        self.rows.push(Entry::new(value));
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        debug_assert!(self.loaded, "{} was read but never loaded", self.file);
        self.rows.iter().map(|e| &e.value)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.touch();
        self.rows.iter_mut().map(|e| &mut e.value)
    }

    /// Each row with the line it was read from (0 for a row added since).
    pub fn iter_lines(&self) -> impl Iterator<Item = (usize, &T)> {
        self.rows.iter().map(|e| (e.line, &e.value))
    }

    /// The row at `i` (file order).
    pub fn get(&self, i: usize) -> Option<&T> {
        self.rows.get(i).map(|e| &e.value)
    }

    /// The row at `i`, to change it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.touch();
        self.rows.get_mut(i).map(|e| &mut e.value)
    }

    /// Every row with its unknown cells, to change them.
    pub fn entries_mut(&mut self) -> &mut Vec<Entry<T>> {
        self.touch();
        &mut self.rows
    }

    /// Every row with its unknown cells.
    pub fn entries(&self) -> &[Entry<T>] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Blank the unknown cells of the rows matching `pred` (erasure: a coordinator's extra column
    /// such as "PA contact" may hold personal data too).
    pub fn blank_extras(&mut self, pred: impl Fn(&T) -> bool) {
        self.touch();
        for entry in &mut self.rows {
            if pred(&entry.value) {
                entry.blank_extras();
            }
        }
    }

    pub fn retain(&mut self, pred: impl Fn(&T) -> bool) {
        self.touch();
        self.rows.retain(|e| pred(&e.value));
    }

    /// Rewrite every cell of the columns the tool does not know, in every row, with `f` (erasure:
    /// a person named in a coordinator's "notes" column of someone else's row). Returns how many
    /// cells changed.
    pub fn rewrite_extras(&mut self, f: impl Fn(&str) -> String) -> usize {
        let mut changed = 0;
        for entry in &mut self.rows {
            for cell in &mut entry.extra {
                let new = f(cell);
                if new != *cell {
                    *cell = new;
                    changed += 1;
                }
            }
        }
        if changed > 0 {
            self.touch();
        }
        changed
    }
}
