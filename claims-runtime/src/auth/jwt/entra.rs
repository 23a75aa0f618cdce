//! The Entra custom authentication extension preset: which tokens prove a call comes from
//! Entra's extension service for this tenant and this extension.
//!
//! | | v2.0 token (`ver` `2.0`, the documented default) | v1.0 token |
//! | --- | --- | --- |
//! | caller | `azp` = [`ENTRA_FIRST_PARTY_APP_ID`] | `appid` = the same id |
//! | `aud` | the extension's app id | the app id or its `api://{host}/{appId}` URI |
//! | `iss` | `https://login.microsoftonline.com/{tid}/v2.0` or `https://{domain}.ciamlogin.com/{tid}/v2.0` | `https://sts.windows.net/{tid}/` |
//!
//! Signature, `exp` and `nbf` are checked by [`JwtValidator`]; this preset adds the per-version
//! rules above (a v2.0 token naming the app only in `appid` is refused, and so on).

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use claims_core::callers::ENTRA_FIRST_PARTY_APP_ID;
use serde::Deserialize;

use super::{JwksSource, JwtSettings, JwtValidator};
use crate::auth::Denied;
use crate::auth::bearer::CHALLENGE_INVALID;

/// What an Entra extension token must name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntraTokenSettings {
    /// The tenant id (GUID).
    pub tenant_id: String,
    /// The client id of the extension's app registration (the token's audience).
    pub extension_app_id: String,
    /// The host of the extension's target URL, for the `api://{host}/{appId}` audience.
    pub target_host: Option<String>,
    /// External tenants: the `{domain}` of `{domain}.ciamlogin.com` (v2.0 issuer).
    pub ciam_domain: Option<String>,
    /// Accept v1.0 tokens (default `true`; the app registration normally asks for v2.0).
    pub accept_v1: bool,
    /// Clock skew for `exp` / `nbf`, in seconds (default 60).
    pub leeway_secs: u64,
}

impl EntraTokenSettings {
    /// Settings for a tenant and an extension app id; everything else default.
    pub fn new(tenant_id: impl Into<String>, extension_app_id: impl Into<String>) -> Self {
        EntraTokenSettings {
            tenant_id: tenant_id.into(),
            extension_app_id: extension_app_id.into(),
            target_host: None,
            ciam_domain: None,
            accept_v1: true,
            leeway_secs: 60,
        }
    }

    /// The preset read from the generic JWT settings (`CLAIMS_JWT_ISSUER` or the discovered
    /// issuer, `CLAIMS_JWT_AUDIENCE`): the tenant id (and `ciamlogin.com` domain) from an Entra
    /// issuer, the extension's app id from the first audience that is a bare id or an
    /// `api://{host}/{appId}` URI (which also gives the host).
    pub fn from_issuers_and_audiences(
        issuers: &[String],
        audiences: &[String],
    ) -> Result<Self, String> {
        let mut tenant = None;
        let mut ciam = None;
        for iss in issuers {
            let iss = iss.trim().trim_end_matches('/');
            if let Some(rest) = iss.strip_prefix("https://login.microsoftonline.com/") {
                tenant = tenant.or(rest.strip_suffix("/v2.0").map(str::to_owned));
            } else if let Some(rest) = iss.strip_prefix("https://sts.windows.net/") {
                tenant = tenant.or(Some(rest.to_owned()));
            } else if let Some(rest) = iss.strip_prefix("https://")
                && let Some((host, path)) = rest.split_once('/')
                && let Some(domain) = host.strip_suffix(".ciamlogin.com")
            {
                ciam = Some(domain.to_owned());
                tenant = tenant.or(path.strip_suffix("/v2.0").map(str::to_owned));
            }
        }
        let tenant = tenant.filter(|t| !t.is_empty() && !t.contains('/')).ok_or(
            "no Entra issuer is configured (https://login.microsoftonline.com/{tenant}/v2.0 or https://{domain}.ciamlogin.com/{tenant}/v2.0)",
        )?;
        let mut app = None;
        let mut host = None;
        for aud in audiences {
            let aud = aud.trim();
            if let Some(rest) = aud.strip_prefix("api://") {
                if let Some((h, id)) = rest.rsplit_once('/') {
                    host = host.or(Some(h.to_owned()));
                    app = app.or(Some(id.to_owned()));
                }
            } else if !aud.is_empty() && !aud.contains(':') {
                app = app.or(Some(aud.to_owned()));
            }
        }
        let app = app.ok_or(
            "no audience names the extension's app id (its client id, or api://{host}/{appId})",
        )?;
        let mut out = EntraTokenSettings::new(tenant, app);
        out.target_host = host;
        out.ciam_domain = ciam;
        Ok(out)
    }

    /// The host of the target URL (also accepts the `api://{host}/{appId}` audience).
    pub fn with_target_host(mut self, host: impl Into<String>) -> Self {
        self.target_host = Some(host.into());
        self
    }

    /// An External ID tenant's `ciamlogin.com` subdomain.
    pub fn with_ciam_domain(mut self, domain: impl Into<String>) -> Self {
        self.ciam_domain = Some(domain.into());
        self
    }

    /// Refuse (or accept) v1.0 tokens.
    pub fn with_v1(mut self, accept: bool) -> Self {
        self.accept_v1 = accept;
        self
    }

    /// The accepted v2.0 issuers.
    pub fn v2_issuers(&self) -> Vec<String> {
        let tid = &self.tenant_id;
        let mut out = vec![format!("https://login.microsoftonline.com/{tid}/v2.0")];
        if let Some(d) = &self.ciam_domain {
            out.push(format!("https://{d}.ciamlogin.com/{tid}/v2.0"));
        }
        out
    }

    /// The accepted v1.0 issuer.
    pub fn v1_issuer(&self) -> String {
        format!("https://sts.windows.net/{}/", self.tenant_id)
    }

    /// The App ID URI `api://{host}/{appId}`, when the host is known.
    pub fn app_id_uri(&self) -> Option<String> {
        self.target_host
            .as_ref()
            .map(|h| format!("api://{h}/{}", self.extension_app_id))
    }

    /// The generic JWT settings this preset starts from (every version's issuers and
    /// audiences, the first-party app as the only caller).
    pub fn jwt_settings(&self) -> JwtSettings {
        let mut issuers = self.v2_issuers();
        if self.accept_v1 {
            issuers.push(self.v1_issuer());
        }
        let mut audiences = vec![self.extension_app_id.clone()];
        if self.accept_v1
            && let Some(uri) = self.app_id_uri()
        {
            audiences.push(uri);
        }
        JwtSettings {
            issuers,
            audiences,
            allowed_app_ids: vec![ENTRA_FIRST_PARTY_APP_ID.to_owned()],
            leeway_secs: self.leeway_secs,
            ..JwtSettings::default()
        }
    }
}

/// The token version an accepted call used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenVersion {
    /// `ver` `1.0`.
    V1,
    /// `ver` `2.0`.
    V2,
}

#[derive(Deserialize)]
struct VersionClaims {
    #[serde(default)]
    ver: Option<String>,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    appid: Option<String>,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    aud: Option<serde_json::Value>,
}

/// Validates Entra extension tokens.
#[derive(Debug, Clone)]
pub struct EntraTokenValidator {
    settings: EntraTokenSettings,
    jwt: JwtValidator,
}

impl EntraTokenValidator {
    /// A validator over `keys` (Entra's JWKS: `https://login.microsoftonline.com/{tid}/discovery/v2.0/keys`).
    pub fn new(settings: EntraTokenSettings, keys: Arc<dyn JwksSource>) -> Result<Self, String> {
        if settings.tenant_id.trim().is_empty() {
            return Err("the Entra tenant id is empty".into());
        }
        if settings.extension_app_id.trim().is_empty() {
            return Err("the Entra extension app id is empty".into());
        }
        let jwt = JwtValidator::new(settings.jwt_settings(), keys)?;
        Ok(EntraTokenValidator { settings, jwt })
    }

    /// The settings.
    pub fn settings(&self) -> &EntraTokenSettings {
        &self.settings
    }

    /// The underlying JWT validator (key refresh, fetch count).
    pub fn jwt(&self) -> &JwtValidator {
        &self.jwt
    }

    /// Validates a bearer token (without the `Bearer ` prefix). 401 for an invalid token,
    /// 403 for a valid token of another app.
    pub fn validate(&self, token: &str) -> Result<TokenVersion, crate::ClaimsError> {
        self.jwt.validate(token)?;
        self.check_version(token).map_err(Denied::into_error)
    }

    /// The per-version rules, for a token whose signature, lifetime, issuer and audience the
    /// JWT validator has already accepted.
    pub(crate) fn check_version(&self, token: &str) -> Result<TokenVersion, Denied> {
        // The signature holds: the claims can be read as they are.
        let invalid =
            |why: &str| Denied::unauthorized_owned(why.to_owned(), Some(CHALLENGE_INVALID));
        let payload = token
            .split('.')
            .nth(1)
            .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
            .and_then(|b| serde_json::from_slice::<VersionClaims>(&b).ok())
            .ok_or_else(|| invalid("unreadable token claims"))?;
        let s = &self.settings;
        let same =
            |a: &Option<String>, b: &str| a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(b));
        let aud_is = |wanted: &str| match &payload.aud {
            Some(serde_json::Value::String(a)) => a.eq_ignore_ascii_case(wanted),
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .any(|x| x.as_str().is_some_and(|x| x.eq_ignore_ascii_case(wanted))),
            _ => false,
        };
        match payload.ver.as_deref() {
            Some("2.0") => {
                if !same(&payload.azp, ENTRA_FIRST_PARTY_APP_ID) {
                    return Err(Denied::forbidden_owned(
                        "a v2.0 token must name Entra's extension service in azp".into(),
                        Some(super::super::bearer::CHALLENGE_FORBIDDEN),
                    ));
                }
                if !s
                    .v2_issuers()
                    .iter()
                    .any(|i| payload.iss.as_deref() == Some(i))
                {
                    return Err(invalid("a v2.0 token with a v1.0 issuer"));
                }
                if !aud_is(&s.extension_app_id) {
                    return Err(invalid(
                        "a v2.0 token must have the extension's app id as audience",
                    ));
                }
                Ok(TokenVersion::V2)
            }
            Some("1.0") if s.accept_v1 => {
                if !same(&payload.appid, ENTRA_FIRST_PARTY_APP_ID) {
                    return Err(Denied::forbidden_owned(
                        "a v1.0 token must name Entra's extension service in appid".into(),
                        Some(super::super::bearer::CHALLENGE_FORBIDDEN),
                    ));
                }
                if payload.iss.as_deref() != Some(s.v1_issuer().as_str()) {
                    return Err(invalid("a v1.0 token with a v2.0 issuer"));
                }
                Ok(TokenVersion::V1)
            }
            Some("1.0") => Err(invalid("v1.0 tokens are not accepted")),
            _ => Err(invalid("the token has no ver 1.0 or 2.0")),
        }
    }
}
