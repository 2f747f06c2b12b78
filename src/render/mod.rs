//! Listings as a terminal table, spreadsheet-safe CSV, or JSON; the same rows for all three.

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Map, Value};

use crate::csvio;

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

/// Rows under named columns; each cell a JSON value so numbers stay numbers in JSON.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

impl Listing {
    pub fn new(columns: &[&'static str]) -> Self {
        Listing {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
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

    pub fn table(&self) -> String {
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(self.columns.iter().copied());
        for row in &self.rows {
            table.add_row(row.iter().map(text));
        }
        format!("{table}\n")
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
        Value::Array(
            self.rows
                .iter()
                .map(|row| {
                    let object: Map<String, Value> = self
                        .columns
                        .iter()
                        .map(|c| c.to_string())
                        .zip(row.iter().cloned())
                        .collect();
                    Value::Object(object)
                })
                .collect(),
        )
    }
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
