use claims_runtime::prelude::*;

#[claims_handler]
fn body(#[claim(partner = "mail")] email: String, #[claim(partner = "mail")] other: String) {
    let _ = (email, other);
}

// Header names are case-insensitive, and must be header tokens.
#[claims_handler(send_claims_in = Header)]
fn headers(
    #[claim(partner = "X-User")] user: String,
    #[claim(partner = "x-user")] other: String,
    #[claim(partner = "x user")] spaced: String,
) {
    let _ = (user, other, spaced);
}

fn main() {}
