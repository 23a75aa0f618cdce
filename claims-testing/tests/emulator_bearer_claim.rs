//! `Bearer(claim = ..)` end to end: B2C sends the token claim only as the `Authorization` header
//! (in every send mode), so the handler's token parameter is read from that header; beside a JSON
//! payload, a claim filling a `{placeholder}` of the route is read from the path. The app checks
//! the token as a JWT (keys generated here, a static JWKS) before the handler runs.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use claims_runtime::auth::StaticJwks;
use claims_runtime::policy::PolicyOptions;
use claims_runtime::prelude::*;
use claims_runtime::{App, AuthSpec, HandlerSpec};
use claims_testing::keys::TestSigningKey;
use claims_testing::{Emulator, claims};

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

fn token(key: &TestSigningKey) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    key.sign(&serde_json::json!({
        "iss": ISS, "aud": AUD, "azp": APP, "ver": "2.0",
        "iat": now, "nbf": now, "exp": now + 600,
    }))
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
    let key = TestSigningKey::generate("k1");
    let jwks = key.jwks();
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
