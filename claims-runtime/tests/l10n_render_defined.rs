//! `Localizer::render_defined`: the message in the language negotiated for the request, with
//! no per-message fallback and no text when Fluent reports errors: what a claim's localized
//! display name needs on the 409 path, from the cached negotiation.

use claims_runtime::MessageArg;
use claims_runtime::error::MessageArgs;
use claims_runtime::l10n::{self, BUILTIN_LANGUAGES, LocaleHint, Localizer};

fn localizer() -> Localizer {
    let mut l = Localizer::new();
    l.add_messages(
        "en",
        "claim-loyaltyId-display-name = Loyalty ID\nneeds-arg = Hello { $name }",
    )
    .unwrap();
    l.add_messages("fr", "claim-loyaltyId-display-name = Numéro de fidélité")
        .unwrap();
    l
}

#[test]
fn the_negotiated_language_only() {
    let l = localizer();
    let none = MessageArgs::new();
    let id = "claim-loyaltyId-display-name";
    let fr = LocaleHint::lcid("1036");
    assert_eq!(
        l.render_defined(&fr, id, &none).as_deref(),
        Some("Numéro de fidélité")
    );
    assert_eq!(
        l.render_defined(&LocaleHint::rfc5646("en-GB"), id, &none)
            .as_deref(),
        Some("Loyalty ID")
    );
    // German lacks it: no fallback to the default language.
    assert_eq!(l.render_defined(&LocaleHint::lcid("1031"), id, &none), None);
    assert_eq!(l.render(&LocaleHint::lcid("1031"), id, &none), "Loyalty ID");
    // Unmatched hints use the default language, as `render` does.
    assert_eq!(
        l.render_defined(&LocaleHint::rfc5646("xx"), id, &none)
            .as_deref(),
        Some("Loyalty ID")
    );
    // Fluent errors (a missing argument): no text.
    let en = LocaleHint::rfc5646("en");
    assert_eq!(l.render_defined(&en, "needs-arg", &none), None);
    let name: MessageArgs = vec![("name".into(), MessageArg::from("Emily"))];
    assert_eq!(
        l.render_defined(&en, "needs-arg", &name).as_deref(),
        Some("Hello Emily")
    );
    assert_eq!(l.render_defined(&en, "no-such-id", &none), None);
    // Nothing loaded at all.
    assert_eq!(
        Localizer::empty().render_defined(&en, "claim-missing", &none),
        None
    );
}

#[test]
fn same_as_try_render_in_the_negotiated_language() {
    let l = localizer();
    let args: MessageArgs = vec![
        ("claim".into(), MessageArg::from("E-mail")),
        ("min".into(), MessageArg::Number(2.0)),
        ("max".into(), MessageArg::Number(5.0)),
        ("kind".into(), MessageArg::from("between")),
    ];
    for tag in BUILTIN_LANGUAGES.iter().chain(&["fr-CA", "pt", "zz"]) {
        let hint = LocaleHint::rfc5646(tag);
        let lang = l.negotiate(&hint).unwrap().to_string();
        for id in l10n::framework_ids().chain(["claim-loyaltyId-display-name"]) {
            assert_eq!(
                l.render_defined(&hint, id, &args),
                l.try_render(&lang, id, &args).ok(),
                "{tag} {id}"
            );
        }
    }
}
