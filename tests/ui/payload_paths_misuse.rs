use claims_runtime::prelude::*;

#[derive(ClaimsPayload)]
struct Both {
    #[claim(path = "a", paths = ["b", "c"])]
    email: String,
}

#[derive(ClaimsPayload)]
struct One {
    #[claim(paths = ["a"])]
    email: String,
}

#[derive(ClaimsPayload)]
struct Clash {
    #[claim(paths = ["a.b", "a.b.c"])]
    email: String,
}

fn main() {}
