//! Runtime configuration shared by every handler of an app.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::auth::AuthConfig;
use crate::idempotency::{IdempotencyStore, MemoryStore};
use crate::l10n::Localizer;

/// Default body limit: far above anything B2C sends, far below what could hurt the process.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Default time limit for reading a whole request body: well under B2C's 10 s timeout, far above
/// what a body of B2C's size needs.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Default handler deadline, under B2C's 10 s per-attempt timeout.
pub const DEFAULT_DEADLINE_MS: u32 = 8_000;

/// Configuration read by every request (stored once per app, shared by reference).
#[derive(Debug)]
pub struct ClaimsConfig {
    /// Send `developerMessage` and `moreInfo` in error bodies.
    pub debug: bool,
    /// The `version` field of error bodies.
    pub api_version: Cow<'static, str>,
    /// Largest accepted request body, in bytes (larger answers 413).
    pub body_limit: usize,
    /// Time limit for reading the whole body (slower answers 408 and closes the connection). An
    /// [`crate::App`] sets it from [`crate::ServerLimits::body_read_timeout`].
    pub body_read_timeout: Duration,
    /// Deadline for handlers that declare none.
    pub default_deadline_ms: u32,
    /// Message catalogs.
    pub localizer: Localizer,
    /// Caller authentication.
    pub auth: AuthConfig,
    /// Where `idempotent` handlers keep their first answers.
    pub idempotency: Arc<dyn IdempotencyStore>,
}

impl std::fmt::Debug for dyn IdempotencyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdempotencyStore")
    }
}

impl Default for ClaimsConfig {
    fn default() -> Self {
        ClaimsConfig {
            debug: false,
            api_version: Cow::Borrowed("1.0.0"),
            body_limit: DEFAULT_BODY_LIMIT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            default_deadline_ms: DEFAULT_DEADLINE_MS,
            localizer: Localizer::new(),
            auth: AuthConfig::default(),
            idempotency: Arc::new(MemoryStore::default()),
        }
    }
}

impl ClaimsConfig {
    /// The configuration used when a handler is mounted without an [`crate::App`].
    pub fn fallback() -> Arc<ClaimsConfig> {
        static FALLBACK: OnceLock<Arc<ClaimsConfig>> = OnceLock::new();
        FALLBACK
            .get_or_init(|| Arc::new(ClaimsConfig::default()))
            .clone()
    }
}
