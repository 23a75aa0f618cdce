//! Bearer JWT guard: RS256 tokens signed with keys generated here, a JWKS served on loopback
//! (an actix server on 127.0.0.1:0 in its own thread, stopped by each test) or read from a file.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use actix_web::test::{self, TestRequest};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use claims_runtime::auth::AuthConfig;
use claims_runtime::request::Call;
use claims_runtime::{AuthSpec, ClaimsConfig, HandlerSpec, SendClaimsIn};
use claims_testing::keys::TestSigningKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};

const ISS: &str = "https://login.microsoftonline.com/tenant-id/v2.0";
const AUD: &str = "api://claims-service";
const APP: &str = "b2c-app-id";

struct TestKey {
    kid: &'static str,
    enc: EncodingKey,
    jwk: serde_json::Value,
}

fn gen_key(kid: &'static str) -> TestKey {
    let key = TestSigningKey::generate(kid);
    TestKey {
        kid,
        enc: key.encoding_key().clone(),
        jwk: key.jwk(),
    }
}

/// Three keys, generated once per test binary: k1 and k2 are published (k2 only later), k3 never.
fn keys() -> &'static [TestKey; 3] {
    static KEYS: OnceLock<[TestKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| [gen_key("k1"), gen_key("k2"), gen_key("k3")])
}

fn jwks(ks: &[&TestKey]) -> String {
    serde_json::json!({ "keys": ks.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>() }).to_string()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn claims() -> serde_json::Value {
    serde_json::json!({
        "iss": ISS, "aud": AUD, "azp": APP, "sub": "svc",
        "iat": now(), "nbf": now() - 10, "exp": now() + 600,
    })
}

fn sign_with(key: &TestKey, kid: &str, claims: &serde_json::Value) -> String {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&h, claims, &key.enc).unwrap()
}

fn sign(claims: &serde_json::Value) -> String {
    sign_with(&keys()[0], keys()[0].kid, claims)
}

fn with(mut base: serde_json::Value, k: &str, v: serde_json::Value) -> serde_json::Value {
    base[k] = v;
    base
}

fn spec(tp: &'static str, auth: AuthSpec) -> &'static HandlerSpec {
    Box::leak(Box::new(
        HandlerSpec::new(tp, "/guarded", SendClaimsIn::Body).with_auth(auth),
    ))
}

fn env(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<&'static str, String> = pairs.into_iter().collect();
    move |k| map.get(k).cloned()
}

fn bearer(token: &str) -> HttpRequest {
    TestRequest::post()
        .insert_header((
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        ))
        .to_http_request()
}

/// A JWKS server on 127.0.0.1:0 in its own thread (so blocking fetches from the test's runtime
/// cannot deadlock it). Counts requests; `stop` ends it.
struct JwksServer {
    url: String,
    body: Arc<Mutex<String>>,
    hits: Arc<AtomicUsize>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl JwksServer {
    fn start(initial: String) -> JwksServer {
        let body = Arc::new(Mutex::new(initial));
        let hits = Arc::new(AtomicUsize::new(0));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/discovery/keys", listener.local_addr().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        let (b, h) = (body.clone(), hits.clone());
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let srv = actix_web::HttpServer::new(move || {
                    let (b, h) = (b.clone(), h.clone());
                    actix_web::App::new().route(
                        "/discovery/keys",
                        web::get().to(move || {
                            let (b, h) = (b.clone(), h.clone());
                            async move {
                                h.fetch_add(1, Ordering::SeqCst);
                                let text = b.lock().unwrap().clone();
                                HttpResponse::Ok()
                                    .content_type("application/json")
                                    .body(text)
                            }
                        }),
                    )
                })
                .workers(1)
                .disable_signals()
                .listen(listener)
                .unwrap()
                .run();
                tx.send(srv.handle()).unwrap();
                srv.await.unwrap();
            });
        });
        let handle = rx.recv().unwrap();
        JwksServer {
            url,
            body,
            hits,
            handle,
            thread: Some(thread),
        }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    async fn stop(mut self) {
        self.handle.stop(true).await;
        self.thread.take().unwrap().join().unwrap();
    }
}

fn jwt_env(jwks: &str, app_ids: &str) -> Vec<(&'static str, String)> {
    vec![
        ("CLAIMS_JWT_JWKS", jwks.to_owned()),
        (
            "CLAIMS_JWT_ISSUER",
            format!("{ISS}, https://sts.windows.net/tenant-id/"),
        ),
        ("CLAIMS_JWT_AUDIENCE", AUD.to_owned()),
        ("CLAIMS_JWT_ALLOWED_APP_IDS", app_ids.to_owned()),
    ]
}

async fn status(cfg: &AuthConfig, spec: &HandlerSpec, token: &str) -> (u16, Option<String>) {
    match cfg.authenticate(spec, &bearer(token)).await {
        Ok(()) => (200, None),
        Err(e) => (e.status().as_u16(), e.challenge().map(str::to_owned)),
    }
}

#[actix_web::test]
async fn jwt_matrix_over_loopback_jwks() {
    let ks = keys();
    let server = JwksServer::start(jwks(&[&ks[0]]));
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let cfg =
        AuthConfig::load([s], env(jwt_env(&server.url, &format!("{APP}, other-app")))).unwrap();
    assert_eq!(server.hits(), 1, "keys fetched once at startup");

    let invalid = Some(r#"Bearer realm="b2c", error="invalid_token""#.to_owned());
    let valid = sign(&claims());
    let unsigned = {
        let b64 = |v: &serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        format!(
            "{}.{}.",
            b64(&serde_json::json!({"alg": "none", "typ": "JWT", "kid": "k1"})),
            b64(&claims())
        )
    };
    let hs256 = {
        // Algorithm confusion: HMAC over the token with the public modulus as the secret.
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some("k1".into());
        jsonwebtoken::encode(
            &h,
            &claims(),
            &EncodingKey::from_secret(ks[0].jwk["n"].as_str().unwrap().as_bytes()),
        )
        .unwrap()
    };
    let v1 = {
        let mut c = claims();
        c.as_object_mut().unwrap().remove("azp");
        c["appid"] = "other-app".into();
        c["iss"] = "https://sts.windows.net/tenant-id/".into();
        sign(&c)
    };
    let cases: Vec<(&str, String, u16)> = vec![
        ("valid (v2, azp)", valid.clone(), 200),
        ("valid (v1, appid)", v1, 200),
        (
            "expired 30 s ago, inside the 60 s skew",
            sign(&with(claims(), "exp", (now() - 30).into())),
            200,
        ),
        ("truncated", valid[..valid.len() - 12].to_owned(), 401),
        (
            "signature removed",
            valid[..valid.rfind('.').unwrap() + 1].to_owned(),
            401,
        ),
        ("not a JWT", "abc".to_owned(), 401),
        (
            "expired",
            sign(&with(claims(), "exp", (now() - 3600).into())),
            401,
        ),
        (
            "not yet valid",
            sign(&with(claims(), "nbf", (now() + 3600).into())),
            401,
        ),
        (
            "no exp",
            {
                let mut c = claims();
                c.as_object_mut().unwrap().remove("exp");
                sign(&c)
            },
            401,
        ),
        (
            "wrong audience",
            sign(&with(claims(), "aud", "api://other".into())),
            401,
        ),
        (
            "wrong issuer",
            sign(&with(claims(), "iss", "https://evil.example/v2.0".into())),
            401,
        ),
        ("unsigned (alg none)", unsigned, 401),
        ("HS256 with the public key as secret", hs256, 401),
        (
            "signed by another key under a known kid",
            sign_with(&ks[2], "k1", &claims()),
            401,
        ),
    ];
    for (name, token, want) in cases {
        let (got, ch) = status(&cfg, s, &token).await;
        assert_eq!(got, want, "case {name}");
        if want == 401 {
            assert_eq!(ch, invalid, "challenge for {name}");
        }
    }

    // App id not allowed: 403 with insufficient_scope.
    let (got, ch) = status(
        &cfg,
        s,
        &sign(&with(claims(), "azp", "intruder-app".into())),
    )
    .await;
    assert_eq!(got, 403);
    assert_eq!(
        ch.as_deref(),
        Some(r#"Bearer realm="b2c", error="insufficient_scope""#)
    );
    let mut no_app = claims();
    no_app.as_object_mut().unwrap().remove("azp");
    assert_eq!(
        status(&cfg, s, &sign(&no_app)).await.0,
        403,
        "no app id at all"
    );

    // Wrong scheme and missing header.
    let basic = TestRequest::post()
        .insert_header((AUTHORIZATION, format!("Basic {valid}")))
        .to_http_request();
    assert_eq!(
        cfg.authenticate(s, &basic)
            .await
            .unwrap_err()
            .status()
            .as_u16(),
        401
    );
    let none = TestRequest::post().to_http_request();
    let e = cfg.authenticate(s, &none).await.unwrap_err();
    assert_eq!(
        (e.status().as_u16(), e.challenge()),
        (401, Some(r#"Bearer realm="b2c""#))
    );

    assert_eq!(server.hits(), 1, "known kids never refetch");
    server.stop().await;
}

#[actix_web::test]
async fn unknown_kid_triggers_one_rate_limited_refresh() {
    let ks = keys();
    let server = JwksServer::start(jwks(&[&ks[0]]));
    let s = spec("REST-Claim", AuthSpec::BearerFromClaim("bearerToken"));
    let cfg = AuthConfig::load([s], env(jwt_env(&server.url, APP))).unwrap();
    assert_eq!(server.hits(), 1);

    // The IdP rotates: k2 is published after startup.
    *server.body.lock().unwrap() = jwks(&[&ks[0], &ks[1]]);
    let t2 = sign_with(&ks[1], "k2", &claims());
    assert_eq!(
        status(&cfg, s, &t2).await.0,
        200,
        "k2 found after one refresh"
    );
    assert_eq!(server.hits(), 2, "exactly one refresh");
    assert_eq!(status(&cfg, s, &t2).await.0, 200);
    assert_eq!(server.hits(), 2, "k2 is cached now");

    // Another unknown kid within the refresh interval: no refetch, 401.
    let t3 = sign_with(&ks[2], "k3", &claims());
    assert_eq!(status(&cfg, s, &t3).await.0, 401);
    assert_eq!(status(&cfg, s, &t3).await.0, 401);
    assert_eq!(server.hits(), 2, "refresh is rate-limited");
    server.stop().await;
}

#[test]
fn jwks_from_file_and_sync_authorize() {
    let ks = keys();
    let path = std::env::temp_dir().join(format!("claims-jwks-{}.json", std::process::id()));
    std::fs::write(&path, jwks(&[&ks[0]])).unwrap();
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let cfg = AuthConfig::load([s], env(jwt_env(&path.to_string_lossy(), ""))).unwrap();
    assert!(cfg.authorize(s, &bearer(&sign(&claims()))).is_ok());
    // No allow-list configured: any app id is accepted.
    assert!(
        cfg.authorize(s, &bearer(&sign(&with(claims(), "azp", "x".into()))))
            .is_ok()
    );
    // Rotation through the file: k2 appears, an unknown kid rereads it (sync path).
    std::fs::write(&path, jwks(&[&ks[1]])).unwrap();
    assert!(
        cfg.authorize(s, &bearer(&sign_with(&ks[1], "k2", &claims())))
            .is_ok()
    );
    // k1 was dropped from the set and is no longer accepted.
    assert_eq!(
        cfg.authorize(s, &bearer(&sign(&claims())))
            .unwrap_err()
            .status()
            .as_u16(),
        401
    );
    std::fs::remove_file(&path).unwrap();

    let err = AuthConfig::load([s], env(jwt_env("/nonexistent/jwks.json", ""))).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/jwks.json"), "{err}");
}

#[test]
fn algorithm_allow_list() {
    let ks = keys();
    let path = std::env::temp_dir().join(format!("claims-jwks-alg-{}.json", std::process::id()));
    std::fs::write(&path, jwks(&[&ks[0]])).unwrap();
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let mut e = jwt_env(&path.to_string_lossy(), APP);
    e.push(("CLAIMS_JWT_ALGORITHMS", "PS256".to_owned()));
    let cfg = AuthConfig::load([s], env(e)).unwrap();
    std::fs::remove_file(&path).unwrap();
    // RS256 is not in the allow-list any more.
    assert_eq!(
        cfg.authorize(s, &bearer(&sign(&claims())))
            .unwrap_err()
            .status()
            .as_u16(),
        401
    );
}

#[test]
fn bearer_with_both_static_token_and_jwt() {
    let ks = keys();
    let path = std::env::temp_dir().join(format!("claims-jwks-both-{}.json", std::process::id()));
    std::fs::write(&path, jwks(&[&ks[0]])).unwrap();
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let mut e = jwt_env(&path.to_string_lossy(), APP);
    e.push(("CLAIMS_BEARER_TOKEN", "static-token".to_owned()));
    let cfg = AuthConfig::load([s], env(e)).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(cfg.authorize(s, &bearer("static-token")).is_ok());
    assert!(cfg.authorize(s, &bearer(&sign(&claims()))).is_ok());
    assert!(cfg.authorize(s, &bearer("static-tokeN")).is_err());
}

async fn guarded(
    req: HttpRequest,
    payload: web::Payload,
    spec: web::Data<&'static HandlerSpec>,
) -> HttpResponse {
    match Call::begin(spec.get_ref(), &req, payload).await {
        Ok(_) => HttpResponse::Ok().body("ok"),
        Err(resp) => resp,
    }
}

#[actix_web::test]
async fn jwt_replies_through_call_begin() {
    let ks = keys();
    let server = JwksServer::start(jwks(&[&ks[0]]));
    let s = spec("REST-Claim", AuthSpec::BearerFromClaim("bearerToken"));
    let auth = AuthConfig::load([s], env(jwt_env(&server.url, APP))).unwrap();
    let app = test::init_service(
        actix_web::App::new()
            .app_data(web::Data::new(ClaimsConfig {
                auth,
                ..ClaimsConfig::default()
            }))
            .app_data(web::Data::new(s))
            .route("/guarded", web::post().to(guarded)),
    )
    .await;
    let call = |token: String| {
        TestRequest::post()
            .uri("/guarded")
            .insert_header((AUTHORIZATION, format!("Bearer {token}")))
            .insert_header(("content-type", "application/json"))
            .set_payload("{}")
            .to_request()
    };
    let resp = test::call_service(&app, call(sign(&claims()))).await;
    assert_eq!(resp.status().as_u16(), 200);

    let resp = test::call_service(
        &app,
        call(sign(&with(claims(), "exp", (now() - 3600).into()))),
    )
    .await;
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(
        resp.headers().get(WWW_AUTHENTICATE).unwrap(),
        r#"Bearer realm="b2c", error="invalid_token""#
    );
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(
        (body["status"].as_i64(), body["code"].as_str()),
        (Some(409), Some("unauthorized"))
    );
    // The reason stays in the log.
    assert!(!body.to_string().contains("expired"), "{body}");

    let resp =
        test::call_service(&app, call(sign(&with(claims(), "azp", "intruder".into())))).await;
    assert_eq!(resp.status().as_u16(), 403);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["code"], "forbidden");

    // Unknown kid through the request path: one refresh on a blocking thread, then accepted.
    *server.body.lock().unwrap() = jwks(&[&ks[0], &ks[1]]);
    let resp = test::call_service(&app, call(sign_with(&ks[1], "k2", &claims()))).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(server.hits(), 2);
    server.stop().await;
}

#[test]
fn verified_token_cache_still_enforces_expiry_and_key_removal() {
    let ks = keys();
    let path = std::env::temp_dir().join(format!("claims-jwks-cache-{}.json", std::process::id()));
    std::fs::write(&path, jwks(&[&ks[0]])).unwrap();
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let mut e = jwt_env(&path.to_string_lossy(), "");
    e.push(("CLAIMS_JWT_LEEWAY_SECONDS", "0".to_owned()));
    let cfg = AuthConfig::load([s], env(e)).unwrap();

    // Accepted twice: the second time from the verified-token cache.
    let short = sign(&with(claims(), "exp", (now() + 2).into()));
    assert!(cfg.authorize(s, &bearer(&short)).is_ok());
    assert!(cfg.authorize(s, &bearer(&short)).is_ok());
    // Once `exp` passes, the cached verification no longer counts.
    std::thread::sleep(std::time::Duration::from_millis(3100));
    assert_eq!(
        cfg.authorize(s, &bearer(&short))
            .unwrap_err()
            .status()
            .as_u16(),
        401
    );

    // A cached token stops working as soon as its key leaves the key set.
    let long = sign(&claims());
    assert!(cfg.authorize(s, &bearer(&long)).is_ok());
    std::fs::write(&path, jwks(&[&ks[1]])).unwrap();
    // An unknown kid makes the validator reread the set (k1 is gone from it).
    let _ = cfg.authorize(s, &bearer(&sign_with(&ks[1], "k2", &claims())));
    assert_eq!(
        cfg.authorize(s, &bearer(&long))
            .unwrap_err()
            .status()
            .as_u16(),
        401
    );
    std::fs::remove_file(&path).unwrap();
}

// ---------------------------------------------------------------------------------------------
// A fake identity provider on 127.0.0.1: OpenID discovery plus a JWKS it counts, which can be
// made to hang (a gate) or to answer raw bytes. Plain std threads, stopped by `stop`.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::sync::Condvar;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

struct IdpState {
    jwks: Mutex<String>,
    /// When set, `/keys` answers these bytes instead of the JWKS.
    raw: Mutex<Option<Vec<u8>>>,
    hits: AtomicUsize,
    /// `/keys` answers only once the gate is open (or after a liveness bound of 15 s).
    gate: (Mutex<bool>, Condvar),
    events: Mutex<Vec<&'static str>>,
}

struct FakeIdp {
    addr: SocketAddr,
    state: Arc<IdpState>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeIdp {
    fn start(jwks_body: String) -> FakeIdp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(IdpState {
            jwks: Mutex::new(jwks_body),
            raw: Mutex::new(None),
            hits: AtomicUsize::new(0),
            gate: (Mutex::new(true), Condvar::new()),
            events: Mutex::new(Vec::new()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut conns = Vec::new();
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let st = st.clone();
                conns.push(std::thread::spawn(move || serve(conn, addr, &st)));
            }
            for c in conns {
                let _ = c.join();
            }
        });
        FakeIdp {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    fn jwks_url(&self) -> String {
        format!("http://{}/keys", self.addr)
    }

    fn metadata_url(&self) -> String {
        format!(
            "http://{}/tenant-id/v2.0/.well-known/openid-configuration",
            self.addr
        )
    }

    fn set_jwks(&self, body: String) {
        *self.state.jwks.lock().unwrap() = body;
    }

    fn set_raw(&self, raw: Option<Vec<u8>>) {
        *self.state.raw.lock().unwrap() = raw;
    }

    fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    fn close_gate(&self) {
        *self.state.gate.0.lock().unwrap() = false;
    }

    fn open_gate(&self) {
        *self.state.gate.0.lock().unwrap() = true;
        self.state.gate.1.notify_all();
    }

    fn event(&self, e: &'static str) {
        self.state.events.lock().unwrap().push(e);
    }

    fn events(&self) -> Vec<&'static str> {
        self.state.events.lock().unwrap().clone()
    }

    /// Waits (without blocking the runtime) until the JWKS was requested `n` times.
    async fn wait_hits(&self, n: usize) {
        for _ in 0..3000 {
            if self.hits() >= n {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        panic!(
            "the JWKS was never requested {n} times (got {})",
            self.hits()
        );
    }

    fn stop(mut self) {
        self.open_gate();
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        self.thread.take().unwrap().join().unwrap();
    }
}

fn serve(mut conn: TcpStream, addr: SocketAddr, st: &IdpState) {
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
    let json = |body: String| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let out = if path.ends_with("/.well-known/openid-configuration") {
        json(
            serde_json::json!({
                "issuer": ISS,
                "jwks_uri": format!("http://{addr}/keys"),
                "id_token_signing_alg_values_supported": ["RS256"],
            })
            .to_string(),
        )
    } else if path == "/keys" {
        st.hits.fetch_add(1, Ordering::SeqCst);
        let (lock, cv) = &st.gate;
        let open = lock.lock().unwrap();
        let _open = cv
            .wait_timeout_while(open, Duration::from_secs(15), |open| !*open)
            .unwrap();
        drop(_open);
        st.events.lock().unwrap().push("fetch answered");
        match st.raw.lock().unwrap().clone() {
            Some(raw) => raw,
            None => json(st.jwks.lock().unwrap().clone()),
        }
    } else {
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
    };
    let _ = conn.write_all(&out);
    let _ = conn.flush();
}

fn base_env() -> Vec<(&'static str, String)> {
    vec![
        ("CLAIMS_JWT_ISSUER", ISS.to_owned()),
        ("CLAIMS_JWT_AUDIENCE", AUD.to_owned()),
        ("CLAIMS_JWT_ALLOWED_APP_IDS", APP.to_owned()),
    ]
}

fn with_env(
    mut e: Vec<(&'static str, String)>,
    more: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (k, v) in more {
        e.retain(|(x, _)| x != k);
        e.push((k, (*v).to_owned()));
    }
    e
}

#[test]
fn jwks_over_plain_http_to_a_non_loopback_host_is_refused() {
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    for url in [
        "http://192.0.2.1/discovery/v2.0/keys",
        "http://login.microsoftonline.com/tenant-id/discovery/v2.0/keys",
    ] {
        let e = with_env(base_env(), &[("CLAIMS_JWT_JWKS", url)]);
        let err = AuthConfig::load([s], env(e)).expect_err(url).to_string();
        assert!(err.contains("https"), "{err}");
        assert!(err.contains("loopback"), "{err}");
    }
    let e = with_env(
        base_env(),
        &[(
            "CLAIMS_JWT_METADATA_URL",
            "http://tenant.ciamlogin.com/tenant-id/v2.0/.well-known/openid-configuration",
        )],
    );
    let err = AuthConfig::load([s], env(e)).unwrap_err().to_string();
    assert!(err.contains("https"), "{err}");
    // Loopback may use plain http (a local key proxy, tests); nothing listens here, which only
    // delays the keys until first use.
    for url in [
        "http://127.0.0.1:9/keys",
        "http://[::1]:9/keys",
        "http://localhost:9/keys",
    ] {
        let e = with_env(base_env(), &[("CLAIMS_JWT_JWKS", url)]);
        assert!(AuthConfig::load([s], env(e)).is_ok(), "{url}");
    }
}

#[test]
fn https_jwks_url_is_accepted() {
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    // Nothing listens on port 9: the keys are fetched on first use, but the URL is accepted.
    let e = with_env(
        base_env(),
        &[("CLAIMS_JWT_JWKS", "https://127.0.0.1:9/keys")],
    );
    let cfg = AuthConfig::load([s], env(e)).unwrap();
    assert_eq!(
        cfg.authorize(s, &bearer(&sign(&claims())))
            .unwrap_err()
            .status()
            .as_u16(),
        401
    );
}

#[actix_web::test]
async fn openid_discovery_supplies_jwks_uri_and_issuer() {
    let ks = keys();
    let idp = FakeIdp::start(jwks(&[&ks[0]]));
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let e = with_env(
        base_env(),
        &[("CLAIMS_JWT_METADATA_URL", &idp.metadata_url())],
    );
    let e: Vec<_> = e
        .into_iter()
        .filter(|(k, _)| *k != "CLAIMS_JWT_ISSUER")
        .collect();
    let cfg = AuthConfig::load([s], env(e)).unwrap();
    assert_eq!(
        idp.hits(),
        1,
        "the discovered jwks_uri is fetched at startup"
    );
    assert_eq!(status(&cfg, s, &sign(&claims())).await.0, 200);
    // The discovered issuer is the only one accepted.
    let other = with(claims(), "iss", "https://sts.windows.net/tenant-id/".into());
    assert_eq!(status(&cfg, s, &sign(&other)).await.0, 401);

    // An explicit CLAIMS_JWT_ISSUER wins over the discovered one.
    let e = with_env(
        base_env(),
        &[
            ("CLAIMS_JWT_METADATA_URL", &idp.metadata_url()),
            ("CLAIMS_JWT_ISSUER", "https://sts.windows.net/tenant-id/"),
        ],
    );
    let cfg = AuthConfig::load([s], env(e)).unwrap();
    assert_eq!(status(&cfg, s, &sign(&other)).await.0, 200);
    assert_eq!(status(&cfg, s, &sign(&claims())).await.0, 401);
    idp.stop();

    // Discovery that cannot supply an issuer refuses to start.
    let e = with_env(
        base_env(),
        &[(
            "CLAIMS_JWT_METADATA_URL",
            "http://127.0.0.1:9/.well-known/openid-configuration",
        )],
    );
    let e: Vec<_> = e
        .into_iter()
        .filter(|(k, _)| *k != "CLAIMS_JWT_ISSUER")
        .collect();
    let err = AuthConfig::load([s], env(e)).unwrap_err().to_string();
    assert!(err.contains("CLAIMS_JWT_METADATA_URL"), "{err}");
}

#[actix_web::test]
async fn periodic_refresh_drops_a_removed_key() {
    let ks = keys();
    let idp = FakeIdp::start(jwks(&[&ks[0], &ks[1]]));
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let e = with_env(
        base_env(),
        &[
            ("CLAIMS_JWT_JWKS", &idp.jwks_url()),
            ("CLAIMS_JWT_KEYS_REFRESH_SECONDS", "1"),
        ],
    );
    let cfg = AuthConfig::load([s], env(e)).unwrap();
    let token = sign(&claims());
    assert_eq!(status(&cfg, s, &token).await.0, 200);
    // The IdP withdraws k1; no request names an unknown kid, only the periodic refresh can notice.
    idp.set_jwks(jwks(&[&ks[1]]));
    let mut refused = false;
    for _ in 0..300 {
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        if status(&cfg, s, &token).await.0 == 401 {
            refused = true;
            break;
        }
    }
    assert!(refused, "a key removed from the JWKS is still trusted");
    assert!(idp.hits() >= 2);
    assert_eq!(
        status(&cfg, s, &sign_with(&ks[1], "k2", &claims())).await.0,
        200
    );
    drop(cfg);
    idp.stop();
}

#[actix_web::test]
async fn concurrent_unknown_kids_share_one_fetch() {
    let ks = keys();
    let idp = FakeIdp::start(jwks(&[&ks[0]]));
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let e = with_env(base_env(), &[("CLAIMS_JWT_JWKS", &idp.jwks_url())]);
    let cfg = Arc::new(AuthConfig::load([s], env(e)).unwrap());
    assert_eq!(idp.hits(), 1);
    idp.set_jwks(jwks(&[&ks[0], &ks[1]]));
    idp.close_gate();
    let t2 = sign_with(&ks[1], "k2", &claims());
    let t3 = sign_with(&ks[2], "k3", &claims());
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let (cfg, t) = (
                cfg.clone(),
                if i % 2 == 0 { t2.clone() } else { t3.clone() },
            );
            actix_web::rt::spawn(async move { status(&cfg, s, &t).await.0 })
        })
        .collect();
    idp.wait_hits(2).await;
    for _ in 0..20 {
        actix_web::rt::task::yield_now().await;
    }
    idp.open_gate();
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    assert_eq!(got, [200, 401, 200, 401, 200, 401, 200, 401]);
    assert_eq!(idp.hits(), 2, "one fetch for all concurrent unknown kids");
    idp.stop();
}

#[actix_web::test]
async fn unknown_kid_refresh_does_not_block_a_worker() {
    let ks = keys();
    let idp = FakeIdp::start(jwks(&[&ks[0]]));
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let e = with_env(base_env(), &[("CLAIMS_JWT_JWKS", &idp.jwks_url())]);
    let cfg = Arc::new(AuthConfig::load([s], env(e)).unwrap());
    idp.state.events.lock().unwrap().clear(); // the startup fetch
    idp.set_jwks(jwks(&[&ks[0], &ks[1]]));
    idp.close_gate();
    let c = cfg.clone();
    let t2 = sign_with(&ks[1], "k2", &claims());
    let first = actix_web::rt::spawn(async move { status(&c, s, &t2).await.0 });
    idp.wait_hits(2).await; // the fetch hangs at the IdP now
    // Another unknown kid while the fetch hangs, then a known one: both on this (only) worker.
    let c = cfg.clone();
    let t3 = sign_with(&ks[2], "k3", &claims());
    let second = actix_web::rt::spawn(async move { status(&c, s, &t3).await.0 });
    actix_web::rt::task::yield_now().await;
    let known = status(&cfg, s, &sign(&claims())).await.0;
    idp.event("other request answered");
    assert_eq!(known, 200);
    idp.open_gate();
    assert_eq!(first.await.unwrap(), 200);
    assert_eq!(second.await.unwrap(), 401);
    assert_eq!(idp.events(), ["other request answered", "fetch answered"]);
    assert_eq!(idp.hits(), 2);
    idp.stop();
}

#[actix_web::test]
async fn huge_or_garbage_jwks_response_is_refused_without_panic() {
    let ks = keys();
    let idp = FakeIdp::start(jwks(&[&ks[0]]));
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let huge_json = {
        let mut v = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"keys\":[\"".to_vec();
        v.resize(v.len() + 24 * 1024 * 1024, b'a');
        v
    };
    let responses: Vec<(&str, Vec<u8>)> = vec![
        (
            "huge chunk size",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nffffffffffffffff\r\nabc\r\n0\r\n\r\n".to_vec(),
        ),
        (
            "huge content length",
            b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\nConnection: close\r\n\r\n{\"keys\":[]}".to_vec(),
        ),
        ("24 MiB body", huge_json),
        (
            "garbage",
            b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n\x00\xff\xfe not json at all".to_vec(),
        ),
        ("not HTTP", b"\x16\x03\x01\x02\x00 garbage".to_vec()),
        (
            "not a JWK set",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]".to_vec(),
        ),
    ];
    for (name, raw) in responses {
        idp.set_raw(Some(raw));
        let e = with_env(base_env(), &[("CLAIMS_JWT_JWKS", &idp.jwks_url())]);
        let cfg = AuthConfig::load([s], env(e)).expect(name);
        assert_eq!(status(&cfg, s, &sign(&claims())).await.0, 401, "{name}");
    }
    idp.stop();
}

fn production_env(jwks_path: &str) -> Vec<(&'static str, String)> {
    let mut e = jwt_env(jwks_path, "");
    e.retain(|(k, _)| *k != "CLAIMS_JWT_ALLOWED_APP_IDS");
    e.push(("CLAIMS_PRODUCTION", "true".to_owned()));
    e
}

#[test]
fn production_refuses_jwt_without_app_allow_list() {
    let ks = keys();
    let path = std::env::temp_dir().join(format!("claims-jwks-prod-{}.json", std::process::id()));
    std::fs::write(&path, jwks(&[&ks[0]])).unwrap();
    let p = path.to_string_lossy().into_owned();
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    // The one production check (`startup::production_problems`) sees the resolved JWT rules.
    let problems = |e: Vec<(&'static str, String)>| {
        let config = claims_runtime::ClaimsConfig {
            auth: AuthConfig::load([s], env(e)).unwrap(),
            ..Default::default()
        };
        claims_runtime::startup::production_problems(&config, &[s], true)
    };
    let p1 = problems(production_env(&p)).join("\n");
    assert!(p1.contains("CLAIMS_JWT_ALLOWED_APP_IDS"), "{p1}");
    assert!(p1.contains("CLAIMS_JWT_ALLOW_ANY_APP"), "{p1}");

    // The explicit opt-out starts, and then any app of the tenant is accepted.
    let mut e = production_env(&p);
    e.push(("CLAIMS_JWT_ALLOW_ANY_APP", "true".to_owned()));
    assert!(problems(e.clone()).is_empty());
    let cfg = AuthConfig::load([s], env(e)).unwrap();
    assert!(
        cfg.authorize(s, &bearer(&sign(&with(claims(), "azp", "any".into()))))
            .is_ok()
    );
    // With an allow-list, production starts.
    let mut e = production_env(&p);
    e.push(("CLAIMS_JWT_ALLOWED_APP_IDS", APP.to_owned()));
    assert!(problems(e).is_empty());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn token_without_app_id_is_refused_when_allow_list_set() {
    let ks = keys();
    let path = std::env::temp_dir().join(format!("claims-jwks-noapp-{}.json", std::process::id()));
    std::fs::write(&path, jwks(&[&ks[0]])).unwrap();
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let cfg = AuthConfig::load([s], env(jwt_env(&path.to_string_lossy(), APP))).unwrap();
    std::fs::remove_file(&path).unwrap();
    let mut c = claims();
    c.as_object_mut().unwrap().remove("azp");
    let e = cfg.authorize(s, &bearer(&sign(&c))).unwrap_err();
    assert_eq!(e.status().as_u16(), 403);
    c["appid"] = "".into();
    assert_eq!(
        cfg.authorize(s, &bearer(&sign(&c)))
            .unwrap_err()
            .status()
            .as_u16(),
        403
    );
}

#[test]
fn required_role_missing_is_forbidden() {
    let ks = keys();
    let path = std::env::temp_dir().join(format!("claims-jwks-roles-{}.json", std::process::id()));
    std::fs::write(&path, jwks(&[&ks[0]])).unwrap();
    let s = spec("REST-Jwt", AuthSpec::Bearer);
    let mut e = jwt_env(&path.to_string_lossy(), APP);
    e.push((
        "CLAIMS_JWT_REQUIRED_ROLES",
        "Claims.Read, Claims.Write".to_owned(),
    ));
    let cfg = AuthConfig::load([s], env(e)).unwrap();
    std::fs::remove_file(&path).unwrap();
    let code = |c: serde_json::Value| match cfg.authorize(s, &bearer(&sign(&c))) {
        Ok(()) => 200,
        Err(e) => e.status().as_u16(),
    };
    assert_eq!(code(claims()), 403, "no roles claim");
    assert_eq!(
        code(with(claims(), "roles", serde_json::json!(["Other"]))),
        403
    );
    assert_eq!(
        code(with(claims(), "roles", serde_json::json!("Claims.Write"))),
        403,
        "roles must be an array"
    );
    assert_eq!(
        code(with(
            claims(),
            "roles",
            serde_json::json!(["Other", "Claims.Write"])
        )),
        200
    );
    // A cached verification still checks roles: the same token stays refused.
    let no_role = sign(&with(claims(), "roles", serde_json::json!([])));
    for _ in 0..2 {
        assert_eq!(
            cfg.authorize(s, &bearer(&no_role))
                .unwrap_err()
                .status()
                .as_u16(),
            403
        );
    }
}
