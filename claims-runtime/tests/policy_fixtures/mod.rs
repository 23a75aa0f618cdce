//! Hand-written descriptors (what `#[claims_handler]` will generate) and helpers shared by the
//! policy tests and the policy bench.
#![allow(dead_code)]

use claims_runtime::descriptor::resolvers;
use claims_runtime::policy::PolicyOptions;
use claims_runtime::{
    AuthSpec, DataType, HandlerSpec, InputClaimSpec, OutputClaimSpec, PayloadSpec, SendClaimsIn,
    UserInputType,
};

/// An input claim with every optional part unset.
pub const fn input(id: &'static str, data_type: DataType) -> InputClaimSpec {
    InputClaimSpec::new(id, data_type)
}

/// An output claim with every optional part unset.
pub const fn output(id: &'static str, data_type: DataType) -> OutputClaimSpec {
    OutputClaimSpec::new(id, data_type)
}

/// A Body handler with no claims and auth `Inherit`.
pub const fn handler(technical_profile: &'static str, path: &'static str) -> HandlerSpec {
    HandlerSpec::new(technical_profile, path, SendClaimsIn::Body)
        .with_rust_fn("handler", "fixtures")
}

// ---------------------------------------------------------------------------------------------
// (a) Every feature.

static ALL_TYPES_IN: [InputClaimSpec; 11] = [
    input("email", DataType::String)
        .with_partner("emailAddress")
        .with_display_name("Email address")
        .with_help("The address we send your card to")
        .with_input_type(UserInputType::EmailBox),
    input("newsletter", DataType::Boolean).with_required(false),
    input("seats", DataType::Int)
        .with_default("1")
        .with_required(false),
    input("quota", DataType::Long)
        .with_default("9000000000")
        .always_default()
        .with_required(false),
    input("birthDate", DataType::Date).with_partner("dob"),
    input("lastSeen", DataType::DateTime),
    input("sessionLength", DataType::Duration),
    input("otherMails", DataType::StringCollection).with_partner("other_mails"),
    input("mobile", DataType::PhoneNumber),
    input("userLanguage", DataType::String)
        .with_partner("lang")
        .with_resolver(resolvers::CULTURE_RFC5646)
        .with_display_name("UI language sent to the REST API")
        .with_required(false),
    input("correlationId", DataType::String)
        .with_resolver(resolvers::CORRELATION_ID)
        .with_required(false),
];

static ALL_TYPES_OUT: [OutputClaimSpec; 10] = [
    output("loyaltyNumber", DataType::String)
        .with_display_name("Your loyalty ID")
        .with_input_type(UserInputType::Readonly),
    output("isNewMember", DataType::Boolean)
        .with_partner("isNew")
        .with_default("false"),
    output("points", DataType::Int),
    output("lifetimePoints", DataType::Long)
        .with_default("0")
        .always_default(),
    output("memberSince", DataType::Date),
    output("lastSeen", DataType::DateTime),
    output("sessionLength", DataType::Duration),
    output("tags", DataType::StringCollection).with_always_present(false),
    output("mobile", DataType::PhoneNumber),
    output("displayName", DataType::String).with_partner("contacts[0].person.name"),
];

/// Body, explicit `None`, every DataType, partners, defaults, resolvers, nested output.
pub static BODY_ALL_TYPES: HandlerSpec = handler("REST-RegisterMember", "/members/register")
    .with_send_claims_in(SendClaimsIn::Body)
    .with_display_name("Register a member (every data type)")
    .with_auth(AuthSpec::None)
    .with_inputs(&ALL_TYPES_IN)
    .with_outputs(&ALL_TYPES_OUT);

/// Form with Basic auth.
pub static FORM_BASIC: HandlerSpec = handler("REST-AcquireToken", "/oauth2/token")
    .with_send_claims_in(SendClaimsIn::Form)
    .with_display_name("Acquire a token (form post)")
    .with_auth(AuthSpec::Basic)
    .with_inputs(&[
        input("grant_type", DataType::String)
            .with_default("client_credentials")
            .always_default()
            .with_required(false),
        input("scope", DataType::String).with_default("api://claims/.default"),
    ])
    .with_outputs(&[output("bearerToken", DataType::String).with_partner("access_token")]);

/// Header with a static bearer token.
pub static HEADER_BEARER: HandlerSpec = handler("REST-CheckDevice", "/devices/check")
    .with_send_claims_in(SendClaimsIn::Header)
    .with_display_name("Check the device")
    .with_auth(AuthSpec::Bearer)
    .with_inputs(&[input("deviceId", DataType::String).with_partner("X-Device-Id")])
    .with_outputs(&[output("deviceTrusted", DataType::Boolean)]);

/// Url mode with an API-key header, path placeholders and a `?k={v}&…` query template.
pub static URL_API_KEY: HandlerSpec = handler(
    "REST-ListOrders",
    "/members/{memberId}/orders?status={status}&max={max}",
)
.with_send_claims_in(SendClaimsIn::Url)
.with_display_name("List orders")
.with_auth(AuthSpec::ApiKeyHeader("x-functions-key"))
.with_inputs(&[
    input("memberId", DataType::String),
    input("orderStatus", DataType::String).with_partner("status"),
    input("pageSize", DataType::Int)
        .with_partner("max")
        .with_default("10"),
])
.with_outputs(&[output("orderIds", DataType::StringCollection)]);

/// QueryString with a client certificate.
pub static QUERY_CERT: HandlerSpec = handler("REST-FindMember", "/members")
    .with_send_claims_in(SendClaimsIn::QueryString)
    .with_display_name("Find a member")
    .with_auth(AuthSpec::ClientCertificate)
    .with_inputs(&[input("email", DataType::String).with_partner("q")])
    .with_outputs(&[output("memberId", DataType::String)]);

static ORDER_PAYLOAD: PayloadSpec = PayloadSpec::new(
    "orderRequestBody",
    "GenerateOrderRequestBody",
    &[
        input("email", DataType::String).with_partner("customer.email"),
        input("memberId", DataType::String).with_partner("customer.id"),
        input("sku", DataType::String).with_partner("items.0.sku"),
        input("quantity", DataType::Long)
            .with_partner("items.0.quantity")
            .with_default("1"),
        input("orderChannel", DataType::String)
            .with_partner("channel")
            .with_default("b2c"),
    ],
);

/// Payload mode (GenerateJson + ClaimUsedForRequestPayload), bearer token from a declared claim.
pub static PAYLOAD_BEARER_CLAIM: HandlerSpec = handler("REST-PlaceOrder", "/orders")
    .with_send_claims_in(SendClaimsIn::Body)
    .with_display_name("Place an order (JSON payload)")
    .with_auth(AuthSpec::BearerFromClaim("bearerToken"))
    .with_outputs(&[output("orderId", DataType::String)])
    .with_payload(&ORDER_PAYLOAD);

/// Bearer token from a claim that is not among the inputs (the exporter adds it), auth via
/// `Inherit` elsewhere.
pub static BODY_BEARER_CLAIM: HandlerSpec = handler("REST-CancelOrder", "/orders/cancel")
    .with_display_name("Cancel an order")
    .with_auth(AuthSpec::BearerFromClaim("bearerToken"))
    .with_inputs(&[input("orderId", DataType::String)]);

/// Inherits the app-wide auth; no claims at all.
pub static INHERIT_NO_CLAIMS: HandlerSpec = handler("REST-Ping", "/ping").with_display_name("Ping");

/// Every feature, in a fixed order.
pub fn kitchen_sink() -> Vec<&'static HandlerSpec> {
    vec![
        &BODY_ALL_TYPES,
        &FORM_BASIC,
        &HEADER_BEARER,
        &URL_API_KEY,
        &QUERY_CERT,
        &PAYLOAD_BEARER_CLAIM,
        &BODY_BEARER_CLAIM,
        &INHERIT_NO_CLAIMS,
    ]
}

/// Options for the kitchen sink: Inherit resolves to an API key.
pub fn kitchen_options() -> PolicyOptions {
    PolicyOptions {
        base_url: "https://api.contoso.com/b2c/".to_owned(),
        tenant_id: "contoso.onmicrosoft.com".to_owned(),
        default_auth: AuthSpec::ApiKeyHeader("x-api-key"),
        debug_mode: true,
        ..PolicyOptions::default()
    }
}

// ---------------------------------------------------------------------------------------------
// (b) The loyalty example.

/// Validates the email address (Body, no outputs).
pub static VALIDATE_EMAIL: HandlerSpec = handler("REST-ValidateEmail", "/validate-email")
    .with_display_name("Validate the email address")
    .with_inputs(&[input("email", DataType::String).with_partner("emailAddress")]);

/// Capitalizes the names (Body).
pub static CAPITALIZE_NAME: HandlerSpec = handler("REST-CapitalizeName", "/capitalize-name")
    .with_display_name("Capitalize the name")
    .with_inputs(&[
        input("givenName", DataType::String)
            .with_display_name("Given name")
            .with_input_type(UserInputType::TextBox),
        input("surname", DataType::String).with_required(false),
    ])
    .with_outputs(&[
        output("givenName", DataType::String),
        output("surname", DataType::String),
    ]);

/// Enriches with the loyalty number (Body, Basic, resolvers, nested output).
pub static ENRICH: HandlerSpec = handler("REST-GetLoyaltyNumber", "/loyalty")
    .with_display_name("Get the loyalty number")
    .with_auth(AuthSpec::Basic)
    .with_inputs(&[
        input("email", DataType::String).with_partner("emailAddress"),
        input("userLanguage", DataType::String)
            .with_partner("lang")
            .with_resolver(resolvers::CULTURE_RFC5646)
            .with_required(false),
        input("correlationId", DataType::String)
            .with_resolver(resolvers::CORRELATION_ID)
            .with_required(false),
    ])
    .with_outputs(&[
        output("loyaltyNumber", DataType::String).with_display_name("Your loyalty number"),
        output("isNewMember", DataType::Boolean)
            .with_partner("isNew")
            .with_default("false"),
        output("displayName", DataType::String).with_partner("contacts[0].person.name"),
    ]);

/// Looks a member up by id (Url).
pub static GET_MEMBER: HandlerSpec = handler("REST-GetMember", "/members/{memberId}")
    .with_send_claims_in(SendClaimsIn::Url)
    .with_display_name("Get a member by id")
    .with_inputs(&[input("memberId", DataType::String)])
    .with_outputs(&[
        output("loyaltyNumber", DataType::String),
        output("points", DataType::Int),
    ]);

/// Looks a member up by email (QueryString).
pub static FIND_MEMBER: HandlerSpec = handler("REST-FindMemberByEmail", "/members")
    .with_send_claims_in(SendClaimsIn::QueryString)
    .with_display_name("Find a member by email")
    .with_inputs(&[input("email", DataType::String)])
    .with_outputs(&[output("memberId", DataType::String)]);

/// The loyalty app.
pub fn loyalty() -> Vec<&'static HandlerSpec> {
    vec![
        &VALIDATE_EMAIL,
        &CAPITALIZE_NAME,
        &ENRICH,
        &GET_MEMBER,
        &FIND_MEMBER,
    ]
}

/// Options for the loyalty app (development export).
pub fn loyalty_options() -> PolicyOptions {
    PolicyOptions {
        base_url: "https://loyalty.contoso.com".to_owned(),
        tenant_id: "contoso.onmicrosoft.com".to_owned(),
        policy_id: "B2C_1A_Loyalty".to_owned(),
        // The fixture app's handlers inherit an anonymous default.
        default_auth: AuthSpec::None,
        ..PolicyOptions::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generated handlers (bench, scale tests).

/// `n` distinct handlers with four inputs and three outputs each, leaked to get `'static`.
pub fn generated(n: usize) -> Vec<&'static HandlerSpec> {
    let modes = [
        SendClaimsIn::Body,
        SendClaimsIn::Form,
        SendClaimsIn::Header,
        SendClaimsIn::QueryString,
    ];
    (0..n)
        .map(|i| {
            let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
            let inputs: &'static [InputClaimSpec] = Box::leak(Box::new([
                input("email", DataType::String).with_partner("emailAddress"),
                input(leak(format!("field{i}")), DataType::String),
                input(leak(format!("count{}", i % 50)), DataType::Int),
                input("userLanguage", DataType::String).with_resolver(resolvers::CULTURE_RFC5646),
            ]));
            let outputs: &'static [OutputClaimSpec] = Box::leak(Box::new([
                output(leak(format!("result{i}")), DataType::String),
                output("succeeded", DataType::Boolean).with_partner("ok"),
                output(leak(format!("nested{}", i % 20)), DataType::Long)
                    .with_partner("data[0].value"),
            ]));
            let spec: &'static HandlerSpec = Box::leak(Box::new(
                handler(
                    leak(format!("REST-Generated{i}")),
                    leak(format!("/generated/{i}")),
                )
                .with_send_claims_in(modes[i % modes.len()])
                .with_display_name(leak(format!("Generated handler {i}")))
                .with_auth(if i % 2 == 0 {
                    AuthSpec::Basic
                } else {
                    AuthSpec::Inherit
                })
                .with_inputs(inputs)
                .with_outputs(outputs),
            ));
            spec
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// XSD validation.

/// The shared B2C reference folder: `$CLAIMS_B2C_SHARED`, else the first `shared/b2c` found
/// walking up from the crate (`../../shared/b2c` in the main checkout, one level more from a
/// worktree).
pub fn shared_b2c_dir() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("CLAIMS_B2C_SHARED") {
        return p.into();
    }
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|a| a.join("shared/b2c"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| manifest.join("../../shared/b2c"))
}

/// Validates a whole policy file with `xmllint` against the official schema; panics with
/// xmllint's report on failure, and when xmllint is not installed.
pub fn validate_with_xsd(name: &str, xml: &str) {
    let schema = shared_b2c_dir().join("TrustFrameworkPolicy_0.3.0.0.xmllint.xsd");
    assert!(
        schema.is_file(),
        "schema not found at {} (set CLAIMS_B2C_SHARED to the folder holding it)",
        schema.display()
    );
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("policy-xsd");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    let out = match std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
    {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "xmllint is not installed, so the exported policy cannot be validated against the \
             B2C schema; install it with `apt-get install -y libxml2-utils`"
        ),
        Err(e) => panic!("running xmllint failed: {e}"),
    };
    assert!(
        out.status.success(),
        "{name}: exported policy does not validate against the B2C schema:\n{}\n--- document ---\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Wraps snippet output (top-level ClaimType / ClaimsTransformation / ClaimsProvider elements)
/// into the minimal root of shared/b2c/README.md.
pub fn wrap_snippet(snippet: &str) -> String {
    let mut claim_types = String::new();
    let mut transformations = String::new();
    let mut providers = String::new();
    let mut current: Option<(&str, String)> = None;
    for line in snippet.lines() {
        if let Some((name, buf)) = current.as_mut() {
            buf.push_str(line);
            buf.push('\n');
            if line == format!("</{name}>") {
                let (name, buf) = current.take().unwrap();
                push_group(
                    name,
                    buf,
                    &mut claim_types,
                    &mut transformations,
                    &mut providers,
                );
            }
            continue;
        }
        if line.starts_with("<!--") || line.trim().is_empty() {
            continue;
        }
        let name = ["ClaimType", "ClaimsTransformation", "ClaimsProvider"]
            .into_iter()
            .find(|n| line.starts_with(&format!("<{n} ")) || line.starts_with(&format!("<{n}>")))
            .unwrap_or_else(|| panic!("unexpected top-level snippet line: {line}"));
        let buf = format!("{line}\n");
        if line.ends_with("/>") {
            push_group(
                name,
                buf,
                &mut claim_types,
                &mut transformations,
                &mut providers,
            );
        } else {
            current = Some((name, buf));
        }
    }
    assert!(current.is_none(), "unterminated element in snippet");
    let mut blocks = String::new();
    if !claim_types.is_empty() {
        blocks.push_str(&format!("<ClaimsSchema>\n{claim_types}</ClaimsSchema>\n"));
    }
    if !transformations.is_empty() {
        blocks.push_str(&format!(
            "<ClaimsTransformations>\n{transformations}</ClaimsTransformations>\n"
        ));
    }
    format!(
        "<TrustFrameworkPolicy xmlns=\"http://schemas.microsoft.com/online/cpim/schemas/2013/06\" \
         PolicySchemaVersion=\"0.3.0.0\" TenantId=\"contoso.onmicrosoft.com\" \
         PolicyId=\"B2C_1A_Test\" PublicPolicyUri=\"http://contoso.onmicrosoft.com/B2C_1A_Test\">\n\
         <BuildingBlocks>\n{blocks}</BuildingBlocks>\n\
         <ClaimsProviders>\n{providers}</ClaimsProviders>\n\
         </TrustFrameworkPolicy>\n"
    )
}

fn push_group(name: &str, buf: String, ct: &mut String, tr: &mut String, pr: &mut String) {
    match name {
        "ClaimType" => ct.push_str(&buf),
        "ClaimsTransformation" => tr.push_str(&buf),
        _ => pr.push_str(&buf),
    }
}
