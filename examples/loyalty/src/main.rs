//! `loyalty`: serve the example (default), export its policy (`policy --base-url …`), or list it.
//!
//! In development (no `CLAIMS_PRODUCTION`, no `CLAIMS_BASIC_*`), `serve` generates Basic
//! credentials and prints them once; in production it refuses to start without real ones.

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    loyalty_example::app()
        .version(env!("CARGO_PKG_VERSION"))
        .run()
        .await
}
