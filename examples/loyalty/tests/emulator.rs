//! Every example handler exercised through the B2C emulator, from the exported policy XML:
//! success, business 409, validation 409 in two languages, missing claim, wrong credentials.
//! The app runs on a fresh SQLite file in a temporary folder.

use claims_runtime::App;
use claims_runtime::auth::generate_dev_basic_credentials;
use claims_runtime::policy::PolicyOptions;
use claims_testing::claims;
use claims_testing::{Emulator, OutcomeKind, ResolverContext, TestKeys, UserView};

fn policy(app: &App) -> String {
    // The app writes its own policy: its default auth (Basic) goes into every profile.
    app.policy(PolicyOptions {
        base_url: "https://api.contoso.com".into(),
        tenant_id: "contoso.onmicrosoft.com".into(),
        ..PolicyOptions::default()
    })
    .expect("the example's policy exports")
}

/// The emulator, and the temporary folder that holds the database (deleted when dropped).
async fn emulator(keys: TestKeys) -> (Emulator, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = loyalty_example::db::open(dir.path().join("loyalty.db")).expect("the database opens");
    let creds = generate_dev_basic_credentials();
    let app = loyalty_example::app_with(db).basic_credentials(&creds);
    let xml = policy(&app);
    let keys = if keys.basic.is_some() {
        keys
    } else {
        TestKeys::default().basic(creds.username.clone(), creds.password.expose())
    };
    let emu = Emulator::from_policy(&xml)
        .expect("the emulator reads the exported XML")
        .keys(keys)
        .context(
            ResolverContext::new()
                .culture("en-US")
                .correlation_id("corr-1"),
        )
        .in_process(app)
        .await;
    (emu, dir)
}

fn page(o: &claims_testing::Outcome) -> String {
    match &o.user_view {
        UserView::Page(m) => m.clone(),
        other => panic!(
            "expected a message on the page, got {other:?}\n{o}\n{}",
            o.trace
        ),
    }
}

#[actix_web::test]
async fn validate_email_through_the_emulator() {
    let (emu, _dir) = emulator(TestKeys::default()).await;
    let ok = emu
        .call(
            "REST-ValidateEmail",
            claims! {"email" => "Emily@Contoso.com"},
        )
        .await;
    assert!(ok.is_success(), "{ok}\n{}", ok.trace);
    // The resolvers went out resolved: locale, LCID and correlation id.
    let sent = ok.trace.request.as_ref().unwrap().body_text();
    assert!(
        sent.contains("\"locale\":\"en-US\"")
            && sent.contains("\"lcid\":\"1033\"")
            && sent.contains("corr-1"),
        "{sent}"
    );

    let rejected = emu
        .call(
            "REST-ValidateEmail",
            claims! {"email" => "nobody@contoso.com"},
        )
        .await;
    assert!(
        page(&rejected).starts_with("We could not find a customer"),
        "{rejected}"
    );
    assert_eq!(rejected.http_status(), Some(409));

    for (culture, want) in [
        ("en-GB", "Please enter a valid e-mail address"),
        ("fr-FR", "Veuillez saisir une adresse e-mail valide"),
    ] {
        let ctx = ResolverContext::new().culture(culture);
        let o = emu
            .call_with(
                "REST-ValidateEmail",
                claims! {"email" => "not-an-email"},
                &ctx,
            )
            .await;
        assert!(page(&o).starts_with(want), "{culture}: {o}");
    }

    let missing = emu.call("REST-ValidateEmail", claims! {}).await;
    assert_eq!(
        missing.http_status(),
        Some(400),
        "{missing}\n{}",
        missing.trace
    );
    assert!(page(&missing).contains("email address"), "{missing}");
}

#[actix_web::test]
async fn capitalize_enrich_and_lookups_through_the_emulator() {
    let (emu, _dir) = emulator(TestKeys::default()).await;

    let o = emu
        .call(
            "REST-CapitalizeNames",
            claims! {"givenName" => "jérôme", "surname" => "o'neil"},
        )
        .await;
    assert!(o.is_success(), "{o}");
    assert_eq!(o.claim("givenName").as_deref(), Some("Jérôme"));
    assert_eq!(o.claim("surname").as_deref(), Some("O'Neil"));
    let o = emu
        .call_with(
            "REST-CapitalizeNames",
            claims! {"givenName" => "x".repeat(101)},
            &ResolverContext::new().culture("de-DE"),
        )
        .await;
    // CapitalizeNames sends no locale claim; without one the default language answers.
    assert!(page(&o).contains("100"), "{o}");
    let o = emu
        .call("REST-CapitalizeNames", claims! {"surname" => "x"})
        .await;
    assert_eq!(o.http_status(), Some(400), "missing givenName: {o}");

    // The nested output path resolves because the profile carries ResolveJsonPathsInJsonTokens.
    let o = emu
        .call(
            "REST-EnrichProfile",
            claims! {"email" => "emily@contoso.com"},
        )
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(o.claim("loyaltyNumber").as_deref(), Some("10000001"));
    assert_eq!(o.claim("loyaltyTier").as_deref(), Some("gold"));
    assert_eq!(o.claim("newsletter").as_deref(), Some("true"));
    let o = emu
        .call_step(
            "REST-EnrichProfile",
            claims! {"email" => "nobody@contoso.com"},
        )
        .await;
    assert!(
        matches!(o.user_view, UserView::App(_)),
        "an orchestration step sends the error to the app: {o}"
    );

    let o = emu
        .call("REST-LookupMember", claims! {"memberId" => "10000002"})
        .await;
    assert!(o.is_success(), "{o}\n{}", o.trace);
    assert_eq!(o.claim("displayName").as_deref(), Some("Jérôme Martin"));
    assert!(
        o.trace
            .request
            .as_ref()
            .unwrap()
            .url
            .split('?')
            .next()
            .is_some_and(|path| path.ends_with("/members/10000002")),
        "{}",
        o.trace
    );
    let o = emu
        .call("REST-LookupMember", claims! {"memberId" => "99999999"})
        .await;
    assert!(page(&o).contains("99999999"), "{o}");
    let o = emu
        .call_with(
            "REST-LookupMember",
            claims! {"memberId" => "12"},
            &ResolverContext::new().culture("fr"),
        )
        .await;
    assert!(page(&o).contains("8"), "validation 409: {o}");

    let o = emu
        .call("REST-SearchMembers", claims! {"loyaltyTier" => "silver"})
        .await;
    assert!(o.is_success(), "{o}");
    assert_eq!(o.claim("memberCount").as_deref(), Some("1"));
    assert!(
        o.trace
            .request
            .as_ref()
            .unwrap()
            .url
            .contains("?tier=silver"),
        "{}",
        o.trace
    );
}

#[actix_web::test]
async fn wrong_credentials_are_rejected_for_every_handler() {
    let (emu, _dir) = emulator(TestKeys::default().basic("intruder", "guess")).await;
    for (tp, bag) in [
        (
            "REST-ValidateEmail",
            claims! {"email" => "emily@contoso.com"},
        ),
        ("REST-CapitalizeNames", claims! {"givenName" => "a"}),
        (
            "REST-EnrichProfile",
            claims! {"email" => "emily@contoso.com"},
        ),
        ("REST-LookupMember", claims! {"memberId" => "10000001"}),
        ("REST-SearchMembers", claims! {"loyaltyTier" => "gold"}),
        (
            "REST-RecordSignUp",
            claims! {"objectId" => "oid-1", "email" => "a@contoso.com"},
        ),
    ] {
        let o = emu.call(tp, bag).await;
        assert!(
            matches!(o.kind, OutcomeKind::AuthRejected { .. }),
            "{tp}: {o}"
        );
        assert_eq!(o.b2c_code, Some("AADB2C90027"), "{tp}");
        assert_eq!(o.http_status(), Some(401));
    }
}
