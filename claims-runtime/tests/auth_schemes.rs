//! Basic, ApiKeyHeader and static Bearer guards: the credential matrix, rotation, startup
//! refusal without secrets, production mode, and the 401 reply through `Call::begin`.

use std::collections::HashMap;

use actix_web::http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use actix_web::test::{self, TestRequest};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use claims_runtime::auth::{AuthConfig, generate_dev_basic_credentials};
use claims_runtime::request::Call;
use claims_runtime::{AuthSpec, ClaimsConfig, HandlerSpec, SendClaimsIn};

fn spec(tp: &'static str, auth: AuthSpec) -> &'static HandlerSpec {
    Box::leak(Box::new(
        HandlerSpec::new(tp, "/guarded", SendClaimsIn::Body).with_auth(auth),
    ))
}

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn basic(user: &str, pass: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

/// One optional request header.
type Header = Option<(&'static str, HeaderValue)>;

fn req_with(header: Header) -> HttpRequest {
    let mut r = TestRequest::post().uri("/guarded");
    if let Some((name, value)) = header {
        r = r.insert_header((name, value));
    }
    r.to_http_request()
}

fn authz(v: &str) -> Header {
    Some(("authorization", HeaderValue::from_str(v).unwrap()))
}

/// Status and challenge of the guard's answer (200 for accepted).
fn outcome(cfg: &AuthConfig, spec: &HandlerSpec, req: &HttpRequest) -> (u16, Option<String>) {
    match cfg.authorize(spec, req) {
        Ok(()) => (200, None),
        Err(e) => (e.status().as_u16(), e.challenge().map(str::to_owned)),
    }
}

const BASIC_ENV: &[(&str, &str)] = &[
    ("CLAIMS_BASIC_USERNAME", "b2c"),
    ("CLAIMS_BASIC_PASSWORD", "old-password-1"),
    ("CLAIMS_BASIC_PASSWORD_NEXT", "new-password-22"),
];

#[test]
fn basic_matrix() {
    let s = spec("REST-Basic", AuthSpec::Basic);
    let cfg = AuthConfig::load([s], env(BASIC_ENV)).unwrap();
    let challenge = Some(r#"Basic realm="b2c""#.to_owned());
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let cases: Vec<(&str, Header, u16)> = vec![
        (
            "current secret",
            authz(&basic("b2c", "old-password-1")),
            200,
        ),
        (
            "rotation secret",
            authz(&basic("b2c", "new-password-22")),
            200,
        ),
        (
            "scheme is case-insensitive",
            authz(&basic("b2c", "old-password-1").replace("Basic", "bAsIc")),
            200,
        ),
        ("no credentials", None, 401),
        (
            "wrong password",
            authz(&basic("b2c", "old-password-2")),
            401,
        ),
        (
            "password prefix (length differs)",
            authz(&basic("b2c", "old-password")),
            401,
        ),
        (
            "password plus suffix",
            authz(&basic("b2c", "old-password-1x")),
            401,
        ),
        ("wrong user", authz(&basic("B2C", "old-password-1")), 401),
        (
            "user/password of different pairs mixed",
            authz(&basic("other", "new-password-22")),
            401,
        ),
        ("wrong scheme (Bearer)", authz("Bearer old-password-1"), 401),
        (
            "api key header instead",
            Some(("x-api-key", HeaderValue::from_static("old-password-1"))),
            401,
        ),
        ("bad base64", authz("Basic !!!not-base64!!!"), 401),
        (
            "missing colon",
            authz(&format!("Basic {}", b64(b"b2cold-password-1"))),
            401,
        ),
        ("empty credentials", authz("Basic "), 401),
        ("scheme only", authz("Basic"), 401),
        ("empty header", authz(""), 401),
        ("colon only", authz(&format!("Basic {}", b64(b":"))), 401),
        (
            "non-UTF-8 credentials",
            authz(&format!("Basic {}", b64(b"b2c:\xff\xfe"))),
            401,
        ),
        (
            "non-ASCII header bytes",
            Some((
                "authorization",
                HeaderValue::from_bytes(b"Basic \xe9\xe9").unwrap(),
            )),
            401,
        ),
    ];
    for (name, header, want) in cases {
        let req = req_with(header);
        let (got, ch) = outcome(&cfg, s, &req);
        assert_eq!(got, want, "case {name}");
        if want == 401 {
            assert_eq!(ch, challenge, "challenge for case {name}");
        }
    }
}

#[test]
fn basic_old_secret_rejected_after_removal() {
    let s = spec("REST-Basic", AuthSpec::Basic);
    // Rotation done: the new password became the current one, the old one is gone.
    let cfg = AuthConfig::load(
        [s],
        env(&[
            ("CLAIMS_BASIC_USERNAME", "b2c"),
            ("CLAIMS_BASIC_PASSWORD", "new-password-22"),
        ]),
    )
    .unwrap();
    assert_eq!(
        outcome(&cfg, s, &req_with(authz(&basic("b2c", "new-password-22")))).0,
        200
    );
    assert_eq!(
        outcome(&cfg, s, &req_with(authz(&basic("b2c", "old-password-1")))).0,
        401
    );
}

#[test]
fn basic_secret_from_file() {
    let path = std::env::temp_dir().join(format!("claims-auth-test-pw-{}", std::process::id()));
    std::fs::write(&path, "from-file-secret\n").unwrap();
    let s = spec("REST-Basic", AuthSpec::Basic);
    let p = path.to_string_lossy().into_owned();
    let cfg = AuthConfig::load(
        [s],
        env(&[
            ("CLAIMS_BASIC_USERNAME", "b2c"),
            ("CLAIMS_BASIC_PASSWORD_FILE", &p),
        ]),
    )
    .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        outcome(&cfg, s, &req_with(authz(&basic("b2c", "from-file-secret")))).0,
        200
    );
}

const API_ENV: &[(&str, &str)] = &[
    ("CLAIMS_API_KEY", "key-one"),
    ("CLAIMS_API_KEY_NEXT", "key-two-longer"),
];

#[test]
fn api_key_matrix() {
    let s = spec("REST-Key", AuthSpec::ApiKeyHeader("x-functions-key"));
    let cfg = AuthConfig::load([s], env(API_ENV)).unwrap();
    let h = |v: &'static str| Some(("x-functions-key", HeaderValue::from_static(v)));
    let cases: Vec<(&str, Header, u16)> = vec![
        ("current key", h("key-one"), 200),
        ("rotation key", h("key-two-longer"), 200),
        ("no credentials", None, 401),
        ("wrong key", h("key-two"), 401),
        ("prefix of key", h("key-on"), 401),
        (
            "wrong header name",
            Some(("x-api-key", HeaderValue::from_static("key-one"))),
            401,
        ),
        (
            "wrong scheme (Authorization Bearer)",
            authz("Bearer key-one"),
            401,
        ),
        (
            "wrong scheme (Authorization Basic)",
            authz(&basic("x", "key-one")),
            401,
        ),
        ("empty value", h(""), 401),
        (
            "non-UTF-8 value",
            Some((
                "x-functions-key",
                HeaderValue::from_bytes(b"key-\xff\xfe").unwrap(),
            )),
            401,
        ),
    ];
    for (name, header, want) in cases {
        let (got, ch) = outcome(&cfg, s, &req_with(header));
        assert_eq!(got, want, "case {name}");
        let want = (want == 401).then_some(r#"ApiKey realm="b2c", header="x-functions-key""#);
        assert_eq!(ch.as_deref(), want, "ApiKeyHeader challenge ({name})");
    }
    let twice = TestRequest::post()
        .append_header(("x-functions-key", "key-one"))
        .append_header(("x-functions-key", "key-one"))
        .to_http_request();
    assert_eq!(outcome(&cfg, s, &twice).0, 401, "header sent twice");

    let rotated = AuthConfig::load([s], env(&[("CLAIMS_API_KEY", "key-two-longer")])).unwrap();
    assert_eq!(outcome(&rotated, s, &req_with(h("key-two-longer"))).0, 200);
    assert_eq!(
        outcome(&rotated, s, &req_with(h("key-one"))).0,
        401,
        "old key removed"
    );
}

const BEARER_ENV: &[(&str, &str)] = &[
    ("CLAIMS_BEARER_TOKEN", "static-token-A"),
    ("CLAIMS_BEARER_TOKEN_NEXT", "static-token-B-rotated"),
];

#[test]
fn static_bearer_matrix() {
    let s = spec("REST-Bearer", AuthSpec::Bearer);
    let cfg = AuthConfig::load([s], env(BEARER_ENV)).unwrap();
    let invalid = Some(r#"Bearer realm="b2c", error="invalid_token""#.to_owned());
    let bare = Some(r#"Bearer realm="b2c""#.to_owned());
    let cases: Vec<(&str, Header, u16, Option<String>)> = vec![
        ("current token", authz("Bearer static-token-A"), 200, None),
        (
            "rotation token",
            authz("Bearer static-token-B-rotated"),
            200,
            None,
        ),
        (
            "lower-case scheme",
            authz("bearer static-token-A"),
            200,
            None,
        ),
        ("no credentials", None, 401, bare.clone()),
        (
            "wrong token",
            authz("Bearer static-token-C"),
            401,
            invalid.clone(),
        ),
        (
            "prefix",
            authz("Bearer static-token-"),
            401,
            invalid.clone(),
        ),
        (
            "wrong scheme (Basic)",
            authz(&basic("static-token-A", "x")),
            401,
            bare.clone(),
        ),
        ("scheme only", authz("Bearer"), 401, invalid.clone()),
        ("empty header", authz(""), 401, invalid.clone()),
        (
            "non-ASCII token",
            Some((
                "authorization",
                HeaderValue::from_bytes(b"Bearer \xff").unwrap(),
            )),
            401,
            invalid.clone(),
        ),
        (
            "looks like a JWT",
            authz("Bearer a.b.c"),
            401,
            invalid.clone(),
        ),
    ];
    for (name, header, want, want_ch) in cases {
        let (got, ch) = outcome(&cfg, s, &req_with(header));
        assert_eq!(got, want, "case {name}");
        assert_eq!(ch, want_ch, "challenge for {name}");
    }
    let rotated = AuthConfig::load(
        [s],
        env(&[("CLAIMS_BEARER_TOKEN", "static-token-B-rotated")]),
    )
    .unwrap();
    assert_eq!(
        outcome(
            &rotated,
            s,
            &req_with(authz("Bearer static-token-B-rotated"))
        )
        .0,
        200
    );
    assert_eq!(
        outcome(&rotated, s, &req_with(authz("Bearer static-token-A"))).0,
        401,
        "old token removed"
    );
}

#[test]
fn inherit_uses_the_app_default_and_none_is_open() {
    let inherit = spec("REST-Inherit", AuthSpec::Inherit);
    let mut cfg = AuthConfig {
        default: AuthSpec::ApiKeyHeader("x-api-key"),
        ..AuthConfig::default()
    };
    cfg.resolve([inherit], env(API_ENV)).unwrap();
    let ok = req_with(Some(("x-api-key", HeaderValue::from_static("key-one"))));
    assert_eq!(outcome(&cfg, inherit, &ok).0, 200);
    assert_eq!(outcome(&cfg, inherit, &req_with(None)).0, 401);
    let open = spec("REST-Open", AuthSpec::None);
    assert_eq!(outcome(&cfg, open, &req_with(None)).0, 200);
}

#[test]
fn load_refuses_to_start_without_secrets_and_names_the_variable() {
    let b = spec("REST-X", AuthSpec::Basic);
    let err = AuthConfig::load([b], env(&[("CLAIMS_BASIC_USERNAME", "b2c")])).unwrap_err();
    assert_eq!(
        err.0,
        vec!["handler REST-X uses Basic auth but CLAIMS_BASIC_PASSWORD is not set".to_owned()]
    );

    let k = spec("REST-K", AuthSpec::ApiKeyHeader("x-api-key"));
    let t = spec("REST-T", AuthSpec::Bearer);
    let j = spec("REST-J", AuthSpec::BearerFromClaim("bearerToken"));
    let c = spec("REST-C", AuthSpec::ClientCertificate);
    let err = AuthConfig::load([b, k, t, j, c], env(&[]))
        .unwrap_err()
        .to_string();
    for needle in [
        "handler REST-X uses Basic auth but CLAIMS_BASIC_USERNAME is not set",
        "handler REST-X uses Basic auth but CLAIMS_BASIC_PASSWORD is not set",
        "handler REST-K uses ApiKeyHeader auth (x-api-key) but CLAIMS_API_KEY is not set",
        "handler REST-T uses Bearer auth but neither CLAIMS_BEARER_TOKEN nor CLAIMS_JWT_JWKS is set",
        "handler REST-J uses Bearer auth from the claim bearerToken (a JWT) but CLAIMS_JWT_JWKS is not set",
        "handler REST-C uses ClientCertificate auth but neither CLAIMS_CLIENT_CERT_THUMBPRINTS",
    ] {
        assert!(err.contains(needle), "{needle:?} missing from {err}");
    }

    // JWKS set but issuer missing: the variable is named.
    let err = AuthConfig::load([j], env(&[("CLAIMS_JWT_JWKS", "http://127.0.0.1:9/keys")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("CLAIMS_JWT_ISSUER is not set"), "{err}");

    // A bad thumbprint is named.
    let err = AuthConfig::load([c], env(&[("CLAIMS_CLIENT_CERT_THUMBPRINTS", "xyz")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("CLAIMS_CLIENT_CERT_THUMBPRINTS"), "{err}");

    // An unreadable secret file is named.
    let err = AuthConfig::load(
        [b],
        env(&[
            ("CLAIMS_BASIC_USERNAME", "u"),
            ("CLAIMS_BASIC_PASSWORD_FILE", "/nonexistent/pw"),
        ]),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("/nonexistent/pw"), "{err}");
}

#[test]
fn production_mode_refuses_none_handlers_unless_allowed() {
    use claims_runtime::startup::production_problems;
    let open = spec("REST-Open", AuthSpec::None);
    let config = |pairs: &[(&str, &str)]| ClaimsConfig {
        auth: AuthConfig::load([open], env(pairs)).unwrap(),
        ..ClaimsConfig::default()
    };
    let problems = production_problems(&config(&[("CLAIMS_PRODUCTION", "true")]), &[open], true);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("handler REST-Open uses AuthenticationType None")),
        "{problems:?}"
    );
    let allowed = config(&[
        ("CLAIMS_PRODUCTION", "true"),
        ("CLAIMS_ALLOW_INSECURE", "true"),
    ]);
    assert!(production_problems(&allowed, &[open], true).is_empty());
    assert!(production_problems(&config(&[]), &[open], true).is_empty());
}

#[actix_web::test]
async fn production_mode_refuses_plain_http() {
    let app = claims_runtime::App::empty().production(true);
    let err = app.serve("127.0.0.1:0").await.unwrap_err();
    assert!(
        err.to_string().contains("refuses to serve plain HTTP"),
        "{err}"
    );
}

#[test]
fn dev_credentials_work_with_the_guard() {
    let creds = generate_dev_basic_credentials();
    let s = spec("REST-Basic", AuthSpec::Basic);
    let mut cfg = AuthConfig::default();
    cfg.use_basic_credentials(&creds.username, &creds.password);
    cfg.resolve([s], env(&[])).unwrap();
    let ok = req_with(authz(&creds.authorization_header()));
    assert_eq!(outcome(&cfg, s, &ok).0, 200);
    assert_eq!(
        outcome(&cfg, s, &req_with(authz(&basic(&creds.username, "nope")))).0,
        401
    );
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
async fn rejection_reply_through_call_begin() {
    let s = spec("REST-Basic", AuthSpec::Basic);
    let auth = AuthConfig::load([s], env(BASIC_ENV)).unwrap();
    let config = ClaimsConfig {
        auth,
        ..ClaimsConfig::default()
    };
    let app = test::init_service(
        actix_web::App::new()
            .app_data(web::Data::new(config))
            .app_data(web::Data::new(s))
            .route("/guarded", web::post().to(guarded)),
    )
    .await;

    let resp = test::call_service(
        &app,
        TestRequest::post()
            .uri("/guarded")
            .insert_header((AUTHORIZATION, basic("b2c", "wrong")))
            .set_payload("{}")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(
        resp.headers().get(WWW_AUTHENTICATE).unwrap(),
        r#"Basic realm="b2c""#
    );
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["status"], 409, "contract body: {body}");
    assert_eq!(body["code"], "unauthorized");
    assert!(body["userMessage"].is_string());
    assert!(
        body.get("developerMessage").is_none(),
        "no details outside debug mode"
    );

    let resp = test::call_service(
        &app,
        TestRequest::post()
            .uri("/guarded")
            .insert_header((AUTHORIZATION, basic("b2c", "old-password-1")))
            .insert_header(("content-type", "application/json"))
            .set_payload("{}")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status().as_u16(), 200);
}
