//! Localized texts for the policy's `Localization` element (`docs/b2c-policy-xml.md` §7).

use std::collections::BTreeMap;

use super::{Localizer, ids, negotiate};

pub use claims_export::b2c::{ClaimStrings, LanguageStrings};

pub(super) fn collect(l: &Localizer) -> Vec<LanguageStrings> {
    let no_args = Vec::new();
    let text = |i: usize, id: &str| {
        l.format_logged(i, id, &no_args)
            .or_else(|| l.default.and_then(|d| l.format_logged(d, id, &no_args)))
            .unwrap_or_default()
    };
    (0..l.langs.len())
        .map(|i| {
            let lang = &l.langs[i];
            let mut claims: BTreeMap<&str, ClaimStrings> = BTreeMap::new();
            for mid in &lang.full().message_ids {
                let Some(rest) = mid.strip_prefix("claim-") else {
                    continue;
                };
                let (claim, display) = if let Some(c) = rest.strip_suffix("-display-name") {
                    (c, true)
                } else if let Some(c) = rest.strip_suffix("-help") {
                    (c, false)
                } else {
                    continue;
                };
                if claim.is_empty() {
                    continue;
                }
                let Some(value) = l.format_logged(i, mid, &no_args) else {
                    continue;
                };
                let entry = claims.entry(claim).or_insert_with(|| ClaimStrings {
                    claim_type_id: claim.to_owned(),
                    display_name: None,
                    user_help_text: None,
                });
                if display {
                    entry.display_name = Some(value);
                } else {
                    entry.user_help_text = Some(value);
                }
            }
            LanguageStrings {
                language: lang.id.to_string(),
                b2c_language: negotiate::b2c_tag(&lang.id),
                is_default: l.default == Some(i),
                request_failed: text(i, ids::REQUEST_FAILED),
                request_timeout: text(i, ids::REQUEST_TIMEOUT),
                dns_failed: text(i, ids::DNS_FAILED),
                circuit_open: text(i, ids::CIRCUIT_OPEN),
                claims: claims.into_values().collect(),
            }
        })
        .collect()
}
