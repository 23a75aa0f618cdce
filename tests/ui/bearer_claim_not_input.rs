use claims_runtime::prelude::*;

#[claims_handler(auth = Bearer(claim = "bearerToken"))]
fn handler(#[claim] email: String, #[claim] token: String) {
    let _ = (email, token);
}

fn main() {}
