//! Round trip: read the exported XML back with `policy::parse` and check it says exactly what the
//! descriptors say, so the policy cannot drift from the code.

mod policy_fixtures;

use claims_runtime::policy::parse::{ParsedPolicy, read_policy, read_profiles};
use claims_runtime::policy::{PolicyOptions, export};
use claims_runtime::{AuthSpec, DataType, HandlerSpec, InputClaimSpec};
use policy_fixtures::*;

fn assert_claim_type(doc: &ParsedPolicy, id: &str, dt: DataType, tp: &str) {
    let ct = doc
        .claim_type(id)
        .unwrap_or_else(|| panic!("{tp}: no ClaimType `{id}`"));
    assert_eq!(
        ct.data_type.as_deref(),
        Some(dt.as_str()),
        "{tp}: DataType of `{id}`"
    );
}

/// Checks every profile of `xml` against `specs`.
fn assert_matches_descriptors(xml: &str, specs: &[&'static HandlerSpec], opts: &PolicyOptions) {
    let doc = read_policy(xml).expect("exported XML parses");
    assert_eq!(doc.profiles.len(), specs.len());
    let base = opts.base_url.trim_end_matches('/');
    for spec in specs {
        let tp = spec.technical_profile;
        let p = doc
            .profile(tp)
            .unwrap_or_else(|| panic!("profile {tp} missing"));
        assert_eq!(p.display_name.as_deref(), Some(spec.display_name));
        assert_eq!(
            p.protocol_handler.as_deref(),
            Some(claims_runtime::policy::RESTFUL_PROVIDER_HANDLER)
        );

        // Route.
        let url = p.metadata("ServiceUrl").expect("ServiceUrl");
        let path = url
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{tp}: {url} not under {base}"));
        assert_eq!(path, spec.path, "{tp}: ServiceUrl path");
        let route = path.split('?').next().unwrap();
        assert_eq!(route, spec.route_path(), "{tp}: route");

        assert_eq!(
            p.metadata("SendClaimsIn"),
            Some(spec.send_claims_in.as_str()),
            "{tp}"
        );
        let auth = match spec.auth {
            AuthSpec::Inherit => opts.default_auth,
            a => a,
        };
        assert_eq!(
            p.metadata("AuthenticationType"),
            auth.authentication_type(),
            "{tp}"
        );
        assert_eq!(
            p.flag("IncludeClaimResolvingInClaimsHandling"),
            spec.uses_resolvers(),
            "{tp}"
        );
        assert_eq!(
            p.flag("ResolveJsonPathsInJsonTokens"),
            spec.uses_nested_outputs(),
            "{tp}"
        );
        assert_eq!(p.flag("DebugMode"), opts.debug_mode, "{tp}");
        assert_eq!(p.session_management.as_deref(), Some("SM-Noop"));
        let bearer_claim = match auth {
            AuthSpec::BearerFromClaim(c) => Some(c),
            _ => None,
        };
        assert_eq!(p.metadata("UseClaimAsBearerToken"), bearer_claim, "{tp}");
        let key_ids: Vec<&str> = p.keys.iter().map(|(id, _)| id.as_str()).collect();
        let expected_keys: Vec<&str> = match auth {
            AuthSpec::Basic => vec!["BasicAuthenticationUsername", "BasicAuthenticationPassword"],
            AuthSpec::Bearer => vec!["BearerAuthenticationToken"],
            AuthSpec::ApiKeyHeader(h) => vec![h],
            AuthSpec::ClientCertificate => vec!["ClientCertificate"],
            _ => vec![],
        };
        assert_eq!(key_ids, expected_keys, "{tp}: cryptographic keys");

        // Input claims: (id, wire, default, always).
        let got: Vec<(&str, &str, Option<&str>, bool)> = p
            .input_claims
            .iter()
            .map(|c| {
                (
                    c.claim_type.as_str(),
                    c.wire(),
                    c.default_value.as_deref(),
                    c.always_use_default,
                )
            })
            .collect();
        let row = |c: &InputClaimSpec| (c.id, c.wire(), c.default_value(), c.always_use_default());
        let mut expected: Vec<_> = match spec.payload {
            Some(pl) => vec![(pl.claim_id, pl.claim_id, None, false)],
            None => spec.inputs.iter().map(row).collect(),
        };
        if let Some(b) = bearer_claim
            && !(spec.payload.is_none() && spec.inputs.iter().any(|c| c.id == b))
        {
            match spec.inputs.iter().find(|c| c.id == b) {
                Some(c) => expected.push(row(c)),
                None => expected.push((b, b, None, false)),
            }
        }
        assert_eq!(got, expected, "{tp}: input claims");
        for c in spec.inputs {
            assert_claim_type(&doc, c.id, c.data_type, tp);
        }

        // Payload mode: the GenerateJson transformation carries every field.
        match spec.payload {
            Some(pl) => {
                assert_eq!(
                    p.input_claims_transformations,
                    vec![pl.transformation_id.to_owned()]
                );
                assert_eq!(p.metadata("ClaimUsedForRequestPayload"), Some(pl.claim_id));
                assert_claim_type(&doc, pl.claim_id, DataType::String, tp);
                let t = doc
                    .transformation(pl.transformation_id)
                    .expect("transformation");
                assert_eq!(t.method, "GenerateJson");
                assert_eq!(
                    t.output_claims,
                    vec![(pl.claim_id.to_owned(), "outputClaim".to_owned())]
                );
                for f in pl.fields {
                    assert_claim_type(&doc, f.id, f.data_type, tp);
                    match f.default_value() {
                        Some(v) => assert!(
                            t.input_parameters.contains(&(
                                f.wire().to_owned(),
                                f.data_type.as_str().to_owned(),
                                v.to_owned()
                            )),
                            "{tp}: parameter for {}",
                            f.id
                        ),
                        None => assert!(
                            t.input_claims
                                .contains(&(f.id.to_owned(), f.wire().to_owned())),
                            "{tp}: input claim for {}",
                            f.id
                        ),
                    }
                }
                assert_eq!(
                    t.input_claims.len() + t.input_parameters.len(),
                    pl.fields.len()
                );
            }
            None => {
                assert!(p.input_claims_transformations.is_empty());
                assert_eq!(p.metadata("ClaimUsedForRequestPayload"), None);
            }
        }

        // Output claims.
        let got: Vec<(&str, &str, Option<&str>, bool)> = p
            .output_claims
            .iter()
            .map(|c| {
                (
                    c.claim_type.as_str(),
                    c.wire(),
                    c.default_value.as_deref(),
                    c.always_use_default,
                )
            })
            .collect();
        let expected: Vec<_> = spec
            .outputs
            .iter()
            .map(|o| (o.id, o.wire(), o.default, o.always_default))
            .collect();
        assert_eq!(got, expected, "{tp}: output claims");
        for o in spec.outputs {
            assert_claim_type(&doc, o.id, o.data_type, tp);
        }
        // Partner names are only written when they differ from the id.
        for c in p.input_claims.iter().chain(&p.output_claims) {
            assert_ne!(c.partner.as_deref(), Some(c.claim_type.as_str()), "{tp}");
        }
    }
}

#[test]
fn kitchen_sink_round_trips() {
    let opts = kitchen_options();
    let specs = kitchen_sink();
    let xml = export(&specs, &opts).unwrap();
    assert_matches_descriptors(&xml, &specs, &opts);
    let doc = read_policy(&xml).unwrap();
    assert_eq!(doc.tenant_id.as_deref(), Some("contoso.onmicrosoft.com"));
    assert_eq!(doc.deployment_mode.as_deref(), Some("Development"));
    // Claim types are sorted and unique.
    let ids: Vec<&str> = doc.claim_types.iter().map(|c| c.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted);
}

#[test]
fn kitchen_sink_snippet_round_trips() {
    let opts = PolicyOptions {
        snippet: true,
        ..kitchen_options()
    };
    let specs = kitchen_sink();
    let xml = export(&specs, &opts).unwrap();
    assert_matches_descriptors(&xml, &specs, &opts);
}

#[test]
fn loyalty_round_trips() {
    let opts = loyalty_options();
    let specs = loyalty();
    let xml = export(&specs, &opts).unwrap();
    assert_matches_descriptors(&xml, &specs, &opts);
    let doc = read_policy(&xml).unwrap();
    let ct = doc.claim_type("loyaltyNumber").unwrap();
    assert_eq!(ct.display_name.as_deref(), Some("Your loyalty number"));
    assert_eq!(
        doc.claim_type("givenName").unwrap().input_type.as_deref(),
        Some("TextBox")
    );
}

#[test]
fn generated_round_trip() {
    let opts = PolicyOptions {
        default_auth: claims_runtime::AuthSpec::None,
        ..PolicyOptions::default()
    };
    let specs = generated(50);
    let xml = export(&specs, &opts).unwrap();
    assert_matches_descriptors(&xml, &specs, &opts);
}

#[test]
fn reader_unescapes_text_and_attributes() {
    let xml = r#"<TechnicalProfiles><TechnicalProfile Id="T&amp;1">
        <Metadata><Item Key="ServiceUrl">https://x/a?b={b}&amp;c={c}&#33;</Item></Metadata>
        <InputClaims><InputClaim ClaimTypeReferenceId="a" PartnerClaimType="x&quot;y" Required="true"/></InputClaims>
      </TechnicalProfile></TechnicalProfiles>"#;
    let p = read_profiles(xml).unwrap();
    assert_eq!(p[0].id, "T&1");
    assert_eq!(
        p[0].metadata("ServiceUrl"),
        Some("https://x/a?b={b}&c={c}!")
    );
    assert_eq!(p[0].input_claims[0].wire(), "x\"y");
    assert!(p[0].input_claims[0].required);
    assert!(read_profiles("<a><b></a>").is_err());
}
