//! A service whose handlers B2C alone calls does not carry the code that reads API connector
//! and Entra envelopes: its generated routes start with `Call::start_b2c`, and that code is
//! reached only from `Call::start`. Without an idempotent handler it does not carry the replay
//! path either (`Call::invoke_direct`, not `Call::invoke`). This test binary has one such handler and nothing else that
//! starts a request, so the linker drops the envelope code from it; its symbol table shows it.

use claims_runtime::prelude::*;

/// The only handler of this binary: B2C calls it.
#[claims_handler(path = "/greet")]
fn greet(#[claim] name: String) -> Greeting {
    Greeting {
        greeting: format!("Hello, {name}"),
    }
}

#[derive(OutputClaims)]
struct Greeting {
    #[claim]
    greeting: String,
}

/// The symbol names of this test binary, from `nm`.
fn symbols() -> String {
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new("nm")
        .arg(&exe)
        .output()
        .unwrap_or_else(|e| panic!("run nm (install binutils: apt-get install binutils): {e}"));
    assert!(
        out.status.success(),
        "nm {} failed: {}",
        exe.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("nm prints text")
}

#[test]
fn code_for_other_callers_and_replays_is_not_linked_without_them() {
    // The handler stays callable, and its route is registered (so it is linked).
    let _ = greet;
    assert!(
        claims_runtime::registered()
            .iter()
            .any(|r| r.spec.technical_profile == greet::SPEC.technical_profile)
    );
    let symbols = symbols();
    // The check sees the request path's symbols: the route's start is there.
    assert!(
        symbols.contains("start_b2c"),
        "Call::start_b2c is not in the symbol table: the check cannot see symbols"
    );
    for unused in [
        "CallerState6decode",
        "EntraRequest9from_json",
        "ApiConnectorRequest9from_json",
        "begin_caller",
        // Nor, without an idempotent handler, the replay path.
        "invoke_idempotent",
    ] {
        assert!(
            !symbols.contains(unused),
            "{unused} is linked into a service without API connector or Entra routes or idempotent handlers"
        );
    }
}
