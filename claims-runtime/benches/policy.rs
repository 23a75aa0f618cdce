//! Policy export time: the kitchen-sink fixture app and 1,000 generated handlers.

use std::hint::black_box;

use claims_runtime::policy::{PolicyOptions, export};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/policy_fixtures/mod.rs"]
mod policy_fixtures;

fn bench_export(c: &mut Criterion) {
    let fixture = policy_fixtures::kitchen_sink();
    let fixture_opts = policy_fixtures::kitchen_options();
    c.bench_function("export/fixture_app", |b| {
        b.iter(|| export(black_box(&fixture), black_box(&fixture_opts)).unwrap())
    });

    let generated = policy_fixtures::generated(1_000);
    let opts = PolicyOptions {
        default_auth: claims_runtime::AuthSpec::None,
        ..PolicyOptions::default()
    };
    c.bench_function("export/1000_handlers", |b| {
        b.iter(|| export(black_box(&generated), black_box(&opts)).unwrap())
    });
    let snippet = PolicyOptions {
        snippet: true,
        ..opts.clone()
    };
    c.bench_function("export/1000_handlers_snippet", |b| {
        b.iter(|| export(black_box(&generated), black_box(&snippet)).unwrap())
    });
}

criterion_group!(benches, bench_export);
criterion_main!(benches);
