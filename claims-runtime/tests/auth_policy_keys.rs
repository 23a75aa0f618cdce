//! The exported `AuthenticationType` and `CryptographicKeys` match the guard that protects each
//! handler of the every-feature fixture: the policy cannot promise one scheme while the service
//! enforces another.

mod policy_fixtures;

use actix_web::test::TestRequest;
use base64::Engine;
use claims_runtime::auth::AuthConfig;
use claims_runtime::policy::{export, parse};
use claims_runtime::{AuthSpec, HandlerSpec};
use policy_fixtures::*;

fn expected_keys(auth: AuthSpec) -> Vec<String> {
    match auth {
        AuthSpec::Basic => vec![
            "BasicAuthenticationUsername".into(),
            "BasicAuthenticationPassword".into(),
        ],
        AuthSpec::Bearer => vec!["BearerAuthenticationToken".into()],
        AuthSpec::ApiKeyHeader(h) => vec![h.to_owned()],
        AuthSpec::ClientCertificate => vec!["ClientCertificate".into()],
        AuthSpec::None | AuthSpec::BearerFromClaim(_) | AuthSpec::Inherit => vec![],
    }
}

#[test]
fn exported_keys_match_the_guard_of_every_handler() {
    let specs: Vec<&'static HandlerSpec> = kitchen_sink();
    let opts = kitchen_options();
    let jwks = std::env::temp_dir().join(format!("claims-empty-jwks-{}.json", std::process::id()));
    std::fs::write(&jwks, r#"{"keys":[]}"#).unwrap();
    let jwks_path = jwks.display().to_string();
    let mut config = AuthConfig {
        default: opts.default_auth,
        ..AuthConfig::default()
    };
    config
        .resolve(specs.iter().copied(), |k| match k {
            "CLAIMS_BASIC_USERNAME" => Some("user".into()),
            "CLAIMS_BASIC_PASSWORD" => Some("pass".into()),
            "CLAIMS_API_KEY" => Some("the-api-key".into()),
            "CLAIMS_BEARER_TOKEN" => Some("the-token".into()),
            "CLAIMS_CLIENT_CERT_THUMBPRINTS" => Some("ab".repeat(32)),
            "CLAIMS_JWT_JWKS" => Some(jwks_path.clone()),
            "CLAIMS_JWT_ISSUER" => Some("https://issuer.example".into()),
            "CLAIMS_JWT_AUDIENCE" => Some("api://claims".into()),
            _ => None,
        })
        .expect("every guarded handler has its secret");
    let xml = export(&specs, &opts).expect("export");
    let policy = parse::read_policy(&xml).unwrap();

    for spec in &specs {
        let guard = config.effective(spec);
        let profile = policy
            .profile(spec.technical_profile)
            .expect("profile exported");
        assert_eq!(
            profile.metadata("AuthenticationType"),
            guard.authentication_type(),
            "{}: the XML and the guard disagree",
            spec.technical_profile
        );
        let key_ids: Vec<String> = profile.keys.iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(key_ids, expected_keys(guard), "{}", spec.technical_profile);
        if let AuthSpec::BearerFromClaim(claim) = guard {
            assert_eq!(profile.metadata("UseClaimAsBearerToken"), Some(claim));
        }

        // The guard really enforces it: nothing sent is refused unless the scheme is None …
        let bare = TestRequest::post().uri(spec.path).to_http_request();
        assert_eq!(
            config.authorize(spec, &bare).is_ok(),
            guard == AuthSpec::None,
            "{}: {guard:?} without credentials",
            spec.technical_profile
        );
        // … and what the exported keys stand for is accepted.
        let with = match guard {
            AuthSpec::Basic => Some((
                "authorization".to_owned(),
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode("user:pass")
                ),
            )),
            AuthSpec::ApiKeyHeader(h) => Some((h.to_owned(), "the-api-key".to_owned())),
            AuthSpec::Bearer => Some(("authorization".to_owned(), "Bearer the-token".to_owned())),
            _ => None,
        };
        if let Some((name, value)) = with {
            let req = TestRequest::post()
                .uri(spec.path)
                .insert_header((name.as_str(), value.as_str()))
                .to_http_request();
            assert!(
                config.authorize(spec, &req).is_ok(),
                "{}: right credentials refused",
                spec.technical_profile
            );
        }
    }
    let _ = std::fs::remove_file(&jwks);
}
