//! Bearer JWT validation (`AuthenticationType=Bearer` with a Microsoft Entra token, static or from
//! `UseClaimAsBearerToken`): signature against a JWKS, `exp`/`nbf` with skew, `iss`, `aud`, the
//! caller's app id (`azp` in v2.0 tokens, `appid` in v1.0), optional app roles and an algorithm
//! allow-list.
//!
//! Keys come from a [`JwksSource`]: [`HttpJwks`] (https, or plain http to loopback only),
//! [`DiscoveredJwks`] (OpenID discovery), [`FileJwks`] or [`StaticJwks`]. They are refetched
//! periodically ([`JwtSettings::keys_refresh`]) so a withdrawn key stops being trusted, and when a
//! token names an unknown `kid` (at most once per [`JwtSettings::refresh_interval`]). Fetches run
//! on their own thread, one at a time; no lock is held while one runs, and a request waiting for
//! keys waits without blocking its worker.

pub mod entra;
mod source;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock, Weak};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::jwk::{JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::Denied;
use super::bearer::{CHALLENGE_FORBIDDEN, CHALLENGE_INVALID};

pub use source::{
    DiscoveredJwks, FileJwks, HttpJwks, JwksSource, OpenIdMetadata, StaticJwks, check_url,
    discover, jwks_source_for,
};

/// What a valid token must satisfy.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// Accepted `iss` values (e.g. `https://login.microsoftonline.com/{tid}/v2.0` and/or
    /// `https://sts.windows.net/{tid}/`).
    pub issuers: Vec<String>,
    /// Accepted `aud` values (App ID URI and/or client id of this API).
    pub audiences: Vec<String>,
    /// Caller client ids accepted in `azp` (v2.0) or `appid` (v1.0). When set, a token naming
    /// no app is refused. Empty: any app of the tenant (production refuses to start unless
    /// [`JwtSettings::allow_any_app`]).
    pub allowed_app_ids: Vec<String>,
    /// Explicit opt-out of the app allow-list in production (logged at warn at startup).
    pub allow_any_app: bool,
    /// When set, the `roles` claim must contain at least one of these (403 otherwise).
    pub required_roles: Vec<String>,
    /// Accepted `alg` values (default RS256). `none` can never be accepted.
    pub algorithms: Vec<Algorithm>,
    /// Clock skew allowed for `exp` and `nbf`, in seconds (default 60).
    pub leeway_secs: u64,
    /// Minimum time between two JWKS fetches triggered by unknown key ids (default 30 s).
    pub refresh_interval: Duration,
    /// Time between two periodic JWKS fetches (default 1 hour, at most 24 hours).
    pub keys_refresh: Duration,
}

/// Longest allowed [`JwtSettings::keys_refresh`].
pub const MAX_KEYS_REFRESH: Duration = Duration::from_secs(24 * 3600);

impl Default for JwtSettings {
    fn default() -> Self {
        JwtSettings {
            issuers: Vec::new(),
            audiences: Vec::new(),
            allowed_app_ids: Vec::new(),
            allow_any_app: false,
            required_roles: Vec::new(),
            algorithms: vec![Algorithm::RS256],
            leeway_secs: 60,
            refresh_interval: Duration::from_secs(30),
            keys_refresh: Duration::from_secs(3600),
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
    /// Kept loose: a `roles` that is not an array of strings grants no role (403, not 401).
    #[serde(default)]
    roles: Option<serde_json::Value>,
}

/// A token that passed full validation. B2C sends the same access token on every call for its
/// lifetime, so a hit skips the signature check.
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

/// State of the key fetches: at most one in flight, the rate limit of the ones caused by
/// unknown key ids, and who waits for the current one. Locked only briefly, never across I/O.
#[derive(Default)]
struct Flight {
    in_flight: bool,
    /// Completed fetches (successful or not).
    done: u64,
    last_error: Option<String>,
    last_kid_fetch: Option<Instant>,
    wakers: Vec<Waker>,
}

/// Tells the periodic refresher to stop (set when the validator is dropped).
#[derive(Default)]
struct Stop {
    stopped: Mutex<bool>,
    cv: Condvar,
}

struct Inner {
    settings: JwtSettings,
    source: Arc<dyn JwksSource>,
    validations: Vec<(Algorithm, Validation)>,
    keys: RwLock<KeyCache>,
    /// The last key set installed, to tell whether a refresh changed anything.
    last_set: Mutex<Option<JwkSet>>,
    flight: Mutex<Flight>,
    flight_done: Condvar,
    fetches: AtomicU64,
    /// Verified tokens by keyed fingerprint; entries of an older key-set generation are ignored.
    verified: RwLock<HashMap<[u8; 16], Verified>>,
    generation: AtomicU64,
    stop: Arc<Stop>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        *self.stop.stopped.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.stop.cv.notify_all();
    }
}

/// Validates bearer JWTs against cached keys. Cloning shares the keys and caches.
#[derive(Clone)]
pub struct JwtValidator {
    inner: Arc<Inner>,
}

impl fmt::Debug for JwtValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtValidator")
            .field("settings", &self.inner.settings)
            .field("source", &self.inner.source)
            .field("fetches", &self.fetch_count())
            .finish()
    }
}

/// Whether an unknown `kid` may fetch keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fetch {
    /// Fetch and wait on this thread (blocking).
    Inline,
    /// Report `JwtCheck::NeedKeys` so the caller waits for the fetch asynchronously.
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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl JwtValidator {
    /// A validator; keys are fetched by [`JwtValidator::refresh`] (or on first use), then every
    /// [`JwtSettings::keys_refresh`] by a background thread that ends with the validator.
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
        if settings.keys_refresh.is_zero() || settings.keys_refresh > MAX_KEYS_REFRESH {
            return Err("the JWKS refresh period must be between 1 second and 24 hours".into());
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
        let stop = Arc::new(Stop::default());
        let inner = Arc::new(Inner {
            settings,
            source,
            validations,
            keys: RwLock::new(KeyCache::default()),
            last_set: Mutex::new(None),
            flight: Mutex::new(Flight::default()),
            flight_done: Condvar::new(),
            fetches: AtomicU64::new(0),
            verified: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            stop: stop.clone(),
        });
        spawn_periodic(Arc::downgrade(&inner), stop, inner.settings.keys_refresh)?;
        Ok(JwtValidator { inner })
    }

    /// The settings.
    pub fn settings(&self) -> &JwtSettings {
        &self.inner.settings
    }

    /// How many times a key-set fetch was started (startup included).
    pub fn fetch_count(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    /// Fetches the key set now (or waits for the fetch already running) and replaces the cache:
    /// keys that disappeared are dropped. Blocks the calling thread; not rate-limited (startup,
    /// admin action).
    pub fn refresh(&self) -> Result<usize, String> {
        let target = self.inner.join_or_fetch_here();
        let f = self.inner.wait_done(target);
        match &f.last_error {
            Some(e) => Err(e.clone()),
            None => {
                let keys = self.inner.keys.read().unwrap_or_else(|p| p.into_inner());
                Ok(keys.by_kid.len() + keys.without_kid.len())
            }
        }
    }

    /// Waits, on this thread, for keys that know `kid`: joins the fetch in flight, or starts
    /// one unless the rate limit forbids it.
    pub(crate) fn refresh_for(&self, kid: Option<&str>) {
        if let Some(target) = self.inner.target_for(kid) {
            drop(self.inner.wait_done(target));
        }
    }

    /// Like [`JwtValidator::refresh_for`] but waits asynchronously: the worker keeps serving
    /// other requests while the fetch runs on its own thread.
    pub(crate) fn refresh_for_async(&self, kid: Option<&str>) -> impl Future<Output = ()> + use<> {
        let target = self.inner.target_for(kid);
        let inner = self.inner.clone();
        std::future::poll_fn(move |cx| {
            let Some(target) = target else {
                return Poll::Ready(());
            };
            let mut f = lock(&inner.flight);
            if f.done >= target {
                return Poll::Ready(());
            }
            if !f.wakers.iter().any(|w| w.will_wake(cx.waker())) {
                f.wakers.push(cx.waker().clone());
            }
            Poll::Pending
        })
    }

    /// Validates `token`; `Ok` carries the caller's app id, if the token names one. An unknown
    /// `kid` waits for a key fetch on this thread.
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
        let inner = &*self.inner;
        let fingerprint = super::secrets::digest(token.as_bytes());
        if let Some(app) = inner.cached(&fingerprint) {
            return Ok(app);
        }
        // Read before verifying: a refresh during the check makes this entry stale, not wrong.
        let generation = inner.generation.load(Ordering::SeqCst);
        let Passed { app, exp, nbf } = self.check_fully(token, fetch)?;
        if let Some(exp) = exp {
            let mut cache = inner.verified.write().unwrap_or_else(|p| p.into_inner());
            if cache.len() >= VERIFIED_MAX {
                cache.clear();
            }
            cache.insert(
                fingerprint,
                Verified {
                    app: app.clone(),
                    exp,
                    nbf,
                    generation,
                    at: Instant::now(),
                },
            );
        }
        Ok(app)
    }

    fn check_fully(&self, token: &str, fetch: Fetch) -> Result<Passed, JwtCheck> {
        let inner = &*self.inner;
        let invalid = |why: String| Denied::unauthorized_owned(why, Some(CHALLENGE_INVALID));
        let forbidden = |why: String| Denied::forbidden_owned(why, Some(CHALLENGE_FORBIDDEN));
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| invalid(format!("malformed token or unsupported algorithm: {e}")))?;
        let Some((_, validation)) = inner.validations.iter().find(|(a, _)| *a == header.alg) else {
            return Err(invalid(format!(
                "the token algorithm {:?} is not allowed",
                header.alg
            ))
            .into());
        };
        let kid = header.kid.as_deref();
        let key = match inner.lookup(kid) {
            Some(k) => k,
            None => {
                match fetch {
                    Fetch::Inline => self.refresh_for(kid),
                    Fetch::Defer if inner.fetch_possible() => {
                        return Err(JwtCheck::NeedKeys(kid.map(str::to_owned)));
                    }
                    _ => {}
                }
                inner
                    .lookup(kid)
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
        let claims = data.claims;
        let app = claims.azp.or(claims.appid).filter(|a| !a.is_empty());
        let allowed = &inner.settings.allowed_app_ids;
        if !allowed.is_empty() {
            match &app {
                None => {
                    return Err(
                        forbidden("the token names no caller app (azp/appid)".into()).into(),
                    );
                }
                Some(a) if !allowed.iter().any(|x| x.eq_ignore_ascii_case(a)) => {
                    return Err(forbidden(format!("caller app id {a:?} is not allowed")).into());
                }
                Some(_) => {}
            }
        }
        let required = &inner.settings.required_roles;
        if !required.is_empty() {
            let has = claims
                .roles
                .as_ref()
                .and_then(serde_json::Value::as_array)
                .is_some_and(|roles| {
                    roles
                        .iter()
                        .filter_map(serde_json::Value::as_str)
                        .any(|r| required.iter().any(|x| x == r))
                });
            if !has {
                return Err(forbidden("the token has none of the required roles".into()).into());
            }
        }
        Ok(Passed {
            app,
            exp: claims.exp,
            nbf: claims.nbf,
        })
    }
}

impl Inner {
    fn lookup(&self, kid: Option<&str>) -> Option<Arc<DecodingKey>> {
        self.keys
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .find(kid)
    }

    /// Whether a request with an unknown `kid` may wait for keys: a fetch is running or the
    /// rate limit allows one.
    fn fetch_possible(&self) -> bool {
        let f = lock(&self.flight);
        f.in_flight || !self.rate_limited(&f)
    }

    fn rate_limited(&self, f: &Flight) -> bool {
        f.last_kid_fetch
            .is_some_and(|t| t.elapsed() < self.settings.refresh_interval)
    }

    /// The fetch count to wait for so that `kid` may be known, or `None` when no fetch will
    /// come (the key is known by now, or the rate limit forbids a fetch).
    fn target_for(self: &Arc<Self>, kid: Option<&str>) -> Option<u64> {
        let target = {
            let mut f = lock(&self.flight);
            if self.lookup(kid).is_some() {
                return None; // another request's fetch brought it
            }
            if f.in_flight {
                return Some(f.done + 1);
            }
            if self.rate_limited(&f) {
                return None;
            }
            f.last_kid_fetch = Some(Instant::now());
            f.in_flight = true;
            f.done + 1
        };
        tracing::info!(kid = ?kid, "unknown JWT key id: refreshing the JWKS");
        self.launch();
        Some(target)
    }

    /// Joins the fetch in flight, or runs one on this thread; returns the `done` count that
    /// marks its end.
    fn join_or_fetch_here(&self) -> u64 {
        let target = {
            let mut f = lock(&self.flight);
            if f.in_flight {
                return f.done + 1;
            }
            f.in_flight = true;
            f.done + 1
        };
        self.fetches.fetch_add(1, Ordering::Relaxed);
        self.fetch_and_install();
        target
    }

    /// Runs a fetch on its own thread (the caller has set `in_flight`).
    fn launch(self: &Arc<Self>) {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let me = self.clone();
        let spawned = std::thread::Builder::new()
            .name("jwks-fetch".into())
            .spawn(move || me.fetch_and_install());
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot start a JWKS fetch thread");
            self.finish(Some(format!("cannot start a JWKS fetch thread: {e}")));
        }
    }

    /// Blocks until the fetch count reaches `target`.
    fn wait_done(&self, target: u64) -> std::sync::MutexGuard<'_, Flight> {
        let mut f = lock(&self.flight);
        while f.done < target {
            f = self.flight_done.wait(f).unwrap_or_else(|p| p.into_inner());
        }
        f
    }

    /// Runs the source (no lock held), installs the keys, wakes the waiters.
    fn fetch_and_install(&self) {
        let result = self.source.fetch();
        let error = match result {
            Ok(set) => {
                self.install(set);
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "JWKS fetch failed; keeping the keys in force");
                Some(e)
            }
        };
        self.finish(error);
    }

    fn install(&self, set: JwkSet) {
        let mut last = lock(&self.last_set);
        if last.as_ref() == Some(&set) {
            return; // unchanged: cached verifications stay valid
        }
        let cache = KeyCache::from_set(&set);
        let n = cache.by_kid.len() + cache.without_kid.len();
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = cache;
        // A new key set may have dropped a key: stop trusting tokens verified with the old one.
        self.generation.fetch_add(1, Ordering::SeqCst);
        *last = Some(set);
        tracing::info!(keys = n, "JWKS loaded");
    }

    fn finish(&self, error: Option<String>) {
        let wakers = {
            let mut f = lock(&self.flight);
            f.in_flight = false;
            f.done += 1;
            f.last_error = error;
            std::mem::take(&mut f.wakers)
        };
        self.flight_done.notify_all();
        for w in wakers {
            w.wake();
        }
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
}

/// The periodic refresher: holds only a weak reference, and ends when the validator is dropped.
fn spawn_periodic(inner: Weak<Inner>, stop: Arc<Stop>, every: Duration) -> Result<(), String> {
    std::thread::Builder::new()
        .name("jwks-refresh".into())
        .spawn(move || {
            loop {
                let stopped = lock(&stop.stopped);
                let (stopped, _) = stop
                    .cv
                    .wait_timeout_while(stopped, every, |s| !*s)
                    .unwrap_or_else(|p| p.into_inner());
                if *stopped {
                    return;
                }
                drop(stopped);
                let Some(inner) = inner.upgrade() else { return };
                // Joined a running fetch: wait for it so fetches are not stacked.
                let target = inner.join_or_fetch_here();
                drop(inner.wait_done(target));
            }
        })
        .map(|_| ())
        .map_err(|e| format!("cannot start the JWKS refresh thread: {e}"))
}
