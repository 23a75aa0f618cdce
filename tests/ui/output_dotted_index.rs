use claims_runtime::prelude::*;

#[derive(OutputClaims)]
struct Reply {
    #[claim(partner = "contacts.0.email")]
    email: String,
    #[claim(partner = "contacts[x].name")]
    name: String,
}

fn main() {}
