//! The realistic service written by hand on actix-web with serde extractors, as a careful
//! hand-writer would: the baseline of `real_generated`. Same members, replies and error body.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use claims_perf::bind_addr;
use claims_perf::real::{Members, display_name};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Input {
    email: String,
    #[serde(rename = "firstName")]
    first_name: Option<String>,
    #[serde(rename = "lastName")]
    last_name: Option<String>,
    culture: Option<String>,
}

#[derive(Serialize)]
struct Greeting<'a> {
    #[serde(rename = "displayName")]
    display_name: String,
    #[serde(rename = "loyaltyNumber")]
    number: &'a str,
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

#[derive(Clone, Copy)]
enum Lang {
    En,
    Fr,
    De,
    Es,
}

/// `{Culture:LCID}` as B2C sends it: a Windows LCID; unknown ones fall back to English.
fn lang(lcid: Option<&str>) -> Lang {
    match lcid.map(str::trim) {
        Some("1036" | "3084" | "2060" | "4108") => Lang::Fr,
        Some("1031" | "3079" | "2055") => Lang::De,
        Some("3082" | "1034" | "2058") => Lang::Es,
        _ => Lang::En,
    }
}

fn not_found(lang: Lang, email: &str) -> String {
    match lang {
        Lang::En => format!("No loyalty membership is linked to {email}."),
        Lang::Fr => format!("Aucune carte de fidélité n'est liée à {email}."),
        Lang::De => format!("Mit {email} ist keine Kundenkarte verknüpft."),
        Lang::Es => format!("No hay ninguna tarjeta de fidelidad vinculada a {email}."),
    }
}

fn answer(members: &Members, input: Input) -> HttpResponse {
    match members.find(&input.email) {
        Some(number) => HttpResponse::Ok().json(Greeting {
            display_name: display_name(
                input.first_name.as_deref(),
                input.last_name.as_deref(),
                number,
            ),
            number,
        }),
        None => HttpResponse::Conflict().json(ErrorBody {
            version: "1.0.0",
            status: 409,
            user_message: not_found(lang(input.culture.as_deref()), &input.email),
            request_id: uuid::Uuid::new_v4().to_string(),
        }),
    }
}

async fn body(members: web::Data<Members>, input: web::Json<Input>) -> HttpResponse {
    answer(&members, input.into_inner())
}

async fn form(members: web::Data<Members>, input: web::Form<Input>) -> HttpResponse {
    answer(&members, input.into_inner())
}

async fn query(members: web::Data<Members>, input: web::Query<Input>) -> HttpResponse {
    answer(&members, input.into_inner())
}

async fn header(members: web::Data<Members>, req: HttpRequest) -> HttpResponse {
    let get = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    match get("email") {
        Some(email) => answer(
            &members,
            Input {
                email,
                first_name: get("firstName"),
                last_name: get("lastName"),
                culture: get("culture"),
            },
        ),
        None => HttpResponse::BadRequest().finish(),
    }
}

fn main() -> std::io::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let members = web::Data::new(Members::default());
        HttpServer::new(move || {
            App::new()
                .app_data(members.clone())
                .route("/real/body", web::post().to(body))
                .route("/real/form", web::post().to(form))
                .route("/real/query", web::get().to(query))
                .route("/real/header", web::get().to(header))
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
