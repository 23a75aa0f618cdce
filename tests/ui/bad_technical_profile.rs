use claims_runtime::prelude::*;

#[claims_handler(technical_profile = "REST Get Membership")]
fn handler(#[claim] email: String) {
    let _ = email;
}

fn main() {}
