//! Production-mode rules, checked in one place when a server starts (`App::server`, `serve`,
//! `serve_tls`, `into_tls_server` and the `serve` command), whatever order the builder was
//! called in.

use crate::config::ClaimsConfig;
use crate::descriptor::{AuthSpec, HandlerSpec};

/// Why `config` must not serve `specs` in production mode (empty outside production mode).
/// `tls` says whether the server terminates TLS itself.
///
/// | rule | override |
/// | --- | --- |
/// | no debug mode (`developerMessage`/`moreInfo` in bodies, `serve --debug`) | none |
/// | no plain HTTP | `allow_plain_http` (`CLAIMS_ALLOW_PLAIN_HTTP`) behind a TLS-terminating proxy, or `allow_insecure` |
/// | no handler with `AuthenticationType=None` | `allow_insecure` (`CLAIMS_ALLOW_INSECURE`) |
/// | no `idempotent` handler with `AuthenticationType=None` (anyone could fill its answer store and replay stored answers) | `allow_insecure` |
/// | JWT bearer tokens only from allow-listed caller apps (`CLAIMS_JWT_ALLOWED_APP_IDS`) | `CLAIMS_JWT_ALLOW_ANY_APP=true` (logged) |
/// | a usable [`IDEMPOTENCY_REDIS_URL`] when set (well-formed, in a binary built with the `redis` feature) | unset it |
///
/// ```
/// use claims_runtime::{ClaimsConfig, startup::production_problems};
///
/// let mut config = ClaimsConfig::default();
/// config.auth.production = true;
/// config.debug = true;
/// let problems = production_problems(&config, &[], true);
/// assert!(problems[0].contains("debug mode"));
/// ```
pub fn production_problems(
    config: &ClaimsConfig,
    specs: &[&HandlerSpec],
    tls: bool,
) -> Vec<String> {
    let auth = &config.auth;
    let mut problems = Vec::new();
    if !auth.production {
        return problems;
    }
    if config.debug {
        problems.push(
            "production mode refuses debug mode (it sends developer details in error bodies): remove --debug / App::debug(true)"
                .to_owned(),
        );
    }
    if !tls && !auth.allow_insecure && !auth.allow_plain_http {
        problems.push(
            "production mode refuses to serve plain HTTP: use serve_tls, or set allow_plain_http (CLAIMS_ALLOW_PLAIN_HTTP=true) behind a TLS-terminating proxy".to_owned(),
        );
    }
    if auth.jwt_accepts_any_app_silently() {
        // Named by the configured sources, so a renamed variable is named right.
        problems.push(format!(
            "production mode refuses JWT bearer tokens from any app: set {} to the caller client ids (azp/appid), or {}=true to accept any app of the tenant",
            auth.sources.jwt_allowed_app_ids.describe(),
            auth.sources.jwt_allow_any_app.describe()
        ));
    }
    for spec in specs {
        // An Entra-only handler is guarded by the Entra token preset, whatever its own scheme.
        let own_scheme = spec.serves(crate::Caller::B2cTechnicalProfile)
            || spec.serves(crate::Caller::ApiConnector);
        if !own_scheme
            || !matches!(auth.effective(spec), AuthSpec::None | AuthSpec::Inherit)
            || auth.allow_insecure
        {
            continue;
        }
        let tp = spec.technical_profile;
        problems.push(format!(
            "handler {tp} uses AuthenticationType None, which production mode refuses (set allow_insecure or CLAIMS_ALLOW_INSECURE=true to override)"
        ));
        if spec.idempotent {
            // Anyone who can call it can fill its answer store and read back the stored answer
            // of any request they can reproduce.
            problems.push(format!(
                "handler {tp} is idempotent without authentication, which production mode refuses: anyone could fill its answer store and replay its stored answers (give it an auth scheme, or set allow_insecure or CLAIMS_ALLOW_INSECURE=true to override)"
            ));
        }
    }
    problems
}

/// The variable naming a Redis shared by every instance for `idempotent` handlers
/// (`redis://[:password@]host[:port][/db]`, `rediss://` for TLS; feature `redis`).
pub const IDEMPOTENCY_REDIS_URL: &str = "CLAIMS_IDEMPOTENCY_REDIS_URL";

/// Reads [`IDEMPOTENCY_REDIS_URL`] through `lookup` when a server starts and installs the Redis
/// store it names, unless the app set a store in code ([`crate::App::idempotency_store`] wins).
/// Returns the problems that refuse the start: in production mode, a malformed URL or a binary
/// built without the `redis` feature (instances would silently stop sharing answers); outside
/// production both are warnings and the in-memory store stays.
pub(crate) fn idempotency_store_from_env(
    app: &mut crate::App,
    lookup: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let Some(url) = lookup(IDEMPOTENCY_REDIS_URL).filter(|u| !u.trim().is_empty()) else {
        return Vec::new();
    };
    if app.idempotency_in_code {
        tracing::info!(
            "{IDEMPOTENCY_REDIS_URL} ignored: the app sets its idempotency store in code"
        );
        return Vec::new();
    }
    #[cfg(feature = "redis")]
    let problem = match crate::idempotency::RedisStore::connect(url.trim()) {
        Ok(store) => {
            tracing::info!(
                redis = store.target(),
                "idempotent answers are shared through Redis"
            );
            *app = std::mem::take(app).idempotency_store(store);
            // Still the environment's store: a later start reads the variable again.
            app.idempotency_in_code = false;
            return Vec::new();
        }
        Err(e) => format!("{IDEMPOTENCY_REDIS_URL}: {e}"),
    };
    #[cfg(not(feature = "redis"))]
    let problem = {
        let _ = url;
        format!(
            "{IDEMPOTENCY_REDIS_URL} is set, but this binary was built without claims-runtime's `redis` feature: enable it, or unset the variable"
        )
    };
    if app.is_production() {
        vec![problem]
    } else {
        tracing::warn!("{problem}; idempotent answers stay in this instance's memory");
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(url: &'static str) -> impl Fn(&str) -> Option<String> {
        move |k| (k == IDEMPOTENCY_REDIS_URL).then(|| url.to_owned())
    }

    #[test]
    fn a_malformed_redis_url_refuses_production_only() {
        let mut dev = crate::App::empty();
        assert!(idempotency_store_from_env(&mut dev, env("http://nope")).is_empty());
        let mut prod = crate::App::empty().production(true);
        let problems = idempotency_store_from_env(&mut prod, env("redis://:pw@[::1"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(IDEMPOTENCY_REDIS_URL), "{problems:?}");
        assert!(!problems[0].contains("pw"), "{problems:?}");
        let mut unset = crate::App::empty().production(true);
        assert!(idempotency_store_from_env(&mut unset, |_| None).is_empty());
    }

    #[cfg(feature = "redis")]
    #[test]
    fn a_valid_url_installs_the_store_unless_one_is_set_in_code() {
        let mut app = crate::App::empty().production(true);
        assert!(idempotency_store_from_env(&mut app, env("redis://127.0.0.1:1/")).is_empty());
        // The installed store talks to Redis (nothing listens on port 1: the failure is counted).
        let before = crate::idempotency::shared_store_failures();
        let store = app.config().idempotency.clone();
        let key = crate::idempotency::IdempotencyKey::from_bytes([1; 32]);
        let claimed = actix_web::rt::System::new().block_on(store.claim(key));
        assert_eq!(claimed, crate::idempotency::Claimed::First);
        assert!(crate::idempotency::shared_store_failures() > before);
        let mut coded = crate::App::empty()
            .production(true)
            .idempotency_store(crate::idempotency::MemoryStore::default());
        assert!(idempotency_store_from_env(&mut coded, env("not a url")).is_empty());
    }

    #[cfg(not(feature = "redis"))]
    #[test]
    fn without_the_feature_production_refuses_a_redis_url() {
        let mut prod = crate::App::empty().production(true);
        let problems = idempotency_store_from_env(&mut prod, env("redis://127.0.0.1/"));
        assert!(problems[0].contains("`redis` feature"), "{problems:?}");
    }
}
