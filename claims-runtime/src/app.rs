//! The app builder: collects every `#[claims_handler]` of the binary, mounts them on actix-web,
//! and runs the command line (`serve`, `policy`, `list`).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::Method;
use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse, Route};

use crate::callers::adapter::CallerMark;
use crate::config::ClaimsConfig;
use crate::descriptor::{AuthSpec, Caller, CallerRoute, HandlerSpec, SendClaimsIn};
use crate::error::{ClaimsError, ids};
use crate::l10n::CatalogError;
use crate::observe::RouteInfo;
use crate::request::{error_http, render_body};

/// One handler, registered by `#[claims_handler]` through `inventory`.
pub struct Registration {
    /// The descriptor.
    pub spec: &'static HandlerSpec,
    /// Builds the actix route (method guard added by the app).
    pub route: fn() -> Route,
}

inventory::collect!(Registration);

/// Every handler linked into this binary, sorted by technical profile id.
pub fn registered() -> Vec<&'static Registration> {
    // Placed by insertion, after those with the same key (a `sort` call here compiled 10 KB of
    // start-up code for a few handlers).
    let key = |r: &Registration| (r.spec.technical_profile, r.spec.path);
    let mut all: Vec<&'static Registration> = Vec::new();
    for r in inventory::iter::<Registration> {
        let at = all.partition_point(|x| key(x) <= key(r));
        all.insert(at, r);
    }
    all
}

/// A configuration problem found before serving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupError(pub Vec<String>);

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the claims app cannot start:")?;
        for p in &self.0 {
            writeln!(f, "  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StartupError {}

type DataFn = Arc<dyn Fn(&mut ServiceConfig) + Send + Sync>;
type ReadyFn = Arc<dyn Fn() -> bool + Send + Sync>;

/// Limits that protect the process, applied alike to plain HTTP ([`App::server`]) and HTTPS
/// ([`App::into_tls_server`]). The defaults are far above anything B2C sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLimits {
    /// Open connections per worker (actix default 25,000).
    pub max_connections: usize,
    /// Time a client has to send the request head (slow-client protection; also the TLS
    /// handshake limit). A late head is answered 408 and the connection closed.
    pub client_request_timeout: Duration,
    /// Time a client has to send the whole request body once a handler starts reading it
    /// (default 5 s, under B2C's 10 s timeout). A late body is answered 408 with the contract
    /// error body and the connection closed.
    pub body_read_timeout: Duration,
    /// Time to wait for a client to close after the response.
    pub client_disconnect_timeout: Duration,
    /// Idle keep-alive.
    pub keep_alive: Duration,
    /// On SIGTERM/SIGINT: stop accepting, let in-flight requests finish for at most this long.
    pub shutdown_grace: Duration,
    /// Worker threads (default: one per core).
    pub workers: Option<usize>,
    /// How often freed heap memory is handed back to the OS (Linux with glibc, whose allocator
    /// otherwise keeps what thousands of slow connections used); `None` never does. Default 30 s.
    pub memory_trim_interval: Option<Duration>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_connections: 25_000,
            client_request_timeout: Duration::from_secs(5),
            body_read_timeout: crate::config::DEFAULT_BODY_READ_TIMEOUT,
            client_disconnect_timeout: Duration::from_secs(1),
            keep_alive: Duration::from_secs(75),
            // B2C gives up after 10 s; a request still running after 15 s has no caller left.
            shutdown_grace: Duration::from_secs(15),
            workers: None,
            memory_trim_interval: Some(Duration::from_secs(30)),
        }
    }
}

/// Builds a service from the registered handlers.
///
/// ```no_run
/// use claims_runtime::App;
///
/// #[actix_web::main]
/// async fn main() -> std::io::Result<()> {
///     // `serve` (default), `policy --base-url …`, or `list`, from the command line.
///     App::new().debug(true).run().await
/// }
/// ```
pub struct App {
    config: ClaimsConfig,
    handlers: Vec<&'static Registration>,
    data: Vec<DataFn>,
    errors: Vec<String>,
    limits: ServerLimits,
    health: bool,
    ready: Vec<(String, ReadyFn)>,
    pub(crate) version: Option<String>,
    pub(crate) openapi: Option<crate::openapi::OpenApiOptions>,
    observe: crate::observe::Settings,
    /// Set by [`App::idempotency_store`]: the store in code wins over `CLAIMS_IDEMPOTENCY_REDIS_URL`.
    pub(crate) idempotency_in_code: bool,
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config)
            .field(
                "handlers",
                &self
                    .handlers
                    .iter()
                    .map(|r| r.spec.technical_profile)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl App {
    /// An app with every handler linked into the binary.
    pub fn new() -> Self {
        App {
            config: ClaimsConfig::default(),
            handlers: registered(),
            data: Vec::new(),
            errors: Vec::new(),
            limits: ServerLimits::default(),
            health: true,
            ready: Vec::new(),
            version: None,
            openapi: Some(Default::default()),
            observe: crate::observe::Settings::default(),
            idempotency_in_code: false,
        }
    }

    /// An app with no handlers; add them with [`App::handler`].
    pub fn empty() -> Self {
        App {
            handlers: Vec::new(),
            ..App::new()
        }
    }

    /// Adds one handler by its descriptor (`App::empty().handler(get_membership::SPEC)`).
    pub fn handler(mut self, spec: &'static HandlerSpec) -> Self {
        match inventory::iter::<Registration>
            .into_iter()
            .find(|r| std::ptr::eq(r.spec, spec))
        {
            Some(r) if !self.handlers.iter().any(|h| std::ptr::eq(h.spec, spec)) => {
                self.handlers.push(r)
            }
            Some(_) => {}
            None => self.errors.push(format!(
                "{} is not registered (is its crate linked into this binary?)",
                spec.technical_profile
            )),
        }
        self
    }

    /// The version `--version` prints: pass your binary's `env!("CARGO_PKG_VERSION")` (default:
    /// the version of `claims-runtime`).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Development Basic credentials: when the app is not in production, a mounted handler uses
    /// Basic, and neither the user name nor the password is configured (no `CLAIMS_BASIC_USERNAME`,
    /// `CLAIMS_BASIC_PASSWORD` or their `_FILE` variants, nothing set in code), generates random
    /// ones, installs them and returns them for printing. `None` otherwise (always in
    /// production). `serve` calls this and prints them once to standard error.
    pub fn dev_basic_credentials(&mut self) -> Option<crate::auth::DevCredentials> {
        if self.is_production() {
            return None;
        }
        let auth = &self.config.auth;
        let uses_basic = self
            .handlers
            .iter()
            .any(|r| auth.effective(r.spec) == AuthSpec::Basic);
        let unset = |source: &crate::auth::SecretSource| match source {
            crate::auth::SecretSource::Env(name) => {
                std::env::var_os(name.as_ref()).is_none()
                    && std::env::var_os(format!("{name}_FILE")).is_none()
            }
            crate::auth::SecretSource::Unset => true,
            _ => false,
        };
        if !uses_basic
            || !unset(&auth.sources.basic_username)
            || !unset(&auth.sources.basic_password)
        {
            return None;
        }
        let creds = crate::auth::generate_dev_basic_credentials();
        self.config
            .auth
            .use_basic_credentials(&creds.username, &creds.password);
        Some(creds)
    }

    /// Sends `developerMessage`/`moreInfo` in error bodies (never authentication failure
    /// reasons, which only go to the log). Refused at startup in production mode.
    pub fn debug(mut self, on: bool) -> Self {
        self.config.debug = on;
        self
    }

    /// The `version` of error bodies (default `1.0.0`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.config.api_version = version.into().into();
        self
    }

    /// The largest accepted body in bytes (default 1 MiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// The deadline of handlers that declare none (default 8 s).
    pub fn default_deadline(mut self, d: Duration) -> Self {
        self.config.default_deadline_ms = u32::try_from(d.as_millis()).unwrap_or(u32::MAX);
        self
    }

    /// The authentication scheme for handlers that declare none.
    pub fn default_auth(mut self, auth: AuthSpec) -> Self {
        self.config.auth.default = auth;
        self
    }

    /// Adds Fluent messages for a language. A syntax error is reported at startup.
    pub fn messages(mut self, lang: &str, ftl: &str) -> Self {
        if let Err(CatalogError(e)) = self.config.localizer.add_messages(lang, ftl) {
            self.errors.push(e);
        }
        self
    }

    /// Shares application data (`web::Data<T>`) with every handler.
    pub fn app_data<T: Send + Sync + 'static>(mut self, data: web::Data<T>) -> Self {
        self.data.push(Arc::new(move |cfg: &mut ServiceConfig| {
            cfg.app_data(data.clone());
        }));
        self
    }

    /// Adds routes of your own next to the handlers (runs once per worker).
    pub fn configure(mut self, f: impl Fn(&mut ServiceConfig) + Send + Sync + 'static) -> Self {
        self.data.push(Arc::new(f));
        self
    }

    /// Server limits (connections, slow clients, keep-alive, shutdown grace, workers).
    pub fn limits(mut self, limits: ServerLimits) -> Self {
        self.config.body_read_timeout = limits.body_read_timeout;
        self.limits = limits;
        self
    }

    /// The server limits in force.
    pub fn server_limits(&self) -> &ServerLimits {
        &self.limits
    }

    /// Whether the app runs in production mode: [`App::production`], or `CLAIMS_PRODUCTION` set to
    /// `1`, `true`, `yes` or `on` (the reading [`crate::auth::production_from_env`] makes).
    pub fn is_production(&self) -> bool {
        self.config.auth.production || crate::auth::production_from_env()
    }

    /// Serve `/healthz` (liveness) and `/readyz` (readiness); on by default.
    pub fn health_endpoints(mut self, on: bool) -> Self {
        self.health = on;
        self
    }

    /// A readiness check: `/readyz` answers 503 naming the checks that return `false`.
    pub fn readiness_check(
        mut self,
        name: impl Into<String>,
        check: impl Fn() -> bool + Send + Sync + 'static,
    ) -> Self {
        self.ready.push((name.into(), Arc::new(check)));
        self
    }

    /// Serves Prometheus metrics at `GET /metrics` on this address, apart from the handlers
    /// (also `serve --metrics-bind` and `CLAIMS_METRICS_BIND`); off by default. The series are
    /// listed in [`crate::observe::metrics`].
    pub fn metrics_bind(mut self, addr: impl Into<String>) -> Self {
        self.observe.metrics_bind = Some(addr.into());
        self
    }

    /// Development aid: lets the reasons of refused requests quote claim values (a value that
    /// did not decode, the arguments of a user error). Refused at startup in production mode.
    pub fn log_claim_values(mut self, on: bool) -> Self {
        self.observe.log_claim_values = on;
        self
    }

    /// Wraps every route of the app (handlers, health checks, 404/405 answers) in an actix
    /// middleware that `make` builds, once per route and worker:
    /// `.wrap(|| DefaultHeaders::new().add(("X-Frame-Options", "DENY")))` or
    /// `.wrap(|| from_fn(my_middleware))`. The last one added runs first; the access log and
    /// metrics run outside all of them, so they see the final answer.
    pub fn wrap<F, M, B>(mut self, make: F) -> Self
    where
        F: Fn() -> M + Send + Sync + 'static,
        M: actix_web::dev::Transform<
                actix_service::boxed::BoxService<
                    actix_web::dev::ServiceRequest,
                    actix_web::dev::ServiceResponse,
                    actix_web::Error,
                >,
                actix_web::dev::ServiceRequest,
                Response = actix_web::dev::ServiceResponse<B>,
                Error = actix_web::Error,
                InitError = (),
            > + 'static,
        B: actix_web::body::MessageBody + 'static,
    {
        self.observe
            .wraps
            .push(Arc::new(move |route: Route| route.wrap(make())));
        self
    }

    /// Stores an idempotency store shared by every `idempotent` handler (default: in memory).
    pub fn idempotency_store(mut self, store: impl crate::idempotency::IdempotencyStore) -> Self {
        self.config.idempotency = Arc::new(store);
        self.idempotency_in_code = true;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &ClaimsConfig {
        &self.config
    }

    /// Mutable access to the configuration, for settings without a builder method.
    pub fn config_mut(&mut self) -> &mut ClaimsConfig {
        &mut self.config
    }

    /// The descriptors of the mounted handlers.
    pub fn specs(&self) -> Vec<&'static HandlerSpec> {
        self.handlers.iter().map(|r| r.spec).collect()
    }

    /// The descriptors of the handlers a B2C custom policy calls (those that serve `b2c`).
    pub fn b2c_specs(&self) -> Vec<&'static HandlerSpec> {
        self.handlers
            .iter()
            .map(|r| r.spec)
            .filter(|s| s.serves(Caller::B2cTechnicalProfile))
            .collect()
    }

    /// Every route of the app: (handler, caller route, HTTP method, path), B2C routes first
    /// within a handler, as `list` prints them.
    pub fn routes(
        &self,
    ) -> Vec<(
        &'static HandlerSpec,
        CallerRoute,
        &'static str,
        &'static str,
    )> {
        let mut out = Vec::new();
        for s in self.specs() {
            for c in s.callers {
                let method = match c {
                    CallerRoute::B2c => s.send_claims_in.http_method(),
                    _ => "POST",
                };
                let path = match c {
                    CallerRoute::B2c => s.path,
                    _ => c.path(s.route),
                };
                out.push((s, *c, method, path));
            }
        }
        out
    }

    /// The B2C policy XML for this app's handlers, written from the app's own settings so it
    /// cannot contradict the running service: handlers that inherit their authentication get
    /// the app's default scheme (whatever `opts.default_auth` says), and a production app
    /// exports a production policy.
    pub fn policy(
        &self,
        opts: crate::policy::PolicyOptions,
    ) -> Result<String, crate::policy::PolicyError> {
        crate::policy::export(&self.b2c_specs(), &self.policy_options(opts))
    }

    /// The Microsoft Graph document registering this app's API connector routes with a B2C
    /// tenant (`identityApiConnector` bodies, secrets as `{{placeholders}}`, and the user-flow
    /// attachments): what `<app> api-connectors --base-url URL` writes.
    pub fn api_connectors_document(
        &self,
        base_url: &str,
        user_flow: Option<&str>,
    ) -> Result<String, claims_export::graph::GraphError> {
        use claims_export::graph::{ApiConnectorAuth, ApiConnectorBinding, Binding};
        let base = base_url.trim_end_matches('/');
        let entries: Vec<(&HandlerSpec, Vec<Binding>)> = self
            .specs()
            .into_iter()
            .filter(|s| s.serves(Caller::ApiConnector))
            .map(|s| {
                let auth = match self.config.auth.effective(s) {
                    AuthSpec::ClientCertificate => ApiConnectorAuth::ClientCertificate,
                    _ => ApiConnectorAuth::Basic,
                };
                let bindings = s
                    .callers
                    .iter()
                    .filter_map(|c| match c {
                        CallerRoute::ApiConnector { step, path } => {
                            let mut b = ApiConnectorBinding::new(*step, format!("{base}{path}"))
                                .with_auth(auth);
                            if let Some(f) = user_flow {
                                b = b.with_user_flow(f);
                            }
                            Some(Binding::from(b))
                        }
                        _ => None,
                    })
                    .collect();
                (s, bindings)
            })
            .collect();
        claims_export::graph::render_app(&entries)
    }

    /// The Microsoft Graph document registering this app's Entra routes as custom
    /// authentication extensions of the app registration `app_id` (the extension per event,
    /// its listener, the claims-mapping policy of TokenIssuanceStart claims and the
    /// app-registration patch): what `<app> entra --base-url URL --app-id GUID` writes.
    /// `migration_property` is PasswordSubmit's Boolean directory extension (a placeholder when
    /// `None`); OtpSend listeners fall back to Microsoft's email when the handler fails.
    pub fn entra_document(
        &self,
        base_url: &str,
        app_id: &str,
        migration_property: Option<&str>,
    ) -> Result<String, claims_export::graph::GraphError> {
        use claims_export::graph::{Binding, EntraBinding};
        let base = base_url.trim_end_matches('/');
        let entries: Vec<(&HandlerSpec, Vec<Binding>)> = self
            .specs()
            .into_iter()
            .filter(|s| s.serves(Caller::EntraExtension))
            .map(|s| {
                let bindings = s
                    .callers
                    .iter()
                    .filter_map(|c| match c {
                        CallerRoute::Entra { event, path } => {
                            let mut b = EntraBinding::new(*event, format!("{base}{path}"), app_id)
                                .with_fallback_on_error(true);
                            if *event == crate::EntraEvent::PasswordSubmit {
                                b = b.with_migration_property(
                                    migration_property.unwrap_or("{{migrationPropertyId}}"),
                                );
                            }
                            Some(Binding::from(b))
                        }
                        _ => None,
                    })
                    .collect();
                (s, bindings)
            })
            .collect();
        claims_export::graph::render_app(&entries)
    }

    /// [`App::policy`] as a document model, for tools that post-process it.
    pub fn policy_document(
        &self,
        opts: crate::policy::PolicyOptions,
    ) -> Result<crate::policy::PolicyDocument, crate::policy::PolicyError> {
        crate::policy::document(&self.b2c_specs(), &self.policy_options(opts))
    }

    fn policy_options(&self, opts: crate::policy::PolicyOptions) -> crate::policy::PolicyOptions {
        let auth = &self.config.auth;
        crate::policy::PolicyOptions {
            default_auth: auth.default,
            production: opts.production || auth.production,
            allow_insecure: opts.allow_insecure || (auth.production && auth.allow_insecure),
            ..opts
        }
    }

    /// Checks the whole app: unique profile ids and routes, defaults that decode, messages.
    pub fn validate(&self) -> Result<(), StartupError> {
        let mut problems = self.errors.clone();
        let mut ids_seen = BTreeMap::new();
        let mut routes = BTreeMap::new();
        for r in &self.handlers {
            let s = r.spec;
            if let Some(prev) = ids_seen.insert(s.technical_profile, s.rust_fn) {
                problems.push(format!(
                    "technical profile {} is declared by both {} and {}",
                    s.technical_profile, prev, s.rust_fn
                ));
            }
            for c in s.callers {
                let key = match c {
                    CallerRoute::B2c => (s.route_path(), s.send_claims_in.http_method()),
                    _ => (c.path(s.route), "POST"),
                };
                if let Some(prev) = routes.insert(key, s.technical_profile) {
                    problems.push(format!(
                        "{} {} is served by both {} and {}",
                        key.1, key.0, prev, s.technical_profile
                    ));
                }
                let caller = c.caller();
                if caller != Caller::B2cTechnicalProfile
                    && let Some(d) = s.deadline_ms
                    && d > caller.max_timeout_ms()
                {
                    problems.push(format!(
                        "handler {} answers the {caller} caller, which waits at most {} ms, but its deadline is {d} ms: shorten the deadline",
                        s.technical_profile,
                        caller.max_timeout_ms()
                    ));
                }
            }
        }
        // A caller route owns its path: no other route of any method may share it.
        for r in &self.handlers {
            for c in r
                .spec
                .callers
                .iter()
                .filter(|c| !matches!(c, CallerRoute::B2c))
            {
                let path = c.path(r.spec.route);
                if let Some(((_, m), other)) =
                    routes.iter().find(|((p, m), _)| *p == path && *m != "POST")
                {
                    problems.push(format!(
                        "the {} route {path} of {} is also served ({m}) by {other}",
                        c.caller(),
                        r.spec.technical_profile
                    ));
                }
            }
        }
        if self.health {
            for r in &self.handlers {
                if matches!(r.spec.route_path(), "/healthz" | "/readyz") {
                    problems.push(format!(
                        "{} uses the path {} reserved for health checks (disable them with health_endpoints(false))",
                        r.spec.technical_profile,
                        r.spec.route_path()
                    ));
                }
            }
        }
        if self.observe.log_claim_values && self.is_production() {
            problems.push(
                "log_claim_values (--log-claim-values) is refused in production mode: claim values are personal data".to_owned(),
            );
        }
        // Missing framework, handler or required message ids, an uncatalogued default language.
        problems.extend(self.localization_problems());
        problems.extend(crate::openapi::startup_check(self).0);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StartupError(problems))
        }
    }

    /// Freezes the app into a closure that mounts it on an actix `App` (once per worker).
    pub fn into_configurator(self) -> Configurator {
        let (problems, openapi) = crate::openapi::startup_check(&self);
        if openapi.is_none() && !problems.is_empty() {
            tracing::error!(
                problems = %problems.join("; "),
                "the OpenAPI document cannot be served"
            );
        }
        let version = self
            .version
            .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned());
        Configurator {
            openapi,
            config: web::Data::new(self.config),
            handlers: Arc::new(self.handlers),
            data: Arc::new(self.data),
            health: self.health,
            ready: Arc::new(self.ready),
            observer: Arc::new(crate::observe::Observer::new(
                &version,
                self.observe.log_claim_values,
            )),
            wraps: Arc::new(self.observe.wraps),
            metrics_bind: self.observe.metrics_bind,
        }
    }

    /// Runs the command line: `serve` (default), `policy`, or `list`. Any error (a configuration
    /// that cannot start, an address in use, a file that cannot be written) is printed as one
    /// readable message naming what failed, and the process exits with status 1.
    #[cfg(feature = "cli")]
    pub async fn run(self) -> std::io::Result<()> {
        if let Err(e) = self.run_with_args(std::env::args_os()).await {
            let text = e.to_string();
            eprintln!("error: {}", text.trim_end());
            std::process::exit(1);
        }
        Ok(())
    }

    /// Runs the command line with these arguments (the first one is the program name); errors
    /// are returned, not printed.
    #[cfg(feature = "cli")]
    pub async fn run_with_args(
        self,
        args: impl IntoIterator<Item = std::ffi::OsString>,
    ) -> std::io::Result<()> {
        let version = self
            .version
            .clone()
            .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned());
        crate::cli::run(self, &version, args).await
    }

    /// Validates and serves on `addr` until SIGTERM/SIGINT (graceful: in-flight requests finish
    /// within the shutdown grace period).
    pub async fn serve(self, addr: &str) -> std::io::Result<()> {
        let (server, _addrs) = self.server(addr)?;
        server.await
    }

    /// Validates, binds `addr` and returns the server (not yet polled) with the bound addresses;
    /// `127.0.0.1:0` picks a free port.
    pub fn server(
        mut self,
        addr: &str,
    ) -> std::io::Result<(actix_web::dev::Server, Vec<std::net::SocketAddr>)> {
        // Resolve secrets (refusing to start when a guarded handler has none) and apply the
        // production rules.
        crate::auth::app_ext::prepare(&mut self, false)?;
        self.validate()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        let limits = self.limits.clone();
        let conf = self.into_configurator();
        let metrics = conf.metrics_guard();
        let held = metrics.clone();
        let metrics_conf = conf.clone();
        let http = apply_limits!(
            actix_web::HttpServer::new(move || {
                // Holds the metrics server: it stops with this server's workers.
                let _ = &held;
                actix_web::App::new().configure(|c| conf.configure(c))
            }),
            &limits,
        );
        let http = http
            .bind(addr)
            .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
        let addrs = http.addrs();
        metrics_conf.start_metrics(&metrics)?;
        Ok((http.run(), addrs))
    }
}

/// Configures an actix `HttpServer` from `ServerLimits` (plain HTTP and HTTPS alike):
/// connections, slow clients, keep-alive, workers, and a graceful stop on SIGTERM and SIGINT that
/// lets in-flight requests finish within `shutdown_grace`. A macro because `HttpServer`'s type
/// parameters cannot be named without `actix-http`.
macro_rules! apply_limits {
    ($http:expr, $limits:expr $(,)?) => {{
        let limits: &$crate::app::ServerLimits = $limits;
        let mut http = $http
            .max_connections(limits.max_connections)
            .client_request_timeout(limits.client_request_timeout)
            .tls_handshake_timeout(limits.client_request_timeout)
            .client_disconnect_timeout(limits.client_disconnect_timeout)
            .keep_alive(limits.keep_alive)
            .shutdown_timeout(limits.shutdown_grace.as_secs().max(1));
        if let Some(w) = limits.workers {
            http = http.workers(w.max(1));
        }
        // The stop future lives as long as the server: it also runs the memory trimmer.
        match $crate::app::graceful_stop_signal() {
            Some(signal) => http.shutdown_signal(futures_util::FutureExt::map(
                futures_util::future::select(
                    std::boxed::Box::pin(signal),
                    std::boxed::Box::pin($crate::app::trim_memory(limits.memory_trim_interval)),
                ),
                |_| (),
            )),
            None => http,
        }
    }};
}
pub(crate) use apply_limits;

/// Never resolves: every `period`, hands the heap memory glibc keeps after it was freed back to
/// the OS (after 5,000 stalled connections: 106 MiB held, 17 MiB once trimmed).
pub(crate) async fn trim_memory(period: Option<Duration>) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if let Some(period) = period {
        loop {
            actix_web::rt::time::sleep(period).await;
            // SAFETY: malloc_trim takes no pointer and only releases memory that is free.
            unsafe {
                libc::malloc_trim(0);
            }
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = period;
    std::future::pending::<()>().await
}

/// Resolves on SIGTERM or SIGINT. actix treats SIGINT as an immediate stop that drops in-flight
/// requests; an orchestrator or a Ctrl-C deserves the same drain as SIGTERM. The handlers are
/// installed now, so a signal that comes before the server is first polled is not lost.
pub(crate) fn graceful_stop_signal()
-> Option<impl std::future::Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        let installed = signal(SignalKind::interrupt())
            .and_then(|int| signal(SignalKind::terminate()).map(|term| (int, term)));
        let (mut int, mut term) = match installed {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGINT/SIGTERM; using actix's signal handling");
                return None;
            }
        };
        Some(async move {
            let name = match futures_util::future::select(
                std::pin::pin!(int.recv()),
                std::pin::pin!(term.recv()),
            )
            .await
            {
                futures_util::future::Either::Left(_) => "SIGINT",
                futures_util::future::Either::Right(_) => "SIGTERM",
            };
            tracing::info!(signal = name, "stopping: letting in-flight requests finish");
        })
    }
    #[cfg(not(unix))]
    {
        Some(async {
            let _ = actix_web::rt::signal::ctrl_c().await;
            tracing::info!("stopping: letting in-flight requests finish");
        })
    }
}

/// A frozen app, cheap to clone, that mounts the handlers on an actix `App`.
#[derive(Clone)]
pub struct Configurator {
    config: web::Data<ClaimsConfig>,
    handlers: Arc<Vec<&'static Registration>>,
    data: Arc<Vec<DataFn>>,
    health: bool,
    ready: Arc<Vec<(String, ReadyFn)>>,
    openapi: Option<Arc<crate::openapi::Served>>,
    observer: Arc<crate::observe::Observer>,
    wraps: Arc<Vec<crate::observe::WrapFn>>,
    metrics_bind: Option<String>,
}

/// Where a running metrics server is kept, so it lives as long as the app server.
pub(crate) type MetricsGuard = Arc<std::sync::OnceLock<Arc<crate::observe::metrics::StopOnDrop>>>;

impl fmt::Debug for Configurator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Configurator")
            .field("handlers", &self.handlers.len())
            .finish()
    }
}

impl Configurator {
    /// Mounts every handler: one resource per path, one route per method (HEAD too where GET
    /// is served), a contract error body with an `Allow` header for other methods (405), and a
    /// contract error body for paths nothing serves (404, the app's default service).
    pub fn configure(&self, cfg: &mut ServiceConfig) {
        cfg.app_data(self.config.clone());
        for d in self.data.iter() {
            d(cfg);
        }
        let mut by_path: BTreeMap<&'static str, Vec<&'static Registration>> = BTreeMap::new();
        for r in self.handlers.iter() {
            if r.spec.serves(Caller::B2cTechnicalProfile) {
                by_path.entry(r.spec.route_path()).or_default().push(r);
            }
        }
        // API connector and Entra routes: POST only, each its own resource marked with its
        // caller, so the generated route reads that caller's envelope and answers its way.
        for r in self.handlers.iter() {
            for c in r.spec.callers {
                if matches!(c, CallerRoute::B2c) {
                    continue;
                }
                let path = c.path(r.spec.route);
                let info = RouteInfo {
                    profile: Some(r.spec.technical_profile),
                    path: Some(path),
                    health: false,
                };
                cfg.service(
                    web::resource(path)
                        .app_data(CallerMark(*c))
                        .route(self.wrapped((r.route)().guard(MethodIs(Method::POST))))
                        .default_service(self.wrapped(self.not_allowed(&["POST"])))
                        .wrap(self.access_log(&[(Method::POST, info)], info)),
                );
            }
        }
        for (path, regs) in by_path {
            let mut res = web::resource(path);
            let mut allow: Vec<&'static str> = Vec::new();
            let mut logged: Vec<(Method, RouteInfo)> = Vec::new();
            let first = regs.first().map(|r| r.spec.technical_profile);
            for r in regs {
                let info = RouteInfo {
                    profile: Some(r.spec.technical_profile),
                    path: Some(path),
                    health: false,
                };
                let mut route = |m: Method| {
                    logged.push((m.clone(), info));
                    self.wrapped((r.route)().guard(MethodIs(m)))
                };
                match r.spec.send_claims_in {
                    SendClaimsIn::Body | SendClaimsIn::Form => {
                        res = res.route(route(Method::POST));
                        allow.push("POST");
                    }
                    _ => {
                        // HEAD where GET is served: the same handler; the HTTP layer sends the
                        // status and headers without the body.
                        res = res.route(route(Method::GET)).route(route(Method::HEAD));
                        allow.extend(["GET", "HEAD"]);
                    }
                }
            }
            let info = RouteInfo {
                profile: first,
                path: Some(path),
                health: false,
            };
            cfg.service(
                res.default_service(self.wrapped(self.not_allowed(&allow)))
                    .wrap(self.access_log(&logged, info)),
            );
        }
        if self.health {
            let health = |path| RouteInfo {
                profile: None,
                path: Some(path),
                health: true,
            };
            let h = health("/healthz");
            cfg.service(
                web::resource("/healthz")
                    .route(self.wrapped(on_method(Method::GET).to(health_ok)))
                    .route(self.wrapped(on_method(Method::HEAD).to(health_ok)))
                    .default_service(self.wrapped(self.not_allowed(&["GET", "HEAD"])))
                    .wrap(self.access_log(&[], h)),
            );
            let ready = self.ready.clone();
            let readyz = move || {
                let failing: Vec<String> = ready
                    .iter()
                    .filter(|(_, check)| !check())
                    .map(|(name, _)| name.clone())
                    .collect();
                async move {
                    if failing.is_empty() {
                        HttpResponse::Ok().json(serde_json::json!({"status": "ready"}))
                    } else {
                        HttpResponse::ServiceUnavailable()
                            .json(serde_json::json!({"status": "not ready", "failing": failing}))
                    }
                }
            };
            let r = health("/readyz");
            cfg.service(
                web::resource("/readyz")
                    .route(self.wrapped(on_method(Method::GET).to(readyz.clone())))
                    .route(self.wrapped(on_method(Method::HEAD).to(readyz)))
                    .default_service(self.wrapped(self.not_allowed(&["GET", "HEAD"])))
                    .wrap(self.access_log(&[], r)),
            );
        }
        crate::openapi::mount(
            cfg,
            &self.openapi,
            &self.config,
            self.not_allowed(&["GET", "HEAD"]),
        );
        // Any other path: 404 with the contract error body (also `/members/` against the
        // template `/members/{id}`, whose placeholder needs a non-empty segment).
        let config = self.config.clone();
        cfg.default_service(actix_service::apply(
            self.access_log(&[], RouteInfo::default()),
            self.wrapped(web::to(move |req: HttpRequest| {
                let config = config.clone();
                async move { not_found(&config, &req) }
            })),
        ));
    }

    /// `route` in the user's middleware.
    fn wrapped(&self, route: Route) -> Route {
        crate::observe::user_wraps(route, &self.wraps)
    }

    /// The access log and metrics around a resource whose methods reach `routes` (the rest:
    /// `otherwise`), outside the user's middleware so they see the final answer.
    fn access_log(
        &self,
        routes: &[(Method, RouteInfo)],
        otherwise: RouteInfo,
    ) -> crate::observe::AccessLog {
        crate::observe::access_log(&self.observer, routes, otherwise)
    }

    /// The app's metrics as OpenMetrics text, for an app that serves them itself (the series
    /// are listed in [`crate::observe::metrics`]).
    pub fn render_metrics(&self) -> String {
        self.observer.metrics.render()
    }

    /// An empty holder for the metrics server ([`Configurator::start_metrics`]).
    pub(crate) fn metrics_guard(&self) -> MetricsGuard {
        Arc::default()
    }

    /// Starts the metrics server when a metrics address is set, keeping it in `guard`.
    pub(crate) fn start_metrics(&self, guard: &MetricsGuard) -> std::io::Result<()> {
        if let Some(addr) = &self.metrics_bind {
            let (stop, _) = crate::observe::metrics::start(self.observer.clone(), addr)?;
            let _ = guard.set(stop);
        }
        Ok(())
    }

    /// The 405 service of a path that serves `allow` (also the `Allow` header of the answer).
    fn not_allowed(&self, allow: &[&str]) -> Route {
        let mut methods = allow.to_vec();
        methods.sort_unstable();
        methods.dedup();
        let allow = methods.join(", ");
        let config = self.config.clone();
        web::to(move |req: HttpRequest| {
            let config = config.clone();
            let allow = allow.clone();
            async move { method_not_allowed(&config, &allow, &req) }
        })
    }

    /// The shared configuration.
    pub fn config(&self) -> &ClaimsConfig {
        &self.config
    }
}

/// A route for one method. actix's own method guard records every method it is checked
/// against in the request's extensions, for an `Allow` header of its default 405 (about 360
/// instructions a request); every resource here answers 405 itself.
fn on_method(method: Method) -> Route {
    web::route().guard(MethodIs(method))
}

/// Matches requests of one method, without recording anything.
struct MethodIs(Method);

impl actix_web::guard::Guard for MethodIs {
    fn check(&self, ctx: &actix_web::guard::GuardContext<'_>) -> bool {
        ctx.head().method == self.0
    }
}

async fn health_ok() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

pub(crate) fn contract_error(
    config: &ClaimsConfig,
    err: &ClaimsError,
    req: &HttpRequest,
) -> HttpResponse {
    let request_id = uuid::Uuid::new_v4().to_string();
    crate::observe::note_error(req, err, &request_id);
    let body = render_body(config, &Default::default(), err, request_id);
    error_http(err, &body)
}

fn method_not_allowed(config: &ClaimsConfig, allow: &str, req: &HttpRequest) -> HttpResponse {
    let err = ClaimsError::bad_request(ids::REQUEST_INVALID)
        .with_status(actix_web::http::StatusCode::METHOD_NOT_ALLOWED)
        .developer_message(format!(
            "this path does not answer this HTTP method; it answers {allow}"
        ));
    let mut resp = contract_error(config, &err, req);
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(allow) {
        resp.headers_mut().insert(actix_web::http::header::ALLOW, v);
    }
    resp
}

fn not_found(config: &ClaimsConfig, req: &HttpRequest) -> HttpResponse {
    let err = ClaimsError::bad_request(ids::REQUEST_INVALID)
        .with_status(actix_web::http::StatusCode::NOT_FOUND)
        .developer_message("no handler is mounted at this path");
    contract_error(config, &err, req)
}
