use claims_runtime::prelude::*;

#[claims_handler]
fn handler(#[claim(id = "email", partnerClaimType = "mail")] email: String) {
    let _ = email;
}

fn main() {}
