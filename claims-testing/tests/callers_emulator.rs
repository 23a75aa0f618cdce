//! The API connector and Entra emulators, driven by exported Graph documents, against small
//! hand-written actix handlers that use the runtime's caller codec.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::{App, HttpRequest, HttpResponse, test, web};
use claims_core::callers::{ApiConnectorStep, EntraAction, EntraEvent};
use claims_core::spec::{DataType, HandlerSpec, OutputClaimSpec, SendClaimsIn};
use claims_export::graph::{ApiConnectorBinding, Binding, EntraBinding, render};
use claims_runtime::auth::jwt::StaticJwks;
use claims_runtime::auth::jwt::entra::{EntraTokenSettings, EntraTokenValidator};
use claims_runtime::callers::AttributeValue;
use claims_runtime::callers::api_connector::{ApiConnectorReply, ApiConnectorRequest};
use claims_runtime::callers::entra::{EntraReply, EntraRequest, TokenClaim};
use claims_runtime::callers::password::PasswordDecryptor;
use claims_testing::entra::TENANT_ID;
use claims_testing::{
    ApiConnectorEmulator, ConnectorOutcome, EntraEmulator, EntraInput, EntraOutcome,
};
use serde_json::{Value, json};

const APP_ID: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const BASIC: &str = "Basic Yjpj"; // b:c

static OUTPUTS: [OutputClaimSpec; 2] = [
    OutputClaimSpec::new("loyaltyNumber", DataType::String),
    OutputClaimSpec::new("isNewMember", DataType::Boolean).with_partner("isNew"),
];

fn spec() -> HandlerSpec {
    HandlerSpec::new("REST-Member", "/member", SendClaimsIn::Body)
        .with_display_name("Member")
        .with_outputs(&OUTPUTS)
}

fn url(path: &str) -> String {
    format!("https://svc.example.com{path}")
}

fn entra_emu(
    event: EntraEvent,
    path: &str,
    f: impl Fn(EntraBinding) -> EntraBinding,
) -> EntraEmulator {
    let mut b = EntraBinding::new(event, url(path), APP_ID);
    if event == EntraEvent::PasswordSubmit {
        b = b.with_migration_property("extension_0123_toBeMigrated");
    }
    let doc = render(&spec(), &[Binding::Entra(f(b))]).unwrap();
    EntraEmulator::from_graph(&doc, event).unwrap()
}

fn connector_emu(step: ApiConnectorStep, path: &str) -> ApiConnectorEmulator {
    let doc = render(&spec(), &[ApiConnectorBinding::new(step, url(path)).into()]).unwrap();
    ApiConnectorEmulator::from_graph(&doc, step)
        .unwrap()
        .with_basic("b", "c")
}

struct State {
    tokens: EntraTokenValidator,
    passwords: PasswordDecryptor,
}

fn json_response(w: claims_runtime::callers::WireReply) -> HttpResponse {
    w.into_response()
}

async fn connector(req: HttpRequest, body: web::Bytes) -> HttpResponse {
    if req
        .headers()
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        != Some(BASIC)
    {
        return HttpResponse::Unauthorized().finish();
    }
    let r = match ApiConnectorRequest::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return HttpResponse::BadRequest().body(e.to_string()),
    };
    let reply = if r.attribute("postalCode").and_then(AttributeValue::as_str) == Some("bad") {
        ApiConnectorReply::ValidationError {
            user_message: "Enter a valid postal code.".into(),
        }
    } else if r.email().is_some_and(|e| e.ends_with("@blocked.example")) {
        ApiConnectorReply::ShowBlockPage {
            user_message: "Sign-up is closed for this domain.".into(),
        }
    } else {
        let n = r
            .attribute("LoyaltyNumber")
            .map_or("new".into(), AttributeValue::to_text);
        ApiConnectorReply::continue_with([
            ("extension_LoyaltyNumber", json!(n)),
            ("isNew", json!(true)),
        ])
    };
    match reply.encode(r.step) {
        Ok(w) => json_response(w),
        // The step does not allow the action: a block page is the safe fallback.
        Err(_) => json_response(
            ApiConnectorReply::ShowBlockPage {
                user_message: reply_message(&reply),
            }
            .encode(r.step)
            .unwrap_or_else(|_| ApiConnectorReply::continue_().encode(r.step).unwrap()),
        ),
    }
}

fn reply_message(r: &ApiConnectorReply) -> String {
    match r {
        ApiConnectorReply::ValidationError { user_message } => user_message.clone(),
        _ => String::new(),
    }
}

async fn raw(path: web::Path<String>) -> HttpResponse {
    let json = |status: u16, v: Value| {
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
            .content_type("application/json")
            .body(v.to_string())
    };
    let action = |t: &str| json!({"@odata.type": t});
    match path.as_str() {
        "validation-200" => json(
            200,
            json!({"version": "1.0.0", "status": 400, "action": "ValidationError", "userMessage": "m"}),
        ),
        "validation-400" => json(
            400,
            json!({"version": "1.0.0", "status": 400, "action": "ValidationError", "userMessage": "m"}),
        ),
        "crash" => HttpResponse::InternalServerError().body("boom"),
        "no-version" => json(200, json!({"action": "Continue"})),
        "two-actions" => json(
            200,
            json!({"data": {"@odata.type": "microsoft.graph.onTokenIssuanceStartResponseData",
            "actions": [action("microsoft.graph.tokenIssuanceStart.provideClaimsForToken"), action("microsoft.graph.tokenIssuanceStart.provideClaimsForToken")]}}),
        ),
        "wrong-action" => json(
            200,
            json!({"data": {"@odata.type": "microsoft.graph.onOtpSendResponseData".replace("onOtp", "OnOtp"),
            "actions": [action("microsoft.graph.attributeCollectionSubmit.showBlockPage")]}}),
        ),
        "text" => HttpResponse::Ok().content_type("text/plain").body("ok"),
        "status-400" => json(
            400,
            json!({"data": {"@odata.type": "microsoft.graph.onAttributeCollectionSubmitResponseData",
            "actions": [{"@odata.type": "microsoft.graph.attributeCollectionSubmit.showValidationError", "message": "m", "attributeErrors": {}}]}}),
        ),
        "big-claims" => json(
            200,
            json!({"data": {"@odata.type": "microsoft.graph.onTokenIssuanceStartResponseData",
            "actions": [{"@odata.type": "microsoft.graph.tokenIssuanceStart.provideClaimsForToken", "claims": {"loyaltyNumber": "x".repeat(3100)}}]}}),
        ),
        "bool-claim" => json(
            200,
            json!({"data": {"@odata.type": "microsoft.graph.onTokenIssuanceStartResponseData",
            "actions": [{"@odata.type": "microsoft.graph.tokenIssuanceStart.provideClaimsForToken", "claims": {"isNew": true}}]}}),
        ),
        "string-for-int" => json(
            200,
            json!({"data": {"@odata.type": "microsoft.graph.onAttributeCollectionSubmitResponseData",
            "actions": [{"@odata.type": "microsoft.graph.attributeCollectionSubmit.modifyAttributeValues", "attributes": {"extension_0123456789abcdef0123456789abcdef_Age": "42"}}]}}),
        ),
        "wrong-nonce" => json(
            200,
            json!({"data": {"@odata.type": "microsoft.graph.onPasswordSubmitResponseData", "nonce": "not-it",
            "actions": [action("microsoft.graph.passwordSubmit.MigratePassword")]}}),
        ),
        "empty" => HttpResponse::Ok().content_type("application/json").finish(),
        _ => HttpResponse::NotFound().finish(),
    }
}

async fn slow() -> HttpResponse {
    actix_web::rt::time::sleep(std::time::Duration::from_millis(400)).await;
    json_response(
        EntraReply::ContinueWithDefaultBehavior
            .encode_for(EntraEvent::OtpSend, None, None)
            .unwrap(),
    )
}

async fn entra(req: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let token = req
        .headers()
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    if let Err(e) = state.tokens.validate(token) {
        return HttpResponse::build(e.status()).finish();
    }
    let r = match EntraRequest::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return HttpResponse::BadRequest().body(e.to_string()),
    };
    let mut nonce = None;
    let reply = match r.event {
        EntraEvent::TokenIssuanceStart => {
            let mail = r
                .context
                .user
                .as_ref()
                .and_then(|u| u.mail.clone())
                .unwrap_or_default();
            EntraReply::ProvideClaimsForToken(BTreeMap::from([
                (
                    "loyaltyNumber".to_owned(),
                    TokenClaim::from(format!("L-{mail}")),
                ),
                ("unmapped".to_owned(), TokenClaim::from("x")),
            ]))
        }
        EntraEvent::AttributeCollectionStart => EntraReply::SetPrefillValues(BTreeMap::from([
            ("city".to_owned(), AttributeValue::from("Oslo")),
            ("Age".to_owned(), AttributeValue::from("42")),
        ])),
        EntraEvent::AttributeCollectionSubmit => {
            let s = r.sign_up.clone().unwrap_or_default();
            if s.value("postalCode").and_then(AttributeValue::as_str) == Some("bad") {
                EntraReply::ShowValidationError {
                    message: "Please check the form.".into(),
                    attribute_errors: BTreeMap::from([(
                        "postalCode".to_owned(),
                        "Not a postal code.".to_owned(),
                    )]),
                }
            } else if s.value("givenName").and_then(AttributeValue::as_str) == Some("blocked") {
                EntraReply::ShowBlockPage {
                    title: Some("Sorry".into()),
                    message: Some("Sign-up is closed.".into()),
                }
            } else {
                let given = s
                    .value("givenName")
                    .map(AttributeValue::to_text)
                    .unwrap_or_default();
                EntraReply::ModifyAttributeValues(BTreeMap::from([
                    (
                        "givenName".to_owned(),
                        AttributeValue::from(given.to_uppercase()),
                    ),
                    ("Age".to_owned(), AttributeValue::from("43")),
                ]))
            }
        }
        EntraEvent::OtpSend => EntraReply::ContinueWithDefaultBehavior,
        EntraEvent::PasswordSubmit => {
            let Some(jwe) = r.encrypted_password_context.as_deref() else {
                return HttpResponse::BadRequest().finish();
            };
            match state.passwords.decrypt(jwe) {
                Ok(ctx) => {
                    nonce = Some(ctx.nonce.clone());
                    match ctx.password.as_str() {
                        "right" => EntraReply::MigratePassword,
                        "weak" => EntraReply::UpdatePassword,
                        "locked" => EntraReply::Block {
                            title: Some("Locked".into()),
                            message: Some("Call us.".into()),
                        },
                        _ => EntraReply::Retry,
                    }
                }
                Err(_) => return HttpResponse::InternalServerError().finish(),
            }
        }
    };
    match reply.encode(&r, nonce.as_deref()) {
        Ok(w) => json_response(w),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

async fn service() -> Rc<
    impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
> {
    let probe = entra_emu(EntraEvent::OtpSend, "/entra", |b| b);
    let keys = serde_json::from_value(probe.jwks()).unwrap();
    let tokens = EntraTokenValidator::new(
        EntraTokenSettings::new(TENANT_ID, APP_ID).with_target_host("svc.example.com"),
        Arc::new(StaticJwks(keys)),
    )
    .unwrap();
    tokens.jwt().refresh().unwrap();
    let passwords = PasswordDecryptor::from_pem(&probe.password_key_pem()).unwrap();
    let state = web::Data::new(State { tokens, passwords });
    Rc::new(
        test::init_service(
            App::new()
                .app_data(state)
                .route("/connector", web::post().to(connector))
                .route("/raw/{case}", web::post().to(raw))
                .route("/slow", web::post().to(slow))
                .route("/entra", web::post().to(entra)),
        )
        .await,
    )
}

#[actix_web::test]
async fn api_connector_replies() {
    let svc = service().await;
    let emu = connector_emu(ApiConnectorStep::PostAttributeCollection, "/connector");
    let call = emu
        .call(&svc, &json!({"email": "ann@example.com", "extension_0123456789abcdef0123456789abcdef_LoyaltyNumber": "L-7", "city": null}))
        .await;
    assert_eq!(
        call.outcome,
        ConnectorOutcome::Continue(
            json!({"extension_LoyaltyNumber": "L-7", "isNew": true})
                .as_object()
                .unwrap()
                .clone()
        )
    );
    let sent: Value = serde_json::from_slice(&call.request.body).unwrap();
    assert_eq!(sent["step"], "PostAttributeCollection");
    assert_eq!(sent["ui_locales"], "en-US");
    assert!(
        sent.get("city").is_none(),
        "attributes without a value are not sent"
    );

    let call = emu
        .call(
            &svc,
            &json!({"email": "x@example.com", "postalCode": "bad"}),
        )
        .await;
    assert_eq!(
        call.outcome,
        ConnectorOutcome::ValidationError("Enter a valid postal code.".into())
    );
    assert_eq!(call.response.as_ref().unwrap().status, 400);
    assert!(call.user_sees().contains("Enter a valid postal code."));

    let call = emu.call(&svc, &json!({"email": "x@blocked.example"})).await;
    assert_eq!(
        call.outcome,
        ConnectorOutcome::BlockPage("Sign-up is closed for this domain.".into())
    );

    // After federation a validation error is not allowed: the handler falls back to a block page.
    let fed = connector_emu(ApiConnectorStep::PostFederationSignup, "/connector");
    let call = fed.call(&svc, &json!({"postalCode": "bad"})).await;
    assert_eq!(
        call.outcome,
        ConnectorOutcome::BlockPage("Enter a valid postal code.".into())
    );
}

#[actix_web::test]
async fn api_connector_rules() {
    let svc = service().await;
    let failed = |o: &ConnectorOutcome, needle: &str| match o {
        ConnectorOutcome::Failed(why) => assert!(why.contains(needle), "{needle:?} not in {why}"),
        other => panic!("expected a failure, got {other:?}"),
    };
    let at = |step, path: &str| connector_emu(step, path);
    let post = ApiConnectorStep::PostAttributeCollection;
    failed(
        &at(post, "/raw/validation-200")
            .call(&svc, &json!({}))
            .await
            .outcome,
        "HTTP 400",
    );
    failed(
        &at(
            ApiConnectorStep::PostFederationSignup,
            "/raw/validation-400",
        )
        .call(&svc, &json!({}))
        .await
        .outcome,
        "not allowed at step PostFederationSignup",
    );
    let crash = at(post, "/raw/crash").call(&svc, &json!({})).await;
    failed(&crash.outcome, "HTTP 500");
    assert!(crash.user_sees().contains("generic error"));
    failed(
        &at(post, "/raw/no-version")
            .call(&svc, &json!({}))
            .await
            .outcome,
        "version",
    );
    let doc = render(
        &spec(),
        &[ApiConnectorBinding::new(post, url("/connector")).into()],
    )
    .unwrap();
    let no_auth = ApiConnectorEmulator::from_graph(&doc, post).unwrap();
    failed(&no_auth.call(&svc, &json!({})).await.outcome, "HTTP 401");
    assert!(ApiConnectorEmulator::from_graph(&doc, ApiConnectorStep::PreTokenIssuance).is_err());
}

#[actix_web::test]
async fn entra_token_issuance_start() {
    let svc = service().await;
    let emu = entra_emu(EntraEvent::TokenIssuanceStart, "/entra", |b| b);
    let call = emu
        .call(&svc, &EntraInput::new().user("mail", "ann@example.com"))
        .await;
    assert_eq!(
        call.outcome,
        EntraOutcome::TokenClaims(BTreeMap::from([(
            "loyaltyNumber".to_owned(),
            json!("L-ann@example.com")
        )]))
    );
    assert!(
        call.warnings
            .iter()
            .any(|w| w.contains("unmapped") && w.contains("never reaches a token")),
        "{:?}",
        call.warnings
    );
    let auth = call
        .request
        .headers
        .iter()
        .find(|(k, _)| k == "Authorization")
        .unwrap();
    assert!(auth.1.starts_with("Bearer "));
}

#[actix_web::test]
async fn entra_attribute_collection() {
    let svc = service().await;
    let age = "extension_0123456789abcdef0123456789abcdef_Age";
    let start = entra_emu(EntraEvent::AttributeCollectionStart, "/entra", |b| b);
    let call = start
        .call(
            &svc,
            &EntraInput::new()
                .attribute("city", None)
                .int_attribute(age, 0),
        )
        .await;
    assert_eq!(
        call.outcome,
        EntraOutcome::Prefilled(
            json!({"city": "Oslo", age: 42})
                .as_object()
                .unwrap()
                .clone()
        )
    );

    let submit = entra_emu(EntraEvent::AttributeCollectionSubmit, "/entra", |b| b);
    let input = |given: &str, postal: &str| {
        EntraInput::new()
            .attribute("givenName", Some(given))
            .attribute("postalCode", Some(postal))
            .int_attribute(age, 41)
    };
    let call = submit.call(&svc, &input("ann", "0150")).await;
    assert_eq!(
        call.outcome,
        EntraOutcome::Modified(
            json!({"givenName": "ANN", age: 43})
                .as_object()
                .unwrap()
                .clone()
        )
    );
    let call = submit.call(&svc, &input("ann", "bad")).await;
    assert_eq!(
        call.outcome,
        EntraOutcome::ValidationError {
            message: "Please check the form.".into(),
            attribute_errors: BTreeMap::from([(
                "postalCode".to_owned(),
                "Not a postal code.".to_owned()
            )])
        }
    );
    assert!(
        call.user_sees()
            .contains("[postalCode: Not a postal code.]")
    );
    let call = submit.call(&svc, &input("blocked", "0150")).await;
    assert_eq!(
        call.outcome,
        EntraOutcome::BlockPage {
            title: Some("Sorry".into()),
            message: Some("Sign-up is closed.".into())
        }
    );
    assert_eq!(call.user_sees(), "a block page: Sorry: Sign-up is closed.");
}

#[actix_web::test]
async fn entra_otp_and_password() {
    let svc = service().await;
    let otp = entra_emu(EntraEvent::OtpSend, "/entra", |b| b);
    let call = otp
        .call(&svc, &EntraInput::new().otp("ann@example.com", "123456"))
        .await;
    assert_eq!(call.outcome, EntraOutcome::Continue);
    let sent: Value = serde_json::from_slice(&call.request.body).unwrap();
    assert_eq!(sent["data"]["otpContext"]["oneTimeCode"], "123456");

    let pw = entra_emu(EntraEvent::PasswordSubmit, "/entra", |b| b);
    for (typed, action) in [
        ("right", EntraAction::MigratePassword),
        ("weak", EntraAction::UpdatePassword),
        ("wrong", EntraAction::Retry),
        ("locked", EntraAction::Block),
    ] {
        let call = pw
            .call(
                &svc,
                &EntraInput::new()
                    .password("ann@example.com", typed)
                    .user("id", "u1"),
            )
            .await;
        assert_eq!(call.outcome, EntraOutcome::Password(action), "{typed}");
        assert!(
            !call.request.body_text().contains("user-password"),
            "the password travels encrypted"
        );
    }
}

#[actix_web::test]
async fn entra_rules() {
    let svc = service().await;
    let code = |o: &EntraOutcome| match o {
        EntraOutcome::Failed { code, reason } => (*code, reason.clone()),
        other => panic!("expected a failure, got {other:?}"),
    };
    let tis = |p: &str| entra_emu(EntraEvent::TokenIssuanceStart, p, |b| b);
    let none = EntraInput::new();
    let (c, why) = code(&tis("/raw/two-actions").call(&svc, &none).await.outcome);
    assert_eq!(c, Some(1_003_010), "{why}");
    let (c, why) = code(&tis("/raw/big-claims").call(&svc, &none).await.outcome);
    assert_eq!(c, Some(1_003_025), "{why}");
    let (_, why) = code(&tis("/raw/bool-claim").call(&svc, &none).await.outcome);
    assert!(why.contains("not a string"), "{why}");
    let call = tis("/raw/text").call(&svc, &none).await;
    assert_eq!(code(&call.outcome).0, Some(1_003_006));
    assert!(call.user_sees().contains("no token"));
    assert_eq!(
        code(&tis("/raw/empty").call(&svc, &none).await.outcome).0,
        Some(1_003_009)
    );

    let otp = entra_emu(EntraEvent::OtpSend, "/raw/wrong-action", |b| {
        b.with_fallback_on_error(true)
    });
    let call = otp.call(&svc, &none).await;
    assert_eq!(code(&call.outcome).0, Some(1_003_012));
    assert!(
        call.user_sees().contains("Microsoft's own email"),
        "{}",
        call.user_sees()
    );

    let submit = |p: &str| entra_emu(EntraEvent::AttributeCollectionSubmit, p, |b| b);
    let call = submit("/raw/status-400").call(&svc, &none).await;
    assert_eq!(code(&call.outcome).0, Some(1_003_002));
    assert!(call.user_sees().contains("Something went wrong"));
    let input =
        EntraInput::new().int_attribute("extension_0123456789abcdef0123456789abcdef_Age", 41);
    let (_, why) = code(
        &submit("/raw/string-for-int")
            .call(&svc, &input)
            .await
            .outcome,
    );
    assert!(why.contains("int64DirectoryAttributeValue"), "{why}");

    let pw = entra_emu(EntraEvent::PasswordSubmit, "/raw/wrong-nonce", |b| b);
    let (_, why) = code(
        &pw.call(&svc, &EntraInput::new().password("a", "b"))
            .await
            .outcome,
    );
    assert!(why.contains("nonce"), "{why}");

    // The guard: a token of another app is refused, and Entra sees a 403.
    let guarded = entra_emu(EntraEvent::OtpSend, "/entra", |b| b);
    let (mut req, _) = guarded.request(&EntraInput::new().otp("a@b.c", "1"));
    req.headers.retain(|(k, _)| k != "Authorization");
    req.headers.push((
        "Authorization".into(),
        format!(
            "Bearer {}",
            guarded.token_with(&json!({"azp": "someone-else"}))
        ),
    ));
    let resp = test::call_service(
        &*svc,
        req.headers
            .iter()
            .fold(test::TestRequest::post().uri("/entra"), |t, (k, v)| {
                t.insert_header((k.as_str(), v.as_str()))
            })
            .set_payload(req.body.clone())
            .to_request(),
    )
    .await;
    assert_eq!(resp.status().as_u16(), 403);

    // Timeouts come from the document: 200 ms here, the handler takes 400 ms.
    let slow = entra_emu(EntraEvent::OtpSend, "/slow", |b| b.with_timeout_ms(200));
    assert_eq!(slow.registration().timeout_ms, 200);
    let (c, why) = code(&slow.call(&svc, &none).await.outcome);
    assert_eq!(c, Some(1_003_001), "{why}");
}
