//! The Redis idempotency store against a real `redis-server` on loopback, started and stopped by
//! each test: two store instances stand for two app instances sharing one Redis.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::test as atest;
use actix_web::web::{self, Payload};
use actix_web::{HttpRequest, HttpResponse};
use claims_runtime::__private::Call;
use claims_runtime::config::ClaimsConfig;
use claims_runtime::idempotency::{
    Claimed, IdempotencyKey, IdempotencyStore, RedisStore, StoredResponse,
};
use claims_runtime::{
    AuthSpec, ClaimWriter, DataType, HandlerSpec, InputClaimSpec, OutputClaimSpec, OutputClaims,
    SendClaimsIn,
};
use serde_json::{Value, json};

/// A `redis-server` child on a free loopback port, without persistence; killed and reaped on drop.
struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port, &[])
    }

    fn start_on(port: u16, extra: &[&str]) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("install redis-server (apt-get install redis-server): cannot run it: {e}")
            });
        let server = RedisServer { child, port };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Stops it (kill + wait): Redis is down from here on.
    fn stop(mut self) -> u16 {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.port
    }

    /// One command over RESP, for looking at what the store wrote; returns the first reply line.
    fn command(&self, args: &[&str]) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut req = format!("*{}\r\n", args.len());
        for a in args {
            req.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        s.write_all(req.as_bytes()).unwrap();
        let mut line = String::new();
        BufReader::new(s).read_line(&mut line).unwrap();
        line.trim_end().to_owned()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn k(name: &str) -> IdempotencyKey {
    IdempotencyKey::new("REST-Test", name, [&b"{}"[..]])
}

fn answer(body: &str) -> StoredResponse {
    StoredResponse {
        status: 200,
        body: body.as_bytes().to_vec(),
    }
}

fn store(url: &str) -> RedisStore {
    RedisStore::connect(url)
        .expect("a valid URL")
        .with_prefix("test:idem:")
}

#[actix_web::test]
async fn claim_complete_and_replay_across_two_instances() {
    let redis = RedisServer::start();
    let (a, b) = (store(&redis.url()), store(&redis.url()));
    assert_eq!(a.claim(k("1")).await, Claimed::First);
    assert_eq!(
        b.claim(k("1")).await,
        Claimed::InFlight,
        "the other instance sees the attempt running"
    );
    assert_eq!(a.claim(k("1")).await, Claimed::InFlight);
    a.complete(k("1"), answer(r#"{"n":1}"#)).await;
    assert_eq!(b.claim(k("1")).await, Claimed::Replay(answer(r#"{"n":1}"#)));
    assert_eq!(a.claim(k("1")).await, Claimed::Replay(answer(r#"{"n":1}"#)));
    // A 409 is replayed with its status.
    assert_eq!(b.claim(k("2")).await, Claimed::First);
    let conflict = StoredResponse {
        status: 409,
        body: br#"{"code":"x"}"#.to_vec(),
    };
    b.complete(k("2"), conflict.clone()).await;
    assert_eq!(a.claim(k("2")).await, Claimed::Replay(conflict));
    // Keys live under the configured prefix, as the digest in hex.
    assert_eq!(
        redis.command(&["EXISTS", &format!("test:idem:{}", k("1").to_hex())]),
        ":1"
    );
    assert_eq!(a.failures(), 0);
    assert!(a.is_available() && b.is_available());
}

#[actix_web::test]
async fn abandon_releases_only_its_own_claim() {
    let redis = RedisServer::start();
    let (a, b) = (store(&redis.url()), store(&redis.url()));
    assert_eq!(a.claim(k("1")).await, Claimed::First);
    b.abandon(k("1")).await; // b holds no claim on it: nothing happens
    assert_eq!(b.claim(k("1")).await, Claimed::InFlight);
    a.abandon(k("1")).await;
    assert_eq!(
        b.claim(k("1")).await,
        Claimed::First,
        "released: the retry runs"
    );

    // a's claim expires while it runs; b claims the key; a's late abandon and complete must not
    // touch b's claim.
    let a = store(&redis.url()).with_in_flight_ttl(Duration::from_millis(300));
    assert_eq!(a.claim(k("2")).await, Claimed::First);
    tokio_sleep(Duration::from_millis(500)).await;
    assert_eq!(b.claim(k("2")).await, Claimed::First, "a's claim expired");
    a.abandon(k("2")).await;
    assert_eq!(a.claim(k("2")).await, Claimed::InFlight, "b's claim stays");
    a.complete(k("2"), answer("{\"from\":\"a\"}")).await;
    assert_eq!(a.claim(k("2")).await, Claimed::InFlight, "b's claim stays");
    b.complete(k("2"), answer("{\"from\":\"b\"}")).await;
    assert_eq!(
        a.claim(k("2")).await,
        Claimed::Replay(answer("{\"from\":\"b\"}"))
    );
}

#[actix_web::test]
async fn answers_and_claims_expire() {
    let redis = RedisServer::start();
    let a = store(&redis.url())
        .with_ttl(Duration::from_millis(400))
        .with_in_flight_ttl(Duration::from_millis(400));
    let b = store(&redis.url());
    assert_eq!(a.claim(k("done")).await, Claimed::First);
    assert_eq!(a.claim(k("running")).await, Claimed::First);
    a.complete(k("done"), answer("{}")).await;
    assert_eq!(b.claim(k("done")).await, Claimed::Replay(answer("{}")));
    let ttl: i64 = redis
        .command(&["PTTL", &format!("test:idem:{}", k("done").to_hex())])
        .trim_start_matches(':')
        .parse()
        .unwrap();
    assert!(ttl > 0 && ttl <= 400, "done TTL set on the key: {ttl}");
    tokio_sleep(Duration::from_millis(600)).await;
    assert_eq!(b.claim(k("done")).await, Claimed::First, "answer expired");
    assert_eq!(
        b.claim(k("running")).await,
        Claimed::First,
        "a claim never completed expires (its instance may have died)"
    );
}

#[actix_web::test]
async fn oversized_answers_are_not_kept_and_the_claim_is_released() {
    let redis = RedisServer::start();
    let a = store(&redis.url()).with_max_answer_bytes(10);
    let b = store(&redis.url());
    assert_eq!(a.claim(k("big")).await, Claimed::First);
    a.complete(k("big"), answer("01234567890")).await;
    assert_eq!(
        b.claim(k("big")).await,
        Claimed::First,
        "the retry runs again"
    );
    assert_eq!(a.claim(k("small")).await, Claimed::First);
    a.complete(k("small"), answer("0123456789")).await;
    assert_eq!(
        b.claim(k("small")).await,
        Claimed::Replay(answer("0123456789"))
    );
}

#[test]
fn malformed_urls_are_refused_and_passwords_never_shown() {
    for bad in ["", "http://127.0.0.1:6379", "redis://[::1", "not a url"] {
        assert!(RedisStore::connect(bad).is_err(), "{bad:?} accepted");
    }
    let err = RedisStore::connect("redis://:hunter2@[::1").unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let s = RedisStore::connect("redis://user:hunter2@127.0.0.1:1/3").unwrap();
    let shown = format!("{s:?} {}", s.target());
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("127.0.0.1:1"), "{shown}");
}

#[actix_web::test]
async fn wrong_password_counts_as_unavailable_and_is_not_logged() {
    let redis = {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        RedisServer::start_on(port, &["--requirepass", "right-one"])
    };
    let good = RedisStore::connect(&format!("redis://:right-one@127.0.0.1:{}/", redis.port))
        .unwrap()
        .with_prefix("test:idem:");
    assert_eq!(good.claim(k("1")).await, Claimed::First);
    let bad = RedisStore::connect(&format!("redis://:wrong-one@127.0.0.1:{}/", redis.port))
        .unwrap()
        .with_prefix("test:idem:");
    assert_eq!(
        bad.claim(k("1")).await,
        Claimed::First,
        "answered as if new, not blocked"
    );
    assert!(bad.failures() >= 1);
    assert!(!bad.is_available());
}

// --- through a service: Redis goes down and comes back ------------------------------------

struct Out {
    run: String,
}

static OUT_CLAIMS: [OutputClaimSpec; 1] = [OutputClaimSpec::new("run", DataType::String)];

impl OutputClaims for Out {
    const CLAIMS: &'static [OutputClaimSpec] = &OUT_CLAIMS;
    fn write_claims(&self, w: &mut ClaimWriter) {
        w.claim(0, &self.run);
    }
}

static INPUTS: [InputClaimSpec; 2] = [
    InputClaimSpec::new("email", DataType::String).with_required(true),
    InputClaimSpec::new("correlationId", DataType::String).with_resolver("{Context:CorrelationId}"),
];

static SIGNUP: HandlerSpec = HandlerSpec::new("REST-SignUp", "/signup", SendClaimsIn::Body)
    .with_auth(AuthSpec::None)
    .with_inputs(&INPUTS)
    .with_outputs(&OUT_CLAIMS)
    .idempotent();
static RUNS: AtomicUsize = AtomicUsize::new(0);

async fn signup(req: HttpRequest, payload: Payload) -> HttpResponse {
    let call = match Call::begin(&SIGNUP, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    call.invoke(async move {
        let n = RUNS.fetch_add(1, Ordering::SeqCst) + 1;
        Ok::<_, claims_runtime::ClaimsError>(Out { run: n.to_string() })
    })
    .await
}

#[actix_web::test]
async fn redis_down_answers_without_replay_and_redis_back_replays_again() {
    let redis = RedisServer::start();
    let url = redis.url();
    let store = Arc::new(store(&url).with_timeout(Duration::from_millis(500)));
    let config = web::Data::new(ClaimsConfig {
        idempotency: store.clone(),
        ..ClaimsConfig::default()
    });
    let svc = atest::init_service(
        actix_web::App::new()
            .app_data(config)
            .route("/signup", web::post().to(signup)),
    )
    .await;
    let call = |cid: &str| {
        atest::TestRequest::post()
            .uri("/signup")
            .set_json(json!({"email": "a@contoso.com", "correlationId": cid}))
            .to_request()
    };
    let run = |resp: (StatusCode, Value)| {
        assert_eq!(resp.0, StatusCode::OK, "{}", resp.1);
        resp.1["run"].as_str().unwrap().to_owned()
    };
    let first = run(json_of(atest::call_service(&svc, call("c-1")).await).await);
    let retry = run(json_of(atest::call_service(&svc, call("c-1")).await).await);
    assert_eq!(first, retry, "replayed while Redis is up");

    let global_before = claims_runtime::idempotency::shared_store_failures();
    let port = redis.stop();
    let down1 = run(json_of(atest::call_service(&svc, call("c-2")).await).await);
    let down2 = run(json_of(atest::call_service(&svc, call("c-2")).await).await);
    assert_ne!(
        down1, down2,
        "no replay without Redis: the handler ran again"
    );
    assert!(
        store.failures() >= 2,
        "failures counted: {}",
        store.failures()
    );
    assert!(!store.is_available());
    // The process-wide counter moves too (other tests only ever add to it), and the metrics
    // show it.
    assert!(claims_runtime::idempotency::shared_store_failures() >= global_before + 2);
    let metrics = claims_runtime::App::empty()
        .into_configurator()
        .render_metrics();
    let scraped: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("claims_idempotency_store_failures_total "))
        .unwrap_or_else(|| panic!("no failure counter in the metrics:\n{metrics}"))
        .trim()
        .parse()
        .expect("a count");
    assert!(scraped >= global_before + 2, "{metrics}");
    assert!(
        metrics.contains("# TYPE claims_idempotency_store_available gauge"),
        "{metrics}"
    );

    // Redis back (empty: it keeps nothing on disk): replay works again.
    let _redis = RedisServer::start_on(port, &[]);
    let started = Instant::now();
    let mut n = 0;
    loop {
        n += 1;
        let cid = format!("c-back-{n}");
        let a = run(json_of(atest::call_service(&svc, call(&cid)).await).await);
        let b = run(json_of(atest::call_service(&svc, call(&cid)).await).await);
        if a == b {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no replay 10 s after Redis came back"
        );
        tokio_sleep(Duration::from_millis(100)).await;
    }
    assert!(store.is_available());
}

async fn json_of(resp: actix_web::dev::ServiceResponse) -> (StatusCode, Value) {
    let status = resp.status();
    let body = atest::read_body(resp).await;
    (status, serde_json::from_slice(&body).expect("JSON body"))
}

async fn tokio_sleep(d: Duration) {
    actix_web::rt::time::sleep(d).await;
}
