//! Every typed decoder on arbitrary text, as text (headers, URL segments) and as JSON.
#![no_main]
use std::borrow::Cow;

use claims_runtime::RawClaim;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        common::decode_all(&RawClaim::Text(Cow::Borrowed(text)));
        common::decode_all(&RawClaim::Json(text));
        let parts: Vec<Cow<'_, str>> = text.split('\n').map(Cow::Borrowed).collect();
        common::decode_all(&RawClaim::TextList(parts));
    }
});
