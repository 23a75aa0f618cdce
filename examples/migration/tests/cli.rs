//! The example binary on a fresh folder: `serve` creates, migrates and seeds
//! `./data/migration.db` and checks a legacy password over loopback; `list` creates nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The serving example, stopped by its PID (kill + wait) when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn migration(cwd: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migration"));
    cmd.current_dir(cwd);
    for var in [
        "DATABASE_URL",
        "CLAIMS_PRODUCTION",
        "CLAIMS_BASIC_USERNAME",
        "CLAIMS_BASIC_PASSWORD",
        "CLAIMS_BIND",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn serve_on_a_fresh_folder_creates_the_database_and_checks_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = migration(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Drains to the end: a closed pipe would fail the server's next write to stderr.
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let (mut addr, mut auth) = (String::new(), String::new());
    while addr.is_empty() {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("a banner within 60 s");
        if let Some(h) = line.split("Authorization: ").nth(1) {
            auth = h.trim_end_matches(')').to_owned();
        }
        if line.starts_with("serving") {
            addr = line.split("http://").nth(1).unwrap().to_owned();
        }
    }
    assert!(dir.path().join("data/migration.db").exists());

    let json = r#"{"email":"alex@contoso.com","password":"Argon2-legacy-pass!"}"#;
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST /legacy/check-credentials HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(
        reply.contains(r#""needToMigrate":true"#) && reply.contains("legacy-0001"),
        "{reply}"
    );
    drop(server);
}

#[test]
fn list_and_policy_create_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = migration(dir.path()).arg("list").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("REST-CheckLegacyCredentials")
            && listed.contains("REST-MarkLegacyUserMigrated"),
        "{listed}"
    );
    let out = migration(dir.path())
        .args(["policy", "--base-url", "https://legacy.contoso.com"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
