//! Listings as a terminal table, spreadsheet-safe CSV, or JSON; the same rows for all three.

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets};
use serde_json::Value;

use crate::csvio;

pub mod briefing;
pub mod dashboard;
pub mod enrolment;
pub mod plan;
pub mod proposal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// aligned columns for reading in a terminal
    #[default]
    Table,
    /// CSV for a spreadsheet (formula-like cells neutralised)
    Csv,
    /// JSON for scripts
    Json,
}

static WIDTH: std::sync::OnceLock<Option<u16>> = std::sync::OnceLock::new();

/// Set, once, the width tables are fitted to: the terminal's, or `COLUMNS`; `None` when output is
/// not a terminal and no width was asked for (tables then keep their full width, a stable format).
pub fn set_width(width: Option<u16>) {
    let _ = WIDTH.set(width);
}

fn width() -> Option<u16> {
    WIDTH.get().copied().flatten().filter(|&w| w >= 20)
}

/// Rows under named columns; each cell a JSON value so numbers stay numbers in JSON.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
    /// Columns a table may leave out to fit a narrow terminal, the first to go first.
    droppable: Vec<&'static str>,
}

impl Listing {
    pub fn new(columns: &[&'static str]) -> Self {
        Listing {
            columns: columns.to_vec(),
            rows: Vec::new(),
            droppable: Vec::new(),
        }
    }

    /// Name the columns a table may leave out when the terminal is too narrow, least important
    /// first. CSV and JSON always carry every column.
    pub fn droppable(mut self, columns: &[&'static str]) -> Self {
        self.droppable = columns.to_vec();
        self
    }

    /// How wide each column is at its widest (header or cell), in characters.
    fn natural_widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &self.rows {
            for (w, v) in widths.iter_mut().zip(row) {
                *w = (*w).max(text_ref(v).chars().count());
            }
        }
        widths
    }

    /// The columns to show within `width`: droppable ones left out, least important first, until
    /// the table fits (or none is left to drop).
    fn fitted_columns(&self, width: usize) -> Vec<usize> {
        let natural = self.natural_widths();
        // Each column takes its text, a space either side and a border.
        let total = |shown: &[usize]| shown.iter().map(|&i| natural[i] + 3).sum::<usize>() + 1;
        let mut shown: Vec<usize> = (0..self.columns.len()).collect();
        for name in &self.droppable {
            if total(&shown) <= width {
                break;
            }
            if let Some(i) = self.columns.iter().position(|c| c == name) {
                shown.retain(|&s| s != i);
            }
        }
        shown
    }

    pub fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Table => self.table(),
            Format::Csv => self.csv(),
            Format::Json => {
                let mut text = serde_json::to_string_pretty(&self.json()).unwrap_or_default();
                text.push('\n');
                text
            }
        }
    }

    /// The rows as a table for a person to read: fitted to the terminal's width when there is one
    /// (the least important columns left out, with a note; long cells wrap), at full width
    /// otherwise. Text that could act on a terminal is escaped.
    pub fn table(&self) -> String {
        let shown: Vec<usize> = match width() {
            Some(w) => self.fitted_columns(usize::from(w)),
            None => (0..self.columns.len()).collect(),
        };
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_header(shown.iter().map(|&i| self.columns[i]));
        match width() {
            Some(w) => {
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(w);
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        for row in &self.rows {
            table.add_row(shown.iter().map(|&i| {
                let cell = row.get(i).map(text_ref).unwrap_or_default();
                crate::text::terminal_safe(&cell, false).into_owned()
            }));
        }
        let mut out = format!("{table}\n");
        if shown.len() < self.columns.len() {
            let left: Vec<&str> = (0..self.columns.len())
                .filter(|i| !shown.contains(i))
                .map(|i| self.columns[i])
                .collect();
            let note = format!(
                "(left out to fit the terminal: {}; --format csv or json shows every column)",
                left.join(", ")
            );
            out.push_str(&wrap(&note, width().map_or(usize::MAX, usize::from)));
        }
        out
    }

    pub fn csv(&self) -> String {
        let mut writer = csvio::Writer::new(self.rows.len().saturating_mul(64));
        writer.row(self.columns.iter().copied());
        let mut cells: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(self.columns.len());
        for row in &self.rows {
            cells.clear();
            cells.extend(row.iter().map(|v| match text_ref(v) {
                std::borrow::Cow::Borrowed(t) => csvio::neutralise_ref(t),
                std::borrow::Cow::Owned(t) => std::borrow::Cow::Owned(csvio::neutralise(&t)),
            }));
            writer.row(cells.iter().map(std::convert::AsRef::as_ref));
        }
        String::from_utf8(writer.finish()).unwrap_or_default()
    }

    pub fn json(&self) -> Value {
        serde_json::to_value(self.json_rows()).unwrap_or_default()
    }

    /// The rows as JSON objects (keys as [`json_key`] makes them, in their sorted order, as a
    /// JSON object of this crate keeps them), written as they are serialised: a large listing
    /// is not first copied into a [`Value`].
    pub fn json_rows(&self) -> JsonRows<'_> {
        let mut keys: Vec<(String, usize)> = self
            .columns
            .iter()
            .enumerate()
            .map(|(k, c)| (json_key(c), k))
            .collect();
        // Sorted by key; of two columns with one key, the last wins, as in a map.
        keys.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        JsonRows {
            keys,
            rows: &self.rows,
        }
    }
}

/// A [`Listing`]'s rows as JSON (see [`Listing::json_rows`]).
pub struct JsonRows<'a> {
    /// Each key with the column it takes its value from, in the order written (a key given by
    /// two columns: the later column first).
    keys: Vec<(String, usize)>,
    rows: &'a [Vec<Value>],
}

impl serde::Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.rows.len()))?;
        for row in self.rows {
            seq.serialize_element(&JsonRow {
                keys: &self.keys,
                row,
            })?;
        }
        seq.end()
    }
}

struct JsonRow<'a> {
    keys: &'a [(String, usize)],
    row: &'a [Value],
}

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // A row shorter than the columns has no value for the rest, as when zipped into a map;
        // a key is written once, from the last column that gives it a value.
        let mut map = serializer.serialize_map(None)?;
        let mut last: Option<&str> = None;
        for (key, k) in self.keys {
            let Some(value) = self.row.get(*k) else {
                continue;
            };
            if last == Some(key.as_str()) {
                continue;
            }
            last = Some(key);
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A column's name as a JSON key: snake_case, the same in every command (`mentee name` is
/// `mentee_name`, `no.` is `number`).
pub fn json_key(column: &str) -> String {
    if column == "no." {
        return "number".to_string();
    }
    column
        .trim()
        .trim_end_matches('.')
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect()
}

/// Text wrapped at spaces to lines of at most `width` characters (a longer word stands alone).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0usize;
    for word in text.split(' ') {
        let n = word.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += n;
    }
    out.push('\n');
    out
}

/// A cell's text without copying a string cell.
fn text_ref(value: &Value) -> std::borrow::Cow<'_, str> {
    match value {
        Value::String(s) => std::borrow::Cow::Borrowed(s),
        Value::Null => std::borrow::Cow::Borrowed(""),
        other => std::borrow::Cow::Owned(text(other)),
    }
}

/// A cell's text: strings as they are, null as empty, numbers as JSON writes them.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    /// What a listing's JSON was before it was streamed: each row zipped into a map.
    fn as_maps(l: &Listing) -> Value {
        Value::Array(
            l.rows
                .iter()
                .map(|row| {
                    let object: Map<String, Value> = l
                        .columns
                        .iter()
                        .map(|c| json_key(c))
                        .zip(row.iter().cloned())
                        .collect();
                    Value::Object(object)
                })
                .collect(),
        )
    }

    #[test]
    fn streamed_rows_write_what_maps_of_the_rows_would() {
        // Keys out of order, two columns with one key ("No." and "number"), a short row, a long
        // row, numbers, nulls, arrays and text to escape.
        let mut l = Listing::new(&["zeta", "mentee name", "No.", "alpha", "number"]);
        l.push(vec![
            json!("z\"1\n"),
            json!("Ana"),
            json!(1),
            json!(null),
            json!(2),
        ]);
        l.push(vec![json!("z2"), json!(["a", "b"]), json!(3.5)]);
        l.push(vec![
            json!(1),
            json!(2),
            json!(3),
            json!(4),
            json!(5),
            json!(6),
        ]);
        l.push(vec![]);
        let streamed = serde_json::to_string_pretty(&l.json_rows()).unwrap();
        let mapped = serde_json::to_string_pretty(&as_maps(&l)).unwrap();
        assert_eq!(streamed, mapped);
        assert_eq!(l.json(), as_maps(&l));
    }
}
