//! `loyalty`: serve the loyalty example (default), export its policy (`policy --base-url …`), or
//! list it.
//!
//! `--database PATH` (or `DATABASE_URL`) names the SQLite file, `./data/loyalty.db` by default;
//! `serve` creates, migrates and seeds it on first run. In development (no
//! `CLAIMS_PRODUCTION`, no `CLAIMS_BASIC_*`), `serve` generates Basic credentials and prints
//! them once, and without `CLAIMS_JWT_*` settings its Entra routes answer 401; in production it
//! refuses to start without real credentials and Entra settings.

use examples_common::cli;
use loyalty_example::db;

#[actix_web::main]
async fn main() {
    let (path, args) = cli::parse(
        std::env::args_os(),
        std::env::var_os("DATABASE_URL"),
        "data/loyalty.db",
    )
    .unwrap_or_else(|e| cli::fail(e));
    if cli::wants_help(&args) {
        print!("{}", cli::help("data/loyalty.db"));
    }
    // Only serving opens the file: `policy`, `list` and `--help` create nothing.
    let db = if cli::serves(&args) {
        db::open(&path).unwrap_or_else(|e| cli::fail(e))
    } else {
        db::deferred(&path)
    };
    let mut app = loyalty_example::app_with(db).version(env!("CARGO_PKG_VERSION"));
    let entra_unset = loyalty_example::ENTRA_SETTINGS
        .iter()
        .all(|k| std::env::var_os(k).is_none());
    if cli::serves(&args) && entra_unset && !app.is_production() {
        eprintln!(
            "development mode: no CLAIMS_JWT_* settings, so the Entra routes answer 401; set CLAIMS_JWT_JWKS, CLAIMS_JWT_ISSUER and CLAIMS_JWT_AUDIENCE to accept Entra's tokens (docs/callers.md)"
        );
        app = loyalty_example::entra_closed_for_development(app);
    }
    if let Err(e) = app.run_with_args(args).await {
        cli::fail(e)
    }
}
