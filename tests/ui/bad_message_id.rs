use claims_runtime::prelude::*;

// The text belongs in the catalog; the code names a message id.
#[claims_handler]
fn handler(#[claim] email: String) -> Result<(), ClaimsError> {
    if email.is_empty() {
        return Err(ClaimsError::user("No member with this e-mail address."));
    }
    Ok(())
}

#[claims_handler(messages = ["2fa-failed"])]
fn declared(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(messages = "member-not-found")]
fn not_a_list(#[claim] email: String) {
    let _ = email;
}

fn main() {}
