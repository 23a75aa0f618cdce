//! The Redis store (feature `redis`): one Redis shared by every instance of a service, so a B2C
//! retry that lands on another instance still gets the first answer.
//!
//! Each key holds either an in-flight claim (`i` + a random token, expiring after the in-flight
//! TTL) or an answer (`d` + status + body, expiring after the answer TTL). Claims are taken with
//! `SET NX PX`; completing and abandoning compare the token first (Lua scripts), so a late
//! instance whose claim expired never overwrites or deletes another instance's claim.
//!
//! Redis down is not an outage: a claim that fails is answered as if the key were new (the
//! handler runs without retry protection), a warning names the reason at most every
//! [`WARN_EVERY`], and [`RedisStore::failures`] / [`super::shared_store_failures`] count it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Script, Value};

use super::{
    Claimed, DEFAULT_MAX_ANSWER_BYTES, DEFAULT_TTL, IdempotencyKey, IdempotencyStore, StoreFuture,
    StoredResponse,
};

/// Default key prefix.
pub const DEFAULT_PREFIX: &str = "claims:idem:";
/// Default lifetime of an in-flight claim: longer than a first attempt may run in the background
/// ([`super::BACKGROUND_DEADLINES`] × the 8 s default deadline), short enough that a claim left
/// by an instance that died frees its key soon.
pub const DEFAULT_IN_FLIGHT_TTL: Duration = Duration::from_secs(60);
/// Default time limit of one Redis operation (connecting included): a slow Redis must not eat
/// the handler's deadline.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);
/// Longest accepted key prefix (keys stay small: prefix + 64 hex digits).
pub const MAX_PREFIX_BYTES: usize = 128;
/// Least time between two "Redis unavailable" warnings of one store.
pub const WARN_EVERY: Duration = Duration::from_secs(10);

/// Takes the key, or returns what it holds.
const CLAIM: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return redis.call('GET', KEYS[1])";
/// Stores the answer if the key still holds this caller's claim.
const COMPLETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0";
/// Deletes the key if it still holds this caller's claim.
const ABANDON: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0";

/// A Redis URL that cannot be used (the message never contains the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisStoreError(String);

impl std::fmt::Display for RedisStoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedisStoreError {}

impl From<RedisStoreError> for std::io::Error {
    fn from(e: RedisStoreError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e.0)
    }
}

/// Health shared by a store and its operations running on the Redis thread.
#[derive(Debug)]
struct Health {
    target: String,
    failures: AtomicU64,
    available: AtomicBool,
    /// When the last warning was logged, and how many failures went unlogged since.
    last_warn: Mutex<Option<Instant>>,
    unlogged: AtomicU64,
}

impl Health {
    fn ok(&self) {
        if !self.available.swap(true, Ordering::Relaxed) {
            tracing::info!(redis = %self.target, "Redis idempotency store available again");
        }
        super::health::record(true);
    }

    fn failed(&self, op: &str, reason: &dyn std::fmt::Display) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        self.available.store(false, Ordering::Relaxed);
        super::health::record(false);
        let now = Instant::now();
        let mut last = self.last_warn.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|t| now.duration_since(t) < WARN_EVERY) {
            self.unlogged.fetch_add(1, Ordering::Relaxed);
            return;
        }
        *last = Some(now);
        drop(last);
        let unlogged = self.unlogged.swap(0, Ordering::Relaxed);
        tracing::warn!(
            redis = %self.target,
            op,
            reason = %reason,
            unlogged_failures = unlogged,
            "Redis idempotency store unavailable: answering without retry protection"
        );
    }
}

/// What one operation runs with on the Redis thread.
struct Backend {
    conn: ConnectionManager,
    claim: Script,
    complete: Script,
    abandon: Script,
}

/// A Redis idempotency store shared by several instances of a service.
///
/// ```no_run
/// use std::time::Duration;
/// use claims_runtime::App;
/// use claims_runtime::idempotency::RedisStore;
///
/// # fn main() -> std::io::Result<()> {
/// let store = RedisStore::connect("redis://redis.internal:6379/0")?
///     .with_prefix("loyalty:idem:")
///     .with_ttl(Duration::from_secs(300));
/// let app = App::new().idempotency_store(store);
/// # Ok(()) }
/// ```
///
/// The connection is made on first use and remade after a failure, on a thread of its own (so
/// the store works from any runtime, and a slow Redis never blocks an actix worker). Set
/// Redis's own `maxmemory` with a `volatile-*` eviction policy to bound its memory: every key
/// this store writes has an expiry.
pub struct RedisStore {
    prefix: String,
    ttl: Duration,
    in_flight_ttl: Duration,
    max_answer_bytes: usize,
    timeout: Duration,
    backend: Arc<Backend>,
    health: Arc<Health>,
    runtime: tokio::runtime::Handle,
    /// The tokens of the claims this instance holds (removed on complete or abandon).
    tokens: Mutex<HashMap<IdempotencyKey, [u8; 16]>>,
    /// Dropped with the store: ends the Redis thread.
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("target", &self.health.target)
            .field("prefix", &self.prefix)
            .field("ttl", &self.ttl)
            .field("in_flight_ttl", &self.in_flight_ttl)
            .field("max_answer_bytes", &self.max_answer_bytes)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// `redis://host:port/db` without user name or password, for logs.
fn describe(info: &::redis::ConnectionInfo) -> String {
    let scheme = match info.addr() {
        ::redis::ConnectionAddr::Tcp(..) => "redis",
        ::redis::ConnectionAddr::TcpTls { .. } => "rediss",
        _ => "redis+unix",
    };
    format!("{scheme}://{}/{}", info.addr(), info.redis_settings().db())
}

impl RedisStore {
    /// A store for the Redis at `url` (`redis://[:password@]host[:port][/db]`, `rediss://` for
    /// TLS). Only the URL is checked here; the connection is made on first use, so a Redis that
    /// is down at startup does not stop the service.
    pub fn connect(url: &str) -> Result<RedisStore, RedisStoreError> {
        let client = ::redis::Client::open(url).map_err(|e| {
            // The parser's messages are fixed texts; the URL (and its password) is not repeated.
            RedisStoreError(format!(
                "the Redis URL is malformed ({e}): expected redis://[:password@]host[:port][/db] or rediss://..."
            ))
        })?;
        let target = describe(client.get_connection_info());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| RedisStoreError(format!("cannot start the Redis runtime: {e}")))?;
        let timeout = DEFAULT_TIMEOUT;
        // One attempt per reconnection, bounded by the operation timeout: requests must not
        // queue behind a backoff while Redis is down.
        let config = ConnectionManagerConfig::new()
            .set_number_of_retries(0)
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout));
        let conn = {
            let _enter = runtime.enter();
            ConnectionManager::new_lazy_with_config(client, config)
                .map_err(|e| RedisStoreError(format!("cannot set up the Redis client: {e}")))?
        };
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("claims-redis".into())
            .spawn(move || {
                // Runs the connection until the store is dropped, then drops the runtime here,
                // outside any async context.
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .map_err(|e| RedisStoreError(format!("cannot start the Redis thread: {e}")))?;
        Ok(RedisStore {
            prefix: DEFAULT_PREFIX.to_owned(),
            ttl: DEFAULT_TTL,
            in_flight_ttl: DEFAULT_IN_FLIGHT_TTL,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            timeout,
            backend: Arc::new(Backend {
                conn,
                claim: Script::new(CLAIM),
                complete: Script::new(COMPLETE),
                abandon: Script::new(ABANDON),
            }),
            health: Arc::new(Health {
                target,
                failures: AtomicU64::new(0),
                available: AtomicBool::new(true),
                last_warn: Mutex::new(None),
                unlogged: AtomicU64::new(0),
            }),
            runtime: handle,
            tokens: Mutex::default(),
            _stop: stop,
        })
    }

    /// Prefix of every key (default [`DEFAULT_PREFIX`]): give services sharing one Redis
    /// different prefixes. Longer prefixes than [`MAX_PREFIX_BYTES`] are cut.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        let mut prefix = prefix.into();
        if prefix.len() > MAX_PREFIX_BYTES {
            let mut end = MAX_PREFIX_BYTES;
            while !prefix.is_char_boundary(end) {
                end -= 1;
            }
            prefix.truncate(end);
        }
        self.prefix = prefix;
        self
    }

    /// How long an answer is kept (default [`DEFAULT_TTL`], as the in-memory store).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long a claim lives without an answer (default [`DEFAULT_IN_FLIGHT_TTL`]): keep it
    /// above the longest background run of a first attempt.
    pub fn with_in_flight_ttl(mut self, ttl: Duration) -> Self {
        self.in_flight_ttl = ttl;
        self
    }

    /// Answers larger than this are not kept (default [`DEFAULT_MAX_ANSWER_BYTES`]); the claim
    /// is released so a retry runs the handler again.
    pub fn with_max_answer_bytes(mut self, max: usize) -> Self {
        self.max_answer_bytes = max;
        self
    }

    /// Time limit of one Redis operation (default [`DEFAULT_TIMEOUT`]); past it the request is
    /// served as if Redis were down.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The Redis this store talks to, without credentials (`redis://host:port/db`).
    pub fn target(&self) -> &str {
        &self.health.target
    }

    /// Operations that failed (Redis down, slow or refusing) since the store was made: each is
    /// a request served without retry protection, or an answer not kept.
    pub fn failures(&self) -> u64 {
        self.health.failures.load(Ordering::Relaxed)
    }

    /// Whether the last operation reached Redis (`true` before the first one).
    pub fn is_available(&self) -> bool {
        self.health.available.load(Ordering::Relaxed)
    }

    fn redis_key(&self, key: &IdempotencyKey) -> String {
        let mut k = String::with_capacity(self.prefix.len() + 64);
        k.push_str(&self.prefix);
        k.push_str(&key.to_hex());
        k
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, HashMap<IdempotencyKey, [u8; 16]>> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs one script on the Redis thread within the timeout, recording the outcome.
    fn run(
        &self,
        op: &'static str,
        script: fn(&Backend) -> &Script,
        key: String,
        args: Vec<Vec<u8>>,
    ) -> StoreFuture<'static, Option<Value>> {
        let backend = self.backend.clone();
        let health = self.health.clone();
        let timeout = self.timeout;
        let task = self.runtime.spawn(async move {
            let mut conn = backend.conn.clone();
            let mut inv = script(&backend).key(key);
            for a in &args {
                inv.arg(a.as_slice());
            }
            tokio::time::timeout(timeout, inv.invoke_async::<Value>(&mut conn)).await
        });
        Box::pin(async move {
            let result = match task.await {
                Ok(Ok(Ok(v))) => Ok(v),
                Ok(Ok(Err(e))) => Err(e.to_string()),
                Ok(Err(_)) => Err(format!("no answer within {} ms", timeout.as_millis())),
                Err(e) => Err(format!("the Redis task failed: {e}")),
            };
            match result {
                Ok(v) => {
                    health.ok();
                    Some(v)
                }
                Err(reason) => {
                    health.failed(op, &reason);
                    None
                }
            }
        })
    }
}

fn millis(d: Duration) -> Vec<u8> {
    d.as_millis().max(1).to_string().into_bytes()
}

fn claim_value(token: &[u8; 16]) -> Vec<u8> {
    let mut v = Vec::with_capacity(17);
    v.push(b'i');
    v.extend_from_slice(token);
    v
}

/// What a claim found under the key.
fn decode(v: Value) -> Claimed {
    let bytes = match v {
        Value::Int(1) => return Claimed::First,
        Value::BulkString(b) => b,
        // Not ours to read (or gone): wait rather than run twice.
        _ => return Claimed::InFlight,
    };
    match bytes.split_first() {
        Some((b'd', rest)) if rest.len() >= 2 => Claimed::Replay(StoredResponse {
            status: u16::from_be_bytes([rest[0], rest[1]]),
            body: rest[2..].to_vec(),
        }),
        _ => Claimed::InFlight,
    }
}

impl IdempotencyStore for RedisStore {
    fn claim(&self, key: IdempotencyKey) -> StoreFuture<'_, Claimed> {
        let token = *uuid::Uuid::new_v4().as_bytes();
        let fut = self.run(
            "claim",
            |b| &b.claim,
            self.redis_key(&key),
            vec![claim_value(&token), millis(self.in_flight_ttl)],
        );
        Box::pin(async move {
            match fut.await {
                // Redis down: the request runs as if new, unprotected, rather than not at all.
                None => Claimed::First,
                Some(v) => {
                    let c = decode(v);
                    if c == Claimed::First {
                        self.tokens().insert(key, token);
                    }
                    c
                }
            }
        })
    }

    fn complete(&self, key: IdempotencyKey, response: StoredResponse) -> StoreFuture<'_, ()> {
        let Some(token) = self.tokens().remove(&key) else {
            // Not claimed here (Redis was down at claim time).
            return Box::pin(async {});
        };
        let size = response.body.len();
        if size > self.max_answer_bytes {
            tracing::info!(
                size,
                cap = self.max_answer_bytes,
                "answer larger than the idempotency cap is not kept"
            );
            let fut = self.run(
                "abandon",
                |b| &b.abandon,
                self.redis_key(&key),
                vec![claim_value(&token)],
            );
            return Box::pin(async move {
                fut.await;
            });
        }
        let mut answer = Vec::with_capacity(3 + size);
        answer.push(b'd');
        answer.extend_from_slice(&response.status.to_be_bytes());
        answer.extend_from_slice(&response.body);
        let fut = self.run(
            "complete",
            |b| &b.complete,
            self.redis_key(&key),
            vec![claim_value(&token), answer, millis(self.ttl)],
        );
        Box::pin(async move {
            fut.await;
        })
    }

    fn abandon(&self, key: IdempotencyKey) -> StoreFuture<'_, ()> {
        let Some(token) = self.tokens().remove(&key) else {
            return Box::pin(async {});
        };
        let fut = self.run(
            "abandon",
            |b| &b.abandon,
            self.redis_key(&key),
            vec![claim_value(&token)],
        );
        Box::pin(async move {
            fut.await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_decode_with_their_status() {
        let mut v = vec![b'd'];
        v.extend_from_slice(&409u16.to_be_bytes());
        v.extend_from_slice(b"{}");
        assert_eq!(
            decode(Value::BulkString(v)),
            Claimed::Replay(StoredResponse {
                status: 409,
                body: b"{}".to_vec()
            })
        );
        assert_eq!(decode(Value::Int(1)), Claimed::First);
        assert_eq!(
            decode(Value::BulkString(claim_value(&[7; 16]))),
            Claimed::InFlight
        );
        assert_eq!(decode(Value::Nil), Claimed::InFlight);
    }

    #[test]
    fn prefixes_are_bounded() {
        let s = RedisStore::connect("redis://127.0.0.1:1/")
            .unwrap()
            .with_prefix("é".repeat(100));
        assert!(s.prefix.len() <= MAX_PREFIX_BYTES);
        assert_eq!(
            s.redis_key(&IdempotencyKey::from_bytes([0; 32])).len(),
            s.prefix.len() + 64
        );
    }
}
