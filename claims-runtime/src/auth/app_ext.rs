//! Authentication and TLS methods of the [`App`] builder.

use std::net::TcpListener;
#[cfg(feature = "jwt")]
use std::sync::Arc;

use crate::App;
use crate::app::StartupError;
use crate::descriptor::AuthSpec;

use super::dev::DevCredentials;
#[cfg(feature = "jwt")]
use super::jwt::JwksSource;
use super::tls::{ClientAuth, TlsSettings};
use super::{AuthConfig, peer_cert_on_connect};

impl App {
    /// Adjusts the authentication settings in place.
    pub fn auth(mut self, f: impl FnOnce(&mut AuthConfig)) -> Self {
        f(&mut self.config_mut().auth);
        self
    }

    /// Production mode: the rules of [`crate::startup::production_problems`] (no debug mode, no
    /// plain HTTP, no `AuthenticationType=None` handlers), checked when the server starts,
    /// whenever this is called.
    pub fn production(mut self, on: bool) -> Self {
        self.config_mut().auth.production = on;
        self
    }

    /// Overrides the production-mode refusals (plain HTTP, `None` handlers).
    pub fn allow_insecure(mut self, on: bool) -> Self {
        self.config_mut().auth.allow_insecure = on;
        self
    }

    /// Accepts client certificates from the `X-ARR-ClientCert` header (Azure App Service TLS
    /// termination only).
    pub fn trust_arr_client_cert(mut self, on: bool) -> Self {
        self.config_mut().auth.trust_arr_client_cert = on;
        self
    }

    /// Uses these Basic credentials (dev mode, from
    /// [`super::generate_dev_basic_credentials`]) instead of the environment.
    pub fn basic_credentials(mut self, creds: &DevCredentials) -> Self {
        self.config_mut()
            .auth
            .use_basic_credentials(&creds.username, &creds.password);
        self
    }

    #[cfg(feature = "jwt")]
    /// Uses this JWKS source instead of `CLAIMS_JWT_JWKS`.
    pub fn jwks_source(mut self, source: Arc<dyn JwksSource>) -> Self {
        self.config_mut().auth.jwks = Some(source);
        self
    }

    /// Resolves the secrets of every mounted handler from `env` (see [`AuthConfig::resolve`]).
    pub fn resolve_auth(
        &mut self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<(), StartupError> {
        let specs = self.specs();
        self.config_mut()
            .auth
            .resolve(specs.iter().copied(), env)
            .map_err(|e| StartupError(e.0))
    }

    /// Validates, then serves HTTPS on `addr` until the process is stopped. Handlers using
    /// `ClientCertificate` get [`ClientAuth::AnyCertificate`] unless `tls` says otherwise (the
    /// guard verifies dates, chain and allow-list per request either way).
    pub async fn serve_tls(self, addr: &str, tls: TlsSettings) -> std::io::Result<()> {
        let listener = TcpListener::bind(addr)?;
        self.into_tls_server(listener, tls)?.await
    }

    /// Validates and builds an HTTPS server on `listener` without running it (tests: stop it
    /// through `server.handle()`).
    pub fn into_tls_server(
        mut self,
        listener: TcpListener,
        mut tls: TlsSettings,
    ) -> std::io::Result<actix_web::dev::Server> {
        prepare(&mut self, true)?;
        self.validate()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        let auth = &self.config().auth;
        let needs_cert = self
            .specs()
            .iter()
            .any(|s| auth.effective(s) == AuthSpec::ClientCertificate);
        if needs_cert && tls.client_auth.is_none() {
            tls.client_auth = Some(ClientAuth::AnyCertificate);
        }
        let server_config = tls.server_config()?;
        let limits = self.server_limits().clone();
        let conf = self.into_configurator();
        // The metrics server lives as long as this server's workers (see `App::server`).
        let metrics = conf.metrics_guard();
        let held = metrics.clone();
        let metrics_conf = conf.clone();
        let http = crate::app::apply_limits!(
            actix_web::HttpServer::new(move || {
                let _ = &held;
                actix_web::App::new().configure(|c| conf.configure(c))
            }),
            &limits
        );
        let http = http
            .on_connect(peer_cert_on_connect)
            .listen_rustls_0_23(listener, server_config)?;
        metrics_conf.start_metrics(&metrics)?;
        Ok(http.run())
    }
}

/// Startup checks shared by every way of serving (`server`, `serve`, `serve_tls`,
/// `into_tls_server`, the `serve` command): resolves secrets from the process environment (unless
/// already resolved), then applies every production rule
/// ([`crate::startup::production_problems`]) to the configuration as it is now, so the order of
/// the builder calls does not matter.
pub(crate) fn prepare(app: &mut App, tls: bool) -> std::io::Result<()> {
    let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, m);
    if !app.config_mut().auth.is_resolved() {
        app.resolve_auth(|k| std::env::var(k).ok())
            .map_err(|e| invalid(e.to_string()))?;
    }
    // Auth resolved earlier from another source still honours the process's production switch.
    if super::production_from_env() {
        app.config_mut().auth.production = true;
    }
    let mut problems = crate::startup::idempotency_store_from_env(app, |k| std::env::var(k).ok());
    problems.extend(crate::startup::production_problems(
        app.config(),
        &app.specs(),
        tls,
    ));
    if !problems.is_empty() {
        return Err(invalid(StartupError(problems).to_string()));
    }
    let auth = &app.config().auth;
    if !tls && !auth.trust_arr_client_cert {
        for s in app.specs() {
            if auth.effective(s) == AuthSpec::ClientCertificate {
                tracing::warn!(
                    technical_profile = s.technical_profile,
                    "ClientCertificate handler served over plain HTTP without trust_arr_client_cert: every call will answer 401"
                );
            }
        }
    }
    Ok(())
}
