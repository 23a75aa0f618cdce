//! The command line as a user runs it: this test binary (no libtest harness) re-runs itself as
//! the app (`App::run`) with chosen arguments and checks what the process prints and its exit
//! status. Every child that serves is killed and reaped by the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use actix_web::web::{self, Payload};
use actix_web::{HttpRequest, HttpResponse, Route};
use claims_runtime::__private::{Call, Registration, inventory};
use claims_runtime::{App, AuthSpec, HandlerSpec, SendClaimsIn};

static GUARDED: HandlerSpec =
    HandlerSpec::new("REST-CliGuarded", "/guarded", SendClaimsIn::Body).with_auth(AuthSpec::Basic);

async fn guarded_glue(req: HttpRequest, payload: Payload) -> HttpResponse {
    match Call::begin(&GUARDED, &req, payload).await {
        Ok(_) => HttpResponse::Ok().body("ok"),
        Err(resp) => resp,
    }
}

fn guarded_route() -> Route {
    web::route().to(guarded_glue)
}

inventory::submit! {
    Registration { spec: &GUARDED, route: guarded_route }
}

const CHILD: &str = "CLAIMS_CLI_TEST_CHILD";
const APP_VERSION: &str = "9.8.7-cli-test";

fn main() {
    if std::env::var_os(CHILD).is_some() {
        actix_web::rt::System::new().block_on(async {
            App::empty()
                .handler(&GUARDED)
                .version(APP_VERSION)
                .run()
                .await
                .unwrap();
        });
        return;
    }
    let tests: [(&str, fn()); 7] = [
        (
            "version_is_the_binary_version",
            version_is_the_binary_version,
        ),
        (
            "address_in_use_is_one_readable_line",
            address_in_use_is_one_readable_line,
        ),
        (
            "banner_after_bind_with_the_real_address_and_global_bind",
            banner_after_bind_with_the_real_address_and_global_bind,
        ),
        ("help_prints_no_credentials", help_prints_no_credentials),
        (
            "production_generates_no_credentials",
            production_generates_no_credentials,
        ),
        (
            "policy_write_error_names_the_file",
            policy_write_error_names_the_file,
        ),
        ("debug_in_production_exits_1", debug_in_production_exits_1),
    ];
    for (name, test) in tests {
        eprintln!("test {name} ...");
        test();
        eprintln!("test {name} ... ok");
    }
    eprintln!("test result: ok. {} passed", tests.len());
}

fn app(args: &[&str]) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args(args)
        .env_clear()
        .env(CHILD, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs a command that must end by itself (killed after 30 s, which fails the test).
fn finish(mut cmd: Command) -> Output {
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after 30 s: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn version_is_the_binary_version() {
    let out = finish(app(&["--version"]));
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains(APP_VERSION), "{stdout}");
}

fn address_in_use_is_one_readable_line() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = finish(app(&["serve", "--bind", &addr]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&addr), "names the address: {stderr}");
    assert!(!stderr.contains("Os {"), "no Debug output: {stderr}");
    assert!(
        !stderr.contains("serving"),
        "no banner before the bind: {stderr}"
    );
    drop(taken);
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn banner_after_bind_with_the_real_address_and_global_bind() {
    // `--bind` before the subcommand, as the README writes it.
    let mut child = Running(app(&["--bind", "127.0.0.1:0", "serve"]).spawn().unwrap());
    let stderr = child.0.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let mut bound = None;
    let mut header = None;
    let deadline = Instant::now() + Duration::from_secs(30);
    while bound.is_none() {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no banner: {lines:?}"));
        if let Some(h) = line.split("Authorization: ").nth(1) {
            header = Some(h.trim_end_matches(')').to_owned());
        }
        if let Some(rest) = line.strip_prefix("serving 1 handler(s) on http://") {
            bound = Some(rest.trim().to_owned());
        }
        lines.push(line);
    }
    let bound = bound.unwrap();
    assert!(!bound.ends_with(":0"), "the real port: {lines:?}");
    let header = header.unwrap_or_else(|| panic!("dev credentials printed: {lines:?}"));
    let request = |authz: Option<&str>| {
        let mut s = TcpStream::connect(&bound).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let authz = authz
            .map(|a| format!("Authorization: {a}\r\n"))
            .unwrap_or_default();
        write!(
            s,
            "POST /guarded HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n{authz}Connection: close\r\n\r\n{{}}"
        )
        .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    };
    let ok = request(Some(&header));
    assert!(
        ok.starts_with("HTTP/1.1 200"),
        "the printed credentials work: {ok}"
    );
    let denied = request(None);
    assert!(denied.starts_with("HTTP/1.1 401"), "{denied}");
    drop(child);
}

fn help_prints_no_credentials() {
    for args in [&["--help"][..], &["serve", "--help"][..]] {
        let out = finish(app(args));
        assert!(out.status.success(), "{out:?}");
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(!all.contains("development mode"), "{all}");
        assert!(all.contains("--bind"), "{all}");
    }
}

fn production_generates_no_credentials() {
    let mut cmd = app(&["serve", "--bind", "127.0.0.1:0"]);
    cmd.env("CLAIMS_PRODUCTION", "1");
    let out = finish(cmd);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("development mode"), "{stderr}");
    assert!(stderr.contains("CLAIMS_BASIC"), "{stderr}");
}

fn policy_write_error_names_the_file() {
    let out = finish(app(&[
        "policy",
        "--base-url",
        "https://api.example.com",
        "--out",
        "/nonexistent-dir/policy.xml",
    ]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("/nonexistent-dir/policy.xml"), "{stderr}");
    assert!(!stderr.contains("Os {"), "{stderr}");
}

fn debug_in_production_exits_1() {
    let mut cmd = app(&["serve", "--debug", "--bind", "127.0.0.1:0"]);
    cmd.env("CLAIMS_PRODUCTION", "1");
    let out = finish(cmd);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--debug"), "{stderr}");
}
