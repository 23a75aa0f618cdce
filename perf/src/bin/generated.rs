//! The loyalty look-up written with the framework, in the four benchmarked send modes.

use claims_perf::{Store, bind_addr};
use claims_runtime::prelude::*;
use claims_runtime::{App, ServerLimits};

/// What the look-up returns.
#[derive(OutputClaims)]
struct Loyalty {
    #[claim(id = "loyaltyNumber")]
    number: String,
    #[claim(id = "loyaltyTier", partner = "tier")]
    tier: String,
    #[claim(id = "isNewMember", partner = "isNew")]
    is_new: bool,
}

fn lookup(store: &Store, email: &str) -> Result<Loyalty, ClaimsError> {
    match store.find(email) {
        Some(m) => Ok(Loyalty {
            number: m.number.clone(),
            tier: m.tier.to_owned(),
            is_new: m.is_new,
        }),
        None => Err(ClaimsError::user("member-not-found").arg("email", email.to_owned())),
    }
}

/// Loyalty look-up (JSON body).
#[claims_handler(path = "/body", send_claims_in = Body, send_culture = false)]
async fn loyalty_body(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
    store: Data<Store>,
) -> Result<Loyalty, ClaimsError> {
    lookup(&store, &email)
}

/// Loyalty look-up (form).
#[claims_handler(path = "/form", send_claims_in = Form, send_culture = false)]
async fn loyalty_form(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
    store: Data<Store>,
) -> Result<Loyalty, ClaimsError> {
    lookup(&store, &email)
}

/// Loyalty look-up (query string).
#[claims_handler(path = "/query", send_claims_in = QueryString, send_culture = false)]
async fn loyalty_query(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
    store: Data<Store>,
) -> Result<Loyalty, ClaimsError> {
    lookup(&store, &email)
}

/// Loyalty look-up (headers).
#[claims_handler(path = "/header", send_claims_in = Header, send_culture = false)]
async fn loyalty_header(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
    store: Data<Store>,
) -> Result<Loyalty, ClaimsError> {
    lookup(&store, &email)
}

/// Loyalty look-up with Basic auth, an e-mail rule and a localized 409 (the "everything on" run).
#[claims_handler(path = "/full", send_claims_in = Body, auth = Basic)]
async fn loyalty_full(
    #[claim]
    #[validate(email)]
    email: String,
    #[claim(resolver = "{Culture:RFC5646}")] _locale: Option<Locale>,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
    store: Data<Store>,
) -> Result<Loyalty, ClaimsError> {
    lookup(&store, &email)
}

fn main() -> std::io::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let app = App::new()
            .app_data(Data::new(Store::default()))
            .messages(
                "en",
                "member-not-found = No loyalty membership is linked to { $email }.",
            )
            .messages(
                "fr",
                "member-not-found = Aucune carte de fidélité n'est liée à { $email }.",
            )
            .basic_credentials(&claims_runtime::auth::DevCredentials {
                username: claims_perf::BENCH_USER.to_owned(),
                password: claims_runtime::auth::Secret::new(claims_perf::BENCH_PASSWORD),
            })
            .limits(ServerLimits {
                workers: Some(1),
                ..ServerLimits::default()
            });
        // `PERF_OBSERVE=1` (scripts/bench.sh --observe): JSON access lines on standard error
        // and metrics served on PERF_METRICS_BIND; otherwise no subscriber and no metrics
        // endpoint (the access middleware and counters still run).
        let app = if std::env::var_os("PERF_OBSERVE").is_some_and(|v| v == "1") {
            claims_runtime::observe::init_logging(claims_runtime::observe::LogFormat::Json);
            match std::env::var("PERF_METRICS_BIND") {
                Ok(addr) => app.metrics_bind(addr),
                Err(_) => app,
            }
        } else {
            app
        };
        let (server, _) = app.server(&bind_addr())?;
        server.await
    })
}
