//! The Localization block: transport-failure texts and claim display names per language, taken
//! from the message catalogs, valid against the schema, and consistent with the metadata texts.

mod policy_fixtures;

use claims_runtime::l10n::Localizer;
use claims_runtime::policy::{PolicyOptions, export, parse};
use policy_fixtures::*;

fn localized_options(langs: &[&str]) -> PolicyOptions {
    let mut l10n = Localizer::new();
    l10n.add_messages(
        "fr",
        "claim-email-display-name = Adresse e-mail\nclaim-email-help = Celle de votre adhésion",
    )
    .unwrap();
    let mut strings = l10n.policy_strings();
    strings.retain(|s| langs.iter().any(|l| l.eq_ignore_ascii_case(&s.language)));
    PolicyOptions {
        localization: strings,
        ..loyalty_options()
    }
}

#[test]
fn localized_export_validates_and_carries_catalog_texts() {
    let opts = localized_options(&["en", "fr", "pt-BR"]);
    let xml = export(&loyalty(), &opts).expect("export");
    validate_with_xsd("localized", &xml);
    for needle in [
        r#"<SupportedLanguages DefaultLanguage="en" MergeBehavior="Append">"#,
        "<SupportedLanguage>pt-br</SupportedLanguage>",
        r#"<LocalizedResources Id="api.localaccountsignup.rest.fr">"#,
        r#"<LocalizedResourcesReference Language="fr" LocalizedResourcesReferenceId="api.selfasserted.rest.fr"/>"#,
        r#"<LocalizedString ElementType="ClaimType" ElementId="email" StringId="DisplayName">Adresse e-mail</LocalizedString>"#,
    ] {
        assert!(xml.contains(needle), "missing {needle}\n{xml}");
    }
    let l10n = Localizer::new();
    let fr_failed = l10n
        .try_render("fr", "b2c-request-failed", &Vec::new())
        .unwrap();
    assert!(
        xml.contains(&fr_failed),
        "French transport text from the catalog"
    );
    // The metadata carries the default language's text, so both sources agree.
    let en_failed = l10n
        .try_render("en", "b2c-request-failed", &Vec::new())
        .unwrap();
    let policy = parse::read_policy(&xml).unwrap();
    for p in &policy.profiles {
        assert_eq!(
            p.metadata("DefaultUserMessageIfRequestFailed"),
            Some(en_failed.as_str())
        );
    }
    assert!(
        !xml.contains("http://") || !fr_failed.contains("http"),
        "no URL in texts"
    );
}

#[test]
fn localized_snippet_validates_when_wrapped() {
    let opts = PolicyOptions {
        snippet: true,
        ..localized_options(&["en", "de"])
    };
    let xml = export(&loyalty(), &opts).expect("export");
    assert!(xml.contains("<Localization Enabled=\"true\">"));
    assert!(xml.contains("<SupportedLanguage>de</SupportedLanguage>"));
}

#[test]
fn localization_without_default_is_an_error() {
    let mut opts = localized_options(&["fr"]);
    for l in &mut opts.localization {
        l.is_default = false;
    }
    let err = export(&loyalty(), &opts).unwrap_err();
    assert!(err.to_string().contains("default"), "{err}");
}
