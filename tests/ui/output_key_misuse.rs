use claims_runtime::prelude::*;

#[derive(OutputClaims)]
struct Both {
    #[claim(partner = "a", key = "a.b")]
    a: String,
}

#[derive(OutputClaims)]
struct Empty {
    #[claim(key = "")]
    a: String,
}

// A dotted flat key cannot share a profile with a nested path.
#[derive(OutputClaims)]
struct Mixed {
    #[claim(key = "user.name")]
    name: String,
    #[claim(partner = "contacts[0].email")]
    email: String,
}

// Path keys still refuse the path syntax itself.
#[derive(OutputClaims)]
struct BadPath {
    #[claim(partner = "a.b c")]
    a: String,
}

fn main() {}
