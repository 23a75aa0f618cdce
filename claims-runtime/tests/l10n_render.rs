//! Rendering: languages, plurals, per-message fallback, completeness of the shipped catalogs,
//! the `locales!` macro, the App extensions and the policy strings.

use std::borrow::Cow;

use claims_runtime::error::MessageArgs;
use claims_runtime::l10n::{self, BUILTIN_LANGUAGES, LocaleHint, Localizer, RenderError};
use claims_runtime::{App, MessageArg};

fn args(list: &[(&'static str, MessageArg)]) -> MessageArgs {
    list.iter()
        .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
        .collect()
}

fn claim(name: &str) -> MessageArgs {
    args(&[("claim", name.into())])
}

fn length(kind: &str, min: f64, max: f64) -> MessageArgs {
    args(&[
        ("claim", "Loyalty ID".into()),
        ("kind", kind.into()),
        ("min", MessageArg::Number(min)),
        ("max", MessageArg::Number(max)),
    ])
}

fn has_bidi(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{2066}'..='\u{2069}' | '\u{202A}'..='\u{202E}'))
}

#[test]
fn claim_missing_in_several_languages() {
    let l = Localizer::new();
    let a = claim("E-mail");
    let r = |hint: LocaleHint<'_>| l.render(&hint, "claim-missing", &a);
    let en = "Some information is missing (E-mail). Please check your entries and try again.";
    assert_eq!(r(LocaleHint::rfc5646("en-US")), en);
    assert_eq!(
        r(LocaleHint::rfc5646("fr")),
        "Des informations sont manquantes (E-mail). Veuillez vérifier votre saisie et réessayer."
    );
    assert_eq!(
        r(LocaleHint::rfc5646("de-DE")),
        "Es fehlen Angaben (E-mail). Bitte überprüfen Sie Ihre Eingaben und versuchen Sie es erneut."
    );
    assert_eq!(
        r(LocaleHint::rfc5646("pt-BR")),
        "Faltam informações (E-mail). Verifique os dados informados e tente novamente."
    );
    assert_eq!(r(LocaleHint::rfc5646("xx-XX")), en);
    assert_eq!(r(LocaleHint::rfc5646("{Culture:RFC5646}")), en);
    assert_eq!(r(LocaleHint::default()), en);
    // LCID forms: specific and neutral.
    assert_eq!(r(LocaleHint::lcid("1036")), r(LocaleHint::rfc5646("fr")));
    assert_eq!(r(LocaleHint::lcid("12")), r(LocaleHint::rfc5646("fr")));
    assert_eq!(r(LocaleHint::lcid("3082")), r(LocaleHint::rfc5646("es")));
    assert_eq!(r(LocaleHint::lcid("1046")), r(LocaleHint::rfc5646("pt-BR")));
    assert_eq!(r(LocaleHint::lcid("4096")), en);
    assert_eq!(
        r(LocaleHint::accept_language("ja-JP,ja;q=0.9,en;q=0.5")),
        r(LocaleHint::rfc5646("ja"))
    );
}

#[test]
fn plural_categories_follow_the_language() {
    let l = Localizer::new();
    let r = |tag: &str, min: f64| {
        l.render(
            &LocaleHint::rfc5646(tag),
            "validation-length",
            &length("min", min, min),
        )
    };
    assert_eq!(
        r("en", 1.0),
        "Loyalty ID must be at least 1 character long."
    );
    assert_eq!(
        r("en", 5.0),
        "Loyalty ID must be at least 5 characters long."
    );
    assert_eq!(
        r("en", 0.0),
        "Loyalty ID must be at least 0 characters long."
    );
    // French: 0 and 1 are singular.
    assert_eq!(
        r("fr", 1.0),
        "Loyalty ID doit contenir au moins 1 caractère."
    );
    assert_eq!(
        r("fr", 0.0),
        "Loyalty ID doit contenir au moins 0 caractère."
    );
    assert_eq!(
        r("fr", 8.0),
        "Loyalty ID doit contenir au moins 8 caractères."
    );
    // Brazilian Portuguese, Spanish, Italian, Dutch.
    assert_eq!(
        r("pt-BR", 1.0),
        "Loyalty ID deve ter pelo menos 1 caractere."
    );
    assert_eq!(
        r("pt-BR", 3.0),
        "Loyalty ID deve ter pelo menos 3 caracteres."
    );
    assert_eq!(r("es", 1.0), "Loyalty ID debe tener al menos 1 carácter.");
    assert_eq!(r("es", 2.0), "Loyalty ID debe tener al menos 2 caracteres.");
    assert_eq!(
        r("it", 1.0),
        "Loyalty ID deve contenere almeno 1 carattere."
    );
    assert_eq!(r("nl", 2.0), "Loyalty ID moet minstens 2 tekens lang zijn.");
    // Japanese has a single form.
    assert_eq!(r("ja", 1.0), "Loyalty ID は 1 文字以上で入力してください。");
    // The other selector branches.
    assert_eq!(
        l.render(
            &LocaleHint::rfc5646("en"),
            "validation-length",
            &length("between", 4.0, 10.0)
        ),
        "Loyalty ID must be between 4 and 10 characters long."
    );
    assert_eq!(
        l.render(
            &LocaleHint::rfc5646("de"),
            "validation-range",
            &length("max", 0.0, 99.0)
        ),
        "Loyalty ID darf höchstens 99 sein."
    );
}

#[test]
fn user_plurals_and_selectors() {
    let mut l = Localizer::new();
    l.add_messages(
        "en",
        "attempts-left = { $count ->\n    [one] You have one attempt left.\n   *[other] You have { $count } attempts left.\n}\n\
         greeting = { $tier ->\n    [gold] Welcome back, { $name }!\n   *[other] Hello { $name }.\n}\n",
    )
    .unwrap();
    l.add_messages(
        "fr",
        "attempts-left = { $count ->\n    [one] Il vous reste { $count } essai.\n   *[other] Il vous reste { $count } essais.\n}\n",
    )
    .unwrap();
    l.add_messages(
        "ru",
        "attempts-left = { $count ->\n    [one] Осталась { $count } попытка.\n    [few] Осталось { $count } попытки.\n    [many] Осталось { $count } попыток.\n   *[other] Осталось { $count } попытки.\n}\n",
    )
    .unwrap();
    let r = |tag: &str, n: i32| {
        l.render(
            &LocaleHint::rfc5646(tag),
            "attempts-left",
            &args(&[("count", n.into())]),
        )
    };
    assert_eq!(r("en", 1), "You have one attempt left.");
    assert_eq!(r("en", 3), "You have 3 attempts left.");
    assert_eq!(r("fr", 0), "Il vous reste 0 essai.");
    assert_eq!(r("fr", 1), "Il vous reste 1 essai.");
    assert_eq!(r("fr", 2), "Il vous reste 2 essais.");
    assert_eq!(r("ru", 1), "Осталась 1 попытка.");
    assert_eq!(r("ru", 21), "Осталась 21 попытка.");
    assert_eq!(r("ru", 3), "Осталось 3 попытки.");
    assert_eq!(r("ru", 5), "Осталось 5 попыток.");
    assert_eq!(r("ru", 11), "Осталось 11 попыток.");
    let g = |tier: &str| {
        l.render(
            &LocaleHint::rfc5646("en"),
            "greeting",
            &args(&[("tier", tier.into()), ("name", "Emily".into())]),
        )
    };
    assert_eq!(g("gold"), "Welcome back, Emily!");
    assert_eq!(g("silver"), "Hello Emily.");
}

#[test]
fn per_message_fallback() {
    let mut l = Localizer::new();
    l.add_messages("en", "member-not-found = No member uses { $email }.")
        .unwrap();
    l.add_messages("fr", "other = Autre").unwrap();
    let a = args(&[("email", "a@b.c".into())]);
    // French lacks the message: only this message comes from English...
    assert_eq!(
        l.render(&LocaleHint::rfc5646("fr"), "member-not-found", &a),
        "No member uses a@b.c."
    );
    // ...framework messages stay French.
    assert!(
        l.render(&LocaleHint::rfc5646("fr"), "forbidden", &Vec::new())
            .starts_with("Cette demande")
    );
    // Missing everywhere: the id itself (warned once, never panics).
    for _ in 0..3 {
        assert_eq!(
            l.render(&LocaleHint::rfc5646("fr"), "nope-id", &a),
            "nope-id"
        );
    }
    // Fallback goes to the configured default, not to English.
    l.set_default("de").unwrap();
    l.add_messages("de", "member-not-found = Kein Mitglied nutzt { $email }.")
        .unwrap();
    assert_eq!(
        l.render(&LocaleHint::rfc5646("fr"), "member-not-found", &a),
        "Kein Mitglied nutzt a@b.c."
    );
    assert_eq!(
        l.render(&LocaleHint::rfc5646("en"), "member-not-found", &a),
        "No member uses a@b.c."
    );
}

#[test]
fn missing_argument_renders_without_panicking() {
    let l = Localizer::new();
    let text = l.render(&LocaleHint::rfc5646("en"), "claim-missing", &Vec::new());
    assert!(text.starts_with("Some information is missing"), "{text}");
    assert!(matches!(
        l.try_render("en", "claim-missing", &Vec::new()),
        Err(RenderError::Fluent { .. })
    ));
    assert!(matches!(
        l.try_render("en", "nope", &Vec::new()),
        Err(RenderError::MissingMessage { .. })
    ));
    assert!(matches!(
        l.try_render("ko", "forbidden", &Vec::new()),
        Err(RenderError::UnknownLanguage(_))
    ));
}

#[test]
fn every_framework_id_in_every_shipped_language() {
    let l = Localizer::new();
    assert_eq!(l.languages().len(), BUILTIN_LANGUAGES.len());
    assert!(BUILTIN_LANGUAGES.len() >= 5);
    let ids: Vec<&str> = l10n::framework_ids().collect();
    assert_eq!(
        ids.len(),
        claims_runtime::error::ids::ALL.len() + claims_runtime::rules::ids::ALL.len() + 4
    );
    for lang in BUILTIN_LANGUAGES {
        let defined = l.message_ids(lang);
        for id in &ids {
            assert!(l.has_message_in(lang, id), "{lang} lacks {id}");
        }
        // No stray ids either: every shipped catalog has exactly the framework ids.
        let mut want = ids.clone();
        want.sort_unstable();
        assert_eq!(defined, want, "{lang}");
        for id in &ids {
            for kind in ["min", "max", "exact", "between", "other"] {
                for n in [0.0, 1.0, 2.0, 5.0, 21.0, 1.5] {
                    let a = args(&[
                        ("claim", "Loyalty ID".into()),
                        ("kind", kind.into()),
                        ("min", MessageArg::Number(n)),
                        ("max", MessageArg::Number(n + 10.0)),
                    ]);
                    let text = l
                        .try_render(lang, id, &a)
                        .unwrap_or_else(|e| panic!("{lang} {id}: {e}"));
                    assert!(!text.trim().is_empty(), "{lang} {id}");
                    assert!(!has_bidi(&text), "{lang} {id}: bidi marks in {text:?}");
                    assert!(!text.contains('<') && !text.contains("http"), "{lang} {id}");
                    assert!(
                        !text.contains('{') && !text.contains('}'),
                        "{lang} {id}: {text}"
                    );
                    if id.starts_with("claim-") || id.starts_with("validation-") {
                        assert!(text.contains("Loyalty ID"), "{lang} {id}: {text}");
                    }
                }
            }
        }
    }
    assert!(l.check_framework_ids().is_empty());
    assert!(l.missing_ids(&ids).is_empty());
    assert!(l.problems().is_empty(), "{:?}", l.problems());
}

#[test]
fn no_bidi_marks_through_render() {
    let l = Localizer::new();
    for lang in BUILTIN_LANGUAGES {
        for id in l10n::framework_ids() {
            let text = l.render(&LocaleHint::rfc5646(lang), id, &length("between", 1.0, 3.0));
            assert!(!has_bidi(&text), "{lang} {id}: {text:?}");
        }
    }
    let mut l = Localizer::new();
    l.add_messages("ar", "hello = مرحبا { $name }").unwrap();
    let text = l.render(
        &LocaleHint::rfc5646("ar-SA"),
        "hello",
        &args(&[("name", "Emily".into())]),
    );
    assert_eq!(text, "مرحبا Emily");
}

#[test]
fn startup_checks() {
    let mut l = Localizer::empty();
    assert!(!l.has_message("claim-missing"));
    assert_eq!(l.check_framework_ids().len(), l10n::framework_ids().count());
    l.add_messages("en", "member-not-found = No member.")
        .unwrap();
    assert_eq!(
        l.missing_ids(&["member-not-found", "other-id"]),
        ["other-id"]
    );
    let mut l = Localizer::new();
    l.require(&["member-not-found"]);
    assert_eq!(l.problems().len(), 1);
    l.add_messages("en", "member-not-found = No member.")
        .unwrap();
    assert!(l.problems().is_empty());
    assert!(Localizer::new().add_messages("en", "broken = {").is_err());
    assert!(Localizer::new().add_messages("not a tag", "a = b").is_err());
}

#[test]
fn locales_macro_and_app_extensions() {
    let catalogs = claims_runtime::locales![
        "en" => "locales/en/framework.ftl",
        "fr" => "locales/fr/framework.ftl",
    ];
    assert_eq!(catalogs.len(), 2);
    assert!(catalogs[1].1.contains("claim-missing"));

    let mut app = App::empty()
        .catalogs(catalogs)
        .catalogs(&[
            ("en", "member-not-found = No member uses { $email }.\nclaim-loyaltyId-display-name = Loyalty ID\nclaim-loyaltyId-help = The number on your card."),
            ("fr", "member-not-found = Aucun membre n’utilise { $email }.\nclaim-loyaltyId-display-name = Numéro de fidélité"),
        ])
        .default_language("fr")
        .require_messages(&["member-not-found"]);
    assert!(app.validate().is_ok());
    assert!(app.check_localization().is_ok());
    let l = app.localizer_mut();
    assert_eq!(l.default_language().to_string(), "fr");
    assert_eq!(
        l.render(
            &LocaleHint::rfc5646("ko"),
            "member-not-found",
            &args(&[("email", "a@b.c".into())])
        ),
        "Aucun membre n’utilise a@b.c."
    );

    let missing = App::empty().require_messages(&["member-not-found"]);
    let err = missing.check_localization().unwrap_err();
    assert!(err.to_string().contains("member-not-found"), "{err}");

    let bad = App::empty().default_language("{Culture:RFC5646}");
    assert!(bad.check_localization().is_err());

    let two = App::empty().languages(&["en", "de"]);
    let langs: Vec<String> = two
        .policy_strings()
        .into_iter()
        .map(|s| s.language)
        .collect();
    assert_eq!(langs, ["en", "de"]);

    // A syntax error in a catalog is a startup error.
    assert!(
        App::empty()
            .catalogs(&[("en", "oops = {")])
            .validate()
            .is_err()
    );
}

#[test]
fn policy_strings() {
    let mut l = Localizer::new();
    l.add_messages(
        "en",
        "claim-loyaltyId-display-name = Loyalty ID\nclaim-loyaltyId-help = The number on your card.\nclaim-email-display-name = E-mail",
    )
    .unwrap();
    l.add_messages("fr", "claim-loyaltyId-display-name = Numéro de fidélité")
        .unwrap();
    l.add_messages("ko", "hello = 안녕하세요").unwrap();
    let all = l.policy_strings();
    assert_eq!(all.len(), BUILTIN_LANGUAGES.len() + 1);
    let en = all.iter().find(|s| s.language == "en").unwrap();
    assert!(en.is_default);
    assert_eq!(
        en.request_failed,
        "We could not complete your request. Please try again later."
    );
    assert_eq!(en.claims.len(), 2);
    assert_eq!(en.claims[0].claim_type_id, "email");
    assert_eq!(en.claims[1].claim_type_id, "loyaltyId");
    assert_eq!(en.claims[1].display_name.as_deref(), Some("Loyalty ID"));
    assert_eq!(
        en.claims[1].user_help_text.as_deref(),
        Some("The number on your card.")
    );
    let fr = all.iter().find(|s| s.language == "fr").unwrap();
    assert!(!fr.is_default);
    assert_eq!(fr.b2c_language, "fr");
    assert!(fr.request_timeout.starts_with("Le service"));
    assert_eq!(fr.claims.len(), 1);
    assert_eq!(
        fr.claims[0].display_name.as_deref(),
        Some("Numéro de fidélité")
    );
    assert_eq!(fr.claims[0].user_help_text, None);
    let pt = all.iter().find(|s| s.language == "pt-BR").unwrap();
    assert_eq!(pt.b2c_language, "pt-br");
    // A language without transport texts gets the default's.
    let ko = all.iter().find(|s| s.language == "ko").unwrap();
    assert_eq!(ko.circuit_open, en.circuit_open);
    for s in &all {
        for t in [
            &s.request_failed,
            &s.request_timeout,
            &s.dns_failed,
            &s.circuit_open,
        ] {
            assert!(
                !t.is_empty() && !t.contains("http") && !has_bidi(t),
                "{}: {t}",
                s.language
            );
        }
    }
}
