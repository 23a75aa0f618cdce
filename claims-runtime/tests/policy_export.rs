//! Exported documents: insta snapshots, XSD validation with xmllint, determinism.

mod policy_fixtures;

use claims_runtime::AuthSpec;
use claims_runtime::policy::{PolicyOptions, document, export};
use policy_fixtures::*;

fn whole(specs: &[&'static claims_runtime::HandlerSpec], opts: &PolicyOptions) -> String {
    export(specs, opts).unwrap_or_else(|e| panic!("{e}"))
}

fn snippet(specs: &[&'static claims_runtime::HandlerSpec], opts: &PolicyOptions) -> String {
    let opts = PolicyOptions {
        snippet: true,
        ..opts.clone()
    };
    export(specs, &opts).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn kitchen_sink_document() {
    let xml = whole(&kitchen_sink(), &kitchen_options());
    validate_with_xsd("kitchen_sink", &xml);
    insta::assert_snapshot!("kitchen_sink", xml);
}

#[test]
fn kitchen_sink_snippet() {
    let xml = snippet(&kitchen_sink(), &kitchen_options());
    validate_with_xsd("kitchen_sink_snippet", &wrap_snippet(&xml));
    insta::assert_snapshot!("kitchen_sink_snippet", xml);
}

#[test]
fn loyalty_document() {
    let xml = whole(&loyalty(), &loyalty_options());
    validate_with_xsd("loyalty", &xml);
    insta::assert_snapshot!("loyalty", xml);
}

#[test]
fn loyalty_snippet() {
    let xml = snippet(&loyalty(), &loyalty_options());
    validate_with_xsd("loyalty_snippet", &wrap_snippet(&xml));
    insta::assert_snapshot!("loyalty_snippet", xml);
}

#[test]
fn loyalty_production_with_allow_insecure_and_no_examples() {
    let opts = PolicyOptions {
        production: true,
        allow_insecure: true,
        usage_examples: false,
        ..loyalty_options()
    };
    let xml = whole(&loyalty(), &opts);
    validate_with_xsd("loyalty_production", &xml);
    assert!(xml.contains(r#"DeploymentMode="Production""#));
    assert!(xml.contains(r#"<Item Key="AllowInsecureAuthInProduction">true</Item>"#));
    assert!(!xml.contains("<!-- Usage"));
    assert!(!xml.contains("DebugMode"));
}

#[test]
fn production_export_with_authenticated_handlers() {
    let opts = PolicyOptions {
        production: true,
        default_auth: AuthSpec::Basic,
        ..loyalty_options()
    };
    let xml = whole(&loyalty(), &opts);
    validate_with_xsd("loyalty_production_basic", &xml);
    assert!(!xml.contains("AllowInsecureAuthInProduction"));
    assert_eq!(xml.matches("BasicAuthenticationUsername").count(), 5);
}

#[test]
fn generated_handlers_validate() {
    let xml = whole(
        &generated(200),
        &PolicyOptions {
            tenant_id: "contoso.onmicrosoft.com".to_owned(),
            default_auth: AuthSpec::None,
            ..PolicyOptions::default()
        },
    );
    validate_with_xsd("generated_200", &xml);
}

#[test]
fn no_handlers_still_validates() {
    let xml = whole(&[], &loyalty_options());
    validate_with_xsd("empty", &xml);
    assert!(
        !xml.contains("<BuildingBlocks"),
        "ClaimsSchema needs at least one ClaimType"
    );
}

#[test]
fn export_is_deterministic() {
    for (specs, opts) in [
        (kitchen_sink(), kitchen_options()),
        (loyalty(), loyalty_options()),
    ] {
        let a = whole(&specs, &opts);
        let b = whole(&specs, &opts);
        assert_eq!(a.as_bytes(), b.as_bytes());
        let a = snippet(&specs, &opts);
        let b = snippet(&specs, &opts);
        assert_eq!(a.as_bytes(), b.as_bytes());
    }
    // Claim types are sorted by id whatever the handler order.
    let mut reversed = kitchen_sink();
    reversed.reverse();
    let fwd = document(&kitchen_sink(), &kitchen_options()).unwrap();
    let rev = document(&reversed, &kitchen_options()).unwrap();
    assert_eq!(fwd.claim_types, rev.claim_types);
}

#[test]
fn document_model_renders_the_same_as_export() {
    let opts = kitchen_options();
    let doc = document(&kitchen_sink(), &opts).unwrap();
    assert_eq!(doc.to_xml(), whole(&kitchen_sink(), &opts));
    assert_eq!(doc.to_snippet(), snippet(&kitchen_sink(), &opts));
    assert_eq!(doc.technical_profiles.len(), kitchen_sink().len());
}

#[test]
fn no_url_in_messages_and_no_double_dash_in_comments() {
    let xml = whole(&kitchen_sink(), &kitchen_options());
    for key in [
        "DefaultUserMessageIfRequestFailed",
        "UserMessageIfRequestTimeout",
        "UserMessageIfDnsResolutionFailed",
        "UserMessageIfCircuitOpen",
    ] {
        let open = format!(r#"<Item Key="{key}">"#);
        let count = xml.matches(&open).count();
        assert_eq!(count, kitchen_sink().len(), "{key} in every profile");
        for part in xml.split(&open).skip(1) {
            let text = &part[..part.find("</Item>").unwrap()];
            assert!(!text.contains("http"), "{key} leaks a URL: {text}");
        }
    }
    for comment in xml.split("<!--").skip(1) {
        let body = &comment[..comment.find("-->").unwrap()];
        assert!(!body.contains("--"), "comment contains --: {body}");
    }
}

#[test]
fn messages_can_be_overridden_and_are_escaped() {
    let mut opts = loyalty_options();
    opts.messages.request_failed = "Service <down> & \"away\"".to_owned();
    let xml = whole(&loyalty(), &opts);
    assert!(xml.contains("Service &lt;down&gt; &amp; &quot;away&quot;"));
    validate_with_xsd("messages_escaped", &xml);
}

#[test]
fn url_query_template_is_escaped_by_the_writer() {
    let xml = whole(&kitchen_sink(), &kitchen_options());
    assert!(xml.contains(
        "https://api.contoso.com/b2c/members/{memberId}/orders?status={status}&amp;max={max}"
    ));
}

#[test]
fn no_secret_material_in_output() {
    let xml = whole(&kitchen_sink(), &kitchen_options());
    // Keys are referenced by policy-key name only.
    for line in xml.lines().filter(|l| l.contains("<Key ")) {
        assert!(line.contains("StorageReferenceId=\"B2C_1A_"), "{line}");
    }
}
