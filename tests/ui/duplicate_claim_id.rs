use claims_runtime::prelude::*;

#[claims_handler]
fn handler(#[claim] email: String, #[claim(id = "email", partner = "mail2")] other: String) {
    let _ = (email, other);
}

fn main() {}
