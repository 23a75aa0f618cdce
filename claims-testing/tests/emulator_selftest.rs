//! Emulator self-tests: a hand-written policy against plain actix-web routes (no framework) that
//! misbehave on purpose. Each test shows the B2C outcome.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use claims_testing::claims;
use claims_testing::{
    ClaimBag, Emulator, EmulatorOptions, OutcomeKind, ResolverContext, ScalarStyle, Step, TestKeys,
    UserView, ValidationStep,
};
use serde_json::json;

const NEUTRAL: &str =
    r#"<Item Key="DefaultUserMessageIfRequestFailed">Please try again later.</Item>"#;

/// One RESTful technical profile.
fn tp(id: &str, url: &str, meta: &str, inputs: &str, outputs: &str) -> String {
    tp_keys(id, url, "None", meta, "", inputs, outputs)
}

fn tp_keys(
    id: &str,
    url: &str,
    auth: &str,
    meta: &str,
    keys: &str,
    inputs: &str,
    outputs: &str,
) -> String {
    format!(
        r#"<TechnicalProfile Id="{id}">
  <DisplayName>{id}</DisplayName>
  <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null"/>
  <Metadata>
    <Item Key="ServiceUrl">{url}</Item>
    <Item Key="AuthenticationType">{auth}</Item>
    {meta}
  </Metadata>
  {keys}
  <InputClaims>{inputs}</InputClaims>
  <OutputClaims>{outputs}</OutputClaims>
</TechnicalProfile>"#
    )
}

fn policy(profiles: &[String], transformations: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" PolicyId="B2C_1A_Emu" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_Emu">
<BuildingBlocks>
<ClaimsSchema>
  <ClaimType Id="email"><DataType>string</DataType></ClaimType>
  <ClaimType Id="points"><DataType>int</DataType></ClaimType>
  <ClaimType Id="big"><DataType>long</DataType></ClaimType>
  <ClaimType Id="isNew"><DataType>boolean</DataType></ClaimType>
  <ClaimType Id="displayName"><DataType>string</DataType></ClaimType>
  <ClaimType Id="tags"><DataType>stringCollection</DataType></ClaimType>
  <ClaimType Id="since"><DataType>dateTime</DataType></ClaimType>
  <ClaimType Id="born"><DataType>date</DataType></ClaimType>
  <ClaimType Id="mobile"><DataType>phoneNumber</DataType></ClaimType>
  <ClaimType Id="lang"><DataType>string</DataType></ClaimType>
  <ClaimType Id="token"><DataType>string</DataType></ClaimType>
  <ClaimType Id="body"><DataType>string</DataType></ClaimType>
  <ClaimType Id="memberId"><DataType>string</DataType></ClaimType>
</ClaimsSchema>
<ClaimsTransformations>{transformations}</ClaimsTransformations>
</BuildingBlocks>
<ClaimsProviders><ClaimsProvider><DisplayName>REST</DisplayName><TechnicalProfiles>
{}
</TechnicalProfiles></ClaimsProvider></ClaimsProviders>
</TrustFrameworkPolicy>"#,
        profiles.join("\n")
    )
}

const OUT_POINTS: &str = r#"<OutputClaim ClaimTypeReferenceId="points"/>"#;
const IN_EMAIL: &str =
    r#"<InputClaim ClaimTypeReferenceId="email" PartnerClaimType="emailAddress"/>"#;

fn json(v: serde_json::Value) -> HttpResponse {
    HttpResponse::Ok().json(v)
}

fn fast() -> EmulatorOptions {
    EmulatorOptions {
        timeout: Duration::from_millis(100),
        ..EmulatorOptions::default()
    }
}

async fn emulator(xml: &str, attempts: Arc<AtomicUsize>) -> Emulator {
    let app = actix_web::App::new()
        .app_data(web::Data::from(attempts))
        .route(
            "/ok",
            web::post().to(|| async {
                json(json!({"points": 42, "isNew": true, "tags": ["gold"], "since": "2024-05-01T10:00:00Z", "extra": 1}))
            }),
        )
        .route(
            "/error200",
            web::post().to(|| async {
                json(json!({"version": "1.0.0", "status": 409, "userMessage": "No membership for this address.", "points": 0}))
            }),
        )
        .route("/null", web::post().to(|| async { json(json!({"points": null})) }))
        .route("/wrongtype", web::post().to(|| async { json(json!({"points": "abc"})) }))
        .route("/stringint", web::post().to(|| async { json(json!({"points": "42"})) }))
        .route("/toobig", web::post().to(|| async { json(json!({"points": 3_000_000_000_i64})) }))
        .route(
            "/types",
            web::post().to(|| async {
                json(json!({"born": "2001-02-30", "mobile": "+14255550100", "big": 9_000_000_000_i64}))
            }),
        )
        .route(
            "/nested",
            web::post().to(|| async {
                json(json!({"contacts": [{"person": {"name": "Emily"}}]}))
            }),
        )
        .route(
            "/slow",
            web::post().to(|n: web::Data<AtomicUsize>| async move {
                n.fetch_add(1, Ordering::SeqCst);
                actix_web::rt::time::sleep(Duration::from_millis(400)).await;
                json(json!({"points": 1}))
            }),
        )
        .route(
            "/boom",
            web::post().to(|| async { HttpResponse::InternalServerError().body("stack trace") }),
        )
        .route("/bad400", web::post().to(|| async { HttpResponse::BadRequest().finish() }))
        .route(
            "/bad-status",
            web::post().to(|| async {
                HttpResponse::BadRequest()
                    .json(json!({"version": "1.0.0", "status": 400, "userMessage": "Nope"}))
            }),
        )
        .route("/unauth", web::post().to(|| async { HttpResponse::Unauthorized().finish() }))
        .route(
            "/gone",
            web::post().to(|| async {
                HttpResponse::NotFound().json(
                    json!({"version": "1.0.0", "status": 409, "userMessage": "No such member."}),
                )
            }),
        )
        .route(
            "/ordered",
            web::post().to(|| async {
                // Written by hand: serde_json would sort these keys.
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(r#"{"profile": {"zeta": 1, "alpha": {"y": 2, "b": 3}}, "wrap": {"inner": {"z": true, "a": null}}}"#)
            }),
        )
        .route(
            "/conflict",
            web::post().to(|| async {
                HttpResponse::Conflict().json(json!({
                    "version": "1.0.0", "status": 409, "userMessage": "No membership.",
                    "code": "API-1", "requestId": "r-1", "developerMessage": "lookup failed",
                    "moreInfo": "https://example.invalid/API-1"
                }))
            }),
        )
        .route(
            "/echo",
            web::route().to(|req: HttpRequest, body: web::Bytes| async move {
                json(json!({
                    "method": req.method().as_str(),
                    "uri": req.uri().to_string(),
                    "body": String::from_utf8_lossy(&body),
                }))
            }),
        )
        .route(
            "/members/{id}",
            web::get().to(|| async { json(json!({"points": 7})) }),
        );
    Emulator::from_policy(xml)
        .expect("policy parses")
        .options(fast())
        .actix(app)
        .await
}

fn base_profiles() -> Vec<String> {
    let u = |p: &str| format!("https://api.contoso.com{p}");
    vec![
        tp(
            "REST-Ok",
            &u("/ok"),
            NEUTRAL,
            IN_EMAIL,
            r#"<OutputClaim ClaimTypeReferenceId="points"/><OutputClaim ClaimTypeReferenceId="isNew"/><OutputClaim ClaimTypeReferenceId="tags"/><OutputClaim ClaimTypeReferenceId="since"/><OutputClaim ClaimTypeReferenceId="displayName"/><OutputClaim ClaimTypeReferenceId="lang" DefaultValue="en"/>"#,
        ),
        tp(
            "REST-Error200",
            &u("/error200"),
            NEUTRAL,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp("REST-Null", &u("/null"), NEUTRAL, IN_EMAIL, OUT_POINTS),
        tp(
            "REST-WrongType",
            &u("/wrongtype"),
            NEUTRAL,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp(
            "REST-StringInt",
            &u("/stringint"),
            NEUTRAL,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp("REST-TooBig", &u("/toobig"), NEUTRAL, IN_EMAIL, OUT_POINTS),
        tp(
            "REST-Types",
            &u("/types"),
            NEUTRAL,
            IN_EMAIL,
            r#"<OutputClaim ClaimTypeReferenceId="big"/><OutputClaim ClaimTypeReferenceId="mobile"/><OutputClaim ClaimTypeReferenceId="born"/>"#,
        ),
        tp(
            "REST-NestedBrackets",
            &u("/nested"),
            r#"<Item Key="ResolveJsonPathsInJsonTokens">true</Item>"#,
            IN_EMAIL,
            r#"<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="contacts[0].person.name"/>"#,
        ),
        tp(
            "REST-NestedDotted",
            &u("/nested"),
            r#"<Item Key="ResolveJsonPathsInJsonTokens">true</Item>"#,
            IN_EMAIL,
            r#"<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="contacts.0.person.name"/>"#,
        ),
        tp(
            "REST-NestedNoFlag",
            &u("/nested"),
            "",
            IN_EMAIL,
            r#"<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="contacts[0].person.name"/>"#,
        ),
        tp(
            "REST-Slow",
            &u("/slow"),
            r#"<Item Key="UserMessageIfRequestTimeout">The service is slow, please retry.</Item>"#,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp("REST-SlowNoText", &u("/slow"), "", IN_EMAIL, OUT_POINTS),
        tp(
            "REST-SlowDefaultText",
            &u("/slow"),
            NEUTRAL,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp("REST-Boom", &u("/boom"), NEUTRAL, IN_EMAIL, OUT_POINTS),
        tp("REST-BoomNoText", &u("/boom"), "", IN_EMAIL, OUT_POINTS),
        tp("REST-Bad400", &u("/bad400"), NEUTRAL, IN_EMAIL, OUT_POINTS),
        tp(
            "REST-BadStatus",
            &u("/bad-status"),
            NEUTRAL,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp(
            "REST-Missing404",
            &u("/nowhere"),
            NEUTRAL,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp_keys(
            "REST-Unauth",
            &u("/unauth"),
            "Basic",
            NEUTRAL,
            r#"<CryptographicKeys><Key Id="BasicAuthenticationUsername" StorageReferenceId="B2C_1A_User"/><Key Id="BasicAuthenticationPassword" StorageReferenceId="B2C_1A_Pass"/></CryptographicKeys>"#,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp_keys(
            "REST-UnauthCert",
            &u("/unauth"),
            "ClientCertificate",
            NEUTRAL,
            r#"<CryptographicKeys><Key Id="ClientCertificate" StorageReferenceId="B2C_1A_Cert"/></CryptographicKeys>"#,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp(
            "REST-Conflict",
            &u("/conflict"),
            NEUTRAL,
            IN_EMAIL,
            OUT_POINTS,
        ),
        tp("REST-Gone404", &u("/gone"), NEUTRAL, IN_EMAIL, OUT_POINTS),
        tp(
            "REST-Ordered",
            &u("/ordered"),
            "",
            IN_EMAIL,
            r#"<OutputClaim ClaimTypeReferenceId="body" PartnerClaimType="profile"/><OutputClaim ClaimTypeReferenceId="tags" DefaultValue="gold,silver"/>"#,
        ),
        tp(
            "REST-OrderedPath",
            &u("/ordered"),
            r#"<Item Key="ResolveJsonPathsInJsonTokens">true</Item>"#,
            IN_EMAIL,
            r#"<OutputClaim ClaimTypeReferenceId="body" PartnerClaimType="wrap.inner"/>"#,
        ),
        tp(
            "REST-ConflictDebug",
            &u("/conflict"),
            r#"<Item Key="DebugMode">true</Item>"#,
            IN_EMAIL,
            OUT_POINTS,
        ),
    ]
}

async fn base() -> (Emulator, Arc<AtomicUsize>) {
    let n = Arc::new(AtomicUsize::new(0));
    (emulator(&policy(&base_profiles(), ""), n.clone()).await, n)
}

fn bag() -> ClaimBag {
    claims! {"email" => "emily@contoso.com"}
}

#[actix_web::test]
async fn success_maps_typed_claims_and_defaults() {
    let (emu, _) = base().await;
    let o = emu.call("REST-Ok", bag()).await;
    println!("{o}\n{}", o.trace);
    assert_eq!(o.kind, OutcomeKind::Success);
    assert_eq!(o.user_view, UserView::Nothing);
    assert_eq!(o.claims.json("points"), Some(&json!(42)));
    assert_eq!(o.claims.json("isNew"), Some(&json!(true)));
    assert_eq!(o.claims.json("tags"), Some(&json!(["gold"])));
    assert_eq!(o.claim("since").as_deref(), Some("2024-05-01T10:00:00Z"));
    assert_eq!(
        o.claim("lang").as_deref(),
        Some("en"),
        "DefaultValue fills a missing key"
    );
    assert_eq!(o.missing_claims, vec!["displayName".to_owned()]);
    let req = o.trace.request.as_ref().unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://api.contoso.com/ok");
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(
        req.body_json(),
        Some(json!({"emailAddress": "emily@contoso.com"}))
    );
    assert!(o.to_string().contains("REST-Ok: success (HTTP 200)"), "{o}");
}

#[actix_web::test]
async fn http_200_with_an_error_body_is_a_silent_success() {
    let (emu, _) = base().await;
    let o = emu.call("REST-Error200", bag()).await;
    println!("{o}");
    assert!(o.is_success());
    assert!(matches!(
        &o.kind,
        OutcomeKind::ErrorBodyIgnored { http_status: 200, user_message: Some(m) } if m == "No membership for this address."
    ));
    assert_eq!(
        o.user_view,
        UserView::Nothing,
        "B2C does not show the userMessage"
    );
    assert_eq!(
        o.claims.json("points"),
        Some(&json!(0)),
        "its claims are mapped"
    );
    assert!(o.warnings.iter().any(|w| w.contains("azure-docs#6915")));
    assert!(o.to_string().contains("is NOT shown"));
}

#[actix_web::test]
async fn null_and_wrong_data_types_fail_the_step() {
    let (emu, _) = base().await;
    for (tp, what) in [
        ("REST-Null", "null"),
        ("REST-WrongType", "\"abc\""),
        ("REST-StringInt", "\"42\""),
        ("REST-TooBig", "3000000000"),
    ] {
        let o = emu.call(tp, bag()).await;
        println!("{o}");
        match &o.kind {
            OutcomeKind::TypeMismatch {
                claim,
                data_type,
                value,
                ..
            } => {
                assert_eq!((claim.as_str(), data_type.as_str()), ("points", "int"));
                assert_eq!(value, what);
            }
            other => panic!("{tp}: {other:?}"),
        }
        assert!(!o.is_success());
        assert!(o.claims.is_empty());
        assert!(matches!(o.user_view, UserView::Page(_)));
    }
    // Lenient mode accepts the string rendering, with a warning.
    let lenient = emu.with_options(EmulatorOptions {
        strict_output_types: false,
        ..fast()
    });
    let o = lenient.call("REST-StringInt", bag()).await;
    assert_eq!(o.claims.json("points"), Some(&json!(42)), "{o}");
    assert!(o.warnings.iter().any(|w| w.contains("UNCONFIRMED")));
    let o = lenient.call("REST-Null", bag()).await;
    assert!(
        matches!(o.kind, OutcomeKind::TypeMismatch { .. }),
        "null never passes"
    );
    // Other types: an impossible date fails even when the long and phone number are fine.
    let o = emu.call("REST-Types", bag()).await;
    println!("{o}");
    assert!(
        matches!(&o.kind, OutcomeKind::TypeMismatch { claim, .. } if claim == "born"),
        "{o}"
    );
}

#[actix_web::test]
async fn nested_paths_need_brackets_and_the_metadata_flag() {
    let (emu, _) = base().await;
    let o = emu.call("REST-NestedBrackets", bag()).await;
    assert_eq!(o.claim("displayName").as_deref(), Some("Emily"), "{o}");

    let o = emu.call("REST-NestedDotted", bag()).await;
    println!("{o}");
    assert!(o.is_success());
    assert_eq!(o.missing_claims, vec!["displayName".to_owned()]);
    assert!(
        o.warnings
            .iter()
            .any(|w| w.contains("contacts[0].person.name")),
        "{o}"
    );

    let o = emu.call("REST-NestedNoFlag", bag()).await;
    println!("{o}");
    assert_eq!(o.missing_claims, vec!["displayName".to_owned()]);
    assert!(
        o.warnings
            .iter()
            .any(|w| w.contains("ResolveJsonPathsInJsonTokens")),
        "{o}"
    );
}

#[actix_web::test]
async fn slow_service_times_out_after_one_retry() {
    let (emu, attempts) = base().await;
    let o = emu.call("REST-Slow", bag()).await;
    println!("{o}\n{}", o.trace);
    assert_eq!(
        o.kind,
        OutcomeKind::Timeout {
            attempts: 2,
            timeout: Duration::from_millis(100)
        }
    );
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        2,
        "the handler saw the retry"
    );
    assert_eq!(o.trace.attempts.len(), 2);
    assert_eq!(
        o.user_view,
        UserView::Page("The service is slow, please retry.".to_owned())
    );
    assert!(!o.leaks_service_url);

    // Falls back to DefaultUserMessageIfRequestFailed, then to B2C's text that leaks the URL.
    let o = emu.call("REST-SlowDefaultText", bag()).await;
    assert_eq!(o.message_seen(), Some("Please try again later."));
    let o = emu.call("REST-SlowNoText", bag()).await;
    println!("{o}");
    assert!(o.leaks_service_url);
    assert!(
        o.message_seen()
            .unwrap()
            .contains("https://api.contoso.com/slow")
    );
    assert!(o.to_string().contains("shows the service URL"));

    // No retry configured: one attempt.
    attempts.store(0, Ordering::SeqCst);
    let once = emu.with_options(EmulatorOptions {
        retries: 0,
        ..fast()
    });
    let o = once.call("REST-Slow", bag()).await;
    assert!(matches!(o.kind, OutcomeKind::Timeout { attempts: 1, .. }));
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn server_errors_depend_on_the_step() {
    let (emu, _) = base().await;
    let o = emu.call("REST-Boom", bag()).await;
    println!("{o}");
    assert_eq!(o.kind, OutcomeKind::HttpError { http_status: 500 });
    assert_eq!(
        o.user_view,
        UserView::Page("Please try again later.".to_owned())
    );
    assert_eq!(o.trace.attempts.len(), 1, "no retry after an HTTP answer");

    let o = emu.call_step("REST-Boom", bag()).await;
    println!("{o}");
    assert_eq!(o.b2c_code, Some("AADB2C90075"));
    assert!(
        matches!(&o.user_view, UserView::App(m) if m.contains("Code 'InternalServerError' and Reason 'Internal Server Error'"))
    );

    let o = emu.call("REST-BoomNoText", bag()).await;
    assert!(o.leaks_service_url, "{o}");

    let o = emu.call_step("REST-Missing404", bag()).await;
    assert_eq!(o.kind, OutcomeKind::HttpError { http_status: 404 });
    assert!(o.message_seen().unwrap().contains("'NotFound'"), "{o}");
}

#[actix_web::test]
async fn client_errors_without_a_contract_body_are_unparseable() {
    let (emu, _) = base().await;
    for tp in ["REST-Bad400", "REST-BadStatus"] {
        let o = emu.call(tp, bag()).await;
        println!("{o}");
        assert_eq!(o.kind, OutcomeKind::UnparseableError { http_status: 400 });
        assert_eq!(o.b2c_code, Some("AADB2C90261"));
        assert!(o.message_seen().unwrap().starts_with("AADB2C90261"));
    }
}

#[actix_web::test]
async fn unauthorized_is_an_auth_failure() {
    let (emu, _) = base().await;
    let emu = emu.with_keys(
        TestKeys::new()
            .basic("alice", "s3cret")
            .client_cert("cert-1"),
    );
    let o = emu.call("REST-Unauth", bag()).await;
    println!("{o}\n{}", o.trace);
    assert_eq!(o.kind, OutcomeKind::AuthRejected { http_status: 401 });
    assert_eq!(o.b2c_code, Some("AADB2C90027"));
    assert_eq!(
        o.trace.request.as_ref().unwrap().header("authorization"),
        Some("Basic YWxpY2U6czNjcmV0")
    );
    let o = emu.call("REST-UnauthCert", bag()).await;
    assert_eq!(o.b2c_code, Some("AADB2C90028"));
    assert!(
        o.trace
            .request
            .as_ref()
            .unwrap()
            .notes
            .iter()
            .any(|n| n.contains("cert-1"))
    );
}

#[actix_web::test]
async fn contract_409_is_shown_with_debug_fields_only_in_debug_mode() {
    let (emu, _) = base().await;
    let o = emu.call("REST-Conflict", bag()).await;
    println!("{o}");
    assert_eq!(o.user_message(), Some("No membership."));
    assert_eq!(o.user_view, UserView::Page("No membership.".to_owned()));
    assert!(matches!(
        o.kind,
        OutcomeKind::UserError {
            http_status: 409,
            debug: None,
            ..
        }
    ));
    assert_eq!(
        o.to_string(),
        "REST-Conflict: the user sees 'No membership.' on the page (HTTP 409)"
    );

    let o = emu.call("REST-ConflictDebug", bag()).await;
    println!("{o}");
    match &o.kind {
        OutcomeKind::UserError { debug: Some(d), .. } => {
            assert_eq!(d.code.as_deref(), Some("API-1"));
            assert_eq!(d.developer_message.as_deref(), Some("lookup failed"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        o.message_seen()
            .unwrap()
            .contains("developerMessage: lookup failed")
    );

    let o = emu.call_step("REST-Conflict", bag()).await;
    assert!(
        matches!(o.user_view, UserView::App(_)),
        "orchestration: back to the app"
    );
}

// ------------------------------------------------------------------------------------------
// Requests: send modes, defaults, resolvers, keys, payload.

fn echo_profiles() -> Vec<String> {
    let lang_in = r#"<InputClaim ClaimTypeReferenceId="lang" DefaultValue="{Culture:RFC5646}" AlwaysUseDefaultValue="true"/>"#;
    let resolving = r#"<Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>"#;
    let typed = r#"<InputClaim ClaimTypeReferenceId="points"/><InputClaim ClaimTypeReferenceId="isNew"/><InputClaim ClaimTypeReferenceId="tags"/>"#;
    let u = "https://api.contoso.com/echo";
    vec![
        tp("REST-Literal", u, "", &format!("{IN_EMAIL}{lang_in}"), ""),
        tp(
            "REST-Resolved",
            u,
            resolving,
            &format!("{IN_EMAIL}{lang_in}"),
            "",
        ),
        tp(
            "REST-Unknown",
            u,
            resolving,
            r#"<InputClaim ClaimTypeReferenceId="lang" DefaultValue="{Culture:Klingon}" AlwaysUseDefaultValue="true"/>"#,
            "",
        ),
        tp(
            "REST-Kinds",
            u,
            resolving,
            r#"<InputClaim ClaimTypeReferenceId="lang" PartnerClaimType="l" DefaultValue="{culture:lcid}|{Claim:email}|{OAUTH-KV:campaign}|{Context:CorrelationId}" AlwaysUseDefaultValue="true"/>"#,
            "",
        ),
        tp(
            "REST-Defaults",
            u,
            "",
            r#"<InputClaim ClaimTypeReferenceId="email" DefaultValue="nobody@contoso.com"/><InputClaim ClaimTypeReferenceId="memberId" DefaultValue="m-1" AlwaysUseDefaultValue="true"/><InputClaim ClaimTypeReferenceId="displayName"/><InputClaim ClaimTypeReferenceId="tags" DefaultValue="gold,silver"/>"#,
            "",
        ),
        tp("REST-Typed", u, "", typed, ""),
        tp(
            "REST-Form",
            u,
            r#"<Item Key="SendClaimsIn">Form</Item>"#,
            &format!("{IN_EMAIL}{typed}"),
            "",
        ),
        tp(
            "REST-Header",
            u,
            r#"<Item Key="SendClaimsIn">Header</Item>"#,
            &format!("{IN_EMAIL}{typed}"),
            "",
        ),
        tp(
            "REST-Query",
            "https://api.contoso.com/echo?code=fn-key",
            r#"<Item Key="SendClaimsIn">QueryString</Item>"#,
            IN_EMAIL,
            "",
        ),
        tp(
            "REST-Url",
            "https://api.contoso.com/members/{memberId}?mail={emailAddress}",
            r#"<Item Key="SendClaimsIn">Url</Item>"#,
            &format!(r#"<InputClaim ClaimTypeReferenceId="memberId"/>{IN_EMAIL}"#),
            OUT_POINTS,
        ),
        tp_keys(
            "REST-BearerClaim",
            u,
            "Bearer",
            r#"<Item Key="UseClaimAsBearerToken">token</Item>"#,
            "",
            r#"<InputClaim ClaimTypeReferenceId="token"/>"#,
            "",
        ),
        tp_keys(
            "REST-ApiKey",
            u,
            "ApiKeyHeader",
            "",
            r#"<CryptographicKeys><Key Id="x-functions-key" StorageReferenceId="B2C_1A_FnKey"/></CryptographicKeys>"#,
            IN_EMAIL,
            "",
        ),
        tp_keys(
            "REST-Payload",
            u,
            "None",
            r#"<Item Key="ClaimUsedForRequestPayload">body</Item>"#,
            r#"<InputClaimsTransformations><InputClaimsTransformation ReferenceId="MakeBody"/></InputClaimsTransformations>"#,
            r#"<InputClaim ClaimTypeReferenceId="body"/>"#,
            "",
        ),
    ]
}

const MAKE_BODY: &str = r#"<ClaimsTransformation Id="MakeBody" TransformationMethod="GenerateJson">
  <InputClaims>
    <InputClaim ClaimTypeReferenceId="email" TransformationClaimType="personalizations.0.to.0.email"/>
    <InputClaim ClaimTypeReferenceId="points" TransformationClaimType="customer.points"/>
  </InputClaims>
  <InputParameters>
    <InputParameter Id="customer.role.id" DataType="long" Value="1"/>
    <InputParameter Id="personalizations.0.to.1.email" DataType="string" Value="cc@contoso.com"/>
  </InputParameters>
  <OutputClaims><OutputClaim ClaimTypeReferenceId="body" TransformationClaimType="outputClaim"/></OutputClaims>
</ClaimsTransformation>"#;

async fn echo() -> Emulator {
    emulator(
        &policy(&echo_profiles(), MAKE_BODY),
        Arc::new(AtomicUsize::new(0)),
    )
    .await
}

fn sent(o: &claims_testing::Outcome) -> &claims_testing::TracedRequest {
    o.trace
        .request
        .as_ref()
        .unwrap_or_else(|| panic!("no request: {o}"))
}

#[actix_web::test]
async fn resolvers_only_with_include_claim_resolving() {
    let emu = echo().await;
    let o = emu.call("REST-Literal", bag()).await;
    println!("{o}\n{}", o.trace);
    assert_eq!(sent(&o).body_json().unwrap()["lang"], "{Culture:RFC5646}");
    assert!(
        o.warnings
            .iter()
            .any(|w| w.contains("IncludeClaimResolvingInClaimsHandling"))
    );

    let fr = ResolverContext::new().culture("fr-FR");
    let o = emu.call_with("REST-Resolved", bag(), &fr).await;
    assert_eq!(sent(&o).body_json().unwrap()["lang"], "fr-FR");

    let ctx = ResolverContext::new()
        .culture("fr")
        .correlation_id("c-9")
        .oauth_kv("campaign", "Hawaii");
    let o = emu.call_with("REST-Kinds", bag(), &ctx).await;
    assert_eq!(
        sent(&o).body_json().unwrap()["l"],
        "12|emily@contoso.com|Hawaii|c-9",
        "names are case-insensitive; neutral fr has LCID 12"
    );

    let o = emu.call("REST-Unknown", bag()).await;
    println!("{o}");
    assert_eq!(o.b2c_code, Some("AADB2C90044"));
    assert!(o.trace.request.is_none(), "nothing is sent");
    assert!(matches!(o.kind, OutcomeKind::NotSent { .. }));
}

#[actix_web::test]
async fn defaults_and_absent_claims() {
    let emu = echo().await;
    let o = emu
        .call("REST-Defaults", claims! {"memberId" => "from-bag"})
        .await;
    assert_eq!(
        sent(&o).body_json(),
        Some(json!({"email": "nobody@contoso.com", "memberId": "m-1", "tags": ["gold,silver"]})),
        "absent claim takes its default, AlwaysUseDefaultValue wins over the bag, no value and no default is not sent"
    );
    let o = emu
        .call(
            "REST-Defaults",
            claims! {"email" => "a@b.c", "displayName" => ""},
        )
        .await;
    assert_eq!(
        sent(&o).body_json(),
        Some(json!({"email": "a@b.c", "memberId": "m-1", "tags": ["gold,silver"]}))
    );
}

#[actix_web::test]
async fn scalar_styles() {
    let emu = echo().await;
    let b = claims! {"points" => "42", "isNew" => true, "tags" => ["a", "b"]};
    let o = emu.call("REST-Typed", b.clone()).await;
    assert_eq!(
        sent(&o).body_json(),
        Some(json!({"points": 42, "isNew": true, "tags": ["a", "b"]}))
    );
    let strings = emu.with_options(EmulatorOptions {
        scalars: ScalarStyle::Strings,
        ..fast()
    });
    let o = strings.call("REST-Typed", b).await;
    assert_eq!(
        sent(&o).body_json(),
        Some(json!({"points": "42", "isNew": "true", "tags": ["a", "b"]}))
    );
}

#[actix_web::test]
async fn send_modes() {
    let emu = echo().await;
    let b = claims! {"email" => "a b@c.d", "points" => 5, "isNew" => false, "tags" => ["x", "y"], "memberId" => "m/1"};

    let o = emu.call("REST-Form", b.clone()).await;
    println!("{}", o.trace);
    let r = sent(&o);
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        r.body_text(),
        "emailAddress=a%20b%40c.d&points=5&isNew=false&tags=x&tags=y"
    );
    let echoed = o.trace.response().unwrap().body_text();
    assert!(
        echoed.contains("emailAddress=a%20b%40c.d"),
        "the service got it: {echoed}"
    );

    let o = emu.call("REST-Header", b.clone()).await;
    let r = sent(&o);
    assert_eq!(r.method, "GET");
    assert!(r.body.is_empty());
    assert_eq!(r.header("emailAddress"), Some("a b@c.d"));
    assert_eq!(
        r.headers.iter().filter(|(k, _)| k == "tags").count(),
        2,
        "one header per collection item"
    );

    let o = emu.call("REST-Query", b.clone()).await;
    let r = sent(&o);
    assert_eq!(
        r.url,
        "https://api.contoso.com/echo?code=fn-key&emailAddress=a%20b%40c.d"
    );
    assert_eq!(
        o.trace.response().unwrap().header("content-type"),
        Some("application/json")
    );

    let o = emu.call("REST-Url", b.clone()).await;
    println!("{o}\n{}", o.trace);
    assert_eq!(
        sent(&o).url,
        "https://api.contoso.com/members/m%2F1?mail=a%20b%40c.d"
    );
    assert!(o.is_success(), "{o}");
}

#[actix_web::test]
async fn credentials() {
    let emu = echo().await;
    let o = emu
        .call("REST-BearerClaim", claims! {"token" => "ey.J"})
        .await;
    assert_eq!(sent(&o).header("authorization"), Some("Bearer ey.J"));
    let o = emu.call("REST-BearerClaim", ClaimBag::new()).await;
    println!("{o}");
    assert_eq!(o.b2c_code, Some("AADB2C90194"));

    let o = emu.call("REST-ApiKey", bag()).await;
    println!("{o}");
    assert_eq!(o.b2c_code, Some("AADB2C90025"), "no test key supplied");
    let keyed = emu.with_keys(TestKeys::new().key("B2C_1A_FnKey", "k-123"));
    let o = keyed.call("REST-ApiKey", bag()).await;
    assert_eq!(sent(&o).header("x-functions-key"), Some("k-123"));
}

#[actix_web::test]
async fn payload_mode_runs_generate_json() {
    let emu = echo().await;
    let o = emu
        .call("REST-Payload", claims! {"email" => "a@b.c", "points" => 3})
        .await;
    println!("{}", o.trace);
    let r = sent(&o);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.body_json(),
        Some(json!({
            "personalizations": [{"to": [{"email": "a@b.c"}, {"email": "cc@contoso.com"}]}],
            "customer": {"points": "3", "role": {"id": 1}}
        })),
        "claims as strings, parameters keep their DataType, array continued from the next index"
    );
}

#[actix_web::test]
async fn validation_chain_shares_the_bag_and_stops_at_the_first_error() {
    let (emu, _) = base().await;
    let chain = emu
        .validate(&["REST-Ok", "REST-Conflict", "REST-NestedBrackets"], bag())
        .await;
    println!("{chain}");
    assert_eq!(chain.stopped_at, Some(1));
    assert_eq!(chain.outcomes.len(), 2);
    assert_eq!(
        chain.decisive().unwrap().user_message(),
        Some("No membership.")
    );
    assert_eq!(
        chain.claims.json("points"),
        Some(&json!(42)),
        "outputs of step 1 kept"
    );

    let chain = emu
        .validate(
            &[
                ValidationStep::new("REST-Conflict").continue_on_error(),
                ValidationStep::new("REST-NestedBrackets"),
            ],
            bag(),
        )
        .await;
    assert!(chain.passed(), "{chain}");
    assert_eq!(chain.outcomes.len(), 2);
    assert_eq!(chain.claims.text("displayName").as_deref(), Some("Emily"));
}

#[actix_web::test]
async fn outputs_of_one_step_feed_the_next() {
    let xml = policy(
        &[
            tp(
                "REST-Token",
                "https://api.contoso.com/ok",
                "",
                "",
                r#"<OutputClaim ClaimTypeReferenceId="token" PartnerClaimType="since"/>"#,
            ),
            tp_keys(
                "REST-UseToken",
                "https://api.contoso.com/echo",
                "Bearer",
                r#"<Item Key="UseClaimAsBearerToken">token</Item>"#,
                "",
                r#"<InputClaim ClaimTypeReferenceId="token"/>"#,
                "",
            ),
        ],
        "",
    );
    let emu = emulator(&xml, Arc::new(AtomicUsize::new(0))).await;
    let chain = emu
        .validate(&["REST-Token", "REST-UseToken"], ClaimBag::new())
        .await;
    assert!(chain.passed(), "{chain}");
    assert_eq!(
        sent(&chain.outcomes[1]).header("authorization"),
        Some("Bearer 2024-05-01T10:00:00Z")
    );
    let o = emu
        .call_as(
            Step::Orchestration,
            "REST-Nope",
            ClaimBag::new(),
            &ResolverContext::new(),
        )
        .await;
    assert!(matches!(o.kind, OutcomeKind::NotSent { .. }), "{o}");
}

#[actix_web::test]
async fn a_404_with_a_contract_body_shows_its_user_message() {
    let (emu, _) = base().await;
    for step in [false, true] {
        let o = if step {
            emu.call_step("REST-Gone404", bag()).await
        } else {
            emu.call("REST-Gone404", bag()).await
        };
        println!("{o}");
        assert!(
            matches!(&o.kind, OutcomeKind::UserError { http_status: 404, user_message, .. } if user_message == "No such member."),
            "{o}"
        );
        assert_eq!(o.message_seen(), Some("No such member."), "{o}");
    }
}

#[actix_web::test]
async fn objects_in_string_claims_keep_the_services_key_order() {
    let (emu, _) = base().await;
    let o = emu.call("REST-Ordered", bag()).await;
    println!("{o}");
    assert_eq!(
        o.claims.get("body").map(|v| v.as_text()).as_deref(),
        Some(r#"{"zeta": 1, "alpha": {"y": 2, "b": 3}}"#),
        "{o}"
    );
    let o = emu.call("REST-OrderedPath", bag()).await;
    assert_eq!(
        o.claims.get("body").map(|v| v.as_text()).as_deref(),
        Some(r#"{"z": true, "a": null}"#),
        "{o}"
    );
}

#[actix_web::test]
async fn collection_defaults_are_one_item_in_both_directions() {
    let (emu, _) = base().await;
    // Output: the DefaultValue text is one value, as for an input DefaultValue.
    let o = emu.call("REST-Ordered", bag()).await;
    assert_eq!(
        o.claims.get("tags").map(|v| v.as_text()).as_deref(),
        Some("gold,silver"),
        "{o}"
    );
    assert_eq!(
        o.claims.get("tags").map(|v| v.items()),
        Some(vec!["gold,silver".to_owned()]),
        "{o}"
    );
}
