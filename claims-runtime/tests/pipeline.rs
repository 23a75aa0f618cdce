//! The request pipeline driven by hand-written glue of the same shape `#[claims_handler]` emits:
//! proves the runtime contract the macros rely on, independently of the macros.

use actix_web::http::StatusCode;
use actix_web::web::{self, Payload};
use actix_web::{HttpRequest, HttpResponse, test};
use claims_runtime::__private::{Call, Problems, rules};
use claims_runtime::{
    AuthSpec, ClaimWriter, ClaimsError, DataType, HandlerSpec, InputClaimSpec, OutputClaimSpec,
    OutputClaims, SendClaimsIn,
};
use serde_json::{Value, json};

const fn input(
    id: &'static str,
    partner: Option<&'static str>,
    dt: DataType,
    required: bool,
) -> InputClaimSpec {
    let c = InputClaimSpec::new(id, dt).with_required(required);
    match partner {
        Some(p) => c.with_partner(p),
        None => c,
    }
}

struct Out {
    promo: String,
    is_new: bool,
    name: Option<String>,
}

static OUT_CLAIMS: [OutputClaimSpec; 3] = [
    OutputClaimSpec::new("promoCode", DataType::String).with_always_present(true),
    OutputClaimSpec::new("isNewMember", DataType::Boolean)
        .with_partner("isNew")
        .with_always_present(true),
    OutputClaimSpec::new("displayName", DataType::String)
        .with_partner("contacts[0].person.name")
        .with_always_present(false),
];

impl OutputClaims for Out {
    const CLAIMS: &'static [OutputClaimSpec] = &OUT_CLAIMS;
    fn write_claims(&self, w: &mut ClaimWriter) {
        w.claim(0, &self.promo);
        w.claim(1, &self.is_new);
        w.claim(2, &self.name);
    }
}

static INPUTS: [InputClaimSpec; 4] = [
    input("loyaltyId", None, DataType::String, true),
    input("email", Some("emailAddress"), DataType::String, true)
        .with_display_name("E-mail address"),
    input("age", None, DataType::Int, false),
    input("correlationId", None, DataType::String, false).with_resolver("{Context:CorrelationId}"),
];

const fn spec(mode: SendClaimsIn, path: &'static str) -> HandlerSpec {
    HandlerSpec::new("REST-Validate", path, mode)
        .with_display_name("Validate")
        .with_auth(AuthSpec::None)
        .with_inputs(&INPUTS)
        .with_outputs(&OUT_CLAIMS)
        .with_deadline_ms(200)
}

static BODY: HandlerSpec = spec(SendClaimsIn::Body, "/v");
static FORM: HandlerSpec = spec(SendClaimsIn::Form, "/v");
static HEADER: HandlerSpec = spec(SendClaimsIn::Header, "/v");
static QUERY: HandlerSpec = spec(SendClaimsIn::QueryString, "/v");
static URL: HandlerSpec = spec(
    SendClaimsIn::Url,
    "/v/{loyaltyId}/{emailAddress}?age={age}&cid={correlationId}",
);

async fn validate(
    loyalty_id: String,
    email: String,
    age: Option<i32>,
    _cid: Option<String>,
) -> Result<Out, ClaimsError> {
    match loyalty_id.as_str() {
        "panic" => panic!("boom with secret details"),
        "slow" => {
            actix_web::rt::time::sleep(std::time::Duration::from_secs(5)).await;
            unreachable!()
        }
        "io" => Err(std::io::Error::other("database down at 10.0.0.7"))?,
        "1234" if email == "emily@contoso.com" => Ok(Out {
            promo: "84362".into(),
            is_new: age.is_some_and(|a| a < 30),
            name: Some("Emily".into()),
        }),
        _ => Err(ClaimsError::user("loyalty-mismatch").arg("id", loyalty_id)),
    }
}

async fn glue(spec: &'static HandlerSpec, req: HttpRequest, payload: Payload) -> HttpResponse {
    let call = match Call::begin(spec, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut problems = Problems::new();
    let loyalty_id = call.claim::<String>(0, &mut problems);
    let email = call.claim::<String>(1, &mut problems);
    let age = call.claim::<Option<i32>>(2, &mut problems);
    let cid = call.claim::<Option<String>>(3, &mut problems);
    if !problems.is_empty() {
        return call.reject(problems);
    }
    if let Some(ref v) = email {
        rules::email(&spec.inputs[1], v, &mut problems);
    }
    if let Some(ref v) = age {
        rules::range(&spec.inputs[2], v, Some(18.0), Some(120.0), &mut problems);
    }
    if !problems.is_empty() {
        return call.reject(problems);
    }
    let (Some(loyalty_id), Some(email), Some(age), Some(cid)) = (loyalty_id, email, age, cid)
    else {
        return call.reject(problems);
    };
    call.invoke(async move { validate(loyalty_id, email, age, cid).await })
        .await
}

macro_rules! service {
    ($spec:expr, $method:ident) => {{
        test::init_service(actix_web::App::new().route(
            $spec.route_path(),
            web::$method().to(|req: HttpRequest, p: Payload| glue(&$spec, req, p)),
        ))
        .await
    }};
}

async fn call_json(
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    req: test::TestRequest,
) -> (StatusCode, Value) {
    let resp = test::call_service(svc, req.to_request()).await;
    let status = resp.status();
    assert_eq!(
        resp.headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap()),
        Some("application/json"),
        "every answer is JSON"
    );
    let body = test::read_body(resp).await;
    (status, serde_json::from_slice(&body).expect("JSON body"))
}

#[actix_web::test]
async fn body_mode_success_and_business_error() {
    let svc = service!(BODY, post);
    let (s, v) = call_json(
        &svc,
        test::TestRequest::post().uri("/v").set_json(json!({
            "loyaltyId": "1234", "emailAddress": "emily@contoso.com", "age": "25",
            "correlationId": "00000000-0000-0000-0000-000000000000", "extra": [1, 2]
        })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v,
        json!({"promoCode": "84362", "isNew": true, "contacts": [{"person": {"name": "Emily"}}]})
    );

    let (s, v) = call_json(
        &svc,
        test::TestRequest::post().uri("/v").set_json(json!({
            "loyaltyId": "999", "emailAddress": "emily@contoso.com",
            "correlationId": "11111111-1111-1111-1111-111111111111"
        })),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["status"], 409);
    assert_eq!(v["version"], "1.0.0");
    assert!(
        v.get("code").is_none(),
        "business errors carry no code unless set"
    );
    assert_eq!(v["requestId"], "11111111-1111-1111-1111-111111111111");
    assert!(
        v.get("developerMessage").is_none(),
        "no debug fields outside debug mode"
    );
}

#[actix_web::test]
async fn malformed_requests_get_400_with_contract_body() {
    let svc = service!(BODY, post);
    let cases: Vec<(test::TestRequest, &str)> = vec![
        (
            test::TestRequest::post()
                .uri("/v")
                .insert_header(("content-type", "application/json"))
                .set_payload("{not json"),
            "request-invalid",
        ),
        (
            test::TestRequest::post()
                .uri("/v")
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload("loyaltyId=1"),
            "content-type-unsupported",
        ),
        (
            test::TestRequest::post()
                .uri("/v")
                .set_json(json!({"loyaltyId": "1"})),
            "claim-missing",
        ),
        (
            test::TestRequest::post()
                .uri("/v")
                .set_json(json!({"loyaltyId": "1", "emailAddress": "a@b.c", "age": "abc"})),
            "claim-invalid",
        ),
        (
            test::TestRequest::post()
                .uri("/v")
                .set_json(json!({"loyaltyId": 5, "emailAddress": "a@b.c"})),
            "claim-invalid",
        ),
        (
            test::TestRequest::post().uri("/v").set_json(json!([1, 2])),
            "request-invalid",
        ),
    ];
    for (req, code) in cases {
        let (s, v) = call_json(&svc, req).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{code}: {v}");
        assert_eq!(v["status"], 409, "{code}");
        assert_eq!(v["code"], code, "{v}");
        assert!(v["userMessage"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(
            v["requestId"].as_str().is_some_and(|m| m.len() == 36),
            "fresh uuid: {v}"
        );
    }
}

#[actix_web::test]
async fn validation_rules_answer_409_naming_the_display_name() {
    let svc = service!(BODY, post);
    let (s, v) = call_json(
        &svc,
        test::TestRequest::post()
            .uri("/v")
            .set_json(json!({"loyaltyId": "1", "emailAddress": "not-an-email", "age": 10})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "validation-email");
    assert_eq!(
        v["userMessage"],
        "Please enter a valid e-mail address for E-mail address."
    );
}

#[actix_web::test]
async fn oversized_body_is_413() {
    let svc = service!(BODY, post);
    let big = format!("{{\"loyaltyId\":\"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let (s, v) = call_json(
        &svc,
        test::TestRequest::post()
            .uri("/v")
            .insert_header(("content-type", "application/json"))
            .set_payload(big),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["code"], "payload-too-large");
}

#[actix_web::test]
async fn panics_timeouts_and_infrastructure_errors_do_not_leak() {
    let svc = service!(BODY, post);
    for (id, status, code) in [
        ("panic", StatusCode::INTERNAL_SERVER_ERROR, "internal-error"),
        ("io", StatusCode::INTERNAL_SERVER_ERROR, "internal-error"),
        ("slow", StatusCode::CONFLICT, "deadline-exceeded"),
    ] {
        let (s, v) = call_json(
            &svc,
            test::TestRequest::post()
                .uri("/v")
                .set_json(json!({"loyaltyId": id, "emailAddress": "a@b.c"})),
        )
        .await;
        assert_eq!(s, status, "{id}");
        assert_eq!(v["code"], code, "{id}");
        let text = v.to_string();
        assert!(
            !text.contains("boom") && !text.contains("10.0.0.7"),
            "{text}"
        );
    }
}

#[actix_web::test]
async fn form_header_query_and_url_modes_decode_the_same_claims() {
    let want =
        json!({"promoCode": "84362", "isNew": true, "contacts": [{"person": {"name": "Emily"}}]});

    let svc = service!(FORM, post);
    let (s, v) = call_json(
        &svc,
        test::TestRequest::post()
            .uri("/v")
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload("loyaltyId=1234&emailAddress=emily%40contoso.com&age=25"),
    )
    .await;
    assert_eq!((s, &v), (StatusCode::OK, &want));

    let svc = service!(HEADER, get);
    let (s, v) = call_json(
        &svc,
        test::TestRequest::get()
            .uri("/v")
            .insert_header(("loyaltyid", "1234"))
            .insert_header(("EmailAddress", "emily@contoso.com"))
            .insert_header(("age", "25")),
    )
    .await;
    assert_eq!((s, &v), (StatusCode::OK, &want));

    let svc = service!(QUERY, get);
    let (s, v) = call_json(
        &svc,
        test::TestRequest::get().uri("/v?loyaltyId=1234&emailAddress=emily%40contoso.com&age=25"),
    )
    .await;
    assert_eq!((s, &v), (StatusCode::OK, &want));

    let svc = service!(URL, get);
    let (s, v) = call_json(
        &svc,
        test::TestRequest::get().uri("/v/1234/emily%40contoso.com?age=25&cid=abc"),
    )
    .await;
    assert_eq!((s, &v), (StatusCode::OK, &want));

    let (s, v) = call_json(
        &svc,
        test::TestRequest::get().uri("/v/1234/emily%40contoso.com?age=x"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["code"], "claim-invalid");
}

#[actix_web::test]
async fn unresolved_resolver_is_reported() {
    let svc = service!(BODY, post);
    let (s, v) = call_json(
        &svc,
        test::TestRequest::post().uri("/v").set_json(json!({
            "loyaltyId": "1234", "emailAddress": "emily@contoso.com",
            "correlationId": "{Context:CorrelationId}"
        })),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["code"], "claim-resolver-unresolved");
}

static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

static IDEMPOTENT: HandlerSpec = spec(SendClaimsIn::Body, "/idem")
    .with_deadline_ms(2_000)
    .idempotent();

async fn counting_glue(req: HttpRequest, payload: Payload) -> HttpResponse {
    let call = match Call::begin(&IDEMPOTENT, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut problems = Problems::new();
    let Some(id) = call.claim::<String>(0, &mut problems) else {
        return call.reject(problems);
    };
    call.invoke(async move {
        let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        actix_web::rt::time::sleep(std::time::Duration::from_millis(150)).await;
        if id == "fail" {
            return Err(ClaimsError::user("loyalty-mismatch").arg("id", id));
        }
        Ok(Out {
            promo: format!("run-{n}"),
            is_new: false,
            name: None,
        })
    })
    .await
}

#[actix_web::test]
async fn idempotent_handlers_replay_the_first_answer_to_a_retry() {
    let svc =
        test::init_service(actix_web::App::new().route("/idem", web::post().to(counting_glue)))
            .await;
    let req = |id: &str, cid: &str| {
        test::TestRequest::post()
            .uri("/idem")
            .set_json(json!({"loyaltyId": id, "emailAddress": "a@b.c", "correlationId": cid}))
    };
    // A retry that arrives while the first attempt still runs waits for it.
    let (a, b) = futures_util::future::join(
        call_json(&svc, req("1", "c-1")),
        call_json(&svc, req("1", "c-1")),
    )
    .await;
    assert_eq!(a, b);
    assert_eq!(a.1["promoCode"], "run-1");
    assert_eq!(
        RUNS.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "side effects ran once"
    );
    // A later retry replays too.
    assert_eq!(
        call_json(&svc, req("1", "c-1")).await.1["promoCode"],
        "run-1"
    );
    // Same journey, corrected input: a fresh answer.
    assert_eq!(
        call_json(&svc, req("2", "c-1")).await.1["promoCode"],
        "run-2"
    );
    // Another journey: a fresh answer.
    assert_eq!(
        call_json(&svc, req("1", "c-2")).await.1["promoCode"],
        "run-3"
    );
    // Business errors are replayed as well.
    let first = call_json(&svc, req("fail", "c-3")).await;
    assert_eq!(first.0, StatusCode::CONFLICT);
    assert_eq!(call_json(&svc, req("fail", "c-3")).await, first);
    assert_eq!(RUNS.load(std::sync::atomic::Ordering::SeqCst), 4);
}
