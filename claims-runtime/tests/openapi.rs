//! The app's OpenAPI document: served at `GET /openapi.json` (on by default, switchable off),
//! written by `App::openapi` and the `openapi` subcommand, from the app's own settings.

use actix_web::http::{Method, StatusCode, header};
use actix_web::test::{self, TestRequest};
use actix_web::web::{self, Payload};
use actix_web::{HttpRequest, HttpResponse, Route};
use claims_runtime::__private::{Call, Registration, inventory};
use claims_runtime::openapi::OpenApiOptions;
use claims_runtime::{App, AuthSpec, DataType, HandlerSpec, InputClaimSpec, SendClaimsIn};
use serde_json::Value;

static INPUTS: [InputClaimSpec; 1] =
    [InputClaimSpec::new("email", DataType::String).with_partner("emailAddress")];

// Inherits the app's authentication: the document must say what the app enforces.
static CHECK: HandlerSpec =
    HandlerSpec::new("REST-OpenApiCheck", "/check", SendClaimsIn::Body).with_inputs(&INPUTS);

static CLASH: HandlerSpec =
    HandlerSpec::new("REST-OpenApiClash", "/openapi.json", SendClaimsIn::Header)
        .with_auth(AuthSpec::None);

async fn glue(req: HttpRequest, payload: Payload) -> HttpResponse {
    match Call::begin(&CHECK, &req, payload).await {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({})),
        Err(resp) => resp,
    }
}

fn route() -> Route {
    web::route().to(glue)
}

inventory::submit! {
    Registration { spec: &CHECK, route }
}

inventory::submit! {
    Registration { spec: &CLASH, route }
}

fn app() -> App {
    App::empty()
        .handler(&CHECK)
        .default_auth(AuthSpec::Basic)
        .version("3.2.1")
}

async fn get(app: App, method: Method) -> (StatusCode, Option<String>, Vec<u8>) {
    let mut app = app;
    app.resolve_auth(|k| {
        (k == "CLAIMS_BASIC_USERNAME" || k == "CLAIMS_BASIC_PASSWORD").then(|| "x".to_owned())
    })
    .unwrap();
    let conf = app.into_configurator();
    let svc = test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await;
    let resp = test::call_service(
        &svc,
        TestRequest::default()
            .method(method)
            .uri("/openapi.json")
            .to_request(),
    )
    .await;
    let status = resp.status();
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned());
    (status, ct, test::read_body(resp).await.to_vec())
}

#[actix_web::test]
async fn served_by_default_from_the_apps_settings() {
    let (status, ct, body) = get(app(), Method::GET).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct.as_deref(), Some("application/json"));
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["version"], "3.2.1", "the app's version");
    let op = &doc["paths"]["/check"]["post"];
    assert_eq!(op["operationId"], "REST-OpenApiCheck");
    assert_eq!(
        op["security"],
        serde_json::json!([{"basicAuth": []}]),
        "the app's default scheme"
    );
    assert!(
        doc["paths"].get("/openapi.json").is_none(),
        "the document describes the handlers only"
    );
    // The same text as App::openapi_json; App::openapi takes the options as given.
    let text = app().openapi_json().unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), doc);
    let text = app().openapi(OpenApiOptions::default()).unwrap();
    let given: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(given["info"]["version"], OpenApiOptions::default().version);
    assert_eq!(given["paths"], doc["paths"]);
}

#[actix_web::test]
async fn head_answers_and_other_methods_are_405() {
    let (status, ct, _) = get(app(), Method::HEAD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct.as_deref(), Some("application/json"));
    let (status, _, body) = get(app(), Method::POST).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let err: Value = serde_json::from_slice(&body).unwrap();
    assert!(err["userMessage"].is_string(), "the contract error body");
}

#[actix_web::test]
async fn switched_off_it_is_not_served() {
    let (status, _, _) = get(app().openapi_endpoint(false), Method::GET).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Still available in code (and to the `openapi` subcommand).
    assert!(
        app()
            .openapi_endpoint(false)
            .openapi(OpenApiOptions::default())
            .is_ok()
    );
}

#[test]
fn options_set_the_title_and_servers() {
    let app = app().openapi_options(OpenApiOptions {
        title: "Loyalty API".to_owned(),
        description: Some("Claims for the sign-up journey.".to_owned()),
        ..OpenApiOptions::default()
    });
    let doc: Value = serde_json::from_str(&app.openapi_json().unwrap()).unwrap();
    assert_eq!(doc["info"]["title"], "Loyalty API");
    assert_eq!(
        doc["info"]["description"],
        "Claims for the sign-up journey."
    );
    assert_eq!(doc["info"]["version"], "3.2.1");
}

#[test]
fn a_handler_on_the_document_path_is_refused_while_it_is_served() {
    let clash = || App::empty().handler(&CHECK).handler(&CLASH);
    let err = clash().validate().unwrap_err().to_string();
    assert!(
        err.contains("REST-OpenApiClash") && err.contains("/openapi.json"),
        "{err}"
    );
    assert!(
        err.contains("openapi_endpoint(false)"),
        "says how to free it: {err}"
    );
    clash().openapi_endpoint(false).validate().unwrap();
}

#[test]
fn a_document_that_cannot_be_written_is_a_startup_problem() {
    let app = App::empty().handler(&CHECK).default_auth(AuthSpec::Inherit);
    let err = app.validate().unwrap_err().to_string();
    assert!(err.contains("REST-OpenApiCheck"), "{err}");
    App::empty()
        .handler(&CHECK)
        .default_auth(AuthSpec::Inherit)
        .openapi_endpoint(false)
        .validate()
        .unwrap();
}

/// `App::server` checks the document at start and writes it when first asked for: the text
/// `openapi_json` writes, the same on every request; a document it cannot write stops it before
/// it listens.
#[actix_web::test]
async fn the_server_serves_the_document_it_checked() {
    let mut expected = app();
    expected
        .resolve_auth(|k| {
            (k == "CLAIMS_BASIC_USERNAME" || k == "CLAIMS_BASIC_PASSWORD").then(|| "x".to_owned())
        })
        .unwrap();
    let expected = expected.openapi_json().unwrap();
    // SAFETY: no other test of this binary reads or writes these variables.
    unsafe {
        std::env::set_var("CLAIMS_BASIC_USERNAME", "x");
        std::env::set_var("CLAIMS_BASIC_PASSWORD", "x");
    }
    let (server, addrs) = app().server("127.0.0.1:0").unwrap();
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let addr = addrs[0];
    let raws = actix_web::rt::task::spawn_blocking(move || {
        (0..2)
            .map(|_| {
                claims_testing::loopback::exchange(
                    addr,
                    "GET /openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                )
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    handle.stop(false).await;
    let _ = running.await;
    for raw in &raws {
        let (head, body) = raw.split_once("\r\n\r\n").expect("a full response head");
        assert!(head.starts_with("HTTP/1.1 200"), "{raw}");
        assert_eq!(body, expected);
    }

    let refused = App::empty()
        .handler(&CHECK)
        .default_auth(AuthSpec::Inherit)
        .server("127.0.0.1:0")
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("OpenAPI document") && refused.contains("REST-OpenApiCheck"),
        "{refused}"
    );
}

#[cfg(feature = "cli")]
#[actix_web::test]
async fn the_openapi_subcommand_writes_the_file_with_the_base_url() {
    let dir = std::env::temp_dir().join(format!("claims-openapi-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("openapi.json");
    app()
        .openapi_endpoint(false)
        .run_with_args(
            [
                "loyalty",
                "openapi",
                "--out",
                out.to_str().unwrap(),
                "--base-url",
                "https://api.contoso.com",
            ]
            .map(std::ffi::OsString::from),
        )
        .await
        .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["servers"],
        serde_json::json!([{"url": "https://api.contoso.com"}])
    );
    assert_eq!(doc["info"]["version"], "3.2.1");
    assert_eq!(
        doc["paths"]["/check"]["post"]["operationId"],
        "REST-OpenApiCheck"
    );
}

#[cfg(feature = "cli")]
#[actix_web::test]
async fn the_openapi_subcommand_names_a_file_it_cannot_write() {
    let err = app()
        .run_with_args(
            [
                "loyalty",
                "openapi",
                "--out",
                "/nonexistent-dir/x/openapi.json",
            ]
            .map(std::ffi::OsString::from),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent-dir/x/openapi.json"), "{err}");
}
