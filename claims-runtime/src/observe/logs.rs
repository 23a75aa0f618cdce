//! The log subscriber `serve` installs: text on a terminal, JSON lines otherwise.

use std::io::IsTerminal;
use std::sync::Mutex;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};

/// The log writer thread's guard: dropping it writes out what is queued.
static WRITER: Mutex<Option<WorkerGuard>> = Mutex::new(None);

/// How log lines are written to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum LogFormat {
    /// Text when standard error is a terminal, JSON lines otherwise (log collectors).
    #[default]
    Auto,
    /// Human-readable text.
    Text,
    /// One JSON object per line, the event's fields at the top level.
    Json,
}

/// Installs a `tracing-subscriber` writing to standard error in `format`, filtered by
/// `RUST_LOG` (default `info`). Returns `false`, changing nothing, when a global subscriber is
/// already set (an app that configures its own logging keeps it).
///
/// Lines are queued to a background thread that writes them in batches, so a request never waits
/// on standard error; under a flood the queue (128,000 lines) blocks rather than drops. `serve`
/// writes out the queue when it stops; an app that exits some other way calls [`flush_logs`].
///
/// With the `otel` feature and `OTEL_EXPORTER_OTLP_ENDPOINT` (or
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, the request spans are also exported over
/// OTLP/HTTP (protobuf); `OTEL_SERVICE_NAME` and the other `OTEL_*` variables of the
/// OpenTelemetry SDK apply.
pub fn init_logging(format: LogFormat) -> bool {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer, Registry, fmt};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match format {
        LogFormat::Auto => !std::io::stderr().is_terminal(),
        LogFormat::Text => false,
        LogFormat::Json => true,
    };
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("claims-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let lines: Box<dyn Layer<Registry> + Send + Sync> = if json {
        fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_writer(writer)
            .boxed()
    } else {
        fmt::layer()
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(writer)
            .boxed()
    };
    let subscriber = tracing_subscriber::registry().with(lines);
    #[cfg(feature = "otel")]
    let subscriber = subscriber.with(super::otel::layer());
    let installed = subscriber.with(filter).try_init().is_ok();
    if installed {
        *WRITER.lock().unwrap_or_else(|e| e.into_inner()) = Some(guard);
    }
    installed
}

/// Writes out the log lines still queued and stops the writer thread of [`init_logging`]; later
/// lines are lost. For the end of a process.
pub fn flush_logs() {
    drop(WRITER.lock().unwrap_or_else(|e| e.into_inner()).take());
}
