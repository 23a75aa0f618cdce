//! The sign-up check and the token claims through all three callers, each driven by its
//! emulator from the configuration the example writes: the policy XML for B2C custom policies,
//! and the Graph JSON of `loyalty api-connectors` and `loyalty entra` (run as the binary) for
//! user-flow API connectors and Entra custom authentication extensions, with Entra tokens the
//! emulator mints.

use std::path::Path;
use std::process::Command;
use std::rc::Rc;
use std::sync::Arc;

use claims_runtime::auth::generate_dev_basic_credentials;
use claims_runtime::auth::jwt::StaticJwks;
use claims_runtime::policy::PolicyOptions;
use claims_runtime::{ApiConnectorStep, EntraEvent};
use claims_testing::api_connector::{ApiConnectorEmulator, ConnectorOutcome};
use claims_testing::claims;
use claims_testing::entra::{EntraEmulator, EntraInput, EntraOutcome};
use claims_testing::{Emulator, TestKeys, UserView};
use serde_json::json;

mod support;

const LOYALTY: &str = "extension_0123456789abcdef0123456789abcdef_loyaltyNumber";

/// Runs the example binary's export command and reads the file it writes.
fn export(dir: &Path, args: &[&str]) -> String {
    let out_file = dir.join("graph.json");
    let out = support::entra_env(
        Command::new(env!("CARGO_BIN_EXE_loyalty"))
            .current_dir(dir)
            .args(args)
            .args(["--base-url", "https://api.contoso.com", "--out"])
            .arg(&out_file),
    )
    .output()
    .expect("the example binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(out_file).expect("the export is written")
}

struct Setup {
    connectors: String,
    entra: String,
    basic: (String, String),
    _dir: tempfile::TempDir,
}

/// The Graph documents (from the binary) and the example app, configured as a deployment
/// would be: Basic credentials, and the Entra settings naming the emulator's tenant and keys.
fn setup() -> (claims_runtime::Configurator, Setup) {
    let dir = tempfile::tempdir().unwrap();
    let connectors = export(dir.path(), &["api-connectors"]);
    let entra = export(dir.path(), &["entra", "--app-id", support::ENTRA_APP_ID]);
    let emu = EntraEmulator::from_graph(&entra, EntraEvent::TokenIssuanceStart).unwrap();
    let creds = generate_dev_basic_credentials();
    let db = loyalty_example::db::open(dir.path().join("loyalty.db")).unwrap();
    let jwks = serde_json::from_value(emu.jwks()).unwrap();
    let mut app = loyalty_example::app_with(db)
        .basic_credentials(&creds)
        .jwks_source(Arc::new(StaticJwks(jwks)));
    let issuer = format!("https://login.microsoftonline.com/{}/v2.0", emu.tenant_id());
    app.resolve_auth(|k| match k {
        "CLAIMS_JWT_ISSUER" => Some(issuer.clone()),
        "CLAIMS_JWT_AUDIENCE" => Some(support::ENTRA_APP_ID.to_owned()),
        _ => None,
    })
    .unwrap();
    app.validate().unwrap();
    let basic = (creds.username.clone(), creds.password.expose().to_owned());
    (
        app.into_configurator(),
        Setup {
            connectors,
            entra,
            basic,
            _dir: dir,
        },
    )
}

macro_rules! service {
    ($conf:expr) => {
        Rc::new(
            actix_web::test::init_service(actix_web::App::new().configure(|c| $conf.configure(c)))
                .await,
        )
    };
}

impl Setup {
    fn connector(&self, step: ApiConnectorStep) -> ApiConnectorEmulator {
        ApiConnectorEmulator::from_graph(&self.connectors, step)
            .unwrap()
            .with_basic(&self.basic.0, &self.basic.1)
    }

    fn extension(&self, event: EntraEvent) -> EntraEmulator {
        EntraEmulator::from_graph(&self.entra, event).unwrap()
    }
}

#[test]
fn the_exports_register_each_caller_and_list_shows_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let connectors: serde_json::Value =
        serde_json::from_str(&export(dir.path(), &["api-connectors"])).unwrap();
    let steps: Vec<&str> = connectors["apiConnectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["PostAttributeCollection", "PreTokenIssuance"]);
    assert_eq!(
        connectors["apiConnectors"][0]["apiConnector"]["body"]["targetUrl"],
        "https://api.contoso.com/api-connector/sign-up-check"
    );
    // Secrets are placeholders.
    assert_eq!(
        connectors["apiConnectors"][0]["apiConnector"]["body"]["authenticationConfiguration"]["password"],
        "{{apiConnectorPassword}}"
    );
    let entra: serde_json::Value = serde_json::from_str(&export(
        dir.path(),
        &["entra", "--app-id", support::ENTRA_APP_ID],
    ))
    .unwrap();
    let token = entra["entraExtensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "TokenIssuanceStart")
        .unwrap();
    let ext = &token["customAuthenticationExtension"]["body"];
    assert_eq!(ext["clientConfiguration"]["timeoutInMilliseconds"], 1000);
    assert_eq!(
        ext["claimsForTokenConfiguration"],
        json!([{"claimIdInApiResponse": "loyaltyNumber"}, {"claimIdInApiResponse": "loyaltyTier"}, {"claimIdInApiResponse": "marketingTags"}])
    );
    // Deterministic: the same document twice.
    let again = export(dir.path(), &["entra", "--app-id", support::ENTRA_APP_ID]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&again).unwrap(),
        entra
    );

    let list = support::entra_env(
        Command::new(env!("CARGO_BIN_EXE_loyalty"))
            .current_dir(dir.path())
            .arg("list"),
    )
    .output()
    .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    for line in [
        "REST-SignUpCheck\tPOST\t/sign-up-check\tBody",
        "REST-SignUpCheck\tPOST\t/api-connector/sign-up-check\tapi-connector PostAttributeCollection",
        "REST-SignUpCheck\tPOST\t/entra/sign-up-check\tentra AttributeCollectionSubmit",
        "REST-TokenClaims\tPOST\t/entra/token-claims\tentra TokenIssuanceStart",
        // The implicit culture and correlation claims are not listed as part of the route.
        "REST-LookupMember\tGET\t/members/{memberId}\tUrl",
    ] {
        assert!(list.contains(line), "{line:?} in\n{list}");
    }
    assert!(!list.contains("claimsRuntime"), "{list}");
}

#[actix_web::test]
async fn sign_up_check_through_the_b2c_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let db = loyalty_example::db::open(dir.path().join("loyalty.db")).unwrap();
    let creds = generate_dev_basic_credentials();
    let app = loyalty_example::app_with(db).basic_credentials(&creds);
    let xml = app
        .policy(PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            ..PolicyOptions::default()
        })
        .unwrap();
    let emu = Emulator::from_policy(&xml)
        .unwrap()
        .keys(TestKeys::default().basic(creds.username.clone(), creds.password.expose()))
        .in_process(app)
        .await;
    let ok = emu
        .call(
            "REST-SignUpCheck",
            claims! {"email" => "emily@contoso.com", "loyaltyNumber" => "10000001", "givenName" => "emily", "surname" => "braun"},
        )
        .await;
    assert!(ok.is_success(), "{ok}");
    assert_eq!(ok.claim("displayName").as_deref(), Some("Emily Braun"));
    let blocked = emu
        .call("REST-SignUpCheck", claims! {"email" => "x@spam.example"})
        .await;
    assert!(
        matches!(&blocked.user_view, UserView::Page(m) if m.contains("spam.example")),
        "{blocked}"
    );
    let token = emu
        .call("REST-TokenClaims", claims! {"email" => "emily@contoso.com"})
        .await;
    assert_eq!(token.claim("loyaltyTier").as_deref(), Some("gold"));
}

#[actix_web::test]
async fn sign_up_check_through_the_api_connector_emulator() {
    let (conf, s) = setup();
    let svc = service!(conf);
    let c = s.connector(ApiConnectorStep::PostAttributeCollection);
    let ok = c
        .call(
            &svc,
            &json!({"email": "emily@contoso.com", "givenName": "emily", "surname": "braun", LOYALTY: "10000001"}),
        )
        .await;
    assert_eq!(
        ok.outcome,
        ConnectorOutcome::Continue(
            json!({"displayName": "Emily Braun"})
                .as_object()
                .unwrap()
                .clone()
        ),
        "{:?}",
        ok.response
    );
    let wrong = c
        .clone()
        .with_ui_locales(Some("fr-FR"))
        .call(
            &svc,
            &json!({"email": "emily@contoso.com", LOYALTY: "10000002"}),
        )
        .await;
    assert_eq!(
        wrong.outcome,
        ConnectorOutcome::ValidationError(
            "Le numéro de fidélité 10000002 ne correspond pas à cette adresse e-mail.".into()
        )
    );
    let blocked = c.call(&svc, &json!({"email": "eve@spam.example"})).await;
    assert_eq!(
        blocked.outcome,
        ConnectorOutcome::BlockPage(
            "Sign-ups with an address at spam.example are not accepted.".into()
        )
    );
    let invalid = c.call(&svc, &json!({"email": "not-an-email"})).await;
    assert!(
        matches!(invalid.outcome, ConnectorOutcome::ValidationError(_)),
        "{:?}",
        invalid.outcome
    );
}

#[actix_web::test]
async fn sign_up_check_through_the_entra_emulator() {
    let (conf, s) = setup();
    let svc = service!(conf);
    let e = s.extension(EntraEvent::AttributeCollectionSubmit);
    let ok = e
        .call(
            &svc,
            &EntraInput::new()
                .attribute("email", Some("emily@contoso.com"))
                .attribute("givenName", Some("emily"))
                .attribute("surname", Some("braun"))
                .attribute("displayName", Some(""))
                .attribute(LOYALTY, Some("10000001")),
        )
        .await;
    assert_eq!(
        ok.outcome,
        EntraOutcome::Modified(
            json!({"displayName": "Emily Braun"})
                .as_object()
                .unwrap()
                .clone()
        ),
        "{:?}",
        ok.response.map(|r| r.body_text())
    );
    let wrong = e
        .call(
            &svc,
            &EntraInput::new()
                .locale("de-de")
                .attribute("email", Some("emily@contoso.com"))
                .attribute(LOYALTY, Some("10000002")),
        )
        .await;
    match &wrong.outcome {
        EntraOutcome::ValidationError {
            attribute_errors, ..
        } => assert_eq!(
            attribute_errors.get(LOYALTY).map(String::as_str),
            Some("Die Treuenummer 10000002 passt nicht zu dieser E-Mail-Adresse.")
        ),
        other => panic!("{other:?}"),
    }
    let blocked = e
        .call(
            &svc,
            &EntraInput::new().attribute("email", Some("eve@spam.example")),
        )
        .await;
    assert!(
        matches!(blocked.outcome, EntraOutcome::BlockPage { .. }),
        "{:?}",
        blocked.outcome
    );
    assert!(blocked.user_sees().contains("spam.example"));
}

#[actix_web::test]
async fn token_claims_through_the_api_connector_and_entra_emulators() {
    let (conf, s) = setup();
    let svc = service!(conf);
    let c = s.connector(ApiConnectorStep::PreTokenIssuance);
    let o = c.call(&svc, &json!({"email": "emily@contoso.com"})).await;
    match &o.outcome {
        ConnectorOutcome::Continue(claims) => {
            assert_eq!(claims["loyaltyNumber"], "10000001");
            assert_eq!(claims["loyaltyTier"], "gold");
        }
        other => panic!("{other:?}"),
    }
    let e = s.extension(EntraEvent::TokenIssuanceStart);
    let o = e
        .call(&svc, &EntraInput::new().user("mail", "emily@contoso.com"))
        .await;
    match &o.outcome {
        EntraOutcome::TokenClaims(claims) => {
            assert_eq!(claims["loyaltyNumber"], "10000001");
            assert_eq!(claims["loyaltyTier"], "gold");
        }
        other => panic!("{other:?}"),
    }
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);
    // Not a customer: a token all the same, without the loyalty claims.
    let o = e
        .call(
            &svc,
            &EntraInput::new().user("mail", "stranger@example.com"),
        )
        .await;
    assert_eq!(o.outcome, EntraOutcome::TokenClaims(Default::default()));
    // A token for another audience is refused.
    let (req, _) = e.request(&EntraInput::new().user("mail", "emily@contoso.com"));
    let other = e.token_with(&json!({"aud": "11111111-2222-3333-4444-555555555555"}));
    let resp = actix_web::test::call_service(
        &*svc,
        actix_web::test::TestRequest::post()
            .uri("/entra/token-claims")
            .insert_header(("Content-Type", "application/json"))
            .insert_header(("Authorization", format!("Bearer {other}")))
            .set_payload(req.body.clone())
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), 401);
}
