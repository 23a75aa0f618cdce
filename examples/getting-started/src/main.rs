//! `getting-started serve` (the default), `policy --base-url ...`, `list`.

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    getting_started::app()
        .version(env!("CARGO_PKG_VERSION"))
        .run()
        .await
}
