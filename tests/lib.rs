//! Fixture handlers shared by the cross-crate tests.
