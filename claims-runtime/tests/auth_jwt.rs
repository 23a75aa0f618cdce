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
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::rand_core::{CryptoRng, RngCore};
use rsa::traits::PublicKeyParts;

const ISS: &str = "https://login.microsoftonline.com/tenant-id/v2.0";
const AUD: &str = "api://claims-service";
const APP: &str = "b2c-app-id";

/// rand_core 0.6 RNG over ring's system RNG (for RSA key generation).
struct SysRng;
impl RngCore for SysRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        use ring::rand::SecureRandom;
        ring::rand::SystemRandom::new().fill(dest).unwrap();
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for SysRng {}

struct TestKey {
    kid: &'static str,
    enc: EncodingKey,
    jwk: serde_json::Value,
}

fn gen_key(kid: &'static str) -> TestKey {
    let sk = rsa::RsaPrivateKey::new(&mut SysRng, 2048).unwrap();
    let der = sk.to_pkcs1_der().unwrap();
    let b64 = |b: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    TestKey {
        kid,
        enc: EncodingKey::from_rsa_der(der.as_bytes()),
        jwk: serde_json::json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": b64(sk.n().to_bytes_be()), "e": b64(sk.e().to_bytes_be()),
        }),
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
    Box::leak(Box::new(HandlerSpec {
        auth,
        ..HandlerSpec::new(tp, "/guarded", SendClaimsIn::Body)
    }))
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
