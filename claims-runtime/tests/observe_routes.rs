//! The access log and metrics of a path several handlers share (one per method), of HEAD, of
//! the 405 and 404 answers, and of repeated 200s and 409s: each line and series names the
//! route the request reached. Written before the access log moved from every route to every
//! resource, to keep its behaviour.

use actix_web::test as at;
use claims_runtime::prelude::*;
use serde_json::Value;

#[derive(OutputClaims)]
struct Found {
    #[claim(id = "loyaltyNumber")]
    number: String,
}

/// POST at the shared path: 200, or the 409 for `unknown@contoso.com`.
#[claims_handler(path = "/routes/member", send_claims_in = Body, auth = None)]
async fn routes_post(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Found, ClaimsError> {
    if email == "unknown@contoso.com" {
        Err(ClaimsError::user("member-not-found"))
    } else {
        Ok(Found { number: "1".into() })
    }
}

/// GET (and HEAD) at the same path.
#[claims_handler(path = "/routes/member", send_claims_in = QueryString, auth = None)]
async fn routes_get(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Found, ClaimsError> {
    let _ = email;
    Ok(Found { number: "2".into() })
}

/// Idempotent: its handler runs in a task of its own, whose notes still reach the line.
#[claims_handler(path = "/routes/idem", send_claims_in = Body, auth = None, idempotent = true)]
async fn routes_idem(
    #[claim] email: String,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Found, ClaimsError> {
    let _ = email;
    Err(ClaimsError::user("member-not-found"))
}

use claims_testing::logs::capture as capture_logs;

fn access_lines() -> Vec<Value> {
    claims_testing::logs::captured()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["target"] == "claims::access")
        .collect()
}

#[actix_web::test]
async fn each_method_of_a_shared_path_is_logged_and_counted_as_its_own_route() {
    capture_logs();
    let conf = App::empty()
        .handler(routes_get::SPEC)
        .handler(routes_post::SPEC)
        .messages("en", "member-not-found = No membership.")
        .into_configurator();
    let svc = at::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await;
    let post = |email: &str, cid: &str| {
        at::TestRequest::post()
            .uri("/routes/member")
            .insert_header(("content-type", "application/json"))
            .set_payload(format!(r#"{{"email":"{email}","correlationId":"{cid}"}}"#))
            .to_request()
    };
    for (email, cid, status) in [
        ("a@contoso.com", "r-1", 200),
        ("unknown@contoso.com", "r-2", 409),
        ("b@contoso.com", "r-3", 200),
        ("unknown@contoso.com", "r-4", 409),
    ] {
        let res = at::call_service(&svc, post(email, cid)).await;
        assert_eq!(res.status(), status, "{cid}");
    }
    let get = at::TestRequest::get()
        .uri("/routes/member?email=c%40contoso.com&correlationId=r-5")
        .to_request();
    assert_eq!(at::call_service(&svc, get).await.status(), 200);
    let head = at::TestRequest::default()
        .method(actix_web::http::Method::HEAD)
        .uri("/routes/member?email=c%40contoso.com&correlationId=r-6")
        .to_request();
    assert_eq!(at::call_service(&svc, head).await.status(), 200);
    let delete = at::TestRequest::delete().uri("/routes/member").to_request();
    let res = at::call_service(&svc, delete).await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers().get("allow").unwrap(), "GET, HEAD, POST");
    let missing = at::TestRequest::get().uri("/routes/nothing").to_request();
    assert_eq!(at::call_service(&svc, missing).await.status(), 404);

    let lines = access_lines();
    let by_cid = |cid: &str| {
        lines
            .iter()
            .find(|l| l["correlation_id"] == cid)
            .unwrap_or_else(|| panic!("no line for {cid}: {lines:?}"))
            .clone()
    };
    for (cid, method, profile, status, outcome) in [
        ("r-1", "POST", "REST-RoutesPost", 200, "ok"),
        ("r-2", "POST", "REST-RoutesPost", 409, "user_error"),
        ("r-5", "GET", "REST-RoutesGet", 200, "ok"),
        ("r-6", "HEAD", "REST-RoutesGet", 200, "ok"),
    ] {
        let l = by_cid(cid);
        assert_eq!(l["method"], method, "{l}");
        assert_eq!(l["path"], "/routes/member", "{l}");
        assert_eq!(l["technical_profile"], profile, "{l}");
        assert_eq!(l["status"], status, "{l}");
        assert_eq!(l["outcome"], outcome, "{l}");
        assert_eq!(l["level"], "INFO", "{l}");
    }
    assert_eq!(by_cid("r-2")["reason"], "user error member-not-found");
    let not_allowed: Vec<&Value> = lines.iter().filter(|l| l["status"] == 405).collect();
    assert_eq!(not_allowed.len(), 1, "{lines:?}");
    assert_eq!(not_allowed[0]["method"], "DELETE");
    assert_eq!(not_allowed[0]["path"], "/routes/member");
    assert_eq!(not_allowed[0]["technical_profile"], "REST-RoutesGet");
    assert_eq!(not_allowed[0]["outcome"], "not_found");
    let missing: Vec<&Value> = lines.iter().filter(|l| l["status"] == 404).collect();
    assert_eq!(missing.len(), 1, "{lines:?}");
    assert_eq!(missing[0]["path"], "/routes/nothing");
    assert!(
        missing[0].get("technical_profile").is_none(),
        "{}",
        missing[0]
    );

    let text = conf.render_metrics();
    for series in [
        r#"claims_requests_total{technical_profile="REST-RoutesPost",status="200",outcome="ok"} 2"#,
        r#"claims_requests_total{technical_profile="REST-RoutesPost",status="409",outcome="user_error"} 2"#,
        r#"claims_requests_total{technical_profile="REST-RoutesGet",status="200",outcome="ok"} 2"#,
        r#"claims_requests_total{technical_profile="REST-RoutesGet",status="405",outcome="not_found"} 1"#,
        r#"claims_requests_total{technical_profile="none",status="404",outcome="not_found"} 1"#,
        r#"claims_request_duration_seconds_count{technical_profile="REST-RoutesPost"} 4"#,
        r#"claims_request_duration_seconds_count{technical_profile="REST-RoutesGet"} 3"#,
    ] {
        assert!(text.contains(series), "{series} missing:\n{text}");
    }
}

#[actix_web::test]
async fn the_user_error_of_a_handler_in_its_own_task_is_in_the_line() {
    capture_logs();
    let conf = App::empty()
        .handler(routes_idem::SPEC)
        .messages("en", "member-not-found = No membership.")
        .into_configurator();
    let svc = at::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await;
    let req = at::TestRequest::post()
        .uri("/routes/idem")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"email":"a@contoso.com","correlationId":"idem-1"}"#)
        .to_request();
    assert_eq!(at::call_service(&svc, req).await.status(), 409);
    let line = access_lines()
        .into_iter()
        .find(|l| l["technical_profile"] == "REST-RoutesIdem")
        .expect("an access line");
    assert_eq!(line["outcome"], "user_error", "{line}");
    assert_eq!(line["reason"], "user error member-not-found", "{line}");
    assert_eq!(line["correlation_id"], "idem-1", "{line}");
}
