//! Codec micro-benchmarks: decoding each send mode, encoding outputs, rendering a 409.
//! Each group prints the framework path next to a hand-written serde equivalent.

use std::borrow::Cow;
use std::hint::black_box;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use claims_runtime::codec::{Slot, Source, piece_str, scan_json, scan_urlencoded};
use claims_runtime::error::ids;
use claims_runtime::l10n::LocaleHint;
use claims_runtime::output::ClaimWriter;
use claims_runtime::request::render_body;
use claims_runtime::{ClaimType, ClaimsConfig, ClaimsError, DataType, OutputClaimSpec, RawClaim};
use criterion::{Criterion, criterion_group, criterion_main};

const WIRES: [&str; 3] = ["email", "age", "correlationId"];
const JSON: &[u8] = br#"{"email":"member42@contoso.com","age":"42","correlationId":"00000000-0000-0000-0000-000000000042","extra":[1,2,3]}"#;
const FORM: &[u8] =
    b"email=member42%40contoso.com&age=42&correlationId=00000000-0000-0000-0000-000000000042";

fn decode_json(body: &[u8]) -> (String, i32, String) {
    let slots = scan_json(body, &WIRES).unwrap();
    let get = |i: usize| match &slots[i] {
        Slot::Json(r) => RawClaim::Json(std::str::from_utf8(&body[r.clone()]).unwrap()),
        _ => unreachable!(),
    };
    (
        String::decode(&get(0)).unwrap(),
        i32::decode(&get(1)).unwrap(),
        String::decode(&get(2)).unwrap(),
    )
}

fn decode_form(body: &[u8]) -> (String, i32, String) {
    let slots = scan_urlencoded(body, Source::Body, &WIRES).unwrap();
    let get = |i: usize| match &slots[i] {
        Slot::Text(p) => RawClaim::Text(Cow::Borrowed(piece_str(body, p))),
        _ => unreachable!(),
    };
    (
        String::decode(&get(0)).unwrap(),
        i32::decode(&get(1)).unwrap(),
        String::decode(&get(2)).unwrap(),
    )
}

fn decode_headers(h: &HeaderMap) -> (String, i32, String) {
    let get = |name: &str| RawClaim::Text(Cow::Borrowed(h.get(name).unwrap().to_str().unwrap()));
    (
        String::decode(&get("email")).unwrap(),
        i32::decode(&get("age")).unwrap(),
        String::decode(&get("correlationId")).unwrap(),
    )
}

// Fields are only written by the deserializer: decoding them is what is measured.
#[allow(dead_code)]
#[derive(serde::Deserialize)]
struct Handwritten {
    email: String,
    #[serde(deserialize_with = "lenient_i32")]
    age: i32,
    #[serde(rename = "correlationId")]
    correlation_id: String,
}

fn lenient_i32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum N<'a> {
        I(i32),
        S(&'a str),
    }
    match <N<'_> as serde::Deserialize>::deserialize(d)? {
        N::I(i) => Ok(i),
        N::S(s) => s.parse().map_err(serde::de::Error::custom),
    }
}

fn decoding(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    g.bench_function("body (framework)", |b| {
        b.iter(|| decode_json(black_box(JSON)))
    });
    g.bench_function("body (hand-written serde)", |b| {
        b.iter(|| serde_json::from_slice::<Handwritten>(black_box(JSON)).unwrap())
    });
    g.bench_function("form and query string (framework)", |b| {
        b.iter(|| decode_form(black_box(FORM)))
    });
    let mut headers = HeaderMap::new();
    for (k, v) in [
        ("email", "member42@contoso.com"),
        ("age", "42"),
        ("correlationid", "00000000-0000-0000-0000-000000000042"),
    ] {
        headers.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
    }
    g.bench_function("headers (framework)", |b| {
        b.iter(|| decode_headers(black_box(&headers)))
    });
    g.finish();
}

const fn out(id: &'static str, partner: Option<&'static str>, dt: DataType) -> OutputClaimSpec {
    match partner {
        Some(p) => OutputClaimSpec::new(id, dt).with_partner(p),
        None => OutputClaimSpec::new(id, dt),
    }
}

static FLAT: [OutputClaimSpec; 3] = [
    out("loyaltyNumber", None, DataType::String),
    out("loyaltyTier", Some("tier"), DataType::String),
    out("isNewMember", Some("isNew"), DataType::Boolean),
];
static NESTED: [OutputClaimSpec; 3] = [
    out("loyaltyNumber", None, DataType::String),
    out(
        "loyaltyTier",
        Some("membership.tier.name"),
        DataType::String,
    ),
    out("isNewMember", Some("membership.isNew"), DataType::Boolean),
];

#[derive(serde::Serialize)]
struct HandOut<'a> {
    #[serde(rename = "loyaltyNumber")]
    number: &'a str,
    tier: &'a str,
    #[serde(rename = "isNew")]
    is_new: bool,
}

fn encoding(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    let (number, tier) = ("10000042".to_owned(), "gold".to_owned());
    for (name, specs) in [
        ("flat (framework)", &FLAT),
        ("nested path (framework)", &NESTED),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut w = ClaimWriter::new(specs);
                w.claim(0, black_box(&number));
                w.claim(1, black_box(&tier));
                w.claim(2, black_box(&true));
                w.finish()
            })
        });
    }
    g.bench_function("flat (hand-written serde)", |b| {
        b.iter(|| {
            serde_json::to_vec(&HandOut {
                number: black_box(&number),
                tier: black_box(&tier),
                is_new: true,
            })
            .unwrap()
        })
    });
    g.finish();
}

fn rendering(c: &mut Criterion) {
    let mut g = c.benchmark_group("render 409");
    let mut config = ClaimsConfig::default();
    config
        .localizer
        .add_messages(
            "en",
            "member-not-found = No loyalty membership is linked to { $email }.",
        )
        .unwrap();
    config
        .localizer
        .add_messages(
            "fr",
            "member-not-found = Aucune carte de fidélité n'est liée à { $email }.",
        )
        .unwrap();
    let hint = LocaleHint {
        rfc5646: Some("fr-FR"),
        ..LocaleHint::default()
    };
    g.bench_function("business error, localized (framework)", |b| {
        b.iter(|| {
            let err = ClaimsError::user("member-not-found").arg("email", "nobody@contoso.com");
            let body = render_body(&config, black_box(&hint), &err, "corr-1".to_owned());
            serde_json::to_vec(&body).unwrap()
        })
    });
    g.bench_function("missing claim, localized (framework)", |b| {
        b.iter(|| {
            let err = ClaimsError::bad_request(ids::CLAIM_MISSING).arg("claim", "email");
            let body = render_body(&config, black_box(&hint), &err, "corr-1".to_owned());
            serde_json::to_vec(&body).unwrap()
        })
    });
    g.bench_function("business error (hand-written format!)", |b| {
        b.iter(|| {
            serde_json::to_vec(&serde_json::json!({
                "version": "1.0.0",
                "status": 409,
                "userMessage": format!("Aucune carte de fidélité n'est liée à {}.", black_box("nobody@contoso.com")),
                "requestId": "corr-1",
            }))
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, decoding, encoding, rendering);
criterion_main!(benches);
