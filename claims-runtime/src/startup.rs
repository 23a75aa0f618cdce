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
        if !matches!(auth.effective(spec), AuthSpec::None | AuthSpec::Inherit)
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
