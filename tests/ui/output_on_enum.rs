use claims_runtime::prelude::*;

#[derive(OutputClaims)]
enum Reply {
    Ok { id: String },
    Missing,
}

#[derive(OutputClaims)]
struct Tuple(String);

fn main() {}
