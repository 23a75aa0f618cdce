//! Observability: the access log, the reasons for rejected requests, Prometheus metrics, and
//! middleware around the generated handlers.
//!
//! Every request (handlers, 404, 405, health checks) gets one **access line** on the tracing
//! target [`ACCESS_TARGET`] at `info` (health checks at `debug`) with the fields `method`,
//! `path` (the route template, never a path or query that carries claims), `technical_profile`,
//! `status`, `outcome` (an [`Outcome`] code), `latency_ms`, `correlation_id` (B2C's correlation
//! claim when the handler receives one, else the `requestId` of the error body) and, for every
//! 4xx, `reason`: why the request was refused, without secrets or claim values (authentication
//! failures name the scheme and why, e.g. `Basic: wrong Basic user name or password`). Claim
//! values appear in reasons only when [`App::log_claim_values`](crate::App::log_claim_values)
//! asks for it, which production mode refuses.
//!
//! `serve` installs a subscriber for these lines ([`init_logging`]); an app that installed its
//! own keeps it. Metrics are described in [`metrics`].

pub mod logs;
pub mod metrics;
#[cfg(feature = "otel")]
mod otel;

use std::borrow::Cow;
use std::cell::Cell;
use std::future::{Ready, ready};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::Method;
use actix_web::{Error, HttpRequest, Route};

pub use logs::{LogFormat, flush_logs, init_logging};
#[cfg(feature = "otel")]
pub use otel::flush_traces;

use crate::error::{ClaimsError, ErrorKind};

/// The tracing target of access lines (filter them with `RUST_LOG=claims::access=off`).
pub const ACCESS_TARGET: &str = "claims::access";

/// The `outcome` of a request, in access lines and in the `outcome` label of
/// `claims_requests_total`. A closed set: dashboards can rely on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// `ok`: the handler answered 200 (or a health check answered).
    Ok,
    /// `user_error`: the handler (or a validation rule) answered the B2C 409 for the user.
    UserError,
    /// `bad_request`: the request itself was wrong (400, 413, 415: a missing or undecodable
    /// claim, an unresolved claim resolver, a wrong content type, a body too large).
    BadRequest,
    /// `not_found`: no handler at this path (404) or not for this method (405).
    NotFound,
    /// `auth_failed`: the caller's credentials were refused (401, 403).
    AuthFailed,
    /// `body_timeout`: the client was too slow sending the body (408).
    BodyTimeout,
    /// `deadline`: the handler did not answer within its deadline (the retry answer).
    Deadline,
    /// `replayed`: an idempotent retry got the first attempt's answer again.
    Replayed,
    /// `internal`: the handler failed or panicked, or another 5xx.
    Internal,
}

impl Outcome {
    /// Every outcome code, for documentation and dashboards.
    pub const ALL: [Outcome; 9] = [
        Outcome::Ok,
        Outcome::UserError,
        Outcome::BadRequest,
        Outcome::NotFound,
        Outcome::AuthFailed,
        Outcome::BodyTimeout,
        Outcome::Deadline,
        Outcome::Replayed,
        Outcome::Internal,
    ];

    /// The code written in logs and labels.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::UserError => "user_error",
            Outcome::BadRequest => "bad_request",
            Outcome::NotFound => "not_found",
            Outcome::AuthFailed => "auth_failed",
            Outcome::BodyTimeout => "body_timeout",
            Outcome::Deadline => "deadline",
            Outcome::Replayed => "replayed",
            Outcome::Internal => "internal",
        }
    }

    /// The outcome an error stands for.
    pub(crate) fn of_error(err: &ClaimsError) -> Outcome {
        match err.kind() {
            ErrorKind::User => Outcome::UserError,
            ErrorKind::Unauthorized | ErrorKind::Forbidden => Outcome::AuthFailed,
            ErrorKind::RequestTimeout => Outcome::BodyTimeout,
            ErrorKind::Timeout => Outcome::Deadline,
            ErrorKind::Internal => Outcome::Internal,
            _ => Outcome::of_status(err.status().as_u16()),
        }
    }

    /// The outcome of a bare status, when nothing more precise was recorded.
    fn of_status(status: u16) -> Outcome {
        match status {
            200..=399 => Outcome::Ok,
            401 | 403 => Outcome::AuthFailed,
            404 | 405 => Outcome::NotFound,
            408 => Outcome::BodyTimeout,
            409 => Outcome::UserError,
            400..=499 => Outcome::BadRequest,
            _ => Outcome::Internal,
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the pipeline learned about a request, kept for its access line by the access
/// middleware while it waits for the answer ([`note`]). Only present when the access middleware runs, so
/// code paths without it pay nothing.
#[derive(Debug, Default)]
pub(crate) struct Note {
    pub(crate) outcome: Option<Outcome>,
    pub(crate) reason: Option<Cow<'static, str>>,
    pub(crate) correlation: Option<String>,
    pub(crate) scheme: Option<&'static str>,
    pub(crate) log_values: bool,
}

impl Note {
    /// Takes what `other` (the note of the same request's task) recorded, as if noted here.
    pub(crate) fn absorb(&mut self, other: Note) {
        if other.outcome.is_some() && self.outcome != Some(Outcome::AuthFailed) {
            self.outcome = other.outcome;
        }
        if self.reason.is_none() {
            self.reason = other.reason;
        }
        if other.correlation.is_some() {
            self.correlation = other.correlation;
        }
        if other.scheme.is_some() {
            self.scheme = other.scheme;
        }
    }
}

thread_local! {
    /// The note of the request whose future this thread is polling: the request's key and a
    /// pointer to its note, or a null pointer. The access middleware owns each request's note
    /// and lends it here around every poll of the request's future ([`lend_note`]). A map of
    /// notes in flight cost a hash insert and remove per request, the request's extensions a
    /// boxed value and its downcast; this is two plain thread-local writes per poll.
    static CURRENT: Cell<(usize, *mut Note)> = const { Cell::new((0, std::ptr::null_mut())) };
}

/// The key of a request's note: the address of its head (unique while the request lives).
fn note_key(req: &HttpRequest) -> usize {
    std::ptr::from_ref(req.head()) as usize
}

/// Runs `f` with `note` as the current note of request `key` (see [`CURRENT`]). The loan ends
/// when this returns, also when `f` panics; a nested loan gives the outer one back.
fn lend_note<R>(key: usize, note: &mut Note, f: impl FnOnce() -> R) -> R {
    struct Restore((usize, *mut Note));
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = CURRENT.try_with(|c| c.set(self.0));
        }
    }
    let Ok(outer) = CURRENT.try_with(|c| c.replace((key, std::ptr::from_mut(note)))) else {
        return f();
    };
    let _restore = Restore(outer);
    f()
}

/// `d` in microseconds, rounded half up: `(d.as_nanos() + 500) / 1000`, saturating.
fn round_micros(d: std::time::Duration) -> u64 {
    d.as_secs()
        .saturating_mul(1_000_000)
        .saturating_add(u64::from((d.subsec_nanos() + 500) / 1000))
}

/// Updates the request's note, if the access middleware is polling that request. `f` only
/// writes fields of the note (it must not note again).
pub(crate) fn note(req: &HttpRequest, f: impl FnOnce(&mut Note)) {
    let Ok((key, ptr)) = CURRENT.try_with(Cell::get) else {
        return;
    };
    if ptr.is_null() || key != note_key(req) {
        return;
    }
    // SAFETY: a non-null pointer is set only by `lend_note`, from a `&mut Note` it holds, and
    // is replaced before `lend_note` returns or unwinds; so it points to a live note that
    // nothing else uses while `f` runs (`f` does not note again, and this thread is the only
    // one that sees the pointer).
    f(unsafe { &mut *ptr });
}

pin_project_lite::pin_project! {
    /// A future of a request that runs in its own task (an idempotent handler's attempt): it
    /// keeps its own note, which ends with its output for the request's future to
    /// [`Note::absorb`].
    pub(crate) struct Noted<F> {
        #[pin]
        fut: F,
        key: usize,
        note: Note,
    }
}

/// The start of a [`Noted`] future's note: the request's key and its `log_values`.
pub(crate) struct NoteSeed {
    key: usize,
    note: Note,
}

/// The seed of a note of `req` kept apart (see [`Noted`]). Made while the request's future is
/// polled, so it takes the request's `log_values`.
pub(crate) fn note_seed(req: &HttpRequest) -> NoteSeed {
    let mut note = Note::default();
    self::note(req, |n| note.log_values = n.log_values);
    NoteSeed {
        key: note_key(req),
        note,
    }
}

impl NoteSeed {
    /// `fut`, noting on its own.
    pub(crate) fn noting<F: std::future::Future>(self, fut: F) -> Noted<F> {
        Noted {
            fut,
            key: self.key,
            note: self.note,
        }
    }
}

impl<F: std::future::Future> std::future::Future for Noted<F> {
    type Output = (F::Output, Note);

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = self.project();
        let fut = this.fut;
        let out = std::task::ready!(lend_note(*this.key, this.note, || fut.poll(cx)));
        std::task::Poll::Ready((out, std::mem::take(this.note)))
    }
}

/// Records an error answer: its outcome, the id the caller sees, and a reason unless a more
/// precise one (authentication, claim problems) was recorded first.
pub(crate) fn note_error(req: &HttpRequest, err: &ClaimsError, request_id: &str) {
    note(req, |n| {
        if n.outcome != Some(Outcome::AuthFailed) {
            n.outcome = Some(Outcome::of_error(err));
        }
        n.correlation = Some(request_id.to_owned());
        if n.reason.is_none() && err.status().is_client_error() {
            n.reason = Some(reason_of(err, n.log_values));
        }
    });
}

/// The reason logged for a refused request: framework developer messages name what was wrong
/// without values; a user error is named by its message id (its arguments carry claim values,
/// so they are added only when claim values may be logged).
fn reason_of(err: &ClaimsError, log_values: bool) -> Cow<'static, str> {
    if err.kind() == ErrorKind::User {
        let mut r = format!("user error {}", err.message_id());
        if log_values && !err.args().is_empty() {
            r.push_str(&format!(" {:?}", err.args()));
        }
        return Cow::Owned(r);
    }
    match err.developer_text() {
        Some(t) => Cow::Owned(t.to_owned()),
        None => Cow::Owned(err.message_id().to_owned()),
    }
}

/// Settings an [`App`](crate::App) collects for observability.
#[derive(Clone, Default)]
pub(crate) struct Settings {
    pub(crate) metrics_bind: Option<String>,
    pub(crate) log_claim_values: bool,
    pub(crate) wraps: Vec<WrapFn>,
}

/// Wraps one route of the app in a user middleware (built anew for each route and worker).
pub(crate) type WrapFn = Arc<dyn Fn(Route) -> Route + Send + Sync>;

/// The per-app state behind the access log and the metrics.
#[derive(Debug)]
pub(crate) struct Observer {
    pub(crate) metrics: metrics::Metrics,
    pub(crate) log_claim_values: bool,
}

impl Observer {
    pub(crate) fn new(version: &str, log_claim_values: bool) -> Self {
        Observer {
            metrics: metrics::Metrics::new(version),
            log_claim_values,
        }
    }

    fn finish(
        &self,
        route: &RouteEntry,
        req: &HttpRequest,
        status: u16,
        started: Instant,
        note: Note,
    ) {
        let elapsed = started.elapsed();
        let info = &route.info;
        let outcome = note.outcome.unwrap_or_else(|| Outcome::of_status(status));
        let profile = info.profile.unwrap_or(metrics::NO_PROFILE);
        if !info.health {
            self.metrics.record(
                &route.series,
                profile,
                status,
                outcome,
                elapsed,
                note.scheme,
            );
        }
        let reason = note.reason.as_deref();
        let correlation_id = note.correlation.as_deref();
        #[cfg(feature = "otel")]
        {
            let span = tracing::Span::current();
            span.record("http.response.status_code", status);
            span.record("outcome", outcome.as_str());
            span.record("correlation_id", correlation_id);
        }
        let unmatched;
        let members: &[u8] = match &route.members {
            Some(m) => m,
            None => {
                unmatched = logs::route_members(None, req.path(), info.profile);
                &unmatched
            }
        };
        let line = logs::AccessLine {
            debug: info.health,
            // Routes reached by one method have it in their members.
            method: route.method.is_none().then(|| req.method().as_str()),
            route: members,
            status,
            outcome: outcome.as_str(),
            // Rounded as the event's `latency_ms` is written; in u64 (a u128 division is a
            // library call).
            latency_us: round_micros(elapsed),
            correlation_id,
            reason,
        };
        if logs::write_access(&line) {
            return;
        }
        let path = info.path.unwrap_or_else(|| req.path());
        let latency_ms = elapsed.as_secs_f64() * 1000.0;
        macro_rules! access {
            ($level:ident) => {
                tracing::$level!(
                    target: ACCESS_TARGET,
                    method = %req.method(),
                    path,
                    technical_profile = info.profile,
                    status,
                    outcome = outcome.as_str(),
                    latency_ms,
                    correlation_id,
                    reason,
                    "request"
                )
            };
        }
        if info.health {
            access!(debug);
        } else {
            access!(info);
        }
    }
}

/// What the access middleware knows of its route before any request.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RouteInfo {
    /// The technical profile served (none for 404/405 of unknown paths and health checks).
    pub(crate) profile: Option<&'static str>,
    /// The route template to log (`None`: the request path, for paths nothing serves).
    pub(crate) path: Option<&'static str>,
    /// A health check: logged at debug, not counted.
    pub(crate) health: bool,
}

/// `route` in the user's middleware (the last one added outermost).
pub(crate) fn user_wraps(route: Route, wraps: &[WrapFn]) -> Route {
    wraps.iter().fold(route, |r, w| w(r))
}

/// The access log and metrics of one resource (or of the app's default service): `routes`
/// names what each method reaches, `otherwise` the rest (its 405 or 404 answer).
///
/// It wraps the resource rather than each route: actix boxes every route middleware's future
/// and converts its body (about 400 instructions a request), while a resource is boxed once
/// whatever wraps it.
pub(crate) fn access_log(
    observer: &Arc<Observer>,
    routes: &[(Method, RouteInfo)],
    otherwise: RouteInfo,
) -> AccessLog {
    let entry = |method: Option<Method>, info: RouteInfo| RouteEntry {
        members: info.path.map(|p| {
            logs::route_members(method.as_ref().map(Method::as_str), p, info.profile).into()
        }),
        method,
        info,
        series: metrics::RouteSeries::default(),
    };
    let mut entries: Vec<RouteEntry> = routes
        .iter()
        .map(|(m, info)| entry(Some(m.clone()), *info))
        .collect();
    entries.push(entry(None, otherwise));
    AccessLog {
        observer: observer.clone(),
        routes: entries.into(),
    }
}

/// One route of a resource as the access log sees it.
struct RouteEntry {
    /// The method that reaches it (`None`: whatever no route takes).
    method: Option<Method>,
    info: RouteInfo,
    /// Its `method` (when it has one), `path` and `technical_profile` as JSON members of an
    /// access line (`None`: the path is the request's).
    members: Option<Box<[u8]>>,
    /// The route's usual metric series (shared by the resource's copies in every worker).
    series: metrics::RouteSeries,
}

/// The access-log and metrics middleware of a resource.
#[derive(Clone)]
pub(crate) struct AccessLog {
    observer: Arc<Observer>,
    /// The resource's routes, the one for other methods last.
    routes: Arc<[RouteEntry]>,
}

impl AccessLog {
    /// The index of the route `method` reaches.
    fn route_of(&self, method: &Method) -> usize {
        let last = self.routes.len() - 1;
        self.routes[..last]
            .iter()
            .position(|r| r.method.as_ref() == Some(method))
            .unwrap_or(last)
    }
}

impl<S, B> Transform<S, ServiceRequest> for AccessLog
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: Unpin,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = AccessLogService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(AccessLogService {
            service,
            log: Rc::new(self.clone()),
        }))
    }
}

pub(crate) struct AccessLogService<S> {
    service: S,
    /// Per worker: cloned for every request without atomic counting.
    log: Rc<AccessLog>,
}

#[cfg(not(feature = "otel"))]
type Logged<F> = AccessFuture<F>;
#[cfg(feature = "otel")]
type Logged<F> = tracing::instrument::Instrumented<AccessFuture<F>>;

impl<S, B> Service<ServiceRequest> for AccessLogService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    // Resources hand out boxed futures: waiting on one needs no box of our own.
    S::Future: Unpin,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = Logged<S::Future>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let started = Instant::now();
        let route = self.log.route_of(req.method());
        let http = req.request().clone();
        let mut note = Note {
            log_values: self.log.observer.log_claim_values,
            ..Note::default()
        };
        let key = note_key(&http);
        // Services may answer in `call` already (actix's own errors, guards).
        let fut = lend_note(key, &mut note, || self.service.call(req));
        let done = AccessFuture {
            fut,
            log: self.log.clone(),
            route,
            http,
            key,
            note,
            started,
        };
        #[cfg(feature = "otel")]
        let done = {
            let info = &self.log.routes[route].info;
            let span = tracing::info_span!(
                target: ACCESS_TARGET,
                "request",
                otel.name = info.path.unwrap_or("unmatched"),
                otel.kind = "server",
                technical_profile = info.profile,
                http.route = info.path,
                http.response.status_code = tracing::field::Empty,
                outcome = tracing::field::Empty,
                correlation_id = tracing::field::Empty,
            );
            tracing::Instrument::instrument(done, span)
        };
        done
    }
}

/// The route's answer, then its access line and metrics.
pub(crate) struct AccessFuture<F> {
    fut: F,
    log: Rc<AccessLog>,
    /// The index of the route the request reached in `log.routes`.
    route: usize,
    http: HttpRequest,
    /// The request's note ([`note_key`]), lent to each poll of `fut`.
    key: usize,
    note: Note,
    started: Instant,
}

impl<F, B> std::future::Future for AccessFuture<F>
where
    F: std::future::Future<Output = Result<ServiceResponse<B>, Error>> + Unpin,
{
    type Output = F::Output;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = &mut *self;
        let fut = &mut this.fut;
        let res = std::task::ready!(lend_note(this.key, &mut this.note, || {
            std::pin::Pin::new(fut).poll(cx)
        }));
        let status = match &res {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        let log = &this.log;
        let note = std::mem::take(&mut this.note);
        log.observer.finish(
            &log.routes[this.route],
            &this.http,
            status,
            this.started,
            note,
        );
        std::task::Poll::Ready(res)
    }
}

/// The `serve` options of observability (flattened into the command line).
#[cfg(feature = "cli")]
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct ObserveArgs {
    /// Log format on standard error: auto (text on a terminal, JSON otherwise), text or json.
    /// The filter comes from RUST_LOG (default info).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Auto)]
    log_format: LogFormat,
    /// Serve Prometheus metrics at GET /metrics on this address (off by default).
    #[arg(long, global = true, env = "CLAIMS_METRICS_BIND", value_name = "ADDR")]
    metrics_bind: Option<String>,
    /// Development only: let the logged reasons of refused requests quote claim values
    /// (refused in production mode).
    #[arg(long, global = true)]
    log_claim_values: bool,
}

#[cfg(feature = "cli")]
impl ObserveArgs {
    /// Installs the log subscriber and applies the options to `app`.
    pub(crate) fn apply(&self, app: crate::App) -> crate::App {
        init_logging(self.log_format);
        let app = app.log_claim_values(self.log_claim_values);
        match &self.metrics_bind {
            Some(addr) => app.metrics_bind(addr.clone()),
            None => app,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{HttpResponse, test as at, web};

    fn lent() -> bool {
        !CURRENT.with(Cell::get).1.is_null()
    }

    #[test]
    fn micros_round_as_the_nanosecond_formula() {
        use std::time::Duration;
        for d in [
            Duration::ZERO,
            Duration::from_nanos(499),
            Duration::from_nanos(500),
            Duration::from_nanos(1_499),
            Duration::new(2, 999_999_500),
            Duration::new(7_000, 123_456_789),
        ] {
            let expected = u64::try_from((d.as_nanos() + 500) / 1000).unwrap();
            assert_eq!(round_micros(d), expected, "{d:?}");
        }
        assert_eq!(round_micros(Duration::MAX), u64::MAX);
    }

    /// A note made in any poll of the request's future reaches its access line; a note about
    /// another request does not; nothing stays lent between polls, nor after a request dropped
    /// before its answer (client gone).
    #[actix_web::test]
    async fn a_note_reaches_the_access_line_from_any_poll() {
        let observer = Arc::new(Observer::new("1", false));
        let info = RouteInfo {
            profile: Some("REST-T"),
            path: Some("/t"),
            health: false,
        };
        let svc = at::init_service(
            actix_web::App::new().service(
                web::resource("/t")
                    .route(web::get().to(|req: HttpRequest| async move {
                        let other = at::TestRequest::default().to_http_request();
                        note(&other, |n| n.outcome = Some(Outcome::Replayed));
                        actix_web::rt::task::yield_now().await;
                        note(&req, |n| {
                            n.outcome = Some(Outcome::AuthFailed);
                            n.scheme = Some("Basic");
                        });
                        HttpResponse::BadRequest().finish()
                    }))
                    .route(web::post().to(std::future::pending::<HttpResponse>))
                    .wrap(access_log(
                        &observer,
                        &[(Method::GET, info), (Method::POST, info)],
                        info,
                    )),
            ),
        )
        .await;
        let mut answered = Box::pin(svc.call(at::TestRequest::get().uri("/t").to_request()));
        assert!(futures_util::FutureExt::now_or_never(&mut answered).is_none());
        assert!(!lent(), "lent only during a poll");
        let res = answered.await.unwrap();
        assert_eq!(res.status(), 400);

        let mut hanging = Box::pin(svc.call(at::TestRequest::post().uri("/t").to_request()));
        assert!(futures_util::FutureExt::now_or_never(&mut hanging).is_none());
        drop(hanging);
        assert!(!lent());
        let text = observer.metrics.render();
        assert!(
            text.contains(
                r#"claims_requests_total{technical_profile="REST-T",status="400",outcome="auth_failed"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"claims_auth_failures_total{scheme="Basic"} 1"#),
            "{text}"
        );
        assert!(!text.contains("replayed"), "{text}");
    }

    /// A lent note comes back when its poll panics, and a nested loan gives the outer one back.
    #[test]
    fn a_lent_note_comes_back() {
        let outer = at::TestRequest::default().to_http_request();
        let inner = at::TestRequest::default().to_http_request();
        let mut outer_note = Note::default();
        let mut inner_note = Note::default();
        lend_note(note_key(&outer), &mut outer_note, || {
            lend_note(note_key(&inner), &mut inner_note, || {
                note(&inner, |n| n.scheme = Some("inner"));
                note(&outer, |n| n.scheme = Some("not lent now"));
            });
            note(&outer, |n| n.scheme = Some("outer"));
        });
        assert_eq!(inner_note.scheme, Some("inner"));
        assert_eq!(outer_note.scheme, Some("outer"));
        assert!(!lent());

        let mut note_of_panic = Note::default();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lend_note(note_key(&outer), &mut note_of_panic, || {
                note(&outer, |n| n.reason = Some("noted".into()));
                panic!("the request's future panicked");
            })
        }));
        assert!(caught.is_err());
        assert_eq!(note_of_panic.reason.as_deref(), Some("noted"));
        assert!(!lent());
    }

    #[test]
    fn a_task_note_is_absorbed_as_if_noted_in_the_request() {
        let mut refused = Note {
            outcome: Some(Outcome::AuthFailed),
            reason: Some("Basic: wrong password".into()),
            ..Note::default()
        };
        refused.absorb(Note {
            outcome: Some(Outcome::Internal),
            reason: Some("later".into()),
            correlation: Some("cid".into()),
            ..Note::default()
        });
        assert_eq!(refused.outcome, Some(Outcome::AuthFailed));
        assert_eq!(refused.reason.as_deref(), Some("Basic: wrong password"));
        assert_eq!(refused.correlation.as_deref(), Some("cid"));
        let mut plain = Note::default();
        plain.absorb(Note {
            outcome: Some(Outcome::UserError),
            reason: Some("user error member-not-found".into()),
            ..Note::default()
        });
        assert_eq!(plain.outcome, Some(Outcome::UserError));
        assert_eq!(plain.reason.as_deref(), Some("user error member-not-found"));
    }
}
