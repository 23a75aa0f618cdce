//! Single rules of the importer on small snippets: what is refused (with which reason), what is
//! noted, and names that must not collide with the module's own items.

use claims_import::{Import, Outcome, Source, import};

const REST: &str = "Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null";

/// One RESTful profile `id` with `metadata` items and the given claims XML.
fn profile(id: &str, metadata: &[(&str, &str)], claims: &str) -> String {
    let items: String = metadata
        .iter()
        .map(|(k, v)| format!(r#"<Item Key="{k}">{v}</Item>"#))
        .collect();
    format!(
        r#"<TechnicalProfile Id="{id}"><DisplayName>{id}</DisplayName>
        <Protocol Name="Proprietary" Handler="{REST}"/>
        <Metadata>{items}</Metadata>{claims}</TechnicalProfile>"#
    )
}

fn run(profiles: &[String]) -> Import {
    let xml = format!(
        "<TechnicalProfiles>{}</TechnicalProfiles>",
        profiles.concat()
    );
    import(&[Source {
        name: "snippet.xml",
        xml: &xml,
    }])
    .unwrap()
}

fn reasons(out: &Import, id: &str) -> String {
    let r = out.reports.iter().find(|r| r.id == id).unwrap();
    assert_eq!(r.outcome, Outcome::Refused, "{id}: {r:?}");
    r.reasons.join(" | ")
}

const URL: (&str, &str) = ("ServiceUrl", "https://x.example/a");
const NONE: (&str, &str) = ("AuthenticationType", "None");

#[test]
fn refusals_name_their_reason() {
    let cases = [
        (
            profile(
                "R1",
                &[
                    URL,
                    NONE,
                    ("IncludeClaimResolvingInClaimsHandling", "maybe"),
                ],
                "",
            ),
            "is not true or false",
        ),
        (
            profile(
                "R2",
                &[URL, NONE, ("IncludeClaimResolvingInClaimsHandling", "true")],
                r#"<InputClaims><InputClaim ClaimTypeReferenceId="lang" DefaultValue="{Culture:RFC5646}"/></InputClaims>"#,
            ),
            "without AlwaysUseDefaultValue",
        ),
        (
            profile(
                "R3",
                &[URL, NONE, ("SendClaimsIn", "Header")],
                r#"<InputClaims><InputClaim ClaimTypeReferenceId="a" PartnerClaimType="bad header"/></InputClaims>"#,
            ),
            "not a valid header name",
        ),
        (
            profile(
                "R4",
                &[
                    ("ServiceUrl", "https://x.example/m/{id}"),
                    NONE,
                    ("SendClaimsIn", "Url"),
                ],
                r#"<InputClaims><InputClaim ClaimTypeReferenceId="other"/></InputClaims>"#,
            ),
            "not a placeholder of the ServiceUrl",
        ),
        (
            profile(
                "R5",
                &[("ServiceUrl", "https://x.example/q/{id}"), NONE],
                r#"<InputClaims><InputClaim ClaimTypeReferenceId="id"/></InputClaims>"#,
            ),
            "only with SendClaimsIn=Url or beside a JSON payload",
        ),
        (
            profile("R6", &[URL, ("AuthenticationType", "Basic")], ""),
            "without the cryptographic key `BasicAuthenticationUsername`",
        ),
        (
            profile("R7", &[URL, NONE, ("SomeFutureKey", "1")], ""),
            "metadata `SomeFutureKey` has no equivalent",
        ),
        (
            profile(
                "R8",
                &[URL, NONE, ("ResolveJsonPathsInJsonTokens", "true")],
                r#"<OutputClaims><OutputClaim ClaimTypeReferenceId="t" PartnerClaimType="a.b c"/></OutputClaims>"#,
            ),
            "cannot express this key",
        ),
        (
            profile(
                "R9",
                &[URL, NONE, ("ClaimUsedForRequestPayload", "body")],
                r#"<InputClaims><InputClaim ClaimTypeReferenceId="body"/></InputClaims>"#,
            ),
            "not written by a GenerateJson",
        ),
        (
            profile("R10", &[URL, ("AuthenticationType", "OAuth2")], ""),
            "AuthenticationType `OAuth2`",
        ),
    ];
    let out = run(&cases.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>());
    for (i, (_, needle)) in cases.iter().enumerate() {
        let id = format!("R{}", i + 1);
        let r = reasons(&out, &id);
        assert!(r.contains(needle), "{id}: {needle:?} not in {r:?}");
    }
}

/// Shapes refused before issue 12, now imported with the keys that express them.
#[test]
fn formerly_refused_shapes_import() {
    let out = run(&[
        profile(
            "REST-Literal",
            &[URL, NONE],
            r#"<InputClaims><InputClaim ClaimTypeReferenceId="lang" DefaultValue="{Culture:RFC5646}" AlwaysUseDefaultValue="true"/></InputClaims>"#,
        ),
        profile(
            "REST-Query",
            &[
                ("ServiceUrl", "https://x.example/q?a=1&amp;sig=s3cret"),
                NONE,
            ],
            "",
        ),
        profile(
            "REST-Dotted",
            &[("ServiceUrl", "https://x.example/d"), NONE],
            r#"<OutputClaims><OutputClaim ClaimTypeReferenceId="t" PartnerClaimType="a.b"/></OutputClaims>"#,
        ),
    ]);
    for r in &out.reports {
        assert!(
            matches!(r.outcome, Outcome::Imported { .. }),
            "{}: {:?}",
            r.id,
            r.reasons
        );
    }
    for needle in [
        r#"literal_default = "{Culture:RFC5646}""#,
        r#"query = "a=1&sig={env:REST_QUERY_SIG}""#,
        r#"key = "a.b""#,
    ] {
        assert!(out.code.contains(needle), "{needle} not in\n{}", out.code);
    }
    assert!(
        !out.code.contains("s3cret"),
        "a secret never reaches the code"
    );
    assert_eq!(
        out.settings,
        [("REST_QUERY_SIG".to_owned(), "s3cret".to_owned())]
    );
}

#[test]
fn undeclared_claim_types_are_noted_once_and_names_do_not_collide() {
    let out = run(&[
        profile(
            "REST-Specs",
            &[URL, NONE],
            r#"<InputClaims><InputClaim ClaimTypeReferenceId="type"/></InputClaims>
               <OutputClaims><OutputClaim ClaimTypeReferenceId="type"/></OutputClaims>"#,
        ),
        profile(
            "REST-NotImplemented",
            &[("ServiceUrl", "https://x.example/b"), NONE],
            "",
        ),
    ]);
    let functions: Vec<&str> = out
        .reports
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Imported { function } => function.as_str(),
            o => panic!("{}: {o:?} {:?}", r.id, r.reasons),
        })
        .collect();
    // `specs` and `not_implemented` are the module's own functions.
    assert_eq!(functions, ["specs_2", "not_implemented_2"]);
    assert!(out.code.contains("] type_: Option<String>"), "{}", out.code);
    let notes = &out.reports[0].notes;
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.contains("`type` is not declared"))
            .count(),
        1,
        "{notes:?}"
    );
    syn::parse_file(&out.code).unwrap();
}

#[test]
fn chrono_types_are_announced_in_the_header() {
    let xml = format!(
        r#"<TrustFrameworkPolicy><BuildingBlocks><ClaimsSchema>
             <ClaimType Id="born"><DataType>date</DataType></ClaimType>
           </ClaimsSchema></BuildingBlocks><ClaimsProviders><ClaimsProvider><TechnicalProfiles>{}
           </TechnicalProfiles></ClaimsProvider></ClaimsProviders></TrustFrameworkPolicy>"#,
        profile(
            "REST-Born",
            &[URL, NONE],
            r#"<InputClaims><InputClaim ClaimTypeReferenceId="born"/></InputClaims>"#
        )
    );
    let out = import(&[Source {
        name: "p.xml",
        xml: &xml,
    }])
    .unwrap();
    assert!(out.code.contains("Option<::chrono::NaiveDate>"));
    assert!(
        out.code
            .contains("add `chrono` to the crate's dependencies"),
        "{}",
        out.code
    );
}
