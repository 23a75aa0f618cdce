//! The static descriptor of a handler, defined in `claims-core` so that the macros, the runtime,
//! the exporter and the emulator read the same types.

pub use claims_core::spec::{
    AuthSpec, CallerRoute, CultureClaims, DataType, HandlerSpec, InputClaimSpec, OutputClaimSpec,
    PayloadSpec, SendClaimsIn, UserInputType,
};

/// The API-connector steps and Entra events a [`CallerRoute`] names.
pub use claims_core::callers::{ApiConnectorStep, Caller, EntraEvent};

/// Claim resolvers B2C substitutes in RESTful technical profiles (the one table).
pub use claims_core::resolvers;
