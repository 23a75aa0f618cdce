//! Retry safety: B2C retries a call once after a timeout, and the first attempt may still be
//! running. For handlers declared `idempotent`, the first answer is stored under the correlation
//! id plus a hash of the request's claims, and a retry gets that answer instead of running the
//! side effects twice. A retry that arrives while the first attempt is still running waits for it.
//!
//! The key includes the claims because a journey keeps its correlation id: a user who corrects
//! their input and submits again must get a fresh answer, not the stored one.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// A boxed future, for store implementations backed by a network service.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where answers are kept. The in-memory [`MemoryStore`] is the default; implement this for a
/// shared store (Redis `SET NX`, a database row) when several instances serve the same profile.
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Atomically claims `key`, or reports it in flight or done.
    fn claim<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Claimed>;
    /// Stores the answer for `key`.
    fn complete<'a>(&'a self, key: &'a str, response: StoredResponse) -> StoreFuture<'a, ()>;
    /// Releases a claim without an answer (the attempt failed in a way worth retrying).
    fn abandon<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;
}

enum Entry {
    InFlight(Instant),
    Done(Instant, StoredResponse),
}

/// An in-memory store with a time-to-live and a size bound.
pub struct MemoryStore {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("ttl", &self.ttl)
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl Default for MemoryStore {
    /// Answers are kept 5 minutes (B2C retries within seconds), at most 100,000 of them.
    fn default() -> Self {
        MemoryStore::new(Duration::from_secs(300), 100_000)
    }
}

impl MemoryStore {
    /// A store keeping answers for `ttl`, holding at most `capacity` keys.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        MemoryStore {
            ttl,
            capacity: capacity.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// `true` when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn claim_now(&self, key: &str, now: Instant) -> Claimed {
        let Ok(mut map) = self.entries.lock() else {
            // A poisoned lock only means another request panicked mid-update: run normally.
            return Claimed::First;
        };
        let ttl = self.ttl;
        let expired = |e: &Entry| match e {
            Entry::InFlight(t) | Entry::Done(t, _) => now.duration_since(*t) > ttl,
        };
        if let Some(e) = map.get(key)
            && !expired(e)
        {
            return match e {
                Entry::InFlight(_) => Claimed::InFlight,
                Entry::Done(_, r) => Claimed::Replay(r.clone()),
            };
        }
        if map.len() >= self.capacity {
            map.retain(|_, e| !expired(e));
            if map.len() >= self.capacity {
                // Still full of live keys: drop the oldest finished ones, never in-flight ones.
                let mut done: Vec<(Instant, String)> = map
                    .iter()
                    .filter_map(|(k, e)| match e {
                        Entry::Done(t, _) => Some((*t, k.clone())),
                        Entry::InFlight(_) => None,
                    })
                    .collect();
                done.sort();
                for (_, k) in done.into_iter().take(map.len() + 1 - self.capacity) {
                    map.remove(&k);
                }
            }
        }
        map.insert(key.to_owned(), Entry::InFlight(now));
        Claimed::First
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Claimed> {
        let c = self.claim_now(key, Instant::now());
        Box::pin(async move { c })
    }

    fn complete<'a>(&'a self, key: &'a str, response: StoredResponse) -> StoreFuture<'a, ()> {
        if let Ok(mut map) = self.entries.lock() {
            map.insert(key.to_owned(), Entry::Done(Instant::now(), response));
        }
        Box::pin(async {})
    }

    fn abandon<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        if let Ok(mut map) = self.entries.lock()
            && matches!(map.get(key), Some(Entry::InFlight(_)))
        {
            map.remove(key);
        }
        Box::pin(async {})
    }
}

/// The store key: technical profile, correlation id, and a hash of the claims as received.
pub fn key<'a>(
    technical_profile: &str,
    correlation_id: &str,
    claims: impl IntoIterator<Item = &'a [u8]>,
) -> String {
    let mut h = DefaultHasher::new();
    for c in claims {
        c.hash(&mut h);
    }
    format!(
        "{technical_profile}\u{1f}{correlation_id}\u{1f}{:016x}",
        h.finish()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(s: u16) -> StoredResponse {
        StoredResponse {
            status: s,
            body: b"{}".to_vec(),
        }
    }

    #[test]
    fn first_inflight_replay_and_abandon() {
        let s = MemoryStore::default();
        let now = Instant::now();
        assert_eq!(s.claim_now("k", now), Claimed::First);
        assert_eq!(s.claim_now("k", now), Claimed::InFlight);
        futures_util::FutureExt::now_or_never(s.complete("k", resp(200))).unwrap();
        assert_eq!(s.claim_now("k", now), Claimed::Replay(resp(200)));
        assert_eq!(s.claim_now("other", now), Claimed::First);
        futures_util::FutureExt::now_or_never(s.abandon("other")).unwrap();
        assert_eq!(s.claim_now("other", now), Claimed::First);
    }

    #[test]
    fn entries_expire_and_capacity_is_bounded() {
        let s = MemoryStore::new(Duration::from_millis(10), 3);
        let t0 = Instant::now();
        for k in ["a", "b", "c"] {
            assert_eq!(s.claim_now(k, t0), Claimed::First);
            futures_util::FutureExt::now_or_never(s.complete(k, resp(200))).unwrap();
        }
        assert_eq!(s.claim_now("d", t0), Claimed::First);
        assert!(s.len() <= 3);
        let later = t0 + Duration::from_millis(50);
        assert_eq!(s.claim_now("a", later), Claimed::First, "expired");
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
    }

    #[test]
    fn in_flight_entries_are_never_evicted_and_the_store_stays_bounded() {
        let s = MemoryStore::new(Duration::from_secs(60), 3);
        let now = Instant::now();
        for k in ["a", "b", "c", "d", "e"] {
            let _ = s.claim_now(k, now);
        }
        assert!(s.len() <= 3, "{} keys held", s.len());
        for k in ["a", "b", "c"] {
            assert_eq!(s.claim_now(k, now), Claimed::InFlight, "{k} is still running");
        }
    }

    #[test]
    fn oldest_finished_entry_is_evicted_first() {
        let s = MemoryStore::new(Duration::from_secs(60), 3);
        let now = Instant::now();
        for k in ["a", "b", "c"] {
            assert_eq!(s.claim_now(k, now), Claimed::First);
            futures_util::FutureExt::now_or_never(s.complete(k, resp(200))).unwrap();
        }
        assert_eq!(s.claim_now("d", now), Claimed::First);
        assert_eq!(s.claim_now("b", now), Claimed::Replay(resp(200)));
        assert_eq!(s.claim_now("c", now), Claimed::Replay(resp(200)));
        assert_eq!(s.claim_now("a", now), Claimed::First, "a, the oldest answer, was evicted");
    }
}
