//! Slow clients: a body that stalls or trickles is answered 408 with the contract error body
//! within the configured body-read limit, and the connection is closed. Every server a test
//! starts is stopped by it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use claims_runtime::auth::generate_dev_basic_credentials;
use claims_runtime::request::Call;
use claims_runtime::{App, AuthSpec, HandlerSpec, SendClaimsIn, ServerLimits};

static SPEC: HandlerSpec =
    HandlerSpec::new("REST-Slow", "/slow", SendClaimsIn::Body).with_auth(AuthSpec::Basic);

async fn glue(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    match Call::begin(&SPEC, &req, payload).await {
        Ok(_) => HttpResponse::Ok().body("read"),
        Err(resp) => resp,
    }
}

/// Starts a one-worker server with a 500 ms body-read limit; returns its address, the
/// `Authorization` header to use, and the handle that stops it.
fn start() -> (SocketAddr, String, actix_web::dev::ServerHandle) {
    let creds = generate_dev_basic_credentials();
    let app = App::empty()
        .basic_credentials(&creds)
        .limits(ServerLimits {
            workers: Some(1),
            body_read_timeout: Duration::from_millis(500),
            ..ServerLimits::default()
        })
        .configure(|cfg| {
            cfg.route("/slow", web::post().to(glue));
        });
    let (server, addrs) = app.server("127.0.0.1:0").expect("bind loopback");
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addrs[0], creds.authorization_header(), handle)
}

fn head(authorization: &str, len: usize) -> String {
    format!(
        "POST /slow HTTP/1.1\r\nHost: test\r\nAuthorization: {authorization}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
    )
}

/// Reads until the server closes the connection (or 10 s pass: then the test fails).
fn read_until_closed(s: &mut TcpStream) -> String {
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut out = Vec::new();
    let closed = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(
        closed.is_ok(),
        "the server must answer and close, got {closed:?} after {text:?}"
    );
    text
}

fn assert_408_contract(reply: &str) {
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    let lower = reply.to_ascii_lowercase();
    assert!(lower.contains("\r\nconnection: close\r\n"), "{reply}");
    let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(body).expect("a JSON error body");
    assert_eq!(v["version"], "1.0.0", "{v}");
    assert_eq!(v["status"], 409, "contract body status: {v}");
    assert!(
        v["userMessage"].as_str().is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    assert!(v["requestId"].is_string(), "{v}");
    assert_eq!(v["code"], "request-body-timeout", "{v}");
}

#[actix_web::test]
async fn stalled_body_is_answered_408_and_closed() {
    let (addr, authz, handle) = start();
    let reply = actix_web::rt::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(head(&authz, 100).as_bytes()).unwrap();
        s.write_all(b"{").unwrap(); // then silence
        read_until_closed(&mut s)
    })
    .await
    .unwrap();
    handle.stop(true).await;
    assert_408_contract(&reply);
}

#[actix_web::test]
async fn trickled_body_is_answered_408_before_it_completes() {
    let (addr, authz, handle) = start();
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let body = format!("{{\"email\":\"{}\"}}", "a".repeat(80));
    let len = body.len();
    let reply = actix_web::rt::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(head(&authz, len).as_bytes()).unwrap();
        let mut writer = s.try_clone().unwrap();
        let written = counter.clone();
        // One byte every 100 ms: the whole body would take over 9 s, the limit is 500 ms.
        let trickle = std::thread::spawn(move || {
            for b in body.bytes() {
                if writer.write_all(&[b]).is_err() {
                    break;
                }
                written.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let reply = read_until_closed(&mut s);
        let sent_when_answered = counter.load(Ordering::SeqCst);
        drop(s);
        let _ = trickle.join();
        (reply, sent_when_answered)
    })
    .await
    .unwrap();
    handle.stop(true).await;
    let (reply, sent_when_answered) = reply;
    assert_408_contract(&reply);
    assert!(
        sent_when_answered < len,
        "answered before the trickled body was complete ({sent_when_answered} of {len} bytes)"
    );
    assert!(sent.load(Ordering::SeqCst) <= len);
}

#[actix_web::test]
async fn a_complete_body_is_still_read() {
    let (addr, authz, handle) = start();
    let reply = actix_web::rt::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        let req = head(&authz, 2).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).unwrap();
        s.write_all(b"{}").unwrap();
        read_until_closed(&mut s)
    })
    .await
    .unwrap();
    handle.stop(true).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.ends_with("read"), "{reply}");
}

#[test]
fn body_read_limit_defaults_below_b2c_timeout() {
    let d = ServerLimits::default().body_read_timeout;
    assert!(d > Duration::ZERO && d < Duration::from_secs(10), "{d:?}");
}
