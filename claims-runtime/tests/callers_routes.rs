//! One handler, three callers, over HTTP: each caller's route is mounted from `callers(...)`,
//! authenticated by that caller's guard, decoded from its envelope and answered with its one
//! reply. The API connector and Entra requests come from the emulators of `claims-testing`,
//! configured from the Graph JSON the app exports (`App::api_connectors_document`,
//! `App::entra_document`), with Entra tokens and a PasswordSubmit key generated here.

use std::rc::Rc;
use std::sync::{Arc, Mutex};

use actix_web::test as web;
use claims_runtime::auth::jwt::StaticJwks;
use claims_runtime::prelude::*;
use claims_runtime::{ApiConnectorStep, AuthSpec, Caller, CallerRoute, EntraEvent, HandlerSpec};
use claims_testing::api_connector::{ApiConnectorEmulator, ConnectorOutcome};
use claims_testing::entra::{EntraEmulator, EntraInput, EntraOutcome};
use serde_json::{Value, json};

const BASE: &str = "https://claims.example.com";
const APP_ID: &str = "0e4d7a35-6a0f-4b1e-9d5c-8f2b1c3d4e5f";
const LOYALTY_ATTR: &str = "extension_0123456789abcdef0123456789abcdef_loyaltyNumber";

#[derive(OutputClaims)]
struct Checked {
    #[claim(id = "displayName")]
    display_name: Option<String>,
}

/// Sign-up check: blocks a domain, validates the loyalty number.
#[claims_handler(
    path = "/signup-check",
    auth = Basic,
    callers(
        b2c,
        api_connector(step = PostAttributeCollection),
        entra(event = AttributeCollectionSubmit)
    )
)]
fn signup_check(
    #[claim] email: String,
    #[claim(id = "loyaltyNumber")]
    #[validate(length(equal = 8))]
    loyalty_number: Option<String>,
    #[claim(id = "givenName")] given_name: Option<String>,
) -> Result<Checked, ClaimsError> {
    if email.ends_with("@blocked.example") {
        return Err(ClaimsError::block("domain-blocked"));
    }
    if loyalty_number.as_deref() == Some("00000000") {
        return Err(ClaimsError::user("loyalty-unknown"));
    }
    Ok(Checked {
        display_name: given_name.map(|g| format!("{g} ({email})")),
    })
}

#[derive(OutputClaims)]
struct Token {
    #[claim(id = "loyaltyTier")]
    tier: String,
    #[claim(id = "groups")]
    groups: Vec<String>,
}

/// Token enrichment.
#[claims_handler(
    path = "/enrich",
    auth = Basic,
    callers(
        b2c,
        api_connector(step = PreTokenIssuance),
        entra(event = TokenIssuanceStart)
    )
)]
fn enrich(
    #[claim] email: String,
    #[claim(id = "displayName")] display_name: Option<String>,
) -> Result<Token, ClaimsError> {
    if email.starts_with("nobody@") {
        return Err(ClaimsError::user("loyalty-unknown"));
    }
    Ok(Token {
        tier: display_name.unwrap_or_else(|| "gold".to_owned()),
        groups: vec!["members".to_owned(), "newsletter".to_owned()],
    })
}

#[derive(OutputClaims)]
struct Prefill {
    #[claim(id = "country")]
    country: Option<String>,
}

/// Prefills the country from the language.
#[claims_handler(path = "/prefill", callers(entra(event = AttributeCollectionStart)))]
fn prefill(#[claim(id = "locale")] locale: Option<String>) -> Result<Prefill, ClaimsError> {
    match locale.as_deref() {
        Some("fr-fr") => Ok(Prefill {
            country: Some("FR".into()),
        }),
        Some("xx-xx") => Err(ClaimsError::block("domain-blocked")),
        _ => Ok(Prefill { country: None }),
    }
}

static SENT: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Sends the one-time code.
#[claims_handler(path = "/otp", callers(entra(event = OtpSend)))]
fn send_code(#[claim] email: String, #[claim] code: String) -> Result<(), ClaimsError> {
    if email.ends_with("@down.example") {
        return Err(ClaimsError::internal("the mail relay is down"));
    }
    SENT.lock().unwrap().push((email, code));
    Ok(())
}

#[derive(OutputClaims)]
struct Verdict {
    #[claim(id = "updatePassword")]
    update: bool,
}

/// Checks a password against the legacy store.
#[claims_handler(path = "/password", callers(entra(event = PasswordSubmit)))]
fn check_password(
    #[claim] username: String,
    #[claim] password: String,
) -> Result<Verdict, ClaimsError> {
    if username.starts_with("locked@") {
        return Err(ClaimsError::block("account-locked"));
    }
    match password.as_str() {
        "right-password" => Ok(Verdict { update: false }),
        "weak" => Ok(Verdict { update: true }),
        _ => Err(ClaimsError::user("password-wrong")),
    }
}

/// A B2C-only handler: unchanged by the callers.
#[claims_handler(path = "/plain", auth = Basic)]
fn plain(#[claim] email: String) -> Checked {
    Checked {
        display_name: Some(email),
    }
}

const EN: &str = "domain-blocked = Sign-ups from this domain are not accepted.\n\
loyalty-unknown = This loyalty number is unknown.\n\
account-locked = This account is locked.\n\
password-wrong = Wrong password.\n";
const FR: &str = "domain-blocked = Les inscriptions de ce domaine ne sont pas acceptées.\n\
loyalty-unknown = Ce numéro de fidélité est inconnu.\n\
account-locked = Ce compte est bloqué.\n\
password-wrong = Mot de passe incorrect.\n";

const SPECS: [&HandlerSpec; 6] = [
    signup_check::SPEC,
    enrich::SPEC,
    prefill::SPEC,
    send_code::SPEC,
    check_password::SPEC,
    plain::SPEC,
];

fn app() -> App {
    let mut app = App::empty().messages("en", EN).messages("fr", FR);
    for s in SPECS {
        app = app.handler(s);
    }
    app
}

/// The exported Graph documents the emulators read.
struct Docs {
    connectors: String,
    entra: String,
}

impl Docs {
    fn connector(&self, step: ApiConnectorStep) -> ApiConnectorEmulator {
        ApiConnectorEmulator::from_graph(&self.connectors, step)
            .unwrap()
            .with_basic("b2c", "s3cret")
    }

    fn extension(&self, event: EntraEvent) -> EntraEmulator {
        EntraEmulator::from_graph(&self.entra, event).unwrap()
    }
}

fn env(emu: &EntraEmulator) -> impl Fn(&str) -> Option<String> + use<> {
    let issuer = format!("https://login.microsoftonline.com/{}/v2.0", emu.tenant_id());
    let key = emu.password_key_pem();
    move |k: &str| match k {
        "CLAIMS_BASIC_USERNAME" => Some("b2c".into()),
        "CLAIMS_BASIC_PASSWORD" => Some("s3cret".into()),
        "CLAIMS_JWT_ISSUER" => Some(issuer.clone()),
        "CLAIMS_JWT_AUDIENCE" => Some(APP_ID.into()),
        "CLAIMS_ENTRA_PASSWORD_KEY" => Some(key.clone()),
        _ => None,
    }
}

/// The app configured from its own exported documents and the emulator's keys.
fn configured() -> (claims_runtime::Configurator, Docs) {
    let app = app();
    let connectors = app.api_connectors_document(BASE, None).unwrap();
    let entra = app.entra_document(BASE, APP_ID, None).unwrap();
    let emu = EntraEmulator::from_graph(&entra, EntraEvent::TokenIssuanceStart).unwrap();
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(emu.jwks()).unwrap();
    let mut app = app.jwks_source(Arc::new(StaticJwks(jwks)));
    app.resolve_auth(env(&emu)).unwrap();
    app.validate().unwrap();
    (app.into_configurator(), Docs { connectors, entra })
}

macro_rules! service {
    ($conf:expr) => {
        Rc::new(web::init_service(actix_web::App::new().configure(|c| $conf.configure(c))).await)
    };
}

/// Posts `body` to `path` with `token`, giving status and JSON body.
async fn post<S, B>(svc: &Rc<S>, path: &str, token: Option<&str>, body: &[u8]) -> (u16, Value)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut req = web::TestRequest::post()
        .uri(path)
        .insert_header(("Content-Type", "application/json"))
        .set_payload(body.to_vec());
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    let resp = web::call_service(&**svc, req.to_request()).await;
    let status = resp.status().as_u16();
    let bytes = web::read_body(resp).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[test]
fn every_caller_has_its_route_and_b2c_only_handlers_are_unchanged() {
    let app = app();
    let routes: Vec<(String, &str, &str)> = app
        .routes()
        .into_iter()
        .map(|(s, c, m, p)| (format!("{}:{}", s.technical_profile, c.caller()), m, p))
        .collect();
    for want in [
        ("REST-SignupCheck:b2c".to_owned(), "POST", "/signup-check"),
        (
            "REST-SignupCheck:api-connector".to_owned(),
            "POST",
            "/api-connector/signup-check",
        ),
        (
            "REST-SignupCheck:entra".to_owned(),
            "POST",
            "/entra/signup-check",
        ),
        ("REST-Enrich:entra".to_owned(), "POST", "/entra/enrich"),
        ("REST-Plain:b2c".to_owned(), "POST", "/plain"),
    ] {
        assert!(routes.contains(&want), "{want:?} not in {routes:?}");
    }
    assert_eq!(
        routes
            .iter()
            .filter(|r| r.0.starts_with("REST-Plain"))
            .count(),
        1
    );
    assert_eq!(plain::SPEC.callers, &[CallerRoute::B2c]);
    // The policy holds only the handlers B2C custom policies call.
    let xml = app
        .policy(claims_runtime::policy::PolicyOptions {
            base_url: BASE.into(),
            ..Default::default()
        })
        .unwrap();
    assert!(xml.contains("REST-SignupCheck") && xml.contains("REST-Plain"));
    assert!(!xml.contains("REST-Prefill") && !xml.contains("REST-SendCode"));
    // So does the OpenAPI document (the other callers' routes have their own contracts).
    let doc = app.openapi(Default::default()).unwrap();
    assert!(
        doc.contains("/signup-check") && !doc.contains("/prefill"),
        "{doc}"
    );
}

#[test]
fn deadlines_follow_the_caller() {
    use claims_runtime::request::effective_deadline_ms;
    let s = enrich::SPEC;
    assert_eq!(
        effective_deadline_ms(s, Caller::B2cTechnicalProfile, 8000),
        8000
    );
    assert_eq!(effective_deadline_ms(s, Caller::ApiConnector, 8000), 4500);
    assert_eq!(effective_deadline_ms(s, Caller::EntraExtension, 8000), 900);
    // A shorter app default wins; a declared deadline is the handler's own.
    assert_eq!(effective_deadline_ms(s, Caller::EntraExtension, 300), 300);
    static SLOW: HandlerSpec =
        HandlerSpec::new("REST-Slow", "/slow", claims_runtime::SendClaimsIn::Body)
            .with_deadline_ms(3000)
            .with_callers(&[CallerRoute::Entra {
                event: EntraEvent::OtpSend,
                path: "/entra/slow",
            }]);
    assert_eq!(
        effective_deadline_ms(&SLOW, Caller::EntraExtension, 8000),
        3000
    );
}

#[actix_web::test]
async fn b2c_route_of_a_multi_caller_handler_answers_flat_claims() {
    let (conf, _) = configured();
    let svc = service!(conf);
    let req = web::TestRequest::post()
        .uri("/signup-check")
        .insert_header(("Authorization", "Basic YjJjOnMzY3JldA=="))
        .set_json(json!({"email": "ann@example.com", "givenName": "Ann"}))
        .to_request();
    let resp = web::call_service(&*svc, req).await;
    assert_eq!(resp.status(), 200);
    let body: Value = web::read_body_json(resp).await;
    assert_eq!(body, json!({"displayName": "Ann (ann@example.com)"}));
}

#[actix_web::test]
async fn api_connector_post_attribute_collection_every_action() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let c = h.connector(ApiConnectorStep::PostAttributeCollection);
    let ok = c
        .call(
            &svc,
            &json!({"email": "ann@example.com", "givenName": "Ann", LOYALTY_ATTR: "12345678"}),
        )
        .await;
    assert_eq!(
        ok.outcome,
        ConnectorOutcome::Continue(
            json!({"displayName": "Ann (ann@example.com)"})
                .as_object()
                .unwrap()
                .clone()
        ),
        "{:?}",
        ok.response
    );
    // A validation rule on the extension attribute: ValidationError (HTTP 400).
    let bad = c
        .call(
            &svc,
            &json!({"email": "ann@example.com", LOYALTY_ATTR: "123"}),
        )
        .await;
    assert!(
        matches!(&bad.outcome, ConnectorOutcome::ValidationError(m) if m.contains("loyaltyNumber")),
        "{:?}",
        bad.outcome
    );
    assert_eq!(bad.response.as_ref().unwrap().status, 400);
    // A business rejection in the user's language (ui_locales).
    let fr = c
        .clone()
        .with_ui_locales(Some("fr-FR"))
        .call(
            &svc,
            &json!({"email": "ann@example.com", LOYALTY_ATTR: "00000000"}),
        )
        .await;
    assert_eq!(
        fr.outcome,
        ConnectorOutcome::ValidationError("Ce numéro de fidélité est inconnu.".into())
    );
    // An explicit block.
    let blocked = c.call(&svc, &json!({"email": "eve@blocked.example"})).await;
    assert_eq!(
        blocked.outcome,
        ConnectorOutcome::BlockPage("Sign-ups from this domain are not accepted.".into())
    );
    // A missing required claim is a validation error too.
    let missing = c.call(&svc, &json!({"givenName": "Ann"})).await;
    assert!(
        matches!(missing.outcome, ConnectorOutcome::ValidationError(_)),
        "{:?}",
        missing.outcome
    );
}

#[actix_web::test]
async fn api_connector_pre_token_continue_and_failure() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let c = h.connector(ApiConnectorStep::PreTokenIssuance);
    let ok = c
        .call(
            &svc,
            &json!({"email": "ann@example.com", "displayName": "silver"}),
        )
        .await;
    assert_eq!(
        ok.outcome,
        ConnectorOutcome::Continue(
            json!({"loyaltyTier": "silver", "groups": ["members", "newsletter"]})
                .as_object()
                .unwrap()
                .clone()
        )
    );
    // PreTokenIssuance allows only Continue: a rejection is a failed call, not a 400.
    let no = c.call(&svc, &json!({"email": "nobody@example.com"})).await;
    assert!(
        matches!(no.outcome, ConnectorOutcome::Failed(_)),
        "{:?}",
        no.outcome
    );
    assert_eq!(no.response.unwrap().status, 500);
}

#[actix_web::test]
async fn api_connector_routes_need_basic_and_refuse_other_bodies() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let c =
        ApiConnectorEmulator::from_graph(&h.connectors, ApiConnectorStep::PostAttributeCollection)
            .unwrap();
    let anonymous = c.call(&svc, &json!({"email": "ann@example.com"})).await;
    assert_eq!(anonymous.response.unwrap().status, 401);
    // Not the API connector's JSON: its error body, version included.
    let req = web::TestRequest::post()
        .uri("/api-connector/signup-check")
        .insert_header(("Authorization", "Basic YjJjOnMzY3JldA=="))
        .insert_header(("Content-Type", "application/json"))
        .set_payload("[1,2")
        .to_request();
    let resp = web::call_service(&*svc, req).await;
    assert_eq!(resp.status(), 400);
    let body: Value = web::read_body_json(resp).await;
    assert_eq!(body["version"], "1.0.0");
    assert_eq!(body["status"], 400);
    // A request for another step is refused.
    let (status, _) = {
        let req = web::TestRequest::post()
            .uri("/api-connector/signup-check")
            .insert_header(("Authorization", "Basic YjJjOnMzY3JldA=="))
            .set_json(json!({"email": "ann@example.com", "step": "PreTokenIssuance"}))
            .to_request();
        let resp = web::call_service(&*svc, req).await;
        (resp.status().as_u16(), ())
    };
    assert_eq!(status, 400);
    // Only POST.
    let req = web::TestRequest::get()
        .uri("/api-connector/signup-check")
        .to_request();
    assert_eq!(web::call_service(&*svc, req).await.status(), 405);
}

#[actix_web::test]
async fn entra_attribute_collection_submit_every_action() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let e = h.extension(EntraEvent::AttributeCollectionSubmit);
    let ok = e
        .call(
            &svc,
            &EntraInput::new()
                .attribute("email", Some("ann@example.com"))
                .attribute("givenName", Some("Ann"))
                .attribute(LOYALTY_ATTR, Some("12345678")),
        )
        .await;
    assert_eq!(
        ok.outcome,
        EntraOutcome::Modified(json!({}).as_object().unwrap().clone()),
        "displayName is not collected by this flow, so Entra ignores it: {:?}",
        ok.response.map(|r| r.body_text())
    );
    let cont = e
        .call(
            &svc,
            &EntraInput::new().attribute("email", Some("ann@example.com")),
        )
        .await;
    assert_eq!(cont.outcome, EntraOutcome::Continue);
    // One message per attribute, keyed by the attribute's own name, in client.locale.
    let bad = e
        .call(
            &svc,
            &EntraInput::new()
                .locale("fr-fr")
                .attribute("email", Some("ann@example.com"))
                .attribute(LOYALTY_ATTR, Some("123")),
        )
        .await;
    match &bad.outcome {
        EntraOutcome::ValidationError {
            attribute_errors, ..
        } => assert!(
            attribute_errors.contains_key(LOYALTY_ATTR),
            "{attribute_errors:?}"
        ),
        other => panic!("{other:?}"),
    }
    let blocked = e
        .call(
            &svc,
            &EntraInput::new().attribute("email", Some("eve@blocked.example")),
        )
        .await;
    assert_eq!(
        blocked.outcome,
        EntraOutcome::BlockPage {
            title: None,
            message: Some("Sign-ups from this domain are not accepted.".into())
        }
    );
    let unknown = e
        .call(
            &svc,
            &EntraInput::new()
                .locale("fr-fr")
                .attribute("email", Some("ann@example.com"))
                .attribute(LOYALTY_ATTR, Some("00000000")),
        )
        .await;
    assert!(
        matches!(&unknown.outcome, EntraOutcome::ValidationError { message, .. } if message == "Ce numéro de fidélité est inconnu."),
        "{:?}",
        unknown.outcome
    );
}

#[actix_web::test]
async fn entra_modify_attribute_values_reach_collected_attributes() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let e = h.extension(EntraEvent::AttributeCollectionSubmit);
    let ok = e
        .call(
            &svc,
            &EntraInput::new()
                .attribute("email", Some("ann@example.com"))
                .attribute("givenName", Some("Ann"))
                .attribute("displayName", Some("")),
        )
        .await;
    assert_eq!(
        ok.outcome,
        EntraOutcome::Modified(
            json!({"displayName": "Ann (ann@example.com)"})
                .as_object()
                .unwrap()
                .clone()
        )
    );
}

#[actix_web::test]
async fn entra_token_issuance_claims_and_the_3kb_limit() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let e = h.extension(EntraEvent::TokenIssuanceStart);
    let ok = e
        .call(
            &svc,
            &EntraInput::new()
                .user("mail", "ann@example.com")
                .user("displayName", "gold"),
        )
        .await;
    match &ok.outcome {
        EntraOutcome::TokenClaims(c) => {
            assert_eq!(c["loyaltyTier"], "gold");
            assert_eq!(c["groups"], json!(["members", "newsletter"]));
        }
        other => panic!("{other:?}"),
    }
    assert!(ok.warnings.is_empty(), "{:?}", ok.warnings);
    let big = "x".repeat(3100);
    let over = e
        .call(
            &svc,
            &EntraInput::new()
                .user("mail", "ann@example.com")
                .user("displayName", &big),
        )
        .await;
    assert!(
        matches!(over.outcome, EntraOutcome::Failed { .. }),
        "{:?}",
        over.outcome
    );
    assert_eq!(over.response.unwrap().status, 500);
    // A rejection has no action at TokenIssuanceStart: a failed call, no token.
    let no = e
        .call(&svc, &EntraInput::new().user("mail", "nobody@example.com"))
        .await;
    assert!(matches!(no.outcome, EntraOutcome::Failed { .. }));
    assert!(no.user_sees().contains("no token"));
}

#[actix_web::test]
async fn entra_attribute_collection_start_prefill_continue_block() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let e = h.extension(EntraEvent::AttributeCollectionStart);
    let fr = e
        .call(
            &svc,
            &EntraInput::new().locale("fr-fr").attribute("country", None),
        )
        .await;
    assert_eq!(
        fr.outcome,
        EntraOutcome::Prefilled(json!({"country": "FR"}).as_object().unwrap().clone())
    );
    let en = e
        .call(&svc, &EntraInput::new().attribute("country", None))
        .await;
    assert_eq!(en.outcome, EntraOutcome::Continue);
    let xx = e.call(&svc, &EntraInput::new().locale("xx-xx")).await;
    assert!(
        matches!(xx.outcome, EntraOutcome::BlockPage { .. }),
        "{:?}",
        xx.outcome
    );
}

#[actix_web::test]
async fn entra_otp_send_gets_address_and_code_and_a_failure_falls_back() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let e = h.extension(EntraEvent::OtpSend);
    assert!(e.registration().fallback_on_error);
    let ok = e
        .call(&svc, &EntraInput::new().otp("ann@example.com", "123456"))
        .await;
    assert_eq!(ok.outcome, EntraOutcome::Continue);
    assert!(
        SENT.lock()
            .unwrap()
            .contains(&("ann@example.com".into(), "123456".into()))
    );
    let down = e
        .call(&svc, &EntraInput::new().otp("ann@down.example", "654321"))
        .await;
    assert!(matches!(down.outcome, EntraOutcome::Failed { .. }));
    assert!(
        down.user_sees().contains("fallback"),
        "{}",
        down.user_sees()
    );
    assert!(!down.response.unwrap().body_text().contains("654321"));
}

#[actix_web::test]
async fn entra_password_submit_decrypts_and_answers_each_action_with_the_nonce() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let e = h.extension(EntraEvent::PasswordSubmit);
    for (user, password, want) in [
        (
            "ann@example.com",
            "right-password",
            claims_runtime::callers::EntraAction::MigratePassword,
        ),
        (
            "ann@example.com",
            "weak",
            claims_runtime::callers::EntraAction::UpdatePassword,
        ),
        (
            "ann@example.com",
            "wrong",
            claims_runtime::callers::EntraAction::Retry,
        ),
        (
            "locked@example.com",
            "x",
            claims_runtime::callers::EntraAction::Block,
        ),
    ] {
        let call = e
            .call(&svc, &EntraInput::new().password(user, password))
            .await;
        assert_eq!(
            call.outcome,
            EntraOutcome::Password(want),
            "{password}: {:?}",
            call.response
        );
    }
}

#[actix_web::test]
async fn entra_guard_matrix_over_http() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let e = h.extension(EntraEvent::OtpSend);
    let (request, _) = e.request(&EntraInput::new().otp("ann@example.com", "1"));
    let body = request.body.clone();
    let path = "/entra/otp";
    let tid = e.tenant_id();
    let v1_issuer = format!("https://sts.windows.net/{tid}/");
    let cases: Vec<(&str, Option<String>, u16)> = vec![
        ("v2 token", Some(e.token()), 200),
        (
            "v1 token",
            Some(e.token_with(&json!({"ver": "1.0", "iss": v1_issuer, "appid": claims_core_first_party(), "azp": null}))),
            200,
        ),
        ("no token", None, 401),
        ("wrong azp", Some(e.token_with(&json!({"azp": "11111111-1111-1111-1111-111111111111"}))), 403),
        ("wrong aud", Some(e.token_with(&json!({"aud": "22222222-2222-2222-2222-222222222222"}))), 401),
        (
            "wrong issuer",
            Some(e.token_with(&json!({"iss": "https://login.microsoftonline.com/33333333-3333-3333-3333-333333333333/v2.0"}))),
            401,
        ),
        ("v2 token with the v1 issuer", Some(e.token_with(&json!({"iss": v1_issuer}))), 401),
        ("expired", Some(e.token_with(&json!({"exp": 1_000_000, "nbf": 999_000, "iat": 999_000}))), 401),
    ];
    for (name, token, want) in cases {
        let (status, _) = post(&svc, path, token.as_deref(), &body).await;
        assert_eq!(status, want, "{name}");
    }
}

fn claims_core_first_party() -> &'static str {
    "99045fe1-7639-4a75-9d4a-577b6ca3810f"
}

#[actix_web::test]
async fn entra_unexpected_bodies_get_the_error_contract() {
    let (conf, h) = configured();
    let svc = service!(conf);
    let e = h.extension(EntraEvent::OtpSend);
    let token = e.token();
    let (status, body) = post(&svc, "/entra/otp", Some(&token), b"not json").await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].is_string(), "{body}");
    // Another event's envelope on this route.
    let other = h.extension(EntraEvent::TokenIssuanceStart);
    let (req, _) = other.request(&EntraInput::new().user("mail", "ann@example.com"));
    let (status, _) = post(&svc, "/entra/otp", Some(&token), &req.body).await;
    assert_eq!(status, 400);
    // Tolerated spellings: `@odata.Type`, `onetimecode`, trailing commas.
    let tolerant = br#"{"type": "microsoft.graph.authenticationEvent.emailOtpSend",
        "data": {"@odata.Type": "microsoft.graph.onOtpSendCalloutData", "tenantId": "t",
          "authenticationContext": {"correlationId": "c", "client": {"locale": "en-us"},},
          "otpContext": {"identifier": "tolerant@example.com", "onetimecode": "777777"},},}"#;
    let (status, body) = post(&svc, "/entra/otp", Some(&token), tolerant).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        SENT.lock()
            .unwrap()
            .contains(&("tolerant@example.com".into(), "777777".into()))
    );
}

#[test]
fn startup_refuses_incomplete_caller_settings() {
    // No JWT settings with an Entra route.
    let mut a = app();
    let err = a
        .resolve_auth(|k| match k {
            "CLAIMS_BASIC_USERNAME" => Some("u".into()),
            "CLAIMS_BASIC_PASSWORD" => Some("p".into()),
            _ => None,
        })
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("REST-SendCode answers Entra") && err.contains("CLAIMS_JWT_JWKS"),
        "{err}"
    );
    assert!(err.contains("CLAIMS_ENTRA_PASSWORD_KEY"), "{err}");
    // An API connector cannot send an API key.
    static KEYED: HandlerSpec =
        HandlerSpec::new("REST-Keyed", "/keyed", claims_runtime::SendClaimsIn::Body)
            .with_auth(AuthSpec::ApiKeyHeader("x-api-key"))
            .with_callers(&[CallerRoute::ApiConnector {
                step: ApiConnectorStep::PostAttributeCollection,
                path: "/api-connector/keyed",
            }]);
    let err = claims_runtime::auth::AuthConfig::load([&KEYED], |k| {
        (k == "CLAIMS_API_KEY").then(|| "k".to_owned())
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("REST-Keyed answers a B2C API connector"),
        "{err}"
    );
}

/// Slow on purpose: past its deadline on the Entra route.
#[claims_handler(path = "/slow", deadline_ms = 50, callers(entra(event = OtpSend)))]
async fn slow(#[claim] email: String) -> Result<(), ClaimsError> {
    actix_web::rt::time::sleep(std::time::Duration::from_millis(400)).await;
    let _ = email;
    Ok(())
}

/// After federation: a user error shows the block page (the step has no validation page).
#[claims_handler(
    path = "/federated",
    auth = Basic,
    callers(api_connector(step = PostFederationSignup))
)]
fn federated(#[claim] email: String) -> Result<Checked, ClaimsError> {
    if email.ends_with("@blocked.example") {
        return Err(ClaimsError::user("domain-blocked"));
    }
    Ok(Checked {
        display_name: Some(email),
    })
}

/// Declares a deadline Entra never waits for.
#[claims_handler(path = "/too-slow", deadline_ms = 3000, callers(b2c, entra(event = OtpSend)))]
fn too_slow(#[claim] email: String) {
    let _ = email;
}

#[actix_web::test]
async fn a_deadline_past_on_an_entra_route_is_a_failed_call() {
    let app = App::empty().messages("en", EN).handler(slow::SPEC);
    let doc = app.entra_document(BASE, APP_ID, None).unwrap();
    let e = EntraEmulator::from_graph(&doc, EntraEvent::OtpSend).unwrap();
    // The export leaves the handler its deadline plus the network margin.
    assert_eq!(e.registration().timeout_ms, 200);
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(e.jwks()).unwrap();
    let mut app = app.jwks_source(Arc::new(StaticJwks(jwks)));
    app.resolve_auth(env(&e)).unwrap();
    let conf = app.into_configurator();
    let svc = service!(conf);
    let started = std::time::Instant::now();
    let call = e
        .call(&svc, &EntraInput::new().otp("ann@example.com", "1"))
        .await;
    assert!(started.elapsed() < std::time::Duration::from_millis(350));
    assert!(
        matches!(call.outcome, EntraOutcome::Failed { .. }),
        "{:?}",
        call.outcome
    );
    assert_eq!(call.response.unwrap().status, 500);
}

#[actix_web::test]
async fn post_federation_signup_user_errors_show_the_block_page() {
    let app = App::empty().messages("en", EN).handler(federated::SPEC);
    let doc = app
        .api_connectors_document(BASE, Some("B2C_1_signup"))
        .unwrap();
    assert!(
        doc.contains("b2cUserFlows/B2C_1_signup/apiConnectorConfiguration/postFederationSignup")
    );
    let mut app = app;
    app.resolve_auth(|k| match k {
        "CLAIMS_BASIC_USERNAME" => Some("b2c".into()),
        "CLAIMS_BASIC_PASSWORD" => Some("s3cret".into()),
        _ => None,
    })
    .unwrap();
    let conf = app.into_configurator();
    let svc = service!(conf);
    let c = ApiConnectorEmulator::from_graph(&doc, ApiConnectorStep::PostFederationSignup)
        .unwrap()
        .with_basic("b2c", "s3cret");
    let blocked = c.call(&svc, &json!({"email": "eve@blocked.example"})).await;
    assert_eq!(
        blocked.outcome,
        ConnectorOutcome::BlockPage("Sign-ups from this domain are not accepted.".into())
    );
    let ok = c.call(&svc, &json!({"email": "ann@example.com"})).await;
    assert!(
        matches!(ok.outcome, ConnectorOutcome::Continue(_)),
        "{:?}",
        ok.outcome
    );
}

#[test]
fn a_deadline_longer_than_the_caller_waits_refuses_the_start() {
    let err = App::empty()
        .handler(too_slow::SPEC)
        .validate()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("REST-TooSlow answers the entra caller, which waits at most 2000 ms, but its deadline is 3000 ms"),
        "{err}"
    );
}
