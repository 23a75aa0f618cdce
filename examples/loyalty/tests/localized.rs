//! The example answers in the caller's language: business errors, validation errors and
//! malformed input, chosen from `{Culture:RFC5646}`, `{Culture:LCID}` or Accept-Language.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{self, TestRequest};
use claims_runtime::auth::generate_dev_basic_credentials;
use serde_json::{Value, json};

async fn service() -> (
    impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    String,
) {
    let creds = generate_dev_basic_credentials();
    let conf = loyalty_example::app()
        .basic_credentials(&creds)
        .into_configurator();
    let svc = test::init_service(actix_web::App::new().configure(|c| conf.configure(c))).await;
    (svc, creds.authorization_header())
}

async fn call(
    svc: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    req: TestRequest,
) -> (u16, Value) {
    let resp = test::call_service(svc, req.to_request()).await;
    let status = resp.status().as_u16();
    (
        status,
        serde_json::from_slice(&test::read_body(resp).await).unwrap(),
    )
}

fn validate(auth: &str, body: Value) -> TestRequest {
    TestRequest::post()
        .uri("/validate-email")
        .insert_header(("authorization", auth))
        .set_json(body)
}

#[actix_web::test]
async fn business_error_in_every_shipped_language_plus_unknown_and_lcid() {
    let (svc, auth) = service().await;
    let cases = [
        (
            json!({"locale": "en-US"}),
            "We could not find a customer with the e-mail address nobody@contoso.com.",
        ),
        (
            json!({"locale": "fr"}),
            "Nous ne trouvons aucun client avec l'adresse e-mail nobody@contoso.com.",
        ),
        (
            json!({"locale": "de-DE"}),
            "Wir finden keinen Kunden mit der E-Mail-Adresse nobody@contoso.com.",
        ),
        (
            json!({"locale": "pt-BR"}),
            "Não encontramos nenhum cliente com o e-mail nobody@contoso.com.",
        ),
        (
            json!({"locale": "PT-br"}),
            "Não encontramos nenhum cliente com o e-mail nobody@contoso.com.",
        ),
        (
            json!({"locale": "xx-YY"}),
            "We could not find a customer with the e-mail address nobody@contoso.com.",
        ),
        (
            json!({"locale": "{Culture:RFC5646}"}),
            "We could not find a customer",
        ),
        (json!({"lcid": "1036"}), "Nous ne trouvons aucun client"),
        (json!({"lcid": 1031}), "Wir finden keinen Kunden"),
        (json!({"lcid": "1046"}), "Não encontramos nenhum cliente"),
        (json!({"lcid": "4096"}), "We could not find a customer"),
        (json!({"lcid": "12"}), "Nous ne trouvons aucun client"),
        (
            json!({"locale": "de", "lcid": "1036"}),
            "Wir finden keinen Kunden",
        ),
    ];
    for (extra, want) in cases {
        let mut body = json!({"email": "nobody@contoso.com", "correlationId": "c-1"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, v) = call(&svc, validate(&auth, body.clone())).await;
        if body["locale"] == "{Culture:RFC5646}" {
            // A resolver B2C left unresolved is a policy mistake: reported, in the default language.
            assert_eq!(status, 400, "{v}");
            assert_eq!(v["code"], "claim-resolver-unresolved");
            continue;
        }
        assert_eq!(status, 409, "{body}: {v}");
        let msg = v["userMessage"].as_str().unwrap();
        assert!(
            msg.starts_with(want),
            "{body}: {msg:?} should start with {want:?}"
        );
        assert_eq!(v["requestId"], "c-1");
    }
    // Without any locale claim, Accept-Language decides.
    let (_, v) = call(
        &svc,
        validate(&auth, json!({"email": "nobody@contoso.com"}))
            .insert_header(("accept-language", "de-CH;q=0.9, en;q=0.5")),
    )
    .await;
    assert!(
        v["userMessage"]
            .as_str()
            .unwrap()
            .starts_with("Wir finden keinen Kunden"),
        "{v}"
    );
}

#[actix_web::test]
async fn every_validation_rule_of_the_example_is_localized() {
    let (svc, auth) = service().await;
    // (language, email rule, length(min 1, max 100) on givenName, length(equal 8) on memberId)
    let expected = [
        (
            "en",
            "Please enter a valid e-mail address for email address.",
            "given name must be between 1 and 100 characters long.",
            "member number must be exactly 8 characters long.",
        ),
        (
            "fr",
            "Veuillez saisir une adresse e-mail valide pour adresse e-mail.",
            "prénom doit contenir entre 1 et 100 caractères.",
            "numéro de membre doit contenir exactement 8 caractères.",
        ),
        (
            "de",
            "Bitte geben Sie für E-Mail-Adresse eine gültige E-Mail-Adresse ein.",
            "Vorname muss zwischen 1 und 100 Zeichen lang sein.",
            "Mitgliedsnummer muss genau 8 Zeichen lang sein.",
        ),
        (
            "pt-BR",
            "Informe um endereço de e-mail válido para endereço de e-mail.",
            "nome deve ter entre 1 e 100 caracteres.",
            "número de membro deve ter exatamente 8 caracteres.",
        ),
    ];
    for (lang, email_msg, length_msg, equal_msg) in expected {
        let (s, v) = call(
            &svc,
            validate(&auth, json!({"email": "not-an-email", "locale": lang})),
        )
        .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (409, Some("validation-email")),
            "{v}"
        );
        assert_eq!(v["userMessage"], email_msg, "{lang}");

        let (s, v) = call(
            &svc,
            TestRequest::post()
                .uri("/capitalize")
                .insert_header(("authorization", auth.as_str()))
                .insert_header(("accept-language", lang))
                .set_json(json!({"givenName": "x".repeat(101)})),
        )
        .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (409, Some("validation-length")),
            "{v}"
        );
        assert_eq!(v["userMessage"], length_msg, "{lang}");

        let (s, v) = call(
            &svc,
            TestRequest::get()
                .uri("/members/123")
                .insert_header(("authorization", auth.as_str()))
                .insert_header(("accept-language", lang)),
        )
        .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (409, Some("validation-length")),
            "{v}"
        );
        assert_eq!(v["userMessage"], equal_msg, "{lang}");
    }
}

#[actix_web::test]
async fn malformed_input_is_localized_too() {
    let (svc, auth) = service().await;
    for (lang, want) in [
        ("en", "Some information is missing (email address)."),
        ("fr", "Des informations sont manquantes (adresse e-mail)."),
        ("de", "Es fehlen Angaben (E-Mail-Adresse)."),
        ("pt-BR", "Faltam informações (endereço de e-mail)."),
    ] {
        let (s, v) = call(&svc, validate(&auth, json!({"locale": lang}))).await;
        assert_eq!(s, 400);
        assert!(
            v["userMessage"].as_str().unwrap().starts_with(want),
            "{lang}: {v}"
        );
    }
    let (s, v) = call(
        &svc,
        TestRequest::post()
            .uri("/validate-email")
            .insert_header(("authorization", auth.as_str()))
            .insert_header(("accept-language", "fr"))
            .insert_header(("content-type", "application/json"))
            .set_payload("{broken"),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(v["code"], "request-invalid");
    assert!(
        !v["userMessage"]
            .as_str()
            .unwrap()
            .starts_with("We could not"),
        "French: {v}"
    );
}

#[actix_web::test]
async fn the_app_is_complete_and_guarded() {
    let app = loyalty_example::app();
    let ids: Vec<_> = app.specs().iter().map(|s| s.technical_profile).collect();
    assert_eq!(
        ids,
        [
            "REST-CapitalizeNames",
            "REST-EnrichProfile",
            "REST-LookupMember",
            "REST-RecordSignUp",
            "REST-SearchMembers",
            "REST-SignUpCheck",
            "REST-TokenClaims",
            "REST-ValidateEmail"
        ]
    );
    let (svc, auth) = service().await;
    let (s, v) = call(&svc, TestRequest::get().uri("/members/10000001")).await;
    assert_eq!(s, 401, "no credentials: {v}");
    let (s, v) = call(
        &svc,
        TestRequest::get()
            .uri("/members/10000001")
            .insert_header(("authorization", auth.as_str())),
    )
    .await;
    assert_eq!(
        (s, v),
        (200, json!({"name": "Emily Braun", "tier": "gold"}))
    );
    assert_eq!(
        loyalty_example::capitalize("  jérôme o'neil-smith "),
        "Jérôme O'Neil-Smith"
    );
}
