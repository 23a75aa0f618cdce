//! The realistic service written with the framework: four input claims (two optional, one an
//! LCID culture), two outputs, 10% localized 409s in four languages, in four send modes.

use claims_perf::bind_addr;
use claims_perf::real::{MESSAGES, Members};
use claims_runtime::prelude::*;
use claims_runtime::{App, SendClaimsIn, ServerLimits};

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

/// How the service is observed, from `PERF_OBSERVE`:
/// - `bare`: the handlers mounted on a plain actix `App`, without the access-log and metrics
///   middleware (the framework's request path alone, like the twin);
/// - unset or `metrics`: `App::server` as shipped (the access middleware and metrics run, no log
///   subscriber is installed, so access lines are not written);
/// - `logs`: as `metrics`, plus JSON access lines on standard error.
fn main() -> std::io::Result<()> {
    let mode = std::env::var("PERF_OBSERVE").unwrap_or_default();
    if mode == "logs" {
        claims_runtime::observe::init_logging(claims_runtime::observe::LogFormat::Json);
    }
    actix_web::rt::System::new().block_on(async {
        if mode == "bare" {
            return bare().await;
        }
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

/// The generated routes on a plain actix server: same catalogs, one worker, no middleware.
async fn bare() -> std::io::Result<()> {
    let mut localizer = claims_runtime::l10n::Localizer::new();
    for (lang, ftl) in MESSAGES {
        localizer
            .add_messages(lang, ftl)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    let config = Data::new(claims_runtime::ClaimsConfig {
        localizer,
        ..claims_runtime::ClaimsConfig::default()
    });
    let members = Data::new(Members::default());
    actix_web::HttpServer::new(move || {
        let mut app = actix_web::App::new()
            .app_data(config.clone())
            .app_data(members.clone());
        for r in claims_runtime::registered() {
            let method = match r.spec.send_claims_in {
                SendClaimsIn::Body | SendClaimsIn::Form => actix_web::http::Method::POST,
                _ => actix_web::http::Method::GET,
            };
            app = app.route(r.spec.route_path(), (r.route)().method(method));
        }
        app
    })
    .workers(1)
    .bind(bind_addr())?
    .run()
    .await
}
