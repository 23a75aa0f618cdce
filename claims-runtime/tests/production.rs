//! Production mode: every rule is applied at startup whatever the builder call order, debug
//! mode is refused, and authentication failure reasons never reach a response body.

use std::net::TcpListener;

use actix_web::http::header::AUTHORIZATION;
use actix_web::test::{self, TestRequest};
use actix_web::web::{self, Payload};
use actix_web::{HttpRequest, HttpResponse, Route};
use claims_runtime::__private::{Call, Registration, inventory};
use claims_runtime::auth::TlsSettings;
use claims_runtime::{App, AuthSpec, HandlerSpec, SendClaimsIn};

static OPEN: HandlerSpec =
    HandlerSpec::new("REST-Open", "/open", SendClaimsIn::Body).with_auth(AuthSpec::None);

async fn open_glue(req: HttpRequest, payload: Payload) -> HttpResponse {
    match Call::begin(&OPEN, &req, payload).await {
        Ok(_) => HttpResponse::Ok().finish(),
        Err(resp) => resp,
    }
}

fn open_route() -> Route {
    web::route().to(open_glue)
}

inventory::submit! {
    Registration { spec: &OPEN, route: open_route }
}

async fn stop(server: actix_web::dev::Server) {
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    handle.stop(false).await;
    let _ = running.await;
}

/// The startup error of a server that must not start (a server that did start is stopped).
async fn refused(built: std::io::Result<actix_web::dev::Server>) -> String {
    match built {
        Ok(server) => {
            stop(server).await;
            panic!("the server started");
        }
        Err(e) => e.to_string(),
    }
}

fn plain(app: App) -> std::io::Result<actix_web::dev::Server> {
    app.server("127.0.0.1:0").map(|(s, _)| s)
}

fn tls(app: App) -> std::io::Result<actix_web::dev::Server> {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    app.into_tls_server(
        listener,
        TlsSettings::from_pem(cert.pem(), key.serialize_pem()),
    )
}

#[actix_web::test]
async fn debug_is_refused_in_production() {
    for production_first in [true, false] {
        let app = App::empty();
        let app = if production_first {
            app.production(true).debug(true)
        } else {
            app.debug(true).production(true)
        };
        let err = refused(tls(app)).await;
        assert!(err.contains("debug"), "{err}");
        let app = App::empty()
            .debug(true)
            .production(true)
            .auth(|a| a.allow_plain_http = true);
        let err = refused(plain(app)).await;
        assert!(err.contains("debug"), "{err}");
    }
}

#[actix_web::test]
async fn resolving_auth_before_production_still_refuses_none_handlers() {
    for over_tls in [false, true] {
        let mut app = App::empty().handler(&OPEN);
        app.resolve_auth(|_| None).expect("not production yet");
        let app = app.production(true).auth(|a| a.allow_plain_http = true);
        let err = refused(if over_tls { tls(app) } else { plain(app) }).await;
        assert!(
            err.contains("handler REST-Open uses AuthenticationType None"),
            "{err}"
        );
    }
    // allow_insecure is the documented override.
    let mut app = App::empty().handler(&OPEN);
    app.resolve_auth(|_| None).unwrap();
    stop(tls(app.production(true).allow_insecure(true)).expect("allowed")).await;
}

#[actix_web::test]
async fn resolving_auth_before_production_still_refuses_plain_http() {
    let mut app = App::empty();
    app.resolve_auth(|_| None).unwrap();
    let err = refused(plain(app.production(true))).await;
    assert!(err.contains("refuses to serve plain HTTP"), "{err}");
}

#[actix_web::test]
async fn authentication_reasons_never_reach_the_body() {
    static GUARDED: HandlerSpec =
        HandlerSpec::new("REST-Guarded", "/guarded", SendClaimsIn::Body).with_auth(AuthSpec::Basic);
    async fn glue(req: HttpRequest, payload: Payload) -> HttpResponse {
        match Call::begin(&GUARDED, &req, payload).await {
            Ok(_) => HttpResponse::Ok().finish(),
            Err(resp) => resp,
        }
    }
    let creds = claims_runtime::auth::generate_dev_basic_credentials();
    let mut app = App::empty()
        .debug(true)
        .basic_credentials(&creds)
        .configure(|cfg| {
            cfg.route("/guarded", web::post().to(glue));
        });
    app.resolve_auth(|_| None).unwrap();
    let conf = app.into_configurator();
    let svc = test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await;
    for authz in [
        None,
        Some("Basic !!!".to_owned()),
        Some(format!("Basic {}", "YjJjOndyb25n")), // b2c:wrong
        Some("Bearer abc".to_owned()),
    ] {
        let mut req = TestRequest::post().uri("/guarded").set_payload("{}");
        if let Some(a) = &authz {
            req = req.insert_header((AUTHORIZATION, a.as_str()));
        }
        let resp = test::call_service(&svc, req.to_request()).await;
        assert_eq!(resp.status().as_u16(), 401, "{authz:?}");
        let body: serde_json::Value = test::read_body_json(resp).await;
        assert_eq!(body["code"], "unauthorized", "{body}");
        assert!(
            body.get("developerMessage").is_none() && body.get("moreInfo").is_none(),
            "no authentication reason in the body, even in debug mode: {body}"
        );
    }
}

#[cfg(feature = "cli")]
#[actix_web::test]
async fn serve_debug_is_refused_by_the_cli_in_production() {
    for args in [
        vec!["app", "serve", "--debug", "--bind", "127.0.0.1:0"],
        vec!["app", "serve", "--bind", "127.0.0.1:0", "--debug"],
    ] {
        let app = App::empty().production(true);
        let err = app
            .run_with_args(args.iter().map(Into::into))
            .await
            .expect_err("refused")
            .to_string();
        assert!(err.contains("--debug"), "{err}");
        assert!(err.contains("production"), "{err}");
    }
}

#[test]
fn production_switch_reads_like_the_framework() {
    use claims_runtime::auth::production_from;
    for on in ["true", "1", "yes", "on", "TRUE", " On "] {
        assert!(production_from(|_| Some(on.to_owned())), "{on:?}");
    }
    for off in ["", "false", "0", "no", "off", "production"] {
        assert!(!production_from(|_| Some(off.to_owned())), "{off:?}");
    }
    assert!(!production_from(|_| None));
}

/// RFC 9110: every 401 carries `WWW-Authenticate`, for every scheme, whatever the failure.
#[actix_web::test]
async fn every_401_carries_a_challenge() {
    use actix_web::http::header::WWW_AUTHENTICATE;
    static SCHEMES: [HandlerSpec; 3] = [
        HandlerSpec::new("REST-Basic", "/basic", SendClaimsIn::Body).with_auth(AuthSpec::Basic),
        HandlerSpec::new("REST-Bearer", "/bearer", SendClaimsIn::Body).with_auth(AuthSpec::Bearer),
        HandlerSpec::new("REST-Key", "/key", SendClaimsIn::Body)
            .with_auth(AuthSpec::ApiKeyHeader("x-functions-key")),
    ];
    async fn glue(req: HttpRequest, payload: Payload) -> HttpResponse {
        let spec = SCHEMES
            .iter()
            .find(|s| s.path == req.path())
            .expect("a scheme");
        match Call::begin(spec, &req, payload).await {
            Ok(_) => HttpResponse::Ok().finish(),
            Err(resp) => resp,
        }
    }
    let env = |k: &str| {
        let v = match k {
            "CLAIMS_BASIC_USERNAME" => "b2c",
            "CLAIMS_BASIC_PASSWORD" => "basic-secret",
            "CLAIMS_BEARER_TOKEN" => "bearer-secret",
            "CLAIMS_API_KEY" => "key-secret",
            _ => return None,
        };
        Some(v.to_owned())
    };
    for configured in [true, false] {
        let mut app = App::empty().configure(|cfg| {
            for s in &SCHEMES {
                cfg.route(s.path, web::post().to(glue));
            }
        });
        let specs: Vec<&HandlerSpec> = SCHEMES.iter().collect();
        let auth = &mut app.config_mut().auth;
        if configured {
            auth.resolve(specs, env).unwrap();
        } else {
            // No secrets at all (a misconfigured deployment): still 401 with a challenge.
            auth.resolve([], |_| None).unwrap();
        }
        let conf = app.into_configurator();
        let svc = test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await;
        for spec in &SCHEMES {
            for header in [
                None,
                Some(("authorization", "Basic YjJjOndyb25n")),
                Some(("authorization", "Bearer wrong")),
                Some(("x-functions-key", "wrong")),
                Some(("x-functions-key", "")),
            ] {
                let mut req = TestRequest::post().uri(spec.path).set_payload("{}");
                if let Some(h) = header {
                    req = req.insert_header(h);
                }
                let resp = test::call_service(&svc, req.to_request()).await;
                let case = format!(
                    "{} {header:?} configured={configured}",
                    spec.technical_profile
                );
                assert_eq!(resp.status().as_u16(), 401, "{case}");
                let challenge = resp
                    .headers()
                    .get(WWW_AUTHENTICATE)
                    .unwrap_or_else(|| panic!("no WWW-Authenticate: {case}"))
                    .to_str()
                    .unwrap();
                let expected = match spec.auth {
                    AuthSpec::Basic => "Basic ",
                    AuthSpec::Bearer => "Bearer ",
                    _ => r#"ApiKey realm="b2c", header="x-functions-key""#,
                };
                assert!(challenge.starts_with(expected), "{challenge}: {case}");
            }
        }
    }
}
