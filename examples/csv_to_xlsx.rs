//! A form's CSV export written again as the workbook Microsoft Forms or Excel would give for it,
//! for the import benchmark (`examples/bench.sh`): the first sheet, the header row, timestamps
//! (`2019/10/18 06:58:40`) as date-and-time cells, every other cell as text.
//!
//!     cargo run --release --example csv_to_xlsx -- IN.csv OUT.xlsx
// A tool outside the library: it may print and touch files.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

use std::process::ExitCode;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: csv_to_xlsx IN.csv OUT.xlsx");
        return ExitCode::from(2);
    };
    match convert(input, output) {
        Ok(rows) => {
            eprintln!("wrote {rows} rows to {output}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("csv_to_xlsx: {e}");
            ExitCode::FAILURE
        }
    }
}

fn convert(input: &str, output: &str) -> Result<u32, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(input)?;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Form1")?;
    let stamp = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    for (c, h) in reader.headers()?.iter().enumerate() {
        sheet.write_string(0, u16::try_from(c)?, h)?;
    }
    let mut rows = 0u32;
    for record in reader.records() {
        let record = record?;
        rows += 1;
        for (c, cell) in record.iter().enumerate() {
            let c = u16::try_from(c)?;
            if cell.is_empty() {
                continue;
            }
            match timestamp(cell) {
                Some(t) => sheet.write_datetime_with_format(rows, c, &t?, &stamp)?,
                None => sheet.write_string(rows, c, cell)?,
            };
        }
    }
    book.save(output)?;
    Ok(rows)
}

/// `YYYY/MM/DD hh:mm:ss` as a date and time; `None` for any other text.
fn timestamp(cell: &str) -> Option<Result<ExcelDateTime, XlsxError>> {
    use chrono::{Datelike, Timelike};
    let t = chrono::NaiveDateTime::parse_from_str(cell, "%Y/%m/%d %H:%M:%S").ok()?;
    // Parsed, so each part is in its range.
    let part = |x: u32| u8::try_from(x).unwrap_or(0);
    let year = u16::try_from(t.year()).ok()?;
    Some(
        ExcelDateTime::from_ymd(year, part(t.month()), part(t.day()))
            .and_then(|d| d.and_hms(u16::from(part(t.hour())), part(t.minute()), t.second())),
    )
}
