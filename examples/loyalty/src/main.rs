//! `loyalty`: serve the example (default), export its policy (`policy --base-url …`), or list it.
//!
//! `--database PATH` (or `DATABASE_URL`) names the SQLite file, `./data/loyalty.db` by default;
//! `serve` creates, migrates and seeds it on first run. In development (no `CLAIMS_PRODUCTION`,
//! no `CLAIMS_BASIC_*`), `serve` generates Basic credentials and prints them once; in production
//! it refuses to start without real ones.

use loyalty_example::{Database, cli};

#[actix_web::main]
async fn main() {
    let (path, args) = cli::parse(std::env::args_os(), std::env::var_os("DATABASE_URL"))
        .unwrap_or_else(|e| cli::fail(e));
    if cli::wants_help(&args) {
        print!("{}", cli::HELP);
    }
    // Only serving opens the file: `policy`, `list` and `--help` create nothing.
    let db = if cli::serves(&args) {
        Database::open(&path).unwrap_or_else(|e| cli::fail(e))
    } else {
        Database::deferred(&path)
    };
    let app = loyalty_example::app_with(db).version(env!("CARGO_PKG_VERSION"));
    if let Err(e) = app.run_with_args(args).await {
        cli::fail(e)
    }
}
