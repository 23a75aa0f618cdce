//! Configuration documents for the claims framework's handlers, written from their descriptors
//! ([`claims_core::spec::HandlerSpec`]) without a web framework, so build scripts and command-line
//! tools can use them.
//!
//! - [`b2c`]: the Azure AD B2C custom-policy XML (ClaimsSchema, ClaimsTransformations,
//!   ClaimsProvider with RESTful TechnicalProfiles, Localization), its lint, and a reader for
//!   policy files (round trips and the emulator).
//! - [`openapi`]: an OpenAPI 3.1 document describing the handlers' HTTP interface.
//! - [`graph`]: Microsoft Graph registration documents for B2C user-flow API connectors and Entra
//!   custom authentication extensions.
//!
//! Most users reach this through `claims_runtime::App::policy` or the `policy` subcommand, which
//! fill the options from the running app's own settings.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod b2c;
pub mod graph;
pub mod openapi;
