//! A culture claim is read whatever its resolver: an LCID, an RFC 5646 tag or a language name
//! (`claims_core::culture::to_language_tag`), so a `{Culture:LCID}` claim holding `de-AT` and a
//! `{Culture:RFC5646}` claim holding `1036` both choose the user's language.

use claims_runtime::policy::PolicyOptions;
use claims_runtime::prelude::*;
use claims_runtime::{App, AuthSpec};
use claims_testing::{Emulator, ResolverContext, claims};

#[derive(OutputClaims)]
struct Nothing {
    #[claim(id = "ok")]
    ok: bool,
}

/// The culture as an LCID claim only.
#[claims_handler(path = "/by-lcid", auth = None)]
async fn by_lcid(
    #[claim] email: String,
    #[claim(id = "lcid", resolver = "{Culture:LCID}")] _lcid: Option<String>,
) -> Result<Nothing, ClaimsError> {
    Err(ClaimsError::user("member-not-found").arg("email", email))
}

/// The culture as an RFC 5646 claim only.
#[claims_handler(path = "/by-tag", auth = None)]
async fn by_tag(
    #[claim] email: String,
    #[claim(id = "lang", resolver = "{Culture:RFC5646}")] _lang: Option<String>,
) -> Result<Nothing, ClaimsError> {
    Err(ClaimsError::user("member-not-found").arg("email", email))
}

fn app() -> App {
    App::empty()
        .default_auth(AuthSpec::None)
        .handler(by_lcid::SPEC)
        .handler(by_tag::SPEC)
        .messages("en", "member-not-found = No membership for { $email }.")
        .messages("fr", "member-not-found = Aucune adhésion pour { $email }.")
        .messages(
            "de",
            "member-not-found = Keine Mitgliedschaft für { $email }.",
        )
}

#[actix_web::test]
async fn a_culture_claim_is_read_whatever_its_resolver() {
    let xml = app()
        .policy(PolicyOptions {
            base_url: "https://api.contoso.com".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            ..PolicyOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let emu = Emulator::from_policy(&xml).unwrap().in_process(app()).await;
    let bag = || claims! {"email" => "a@contoso.com"};
    let cases = [
        // `{Culture:LCID}` resolving to a tag, an LCID, a language name.
        ("REST-ByLcid", ResolverContext::new().lcid("de-AT"), "Keine"),
        ("REST-ByLcid", ResolverContext::new().lcid("1036"), "Aucune"),
        (
            "REST-ByLcid",
            ResolverContext::new().lcid("German"),
            "Keine",
        ),
        // `{Culture:RFC5646}` resolving to an LCID.
        (
            "REST-ByTag",
            ResolverContext::new().culture("1036"),
            "Aucune",
        ),
        (
            "REST-ByTag",
            ResolverContext::new().culture("3079"),
            "Keine",
        ),
        (
            "REST-ByTag",
            ResolverContext::new().culture("de-AT"),
            "Keine",
        ),
    ];
    for (tp, ctx, start) in cases {
        let o = emu.call_with(tp, bag(), &ctx).await;
        let seen = o.user_message().unwrap_or_default().to_owned();
        assert!(
            seen.starts_with(start),
            "{tp} {ctx:?}: {seen:?}\n{}",
            o.trace
        );
    }
}
