//! One required/optional decision per claim, read by the descriptor, the exported policy, the
//! runtime and the emulator alike.

use actix_web::test::{TestRequest, call_service, init_service, read_body};
use claims_runtime::policy::{PolicyOptions, export};
use claims_runtime::prelude::*;
use claims_runtime::{App, AuthSpec};
use claims_testing::claims;
use claims_testing::{Emulator, OutcomeKind, ResolverContext};

#[derive(OutputClaims)]
struct Hint {
    #[claim(id = "hintSeen")]
    hint_seen: String,
}

/// Echoes the login hint B2C resolved (it may resolve to nothing).
#[claims_handler(path = "/hint", auth = None)]
async fn echo_hint(#[claim(resolver = "{OIDC:LoginHint}")] login_hint: String) -> Hint {
    Hint {
        hint_seen: login_hint,
    }
}

fn app() -> App {
    App::empty().handler(echo_hint::SPEC)
}

fn policy() -> String {
    export(
        &app().specs(),
        &PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            default_auth: AuthSpec::None,
            ..PolicyOptions::default()
        },
    )
    .expect("exports")
}

#[test]
fn a_resolver_on_a_string_is_optional_in_the_spec_and_the_policy() {
    let input = &echo_hint::SPEC.inputs[0];
    assert!(!input.required, "a resolver may resolve to nothing");
    let xml = policy();
    let line = xml
        .lines()
        .find(|l| l.contains("<InputClaim ") && l.contains("loginHint"))
        .expect("the input claim is exported");
    assert!(
        line.contains(r#"DefaultValue="{OIDC:LoginHint}""#),
        "{line}"
    );
    assert!(!line.contains("Required"), "{line}");
}

#[actix_web::test]
async fn the_runtime_accepts_the_claim_absent_as_the_spec_says() {
    let svc =
        init_service(actix_web::App::new().configure(|c| app().into_configurator().configure(c)))
            .await;
    let req = TestRequest::post()
        .uri("/hint")
        .insert_header(("content-type", "application/json"))
        .set_payload("{}")
        .to_request();
    let resp = call_service(&svc, req).await;
    let status = resp.status();
    let body = read_body(resp).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(&body[..], br#"{"hintSeen":""}"#);
}

#[actix_web::test]
async fn the_emulator_agrees_with_and_without_a_login_hint() {
    let emu = Emulator::from_policy(&policy())
        .expect("parses")
        .in_process(app())
        .await;
    let none = emu.call("REST-EchoHint", claims! {}).await;
    assert_eq!(none.kind, OutcomeKind::Success, "{none}\n{}", none.trace);
    assert_eq!(none.claim("hintSeen").as_deref(), Some(""));

    let ctx = ResolverContext::new().oidc("LoginHint", "emily@contoso.com");
    let some = emu.call_with("REST-EchoHint", claims! {}, &ctx).await;
    assert_eq!(some.kind, OutcomeKind::Success, "{some}\n{}", some.trace);
    assert_eq!(some.claim("hintSeen").as_deref(), Some("emily@contoso.com"));
}
