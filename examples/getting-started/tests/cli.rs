//! The guide's command line, run for real: `serve` on loopback (the guide's `curl`, sent over a
//! socket with the printed development credentials), then `policy`. Every process started here
//! is killed by its PID and waited for.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const GUIDE: &str = include_str!("../../../docs/getting-started.md");
const BIN: &str = env!("CARGO_BIN_EXE_getting-started");

/// Kills the server by PID when the test ends, also on a failed assertion.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Splits a shell line on spaces outside single or double quotes (enough for the guide).
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut cur, mut quote) = (Vec::new(), String::new(), None);
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The guide's `$ curl ...` line and the answer printed under it.
fn guide_curl() -> (Vec<String>, String) {
    let mut lines = GUIDE.lines();
    while let Some(l) = lines.next() {
        if let Some(cmd) = l.strip_prefix("$ curl ") {
            let answer = lines
                .next()
                .expect("the answer under the curl line")
                .to_owned();
            return (shell_words(cmd), answer);
        }
    }
    panic!("docs/getting-started.md has no `$ curl ...` line");
}

#[test]
fn serve_answers_the_guides_curl() {
    let mut child = Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("CLAIMS_PRODUCTION")
        .env_remove("CLAIMS_BASIC_USERNAME")
        .env_remove("CLAIMS_BASIC_PASSWORD")
        .env_remove("CLAIMS_BASIC_USERNAME_FILE")
        .env_remove("CLAIMS_BASIC_PASSWORD_FILE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the getting-started binary starts");
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let (mut creds, mut addr) = (None, None);
    while addr.is_none() {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("serve prints its banner");
        // "development mode: Basic credentials USER:PASSWORD (header: Authorization: Basic ...)"
        if line.starts_with("development mode: Basic credentials ") {
            creds = line
                .split_once("(header: Authorization: ")
                .and_then(|(_, h)| h.strip_suffix(')'))
                .map(str::to_owned);
        }
        if let Some(rest) = line.strip_prefix("serving 1 handler(s) on http://") {
            addr = Some(rest.to_owned());
        }
    }
    let (creds, addr) = (
        creds.expect("serve prints the development credentials and their header"),
        addr.unwrap(),
    );

    let (args, expected) = guide_curl();
    let value = |flag: &str| {
        let i = args
            .iter()
            .position(|a| a == flag)
            .unwrap_or_else(|| panic!("curl {flag}"));
        args[i + 1].clone()
    };
    assert_eq!(value("-u"), "USER:PASSWORD", "the guide's placeholder");
    assert_eq!(value("-H"), "Content-Type: application/json");
    let body = value("-d");
    let url = args.last().unwrap();
    let path = url
        .strip_prefix("http://127.0.0.1:8080")
        .expect("the guide's curl targets the default bind address");

    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {creds}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert_eq!(
        reply.split("\r\n\r\n").nth(1),
        Some(expected.as_str()),
        "{reply}"
    );
    drop(server);
}

#[test]
fn policy_writes_the_technical_profile() {
    let out = Command::new(BIN)
        .args([
            "policy",
            "--base-url",
            "https://api.contoso.com",
            "--tenant",
            "contoso.onmicrosoft.com",
        ])
        .output()
        .expect("the getting-started binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(
        xml.contains(r#"<TechnicalProfile Id="REST-Greet">"#),
        "{xml}"
    );
    assert!(xml.contains("https://api.contoso.com/greet"), "{xml}");
}
