//! Prometheus metrics (OpenMetrics text), served on their own address
//! ([`App::metrics_bind`](crate::App::metrics_bind), `serve --metrics-bind`, `CLAIMS_METRICS_BIND`)
//! at `GET /metrics`, or rendered by [`Configurator::render_metrics`](crate::Configurator::render_metrics)
//! for an app that mounts the handlers itself.
//!
//! | name | type | labels | what |
//! |---|---|---|---|
//! | `claims_requests_total` | counter | `technical_profile`, `status`, `outcome` | requests answered (health checks excluded); `outcome` is an [`Outcome`] code, `technical_profile` is `none` for paths nothing serves |
//! | `claims_request_duration_seconds` | histogram | `technical_profile` | time to answer |
//! | `claims_deadline_hits_total` | counter | `technical_profile` | handlers past their deadline (answered with the retry error) |
//! | `claims_auth_failures_total` | counter | `scheme` | refused callers by authentication scheme (`Basic`, `ApiKeyHeader`, `Bearer`, `ClientCertificate`; `handler` when the handler itself answered 401/403) |
//! | `claims_idempotent_replays_total` | counter | `technical_profile` | retries answered with the first attempt's answer |
//! | `claims_build_info` | info | `version` | always 1; the app's version |
//! | `claims_idempotency_store_failures_total` | counter | - | (`redis` feature) operations of the shared idempotency store that failed, all stores of the process ([`crate::idempotency::shared_store_failures`]) |
//! | `claims_idempotency_store_available` | gauge | - | (`redis` feature) 1 when the last operation of a shared store reached it or none ran yet, else 0 ([`crate::idempotency::shared_store_available`]) |

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

use super::{Observer, Outcome};

/// The `technical_profile` label of requests no handler serves.
pub(crate) const NO_PROFILE: &str = "none";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    technical_profile: &'static str,
    status: u16,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProfileLabel {
    technical_profile: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SchemeLabel {
    scheme: &'static str,
}

type HistogramFamily = Family<ProfileLabel, Histogram, fn() -> Histogram>;

/// Latency bucket bounds in seconds, 1 ms doubling to ~16 s (B2C gives up after 10 s). Written
/// out rather than computed with `exponential_buckets`: its `powf` is the program's only use of
/// libm, and loading libm costs every process about 0.3 MiB of resident memory.
const LATENCY_BUCKETS: [f64; 15] = [
    0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096,
    8.192, 16.384,
];

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The app's metrics and their registry.
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    deadlines: Family<ProfileLabel, Counter>,
    auth_failures: Family<SchemeLabel, Counter>,
    replays: Family<ProfileLabel, Counter>,
}

impl Metrics {
    pub(crate) fn new(version: &str) -> Self {
        let mut registry = Registry::with_prefix("claims");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = HistogramFamily::new_with_constructor(latency_histogram);
        let deadlines = Family::<ProfileLabel, Counter>::default();
        let auth_failures = Family::<SchemeLabel, Counter>::default();
        let replays = Family::<ProfileLabel, Counter>::default();
        registry.register(
            "requests",
            "Requests answered, by technical profile, status and outcome",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time to answer, by technical profile",
            latency.clone(),
        );
        registry.register(
            "deadline_hits",
            "Handlers past their deadline",
            deadlines.clone(),
        );
        registry.register(
            "auth_failures",
            "Refused callers, by authentication scheme",
            auth_failures.clone(),
        );
        registry.register(
            "idempotent_replays",
            "Retries answered with the first attempt's answer",
            replays.clone(),
        );
        registry.register(
            "build",
            "The app's version",
            Info::new(vec![("version".to_owned(), version.to_owned())]),
        );
        #[cfg(feature = "redis")]
        registry.register_collector(Box::new(SharedStoreHealth));
        Metrics {
            registry,
            requests,
            latency,
            deadlines,
            auth_failures,
            replays,
        }
    }

    pub(crate) fn record(
        &self,
        route: &RouteSeries,
        technical_profile: &'static str,
        status: u16,
        outcome: Outcome,
        elapsed: Duration,
        scheme: Option<&'static str>,
    ) {
        let labels = || RequestLabels {
            technical_profile,
            status,
            outcome: outcome.as_str(),
        };
        // The usual answers' counters (200, and the 409 for the user) are kept by the route,
        // made on first use so that no series appears before a request counts in it.
        if status == 200 && outcome == Outcome::Ok {
            route
                .ok
                .get_or_init(|| self.requests.get_or_create(&labels()).clone())
                .inc();
        } else if status == 409 && outcome == Outcome::UserError {
            route
                .user_error
                .get_or_init(|| self.requests.get_or_create(&labels()).clone())
                .inc();
        } else {
            self.requests.get_or_create(&labels()).inc();
        }
        let profile = ProfileLabel { technical_profile };
        route
            .latency
            .get_or_init(|| self.latency.get_or_create(&profile).clone())
            .observe(elapsed.as_secs_f64());
        match outcome {
            Outcome::Deadline => {
                self.deadlines.get_or_create(&profile).inc();
            }
            Outcome::Replayed => {
                self.replays.get_or_create(&profile).inc();
            }
            Outcome::AuthFailed => {
                let scheme = scheme.unwrap_or("handler");
                self.auth_failures
                    .get_or_create(&SchemeLabel { scheme })
                    .inc();
            }
            _ => {}
        }
    }

    /// The OpenMetrics text of every metric.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The shared idempotency stores' health, read from the process-wide counters at each scrape.
#[cfg(feature = "redis")]
#[derive(Debug)]
struct SharedStoreHealth;

#[cfg(feature = "redis")]
impl prometheus_client::collector::Collector for SharedStoreHealth {
    fn encode(
        &self,
        mut encoder: prometheus_client::encoding::DescriptorEncoder,
    ) -> Result<(), std::fmt::Error> {
        use prometheus_client::encoding::EncodeMetric as _;
        use prometheus_client::metrics::counter::ConstCounter;
        use prometheus_client::metrics::gauge::ConstGauge;
        let failures = ConstCounter::new(crate::idempotency::shared_store_failures());
        failures.encode(encoder.encode_descriptor(
            "idempotency_store_failures",
            "Operations of the shared idempotency store that failed (requests served without retry protection, answers not kept)",
            None,
            failures.metric_type(),
        )?)?;
        let available = ConstGauge::new(i64::from(crate::idempotency::shared_store_available()));
        available.encode(encoder.encode_descriptor(
            "idempotency_store_available",
            "1 when the last operation of the shared idempotency store reached it",
            None,
            available.metric_type(),
        )?)
    }
}

/// The series one route touches on almost every request, looked up once: a lookup in a family
/// hashes the labels and takes the family's lock (about 700 instructions per request). Clones of
/// a counter or histogram share its value with the family.
#[derive(Debug, Default)]
pub(crate) struct RouteSeries {
    ok: OnceLock<Counter>,
    user_error: OnceLock<Counter>,
    latency: OnceLock<Histogram>,
}

/// The content type of [`Metrics::render`].
pub(crate) const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Stops the metrics server when the last clone is dropped (with the app server's workers).
pub(crate) struct StopOnDrop(actix_web::dev::ServerHandle);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        // The stop command is sent at once; nothing needs to wait for it.
        drop(self.0.stop(true));
    }
}

/// Starts the metrics server on `addr` (one worker, `GET /metrics` only), on the running actix
/// system. It stops when the returned guard is dropped.
pub(crate) fn start(
    observer: Arc<Observer>,
    addr: &str,
) -> std::io::Result<(Arc<StopOnDrop>, Vec<std::net::SocketAddr>)> {
    let http = actix_web::HttpServer::new(move || {
        let observer = observer.clone();
        actix_web::App::new().route(
            "/metrics",
            actix_web::web::get().to(move || {
                let body = observer.metrics.render();
                async move {
                    actix_web::HttpResponse::Ok()
                        .content_type(CONTENT_TYPE)
                        .body(body)
                }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .bind(addr)
    .map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot listen on {addr} (metrics): {e}"))
    })?;
    let addrs = http.addrs();
    let server = http.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    for a in &addrs {
        tracing::info!("metrics on http://{a}/metrics");
    }
    Ok((Arc::new(StopOnDrop(handle)), addrs))
}

#[cfg(test)]
mod tests {
    use super::LATENCY_BUCKETS;

    #[test]
    fn latency_buckets_double_from_one_millisecond() {
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            // Scaling by a power of two is exact, so this is the bound `exponential_buckets` gave.
            assert_eq!(*bound, 0.001 * f64::from(1u32 << i), "bucket {i}");
        }
        let mut scrape = String::new();
        let histogram = super::latency_histogram();
        histogram.observe(0.003);
        let mut registry = prometheus_client::registry::Registry::default();
        registry.register("latency", "", histogram);
        prometheus_client::encoding::text::encode(&mut scrape, &registry).unwrap();
        assert!(
            scrape.contains(r#"latency_bucket{le="0.002"} 0"#),
            "{scrape}"
        );
        assert!(
            scrape.contains(r#"latency_bucket{le="0.004"} 1"#),
            "{scrape}"
        );
        assert!(
            scrape.contains(r#"latency_bucket{le="16.384"} 1"#),
            "{scrape}"
        );
    }
}
