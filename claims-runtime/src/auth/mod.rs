//! Caller authentication: the guard each handler's `AuthenticationType` implies.
//!
//! Every handler is guarded by exactly the scheme its descriptor declares ([`AuthSpec`];
//! `Inherit` takes [`AuthConfig::default`]). Secrets never come from source code: each one has a
//! [`SecretSource`] (by default an environment variable, see [`AuthSources`]), resolved once at
//! startup by [`AuthConfig::load`] / [`AuthConfig::resolve`], which refuse to start when a guarded
//! handler has no secret and name the missing variable.
//!
//! | scheme | what is checked | failure |
//! | --- | --- | --- |
//! | `Basic` | `Authorization: Basic`, constant time against `CLAIMS_BASIC_USERNAME`/`CLAIMS_BASIC_PASSWORD` and the `…_NEXT` pair | 401 `WWW-Authenticate: Basic realm="b2c"` |
//! | `ApiKeyHeader(h)` | header `h`, constant time against `CLAIMS_API_KEY` / `CLAIMS_API_KEY_NEXT` | 401 `WWW-Authenticate: ApiKey realm="b2c", header="h"` |
//! | `Bearer` | static token `CLAIMS_BEARER_TOKEN` / `…_NEXT` (constant time), and/or a JWT ([`jwt`]) when `CLAIMS_JWT_JWKS` or `CLAIMS_JWT_METADATA_URL` is set | 401 `Bearer … error="invalid_token"`, 403 for a valid token of an app that is not allowed or without a required role |
//! | `BearerFromClaim(c)` | a JWT in `Authorization: Bearer` ([`jwt`]) | as `Bearer` |
//! | `ClientCertificate` | TLS client certificate ([`cert`], [`tls`]), inside its validity dates, pinned by thumbprint (`CLAIMS_CLIENT_CERT_THUMBPRINTS`) or named by subject + issuer DN and chained to `CLAIMS_CLIENT_CERT_CA_FILE`; `X-ARR-ClientCert` only from `CLAIMS_TRUSTED_PROXIES` | 401 none/invalid/untrusted chain, 403 not allow-listed; both `WWW-Authenticate: ClientCertificate realm="b2c"` |
//!
//! Rotation: two secrets (or certificates) are active at once; remove the old one once B2C uses
//! the new one. Failures are logged (reason, technical profile, request id header when present)
//! at `info`, never the presented or configured secret; the reason never goes into a response body,
//! debug mode or not.

mod apikey;
pub(crate) mod app_ext;
mod basic;
#[doc(hidden)]
pub mod bearer;
pub mod cert;
#[doc(hidden)]
pub mod dev;
#[cfg(feature = "jwt")]
pub mod jwt;
pub mod secrets;
pub mod tls;

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::descriptor::{AuthSpec, Caller, CallerRoute, EntraEvent, HandlerSpec};
use crate::error::ClaimsError;

pub use basic::CHALLENGE as BASIC_CHALLENGE;
pub use cert::{
    CHALLENGE as CLIENT_CERT_CHALLENGE, CertAllowList, DistinguishedName, PeerCert, SubjectIssuer,
    Thumbprint, TlsPeer, TrustedRoots, peer_cert_on_connect,
};
pub use dev::{DevCredentials, generate_dev_basic_credentials};
pub use ipnet::IpNet;
#[cfg(feature = "jwt")]
pub use jwt::{
    DiscoveredJwks, FileJwks, HttpJwks, JwksSource, JwtSettings, JwtValidator, OpenIdMetadata,
    StaticJwks,
};
pub use secrets::{Secret, SecretSet, SecretSource};
pub use tls::{ClientAuth, TlsSettings, TlsVersion};

use basic::BasicGuard;
#[cfg(feature = "jwt")]
use jwt::{Fetch, JwtCheck};

/// A JWT validator; without the `jwt` feature no value of it can exist.
#[cfg(feature = "jwt")]
type Jwt = Arc<JwtValidator>;
#[cfg(not(feature = "jwt"))]
type Jwt = std::convert::Infallible;
#[cfg(not(feature = "jwt"))]
#[derive(Clone, Copy)]
#[allow(dead_code)]
enum Fetch {
    Inline,
    Defer,
    Never,
}
/// Why Bearer JWT handlers cannot be served by this build.
#[cfg(not(feature = "jwt"))]
const NO_JWT_FEATURE: &str =
    "this build of claims-runtime has no `jwt` feature (enable it to accept JWT bearer tokens)";

/// Where each secret and setting is read from. [`Default`] uses the `CLAIMS_*` variables named on
/// each field; every `Env` source also accepts `<NAME>_FILE` naming a file.
#[derive(Debug, Clone)]
pub struct AuthSources {
    /// `CLAIMS_BASIC_USERNAME`
    pub basic_username: SecretSource,
    /// `CLAIMS_BASIC_PASSWORD`
    pub basic_password: SecretSource,
    /// `CLAIMS_BASIC_USERNAME_NEXT` (rotation; defaults to the current user name)
    pub basic_username_next: SecretSource,
    /// `CLAIMS_BASIC_PASSWORD_NEXT` (rotation)
    pub basic_password_next: SecretSource,
    /// `CLAIMS_API_KEY`
    pub api_key: SecretSource,
    /// `CLAIMS_API_KEY_NEXT` (rotation)
    pub api_key_next: SecretSource,
    /// `CLAIMS_BEARER_TOKEN` (static bearer token)
    pub bearer_token: SecretSource,
    /// `CLAIMS_BEARER_TOKEN_NEXT` (rotation)
    pub bearer_token_next: SecretSource,
    /// `CLAIMS_JWT_JWKS`: an `https://` URL (plain `http://` to loopback only) or a file path
    /// holding the JWK set.
    pub jwt_jwks: SecretSource,
    /// `CLAIMS_JWT_METADATA_URL`: an OpenID configuration URL
    /// (`…/v2.0/.well-known/openid-configuration`) giving the JWKS URL and the issuer.
    pub jwt_metadata_url: SecretSource,
    /// `CLAIMS_JWT_ISSUER`: accepted `iss` values, comma-separated (default: the discovered
    /// issuer).
    pub jwt_issuer: SecretSource,
    /// `CLAIMS_JWT_AUDIENCE`: accepted `aud` values, comma-separated.
    pub jwt_audience: SecretSource,
    /// `CLAIMS_JWT_ALLOWED_APP_IDS`: caller client ids (`azp`/`appid`), comma-separated.
    pub jwt_allowed_app_ids: SecretSource,
    /// `CLAIMS_JWT_ALLOW_ANY_APP`: `true` lets production start without an app allow-list.
    pub jwt_allow_any_app: SecretSource,
    /// `CLAIMS_JWT_REQUIRED_ROLES`: the `roles` claim must contain one of these (comma-separated).
    pub jwt_required_roles: SecretSource,
    /// `CLAIMS_JWT_KEYS_REFRESH_SECONDS`: period of the JWKS refresh (default 3600, at most
    /// 86400).
    pub jwt_keys_refresh_seconds: SecretSource,
    /// `CLAIMS_JWT_ALGORITHMS`: accepted algorithms, comma-separated (default `RS256`).
    pub jwt_algorithms: SecretSource,
    /// `CLAIMS_JWT_LEEWAY_SECONDS`: clock skew for `exp`/`nbf` (default 60).
    pub jwt_leeway_seconds: SecretSource,
    /// `CLAIMS_CLIENT_CERT_THUMBPRINTS`: SHA-1 or SHA-256 hex thumbprints, comma-separated.
    pub client_cert_thumbprints: SecretSource,
    /// `CLAIMS_CLIENT_CERT_SUBJECT` (with `CLAIMS_CLIENT_CERT_ISSUER`)
    pub client_cert_subject: SecretSource,
    /// `CLAIMS_CLIENT_CERT_ISSUER`
    pub client_cert_issuer: SecretSource,
    /// `CLAIMS_CLIENT_CERT_SUBJECT_NEXT` (rotation, with `CLAIMS_CLIENT_CERT_ISSUER_NEXT`)
    pub client_cert_subject_next: SecretSource,
    /// `CLAIMS_CLIENT_CERT_ISSUER_NEXT`
    pub client_cert_issuer_next: SecretSource,
    /// `CLAIMS_CLIENT_CERT_CA_FILE`: a PEM file of the CA certificates that subject + issuer
    /// entries must chain to (`CLAIMS_CLIENT_CERT_CA` may hold the PEM text itself).
    pub client_cert_ca: SecretSource,
    /// `CLAIMS_TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges of the TLS-terminating
    /// proxy allowed to send `X-ARR-ClientCert` (added to [`AuthConfig::trusted_proxies`]).
    pub trusted_proxies: SecretSource,
    /// `CLAIMS_ENTRA_PASSWORD_KEY_FILE` (a PEM file; `CLAIMS_ENTRA_PASSWORD_KEY` may hold the
    /// PEM text): the RSA private key that decrypts Entra PasswordSubmit passwords (PKCS#8 or
    /// PKCS#1). Required when a handler answers `entra(event = PasswordSubmit)`.
    pub entra_password_key: SecretSource,
}

impl Default for AuthSources {
    fn default() -> Self {
        use SecretSource as S;
        AuthSources {
            basic_username: S::env("CLAIMS_BASIC_USERNAME"),
            basic_password: S::env("CLAIMS_BASIC_PASSWORD"),
            basic_username_next: S::env("CLAIMS_BASIC_USERNAME_NEXT"),
            basic_password_next: S::env("CLAIMS_BASIC_PASSWORD_NEXT"),
            api_key: S::env("CLAIMS_API_KEY"),
            api_key_next: S::env("CLAIMS_API_KEY_NEXT"),
            bearer_token: S::env("CLAIMS_BEARER_TOKEN"),
            bearer_token_next: S::env("CLAIMS_BEARER_TOKEN_NEXT"),
            jwt_jwks: S::env("CLAIMS_JWT_JWKS"),
            jwt_metadata_url: S::env("CLAIMS_JWT_METADATA_URL"),
            jwt_issuer: S::env("CLAIMS_JWT_ISSUER"),
            jwt_audience: S::env("CLAIMS_JWT_AUDIENCE"),
            jwt_allowed_app_ids: S::env("CLAIMS_JWT_ALLOWED_APP_IDS"),
            jwt_allow_any_app: S::env("CLAIMS_JWT_ALLOW_ANY_APP"),
            jwt_required_roles: S::env("CLAIMS_JWT_REQUIRED_ROLES"),
            jwt_keys_refresh_seconds: S::env("CLAIMS_JWT_KEYS_REFRESH_SECONDS"),
            jwt_algorithms: S::env("CLAIMS_JWT_ALGORITHMS"),
            jwt_leeway_seconds: S::env("CLAIMS_JWT_LEEWAY_SECONDS"),
            client_cert_thumbprints: S::env("CLAIMS_CLIENT_CERT_THUMBPRINTS"),
            client_cert_subject: S::env("CLAIMS_CLIENT_CERT_SUBJECT"),
            client_cert_issuer: S::env("CLAIMS_CLIENT_CERT_ISSUER"),
            client_cert_subject_next: S::env("CLAIMS_CLIENT_CERT_SUBJECT_NEXT"),
            client_cert_issuer_next: S::env("CLAIMS_CLIENT_CERT_ISSUER_NEXT"),
            client_cert_ca: S::env("CLAIMS_CLIENT_CERT_CA"),
            trusted_proxies: S::env("CLAIMS_TRUSTED_PROXIES"),
            entra_password_key: S::env("CLAIMS_ENTRA_PASSWORD_KEY"),
        }
    }
}

/// Why authentication settings cannot be used; each line names the handler and the variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError(pub Vec<String>);

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("; "))
    }
}

impl std::error::Error for AuthError {}

/// The secrets in force, as digests and parsed settings.
#[derive(Default)]
struct Resolved {
    basic: Option<BasicGuard>,
    api_keys: SecretSet,
    bearer_tokens: SecretSet,
    jwt: Option<Jwt>,
    certs: CertAllowList,
    trusted_proxies: Vec<IpNet>,
    /// The Entra token preset of `entra(...)` routes, and its JWT validator.
    #[cfg(feature = "jwt")]
    entra: Option<(Arc<jwt::entra::EntraTokenValidator>, Jwt)>,
    /// The PasswordSubmit decryption key.
    #[cfg(feature = "jwt")]
    password: Option<Arc<crate::callers::password::PasswordDecryptor>>,
}

impl fmt::Debug for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolved")
            .field(
                "basic_pairs",
                &self.basic.as_ref().map_or(0, BasicGuard::len),
            )
            .field("api_keys", &self.api_keys)
            .field("bearer_tokens", &self.bearer_tokens)
            .field("jwt", &self.jwt.is_some())
            .field("certs", &self.certs)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

/// App-wide authentication settings.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// The scheme for handlers that declare none (`AuthSpec::Inherit`).
    pub default: AuthSpec,
    /// Where secrets are read from.
    pub sources: AuthSources,
    /// Production mode: the rules of [`crate::startup::production_problems`], applied when the
    /// app starts. Also switched on by `CLAIMS_PRODUCTION` (`1`, `true`, `yes`, `on`).
    pub production: bool,
    /// Overrides both production refusals (`CLAIMS_ALLOW_INSECURE=true`).
    pub allow_insecure: bool,
    /// Allows plain HTTP in production only (behind a TLS-terminating proxy such as Azure App
    /// Service; `CLAIMS_ALLOW_PLAIN_HTTP=true`).
    pub allow_plain_http: bool,
    /// Accepts the client certificate from the `X-ARR-ClientCert` header (Azure App Service TLS
    /// termination; `CLAIMS_TRUST_ARR_CLIENT_CERT=true`), only on plain connections from
    /// [`AuthConfig::trusted_proxies`] (startup refuses an empty list). Off by default: the
    /// header is no proof of possession, anyone can send it.
    pub trust_arr_client_cert: bool,
    /// The proxies allowed to send `X-ARR-ClientCert` (peer address of the TCP connection);
    /// `CLAIMS_TRUSTED_PROXIES` adds to this list.
    pub trusted_proxies: Vec<IpNet>,
    /// JWT rules; empty issuers/audiences/app ids are filled from [`AuthSources`].
    #[cfg(feature = "jwt")]
    pub jwt: JwtSettings,
    /// A JWKS source that replaces `CLAIMS_JWT_JWKS` / `CLAIMS_JWT_METADATA_URL` (static keys,
    /// a custom fetcher).
    #[cfg(feature = "jwt")]
    pub jwks: Option<Arc<dyn JwksSource>>,
    /// The secrets in force, filled by [`AuthConfig::resolve`] (opaque; lets
    /// `AuthConfig { default, ..AuthConfig::default() }` compile outside the crate).
    pub resolved: ResolvedAuth,
}

/// The resolved secrets of an [`AuthConfig`] (digests and parsed settings; opaque).
#[derive(Debug, Clone, Default)]
pub struct ResolvedAuth(OnceLock<Arc<Resolved>>);

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            default: AuthSpec::None,
            sources: AuthSources::default(),
            production: false,
            allow_insecure: false,
            allow_plain_http: false,
            trust_arr_client_cert: false,
            trusted_proxies: Vec::new(),
            #[cfg(feature = "jwt")]
            jwt: JwtSettings::default(),
            #[cfg(feature = "jwt")]
            jwks: None,
            resolved: ResolvedAuth::default(),
        }
    }
}

/// A refusal, before it becomes a [`ClaimsError`]. The reason goes to the log only.
#[derive(Debug, Clone)]
pub(crate) struct Denied {
    forbidden: bool,
    reason: Cow<'static, str>,
    challenge: Option<Cow<'static, str>>,
}

impl Denied {
    pub(crate) fn unauthorized(reason: &'static str, challenge: Option<&'static str>) -> Self {
        Denied {
            forbidden: false,
            reason: Cow::Borrowed(reason),
            challenge: challenge.map(Cow::Borrowed),
        }
    }

    pub(crate) fn unauthorized_owned(reason: String, challenge: Option<&'static str>) -> Self {
        Denied {
            forbidden: false,
            reason: Cow::Owned(reason),
            challenge: challenge.map(Cow::Borrowed),
        }
    }

    pub(crate) fn forbidden_owned(reason: String, challenge: Option<&'static str>) -> Self {
        Denied {
            forbidden: true,
            reason: Cow::Owned(reason),
            challenge: challenge.map(Cow::Borrowed),
        }
    }

    /// Replaces the challenge (for schemes whose challenge depends on the handler).
    pub(crate) fn with_challenge(mut self, challenge: impl Into<Cow<'static, str>>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// The error reply: status and challenge only. The reason (bad signature, wrong issuer, key
    /// ids...) would help an attacker, so it stays in the log, debug mode or not.
    pub(crate) fn into_error(self) -> ClaimsError {
        let mut e = if self.forbidden {
            ClaimsError::forbidden()
        } else {
            ClaimsError::unauthorized()
        };
        if let Some(c) = self.challenge {
            e = e.www_authenticate(c);
        }
        e
    }
}

/// The `WWW-Authenticate` challenge of a 401 for `scheme` (`None` for unguarded handlers).
pub(crate) fn challenge_for(scheme: AuthSpec) -> Option<Cow<'static, str>> {
    match scheme {
        AuthSpec::None | AuthSpec::Inherit => None,
        AuthSpec::Basic => Some(Cow::Borrowed(BASIC_CHALLENGE)),
        AuthSpec::Bearer | AuthSpec::BearerFromClaim(_) => {
            Some(Cow::Borrowed(bearer::CHALLENGE_MISSING))
        }
        AuthSpec::ApiKeyHeader(h) => Some(Cow::Owned(apikey::challenge(h))),
        AuthSpec::ClientCertificate => Some(Cow::Borrowed(r#"ClientCertificate realm="b2c""#)),
    }
}

pub(crate) const MISSING: &str = "no Authorization header";

/// The `Authorization` header split into scheme and parameter, or why it cannot be.
pub(crate) fn authorization(req: &HttpRequest) -> Result<(&str, &str), &'static str> {
    let mut all = req.headers().get_all(header::AUTHORIZATION);
    let Some(v) = all.next() else {
        return Err(MISSING);
    };
    if all.next().is_some() {
        return Err("more than one Authorization header");
    }
    let v = v
        .to_str()
        .map_err(|_| "the Authorization header is not visible ASCII")?
        .trim();
    if v.is_empty() {
        return Err("the Authorization header is empty");
    }
    Ok(match v.split_once(' ') {
        Some((scheme, rest)) => (scheme, rest.trim()),
        None => (v, ""),
    })
}

enum Fail {
    Denied(Denied),
    #[cfg_attr(not(feature = "jwt"), allow(dead_code))]
    NeedKeys(Jwt, Option<String>),
}

impl From<Denied> for Fail {
    fn from(d: Denied) -> Self {
        Fail::Denied(d)
    }
}

fn truthy(v: Option<String>) -> bool {
    v.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}

/// Whether `CLAIMS_PRODUCTION` in `env` switches production mode on (`1`, `true`, `yes`, `on`, any
/// case): the same reading [`AuthConfig::resolve`] makes.
pub fn production_from(env: impl Fn(&str) -> Option<String>) -> bool {
    truthy(env("CLAIMS_PRODUCTION"))
}

/// Whether the process environment switches production mode on (see [`production_from`]).
pub fn production_from_env() -> bool {
    production_from(|k| std::env::var(k).ok())
}

impl AuthConfig {
    /// Settings with the default sources, resolved from `env` for the handlers `specs`.
    ///
    /// ```
    /// use claims_runtime::auth::AuthConfig;
    /// use claims_runtime::{AuthSpec, HandlerSpec, SendClaimsIn};
    ///
    /// static SPEC: HandlerSpec =
    ///     HandlerSpec::new("REST-X", "/x", SendClaimsIn::Body).with_auth(AuthSpec::Basic);
    /// let err = AuthConfig::load([&SPEC], |_| None).unwrap_err();
    /// assert!(err.to_string().contains("handler REST-X uses Basic auth but CLAIMS_BASIC_USERNAME is not set"));
    /// ```
    pub fn load<'a>(
        specs: impl IntoIterator<Item = &'a HandlerSpec>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<AuthConfig, AuthError> {
        let mut c = AuthConfig::default();
        c.resolve(specs, env)?;
        Ok(c)
    }

    /// Like [`AuthConfig::load`], reading the process environment.
    pub fn from_env<'a>(
        specs: impl IntoIterator<Item = &'a HandlerSpec>,
    ) -> Result<AuthConfig, AuthError> {
        AuthConfig::load(specs, |k| std::env::var(k).ok())
    }

    /// Whether [`AuthConfig::resolve`] has run (or a request resolved lazily).
    pub fn is_resolved(&self) -> bool {
        self.resolved.0.get().is_some()
    }

    /// Sets a Basic credential pair in code (dev mode; see [`generate_dev_basic_credentials`]).
    /// Call [`AuthConfig::resolve`] afterwards.
    pub fn use_basic_credentials(&mut self, username: &str, password: &Secret) {
        self.sources.basic_username = SecretSource::value(username);
        self.sources.basic_password = SecretSource::Value(password.clone());
        self.resolved = ResolvedAuth::default();
    }

    /// Reads the client-certificate trusted roots from this PEM file (what `serve --client-ca`
    /// does; replaces `CLAIMS_CLIENT_CERT_CA_FILE`). Call [`AuthConfig::resolve`] afterwards.
    pub fn use_client_ca_file(&mut self, path: impl Into<PathBuf>) {
        self.sources.client_cert_ca = SecretSource::File(path.into());
        self.resolved = ResolvedAuth::default();
    }

    /// Reads every secret and setting from the sources (`env` stands for the process environment)
    /// and checks that each handler in `specs` has what its scheme needs.
    pub fn resolve<'a>(
        &mut self,
        specs: impl IntoIterator<Item = &'a HandlerSpec>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<(), AuthError> {
        self.resolve_dyn(specs.into_iter().collect(), &env)
    }

    // One compiled copy for every caller of `resolve`: the body is large and runs once.
    fn resolve_dyn(
        &mut self,
        specs: Vec<&HandlerSpec>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), AuthError> {
        // Only read by the JWT settings below.
        #[cfg_attr(not(feature = "jwt"), allow(unused_variables))]
        let entra_routes = specs.iter().any(|s| s.serves(Caller::EntraExtension));
        let mut problems = Vec::new();
        self.production |= production_from(env);
        self.allow_insecure |= truthy(env("CLAIMS_ALLOW_INSECURE"));
        self.allow_plain_http |= truthy(env("CLAIMS_ALLOW_PLAIN_HTTP"));
        self.trust_arr_client_cert |= truthy(env("CLAIMS_TRUST_ARR_CLIENT_CERT"));

        let mut get = |src: &SecretSource| match src.resolve(env) {
            Ok(v) => v,
            Err(e) => {
                problems.push(e);
                None
            }
        };
        let s = &self.sources;
        let user = get(&s.basic_username);
        let pass = get(&s.basic_password);
        let user_next = get(&s.basic_username_next).or_else(|| user.clone());
        let pass_next = get(&s.basic_password_next);
        let api = [get(&s.api_key), get(&s.api_key_next)];
        let bearer = [get(&s.bearer_token), get(&s.bearer_token_next)];
        let jwks_location = get(&s.jwt_jwks);
        let issuers = get(&s.jwt_issuer);
        let audiences = get(&s.jwt_audience);
        let app_ids = get(&s.jwt_allowed_app_ids);
        let metadata_url = get(&s.jwt_metadata_url);
        let allow_any_app = get(&s.jwt_allow_any_app);
        let required_roles = get(&s.jwt_required_roles);
        let keys_refresh = get(&s.jwt_keys_refresh_seconds);
        let algorithms = get(&s.jwt_algorithms);
        let leeway = get(&s.jwt_leeway_seconds);
        let thumbprints = get(&s.client_cert_thumbprints);
        let subj = [
            (get(&s.client_cert_subject), get(&s.client_cert_issuer)),
            (
                get(&s.client_cert_subject_next),
                get(&s.client_cert_issuer_next),
            ),
        ];
        let client_ca = get(&s.client_cert_ca);
        let proxies = get(&s.trusted_proxies);
        let password_key = get(&s.entra_password_key);

        let mut r = Resolved::default();
        let mut pairs = Vec::new();
        if let (Some(u), Some(p)) = (&user, &pass) {
            pairs.push((u.clone(), p.clone()));
        }
        if let (Some(u), Some(p)) = (&user_next, &pass_next) {
            pairs.push((u.clone(), p.clone()));
        }
        if !pairs.is_empty() {
            r.basic = Some(BasicGuard::new(&pairs));
        }
        r.api_keys = SecretSet::new(api.iter().flatten());
        r.bearer_tokens = SecretSet::new(bearer.iter().flatten());

        // JWT
        #[cfg(feature = "jwt")]
        let mut jwt_problem: Option<String> = None;
        // Why `entra(...)` routes cannot be guarded, when they cannot.
        #[cfg(feature = "jwt")]
        let mut entra_problem: Option<String> = Some(format!(
            "neither {} nor {} is set (the tenant's keys)",
            s.jwt_jwks.describe(),
            s.jwt_metadata_url.describe()
        ));
        #[cfg(not(feature = "jwt"))]
        let entra_problem: Option<String> = Some(NO_JWT_FEATURE.to_owned());
        #[cfg(not(feature = "jwt"))]
        let jwt_problem = Some(NO_JWT_FEATURE.to_owned());
        #[cfg(feature = "jwt")]
        {
            let mut discovered_issuer = None;
            let jwt_source: Option<Result<Arc<dyn JwksSource>, String>> = match &metadata_url {
                Some(url) => {
                    let url = url.expose().trim();
                    let discovered = if issuers.is_none() && self.jwt.issuers.is_empty() {
                        // The issuer is needed now: without CLAIMS_JWT_ISSUER, discovery must work.
                        jwt::discover(url)
                            .map(|m| discovered_issuer = Some(m.issuer))
                            .map_err(|e| format!("{}: {e}", s.jwt_metadata_url.describe()))
                    } else {
                        Ok(())
                    };
                    Some(discovered.and_then(|()| {
                        match (&self.jwks, &jwks_location) {
                            (Some(src), _) => Ok(src.clone()),
                            (None, Some(loc)) => jwt::jwks_source_for(loc.expose()),
                            (None, None) => jwt::DiscoveredJwks::new(url)
                                .map(|d| Arc::new(d) as Arc<dyn JwksSource>),
                        }
                    }))
                }
                _ => match (&self.jwks, &jwks_location) {
                    (Some(src), _) => Some(Ok(src.clone())),
                    (None, Some(loc)) => Some(jwt::jwks_source_for(loc.expose())),
                    (None, None) => None,
                },
            };
            if let Some(src) = jwt_source {
                let mut settings = self.jwt.clone();
                if settings.issuers.is_empty() {
                    settings.issuers = issuers
                        .map(|v| secrets::comma_list(v.expose()))
                        .or_else(|| discovered_issuer.map(|i| vec![i]))
                        .unwrap_or_default();
                }
                if settings.audiences.is_empty() {
                    settings.audiences = audiences
                        .map(|v| secrets::comma_list(v.expose()))
                        .unwrap_or_default();
                }
                if settings.allowed_app_ids.is_empty() {
                    settings.allowed_app_ids = app_ids
                        .map(|v| secrets::comma_list(v.expose()))
                        .unwrap_or_default();
                }
                // Entra routes: Entra's extension service is the caller unless told otherwise.
                if settings.allowed_app_ids.is_empty() && entra_routes {
                    settings.allowed_app_ids =
                        vec![claims_core::callers::ENTRA_FIRST_PARTY_APP_ID.to_owned()];
                }
                settings.allow_any_app |= truthy(allow_any_app.map(|v| v.expose().to_owned()));
                if settings.required_roles.is_empty() {
                    settings.required_roles = required_roles
                        .map(|v| secrets::comma_list(v.expose()))
                        .unwrap_or_default();
                }
                if let Some(a) = algorithms {
                    let mut algs = Vec::new();
                    for name in secrets::comma_list(a.expose()) {
                        match name.parse::<jsonwebtoken::Algorithm>() {
                            Ok(alg) => algs.push(alg),
                            Err(_) => problems.push(format!(
                                "{} names the unknown algorithm {name:?}",
                                s.jwt_algorithms.describe()
                            )),
                        }
                    }
                    settings.algorithms = algs;
                }
                if let Some(l) = leeway {
                    match l.expose().trim().parse::<u64>() {
                        Ok(n) => settings.leeway_secs = n,
                        Err(_) => problems.push(format!(
                            "{} is not a number of seconds",
                            s.jwt_leeway_seconds.describe()
                        )),
                    }
                }
                if let Some(secs) = keys_refresh {
                    match secs.expose().trim().parse::<u64>() {
                        Ok(n) if (1..=jwt::MAX_KEYS_REFRESH.as_secs()).contains(&n) => {
                            settings.keys_refresh = std::time::Duration::from_secs(n);
                        }
                        _ => problems.push(format!(
                            "{} must be a number of seconds from 1 to 86400",
                            s.jwt_keys_refresh_seconds.describe()
                        )),
                    }
                }
                if let Err(e) = &src {
                    // A refused or unusable JWKS location is a problem even when no handler needs
                    // JWT: the operator asked for it.
                    problems.push(e.clone());
                }
                if entra_routes && let Ok(keys) = &src {
                    let preset = jwt::entra::EntraTokenSettings::from_issuers_and_audiences(
                        &settings.issuers,
                        &settings.audiences,
                    )
                    .map(|mut p| {
                        p.leeway_secs = settings.leeway_secs;
                        p
                    })
                    .and_then(|p| jwt::entra::EntraTokenValidator::new(p, keys.clone()));
                    match preset {
                        Ok(v) => {
                            if let Err(e) = v.jwt().refresh() {
                                tracing::warn!(error = %e, "the Entra JWKS could not be fetched at startup; retrying on first use");
                            }
                            let j: Jwt = Arc::new(v.jwt().clone());
                            r.entra = Some((Arc::new(v), j));
                            entra_problem = None;
                        }
                        Err(e) => {
                            entra_problem = Some(format!(
                                "{e} ({} / {}, {})",
                                s.jwt_issuer.describe(),
                                s.jwt_metadata_url.describe(),
                                s.jwt_audience.describe()
                            ))
                        }
                    }
                }
                let built = src.and_then(|src| {
                    if settings.issuers.is_empty() {
                        return Err(format!(
                            "{} is not set (nor {})",
                            s.jwt_issuer.describe(),
                            s.jwt_metadata_url.describe()
                        ));
                    }
                    if settings.audiences.is_empty() {
                        return Err(format!("{} is not set", s.jwt_audience.describe()));
                    }
                    JwtValidator::new(settings, src)
                });
                match built {
                    Ok(v) => {
                        if v.settings().allowed_app_ids.is_empty() {
                            tracing::warn!(
                                "{} is not set: any caller app with a valid token for this audience is accepted",
                                s.jwt_allowed_app_ids.describe()
                            );
                        }
                        if let Err(e) = v.refresh() {
                            // A file must be readable now; a URL may be down for a moment.
                            let is_file = self.jwks.is_none()
                                && jwks_location.as_ref().is_some_and(|l| {
                                    !l.expose()
                                        .trim_start()
                                        .to_ascii_lowercase()
                                        .starts_with("http")
                                });
                            if is_file {
                                problems.push(e);
                            } else {
                                tracing::warn!(error = %e, "the JWKS could not be fetched at startup; retrying on first use");
                            }
                        }
                        r.jwt = Some(Arc::new(v));
                    }
                    Err(e) => jwt_problem = Some(e),
                }
            }
        }
        #[cfg(not(feature = "jwt"))]
        {
            let _ = (
                &issuers,
                &audiences,
                &app_ids,
                &allow_any_app,
                &required_roles,
                &keys_refresh,
                &algorithms,
                &leeway,
            );
            if jwks_location.is_some() || metadata_url.is_some() {
                problems.push(format!(
                    "{} or {} is set, but {NO_JWT_FEATURE}",
                    s.jwt_jwks.describe(),
                    s.jwt_metadata_url.describe()
                ));
            }
        }

        // Client certificates
        if let Some(t) = thumbprints {
            for item in secrets::comma_list(t.expose()) {
                match item.parse::<Thumbprint>() {
                    Ok(tp) => r.certs.thumbprints.push(tp),
                    Err(e) => {
                        problems.push(format!("{}: {e}", s.client_cert_thumbprints.describe()))
                    }
                }
            }
        }
        let names = [
            (&s.client_cert_subject, &s.client_cert_issuer),
            (&s.client_cert_subject_next, &s.client_cert_issuer_next),
        ];
        for ((sub, iss), (sub_src, iss_src)) in subj.into_iter().zip(names) {
            match (sub, iss) {
                (Some(sub), Some(iss)) => {
                    let parse = |v: &Secret, src: &SecretSource| {
                        v.expose()
                            .parse::<DistinguishedName>()
                            .map_err(|e| format!("{}: {e}", src.describe()))
                    };
                    match (parse(&sub, sub_src), parse(&iss, iss_src)) {
                        (Ok(subject), Ok(issuer)) => {
                            r.certs.subjects.push(SubjectIssuer { subject, issuer })
                        }
                        (a, b) => problems.extend(a.err().into_iter().chain(b.err())),
                    }
                }
                (None, None) => {}
                _ => problems.push(format!(
                    "{} and {} must be set together",
                    sub_src.describe(),
                    iss_src.describe()
                )),
            }
        }
        // `CLAIMS_CLIENT_CERT_CA_FILE` is the usual form; the plain variable holds PEM text.
        let (ca_name, ca_label) = match &s.client_cert_ca {
            SecretSource::Env(n) => (format!("{n}_FILE"), format!("{n}_FILE (or {n})")),
            other => (other.describe(), other.describe()),
        };
        if let Some(pem) = client_ca {
            match TrustedRoots::from_pem(pem.expose().as_bytes()) {
                Ok(roots) => r.certs.trusted_roots = Some(roots),
                Err(e) => problems.push(format!("{ca_label} {e}")),
            }
        } else if !r.certs.subjects.is_empty() {
            problems.push(format!(
                "{}/{} name client certificates but no trusted roots are configured: set {ca_name} (or `serve --client-ca`) to the PEM of the CA that issues them, since anyone can make a certificate with any name; or pin thumbprints with {}",
                s.client_cert_subject.describe(),
                s.client_cert_issuer.describe(),
                s.client_cert_thumbprints.describe()
            ));
        }
        r.trusted_proxies = self.trusted_proxies.clone();
        if let Some(list) = proxies {
            for item in secrets::comma_list(list.expose()) {
                let net = item
                    .parse::<IpNet>()
                    .or_else(|_| item.parse::<std::net::IpAddr>().map(IpNet::from));
                match net {
                    Ok(n) => r.trusted_proxies.push(n),
                    Err(_) => problems.push(format!(
                        "{}: {item:?} is not an IP address or CIDR range",
                        s.trusted_proxies.describe()
                    )),
                }
            }
        }
        if self.trust_arr_client_cert && r.trusted_proxies.is_empty() {
            problems.push(format!(
                "trust_arr_client_cert (CLAIMS_TRUST_ARR_CLIENT_CERT) is on but {} is empty: list the addresses (CIDR) the TLS-terminating proxy connects from, since anyone else could send X-ARR-ClientCert",
                s.trusted_proxies.describe()
            ));
        }

        #[cfg(feature = "jwt")]
        if let Some(pem) = &password_key {
            match crate::callers::password::PasswordDecryptor::from_pem(pem.expose()) {
                Ok(d) => r.password = Some(Arc::new(d)),
                Err(e) => problems.push(format!("{}: {e}", s.entra_password_key.describe())),
            }
        }
        #[cfg(not(feature = "jwt"))]
        let _ = &password_key;

        // Per handler
        for spec in specs {
            let tp = spec.technical_profile;
            for route in spec.callers {
                match route {
                    CallerRoute::Entra { event, .. } => {
                        if let Some(e) = &entra_problem {
                            problems.push(format!(
                                "handler {tp} answers Entra (entra(event = {event})) but the Entra token settings are incomplete: {e}"
                            ));
                        }
                        #[cfg(feature = "jwt")]
                        let has_key = r.password.is_some();
                        #[cfg(not(feature = "jwt"))]
                        let has_key = false;
                        if *event == EntraEvent::PasswordSubmit && !has_key {
                            problems.push(format!(
                                "handler {tp} answers Entra PasswordSubmit but {} (or {}_FILE) is not set: the private key whose certificate encrypts the passwords",
                                s.entra_password_key.describe(),
                                s.entra_password_key.describe()
                            ));
                        }
                    }
                    CallerRoute::ApiConnector { .. } => match self.effective(spec) {
                        AuthSpec::Basic | AuthSpec::ClientCertificate | AuthSpec::None => {}
                        other => problems.push(format!(
                            "handler {tp} answers a B2C API connector, which authenticates with Basic or a client certificate only, but its authentication is {}: set auth = Basic or ClientCertificate",
                            other.authentication_type().unwrap_or("inherited")
                        )),
                    },
                    _ => {}
                }
            }
            // An Entra-only handler is guarded by the Entra preset alone.
            if !spec.serves(Caller::B2cTechnicalProfile) && !spec.serves(Caller::ApiConnector) {
                continue;
            }
            match self.effective(spec) {
                // Production refuses `None` (idempotent or not): see
                // `crate::startup::production_problems`.
                AuthSpec::None | AuthSpec::Inherit => {}
                AuthSpec::Basic => {
                    if r.basic.is_none() {
                        if user.is_none() {
                            problems.push(format!(
                                "handler {tp} uses Basic auth but {} is not set",
                                s.basic_username.describe()
                            ));
                        }
                        if pass.is_none() {
                            problems.push(format!(
                                "handler {tp} uses Basic auth but {} is not set",
                                s.basic_password.describe()
                            ));
                        }
                    }
                }
                AuthSpec::ApiKeyHeader(h) => {
                    if r.api_keys.is_empty() {
                        problems.push(format!(
                            "handler {tp} uses ApiKeyHeader auth ({h}) but {} is not set",
                            s.api_key.describe()
                        ));
                    }
                }
                AuthSpec::Bearer => {
                    if r.bearer_tokens.is_empty() && r.jwt.is_none() {
                        problems.push(match &jwt_problem {
                            Some(e) => format!("handler {tp} uses Bearer auth but the JWT settings are incomplete: {e}"),
                            None => format!(
                                "handler {tp} uses Bearer auth but neither {} nor {} is set",
                                s.bearer_token.describe(),
                                s.jwt_jwks.describe()
                            ),
                        });
                    }
                }
                AuthSpec::BearerFromClaim(claim) => {
                    if r.jwt.is_none() {
                        problems.push(match &jwt_problem {
                            Some(e) => format!(
                                "handler {tp} uses Bearer auth from the claim {claim} but the JWT settings are incomplete: {e}"
                            ),
                            None => format!(
                                "handler {tp} uses Bearer auth from the claim {claim} (a JWT) but {} is not set",
                                s.jwt_jwks.describe()
                            ),
                        });
                    }
                }
                AuthSpec::ClientCertificate => {
                    if r.certs.is_empty() {
                        problems.push(format!(
                            "handler {tp} uses ClientCertificate auth but neither {} nor {}/{} is set",
                            s.client_cert_thumbprints.describe(),
                            s.client_cert_subject.describe(),
                            s.client_cert_issuer.describe()
                        ));
                    }
                }
            }
        }
        // The opt-out from an app allow-list is logged; production refuses an empty allow-list
        // without it (`startup::production_problems`).
        #[cfg(feature = "jwt")]
        if let Some(v) = &r.jwt
            && v.settings().allowed_app_ids.is_empty()
            && v.settings().allow_any_app
        {
            tracing::warn!(
                "{} is set: any app of the tenant with a valid token for this audience is accepted",
                s.jwt_allow_any_app.describe()
            );
        }

        problems.dedup();
        if !problems.is_empty() {
            return Err(AuthError(problems));
        }
        self.resolved = ResolvedAuth(OnceLock::from(Arc::new(r)));
        Ok(())
    }

    /// Whether resolved JWT rules accept tokens from any app of the tenant without the explicit
    /// opt-out (the production check refuses that).
    pub(crate) fn jwt_accepts_any_app_silently(&self) -> bool {
        #[cfg(feature = "jwt")]
        if let Some(v) = self.resolved.0.get().and_then(|r| r.jwt.as_ref()) {
            let js = v.settings();
            return js.allowed_app_ids.is_empty() && !js.allow_any_app;
        }
        false
    }

    /// The scheme that guards `spec`.
    pub fn effective(&self, spec: &HandlerSpec) -> AuthSpec {
        match spec.auth {
            AuthSpec::Inherit => self.default,
            other => other,
        }
    }

    fn state(&self) -> &Arc<Resolved> {
        self.resolved.0.get_or_init(|| {
            // Not resolved at startup (e.g. mounted through `into_configurator` in a test):
            // resolve from the process environment, failing closed.
            let mut c = self.clone();
            match c.resolve(std::iter::empty(), |k| std::env::var(k).ok()) {
                Ok(()) => c.resolved.0.get().cloned().unwrap_or_default(),
                Err(e) => {
                    tracing::error!(error = %e, "authentication settings are unusable; guarded handlers answer 401");
                    Arc::default()
                }
            }
        })
    }

    /// Checks the caller of `spec`. An unknown JWT key id waits on this thread for a JWKS fetch
    /// (rate-limited); [`AuthConfig::authenticate`] waits asynchronously instead.
    pub fn authorize(&self, spec: &HandlerSpec, req: &HttpRequest) -> Result<(), ClaimsError> {
        match self.check(spec, req, Fetch::Inline) {
            Ok(()) => Ok(()),
            Err(Fail::Denied(d)) => Err(self.reject(spec, req, d)),
            Err(Fail::NeedKeys(..)) => Err(self.reject(
                spec,
                req,
                Denied::unauthorized("unknown JWT key id", Some(bearer::CHALLENGE_INVALID)),
            )),
        }
    }

    /// Checks the caller of `spec`; a JWKS refresh for an unknown key id is awaited without
    /// blocking the worker (one fetch in flight, shared by all requests that need it).
    pub async fn authenticate(
        &self,
        spec: &HandlerSpec,
        req: &HttpRequest,
    ) -> Result<(), ClaimsError> {
        let outcome = match self.check(spec, req, Fetch::Defer) {
            Err(Fail::NeedKeys(validator, _kid)) => {
                // The fetch runs on its own thread; this worker serves other requests meanwhile.
                #[cfg(feature = "jwt")]
                {
                    validator.refresh_for_async(_kid.as_deref()).await;
                    self.check(spec, req, Fetch::Never)
                }
                #[cfg(not(feature = "jwt"))]
                match validator {}
            }
            other => other,
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(Fail::Denied(d)) => Err(self.reject(spec, req, d)),
            Err(Fail::NeedKeys(..)) => Err(self.reject(
                spec,
                req,
                Denied::unauthorized("unknown JWT key id", Some(bearer::CHALLENGE_INVALID)),
            )),
        }
    }

    /// Checks the caller of a route of `spec`: the Entra token preset on Entra routes, the
    /// handler's own scheme elsewhere (an API connector's Basic or client certificate).
    pub async fn authenticate_caller(
        &self,
        spec: &HandlerSpec,
        route: CallerRoute,
        req: &HttpRequest,
    ) -> Result<(), ClaimsError> {
        if route.caller() != Caller::EntraExtension {
            return self.authenticate(spec, req).await;
        }
        let outcome = match self.check_entra(req, Fetch::Defer) {
            Err(Fail::NeedKeys(validator, _kid)) => {
                #[cfg(feature = "jwt")]
                {
                    validator.refresh_for_async(_kid.as_deref()).await;
                    self.check_entra(req, Fetch::Never)
                }
                #[cfg(not(feature = "jwt"))]
                match validator {}
            }
            other => other,
        };
        let denied = match outcome {
            Ok(()) => return Ok(()),
            Err(Fail::Denied(d)) => d,
            Err(Fail::NeedKeys(..)) => {
                Denied::unauthorized("unknown JWT key id", Some(bearer::CHALLENGE_INVALID))
            }
        };
        Err(self.reject_as(
            spec,
            req,
            denied,
            "EntraToken",
            Some(Cow::Borrowed(bearer::CHALLENGE_MISSING)),
        ))
    }

    #[cfg(feature = "jwt")]
    fn check_entra(&self, req: &HttpRequest, fetch: Fetch) -> Result<(), Fail> {
        let Some((preset, validator)) = &self.state().entra else {
            return Err(not_configured(
                "EntraToken",
                Some(bearer::CHALLENGE_MISSING),
            ));
        };
        let token = bearer::token(req)?;
        check_jwt(validator, token, fetch)?;
        preset
            .check_version(token)
            .map(|_| ())
            .map_err(Fail::Denied)
    }

    #[cfg(not(feature = "jwt"))]
    fn check_entra(&self, _: &HttpRequest, _: Fetch) -> Result<(), Fail> {
        Err(not_configured(
            "EntraToken",
            Some(bearer::CHALLENGE_MISSING),
        ))
    }

    /// Decrypts an Entra PasswordSubmit context: the user name (when sent), the password and
    /// the nonce to echo.
    pub(crate) fn decrypt_password(
        &self,
        jwe: &str,
    ) -> Result<crate::callers::adapter::Decrypted, crate::callers::CallerError> {
        #[cfg(feature = "jwt")]
        if let Some(d) = &self.state().password {
            let c = d.decrypt(jwe)?;
            return Ok((c.username, c.password, c.nonce));
        }
        let _ = jwe;
        Err(crate::callers::CallerError::new(
            crate::callers::CallerErrorKind::Decrypt,
            "no PasswordSubmit key is configured (CLAIMS_ENTRA_PASSWORD_KEY_FILE)",
        ))
    }

    fn check(&self, spec: &HandlerSpec, req: &HttpRequest, fetch: Fetch) -> Result<(), Fail> {
        let scheme = self.effective(spec);
        if matches!(scheme, AuthSpec::None | AuthSpec::Inherit) {
            return Ok(());
        }
        let r = self.state();
        match scheme {
            AuthSpec::None | AuthSpec::Inherit => Ok(()),
            AuthSpec::Basic => match &r.basic {
                Some(g) => Ok(g.check(req)?),
                None => Err(not_configured("Basic", Some(BASIC_CHALLENGE))),
            },
            AuthSpec::ApiKeyHeader(h) => {
                if r.api_keys.is_empty() {
                    return Err(not_configured("ApiKeyHeader", None));
                }
                Ok(apikey::check(&r.api_keys, h, req)?)
            }
            AuthSpec::Bearer => {
                let token = bearer::token(req)?;
                let static_ok =
                    !r.bearer_tokens.is_empty() && r.bearer_tokens.matches(token.as_bytes());
                if static_ok {
                    return Ok(());
                }
                match &r.jwt {
                    Some(v)
                        if token.bytes().filter(|&b| b == b'.').count() == 2
                            || r.bearer_tokens.is_empty() =>
                    {
                        check_jwt(v, token, fetch)
                    }
                    _ if !r.bearer_tokens.is_empty() => Err(Denied::unauthorized(
                        "wrong bearer token",
                        Some(bearer::CHALLENGE_INVALID),
                    )
                    .into()),
                    _ => Err(not_configured("Bearer", Some(bearer::CHALLENGE_MISSING))),
                }
            }
            AuthSpec::BearerFromClaim(_) => {
                let token = bearer::token(req)?;
                match &r.jwt {
                    Some(v) => check_jwt(v, token, fetch),
                    None => Err(not_configured("Bearer", Some(bearer::CHALLENGE_MISSING))),
                }
            }
            AuthSpec::ClientCertificate => {
                if r.certs.is_empty() {
                    return Err(not_configured("ClientCertificate", Some(cert::CHALLENGE)));
                }
                let proxies = self
                    .trust_arr_client_cert
                    .then_some(r.trusted_proxies.as_slice());
                Ok(r.certs.check(req, proxies)?)
            }
        }
    }

    fn reject(&self, spec: &HandlerSpec, req: &HttpRequest, d: Denied) -> ClaimsError {
        let scheme = self.effective(spec).authentication_type().unwrap_or("?");
        self.reject_as(spec, req, d, scheme, challenge_for(self.effective(spec)))
    }

    fn reject_as(
        &self,
        spec: &HandlerSpec,
        req: &HttpRequest,
        d: Denied,
        scheme: &'static str,
        challenge: Option<Cow<'static, str>>,
    ) -> ClaimsError {
        let request_id = [
            "x-request-id",
            "request-id",
            "x-correlation-id",
            "x-ms-request-id",
        ]
        .iter()
        .find_map(|h| req.headers().get(*h).and_then(|v| v.to_str().ok()))
        .unwrap_or("");
        // For the access line and the `claims_auth_failures_total` counter.
        crate::observe::note(req, |n| {
            n.outcome = Some(crate::observe::Outcome::AuthFailed);
            n.scheme = Some(scheme);
            n.reason = Some(format!("{scheme}: {}", d.reason).into());
        });
        tracing::info!(
            technical_profile = spec.technical_profile,
            scheme,
            status = if d.forbidden { 403 } else { 401 },
            reason = %d.reason,
            request_id,
            peer = ?req.peer_addr(),
            "caller authentication failed"
        );
        // RFC 9110: a 401 always names the scheme to use.
        let fallback = if d.forbidden || d.challenge.is_some() {
            None
        } else {
            challenge
        };
        match fallback {
            Some(c) => d.with_challenge(c).into_error(),
            None => d.into_error(),
        }
    }
}

#[cfg(feature = "jwt")]
fn check_jwt(v: &Jwt, token: &str, fetch: Fetch) -> Result<(), Fail> {
    match v.check(token, fetch) {
        Ok(_) => Ok(()),
        Err(JwtCheck::Denied(d)) => Err(Fail::Denied(d)),
        Err(JwtCheck::NeedKeys(kid)) => Err(Fail::NeedKeys(v.clone(), kid)),
    }
}

#[cfg(not(feature = "jwt"))]
fn check_jwt(v: &Jwt, _: &str, _: Fetch) -> Result<(), Fail> {
    match *v {}
}

fn not_configured(scheme: &'static str, challenge: Option<&'static str>) -> Fail {
    tracing::error!(
        scheme,
        "a guarded handler has no credentials configured; answering 401"
    );
    Fail::Denied(Denied::unauthorized(
        "no credentials are configured for this scheme",
        challenge,
    ))
}

/// Reads `path` as a list of PEM or DER certificates' thumbprints (helper for configuration
/// tools): returns the SHA-256 thumbprint of each certificate in a PEM file.
pub fn thumbprints_of_pem_file(path: impl Into<PathBuf>) -> Result<Vec<Thumbprint>, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let path = path.into();
    let pem = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    CertificateDer::pem_slice_iter(&pem)
        .map(|c| {
            c.map(|c| Thumbprint::of(c.as_ref())[1])
                .map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect()
}

#[cfg(all(test, not(feature = "jwt")))]
mod without_jwt {
    use super::*;
    use crate::SendClaimsIn;

    static JWT_CLAIM: HandlerSpec = HandlerSpec::new("REST-Jwt", "/jwt", SendClaimsIn::Body)
        .with_auth(AuthSpec::BearerFromClaim("token"));

    #[test]
    fn a_jwt_handler_refuses_to_start_and_names_the_feature() {
        let err = AuthConfig::load([&JWT_CLAIM], |_| None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("REST-Jwt") && err.contains("`jwt` feature"),
            "{err}"
        );
    }

    #[test]
    fn jwt_settings_without_the_feature_are_refused() {
        let env = |k: &str| (k == "CLAIMS_JWT_JWKS").then(|| "/keys.json".to_owned());
        let err = AuthConfig::load([], env).unwrap_err().to_string();
        assert!(
            err.contains("CLAIMS_JWT_JWKS") && err.contains("`jwt` feature"),
            "{err}"
        );
    }
}
