//! Time per request of the in-memory idempotency store when it already holds 100,000 live
//! answers, so every new key must evict one (constant time, no scan of the map).
//!
//! `cargo bench -p claims-runtime --bench idempotency -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use claims_runtime::idempotency::{IdempotencyStore, MemoryStore, StoredResponse, key};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::FutureExt;

const LIVE: usize = 100_000;

fn answer() -> StoredResponse {
    StoredResponse {
        status: 200,
        body: b"{\"promoCode\":\"run-1\"}".to_vec(),
    }
}

fn claim_and_complete(s: &MemoryStore, n: usize) {
    let k = key("REST-Bench", &format!("{n:036}"), [&b"{}"[..]]);
    black_box(s.claim(k).now_or_never());
    s.complete(k, answer()).now_or_never();
}

/// A store whose byte budget holds exactly `LIVE` answers, filled.
fn full_store() -> MemoryStore {
    let probe = MemoryStore::default();
    claim_and_complete(&probe, 0);
    let s = MemoryStore::default().with_max_bytes(probe.bytes() * LIVE);
    for n in 0..LIVE {
        claim_and_complete(&s, n);
    }
    assert_eq!(s.len(), LIVE);
    s
}

fn bench(c: &mut Criterion) {
    let s = full_store();
    let mut n = LIVE;
    c.bench_function("claim+complete at 100k live keys", |b| {
        b.iter(|| {
            n += 1;
            claim_and_complete(&s, n);
        })
    });
    assert_eq!(s.len(), LIVE, "every new answer evicted exactly one");
}

criterion_group!(benches, bench);
criterion_main!(benches);
