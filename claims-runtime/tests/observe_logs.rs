//! The access log, rejection reasons, metrics and middleware against running servers
//! (`App::server` on loopback and `into_configurator` mounted in an actix `App`), with every log
//! line captured as JSON by a global subscriber.

use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{body::MessageBody, dev::ServiceRequest, dev::ServiceResponse, test as at};
use claims_runtime::auth::{DevCredentials, Secret};
use claims_runtime::observe::{LogFormat, Outcome, init_logging};
use claims_runtime::prelude::*;
use serde_json::Value;

#[derive(OutputClaims)]
struct Member {
    #[claim(id = "loyaltyNumber")]
    number: String,
}

/// Echo: 200, or the 409 for `unknown@contoso.com`.
#[claims_handler(path = "/obs/echo", send_claims_in = Body, auth = None)]
async fn obs_echo(
    #[claim] email: String,
    #[claim] age: Option<i32>,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Member, ClaimsError> {
    let _ = age;
    if email == "unknown@contoso.com" {
        Err(ClaimsError::user("member-not-found").arg("email", email))
    } else {
        Ok(Member {
            number: "84362".into(),
        })
    }
}

/// Past its 50 ms deadline.
#[claims_handler(path = "/obs/slow", send_claims_in = Body, auth = None, deadline_ms = 50)]
async fn obs_slow(
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Member, ClaimsError> {
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    Ok(Member { number: "1".into() })
}

/// Guarded by Basic.
#[claims_handler(path = "/obs/guarded", send_claims_in = Body, auth = Basic)]
async fn obs_guarded(
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Member, ClaimsError> {
    Ok(Member { number: "2".into() })
}

/// Idempotent: a retry with the same correlation id is replayed.
#[claims_handler(path = "/obs/idem", send_claims_in = Body, auth = None, idempotent = true)]
async fn obs_idem(
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Member, ClaimsError> {
    Ok(Member { number: "3".into() })
}

/// Idempotent and refusing: its attempt runs in its own task, whose reason must still reach
/// the access line.
#[claims_handler(path = "/obs/idem-refused", send_claims_in = Body, auth = None, idempotent = true)]
async fn obs_idem_refused(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Member, ClaimsError> {
    Err(ClaimsError::user("member-not-found").arg("email", email))
}

const PASSWORD: &str = "correct-horse-battery";
const WRONG_PASSWORD: &str = "hunter2-never-logged";
const SECRET_EMAIL: &str = "private.person@contoso.com";
const SECRET_AGE: &str = "not-a-number-xyz";

// --- captured logs --------------------------------------------------------------------------

use claims_testing::logs::capture as capture_logs;

fn log_text() -> String {
    claims_testing::logs::captured()
}

/// Access lines of one technical profile (or of a path when the profile is absent).
fn access_lines(key: &str, value: &str) -> Vec<Value> {
    log_text()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["target"] == "claims::access" && v[key] == value)
        .collect()
}

/// Waits for the access line whose `correlation_id` is `cid` (it is written after the answer).
fn access_line(cid: &str) -> Value {
    for _ in 0..200 {
        if let Some(v) = access_lines("correlation_id", cid).pop() {
            return v;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("no access line for {cid}:\n{}", log_text());
}

// --- HTTP on loopback -----------------------------------------------------------------------

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    claims_testing::loopback::exchange(addr, &format!("{head}\r\n{body}"))
}

async fn post(addr: &str, path: &str, headers: &[(&str, &str)], body: String) -> String {
    let (addr, path) = (addr.to_owned(), path.to_owned());
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    actix_web::rt::task::spawn_blocking(move || {
        let mut h: Vec<(&str, &str)> = vec![("Content-Type", "application/json")];
        h.extend(headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        http(&addr, "POST", &path, &h, &body)
    })
    .await
    .unwrap()
}

async fn get(addr: &str, path: &str) -> String {
    let (addr, path) = (addr.to_owned(), path.to_owned());
    actix_web::rt::task::spawn_blocking(move || http(&addr, "GET", &path, &[], ""))
        .await
        .unwrap()
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

fn app() -> App {
    App::empty()
        .handler(obs_echo::SPEC)
        .handler(obs_slow::SPEC)
        .handler(obs_guarded::SPEC)
        .handler(obs_idem::SPEC)
        .handler(obs_idem_refused::SPEC)
        .version("4.5.6-obs")
        .messages("en", "member-not-found = No membership for { $email }.")
        .basic_credentials(&DevCredentials {
            username: "b2c".to_owned(),
            password: Secret::new(PASSWORD),
        })
}

#[actix_web::test]
async fn access_lines_reasons_and_metrics_of_a_running_server() {
    capture_logs();
    let metrics_addr = format!("127.0.0.1:{}", free_port());
    let (server, addrs) = app()
        .metrics_bind(metrics_addr.clone())
        .server("127.0.0.1:0")
        .unwrap();
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let addr = addrs[0].to_string();
    let body = |email: &str, cid: &str| format!(r#"{{"email":"{email}","correlationId":"{cid}"}}"#);

    let ok = post(&addr, "/obs/echo", &[], body(SECRET_EMAIL, "cid-ok")).await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    let conflict = post(
        &addr,
        "/obs/echo",
        &[],
        body("unknown@contoso.com", "cid-409"),
    )
    .await;
    assert!(conflict.starts_with("HTTP/1.1 409"), "{conflict}");
    let bad = post(
        &addr,
        "/obs/echo",
        &[],
        format!(r#"{{"email":"{SECRET_EMAIL}","age":"{SECRET_AGE}","correlationId":"cid-400"}}"#),
    )
    .await;
    assert!(bad.starts_with("HTTP/1.1 400"), "{bad}");
    let denied = post(
        &addr,
        "/obs/guarded",
        &[("Authorization", &basic("b2c", WRONG_PASSWORD))],
        r#"{"correlationId":"cid-401"}"#.to_owned(),
    )
    .await;
    assert!(denied.starts_with("HTTP/1.1 401"), "{denied}");
    let allowed = post(
        &addr,
        "/obs/guarded",
        &[("Authorization", &basic("b2c", PASSWORD))],
        r#"{"correlationId":"cid-guarded-ok"}"#.to_owned(),
    )
    .await;
    assert!(allowed.starts_with("HTTP/1.1 200"), "{allowed}");
    let late = post(
        &addr,
        "/obs/slow",
        &[],
        r#"{"correlationId":"cid-late"}"#.into(),
    )
    .await;
    assert!(late.starts_with("HTTP/1.1 409"), "{late}");
    for _ in 0..2 {
        let idem = post(
            &addr,
            "/obs/idem",
            &[],
            r#"{"correlationId":"cid-idem"}"#.into(),
        )
        .await;
        assert!(idem.starts_with("HTTP/1.1 200"), "{idem}");
    }
    let refused = post(
        &addr,
        "/obs/idem-refused",
        &[],
        body("unknown@contoso.com", "cid-idem-409"),
    )
    .await;
    assert!(refused.starts_with("HTTP/1.1 409"), "{refused}");
    let missing = get(&addr, "/nothing/here").await;
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    let health = get(&addr, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    let line = access_line("cid-ok");
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["method"], "POST");
    assert_eq!(line["path"], "/obs/echo");
    assert_eq!(line["technical_profile"], "REST-ObsEcho");
    assert_eq!(line["status"], 200);
    assert_eq!(line["outcome"], "ok");
    assert!(line["latency_ms"].as_f64().unwrap() >= 0.0, "{line}");
    assert!(line.get("reason").is_none(), "no reason for a 200: {line}");

    let line = access_line("cid-409");
    assert_eq!(line["status"], 409);
    assert_eq!(line["outcome"], "user_error");
    assert_eq!(line["reason"], "user error member-not-found", "{line}");

    let line = access_line("cid-400");
    assert_eq!(line["status"], 400);
    assert_eq!(line["outcome"], "bad_request");
    let reason = line["reason"].as_str().unwrap();
    assert!(reason.contains("claim 'age' is not a valid"), "{line}");

    // Refused before the body is read: the correlation id is the error body's requestId.
    let line = access_lines("technical_profile", "REST-ObsGuarded")
        .into_iter()
        .find(|l| l["status"] == 401)
        .unwrap_or_else(|| panic!("no 401 line:\n{}", log_text()));
    assert!(
        denied.contains(line["correlation_id"].as_str().unwrap()),
        "the requestId of the body: {line}"
    );
    assert_eq!(line["outcome"], "auth_failed");
    assert_eq!(line["technical_profile"], "REST-ObsGuarded");
    let reason = line["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("Basic: ") && reason.contains("password"),
        "names the scheme and why: {line}"
    );

    let line = access_line("cid-late");
    assert_eq!(line["outcome"], "deadline", "{line}");
    assert_eq!(access_lines("correlation_id", "cid-idem").len(), 2);
    assert_eq!(access_line("cid-idem")["outcome"], "replayed");
    let line = access_line("cid-idem-409");
    assert_eq!(line["outcome"], "user_error", "{line}");
    assert_eq!(line["reason"], "user error member-not-found", "{line}");

    let missing = access_lines("path", "/nothing/here");
    assert_eq!(missing.len(), 1, "{}", log_text());
    assert_eq!(missing[0]["status"], 404);
    assert_eq!(missing[0]["outcome"], "not_found");
    assert!(
        missing[0]["correlation_id"]
            .as_str()
            .is_some_and(|c| c.len() == 36)
    );
    let health = access_lines("path", "/healthz");
    assert_eq!(health.len(), 1);
    assert_eq!(health[0]["level"], "DEBUG", "health checks log at debug");

    let all = log_text();
    for secret in [
        WRONG_PASSWORD,
        PASSWORD,
        SECRET_EMAIL,
        SECRET_AGE,
        "unknown@contoso.com",
    ] {
        assert!(!all.contains(secret), "{secret} was logged:\n{all}");
    }

    let metrics = get(&metrics_addr, "/metrics").await;
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    for series in [
        r#"claims_requests_total{technical_profile="REST-ObsEcho",status="200",outcome="ok"} 1"#,
        r#"claims_requests_total{technical_profile="REST-ObsEcho",status="409",outcome="user_error"} 1"#,
        r#"claims_requests_total{technical_profile="REST-ObsEcho",status="400",outcome="bad_request"} 1"#,
        r#"claims_requests_total{technical_profile="REST-ObsGuarded",status="401",outcome="auth_failed"} 1"#,
        r#"claims_requests_total{technical_profile="REST-ObsGuarded",status="200",outcome="ok"} 1"#,
        r#"claims_requests_total{technical_profile="REST-ObsIdem",status="200",outcome="replayed"} 1"#,
        r#"claims_requests_total{technical_profile="none",status="404",outcome="not_found"} 1"#,
        r#"claims_request_duration_seconds_count{technical_profile="REST-ObsEcho"} 3"#,
        r#"claims_deadline_hits_total{technical_profile="REST-ObsSlow"} 1"#,
        r#"claims_auth_failures_total{scheme="Basic"} 1"#,
        r#"claims_idempotent_replays_total{technical_profile="REST-ObsIdem"} 1"#,
        r#"claims_build_info{version="4.5.6-obs"} 1"#,
    ] {
        assert!(metrics.contains(series), "{series} missing:\n{metrics}");
    }
    assert!(
        !metrics.contains("healthz"),
        "health checks are not counted"
    );
    // The handlers are not served on the metrics address, nor metrics on the app's.
    assert!(
        get(&metrics_addr, "/healthz")
            .await
            .starts_with("HTTP/1.1 404")
    );
    assert!(get(&addr, "/metrics").await.starts_with("HTTP/1.1 404"));

    handle.stop(true).await;
    running.await.unwrap().unwrap();
    // The metrics server stops with the app server.
    let mut gone = false;
    for _ in 0..100 {
        if TcpStream::connect(&metrics_addr).is_err() {
            gone = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gone, "the metrics server still listens on {metrics_addr}");
}

#[actix_web::test]
async fn claim_values_are_logged_only_when_asked() {
    capture_logs();
    let (server, addrs) = App::empty()
        .handler(obs_echo::SPEC)
        .messages("en", "member-not-found = No membership for { $email }.")
        .log_claim_values(true)
        .server("127.0.0.1:0")
        .unwrap();
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let addr = addrs[0].to_string();
    let bad = post(
        &addr,
        "/obs/echo",
        &[],
        r#"{"email":"a@b.c","age":"dev-value-42","correlationId":"cid-dev-400"}"#.into(),
    )
    .await;
    assert!(bad.starts_with("HTTP/1.1 400"), "{bad}");
    let line = access_line("cid-dev-400");
    assert!(
        line["reason"].as_str().unwrap().contains("dev-value-42"),
        "{line}"
    );
    handle.stop(true).await;
    running.await.unwrap().unwrap();

    let refused = App::empty()
        .handler(obs_echo::SPEC)
        .messages("en", "member-not-found = No membership for { $email }.")
        .log_claim_values(true)
        .production(true)
        .allow_insecure(true)
        .server("127.0.0.1:0")
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(refused.contains("log_claim_values"), "{refused}");
}

async fn tag(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    res.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("x-from-fn"),
        actix_web::http::header::HeaderValue::from_static("1"),
    );
    Ok(res)
}

#[actix_web::test]
async fn wrap_and_into_configurator_keep_the_access_log_and_metrics() {
    capture_logs();
    let conf = App::empty()
        .handler(obs_echo::SPEC)
        .wrap(|| DefaultHeaders::new().add(("x-default", "yes")))
        .wrap(|| from_fn(tag))
        .into_configurator();
    let metrics = conf.clone();
    let svc = at::init_service(
        actix_web::App::new()
            .route("/mine", actix_web::web::get().to(|| async { "mine" }))
            .configure(|c| conf.configure(c)),
    )
    .await;
    let req = at::TestRequest::post()
        .uri("/obs/echo")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"email":"x@y.z","correlationId":"cid-conf"}"#)
        .to_request();
    let res = at::call_service(&svc, req).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("x-default").unwrap(), "yes");
    assert_eq!(res.headers().get("x-from-fn").unwrap(), "1");
    let res = at::call_service(&svc, at::TestRequest::get().uri("/mine").to_request()).await;
    assert_eq!(res.status(), 200, "the app's own route still answers");
    let res = at::call_service(&svc, at::TestRequest::get().uri("/obs/echo").to_request()).await;
    assert_eq!(res.status(), 405);
    assert_eq!(
        res.headers().get("x-default").unwrap(),
        "yes",
        "405 answers are wrapped too"
    );

    let line = access_line("cid-conf");
    assert_eq!(line["technical_profile"], "REST-ObsEcho");
    assert_eq!(line["outcome"], "ok");
    let text = metrics.render_metrics();
    for series in [
        r#"claims_requests_total{technical_profile="REST-ObsEcho",status="200",outcome="ok"} 1"#,
        r#"claims_requests_total{technical_profile="REST-ObsEcho",status="405",outcome="not_found"} 1"#,
    ] {
        assert!(text.contains(series), "{series} missing:\n{text}");
    }
}

#[test]
fn serve_keeps_a_subscriber_the_app_installed() {
    capture_logs();
    assert!(!init_logging(LogFormat::Json));
}

#[test]
fn outcome_codes_are_a_closed_documented_set() {
    let codes: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
    assert_eq!(
        codes,
        [
            "ok",
            "user_error",
            "bad_request",
            "not_found",
            "auth_failed",
            "body_timeout",
            "deadline",
            "replayed",
            "internal"
        ]
    );
}
