//! The realistic service written with the framework: four input claims (two optional, one an
//! LCID culture), two outputs, 10% localized 409s in four languages, in four send modes.
//! Compiled into `perf-real-generated` (as shipped) and `perf-real-bare` (on a plain actix
//! `App`), so neither binary carries the other's server.

use claims_perf::real::Members;
use claims_runtime::prelude::*;

/// What the greeting returns.
#[derive(OutputClaims)]
struct Greeting {
    #[claim(id = "displayName")]
    display_name: String,
    #[claim(id = "loyaltyNumber")]
    number: String,
}

fn greet(
    members: &Members,
    email: &str,
    first: Option<&str>,
    last: Option<&str>,
) -> Result<Greeting, ClaimsError> {
    match members.find(email) {
        Some(number) => Ok(Greeting {
            display_name: claims_perf::real::display_name(first, last, number),
            number: number.to_owned(),
        }),
        None => Err(ClaimsError::user("member-not-found").arg("email", email.to_owned())),
    }
}

/// Greets a member (JSON body).
#[claims_handler(path = "/real/body", send_claims_in = Body, send_correlation = false)]
async fn real_body(
    #[claim] email: String,
    #[claim(id = "givenName", partner = "firstName")] first_name: Option<String>,
    #[claim(id = "surname", partner = "lastName")] last_name: Option<String>,
    #[claim(resolver = "{Culture:LCID}")] _culture: Option<Locale>,
    members: Data<Members>,
) -> Result<Greeting, ClaimsError> {
    greet(
        &members,
        &email,
        first_name.as_deref(),
        last_name.as_deref(),
    )
}

/// Greets a member (form).
#[claims_handler(path = "/real/form", send_claims_in = Form, send_correlation = false)]
async fn real_form(
    #[claim] email: String,
    #[claim(id = "givenName", partner = "firstName")] first_name: Option<String>,
    #[claim(id = "surname", partner = "lastName")] last_name: Option<String>,
    #[claim(resolver = "{Culture:LCID}")] _culture: Option<Locale>,
    members: Data<Members>,
) -> Result<Greeting, ClaimsError> {
    greet(
        &members,
        &email,
        first_name.as_deref(),
        last_name.as_deref(),
    )
}

/// Greets a member (query string).
#[claims_handler(path = "/real/query", send_claims_in = QueryString, send_correlation = false)]
async fn real_query(
    #[claim] email: String,
    #[claim(id = "givenName", partner = "firstName")] first_name: Option<String>,
    #[claim(id = "surname", partner = "lastName")] last_name: Option<String>,
    #[claim(resolver = "{Culture:LCID}")] _culture: Option<Locale>,
    members: Data<Members>,
) -> Result<Greeting, ClaimsError> {
    greet(
        &members,
        &email,
        first_name.as_deref(),
        last_name.as_deref(),
    )
}

/// Greets a member (headers).
#[claims_handler(path = "/real/header", send_claims_in = Header, send_correlation = false)]
async fn real_header(
    #[claim] email: String,
    #[claim(id = "givenName", partner = "firstName")] first_name: Option<String>,
    #[claim(id = "surname", partner = "lastName")] last_name: Option<String>,
    #[claim(resolver = "{Culture:LCID}")] _culture: Option<Locale>,
    members: Data<Members>,
) -> Result<Greeting, ClaimsError> {
    greet(
        &members,
        &email,
        first_name.as_deref(),
        last_name.as_deref(),
    )
}
