//! Valid handlers in every mode, sync and async, with nested outputs.
use claims_runtime::prelude::*;

#[derive(OutputClaims)]
struct Contact {
    #[claim(partner = "contacts[0].person.emails[0].email")]
    email: String,
    #[claim(partner = "contacts[0].person.name")]
    name: Option<String>,
    #[claim(partner = "contacts[1].person.name")]
    second: Option<String>,
    tags: Vec<String>,
}

/// Sync, Form.
#[claims_handler(send_claims_in = Form, auth = Basic)]
fn form(#[claim(partner = "mail")] email: String, #[claim] phone: Option<PhoneNumber>) -> Contact {
    let _ = phone;
    Contact { email, name: None, second: None, tags: vec![] }
}

/// Async, Header.
#[claims_handler(send_claims_in = Header, auth = Bearer)]
async fn header(#[claim(partner = "X-Mail")] email: String) -> Result<Contact, ClaimsError> {
    Ok(Contact { email, name: None, second: None, tags: vec![] })
}

/// Url with a query template; the bearer token is no placeholder (it travels as the header).
#[claims_handler(send_claims_in = Url, path = "/u/{id}?lang={lang}", auth = Bearer(claim = "token"))]
fn url(
    #[claim] id: String,
    #[claim(resolver = "{culture:lcid}")] lang: Locale,
    #[claim] token: String,
) {
    let _ = (id, lang, token);
}

/// QueryString, with rules.
#[claims_handler(send_claims_in = QueryString, deadline_ms = 60000, idempotent = true)]
async fn query(
    #[claim]
    #[validate(range(min = 0, max = 150))]
    age: Option<i32>,
    #[claim(resolver = "{OAUTH-KV:campaignId}")] campaign: Option<String>,
    req: actix_web::HttpRequest,
) -> Result<(), ClaimsError> {
    let _ = (age, campaign, req);
    Ok(())
}

fn main() {
    assert_eq!(form::SPEC.send_claims_in, claims_runtime::SendClaimsIn::Form);
    assert!(header::SPEC.uses_nested_outputs());
    assert_eq!(url::SPEC.auth, claims_runtime::AuthSpec::BearerFromClaim("token"));
    // The implicit claims join the Url-mode query template (a culture claim is declared).
    assert_eq!(
        url::SPEC.path,
        "/u/{id}?lang={lang}&claimsRuntimeCorrelationId={claimsRuntimeCorrelationId}"
    );
    assert_eq!(url::SPEC.inputs.len(), 4);
    assert_eq!(query::SPEC.deadline_ms, Some(60000));
}
