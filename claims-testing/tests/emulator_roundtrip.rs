//! Round trips through the real pipeline: hand-built handlers (HandlerSpec + Call glue), their
//! exported policy loaded **as text** into the emulator, and the B2C outcome of each scenario.

mod emulator_fixtures;

use claims_testing::claims;
use claims_testing::{
    Emulator, EmulatorOptions, OutcomeKind, ResolverContext, ScalarStyle, UserView,
};
use emulator_fixtures::{app, exported_policy, exported_policy_at};
use serde_json::json;

async fn emulator_for(xml: &str) -> Emulator {
    Emulator::from_policy(xml)
        .expect("the exported policy parses")
        .in_process(app())
        .await
}

#[actix_web::test]
async fn success_in_body_mode() {
    let emu = emulator_for(&exported_policy()).await;
    let o = emu
        .call(
            "REST-GetMembership",
            claims! {"email" => "emily@contoso.com", "age" => 25},
        )
        .await;
    println!("{o}\n{}", o.trace);
    assert_eq!(o.kind, OutcomeKind::Success, "{o}");
    assert!(o.warnings.is_empty(), "{o}");
    assert_eq!(o.claim("loyaltyNumber").as_deref(), Some("84362"));
    assert_eq!(o.claims.json("isNewMember"), Some(&json!(true)));
    assert_eq!(o.claims.json("points"), Some(&json!(120)));
    assert_eq!(
        o.claim("displayName").as_deref(),
        Some("Emily"),
        "nested path"
    );
    let sent = o.trace.request.as_ref().unwrap().body_json().unwrap();
    assert_eq!(
        sent,
        json!({
            "emailAddress": "emily@contoso.com", "age": 25, "lang": "en-US",
            "correlationId": "00000000-0000-0000-0000-000000000000"
        }),
        "resolvers were substituted: the exporter wrote IncludeClaimResolvingInClaimsHandling"
    );
}

#[actix_web::test]
async fn both_scalar_styles_are_accepted_by_the_pipeline() {
    let emu = emulator_for(&exported_policy()).await;
    for style in [ScalarStyle::Native, ScalarStyle::Strings] {
        let emu = emu.with_options(EmulatorOptions {
            scalars: style,
            ..EmulatorOptions::default()
        });
        let o = emu
            .call(
                "REST-GetMembership",
                claims! {"email" => "emily@contoso.com", "age" => 25},
            )
            .await;
        assert_eq!(
            o.claims.json("isNewMember"),
            Some(&json!(true)),
            "{style:?}: {o}"
        );
    }
}

#[actix_web::test]
async fn business_409_in_the_callers_language() {
    let emu = emulator_for(&exported_policy()).await;
    let bag = || claims! {"email" => "nobody@contoso.com"};
    let o = emu.call("REST-GetMembership", bag()).await;
    println!("{o}");
    assert_eq!(
        o.user_message(),
        Some("No membership for nobody@contoso.com.")
    );
    assert_eq!(
        o.to_string(),
        "REST-GetMembership: the user sees 'No membership for nobody@contoso.com.' on the page (HTTP 409)"
    );
    let fr = ResolverContext::new().culture("fr-FR");
    let o = emu.call_with("REST-GetMembership", bag(), &fr).await;
    println!("{o}");
    assert_eq!(
        o.user_message(),
        Some("Aucune adhésion pour nobody@contoso.com.")
    );
    assert!(matches!(
        o.kind,
        OutcomeKind::UserError {
            http_status: 409,
            debug: None,
            ..
        }
    ));

    let o = emu.call_step("REST-GetMembership", bag()).await;
    assert!(matches!(o.user_view, UserView::App(_)), "{o}");
}

#[actix_web::test]
async fn validation_409_in_two_languages() {
    let emu = emulator_for(&exported_policy()).await;
    let bag = || claims! {"email" => "not-an-email"};
    let en = emu
        .call_with(
            "REST-GetMembership",
            bag(),
            &ResolverContext::new().culture("en"),
        )
        .await;
    let fr = emu
        .call_with(
            "REST-GetMembership",
            bag(),
            &ResolverContext::new().culture("fr"),
        )
        .await;
    println!("{en}\n{fr}");
    assert_eq!(
        en.user_message(),
        Some("Please enter a valid e-mail address for E-mail address.")
    );
    assert_eq!(
        fr.user_message(),
        Some("Veuillez saisir une adresse e-mail valide pour E-mail address.")
    );
    assert_eq!(
        en.trace.request.as_ref().unwrap().body_json().unwrap()["lang"],
        "en"
    );
    assert_eq!(
        fr.trace.request.as_ref().unwrap().body_json().unwrap()["lang"],
        "fr"
    );
}

#[actix_web::test]
async fn missing_claim_is_a_user_visible_error() {
    let emu = emulator_for(&exported_policy()).await;
    let o = emu.call("REST-GetMembership", claims! {}).await;
    println!("{o}\n{}", o.trace);
    assert!(
        matches!(
            o.kind,
            OutcomeKind::UserError {
                http_status: 400,
                ..
            }
        ),
        "{o}"
    );
    assert_eq!(
        o.user_message(),
        Some(
            "Some information is missing (E-mail address). Please check your entries and try again."
        )
    );
    let sent = o.trace.request.as_ref().unwrap().body_json().unwrap();
    assert!(
        sent.get("emailAddress").is_none(),
        "absent claims are not sent"
    );
}

#[actix_web::test]
async fn every_send_mode_round_trips() {
    let emu = emulator_for(&exported_policy()).await;
    for tp in [
        "REST-GetMembership",
        "REST-GetMembershipForm",
        "REST-GetMembershipHeader",
        "REST-GetMembershipQuery",
        "REST-GetMembershipUrl",
    ] {
        let o = emu
            .call(
                tp,
                claims! {"email" => "emily+b2c@contoso.com", "age" => 25},
            )
            .await;
        println!("{o}\n{}", o.trace);
        assert_eq!(o.kind, OutcomeKind::Success, "{tp}: {o}\n{}", o.trace);
        assert_eq!(o.claims.json("isNewMember"), Some(&json!(true)), "{tp}");
        let bad = emu
            .call(tp, claims! {"email" => "nobody@contoso.com"})
            .await;
        assert_eq!(
            bad.user_message(),
            Some("No membership for nobody@contoso.com."),
            "{tp}: {bad}"
        );
    }
}

#[actix_web::test]
async fn a_base_url_with_a_query_keeps_it_in_every_send_mode() {
    // An Azure Functions key (or an api-version) on the base URL stays a query, after the path.
    let xml = exported_policy_at("https://fn.azurewebsites.net/?code=KEY");
    assert!(
        xml.contains("https://fn.azurewebsites.net/membership?code=KEY<"),
        "{xml}"
    );
    let emu = emulator_for(&xml).await;
    for tp in [
        "REST-GetMembership",
        "REST-GetMembershipForm",
        "REST-GetMembershipHeader",
        "REST-GetMembershipQuery",
        "REST-GetMembershipUrl",
    ] {
        let o = emu
            .call(
                tp,
                claims! {"email" => "emily+b2c@contoso.com", "age" => 25},
            )
            .await;
        let url = &o.trace.request.as_ref().unwrap().url;
        assert!(url.contains("?code=KEY"), "{tp}: {url}");
        assert!(!url.contains("KEY/"), "{tp}: {url}");
        assert!(o.kind == OutcomeKind::Success, "{tp}: {o}\n{}", o.trace);
    }
}

#[actix_web::test]
async fn payload_mode_round_trips() {
    let xml = exported_policy();
    let emu = emulator_for(&xml).await;
    let o = emu
        .call(
            "REST-PlaceOrder",
            claims! {"email" => "a@b.c", "sku" => "SKU-1"},
        )
        .await;
    println!("{o}\n{}", o.trace);
    assert_eq!(o.claim("orderId").as_deref(), Some("SKU-1x2-a@b.c"), "{o}");
    assert_eq!(
        o.trace.request.as_ref().unwrap().body_json(),
        Some(json!({"customer": {"email": "a@b.c"}, "items": [{"sku": "SKU-1", "quantity": 2}]}))
    );
}

// ---------------------------------------------------------------------------------------------
// Mutations of the exported XML text: the emulator reads the XML, not the descriptors.

/// Replaces the first `from` after `anchor`.
fn replace_after(xml: &str, anchor: &str, from: &str, to: &str) -> String {
    let a = xml
        .find(anchor)
        .unwrap_or_else(|| panic!("{anchor} not in the policy"));
    let i = a + xml[a..]
        .find(from)
        .unwrap_or_else(|| panic!("{from} not after {anchor}"));
    format!("{}{}{}", &xml[..i], to, &xml[i + from.len()..])
}

#[actix_web::test]
async fn corrupted_output_partner_claim_type_leaves_the_claim_unset() {
    let xml = exported_policy();
    let bag = || claims! {"email" => "emily@contoso.com", "age" => 25};
    let mutated = replace_after(
        &xml,
        r#"<TechnicalProfile Id="REST-GetMembership">"#,
        r#"PartnerClaimType="isNew""#,
        r#"PartnerClaimType="isNewMbr""#,
    );
    let o = emulator_for(&mutated)
        .await
        .call("REST-GetMembership", bag())
        .await;
    println!("{o}");
    assert_eq!(o.missing_claims, vec!["isNewMember".to_owned()], "{o}");
    assert!(
        o.to_string()
            .contains("output claims left unset: isNewMember")
    );
    // The untouched XML maps it.
    let o = emulator_for(&xml)
        .await
        .call("REST-GetMembership", bag())
        .await;
    assert!(o.missing_claims.is_empty(), "{o}");
}

#[actix_web::test]
async fn corrupted_input_partner_claim_type_is_a_missing_claim() {
    let xml = exported_policy();
    let mutated = replace_after(
        &xml,
        r#"<TechnicalProfile Id="REST-GetMembership">"#,
        r#"PartnerClaimType="emailAddress""#,
        r#"PartnerClaimType="mail""#,
    );
    let o = emulator_for(&mutated)
        .await
        .call(
            "REST-GetMembership",
            claims! {"email" => "emily@contoso.com"},
        )
        .await;
    println!("{o}\n{}", o.trace);
    assert!(
        matches!(
            o.kind,
            OutcomeKind::UserError {
                http_status: 400,
                ..
            }
        ),
        "{o}"
    );
    assert!(
        o.user_message()
            .unwrap()
            .starts_with("Some information is missing")
    );
}

#[actix_web::test]
async fn corrupted_data_type_is_a_type_mismatch() {
    let xml = exported_policy();
    let mutated = replace_after(
        &xml,
        r#"<ClaimType Id="points">"#,
        "<DataType>int</DataType>",
        "<DataType>boolean</DataType>",
    );
    assert_ne!(mutated, xml);
    let o = emulator_for(&mutated)
        .await
        .call(
            "REST-GetMembership",
            claims! {"email" => "emily@contoso.com"},
        )
        .await;
    println!("{o}");
    match &o.kind {
        OutcomeKind::TypeMismatch {
            claim,
            data_type,
            value,
            ..
        } => {
            assert_eq!(claim, "points");
            assert_eq!(data_type, "boolean");
            assert_eq!(value, "120");
        }
        other => panic!("{other:?}"),
    }
    assert!(!o.is_success());
}

#[actix_web::test]
async fn dropped_resolver_flag_sends_literal_resolvers() {
    let xml = exported_policy();
    let mutated = replace_after(
        &xml,
        r#"<TechnicalProfile Id="REST-GetMembership">"#,
        r#"<Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>"#,
        "",
    );
    let o = emulator_for(&mutated)
        .await
        .call(
            "REST-GetMembership",
            claims! {"email" => "emily@contoso.com"},
        )
        .await;
    println!("{o}");
    assert_eq!(
        o.trace.request.as_ref().unwrap().body_json().unwrap()["lang"],
        "{Culture:RFC5646}"
    );
    assert!(
        o.warnings
            .iter()
            .any(|w| w.contains("IncludeClaimResolvingInClaimsHandling"))
    );
    // The framework notices the unresolved resolver and answers 400 with a contract body.
    assert!(
        matches!(
            o.kind,
            OutcomeKind::UserError {
                http_status: 400,
                ..
            }
        ),
        "{o}"
    );
}
