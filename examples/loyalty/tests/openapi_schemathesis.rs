//! The example's own OpenAPI document against the running example: schemathesis (PyPI) loads
//! `GET /openapi.json`, generates requests for every operation from it (valid and invalid data)
//! and checks that no answer is a server error and that every status, content type and body is
//! one the document declares. The server is the real binary, stopped by PID at the end.
//!
//! Random text rarely names a demo customer, so a schemathesis dictionary feeds the demo member
//! ids and e-mail addresses into half of the generated requests: the `200` bodies of the
//! look-ups are checked too, not only their `409`s.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod support;

const USER: &str = "schemathesis";
const PASSWORD: &str = "openapi-test-password";

/// Dictionaries of the example's demo customers (`CustomerStore::demo`).
const CONFIG: &str = r#"
[dictionaries.members]
values = ["10000001", "10000002", "10000003"]

[dictionaries.emails]
values = ["emily@contoso.com", "jerome@contoso.com", "ana@contoso.com"]

[parameters]
"path.memberId" = { dictionary = "members", probability = 0.5 }
"body.email" = { dictionary = "emails", probability = 0.5 }
"#;

/// The example server; killed and reaped when dropped, so a failing assertion stops it too.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `loyalty serve` on a free port and returns it with its base URL, from the banner.
fn start() -> (Server, String) {
    let mut server = Server(
        support::entra_env(
            Command::new(env!("CARGO_BIN_EXE_loyalty"))
                .args(["serve", "--bind", "127.0.0.1:0"])
                .env_clear(),
        )
        .env("CLAIMS_BASIC_USERNAME", USER)
        .env("CLAIMS_BASIC_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example binary runs"),
    );
    let stderr = server.0.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    // Reads the banner, then keeps draining so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("the example did not start: {lines:#?}"));
        if let Some(url) = line
            .split(" on ")
            .nth(1)
            .filter(|_| line.starts_with("serving "))
        {
            return (server, url.trim().to_owned());
        }
        lines.push(line);
    }
}

/// `python3 -m schemathesis.cli`: found wherever pip put the package, whatever the `PATH`.
fn schemathesis() -> Command {
    let mut c = Command::new("python3");
    c.args(["-m", "schemathesis.cli"]);
    c
}

#[test]
fn schemathesis_finds_no_server_error_and_no_answer_outside_the_document() {
    let version = schemathesis().arg("--version").output();
    assert!(
        version.as_ref().is_ok_and(|o| o.status.success()),
        "schemathesis is not installed: python3 -m pip install schemathesis ({version:?})"
    );
    let (mut server, base) = start();
    let work = std::env::temp_dir().join(format!("loyalty-schemathesis-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("schemathesis.toml"), CONFIG).unwrap();
    let out = schemathesis()
        .current_dir(&work)
        .args(["--config-file", "schemathesis.toml", "run"])
        .arg(format!("{base}/openapi.json"))
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--auth",
            &format!("{USER}:{PASSWORD}"),
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "60",
            "--seed",
            "20261130",
            "--workers",
            "2",
            "--generation-database",
            "none",
            "--request-timeout",
            "10",
            "--report",
            "junit",
            "--report-junit-path",
            "junit.xml",
            "--no-color",
        ])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("schemathesis runs");
    let junit = std::fs::read_to_string(work.join("junit.xml")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&work);
    // Stop the server by its PID before judging the run.
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "schemathesis found problems:\n{stdout}\n{stderr}"
    );
    // Every operation of the example was exercised.
    assert!(junit.contains("failures=\"0\""), "{junit}");
    for op in [
        "POST /validate-email",
        "POST /capitalize",
        "POST /enrich",
        "GET /members/{memberId}",
        "GET /members",
    ] {
        assert!(
            junit.contains(&format!("<testcase name=\"{op}\"")),
            "{op} not tested:\n{junit}\n{stdout}"
        );
    }
}
