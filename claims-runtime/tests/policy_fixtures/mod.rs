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
    HandlerSpec {
        rust_fn: "handler",
        module: "fixtures",
        ..HandlerSpec::new(technical_profile, path, SendClaimsIn::Body)
    }
}

// ---------------------------------------------------------------------------------------------
// (a) Every feature.

static ALL_TYPES_IN: [InputClaimSpec; 11] = [
    InputClaimSpec {
        partner: Some("emailAddress"),
        display_name: Some("Email address"),
        help: Some("The address we send your card to"),
        input_type: Some(UserInputType::EmailBox),
        ..input("email", DataType::String)
    },
    InputClaimSpec {
        required: false,
        ..input("newsletter", DataType::Boolean)
    },
    InputClaimSpec {
        default: Some("1"),
        required: false,
        ..input("seats", DataType::Int)
    },
    InputClaimSpec {
        default: Some("9000000000"),
        always_default: true,
        required: false,
        ..input("quota", DataType::Long)
    },
    InputClaimSpec {
        partner: Some("dob"),
        ..input("birthDate", DataType::Date)
    },
    input("lastSeen", DataType::DateTime),
    input("sessionLength", DataType::Duration),
    InputClaimSpec {
        partner: Some("other_mails"),
        ..input("otherMails", DataType::StringCollection)
    },
    input("mobile", DataType::PhoneNumber),
    InputClaimSpec {
        partner: Some("lang"),
        display_name: Some("UI language sent to the REST API"),
        resolver: Some(resolvers::CULTURE_RFC5646),
        required: false,
        ..input("userLanguage", DataType::String)
    },
    InputClaimSpec {
        resolver: Some(resolvers::CORRELATION_ID),
        required: false,
        ..input("correlationId", DataType::String)
    },
];

static ALL_TYPES_OUT: [OutputClaimSpec; 10] = [
    OutputClaimSpec {
        display_name: Some("Your loyalty ID"),
        input_type: Some(UserInputType::Readonly),
        ..output("loyaltyNumber", DataType::String)
    },
    OutputClaimSpec {
        partner: Some("isNew"),
        default: Some("false"),
        ..output("isNewMember", DataType::Boolean)
    },
    output("points", DataType::Int),
    OutputClaimSpec {
        default: Some("0"),
        always_default: true,
        ..output("lifetimePoints", DataType::Long)
    },
    output("memberSince", DataType::Date),
    output("lastSeen", DataType::DateTime),
    output("sessionLength", DataType::Duration),
    OutputClaimSpec {
        always_present: false,
        ..output("tags", DataType::StringCollection)
    },
    output("mobile", DataType::PhoneNumber),
    OutputClaimSpec {
        partner: Some("contacts[0].person.name"),
        ..output("displayName", DataType::String)
    },
];

/// Body, explicit `None`, every DataType, partners, defaults, resolvers, nested output.
pub static BODY_ALL_TYPES: HandlerSpec = HandlerSpec {
    display_name: "Register a member (every data type)",
    send_claims_in: SendClaimsIn::Body,
    auth: AuthSpec::None,
    inputs: &ALL_TYPES_IN,
    outputs: &ALL_TYPES_OUT,
    ..handler("REST-RegisterMember", "/members/register")
};

/// Form with Basic auth.
pub static FORM_BASIC: HandlerSpec = HandlerSpec {
    display_name: "Acquire a token (form post)",
    send_claims_in: SendClaimsIn::Form,
    auth: AuthSpec::Basic,
    inputs: &[
        InputClaimSpec {
            default: Some("client_credentials"),
            always_default: true,
            required: false,
            ..input("grant_type", DataType::String)
        },
        InputClaimSpec {
            default: Some("api://claims/.default"),
            ..input("scope", DataType::String)
        },
    ],
    outputs: &[OutputClaimSpec {
        partner: Some("access_token"),
        ..output("bearerToken", DataType::String)
    }],
    ..handler("REST-AcquireToken", "/oauth2/token")
};

/// Header with a static bearer token.
pub static HEADER_BEARER: HandlerSpec = HandlerSpec {
    display_name: "Check the device",
    send_claims_in: SendClaimsIn::Header,
    auth: AuthSpec::Bearer,
    inputs: &[InputClaimSpec {
        partner: Some("X-Device-Id"),
        ..input("deviceId", DataType::String)
    }],
    outputs: &[output("deviceTrusted", DataType::Boolean)],
    ..handler("REST-CheckDevice", "/devices/check")
};

/// Url mode with an API-key header, path placeholders and a `?k={v}&…` query template.
pub static URL_API_KEY: HandlerSpec = HandlerSpec {
    display_name: "List orders",
    send_claims_in: SendClaimsIn::Url,
    auth: AuthSpec::ApiKeyHeader("x-functions-key"),
    inputs: &[
        input("memberId", DataType::String),
        InputClaimSpec {
            partner: Some("status"),
            ..input("orderStatus", DataType::String)
        },
        InputClaimSpec {
            partner: Some("max"),
            default: Some("10"),
            ..input("pageSize", DataType::Int)
        },
    ],
    outputs: &[output("orderIds", DataType::StringCollection)],
    ..handler(
        "REST-ListOrders",
        "/members/{memberId}/orders?status={status}&max={max}",
    )
};

/// QueryString with a client certificate.
pub static QUERY_CERT: HandlerSpec = HandlerSpec {
    display_name: "Find a member",
    send_claims_in: SendClaimsIn::QueryString,
    auth: AuthSpec::ClientCertificate,
    inputs: &[InputClaimSpec {
        partner: Some("q"),
        ..input("email", DataType::String)
    }],
    outputs: &[output("memberId", DataType::String)],
    ..handler("REST-FindMember", "/members")
};

static ORDER_PAYLOAD: PayloadSpec = PayloadSpec {
    claim_id: "orderRequestBody",
    transformation_id: "GenerateOrderRequestBody",
    fields: &[
        InputClaimSpec {
            partner: Some("customer.email"),
            ..input("email", DataType::String)
        },
        InputClaimSpec {
            partner: Some("customer.id"),
            ..input("memberId", DataType::String)
        },
        InputClaimSpec {
            partner: Some("items.0.sku"),
            ..input("sku", DataType::String)
        },
        InputClaimSpec {
            partner: Some("items.0.quantity"),
            default: Some("1"),
            ..input("quantity", DataType::Long)
        },
        InputClaimSpec {
            partner: Some("channel"),
            default: Some("b2c"),
            ..input("orderChannel", DataType::String)
        },
    ],
};

/// Payload mode (GenerateJson + ClaimUsedForRequestPayload), bearer token from a declared claim.
pub static PAYLOAD_BEARER_CLAIM: HandlerSpec = HandlerSpec {
    display_name: "Place an order (JSON payload)",
    send_claims_in: SendClaimsIn::Body,
    auth: AuthSpec::BearerFromClaim("bearerToken"),
    payload: Some(&ORDER_PAYLOAD),
    outputs: &[output("orderId", DataType::String)],
    ..handler("REST-PlaceOrder", "/orders")
};

/// Bearer token from a claim that is not among the inputs (the exporter adds it), auth via
/// `Inherit` elsewhere.
pub static BODY_BEARER_CLAIM: HandlerSpec = HandlerSpec {
    display_name: "Cancel an order",
    auth: AuthSpec::BearerFromClaim("bearerToken"),
    inputs: &[input("orderId", DataType::String)],
    ..handler("REST-CancelOrder", "/orders/cancel")
};

/// Inherits the app-wide auth; no claims at all.
pub static INHERIT_NO_CLAIMS: HandlerSpec = HandlerSpec {
    display_name: "Ping",
    ..handler("REST-Ping", "/ping")
};

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
pub static VALIDATE_EMAIL: HandlerSpec = HandlerSpec {
    display_name: "Validate the email address",
    inputs: &[InputClaimSpec {
        partner: Some("emailAddress"),
        ..input("email", DataType::String)
    }],
    ..handler("REST-ValidateEmail", "/validate-email")
};

/// Capitalizes the names (Body).
pub static CAPITALIZE_NAME: HandlerSpec = HandlerSpec {
    display_name: "Capitalize the name",
    inputs: &[
        InputClaimSpec {
            display_name: Some("Given name"),
            input_type: Some(UserInputType::TextBox),
            ..input("givenName", DataType::String)
        },
        InputClaimSpec {
            required: false,
            ..input("surname", DataType::String)
        },
    ],
    outputs: &[
        output("givenName", DataType::String),
        output("surname", DataType::String),
    ],
    ..handler("REST-CapitalizeName", "/capitalize-name")
};

/// Enriches with the loyalty number (Body, Basic, resolvers, nested output).
pub static ENRICH: HandlerSpec = HandlerSpec {
    display_name: "Get the loyalty number",
    auth: AuthSpec::Basic,
    inputs: &[
        InputClaimSpec {
            partner: Some("emailAddress"),
            ..input("email", DataType::String)
        },
        InputClaimSpec {
            partner: Some("lang"),
            resolver: Some(resolvers::CULTURE_RFC5646),
            required: false,
            ..input("userLanguage", DataType::String)
        },
        InputClaimSpec {
            resolver: Some(resolvers::CORRELATION_ID),
            required: false,
            ..input("correlationId", DataType::String)
        },
    ],
    outputs: &[
        OutputClaimSpec {
            display_name: Some("Your loyalty number"),
            ..output("loyaltyNumber", DataType::String)
        },
        OutputClaimSpec {
            partner: Some("isNew"),
            default: Some("false"),
            ..output("isNewMember", DataType::Boolean)
        },
        OutputClaimSpec {
            partner: Some("contacts[0].person.name"),
            ..output("displayName", DataType::String)
        },
    ],
    ..handler("REST-GetLoyaltyNumber", "/loyalty")
};

/// Looks a member up by id (Url).
pub static GET_MEMBER: HandlerSpec = HandlerSpec {
    display_name: "Get a member by id",
    send_claims_in: SendClaimsIn::Url,
    inputs: &[input("memberId", DataType::String)],
    outputs: &[
        output("loyaltyNumber", DataType::String),
        output("points", DataType::Int),
    ],
    ..handler("REST-GetMember", "/members/{memberId}")
};

/// Looks a member up by email (QueryString).
pub static FIND_MEMBER: HandlerSpec = HandlerSpec {
    display_name: "Find a member by email",
    send_claims_in: SendClaimsIn::QueryString,
    inputs: &[input("email", DataType::String)],
    outputs: &[output("memberId", DataType::String)],
    ..handler("REST-FindMemberByEmail", "/members")
};

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
                InputClaimSpec {
                    partner: Some("emailAddress"),
                    ..input("email", DataType::String)
                },
                input(leak(format!("field{i}")), DataType::String),
                input(leak(format!("count{}", i % 50)), DataType::Int),
                InputClaimSpec {
                    resolver: Some(resolvers::CULTURE_RFC5646),
                    ..input("userLanguage", DataType::String)
                },
            ]));
            let outputs: &'static [OutputClaimSpec] = Box::leak(Box::new([
                output(leak(format!("result{i}")), DataType::String),
                OutputClaimSpec {
                    partner: Some("ok"),
                    ..output("succeeded", DataType::Boolean)
                },
                OutputClaimSpec {
                    partner: Some("data[0].value"),
                    ..output(leak(format!("nested{}", i % 20)), DataType::Long)
                },
            ]));
            let spec: &'static HandlerSpec = Box::leak(Box::new(HandlerSpec {
                display_name: leak(format!("Generated handler {i}")),
                send_claims_in: modes[i % modes.len()],
                auth: if i % 2 == 0 {
                    AuthSpec::Basic
                } else {
                    AuthSpec::Inherit
                },
                inputs,
                outputs,
                ..handler(
                    leak(format!("REST-Generated{i}")),
                    leak(format!("/generated/{i}")),
                )
            }));
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
