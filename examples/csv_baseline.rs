//! The reference for the import benchmark: the csv crate reading a file into records and nothing
//! else, as fast as a CSV file can be read. `examples/bench.sh` times `enrol --from` beside it.
// A tool outside the library: it may print and touch files.
#![allow(clippy::disallowed_methods, clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: csv_baseline FILE.csv");
        return ExitCode::from(2);
    };
    let mut reader = match csv::Reader::from_path(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut record = csv::StringRecord::new();
    let mut rows = 0usize;
    let mut cells = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                rows += 1;
                cells += record.len();
            }
            Ok(false) => break,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{rows} rows, {cells} cells");
    ExitCode::SUCCESS
}
