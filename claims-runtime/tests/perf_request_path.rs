//! The fast paths of the request pipeline keep its behaviour: a body in one chunk is used as it
//! arrives, one in several chunks is joined (within the limit), claims are sliced from a body
//! checked once as UTF-8 (or per claim when some other part of it is not UTF-8), an `identity`
//! content encoding is accepted, and error bodies are the contract's JSON.

use actix_web::http::StatusCode;
use actix_web::web::{Bytes, Data, Payload};
use actix_web::{FromRequest, HttpRequest, HttpResponse, test};
use claims_runtime::__private::{Call, Problems};
use claims_runtime::{
    AuthSpec, ClaimWriter, ClaimsConfig, ClaimsError, DataType, HandlerSpec, InputClaimSpec,
    OutputClaimSpec, OutputClaims, SendClaimsIn,
};
use serde_json::Value;

struct Out(String);

static OUT: [OutputClaimSpec; 1] =
    [OutputClaimSpec::new("greeting", DataType::String).with_always_present(true)];

impl OutputClaims for Out {
    const CLAIMS: &'static [OutputClaimSpec] = &OUT;
    fn write_claims(&self, w: &mut ClaimWriter) {
        w.claim(0, &self.0);
    }
}

static INPUTS: [InputClaimSpec; 2] = [
    InputClaimSpec::new("name", DataType::String).with_required(true),
    InputClaimSpec::new("city", DataType::String).with_required(false),
];

const fn spec(mode: SendClaimsIn) -> HandlerSpec {
    HandlerSpec::new("REST-Greet", "/g", mode)
        .with_display_name("Greet")
        .with_auth(AuthSpec::None)
        .with_inputs(&INPUTS)
        .with_outputs(&OUT)
}

static BODY: HandlerSpec = spec(SendClaimsIn::Body);
static FORM: HandlerSpec = spec(SendClaimsIn::Form);

/// The glue `#[claims_handler]` emits, by hand.
async fn glue(spec: &'static HandlerSpec, req: HttpRequest, payload: Payload) -> HttpResponse {
    let call = match Call::begin(spec, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut problems = Problems::new();
    let name = call.claim::<String>(0, &mut problems);
    let city = call.claim::<Option<String>>(1, &mut problems);
    let (Some(name), Some(city)) = (name, city) else {
        return call.reject(problems);
    };
    call.invoke(async move {
        if name == "nobody" {
            return Err(ClaimsError::user("member-not-found").arg("email", name));
        }
        Ok(Out(format!("{name}@{}", city.unwrap_or_default())))
    })
    .await
}

/// Sends `chunks` as the body, one payload chunk each, with a body limit of `limit` bytes.
async fn send(
    spec: &'static HandlerSpec,
    content_type: &str,
    extra: Option<(&str, &str)>,
    chunks: Vec<&'static [u8]>,
    limit: usize,
) -> (StatusCode, Value) {
    let mut headers = vec![("content-type", content_type)];
    headers.extend(extra);
    send_headers(spec, &headers, chunks, limit).await
}

/// [`send`] with these headers, each appended (a name may come twice).
async fn send_headers(
    spec: &'static HandlerSpec,
    headers: &[(&str, &str)],
    chunks: Vec<&'static [u8]>,
    limit: usize,
) -> (StatusCode, Value) {
    let config = ClaimsConfig {
        body_limit: limit,
        ..ClaimsConfig::default()
    };
    let mut tr = test::TestRequest::post()
        .uri("/g")
        .app_data(Data::new(config));
    for &h in headers {
        tr = tr.append_header(h);
    }
    let (req, _) = tr.to_http_parts();
    let stream = futures_util::stream::iter(
        chunks
            .into_iter()
            .map(|c| Ok::<_, actix_web::error::PayloadError>(Bytes::from_static(c))),
    );
    let boxed: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = Result<Bytes, actix_web::error::PayloadError>>>,
    > = Box::pin(stream);
    let mut dev_payload = actix_web::dev::Payload::from(boxed);
    let payload = Payload::from_request(&req, &mut dev_payload)
        .await
        .expect("the payload extractor never fails");
    answer(spec, req, payload).await
}

/// The glue's status and JSON body for this request.
async fn answer(
    spec: &'static HandlerSpec,
    req: HttpRequest,
    payload: Payload,
) -> (StatusCode, Value) {
    let resp = glue(spec, req, payload).await;
    let status = resp.status();
    let body = actix_web::body::to_bytes(resp.into_body())
        .await
        .unwrap_or_default();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[actix_web::test]
async fn a_body_in_one_chunk_or_several_reads_the_same() {
    let whole: &'static [u8] = "{\"name\":\"Zoë\",\"city\":\"Köln\"}".as_bytes();
    let (s, v) = send(&BODY, "application/json", None, vec![whole], 1024).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["greeting"], "Zoë@Köln");
    // Split inside a claim and inside the two bytes of `ö`.
    let cut = whole.iter().position(|&b| b == 0xc3).unwrap() + 1;
    let (a, rest) = whole.split_at(cut);
    let (b, c) = rest.split_at(7);
    let (s, v) = send(&BODY, "application/json", None, vec![a, b, c], 1024).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["greeting"], "Zoë@Köln");
    // Empty chunks change nothing.
    let (s, v) = send(&BODY, "application/json", None, vec![b"", whole, b""], 1024).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["greeting"], "Zoë@Köln");
}

#[actix_web::test]
async fn the_body_limit_holds_for_one_chunk_and_for_several() {
    let body: &'static [u8] = b"{\"name\":\"Ann\",\"city\":\"Oslo\"}";
    let n = body.len();
    let (s, _) = send(&BODY, "application/json", None, vec![body], n).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = send(&BODY, "application/json", None, vec![body], n - 1).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["code"], "payload-too-large");
    let (a, b) = body.split_at(10);
    let (s, v) = send(&BODY, "application/json", None, vec![a, b], n - 1).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["code"], "payload-too-large");
    let (b1, b2) = b.split_at(5);
    let (s, v) = send(&BODY, "application/json", None, vec![a, b1, b2], n - 1).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["code"], "payload-too-large");
    let (s, _) = send(&BODY, "application/json", None, vec![a, b1, b2], n).await;
    assert_eq!(s, StatusCode::OK);
}

#[actix_web::test]
async fn bytes_that_are_not_utf8_outside_the_claims() {
    // A form field nobody reads may hold any byte: the claims still decode.
    let (s, v) = send(
        &FORM,
        "application/x-www-form-urlencoded",
        None,
        vec![b"x=\xff\xfe&name=Ann&city=Bergen"],
        1024,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["greeting"], "Ann@Bergen");
    let (s, v) = send(
        &FORM,
        "application/x-www-form-urlencoded",
        None,
        vec![b"name=Zo%C3%AB&city=K\xc3\xb6ln"],
        1024,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["greeting"], "Zoë@Köln");
    // serde_json does not check strings it skips: a JSON field nobody reads may hold any byte too
    // (so the claims are checked for UTF-8 one by one then).
    let (s, v) = send(
        &BODY,
        "application/json",
        None,
        vec![b"{\"x\":\"\xff\",\"name\":\"Ann\"}"],
        1024,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["greeting"], "Ann@");
    // A claim that is not UTF-8 is refused.
    let (s, v) = send(
        &BODY,
        "application/json",
        None,
        vec![b"{\"name\":\"A\xffn\"}"],
        1024,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

#[actix_web::test]
async fn identity_content_encoding_is_accepted_and_others_are_not() {
    for enc in ["identity", "IDENTITY", " identity , identity", ""] {
        let (s, v) = send(
            &BODY,
            "application/json",
            Some(("content-encoding", enc)),
            vec![b"{\"name\":\"Ann\"}"],
            1024,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{enc:?}: {v}");
        assert_eq!(v["greeting"], "Ann@");
    }
    for enc in ["gzip", "identity, br"] {
        let (s, v) = send(
            &BODY,
            "application/json",
            Some(("content-encoding", enc)),
            vec![b"{\"name\":\"Ann\"}"],
            1024,
        )
        .await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{enc:?}");
        assert_eq!(v["code"], "content-type-unsupported");
    }
}

#[actix_web::test]
async fn optional_claims_empty_null_absent_or_sent() {
    for (body, want) in [
        (&b"{\"name\":\"Ann\"}"[..], "Ann@"),
        (b"{\"name\":\"Ann\",\"city\":\"\"}", "Ann@"),
        (b"{\"name\":\"Ann\",\"city\": null }", "Ann@"),
        (b"{\"name\":\"Ann\",\"city\":\"Lyon\"}", "Ann@Lyon"),
        (
            b"{\"name\":\"Ann\",\"city\":\"L\\u00e9on\"}",
            "Ann@L\u{e9}on",
        ),
    ] {
        let (s, v) = send(&BODY, "application/json", None, vec![body], 1024).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["greeting"], want);
    }
    // A number is no string: refused.
    let (s, _) = send(
        &BODY,
        "application/json",
        None,
        vec![b"{\"name\":\"Ann\",\"city\":7}"],
        1024,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn a_user_error_answers_the_contract_body() {
    let (s, v) = send(
        &BODY,
        "application/json",
        None,
        vec![b"{\"name\":\"nobody\"}"],
        1024,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["version"], "1.0.0");
    assert_eq!(v["status"], 409);
    assert!(
        v["userMessage"].as_str().is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    assert!(
        v["requestId"].as_str().is_some_and(|m| m.len() == 36),
        "{v}"
    );
}

#[actix_web::test]
async fn every_content_encoding_header_is_checked_and_the_first_content_type_counts() {
    let body: &'static [u8] = b"{\"name\":\"Ann\"}";
    let json = ("content-type", "application/json");
    for encodings in [["identity", "gzip"], ["gzip", "identity"]] {
        let headers = [
            json,
            ("content-encoding", encodings[0]),
            ("content-encoding", encodings[1]),
        ];
        let (s, v) = send_headers(&BODY, &headers, vec![body], 1024).await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{encodings:?}: {v}");
    }
    // A declared length over the limit is refused before the body is read, whatever the order
    // of the headers.
    let headers = [("content-length", "4096"), json];
    let (s, v) = send_headers(&BODY, &headers, vec![body], 1024).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    let (s, v) = send_headers(&BODY, &[json, ("content-length", "15")], vec![body], 1024).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = send_headers(
        &FORM,
        &[json, ("content-type", "application/x-www-form-urlencoded")],
        vec![b"name=Ann"],
        1024,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "the first content type counts: {v}"
    );
    assert_eq!(v["code"], "content-type-unsupported");
}

#[actix_web::test]
async fn plain_and_escaped_bodies_decode_alike() {
    // The first bodies take the single-pass scanner (strings without escapes), the second ones
    // serde_json (an escape in a field nobody reads): the claims must not differ.
    for (plain, escaped, want) in [
        (
            &b"{ \"name\" : \"Zo\xc3\xab\" , \"city\" :\"\" }"[..],
            &b"{\"x\":\"\\n\", \"name\" : \"Zo\xc3\xab\" , \"city\" :\"\" }"[..],
            "Zo\u{eb}@",
        ),
        (
            b"{\"name\":\" Ann \",\"city\":\"  \"}",
            b"{\"x\":\"\\t\",\"name\":\" Ann \",\"city\":\"  \"}",
            " Ann @  ",
        ),
        (
            b"{\"city\":null,\"name\":\"{Culture:LCID}x\"}",
            b"{\"x\":\"\\/\",\"city\":null,\"name\":\"{Culture:LCID}x\"}",
            "{Culture:LCID}x@",
        ),
    ] {
        let (s1, v1) = send(&BODY, "application/json", None, vec![plain], 1024).await;
        let (s2, v2) = send(&BODY, "application/json", None, vec![escaped], 1024).await;
        assert_eq!(s1, StatusCode::OK, "{v1}");
        assert_eq!((s1, &v1["greeting"]), (s2, &v2["greeting"]));
        assert_eq!(v1["greeting"], want);
    }
    // A required claim sent empty or as a number is refused alike.
    for (plain, escaped) in [
        (
            &b"{\"name\":\"\"}"[..],
            &b"{\"x\":\"\\n\",\"name\":\"\"}"[..],
        ),
        (b"{\"name\":7}", b"{\"x\":\"\\n\",\"name\":7}"),
    ] {
        let (s1, v1) = send(&BODY, "application/json", None, vec![plain], 1024).await;
        let (s2, v2) = send(&BODY, "application/json", None, vec![escaped], 1024).await;
        assert_eq!((s1, &v1["code"]), (s2, &v2["code"]));
    }
}

static HEADER_INPUTS_A: [InputClaimSpec; 2] = [
    InputClaimSpec::new("name", DataType::String)
        .with_partner("X-User-Name")
        .with_required(true),
    InputClaimSpec::new("city", DataType::String).with_required(false),
];
static HEADER_INPUTS_B: [InputClaimSpec; 2] = [
    InputClaimSpec::new("name", DataType::String)
        .with_partner("givenName")
        .with_required(true),
    // Not a valid header name: never sent, so absent.
    InputClaimSpec::new("city", DataType::String)
        .with_partner("home city")
        .with_required(false),
];
static HEADER_A: HandlerSpec = HandlerSpec::new("REST-GreetA", "/g", SendClaimsIn::Header)
    .with_auth(AuthSpec::None)
    .with_inputs(&HEADER_INPUTS_A)
    .with_outputs(&OUT);
static HEADER_B: HandlerSpec = HandlerSpec::new("REST-GreetB", "/g", SendClaimsIn::Header)
    .with_auth(AuthSpec::None)
    .with_inputs(&HEADER_INPUTS_B)
    .with_outputs(&OUT);

async fn get_headers(spec: &'static HandlerSpec, headers: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut tr = test::TestRequest::get()
        .uri("/g")
        .app_data(Data::new(ClaimsConfig::default()));
    for &h in headers {
        tr = tr.append_header(h);
    }
    let (req, mut dev_payload) = tr.to_http_parts();
    let payload = Payload::from_request(&req, &mut dev_payload)
        .await
        .expect("the payload extractor never fails");
    answer(spec, req, payload).await
}

#[actix_web::test]
async fn header_claims_are_found_by_each_handlers_own_names_in_any_case() {
    // Alternating handlers on one thread: each reads its own (cached) names.
    for _ in 0..2 {
        let (s, v) = get_headers(
            &HEADER_A,
            &[
                ("x-user-name", "Ann"),
                ("CITY", "Oslo"),
                ("givenName", "Bob"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["greeting"], "Ann@Oslo");
        let (s, v) = get_headers(
            &HEADER_B,
            &[
                ("x-user-name", "Ann"),
                ("city", "Oslo"),
                ("GIVENNAME", " Bob "),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            v["greeting"], "Bob@",
            "trimmed, and 'home city' is never a header"
        );
    }
    // A header sent twice is a list: refused for a one-value claim.
    let (s, v) = get_headers(&HEADER_A, &[("x-user-name", "Ann"), ("X-User-Name", "Eve")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = get_headers(&HEADER_A, &[("city", "Oslo")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["code"], "claim-missing");
}
