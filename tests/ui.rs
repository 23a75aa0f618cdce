//! Compile-fail tests: each file in `ui/` is one misuse, with its expected diagnostics in the
//! matching `.stderr`; `ui/pass/` holds valid complex handlers. Regenerate with
//! `TRYBUILD=overwrite cargo test -p claims-tests --test ui` and review every `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    t.pass("ui/pass/*.rs");
}
