//! Configuration written by the app itself cannot contradict the running app.

use claims_runtime::policy::{PolicyOptions, export};
use claims_runtime::prelude::*;
use claims_runtime::{App, AuthSpec};

#[derive(OutputClaims)]
struct Ok_ {
    #[claim(id = "ok")]
    ok: bool,
}

/// Inherits the app's authentication.
#[claims_handler(path = "/inherits")]
async fn inherits(#[claim] email: String) -> Ok_ {
    Ok_ {
        ok: !email.is_empty(),
    }
}

/// Declares its own.
#[claims_handler(path = "/own-key", auth = ApiKeyHeader("x-api-key"))]
async fn own_key(#[claim] email: String) -> Ok_ {
    Ok_ {
        ok: !email.is_empty(),
    }
}

fn app() -> App {
    App::empty()
        .handler(inherits::SPEC)
        .handler(own_key::SPEC)
        .default_auth(AuthSpec::Basic)
}

fn opts() -> PolicyOptions {
    PolicyOptions {
        base_url: "https://api.contoso.com".into(),
        ..PolicyOptions::default()
    }
}

fn auth_types(xml: &str) -> Vec<&str> {
    xml.match_indices(r#"<Item Key="AuthenticationType">"#)
        .map(|(i, m)| {
            let rest = &xml[i + m.len()..];
            &rest[..rest.find('<').unwrap()]
        })
        .collect()
}

#[test]
fn library_export_from_an_app_with_a_basic_default_writes_basic() {
    let xml = app().policy(opts()).expect("exports");
    assert_eq!(auth_types(&xml), ["Basic", "ApiKeyHeader"], "{xml}");
    assert!(
        xml.contains(r#"<Key Id="BasicAuthenticationUsername""#),
        "{xml}"
    );
    // Whatever the caller put in the options, the app's own default wins.
    let lying = PolicyOptions {
        default_auth: AuthSpec::None,
        ..opts()
    };
    assert_eq!(
        auth_types(&app().policy(lying).unwrap()),
        ["Basic", "ApiKeyHeader"]
    );
}

#[test]
fn export_without_the_app_refuses_to_guess_an_inherited_scheme() {
    let err = export(&app().specs(), &opts()).unwrap_err().to_string();
    assert!(
        err.contains("REST-Inherits inherits the app's authentication"),
        "{err}"
    );
}

#[test]
fn a_production_app_exports_a_production_policy() {
    let xml = app().production(true).policy(opts()).unwrap();
    assert!(xml.contains(r#"DeploymentMode="Production""#), "{xml}");
}
