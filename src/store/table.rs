//! Typed tables over CSV sheets: known columns become values, unknown columns ride along untouched.

use std::ops::{Deref, DerefMut};

use super::csvio::{self, CsvError};

/// Read access to one row's known cells, for a [`Record`] to parse itself; errors name the column.
pub struct Cells<'a> {
    file: &'a str,
    line: usize,
    columns: &'a [String],
    values: Vec<&'a str>,
    /// Where the next lookup probably is: records read their columns in order.
    hint: std::cell::Cell<usize>,
}

impl<'a> Cells<'a> {
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

    /// An error about one cell: file, line, column, the value, and what would be valid.
    pub fn error(&self, column: &str, problem: impl std::fmt::Display) -> CsvError {
        CsvError::new(
            self.file,
            Some(self.line),
            format!("column \"{column}\": {problem}"),
        )
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

    pub fn date(&self, column: &str) -> Result<Option<chrono::NaiveDate>, CsvError> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        crate::model::parse_date(v)
            .map(Some)
            .map_err(|e| self.error(column, e))
    }

    pub fn required_date(&self, column: &str) -> Result<chrono::NaiveDate, CsvError> {
        self.date(column)?
            .ok_or_else(|| self.error(column, "is empty, but every row needs a date (YYYY-MM-DD)"))
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
        if !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(self.error(column, format!("\"{v}\" is not an id (ids look like p001)")));
        }
        Ok(v)
    }
}

/// A value stored as one row of a CSV file.
pub trait Record: Sized {
    /// Parse one row; `cells` holds the known columns only.
    fn parse(cells: &Cells) -> Result<Self, CsvError>;
    /// The known cells, in the table's column order.
    fn cells(&self, columns: &[String]) -> Vec<String>;
}

/// A row's value, and the cells of the columns the tool does not know, written back as they were.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    pub value: T,
    extra: Vec<String>,
}

impl<T> Entry<T> {
    /// A new row (no unknown cells yet).
    pub fn new(value: T) -> Self {
        Entry {
            value,
            extra: Vec::new(),
        }
    }
}

impl<T> Deref for Entry<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Entry<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
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
    pub rows: Vec<Entry<T>>,
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
        }
    }

    /// Read a table. `required` columns must be in the header; the other known columns are added
    /// (empty) when missing, so a file from an older version reads. Every row is parsed; the first
    /// bad one is refused with its line.
    pub fn parse(
        file: &'static str,
        bytes: &[u8],
        columns: Vec<String>,
        required: usize,
    ) -> Result<Self, CsvError> {
        let mut reader = csvio::rows(file, bytes)?;
        let mut headers = std::mem::take(&mut reader.headers);
        let read_width = headers.len();
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
        if !missing.is_empty() {
            let message = format!(
                "the header has no column {} (was it renamed?): the header must include {}",
                missing
                    .iter()
                    .map(|m| format!("\"{m}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                columns[..required].join(", ")
            );
            return Err(CsvError::new(file, Some(1), message));
        }
        let extra_positions: Vec<usize> =
            (0..read_width).filter(|i| !positions.contains(i)).collect();
        // The reader still checks row widths against the header as read.
        reader.headers = headers[..read_width].to_vec();
        let mut entries = Vec::new();
        let mut record = csv::StringRecord::new();
        while let Some(line) = reader.next_into(&mut record)? {
            let cells = Cells {
                file,
                line,
                columns: &columns,
                values: positions
                    .iter()
                    .map(|&p| record.get(p).unwrap_or(""))
                    .collect(),
                hint: std::cell::Cell::new(0),
            };
            let value = T::parse(&cells)?;
            let extra = extra_positions
                .iter()
                .map(|&p| record.get(p).unwrap_or("").to_string())
                .collect();
            entries.push(Entry { value, extra });
        }
        Ok(Table {
            file,
            columns,
            headers,
            positions,
            extra_positions,
            rows: entries,
        })
    }

    /// The file's bytes: header as read (plus any added column), rows in order, unknown cells kept.
    pub fn to_bytes(&self) -> Vec<u8> {
        let width = self.headers.len();
        let rows = self.rows.iter().map(|entry| {
            let mut row = vec![String::new(); width];
            for (cell, &p) in entry
                .value
                .cells(&self.columns)
                .into_iter()
                .zip(&self.positions)
            {
                row[p] = cell;
            }
            for (cell, &p) in entry.extra.iter().zip(&self.extra_positions) {
                row[p].clone_from(cell);
            }
            row
        });
        csvio::write(&self.headers, rows)
    }

    pub fn push(&mut self, value: T) {
        self.rows.push(Entry {
            value,
            extra: Vec::new(),
        });
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.rows.iter().map(|e| &e.value)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.rows.iter_mut().map(|e| &mut e.value)
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
        for entry in &mut self.rows {
            if pred(&entry.value) {
                entry.extra.iter_mut().for_each(String::clear);
            }
        }
    }

    pub fn retain(&mut self, pred: impl Fn(&T) -> bool) {
        self.rows.retain(|e| pred(&e.value));
    }
}
