//! Issue 12: RESTful profiles real policies use, written with `#[claims_handler]`, exported by
//! the app, validated against the B2C schema, and called through the emulator and the pipeline.

use claims_runtime::policy::PolicyOptions;
use claims_runtime::prelude::*;
use claims_runtime::{App, AuthSpec, HandlerSpec, InputClaimSpec};
use claims_testing::{Emulator, OutcomeKind, ResolverContext, claims};

#[derive(OutputClaims)]
struct Greeting {
    #[claim(id = "greeting")]
    text: String,
}

/// Declares neither culture nor correlation: both are sent anyway.
#[claims_handler(path = "/greet", auth = None)]
async fn greet(#[claim] email: String) -> Result<Greeting, ClaimsError> {
    Err(ClaimsError::user("member-not-found").arg("email", email))
}

/// Url mode: the implicit claims join the query template.
#[claims_handler(path = "/members/{memberId}", send_claims_in = Url, auth = None)]
async fn member(#[claim] member_id: String) -> Result<Greeting, ClaimsError> {
    Err(ClaimsError::user("member-not-found").arg("email", member_id))
}

/// Header mode.
#[claims_handler(path = "/by-header", send_claims_in = Header, auth = None)]
async fn by_header(#[claim(partner = "x-email")] email: String) -> Result<Greeting, ClaimsError> {
    Err(ClaimsError::user("member-not-found").arg("email", email))
}

/// Opts out of both.
#[claims_handler(path = "/quiet", auth = None, send_culture = false, send_correlation = false)]
async fn quiet(#[claim] email: String) -> Greeting {
    Greeting { text: email }
}

/// Declares its own culture claim (an LCID): no implicit culture, still an implicit correlation.
#[claims_handler(path = "/own-lcid", auth = None)]
async fn own_lcid(
    #[claim] email: String,
    #[claim(id = "lcid", resolver = "{Culture:LCID}")] _lcid: Option<String>,
) -> Greeting {
    Greeting { text: email }
}

const SPECS: [&HandlerSpec; 5] = [
    greet::SPEC,
    member::SPEC,
    by_header::SPEC,
    quiet::SPEC,
    own_lcid::SPEC,
];

fn app() -> App {
    let mut app = App::empty().default_auth(AuthSpec::None);
    for s in SPECS {
        app = app.handler(s);
    }
    app.messages("en", "member-not-found = No membership for { $email }.")
        .messages("fr", "member-not-found = Aucune adhésion pour { $email }.")
        .messages(
            "de",
            "member-not-found = Keine Mitgliedschaft für { $email }.",
        )
}

fn policy() -> String {
    let xml = app()
        .policy(PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            ..PolicyOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    validate_with_xsd("emulator_gaps", &xml);
    xml
}

/// The `<TechnicalProfile Id="id">` element of `xml`.
fn profile<'a>(xml: &'a str, id: &str) -> &'a str {
    let start = xml
        .find(&format!(r#"<TechnicalProfile Id="{id}">"#))
        .unwrap_or_else(|| panic!("{id} not exported:\n{xml}"));
    let end = start + xml[start..].find("</TechnicalProfile>").unwrap();
    &xml[start..end]
}

/// Validates a whole policy with `xmllint` against the official schema (shared/b2c, or
/// `CLAIMS_B2C_SHARED`).
fn validate_with_xsd(name: &str, xml: &str) {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("CLAIMS_B2C_SHARED")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            manifest
                .ancestors()
                .map(|a| a.join("shared/b2c"))
                .find(|p| p.is_dir())
        })
        .expect("shared/b2c not found: set CLAIMS_B2C_SHARED to the folder holding the XSD");
    let schema = dir.join("TrustFrameworkPolicy_0.3.0.0.xmllint.xsd");
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint did not run ({e}); install it with `apt-get install -y libxml2-utils`")
        });
    assert!(
        out.status.success(),
        "{name}: the policy does not validate:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn emulator(xml: &str) -> Emulator {
    Emulator::from_policy(xml)
        .expect("the exported policy parses")
        .in_process(app())
        .await
}

// ---------------------------------------------------------------------------------------------
// Gap 7: culture and correlation by default

#[test]
fn every_profile_sends_culture_and_correlation_unless_it_opts_out() {
    let culture = InputClaimSpec::IMPLICIT_CULTURE;
    let correlation = InputClaimSpec::IMPLICIT_CORRELATION;
    assert_eq!(
        greet::SPEC.inputs,
        &[greet::SPEC.inputs[0], culture, correlation]
    );
    assert_eq!(greet::SPEC.culture.rfc5646, Some(1));
    assert_eq!(greet::SPEC.correlation, Some(2));
    assert!(!greet::SPEC.inputs[0].implicit && greet::SPEC.inputs[1].implicit);
    assert_eq!(quiet::SPEC.inputs.len(), 1);
    assert_eq!(quiet::SPEC.correlation, None);
    assert_eq!(own_lcid::SPEC.inputs.len(), 3, "email, lcid, correlation");
    assert_eq!(own_lcid::SPEC.culture.lcid, Some(1));
    assert_eq!(own_lcid::SPEC.culture.rfc5646, None);
    assert_eq!(own_lcid::SPEC.correlation, Some(2));

    let xml = policy();
    let greet = profile(&xml, "REST-Greet");
    assert!(
        greet.contains(r#"<InputClaim ClaimTypeReferenceId="claimsRuntimeCulture" DefaultValue="{Culture:RFC5646}" AlwaysUseDefaultValue="true"/>"#),
        "{greet}"
    );
    assert!(
        greet.contains(r#"<InputClaim ClaimTypeReferenceId="claimsRuntimeCorrelationId" DefaultValue="{Context:CorrelationId}" AlwaysUseDefaultValue="true"/>"#),
        "{greet}"
    );
    assert!(
        greet.contains(r#"<Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>"#),
        "{greet}"
    );
    assert!(
        profile(&xml, "REST-Member").contains(
            "/members/{memberId}?claimsRuntimeCulture={claimsRuntimeCulture}&amp;claimsRuntimeCorrelationId={claimsRuntimeCorrelationId}</Item>"
        ),
        "{xml}"
    );
    let quiet = profile(&xml, "REST-Quiet");
    assert!(!quiet.contains("claimsRuntime"), "{quiet}");
    assert!(
        !quiet.contains("IncludeClaimResolvingInClaimsHandling"),
        "{quiet}"
    );
    assert!(!profile(&xml, "REST-OwnLcid").contains("claimsRuntimeCulture"));
    // Declared once in the schema, whatever the number of profiles.
    assert_eq!(
        xml.matches(r#"<ClaimType Id="claimsRuntimeCulture">"#)
            .count(),
        1
    );
}

#[actix_web::test]
async fn the_users_language_and_correlation_id_reach_every_send_mode() {
    let emu = emulator(&policy()).await;
    let cases = [
        ("REST-Greet", claims! {"email" => "a@contoso.com"}),
        ("REST-Member", claims! {"memberId" => "a@contoso.com"}),
        ("REST-ByHeader", claims! {"email" => "a@contoso.com"}),
    ];
    for (tp, bag) in cases {
        for (culture, text) in [
            ("fr-FR", "Aucune adhésion pour a@contoso.com."),
            ("de-AT", "Keine Mitgliedschaft für a@contoso.com."),
            ("en-US", "No membership for a@contoso.com."),
        ] {
            let ctx = ResolverContext::new()
                .culture(culture)
                .correlation_id("6c1e8d2a-0000-4000-8000-00000000abcd");
            let o = emu.call_with(tp, bag.clone(), &ctx).await;
            assert!(
                matches!(
                    o.kind,
                    OutcomeKind::UserError {
                        http_status: 409,
                        ..
                    }
                ),
                "{tp} {culture}: {o}\n{}",
                o.trace
            );
            assert_eq!(o.user_message(), Some(text), "{tp} {culture}");
            let body: serde_json::Value =
                serde_json::from_str(&o.trace.response().unwrap().body_text()).unwrap();
            assert_eq!(
                body["requestId"], "6c1e8d2a-0000-4000-8000-00000000abcd",
                "{tp}: the correlation id is echoed"
            );
            assert!(
                !o.warnings.iter().any(|w| w.contains("claimsRuntime")),
                "{tp}: {:?}",
                o.warnings
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Gap 6: output keys B2C accepts that a JSON path grammar would refuse

#[derive(OutputClaims)]
struct Flat {
    /// LinkedIn's `handle~`.
    #[claim(id = "handle", partner = "handle~")]
    handle: String,
    /// A literal key with a dot, read without JSON-path resolution.
    #[claim(id = "userName", key = "user.name")]
    user_name: String,
}

/// Flat keys only: no JSON-path resolution.
#[claims_handler(path = "/flat", auth = None)]
async fn flat_keys(#[claim] email: String) -> Flat {
    Flat {
        handle: format!("{email}~"),
        user_name: "Emily".into(),
    }
}

#[derive(OutputClaims)]
struct LinkedIn {
    #[claim(id = "email", partner = "elements[0].handle~.emailAddress")]
    email: String,
}

/// A `~` inside a nested path.
#[claims_handler(path = "/linkedin", auth = None)]
async fn linked_in(#[claim] member: String) -> LinkedIn {
    LinkedIn {
        email: format!("{member}@linkedin.example"),
    }
}

#[actix_web::test]
async fn keys_with_tilde_and_dotted_flat_keys_round_trip() {
    let flat = flat_keys::SPEC.outputs;
    assert!(flat[1].flat_key && !flat[1].is_nested() && !flat[0].is_nested());
    let xml = App::empty()
        .default_auth(AuthSpec::None)
        .handler(flat_keys::SPEC)
        .handler(linked_in::SPEC)
        .policy(PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            ..PolicyOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    validate_with_xsd("gap6", &xml);
    let p = profile(&xml, "REST-FlatKeys");
    assert!(
        p.contains(r#"<OutputClaim ClaimTypeReferenceId="handle" PartnerClaimType="handle~"/>"#),
        "{p}"
    );
    assert!(
        p.contains(
            r#"<OutputClaim ClaimTypeReferenceId="userName" PartnerClaimType="user.name"/>"#
        ),
        "{p}"
    );
    assert!(!p.contains(r#"Key="ResolveJsonPathsInJsonTokens""#), "{p}");
    assert!(
        profile(&xml, "REST-LinkedIn")
            .contains(r#"<Item Key="ResolveJsonPathsInJsonTokens">true</Item>"#)
    );

    let app = App::empty()
        .default_auth(AuthSpec::None)
        .handler(flat_keys::SPEC)
        .handler(linked_in::SPEC);
    let emu = Emulator::from_policy(&xml).unwrap().in_process(app).await;
    let o = emu
        .call("REST-FlatKeys", claims! {"email" => "emily"})
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(
        o.trace.response().unwrap().body_text(),
        r#"{"handle~":"emily~","user.name":"Emily"}"#
    );
    assert_eq!(o.claim("handle").as_deref(), Some("emily~"));
    assert_eq!(o.claim("userName").as_deref(), Some("Emily"));
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);

    let o = emu
        .call("REST-LinkedIn", claims! {"member" => "emily"})
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(
        o.claim("email").as_deref(),
        Some("emily@linkedin.example"),
        "{}",
        o.trace
    );
}

// ---------------------------------------------------------------------------------------------
// Gap 4: explicit metadata per handler

/// Every explicit key at once.
#[claims_handler(
    path = "/explicit",
    auth = None,
    send_culture = false,
    send_correlation = false,
    metadata(
        IncludeClaimResolvingInClaimsHandling = true,
        ResolveJsonPathsInJsonTokens = true,
        DebugMode = true,
        AllowInsecureAuthInProduction = true,
        DefaultUserMessageIfRequestFailed = "Contoso is down.",
        UserMessageIfCircuitOpen = "Contoso is resting.",
        UserMessageIfDnsResolutionFailed = "Contoso is lost.",
        UserMessageIfRequestTimeout = "Contoso is slow.",
    )
)]
async fn explicit(#[claim] email: String) -> Result<Greeting, ClaimsError> {
    Err(ClaimsError::user("member-not-found").arg("email", email))
}

/// The same handler without explicit metadata: the defaults.
#[claims_handler(path = "/implied", auth = None, send_culture = false, send_correlation = false)]
async fn implied(#[claim] email: String) -> Result<Greeting, ClaimsError> {
    Err(ClaimsError::user("member-not-found").arg("email", email))
}

/// Explicitly off (the exporter would leave it out).
#[claims_handler(path = "/off", auth = Basic, metadata(AllowInsecureAuthInProduction = false))]
async fn off(#[claim] email: String) -> Greeting {
    Greeting { text: email }
}

fn metadata_items(profile: &str) -> Vec<(String, String)> {
    profile
        .match_indices(r#"<Item Key=""#)
        .map(|(i, m)| {
            let rest = &profile[i + m.len()..];
            let (key, rest) = rest.split_once(r#"">"#).unwrap();
            (key.to_owned(), rest[..rest.find('<').unwrap()].to_owned())
        })
        .collect()
}

#[actix_web::test]
async fn explicit_metadata_is_written_and_obeyed() {
    let xml = App::empty()
        .default_auth(AuthSpec::None)
        .handler(explicit::SPEC)
        .handler(implied::SPEC)
        .handler(off::SPEC)
        .policy(PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            ..PolicyOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    validate_with_xsd("gap4", &xml);
    let items = metadata_items(profile(&xml, "REST-Explicit"));
    let get = |k: &str| {
        items
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    for (k, v) in [
        ("IncludeClaimResolvingInClaimsHandling", "true"),
        ("ResolveJsonPathsInJsonTokens", "true"),
        ("DebugMode", "true"),
        ("AllowInsecureAuthInProduction", "true"),
        ("DefaultUserMessageIfRequestFailed", "Contoso is down."),
        ("UserMessageIfCircuitOpen", "Contoso is resting."),
        ("UserMessageIfDnsResolutionFailed", "Contoso is lost."),
        ("UserMessageIfRequestTimeout", "Contoso is slow."),
    ] {
        assert_eq!(
            get(k),
            [v],
            "{k} written once with the handler's value: {items:?}"
        );
    }
    let implied_items = metadata_items(profile(&xml, "REST-Implied"));
    for k in [
        "IncludeClaimResolvingInClaimsHandling",
        "ResolveJsonPathsInJsonTokens",
        "DebugMode",
    ] {
        assert!(
            implied_items.iter().all(|(key, _)| key != k),
            "{k}: {implied_items:?}"
        );
    }
    assert!(
        metadata_items(profile(&xml, "REST-Off"))
            .contains(&("AllowInsecureAuthInProduction".into(), "false".into()))
    );

    // DebugMode: B2C shows the developer fields of the error body.
    let app = App::empty()
        .default_auth(AuthSpec::None)
        .handler(explicit::SPEC)
        .handler(implied::SPEC)
        .handler(off::SPEC)
        .messages("en", "member-not-found = No membership for { $email }.");
    let emu = Emulator::from_policy(&xml).unwrap().in_process(app).await;
    let o = emu
        .call("REST-Explicit", claims! {"email" => "a@contoso.com"})
        .await;
    match &o.kind {
        OutcomeKind::UserError {
            debug: Some(d),
            http_status: 409,
            ..
        } => assert!(d.request_id.is_some(), "{o}"),
        other => panic!("expected a 409 with debug fields: {other:?}\n{}", o.trace),
    }
    let o = emu
        .call("REST-Implied", claims! {"email" => "a@contoso.com"})
        .await;
    assert!(
        matches!(o.kind, OutcomeKind::UserError { debug: None, .. }),
        "{o}"
    );

    // The handler's own transport message, when the service cannot be reached.
    let down = Emulator::from_policy(&xml)
        .unwrap()
        .http("http://127.0.0.1:1")
        .unwrap();
    let o = down
        .call("REST-Explicit", claims! {"email" => "a@contoso.com"})
        .await;
    assert!(
        matches!(o.kind, OutcomeKind::ConnectionFailed { .. }),
        "{o}"
    );
    assert_eq!(o.message_seen(), Some("Contoso is down."), "{o}");
}

// ---------------------------------------------------------------------------------------------
// Gap 5: a literal default that looks like a resolver

#[derive(OutputClaims)]
struct Echo {
    #[claim(id = "echoed")]
    echoed: String,
}

/// Sends the text `{Culture:LCID}` itself (a template placeholder of the downstream API).
#[claims_handler(path = "/template", auth = None)]
async fn template(
    #[claim] email: String,
    #[claim(id = "template", literal_default = "{Culture:LCID}", always_default)] template: String,
) -> Echo {
    Echo {
        echoed: format!("{email} {template}"),
    }
}

#[actix_web::test]
async fn a_literal_default_is_sent_as_is() {
    let spec = template::SPEC;
    assert!(spec.inputs[1].literal_default);
    assert_eq!(spec.inputs[1].default, Some("{Culture:LCID}"));
    assert_eq!(
        spec.inputs.len(),
        2,
        "no implicit claims: the profile resolves nothing"
    );
    let app = || {
        App::empty()
            .default_auth(AuthSpec::None)
            .handler(template::SPEC)
    };
    let xml = app()
        .policy(PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            ..PolicyOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    validate_with_xsd("gap5", &xml);
    let p = profile(&xml, "REST-Template");
    assert!(
        p.contains(r#"<InputClaim ClaimTypeReferenceId="template" DefaultValue="{Culture:LCID}" AlwaysUseDefaultValue="true"/>"#),
        "{p}"
    );
    assert!(
        !p.contains(r#"Key="IncludeClaimResolvingInClaimsHandling""#),
        "{p}"
    );

    let emu = Emulator::from_policy(&xml).unwrap().in_process(app()).await;
    let ctx = ResolverContext::new().lcid("1036");
    let o = emu
        .call_with("REST-Template", claims! {"email" => "a@contoso.com"}, &ctx)
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    let sent = o.trace.request.as_ref().unwrap().body_json().unwrap();
    assert_eq!(sent["template"], "{Culture:LCID}", "sent as-is, not 1036");
    assert_eq!(
        o.claim("echoed").as_deref(),
        Some("a@contoso.com {Culture:LCID}")
    );
}

// ---------------------------------------------------------------------------------------------
// Gap 2: the bearer token from a claim, in Url and payload mode (and Body)

#[derive(OutputClaims)]
struct Me {
    #[claim(id = "displayName")]
    display_name: Option<String>,
}

/// Microsoft Graph `/me`: the token claim is the only input, and travels as the header.
#[claims_handler(path = "/me", send_claims_in = Url, auth = Bearer(claim = "graphToken"))]
async fn graph_me(#[claim] graph_token: String) -> Me {
    Me {
        display_name: Some(graph_token),
    }
}

/// Url mode with a placeholder beside the token.
#[claims_handler(
    path = "/users/{objectId}",
    send_claims_in = Url,
    auth = Bearer(claim = "graphToken")
)]
async fn graph_user(#[claim] object_id: String, #[claim] graph_token: String) -> Me {
    Me {
        display_name: Some(format!("{object_id}{graph_token}")),
    }
}

/// Body mode: the token is not in the body.
#[claims_handler(path = "/check", auth = Bearer(claim = "graphToken"))]
async fn check_with_token(#[claim] email: String, #[claim] graph_token: String) -> Me {
    Me {
        display_name: Some(format!("{email}{graph_token}")),
    }
}

/// The Fraud Protection body.
#[derive(ClaimsPayload)]
#[claims_payload(claim = "dfpRequest", transformation = "GenerateDfpRequest")]
struct DfpRequest {
    #[claim(path = "metadata.email")]
    email: String,
}

/// Payload mode: the token beside the payload, and a path placeholder (gap 3).
#[claims_handler(path = "/v1.0/action/{objectId}", auth = Bearer(claim = "dfpToken"))]
async fn dfp(
    #[claim(payload)] body: DfpRequest,
    #[claim] dfp_token: String,
    #[claim] object_id: String,
) -> Me {
    Me {
        display_name: Some(format!("{}{dfp_token}{object_id}", body.email)),
    }
}

/// Answers `{}` to everything: the test reads the request the emulator built.
async fn accept_all() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body("{}")
}

#[actix_web::test]
async fn the_bearer_claim_travels_only_as_the_authorization_header() {
    let specs = [
        graph_me::SPEC,
        graph_user::SPEC,
        check_with_token::SPEC,
        dfp::SPEC,
    ];
    assert_eq!(
        dfp::SPEC.inputs.len(),
        2,
        "token and objectId beside the payload"
    );
    let xml = claims_runtime::policy::export(
        &specs,
        &PolicyOptions {
            base_url: "https://graph.contoso.com".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            ..PolicyOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    validate_with_xsd("gap2", &xml);
    for tp in [
        "REST-GraphMe",
        "REST-GraphUser",
        "REST-CheckWithToken",
        "REST-Dfp",
    ] {
        let p = profile(&xml, tp);
        assert!(
            p.contains(r#"<Item Key="AuthenticationType">Bearer</Item>"#),
            "{p}"
        );
        assert!(p.contains(r#"<Item Key="UseClaimAsBearerToken">"#), "{p}");
    }
    let me = profile(&xml, "REST-GraphMe");
    assert!(
        me.contains(r#"<InputClaim ClaimTypeReferenceId="graphToken"/>"#),
        "B2C needs the token claim listed (AADB2C90194): {me}"
    );
    let dfp_profile = profile(&xml, "REST-Dfp");
    assert!(
        dfp_profile.contains(r#"<Item Key="ClaimUsedForRequestPayload">dfpRequest</Item>"#)
            && dfp_profile.contains("/v1.0/action/{objectId}</Item>")
            && dfp_profile.contains(r#"<InputClaim ClaimTypeReferenceId="dfpToken"/>"#)
            && dfp_profile.contains(r#"<InputClaim ClaimTypeReferenceId="objectId"/>"#),
        "{dfp_profile}"
    );

    let emu = Emulator::from_policy(&xml)
        .unwrap()
        .actix(actix_web::App::new().default_service(actix_web::web::to(accept_all)))
        .await;
    let token = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln";
    let cases = [
        (
            "REST-GraphMe",
            claims! {"graphToken" => token},
            "GET",
            "/me?",
            "",
        ),
        (
            "REST-GraphUser",
            claims! {"graphToken" => token, "objectId" => "42"},
            "GET",
            "/users/42?",
            "",
        ),
        (
            "REST-CheckWithToken",
            claims! {"graphToken" => token, "email" => "a@contoso.com"},
            "POST",
            "/check",
            r#""email":"a@contoso.com""#,
        ),
        (
            "REST-Dfp",
            claims! {"dfpToken" => token, "email" => "a@contoso.com", "objectId" => "42"},
            "POST",
            "/v1.0/action/42",
            r#"{"metadata":{"email":"a@contoso.com"}}"#,
        ),
    ];
    for (tp, bag, method, path, body) in cases {
        let o = emu.call(tp, bag).await;
        assert!(o.is_success(), "{tp}: {o}\n{}", o.trace);
        let req = o.trace.request.as_ref().unwrap();
        assert_eq!(req.method, method, "{tp}");
        assert!(req.url.contains(path), "{tp}: {}", req.url);
        let auth: Vec<&str> = req
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(auth, [format!("Bearer {token}")], "{tp}");
        let text = req.body_text();
        assert!(text.contains(body), "{tp}: {text}");
        assert!(
            !req.url.contains(token) && !text.contains(token),
            "{tp}: the token is only in the header: {} {text}",
            req.url
        );
        assert!(
            !req.headers
                .iter()
                .any(|(k, v)| v.contains(token) && !k.eq_ignore_ascii_case("authorization")),
            "{tp}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Gap 3: GenerateJson sending one claim to several paths

/// A SendGrid-style body: the address at two places.
#[derive(ClaimsPayload)]
#[claims_payload(claim = "mailRequest", transformation = "GenerateMailRequest")]
struct MailRequest {
    #[claim(paths = ["personalizations.0.to.0.email", "from.email"])]
    email: String,
    #[claim(path = "subject")]
    subject: Option<String>,
}

/// Sends the mail request.
#[claims_handler(path = "/mail", auth = None)]
async fn send_mail(#[claim(payload)] mail: MailRequest) -> Seen2 {
    Seen2 {
        seen: format!("{} {}", mail.email, mail.subject.unwrap_or_default()),
    }
}

#[derive(OutputClaims)]
struct Seen2 {
    #[claim(id = "seen")]
    seen: String,
}

#[actix_web::test]
async fn one_claim_at_several_payload_paths() {
    let fields = <MailRequest as ClaimsPayload>::PAYLOAD.fields;
    let paths: Vec<_> = fields.iter().map(|f| (f.id, f.wire())).collect();
    assert_eq!(
        paths,
        [
            ("email", "personalizations.0.to.0.email"),
            ("subject", "subject"),
            ("email", "from.email"),
        ]
    );
    let app = || {
        App::empty()
            .default_auth(AuthSpec::None)
            .handler(send_mail::SPEC)
    };
    let xml = app()
        .policy(PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            ..PolicyOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    validate_with_xsd("gap3", &xml);
    let t = &xml[xml
        .find(r#"<ClaimsTransformation Id="GenerateMailRequest""#)
        .unwrap()..];
    let t = &t[..t.find("</ClaimsTransformation>").unwrap()];
    assert!(
        t.contains(r#"<InputClaim ClaimTypeReferenceId="email" TransformationClaimType="personalizations.0.to.0.email"/>"#)
            && t.contains(r#"<InputClaim ClaimTypeReferenceId="email" TransformationClaimType="from.email"/>"#),
        "{t}"
    );
    assert_eq!(xml.matches(r#"<ClaimType Id="email">"#).count(), 1);

    let emu = Emulator::from_policy(&xml).unwrap().in_process(app()).await;
    let o = emu
        .call(
            "REST-SendMail",
            claims! {"email" => "a@contoso.com", "subject" => "Hi"},
        )
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    let sent = o.trace.request.as_ref().unwrap().body_json().unwrap();
    assert_eq!(
        sent,
        serde_json::json!({
            "personalizations": [{"to": [{"email": "a@contoso.com"}]}],
            "from": {"email": "a@contoso.com"},
            "subject": "Hi",
        })
    );
    assert_eq!(o.claim("seen").as_deref(), Some("a@contoso.com Hi"));
}

// ---------------------------------------------------------------------------------------------
// Gap 1: a static query per handler (secrets from configuration) and a base URL of its own

/// An Azure Function: `api-version` in the source, the function key from configuration.
#[claims_handler(
    path = "/capitalize",
    auth = None,
    query = "api-version=2.0&code={env:CLAIMS_TEST_FUNCTION_KEY}"
)]
async fn capitalize(#[claim] email: String) -> Seen2 {
    Seen2 {
        seen: email.to_uppercase(),
    }
}

/// The same in Url mode, after the route's own query template.
#[claims_handler(
    path = "/members/{memberId}?tier={tier}",
    send_claims_in = Url,
    auth = None,
    query = "api-version=2.0",
    send_culture = false,
    send_correlation = false
)]
async fn tiered(#[claim] member_id: String, #[claim] tier: String) -> Seen2 {
    Seen2 {
        seen: format!("{member_id}/{tier}"),
    }
}

/// QueryString mode: the claims follow the static query.
#[claims_handler(
    path = "/lookup",
    send_claims_in = QueryString,
    auth = None,
    query = "api-version=2.0",
    send_culture = false,
    send_correlation = false
)]
async fn lookup(#[claim] email: String) -> Seen2 {
    Seen2 { seen: email }
}

/// Another host.
#[claims_handler(path = "/elsewhere", auth = None, service_url = "https://other.contoso.net/api")]
async fn elsewhere(#[claim] email: String) -> Seen2 {
    Seen2 { seen: email }
}

fn gap1_app() -> App {
    App::empty()
        .default_auth(AuthSpec::None)
        .handler(capitalize::SPEC)
        .handler(tiered::SPEC)
        .handler(lookup::SPEC)
        .handler(elsewhere::SPEC)
}

fn gap1_options(settings: Vec<(String, String)>) -> PolicyOptions {
    PolicyOptions {
        base_url: "https://api.contoso.com/fn?x=1".into(),
        tenant_id: "contoso.onmicrosoft.com".into(),
        settings,
        ..PolicyOptions::default()
    }
}

fn service_url(xml: &str, tp: &str) -> String {
    let p = profile(xml, tp);
    let start = p.find(r#"<Item Key="ServiceUrl">"#).unwrap() + r#"<Item Key="ServiceUrl">"#.len();
    p[start..start + p[start..].find('<').unwrap()].replace("&amp;", "&")
}

#[actix_web::test]
async fn static_queries_and_own_hosts_in_every_mode() {
    let secret = "s3cr/t+== &#x";
    let xml = gap1_app()
        .policy(gap1_options(vec![(
            "CLAIMS_TEST_FUNCTION_KEY".into(),
            secret.into(),
        )]))
        .unwrap_or_else(|e| panic!("{e}"));
    validate_with_xsd("gap1", &xml);
    assert_eq!(
        service_url(&xml, "REST-Capitalize"),
        "https://api.contoso.com/fn/capitalize?x=1&api-version=2.0&code=s3cr/t+==%20%26%23x"
    );
    assert_eq!(
        service_url(&xml, "REST-Tiered"),
        "https://api.contoso.com/fn/members/{memberId}?x=1&tier={tier}&api-version=2.0"
    );
    assert_eq!(
        service_url(&xml, "REST-Lookup"),
        "https://api.contoso.com/fn/lookup?x=1&api-version=2.0"
    );
    assert_eq!(
        service_url(&xml, "REST-Elsewhere"),
        "https://other.contoso.net/api/elsewhere"
    );

    let emu = Emulator::from_policy(&xml)
        .unwrap()
        .in_process(gap1_app())
        .await
        .with_options(claims_testing::EmulatorOptions {
            strip_path_prefix: Some("/fn".into()),
            ..claims_testing::EmulatorOptions::default()
        });
    let cases = [
        (
            "REST-Capitalize",
            claims! {"email" => "a@contoso.com"},
            "A@CONTOSO.COM",
            "/capitalize?x=1&api-version=2.0&code=s3cr/t+==%20%26%23x",
        ),
        (
            "REST-Tiered",
            claims! {"memberId" => "42", "tier" => "gold"},
            "42/gold",
            "/members/42?x=1&tier=gold&api-version=2.0",
        ),
        (
            "REST-Lookup",
            claims! {"email" => "a@contoso.com"},
            "a@contoso.com",
            "/lookup?x=1&api-version=2.0&email=a%40contoso.com",
        ),
    ];
    for (tp, bag, seen, url_end) in cases {
        let o = emu.call(tp, bag).await;
        assert!(o.is_success(), "{tp}: {o}\n{}", o.trace);
        assert_eq!(o.claim("seen").as_deref(), Some(seen), "{tp}");
        let url = &o.trace.request.as_ref().unwrap().url;
        assert!(url.ends_with(url_end), "{tp}: {url}");
    }
    let o = emu
        .call("REST-Elsewhere", claims! {"email" => "a@contoso.com"})
        .await;
    assert!(
        o.trace
            .request
            .as_ref()
            .unwrap()
            .url
            .ends_with("/api/elsewhere"),
        "{}",
        o.trace
    );
}

#[test]
fn a_missing_setting_refuses_the_export_without_printing_values() {
    // A name no environment sets.
    let err = gap1_app()
        .policy(gap1_options(Vec::new()))
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("REST-Capitalize: the ServiceUrl query parameter `code` takes its value from the setting CLAIMS_TEST_FUNCTION_KEY, which is not set"),
        "{err}"
    );
}
