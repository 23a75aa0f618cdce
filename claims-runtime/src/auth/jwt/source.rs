//! Where keys come from: [`JwksSource`] and its implementations, OpenID discovery, and the rule
//! that remote key material travels over HTTPS only (plain `http://` only to loopback).

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;

/// Where the JSON Web Key Set comes from.
pub trait JwksSource: Send + Sync + fmt::Debug {
    /// Fetches the current key set. Called at startup, periodically and when a token names an
    /// unknown `kid` (rate-limited); it may block: it never runs on a request worker.
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

/// Largest JWKS or discovery document accepted (Entra's key set is about 10 KiB).
const MAX_DOCUMENT: u64 = 1024 * 1024;
/// Bound of one download, connection included.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// Checks that `url` is `https://`, or `http://` to a loopback host (127.0.0.0/8, `::1`,
/// `localhost`); `what` names the setting in the message.
pub fn check_url(url: &str, what: &str) -> Result<(), String> {
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e| format!("{what}: {url:?} is not a URL: {e}"))?;
    let host = uri
        .host()
        .ok_or_else(|| format!("{what}: the URL {url} has no host"))?;
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if is_loopback(host) => Ok(()),
        Some("http") => Err(format!(
            "{what}: {url} uses plain http to a host that is not loopback; keys must come over https (plain http is allowed only for 127.0.0.0/8, ::1 and localhost)"
        )),
        _ => Err(format!(
            "{what}: {url} is neither an https:// nor an http:// URL"
        )),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

/// The HTTP client: rustls (ring, as the server) with the webpki roots, https only and the
/// proxy from the environment; loopback gets its own agent without proxy or redirects.
fn agent(url: &str) -> &'static ureq::Agent {
    static HTTPS: OnceLock<ureq::Agent> = OnceLock::new();
    static LOOPBACK: OnceLock<ureq::Agent> = OnceLock::new();
    let base = || {
        ureq::Agent::config_builder()
            .timeout_global(Some(FETCH_TIMEOUT))
            .http_status_as_error(true)
            .user_agent(concat!("claims-runtime/", env!("CARGO_PKG_VERSION")))
    };
    if is_https(url) {
        HTTPS.get_or_init(|| base().https_only(true).max_redirects(3).build().into())
    } else {
        LOOPBACK.get_or_init(|| base().proxy(None).max_redirects(0).build().into())
    }
}

/// GETs a JSON document of at most [`MAX_DOCUMENT`] bytes.
fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, String> {
    let mut resp = agent(url)
        .get(url)
        .header("Accept", "application/json")
        .call()
        .map_err(|e| format!("cannot fetch {url}: {e}"))?;
    let body = resp
        .body_mut()
        .with_config()
        .limit(MAX_DOCUMENT)
        .read_to_vec()
        .map_err(|e| format!("cannot read the answer of {url}: {e}"))?;
    serde_json::from_slice(&body).map_err(|e| format!("the answer of {url} is not usable: {e}"))
}

/// A JWKS downloaded from an `https://` URL (or `http://` on loopback), such as Entra's
/// `https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys`.
#[derive(Debug, Clone)]
pub struct HttpJwks {
    url: String,
}

impl HttpJwks {
    /// Checks the URL (https, or http to loopback only).
    pub fn new(url: &str) -> Result<Self, String> {
        check_url(url, "the JWKS URL")?;
        Ok(HttpJwks {
            url: url.to_owned(),
        })
    }

    /// The URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl JwksSource for HttpJwks {
    fn fetch(&self) -> Result<JwkSet, String> {
        get_json(&self.url)
    }
}

/// What an OpenID Provider Configuration document says about tokens.
#[derive(Debug, Clone, Deserialize)]
pub struct OpenIdMetadata {
    /// The `iss` of the tokens this provider issues.
    pub issuer: String,
    /// Where its signing keys are published.
    pub jwks_uri: String,
}

/// Reads an OpenID configuration (`…/.well-known/openid-configuration`), checking that its
/// `jwks_uri` obeys the same https rule.
pub fn discover(metadata_url: &str) -> Result<OpenIdMetadata, String> {
    check_url(metadata_url, "the OpenID metadata URL")?;
    let m: OpenIdMetadata = get_json(metadata_url)?;
    if m.issuer.trim().is_empty() {
        return Err(format!(
            "the OpenID metadata at {metadata_url} has no issuer"
        ));
    }
    check_url(&m.jwks_uri, "the jwks_uri of the OpenID metadata")?;
    Ok(m)
}

/// A JWKS found through OpenID discovery; discovery runs again on each fetch, so a moved
/// `jwks_uri` is followed.
#[derive(Debug, Clone)]
pub struct DiscoveredJwks {
    metadata_url: String,
}

impl DiscoveredJwks {
    /// Checks the metadata URL (https, or http to loopback only).
    pub fn new(metadata_url: &str) -> Result<Self, String> {
        check_url(metadata_url, "the OpenID metadata URL")?;
        Ok(DiscoveredJwks {
            metadata_url: metadata_url.to_owned(),
        })
    }
}

impl JwksSource for DiscoveredJwks {
    fn fetch(&self) -> Result<JwkSet, String> {
        let m = discover(&self.metadata_url)?;
        get_json(&m.jwks_uri)
    }
}

/// Opens `location` as a JWKS source: an `https://` (or loopback `http://`) URL, else a file.
pub fn jwks_source_for(location: &str) -> Result<Arc<dyn JwksSource>, String> {
    let lower = location.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Ok(Arc::new(HttpJwks::new(location.trim())?))
    } else {
        Ok(Arc::new(FileJwks(PathBuf::from(location))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        for ok in [
            "https://login.microsoftonline.com/t/discovery/v2.0/keys",
            "HTTPS://example.com/keys",
            "http://127.0.0.1:8080/keys",
            "http://127.1.2.3/keys",
            "http://[::1]:9/keys",
            "http://localhost/keys",
            "http://LOCALHOST:1/keys",
        ] {
            assert!(check_url(ok, "x").is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/keys",
            "http://10.0.0.1/keys",
            "http://[::2]/keys",
            "http://localhost.example.com/keys",
            "ftp://127.0.0.1/keys",
            "/keys",
        ] {
            assert!(check_url(bad, "x").is_err(), "{bad}");
        }
    }
}
