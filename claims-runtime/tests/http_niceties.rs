//! HTTP niceties of the mounted app: `Allow` on 405, HEAD where GET is served, 415 for a
//! `Content-Encoding` the service does not decode, and a contract body on 404.

use actix_web::http::{Method, StatusCode, header};
use actix_web::test::{self, TestRequest};
use actix_web::web::{self, Payload};
use actix_web::{HttpRequest, HttpResponse, Route};
use claims_runtime::__private::{Call, Registration, inventory};
use claims_runtime::{App, AuthSpec, HandlerSpec, SendClaimsIn};

static ENROL: HandlerSpec = HandlerSpec::new("REST-NicetiesEnrol", "/members", SendClaimsIn::Body)
    .with_auth(AuthSpec::None);
static LOOKUP: HandlerSpec =
    HandlerSpec::new("REST-NicetiesLookup", "/members/{id}", SendClaimsIn::Url)
        .with_auth(AuthSpec::None);

async fn enrol_glue(req: HttpRequest, payload: Payload) -> HttpResponse {
    match Call::begin(&ENROL, &req, payload).await {
        Ok(_) => HttpResponse::Ok().body("enrolled"),
        Err(resp) => resp,
    }
}

async fn lookup_glue(req: HttpRequest, payload: Payload) -> HttpResponse {
    match Call::begin(&LOOKUP, &req, payload).await {
        Ok(_) => HttpResponse::Ok()
            .insert_header(("x-member", "found"))
            .body("member"),
        Err(resp) => resp,
    }
}

fn enrol_route() -> Route {
    web::route().to(enrol_glue)
}

fn lookup_route() -> Route {
    web::route().to(lookup_glue)
}

inventory::submit! {
    Registration { spec: &ENROL, route: enrol_route }
}

inventory::submit! {
    Registration { spec: &LOOKUP, route: lookup_route }
}

async fn service() -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse,
    Error = actix_web::Error,
> {
    let mut app = App::empty().handler(&ENROL).handler(&LOOKUP);
    app.resolve_auth(|_| None).unwrap();
    let conf = app.into_configurator();
    test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await
}

fn assert_contract(body: &[u8], what: &str) {
    let json: serde_json::Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{what}: not a JSON body ({e}): {body:?}"));
    assert!(json["userMessage"].is_string(), "{what}: {json}");
    assert!(json["version"].is_string(), "{what}: {json}");
}

fn allow_of(resp: &actix_web::dev::ServiceResponse) -> Vec<String> {
    let allow = resp
        .headers()
        .get(header::ALLOW)
        .expect("a 405 carries Allow")
        .to_str()
        .unwrap();
    let mut methods: Vec<String> = allow.split(',').map(|m| m.trim().to_owned()).collect();
    methods.sort();
    methods
}

#[actix_web::test]
async fn method_not_allowed_lists_the_methods_of_the_path() {
    let svc = service().await;
    let resp = test::call_service(&svc, TestRequest::get().uri("/members").to_request()).await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(allow_of(&resp), ["POST"]);
    assert_contract(&test::read_body(resp).await, "405");

    let resp =
        test::call_service(&svc, TestRequest::delete().uri("/members/42").to_request()).await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(allow_of(&resp), ["GET", "HEAD"]);
}

#[actix_web::test]
async fn head_is_answered_where_get_is_served() {
    let svc = service().await;
    let get = test::call_service(&svc, TestRequest::get().uri("/members/42").to_request()).await;
    assert_eq!(get.status(), StatusCode::OK);
    let head = test::call_service(
        &svc,
        TestRequest::default()
            .method(Method::HEAD)
            .uri("/members/42")
            .to_request(),
    )
    .await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers().get("x-member").unwrap(), "found");
}

/// On the wire: the same status line and headers as GET (Content-Length included), no body.
#[actix_web::test]
async fn head_on_the_wire_has_no_body() {
    let app = App::empty().handler(&ENROL).handler(&LOOKUP);
    let (server, addrs) = app.server("127.0.0.1:0").unwrap();
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let addr = addrs[0];
    let raw = actix_web::rt::task::spawn_blocking(move || {
        claims_testing::loopback::exchange(
            addr,
            "HEAD /members/42 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
    })
    .await
    .unwrap();
    handle.stop(false).await;
    let _ = running.await;
    let (head, body) = raw.split_once("\r\n\r\n").expect("a full response head");
    assert!(head.starts_with("HTTP/1.1 200"), "{raw}");
    assert!(
        head.to_ascii_lowercase().contains("x-member: found"),
        "{raw}"
    );
    assert!(
        head.to_ascii_lowercase().contains("content-length: 6"),
        "{raw}"
    );
    assert!(body.is_empty(), "HEAD has no body: {raw}");
}

#[actix_web::test]
async fn unknown_content_encoding_is_415_with_the_contract_body() {
    let svc = service().await;
    for encoding in ["gzip", "br", "deflate, gzip"] {
        let resp = test::call_service(
            &svc,
            TestRequest::post()
                .uri("/members")
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .insert_header((header::CONTENT_ENCODING, encoding))
                .set_payload("{}")
                .to_request(),
        )
        .await;
        assert_eq!(
            resp.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{encoding}"
        );
        assert_contract(&test::read_body(resp).await, encoding);
    }
    let resp = test::call_service(
        &svc,
        TestRequest::post()
            .uri("/members")
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .insert_header((header::CONTENT_ENCODING, "identity"))
            .set_payload("{}")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK, "identity is accepted");
}

#[actix_web::test]
async fn unknown_paths_are_404_with_the_contract_body() {
    let svc = service().await;
    for path in ["/members/", "/nothing-here", "/members/42/more"] {
        let resp = test::call_service(&svc, TestRequest::get().uri(path).to_request()).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert_contract(&test::read_body(resp).await, path);
    }
}
