use claims_runtime::prelude::*;

#[claims_handler]
fn handler(#[claim] email: String, retries: Vec<u8>) {
    let _ = (email, retries);
}

fn main() {}
