//! Graceful shutdown on a real SIGTERM and SIGINT: the in-flight requests complete, then the
//! server stops; and the HTTPS server applies the same `ServerLimits` as plain HTTP. A signal
//! goes to the whole process, so every test here takes one lock and runs alone.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{HttpResponse, web};
use claims_runtime::auth::TlsSettings;
use claims_runtime::{App, ServerLimits};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const IN_FLIGHT: usize = 20;

fn get(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out)
}

/// Starts a server whose `/slow` answers after 1.5 s, sends `signal` to this process while
/// `IN_FLIGHT` requests wait for it, and checks every one is answered before the server stops.
fn in_flight_requests_finish_on(signal: &str) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    actix_web::rt::System::new().block_on(async {
        let app = App::empty()
            .limits(ServerLimits {
                workers: Some(1),
                shutdown_grace: Duration::from_secs(5),
                ..ServerLimits::default()
            })
            .configure(|cfg| {
                cfg.route(
                    "/slow",
                    web::get().to(|| async {
                        actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
                        HttpResponse::Ok().body("finished")
                    }),
                );
            });
        let (server, addrs) = app.server("127.0.0.1:0").expect("bind loopback");
        let addr = addrs[0];
        let server = actix_web::rt::spawn(server);
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;

        let health = actix_web::rt::task::spawn_blocking(move || get(addr, "/healthz"))
            .await
            .unwrap()
            .unwrap();
        assert!(health.starts_with("HTTP/1.1 200"), "{health}");
        assert!(health.contains(r#"{"status":"ok"}"#), "{health}");

        let in_flight: Vec<_> = (0..IN_FLIGHT)
            .map(|_| std::thread::spawn(move || get(addr, "/slow")))
            .collect();
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
        let started = Instant::now();
        let status = std::process::Command::new("kill")
            .args([signal, &std::process::id().to_string()])
            .status()
            .expect("kill is available");
        assert!(status.success());

        let replies = actix_web::rt::task::spawn_blocking(move || {
            in_flight
                .into_iter()
                .map(|t| t.join().unwrap())
                .collect::<Vec<_>>()
        })
        .await
        .unwrap();
        let answered = replies
            .iter()
            .filter(|r| {
                r.as_ref()
                    .is_ok_and(|r| r.starts_with("HTTP/1.1 200") && r.ends_with("finished"))
            })
            .count();
        assert_eq!(
            answered, IN_FLIGHT,
            "every in-flight request is answered after {signal}: {replies:?}"
        );
        server.await.unwrap().expect("server stops cleanly");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "stopped within the grace period"
        );
        // After shutdown nothing listens any more.
        assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
    });
}

#[test]
fn sigterm_lets_in_flight_requests_finish() {
    in_flight_requests_finish_on("-TERM");
}

#[test]
fn sigint_lets_in_flight_requests_finish() {
    in_flight_requests_finish_on("-INT");
}

/// A self-signed certificate for `localhost`: (certificate PEM, key PEM, certificate DER).
fn localhost_cert() -> (String, String, rustls::pki_types::CertificateDer<'static>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    (cert.pem(), key.serialize_pem(), cert.der().clone())
}

fn tls_client(
    addr: SocketAddr,
    ca: &rustls::pki_types::CertificateDer<'static>,
) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let conn = rustls::ClientConnection::new(
        Arc::new(config),
        rustls::pki_types::ServerName::try_from("localhost").unwrap(),
    )
    .unwrap();
    let sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    rustls::StreamOwned::new(conn, sock)
}

fn read_reply(tls: &mut rustls::StreamOwned<rustls::ClientConnection, TcpStream>) -> String {
    let mut buf = Vec::new();
    let _ = tls.read_to_end(&mut buf); // a missing close_notify is not our concern here
    String::from_utf8_lossy(&buf).into_owned()
}

#[test]
fn tls_server_applies_the_server_limits() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    actix_web::rt::System::new().block_on(async {
        let (cert_pem, key_pem, ca) = localhost_cert();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = App::empty()
            .limits(ServerLimits {
                workers: Some(1),
                // Short, so the slow head below is answered quickly.
                client_request_timeout: Duration::from_millis(1500),
                keep_alive: Duration::ZERO,
                ..ServerLimits::default()
            })
            .into_tls_server(listener, TlsSettings::from_pem(cert_pem, key_pem))
            .expect("tls server");
        let handle = server.handle();
        actix_web::rt::spawn(server);

        let (slow_head, no_keep_alive) = actix_web::rt::task::spawn_blocking(move || {
            // A request head that never ends: answered 408 once the head timeout passes.
            let mut tls = tls_client(addr, &ca);
            tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
                .unwrap();
            let slow_head = read_reply(&mut tls);
            // Keep-alive disabled: even an HTTP/1.1 request without `Connection: close` is closed.
            let mut tls = tls_client(addr, &ca);
            tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .unwrap();
            (slow_head, read_reply(&mut tls))
        })
        .await
        .unwrap();
        handle.stop(true).await;

        assert!(no_keep_alive.starts_with("HTTP/1.1 200"), "{no_keep_alive}");
        assert!(
            no_keep_alive
                .to_ascii_lowercase()
                .contains("\r\nconnection: close\r\n"),
            "{no_keep_alive}"
        );
        assert!(slow_head.starts_with("HTTP/1.1 408"), "{slow_head:?}");
    });
}
