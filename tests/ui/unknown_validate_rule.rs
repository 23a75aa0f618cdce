use claims_runtime::prelude::*;

#[claims_handler]
fn handler(#[claim] #[validate(email, phone)] email: String) {
    let _ = email;
}

fn main() {}
