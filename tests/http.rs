//! HTTP round trips through actix's test service: every send mode, every type, every error path.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use claims_tests::app;
use serde_json::{Value, json};

async fn service(
    debug: bool,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let conf = app().debug(debug).into_configurator();
    test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await
}

async fn send(
    svc: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    req: TestRequest,
) -> (StatusCode, Vec<u8>) {
    let resp = test::call_service(svc, req.to_request()).await;
    let status = resp.status();
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "every answer is JSON ({status})"
    );
    (status, test::read_body(resp).await.to_vec())
}

async fn send_json(
    svc: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    req: TestRequest,
) -> (StatusCode, Value) {
    let (s, body) = send(svc, req).await;
    let v = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    (s, v)
}

fn assert_contract(v: &Value) {
    assert_eq!(v["status"], 409, "body status is always 409: {v}");
    assert_eq!(v["version"], "1.0.0", "{v}");
    assert!(
        v["userMessage"].as_str().is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    assert!(v["requestId"].as_str().is_some(), "{v}");
}

const CONTRACT_REQUEST: &str = r#"{"loyaltyId":"1234","email":"emily@contoso.com","lang":"en-US","correlationId":"00000000-0000-0000-0000-000000000000"}"#;

#[actix_web::test]
async fn contract_9_1_success_is_byte_exact() {
    let svc = service(false).await;
    let (s, body) = send(
        &svc,
        TestRequest::post()
            .uri("/b2c/validate-loyalty")
            .insert_header(("content-type", "application/json"))
            .insert_header(("authorization", "Basic dXNlcm5hbWU6cGFzc3dvcmQ="))
            .set_payload(CONTRACT_REQUEST),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"promoCode":"84362","isNew":true}"#
    );
}

#[actix_web::test]
async fn contract_9_1_business_rejection_is_byte_exact() {
    let svc = service(false).await;
    let (s, body) = send(
        &svc,
        TestRequest::post()
            .uri("/b2c/validate-loyalty")
            .insert_header(("content-type", "application/json"))
            .set_payload(CONTRACT_REQUEST.replace("emily@", "someone@")),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"version":"1.0.0","status":409,"userMessage":"Loyalty ID '1234' is not associated with this email address.","requestId":"00000000-0000-0000-0000-000000000000"}"#
    );
}

#[actix_web::test]
async fn an_escaped_correlation_id_is_unescaped() {
    // The correlation id is read as a JSON string: `\"` and `\u00e9` are characters, not text.
    let svc = service(false).await;
    let (s, v) = send_json(
        &svc,
        TestRequest::post()
            .uri("/b2c/validate-loyalty")
            .insert_header(("content-type", "application/json"))
            .set_payload(
                r#"{"loyaltyId":"1234","email":"someone@contoso.com","correlationId":"c\"x\u00e9"}"#,
            ),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["requestId"], "c\"xé", "{v}");
}

fn echo_expected() -> Value {
    json!({
        "outText": "Jérôme & co",
        "outFlag": true,
        "outCount": 42,
        "outBig": 9007199254740993i64,
        "outDay": "2024-05-01",
        "outAt": "2024-05-01T13:45:00Z",
        "outTags": ["a", "b"],
        "outPhone": "+11234567890",
        "deep": {"list": [{"value": "Jérôme & co!"}]}
    })
}

#[actix_web::test]
async fn body_mode_accepts_native_and_string_forms() {
    let svc = service(false).await;
    for body in [
        json!({"text": "Jérôme & co", "flag": true, "count": 42, "big": 9007199254740993i64,
               "day": "2024-05-01", "at": "2024-05-01T13:45:00Z", "tags": ["a", "b"],
               "phone": "+11234567890", "unknown": {"x": 1}}),
        json!({"text": "Jérôme & co", "flag": "True", "count": "42", "big": "9007199254740993",
               "day": "2024-05-01T00:00:00", "at": "2024-05-01T15:45:00.0000000+02:00",
               "tags": ["a", "b"], "phone": "+1 123-456-7890", "maybe": ""}),
    ] {
        let (s, v) = send_json(&svc, TestRequest::post().uri("/echo/body").set_json(&body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, echo_expected(), "omitted None, nested path");
    }
    let (s, v) = send_json(
        &svc,
        TestRequest::post().uri("/echo/body").set_json(json!({
            "text": "t", "flag": false, "count": 1, "big": 2, "day": "2024-05-01",
            "at": "2024-05-01T13:45:00Z", "phone": "+4912345", "maybe": 7
        })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["outMaybe"], 7);
    assert!(v.get("outTags").is_none(), "an empty Vec is omitted: {v}");
    // The descriptor says so too: exporters and the emulator read the same decision.
    let tags = claims_tests::echo_body::SPEC
        .inputs
        .iter()
        .find(|c| c.id == "tags")
        .expect("the echo handler reads tags");
    assert!(!tags.required, "a missing collection is an empty one");
}

#[actix_web::test]
async fn form_header_and_query_modes_decode_every_type() {
    let svc = service(false).await;
    let pairs = "text=J%C3%A9r%C3%B4me+%26+co&flag=true&count=42&big=9007199254740993&day=2024-05-01\
                 &at=2024-05-01T13%3A45%3A00Z&tags=a&tags=b&phone=%2B11234567890";
    let (s, v) = send_json(
        &svc,
        TestRequest::post()
            .uri("/echo/form")
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(pairs),
    )
    .await;
    assert_eq!((s, v), (StatusCode::OK, echo_expected()));

    let (s, v) = send_json(
        &svc,
        TestRequest::get().uri(&format!("/echo/query?{pairs}")),
    )
    .await;
    assert_eq!((s, v), (StatusCode::OK, echo_expected()));

    let mut req = TestRequest::get().uri("/echo/header");
    for (k, val) in [
        ("text", "Jérôme & co"),
        ("flag", "TRUE"),
        ("count", "42"),
        ("big", "9007199254740993"),
        ("day", "2024-05-01"),
        ("at", "2024-05-01T13:45:00Z"),
        ("tags", "a"),
        ("tags", "b"),
        ("phone", "+11234567890"),
    ] {
        req = req.append_header((
            k,
            actix_web::http::header::HeaderValue::from_bytes(val.as_bytes()).unwrap(),
        ));
    }
    let (s, v) = send_json(&svc, req).await;
    assert_eq!((s, v), (StatusCode::OK, echo_expected()));
}

#[actix_web::test]
async fn url_mode_reads_segments_and_query_template() {
    let svc = service(false).await;
    let (s, v) = send_json(
        &svc,
        TestRequest::get().uri("/echo/url/M%2F1%20x/2024?active=True"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v,
        json!({"memberId": "M/1 x", "year": 2024, "active": true})
    );
    let (s, v) = send_json(&svc, TestRequest::get().uri("/echo/url/M1/2024")).await;
    assert_eq!(
        (s, v),
        (
            StatusCode::OK,
            json!({"memberId": "M1", "year": 2024, "active": false})
        )
    );
    let (s, v) = send_json(&svc, TestRequest::get().uri("/echo/url/M1/twenty")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["code"], "claim-invalid");
}

#[actix_web::test]
async fn unit_returns_answer_empty_object() {
    let svc = service(false).await;
    let (s, body) = send(&svc, TestRequest::post().uri("/unit").set_json(json!({}))).await;
    assert_eq!((s, body.as_slice()), (StatusCode::OK, &b"{}"[..]));
    let (s, body) = send(
        &svc,
        TestRequest::post()
            .uri("/unit-result")
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload("code=ok"),
    )
    .await;
    assert_eq!((s, body.as_slice()), (StatusCode::OK, &b"{}"[..]));
}

#[actix_web::test]
async fn debug_fields_only_in_debug_mode() {
    let form = || {
        TestRequest::post()
            .uri("/unit-result")
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload("code=nope")
    };
    let (s, v) = send_json(&service(false).await, form()).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_contract(&v);
    assert_eq!(v["code"], "E42");
    assert!(
        v.get("developerMessage").is_none() && v.get("moreInfo").is_none(),
        "{v}"
    );

    let (_, v) = send_json(&service(true).await, form()).await;
    assert_eq!(v["developerMessage"], "the code must be ok");
    assert_eq!(v["moreInfo"], "https://docs.example.com/E42");
}

#[actix_web::test]
async fn malformed_requests_are_400_with_contract_body_naming_the_claim() {
    let svc = service(true).await;
    let cases = [
        (
            TestRequest::post()
                .uri("/b2c/validate-loyalty")
                .insert_header(("content-type", "text/xml"))
                .set_payload("<a/>"),
            "content-type-unsupported",
            "text/xml",
        ),
        (
            TestRequest::post()
                .uri("/b2c/validate-loyalty")
                .insert_header(("content-type", "application/json"))
                .set_payload("{\"loyaltyId\":"),
            "request-invalid",
            "not a valid JSON object",
        ),
        (
            TestRequest::post().uri("/echo/body").set_json(
                json!({"text": "t", "flag": true, "count": "many", "big": 1, "day": "2024-05-01",
                                 "at": "2024-05-01T00:00:00Z", "phone": "+1234"}),
            ),
            "claim-invalid",
            "claim 'count'",
        ),
        (
            TestRequest::post()
                .uri("/b2c/validate-loyalty")
                .set_json(json!({"email": "emily@contoso.com"})),
            "claim-missing",
            "claim 'loyaltyId' is required",
        ),
        (
            TestRequest::post().uri("/b2c/validate-loyalty").set_json(
                json!({"loyaltyId": "1234", "email": "e@x.com", "lang": "{Culture:RFC5646}"}),
            ),
            "claim-resolver-unresolved",
            "IncludeClaimResolvingInClaimsHandling",
        ),
    ];
    for (req, code, developer) in cases {
        let (s, v) = send_json(&svc, req).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert_contract(&v);
        assert_eq!(v["code"], code, "{v}");
        let dev = v["developerMessage"].as_str().unwrap_or_default();
        assert!(
            dev.contains(developer),
            "{dev:?} should mention {developer:?}"
        );
    }
    // The missing claim's wire name and display name are both named.
    let (_, v) = send_json(
        &svc,
        TestRequest::post()
            .uri("/b2c/validate-loyalty")
            .set_json(json!({"loyaltyId": "1"})),
    )
    .await;
    assert!(
        v["developerMessage"]
            .as_str()
            .unwrap()
            .contains("claim 'email'"),
        "{v}"
    );
    let (_, v) = send_json(
        &svc,
        TestRequest::post()
            .uri("/b2c/validate-loyalty")
            .set_json(json!({"email": "x"})),
    )
    .await;
    assert!(
        v["userMessage"]
            .as_str()
            .unwrap()
            .contains("Your loyalty ID"),
        "{v}"
    );
}

#[actix_web::test]
async fn five_megabyte_body_is_413() {
    let svc = service(false).await;
    let big = format!("{{\"loyaltyId\":\"{}\"}}", "9".repeat(5 * 1024 * 1024));
    let (s, v) = send_json(
        &svc,
        TestRequest::post()
            .uri("/b2c/validate-loyalty")
            .insert_header(("content-type", "application/json"))
            .set_payload(big),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_contract(&v);
    assert_eq!(v["code"], "payload-too-large");
}

#[actix_web::test]
async fn panics_answer_500_without_details() {
    let svc = service(true).await;
    let (s, v) = send_json(&svc, TestRequest::get().uri("/boom?x=1")).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert_contract(&v);
    assert_eq!(v["code"], "internal-error");
    assert!(!v.to_string().contains("secret"), "{v}");
}

#[actix_web::test]
async fn wrong_method_is_405_with_contract_body() {
    let svc = service(false).await;
    let (s, v) = send_json(&svc, TestRequest::get().uri("/b2c/validate-loyalty")).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_contract(&v);
}

#[actix_web::test]
async fn payload_mode_decodes_dot_paths() {
    let svc = service(false).await;
    let (s, v) = send_json(
        &svc,
        TestRequest::post().uri("/payload").set_json(json!({
            "customer": {"email": "emily@contoso.com", "age": "41"},
            "items": ["first", "second"]
        })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v,
        json!({"payloadEmail": "emily@contoso.com", "payloadAgeNext": 42, "payloadFirst": "first"})
    );
    let (s, v) = send_json(
        &svc,
        TestRequest::post()
            .uri("/payload")
            .set_json(json!({"customer": {}})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["code"], "claim-missing");
}

#[test]
fn every_fixture_handler_is_registered_and_valid() {
    let app = app();
    let ids: Vec<_> = app.specs().iter().map(|s| s.technical_profile).collect();
    for id in [
        "REST-ValidateLoyalty",
        "REST-EchoBody",
        "REST-EchoForm",
        "REST-EchoHeader",
        "REST-EchoQuery",
        "REST-EchoUrl",
        "REST-UnitOk",
        "REST-UnitResult",
        "REST-Boom",
        "REST-SignupPayload",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    app.validate().expect("fixture app is valid");
    // The user's functions stay callable.
    let names = claims_tests::echo_url("m".into(), 1, None);
    assert_eq!(names.member_id, "m");
}

#[actix_web::test]
async fn health_and_readiness_endpoints() {
    let ready = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = ready.clone();
    let conf = app()
        .readiness_check("store", move || {
            flag.load(std::sync::atomic::Ordering::SeqCst)
        })
        .into_configurator();
    let svc = test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await;
    let (s, v) = send_json(&svc, TestRequest::get().uri("/healthz")).await;
    assert_eq!((s, v), (StatusCode::OK, json!({"status": "ok"})));
    let (s, v) = send_json(&svc, TestRequest::get().uri("/readyz")).await;
    assert_eq!(
        (s, v),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "not ready", "failing": ["store"]})
        )
    );
    ready.store(true, std::sync::atomic::Ordering::SeqCst);
    let (s, v) = send_json(&svc, TestRequest::get().uri("/readyz")).await;
    assert_eq!((s, v), (StatusCode::OK, json!({"status": "ready"})));
}
