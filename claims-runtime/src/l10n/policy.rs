//! Localized texts for the policy's `Localization` element (CONTRACT.md 7.7).

use std::collections::BTreeMap;

use super::{Localizer, ids, negotiate};

/// The texts of one language for the exported policy.
///
/// The transport texts are the `ErrorMessage` strings B2C shows when it cannot get an answer
/// from the service (CONTRACT.md 2.3); they are neutral (no URL). A language whose catalog lacks
/// one gets the default language's text. Claim texts come only from the language's own catalogs
/// (messages `claim-<claimTypeId>-display-name` and `claim-<claimTypeId>-help`); B2C falls back
/// to the `ClaimType`'s own `DisplayName`/`UserHelpText` for languages without them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageStrings {
    /// BCP 47 tag of the catalog, e.g. `pt-BR`, `zh-Hans`.
    pub language: String,
    /// The same tag lower-cased, as B2C spells `SupportedLanguage` values (`pt-br`).
    pub b2c_language: String,
    /// Whether this is the default language (`SupportedLanguages/@DefaultLanguage`).
    pub is_default: bool,
    /// `DefaultUserMessageIfRequestFailed` (message `b2c-request-failed`).
    pub request_failed: String,
    /// `UserMessageIfRequestTimeout` (message `b2c-request-timeout`).
    pub request_timeout: String,
    /// `UserMessageIfDnsResolutionFailed` (message `b2c-dns-failed`).
    pub dns_failed: String,
    /// `UserMessageIfCircuitOpen` (message `b2c-circuit-open`).
    pub circuit_open: String,
    /// Localized claim texts, sorted by claim type id.
    pub claims: Vec<ClaimStrings>,
}

/// Localized `ClaimType` texts of one claim in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimStrings {
    /// The `ClaimType` id.
    pub claim_type_id: String,
    /// `DisplayName` (message `claim-<id>-display-name`).
    pub display_name: Option<String>,
    /// `UserHelpText` (message `claim-<id>-help`).
    pub user_help_text: Option<String>,
}

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
            for mid in &lang.message_ids {
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
