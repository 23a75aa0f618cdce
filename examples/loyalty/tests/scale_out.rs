//! Two instances behind Debian's nginx on loopback (round robin), sharing one Redis for
//! idempotent answers: a B2C retry that lands on the other instance gets the first answer, and
//! stopping one instance during a run of requests loses none (nginx retries them on the other).
//! Every process the tests start (redis-server, nginx, the instances) is stopped by PID.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use claims_runtime::idempotency::RedisStore;
use claims_runtime::prelude::*;

mod support;

const USER: &str = "scale";
const PASSWORD: &str = "out-secret-1";
/// `Basic base64("scale:out-secret-1")`.
const AUTHORIZATION: &str = "Basic c2NhbGU6b3V0LXNlY3JldC0x";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{what} exited before listening on {port}: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what} did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A child process stopped (kill + wait) when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "claims-scale-out-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn redis_server() -> (Proc, String) {
    let port = free_port();
    let mut child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("install redis-server (apt-get install redis-server): cannot run it: {e}")
        });
    wait_for_port(port, "redis-server", &mut child);
    (Proc(child), format!("redis://127.0.0.1:{port}/"))
}

/// nginx in front of `upstreams`, round robin, retrying a request on the other instance when
/// one fails to connect or drops the connection (POSTs included: `non_idempotent`). Each answer
/// names the instance that served it in `X-Upstream`.
fn nginx(dir: &Path, upstreams: &[u16]) -> (Proc, u16) {
    let port = free_port();
    let servers: String = upstreams
        .iter()
        .map(|p| format!("    server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;\n"))
        .collect();
    let conf = format!(
        r#"# One process: killing it by PID stops nginx whole (a master's workers would outlive it).
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  upstream claims {{
{servers}  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://claims;
      proxy_next_upstream error timeout non_idempotent;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
"#,
        dir = dir.display()
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let mut child = Command::new("nginx")
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(&path)
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("install nginx (apt-get install nginx): cannot run it: {e}"));
    wait_for_port(port, "nginx", &mut child);
    (Proc(child), port)
}

/// One instance of the example binary, in its own folder (its data files stay there).
fn instance(dir: &Path, redis_url: &str) -> (Proc, u16) {
    let port = free_port();
    let mut child = support::entra_env(
        Command::new(env!("CARGO_BIN_EXE_loyalty"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .current_dir(dir)
            .env_clear(),
    )
    .env("CLAIMS_BASIC_USERNAME", USER)
    .env("CLAIMS_BASIC_PASSWORD", PASSWORD)
    .env("CLAIMS_IDEMPOTENCY_REDIS_URL", redis_url)
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("the example binary runs");
    wait_for_port(port, "the loyalty example", &mut child);
    (Proc(child), port)
}

struct Answer {
    status: u16,
    upstream: String,
    body: String,
}

/// One HTTP/1.1 POST on a new connection.
fn post(port: u16, path: &str, body: &str) -> std::io::Result<Answer> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(15)))?;
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: {AUTHORIZATION}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = String::new();
    s.read_to_string(&mut raw)?;
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let upstream = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("x-upstream: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    Ok(Answer {
        status,
        upstream,
        body: body.to_owned(),
    })
}

#[test]
fn stopping_one_instance_during_a_run_loses_no_request() {
    let (_redis, redis_url) = redis_server();
    let (dir_a, dir_b, dir_n) = (TempDir::new("a"), TempDir::new("b"), TempDir::new("nginx"));
    let (mut a, port_a) = instance(&dir_a.0, &redis_url);
    let (_b, port_b) = instance(&dir_b.0, &redis_url);
    let (_nginx, port) = nginx(&dir_n.0, &[port_a, port_b]);

    let served = Arc::new(Mutex::new(
        std::collections::BTreeMap::<String, usize>::new(),
    ));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let total = Arc::new(AtomicUsize::new(0));
    let stop_at = Instant::now() + Duration::from_secs(4);
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (served, failures, total) = (served.clone(), failures.clone(), total.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while Instant::now() < stop_at {
                    i += 1;
                    let body = format!(r#"{{"givenName":"jérôme {w}-{i}","surname":"o'neil"}}"#);
                    total.fetch_add(1, Ordering::Relaxed);
                    match post(port, "/capitalize", &body) {
                        Ok(r) if r.status == 200 && r.body.contains("O'Neil") => {
                            *served.lock().unwrap().entry(r.upstream).or_default() += 1;
                        }
                        Ok(r) => failures
                            .lock()
                            .unwrap()
                            .push(format!("{} {}: {}", r.status, r.upstream, r.body)),
                        Err(e) => failures.lock().unwrap().push(e.to_string()),
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    // Instance A dies under load (SIGKILL: no graceful drain), then is reaped.
    a.0.kill().unwrap();
    a.0.wait().unwrap();
    for w in workers {
        w.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    let served = served.lock().unwrap();
    let total = total.load(Ordering::Relaxed);
    assert!(
        failures.is_empty(),
        "{} of {total} requests lost: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert!(total > 100, "the run sent only {total} requests");
    let a_addr = format!("127.0.0.1:{port_a}");
    let b_addr = format!("127.0.0.1:{port_b}");
    assert!(
        served.keys().any(|k| k.starts_with(&a_addr)) && served.get(&b_addr).is_some(),
        "both instances served before the stop: {served:?}"
    );
}

#[test]
fn production_refuses_a_malformed_redis_url() {
    let dir = TempDir::new("prod");
    let out = support::entra_env(
        Command::new(env!("CARGO_BIN_EXE_loyalty"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .current_dir(&dir.0)
            .env_clear(),
    )
    .env("CLAIMS_PRODUCTION", "1")
    .env("CLAIMS_ALLOW_PLAIN_HTTP", "true")
    .env("CLAIMS_BASIC_USERNAME", USER)
    .env("CLAIMS_BASIC_PASSWORD", PASSWORD)
    .env("CLAIMS_IDEMPOTENCY_REDIS_URL", "redis://:hunter2@[::1")
    .stdin(Stdio::null())
    .output()
    .expect("the example binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "served: {stderr}");
    assert!(stderr.contains("CLAIMS_IDEMPOTENCY_REDIS_URL"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

// --- the retry lands on the other instance --------------------------------------------------

/// Which instance this is, and how many sign-ups it ran.
struct Instance {
    name: &'static str,
    runs: AtomicUsize,
}

/// A ticket naming the instance and run that produced it.
#[derive(OutputClaims)]
struct Ticket {
    #[claim(id = "ticket")]
    ticket: String,
}

/// An idempotent writing handler: a retry must not run it twice, on any instance.
#[claims_handler(path = "/scale-out/sign-up", send_claims_in = Body, idempotent)]
async fn scale_out_sign_up(
    #[claim(id = "email")] _email: String,
    #[claim(id = "correlationId", resolver = "{Context:CorrelationId}")] _cid: CorrelationId,
    me: Data<Instance>,
) -> Ticket {
    let n = me.runs.fetch_add(1, Ordering::SeqCst) + 1;
    Ticket {
        ticket: format!("{}-{n}", me.name),
    }
}

#[actix_web::test]
async fn a_retry_on_the_other_instance_gets_the_first_answer() {
    let (_redis, redis_url) = redis_server();
    let mut ports = Vec::new();
    let mut servers = Vec::new();
    for name in ["A", "B"] {
        let app = App::empty()
            .handler(scale_out_sign_up::SPEC)
            .app_data(Data::new(Instance {
                name,
                runs: AtomicUsize::new(0),
            }))
            .default_auth(claims_runtime::AuthSpec::Basic)
            .basic_credentials(&claims_runtime::auth::DevCredentials {
                username: USER.into(),
                password: claims_runtime::auth::Secret::new(PASSWORD),
            })
            .idempotency_store(RedisStore::connect(&redis_url).unwrap())
            .limits(claims_runtime::ServerLimits {
                workers: Some(1),
                ..Default::default()
            });
        let (server, addrs) = app.server("127.0.0.1:0").unwrap();
        ports.push(addrs[0].port());
        servers.push(server.handle());
        actix_web::rt::spawn(server);
    }
    let dir = TempDir::new("nginx-replay");
    let (_nginx, port) = nginx(&dir.0, &ports);

    let sign_up = move |cid: &'static str| {
        actix_web::rt::task::spawn_blocking(move || {
            post(
                port,
                "/scale-out/sign-up",
                &format!(r#"{{"email":"new@contoso.com","correlationId":"{cid}"}}"#),
            )
            .unwrap()
        })
    };
    let first = sign_up("journey-1").await.unwrap();
    let retry = sign_up("journey-1").await.unwrap();
    assert_eq!((first.status, retry.status), (200, 200), "{}", first.body);
    assert_ne!(
        first.upstream, retry.upstream,
        "round robin sent the retry to the other instance"
    );
    assert_eq!(
        first.body, retry.body,
        "the other instance replayed the first answer"
    );
    // A new journey runs the handler (on whichever instance nginx picks).
    let other = sign_up("journey-2").await.unwrap();
    assert_eq!(other.status, 200);
    assert_ne!(other.body, first.body);
    for s in servers {
        s.stop(false).await;
    }
}
