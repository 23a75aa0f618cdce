use claims_runtime::prelude::*;

#[claims_handler(pathh = "/x")]
fn handler(#[claim] email: String) {
    let _ = email;
}

fn main() {}
