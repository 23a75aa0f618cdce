//! OpenTelemetry (feature `otel`): a request's span, carrying B2C's correlation id, reaches an
//! OTLP/HTTP receiver on loopback (a small actix server that records what is POSTed).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use claims_runtime::observe::{LogFormat, flush_traces, init_logging};
use claims_runtime::prelude::*;

#[derive(OutputClaims)]
struct Member {
    #[claim(id = "loyaltyNumber")]
    number: String,
}

/// Echo.
#[claims_handler(path = "/otel/echo", send_claims_in = Body, auth = None)]
async fn otel_echo(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Member, ClaimsError> {
    let _ = email;
    Ok(Member { number: "1".into() })
}

type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

#[actix_web::test]
async fn a_request_span_with_the_correlation_id_is_exported_over_otlp_http() {
    let received: Received = Arc::default();
    let store = received.clone();
    let receiver = actix_web::HttpServer::new(move || {
        let store = store.clone();
        actix_web::App::new().default_service(actix_web::web::to(
            move |req: actix_web::HttpRequest, body: actix_web::web::Bytes| {
                store
                    .lock()
                    .unwrap()
                    .push((req.path().to_owned(), body.to_vec()));
                async { actix_web::HttpResponse::Ok().finish() }
            },
        ))
    })
    .workers(1)
    .disable_signals()
    .bind("127.0.0.1:0")
    .unwrap();
    let endpoint = format!("http://{}", receiver.addrs()[0]);
    let receiver = receiver.run();
    let receiver_handle = receiver.handle();
    let receiver_task = actix_web::rt::spawn(receiver);

    // SAFETY: the only test of this binary; nothing else reads the environment concurrently.
    unsafe {
        std::env::set_var("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint);
        std::env::set_var("OTEL_SERVICE_NAME", "claims-otel-test");
    }
    assert!(init_logging(LogFormat::Json), "the subscriber is installed");

    let (server, addrs) = App::empty()
        .handler(otel_echo::SPEC)
        .server("127.0.0.1:0")
        .unwrap();
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let addr = addrs[0].to_string();
    let answer = actix_web::rt::task::spawn_blocking(move || {
        let body = r#"{"email":"a@b.c","correlationId":"otel-corr-4242"}"#;
        let mut s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "POST /otel/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    actix_web::rt::task::spawn_blocking(flush_traces)
        .await
        .unwrap();
    let got = received.lock().unwrap().clone();
    handle.stop(true).await;
    running.await.unwrap().unwrap();
    receiver_handle.stop(true).await;
    receiver_task.await.unwrap().unwrap();

    let (path, body) = got
        .iter()
        .find(|(p, _)| p == "/v1/traces")
        .unwrap_or_else(|| panic!("no POST /v1/traces: {got:?}"));
    assert_eq!(path, "/v1/traces");
    // Protobuf keeps strings as UTF-8 bytes.
    let has = |needle: &str| body.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has("otel-corr-4242"), "the correlation id is an attribute");
    assert!(has("correlation_id"), "under the key correlation_id");
    assert!(
        has("REST-OtelEcho"),
        "the technical profile is an attribute"
    );
    assert!(has("/otel/echo"), "the span is named after the route");
    assert!(
        has("claims-otel-test"),
        "OTEL_SERVICE_NAME names the service"
    );
}
