//! Per-request cost of each authentication guard (`AuthConfig::authorize` on a prepared request)
//! against an unguarded handler.
//!
//! `cargo bench -p claims-runtime --bench auth -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::HttpRequest;
use actix_web::test::TestRequest;
use base64::Engine;
use claims_runtime::auth::{AuthConfig, StaticJwks};
use claims_runtime::{AuthSpec, HandlerSpec, SendClaimsIn};
use claims_testing::keys::TestSigningKey;
use criterion::{Criterion, criterion_group, criterion_main};

fn spec(auth: AuthSpec) -> &'static HandlerSpec {
    Box::leak(Box::new(
        HandlerSpec::new("REST-Bench", "/bench", SendClaimsIn::Body)
            .with_display_name("bench")
            .with_auth(auth)
            .with_inputs(&[])
            .with_outputs(&[])
            .with_rust_fn("bench", "bench"),
    ))
}

fn req(name: &str, value: &str) -> HttpRequest {
    TestRequest::post()
        .insert_header((name, value))
        .to_http_request()
}

fn bench(c: &mut Criterion) {
    // RS256 key and its JWKS.
    let sk = TestSigningKey::generate("k1");
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(sk.jwks()).unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("k1".into());
    let token = jsonwebtoken::encode(
        &header,
        &serde_json::json!({"iss": "iss", "aud": "aud", "azp": "app", "exp": now + 3600, "nbf": now - 10}),
        sk.encoding_key(),
    )
    .unwrap();

    let none = spec(AuthSpec::None);
    let basic = spec(AuthSpec::Basic);
    let key = spec(AuthSpec::ApiKeyHeader("x-api-key"));
    let bearer = spec(AuthSpec::Bearer);
    let jwt = spec(AuthSpec::BearerFromClaim("bearerToken"));

    let mut static_cfg = AuthConfig::default();
    static_cfg
        .resolve([none, basic, key, bearer], |k| {
            match k {
                "CLAIMS_BASIC_USERNAME" => Some("b2c"),
                "CLAIMS_BASIC_PASSWORD" => Some("a-long-enough-password-1"),
                "CLAIMS_BASIC_PASSWORD_NEXT" => Some("a-long-enough-password-2"),
                "CLAIMS_API_KEY" => Some("api-key-0123456789"),
                "CLAIMS_API_KEY_NEXT" => Some("api-key-9876543210"),
                "CLAIMS_BEARER_TOKEN" => Some("static-token-0123456789"),
                "CLAIMS_BEARER_TOKEN_NEXT" => Some("static-token-9876543210"),
                _ => None,
            }
            .map(str::to_owned)
        })
        .unwrap();
    let mut jwt_cfg = AuthConfig {
        jwks: Some(Arc::new(StaticJwks(jwks))),
        ..AuthConfig::default()
    };
    let jwt_env = |k: &str| {
        match k {
            "CLAIMS_JWT_ISSUER" => Some("iss"),
            "CLAIMS_JWT_AUDIENCE" => Some("aud"),
            "CLAIMS_JWT_ALLOWED_APP_IDS" => Some("app"),
            _ => None,
        }
        .map(str::to_owned)
    };
    jwt_cfg.resolve([jwt], jwt_env).unwrap();

    let basic_ok = req(
        "authorization",
        &format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("b2c:a-long-enough-password-2")
        ),
    );
    let key_ok = req("x-api-key", "api-key-9876543210");
    let bearer_ok = req("authorization", "Bearer static-token-9876543210");
    let jwt_ok = req("authorization", &format!("Bearer {token}"));
    let plain = TestRequest::post().to_http_request();
    assert!(static_cfg.authorize(basic, &basic_ok).is_ok());
    assert!(static_cfg.authorize(key, &key_ok).is_ok());
    assert!(static_cfg.authorize(bearer, &bearer_ok).is_ok());
    assert!(jwt_cfg.authorize(jwt, &jwt_ok).is_ok());

    let mut g = c.benchmark_group("guard");
    g.bench_function("unguarded", |b| {
        b.iter(|| static_cfg.authorize(black_box(none), black_box(&plain)))
    });
    g.bench_function("basic", |b| {
        b.iter(|| static_cfg.authorize(black_box(basic), black_box(&basic_ok)))
    });
    g.bench_function("api_key", |b| {
        b.iter(|| static_cfg.authorize(black_box(key), black_box(&key_ok)))
    });
    g.bench_function("bearer_static", |b| {
        b.iter(|| static_cfg.authorize(black_box(bearer), black_box(&bearer_ok)))
    });
    g.bench_function("jwt_rs256_cached_token", |b| {
        b.iter(|| jwt_cfg.authorize(black_box(jwt), black_box(&jwt_ok)))
    });
    // First sight: tokens never seen by this validator (a fresh configuration per batch, built
    // outside the timing), so every check verifies the RS256 signature.
    let fresh_tokens: Vec<HttpRequest> = (0..64)
        .map(|i| {
            let t = jsonwebtoken::encode(
                &header,
                &serde_json::json!({"iss": "iss", "aud": "aud", "azp": "app", "exp": now + 3600, "nbf": now - 10, "jti": i}),
                sk.encoding_key(),
            )
            .unwrap();
            req("authorization", &format!("Bearer {t}"))
        })
        .collect();
    let fresh_cfg = || {
        let mut c = AuthConfig {
            jwks: jwt_cfg.jwks.clone(),
            ..AuthConfig::default()
        };
        c.resolve([jwt], jwt_env).unwrap();
        c
    };
    g.bench_function("jwt_rs256_first_sight", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let cfg = fresh_cfg();
                let n = left.min(fresh_tokens.len() as u64) as usize;
                let start = std::time::Instant::now();
                for r in &fresh_tokens[..n] {
                    assert!(cfg.authorize(black_box(jwt), black_box(r)).is_ok());
                }
                total += start.elapsed();
                left -= n as u64;
            }
            total
        })
    });
    let basic_bad = req("authorization", "Basic YjJjOndyb25n");
    g.bench_function("basic_rejected", |b| {
        b.iter(|| {
            static_cfg
                .authorize(black_box(basic), black_box(&basic_bad))
                .is_err()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
