//! Output path parsing and nested encoding.
#![no_main]
use claims_runtime::output::try_parse_path;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = try_parse_path(text);
    }
});
