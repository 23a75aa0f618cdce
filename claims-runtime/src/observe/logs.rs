//! The log subscriber `serve` installs: text on a terminal, JSON lines otherwise.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The installed writer, so [`flush_logs`] can write out what is buffered.
static WRITER: Mutex<Option<Arc<Batch>>> = Mutex::new(None);

/// How often buffered lines are written out.
const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// A request thread writes the buffer out itself past this size (no line is ever dropped).
const FLUSH_AT: usize = 256 * 1024;

/// Log lines appended to one buffer and written out in batches by a timer thread: a request
/// costs a copy under an uncontended lock, never a system call or a thread wake-up (a per-line
/// channel woke the writer thread for every request, which cost about 30% of throughput).
struct Batch {
    buf: Mutex<Vec<u8>>,
    out: Mutex<Box<dyn Write + Send>>,
    stopped: AtomicBool,
}

fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Batch {
    fn start(out: Box<dyn Write + Send>) -> Arc<Batch> {
        let batch = Arc::new(Batch {
            buf: Mutex::new(Vec::with_capacity(FLUSH_AT)),
            out: Mutex::new(out),
            stopped: AtomicBool::new(false),
        });
        let timer = batch.clone();
        let spawned = std::thread::Builder::new()
            .name("claims-log".to_owned())
            .spawn(move || {
                while !timer.stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(FLUSH_EVERY);
                    timer.write_out();
                }
            });
        if spawned.is_err() {
            // No timer thread: every line is written at once instead.
            batch.stopped.store(true, Ordering::Relaxed);
        }
        batch
    }

    fn write_out(&self) {
        let lines = std::mem::take(&mut *lock(&self.buf));
        if !lines.is_empty() {
            let mut out = lock(&self.out);
            // Nowhere to report a failing standard error: the lines are lost, the service goes on.
            let _ = out.write_all(&lines).and_then(|()| out.flush());
        }
    }
}

/// The `MakeWriter` of the subscriber: appends to the shared [`Batch`].
#[derive(Clone)]
struct BatchWriter(Arc<Batch>);

impl Write for &Batch {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let mut buf = lock(&self.buf);
        buf.extend_from_slice(line);
        if buf.len() >= FLUSH_AT || self.stopped.load(Ordering::Relaxed) {
            drop(buf);
            self.write_out();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for BatchWriter {
    type Writer = &'a Batch;

    fn make_writer(&'a self) -> Self::Writer {
        &self.0
    }
}

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
/// Lines are buffered and written out every 50 ms by a background thread, so a request never
/// waits on standard error; past 256 KiB the request's own thread writes the buffer out (no line
/// is dropped). `serve` writes out the buffer when it stops; an app that exits some other way
/// calls [`flush_logs`].
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
    let batch = Batch::start(Box::new(std::io::stderr()));
    let writer = BatchWriter(batch.clone());
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
        *lock(&WRITER) = Some(batch);
    } else {
        batch.stopped.store(true, Ordering::Relaxed);
    }
    installed
}

/// Writes out the log lines still buffered by [`init_logging`]'s writer and stops its timer;
/// later lines are written at once. For the end of a process.
pub fn flush_logs() {
    if let Some(batch) = lock(&WRITER).as_ref() {
        batch.stopped.store(true, Ordering::Relaxed);
        batch.write_out();
    }
}
