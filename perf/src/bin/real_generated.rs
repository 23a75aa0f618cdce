//! The realistic service as shipped: its handlers (`common/real_handlers.rs`) served by
//! `App::server`, with the access middleware and metrics.

#[path = "common/real_handlers.rs"]
mod real_handlers;

use claims_perf::bind_addr;
use claims_perf::real::{MESSAGES, Members};
use claims_runtime::prelude::*;
use claims_runtime::{App, ServerLimits};

/// How the service is observed, from `PERF_OBSERVE`:
/// - unset or `metrics`: `App::server` as shipped (the access middleware and metrics run, no log
///   subscriber is installed, so access lines are not written);
/// - `logs`: as `metrics`, plus JSON access lines on standard error.
///
/// The handlers alone on a plain actix `App` (`bare`) are the `perf-real-bare` binary.
fn main() -> std::io::Result<()> {
    let mode = std::env::var("PERF_OBSERVE").unwrap_or_default();
    if !matches!(mode.as_str(), "" | "metrics" | "logs") {
        return Err(std::io::Error::other(format!(
            "PERF_OBSERVE={mode:?}: this binary serves `metrics` (the default) or `logs`; \
             `bare` is the perf-real-bare binary"
        )));
    }
    if mode == "logs" {
        claims_runtime::observe::init_logging(claims_runtime::observe::LogFormat::Json);
    }
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
