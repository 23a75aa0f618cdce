//! Per-call cost of rendering a localized `userMessage`, next to a hand-written `format!`.
//!
//! `cargo bench -p claims-runtime --bench l10n -- --warm-up-time 1 --measurement-time 3`

use std::borrow::Cow;
use std::hint::black_box;

use claims_runtime::MessageArg;
use claims_runtime::error::MessageArgs;
use claims_runtime::l10n::{LocaleHint, Localizer};
use criterion::{Criterion, criterion_group, criterion_main};

const EN: &str =
    "loyalty-id-mismatch = Loyalty ID '{ $id }' is not associated with this email address.";
const FR: &str = "loyalty-id-mismatch = Le numéro de fidélité « { $id } » n’est pas associé à cette adresse e-mail.";

fn bench(c: &mut Criterion) {
    let mut l = Localizer::new();
    l.add_messages("en", EN).unwrap();
    l.add_messages("fr", FR).unwrap();
    let args: MessageArgs = vec![(Cow::Borrowed("id"), MessageArg::Text("84362".into()))];
    let id = "84362".to_owned();

    let mut g = c.benchmark_group("userMessage");
    g.bench_function("format! (hand-written English)", |b| {
        b.iter(|| {
            format!(
                "Loyalty ID '{}' is not associated with this email address.",
                black_box(&id)
            )
        })
    });
    for tag in ["en-US", "fr-FR"] {
        let hint = LocaleHint::rfc5646(tag);
        // Warm the negotiation cache.
        assert!(!l.render(&hint, "loyalty-id-mismatch", &args).is_empty());
        g.bench_function(format!("Localizer::render rfc5646={tag} (warm)"), |b| {
            b.iter(|| {
                l.render(
                    black_box(&hint),
                    black_box("loyalty-id-mismatch"),
                    black_box(&args),
                )
            })
        });
    }
    let accept = LocaleHint {
        rfc5646: Some("{Culture:RFC5646}"),
        accept_language: Some("ko-KR,ko;q=0.9,fr;q=0.8,en;q=0.5"),
        ..LocaleHint::default()
    };
    g.bench_function(
        "Localizer::render garbage tag + Accept-Language (warm)",
        |b| {
            b.iter(|| {
                l.render(
                    black_box(&accept),
                    black_box("loyalty-id-mismatch"),
                    black_box(&args),
                )
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
