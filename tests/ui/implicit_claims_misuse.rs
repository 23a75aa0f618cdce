use claims_runtime::prelude::*;

// The implicit claims' names are reserved.
#[claims_handler]
fn reserved_id(#[claim(id = "claimsRuntimeCulture")] lang: String) {
    let _ = lang;
}

#[claims_handler]
fn reserved_wire(#[claim(partner = "ClaimsRuntimeCorrelationId")] cid: String) {
    let _ = cid;
}

// The opt-outs are flags.
#[claims_handler(send_culture = "no")]
fn not_a_flag(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(send_correlation = false, send_correlation)]
fn twice(#[claim] email: String) {
    let _ = email;
}

fn main() {}
