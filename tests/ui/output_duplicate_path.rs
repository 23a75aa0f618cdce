use claims_runtime::prelude::*;

#[derive(OutputClaims)]
struct Reply {
    #[claim(partner = "person.email")]
    email: String,
    #[claim(partner = "person.email")]
    other_email: String,
    #[claim(partner = "person")]
    person: String,
    #[claim(id = "email", partner = "mail")]
    again: String,
}

fn main() {}
