//! OpenTelemetry traces (feature `otel`): the request spans of the access middleware, exported
//! over OTLP/HTTP by a batch processor on its own thread.

use std::sync::OnceLock;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{SdkTracerProvider, Tracer};
use tracing_subscriber::registry::LookupSpan;

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// The tracing layer exporting spans, when an OTLP endpoint is configured.
pub(crate) fn layer<S>() -> Option<tracing_opentelemetry::OpenTelemetryLayer<S, Tracer>>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    let configured = [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ]
    .iter()
    .any(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()));
    if !configured {
        return None;
    }
    let exporter = match opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("warning: OpenTelemetry traces are off: {e}");
            return None;
        }
    };
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .build();
    let tracer = provider.tracer("claims-runtime");
    let _ = PROVIDER.set(provider);
    Some(tracing_opentelemetry::layer().with_tracer(tracer))
}

/// Exports the spans still buffered (blocks until the exporter answers). `serve` calls it on
/// the way out; call it before your process exits if you installed the subscriber with
/// [`init_logging`](super::init_logging) and stop some other way.
pub fn flush_traces() {
    if let Some(p) = PROVIDER.get()
        && let Err(e) = p.force_flush()
    {
        tracing::warn!(error = %e, "OpenTelemetry spans could not be exported");
    }
}
