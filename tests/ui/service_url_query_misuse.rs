use claims_runtime::prelude::*;

// Pairs are `key=value`, a value literal or `{env:NAME}`.
#[claims_handler(query = "api-version")]
fn not_a_pair(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(query = "code={FUNCTION_KEY}")]
fn bare_braces(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(query = "code={env:FUNCTION-KEY}")]
fn bad_setting_name(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(query = "a=1&a=2")]
fn twice(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(service_url = "/relative")]
fn relative(#[claim] email: String) {
    let _ = email;
}

fn main() {}
