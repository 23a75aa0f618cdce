use claims_runtime::prelude::*;
use std::collections::HashMap;

#[claims_handler]
fn handler(#[claim] score: f32, #[claim] attributes: HashMap<String, String>) {
    let _ = (score, attributes);
}

fn main() {}
