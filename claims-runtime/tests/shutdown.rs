//! Graceful shutdown on a real SIGTERM: the in-flight request completes, then the server stops.
//! Alone in its own test binary because the signal goes to the whole process.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use actix_web::{HttpResponse, web};
use claims_runtime::{App, ServerLimits};

fn get(addr: std::net::SocketAddr, path: &str) -> std::io::Result<String> {
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

#[test]
fn sigterm_lets_in_flight_requests_finish() {
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

        let in_flight = actix_web::rt::task::spawn_blocking(move || get(addr, "/slow"));
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        let started = Instant::now();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &std::process::id().to_string()])
            .status()
            .expect("kill is available");
        assert!(status.success());

        let reply = in_flight
            .await
            .unwrap()
            .expect("the in-flight request is answered");
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        assert!(reply.ends_with("finished"), "{reply}");
        server.await.unwrap().expect("server stops cleanly");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "stopped within the grace period"
        );
        // After shutdown nothing listens any more.
        assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
    });
}
