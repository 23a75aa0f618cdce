//! The Body-mode scanner, then every typed decoder on each value it finds.
#![no_main]
use claims_runtime::RawClaim;
use claims_runtime::codec::{Slot, scan_json};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let wires = ["s", "b", "i", "l", "d", "t", "c", "p"];
    if let Ok(slots) = scan_json(data, &wires) {
        for slot in slots {
            if let Slot::Json(r) = slot {
                let text = std::str::from_utf8(&data[r]).expect("scanner yields UTF-8 ranges");
                common::decode_all(&RawClaim::Json(text));
            }
        }
    }
});
