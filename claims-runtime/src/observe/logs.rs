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
            .with_writer(writer.clone())
            .with_filter(tracing_subscriber::filter::filter_fn(|m| {
                m.target() != super::ACCESS_TARGET
            }))
            .boxed()
    } else {
        fmt::layer()
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(writer.clone())
            .boxed()
    };
    // JSON access lines have their own writer; text ones go through the `fmt` layer above.
    let access = json.then(|| AccessJson { out: writer });
    let subscriber = tracing_subscriber::registry().with(lines).with(access);
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

/// Writes the JSON access lines (target [`super::ACCESS_TARGET`]) itself, with the keys of the
/// `fmt` layer's JSON (`timestamp`, `level`, `message`, the fields, `target`): a profile showed
/// the general layer's timestamp and number formatting costing about a fifth of a small
/// request, so the date is formatted once per second and numbers without `core::fmt`.
struct AccessJson {
    out: BatchWriter,
}

struct LineBuf {
    line: Vec<u8>,
    /// The Unix second `date` was formatted for, and `2026-11-30T03:35:45`.
    second: i64,
    date: String,
}

thread_local! {
    static LINE: std::cell::RefCell<LineBuf> = const {
        std::cell::RefCell::new(LineBuf { line: Vec::new(), second: i64::MIN, date: String::new() })
    };
}

/// Appends the event's fields as JSON members.
struct Members<'a>(&'a mut Vec<u8>);

impl Members<'_> {
    fn key(&mut self, name: &str) {
        self.0.extend_from_slice(b",\"");
        self.0.extend_from_slice(name.as_bytes());
        self.0.extend_from_slice(b"\":");
    }

    fn int(&mut self, n: u64) {
        self.0
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    fn string(&mut self, s: &str) {
        // Escaped as serde_json does (quotes, control characters: a correlation id is the
        // caller's), copied as is when nothing needs it.
        crate::types::write_json_str(s, self.0);
    }
}

/// Appends formatted text to a JSON string being written, escaping it as `serde_json` does.
struct Escaped<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if crate::types::needs_json_escape(s) {
            let quoted = serde_json::to_vec(s).map_err(|_| std::fmt::Error)?;
            self.0.extend_from_slice(&quoted[1..quoted.len() - 1]);
        } else {
            self.0.extend_from_slice(s.as_bytes());
        }
        Ok(())
    }
}

impl tracing::field::Visit for Members<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() != "message" {
            self.key(field.name());
            self.string(value);
        }
    }

    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.key(field.name());
        self.int(value);
    }

    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        self.key(field.name());
        if value < 0 {
            self.0.push(b'-');
        }
        self.int(value.unsigned_abs());
    }

    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        self.key(field.name());
        if !value.is_finite() || value < 0.0 {
            self.0.extend_from_slice(b"null");
            return;
        }
        // Three decimals (latency in milliseconds to the microsecond).
        let thousandths = (value * 1000.0).round() as u64;
        self.int(thousandths / 1000);
        self.0.push(b'.');
        let frac = thousandths % 1000;
        self.0.extend_from_slice(&[
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ]);
    }

    fn record_bool(&mut self, field: &tracing::field::Field, value: bool) {
        self.key(field.name());
        self.0
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() != "message" {
            self.key(field.name());
            // Formatted straight into the line (`%` fields such as the method), escaped per piece.
            self.0.push(b'"');
            let _ = std::fmt::Write::write_fmt(&mut Escaped(self.0), format_args!("{value:?}"));
            self.0.push(b'"');
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for AccessJson {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let meta = event.metadata();
        if meta.target() != super::ACCESS_TARGET {
            return;
        }
        LINE.with(|cell| {
            let Ok(mut buf) = cell.try_borrow_mut() else {
                return;
            };
            let LineBuf { line, second, date } = &mut *buf;
            let now = chrono::Utc::now();
            if now.timestamp() != *second {
                *second = now.timestamp();
                *date = now.format("%Y-%m-%dT%H:%M:%S").to_string();
            }
            line.clear();
            line.extend_from_slice(b"{\"timestamp\":\"");
            line.extend_from_slice(date.as_bytes());
            let micros = now.timestamp_subsec_micros().min(999_999);
            line.push(b'.');
            let mut digits = [b'0'; 6];
            let mut m = micros;
            for d in digits.iter_mut().rev() {
                *d = b'0' + (m % 10) as u8;
                m /= 10;
            }
            line.extend_from_slice(&digits);
            line.extend_from_slice(b"Z\",\"level\":\"");
            line.extend_from_slice(meta.level().as_str().as_bytes());
            line.extend_from_slice(b"\",\"message\":\"request\"");
            event.record(&mut Members(line));
            line.extend_from_slice(b",\"target\":\"");
            line.extend_from_slice(meta.target().as_bytes());
            line.extend_from_slice(b"\"}\n");
            let _ = (&*self.out.0).write_all(line);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            lock(&self.0).extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn access_lines_are_valid_json_whatever_the_values() {
        let sink = Sink::default();
        let batch = Batch::start(Box::new(sink.clone()));
        let subscriber = tracing_subscriber::registry().with(AccessJson {
            out: BatchWriter(batch.clone()),
        });
        tracing::subscriber::with_default(subscriber, || {
            let correlation_id = Some("c\"x\n\u{1}é");
            tracing::info!(
                target: crate::observe::ACCESS_TARGET,
                method = %"POST",
                path = "/m",
                status = 409u16,
                latency_ms = 1.23456f64,
                correlation_id,
                reason = None::<&str>,
                detail = %"quote\" back\\ ctl\u{1} é",
                "request"
            );
            tracing::info!(target: "elsewhere", "not an access line");
        });
        batch.stopped.store(true, Ordering::Relaxed);
        batch.write_out();
        let text = String::from_utf8(lock(&sink.0).clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(v["correlation_id"], "c\"x\n\u{1}é");
        assert_eq!(v["status"], 409);
        assert_eq!(v["latency_ms"], 1.235);
        assert_eq!(v["method"], "POST");
        assert_eq!(v["detail"], "quote\" back\\ ctl\u{1} é");
        assert_eq!(v["path"], "/m");
        assert_eq!(v["level"], "INFO");
        assert_eq!(v["message"], "request");
        assert_eq!(v["target"], "claims::access");
        assert!(v.get("reason").is_none(), "{v}");
        let ts = v["timestamp"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(ts).is_ok() && ts.len() == 27,
            "{ts}"
        );
    }
}
