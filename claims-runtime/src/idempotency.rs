//! Retry safety: B2C retries a call once after a timeout, and the first attempt may still be
//! running. For handlers declared `idempotent`, the first answer is stored under a digest of the
//! technical profile, the correlation id and the request's claims, and a retry gets that answer
//! instead of running the side effects twice. A retry that arrives while the first attempt is
//! still running waits for it.
//!
//! The key includes the claims because a journey keeps its correlation id: a user who corrects
//! their input and submits again must get a fresh answer, not the stored one.
//!
//! Keys are fixed-size SHA-256 digests, so a huge correlation id costs the store nothing. The
//! in-memory store keeps at most a byte budget of keys and answers, does not keep answers over a
//! per-answer cap, and evicts in insertion order in constant time per request.

mod health;
#[cfg(feature = "redis")]
mod redis;

pub use health::{shared_store_available, shared_store_failures};
#[cfg(feature = "redis")]
pub use redis::{
    DEFAULT_IN_FLIGHT_TTL, DEFAULT_PREFIX, DEFAULT_TIMEOUT, MAX_PREFIX_BYTES, RedisStore,
    RedisStoreError, WARN_EVERY,
};

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The store key: a SHA-256 digest of the technical profile, the correlation id and the claims
/// as received, each part length-prefixed so no two different requests share a key by framing.
///
/// SHA-256 rather than a keyed hash: instances sharing an external store must derive the same key
/// for the same request without sharing a secret, and collisions stay out of reach.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdempotencyKey([u8; 32]);

/// Framing version, so a future change of the framing never matches keys written by this one.
const DOMAIN: &[u8] = b"claims-runtime idempotency key v1\0";

impl IdempotencyKey {
    /// The key for one request.
    pub fn new<'a>(
        technical_profile: &str,
        correlation_id: &str,
        claims: impl IntoIterator<Item = &'a [u8]>,
    ) -> Self {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(DOMAIN);
        let mut part = |bytes: &[u8]| {
            ctx.update(&(bytes.len() as u64).to_be_bytes());
            ctx.update(bytes);
        };
        part(technical_profile.as_bytes());
        part(correlation_id.as_bytes());
        for c in claims {
            part(c);
        }
        let mut out = [0; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        IdempotencyKey(out)
    }

    /// Wraps a digest read back from an external store.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        IdempotencyKey(bytes)
    }

    /// The digest.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest as 64 lowercase hex digits, for stores keyed by text (Redis, SQL).
    pub fn to_hex(&self) -> String {
        use std::fmt::Write;
        self.0.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
}

impl std::fmt::Debug for IdempotencyKey {
    /// A short prefix only: enough to tell keys apart in a test, not a value for logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdempotencyKey({}…)", &self.to_hex()[..8])
    }
}

/// The store key for one request (same as [`IdempotencyKey::new`]).
pub fn key<'a>(
    technical_profile: &str,
    correlation_id: &str,
    claims: impl IntoIterator<Item = &'a [u8]>,
) -> IdempotencyKey {
    IdempotencyKey::new(technical_profile, correlation_id, claims)
}

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status code.
    pub status: u16,
    /// JSON body.
    pub body: Vec<u8>,
}

/// What the store says about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// Nobody answered this request yet: the caller runs the handler and must `complete` or
    /// `abandon` the key.
    First,
    /// Another attempt is running; ask again shortly.
    InFlight,
    /// The stored answer.
    Replay(StoredResponse),
}

/// How many deadlines a first attempt of an `idempotent` handler may run in all: its caller gets
/// "please retry" at the first deadline, the attempt goes on in the background, and the retry
/// (which waits up to its own deadline) gets its real answer.
pub const BACKGROUND_DEADLINES: u32 = 3;

/// A boxed future, for store implementations backed by a network service.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where answers are kept. The in-memory [`MemoryStore`] is the default; implement this for a
/// shared store (Redis `SET NX` with an expiry, a database row) when several instances serve the
/// same profile.
///
/// Contract: `claim` is atomic (two concurrent claims of one key get one `First`); a claim that
/// is never completed must expire on its own (the instance running it may die); `complete` may
/// decline to keep an answer (too large, no room), and then releases the claim so a retry runs
/// the handler again. The runtime only ever completes answers worth replaying: never a deadline
/// answer, never a 5xx.
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Atomically claims `key`, or reports it in flight or done.
    fn claim(&self, key: IdempotencyKey) -> StoreFuture<'_, Claimed>;
    /// Stores the answer for a key this caller claimed.
    fn complete(&self, key: IdempotencyKey, response: StoredResponse) -> StoreFuture<'_, ()>;
    /// Releases a claim without an answer (the attempt failed in a way worth retrying).
    fn abandon(&self, key: IdempotencyKey) -> StoreFuture<'_, ()>;
}

enum State {
    InFlight,
    Done(StoredResponse),
}

struct Entry {
    /// Which queue item owns this entry: older items for the same key are stale.
    seq: u64,
    /// Claim time while in flight, completion time once done (the TTL counts from there).
    at: Instant,
    state: State,
}

/// Accounted cost of one key held (map slot, including hash table overhead, beyond the answer).
const ENTRY_BYTES: usize = std::mem::size_of::<(IdempotencyKey, Entry)>() + 16;
/// Accounted cost of one queue item (stale ones included until they reach the front).
const QUEUE_BYTES: usize = std::mem::size_of::<(IdempotencyKey, u64)>();
/// Live in-flight items moved to the back per call while looking for room: bounds the work of a
/// call when the budget is full of running attempts.
const MAX_ROTATIONS: usize = 8;

#[derive(Default)]
struct Inner {
    map: HashMap<IdempotencyKey, Entry>,
    /// Keys in insertion order. Eviction and expiry pop from the front; every item is popped at
    /// most once after being pushed, so the work per call is constant when amortized.
    order: VecDeque<(IdempotencyKey, u64)>,
    bytes: usize,
    next_seq: u64,
}

impl Inner {
    fn push(&mut self, key: IdempotencyKey, at: Instant) {
        let seq = self.next_seq;
        self.next_seq += 1;
        if let Some(old) = self.map.insert(
            key,
            Entry {
                seq,
                at,
                state: State::InFlight,
            },
        ) {
            self.bytes -= Self::entry_cost(&old);
        }
        self.order.push_back((key, seq));
        self.bytes += ENTRY_BYTES + QUEUE_BYTES;
    }

    fn entry_cost(e: &Entry) -> usize {
        ENTRY_BYTES
            + match &e.state {
                State::InFlight => 0,
                State::Done(r) => r.body.len(),
            }
    }

    fn remove(&mut self, key: &IdempotencyKey) {
        if let Some(e) = self.map.remove(key) {
            self.bytes -= Self::entry_cost(&e);
            // Most releases are of the newest claim: drop its queue item now, not when stale.
            if self.order.back() == Some(&(*key, e.seq)) {
                self.order.pop_back();
                self.bytes -= QUEUE_BYTES;
            }
        }
    }

    /// Pops front items that are stale or expired, then evicts finished entries (oldest first)
    /// until `need` more bytes fit in `budget`. Running attempts are never evicted. Returns
    /// whether the bytes fit.
    fn make_room(&mut self, need: usize, budget: usize, ttl: Duration, now: Instant) -> bool {
        let mut rotations = 0;
        while let Some(&(key, seq)) = self.order.front() {
            let (live, running) = match self.map.get(&key) {
                Some(e) if e.seq == seq => (
                    now.saturating_duration_since(e.at) <= ttl,
                    matches!(e.state, State::InFlight),
                ),
                _ => {
                    // Stale: its entry was released, evicted or claimed again.
                    self.order.pop_front();
                    self.bytes -= QUEUE_BYTES;
                    continue;
                }
            };
            let full = self.bytes + need > budget;
            if !live || (full && !running) {
                self.order.pop_front();
                self.bytes -= QUEUE_BYTES;
                self.remove(&key);
            } else if full && rotations < MAX_ROTATIONS {
                rotations += 1;
                self.order.pop_front();
                self.order.push_back((key, seq));
            } else {
                break;
            }
        }
        self.bytes + need <= budget
    }
}

/// An in-memory store with a time-to-live, a byte budget and a per-answer size cap.
///
/// ```
/// use std::time::Duration;
/// use claims_runtime::idempotency::MemoryStore;
///
/// let store = MemoryStore::default()
///     .with_ttl(Duration::from_secs(120))
///     .with_max_bytes(16 * 1024 * 1024)
///     .with_max_answer_bytes(8 * 1024);
/// assert_eq!(store.bytes(), 0);
/// ```
pub struct MemoryStore {
    ttl: Duration,
    max_bytes: usize,
    max_answer_bytes: usize,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("ttl", &self.ttl)
            .field("max_bytes", &self.max_bytes)
            .field("max_answer_bytes", &self.max_answer_bytes)
            .finish()
    }
}

/// Default time an answer is kept: B2C retries within seconds, a user resubmits within minutes.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
/// Default byte budget of the in-memory store (keys, answers and bookkeeping).
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;
/// Default largest answer kept: output claims are small, a larger answer is not kept.
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 64 * 1024;

impl Default for MemoryStore {
    /// [`DEFAULT_TTL`], [`DEFAULT_MAX_BYTES`], [`DEFAULT_MAX_ANSWER_BYTES`].
    fn default() -> Self {
        MemoryStore {
            ttl: DEFAULT_TTL,
            max_bytes: DEFAULT_MAX_BYTES,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            inner: Mutex::default(),
        }
    }
}

impl MemoryStore {
    /// Keeps answers for `ttl` after they are complete (in-flight claims expire after `ttl` too).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Bounds the accounted bytes of keys, answers and bookkeeping; the oldest finished answers
    /// are evicted to make room.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Answers larger than this are not kept (a retry runs the handler again).
    pub fn with_max_answer_bytes(mut self, max_answer_bytes: usize) -> Self {
        self.max_answer_bytes = max_answer_bytes;
        self
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The lock is never held across user code; a poisoned one still holds consistent data.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Number of keys held (running and finished).
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// `true` when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Accounted bytes held: keys, answers and bookkeeping. Never above the byte budget.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn claim_now(&self, key: IdempotencyKey, now: Instant) -> Claimed {
        let mut inner = self.lock();
        if let Some(e) = inner.map.get(&key)
            && now.saturating_duration_since(e.at) <= self.ttl
        {
            return match &e.state {
                State::InFlight => Claimed::InFlight,
                State::Done(r) => Claimed::Replay(r.clone()),
            };
        }
        inner.remove(&key);
        if inner.make_room(ENTRY_BYTES + QUEUE_BYTES, self.max_bytes, self.ttl, now) {
            inner.push(key, now);
        } else {
            // Full of running attempts: this one runs unprotected rather than not at all.
            tracing::warn!("idempotency store full of running attempts; this request is not kept");
        }
        Claimed::First
    }

    fn complete_now(&self, key: IdempotencyKey, mut response: StoredResponse, now: Instant) {
        let mut inner = self.lock();
        if !matches!(inner.map.get(&key), Some(e) if matches!(e.state, State::InFlight)) {
            // Not claimed here (expired, or the store was full at claim time).
            return;
        }
        let size = response.body.len();
        if size > self.max_answer_bytes {
            tracing::info!(
                size,
                cap = self.max_answer_bytes,
                "answer larger than the idempotency cap is not kept"
            );
            inner.remove(&key);
            return;
        }
        if !inner.make_room(size, self.max_bytes, self.ttl, now) {
            tracing::warn!("idempotency store full of running attempts; this answer is not kept");
            inner.remove(&key);
            return;
        }
        response.body.shrink_to_fit();
        if let Some(e) = inner.map.get_mut(&key) {
            e.at = now;
            e.state = State::Done(response);
            inner.bytes += size;
        }
    }

    fn abandon_now(&self, key: IdempotencyKey) {
        let mut inner = self.lock();
        if matches!(inner.map.get(&key), Some(e) if matches!(e.state, State::InFlight)) {
            inner.remove(&key);
        }
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim(&self, key: IdempotencyKey) -> StoreFuture<'_, Claimed> {
        let c = self.claim_now(key, Instant::now());
        Box::pin(async move { c })
    }

    fn complete(&self, key: IdempotencyKey, response: StoredResponse) -> StoreFuture<'_, ()> {
        self.complete_now(key, response, Instant::now());
        Box::pin(async {})
    }

    fn abandon(&self, key: IdempotencyKey) -> StoreFuture<'_, ()> {
        self.abandon_now(key);
        Box::pin(async {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    fn resp(s: u16) -> StoredResponse {
        StoredResponse {
            status: s,
            body: b"{}".to_vec(),
        }
    }

    fn k(name: &str) -> IdempotencyKey {
        key("REST-T", name, [&b"{}"[..]])
    }

    /// A budget holding exactly `n` finished answers of `resp`'s size.
    fn room_for(n: usize) -> usize {
        n * (ENTRY_BYTES + QUEUE_BYTES + 2)
    }

    #[test]
    fn first_inflight_replay_and_abandon() {
        let s = MemoryStore::default();
        let now = Instant::now();
        assert_eq!(s.claim_now(k("k"), now), Claimed::First);
        assert_eq!(s.claim_now(k("k"), now), Claimed::InFlight);
        s.complete(k("k"), resp(200)).now_or_never().unwrap();
        assert_eq!(s.claim_now(k("k"), now), Claimed::Replay(resp(200)));
        assert_eq!(s.claim_now(k("other"), now), Claimed::First);
        s.abandon(k("other")).now_or_never().unwrap();
        assert_eq!(s.claim_now(k("other"), now), Claimed::First);
    }

    #[test]
    fn entries_expire() {
        let s = MemoryStore::default().with_ttl(Duration::from_millis(10));
        let t0 = Instant::now();
        assert_eq!(s.claim_now(k("a"), t0), Claimed::First);
        s.complete_now(k("a"), resp(200), t0);
        let later = t0 + Duration::from_millis(50);
        assert_eq!(s.claim_now(k("a"), later), Claimed::First, "expired");
        assert_eq!(
            s.len(),
            1,
            "the expired answer was dropped, the new claim kept"
        );
    }

    #[test]
    fn keys_differ_by_claims() {
        assert_ne!(
            key("REST-A", "c1", [&b"x"[..]]),
            key("REST-A", "c1", [&b"y"[..]])
        );
        assert_ne!(
            key("REST-A", "c1", [&b"x"[..]]),
            key("REST-B", "c1", [&b"x"[..]])
        );
        assert_eq!(
            key("REST-A", "c1", [&b"x"[..]]),
            key("REST-A", "c1", [&b"x"[..]])
        );
    }

    #[test]
    fn key_framing_is_unambiguous() {
        let x = [&b"x"[..]];
        assert_ne!(key("REST-A\u{1f}c1", "x", x), key("REST-A", "c1\u{1f}x", x));
        assert_ne!(
            key("REST-A", "c1", [&b"ab"[..], &b"c"[..]]),
            key("REST-A", "c1", [&b"a"[..], &b"bc"[..]])
        );
        assert_ne!(key("REST-A", "c1", [&b""[..]]), key("REST-A", "c1", []));
        assert_ne!(key("REST-A", "", [&b"c1"[..]]), key("REST-A", "c1", []));
    }

    #[test]
    fn huge_correlation_id_gives_a_fixed_size_key() {
        let huge = "c".repeat(1024 * 1024);
        let a = key("REST-A", &huge, [&b"{}"[..]]);
        assert_eq!(a.as_bytes().len(), 32);
        assert_eq!(a.to_hex().len(), 64);
        assert_ne!(a, key("REST-A", &huge[1..], [&b"{}"[..]]));
        let s = MemoryStore::default();
        let now = Instant::now();
        assert_eq!(s.claim_now(a, now), Claimed::First);
        s.complete_now(a, resp(200), now);
        assert_eq!(s.bytes(), ENTRY_BYTES + QUEUE_BYTES + 2);
    }

    #[test]
    fn hex_form_round_trips() {
        let a = key("REST-A", "c1", [&b"x"[..]]);
        assert!(a.to_hex().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(IdempotencyKey::from_bytes(*a.as_bytes()), a);
        assert!(
            !format!("{a:?}").contains(&a.to_hex()),
            "Debug shows a prefix only"
        );
    }

    #[test]
    fn in_flight_entries_are_never_evicted_and_the_store_stays_bounded() {
        let s = MemoryStore::default().with_max_bytes(3 * (ENTRY_BYTES + QUEUE_BYTES));
        let now = Instant::now();
        for n in ["a", "b", "c", "d", "e"] {
            assert_eq!(s.claim_now(k(n), now), Claimed::First);
        }
        assert_eq!(s.len(), 3);
        for n in ["a", "b", "c"] {
            assert_eq!(
                s.claim_now(k(n), now),
                Claimed::InFlight,
                "{n} is still running"
            );
        }
        // An answer for a claim the store could not hold is not kept either.
        s.complete_now(k("d"), resp(200), now);
        assert!(s.bytes() <= 3 * (ENTRY_BYTES + QUEUE_BYTES));
    }

    #[test]
    fn oldest_finished_entry_is_evicted_first() {
        let s = MemoryStore::default().with_max_bytes(room_for(3));
        let now = Instant::now();
        for n in ["a", "b", "c"] {
            assert_eq!(s.claim_now(k(n), now), Claimed::First);
            s.complete_now(k(n), resp(200), now);
        }
        assert_eq!(s.claim_now(k("d"), now), Claimed::First);
        assert_eq!(s.len(), 3, "exactly one answer made room");
        assert_eq!(s.claim_now(k("b"), now), Claimed::Replay(resp(200)));
        assert_eq!(s.claim_now(k("c"), now), Claimed::Replay(resp(200)));
        assert_eq!(
            s.claim_now(k("a"), now),
            Claimed::First,
            "a, the oldest answer, was evicted"
        );
    }

    #[test]
    fn running_attempts_are_skipped_not_evicted() {
        let s = MemoryStore::default().with_max_bytes(room_for(3));
        let now = Instant::now();
        assert_eq!(s.claim_now(k("running"), now), Claimed::First);
        for n in ["a", "b", "c", "d"] {
            assert_eq!(s.claim_now(k(n), now), Claimed::First);
            s.complete_now(k(n), resp(200), now);
        }
        assert_eq!(s.claim_now(k("running"), now), Claimed::InFlight);
        assert_eq!(s.claim_now(k("d"), now), Claimed::Replay(resp(200)));
        assert!(s.bytes() <= room_for(3));
    }

    #[test]
    fn oversized_answer_is_not_kept_and_the_claim_is_released() {
        let s = MemoryStore::default().with_max_answer_bytes(10);
        let now = Instant::now();
        let big = StoredResponse {
            status: 200,
            body: vec![b'x'; 11],
        };
        assert_eq!(s.claim_now(k("a"), now), Claimed::First);
        s.complete_now(k("a"), big, now);
        assert_eq!(s.bytes(), 0);
        assert_eq!(
            s.claim_now(k("a"), now),
            Claimed::First,
            "the retry runs again"
        );
    }

    #[test]
    fn accounted_bytes_stay_within_the_budget_under_churn() {
        let budget = 64 * 1024;
        let s = MemoryStore::default()
            .with_max_bytes(budget)
            .with_max_answer_bytes(4096)
            .with_ttl(Duration::from_millis(500));
        let t0 = Instant::now();
        for i in 0..20_000u32 {
            let now = t0 + Duration::from_millis(u64::from(i / 10));
            let key = k(&i.to_string());
            assert_eq!(s.claim_now(key, now), Claimed::First);
            match i % 4 {
                0 => s.abandon_now(key),
                1 => {} // left running; expires after the TTL
                _ => s.complete_now(
                    key,
                    StoredResponse {
                        status: 200,
                        body: vec![b'x'; (i as usize * 7919) % 5000],
                    },
                    now,
                ),
            }
            // Claimed again later: the old queue item goes stale.
            if i % 13 == 0 {
                let _ = s.claim_now(k(&(i / 2).to_string()), now);
            }
            let inner = s.lock();
            assert!(inner.bytes <= budget, "{} > {budget}", inner.bytes);
            let real: usize = inner.map.values().map(Inner::entry_cost).sum::<usize>()
                + inner.order.len() * QUEUE_BYTES;
            assert_eq!(inner.bytes, real, "accounting matches what is held");
        }
    }
}
