//! Graph registration documents: API connectors and Entra extensions from a handler descriptor.

use claims_core::callers::{ApiConnectorStep, EntraEvent};
use claims_core::spec::{DataType, HandlerSpec, OutputClaimSpec, SendClaimsIn};
use claims_export::graph::{
    ApiConnectorAuth, ApiConnectorBinding, Binding, EntraBinding, graph_document, render,
};
use serde_json::{Value, json};

const APP: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const URL: &str = "https://auth.example.com:8443/membership?x=1";

static OUTPUTS: [OutputClaimSpec; 2] = [
    OutputClaimSpec::new("loyaltyNumber", DataType::String),
    OutputClaimSpec::new("isNewMember", DataType::Boolean).with_partner("isNew"),
];

fn spec() -> HandlerSpec {
    HandlerSpec::new("REST-GetMembership", "/membership", SendClaimsIn::Body)
        .with_display_name("Get membership")
        .with_outputs(&OUTPUTS)
}

fn entra(event: EntraEvent) -> EntraBinding {
    EntraBinding::new(event, URL, APP)
}

fn doc(spec: &HandlerSpec, b: impl Into<Binding>) -> Value {
    graph_document(spec, &[b.into()]).unwrap()
}

#[test]
fn api_connector_documents() {
    let d = doc(
        &spec(),
        ApiConnectorBinding::new(ApiConnectorStep::PostAttributeCollection, URL)
            .with_user_flow("B2C_1_signup"),
    );
    let c = &d["apiConnectors"][0];
    assert_eq!(c["step"], "PostAttributeCollection");
    assert_eq!(c["timeoutMs"], 5000);
    assert_eq!(
        c["apiConnector"],
        json!({"method": "POST", "url": "https://graph.microsoft.com/v1.0/identity/apiConnectors",
            "body": {"displayName": "Get membership", "targetUrl": URL,
                "authenticationConfiguration": {"@odata.type": "#microsoft.graph.basicAuthentication",
                    "username": "{{apiConnectorUsername}}", "password": "{{apiConnectorPassword}}"}}})
    );
    assert_eq!(
        c["userFlowAttachment"],
        json!({"method": "PUT",
            "url": "https://graph.microsoft.com/beta/identity/b2cUserFlows/B2C_1_signup/apiConnectorConfiguration/postAttributeCollection/$ref",
            "body": {"@odata.id": "https://graph.microsoft.com/v1.0/identity/apiConnectors/{{apiConnectorId}}"}})
    );
    let cert = doc(
        &spec(),
        ApiConnectorBinding::new(ApiConnectorStep::PostFederationSignup, URL)
            .with_auth(ApiConnectorAuth::ClientCertificate),
    );
    let c = &cert["apiConnectors"][0];
    assert_eq!(
        c["apiConnector"]["body"]["authenticationConfiguration"]["@odata.type"],
        "#microsoft.graph.pkcs12Certificate"
    );
    assert!(
        c["userFlowAttachment"]["url"]
            .as_str()
            .unwrap()
            .contains("/{{userFlowId}}/apiConnectorConfiguration/postFederationSignup/")
    );
}

#[test]
fn token_issuance_start_documents() {
    let d = doc(
        &spec().with_deadline_ms(700),
        entra(EntraEvent::TokenIssuanceStart).with_client_app("client-1"),
    );
    assert_eq!(
        d["handler"],
        json!({"technicalProfile": "REST-GetMembership", "displayName": "Get membership", "path": "/membership", "deadlineMs": 700})
    );
    let e = &d["entraExtensions"][0];
    assert_eq!(e["event"], "TokenIssuanceStart");
    assert_eq!(
        e["customAuthenticationExtension"]["body"],
        json!({
            "@odata.type": "#microsoft.graph.onTokenIssuanceStartCustomExtension",
            "displayName": "Get membership", "description": "Get membership",
            "endpointConfiguration": {"@odata.type": "#microsoft.graph.httpRequestEndpoint", "targetUrl": URL},
            "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdTokenAuthentication",
                "resourceId": format!("api://auth.example.com/{APP}")},
            "clientConfiguration": {"timeoutInMilliseconds": 800, "maximumRetries": 0},
            "claimsForTokenConfiguration": [{"claimIdInApiResponse": "loyaltyNumber"}, {"claimIdInApiResponse": "isNew"}]
        })
    );
    assert_eq!(
        e["appRegistration"],
        json!({"method": "PATCH", "url": "https://graph.microsoft.com/v1.0/applications/{{extensionAppObjectId}}",
            "body": {"identifierUris": [format!("api://auth.example.com/{APP}")],
                "api": {"requestedAccessTokenVersion": 2},
                "requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000",
                    "resourceAccess": [{"id": "214e810f-fda8-4fd7-a475-29461495eb00", "type": "Role"}]}]}})
    );
    assert_eq!(
        e["authenticationEventListener"]["body"],
        json!({"@odata.type": "#microsoft.graph.onTokenIssuanceStartListener", "priority": 500,
            "conditions": {"applications": {"includeApplications": [{"appId": "client-1"}]}},
            "handler": {"@odata.type": "#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler",
                "customExtension": {"id": "{{customAuthenticationExtensionId}}"}}})
    );
    // The policy definition is a one-element array holding the policy as a JSON string.
    let def = e["claimsMappingPolicy"]["body"]["definition"][0]
        .as_str()
        .unwrap();
    let def: Value = serde_json::from_str(def).unwrap();
    assert_eq!(
        def["ClaimsMappingPolicy"]["ClaimsSchema"],
        json!([{"Source": "CustomClaimsProvider", "ID": "loyaltyNumber", "JwtClaimType": "loyaltyNumber"},
               {"Source": "CustomClaimsProvider", "ID": "isNew", "JwtClaimType": "isNew"}])
    );
    assert_eq!(e["claimsMappingPolicyAssignment"]["method"], "POST");
    assert!(
        e["claimsMappingPolicyAssignment"]["url"]
            .as_str()
            .unwrap()
            .ends_with(
                "/servicePrincipals/{{clientServicePrincipalId}}/claimsMappingPolicies/$ref"
            )
    );
}

#[test]
fn every_event_gets_its_types() {
    for event in EntraEvent::ALL {
        let mut b = entra(event);
        if event == EntraEvent::PasswordSubmit {
            b = b.with_migration_property("extension_0123_toBeMigrated");
        }
        let d = doc(&spec(), b);
        let e = &d["entraExtensions"][0];
        assert_eq!(
            e["customAuthenticationExtension"]["body"]["@odata.type"],
            event.extension_type()
        );
        assert_eq!(
            e["authenticationEventListener"]["body"]["@odata.type"],
            event.listener_type()
        );
        assert_eq!(
            e["authenticationEventListener"]["body"]["handler"]["@odata.type"],
            event.listener_handler_type()
        );
        assert_eq!(
            e.get("claimsMappingPolicy").is_some(),
            event == EntraEvent::TokenIssuanceStart,
            "{event}"
        );
        assert_eq!(
            e["customAuthenticationExtension"]["body"]
                .get("claimsForTokenConfiguration")
                .is_some(),
            event == EntraEvent::TokenIssuanceStart
        );
        // Without a deadline: Entra's default timeout; placeholders for the client app.
        assert_eq!(
            e["customAuthenticationExtension"]["body"]["clientConfiguration"]["timeoutInMilliseconds"],
            1000
        );
        assert_eq!(
            e["authenticationEventListener"]["body"]["conditions"]["applications"]["includeApplications"]
                [0]["appId"],
            "{{clientAppId}}"
        );
    }
}

#[test]
fn otp_fallback_and_password_migration() {
    let d = doc(
        &spec(),
        entra(EntraEvent::OtpSend).with_fallback_on_error(true),
    );
    assert_eq!(
        d["entraExtensions"][0]["authenticationEventListener"]["body"]["handler"]["configuration"],
        json!({"behaviorOnError": {"@odata.type": "#microsoft.graph.fallbackToMicrosoftProviderOnError"}})
    );
    let d = doc(
        &spec().idempotent(),
        entra(EntraEvent::PasswordSubmit).with_migration_property("extension_x_toBeMigrated"),
    );
    let e = &d["entraExtensions"][0];
    assert_eq!(
        e["authenticationEventListener"]["body"]["handler"]["migrationPropertyId"],
        "extension_x_toBeMigrated"
    );
    assert_eq!(
        e["appRegistration"]["body"]["keyCredentials"][0]["usage"],
        "Encrypt"
    );
    assert_eq!(
        e["appRegistration"]["body"]["tokenEncryptionKeyId"],
        "{{encryptionKeyId}}"
    );
    // An idempotent handler may be retried.
    assert_eq!(
        e["customAuthenticationExtension"]["body"]["clientConfiguration"]["maximumRetries"],
        1
    );
    let err = graph_document(&spec(), &[entra(EntraEvent::PasswordSubmit).into()]).unwrap_err();
    assert!(
        err.to_string().contains("REST-GetMembership")
            && err.message.contains("migration property"),
        "{err}"
    );
}

#[test]
fn timeouts_against_the_deadline() {
    let t = |spec: HandlerSpec, b: EntraBinding| -> Result<Value, String> {
        graph_document(&spec, &[b.into()])
            .map(|d| d["entraExtensions"][0]["customAuthenticationExtension"]["body"]["clientConfiguration"]["timeoutInMilliseconds"].clone())
            .map_err(|e| e.to_string())
    };
    let tis = || entra(EntraEvent::TokenIssuanceStart);
    assert_eq!(
        t(spec().with_deadline_ms(50), tis()),
        Ok(json!(200)),
        "raised to Entra's minimum"
    );
    assert_eq!(
        t(spec().with_deadline_ms(1950), tis()),
        Ok(json!(2000)),
        "capped at Entra's maximum"
    );
    assert_eq!(t(spec().with_deadline_ms(2000), tis()), Ok(json!(2000)));
    assert_eq!(
        t(spec().with_deadline_ms(300), tis().with_timeout_ms(1500)),
        Ok(json!(1500))
    );
    let e = t(spec().with_deadline_ms(2500), tis()).unwrap_err();
    assert!(
        e.contains("REST-GetMembership") && e.contains("shorter than its deadline"),
        "{e}"
    );
    let e = t(spec().with_deadline_ms(900), tis().with_timeout_ms(800)).unwrap_err();
    assert!(e.contains("REST-GetMembership") && e.contains("800"), "{e}");
    for bad in [100, 2001] {
        assert!(
            t(spec(), tis().with_timeout_ms(bad))
                .unwrap_err()
                .contains("outside 200-2000")
        );
    }
    assert!(
        t(spec(), tis().with_max_retries(2))
            .unwrap_err()
            .contains("maximumRetries")
    );
    // API connectors wait 5 s.
    let b = ApiConnectorBinding::new(ApiConnectorStep::PostAttributeCollection, URL);
    assert!(graph_document(&spec().with_deadline_ms(5000), &[b.clone().into()]).is_ok());
    let e = graph_document(&spec().with_deadline_ms(6000), &[b.into()]).unwrap_err();
    assert!(
        e.to_string().contains("REST-GetMembership") && e.message.contains("5000 ms"),
        "{e}"
    );
}

#[test]
fn urls_must_be_https() {
    for url in [
        "http://auth.example.com/x",
        "auth.example.com/x",
        "https:///x",
    ] {
        let e = graph_document(
            &spec(),
            &[EntraBinding::new(EntraEvent::OtpSend, url, APP).into()],
        )
        .unwrap_err();
        assert!(e.message.contains("target URL"), "{url}: {e}");
        let e = graph_document(
            &spec(),
            &[ApiConnectorBinding::new(ApiConnectorStep::PostAttributeCollection, url).into()],
        )
        .unwrap_err();
        assert!(e.message.contains("target URL"), "{url}: {e}");
    }
    let e = graph_document(
        &spec(),
        &[EntraBinding::new(EntraEvent::OtpSend, URL, " ").into()],
    )
    .unwrap_err();
    assert!(e.message.contains("app id"));
}

#[test]
fn one_deterministic_document_with_every_section() {
    let bindings: Vec<Binding> = vec![
        ApiConnectorBinding::new(ApiConnectorStep::PostAttributeCollection, URL).into(),
        entra(EntraEvent::TokenIssuanceStart).into(),
        entra(EntraEvent::AttributeCollectionSubmit).into(),
    ];
    let a = render(&spec(), &bindings).unwrap();
    let b = render(&spec(), &bindings).unwrap();
    assert_eq!(a, b);
    assert!(a.ends_with("}\n"));
    let d: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(d["apiConnectors"].as_array().unwrap().len(), 1);
    assert_eq!(d["entraExtensions"].as_array().unwrap().len(), 2);
    // No secret ever appears: only placeholders.
    assert!(!a.contains("password\": \"\""), "{a}");
}
