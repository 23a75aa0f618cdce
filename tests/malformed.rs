//! A corpus of malformed requests replayed against the fixture app. Each case states the status
//! and `code` the README documents; every answer must be a contract body (status 409 in the
//! body, a userMessage, a requestId).

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use actix_web::test::{self, TestRequest};
use serde_json::{Value, json};

struct Case {
    name: String,
    req: TestRequest,
    status: StatusCode,
    code: Option<&'static str>,
}

const BAD: StatusCode = StatusCode::BAD_REQUEST;

fn valid_echo() -> serde_json::Map<String, Value> {
    json!({"text": "t", "flag": true, "count": 1, "big": 2, "day": "2024-05-01",
           "at": "2024-05-01T00:00:00Z", "tags": ["a"], "phone": "+4912345"})
    .as_object()
    .unwrap()
    .clone()
}

fn case(
    name: impl Into<String>,
    req: TestRequest,
    status: StatusCode,
    code: Option<&'static str>,
) -> Case {
    Case {
        name: name.into(),
        req,
        status,
        code,
    }
}

fn json_post(path: &str, body: impl Into<Vec<u8>>) -> TestRequest {
    TestRequest::post()
        .uri(path)
        .insert_header(("content-type", "application/json"))
        .set_payload(body.into())
}

fn form_post(path: &str, body: impl Into<Vec<u8>>) -> TestRequest {
    TestRequest::post()
        .uri(path)
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(body.into())
}

fn corpus() -> Vec<Case> {
    let mut c = Vec::new();

    // 1. Content types that do not match the send mode.
    for ct in [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/xml",
        "application/xml",
        "image/png",
        "application/octet-stream",
        "text/html",
        "garbage",
    ] {
        for path in ["/echo/body", "/b2c/validate-loyalty", "/payload"] {
            c.push(case(
                format!("content type {ct} on {path}"),
                TestRequest::post()
                    .uri(path)
                    .insert_header(("content-type", ct))
                    .set_payload("{}"),
                BAD,
                Some("content-type-unsupported"),
            ));
        }
    }
    for ct in [
        "application/json",
        "text/plain",
        "application/xml",
        "multipart/form-data",
    ] {
        c.push(case(
            format!("content type {ct} on a form endpoint"),
            TestRequest::post()
                .uri("/echo/form")
                .insert_header(("content-type", ct))
                .set_payload("text=x"),
            BAD,
            Some("content-type-unsupported"),
        ));
    }
    // A missing content type is accepted (B2C's is not documented); the claims then decide.
    c.push(case(
        "no content type, valid JSON",
        TestRequest::post()
            .uri("/echo/body")
            .set_payload(Value::Object(valid_echo()).to_string()),
        StatusCode::OK,
        None,
    ));
    c.push(case(
        "no content type, empty body",
        TestRequest::post().uri("/echo/body"),
        BAD,
        Some("claim-missing"),
    ));

    // 2. Invalid JSON.
    for (i, body) in [
        "{",
        "}",
        "{\"text\":",
        "{\"text\":\"t\"",
        "{\"text\":\"t\",}",
        "{'text':'t'}",
        "{text:\"t\"}",
        "{\"text\":\"t\" \"flag\":true}",
        "{\"text\":NaN}",
        "{\"text\":Infinity}",
        "{\"count\":01}",
        "{\"count\":1.}",
        "{\"count\":.5}",
        "{\"count\":+1}",
        "{\"text\":\"\\x41\"}",
        "{\"text\":\"\\u12\"}",
        "{\"text\":\"tab\there\"}",
        "// comment\n{}",
        "{} {}",
        "{}garbage",
        "[]",
        "[{}]",
        "\"string\"",
        "42",
        "true",
        "null",
        "\u{feff}{}",
        "{\"a\":[1,2,}",
        "{\"a\":{\"b\":}}",
        "{\"text\":\"t\"}\u{0}",
        "{\"text\" : \"t\" ,, }",
        "{\"\":1,}",
        "nul",
        "tru",
        "{\"text\":tru}",
        "{\"text\":\"unterminated}",
        "{\"text\":\"t\"]",
        "[",
        "{\"x\":[[[[[[[[[[]]]]]]]]]}x",
    ]
    .into_iter()
    .enumerate()
    {
        c.push(case(
            format!("invalid JSON #{i}: {body:?}"),
            json_post("/echo/body", body),
            BAD,
            Some("request-invalid"),
        ));
        c.push(case(
            format!("invalid JSON payload #{i}"),
            json_post("/payload", body),
            BAD,
            Some("request-invalid"),
        ));
    }

    // A lone surrogate escape inside a claim's own value: the value is rejected.
    c.push(case(
        "lone surrogate in a claim",
        json_post("/echo/body", "{\"text\":\"\\ud800\"}"),
        BAD,
        Some("claim-invalid"),
    ));

    // 3. Invalid UTF-8 everywhere.
    for (i, bytes) in [
        &b"{\"text\":\"\xff\"}"[..],
        b"{\"text\":\"\xc3\x28\"}",
        b"{\"te\xffxt\":\"t\"}",
        b"{\"text\":\"\xe2\x82\"}",
        b"\xff\xfe{}",
        b"{\"text\":\"\xed\xa0\x80\"}",
    ]
    .into_iter()
    .enumerate()
    {
        c.push(case(
            format!("invalid UTF-8 JSON #{i}"),
            json_post("/echo/body", bytes.to_vec()),
            BAD,
            Some("request-invalid"),
        ));
    }
    for (i, bytes) in [
        &b"text=\xff"[..],
        b"text=%FF",
        b"text=%C3%28",
        b"te\xffxt=1&text=ok",
        b"text=%E2%82",
        b"%FF=1",
    ]
    .into_iter()
    .enumerate()
    {
        c.push(case(
            format!("invalid UTF-8 form #{i}"),
            form_post("/echo/form", bytes.to_vec()),
            BAD,
            Some("request-invalid"),
        ));
    }
    for (i, q) in [
        "text=%FF",
        "text=%C3%28",
        "text=%E2%82%",
        "%FF=1",
        "text=a%ED%A0%80",
    ]
    .into_iter()
    .enumerate()
    {
        c.push(case(
            format!("invalid UTF-8 query #{i}"),
            TestRequest::get().uri(&format!("/echo/query?{q}")),
            BAD,
            Some("request-invalid"),
        ));
    }
    for (i, seg) in ["%FF", "%C3%28", "a%ED%A0%80"].into_iter().enumerate() {
        c.push(case(
            format!("invalid UTF-8 URL segment #{i}"),
            TestRequest::get().uri(&format!("/echo/url/{seg}/2024")),
            BAD,
            Some("request-invalid"),
        ));
    }

    // 4. Duplicate keys for scalar claims.
    for key in ["text", "flag", "count", "big", "day", "at", "phone"] {
        let mut body = Value::Object(valid_echo()).to_string();
        body.insert_str(1, &format!("\"{key}\":{},", valid_echo()[key]));
        c.push(case(
            format!("duplicate JSON key {key}"),
            json_post("/echo/body", body),
            BAD,
            Some("claim-invalid"),
        ));
        c.push(case(
            format!("duplicate form key {key}"),
            form_post("/echo/form", format!("{key}=1&{key}=2")),
            BAD,
            Some("claim-invalid"),
        ));
        c.push(case(
            format!("duplicate query key {key}"),
            TestRequest::get().uri(&format!("/echo/query?{key}=1&{key}=2")),
            BAD,
            Some("claim-invalid"),
        ));
    }

    // 5. Arrays, objects and the wrong scalar kind where a scalar is expected.
    for key in ["text", "flag", "count", "big", "day", "at", "phone"] {
        for (kind, value) in [
            ("array", json!([1, 2])),
            ("object", json!({"a": 1})),
            ("empty array", json!([])),
            ("empty object", json!({})),
            ("nested", json!([[{"x": [1]}]])),
        ] {
            let mut m = valid_echo();
            m.insert(key.to_owned(), value);
            c.push(case(
                format!("{kind} for {key}"),
                json_post("/echo/body", Value::Object(m).to_string()),
                BAD,
                Some("claim-invalid"),
            ));
        }
    }
    for (key, value) in [
        ("text", json!(5)),
        ("text", json!(true)),
        ("flag", json!(1)),
        ("flag", json!("yes")),
        ("flag", json!("1")),
        ("count", json!(true)),
        ("count", json!("1,5")),
        ("day", json!(20240501)),
        ("day", json!("01/05/2024x")),
        ("at", json!(1714571100)),
        ("at", json!("not a date")),
        ("phone", json!("call me")),
        ("tags", json!([1, 2])),
        ("tags", json!([null])),
        ("tags", json!({"a": "b"})),
        ("tags", json!(7)),
    ] {
        let mut m = valid_echo();
        m.insert(key.to_owned(), value.clone());
        c.push(case(
            format!("{key} = {value}"),
            json_post("/echo/body", Value::Object(m).to_string()),
            BAD,
            Some("claim-invalid"),
        ));
    }

    // 6. Numbers out of range or not integral.
    for (key, value) in [
        ("count", "2147483648"),
        ("count", "-2147483649"),
        ("count", "1e10"),
        ("count", "1.5"),
        ("count", "-0.1"),
        ("count", "99999999999999999999999"),
        ("count", "\"2147483648\""),
        ("count", "\"1e3\""),
        ("count", "\"0x10\""),
        ("count", "1e400"),
        ("big", "9223372036854775808"),
        ("big", "-9223372036854775809"),
        ("big", "1e19"),
        ("big", "\"9223372036854775808\""),
        ("big", "0.5"),
        ("big", "18446744073709551616"),
        ("big", "-1e400"),
        ("big", "\"\\u0031\\u0032x\""),
    ] {
        let body = Value::Object(valid_echo()).to_string().replacen(
            &format!("\"{key}\":{}", valid_echo()[key]),
            &format!("\"{key}\":{value}"),
            1,
        );
        c.push(case(
            format!("{key} = {value}"),
            json_post("/echo/body", body),
            BAD,
            Some("claim-invalid"),
        ));
        let mut pairs: Vec<String> = [
            "text=t",
            "flag=true",
            "count=1",
            "big=2",
            "day=2024-05-01",
            "at=2024-05-01T00%3A00%3A00Z",
            "phone=%2B12345",
        ]
        .iter()
        .filter(|p| !p.starts_with(&format!("{key}=")))
        .map(|p| (*p).to_owned())
        .collect();
        pairs.push(format!(
            "{key}={}",
            value.trim_matches('"').replace('+', "%2B")
        ));
        c.push(case(
            format!("query {key} = {value}"),
            TestRequest::get().uri(&format!("/echo/query?{}", pairs.join("&"))),
            BAD,
            Some("claim-invalid"),
        ));
    }

    // 7. Missing required claims, one at a time, in every mode.
    for key in ["text", "flag", "count", "big", "day", "at", "phone"] {
        let mut m = valid_echo();
        m.remove(key);
        c.push(case(
            format!("JSON without {key}"),
            json_post("/echo/body", Value::Object(m.clone()).to_string()),
            BAD,
            Some("claim-missing"),
        ));
        let pairs: Vec<String> = m
            .iter()
            .filter(|(k, _)| *k != "tags")
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.as_str()
                        .map_or(v.to_string(), str::to_owned)
                        .replace('+', "%2B")
                        .replace(':', "%3A")
                )
            })
            .collect();
        c.push(case(
            format!("form without {key}"),
            form_post("/echo/form", pairs.join("&")),
            BAD,
            Some("claim-missing"),
        ));
        c.push(case(
            format!("query without {key}"),
            TestRequest::get().uri(&format!("/echo/query?{}", pairs.join("&"))),
            BAD,
            Some("claim-missing"),
        ));
        let mut req = TestRequest::get().uri("/echo/header");
        for (k, v) in &m {
            if k != "tags" {
                req = req
                    .insert_header((k.as_str(), v.as_str().map_or(v.to_string(), str::to_owned)));
            }
        }
        c.push(case(
            format!("headers without {key}"),
            req,
            BAD,
            Some("claim-missing"),
        ));
    }

    // 8. Oversized bodies.
    for (i, size) in [1024 * 1024 + 1, 5 * 1024 * 1024, 10 * 1024 * 1024]
        .into_iter()
        .enumerate()
    {
        c.push(case(
            format!("JSON body of {size} bytes"),
            json_post("/echo/body", vec![b' '; size]),
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("payload-too-large"),
        ));
        c.push(case(
            format!("form body of {size} bytes #{i}"),
            form_post("/echo/form", vec![b'a'; size]),
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("payload-too-large"),
        ));
        c.push(case(
            format!("payload body of {size} bytes #{i}"),
            json_post("/payload", vec![b' '; size]),
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("payload-too-large"),
        ));
    }

    // 9. Very long values and very many parameters or headers (within what reaches the app).
    let long = "x".repeat(64 * 1024);
    let mut m = valid_echo();
    m.insert("text".into(), json!(long));
    c.push(case(
        "64 KiB string claim",
        json_post("/echo/body", Value::Object(m).to_string()),
        StatusCode::OK,
        None,
    ));
    c.push(case(
        "64 KiB integer",
        json_post(
            "/echo/body",
            Value::Object(valid_echo()).to_string().replacen(
                "\"count\":1",
                &format!("\"count\":{}", "9".repeat(64 * 1024)),
                1,
            ),
        ),
        BAD,
        Some("claim-invalid"),
    ));
    let many: String = (0..5000).map(|i| format!("p{i}={i}&")).collect();
    c.push(case(
        "5,000 unknown query pairs",
        TestRequest::get().uri(&format!("/echo/query?{many}text=t&flag=true&count=1&big=2&day=2024-05-01&at=2024-05-01T00%3A00%3A00Z&phone=%2B12345")),
        StatusCode::OK,
        None,
    ));
    c.push(case(
        "5,000 unknown form pairs, claims missing",
        form_post("/echo/form", many.clone()),
        BAD,
        Some("claim-missing"),
    ));
    let many_tags: String = (0..5000).map(|i| format!("tags={i}&")).collect();
    c.push(case(
        "5,000 values for a collection",
        form_post("/echo/form", format!("{many_tags}text=t&flag=true&count=1&big=2&day=2024-05-01&at=2024-05-01T00%3A00%3A00Z&phone=%2B12345")),
        StatusCode::OK,
        None,
    ));
    let mut req = TestRequest::get().uri("/echo/header");
    for i in 0..2000 {
        req = req.append_header((format!("x-noise-{i}").as_str(), "noise"));
    }
    c.push(case(
        "2,000 unknown headers, claims missing",
        req,
        BAD,
        Some("claim-missing"),
    ));
    let mut req = TestRequest::get().uri("/echo/header");
    for (k, v) in valid_echo() {
        if k != "tags" {
            req = req.insert_header((k.as_str(), v.as_str().map_or(v.to_string(), str::to_owned)));
        }
    }
    req = req.insert_header(("x-long", "y".repeat(100 * 1024)));
    c.push(case("100 KiB unknown header", req, StatusCode::OK, None));
    let mut req = TestRequest::get()
        .uri("/echo/header")
        .insert_header(("count", "9".repeat(20 * 1024)));
    for (k, v) in valid_echo() {
        if k != "tags" && k != "count" {
            req = req.insert_header((k.as_str(), v.as_str().map_or(v.to_string(), str::to_owned)));
        }
    }
    c.push(case(
        "20 KiB integer header",
        req,
        BAD,
        Some("claim-invalid"),
    ));
    c.push(case(
        "non-UTF-8 header value is read as Latin-1",
        TestRequest::get()
            .uri("/echo/header")
            .insert_header(("text", HeaderValue::from_bytes(b"caf\xe9").unwrap())),
        BAD,
        Some("claim-missing"),
    ));

    // 10. URL-encoding oddities.
    for (q, status, code) in [
        ("text=%zz", BAD, Some("claim-missing")),
        ("text=%", BAD, Some("claim-missing")),
        ("text=%%", BAD, Some("claim-missing")),
        ("=&&==&", BAD, Some("claim-missing")),
        ("&&&", BAD, Some("claim-missing")),
        ("text", BAD, Some("claim-missing")),
        ("count=%31%32&text=t", BAD, Some("claim-missing")),
        ("count=abc", BAD, Some("claim-invalid")),
        (
            "flag=%74rue&count=%2B1&text=t&big=1&day=2024-05-01&at=2024-05-01&phone=%2B123",
            StatusCode::OK,
            None,
        ),
    ] {
        c.push(case(
            format!("query {q:?}"),
            TestRequest::get().uri(&format!("/echo/query?{q}")),
            status,
            code,
        ));
        c.push(case(
            format!("form {q:?}"),
            form_post("/echo/form", q),
            status,
            code,
        ));
    }

    // 11. Resolver literals, wrong methods, unknown paths are not ours (404 from actix).
    for (lang, status, code) in [
        ("{Culture:RFC5646}", BAD, Some("claim-resolver-unresolved")),
        ("{culture:rfc5646}", BAD, Some("claim-resolver-unresolved")),
        ("{Culture:Unknown}", StatusCode::OK, None),
        ("", StatusCode::OK, None),
    ] {
        c.push(case(
            format!("lang = {lang:?}"),
            json_post(
                "/b2c/validate-loyalty",
                json!({"loyaltyId": "1234", "email": "emily@contoso.com", "lang": lang})
                    .to_string(),
            ),
            status,
            code,
        ));
    }
    for (method, path) in [
        ("GET", "/echo/body"),
        ("PUT", "/echo/body"),
        ("DELETE", "/echo/form"),
        ("POST", "/echo/query"),
        ("PATCH", "/echo/header"),
        ("POST", "/echo/url/a/1"),
    ] {
        let req = TestRequest::default()
            .method(actix_web::http::Method::from_bytes(method.as_bytes()).unwrap())
            .uri(path);
        c.push(case(
            format!("{method} {path}"),
            req,
            StatusCode::METHOD_NOT_ALLOWED,
            Some("request-invalid"),
        ));
    }
    c
}

async fn run(
    svc: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    case: Case,
) -> Result<(), String> {
    let resp = test::call_service(svc, case.req.to_request()).await;
    let status = resp.status();
    let body = test::read_body(resp).await;
    let v: Value = serde_json::from_slice(&body).map_err(|e| {
        format!(
            "{}: not JSON ({e}): {:?}",
            case.name,
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )
    })?;
    if status != case.status {
        return Err(format!(
            "{}: status {status}, expected {}: {v}",
            case.name, case.status
        ));
    }
    if status.is_success() {
        return Ok(());
    }
    if v["status"] != 409
        || v["userMessage"].as_str().is_none_or(|m| m.is_empty())
        || !v["requestId"].is_string()
    {
        return Err(format!("{}: not a contract body: {v}", case.name));
    }
    if let Some(code) = case.code
        && v["code"] != code
    {
        return Err(format!(
            "{}: code {}, expected {code}",
            case.name, v["code"]
        ));
    }
    Ok(())
}

#[actix_web::test]
async fn malformed_corpus_gets_documented_statuses_and_contract_bodies() {
    let conf = claims_tests::app().into_configurator();
    let svc = test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await;
    let cases = corpus();
    let total = cases.len();
    assert!(
        total >= 300,
        "the corpus has {total} cases; the issue asks for at least 300"
    );
    let mut failures = Vec::new();
    for case in cases {
        if let Err(e) = run(&svc, case).await {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("malformed corpus: {total} cases passed");
}
