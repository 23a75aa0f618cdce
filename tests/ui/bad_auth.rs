use claims_runtime::prelude::*;

#[claims_handler(auth = OAuth2)]
fn unknown_scheme(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(auth = ApiKeyHeader)]
fn api_key_without_header(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(auth = ApiKeyHeader("x api key"))]
fn api_key_bad_header(#[claim] email: String) {
    let _ = email;
}

fn main() {}
