//! The service's log lines, captured in tests: [`capture`] installs a JSON subscriber (the format
//! `serve` writes) that appends to a buffer, [`captured`] reads it. For asserting what is logged,
//! and what is not (a claim value, a secret).

use std::sync::{Mutex, Once};

static LOG: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOG.lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs, once per test binary, the global subscriber that captures every event at `DEBUG`
/// and above as one flattened JSON object per line. Panics if another global subscriber was
/// installed first.
pub fn capture() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(|| Capture)
            .init();
    });
}

/// Everything captured so far, as text (lines of JSON).
pub fn captured() -> String {
    String::from_utf8_lossy(&LOG.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}
