//! Cultures: Windows LCIDs (`{Culture:LCID}`), language tags and English language names, one
//! table for the runtime's language negotiation and the emulator's resolvers.
//!
//! [`to_language_tag`] reads a culture claim whatever its resolver: B2C's exact output for each
//! resolver is not fully documented (a neutral culture's LCID, the form of `LanguageName`), and a
//! profile imported from an existing policy may map any of them to any claim.
//!
//! Values from Microsoft's MS-LCID tables. The table covers every language of B2C's language
//! list with its neutral LCID and its main specific LCIDs, plus a few common regional variants.
//! `4096` (`LOCALE_CUSTOM_UNSPECIFIED`), `127` (invariant culture) and the `LOCALE_*_DEFAULT`
//! pseudo ids map to nothing, so negotiation moves on to the next source.

use std::borrow::Cow;

/// `(lcid, tag)`, sorted by lcid for binary search.
pub static LCIDS: &[(u32, &str)] = &[
    (1, "ar"),
    (2, "bg"),
    (3, "ca"),
    (4, "zh-Hans"),
    (5, "cs"),
    (6, "da"),
    (7, "de"),
    (8, "el"),
    (9, "en"),
    (10, "es"),
    (11, "fi"),
    (12, "fr"),
    (13, "he"),
    (14, "hu"),
    (16, "it"),
    (17, "ja"),
    (18, "ko"),
    (19, "nl"),
    (20, "no"),
    (21, "pl"),
    (22, "pt"),
    (24, "ro"),
    (25, "ru"),
    (26, "hr"),
    (27, "sk"),
    (29, "sv"),
    (30, "th"),
    (31, "tr"),
    (33, "id"),
    (34, "uk"),
    (36, "sl"),
    (37, "et"),
    (38, "lv"),
    (39, "lt"),
    (42, "vi"),
    (45, "eu"),
    (57, "hi"),
    (62, "ms"),
    (63, "kk"),
    (69, "bn"),
    (70, "pa"),
    (71, "gu"),
    (73, "ta"),
    (74, "te"),
    (75, "kn"),
    (76, "ml"),
    (78, "mr"),
    (82, "cy"),
    (86, "gl"),
    (1025, "ar-SA"),
    (1026, "bg-BG"),
    (1027, "ca-ES"),
    (1028, "zh-Hant-TW"),
    (1029, "cs-CZ"),
    (1030, "da-DK"),
    (1031, "de-DE"),
    (1032, "el-GR"),
    (1033, "en-US"),
    // es-ES with the traditional sort order.
    (1034, "es-ES"),
    (1035, "fi-FI"),
    (1036, "fr-FR"),
    (1037, "he-IL"),
    (1038, "hu-HU"),
    (1040, "it-IT"),
    (1041, "ja-JP"),
    (1042, "ko-KR"),
    (1043, "nl-NL"),
    (1044, "nb-NO"),
    (1045, "pl-PL"),
    (1046, "pt-BR"),
    (1048, "ro-RO"),
    (1049, "ru-RU"),
    (1050, "hr-HR"),
    (1051, "sk-SK"),
    (1053, "sv-SE"),
    (1054, "th-TH"),
    (1055, "tr-TR"),
    (1057, "id-ID"),
    (1058, "uk-UA"),
    (1060, "sl-SI"),
    (1061, "et-EE"),
    (1062, "lv-LV"),
    (1063, "lt-LT"),
    (1066, "vi-VN"),
    (1069, "eu-ES"),
    (1081, "hi-IN"),
    (1086, "ms-MY"),
    (1087, "kk-KZ"),
    (1093, "bn-IN"),
    (1094, "pa-IN"),
    (1095, "gu-IN"),
    (1097, "ta-IN"),
    (1098, "te-IN"),
    (1099, "kn-IN"),
    (1100, "ml-IN"),
    (1102, "mr-IN"),
    (1106, "cy-GB"),
    (1110, "gl-ES"),
    (2049, "ar-IQ"),
    (2052, "zh-Hans-CN"),
    (2055, "de-CH"),
    (2057, "en-GB"),
    (2058, "es-MX"),
    (2060, "fr-BE"),
    (2064, "it-CH"),
    (2067, "nl-BE"),
    (2068, "nn-NO"),
    (2070, "pt-PT"),
    (2074, "sr-Latn-CS"),
    (2110, "ms-BN"),
    (2117, "bn-BD"),
    (3073, "ar-EG"),
    (3076, "zh-Hant-HK"),
    (3079, "de-AT"),
    (3081, "en-AU"),
    (3082, "es-ES"),
    (3084, "fr-CA"),
    (3098, "sr-Cyrl-CS"),
    (4100, "zh-Hans-SG"),
    (4105, "en-CA"),
    (4108, "fr-CH"),
    (5124, "zh-Hant-MO"),
    (5129, "en-NZ"),
    (6153, "en-IE"),
    (7177, "en-ZA"),
    (9226, "es-CO"),
    (9242, "sr-Latn-RS"),
    (10266, "sr-Cyrl-RS"),
    (11274, "es-AR"),
    (16393, "en-IN"),
    (21514, "es-US"),
    (27674, "sr-Cyrl"),
    (28698, "sr-Latn"),
    (30724, "zh"),
    (30740, "nn"),
    (31748, "zh-Hant"),
    (31764, "nb"),
    (31770, "sr"),
];

/// The language tag of a Windows LCID given as decimal text (`"1036"` → `fr-FR`), or `0x`-hex.
///
/// Unknown ids, `4096` and anything that is not a number give `None`.
pub fn lcid_to_tag(lcid: &str) -> Option<&'static str> {
    let s = lcid.trim();
    if s.is_empty() || s.len() > 10 {
        return None;
    }
    let n = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => s.parse::<u32>().ok()?,
    };
    LCIDS
        .binary_search_by_key(&n, |(id, _)| *id)
        .ok()
        .map(|i| LCIDS[i].1)
}

/// The LCID of a language tag (case-insensitive, `_` read as `-`), as .NET reports it for
/// `{Culture:LCID}`; `None` when the table does not have it.
pub fn tag_to_lcid(tag: &str) -> Option<u32> {
    let t = tag.trim().replace('_', "-");
    LCIDS
        .iter()
        .find(|(_, k)| k.eq_ignore_ascii_case(&t))
        .map(|(id, _)| *id)
}

/// English language names (as .NET's `CultureInfo.EnglishName` starts them) to neutral tags.
static NAMES: &[(&str, &str)] = &[
    ("arabic", "ar"),
    ("bangla", "bn"),
    ("basque", "eu"),
    ("bengali", "bn"),
    ("bulgarian", "bg"),
    ("catalan", "ca"),
    ("chinese", "zh"),
    ("croatian", "hr"),
    ("czech", "cs"),
    ("danish", "da"),
    ("dutch", "nl"),
    ("english", "en"),
    ("estonian", "et"),
    ("finnish", "fi"),
    ("french", "fr"),
    ("galician", "gl"),
    ("german", "de"),
    ("greek", "el"),
    ("gujarati", "gu"),
    ("hebrew", "he"),
    ("hindi", "hi"),
    ("hungarian", "hu"),
    ("indonesian", "id"),
    ("italian", "it"),
    ("japanese", "ja"),
    ("kannada", "kn"),
    ("kazakh", "kk"),
    ("korean", "ko"),
    ("latvian", "lv"),
    ("lithuanian", "lt"),
    ("malay", "ms"),
    ("malayalam", "ml"),
    ("marathi", "mr"),
    ("norwegian", "no"),
    ("norwegian bokmål", "nb"),
    ("norwegian nynorsk", "nn"),
    ("polish", "pl"),
    ("portuguese", "pt"),
    ("punjabi", "pa"),
    ("romanian", "ro"),
    ("russian", "ru"),
    ("serbian", "sr"),
    ("slovak", "sk"),
    ("slovenian", "sl"),
    ("spanish", "es"),
    ("swedish", "sv"),
    ("tamil", "ta"),
    ("telugu", "te"),
    ("thai", "th"),
    ("turkish", "tr"),
    ("ukrainian", "uk"),
    ("vietnamese", "vi"),
    ("welsh", "cy"),
];

/// Whether `s` has the shape of a language tag: a 2-3 letter language, then `-` (or `_`)
/// separated subtags of 1-8 letters or digits.
fn is_tag_shaped(s: &str) -> bool {
    let mut parts = s.split(['-', '_']);
    let lang = parts.next().unwrap_or("");
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The language tag a culture claim stands for, whatever resolver filled it: a Windows LCID
/// (`1036`, `0x040C`), an RFC 5646 tag in any case (`de-AT`, `zh_hant`: `_` read as `-`), or an
/// English language name (`French`, `English (United States)`, which gives the language only).
///
/// `None` for empty text, an unknown or unspecified LCID (`4096`), an unresolved resolver
/// (`{Culture:LCID}`) and anything else; negotiation then moves on to its next source.
pub fn to_language_tag(raw: &str) -> Option<Cow<'_, str>> {
    let s = raw.trim();
    if s.is_empty() || s.starts_with('{') {
        return None;
    }
    let numeric = s.bytes().all(|b| b.is_ascii_digit())
        || s.strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if numeric {
        return lcid_to_tag(s).map(Cow::Borrowed);
    }
    if is_tag_shaped(s) {
        return Some(if s.contains('_') {
            Cow::Owned(s.replace('_', "-"))
        } else {
            Cow::Borrowed(s)
        });
    }
    // "English (United States)": the language part.
    let name = s.split('(').next().unwrap_or("").trim().to_lowercase();
    NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, tag)| Cow::Borrowed(*tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert!(LCIDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(lcid_to_tag("1033"), Some("en-US"));
        assert_eq!(lcid_to_tag(" 1036 "), Some("fr-FR"));
        assert_eq!(lcid_to_tag("0x0407"), Some("de-DE"));
        assert_eq!(lcid_to_tag("4096"), None);
        assert_eq!(lcid_to_tag("-1"), None);
        assert_eq!(lcid_to_tag("99999999999"), None);
        assert_eq!(lcid_to_tag("abc"), None);
        assert_eq!(tag_to_lcid("fr-fr"), Some(1036));
        assert_eq!(tag_to_lcid("pt_BR"), Some(1046));
        assert_eq!(tag_to_lcid("zh-hant"), Some(31748));
        assert_eq!(tag_to_lcid("xx-YY"), None);
    }

    #[test]
    fn a_culture_claim_is_read_whatever_its_resolver() {
        let tag = |s| to_language_tag(s).map(Cow::into_owned);
        // LCIDs, decimal or hex (a `{Culture:RFC5646}` claim carrying 1036 included).
        assert_eq!(tag("1036").as_deref(), Some("fr-FR"));
        assert_eq!(tag(" 3079 ").as_deref(), Some("de-AT"));
        assert_eq!(tag("0x0407").as_deref(), Some("de-DE"));
        assert_eq!(tag("9").as_deref(), Some("en"));
        // Tags in any case, `_` read as `-` (a `{Culture:LCID}` claim carrying de-AT included).
        assert_eq!(tag("de-AT").as_deref(), Some("de-AT"));
        assert_eq!(tag("zh_hant").as_deref(), Some("zh-hant"));
        assert_eq!(tag("FR").as_deref(), Some("FR"));
        assert_eq!(tag("sr-Latn-RS").as_deref(), Some("sr-Latn-RS"));
        // English names, with or without the region part.
        assert_eq!(tag("French").as_deref(), Some("fr"));
        assert_eq!(tag("english (United States)").as_deref(), Some("en"));
        assert_eq!(tag("Norwegian Bokmål (Norway)").as_deref(), Some("nb"));
        // Nothing usable.
        for bad in [
            "",
            "  ",
            "4096",
            "0x",
            "99999",
            "{Culture:LCID}",
            "Klingon",
            "e",
            "en--US",
            "de-AT-toolongsubtag",
        ] {
            assert_eq!(tag(bad), None, "{bad:?}");
        }
        // A tag needs no allocation.
        assert!(matches!(to_language_tag("de-AT"), Some(Cow::Borrowed(_))));
    }
}
