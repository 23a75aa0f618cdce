//! Time per claim of the in-memory idempotency store when it already holds 100,000 live answers
//! (every new key must evict one).
//!
//! `cargo bench -p claims-runtime --bench idempotency -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Duration;

use claims_runtime::idempotency::{IdempotencyStore, MemoryStore, StoredResponse, key};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::FutureExt;

const LIVE: usize = 100_000;

fn full_store() -> MemoryStore {
    let s = MemoryStore::new(Duration::from_secs(300), LIVE);
    for i in 0..LIVE {
        let k = key("REST-Bench", &format!("cid-{i}"), [&b"{}"[..]]);
        s.claim(&k).now_or_never().unwrap();
        s.complete(&k, StoredResponse { status: 200, body: b"{\"ok\":true}".to_vec() })
            .now_or_never()
            .unwrap();
    }
    s
}

fn bench(c: &mut Criterion) {
    let s = full_store();
    let mut n = LIVE;
    c.bench_function("claim+complete at 100k live keys", |b| {
        b.iter(|| {
            n += 1;
            let k = key("REST-Bench", &format!("cid-{n}"), [&b"{}"[..]]);
            black_box(s.claim(&k).now_or_never().unwrap());
            s.complete(&k, StoredResponse { status: 200, body: b"{\"ok\":true}".to_vec() })
                .now_or_never()
                .unwrap();
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
