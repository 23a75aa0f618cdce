//! Entra custom authentication extension codec: each event's envelope, tolerant decoding, every
//! action, and every refusal (action not allowed, wrong value type, 3 KB, missing nonce).

use std::collections::BTreeMap;

use claims_runtime::callers::entra::{EntraReply, EntraRequest, TokenClaim, token_claims};
use claims_runtime::callers::{AttributeValue, CallerErrorKind, DirectoryValueType, EntraEvent};
use serde_json::{Value, json};

fn context() -> Value {
    json!({
        "correlationId": "c0ffee00-0000-0000-0000-000000000001",
        "client": {"ip": "2a01:110::1", "locale": "fr-fr", "market": "fr-fr"},
        "protocol": "OAUTH2.0",
        "clientServicePrincipal": {"id": "sp1", "appId": "client-app", "appDisplayName": "Shop", "displayName": "Shop"},
        "resourceServicePrincipal": {"id": "sp2", "appId": "resource-app", "appDisplayName": "Api", "displayName": "Api"}
    })
}

fn envelope(event: EntraEvent, extra: Value) -> Value {
    let mut data = json!({
        "@odata.type": event.callout_data_type(),
        "tenantId": "tid", "authenticationEventListenerId": "l1",
        "customAuthenticationExtensionId": "x1",
        "authenticationContext": context(),
    });
    for (k, v) in extra.as_object().unwrap() {
        if k == "user" || k == "requestType" {
            data["authenticationContext"][k] = v.clone();
        } else {
            data[k] = v.clone();
        }
    }
    json!({"type": event.event_type(), "source": "/tenants/tid/applications/client-app", "data": data})
}

fn decode(v: &Value) -> EntraRequest {
    EntraRequest::from_slice(v.to_string().as_bytes()).unwrap()
}

fn sign_up_submit() -> Value {
    envelope(
        EntraEvent::AttributeCollectionSubmit,
        json!({"userSignUpInfo": {
            "attributes": {
                "givenName": {"@odata.type": "microsoft.graph.stringDirectoryAttributeValue", "value": "Ann", "attributeType": "builtIn"},
                "email": {"@odata.type": "microsoft.graph.stringDirectoryAttributeValue", "value": "ann@example.com", "attributeType": "builtIn"},
                "extension_0123456789abcdef0123456789abcdef_Age": {"@odata.Type": "microsoft.graph.int64DirectoryAttributeValue", "value": 41, "attributeType": "directorySchemaExtension"},
                "extension_0123456789abcdef0123456789abcdef_Newsletter": {"@odata.type": "microsoft.graph.booleanDirectoryAttributeValue", "value": "true", "attributeType": "directorySchemaExtension"},
                "extension_0123456789abcdef0123456789abcdef_Roles": {"@odata.type": "microsoft.graph.stringDirectoryAttributeValue", "value": ["Alumni", "Faculty"], "attributeType": "directorySchemaExtension"}
            },
            "identities": [{"signInType": "email", "issuer": "contoso.onmicrosoft.com", "issuerAssignedId": "ann@example.com"}]
        }}),
    )
}

#[test]
fn decodes_every_event() {
    for event in EntraEvent::ALL {
        let r = decode(&envelope(event, json!({})));
        assert_eq!(r.event, event);
        assert_eq!(r.tenant_id.as_deref(), Some("tid"));
        assert_eq!(r.listener_id.as_deref(), Some("l1"));
        assert_eq!(r.extension_id.as_deref(), Some("x1"));
        assert_eq!(
            r.source.as_deref(),
            Some("/tenants/tid/applications/client-app")
        );
        assert_eq!(
            r.context.correlation_id.as_deref(),
            Some("c0ffee00-0000-0000-0000-000000000001")
        );
        assert_eq!(r.locale(), Some("fr-fr"));
        assert_eq!(r.context.client_ip.as_deref(), Some("2a01:110::1"));
        assert_eq!(r.context.client_app_id.as_deref(), Some("client-app"));
        assert_eq!(r.context.resource_app_id.as_deref(), Some("resource-app"));
    }
}

#[test]
fn token_issuance_start_user_fields_are_optional() {
    let r = decode(&envelope(
        EntraEvent::TokenIssuanceStart,
        json!({"user": {"displayName": "Ann", "id": "u1", "mail": "ann@example.com", "userType": "Member", "preferredLanguage": "de-de"}}),
    ));
    let user = r.context.user.as_ref().unwrap();
    assert_eq!(user.id.as_deref(), Some("u1"));
    assert_eq!(user.mail.as_deref(), Some("ann@example.com"));
    assert_eq!(user.surname, None);
    assert_eq!(user.property("DISPLAYNAME"), Some("Ann"));
    // client.locale wins over the user's preferred language.
    assert_eq!(r.locale(), Some("fr-fr"));
    let mut no_locale = envelope(
        EntraEvent::TokenIssuanceStart,
        json!({"user": {"preferredLanguage": "de-de"}}),
    );
    no_locale["data"]["authenticationContext"]["client"]
        .as_object_mut()
        .unwrap()
        .remove("locale");
    assert_eq!(decode(&no_locale).locale(), Some("de-de"));
}

#[test]
fn attributes_are_typed_by_their_odata_type() {
    let r = decode(&sign_up_submit());
    let s = r.sign_up.as_ref().unwrap();
    assert_eq!(s.value("givenName"), Some(&AttributeValue::from("Ann")));
    // `@odata.Type` (capital T) is read; the int64 stays an integer.
    let (key, age) = s.attribute("Age").unwrap();
    assert_eq!(key, "extension_0123456789abcdef0123456789abcdef_Age");
    assert_eq!(age.value_type, DirectoryValueType::Int64);
    assert_eq!(age.value, Some(AttributeValue::Int(41)));
    assert_eq!(
        age.attribute_type.as_deref(),
        Some("directorySchemaExtension")
    );
    // A boolean sent as "true" is typed by its declared type.
    assert_eq!(s.value("Newsletter"), Some(&AttributeValue::Bool(true)));
    // An array (2023 examples) becomes the comma-joined string (later examples).
    assert_eq!(
        s.value("Roles"),
        Some(&AttributeValue::from("Alumni,Faculty"))
    );
    assert_eq!(
        s.identities[0].issuer_assigned_id.as_deref(),
        Some("ann@example.com")
    );
}

#[test]
fn attribute_collection_start_values_may_be_absent() {
    let r = decode(&envelope(
        EntraEvent::AttributeCollectionStart,
        json!({"userSignUpInfo": {"attributes": {
            "city": {"@odata.type": "microsoft.graph.stringDirectoryAttributeValue", "attributeType": "builtIn"},
            "extension_0123456789abcdef0123456789abcdef_Tier": "gold"
        }}}),
    ));
    let s = r.sign_up.unwrap();
    assert_eq!(s.value("city"), None);
    assert_eq!(
        s.attribute("city").unwrap().1.value_type,
        DirectoryValueType::String
    );
    // A bare value (no attribute object) is tolerated.
    assert_eq!(s.value("Tier"), Some(&AttributeValue::from("gold")));
    assert!(s.identities.is_empty());
}

#[test]
fn otp_send_reads_both_code_spellings() {
    for key in ["oneTimeCode", "onetimecode"] {
        let r = decode(&envelope(
            EntraEvent::OtpSend,
            json!({"otpContext": {"identifier": "ann@example.com", key: "123456"}, "requestType": "SignIn"}),
        ));
        let otp = r.otp.as_ref().unwrap();
        assert_eq!(otp.identifier.as_deref(), Some("ann@example.com"));
        assert_eq!(otp.one_time_code.as_deref(), Some("123456"));
        assert_eq!(r.context.request_type.as_deref(), Some("SignIn"));
        assert!(
            !format!("{otp:?}").contains("123456"),
            "the code is not in Debug"
        );
    }
}

#[test]
fn password_submit_carries_the_jwe() {
    let r = decode(&envelope(
        EntraEvent::PasswordSubmit,
        json!({"encryptedPasswordContext": "a.b.c.d.e", "user": {"id": "u1"}}),
    ));
    assert_eq!(r.encrypted_password_context.as_deref(), Some("a.b.c.d.e"));
    assert_eq!(r.context.user.unwrap().id.as_deref(), Some("u1"));
}

#[test]
fn tolerant_envelopes() {
    // Event from the top-level type when data.@odata.type is missing; `@odata.Type` spelling.
    let mut v = envelope(EntraEvent::OtpSend, json!({}));
    v["data"].as_object_mut().unwrap().remove("@odata.type");
    assert_eq!(decode(&v).event, EntraEvent::OtpSend);
    let mut v = envelope(EntraEvent::TokenIssuanceStart, json!({}));
    let t = v["data"]
        .as_object_mut()
        .unwrap()
        .remove("@odata.type")
        .unwrap();
    v["data"]["@odata.Type"] = t;
    assert_eq!(decode(&v).event, EntraEvent::TokenIssuanceStart);
    // `client.clientIp` (Verified ID sample).
    let mut v = envelope(EntraEvent::TokenIssuanceStart, json!({}));
    v["data"]["authenticationContext"]["client"] = json!({"clientIp": "10.0.0.1"});
    assert_eq!(decode(&v).context.client_ip.as_deref(), Some("10.0.0.1"));
    // Trailing commas, as in published examples.
    let text = r#"{"type": "microsoft.graph.authenticationEvent.attributeCollectionStart",
        "data": {"@odata.type": "microsoft.graph.onAttributeCollectionStartCalloutData",
                 "authenticationContext": {"correlationId": "c1", "resourceServicePrincipal": {"appId": "r, }"},},
                 "tenantId": "t",}}"#;
    let r = EntraRequest::from_slice(text.as_bytes()).unwrap();
    assert_eq!(
        r.context.resource_app_id.as_deref(),
        Some("r, }"),
        "commas inside strings are kept"
    );
    assert_eq!(r.tenant_id.as_deref(), Some("t"));
}

#[test]
fn refuses_what_is_not_an_entra_request() {
    for body in [
        "not json".to_owned(),
        "[]".to_owned(),
        json!({"type": "x"}).to_string(),
        json!({"type": "microsoft.graph.authenticationEvent.somethingElse", "data": {"@odata.type": "microsoft.graph.onSomethingCalloutData"}}).to_string(),
    ] {
        let e = EntraRequest::from_slice(body.as_bytes()).unwrap_err();
        assert_eq!(e.kind, CallerErrorKind::BadRequest, "{body}: {e}");
    }
}

fn only_action(w: &claims_runtime::callers::WireReply) -> &Value {
    assert_eq!(w.status, 200);
    let actions = w.body["data"]["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "exactly one action");
    &actions[0]
}

#[test]
fn provide_claims_for_token() {
    let r = decode(&envelope(EntraEvent::TokenIssuanceStart, json!({})));
    let claims = BTreeMap::from([
        ("DateOfBirth".to_owned(), TokenClaim::from("01/01/2000")),
        (
            "Roles".to_owned(),
            TokenClaim::from(vec!["a".to_owned(), "b".to_owned()]),
        ),
    ]);
    let w = EntraReply::ProvideClaimsForToken(claims)
        .encode(&r, None)
        .unwrap();
    assert_eq!(
        w.body,
        json!({"data": {"@odata.type": "microsoft.graph.onTokenIssuanceStartResponseData",
            "actions": [{"@odata.type": "microsoft.graph.tokenIssuanceStart.provideClaimsForToken",
                         "claims": {"DateOfBirth": "01/01/2000", "Roles": ["a", "b"]}}]}})
    );
    only_action(&w);
}

#[test]
fn token_claims_limit_is_3_kb() {
    let fits = BTreeMap::from([("c".to_owned(), TokenClaim::One("x".repeat(2990)))]);
    assert!(
        token_claims(&fits).is_ok(),
        "{{\"c\":\"...\"}} of 2998 bytes fits"
    );
    let over = BTreeMap::from([("c".to_owned(), TokenClaim::One("x".repeat(2993)))]);
    let e = token_claims(&over).unwrap_err();
    assert_eq!(e.kind, CallerErrorKind::TooLarge);
    assert!(e.message.contains("3 KB"), "{e}");
    let many: BTreeMap<String, TokenClaim> = (0..200)
        .map(|i| (format!("claim{i}"), TokenClaim::One("v".repeat(10))))
        .collect();
    assert_eq!(
        token_claims(&many).unwrap_err().kind,
        CallerErrorKind::TooLarge
    );
    let empty_name = BTreeMap::from([(" ".to_owned(), TokenClaim::from("v"))]);
    assert_eq!(
        token_claims(&empty_name).unwrap_err().kind,
        CallerErrorKind::BadReply
    );
}

#[test]
fn attribute_collection_start_actions() {
    let r = decode(&envelope(
        EntraEvent::AttributeCollectionStart,
        json!({"userSignUpInfo": {"attributes": {
            "extension_0123456789abcdef0123456789abcdef_Age": {"@odata.type": "microsoft.graph.int64DirectoryAttributeValue", "attributeType": "directorySchemaExtension"},
            "city": {"@odata.type": "microsoft.graph.stringDirectoryAttributeValue"}
        }}}),
    ));
    let w = EntraReply::ContinueWithDefaultBehavior
        .encode(&r, None)
        .unwrap();
    assert_eq!(
        w.body,
        json!({"data": {"@odata.type": "microsoft.graph.onAttributeCollectionStartResponseData",
            "actions": [{"@odata.type": "microsoft.graph.attributeCollectionStart.continueWithDefaultBehavior"}]}})
    );
    // Prefill by short name; values typed like the request ("42" -> 42), keys as the request's.
    let w = EntraReply::SetPrefillValues(BTreeMap::from([
        ("Age".to_owned(), AttributeValue::from("42")),
        ("city".to_owned(), AttributeValue::from("Oslo")),
        ("unknown".to_owned(), AttributeValue::from("x")),
    ]))
    .encode(&r, None)
    .unwrap();
    assert_eq!(
        only_action(&w),
        &json!({"@odata.type": "microsoft.graph.attributeCollectionStart.setPrefillValues",
                "inputs": {"extension_0123456789abcdef0123456789abcdef_Age": 42, "city": "Oslo", "unknown": "x"}})
    );
    let w = EntraReply::ShowBlockPage {
        title: None,
        message: Some("Closed.".into()),
    }
    .encode(&r, None)
    .unwrap();
    assert_eq!(
        only_action(&w),
        &json!({"@odata.type": "microsoft.graph.attributeCollectionStart.showBlockPage", "message": "Closed."})
    );
    let e = EntraReply::SetPrefillValues(BTreeMap::from([(
        "Age".to_owned(),
        AttributeValue::from("old"),
    )]))
    .encode(&r, None)
    .unwrap_err();
    assert_eq!(e.kind, CallerErrorKind::BadReply);
    assert!(e.message.contains("integer"), "{e}");
}

#[test]
fn attribute_collection_submit_actions() {
    let r = decode(&sign_up_submit());
    let w = EntraReply::ModifyAttributeValues(BTreeMap::from([
        ("givenName".to_owned(), AttributeValue::from("ANN")),
        ("Newsletter".to_owned(), AttributeValue::from("false")),
        ("Roles".to_owned(), AttributeValue::from("Alumni")),
    ]))
    .encode(&r, None)
    .unwrap();
    assert_eq!(
        only_action(&w),
        &json!({"@odata.type": "microsoft.graph.attributeCollectionSubmit.modifyAttributeValues",
            "attributes": {"givenName": "ANN",
                "extension_0123456789abcdef0123456789abcdef_Newsletter": false,
                "extension_0123456789abcdef0123456789abcdef_Roles": "Alumni"}})
    );
    let w = EntraReply::ShowValidationError {
        message: "Please fix the fields.".into(),
        attribute_errors: BTreeMap::from([(
            "extension_0123456789abcdef0123456789abcdef_Age".to_owned(),
            "Too young.".to_owned(),
        )]),
    }
    .encode(&r, None)
    .unwrap();
    assert_eq!(
        w.body,
        json!({"data": {"@odata.type": "microsoft.graph.onAttributeCollectionSubmitResponseData",
            "actions": [{"@odata.type": "microsoft.graph.attributeCollectionSubmit.showValidationError",
                "message": "Please fix the fields.",
                "attributeErrors": {"extension_0123456789abcdef0123456789abcdef_Age": "Too young."}}]}})
    );
    let w = EntraReply::ShowBlockPage {
        title: Some("Sorry".into()),
        message: Some("No.".into()),
    }
    .encode(&r, None)
    .unwrap();
    assert_eq!(
        only_action(&w),
        &json!({"@odata.type": "microsoft.graph.attributeCollectionSubmit.showBlockPage", "title": "Sorry", "message": "No."})
    );
    let w = EntraReply::ContinueWithDefaultBehavior
        .encode(&r, None)
        .unwrap();
    assert_eq!(
        only_action(&w)["@odata.type"],
        "microsoft.graph.attributeCollectionSubmit.continueWithDefaultBehavior"
    );
    let e = EntraReply::ModifyAttributeValues(BTreeMap::from([(
        "Newsletter".to_owned(),
        AttributeValue::Int(3),
    )]))
    .encode(&r, None)
    .unwrap_err();
    assert!(e.message.contains("boolean"), "{e}");
}

#[test]
fn otp_send_only_continues() {
    let r = decode(&envelope(EntraEvent::OtpSend, json!({})));
    let w = EntraReply::ContinueWithDefaultBehavior
        .encode(&r, None)
        .unwrap();
    assert_eq!(
        w.body,
        json!({"data": {"@odata.type": "microsoft.graph.OnOtpSendResponseData",
            "actions": [{"@odata.type": "microsoft.graph.OtpSend.continueWithDefaultBehavior"}]}})
    );
    let e = EntraReply::ShowBlockPage {
        title: None,
        message: None,
    }
    .encode(&r, None)
    .unwrap_err();
    assert_eq!(e.kind, CallerErrorKind::ActionNotAllowed);
    assert!(e.message.contains("continueWithDefaultBehavior"), "{e}");
}

#[test]
fn password_submit_actions_echo_the_nonce() {
    let r = decode(&envelope(EntraEvent::PasswordSubmit, json!({})));
    for (reply, name) in [
        (EntraReply::MigratePassword, "MigratePassword"),
        (EntraReply::UpdatePassword, "UpdatePassword"),
        (EntraReply::Retry, "Retry"),
        (
            EntraReply::Block {
                title: Some("Locked".into()),
                message: Some("Call us.".into()),
            },
            "Block",
        ),
    ] {
        let w = reply.encode(&r, Some("n-1")).unwrap();
        assert_eq!(
            w.body["data"]["@odata.type"],
            "microsoft.graph.onPasswordSubmitResponseData"
        );
        assert_eq!(w.body["data"]["nonce"], "n-1");
        assert_eq!(
            only_action(&w)["@odata.type"],
            format!("microsoft.graph.passwordSubmit.{name}")
        );
        let e = reply.encode(&r, None).unwrap_err();
        assert_eq!(e.kind, CallerErrorKind::BadReply);
        assert!(e.message.contains("nonce"), "{e}");
    }
    let w = EntraReply::Block {
        title: Some("Locked".into()),
        message: None,
    }
    .encode(&r, Some("n"))
    .unwrap();
    assert_eq!(only_action(&w)["title"], "Locked");
    // Other events never get a nonce.
    let tis = decode(&envelope(EntraEvent::TokenIssuanceStart, json!({})));
    let w = EntraReply::ProvideClaimsForToken(BTreeMap::new())
        .encode(&tis, Some("n"))
        .unwrap();
    assert!(w.body["data"].get("nonce").is_none());
}

#[test]
fn actions_of_other_events_are_refused() {
    let all = [
        EntraReply::ProvideClaimsForToken(BTreeMap::new()),
        EntraReply::ContinueWithDefaultBehavior,
        EntraReply::SetPrefillValues(BTreeMap::new()),
        EntraReply::ModifyAttributeValues(BTreeMap::new()),
        EntraReply::ShowBlockPage {
            title: None,
            message: None,
        },
        EntraReply::ShowValidationError {
            message: "m".into(),
            attribute_errors: BTreeMap::new(),
        },
        EntraReply::MigratePassword,
        EntraReply::UpdatePassword,
        EntraReply::Retry,
        EntraReply::Block {
            title: None,
            message: None,
        },
    ];
    for event in EntraEvent::ALL {
        for reply in &all {
            let result = reply.encode_for(event, None, Some("n"));
            assert_eq!(
                result.is_ok(),
                event.allows(reply.action()),
                "{event} {:?}",
                reply.action()
            );
            if let Err(e) = result {
                assert_eq!(e.kind, CallerErrorKind::ActionNotAllowed);
            }
        }
    }
}
