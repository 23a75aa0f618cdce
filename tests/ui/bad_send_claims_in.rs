use claims_runtime::prelude::*;

#[claims_handler(send_claims_in = Json)]
fn handler(#[claim] email: String) {
    let _ = email;
}

fn main() {}
