//! `serve --log-format json --metrics-bind ADDR` as a user runs it: this test binary (no libtest
//! harness) re-runs itself as the app and reads the JSON lines of its standard error and the
//! metrics address. The child is killed by its PID and reaped.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use claims_runtime::prelude::*;
use serde_json::Value;

#[derive(OutputClaims)]
struct Member {
    #[claim(id = "loyaltyNumber")]
    number: String,
}

/// Guarded by Basic; 409 for `unknown@contoso.com`.
#[claims_handler(path = "/serve/member", send_claims_in = Body, auth = Basic)]
async fn serve_member(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Member, ClaimsError> {
    if email == "unknown@contoso.com" {
        return Err(ClaimsError::user("member-not-found").arg("email", email));
    }
    Ok(Member {
        number: "84362".into(),
    })
}

const CHILD: &str = "CLAIMS_OBSERVE_TEST_CHILD";
const USER: &str = "b2c-user";
const PASSWORD: &str = "serve-password-0451";
const WRONG: &str = "wrong-password-9917";
const EMAIL: &str = "someone.private@contoso.com";

fn main() {
    if std::env::var_os(CHILD).is_some() {
        actix_web::rt::System::new().block_on(async {
            App::empty()
                .handler(serve_member::SPEC)
                .version("7.7.7-serve")
                .messages("en", "member-not-found = No membership for { $email }.")
                .run()
                .await
                .unwrap();
        });
        return;
    }
    eprintln!("test serve_json_logs_and_metrics ...");
    serve_json_logs_and_metrics();
    eprintln!("test serve_json_logs_and_metrics ... ok");
    eprintln!("test result: ok. 1 passed");
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        // Child::kill signals this child's PID; wait reaps it.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn lines_of(child: &mut Child) -> Receiver<String> {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn post(addr: &str, password: &str, body: &str) -> String {
    use base64::Engine;
    let authz = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{password}"));
    claims_testing::loopback::exchange(
        addr,
        &format!(
            "POST /serve/member HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Basic {authz}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn serve_json_logs_and_metrics() {
    let metrics_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let mut child = Running(
        Command::new(std::env::current_exe().unwrap())
            .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
            .env_clear()
            .env(CHILD, "1")
            .env("CLAIMS_METRICS_BIND", &metrics_addr)
            .env("CLAIMS_BASIC_USERNAME", USER)
            .env("CLAIMS_BASIC_PASSWORD", PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let rx = lines_of(&mut child.0);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    let next = |seen: &mut Vec<String>| {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("stderr so far: {seen:#?}"));
        seen.push(line.clone());
        line
    };
    let addr = loop {
        let line = next(&mut seen);
        if let Some(rest) = line.strip_prefix("serving 1 handler(s) on http://") {
            break rest.trim().to_owned();
        }
    };

    let ok = post(
        &addr,
        PASSWORD,
        &format!(r#"{{"email":"{EMAIL}","correlationId":"serve-ok"}}"#),
    );
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    let conflict = post(
        &addr,
        PASSWORD,
        r#"{"email":"unknown@contoso.com","correlationId":"serve-409"}"#,
    );
    assert!(conflict.starts_with("HTTP/1.1 409"), "{conflict}");
    let bad = post(&addr, PASSWORD, r#"{"correlationId":"serve-400"}"#);
    assert!(bad.starts_with("HTTP/1.1 400"), "{bad}");
    let denied = post(&addr, WRONG, r#"{"correlationId":"serve-401"}"#);
    assert!(denied.starts_with("HTTP/1.1 401"), "{denied}");

    // Four access lines, as JSON objects.
    let mut access = Vec::new();
    while access.len() < 4 {
        let line = next(&mut seen);
        if let Ok(v) = serde_json::from_str::<Value>(&line)
            && v["target"] == "claims::access"
        {
            access.push(v);
        }
    }
    let by_status = |s: u16| {
        access
            .iter()
            .find(|v| v["status"] == s)
            .unwrap_or_else(|| panic!("no {s} line: {access:#?}"))
    };
    let ok = by_status(200);
    assert_eq!(ok["level"], "INFO");
    assert_eq!(ok["method"], "POST");
    assert_eq!(ok["path"], "/serve/member");
    assert_eq!(ok["technical_profile"], "REST-ServeMember");
    assert_eq!(ok["outcome"], "ok");
    assert_eq!(ok["correlation_id"], "serve-ok");
    assert!(ok["latency_ms"].is_number());
    assert_eq!(by_status(409)["outcome"], "user_error");
    assert_eq!(by_status(409)["correlation_id"], "serve-409");
    let bad = by_status(400);
    assert_eq!(bad["outcome"], "bad_request");
    assert!(
        bad["reason"]
            .as_str()
            .unwrap()
            .contains("'email' is required"),
        "{bad}"
    );
    let denied = by_status(401);
    assert_eq!(denied["outcome"], "auth_failed");
    assert_eq!(denied["reason"], "Basic: wrong Basic user name or password");

    let metrics = claims_testing::loopback::exchange(
        &metrics_addr,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    for series in [
        r#"claims_requests_total{technical_profile="REST-ServeMember",status="200",outcome="ok"} 1"#,
        r#"claims_requests_total{technical_profile="REST-ServeMember",status="409",outcome="user_error"} 1"#,
        r#"claims_requests_total{technical_profile="REST-ServeMember",status="400",outcome="bad_request"} 1"#,
        r#"claims_requests_total{technical_profile="REST-ServeMember",status="401",outcome="auth_failed"} 1"#,
        r#"claims_auth_failures_total{scheme="Basic"} 1"#,
        r#"claims_build_info{version="7.7.7-serve"} 1"#,
    ] {
        assert!(metrics.contains(series), "{series} missing:\n{metrics}");
    }

    drop(child);
    // Everything the child wrote, up to its end.
    seen.extend(rx.iter());
    let all = seen.join("\n");
    for secret in [PASSWORD, WRONG, EMAIL, "unknown@contoso.com"] {
        assert!(!all.contains(secret), "{secret} logged:\n{all}");
    }
}
