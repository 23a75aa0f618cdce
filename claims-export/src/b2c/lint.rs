//! Structural checks of an exported [`PolicyDocument`] (run by every export).
//!
//! The schema accepts many policies B2C rejects or runs wrongly (a misspelled metadata key passes
//! the XSD), so the exporter checks its own output: metadata keys against the documented RESTful
//! keys, claim resolvers against `IncludeClaimResolvingInClaimsHandling`, insecure
//! authentication in production, API-key headers, id patterns, duplicate profile ids, `Url`-mode
//! placeholders and the base URL.

use std::collections::BTreeSet;

use super::PolicyOptions;
use super::model::{PolicyDocument, TechnicalProfileDecl};
use claims_core::resolvers;
use claims_core::spec::{DataType, UserInputType};

use claims_core::metadata as md;
/// The documented RESTful technical profile metadata keys (`ClaimsFormat`, documented as unused,
/// is left out).
pub use claims_core::metadata::KNOWN as KNOWN_METADATA_KEYS;
use claims_core::metadata::keys::FIXED as FIXED_KEY_IDS;

/// Whether `s` matches the schema's `TenantId` pattern `[A-Za-z0-9\.]{3,63}`.
pub fn is_valid_tenant_id(s: &str) -> bool {
    (3..=63).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// Whether `s` matches the schema's `SupportedLanguage` pattern `[a-z]{1,3}(-[a-zA-Z0-9]{2,4}){0,2}`.
pub fn is_valid_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && rest.len() <= 2
        && rest
            .iter()
            .all(|p| (2..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether `s` matches the schema's `PolicyId` pattern `[A-Za-z0-9_\-\.]*[A-Za-z0-9_\-]+`.
pub fn is_valid_policy_id(s: &str) -> bool {
    let ok = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    !s.is_empty() && s.bytes().all(|b| ok(b) || b == b'.') && s.bytes().last().is_some_and(ok)
}

/// The `{placeholder}` names in a `ServiceUrl`, in order.
pub fn url_placeholders(url: &str) -> Vec<&str> {
    claims_core::grammar::scan_placeholders(url)
        .into_iter()
        .map(|(_, name)| name)
        .collect()
}

/// Checks `doc` (built with `opts`); returns one message per problem.
pub fn check(doc: &PolicyDocument, opts: &PolicyOptions) -> Vec<String> {
    let mut p = Vec::new();
    if !opts.snippet {
        if !is_valid_tenant_id(&doc.tenant_id) {
            p.push(format!(
                "TenantId `{}` does not match the schema pattern [A-Za-z0-9.]{{3,63}} \
                 (use the tenant's onmicrosoft.com name, e.g. contoso.onmicrosoft.com)",
                doc.tenant_id
            ));
        }
        for (what, id) in [
            ("PolicyId", &doc.policy_id),
            ("base PolicyId", &doc.base_policy_id),
        ] {
            if !is_valid_policy_id(id) {
                p.push(format!(
                    "{what} `{id}` does not match the schema pattern \
                     [A-Za-z0-9_\\-.]*[A-Za-z0-9_\\-]+ (letters, digits, '_', '-', '.'; not ending in '.')"
                ));
            }
        }
    }
    check_base_url(&opts.base_url, opts.production, &mut p);

    for c in &doc.claim_types {
        if let Some(t) = c.input_type
            && !input_type_accepts(t, c.data_type)
        {
            p.push(format!(
                "claim `{}`: UserInputType {} cannot edit a `{}` claim (`docs/b2c-policy-xml.md` §2)",
                c.id,
                t.as_str(),
                c.data_type
            ));
        }
    }

    let mut seen = BTreeSet::new();
    for tp in &doc.technical_profiles {
        if !seen.insert(tp.id.as_str()) {
            p.push(format!(
                "technical profile id `{}` is used by more than one handler; ids must be unique",
                tp.id
            ));
        }
        check_profile(tp, &mut p);
    }
    p
}

/// `UserInputType` / `DataType` compatibility documented for ClaimTypes (`docs/b2c-policy-xml.md` §2).
pub fn input_type_accepts(t: UserInputType, d: DataType) -> bool {
    use DataType as D;
    use UserInputType as U;
    match t {
        U::TextBox => matches!(d, D::Boolean | D::Int | D::String),
        U::DateTimeDropdown => matches!(d, D::Date | D::DateTime),
        U::Paragraph | U::Readonly => matches!(
            d,
            D::Boolean | D::Date | D::DateTime | D::Duration | D::Int | D::Long | D::String
        ),
        U::RadioSingleSelect
        | U::DropdownSingleSelect
        | U::CheckboxMultiSelect
        | U::EmailBox
        | U::Password => d == D::String,
        U::Button => true,
    }
}

fn check_base_url(base: &str, production: bool, p: &mut Vec<String>) {
    let (scheme, rest) = match base.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => {
            p.push(format!(
                "base URL `{base}` is not an absolute URL; use https://your-api.example.com"
            ));
            return;
        }
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if host.is_empty() {
        p.push(format!("base URL `{base}` has no host"));
    }
    if base.contains(['{', '}']) {
        p.push(format!(
            "base URL `{base}` contains a claim placeholder; B2C does not allow claims in the \
             host part, put them in the route (SendClaimsIn=Url)"
        ));
    }
    let local = matches!(host, "localhost" | "127.0.0.1" | "::1");
    match scheme.as_str() {
        "https" => {}
        "http" if production => p.push(format!(
            "base URL `{base}` is not HTTPS; a production policy must call an HTTPS endpoint"
        )),
        "http" if !local => p.push(format!(
            "base URL `{base}` is not HTTPS; plain http is only allowed for localhost or \
             127.0.0.1 in a development export"
        )),
        "http" => {}
        other => p.push(format!("base URL `{base}` has scheme `{other}`; use https")),
    }
}

fn check_profile(tp: &TechnicalProfileDecl, p: &mut Vec<String>) {
    let id = &tp.id;
    let mut keys = BTreeSet::new();
    for (k, _) in &tp.metadata {
        if !keys.insert(k.as_str()) {
            p.push(format!(
                "{id}: metadata key `{k}` is written twice; keys must be unique"
            ));
        }
        if !KNOWN_METADATA_KEYS.contains(&k.as_str()) {
            let hint = KNOWN_METADATA_KEYS
                .iter()
                .find(|known| known.eq_ignore_ascii_case(k))
                .map(|known| format!(" (did you mean `{known}`?)"))
                .unwrap_or_default();
            p.push(format!(
                "{id}: unknown RESTful metadata key `{k}`{hint}; known keys: {}",
                KNOWN_METADATA_KEYS.join(", ")
            ));
        }
    }
    if tp.metadata(md::SERVICE_URL).is_none() {
        p.push(format!("{id}: metadata `ServiceUrl` is missing"));
    }
    let auth = tp.metadata(md::AUTHENTICATION_TYPE);
    if auth.is_none() {
        p.push(format!("{id}: metadata `AuthenticationType` is missing"));
    }

    // Claim resolvers need IncludeClaimResolvingInClaimsHandling=true.
    let resolving = tp
        .metadata(md::INCLUDE_CLAIM_RESOLVING)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    for c in tp
        .input_claims
        .iter()
        .filter(|c| c.literal_default && resolving)
    {
        if let Some(v) = c.default_value.as_deref()
            && resolvers::looks_unresolved(v)
        {
            p.push(format!(
                "{id}: input claim `{}` sends the literal text `{v}`, but the profile sets \
                 IncludeClaimResolvingInClaimsHandling=true, so B2C would resolve it",
                c.claim_type
            ));
        }
    }
    if !resolving {
        for c in tp.input_claims.iter().filter(|c| !c.literal_default) {
            if let Some(v) = c.default_value.as_deref()
                && resolvers::looks_unresolved(v)
            {
                p.push(format!(
                    "{id}: input claim `{}` uses the claim resolver `{v}` but the profile lacks \
                     IncludeClaimResolvingInClaimsHandling=true, so B2C would send the literal \
                     text (declare it as a resolver, not a default)",
                    c.claim_type
                ));
            }
        }
    }

    // AuthenticationType=None in production.
    // (B2C treats a missing DeploymentMode as production, so the flag is what counts.)
    if auth == Some("None") && tp.metadata(md::ALLOW_INSECURE_AUTH_IN_PRODUCTION) != Some("true") {
        p.push(format!(
            "{id}: AuthenticationType=None in a production export; declare an authentication \
             (Basic, Bearer, ApiKeyHeader, ClientCertificate) or pass allow_insecure \
             (--allow-insecure) to write AllowInsecureAuthInProduction=true"
        ));
    }

    // API-key headers.
    let api_keys: Vec<&str> = tp
        .keys
        .iter()
        .map(|k| k.id.as_str())
        .filter(|k| !FIXED_KEY_IDS.contains(k))
        .collect();
    if api_keys.len() > 1 {
        p.push(format!(
            "{id}: more than one API-key header ({}); B2C sends only one, put a proxy in front \
             of APIs that need several",
            api_keys.join(", ")
        ));
    }
    if api_keys.len() == 1 && auth != Some("ApiKeyHeader") {
        p.push(format!(
            "{id}: cryptographic key `{}` is an API-key header but AuthenticationType is not \
             ApiKeyHeader",
            api_keys[0]
        ));
    }
    for h in &api_keys {
        if h.is_empty()
            || !h
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b))
        {
            p.push(format!(
                "{id}: API-key header name `{h}` is not a valid HTTP header name"
            ));
        }
        if tp.metadata(md::SEND_CLAIMS_IN) == Some("Header")
            && let Some(c) = tp
                .input_claims
                .iter()
                .find(|c| c.wire().eq_ignore_ascii_case(h))
        {
            p.push(format!(
                "{id}: input claim `{}` is sent as header `{}`, the same header as the API key; \
                 that would be a second API-key header",
                c.claim_type,
                c.wire()
            ));
        }
    }

    // Url placeholders.
    if let Some(url) = tp.metadata(md::SERVICE_URL) {
        let placeholders = url_placeholders(url);
        // Beside a JSON payload the other input claims fill the path's placeholders.
        let url_mode = tp.metadata(md::SEND_CLAIMS_IN) == Some("Url")
            || tp.metadata(md::CLAIM_USED_FOR_REQUEST_PAYLOAD).is_some();
        for ph in placeholders {
            if !url_mode {
                p.push(format!(
                    "{id}: ServiceUrl placeholder `{{{ph}}}` needs SendClaimsIn=Url (it is {})",
                    tp.metadata(md::SEND_CLAIMS_IN).unwrap_or("Body")
                ));
            } else if !tp.input_claims.iter().any(|c| c.wire() == ph) {
                let wires: Vec<&str> = tp.input_claims.iter().map(|c| c.wire()).collect();
                p.push(format!(
                    "{id}: ServiceUrl placeholder `{{{ph}}}` is not the wire name of an input \
                     claim (input claims: {})",
                    if wires.is_empty() {
                        "none".to_owned()
                    } else {
                        wires.join(", ")
                    }
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_patterns() {
        assert!(is_valid_tenant_id("contoso.onmicrosoft.com"));
        assert!(!is_valid_tenant_id("your-tenant.onmicrosoft.com"));
        assert!(!is_valid_tenant_id("ab"));
        assert!(is_valid_policy_id("B2C_1A_RestApi"));
        assert!(is_valid_policy_id("B2C_1A.Rest-Api"));
        assert!(!is_valid_policy_id("B2C_1A_RestApi."));
        assert!(!is_valid_policy_id("B2C 1A"));
        assert!(!is_valid_policy_id(""));
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            url_placeholders("https://x/m/{id}?a={b}&c=d"),
            vec!["id", "b"]
        );
        assert!(url_placeholders("https://x/m").is_empty());
    }
}
