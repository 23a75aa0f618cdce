//! A claims service for Azure AD B2C with one handler.

use claims_runtime::prelude::*;

/// The claims sent back to B2C.
#[derive(OutputClaims)]
pub struct Greeting {
    /// A greeting for the user.
    pub greeting: String,
}

/// Greets the user
///
/// B2C sends the user's given name; a name shorter than two letters is refused with a message
/// the user sees on the page.
#[claims_handler(auth = Basic)]
pub async fn greet(#[claim] given_name: String) -> Result<Greeting, ClaimsError> {
    if given_name.trim().chars().count() < 2 {
        return Err(ClaimsError::user("name-too-short"));
    }
    Ok(Greeting {
        greeting: format!("Hello, {given_name}!"),
    })
}

/// The app: every handler of this crate, and the messages users see.
pub fn app() -> App {
    App::new().messages(
        "en",
        "name-too-short = Please enter at least two letters.\n",
    )
}
