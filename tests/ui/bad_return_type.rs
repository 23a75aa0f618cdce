use claims_runtime::prelude::*;

#[claims_handler]
fn handler(#[claim] email: String) -> String {
    email
}

fn main() {}
