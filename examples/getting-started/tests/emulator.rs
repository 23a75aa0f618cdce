//! The service called the way B2C calls it, from its own exported policy.

use claims_runtime::auth::generate_dev_basic_credentials;
use claims_runtime::policy::PolicyOptions;
use claims_testing::{Emulator, TestKeys, claims};

#[actix_web::test]
async fn greets_through_the_b2c_emulator() {
    let creds = generate_dev_basic_credentials();
    let app = getting_started::app().basic_credentials(&creds);
    let policy = app
        .policy(PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            ..PolicyOptions::default()
        })
        .unwrap();
    let keys = TestKeys::default().basic(creds.username.clone(), creds.password.expose());
    let b2c = Emulator::from_policy(&policy)
        .unwrap()
        .keys(keys)
        .in_process(app)
        .await;

    let ok = b2c
        .call("REST-Greet", claims! {"givenName" => "Emily"})
        .await;
    assert!(ok.is_success(), "{ok}\n{}", ok.trace);
    assert_eq!(ok.claim("greeting").as_deref(), Some("Hello, Emily!"));

    let refused = b2c.call("REST-Greet", claims! {"givenName" => "E"}).await;
    assert_eq!(
        refused.user_message(),
        Some("Please enter at least two letters.")
    );
}
