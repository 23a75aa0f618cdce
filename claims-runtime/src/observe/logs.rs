//! The log subscriber `serve` installs: text on a terminal, JSON lines otherwise.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
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
    buf: Mutex<Pending>,
    /// Standard error, and the buffer written out last (swapped with the pending one, so the
    /// pending buffer keeps its capacity instead of growing anew after every write-out).
    out: Mutex<(Box<dyn Write + Send>, Vec<u8>)>,
    stopped: AtomicBool,
}

/// Lines not yet written out, and the date of the last access line written directly.
struct Pending {
    lines: Vec<u8>,
    /// The Unix second `date` was formatted for.
    second: i64,
    /// `2026-11-30T03:35:45`.
    date: String,
}

fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Batch {
    fn start(out: Box<dyn Write + Send>) -> Arc<Batch> {
        let batch = Arc::new(Batch {
            buf: Mutex::new(Pending {
                lines: Vec::with_capacity(FLUSH_AT),
                second: i64::MIN,
                date: String::new(),
            }),
            out: Mutex::new((out, Vec::new())),
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

    /// Appends to the pending lines under the lock, writing them out past [`FLUSH_AT`] (or at
    /// once when the timer is stopped).
    fn append(&self, f: impl FnOnce(&mut Pending)) {
        let mut buf = lock(&self.buf);
        f(&mut buf);
        if buf.lines.len() >= FLUSH_AT || self.stopped.load(Ordering::Relaxed) {
            drop(buf);
            self.write_out();
        }
    }

    fn write_out(&self) {
        let mut out = lock(&self.out);
        let (w, lines) = &mut *out;
        std::mem::swap(&mut lock(&self.buf).lines, lines);
        if !lines.is_empty() {
            // Nowhere to report a failing standard error: the lines are lost, the service goes on.
            let _ = w.write_all(lines).and_then(|()| w.flush());
            lines.clear();
        }
    }
}

/// The `MakeWriter` of the subscriber: appends to the shared [`Batch`].
#[derive(Clone)]
struct BatchWriter(Arc<Batch>);

impl Write for &Batch {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        self.append(|p| p.lines.extend_from_slice(line));
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
    // JSON lines, access lines or not, have their own writer ([`JsonLines`]); text ones go
    // through the `fmt` layer.
    let lines: Option<Box<dyn Layer<Registry> + Send + Sync>> = (!json).then(|| {
        fmt::layer()
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(writer.clone())
            .boxed()
    });
    // Span and field directives are the ones in brackets.
    let fixed = std::env::var(EnvFilter::DEFAULT_ENV).map_or(true, |v| !v.contains('['));
    let access = json.then(|| JsonLines::new(writer, fixed));
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

/// The JSON log lines. Access lines (target [`super::ACCESS_TARGET`]) have the keys of
/// `tracing-subscriber`'s JSON format (`timestamp`, `level`, `message`, the fields, `target`)
/// and are written without that layer: a profile showed its timestamp and number formatting
/// costing about a fifth of a small request, so the date is formatted once per second and
/// numbers without `core::fmt`. [`write_access`] finds this layer in the subscriber and writes
/// the line without a `tracing` event. Other events are written as that format writes them.
// With `otel` access lines always go through `tracing` (spans need the event): the direct
// writer's filter answers are then unused.
#[cfg_attr(feature = "otel", allow(dead_code))]
struct JsonLines {
    out: BatchWriter,
    /// `RUST_LOG` has no span or field directives: its answer for access lines never changes
    /// and is kept in `levels` once asked (`enabled!` asks the filter on every call).
    fixed: bool,
    /// The filter's answer for info (0) and debug (1) access lines: 0 not asked, 1 off, 2 on.
    levels: [AtomicU8; 2],
}

impl JsonLines {
    fn new(out: BatchWriter, fixed: bool) -> Self {
        JsonLines {
            out,
            fixed,
            levels: [AtomicU8::new(0), AtomicU8::new(0)],
        }
    }
}

/// Starts a line: `{"timestamp":"…","level":"…","message":"request"`.
fn line_start(p: &mut Pending, level: &tracing::Level) {
    line_timestamp(p);
    // Whole constants: copied without a call each.
    p.lines.extend_from_slice(match *level {
        tracing::Level::INFO => b"\",\"level\":\"INFO\",\"message\":\"request\"",
        tracing::Level::DEBUG => b"\",\"level\":\"DEBUG\",\"message\":\"request\"",
        tracing::Level::WARN => b"\",\"level\":\"WARN\",\"message\":\"request\"",
        tracing::Level::ERROR => b"\",\"level\":\"ERROR\",\"message\":\"request\"",
        tracing::Level::TRACE => b"\",\"level\":\"TRACE\",\"message\":\"request\"",
    });
}

/// Starts a line: `{"timestamp":"…` (to the microsecond, UTC, without the closing quote).
fn line_timestamp(p: &mut Pending) {
    // The clock read alone; chrono converts and formats once per second.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let second = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    if second != p.second {
        p.second = second;
        // Not `format`: its pattern interpreter is 15 KB of code for one fixed layout.
        let t = chrono::DateTime::from_timestamp(second, 0)
            .unwrap_or_default()
            .naive_utc();
        p.date = format!(
            "{{\"timestamp\":\"{}T{:02}:{:02}:{:02}",
            t.date(),
            chrono::Timelike::hour(&t),
            chrono::Timelike::minute(&t),
            chrono::Timelike::second(&t)
        );
    }
    let line = &mut p.lines;
    line.extend_from_slice(p.date.as_bytes());
    let mut digits = *b".000000Z";
    let mut m = now.subsec_micros();
    for d in digits[1..7].iter_mut().rev() {
        *d = b'0' + (m % 10) as u8;
        m /= 10;
    }
    line.extend_from_slice(&digits);
}

/// Ends a line: `,"target":"…"}` and the newline.
fn line_end(line: &mut Vec<u8>) {
    // `super::ACCESS_TARGET` (the tests compare with the event's line).
    line.extend_from_slice(b",\"target\":\"claims::access\"}\n");
}

/// An access line for [`write_access`]: the fields of the `tracing` event, in its order.
// Unread with `otel`, where every line is an event.
#[cfg_attr(feature = "otel", allow(dead_code))]
pub(crate) struct AccessLine<'a> {
    /// At debug (health checks), else info.
    pub(crate) debug: bool,
    /// The method, unless `route` has it.
    pub(crate) method: Option<&'a str>,
    /// The `method` (for a route reached by one method), `path` and `technical_profile`
    /// members ([`route_members`]).
    pub(crate) route: &'a [u8],
    pub(crate) status: u16,
    pub(crate) outcome: &'static str,
    /// The `latency_ms` field, in microseconds.
    pub(crate) latency_us: u64,
    pub(crate) correlation_id: Option<&'a str>,
    pub(crate) reason: Option<&'a str>,
}

/// `,"method":…` when there is one, `,"path":…` and, when there is one,
/// `,"technical_profile":…`: rendered once per route.
pub(crate) fn route_members(
    method: Option<&str>,
    path: &str,
    technical_profile: Option<&str>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut m = Members(&mut out);
    if let Some(method) = method {
        m.key("method");
        m.string(method);
    }
    m.key("path");
    m.string(path);
    if let Some(p) = technical_profile {
        m.key("technical_profile");
        m.string(p);
    }
    out
}

/// Writes `line` straight into the buffer of [`init_logging`]'s JSON writer when that writer
/// is in the subscriber in force, as the `tracing` event would have been written (visiting the
/// event's fields cost more than the rest of the access log and metrics together). Returns
/// `false` when the line must go through a `tracing` event instead (another subscriber, text
/// lines, or OpenTelemetry, which turns the event into a span event). A line the filter
/// (`RUST_LOG`) turns off is not written, and `true` is returned.
pub(crate) fn write_access(line: &AccessLine<'_>) -> bool {
    #[cfg(feature = "otel")]
    {
        let _ = line;
        false
    }
    #[cfg(not(feature = "otel"))]
    {
        use tracing::Level;
        macro_rules! enabled {
            ($level:expr) => {
                tracing::event_enabled!(
                    target: super::ACCESS_TARGET,
                    $level,
                    method,
                    path,
                    technical_profile,
                    status,
                    outcome,
                    latency_ms,
                    correlation_id,
                    reason
                )
            };
        }
        let (level, at) = if line.debug {
            (Level::DEBUG, 1)
        } else {
            (Level::INFO, 0)
        };
        if level > tracing::level_filters::STATIC_MAX_LEVEL
            || level > tracing::level_filters::LevelFilter::current()
        {
            // No subscriber wants it.
            return true;
        }
        let write = |json: &JsonLines| {
            json.out.0.append(|p| {
                line_start(p, &level);
                let mut m = Members(&mut p.lines);
                if let Some(method) = line.method {
                    // An HTTP token: nothing to escape.
                    m.0.extend_from_slice(b",\"method\":\"");
                    m.0.extend_from_slice(method.as_bytes());
                    m.0.push(b'"');
                }
                m.0.extend_from_slice(line.route);
                m.0.extend_from_slice(b",\"status\":");
                m.int(line.status.into());
                m.0.extend_from_slice(b",\"outcome\":\"");
                m.0.extend_from_slice(line.outcome.as_bytes());
                m.0.extend_from_slice(b"\",\"latency_ms\":");
                m.thousandths(line.latency_us);
                if let Some(c) = line.correlation_id {
                    m.0.extend_from_slice(b",\"correlation_id\":");
                    m.string(c);
                }
                if let Some(r) = line.reason {
                    m.0.extend_from_slice(b",\"reason\":");
                    m.string(r);
                }
                line_end(&mut p.lines);
            });
        };
        let known = tracing::dispatcher::get_default(|d| {
            let json = d.downcast_ref::<JsonLines>()?;
            match json.levels[at].load(Ordering::Relaxed) {
                1 => {}
                2 => write(json),
                _ => return Some(false),
            }
            Some(true)
        });
        match known {
            None => return false,
            Some(true) => return true,
            Some(false) => {}
        }
        // Asked outside `get_default`, which does not nest.
        let enabled = if line.debug {
            enabled!(Level::DEBUG)
        } else {
            enabled!(Level::INFO)
        };
        tracing::dispatcher::get_default(|d| match d.downcast_ref::<JsonLines>() {
            Some(json) => {
                if json.fixed {
                    json.levels[at].store(if enabled { 2 } else { 1 }, Ordering::Relaxed);
                }
                if enabled {
                    write(json);
                }
                true
            }
            None => false,
        })
    }
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
        self.millis(value);
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

impl Members<'_> {
    /// A number with three decimals (latency in milliseconds to the microsecond); `null` when
    /// negative or not finite.
    fn millis(&mut self, value: f64) {
        if !value.is_finite() || value < 0.0 {
            self.0.extend_from_slice(b"null");
            return;
        }
        self.thousandths((value * 1000.0).round() as u64);
    }

    /// `n` thousandths as a number with three decimals.
    fn thousandths(&mut self, thousandths: u64) {
        self.int(thousandths / 1000);
        let frac = thousandths % 1000;
        self.0.extend_from_slice(&[
            b'.',
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ]);
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for JsonLines {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let meta = event.metadata();
        if meta.target() == super::ACCESS_TARGET {
            self.out.0.append(|p| {
                line_start(p, meta.level());
                event.record(&mut Members(&mut p.lines));
                line_end(&mut p.lines);
            });
            return;
        }
        // Any other event: `tracing-subscriber`'s JSON format with flattened fields and no
        // spans, key for key and type for type (the test below compares the two). Written here
        // because that layer's generic code was about 45 KB of every service.
        let normalized = tracing_log::NormalizeEvent::normalized_metadata(event);
        let meta = normalized.as_ref().unwrap_or(meta);
        self.out.0.append(|p| {
            line_timestamp(p);
            p.lines.extend_from_slice(b"\",\"level\":\"");
            p.lines.extend_from_slice(meta.level().as_str().as_bytes());
            p.lines.push(b'"');
            event.record(&mut Fields(&mut p.lines));
            p.lines.extend_from_slice(b",\"target\":");
            crate::types::write_json_str(meta.target(), &mut p.lines);
            p.lines.extend_from_slice(b"}\n");
        });
    }
}

/// Appends every field of an event as a JSON member, typed as `tracing-serde` types them:
/// numbers and booleans as such, anything else (the message too) as a string of its `Debug`
/// output.
struct Fields<'a>(&'a mut Vec<u8>);

impl Fields<'_> {
    fn key(&mut self, field: &tracing::field::Field) {
        self.0.push(b',');
        crate::types::write_json_str(field.name(), self.0);
        self.0.push(b':');
    }
}

impl tracing::field::Visit for Fields<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.key(field);
        crate::types::write_json_str(value, self.0);
    }

    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.key(field);
        self.0
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        self.key(field);
        self.0
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        self.key(field);
        // serde_json's number text (`null` when not finite).
        let _ = serde_json::to_writer(&mut *self.0, &value);
    }

    fn record_bool(&mut self, field: &tracing::field::Field, value: bool) {
        self.key(field);
        self.0
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.key(field);
        self.0.push(b'"');
        let _ = std::fmt::Write::write_fmt(&mut Escaped(self.0), format_args!("{value:?}"));
        self.0.push(b'"');
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
        let subscriber =
            tracing_subscriber::registry().with(JsonLines::new(BatchWriter(batch.clone()), false));
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
        // The other event is a line of its own (see the test of those below).
        assert_eq!(text.lines().count(), 2, "{text}");
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
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

    /// The line `write_access` writes without an event is the event's line, key for key and
    /// in the same order (the timestamp aside).
    #[test]
    fn a_direct_access_line_is_the_event_line() {
        let sink = Sink::default();
        let batch = Batch::start(Box::new(sink.clone()));
        let subscriber = tracing_subscriber::registry()
            .with(JsonLines::new(BatchWriter(batch.clone()), false))
            .with(tracing_subscriber::filter::LevelFilter::DEBUG);
        let members = route_members(None, "/m/{id}", Some("REST-M"));
        let cases = [
            (
                false,
                "POST",
                409u16,
                "user_error",
                Some("c\"x\n\u{1}é"),
                Some("user error x"),
            ),
            (true, "GET", 200, "ok", None, None),
            (false, "HEAD", 200, "ok", Some("0f6c1f0e"), None),
        ];
        tracing::subscriber::with_default(subscriber, || {
            for (debug, method, status, outcome, correlation_id, reason) in cases {
                let line = AccessLine {
                    debug,
                    method: Some(method),
                    route: &members,
                    status,
                    outcome,
                    latency_us: 1235,
                    correlation_id,
                    reason,
                };
                assert!(write_access(&line), "written directly");
                let (path, technical_profile, latency_ms) = ("/m/{id}", Some("REST-M"), 1.23456f64);
                macro_rules! event {
                    ($level:ident) => {
                        tracing::$level!(
                            target: crate::observe::ACCESS_TARGET,
                            method = %method,
                            path,
                            technical_profile,
                            status,
                            outcome,
                            latency_ms,
                            correlation_id,
                            reason,
                            "request"
                        )
                    };
                }
                if debug {
                    event!(debug);
                } else {
                    event!(info);
                }
            }
        });
        batch.stopped.store(true, Ordering::Relaxed);
        batch.write_out();
        let text = String::from_utf8(lock(&sink.0).clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        for pair in lines.chunks(2) {
            let untimed = |l: &str| l.split_once("\",\"level\"").unwrap().1.to_owned();
            assert_eq!(untimed(pair[0]), untimed(pair[1]), "{text}");
            let v: serde_json::Value = serde_json::from_str(pair[0]).unwrap();
            assert_eq!(v["latency_ms"], 1.235, "{v}");
            assert_eq!(v["path"], "/m/{id}", "{v}");
        }
        assert!(lines[2].contains("\"level\":\"DEBUG\""), "{text}");
        let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first["correlation_id"], "c\"x\n\u{1}é");
    }

    /// A line the filter turns off is not written; another subscriber gets the event.
    #[test]
    fn a_direct_access_line_follows_the_filter_and_the_subscriber() {
        // Asking the filter every time, and once (a `RUST_LOG` without span directives).
        for fixed in [false, true] {
            direct_line_follows_the_filter(fixed);
        }
    }

    fn direct_line_follows_the_filter(fixed: bool) {
        let sink = Sink::default();
        let batch = Batch::start(Box::new(sink.clone()));
        let members = route_members(Some("GET"), "/h", None);
        let line = |debug| AccessLine {
            debug,
            method: None,
            route: &members,
            status: 200,
            outcome: "ok",
            latency_us: 500,
            correlation_id: None,
            reason: None,
        };
        let subscriber = tracing_subscriber::registry()
            .with(JsonLines::new(BatchWriter(batch.clone()), fixed))
            .with(tracing_subscriber::filter::LevelFilter::INFO);
        tracing::subscriber::with_default(subscriber, || {
            // Twice each: asked, then (when fixed) known.
            for _ in 0..2 {
                assert!(
                    write_access(&line(true)),
                    "a debug line under info: nothing to write"
                );
                assert!(write_access(&line(false)), "fixed {fixed}");
            }
        });
        let other = tracing_subscriber::registry().with(tracing_subscriber::fmt::layer());
        tracing::subscriber::with_default(other, || {
            assert!(
                !write_access(&line(false)),
                "not our writer: an event instead"
            );
        });
        batch.stopped.store(true, Ordering::Relaxed);
        batch.write_out();
        let text = String::from_utf8(lock(&sink.0).clone()).unwrap();
        assert_eq!(text.lines().count(), 2, "fixed {fixed}: {text}");
        assert!(text.contains("\"level\":\"INFO\""), "{text}");
        assert!(!text.contains("technical_profile"), "{text}");
    }

    /// With serve's JSON writer, an access event is written once, and any other event as
    /// `tracing-subscriber`'s JSON layer (flattened fields, no spans) writes it: the same keys,
    /// in the same order, with the same values.
    #[test]
    fn other_events_are_written_as_the_fmt_json_layer_writes_them() {
        fn emit() {
            tracing::info!(target: crate::observe::ACCESS_TARGET, status = 200u16, "request");
            tracing::info!(target: "elsewhere", "started");
            tracing::debug!(target: "elsewhere", "filtered out");
            let e = std::io::Error::other("quote\" back\\ ctl\u{1} é");
            tracing::warn!(
                a = 1u64,
                b = -2i64,
                c = 0.1f64 + 0.2f64,
                d = f64::NAN,
                e = 1e21f64,
                f = true,
                g = "str\n",
                h = ?vec![1, 2],
                error = %e,
                "message with {} and \"quotes\"",
                "args"
            );
            tracing::error!(target: "with space/and\"quote", big = u128::MAX, "odd target");
            let record = log::Record::builder()
                .target("actix_server::builder")
                .module_path(Some("actix_server::builder"))
                .file(Some("src/builder.rs"))
                .line(Some(7))
                .level(log::Level::Info)
                .args(format_args!("starting 1 worker"))
                .build();
            tracing_log::format_trace(&record).unwrap();
        }
        // Everything after the timestamp of each line.
        fn lines(text: &str) -> Vec<String> {
            text.lines()
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).unwrap();
                    assert!(v["timestamp"].as_str().unwrap().ends_with('Z'), "{l}");
                    l.split_once("\",\"level\"").unwrap().1.to_owned()
                })
                .collect()
        }
        let ours = Sink::default();
        let batch = Batch::start(Box::new(ours.clone()));
        let subscriber = tracing_subscriber::registry()
            .with(JsonLines::new(BatchWriter(batch.clone()), true))
            .with(tracing_subscriber::EnvFilter::new("info"));
        tracing::subscriber::with_default(subscriber, emit);
        batch.stopped.store(true, Ordering::Relaxed);
        batch.write_out();
        let ours = lines(&String::from_utf8(lock(&ours.0).clone()).unwrap());

        let theirs = Sink::default();
        let sink = theirs.clone();
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_span_list(false)
                    .with_writer(move || sink.clone()),
            )
            .with(tracing_subscriber::EnvFilter::new("info"));
        tracing::subscriber::with_default(subscriber, emit);
        let theirs = lines(&String::from_utf8(lock(&theirs.0).clone()).unwrap());

        assert_eq!(ours.len(), 5, "{ours:#?}");
        assert!(
            ours[0].contains("\"target\":\"claims::access\""),
            "{ours:#?}"
        );
        // The fmt layer writes the access line too (it has no writer of its own there); the
        // other four must be the same text.
        assert_eq!(theirs.len(), 5, "{theirs:#?}");
        assert_eq!(ours[1..], theirs[1..]);
        assert!(
            ours[4].contains("\"target\":\"actix_server::builder\""),
            "{ours:#?}"
        );
    }
}
