//! Procedural macros of claims-runtime. Use them through `claims_runtime`.
extern crate proc_macro;
use proc_macro::TokenStream;

/// See `claims_runtime::claims_handler`.
#[proc_macro_attribute]
pub fn claims_handler(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// See `claims_runtime::OutputClaims`.
#[proc_macro_derive(OutputClaims, attributes(claim))]
pub fn derive_output_claims(_item: TokenStream) -> TokenStream {
    TokenStream::new()
}

/// See `claims_runtime::ClaimsPayload`.
#[proc_macro_derive(ClaimsPayload, attributes(claim))]
pub fn derive_claims_payload(_item: TokenStream) -> TokenStream {
    TokenStream::new()
}
