use claims_runtime::prelude::*;

#[claims_handler(path = "/a", auth = None, path = "/b")]
fn handler(#[claim] email: String) {
    let _ = email;
}

fn main() {}
