//! Process-wide health of shared (external) idempotency stores, for metrics and dashboards.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

static FAILURES: AtomicU64 = AtomicU64::new(0);
static AVAILABLE: AtomicBool = AtomicBool::new(true);

/// Records the outcome of one shared-store operation (called by the stores).
#[cfg(feature = "redis")]
pub(crate) fn record(ok: bool) {
    if !ok {
        FAILURES.fetch_add(1, Ordering::Relaxed);
    }
    AVAILABLE.store(ok, Ordering::Relaxed);
}

/// Operations of shared idempotency stores (Redis) that failed since the process started, all
/// stores together: each is a request served without retry protection, or an answer not kept.
/// Always 0 without a shared store. A monotonic counter, for a metric.
pub fn shared_store_failures() -> u64 {
    FAILURES.load(Ordering::Relaxed)
}

/// Whether the last operation of a shared idempotency store reached it (`true` when there is
/// none, or before the first operation). A gauge, for a metric.
pub fn shared_store_available() -> bool {
    AVAILABLE.load(Ordering::Relaxed)
}
