//! Fixture handlers shared by the cross-crate tests: every DataType in every send mode, the
//! canonical profile of `docs/b2c-wire-contract.md` §8, payload mode, and misbehaving handlers.

use chrono::{DateTime, NaiveDate, Utc};
use claims_runtime::prelude::*;

/// English messages of the fixture handlers.
pub const FIXTURE_EN: &str = "\
loyalty-mismatch = Loyalty ID '{ $loyaltyId }' is not associated with this email address.
";

/// French messages of the fixture handlers.
pub const FIXTURE_FR: &str = "\
loyalty-mismatch = L'identifiant de fidélité « { $loyaltyId } » n'est pas associé à cette adresse e-mail.
";

/// The app with every fixture handler and its messages.
pub fn app() -> App {
    App::new()
        .messages("en", FIXTURE_EN)
        .messages("fr", FIXTURE_FR)
}

/// Outputs of [`validate_loyalty()`].
#[derive(Debug, OutputClaims)]
pub struct Promo {
    /// The promotion code.
    #[claim(id = "promoCode")]
    pub promo_code: String,
    /// Whether the loyalty number was just created.
    #[claim(id = "loyaltyNumberIsNew", partner = "isNew", default = "false")]
    pub is_new: bool,
}

/// Validate loyalty number
///
/// The canonical technical profile of `docs/b2c-policy-xml.md` §3; `docs/b2c-wire-contract.md` §8.
#[claims_handler(
    technical_profile = "REST-ValidateLoyalty",
    path = "/b2c/validate-loyalty",
    send_claims_in = Body
)]
pub async fn validate_loyalty(
    #[claim(display_name = "Your loyalty ID")] loyalty_id: String,
    #[claim] email: String,
    #[claim(id = "userLanguage", partner = "lang", resolver = "{Culture:RFC5646}")] _lang: Option<
        Locale,
    >,
    #[claim(resolver = "{Context:CorrelationId}")] _correlation_id: Option<CorrelationId>,
) -> Result<Promo, ClaimsError> {
    if loyalty_id == "1234" && email == "emily@contoso.com" {
        Ok(Promo {
            promo_code: "84362".to_owned(),
            is_new: true,
        })
    } else {
        Err(ClaimsError::user("loyalty-mismatch").arg("loyaltyId", loyalty_id))
    }
}

/// Every claim type, echoed back.
#[derive(Debug, OutputClaims)]
pub struct Echo {
    /// string
    #[claim(id = "outText")]
    pub text: String,
    /// boolean
    #[claim(id = "outFlag")]
    pub flag: bool,
    /// int
    #[claim(id = "outCount")]
    pub count: i32,
    /// long
    #[claim(id = "outBig")]
    pub big: i64,
    /// date
    #[claim(id = "outDay")]
    pub day: NaiveDate,
    /// dateTime
    #[claim(id = "outAt")]
    pub at: DateTime<Utc>,
    /// stringCollection
    #[claim(id = "outTags")]
    pub tags: Vec<String>,
    /// phoneNumber
    #[claim(id = "outPhone")]
    pub phone: PhoneNumber,
    /// optional int
    #[claim(id = "outMaybe")]
    pub maybe: Option<i32>,
    /// nested output
    #[claim(id = "outNested", partner = "deep.list[0].value")]
    pub nested: Option<String>,
}

macro_rules! echo_handler {
    ($name:ident, $path:literal, $mode:ident) => {
        /// Echoes every claim type.
        #[claims_handler(path = $path, send_claims_in = $mode)]
        #[allow(clippy::too_many_arguments)]
        pub async fn $name(
            #[claim] text: String,
            #[claim] flag: bool,
            #[claim] count: i32,
            #[claim] big: i64,
            #[claim] day: NaiveDate,
            #[claim] at: DateTime<Utc>,
            #[claim] tags: Vec<String>,
            #[claim] phone: PhoneNumber,
            #[claim] maybe: Option<i32>,
        ) -> Echo {
            Echo {
                nested: Some(format!("{text}!")),
                text,
                flag,
                count,
                big,
                day,
                at,
                tags,
                phone,
                maybe,
            }
        }
    };
}

echo_handler!(echo_body, "/echo/body", Body);
echo_handler!(echo_form, "/echo/form", Form);
echo_handler!(echo_header, "/echo/header", Header);
echo_handler!(echo_query, "/echo/query", QueryString);

/// Url mode: claims in the path and in a query template.
#[derive(Debug, OutputClaims)]
pub struct UrlEcho {
    /// The member id.
    #[claim(id = "memberId")]
    pub member_id: String,
    /// The year.
    #[claim(id = "year")]
    pub year: i32,
    /// The flag from the query template.
    #[claim(id = "active")]
    pub active: bool,
}

/// Reads claims from URL segments.
#[claims_handler(path = "/echo/url/{memberId}/{year}?active={active}", send_claims_in = Url)]
pub fn echo_url(
    #[claim] member_id: String,
    #[claim] year: i32,
    #[claim] active: Option<bool>,
) -> UrlEcho {
    UrlEcho {
        member_id,
        year,
        active: active.unwrap_or(false),
    }
}

/// Validation only: answers `{}`.
#[claims_handler(path = "/unit", send_claims_in = Body)]
pub fn unit_ok(#[claim] _anything: Option<String>) {}

/// Validation only, may fail.
#[claims_handler(path = "/unit-result", send_claims_in = Form)]
pub async fn unit_result(#[claim] code: String) -> Result<(), ClaimsError> {
    if code == "ok" {
        Ok(())
    } else {
        Err(ClaimsError::user("loyalty-mismatch")
            .arg("loyaltyId", code)
            .code("E42")
            .developer_message("the code must be ok")
            .more_info("https://docs.example.com/E42"))
    }
}

/// Panics, to prove panics never leak.
#[claims_handler(path = "/boom", send_claims_in = QueryString)]
pub fn boom(#[claim] _x: Option<String>) -> Result<(), ClaimsError> {
    panic!("secret internal detail");
}

/// A typed JSON payload built by GenerateJson.
#[derive(Debug, ClaimsPayload)]
#[claims_payload(claim = "signupPayload", transformation = "GenerateSignupPayload")]
pub struct SignupPayload {
    /// `customer.email`
    #[claim(id = "email", path = "customer.email")]
    pub email: String,
    /// `customer.age`
    #[claim(id = "age", path = "customer.age")]
    pub age: Option<i32>,
    /// `items.0`
    #[claim(id = "firstItem", path = "items.0")]
    pub first_item: String,
}

/// Result of [`signup_payload()`].
#[derive(Debug, OutputClaims)]
pub struct PayloadEcho {
    /// The e-mail from the payload.
    #[claim(id = "payloadEmail")]
    pub email: String,
    /// Age plus one.
    #[claim(id = "payloadAgeNext")]
    pub next_age: Option<i32>,
    /// The first item.
    #[claim(id = "payloadFirst")]
    pub first: String,
}

/// Takes a GenerateJson payload.
#[claims_handler(path = "/payload", send_claims_in = Body)]
pub async fn signup_payload(#[claim(payload)] p: SignupPayload) -> PayloadEcho {
    PayloadEcho {
        email: p.email,
        next_age: p.age.map(|a| a + 1),
        first: p.first_item,
    }
}
