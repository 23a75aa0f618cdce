//! The realistic service written with the framework: four input claims (two optional, one an
//! LCID culture), two outputs, 10% localized 409s in four languages, in four send modes.

use claims_perf::bind_addr;
use claims_perf::real::{MESSAGES, Members};
use claims_runtime::prelude::*;
use claims_runtime::{App, ServerLimits};

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
#[claims_handler(path = "/real/body", send_claims_in = Body)]
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
#[claims_handler(path = "/real/form", send_claims_in = Form)]
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
#[claims_handler(path = "/real/query", send_claims_in = QueryString)]
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
#[claims_handler(path = "/real/header", send_claims_in = Header)]
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

fn main() -> std::io::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let mut app = App::new().app_data(Data::new(Members::default()));
        for (lang, ftl) in MESSAGES {
            app = app.messages(lang, ftl);
        }
        let app = app.limits(ServerLimits {
            workers: Some(1),
            ..ServerLimits::default()
        });
        let (server, _) = app.server(&bind_addr())?;
        server.await
    })
}
