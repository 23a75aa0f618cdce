//! Behaviour of the macros that is not visible in the descriptor alone.

use actix_web::test::{TestRequest, call_service, init_service, read_body_json};
use claims_runtime::prelude::*;
use claims_runtime::{App, AuthSpec};

#[derive(OutputClaims)]
struct Greeting {
    #[claim(id = "greeting", partner = "reply.text")]
    text: String,
    #[claim(partner = "reply.length")]
    length: i32,
}

fn no_admin(s: &str) -> Result<(), claims_runtime::ValidationError> {
    if s == "admin" {
        Err(claims_runtime::ValidationError::new("validation-custom"))
    } else {
        Ok(())
    }
}

/// Greets a user.
#[claims_handler(path = "/greet", auth = None)]
async fn greet(
    #[claim(partner = "givenName")]
    #[validate(length(min = 2, max = 20), custom(function = no_admin))]
    name: String,
    #[claim]
    #[validate(email)]
    email: Option<String>,
    #[claim(default = "1")] times: Option<i32>,
    prefix: Data<String>,
) -> Result<Greeting, ClaimsError> {
    let text = format!(
        "{}{}{}",
        prefix.as_str(),
        name.repeat(times.unwrap_or(1) as usize),
        email.map(|e| format!(" <{e}>")).unwrap_or_default()
    );
    Ok(Greeting {
        length: text.len() as i32,
        text,
    })
}

/// Url mode.
#[claims_handler(send_claims_in = Url, path = "/members/{memberId}?lang={lang}", auth = None)]
fn member(#[claim] member_id: i64, #[claim] lang: Option<String>) -> Greeting {
    let text = format!("{member_id}/{}", lang.unwrap_or_default());
    Greeting {
        length: text.len() as i32,
        text,
    }
}

/// Header mode.
#[claims_handler(send_claims_in = Header, auth = None)]
fn header_echo(#[claim(partner = "x-user")] user: String) -> Greeting {
    Greeting {
        length: user.len() as i32,
        text: user,
    }
}

#[derive(ClaimsPayload)]
struct Order {
    #[claim(path = "order.items.0.sku")]
    first_sku: String,
    #[claim(path = "order.items.1.sku")]
    second_sku: Option<String>,
    #[claim(path = "order.count")]
    count: i32,
}

/// Payload mode.
#[claims_handler(auth = None)]
async fn place_order(#[claim(payload)] order: Order) -> Greeting {
    let text = format!(
        "{}+{}x{}",
        order.first_sku,
        order.second_sku.unwrap_or_default(),
        order.count
    );
    Greeting {
        length: text.len() as i32,
        text,
    }
}

/// Extractors beside a claim: the request, app data, and a body extractor (the claims took the
/// body, so it sees none).
#[claims_handler(path = "/extractors", auth = None)]
async fn extractors(
    #[claim] name: String,
    req: actix_web::HttpRequest,
    prefix: Data<String>,
    rest: actix_web::web::Bytes,
) -> Greeting {
    let text = format!("{}{name} {} {}", prefix.as_str(), req.path(), rest.len());
    Greeting {
        length: text.len() as i32,
        text,
    }
}

/// An extractor that fails: app data nobody configured.
#[claims_handler(path = "/unconfigured", auth = None)]
async fn unconfigured(#[claim] name: String, _missing: Data<u64>) -> Greeting {
    Greeting {
        length: name.len() as i32,
        text: name,
    }
}

macro_rules! service {
    () => {{
        let conf = App::empty()
            .handler(extractors::SPEC)
            .handler(unconfigured::SPEC)
            .handler(greet::SPEC)
            .handler(member::SPEC)
            .handler(header_echo::SPEC)
            .handler(place_order::SPEC)
            .default_auth(AuthSpec::None)
            .app_data(Data::new(String::from("Hi ")))
            .into_configurator();
        init_service(actix_web::App::new().configure(|c| conf.configure(c))).await
    }};
}

#[actix_web::test]
async fn body_round_trip_with_validation() {
    let app = service!();
    let ok = TestRequest::post()
        .uri("/greet")
        .set_json(serde_json::json!({"givenName": "Bo", "email": "bo@x.io", "times": "2"}))
        .to_request();
    let res = call_service(&app, ok).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = read_body_json(res).await;
    assert_eq!(
        body,
        serde_json::json!({"reply": {"text": "Hi BoBo <bo@x.io>", "length": 17}})
    );

    // Missing required claim: 400.
    let missing = TestRequest::post()
        .uri("/greet")
        .set_json(serde_json::json!({}))
        .to_request();
    assert_eq!(call_service(&app, missing).await.status(), 400);

    // Rule failures: 409.
    for bad in [
        serde_json::json!({"givenName": "B"}),
        serde_json::json!({"givenName": "Bob", "email": "nope"}),
        serde_json::json!({"givenName": "admin"}),
    ] {
        let req = TestRequest::post()
            .uri("/greet")
            .set_json(&bad)
            .to_request();
        assert_eq!(call_service(&app, req).await.status(), 409, "{bad}");
    }
}

#[actix_web::test]
async fn url_header_and_payload_modes() {
    let app = service!();
    let res = call_service(
        &app,
        TestRequest::get().uri("/members/42?lang=fr").to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = read_body_json(res).await;
    assert_eq!(body["reply"]["text"], "42/fr");

    let res = call_service(&app, TestRequest::get().uri("/members/x").to_request()).await;
    assert_eq!(res.status(), 400);

    let req = TestRequest::get()
        .uri("/header-echo")
        .insert_header(("x-user", "ann"))
        .to_request();
    let body: serde_json::Value = read_body_json(call_service(&app, req).await).await;
    assert_eq!(body["reply"]["text"], "ann");

    let req = TestRequest::post()
        .uri("/place-order")
        .set_json(serde_json::json!({"order": {"items": [{"sku": "A"}, {"sku": "B"}], "count": 3}}))
        .to_request();
    let res = call_service(&app, req).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = read_body_json(res).await;
    assert_eq!(body["reply"]["text"], "A+Bx3");

    let req = TestRequest::post()
        .uri("/place-order")
        .set_json(serde_json::json!({"order": {"items": []}}))
        .to_request();
    assert_eq!(call_service(&app, req).await.status(), 400);
}

#[actix_web::test]
async fn extractors_beside_claims() {
    let app = service!();
    let req = TestRequest::post()
        .uri("/extractors")
        .set_json(serde_json::json!({"name": "Ann"}))
        .to_request();
    let res = call_service(&app, req).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = read_body_json(res).await;
    assert_eq!(body["reply"]["text"], "Hi Ann /extractors 0");

    // A failing extractor answers as actix does (500 for unconfigured app data), before the
    // claims are read: a body without the claim is not refused with 400.
    let req = TestRequest::post()
        .uri("/unconfigured")
        .set_json(serde_json::json!({}))
        .to_request();
    assert_eq!(call_service(&app, req).await.status(), 500);
}
