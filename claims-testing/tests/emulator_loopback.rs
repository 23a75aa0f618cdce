//! Loopback mode: a real server on 127.0.0.1, called by the emulator over HTTP/1.1. No other
//! address is ever contacted.

mod emulator_fixtures;

use std::time::Duration;

use claims_runtime::ServerLimits;
use claims_testing::claims;
use claims_testing::{Emulator, EmulatorError, EmulatorOptions, OutcomeKind};
use emulator_fixtures::{app, exported_policy};
use serde_json::json;

#[actix_web::test]
async fn calls_a_running_server_over_loopback() {
    let (server, addrs) = app()
        .limits(ServerLimits {
            workers: Some(1),
            ..ServerLimits::default()
        })
        .server("127.0.0.1:0")
        .expect("binds on loopback");
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let addr = addrs[0];
    assert!(addr.ip().is_loopback());

    let emu = Emulator::from_policy(&exported_policy())
        .unwrap()
        .options(EmulatorOptions {
            timeout: Duration::from_secs(5),
            ..EmulatorOptions::default()
        })
        .http(&format!("http://{addr}"))
        .unwrap();

    let o = emu
        .call(
            "REST-GetMembership",
            claims! {"email" => "emily@contoso.com", "age" => 25},
        )
        .await;
    println!("{o}\n{}", o.trace);
    assert_eq!(o.kind, OutcomeKind::Success, "{o}\n{}", o.trace);
    assert_eq!(o.claims.json("isNewMember"), Some(&json!(true)));
    let req = o.trace.request.as_ref().unwrap();
    assert_eq!(
        req.url,
        format!("http://{addr}/membership"),
        "scheme, host and port replaced, path kept"
    );

    for tp in [
        "REST-GetMembershipQuery",
        "REST-GetMembershipUrl",
        "REST-GetMembershipForm",
    ] {
        let o = emu
            .call(tp, claims! {"email" => "nobody@contoso.com"})
            .await;
        assert_eq!(
            o.user_message(),
            Some("No membership for nobody@contoso.com."),
            "{tp}: {o}\n{}",
            o.trace
        );
    }

    handle.stop(true).await;
    running.await.unwrap().unwrap();

    // Nothing listens any more: B2C's "request failed" message, after the retry.
    let o = emu
        .call(
            "REST-GetMembership",
            claims! {"email" => "emily@contoso.com"},
        )
        .await;
    println!("{o}");
    assert!(
        matches!(o.kind, OutcomeKind::ConnectionFailed { .. }),
        "{o}"
    );
    assert_eq!(o.trace.attempts.len(), 2);
    assert!(!o.leaks_service_url, "the exporter wrote a neutral message");
}

#[test]
fn only_loopback_addresses_are_accepted() {
    let xml = exported_policy();
    for base in [
        "http://10.0.0.1:80",
        "http://example.com:80",
        "https://127.0.0.1:443",
        "http://127.0.0.1",
    ] {
        let err = Emulator::from_policy(&xml).unwrap().http(base).unwrap_err();
        assert!(matches!(err, EmulatorError::Address(_)), "{base}: {err}");
    }
    assert!(
        Emulator::from_policy(&xml)
            .unwrap()
            .http("http://localhost:8080")
            .is_ok()
    );
}
