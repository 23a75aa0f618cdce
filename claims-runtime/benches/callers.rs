//! The per-request cost of the Entra envelope against the B2C path, for the same handler, in
//! process: the whole request (routing, guard, body, decoding, handler, reply) on the B2C
//! technical-profile route, the API connector route and the Entra AttributeCollectionSubmit
//! route; then the decoding and encoding alone. Ends by printing the ratios to the B2C path.

use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::test;
use claims_runtime::auth::jwt::StaticJwks;
use claims_runtime::callers::entra::{EntraReply, EntraRequest};
use claims_runtime::codec::{Slot, scan_json};
use claims_runtime::output::ClaimWriter;
use claims_runtime::prelude::*;
use claims_runtime::{ApiConnectorStep, EntraEvent, OutputClaimSpec, RawClaim};
use claims_testing::api_connector::ApiConnectorEmulator;
use claims_testing::entra::{EntraEmulator, EntraInput};
use criterion::{Criterion, criterion_group, criterion_main};

#[derive(OutputClaims)]
struct Checked {
    #[claim(id = "displayName")]
    display_name: String,
}

/// The measured handler: three input claims, one output.
#[claims_handler(
    path = "/check",
    auth = Basic,
    callers(
        b2c,
        api_connector(step = PostAttributeCollection),
        entra(event = AttributeCollectionSubmit)
    )
)]
async fn check(
    #[claim] email: String,
    #[claim(id = "givenName")] given_name: String,
    #[claim(id = "loyaltyNumber")] loyalty_number: Option<String>,
) -> Checked {
    Checked {
        display_name: format!(
            "{given_name} {email} {}",
            loyalty_number.unwrap_or_default()
        ),
    }
}

const APP_ID: &str = "0e4d7a35-6a0f-4b1e-9d5c-8f2b1c3d4e5f";
const B2C_BODY: &str =
    r#"{"email":"ann@example.com","givenName":"Ann","loyaltyNumber":"10000001"}"#;

/// The three requests, ready to send again and again.
struct Requests {
    b2c: (String, Vec<(String, String)>, Vec<u8>),
    connector: (String, Vec<(String, String)>, Vec<u8>),
    entra: (String, Vec<(String, String)>, Vec<u8>),
}

fn setup() -> (claims_runtime::Configurator, Requests) {
    let app = App::empty().handler(check::SPEC);
    let connectors = app
        .api_connectors_document("https://bench.example", None)
        .unwrap();
    let entra_doc = app
        .entra_document("https://bench.example", APP_ID, None)
        .unwrap();
    let emu = EntraEmulator::from_graph(&entra_doc, EntraEvent::AttributeCollectionSubmit).unwrap();
    let jwks = serde_json::from_value(emu.jwks()).unwrap();
    let mut app = app.jwks_source(Arc::new(StaticJwks(jwks)));
    let issuer = format!("https://login.microsoftonline.com/{}/v2.0", emu.tenant_id());
    app.resolve_auth(|k| match k {
        "CLAIMS_BASIC_USERNAME" => Some("b2c".into()),
        "CLAIMS_BASIC_PASSWORD" => Some("s3cret".into()),
        "CLAIMS_JWT_ISSUER" => Some(issuer.clone()),
        "CLAIMS_JWT_AUDIENCE" => Some(APP_ID.into()),
        _ => None,
    })
    .unwrap();
    let basic = (
        "Authorization".to_owned(),
        "Basic YjJjOnMzY3JldA==".to_owned(),
    );
    let json = ("Content-Type".to_owned(), "application/json".to_owned());
    let c =
        ApiConnectorEmulator::from_graph(&connectors, ApiConnectorStep::PostAttributeCollection)
            .unwrap()
            .with_basic("b2c", "s3cret")
            .request(&serde_json::json!({
                "email": "ann@example.com", "givenName": "Ann",
                "extension_0123456789abcdef0123456789abcdef_loyaltyNumber": "10000001"
            }));
    let (e, _) = emu.request(
        &EntraInput::new()
            .attribute("email", Some("ann@example.com"))
            .attribute("givenName", Some("Ann"))
            .attribute(
                "extension_0123456789abcdef0123456789abcdef_loyaltyNumber",
                Some("10000001"),
            ),
    );
    let path = |url: &str| url.split_once(".example").unwrap().1.to_owned();
    let requests = Requests {
        b2c: (
            "/check".into(),
            vec![basic, json],
            B2C_BODY.as_bytes().to_vec(),
        ),
        connector: (path(&c.url), c.headers, c.body),
        entra: (path(&e.url), e.headers, e.body),
    };
    (app.into_configurator(), requests)
}

fn request(r: &(String, Vec<(String, String)>, Vec<u8>)) -> actix_http::Request {
    let mut t = test::TestRequest::post().uri(&r.0).set_payload(r.2.clone());
    for h in &r.1 {
        t = t.insert_header((h.0.as_str(), h.1.as_str()));
    }
    t.to_request()
}

/// Decodes the B2C body as the pipeline does: one scan, then each claim.
fn b2c_decode(body: &[u8]) -> usize {
    let slots = scan_json(body, &["email", "givenName", "loyaltyNumber"]).unwrap();
    slots
        .iter()
        .map(|s| match s {
            Slot::Json(r) => String::decode(&RawClaim::Json(
                std::str::from_utf8(&body[r.clone()]).unwrap(),
            ))
            .unwrap()
            .len(),
            _ => 0,
        })
        .sum()
}

/// Decodes the Entra envelope and finds the same three attributes.
fn entra_decode(body: &[u8]) -> usize {
    let r = EntraRequest::from_slice(body).unwrap();
    let s = r.sign_up.as_ref().unwrap();
    ["email", "givenName", "loyaltyNumber"]
        .iter()
        .map(|n| s.value(n).map_or(0, |v| v.to_text().len()))
        .sum()
}

static OUT: [OutputClaimSpec; 1] = [OutputClaimSpec::new(
    "displayName",
    claims_runtime::DataType::String,
)];

fn b2c_encode() -> Vec<u8> {
    let mut w = ClaimWriter::new(&OUT);
    w.claim(0, &"Ann ann@example.com 10000001".to_owned());
    w.finish()
}

fn entra_encode(req: &EntraRequest) -> Vec<u8> {
    let mut v = std::collections::BTreeMap::new();
    v.insert(
        "displayName".to_owned(),
        "Ann ann@example.com 10000001".into(),
    );
    EntraReply::ModifyAttributeValues(v)
        .encode(req, None)
        .unwrap()
        .body_bytes()
}

fn bench(c: &mut Criterion) {
    let sys = actix_web::rt::System::new();
    let (conf, reqs) = setup();
    let svc = sys.block_on(async {
        Rc::new(test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await)
    });
    // Every route answers 200 before anything is measured.
    for r in [&reqs.b2c, &reqs.connector, &reqs.entra] {
        let resp = sys.block_on(test::call_service(&*svc, request(r)));
        assert_eq!(resp.status(), 200, "{}", r.0);
    }
    let mut g = c.benchmark_group("request");
    for (name, r) in [
        ("b2c", &reqs.b2c),
        ("api_connector", &reqs.connector),
        ("entra", &reqs.entra),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| sys.block_on(test::call_service(&*svc, request(r))).status())
        });
    }
    g.finish();
    let entra_req = EntraRequest::from_slice(&reqs.entra.2).unwrap();
    let mut g = c.benchmark_group("codec");
    g.bench_function("b2c_decode", |b| {
        b.iter(|| b2c_decode(black_box(B2C_BODY.as_bytes())))
    });
    g.bench_function("entra_decode", |b| {
        b.iter(|| entra_decode(black_box(&reqs.entra.2)))
    });
    g.bench_function("b2c_encode", |b| b.iter(b2c_encode));
    g.bench_function("entra_encode", |b| {
        b.iter(|| entra_encode(black_box(&entra_req)))
    });
    g.finish();

    // The ratios, from plain timed loops (criterion keeps its estimates to itself).
    let time = |f: &mut dyn FnMut()| {
        for _ in 0..500 {
            f();
        }
        let n = 5_000;
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        start.elapsed() / n
    };
    let per = |r: &(String, Vec<(String, String)>, Vec<u8>)| -> Duration {
        time(&mut || {
            black_box(sys.block_on(test::call_service(&*svc, request(r))).status());
        })
    };
    let b2c = per(&reqs.b2c);
    let connector = per(&reqs.connector);
    let entra = per(&reqs.entra);
    let dec_b2c = time(&mut || {
        black_box(b2c_decode(B2C_BODY.as_bytes()));
    });
    let dec_entra = time(&mut || {
        black_box(entra_decode(&reqs.entra.2));
    });
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "per request: b2c {b2c:?}, api connector {connector:?} ({:.2}x), entra {entra:?} ({:.2}x the B2C path)",
        ratio(connector, b2c),
        ratio(entra, b2c)
    );
    println!(
        "decoding alone: b2c {dec_b2c:?}, entra envelope {dec_entra:?} ({:.2}x)",
        ratio(dec_entra, dec_b2c)
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
