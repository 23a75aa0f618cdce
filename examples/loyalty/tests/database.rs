//! The example on a real SQLite file in a temporary folder, driven through the B2C emulator from
//! the exported policy: each use (validate, process, enrich, write), the idempotent write (a
//! retry, on the same or another instance, writes no new audit or outbox row), persistence
//! across a restart, and the first run (create, migrate, seed).

use std::path::{Path, PathBuf};

use claims_runtime::auth::generate_dev_basic_credentials;
use claims_runtime::policy::PolicyOptions;
use claims_testing::{
    ClaimBag, Emulator, Outcome, ResolverContext, Step, TestKeys, UserView, claims,
};
use rusqlite::Connection;

/// One running instance of the example on the database file `path`.
async fn instance(path: &Path) -> Emulator {
    let creds = generate_dev_basic_credentials();
    let db = loyalty_example::db::open(path).expect("the database opens");
    let app = loyalty_example::app_with(db).basic_credentials(&creds);
    let xml = app
        .policy(PolicyOptions {
            base_url: "https://api.contoso.com".into(),
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
    // A folder that does not exist yet: the first run creates it.
    dir.path().join("data").join("loyalty.db")
}

/// Reads the file directly, not through the app.
fn count(path: &Path, sql: &str) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
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

fn sign_up(object_id: &str, email: &str) -> ClaimBag {
    claims! {
        "objectId" => object_id,
        "email" => email,
        "givenName" => "zoë",
        "surname" => "van der berg-o'hara",
    }
}

#[actix_web::test]
async fn the_first_run_creates_migrates_and_seeds_the_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_file(&dir);
    assert!(!path.exists());
    drop(loyalty_example::db::open(&path).unwrap());
    assert!(path.exists(), "created in a new data folder");
    let version = count(&path, "PRAGMA user_version");
    assert!(version >= 1, "migrated: user_version {version}");
    assert_eq!(count(&path, "SELECT count(*) FROM customers"), 3, "seeded");

    // A second run neither migrates again nor seeds twice, and keeps what was changed.
    Connection::open(&path)
        .unwrap()
        .execute("DELETE FROM customers WHERE member_id = '10000003'", [])
        .unwrap();
    drop(loyalty_example::db::open(&path).unwrap());
    assert_eq!(count(&path, "PRAGMA user_version"), version);
    assert_eq!(count(&path, "SELECT count(*) FROM customers"), 2);
}

#[actix_web::test]
async fn validate_checks_the_customer_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_file(&dir);
    let emu = instance(&path).await;

    let o = emu
        .call("REST-ValidateEmail", claims! {"email" => "kai@contoso.com"})
        .await;
    assert_eq!(o.http_status(), Some(409), "{o}");
    assert!(page(&o).starts_with("We could not find a customer"), "{o}");
    let fr = ResolverContext::new().culture("fr-FR").correlation_id("c");
    let o = emu
        .call_with(
            "REST-ValidateEmail",
            claims! {"email" => "kai@contoso.com"},
            &fr,
        )
        .await;
    assert!(page(&o).starts_with("Nous ne trouvons aucun client"), "{o}");

    // A row added to the table (by anyone) is seen at once: the handler reads the database.
    Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO customers (member_id, email, name, tier) VALUES ('10000099', 'kai@contoso.com', 'Kai Lee', 'silver')",
            [],
        )
        .unwrap();
    let o = emu
        .call("REST-ValidateEmail", claims! {"email" => "Kai@Contoso.com"})
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
}

#[actix_web::test]
async fn process_normalizes_the_names() {
    let dir = tempfile::tempdir().unwrap();
    let emu = instance(&db_file(&dir)).await;
    let o = emu
        .call(
            "REST-CapitalizeNames",
            claims! {"givenName" => "  JÉRÔME ", "surname" => "o'neil-SMITH"},
        )
        .await;
    assert!(o.is_success(), "{o}");
    assert_eq!(o.claim("givenName").as_deref(), Some("Jérôme"));
    assert_eq!(o.claim("surname").as_deref(), Some("O'Neil-Smith"));
}

#[actix_web::test]
async fn enrich_reads_the_customer_and_tags_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_file(&dir);
    let emu = instance(&path).await;
    let o = emu
        .call("REST-EnrichProfile", claims! {"email" => "ana@contoso.com"})
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(o.claim("loyaltyNumber").as_deref(), Some("10000003"));
    assert_eq!(o.claim("loyaltyTier").as_deref(), Some("bronze"));
    assert_eq!(o.claim("newsletter").as_deref(), Some("true"));
    // The tier travels nested in the reply (membership.tier.name).
    let reply: serde_json::Value =
        serde_json::from_str(&o.trace.response().unwrap().body_text()).unwrap();
    assert_eq!(reply["membership"]["tier"]["name"], "bronze", "{reply}");

    let c = Connection::open(&path).unwrap();
    c.execute(
        "UPDATE customers SET tier = 'gold' WHERE member_id = '10000003'",
        [],
    )
    .unwrap();
    c.execute("DELETE FROM customer_tags WHERE member_id = '10000003'", [])
        .unwrap();
    let o = emu
        .call("REST-EnrichProfile", claims! {"email" => "ana@contoso.com"})
        .await;
    assert_eq!(o.claim("loyaltyTier").as_deref(), Some("gold"), "{o}");
    assert_eq!(o.claim("newsletter").as_deref(), Some("false"), "{o}");
}

#[actix_web::test]
async fn sign_up_writes_one_audit_and_one_outbox_row_and_a_retry_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_file(&dir);
    let emu = instance(&path).await;

    let first = emu
        .call_step("REST-RecordSignUp", sign_up("oid-1", "Zoe@Fabrikam.com"))
        .await;
    assert!(first.is_success(), "{first}\n{}", first.trace);
    assert_eq!(first.claim("isNewMember").as_deref(), Some("true"));
    let number = first.claim("loyaltyNumber").expect("a loyalty number");
    assert_eq!(number, "10000004", "the next member number");
    // The new customer is stored with the normalized name and a lower-case e-mail.
    let name: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT name FROM customers WHERE email = 'zoe@fabrikam.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Zoë Van Der Berg-O'Hara");
    assert_eq!(count(&path, "SELECT count(*) FROM audit_log"), 1);
    assert_eq!(count(&path, "SELECT count(*) FROM outbox"), 1);
    let payload: String = Connection::open(&path)
        .unwrap()
        .query_row("SELECT payload FROM outbox", [], |r| r.get(0))
        .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["to"], "zoe@fabrikam.com", "{payload}");
    assert_eq!(payload["locale"], "en-US", "{payload}");
    assert_eq!(payload["loyaltyNumber"], number.as_str(), "{payload}");

    // B2C's retry: same correlation id, same claims. The same answer, nothing new written.
    let retry = emu
        .call_step("REST-RecordSignUp", sign_up("oid-1", "Zoe@Fabrikam.com"))
        .await;
    assert!(retry.is_success(), "{retry}");
    assert_eq!(retry.claim("loyaltyNumber"), Some(number.clone()));
    assert_eq!(retry.claim("isNewMember").as_deref(), Some("true"));
    assert_eq!(count(&path, "SELECT count(*) FROM audit_log"), 1);
    assert_eq!(count(&path, "SELECT count(*) FROM outbox"), 1);
    assert_eq!(count(&path, "SELECT count(*) FROM customers"), 4);

    // Another journey (another correlation id) for an existing customer: a new audit and
    // outbox row, no new customer.
    let other = ResolverContext::new()
        .culture("de-DE")
        .correlation_id("corr-2");
    let again = emu
        .call_as(
            Step::Orchestration,
            "REST-RecordSignUp",
            sign_up("oid-2", "emily@contoso.com"),
            &other,
        )
        .await;
    assert!(again.is_success(), "{again}\n{}", again.trace);
    assert_eq!(again.claim("loyaltyNumber").as_deref(), Some("10000001"));
    assert_eq!(again.claim("isNewMember").as_deref(), Some("false"));
    assert_eq!(count(&path, "SELECT count(*) FROM audit_log"), 2);
    assert_eq!(count(&path, "SELECT count(*) FROM outbox"), 2);
    assert_eq!(count(&path, "SELECT count(*) FROM customers"), 4);
}

#[actix_web::test]
async fn a_retry_on_another_instance_writes_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_file(&dir);
    // Two instances on one file: each has its own in-memory idempotency store, so only the
    // database's unique keys stand between a retry and a second row.
    let a = instance(&path).await;
    let b = instance(&path).await;
    let first = a
        .call_step("REST-RecordSignUp", sign_up("oid-9", "max@fabrikam.com"))
        .await;
    assert!(first.is_success(), "{first}\n{}", first.trace);
    let retry = b
        .call_step("REST-RecordSignUp", sign_up("oid-9", "max@fabrikam.com"))
        .await;
    assert!(retry.is_success(), "{retry}\n{}", retry.trace);
    assert_eq!(retry.claim("loyaltyNumber"), first.claim("loyaltyNumber"));
    assert_eq!(retry.claim("isNewMember").as_deref(), Some("true"));
    assert_eq!(count(&path, "SELECT count(*) FROM audit_log"), 1);
    assert_eq!(count(&path, "SELECT count(*) FROM outbox"), 1);
    assert_eq!(count(&path, "SELECT count(*) FROM customers"), 4);

    // Attempts racing on both instances at once: still one row each.
    let calls = (0..4).flat_map(|_| {
        [
            a.call_step("REST-RecordSignUp", sign_up("oid-10", "lea@fabrikam.com")),
            b.call_step("REST-RecordSignUp", sign_up("oid-10", "lea@fabrikam.com")),
        ]
    });
    let outcomes = futures_util::future::join_all(calls).await;
    let numbers: Vec<_> = outcomes.iter().map(|o| o.claim("loyaltyNumber")).collect();
    assert!(
        numbers.iter().all(|n| n.is_some() && *n == numbers[0]),
        "{numbers:?}"
    );
    assert_eq!(count(&path, "SELECT count(*) FROM audit_log"), 2);
    assert_eq!(count(&path, "SELECT count(*) FROM outbox"), 2);
    assert_eq!(count(&path, "SELECT count(*) FROM customers"), 5);
}

#[actix_web::test]
async fn data_persists_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_file(&dir);
    let number = {
        let emu = instance(&path).await;
        let o = emu
            .call_step("REST-RecordSignUp", sign_up("oid-5", "noor@fabrikam.com"))
            .await;
        assert!(o.is_success(), "{o}\n{}", o.trace);
        o.claim("loyaltyNumber").unwrap()
    };
    // A new process on the same file: the new member is there, and the seed did not run again.
    let emu = instance(&path).await;
    let o = emu
        .call(
            "REST-EnrichProfile",
            claims! {"email" => "noor@fabrikam.com"},
        )
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(o.claim("loyaltyNumber"), Some(number.clone()));
    assert_eq!(o.claim("loyaltyTier").as_deref(), Some("bronze"));
    let o = emu
        .call("REST-LookupMember", claims! {"memberId" => number.as_str()})
        .await;
    assert_eq!(
        o.claim("displayName").as_deref(),
        Some("Zoë Van Der Berg-O'Hara"),
        "{o}"
    );
    let o = emu
        .call("REST-SearchMembers", claims! {"loyaltyTier" => "bronze"})
        .await;
    assert_eq!(o.claim("memberCount").as_deref(), Some("2"), "{o}");
    assert_eq!(count(&path, "SELECT count(*) FROM customers"), 4);
    // The retry of the journey before the restart still writes nothing.
    let o = emu
        .call_step("REST-RecordSignUp", sign_up("oid-5", "noor@fabrikam.com"))
        .await;
    assert_eq!(o.claim("loyaltyNumber"), Some(number));
    assert_eq!(count(&path, "SELECT count(*) FROM audit_log"), 1);
    assert_eq!(count(&path, "SELECT count(*) FROM outbox"), 1);
}
