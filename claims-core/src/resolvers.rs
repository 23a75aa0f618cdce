//! Claim resolvers B2C substitutes in RESTful technical profiles: the one table, read by the
//! macros (compile-time check), the runtime (detecting a resolver B2C left unresolved), the
//! policy exporter and the emulator. See `docs/b2c-wire-contract.md`, "Claim resolvers".

/// `{Context:CorrelationId}`.
pub const CORRELATION_ID: &str = "{Context:CorrelationId}";
/// `{Culture:RFC5646}`.
pub const CULTURE_RFC5646: &str = "{Culture:RFC5646}";
/// `{Culture:LCID}`.
pub const CULTURE_LCID: &str = "{Culture:LCID}";
/// `{Culture:LanguageName}`.
pub const CULTURE_LANGUAGE_NAME: &str = "{Culture:LanguageName}";

/// Every fixed resolver name. `{Claim:<id>}` and `{OAUTH-KV:<param>}` take a parameter and are
/// matched by prefix (see [`is_known`]).
pub const FIXED: &[&str] = &[
    "{Culture:LanguageName}",
    "{Culture:LCID}",
    "{Culture:RegionName}",
    "{Culture:RFC5646}",
    "{Policy:PolicyId}",
    "{Policy:RelyingPartyTenantId}",
    "{Policy:TenantObjectId}",
    "{Policy:TrustFrameworkTenantId}",
    "{Context:BuildNumber}",
    "{Context:CorrelationId}",
    "{Context:DateTimeInUtc}",
    "{Context:DeploymentMode}",
    "{Context:HostName}",
    "{Context:IPAddress}",
    "{Context:KMSI}",
    "{OIDC:AuthenticationContextReferences}",
    "{OIDC:ClientId}",
    "{OIDC:DomainHint}",
    "{OIDC:LoginHint}",
    "{OIDC:MaxAge}",
    "{OIDC:Nonce}",
    "{OIDC:Password}",
    "{OIDC:Prompt}",
    "{OIDC:RedirectUri}",
    "{OIDC:Resource}",
    "{OIDC:Scope}",
    "{OIDC:Username}",
    "{SAML:AuthnContextClassReferences}",
    "{SAML:NameIdPolicyFormat}",
    "{SAML:Issuer}",
    "{SAML:AllowCreate}",
    "{SAML:ForceAuthn}",
    "{SAML:ProviderName}",
    "{SAML:RelayState}",
    "{SAML:Subject}",
    "{SAML:Binding}",
];

/// Resolvers with a parameter: `{Claim:<claimTypeId>}`, `{OAUTH-KV:<param>}`.
pub const PARAMETERISED: &[&str] = &["{Claim:", "{OAUTH-KV:"];

/// Whether `s` is a resolver B2C knows (names compare case-insensitively, as B2C does).
pub fn is_known(s: &str) -> bool {
    FIXED.iter().any(|r| r.eq_ignore_ascii_case(s)) || parameterised(s).is_some()
}

/// For `{Claim:x}` / `{OAUTH-KV:x}`: the prefix and the parameter.
pub fn parameterised(s: &str) -> Option<(&'static str, &str)> {
    PARAMETERISED.iter().find_map(|p| {
        let ok = s.len() > p.len() + 1
            && s.is_char_boundary(p.len())
            && s[..p.len()].eq_ignore_ascii_case(p)
            && s.ends_with('}')
            && !s[p.len()..s.len() - 1].contains(['{', '}']);
        ok.then(|| (*p, &s[p.len()..s.len() - 1]))
    })
}

/// Whether a received value is a resolver B2C left unresolved (the profile lacks
/// `IncludeClaimResolvingInClaimsHandling=true`).
pub fn looks_unresolved(value: &str) -> bool {
    value.starts_with('{') && value.ends_with('}') && is_known(value)
}

/// The known resolver nearest to an unknown one (for "did you mean"), if any is close.
pub fn suggest(s: &str) -> Option<&'static str> {
    let lower = s.to_ascii_lowercase();
    FIXED
        .iter()
        .map(|r| {
            (
                crate::names::edit_distance(&lower, &r.to_ascii_lowercase()),
                *r,
            )
        })
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| r)
}

/// The error text for an unknown resolver, listing the accepted forms.
pub fn unknown_message(s: &str) -> String {
    let hint = suggest(s)
        .map(|r| format!(" (did you mean `{r}`?)"))
        .unwrap_or_default();
    format!(
        "unknown resolver `{s}`{hint}; accepted: {}, {{Claim:<claim id>}}, {{OAUTH-KV:<parameter>}}",
        FIXED.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fixed_and_parameterised_case_insensitive() {
        assert!(is_known("{Culture:RFC5646}"));
        assert!(is_known("{culture:rfc5646}"));
        assert!(is_known("{Claim:email}"));
        assert!(is_known("{OAUTH-KV:campaignId}"));
        assert!(!is_known("{Claim:}"));
        assert!(!is_known("{Claim:a{b}"));
        assert!(!is_known("{Culture:Nope}"));
        assert_eq!(parameterised("{claim:x}"), Some(("{Claim:", "x")));
    }

    #[test]
    fn unresolved_and_suggestions() {
        assert!(looks_unresolved("{Context:CorrelationId}"));
        assert!(!looks_unresolved("5f2d"));
        assert_eq!(suggest("{Culture:RFC5464}"), Some("{Culture:RFC5646}"));
        assert!(unknown_message("{OIDC:LoginHnt}").contains("did you mean `{OIDC:LoginHint}`"));
        assert_eq!(suggest("{Totally:Else}"), None);
    }
}
