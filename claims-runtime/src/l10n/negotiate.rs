//! Turning the raw language hints of a request into requested language identifiers.
//!
//! Matching itself is done by `fluent_langneg::negotiate_languages`; this module only parses
//! (leniently, never panicking) and normalises the inputs.

use unic_langid::LanguageIdentifier;
use unic_langid::subtags::{Language, Script};

/// Longest single language tag considered; longer input is garbage.
pub(crate) const MAX_TAG_LEN: usize = 64;

/// At most this many `Accept-Language` entries are read.
const MAX_ACCEPT_ENTRIES: usize = 32;

/// Parses one language tag (`en-US`, `EN_us`, `zh-hans`, `sr-cryl-cs`), any case.
///
/// Pushes the parsed identifier, then equivalent forms worth trying next (`no` → `nb`).
pub(crate) fn push_tag(raw: &str, out: &mut Vec<LanguageIdentifier>) {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_TAG_LEN {
        return;
    }
    // Legacy .NET names for Chinese that are not valid BCP 47.
    let aliased = if raw.eq_ignore_ascii_case("zh-chs") {
        "zh-Hans"
    } else if raw.eq_ignore_ascii_case("zh-cht") {
        "zh-Hant"
    } else {
        raw
    };
    let Ok(mut id) = strip_extensions(aliased).parse::<LanguageIdentifier>() else {
        return;
    };
    if id.language.is_empty() {
        return;
    }
    // Deprecated ISO 639 codes still sent by old systems.
    let replacement = match id.language.as_str() {
        "iw" => Some("he"),
        "in" => Some("id"),
        "ji" => Some("yi"),
        _ => None,
    };
    if let Some(r) = replacement.and_then(|r| r.parse::<Language>().ok()) {
        id.language = r;
    }
    // B2C's own language table spells Serbian Cyrillic `sr-cryl-cs`.
    if id.script.is_some_and(|s| s.as_str() == "Cryl") {
        id.script = "Cyrl".parse::<Script>().ok();
    }
    // Norwegian: `no` and `nb` (Bokmål) are used interchangeably.
    let sibling = match id.language.as_str() {
        "no" => Some("nb"),
        "nb" => Some("no"),
        _ => None,
    };
    let sibling = sibling.and_then(|s| s.parse::<Language>().ok()).map(|l| {
        let mut other = id.clone();
        other.language = l;
        other
    });
    out.push(id);
    out.extend(sibling);
}

/// Cuts a tag before its first singleton subtag: extensions (`-u-ca-gregory`) and private use
/// (`-x-foo`) do not matter for choosing a catalog.
fn strip_extensions(tag: &str) -> &str {
    let mut start = 0;
    for sub in tag.split(['-', '_']) {
        if sub.len() == 1 {
            return tag[..start].trim_end_matches(['-', '_']);
        }
        start += sub.len() + 1;
    }
    tag
}

/// Parses an `Accept-Language` header into tags, best first: entries sorted by `q` (stable, so
/// equal weights keep the header order), `q=0` and `*` dropped, invalid entries ignored.
pub(crate) fn parse_accept_language(header: &str) -> Vec<LanguageIdentifier> {
    let mut weighted: Vec<(u16, LanguageIdentifier)> = Vec::new();
    for entry in header.split(',').take(MAX_ACCEPT_ENTRIES) {
        let mut parts = entry.split(';');
        let tag = parts.next().unwrap_or("").trim();
        if tag.is_empty() || tag == "*" || tag.len() > MAX_TAG_LEN {
            continue;
        }
        let mut q = Some(1000u16);
        for p in parts {
            let p = p.trim();
            if let Some(v) = p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")) {
                q = parse_q(v.trim());
            }
        }
        let Some(q) = q else { continue };
        if q == 0 {
            continue;
        }
        let mut ids = Vec::with_capacity(1);
        push_tag(tag, &mut ids);
        // Placed by insertion, after the entries of the same weight (a `sort` call here
        // compiled 5 KB of code for a list of a few tags).
        for id in ids {
            let at = weighted.partition_point(|w| w.0 >= q);
            weighted.insert(at, (q, id));
        }
    }
    weighted.into_iter().map(|(_, id)| id).collect()
}

/// A q-value as thousandths (`0.8` → 800); `None` when it is not a valid weight.
fn parse_q(v: &str) -> Option<u16> {
    if v.is_empty() || v.len() > 5 || !v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let q: f32 = v.parse().ok()?;
    if !(0.0..=1.0).contains(&q) {
        return None;
    }
    Some((q * 1000.0).round() as u16)
}

/// Lower-case form used in B2C policies (`pt-BR` → `pt-br`, `zh-Hans` → `zh-hans`).
pub(crate) fn b2c_tag(id: &LanguageIdentifier) -> String {
    id.to_string().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(h: &str) -> Vec<String> {
        parse_accept_language(h)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn accept_language_weights() {
        assert_eq!(
            tags("fr;q=0.5, de-CH, en;q=0.8, *;q=0.1"),
            ["de-CH", "en", "fr"]
        );
        assert_eq!(tags("es;q=0, it"), ["it"]);
        assert_eq!(tags("es;q=2, it;q=abc, nl"), ["nl"]);
        assert_eq!(tags(""), Vec::<String>::new());
        assert_eq!(tags(",,;;q=,"), Vec::<String>::new());
    }

    #[test]
    fn tag_forms() {
        let mut v = Vec::new();
        push_tag("sr-cryl-cs", &mut v);
        push_tag("ZH-chs", &mut v);
        push_tag("iw", &mut v);
        push_tag("no", &mut v);
        push_tag("{Culture:RFC5646}", &mut v);
        push_tag("de-CH-u-co-phonebk-x-foo", &mut v);
        push_tag("x-private", &mut v);
        let s: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(s, ["sr-Cyrl-CS", "zh-Hans", "he", "no", "nb", "de-CH"]);
    }
}
