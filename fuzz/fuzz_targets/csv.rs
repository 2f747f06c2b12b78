//! The strict CSV reader: any bytes give a sheet or an error, never a panic; a sheet writes back
//! and reads again to the same cells.
#![no_main]

use libfuzzer_sys::fuzz_target;
use revmentor::store::csvio;

fuzz_target!(|data: &[u8]| {
    if let Ok(sheet) = csvio::parse("fuzz.csv", data) {
        let rows = sheet.rows.iter().map(|r| {
            (0..sheet.headers.len())
                .map(|i| r.cell(i).to_string())
                .collect()
        });
        let bytes = csvio::write(&sheet.headers, rows);
        let again = csvio::parse("fuzz.csv", &bytes).expect("what the tool writes it reads");
        assert_eq!(again.headers, sheet.headers);
        assert_eq!(again.rows.len(), sheet.rows.len());
    }
});
