//! B2C API connector codec: tolerant request decoding and the three replies, per step.

use claims_runtime::callers::api_connector::{ApiConnectorReply, ApiConnectorRequest};
use claims_runtime::callers::{ApiConnectorStep, AttributeValue, CallerErrorKind};
use serde_json::json;

const EXT: &str = "extension_0123456789abcdef0123456789abcdef_LoyaltyNumber";

fn request(v: serde_json::Value) -> ApiConnectorRequest {
    ApiConnectorRequest::from_slice(v.to_string().as_bytes()).unwrap()
}

#[test]
fn decodes_the_documented_request() {
    let r = request(json!({
        "email": "ann@example.com",
        "identities": [{"signInType": "federated", "issuer": "facebook.com", "issuerAssignedId": "0123"}],
        "displayName": "Ann", "givenName": "Ann", "surname": "Lee", "city": "Oslo",
        EXT: "L-42", "extension_0123456789abcdef0123456789abcdef_Age": 42,
        "extension_0123456789abcdef0123456789abcdef_Vip": true,
        "step": "PostAttributeCollection", "client_id": "app-1", "ui_locales": "en-US"
    }));
    assert_eq!(r.step, Some(ApiConnectorStep::PostAttributeCollection));
    assert_eq!(r.client_id.as_deref(), Some("app-1"));
    assert_eq!(r.ui_locales.as_deref(), Some("en-US"));
    assert_eq!(r.identities.len(), 1);
    assert_eq!(r.identities[0].issuer.as_deref(), Some("facebook.com"));
    assert_eq!(r.attribute("city"), Some(&AttributeValue::from("Oslo")));
    // Extension attributes by their short name, with or without the `extension_` prefix.
    assert_eq!(
        r.attribute("LoyaltyNumber"),
        Some(&AttributeValue::from("L-42"))
    );
    assert_eq!(
        r.attribute("extension_LoyaltyNumber"),
        Some(&AttributeValue::from("L-42"))
    );
    assert_eq!(
        r.attribute("loyaltynumber"),
        Some(&AttributeValue::from("L-42"))
    );
    assert_eq!(r.attribute("Age"), Some(&AttributeValue::Int(42)));
    assert_eq!(r.attribute("Vip"), Some(&AttributeValue::Bool(true)));
    assert_eq!(r.attribute("GIVENNAME"), Some(&AttributeValue::from("Ann")));
    assert_eq!(r.email(), Some("ann@example.com"));
    // step, client_id, ui_locales and identities are not attributes.
    for reserved in ["step", "client_id", "ui_locales", "identities"] {
        assert!(!r.attributes.contains_key(reserved), "{reserved}");
    }
}

#[test]
fn tolerates_the_example_spellings() {
    let r = request(json!({
        "step": "PreTokenApplicationClaims", "clientId": "app-2",
        "roles": ["a", "b"], "nothing": null, "nested": {"x": 1},
        "identities": [{"signInType": "emailAddress", "issuer": "contoso.onmicrosoft.com", "issuerAssignedId": "bob@example.com"}]
    }));
    assert_eq!(r.step, Some(ApiConnectorStep::PreTokenIssuance));
    assert_eq!(r.client_id.as_deref(), Some("app-2"));
    assert_eq!(r.attribute("roles"), Some(&AttributeValue::from("a,b")));
    assert_eq!(r.attribute("roles").unwrap().items(), ["a", "b"]);
    assert_eq!(r.attribute("nothing"), None);
    assert_eq!(r.attribute("nested"), None);
    // No email attribute: the email identity stands in.
    assert_eq!(r.email(), Some("bob@example.com"));

    let unknown = request(json!({"step": "SomethingNew"}));
    assert_eq!(unknown.step, None);
    assert_eq!(unknown.step_raw.as_deref(), Some("SomethingNew"));
}

#[test]
fn refuses_what_is_not_a_request() {
    for body in [&b"not json"[..], b"[1,2]", b"\"x\""] {
        let e = ApiConnectorRequest::from_slice(body).unwrap_err();
        assert_eq!(e.kind, CallerErrorKind::BadRequest, "{e}");
    }
}

#[test]
fn continue_carries_version_action_and_claims() {
    let reply = ApiConnectorReply::continue_with([
        ("extension_LoyaltyNumber", json!("L-42")),
        ("isNew", json!(true)),
        ("points", json!(7)),
        ("tags", json!(["a", "b"])),
    ]);
    for step in ApiConnectorStep::ALL {
        let w = reply.encode(Some(step)).unwrap();
        assert_eq!(w.status, 200);
        assert_eq!(
            w.body,
            json!({"version": "1.0.0", "action": "Continue", "extension_LoyaltyNumber": "L-42",
                   "isNew": true, "points": 7, "tags": ["a", "b"]})
        );
    }
    let empty = ApiConnectorReply::continue_().encode(None).unwrap();
    assert_eq!(
        empty.body,
        json!({"version": "1.0.0", "action": "Continue"})
    );
}

#[test]
fn block_page_is_200_with_the_message() {
    let reply = ApiConnectorReply::ShowBlockPage {
        user_message: "Sign-up is closed.".into(),
    };
    for step in [
        Some(ApiConnectorStep::PostFederationSignup),
        Some(ApiConnectorStep::PostAttributeCollection),
        None,
    ] {
        let w = reply.encode(step).unwrap();
        assert_eq!(w.status, 200);
        assert_eq!(
            w.body,
            json!({"version": "1.0.0", "action": "ShowBlockPage", "userMessage": "Sign-up is closed."})
        );
    }
    // The pre-token step only continues.
    let e = reply
        .encode(Some(ApiConnectorStep::PreTokenIssuance))
        .unwrap_err();
    assert_eq!(e.kind, CallerErrorKind::ActionNotAllowed);
    assert!(e.message.contains("PreTokenIssuance"), "{e}");
}

#[test]
fn validation_error_is_400_and_only_after_collection() {
    let reply = ApiConnectorReply::ValidationError {
        user_message: "Enter a valid postal code.".into(),
    };
    let w = reply
        .encode(Some(ApiConnectorStep::PostAttributeCollection))
        .unwrap();
    assert_eq!(w.status, 400);
    assert_eq!(
        w.body,
        json!({"version": "1.0.0", "status": 400, "action": "ValidationError",
               "userMessage": "Enter a valid postal code."})
    );
    for step in [
        Some(ApiConnectorStep::PostFederationSignup),
        Some(ApiConnectorStep::PreTokenIssuance),
        None,
    ] {
        let e = reply.encode(step).unwrap_err();
        assert_eq!(e.kind, CallerErrorKind::ActionNotAllowed, "{step:?}");
    }
}

#[test]
fn refuses_claims_b2c_cannot_take() {
    for (name, value) in [
        ("action", json!("x")),
        ("Version", json!("x")),
        ("userMessage", json!("x")),
        ("", json!("x")),
        ("obj", json!({"a": 1})),
        ("nothing", json!(null)),
        ("mixed", json!(["a", 1])),
    ] {
        let e = ApiConnectorReply::continue_with([(name, value)])
            .encode(Some(ApiConnectorStep::PostAttributeCollection))
            .unwrap_err();
        assert_eq!(e.kind, CallerErrorKind::BadReply, "{name}");
    }
}

#[test]
fn the_reply_is_application_json() {
    let resp = ApiConnectorReply::continue_()
        .encode(None)
        .unwrap()
        .into_response();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "application/json"
    );
}
