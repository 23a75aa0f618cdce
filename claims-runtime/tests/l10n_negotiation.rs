//! Language negotiation: RFC 5646 tags, LCIDs, language names, Accept-Language, precedence,
//! fallbacks and garbage input.

use claims_runtime::l10n::{LocaleHint, Localizer, lcid_to_tag};

/// The built-in catalogs plus Chinese and Serbian test catalogs.
fn localizer() -> Localizer {
    let mut l = Localizer::new();
    for lang in ["zh-Hans", "zh-Hant", "sr-Latn", "sr-Cyrl"] {
        l.add_messages(lang, &format!("hello = {lang}")).unwrap();
    }
    l
}

fn chosen(l: &Localizer, hint: &LocaleHint<'_>) -> String {
    l.negotiate(hint)
        .map(ToString::to_string)
        .unwrap_or_default()
}

fn tag(l: &Localizer, t: &str) -> String {
    chosen(l, &LocaleHint::rfc5646(t))
}

fn lcid(l: &Localizer, t: &str) -> String {
    chosen(l, &LocaleHint::lcid(t))
}

fn accept(l: &Localizer, t: &str) -> String {
    chosen(l, &LocaleHint::accept_language(t))
}

#[test]
fn exact_tags_any_case() {
    let l = localizer();
    assert_eq!(tag(&l, "en"), "en");
    assert_eq!(tag(&l, "EN-us"), "en");
    assert_eq!(tag(&l, "en-US"), "en");
    assert_eq!(tag(&l, "FR"), "fr");
    assert_eq!(tag(&l, "pt-br"), "pt-BR");
    assert_eq!(tag(&l, "PT-BR"), "pt-BR");
    assert_eq!(tag(&l, "ZH-HANS"), "zh-Hans");
    assert_eq!(tag(&l, "zh-hant"), "zh-Hant");
    assert_eq!(tag(&l, "de_DE"), "de");
    assert_eq!(tag(&l, "  ja-JP  "), "ja");
}

#[test]
fn script_tags() {
    let l = localizer();
    assert_eq!(tag(&l, "zh-Hans"), "zh-Hans");
    assert_eq!(tag(&l, "zh-Hant"), "zh-Hant");
    assert_eq!(tag(&l, "zh-Hans-CN"), "zh-Hans");
    assert_eq!(tag(&l, "zh-Hant-HK"), "zh-Hant");
    // Region only: the likely script decides.
    assert_eq!(tag(&l, "zh-CN"), "zh-Hans");
    assert_eq!(tag(&l, "zh-SG"), "zh-Hans");
    assert_eq!(tag(&l, "zh-TW"), "zh-Hant");
    assert_eq!(tag(&l, "zh-HK"), "zh-Hant");
    assert_eq!(tag(&l, "zh"), "zh-Hans");
    // Legacy .NET names.
    assert_eq!(tag(&l, "zh-CHS"), "zh-Hans");
    assert_eq!(tag(&l, "zh-CHT"), "zh-Hant");
    // Serbian as B2C spells it (including the doc's `sr-cryl-cs` typo).
    assert_eq!(tag(&l, "sr-Latn-CS"), "sr-Latn");
    assert_eq!(tag(&l, "sr-latn-cs"), "sr-Latn");
    assert_eq!(tag(&l, "sr-Cyrl-CS"), "sr-Cyrl");
    assert_eq!(tag(&l, "sr-cryl-cs"), "sr-Cyrl");
}

#[test]
fn traditional_chinese_never_gets_simplified() {
    let mut l = Localizer::new();
    l.add_messages("zh-Hans", "hello = zh").unwrap();
    assert_eq!(tag(&l, "zh-CN"), "zh-Hans");
    assert_eq!(tag(&l, "zh-TW"), "en");
    assert_eq!(tag(&l, "zh-Hant"), "en");
}

#[test]
fn region_fallback() {
    let l = localizer();
    assert_eq!(tag(&l, "fr-CA"), "fr");
    assert_eq!(tag(&l, "fr-BE"), "fr");
    assert_eq!(tag(&l, "de-AT"), "de");
    assert_eq!(tag(&l, "es-MX"), "es");
    assert_eq!(tag(&l, "en-GB"), "en");
    // Portuguese: the closest Portuguese beats the default.
    assert_eq!(tag(&l, "pt"), "pt-BR");
    assert_eq!(tag(&l, "pt-PT"), "pt-BR");

    // pt-BR → pt → default.
    let mut l = Localizer::empty();
    l.add_messages("en", "hello = en").unwrap();
    l.add_messages("pt", "hello = pt").unwrap();
    assert_eq!(tag(&l, "pt-BR"), "pt");
    assert_eq!(tag(&l, "pt-br"), "pt");
    let mut l = Localizer::empty();
    l.add_messages("en", "hello = en").unwrap();
    assert_eq!(tag(&l, "pt-BR"), "en");

    // A specific catalog wins over its neighbours.
    let mut l = Localizer::new();
    l.add_messages("pt-PT", "hello = pt-PT").unwrap();
    assert_eq!(tag(&l, "pt-PT"), "pt-PT");
    assert_eq!(tag(&l, "pt-BR"), "pt-BR");
}

#[test]
fn norwegian_and_deprecated_codes() {
    let mut l = Localizer::new();
    l.add_messages("nb", "hello = nb").unwrap();
    l.add_messages("he", "hello = he").unwrap();
    assert_eq!(tag(&l, "no"), "nb");
    assert_eq!(tag(&l, "nb-NO"), "nb");
    assert_eq!(tag(&l, "iw"), "he");
    assert_eq!(lcid(&l, "20"), "nb");
}

#[test]
fn lcid_table() {
    let l = localizer();
    for (id, want) in [
        ("1033", "en"),
        ("2057", "en"),
        ("1036", "fr"),
        ("3084", "fr"),
        ("1031", "de"),
        ("3082", "es"),
        ("1034", "es"),
        ("2058", "es"),
        ("1040", "it"),
        ("1043", "nl"),
        ("1041", "ja"),
        ("1046", "pt-BR"),
        ("2070", "pt-BR"),
        ("2052", "zh-Hans"),
        ("1028", "zh-Hant"),
        ("3076", "zh-Hant"),
        ("2074", "sr-Latn"),
        ("3098", "sr-Cyrl"),
        // Neutral cultures.
        ("9", "en"),
        ("12", "fr"),
        ("7", "de"),
        ("10", "es"),
        ("22", "pt-BR"),
        ("4", "zh-Hans"),
        ("31748", "zh-Hant"),
        ("0x040C", "fr"),
    ] {
        assert_eq!(lcid(&l, id), want, "LCID {id}");
    }
    let mut with_pt_pt = Localizer::new();
    with_pt_pt.add_messages("pt-PT", "hello = pt").unwrap();
    assert_eq!(lcid(&with_pt_pt, "2070"), "pt-PT");
}

#[test]
fn lcid_table_covers_b2c_languages() {
    // Every language of B2C's table (`docs/b2c-wire-contract.md` §7.1) has a neutral and a specific LCID.
    let neutral = [
        ("1", "ar"),
        ("2", "bg"),
        ("69", "bn"),
        ("3", "ca"),
        ("5", "cs"),
        ("82", "cy"),
        ("6", "da"),
        ("7", "de"),
        ("8", "el"),
        ("9", "en"),
        ("10", "es"),
        ("37", "et"),
        ("45", "eu"),
        ("11", "fi"),
        ("12", "fr"),
        ("86", "gl"),
        ("71", "gu"),
        ("13", "he"),
        ("57", "hi"),
        ("26", "hr"),
        ("14", "hu"),
        ("33", "id"),
        ("16", "it"),
        ("17", "ja"),
        ("63", "kk"),
        ("75", "kn"),
        ("18", "ko"),
        ("39", "lt"),
        ("38", "lv"),
        ("76", "ml"),
        ("78", "mr"),
        ("62", "ms"),
        ("31764", "nb"),
        ("19", "nl"),
        ("20", "no"),
        ("70", "pa"),
        ("21", "pl"),
        ("22", "pt"),
        ("24", "ro"),
        ("25", "ru"),
        ("27", "sk"),
        ("36", "sl"),
        ("27674", "sr-Cyrl"),
        ("28698", "sr-Latn"),
        ("29", "sv"),
        ("73", "ta"),
        ("74", "te"),
        ("30", "th"),
        ("31", "tr"),
        ("34", "uk"),
        ("42", "vi"),
        ("4", "zh-Hans"),
        ("31748", "zh-Hant"),
    ];
    for (id, want) in neutral {
        assert_eq!(lcid_to_tag(id), Some(want), "LCID {id}");
    }
    let specific = [
        ("1025", "ar-SA"),
        ("1026", "bg-BG"),
        ("1093", "bn-IN"),
        ("1027", "ca-ES"),
        ("1029", "cs-CZ"),
        ("1106", "cy-GB"),
        ("1030", "da-DK"),
        ("1031", "de-DE"),
        ("1032", "el-GR"),
        ("1033", "en-US"),
        ("3082", "es-ES"),
        ("1061", "et-EE"),
        ("1069", "eu-ES"),
        ("1035", "fi-FI"),
        ("1036", "fr-FR"),
        ("1110", "gl-ES"),
        ("1095", "gu-IN"),
        ("1037", "he-IL"),
        ("1081", "hi-IN"),
        ("1050", "hr-HR"),
        ("1038", "hu-HU"),
        ("1057", "id-ID"),
        ("1040", "it-IT"),
        ("1041", "ja-JP"),
        ("1087", "kk-KZ"),
        ("1099", "kn-IN"),
        ("1042", "ko-KR"),
        ("1063", "lt-LT"),
        ("1062", "lv-LV"),
        ("1100", "ml-IN"),
        ("1102", "mr-IN"),
        ("1086", "ms-MY"),
        ("1044", "nb-NO"),
        ("1043", "nl-NL"),
        ("1094", "pa-IN"),
        ("1045", "pl-PL"),
        ("1046", "pt-BR"),
        ("2070", "pt-PT"),
        ("1048", "ro-RO"),
        ("1049", "ru-RU"),
        ("1051", "sk-SK"),
        ("1060", "sl-SI"),
        ("3098", "sr-Cyrl-CS"),
        ("2074", "sr-Latn-CS"),
        ("1053", "sv-SE"),
        ("1097", "ta-IN"),
        ("1098", "te-IN"),
        ("1054", "th-TH"),
        ("1055", "tr-TR"),
        ("1058", "uk-UA"),
        ("1066", "vi-VN"),
        ("2052", "zh-Hans-CN"),
        ("1028", "zh-Hant-TW"),
    ];
    for (id, want) in specific {
        assert_eq!(lcid_to_tag(id), Some(want), "LCID {id}");
    }
}

#[test]
fn lcid_unknown_or_garbage_falls_through() {
    let l = localizer();
    for bad in [
        "4096",
        "0",
        "127",
        "1024",
        "abc",
        "-1",
        "99999999999",
        "",
        " ",
        "10 33",
        "1033x",
        "0x",
        "١٠٣٣",
    ] {
        assert_eq!(lcid_to_tag(bad), None, "{bad:?}");
        // Falls through to the next source.
        let hint = LocaleHint {
            lcid: Some(bad),
            language_name: Some("de"),
            ..LocaleHint::default()
        };
        assert_eq!(chosen(&l, &hint), "de", "{bad:?}");
        // And alone, to the default.
        assert_eq!(lcid(&l, bad), "en", "{bad:?}");
    }
}

#[test]
fn extensions_are_ignored() {
    let l = localizer();
    assert_eq!(tag(&l, "de-CH-u-co-phonebk"), "de");
    assert_eq!(tag(&l, "fr-x-custom"), "fr");
    assert_eq!(tag(&l, "ja-JP-u-ca-japanese-x-private"), "ja");
}

#[test]
fn language_name() {
    let l = localizer();
    assert_eq!(chosen(&l, &LocaleHint::language_name("fr")), "fr");
    assert_eq!(chosen(&l, &LocaleHint::language_name("DE")), "de");
    assert_eq!(chosen(&l, &LocaleHint::language_name("ko")), "en");
}

#[test]
fn accept_language_q_values() {
    let l = localizer();
    assert_eq!(
        accept(&l, "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
        "fr"
    );
    assert_eq!(accept(&l, "de;q=0.5, it;q=0.9"), "it");
    assert_eq!(accept(&l, "en;q=0.1, nl"), "nl");
    assert_eq!(accept(&l, "ko-KR, ko;q=0.9, es;q=0.8"), "es");
    assert_eq!(accept(&l, "*, fr;q=0.2"), "fr");
    assert_eq!(accept(&l, "ja;q=0, es;q=0.3"), "es");
    assert_eq!(accept(&l, "es;q=7, de;q=abc, it;q=0.5"), "it");
    assert_eq!(accept(&l, "zh-TW,zh;q=0.9"), "zh-Hant");
    assert_eq!(accept(&l, "PT-br;Q=0.8"), "pt-BR");
    assert_eq!(accept(&l, "ko"), "en");
    assert_eq!(accept(&l, "*"), "en");
    // Equal weights keep the header order.
    assert_eq!(accept(&l, "it;q=0.5, de;q=0.5"), "it");
}

#[test]
fn precedence_of_sources() {
    let l = localizer();
    let all = LocaleHint {
        rfc5646: Some("fr-FR"),
        lcid: Some("1031"),
        language_name: Some("es"),
        accept_language: Some("it"),
    };
    assert_eq!(chosen(&l, &all), "fr");
    let no_tag = LocaleHint {
        rfc5646: None,
        ..all
    };
    assert_eq!(chosen(&l, &no_tag), "de");
    let unknown_lcid = LocaleHint {
        lcid: Some("4096"),
        ..no_tag
    };
    assert_eq!(chosen(&l, &unknown_lcid), "es");
    let no_name = LocaleHint {
        language_name: None,
        ..unknown_lcid
    };
    assert_eq!(chosen(&l, &no_name), "it");
    let nothing = LocaleHint {
        accept_language: Some("ko"),
        ..no_name
    };
    assert_eq!(chosen(&l, &nothing), "en");
    assert_eq!(chosen(&l, &LocaleHint::default()), "en");
    // A valid tag without a catalog falls through as well.
    let korean_ui = LocaleHint {
        rfc5646: Some("ko-KR"),
        accept_language: Some("nl-BE, ko;q=0.9"),
        ..LocaleHint::default()
    };
    assert_eq!(chosen(&l, &korean_ui), "nl");
}

#[test]
fn garbage_never_panics_and_falls_through() {
    let l = localizer();
    let huge = "x".repeat(10 * 1024);
    let huge_list = "en-US;q=0.1,".repeat(1000);
    let huge_tag = format!("en-{}", "a".repeat(10_000));
    let garbage: Vec<&str> = vec![
        "{Culture:RFC5646}",
        "{Culture:LCID}",
        "xx_YY!!",
        "",
        "   ",
        "-",
        "en-",
        "--en",
        "😀",
        "\u{0}",
        "en\u{202e}",
        "q=0.5",
        ";;;,,,",
        "und",
        "root",
        "i-klingon",
        "x-private",
        "q-US-u-ca-gregory-x-foo-bar-baz-qux",
        &huge,
        &huge_list,
        &huge_tag,
    ];
    for g in &garbage {
        let hint = LocaleHint {
            rfc5646: Some(g),
            lcid: Some(g),
            language_name: Some(g),
            accept_language: Some(g),
        };
        let got = chosen(&l, &hint);
        assert!(!got.is_empty(), "{g:?}");
        let fallthrough = LocaleHint {
            rfc5646: Some(g),
            lcid: Some(g),
            language_name: Some(g),
            accept_language: Some("nl"),
        };
        let got = chosen(&l, &fallthrough);
        // A few "garbage" values are in fact valid tags of a loaded language.
        if !g.starts_with("en") {
            assert_eq!(got, "nl", "{g:?}");
        }
    }
    // The huge Accept-Language list is read (first entries) and is English.
    assert_eq!(accept(&l, &huge_list), "en");
}

#[test]
fn default_language_is_configurable() {
    let mut l = localizer();
    l.set_default("fr").unwrap();
    assert_eq!(tag(&l, "ko"), "fr");
    assert_eq!(chosen(&l, &LocaleHint::default()), "fr");
    assert_eq!(tag(&l, "de"), "de");
    // Served by the closest catalog.
    let l = Localizer::new().with_default("de-AT").unwrap();
    assert_eq!(chosen(&l, &LocaleHint::default()), "de");
    assert_eq!(l.default_language().to_string(), "de-AT");
    assert!(Localizer::new().with_default("{Culture:RFC5646}").is_err());
    // Set before its catalog exists.
    let mut l = Localizer::new();
    l.set_default("ko").unwrap();
    assert!(!l.problems().is_empty());
    l.add_messages("ko", "hello = ko").unwrap();
    assert_eq!(chosen(&l, &LocaleHint::default()), "ko");
}

#[test]
fn cache_is_consistent_and_invalidated() {
    let mut l = localizer();
    for _ in 0..3 {
        assert_eq!(tag(&l, "ko-KR"), "en");
        assert_eq!(tag(&l, "fr-CA"), "fr");
        assert_eq!(accept(&l, "ko, de;q=0.5"), "de");
    }
    l.add_messages("ko", "hello = ko").unwrap();
    assert_eq!(tag(&l, "ko-KR"), "ko");
    assert_eq!(accept(&l, "ko, de;q=0.5"), "ko");
    // Many distinct values: the cache is bounded, results stay right.
    for i in 0..5000 {
        let t = format!("fr-CA-v{i:05}");
        assert_eq!(tag(&l, &t), "fr");
    }
}

#[test]
fn restricting_languages() {
    let mut l = Localizer::new();
    l.restrict_languages(&["en", "fr"]).unwrap();
    assert_eq!(
        l.languages()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["en", "fr"]
    );
    assert_eq!(tag(&l, "de"), "en");
    assert_eq!(tag(&l, "fr-CA"), "fr");
    assert!(Localizer::new().restrict_languages(&["ko"]).is_err());
}

#[test]
fn localizer_is_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Localizer>();
    let l = std::sync::Arc::new(localizer());
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let l = l.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let t = ["fr-CA", "de", "zh-TW", "pt-br"][i];
                    let want = ["fr", "de", "zh-Hant", "pt-BR"][i];
                    assert_eq!(tag(&l, t), want);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
