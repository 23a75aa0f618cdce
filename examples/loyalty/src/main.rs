//! `loyalty`: serve the loyalty example (default), export its policy (`policy --base-url …`), or
//! list it.
//!
//! `--database PATH` (or `DATABASE_URL`) names the SQLite file, `./data/loyalty.db` by default;
//! `serve` creates, migrates and seeds it on first run. In development (no
//! `CLAIMS_PRODUCTION`, no `CLAIMS_BASIC_*`), `serve` generates Basic credentials and prints
//! them once; in production it refuses to start without real ones.

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
    let app = loyalty_example::app_with(db).version(env!("CARGO_PKG_VERSION"));
    if let Err(e) = app.run_with_args(args).await {
        cli::fail(e)
    }
}
