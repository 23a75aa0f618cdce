//! The static descriptor of a handler, defined in `claims-core` so that the macros, the runtime,
//! the exporter and the emulator read the same types.

pub use claims_core::spec::{
    AuthSpec, CultureClaims, DataType, HandlerSpec, InputClaimSpec, OutputClaimSpec, PayloadSpec,
    SendClaimsIn, UserInputType,
};

/// Claim resolvers B2C substitutes in RESTful technical profiles (the one table).
pub use claims_core::resolvers;
