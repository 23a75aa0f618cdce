//! Seamless migration through the B2C emulator, from the exported policy, on a real SQLite file
//! in a temporary folder: argon2 and bcrypt users, a wrong password (localized 409), an unknown
//! user, marking a user migrated (repeatable, persisted across a restart).

use std::path::{Path, PathBuf};

use claims_runtime::auth::generate_dev_basic_credentials;
use claims_runtime::policy::PolicyOptions;
use claims_testing::{Emulator, Outcome, ResolverContext, TestKeys, UserView, claims};
use migration_example::db;
use rusqlite::Connection;

async fn instance(path: &Path) -> Emulator {
    let creds = generate_dev_basic_credentials();
    let app = migration_example::app_with(db::open(path).expect("the database opens"))
        .basic_credentials(&creds);
    let xml = app
        .policy(PolicyOptions {
            base_url: "https://legacy.contoso.com".into(),
            ..PolicyOptions::default()
        })
        .expect("the policy exports");
    Emulator::from_policy(&xml)
        .expect("the emulator reads the exported XML")
        .keys(TestKeys::default().basic(creds.username.clone(), creds.password.expose()))
        .context(
            ResolverContext::new()
                .culture("en-US")
                .correlation_id("corr-1"),
        )
        .in_process(app)
        .await
}

fn db_file(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("data").join("migration.db")
}

fn check(email: &str, password: &str) -> claims_testing::ClaimBag {
    claims! {"signInName" => email, "password" => password}
}

fn page(o: &Outcome) -> String {
    match &o.user_view {
        UserView::Page(m) => m.clone(),
        other => panic!(
            "expected a message on the page, got {other:?}\n{o}\n{}",
            o.trace
        ),
    }
}

#[actix_web::test]
async fn the_seed_holds_one_argon2_and_one_bcrypt_hash_and_no_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_file(&dir);
    drop(db::open(&path).unwrap());
    let c = Connection::open(&path).unwrap();
    let hashes: Vec<(String, String)> = c
        .prepare("SELECT email, password_hash FROM legacy_users ORDER BY email")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(hashes.len(), 2);
    assert!(hashes[0].1.starts_with("$argon2id$"), "{hashes:?}");
    assert!(hashes[1].1.starts_with("$2b$10$"), "{hashes:?}");
    let raw = std::fs::read(&path).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(
        !raw.contains("legacy-pass"),
        "no plain password in the file"
    );
}

#[actix_web::test]
async fn argon2_user_with_the_right_password_needs_migration() {
    let dir = tempfile::tempdir().unwrap();
    let emu = instance(&db_file(&dir)).await;
    let o = emu
        .call(
            "REST-CheckLegacyCredentials",
            check("Alex@Contoso.com", "Argon2-legacy-pass!"),
        )
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(o.claim("needToMigrate").as_deref(), Some("true"));
    assert_eq!(o.claim("legacyObjectId").as_deref(), Some("legacy-0001"));
    assert_eq!(o.claim("givenName").as_deref(), Some("Alex"));
    assert_eq!(o.claim("surname").as_deref(), Some("Wilber"));
}

#[actix_web::test]
async fn bcrypt_user_with_the_right_password_needs_migration() {
    let dir = tempfile::tempdir().unwrap();
    let emu = instance(&db_file(&dir)).await;
    let o = emu
        .call(
            "REST-CheckLegacyCredentials",
            check("bea@contoso.com", "Bcrypt-legacy-pass!"),
        )
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(o.claim("needToMigrate").as_deref(), Some("true"));
    assert_eq!(o.claim("legacyObjectId").as_deref(), Some("legacy-0002"));
    assert_eq!(o.claim("surname").as_deref(), Some("Lefèvre"));
}

#[actix_web::test]
async fn a_wrong_password_is_a_localized_409_on_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let emu = instance(&db_file(&dir)).await;
    for (email, culture, want) in [
        ("alex@contoso.com", "en-US", "The password is incorrect."),
        ("bea@contoso.com", "en-GB", "The password is incorrect."),
        (
            "alex@contoso.com",
            "fr-FR",
            "Le mot de passe est incorrect.",
        ),
        ("bea@contoso.com", "de-DE", "Das Kennwort ist falsch."),
    ] {
        let ctx = ResolverContext::new()
            .culture(culture)
            .correlation_id("c-2");
        let o = emu
            .call_with(
                "REST-CheckLegacyCredentials",
                check(email, "not-the-password"),
                &ctx,
            )
            .await;
        assert_eq!(o.http_status(), Some(409), "{culture}: {o}");
        assert!(page(&o).starts_with(want), "{culture}: {o}");
        let body = o.trace.response().unwrap().body_text();
        assert!(!body.contains("not-the-password"), "{body}");
        assert_eq!(o.claim("needToMigrate"), None);
    }
}

#[actix_web::test]
async fn an_unknown_user_needs_no_migration() {
    let dir = tempfile::tempdir().unwrap();
    let emu = instance(&db_file(&dir)).await;
    let o = emu
        .call(
            "REST-CheckLegacyCredentials",
            check("nobody@contoso.com", "whatever"),
        )
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(o.claim("needToMigrate").as_deref(), Some("false"));
    assert_eq!(o.claim("legacyObjectId"), None);
}

#[actix_web::test]
async fn a_migrated_user_is_retired_once_and_stays_retired_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_file(&dir);
    {
        let emu = instance(&path).await;
        let mark = claims! {"legacyObjectId" => "legacy-0002", "objectId" => "b2c-oid-42"};
        let o = emu
            .call_step("REST-MarkLegacyUserMigrated", mark.clone())
            .await;
        assert!(o.is_success(), "{o}\n{}", o.trace);
        // B2C's retry with the same ids: still fine.
        let o = emu.call_step("REST-MarkLegacyUserMigrated", mark).await;
        assert!(o.is_success(), "{o}");
        let o = emu
            .call(
                "REST-MarkLegacyUserMigrated",
                claims! {"legacyObjectId" => "legacy-0002", "objectId" => "someone-else"},
            )
            .await;
        assert!(
            page(&o).starts_with("This account was already moved"),
            "{o}"
        );
        let o = emu
            .call(
                "REST-MarkLegacyUserMigrated",
                claims! {"legacyObjectId" => "legacy-9999", "objectId" => "b2c-oid-43"},
            )
            .await;
        assert!(
            page(&o).starts_with("We could not find your account"),
            "{o}"
        );
    }
    let (hash, b2c): (Option<String>, String) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT password_hash, b2c_object_id FROM legacy_users WHERE object_id = 'legacy-0002'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((hash, b2c.as_str()), (None, "b2c-oid-42"), "hash deleted");

    // After a restart the user signs in against the directory: no migration, even with the
    // old password.
    let emu = instance(&path).await;
    let o = emu
        .call(
            "REST-CheckLegacyCredentials",
            check("bea@contoso.com", "Bcrypt-legacy-pass!"),
        )
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(o.claim("needToMigrate").as_deref(), Some("false"));
    // The other user is untouched.
    let o = emu
        .call(
            "REST-CheckLegacyCredentials",
            check("alex@contoso.com", "Argon2-legacy-pass!"),
        )
        .await;
    assert_eq!(o.claim("needToMigrate").as_deref(), Some("true"), "{o}");
}

#[actix_web::test]
async fn the_password_claim_is_declared_as_a_password_input() {
    let dir = tempfile::tempdir().unwrap();
    let creds = generate_dev_basic_credentials();
    let app =
        migration_example::app_with(db::open(db_file(&dir)).unwrap()).basic_credentials(&creds);
    let ids: Vec<_> = app.specs().iter().map(|s| s.technical_profile).collect();
    assert_eq!(
        ids,
        ["REST-CheckLegacyCredentials", "REST-MarkLegacyUserMigrated"]
    );
    let xml = app
        .policy(PolicyOptions {
            base_url: "https://legacy.contoso.com".into(),
            ..PolicyOptions::default()
        })
        .unwrap();
    assert!(
        xml.contains("<UserInputType>Password</UserInputType>"),
        "{xml}"
    );
}
