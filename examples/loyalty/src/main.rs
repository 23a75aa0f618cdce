//! `loyalty`: serve the example (default), export its policy (`policy --base-url …`), or list it.

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    loyalty_example::app().run().await
}
