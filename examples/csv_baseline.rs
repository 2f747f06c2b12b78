//! The reference for the import benchmark: the file read into records and nothing else, as fast
//! as it can be read: the csv crate for a CSV file, calamine (the crate `enrol --from` reads
//! workbooks with) for the first sheet of an .xlsx or .ods file. `examples/bench.sh` times
//! `enrol --from` beside it.
// A tool outside the library: it may print and touch files.
#![allow(clippy::disallowed_methods, clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use calamine::{Reader, open_workbook_auto};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: csv_baseline FILE.csv|FILE.xlsx|FILE.ods");
        return ExitCode::from(2);
    };
    let counted = if path.ends_with(".xlsx") || path.ends_with(".ods") {
        workbook(&path)
    } else {
        csv_file(&path)
    };
    match counted {
        Ok((rows, cells)) => {
            println!("{rows} rows, {cells} cells");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn csv_file(path: &str) -> Result<(usize, usize), Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut record = csv::StringRecord::new();
    let (mut rows, mut cells) = (0, 0);
    while reader.read_record(&mut record)? {
        rows += 1;
        cells += record.len();
    }
    Ok((rows, cells))
}

fn workbook(path: &str) -> Result<(usize, usize), Box<dyn std::error::Error>> {
    let mut book = open_workbook_auto(path)?;
    let Some(first) = book.sheet_names().first().cloned() else {
        return Err("no sheet".into());
    };
    let range = book.worksheet_range(&first)?;
    // The header row is not a record, as for a CSV file.
    let rows = range.height().saturating_sub(1);
    let cells = range
        .rows()
        .skip(1)
        .map(|r| r.iter().filter(|c| **c != calamine::Data::Empty).count())
        .sum();
    Ok((rows, cells))
}
