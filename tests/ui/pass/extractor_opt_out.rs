//! `#[extractor]` keeps a claim-looking type as an actix-web extractor, and is stripped.
use claims_runtime::prelude::*;

#[claims_handler]
async fn raw_body(#[claim] email: String, #[extractor] body: Option<String>) {
    let _ = (email, body);
}

fn main() {
    // The function is still callable as written (the attribute is gone).
    let _ = raw_body(String::new(), None);
}
