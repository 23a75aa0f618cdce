//! Bearer JWT validation (`AuthenticationType=Bearer` with a Microsoft Entra token, static or from
//! `UseClaimAsBearerToken`): signature against a JWKS, `exp`/`nbf` with skew, `iss`, `aud`, the
//! caller's app id (`azp` in v2.0 tokens, `appid` in v1.0) and an algorithm allow-list.
//!
//! Keys come from a [`JwksSource`]: [`FileJwks`], [`StaticJwks`] or [`HttpJwks`]. They are
//! cached; a token with an unknown `kid` triggers one refetch, at most once per
//! [`JwtSettings::refresh_interval`]. [`HttpJwks`] speaks plain HTTP/1.1 only (enough for a
//! local key proxy or a test server): for an `https://` JWKS (such as Entra's
//! `https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys`) download the set to a file
//! ([`FileJwks`]) or implement [`JwksSource`] with the HTTPS client of your choice.

use std::collections::HashMap;
use std::fmt;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::jwk::{JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::Denied;
use super::bearer::{CHALLENGE_FORBIDDEN, CHALLENGE_INVALID};

/// Where the JSON Web Key Set comes from.
pub trait JwksSource: Send + Sync + fmt::Debug {
    /// Fetches the current key set. Called at startup and when a token names an unknown `kid`
    /// (rate-limited); it may block (it runs on a blocking thread when serving).
    fn fetch(&self) -> Result<JwkSet, String>;
}

/// A JWKS held in memory (tests, keys pinned in configuration).
#[derive(Debug, Clone)]
pub struct StaticJwks(pub JwkSet);

impl JwksSource for StaticJwks {
    fn fetch(&self) -> Result<JwkSet, String> {
        Ok(self.0.clone())
    }
}

/// A JWKS read from a JSON file (re-read on refresh, so replacing the file rotates keys).
#[derive(Debug, Clone)]
pub struct FileJwks(pub PathBuf);

impl JwksSource for FileJwks {
    fn fetch(&self) -> Result<JwkSet, String> {
        let text = std::fs::read(&self.0)
            .map_err(|e| format!("cannot read the JWKS file {}: {e}", self.0.display()))?;
        serde_json::from_slice(&text)
            .map_err(|e| format!("the JWKS file {} is not a JWK set: {e}", self.0.display()))
    }
}

/// A JWKS fetched with a minimal HTTP/1.1 GET from an `http://` URL. Does not do TLS: see the
/// module docs for `https://` key sets.
#[derive(Debug, Clone)]
pub struct HttpJwks {
    host: String,
    port: u16,
    path: String,
    /// Connect and read timeout.
    pub timeout: Duration,
}

impl HttpJwks {
    /// Parses an `http://host[:port]/path` URL.
    pub fn new(url: &str) -> Result<Self, String> {
        if url.starts_with("https://") {
            return Err(format!(
                "the JWKS URL {url} uses https, which the built-in fetcher does not speak: download the key set to a file and point CLAIMS_JWT_JWKS at it, or install a custom JwksSource"
            ));
        }
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            format!("the JWKS location {url} is neither an http:// URL nor a file")
        })?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (
                h.to_owned(),
                p.parse::<u16>()
                    .map_err(|_| format!("the JWKS URL {url} has an invalid port"))?,
            ),
            _ => (authority.to_owned(), 80),
        };
        if host.is_empty() {
            return Err(format!("the JWKS URL {url} has no host"));
        }
        Ok(HttpJwks {
            host,
            port,
            path: path.to_owned(),
            timeout: Duration::from_secs(5),
        })
    }

    fn get(&self) -> Result<Vec<u8>, String> {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        let addr = (host, self.port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {}: {e}", self.host))?
            .next()
            .ok_or_else(|| format!("{} has no address", self.host))?;
        let mut s = TcpStream::connect_timeout(&addr, self.timeout).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(self.timeout))
            .map_err(|e| e.to_string())?;
        s.set_write_timeout(Some(self.timeout))
            .map_err(|e| e.to_string())?;
        let req = format!(
            "GET {} HTTP/1.1\r\nHost: {}:{}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
            self.path, self.host, self.port
        );
        s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        s.take(4 * 1024 * 1024)
            .read_to_end(&mut raw)
            .map_err(|e| e.to_string())?;
        parse_http_response(&raw)
    }
}

fn parse_http_response(raw: &[u8]) -> Result<Vec<u8>, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("truncated HTTP response")?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| "non-UTF-8 HTTP head")?;
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or("");
    let code = status.split_whitespace().nth(1).unwrap_or("");
    if code != "200" {
        return Err(format!("the JWKS server answered {status:?}"));
    }
    let chunked = lines.any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("transfer-encoding")
                && v.to_ascii_lowercase().contains("chunked")
        })
    });
    let body = &raw[end + 4..];
    if !chunked {
        return Ok(body.to_vec());
    }
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let nl = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("bad chunk")?;
        let size_text = std::str::from_utf8(&rest[..nl]).map_err(|_| "bad chunk size")?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "bad chunk size")?;
        rest = &rest[nl + 2..];
        if size == 0 {
            return Ok(out);
        }
        if rest.len() < size + 2 {
            return Err("truncated chunk".into());
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

impl JwksSource for HttpJwks {
    fn fetch(&self) -> Result<JwkSet, String> {
        let body = self.get().map_err(|e| {
            format!(
                "cannot fetch the JWKS from http://{}:{}{}: {e}",
                self.host, self.port, self.path
            )
        })?;
        serde_json::from_slice(&body)
            .map_err(|e| format!("the JWKS response is not a JWK set: {e}"))
    }
}

/// Opens `location` as a JWKS source: an `http://` URL, else a file path.
pub fn jwks_source_for(location: &str) -> Result<Arc<dyn JwksSource>, String> {
    if location.starts_with("http://") || location.starts_with("https://") {
        Ok(Arc::new(HttpJwks::new(location)?))
    } else {
        Ok(Arc::new(FileJwks(PathBuf::from(location))))
    }
}

/// What a valid token must satisfy.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// Accepted `iss` values (e.g. `https://login.microsoftonline.com/{tid}/v2.0` and/or
    /// `https://sts.windows.net/{tid}/`).
    pub issuers: Vec<String>,
    /// Accepted `aud` values (App ID URI and/or client id of this API).
    pub audiences: Vec<String>,
    /// Caller client ids accepted in `azp` (v2.0) or `appid` (v1.0). Empty: not checked.
    pub allowed_app_ids: Vec<String>,
    /// Accepted `alg` values (default RS256). `none` can never be accepted.
    pub algorithms: Vec<Algorithm>,
    /// Clock skew allowed for `exp` and `nbf`, in seconds (default 60).
    pub leeway_secs: u64,
    /// Minimum time between two JWKS fetches triggered by unknown key ids (default 30 s).
    pub refresh_interval: Duration,
}

impl Default for JwtSettings {
    fn default() -> Self {
        JwtSettings {
            issuers: Vec::new(),
            audiences: Vec::new(),
            allowed_app_ids: Vec::new(),
            algorithms: vec![Algorithm::RS256],
            leeway_secs: 60,
            refresh_interval: Duration::from_secs(30),
        }
    }
}

#[derive(Deserialize)]
struct CallerClaims {
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    appid: Option<String>,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
}

/// A token that passed full validation. B2C sends the same access token on every call for its
/// lifetime, so a hit skips the signature check (~125 µs with the pure-Rust RSA backend).
struct Verified {
    app: Option<String>,
    exp: i64,
    nbf: Option<i64>,
    generation: u64,
    at: Instant,
}

/// What a full validation established.
struct Passed {
    app: Option<String>,
    exp: Option<i64>,
    nbf: Option<i64>,
}

/// How long a verified token is trusted without checking its signature again.
const VERIFIED_TTL: Duration = Duration::from_secs(300);
/// Bound of the verified-token cache.
const VERIFIED_MAX: usize = 4096;

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[derive(Default)]
struct KeyCache {
    by_kid: HashMap<String, Arc<DecodingKey>>,
    without_kid: Vec<Arc<DecodingKey>>,
}

impl KeyCache {
    fn from_set(set: &JwkSet) -> KeyCache {
        let mut cache = KeyCache::default();
        for jwk in &set.keys {
            if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
                continue;
            }
            let key = match DecodingKey::from_jwk(jwk) {
                Ok(k) => Arc::new(k),
                Err(e) => {
                    tracing::debug!(kid = ?jwk.common.key_id, error = %e, "skipping an unusable JWK");
                    continue;
                }
            };
            match &jwk.common.key_id {
                Some(kid) => {
                    cache.by_kid.insert(kid.clone(), key);
                }
                None => cache.without_kid.push(key),
            }
        }
        cache
    }

    fn find(&self, kid: Option<&str>) -> Option<Arc<DecodingKey>> {
        match kid {
            Some(kid) => self.by_kid.get(kid).cloned(),
            None if self.by_kid.len() + self.without_kid.len() == 1 => self
                .by_kid
                .values()
                .chain(&self.without_kid)
                .next()
                .cloned(),
            None => None,
        }
    }
}

/// Validates bearer JWTs against cached keys.
pub struct JwtValidator {
    settings: JwtSettings,
    source: Arc<dyn JwksSource>,
    validations: Vec<(Algorithm, Validation)>,
    keys: RwLock<KeyCache>,
    /// Serializes fetches; holds the time of the last refresh caused by an unknown key id.
    last_fetch: Mutex<Option<Instant>>,
    fetches: AtomicU64,
    /// Verified tokens by keyed fingerprint; entries of an older key-set generation are ignored.
    verified: RwLock<HashMap<[u8; 16], Verified>>,
    generation: AtomicU64,
}

impl fmt::Debug for JwtValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtValidator")
            .field("settings", &self.settings)
            .field("source", &self.source)
            .field("fetches", &self.fetches.load(Ordering::Relaxed))
            .finish()
    }
}

/// Whether an unknown `kid` may fetch keys inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fetch {
    /// Fetch on this thread (blocking).
    Inline,
    /// Report `JwtCheck::NeedKeys` so the caller refreshes on a blocking thread.
    Defer,
    /// Never fetch.
    Never,
}

pub(crate) enum JwtCheck {
    Denied(Denied),
    NeedKeys(Option<String>),
}

impl From<Denied> for JwtCheck {
    fn from(d: Denied) -> Self {
        JwtCheck::Denied(d)
    }
}

impl JwtValidator {
    /// A validator; keys are fetched on first use or by [`JwtValidator::refresh`].
    pub fn new(settings: JwtSettings, source: Arc<dyn JwksSource>) -> Result<Self, String> {
        if settings.issuers.is_empty() {
            return Err("no accepted JWT issuer is configured".into());
        }
        if settings.audiences.is_empty() {
            return Err("no accepted JWT audience is configured".into());
        }
        if settings.algorithms.is_empty() {
            return Err("no JWT algorithm is allowed".into());
        }
        let validations = settings
            .algorithms
            .iter()
            .map(|&alg| {
                let mut v = Validation::new(alg);
                v.leeway = settings.leeway_secs;
                v.validate_exp = true;
                v.validate_nbf = true;
                v.set_audience(&settings.audiences);
                v.set_issuer(&settings.issuers);
                v.set_required_spec_claims(&["exp", "iss", "aud"]);
                (alg, v)
            })
            .collect();
        Ok(JwtValidator {
            settings,
            source,
            validations,
            keys: RwLock::new(KeyCache::default()),
            last_fetch: Mutex::new(None),
            fetches: AtomicU64::new(0),
            verified: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
        })
    }

    /// The settings.
    pub fn settings(&self) -> &JwtSettings {
        &self.settings
    }

    /// How many times the key set was fetched (startup included).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Fetches the key set now and replaces the cache (keys that disappeared are dropped). Not
    /// rate-limited (startup, admin action); refreshes caused by unknown key ids are.
    pub fn refresh(&self) -> Result<usize, String> {
        let _serialized = self.last_fetch.lock().unwrap_or_else(|p| p.into_inner());
        self.fetch_now()
    }

    fn fetch_now(&self) -> Result<usize, String> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let set = self.source.fetch()?;
        let cache = KeyCache::from_set(&set);
        let n = cache.by_kid.len() + cache.without_kid.len();
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = cache;
        // A new key set may have dropped a key: stop trusting tokens verified with the old one.
        self.generation.fetch_add(1, Ordering::SeqCst);
        tracing::info!(keys = n, "JWKS loaded");
        Ok(n)
    }

    /// Refetches when `kid` is still unknown and the last refresh caused by an unknown key id is
    /// older than the refresh interval.
    pub(crate) fn refresh_for(&self, kid: Option<&str>) {
        let mut last = self.last_fetch.lock().unwrap_or_else(|p| p.into_inner());
        if self.lookup(kid).is_some() {
            return; // another request refreshed meanwhile
        }
        if last.is_some_and(|t| t.elapsed() < self.settings.refresh_interval) {
            return;
        }
        *last = Some(Instant::now());
        tracing::info!(kid = ?kid, "unknown JWT key id: refreshing the JWKS");
        if let Err(e) = self.fetch_now() {
            tracing::warn!(error = %e, "JWKS refresh failed");
        }
    }

    fn refresh_due(&self) -> bool {
        let last = self.last_fetch.lock().unwrap_or_else(|p| p.into_inner());
        !last.is_some_and(|t| t.elapsed() < self.settings.refresh_interval)
    }

    fn lookup(&self, kid: Option<&str>) -> Option<Arc<DecodingKey>> {
        self.keys
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .find(kid)
    }

    /// Validates `token`; `Ok` carries the caller's app id, if the token names one.
    pub fn validate(&self, token: &str) -> Result<Option<String>, crate::ClaimsError> {
        match self.check(token, Fetch::Inline) {
            Ok(app) => Ok(app),
            Err(JwtCheck::Denied(d)) => Err(d.into_error()),
            Err(JwtCheck::NeedKeys(_)) => {
                Err(Denied::unauthorized("unknown key id", Some(CHALLENGE_INVALID)).into_error())
            }
        }
    }

    pub(crate) fn check(&self, token: &str, fetch: Fetch) -> Result<Option<String>, JwtCheck> {
        let fingerprint = super::secrets::digest(token.as_bytes());
        if let Some(app) = self.cached(&fingerprint) {
            return Ok(app);
        }
        let Passed { app, exp, nbf } = self.check_fully(token, fetch)?;
        if let Some(exp) = exp {
            let mut cache = self.verified.write().unwrap_or_else(|p| p.into_inner());
            if cache.len() >= VERIFIED_MAX {
                cache.clear();
            }
            cache.insert(
                fingerprint,
                Verified {
                    app: app.clone(),
                    exp,
                    nbf,
                    generation: self.generation.load(Ordering::SeqCst),
                    at: Instant::now(),
                },
            );
        }
        Ok(app)
    }

    /// A cached verification that still holds: same key-set generation, within the TTL, and
    /// `exp`/`nbf` still satisfied (with the configured leeway).
    fn cached(&self, fingerprint: &[u8; 16]) -> Option<Option<String>> {
        let cache = self.verified.read().unwrap_or_else(|p| p.into_inner());
        let v = cache.get(fingerprint)?;
        let now = unix_now();
        let leeway = i64::try_from(self.settings.leeway_secs).unwrap_or(i64::MAX);
        let fresh = v.generation == self.generation.load(Ordering::SeqCst)
            && v.at.elapsed() < VERIFIED_TTL
            && now <= v.exp.saturating_add(leeway)
            && v.nbf.is_none_or(|nbf| now >= nbf.saturating_sub(leeway));
        fresh.then(|| v.app.clone())
    }

    fn check_fully(&self, token: &str, fetch: Fetch) -> Result<Passed, JwtCheck> {
        let invalid = |why: String| Denied::unauthorized_owned(why, Some(CHALLENGE_INVALID));
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| invalid(format!("malformed token or unsupported algorithm: {e}")))?;
        let Some((_, validation)) = self.validations.iter().find(|(a, _)| *a == header.alg) else {
            return Err(invalid(format!(
                "the token algorithm {:?} is not allowed",
                header.alg
            ))
            .into());
        };
        let kid = header.kid.as_deref();
        let key = match self.lookup(kid) {
            Some(k) => k,
            None => {
                match fetch {
                    Fetch::Inline => self.refresh_for(kid),
                    Fetch::Defer if self.refresh_due() => {
                        return Err(JwtCheck::NeedKeys(kid.map(str::to_owned)));
                    }
                    _ => {}
                }
                self.lookup(kid)
                    .ok_or_else(|| invalid(format!("no key for kid {kid:?} in the JWKS")))?
            }
        };
        let data = jsonwebtoken::decode::<CallerClaims>(token, &key, validation).map_err(|e| {
            let why = match e.kind() {
                JwtErrorKind::ExpiredSignature => "the token has expired".to_owned(),
                JwtErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".to_owned(),
                JwtErrorKind::InvalidAudience => "wrong audience".to_owned(),
                JwtErrorKind::InvalidIssuer => "wrong issuer".to_owned(),
                JwtErrorKind::InvalidSignature => "bad signature".to_owned(),
                other => format!("invalid token: {other:?}"),
            };
            invalid(why)
        })?;
        let app = data.claims.azp.or(data.claims.appid);
        if !self.settings.allowed_app_ids.is_empty()
            && !app.as_deref().is_some_and(|a| {
                self.settings
                    .allowed_app_ids
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(a))
            })
        {
            return Err(Denied::forbidden_owned(
                format!("caller app id {app:?} is not allowed"),
                Some(CHALLENGE_FORBIDDEN),
            )
            .into());
        }
        Ok(Passed {
            app,
            exp: data.claims.exp,
            nbf: data.claims.nbf,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls_and_responses() {
        let h = HttpJwks::new("http://127.0.0.1:8080/keys").unwrap();
        assert_eq!(
            (h.host.as_str(), h.port, h.path.as_str()),
            ("127.0.0.1", 8080, "/keys")
        );
        let h = HttpJwks::new("http://localhost").unwrap();
        assert_eq!((h.port, h.path.as_str()), (80, "/"));
        assert!(
            HttpJwks::new("https://login.microsoftonline.com/x")
                .unwrap_err()
                .contains("https")
        );
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_http_response(raw).unwrap(), b"abcde");
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(parse_http_response(raw).unwrap(), b"{}");
        assert!(parse_http_response(b"HTTP/1.1 404 Not Found\r\n\r\n").is_err());
    }
}
