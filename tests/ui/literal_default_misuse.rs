use claims_runtime::prelude::*;

// Text that looks like a resolver needs a marker either way.
#[claims_handler]
fn ambiguous(#[claim(default = "{Culture:LCID}")] lang: String) {
    let _ = lang;
}

#[claims_handler]
fn both(#[claim(default = "x", literal_default = "{Culture:LCID}")] lang: String) {
    let _ = lang;
}

// A profile that resolves claims would resolve the literal too.
#[claims_handler]
fn beside_a_resolver(
    #[claim(literal_default = "{Culture:LCID}")] lang: String,
    #[claim(resolver = "{Context:CorrelationId}")] correlation_id: Option<String>,
) {
    let _ = (lang, correlation_id);
}

#[claims_handler(metadata(IncludeClaimResolvingInClaimsHandling = true))]
fn resolving_on(#[claim(literal_default = "{Culture:LCID}")] lang: String) {
    let _ = lang;
}

fn main() {}
