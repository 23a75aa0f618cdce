//! The realistic service's generated handlers (`common/real_handlers.rs`) mounted on a plain
//! actix `App`: no access middleware, no metrics. The framework's request path alone, with the
//! twin's feature set (`PERF_OBSERVE=bare` in the benchmark scripts).

#[path = "common/real_handlers.rs"]
mod real_handlers;

use claims_perf::bind_addr;
use claims_perf::real::{MESSAGES, Members};
use claims_runtime::SendClaimsIn;
use claims_runtime::prelude::*;

fn main() -> std::io::Result<()> {
    actix_web::rt::System::new().block_on(bare())
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
