//! The output of `claims-import` for `claims-import/tests/policies`, checked in and compiled: the
//! test `tests/roundtrip.rs` exports its policy and compares it with the original profiles.
//! `claims-import`'s test `checked_in_fixture_is_current` keeps `imported.rs` equal to what the
//! importer writes (rewrite it with `UPDATE_IMPORTED=1`).

#![deny(warnings, missing_docs)]

// Generated code is kept byte-for-byte as the importer writes it.
#[rustfmt::skip]
pub mod imported;
