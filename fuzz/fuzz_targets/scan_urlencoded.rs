//! The Form / QueryString scanner, then every typed decoder on each value it finds.
#![no_main]
use std::borrow::Cow;

use claims_runtime::RawClaim;
use claims_runtime::codec::{Slot, Source, piece_str, scan_urlencoded};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let wires = ["s", "b", "i", "l", "d", "t", "c", "p"];
    if let Ok(slots) = scan_urlencoded(data, Source::Body, &wires) {
        for slot in &slots {
            match slot {
                Slot::Text(p) => common::decode_all(&RawClaim::Text(Cow::Borrowed(piece_str(data, p)))),
                Slot::List(l) => common::decode_all(&RawClaim::TextList(
                    l.iter().map(|p| Cow::Borrowed(piece_str(data, p))).collect(),
                )),
                _ => {}
            }
        }
    }
});
