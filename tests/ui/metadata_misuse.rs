use claims_runtime::prelude::*;

#[claims_handler(metadata(DebugMode = "yes"))]
fn not_a_flag(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(metadata(UserMessageIfRequestTimeout = true))]
fn not_a_message(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(metadata(debugmode = true, ServiceUrl = "https://x", Colour = true))]
fn unknown_keys(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(metadata(DebugMode = true, DebugMode = false))]
fn duplicate(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(metadata(IncludeClaimResolvingInClaimsHandling = false))]
fn resolver_without_resolving(
    #[claim(resolver = "{Context:CorrelationId}")] correlation_id: Option<String>,
) {
    let _ = correlation_id;
}

fn main() {}
