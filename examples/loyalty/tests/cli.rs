//! The example binary and its database file: the README's main command on a fresh folder
//! creates, migrates and seeds `./data/loyalty.db` and serves from it; `--database` and
//! `DATABASE_URL` choose another file; `policy` and `list` touch no database.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

mod support;

/// A serving example, stopped by its PID (kill + wait) when dropped.
struct Server {
    child: Child,
    addr: String,
    authorization: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn loyalty(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_loyalty"));
    cmd.current_dir(cwd)
        .env_remove("DATABASE_URL")
        .env_remove("CLAIMS_PRODUCTION")
        .env_remove("CLAIMS_BASIC_USERNAME")
        .env_remove("CLAIMS_BASIC_PASSWORD")
        .env_remove("CLAIMS_BIND")
        .env_remove("CLAIMS_JWT_JWKS")
        .env_remove("CLAIMS_JWT_METADATA_URL")
        .env_remove("CLAIMS_JWT_ISSUER")
        .env_remove("CLAIMS_JWT_AUDIENCE");
    cmd
}

/// Starts `cmd` and waits for its banner: the address served and the development credentials.
fn serve(mut cmd: Command) -> Server {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example binary runs");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Drains to the end: a closed pipe would fail the server's next write to stderr.
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut server = Server {
        child,
        addr: String::new(),
        authorization: String::new(),
    };
    let mut seen = Vec::new();
    while server.addr.is_empty() {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no banner within 60 s: {seen:#?}"));
        if let Some(h) = line.split("Authorization: ").nth(1) {
            server.authorization = h.trim_end_matches(')').to_owned();
        }
        if let Some(a) = line
            .split("http://")
            .nth(1)
            .filter(|_| line.starts_with("serving"))
        {
            server.addr = a.to_owned();
        }
        seen.push(line);
    }
    assert!(!server.authorization.is_empty(), "{seen:#?}");
    server
}

/// One POST over loopback; the status code and body.
fn post(server: &Server, path: &str, json: &str) -> (u16, String) {
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        server.addr,
        server.authorization,
        json.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

fn run(mut cmd: Command) -> Output {
    let out = cmd.output().expect("the example binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_main_command_creates_the_database_and_serves_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("loyalty.db");
    let mut cmd = loyalty(dir.path());
    cmd.args([
        "serve",
        "--policy-out",
        "loyalty-policy.xml",
        "--bind",
        "127.0.0.1:0",
    ]);
    let server = serve(cmd);
    assert!(db.exists(), "created on first run: {}", db.display());
    assert!(dir.path().join("loyalty-policy.xml").exists());
    let (status, body) = post(
        &server,
        "/validate-email",
        r#"{"email":"emily@contoso.com"}"#,
    );
    assert_eq!(status, 200, "seeded customer: {body}");
    let (status, body) = post(
        &server,
        "/sign-ups",
        r#"{"objectId":"oid-1","email":"kim@fabrikam.com","givenName":"kim","correlationId":"c-1"}"#,
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("10000004"), "{body}");
    // Without Entra settings the development server starts, and its Entra routes refuse calls.
    let (status, body) = post(
        &server,
        "/entra/sign-up-check",
        r#"{"data":{"@odata.type":"microsoft.graph.onAttributeCollectionSubmitCalloutData"}}"#,
    );
    assert_eq!(status, 401, "{body}");
    drop(server);

    // A restart keeps the file and what was written (now with Entra settings).
    let mut cmd = loyalty(dir.path());
    support::entra_env(&mut cmd);
    cmd.args(["serve", "--bind", "127.0.0.1:0"]);
    let server = serve(cmd);
    let (status, body) = post(&server, "/enrich", r#"{"email":"kim@fabrikam.com"}"#);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("10000004"), "{body}");
}

#[test]
fn database_option_and_database_url_choose_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let from_env = dir.path().join("env").join("from-env.db");
    let from_arg = dir.path().join("arg").join("from-arg.db");

    let mut cmd = loyalty(dir.path());
    cmd.env("DATABASE_URL", format!("sqlite://{}", from_env.display()))
        .args(["serve", "--bind", "127.0.0.1:0"]);
    drop(serve(cmd));
    assert!(from_env.exists(), "DATABASE_URL");

    // --database wins over DATABASE_URL, before or after the subcommand.
    for args in [
        ["--database", from_arg.to_str().unwrap(), "serve"],
        ["serve", "--database", from_arg.to_str().unwrap()],
    ] {
        let _ = std::fs::remove_file(&from_arg);
        let mut cmd = loyalty(dir.path());
        cmd.env("DATABASE_URL", "sqlite://unused.db")
            .args(args)
            .args(["--bind", "127.0.0.1:0"]);
        drop(serve(cmd));
        assert!(from_arg.exists(), "{args:?}");
    }
    assert!(!dir.path().join("unused.db").exists());
    assert!(
        !dir.path().join("data").exists(),
        "the default was not used"
    );
}

#[test]
fn policy_list_help_and_version_touch_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = run({
        let mut c = loyalty(dir.path());
        c.arg("list");
        c
    });
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("REST-RecordSignUp"),
        "{out:?}"
    );
    let out = run({
        let mut c = loyalty(dir.path());
        c.args(["policy", "--base-url", "https://api.contoso.com"]);
        c
    });
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("REST-RecordSignUp"),
        "{out:?}"
    );
    let out = run({
        let mut c = loyalty(dir.path());
        c.arg("--help");
        c
    });
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--database") && help.contains("DATABASE_URL"),
        "{help}"
    );
    run({
        let mut c = loyalty(dir.path());
        c.args(["--database", "x.db", "--version"]);
        c
    });
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing created: {left:?}");
}

#[test]
fn a_database_that_cannot_be_opened_is_one_readable_error() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the data folder should be.
    std::fs::write(dir.path().join("data"), "not a folder").unwrap();
    let out = loyalty(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("data/loyalty.db"),
        "{stderr}"
    );
    assert!(!stderr.contains("serving"), "{stderr}");
}
