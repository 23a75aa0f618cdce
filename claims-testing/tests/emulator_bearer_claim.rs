//! `Bearer(claim = ..)` end to end: B2C sends the token claim only as the `Authorization` header
//! (in every send mode), so the handler's token parameter is read from that header; beside a JSON
//! payload, a claim filling a `{placeholder}` of the route is read from the path. The app checks
//! the token as a JWT (keys generated here, a static JWKS) before the handler runs.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use claims_runtime::auth::StaticJwks;
use claims_runtime::policy::PolicyOptions;
use claims_runtime::prelude::*;
use claims_runtime::{App, AuthSpec, HandlerSpec};
use claims_testing::{Emulator, claims};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::rand_core::{CryptoRng, RngCore};
use rsa::traits::PublicKeyParts;

const ISS: &str = "https://login.microsoftonline.com/tenant-id/v2.0";
const AUD: &str = "api://claims-service";
const APP: &str = "b2c-app-id";

#[derive(OutputClaims)]
struct Seen {
    #[claim(id = "seen")]
    seen: String,
}

/// Body mode: the token is not in the body.
#[claims_handler(path = "/body", auth = Bearer(claim = "apiToken"))]
async fn in_body(#[claim] email: String, #[claim] api_token: String) -> Seen {
    Seen {
        seen: format!("{email} {}", api_token.len()),
    }
}

/// Url mode: the token is not in the URL.
#[claims_handler(path = "/url/{memberId}", send_claims_in = Url, auth = Bearer(claim = "apiToken"))]
async fn in_url(#[claim] member_id: String, #[claim] api_token: String) -> Seen {
    Seen {
        seen: format!("{member_id} {}", api_token.len()),
    }
}

#[derive(ClaimsPayload)]
#[claims_payload(claim = "bearerBody")]
struct BearerBody {
    #[claim(path = "customer.email")]
    email: String,
}

/// Payload mode: the token and a route placeholder beside the payload.
#[claims_handler(path = "/payload/{objectId}", auth = Bearer(claim = "apiToken"))]
async fn in_payload(
    #[claim(payload)] body: BearerBody,
    #[claim] api_token: String,
    #[claim] object_id: String,
) -> Seen {
    Seen {
        seen: format!("{} {} {object_id}", body.email, api_token.len()),
    }
}

const SPECS: [&HandlerSpec; 3] = [in_body::SPEC, in_url::SPEC, in_payload::SPEC];

/// rand_core 0.6 RNG over ring's system RNG (RSA key generation).
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

/// A signing key and the JWKS that verifies it.
fn key() -> (EncodingKey, serde_json::Value) {
    let sk = rsa::RsaPrivateKey::new(&mut SysRng, 2048).unwrap();
    let der = sk.to_pkcs1_der().unwrap();
    let b64 = |b: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let jwks = serde_json::json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "k1",
        "n": b64(sk.n().to_bytes_be()), "e": b64(sk.e().to_bytes_be()),
    }]});
    (EncodingKey::from_rsa_der(der.as_bytes()), jwks)
}

fn token(key: &EncodingKey) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = serde_json::json!({
        "iss": ISS, "aud": AUD, "azp": APP, "ver": "2.0",
        "iat": now, "nbf": now, "exp": now + 600,
    });
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some("k1".into());
    jsonwebtoken::encode(&h, &claims, key).unwrap()
}

fn app(jwks: &serde_json::Value) -> App {
    let set = serde_json::from_value(jwks.clone()).unwrap();
    let mut app = App::empty().auth(|a| {
        a.jwt.issuers = vec![ISS.to_owned()];
        a.jwt.audiences = vec![AUD.to_owned()];
        a.jwt.allowed_app_ids = vec![APP.to_owned()];
        a.jwks = Some(Arc::new(StaticJwks(set)));
    });
    for s in SPECS {
        app = app.handler(s);
    }
    app
}

#[actix_web::test]
async fn the_handler_reads_the_bearer_claim_from_the_authorization_header() {
    let (key, jwks) = key();
    let xml = claims_runtime::policy::export(
        &SPECS,
        &PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            default_auth: AuthSpec::None,
            ..PolicyOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let emu = Emulator::from_policy(&xml)
        .unwrap()
        .in_process(app(&jwks))
        .await;
    let token = token(&key);
    let n = token.len();
    let cases = [
        (
            "REST-InBody",
            claims! {"apiToken" => token.as_str(), "email" => "a@contoso.com"},
            format!("a@contoso.com {n}"),
        ),
        (
            "REST-InUrl",
            claims! {"apiToken" => token.as_str(), "memberId" => "42"},
            format!("42 {n}"),
        ),
        (
            "REST-InPayload",
            claims! {"apiToken" => token.as_str(), "email" => "a@contoso.com", "objectId" => "42"},
            format!("a@contoso.com {n} 42"),
        ),
    ];
    for (tp, bag, seen) in cases {
        let o = emu.call(tp, bag).await;
        assert!(o.is_success(), "{tp}: {o}\n{}", o.trace);
        assert_eq!(o.claim("seen"), Some(seen), "{tp}");
    }
}
