//! Retry safety of `idempotent` handlers, driven through real actix services built with the same
//! glue `#[claims_handler]` emits (no macros), plus the production refusal of unauthenticated
//! idempotent handlers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use actix_web::http::StatusCode;
use actix_web::web::{self, Payload};
use actix_web::{HttpRequest, HttpResponse, test};
use claims_runtime::__private::{Call, Problems};
use claims_runtime::auth::AuthConfig;
use claims_runtime::config::ClaimsConfig;
use claims_runtime::idempotency::{IdempotencyStore, MemoryStore};
use claims_runtime::{
    AuthSpec, ClaimWriter, DataType, HandlerSpec, InputClaimSpec, OutputClaimSpec, OutputClaims,
    SendClaimsIn,
};
use serde_json::{Value, json};

struct Out {
    promo: String,
}

static OUT_CLAIMS: [OutputClaimSpec; 1] =
    [OutputClaimSpec::new("promoCode", DataType::String).with_always_present(true)];

impl OutputClaims for Out {
    const CLAIMS: &'static [OutputClaimSpec] = &OUT_CLAIMS;
    fn write_claims(&self, w: &mut ClaimWriter) {
        w.claim(0, &self.promo);
    }
}

static INPUTS: [InputClaimSpec; 2] = [
    InputClaimSpec::new("loyaltyId", DataType::String).with_required(true),
    InputClaimSpec::new("correlationId", DataType::String).with_resolver("{Context:CorrelationId}"),
];

const fn spec(path: &'static str, deadline_ms: u32) -> HandlerSpec {
    HandlerSpec::new("REST-Idem", path, SendClaimsIn::Body)
        .with_auth(AuthSpec::None)
        .with_inputs(&INPUTS)
        .with_outputs(&OUT_CLAIMS)
        .with_deadline_ms(deadline_ms)
        .idempotent()
}

async fn call_json(
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    req: test::TestRequest,
) -> (StatusCode, Value) {
    let resp = test::call_service(svc, req.to_request()).await;
    let status = resp.status();
    let body = test::read_body(resp).await;
    (status, serde_json::from_slice(&body).expect("JSON body"))
}

fn post(path: &str, id: &str, cid: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri(path)
        .set_json(json!({"loyaltyId": id, "correlationId": cid}))
}

fn config(store: Arc<dyn IdempotencyStore>) -> web::Data<ClaimsConfig> {
    web::Data::new(ClaimsConfig {
        body_limit: 4 * 1024 * 1024,
        idempotency: store,
        ..ClaimsConfig::default()
    })
}

// --- a first attempt that hits its deadline -------------------------------------------------

static SLOW: HandlerSpec = spec("/slow", 1_000);
static SLOW_RUNS: AtomicUsize = AtomicUsize::new(0);
static SLOW_RELEASED: AtomicBool = AtomicBool::new(false);

async fn slow_glue(req: HttpRequest, payload: Payload) -> HttpResponse {
    let call = match Call::begin(&SLOW, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    call.invoke(async move {
        let n = SLOW_RUNS.fetch_add(1, Ordering::SeqCst) + 1;
        // The first attempt is held until the test lets it go (past its deadline).
        while !SLOW_RELEASED.load(Ordering::SeqCst) {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        Ok::<_, claims_runtime::ClaimsError>(Out {
            promo: format!("run-{n}"),
        })
    })
    .await
}

#[actix_web::test]
async fn deadline_hit_first_attempt_is_not_replayed_to_the_retry() {
    let svc = test::init_service(
        actix_web::App::new()
            .app_data(config(Arc::new(MemoryStore::default())))
            .route("/slow", web::post().to(slow_glue)),
    )
    .await;
    let (s, v) = call_json(&svc, post("/slow", "1", "c-slow")).await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "the first attempt answers 'please retry'"
    );
    assert_eq!(v["code"], "deadline-exceeded");

    // B2C retries while the first attempt still runs; it finishes during the retry's wait.
    let (retry, ()) =
        futures_util::future::join(call_json(&svc, post("/slow", "1", "c-slow")), async {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
            SLOW_RELEASED.store(true, Ordering::SeqCst);
        })
        .await;
    assert_eq!(
        retry.0,
        StatusCode::OK,
        "the retry gets the real answer: {}",
        retry.1
    );
    assert_eq!(retry.1["promoCode"], "run-1");
    assert_eq!(SLOW_RUNS.load(Ordering::SeqCst), 1, "side effects ran once");
    // And later retries replay that real answer.
    assert_eq!(call_json(&svc, post("/slow", "1", "c-slow")).await, retry);
    assert_eq!(SLOW_RUNS.load(Ordering::SeqCst), 1);
}

// --- oversized answers ----------------------------------------------------------------------

static BIG: HandlerSpec = spec("/big", 5_000);
static BIG_RUNS: AtomicUsize = AtomicUsize::new(0);

async fn big_glue(req: HttpRequest, payload: Payload) -> HttpResponse {
    let call = match Call::begin(&BIG, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    call.invoke(async move {
        BIG_RUNS.fetch_add(1, Ordering::SeqCst);
        Ok::<_, claims_runtime::ClaimsError>(Out {
            promo: "x".repeat(1024 * 1024),
        })
    })
    .await
}

#[actix_web::test]
async fn oversized_answers_are_not_stored() {
    let svc = test::init_service(
        actix_web::App::new()
            .app_data(config(Arc::new(MemoryStore::default())))
            .route("/big", web::post().to(big_glue)),
    )
    .await;
    for _ in 0..2 {
        let (s, v) = call_json(&svc, post("/big", "1", "c-big")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["promoCode"].as_str().map(str::len), Some(1024 * 1024));
    }
    assert_eq!(
        BIG_RUNS.load(Ordering::SeqCst),
        2,
        "a 1 MiB answer is over the per-answer cap: not kept, so the retry runs again"
    );
}

// --- huge correlation ids -------------------------------------------------------------------

static HUGE: HandlerSpec = spec("/huge", 5_000);

async fn huge_glue(req: HttpRequest, payload: Payload) -> HttpResponse {
    let call = match Call::begin(&HUGE, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut problems = Problems::new();
    let Some(id) = call.claim::<String>(0, &mut problems) else {
        return call.reject(problems);
    };
    call.invoke(async move { Ok::<_, claims_runtime::ClaimsError>(Out { promo: id }) })
        .await
}

#[actix_web::test]
async fn huge_correlation_id_does_not_grow_the_store() {
    let store = Arc::new(MemoryStore::default());
    let svc = test::init_service(
        actix_web::App::new()
            .app_data(config(store.clone()))
            .route("/huge", web::post().to(huge_glue)),
    )
    .await;
    let mut per_answer = None;
    for i in 0..20 {
        let cid = format!("{i}-{}", "c".repeat(1024 * 1024));
        let (s, v) = call_json(&svc, post("/huge", "7", &cid)).await;
        assert_eq!((s, v["promoCode"].as_str()), (StatusCode::OK, Some("7")));
        let held = store.bytes();
        let each = *per_answer.get_or_insert(held);
        assert_eq!(
            held,
            each * (i + 1),
            "every answer costs the same, whatever the size of its correlation id"
        );
    }
    assert_eq!(store.len(), 20);
    assert!(
        store.bytes() < 20 * 1024,
        "20 answers under 1 MiB correlation ids hold {} bytes",
        store.bytes()
    );
}

// --- production ------------------------------------------------------------------------------

static OPEN_IDEMPOTENT: HandlerSpec = spec("/open", 1_000);

#[actix_web::test]
async fn idempotent_without_auth_is_refused_in_production() {
    use claims_runtime::startup::production_problems;
    let problems = |pairs: &'static [&'static str]| {
        let env = |k: &str| pairs.contains(&k).then(|| "true".to_owned());
        let config = claims_runtime::ClaimsConfig {
            auth: AuthConfig::load([&OPEN_IDEMPOTENT], env).unwrap(),
            ..Default::default()
        };
        production_problems(&config, &[&OPEN_IDEMPOTENT], true)
    };
    let text = problems(&["CLAIMS_PRODUCTION"]).join("; ");
    assert!(
        text.contains("handler REST-Idem is idempotent"),
        "the refusal names the idempotent handler and why: {text}"
    );
    // Outside production, or with the explicit override, it starts.
    assert!(problems(&[]).is_empty());
    assert!(problems(&["CLAIMS_PRODUCTION", "CLAIMS_ALLOW_INSECURE"]).is_empty());
}
