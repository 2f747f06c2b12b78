//! Spreadsheet import: any file gives applicants or a list of problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use revmentor::import;
use revmentor::store::Config;
use revmentor::store::config::{InitSettings, template};

fuzz_target!(|data: &[u8]| {
    let settings = InitSettings {
        title: "Fuzz",
        start: chrono::NaiveDate::from_ymd_opt(2020, 1, 13).unwrap_or_default(),
        end: chrono::NaiveDate::from_ymd_opt(2020, 7, 31).unwrap_or_default(),
        min_weeks: 6,
        max_weeks: 8,
        session_minutes: 60,
    };
    let Ok(config) = Config::parse(&template(&settings)) else {
        return;
    };
    let Ok(sheet) = revmentor::store::csvio::parse("fuzz.csv", data) else {
        return;
    };
    if let Ok(mapping) = import::map_headers("fuzz.csv", &sheet.headers, &config, &[], &[]) {
        let _ = import::read_rows("fuzz.csv", &sheet, &mapping, None, &config);
    }
});
