//! Sync (`fn`) handlers run on the blocking pool: the deadline holds, panics become the 500
//! contract body, the worker stays free, and `idempotent` keeps the real answer for the retry.

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use claims_runtime::prelude::*;
use serde_json::Value;

#[derive(OutputClaims)]
struct Echo {
    #[claim(id = "text")]
    text: String,
}

/// Sleeps 2 s under a 200 ms deadline.
#[claims_handler(path = "/sync/slow", auth = None, deadline_ms = 200)]
fn sync_slow(#[claim] text: String) -> Echo {
    std::thread::sleep(Duration::from_secs(2));
    Echo { text }
}

/// Sleeps 2 s within its deadline.
#[claims_handler(path = "/sync/sleeper", auth = None, deadline_ms = 5000)]
fn sync_sleeper(#[claim] text: String) -> Echo {
    std::thread::sleep(Duration::from_secs(2));
    Echo { text }
}

/// Panics.
#[claims_handler(path = "/sync/panic", auth = None)]
fn sync_panic(#[claim] _text: String) -> Result<Echo, ClaimsError> {
    panic!("secret detail of a sync handler");
}

/// Answers at once.
#[claims_handler(path = "/sync/ok", auth = None)]
fn sync_ok(#[claim] text: String, prefix: Data<String>) -> Echo {
    Echo {
        text: format!("{}{text}", prefix.as_str()),
    }
}

/// How often [`sync_idempotent`] ran.
static RUNS: AtomicUsize = AtomicUsize::new(0);

/// Sleeps 1 s past its 400 ms deadline (within the 3 deadlines an idempotent first attempt may
/// run in the background); its answer is kept for the retry.
#[claims_handler(path = "/sync/idempotent", auth = None, deadline_ms = 400, idempotent)]
fn sync_idempotent(
    #[claim] text: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: CorrelationId,
) -> Echo {
    RUNS.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(1000));
    Echo {
        text: format!("ran for {text}"),
    }
}

/// A JSON payload.
#[derive(ClaimsPayload)]
#[claims_payload(claim = "orderPayload", transformation = "GenerateOrderPayload")]
struct Order {
    #[claim(id = "quantity", path = "quantity")]
    quantity: i32,
}

/// An idempotent payload handler whose order number comes from its path: two orders in one
/// user journey (one correlation id) with the same payload are two requests, not a retry.
#[claims_handler(
    path = "/orders/{correlationId}/{orderId}",
    send_claims_in = Body,
    auth = None,
    idempotent
)]
async fn place_order(
    #[claim] order_id: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: CorrelationId,
    #[claim(payload)] order: Order,
) -> Echo {
    Echo {
        text: format!("{} of order {order_id}", order.quantity),
    }
}

trait Svc: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {}
impl<S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> Svc
    for S
{
}

async fn service() -> Rc<impl Svc + 'static> {
    let conf = App::empty()
        .handler(sync_slow::SPEC)
        .handler(sync_sleeper::SPEC)
        .handler(sync_panic::SPEC)
        .handler(sync_ok::SPEC)
        .handler(sync_idempotent::SPEC)
        .handler(place_order::SPEC)
        .app_data(Data::new("hello ".to_owned()))
        .into_configurator();
    let svc = test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await;
    Rc::new(svc)
}

async fn post(svc: &impl Svc, path: &str, body: &str) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let req = TestRequest::post()
        .uri(path)
        .insert_header(("content-type", "application/json"))
        .set_payload(body.to_owned())
        .to_request();
    let resp = svc.call(req).await.expect("the service answers");
    let status = resp.status();
    let bytes = test::read_body(resp).await;
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, v, started.elapsed())
}

#[actix_web::test]
async fn sync_handler_past_its_deadline_gets_the_deadline_answer_on_time() {
    let svc = service().await;
    let (status, body, took) = post(&svc, "/sync/slow", r#"{"text":"x"}"#).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["status"], 409, "{body}");
    assert_eq!(body["code"], "deadline-exceeded", "{body}");
    // The handler sleeps 2 s; the answer must not wait for it (generous bound, not a timing test).
    assert!(
        took < Duration::from_millis(800),
        "the deadline answer took {took:?} for a 200 ms deadline"
    );
}

#[actix_web::test]
async fn sync_handler_panic_is_a_500_contract_body() {
    let svc = service().await;
    let (status, body, _) = post(&svc, "/sync/panic", r#"{"text":"x"}"#).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(body["status"], 409, "{body}");
    assert_eq!(body["code"], "internal-error", "{body}");
    assert!(!body.to_string().contains("secret detail"), "{body}");
}

#[actix_web::test]
async fn sync_handler_ok_answers_200_with_extractors() {
    let svc = service().await;
    let (status, body, _) = post(&svc, "/sync/ok", r#"{"text":"world"}"#).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, serde_json::json!({"text": "hello world"}));
}

#[actix_web::test]
async fn worker_stays_responsive_while_a_sync_handler_sleeps() {
    // The test service runs every request on this one thread: a sync handler run in place
    // would hold it for 2 s, and the second request would wait behind it.
    let svc = service().await;
    let slow = actix_web::rt::spawn({
        let svc = svc.clone();
        async move { post(&svc, "/sync/sleeper", r#"{"text":"x"}"#).await }
    });
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    let (status, body, took) = post(&svc, "/sync/ok", r#"{"text":"fast"}"#).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Generous: run in place, the sleeping handler would hold the thread for 2 s.
    assert!(
        took < Duration::from_millis(1000),
        "the second request waited {took:?} behind the sleeping handler"
    );
    assert!(
        !slow.is_finished(),
        "the second request must be answered while the first is still pending"
    );
    let (status, body, took) = slow.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(took >= Duration::from_secs(2), "{took:?}");
}

#[actix_web::test]
async fn idempotent_sync_handler_keeps_its_late_answer_for_the_retry() {
    let svc = service().await;
    let body = r#"{"text":"t","correlationId":"11111111-2222-3333-4444-555555555555"}"#;
    let (status, first, took) = post(&svc, "/sync/idempotent", body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{first}");
    assert_eq!(first["code"], "deadline-exceeded", "{first}");
    assert!(
        took < Duration::from_millis(900),
        "{took:?} for a 400 ms deadline"
    );
    // B2C retries after its own timeout; by then the first attempt (1 s on its thread) is done.
    actix_web::rt::time::sleep(Duration::from_millis(700)).await;
    let (status, retry, _) = post(&svc, "/sync/idempotent", body).await;
    assert_eq!(status, StatusCode::OK, "{retry}");
    assert_eq!(retry, serde_json::json!({"text": "ran for t"}));
    assert_eq!(
        RUNS.load(Ordering::SeqCst),
        1,
        "the retry must not run the handler again"
    );
}

#[actix_web::test]
async fn idempotent_payload_handler_tells_path_claims_apart() {
    let svc = service().await;
    let body = r#"{"quantity":2}"#;
    let (status, first, _) = post(&svc, "/orders/journey-7/A-1", body).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["text"], "2 of order A-1", "{first}");
    // Same correlation id and payload, another order in the path: its own answer, no replay.
    let (status, second, _) = post(&svc, "/orders/journey-7/B-2", body).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["text"], "2 of order B-2", "{second}");
    // The retry of the first is still answered with the first answer.
    let (status, retry, _) = post(&svc, "/orders/journey-7/A-1", body).await;
    assert_eq!(status, StatusCode::OK, "{retry}");
    assert_eq!(retry, first);
}
