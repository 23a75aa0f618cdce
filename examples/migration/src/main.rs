//! `migration`: serve the seamless-migration example (default), export its policy (`policy --base-url …`), or
//! list it.
//!
//! `--database PATH` (or `DATABASE_URL`) names the SQLite file, `./data/migration.db` by default;
//! `serve` creates, migrates and seeds it on first run.

use examples_common::cli;
use migration_example::db;

#[actix_web::main]
async fn main() {
    let (path, args) = cli::parse(
        std::env::args_os(),
        std::env::var_os("DATABASE_URL"),
        "data/migration.db",
    )
    .unwrap_or_else(|e| cli::fail(e));
    if cli::wants_help(&args) {
        print!("{}", cli::help("data/migration.db"));
    }
    // Only serving opens the file: `policy`, `list` and `--help` create nothing.
    let db = if cli::serves(&args) {
        db::open(&path).unwrap_or_else(|e| cli::fail(e))
    } else {
        db::deferred(&path)
    };
    let app = migration_example::app_with(db).version(env!("CARGO_PKG_VERSION"));
    if let Err(e) = app.run_with_args(args).await {
        cli::fail(e)
    }
}
