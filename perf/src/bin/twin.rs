//! The same loyalty look-up written by hand on actix-web: the baseline the generated code is
//! measured against. Same store, same replies, same error body.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use claims_perf::{Store, bind_addr};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Input {
    email: String,
    #[serde(rename = "correlationId")]
    correlation_id: Option<String>,
}

#[derive(Serialize)]
struct Loyalty<'a> {
    #[serde(rename = "loyaltyNumber")]
    number: &'a str,
    tier: &'a str,
    #[serde(rename = "isNew")]
    is_new: bool,
}

#[derive(Serialize)]
struct ErrorBody {
    version: &'static str,
    status: u16,
    #[serde(rename = "userMessage")]
    user_message: String,
    #[serde(rename = "requestId")]
    request_id: String,
}

fn answer(store: &Store, input: Input) -> HttpResponse {
    match store.find(&input.email) {
        Some(m) => HttpResponse::Ok().json(Loyalty {
            number: &m.number,
            tier: m.tier,
            is_new: m.is_new,
        }),
        None => HttpResponse::Conflict().json(ErrorBody {
            version: "1.0.0",
            status: 409,
            user_message: format!("No loyalty membership is linked to {}.", input.email),
            request_id: input.correlation_id.unwrap_or_default(),
        }),
    }
}

async fn body(store: web::Data<Store>, input: web::Json<Input>) -> HttpResponse {
    answer(&store, input.into_inner())
}

async fn form(store: web::Data<Store>, input: web::Form<Input>) -> HttpResponse {
    answer(&store, input.into_inner())
}

async fn query(store: web::Data<Store>, input: web::Query<Input>) -> HttpResponse {
    answer(&store, input.into_inner())
}

async fn header(store: web::Data<Store>, req: HttpRequest) -> HttpResponse {
    let get = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    match get("email") {
        Some(email) => answer(
            &store,
            Input {
                email,
                correlation_id: get("correlationId"),
            },
        ),
        None => HttpResponse::BadRequest().finish(),
    }
}

#[derive(Deserialize)]
struct FullInput {
    email: String,
    locale: Option<String>,
    #[serde(rename = "correlationId")]
    correlation_id: Option<String>,
}

/// What a careful hand-written service does: Basic auth compared in constant time, an e-mail
/// check with `validator`, and a message in the caller's language.
async fn full(
    store: web::Data<Store>,
    req: HttpRequest,
    input: web::Json<FullInput>,
) -> HttpResponse {
    use base64::Engine;
    use subtle::ConstantTimeEq;
    let expected = format!(
        "{}:{}",
        claims_perf::BENCH_USER,
        claims_perf::BENCH_PASSWORD
    );
    let ok = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .is_some_and(|raw| bool::from(raw.ct_eq(expected.as_bytes())));
    if !ok {
        return HttpResponse::Unauthorized()
            .insert_header(("www-authenticate", "Basic realm=\"b2c\""))
            .finish();
    }
    let input = input.into_inner();
    let french = input
        .locale
        .as_deref()
        .is_some_and(|l| l.len() >= 2 && l[..2].eq_ignore_ascii_case("fr"));
    if !validator::ValidateEmail::validate_email(&input.email) {
        let msg = if french {
            format!(
                "Veuillez saisir une adresse e-mail valide pour {}.",
                "email"
            )
        } else {
            format!("Please enter a valid e-mail address for {}.", "email")
        };
        return HttpResponse::Conflict().json(ErrorBody {
            version: "1.0.0",
            status: 409,
            user_message: msg,
            request_id: input.correlation_id.unwrap_or_default(),
        });
    }
    match store.find(&input.email) {
        Some(m) => HttpResponse::Ok().json(Loyalty {
            number: &m.number,
            tier: m.tier,
            is_new: m.is_new,
        }),
        None => HttpResponse::Conflict().json(ErrorBody {
            version: "1.0.0",
            status: 409,
            user_message: if french {
                format!("Aucune carte de fidélité n'est liée à {}.", input.email)
            } else {
                format!("No loyalty membership is linked to {}.", input.email)
            },
            request_id: input.correlation_id.unwrap_or_default(),
        }),
    }
}

fn main() -> std::io::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let store = web::Data::new(Store::default());
        HttpServer::new(move || {
            App::new()
                .app_data(store.clone())
                .route("/body", web::post().to(body))
                .route("/form", web::post().to(form))
                .route("/query", web::get().to(query))
                .route("/header", web::get().to(header))
                .route("/full", web::post().to(full))
                .route(
                    "/healthz",
                    web::get().to(|| async { HttpResponse::Ok().finish() }),
                )
        })
        .workers(1)
        .bind(bind_addr())?
        .run()
        .await
    })
}
