//! Every lint rule fails the export with a clear message; problems are collected, not stopped at
//! the first.

mod policy_fixtures;

use claims_runtime::policy::{PolicyError, PolicyOptions, export};
use claims_runtime::{AuthSpec, DataType, HandlerSpec, SendClaimsIn};
use policy_fixtures::*;

fn errors(specs: &[&'static HandlerSpec], opts: &PolicyOptions) -> Vec<String> {
    match export(specs, opts) {
        Ok(xml) => panic!("export should fail, got:\n{xml}"),
        Err(PolicyError(e)) => e,
    }
}

fn assert_one(errs: &[String], needles: &[&str]) {
    assert!(
        errs.iter().any(|e| needles.iter().all(|n| e.contains(n))),
        "no error containing {needles:?} in:\n{errs:#?}"
    );
}

fn opts() -> PolicyOptions {
    loyalty_options()
}

#[test]
fn unknown_metadata_key() {
    let o = PolicyOptions {
        extra_metadata: vec![
            ("SendClaimIn".into(), "Body".into()),
            ("sendclaimsin".into(), "x".into()),
        ],
        ..opts()
    };
    let e = errors(&loyalty(), &o);
    assert_one(
        &e,
        &[
            "REST-ValidateEmail",
            "unknown RESTful metadata key `SendClaimIn`",
        ],
    );
    assert_one(&e, &["`sendclaimsin`", "did you mean `SendClaimsIn`?"]);
}

#[test]
fn extra_metadata_known_key_is_accepted_but_not_twice() {
    let o = PolicyOptions {
        extra_metadata: vec![("DebugMode".into(), "false".into())],
        ..opts()
    };
    export(&loyalty(), &o).expect("documented key, not written otherwise");
    let o = PolicyOptions {
        debug_mode: true,
        ..o
    };
    assert_one(
        &errors(&loyalty(), &o),
        &["metadata key `DebugMode` is written twice"],
    );
}

static RESOLVER_AS_DEFAULT: HandlerSpec =
    handler("REST-Lang", "/lang")
        .with_inputs(&[input("userLanguage", DataType::String).with_default("{Culture:RFC5646}")]);

#[test]
fn resolver_without_claim_resolving() {
    let e = errors(&[&RESOLVER_AS_DEFAULT], &opts());
    assert_one(
        &e,
        &[
            "REST-Lang",
            "`{Culture:RFC5646}`",
            "lacks IncludeClaimResolvingInClaimsHandling=true",
        ],
    );
}

static BAD_RESOLVER: HandlerSpec =
    handler("REST-BadResolver", "/r")
        .with_inputs(&[input("x", DataType::String).with_resolver("{Culture:Klingon}")]);

#[test]
fn unknown_resolver() {
    assert_one(
        &errors(&[&BAD_RESOLVER], &opts()),
        &["`{Culture:Klingon}`", "not a B2C claim resolver"],
    );
}

#[test]
fn insecure_auth_in_production() {
    let o = PolicyOptions {
        production: true,
        ..opts()
    };
    let e = errors(&loyalty(), &o);
    // Every anonymous profile is reported, the Basic one is not.
    assert_eq!(
        e.iter()
            .filter(|m| m.contains("AuthenticationType=None in a production"))
            .count(),
        4
    );
    assert_one(&e, &["REST-ValidateEmail", "allow_insecure"]);
    assert!(!e.iter().any(|m| m.contains("REST-GetLoyaltyNumber")));
}

static HEADER_CLASH: HandlerSpec = handler("REST-Clash", "/clash")
    .with_send_claims_in(SendClaimsIn::Header)
    .with_auth(AuthSpec::ApiKeyHeader("x-api-key"))
    .with_inputs(&[input("token", DataType::String).with_partner("X-Api-Key")]);

#[test]
fn more_than_one_api_key_header() {
    let e = errors(&[&HEADER_CLASH], &opts());
    assert_one(
        &e,
        &[
            "REST-Clash",
            "same header as the API key",
            "second API-key header",
        ],
    );
}

#[test]
fn more_than_one_api_key_in_a_model() {
    // A build script editing the model can add keys; the structural check catches a second one.
    let o = opts();
    let mut doc = claims_runtime::policy::document(&[&URL_API_KEY], &kitchen_options()).unwrap();
    doc.technical_profiles[0]
        .keys
        .push(claims_runtime::policy::CryptographicKey {
            id: "x-other-key".into(),
            storage_reference_id: "B2C_1A_Other".into(),
        });
    let e = claims_runtime::policy::lint::check(&doc, &o);
    assert_one(
        &e,
        &[
            "REST-ListOrders",
            "more than one API-key header",
            "x-functions-key, x-other-key",
        ],
    );
}

#[test]
fn bad_tenant_and_policy_ids() {
    let o = PolicyOptions {
        tenant_id: "your-tenant.onmicrosoft.com".into(),
        policy_id: "B2C_1A_Rest.".into(),
        base_policy_id: "B2C 1A Base".into(),
        ..opts()
    };
    let e = errors(&loyalty(), &o);
    assert_one(
        &e,
        &[
            "TenantId `your-tenant.onmicrosoft.com`",
            "[A-Za-z0-9.]{3,63}",
        ],
    );
    assert_one(&e, &["PolicyId `B2C_1A_Rest.`"]);
    assert_one(&e, &["base PolicyId `B2C 1A Base`"]);
    // The snippet writes neither, so it does not check them.
    export(&loyalty(), &PolicyOptions { snippet: true, ..o }).unwrap();
}

#[test]
fn duplicate_technical_profile_ids() {
    let e = errors(&[&VALIDATE_EMAIL, &GET_MEMBER, &VALIDATE_EMAIL], &opts());
    assert_one(
        &e,
        &["technical profile id `REST-ValidateEmail` is used by more than one handler"],
    );
}

static URL_UNKNOWN_PLACEHOLDER: HandlerSpec =
    handler("REST-UrlTypo", "/members/{memberId}?v={version}")
        .with_send_claims_in(SendClaimsIn::Url)
        .with_inputs(&[input("memberId", DataType::String).with_partner("member")]);

static PLACEHOLDER_NOT_URL_MODE: HandlerSpec = handler("REST-NotUrl", "/members/{memberId}")
    .with_inputs(&[input("memberId", DataType::String)]);

#[test]
fn url_placeholder_not_an_input_wire_name() {
    let e = errors(
        &[&URL_UNKNOWN_PLACEHOLDER, &PLACEHOLDER_NOT_URL_MODE],
        &opts(),
    );
    // `memberId` is the claim id but the wire name is `member`.
    assert_one(
        &e,
        &[
            "REST-UrlTypo",
            "placeholder `{memberId}`",
            "input claims: member",
        ],
    );
    assert_one(&e, &["REST-UrlTypo", "placeholder `{version}`"]);
    assert_one(&e, &["REST-NotUrl", "needs SendClaimsIn=Url"]);
}

#[test]
fn base_url_rules() {
    let http = |base: &str, production: bool| PolicyOptions {
        base_url: base.into(),
        production,
        default_auth: AuthSpec::Basic,
        ..opts()
    };
    assert_one(
        &errors(&loyalty(), &http("http://api.contoso.com", false)),
        &["not HTTPS", "only allowed for localhost"],
    );
    assert_one(
        &errors(&loyalty(), &http("http://localhost:8080", true)),
        &["production policy must call an HTTPS endpoint"],
    );
    assert_one(
        &errors(&loyalty(), &http("api.contoso.com", false)),
        &["not an absolute URL"],
    );
    assert_one(
        &errors(&loyalty(), &http("https://{tenant}.contoso.com", false)),
        &["claim placeholder"],
    );
    for ok in [
        "http://localhost:8080",
        "http://127.0.0.1:9000/",
        "https://api.contoso.com/b2c/",
    ] {
        export(&loyalty(), &http(ok, false)).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
}

static EMAIL_AS_INT: HandlerSpec =
    handler("REST-EmailAsInt", "/mail")
        .with_outputs(&[output("email", DataType::Int).with_rust_name("mail")]);

#[test]
fn conflicting_data_types() {
    let e = errors(&[&VALIDATE_EMAIL, &EMAIL_AS_INT], &opts());
    assert_one(
        &e,
        &[
            "claim `email` is declared with two DataTypes",
            "`string` (input `email` of REST-ValidateEmail)",
            "`int` (output `mail` of REST-EmailAsInt)",
        ],
    );
}

static OTHER_DISPLAY_NAME: HandlerSpec =
    handler("REST-OtherName", "/other").with_inputs(&[input("givenName", DataType::String)
        .with_display_name("First name")
        .with_help("As on your passport")]);

static NO_DISPLAY_NAME: HandlerSpec =
    handler("REST-NoName", "/none").with_inputs(&[input("givenName", DataType::String)]);

#[test]
fn conflicting_display_names_and_first_non_none_wins() {
    // CAPITALIZE_NAME says "Given name"; OTHER_DISPLAY_NAME says "First name".
    let e = errors(&[&CAPITALIZE_NAME, &OTHER_DISPLAY_NAME], &opts());
    assert_one(
        &e,
        &[
            "claim `givenName` has conflicting display names",
            "\"Given name\"",
            "\"First name\"",
        ],
    );
    // None + Some: the declared one is taken, help is merged from the other use.
    let doc = claims_runtime::policy::document(&[&NO_DISPLAY_NAME, &OTHER_DISPLAY_NAME], &opts())
        .unwrap();
    let ct = doc
        .claim_types
        .iter()
        .find(|c| c.id == "givenName")
        .unwrap();
    assert_eq!(ct.display_name, "First name");
    assert_eq!(ct.help.as_deref(), Some("As on your passport"));
}

static PAYLOAD_IN_URL_MODE: HandlerSpec = PAYLOAD_BEARER_CLAIM
    .with_send_claims_in(SendClaimsIn::QueryString)
    .with_inputs(&[input("stray", DataType::String)]);

#[test]
fn payload_shape_rules() {
    let e = errors(&[&PAYLOAD_IN_URL_MODE], &kitchen_options());
    assert_one(
        &e,
        &[
            "REST-PlaceOrder",
            "needs SendClaimsIn=Body, not QueryString",
        ],
    );
    assert_one(
        &e,
        &[
            "REST-PlaceOrder",
            "input `stray`",
            "move it into the payload",
        ],
    );
}

#[test]
fn problems_are_collected() {
    let o = PolicyOptions {
        production: true,
        tenant_id: "x".into(),
        ..opts()
    };
    let e = errors(
        &[&VALIDATE_EMAIL, &EMAIL_AS_INT, &URL_UNKNOWN_PLACEHOLDER],
        &o,
    );
    assert!(e.len() >= 5, "{e:#?}");
    let shown = PolicyError(e).to_string();
    assert!(shown.starts_with("policy export failed:\n  - "));
}

static EMAILBOX_INT: HandlerSpec =
    handler("REST-Age", "/age").with_inputs(&[
        input("age", DataType::Int).with_input_type(claims_runtime::UserInputType::EmailBox)
    ]);

#[test]
fn user_input_type_must_fit_the_data_type() {
    assert_one(
        &errors(&[&EMAILBOX_INT], &opts()),
        &["claim `age`", "EmailBox cannot edit a `int` claim"],
    );
}
