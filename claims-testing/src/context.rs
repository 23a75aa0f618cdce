//! The journey context B2C resolves claim resolvers from (`docs/b2c-wire-contract.md` §4.4).

use std::collections::BTreeMap;

use super::bag::ClaimBag;

/// What B2C knows about the journey: the values of `{Culture:…}`, `{Policy:…}`, `{Context:…}`,
/// `{OIDC:…}`, `{OAUTH-KV:…}` and `{SAML:…}` resolvers.
///
/// [`ResolverContext::default`] describes an English (`en-US`) sign-up in a development tenant;
/// [`ResolverContext::culture`] switches language and derives `LCID`, `LanguageName` and
/// `RegionName` from the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolverContext {
    /// `{Culture:RFC5646}`, e.g. `en-US`.
    pub rfc5646: String,
    /// `{Culture:LCID}`, e.g. `1033`.
    pub lcid: String,
    /// `{Culture:LanguageName}`, e.g. `en`.
    pub language_name: String,
    /// `{Culture:RegionName}`, e.g. `US` (empty for a neutral culture \[UNCONFIRMED\]).
    pub region_name: String,
    /// `{Policy:PolicyId}` (the relying-party policy).
    pub policy_id: String,
    /// `{Policy:RelyingPartyTenantId}` and `{Policy:TrustFrameworkTenantId}`.
    pub tenant: String,
    /// `{Policy:TenantObjectId}`.
    pub tenant_object_id: String,
    /// `{Context:CorrelationId}`.
    pub correlation_id: String,
    /// `{Context:BuildNumber}`.
    pub build_number: String,
    /// `{Context:DateTimeInUtc}`, already in B2C's US-style text (`10/10/2021 12:00:00 PM`).
    pub date_time_in_utc: String,
    /// `{Context:DeploymentMode}`.
    pub deployment_mode: String,
    /// `{Context:HostName}`.
    pub host_name: String,
    /// `{Context:IPAddress}`.
    pub ip_address: String,
    /// `{Context:KMSI}`.
    pub kmsi: bool,
    /// `{OIDC:<name>}` values by name (`ClientId`, `LoginHint`, `Nonce`, …); names compare
    /// case-insensitively.
    pub oidc: BTreeMap<String, String>,
    /// `{OAUTH-KV:<param>}`: custom query parameters of the authorization request.
    pub oauth_kv: BTreeMap<String, String>,
    /// `{SAML:<name>}` values by name.
    pub saml: BTreeMap<String, String>,
}

impl Default for ResolverContext {
    fn default() -> Self {
        let mut oidc = BTreeMap::new();
        oidc.insert(
            "ClientId".to_owned(),
            "00000000-0000-0000-0000-00000000c11e".to_owned(),
        );
        oidc.insert("Nonce".to_owned(), "defaultNonce".to_owned());
        oidc.insert("Scope".to_owned(), "openid".to_owned());
        oidc.insert("RedirectUri".to_owned(), "https://jwt.ms".to_owned());
        ResolverContext {
            rfc5646: "en-US".to_owned(),
            lcid: "1033".to_owned(),
            language_name: "en".to_owned(),
            region_name: "US".to_owned(),
            policy_id: "B2C_1A_signup_signin".to_owned(),
            tenant: "yourtenant.onmicrosoft.com".to_owned(),
            tenant_object_id: "00000000-0000-0000-0000-0000000000aa".to_owned(),
            correlation_id: "00000000-0000-0000-0000-000000000000".to_owned(),
            build_number: "1.0.0.0".to_owned(),
            date_time_in_utc: "10/10/2021 12:00:00 PM".to_owned(),
            deployment_mode: "Development".to_owned(),
            host_name: "yourtenant.b2clogin.com".to_owned(),
            ip_address: "127.0.0.1".to_owned(),
            kmsi: false,
            oidc,
            oauth_kv: BTreeMap::new(),
            saml: BTreeMap::new(),
        }
    }
}

impl ResolverContext {
    /// The default context (`en-US`).
    pub fn new() -> Self {
        ResolverContext::default()
    }

    /// Sets the UI culture from an RFC 5646 tag (`fr`, `fr-FR`, `zh-Hant`) and derives
    /// `LanguageName`, `RegionName` and `LCID` (neutral cultures get .NET's neutral LCID, e.g. `fr`
    /// → `12` \[INFERRED\]; tags without an LCID get `4096`).
    pub fn culture(mut self, tag: &str) -> Self {
        self.rfc5646 = tag.to_owned();
        let mut parts = tag.split(['-', '_']);
        self.language_name = parts.next().unwrap_or_default().to_ascii_lowercase();
        self.region_name = parts
            .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase)
            .unwrap_or_default();
        self.lcid = lcid_of(tag).to_string();
        self
    }

    /// Sets `{Culture:LCID}` explicitly.
    pub fn lcid(mut self, lcid: impl Into<String>) -> Self {
        self.lcid = lcid.into();
        self
    }

    /// Sets `{Context:CorrelationId}`.
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation_id = id.into();
        self
    }

    /// Sets `{Policy:PolicyId}`.
    pub fn policy_id(mut self, id: impl Into<String>) -> Self {
        self.policy_id = id.into();
        self
    }

    /// Sets the tenant (`{Policy:RelyingPartyTenantId}`, `{Policy:TrustFrameworkTenantId}`).
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = tenant.into();
        self
    }

    /// Sets `{OIDC:ClientId}`.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.oidc.insert("ClientId".to_owned(), id.into());
        self
    }

    /// Sets `{Context:IPAddress}`.
    pub fn ip_address(mut self, ip: impl Into<String>) -> Self {
        self.ip_address = ip.into();
        self
    }

    /// Sets `{Context:DateTimeInUtc}` from a UTC time, in B2C's US-style text.
    pub fn date_time_in_utc(mut self, t: chrono::DateTime<chrono::Utc>) -> Self {
        self.date_time_in_utc = t.format("%-m/%-d/%Y %-I:%M:%S %p").to_string();
        self
    }

    /// Sets `{Context:KMSI}`.
    pub fn kmsi(mut self, on: bool) -> Self {
        self.kmsi = on;
        self
    }

    /// Sets `{OAUTH-KV:<param>}`.
    pub fn oauth_kv(mut self, param: impl Into<String>, value: impl Into<String>) -> Self {
        self.oauth_kv.insert(param.into(), value.into());
        self
    }

    /// Sets `{OIDC:<name>}`.
    pub fn oidc(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.oidc.insert(name.into(), value.into());
        self
    }

    /// The value of resolver `{kind:name}`: `Ok(None)` when the resolver is known but the journey
    /// has no value for it, `Err(())` when B2C does not know it (AADB2C90044).
    pub(crate) fn resolve(
        &self,
        kind: &str,
        name: &str,
        bag: &ClaimBag,
    ) -> Result<Option<String>, ()> {
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let lookup = |m: &BTreeMap<String, String>| {
            m.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let known = |s: &str| Ok(Some(s.to_owned()));
        match kind {
            k if eq(k, "Culture") => match name {
                n if eq(n, "RFC5646") => known(&self.rfc5646),
                n if eq(n, "LCID") => known(&self.lcid),
                n if eq(n, "LanguageName") => known(&self.language_name),
                n if eq(n, "RegionName") => known(&self.region_name),
                _ => Err(()),
            },
            k if eq(k, "Policy") => match name {
                n if eq(n, "PolicyId") => known(&self.policy_id),
                n if eq(n, "RelyingPartyTenantId") || eq(n, "TrustFrameworkTenantId") => {
                    known(&self.tenant)
                }
                n if eq(n, "TenantObjectId") => known(&self.tenant_object_id),
                _ => Err(()),
            },
            k if eq(k, "Context") => match name {
                n if eq(n, "BuildNumber") => known(&self.build_number),
                n if eq(n, "CorrelationId") => known(&self.correlation_id),
                n if eq(n, "DateTimeInUtc") => known(&self.date_time_in_utc),
                n if eq(n, "DeploymentMode") => known(&self.deployment_mode),
                n if eq(n, "HostName") => known(&self.host_name),
                n if eq(n, "IPAddress") => known(&self.ip_address),
                n if eq(n, "KMSI") => known(if self.kmsi { "true" } else { "false" }),
                _ => Err(()),
            },
            k if eq(k, "OIDC") => {
                const OIDC: &[&str] = &[
                    "AuthenticationContextReferences",
                    "ClientId",
                    "DomainHint",
                    "LoginHint",
                    "MaxAge",
                    "Nonce",
                    "Password",
                    "Prompt",
                    "RedirectUri",
                    "Resource",
                    "Scope",
                    "Username",
                ];
                if OIDC.iter().any(|n| eq(n, name)) {
                    Ok(lookup(&self.oidc))
                } else {
                    Err(())
                }
            }
            k if eq(k, "SAML") => {
                const SAML: &[&str] = &[
                    "AuthnContextClassReferences",
                    "NameIdPolicyFormat",
                    "Issuer",
                    "AllowCreate",
                    "ForceAuthn",
                    "ProviderName",
                    "RelayState",
                    "Subject",
                    "Binding",
                ];
                if SAML.iter().any(|n| eq(n, name)) {
                    Ok(lookup(&self.saml))
                } else {
                    Err(())
                }
            }
            k if eq(k, "OAUTH-KV") && !name.is_empty() => Ok(lookup(&self.oauth_kv)),
            k if eq(k, "Claim") && !name.is_empty() => Ok(bag.text(name)),
            _ => Err(()),
        }
    }
}

/// A resolver B2C does not support, met while resolving a value (AADB2C90044).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownResolver(pub String);

/// Substitutes every `{Kind:Name}` token of `text`; tokens without `:` are left alone. A known
/// resolver without a value in this journey becomes `""` \[UNCONFIRMED\].
pub(crate) fn resolve_text(
    text: &str,
    ctx: &ResolverContext,
    bag: &ClaimBag,
) -> Result<String, UnknownResolver> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find('}') else {
            out.push_str(after);
            return Ok(out);
        };
        let token = &after[1..end];
        match token.split_once(':') {
            Some((kind, name)) if !token.contains('{') => {
                match ctx.resolve(kind.trim(), name.trim(), bag) {
                    Ok(v) => out.push_str(&v.unwrap_or_default()),
                    Err(()) => return Err(UnknownResolver(format!("{{{token}}}"))),
                }
            }
            _ => out.push_str(&after[..=end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The LCID .NET reports for a culture tag; `4096` (custom, unspecified) when unknown.
fn lcid_of(tag: &str) -> u32 {
    claims_core::culture::tag_to_lcid(tag).unwrap_or(4096)
}
