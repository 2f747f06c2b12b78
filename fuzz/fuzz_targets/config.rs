//! `cohort.toml`: any text gives settings or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use revmentor::store::Config;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Config::parse(text);
    }
});
