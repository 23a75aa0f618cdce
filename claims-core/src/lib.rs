//! The vocabulary every crate of the claims framework must agree on, stated once.
//!
//! The macros (at compile time), the runtime (per request), the policy exporter and the
//! emulators all read B2C facts from here: the handler descriptor ([`spec`]), the claim-resolver
//! table ([`resolvers`]), name conversions ([`names`]), the grammars of ids, output paths, payload
//! paths and Url templates ([`grammar`]), and the technical-profile metadata keys ([`metadata`]) and the LCID table ([`culture`]).
//!
//! This crate has no dependencies, so a proc-macro crate can use it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod callers;
pub mod culture;
pub mod grammar;
pub mod metadata;
pub mod names;
pub mod resolvers;
pub mod spec;
