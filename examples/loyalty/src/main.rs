//! `loyalty`: serve the example (default), export its policy (`policy --base-url …`), or list it.

use claims_runtime::auth::generate_dev_basic_credentials;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut app = loyalty_example::app();
    let configured = ["CLAIMS_BASIC_PASSWORD", "CLAIMS_BASIC_PASSWORD_FILE"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    // The framework's own reading of CLAIMS_PRODUCTION (1, true, yes, on).
    if !configured && !app.is_production() {
        // Development: fresh random credentials, printed only here, never in production.
        let creds = generate_dev_basic_credentials();
        let serving = matches!(std::env::args().nth(1).as_deref(), None | Some("serve"));
        if serving {
            eprintln!(
                "development mode: Basic credentials {}:{} (header: Authorization: {})",
                creds.username,
                creds.password.expose(),
                creds.authorization_header()
            );
            eprintln!("set CLAIMS_BASIC_USERNAME and CLAIMS_BASIC_PASSWORD to use your own");
        }
        app = app.basic_credentials(&creds);
    }
    app.run().await
}
