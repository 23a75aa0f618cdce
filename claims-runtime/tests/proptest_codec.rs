//! Property tests: no input can panic the codec or a handler. Arbitrary bodies, query strings and
//! headers, for every send mode, always get a JSON answer with a documented status.

use std::borrow::Cow;

use actix_web::http::StatusCode;
use actix_web::test as atest;
use actix_web::web::{self, Payload};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use claims_runtime::__private::{Call, Problems};
use claims_runtime::codec::{self, Source};
use claims_runtime::{
    AuthSpec, ClaimType, DataType, Duration, HandlerSpec, InputClaimSpec, PhoneNumber, RawClaim,
    SendClaimsIn,
};
use proptest::prelude::*;

const fn input(id: &'static str, dt: DataType) -> InputClaimSpec {
    InputClaimSpec::new(id, dt)
}

static INPUTS: [InputClaimSpec; 8] = [
    input("s", DataType::String),
    input("b", DataType::Boolean),
    input("i", DataType::Int),
    input("l", DataType::Long),
    input("d", DataType::Date),
    input("t", DataType::DateTime),
    input("c", DataType::StringCollection),
    input("p", DataType::PhoneNumber),
];

const fn spec(mode: SendClaimsIn, path: &'static str) -> HandlerSpec {
    HandlerSpec::new("REST-Prop", path, mode)
        .with_auth(AuthSpec::None)
        .with_inputs(&INPUTS)
}

static SPECS: [HandlerSpec; 5] = [
    spec(SendClaimsIn::Body, "/body"),
    spec(SendClaimsIn::Form, "/form"),
    spec(SendClaimsIn::Header, "/header"),
    spec(SendClaimsIn::QueryString, "/query"),
    spec(SendClaimsIn::Url, "/url/{s}/{i}?b={b}"),
];

async fn glue(spec: &'static HandlerSpec, req: HttpRequest, payload: Payload) -> HttpResponse {
    let call = match Call::begin(spec, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut p = Problems::new();
    let s = call.claim::<Option<String>>(0, &mut p);
    let b = call.claim::<Option<bool>>(1, &mut p);
    let i = call.claim::<Option<i32>>(2, &mut p);
    let l = call.claim::<Option<i64>>(3, &mut p);
    let d = call.claim::<Option<NaiveDate>>(4, &mut p);
    let t = call.claim::<Option<DateTime<Utc>>>(5, &mut p);
    let c = call.claim::<Vec<String>>(6, &mut p);
    let ph = call.claim::<Option<PhoneNumber>>(7, &mut p);
    if !p.is_empty() {
        return call.reject(p);
    }
    let all_some = [
        s.is_some(),
        b.is_some(),
        i.is_some(),
        l.is_some(),
        d.is_some(),
        t.is_some(),
        c.is_some(),
        ph.is_some(),
    ];
    assert!(
        all_some.iter().all(|x| *x),
        "no problem means every claim decoded"
    );
    call.invoke(async { Ok::<(), claims_runtime::ClaimsError>(()) })
        .await
}

fn check_answer(status: StatusCode, body: &[u8]) {
    let v: serde_json::Value = serde_json::from_slice(body).expect("every answer is JSON");
    if status == StatusCode::OK {
        assert_eq!(v, serde_json::json!({}));
    } else {
        assert!(
            [StatusCode::BAD_REQUEST, StatusCode::PAYLOAD_TOO_LARGE].contains(&status),
            "unexpected status {status}: {v}"
        );
        assert_eq!(v["status"], 409);
        assert!(v["userMessage"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

fn any_raw() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-+0-9.eE]{0,30}",
        "(true|false|True|FALSE|null|\"\"|\\[\\]|\\{\\})",
        "\"[0-9T:.Z+/ -]{0,40}\"",
        "\\[(\"[a-z]{0,3}\",?){0,4}\\]",
    ]
}

fn decode_all(raw: &RawClaim<'_>) {
    let _ = String::decode(raw);
    let _ = bool::decode(raw);
    let _ = i32::decode(raw);
    let _ = i64::decode(raw);
    let _ = NaiveDate::decode(raw);
    let _ = DateTime::<Utc>::decode(raw);
    let _ = Vec::<String>::decode(raw);
    let _ = PhoneNumber::decode(raw);
    let _ = Duration::decode(raw);
    let _ = Option::<i64>::decode(raw);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn scanners_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let wires = ["s", "b", "i", "a", ""];
        let _ = codec::scan_json(&body, &wires);
        let _ = codec::scan_urlencoded(&body, Source::Body, &wires);
    }

    #[test]
    fn json_shaped_bodies_never_panic(key in "[sbilrdtcp]{1,2}", raw in any_raw()) {
        let body = format!("{{\"{key}\":{raw}}}");
        if let Ok(slots) = codec::scan_json(body.as_bytes(), &["s", "b", "i", "l", "d", "t", "c", "p"]) {
            for slot in slots {
                if let codec::Slot::Json(r) = slot {
                    decode_all(&RawClaim::Json(&body[r]));
                }
            }
        }
    }

    #[test]
    fn typed_decoders_never_panic(text in any::<String>(), list in proptest::collection::vec(any::<String>(), 0..4)) {
        decode_all(&RawClaim::Text(Cow::Borrowed(&text)));
        decode_all(&RawClaim::Json(&text));
        decode_all(&RawClaim::TextList(list.iter().map(|s| Cow::Borrowed(s.as_str())).collect()));
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            decode_all(&RawClaim::JsonOwned(v));
        }
    }
}

fn runtime() -> actix_web::rt::SystemRunner {
    actix_web::rt::System::new()
}

macro_rules! svc {
    () => {
        atest::init_service(
            actix_web::App::new()
                .route(
                    "/body",
                    web::post().to(|r: HttpRequest, p: Payload| glue(&SPECS[0], r, p)),
                )
                .route(
                    "/form",
                    web::post().to(|r: HttpRequest, p: Payload| glue(&SPECS[1], r, p)),
                )
                .route(
                    "/header",
                    web::get().to(|r: HttpRequest, p: Payload| glue(&SPECS[2], r, p)),
                )
                .route(
                    "/query",
                    web::get().to(|r: HttpRequest, p: Payload| glue(&SPECS[3], r, p)),
                )
                .route(
                    "/url/{s}/{i}",
                    web::get().to(|r: HttpRequest, p: Payload| glue(&SPECS[4], r, p)),
                ),
        )
        .await
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bodies_get_contract_answers(
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            (any_raw(), "[sbilc]").prop_map(|(r, k)| format!("{{\"{k}\":{r}}}").into_bytes()),
        ],
        ct in prop_oneof![Just("application/json"), Just("application/x-www-form-urlencoded"), Just("text/plain"), Just("")],
    ) {
        runtime().block_on(async {
            let svc = svc!();
            for path in ["/body", "/form"] {
                let mut req = atest::TestRequest::post().uri(path).set_payload(body.clone());
                if !ct.is_empty() {
                    req = req.insert_header(("content-type", ct));
                }
                let resp = atest::call_service(&svc, req.to_request()).await;
                let status = resp.status();
                check_answer(status, &atest::read_body(resp).await);
            }
        });
    }

    #[test]
    fn arbitrary_queries_and_paths_get_contract_answers(q in "[a-z=&%0-9A-F+.:\\-\\[\\]]{0,80}", seg in "[a-zA-Z0-9%._~-]{1,20}") {
        runtime().block_on(async {
            let svc = svc!();
            for uri in [format!("/query?{q}"), format!("/url/{seg}/{seg}?{q}")] {
                let resp = atest::call_service(&svc, atest::TestRequest::get().uri(&uri).to_request()).await;
                let status = resp.status();
                if status != StatusCode::NOT_FOUND {
                    check_answer(status, &atest::read_body(resp).await);
                }
            }
        });
    }

    #[test]
    fn arbitrary_headers_get_contract_answers(values in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 8)) {
        runtime().block_on(async {
            let svc = svc!();
            let mut req = atest::TestRequest::get().uri("/header");
            for (name, v) in ["s", "b", "i", "l", "d", "t", "c", "p"].iter().zip(&values) {
                if let Ok(hv) = actix_web::http::header::HeaderValue::from_bytes(v) {
                    req = req.insert_header((*name, hv));
                }
            }
            let resp = atest::call_service(&svc, req.to_request()).await;
            let status = resp.status();
            check_answer(status, &atest::read_body(resp).await);
        });
    }
}
