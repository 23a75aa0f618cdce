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
