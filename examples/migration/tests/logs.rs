//! The password never reaches a log line: every event at every level (the framework's `tracing`
//! events and the `log` records of the database crates) is captured while users sign in with
//! right and wrong passwords, and searched for the passwords.

use std::io::Write;
use std::sync::{Arc, Mutex};

use claims_runtime::auth::generate_dev_basic_credentials;
use claims_runtime::policy::PolicyOptions;
use claims_testing::{Emulator, ResolverContext, TestKeys, claims};
use migration_example::db;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn no_password_in_any_log_line_even_in_debug_mode() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber of this test binary");

    let dir = tempfile::tempdir().unwrap();
    let creds = generate_dev_basic_credentials();
    let db = db::open(dir.path().join("migration.db")).unwrap();
    let app = migration_example::app_with(db)
        .basic_credentials(&creds)
        .debug(true);
    let xml = app
        .policy(PolicyOptions {
            base_url: "https://legacy.contoso.com".into(),
            debug_mode: true,
            ..PolicyOptions::default()
        })
        .unwrap();
    let emu = Emulator::from_policy(&xml)
        .unwrap()
        .keys(TestKeys::default().basic(creds.username.clone(), creds.password.expose()))
        .context(ResolverContext::new().culture("fr").correlation_id("c-1"))
        .in_process(app)
        .await;
    let secrets = [
        "Argon2-legacy-pass!",
        "Bcrypt-legacy-pass!",
        "Wrong-pass-123!",
    ];
    for (email, password) in [
        ("alex@contoso.com", secrets[0]),
        ("bea@contoso.com", secrets[1]),
        ("alex@contoso.com", secrets[2]),
        ("bea@contoso.com", secrets[2]),
        ("nobody@contoso.com", secrets[2]),
    ] {
        let o = emu
            .call(
                "REST-CheckLegacyCredentials",
                claims! {"signInName" => email, "password" => password},
            )
            .await;
        assert!(matches!(o.http_status(), Some(200 | 409)), "{o}");
        let body = o.trace.response().unwrap().body_text();
        assert!(!body.contains(password), "{body}");
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The capture works: the schema migration logged through the `log` bridge.
    assert!(logs.contains("migrated to version"), "{logs}");
    // ... and so do the requests: the framework logged each rejection (by message id only).
    assert!(logs.contains("legacy-password-wrong"), "{logs}");
    for s in secrets {
        assert!(!logs.contains(s), "{s} logged:\n{logs}");
    }
}
