use claims_runtime::prelude::*;

#[claims_handler]
fn handler<T: Default>(#[claim] email: String) {
    let _ = (email, T::default());
}

fn main() {}
