//! The importer on the policy set in `tests/policies/`: which profiles it imports, refuses or
//! skips (and why), the include chains, and the checked-in output of the fixture crate
//! `tests/import-roundtrip`, which must not drift from what the importer writes today.

use std::path::{Path, PathBuf};

use claims_import::{Outcome, Source, import, read_set, resolve_includes};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The policy set, in the order the fixture was generated from.
pub fn policy_files() -> Vec<(String, String)> {
    ["TrustFrameworkExtensions.xml", "more-profiles.xml"]
        .iter()
        .map(|f| {
            let path = root().join("tests/policies").join(f);
            let xml = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (f.to_string(), xml)
        })
        .collect()
}

fn sources(files: &[(String, String)]) -> Vec<Source<'_>> {
    files
        .iter()
        .map(|(name, xml)| Source { name, xml })
        .collect()
}

#[test]
fn outcomes_per_profile() {
    let files = policy_files();
    let out = import(&sources(&files)).expect("the set parses");
    let got: Vec<(&str, &str)> = out
        .reports
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                match &r.outcome {
                    Outcome::Imported { .. } => "imported",
                    Outcome::Refused => "refused",
                    Outcome::Skipped => "skipped",
                },
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("REST-ValidateEmail", "imported"),
            ("REST-CapitalizeNames", "imported"),
            ("REST-GetLoyaltyNumber", "imported"),
            ("REST-CountMembers", "imported"),
            ("REST-LookupMember", "imported"),
            ("REST-EnrichProfile", "imported"),
            ("REST-SignUp", "imported"),
            ("REST-Loyalty-Base", "skipped"),
            ("REST-Loyalty-Common", "skipped"),
            ("REST-GetPoints", "imported"),
            ("REST-GetOrder", "imported"),
            ("REST-SendInvitation", "imported"),
            ("REST-GetBalance", "imported"),
            ("REST-LinkIdentities", "refused"),
            ("REST-ValidateEmail-Signin", "refused"),
            ("REST-CheckResult", "refused"),
            ("SelfAsserted-LocalAccountSignup-Email", "skipped"),
            ("REST-GetRewards", "imported"),
            ("REST-GetOrders", "imported"),
            ("REST-Audit", "refused"),
            ("REST-CallFunction", "imported"),
            ("REST-RenderTemplate", "imported"),
            ("REST-AssessAccount", "imported"),
        ]
    );
    let reasons = |id: &str| -> String {
        out.reports
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.reasons.join(" | "))
            .unwrap()
    };
    for (id, needle) in [
        ("REST-LinkIdentities", "UpperCaseGivenName"),
        ("REST-LinkIdentities", "alternativeSecurityIdCollection"),
        ("REST-ValidateEmail-Signin", "REST-ValidateEmail"),
        ("REST-CheckResult", "OutputClaimsTransformations"),
        ("REST-Audit", "REST-Common-Missing"),
        ("REST-Loyalty-Base", "included by REST-Loyalty-Common"),
        ("SelfAsserted-LocalAccountSignup-Email", "not a RESTful"),
    ] {
        let r = reasons(id);
        assert!(r.contains(needle), "{id}: {needle:?} not in {r:?}");
    }
    // Every reason is in the summary table, and the refusals are comments in the code.
    let table = out.summary_table();
    assert!(table.contains("| REST-Audit | refused |"), "{table}");
    assert!(
        table.contains("| REST-GetPoints | imported as `get_points` |"),
        "{table}"
    );
    assert!(out.code.contains("// REST-Audit was not imported:"));
    // The profile's own transport message is the handler's explicit metadata.
    assert!(
        out.code.contains(
            "DefaultUserMessageIfRequestFailed = \"Cannot validate your email right now.\""
        ),
        "{}",
        out.code
    );
    // Gaps of issue 12, now imported: the shapes the generated code uses.
    for needle in [
        r#"auth = Bearer(claim = "accessToken")"#,
        r#"paths = ["invitee.email", "notify.to"]"#,
        r#"partner = "balance~current""#,
        r#"key = "user.name""#,
        r#"literal_default = "{Culture:LCID}""#,
        r#"query = "code={env:REST_CALL_FUNCTION_CODE}&api-version=2.0""#,
        r#"service_url = "https://contoso-fn.azurewebsites.net""#,
        "DebugMode = true",
        r#"path = "/v1.0/action/account/create/{objectId}""#,
    ] {
        assert!(out.code.contains(needle), "{needle} not in the code");
    }
    // The function key is a setting, never source text.
    assert!(!out.code.contains("aBc123xYz"));
    assert_eq!(
        out.settings,
        [(
            "REST_CALL_FUNCTION_CODE".to_owned(),
            "aBc123xYz==".to_owned()
        )]
    );
}

#[test]
fn include_chains_merge_with_b2c_semantics() {
    let files = policy_files();
    let set = read_set(&sources(&files)).unwrap();
    // Base (protocol, auth, keys) <- Common (SendClaimsIn override, claims) <- GetPoints.
    let p = resolve_includes(&set, "REST-GetPoints").unwrap();
    assert_eq!(p.display_name.as_deref(), Some("Get the loyalty points"));
    assert!(
        p.protocol_handler
            .as_deref()
            .unwrap()
            .contains("RestfulProvider")
    );
    assert_eq!(p.metadata("SendClaimsIn"), Some("Form"));
    assert_eq!(p.metadata("AuthenticationType"), Some("Basic"));
    assert_eq!(
        p.metadata("ServiceUrl"),
        Some("https://api.contoso.com/loyalty/points")
    );
    assert_eq!(p.keys.len(), 2);
    let inputs: Vec<(&str, bool)> = p
        .input_claims
        .iter()
        .map(|c| (c.claim_type.as_str(), c.required))
        .collect();
    // The including profile's `loyaltyNumber` overrides the included one in place.
    assert_eq!(inputs, vec![("objectId", true), ("loyaltyNumber", true)]);
    assert_eq!(p.include, None);
    // Across files: the snippet includes a profile of the extensions file.
    let r = resolve_includes(&set, "REST-GetRewards").unwrap();
    assert_eq!(r.metadata("SendClaimsIn"), Some("Body"));
    assert_eq!(r.metadata("AuthenticationType"), Some("Basic"));
    assert_eq!(r.input_claims.len(), 2);
    assert!(!r.input_claims[1].required);
    // Missing and cyclic includes are errors naming the profile.
    let e = resolve_includes(&set, "REST-Audit").unwrap_err();
    assert!(e.contains("REST-Common-Missing"), "{e}");
    let cyclic = read_set(&[Source {
        name: "cycle.xml",
        xml: r#"<TechnicalProfiles>
            <TechnicalProfile Id="A"><IncludeTechnicalProfile ReferenceId="B"/></TechnicalProfile>
            <TechnicalProfile Id="B"><IncludeTechnicalProfile ReferenceId="A"/></TechnicalProfile>
        </TechnicalProfiles>"#,
    }])
    .unwrap();
    let e = resolve_includes(&cyclic, "A").unwrap_err();
    assert!(e.contains("A -> B -> A"), "{e}");
}

#[test]
fn generated_code_is_valid_rust_without_todo() {
    let files = policy_files();
    let out = import(&sources(&files)).unwrap();
    syn::parse_file(&out.code).expect("the generated module parses");
    assert!(!out.code.contains("todo!") && !out.code.contains("unimplemented!"));
    assert!(out.code.contains("\"not-implemented\""));
}

/// The checked-in fixture is exactly what the importer writes today. Run with
/// `UPDATE_IMPORTED=1` to rewrite it after a deliberate change.
#[test]
fn checked_in_fixture_is_current() {
    let files = policy_files();
    let out = import(&sources(&files)).unwrap();
    let path = root().join("../tests/import-roundtrip/src/imported.rs");
    if std::env::var_os("UPDATE_IMPORTED").is_some_and(|v| v == "1") {
        std::fs::write(&path, &out.code).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == out.code,
        "{} is not the importer's current output; review the change and rewrite it with \
         `UPDATE_IMPORTED=1 cargo test -p claims-import --test import_set`",
        path.display()
    );
}
